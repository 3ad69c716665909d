#!/bin/sh
# make image: a Raspberry Pi 4 SD-card image (.img) built only from Debian
# packages, that boots straight into the lectern reader.
#
#   firmware/image/build-image.sh --profile P --deb lectern_V_arm64.deb \
#       [--pack FILE] [--overlayroot] --out build/image/lectern-P.img
#
# 1. mmdebstrap: Debian 12 arm64, minbase + systemd, udev, linux-image-arm64,
#    raspi-firmware (non-free-firmware), Mesa, and the lectern package, all
#    under qemu-user (binfmt_misc). No recommends: no network daemons, no
#    DHCP client, no SSH, no desktop.
# 2. firmware/install-kiosk --root on that tree: profile, pack, config.txt,
#    cmdline.txt, watchdog, service; plus no login prompt anywhere.
# 3. The disk image without loop devices or root mounts: mkfs.vfat + mtools
#    for the boot partition, mkfs.ext4 -d for the root, sfdisk for the
#    partition table, dd to put them together.
#
# Reproducible: everything is dated SOURCE_DATE_EPOCH (default: the last
# commit), file systems get fixed ids and are filled in sorted order; the same
# source, package versions and profile give the same bytes.
# Scratch: $KIOSK_TMP (default /tmp/lectern-kiosk), several hundred MB.
set -eu
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
profile= deb= pack= out= overlay=0
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) profile=$2; shift ;;
    --deb) deb=$2; shift ;;
    --pack) pack=$2; shift ;;
    --out) out=$2; shift ;;
    --overlayroot) overlay=1 ;;
    -h|--help) usage ;;
    *) echo "build-image.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
[ -n "$profile" ] && [ -n "$deb" ] && [ -n "$out" ] || usage
cd "$(dirname "$0")/../.."
[ -f "board/$profile/lectern.conf" ] || { echo "build-image.sh: no profile board/$profile" >&2; exit 2; }
deb=$(readlink -f "$deb")
[ -z "$pack" ] || pack=$(readlink -f "$pack")
TMP=${KIOSK_TMP:-/tmp/lectern-kiosk}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || echo 1767225600)}"
export SOURCE_DATE_EPOCH
W=$TMP/image-$profile
ROOT=$W/rootfs
BOOT_MB=256
LIMIT_BYTES=1900000000   # what a "2 GB" card holds, with room to spare
mkdir -p "$TMP/apt-arm64" "$(dirname "$out")"
# A build killed half-way (SIGKILL, a lost session) can leave mmdebstrap's
# /proc, /sys and /dev mounts inside the old root: take them away first, and
# never let rm cross into another file system.
unmount_under() {
  local m
  for m in $(awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || { echo "build-image.sh: cannot unmount $m (left by an earlier build)" >&2; exit 1; }
  done
}
unmount_under "$W"
rm -rf --one-file-system "$W"; mkdir -p "$W"
t0=$(date +%s)
say() { echo "build-image: [$(($(date +%s) - t0))s] $*" >&2; }

# ---- 1. the root file system ---------------------------------------------------
# The package's Recommends that the kiosk needs (installed without
# recommends, so named here): the reader's GL driver, and what lectern-pack
# needs on the Pi to pack a stick's folder of essays (issue 14): the body
# and interface fonts and the en-US hyphenation patterns, as on the host.
# Without them a teacher's folder fails with "font 'Charis SIL Regular' is
# not installed" (make image-test caught it).
packs_on_pi=fonts-sil-charis,fonts-dejavu-core,hyphen-en-us
extra=
# busybox: overlayroot's initramfs script needs its grep
[ "$overlay" = 1 ] && extra=,overlayroot,busybox
# overlayroot's initramfs hook stores 4 KB from /dev/random in the initrd
# (a seed for its encrypted-overlay mode, which the kiosk's tmpfs overlay
# does not use): that would make every build differ. This hook runs after it
# and takes the seed out again.
cat > "$W/zz-lectern-reproducible" <<'EOF'
#!/bin/sh
# lectern image: no random bytes in the initrd (see build-image.sh)
PREREQS="overlayroot"
case $1 in prereqs) echo "$PREREQS"; exit 0 ;; esac
rm -f "${DESTDIR}/.random-seed"
EOF
# The display's driver in the initramfs: udev there loads it (virtio_gpu
# under QEMU, vc4 on the Pi) and marks /dev/dri/card0 for systemd, so that
# dev-dri-card0.device is up as soon as systemd starts and lectern.service,
# which waits only for it, starts at once. Without it the reader waited for
# the real root's udev coldplug (17.4 s into userspace under QEMU). The rule
# is written here because the lectern package, which installs the same rule
# (firmware/udev/70-lectern-drm.rules), comes after the kernel's initramfs.
cat > "$W/lectern-drm" <<'EOF'
#!/bin/sh
# lectern image: the display's DRM driver and its systemd tag in the initramfs
PREREQ="udev"
case $1 in prereqs) echo "$PREREQ"; exit 0 ;; esac
. /usr/share/initramfs-tools/hook-functions
manual_add_modules virtio_gpu vc4
mkdir -p "${DESTDIR}/etc/udev/rules.d"
# The initramfs has no /etc/group, so udev there cannot give the node to
# the video group by name (50-udev-default.rules): numbers from the root,
# so that the reader can open the display as soon as systemd starts it,
# before the real root's udev coldplug; input devices loaded here likewise.
vg=$(getent group video | cut -d: -f3)
ig=$(getent group input | cut -d: -f3)
{
  echo "SUBSYSTEM==\"drm\", KERNEL==\"card[0-9]*\", TAG+=\"systemd\"${vg:+, GROUP=\"$vg\", MODE=\"0660\"}"
  # its framebuffer too: on a display with no GPU the reader writes there
  [ -z "$vg" ] || echo "SUBSYSTEM==\"graphics\", KERNEL==\"fb[0-9]*\", GROUP=\"$vg\", MODE=\"0660\""
  [ -z "$ig" ] || echo "SUBSYSTEM==\"input\", KERNEL==\"event[0-9]*\", GROUP=\"$ig\", MODE=\"0660\""
} > "${DESTDIR}/etc/udev/rules.d/70-lectern-drm.rules"
# The boot splash (issue 16) in the initramfs too, for
# scripts/init-premount/lectern-splash (below).
if [ -x /usr/libexec/lectern/lectern-splash ]; then
  copy_exec /usr/libexec/lectern/lectern-splash /usr/libexec/lectern/lectern-splash
fi
EOF
# The splash as soon as the display's driver is loaded: init-premount runs
# after the initramfs's udev has loaded it and settled, seconds before
# systemd (and its lectern-splash.service, which draws it again) starts.
# Its line goes to the kernel log (the journal keeps it). lectern.splash=0
# on the kernel command line leaves it out here and in systemd.
cat > "$W/lectern-splash-premount" <<'EOF'
#!/bin/sh
# lectern image: the boot splash (issue 16), from the initramfs
PREREQ=""
case $1 in prereqs) echo "$PREREQ"; exit 0 ;; esac
case " $(cat /proc/cmdline) " in *" lectern.splash=0 "*) exit 0 ;; esac
if [ -x /usr/libexec/lectern/lectern-splash ]; then
  /usr/libexec/lectern/lectern-splash --wait 1 2>&1 | while read -r l; do echo "<6>$l (initramfs)" > /dev/kmsg; done
fi
exit 0
EOF
# The teacher's lectern.conf, copied from the FAT partition by the
# initramfs (firmware/initramfs/: a hook for the FAT modules, a script in
# init-bottom), so that the reader reads it at once: the same files that
# lectern-install-kiosk puts on a Raspberry Pi OS card, here before the
# image's one initramfs is made.
cp firmware/initramfs/hook "$W/lectern-bootconf-hook"
cp firmware/initramfs/init-bottom "$W/lectern-bootconf"
if [ -n "${IMAGE_ROOTFS_FROM:-}" ]; then
  # development aid: start from a copy of an earlier root file system
  # (saved with IMAGE_ROOTFS_SAVE=DIR); the lectern package is installed again
  say "copying $IMAGE_ROOTFS_FROM"
  cp -a "$IMAGE_ROOTFS_FROM" "$ROOT"
  cp "$deb" "$ROOT/tmp/lectern.deb"
  chroot "$ROOT" dpkg -i /tmp/lectern.deb > "$W/dpkg.log" 2>&1 || { tail "$W/dpkg.log" >&2; exit 1; }
  rm -f "$ROOT/tmp/lectern.deb"
else
say "mmdebstrap bookworm arm64 (log $W/mmdebstrap.log)"
# in a mount namespace of its own, so that its mounts go with it however it ends
# INITRD=No: the kernel package's hook makes no initramfs, nor do the
# initramfs-tools triggers the later packages pull (each a mkinitramfs under
# qemu-user, minutes); it is made once, below, when everything is in.
INITRD=No unshare --mount --propagation private -- mmdebstrap --variant=minbase --architectures=arm64 --components="main non-free-firmware" \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --include="systemd,systemd-sysv,udev,kmod,initramfs-tools,zstd,linux-image-arm64,raspi-firmware,libgl1-mesa-dri,libegl-mesa0,libegl1,libgles2,$packs_on_pi$extra" \
  --skip=download/empty --skip=essential/unlink \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
  --setup-hook="sync-in $TMP/apt-arm64 /var/cache/apt/archives/" \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"' \
  --essential-hook='echo "COMPRESS=zstd" > "$1/etc/initramfs-tools/conf.d/lectern"' \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/hooks"' \
  --essential-hook="copy-in $W/zz-lectern-reproducible /etc/initramfs-tools/hooks/" \
  --essential-hook='chmod 755 "$1/etc/initramfs-tools/hooks/zz-lectern-reproducible"' \
  --essential-hook="copy-in $W/lectern-drm /etc/initramfs-tools/hooks/" \
  --essential-hook='chmod 755 "$1/etc/initramfs-tools/hooks/lectern-drm"' \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/scripts/init-premount"' \
  --essential-hook="copy-in $W/lectern-splash-premount /etc/initramfs-tools/scripts/init-premount/" \
  --essential-hook='mv "$1/etc/initramfs-tools/scripts/init-premount/lectern-splash-premount" "$1/etc/initramfs-tools/scripts/init-premount/lectern-splash"' \
  --essential-hook='chmod 755 "$1/etc/initramfs-tools/scripts/init-premount/lectern-splash"' \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/scripts/init-bottom"' \
  --essential-hook="copy-in $W/lectern-bootconf /etc/initramfs-tools/scripts/init-bottom/" \
  --essential-hook='chmod 755 "$1/etc/initramfs-tools/scripts/init-bottom/lectern-bootconf"' \
  --essential-hook="copy-in $W/lectern-bootconf-hook /etc/initramfs-tools/hooks/" \
  --essential-hook='mv "$1/etc/initramfs-tools/hooks/lectern-bootconf-hook" "$1/etc/initramfs-tools/hooks/lectern-bootconf"' \
  --essential-hook='chmod 755 "$1/etc/initramfs-tools/hooks/lectern-bootconf"' \
  --customize-hook="upload $deb /tmp/lectern.deb" \
  --customize-hook='chroot "$1" sh -c "apt-get install -y -q /tmp/lectern.deb && rm /tmp/lectern.deb"' \
  --customize-hook="sync-out /var/cache/apt/archives $TMP/apt-arm64" \
  --customize-hook='printf "\n# lectern image\nROOTPART=LABEL=RASPIROOT\nCONSOLES=tty1\n# no cma= on the command line: what the hook does on a Pi 4 itself\nCMA=0\n" >> "$1/etc/default/raspi-firmware"' \
  --customize-hook='v=$(ls "$1"/boot/vmlinuz-* | head -1 | sed s,.*/vmlinuz-,,); if [ -e "$1/boot/initrd.img-$v" ]; then echo "build-image.sh: an initramfs was made before the hook (INITRD=No did not reach dpkg)" >&2; else chroot "$1" env -u INITRD update-initramfs -c -k "$v"; fi' \
  --customize-hook='chroot "$1" sh -c "DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware \$(ls /boot/vmlinuz-* | head -1 | sed s,/boot/vmlinuz-,,)"' \
  --customize-hook='chroot "$1" apt-get clean' \
  bookworm "$ROOT" \
  "deb $MIRROR bookworm main non-free-firmware" \
  "deb $MIRROR bookworm-updates main non-free-firmware" \
  "deb $SECURITY bookworm-security main non-free-firmware" > "$W/mmdebstrap.log" 2>&1 || {
    tail -30 "$W/mmdebstrap.log" >&2; echo "build-image.sh: mmdebstrap failed" >&2; exit 1; }
if [ -n "${IMAGE_ROOTFS_SAVE:-}" ]; then rm -rf "$IMAGE_ROOTFS_SAVE"; cp -a "$ROOT" "$IMAGE_ROOTFS_SAVE"; fi
fi

# ---- 2. the kiosk ------------------------------------------------------------------
say "kiosk: profile $profile"
echo lectern > "$ROOT/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tlectern\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$ROOT/etc/hosts"
# With the read-only root the firmware partition is read-only too: nothing
# on the card is written while the kiosk runs (image-test checks every byte).
bootmode=rw; [ "$overlay" = 1 ] && bootmode=ro
# The firmware partition is not needed to run: nofail (a damaged or missing
# FAT still boots to the reader, and nothing in the boot waits for it) and a
# 90 s device timeout (only the reader waits, for its lectern.conf; 30 s
# was too short for the emulated boot's udev), no fsck at each boot (fsck.fat was 3.5 s of the boot, and
# would write to the card). /var/tmp in RAM too: PrivateTmp= makes a
# directory there at every start of the reader.
cat > "$ROOT/etc/fstab" <<EOF
# the SD card: labels set by firmware/image/build-image.sh
LABEL=RASPIROOT  /               ext4  rw,noatime,commit=60,errors=remount-ro  0 1
LABEL=RASPIFIRM  /boot/firmware  vfat  $bootmode,noatime,umask=0022,fmask=0022,dmask=0022,nofail,x-systemd.device-timeout=90s  0 0
tmpfs            /tmp            tmpfs nosuid,nodev,size=64M  0 0
tmpfs            /var/tmp        tmpfs nosuid,nodev,size=16M  0 0
EOF
ik="--root $ROOT --boot $ROOT/boot/firmware --profile $profile --no-apt"
[ -n "$pack" ] && ik="$ik --pack $pack"
[ "$overlay" = 1 ] && ik="$ik --overlayroot"
# shellcheck disable=SC2086
sh firmware/install-kiosk $ik > "$W/install-kiosk.log"
# No login prompt anywhere: tty1 is the reader's (install-kiosk masks its
# getty), NAutoVTs=0 leaves the other consoles empty, and no serial getty.
ln -sfn /dev/null "$ROOT/etc/systemd/system/serial-getty@.service"
# apt's timers would only fail without a network, and write to the card.
# (install-kiosk masks them, with the other timers that write to the card.)
# Nobody logs in: no login records in /var/log/wtmp at each boot.
for u in systemd-update-utmp.service systemd-update-utmp-runlevel.service; do
  ln -sfn /dev/null "$ROOT/etc/systemd/system/$u"; done
# Nothing that talks to a network is enabled (and none is installed: no
# recommends). Checked here so that a new dependency cannot sneak one in.
for u in systemd-networkd systemd-resolved systemd-timesyncd ssh sshd wpa_supplicant NetworkManager \
         avahi-daemon dhcpcd networking connman; do
  if [ -n "$(find "$ROOT/etc/systemd/system" -name "$u.service" -path '*wants*' 2>/dev/null)" ]; then
    echo "build-image.sh: $u is enabled in the image" >&2; exit 1
  fi
done
# Locked root account (mmdebstrap leaves it without a password hash).
sed -i 's/^root:[^:]*:/root:*:/' "$ROOT/etc/shadow"
# The machine gets its identity at first boot, not from the build.
: > "$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id" "$ROOT/var/cache/ldconfig/aux-cache"
# and nothing that records when it was built
rm -rf "$ROOT/var/lib/apt/lists"/* "$ROOT/var/log"/*.log "$ROOT/var/log/apt"/* "$ROOT/var/cache/debconf"/*-old \
  "$ROOT/var/lib/dpkg"/*-old "$ROOT/var/cache/apt/archives/lock" "$ROOT/var/cache/apt/archives/partial" "$ROOT/tmp"/*

# The firmware partition's files, then an empty mount point in the root.
[ -s "$ROOT/boot/firmware/config.txt" ] && ls "$ROOT"/boot/firmware/vmlinuz-* > /dev/null ||
  { echo "build-image.sh: raspi-firmware did not fill /boot/firmware" >&2; exit 1; }
mv "$ROOT/boot/firmware" "$W/bootfs"
mkdir "$ROOT/boot/firmware"
find "$ROOT" "$W/bootfs" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"

# ---- 3. the disk image -----------------------------------------------------------
root_kb=$(du -sk --apparent-size "$ROOT" | cut -f1)
root_mb=$(( (root_kb * 12 / 10) / 1024 + 192 ))     # 20 % + 192 MB free
root_mb=$(( (root_mb + 3) / 4 * 4 ))
say "file systems: boot ${BOOT_MB} MB, root ${root_mb} MB (content $((root_kb / 1024)) MB)"
# FAT: fixed volume id, files added in sorted order with their (clamped) times
rm -f "$W/boot.vfat"
mkfs.vfat -F 32 -S 512 -s 1 -n RASPIFIRM -i 6c656374 --invariant -C "$W/boot.vfat" $((BOOT_MB * 1024)) > /dev/null
export MTOOLS_SKIP_CHECK=1
(cd "$W/bootfs" && find . -mindepth 1 -type d | LC_ALL=C sort | while read -r d; do
   mmd -i "$W/boot.vfat" "::${d#.}"; done
 cd "$W/bootfs" && find . -type f | LC_ALL=C sort | while read -r f; do
   mcopy -i "$W/boot.vfat" -m -p "$f" "::${f#.}"; done)
# ext4: fixed UUID and hash seed, fixed times; mke2fs -d copies the tree
# (mke2fs -d adds each directory's entries in alphasort order: LC_ALL=C)
uuid=6c656374-6572-4e00-8000-000000000001
rm -f "$W/root.ext4"
LC_ALL=C E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -L RASPIROOT -U "$uuid" -m 1 \
  -E "hash_seed=$uuid,root_owner=0:0,nodiscard" -d "$ROOT" "$W/root.ext4" "${root_mb}M"
# mke2fs -d copies each file's ctime and atime from the build machine, where
# they are whenever the file was unpacked or last read: set them all to
# SOURCE_DATE_EPOCH (debugfs, one process, about a second).
(cd "$ROOT" && find . | LC_ALL=C sort | sed 's|^\.||; s|^$|/|' |
   awk -v t="$SOURCE_DATE_EPOCH" '{ printf "sif \"%s\" ctime @%s\nsif \"%s\" atime @%s\n", $0, t, $0, t }') > "$W/times.debugfs"
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH debugfs -w -f "$W/times.debugfs" "$W/root.ext4" > "$W/debugfs.log" 2>&1
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH e2fsck -fn "$W/root.ext4" > /dev/null

# MBR: the firmware wants partition 1 FAT (type c); 4 MiB aligned.
img_mb=$((4 + BOOT_MB + root_mb))
rm -f "$out.tmp"
truncate -s "${img_mb}M" "$out.tmp"
sfdisk -q "$out.tmp" <<EOF
label: dos
label-id: 0x6c656374
unit: sectors

start=8192, size=$((BOOT_MB * 2048)), type=c, bootable
start=$((8192 + BOOT_MB * 2048)), size=$((root_mb * 2048)), type=83
EOF
dd if="$W/boot.vfat" of="$out.tmp" bs=1M seek=4 conv=notrunc,sparse status=none
dd if="$W/root.ext4" of="$out.tmp" bs=1M seek=$((4 + BOOT_MB)) conv=notrunc,sparse status=none
mv -f "$out.tmp" "$out"
size=$(stat -c %s "$out")
[ "$size" -le "$LIMIT_BYTES" ] || { echo "build-image.sh: $out is $size bytes: too big for a 2 GB card" >&2; exit 1; }
sha=$(sha256sum "$out" | cut -d' ' -f1)
# beside the image, for the emulated boot test: kernel, initrd, command line,
# and the reader's pack and settings (to render the expected screens)
cp "$W/bootfs"/vmlinuz-* "${out%.img}.vmlinuz"
cp "$W/bootfs"/initrd.img-* "${out%.img}.initrd"
cat "$W/bootfs/cmdline.txt" > "${out%.img}.cmdline"
cp "$ROOT/etc/lectern/lectern.conf" "${out%.img}.conf"
# what image-test should expect after a power cut
if [ "$overlay" = 1 ]; then echo overlayroot; else echo writable; fi > "${out%.img}.root"
p=$(sed -n 's/^pack *= *//p' "$ROOT/etc/lectern/lectern.conf" | tail -1)
cp "$ROOT${p:-/usr/share/lectern/default.lpk}" "${out%.img}.lpk"
say "done: $out"
echo "image: $out"
echo "size: $size bytes ($((size / 1048576)) MiB; root file system $((root_kb / 1024)) MiB used); fits a 2 GB card"
echo "sha256: $sha (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
echo "build time: $(($(date +%s) - t0)) s"
