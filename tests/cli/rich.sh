#!/bin/bash
# Rich text in the reader (issue: rich text), through --dump-layout and a
# --screenshot, on tests/golden/md-sample/rich.md: one line mixes regular,
# italic, bold, bold italic and monospace runs and is still justified;
# strike, links and their note numbers; hard line breaks end lines; the
# first page opens with the title and byline, set large; code lines in the
# code face, wrapped with a continuation mark; the end notes with labels.
# With the default pack's three faces, bold italic and code fall back (to
# bold, and to regular at body size) as font.h says.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
C=/usr/share/fonts/truetype/charis
MONO=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
SAMPLE=tests/golden/md-sample
command -v python3 > /dev/null 2>&1 || { fail rich_needs_python3 "python3 is missing (tools/deps.sh test)"; exit 1; }
for f in "$C/CharisSIL-BoldItalic.ttf" "$MONO"; do
  [ -f "$f" ] || { fail rich_needs_fonts "$f is missing (fonts-sil-charis, fonts-dejavu-core)"; exit 1; }
done

"$PACKER" build -o "$T/five.lpk" --font "$C/CharisSIL-Regular.ttf" --font "$C/CharisSIL-Italic.ttf" \
  --font "$C/CharisSIL-Bold.ttf" --font "$C/CharisSIL-BoldItalic.ttf" --font "$MONO" "$SAMPLE" > /dev/null 2>&1
check rich_five_faces_pack_built test -s "$T/five.lpk"
"$PACKER" build -o "$T/three.lpk" --font "$C/CharisSIL-Regular.ttf" --font "$C/CharisSIL-Italic.ttf" \
  --font "$C/CharisSIL-Bold.ttf" "$SAMPLE" > /dev/null 2>&1
check rich_three_faces_pack_built test -s "$T/three.lpk"
"$PACKER" build -o "$T/dflt.lpk" "$SAMPLE" > /dev/null 2>&1
check rich_default_pack_built test -s "$T/dflt.lpk"
for p in five three dflt; do
  "$READER" --pack "$T/$p.lpk" --dump-layout --size 800x480 --font-size 18px > "$T/$p.jsonl" 2> "$T/$p.err"
  check "rich_${p}_dump_exit_0" bash -c "test $? -eq 0 && test ! -s '$T/$p.err'"
done
"$READER" --pack "$T/five.lpk" --dump-layout --size 720x1280 --font-size 18px > "$T/tall.jsonl" 2> /dev/null
"$PACKER" list "$T/five.lpk" > "$T/list" 2>&1

python3 - "$T" <<'PY'
import json, os, sys
T = sys.argv[1]
def check(n, cond, why=""):
    print(("ok " if cond else "FAIL ") + n)
    if not cond: print("  " + why, file=sys.stderr)
def load(n): return [json.loads(l) for l in open(os.path.join(T, n + ".jsonl"), encoding="utf-8")]
F, D, TALL, DF = load("five"), load("three"), load("tall"), load("dflt")
runs = lambda L: [(o, r) for o in L for r in o["runs"]]
def face(L, text):
    return next(((r["font"], r["style"], r["size"]) for o, r in runs(L) if text in r["text"]), None)

# 1. five faces on one line, justified by the line breaker
first = next(o for o in F if o["kind"] == "para")
fonts = {r["font"] for r in first["runs"]}
check("rich_one_line_five_faces", fonts == {"Charis SIL Regular", "Charis SIL Italic", "Charis SIL Bold",
      "Charis SIL Bold Italic", "DejaVu Sans Mono Book"}, repr(fonts))
check("rich_mixed_line_justified", first["end"] == "space" and first["ratio"] != 0, "%r %r" % (first["end"], first["ratio"]))
want = {"italic words": ("Charis SIL Italic", ["em"]), "bold words": ("Charis SIL Bold", ["strong"]),
        "bold italic": ("Charis SIL Bold Italic", ["em", "strong"]), "code spans": ("DejaVu Sans Mono Book", ["code"]),
        "struck text": ("Charis SIL Regular", ["strike"])}
got = {k: face(F, k)[:2] if face(F, k) else None for k in want}
check("rich_runs_style_and_face", got == want, repr(got))
body = face(F, "A line mixes")[2]
check("rich_code_size_smaller_than_body", face(F, "code spans")[2] < body, repr((face(F, "code spans"), body)))
# runs split exactly at the styles: no run holds two styles' words
check("rich_runs_split_at_styles", not any("italic words" in r["text"] and "bold" in r["text"] for o, r in runs(F)), "")
# link text styled link, then its note number (superscript one) styled note
rs = [r for o, r in runs(F)]
i = next((k for k, r in enumerate(rs) if r["style"] == ["note"]), None)
check("rich_link_then_note_number", i is not None and rs[i]["text"] == "\u00b9" and rs[i - 1]["style"] == ["link"]
      and rs[i - 1]["text"].endswith("page"), repr(rs[i - 1:i + 1] if i else None))
check("rich_autolink_styled_link_without_note", face(F, "https://example.org")[1] == ["link"]
      and not any(r["style"] == ["note"] and r["text"] == "\u00b2" for r in rs), "")
# upright ")" after an italic word: a gap (italic correction) beyond the italic's own advance
o = next(o for o in F if any(r["text"] == "word" for r in o["runs"]))
k = next(k for k, r in enumerate(o["runs"]) if r["text"] == "word")
w, nx = o["runs"][k], o["runs"][k + 1]
end = w["x"] + sum(g[2] for g in w["glyphs"])
check("rich_italic_correction_before_paren", nx["text"].startswith(")") and nx["x"] - end > 0.5 and nx["x"] - end < 3,
      "word ends %r, ')' at %r" % (end, nx["x"]))

# 3. hard line breaks
hard = [o for o in F if o["end"] == "hard"]
check("rich_hard_breaks_end_lines", [o["runs"][0]["text"] for o in hard] == ["Roses are red,", "violets are blue,"],
      repr([o["runs"][0]["text"] for o in hard]))
check("rich_hard_lines_not_justified", all(o["ratio"] == 0 for o in hard), "")

# 4. the first page opens with the title and byline, set large and centred
l1, l2 = F[0], F[1]
check("rich_title_first_line", l1["kind"] == "title" and l1["page"] == 1 and l1["runs"][0]["text"] == "Every construct"
      and l1["runs"][0]["font"] == "Charis SIL Bold" and l1["runs"][0]["size"] > 1.5 * body, repr(l1)[:200])
check("rich_byline_second_line", l2["kind"] == "byline" and l2["runs"][0]["text"] == "A. Teacher"
      and l2["runs"][0]["font"] == "Charis SIL Italic" and l2["runs"][0]["size"] > body, repr(l2)[:200])
tw = sum(g[2] for g in l1["runs"][0]["glyphs"])
left = first["x"]  # the text's left edge: a paragraph's lines start there
check("rich_title_centred", abs((l1["runs"][0]["x"] - left) * 2 + tw - l1["width"]) < 2, repr((l1["x"], left, tw)))
check("rich_title_only_on_page_1", sum(o["kind"] == "title" for o in F) == 1 and TALL[0]["kind"] == "title", "")
check("rich_title_in_list", "Every construct" in open(os.path.join(T, "list")).read(), "")

# 5. code lines: monospace, wrapped with the continuation mark, spaces kept
code = [o for o in F if o["kind"] == "code"]
cont = [o for o in code if any(m["what"] == "continuation" for m in o.get("marks", []))]
check("rich_code_in_mono", code and all(r["font"] == "DejaVu Sans Mono Book" for o in code for r in o["runs"]), "")
check("rich_long_code_line_wrapped_with_mark", len(cont) >= 1 and all(o["end"] == "none" and o["ratio"] == 0 for o in cont)
      and all(m["text"] == "\u2192" for o in cont for m in o["marks"]), repr([o["end"] for o in cont]))
check("rich_code_indent_kept", any(r["text"].startswith("    indented") for o in code for r in o["runs"]), "")
for L, n in ((F, "800x480"), (TALL, "720x1280")):
    c = [o for o in L if o["kind"] == "code" and o["runs"]]
    full = "".join(r["text"] for o in c[:4] for r in o["runs"])
    check("rich_code_nothing_lost_" + n, full.startswith('int main(void) { return printf("a code line that is far too long')
          and 'of the page\\n"); }' in full, full[:120])
# lists nest, quotes nest, notes carry their labels
lists = [o for o in F if o["kind"] == "list"]
check("rich_nested_list_indented", len({o["x"] for o in lists}) >= 2 and max(o["x"] for o in lists) > min(o["x"] for o in lists) + 10, "")
labels = [m["text"] for o in lists for m in o["marks"] if m["what"] == "label"]
check("rich_bullets_dash_numbers", labels[:3] == ["\u2022", "\u2013", "\u2022"] and "1." in labels and "2." in labels, repr(labels))
quotes = [o for o in F if o["kind"] == "quote"]
check("rich_nested_quote_indented", len({o["x"] for o in quotes}) >= 2, "")
notes = [o for o in F if o["kind"] == "notes"]
check("rich_notes_with_labels", notes and notes[0]["runs"][0]["text"] == "https://example.org/lectern"
      and any(m["what"] == "label" and m["text"] == "1." for m in notes[0]["marks"]), repr(notes)[:200])
# a table that fits is set in columns: a row's cells on one baseline, each column at one x
tab = [o for o in F if o["kind"] == "table"]
rows = {}
for o in tab: rows.setdefault(o["block"], []).append(o)
xs = [[c["x"] for c in r] for r in rows.values()]
check("rich_table_in_columns", len(rows) == 3 and all(len({c["y"] for c in r}) == 1 for r in rows.values())
      and all(x == xs[0] for x in xs) and len(set(xs[0])) == 3, repr([[(c["x"], c["y"]) for c in r] for r in rows.values()]))
check("rich_table_header_strong", [r["style"] for c in rows[min(rows)] for r in c["runs"]] == [["strong"]] * 3, "")
# headings: each level its own size, larger to smaller
hs = {o["runs"][0]["text"]: o["runs"][0]["size"] for o in F if o["kind"] == "heading"}
check("rich_heading_sizes_by_level", hs.get("A second-level heading", 0) > hs.get("A third-level heading", 99) > body, repr(hs))
# the quote's "— Name" is set flush right, the quote's right edge
att = next((o for o in F if o["kind"] == "quote" and o["runs"][0]["text"].startswith("\u2014")), None)
q1 = next(o for o in F if o["kind"] == "quote")
aw = sum(g[2] for r in att["runs"] for g in r["glyphs"]) if att else 0
check("rich_quote_attribution_flush_right", att and abs(att["runs"][0]["x"] + aw - (q1["x"] + q1["width"])) < 1.5
      and att["runs"][0]["font"] == "Charis SIL Italic", repr(att)[:160])

# the default fonts (no --font): the bold italic face and the code face
# embedded, code set smaller than the body (a code face runs large)
check("rich_default_fonts_five_faces", face(DF, "bold italic")[0] == "Charis SIL Bold Italic"
      and face(DF, "code spans")[0] == "DejaVu Sans Mono Book" and face(DF, "code spans")[2] < face(DF, "A line mixes")[2],
      repr((face(DF, "bold italic"), face(DF, "code spans"))))
check("rich_default_fonts_code_block_mono", all(r["font"] == "DejaVu Sans Mono Book" for o in DF if o["kind"] == "code"
      for r in o["runs"]) and any(o["kind"] == "code" for o in DF), "")
# three faces only: bold italic from bold, code in regular at body size
check("rich_three_faces_fallback", face(D, "bold italic")[0] == "Charis SIL Bold"
      and face(D, "code spans")[0] == "Charis SIL Regular" and face(D, "code spans")[2] == face(D, "A line mixes")[2],
      repr((face(D, "bold italic"), face(D, "code spans"))))
PY
