#!/usr/bin/env bash
# Cluster (issue 17 item 5 on issue 18's cluster): a shred over gRPC on the leader purges the
# leader's data.mdb at once (the answer says purged); every follower applies the shred from
# the log and purges its own file (the purge needs nothing but the live records: the retry
# thread sees the flag the shred's write set carried). On every node, without a restart, the
# attacker of test_keyops recovers none of the customer's data key and still finds another
# customer's; the nodes keep one audit root.
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/etcd.sh"
. "$(dirname "$0")/nodes.sh"
on_exit 'cluster_cleanup; etcd_cluster_stop'
ATT="$SD_BIN/../tests/shred_attack"
declare -a B

etcd_cluster_start 3
nodes_init
SEC_JSON=$("$SEALCTL" --offline --data "$WORK/seed" --json user add --name sec --role security_admin)
for i in 1 2 3; do rm -rf "$WORK/n$i"; cp -a "$WORK/seed" "$WORK/n$i"; done
nodes_start
L=$(wait_leader 60) || { bad "a leader is elected"; finish; exit 1; }
export SEALDESK_TOKEN=$(login_ops)
# Two customers, each with a data key: the victim and the control.
"$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" ticket create --channel email --subject help \
  --body "tundraphobic request" --customer-uid VIC-1 --customer-name "Vera Tundra" >/dev/null
"$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" ticket create --channel email --subject help \
  --body "ordinary" --customer-uid CTL-1 --customer-name "Carl Control" >/dev/null
R=$(wait_same_root 60) || true
# Which data keys (ids 1..4) the attacker recovers from node I's data.mdb, e.g. "1 2".
found() { for k in 1 2 3 4; do [ "$("$ATT" keys "$WORK/n$1" "$k")" -ge 1 ] && printf '%s ' "$k"; done; true; }
for i in 1 2 3; do
  B[$i]=$(found "$i")
  check "n$i: the attack finds both customers' keys before the shred (${B[$i]})" \
    test "$(echo ${B[$i]} | wc -w)" -ge 2
done
SEC=$("$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" login --name sec \
  --password "$(echo "$SEC_JSON" | jget '["password"]')" \
  --totp "$(python3 "$SD_SOURCE_DIR/tests/integration/totp.py" "$(echo "$SEC_JSON" | jget '["totp_uri"]')")")
expect_exit 0 "shred VIC-1 on the leader n$L" -- "$SD_BIN/sealkey" \
  --server "127.0.0.1:${NPORT[$L]}" --ca "$CERTS/ca.pem" --token "$SEC" --json \
  shred --customer-uid VIC-1 --reason "cluster erasure"
check "the leader's answer says purged" test "$(jget '["purged"]' <"$WORK/out")" = True
for i in 1 2 3; do
  ok_purge=0
  for _ in $(seq 1 600); do
    grep -aq 'ev=store_purge done=yes' "$WORK/n$i.log" && { ok_purge=1; break; }
    sleep 0.1
  done
  check "n$i purged its own data.mdb" test "$ok_purge" = 1
  check "n$i still runs (no restart)" alive "$i"
  A=$(found "$i")
  # Online, key ids are the leader's (replayed by every node): the shred erased exactly one,
  # and the attacker can no longer recover it from any node; the other customer's remains.
  gone=$(comm -23 <(printf '%s\n' ${B[$i]}) <(printf '%s\n' $A) | tr '\n' ' ')
  [ "$i" = 1 ] && GONE1=$gone
  check "n$i: data.mdb unwraps none of the shredded key (before: ${B[$i]}; after: $A)" \
    test "$(echo $gone | wc -w)" = 1 -a "$(echo $A | wc -w)" -ge 1
  check "n$i: the same key is gone as on n1" test "$gone" = "$GONE1"
done
"$SEALCTL" --server "$LIST" --ca "$CERTS/ca.pem" ticket create --channel chat --subject after \
  --body "after the purge" >/dev/null
check "writes replicate after the purges" test -n "$(wait_same_root 60)"
finish
