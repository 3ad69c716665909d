#!/bin/bash
# A CJK face per language: the same ideograph is drawn differently in
# Chinese and Japanese, so a pack of Chinese and Japanese essays carries the
# face made for each (serif under the serif body), each cut to its own
# texts, and the reader draws each essay with its own. A pack of one
# language carries one CJK face.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
command -v python3 > /dev/null || { fail cjkfaces_needs_python3 "python3 is missing (tools/deps.sh test)"; exit 1; }
for f in /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc; do
  check "cjkfaces_font_installed_$(basename "$f")" test -s "$f" || exit 1
done

mkdir -p "$T/two" "$T/one"
printf '[zh.txt]\nlang = zh-Hans\n[ja.txt]\nlang = ja\n[en.txt]\nlang = en\n' > "$T/two/manifest.ini"
# 说 and 乐 are simplified Chinese only; 吾輩 and 猫 are the Japanese text's;
# the English essay quotes 漢字, which is neither language's text.
printf '学而时习之，不亦说乎？有朋自远方来，不亦乐乎？\n' > "$T/two/zh.txt"
printf '吾輩は猫である。名前はまだ無い。\n' > "$T/two/ja.txt"
printf 'The word for Chinese characters is 漢字 in Japanese.\n' > "$T/two/en.txt"
cp "$T/two/zh.txt" "$T/one/zh.txt"
printf '[zh.txt]\nlang = zh-Hans\n' > "$T/one/manifest.ini"

"$PACKER" build -o "$T/two.lpk" "$T/two" > /dev/null 2> "$T/two.err"; st=$?
check cjkfaces_two_languages_built bash -c "test $st -eq 0"
"$PACKER" build -o "$T/one.lpk" "$T/one" > /dev/null 2> "$T/one.err"; st=$?
check cjkfaces_one_language_built bash -c "test $st -eq 0"
"$PACKER" info "$T/two.lpk" > "$T/two.info"
"$PACKER" info "$T/one.lpk" > "$T/one.info"
check cjkfaces_chinese_gets_serif_sc grep -q '^font_[0-9]*: Noto Serif CJK SC' "$T/two.info"
check cjkfaces_japanese_gets_serif_jp grep -q '^font_[0-9]*: Noto Serif CJK JP' "$T/two.info"
check cjkfaces_one_language_one_face bash -c "test \$(grep -c '^font_[0-9]*: .*CJK' '$T/one.info') -eq 1 &&
  grep -q '^font_[0-9]*: Noto Serif CJK SC' '$T/one.info'"
"$READER" --pack "$T/two.lpk" --dump-layout --size 800x480 > "$T/two.jsonl" 2> "$T/dump.err"; st=$?
check cjkfaces_dump_exit_0 bash -c "test $st -eq 0 && test -s '$T/two.jsonl'"

# A Chinese essay that opens with a paragraph, no heading: its title is the
# first sentence (。 ends one with no space after it), and the paragraph
# stays in the essay
mkdir -p "$T/title"
printf '[a.txt]\nlang = zh-Hans\n' > "$T/title/manifest.ini"
printf '中文的句子没有空格，标点符号在行内。这是简体中文的一段文字，用来检查字形是否完整。\n第二段在这里。\n' > "$T/title/a.txt"
"$PACKER" build -o "$T/title.lpk" "$T/title" > /dev/null 2>&1
"$PACKER" list "$T/title.lpk" > "$T/title.list" 2>&1
"$PACKER" cat "$T/title.lpk" 1 > "$T/title.txt" 2>&1
check cjkfaces_title_is_the_first_sentence bash -c "grep -q '中文的句子没有空格，标点符号在行内。\$' '$T/title.list' && ! grep -q '这是' '$T/title.list'"
# (lectern-pack cat prints the title, a blank line, then the essay)
check cjkfaces_first_paragraph_stays bash -c "awk 'f; /^\$/ { f = 1 }' '$T/title.txt' | grep -q '^中文的句子没有空格，标点符号在行内。这是简体中文'"

T="$T" python3 - <<'PY'
import json, os
T = os.environ["T"]
def check(name, ok, why=""):
    print(("ok " if ok else "FAIL ") + name)
    if not ok: print("  " + why, file=__import__("sys").stderr)
L = [json.loads(l) for l in open(os.path.join(T, "two.jsonl"), encoding="utf-8")]
def fonts_of(essay, chars):
    return {r["font"] for o in L if o["essay"] == essay for r in o["runs"] if any(c in r["text"] for c in chars)}
zh, ja, en = fonts_of(1, "说乐学"), fonts_of(2, "吾輩猫"), fonts_of(3, "漢字")
check("cjkfaces_chinese_essay_drawn_in_sc", zh and all("CJK SC" in f for f in zh), repr(zh))
check("cjkfaces_japanese_essay_drawn_in_jp", ja and all("CJK JP" in f for f in ja), repr(ja))
check("cjkfaces_quoted_ideographs_drawn_in_a_cjk_face", en and all("CJK" in f for f in en), repr(en))
notdef = [(o["essay"], r["text"]) for o in L for r in o["runs"] for g in r["glyphs"] if g[0] == 0 and r["text"].strip()]
check("cjkfaces_no_notdef", not notdef, repr(notdef[:4]))
PY
