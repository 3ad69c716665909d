#!/bin/sh
# The kiosk pieces that need no root and no emulator (issue 5): the service's
# sandbox and its systemd-analyze score, the reader making no network calls
# under strace, the board profiles and boot configuration,
# firmware/install-kiosk on a fake root, and the man pages against the
# programs' --help. The heavier checks are make deb-test, image, image-test.
. tests/cli/lib.sh
PACK=$B/default.lpk
UNIT=firmware/systemd/lectern.service
IK=firmware/install-kiosk
has() { command -v "$1" > /dev/null 2>&1; }
need() { # need NAME PROGRAM: fail with a hint when a tool is missing
  has "$2" && return 0
  fail "$1" "$2 is not installed (Debian package: $3; tools/deps-kiosk.sh installs it)"
  return 1
}

# ---- the service ---------------------------------------------------------------
if need unit_security_score systemd-analyze systemd; then
  score=$(systemd-analyze security --offline=true "$UNIT" 2>/dev/null |
          sed -n 's/.*Overall exposure level for lectern.service: \([0-9.]*\).*/\1/p')
  echo "  unit exposure score: ${score:-none}" >&2
  check "unit_security_score_at_most_1.5" awk "BEGIN { exit !(\"${score:-9}\" + 0 <= 1.5) }"
fi
# What the issue asks for, line by line (a score alone could hide a removal).
for want in 'Conflicts=getty@tty1.service' 'TTYPath=/dev/tty1' 'Restart=always' 'User=lectern' \
    'IPAddressDeny=any' 'RestrictAddressFamilies=AF_UNIX AF_NETLINK' \
    'ProtectSystem=strict' 'ProtectHome=yes' 'NoNewPrivileges=yes' 'DevicePolicy=closed' \
    'DeviceAllow=char-drm rw' 'DeviceAllow=char-fb rw' 'DeviceAllow=char-input r' 'DeviceAllow=/dev/tty1 rw' \
    'CapabilityBoundingSet=' 'SystemCallFilter=@system-service' 'ReadWritePaths=-/var/lib/lectern' \
    'Type=notify' 'NotifyAccess=main' 'WatchdogSec=20s' 'LimitCORE=0' 'DefaultDependencies=no' \
    'Wants=dev-dri-card0.device'; do
  check "unit_has_$(echo "$want" | tr -c 'A-Za-z0-9@=\n' _)" grep -qxF -- "$want" "$UNIT"
done
check unit_no_private_devices sh -c "! grep -q '^PrivateDevices=yes' '$UNIT'"
# StateDirectory=, LogsDirectory= and CacheDirectory= order the unit after
# systemd-remount-fs.service, off the reader's path since issue 15
check unit_not_after_remount_fs sh -c "! grep -qE '^(StateDirectory|LogsDirectory|CacheDirectory)=' '$UNIT' &&
  ! grep -qE '^(After|Requires|Wants)=.*systemd-remount-fs' '$UNIT'"
# udev's hot-plug events (a touchscreen that comes up after the reader) are
# netlink messages in the host's network namespace: no namespace of its own,
# and no IP socket family either
check unit_hears_udev_events sh -c "! grep -q '^PrivateNetwork=yes' '$UNIT'"
check unit_no_ip_sockets sh -c "grep -qx 'RestrictAddressFamilies=AF_UNIX AF_NETLINK' '$UNIT' &&
  ! grep -E '^RestrictAddressFamilies=.*AF_(INET|INET6|PACKET)' '$UNIT'"
check unit_runs_kiosk_mode grep -q '^ExecStart=/usr/bin/lectern .*--kiosk' "$UNIT"
# off the slow part of the boot: not after basic.target, local-fs.target or
# the firmware partition (DefaultDependencies=no), but after the display
check unit_not_after_local_fs sh -c "! grep -E '^(After|Requires|Wants)=.*(basic|local-fs|sysinit)\.target' '$UNIT'"
check unit_after_display grep -qE '^After=.*dev-dri-card0\.device' "$UNIT"
# nor after what systemd-remount-fs holds up: the root is rw from the kernel's
# command line (below), and /tmp is the unit's own (TemporaryFileSystem=)
# SysRq is off from the command line (checked below): waiting for
# systemd-sysctl would also wait for systemd-modules-load
check unit_not_after_sysctl sh -c "! grep -E '^After=.*systemd-sysctl' '$UNIT'"
check unit_not_after_remount_fs sh -c "! grep -E '^(After|Requires|Wants)=.*(systemd-remount-fs|tmp\.mount|systemd-tmpfiles)' '$UNIT'"
check unit_own_tmp sh -c "grep -qE '^TemporaryFileSystem=/tmp:.* /var/tmp:' '$UNIT' && ! grep -q '^PrivateTmp=' '$UNIT'"
# the boot splash (issue 16): sandboxed too, started with nothing before it,
# and nothing on the reader's path waits for it
SPLASH_UNIT=firmware/systemd/lectern-splash.service
if has systemd-analyze; then
  score=$(systemd-analyze security --offline=true "$SPLASH_UNIT" 2>/dev/null |
          sed -n 's/.*Overall exposure level for lectern-splash.service: \([0-9.]*\).*/\1/p')
  echo "  splash unit exposure score: ${score:-none}" >&2
  check "splash_unit_security_score_at_most_2" awk "BEGIN { exit !(\"${score:-9}\" + 0 <= 2) }"
fi
for want in 'DefaultDependencies=no' 'Type=oneshot' 'WantedBy=sysinit.target' 'DevicePolicy=closed' \
    'CapabilityBoundingSet=CAP_SYS_TTY_CONFIG' 'PrivateNetwork=yes' 'NoNewPrivileges=yes' 'ProtectSystem=strict'; do
  check "splash_unit_has_$(echo "$want" | tr -c 'A-Za-z0-9@=\n' _)" grep -qxF -- "$want" "$SPLASH_UNIT"
done
check splash_unit_ordered_after_nothing sh -c "! grep -E '^(After|Requires|Wants|Before)=' '$SPLASH_UNIT' | grep -v '^Before=shutdown.target$'"
# the FAT partition's settings (lectern-bootfs.service): the reader waits for
# the directory that unit makes, which comes after the FAT's mount; the
# reader itself is not ordered after it, and the unit waits for nothing else
BOOTFS_UNIT=firmware/systemd/lectern-bootfs.service
marker=$(sed -n 's|^ExecStart=/usr/bin/lectern .*--boot-wait \([^ ]*\).*|\1|p' "$UNIT")
check unit_waits_for_boot_marker test "$marker" = "/run/$(sed -n 's/^RuntimeDirectory=//p' "$BOOTFS_UNIT")"
check unit_wants_bootfs grep -qx 'Wants=lectern-bootfs.service' "$UNIT"
check unit_not_after_bootfs sh -c "! grep -E '^(After|Requires)=.*lectern-bootfs' '$UNIT'"
check bootfs_after_the_fat_mount_only sh -c "grep -E '^(After|Requires|Wants|BindsTo)=' '$BOOTFS_UNIT' |
  grep -vx 'Before=shutdown.target' | grep -qx 'After=boot-firmware.mount' &&
  test \$(grep -cE '^(After|Requires|Wants|BindsTo)=' '$BOOTFS_UNIT') = 1"
check bootfs_no_default_dependencies grep -qx 'DefaultDependencies=no' "$BOOTFS_UNIT"
# nothing that needs a mount namespace: this early in the boot one failed
# (226/NAMESPACE), and the unit's directory, the marker, went with it
check bootfs_no_mount_namespace sh -c "! grep -E '^(Private(Devices|Tmp|Users|Network|Mounts)|Protect(System|Home|Proc|KernelTunables|KernelModules|KernelLogs|ControlGroups|Hostname)|ProcSubset|ReadOnlyPaths|InaccessiblePaths|TemporaryFileSystem)=' '$BOOTFS_UNIT'"
if has systemd-analyze; then
  score=$(systemd-analyze security --offline=true "$BOOTFS_UNIT" 2>/dev/null |
          sed -n 's/.*Overall exposure level for lectern-bootfs.service: \([0-9.]*\).*/\1/p')
  echo "  bootfs unit exposure score: ${score:-none}" >&2
  check "bootfs_unit_security_score_at_most_3" awk "BEGIN { exit !(\"${score:-9}\" + 0 <= 3) }"
  systemd-analyze verify --man=no "$BOOTFS_UNIT" > "$T/bootfs-verify" 2>&1
  check bootfs_unit_verifies test ! -s "$T/bootfs-verify"
fi
check reader_not_after_splash sh -c "! grep -E '^(After|Requires|Wants)=.*lectern-splash' '$UNIT'"
check udev_drm_card_is_systemd_device grep -qE 'SUBSYSTEM=="drm", KERNEL=="card\[0-9\]\*", TAG\+="systemd"' firmware/udev/70-lectern-drm.rules
check watchdog_15s grep -qx 'RuntimeWatchdogSec=15s' firmware/systemd/lectern-watchdog.conf
check udev_backlight_group_video sh -c "grep -q 'SUBSYSTEM==\"backlight\"' firmware/udev/*.rules && grep -q 'chgrp video' firmware/udev/*.rules"

# ---- no network: the reader under strace -----------------------------------------
# Every process (-f); socket and connect, plus openat to prove strace saw the
# reader work at all. With --replay (issue 4) a touch session; before that,
# headless pages.
if need strace_ran strace strace && [ -x "$READER" ]; then
  if "$READER" --help 2>&1 | grep -q -- '--replay'; then
    printf 'wait 200\ntap 0.5 0.4\nwait 500\ntap 0.85 0.5\ntap 0.85 0.5\nswipe left\ntap 0.15 0.5\nwait 600000\nshot idle\n' > "$T/net.replay"
    mode="--replay $T/net.replay --screenshot $T/net"
  else
    mode="--screenshot $T/net --essay 1 --all"
  fi
  # shellcheck disable=SC2086
  # LeakSanitizer cannot run under ptrace: an ASan build checks leaks elsewhere
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 SDL_VIDEODRIVER=offscreen strace -f -qq -e trace=socket,connect,openat -o "$T/strace" \
    "$READER" --pack "$PACK" $mode > /dev/null 2> "$T/err"; st=$?
  check strace_reader_exit_0 test $st -eq 0
  check strace_saw_pack_opened grep -q "default.lpk" "$T/strace"
  check strace_no_inet_socket sh -c "! grep -E 'socket\\(AF_INET6?,' '$T/strace'"
  check strace_no_connect sh -c "! grep -E '(^|[0-9] )connect\\(' '$T/strace'"
else
  fail strace_ran "no reader at $READER"
fi

# ---- firmware/ and board/ ---------------------------------------------------------
for l in disable_splash=1 boot_delay=0 dtparam=watchdog=on dtoverlay=vc4-kms-v3d; do
  check "config_txt_$l" grep -qx "$l" firmware/config.txt
done
check cmdline_one_line test "$(wc -l < firmware/cmdline.txt)" -eq 1
for w in rw quiet consoleblank=0 vt.global_cursor_default=0 logo.nologo panic=10 sysctl.kernel.sysrq=0; do
  check "cmdline_has_$w" grep -qw -- "$w" firmware/cmdline.txt
done
# the keys the reader knows, from its one table
grep -o '^    {"[a-z_]*", K_' src/config.c | sed 's/.*{"\([a-z_]*\)".*/\1/' > "$T/keys"
check config_keys_found test "$(wc -l < "$T/keys")" -ge 10
profiles="pi-dsi-7in touch-display-2 hdmi-1024x600 zero2w-hdmi"
for p in $profiles; do
  d=board/$p
  check "profile_${p}_files" test -s "$d/config.txt" -a -s "$d/lectern.conf" -a -s "$d/NOTES.md"
  sed -n 's/^[[:space:]]*\([A-Za-z_]*\)[[:space:]]*=.*/\1/p' "$d/lectern.conf" | sort -u > "$T/used"
  check "profile_${p}_known_keys" sh -c "! grep -vxF -f '$T/keys' '$T/used'"
  check "profile_${p}_sets_rotate_and_size" sh -c "grep -q '^rotate *= *\\(0\\|90\\|180\\|270\\)$' '$d/lectern.conf' && grep -q '^font_size *=' '$d/lectern.conf'"
  # an overlay applied twice: the same dtoverlay in the profile and the common lines
  cat firmware/config.txt "$d/config.txt" | grep '^dtoverlay=' | sort | uniq -d > "$T/dup"
  check "profile_${p}_no_overlay_twice" test ! -s "$T/dup"
  # an offline kiosk with USB or DSI touch: no radio powered
  check "profile_${p}_radio_off" sh -c "grep -qx dtoverlay=disable-wifi '$d/config.txt' && grep -qx dtoverlay=disable-bt '$d/config.txt'"
  # touch turned twice: firmware inversion together with the reader's rotation
  rot=$(sed -n 's/^rotate *= *//p' "$d/lectern.conf")
  check "profile_${p}_touch_not_turned_twice" sh -c "test '$rot' = 0 || ! grep -qE '^[^#]*(invx|invy|swapxy|touchscreen-inverted|touchscreen-swapped)' '$d/config.txt'"
  # Always run: a reader that is missing, or that lost --strict (it then
  # refuses the flag with exit 2), fails here instead of skipping the check.
  if [ -x "$READER" ]; then
    "$READER" --config "$d/lectern.conf" --strict --pack "$PACK" --layout-stats > /dev/null 2> "$T/err"
    st=$?
  else
    st="no reader at $READER"
  fi
  check "profile_${p}_reader_accepts_conf" test "$st" = 0
done
sed -n 's/^#\{0,1\}\([a-z_]*\) = .*/\1/p' firmware/lectern.conf | sort -u > "$T/used"
check packaged_conf_known_keys sh -c "! grep -vxF -f '$T/keys' '$T/used'"
check packaged_conf_documents_every_key sh -c "! grep -vxF -f '$T/used' '$T/keys'"

# ---- install-kiosk on a fake root -------------------------------------------------
R=$T/root
mkdir -p "$R/boot/firmware" "$R/usr/bin" "$R/lib/systemd/system" "$R/etc/systemd/system/getty.target.wants"
printf '# Raspberry Pi OS\ndtparam=audio=on\ndisplay_auto_detect=1\ndtoverlay=vc4-kms-v3d\nmax_framebuffers=2\n\n[cm4]\notg_mode=1\n\n[all]\n' > "$R/boot/firmware/config.txt"
echo 'console=serial0,115200 console=tty1 root=PARTUUID=0b0d2da0-02 rootfstype=ext4 fsck.repair=yes rootwait' > "$R/boot/firmware/cmdline.txt"
printf '#!/bin/sh\n' > "$R/usr/bin/lectern"; chmod +x "$R/usr/bin/lectern"
# SysV scripts that all have a native unit (as Debian's hwclock.sh has,
# masked), and an encrypted volume: its generator must stay
mkdir -p "$R/etc/init.d"
printf '#!/bin/sh\n' > "$R/etc/init.d/hwclock.sh"; chmod +x "$R/etc/init.d/hwclock.sh"
ln -s /dev/null "$R/lib/systemd/system/hwclock.service"
printf '# <target> <source> <key> <options>\nsecret UUID=0b0d2da0-0000-4000-8000-000000000000 none luks\n' > "$R/etc/crypttab"
cp "$UNIT" "$SPLASH_UNIT" "$R/lib/systemd/system/"
ln -s /lib/systemd/system/getty@.service "$R/etc/systemd/system/getty.target.wants/getty@tty1.service"
mkdir -p "$R/etc"
printf 'proc            /proc           proc    defaults          0       0\nPARTUUID=0b0d2da0-01  /boot/firmware  vfat    defaults          0       2\nPARTUUID=0b0d2da0-02  /               ext4    defaults,noatime  0       1\n' > "$R/etc/fstab"
cp "$R/boot/firmware/config.txt" "$T/config.orig"
# initramfs-tools, as on Raspberry Pi OS (no update-initramfs in the fake root)
mkdir -p "$R/etc/initramfs-tools"
# install-kiosk verifies packs with lectern-pack: this build's
PATH=$(cd "$(dirname "$PACKER")" && pwd):$PATH; export PATH
cp "$PACK" "$T/museum.lpk"

sh "$IK" --list > "$T/out"; check ik_list_profiles test "$(sort "$T/out" | tr '\n' ' ')" = "$(echo $profiles | tr ' ' '\n' | sort | tr '\n' ' ')"
sh "$IK" --root "$R" --no-apt > /dev/null 2> "$T/err"; check ik_needs_profile test $? -eq 2
sh "$IK" --root "$R" --profile nope --no-apt > /dev/null 2> "$T/err"; st=$?
check ik_bad_profile_exit_2_named sh -c "test $st -eq 2 && grep -q 'nope' '$T/err'"
sh "$IK" --root "$R" --profile hdmi-1024x600 --no-apt --dry-run > /dev/null
check ik_dry_run_changes_nothing sh -c "cmp -s '$T/config.orig' '$R/boot/firmware/config.txt' && test ! -e '$R/etc/lectern'"

# the same root, but with an rc.local and a SysV script of its own: those
# two generators stay
cp -a "$R" "$T/rootg"
printf '#!/bin/sh\nexit 0\n' > "$T/rootg/etc/rc.local"
printf '#!/bin/sh\n' > "$T/rootg/etc/init.d/oldstyle"; chmod +x "$T/rootg/etc/init.d/oldstyle"
rm "$T/rootg/etc/crypttab"
sh "$IK" --root "$R" --profile hdmi-1024x600 --no-apt > "$T/out1" 2>&1; check ik_first_run test $? -eq 0
C=$R/boot/firmware/config.txt L=$R/boot/firmware/cmdline.txt
check ik_keeps_existing_config grep -qx 'dtparam=audio=on' "$C"
check ik_block_once test "$(grep -c '^# >>> lectern kiosk' "$C")" -eq 1
check ik_kms_overlay_not_twice test "$(grep -cx 'dtoverlay=vc4-kms-v3d' "$C")" -eq 1
check ik_watchdog_on grep -qx 'dtparam=watchdog=on' "$C"
check ik_profile_lines grep -qx 'hdmi_force_hotplug=1' "$C"
check ik_cmdline_one_line test "$(wc -l < "$L")" -eq 1
check ik_cmdline_kept_root grep -q 'root=PARTUUID=0b0d2da0-02 ' "$L"
# Raspberry Pi OS's line has no "rw": the reader starts before
# systemd-remount-fs, so the root must be mounted rw from the start
check ik_cmdline_rw sh -c "tr ' ' '\n' < '$L' | grep -xE 'rw|ro' | tail -1 | grep -qx rw"
check ik_cmdline_words sh -c "grep -qw quiet '$L' && grep -qw logo.nologo '$L' && grep -q 'video=HDMI-A-1:1024x600@60D' '$L'"
check ik_conf_from_profile grep -qx 'font_size = 10' "$R/etc/lectern/lectern.conf"
check ik_service_enabled test "$(readlink "$R/etc/systemd/system/multi-user.target.wants/lectern.service")" = /lib/systemd/system/lectern.service
check ik_splash_enabled test "$(readlink "$R/etc/systemd/system/sysinit.target.wants/lectern-splash.service")" = /lib/systemd/system/lectern-splash.service
check ik_getty_masked test "$(readlink "$R/etc/systemd/system/getty@tty1.service")" = /dev/null
check ik_getty_static_masked test "$(readlink "$R/etc/systemd/system/getty-static.service")" = /dev/null
check ik_watchdog_dropin grep -qx 'RuntimeWatchdogSec=15s' "$R/etc/systemd/system.conf.d/lectern-watchdog.conf"
check ik_no_autovt grep -qx 'NAutoVTs=0' "$R/etc/systemd/logind.conf.d/lectern-kiosk.conf"
# no keyboard route out: SysRq, Ctrl+Alt+Del, the initramfs shell
check ik_sysrq_off grep -qx 'kernel.sysrq = 0' "$R/etc/sysctl.d/90-lectern-kiosk.conf"
check ik_cmdline_sysrq_off_and_panic sh -c "grep -qw 'sysctl.kernel.sysrq=0' '$L' && grep -qw 'panic=10' '$L'"
check ik_ctrl_alt_del_masked test "$(readlink "$R/etc/systemd/system/ctrl-alt-del.target")" = /dev/null
check ik_ctrl_alt_del_burst_none grep -qx 'CtrlAltDelBurstAction=none' "$R/etc/systemd/system.conf.d/lectern-kiosk.conf"
# the firmware partition: nofail, short device timeout; the rest untouched
check ik_fstab_firmware_nofail sh -c "grep -qE '^PARTUUID=0b0d2da0-01 +/boot/firmware +vfat +defaults,nofail,x-systemd.device-timeout=90s +0 +2\$' '$R/etc/fstab'"
check ik_fstab_root_untouched grep -qx 'PARTUUID=0b0d2da0-02  /               ext4    defaults,noatime  0       1' "$R/etc/fstab"
# the card: journal in RAM, the timers that write to it off
check ik_journal_volatile grep -qx 'Storage=volatile' "$R/etc/systemd/journald.conf.d/lectern-kiosk.conf"
for u in fstrim.timer e2scrub_all.timer dpkg-db-backup.timer apt-daily.timer apt-daily-upgrade.timer man-db.timer; do
  check "ik_masked_$u" test "$(readlink "$R/etc/systemd/system/$u")" = /dev/null
done
# systemd's generators run before the reader can start: those a kiosk has
# no use for are off, those its files need are not
G=/etc/systemd/system-generators
for g in gpt-auto hibernate-resume system-update run getty integritysetup veritysetup rc-local sysv; do
  check "ik_generator_off_$g" test "$(readlink "$R$G/systemd-$g-generator")" = /dev/null
done
check ik_generator_kept_crypttab test ! -e "$R$G/systemd-cryptsetup-generator" -a ! -L "$R$G/systemd-cryptsetup-generator"
check ik_generator_kept_fstab test ! -L "$R$G/systemd-fstab-generator"
sh "$IK" --root "$T/rootg" --profile hdmi-1024x600 --no-apt > "$T/out-r2" 2>&1; st=$?
check ik_generators_kept_rc_local_sysv sh -c "test $st -eq 0 && test ! -L '$T/rootg$G/systemd-rc-local-generator' &&
  test ! -L '$T/rootg$G/systemd-sysv-generator' && test -L '$T/rootg$G/systemd-cryptsetup-generator' &&
  grep -q 'SysV generator: no systemd unit for oldstyle' '$T/out-r2'"
# lectern.conf on the FAT partition, for a teacher's computer: commented
# lines, CRLF, and what the reader reads without a single complaint
BC=$R/boot/firmware/lectern.conf
check ik_boot_conf_template grep -q '^#theme = light.$' "$BC"
check ik_boot_conf_crlf sh -c "test \"\$(grep -c \"\$(printf '\\r')\$\" '$BC')\" -eq \"\$(wc -l < '$BC')\""
: > "$T/empty.conf"
check ik_boot_conf_reads_clean sh -c "'$READER' --pack '$PACK' --config '$T/empty.conf' --boot-config '$BC' --strict \
  --dump-layout --essay 1 > /dev/null 2> '$T/bc.err' && ! grep -q . '$T/bc.err'"
check ik_boot_conf_no_dropin test ! -e "$R/etc/systemd/system/lectern.service.d/boot-config.conf"
# the initramfs copies the FAT partition's lectern.conf for --boot-early
IH=$R/etc/initramfs-tools/hooks/lectern-bootconf IS=$R/etc/initramfs-tools/scripts/init-bottom/lectern-bootconf
check ik_initramfs_bootconf sh -c "cmp -s firmware/initramfs/hook '$IH' && cmp -s firmware/initramfs/init-bottom '$IS' &&
  test -x '$IH' && test -x '$IS'"
check ik_unit_reads_the_copy grep -q -- '--boot-early /run/lectern-boot ' "$R/lib/systemd/system/lectern.service"

find "$R" -type f -exec cksum {} + | sort > "$T/sum1"
sh "$IK" --root "$R" --profile hdmi-1024x600 --no-apt > "$T/out2" 2>&1; st=$?
find "$R" -type f -exec cksum {} + | sort > "$T/sum2"
check ik_second_run_changes_nothing sh -c "test $st -eq 0 && cmp -s '$T/sum1' '$T/sum2' && grep -q 'nothing to do' '$T/out2'"
sh "$IK" --root "$R" --no-apt > /dev/null 2>&1
find "$R" -type f -exec cksum {} + | sort > "$T/sum3"
check ik_remembers_profile cmp -s "$T/sum1" "$T/sum3"
# a teacher's own file there is never replaced
printf 'theme = dark\r\n' > "$BC"
sh "$IK" --root "$R" --profile hdmi-1024x600 --no-apt > /dev/null 2>&1
check ik_boot_conf_kept test "$(cat "$BC")" = "$(printf 'theme = dark\r')"
# the FAT at /boot (older Raspberry Pi OS): the reader is told where
R2=$T/root2
mkdir -p "$R2/boot" "$R2/usr/bin" "$R2/lib/systemd/system" "$R2/etc"
cp "$T/config.orig" "$R2/boot/config.txt"
echo 'console=tty1 root=PARTUUID=0b0d2da0-02 rootwait' > "$R2/boot/cmdline.txt"
cp "$R/usr/bin/lectern" "$R2/usr/bin/"; cp "$UNIT" "$R2/lib/systemd/system/"
sh "$IK" --root "$R2" --profile hdmi-1024x600 --no-apt > /dev/null 2>&1
check ik_boot_conf_at_boot test -f "$R2/boot/lectern.conf"
check ik_boot_conf_dropin grep -qx 'ExecStart=/usr/bin/lectern --kiosk=yes --boot-early /run/lectern-boot --boot-wait /run/lectern-boot-settled --boot-config /boot/lectern.conf' \
  "$R2/etc/systemd/system/lectern.service.d/boot-config.conf"
check ik_boot_marker_after_that_mount grep -qx 'After=boot.mount' \
  "$R2/etc/systemd/system/lectern-bootfs.service.d/boot-mount.conf"
check ik_boot_conf_dropin_resets grep -qx 'ExecStart=' "$R2/etc/systemd/system/lectern.service.d/boot-config.conf"

sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt --pack "$T/museum.lpk" > /dev/null 2>&1; check ik_switch_profile test $? -eq 0
check ik_switch_block_once test "$(grep -c '^# >>> lectern kiosk' "$C")" -eq 1
check ik_switch_old_lines_gone sh -c "! grep -q hdmi_force_hotplug '$C'"
check ik_switch_new_overlay grep -qx 'dtoverlay=vc4-kms-dsi-7inch' "$C"
check ik_switch_autodetect_off sh -c "tail -n 20 '$C' | grep -qx 'display_auto_detect=0'"
check ik_switch_old_cmdline_word_gone sh -c "! grep -q 'video=HDMI' '$L' && grep -qw quiet '$L'"
check ik_cmdline_words_once test "$(tr ' ' '\n' < "$L" | grep -cx quiet)" -eq 1
check ik_pack_copied cmp -s "$T/museum.lpk" "$R/usr/local/share/lectern/museum.lpk"
check ik_pack_in_conf grep -qx 'pack = /usr/local/share/lectern/museum.lpk' "$R/etc/lectern/lectern.conf"
check ik_old_conf_kept grep -qx 'font_size = 10' "$R/etc/lectern/lectern.conf.old"
check ik_pack_line_once test "$(grep -c '^pack *=' "$R/etc/lectern/lectern.conf")" -eq 1
# a damaged pack is refused before anything is installed
head -c 3000 "$PACK" > "$T/short.lpk"
cp "$R/etc/lectern/lectern.conf" "$T/conf.before"
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt --pack "$T/short.lpk" > /dev/null 2> "$T/err"; st=$?
check ik_damaged_pack_refused sh -c "test $st -eq 1 && grep -q 'short.lpk' '$T/err' && grep -q 'verify' '$T/err'"
check ik_damaged_pack_not_installed sh -c "test ! -e '$R/usr/local/share/lectern/short.lpk' && ! ls '$R/usr/local/share/lectern/' | grep -q tmp && cmp -s '$T/conf.before' '$R/etc/lectern/lectern.conf'"
# paths with & and | (sed's special characters) and a space: the pack gets
# a plain name, and lectern.conf names it exactly, once
mkdir -p "$T/a&b|c"
cp "$PACK" "$T/a&b|c/museum & co|2.lpk"
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt --pack "$T/a&b|c/museum & co|2.lpk" > /dev/null 2> "$T/err"; st=$?
check ik_pack_path_amp_pipe_ok test $st -eq 0
check ik_pack_path_amp_pipe_copied cmp -s "$PACK" "$R/usr/local/share/lectern/museum___co_2.lpk"
check ik_pack_path_amp_pipe_conf sh -c "grep -qx 'pack = /usr/local/share/lectern/museum___co_2.lpk' '$R/etc/lectern/lectern.conf' && test \$(grep -c '^pack *=' '$R/etc/lectern/lectern.conf') -eq 1" 
# every file it writes is flushed (fsync) before it is renamed into place
if need ik_fsync_traced strace strace; then
  strace -f -y -qq -e trace=fsync,rename,renameat,renameat2 -o "$T/ik.strace" \
    sh "$IK" --root "$R" --profile hdmi-1024x600 --no-apt --offline > /dev/null 2>&1
  grep -oE 'rename(at2?)?\([^"]*"[^"]*\.tmp\.[0-9]+"' "$T/ik.strace" | sed 's/.*"\(.*\)"/\1/' > "$T/renamed"
  check ik_fsync_renames_seen test "$(wc -l < "$T/renamed")" -ge 3
  check ik_fsync_before_every_rename sh -c "while read -r f; do b=\$(basename \"\$f\"); grep -q \"^[0-9]* *fsync([0-9]*<[^>]*/\$b>)\" '$T/ik.strace' || { echo \"not flushed: \$f\"; exit 1; }; done < '$T/renamed'"
  # --offline beside a profile that turns the radio off already: once
  check ik_offline_radio_once test "$(grep -cx 'dtoverlay=disable-wifi' "$C")" -eq 1
fi
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt --overlayroot > /dev/null 2> "$T/err"; st=$?
check ik_overlayroot_needs_apt sh -c "test $st -eq 1 && grep -q overlayroot '$T/err'"
mkdir -p "$R/etc" && echo 'overlayroot=""' > "$R/etc/overlayroot.conf"
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt --overlayroot > /dev/null 2> "$T/err"; st=$?
check ik_overlayroot_needs_busybox sh -c "test $st -eq 1 && grep -q busybox '$T/err'"
mkdir -p "$R/bin" && printf '#!/bin/sh\n' > "$R/bin/busybox" && chmod 755 "$R/bin/busybox"
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt --overlayroot > /dev/null 2>&1
check ik_overlayroot_on grep -q '^overlayroot="tmpfs' "$R/etc/overlayroot.local.conf"
# mounted read-only from the start: "ro" after any "rw", once
check ik_overlayroot_cmdline_ro sh -c "tr ' ' '\n' < '$R/boot/firmware/cmdline.txt' | grep -xE 'rw|ro' | tail -1 | grep -qx ro"
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt > /dev/null 2>&1
check ik_overlayroot_ro_kept sh -c "test \$(tr ' ' '\n' < '$R/boot/firmware/cmdline.txt' | grep -cx ro) -eq 1"
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt --no-overlayroot > /dev/null 2>&1
check ik_overlayroot_off test ! -e "$R/etc/overlayroot.local.conf"
check ik_overlayroot_off_cmdline_rw sh -c "! tr ' ' '\n' < '$R/boot/firmware/cmdline.txt' | grep -qx ro"
# Debian's raspi-firmware rewrites config.txt and cmdline.txt from
# /etc/default on each kernel update: the kiosk lines must be there too.
mkdir -p "$R/etc/default" && echo '#CMA=64M' > "$R/etc/default/raspi-firmware"
echo 'cma=128M quiet' > "$R/etc/default/raspi-extra-cmdline"
sh "$IK" --root "$R" --profile hdmi-1024x600 --no-apt > /dev/null 2>&1
check ik_debian_firmware_custom sh -c "grep -qx 'hdmi_force_hotplug=1' '$R/etc/default/raspi-firmware-custom' && grep -qx 'dtparam=watchdog=on' '$R/etc/default/raspi-firmware-custom'"
check ik_debian_extra_cmdline sh -c "grep -q '^cma=128M quiet ' '$R/etc/default/raspi-extra-cmdline' && grep -qw 'video=HDMI-A-1:1024x600@60D' '$R/etc/default/raspi-extra-cmdline' && test \$(tr ' ' '\n' < '$R/etc/default/raspi-extra-cmdline' | grep -cx quiet) -eq 1"
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt > /dev/null 2>&1
check ik_debian_extra_cmdline_switch sh -c "! grep -q 'video=HDMI' '$R/etc/default/raspi-extra-cmdline' && grep -q '^cma=128M' '$R/etc/default/raspi-extra-cmdline'"
rm -f "$R/usr/bin/lectern"
sh "$IK" --root "$R" --profile pi-dsi-7in --no-apt > /dev/null 2> "$T/err"; st=$?
check ik_no_package_exit_1 sh -c "test $st -eq 1 && grep -q -- '--deb' '$T/err'"

# ---- man pages: well-formed, and every option of the programs documented -----------
for m in firmware/man/*.[158]; do
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$m" > /dev/null 2> "$T/err"
  check "man_$(basename "$m")_no_warnings" sh -c "test ! -s '$T/err'"
done
# options as --help prints them, each looked up in the page (roff writes \-)
undocumented() { # undocumented HELP-FILE MAN-PAGE
  grep -o -- '--[a-z][a-z-]*' "$1" | sort -u | while read -r o; do
    grep -qF -- "$(echo "$o" | sed 's/-/\\-/g')" "$2" || echo "$o"
  done
}
if [ -x "$PACKER" ]; then
  "$PACKER" --help > "$T/help"
  undocumented "$T/help" firmware/man/lectern-pack.1 > "$T/missing"
  check man_lectern_pack_has_every_option test ! -s "$T/missing"
  for c in build list cat verify info; do
    check "man_lectern_pack_command_$c" grep -q "^\\.B $c" firmware/man/lectern-pack.1
  done
fi
if [ -x "$READER" ]; then
  "$READER" --help > "$T/help" 2>&1
  undocumented "$T/help" firmware/man/lectern.1 > "$T/missing"
  check man_lectern_has_every_option test ! -s "$T/missing"
  [ -s "$T/missing" ] && echo "  not in lectern.1: $(tr '\n' ' ' < "$T/missing")" >&2
fi
while read -r k; do
  check "man_lectern_conf_key_$k" grep -q "^\\.BI $k " firmware/man/lectern.conf.5
done < "$T/keys"
sh "$IK" --help > "$T/help"
undocumented "$T/help" firmware/man/lectern-install-kiosk.8 > "$T/missing"
check man_install_kiosk_has_every_option test ! -s "$T/missing"

# ---- scripts parse -------------------------------------------------------------------
for s in "$IK" firmware/debian/build-deb*.sh firmware/debian/postinst firmware/debian/prerm \
         firmware/debian/postrm firmware/test/*.sh firmware/image/*.sh tools/deps-kiosk.sh; do
  [ -f "$s" ] || continue
  check "sh_syntax_$(basename "$s")" sh -n "$s"
done
for s in firmware/image/qmp-drive.py firmware/test/imgstat.py; do
  check "py_syntax_$(basename "$s")" python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' "$s"
done
# imgstat.py judges the screenshots of deb-test and image-test: it must read
# the reader's PNGs and tell a page of text from a blank one.
if [ -x "$READER" ]; then
  SDL_VIDEODRIVER=offscreen "$READER" --pack "$PACK" --screenshot "$T/img" --essay 1 --page 1 > /dev/null 2>&1
  set -- $(python3 firmware/test/imgstat.py "$T/img/essay1-page001.png" 2>/dev/null)
  check imgstat_reads_png_size test "${1:-0}x${2:-0}" = 800x480
  check imgstat_text_has_ink awk "BEGIN { exit !(${3:-0} > 0.01 && ${3:-0} < 0.5) }"
  python3 -c 'import struct, zlib, sys
w, h = 64, 32
raw = b"".join(b"\0" + b"\xfa\xf9\xf6" * w for _ in range(h))
c = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + c(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + c(b"IDAT", zlib.compress(raw)) + c(b"IEND", b""))' "$T/blank.png"
  set -- $(python3 firmware/test/imgstat.py "$T/blank.png" 2>/dev/null)
  check imgstat_blank_has_no_ink test "${3:-1}" = 0.0000
  check imgstat_diff_self_zero test "$(python3 firmware/test/imgstat.py --diff "$T/img/essay1-page001.png" "$T/img/essay1-page001.png")" = 0.0000
fi
