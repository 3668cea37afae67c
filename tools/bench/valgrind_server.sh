#!/usr/bin/env bash
# Short sealdeskd run under valgrind memcheck (not part of `make test`: it takes minutes):
# a fresh data dir, TLS, a login as "bench" (the agent sealbench claims for), 15 s of sealbench
# load (create, get, claim, list), audit export, metrics scrape, then SIGTERM. Prints
# valgrind's summary (the full report is kept with KEEP=1); exit 1 on any error or leak.
# usage: tools/bench/valgrind_server.sh [BUILD_DIR]   (a build without sanitizers; default build)
set -euo pipefail
B=${1:-build}
T=$B/tools
HERE=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/sdvg.XXXXXX)
SRV=
trap 'kill -TERM $SRV 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"' EXIT
bash "$HERE/tests/integration/gen_certs.sh" "$W/certs" >/dev/null
"$T/sealctl" --offline --data "$W/d" init >/dev/null
pw=$("$T/sealctl" --offline --data "$W/d" --json user add --name bench --role agent,auditor \
  --no-totp | python3 -c 'import json,sys; print(json.load(sys.stdin)["password"])')
valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --track-fds=no --log-file="$W/vg.log" \
  "$T/sealdeskd" --listen 127.0.0.1:0 --cert "$W/certs/server.pem" \
  --key "$W/certs/server.key" --data "$W/d" --metrics 127.0.0.1:0 2>"$W/server.log" &
SRV=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start"; cat "$W/vg.log"; exit 1; }
mport=$(sed -n 's/.*metrics on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/server.log" | head -1)
O=("$T/sealctl" --server "127.0.0.1:$port" --ca "$W/certs/ca.pem")
tok=$("${O[@]}" login --name bench --password "$pw")
"$T/sealbench" load --target "127.0.0.1:$port" --ca "$W/certs/ca.pem" --token "$tok" \
  --conns 4 --seconds 15 --mix create=1,get=1,claim=1,list=1 | grep -E "^(load|create|get|claim|list) "
"${O[@]}" --token "$tok" audit export --out "$W/audit.log" >/dev/null
python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$mport/metrics')" 
kill -TERM "$SRV"
rc=0
wait "$SRV" || rc=$?
SRV=
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable" "$W/vg.log"
echo "sealdeskd exit status under valgrind: $rc (99 = valgrind found errors)"
[ "$rc" -eq 0 ]
