#!/bin/sh
# lectern (the reader) from the outside: usage, headless PNG pages, layout
# statistics, and bad input (missing or damaged pack) refused with a message
# that names the file or essay, a non-zero status and no crash.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
PACK=$B/default.lpk

# ---- usage ------------------------------------------------------------------
"$READER" --help > "$T/help"; check help_exit_0 test $? -eq 0
check help_lists_screenshot grep -q -- '--screenshot DIR' "$T/help"
check help_documents_font_size_units grep -q '18px' "$T/help"
"$READER" --version | grep -q '^lectern [0-9]'; check version test $? -eq 0
for bad in "--frob" "--size 800" "--size 10x10" "--font-size huge" "--font-size 3px" "--theme blue" "--page 0" "--essay -1" "--pack"; do
  # shellcheck disable=SC2086
  "$READER" $bad > /dev/null 2> "$T/err"; st=$?
  check "bad_usage_exit_2_$(echo "$bad" | tr " " _)" bash -c "test $st -eq 2 && test -s '$T/err'"
done

# ---- headless pages -----------------------------------------------------------
"$READER" --pack "$PACK" --screenshot "$T/shots" --essay 1 --page 2 > "$T/out" 2> "$T/err"; st=$?
check shot_exit_0 test $st -eq 0
check shot_prints_path grep -qx "$T/shots/essay1-page002.png" "$T/out"
check shot_is_png bash -c "head -c 8 '$T/shots/essay1-page002.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
"$READER" --pack "$PACK" --layout-stats > "$T/stats"; st=$?
check stats_exit_0 test $st -eq 0
check stats_five_essays test "$(grep -c '^essay=[0-9]* pages=' "$T/stats")" -eq 5
check stats_total_line grep -qE '^total essays=5 pages=[0-9]+ lines=[0-9]+ hyphenated=[0-9]+ max_stretch=[0-9.]+ over_1_5=[0-9]+' "$T/stats"
pages2=$(sed -n 's/^essay=2 pages=\([0-9]*\) .*/\1/p' "$T/stats")
"$READER" --pack "$PACK" --screenshot "$T/all" --essay 2 --all > /dev/null; st=$?
check shot_all_one_file_per_page bash -c "test $st -eq 0 && test $(ls "$T/all" 2>/dev/null | wc -l) -eq ${pages2:-0}"
"$READER" --pack "$PACK" --screenshot "$T/big" --size 720x1280 --theme dark --font-size 18px > "$T/out"; st=$?
# the PNG it names: signature, then IHDR's big-endian width and height
png=$(head -n 1 "$T/out")
png_sig=$(head -c 8 "$png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
png_px=$(od -An -tu1 -j16 -N8 "$png" 2>/dev/null |
         awk 'NF == 8 { printf "%dx%d", (($1*256+$2)*256+$3)*256+$4, (($5*256+$6)*256+$7)*256+$8 }')
check shot_portrait_px_size test "$st $png_sig $png_px" = "0 89504e470d0a1a0a 720x1280"
"$READER" --pack "$PACK" --screenshot "$T/x" --essay 1 --page 999 > /dev/null 2> "$T/err"; st=$?
check shot_missing_page_exit_1 bash -c "test $st -eq 1 && grep -q 'no page 999' '$T/err'"
"$READER" --pack "$PACK" --screenshot "$T/x" --essay 9 > /dev/null 2> "$T/err"; st=$?
check shot_missing_essay_exit_1 bash -c "test $st -eq 1 && grep -q 'no essay 9' '$T/err'"
LECTERN_PACK="$PACK" "$READER" --layout-stats > /dev/null; check pack_from_env test $? -eq 0
# Pages are painted without SDL (src/page.c): --screenshot, --dump-layout
# and --layout-stats never load it (src/sdl_dyn.c); a replay does. The
# dynamic loader names each library it loads under LD_DEBUG=files.
LD_DEBUG=files "$READER" --pack "$PACK" --screenshot "$T/nosdl" --essay 2 > /dev/null 2> "$T/ld"; st=$?
check shot_pages_load_no_sdl bash -c "test $st -eq 0 && grep -q 'file=libpng' '$T/ld' && ! grep -q 'file=libSDL2' '$T/ld'"
LD_DEBUG=files "$READER" --pack "$PACK" --dump-layout --essay 1 > /dev/null 2> "$T/ld"; st=$?
check dump_loads_no_sdl bash -c "test $st -eq 0 && grep -q 'file=libharfbuzz' '$T/ld' && ! grep -q 'file=libSDL2' '$T/ld'"
printf 'expect screen library\n' > "$T/lib.txt"
LD_DEBUG=files "$READER" --pack "$PACK" --replay "$T/lib.txt" > /dev/null 2> "$T/ld"; st=$?
check replay_loads_sdl bash -c "test $st -eq 0 && grep -q 'file=libSDL2-2.0.so.0' '$T/ld' && grep -q 'file=libSDL2_ttf' '$T/ld'"
# Without render targets the reader's pages are drawn on the screen and
# read back: a replay's shots are the same PNG files, and it says so once.
printf 'expect screen reading\nshot a\ntap 0.9 0.5\nexpect page 2\nshot b\ntap 0.9 0.5\nshot c\n' > "$T/nt.txt"
"$READER" --pack "$PACK" --essay 2 --replay "$T/nt.txt" --screenshot "$T/rt" > /dev/null 2>&1
LECTERN_NO_RENDER_TARGETS=1 "$READER" --pack "$PACK" --essay 2 --replay "$T/nt.txt" --screenshot "$T/rt-nt" > /dev/null 2> "$T/err"; st=$?
check shot_no_targets_exit_0 bash -c "test $st -eq 0 && test \$(ls '$T/rt-nt' | wc -l) -eq 3"
check shot_no_targets_same_pngs diff -r "$T/rt" "$T/rt-nt"
check shot_no_targets_says_so_once test "$(grep -c 'LECTERN_NO_RENDER_TARGETS.*drawn straight to the screen' "$T/err")" -eq 1

# ---- bad packs ------------------------------------------------------------------
"$READER" --pack "$T/nope.lpk" --layout-stats > /dev/null 2> "$T/err"; st=$?
check missing_pack_exit_1_named bash -c "test $st -eq 1 && grep -q 'nope.lpk' '$T/err'"
echo "not a pack" > "$T/text.lpk"
"$READER" --pack "$T/text.lpk" --screenshot "$T/x" > /dev/null 2> "$T/err"; st=$?
check not_a_pack_exit_1_named bash -c "test $st -eq 1 && grep -q 'text.lpk' '$T/err'"

# Damage one byte in the middle of the first essay's stored block (offsets
# from the directory, pack_format.md): the essays in that block are refused
# by name, the reader does not crash, and the exit status says so.
u() { od -An -t "u$1" -j "$2" -N "$1" "$PACK" | tr -d ' '; }
dir=$(u 8 24) n=$(u 4 36) i=0 off=
while [ "$i" -lt "$n" ]; do
  e=$((dir + 80 * i))
  if [ "$(u 1 "$e")" -eq 1 ]; then off=$(u 8 $((e + 8))) len=$(u 4 $((e + 16))); break; fi
  i=$((i + 1))
done
cp "$PACK" "$T/damaged.lpk"
if [ -n "$off" ]; then
  at=$((off + len / 2))
  byte=$(od -An -tu1 -j "$at" -N 1 "$PACK" | tr -d ' ')
  printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of="$T/damaged.lpk" bs=1 seek="$at" conv=notrunc 2>/dev/null
fi
"$READER" --pack "$T/damaged.lpk" --layout-stats > "$T/out" 2> "$T/err"; st=$?
st_stats=$st
cp "$T/err" "$T/err-stats"
check damaged_stats_exit_1 test $st -eq 1
check damaged_stats_names_essay grep -qE 'damaged.lpk: essay [0-9]+ .*damaged' "$T/err"
check damaged_stats_still_totals grep -qE '^total essays=5 .*damaged=[1-5]$' "$T/out"
bad=$(sed -n 's/^essay=\([0-9]*\) error=damaged$/\1/p' "$T/out" | head -1)
good=$(sed -n 's/^essay=\([0-9]*\) pages=.*/\1/p' "$T/out" | head -1)
"$READER" --pack "$T/damaged.lpk" --screenshot "$T/d" --essay "${bad:-1}" > /dev/null 2> "$T/err"; st=$?
check damaged_shot_exit_1_named bash -c "test $st -eq 1 && grep -q 'damaged.lpk: essay ${bad:-1} ' '$T/err'"
# No crash: neither run died of a signal (status 128+N) nor left a sanitizer
# report on its own stderr (ASan exits 1, which alone would look fine).
check damaged_no_crash bash -c "test $st_stats -lt 128 && test $st -lt 128 &&
  ! grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' '$T/err-stats' '$T/err'"
# the other essays of the pack still open
"$READER" --pack "$T/damaged.lpk" --screenshot "$T/d" --essay "${good:-1}" > /dev/null 2>&1
check damaged_others_still_open test $? -eq 0

# ---- configuration: every key in --help, the file's problems by line, --strict ------------
for k in pack rotate theme font_size margins idle_timeout idle_action sleep_after awake state_dir state kiosk essays start; do
  check "help_lists_key_$k" grep -q -- "--$k VALUE" "$T/help"
done
check help_lists_replay grep -q -- '--replay SCRIPT' "$T/help"
printf '# a profile\ntheme = dark\nrotat = 90\nfont_size = huge\n[lectern]\nrotate = 90\n' > "$T/bad.conf"
"$READER" --config "$T/bad.conf" --pack "$PACK" --layout-stats > "$T/out" 2> "$T/err"; st=$?
check conf_problems_go_on test $st -eq 0
check conf_unknown_key_line grep -q "bad.conf:3:.*rotat" "$T/err"
check conf_bad_value_line grep -q "bad.conf:4:.*huge" "$T/err"
check conf_good_keys_kept grep -q '^# .*size=480x800' "$T/out"
"$READER" --config "$T/bad.conf" --strict --pack "$PACK" --layout-stats > /dev/null 2> "$T/err"; st=$?
check conf_strict_refuses bash -c "test $st -eq 1 && grep -q 'bad.conf' '$T/err'"
"$READER" --config "$T/missing.conf" --pack "$PACK" --layout-stats > /dev/null 2> "$T/err"; st=$?
check conf_given_missing_is_a_problem bash -c "test $st -eq 0 && grep -q 'missing.conf' '$T/err'"
"$READER" --pack "$PACK" --layout-stats --rotate=270 --font-size 12 > "$T/out" 2> /dev/null
check conf_flags_equals_form grep -q '^# .*size=480x800' "$T/out"
for bad in "--rotate 45" "--idle-timeout -1" "--essays 0" "--start x" "--kiosk maybe"; do
  # shellcheck disable=SC2086
  "$READER" --pack "$PACK" --layout-stats $bad > /dev/null 2> "$T/err"; st=$?
  check "bad_flag_exit_2_$(echo "$bad" | tr " " _)" bash -c "test $st -eq 2 && test -s '$T/err'"
done
