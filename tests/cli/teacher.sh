#!/bin/bash
# A teacher's real folder (tests/teacher, plus the files a script cannot
# keep in git as text: a LibreOffice .odt, a Word .docx, a PDF and a
# Windows-1252 file, made here): every message checked, in the words a
# teacher reads. Then a folder of problems, all reported in one run.
. tests/cli/lib.sh

cp -r tests/teacher "$T/class"
python3 - "$T/class" <<'EOF'
import sys, zipfile, os
d = sys.argv[1]
z = zipfile.ZipFile(os.path.join(d, 'notes.odt'), 'w')
z.writestr(zipfile.ZipInfo('mimetype'), 'application/vnd.oasis.opendocument.text')
z.writestr('content.xml', '<office:document-content/>'); z.close()
z = zipfile.ZipFile(os.path.join(d, 'letter.docx'), 'w')
z.writestr('[Content_Types].xml', '<Types/>'); z.writestr('word/document.xml', '<w:document/>'); z.close()
open(os.path.join(d, 'report.pdf'), 'wb').write(b'%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n')
open(os.path.join(d, 'cafe.txt'), 'wb').write(
    'Le caf\u00e9 du coin\n\nOn y boit un caf\u00e9 cr\u00e8me, et l\u2019\u00e9t\u00e9 on s\u2019assoit dehors \u2014 c\u2019est tr\u00e8s agr\u00e9able.\n'.encode('cp1252'))
EOF
# The essay with no patterns: Spanish, or the first of these languages
# whose patterns this machine does not have.
L=
for l in es it nl sv pl da; do
  ls /usr/share/hyphen/hyph_${l}[._]*dic > /dev/null 2>&1 || { L=$l; break; }
done
check a_language_without_patterns test -n "$L"
sed -i "s/^lang = es$/lang = $L/" "$T/class/manifest.ini"

"$PACKER" build --no-fonts -o "$T/class.lpk" "$T/class" > "$T/out" 2> "$T/err"; st=$?
check class_builds test "$st" -eq 0
echo "--- the teacher's folder, stderr:"; sed "s|$T/||g" "$T/err"; echo "--- stdout:"; sed "s|$T/||g" "$T/out"
has() { grep -qF -- "$1" "$T/err"; }
check odt_named has "class/notes.odt: skipped: a LibreOffice document; save it as Plain Text (UTF-8) or Markdown to pack it"
check docx_named has "class/letter.docx: skipped: a Word document; save it as Plain Text (UTF-8) or Markdown to pack it"
check pdf_named has "class/report.pdf: skipped: a PDF file; save it as Plain Text (UTF-8) or Markdown to pack it"
check subfolder_named has "class/unit2: skipped: a folder; only the essays directly in $T/class are packed (give $T/class/unit2 as another input"
check empty_essay_warned has "class/empty.txt: skipped: the file is empty"
check cp1252_converted_named has "class/cafe.txt: read as Windows-1252 text (it is not UTF-8) and converted to UTF-8"
check hard_wrap_noted has "class/gutenberg.txt: its 14 lines were joined into 4 paragraphs"
check poem_not_joined bash -c "! grep -q 'poem.txt' '$T/err'"
pkg=$(case $L in es) echo hyphen-es;; *) echo "hyphen-$L";; esac)
check patterns_missing_named has "class/spanish.md: no hyphenation patterns for"
check patterns_missing_package has "install the Debian package $pkg and build again"
check patterns_missing_manifest_line has "(the language is set by lang = $L at $T/class/manifest.ini:4)"
check image_noted has "class/welcome.md: images are not shown: map.png"
check skipped_in_name_order bash -c "grep -o '[a-z0-9]*\.[a-z]*: skipped\|unit2: skipped' '$T/err' | head -4 | tr '\n' ' ' | grep -qx 'letter.docx: skipped notes.odt: skipped report.pdf: skipped unit2: skipped '"
# one summary line, on stdout; its figures are the pack's
check one_summary_line test "$(wc -l < "$T/out")" -eq 1
"$PACKER" list "$T/class.lpk" > "$T/list"
words=$(awk '{s += $2} END {print s}' "$T/list")
size=$(stat -c %s "$T/class.lpk")
kb=$(python3 -c "print('%.1f kB' % ($size / 1e3))")
check summary_figures grep -qx "packed 5 essays, $words words, $kb, 0 fonts into $T/class.lpk" "$T/out"
check five_essays test "$(wc -l < "$T/list")" -eq 5
n_of() { grep -n "$1" "$T/list" | cut -d: -f1; }
"$PACKER" cat "$T/class.lpk" "$(n_of 'Le café du coin')" > "$T/cafe" 2>&1
check cafe_stays_cafe grep -qF 'On y boit un café crème, et l’été on s’assoit dehors — c’est très agréable.' "$T/cafe"
"$PACKER" cat "$T/class.lpk" "$(n_of 'Pride and Prejudice')" > "$T/gut"
check wrapped_lines_joined grep -qF 'single man in possession of a good fortune' "$T/gut"
check wrapped_paragraphs_kept test "$(grep -c . "$T/gut")" -eq 4
"$PACKER" cat "$T/class.lpk" "$(n_of 'The Road in Autumn')" > "$T/poem"
check poem_lines_kept grep -qx 'red and brown and gold,' "$T/poem"
"$PACKER" cat "$T/class.lpk" "$(n_of 'La biblioteca')" --show-hyphens > "$T/es"
check unhyphenated_essay bash -c "grep -q 'conversación' '$T/es' && ! grep -q '‧' '$T/es'"
"$PACKER" cat "$T/class.lpk" "$(n_of 'Welcome')" --show-hyphens > "$T/en"
check english_still_hyphenated grep -q '‧' "$T/en"

# ---- --encoding ----------------------------------------------------------------
enc() { rm -f "$T/e.lpk"; "$PACKER" build --no-fonts -o "$T/e.lpk" "$@" > /dev/null 2> "$T/err"; st=$?; }
enc --encoding windows-1252 "$T/class/cafe.txt"
check encoding_cp1252_forced bash -c "test $st -eq 0 && grep -qF 'read as Windows-1252 text and converted' '$T/err'"
enc --encoding utf-8 "$T/class/cafe.txt"
check encoding_utf8_refuses bash -c "test $st -eq 1 && test ! -e '$T/e.lpk' && grep -qF 'cafe.txt:1: byte offset 6: byte 0xE9 is not UTF-8 text' '$T/err'"
enc --encoding latin-1 "$T/class/cafe.txt"   # l’été: 0x92 is a control character in Latin-1
check encoding_latin1_refuses_c1 bash -c "test $st -eq 1 && grep -qF 'cafe.txt:3: byte offset 46: an invisible control character (U+0092)' '$T/err'"
printf 'Caf\xe9 only\n\nCaf\xe9 au lait.\n' > "$T/latin.txt"
enc --encoding latin-1 "$T/latin.txt"
check encoding_latin1_reads bash -c "test $st -eq 0 && '$PACKER' cat '$T/e.lpk' 1 | grep -qx 'Café au lait.'"
enc --encoding ebcdic "$T/latin.txt"
check encoding_unknown_is_usage bash -c "test $st -eq 2 && grep -qF 'give utf-8, windows-1252 or latin-1' '$T/err'"

# ---- every problem in one run ----------------------------------------------------
mkdir -p "$T/bad"
printf 'One\n\nA fine essay.\n' > "$T/bad/a-good.txt"
printf 'Two\n\nGood line\nBad \x81 byte\n' > "$T/bad/b-hole.txt"
printf 'Three\nA NUL \x00 here\n' > "$T/bad/c-nul.txt"
printf 'Four\nA bell \x07 here\n' > "$T/bad/d-bell.txt"
printf 'Five\nCaf\xc3\xa9 and caf\xe9 mixed\n' > "$T/bad/e-mixed.txt"
head -c 3000 /bin/sh > "$T/bad/f-program.txt"
cp "$T/class/report.pdf" "$T/bad/g-renamed.txt"
printf '[a-good.txt]\n[gone.txt]\n' > "$T/bad/manifest.ini"
"$PACKER" build --no-fonts -o "$T/bad.lpk" "$T/bad" > "$T/out" 2> "$T/err"; st=$?
echo "--- the folder of problems, stderr:"; sed "s|$T/||g" "$T/err"
check problems_exit_1_no_pack bash -c "test $st -eq 1 && test ! -e '$T/bad.lpk' && test ! -s '$T/out' && test \$(ls '$T' | grep -c bad.lpk) -eq 0"
check problem_manifest has "problem: $T/bad/manifest.ini:2: [gone.txt]: there is no such file in $T/bad"
check problem_hole has "problem: $T/bad/b-hole.txt:4: byte offset 19: byte 0x81 is not UTF-8 text, nor Windows-1252"
check problem_nul has "problem: $T/bad/c-nul.txt:2: byte offset 12: a zero byte (NUL), which text does not have"
check problem_bell has "problem: $T/bad/d-bell.txt:2: byte offset 12: an invisible control character (U+0007), not text; delete it, or build with --lossy"
check problem_mixed has "problem: $T/bad/e-mixed.txt:2: byte offset 18: byte 0xE9 is not UTF-8 text, though the rest of the file is: two encodings are mixed"
check problem_program has "problem: $T/bad/f-program.txt: this is not a text file"
check problem_renamed_pdf has "problem: $T/bad/g-renamed.txt: this is a PDF file, not a text file; open it and save it as Plain Text (UTF-8) or Markdown"
check problems_counted grep -qx 'lectern-pack: 7 problems found; no pack was written' "$T/err"
check no_lossy_for_binary bash -c "! grep -E 'c-nul|f-program|g-renamed' '$T/err' | grep -q lossy"
check last_line_is_the_count bash -c "tail -1 '$T/err' | grep -q '7 problems found'"

mkdir -p "$T/many"
for i in $(seq -w 1 60); do printf 'T%s\nBad \x81 here\n' "$i" > "$T/many/e$i.txt"; done
"$PACKER" build --no-fonts -o "$T/many.lpk" "$T/many" > /dev/null 2> "$T/err"; st=$?
check fifty_listed bash -c "test $st -eq 1 && test \$(grep -c '^lectern-pack: problem: ' '$T/err') -eq 51"
check and_ten_more grep -qx 'lectern-pack: problem: and 10 more problems' "$T/err"
check sixty_counted grep -qx 'lectern-pack: 60 problems found; no pack was written' "$T/err"
check fiftieth_is_e50 bash -c "grep '^lectern-pack: problem: ' '$T/err' | sed -n 50p | grep -q 'many/e50.txt:2: byte offset'"

# ---- plurals, fonts in the summary ---------------------------------------------------
printf 'Hello\n' > "$T/one.txt"
"$PACKER" build --no-fonts -o "$T/one.lpk" "$T/one.txt" > "$T/out" 2> "$T/err"
check one_essay_one_word grep -q '^packed 1 essay, 1 word, [0-9]* bytes, 0 fonts into ' "$T/out"
"$PACKER" build -o "$T/one.lpk" "$T/one.txt" > "$T/out" 2> "$T/err"
nf=$("$PACKER" info "$T/one.lpk" | sed -n 's/^fonts: //p')
check summary_counts_fonts grep -q "kB, $nf fonts into \|MB, $nf fonts into " "$T/out"
check summary_not_on_stderr bash -c "! grep -q '^packed ' '$T/err'"

# ---- nothing left to pack --------------------------------------------------------------
mkdir -p "$T/hollow"; : > "$T/hollow/a.txt"; printf '\n\n' > "$T/hollow/b.md"
"$PACKER" build --no-fonts -o "$T/hollow.lpk" "$T/hollow" > /dev/null 2> "$T/err"; st=$?
check all_empty_refused bash -c "test $st -eq 1 && test ! -e '$T/hollow.lpk' && grep -q 'nothing to pack: every essay was empty and skipped' '$T/err'"
check all_empty_named bash -c "grep -q 'hollow/a.txt: skipped: the file is empty' '$T/err' && grep -q 'hollow/b.md: skipped: the essay is empty' '$T/err'"

# ---- --cluster-size: help and the limit agree ----------------------------------------
"$PACKER" --help > "$T/help"
check help_cluster_limit grep -q 'to 1048576 (1 MiB)' "$T/help"
check help_names_encoding grep -q -- '--encoding E' "$T/help"
"$PACKER" build --no-fonts --cluster-size 1048577 -o "$T/c.lpk" "$T/one.txt" > /dev/null 2> "$T/err"; st=$?
check cluster_over_limit_refused bash -c "test $st -eq 1 && test ! -e '$T/c.lpk' && grep -q 'at most 1048576 (1 MiB)' '$T/err'"
"$PACKER" build --no-fonts --cluster-size 1048576 -o "$T/c.lpk" "$T/one.txt" > /dev/null 2>&1
check cluster_at_limit_accepted test -s "$T/c.lpk"

# ---- --lang: a tag without patterns warns and packs; what is not a tag is a problem
"$PACKER" build --no-fonts --lang xx -o "$T/x.lpk" "$T/one.txt" > /dev/null 2> "$T/err"; st=$?
check lang_without_patterns_packs bash -c "test $st -eq 0 && grep -qF 'one.txt: no hyphenation patterns for xx are installed' '$T/err' && grep -qF '(the language is set by --lang xx)' '$T/err'"
rm -f "$T/x.lpk"
"$PACKER" build --no-fonts --lang 'not a tag' -o "$T/x.lpk" "$T/one.txt" > /dev/null 2> "$T/err"; st=$?
check lang_not_a_tag_refused bash -c "test $st -eq 1 && test ! -e '$T/x.lpk' && grep -qF \"'not a tag' is not a language tag\" '$T/err'"
