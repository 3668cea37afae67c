#!/usr/bin/env bash
# Issue 17 item 5, encrypted full-text search over TLS gRPC: `sealctl ticket search` finds a zh,
# an en and a ko ticket by words of their bodies (and a comment), filters by status and
# category, hides from an agent the tickets they may not access, refuses bad input naming the
# field, audits every search, works offline too; and none of the words occurs in data.mdb once
# the server has stopped (the index holds keyed hashes only).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
bash "$HERE/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
SRV=""
OFF() { "$SEALCTL" --offline --data "$D" "$@"; }
OFF init >/dev/null
OFF --json user add --name wei --role agent --no-totp >"$WORK/wei.json"
OFF --json user add --name ag1 --role agent --no-totp >/dev/null
OFF --json user add --name sup --role supervisor >"$WORK/sup.json"

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
code() { "$PY" "$HERE/totp.py" "$(jget '["totp_uri"]' <"$WORK/$1.json")"; }
WEI=$(ON login --name wei --password "$(pw wei)")
SUP=$(ON login --name sup --password "$(pw sup)" --totp "$(code sup)")
AW() { env SEALDESK_TOKEN="$WEI" "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" --json "$@"; }
AS() { env SEALDESK_TOKEN="$SUP" "$SEALCTL" --server "127.0.0.1:$port" --ca "$CA" --json "$@"; }
ids() { "$PY" -c 'import json,sys; print(",".join(str(t["id"]) for t in json.load(sys.stdin)))'; }

# Words found in no knowledge-base article, triage rule or template (so grep means the index).
ZH="翡翠蝴蝶"; EN="zanzibar"; EN2="quokka"; KO="고양이도서관"; CM="platypus"
zh=$(AS ticket create --channel chat --subject "钱包问题" \
  --body "我的${ZH}钱包同步异常 (wallet sync)" --category technical | jget '["id"]')
en=$(AS ticket create --channel email --subject "Odd wallet" --body "The $EN $EN2 wallet froze" \
  --category technical | jget '["id"]')
ko=$(AS ticket create --channel web --subject "문의" --body "${KO}에서 계정이 잠겼습니다" \
  --category account | jget '["id"]')
AS ticket comment "$en" --body "customer mentions a $CM" --internal >/dev/null
# Comment words in zh and ko too, and a customer who will be shredded (words only in their
# ticket and comment).
ZC="鸭嘴兽"; KC="두더지공원"; SW="wombatique"; SC="袋熊饼干"
AS ticket comment "$zh" --body "客户又提到${ZC}" >/dev/null
AS ticket comment "$ko" --body "${KC} 근처에서 접속했다고 합니다" >/dev/null
sh=$(AS ticket create --channel email --subject "Erase me" --body "my $SW savings" \
  --customer-uid SHRED-1 --category technical | jget '["id"]')
AS ticket comment "$sh" --body "回电：${SC}" >/dev/null

expect_exit 0 "search zh by a body word" -- AS ticket search --text "$ZH"
check "zh ticket found" test "$(ids <"$WORK/out")" = "$zh"
check "hit shows the subject" grep -q '"subject": *"钱包问题"' "$WORK/out"
expect_exit 0 "search zh in traditional characters" -- AS ticket search --text "翡翠蝴蝶錢包"
check "zh ticket found by zh-Hant" test "$(ids <"$WORK/out")" = "$zh"
expect_exit 0 "search en by two body words" -- AS ticket search --text "Zanzibar quokka"
check "en ticket found" test "$(ids <"$WORK/out")" = "$en"
expect_exit 0 "search ko by a body word (particle attached in the text)" -- \
  AS ticket search --text "고양이"
check "ko ticket found" test "$(ids <"$WORK/out")" = "$ko"
expect_exit 0 "search a comment word" -- AS ticket search --text "$CM"
check "comment found" test "$(ids <"$WORK/out")" = "$en"
expect_exit 0 "search a zh comment word" -- AS ticket search --text "$ZC"
check "zh comment found" test "$(ids <"$WORK/out")" = "$zh"
expect_exit 0 "search a ko comment word" -- AS ticket search --text "$KC"
check "ko comment found" test "$(ids <"$WORK/out")" = "$ko"
expect_exit 0 "search the customer to be shredded" -- AS ticket search --text "$SW $SC"
check "their ticket found by body and comment words" test "$(ids <"$WORK/out")" = "$sh"
expect_exit 0 "every word must match" -- AS ticket search --text "$EN $ZH"
check "no ticket has both" test "$(ids <"$WORK/out")" = ""
expect_exit 0 "category filter" -- AS ticket search --text "wallet" --category account
check "no account ticket says wallet" test "$(ids <"$WORK/out")" = ""
expect_exit 0 "status filter" -- AS ticket search --text "$EN" --status received
check "received en ticket" test "$(ids <"$WORK/out")" = "$en"

# Access: wei sees queued tickets and their own, never a colleague's.
AS ticket assign "$en" --agent ag1 >/dev/null
AS ticket assign "$zh" --agent wei >/dev/null
expect_exit 0 "agent searches" -- AW ticket search --text "wallet"
check "agent sees only their own wallet ticket" test "$(ids <"$WORK/out")" = "$zh"
expect_exit 0 "supervisor searches" -- AS ticket search --text "wallet"
check "supervisor sees both, newest first" test "$(ids <"$WORK/out")" = "$en,$zh"
expect_exit 0 "agent cannot find a colleague's ticket by its words" -- \
  AW ticket search --text "$EN2"
check "nothing for the agent" test "$(ids <"$WORK/out")" = ""

# Bad input: a clear error naming the field.
expect_exit 1 "only stop words" -- AS ticket search --text "the and"
check "INVALID_ARGUMENT names text" grep -q "^INVALID_ARGUMENT: text:" "$WORK/err"
expect_exit 1 "unknown status" -- AS ticket search --text "$EN" --status nope
expect_exit 2 "no --text is a usage error" -- AS ticket search
expect_exit 1 "limit out of range" -- AS ticket search --text "$EN" --limit 500
expect_exit 0 "help lists the options" -- "$SEALCTL" ticket search --help
check "help names --text" grep -q -- "--text" "$WORK/out"

kill -TERM "$SRV"; wait "$SRV" || true; SRV=""

# Offline too; each search was audited, without the query text.
expect_exit 0 "offline search" -- OFF --json ticket search --text "$KO"
check "offline finds the ko ticket" test "$(ids <"$WORK/out")" = "$ko"
OFF audit export --out "$WORK/audit.log" >/dev/null
check "searches are audited" test "$(grep -c 'ticket.search' "$WORK/audit.log")" -ge 12

# Shredding removes their postings, and the purge leaves no stale copy in data.mdb.
expect_exit 0 "shred the customer" -- \
  "$SD_BIN/sealkey" --data "$D" --json shred --customer-uid SHRED-1 --reason "erasure test"
check "the shred purged data.mdb" test "$(jget '["purged"]' <"$WORK/out")" = True
expect_exit 0 "search a shredded body word" -- OFF --json ticket search --text "$SW"
check "no hit for the shredded customer's body word" test -z "$(ids <"$WORK/out")"
expect_exit 0 "search a shredded comment word" -- OFF --json ticket search --text "$SC"
check "no hit for the shredded customer's comment word" test -z "$(ids <"$WORK/out")"
expect_exit 0 "others are still found" -- OFF --json ticket search --text "$KC"
check "ko comment still found" test "$(ids <"$WORK/out")" = "$ko"

for w in "$ZH" "$EN" "$EN2" "$KO" "$CM" "고양이" "蝴蝶" "$ZC" "$KC" "$SW" "$SC"; do
  check "data.mdb does not hold '$w'" test "$(grep -c "$w" "$D/data.mdb" || true)" = 0
done
check "the audit export does not hold the query words" \
  test "$(grep -c "$EN\|$CM" "$WORK/audit.log" || true)" = 0
finish
