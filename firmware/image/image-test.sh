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
#
#   firmware/image/image-test.sh [--quick] build/image/lectern-PROFILE.img
#
# --quick: stop once the library is on the screen (for debugging a boot).
# The Pi's own boot path (GPU firmware, config.txt, the Pi's device tree) is
# not emulated: the same kernel, initrd and root file system boot on QEMU's
# generic board instead. Screenshots and the serial log go to
# build/kiosk-test/image/. Last line: N passed, N failed.
set -u
quick=
[ "${1:-}" = --quick ] && { quick=--quick; shift; }
IMG=$(readlink -f "${1:?usage: image-test.sh [--quick] IMAGE.img}")
cd "$(dirname "$0")/../.."
base=${IMG%.img}
ART=build/kiosk-test/image
TMP=${KIOSK_TMP:-/tmp/lectern-kiosk}
TIMEOUT=${IMAGE_TEST_TIMEOUT:-1500}
mkdir -p "$ART" "$TMP"
rm -f "$ART"/*.png "$ART"/serial*.log
pass=0 failn=0
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
trap 'kill -9 $qpid 2>/dev/null; rm -f "$sock" "$asock" "$DISK" "$TMP/stick-$$.img"' EXIT INT TERM
cp --sparse=always "$IMG" "$DISK"
root=$(cat "$base.root" 2>/dev/null || echo writable)
agent=
if [ "$root" = writable ] && [ -z "$quick" ]; then
  # the test agent, into the copy's root file system (partition 2)
  start=$(sfdisk -d "$DISK" | sed -n "s|^$DISK""2 : start= *\([0-9]*\),.*|\1|p")
  printf '%s\n' "write firmware/image/test-agent.sh /usr/local/lib/lectern-test-agent" \
    "write firmware/image/lectern-test-agent.service /etc/systemd/system/lectern-test-agent.service" \
    "symlink /etc/systemd/system/multi-user.target.wants/lectern-test-agent.service /etc/systemd/system/lectern-test-agent.service" \
    > "$TMP/agent.debugfs"
  if [ -n "$start" ] && debugfs -w -f "$TMP/agent.debugfs" "$DISK?offset=$((start * 512))" > "$TMP/agent.log" 2>&1 &&
     debugfs -R "cat /etc/systemd/system/lectern-test-agent.service" "$DISK?offset=$((start * 512))" 2>/dev/null |
       grep -q lectern-test-agent &&
     debugfs -R "stat /etc/systemd/system/multi-user.target.wants/lectern-test-agent.service" "$DISK?offset=$((start * 512))" 2>/dev/null |
       grep -q 'Fast link dest: "/etc/systemd/system/lectern-test-agent.service"'; then
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
  fat=$(sfdisk -d "$DISK" | sed -n "s|^$DISK""1 : start= *\([0-9]*\),.*|\1|p")
  printf '\357\273\277# written on a laptop\r\nidle_timeout = 299\r\n' > "$TMP/boot.conf"
  if [ -n "$fat" ] && mcopy -o -i "$DISK@@$((fat * 512))" "$TMP/boot.conf" ::lectern.conf 2> "$TMP/mcopy.log"; then
    ok image_boot_conf_written
  else
    fail image_boot_conf_written "could not write lectern.conf to the copy's FAT partition: $(cat "$TMP/mcopy.log")"
  fi
fi

# A USB stick as a teacher's computer writes it (issue 14): an MBR with one
# FAT32 partition, a file with an accented name; made without root
# (mkfs.vfat on a file, mtools, sfdisk). The first boot plugs it in at its
# end through QMP, on an xhci controller that boot gets, and pulls it out.
STICK=
if [ "$root" = writable ] && [ -z "$quick" ] && [ -n "$agent" ]; then
  STICK=$TMP/stick-$$.img
  rm -f "$STICK" "$STICK.fat"
  printf 'Un essai sur une cl\303\251.\n' > "$TMP/stick-essay.txt"
  if mkfs.vfat -F 32 -S 512 -s 1 -n LECTERNKEY -C "$STICK.fat" 65536 > "$TMP/stick.log" 2>&1 &&
     MTOOLS_SKIP_CHECK=1 mmd -i "$STICK.fat" ::lectern-stick-test 2>> "$TMP/stick.log" &&
     LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 mcopy -i "$STICK.fat" "$TMP/stick-essay.txt" "$(printf '::lectern-stick-test/\303\211t\303\251.txt')" 2>> "$TMP/stick.log" &&
     truncate -s 65M "$STICK" && printf 'label: dos\nstart=2048, type=c\n' | sfdisk -q "$STICK" >> "$TMP/stick.log" 2>&1 &&
     dd if="$STICK.fat" of="$STICK" bs=1M seek=1 conv=notrunc,sparse status=none; then
    ok image_stick_made
  else
    fail image_stick_made "could not make the FAT stick image: $(tail -3 "$TMP/stick.log")"; STICK=
  fi
  rm -f "$STICK.fat"
fi

# boot SERIAL_LOG DRIVE_ARGS...: start QEMU on $DISK and drive it through QMP.
boot() {
  log=$1; shift
  rm -f "$sock" "$asock"
  start=$(date +%s)
  # -no-reboot: a reboot (SysRq, Ctrl+Alt+Del, panic=) ends QEMU, so that
  # the test sees it; a keyboard for the stray-keyboard checks; the agent's port
  qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 1024 -nodefaults -no-user-config -no-reboot \
    -kernel "$base.vmlinuz" -initrd "$base.initrd" -append "${CMDLINE:-$cmdline}" \
    -drive if=none,id=sd,file="$DISK",format=raw,cache=writeback -device virtio-blk-pci,drive=sd \
    -device virtio-gpu-pci,xres=$W,yres=$H -device virtio-tablet-pci -device virtio-keyboard-pci \
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

# What the boot splash costs (issue 16): two more boots, each on a fresh
# copy of the image (a first boot, as the first one above) and stopped once
# the library is on the screen, the same but for lectern.splash=0 on the
# second's command line (no splash in the initramfs nor from systemd). One
# boot each: under TCG their times vary by a few seconds from run to run;
# the first boot's journal (above) gives what the splash itself took.
if [ -z "$quick" ]; then
  for s in 1 0; do
    rm -f "$DISK"; cp --sparse=always "$IMG" "$DISK"
    mkdir -p "$ART/splash$s"; rm -f "$ART/splash$s"/*.png
    # shellcheck disable=SC2046
    QEMU_EXTRA= BOOT_OUT=$ART/splash$s CMDLINE="$cmdline lectern.splash=$s" \
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
