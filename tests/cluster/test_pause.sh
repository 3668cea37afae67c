#!/usr/bin/env bash
# Cluster (issue 18), trial (b): the leader is paused (kill -STOP) with a batch between its
# lease check and its etcd append (SEALDESK_TEST_APPEND_HOLD_FILE holds it there while the file
# exists), past its lease; another node takes over; the file is removed and kill -CONT: the
# paused batch is refused by the fence (its caller
# gets UNAVAILABLE), never appears anywhere, and the old leader rejoins as a follower and
# catches up (same audit root everywhere).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
on_exit 'for i in 1 2 3; do [ -n "${NPID[$i]:-}" ] && kill -CONT "${NPID[$i]}" 2>/dev/null; done'
on_exit 'cluster_cleanup; etcd_cluster_stop'

etcd_cluster_start 3
nodes_init
# Batches are held before their append while this file exists (from just before the paused
# create until the takeover): no time for the test to hit, on a slow host or a fast one.
export SEALDESK_TEST_APPEND_HOLD_FILE="$WORK/hold"
nodes_start
L=$(wait_leader 60) || { bad "a leader is elected"; finish; exit 1; }
export SEALDESK_TOKEN=$(login_ops)
count() { # tickets node $1 lists
  "$SEALCTL" --server "127.0.0.1:${NPORT[$1]}" --ca "$CERTS/ca.pem" --json ticket list \
    2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["tickets"]) if isinstance(d, dict) else len(d))'
}
n0=$(count "$L")
held0=$(grep -c cluster_test_hold "$WORK/n$L.log" || true)
: >"$WORK/hold"
"$SEALCTL" --server "127.0.0.1:${NPORT[$L]}" --ca "$CERTS/ca.pem" ticket create --channel chat \
  --subject "paused batch" --body "x" >"$WORK/pending.out" 2>"$WORK/pending.err" &
CP=$!
# Pause the leader while it holds the create's batch before the append (its log says so).
for _ in $(seq 200); do
  [ "$(grep -c cluster_test_hold "$WORK/n$L.log" || true)" -gt "$held0" ] && break
  sleep 0.05
done
check "n$L holds the batch before its append" test \
  "$(grep -c cluster_test_hold "$WORK/n$L.log" || true)" -gt "$held0"
kill -STOP "${NPID[$L]}"
N=$(wait_leader 60 "$L") || { bad "another node takes over"; finish; exit 1; }
ok "n$N takes over while n$L is paused"
rm -f "$WORK/hold"
kill -CONT "${NPID[$L]}"
pc=0; wait "$CP" || pc=$?
check "the paused batch's caller is refused (exit $pc)" test "$pc" = 1
check "... with UNAVAILABLE" grep -q "UNAVAILABLE" "$WORK/pending.err"
check "the fence refused the old leader's append" grep -q "refused: fenced" "$WORK/n$L.log"
# At once after the fence: the old leader must not name itself as the leader (a client that
# follows the hint would be sent back to it until it gives up; CI saw exactly that).
expect_exit 1 "the fenced node refuses a write at once" -- "$SEALCTL" \
  --server "127.0.0.1:${NPORT[$L]}" --ca "$CERTS/ca.pem" ticket create --channel chat \
  --subject "to the fenced node" --body "x"
check "... without naming itself the leader" test "$(grep -c "leader=n$L " "$WORK/err" || true)" = 0
expect_exit 0 "the new leader takes writes" -- "$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" \
  ticket create --channel chat --subject "after takeover" --body "x"
R=$(wait_same_root 60) && ok "the old leader caught up: same audit root on every node" ||
  bad "same audit root"
for i in 1 2 3; do
  check "n$i lists $((n0 + 1)) tickets: the paused batch never appears" test "$(count "$i")" = $((n0 + 1))
done
expect_exit 1 "the old leader is a follower now" -- "$SEALCTL" --server "127.0.0.1:${NPORT[$L]}" \
  --ca "$CERTS/ca.pem" ticket create --channel chat --subject "to the old leader" --body "x"
check "... naming n$N" grep -q "leader=n$N " "$WORK/err"
finish
