#!/usr/bin/env bash
# sealdeskd --metrics: Prometheus text over plain HTTP on loopback. Calls made through sealctl
# show up as exact counter and histogram deltas by method and code, queue depth per priority
# matches the tickets created, the audit size matches sealaudit, no PII / ids / user names
# appear, other paths get 404, an oversized request is refused and the endpoint keeps serving.
. "$(dirname "$0")/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
bash "$(dirname "$0")/gen_certs.sh" "$WORK/certs" >/dev/null
D="$WORK/data"
"$SEALCTL" --offline --data "$D" init >/dev/null
USERNAME=quillfeather
u=$("$SEALCTL" --offline --data "$D" --json user add --name "$USERNAME" \
    --role agent,supervisor,compliance,auditor)

"$SD_BIN/sealdeskd" --listen 127.0.0.1:0 --metrics 127.0.0.1:0 \
  --cert "$WORK/certs/server.pem" --key "$WORK/certs/server.key" --data "$D" \
  2>"$WORK/server.log" &
SRV=$!
port=""
mport=""
for _ in $(seq 1 600); do # up to 60 s: a sanitized start on a busy CI host
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
mport=$(sed -n 's/.*metrics on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1)
check "server started" test -n "$port"
check "metrics endpoint announced" test -n "$mport"

# scrape FILE: GET /metrics into FILE; prints the HTTP status.
scrape() {
  $PY - "$mport" "$1" <<'EOF'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10) as r:
        open(sys.argv[2], "wb").write(r.read())
        ct = r.headers.get("Content-Type", "")
        print(r.status if ct.startswith("text/plain; version=0.0.4") else "bad-content-type")
except urllib.error.HTTPError as e:
    print(e.code)
EOF
}
# val FILE 'series': the sample value (0 when the series is absent: counters start at 0).
val() {
  $PY - "$1" "$2" <<'EOF'
import sys
want = sys.argv[2]
v = 0
for line in open(sys.argv[1]):
    if line.startswith(want + " "):
        v = line.split()[-1]
print(int(float(v)) if str(v).replace('.', '').isdigit() else v)
EOF
}

check "first scrape 200 text/plain; version=0.0.4" test "$(scrape "$WORK/m0")" = 200

O() { "$SEALCTL" --server "127.0.0.1:$port" --ca "$WORK/certs/ca.pem" "$@"; }
export SEALDESK_TOKEN
SEALDESK_TOKEN=$(O login --name "$USERNAME" --password "$(echo "$u" | jget '["password"]')" \
  --totp "$($PY "$(dirname "$0")/totp.py" "$(echo "$u" | jget '["totp_uri"]')")")
check "login" test "${#SEALDESK_TOKEN}" = 64

scrape "$WORK/m1" >/dev/null
ids=()
for i in 1 2 3; do
  prio=P1
  [ "$i" = 3 ] && prio=P3
  out=$(O --json ticket create --channel web --subject "okapi-subject-$i" \
        --body "wallet question number $i" --customer-email "narwhal.$i@example.org" \
        --category account --priority "$prio")
  ids+=("$(echo "$out" | jget '["id"]')")
done
check "three tickets created" test "${#ids[@]}" = 3
expect_exit 0 "get an existing ticket" -- O --json ticket get "${ids[0]}"
expect_exit 1 "get a missing ticket" -- O ticket get 424242
check "missing ticket is NOT_FOUND" grep -q "^NOT_FOUND" "$WORK/err"
expect_exit 1 "create with a bad priority" -- O ticket create --channel web --subject s \
  --body b --priority P9
check "bad priority is INVALID_ARGUMENT" grep -q "^INVALID_ARGUMENT" "$WORK/err"
check "scrape after the calls" test "$(scrape "$WORK/m2")" = 200

T='service="sealdesk.v1.Tickets"'
R=sealdesk_rpc_requests_total
H=sealdesk_rpc_duration_seconds
delta() { echo $(( $(val "$WORK/m2" "$1") - $(val "$WORK/m1" "$1") )); }
check "Create OK counted 3" test "$(delta "$R{$T,method=\"Create\",code=\"OK\"}")" = 3
check "Create INVALID_ARGUMENT counted 1" \
  test "$(delta "$R{$T,method=\"Create\",code=\"INVALID_ARGUMENT\"}")" = 1
check "Get OK counted 1" test "$(delta "$R{$T,method=\"Get\",code=\"OK\"}")" = 1
check "Get NOT_FOUND counted 1" test "$(delta "$R{$T,method=\"Get\",code=\"NOT_FOUND\"}")" = 1
check "Create latency histogram _count is 4" \
  test "$(delta "${H}_count{$T,method=\"Create\"}")" = 4
check "Create histogram +Inf bucket equals _count" \
  test "$(val "$WORK/m2" "${H}_bucket{$T,method=\"Create\",le=\"+Inf\"}")" \
  = "$(val "$WORK/m2" "${H}_count{$T,method=\"Create\"}")"
check "Get latency histogram _count is 2" test "$(delta "${H}_count{$T,method=\"Get\"}")" = 2
check "login counted" \
  test "$(val "$WORK/m2" "$R{service=\"sealdesk.v1.Auth\",method=\"Login\",code=\"OK\"}")" -ge 1
check "queue depth P1 = 2" test "$(val "$WORK/m2" 'sealdesk_queue_depth{priority="P1"}')" = 2
check "queue depth P2 = 0" test "$(val "$WORK/m2" 'sealdesk_queue_depth{priority="P2"}')" = 0
check "queue depth P3 = 1" test "$(val "$WORK/m2" 'sealdesk_queue_depth{priority="P3"}')" = 1
check "nothing overdue yet" test "$(val "$WORK/m2" 'sealdesk_queue_overdue{priority="P1"}')" = 0
check "group-commit batches counted" \
  test "$(val "$WORK/m2" 'sealdesk_commit_batch_size_count')" -ge 1
check "resident memory reported" test "$(val "$WORK/m2" 'process_resident_memory_bytes')" -gt 0

# Audit size: the server's figure against an independent verifier on the same data dir.
scrape "$WORK/m3" >/dev/null
"$SD_BIN/sealaudit" --json verify --data "$D" >"$WORK/verify.json"
n_audit=$(jget '["entries"]' <"$WORK/verify.json")
scrape "$WORK/m4" >/dev/null
check "audit size stable while checking" \
  test "$(val "$WORK/m3" sealdesk_audit_entries)" = "$(val "$WORK/m4" sealdesk_audit_entries)"
check "audit size equals sealaudit ($n_audit)" \
  test "$(val "$WORK/m4" sealdesk_audit_entries)" = "$n_audit"

# No PII, no ticket ids, no user name: not in the text, not as any label value.
leak=0
for s in okapi-subject narwhal example.org "wallet question" "$USERNAME"; do
  if grep -q "$s" "$WORK/m2" "$WORK/m4"; then leak=1; echo "    leaked: $s" >&2; fi
done
check "no subjects, emails, bodies or user name in the scrape" test "$leak" = 0
check "no label value is a ticket id (le bounds aside)" $PY - "$WORK/m4" "${ids[@]}" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
values = set(re.findall(r'(?:service|method|code|priority)="([^"]*)"', text))
bad = values & set(sys.argv[2:])
sys.exit(1 if bad else 0)
EOF
check "labels use only service, method, code, le, priority, class (fixed values)" $PY - "$WORK/m4" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
names = set(re.findall(r'[{,]([a-z_]+)="', text))
classes = set(re.findall(r'class="([^"]*)"', text))
ok = names <= {"service", "method", "code", "le", "priority", "class"}
sys.exit(0 if ok and classes <= {"auto_reply", "bulk", "loop"} else 1)
EOF

# Other paths, methods and an oversized request.
http() { # http 'RAW REQUEST' -> first line of the answer ("" if the socket was closed)
  $PY - "$mport" "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
try:
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except (ConnectionResetError, BrokenPipeError):
    data = b""
print(data.split(b"\r\n", 1)[0].decode("latin-1"))
EOF
}
check "GET / is 404" test "$(http 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')" = "HTTP/1.1 404 Not Found"
check "GET /metrics/../x is 404" \
  test "$(http 'GET /metrics/../x HTTP/1.1\r\n\r\n')" = "HTTP/1.1 404 Not Found"
check "POST /metrics is 405" \
  test "$(http 'POST /metrics HTTP/1.1\r\n\r\n')" = "HTTP/1.1 405 Method Not Allowed"
big=$($PY -c 'print("GET /metrics HTTP/1.1\\r\\nX-Pad: " + "a" * 20000 + "\\r\\n\\r\\n")')
first=$(http "$big")
check "oversized request refused ($first)" \
  test "$first" = "HTTP/1.1 431 Request Header Fields Too Large" -o -z "$first"
check "a stalled client delays others at most the read timeout" $PY - "$mport" <<'EOF'
import socket, sys, urllib.request
idle = socket.create_connection(("127.0.0.1", int(sys.argv[1])))  # sends nothing
idle.sendall(b"GET /met")
with urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10) as r:
    ok = r.status == 200
idle.close()
sys.exit(0 if ok else 1)
EOF
check "open connections gauge follows a client connecting and leaving" \
  $PY - "$mport" "$port" <<'EOF'
import re, socket, sys, time, urllib.request
def conns():
    with urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=10) as r:
        return int(re.search(rb"^sealdesk_open_connections (\d+)$", r.read(), re.M).group(1))
def until(pred):
    for _ in range(50):
        if pred(conns()):
            return True
        time.sleep(0.1)
    return False
base = conns()
c = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
up = until(lambda n: n == base + 1)
c.close()
down = until(lambda n: n == base)
sys.exit(0 if up and down else 1)
EOF
check "still serving after the refusals" test "$(scrape "$WORK/m5")" = 200
check "RPC still serving" O --json stats >/dev/null

# Key memory: mlockall when the limit allows (root / CAP_IPC_LOCK / LimitMEMLOCK=infinity);
# the metric agrees with the start-up log, and the LMDB map is never left locked.
if grep -q "ev=mlock_skipped" "$WORK/server.log"; then want=0; else want=1; fi
check "sealdesk_memory_locked is $want as the start-up log says" \
  test "$(val "$WORK/m5" sealdesk_memory_locked)" = "$want"
# (ASan intercepts mlockall as a no-op that reports success: check the pages only without it.)
if [ "$want" = 1 ] && ! grep -q __asan_init "$SD_BIN/sealdeskd"; then
  check "process has locked memory (VmLck > 0)" \
    test "$(awk '/^VmLck:/ {print $2}' "/proc/$SRV/status")" -gt 0
  check "the LMDB map is not locked" $PY - "$SRV" <<'EOF'
import sys
inside, found, locked = False, False, False
for line in open("/proc/%s/smaps" % sys.argv[1]):
    head = line.split()
    if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
        inside = line.rstrip().endswith("/data.mdb")
        found |= inside
    elif inside and head[0] == "VmFlags:":
        locked |= "lo" in head[1:] or "lf" in head[1:]
sys.exit(0 if found and not locked else 1)
EOF
fi
check "core dumps off for the server" \
  test "$(awk '/^Max core file size/ {print $5}' "/proc/$SRV/limits")" = 0

kill -TERM "$SRV"
rc=0
wait "$SRV" || rc=$?
check "SIGTERM exits 0" test "$rc" = 0
finish
