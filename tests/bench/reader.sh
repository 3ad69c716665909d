#!/bin/bash
# The reader against headless Chromium and MuPDF, side by side in one run:
# cold start to the first page written as PNG, at 800x480, same essay, same
# face (Charis SIL), size and column; peak RSS; and justified-line quality.
# Called by tests/bench/run.sh with B (build dir) and W (scratch dir).
set -eu
B=${B:-build/host}
W=${W:-$(mktemp -d)}
mkdir -p "$W"
READER=$B/lectern
PACKER=$B/lectern-pack
ESSAY=3
CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars"

now() { date +%s.%N; }
# run N times; print "best_seconds max_rss_kb" (RSS of the largest process
# in the tree, as GNU time reports it)
measure() {
  local n=$1; shift; local best= rss=0
  for _ in $(seq "$n"); do
    local t0 t1 r
    t0=$(now)
    r=$( { /usr/bin/time -f '%M' "$@" > /dev/null 2> "$W/err"; } 2>&1; tail -1 "$W/err")
    t1=$(now)
    r=$(tail -1 "$W/err")
    best=$(echo "$t1 - $t0" | bc -l | awk -v b="$best" '{ if (b == "" || $1 < b) print $1; else print b }')
    [ "$r" -gt "$rss" ] 2>/dev/null && rss=$r
  done
  echo "$best $rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

# the reader's own typesetting parameters at 800x480
hdr=$("$READER" --layout-stats --pack "$B/default.lpk" --size 800x480 | head -1)
px=$(echo "$hdr" | sed -n 's/.* body=\([0-9]*\)px.*/\1/p')
lead=$(awk -v p="$px" 'BEGIN { printf "%.1f", p * 1.42 }')
width=648   # the column at 800x480: 800 px less two 76 px margins

"$PACKER" cat "$B/default.lpk" $ESSAY --show-hyphens > "$W/essay.txt"
python3 tests/bench/essay_html.py "$W/essay.txt" "$W/essay.html" "$px" "$lead" "$width"
python3 tests/bench/essay_html.py "$W/essay.txt" "$W/measure.html" "$px" "$lead" "$width" --measure

mkdir -p "$W/shots"
read -r t_lec rss_lec < <(measure 10 env SDL_VIDEODRIVER=offscreen "$READER" --pack "$B/default.lpk" \
  --screenshot "$W/shots" --essay $ESSAY --page 1 --size 800x480)
read -r t_chr rss_chr < <(measure 5 chromium $CHROME_FLAGS --user-data-dir="$W/chr" \
  --screenshot="$W/chrome.png" --window-size=800,480 "file://$W/essay.html")
read -r t_mu rss_mu < <(measure 10 mutool draw -q -o "$W/mupdf%d.png" -W 800 -H 480 -r 96 "$W/essay.html" 1)

echo "## Cold start to first page written (800x480 PNG, essay $ESSAY, ${px} px Charis SIL, ${width} px column)"
echo "| | best wall time | peak RSS | lectern is faster by | lectern uses less memory by |"
echo "|---|---:|---:|---:|---:|"
printf '| lectern --screenshot (best of 10) | %.0f ms | %.1f MB | 1.0x | 1.0x |\n' \
  "$(echo "$t_lec * 1000" | bc -l)" "$(echo "$rss_lec / 1024" | bc -l)"
printf '| chromium --headless --screenshot (best of 5) | %.0f ms | %.1f MB | %sx | %sx |\n' \
  "$(echo "$t_chr * 1000" | bc -l)" "$(echo "$rss_chr / 1024" | bc -l)" "$(ratio "$t_chr" "$t_lec")" "$(ratio "$rss_chr" "$rss_lec")"
printf '| mutool draw, HTML at 800x480 (best of 10) | %.0f ms | %.1f MB | %sx | %sx |\n' \
  "$(echo "$t_mu * 1000" | bc -l)" "$(echo "$rss_mu / 1024" | bc -l)" "$(ratio "$t_mu" "$t_lec")" "$(ratio "$rss_mu" "$rss_lec")"
echo
echo "(Chromium's RSS is its largest process, as GNU time reports it; the browser"
echo "runs several. Pages are in $W while the bench runs.)"
echo

# justified-line quality: the same text, the same column, the same face
stats=$(chromium $CHROME_FLAGS --user-data-dir="$W/chr2" --window-size=800,480 --virtual-time-budget=5000 \
  --dump-dom "file://$W/measure.html" 2> /dev/null | sed -n 's/.*data-stats="\([^"]*\)".*/\1/p' | sed 's/&quot;/"/g')
c_lines=$(echo "$stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["lines"])')
c_over=$(echo "$stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["over"])')
c_max=$(echo "$stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["max"])')
ls=$("$READER" --layout-stats --pack "$B/default.lpk" --size 800x480)
l_row=$(echo "$ls" | grep "^essay=$ESSAY ")
l_all=$(echo "$ls" | grep '^total')
field() { echo "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }
echo "## Justified lines stretched beyond 1.5x the normal space (essay $ESSAY, 800x480)"
echo "| | justified lines | lines over 1.5x | largest space |"
echo "|---|---:|---:|---:|"
echo "| Chromium, text-align: justify, same soft hyphens | $c_lines | $c_over | ${c_max}x |"
echo "| lectern (total-fit line breaking) | $(field "$l_row" lines) (all lines) | $(field "$l_row" over_1_5) | $(field "$l_row" max_stretch)x |"
echo "| lectern, all five essays | $(field "$l_all" lines) (all lines) | $(field "$l_all" over_1_5) | $(field "$l_all" max_stretch)x |"
echo

# the reader's own costs
echo "## The reader's own costs"
echo "| measure | result |"
echo "|---|---:|"
if [ -x "$B/bench/bench_render" ]; then
  SDL_VIDEODRIVER=offscreen "$B/bench/bench_render" "$B/default.lpk" | grep '^|' || true
fi
if [ -x "$B/bench/bench_layout" ]; then
  "$B/bench/bench_layout" "$B/default.lpk" | grep '^|' || true
fi
rss_all=$( { /usr/bin/time -f '%M' env SDL_VIDEODRIVER=offscreen "$READER" --pack "$B/default.lpk" \
  --screenshot "$W/all" --all --size 800x480 > /dev/null; } 2>&1 | tail -1)
printf '| peak RSS, every page of every essay written (default pack, 800x480) | %.1f MB |\n' "$(echo "$rss_all / 1024" | bc -l)"
