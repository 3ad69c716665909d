#!/bin/sh
# Build the lectern .deb for one architecture, without debhelper: a
# hardened build with PREFIX=/usr in its own build directory, the files laid
# out by hand, dependencies from dpkg-shlibdeps, dpkg-deb to pack.
#
# usage: firmware/debian/build-deb.sh ARCH VERSION OUTDIR
#   ARCH: arm64, armhf or amd64 (cross-built with Debian multiarch; on the
#   host, or with DEB_CHROOT=1, the default for armhf, in a clean chroot)
# Prints the path of the .deb. Reproducible: file times are clamped to
# SOURCE_DATE_EPOCH (default: the last commit's time).
set -eu
ARCH=${1:?usage: build-deb.sh ARCH VERSION OUTDIR}
VERSION=${2:?usage: build-deb.sh ARCH VERSION OUTDIR}
OUT=${3:?usage: build-deb.sh ARCH VERSION OUTDIR}
cd "$(dirname "$0")/../.."
TOP=$(pwd)
B=${DEB_BUILD_DIR:-build/deb-$ARCH}
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || echo 1767225600)}"
export SOURCE_DATE_EPOCH

case "$ARCH" in
  arm64) GNU=aarch64-linux-gnu ;;
  armhf) GNU=arm-linux-gnueabihf ;;
  amd64) GNU=x86_64-linux-gnu ;;
  *) echo "build-deb.sh: ARCH must be arm64, armhf or amd64, not $ARCH" >&2; exit 2 ;;
esac
# armhf is built in a clean chroot by default: the host's multiarch set
# cannot always be kept in step for it (see build-deb-chroot.sh).
: "${DEB_CHROOT:=$([ "$ARCH" = armhf ] && echo 1 || echo 0)}"
if [ "$DEB_CHROOT" = 1 ]; then exec firmware/debian/build-deb-chroot.sh "$ARCH" "$VERSION" "$OUT"; fi
if [ "$ARCH" = "$(dpkg --print-architecture)" ]; then STRIP=strip; else STRIP=$GNU-strip; fi

# ---- build: Debian's hardening flags, paths as installed -------------------
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
export DEB_HOST_ARCH=$ARCH
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
# Rebuild whenever the flags change: the Makefile does not track them.
stamp="$ARCH|$cflags|$ldflags"
if [ "$(cat "$B/.flags" 2>/dev/null)" != "$stamp" ]; then rm -rf "$B"; fi
mkdir -p "$B"
echo "$stamp" > "$B/.flags"
env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES make --no-print-directory LECTERN_INNER=1 WERROR="${WERROR:-0}" ARCH="$ARCH" B="$B" PREFIX=/usr OPT="$cflags" LDFLAGS="$ldflags" \
  "$B/lectern-pack" "$B/lectern" "$B/lectern-splash" "$B/default.lpk" >&2
grep -qa '/usr/share/lectern/default.lpk' "$B/lectern" || {
  echo "build-deb.sh: $B/lectern was not built with LECTERN_DATADIR=/usr/share/lectern" >&2; exit 1; }

# ---- lay out the files -------------------------------------------------------
# Outside build/: the Makefile includes every build/**/*.d, and a package
# has directories such as rules.d.
STAGE=$(mktemp -d /tmp/lectern-deb-XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
d() { install -d -m 0755 "$STAGE/$1"; }
f() { install -m "$1" "$2" "$STAGE/$3"; }
d DEBIAN; d usr/bin; d usr/sbin; d usr/share/lectern/firmware/systemd; d etc/lectern
d lib/systemd/system; d lib/udev/rules.d; d usr/libexec/lectern; d usr/share/man/man1; d usr/share/man/man5
d usr/share/man/man8; d usr/share/doc/lectern; d usr/share/lintian/overrides
for p in lectern lectern-pack; do
  f 0755 "$B/$p" usr/bin/$p
  $STRIP --strip-unneeded --remove-section=.comment --remove-section=.note "$STAGE/usr/bin/$p"
done
f 0755 firmware/install-kiosk usr/sbin/lectern-install-kiosk
f 0644 "$B/default.lpk" usr/share/lectern/default.lpk
f 0644 firmware/lectern.conf etc/lectern/lectern.conf
f 0644 firmware/systemd/lectern.service lib/systemd/system/lectern.service
# the marker lectern.service waits for: the FAT partition is mounted, or given up
f 0644 firmware/systemd/lectern-bootfs.service lib/systemd/system/lectern-bootfs.service
f 0644 firmware/udev/70-lectern-backlight.rules lib/udev/rules.d/70-lectern-backlight.rules
f 0644 firmware/udev/70-lectern-drm.rules lib/udev/rules.d/70-lectern-drm.rules
# the boot splash (issue 16): lectern-install-kiosk enables its unit
f 0755 "$B/lectern-splash" usr/libexec/lectern/lectern-splash
$STRIP --strip-unneeded --remove-section=.comment --remove-section=.note "$STAGE/usr/libexec/lectern/lectern-splash"
f 0644 firmware/systemd/lectern-splash.service lib/systemd/system/lectern-splash.service
# the USB-stick mount helper: udev asks systemd for the unit, the unit runs it
f 0755 firmware/media/lectern-media usr/libexec/lectern/lectern-media
f 0644 firmware/udev/71-lectern-media.rules lib/udev/rules.d/71-lectern-media.rules
f 0644 firmware/systemd/lectern-media@.service lib/systemd/system/lectern-media@.service
# what lectern-install-kiosk needs, as in the source tree
f 0644 firmware/config.txt usr/share/lectern/firmware/config.txt
f 0644 firmware/cmdline.txt usr/share/lectern/firmware/cmdline.txt
f 0644 firmware/lectern-boot.conf usr/share/lectern/firmware/lectern-boot.conf
# the initramfs's copy of the boot partition's lectern.conf (install-kiosk
# puts these into /etc/initramfs-tools on a kiosk only)
d usr/share/lectern/firmware/initramfs
f 0755 firmware/initramfs/hook usr/share/lectern/firmware/initramfs/hook
f 0755 firmware/initramfs/init-bottom usr/share/lectern/firmware/initramfs/init-bottom
f 0644 firmware/systemd/lectern-watchdog.conf usr/share/lectern/firmware/systemd/lectern-watchdog.conf
f 0644 firmware/systemd/logind-kiosk.conf usr/share/lectern/firmware/systemd/logind-kiosk.conf
for x in lectern-kiosk-system.conf journald-kiosk.conf sysctl-kiosk.conf; do
  f 0644 firmware/systemd/$x usr/share/lectern/firmware/systemd/$x
done
for p in board/*/; do
  p=$(basename "$p")
  d usr/share/lectern/board/$p
  for x in config.txt cmdline.txt lectern.conf; do
    [ -f "board/$p/$x" ] && f 0644 "board/$p/$x" "usr/share/lectern/board/$p/$x"
  done
  f 0644 "board/$p/NOTES.md" "usr/share/doc/lectern/board-$p.md"
done
for m in firmware/man/*.[158]; do
  s=${m##*.}
  gzip -9nc "$m" > "$STAGE/usr/share/man/man$s/$(basename "$m").gz"
  chmod 0644 "$STAGE/usr/share/man/man$s/$(basename "$m").gz"
done
f 0644 firmware/README.md usr/share/doc/lectern/README.kiosk.md
{ cat firmware/debian/copyright; echo
  # the stand-alone license paragraph of the fonts' own copyright file
  awk 'prev == "" && $0 == "License: OFL-1.1-RFN" { p = 1 } p { print } { prev = $0 }' \
    /usr/share/doc/fonts-sil-charis/copyright
  echo
  # and DejaVu's licence (the text of its Files: * paragraph) as one of its own
  awk '$0 == "License: bitstream-vera" { p = 1 } p && $0 == "" { exit } p { print }' \
    /usr/share/doc/fonts-dejavu-core/copyright
} > "$STAGE/usr/share/doc/lectern/copyright"
chmod 0644 "$STAGE/usr/share/doc/lectern/copyright"
# a native package: its changelog is the project's
date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
printf 'lectern (%s) unstable; urgency=medium\n\n  * Release %s: see README.md.\n\n -- The lectern authors <lectern@users.noreply.github.com>  %s\n' \
  "$VERSION" "$VERSION" "$date" | gzip -9n > "$STAGE/usr/share/doc/lectern/changelog.gz"
chmod 0644 "$STAGE/usr/share/doc/lectern/changelog.gz"
f 0644 firmware/debian/lintian-overrides usr/share/lintian/overrides/lectern
for s in postinst prerm postrm; do f 0755 "firmware/debian/$s" "DEBIAN/$s"; done
echo /etc/lectern/lectern.conf > "$STAGE/DEBIAN/conffiles"

# ---- dependencies from the libraries linked ------------------------------
w=$B/shlibdeps
rm -rf "$w"; mkdir -p "$w/debian"
printf 'Source: lectern\n\nPackage: lectern\nArchitecture: any\n' > "$w/debian/control"
# libunibreak is not Multi-Arch: a cross build links the copy tools/xroot.sh
# put in $B/xroot, which dpkg does not know, so its package is named here
# (the soname 1 is Debian's libunibreak1). Natively dpkg finds it itself.
xlib=
if [ -d "$B/xroot/usr/lib" ]; then
  xlib=-l$(cd "$B/xroot/usr/lib" && pwd)
  ubver=$(sed -n 's/^[^ ]* [^ ]* \([^ ]*\).*/\1/p' "$B/xroot/.stamp")
  echo "libunibreak 1 libunibreak1 (>= ${ubver%%-*})" > "$w/debian/shlibs.local"
fi
deps=$(cd "$w" && dpkg-shlibdeps -O $xlib -e"$STAGE/usr/bin/lectern" -e"$STAGE/usr/bin/lectern-pack" -e"$STAGE/usr/libexec/lectern/lectern-splash" 2>&1 |
       sed -n 's/^shlibs:Depends=//p')
[ -n "$deps" ] || { echo "build-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# The reader loads SDL2 and SDL2_ttf itself when it first opens a display
# (src/sdl_dyn.c), so they are in no DT_NEEDED for dpkg-shlibdeps to see:
# named here, at the first versions with every function it calls
# (SDL_RenderGeometry and SDL_GetTicks64, TTF_*Glyph*32: 2.0.18).
deps="$deps, libsdl2-2.0-0 (>= 2.0.18), libsdl2-ttf-2.0-0 (>= 2.0.18)"
# libsystemd likewise, under systemd only (src/watchdog.c): sd_notify and
# sd_watchdog_enabled are in every version Debian has
deps="$deps, libsystemd0"

# ---- control, md5sums, pack ------------------------------------------------
size=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$deps/" \
  firmware/debian/control.in > "$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort |
   xargs md5sum > DEBIAN/md5sums)
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums" "$STAGE/DEBIAN/conffiles"
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
mkdir -p "$OUT"
deb=$OUT/lectern_${VERSION}_$ARCH.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$deb" >&2
echo "$deb"
