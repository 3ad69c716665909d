#!/bin/sh
# `make fuzz`: run each libFuzzer target for $FUZZ_SECONDS, starting from its
# checked-in seed corpus, in a scratch corpus under build/fuzz/ (new inputs
# are not written back into git). A crash stops with the reproducer's path.
secs=${FUZZ_SECONDS:-60}
status=0
for bin in "$@"; do
  name=$(basename "$bin")
  work=build/fuzz/corpus-$name
  mkdir -p "$work" build/fuzz/artifacts
  cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
  echo "== $name: $secs s"
  log=build/fuzz/$name.log
  "$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/"$name"- \
    -timeout=10 -rss_limit_mb=2048 "$work" > "$log" 2>&1
  st=$?
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  crashes=$(ls build/fuzz/artifacts/"$name"-* 2>/dev/null | wc -l)
  echo "$name: ${execs:-?} executions, $crashes crash/leak/timeout artefacts, exit $st (log: $log)"
  [ "$st" -ne 0 ] && status=1 && tail -30 "$log"
done
exit $status
