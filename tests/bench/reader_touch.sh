#!/bin/bash
# The reader's response to touch (issue 4), as a markdown table: the time
# from an injected tap to the new page presented with a warm page cache
# (goal: well under one frame, 16 ms), and memory after 1,000 page turns
# against after the first. Headless (SDL's software renderer, no display)
# and, when xvfb-run is there, in a real window under Xvfb. Nothing here
# passes or fails. Needs $B/bench/bench_touch (make bench builds it).
set -eu
B=${B:-build/host}
BIN=$B/bench/bench_touch
[ -x "$BIN" ] || { echo "reader_touch.sh: $BIN not built (make B=$B $BIN)" >&2; exit 1; }
get() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$2"; }
W=$(mktemp -d /tmp/lectern-bench-touch-XXXXXX)
trap 'rm -rf "$W"' EXIT
SDL_VIDEODRIVER=offscreen "$BIN" --turns 1000 "$B/default.lpk" > "$W/headless"
cols=("$W/headless") names=("headless, software renderer")
# In a window: without vsync (the reader's own work), and with it (what the
# panel shows: present waits for the next refresh, so up to one frame more).
if command -v xvfb-run > /dev/null 2>&1; then
  for v in 0 1; do
    if xvfb-run -a -s "-screen 0 800x480x24" env -u SDL_VIDEODRIVER SDL_RENDER_VSYNC=$v \
         "$BIN" --window --turns 1000 "$B/default.lpk" > "$W/window$v" 2> /dev/null; then
      cols+=("$W/window$v") names+=("window under Xvfb, $(get renderer "$W/window$v" | cut -d' ' -f1), vsync $([ $v = 1 ] && echo on || echo off)")
    fi
  done
fi
head="| 800x480, essay 3 ($(get essay_pages "$W/headless") pages), forward and back |"
sep="|---|"
for n in "${names[@]}"; do head+=" $n |"; sep+="---:|"; done
echo "## The reader: tap to new page, and memory over 1,000 page turns"
echo "$head"
echo "$sep"
row() { # label key unit
  local r="| $1 |"
  for c in "${cols[@]}"; do r+=" $(get "$2" "$c") $3 |"; done
  echo "$r"
}
row "tap to new page presented, median of 995 warm turns (goal < 16 ms)" tap_to_present_median_ms ms
row "tap to new page presented, 99th percentile" tap_to_present_p99_ms ms
row "tap to new page presented, worst" tap_to_present_max_ms ms
row "the whole frame, with the next neighbour drawn into the cache after presenting" frame_with_prefetch_median_ms ms
r="| page cache hits / misses |"
for c in "${cols[@]}"; do r+=" $(get page_cache_hits "$c") / $(get page_cache_misses "$c") |"; done
echo "$r"
row "RSS after the first turn" rss_after_first_turn_kb KB
row "RSS after 1,000 turns" rss_after_all_turns_kb KB
echo
