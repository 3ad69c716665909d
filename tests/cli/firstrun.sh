#!/bin/bash
# What a first-time desktop user meets: `make run` without a display writes
# a preview of the library and the first pages; `lectern FOLDER` reads a
# folder of essays packed in memory (the same pack lectern-pack builds);
# paths that are not a pack get a sentence saying what to give; reading
# positions on a desktop go to ~/.local/state/lectern. (Escape as back and
# the first page's hint: tests/replay/escape.txt and hint.txt.)
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
PACK=$B/default.lpk
TOP=$(pwd)

# png_size FILE: "W H" from the IHDR chunk
png_size() { od -An -tu1 -j 16 -N 8 "$1" | awk '{ print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }

# ---- make run without a display: the preview ---------------------------------------
mkdir -p "$T/run"
(cd "$T/run" && env -u DISPLAY -u WAYLAND_DISPLAY PREVIEW=1 "$TOP/tools/run.sh" "$TOP/$READER" "$TOP/$PACK") > "$T/run.out" 2> "$T/run.err"
check preview_exit_0 test $? -eq 0
LIB=$T/run/build/preview/library.png
check preview_library_written test -s "$LIB"
check preview_prints_library_path grep -qx "  $LIB" "$T/run.out"
check preview_prints_pages grep -qx "  $T/run/build/preview/essay1-page001.png" "$T/run.out"
check preview_library_is_png bash -c "head -c 8 '$LIB' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
check preview_library_800x480 test "$(png_size "$LIB")" = "800 480"
# not blank: the header, the cards and their titles give many distinct colours
# (a blank or single-colour picture has one or two)
if command -v python3 > /dev/null 2>&1; then
  colours=$(python3 - "$LIB" <<'PY'
import sys, zlib, struct
d = open(sys.argv[1], 'rb').read()
w, h, bits, ctype = struct.unpack('>IIBB', d[16:26])
i, raw = 8, b''
while i < len(d):
    n, t = struct.unpack('>I4s', d[i:i+8])
    if t == b'IDAT': raw += d[i+8:i+8+n]
    i += 12 + n
raw = zlib.decompress(raw)
bpp = {2: 3, 6: 4}.get(ctype, 1)
stride, prev, seen = w * bpp, bytearray(w * bpp), set()
for y in range(h):
    f, line = raw[y*(stride+1)], bytearray(raw[y*(stride+1)+1:(y+1)*(stride+1)])
    for x in range(stride):
        a = line[x-bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x-bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p-a), abs(p-b), abs(p-c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp): seen.add(bytes(line[x:x+bpp]))
print(len(seen))
PY
)
  check preview_library_not_blank test "${colours:-0}" -ge 16
else
  fail preview_library_not_blank "python3 is needed to look inside the PNG"
fi
# the library picture is the library: the same as a replay's shot of it
printf 'expect screen library\nshot lib\n' > "$T/lib.txt"
"$READER" --replay "$T/lib.txt" --screenshot "$T/rshot" --pack "$PACK" > /dev/null 2>&1
check preview_library_is_the_library_screen cmp -s "$LIB" "$T/rshot/lib.png"
"$READER" --screen library --pack "$PACK" > /dev/null 2> "$T/err"
check screen_library_needs_screenshot bash -c "test $? -eq 2 && grep -q 'with --screenshot' '$T/err'"

# ---- lectern FOLDER: packed in memory, as lectern-pack would ---------------------------
"$READER" assets/essays --layout-stats > "$T/dir.stats" 2> "$T/err"
check folder_positional_opens test $? -eq 0
"$READER" --pack "$PACK" --layout-stats > "$T/pack.stats" 2> /dev/null
# the same essays, laid out the same: only the pack's name differs
check folder_same_as_its_pack diff <(sed 1d "$T/dir.stats") <(sed 1d "$T/pack.stats")
"$READER" --pack assets/essays --screenshot "$T/dshot" --essay 2 > /dev/null 2>&1
"$READER" --pack "$PACK" --screenshot "$T/pshot" --essay 2 > /dev/null 2>&1
check folder_pack_flag_same_page cmp -s "$T/dshot/essay2-page001.png" "$T/pshot/essay2-page001.png"
one=$(ls assets/essays/*.txt | head -1)
"$READER" "$one" --layout-stats > "$T/one.stats" 2> /dev/null
check single_essay_file_opens grep -q '^total essays=1 ' "$T/one.stats"
# a folder with a bad file: the packer's message, file and byte offset, exit 1
mkdir -p "$T/bad"
printf 'A title\n\nSome text \001 here.\n' > "$T/bad/one.txt"
"$READER" "$T/bad" --layout-stats > /dev/null 2> "$T/err"; st=$?
check folder_bad_essay_exit_1 test $st -eq 1
check folder_bad_essay_names_file_and_offset grep -q "$T/bad/one.txt:3: byte offset" "$T/err"
mkdir -p "$T/empty"
"$READER" "$T/empty" --layout-stats > /dev/null 2> "$T/err"
check folder_empty_says_so bash -c "test $? -eq 1 && grep -q '$T/empty' '$T/err'"
# not a pack, not a folder: a sentence that says what to do
"$READER" "$T/nope" --layout-stats > /dev/null 2> "$T/err"
check missing_path_says_what_to_give bash -c "test $? -eq 1 && grep -q 'no such file or folder; give the reader a pack' '$T/err'"
"$READER" --pack Makefile --layout-stats > /dev/null 2> "$T/err"
check other_file_is_not_a_pack bash -c "test $? -eq 1 && grep -q 'Makefile is not a lectern pack; give' '$T/err' && ! grep -q 'bad magic' '$T/err'"
mkfifo "$T/fifo"
timeout 10 "$READER" --pack "$T/fifo" --layout-stats > /dev/null 2> "$T/err"
check fifo_refused_without_waiting bash -c "test $? -eq 1 && grep -q 'neither a file nor a folder' '$T/err'"
"$READER" assets/essays "$T/bad" --layout-stats > /dev/null 2> "$T/err"
check two_folders_usage_error bash -c "test $? -eq 2 && grep -q 'give one pack, folder or essay file' '$T/err'"

# ---- the folder is packed by lectern-pack, in a child: nothing left behind -------------
# the reader links none of the packer's own libraries
readelf -d "$READER" | grep NEEDED > "$T/needed"
check reader_links_no_packer_libs bash -c "grep -q libpng '$T/needed' &&
  ! grep -Eq 'libfontconfig|libmd4c|libharfbuzz-subset|libhyphen' '$T/needed'"
# each run in a TMPDIR of its own, which must be empty again afterwards
fresh_tmp() { rm -rf "$T/tmpdir"; mkdir "$T/tmpdir"; }
tmp_empty() { [ -d "$T/tmpdir" ] && [ -z "$(ls -A "$T/tmpdir")" ]; }
fresh_tmp
TMPDIR=$T/tmpdir "$READER" --screenshot "$T/gshot" assets/essays --essay 2 > /dev/null 2> "$T/err"; st=$?
check folder_shot_opens bash -c "test $st -eq 0 && test -s '$T/gshot/essay2-page001.png'"
check folder_shot_leaves_no_temporary tmp_empty
check folder_shot_same_page cmp -s "$T/gshot/essay2-page001.png" "$T/pshot/essay2-page001.png"
# a bad essay (a control character): exit 1, the file named, the packer's
# line and byte offset, TMPDIR empty
fresh_tmp
TMPDIR=$T/tmpdir "$READER" --screenshot "$T/bshot" "$T/bad" > /dev/null 2> "$T/err"; st=$?
check folder_bad_shot_exit_1 test $st -eq 1
check folder_bad_shot_names_file grep -q "^lectern: packing the essays for reading: $T/bad/one.txt:3: byte offset 19" "$T/err"
check folder_bad_shot_no_temporary tmp_empty
check folder_bad_shot_no_pages test ! -e "$T/bshot/essay1-page001.png"
# invalid UTF-8 that is not Windows-1252 either (0x81 is unassigned there)
mkdir -p "$T/bad8"
printf 'Title\n\nOne \xc3\x28 two \x81.\n' > "$T/bad8/one.txt"
fresh_tmp
TMPDIR=$T/tmpdir "$READER" --screenshot "$T/bshot" "$T/bad8" > /dev/null 2> "$T/err"; st=$?
check folder_bad_utf8_exit_1 test $st -eq 1
check folder_bad_utf8_names_file grep -q "^lectern: packing the essays for reading: $T/bad8/one.txt:3: byte offset 11: byte 0xC3 is not UTF-8" "$T/err"
check folder_bad_utf8_no_temporary tmp_empty
# an essay over the packer's size limit (128 MiB; a sparse file), beside
# two good ones: the big one named, and said once, not twice
mkdir -p "$T/huge"
cp assets/essays/*.txt "$T/huge/" 2> /dev/null
truncate -s 129M "$T/huge/zz-huge.txt"
fresh_tmp
TMPDIR=$T/tmpdir "$READER" --screenshot "$T/bshot" "$T/huge" > /dev/null 2> "$T/err"; st=$?
check folder_huge_essay_exit_1 test $st -eq 1
check folder_huge_essay_names_it grep -q "^lectern: packing the essays for reading: $T/huge/zz-huge.txt: too large" "$T/err"
check folder_huge_essay_no_conclusion_line bash -c "! grep -q 'no pack was written' '$T/err'"
check folder_huge_essay_no_temporary tmp_empty
# two bad essays: both said, the message names the first and counts the rest
mkdir -p "$T/bad2"
cp "$T/bad/one.txt" "$T/bad2/a.txt"
cp "$T/bad/one.txt" "$T/bad2/b.txt"
"$READER" "$T/bad2" --layout-stats > /dev/null 2> "$T/err"; st=$?
check folder_two_problems bash -c "test $st -eq 1 && grep -q '^lectern: problem: $T/bad2/b.txt:3' '$T/err' &&
  grep -q '^lectern: packing the essays for reading: $T/bad2/a.txt:3: .*(and 1 more problem)$' '$T/err'"
# no packer: a sentence naming the folder and what to do
"$READER" --packer /nonexistent --screenshot "$T/bshot" assets/essays > /dev/null 2> "$T/err"; st=$?
check folder_packer_missing bash -c "test $st -eq 1 && grep -q '^lectern: cannot pack assets/essays for reading: --packer /nonexistent: not a program that can be run' '$T/err'"
mkdir -p "$T/alone"
cp "$READER" "$T/alone/lectern"
PATH=/nonexistent "$T/alone/lectern" --layout-stats assets/essays > /dev/null 2> "$T/err"; st=$?
check folder_packer_not_found bash -c "test $st -eq 1 && grep -q 'cannot pack assets/essays for reading: lectern-pack was not found (beside the reader, or on PATH); install it, or give --packer PATH' '$T/err'"
# a packer that dies half-way (its temporary file written, then SIGKILL):
# the reader says so, and the private folder goes all the same
cat > "$T/dying-pack" << 'EOF'
#!/bin/sh
echo "lectern-pack: a note first" >&2
printf 'half' > "$3.tmp-abcdef"
kill -9 $$
EOF
chmod +x "$T/dying-pack"
fresh_tmp
TMPDIR=$T/tmpdir "$READER" --packer "$T/dying-pack" --screenshot "$T/bshot" assets/essays > /dev/null 2> "$T/err"; st=$?
check folder_packer_killed_said bash -c "test $st -eq 1 && grep -q '^lectern: a note first$' '$T/err' &&
  grep -q '^lectern: packing the essays for reading: $T/dying-pack was stopped by signal 9$' '$T/err'"
check folder_packer_killed_no_temporary tmp_empty
cat > "$T/silent-pack" << 'EOF'
#!/bin/sh
kill -9 $$
EOF
chmod +x "$T/silent-pack"
"$READER" --packer "$T/silent-pack" --layout-stats assets/essays > /dev/null 2> "$T/err"; st=$?
check folder_packer_killed_silently bash -c "test $st -eq 1 && grep -q 'silent-pack was stopped by signal 9' '$T/err'"
# one that fails without a word: its status
printf '#!/bin/sh\nexit 3\n' > "$T/mute-pack"
chmod +x "$T/mute-pack"
"$READER" --packer "$T/mute-pack" --layout-stats assets/essays > /dev/null 2> "$T/err"; st=$?
check folder_packer_mute_status bash -c "test $st -eq 1 && grep -q 'mute-pack ended with status 3 and said nothing' '$T/err'"
# TMPDIR that cannot be used: said, with the folder's name
TMPDIR=/nonexistent "$READER" --layout-stats assets/essays > /dev/null 2> "$T/err"; st=$?
check folder_tmpdir_missing bash -c "test $st -eq 1 && grep -q 'packing assets/essays for reading: cannot make a folder in /nonexistent' '$T/err'"

# ---- reading positions on a desktop -----------------------------------------------------
# the live reader (offscreen window) with HOME in a temporary folder: it
# says where positions go, and SIGTERM saves them there
mkdir -p "$T/home"
if [ -d /var/lib/lectern ] && [ -w /var/lib/lectern ]; then
  want=/var/lib/lectern # installed here: the system's folder is used, nothing said
else
  want=$T/home/.local/state/lectern
fi
HOME=$T/home ASAN_OPTIONS=detect_leaks=0 "$READER" --pack "$PACK" --start 2 > /dev/null 2> "$T/live.err" &
pid=$!
for _ in $(seq 100); do grep -q '^lectern: ready$' "$T/live.err" && break; sleep 0.1; done
check live_says_ready grep -q '^lectern: ready$' "$T/live.err"
kill -TERM "$pid" 2> /dev/null
wait "$pid"
check live_sigterm_exit_0 test $? -eq 0
check state_fallback_saved grep -q '^essay 2 ' "$want/state"
if [ "$want" != /var/lib/lectern ]; then
  check state_fallback_said_once test "$(grep -c "reading positions are kept in $want" "$T/live.err")" -eq 1
  check state_fallback_private test "$(stat -c %a "$want")" = 700
fi
