#!/bin/bash
# `make bench`: lectern against peers, side by side in one run, as ratios.
# Figures vary with the machine's load; each is the best (or median) of
# several rounds. Nothing here passes or fails.
set -eu
B=${B:-build/host}
W=$(mktemp -d /tmp/lectern-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
PACKER=$B/lectern-pack
now() { date +%s.%N; }
best_of() { # N command... -> best wall seconds
  local n=$1; shift; local best=
  for _ in $(seq "$n"); do
    local t0 t1; t0=$(now); "$@" > /dev/null; t1=$(now)
    best=$(echo "$t1 - $t0" | bc -l | awk -v b="$best" '{ if (b == "" || $1 < b) print $1; else print b }')
  done
  echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu_best_of() { # N command... -> best CPU seconds (user + system, GNU time):
  # steadier than wall time on a shared machine, and fair to single-threaded
  # programs on both sides
  local n=$1; shift; local best=
  for _ in $(seq "$n"); do
    local c
    /usr/bin/time -f '%U %S' "$@" > /dev/null 2> "$W/cpu.err"
    c=$(tail -1 "$W/cpu.err" | awk '{ print $1 + $2 }')
    best=$(awk -v c="$c" -v b="$best" 'BEGIN { if (b == "" || c < b) print c; else print b }')
  done
  echo "$best"
}

echo "# lectern benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
echo

# ---- 1. pack size: essays in the pack vs lz4 -12 of the same essays --------
cat assets/essays/* > "$W/all.txt"
lz4 -12 -q -c "$W/all.txt" > "$W/all.lz4"
raw=$(stat -c %s "$W/all.txt")
peer=$(stat -c %s "$W/all.lz4")
ours=$("$PACKER" info "$B/default.lpk" | awk -F': ' '$1 == "essays_stored_bytes" { print $2 }')
"$PACKER" build --no-fonts --cluster-size 0 -o "$W/solo.lpk" assets/essays
solo=$("$PACKER" info "$W/solo.lpk" | awk -F': ' '$1 == "essays_stored_bytes" { print $2 }')
echo "## Pack size (the five default essays, $raw bytes of text; fonts excluded)"
echo "| | bytes | vs lz4 -12 |"
echo "|---|---:|---:|"
echo "| lz4 -12 of the essays concatenated | $peer | 1.00x |"
echo "| lectern pack, clustered (default) | $ours | $(ratio "$ours" "$peer")x |"
echo "| lectern pack, one block per essay | $solo | $(ratio "$solo" "$peer")x |"
echo

# Synthetic essays: a bigram chain over the default essays' words, seeded,
# so the text reads (and compresses) like prose without repeating itself.
gen() { # dir count bytes-per-essay
  mkdir -p "$1"
  python3 - "$1" "$2" "$3" <<'PY'
import os, random, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
words = [w for f in sorted(os.listdir("assets/essays"))
         for w in open(os.path.join("assets/essays", f), encoding="utf-8").read().split()]
nxt = {}
for a, b in zip(words, words[1:]):
    nxt.setdefault(a, []).append(b)
rng = random.Random(42)
w = words[0]
for i in range(n):
    out, length = [], 0
    while length < size:
        w = rng.choice(nxt.get(w) or words)
        out.append(w)
        length += len(w) + 1
    body = " ".join(out)
    # paragraphs of ~600 bytes, as in the essays
    paras, cur = [], []
    for tok in body.split(" "):
        cur.append(tok)
        if sum(len(t) + 1 for t in cur) > 600 and tok.endswith("."):
            paras.append(" ".join(cur)); cur = []
    if cur: paras.append(" ".join(cur))
    with open(os.path.join(d, "%05d.txt" % i), "w", encoding="utf-8") as f:
        f.write("Essay number %d\n%s\n" % (i + 1, "\n".join(paras)))
PY
}

# ---- 1b. whole pack files (text and subset fonts) vs an EPUB-style zip -------
# The Chinese man pages (Debian's manpages-zh, as groff renders them to
# text): ten everyday commands' pages, the kind of set a classroom packs,
# and all 304 of section 1 for scale.
zhman() { # DIR PAGE... : the pages' text into DIR, one essay each
  local d=$1; shift; mkdir -p "$d"
  for n in "$@"; do
    zcat "/usr/share/man/zh_CN/man1/$n.1.gz" | preconv -e UTF-8 2> /dev/null |
      groff -mandoc -Tutf8 -P-cbou -rLL=78n 2> /dev/null > "$d/$n.txt"
  done
}
extra=()
if [ -d /usr/share/man/zh_CN/man1 ]; then
  zhman "$W/zh-man-10" ls cp mv rm mkdir cat grep find tar chmod
  # shellcheck disable=SC2046
  zhman "$W/zh-man-1" $(cd /usr/share/man/zh_CN/man1 && ls -- *.1.gz | sed 's/\.1\.gz$//')
  extra=("$W/zh-man-10" "$W/zh-man-1")
else
  echo "(no /usr/share/man/zh_CN: the manpages-zh package is missing, so the Chinese man pages are not measured)"
fi
B="$B" SIZE_EXTRA_LANG=zh-CN bash tests/bench/size.sh assets/essays "$B/default.lpk" "${extra[@]}"; echo

# ---- 2. decoding every essay vs lz4 -d of the same data -------------------
# (a) the five default essays, both sides in memory and warm: lz4's own
#     benchmark mode against pack_read of every essay of the default pack;
# (b) 40 MB of synthetic essays: the lz4 CLI on the concatenated text
#     against pack_read of every essay of a pack of the same files.
lz4_inmem() { lz4 -b12 -i3 "$1" 2>&1 | tr '\r' '\n' | grep -E 'MB/s' | tail -1 |
  awk '{ for (i = 1; i <= NF; i++) if ($i ~ /MB\/s/) v = $(i-1) } END { gsub(",", "", v); print v }'; }
small_lz4=$(lz4_inmem "$W/all.txt")
small_lz4_us=$(awk -v b="$raw" -v m="$small_lz4" 'BEGIN { printf "%.1f", b / m }')
small_ours_us=$("$B/bench/bench_pack" decode "$B/default.lpk" 3000 | awk '$1 == "decode_best_s" { printf "%.1f", $2 * 1e6 }')
# lz4's decoder called in memory on one LZ4HC-12 block of the same text:
# no frame, no CLI, best of 3000 like ours (steadier than lz4 -b on a busy
# machine)
small_call_us=$("$B/bench/bench_pack" lz4 "$W/all.txt" 3000 | awk '$1 == "lz4_best_s" { printf "%.1f", $2 * 1e6 }')
gen "$W/big" 5000 8000
cat "$W"/big/* > "$W/big.txt"
lz4 -12 -q -c "$W/big.txt" > "$W/big.lz4"
"$PACKER" build --no-fonts -o "$W/big.lpk" "$W/big"
bytes=$(stat -c %s "$W/big.txt")
t_lz4=$(best_of 7 lz4 -d -q -c "$W/big.lz4")
big_lz4=$(awk -v b="$bytes" -v t="$t_lz4" 'BEGIN { printf "%.0f", b / t / 1e6 }')
big_ours=$("$B/bench/bench_pack" decode "$W/big.lpk" 7 | awk '$1 == "decode_mb_s" { print $2 }')
echo "## Decoding every essay (ours: open the pack, decode, check each essay's checksum, copy out)"
echo "| data | lz4 | lectern pack_read | lectern vs lz4 (speed) |"
echo "|---|---:|---:|---:|"
echo "| the five default essays, in memory: lz4 -b12 -i3 vs bench_pack, best of 3000 rounds | $small_lz4_us µs | $small_ours_us µs | $(ratio "$small_lz4_us" "$small_ours_us")x |"
echo "| the same, lz4 as LZ4_decompress_safe on one LZ4HC-12 block (bench_pack lz4), best of 3000 | $small_call_us µs | $small_ours_us µs | $(ratio "$small_call_us" "$small_ours_us")x |"
echo "| $(ls "$W/big" | wc -l) synthetic essays, $bytes bytes: lz4 -d CLI to /dev/null vs bench_pack, best of 7 | $big_lz4 MB/s | $big_ours MB/s | $(ratio "$big_ours" "$big_lz4")x |"
echo

# ---- 3. open + list on a 10,000-essay pack ---------------------------------
gen "$W/k10" 10000 5000
gen "$W/k10s" 10000 200
"$PACKER" build --no-fonts -o "$W/k10.lpk" "$W/k10"
"$PACKER" build --no-fonts -o "$W/k10s.lpk" "$W/k10s"
big_sz=$(stat -c %s "$W/k10.lpk"); small_sz=$(stat -c %s "$W/k10s.lpk")
big_text=$("$PACKER" info "$W/k10.lpk" | awk -F': ' '$1 == "essays_text_bytes" { print $2 }')
small_text=$("$PACKER" info "$W/k10s.lpk" | awk -F': ' '$1 == "essays_text_bytes" { print $2 }')
t_big=$("$B/bench/bench_pack" open "$W/k10.lpk" 51 | awk '$1 == "open_list_median_ms" { print $2 }')
t_small=$("$B/bench/bench_pack" open "$W/k10s.lpk" 51 | awk '$1 == "open_list_median_ms" { print $2 }')
t_cli=$(best_of 5 "$PACKER" list "$W/k10.lpk")
echo "## open + list, 10,000 essays (goal: <= 10 ms, flat in content size)"
echo "| pack | text bytes | file bytes | open+list, median of 51 |"
echo "|---|---:|---:|---:|"
echo "| 10,000 essays of ~5 KB | $big_text | $big_sz | $t_big ms |"
echo "| 10,000 essays of ~200 B | $small_text | $small_sz | $t_small ms |"
echo "| \`lectern-pack list\` process, 5 KB essays (best of 5, incl. exec and printing) | | | $(awk -v t="$t_cli" 'BEGIN { printf "%.1f", t * 1e3 }') ms |"
echo

# ---- 4. Markdown: re-layout with styled runs, and a 4 MB book -------------
# (a) the five essays, plain (.txt, the default pack) and as Markdown with
#     a styled word in every few (tests/bench/styled_essays.py): re-laying
#     out all five at a new size (goal: <= 5 ms);
# (b) the King James Bible, 66 books, from Debian's bible-kjv-text (read
#     with bible-kjv's own `bible` program; both .debs fetched with apt-get
#     download into the scratch folder, nothing installed): lectern-pack
#     build of the 66 books as a Markdown folder and as a .txt folder,
#     against lz4 -12 of the same Markdown bytes: CPU time (user + system),
#     best of 3 each.
python3 tests/bench/styled_essays.py assets/essays "$W/styled"
"$PACKER" build -o "$W/styled.lpk" "$W/styled" > /dev/null 2>&1
echo "## Markdown: re-layout with styled runs (goal: <= 5 ms), and the 66-book KJV packed"
echo "| measure | result |"
echo "|---|---:|"
if [ -x "$B/bench/bench_layout" ]; then
  plain=$("$B/bench/bench_layout" "$B/default.lpk" | grep '^|')
  styled=$("$B/bench/bench_layout" "$W/styled.lpk" "styled Markdown" | grep '^|')
  echo "$plain"
  echo "$styled"
  p_ms=$(echo "$plain" | sed -n 's/.*| \([0-9.]*\) ms (best.*/\1/p')
  s_ms=$(echo "$styled" | sed -n 's/.*| \([0-9.]*\) ms (best.*/\1/p')
  echo "| styled Markdown vs plain text, re-layout time | $(ratio "$s_ms" "$p_ms")x |"
fi
echo
mkdir -p "$W/kjv"
if (cd "$W/kjv" && apt-get download bible-kjv-text bible-kjv) > "$W/kjv/apt.log" 2>&1 &&
   for d in "$W"/kjv/*.deb; do dpkg-deb -x "$d" "$W/kjv/root"; done &&
   "$W/kjv/root/usr/bin/bible" -l99999 -p "$W/kjv/root/usr/lib" gen1:1-rev22:21 > "$W/kjv/bible.txt" &&
   python3 tests/bench/kjv_essays.py "$W/kjv/bible.txt" "$W/kjv/md" "$W/kjv/txt"; then
  cat "$W"/kjv/md/*.md > "$W/kjv/all.md"
  kb=$(stat -c %s "$W/kjv/all.md")
  t_peer=$(cpu_best_of 3 lz4 -12 -q -f "$W/kjv/all.md" "$W/kjv/all.md.lz4")
  t_md=$(cpu_best_of 3 "$PACKER" build -o "$W/kjv/md.lpk" "$W/kjv/md")
  t_mdnf=$(cpu_best_of 3 "$PACKER" build --no-fonts -o "$W/kjv/mdnf.lpk" "$W/kjv/md")
  t_txt=$(cpu_best_of 3 "$PACKER" build -o "$W/kjv/txt.lpk" "$W/kjv/txt")
  sz() { stat -c %s "$1"; }
  ms() { awk -v t="$1" 'BEGIN { printf "%.0f", t * 1e3 }'; }
  words=$("$PACKER" list "$W/kjv/md.lpk" | awk '{ w += $2 } END { print w }')
  echo "| KJV, 66 books as 66 essays, $kb bytes of Markdown, $words words | CPU time, best of 3 | vs lz4 -12 (time) | output bytes |"
  echo "|---|---:|---:|---:|"
  echo "| lz4 -12 of the 66 .md files concatenated | $(ms "$t_peer") ms | 1.00x | $(sz "$W/kjv/all.md.lz4") |"
  echo "| lectern-pack build, the Markdown folder (fonts embedded) | $(ms "$t_md") ms | $(ratio "$t_md" "$t_peer")x | $(sz "$W/kjv/md.lpk") |"
  echo "| lectern-pack build --no-fonts, the Markdown folder | $(ms "$t_mdnf") ms | $(ratio "$t_mdnf" "$t_peer")x | $(sz "$W/kjv/mdnf.lpk") |"
  echo "| lectern-pack build, the same text as a .txt folder (fonts embedded) | $(ms "$t_txt") ms | $(ratio "$t_txt" "$t_peer")x | $(sz "$W/kjv/txt.lpk") |"
  echo "| Markdown vs .txt, build time | $(ratio "$t_md" "$t_txt")x | | |"
else
  echo "(KJV not run: could not fetch or read bible-kjv-text; $(tail -1 "$W/kjv/apt.log" 2>/dev/null))"
fi
echo

# ---- 5. the reader: typesetting and drawing (reader.sh), touch (reader_touch.sh)
if [ -x "$B/lectern" ]; then
  B=$B W=$W/reader bash tests/bench/reader.sh
  B=$B bash tests/bench/reader_touch.sh
fi
