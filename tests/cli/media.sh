#!/bin/sh
# The USB-stick mount helper (issue 14), without root and without a stick:
# the udev rule (each line parsed, and run on the properties udev gives a
# stick, the SD card and other disks), the unit (systemd-analyze verify and
# security, installed into a fake root the way the package lays it out; no
# file-system namespace, or its mounts would never reach the reader; its
# system call filter lets through every call the helper makes, traced), and
# lectern-media itself with a fake mount and umount on PATH and real FAT and
# ext4 images as the "devices": the exact mount options, what it refuses,
# and the directory it removes. The real mount is checked in the emulated
# Pi (make image-test).
. tests/cli/lib.sh
H=firmware/media/lectern-media
RULE=firmware/udev/71-lectern-media.rules
UNIT=firmware/systemd/lectern-media@.service
has() { command -v "$1" > /dev/null 2>&1; }
need() { # need NAME PROGRAM PACKAGE: fail with a hint when a tool is missing
  has "$2" && return 0
  fail "$1" "$2 is not installed (Debian package: $3)"
  return 1
}

check helper_sh_syntax sh -n "$H"
check helper_executable test -x "$H"

# ---- the udev rule ------------------------------------------------------------------
# Every line is KEY OP "VALUE" pairs udev knows; then the rule is run, the way
# udev runs it, on the properties of a few devices.
cat > "$T/rule.py" <<'EOF'
import fnmatch, re, sys
KEYS = {"ACTION", "SUBSYSTEM", "KERNEL", "ENV", "TAG", "GOTO", "LABEL"}
pair = re.compile(r'\s*([A-Z]+)(\{([A-Za-z_0-9]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(,|$)')
def parse(path):
    rules = []
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pos, items = 0, []
        while pos < len(line):
            m = pair.match(line, pos)
            if not m:
                sys.exit("%s:%d: cannot parse at byte %d: %r" % (path, n, pos, line[pos:]))
            key, _, attr, op, val, _ = m.groups()
            if key not in KEYS:
                sys.exit("%s:%d: unknown key %s" % (path, n, key))
            if (key == "ENV") != (attr is not None):
                sys.exit("%s:%d: %s needs {NAME} only for ENV" % (path, n, key))
            if key in ("GOTO", "LABEL", "TAG") and op not in ("=", "+="):
                sys.exit("%s:%d: %s cannot be matched" % (path, n, key))
            if key in ("ACTION", "SUBSYSTEM", "KERNEL") and op not in ("==", "!="):
                sys.exit("%s:%d: %s can only be matched" % (path, n, key))
            items.append((key, attr, op, val))
            pos = m.end()
        rules.append(items)
    labels = {v for r in rules for k, a, o, v in r if k == "LABEL"}
    for r in rules:
        for k, a, o, v in r:
            if k == "GOTO" and v not in labels:
                sys.exit("%s: GOTO %s has no LABEL" % (path, v))
    return rules
def run(rules, props):
    env, tags, skip = dict(props), set(), None
    for r in rules:
        if skip:
            if any(k == "LABEL" and v == skip for k, a, o, v in r):
                skip = None
            continue
        def value(k, a):
            return env.get(a, "") if k == "ENV" else env.get(k, "")
        matched = all((any(fnmatch.fnmatchcase(value(k, a), p) for p in v.split("|")) == (o == "=="))
                      for k, a, o, v in r if o in ("==", "!="))
        if not matched:
            continue
        for k, a, o, v in r:
            v = v.replace("%k", env.get("KERNEL", ""))
            if k == "GOTO":
                skip = v
            elif k == "TAG":
                tags.add(v)
            elif k == "ENV" and o == "=":
                env[a] = v
            elif k == "ENV" and o == "+=":
                env[a] = (env.get(a, "") + " " + v).strip()
    return env.get("SYSTEMD_WANTS", ""), "systemd" in tags
rules = parse(sys.argv[1])
if len(sys.argv) > 2:
    props = dict(kv.split("=", 1) for kv in sys.argv[2:])
    wants, tagged = run(rules, props)
    print(wants + (" (tagged)" if tagged else ""))
EOF
rule() { python3 "$T/rule.py" "$RULE" "$@" 2> "$T/rule.err"; }
check rule_parses sh -c "python3 '$T/rule.py' '$RULE'"
stick="ACTION=add SUBSYSTEM=block DEVTYPE=partition ID_BUS=usb ID_FS_USAGE=filesystem"
check rule_fat_partition test "$(rule $stick KERNEL=sda1 ID_FS_TYPE=vfat)" = "lectern-media@sda1.service (tagged)"
check rule_exfat_partition test "$(rule $stick KERNEL=sdb2 ID_FS_TYPE=exfat)" = "lectern-media@sdb2.service (tagged)"
check rule_fat_whole_disk test "$(rule ACTION=add SUBSYSTEM=block DEVTYPE=disk ID_BUS=usb ID_FS_USAGE=filesystem KERNEL=sdc ID_FS_TYPE=vfat)" = "lectern-media@sdc.service (tagged)"
# coldplug at boot replays "add"; a "change" keeps the unit wanted
check rule_change_event test "$(rule $stick KERNEL=sda1 ID_FS_TYPE=vfat ACTION=change)" = "lectern-media@sda1.service (tagged)"
check rule_not_on_remove test -z "$(rule $stick KERNEL=sda1 ID_FS_TYPE=vfat ACTION=remove)"
for fs in ext4 ntfs btrfs iso9660 crypto_LUKS ''; do
  check "rule_ignores_fs_${fs:-none}" test -z "$(rule $stick KERNEL=sda1 ID_FS_TYPE=$fs)"
done
check rule_ignores_sd_card test -z "$(rule $stick KERNEL=mmcblk0p1 ID_BUS= ID_FS_TYPE=vfat)"
check rule_ignores_mmc_even_if_usb test -z "$(rule $stick KERNEL=mmcblk0p1 ID_FS_TYPE=vfat)"
check rule_ignores_sata_disk test -z "$(rule $stick KERNEL=sda1 ID_BUS=ata ID_FS_TYPE=vfat)"
check rule_ignores_raid_member test -z "$(rule $stick KERNEL=sda1 ID_FS_USAGE=raid ID_FS_TYPE=vfat)"
check rule_ignores_other_subsystem test -z "$(rule $stick SUBSYSTEM=tty KERNEL=sda1 ID_FS_TYPE=vfat)"
# udev must run nothing itself (no RUN+=): it asks systemd for the unit
check rule_runs_nothing sh -c "! grep -q 'RUN' '$RULE'"
# the syntax check catches a broken line
sed 's/ENV{ID_BUS}!="usb"/ENV{ID_BUS}!=usb/' "$RULE" > "$T/bad.rules"
check rule_check_catches_bad_line sh -c "! python3 '$T/rule.py' '$T/bad.rules' 2> /dev/null"

# ---- the unit, installed as the package installs it -----------------------------------
# The three files, from the package's own install lines (build-deb.sh
# `f MODE SOURCE DEST`), into a fake root.
R=$T/root
for src in "$H" "$RULE" "$UNIT"; do
  line=$(grep -E "^f [0-7]+ $src [^ ]+\$" firmware/debian/build-deb.sh)
  check "deb_ships_$(basename "$src")" test -n "$line"
  [ -n "$line" ] || continue
  set -- $line
  mkdir -p "$R/$(dirname "$4")" && install -m "$2" "$3" "$R/$4"
done
check deb_helper_path_is_units test -x "$R$(sed -n 's/^ExecStart=\([^ ]*\) add %i$/\1/p' "$UNIT")"
check deb_rule_in_udev_dir test -f "$R/lib/udev/rules.d/71-lectern-media.rules"
check deb_prerm_unmounts grep -q "deb-systemd-invoke stop 'lectern-media@\*.service'" firmware/debian/prerm
if need unit_verify systemd-analyze systemd; then
  systemd-analyze verify --man=no --root="$R" lectern-media@sda1.service > "$T/verify" 2>&1; st=$?
  check unit_verify sh -c "test $st -eq 0 && ! grep -q . '$T/verify'"
  if [ -s "$T/verify" ]; then sed 's/^/  /' "$T/verify" >&2; fi
  # and verify notices a unit that runs a helper that is not there
  mv "$R/usr/libexec/lectern/lectern-media" "$T/helper.moved"
  systemd-analyze verify --man=no --root="$R" lectern-media@sda1.service > /dev/null 2>&1
  check unit_verify_catches_missing_helper test $? -ne 0
  mv "$T/helper.moved" "$R/usr/libexec/lectern/lectern-media"
  score=$(systemd-analyze security --offline=true --root="$R" lectern-media@sda1.service 2>/dev/null |
          sed -n 's/.*Overall exposure level for lectern-media@sda1.service: \([0-9.]*\).*/\1/p')
  echo "  lectern-media@.service exposure score: ${score:-none}" >&2
  check "unit_security_score_at_most_3.0" awk "BEGIN { exit !(\"${score:-9}\" + 0 <= 3.0) }"
fi
for want in 'Type=oneshot' 'RemainAfterExit=yes' 'BindsTo=dev-%i.device' 'After=dev-%i.device' \
    'ExecStart=/usr/libexec/lectern/lectern-media add %i' 'ExecStop=/usr/libexec/lectern/lectern-media remove %i' \
    'CapabilityBoundingSet=CAP_SYS_ADMIN' 'NoNewPrivileges=yes' 'PrivateNetwork=yes' 'IPAddressDeny=any' \
    'RestrictAddressFamilies=AF_UNIX' 'DevicePolicy=closed' 'DeviceAllow=block-sd r' 'PrivateMounts=no'; do
  check "unit_has_$(echo "$want" | tr -c 'A-Za-z0-9@=\n' _)" grep -qxF -- "$want" "$UNIT"
done
# A mount made inside a mount namespace of the unit's own stays there: none
# of the settings that make one (systemd.exec(5)), or the reader never sees
# the stick.
check unit_no_mount_namespace sh -c "! grep -E '^(ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|PrivateIPC|ReadWritePaths|ReadOnlyPaths|InaccessiblePaths|ExecPaths|NoExecPaths|TemporaryFileSystem|BindPaths|BindReadOnlyPaths|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|ProtectProc|ProcSubset|MountFlags|RootDirectory|RootImage|MountImages|DynamicUser)=' '$UNIT'"
# The reader's unit: host mounts under /run/lectern/media reach it (a slave
# namespace, PrivateMounts=yes), and nothing there hides /run/lectern.
RU=firmware/systemd/lectern.service
check reader_unit_receives_mounts sh -c "grep -qx 'PrivateMounts=yes' '$RU' && ! grep -qE '^MountFlags=private' '$RU'"
# (paths: /run, /run/lectern or /run/lectern/media; RuntimeDirectory=
# names a folder under /run: lectern or lectern/media)
check reader_unit_does_not_hide_run sh -c "! grep -E '^(InaccessiblePaths|TemporaryFileSystem|BindPaths|BindReadOnlyPaths|ReadWritePaths)=(.*[ =:+-])?/run(/lectern(/media)?)?/?( |:|\$)' '$RU' &&
  ! grep -E '^RuntimeDirectory=(.* )?lectern(/media)?/?( |\$)' '$RU'"
check reader_unit_still_no_caps grep -qx 'CapabilityBoundingSet=' "$RU"

# ---- lectern-media with fakes -----------------------------------------------------------
# The "devices" are files in $D; mount and umount are fakes that log their
# arguments and keep a mounts table; blkid is the real one, on real file
# system images (for exFAT and NTFS, whose mkfs Debian's test machines may
# not have, a fake that prints what blkid -p would).
D=$T/dev M=$T/run/media F=$T/bin
REAL_BLKID=$(command -v blkid)
mkdir -p "$D" "$F"
cat > "$F/mount" <<'EOF'
#!/bin/sh
echo "mount $*" >> "$FAKE_T/calls"
[ -z "${FAKE_MOUNT_FAIL:-}" ] || { echo "mount: wrong fs type" >&2; exit 32; }
for a; do dev=$dir; dir=$a; done
echo "$dev $dir fake ro 0 0" >> "$FAKE_T/mounts"
EOF
cat > "$F/umount" <<'EOF'
#!/bin/sh
echo "umount $*" >> "$FAKE_T/calls"
for a; do dir=$a; done
awk -v d="$dir" '$2 != d' "$FAKE_T/mounts" > "$FAKE_T/mounts.new" && mv "$FAKE_T/mounts.new" "$FAKE_T/mounts"
EOF
cat > "$F/blkid" <<'EOF'
#!/bin/sh
for dev; do :; done
if head -c 5 "$dev" | grep -q '^TYPE='; then cat "$dev"; exit 0; fi
exec "$FAKE_BLKID" "$@"
EOF
chmod +x "$F/mount" "$F/umount" "$F/blkid"
: > "$T/mounts" ; : > "$T/fstab"
me=$(id -un) myuid=$(id -u) mygid=$(id -g)
media() { # media ACTION NAME: run the helper with the fakes, with the unit's umask; output in $T/out
  : > "$T/calls"
  local um st; um=$(umask); umask 0077
  env PATH="$F:$PATH" FAKE_T="$T" FAKE_BLKID="$REAL_BLKID" LECTERN_MEDIA_DEV="$D" LECTERN_MEDIA_BASE="$M" LECTERN_MEDIA_FSTAB="$T/fstab" \
    LECTERN_MEDIA_MOUNTS="$T/mounts" LECTERN_MEDIA_USER="${MEDIA_USER:-$me}" sh "$H" "$@" > "$T/out" 2>&1
  st=$?; umask "$um"; return $st
}
if need fat_image mkfs.vfat dosfstools && need fat_image_files mcopy mtools; then
  # a stick as a teacher's computer writes it: FAT32, a lectern/ folder
  mkfs.vfat -F 32 -n TEACHER -i 1234abcd -C "$T/stick.img" 40960 > /dev/null
  printf 'Été\n\nUn essai.\n' > "$T/essai.txt"
  MTOOLS_SKIP_CHECK=1 mmd -i "$T/stick.img" ::lectern &&
    LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 mcopy -i "$T/stick.img" "$T/essai.txt" "::lectern/Été.txt"
  check fat_image_blkid_type test "$(blkid -p -o value -s TYPE "$T/stick.img")" = vfat
  cp "$T/stick.img" "$D/sdb1"
  media add sdb1; st=$?
  want="mount -i -t vfat -o ro,nosuid,nodev,noexec,uid=$myuid,gid=$mygid,fmask=0377,dmask=0277,utf8,shortname=mixed $D/sdb1 $M/sdb1"
  check add_fat_exit_0 test $st -eq 0
  check add_fat_exact_mount_command test "$(cat "$T/calls")" = "$want"
  if [ "$(cat "$T/calls")" != "$want" ]; then echo "  got: $(cat "$T/calls")" >&2; fi
  check add_fat_logs_one_line sh -c "test \$(wc -l < '$T/out') -eq 1 && grep -q 'mounted $D/sdb1 (vfat, label \"TEACHER\") read-only at $M/sdb1' '$T/out'"
  check add_fat_dir_private test "$(stat -c %a "$M/sdb1")" = 700
  # the unit's UMask=0077 must not close the way to the mount
  check add_fat_base_dirs_open test "$(stat -c %a "$T/run") $(stat -c %a "$M")" = "755 755"
  media add sdb1; st=$?
  check add_twice_mounts_once sh -c "test $st -eq 0 && test ! -s '$T/calls' && grep -q 'mounted already' '$T/out'"
  media remove sdb1; st=$?
  check remove_exit_0 test $st -eq 0
  check remove_lazy_umount test "$(cat "$T/calls")" = "umount -l $M/sdb1"
  check remove_dir_gone test ! -e "$M/sdb1"
  check remove_logs sh -c "grep -q 'unmounted $M/sdb1' '$T/out' && grep -q 'removed $M/sdb1' '$T/out'"
  media remove sdb1; st=$?
  check remove_again_nothing_to_do sh -c "test $st -eq 0 && test ! -s '$T/calls'"
  # a mount point with something in it that is not a mount: left alone
  mkdir -p "$M/sdb1" && echo keep > "$M/sdb1/file"
  media remove sdb1; st=$?
  check remove_never_deletes_files sh -c "test $st -eq 1 && test -f '$M/sdb1/file'"
  rm -rf "$M/sdb1"
  # a whole-disk FAT (no partition table)
  cp "$T/stick.img" "$D/sdc"
  media add sdc; st=$?
  check add_whole_disk sh -c "test $st -eq 0 && grep -q ' $D/sdc $M/sdc\$' '$T/calls'"
  media remove sdc
  # the kernel's mount fails: nothing left behind
  FAKE_MOUNT_FAIL=1 media add sdb1; st=$?
  check add_mount_failure_exit_1 sh -c "test $st -eq 1 && grep -q 'wrong fs type' '$T/out'"
  check add_mount_failure_no_dir test ! -e "$M/sdb1"
  # named in fstab (by UUID, by LABEL, by path): the system's, not a stick
  for spec in UUID=1234-ABCD LABEL=TEACHER "$D/sdb1"; do
    printf '# a comment\n%s  /srv/data  vfat  defaults  0 0\n' "$spec" > "$T/fstab"
    media add sdb1; st=$?
    check "refuse_fstab_$(echo "$spec" | sed 's|.*/||; s/=.*//')" sh -c "test $st -eq 1 && test ! -s '$T/calls' && grep -q 'fstab' '$T/out' && test ! -e '$M/sdb1'"
  done
  printf 'UUID=9999-0000 /srv vfat defaults 0 0\nLABEL=OTHER /x vfat defaults 0 0\n' > "$T/fstab"
  media add sdb1; st=$?
  check fstab_other_entries_do_not_refuse sh -c "test $st -eq 0 && test -s '$T/calls'"
  media remove sdb1; : > "$T/fstab"
  # mounted elsewhere already (by someone else)
  echo "$D/sdb1 /mnt/other vfat ro 0 0" > "$T/mounts"
  media add sdb1; st=$?
  check refuse_mounted_elsewhere sh -c "test $st -eq 1 && test ! -s '$T/calls' && grep -q 'elsewhere' '$T/out'"
  : > "$T/mounts"
  # the SD card, even with a FAT on it
  cp "$T/stick.img" "$D/mmcblk0p1"
  media add mmcblk0p1; st=$?
  check refuse_sd_card sh -c "test $st -eq 1 && test ! -s '$T/calls' && grep -q 'SD card' '$T/out' && test ! -e '$M/mmcblk0p1'"
  # not on USB (udev's ID_BUS; the test stands in for udev's database)
  LECTERN_MEDIA_BUS=ata media add sdb1; st=$?
  check refuse_not_usb sh -c "test $st -eq 1 && test ! -s '$T/calls' && grep -q 'not a USB device' '$T/out'"
  MEDIA_USER=no-such-user-lectern media add sdb1; st=$?
  check refuse_without_lectern_user sh -c "test $st -eq 1 && test ! -s '$T/calls' && test ! -e '$M/sdb1'"
fi
# exFAT: the kernel's driver, its own character-set option
printf 'TYPE=exfat\nUSAGE=filesystem\nUUID=1A2B-3C4D\nLABEL=MAC\n' > "$D/sdd1"
media add sdd1; st=$?
check add_exfat_exact_mount_command sh -c "test $st -eq 0 && test \"\$(cat '$T/calls')\" = 'mount -i -t exfat -o ro,nosuid,nodev,noexec,uid=$myuid,gid=$mygid,fmask=0377,dmask=0277,iocharset=utf8 $D/sdd1 $M/sdd1'"
media remove sdd1
printf 'TYPE=ntfs\nUSAGE=filesystem\n' > "$D/sde1"
media add sde1; st=$?
check refuse_ntfs sh -c "test $st -eq 1 && test ! -s '$T/calls' && grep -q 'ntfs is not FAT' '$T/out' && test ! -e '$M/sde1'"
if need ext4_image mkfs.ext4 e2fsprogs; then
  mkfs.ext4 -q -F "$D/sdf1" 2M > /dev/null 2>&1
  media add sdf1; st=$?
  check refuse_ext4 sh -c "test $st -eq 1 && test ! -s '$T/calls' && grep -q 'ext4 is not FAT' '$T/out' && test ! -e '$M/sdf1'"
fi
head -c 65536 /dev/zero > "$D/sdg1"
media add sdg1; st=$?
check refuse_blank sh -c "test $st -eq 1 && test ! -s '$T/calls' && grep -q 'no file system' '$T/out'"
# names that are not a kernel name of a USB disk: refused before anything
# (each one names a good FAT image, so that only the name can refuse it)
mkdir -p "$T/outside"
for f in evil nvme0n1p1 loop0 dm-0 SDB1 sdb1- 'sd b1' 'sdb1;true'; do
  if [ -f "$T/stick.img" ]; then cp "$T/stick.img" "$D/$f"; else printf 'TYPE=vfat\n' > "$D/$f"; fi
done
mv "$D/evil" "$T/evil"
n=0
for bad in ../evil 'sdb1/../../evil' sdb1/x '.' '..' 'sd b1' 'sdb1;true' '' nvme0n1p1 loop0 dm-0 SDB1 sdb1-; do
  n=$((n + 1))
  media add "$bad"; st=$?
  check "refuse_name_${n}_$(printf %s "$bad" | tr -c "A-Za-z0-9" _)" sh -c "test $st -ne 0 && test ! -s '$T/calls'"
done
check refuse_names_made_nothing sh -c "test -z \"\$(ls -A '$T/outside')\" && test -z \"\$(ls -A '$M' 2>/dev/null)\""
media; check usage_no_args_exit_2 test $? -eq 2
media frob sdb1; check usage_bad_action_exit_2 test $? -eq 2

# ---- every system call the helper makes gets through the unit's filter ------------------
# (traced with the fakes; mount(2) and umount2(2) are the fakes' part)
if need syscalls_traced strace strace && [ -f "$D/sdb1" ]; then
  : > "$T/mounts"
  env PATH="$F:$PATH" FAKE_T="$T" FAKE_BLKID="$REAL_BLKID" LECTERN_MEDIA_DEV="$D" LECTERN_MEDIA_BASE="$M" LECTERN_MEDIA_FSTAB="$T/fstab" \
    LECTERN_MEDIA_MOUNTS="$T/mounts" LECTERN_MEDIA_USER="$me" \
    strace -f -qq -o "$T/strace" sh -c "sh '$H' add sdb1 && sh '$H' remove sdb1" > /dev/null 2>&1
  sed -E -n 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p' "$T/strace" | sort -u > "$T/used"
  printf 'mount\numount2\n' >> "$T/used"
  expand() { for g in "$@"; do
      case "$g" in
        @*) systemd-analyze syscall-filter "$g" | grep -E '^ +[@a-z]' | tr -d ' ' | while read -r s; do expand "$s"; done ;;
        *) echo "$g" ;;
      esac; done; }
  # shellcheck disable=SC2046
  expand $(sed -n 's/^SystemCallFilter=\([^~].*\)/\1/p' "$UNIT") | sort -u > "$T/allowed"
  # shellcheck disable=SC2046
  expand $(sed -n 's/^SystemCallFilter=~\(.*\)/\1/p' "$UNIT") | sort -u > "$T/denied"
  comm -23 "$T/allowed" "$T/denied" > "$T/passes"
  check syscalls_traced test "$(wc -l < "$T/used")" -ge 20
  sort -u "$T/used" | comm -23 - "$T/passes" > "$T/blocked"
  check syscalls_all_pass_filter test ! -s "$T/blocked"
  if [ -s "$T/blocked" ]; then echo "  blocked by the unit's filter: $(tr '\n' ' ' < "$T/blocked")" >&2; fi
fi
