#!/usr/bin/env bash
# Cluster (issue 18): sealmailgate follows the leader like every client. 3 etcd members + 3
# sealdeskd nodes on loopback; sealmailgate --server lists a follower first: the follower
# answers SubmitMail with UNAVAILABLE naming the leader, the gate retries there, and the mail
# becomes exactly one ticket, present once on every node. A list with a dead endpoint first
# moves past it; delivering the same mail again is a DUPLICATE (SubmitMail is idempotent by
# Message-ID), still one ticket everywhere.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
on_exit 'cluster_cleanup; etcd_cluster_stop'
GATE="$SD_BIN/sealmailgate"

etcd_cluster_start 3
nodes_init
# An intake identity in the seed every node starts from.
"$SEALCTL" --offline --data "$WORK/seed" --json user add --name intake-gw --role intake \
  --no-totp >"$WORK/gw.json"
for i in 1 2 3; do rm -rf "$WORK/n$i"; cp -a "$WORK/seed" "$WORK/n$i"; done
nodes_start
L=$(wait_leader 60) || { bad "a leader is elected"; tail -5 "$WORK"/n*.log >&2; finish; exit 1; }
ok "node n$L leads"
F=$(( L % 3 + 1 ))
OPS=$(login_ops)
GW=$(jget '["password"]' <"$WORK/gw.json" | "$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" \
  login --name intake-gw --password-stdin)
check "the intake identity logs in through the node list" test "${#GW}" = 64

cat >"$WORK/mail.eml" <<'MAIL'
From: Customer <customer@example.org>
To: support@desk.test
Subject: withdrawal stuck
Message-ID: <cluster-mailgate-1@example.org>
Date: Thu, 03 Dec 2026 12:00:00 +0000
Content-Type: text/plain; charset=utf-8

My withdrawal has been pending for two hours.
MAIL

FOLLOWER_FIRST="127.0.0.1:${NPORT[$F]},$LIST"
expect_exit 75 "one follower alone refuses the mail for now (75: the MTA keeps it)" -- \
  "$GATE" --server "127.0.0.1:${NPORT[$F]}" --ca "$CERTS/ca.pem" --token "$GW" <"$WORK/mail.eml"
check "... saying UNAVAILABLE names the leader" grep -q "leader=n$L" "$WORK/err"
expect_exit 0 "sealmailgate with a follower first in --server delivers through the leader" -- \
  "$GATE" --server "$FOLLOWER_FIRST" --ca "$CERTS/ca.pem" --token "$GW" <"$WORK/mail.eml"
check "... as a new ticket" grep -q "sealmailgate: new_ticket" "$WORK/out"

DEAD=$(free_ports 1)
expect_exit 0 "SEALDESK_SERVER with a dead endpoint first moves past it (same mail)" -- \
  env SEALDESK_SERVER="127.0.0.1:$DEAD,127.0.0.1:${NPORT[$F]},$LIST" "$GATE" \
  --ca "$CERTS/ca.pem" --token "$GW" <"$WORK/mail.eml"
check "... and it is a duplicate, not a second ticket" grep -q "sealmailgate: duplicate" "$WORK/out"
expect_exit 64 "a bad list is a usage error naming --server" -- "$GATE" \
  --server "127.0.0.1:${NPORT[$F]},," --ca "$CERTS/ca.pem" --token "$GW" <"$WORK/mail.eml"
check "... (--server: empty endpoint)" grep -q -- "--server: empty endpoint" "$WORK/err"

wait_same_root 60 >/dev/null && ok "every node has the same audit root" || bad "same root"
for i in 1 2 3; do
  SEALDESK_TOKEN=$OPS "$SEALCTL" --server "127.0.0.1:${NPORT[$i]}" --ca "$CERTS/ca.pem" --json \
    ticket list >"$WORK/list.$i" 2>"$WORK/list.$i.err"
  n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["tickets"]) if isinstance(d, dict) else len(d))' "$WORK/list.$i" 2>/dev/null || echo "?")
  check "node n$i has the mail exactly once ($n ticket)" test "$n" = 1
done
finish
