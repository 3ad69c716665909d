#!/bin/sh
# Libraries a cross build needs that Debian multiarch cannot install beside
# the host's: today only libunibreak (bookworm's 1.1 is not Multi-Arch: its
# .so lives in /usr/lib, so libunibreak-dev:arm64 would replace the host's
# libunibreak-dev). Puts ARCH's headers and shared library under DIR/usr,
# for the Makefile's -I/-L and for the tests' LD_LIBRARY_PATH under qemu.
# Nothing is installed on the system; the .deb files come from apt's own
# sources (apt-get download, checked by apt), or, where ARCH's package is
# already installed (the armhf build chroot), from the installed files.
#
# Usage: tools/xroot.sh ARCH DIR      (idempotent; DIR/.stamp when done)
set -eu
arch=${1:?usage: xroot.sh ARCH DIR}
dir=${2:?usage: xroot.sh ARCH DIR}
pkgs="libunibreak1 libunibreak-dev"
want=$(for p in $pkgs; do apt-cache policy "$p:$arch" 2>/dev/null | sed -n 's/^  Candidate: //p' | head -1; done | tr '\n' ' ')
[ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$arch $want" ] && exit 0
rm -rf "$dir.new"
mkdir -p "$dir.new"
if dpkg-query -W -f '${Status}\n' "libunibreak-dev:$arch" 2>/dev/null | grep -q 'install ok installed'; then
  for p in $pkgs; do
    dpkg-query -L "$p:$arch" | while read -r f; do
      [ -f "$f" ] || [ -L "$f" ] || continue
      mkdir -p "$dir.new$(dirname "$f")" && cp -P "$f" "$dir.new$f"
    done
  done
else
  dl=$(mktemp -d)
  trap 'rm -rf "$dl"' EXIT
  for p in $pkgs; do
    (cd "$dl" && apt-get download -q "$p:$arch" > /dev/null) ||
      { echo "xroot.sh: cannot download $p:$arch (is the $arch architecture added? tools/deps.sh cross)" >&2; exit 1; }
  done
  for d in "$dl"/*.deb; do dpkg-deb -x "$d" "$dir.new"; done
fi
[ -f "$dir.new/usr/include/linebreak.h" ] && [ -e "$dir.new/usr/lib/libunibreak.so" ] ||
  { echo "xroot.sh: libunibreak for $arch has no linebreak.h or libunibreak.so" >&2; exit 1; }
rm -rf "$dir"
mv "$dir.new" "$dir"
echo "$arch $want" > "$dir/.stamp"
echo "xroot.sh: libunibreak for $arch in $dir"
