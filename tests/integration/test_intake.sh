#!/usr/bin/env bash
# Issue 15 Intake service over real TLS gRPC: a user with role intake (created with sealctl,
# logged in like any user) creates tickets idempotently, reads status only for the ticket's
# customer, and may call nothing else; human roles may not call Intake (intake_flow.py, a stock
# grpcio client). sealmailgate delivers a message online: new ticket, duplicate, ignored
# auto-reply, refused message (65), usage (64), server down (75).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
GATE="$SD_BIN/sealmailgate"
bash "$HERE/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
SRV=""
OFF() { "$SEALCTL" --offline --data "$D" "$@"; }
"$SEALCTL" --offline --data "$D" init >/dev/null
OFF --json user add --name intake-gw --role intake --no-totp >"$WORK/gw.json"
OFF --json user add --name wei --role agent --no-totp >"$WORK/wei.json"
OFF --json user list >"$WORK/users.json"
check "intake user has role intake" grep -q '"intake"' "$WORK/users.json"

: >"$WORK/server.log"
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
CA="$WORK/certs/ca.pem"
ON() { "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" "$@"; }
pw() { jget '["password"]' <"$WORK/$1.json"; }
GW=$(ON login --name intake-gw --password "$(pw gw)")
WEI=$(ON login --name wei --password "$(pw wei)")
check "intake identity logs in like a user" test "${#GW}" = 64

SD_INTAKE_TOKEN="$GW" SD_AGENT_TOKEN="$WEI" "$PY" "$HERE/intake_flow.py" "$port" "$CA" "$WORK" \
  >"$WORK/py.out" 2>&1 || true
sed 's/^/    /' "$WORK/py.out"
check "intake_flow.py: all checks passed" grep -q " 0 failed" "$WORK/py.out"

# ---- sealmailgate online ----
G() { "$GATE" --server "127.0.0.1:$port" --ca "$CA" --token "$GW" "$@"; }
printf 'From: Lee <lee@example.com>\r\nTo: support@desk.test\r\nSubject: deposit missing\r\nMessage-ID: <gate-1@example.com>\r\n\r\nMy USDT deposit has not arrived.\r\n' >"$WORK/m1.eml"
expect_exit 0 "sealmailgate delivers a new message" -- G <"$WORK/m1.eml"
check "new ticket reported with its reference" grep -q "new_ticket SD-0000" "$WORK/out"
expect_exit 0 "the same Message-ID again is delivered (duplicate)" -- G <"$WORK/m1.eml"
check "duplicate reported, no second ticket" grep -q "duplicate SD-0000" "$WORK/out"
printf 'From: lee@example.com\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\nMessage-ID: <gate-2@example.com>\r\n\r\naway\r\n' >"$WORK/ooo.eml"
expect_exit 0 "an auto-reply is delivered and ignored" -- G <"$WORK/ooo.eml"
check "auto-reply made no ticket" grep -q "ignored" "$WORK/out"
printf 'To: support@desk.test\r\nSubject: no sender\r\n\r\ntext\r\n' >"$WORK/nofrom.eml"
expect_exit 65 "a message without a sender is refused for good" -- G <"$WORK/nofrom.eml"
check "the reason is on stderr" grep -q "refused" "$WORK/err"
expect_exit 64 "usage error" -- "$GATE" --server "127.0.0.1:$port"
expect_exit 75 "a bad token is a temporary failure (the MTA keeps the mail)" -- \
  "$GATE" --server "127.0.0.1:$port" --ca "$CA" --token "$(printf '0%.0s' $(seq 1 64))" \
  <"$WORK/m1.eml"
n=$(env SEALDESK_TOKEN="$WEI" "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" --json \
  ticket list | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(len(d["tickets"]) if isinstance(d, dict) else len(d))')
check "three tickets in all (intake_flow two, the mail one)" test "$n" = 3

# ---- big mail: a 5 MiB PNG over gRPC (Intake/SubmitMail takes 26 MiB, other methods 1 MiB) ----
"$PY" - "$WORK/big.eml" "$WORK/big.slice" <<'PY'
import os, struct, sys, zlib
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email import encoders
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
noise = os.urandom(5 * 1024 * 1024)
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0)) +
       chunk(b'tEXt', b'Comment\x00BIG-SCREENSHOT-7c1e55aa') + chunk(b'zzPd', noise) +
       chunk(b'IDAT', zlib.compress(b'\x00\xff\x00\x00')) + chunk(b'IEND', b''))
m = MIMEMultipart()
m['From'] = 'Kim <kim@example.com>'
m['To'] = 'support@desk.test'
m['Subject'] = 'withdrawal stuck, full screenshot attached'
m['Message-ID'] = '<gate-big-1@example.com>'
m.attach(MIMEText('Please see the screenshot.', 'plain', 'utf-8'))
p = MIMEBase('image', 'png')
p.set_payload(png)
encoders.encode_base64(p)
p.add_header('Content-Disposition', 'attachment', filename='big.png')
m.attach(p)
open(sys.argv[1], 'wb').write(m.as_bytes())
open(sys.argv[2], 'wb').write(noise[1000000:1000064])
PY
expect_exit 0 "sealmailgate online delivers a mail with a 5 MiB PNG" -- G <"$WORK/big.eml"
check "the big mail is a new ticket" grep -q "new_ticket SD-0000" "$WORK/out"
big=$(sed -n 's/.*new_ticket SD-0*\([0-9]*\).*/\1/p' "$WORK/out" | head -1)
env SEALDESK_TOKEN="$WEI" "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" --json \
  attachment list --ticket "$big" >"$WORK/att.json" 2>&1 || true
check "the 5 MiB attachment is kept" "$PY" -c 'import json,sys
d=json.load(open(sys.argv[1])); a=d["attachments"] if isinstance(d, dict) else d
sys.exit(0 if any(x.get("size", 0) > 5000000 and x.get("state") == "kept" for x in a) else 1)' "$WORK/att.json"
check "its bytes are not in data.mdb (marker)" bash -c "! grep -qa 'BIG-SCREENSHOT-7c1e55aa' '$D/data.mdb'"
check "its bytes are not in data.mdb (64 random bytes)" "$PY" -c 'import sys
sys.exit(1 if open(sys.argv[2], "rb").read() in open(sys.argv[1], "rb").read() else 0)' \
  "$D/data.mdb" "$WORK/big.slice"
check "a 1.5 MiB request to a 1 MiB method is still RESOURCE_EXHAUSTED" "$PY" -c 'import grpc, sys
ch = grpc.secure_channel("127.0.0.1:" + sys.argv[1], grpc.ssl_channel_credentials(open(sys.argv[2], "rb").read()))
f = ch.unary_unary("/sealdesk.v1.Tickets/Get")
try:
    f(b"\x00" * (1536 * 1024), metadata=[("authorization", "Bearer " + sys.argv[3])], timeout=30)
except grpc.RpcError as e:
    sys.exit(0 if e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED else 1)
sys.exit(1)' "$port" "$CA" "$WEI"

kill -TERM "$SRV"; wait "$SRV" || true; SRV=""
expect_exit 75 "server down: EX_TEMPFAIL" -- G <"$WORK/m1.eml"

# ---- attachment limits as config keys, the large-request budget, the gate's own limit ----
restart() {
  : >"$WORK/server.log"
  "$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
    --key "$WORK/certs/server.key" --data "$D" "$@" 2>"$WORK/server.log" &
  SRV=$!
  port=""
  for _ in $(seq 1 600); do # up to 60 s: a sanitized start on a busy CI host
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
}
"$PY" - "$WORK/two.eml" <<'PY'
import os, struct, sys, zlib
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email import encoders
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0)) +
       chunk(b'zzPd', os.urandom(2 * 1024 * 1024)) + chunk(b'IEND', b''))
m = MIMEMultipart()
m['From'] = 'Park <park@example.com>'
m['To'] = 'support@desk.test'
m['Subject'] = 'two MiB screenshot'
m['Message-ID'] = '<gate-two-1@example.com>'
m.attach(MIMEText('See the attachment.', 'plain', 'utf-8'))
p = MIMEBase('image', 'png')
p.set_payload(png)
encoders.encode_base64(p)
p.add_header('Content-Disposition', 'attachment', filename='two.png')
m.attach(p)
open(sys.argv[1], 'wb').write(m.as_bytes())
PY
printf 'attachment-max-file-mb = 1\nattachment-max-message-mb = 1\n' >"$WORK/att.conf"
restart --config "$WORK/att.conf"
check "server started with attachment limits of 1 MiB" test -n "$port"
expect_exit 0 "a 2 MiB attachment over a 1 MiB limit: the mail is still delivered" -- \
  G <"$WORK/two.eml"
check "the ticket is still created" grep -q "new_ticket SD-0000" "$WORK/out"
two=$(sed -n 's/.*new_ticket SD-0*\([0-9]*\).*/\1/p' "$WORK/out" | head -1)
env SEALDESK_TOKEN="$WEI" "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" --json \
  ticket get "$two" >"$WORK/two.json" 2>&1 || true
check "the refusal is on the timeline (attachment_refused)" grep -q 'attachment_refused' "$WORK/two.json"
kill -TERM "$SRV"; wait "$SRV" || true; SRV=""
restart --intake-memory-mb 1
check "server started with intake-memory-mb 1" test -n "$port"
sed 's/gate-two-1/gate-two-2/' "$WORK/two.eml" >"$WORK/two2.eml"
expect_exit 75 "over the large-request budget: RESOURCE_EXHAUSTED is EX_TEMPFAIL (not a bounce)" -- \
  G <"$WORK/two2.eml"
expect_exit 65 "sealmailgate --max-message-mb 1 refuses a 2 MiB message for good" -- \
  G --max-message-mb 1 <"$WORK/two2.eml"
kill -TERM "$SRV"; wait "$SRV" || true; SRV=""
finish
