#!/usr/bin/env bash
# Crash safety under load: sealdeskd serves `sealbench load` (Creates, Gets, ClaimNext), is
# killed with SIGKILL at a random moment and restarted on the same data dir, CRASH_TRIALS times
# (10 in `make test`, 100 in `make crash-test`). After every kill: every Create the client saw
# acknowledged (in any trial so far) is present and its subject decrypts to what was sent, the
# queue index has no ticket twice (sealbench verify), and `sealaudit verify` passes.
. "$(dirname "$0")/../integration/lib.sh"
TRIALS=${CRASH_TRIALS:-10}
BENCH="$SD_BIN/sealbench"
bash "$(dirname "$0")/../integration/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
"$SEALCTL" --offline --data "$D" init >/dev/null
u=$("$SEALCTL" --offline --data "$D" --json user add --name crash --role agent,supervisor)
: > "$WORK/all.acked"
TOKEN=""
SRV=""

start_server() {
  : > "$WORK/server.log"
  "$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
    --key "$WORK/certs/server.key" --data "$D" --workers 2 2>"$WORK/server.log" &
  SRV=$!
  port=""
  for _ in $(seq 1 1200); do # up to 60 s: a sanitized start on a busy CI host
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
    [ -n "$port" ] && return 0
    kill -0 "$SRV" 2>/dev/null || break
    sleep 0.05
  done
  sed 's/^/    /' "$WORK/server.log" >&2
  return 1
}

failed=0
for t in $(seq 1 "$TRIALS"); do
  if ! start_server; then bad "trial $t: server restarts after the crash"; failed=1; break; fi
  if [ -z "$TOKEN" ]; then
    TOKEN=$("$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" login --name crash \
      --password "$(echo "$u" | jget '["password"]')" \
      --totp "$(python3 "$(dirname "$0")/../integration/totp.py" "$(echo "$u" | jget '["totp_uri"]')")")
  fi
  SEALDESK_TOKEN=$TOKEN "$BENCH" load --target "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" \
    --conns 4 --streams 4 --seconds 3 --mix create=6,get=2,claim=2 \
    --acked "$WORK/acked.$t" >"$WORK/bench.$t" 2>&1 &
  BP=$!
  # kill at a random moment between 0.2 s and 2.0 s into the load
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + (r % 180) / 100 }')"
  kill -9 "$SRV"
  wait "$SRV" 2>/dev/null || true
  SRV=""
  wait "$BP" || true
  cat "$WORK/acked.$t" >> "$WORK/all.acked"
  if ! "$BENCH" verify --data "$D" --acked "$WORK/all.acked" >"$WORK/verify.$t" 2>&1; then
    bad "trial $t: acknowledged creates survive, no duplicate in the queue"
    sed 's/^/    /' "$WORK/verify.$t" >&2
    failed=1
    break
  fi
  if ! "$SD_BIN/sealaudit" verify --data "$D" >"$WORK/audit.$t" 2>&1; then
    bad "trial $t: sealaudit verify after the crash"
    sed 's/^/    /' "$WORK/audit.$t" >&2
    failed=1
    break
  fi
  echo "# trial $t ($SECONDS s): $(wc -l < "$WORK/acked.$t") acked in this trial; $(cat "$WORK/verify.$t")"
done
if [ "$failed" = 0 ]; then
  ok "$TRIALS kill -9 trials under load: every acknowledged create present and decrypting"
  ok "$TRIALS kill -9 trials: queue without duplicates, audit log verifies"
  check "some creates were acknowledged" test "$(wc -l < "$WORK/all.acked")" -gt 0
  if start_server; then
    ok "server starts on the final crashed store"
    expect_exit 0 "server answers after the last crash" -- env SEALDESK_TOKEN="$TOKEN" \
      "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" stats
    # hot backup while the server writes, then restore and verify the restored audit log
    SEALDESK_TOKEN=$TOKEN "$BENCH" load --target "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" \
      --conns 2 --streams 2 --seconds 2 --mix create=1 >/dev/null 2>&1 &
    BP=$!
    sleep 0.5
    expect_exit 0 "hot backup under load" -- "$SEALCTL" --offline --data "$D" backup --out "$WORK/bk"
    wait "$BP" || true
    check "backup holds no plaintext PII" \
      test "$(grep -c 'Bench Customer\|@example.com' "$WORK/bk/data.mdb" || true)" = 0
    expect_exit 0 "restore from the backup" -- "$SEALCTL" --offline --data "$WORK/bk" \
      --key-file "$D/master.key" restore --to "$WORK/restored"
    expect_exit 0 "sealaudit verify on the restored copy" -- \
      "$SD_BIN/sealaudit" verify --data "$WORK/restored"
    expect_exit 1 "restore refuses a dir that holds a store" -- "$SEALCTL" --offline \
      --data "$WORK/bk" --key-file "$D/master.key" restore --to "$WORK/restored"
    kill -TERM "$SRV"
    rc=0
    wait "$SRV" || rc=$?
    SRV=""
    check "SIGTERM exits 0" test "$rc" = 0
  else
    bad "server starts on the final crashed store"
  fi
fi
finish
