#!/usr/bin/python3
"""Test peer for the sealdesk gRPC client (src/rpc/client.c).

Run with /usr/bin/python3 (Debian's grpcio, grpc_tools, protobuf). It makes a throw-away CA and
certificates with the openssl CLI, compiles proto/health.proto and proto/sealdesk.proto with
grpc_tools.protoc, and serves:
  port      stock grpcio server over TLS, MAX_CONCURRENT_STREAMS 10
  mtls      the same handlers, client certificate required
  noalpn    TLS 1.3 that negotiates no ALPN       tls12   TLS 1.2 only, ALPN h2
  rst       HTTP/2 that answers every request with RST_STREAM(INTERNAL_ERROR)
  goaway    HTTP/2 that answers every request with GOAWAY(last 0, ENHANCE_YOUR_CALM)
  http404   HTTP/2 that answers ":status 404" with no grpc-status
  nostatus  HTTP/2 that answers ":status 200" and ends the stream with no grpc-status
Then prints one line "READY key=value ..." (ports and dir=<cert dir> holding ca.pem,
other-ca.pem, client.pem, client.key) and runs until stdin closes or SIGTERM.

Methods (grpcio server):
  /grpc.health.v1.Health/Check  service "" or "sealdesk": SERVING; "busy": 50 ms then
                                SERVING; "slow": 2 s then SERVING; else NOT_FOUND.
  /sealdesk.v1.Audit/Export     from 0: chunks "chunk-0".."chunk-2"; from 1: one message of
                                exactly 1 MiB then "tail"; from 2: one of 1 MiB + 1 byte.
  /sealdesk.v1.Tickets/Get      without "authorization: Bearer test-token": UNAUTHENTICATED;
                                else NOT_FOUND with a message full of spaces, '%' and UTF-8.
"""
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent import futures

ROOT = os.environ.get("SD_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
NOT_FOUND_MSG = "ticket {} not found: 100% gone (50%2F50) \u5de5\u5355 done"
MIB = 1024 * 1024


def run(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_certs(d):
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    for ca in ("ca", "other-ca"):
        run("openssl", "req", "-x509", *ec, "-keyout", ca + ".key", "-out", ca + ".pem",
            "-days", "2", "-subj", "/CN=sealdesk test " + ca, cwd=d)
    with open(os.path.join(d, "server.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    with open(os.path.join(d, "client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for who, cn in (("server", "localhost"), ("client", "agent-1")):
        run("openssl", "req", "-new", *ec, "-keyout", who + ".key", "-out", who + ".csr",
            "-subj", "/CN=" + cn, cwd=d)
        run("openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey",
            "ca.key", "-CAcreateserial", "-days", "2", "-out", who + ".pem", "-extfile",
            who + ".ext", cwd=d)


def compile_protos(d):
    proto = os.path.join(ROOT, "proto")
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I" + proto,
                    "--python_out=" + d, "--grpc_python_out=" + d,
                    os.path.join(proto, "health.proto"), os.path.join(proto, "console.proto"),
                    os.path.join(proto, "sealdesk.proto")],
                   check=True)
    sys.path.insert(0, d)


def grpc_server(d, mtls):
    import grpc
    import health_pb2
    import sealdesk_pb2

    def check(req, ctx):
        serving = health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)
        if req.service in ("", "sealdesk"):
            return serving
        if req.service == "busy":
            time.sleep(0.05)
            return serving
        if req.service == "slow":
            time.sleep(2)
            return serving
        ctx.abort(grpc.StatusCode.NOT_FOUND, "unknown service")

    def export(req, ctx):
        start = getattr(req, "from")
        if start == 0:
            for i in range(3):
                yield sealdesk_pb2.ExportChunk(data=b"chunk-%d" % i)
        elif start == 1:
            yield sealdesk_pb2.ExportChunk(data=b"x" * (MIB - 4))  # serialized: exactly 1 MiB
            yield sealdesk_pb2.ExportChunk(data=b"tail")
        else:
            yield sealdesk_pb2.ExportChunk(data=b"x" * (MIB - 3))  # 1 MiB + 1

    def get(req, ctx):
        md = dict(ctx.invocation_metadata())
        if md.get("authorization") != "Bearer test-token":
            ctx.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or bad token")
        ctx.abort(grpc.StatusCode.NOT_FOUND, NOT_FOUND_MSG.format(req.id))

    handlers = [
        grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
            "Check": grpc.unary_unary_rpc_method_handler(
                check, request_deserializer=health_pb2.HealthCheckRequest.FromString,
                response_serializer=health_pb2.HealthCheckResponse.SerializeToString)}),
        grpc.method_handlers_generic_handler("sealdesk.v1.Audit", {
            "Export": grpc.unary_stream_rpc_method_handler(
                export, request_deserializer=sealdesk_pb2.ExportRequest.FromString,
                response_serializer=sealdesk_pb2.ExportChunk.SerializeToString)}),
        grpc.method_handlers_generic_handler("sealdesk.v1.Tickets", {
            "Get": grpc.unary_unary_rpc_method_handler(
                get, request_deserializer=sealdesk_pb2.GetTicketRequest.FromString,
                response_serializer=sealdesk_pb2.Ticket.SerializeToString)}),
    ]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=24), handlers=handlers,
                         options=[("grpc.max_concurrent_streams", 10),
                                  ("grpc.so_reuseport", 0)])

    def read(name):
        with open(os.path.join(d, name), "rb") as f:
            return f.read()

    creds = grpc.ssl_server_credentials(
        [(read("server.key"), read("server.pem"))],
        root_certificates=read("ca.pem") if mtls else None, require_client_auth=mtls)
    port = server.add_secure_port("127.0.0.1:0", creds)
    server.start()
    return server, port


# ---- hand-made HTTP/2 misbehaviour over TLS ----

def frame(ftype, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + \
        struct.pack(">I", stream) + payload


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        part = s.recv(n - len(buf))
        if not part:
            raise EOFError
        buf += part
    return buf


def h2_conn(s, mode):
    recv_exact(s, 24)  # client preface
    s.sendall(frame(4, 0, 0))  # our SETTINGS, empty
    while True:
        hdr = recv_exact(s, 9)
        length = int.from_bytes(hdr[:3], "big")
        ftype, flags = hdr[3], hdr[4]
        stream = int.from_bytes(hdr[5:9], "big") & 0x7FFFFFFF
        recv_exact(s, length)
        if ftype == 4 and not flags & 1:
            s.sendall(frame(4, 1, 0))  # SETTINGS ACK
        elif ftype == 1:  # HEADERS: a request
            if mode == "rst":
                s.sendall(frame(3, 0, stream, struct.pack(">I", 2)))
            elif mode == "goaway":
                s.sendall(frame(7, 0, 0, struct.pack(">II", 0, 0xB)))
            elif mode == "http404":
                s.sendall(frame(1, 0x5, stream, b"\x8d"))  # :status 404, END_STREAM
            elif mode == "nostatus":
                s.sendall(frame(1, 0x5, stream, b"\x88"))  # :status 200, END_STREAM


def raw_conn(ctx, conn, mode):
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            if mode in ("noalpn", "tls12"):
                while s.recv(4096):
                    pass
            else:
                h2_conn(s, mode)
    except (OSError, EOFError, ssl.SSLError):
        pass


def raw_server(d, mode):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, "server.pem"), os.path.join(d, "server.key"))
    if mode == "tls12":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_alpn_protocols(["h2"])
    elif mode == "noalpn":
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.set_alpn_protocols(["http/1.1"])
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.set_alpn_protocols(["h2"])
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)

    def loop():
        while True:
            conn, _ = ls.accept()
            threading.Thread(target=raw_conn, args=(ctx, conn, mode), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return ls.getsockname()[1]


def main():
    d = tempfile.mkdtemp(prefix="sdpeer.")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    servers = []
    try:
        make_certs(d)
        compile_protos(d)
        main_srv, port = grpc_server(d, False)
        mtls_srv, mtls = grpc_server(d, True)
        servers = [main_srv, mtls_srv]
        ports = {"port": port, "mtls": mtls}
        for mode in ("noalpn", "tls12", "rst", "goaway", "http404", "nostatus"):
            ports[mode] = raw_server(d, mode)
        print("READY " + " ".join("%s=%d" % kv for kv in ports.items()) + " dir=" + d,
              flush=True)
        sys.stdin.read()  # until the test closes our stdin (or dies)
    finally:
        for s in servers:
            s.stop(0)
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
