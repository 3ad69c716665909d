#!/bin/sh
# make deb-test [ARCH=armhf]: install the package in a fresh Debian 12
# chroot of its own architecture (mmdebstrap, run under qemu-user through
# binfmt_misc) with `apt install ./lectern_*.deb`, check the user, files and
# maintainer scripts (deb-in-chroot.sh), and check the page the installed
# reader renders there. Also: lintian, reproducibility of the .deb, and the
# installed unit's systemd-analyze security score.
#
# usage: firmware/test/deb-test.sh DEB   (an arm64 or armhf .deb; made by make deb)
# Scratch files (apt cache, logs) go in $KIOSK_TMP (default /tmp/lectern-kiosk);
# the screenshot is kept in build/kiosk-test/deb/ARCH-*.png. Last line: N passed, N failed.
set -u
DEB=$(readlink -f "${1:?usage: deb-test.sh lectern_VERSION_ARCH.deb}")
cd "$(dirname "$0")/../.."
TMP=${KIOSK_TMP:-/tmp/lectern-kiosk}
ART=build/kiosk-test/deb
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PY=/usr/bin/python3
arch=$(dpkg-deb -f "$DEB" Architecture) ver=$(dpkg-deb -f "$DEB" Version)
mkdir -p "$TMP/apt-$arch" "$ART"
rm -f "$ART/$arch-"*.png
log=$TMP/deb-test-$arch.log
: > "$log"
pass=0 failn=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
fail() { echo "FAIL $1"; [ $# -gt 1 ] && echo "  $2" >&2; failn=$((failn + 1)); }

# ---- host side: lintian, reproducible, service score ------------------------
lint=$TMP/lintian-$arch.txt
if lintian --pedantic --display-info --display-experimental "$DEB" > "$lint" 2>&1 &&
   ! grep -q '^[EWIPX]:' "$lint"; then ok deb_lintian_clean
else fail deb_lintian_clean "$(grep '^[EWIPX]:' "$lint" | head -5)"; fi
unit=$(mktemp -d)
dpkg-deb -x "$DEB" "$unit"
score=$(systemd-analyze security --offline=true --root="$unit" lectern.service 2>/dev/null | sed -n 's/.*Overall exposure level for lectern.service: \([0-9.]*\).*/\1/p')
# the USB-stick helper's unit, as installed: systemd accepts it (and finds
# the helper it runs), and its sandbox is what a mounter can have
if systemd-analyze verify --man=no --root="$unit" lectern-media@sda1.service > "$TMP/media-verify.txt" 2>&1 &&
   ! grep -q . "$TMP/media-verify.txt"; then ok deb_media_unit_verifies
else fail deb_media_unit_verifies "$(head -3 "$TMP/media-verify.txt")"; fi
mscore=$(systemd-analyze security --offline=true --root="$unit" lectern-media@sda1.service 2>/dev/null | sed -n 's/.*Overall exposure level for lectern-media@sda1.service: \([0-9.]*\).*/\1/p')
if [ -n "$mscore" ] && awk "BEGIN { exit !($mscore <= 3.0) }"; then ok "deb_media_unit_security_$mscore"
else fail deb_media_unit_security "score '$mscore' (want 3.0 or better)"; fi
rm -rf "$unit"
if [ -n "$score" ] && awk "BEGIN { exit !($score <= 1.5) }"; then ok "deb_unit_security_$score"
else fail deb_unit_security "score '$score' (want 1.5 or better)"; fi

# Reproducible: the same source built again in a fresh directory gives the
# same bytes (dates come from SOURCE_DATE_EPOCH, paths are mapped); for
# armhf, in a fresh copy of the same build chroot, as make deb does.
rm -rf "build/deb-repro-$arch" "$TMP/repro"
if DEB_BUILD_DIR="build/deb-repro-$arch" firmware/debian/build-deb.sh "$arch" "$ver" "$TMP/repro" > /dev/null 2>> "$log" &&
   cmp -s "$DEB" "$TMP/repro/lectern_${ver}_$arch.deb"; then ok deb_reproducible
else fail deb_reproducible "a second build differs from $DEB (was it built from the current source?)"; fi
rm -rf "build/deb-repro-$arch"

# ---- a chroot of the package's architecture ---------------------------------------
case "$arch" in arm64) q=qemu-aarch64 ;; armhf) q=qemu-arm ;; *) q= ;; esac
if [ "$arch" != "$(dpkg --print-architecture)" ] && ! [ -e "/proc/sys/fs/binfmt_misc/$q" ]; then
  fail deb_chroot "binfmt_misc has no ${q:-qemu for $arch} (mount binfmt_misc; tools/deps-kiosk.sh registers it)"
  echo "$pass passed, $failn failed"; exit 1
fi
out=$(mktemp -d)
echo "deb-test: mmdebstrap bookworm $arch + apt install (a few minutes under qemu; log $log)" >&2
start=$(date +%s)
mmdebstrap --variant=apt --architectures="$arch" --skip=download/empty --skip=essential/unlink \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
  --setup-hook="sync-in $TMP/apt-$arch /var/cache/apt/archives/" \
  --customize-hook="copy-in $DEB /root" \
  --customize-hook='copy-in firmware/test/deb-in-chroot.sh /root' \
  --customize-hook='chroot "$1" sh /root/deb-in-chroot.sh > "$1/root/results.txt" 2>&1 || true' \
  --customize-hook="copy-out /root/results.txt /root/shot.log /root/apt.log $out" \
  --customize-hook="sync-out /var/cache/apt/archives $TMP/apt-$arch" \
  --customize-hook="copy-out /tmp/shots $out" \
  bookworm /dev/null "$MIRROR" >> "$log" 2>&1
st=$?
echo "deb-test: chroot done in $(($(date +%s) - start)) s" >&2
if [ $st -ne 0 ]; then fail deb_chroot "mmdebstrap failed ($st), see $log"; fi
if [ -f "$out/results.txt" ]; then
  cat "$out/results.txt" | grep -E '^(ok|FAIL) ' | while read -r r n; do echo "$r $n"; done
  pass=$((pass + $(grep -c '^ok ' "$out/results.txt")))
  failn=$((failn + $(grep -c '^FAIL ' "$out/results.txt")))
  grep -q '^FAIL deb_apt_install' "$out/results.txt" && sed 's/^/  apt: /' "$out/apt.log" | tail -20 >&2
  grep -q '^FAIL deb_screenshot' "$out/results.txt" && sed 's/^/  lectern: /' "$out/shot.log" >&2
else
  fail deb_chroot_results "no results from the chroot, see $log"
fi

# ---- the page the installed reader rendered --------------------------------------
png=$out/shots/essay1-page001.png
if [ -s "$png" ]; then
  cp "$png" "$ART/$arch-chroot-essay1-page001.png"
  set -- $($PY firmware/test/imgstat.py "$png")
  if [ "${1:-}" = 800 ] && [ "${2:-}" = 480 ]; then ok deb_chroot_png_800x480; else fail deb_chroot_png_800x480 "size $*"; fi
  if awk "BEGIN { exit !(${3:-0} > 0.01 && ${3:-0} < 0.5) }"; then ok "deb_chroot_png_has_text_ink_${3}"
  else fail deb_chroot_png_has_text "ink ${3:-?}"; fi
else
  fail deb_chroot_png "no screenshot came out of the chroot"
fi
rm -rf "$out"
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
