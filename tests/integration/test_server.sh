#!/usr/bin/env bash
# sealdeskd end to end: start-up refusals, a stock grpcio client over TLS 1.3 (Health/Check,
# UNIMPLEMENTED), the abuse cases of server_abuse.py (each followed by a health check), mTLS
# required, and SIGTERM -> graceful stop with exit 0 (under ASan this also catches leaks).
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1 # server_abuse.py is imported below: no __pycache__ in src
DAEMON="$SD_BIN/sealdeskd"
C="$WORK/certs"
D="$WORK/data"
SRV_PID=""

bash "$HERE/gen_certs.sh" "$C"
check "cert keys are 0600" test "$(stat -c %a "$C/server.key")" = 600
"$SEALCTL" --offline --data "$D" init >/dev/null

# start_server LOG ARGS...: start sealdeskd, wait for its "listening on" line, set PORT.
start_server() {
  local log=$1; shift
  "$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" "$@" 2>"$log" &
  SRV_PID=$!
  PORT=""
  for _ in $(seq 600); do # up to 60 s: a sanitized start on a busy CI host
    PORT=$(sed -n 's/^sealdeskd listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$log")
    [ -n "$PORT" ] && return 0
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "sealdeskd did not start:" >&2; sed 's/^/    /' "$log" >&2
  return 1
}
# stop_server: SIGTERM, wait up to 15 s; sets RC to its exit status.
stop_server() {
  kill -TERM "$SRV_PID" 2>/dev/null || true
  wait_server
}
wait_server() {
  RC=124
  for _ in $(seq 150); do
    if ! kill -0 "$SRV_PID" 2>/dev/null; then RC=0; wait "$SRV_PID" || RC=$?; SRV_PID=""; return; fi
    sleep 0.1
  done
  kill -9 "$SRV_PID"; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=""
}

# Start-up refusals: exit 1 with a one-line reason.
expect_exit 1 "non-loopback listen without --require-client-cert" -- \
  "$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" --listen 0.0.0.0:0
check "reason names the listen address" grep -q "non-loopback" "$WORK/err"
expect_exit 1 "key that does not match the certificate" -- \
  "$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/client.key" --listen 127.0.0.1:0
expect_exit 1 "missing data dir" -- \
  "$DAEMON" --data "$WORK/nope" --cert "$C/server.pem" --key "$C/server.key" \
  --listen 127.0.0.1:0
expect_exit 1 "--require-client-cert without --client-ca" -- \
  "$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" --listen 127.0.0.1:0 \
  --require-client-cert
expect_exit 2 "unknown flag" -- "$DAEMON" --bogus
expect_exit 0 "--help" -- "$DAEMON" --help

# Main run: optional mTLS, small limits so the abuse cases reach them quickly.
cat > "$WORK/sealdeskd.conf" <<CONF
# test configuration; flags below override listen
listen = 127.0.0.1:7443
max-conns = 64
max-conns-per-source = 16
conn-reserve = 8
idle-timeout-ms = 1500
workers = 2
CONF
if start_server "$WORK/srv.log" --config "$WORK/sealdeskd.conf" --listen 127.0.0.1:0 \
   --client-ca "$C/ca.pem"; then
  ok "sealdeskd starts and reports its port ($PORT)"
  "$PY" "$HERE/server_abuse.py" --port "$PORT" --pid "$SRV_PID" --certs "$C" \
    --max-conns 64 --idle-ms 1500 --per-source 16 --reserve 8 --log "$WORK/srv.log" \
    > "$WORK/abuse.out" 2>&1 || true
  cat "$WORK/abuse.out"
  line=$(tail -n 1 "$WORK/abuse.out")
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -n "$p" ]; then PASS=$((PASS + p)); FAIL=$((FAIL + f)); else bad "server_abuse.py ran"; fi
  # server_abuse.py ends with SIGTERM during a call: the daemon must exit 0 by itself.
  wait_server
  check "SIGTERM: graceful stop, exit 0 (got $RC)" test "$RC" -eq 0
  check "log has connection and call lines" grep -q \
    "ev=call .*method=/grpc.health.v1.Health/Check.*status=OK.*latency_us=" "$WORK/srv.log"
  check "log has conn_open and conn_close" grep -q "ev=conn_close conn=[0-9]* reason=" "$WORK/srv.log"
  check "log never holds request metadata" bash -c "! grep -q 'Bearer' '$WORK/srv.log'"
  check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$WORK/srv.log'"
else
  bad "sealdeskd starts"
fi

# Required mTLS: a client without a certificate is refused, one with it is served.
if start_server "$WORK/srv2.log" --listen 127.0.0.1:0 --client-ca "$C/ca.pem" \
   --require-client-cert --workers 1; then
  for mode in nocert cert; do
    out=$("$PY" -c '
import sys; sys.path.insert(0, sys.argv[1]); import server_abuse as a
class A: pass
x = A(); x.port = int(sys.argv[2]); x.certs = sys.argv[3]
print(a.health(x, cert=sys.argv[4] == "cert"))' "$HERE" "$PORT" "$C" "$mode" 2>/dev/null)
    if [ "$mode" = cert ]; then want=True; else want=False; fi
    check "require-client-cert, $mode: served=$want" test "$out" = "$want"
  done
  stop_server
  check "second server: SIGTERM exit 0 (got $RC)" test "$RC" -eq 0
else
  bad "sealdeskd starts with --require-client-cert"
fi

finish
