#!/usr/bin/env bash
# Cluster (issue 18), trial (c): under sealbench Create load through the node list, kill -9 one
# etcd follower member, bring it back, then kill -9 the etcd leader member: no acknowledged
# create is lost on any node, every node ends with the same audit root, and the write stall
# each kill caused (longest gap between successful probe creates, until one after the kill
# succeeded) is printed and stays within the design's worst case (WORST_MS below).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
on_exit 'cluster_cleanup; etcd_cluster_stop'

etcd_cluster_start 3
nodes_init
nodes_start
L=$(wait_leader 60) || { bad "a leader is elected"; finish; exit 1; }
export SEALDESK_TOKEN=$(login_ops)

# The design's worst write stall when an etcd member dies (src/cluster/cluster.c, etcd.sh):
# the batch in flight waits APPEND_MS (2000) for the dead member, then the leader steps down;
# etcd elects a new leader within 2 x its election timeout (2 x 500); if the lease keepalive
# failed meanwhile, the old leader key lives out its TTL (SD_CLUSTER_DEFAULT_TTL, 3000) before
# anyone campaigns; the next campaign round comes within POLL_MS (500). The probe measures
# between the ends of successful creates, so one call that failed across the recovery and the
# one that succeeded add their own durations: each counted as the longest probe call before the
# kill, at least 1000 ms (a sanitized sealctl's start-up and TLS on a busy host).
WORST_MS=$((2000 + 2 * 500 + 3000 + 500))

# probe KILLED: one create at a time through the list, until one that started after the kill
# (KILLED holds its time in ns, written right after it) succeeded, at most 120 s. Touches
# $WORK/probe.up after its first success. Prints "longest gap between successes (ms), longest
# call before the kill (ms), 1 if a create after the kill succeeded"; no gap is measured to the
# end of a window.
probe() {
  local until=$((SECONDS + 120)) last now c0 gap max=0 call maxcall=0 after=0 killed
  last=$(date +%s%N)
  while [ "$SECONDS" -lt "$until" ]; do
    c0=$(date +%s%N)
    if "$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" ticket create --channel chat \
      --subject probe --body x >/dev/null 2>&1; then
      now=$(date +%s%N); gap=$(( (now - last) / 1000000 )); last=$now
      [ "$gap" -gt "$max" ] && max=$gap
      : >"$WORK/probe.up"
      killed=$(cat "$1" 2>/dev/null || true)
      if [ -n "$killed" ] && [ "$c0" -gt "$killed" ]; then after=1; fi
      if [ -z "$killed" ]; then
        call=$(( (now - c0) / 1000000 ))
        [ "$call" -gt "$maxcall" ] && maxcall=$call
      fi
    fi
    [ "$after" = 1 ] && break
  done
  echo "$max $maxcall $after"
}
wait_running() { # ACKED: the probe had a success and the load an acknowledged create
  local _
  for _ in $(seq 1 600); do
    [ -e "$WORK/probe.up" ] && [ -s "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

: > "$WORK/all.acked"
for round in $(seq 1 "${CLUSTER_ETCD_TRIALS:-1}"); do
for kind in follower leader; do
  el=$(etcd_leader)
  if [ "$kind" = leader ]; then victim=$el; else victim=$(( (el + 1) % 3 )); fi
  rm -f "$WORK/probe.up"
  acked="$WORK/acked.$round.$kind" killed="$WORK/killed.$round.$kind"
  "$BENCH" load --target "$LIST" --ca "$CERTS/ca.pem" --conns 2 --streams 4 --seconds 6 \
    --mix create=1 --acked "$acked" >"$WORK/bench.$kind" 2>&1 &
  BP=$!
  probe "$killed" > "$WORK/stall.$round.$kind" &
  PP=$!
  # kill once writes flow (the probe and the load each had one acknowledged), not after 1.5 s
  check "writes flow before the kill ($kind)" wait_running "$acked"
  etcd_member_kill "$victim"
  date +%s%N >"$killed"
  wait "$PP" || true
  wait "$BP" || true
  read -r stall maxcall after <"$WORK/stall.$round.$kind" || true
  per=${maxcall:-0}
  [ "$per" -ge 1000 ] || per=1000
  bound=$((WORST_MS + 2 * per))
  echo "etcd_${kind}_kill_stall_ms=$stall"
  [ -n "${CLUSTER_FIGURES:-}" ] && echo "etcd_${kind}_kill_stall_ms=$stall" >> "$CLUSTER_FIGURES"
  cat "$acked" >> "$WORK/all.acked"
  check "kill -9 etcd $kind member m$victim: creates acknowledged ($(wc -l < "$acked"))" \
    test "$(wc -l < "$acked")" -gt 0
  check "... a create after the kill succeeded" test "${after:-0}" = 1
  check "... writes went on (stall ${stall:-?} ms <= ${WORST_MS} + 2 x ${per} ms, longest call before the kill ${maxcall:-?} ms)" \
    test "${stall:-999999}" -le "$bound"
  etcd_member_start "$victim"
  etcd_wait_healthy "$victim" || bad "member m$victim back"
done
done
R=$(wait_same_root 60) && ok "every node has the same audit root" || bad "same audit root"
nodes_stop
for i in 1 2 3; do
  if "$BENCH" verify --data "$WORK/n$i" --acked "$WORK/all.acked" >"$WORK/verify.$i" 2>&1; then
    ok "n$i: no acknowledged create lost ($(cat "$WORK/verify.$i"))"
  else
    bad "n$i: acknowledged creates"; sed 's/^/    /' "$WORK/verify.$i" >&2
  fi
done
finish
