#!/bin/sh
# Install the Debian packages a make target needs, by set. Idempotent: quiet
# and fast when everything is present. Each make target asks only for the
# sets it uses (see the Makefile), so `make run` never brings a browser, an
# emulator or a cross compiler.
#
# Usage: tools/deps.sh [--list] SET...     (no SET: every set)
#   run     build and run the reader and the packer: compiler, pkg-config,
#           the -dev libraries, the default fonts and hyphenation patterns
#   test    what `make test` needs beyond run (strace, Xvfb, systemd-analyze,
#           man, the fonts the tests compare against)
#   fuzz    clang and libFuzzer
#   bench   the peers the benchmarks run against (chromium, mupdf-tools, lz4)
#   cross   Debian multiarch for CROSS_ARCH (default arm64; armhf too) and its
#           cross toolchain, qemu-user to run the tests
#   kiosk   the package, image and emulator tools (tools/deps-kiosk.sh, which
#           the kiosk targets also call for just what each needs)
#   fresh   mmdebstrap, for make fresh-test
# --list prints the packages of the sets, one a line, and installs nothing.
#
# Several makes may call this at once (make -j, two terminals): a lock file
# serialises them, so apt-get is never run twice at the same time.
set -eu

RUN_PKGS="build-essential pkg-config
 liblz4-dev libxxhash-dev libinih-dev libhyphen-dev libutf8proc-dev libmd4c-dev libsodium-dev
 libfreetype-dev libfontconfig-dev libharfbuzz-dev
 libfribidi-dev libunibreak-dev libthai-dev
 libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpng-dev libdeflate-dev
 fonts-sil-charis fonts-dejavu-core hyphen-en-us"
TEST_PKGS="strace xvfb xauth systemd file python3 groff-base man-db fonts-noto-core libharfbuzz-bin
 fonts-noto-cjk fonts-noto-color-emoji libfribidi-bin fontconfig dosfstools mtools"
FUZZ_PKGS="clang libclang-rt-14-dev libfuzzer-14-dev"
BENCH_PKGS="mupdf-tools chromium lz4 time bc python3 file xvfb xauth zip libharfbuzz-bin fontconfig manpages-zh groff-base fonts-noto-cjk"
# The -dev libraries a cross build links against, for CROSS_ARCH.
CROSS_LIBS="liblz4-dev libxxhash-dev libinih-dev libhyphen-dev libutf8proc-dev libmd4c-dev libsodium-dev
 libfreetype-dev libfontconfig-dev libharfbuzz-dev libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpng-dev libdeflate-dev
 libfribidi-dev libthai-dev"
# Not libunibreak-dev: Debian's (bookworm, 1.1) is not Multi-Arch, so its :arm64
# would replace the host's. A cross build gets it another way (see UNIBREAK in the Makefile).

list=0 sets=
for a in "$@"; do
  case "$a" in
    --list) list=1 ;;
    run|test|fuzz|bench|cross|kiosk|fresh) sets="$sets $a" ;;
    *) echo "deps.sh: unknown set '$a' (run test fuzz bench cross kiosk fresh)" >&2; exit 2 ;;
  esac
done
[ -n "$sets" ] || sets="run test fuzz bench cross kiosk fresh"

host=$(dpkg --print-architecture 2>/dev/null || echo unknown)
xarch=${CROSS_ARCH:-arm64}
want= foreign= kiosk=0
for s in $sets; do
  case "$s" in
    run) want="$want $RUN_PKGS" ;;
    test) want="$want $TEST_PKGS" ;;
    fuzz) want="$want $FUZZ_PKGS" ;;
    bench) want="$want $BENCH_PKGS" ;;
    cross)
      [ "$xarch" = "$host" ] && continue
      case "$xarch" in arm64) q=qemu-user-static ;; armhf) q=qemu-user-static ;;
        *) echo "deps.sh: no cross set for '$xarch' (arm64, armhf)" >&2; exit 2 ;; esac
      foreign=$xarch
      want="$want crossbuild-essential-$xarch $q"
      for p in $CROSS_LIBS; do want="$want $p:$xarch"; done ;;
    fresh) want="$want mmdebstrap" ;;
    kiosk) kiosk=1 ;;
  esac
done

if [ $list = 1 ]; then
  for p in $want; do echo "$p"; done
  [ $kiosk = 0 ] || echo "(and the kiosk set: tools/deps-kiosk.sh)"
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps.sh: not a Debian system; install these packages by hand:$want" >&2
  exit 0
fi

SUDO=
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "deps.sh: installing needs root or sudo; as root, run: apt-get install$want" >&2; exit 1; fi
fi

native_arch=$(dpkg --print-architecture)
missing() {
  m=
  for p in $want; do
    # an unqualified name is the host's own (or an Architecture: all
    # package): with multiarch, dpkg-query also answers for liblz4-dev
    # when only liblz4-dev:arm64 is installed
    case "$p" in
      *:*) st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) ;;
      *) st=$(dpkg-query -W -f='${Status} ${Architecture}\n' "$p" 2>/dev/null |
                grep -E " ($native_arch|all)\$" || true) ;;
    esac
    case "$st" in *"install ok installed"*) ;; *) m="$m $p" ;; esac
  done
  echo "$m"
}
kiosk_deps() { # the kiosk set is tools/deps-kiosk.sh's, for every kiosk target
  [ $kiosk = 1 ] || return 0
  d=$(dirname "$0")
  for t in "deb arm64" "deb-test arm64" image image-test; do
    # shellcheck disable=SC2086
    "$d/deps-kiosk.sh" $t
  done
}
needs_arch() { [ -n "$foreign" ] && ! dpkg --print-foreign-architectures | grep -qx "$foreign"; }
[ -z "$(missing)" ] && ! needs_arch && { kiosk_deps; exit 0; }

# One apt-get at a time: wait for another deps.sh (or apt) to finish, then
# look again, since it may have installed what we need.
lock=/tmp/lectern-deps.lock
exec 9>>"$lock" 2>/dev/null || exec 9>/dev/null
command -v flock >/dev/null 2>&1 && flock 9
if needs_arch; then
  echo "deps.sh: adding the $foreign architecture (Debian multiarch)"
  $SUDO dpkg --add-architecture "$foreign"
fi
m=$(missing)
[ -n "$m" ] || { kiosk_deps; exit 0; }

echo "deps.sh: installing:$m"
export DEBIAN_FRONTEND=noninteractive
# A mirror in mid-sync fails one index now and then: go on with the rest.
$SUDO apt-get update -qq || echo "deps.sh: apt-get update had errors; trying anyway" >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $m >/dev/null
echo "deps.sh: done"
kiosk_deps
