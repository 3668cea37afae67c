#!/usr/bin/env bash
# Master key from a passphrase: `sealkey remaster --passphrase-file` re-wraps the KEKs, then
# sealctl --offline, sealkey and sealdeskd open the store with --passphrase-file (and no longer
# with the old key file); a passphrase file that group/other can read, an empty one, a wrong
# passphrase and both options at once are refused; the data reads back the same.
. "$(dirname "$0")/lib.sh"
D="$WORK/data"
S() { "$SEALCTL" --offline --data "$D" --json "$@"; }
K() { "$SD_BIN/sealkey" --data "$D" --json "$@"; }
umask 077
S init >/dev/null
tid=$(S ticket create --channel email --subject "KYC" --body "passport upload failed" \
  --customer-email pass@example.com | jget '["id"]')
printf 'correct horse battery staple\n' > "$WORK/pass"
printf 'wrong horse\n' > "$WORK/wrong"
: > "$WORK/empty"
cp "$WORK/pass" "$WORK/open"
chmod 0644 "$WORK/open"

expect_exit 1 "world-readable passphrase file refused" -- K remaster \
  --passphrase-file "$WORK/open"
check "refusal says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 1 "empty passphrase file refused" -- K remaster --passphrase-file "$WORK/empty"
expect_exit 0 "remaster to a passphrase" -- K remaster --passphrase-file "$WORK/pass"
check "remaster reports passphrase" test "$(jget '["master"]' < "$WORK/out")" = passphrase

expect_exit 1 "old key file no longer opens the store" -- S ticket list
check "old key says DATA_LOSS" grep -q "^DATA_LOSS" "$WORK/err"
expect_exit 1 "wrong passphrase refused" -- "$SEALCTL" --offline --data "$D" \
  --passphrase-file "$WORK/wrong" ticket list
check "wrong passphrase says DATA_LOSS" grep -q "^DATA_LOSS" "$WORK/err"
expect_exit 1 "sealctl refuses a readable passphrase file" -- "$SEALCTL" --offline \
  --data "$D" --passphrase-file "$WORK/open" ticket list
check "sealctl says PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 0 "sealctl opens with the passphrase" -- "$SEALCTL" --offline --data "$D" \
  --passphrase-file "$WORK/pass" --json ticket get "$tid" --unmask --reason "test"
check "PII reads back" test "$(jget '["customer_email"]' < "$WORK/out")" = pass@example.com
expect_exit 0 "SEALDESK_PASSPHRASE_FILE works too" -- env SEALDESK_PASSPHRASE_FILE="$WORK/pass" \
  "$SEALCTL" --offline --data "$D" --json ticket list
check "one ticket listed" test "$(jget '.__len__()' < "$WORK/out")" = 1
expect_exit 0 "sealkey status with the passphrase" -- "$SD_BIN/sealkey" --data "$D" \
  --passphrase-file "$WORK/pass" --json status

bash "$(dirname "$0")/gen_certs.sh" "$WORK/certs" >/dev/null
expect_exit 2 "sealdeskd refuses both key options" -- "$SD_BIN/sealdeskd" \
  --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" --key "$WORK/certs/server.key" \
  --data "$D" --key-file "$D/master.key" --passphrase-file "$WORK/pass"
expect_exit 1 "sealdeskd with the old key file fails to start" -- "$SD_BIN/sealdeskd" \
  --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" --key "$WORK/certs/server.key" \
  --data "$D"
"$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
  --key "$WORK/certs/server.key" --data "$D" --passphrase-file "$WORK/pass" \
  2>"$WORK/server.log" &
SRV=$!
port=""
for _ in $(seq 1 600); do # up to 60 s: a sanitized start on a busy CI host
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
check "sealdeskd starts with the passphrase" test -n "$port"
kill -TERM "$SRV"
rc=0
wait "$SRV" || rc=$?
check "SIGTERM exits 0" test "$rc" = 0
check "the log holds no passphrase" test -z "$(grep -i "horse" "$WORK/server.log")"
finish
