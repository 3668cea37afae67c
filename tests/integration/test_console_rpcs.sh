#!/usr/bin/env bash
# The console's RPCs over TLS gRPC (issue 16): Auth.Me and Auth.SetPreferences, Tickets.List
# summary/limit/after paging, Ticket.transitions, Tickets.Related, Tickets.Inbox, TicketStats
# open/overdue by priority, AuditRecord.leaf and Audit.Checkpoints (console_rpcs.py, a stock
# python3-grpcio client), each with its authorization.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! $PY -c 'import grpc, grpc_tools, google.protobuf' 2>/dev/null; then
  echo "python3-grpcio / python3-grpc-tools / python3-protobuf missing (run make deps as root)"
  exit 1
fi
bash "$(dirname "$0")/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
SEALKEY="$SD_BIN/sealkey"
"$SEALCTL" --offline --data "$D" init >/dev/null
U() { "$SEALCTL" --offline --data "$D" --json user add "$@"; }
rita=$(U --name rita --role agent)
ag2=$(U --name ag2 --role agent)
sam=$(U --name sam --role supervisor)
sue=$(U --name sue --role supervisor)
aud=$(U --name aud --role auditor)
bo=$(U --name bo --role backoffice)
# one audit key hand-off before the server starts: Audit.Checkpoints lists it
expect_exit 0 "audit key rotated" -- "$SEALKEY" --data "$D" --json audit-rotate --reason "test"
"$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
  --key "$WORK/certs/server.key" --data "$D" 2>"$WORK/server.log" &
SRV=$!
port=""
for _ in $(seq 1 600); do # up to 60 s: a sanitized start on a busy CI host
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
check "server started" test -n "$port"

users=$($PY -c 'import json,sys; print(json.dumps({n: json.loads(v) for n, v in zip(sys.argv[1::2], sys.argv[2::2])}))' \
  rita "$rita" ag2 "$ag2" sam "$sam" sue "$sue" aud "$aud" bo "$bo")
if SD_USERS="$users" $PY "$(dirname "$0")/console_rpcs.py" "$port" "$WORK/certs/ca.pem" "$WORK"; then
  ok "console RPCs over TLS"
else
  bad "console RPCs over TLS"
fi
check "no PII in the server log" test "$(grep -c 'kim.seoyeon' "$WORK/server.log" || true)" = 0
out=$("$SEALCTL" --offline --data "$D" --json audit search --kind user.preferences 2>/dev/null || true)
check "the preference change is audited" grep -q 'user:rita' <<<"$out"

kill -TERM "$SRV"
rc=0
wait "$SRV" || rc=$?
check "SIGTERM exits 0" test "$rc" = 0
finish
