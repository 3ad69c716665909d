# Shared by the shell tests: ok/fail lines in the format tests/run.sh counts.
B=${B:-build/host}
PACKER=$B/lectern-pack
READER=$B/lectern
T=$(mktemp -d /tmp/lectern-cli-XXXXXX)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
ok() { echo "ok $1"; }
fail() { echo "FAIL $1"; shift; echo "  $*" >&2; }
# check NAME CONDITION-COMMAND... : ok if the command succeeds
check() { local n=$1; shift; if "$@"; then ok "$n"; else fail "$n" "failed: $*"; fi; }

# damage_essay PACK N OUT: OUT is PACK with one byte changed in the middle of
# essay N's stored block (offsets from the directory: src/pack_format.md)
damage_essay() {
  local p=$1 want=$2 out=$3 dir n i=0 k=0 e off= len= at byte
  u() { od -An -t "u$1" -j "$2" -N "$1" "$p" | tr -d ' '; }
  dir=$(u 8 24) n=$(u 4 36)
  while [ "$i" -lt "$n" ]; do
    e=$((dir + 80 * i))
    if [ "$(u 1 "$e")" -eq 1 ]; then
      k=$((k + 1))
      if [ "$k" -eq "$want" ]; then off=$(u 8 $((e + 8))) len=$(u 4 $((e + 16))); break; fi
    fi
    i=$((i + 1))
  done
  cp "$p" "$out"
  [ -n "$off" ] || return 1
  at=$((off + len / 2))
  byte=$(od -An -tu1 -j "$at" -N 1 "$p" | tr -d ' ')
  printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of="$out" bs=1 seek="$at" conv=notrunc 2> /dev/null
}
