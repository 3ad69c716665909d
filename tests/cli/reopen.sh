#!/bin/bash
# A pack changed under the running reader (issue: hardening): replaced by
# rename (lectern-pack install, cp + mv) it is reopened and its essays
# shown; overwritten in place (cp over it) likewise once the copy is whole;
# cut short in place, the reader keeps running on what it has (no SIGBUS)
# and says it cannot read the new file yet.
. tests/cli/lib.sh
mkdir -p "$T/two" "$T/one"
cp assets/essays/000_*.txt assets/essays/001_*.txt "$T/two/"
cp assets/essays/002_*.txt "$T/one/"
"$PACKER" build -o "$T/two.lpk" "$T/two" > /dev/null 2>&1
"$PACKER" build -o "$T/one.lpk" "$T/one" > /dev/null 2>&1
cp "$B/default.lpk" "$T/live.lpk"

# No leak report: the offscreen driver (EGL, loaded at run time) leaks its
# own strings at exit, as in the other live tests; ASan still checks every
# access.
HOME=$T ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 SDL_VIDEODRIVER=offscreen "$READER" --pack "$T/live.lpk" > /dev/null 2> "$T/err" &
pid=$!
wait_for() { # wait_for PATTERN: up to 20 s for a line on the reader's stderr
  for _ in $(seq 200); do grep -q "$1" "$T/err" && return 0; kill -0 $pid 2>/dev/null || return 1; sleep 0.1; done
  return 1
}
check reopen_reader_ready wait_for 'lectern: ready'
# replaced by rename
cp "$T/two.lpk" "$T/live.tmp" && mv "$T/live.tmp" "$T/live.lpk"
check reopen_after_rename wait_for 'live.lpk was replaced; reopened it: 2 essays'
# overwritten in place, as cp or scp do
cp "$T/one.lpk" "$T/live.lpk"
check reopen_after_overwrite wait_for 'live.lpk was changed; reopened it: 1 essay$'
# cut short in place: still running, says so, keeps the essay it had
truncate -s 1000 "$T/live.lpk"
check reopen_truncated_said wait_for 'live.lpk changed, but cannot be read yet'
sleep 0.5
check reopen_truncated_still_running kill -0 $pid
# and whole again
cp "$T/two.lpk" "$T/live.lpk"
check reopen_after_repair wait_for 'live.lpk was changed; reopened it: 2 essays'
kill -TERM $pid; wait $pid; st=$?
check reopen_clean_exit test $st -eq 0
check reopen_no_crash bash -c "! grep -qiE 'sanitizer|runtime error|SIGBUS' '$T/err'"
