# Helpers for integration tests (sourced). SD_BIN is the build's tools dir, set by ctest.
set -euo pipefail
: "${SD_BIN:?SD_BIN must point at the built tools}"
SEALCTL="$SD_BIN/sealctl"
WORK=$(mktemp -d /tmp/sdint.XXXXXX)
# The scripts start sealdeskd with 2>"$WORK/server.log" & and poll that file with sed for the
# port; under pipefail a poll that ran before the server opened it failed the test (seen in
# CI as "sed: can't read .../server.log"). It exists from the start.
: >"$WORK/server.log"
# Whatever a test started is stopped on ANY exit, a failed step under set -e included: a
# sealdeskd left running holds ctest's output pipe, and the test then hangs until ctest's
# timeout instead of failing. On exit: the hooks registered with `on_exit CMD` run in order
# (daemons that are not jobs of this shell: Postfix, etcd members' data, cluster nodes), then
# every background job of this shell still running is killed (kill -9) and reaped, then $WORK
# is removed; the exit status is kept. Scripts register hooks; they do not set their own trap.
SD_EXIT_HOOKS=()
on_exit() { SD_EXIT_HOOKS+=("$1"); }
sd_exit() {
  local rc=$? h p
  set +e
  for h in ${SD_EXIT_HOOKS[@]+"${SD_EXIT_HOOKS[@]}"}; do eval "$h"; done
  for p in $(jobs -pr); do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$WORK"
  exit "$rc"
}
trap sd_exit EXIT
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
