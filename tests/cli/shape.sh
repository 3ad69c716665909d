#!/bin/bash
# Shaping (issue 12): a mixed-script pack (Latin with ligatures, Arabic,
# Hebrew, Devanagari, Thai, Chinese, Japanese, emoji; the fallback faces the
# packer picks from fonts-noto-core, -cjk, -color-emoji and DejaVu) has no
# .notdef glyph anywhere in --dump-layout, every essay's text uses a face
# that has it, and the glyphs of every word are HarfBuzz's own: hb-shape on
# the same word, font file (and face index of a .ttc) and language gives
# the same glyph ids, clusters and advances, glyph for glyph. Glyph ids are
# compared where the pack keeps the font's ids (its subset has more glyphs
# than the largest id hb-shape gives); a face subset with new ids (the CJK
# collection) is compared by clusters and advances. Right-to-left words are compared as
# words (their lines' visual order is tests/cli/rtl.sh's).
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
need() { command -v "$1" > /dev/null 2>&1 || { fail "shape_needs_$1" "$1 is missing (tools/deps.sh test)"; exit 1; }; }
need python3
need hb-shape
need fc-query
for f in /usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf \
         /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc; do
  check "shape_font_installed_$(basename "$f")" test -s "$f" || exit 1
done

mkdir -p "$T/latin"
printf 'Office affairs: the fluffy waffle fits flawlessly, and the final offer was fine.\n' > "$T/latin/latin.txt"
"$PACKER" build -o "$T/mix.lpk" tests/golden/scripts "$T/latin" > "$T/build.out" 2> "$T/build.err"; st=$?
check shape_mixed_pack_built bash -c "test $st -eq 0 && test -s '$T/mix.lpk'"
"$PACKER" info "$T/mix.lpk" > "$T/info"
for sz in 800x480 480x800; do
  "$READER" --pack "$T/mix.lpk" --dump-layout --size $sz > "$T/dump-$sz.jsonl" 2> "$T/dump.err"; st=$?
  check "shape_dump_${sz}_exit_0" bash -c "test $st -eq 0 && test -s '$T/dump-$sz.jsonl'"
done

T="$T" python3 - <<'PY'
import json, os, re, struct, subprocess
T = os.environ["T"]
def check(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + name)
    if not ok: print("  " + why, file=__import__("sys").stderr)

info = open(os.path.join(T, "info")).read()
names = re.findall(r"^font_\d+: (.*)$", info, re.M)
files = re.findall(r"^font_\d+_file: (.*)$", info, re.M)
nglyphs = [int(v) for v in re.findall(r"^font_\d+_glyphs: (\d+)$", info, re.M)]
face_of = {}
for nm, fl, ng in zip(names, files, nglyphs):
    face_of[nm.replace(" (fallback)", "")] = (fl, ng)
check("shape_pack_has_the_script_faces", all(any(k in n for n in names) for k in ("Devanagari", "Thai", "CJK", "Emoji")), repr(names))

def find(fname):
    for d in ("/usr/share/fonts",):
        for root, _, fs in os.walk(d):
            if fname in fs: return os.path.join(root, fname)
def face_index(path, full):
    out = subprocess.run(["fc-query", "-f", "%{index}\t%{fullname}\n", path], capture_output=True, text=True).stdout
    for line in out.splitlines():
        i, fn = line.split("\t", 1)
        if fn.split(",")[0] == full or full.startswith(fn.split(",")[0]): return int(i)
    return 0
def sfnt_at(d, index):
    if d[:4] == b"ttcf": return struct.unpack(">I", d[12 + 4 * index:16 + 4 * index])[0]
    return 0
def tables(path, index):
    d = open(path, "rb").read(); o = sfnt_at(d, index)
    n = struct.unpack(">H", d[o + 4:o + 6])[0]; t = {}
    for i in range(n):
        tag, _, off, _ = struct.unpack(">4sIII", d[o + 12 + 16 * i:o + 28 + 16 * i]); t[tag] = off
    upem = struct.unpack(">H", d[t[b"head"] + 18:t[b"head"] + 20])[0]
    count = struct.unpack(">H", d[t[b"maxp"] + 4:t[b"maxp"] + 6])[0]
    return upem, count

# essay number -> language, from the folder's manifest (the latin essay after them: en)
langs = {}
cur = None
for line in open("tests/golden/scripts/manifest.ini", encoding="utf-8"):
    line = line.strip()
    m = re.match(r"\[(\d+)-.*\]", line)
    if m: cur = int(m.group(1))
    m = re.match(r"lang = (\S+)", line)
    if m and cur: langs[cur] = m.group(1)

notdef, runs, cmp_words, id_words, mism, seen_fonts = [], 0, 0, 0, [], set()
for sz in ("800x480", "480x800"):
    for line in open(os.path.join(T, "dump-%s.jsonl" % sz), encoding="utf-8"):
        o = json.loads(line)
        for r in o["runs"] + o["marks"]:
            for g in r["glyphs"]:
                if g[0] == 0: notdef.append("essay %d %r (%s)" % (o["essay"], r["text"][:20], r["font"]))
        for r in o["runs"]:
            runs += 1
            seen_fonts.add(r["font"])
            fl, ng = face_of.get(r["font"], (None, 0))
            path = find(fl) if fl else None
            if not path: mism.append("no file for %r" % r["font"]); continue
            idx = face_index(path, r["font"].replace(" Regular", "")) if path.endswith(".ttc") else 0
            upem, count = tables(path, idx)
            b = r["text"].encode()
            # the words: byte ranges between spaces
            words, a = [], 0
            for m in re.finditer(rb"(?: |\xc2\xa0)+", b):
                if m.start() > a: words.append((a, m.start()))
                a = m.end()
            if a < len(b): words.append((a, len(b)))
            for a, z in words:
                ours = [g for g in r["glyphs"] if a <= g[1] < z]
                tf = os.path.join(T, "w.txt")
                open(tf, "wb").write(b[a:z])
                lang = langs.get(o["essay"], "en")
                out = subprocess.run(["hb-shape", "--no-glyph-names", "--utf8-clusters", "--face-index=%d" % idx,
                                      "--language=" + lang, "--text-file=" + tf, path], capture_output=True, text=True).stdout.strip()
                hb = [tuple(int(v) for v in re.match(r"(\d+)=(\d+)(?:@-?\d+,-?\d+)?\+(-?\d+)", g).groups()) for g in out.strip("[]").split("|") if g]
                # the pack keeps the font's glyph ids when its subset reaches every id hb-shape gives
                # (a subset with retained ids has as many glyphs as its largest id); else they are new
                ids = bool(hb) and ng > max(h[0] for h in hb)
                cmp_words += 1
                id_words += ids
                same = len(hb) == len(ours) and all((not ids or h[0] == u[0]) and h[1] + a == u[1] and abs(h[2] * r["size"] / upem - u[2]) <= 1 / 64 + 1e-9
                                                    for h, u in zip(hb, ours))
                if not same: mism.append("essay %d %r (%s): hb %r, dump %r" % (o["essay"], b[a:z].decode()[:20], r["font"], hb[:4], ours[:4]))
check("shape_no_notdef_anywhere", not notdef and runs > 20, "%d runs; %s" % (runs, "; ".join(notdef[:5])))
check("shape_every_script_face_used", sum(1 for f in seen_fonts if any(k in f for k in ("Devanagari", "Thai", "CJK", "Emoji", "DejaVu Sans Book"))) >= 5, repr(seen_fonts))
check("shape_words_glyph_for_glyph_as_hb_shape", cmp_words >= 60 and id_words >= 40 and not mism,
      "%d words (%d with ids); %s" % (cmp_words, id_words, "; ".join(mism[:4])))
print("# %d runs, %d words compared with hb-shape (%d with glyph ids)" % (runs, cmp_words, id_words))
PY

# ---- ligatures, joining, reordering, sequences: what the shaping changes ---
T="$T" python3 - <<'PY'
import json, os
T = os.environ["T"]
L = [json.loads(l) for l in open(os.path.join(T, "dump-800x480.jsonl"), encoding="utf-8")]
def check(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + name)
    if not ok: print("  " + why, file=__import__("sys").stderr)
def runs(pred):
    return [r for o in L for r in o["runs"] if pred(o, r)]
# fi, ff, ffi, fl: one glyph for several characters (a cluster spanning them)
lat = runs(lambda o, r: "fluffy" in r["text"])
def multi(r):
    cl = [g[1] for g in r["glyphs"]] + [len(r["text"].encode())]
    return sum(1 for i in range(len(cl) - 1) if cl[i + 1] - cl[i] > 1)
check("shape_latin_ligatures", lat and multi(lat[0]) >= 4, repr(lat[0]["glyphs"][:12] if lat else None))
# emoji sequences shaped as one glyph each: the family (5 code points), a flag (2), a skin tone (2)
emo = runs(lambda o, r: "Emoji" in r["font"])
texts = {r["text"].strip(): len([g for g in r["glyphs"] if r["text"].encode()[g[1]:g[1] + 1] != b" "]) for r in emo}
fam = [n for t, n in texts.items() if "\u200d" in t]
check("shape_emoji_zwj_sequence_one_glyph", fam and fam[0] == 1, repr(texts))
check("shape_emoji_flags_one_glyph_each", any(t.startswith("\U0001F1EB\U0001F1F7") and n == 3 for t, n in texts.items()), repr(texts))
# Devanagari: conjuncts (क्ष, स्त्र) and the i-matra reordered before its consonant: clusters of several
# code points, and fewer glyphs than code points
dev = runs(lambda o, r: "Devanagari" in r["font"])
ncp = sum(len(r["text"].replace(" ", "")) for r in dev)
ngl = sum(1 for r in dev for g in r["glyphs"] if r["text"].encode()[g[1]:g[1] + 1] != b" ")
check("shape_devanagari_conjuncts_and_clusters", dev and ngl < ncp and any(multi(r) for r in dev), "%d glyphs for %d code points" % (ngl, ncp))
# Arabic: joined forms, so the same letter gets different glyphs in different words
ar = runs(lambda o, r: o["essay"] == 1 and "DejaVu" in r["font"])
ids = {g[0] for r in ar for g in r["glyphs"]}
check("shape_arabic_joined_forms", ar and len(ids) > len(set("".join(r["text"] for r in ar)) - {" "}), "%d ids" % len(ids))
PY
