#!/usr/bin/env bash
# Desk features over gRPC: sealctl online `kb search` (Knowledge service) on the starter
# articles that init loads, role checks (agents read, supervisors edit), an article added
# online found by the next search; routing (agent set, skill-aware claim, route auto, duty),
# incidents (auto-link, link, update, resolve), stats --by-agent and --by-day, article
# suggestions on intake, replies with --from-article, one-off shift overrides and the
# server's continuous routing (--route-auto-seconds).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
bash "$(dirname "$0")/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
"$SEALCTL" --offline --data "$D" init >/dev/null
U() { "$SEALCTL" --offline --data "$D" --json user add "$@"; }
rita=$(U --name rita --role agent)
sam=$(U --name sam --role supervisor)
U --name kim --role agent >/dev/null   # tickets go only to enabled agent users (issue 13)
U --name lee --role agent >/dev/null
"$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
  --key "$WORK/certs/server.key" --data "$D" 2>"$WORK/server.log" &
SRV=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
check "server started" test -n "$port"

O() { "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" "$@"; }
# login NAME JSON: prints the session token
login() {
  local uri code=()
  uri=$(echo "$2" | jget '["totp_uri"]')
  [ -n "$uri" ] && code=(--totp "$($PY "$(dirname "$0")/totp.py" "$uri")")
  O login --name "$1" --password "$(echo "$2" | jget '["password"]')" "${code[@]}"
}
RITA=$(login rita "$rita")
SAM=$(login sam "$sam")
check "agent and supervisor logged in" test "${#RITA}${#SAM}" = 6464

expect_exit 0 "agent kb search online" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb search \
  --text "withdrawal pending for hours" --lang en --limit 3
n=$(jget '.__len__()' < "$WORK/out")
check "search returns 1..3 hits" test "$n" -ge 1 -a "$n" -le 3
check "first hit is English with a score and a snippet" test "$(jget \
  '[0]["lang"]+str(d[0]["score"]>0)+str(len(d[0]["snippet"])>0)' < "$WORK/out")" = enTrueTrue
expect_exit 0 "Korean search online" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb search --text "출금이 안 돼요"
check "Korean query prefers a Korean article" test "$(jget '[0]["lang"]' < "$WORK/out")" = ko

expect_exit 1 "agent cannot add an article" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb add --lang en \
  --title "Zyxwv token airdrop" --body "How the zyxwv airdrop is credited."
check "agent add says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 0 "supervisor adds an article" -- env SEALDESK_TOKEN="$SAM" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb add --lang en \
  --title "Zyxwv token airdrop" --body "How the zyxwv airdrop is credited." \
  --category deposit --tags airdrop,zyxwv
aid=$(jget '["id"]' < "$WORK/out")
check "add returns an id" test "$aid" -gt 0
expect_exit 0 "search finds the new article" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb search --text zyxwv
check "new article ranks first" test "$(jget '[0]["id"]' < "$WORK/out")" = "$aid"
expect_exit 0 "supervisor edits it" -- env SEALDESK_TOKEN="$SAM" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb edit "$aid" \
  --body "How and when the zyxwv airdrop is credited."
check "edit bumps the version" test "$(jget '["version"]' < "$WORK/out")" = 2
expect_exit 0 "agent gets version 1" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb get "$aid" --version 1
check "version 1 body kept" test "$(jget '["body"]' < "$WORK/out")" = \
  "How the zyxwv airdrop is credited."
expect_exit 1 "get of a missing article" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" kb get 999999
check "missing article says NOT_FOUND" grep -q "^NOT_FOUND" "$WORK/err"
g=$("$SEALCTL" --offline --data "$D" --json kb search --text zyxwv)
check "offline sees the online article" test "$(echo "$g" | jget '[0]["id"]')" = "$aid"

# Routing online: supervisors set profiles and route; the claim is skill-aware.
RA() { env SEALDESK_TOKEN="$RITA" "$SEALCTL" --server "127.0.0.1:$port" \
  --ca "$WORK/certs/ca.pem" --json "$@"; }
SA() { env SEALDESK_TOKEN="$SAM" "$SEALCTL" --server "127.0.0.1:$port" \
  --ca "$WORK/certs/ca.pem" --json "$@"; }
expect_exit 0 "supervisor sets a Korean withdrawal agent" -- SA agent set --name kim \
  --langs ko --categories withdrawal --shift "Mon-Fri 00:00-24:00 UTC" \
  --shift "Sat,Sun 00:00-24:00 UTC"
check "profile has two shifts" test "$(jget '["shifts"].__len__()' < "$WORK/out")" = 2
expect_exit 0 "supervisor sets an English agent" -- SA agent set --name lee --langs en \
  --shift "Daily 00:00-24:00 UTC"
expect_exit 1 "agent cannot set profiles" -- RA agent set --name rita --langs en
check "agent set says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 1 "bad zone refused" -- SA agent set --name lee --shift "Mon 09:00-18:00 Mars/Base"
check "bad zone is INVALID_ARGUMENT" grep -q "^INVALID_ARGUMENT" "$WORK/err"
kt=$(RA ticket create --channel web --subject "출금 문의" \
  --body "어제 신청한 출금이 아직 안 들어왔어요" --category withdrawal | jget '["id"]')
expect_exit 1 "agent cannot claim for another agent" -- RA queue claim --agent lee
check "claim for another says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED: agent:" "$WORK/err"
expect_exit 1 "English agent does not get the Korean ticket" -- SA queue claim --agent lee
check "claim says queue empty" grep -q "^NOT_FOUND: queue empty" "$WORK/err"
expect_exit 0 "route auto online" -- SA route auto
check "route auto gives the Korean ticket to kim" test \
  "$(jget '["assigned"][0]["agent"]+str(d["assigned"][0]["ticket_id"])' < "$WORK/out")" = "kim$kt"
expect_exit 0 "duty view online" -- SA agent duty
check "duty: kim covers ko/withdrawal" test "$(jget \
  '.__iter__() and [c["agents"] for c in d
                     if c["lang"]=="ko" and c["category"]=="withdrawal"][0]' \
  < "$WORK/out")" = "['kim']"

# Incidents online: supervisors open/update/resolve, agents may link; auto-link on intake.
expect_exit 0 "supervisor opens an incident" -- SA incident open --title "ETH withdrawals delayed" \
  --category withdrawal --match "eth delay,以太坊延遲"
iid=$(jget '["id"]' < "$WORK/out")
t1=$(RA ticket create --channel web --subject "ETH delay" --body "my ETH has not arrived" \
  | jget '["id"]')
t2=$(RA ticket create --channel web --subject "提现" --body "以太坊延迟到账" | jget '["id"]')
t3=$(RA ticket create --channel web --subject "where is my ETH" --body "sent an hour ago" \
  | jget '["id"]')
expect_exit 0 "agent links a ticket" -- RA incident link "$iid" --ticket "$t3"
check "three tickets linked (two automatically)" test "$(jget '["linked"]' < "$WORK/out")" = 3
expect_exit 1 "agent cannot post an incident update" -- RA incident update "$iid" --body "x"
check "agent update says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 0 "supervisor posts an update" -- SA incident update "$iid" --body "Fixed soon."
check "update replied on three tickets" test "$(jget '["replied"]' < "$WORK/out")" = 3
n_reply=$("$SEALCTL" --offline --data "$D" --json ticket get "$t2" | jget \
  '.__getitem__("timeline") and sum(1 for e in d["timeline"] if e.get("body")=="Fixed soon.")')
check "linked ticket has the reply once" test "$n_reply" = 1
expect_exit 0 "supervisor resolves with tickets" -- SA incident resolve "$iid" --resolve-tickets
check "three tickets resolved" \
  test "$(jget '["status"]+str(d["resolved_tickets"])' < "$WORK/out")" = resolved3

# Agent statistics online and offline.
expect_exit 0 "supervisor stats --by-agent" -- SA stats --by-agent
check "kim handled the routed ticket" \
  test "$(jget '[0]["agent"]+str(d[0]["handled"])' < "$WORK/out")" = kim1
cp "$WORK/out" "$WORK/stats_online"
check "offline stats --by-agent equals online" test "$("$SEALCTL" --offline --data "$D" --json \
  stats --by-agent)" = "$(cat "$WORK/stats_online")"
expect_exit 1 "agent cannot read agent stats" -- RA stats --by-agent
check "agent stats says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"

# Suggestions on intake and replies from the knowledge base, online.
expect_exit 0 "Korean ticket created online" -- RA ticket create --channel chat \
  --subject "출금 지연" --body "어제 신청한 출금이 아직도 대기 중이에요"
sid=$(jget '["id"]' < "$WORK/out")
check "create suggests Korean articles" test "$(jget \
  '["lang"]+str(1 <= len(d["suggested_articles"]) <= 3)' < "$WORK/out")" = koTrue
first=$(jget '["suggested_articles"][0]' < "$WORK/out")
check "suggested article is Korean" test "$("$SEALCTL" --offline --data "$D" --json \
  kb get "$first" | jget '["lang"]')" = ko
en_art=$(RA kb search --text "withdrawal pending for hours" --lang en --limit 1 | jget '[0]["id"]')
expect_exit 2 "from-article with a body is a usage error" -- RA ticket comment "$sid" \
  --from-article "$en_art" --body x
expect_exit 0 "agent replies from an English article" -- RA ticket comment "$sid" \
  --from-article "$en_art"
check "reply counts as first response" test "$(jget '["first_response_at"] is not None' \
  < "$WORK/out")" = True
tl=$("$SEALCTL" --offline --data "$D" --json ticket get "$sid")
check "timeline records the suggestion" test "$(echo "$tl" | jget \
  '.__getitem__("timeline") and [e["kind"] for e in d["timeline"]].count("suggested")')" = 1
posted=$(echo "$tl" | jget '.__getitem__("timeline") and d["timeline"][-1]["detail"]')
ko_art=${posted#public article=}
check "the Korean translation was posted" test "$("$SEALCTL" --offline --data "$D" --json \
  kb get "$ko_art" | jget '["lang"]+str(d["uses"])')" = ko1
expect_exit 1 "reply from a missing article" -- RA ticket comment "$sid" --from-article 999999
check "missing article says NOT_FOUND" grep -q "^NOT_FOUND" "$WORK/err"

# One-off shift override online: lee is on leave now.
from=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
to=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 "supervisor puts lee on leave" -- SA agent override --name lee --from "$from" \
  --to "$to" --off
check "lee is off shift with one override" test "$(jget \
  '["on_shift"].__str__()+str(len(d["overrides"]))' < "$WORK/out")" = False1
expect_exit 1 "agent cannot set overrides" -- RA agent override --name lee --from "$from" \
  --to "$to" --on
check "agent override says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 1 "reversed override refused" -- SA agent override --name lee --from "$to" \
  --to "$from" --on
check "reversed override is INVALID_ARGUMENT" grep -q "^INVALID_ARGUMENT" "$WORK/err"
expect_exit 0 "agent set keeps the override" -- SA agent set --name lee --langs en,zh \
  --shift "Daily 00:00-24:00 UTC"
check "override kept, still off" test "$(jget \
  '["on_shift"].__str__()+str(len(d["overrides"]))' < "$WORK/out")" = False1

# Daily intake online and offline.
expect_exit 0 "supervisor stats --by-day" -- SA stats --by-day
check "one day with every ticket" test "$(jget \
  '.__len__().__str__()+str(d[0]["total"]==sum(d[0]["by_channel"].values()))' < "$WORK/out")" = 1True
check "offline stats --by-day equals online" test "$("$SEALCTL" --offline --data "$D" --json \
  stats --by-day)" = "$(cat "$WORK/out")"
expect_exit 0 "stats --by-day as a table" -- env SEALDESK_TOKEN="$SAM" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" stats --by-day
check "table has a header and one row" test "$(head -1 "$WORK/out" | awk '{print $1, $2}')/$(wc -l < "$WORK/out")" = "day total/2"

kill -TERM "$SRV"
rc=0
wait "$SRV" || rc=$?
check "SIGTERM exits 0" test "$rc" = 0

# Continuous routing: a server started with --route-auto-seconds 1 assigns a new Korean
# withdrawal ticket to kim (on shift all week) without anyone running `route auto`.
: > "$WORK/server2.log"
"$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
  --key "$WORK/certs/server.key" --data "$D" --route-auto-seconds 1 2>"$WORK/server2.log" &
SRV=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server2.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
check "server with continuous routing started" test -n "$port"
rt=$(RA ticket create --channel web --subject "출금 문의" --body "출금이 아직 안 들어왔어요" \
  --category withdrawal | jget '["id"]')
who=""
for _ in $(seq 1 50); do
  who=$("$SEALCTL" --offline --data "$D" --json ticket get "$rt" | jget '["assignee"]')
  [ "$who" = kim ] && break
  sleep 0.2
done
check "continuous routing assigned the ticket to kim" test "$who" = kim
kill -TERM "$SRV"
rc=0
wait "$SRV" || rc=$?
check "SIGTERM exits 0 (continuous routing stops)" test "$rc" = 0
check "routing pass logged" grep -Eq "ev=route_auto assigned=[1-9][0-9]* fallback=[0-9]+$" "$WORK/server2.log"
check "routing log names no ticket and no agent" \
  test -z "$(grep ev=route_auto "$WORK/server2.log" | grep -e "id=" -e kim)"
finish
