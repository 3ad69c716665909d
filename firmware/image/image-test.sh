#!/bin/sh
# make image-test: boot the SD image's kernel and root file system under
# qemu-system-aarch64 -M virt (TCG: no KVM for arm64 on an x86 host), with
# virtio-gpu-pci for DRM/KMS and virtio-tablet-pci for input, and drive it
# through QMP (firmware/image/qmp-drive.py): the library must appear, a tap
# on a card must open a page of text, a tap on the right must turn it. Then
# the power is pulled (QEMU killed, 45 s after the turn, once the reader has
# saved its position) and the same disk boots again: the library must come
# back and the card must open on the page that was on the screen. An image
# built with --overlayroot (build/image/*.root says so) must instead leave
# every byte of the card as it was, and start clean after the cut.
#
# Issue 15 (writable root): the first boot prints the guest's systemd-analyze,
# the reader's critical chain and start times; the second, after the power
# cut, is also typed on by a stray keyboard (SysRq B/R/K, Ctrl+Alt+Del,
# Ctrl+Alt+F2: the same boot must still show the library) and then stops the
# reader (SIGSTOP: the watchdog must restart it); a third boots with root=
# pointing nowhere (the initramfs must reboot, no shell may answer the
# keyboard). For that the test's copy of the card (never the image) gets a
# small agent on a virtio serial port (test-agent.sh): no shell, no network.
# Issue 16 (boot splash): each boot's screens must show the splash before
# the library, and no black screen between them; two more boots, stopped at
# the library, measure what the splash adds (lectern.splash=0 on one).
# Issue 14: at the end of the first boot a FAT USB stick (made here, without
# root) is plugged in through QMP and pulled out again: mounted read-only for
# the reader by lectern-media, visible in the reader's namespace, then gone.
# Two more boots load essays from sticks, through the reader's prompt, with
# a power cut during a load and an unsigned stick under import = signed.
#
# Issue 16 (Pi 5): two boots with a second DRM device, a bochs-display after
# and before the virtio-gpu: the library must be on the card the reader chose.
#
#   firmware/image/image-test.sh [--quick] build/image/lectern-PROFILE.img
#
# --quick: stop once the library is on the screen (for debugging a boot).
# IMAGE_TEST_PARTS="visit import drm splash" (the default: all) runs only
# the boots named, for working on one part: visit (the visit, the power cut, the
# stray keyboard, the watchdog, the first stick, the bad root), import (two
# boots: sticks of essays), drm (two boots: two DRM cards), splash (two boots).
# The Pi's own boot path (GPU firmware, config.txt, the Pi's device tree) is
# not emulated: the same kernel, initrd and root file system boot on QEMU's
# generic board instead. Screenshots and the serial log go to
# build/kiosk-test/image/. Last line: N passed, N failed.
set -u
quick=
[ "${1:-}" = --quick ] && { quick=--quick; shift; }
IMG=$(readlink -f "${1:?usage: image-test.sh [--quick] IMAGE.img}")
cd "$(dirname "$0")/../.." || exit 1
base=${IMG%.img}
ART=build/kiosk-test/image
TMP=${KIOSK_TMP:-/tmp/lectern-kiosk}
TIMEOUT=${IMAGE_TEST_TIMEOUT:-1500}
mkdir -p "$ART" "$TMP"
rm -f "$ART"/*.png "$ART"/serial*.log
pass=0 failn=0
PARTS=" ${IMAGE_TEST_PARTS:-visit import drm splash} "
part() { case "$PARTS" in *" $1 "*) return 0 ;; esac; return 1; }
ok() { echo "ok $1"; pass=$((pass + 1)); }
fail() { echo "FAIL $1"; [ $# -gt 1 ] && echo "  $2" >&2; failn=$((failn + 1)); }

for f in "$IMG" "$base.vmlinuz" "$base.initrd" "$base.cmdline"; do
  [ -s "$f" ] || { fail image_files "missing $f (make image)"; echo "$pass passed, $failn failed"; exit 1; }
done
# The display the profile expects, so that the screen matches the panel.
profile=$(basename "$base"); profile=${profile#lectern-}
case "$profile" in
  pi-dsi-7in) W=800 H=480 ;;
  touch-display-2) W=720 H=1280 ;;
  *) W=1024 H=600 ;;
esac

# What the screens should look like: the host's own reader replays the same
# visit (library, tap the card, tap the right) headless at the panel's size,
# with the image's pack and lectern.conf. That also proves the card's
# coordinates. Without a reader that has --replay, only the heuristics of
# qmp-drive.py judge the screens.
READER=${READER:-build/host/lectern}
CARD=${CARD:-0.5,0.3}
refs=
pack=$base.lpk conf=$base.conf
[ -s "$pack" ] || pack=build/deb-arm64/default.lpk
[ -s "$conf" ] || conf=board/$profile/lectern.conf
if [ -x "$READER" ] && "$READER" --help 2>&1 | grep -q -- '--replay'; then
  mkdir -p "$TMP/ref"; rm -rf "$TMP/ref"/*.png "$TMP/ref/state"; mkdir "$TMP/ref/state"
  x=${CARD%,*} y=${CARD#*,}
  printf 'expect screen library\nshot library\ntap %s %s\nexpect screen reading\nwait 1000\nshot page\ntap 0.85 0.55\nexpect screen reading\nwait 1000\nshot next\n' \
    "$x" "$y" > "$TMP/ref/visit.replay"
  # the second visit, after the power cut: the reader starts again with the
  # saved position (the first replay saved it when it ended)
  # (the first visit opened page 1 and turned to page 2; a restarted reader
  # shows the first-page hint again, to the next visitor, so the resumed
  # screen is not the "next" one pixel for pixel: the replay checks the page)
  printf 'expect screen library\nshot library2\ntap %s %s\nexpect screen reading\nwait 1000\nshot resumed\n' \
    "$x" "$y" > "$TMP/ref/resume.replay"
  r() { SDL_VIDEODRIVER=offscreen "$READER" --replay "$1" --screenshot "$TMP/ref" --state-dir "$TMP/ref/state" \
          --config "$conf" --pack "$pack" --size "${W}x$H" >> "$TMP/ref/replay.out" 2>&1; }
  : > "$TMP/ref/replay.out"
  if r "$TMP/ref/visit.replay" && r "$TMP/ref/resume.replay"; then
    ok image_reference_replay
    for n in library page next library2 resumed; do cp "$TMP/ref/$n.png" "$ART/ref-$n.png"; done
    refs="--ref-library $ART/ref-library.png --ref-page $ART/ref-page.png --ref-next $ART/ref-next.png"
    # the host reader itself resumes on the page it left
    if sed 's/^shot resumed$/&\nexpect page 2/' "$TMP/ref/resume.replay" > "$TMP/ref/resume-check.replay" &&
       rm -rf "$TMP/ref/state2" && cp -a "$TMP/ref/state" "$TMP/ref/state2" &&
       SDL_VIDEODRIVER=offscreen "$READER" --replay "$TMP/ref/resume-check.replay" --screenshot "$TMP/ref/check" \
         --state-dir "$TMP/ref/state2" --config "$conf" --pack "$pack" --size "${W}x$H" >> "$TMP/ref/replay.out" 2>&1; then
      ok image_reference_resumes
    else
      fail image_reference_resumes "the host reader did not resume on page 2, the page it left: $(tail -2 "$TMP/ref/replay.out")"
    fi
  else
    fail image_reference_replay "the host reader's replay of the visit failed: $(tail -3 "$TMP/ref/replay.out")"
  fi
else
  echo "  note: no host reader with --replay at $READER: screens judged by heuristics only" >&2
fi

# The same command line the Pi gets (root by label, quiet, no cursor ...),
# with the console on the virt board's UART for the log.
cmdline="$(sed 's/console=[^ ]*//g' "$base.cmdline") console=tty1 console=ttyAMA0,115200 systemd.show_status=1 systemd.journald.forward_to_console=1"
# The test boots a copy of the image (sparse, so quick): the image itself is
# never changed, and the copy keeps what the first boot wrote for the second.
DISK=$TMP/sd-$$.img
sock=$TMP/qmp-$$.sock
asock=$TMP/agent-$$.sock
qpid=
trap 'kill -9 $qpid 2>/dev/null; rm -f "$sock" "$asock" "$DISK" "$TMP/stick-$$.img" "$TMP"/istick-$$-*.img "$TMP/drm-initrd.img"' EXIT INT TERM
cp --sparse=always "$IMG" "$DISK"
root=$(cat "$base.root" 2>/dev/null || echo writable)
# part_start DISK N: the first sector of DISK's partition N
part_start() { sfdisk -d "$1" | sed -n "s|^$1$2 : start= *\([0-9]*\),.*|\1|p"; }
# root_cmds DISK CMD...: debugfs commands on DISK's root file system (partition 2)
root_cmds() {
  d=$1; shift
  start=$(part_start "$d" 2)
  fs="$d?offset=$((start * 512))"
  printf '%s\n' "$@" > "$TMP/root.debugfs"
  [ -n "$start" ] && debugfs -w -f "$TMP/root.debugfs" "$fs" > "$TMP/agent.log" 2>&1
}
# add_agent DISK: the test agent, into DISK's root file system
add_agent() {
  root_cmds "$1" "write firmware/image/test-agent.sh /usr/local/lib/lectern-test-agent" \
    "write firmware/image/lectern-test-agent.service /etc/systemd/system/lectern-test-agent.service" \
    "symlink /etc/systemd/system/multi-user.target.wants/lectern-test-agent.service /etc/systemd/system/lectern-test-agent.service" &&
    debugfs -R "cat /etc/systemd/system/lectern-test-agent.service" "$1?offset=$((start * 512))" 2>/dev/null |
      grep -q lectern-test-agent &&
    debugfs -R "stat /etc/systemd/system/multi-user.target.wants/lectern-test-agent.service" "$1?offset=$((start * 512))" 2>/dev/null |
      grep -q 'Fast link dest: "/etc/systemd/system/lectern-test-agent.service"'
}
# boot_conf DISK TEXT: TEXT as lectern.conf on DISK's FAT partition (partition 1)
boot_conf() {
  fat=$(part_start "$1" 1)
  printf '%b' "$2" > "$TMP/boot.conf"
  [ -n "$fat" ] && mcopy -o -i "$1@@$((fat * 512))" "$TMP/boot.conf" ::lectern.conf 2> "$TMP/mcopy.log"
}
agent=
if [ "$root" = writable ] && [ -z "$quick" ]; then
  if add_agent "$DISK"; then
    ok image_test_agent_installed
    agent="--agent $asock"
  else
    fail image_test_agent_installed "could not write the test agent into the copy's root file system: $(tail -3 "$TMP/agent.log")"
  fi
fi

# Settings from a teacher's computer: a lectern.conf on the copy's FAT
# partition (partition 1), as Notepad writes it (byte order mark, CRLF),
# which the reader must read (the agent's journal shows it; qmp-drive.py).
if [ -z "$quick" ]; then
  if boot_conf "$DISK" '\357\273\277# written on a laptop\r\nidle_timeout = 299\r\n'; then
    ok image_boot_conf_written
  else
    fail image_boot_conf_written "could not write lectern.conf to the copy's FAT partition: $(cat "$TMP/mcopy.log")"
  fi
fi

# A USB stick as a teacher's computer writes it (issue 14): an MBR with one
# FAT32 partition, a file with an accented name; made without root
# (mkfs.vfat on a file, mtools, sfdisk). The first boot plugs it in at its
# end through QMP, on an xhci controller that boot gets, and pulls it out.
# make_stick IMG LABEL DIR: IMG, a 65 MB stick with one FAT32 partition
# (an MBR, as Windows and macOS write them) holding what is in DIR
make_stick() {
  rm -f "$1" "$1.fat"
  mkfs.vfat -F 32 -S 512 -s 1 -n "$2" -C "$1.fat" 65536 > "$TMP/stick.log" 2>&1 &&
    (cd "$3" && LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 mcopy -s -i "$1.fat" ./* ::) 2>> "$TMP/stick.log" &&
    truncate -s 65M "$1" && printf 'label: dos\nstart=2048, type=c\n' | sfdisk -q "$1" >> "$TMP/stick.log" 2>&1 &&
    dd if="$1.fat" of="$1" bs=1M seek=1 conv=notrunc,sparse status=none
  st=$?
  rm -f "$1.fat"
  return $st
}
STICK=
if [ "$root" = writable ] && [ -z "$quick" ] && [ -n "$agent" ] && part visit; then
  STICK=$TMP/stick-$$.img
  rm -rf "$TMP/stick-files"; mkdir -p "$TMP/stick-files/lectern-stick-test"
  printf 'Un essai sur une cl\303\251.\n' > "$TMP/stick-files/lectern-stick-test/$(printf '\303\211t\303\251.txt')"
  if make_stick "$STICK" LECTERNKEY "$TMP/stick-files"; then
    ok image_stick_made
  else
    fail image_stick_made "could not make the FAT stick image: $(tail -3 "$TMP/stick.log")"; STICK=
  fi
fi

# New essays from USB sticks, end to end (issue 14): three sticks as a
# teacher's computer writes them, and the host reader's screens of the same
# imports (the prompt, the library after Load) as references. A and B hold
# a lectern/ folder of essays (B's load is cut by the power); C, for the
# boot with import = signed, an unsigned pack and a folder.
IREFS=
if [ "$root" = writable ] && [ -z "$quick" ] && [ -n "$agent" ] && [ -n "$refs" ] && part import; then
  I=$TMP/imp; rm -rf "$I"; mkdir -p "$I/a/lectern" "$I/b/lectern" "$I/c/lectern" "$I/ref" "$I/state"
  printf 'The River Walk\r\n\r\nA short essay written by a teacher on a laptop and saved from Notepad, about the walk along the river to school.\r\n' > "$I/a/lectern/river.txt"
  printf '# Second Thoughts\n\nAnother essay, in *Markdown*, with a second paragraph.\n\nIt says a little more.\n' > "$I/a/lectern/second.md"
  printf 'Snow on the Hill Behind the School, and What It Taught Us\n\nThe first of four essays on the second stick.\n' > "$I/b/lectern/snow.txt"
  printf '# Lighthouses of the Northern Coast, Then and Now\n\nThe second of four.\n' > "$I/b/lectern/light.md"
  printf '# On Maps, and on Getting Lost Without Them\n\nThe third of four.\n' > "$I/b/lectern/maps.md"
  printf '# Why Bread Rises: Kitchen Chemistry for Everyone\n\nThe fourth of four, and the last.\n' > "$I/b/lectern/bread.md"
  printf '# Not From Here\n\nA stranger'"'"'s essay.\n' > "$I/c/lectern/stranger.md"
  PACKER=${READER%/*}/lectern-pack
  # the host's screens: the same imports, one after the other, into one state folder
  ir() { # NAME STICK: its prompt, Load, the library of its essays
    rm -rf "${I:?}/media"; mkdir -p "$I/media"; cp -r "$I/$2" "$I/media/sda1"
    printf 'expect screen import\nwait 1000\nshot import-%s\ntap 0.3 0.85\nexpect screen library\nwait 1000\nshot imported-%s\n' "$2" "$2" > "$I/$2.replay"
    SDL_VIDEODRIVER=offscreen "$READER" --replay "$I/$2.replay" --screenshot "$I/ref" --state-dir "$I/state" \
      --config "$conf" --boot-config none --pack "$pack" --packer "$PACKER" --media-dir "$I/media" \
      --size "${W}x$H" >> "$I/replay.out" 2>&1
  }
  # the museum's key, which the kiosk will know, and a stranger's: C has an
  # unsigned pack, one signed by the stranger's key, and a folder
  if ir a a && ir b b && "$PACKER" build -o "$I/c/stranger.lpk" "$I/b/lectern" >> "$I/replay.out" 2>&1 &&
     "$PACKER" keygen -o "$I/museum" >> "$I/replay.out" 2>&1 && "$PACKER" keygen -o "$I/other" >> "$I/replay.out" 2>&1 &&
     cp "$I/c/stranger.lpk" "$I/c/other.lpk" && "$PACKER" sign --key "$I/other.key" "$I/c/other.lpk" >> "$I/replay.out" 2>&1 &&
     make_stick "$TMP/istick-$$-a.img" TEACHER "$I/a" && make_stick "$TMP/istick-$$-b.img" TEACHER2 "$I/b" &&
     make_stick "$TMP/istick-$$-c.img" STRANGER "$I/c"; then
    ok image_import_references
    IREFS=$I/ref
    for n in import-a imported-a import-b imported-b; do cp "$I/ref/$n.png" "$ART/ref-$n.png"; done
  else
    fail image_import_references "the host's import screens or the sticks could not be made: $(tail -3 "$I/replay.out") $(tail -2 "$TMP/stick.log")"
  fi
fi

# boot SERIAL_LOG DRIVE_ARGS...: start QEMU on $DISK and drive it through QMP.
boot() {
  log=$1; shift
  rm -f "$sock" "$asock"
  start=$(date +%s)
  # -no-reboot: a reboot (SysRq, Ctrl+Alt+Del, panic=) ends QEMU, so that
  # the test sees it; a keyboard for the stray-keyboard checks; the agent's port
  qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 1024 -nodefaults -no-user-config -no-reboot \
    -kernel "$base.vmlinuz" -initrd "${INITRD_FILE:-$base.initrd}" -append "${CMDLINE:-$cmdline}" \
    -drive if=none,id=sd,file="$DISK",format=raw,cache=writeback -device virtio-blk-pci,drive=sd \
    ${GPU_BEFORE:-} -device virtio-gpu-pci,id=gpu,xres=$W,yres=$H -device virtio-tablet-pci -device virtio-keyboard-pci \
    -device virtio-serial-pci -chardev socket,id=agent,path="$asock",server=on,wait=off \
    -device virtserialport,chardev=agent,name=lectern.test \
    ${QEMU_EXTRA:-} -nic none -display none -serial file:"$ART/$log" \
    -qmp unix:"$sock",server=on,wait=off > "$TMP/qemu.log" 2>&1 &
  qpid=$!
  /usr/bin/python3 firmware/image/qmp-drive.py --qmp "$sock" --out "${BOOT_OUT:-$ART}" --start "$start" \
    --timeout "$TIMEOUT" --card "$CARD" --size "${W}x$H" $refs "$@" > "$TMP/drive.out"
  st=$?
  cat "$TMP/drive.out"
  pass=$((pass + $(grep -c '^ok ' "$TMP/drive.out")))
  failn=$((failn + $(grep -c '^FAIL ' "$TMP/drive.out")))
  [ $st -ne 0 ] && [ "$(grep -c '^FAIL ' "$TMP/drive.out")" -eq 0 ] && fail image_drive "qmp-drive.py exited $st"
  # pulling the power: no shutdown, no sync; what the guest had not written
  # out is lost, as on the Pi
  kill -9 $qpid 2>/dev/null; wait $qpid 2>/dev/null
  return $st
}

if [ -n "$quick" ]; then
  boot serial.log --quick
elif ! part visit; then
  echo "  note: IMAGE_TEST_PARTS=\"${IMAGE_TEST_PARTS:-}\": the visit's boots are left out" >&2
elif [ "$root" = overlayroot ]; then
  # read-only root: after running and a power cut, not one byte of the card
  # has changed; the next boot starts clean (positions lived in RAM)
  if boot serial.log --hold 45; then
    if cmp -s "$IMG" "$DISK"; then ok image_ro_card_never_written
    else fail image_ro_card_never_written "the card changed while running: $(cmp "$IMG" "$DISK" | head -1)"; fi
    [ -n "$refs" ] && boot serial-2.log --resume --ref-library2 "$ART/ref-library.png" --resume-to page
  fi
else
  # the reader saves the position once reading pauses 30 s (APP_SAVE_AFTER_MS);
  # the first boot also gets the USB stick at its end (--stick); its USB
  # controller is plugged in then too, into an empty PCIe port: an xhci
  # there from the start made the boot's udev work longer, and under load
  # the FAT partition's device then missed its 30 s timeout. The stick's
  # checks do not decide the second boot.
  QEMU_EXTRA=${STICK:+-device pcie-root-port,id=usbport,chassis=1}
  # shellcheck disable=SC2086
  boot serial.log --hold 45 $agent ${STICK:+--stick "$STICK"} && QEMU_EXTRA= &&
    [ -n "$refs" ] && boot serial-2.log --resume --ref-library2 "$ART/ref-library2.png" $agent \
      ${agent:+--keys --watchdog}
  # root= pointing nowhere: the initramfs reboots (panic=), no shell answers
  # the keyboard (/dev/console is tty1, the keyboard's, as on the Pi; a
  # shell would run the typed command and write its marker to the serial log)
  bad="$(echo "$cmdline" | sed 's/\(^\| \)root=[^ ]*/\1root=LABEL=LECTERN-NOWHERE/; s/console=[^ ]*//g') rootdelay=5 console=ttyAMA0,115200 console=tty1"
  if ! echo "$bad" | grep -qw 'panic=[1-9][0-9]*'; then
    fail image_bad_root_panic_on_cmdline "no panic=N on the image's command line: $(cat "$base.cmdline")"
  fi
  QEMU_EXTRA=
  TIMEOUT=240 CMDLINE=$bad boot serial-3.log --bad-root
  if grep -q 'SHELL_ANSWERED' "$ART/serial-3.log"; then
    fail image_bad_root_no_shell "a shell ran the command typed on the keyboard (see $ART/serial-3.log)"
  else ok image_bad_root_no_shell; fi
fi

# New essays from a USB stick on the emulated Pi (issue 14), on a fresh copy
# of the image with the agent: stick A's prompt, Load, its essays; stick B's
# prompt, Load, and the power cut during that load. The same card boots
# again with import = signed in the FAT partition's lectern.conf: A's
# essays or B's, never an error page; an unsigned stick changes nothing.
if [ -n "$IREFS" ]; then
  rm -f "$DISK"; cp --sparse=always "$IMG" "$DISK"
  # the museum's key goes in now, while the root file system is clean: after
  # the power cut its journal holds what debugfs would not see (the guest's
  # kernel replays it over anything written beside it)
  if add_agent "$DISK" && root_cmds "$DISK" "mkdir /etc/lectern/keys" "write $I/museum.pub /etc/lectern/keys/museum.pub" &&
     debugfs -R "cat /etc/lectern/keys/museum.pub" "$fs" 2>/dev/null | cmp -s - "$I/museum.pub"; then
    QEMU_EXTRA="-device pcie-root-port,id=usbport,chassis=1"
    if boot serial-import.log --agent "$asock" --import-refs "$IREFS" \
         --import-sticks "$TMP/istick-$$-a.img,$TMP/istick-$$-b.img" --import-titles-a "The River Walk|Second Thoughts"; then
      # a public kiosk now: import = signed (the museum's key is in already)
      if boot_conf "$DISK" '# a public kiosk now\r\nimport = signed\r\n'; then
        boot serial-import2.log --agent "$asock" --import-refs "$IREFS" --after-cut "$TMP/istick-$$-c.img" \
          --import-titles-a "The River Walk|Second Thoughts" --import-titles-b "Why Bread Rises|On Maps, and on Getting Lost"
      else
        fail image_import_signed_conf_written "could not write lectern.conf to the FAT partition: $(cat "$TMP/mcopy.log")"
      fi
    fi
    QEMU_EXTRA=
  else
    fail image_import_agent_installed "could not write the test agent or the key into the fresh copy: $(tail -3 "$TMP/agent.log")"
  fi
fi

# A second DRM device (issue 16): a Pi 5 has two cards, numbered in the
# order their drivers come up, and SDL 2.26 can take the wrong one. Debian's
# arm64 kernel has no vkms; QEMU's bochs-display is a second card (bochs-drm).
# "after": the bochs-display after the virtio-gpu on the PCI bus, with the
# image's own initramfs, which loads virtio-gpu: card0 is the virtio-gpu,
# card1 the bochs. "before": the bochs-display first on the bus, and the
# test's initrd (the image's, with an archive appended: the bochs driver in,
# the virtio-gpu driver emptied) loads bochs-drm before the root is mounted
# and virtio-gpu only after: card0 is the bochs, card1 the virtio-gpu. Both
# show a connected "Virtual" display, so the reader takes card 0 either
# way; the library must be on the display of the card its journal names.
# drm_initrd OUT: that initrd, from the modules of $DISK's root file system
drm_initrd() {
  d=$TMP/drm-initrd; rm -rf "$d"; mkdir -p "$d/x"
  start=$(part_start "$DISK" 2)
  fs="$DISK?offset=$((start * 512))"
  ver=$(debugfs -R "ls /usr/lib/modules" "$fs" 2>/dev/null | tr -s ' ' '\n' | grep -- '-arm64$' | head -n 1)
  [ -n "$ver" ] || return 1
  m=/usr/lib/modules/$ver
  debugfs -R "dump $m/modules.dep $d/modules.dep" "$fs" > /dev/null 2>&1 || return 1
  bmods=$(sed -n 's|^\(kernel/drivers/gpu/drm/tiny/bochs.ko\): \(.*\)|\1 \2|p' "$d/modules.dep")
  vgpu=$(sed -n 's|^\(kernel/drivers/gpu/drm/virtio/virtio-gpu.ko\):.*|\1|p' "$d/modules.dep")
  [ -n "$bmods" ] && [ -n "$vgpu" ] || return 1
  for f in $bmods modules.dep modules.dep.bin modules.alias modules.alias.bin modules.symbols modules.symbols.bin \
           modules.builtin modules.builtin.bin modules.builtin.alias.bin modules.softdep modules.devname; do
    mkdir -p "$d/x$m/$(dirname "$f")"
    debugfs -R "dump $m/$f $d/x$m/$f" "$fs" > /dev/null 2>&1
  done
  [ -s "$d/x$m/kernel/drivers/gpu/drm/tiny/bochs.ko" ] && [ -s "$d/x$m/modules.alias.bin" ] || return 1
  mkdir -p "$d/x$m/$(dirname "$vgpu")"; : > "$d/x$m/$vgpu"
  # the kernel reads an archive after a compressed one only from a 4-byte
  # boundary (zeros between them are skipped): padded to 512 bytes
  (cd "$d/x" && find . -mindepth 1 | sed 's|^\./||' | cpio -o -H newc --quiet) > "$d/extra.cpio" &&
    cp "$base.initrd" "$1" && truncate -s %512 "$1" && cat "$d/extra.cpio" >> "$1"
}
if [ -z "$quick" ] && [ "$root" = writable ] && [ -n "$refs" ] && part drm; then
  for order in after before; do
    rm -f "$DISK"; cp --sparse=always "$IMG" "$DISK"
    # romfile=: no VGA BIOS (the kernel is booted directly; QEMU's file
    # for it is in another package)
    bochs="-device bochs-display,id=gpu2,xres=$W,yres=$H,romfile="
    if ! add_agent "$DISK"; then
      fail image_drm_agent_installed "could not write the test agent into the fresh copy: $(tail -3 "$TMP/agent.log")"
    elif [ "$order" = after ]; then
      GPU_BEFORE='' QEMU_EXTRA=$bochs boot serial-drm-after.log --agent "$asock" --drm-pair after
    elif drm_initrd "$TMP/drm-initrd.img"; then
      GPU_BEFORE=$bochs QEMU_EXTRA='' INITRD_FILE=$TMP/drm-initrd.img \
        boot serial-drm-before.log --agent "$asock" --drm-pair before
    else
      fail image_two_drm_cards_bochs_before "could not make the initrd with bochs-drm from the image's modules"
    fi
    GPU_BEFORE='' QEMU_EXTRA='' INITRD_FILE=''
  done
fi

# What the boot splash costs (issue 16): two more boots, each on a fresh
# copy of the image (a first boot, as the first one above) and stopped once
# the library is on the screen, the same but for lectern.splash=0 on the
# second's command line (no splash in the initramfs nor from systemd). One
# boot each: under TCG their times vary by a few seconds from run to run;
# the first boot's journal (above) gives what the splash itself took.
if [ -z "$quick" ] && part splash; then
  for s in 1 0; do
    rm -f "$DISK"; cp --sparse=always "$IMG" "$DISK"
    mkdir -p "$ART/splash$s"; rm -f "$ART/splash$s"/*.png
    # shellcheck disable=SC2046
    QEMU_EXTRA='' BOOT_OUT=$ART/splash$s CMDLINE="$cmdline lectern.splash=$s" \
      boot serial-splash$s.log --quick $([ "$s" = 0 ] && echo --no-splash)
    eval "t$s=$(sed -n 's/^boot-to-library: \([0-9]*\) s.*/\1/p' "$TMP/drive.out" | head -1)"
    # the guest's own clock: the reader's READY=1 (its library drawn), in
    # seconds since the kernel started; finer than the dumps, which are
    # seconds apart
    eval "r$s=$(sed -n 's/.*lectern: ready at \([0-9.]*\) s of the boot.*/\1/p' "$ART/serial-splash$s.log" | head -1)"
  done
  echo "splash: boot-to-library ${t1:-?} s with the splash, ${t0:-?} s with lectern.splash=0" \
       "(screen dumps); the reader ready at ${r1:-?} s and ${r0:-?} s of the guest's boot" \
       "(a fresh copy of the image each, QEMU TCG, one boot each; screens in $ART/splash1, $ART/splash0)"
fi

# What the serial console says about the boot.
if grep -qiE 'login:' "$ART"/serial*.log; then fail image_no_login_prompt "a login prompt on the serial console"
else ok image_no_login_prompt; fi
if grep -qE 'Kernel panic|end Kernel panic' "$ART/serial.log" "$ART/serial-2.log" 2>/dev/null; then
  fail image_no_kernel_panic "see $ART/serial.log, serial-2.log"
else ok image_no_kernel_panic; fi
echo "boot logs: $ART/serial.log, serial-2.log, serial-3.log (bad root); screens: $ART/"
echo "$pass passed, $failn failed"
[ "$failn" -eq 0 ]
