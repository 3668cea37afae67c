# A local N-member etcd cluster on loopback for tests (sourced; issue 18). TLS between members
# (--peer-client-cert-auth) and for clients (--client-cert-auth), certificates from
# tests/integration/gen_certs.sh, fast elections (--heartbeat-interval 50 --election-timeout
# 500), data in a temp dir, ports chosen free.
#
#   etcd_cluster_start N [QUOTA_BYTES]   start N members (QUOTA_BYTES: --quota-backend-bytes),
#                                        wait until every one is healthy; sets
#     ETCD_DIR        the temp dir (certs in $ETCD_DIR/certs, member I's data in $ETCD_DIR/mI)
#     ETCD_ENDPOINTS  "https://127.0.0.1:P0,https://127.0.0.1:P1,..." (member order)
#     ETCD_CA ETCD_CERT ETCD_KEY   CA, client certificate and key (clientAuth) for clients
#     ETCD_PIDS       "pid0 pid1 ..." (member order; also ETCD_PID[I], ETCD_CLIENT_PORT[I])
#   etcd_member_kill I     kill -9 member I (no wait for anything)
#   etcd_member_stop I     SIGTERM member I and wait for it to exit
#   etcd_member_start I    start a stopped member I again on its data dir and ports
#   etcd_member_alive I    true while member I's process runs
#   etcd_wait_healthy [I...] [-t SECONDS]   wait until those members (default all) are healthy
#   etcd_cluster_stop      stop every member and remove ETCD_DIR (call it from an EXIT trap)
#   etcd_leader [-t SECONDS]   print the index of the current leader (etcdctl endpoint
#                          status), asking again up to SECONDS (20) while none leads
# Needs `etcd` and `etcdctl` (Debian etcd-server, etcd-client; tools/setup/deps.sh).

ETCD_BIN=${ETCD_BIN:-etcd}
ETCDCTL_BIN=${ETCDCTL_BIN:-etcdctl}

_etcd_free_ports() { # N -> N distinct free TCP ports on 127.0.0.1
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

_etcd_run_member() { # I STATE
  local i=$1 state=$2
  local extra=()
  [ -n "${ETCD_QUOTA:-}" ] && extra+=(--quota-backend-bytes "$ETCD_QUOTA")
  "$ETCD_BIN" --name "m$i" --data-dir "$ETCD_DIR/m$i" \
    --listen-client-urls "https://127.0.0.1:${ETCD_CLIENT_PORT[$i]}" \
    --advertise-client-urls "https://127.0.0.1:${ETCD_CLIENT_PORT[$i]}" \
    --listen-peer-urls "https://127.0.0.1:${ETCD_PEER_PORT[$i]}" \
    --initial-advertise-peer-urls "https://127.0.0.1:${ETCD_PEER_PORT[$i]}" \
    --initial-cluster "$ETCD_INITIAL" --initial-cluster-state "$state" \
    --initial-cluster-token "sdtest-$$" \
    --client-cert-auth --trusted-ca-file "$ETCD_CA" \
    --cert-file "$ETCD_DIR/certs/server.pem" --key-file "$ETCD_DIR/certs/server.key" \
    --peer-client-cert-auth --peer-trusted-ca-file "$ETCD_CA" \
    --peer-cert-file "$ETCD_DIR/certs/peer.pem" --peer-key-file "$ETCD_DIR/certs/peer.key" \
    --heartbeat-interval 50 --election-timeout 500 \
    --logger zap --log-outputs "$ETCD_DIR/m$i.log" --log-level warn \
    "${extra[@]}" >>"$ETCD_DIR/m$i.out" 2>&1 &
  ETCD_PID[$i]=$!
  ETCD_PIDS="${ETCD_PID[*]}"
}

_etcd_healthy() { # I
  "$ETCDCTL_BIN" --endpoints "https://127.0.0.1:${ETCD_CLIENT_PORT[$1]}" --cacert "$ETCD_CA" \
    --cert "$ETCD_CERT" --key "$ETCD_KEY" --command-timeout 2s endpoint health >/dev/null 2>&1
}

etcd_wait_healthy() {
  local secs=30 ids=() i t0
  while [ $# -gt 0 ]; do
    if [ "$1" = "-t" ]; then secs=$2; shift 2; else ids+=("$1"); shift; fi
  done
  [ ${#ids[@]} -eq 0 ] && for ((i = 0; i < ETCD_N; i++)); do ids+=("$i"); done
  t0=$SECONDS
  for i in "${ids[@]}"; do
    until _etcd_healthy "$i"; do
      if [ $((SECONDS - t0)) -ge "$secs" ]; then
        echo "etcd.sh: member $i not healthy after ${secs}s; its log:" >&2
        tail -20 "$ETCD_DIR/m$i.log" "$ETCD_DIR/m$i.out" >&2 2>/dev/null || true
        return 1
      fi
      sleep 0.2
    done
  done
}

# A member that found one of its ports taken: it exited, its log says so. The ports were free
# when _etcd_free_ports closed them, but etcd binds later, and a parallel test (or daemon) can
# take one in between; etcd cannot bind port 0 and report it, so the start is retried instead.
_etcd_bind_failed() { # I
  ! etcd_member_alive "$1" &&
    grep -qs 'address already in use' "$ETCD_DIR/m$1.log" "$ETCD_DIR/m$1.out"
}

# Start the N members on ports picked free; wait until all are healthy, or until one of them
# failed to bind (then 1, with every member stopped, their data removed).
_etcd_start_once() { # N
  local n=$1 ports i eps=() t0=$SECONDS
  read -r -a ports <<<"$(_etcd_free_ports $((2 * n)))"
  ETCD_CLIENT_PORT=()
  ETCD_PEER_PORT=()
  ETCD_PID=()
  ETCD_INITIAL=
  for ((i = 0; i < n; i++)); do
    ETCD_CLIENT_PORT[$i]=${ports[$((2 * i))]}
    ETCD_PEER_PORT[$i]=${ports[$((2 * i + 1))]}
    ETCD_INITIAL+="${ETCD_INITIAL:+,}m$i=https://127.0.0.1:${ETCD_PEER_PORT[$i]}"
    eps+=("https://127.0.0.1:${ETCD_CLIENT_PORT[$i]}")
  done
  ETCD_ENDPOINTS=$(IFS=,; echo "${eps[*]}")
  for ((i = 0; i < n; i++)); do _etcd_run_member "$i" new; done
  for ((i = 0; i < n; i++)); do
    until _etcd_healthy "$i"; do
      if _etcd_bind_failed "$i"; then
        echo "etcd.sh: member $i could not bind its port (taken meanwhile); starting again" >&2
        for ((i = 0; i < n; i++)); do
          kill -9 "${ETCD_PID[$i]}" 2>/dev/null || true
          wait "${ETCD_PID[$i]}" 2>/dev/null || true
          rm -rf "$ETCD_DIR/m$i" "$ETCD_DIR/m$i.log" "$ETCD_DIR/m$i.out"
        done
        return 1
      fi
      if [ $((SECONDS - t0)) -ge 30 ]; then
        echo "etcd.sh: member $i not healthy after 30s; its log:" >&2
        tail -20 "$ETCD_DIR/m$i.log" "$ETCD_DIR/m$i.out" >&2 2>/dev/null || true
        return 2
      fi
      sleep 0.2
    done
  done
}

etcd_cluster_start() {
  local n=${1:?usage: etcd_cluster_start N [QUOTA_BYTES]} try rc
  command -v "$ETCD_BIN" >/dev/null || { echo "etcd.sh: $ETCD_BIN missing (etcd-server)" >&2; return 1; }
  command -v "$ETCDCTL_BIN" >/dev/null || { echo "etcd.sh: $ETCDCTL_BIN missing (etcd-client)" >&2; return 1; }
  ETCD_N=$n
  ETCD_QUOTA=${2:-}
  ETCD_DIR=$(mktemp -d /tmp/sdetcd.XXXXXX)
  bash "$(dirname "${BASH_SOURCE[0]}")/../integration/gen_certs.sh" "$ETCD_DIR/certs"
  ETCD_CA=$ETCD_DIR/certs/ca.pem
  ETCD_CERT=$ETCD_DIR/certs/client.pem
  ETCD_KEY=$ETCD_DIR/certs/client.key
  for try in 1 2 3 4 5; do
    rc=0
    _etcd_start_once "$n" || rc=$?
    [ "$rc" = 1 ] || break
  done
  export ETCD_DIR ETCD_ENDPOINTS ETCD_CA ETCD_CERT ETCD_KEY ETCD_PIDS
  return "$rc"
}

etcd_member_alive() { # I: the member's process runs (not a zombie)
  local p=${ETCD_PID[$1]:-0}
  [ -r "/proc/$p/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status"
}

etcd_member_kill() { kill -9 "${ETCD_PID[$1]}" 2>/dev/null || true; wait "${ETCD_PID[$1]}" 2>/dev/null || true; }

etcd_member_stop() { kill "${ETCD_PID[$1]}" 2>/dev/null || true; wait "${ETCD_PID[$1]}" 2>/dev/null || true; }

etcd_member_start() { _etcd_run_member "$1" existing; }

# One pass over the members; etcd_leader asks again until one leads: right after a member
# (re)starts or dies an election may be under way, and no member says it leads for a moment.
_etcd_leader_once() {
  local i
  for ((i = 0; i < ETCD_N; i++)); do
    etcd_member_alive "$i" || continue
    "$ETCDCTL_BIN" --endpoints "https://127.0.0.1:${ETCD_CLIENT_PORT[$i]}" --cacert "$ETCD_CA" \
      --cert "$ETCD_CERT" --key "$ETCD_KEY" --command-timeout 2s endpoint status -w json \
      2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]["Status"]
sys.exit(0 if s["leader"] == s["header"]["member_id"] else 1)' 2>/dev/null && { echo "$i"; return 0; }
  done
  return 1
}

etcd_leader() { # [-t SECONDS] (default 20)
  local secs=20 t0=$SECONDS
  [ "${1:-}" = "-t" ] && secs=$2
  until _etcd_leader_once; do
    if [ $((SECONDS - t0)) -ge "$secs" ]; then
      echo "etcd.sh: no etcd member leads after ${secs}s" >&2
      return 1
    fi
    sleep 0.2
  done
}

etcd_cluster_stop() {
  local i
  for ((i = 0; i < ${ETCD_N:-0}; i++)); do
    kill -9 "${ETCD_PID[$i]}" 2>/dev/null || true
    wait "${ETCD_PID[$i]}" 2>/dev/null || true
  done
  [ -n "${ETCD_DIR:-}" ] && rm -rf "$ETCD_DIR"
  ETCD_N=0
}
