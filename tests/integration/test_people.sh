#!/usr/bin/env bash
# Issue 13 "nobody acts as somebody else", over TLS gRPC with sealctl and sealkey: claims only
# for yourself, tickets only to enabled agents, status changes only by the assignee or a
# supervisor, restricted find for agents, the online/offline rule of the tools (an explicit
# --server is always online), and the user lifecycle.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
bash "$HERE/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
SRV=""
OFF() { "$SEALCTL" --offline --data "$D" "$@"; }
"$SEALCTL" --offline --data "$D" init >/dev/null
OFF --json user add --name wei --role agent --no-totp >"$WORK/wei.json"
OFF --json user add --name ag1 --role agent --no-totp >"$WORK/ag1.json"
OFF --json user add --name gone --role agent --no-totp >/dev/null
OFF --json user add --name cora --role compliance >/dev/null
OFF --json user add --name sup --role supervisor >"$WORK/sup.json"
OFF --json user add --name sec --role security_admin >"$WORK/sec.json"
OFF user disable --name gone >/dev/null

# start_server [ARGS...]: sealdeskd on ${SRVDATA:-$D} with ARGS, sets port
start_server() {
  : >"$WORK/server.log"
  "$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
    --key "$WORK/certs/server.key" --data "${SRVDATA:-$D}" "$@" 2>"$WORK/server.log" &
  SRV=$!
  port=""
  for _ in $(seq 1 600); do # up to 60 s: a sanitized start on a busy CI host
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  check "server started" test -n "$port"
}
stop_server() { kill -TERM "$SRV"; wait "$SRV" || true; SRV=""; }
start_server
CA="$WORK/certs/ca.pem"
ON() { "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" "$@"; }
pw() { jget '["password"]' <"$WORK/$1.json"; }
code() { "$PY" "$HERE/totp.py" "$(jget '["totp_uri"]' <"$WORK/$1.json")"; }
WEI=$(ON login --name wei --password "$(pw wei)")
SUP=$(ON login --name sup --password "$(pw sup)" --totp "$(code sup)")
SEC=$(ON login --name sec --password "$(pw sec)" --totp "$(code sec)")
check "three sessions" test "${#WEI}${#SUP}${#SEC}" = 646464
AW() { env SEALDESK_TOKEN="$WEI" "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" --json "$@"; }
AS() { env SEALDESK_TOKEN="$SUP" "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" --json "$@"; }

# ---- item 6: claims and assignment ----
head=$(AW ticket create --channel web --subject "head" --body "deposit missing" \
  --priority P1 --customer-email mine@example.com | jget '["id"]')
p4=$(AW ticket create --channel web --subject "later" --body "question about fees" \
  --priority P4 --customer-email other@example.com | jget '["id"]')
AW ticket create --channel web --subject "more" --body "another question" --priority P3 \
  --customer-email mine@example.com >/dev/null
expect_exit 1 "agent cannot claim for a ghost" -- AW queue claim --agent ghost_agent
check "ghost claim is PERMISSION_DENIED naming the field" \
  grep -q "^PERMISSION_DENIED: agent: agents claim only for themselves" "$WORK/err"
expect_exit 1 "agent cannot claim for a colleague" -- AW queue claim --agent ag1
check "nothing was taken" test "$(AS ticket list --status received | jget '.__len__()')" = 3
expect_exit 0 "claim without --agent takes the head for the caller" -- AW queue claim
check "head went to wei" test "$(jget '["assignee"]+str(d["id"])' <"$WORK/out")" = "wei$head"
expect_exit 1 "supervisor cannot claim for a ghost" -- AS queue claim --agent ghost_agent
check "ghost claim is INVALID_ARGUMENT naming the field" \
  grep -q "^INVALID_ARGUMENT: agent: must name an existing, enabled user" "$WORK/err"
for who in ghost_agent gone cora; do
  expect_exit 1 "assign to $who refused" -- AS ticket assign "$p4" --agent "$who"
  check "assign to $who is INVALID_ARGUMENT" grep -q "^INVALID_ARGUMENT: agent:" "$WORK/err"
done
expect_exit 0 "assign to an enabled agent" -- AS ticket assign "$p4" --agent ag1
check "p4 assigned to ag1" test "$(jget '["assignee"]' <"$WORK/out")" = ag1

# ---- item 7: status changes and find ----
q=$(AW ticket create --channel web --subject "queued" --body "low priority" --priority P4 \
  --customer-email third@example.com | jget '["id"]')
expect_exit 1 "agent cannot take a queued ticket by changing its status" -- \
  AW ticket status "$q" --to in_progress
check "status change is PERMISSION_DENIED" grep -q "^PERMISSION_DENIED: only the assignee" \
  "$WORK/err"
expect_exit 1 "agent cannot resolve an unassigned queued ticket" -- \
  AW ticket status "$q" --to resolved
check "still queued and unassigned" test "$(AS ticket get "$q" | \
  jget '["status"]+str(d["assignee"])')" = receivedNone
expect_exit 1 "and cannot unmask it" -- AW ticket get "$q" --unmask --reason call
expect_exit 0 "assignee changes their own ticket's status" -- \
  AW ticket status "$head" --to waiting_customer
expect_exit 0 "agent finds the other tickets of their customer" -- \
  AW ticket find --customer-email mine@example.com
check "two tickets of that customer, masked metadata" \
  test "$(jget '.__len__()' <"$WORK/out")" = 2
expect_exit 1 "agent cannot look up an arbitrary customer" -- \
  AW ticket find --customer-email other@example.com
check "find is PERMISSION_DENIED" grep -q "^PERMISSION_DENIED: agents look up only" "$WORK/err"
expect_exit 0 "supervisor keeps the general find" -- \
  AS ticket find --customer-email other@example.com

# ---- item 10: an explicit --server is always online, for every tool ----
expect_exit 1 "sealkey --server with SEALDESK_DATA set runs online (no token)" -- \
  env -u SEALDESK_TOKEN SEALDESK_DATA="$D" "$SD_BIN/sealkey" --server "127.0.0.1:$port" \
  --ca "$CA" status
check "it asked the server, which wants a session" grep -q "^UNAUTHENTICATED" "$WORK/err"
expect_exit 1 "sealkey --server with an agent's token is refused by the server" -- \
  env SEALDESK_DATA="$D" SEALDESK_TOKEN="$WEI" "$SD_BIN/sealkey" --server "127.0.0.1:$port" \
  --ca "$CA" status
check "agent gets PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 0 "sealkey --server with the security admin's token" -- \
  env SEALDESK_DATA="$D" SEALDESK_TOKEN="$SEC" "$SD_BIN/sealkey" --server \
  "127.0.0.1:$port" --ca "$CA" --json status
expect_exit 1 "both in the environment: online" -- env -u SEALDESK_TOKEN SEALDESK_DATA="$D" \
  SEALDESK_SERVER="127.0.0.1:$port" SEALDESK_CA="$CA" "$SD_BIN/sealkey" status
check "environment with both asks the server" grep -q "^UNAUTHENTICATED" "$WORK/err"
expect_exit 2 "sealkey --server and --data: ambiguous" -- "$SD_BIN/sealkey" \
  --server "127.0.0.1:$port" --ca "$CA" --data "$D" status
check "ambiguity is named" grep -q "ambiguous" "$WORK/err"
expect_exit 0 "sealkey --data alone is offline even with SEALDESK_SERVER set" -- \
  env SEALDESK_SERVER="127.0.0.1:$port" "$SD_BIN/sealkey" --data "$D" --json status
expect_exit 2 "sealctl --server and --offline: ambiguous" -- "$SEALCTL" --server \
  "127.0.0.1:$port" --ca "$CA" --offline --data "$D" ticket list
expect_exit 1 "sealctl --server with SEALDESK_DATA set runs online" -- \
  env -u SEALDESK_TOKEN SEALDESK_DATA="$D" "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" \
  ticket list
check "sealctl asked the server" grep -q "^UNAUTHENTICATED" "$WORK/err"
expect_exit 0 "sealctl --data alone is offline even with SEALDESK_SERVER set" -- \
  env SEALDESK_SERVER="127.0.0.1:$port" "$SEALCTL" --data "$D" --json ticket list

# ---- item 8: user lifecycle ----
expect_exit 1 "offline user add of an existing name" -- OFF user add --name wei --role agent
check "says so, naming the user" grep -q "^ALREADY_EXISTS: user add: a user named wei already" \
  "$WORK/err"
expect_exit 1 "online user add of an existing name" -- env SEALDESK_TOKEN="$SEC" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$CA" user add --name wei --role agent --no-totp
check "online says so, naming the user" \
  grep -q "^ALREADY_EXISTS: user add: a user named wei already exists" "$WORK/err"
pw wei >"$WORK/wei.pw"
expect_exit 0 "login with --password-stdin" -- ON login --name wei --password-stdin \
  <"$WORK/wei.pw"
check "stdin login printed a token" test "$(wc -c <"$WORK/out")" = 65
expect_exit 0 "login with --password-fd" -- bash -c "exec 7<'$WORK/wei.pw'; \
  '$SEALCTL' --server 127.0.0.1:$port --ca '$CA' login --name wei --password-fd 7"
check "fd login printed a token" test "$(wc -c <"$WORK/out")" = 65
expect_exit 2 "login without a terminal and without a password source" -- \
  ON login --name wei </dev/null
check "names the ways to give it" grep -q "password-stdin or --password-fd" "$WORK/err"
expect_exit 1 "a wrong password on stdin is refused" -- ON login --name wei --password-stdin \
  <<<"not-the-password"
check "wrong password is UNAUTHENTICATED" grep -q "^UNAUTHENTICATED" "$WORK/err"

# user passwd: your own, with the current password; new rules; every session ends
printf '%s\n%s\n' "not-the-password" "a brand new pass 1" >"$WORK/pw.bad"
expect_exit 1 "passwd with a wrong current password" -- AW user passwd --password-stdin \
  <"$WORK/pw.bad"
check "wrong current password names the field" \
  grep -q "^INVALID_ARGUMENT: old_password: does not match" "$WORK/err"
printf '%s\n%s\n' "$(pw wei)" "short" >"$WORK/pw.weak"
expect_exit 1 "passwd with a too short new password" -- AW user passwd --password-stdin \
  <"$WORK/pw.weak"
check "rule is stated" grep -q "^INVALID_ARGUMENT: new_password: 12 to 128 bytes" "$WORK/err"
expect_exit 0 "session still alive after the refusals" -- AW ticket list
printf '%s\n%s\n' "$(pw wei)" "a brand new pass 1" >"$WORK/pw.good"
expect_exit 0 "passwd changes wei's own password" -- AW user passwd --password-stdin \
  <"$WORK/pw.good"
check "says every session ended" test "$(jget '["user"]+str(d["sessions_ended"])' \
  <"$WORK/out")" = weiTrue
expect_exit 1 "the old session ended" -- AW ticket list
expect_exit 1 "the old password no longer works" -- ON login --name wei --password-stdin \
  <"$WORK/wei.pw"
echo "a brand new pass 1" >"$WORK/wei.pw"
WEI=$(ON login --name wei --password-stdin <"$WORK/wei.pw")
check "the new password logs in" test "${#WEI}" = 64

# user offboard: disable, end sessions, open tickets back to the queue
AG1=$(ON login --name ag1 --password "$(pw ag1)" 2>/dev/null)
expect_exit 1 "an agent cannot offboard" -- AW user offboard --name ag1
check "offboard by an agent is PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 1 "offboarding an unknown user" -- env SEALDESK_TOKEN="$SEC" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$CA" user offboard --name ghost_agent
check "unknown user is NOT_FOUND" grep -q "^NOT_FOUND" "$WORK/err"
expect_exit 0 "security admin offboards ag1" -- env SEALDESK_TOKEN="$SEC" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$CA" --json user offboard --name ag1
check "ag1 disabled, p4 requeued" test "$(jget \
  '["disabled"].__str__()+str(d["requeued"])' <"$WORK/out")" = "True[$p4]"
check "p4 is back in the queue, unassigned" test "$(AS ticket get "$p4" | \
  jget '["status"]+str(d["assignee"])')" = receivedNone
expect_exit 1 "ag1's session ended" -- env SEALDESK_TOKEN="$AG1" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$CA" ticket list
expect_exit 1 "ag1 cannot log in" -- ON login --name ag1 --password "$(pw ag1)"
expect_exit 0 "offline offboard works too (--json)" -- OFF --json user offboard --name gone
check "offline offboard output" test "$(jget '["name"]+str(d["requeued"])' <"$WORK/out")" = \
  "gone[]"

# ---- item 9: a restore does not bring revoked sessions back ----
expect_exit 0 "backup while the server runs (wei's session alive)" -- \
  OFF backup --out "$WORK/backup"
expect_exit 0 "security admin revokes wei's sessions" -- env SEALDESK_TOKEN="$SEC" \
  "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" --json user revoke --name wei
expect_exit 1 "wei's session is dead" -- AW ticket list
stop_server
expect_exit 0 "restore the backup" -- "$SEALCTL" --offline --data "$WORK/backup" \
  --key-file "$D/master.key" --json restore --to "$WORK/restored"
check "restore says every session ended" test "$(jget \
  '["sessions_invalidated"]>=3 and "logs in again" in d["note"]' <"$WORK/out")" = True
SRVDATA="$WORK/restored"
start_server --key-file "$D/master.key"
expect_exit 1 "the revoked session stays dead after the restore" -- AW ticket list
check "revoked session is UNAUTHENTICATED" grep -q "^UNAUTHENTICATED" "$WORK/err"
expect_exit 1 "every other session from the backup ended too" -- AS ticket list
expect_exit 0 "users log in again on the restored store" -- \
  ON login --name wei --password-stdin <"$WORK/wei.pw"
stop_server
finish
