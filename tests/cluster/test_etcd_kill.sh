#!/usr/bin/env bash
# Cluster (issue 18), trial (c): under sealbench Create load through the node list, kill -9 one
# etcd follower member, bring it back, then kill -9 the etcd leader member: no acknowledged
# create is lost on any node, every node ends with the same audit root, and the write stall
# each kill caused (longest gap between successful probe creates) is printed.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
on_exit 'cluster_cleanup; etcd_cluster_stop'

etcd_cluster_start 3
nodes_init
nodes_start
L=$(wait_leader 20) || { bad "a leader is elected"; finish; exit 1; }
export SEALDESK_TOKEN=$(login_ops)

# probe SECONDS: one create at a time through the list; prints the longest gap in ms
probe() {
  local end=$((SECONDS + $1)) last now gap max=0
  last=$(date +%s%N)
  while [ "$SECONDS" -lt "$end" ]; do
    if "$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" ticket create --channel chat \
      --subject probe --body x >/dev/null 2>&1; then
      now=$(date +%s%N); gap=$(( (now - last) / 1000000 )); last=$now
      [ "$gap" -gt "$max" ] && max=$gap
    fi
  done
  now=$(date +%s%N); gap=$(( (now - last) / 1000000 ))
  [ "$gap" -gt "$max" ] && max=$gap
  echo "$max"
}

: > "$WORK/all.acked"
for round in $(seq 1 "${CLUSTER_ETCD_TRIALS:-1}"); do
for kind in follower leader; do
  el=$(etcd_leader)
  if [ "$kind" = leader ]; then victim=$el; else victim=$(( (el + 1) % 3 )); fi
  "$BENCH" load --target "$LIST" --ca "$CERTS/ca.pem" --conns 2 --streams 4 --seconds 6 \
    --mix create=1 --acked "$WORK/acked.$round.$kind" >"$WORK/bench.$kind" 2>&1 &
  BP=$!
  probe 6 > "$WORK/stall.$round.$kind" &
  PP=$!
  sleep 1.5
  etcd_member_kill "$victim"
  wait "$PP" || true
  wait "$BP" || true
  stall=$(cat "$WORK/stall.$round.$kind")
  echo "etcd_${kind}_kill_stall_ms=$stall"
  [ -n "${CLUSTER_FIGURES:-}" ] && echo "etcd_${kind}_kill_stall_ms=$stall" >> "$CLUSTER_FIGURES"
  cat "$WORK/acked.$round.$kind" >> "$WORK/all.acked"
  check "kill -9 etcd $kind member m$victim: creates acknowledged ($(wc -l < "$WORK/acked.$round.$kind"))" \
    test "$(wc -l < "$WORK/acked.$round.$kind")" -gt 0
  check "... writes went on (stall ${stall} ms < 6000)" test "$stall" -lt 6000
  etcd_member_start "$victim"
  etcd_wait_healthy "$victim" || bad "member m$victim back"
done
done
R=$(wait_same_root 30) && ok "every node has the same audit root" || bad "same audit root"
nodes_stop
for i in 1 2 3; do
  if "$BENCH" verify --data "$WORK/n$i" --acked "$WORK/all.acked" >"$WORK/verify.$i" 2>&1; then
    ok "n$i: no acknowledged create lost ($(cat "$WORK/verify.$i"))"
  else
    bad "n$i: acknowledged creates"; sed 's/^/    /' "$WORK/verify.$i" >&2
  fi
done
finish
