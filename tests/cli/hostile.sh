#!/bin/bash
# Files that are not what they seem, and a pack that changes under the
# running reader. Every attack happens in a temporary directory ($T), never
# on real device nodes. A hang is a failure: each command runs under
# `timeout`, and exit status 124 means it hung.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
PACK=$B/default.lpk
TO="timeout 30"

# ---- build -o: only a regular file or nothing is replaced -------------------
echo "precious" > "$T/victim"
mkfifo "$T/fifo.lpk"
$TO "$PACKER" build -o "$T/fifo.lpk" assets/essays > /dev/null 2> "$T/err"; st=$?
check build_o_fifo_refused bash -c "test $st -eq 1 && test -p '$T/fifo.lpk'"
check build_o_fifo_says_fifo grep -q "fifo.lpk is a FIFO (named pipe), not a regular file: refusing to replace it" "$T/err"
ln -s "$T/victim" "$T/link.lpk"
$TO "$PACKER" build -o "$T/link.lpk" assets/essays > /dev/null 2> "$T/err"; st=$?
check build_o_symlink_refused bash -c "test $st -eq 1 && test -L '$T/link.lpk' && grep -qx precious '$T/victim'"
check build_o_symlink_says_so grep -q "link.lpk is a symbolic link" "$T/err"
mkdir "$T/dir.lpk"
$TO "$PACKER" build -o "$T/dir.lpk" assets/essays > /dev/null 2> "$T/err"; st=$?
check build_o_directory_refused bash -c "test $st -eq 1 && grep -q 'dir.lpk is a directory' '$T/err'"
# A device node made here (a copy of /dev/null's numbers), when allowed to.
if mknod "$T/null.lpk" c 1 3 2> /dev/null; then
  $TO "$PACKER" build -o "$T/null.lpk" assets/essays > /dev/null 2> "$T/err"; st=$?
  check build_o_device_refused bash -c "test $st -eq 1 && test -c '$T/null.lpk' && grep -q 'null.lpk is a device' '$T/err'"
else
  echo "  (not allowed to make a device node here: build_o_device_refused not run)" >&2
fi
check build_o_refusals_leave_no_temp bash -c "! ls '$T' | grep -q tmp-"

# Stale temporary files of the same output (a build killed during fsync)
# are removed; a symlink with such a name is not followed or removed, and
# another output's temporary file is left alone.
echo stale > "$T/out.lpk.tmp-AbC123"
ln -s "$T/victim" "$T/out.lpk.tmp-LINK00"
echo other > "$T/other.lpk.tmp-XyZ789"
$TO "$PACKER" build -o "$T/out.lpk" assets/essays > /dev/null 2> "$T/err"; st=$?
check build_ok_beside_stale_temps test $st -eq 0
check build_removes_stale_temp test ! -e "$T/out.lpk.tmp-AbC123"
check build_keeps_symlinked_temp bash -c "test -L '$T/out.lpk.tmp-LINK00' && grep -qx precious '$T/victim'"
check build_keeps_other_outputs_temp test -f "$T/other.lpk.tmp-XyZ789"
check build_o_regular_replaced bash -c "$PACKER verify '$T/out.lpk' > /dev/null"

# ---- the memory budget: an essay over 5 MiB is refused, with advice ------------
mkdir -p "$T/huge"
python3 - "$T/huge/long.txt" <<'EOF'
import sys
line = "A sentence of plain words that goes on for a while and then ends here.\n\n"
with open(sys.argv[1], "w") as f:
    f.write("A very long essay\n\n" + line * (6 * 1024 * 1024 // len(line)))
EOF
$TO "$PACKER" build --no-fonts -o "$T/huge.lpk" "$T/huge" > /dev/null 2> "$T/err"; st=$?
check essay_over_budget_refused bash -c "test $st -eq 1 && test ! -e '$T/huge.lpk'"
check essay_over_budget_says_split grep -q "A very long essay' is too long: .* split it into several essays" "$T/err"
check essay_over_budget_leaves_no_temp bash -c "! ls '$T' | grep -q 'huge.lpk.tmp'"
python3 - "$T/huge/long.txt" <<'EOF'
import sys
line = "A sentence of plain words that goes on for a while and then ends here.\n\n"
with open(sys.argv[1], "w") as f:
    f.write("A long essay\n\n" + line * (4 * 1024 * 1024 // len(line)))
EOF
$TO "$PACKER" build --no-fonts -o "$T/huge.lpk" "$T/huge" > /dev/null 2> "$T/err"; st=$?
check essay_under_budget_accepted test $st -eq 0

# clusters are capped too: the reader decodes a whole cluster to read one essay
$TO "$PACKER" build --no-fonts --cluster-size 2000000 -o "$T/clus.lpk" assets/essays > /dev/null 2> "$T/err"; st=$?
check cluster_over_budget_refused bash -c "test $st -eq 1 && test ! -e '$T/clus.lpk' && grep -q 'at most 1048576' '$T/err'"
$TO "$PACKER" build --no-fonts --cluster-size 1048576 -o "$T/clus.lpk" assets/essays > /dev/null 2> "$T/err"; st=$?
check cluster_at_budget_accepted test $st -eq 0

# ---- reading: FIFOs and devices are refused at once, never waited on -----------
for cmd in list verify info; do
  $TO "$PACKER" $cmd "$T/fifo.lpk" > /dev/null 2> "$T/err"; st=$?
  check "pack_${cmd}_fifo_no_hang" bash -c "test $st -eq 1 && grep -q 'fifo.lpk is a FIFO (named pipe), not a regular file' '$T/err'"
done
$TO "$PACKER" list "$T/dir.lpk" > /dev/null 2> "$T/err"; st=$?
check pack_list_directory_refused bash -c "test $st -eq 1 && grep -q 'is a directory' '$T/err'"
$TO "$READER" --pack "$T/fifo.lpk" --screenshot "$T/shots" > /dev/null 2> "$T/err"; st=$?
check reader_fifo_pack_no_hang bash -c "test $st -ne 124 && test $st -ne 0 && grep -q 'FIFO' '$T/err'"
mkfifo "$T/fifo.conf"
$TO "$READER" --pack "$PACK" --config "$T/fifo.conf" --screenshot "$T/shots" > /dev/null 2> "$T/err"; st=$?
check reader_fifo_config_no_hang bash -c "test $st -ne 124 && grep -q 'fifo.conf: cannot open: not a regular file' '$T/err'"
mkdir -p "$T/state"
mkfifo "$T/state/state"
printf 'expect screen library\ntap 0.5 0.35\nexpect screen reading\nkey right\nkey home\n' > "$T/open.txt"
$TO "$READER" --pack "$PACK" --state-dir "$T/state" --replay "$T/open.txt" > /dev/null 2> "$T/err"; st=$?
check reader_fifo_state_no_hang bash -c "test $st -eq 0 && grep -q 'FIFO' '$T/err'"
check reader_fifo_state_replaced test -f "$T/state/state"
# a symlinked state.tmp is not followed
rm -f "$T/state/state"
ln -s "$T/victim" "$T/state/state.tmp"
$TO "$READER" --pack "$PACK" --state-dir "$T/state" --replay "$T/open.txt" > /dev/null 2> "$T/err"; st=$?
check reader_state_tmp_symlink_not_followed bash -c "test $st -eq 0 && grep -qx precious '$T/victim' && test -f '$T/state/state'"

# ---- the pack changed under the running reader: no signal -----------------------
# (before: SIGBUS, exit 135, inside HarfBuzz reading the mapped font)
printf 'expect screen library\nrandom 8000 7\n' > "$T/random.txt"
"$PACKER" build --cluster-size 0 -o "$T/other.lpk" tests/replay/essays > /dev/null 2>&1
for how in truncate overwrite; do
  cp "$PACK" "$T/live.lpk"
  $TO "$READER" --pack "$T/live.lpk" --replay "$T/random.txt" > /dev/null 2> "$T/err.$how" &
  pid=$!
  sleep 0.5
  if [ $how = truncate ]; then truncate -s 1000 "$T/live.lpk"; else cp "$T/other.lpk" "$T/live.lpk"; fi
  wait $pid; st=$?
  check "reader_survives_pack_${how}_in_place" test $st -lt 124
done

# ---- memory: page sizes are capped with a message, not attempted -----------------
# (before: --size 16384x16384 took 2.9 GB)
$TO "$READER" --pack "$PACK" --screenshot "$T/shot16k" --size 16384x16384 > /dev/null 2> "$T/err"; st=$?
check size_16384_refused bash -c "test $st -eq 2 && ! test -e '$T/shot16k'"
check size_refusal_names_the_cap grep -q -- "--size 16384x16384: .*at most 3840x2160 pixels" "$T/err"
$TO "$READER" --pack "$PACK" --screenshot "$T/tall" --size 8192x2048 > /dev/null 2> "$T/err"; st=$?
check size_cap_counts_pixels test $st -eq 2
$TO "$READER" --pack "$PACK" --screenshot "$T/4k" --size 2160x3840 > /dev/null 2> "$T/err"; st=$?
check size_4k_portrait_drawn bash -c "test $st -eq 0 && test -s '$T/4k/essay1-page001.png'"

# ---- --font: a FIFO is named and refused, never waited on ----------------------
mkfifo "$T/face.ttf"
$TO "$PACKER" build --font "$T/face.ttf" -o "$T/font-fifo.lpk" assets/essays > /dev/null 2> "$T/err"; st=$?
check font_fifo_refused bash -c "test $st -eq 1 && ! test -e '$T/font-fifo.lpk'"
check font_fifo_named grep -q "face.ttf is a FIFO (named pipe), not a regular file" "$T/err"
