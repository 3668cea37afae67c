#!/usr/bin/env bash
# Cluster (issue 18): a follower whose LMDB is deleted rejoins from a hot copy of a peer's data
# dir (`sealctl --offline --data PEER backup --out DIR`, taken while the peer serves) plus the
# log tail from the copy's applied_seq: it ends with the same audit root and tickets as the
# others, including those written after the copy.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
on_exit 'cluster_cleanup; etcd_cluster_stop'

etcd_cluster_start 3
nodes_init
nodes_start
L=$(wait_leader 60) || { bad "a leader is elected"; finish; exit 1; }
export SEALDESK_TOKEN=$(login_ops)
F=$(( L % 3 + 1 ))
P=$(( F % 3 + 1 )); [ "$P" = "$L" ] || true
mk() { "$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" ticket create --channel chat \
  --subject "$1" --body x >/dev/null; }
for i in 1 2 3; do mk "before $i"; done
kill "${NPID[$F]}"; wait "${NPID[$F]}" 2>/dev/null || true; NPID[$F]=""
cp "$WORK/n$F/master.key" "$WORK/master.key"
rm -rf "$WORK/n$F"
for i in 1 2 3; do mk "while down $i"; done
expect_exit 0 "hot copy of peer n$P while it serves" -- "$SEALCTL" --offline --data "$WORK/n$P" \
  backup --out "$WORK/n$F"
cp "$WORK/master.key" "$WORK/n$F/master.key"
for i in 1 2 3; do mk "after the copy $i"; done
node_start "$F"
R=$(wait_same_root 60) && ok "n$F rejoined: same audit root on every node" || bad "same root"
count() {
  "$SEALCTL" --server "127.0.0.1:${NPORT[$1]}" --ca "$CERTS/ca.pem" --json ticket list 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["tickets"]) if isinstance(d, dict) else len(d))'
}
check "n$F lists the 9 tickets, those after the copy too" test "$(count "$F")" = 9
check "... like the leader" test "$(count "$L")" = 9
finish
