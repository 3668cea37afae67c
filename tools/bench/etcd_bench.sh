#!/usr/bin/env bash
# Fenced-append latency on a 3-member TLS etcd cluster on loopback (issue 18):
#   tools/bench/etcd_bench.sh BUILD_DIR [COUNT] [SIZE]     (defaults 500 appends of 16384 bytes)
set -euo pipefail
BUILD=${1:?usage: etcd_bench.sh BUILD_DIR [COUNT] [SIZE]}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/cluster/etcd.sh"
trap etcd_cluster_stop EXIT
etcd_cluster_start 3
"$BUILD/tools/etcd_bench" --endpoints "$ETCD_ENDPOINTS" --ca "$ETCD_CA" --cert "$ETCD_CERT" \
  --key "$ETCD_KEY" --count "${2:-500}" --size "${3:-16384}"
