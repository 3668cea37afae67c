# Helpers of the cluster tests (sourced after tests/integration/lib.sh and tests/cluster/etcd.sh):
# three sealdeskd nodes on loopback, each with its own copy of one initialised data dir, joined
# through the etcd cluster etcd.sh started (mTLS), TLS to clients with the dev certificates.
# NODE_FLAGS: extra sealdeskd flags for every node (word-split), e.g. "--cluster_trim_seconds 1".
BENCH="$SD_BIN/sealbench"
SEALAUDIT="$SD_BIN/sealaudit"
CERTS="$WORK/certs"
CLUSTER_NAME="t$$"
declare -a NPID NPORT

# A loopback port no process listens on now, for a test's dead endpoint (never for a daemon to
# bind: between this close and a later bind another test may take it; daemons bind port 0).
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
}

# One initialised data dir with a user "ops" (agent, supervisor), copied to n1..n3.
nodes_init() {
  bash "$SD_SOURCE_DIR/tests/integration/gen_certs.sh" "$CERTS" >/dev/null
  "$SEALCTL" --offline --data "$WORK/seed" init >/dev/null
  USER_JSON=$("$SEALCTL" --offline --data "$WORK/seed" --json user add --name ops \
    --role agent,supervisor)
  local i
  for i in 1 2 3; do
    NPORT[$i]=""
    cp -a "$WORK/seed" "$WORK/n$i"
  done
  LIST=""
}

_nodes_list() {
  LIST="127.0.0.1:${NPORT[1]:-0},127.0.0.1:${NPORT[2]:-0},127.0.0.1:${NPORT[3]:-0}"
}

# The port node I's current log says it listens on, once it does (up to 120 s); nothing when
# the node exited first (a node that stops by itself is some tests' point).
_node_port() {
  local i=$1 until=$((SECONDS + 120)) p
  while [ "$SECONDS" -lt "$until" ]; do
    p=$(sed -n 's/^sealdeskd listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$WORK/n$i.log" |
      head -1)
    if [ -n "$p" ]; then echo "$p"; return 0; fi
    alive "$i" || return 0
    sleep 0.1
  done
  echo "nodes.sh: n$i does not listen after 120 s" >&2
}

# node_start I: start node I and wait until it listens (or exits). Its first start binds port
# 0, so the kernel picks a port nobody holds (a port picked free and closed before the daemon
# bound it could be taken meanwhile by a parallel test); a restart binds the port it had, so
# its address in etcd and in clients' lists stays, and if another process took that port while
# the node was down, it starts once more on port 0. Sets NPORT[I] and LIST (a restart keeps
# the old log as nI.log.1, .2, ...).
node_start() {
  local i=$1 k want p
  want=${NPORT[$i]:-0} # not in the line above: there $i would still be the caller's i
  while :; do
    k=1
    if [ -e "$WORK/n$i.log" ]; then
      while [ -e "$WORK/n$i.log.$k" ]; do k=$((k + 1)); done
      mv "$WORK/n$i.log" "$WORK/n$i.log.$k"
    fi
    : >"$WORK/n$i.log"
    "$SD_BIN/sealdeskd" --listen "127.0.0.1:$want" --cert "$CERTS/server.pem" \
      --key "$CERTS/server.key" --data "$WORK/n$i" --workers 2 \
      --cluster etcd --etcd_endpoints "$ETCD_ENDPOINTS" --etcd_ca "$ETCD_CA" \
      --etcd_cert "$ETCD_CERT" --etcd_key "$ETCD_KEY" --node_name "n$i" \
      --cluster_name "$CLUSTER_NAME" ${NODE_FLAGS:-} 2>>"$WORK/n$i.log" &
    NPID[$i]=$!
    p=$(_node_port "$i")
    if [ -z "$p" ] && [ "$want" != 0 ] && grep -q '^sealdeskd: cannot listen' "$WORK/n$i.log"; then
      wait "${NPID[$i]}" 2>/dev/null || true
      echo "nodes.sh: port $want of n$i was taken; n$i starts on a new port" >&2
      want=0
      continue
    fi
    break
  done
  [ -n "$p" ] && NPORT[$i]=$p
  _nodes_list
}

nodes_start() { for i in 1 2 3; do node_start "$i"; done; }

nodes_stop() {
  for i in 1 2 3; do
    if [ -n "${NPID[$i]:-}" ]; then kill "${NPID[$i]}" 2>/dev/null || true; fi
  done
  for i in 1 2 3; do
    if [ -n "${NPID[$i]:-}" ]; then wait "${NPID[$i]}" 2>/dev/null || true; NPID[$i]=""; fi
  done
}

alive() { [ -n "${NPID[$1]:-}" ] && kill -0 "${NPID[$1]}" 2>/dev/null; }

# The node that leads now (by its last cluster log line), or nothing; never node $1.
leader_now() {
  for i in 1 2 3; do
    alive "$i" || continue
    [ "$i" = "${1:-0}" ] && continue
    if grep -a 'cluster' "$WORK/n$i.log" | grep -aE 'leader node=|step down' | tail -1 |
      grep -q 'leader node='; then
      echo "$i"
      return 0
    fi
  done
}

# The node live node $1 sends clients to, by its last "leader hint" line (n2 -> 2), or nothing.
hint_of() {
  grep -a 'ev=cluster leader hint ' "$WORK/n$1.log" | tail -1 |
    sed -n 's/.*leader hint leader=n\([0-9]*\) .*/\1/p'
}

# Wait up to $1 seconds for a leader other than $2 (0: any) that every other live node but $2
# names in its hint; prints it. Not the leader's line alone: a follower that has not read the
# leader key yet answers "leader=unknown" (and a node still starting answers nothing), so a
# test that asks it right away would depend on how fast the machine is.
wait_leader() {
  local until=$((SECONDS + $1)) l k all
  while [ "$SECONDS" -lt "$until" ]; do
    l=$(leader_now "${2:-0}")
    if [ -n "$l" ] && [ "$l" != "${2:-0}" ]; then
      all=1
      for k in 1 2 3; do
        [ "$k" = "$l" ] || [ "$k" = "${2:-0}" ] && continue
        alive "$k" || continue
        [ "$(hint_of "$k")" = "$l" ] || { all=0; break; }
      done
      if [ "$all" = 1 ]; then echo "$l"; return 0; fi
    fi
    sleep 0.1
  done
  return 1
}

login_ops() {
  "$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" login --name ops \
    --password "$(echo "$USER_JSON" | jget '["password"]')" \
    --totp "$(python3 "$SD_SOURCE_DIR/tests/integration/totp.py" \
      "$(echo "$USER_JSON" | jget '["totp_uri"]')")"
}

# `sealaudit verify --data DIR` root of node I ("root=HEX" of its last line).
root_of() {
  "$SEALAUDIT" verify --data "$WORK/n$1" 2>/dev/null | tail -1 | sed -n 's/.*root=\([0-9a-f]*\).*/\1/p'
}

# Wait up to $1 s until every live node's audit root is the same; prints it. A node whose root
# cannot be read (sealaudit failed: still opening, say) is not the same: it used to be skipped
# when it came first, and the wait could end before that node had caught up.
wait_same_root() {
  local until=$((SECONDS + $1)) r first same
  while [ "$SECONDS" -lt "$until" ]; do
    first="" same=1
    for i in 1 2 3; do
      alive "$i" || continue
      r=$(root_of "$i")
      if [ -z "$r" ]; then same=0; elif [ -z "$first" ]; then first=$r; elif [ "$r" != "$first" ]; then same=0; fi
    done
    if [ "$same" = 1 ] && [ -n "$first" ]; then echo "$first"; return 0; fi
    sleep 0.3
  done
  return 1
}

cluster_cleanup() {
  for i in 1 2 3; do
    if [ -n "${NPID[$i]:-}" ]; then kill -9 "${NPID[$i]}" 2>/dev/null || true; fi
  done
}
