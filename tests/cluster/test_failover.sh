#!/usr/bin/env bash
# Cluster (issue 18), trial (a): 3 etcd members + 3 sealdeskd nodes on loopback, TLS and mTLS
# everywhere. Under `sealbench load` (Creates through the node list), kill -9 the leader
# sealdeskd: another node serves writes within 10 s; every acknowledged create is present and
# decrypts on every surviving node (sealbench verify --acked); sealaudit verify gives the same
# root on every node. A follower answers a write with UNAVAILABLE naming the leader, serves
# reads itself. CLUSTER_TRIALS (default 1) repeats the kill; each prints "failover_ms=N".
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
TRIALS=${CLUSTER_TRIALS:-1}
on_exit 'cluster_cleanup; etcd_cluster_stop'

etcd_cluster_start 3
nodes_init
nodes_start
L=$(wait_leader 60) || { bad "a leader is elected"; tail -5 "$WORK"/n*.log >&2; finish; exit 1; }
ok "node n$L leads"
TOKEN=$(login_ops)
check "login through the node list reaches the leader" test -n "$TOKEN"
export SEALDESK_TOKEN=$TOKEN

F=$(( L % 3 + 1 ))
expect_exit 1 "a follower refuses a write" -- "$SEALCTL" --server "127.0.0.1:${NPORT[$F]}" \
  --ca "$CERTS/ca.pem" ticket create --channel chat --subject "to a follower" --body "x"
check "... with UNAVAILABLE naming the leader" grep -q "UNAVAILABLE: .*leader=n$L 127.0.0.1:${NPORT[$L]}" "$WORK/err"
expect_exit 0 "a write through the list follows the hint" -- "$SEALCTL" --server \
  "127.0.0.1:${NPORT[$F]},127.0.0.1:${NPORT[$L]}" --ca "$CERTS/ca.pem" ticket create \
  --channel chat --subject "via the hint" --body "x"
# The follower has the ticket once it applied the leader's log entry (no fixed time): ask it
# until it lists the ticket, up to 20 s.
n=0 rc=1
for _ in $(seq 1 100); do
  rc=0
  "$SEALCTL" --server "127.0.0.1:${NPORT[$F]}" --ca "$CERTS/ca.pem" --json ticket list \
    >"$WORK/out" 2>"$WORK/err" || rc=$?
  [ "$rc" = 0 ] && { n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["tickets"]) if isinstance(d, dict) else len(d))' "$WORK/out") || n=0; }
  [ "$rc" = 0 ] && [ "$n" -ge 1 ] && break
  sleep 0.2
done
check "a follower serves a read (ticket list) from its own store (exit $rc)" test "$rc" = 0
check "... and has the ticket the leader wrote ($n)" test "$n" -ge 1

: > "$WORK/all.acked"
: > "$WORK/failover.txt"
for t in $(seq 1 "$TRIALS"); do
  L=$(wait_leader 60) || { bad "trial $t: a leader"; break; }
  "$BENCH" load --target "$LIST" --ca "$CERTS/ca.pem" --conns 2 --streams 4 --seconds 5 \
    --mix create=1 --acked "$WORK/acked.$t" >"$WORK/bench.$t" 2>&1 &
  BP=$!
  # kill once the load's writes flow (its first acknowledged create), not after a fixed 1.5 s
  for _ in $(seq 1 600); do [ -s "$WORK/acked.$t" ] && break; sleep 0.1; done
  check "trial $t: the load writes before the kill" test -s "$WORK/acked.$t"
  kill -9 "${NPID[$L]}"
  wait "${NPID[$L]}" 2>/dev/null || true
  NPID[$L]=""
  t0=$(date +%s%N)
  served=0
  while [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 15000 ]; do
    if "$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" ticket create --channel chat \
      --subject "after the kill" --body "x" >/dev/null 2>&1; then served=1; break; fi
    sleep 0.1
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  wait "$BP" || true
  cat "$WORK/acked.$t" >> "$WORK/all.acked"
  echo "failover_ms=$ms" | tee -a "$WORK/failover.txt"
  if [ "$served" = 1 ] && [ "$ms" -le 10000 ]; then ok "trial $t: writes served again in ${ms} ms"
  else bad "trial $t: no write served within 10 s (${ms} ms)"; tail -5 "$WORK"/n*.log >&2; fi
  # the killed node rejoins as a follower on its own data dir and catches up
  node_start "$L"
done
check "some creates were acknowledged" test "$(wc -l < "$WORK/all.acked")" -gt 0
R=$(wait_same_root 60) && ok "every node has the same audit root ($R)" || bad "same audit root"
nodes_stop
lost=0
for i in 1 2 3; do
  if "$BENCH" verify --data "$WORK/n$i" --acked "$WORK/all.acked" >"$WORK/verify.$i" 2>&1; then
    ok "n$i: every acknowledged create present ($(cat "$WORK/verify.$i"))"
  else
    bad "n$i: acknowledged creates"; sed 's/^/    /' "$WORK/verify.$i" >&2
    lost=$((lost + $(sed -n 's/.* \([0-9]*\) missing.*/\1/p' "$WORK/verify.$i")))
  fi
  r=$("$SEALAUDIT" verify --data "$WORK/n$i" | tail -1)
  case "$r" in OK*"root=$R"*) ok "n$i: sealaudit verify $r" ;; *) bad "n$i: sealaudit $r" ;; esac
done
echo "acked=$(wc -l < "$WORK/all.acked") acked_lost=$lost"
[ -n "${CLUSTER_FIGURES:-}" ] && { cat "$WORK/failover.txt"; echo "acked_lost=$lost"; } >> "$CLUSTER_FIGURES"
finish
