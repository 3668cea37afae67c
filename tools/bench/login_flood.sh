#!/usr/bin/env bash
# Login flood measurement (issue 13, item 11): start BUILD/tools/sealdeskd on a fresh data dir
# (loopback, port 0), add an agent, and run login_flood.py: median `ticket comment` latency
# idle and while 8 clients flood Auth/Login with unknown names. Everything stays on 127.0.0.1
# and stops by itself.
# usage: [SEALDESKD_FLAGS="--login-fails-per-source 1000000 ..."] \
#        tools/bench/login_flood.sh [BUILD_DIR (default build)] [extra login_flood.py flags]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
shift || true
WORK=$(mktemp -d /tmp/sdflood.XXXXXX)
SRV=""
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
bash "$ROOT/tests/integration/gen_certs.sh" "$WORK/certs" >/dev/null
"$BUILD/tools/sealctl" --offline --data "$WORK/data" init >/dev/null
pw=$("$BUILD/tools/sealctl" --offline --data "$WORK/data" --json user add --name rita \
  --role agent --no-totp | python3 -c 'import json,sys; print(json.load(sys.stdin)["password"])')
"$BUILD/tools/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
  --key "$WORK/certs/server.key" --data "$WORK/data" ${SEALDESKD_FLAGS:-} 2>"$WORK/server.log" &
SRV=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "sealdeskd did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
/usr/bin/python3 "$HERE/login_flood.py" "$port" "$WORK/certs/ca.pem" rita "$pw" "$@"
