#!/bin/bash
# Bidirectional text (src/text_bidi.h) compared with FriBidi's own
# command-line tool, fribidi(1) (libfribidi-bin), on mixed lines: Hebrew,
# Arabic and Persian with Western, Arabic-Indic and Persian digits, English
# inside Hebrew and the other way round, brackets and quotes to mirror,
# explicit embeddings, overrides and isolates, combining marks, a tab, an
# emoji, leading and trailing spaces, an empty line. Each line is one
# paragraph set as one line, under each base direction fribidi has
# (--wltr, --wrtl, --ltr, --rtl). `test_bidi --visual` prints, from
# text_bidi_reorder's runs, what fribidi prints: the visual string with
# brackets mirrored, the base direction, the visual-to-logical map and the
# levels; the two must be the same, line for line.
#
# fribidi also shapes Arabic (presentation forms, FRIBIDI_FLAGS_ARABIC),
# which lectern leaves to HarfBuzz: its visual strings are mapped back to
# the plain letters (NFKC of U+FB50..U+FDFF, U+FE70..U+FEFE) before the
# comparison. A lam-alef ligature would turn two letters into one, so the
# lines have none, and one appearing fails the test.
. tests/cli/lib.sh

need() { command -v "$1" > /dev/null 2>&1 || { fail "bidi_needs_$1" "$1 is missing (tools/deps.sh test)"; exit 1; }; }
need fribidi
need python3
BIN=$B/tests/test_bidi
[ -x "$BIN" ] || { fail bidi_needs_test_bidi "$BIN is not built"; exit 1; }

cat > "$T/lines.txt" <<'EOF'
Hello world, nothing to turn around.
שלום עולם.
في عام 2024 كان المتحف مغلقا.
אני אוהב את Hello World מאוד
שלום (עולם) [abc] {x} <y>
123 - 456!
The price is 100 ש״ח (about $27).
مرحبا بكم في المتحف
עברית 1.5% and English, 3-4 נקודות.
abc ‫אבג def‬ ghi
⁧abc⁩ שלום ⁦עולם⁩ 12
Arabic numerals ١٢٣ in text, and ٤٥٦.
«שלום» <<עולם>> “quoted”
  leading and trailing spaces שלום  
سال ۱۴۰۲ است
שָׁלוֹם עֲלֵיכֶם
a	שלום	b
ראו https://example.org/a?b=1 עכשיו
שלום 😀 עולם
x ‮abc‬ y
(a [b) c] שלום
نسبة 12.5% من 300

EOF
nlines=$(wc -l < "$T/lines.txt")

unshape() { # the visual string lines (every 4th, from the first) back to plain letters
  python3 -c '
import sys, unicodedata
out = []
for i, line in enumerate(sys.stdin.read().split("\n")):
    if i % 4 == 0:
        if any(0xFEF5 <= ord(c) <= 0xFEFC for c in line):
            sys.exit("fribidi made a lam-alef ligature: " + line)
        line = "".join(unicodedata.normalize("NFKC", c)
                       if 0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFE else c for c in line)
    out.append(line)
sys.stdout.write("\n".join(out))
'
}

total_rtl=0
for mode in wltr:auto wrtl:auto-rtl ltr:ltr rtl:rtl; do
  opt=${mode%%:*} ours=${mode##*:}
  name=bidi_same_as_fribidi_$opt
  if ! fribidi --nopad --nobreak --basedir --vtol --levels --"$opt" "$T/lines.txt" > "$T/fribidi.raw" 2> "$T/err"; then
    fail "$name" "fribidi --$opt: $(cat "$T/err")"; continue
  fi
  if ! unshape < "$T/fribidi.raw" > "$T/fribidi.txt" 2> "$T/err"; then
    fail "$name" "$(cat "$T/err")"; continue
  fi
  if ! "$BIN" --visual "$ours" < "$T/lines.txt" > "$T/ours.txt" 2> "$T/err"; then
    fail "$name" "test_bidi --visual $ours: $(cat "$T/err")"; continue
  fi
  # the comparison is not empty: one block of four lines per input line,
  # and lines that really turn around
  blocks=$(grep -c '^Base direction: ' "$T/ours.txt")
  rtl=$(grep -c '^Base direction: R' "$T/ours.txt")
  total_rtl=$((total_rtl + rtl))
  if [ "$blocks" -ne "$nlines" ]; then
    fail "$name" "$blocks paragraphs from test_bidi --visual for $nlines lines"
  elif ! diff "$T/fribidi.txt" "$T/ours.txt" > "$T/diff"; then
    fail "$name" "text_bidi and fribidi --$opt differ:
$(head -40 "$T/diff")"
  else
    ok "$name"
  fi
done
echo "# $nlines lines under 4 base directions; $total_rtl paragraphs set right to left"
# auto: the Hebrew and Arabic lines are RTL (12 of them); rtl: all of them
check bidi_some_paragraphs_rtl [ "$total_rtl" -ge $((nlines + 12)) ]
# the visual order is not the logical one for the right-to-left lines
"$BIN" --visual auto < "$T/lines.txt" | sed -n '1~4p' > "$T/vis.txt"
changed=$(paste -d '\n' "$T/lines.txt" "$T/vis.txt" | awk 'NR % 2 { a = $0; next } a != $0 { n++ } END { print n + 0 }')
echo "# $changed of $nlines lines are reordered on screen"
check bidi_lines_reordered [ "$changed" -ge 15 ]
