#!/bin/bash
# lectern --dump-layout, the layout as data (a contract read by tests outside
# the project; keys in firmware/man/lectern.1): every line is JSON with every
# key and type; the pages and lines are the reader's own (--layout-stats'
# counts, and the ink of a --screenshot page where the dump puts its lines);
# the runs give back each block's text as `lectern-pack cat` prints it; glyph
# ids, clusters and advances are HarfBuzz's own (hb-shape on the same text
# and font file); soft-hyphen breaks continue the word on the next line.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
PACK=$B/default.lpk
FONTS=/usr/share/fonts/truetype/charis # what the default pack embeds (tools/fonts.c)

need() { command -v "$1" > /dev/null 2>&1 || { fail "dump_needs_$1" "$1 is missing (tools/deps.sh test)"; exit 1; }; }
need python3
need hb-shape

# ---- usage ------------------------------------------------------------------
"$READER" --help > "$T/help" 2>&1
check dump_in_help grep -q -- '--dump-layout' "$T/help"
for bad in "--layout-stats" "--screenshot $T/x" "--replay /dev/null"; do
  # shellcheck disable=SC2086
  "$READER" --pack "$PACK" --dump-layout $bad > "$T/out" 2> "$T/err"; st=$?
  check "dump_with_$(echo "$bad" | cut -c3- | cut -d' ' -f1)_is_usage_error" bash -c "test $st -eq 2 && test -s '$T/err' && test ! -s '$T/out'"
done
"$READER" --pack "$PACK" --dump-layout --essay 99 > "$T/out" 2> "$T/err"; st=$?
check dump_no_such_essay_exit_1 bash -c "test $st -eq 1 && grep -q 'no essay 99' '$T/err' && test ! -s '$T/out'"
if [ -w /dev/full ]; then # a full disk is said, not a silent short file
  "$READER" --pack "$PACK" --dump-layout > /dev/full 2> "$T/err"; st=$?
  check dump_full_disk_exit_1 bash -c "test $st -eq 1 && grep -q 'cannot write' '$T/err'"
fi

# ---- a folder with text that JSON must escape, and every block kind ---------
mkdir -p "$T/esc"
printf '%s\n' '# Quotes, "double" and \back\slash' '' \
  'A paragraph with "quotes", a back\slash, a tab	here, café, naïve, Ελληνικά and “curly” quotes. It goes on long enough to break over a few lines at this size, with words like extraordinarily and incomprehensibilities to hyphenate.' '' \
  '- a list item, long enough to wrap onto a second line of the page at the narrow size' '' \
  '> A quote that is long enough to wrap onto a second line as well, set in italic.' '' '***' '' '## A heading, in bold' '' 'The end.' > "$T/esc/escapes.md"
# straight quotes kept as typed (smart_quotes = no), so JSON must escape them
printf '[defaults]\nsmart_quotes = no\n' > "$T/esc/manifest.ini"
"$PACKER" build -o "$T/esc.lpk" "$T/esc" > /dev/null 2>&1
check esc_pack_built test -s "$T/esc.lpk"

# ---- the dumps ------------------------------------------------------------------
# dump NAME PACK [options]: NAME.jsonl, NAME.stats (same options), exit statuses
dump() {
  local n=$1 p=$2; shift 2
  "$READER" --pack "$p" --dump-layout "$@" > "$T/$n.jsonl" 2> "$T/$n.err"; local st=$?
  check "dump_${n}_exit_0" test $st -eq 0
  check "dump_${n}_quiet" test ! -s "$T/$n.err"
  "$READER" --pack "$p" --layout-stats "$@" > "$T/$n.stats" 2> /dev/null
}
dump default "$PACK"
dump big "$PACK" --size 1024x600 --font-size 22px
dump narrow "$PACK" --size 480x800 --font-size 16px
dump esc "$T/esc.lpk" --size 480x640 --font-size 18px
"$READER" --pack "$PACK" --dump-layout --essay 2 > "$T/two.jsonl" 2> /dev/null
check dump_essay_2_is_its_part_of_all bash -c "grep '^{\"essay\":2,' '$T/default.jsonl' | cmp -s - '$T/two.jsonl' && test -s '$T/two.jsonl'"
"$READER" --pack "$PACK" --screenshot "$T/shots" --essay 1 --page 2 > /dev/null 2>&1
"$READER" --pack "$PACK" --screenshot "$T/shots" --essay 5 --page 1 > /dev/null 2>&1

python3 - "$T" "$PACKER" "$FONTS" "$PACK" <<'PY'
import json, os, re, struct, subprocess, sys, zlib
T, PACKER, FONTS, PACK = sys.argv[1:5]
def ok(n): print("ok " + n)
def bad(n, why): print("FAIL " + n); print("  " + why, file=sys.stderr)
def check(n, cond, why=""):
    ok(n) if cond else bad(n, why)

KINDS = {"title", "byline", "para", "heading", "list", "quote", "code", "table", "sep", "notes"}
ENDS = {"space", "soft-hyphen", "none", "hard", "block"}
STYLES = {"em", "strong", "code", "link", "strike", "note"}
isnum = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
isint = lambda v: isinstance(v, int) and not isinstance(v, bool)

def schema(o):
    """Why o breaks the contract, or None."""
    want = {"essay": isint, "page": isint, "line": isint, "block": isint, "kind": lambda v: v in KINDS,
            "dir": lambda v: v in ("ltr", "rtl"), "x": isnum, "y": isnum, "width": isnum, "ratio": isnum,
            "scale": isnum, "end": lambda v: v in ENDS, "runs": lambda v: isinstance(v, list)}
    for k, f in want.items():
        if k not in o: return "no key " + k
        if not f(o[k]): return "bad %s: %r" % (k, o[k])
    if o["essay"] < 1 or o["page"] < 1 or o["line"] < 1: return "numbering"
    # the title and byline open the essay: block 0; no line has a negative block
    if o["block"] < 0 or (o["kind"] in ("title", "byline") and o["block"] != 0): return "block %r of a %s line" % (o["block"], o["kind"])
    for r in o["runs"]:
        rw = {"text": lambda v: isinstance(v, str) and v != "", "offset": isint,
              "style": lambda v: isinstance(v, list) and all(s in STYLES for s in v),
              "font": lambda v: isinstance(v, str) and v != "", "size": isint,
              "dir": lambda v: v in ("ltr", "rtl"), "x": isnum, "glyphs": lambda v: isinstance(v, list) and v != []}
        for k, f in rw.items():
            if k not in r: return "run without " + k
            if not f(r[k]): return "run: bad %s: %r" % (k, r[k])
        for g in r["glyphs"]:
            if not (isinstance(g, list) and len(g) == 3 and isint(g[0]) and isint(g[1]) and isnum(g[2])):
                return "bad glyph %r" % (g,)
    return None

def load(name):
    out, errs = [], []
    for i, l in enumerate(open(os.path.join(T, name + ".jsonl"), encoding="utf-8")):
        try:
            o = json.loads(l)
        except ValueError as ex:
            errs.append("line %d: %s" % (i + 1, ex)); continue
        w = schema(o)
        if w: errs.append("line %d: %s" % (i + 1, w))
        out.append(o)
    return out, errs

def stats(name):
    d = {}
    for l in open(os.path.join(T, name + ".stats")):
        m = re.match(r"essay=(\d+) pages=(\d+) lines=(\d+)", l)
        if m: d[int(m[1])] = (int(m[2]), int(m[3]))
    return d

def blocks(pack, n):
    """Essay n's blocks as `lectern-pack cat --show-hyphens` prints them, soft hyphens put back."""
    t = subprocess.run([PACKER, "cat", pack, str(n), "--show-hyphens"], capture_output=True, check=True).stdout.decode()
    lines = t.split("\n")
    return [l.replace("\u2027", "\u00ad") for l in lines[lines.index("") + 1:-1]]

def strip_prefix(kind, s):
    """The block's own text: cat's line less the marker it adds for the kind."""
    if kind == "heading": return re.sub(r"^#+ ", "", s)
    if kind == "quote": return s[2:] if s.startswith("> ") else s
    if kind == "sep": return s.replace("* * *", "", 1)
    if kind == "list":
        i = s.find(" ")
        return s[i + 1:]
    return s

SHY = "\u00ad"
all_runs = []
for name, pack in (("default", PACK), ("big", PACK), ("narrow", PACK), ("esc", os.path.join(T, "esc.lpk"))):
    L, errs = load(name)
    check("dump_%s_every_line_json_with_every_key" % name, L and not errs, "; ".join(errs[:5]))
    if not L: continue
    # reading order and numbering: line from 1 on every page, pages from 1
    seq_ok, why = True, ""
    prev = None
    for o in L:
        k = (o["essay"], o["page"], o["line"])
        if prev is None: good = k[1:] == (1, 1)
        elif k[0] != prev[0]: good = k[0] == prev[0] + 1 and k[1:] == (1, 1)
        elif k[1] != prev[1]: good = k[1] == prev[1] + 1 and k[2] == 1
        else: good = k[2] == prev[2] + 1
        if not good and seq_ok: seq_ok, why = False, "%r after %r" % (k, prev)
        prev = k
    check("dump_%s_reading_order_line_per_page" % name, seq_ok, why)
    st = stats(name)
    per = {}
    for o in L:
        p, n = per.get(o["essay"], (0, 0))
        per[o["essay"]] = (max(p, o["page"]), n + 1)
    check("dump_%s_pages_and_lines_as_layout_stats" % name, st and per == st, "dump %r, stats %r" % (per, st))
    # the block's text back from the runs and what the breaks consumed
    essays = sorted(per)
    rebuilt_ok, why, n_soft, soft_ok, swhy, clus_ok, cwhy = True, "", 0, True, "", True, ""
    for e in essays:
        B = blocks(pack, e)
        lines = [o for o in L if o["essay"] == e and o["kind"] not in ("title", "byline")]
        front = [o for o in L if o["essay"] == e and o["kind"] in ("title", "byline")]
        # the first page opens with the title (and byline when there is one), then the text
        if rebuilt_ok and not (front and front[0]["kind"] == "title" and all(o["page"] == 1 for o in front)
                               and [o["line"] for o in front] == list(range(1, len(front) + 1))):
            rebuilt_ok, why = False, "essay %d: title lines %r" % (e, [(o["page"], o["line"], o["kind"]) for o in front])
        got = {}
        for i, o in enumerate(lines):
            if o["block"] >= len(B):
                rebuilt_ok, why = False, "essay %d: block %d of %d" % (e, o["block"], len(B)); break
            raw = strip_prefix(o["kind"], B[o["block"]]).encode()
            t = got.setdefault(o["block"], [])
            for r in o["runs"]:
                t.append(r["text"])
                # offset: the run is there in the block's bytes, soft hyphens aside
                seg, j = b"", r["offset"]
                want = r["text"].encode()
                while len(seg) < len(want) and j < len(raw):
                    if raw[j:j + 2] == SHY.encode(): j += 2; continue
                    seg += raw[j:j + 1]; j += 1
                if seg != want and rebuilt_ok:
                    rebuilt_ok, why = False, "essay %d block %d: offset %d holds %r, not %r" % (e, o["block"], r["offset"], seg, want)
                tb = r["text"].encode()
                cl = [g[1] for g in r["glyphs"]]
                if not all(0 <= c < len(tb) and (tb[c] & 0xC0) != 0x80 for c in cl) or cl != sorted(cl) or cl[0] != 0:
                    if clus_ok: clus_ok, cwhy = False, "%r: clusters %r" % (r["text"], cl)
                all_runs.append((name, r))
            if o["end"] == "space": t.append(" ")
            if o["end"] == "soft-hyphen":
                n_soft += 1
                nx = lines[i + 1] if i + 1 < len(lines) else None
                if not nx or nx["block"] != o["block"] or not nx["runs"] or not o["runs"]:
                    soft_ok, swhy = False, "essay %d: soft-hyphen line not followed by its block" % e
                else:
                    a, b = o["runs"][-1]["text"], nx["runs"][0]["text"]
                    at = nx["runs"][0]["offset"]
                    if not (a[-1:].isalpha() and b[:1].isalpha() and raw[at - 2:at] == SHY.encode()
                            and any(m["what"] == "hyphen" for m in o.get("marks", []))):
                        soft_ok, swhy = False, "essay %d: %r | %r (before next: %r)" % (e, a[-12:], b[:12], raw[at - 2:at])
        for bi, parts in got.items():
            kind = next(o["kind"] for o in lines if o["block"] == bi)
            want = strip_prefix(kind, B[bi]).replace(SHY, "")
            if "".join(parts) != want and rebuilt_ok:
                rebuilt_ok, why = False, "essay %d block %d: %r != %r" % (e, bi, "".join(parts)[:80], want[:80])
        if len(got) != len(B) and rebuilt_ok:
            rebuilt_ok, why = False, "essay %d: %d blocks laid out of %d" % (e, len(got), len(B))
    check("dump_%s_runs_give_back_each_block" % name, rebuilt_ok, why)
    check("dump_%s_clusters_in_text" % name, clus_ok, cwhy)
    if name != "esc":
        check("dump_%s_has_soft_hyphen_breaks" % name, n_soft > 0, "none")
    check("dump_%s_soft_hyphen_continues_word" % name, soft_ok, swhy)
    # geometry: runs inside the line (with what hangs into the margins,
    # drawn as wide as the line's expansion), justified lines fill the measure
    geo_ok, gwhy = True, ""
    n_scaled = n_hung = 0
    for o in L:
        if not o["runs"]: continue
        x0 = o["runs"][0]["x"]
        last = o["runs"][-1]
        sc, (hl, hr) = o["scale"], o["hang"]
        n_scaled += sc != 1.0
        n_hung += hl != 0 or hr != 0
        right = last["x"] + sum(g[2] for g in last["glyphs"]) * sc
        # natural widths: a shrunk line's may pass the measure by a third of each space
        sp = sum(g[2] for r in o["runs"] for g in r["glyphs"] if r["text"].encode()[g[1]:g[1] + 1] == b" ")
        if o["dir"] == "rtl": continue  # runs in visual order from the right: x0 is not the start
        if abs(x0 - (o["x"] - hl)) > 0.05 or right > o["x"] + o["width"] + hr + sp / 3 + 0.5:
            if geo_ok: geo_ok, gwhy = False, "%r: x %r..%r, line %r + %r, hang %r" % (last["text"][:30], x0, right, o["x"], o["width"], o["hang"])
        if not (0.98 <= sc <= 1.02) and geo_ok: geo_ok, gwhy = False, "scale %r" % sc
        if not (-1e-6 <= hr <= 0.5 * o["runs"][-1]["size"] and abs(hl) <= 0.5 * o["runs"][0]["size"]) and geo_ok:
            geo_ok, gwhy = False, "%r: hang %r" % (last["text"][-20:], o["hang"])
        if o["end"] == "block" and o["ratio"] > 0 and geo_ok: geo_ok, gwhy = False, "last line stretched"
    check("dump_%s_runs_inside_their_lines" % name, geo_ok, gwhy)
    if name == "default":
        check("dump_default_some_lines_expanded_and_hung", n_scaled > 0 and n_hung > 0,
              "%d lines expanded, %d hang into a margin" % (n_scaled, n_hung))

# ---- JSON escaping: the folder essay's text came back (checked above) -------
L, _ = load("esc")
texts = "".join(r["text"] for o in L for r in o["runs"])
check("dump_esc_quotes_backslash_tab_utf8", all(s in texts for s in ('"quotes"', "back\\slash", "café", "Ελληνικά", "“curly”")), texts[:200])
raw = open(os.path.join(T, "esc.jsonl"), "rb").read()
check("dump_esc_escaped_as_json", b'\\"quotes\\"' in raw and b"back\\\\slash" in raw and "café".encode() in raw, "")
check("dump_esc_every_kind", {o["kind"] for o in L} >= {"heading", "para", "list", "quote", "sep"}, repr({o["kind"] for o in L}))
check("dump_esc_list_label_mark", any(m["what"] == "label" and m["text"] for o in L for m in o.get("marks", [])), "")

# ---- glyphs as HarfBuzz shapes them (hb-shape, the same font file) ------------
def upem(path):
    d = open(path, "rb").read()
    n = struct.unpack(">H", d[4:6])[0]
    for i in range(n):
        tag, _, off, _ = struct.unpack(">4sIII", d[12 + 16 * i:28 + 16 * i])
        if tag == b"head": return struct.unpack(">H", d[off + 18:off + 20])[0]
info = subprocess.run([PACKER, "info", PACK], capture_output=True, text=True).stdout
names = re.findall(r"^font_\d+: (.*)$", info, re.M)
# the file each face came from, as `lectern-pack info` names it (font_N_file)
files = dict(zip(names, re.findall(r"^font_\d+_file: (.*)$", info, re.M)))
def fontfile(name):
    """The installed font file (without .ttf) a pack's face came from."""
    base = files.get(name, files.get(name + " (fallback)"))
    if base: base = base[:-4] if base.endswith(".ttf") else base
    else:  # a face of another pack: "Noto Serif Regular" is NotoSerif-Regular.ttf
        w = name.split()
        k = len(w)
        while k > 1 and w[k - 1] in ("Regular", "Bold", "Italic"): k -= 1
        base = "".join(w[:k]) + "-" + "".join(w[k:])
    for d, _, fs in os.walk(os.path.dirname(FONTS)):
        if base + ".ttf" in fs: return os.path.join(d, base)
    return os.path.join(FONTS, base)
check("hb_pack_fonts_are_the_files", names and all(os.path.isfile(fontfile(n.replace(" (fallback)", "")) + ".ttf") for n in names), repr(names))
sample = [r for i, (nm, r) in enumerate(all_runs) if nm != "esc" and i % 9 == 0][:60]
sample += [r for nm, r in all_runs if nm == "esc"]
fonts_seen = {r["font"] for r in sample}
check("hb_sample_has_runs_in_four_faces", len(sample) >= 30 and len(fonts_seen) >= 4, "%d runs, %r" % (len(sample), fonts_seen))
mism, done = [], 0
for r in sample:
    path = fontfile(r["font"]) + ".ttf"
    if not os.path.isfile(path): mism.append("no file for " + r["font"]); continue
    tf = os.path.join(T, "hb.txt")
    open(tf, "w", encoding="utf-8").write(r["text"])
    out = subprocess.run(["hb-shape", "--no-glyph-names", "--utf8-clusters", "--text-file=" + tf, path],
                         capture_output=True, text=True).stdout.strip()
    hb = [tuple(int(v) for v in re.match(r"(\d+)=(\d+)\+(-?\d+)", g).groups()) for g in out.strip("[]").split("|")]
    u = upem(path)
    ours = r["glyphs"]
    same = len(hb) == len(ours) and all(a[0] == b[0] and a[1] == b[1] and abs(a[2] * r["size"] / u - b[2]) <= 1 / 64 + 1e-9
                                        for a, b in zip(hb, ours))
    if not same:
        bad_at = [i for i, (a, b) in enumerate(zip(hb, ours)) if a[0] != b[0] or a[1] != b[1] or abs(a[2] * r["size"] / u - b[2]) > 1 / 64 + 1e-9]
        mism.append("%d vs %d glyphs, first difference at %r" % (len(hb), len(ours), [(hb[i], ours[i], r["size"], u) for i in bad_at[:2]]))
    if not same: mism.append("%r (%s): hb %r, dump %r" % (r["text"][:30], r["font"], hb[:4], ours[:4]))
    done += 1
check("hb_shape_same_glyphs_clusters_advances", done >= 30 and not mism, "%d runs; %s" % (done, "; ".join(mism[:3])))

# ---- the page shows the lines where the dump puts them (a --screenshot) ------
def png(path):
    d = open(path, "rb").read()
    w, h, bits, ctype = struct.unpack(">IIBB", d[16:26])
    i, raw = 8, b""
    while i < len(d):
        n, t = struct.unpack(">I4s", d[i:i + 8])
        if t == b"IDAT": raw += d[i + 8:i + 8 + n]
        i += 12 + n
    raw = zlib.decompress(raw)
    bpp = {2: 3, 6: 4}.get(ctype, 1)
    stride, prev, rows = w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        rows.append([sum(line[x:x + 3]) // 3 for x in range(0, stride, bpp)])
    return w, h, rows

L, _ = load("default")
for e, pg in ((1, 2), (5, 1)):
    path = os.path.join(T, "shots", "essay%d-page%03d.png" % (e, pg))
    if not os.path.isfile(path): bad("page_ink_essay%d_page%d" % (e, pg), "no screenshot"); continue
    w, h, rows = png(path)
    paper = rows[h // 2][2]
    lines = [o for o in L if o["essay"] == e and o["page"] == pg]
    probs = []
    for o in lines:
        sz = o["runs"][0]["size"] if o["runs"] else 18
        band = rows[int(o["y"] - 0.6 * sz):int(o["y"])]  # x-height and caps, above the baseline
        ink = [x for x in range(w) if any(abs(r[x] - paper) > 90 for r in band)]
        if not ink: probs.append("no ink at y=%r" % o["y"]); continue
        left = o["runs"][0]["x"] if o["runs"] else o["marks"][0]["x"]
        for m in o.get("marks", []): left = min(left, m["x"])
        if abs(ink[0] - left) > 3: probs.append("line %d: ink from %d, dump x %r" % (o["line"], ink[0], left))
        if o["end"] != "block" and o["ratio"] != 0 and abs(ink[-1] + 1 - (o["x"] + o["width"])) > 3:
            probs.append("line %d: ink to %d, dump right edge %r" % (o["line"], ink[-1], o["x"] + o["width"]))
    check("page_ink_essay%d_page%d_where_the_dump_puts_lines" % (e, pg), lines and not probs, "; ".join(probs[:4]))
PY
