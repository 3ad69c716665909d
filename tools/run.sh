#!/bin/sh
# `make run`: open the reader on the default pack. With no display at all
# (no X, no Wayland, no DRM device), say so and write a PNG preview of the
# first pages instead.
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
if has_display; then
  exec "$reader" --pack "$pack"
fi
out=build/preview
mkdir -p "$out"
echo "run: no display found (no DISPLAY, WAYLAND_DISPLAY or connected DRM output)."
echo "run: writing a preview of the first pages instead:"
SDL_VIDEODRIVER=offscreen "$reader" --pack "$pack" --screenshot "$out" --essay 1 --page 1 --size 800x480 > /dev/null &&
SDL_VIDEODRIVER=offscreen "$reader" --pack "$pack" --screenshot "$out" --essay 1 --page 2 --size 800x480 > /dev/null &&
SDL_VIDEODRIVER=offscreen "$reader" --pack "$pack" --screenshot "$out" --essay 2 --page 1 --size 800x480 > /dev/null || exit 1
for f in "$out"/*.png; do echo "  $(pwd)/$f"; done
