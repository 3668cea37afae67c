#!/usr/bin/env python3
"""Summarise the figures `make cluster-test` collected (CLUSTER_FIGURES file): failover
min/median/max over the kill -9 trials, acknowledged creates lost, etcd member kill stalls, and
Create/s + p99 of one node against the 3-node cluster."""
import json
import statistics
import sys

fail, lost, stalls, bench = [], 0, {}, {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().partition("=")
    if k == "failover_ms":
        fail.append(int(v))
    elif k == "acked_lost":
        lost += int(v)
    elif k.endswith("_stall_ms"):
        stalls.setdefault(k, []).append(int(v))
    elif k in ("single", "cluster"):
        bench[k] = json.loads(v)["create"]
if fail:
    print("failover over %d kill -9 trials: min %d ms, median %d ms, max %d ms" % (
        len(fail), min(fail), statistics.median(fail), max(fail)))
print("acknowledged creates lost: %d" % lost)
for k, v in sorted(stalls.items()):
    print("%s: min %d, median %d, max %d (%d trials)" % (
        k, min(v), statistics.median(v), max(v), len(v)))
if len(bench) == 2:
    s, c = bench["single"], bench["cluster"]
    print("Create/s: 1 node %.1f, 3-node cluster %.1f (ratio %.2f); p99 %.2f ms vs %.2f ms" % (
        s["ops_per_s"], c["ops_per_s"], c["ops_per_s"] / s["ops_per_s"], s["p99_ms"],
        c["p99_ms"]))
sys.exit(1 if lost else 0)
