#!/bin/bash
# Whole pack files against an EPUB-style peer: zip -9 of the same essay
# files plus the same faces cut down by the hb-subset tool to the essays'
# characters (its defaults). Bytes of text and of fonts, side by side.
# Called by tests/bench/run.sh; nothing here passes or fails.
#   tests/bench/size.sh [DIR [PACK [EXTRA_DIR...]]]
# (default: assets/essays, $B/default.lpk). Each EXTRA_DIR (the Chinese man
# pages, say) is packed with --lang $SIZE_EXTRA_LANG (default en-US) and
# measured the same way; its fallback faces come from fontconfig.
set -eu
B=${B:-build/host}
PACKER=$B/lectern-pack
W=$(mktemp -d /tmp/lectern-size-XXXXXX)
trap 'rm -rf "$W"' EXIT

val() { awk -F': ' -v k="$1" '$1 == k { print $2 }' "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# measure NAME DIR PACK: one table row for ours and one for the peer
measure() {
  local name=$1 dir=$2 pack=$3 w=$W/$RANDOM
  mkdir -p "$w/epub/fonts"
  "$PACKER" info "$pack" > "$w/info"
  local size text fonts
  size=$(val file_size "$w/info"); text=$(val essays_stored_bytes "$w/info"); fonts=$(val fonts_stored_bytes "$w/info")
  # the peer: the same text files, and each face the pack embeds subset by hb-subset
  cp "$dir"/* "$w/epub/"
  cat "$dir"/* > "$w/all.txt"
  local k=0 path
  while read -r file; do
    k=$((k + 1))
    path=$(fc-list --format '%{file}\n' | grep -m1 "/$file\$" || true)
    [ -n "$path" ] || { echo "# $name: font file $file not found by fontconfig; peer left without it"; continue; }
    hb-subset "$path" --text-file="$w/all.txt" -o "$w/epub/fonts/$k-$file"
  done < <(grep '^font_[0-9]*_file: ' "$w/info" | sed 's/^[^:]*: //')
  (cd "$w/epub" && zip -9 -q -X -r "$w/peer.zip" .)
  (cd "$w/epub" && find . -maxdepth 1 -type f -print0 | xargs -0 zip -9 -q -X "$w/peer-text.zip")
  local peer ptext
  peer=$(stat -c %s "$w/peer.zip"); ptext=$(stat -c %s "$w/peer-text.zip")
  echo "| $name: lectern pack | $size | $text | $fonts | $(ratio "$size" "$peer")x |"
  echo "| $name: zip -9 of the text + hb-subset fonts | $peer | $ptext | $((peer - ptext)) | 1.00x |"
}

echo "## Whole pack files (text and fonts as stored; the peer is EPUB-style)"
echo "| | bytes | text | fonts | vs peer |"
echo "|---|---:|---:|---:|---:|"
measure "five essays" "${1:-assets/essays}" "${2:-$B/default.lpk}"
shift 2 2> /dev/null || shift $#
for extra in "$@"; do
  "$PACKER" build --lang "${SIZE_EXTRA_LANG:-en-US}" -o "$W/extra.lpk" "$extra" > /dev/null 2> "$W/extra.err" ||
    { echo "# $extra: lectern-pack build failed: $(tail -1 "$W/extra.err")"; continue; }
  measure "$(basename "$extra") ($(find "$extra" -maxdepth 1 -type f | wc -l) files, $(cat "$extra"/* | wc -c) bytes)" \
    "$extra" "$W/extra.lpk"
done
echo "(goals: the five essays <= 100000 bytes; the Chinese man pages <= 1000000: the ten pages)"
