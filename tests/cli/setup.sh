#!/bin/bash
# The set-up from the outside: which package sets each make goal asks for,
# what the sets hold, and what `make install` puts where. (make fresh-test is
# the end-to-end check on a bare Debian 12; these are the fast ones.)
. tests/cli/lib.sh

# ---- the sets ------------------------------------------------------------
tools/deps.sh --list run > "$T/run"; check deps_list_run_exit_0 test $? -eq 0
for p in build-essential pkg-config libsdl2-dev libharfbuzz-dev fonts-sil-charis hyphen-en-us; do
  check "deps_run_has_$p" grep -qx "$p" "$T/run"
done
# what only other goals need is not in the run set
check deps_run_no_browser_emulator_cross bash -c \
  "! grep -E '^(chromium|qemu|clang|libfuzzer|mupdf|crossbuild|mmdebstrap)|:(arm64|armhf)$' '$T/run'"
tools/deps.sh --list test > "$T/test"
for p in strace xvfb systemd; do check "deps_test_has_$p" grep -qx "$p" "$T/test"; done
check deps_test_no_browser bash -c "! grep -qE '^(chromium|qemu|clang)' '$T/test'"
tools/deps.sh --list bench > "$T/bench"
for p in chromium mupdf-tools lz4; do check "deps_bench_has_$p" grep -qx "$p" "$T/bench"; done
tools/deps.sh --list fuzz > "$T/fuzz"
check deps_fuzz_has_clang grep -qx clang "$T/fuzz"
CROSS_ARCH=arm64 tools/deps.sh --list cross > "$T/cross"
if [ "$(dpkg --print-architecture)" != arm64 ]; then
  check deps_cross_arm64_libs grep -qx 'libsdl2-dev:arm64' "$T/cross"
  check deps_cross_arm64_toolchain grep -qx 'crossbuild-essential-arm64' "$T/cross"
fi
CROSS_ARCH=armhf tools/deps.sh --list cross > "$T/crossh"
check deps_cross_armhf_libs grep -qx 'liblz4-dev:armhf' "$T/crossh"
tools/deps.sh --list nonsense > /dev/null 2>&1; check deps_unknown_set_exit_2 test $? -eq 2

# ---- each goal asks for its own sets -------------------------------------
# make -n prints the outer recipe (the inner make runs with -n too, printing
# only); LECTERN_INNER must not be set for this.
goal_sets() { env -u LECTERN_INNER -u MAKEFLAGS -u MFLAGS make -n "$@" 2>/dev/null |
  sed -n 's|^.*tools/deps.sh \([a-z ]*\)$|\1|p' | head -1; }
check goal_run_sets_run test "$(goal_sets run)" = "run"
check goal_test_sets_run_test test "$(goal_sets test)" = "run test"
check goal_bench_sets_run_bench test "$(goal_sets bench)" = "run bench"
check goal_fuzz_sets_run_fuzz test "$(goal_sets fuzz)" = "run fuzz"
check goal_file_sets_run test "$(goal_sets "$B/lectern-pack")" = "run"

# ---- make install --------------------------------------------------------
d=$T/inst
env -u MAKEFLAGS -u MFLAGS make --no-print-directory LECTERN_INNER=1 B="$B" install \
  DESTDIR="$d" PREFIX=/usr > "$T/install.log" 2>&1
check install_exit_0 test $? -eq 0
for f in bin/lectern-pack bin/lectern share/lectern/default.lpk \
         share/man/man1/lectern-pack.1 share/man/man1/lectern.1 share/man/man5/lectern.conf.5; do
  check "install_has_${f//\//_}" test -s "$d/usr/$f"
done
# the man pages render without a warning
for m in "$d"/usr/share/man/man1/*.1 "$d"/usr/share/man/man5/*.5; do
  n=$(basename "$m")
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" > "$T/man.out" 2> "$T/man.err"
  check "man_renders_$n" bash -c "[ -s '$T/man.out' ] && [ ! -s '$T/man.err' ]"
done
