#!/usr/bin/env bash
# The etcd v3 client (src/etcd) against a real 3-member TLS etcd cluster on loopback: runs
# tests/cluster/test_etcd.c (built as test_etcd_cluster, in SD_TEST_BIN) with ETCD_* set.
set -euo pipefail
: "${SD_TEST_BIN:?SD_TEST_BIN must point at the built test programs}"
. "$(dirname "$0")/etcd.sh"
trap etcd_cluster_stop EXIT
etcd_cluster_start 3
# Every test; the last one kills -9 a follower the client talks to.
ETCD_LEADER=$(etcd_leader) "$SD_TEST_BIN/test_etcd_cluster"
# Back to three members, then kill -9 the leader the client talks to.
for ((i = 0; i < 3; i++)); do
  etcd_member_alive "$i" || { etcd_member_start "$i"; etcd_wait_healthy "$i"; }
done
export ETCD_PIDS
ETCD_LEADER=$(etcd_leader) "$SD_TEST_BIN/test_etcd_cluster" leader
