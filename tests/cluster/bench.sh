#!/usr/bin/env bash
# Cluster (issue 18) figures: Create/s and p99 of one sealdeskd (no cluster) and of the 3-node
# cluster (3 etcd members, every write a fenced quorum append) in the same run, same machine,
# same load (sealbench load --mix create=1). Prints one JSON line per setup and the ratio; with
# CLUSTER_FIGURES appends "single=..." / "cluster=..." lines there. Not a ctest (make
# cluster-test runs it).
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
SECS=${BENCH_SECONDS:-8}
LOAD=(--conns 4 --streams 8 --seconds "$SECS" --mix create=1 --json)
SP=""
on_exit 'cluster_cleanup; etcd_cluster_stop'

nodes_init
# one node, no cluster, on its own copy
cp -a "$WORK/seed" "$WORK/single"
: >"$WORK/single.log"
"$SD_BIN/sealdeskd" --listen "127.0.0.1:0" --cert "$CERTS/server.pem" \
  --key "$CERTS/server.key" --data "$WORK/single" --workers 2 2>"$WORK/single.log" &
SP=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/^sealdeskd listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$WORK/single.log" |
    head -1)
  [ -n "$port" ] && break
  kill -0 "$SP" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "the single node did not listen" >&2; cat "$WORK/single.log" >&2; exit 1; }
LIST1="127.0.0.1:$port"
TOKEN=$(LIST=$LIST1 login_ops)
single=$(SEALDESK_TOKEN=$TOKEN "$BENCH" load --target "$LIST1" --ca "$CERTS/ca.pem" "${LOAD[@]}")
kill "$SP"; wait "$SP" 2>/dev/null || true; SP=""
echo "single=$single"

etcd_cluster_start 3
nodes_start
L=$(wait_leader 60) || { echo "no leader" >&2; exit 1; }
TOKEN=$(login_ops)
cluster=$(SEALDESK_TOKEN=$TOKEN "$BENCH" load --target "127.0.0.1:${NPORT[$L]}" \
  --ca "$CERTS/ca.pem" "${LOAD[@]}")
echo "cluster=$cluster"
python3 - "$single" "$cluster" <<'PY'
import json, sys
s, c = json.loads(sys.argv[1])["create"], json.loads(sys.argv[2])["create"]
print("create/s: 1 node %.1f, 3-node cluster %.1f (ratio %.2f); p99 ms: %.2f vs %.2f" % (
    s["ops_per_s"], c["ops_per_s"], c["ops_per_s"] / s["ops_per_s"], s["p99_ms"], c["p99_ms"]))
PY
if [ -n "${CLUSTER_FIGURES:-}" ]; then
  { echo "single=$single"; echo "cluster=$cluster"; } >> "$CLUSTER_FIGURES"
fi
