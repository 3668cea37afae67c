#!/usr/bin/env bash
# Cluster (issue 18), trial (d), and the log entry MAC: a log entry rewritten in etcd stops the
# follower that applies it with exit 3, applying nothing of that entry; the leader keeps
# serving. (1) A non-audit record of the write set changed (a tickets-table value; the audit
# leaves and root left intact, so the root check alone would pass): "cluster: divergence at
# seq N: entry MAC mismatch". (2) The root changed by someone holding the master key (the
# entry sealed again, its MAC correct): the root check still catches it, "root mismatch".
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
: "${SD_TEST_BIN:?SD_TEST_BIN must point at the built test programs}"
on_exit 'cluster_cleanup; etcd_cluster_stop'

etcd_cluster_start 3
nodes_init
nodes_start
L=$(wait_leader 60) || { bad "a leader is elected"; finish; exit 1; }
export SEALDESK_TOKEN=$(login_ops)
F=$(( L % 3 + 1 ))
G=$(( F % 3 + 1 ))
R0=$(wait_same_root 60) || bad "followers caught up"
for i in "$F" "$G"; do kill "${NPID[$i]}"; wait "${NPID[$i]}" 2>/dev/null || true; NPID[$i]=""; done
beforeF=$(root_of "$F")
beforeG=$(root_of "$G")
expect_exit 0 "the leader takes a write while n$F and n$G are down" -- "$SEALCTL" --server "$LIST" \
  --ca "$CERTS/ca.pem" ticket create --channel chat --subject "tampered later" --body "x"
tamper() {
  ETCD_ENDPOINTS=$ETCD_ENDPOINTS ETCD_CA=$ETCD_CA ETCD_CERT=$ETCD_CERT ETCD_KEY=$ETCD_KEY \
    "$SD_TEST_BIN/cluster_tamper" "$CLUSTER_NAME" "$@"
}
# Start node $1 and wait up to 60 s for it to stop by itself; prints its exit code.
stops_by_itself() {
  local code=""
  node_start "$1"
  for _ in $(seq 1 600); do
    if ! kill -0 "${NPID[$1]}" 2>/dev/null; then
      code=0; wait "${NPID[$1]}" || code=$?; NPID[$1]=""; break
    fi
    sleep 0.1
  done
  echo "${code:-still running}"
}

# (1) a ticket record changed in the write set, audit leaves untouched
seq=$(tamper record "$WORK/entry.orig")
check "a tickets-table record of the newest log entry is rewritten (seq $seq)" test -n "$seq"
code=$(stops_by_itself "$F")
check "n$F stops by itself (exit $code, wanted 3)" test "$code" = 3
check "... saying cluster: divergence at seq $seq: entry MAC mismatch" \
  grep -q "cluster: divergence at seq $seq: entry MAC mismatch" "$WORK/n$F.log"
check "... and not reaching the root check" \
  bash -c "! grep -q 'root mismatch' '$WORK/n$F.log'"
afterF=$(root_of "$F")
check "nothing of the tampered entry was applied on n$F (root unchanged)" test "$afterF" = "$beforeF"
check "... so it differs from the leader's" test "$afterF" != "$(root_of "$L")"

# (2) the original entry back, then its root flipped and sealed again with the master key
check "the original entry is put back" test -n "$(tamper restore "$WORK/entry.orig")"
seq2=$(tamper root "$WORK/n$L/master.key")
check "the newest log entry is rewritten with another root and a valid MAC (seq $seq2)" \
  test -n "$seq2"
code=$(stops_by_itself "$G")
check "n$G stops by itself (exit $code, wanted 3)" test "$code" = 3
check "... saying cluster: divergence at seq $seq2: root mismatch" \
  grep -q "cluster: divergence at seq $seq2: root mismatch" "$WORK/n$G.log"
afterG=$(root_of "$G")
lead=$(root_of "$L")
check "nothing of the bad entry was applied on n$G (root unchanged)" test "$afterG" = "$beforeG"
check "... so it differs from the leader's" test "$afterG" != "$lead"
expect_exit 0 "the leader still serves writes" -- "$SEALCTL" --server "127.0.0.1:${NPORT[$L]}" \
  --ca "$CERTS/ca.pem" ticket create --channel chat --subject "after" --body "x"
finish
