#!/usr/bin/env bash
# Issue 13 item 15 over TLS gRPC (input_rules.py): NUL in protobuf strings, bidi/invisible
# characters in identifiers and blank-looking unmask reasons are refused with
# INVALID_ARGUMENT naming the field; refused requests change nothing.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
bash "$(dirname "$0")/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
"$SEALCTL" --offline --data "$D" init >/dev/null
ops=$("$SEALCTL" --offline --data "$D" --json user add --name ops \
  --role agent,supervisor,compliance)
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
if SD_USER=ops SD_PASSWORD=$(echo "$ops" | jget '["password"]') \
   SD_TOTP_URI=$(echo "$ops" | jget '["totp_uri"]') \
   $PY "$(dirname "$0")/input_rules.py" "$port" "$WORK/certs/ca.pem" "$WORK"; then
  ok "input rules over gRPC"
else
  bad "input rules over gRPC"
fi
check "no value of a refused field reached the server log" \
  bash -c "! grep -q 'HIDDEN\|secret tail' '$WORK/server.log'"
# offline sealctl names the option too (and never echoes the value)
expect_exit 1 "offline create with a bad email refused" -- "$SEALCTL" --offline --data "$D" \
  ticket create --channel chat --subject s --body b --customer-email "bob.example.com"
check "offline error names --customer-email" \
  grep -q "^INVALID_ARGUMENT: ticket create: --customer-email: " "$WORK/err"
check "offline error does not echo the value" bash -c "! grep -q bob.example '$WORK/err'"
expect_exit 1 "offline create with U+202E in the uid refused" -- "$SEALCTL" --offline \
  --data "$D" ticket create --channel chat --subject s --body b --customer-uid $'U1\u202e23'
check "offline error names --customer-uid" grep -q -- "--customer-uid: bidi" "$WORK/err"
kill -TERM "$SRV"
wait "$SRV" 2>/dev/null || true
finish
