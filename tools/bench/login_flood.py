#!/usr/bin/python3
"""Login flood: median Tickets/Comment latency while N clients send Auth/Login with unknown
names as fast as they can (issue 13, item 11). Talks TLS gRPC to a running sealdeskd on
127.0.0.1 only, with bounded loops; stops by itself.

usage: login_flood.py PORT CA_PEM USER PASSWORD [--flooders 8] [--comments 200] [--warmup 2]
Prints one JSON line: median/p90 comment latency (ms) idle and under flood, logins sent and
how they were answered.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time

import grpc
from grpc_tools import protoc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO = os.path.join(ROOT, "proto")


def load_stubs():
    out = tempfile.mkdtemp(prefix="sdflood.")
    inc = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    for p in ("console.proto", "sealdesk.proto"):
        rc = protoc.main(["protoc", "-I" + PROTO, "-I" + inc, "--python_out=" + out,
                          "--grpc_python_out=" + out, os.path.join(PROTO, p)])
        assert rc == 0, "protoc failed"
    sys.path.insert(0, out)
    import sealdesk_pb2, sealdesk_pb2_grpc  # noqa: E402
    return sealdesk_pb2, sealdesk_pb2_grpc


def comment_latencies(t, pb, tid, n):
    lat = []
    for i in range(n):
        t0 = time.perf_counter()
        t.Comment(pb.CommentRequest(id=tid, body="flood check %d" % i, internal=True),
                  timeout=60)
        lat.append((time.perf_counter() - t0) * 1000.0)
    return lat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port")
    ap.add_argument("ca")
    ap.add_argument("user")
    ap.add_argument("password")
    ap.add_argument("--flooders", type=int, default=8)
    ap.add_argument("--comments", type=int, default=200)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--max-seconds", type=float, default=300.0)
    a = ap.parse_args()
    pb, rpc = load_stubs()
    target = "127.0.0.1:" + a.port
    creds = grpc.ssl_channel_credentials(root_certificates=open(a.ca, "rb").read())
    anon = grpc.secure_channel(target, creds)
    login = rpc.AuthStub(anon).Login(pb.LoginRequest(name=a.user, password=a.password),
                                    timeout=60)
    ch = grpc.secure_channel(target, grpc.composite_channel_credentials(
        creds, grpc.access_token_call_credentials(login.token)))
    t = rpc.TicketsStub(ch)
    tk = t.Create(pb.CreateTicketRequest(channel="email", subject="flood", body="login flood",
                                         customer_email="flood@example.com"), timeout=60)
    t.ClaimNext(pb.ClaimNextRequest(agent=a.user), timeout=60)
    idle = comment_latencies(t, pb, tk.id, a.comments)

    stop = threading.Event()
    counts = {}
    lock = threading.Lock()
    deadline = time.time() + a.max_seconds

    def flood(k):
        c = grpc.secure_channel(target, creds)
        auth = rpc.AuthStub(c)
        i = 0
        while not stop.is_set() and time.time() < deadline:
            try:
                auth.Login(pb.LoginRequest(name="ghost-%d-%d" % (k, i), password="guess%d" % i),
                           timeout=60)
                code = "OK"
            except grpc.RpcError as e:
                code = e.code().name
            with lock:
                counts[code] = counts.get(code, 0) + 1
            i += 1
        c.close()

    th = [threading.Thread(target=flood, args=(k,)) for k in range(a.flooders)]
    for x in th:
        x.start()
    time.sleep(a.warmup)
    t0 = time.time()
    loaded = comment_latencies(t, pb, tk.id, a.comments)
    took = time.time() - t0
    stop.set()
    for x in th:
        x.join()

    def p90(v):
        return sorted(v)[int(len(v) * 0.9)]
    print(json.dumps({
        "flooders": a.flooders, "comments": a.comments,
        "idle_median_ms": round(statistics.median(idle), 2), "idle_p90_ms": round(p90(idle), 2),
        "flood_median_ms": round(statistics.median(loaded), 2),
        "flood_p90_ms": round(p90(loaded), 2), "flood_seconds": round(took, 1),
        "logins": counts}))


if __name__ == "__main__":
    main()
