#!/usr/bin/env bash
# Outbound mail (issue 15) through a REAL Postfix from Debian, run privately on loopback by
# this script (postfix.sh): sealdeskd started with `smtp = 127.0.0.1:PORT` delivers a public
# reply to alice@desk.test's Maildir with the ticket reference and the verification header;
# `sealctl verify-message` accepts the delivered file and rejects it after one byte of the body
# changes; the ticket's timeline says mail_delivered; a resolution mails the CSAT survey
# (Auto-Submitted); smtp_tls = off to a remote relay is refused at start-up.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/postfix.sh"
pf_skip_unless_root
DAEMON="$SD_BIN/sealdeskd"
C="$WORK/certs"
D="$WORK/data"
PF="$WORK/postfix"
MD="$WORK/Maildir"
SRV_PID=""
on_exit 'pf_stop "$PF"' # sealdeskd, a job, is killed by lib.sh
chmod 755 "$WORK" # Postfix's daemons run as postfix and nobody
S() { "$SEALCTL" --offline --data "$D" "$@"; }

pf_start "$PF" "$MD"
SMTP_PORT=$PF_PORT
ok "private postfix listens on 127.0.0.1:$SMTP_PORT"
bash "$HERE/gen_certs.sh" "$C"
S init >/dev/null

expect_exit 1 "smtp_tls = off to a remote relay refused" -- \
  "$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" --listen 127.0.0.1:0 \
  --smtp 192.0.2.1:25 --mail-from support@desk.test --smtp-tls off
check "the reason names loopback" grep -q "loopback" "$WORK/err"
expect_exit 2 "bad smtp_tls value" -- \
  "$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" --smtp-tls sometimes

cat > "$WORK/sealdeskd.conf" <<CONF
smtp = 127.0.0.1:$SMTP_PORT
mail_from = support@desk.test
smtp_tls = opportunistic
CONF
"$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" --listen 127.0.0.1:0 \
  --config "$WORK/sealdeskd.conf" 2>"$WORK/srv.log" &
SRV_PID=$!
# up to 60 s: a sanitized start on a busy CI host
for _ in $(seq 600); do grep -q "listening on" "$WORK/srv.log" && break; sleep 0.1; done
check "sealdeskd starts with the mail sender" grep -q "listening on" "$WORK/srv.log"

id=$(S ticket create --channel email --subject "提现一直在审核中" --body "0.35 ETH pending" \
     --customer-email alice@desk.test --json | jget '["id"]')
expect_exit 0 "internal note" -- S ticket comment "$id" --body "check chain" --internal
expect_exit 0 "public reply" -- S ticket comment "$id" --body "我们正在核查链上记录 / checking"

# wait_mail N: until N messages are in the Maildir (30 s).
wait_mail() {
  for _ in $(seq 300); do
    [ "$(find "$MD/new" -type f 2>/dev/null | wc -l)" -ge "$1" ] && return 0
    sleep 0.1
  done
  return 1
}
check "the reply arrives in alice's mailbox" wait_mail 1
M=$(find "$MD/new" -type f | head -1)
check "exactly one message (the internal note is not mailed)" \
  test "$(find "$MD/new" -type f | wc -l)" -eq 1
check "subject carries the reference" grep -q "^Subject: Re: \[SD-000001\] =?UTF-8?B?" "$M"
check "verification header" grep -q "^X-Sealdesk-Verify: v=1; r=SD-000001; k=1;" "$M"
check "Message-ID fixed by the desk" grep -q "^Message-ID: <SD-000001\.1\.[0-9a-f]*@desk.test>" "$M"
check "an agent's reply is not Auto-Submitted" bash -c "! grep -q '^Auto-Submitted' '$M'"
check "UTF-8 base64 body" grep -q "^Content-Transfer-Encoding: base64" "$M"
check "no plaintext body on the wire (base64)" bash -c "! grep -q 'checking' '$M'"
body=$(python3 - "$M" <<'PY'
import base64, sys
raw = open(sys.argv[1], 'rb').read()
print(base64.b64decode(raw.split(b'\n\n', 1)[1]).decode())
PY
)
check "body decodes to the reply" grep -q "我们正在核查链上记录" <<<"$body"
check "footer names the code" grep -q "Sealdesk verification code: [A-Z2-7]\{4\}-" <<<"$body"

expect_exit 0 "verify-message accepts the delivered message" -- S --json verify-message --file "$M"
check "verified, recipient masked" test "$(jget '["to"]' <"$WORK/out")" = "a***@desk.test"
check "verified reference" test "$(jget '["reference"]' <"$WORK/out")" = "SD-000001"
code=$(jget '["code"]' <"$WORK/out")
expect_exit 0 "verify-message --code" -- S --json verify-message --code "$code"
check "code: delivered" test "$(jget '["state"]' <"$WORK/out")" = "delivered"
# Online, an agent asks the server (Intake/VerifyMessage, open to the desk's human roles).
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/srv.log" | head -1)
S --json user add --name ag1 --role agent --no-totp >"$WORK/ag.json"
AG_TOKEN=$(jget '["password"]' <"$WORK/ag.json" |
  "$SEALCTL" --server "127.0.0.1:$port" --ca "$C/ca.pem" login --name ag1 --password-stdin)
O() { SEALDESK_TOKEN=$AG_TOKEN "$SEALCTL" --server "127.0.0.1:$port" --ca "$C/ca.pem" "$@"; }
expect_exit 0 "online verify-message --file (an agent, over TLS gRPC)" -- O --json verify-message --file "$M"
check "online: recipient masked" test "$(jget '["to"]' <"$WORK/out")" = "a***@desk.test"
expect_exit 0 "online verify-message --code" -- O --json verify-message --code "$code"
check "online: same reference" test "$(jget '["reference"]' <"$WORK/out")" = "SD-000001"
# One byte of the body changed: rejected.
python3 - "$M" "$WORK/changed.eml" <<'PY'
import sys
raw = bytearray(open(sys.argv[1], 'rb').read())
i = raw.index(b'\n\n') + 2 + 7
raw[i] = ord('A') if raw[i] != ord('A') else ord('B')
open(sys.argv[2], 'wb').write(raw)
PY
expect_exit 1 "verify-message rejects one changed byte" -- S verify-message --file "$WORK/changed.eml"
check "with a reason" grep -q "^NOT_VERIFIED" "$WORK/err"
expect_exit 1 "online: one changed byte rejected" -- O verify-message --file "$WORK/changed.eml"
expect_exit 1 "an unknown code" -- S verify-message --code AAAA-BBBB-CCCC-DDDD
expect_exit 2 "usage: neither --file nor --code" -- S verify-message

tl_has() {
  for _ in $(seq 100); do
    S ticket get "$id" --json | grep -q "\"$1\"" && return 0
    sleep 0.1
  done
  return 1
}
check "timeline: mail_delivered" tl_has mail_delivered

# Resolution: the CSAT survey, Auto-Submitted, in the ticket's language.
expect_exit 0 "resolve" -- S ticket status "$id" --to resolved
check "the CSAT survey arrives" wait_mail 2
M2=$(grep -l "^Auto-Submitted: auto-replied" "$MD"/new/* | head -1)
check "the survey is Auto-Submitted" test -n "$M2"
check "the survey carries the reference" grep -q "^Subject: \[SD-000001\]" "$M2"
expect_exit 0 "the survey verifies too" -- S verify-message --file "$M2"

kill -TERM "$SRV_PID"; wait "$SRV_PID" || true; SRV_PID=""
finish
