#!/usr/bin/env bash
# etcd's space quota: a 3-member TLS cluster with --quota-backend-bytes 8 MiB; the client's
# writes get SD_E_LIMIT ("mvcc: database space exceeded") once it is full (test_etcd.c quota).
set -euo pipefail
: "${SD_TEST_BIN:?SD_TEST_BIN must point at the built test programs}"
. "$(dirname "$0")/etcd.sh"
trap etcd_cluster_stop EXIT
etcd_cluster_start 3 $((8 * 1024 * 1024))
ETCD_LEADER=$(etcd_leader) "$SD_TEST_BIN/test_etcd_cluster" quota
