#!/usr/bin/env bash
# Messages per second through sealmailgate (issue 15 figure; not a test): N distinct messages,
# one sealmailgate process each as an MTA's pipe(8) runs it, delivered over TLS gRPC to a local
# sealdeskd (Intake/SubmitMail: parse, connect, TLS, one write txn with ticket, audit entry
# and acknowledgement), then the same offline (--offline --data). Usage:
#   tools/bench/mailgate_bench.sh [BUILD_TOOLS_DIR] [N]    (default build/tools, 200)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SD_BIN=$(cd "${1:-$ROOT/build/tools}" && pwd)
N=${2:-200}
WORK=$(mktemp -d /tmp/sdgatebench.XXXXXX)
SRV=""
trap '[ -n "$SRV" ] && kill -9 "$SRV" 2>/dev/null; rm -rf "$WORK"' EXIT
bash "$ROOT/tests/integration/gen_certs.sh" "$WORK/certs" >/dev/null
S() { "$SD_BIN/sealctl" --offline --data "$WORK/data" "$@"; }
S init >/dev/null
S --json user add --name gw --role intake --no-totp >"$WORK/gw.json"
for i in $(seq "$N"); do
  printf 'From: customer%d@example.com\r\nTo: support@desk.test\r\nSubject: =?UTF-8?B?5o+Q546w5LiA55u05Zyo5a6h5qC45Lit?= %d\r\nMessage-ID: <bench-%d@example.com>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nMy 0.35 ETH withdrawal has been pending for 20 hours, order %d.\r\n' \
    "$i" "$i" "$i" "$i" >"$WORK/m$i.eml"
done
"$SD_BIN/sealdeskd" --data "$WORK/data" --cert "$WORK/certs/server.pem" \
  --key "$WORK/certs/server.key" --listen 127.0.0.1:0 2>"$WORK/srv.log" &
SRV=$!
port=""
while [ -z "$port" ]; do
  sleep 0.1
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/srv.log" | head -1)
done
TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' \
  "$WORK/gw.json" | "$SD_BIN/sealctl" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" \
  login --name gw --password-stdin)
t0=$(date +%s.%N)
for i in $(seq "$N"); do
  "$SD_BIN/sealmailgate" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" \
    --token "$TOKEN" <"$WORK/m$i.eml" >/dev/null
done
t1=$(date +%s.%N)
kill -TERM "$SRV"; wait "$SRV" || true; SRV=""
for i in $(seq "$N"); do sed -i "s/bench-$i@/off-$i@/" "$WORK/m$i.eml"; done
t2=$(date +%s.%N)
for i in $(seq "$N"); do
  "$SD_BIN/sealmailgate" --offline --data "$WORK/data" <"$WORK/m$i.eml" >/dev/null
done
t3=$(date +%s.%N)
python3 -c "n=$N; a=$t1-$t0; b=$t3-$t2; print(f'online:  {n} messages in {a:.2f} s: {n/a:.1f} messages/s (one sealmailgate process, TLS connection and durable txn each)'); print(f'offline: {n} messages in {b:.2f} s: {n/b:.1f} messages/s (one process and desk open each)')"
