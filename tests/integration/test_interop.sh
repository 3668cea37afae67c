#!/usr/bin/env bash
# sealdeskd end to end: a stock python3-grpcio client calls every RPC over TLS (interop.py),
# then sealctl's online mode creates, claims and resolves a ticket with the same JSON as
# offline mode, and SIGTERM stops the server cleanly.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
if ! $PY -c 'import grpc, grpc_tools, google.protobuf' 2>/dev/null; then
  echo "python3-grpcio / python3-grpc-tools / python3-protobuf missing (run make deps as root)"
  exit 1
fi
bash "$(dirname "$0")/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
"$SEALCTL" --offline --data "$D" init >/dev/null
U() { "$SEALCTL" --offline --data "$D" --json user add "$@"; }
ops=$(U --name ops --role agent,supervisor,compliance,auditor)
desk=$(U --name desk --role agent,supervisor)
rita=$(U --name rita --role agent)
sam=$(U --name sam --role supervisor)
sue=$(U --name sue --role supervisor)
sa1=$(U --name sa1 --role security_admin)
sa2=$(U --name sa2 --role security_admin)
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
   $PY "$(dirname "$0")/interop.py" "$port" "$WORK/certs/ca.pem" "$SD_BIN/sealaudit" "$WORK"; then
  ok "python grpcio interop"
else
  bad "python grpcio interop"
fi

O() { "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" "$@"; }
expect_exit 1 "no token: UNAUTHENTICATED" -- O stats
check "UNAUTHENTICATED first on stderr" grep -q "^UNAUTHENTICATED" "$WORK/err"
export SEALDESK_TOKEN
SEALDESK_TOKEN=$(O login --name desk --password "$(echo "$desk" | jget '["password"]')" \
  --totp "$($PY "$(dirname "$0")/totp.py" "$(echo "$desk" | jget '["totp_uri"]')")")
check "sealctl login prints a token" test "${#SEALDESK_TOKEN}" = 64
out=$(O --json ticket create --channel web --subject "deposit" --body "my deposit is not credited" \
      --customer-uid UID42)
id=$(echo "$out" | jget '["id"]')
check "online create" test -n "$id"
check "online create JSON has category" test "$(echo "$out" | jget '["category"]')" = deposit
out=$(O --json queue claim --agent rita)
check "online claim" test "$(echo "$out" | jget '["id"]')" = "$id"
expect_exit 0 "online comment" -- O --json ticket comment "$id" --body "credited now"
expect_exit 0 "online resolve" -- O --json ticket status "$id" --to resolved
check "online resolved" test "$(jget '["status"]' < "$WORK/out")" = resolved
expect_exit 1 "online missing ticket" -- O ticket get 424242
check "online NOT_FOUND on stderr" grep -q "^NOT_FOUND" "$WORK/err"
expect_exit 1 "online bad priority" -- O ticket create --channel chat --subject s --body b --priority P7
check "online INVALID_ARGUMENT" grep -q "^INVALID_ARGUMENT" "$WORK/err"
g=$("$SEALCTL" --offline --data "$D" --json ticket get "$id")
check "offline sees the online change at once" test "$(echo "$g" | jget '["status"]')" = resolved
out=$(O --json remedy request --ticket "$id" --kind compensation --asset USDT --amount 2000 \
      --to-uid UID42 --justification "goodwill")
check "remedy request JSON" test "$(echo "$out" | jget '["state"]+str(d["approvals_needed"])')" = pending2
rid=$(echo "$out" | jget '["id"]')
expect_exit 1 "self-approval refused" -- O remedy approve "$rid"
check "self-approval says PERMISSION_DENIED: the requester cannot approve" \
  grep -q "^PERMISSION_DENIED: the requester cannot approve their own remedy" "$WORK/err"
expect_exit 0 "remedy get" -- O --json remedy get "$rid"
check "remedy get state" test "$(jget '["state"]' < "$WORK/out")" = pending
expect_exit 1 "wrong CA refused" -- "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/server.pem" stats

users=$(python3 -c 'import json,sys; print(json.dumps({n: json.loads(v) for n, v in zip(sys.argv[1::2], sys.argv[2::2])}))' rita "$rita" sam "$sam" sue "$sue")
if SD_USERS="$users" $PY "$(dirname "$0")/remedy_flow.py" "$port" "$WORK/certs/ca.pem"; then
  ok "remedy flow with three users over TLS"
else
  bad "remedy flow with three users over TLS"
fi

# issue 13 items 2/8: online user administration is maker-checker between two security admins
login_as() {  # login_as NAME JSON -> token
  O login --name "$1" --password "$(echo "$2" | jget '["password"]')" \
    --totp "$($PY "$(dirname "$0")/totp.py" "$(echo "$2" | jget '["totp_uri"]')")"
}
T1=$(login_as sa1 "$sa1")
T2=$(login_as sa2 "$sa2")
out=$(SEALDESK_TOKEN=$T1 O --json user add --name newag --role agent)
check "online user add is a pending request" \
  test "$(echo "$out" | jget '["state"]')" = pending
req=$(echo "$out" | jget '["request_id"]')
check "no password before approval" test "$(echo "$out" | jget '.get("password")')" = None
expect_exit 1 "the requester cannot approve their own user request" -- \
  env SEALDESK_TOKEN="$T1" "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" \
  user approve --request "$req"
check "refusal names the rule" grep -q "^PERMISSION_DENIED: the requester cannot approve" "$WORK/err"
expect_exit 1 "an agent cannot list user requests" -- O user requests
out=$(SEALDESK_TOKEN=$T2 O --json user requests --state pending)
check "pending request listed" test "$(echo "$out" | jget '[0]["name"]')" = newag
out=$(SEALDESK_TOKEN=$T2 O --json user approve --request "$req")
check "second admin approves and receives the password once" \
  test "$(echo "$out" | jget '["state"]+str(len(d["password"]))')" = done20
out=$(SEALDESK_TOKEN=$T1 O --json user roles --name newag --role agent,auditor)
rreq=$(echo "$out" | jget '["request_id"]')
out=$(SEALDESK_TOKEN=$T2 O --json user reject --request "$rreq" --reason "auditor is for the audit team")
check "role change rejected" test "$(echo "$out" | jget '["state"]')" = rejected
out=$(SEALDESK_TOKEN=$T2 O --json user reset-totp --name sa1)
treq=$(echo "$out" | jget '["request_id"]')
expect_exit 1 "nobody approves a change to their own account" -- \
  env SEALDESK_TOKEN="$T1" "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" \
  user approve --request "$treq"
out=$("$SEALCTL" --offline --data "$D" --json user list)
check "the approved user exists" test "$(echo "$out" | python3 -c \
  'import json,sys; print(sum(u["name"] == "newag" for u in json.load(sys.stdin)))')" = 1
out=$(SEALDESK_TOKEN=$T2 O --json customer get --uid U30001)
check "customer get online (security_admin) shows the freeze" \
  test "$(echo "$out" | jget '["frozen"]')" = True

kill -TERM "$SRV"
rc=0
wait "$SRV" || rc=$?
check "SIGTERM exits 0" test "$rc" = 0
finish
