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
cora=$(U --name cora --role compliance)
U --name kim --role agent >/dev/null   # tickets go only to enabled agent users (issue 13)
U --name lee --role agent >/dev/null
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
CORA=$(login cora "$cora")
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
expect_exit 0 "unanswerable question online" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" kb search \
  --text "what's the weather like in singapore tomorrow"
check "no article fits: no rows" test ! -s "$WORK/out"
expect_exit 0 "typo and network spelling online" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb search \
  --text "usdt TRC-20 dposit not showing" --lang en
check "typo query finds the deposit article" test "$(jget '[0]["title"]' < "$WORK/out")" = \
  "My crypto deposit has not arrived"

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
# An article's "ask" lines (how customers ask for it) from the command line, online and offline.
expect_exit 0 "supervisor adds an article with asks" -- env SEALDESK_TOKEN="$SAM" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb add --lang en \
  --title "Staking reward timing" --body "Staking rewards are paid every Monday." \
  --ask "my plovnik payout is late" --ask "where is my plovnik reward"
sid=$(jget '["id"]' < "$WORK/out")
g=$("$SEALCTL" --offline --data "$D" --json kb search --text "plovnik payout late" --lang en)
check "an ask-only word finds it" test "$(echo "$g" | jget '[0]["id"]')" = "$sid"
expect_exit 1 "an empty --ask is refused" -- env SEALDESK_TOKEN="$SAM" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" kb edit "$sid" --ask " "
check "the refusal names --ask" grep -q -- "--ask:" "$WORK/err"
expect_exit 0 "offline edit replaces the asks" -- "$SEALCTL" --offline --data "$D" --json \
  kb edit "$sid" --ask "my grumbeltax never arrived"
check "the edit made version 2" test "$(jget '["version"]' < "$WORK/out")" = 2
g=$("$SEALCTL" --offline --data "$D" --json kb search --text "my grumbeltax never arrived" \
  --lang en)
check "the new ask finds it" test "$(echo "$g" | jget '[0]["id"]')" = "$sid"
g=$("$SEALCTL" --offline --data "$D" --json kb search --text "plovnik" --lang en)
check "the old ask is gone" test "$(echo "$g" | jget '[0]["id"] if d else 0')" != "$sid"
expect_exit 1 "--no-asks with --ask is refused" -- "$SEALCTL" --offline --data "$D" \
  kb edit "$sid" --no-asks --ask "x"
check "the refusal names --no-asks" grep -q -- "--no-asks:" "$WORK/err"
expect_exit 0 "online edit removes every ask" -- env SEALDESK_TOKEN="$SAM" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json kb edit "$sid" --no-asks
check "the edit made version 3" test "$(jget '["version"]' < "$WORK/out")" = 3
g=$("$SEALCTL" --offline --data "$D" --json kb search --text "grumbeltax" --lang en)
check "the removed ask no longer finds it" \
  test "$(echo "$g" | jget '[0]["id"] if d else 0')" != "$sid"

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
check "bad zone is INVALID_ARGUMENT naming the zone" grep -q \
  '^INVALID_ARGUMENT: agent: shift: window 1: unknown time zone "Mars/Base"' "$WORK/err"
expect_exit 1 "bad language refused" -- SA agent set --name lee --langs en,xx
check "bad language names langs" grep -q "^INVALID_ARGUMENT: agent: langs:" "$WORK/err"
expect_exit 1 "bad days refused" -- SA agent set --name lee --shift "Mon-Fry 09:00-18:00 UTC"
check "bad days names the window and the days" grep -q \
  '^INVALID_ARGUMENT: agent: shift: window 1: bad days "Mon-Fry"' "$WORK/err"
expect_exit 0 "a London shift (daylight saving time) is accepted" -- SA agent set --name lon \
  --langs en --shift "Mon-Fri 09:00-17:00 Europe/London"
check "London shift kept as given" test "$(jget '["shifts"][0]' < "$WORK/out")" = \
  "Mon,Tue,Wed,Thu,Fri 09:00-17:00 Europe/London"
expect_exit 0 "lon is on shift on a BST Monday at 08:30Z" -- SA agent list \
  --now 2026-03-30T08:30:00Z
check "London shift follows BST" test "$(jget \
  '.__iter__() and [a["on_shift"] for a in d if a["name"]=="lon"][0]' < "$WORK/out")" = True
expect_exit 0 "lon is off shift on a GMT Friday at 08:30Z" -- SA agent list \
  --now 2026-03-27T08:30:00Z
check "London shift before BST" test "$(jget \
  '.__iter__() and [a["on_shift"] for a in d if a["name"]=="lon"][0]' < "$WORK/out")" = False
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

# Incidents online: supervisors open/update/resolve, agents may link, confirm and unlink;
# auto-links on intake are whole-word, of the incident's category, and only suggested: no
# public reply until an agent confirms. Every link change is on the ticket's timeline.
expect_exit 0 "supervisor opens an incident" -- SA incident open --title "ETH withdrawals delayed" \
  --category withdrawal --match "eth,以太坊延遲"
iid=$(jget '["id"]' < "$WORK/out")
t1=$(RA ticket create --channel web --subject "ETH delay" --body "my ETH has not arrived" \
  --category withdrawal | jget '["id"]')
t2=$(RA ticket create --channel web --subject "提现" --body "以太坊延迟到账" --category withdrawal \
  | jget '["id"]')
t3=$(RA ticket create --channel web --subject "where is my coin" --body "sent an hour ago" \
  --category withdrawal | jget '["id"]')
tw=$(RA ticket create --channel web --subject "Something is off" \
  --body "Whether my withdrawal went through I cannot tell" --category withdrawal | jget '["id"]')
td=$(RA ticket create --channel web --subject "ETH deposit" --body "my ETH deposit is missing" \
  --category deposit | jget '["id"]')
expect_exit 0 "agent gets the incident" -- RA incident get "$iid"
check "two suggested links: not inside words, not another category" test "$(jget \
  '["linked"].__str__()+str(d["suggested"])+str(sorted(l["ticket"] for l in d["links"]))' \
  < "$WORK/out")" = "22[$t1, $t2]"
check "links are suggested" test "$(jget '["links"][0]["state"]' < "$WORK/out")" = suggested
expect_exit 0 "supervisor posts an update before confirmation" -- SA incident update "$iid" \
  --body "node resync 60% done"
check "no reply on suggested links" test "$(jget '["replied"]' < "$WORK/out")" = 0
expect_exit 0 "agent links a ticket" -- RA incident link "$iid" --ticket "$t3"
check "three tickets linked" test "$(jget '["linked"]' < "$WORK/out")" = 3
expect_exit 0 "agent confirms a suggested link" -- RA incident confirm "$iid" --ticket "$t1"
check "one suggestion left" test "$(jget '["suggested"]' < "$WORK/out")" = 1
expect_exit 1 "confirming twice" -- RA incident confirm "$iid" --ticket "$t1"
check "second confirm says ALREADY_EXISTS" grep -q "^ALREADY_EXISTS" "$WORK/err"
expect_exit 0 "agent unlinks the wrong match" -- RA incident unlink "$iid" --ticket "$t2"
check "two links left, none suggested" test \
  "$(jget '["linked"].__str__()+str(d["suggested"])' < "$WORK/out")" = 20
tl=$("$SEALCTL" --offline --data "$D" --json ticket get "$t2")
check "timeline shows the suggestion and the unlink" test "$(echo "$tl" | jget \
  '.__getitem__("timeline") and [e["detail"] for e in d["timeline"] if e["kind"]=="incident"]')" \
  = "['link incident=$iid suggested', 'unlink incident=$iid']"
expect_exit 1 "agent cannot post an incident update" -- RA incident update "$iid" --body "x"
check "agent update says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 0 "supervisor posts an update" -- SA incident update "$iid" --body "Fixed soon."
check "update replied on the two confirmed tickets" test "$(jget '["replied"]' < "$WORK/out")" = 2
n_reply=$("$SEALCTL" --offline --data "$D" --json ticket get "$t1" | jget \
  '.__getitem__("timeline") and sum(1 for e in d["timeline"] if e.get("body")=="Fixed soon.")')
check "linked ticket has the reply once" test "$n_reply" = 1
for t in "$t2" "$tw" "$td"; do
  n_reply=$("$SEALCTL" --offline --data "$D" --json ticket get "$t" | jget \
    '.__getitem__("timeline") and sum(1 for e in d["timeline"] if e.get("has_body")
                                      and not e.get("internal"))')
  check "ticket $t got no public reply" test "$n_reply" = 0
done
expect_exit 0 "supervisor resolves with tickets" -- SA incident resolve "$iid" --resolve-tickets
check "two tickets resolved" \
  test "$(jget '["status"]+str(d["resolved_tickets"])' < "$WORK/out")" = resolved2
expect_exit 0 "incident list online" -- RA incident list
check "list shows the resolved incident" test \
  "$(jget '[0]["id"].__str__()+d[0]["status"]' < "$WORK/out")" = "${iid}resolved"
expect_exit 0 "incident list --status open is empty" -- RA incident list --status open
check "no open incident" test "$(jget '.__len__()' < "$WORK/out")" = 0
expect_exit 0 "incident list as a table" -- env SEALDESK_TOKEN="$RITA" "$SEALCTL" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" incident list
check "table header names the columns" grep -q "^id *status *category" "$WORK/out"
check "offline incident get equals online" test "$("$SEALCTL" --offline --data "$D" --json \
  incident get "$iid")" = "$(RA incident get "$iid")"
expect_exit 1 "get of a missing incident" -- RA incident get 999
check "missing incident says NOT_FOUND" grep -q "^NOT_FOUND" "$WORK/err"
expect_exit 2 "list with a bad status is a usage error" -- RA incident list --status maybe

# Audit search and pubkey online (compliance), and compliance's internal notes.
CA() { env SEALDESK_TOKEN="$CORA" "$SEALCTL" --server "127.0.0.1:$port" \
  --ca "$WORK/certs/ca.pem" "$@"; }
expect_exit 0 "compliance adds an internal note" -- CA --json ticket comment "$t1" \
  --body "KYC review pending" --internal
expect_exit 1 "compliance cannot post a public reply" -- CA ticket comment "$t1" --body "hello"
check "public reply says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 0 "compliance searches the audit log by ticket" -- CA --json audit search \
  --ticket "$t2"
check "ticket search finds the create, the autolink, the unlink and two reads" test "$(jget \
  '["entries"].__iter__() and [e["action"] for e in d["entries"]]' < "$WORK/out")" = \
  "['ticket.create', 'incident.autolink', 'incident.unlink', 'ticket.read', 'ticket.read']"
check "json times are RFC 3339 UTC" grep -Eq '"time": ?"[0-9-]{10}T[0-9:]{8}Z"' "$WORK/out"
expect_exit 0 "compliance searches by actor and kind" -- CA --json audit search --actor rita \
  --kind incident.confirm
check "rita confirmed one link" test "$(jget '["entries"].__len__()' < "$WORK/out")" = 1
expect_exit 0 "search pages" -- CA --json audit search --kind ticket --limit 2
check "a page of two with more" test "$(jget '["entries"].__len__().__str__()+str(d["more"])' \
  < "$WORK/out")" = 2True
nxt=$(jget '["next"]' < "$WORK/out")
expect_exit 0 "next page" -- CA --json audit search --kind ticket --limit 2 --from "$nxt"
check "next page starts after the first" test "$(jget '["entries"][0]["index"]' < "$WORK/out")" \
  -ge "$nxt"
expect_exit 0 "search as a table in local time" -- env TZ=Asia/Seoul SEALDESK_TOKEN="$CORA" \
  "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" audit search --actor rita \
  --kind incident.confirm
check "table shows local time with the zone" grep -Eq " \+0900 KST +rita +incident.confirm" \
  "$WORK/out"
expect_exit 1 "bad --since names the option" -- CA audit search --since yesterday
check "bad since says INVALID_ARGUMENT: --since" grep -q "^INVALID_ARGUMENT: --since" "$WORK/err"
expect_exit 1 "agent cannot search the audit log" -- RA audit search --ticket "$t1"
check "agent search says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
n_search=$("$SEALCTL" --offline --data "$D" --json audit search --kind audit.search --actor cora \
  | jget '["entries"].__len__()')
check "each online search is audited (offline search sees five)" test "$n_search" = 5
expect_exit 0 "audit pubkey online" -- CA --json audit pubkey
check "online pubkey equals offline" test "$(jget '["public_key"]' < "$WORK/out")" = \
  "$("$SEALCTL" --offline --data "$D" --json audit pubkey | jget '["public_key"]')"
expect_exit 0 "audit pubkey online, text" -- CA audit pubkey
check "text pubkey is 64 hex digits" grep -Eq "^[0-9a-f]{64}$" "$WORK/out"

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
for _ in $(seq 1 600); do # up to 60 s: a sanitized start on a busy CI host
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
