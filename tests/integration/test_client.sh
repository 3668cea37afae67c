#!/usr/bin/env bash
# gRPC client end to end: start tests/integration/client_peer.py (stock python grpcio over
# TLS), check with python's own grpc client that the peer behaves as tests/unit/test_client.c
# expects (so a failure there is the C client's, not the peer's), then run that C test binary
# against it when it is built. Skips (exit 0) when /usr/bin/python3 lacks grpcio.
set -euo pipefail
: "${SD_BIN:?SD_BIN must point at the built tools}"
: "${SD_SOURCE_DIR:?SD_SOURCE_DIR must point at the source tree}"
PY=/usr/bin/python3
if ! [ -x "$PY" ] || ! "$PY" -c 'import grpc, grpc_tools, google.protobuf' 2>/dev/null; then
  echo "SKIP test_client: $PY with grpcio/grpc_tools/protobuf is not available"
  exit 0
fi
source "$SD_SOURCE_DIR/tests/integration/lib.sh"

# The peer runs until its stdin closes: feed it from a fifo we hold open.
mkfifo "$WORK/in"
"$PY" "$SD_SOURCE_DIR/tests/integration/client_peer.py" <"$WORK/in" >"$WORK/peer.out" \
  2>"$WORK/peer.err" &
PEER=$!
exec 3>"$WORK/in"
on_exit 'exec 3>&-' # the peer's end of input; lib.sh then kills it if it still runs
for _ in $(seq 1 300); do
  grep -q '^READY ' "$WORK/peer.out" && break
  sleep 0.1
done
LINE=$(grep '^READY ' "$WORK/peer.out" || true)
if [ -z "$LINE" ]; then
  bad "client_peer.py did not start"; sed 's/^/    /' "$WORK/peer.err" >&2; finish; exit 1
fi
ok "client_peer.py started"
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$LINE"; }
PORT=$(val port) DIR=$(val dir)

# Reference client: stock grpcio against the same peer and certificates.
check "grpcio reference client agrees with the peer" "$PY" - "$PORT" "$DIR" <<'EOF'
import sys
import grpc
port, d = sys.argv[1], sys.argv[2]
sys.path.insert(0, d)
import health_pb2, sealdesk_pb2
creds = grpc.ssl_channel_credentials(open(d + "/ca.pem", "rb").read())
with grpc.secure_channel("127.0.0.1:" + port, creds) as ch:
    check = ch.unary_unary("/grpc.health.v1.Health/Check",
                           request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                           response_deserializer=health_pb2.HealthCheckResponse.FromString)
    assert check(health_pb2.HealthCheckRequest()).status == 1
    export = ch.unary_stream("/sealdesk.v1.Audit/Export",
                             request_serializer=sealdesk_pb2.ExportRequest.SerializeToString,
                             response_deserializer=sealdesk_pb2.ExportChunk.FromString)
    assert [c.data for c in export(sealdesk_pb2.ExportRequest())] == \
        [b"chunk-0", b"chunk-1", b"chunk-2"]
    get = ch.unary_unary("/sealdesk.v1.Tickets/Get",
                         request_serializer=sealdesk_pb2.GetTicketRequest.SerializeToString,
                         response_deserializer=sealdesk_pb2.Ticket.FromString)
    try:
        get(sealdesk_pb2.GetTicketRequest(id=42),
            metadata=[("authorization", "Bearer test-token")])
        raise SystemExit("Tickets/Get succeeded")
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.NOT_FOUND, e.code()
        assert e.details() == "ticket 42 not found: 100% gone (50%2F50) \u5de5\u5355 done", \
            e.details()
EOF

# The C client's own suite (built by the unit-test glob) starts its own peer.
T="$SD_BIN/../tests/test_client"
if [ -x "$T" ]; then
  check "C client suite (tests/unit/test_client.c)" "$T"
else
  echo "note: $T not built; C client suite not run"
fi
finish
