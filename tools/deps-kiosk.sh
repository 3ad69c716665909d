#!/bin/sh
# Install the Debian packages the kiosk targets need (make deb, deb-test,
# image, image-test), on top of tools/deps.sh. Idempotent: quiet and fast
# when everything is present. Also makes sure binfmt_misc runs arm64 (and
# armhf) binaries through qemu-user, which the arm64 chroot and image need.
# Usage: tools/deps-kiosk.sh deb|deb-test|image|image-test [ARCH]
#        tools/deps-kiosk.sh chroot-packages ARCH   (prints, installs nothing)
# DEB_CHROOT=1 (the default for armhf, see build-deb.sh) builds the package
# in a chroot: the host then needs only mmdebstrap, not ARCH's libraries.
# mmdebstrap comes without its Recommends (apt-get --no-install-recommends),
# so arch-test, which it needs for a foreign architecture, is named here.
set -eu
what=${1:-deb}
arch=${2:-arm64}
: "${DEB_CHROOT:=$([ "$arch" = armhf ] && echo 1 || echo 0)}"

# The target's -dev libraries for a cross build (deps.sh does arm64's).
DEV_LIBS="liblz4-dev libxxhash-dev libinih-dev libhyphen-dev libutf8proc-dev libmd4c-dev libsodium-dev libfreetype-dev
 libfontconfig-dev libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libpng-dev libdeflate-dev libharfbuzz-dev
 libfribidi-dev libthai-dev"
cross_pkgs() { # $1 = arch: the cross compiler and $1's -dev libraries
  echo "crossbuild-essential-$1"
  for p in $DEV_LIBS; do echo "$p:$1"; done
}

case "$what" in
  deb) want="dpkg-dev lintian" ;;
  deb-test) want="dpkg-dev lintian mmdebstrap arch-test qemu-user-static systemd" ;;
  image) want="mmdebstrap arch-test qemu-user-static dosfstools mtools fdisk e2fsprogs" ;;
  image-test) want="qemu-system-arm python3 e2fsprogs mtools dosfstools fdisk cpio" ;;
  chroot-packages)
    # firmware/debian/build-deb-chroot.sh: an amd64 chroot with $arch as a
    # foreign architecture; besides the cross build, make deb runs the
    # target's lectern-pack under qemu-user for the default pack (fonts,
    # hyphenation patterns) and build-deb.sh reads the fonts' copyright.
    echo make pkg-config dpkg-dev mawk qemu-user-static fonts-sil-charis fonts-dejavu-core hyphen-en-us
    cross_pkgs "$arch"
    # not Multi-Arch, so not in DEV_LIBS; in the chroot nothing needs the
    # native one, and tools/xroot.sh takes the installed files
    echo "libunibreak-dev:$arch"
    exit 0 ;;
  *) echo "deps-kiosk.sh: usage: deps-kiosk.sh deb|deb-test|image|image-test|chroot-packages [ARCH]" >&2; exit 2 ;;
esac
host=$(dpkg --print-architecture)
foreign=
# Built on the host, the default pack's lectern-pack reads the host's fonts
# and hyphenation patterns (a machine that never ran make run or make test
# has none of them; the chroot build brings its own)
[ "$what" = deb ] && [ "$DEB_CHROOT" != 1 ] && want="$want fonts-sil-charis fonts-dejavu-core hyphen-en-us"
if [ "$what" = deb ] && [ "$DEB_CHROOT" = 1 ]; then
  # nothing of $arch on the host: the chroot has it all
  want="$want mmdebstrap arch-test"
elif [ "$what" = deb ] && [ "$arch" != "$host" ]; then
  # the default pack is made by $arch's own lectern-pack, run under
  # qemu-user (Makefile: default.lpk), for arm64 as for armhf
  want="$want qemu-user-static"
  foreign=$arch
  want="$want $(cross_pkgs "$arch" | tr '\n' ' ')"
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
needs_arch() { [ -n "$foreign" ] && ! dpkg --print-foreign-architectures | grep -qx "$foreign"; }
native_arch=$(dpkg --print-architecture)
find_missing() {
  missing=
  for p in $want; do
    # an unqualified name is the host's own (or an Architecture: all
    # package): with multiarch, dpkg-query also answers for liblz4-dev
    # when only liblz4-dev:arm64 is installed
    case "$p" in
      *:*) st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) ;;
      *) st=$(dpkg-query -W -f='${Status} ${Architecture}\n' "$p" 2>/dev/null |
                grep -E " ($native_arch|all)\$" || true) ;;
    esac
    case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
  done
}
find_missing
if [ -n "$missing" ] || needs_arch; then
  # One apt-get at a time (.ci/run builds the image beside other targets):
  # tools/deps.sh's lock; then look again, another may have installed it.
  exec 9>>/tmp/lectern-deps.lock 2>/dev/null || exec 9>/dev/null
  command -v flock >/dev/null 2>&1 && flock 9
  needs_arch && $SUDO dpkg --add-architecture "$foreign"
  find_missing
fi
if [ -n "$missing" ]; then
  echo "deps-kiosk.sh: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # A mirror in mid-sync fails one index now and then: go on with the rest.
  $SUDO apt-get update -qq || echo "deps-kiosk.sh: apt-get update had errors; trying anyway" >&2
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing > /dev/null
fi

# binfmt_misc: containers often have it unmounted, and without systemd nobody
# registers qemu's formats. The F flag (from Debian's qemu-user-static
# files) keeps the interpreter open, so it works inside a chroot too.
# deb-test ARCH needs ARCH's; the image is arm64.
case "$what" in
  deb-test|image)
    [ "$what" = image ] && arch=arm64
    case "$arch" in arm64) need=aarch64 ;; armhf) need=arm ;; *) need= ;; esac
    bf=/proc/sys/fs/binfmt_misc
    [ -e "$bf/register" ] || $SUDO mount -t binfmt_misc binfmt_misc "$bf" 2>/dev/null || true
    for q in aarch64 arm; do
      if [ -e "$bf/register" ] && [ ! -e "$bf/qemu-$q" ] && [ -f "/usr/lib/binfmt.d/qemu-$q.conf" ]; then
        $SUDO sh -c "cat /usr/lib/binfmt.d/qemu-$q.conf > $bf/register" || true
      fi
    done
    if [ -n "$need" ] && [ ! -e "$bf/qemu-$need" ]; then
      echo "deps-kiosk.sh: binfmt_misc cannot run $arch binaries here (no binfmt_misc?);" \
           "the $arch chroot needs it" >&2
      exit 1
    fi ;;
esac
exit 0
