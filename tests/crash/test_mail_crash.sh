#!/usr/bin/env bash
# Outbox crash safety (issue 15): N public replies are queued, sealdeskd delivers them through
# a real private Postfix (tests/integration/postfix.sh) and is killed with SIGKILL during the
# delivery, then restarted on the same data dir, MAIL_CRASH_KILLS times. At the end every
# message is in the mailbox: N distinct Message-IDs, and any duplicate carries the SAME
# Message-ID (at-least-once with a fixed Message-ID, the outbox's guarantee), and every file
# verifies with `sealctl verify-message`.
. "$(dirname "$0")/../integration/lib.sh"
HERE=$(cd "$(dirname "$0")/../integration" && pwd)
. "$HERE/postfix.sh"
pf_skip_unless_root
N=${MAIL_CRASH_N:-40}
KILLS=${MAIL_CRASH_KILLS:-3}
DAEMON="$SD_BIN/sealdeskd"
D="$WORK/data"
PF="$WORK/postfix"
MD="$WORK/Maildir"
SRV=""
on_exit 'pf_stop "$PF"' # sealdeskd, a job, is killed by lib.sh
chmod 755 "$WORK"
S() { "$SEALCTL" --offline --data "$D" "$@"; }
pf_start "$PF" "$MD"
SMTP_PORT=$PF_PORT
bash "$HERE/gen_certs.sh" "$WORK/certs" >/dev/null
S init >/dev/null
id=$(S ticket create --channel email --subject "crash" --body "b" \
     --customer-email alice@desk.test --json | jget '["id"]')
for i in $(seq "$N"); do S ticket comment "$id" --body "reply $i" >/dev/null; done
ok "$N replies queued"

start() {
  "$DAEMON" --data "$D" --cert "$WORK/certs/server.pem" --key "$WORK/certs/server.key" \
    --listen 127.0.0.1:0 --smtp "127.0.0.1:$SMTP_PORT" --mail-from support@desk.test \
    2>>"$WORK/srv.log" &
  SRV=$!
}
ids() { grep -h "^Message-ID:" "$MD"/new/* 2>/dev/null | sort -u | wc -l; }
files() { find "$MD/new" -type f 2>/dev/null | wc -l; }
for k in $(seq "$KILLS"); do
  start
  want=$(( (k * N) / (KILLS + 1) ))
  for _ in $(seq 600); do [ "$(files)" -ge "$want" ] && break; sleep 0.02; done
  kill -9 "$SRV"; wait "$SRV" 2>/dev/null || true; SRV=""
  ok "kill $k during delivery ($(files) files, $(ids) ids so far)"
done
start
for _ in $(seq 600); do [ "$(ids)" -ge "$N" ] && break; sleep 0.1; done
sleep 1 # let a message in flight land before counting
check "every queued message delivered: $N distinct Message-IDs" test "$(ids)" -eq "$N"
dups=$(( $(files) - $(ids) ))
echo "# files=$(files) distinct=$(ids) duplicates=$dups (same Message-ID)"
# Each Message-ID always names the same message: all copies identical past the Received lines.
same=1
for m in $(grep -h "^Message-ID:" "$MD"/new/* | sort | uniq -d | awk '{print $2}'); do
  n=$(grep -l "^Message-ID: $m" "$MD"/new/* | xargs -I{} sh -c "sed -n '/^Date:/,\$p' {} | md5sum" | sort -u | wc -l)
  [ "$n" -eq 1 ] || same=0
done
check "a duplicate is the same message with the same Message-ID" test "$same" -eq 1
bad_v=0
for f in "$MD"/new/*; do S verify-message --file "$f" >/dev/null 2>&1 || bad_v=$((bad_v + 1)); done
check "every delivered file verifies" test "$bad_v" -eq 0
kill -TERM "$SRV"; wait "$SRV" 2>/dev/null || true; SRV=""
finish
