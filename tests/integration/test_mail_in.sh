#!/usr/bin/env bash
# Inbound mail (issue 15 "Done means") through a REAL Postfix from Debian, run privately on
# loopback (postfix.sh): support@desk.test is a pipe(8) transport running `sealmailgate
# --server ... --token ...` as nobody. A zh GBK mail with a PNG screenshot sent through smtpd
# becomes a ticket with the right customer, language zh and an attachment whose bytes are not
# in data.mdb in plaintext; the acknowledgement (with the reference) reaches the customer's
# Maildir; an agent's public reply arrives with the reference and a verification code that
# `sealctl verify-message` accepts; the customer's reply (In-Reply-To) lands on the same
# ticket; an auto-reply makes no ticket and gets no acknowledgement.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/postfix.sh"
pf_skip_unless_root
PY=/usr/bin/python3
DAEMON="$SD_BIN/sealdeskd"
GATE="$SD_BIN/sealmailgate"
C="$WORK/certs"
D="$WORK/data"
PF="$WORK/postfix"
MD="$WORK/Maildir"
SRV_PID=""
on_exit 'pf_stop "$PF"' # sealdeskd, a job, is killed by lib.sh
chmod 755 "$WORK"
S() { "$SEALCTL" --offline --data "$D" "$@"; }

pf_start "$PF" "$MD"
SMTP_PORT=$PF_PORT
ok "private postfix listens on 127.0.0.1:$SMTP_PORT"
bash "$HERE/gen_certs.sh" "$C" >/dev/null
chmod 644 "$C/ca.pem"
S init >/dev/null
S --json user add --name intake-gw --role intake --no-totp >"$WORK/gw.json"

cat > "$WORK/sealdeskd.conf" <<CONF
smtp = 127.0.0.1:$SMTP_PORT
mail_from = support@desk.test
smtp_tls = opportunistic
CONF
"$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" --listen 127.0.0.1:0 \
  --config "$WORK/sealdeskd.conf" 2>"$WORK/srv.log" &
SRV_PID=$!
port=""
for _ in $(seq 600); do # up to 60 s: a sanitized start on a busy CI host
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/srv.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
check "sealdeskd starts with the mail sender" test -n "$port"
TOKEN=$(jget '["password"]' <"$WORK/gw.json" |
  "$SEALCTL" --server "127.0.0.1:$port" --ca "$C/ca.pem" login --name intake-gw --password-stdin)
check "the intake identity has a token" test "${#TOKEN}" = 64

# support@desk.test -> pipe(8) -> sealmailgate (one recipient per delivery, as nobody).
cat >> "$PF/conf/master.cf" <<CF
sealdesk  unix  -       n       n       -       -       pipe
  flags=Rq user=nobody argv=$GATE --server 127.0.0.1:$port --ca $C/ca.pem --token $TOKEN
CF
printf 'support@desk.test sealdesk:\n' >"$PF/conf/transport"
postmap -c "$PF/conf" "$PF/conf/transport"
postconf -c "$PF/conf" -e "transport_maps = hash:$PF/conf/transport" \
  "sealdesk_destination_recipient_limit = 1" "local_recipient_maps ="
check "postfix reloads with the sealdesk transport" pf_reload "$PF"

# send FILE: one message through Postfix's smtpd (a real SMTP session).
send() {
  "$PY" - "$SMTP_PORT" "$1" <<'PY'
import smtplib, sys
raw = open(sys.argv[2], 'rb').read()
with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=20) as s:
    s.sendmail('alice@desk.test', ['support@desk.test'], raw)
PY
}
# A zh GBK message with a PNG screenshot (the marker is inside the image bytes).
"$PY" - "$WORK/zh.eml" <<'PY'
import base64, struct, sys, zlib
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email import encoders
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0)) +
       chunk(b'tEXt', b'Comment\x00SCREENSHOT-MARKER-9d2f41c7') +
       chunk(b'IDAT', zlib.compress(b'\x00\xff\x00\x00')) + chunk(b'IEND', b''))
m = MIMEMultipart()
m['From'] = '%s <alice@desk.test>' % Header('王小明', 'gbk').encode()
m['To'] = 'support@desk.test'
m['Subject'] = Header('提现一直在审核中，请帮忙查看', 'gbk').encode()
m['Message-ID'] = '<zh-gbk-1@mail.desk.test>'
m.attach(MIMEText('您好，我的 0.35 ETH 提现已经审核了二十个小时，请帮忙查看。截图见附件。', 'plain', 'gbk'))
p = MIMEBase('image', 'png')
p.set_payload(png)
encoders.encode_base64(p)
p.add_header('Content-Disposition', 'attachment', filename='screenshot.png')
m.attach(p)
open(sys.argv[1], 'wb').write(m.as_bytes())
PY
send "$WORK/zh.eml"
ok "zh GBK mail with a PNG sent through smtpd"

wait_ticket() {
  for _ in $(seq 300); do
    S ticket get "$1" --json >"$WORK/t.json" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
check "the mail became ticket 1" wait_ticket 1
check "language zh" test "$(jget '["lang"]' <"$WORK/t.json")" = zh
check "channel email" test "$(jget '["channel"]' <"$WORK/t.json")" = email
S ticket get 1 --unmask --reason "mail test" --json >"$WORK/tu.json"
check "the customer is the sender" grep -q '"alice@desk.test"' "$WORK/tu.json"
check "the subject was decoded from GBK" grep -q "提现一直在审核中" "$WORK/tu.json"
check "an attachment kept (timeline)" grep -q '"attachment"' "$WORK/t.json"
check "screenshot bytes never in plaintext in data.mdb" \
  bash -c "! grep -qa 'SCREENSHOT-MARKER-9d2f41c7' '$D/data.mdb'"

wait_mail() {
  for _ in $(seq 300); do
    [ "$(find "$MD/new" -type f 2>/dev/null | wc -l)" -ge "$1" ] && return 0
    sleep 0.1
  done
  return 1
}
check "the acknowledgement arrives in the customer's mailbox" wait_mail 1
ACK=$(find "$MD/new" -type f | head -1)
check "the acknowledgement carries the reference" grep -q "^Subject: \[SD-000001\]" "$ACK"
check "the acknowledgement is Auto-Submitted" grep -q "^Auto-Submitted: auto-replied" "$ACK"
subj=$("$PY" -c 'import email, email.header, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(str(email.header.make_header(email.header.decode_header(m["Subject"]))))' "$ACK")
check "the acknowledgement is in Chinese (the ticket's language)" grep -q "我们已收到您的问题" <<<"$subj"

expect_exit 0 "agent's public reply" -- S ticket comment 1 --body "我们正在核查链上记录"
check "the reply arrives" wait_mail 2
R=$(grep -L "^Auto-Submitted" "$MD"/new/* | head -1)
check "the reply carries the reference" grep -q "^Subject: Re: \[SD-000001\]" "$R"
expect_exit 0 "sealctl verify-message accepts the reply" -- S --json verify-message --file "$R"
check "verified reference" test "$(jget '["reference"]' <"$WORK/out")" = "SD-000001"
MSGID=$(sed -n 's/^Message-ID: \(<[^>]*>\).*/\1/p' "$R" | head -1)
check "the reply has the desk's Message-ID" test -n "$MSGID"

# The customer answers: In-Reply-To, no reference in the subject.
printf 'From: alice@desk.test\r\nTo: support@desk.test\r\nSubject: Re: thanks\r\nMessage-ID: <zh-reply-2@mail.desk.test>\r\nIn-Reply-To: %s\r\nReferences: %s\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n交易哈希是 0xabc123\r\n' \
  "$MSGID" "$MSGID" >"$WORK/reply.eml"
send "$WORK/reply.eml"
cm() {
  for _ in $(seq 300); do
    [ "$(S ticket get 1 --json | grep -o '"customer_message"' | wc -l)" -ge 1 ] && return 0
    sleep 0.1
  done
  return 1
}
check "the customer's reply lands on the same ticket" cm
check "still one ticket" bash -c "! '$SEALCTL' --offline --data '$D' ticket get 2 >/dev/null 2>&1"

# An auto-reply: no ticket, no acknowledgement.
printf 'From: alice@desk.test\r\nTo: support@desk.test\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <ooo-3@mail.desk.test>\r\n\r\nI am away.\r\n' >"$WORK/ooo.eml"
send "$WORK/ooo.eml"
piped() {
  for _ in $(seq 300); do
    [ "$(grep -c 'relay=sealdesk.*status=sent' "$PF/maillog" 2>/dev/null)" -ge 3 ] && return 0
    sleep 0.1
  done
  return 1
}
check "three deliveries through the pipe transport" piped
sleep 1
check "the auto-reply made no ticket" bash -c "! '$SEALCTL' --offline --data '$D' ticket get 2 >/dev/null 2>&1"
check "no acknowledgement to the auto-reply (still 2 messages)" \
  test "$(find "$MD/new" -type f | wc -l)" -eq 2

kill -TERM "$SRV_PID"; wait "$SRV_PID" || true; SRV_PID=""
finish
