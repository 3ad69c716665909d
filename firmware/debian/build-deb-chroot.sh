#!/bin/sh
# Build the lectern .deb for ARCH inside a clean Debian 12 chroot of the
# host's architecture with ARCH as a foreign architecture, instead of on the
# host. build-deb.sh comes here by itself for armhf (DEB_CHROOT=1).
#
# Why: a multiarch cross build needs every Multi-Arch: same library at the
# same version for the host's and ARCH's architecture. On a host that has
# bookworm-security, that holds only while the mirror's indices of all the
# host's architectures are in step, and a developer's machine has many -dev
# packages that must move together. The chroot's apt sources are one
# consistent set from Debian's archive, chosen when the chroot is made:
# bookworm and bookworm-updates, plus bookworm-security only if its index
# downloads for both architectures. The compiler runs natively; only the
# target's lectern-pack (for the default pack) runs under qemu-user.
#
# usage: firmware/debian/build-deb-chroot.sh ARCH VERSION OUTDIR
# Same arguments, output (the .deb's path) and environment (SOURCE_DATE_EPOCH,
# DEB_BUILD_DIR, WERROR) as build-deb.sh. The source tree is bind-mounted at
# its own path in a private mount namespace, so build/deb-ARCH is the host's.
# The chroot is made once with mmdebstrap and kept as a tarball,
# $KIOSK_TMP/deb-chroot-HOSTARCH-ARCH.tar; it is made again when its package
# list or mirror changes, or with DEB_CHROOT_REFRESH=1 (for newer packages).
# Needs root (or sudo), mmdebstrap and unshare.
set -eu
ARCH=${1:?usage: build-deb-chroot.sh ARCH VERSION OUTDIR}
VERSION=${2:?usage: build-deb-chroot.sh ARCH VERSION OUTDIR}
OUT=${3:?usage: build-deb-chroot.sh ARCH VERSION OUTDIR}
cd "$(dirname "$0")/../.."
TOP=$(pwd)
TMP=${KIOSK_TMP:-/tmp/lectern-kiosk}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
NATIVE=$(dpkg --print-architecture)
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || echo 1767225600)}"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
mkdir -p "$TMP/apt-deb-chroot" "$OUT"
tar=$TMP/deb-chroot-$NATIVE-$ARCH.tar
log=$TMP/deb-chroot-$NATIVE-$ARCH.log

# ---- the chroot tarball, made once -----------------------------------------
pkgs=$(tools/deps-kiosk.sh chroot-packages "$ARCH" | tr '\n' ' ')
key="$NATIVE $ARCH $MIRROR $SECURITY $pkgs"
if [ "${DEB_CHROOT_REFRESH:-0}" = 1 ] || [ ! -s "$tar" ] || [ "$(cat "$tar.key" 2>/dev/null)" != "$key" ]; then
  rm -f "$tar" "$tar.key"
  # bookworm-security only if apt gets its index for both architectures now
  # (a mirror in mid-sync serves one of them short, and apt then mixes the
  # versions of Multi-Arch: same packages); probed with apt's own state in
  # a scratch directory, leaving the host's apt alone.
  probe=$(mktemp -d)
  mkdir -p "$probe/lists/partial" "$probe/cache/archives/partial"
  echo "deb [signed-by=$KEYRING] $SECURITY bookworm-security main" > "$probe/sources.list"
  if apt-get -q -o Dir::Etc::SourceList="$probe/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
       -o Dir::State::Lists="$probe/lists" -o Dir::Cache="$probe/cache" -o Debug::NoLocking=1 \
       -o APT::Sandbox::User=root -o APT::Architectures::="$NATIVE" -o APT::Architectures::="$ARCH" \
       update > "$probe/log" 2>&1 && ! grep -q '^[EW]:' "$probe/log"; then
    sec="deb $SECURITY bookworm-security main"
    echo "build-deb-chroot.sh: apt sources bookworm, bookworm-updates, bookworm-security" >&2
  else
    sec=
    echo "build-deb-chroot.sh: bookworm-security's $NATIVE or $ARCH index does not download now;" \
         "the chroot gets bookworm and bookworm-updates only. apt said:" >&2
    grep -m2 '^ *\(E:\|Err:\|File has\)' "$probe/log" | sed 's/^ */  /' >&2
  fi
  rm -rf "$probe"
  echo "build-deb-chroot.sh: making the $NATIVE+$ARCH build chroot (once; log $log)" >&2
  start=$(date +%s)
  # shellcheck disable=SC2016,SC2086 # hooks are expanded by mmdebstrap; $sec is empty or one line
  if ! $SUDO mmdebstrap --variant=apt --format=tar --architectures="$NATIVE,$ARCH" --include="$(echo $pkgs | tr ' ' ,)" \
      --skip=download/empty \
      --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
      --setup-hook="sync-in $TMP/apt-deb-chroot /var/cache/apt/archives/" \
      --customize-hook="sync-out /var/cache/apt/archives $TMP/apt-deb-chroot" \
      --customize-hook='chroot "$1" dpkg-query -W > "$1/root/packages.txt"' \
      bookworm "$tar.part" "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" ${sec:+"$sec"} \
      > "$log" 2>&1; then
    rm -f "$tar.part"
    echo "build-deb-chroot.sh: mmdebstrap failed, see $log:" >&2
    grep -E '^(E|W):' "$log" | tail -5 >&2
    exit 1
  fi
  mv "$tar.part" "$tar"
  tar -xOf "$tar" ./root/packages.txt > "$tar.packages" 2>/dev/null || true
  echo "$key" > "$tar.key"
  echo "build-deb-chroot.sh: chroot made in $(($(date +%s) - start)) s ($(du -m "$tar" | cut -f1) MiB)" >&2
fi

# ---- build in a fresh copy of it ---------------------------------------------
root=$(mktemp -d "$TMP/deb-chroot-XXXXXX")
cleanup() {
  # The mounts live in the namespace of the unshare below and end with it;
  # never delete through one that is somehow still there (the source tree).
  if grep -q " $root/" /proc/mounts; then
    echo "build-deb-chroot.sh: $root still has mounts; not deleting it" >&2
  else
    $SUDO rm -rf "$root"
  fi
}
trap cleanup EXIT
$SUDO tar -C "$root" --numeric-owner -xpf "$tar"
$SUDO mkdir -p "$root$TOP" "$root/out"
# The build as build-deb.sh does it on the host, with DEB_CHROOT=0; a clean
# environment, so that nothing of the host's leaks into the package.
# shellcheck disable=SC2016 # expanded by the inner shell
$SUDO unshare --mount --propagation private sh -c '
  set -e
  root=$1 top=$2; shift 2
  mount --rbind /dev "$root/dev"
  mount --rbind /proc "$root/proc"
  mount --bind "$top" "$root$top"
  exec chroot "$root" "$@"' sh "$root" "$TOP" \
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TZ=UTC \
    SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" WERROR="${WERROR:-0}" DEB_CHROOT=0 \
    ${DEB_BUILD_DIR:+DEB_BUILD_DIR="$DEB_BUILD_DIR"} \
  sh -c 'cd "$1" && firmware/debian/build-deb.sh "$2" "$3" /out > /dev/null' sh "$TOP" "$ARCH" "$VERSION"
deb=$OUT/lectern_${VERSION}_$ARCH.deb
cp "$root/out/lectern_${VERSION}_$ARCH.deb" "$deb"
echo "$deb"
