#!/usr/bin/env bash
# Keys issue end to end:
#  1. rotate + rewrap while 8 clients create and read tickets over gRPC for SD_KEYS_SECONDS
#     (30 s, also in CI): no request fails, every ticket reads back, all data keys end
#     under the new KEK; Keys/Status and Keys/Shred over gRPC for security_admin only.
#  2. kill -9 during `sealkey rewrap --batch 1` at random points (SD_KEYS_TRIALS, 20): the next
#     rewrap finishes and every field still opens.
#  3. shred: the plaintext is nowhere in the data dir, `sealkey check` and `sealaudit verify`
#     pass, retire is refused while old data keys remain.
#  Audit-key rotation (in 1, server running): `sealkey audit-rotate` offline, then
#     Keys/RotateAuditKey over gRPC; tickets created online; an export made by the server
#     verifies with only the original public key and shows the key chain; a forged hand-off is
#     named by index.
. "$(dirname "$0")/lib.sh"
SEALKEY="$SD_BIN/sealkey"
SECONDS_LOAD=${SD_KEYS_SECONDS:-30}
TRIALS=${SD_KEYS_TRIALS:-20}
PY=/usr/bin/python3
D="$WORK/data"
K() { "$SEALKEY" --data "$D" --json "$@"; }
C() { "$SEALCTL" --offline --data "$D" --json "$@"; }
"$SEALCTL" --offline --data "$D" init >/dev/null

# ---- 1. rotation under load ----
bash "$(dirname "$0")/gen_certs.sh" "$WORK/certs" >/dev/null
agent=$(C user add --name loader --role agent --no-totp)
admin=$(C user add --name keyadmin --role security_admin)
for i in $(seq 1 10); do
  C ticket create --channel web --subject "before $i" --body "old key $i" \
    --customer-uid "PRE-$i" >/dev/null
done
"$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --cert "$WORK/certs/server.pem" \
  --key "$WORK/certs/server.key" --data "$D" 2>"$WORK/server.log" &
SRV=$!
port=""
for _ in $(seq 1 600); do # up to 60 s: a sanitized start-up on a busy host
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$SRV" 2>/dev/null || break
  sleep 0.1
done
check "server started" test -n "$port"
O() { "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" "$@"; }
tok=$(O login --name loader --password "$(echo "$agent" | jget '["password"]')")
check "agent logged in" test "${#tok}" = 64

end=$(( $(date +%s) + SECONDS_LOAD ))
CPIDS=()
for c in $(seq 1 8); do
  (
    n=0; fails=0
    while [ "$(date +%s)" -lt "$end" ]; do
      [ "$n" = 1 ] && : >"$WORK/client$c.up" # its first pair is done: it runs
      n=$((n + 1))
      out=$(O --token "$tok" --json ticket create --channel chat --subject "load $c/$n" \
            --body "body $c/$n" --customer-uid "C$c-$n" 2>>"$WORK/client$c.err") || {
        fails=$((fails + 1)); continue; }
      id=$(echo "$out" | jget '["id"]')
      got=$(O --token "$tok" --json ticket get "$id" 2>>"$WORK/client$c.err") || {
        fails=$((fails + 1)); continue; }
      [ "$(echo "$got" | jget '["subject"]')" = "load $c/$n" ] || fails=$((fails + 1))
    done
    echo "$n $fails" >"$WORK/client$c.res"
  ) &
  CPIDS+=($!)
done
# Rotate once every client has a pair done (they all run), not after a fixed 2 s: on a busy
# host their TLS and sanitizer start-up can take longer; a client whose time ran out first
# counts too (its .res).
clients_up() {
  local c
  for c in $(seq 1 8); do
    [ -e "$WORK/client$c.up" ] || [ -e "$WORK/client$c.res" ] || return 1
  done
}
for _ in $(seq 1 $((SECONDS_LOAD * 10 + 600))); do clients_up && break; sleep 0.1; done
check "8 clients run before the rotation" clients_up
check "rotate while serving" K rotate
rw=$(K rewrap --batch 16)
check "rewrap while serving finishes" test "$(echo "$rw" | jget '["done"]')" = True
# Wait for the client processes themselves: one that died without its .res (a failed jget
# under set -e) counts as a failure instead of a poll for its file that never ends.
for p in "${CPIDS[@]}"; do wait "$p" 2>/dev/null || true; done
total=0; fails=0
for c in $(seq 1 8); do
  if [ -s "$WORK/client$c.res" ]; then read -r n f <"$WORK/client$c.res"; else n=0 f=1; fi
  total=$((total + n)); fails=$((fails + f))
done
# Each client process pays TLS + sanitizer start-up: on 2 cores that is a few pairs per client.
check "8 clients: $total create+read pairs, $fails failures" test "$fails" -eq 0 -a "$total" -ge 8
K rewrap >/dev/null   # keys created between the first rewrap's last batch and its end
st=$(K status)
check "status: current version 2" test "$(echo "$st" | jget '["current_version"]')" = 2
check "status: no data key left under v1" \
  test "$(echo "$st" | jget '["kek_versions"][0]["data_keys"]')" = 0
check "status: all data keys under v2" test "$(echo "$st" | jget '["kek_versions"][1]["data_keys"]')" = \
  "$(echo "$st" | jget '["data_keys"]')"
chk=$(K check)
check "every ticket's fields open ($(echo "$chk" | jget '["tickets"]') tickets)" \
  test "$(echo "$chk" | jget '["bad"]')" = 0

# Keys service: security_admin with TOTP only.
S() { "$SEALKEY" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --json "$@"; }
expect_exit 1 "agent may not read key status" -- S --token "$tok" status
check "PERMISSION_DENIED for the agent" grep -q "^PERMISSION_DENIED" "$WORK/err"
atok=$(O login --name keyadmin --password "$(echo "$admin" | jget '["password"]')" \
  --totp "$($PY "$(dirname "$0")/totp.py" "$(echo "$admin" | jget '["totp_uri"]')")")
expect_exit 0 "security_admin reads key status over gRPC" -- S --token "$atok" status
check "online status has the audit key fingerprint" \
  test "$(jget '["audit_key_fingerprint"]' <"$WORK/out" | wc -c)" = 65
expect_exit 0 "security_admin shreds over gRPC" -- \
  S --token "$atok" shred --customer-uid C1-1 --reason "erasure request 7"
check "online shred erased one key" test "$(jget '["data_keys"]' <"$WORK/out")" = 1
check "online shred purged data.mdb at once" test "$(jget '["purged"]' <"$WORK/out")" = True
expect_exit 1 "shred without reason refused" -- S --token "$atok" shred --customer-uid C1-2 --reason ""

# ---- audit-key rotation while the server runs ----
C audit pubkey | jget '["public_key"]' >"$WORK/audit_pk1"
fp1=$(K status | jget '["audit_key_fingerprint"]')
expect_exit 0 "sealkey audit-rotate while the server runs" -- \
  K audit-rotate --reason "yearly audit key rotation"
ho1=$(jget '["handoff_tree_size"]' <"$WORK/out")
fp2=$(jget '["audit_key_fingerprint"]' <"$WORK/out")
for i in 1 2 3; do
  O --token "$tok" --json ticket create --channel web --subject "after audit rotate $i" \
    --body "b $i" --customer-uid "AR-$i" >/dev/null
done
st=$(K status)
check "status: audit fingerprint is the new key's" \
  test "$(echo "$st" | jget '["audit_key_fingerprint"]')" = "$fp2" -a "$fp2" != "$fp1"
ak0=$(echo "$st" | jget '["audit_keys"][0]["fingerprint"]')
ak1=$(echo "$st" | jget '["audit_keys"][1]["fingerprint"]')
check "status: audit_keys lists both keys, oldest first" test "$ak0" = "$fp1" -a "$ak1" = "$fp2"
C audit pubkey >"$WORK/pk.json"
check "audit pubkey: first key is the original, current one differs" test \
  "$(jget '["first_public_key"]' <"$WORK/pk.json")" = "$(cat "$WORK/audit_pk1")" -a \
  "$(jget '["public_key"]' <"$WORK/pk.json")" != "$(cat "$WORK/audit_pk1")"
C user add --name auditor1 --role auditor --no-totp >"$WORK/aud.json"
utok=$(O login --name auditor1 --password "$(jget '["password"]' <"$WORK/aud.json")")
expect_exit 0 "server exports the audit log after the rotation" -- \
  O --token "$utok" audit export --out "$WORK/rot1.log"
# A short write (file size limit, SIGXFSZ ignored) fails cleanly: exit 1, the FILE closed (it
# leaked when fwrite came up short), no half-written export left behind.
got=0
(trap '' XFSZ; ulimit -f 1; O --token "$utok" audit export --out "$WORK/short.log") \
  >/dev/null 2>"$WORK/err" || got=$?
check "export cut short by a full disk exits 1 (got $got)" test "$got" = 1
check "export cut short leaves no partial file" test ! -e "$WORK/short.log"
check "export cut short leaks nothing" bash -c '! grep -q LeakSanitizer "$1"' _ "$WORK/err"
check "server signed with the new key after the hand-off" \
  grep -q "audit_key_adopt" "$WORK/server.log"
expect_exit 0 "sealaudit verify with only the original key" -- \
  "$SD_BIN/sealaudit" verify --log "$WORK/rot1.log" --pubkey "$WORK/audit_pk1"
check "sealaudit says OK" grep -q "^OK entries=" "$WORK/out"
check "sealaudit shows two keys" grep -q "^checkpoints=.*keys=2" "$WORK/out"
check "sealaudit shows the new key's hand-off" \
  grep -q "key\[1\] fingerprint=$fp2 handed over at tree size $ho1" "$WORK/out"
expect_exit 1 "agent may not rotate the audit key" -- S --token "$tok" audit-rotate
expect_exit 0 "security_admin rotates the audit key over gRPC" -- \
  S --token "$atok" audit-rotate --reason "drill"
ho2=$(jget '["handoff_tree_size"]' <"$WORK/out")
O --token "$utok" audit export --out "$WORK/rot2.log" >/dev/null
expect_exit 0 "export after the online rotation verifies from the original key" -- \
  "$SD_BIN/sealaudit" --json verify --log "$WORK/rot2.log" --pubkey "$WORK/audit_pk1"
check "JSON verify lists three keys" \
  test "$(jget '["status"], len(d["keys"])' <"$WORK/out")" = "('OK', 3)"
$PY - "$WORK/rot2.log" "$WORK/forged.log" <<'PYEOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
pos = 8
while pos < len(b):
    t, ln = b[pos], int.from_bytes(b[pos + 1:pos + 5], "big")
    # a hand-off checkpoint ends with field 7 (next_public_key, 32 bytes): 0x3a 0x20 <key>
    if t == 3 and ln > 34 and b[pos + 5 + ln - 34:pos + 5 + ln - 32] == b"\x3a\x20":
        b[pos + 5 + ln - 20] ^= 1  # forge the first hand-off's next key
        break
    pos += 5 + ln
open(sys.argv[2], "wb").write(b)
PYEOF
expect_exit 1 "a forged hand-off is rejected" -- \
  "$SD_BIN/sealaudit" verify --log "$WORK/forged.log" --pubkey "$WORK/audit_pk1"
check "sealaudit names the hand-off's index" \
  grep -q "^TAMPERED first_bad_index=$((ho1 - 1)) reason=bad_checkpoint_signature" "$WORK/out"
check "key.audit_rotate audited with its reason" \
  grep -qa "yearly audit key rotation" "$WORK/rot2.log"
check "second hand-off after the first" test "$ho2" -gt "$ho1"
kill -TERM "$SRV"
wait "$SRV" 2>/dev/null || true
# The shred over gRPC erased the key and the running server purged data.mdb at once, under
# the load (SECURITY.md "Shredding erases, physically"): nothing is left for the next open.
check "the server purged after the online shred" \
  grep -q 'ev=store_purge done=yes' "$WORK/server.log"
"$SEALKEY" --data "$D" status >/dev/null 2>"$WORK/purge.err"
check "the next offline open has no purge to do" bash -c "! grep -q store_purge '$WORK/purge.err'"

# ---- 2. kill -9 during rewrap (on the data dir of part 1: one data key per customer) ----
D2="$D"
killed=0
resumed=0
# Enough data keys (KEYS_WANT) that a `rewrap --batch 1` outlasts its start-up, so kills land
# mid-run: a count, not "what crash_writer makes in 3 s", which a slow host makes few of.
KEYS_WANT=300
data_keys() { "$SEALKEY" --data "$D2" --json status 2>/dev/null | jget '["data_keys"]' 2>/dev/null || echo 0; }
"$SD_BIN/../tests/crash_writer" "$D2" unique &
cw=$!
for _ in $(seq 1 400); do # up to 120 s
  [ "$(data_keys)" -ge "$KEYS_WANT" ] && break
  kill -0 "$cw" 2>/dev/null || break
  sleep 0.3
done
kill -KILL "$cw" 2>/dev/null || true
wait "$cw" 2>/dev/null || true
nk=$(data_keys)
check "crash_writer made enough data keys ($nk, wanted $KEYS_WANT)" test "$nk" -ge "$KEYS_WANT"
# Time one whole `rewrap --batch 1` (start-up + one txn per key) so kills land in its work.
"$SEALKEY" --data "$D2" rotate >/dev/null
t0=$(date +%s%N)
"$SEALKEY" --data "$D2" rewrap --batch 1 >/dev/null
dur=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# one rewrap --batch 1 run: ${dur} ms"
for t in $(seq 1 "$TRIALS"); do
  "$SEALKEY" --data "$D2" rotate >/dev/null
  "$SEALKEY" --data "$D2" rewrap --batch 1 >/dev/null 2>&1 &
  pid=$!
  ms=$(( dur / 3 + RANDOM % (dur * 2 / 3 + 1) ))
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
  wait "$pid" 2>/dev/null || true
  out=$("$SEALKEY" --data "$D2" --json rewrap --batch 7)
  st=$("$SEALKEY" --data "$D2" --json status)
  under=$(echo "$st" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(v["data_keys"] for v in d["kek_versions"] if v["version"]==d["current_version"]) == d["data_keys"])')
  chk=$("$SEALKEY" --data "$D2" --json check)
  [ "$(echo "$out" | jget '["resumed"]')" = True ] && resumed=$((resumed + 1))
  if [ "$(echo "$out" | jget '["done"]')" = True ] && [ "$under" = True ] &&
     [ "$(echo "$chk" | jget '["bad"]')" = 0 ]; then
    ok "kill trial $t: rewrap finished (resumed=$(echo "$out" | jget '["resumed"]')), all keys under v$(echo "$st" | jget '["current_version"]')"
  else
    bad "kill trial $t: rewrap=$out status=$st check=$chk"
  fi
done
check "kills landed mid-rewrap ($resumed of $TRIALS resumed a partial run)" test "$resumed" -ge 1
echo "# $killed of $TRIALS rewraps were killed mid-run"
check "audit log verifies after the kill trials" "$SD_BIN/sealaudit" verify --data "$D2"

# ---- 3. shred, seen with the data dir and the master key ----
D3="$WORK/shred"
"$SEALCTL" --offline --data "$D3" init >/dev/null
id=$("$SEALCTL" --offline --data "$D3" --json ticket create --channel email \
  --subject "lost 2FA" --body "Please help Quentin Shredmeister" --customer-uid QS-1 \
  --customer-name "Quentin Shredmeister" --customer-email quentin.shred@example.org | jget '["id"]')
"$SEALCTL" --offline --data "$D3" ticket comment "$id" --body "Quentin called again" >/dev/null
"$SEALCTL" --offline --data "$D3" ticket create --channel web --subject "other" --body "x" \
  --customer-uid OTHER-1 --customer-name "Olga Other" >/dev/null
"$SEALKEY" --data "$D3" rotate >/dev/null
expect_exit 1 "retire refused while v1 data keys remain" -- "$SEALKEY" --data "$D3" retire --below 2
check "FAILED_PRECONDITION on retire" grep -q "^FAILED_PRECONDITION" "$WORK/err"
expect_exit 2 "shred needs a reason" -- "$SEALKEY" --data "$D3" shred --customer-uid QS-1
expect_exit 0 "shred QS-1" -- "$SEALKEY" --data "$D3" --json shred --customer-uid QS-1 --reason "GDPR art. 17"
check "offline shred purged data.mdb at once" test "$(jget '["purged"]' <"$WORK/out")" = True
check "no purge copy left behind" test ! -e "$D3/purge.mdb" -a ! -e "$D3/purge.tmp"
g=$("$SEALCTL" --offline --data "$D3" --json ticket get "$id" --unmask --reason check)
check "shredded ticket still reads, with the marker" \
  test "$(echo "$g" | jget '["customer_name"]')" = "[shredded]"
check "shredded ticket keeps its metadata" test "$(echo "$g" | jget '["channel"]')" = email
check "plaintext name nowhere in the data dir" bash -c "! grep -rqa 'Shredmeister' '$D3'"
check "plaintext email nowhere in the data dir" bash -c "! grep -rqa 'quentin.shred' '$D3'"
check "sealkey check passes after shred" "$SEALKEY" --data "$D3" check
check "sealaudit verify OK after shred" "$SD_BIN/sealaudit" verify --data "$D3"
"$SEALKEY" --data "$D3" rewrap >/dev/null
expect_exit 0 "retire v1 after rewrap" -- "$SEALKEY" --data "$D3" retire --below 2
check "key.shred audited with its reason" bash -c \
  "'$SEALCTL' --offline --data '$D3' audit export --out '$WORK/a.log' >/dev/null && grep -qa 'GDPR art. 17' '$WORK/a.log'"
finish
