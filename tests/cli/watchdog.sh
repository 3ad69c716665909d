#!/bin/bash
# The live reader talks to systemd as lectern.service (Type=notify,
# WatchdogSec=) expects: READY=1 once the first frame is up, then WATCHDOG=1
# from its main loop at least twice per interval, and nothing while it is
# stopped (so systemd restarts a hung reader). A datagram socket stands in
# for systemd's $NOTIFY_SOCKET.
. tests/cli/lib.sh
python3 - "$READER" "$B/default.lpk" "$T/notify.sock" > "$T/wd.out" 2> "$T/wd.err" <<'PY'
import os, signal, socket, subprocess, sys, time
reader, pack, path = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.2)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="1000000", SDL_VIDEODRIVER="offscreen")
r = subprocess.Popen([reader, "--pack", pack], env=env, stderr=subprocess.DEVNULL)
def collect(seconds):
    got, t0 = [], time.time()
    while time.time() - t0 < seconds:
        try: got += s.recv(256).decode().split("\n")
        except socket.timeout: pass
    return got
running = collect(3.0)
r.send_signal(signal.SIGSTOP)
time.sleep(0.3); collect(0.3)          # what was in flight
stopped = collect(1.5)
r.send_signal(signal.SIGCONT)
resumed = collect(1.5)
r.terminate(); r.wait(timeout=10)
print("first", running[0] if running else "none")
print("running", running.count("WATCHDOG=1"))
print("stopped", stopped.count("WATCHDOG=1"))
print("resumed", resumed.count("WATCHDOG=1"))
print("ready", running.count("READY=1"))
PY
val() { sed -n "s/^$1 //p" "$T/wd.out"; }
check watchdog_ready_first test "$(val first)" = "READY=1"
check watchdog_ready_once test "$(val ready)" = 1
# 1 s interval: a ping every half second, about 6 in 3 s
check watchdog_pings_while_running test "$(val running)" -ge 4
check watchdog_silent_while_stopped test "$(val stopped)" = 0
check watchdog_pings_again_after_cont test "$(val resumed)" -ge 2
# not under systemd: no socket, no complaint
env -u NOTIFY_SOCKET -u WATCHDOG_USEC SDL_VIDEODRIVER=offscreen timeout -s TERM 2 "$READER" --pack "$B/default.lpk" \
  > /dev/null 2> "$T/plain.err"
check watchdog_live_loop_ran grep -q 'lectern: ready' "$T/plain.err"
check watchdog_quiet_off_systemd bash -c "! grep -q watchdog '$T/plain.err'"
