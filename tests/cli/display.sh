#!/bin/bash
# A display that appears after the reader started (HDMI switched on after
# boot, a panel plugged back in): the reader sees its connector change in
# sysfs (a fake tree, LECTERN_DRM_SYSFS, stands in for /sys) and starts its
# video again in the same process, keeping its pid (systemd sees no
# restart); a display that goes away is said and waited for.
. tests/cli/lib.sh
SYS=$T/sys
mkdir -p "$SYS/class/drm/card0" "$SYS/class/drm/card1-HDMI-A-1"
echo disconnected > "$SYS/class/drm/card1-HDMI-A-1/status"
python3 - "$READER" "$B/default.lpk" "$SYS" "$T/state" > "$T/d.out" 2> "$T/d.err" <<'PY'
import os, subprocess, sys, time
reader, pack, sysfs, state = sys.argv[1:5]
status = os.path.join(sysfs, "class/drm/card1-HDMI-A-1/status")
# (no leak report: Mesa's GL libraries, which SDL's offscreen window loads, keep a little at exit)
env = dict(os.environ, SDL_VIDEODRIVER="offscreen", LECTERN_DRM_SYSFS=sysfs,
           ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
os.makedirs(state, exist_ok=True)
err = open(os.path.join(os.path.dirname(state), "reader.err"), "w")
r = subprocess.Popen([reader, "--pack", pack, "--state-dir", state], env=env, stderr=err)
def wait_for(text, seconds):
    t0 = time.time()
    while time.time() - t0 < seconds:
        if text in open(err.name).read(): return True
        time.sleep(0.1)
    return False
print("ready1", wait_for("lectern: ready", 20))
time.sleep(0.5)
open(status, "w").write("connected\n")
print("restarted", wait_for("starting the video again on /dev/dri/card1", 10))
t0 = time.time()
def readies(): return open(err.name).read().split("\n").count("lectern: ready")
while time.time() - t0 < 20 and readies() < 2: time.sleep(0.1)
print("ready2", readies() >= 2)
time.sleep(0.5) # its first look at the displays, which only records
print("alive", r.poll() is None)
open(status, "w").write("disconnected\n")
print("gone_said", wait_for("no display is connected now; it was card1 HDMI-A-1; waiting for one", 10))
print("alive2", r.poll() is None)
r.terminate()
print("exit", r.wait(timeout=10))
PY
val() { sed -n "s/^$1 //p" "$T/d.out"; }
check display_first_start_ready test "$(val ready1)" = True
check display_change_said test "$(val restarted)" = True
check display_change_said_in_full grep -q 'lectern: display: card1 HDMI-A-1 connected; it was none; starting the video again on /dev/dri/card1' "$T/reader.err"
check display_started_again test "$(val ready2)" = True
check display_same_process test "$(val alive)" = True
check display_gone_said test "$(val gone_said)" = True
check display_gone_keeps_running test "$(val alive2)" = True
check display_ends_cleanly test "$(val exit)" = 0
# once: the first start only records what it found
check display_first_look_silent test "$(grep -c 'lectern: display: ' "$T/reader.err")" -eq 2
