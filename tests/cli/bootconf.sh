#!/bin/bash
# Settings from the SD card's FAT partition (issue 16): a lectern.conf
# written on Windows (byte order mark, CRLF) is read after the system's
# file, and a kiosk whose boot partition is mounted after it started (as
# systemd does) notices the file appear, and starts again in the same
# process to apply it. Under lectern.service (--boot-wait) it waits for the
# partition before reading any setting instead, and starts only once; or,
# with --boot-early, reads the copy the image's initramfs made, at once.
. tests/cli/lib.sh
mkdir -p "$T/boot" "$T/state"
: > "$T/sys.conf"
printf '\357\273\277; lectern settings, from Notepad\r\n[lectern]\r\ntheme = sepia\r\n' > "$T/notepad.conf"

# a replay sees the theme the boot partition's file sets, and only with it
printf 'expect screen library\nexpect theme sepia\n' > "$T/sepia.replay"
check bootconf_theme_applied "$READER" --pack "$B/default.lpk" --config "$T/sys.conf" \
  --boot-config "$T/notepad.conf" --replay "$T/sepia.replay"
check bootconf_not_read_without_it bash -c "! '$READER' --pack '$B/default.lpk' --config '$T/sys.conf' \
  --replay '$T/sepia.replay' 2> /dev/null"
# the system file is read first, the boot partition's over it, flags last
printf 'theme = dark\nfont_size = 14\n' > "$T/sys2.conf"
printf 'expect theme sepia\n' > "$T/s2.replay"
check bootconf_over_the_system_file "$READER" --pack "$B/default.lpk" --config "$T/sys2.conf" \
  --boot-config "$T/notepad.conf" --replay "$T/s2.replay"
printf 'expect theme light\n' > "$T/l.replay"
check bootconf_flags_win "$READER" --pack "$B/default.lpk" --config "$T/sys2.conf" \
  --boot-config "$T/notepad.conf" --theme light --replay "$T/l.replay"
# a bad line there: the kiosk starts anyway, and the message names the line
printf 'theme = sepia\r\nrotate = 45\r\n' > "$T/bad.conf"
"$READER" --pack "$B/default.lpk" --config "$T/sys.conf" --boot-config "$T/bad.conf" \
  --replay "$T/sepia.replay" > /dev/null 2> "$T/bad.err"
check bootconf_bad_line_goes_on test $? = 0
check bootconf_bad_line_named grep -q "bad.conf:2: bad value '45' for rotate" "$T/bad.err"

# The live kiosk: the file appears, changes, goes; a desktop reader ignores it.
python3 - "$READER" "$B/default.lpk" "$T" > "$T/live.out" 2> "$T/live.err" <<'PY'
import os, signal, socket, subprocess, sys, time
reader, pack, t = sys.argv[1:4]
boot = os.path.join(t, "boot", "lectern.conf")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(os.path.join(t, "notify.sock"))
s.settimeout(0.2)
# (no leak report: the offscreen driver's GL libraries keep a little at exit,
# more so after the reader has started again in the same process)
env = dict(os.environ, NOTIFY_SOCKET=os.path.join(t, "notify.sock"), SDL_VIDEODRIVER="offscreen",
           ASAN_OPTIONS=(os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":"))
def run(kiosk):
    log = open(os.path.join(t, "reader-%s.err" % kiosk), "w")
    return subprocess.Popen([reader, "--pack", pack, "--config", os.path.join(t, "sys.conf"), "--boot-config", boot,
                             "--kiosk", kiosk, "--state-dir", os.path.join(t, "state")],
                            env=env, stderr=log, stdout=subprocess.DEVNULL)
def readies(seconds, want=None):
    n, t0 = 0, time.time()
    while time.time() - t0 < seconds:
        try: n += s.recv(256).decode().split("\n").count("READY=1")
        except socket.timeout: pass
        if want is not None and n >= want: break
    return n
def write(text):
    tmp = boot + ".new"
    with open(tmp, "wb") as f: f.write(text)
    os.rename(tmp, boot)
r = run("yes")
print("first", readies(8, 1))
write(b"# only comments, as install-kiosk's template\r\n#theme = dark\r\n")
print("comments", readies(5))                  # no new start for nothing
write(b"\xef\xbb\xbftheme = sepia\r\n")        # the partition is mounted
print("appeared", readies(12, 1))
write(b"theme = dark\r\n")                     # and edited
print("changed", readies(12, 1))
os.unlink(boot)                                # and gone: nothing to do
print("gone", readies(5))
print("alive", r.poll() is None)
r.terminate(); print("exit", r.wait(timeout=10))
d = run("no")                                  # a desktop reader
readies(8, 1)
write(b"theme = sepia\r\n")
print("desktop", readies(5))
d.terminate(); d.wait(timeout=10)
# --boot-wait (lectern.service): the kiosk reads no setting before the
# marker is there, tells systemd the start takes longer, then reads the file
# that came with the partition at its first start, with no start again
os.unlink(boot)
marker = os.path.join(t, "settled")
def run_wait(name):
    log = open(os.path.join(t, "reader-%s.err" % name), "w")
    return subprocess.Popen([reader, "--pack", pack, "--config", os.path.join(t, "sys.conf"), "--boot-config", boot,
                             "--kiosk", "yes", "--state-dir", os.path.join(t, "state"), "--boot-wait", marker],
                            env=env, stderr=log, stdout=subprocess.DEVNULL)
def messages(seconds):
    got, t0 = [], time.time()
    while time.time() - t0 < seconds:
        try: got += s.recv(256).decode().split("\n")
        except socket.timeout: pass
    return got
w = run_wait("wait")
early = messages(2)
print("wait_extends", any(m.startswith("EXTEND_TIMEOUT_USEC=") for m in early))
print("wait_early_ready", early.count("READY=1"))
write(b"\xef\xbb\xbftheme = sepia\r\n")     # the partition is mounted,
os.mkdir(marker)                                # then lectern-bootfs.service runs
print("wait_ready", readies(12, 1))
print("wait_later", readies(5))                 # and no second start
w.terminate(); print("wait_exit", w.wait(timeout=10))
n = run_wait("settled")                         # the marker is there: no wait
late = messages(8)
print("settled_ready", late.count("READY=1"))
print("settled_extends", any(m.startswith("EXTEND_TIMEOUT_USEC=") for m in late))
n.terminate(); n.wait(timeout=10)
# --boot-early (the image's initramfs copied the file before the partition
# was mounted here): read at once, no wait, and the partition, once mounted
# with the same bytes, starts nothing; new bytes start it again once, and
# that start reads the partition itself, not the old copy
import shutil
shutil.rmtree(marker)
if os.path.exists(boot): os.unlink(boot)
early_dir = os.path.join(t, "early")
os.mkdir(early_dir, 0o755)
with open(os.path.join(early_dir, "lectern.conf"), "wb") as f: f.write(b"\xef\xbb\xbftheme = sepia\r\n")
def run_early(name, d):
    log = open(os.path.join(t, "reader-%s.err" % name), "w")
    return subprocess.Popen([reader, "--pack", pack, "--config", os.path.join(t, "sys.conf"), "--boot-config", boot,
                             "--kiosk", "yes", "--state-dir", os.path.join(t, "state"), "--boot-early", d,
                             "--boot-wait", marker], env=env, stderr=log, stdout=subprocess.DEVNULL)
e = run_early("early", early_dir)
got = messages(8)
print("early_ready", got.count("READY=1"))
print("early_extends", any(m.startswith("EXTEND_TIMEOUT_USEC=") for m in got))
write(b"\xef\xbb\xbftheme = sepia\r\n")     # the partition is mounted: the same bytes
os.mkdir(marker)
print("early_same", readies(5))
write(b"theme = dark\r\n")                     # edited since the copy
print("early_changed", readies(12, 1))
print("early_after", readies(6))                # and no loop on the old copy
print("early_alive", e.poll() is None)
e.terminate(); print("early_exit", e.wait(timeout=10))
# a folder anyone could have made is not believed: the wait as before
shutil.rmtree(marker)
open_dir = os.path.join(t, "early-open")
os.mkdir(open_dir); os.chmod(open_dir, 0o777)
shutil.copy(os.path.join(early_dir, "lectern.conf"), open_dir)
o = run_early("early-open", open_dir)
got = messages(3)
print("open_extends", any(m.startswith("EXTEND_TIMEOUT_USEC=") for m in got))
print("open_ready", got.count("READY=1"))
o.terminate(); o.wait(timeout=10)
PY
val() { sed -n "s/^$1 //p" "$T/live.out"; }
check bootconf_kiosk_ready test "$(val first)" = 1
check bootconf_kiosk_stays_for_comments test "$(val comments)" = 0
check bootconf_kiosk_restarts_when_it_appears test "$(val appeared)" = 1
check bootconf_kiosk_restarts_when_it_changes test "$(val changed)" = 1
check bootconf_kiosk_stays_when_it_goes test "$(val gone)" = 0
check bootconf_kiosk_same_process test "$(val alive)" = True
check bootconf_kiosk_ends_cleanly test "$(val exit)" = 0
check bootconf_desktop_ignores_changes test "$(val desktop)" = 0
check bootconf_kiosk_says_why grep -q "lectern.conf has appeared (the boot partition was mounted after.*; it changes no setting" "$T/reader-yes.err"
check bootconf_kiosk_says_why_again grep -q "lectern.conf has changed since the reader started; starting again" "$T/reader-yes.err"
check bootconf_kiosk_says_what_it_read grep -q "settings also from $T/boot/lectern.conf" "$T/reader-yes.err"
check bootwait_tells_systemd test "$(val wait_extends)" = True
check bootwait_not_ready_before_the_marker test "$(val wait_early_ready)" = 0
check bootwait_ready_after_it test "$(val wait_ready)" = 1
check bootwait_no_second_start test "$(val wait_later)" = 0
check bootwait_ends_cleanly test "$(val wait_exit)" = 0
check bootwait_says_it_waited grep -q "waited [0-9.]* s for the boot partition ($T/settled)" "$T/reader-wait.err"
check bootwait_reads_the_file_at_once grep -q "settings also from $T/boot/lectern.conf" "$T/reader-wait.err"
check bootwait_no_start_again sh -c "! grep -q 'starting again' '$T/reader-wait.err'"
check bootwait_marker_there_ready test "$(val settled_ready)" = 1
check bootwait_marker_there_no_wait sh -c "test '$(val settled_extends)' = False && ! grep -q 'waited' '$T/reader-settled.err'"
check bootearly_ready_at_once test "$(val early_ready)" = 1
check bootearly_no_wait test "$(val early_extends)" = False
check bootearly_reads_the_copy grep -q "settings also from $T/boot/lectern.conf (read from its copy $T/early/lectern.conf, made at boot)" "$T/reader-early.err"
check bootearly_same_bytes_no_start test "$(val early_same)" = 0
check bootearly_new_bytes_start_once test "$(val early_changed)" = 1
check bootearly_no_loop test "$(val early_after)" = 0
check bootearly_then_reads_the_partition sh -c "grep 'settings also from' '$T/reader-early.err' | tail -n 1 | grep -qvx '.*its copy.*'"
check bootearly_same_process test "$(val early_alive)" = True
check bootearly_ends_cleanly test "$(val early_exit)" = 0
check bootearly_open_folder_refused grep -q "early-open is not a folder that only root can write" "$T/reader-early-open.err"
check bootearly_open_folder_waits sh -c "test '$(val open_extends)' = True && test '$(val open_ready)' = 0"
# the copy's settings are the ones applied (a replay, with the partition's file missing)
check bootearly_theme_applied "$READER" --pack "$B/default.lpk" --config "$T/sys.conf" \
  --boot-config "$T/absent.conf" --boot-early "$T/early" --replay "$T/sepia.replay" 2> /dev/null
# a bad --boot-wait is a usage error
"$READER" --boot-wait "" --pack "$B/default.lpk" > /dev/null 2> "$T/bw.err"
check bootwait_empty_refused test $? = 2
[ -s "$T/live.err" ] && sed 's/^/  live: /' "$T/live.err" >&2
true
