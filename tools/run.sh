#!/bin/sh
# `make run`: open the reader on the default pack. With no display at all
# (no X, no Wayland, no DRM device), say so and write a PNG preview instead:
# the library (the first screen) and the first pages, and print their paths.
reader=$1 pack=$2
if [ ! -x "$reader" ]; then
  echo "run: $reader is not built" >&2; exit 1
fi
has_display() {
  [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] && return 0
  # a Pi console: a DRM card with a connected output
  for s in /sys/class/drm/card*-*/status; do
    [ -f "$s" ] && grep -qx connected "$s" && return 0
  done
  return 1
}
# PREVIEW=1 writes the preview even with a display (tests).
if [ "${PREVIEW:-0}" != 1 ] && has_display; then
  exec "$reader" --pack "$pack"
fi
out=build/preview
mkdir -p "$out"
echo "run: no display found (no DISPLAY, WAYLAND_DISPLAY or connected DRM output)."
echo "run: writing a preview of the library and the first pages instead:"
shot() { SDL_VIDEODRIVER=offscreen "$reader" --pack "$pack" --screenshot "$out" --size 800x480 "$@"; }
rm -f "$out"/*.png
files=$(shot --screen library && shot --essay 1 --page 1 && shot --essay 1 --page 2 && shot --essay 2 --page 1) || exit 1
printf '%s\n' "$files" | while IFS= read -r f; do
  case $f in /*) echo "  $f" ;; *) echo "  $(pwd)/$f" ;; esac
done
