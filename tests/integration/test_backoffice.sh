#!/usr/bin/env bash
# Issue 15 back-office API over TLS gRPC (sealctl online against sealdeskd): a supervisor sets a
# customer profile and that customer's next ticket is VIP in their language; an agent cannot
# upsert; the backoffice service identity syncs profiles, reads the event feed and acks it
# (never a repeat past the ack, never backwards); attachments listed and downloaded by the
# assignee (audited attachment.read, a new 0600 file, never an overwrite) and refused to an
# agent without the unmask right; Keys/RotateMailKey through `sealkey rotate-mail-key` online.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
bash "$(dirname "$0")/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
SEED="$SD_BIN/../tests/attach_seed"
"$SEALCTL" --offline --data "$D" init >/dev/null
U() { "$SEALCTL" --offline --data "$D" --json user add "$@"; }
rita=$(U --name rita --role agent)
lee=$(U --name lee --role agent)
sam=$(U --name sam --role supervisor)
cora=$(U --name cora --role compliance)
xena=$(U --name xena --role security_admin)
bo=$(U --name bo --role backoffice)
check "backoffice role exists (no TOTP for the service identity)" \
  test "$(echo "$bo" | jget '["roles"]')" = backoffice
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
login() {
  local uri code=()
  uri=$(echo "$2" | jget '.get("totp_uri") or ""')
  [ -n "$uri" ] && code=(--totp "$($PY "$(dirname "$0")/totp.py" "$uri")")
  O login --name "$1" --password "$(echo "$2" | jget '["password"]')" "${code[@]}"
}
RITA=$(login rita "$rita")
LEE=$(login lee "$lee")
SAM=$(login sam "$sam")
CORA=$(login cora "$cora")
XENA=$(login xena "$xena")
BO=$(login bo "$bo")
check "six sessions" test "${#RITA}${#LEE}${#SAM}${#CORA}${#XENA}${#BO}" = 646464646464
# jx EXPR: a python expression over the JSON on stdin (d)
jx() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
as() { local tok=$1; shift; env SEALDESK_TOKEN="$tok" "$SEALCTL" --server "127.0.0.1:$port" \
  --ca "$WORK/certs/ca.pem" --json "$@"; }

# ---- Customers ----
expect_exit 0 "supervisor sets a profile" -- as "$SAM" customer set --uid UIDVIP77 \
  --vip-tier vip2 --lang ko --email vip77@example.com --notes "prefers phone calls"
check "profile: vip 2, ko, notes kept" test "$(jget \
  '["vip_tier"].__str__()+d["lang"]+str(d["has_notes"])+d["updated_by"]' <"$WORK/out")" = \
  2koTruesam
check "upsert reply shows no notes" test "$(jget '.get("notes","-")' <"$WORK/out")" = -
expect_exit 0 "agent: a new ticket from that uid" -- as "$RITA" ticket create --channel email \
  --subject "question" --body "how do I change my phone number" --customer-uid UIDVIP77
t1=$(jget '["id"]' <"$WORK/out")
check "the ticket inherits VIP and Korean" test "$(jx 'str(d["vip"])+d["lang"]' <"$WORK/out")" \
  = Trueko
expect_exit 0 "a ticket by the profile's email is VIP too" -- as "$RITA" ticket create \
  --channel email --subject "again" --body "still waiting on my phone number" \
  --customer-email vip77@example.com
t2=$(jget '["id"]' <"$WORK/out")
check "email ticket is VIP" test "$(jx 'str(d["vip"])' <"$WORK/out")" = True
expect_exit 1 "agent cannot upsert a profile" -- as "$RITA" customer set --uid UIDVIP77 \
  --vip-tier 0
check "agent upsert is PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 1 "agent cannot read a profile" -- as "$RITA" customer get --uid UIDVIP77
check "agent read is PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 0 "supervisor gets by email, with a reason" -- as "$SAM" customer get \
  --email vip77@example.com --reason "customer on the phone"
check "notes shown with a reason" test "$(jget '["profile"]["notes"]' <"$WORK/out")" = \
  "prefers phone calls"
check "the profile lists both tickets" test "$(jget '["profile"]["tickets"]' <"$WORK/out")" = \
  "[$t1, $t2]"
expect_exit 0 "customer get --uid keeps the freeze fields" -- as "$SAM" customer get --uid UIDVIP77
check "uid masked, not frozen, profile without notes" test "$(jx \
  'str(d["uid"]!="UIDVIP77")+str(d["frozen"])+str("notes" in d["profile"])' <"$WORK/out")" = \
  TrueFalseFalse
expect_exit 0 "customer get of a uid without a profile" -- as "$SAM" customer get --uid UIDNOPE1
check "profile is null" test "$(jget '["profile"]' <"$WORK/out")" = None
expect_exit 1 "get by an unknown email" -- as "$SAM" customer get --email nobody@example.com
check "unknown email is NOT_FOUND" grep -q "^NOT_FOUND" "$WORK/err"
expect_exit 2 "get needs exactly one key" -- as "$SAM" customer get --uid A1 --email a@b.co
expect_exit 0 "customer tickets" -- as "$CORA" customer tickets --uid UIDVIP77
check "tickets by uid and alias" test "$(jget '["tickets"]' <"$WORK/out")" = "[$t1, $t2]"
expect_exit 1 "bad language is refused, naming the field" -- as "$SAM" customer set \
  --uid UIDVIP77 --lang xx
check "lang named" grep -q "^INVALID_ARGUMENT: lang" "$WORK/err"
expect_exit 0 "a field set to \"\" is cleared online" -- as "$SAM" customer set --uid UIDVIP77 \
  --notes ""
check "notes cleared" test "$(jget '["has_notes"]' <"$WORK/out")" = False
cat >"$WORK/sync.py" <<'PYEOF'
import os, sys, tempfile
import grpc
from grpc_tools import protoc
port, ca, tok, proto = sys.argv[1:5]
out = tempfile.mkdtemp(prefix="sdbo.")
inc = os.path.join(os.path.dirname(protoc.__file__), "_proto")
assert protoc.main(["protoc", "-I" + proto, "-I" + inc, "--python_out=" + out,
                    "--grpc_python_out=" + out, os.path.join(proto, "backoffice.proto")]) == 0
sys.path.insert(0, out)
import backoffice_pb2 as bp, backoffice_pb2_grpc as bg  # noqa: E402
creds = grpc.ssl_channel_credentials(root_certificates=open(ca, "rb").read())
ch = grpc.secure_channel("127.0.0.1:" + port, grpc.composite_channel_credentials(
    creds, grpc.access_token_call_credentials(tok)))
try:
    p = bg.CustomersStub(ch).Sync(bp.CustomerUpsertRequest(uid="UIDSYNC1", vip="vip4",
                                                          lang="en"), timeout=20)
    print("OK", p.vip_tier, p.lang, p.updated_by)
except grpc.RpcError as e:
    print(e.code().name)
PYEOF
check "backoffice syncs a profile (stock grpcio)" test "$($PY "$WORK/sync.py" "$port" \
  "$WORK/certs/ca.pem" "$BO" "$SD_SOURCE_DIR/proto")" = "OK 4 en bo"
check "a supervisor cannot call Sync" test "$($PY "$WORK/sync.py" "$port" \
  "$WORK/certs/ca.pem" "$SAM" "$SD_SOURCE_DIR/proto")" = PERMISSION_DENIED
expect_exit 1 "backoffice cannot read tickets" -- as "$BO" ticket get "$t1"
check "backoffice ticket get is PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"

# ---- Attachments ----
expect_exit 0 "supervisor assigns the VIP ticket to rita" -- as "$SAM" ticket assign "$t1" \
  --agent rita
check "rita has t1" test "$(jget '["assignee"]' <"$WORK/out")" = rita
head -c 300000 /dev/urandom >"$WORK/shot.png"
read -r aid astate < <("$SEED" "$D" "$t1" "$WORK/shot.png" image/png "screenshot-kim.png")
check "attachment seeded while the server runs" test "$astate" = kept
read -r rid rstate < <("$SEED" "$D" "$t1" "$WORK/shot.png" application/x-msdownload "x.exe")
check "a disallowed type is refused" test "$rstate" = refused
expect_exit 0 "assignee lists attachments" -- as "$RITA" attachment list --ticket "$t1"
check "two listed: kept png, refused exe" test "$(jget \
  '["attachments"][0]["state"]+d["attachments"][0]["type"]+d["attachments"][1]["state"]' \
  <"$WORK/out")" = keptimage/pngrefused
check "filenames masked without a reason" test "$(jget '["attachments"][0]["filename"]' \
  <"$WORK/out")" = "(masked)"
expect_exit 0 "list with a reason shows filenames" -- as "$RITA" attachment list --ticket "$t1" \
  --reason "checking the screenshot"
check "filename unmasked" test "$(jget '["attachments"][0]["filename"]' <"$WORK/out")" = \
  screenshot-kim.png
expect_exit 0 "assignee downloads (streamed)" -- as "$RITA" attachment get "$aid" \
  --out "$WORK/got.png" --reason "verify the deposit screenshot"
check "downloaded bytes are the original" cmp -s "$WORK/shot.png" "$WORK/got.png"
check "file mode 0600" test "$(stat -c %a "$WORK/got.png")" = 600
check "size and sha256 reported" test "$(jget '["size"]' <"$WORK/out")" = 300000
expect_exit 1 "no overwrite of an existing file" -- as "$RITA" attachment get "$aid" \
  --out "$WORK/got.png" --reason "again"
check "existing file untouched" cmp -s "$WORK/shot.png" "$WORK/got.png"
expect_exit 2 "download needs a reason" -- as "$RITA" attachment get "$aid" --out "$WORK/x.png"
expect_exit 1 "another agent cannot download" -- as "$LEE" attachment get "$aid" \
  --out "$WORK/lee.png" --reason "curious"
check "refused with PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
check "nothing written for the refused download" test ! -e "$WORK/lee.png"
expect_exit 1 "a refused attachment has no bytes" -- as "$RITA" attachment get "$rid" \
  --out "$WORK/x.exe" --reason "look"
check "refused attachment: FAILED_PRECONDITION" grep -q "^FAILED_PRECONDITION" "$WORK/err"
expect_exit 0 "compliance searches the audit log" -- as "$CORA" audit search --actor rita \
  --kind attachment.read
check "the download is audited as attachment.read" test "$(jget \
  '["entries"].__len__().__str__()+d["entries"][0]["target"]' <"$WORK/out")" = "1a$aid"
check "audit entry names no filename" test -z "$(grep -F screenshot-kim "$WORK/out" || true)"

# ---- Events ----
expect_exit 0 "a security ticket for the freezes" -- as "$RITA" ticket create --channel chat \
  --subject "account takeover" --body "someone logged in from abroad" --customer-uid UIDVIP77 \
  --category security
t3=$(jget '["id"]' <"$WORK/out")
expect_exit 0 "supervisor freezes the account" -- as "$SAM" freeze --customer-uid UIDVIP77 \
  --ticket "$t3" --reason "account takeover suspected"
expect_exit 0 "backoffice reads the feed" -- as "$BO" events read
check "one freeze event at offset 1" test "$(jget \
  '["events"].__len__().__str__()+d["events"][0]["kind"]+str(d["events"][0]["offset"])' \
  <"$WORK/out")" = 1freeze1
expect_exit 0 "read again before the ack repeats it" -- as "$BO" events read
check "still offset 1" test "$(jget '["events"][0]["offset"]' <"$WORK/out")" = 1
expect_exit 0 "backoffice acks offset 1" -- as "$BO" events ack --offset 1
check "acked 1 of 1" test "$(jx 'str(d["acked"])+str(d["last"])' <"$WORK/out")" = 11
expect_exit 0 "read after the ack" -- as "$BO" events read
check "nothing past the ack" test "$(jget '["events"].__len__()' <"$WORK/out")" = 0
expect_exit 0 "another security ticket" -- as "$RITA" ticket create --channel chat \
  --subject "takeover" --body "my account was taken over" --customer-uid UIDOTHER2 \
  --category security
t4=$(jget '["id"]' <"$WORK/out")
expect_exit 0 "a second freeze" -- as "$SAM" freeze --customer-uid UIDOTHER2 --ticket "$t4" \
  --reason "chargeback fraud"
expect_exit 0 "read after the ack sees only the new event" -- as "$BO" events read
check "only offset 2" test "$(jx '[e["offset"] for e in d["events"]]' <"$WORK/out")" = "[2]"
expect_exit 0 "read from an explicit offset" -- as "$BO" events read --from 1 --max 1
check "page of one with more" test "$(jx \
  'str(d["events"][0]["offset"])+str(d["more"])+str(d["next_offset"])' <"$WORK/out")" = 1True2
expect_exit 0 "ack 2" -- as "$BO" events ack --offset 2
expect_exit 0 "the same ack again is fine" -- as "$BO" events ack --offset 2
expect_exit 1 "ack backwards refused" -- as "$BO" events ack --offset 1
check "backwards: FAILED_PRECONDITION" grep -q "^FAILED_PRECONDITION" "$WORK/err"
expect_exit 1 "ack past the end refused" -- as "$BO" events ack --offset 9
check "past the end: INVALID_ARGUMENT offset" grep -q "^INVALID_ARGUMENT: offset" "$WORK/err"
expect_exit 0 "read after ack 2" -- as "$BO" events read
check "empty again" test "$(jget '["events"].__len__()' <"$WORK/out")" = 0
expect_exit 0 "a named consumer has its own position" -- as "$BO" events read --consumer ledger
check "ledger starts at 1" test "$(jx '[e["offset"] for e in d["events"]]' <"$WORK/out")" = \
  "[1, 2]"
expect_exit 1 "an agent cannot read the feed" -- as "$RITA" events read
check "agent feed read is PERMISSION_DENIED" grep -q "^PERMISSION_DENIED" "$WORK/err"
expect_exit 0 "feed reads are audited" -- as "$CORA" audit search --actor bo --kind events.read
check "events.read entries" test "$(jget '["entries"].__len__()' <"$WORK/out")" -ge 3

# ---- Keys/RotateMailKey ----
expect_exit 0 "sealkey rotate-mail-key online (security_admin)" -- "$SD_BIN/sealkey" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --token "$XENA" --json rotate-mail-key
check "a new mail key version" test "$(jget '["mail_key_version"]' <"$WORK/out")" -ge 2
expect_exit 1 "a supervisor cannot rotate the mail key" -- "$SD_BIN/sealkey" \
  --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" --token "$SAM" rotate-mail-key

kill -TERM "$SRV"
wait "$SRV" || true
check "server log holds no customer identifier or filename" test -z "$(grep -e UIDVIP77 \
  -e vip77@ -e screenshot-kim -e "phone calls" "$WORK/server.log" || true)"
finish
