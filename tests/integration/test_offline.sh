#!/usr/bin/env bash
# End-to-end `sealctl --offline`: the issue's interface, exit codes, 64 concurrent claims never
# handing out a ticket twice, no plaintext PII in data.mdb, and a flipped ciphertext bit
# failing `ticket get` with a clear error.
. "$(dirname "$0")/lib.sh"
D="$WORK/data"
S() { "$SEALCTL" --offline --data "$D" "$@"; }

expect_exit 0 "init" -- S init --json
check "master key is 0600" test "$(stat -c %a "$D/master.key")" = 600
expect_exit 1 "second init refused" -- S init
expect_exit 2 "usage error" -- S ticket create --channel chat
expect_exit 2 "unknown option" -- S ticket list --bogus
# --help is built from the command table: every command's synopsis is listed
expect_exit 0 "help" -- "$SEALCTL" --help
for c in "ticket set ID" "ticket search --text T" "triage --text T [--vip] [--explain]" \
         "kb search --text T" "incident resolve ID" "verify-message --file" "logout"; do
    check "help lists: $c" grep -qF -- "$c" "$WORK/out"
done
check "help lines fit 100 columns" test "$(awk 'length($0) > 100' "$WORK/out" | wc -l)" = 0

out=$(S ticket create --channel email --subject "Withdrawal stuck" \
      --body "my BTC withdrawal has been pending for 20 hours" \
      --customer-name "Hong Gildong" --customer-email "Hong.G@example.com" \
      --customer-phone "+82 10-5555-0101" --customer-uid "U123456789" --json)
id=$(echo "$out" | jget '["id"]')
check "create returns id" test "$id" = 1
check "create category" test "$(echo "$out" | jget '["category"]')" = withdrawal
check "create has sla due" test -n "$(echo "$out" | jget '["sla_first_response_due"]')"
check "create redacted=false" test "$(echo "$out" | jget '["redacted"]')" = False

g=$(S ticket get "$id" --json)
check "masked email" test "$(echo "$g" | jget '["customer_email"]')" = "H***@example.com"
g=$(S ticket get "$id" --unmask --json)
check "unmasked email" test "$(echo "$g" | jget '["customer_email"]')" = "Hong.G@example.com"
expect_exit 1 "get missing ticket" -- S ticket get 999
check "missing ticket says NOT_FOUND" grep -q "^NOT_FOUND" "$WORK/err"
expect_exit 1 "bad priority refused" -- S ticket create --channel chat --subject s --body b --priority P9
check "bad priority says INVALID_ARGUMENT" grep -q "^INVALID_ARGUMENT" "$WORK/err"
expect_exit 1 "invalid utf-8 refused" -- S ticket create --channel chat --subject s --body $'\xff\xfe'

f=$(S ticket find --customer-email "hong.g@EXAMPLE.com" --json)
check "find by email" test "$(echo "$f" | jget '[0]["id"]')" = "$id"
f=$(S ticket find --customer-uid U123456789 --json)
check "find by uid" test "$(echo "$f" | jget '[0]["id"]')" = "$id"

out=$(S ticket create --channel chat --subject "help" \
  --body "seed: abandon ability able about above absent absorb abstract absurd abuse access accident" --json)
check "seed phrase flagged" test "$(echo "$out" | jget '["redacted"]')" = True
t2=$(echo "$out" | jget '["id"]')

c=$(S queue claim --agent alice --json)
cid=$(echo "$c" | jget '["id"]')
expect_exit 0 "status waiting" -- S ticket status "$cid" --to waiting_customer --json
expect_exit 0 "comment" -- S ticket comment "$cid" --body "please send the txid" --json
expect_exit 0 "resolve" -- S ticket status "$cid" --to resolved --json
expect_exit 1 "illegal transition" -- S ticket status "$cid" --to waiting_customer
check "illegal transition says FAILED_PRECONDITION" grep -q "^FAILED_PRECONDITION" "$WORK/err"
expect_exit 0 "rate" -- S ticket rate "$cid" --csat 5 --json
expect_exit 1 "rate twice" -- S ticket rate "$cid" --csat 4
expect_exit 0 "reopen" -- S ticket status "$cid" --to reopen --json
expect_exit 0 "overdue query" -- S sla overdue --now 2099-01-01T00:00:00Z --json
check "overdue lists open tickets" test "$(jget '.__len__()' < "$WORK/out")" -ge 1
expect_exit 0 "stats" -- S stats --json
check "stats total" test "$(jget '["total"]' < "$WORK/out")" = 2
expect_exit 0 "triage" -- "$SEALCTL" triage --text "钱包被盗了，有人未授权提现" --json
check "triage fund safety is security P1" \
  test "$(jget '["category"]+d["priority"]' < "$WORK/out")" = securityP1

# 64 concurrent claims over 40 queued tickets: 40 distinct winners, 24 "queue empty".
for i in $(seq 1 40); do
  S ticket create --channel web --subject "q$i" --body "deposit not credited $i" >/dev/null
done
S queue claim --agent drain >/dev/null 2>&1 || true   # the reopened one is not queued; drain t2
mkdir -p "$WORK/claims"
for i in $(seq 1 64); do
  ( S queue claim --agent "agent$i" --json >"$WORK/claims/$i.out" 2>"$WORK/claims/$i.err";
    echo $? >"$WORK/claims/$i.rc" ) &
done
wait
won=$(cat "$WORK"/claims/*.out | python3 -c 'import json,sys; print(len([l for l in sys.stdin if l.strip()]))')
uniq=$(cat "$WORK"/claims/*.out | python3 -c 'import json,sys; print(len({json.loads(l)["id"] for l in sys.stdin if l.strip()}))')
empty=$(grep -l "queue empty" "$WORK"/claims/*.err | wc -l)
check "40 claims won" test "$won" = 40
check "no ticket handed out twice" test "$uniq" = 40
check "the other 24 saw queue empty" test "$empty" = 24

# No plaintext PII in the data file.
for s in "Hong Gildong" "Hong.G@example.com" "hong.g@example.com" "5555-0101" "U123456789" \
         "pending for 20 hours" "please send the txid" "abandon ability"; do
  check "no plaintext '$s' in data.mdb" bash -c "! grep -q -F -- '$s' '$D/data.mdb'"
done

# Flip one bit in ticket 1's stored body ciphertext (the last field of the record).
mdb_dump -s tickets "$D" > "$WORK/dump"
python3 - "$WORK/dump" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
# data lines come in key/value pairs after HEADER=END; key of ticket 1 is 0000000000000001
i = lines.index(" 0000000000000001")
v = lines[i + 1]
pos = len(v) - 8
nib = "0123456789abcdef"[int(v[pos], 16) ^ 1]
lines[i + 1] = v[:pos] + nib + v[pos + 1:]
open(p, "w").write("\n".join(lines))
PY
mdb_load -s tickets -f "$WORK/dump" "$D"
expect_exit 1 "tampered ticket fails" -- S ticket get 1
check "tamper reported as DATA_LOSS integrity failure" grep -q "^DATA_LOSS: .*integrity" "$WORK/err"
check "tamper output is empty" test ! -s "$WORK/out"
expect_exit 0 "other tickets still read" -- S ticket get "$t2" --json

# Output that cannot be written is a failure, not exit 0 (user add prints a password once).
got=0
S ticket get "$t2" --json >/dev/full 2>"$WORK/err" || got=$?
check "json to a full stdout exits 1 (got $got)" test "$got" = 1
check "full stdout reported" grep -q "write standard output" "$WORK/err"
got=0
S ticket get "$t2" >/dev/full 2>"$WORK/err" || got=$?
check "text to a full stdout exits 1 (got $got)" test "$got" = 1

finish
