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

# Cold starts, best of N: CPU time (user + system, the process and what it
# waited for: steadier than wall time on a loaded machine) and wall time,
# from wait4(2) in microseconds (GNU time's %U %S count in 10 ms). The
# commands given as NAME=N:COMMAND... take turns round by round, so a change
# in the machine's load falls on all of them alike. Prints a line
# "NAME best_cpu_s best_wall_s" for each.
rounds() {
  python3 - "$@" <<'PY'
import os, sys, time
runs = [(a.split("=", 1)[0], int(a.split("=", 1)[1].split(":", 1)[0]), a.split(":", 1)[1].split("\x1f"))
        for a in sys.argv[1:]]
best = {name: [None, None] for name, _, _ in runs}
null = os.open(os.devnull, os.O_WRONLY)
failed = set()
for r in range(max(n for _, n, _ in runs)):
    for name, n, cmd in runs:
        if r >= n:
            continue
        t0 = time.perf_counter()
        # posix_spawn (glibc: vfork-like, no copy of this Python's page
        # tables), so that a program's CPU time is its own, not a fork's
        try:
            pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, null, 1),
                                                                         (os.POSIX_SPAWN_DUP2, null, 2)])
        except OSError as e:
            print("bench: %s: cannot start %s: %s" % (name, cmd[0], e), file=sys.stderr)
            failed.add(name)
            continue
        _, st, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        if st != 0 and name not in failed:
            failed.add(name)
            print("bench: %s exited with status %d: %s" % (name, st >> 8, " ".join(cmd)), file=sys.stderr)
        cpu = ru.ru_utime + ru.ru_stime
        b = best[name]
        b[0] = cpu if b[0] is None else min(b[0], cpu)
        b[1] = wall if b[1] is None else min(b[1], wall)
for name, (cpu, wall) in best.items():
    print(name, "%.6f" % cpu, "%.6f" % wall)
PY
}
# one command as an argument of rounds: its words joined by the unit separator
cmd() { local IFS=$'\x1f'; echo "$*"; }
# peak RSS in kB over n runs (the largest process in the tree, as GNU time
# reports it; apart from the timed runs, as GNU time adds its own start)
peak_rss() {
  local n=$1; shift; local rss=0
  for _ in $(seq "$n"); do
    local r
    r=$( { /usr/bin/time -f '%M' "$@" > /dev/null 2> "$W/err"; } 2>&1; tail -1 "$W/err")
    r=$(tail -1 "$W/err")
    [ "$r" -gt "$rss" ] 2>/dev/null && rss=$r
  done
  echo "$rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# the reader's own typesetting parameters at 800x480
hdr=$("$READER" --layout-stats --pack "$B/default.lpk" --size 800x480 | head -1)
px=$(echo "$hdr" | sed -n 's/.* body=\([0-9]*\)px.*/\1/p')
lead=$(awk -v p="$px" 'BEGIN { printf "%.1f", p * 1.42 }')
width=648   # the column at 800x480: 800 px less two 76 px margins

"$PACKER" cat "$B/default.lpk" $ESSAY --show-hyphens > "$W/essay.txt"
python3 tests/bench/essay_html.py "$W/essay.txt" "$W/essay.html" "$px" "$lead" "$width"
python3 tests/bench/essay_html.py "$W/essay.txt" "$W/measure.html" "$px" "$lead" "$width" --measure

mkdir -p "$W/shots"
# no env(1) in front: its exec would count as the reader's (which needs no
# display for pages anyway); the variable is in the bench's environment
export SDL_VIDEODRIVER=offscreen
LEC=("$READER" --pack "$B/default.lpk" --screenshot "$W/shots" --essay $ESSAY --page 1
     --size 800x480)
CHR=(chromium $CHROME_FLAGS --user-data-dir="$W/chr" --screenshot="$W/chrome.png" --window-size=800,480
     "file://$W/essay.html")
MU=(mutool draw -q -o "$W/mupdf%d.png" -W 800 -H 480 -r 96 "$W/essay.html" 1)
# The floor under lectern's figure: a program that does nothing, linked
# against exactly the libraries the reader's binary names (readelf), so it
# pays only the dynamic loader's mapping and relocation of them (about 30
# in all: SDL2, which alone brings X11, Wayland, PulseAudio and ALSA, is not
# among them, as the reader loads it only to open a display: src/sdl_dyn.c).
FLOOR=$W/floor
libs=$(readelf -d "$READER" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/-l:\1/p' | grep -v -e '^-l:libc\.' -e '^-l:libm\.')
echo 'int main(void) { return 0; }' > "$W/floor.c"
# shellcheck disable=SC2086
cc -O2 -o "$FLOOR" "$W/floor.c" -Wl,--no-as-needed $libs -lm 2> "$W/floor.err" || FLOOR=
times=$(rounds "lectern=20:$(cmd "${LEC[@]}")" "mutool=20:$(cmd "${MU[@]}")" "chromium=5:$(cmd "${CHR[@]}")" \
          ${FLOOR:+"floor=20:$FLOOR"})
field_of() { echo "$times" | awk -v n="$1" -v f="$2" '$1 == n { print $f }'; }
c_lec=$(field_of lectern 2) t_lec=$(field_of lectern 3)
c_mu=$(field_of mutool 2) t_mu=$(field_of mutool 3)
c_chr=$(field_of chromium 2) t_chr=$(field_of chromium 3)
rss_lec=$(peak_rss 3 "${LEC[@]}")
rss_mu=$(peak_rss 3 "${MU[@]}")
rss_chr=$(peak_rss 2 "${CHR[@]}")
c_fl=$(field_of floor 2) t_fl=$(field_of floor 3)
rss_fl=0; [ -n "$FLOOR" ] && rss_fl=$(peak_rss 3 "$FLOOR")
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo "## Cold start to first page written (800x480 PNG, essay $ESSAY, ${px} px Charis SIL, ${width} px column)"
echo "Best of 20 rounds (Chromium: 5), the programs taking turns; CPU is user + system time. Ratios are the"
echo "other program's figure over lectern's: above 1, lectern is faster or smaller."
echo "| | best CPU time | best wall time | peak RSS | CPU: other/lectern | wall: other/lectern | RSS: other/lectern |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '| lectern --screenshot | %s ms | %s ms | %s MB | 1.00x | 1.00x | 1.00x |\n' \
  "$(ms "$c_lec")" "$(ms "$t_lec")" "$(mb "$rss_lec")"
printf '| chromium --headless --screenshot | %s ms | %s ms | %s MB | %sx | %sx | %sx |\n' \
  "$(ms "$c_chr")" "$(ms "$t_chr")" "$(mb "$rss_chr")" "$(ratio "$c_chr" "$c_lec")" "$(ratio "$t_chr" "$t_lec")" \
  "$(ratio "$rss_chr" "$rss_lec")"
printf '| mutool draw, HTML at 800x480 | %s ms | %s ms | %s MB | %sx | %sx | %sx |\n' \
  "$(ms "$c_mu")" "$(ms "$t_mu")" "$(mb "$rss_mu")" "$(ratio "$c_mu" "$c_lec")" "$(ratio "$t_mu" "$t_lec")" \
  "$(ratio "$rss_mu" "$rss_lec")"
if [ -n "$FLOOR" ]; then
  printf '| an empty program linked against the reader'"'"'s %s libraries (%s loaded with theirs): the floor | %s ms | %s ms | %s MB | | | |\n' \
    "$(echo "$libs" | wc -w)" "$(ldd "$FLOOR" | grep -c '=>')" "$(ms "$c_fl")" "$(ms "$t_fl")" "$(mb "$rss_fl")"
  printf '| lectern less the floor, vs mutool | %s ms | %s ms | %s MB | %sx | %sx | %sx |\n' \
    "$(ms "$(awk -v a="$c_lec" -v b="$c_fl" 'BEGIN { print a - b }')")" \
    "$(ms "$(awk -v a="$t_lec" -v b="$t_fl" 'BEGIN { print a - b }')")" \
    "$(mb "$((rss_lec - rss_fl))")" \
    "$(awk -v m="$c_mu" -v a="$c_lec" -v b="$c_fl" 'BEGIN { printf "%.2f", m / (a - b) }')" \
    "$(awk -v m="$t_mu" -v a="$t_lec" -v b="$t_fl" 'BEGIN { printf "%.2f", m / (a - b) }')" \
    "$(awk -v m="$rss_mu" -v a="$rss_lec" -v b="$rss_fl" 'BEGIN { printf "%.2f", m / (a - b) }')"
else
  echo "(the floor program could not be linked: $(tail -1 "$W/floor.err"))"
fi
echo "(goal, issue 12: lectern >= 2x faster than mutool, with a peak RSS no bigger)"
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

# Every essay at the two panels of issue 13 (800x480, and the 720x1280
# portrait Touch Display 2): lectern's --layout-stats beside Chromium's
# justified lines for the same text, face, size and column.
echo "## Typesetting quality, every essay, beside Chromium (same text, soft hyphens, face, size and column)"
echo "Loose: a justified line whose spaces exceed 1.5x the normal space. Stacks: three or more lines in a"
echo "row ending in a hyphen. Ragged: paragraphs set ragged-right because no justified setting stays"
echo "within 2x. Chromium does not paginate: the page columns are lectern's alone."
echo "| panel | essay | lectern loose / justified | lectern worst | Chromium loose / justified | Chromium worst | loose: lectern/Chromium | stacks: lectern, Chromium | ragged paras | pages ending in a hyphen | short last page | largest blank (lines) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for size in 800x480 720x1280; do
  sw=${size%x*} sh=${size#*x}
  st=$("$READER" --layout-stats --pack "$B/default.lpk" --size "$size")
  spx=$(echo "$st" | head -1 | sed -n 's/.* body=\([0-9]*\)px.*/\1/p')
  slead=$(awk -v p="$spx" 'BEGIN { printf "%.1f", p * 1.42 }')
  # the column: the panel less the left margin of a body line, twice
  sx=$("$READER" --dump-layout --pack "$B/default.lpk" --size "$size" --essay 1 |
       python3 -c 'import json,sys
for l in sys.stdin:
    d = json.loads(l)
    if d["kind"] == "para": print(int(d["x"])); break')
  scol=$((sw - 2 * sx))
  tl=0 tc=0 tj=0 tcj=0 tcs=0
  for e in 1 2 3 4 5; do
    "$PACKER" cat "$B/default.lpk" $e --show-hyphens > "$W/q.txt"
    python3 tests/bench/essay_html.py "$W/q.txt" "$W/q.html" "$spx" "$slead" "$scol" --measure
    cs=$(chromium $CHROME_FLAGS --user-data-dir="$W/chr3" --window-size="$sw,$sh" --virtual-time-budget=5000 \
      --dump-dom "file://$W/q.html" 2> /dev/null | sed -n 's/.*data-stats="\([^"]*\)".*/\1/p' | sed 's/&quot;/"/g')
    cj() { echo "$cs" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])" 2> /dev/null || echo "?"; }
    row=$(echo "$st" | grep "^essay=$e ")
    lo=$(field "$row" over_1_5) lj=$(field "$row" justified) co=$(cj over) cl=$(cj lines)
    tl=$((tl + lo)) tj=$((tj + lj))
    [ "$co" != "?" ] && tc=$((tc + co)) && tcj=$((tcj + cl)) && tcs=$((tcs + $(cj stacks)))
    echo "| $size | $e | $lo / $lj | $(field "$row" max_stretch)x | $co / $cl | $(cj max)x | $( [ "$co" != "?" ] && [ "$co" -gt 0 ] && ratio "$lo" "$co" || echo "-") | $(field "$row" hyphen_stacks), $(cj stacks) | $(field "$row" ragged_paras) | $(field "$row" hyphen_page_ends) | $(field "$row" short_last_page) | $(field "$row" max_blank_lines) |"
  done
  tot=$(echo "$st" | grep '^total')
  echo "| $size | all | $tl / $tj ($(awk -v a="$tl" -v b="$tj" 'BEGIN { printf "%.1f", 100 * a / b }')%) | $(field "$tot" max_stretch)x | $tc / $tcj ($(awk -v a="$tc" -v b="$tcj" 'BEGIN { printf "%.1f", b ? 100 * a / b : 0 }')%) | | $( [ "$tc" -gt 0 ] && ratio "$tl" "$tc" || echo "-") | $(field "$tot" hyphen_stacks), $tcs | $(field "$tot" ragged_paras) | $(field "$tot" hyphen_page_ends) | $(field "$tot" short_last_pages) | $(field "$tot" max_blank_lines) |"
done
echo "(Goals, issue 13: at 800x480 worst <= 1.6x and loose lines <= a quarter of Chromium's; at 720x1280 loose"
echo "lines <= 5% of justified lines and worst <= 2.0x.)"
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
