# Helpers for integration tests (sourced). SD_BIN is the build's tools dir, set by ctest.
set -euo pipefail
: "${SD_BIN:?SD_BIN must point at the built tools}"
SEALCTL="$SD_BIN/sealctl"
WORK=$(mktemp -d /tmp/sdint.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PASS=0
FAIL=0

ok()   { PASS=$((PASS + 1)); echo "ok - $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# expect_exit CODE what -- command...: run, compare the exit status
expect_exit() {
  local want=$1 what=$2; shift 3
  local got=0
  "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
  if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else
    bad "$what: exit $got, wanted $want"; sed 's/^/    /' "$WORK/err" >&2; fi
}
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
