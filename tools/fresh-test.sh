#!/bin/bash
# make fresh-test: the README's two commands, as a new user meets them, on a
# fresh Debian 12 that has none of the project's packages.
#
# A clean bookworm amd64 chroot (mmdebstrap, minbase) holding only make, git,
# ca-certificates and sudo; a user with sudo, as on a desktop; this
# repository cloned into its home (the committed HEAD, as CI has it). Then,
# with no display, `make -j2 run` (it must write the PNG previews) and
# `make -j2 test`. Fails when either exits non-zero, when the previews are
# missing, or when `make run` installed a package that the run set
# (tools/deps.sh --list run) does not bring: a browser, an emulator, clang,
# a cross compiler. Prints the MB that each step installed and its time.
# FRESH_TEST_FIRST=1 runs `make test` first instead, FRESH_JOBS=-j4 another -j.
#
# The base chroot is made once and kept as a tarball in $FRESH_TMP (default
# /tmp/lectern-fresh); every run unpacks a new copy of it and removes it
# afterwards. Needs root (chroot, mounts) and mmdebstrap (tools/deps.sh fresh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${FRESH_TMP:-/tmp/lectern-fresh}
base=$cache/bookworm-minbase.tar
root=$cache/root
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
security=${FRESH_SECURITY:-http://deb.debian.org/debian-security}
jobs=${FRESH_JOBS:--j2}

say() { echo "fresh-test: $*"; }
die() { echo "fresh-test: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (it makes a chroot); run it as root or with sudo"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: run tools/deps.sh fresh"
git -C "$top" rev-parse --git-dir >/dev/null 2>&1 || die "$top is not a git checkout"
[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] ||
  say "note: uncommitted changes are not tested; the chroot gets the committed HEAD"

mkdir -p "$cache"
if [ ! -s "$base" ]; then
  say "making the base chroot (once): bookworm minbase + make git ca-certificates sudo"
  t0=$SECONDS
  mmdebstrap --quiet --format=tar --variant=minbase --include=make,git,ca-certificates,sudo \
    bookworm "$base.part" \
    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
    "deb $security bookworm-security main"
  mv "$base.part" "$base"
  say "base chroot made in $((SECONDS - t0)) s"
fi

rm -rf "$root"
mkdir -p "$root"
cleanup() { rm -rf "$root"; }
trap cleanup EXIT
tar -C "$root" -xf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# a desktop user with sudo, as a teacher has
chroot "$root" useradd -m -s /bin/bash reader
echo 'reader ALL=(ALL) NOPASSWD:ALL' > "$root/etc/sudoers.d/reader"
chmod 0440 "$root/etc/sudoers.d/reader"
git clone -q --no-local "$top" "$root/home/reader/lectern"
# CI keeps shared/ beside the checkout; the tests do not need it, but give the
# same neighbourhood when it is there.
if [ -d "$top/../shared" ]; then cp -r "$top/../shared" "$root/home/reader/shared"; fi
chroot "$root" chown -R reader:reader /home/reader

# Run a command in the chroot as USER (root or reader), in a private mount
# namespace with /proc, /sys, /dev and tmpfs /tmp and /dev/shm, so nothing
# stays mounted when it ends.
in_chroot() {
  local user=$1; shift
  unshare --mount --propagation private -- /bin/sh -c '
    r=$1 u=$2; shift 2
    mount -t proc proc "$r/proc" && mount --rbind /sys "$r/sys" &&
    mount --rbind /dev "$r/dev" && mount -t tmpfs shm "$r/dev/shm" &&
    mount -t tmpfs tmp "$r/tmp" && chmod 1777 "$r/tmp" || exit 97
    exec chroot "$r" /usr/sbin/runuser -u "$u" -- env -i HOME="$([ "$u" = root ] && echo /root || echo "/home/$u")" \
      USER="$u" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
      CI="${CI:-}" WERROR="${WERROR:-0}" /bin/bash -c "$*"' sh "$root" "$user" "$@"
}

# What the run set should bring, as apt itself works it out in the base.
runset=$("$top/tools/deps.sh" --list run | tr '\n' ' ')
expected=$(in_chroot root "apt-get update -qq >/dev/null 2>&1; apt-get install -s --no-install-recommends $runset" |
  awk '/^Inst /{print $2}' | sort -u)
[ -n "$expected" ] || die "apt-get could not work out the run set in the chroot (no network?)"

pkgs() { chroot "$root" dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1=="ii"{print $2}' | sort -u; }
kb() { chroot "$root" dpkg-query -W -f='${db:Status-Abbrev} ${Installed-Size}\n' | awk '$1=="ii"{s+=$2} END{print s+0}'; }

run_fail=0 test_fail=0
# FRESH_TEST_FIRST=1: the other order, `make test` on the bare machine first
# (then make run's packages are not checked: make test brought them).
if [ "${FRESH_TEST_FIRST:-0}" = 1 ]; then
  say "make $jobs test first ..."
  t0=$SECONDS
  if in_chroot reader "cd ~/lectern && make $jobs test" > "$cache/test-first.log" 2>&1; then rc=0; else rc=$?; fi
  say "make test first: exit $rc, $((SECONDS - t0)) s; last line: $(tail -n 1 "$cache/test-first.log")"
  [ "$rc" = 0 ] || { say "FAIL make test on the bare machine exited $rc (log: $cache/test-first.log)"; test_fail=1; }
fi
before=$(pkgs) kb0=$(kb)
say "make $jobs run (no display) ..."
t0=$SECONDS
if in_chroot reader "cd ~/lectern && make $jobs run" > "$cache/run.log" 2>&1; then run_rc=0; else run_rc=$?; fi
run_s=$((SECONDS - t0))
after=$(pkgs) kb1=$(kb)
tail -n 15 "$cache/run.log" | sed 's/^/  | /'
new=$(comm -13 <(echo "$before") <(echo "$after"))
say "make run: exit $run_rc, $run_s s, installed $(echo "$new" | grep -c .) packages, $(( (kb1 - kb0) / 1024 )) MB"
[ "$run_rc" = 0 ] || { say "FAIL make run exited $run_rc (log: $cache/run.log)"; run_fail=1; }
for f in library.png; do
  [ -s "$root/home/reader/lectern/build/preview/$f" ] || { say "FAIL make run wrote no build/preview/$f"; run_fail=1; }
done
n=$(ls "$root"/home/reader/lectern/build/preview/*.png 2>/dev/null | wc -l)
[ "$n" -ge 2 ] || { say "FAIL make run wrote $n preview PNGs (want the library and the first pages)"; run_fail=1; }
[ "${FRESH_TEST_FIRST:-0}" = 1 ] && new=
bad=$(echo "$new" | grep -E '^(chromium|qemu|clang|llvm|libfuzzer|mupdf|crossbuild|(gcc|g\+\+|cpp)-[0-9]+-(aarch64|arm)|.*:(arm64|armhf))' || true)
[ -z "$bad" ] || { say "FAIL make run installed packages outside the run set: $(echo $bad)"; run_fail=1; }
extra=$(comm -23 <(echo "$new") <(echo "$expected") || true)
[ -z "$extra" ] || { say "FAIL make run installed what the run set does not need: $(echo $extra)"; run_fail=1; }

say "make $jobs test ..."
t0=$SECONDS
if in_chroot reader "cd ~/lectern && make $jobs test" > "$cache/test.log" 2>&1; then test_rc=0; else test_rc=$?; fi
test_s=$((SECONDS - t0))
kb2=$(kb)
grep -E '^FAIL' "$cache/test.log" | head -20 | sed 's/^/  | /' || true
last=$(tail -n 1 "$cache/test.log")
say "make test: exit $test_rc, $test_s s, installed $(( (kb2 - kb1) / 1024 )) MB more; last line: $last"
[ "$test_rc" = 0 ] || { say "FAIL make test exited $test_rc (log: $cache/test.log)"; test_fail=1; }
echo "$last" | grep -qE '^[0-9]+ passed, 0 failed' || { say "FAIL make test's last line is not 'N passed, 0 failed'"; test_fail=1; }

fail=$((run_fail + test_fail))
if [ $fail = 0 ]; then
  say "ok: make run ($run_s s, $(( (kb1 - kb0) / 1024 )) MB) and make test ($test_s s) on a fresh Debian 12"
  echo "2 passed, 0 failed"
else
  cp "$cache/run.log" "$cache/test.log" "$top/build/" 2>/dev/null || true
  echo "$((2 - fail)) passed, $fail failed"  # make run, make test
  exit 1
fi
