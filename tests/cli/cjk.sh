#!/bin/bash
# Line breaking by UAX #14 in the real reader (issue 12): a Chinese, a
# Japanese and a Thai essay, laid out at narrow pages and dumped
# (--dump-layout). Chinese and Japanese (no spaces): every paragraph takes
# more than one line, lines break between ideographs and kana, and kinsoku
# holds: no line starts with closing punctuation (。，、」』）！？ small
# kana, ー) and none ends with opening punctuation (「『（《“). Thai (no
# spaces between words): every line break falls after a space or on a word
# boundary of libthai's own dictionary, asked here through ctypes, apart
# from the reader. And the essay's language settles the direction of a
# paragraph with no strong character: "1975 - 2025." is right to left in
# the Arabic essay, left to right in the English one.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
command -v python3 > /dev/null 2>&1 || { fail cjk_needs_python3 "python3 is missing (tools/deps.sh test)"; exit 1; }

mkdir -p "$T/e"
cat > "$T/e/manifest.ini" <<'INI'
[zh.md]
title = 中文
lang = zh
[ja.md]
title = 日本語
lang = ja
[th.md]
title = ภาษาไทย
lang = th
[ar.txt]
title = العربية
lang = ar
[en.txt]
title = English
lang = en
INI
# (a heading that repeats the title opens the CJK and Thai essays: the
# packer would take a first paragraph without a Latin full stop for the
# title)
cat > "$T/e/zh.md" <<'TXT'
# 中文

中文的句子没有空格，标点符号在行内。这是简体中文的一段文字，用来检查字形是否完整。他说：“我们明天（星期六）去博物馆，好吗？”她回答：“好！”

书名号《红楼梦》不能拆开，顿号、逗号，句号。都不能出现在行首。城市的街道上有很多人，有的人在走路，有的人在骑自行车，有的人在等公共汽车。
TXT
cat > "$T/e/ja.md" <<'TXT'
# 日本語

日本語の文章には空白がありません。「かぎ括弧」の中の文も、行頭に句点。や読点、が来てはいけません。東京（とうきょう）は日本の首都です。

小さい仮名ゃゅょっや長音ーも行頭に来ません。図書館で本を借りて、公園のベンチで読みました。とても静かで、鳥の声だけが聞こえていました！本当に？そうです。
TXT
cat > "$T/e/th.md" <<'TXT'
# ภาษาไทย

ประเทศไทยมีประชากรประมาณเจ็ดสิบล้านคนและมีวัฒนธรรมที่หลากหลายมากภาษาไทยเป็นภาษาที่สวยงาม

ภาษาไทยเขียนโดยไม่มีช่องว่างระหว่างคำ และมีวรรณยุกต์อยู่เหนือพยัญชนะ น้ำใจ ผู้ใหญ่ กำลังทำงาน
TXT
printf 'المتحف مفتوح كل يوم.\n\n1975 - 2025.\n' > "$T/e/ar.txt"
printf 'The museum is open every day.\n\n1975 - 2025.\n' > "$T/e/en.txt"
"$PACKER" build -o "$T/cjk.lpk" "$T/e" > "$T/build.out" 2> "$T/build.err"; st=$?
check cjk_pack_built bash -c "test $st -eq 0 && test -s '$T/cjk.lpk'" || { cat "$T/build.err" >&2; exit 1; }
# Reading time by the character: Chinese about 1.3 characters, Japanese 1.8,
# in the time of an English word (Han and kana counted from the packed text
# below its title line); English by its words.
"$PACKER" list "$T/cjk.lpk" > "$T/list"
words_of() { sed -n "s/^ *$1 *\([0-9]*\) words.*/\1/p" "$T/list"; }
cjk_chars() { "$PACKER" cat "$T/cjk.lpk" "$1" | tail -n +2 | python3 -c '
import sys
t = sys.stdin.read()
print(sum(1 for c in t if 0x3041 <= ord(c) <= 0x30FF and ord(c) != 0x30FB or 0x31F0 <= ord(c) <= 0x31FF
          or 0x3400 <= ord(c) <= 0x4DBF or 0x4E00 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF or ord(c) >= 0x20000))'; }
zc=$(cjk_chars 1) jc=$(cjk_chars 2)
check cjk_words_zh_by_characters test "$(words_of 1)" = "$(( (zc * 10 + 12) / 13 ))"
check cjk_words_ja_by_characters test "$(words_of 2)" = "$(( (jc * 10 + 17) / 18 ))"
check cjk_words_en_by_words test "$(words_of 5)" -eq "$("$PACKER" cat "$T/cjk.lpk" 5 | tail -n +2 | tr ' ' '\n' | grep -c '[A-Za-z0-9]')"
for sz in 320x480 480x320 360x640; do
  "$READER" --pack "$T/cjk.lpk" --dump-layout --size $sz > "$T/dump-$sz.jsonl" 2> "$T/dump.err"; st=$?
  check "cjk_dump_${sz}_exit_0" bash -c "test $st -eq 0 && test -s '$T/dump-$sz.jsonl'"
done

T="$T" python3 - <<'PY'
import ctypes, ctypes.util, json, os, sys
T = os.environ["T"]
def check(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + name)
    if not ok: print("  " + why, file=sys.stderr)

CLOSING = set("。，、」』）〕】》！？：；…ー”ゃゅょっぁぃぅぇぉャュョッ")
OPENING = set("「『（〔【《“")
def ideo(c): return "\u3041" <= c <= "\u30fa" or "\u4e00" <= c <= "\u9fff"

# libthai, apart from the reader: word starts (code point indices) of a run
name = ctypes.util.find_library("thai")
th = None
try:
    lib = ctypes.CDLL(name or "libthai.so.0")
    lib.th_brk_new.restype = ctypes.c_void_p
    lib.th_brk_new.argtypes = [ctypes.c_char_p]
    lib.th_brk_wc_find_breaks.restype = ctypes.c_int
    lib.th_brk_wc_find_breaks.argtypes = [ctypes.c_void_p, ctypes.c_wchar_p, ctypes.POINTER(ctypes.c_int), ctypes.c_size_t]
    th = lib.th_brk_new(None)
except OSError as e:
    pass
check("cjk_libthai_loaded", bool(th), "cannot load libthai through ctypes (the libthai0 package)")
def thai_words(run):
    pos = (ctypes.c_int * (len(run) + 1))()
    n = lib.th_brk_wc_find_breaks(th, run, pos, len(run) + 1)
    return {pos[i] for i in range(n)}

for sz in ("320x480", "480x320", "360x640"):
    lines = [json.loads(l) for l in open(f"{T}/dump-{sz}.jsonl", encoding="utf-8")]
    paras = {}
    for d in lines:
        if d["kind"] != "para": continue
        text = "".join(r["text"] for r in sorted(d["runs"], key=lambda r: r["offset"]))  # logical order
        off = min(r["offset"] for r in d["runs"]) if d["runs"] else 0
        paras.setdefault((d["essay"], d["block"]), []).append((off, text, d))
    bad, inside, nlines = [], 0, {}
    for (e, b), ls in paras.items():
        if e not in (1, 2): continue
        nlines[(e, b)] = len(ls)
        for i, (off, text, d) in enumerate(ls):
            if text and text[0] in CLOSING: bad.append(f"essay {e} block {b}: line starts with {text[0]}: {text}")
            if text and text[-1] in OPENING: bad.append(f"essay {e} block {b}: line ends with {text[-1]}: {text}")
            if i + 1 < len(ls) and text and ls[i + 1][1] and ideo(text[-1]) and ideo(ls[i + 1][1][0]): inside += 1
    check(f"cjk_{sz}_kinsoku", not bad, "; ".join(bad[:5]))
    check(f"cjk_{sz}_paragraphs_take_several_lines", len(nlines) == 4 and all(n > 1 for n in nlines.values()),
          str(nlines))
    # (how many depends on the faces' widths; breaking only at punctuation, as before, gives none)
    check(f"cjk_{sz}_breaks_between_ideographs", inside >= 2, f"{inside} breaks between two ideographs or kana")
    # Thai: rebuild each paragraph from its lines, then check each line start
    bad, thai_inside = [], 0
    for (e, b), ls in paras.items():
        if e != 3: continue
        full = ""
        starts = []
        for off, text, d in ls:
            # the space a break consumed is in no run: put it back
            if full and d is not ls[0][2] and prev_end == "space": full += " "
            starts.append(len(full))
            full += text
            prev_end = d["end"]
        # word starts of each run between spaces, as indices into full
        ok_at = set()
        i = 0
        while i < len(full):
            j = full.find(" ", i)
            j = len(full) if j < 0 else j
            for p in thai_words(full[i:j]): ok_at.add(i + p)
            ok_at.add(j + 1)
            i = j + 1
        for s in starts[1:]:
            if s not in ok_at: bad.append(f"block {b}: a line starts inside a word: {full[max(0, s - 8):s]}|{full[s:s + 8]}")
            elif full[s - 1] != " ": thai_inside += 1
    check(f"cjk_{sz}_thai_breaks_at_words", not bad and thai_inside >= 1,
          "; ".join(bad[:5]) + f" ({thai_inside} breaks between words with no space)")
    # the language's direction for a paragraph of digits and punctuation
    dirs = {(e, t): d["dir"] for (e, b), ls in paras.items() for off, t, d in ls}
    check(f"cjk_{sz}_arabic_digits_rtl", dirs.get((4, "1975 - 2025.")) == "rtl", str(dirs.get((4, "1975 - 2025."))))
    check(f"cjk_{sz}_english_digits_ltr", dirs.get((5, "1975 - 2025.")) == "ltr", str(dirs.get((5, "1975 - 2025."))))
PY
