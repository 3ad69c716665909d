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
