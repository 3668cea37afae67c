#!/usr/bin/env bash
# Cluster (issue 18), trial (d): a log entry rewritten in etcd (its audit root changed) stops
# the follower that applies it, with "cluster: divergence at seq N: root mismatch" and exit 3,
# applying nothing of that entry; the leader keeps serving.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
: "${SD_TEST_BIN:?SD_TEST_BIN must point at the built test programs}"
trap 'cluster_cleanup; etcd_cluster_stop; rm -rf "$WORK"' EXIT

etcd_cluster_start 3
nodes_init
nodes_start
L=$(wait_leader 20) || { bad "a leader is elected"; finish; exit 1; }
export SEALDESK_TOKEN=$(login_ops)
F=$(( L % 3 + 1 ))
R0=$(wait_same_root 20) || bad "followers caught up"
kill "${NPID[$F]}"; wait "${NPID[$F]}" 2>/dev/null || true; NPID[$F]=""
before=$(root_of "$F")
expect_exit 0 "the leader takes a write while n$F is down" -- "$SEALCTL" --server "$LIST" \
  --ca "$CERTS/ca.pem" ticket create --channel chat --subject "tampered later" --body "x"
seq=$(ETCD_ENDPOINTS=$ETCD_ENDPOINTS ETCD_CA=$ETCD_CA ETCD_CERT=$ETCD_CERT ETCD_KEY=$ETCD_KEY \
  "$SD_TEST_BIN/cluster_tamper" "$CLUSTER_NAME")
check "the newest log entry is rewritten with another root (seq $seq)" test -n "$seq"
node_start "$F"
code=""
for _ in $(seq 1 150); do
  if ! kill -0 "${NPID[$F]}" 2>/dev/null; then
    code=0; wait "${NPID[$F]}" || code=$?; NPID[$F]=""; break
  fi
  sleep 0.1
done
check "the follower stops by itself (exit ${code:-still running}, wanted 3)" test "${code:-x}" = 3
check "... saying cluster: divergence at seq $seq: root mismatch" \
  grep -q "cluster: divergence at seq $seq: root mismatch" "$WORK/n$F.log"
after=$(root_of "$F")
lead=$(root_of "$L")
check "nothing of the bad entry was applied (root unchanged)" test "$after" = "$before"
check "... so it differs from the leader's" test "$after" != "$lead"
expect_exit 0 "the leader still serves writes" -- "$SEALCTL" --server "127.0.0.1:${NPORT[$L]}" \
  --ca "$CERTS/ca.pem" ticket create --channel chat --subject "after" --body "x"
finish
