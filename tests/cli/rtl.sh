#!/bin/bash
# Right-to-left paragraphs in layout (issue 12, bidi): a Hebrew and an
# Arabic essay, with Latin words, digits and brackets inside, are laid out
# and dumped (--dump-layout). Every line of them is compared with fribidi(1)
# on that line's own text under a right-to-left base (layout reorders each
# line after breaking, text_bidi_reorder): the runs, read left to right,
# each right-to-left run's characters from its right end (a base's marks
# after it, brackets mirrored, as fribidi prints them), make fribidi's
# visual string. fribidi's Arabic presentation forms are mapped back to
# the plain letters first (as tests/cli/bidi.sh does). And the lines are
# set from the right: the rightmost run holds the line's first character,
# a paragraph's last line ends at the right edge of the measure, and every
# line says dir "rtl". A Latin paragraph in the same pack stays "ltr" with
# its runs in logical order. A Hebrew list hangs its bullets on the right,
# a Hebrew quote is indented from the right.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
need() { command -v "$1" > /dev/null 2>&1 || { fail "rtl_needs_$1" "$1 is missing (tools/deps.sh test)"; exit 1; }; }
need fribidi
need python3

mkdir -p "$T/e"
cat > "$T/e/manifest.ini" <<'EOF'
[a.txt]
title = עברית
lang = he
[b.txt]
title = العربية
lang = ar
[c.txt]
title = Latin
lang = en
[d.md]
title = רשימה
lang = he
EOF
printf 'פסקה לפני הרשימה.\n\n- פריט ראשון ברשימה\n- פריט שני\n\n> ציטוט קצר בעברית\n' > "$T/e/d.md"
cat > "$T/e/a.txt" <<'EOF'
המוזיאון נפתח בשנת 1975 (לפני כמעט חמישים שנה) ומציג כיום יותר מ־300 פריטים. בין המבקרים יש רבים שמגיעים מ-Tel Aviv ו-Haifa, והם קוראים את השלטים [בעברית ובאנגלית] בשקט רב. הכניסה חופשית לכולם בימי שלישי.
EOF
cat > "$T/e/b.txt" <<'EOF'
افتتح المتحف في عام 1975 (قبل خمسين عاما تقريبا) ويعرض اليوم أكثر من 300 قطعة. يأتي كثير من الزوار من مدينة Cairo ومن مدن أخرى، ويقرؤون اللوحات [بالعربية وبلغات أخرى] بهدوء كبير. الدخول مجاني للجميع يوم الجمعة.
EOF
cat > "$T/e/c.txt" <<'EOF'
The museum opened in 1975 (almost fifty years ago) and shows more than 300 objects today, with labels in two languages.
EOF
"$PACKER" build -o "$T/rtl.lpk" "$T/e" > "$T/build.out" 2> "$T/build.err"; st=$?
check rtl_pack_built bash -c "test $st -eq 0 && test -s '$T/rtl.lpk'" || { cat "$T/build.err" >&2; exit 1; }
for sz in 480x320 800x480; do
  "$READER" --pack "$T/rtl.lpk" --dump-layout --size $sz > "$T/dump-$sz.jsonl" 2> "$T/dump.err"; st=$?
  check "rtl_dump_${sz}_exit_0" bash -c "test $st -eq 0 && test -s '$T/dump-$sz.jsonl'"
done

T="$T" python3 - <<'PY'
import json, os, subprocess, sys, unicodedata
T = os.environ["T"]
def check(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + name)
    if not ok: print("  " + why, file=sys.stderr)
MIRROR = dict(zip("()[]{}<>«»", ")(][}{><»«"))
def visual_run(text, rtl):
    if not rtl: return text
    # clusters (a base and its marks), last first; brackets mirrored
    cl = []
    for c in text:
        if cl and unicodedata.combining(c): cl[-1] += c
        else: cl.append(c)
    return "".join(MIRROR.get(c[0], c[0]) + c[1:] for c in reversed(cl))
def unshape(line):
    return "".join(unicodedata.normalize("NFKC", c) if 0xFB50 <= ord(c) <= 0xFDFF or 0xFE70 <= ord(c) <= 0xFEFE else c
                   for c in line)
for sz in ("480x320", "800x480"):
    lines = [json.loads(l) for l in open(f"{T}/dump-{sz}.jsonl", encoding="utf-8")]
    body = [d for d in lines if d["kind"] == "para"]
    rtl = [d for d in body if d["essay"] in (1, 2)]
    # a right-to-left list: its bullet hangs right of the item, a space out; a quote is indented from the right
    items = [d for d in lines if d["essay"] == 4 and d["kind"] == "list"]
    def right(d): return max(r["x"] + sum(g[2] for g in r["glyphs"]) for r in d["runs"])
    labels = [(right(d), m["x"]) for d in items for m in d["marks"] if m["what"] == "label"]
    check(f"rtl_{sz}_list_label_hangs_right", len(labels) == 2 and all(d["dir"] == "rtl" for d in items)
          and all(2 <= lx - rx <= 12 for rx, lx in labels), f"{labels}")
    para4 = [d for d in lines if d["essay"] == 4 and d["kind"] == "para"]
    quote = [d for d in lines if d["essay"] == 4 and d["kind"] == "quote"]
    check(f"rtl_{sz}_quote_indented_from_the_right", bool(para4 and quote) and
          right(quote[0]) < right(para4[0]) - 10, f"quote ends {quote and right(quote[0])}, para {para4 and right(para4[0])}")
    ltr = [d for d in body if d["essay"] == 3]
    check(f"rtl_{sz}_paragraphs_dir_rtl", len(rtl) >= 4 and all(d["dir"] == "rtl" for d in rtl),
          f"{len(rtl)} lines, dirs {[d['dir'] for d in rtl]}")
    check(f"rtl_{sz}_latin_stays_ltr", ltr and all(d["dir"] == "ltr" and all(r["dir"] == "ltr" for r in d["runs"])
          and [r["offset"] for r in d["runs"]] == sorted(r["offset"] for r in d["runs"]) for d in ltr))
    # each line's logical text and our visual string; fribidi on all of them at once
    logical, ours = [], []
    for d in rtl:
        runs = d["runs"]
        logical.append("".join(r["text"] for r in sorted(runs, key=lambda r: r["offset"])))
        ours.append("".join(visual_run(r["text"], r["dir"] == "rtl") for r in runs))
    with open(f"{T}/lines-{sz}.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(logical) + "\n")
    out = subprocess.run(["fribidi", "--nopad", "--nobreak", "--rtl", f"{T}/lines-{sz}.txt"],
                         capture_output=True, text=True, encoding="utf-8")
    theirs = [unshape(l) for l in out.stdout.split("\n")[:len(logical)]]
    bad = [(a, b) for a, b in zip(ours, theirs) if a != b]
    check(f"rtl_{sz}_visual_order_same_as_fribidi", out.returncode == 0 and len(theirs) == len(ours) and not bad,
          f"{len(bad)} of {len(ours)} lines differ; first: ours {bad[0][0]!r} fribidi {bad[0][1]!r}" if bad else out.stderr)
    mixed = sum(1 for d in rtl if len({r["dir"] for r in d["runs"]}) > 1)
    check(f"rtl_{sz}_some_lines_mix_directions", mixed >= 2, f"{mixed} mixed lines")
    # set from the right
    first_right = all(min(d["runs"], key=lambda r: r["offset"]) is d["runs"][-1] for d in rtl if d["runs"])
    check(f"rtl_{sz}_first_character_in_rightmost_run", first_right)
    edge = {}
    for d in rtl:
        if d["end"] != "block": edge.setdefault((d["essay"], d["block"]), d["x"] + d["width"])
    ok_edge, why = True, ""
    for d in rtl:
        if d["end"] != "block" or (d["essay"], d["block"]) not in edge: continue
        r = d["runs"][-1]
        right = r["x"] + sum(g[2] for g in r["glyphs"])
        want = edge[(d["essay"], d["block"])]
        if abs(right - want) > 0.5: ok_edge, why = False, f"last line ends at {right}, the measure at {want}"
        if d["x"] <= edge[(d["essay"], d["block"])] - d["width"] + 0.5: ok_edge, why = False, f"last line starts at the left: {d['x']}"
    check(f"rtl_{sz}_last_line_flush_right", ok_edge and len(edge) >= 2, why or f"{len(edge)} paragraphs")
PY
