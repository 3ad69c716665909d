#!/bin/sh
# lectern-test-agent: image-test's helper inside the emulated kiosk. Only in
# the test's throw-away copy of the card (image-test.sh writes it there with
# debugfs), never in the image. It answers fixed commands on the virtio
# serial port "lectern.test" (QEMU's -device virtserialport), each answer
# ending with a line END, so that the test can read the guest's boot times,
# see the reader's process and stop it, without a shell or a network.
#   analyze   systemd-analyze, the critical chain, the reader's start times
#   status    the reader's PID, restarts and state; boot id; kernel.sysrq
#   stop      SIGSTOP to the reader's main process (the watchdog test)
#   disk      sectors written to the card since boot; what is mounted how
#   journal   the reader's last journal lines
#   timeline  the reader's journal lines with their times, systemd-analyze blame
#   media     the USB sticks under /run/lectern/media: mount options, who
#             can read them, what the reader's namespace sees, the journal
#   drm       the DRM cards and their drivers, the connectors' status, and
#             the reader's lines about the display it chose
#   imported  the essays loaded from a stick (import_pack): its checksum,
#             whether it verifies, its essays, the state folder's files and
#             the reader's journal lines about new essays
port=/dev/virtio-ports/lectern.test
show() { systemctl show -p "$1" --value "$2"; }
# Each request is "ID COMMAND"; the answer's last line is "END ID".
serve() {
  while read -r id cmd <&3; do
    case "$cmd" in
      ping) echo pong ;;
      analyze)
        # systemd-analyze wants the boot finished; give it a minute
        i=0
        until systemd-analyze > /tmp/analyze 2>&1 || [ $i -ge 60 ]; do sleep 1; i=$((i + 1)); done
        cat /tmp/analyze
        systemd-analyze critical-chain lectern.service 2>&1
        # every unit the reader waits for, the implicit orderings included
        echo "lectern is ordered after: $(show After lectern.service)"
        echo "userspace_us=$(systemctl show -p UserspaceTimestampMonotonic --value)"
        # what systemd does before it starts any unit: its generators, then
        # loading the units
        for k in GeneratorsStart GeneratorsFinish UnitsLoadStart UnitsLoadFinish; do
          echo "$(echo "$k" | tr 'A-Z' 'a-z')_us=$(systemctl show -p "${k}TimestampMonotonic" --value)"
        done
        echo "generators_masked=$(ls /etc/systemd/system-generators 2>/dev/null | tr '\n' ' ')"
        echo "lectern_exec_us=$(show ExecMainStartTimestampMonotonic lectern.service)"
        echo "lectern_ready_us=$(show ActiveEnterTimestampMonotonic lectern.service)"
        echo "lectern_restarts=$(show NRestarts lectern.service)"
        echo "bootfs_mounted_us=$(show ActiveEnterTimestampMonotonic boot-firmware.mount)"
        echo "bootfs_state=$(show ActiveState boot-firmware.mount)/$(show Result boot-firmware.mount)"
        echo "bootfs_marker_us=$(show ActiveEnterTimestampMonotonic lectern-bootfs.service)"
        # the boot splash (issue 16): when its unit ran, and how it went
        echo "splash_exec_us=$(show ExecMainStartTimestampMonotonic lectern-splash.service)"
        echo "splash_exit_us=$(show ExecMainExitTimestampMonotonic lectern-splash.service)"
        echo "splash_result=$(show Result lectern-splash.service)/$(show ExecMainStatus lectern-splash.service)" ;;
      status)
        echo "pid=$(show MainPID lectern.service)"
        echo "restarts=$(show NRestarts lectern.service)"
        echo "state=$(show ActiveState lectern.service)/$(show SubState lectern.service)"
        echo "boot=$(cat /proc/sys/kernel/random/boot_id)"
        echo "sysrq=$(cat /proc/sys/kernel/sysrq)"
        echo "uptime=$(cut -d' ' -f1 /proc/uptime)" ;;
      stop)
        systemctl kill --kill-whom=main --signal=SIGSTOP lectern.service 2>&1 && echo stopped ;;
      timeline)
        # the reader's start on the guest's clock, line by line, and what
        # else the boot was busy with meanwhile
        journalctl -b -o short-monotonic --no-pager -u lectern.service 2>&1 | head -n 40
        journalctl -b -k -o short-monotonic --no-pager 2>&1 | grep -e lectern-bootconf -e 'Run /init' -e 'switch' | head
        systemd-analyze blame 2>&1 | head -n 15 ;;
      disk)
        awk '$3 == "vda" { print "vda_sectors_written=" $10 }' /proc/diskstats
        findmnt -rn -o TARGET,FSTYPE,OPTIONS / /boot/firmware /var/tmp /tmp 2>&1
        echo "journal=$(ls -d /var/log/journal/* /run/log/journal/* 2>/dev/null | tr '\n' ' ')" ;;
      journal)
        journalctl -b -u lectern.service -n 30 --no-pager 2>&1
        # what the reader said of its settings files, however long ago (the
        # last 30 lines of a slow boot may not reach back to its start), and
        # what became of the FAT partition's mount
        journalctl -b -u lectern.service --no-pager 2>&1 | grep -e 'lectern.conf' -e 'boot partition' |
          sed 's/^/settings: /'
        # how the reader shows its pictures (a display with no GPU: its framebuffer)
        journalctl -b -u lectern.service --no-pager 2>&1 | grep 'lectern: display: ' | sed 's/^/display: /'
        journalctl -b -u lectern-bootfs.service --no-pager -o short-monotonic 2>&1 | sed 's/^/bootfs: /'
        journalctl -b -u boot-firmware.mount --no-pager -o short-monotonic 2>&1 | sed 's/^/bootfs: /'
        # the splash's lines, from the initramfs (kernel log) and its unit
        journalctl -b -o short-monotonic --no-pager 2>&1 | grep 'lectern-splash' ;;
      media)
        # the USB stick image-test attached: how it is mounted, what the
        # lectern user and another user can read, and what the reader's own
        # mount namespace sees (the mount must have propagated into it)
        for d in /run/lectern/media/*; do
          [ -d "$d" ] || continue
          echo "media_dir=$d"
          findmnt -rn -o TARGET,FSTYPE,OPTIONS "$d" 2>&1 | sed 's/^/media_mount /'
          echo "media_mode=$(stat -c '%a %U:%G' "$d")"
          echo "media_lectern_reads=$(setpriv --reuid=lectern --regid=lectern --init-groups cat "$d/lectern-stick-test/Été.txt" 2>&1 | head -1)"
          echo "media_nobody_reads=$(setpriv --reuid=nobody --regid=nogroup --clear-groups cat "$d/lectern-stick-test/Été.txt" > /dev/null 2>&1 && echo yes || echo no)"
          p=$(show MainPID lectern.service)
          echo "media_in_reader=$(nsenter -t "$p" -m findmnt -rn -o OPTIONS "$d" 2>&1 | head -1)"
          echo "media_reader_lists=$(nsenter -t "$p" -m ls "$d/lectern-stick-test" 2>&1 | tr '\n' ' ')"
        done
        echo "media_units=$(systemctl list-units --all --plain --no-legend 'lectern-media@*' 2>/dev/null | awk '{ print $1 "/" $3 "/" $4 }' | tr '\n' ' ')"
        p=$(show MainPID lectern.service)
        echo "media_reader_sees=$(nsenter -t "$p" -m sh -c 'ls /run/lectern/media 2>&1; grep -c " /run/lectern/media/" /proc/self/mounts' | tr '\n' ' ')"
        journalctl -b -t lectern-media --no-pager -o cat 2>&1 | sed 's/^/media_journal /' ;;
      drm)
        for c in /sys/class/drm/card[0-9]; do
          [ -e "$c" ] && echo "drm_${c##*/}=$(basename "$(readlink -f "$c/device/driver")")"
        done
        for st in /sys/class/drm/card*-*/status; do
          [ -e "$st" ] && echo "drm_conn $(basename "$(dirname "$st")") $(cat "$st")"
        done
        journalctl -b -u lectern.service --no-pager -o cat 2>&1 | grep 'display' | sed 's/^/drm_journal /' ;;
      imported)
        f=/var/lib/lectern/imported.lpk
        echo "imported_sum=$(sha256sum "$f" 2>/dev/null | cut -c1-16)"
        if lectern-pack verify "$f" > /tmp/verify 2>&1; then echo "imported_verify=ok"
        else echo "imported_verify=$(head -n 1 /tmp/verify)"; fi
        lectern-pack list "$f" 2>&1 | sed 's/^/imported_list /'
        echo "state_files=$(ls -A /var/lib/lectern 2>&1 | tr '\n' ' ')"
        journalctl -b -u lectern.service --no-pager -o cat 2>&1 |
          grep -E 'new essays|loaded|import|pack' | tail -n 20 | sed 's/^/import_journal /'
        # the last load's start and end on the guest's clock (seconds since
        # boot): how long the packer's install took there
        journalctl -b -u lectern.service --no-pager -o short-monotonic 2>/dev/null |
          sed -n 's/^\[ *\([0-9.]*\)\].*lectern: loading the new essays.*/import_t_loading=\1/p;
                  s/^\[ *\([0-9.]*\)\].*lectern: loaded the new essays.*/import_t_loaded=\1/p' | tail -n 2 ;;
      *) echo "unknown command $cmd" ;;
    esac >&3 2>&1
    echo "END $id" >&3
  done
}
# The port reads as ended while the test is not connected: open it again.
while :; do
  if [ -e "$port" ]; then exec 3<> "$port" && serve; exec 3>&-; fi
  sleep 1
done
