#!/usr/bin/env bash
# Cluster (issue 18), trim: the leader (--cluster_trim_seconds 1) deletes the log entries every
# node applied (the last entry stays) and compacts etcd; the nodes still agree and replicate
# after it; a node stopped while the log was trimmed past its applied seq refuses to go on with
# "cluster: log trimmed past applied seq N: rejoin from a peer's copy" and exit 3.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
on_exit 'cluster_cleanup; etcd_cluster_stop'

NODE_FLAGS="--cluster_trim_seconds 1"
etcd_cluster_start 3
nodes_init
nodes_start
L=$(wait_leader 60) || { bad "a leader is elected"; finish; exit 1; }
export SEALDESK_TOKEN=$(login_ops)
F=$(( L % 3 + 1 ))
P="/sealdesk/$CLUSTER_NAME"
ectl() { "$ETCDCTL_BIN" --endpoints "$ETCD_ENDPOINTS" --cacert "$ETCD_CA" --cert "$ETCD_CERT" \
  --key "$ETCD_KEY" --command-timeout 3s "$@"; }
log_keys() { ectl get --prefix "$P/log/" --keys-only 2>/dev/null | grep -c "^$P/log/" || true; }
head_seq() { ectl get "$P/head" --print-value-only 2>/dev/null; }
mk() { "$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" ticket create --channel chat \
  --subject "$1" --body x >/dev/null; }
# Wait up to $1 s for the leader's log line "cluster: trimmed log to seq N" with N >= $2.
wait_trim() {
  local until=$((SECONDS + $1)) n
  while [ "$SECONDS" -lt "$until" ]; do
    n=$(grep -ao 'cluster: trimmed log to seq [0-9]*' "$WORK/n$L.log" | tail -1 | awk '{print $NF}')
    if [ -n "$n" ] && [ "$n" -ge "$2" ]; then echo "$n"; return 0; fi
    sleep 0.2
  done
  return 1
}

for i in $(seq 1 10); do mk "load $i"; done
H=$(head_seq)
check "the log holds the load (head $H >= 10)" test "${H:-0}" -ge 10
T=$(wait_trim 60 $((H - 1))) && ok "the leader trimmed the log to seq $T" || bad "trim logged"
K=$(log_keys)
check "log keys in etcd dropped to the last entry ($K, head $H)" test "$K" -ge 1 -a "$K" -le 2
check "... the head entry stays" test -n "$(ectl get "$(printf '%s/log/%020d' "$P" "$H")" \
  --keys-only 2>/dev/null)"
old=$(ectl get --rev=2 "$P/head" 2>&1 || true)
check "etcd was compacted at the trim (a read at revision 2 is refused)" grep -q compacted <<<"$old"
mk "after the trim"
R=$(wait_same_root 60) && ok "every node agrees after the trim (root $R)" || bad "same root"

# n$F stops; the others go on and the leader trims past what n$F applied.
A=$(head_seq)
kill "${NPID[$F]}"; wait "${NPID[$F]}" 2>/dev/null || true; NPID[$F]=""
for i in 1 2 3; do mk "while n$F is down $i"; done
T2=$(wait_trim 60 $((A + 1))) && ok "trimmed past n$F's seq $A (to $T2)" || bad "trim past $A"
node_start "$F"
code=""
for _ in $(seq 1 600); do
  if ! kill -0 "${NPID[$F]}" 2>/dev/null; then
    code=0; wait "${NPID[$F]}" || code=$?; NPID[$F]=""; break
  fi
  sleep 0.1
done
check "n$F stops by itself (exit ${code:-still running}, wanted 3)" test "${code:-x}" = 3
check "... saying cluster: log trimmed past applied seq $A: rejoin from a peer's copy" \
  grep -q "cluster: log trimmed past applied seq $A: rejoin from a peer's copy" "$WORK/n$F.log"
expect_exit 0 "the leader still serves writes" -- "$SEALCTL" --server "127.0.0.1:${NPORT[$L]}" \
  --ca "$CERTS/ca.pem" ticket create --channel chat --subject "after" --body "x"
finish
