#!/bin/sh
# Install the Debian packages lectern needs to build, test, cross-build and
# benchmark. Idempotent: quiet and fast when everything is present.
# Usage: tools/deps.sh [--no-cross] [--no-bench]
set -eu

HOST_PKGS="build-essential pkg-config clang libclang-rt-14-dev libfuzzer-14-dev
 liblz4-dev libxxhash-dev libinih-dev libhyphen-dev hyphen-en-us libutf8proc-dev
 libfreetype-dev libharfbuzz-dev libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev
 fonts-sil-charis fonts-noto-core fonts-dejavu-core
 libfontconfig-dev lz4 xxhash time file xvfb xauth bc python3
 strace systemd groff-base man-db"
BENCH_PKGS="mupdf-tools chromium"
CROSS_PKGS="crossbuild-essential-arm64 qemu-user-static"
CROSS_LIBS="liblz4-dev libxxhash-dev libinih-dev libhyphen-dev libutf8proc-dev
 libfreetype-dev libfontconfig-dev libharfbuzz-dev libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev"

cross=1 bench=1
for a in "$@"; do
  case "$a" in
    --no-cross) cross=0 ;;
    --no-bench) bench=0 ;;
    *) echo "deps.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps.sh: not a Debian system; install the packages listed in tools/deps.sh by hand" >&2
  exit 0
fi

SUDO=
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "deps.sh: need root or sudo to install packages" >&2; exit 1; fi
fi

want="$HOST_PKGS"
[ $bench = 1 ] && want="$want $BENCH_PKGS"
if [ $cross = 1 ] && [ "$(dpkg --print-architecture)" != arm64 ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
    updated=0
  fi
  want="$want $CROSS_PKGS"
  for p in $CROSS_LIBS; do want="$want $p:arm64"; done
fi

missing=
for p in $want; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps.sh: done"
