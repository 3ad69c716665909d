#!/bin/bash
# lectern-pack from the outside: commands, exit codes, messages, and bad
# input that must be refused cleanly with no output file left behind.
. tests/cli/lib.sh

# ---- the default pack -------------------------------------------------------
"$PACKER" list "$B/default.lpk" > "$T/list" 2> "$T/err"
check list_five_essays test "$(wc -l < "$T/list")" -eq 5
check list_numbers_from_1 grep -q '^  1 ' "$T/list"
check list_no_hash_titles bash -c "! grep -qE '[0-9a-f]{16}' '$T/list'"
# bylines: a "By" line under the title, and the manifest's
mkdir -p "$T/by"
printf 'Essay One\nBy Dr. Jane Doe\nText.\n' > "$T/by/a.txt"
printf 'Essay Two\nText.\n' > "$T/by/b.txt"
printf '[b.txt]\nbyline = A. Reader\n' > "$T/by/manifest.ini"
"$PACKER" build -o "$T/by.lpk" --no-fonts "$T/by" > /dev/null 2>&1
"$PACKER" list "$T/by.lpk" > "$T/bylist" 2>&1
check list_shows_byline grep -q 'Essay One — Dr. Jane Doe$' "$T/bylist"
check list_shows_manifest_byline grep -q 'Essay Two — A. Reader$' "$T/bylist"
"$PACKER" info "$B/default.lpk" > "$T/info"
for k in entries essays essays_text_bytes essays_stored_bytes fonts_stored_bytes font_1; do
  check "info_has_$k" grep -q "^$k: " "$T/info"
done
check info_essays_5 grep -qx 'essays: 5' "$T/info"
check verify_default_ok "$PACKER" verify "$B/default.lpk"

"$PACKER" cat "$B/default.lpk" 1 > "$T/cat1"
"$PACKER" cat "$B/default.lpk" 1 --show-hyphens > "$T/cat1h"
check cat_has_no_soft_hyphens bash -c "! grep -q $'\xc2\xad' '$T/cat1'"
check cat_show_hyphens_marks_points grep -q '‧' "$T/cat1h"
check cat_show_hyphens_same_text bash -c "diff <(sed 's/‧//g' '$T/cat1h') '$T/cat1' > /dev/null"
# The text survives the trip: every word of the source is in the pack's text.
src=$(ls assets/essays/* | head -1)
words() { tr -s '[:space:]' '\n' < "$1" | sort -u; }
words "$src" > "$T/w_src"; words "$T/cat1" > "$T/w_cat"
check cat_keeps_every_word test "$(comm -23 "$T/w_src" "$T/w_cat" | wc -l)" -eq 0

# ---- usage and exit codes ---------------------------------------------------
"$PACKER" > /dev/null 2>&1; check usage_exit_2 test $? -eq 2
"$PACKER" frobnicate x > /dev/null 2>&1; check unknown_command_exit_2 test $? -eq 2
"$PACKER" build assets/essays > /dev/null 2>&1; check build_without_o_exit_2 test $? -eq 2
"$PACKER" --help | grep -q 'lectern-pack build'; check help_lists_build test $? -eq 0
"$PACKER" --version | grep -q '^lectern-pack '; check version test $? -eq 0
"$PACKER" cat "$B/default.lpk" 9 > /dev/null 2> "$T/err"; st=$?
check cat_missing_essay_exit_1 test $st -eq 1
check cat_missing_essay_says_so grep -q 'no essay 9' "$T/err"
"$PACKER" list "$T/nope.lpk" > /dev/null 2> "$T/err"; st=$?
check list_missing_file_exit_1_named bash -c "test $st -eq 1 && grep -q 'nope.lpk' '$T/err'"

# ---- determinism ---------------------------------------------------------------
"$PACKER" build -o "$T/a.lpk" assets/essays && "$PACKER" build -o "$T/b.lpk" assets/essays
check build_is_deterministic cmp -s "$T/a.lpk" "$T/b.lpk"
check build_matches_default cmp -s "$T/a.lpk" "$B/default.lpk"
check build_leaves_no_temp test "$(ls "$T" | grep -c tmp)" -eq 0

# ---- bad input: refused, named, exit 1, no output file -------------------------
refuse() { # name expected-text input...
  local name=$1 want=$2; shift 2
  rm -f "$T/out.lpk"
  "$PACKER" build -o "$T/out.lpk" "$@" > /dev/null 2> "$T/err"; local st=$?
  if [ $st -eq 1 ] && grep -q -- "$want" "$T/err" && [ ! -e "$T/out.lpk" ] &&
     [ "$(ls "$T" | grep -c 'out.lpk')" -eq 0 ]; then ok "refuse_$name"
  else fail "refuse_$name" "exit $st, stderr: $(head -c 300 "$T/err")"; fi
}
mkdir -p "$T/empty"; refuse empty_folder "empty" "$T/empty"
: > "$T/empty.txt"; refuse empty_file "empty.txt" "$T/empty.txt"
head -c 3000 /bin/sh > "$T/binary.txt"; refuse binary_file "binary.txt" "$T/binary.txt"
printf 'Title\nGood line\nBad \x81 byte here\n' > "$T/bad.txt"; refuse invalid_utf8 "bad.txt:3" "$T/bad.txt" # 0x81: not UTF-8 nor Windows-1252
printf 'Title\nA NUL \x00 here\n' > "$T/nul.txt"; refuse nul_byte "nul.txt:2" "$T/nul.txt"
mkdir -p "$T/dir.txt"; refuse unreadable_dir_as_file "dir.txt" "$T/dir.txt"
ln -s /nonexistent "$T/dangling.txt"; refuse dangling_symlink "dangling.txt" "$T/dangling.txt"
if [ "$(id -u)" != 0 ]; then
  echo 'x' > "$T/noperm.txt"; chmod 000 "$T/noperm.txt"; refuse unreadable_file "noperm.txt" "$T/noperm.txt"
fi
refuse missing_input "missing.txt" "$T/missing.txt"

# --lossy packs the same bad file, and counts what it replaced
"$PACKER" build --no-fonts --lossy -o "$T/lossy.lpk" "$T/bad.txt" 2> "$T/err"
check lossy_packs_and_counts bash -c "test -s '$T/lossy.lpk' && grep -q 'replaced 1 ' '$T/err'"
check lossy_has_replacement_char bash -c "'$PACKER' cat '$T/lossy.lpk' 1 | grep -q '�'"

# ---- large inputs ---------------------------------------------------------------
mkdir -p "$T/huge"
python3 -c "
import sys
w = 'paragraph words of considerable length continue '
sys.stdout.write('A very long paragraph\n' + (w * (4*1024*1024 // len(w) + 1))[:4*1024*1024] + '\n')" > "$T/huge/big.txt"
"$PACKER" build --no-fonts -o "$T/huge.lpk" "$T/huge" 2> "$T/err"; st=$?
check four_mb_paragraph_packs bash -c "test $st -eq 0 && '$PACKER' verify '$T/huge.lpk' > /dev/null"
check four_mb_paragraph_round_trips bash -c "test \$('$PACKER' cat '$T/huge.lpk' 1 | wc -c) -ge 4000000"
# over the memory budget (pack_write.h: PACK_ESSAY_MAX_TEXT): refused, with advice
python3 -c "
import sys
w = 'paragraph words of considerable length continue '
sys.stdout.write('A very long paragraph\n' + (w * (10*1024*1024 // len(w) + 1))[:10*1024*1024] + '\n')" > "$T/huge/big.txt"
rm -f "$T/huge.lpk"
"$PACKER" build --no-fonts -o "$T/huge.lpk" "$T/huge" 2> "$T/err"; st=$?
check ten_mb_paragraph_refused_split_it bash -c "test $st -eq 1 && test ! -e '$T/huge.lpk' && grep -q 'split it into several essays' '$T/err'"

mkdir -p "$T/many"
python3 -c "
import os
for i in range(20000):
    open(os.path.join('$T/many', 'e%05d.txt' % i), 'w').write('Essay %d\nIt has one short paragraph of text.\n' % i)"
"$PACKER" build --no-fonts -o "$T/many.lpk" "$T/many" 2> "$T/err"; st=$?
check twenty_thousand_files_pack bash -c "test $st -eq 0 && grep -qx 'essays: 20000' <('$PACKER' info '$T/many.lpk')"
check twenty_thousand_order bash -c "'$PACKER' list '$T/many.lpk' | sed -n '20000p' | grep -q 'Essay 19999$'"

# ---- fonts: a character the text face lacks brings a fallback face --------------
printf 'Snow\nA snowman \xe2\x98\x83 in the text.\n' > "$T/snow.txt"
"$PACKER" build -o "$T/snow.lpk" "$T/snow.txt" 2> "$T/err"; st=$?
check fallback_font_added bash -c "test $st -eq 0 && grep -q 'fallback' <('$PACKER' info '$T/snow.lpk')"
# a character no installed font has is refused, with where it is
printf 'Odd\nAn unassigned-looking private character \xf3\xb0\x80\x80 here.\n' > "$T/odd.txt"
refuse no_font_covers "U+F0000" "$T/odd.txt"
# with only the default faces installed (a fresh kiosk: Charis SIL and DejaVu), a Thai or a Japanese
# essay is refused with the script named and the Debian package that draws it
mkdir -p "$T/fc-cache"
printf '<?xml version="1.0"?>\n<fontconfig><dir>/usr/share/fonts/truetype/charis</dir><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>%s</cachedir></fontconfig>\n' \
  "$T/fc-cache" > "$T/fonts-default.conf"
printf 'Thai\n\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x94\xe0\xb8\xb5 here.\n' > "$T/thai.txt"
printf 'Tea\n\xe4\xbb\x8a\xe6\x97\xa5\xe3\x81\xaf\n' > "$T/ja.txt"
for s in thai ja; do
  FONTCONFIG_FILE="$T/fonts-default.conf" "$PACKER" build -o "$T/$s.lpk" "$T/$s.txt" 2> "$T/err-$s"; echo $? > "$T/st-$s"
done
check no_font_names_thai_and_its_package bash -c "test \$(cat '$T/st-thai') -eq 1 && test ! -e '$T/thai.lpk' &&
  grep -q 'They are Thai: install the Debian package fonts-noto-core' '$T/err-thai' && grep -q \"U+0E2A 'ส' in $T/thai.txt\" '$T/err-thai'"
check no_font_names_han_and_its_package bash -c "test \$(cat '$T/st-ja') -eq 1 && test ! -e '$T/ja.lpk' &&
  grep -q 'They are Chinese or Japanese (Han): install the Debian package fonts-noto-cjk' '$T/err-ja'"

# ---- damaged packs ----------------------------------------------------------------
cp "$B/default.lpk" "$T/dmg.lpk"
size=$(stat -c %s "$T/dmg.lpk")
head -c $((size - 1)) "$T/dmg.lpk" > "$T/trunc.lpk"
"$PACKER" verify "$T/trunc.lpk" > /dev/null 2> "$T/err"; st=$?
check verify_truncated_exit_1 bash -c "test $st -eq 1 && grep -q 'truncated' '$T/err'"
# flip a byte inside the first essay block (just after the header)
printf '\x55' | dd of="$T/dmg.lpk" bs=1 seek=100 conv=notrunc 2> /dev/null
"$PACKER" verify "$T/dmg.lpk" > /dev/null 2> "$T/err"; st=$?
check verify_damaged_exit_1 test $st -eq 1
check verify_names_the_essay grep -q "essay 1 '" "$T/err"
