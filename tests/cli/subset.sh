#!/bin/bash
# Fonts subset at pack time (tools/fonts.c, fonts_subset): the default pack
# is smaller than its text plus hb-subset's own subsets of the same fonts;
# every glyph the reader lays out is found (no .notdef in --dump-layout);
# each font keeps its copyright and licence (lectern-pack info, compared
# with the installed file's name table); a face no character needs is not
# embedded; a font hb-subset refuses is named in the message. Prints the
# bytes of text and of fonts.
. tests/cli/lib.sh
export SDL_VIDEODRIVER=offscreen
PACK=$B/default.lpk
FONTS=/usr/share/fonts/truetype/charis # what the default pack embeds (tools/fonts.c)
MONO=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf # its code face (fonts-dejavu-core)

need() { command -v "$1" > /dev/null 2>&1 || { fail "subset_needs_$1" "$1 is missing (tools/deps.sh test)"; exit 1; }; }
need python3
need hb-subset

"$PACKER" info "$PACK" > "$T/info"
val() { sed -n "s/^$1: //p" "$2"; }
size=$(val file_size "$T/info")
text=$(val essays_stored_bytes "$T/info")
fonts=$(val fonts_stored_bytes "$T/info")
echo "# default pack: $size bytes: text $text, fonts $fonts (stored), $(val fonts_bytes "$T/info") fonts decoded"

# ---- the threshold, from the input: the text as stored plus what the
# hb-subset tool makes of each face for the essays' characters (its
# defaults: no licence text, empty .notdef), the smallest honest font set.
# The default essays are plain text, without bold italic or code: the bold
# italic face and the code face are given only what the reader draws in
# them itself (the hyphen of a broken line; the characters by which it
# knows a monospace face and the continuation mark, tools/fonts.c).
cat assets/essays/* > "$T/all.txt"
printf -- '-' > "$T/bi.txt"; printf 'iMW. \xe2\x86\x92' > "$T/mono.txt"
peer=$text
for f in "$FONTS"/CharisSIL-Regular.ttf:all "$FONTS"/CharisSIL-Italic.ttf:all "$FONTS"/CharisSIL-Bold.ttf:all \
         "$FONTS"/CharisSIL-BoldItalic.ttf:bi "$MONO":mono; do
  hb-subset "${f%:*}" --text-file="$T/${f##*:}.txt" -o "$T/peer.ttf" || { fail subset_peer_font "hb-subset $f"; exit 1; }
  peer=$((peer + $(stat -c %s "$T/peer.ttf")))
  whole=$((${whole:-0} + $(stat -c %s "${f%:*}")))
done
echo "# threshold: text $text + hb-subset fonts $((peer - text)) = $peer bytes (whole fonts: $whole)"
check subset_pack_under_text_plus_hb_subset_fonts test "$size" -lt "$peer"
check subset_fonts_under_a_tenth_of_whole test $((fonts * 10)) -lt "$whole"
check subset_five_faces_no_fallback bash -c "test '$(val fonts "$T/info")' = 5 && ! grep -q fallback '$T/info'"
check subset_bold_italic_and_code_faces bash -c "test '$(val font_4 "$T/info")' = 'Charis SIL Bold Italic' && test '$(val font_5 "$T/info")' = 'DejaVu Sans Mono Book'"
# the bold italic and code faces keep only their runs' characters (none in
# the default essays) and the reader's own: as many as hb-subset's peers
for k in 4:bi 5:mono; do
  want=$(python3 -c "import sys; print(len(set(open(sys.argv[1], encoding='utf-8').read())))" "$T/${k##*:}.txt")
  check "subset_font_${k%:*}_only_its_runs" test "$(val "font_${k%:*}_code_points" "$T/info")" = "$want"
done

# ---- every glyph laid out is a real one (no .notdef, glyph 0) -------------
"$READER" --pack "$PACK" --dump-layout > "$T/dump.jsonl" 2> "$T/err"; st=$?
check subset_dump_runs test $st -eq 0
python3 - "$T/dump.jsonl" > "$T/notdef" <<'EOF'
import json, sys
runs = zero = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    for r in o.get("runs", []):
        runs += 1
        for g in r.get("glyphs", []):
            if g[0] == 0: zero += 1; print("notdef in %r (%s)" % (r.get("text", "")[:40], r.get("font")))
print("runs %d" % runs)
EOF
check subset_no_notdef_in_any_run bash -c "grep -q '^runs [1-9]' '$T/notdef' && ! grep -q '^notdef' '$T/notdef'"

# ---- copyright and licence, as the installed file has them ----------------
python3 - "$FONTS/CharisSIL-Regular.ttf" > "$T/names" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
n = struct.unpack(">H", d[4:6])[0]
for i in range(n):
    tag, _, off, _ = struct.unpack(">4sIII", d[12 + 16 * i:28 + 16 * i])
    if tag != b"name": continue
    _, count, so = struct.unpack(">HHH", d[off:off + 6])
    got = {}
    for k in range(count):
        pid, eid, lid, nid, ln, o = struct.unpack(">HHHHHH", d[off + 6 + 12 * k:off + 18 + 12 * k])
        if pid == 3 and lid == 0x409 and nid in (0, 13, 14) and nid not in got:
            got[nid] = d[off + so + o:off + so + o + ln].decode("utf-16-be")
    for nid in (0, 13, 14): print("%d: %s" % (nid, got.get(nid, "").split("\n")[0]))
EOF
copy=$(sed -n 's/^0: //p' "$T/names"); lic=$(sed -n 's/^13: //p' "$T/names"); url=$(sed -n 's/^14: //p' "$T/names")
check subset_installed_font_has_names test -n "$copy" -a -n "$lic" -a -n "$url"
for k in 1 2 3 4; do
  check "subset_font_${k}_keeps_copyright" grep -qxF "font_${k}_copyright: $copy" "$T/info"
  check "subset_font_${k}_keeps_licence" bash -c "grep -qF 'font_${k}_licence: $lic' '$T/info' && grep -qxF 'font_${k}_licence_url: $url' '$T/info' && test \"\$(sed -n 's/^font_${k}_licence_bytes: //p' '$T/info')\" -gt 1000"
done

# ---- a fallback face only when a character needs one ----------------------
mkdir -p "$T/snow"
printf 'Snow\nA snowman \xe2\x98\x83 in the text.\n' > "$T/snow/snow.txt"
"$PACKER" build -o "$T/snow.lpk" "$T/snow" 2> "$T/err"; st=$?
"$PACKER" info "$T/snow.lpk" > "$T/snow.info"
check subset_fallback_kept_for_snowman bash -c "test $st -eq 0 && grep -q '^font_6: .*(fallback)' '$T/snow.info'"
# the fallback keeps the snowman and the spaces, digits and punctuation a
# run in it may take along, not its letters: fewer characters than the text face
fbcp=$(val font_6_code_points "$T/snow.info"); txcp=$(val font_1_code_points "$T/snow.info")
echo "# snowman pack: text face $txcp characters, fallback $fbcp"
check subset_fallback_holds_no_letters bash -c "test -n '$fbcp' && test '$fbcp' -ge 1 && test '$fbcp' -lt '$txcp'"
"$READER" --pack "$T/snow.lpk" --dump-layout > "$T/snow.jsonl" 2> /dev/null
check subset_snowman_drawn_from_fallback python3 -c "
import json, sys
ok = any(r['text'].find('\u2603') >= 0 and all(g[0] for g in r['glyphs'])
         for l in open('$T/snow.jsonl', encoding='utf-8') for r in json.loads(l).get('runs', []))
sys.exit(0 if ok else 1)"

# ---- a font hb-subset refuses: its file is named --------------------------
python3 - "$FONTS/CharisSIL-Regular.ttf" "$T/damaged-post.ttf" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack(">H", d[4:6])[0]
for i in range(n):
    tag, _, off, ln = struct.unpack(">4sIII", d[12 + 16 * i:28 + 16 * i])
    if tag == b"post": d[off:off + 64] = b"\xff" * 64  # FreeType still opens it; hb-subset does not
open(sys.argv[2], "wb").write(d)
EOF
rm -f "$T/bad.lpk"
"$PACKER" build --font "$T/damaged-post.ttf" -o "$T/bad.lpk" "$T/snow/snow.txt" > /dev/null 2> "$T/err"; st=$?
check subset_refused_font_named bash -c "test $st -eq 1 && grep -q 'damaged-post.ttf' '$T/err' && grep -qi 'subset' '$T/err' && test ! -e '$T/bad.lpk'"
