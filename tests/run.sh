#!/bin/sh
# Run every test: the C test binaries of tests/*.c and tests/fuzz/*.c, from
# $B/tests (optionally under $RUNNER,
# e.g. qemu-aarch64-static), then the shell tests in tests/cli/. Each prints
# "ok NAME" or "FAIL NAME"; a binary that dies without saying counts as one
# failure. Last line: "N passed, N failed". Exit 1 on any failure.
B=${B:-build/host}
export B
pass=0 fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # $1 = label, output in $log, $2 = exit status
  p=$(grep -c '^ok ' "$log"); f=$(grep -c '^FAIL ' "$log")
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL $1 (exit status $2, no test reported failure)"; f=1
  fi
  pass=$((pass + p)); fail=$((fail + f))
}

# The binaries of the current sources only, named as the Makefile names
# them: a binary left in $B by a removed or renamed test is not run, and a
# test whose binary is missing fails.
bins=
for src in tests/test_*.c; do
  [ -f "$src" ] && bins="$bins $B/tests/$(basename "$src" .c)"
done
for src in tests/fuzz/fuzz_*.c; do
  [ -f "$src" ] && bins="$bins $B/tests/replay_$(basename "$src" .c)"
done

for t in $bins; do
  name=$(basename "$t")
  echo "== $name"
  if [ ! -x "$t" ]; then
    echo "FAIL $name (not built: $t is missing)"
    fail=$((fail + 1))
    continue
  fi
  # shellcheck disable=SC2086
  $RUNNER "$t" > "$log"; st=$?
  cat "$log"
  count "$name" $st
done

if [ -z "$UNIT_ONLY" ]; then
  for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    echo "== $t"
    bash "$t" > "$log"; st=$?
    cat "$log"
    count "$t" $st
  done
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
