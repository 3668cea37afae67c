#!/usr/bin/env bash
# The web console's server side (issue #16) over real TLS 1.3 + HTTP/2 with curl: static files
# from --console-dir with every security header, 404/405, gRPC-Web Login answering with the
# __Host-sealdesk cookie and an empty token, calls authenticated by that cookie, same-origin
# (403), grpc-web-text (415), a server-streaming method, Logout ending the session, native
# gRPC on the same port, and a server without console_dir (404 "console not configured").
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
GW="$PY $HERE/grpc_web.py"
DAEMON="$SD_BIN/sealdeskd"
C="$WORK/certs"
D="$WORK/data"
SRV_PID=""

bash "$HERE/gen_certs.sh" "$C" >/dev/null
OFF() { "$SEALCTL" --offline --data "$D" "$@"; }
OFF init >/dev/null
OFF --json user add --name wei --role agent --no-totp >"$WORK/wei.json"
OFF --json user add --name aud --role auditor >"$WORK/aud.json"
pw() { jget '["password"]' <"$WORK/$1.json"; }

# A console directory: served files, and entries that must never be served.
CD="$WORK/console"
mkdir -p "$CD/assets" "$CD/.git"
printf '<!doctype html><title>sealdesk</title><script src="/assets/app.js"></script>\n' \
  >"$CD/index.html"
printf 'console.log("hi");\n' >"$CD/assets/app.js"
printf 'body{}\n' >"$CD/assets/app.css"
printf 'secret\n' >"$CD/.git/config.txt"
printf 'x\n' >"$CD/.hidden.js"
printf 'x\n' >"$CD/bad name.js"
printf 'x\n' >"$CD/notes.exe"
echo "root:x:0:0" >"$WORK/outside.txt"
ln -s "$WORK/outside.txt" "$CD/link.txt"

start_server() {
  local log=$1; shift
  "$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" --listen 127.0.0.1:0 \
    "$@" 2>"$log" &
  SRV_PID=$!
  PORT=""
  for _ in $(seq 600); do # up to 60 s: a sanitized start on a busy CI host
    PORT=$(sed -n 's/^sealdeskd listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$log")
    [ -n "$PORT" ] && return 0
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "sealdeskd did not start:" >&2; sed 's/^/    /' "$log" >&2
  return 1
}
stop_server() {
  kill -TERM "$SRV_PID" 2>/dev/null || true
  RC=124
  for _ in $(seq 150); do
    if ! kill -0 "$SRV_PID" 2>/dev/null; then RC=0; wait "$SRV_PID" || RC=$?; SRV_PID=""; return; fi
    sleep 0.1
  done
  kill -9 "$SRV_PID"; wait "$SRV_PID" 2>/dev/null || true; SRV_PID=""
}

expect_exit 1 "a console_dir that does not exist stops start-up" -- \
  "$DAEMON" --data "$D" --cert "$C/server.pem" --key "$C/server.key" --listen 127.0.0.1:0 \
  --console-dir "$WORK/nope"
check "the reason names console_dir" grep -q "console_dir" "$WORK/err"

start_server "$WORK/srv.log" --console-dir "$CD"
check "start-up counts the served files (3)" grep -q "^sealdeskd console: 3 files$" "$WORK/srv.log"
ORIGIN="https://127.0.0.1:$PORT"
URL="https://127.0.0.1:$PORT"
# req NAME ARGS...: curl over HTTP/2 into $WORK/NAME.h (headers, lower-cased) / NAME.b (body)
req() {
  local n=$1; shift
  curl -sS --http2 --cacert "$C/ca.pem" -D "$WORK/$n.h" -o "$WORK/$n.b" "$@" || true
  tr 'A-Z' 'a-z' <"$WORK/$n.h" | tr -d '\r' >"$WORK/$n.hl"
}
status_of() { sed -n 's/^http\/2 \([0-9]*\).*/\1/p' "$WORK/$1.hl" | head -1; }
hdr() { grep -c "^$2\$" "$WORK/$1.hl" || true; }
# Every security header with its exact value (compared case-sensitively on the raw dump).
sec_headers() {
  local f="$WORK/$1.h" miss=0
  for want in \
    "content-security-policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'" \
    "strict-transport-security: max-age=63072000; includeSubDomains" \
    "x-content-type-options: nosniff" \
    "referrer-policy: no-referrer" \
    "cache-control: no-store" \
    "x-frame-options: DENY"; do
    tr -d '\r' <"$f" | grep -qxF "$want" || { echo "    missing: $want"; miss=1; }
  done
  [ "$miss" -eq 0 ]
}

# ---- static files ----
req idx "$URL/"
check "GET / answers 200" test "$(status_of idx)" = 200
check "GET / is index.html, byte for byte" cmp -s "$WORK/idx.b" "$CD/index.html"
check "GET / is text/html" test "$(hdr idx 'content-type: text/html; charset=utf-8')" = 1
check "GET / carries every security header" sec_headers idx
req js "$URL/assets/app.js"
check "GET /assets/app.js answers the file as JavaScript" \
  test "$(status_of js)/$(hdr js 'content-type: text/javascript; charset=utf-8')" = 200/1
check "a nested file is byte for byte" cmp -s "$WORK/js.b" "$CD/assets/app.js"
check "static files carry the security headers" sec_headers js
req q "$URL/index.html?lang=zh"
check "a query string is ignored for the lookup" cmp -s "$WORK/q.b" "$CD/index.html"
for p in /nope.js /link.txt /.hidden.js /.git/config.txt /notes.exe "/bad%20name.js" \
    /assets/../index.html /assets/ /index.html/; do
  req nf --path-as-is "$URL$p"
  check "GET $p answers 404" test "$(status_of nf)" = 404
done
check "a 404 carries the security headers" sec_headers nf
check "the symlinked file's content never went out" bash -c "! grep -q root: '$WORK/nf.b'"
req head -I "$URL/"
check "HEAD / answers 200 with the file's length" \
  test "$(status_of head)/$(hdr head "content-length: $(stat -c %s "$CD/index.html")")" = 200/1
req del -X DELETE "$URL/"
check "DELETE / answers 405" test "$(status_of del)" = 405
check "a 405 names the allowed methods" test "$(hdr del 'allow: get, head, post')" = 1
check "a 405 carries the security headers" sec_headers del

# ---- gRPC-Web ----
# web NAME BODYFILE PATH [curl args...]: a same-origin gRPC-Web POST
web() {
  local n=$1 body=$2 path=$3; shift 3
  req "$n" -X POST --data-binary "@$body" -H "content-type: application/grpc-web+proto" \
    -H "origin: $ORIGIN" -H "x-grpc-web: 1" "$@" "$URL$path"
}
$GW login wei "$(pw wei)" >"$WORK/login.req"
$GW empty >"$WORK/empty.req"
web login "$WORK/login.req" /sealdesk.v1.Auth/Login
check "gRPC-Web Login answers 200" test "$(status_of login)" = 200
check "gRPC-Web content type" test "$(hdr login 'content-type: application/grpc-web+proto')" = 1
check "gRPC-Web replies carry the security headers" sec_headers login
res=$($GW parse "$WORK/login.b" --login)
echo "    login: $res"
check "Login OK in the trailer frame, one message, token field empty" \
  grep -q "^status=0 messages=1 has_message_line=True token_len=0 user=wei roles=agent expires=yes$" \
  <<<"$res"
check "no HTTP/2 trailers (grpc-status only in the body)" test "$(grep -c '^grpc-status' "$WORK/login.hl" || true)" = 0
cookie=$(tr -d '\r' <"$WORK/login.h" | sed -n 's/^set-cookie: //Ip')
echo "    set-cookie: $(sed 's/=[0-9a-f]\{64\};/=<64 hex>;/' <<<"$cookie")"
check "set-cookie has the name, a 64-hex token and every attribute" \
  grep -qxE '__Host-sealdesk=[0-9a-f]{64}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=28800' \
  <<<"$cookie"
TOK=$(sed -n 's/^__Host-sealdesk=\([0-9a-f]*\);.*/\1/p' <<<"$cookie")
CK="cookie: __Host-sealdesk=$TOK"

web list "$WORK/empty.req" /sealdesk.v1.Tickets/List -H "$CK"
check "a call with the cookie is authenticated (Tickets/List OK)" \
  grep -q "^status=0 messages=1" <<<"$($GW parse "$WORK/list.b")"
web list2 "$WORK/empty.req" /sealdesk.v1.Tickets/List -H "cookie: theme=dark" -H "$CK; lang=zh"
check "the cookie is found among others and across cookie headers" \
  grep -q "^status=0" <<<"$($GW parse "$WORK/list2.b")"
web nock "$WORK/empty.req" /sealdesk.v1.Tickets/List
check "without the cookie: UNAUTHENTICATED (16)" grep -q "^status=16 messages=0" <<<"$($GW parse "$WORK/nock.b")"
web dup "$WORK/empty.req" /sealdesk.v1.Tickets/List -H "$CK; __Host-sealdesk=$TOK"
check "a duplicated cookie is no session (16)" grep -q "^status=16" <<<"$($GW parse "$WORK/dup.b")"
web bad "$WORK/empty.req" /sealdesk.v1.Tickets/List -H "cookie: __Host-sealdesk=${TOK:0:40}%00x"
check "a malformed cookie is no session (16)" grep -q "^status=16" <<<"$($GW parse "$WORK/bad.b")"
req sfs -X POST --data-binary "@$WORK/empty.req" -H "content-type: application/grpc-web" \
  -H "sec-fetch-site: same-origin" -H "$CK" "$URL/sealdesk.v1.Tickets/List"
check "sec-fetch-site: same-origin without origin is accepted" \
  grep -q "^status=0" <<<"$($GW parse "$WORK/sfs.b")"
req auth -X POST --data-binary "@$WORK/empty.req" -H "content-type: application/grpc-web" \
  -H "origin: $ORIGIN" -H "authorization: Bearer $TOK" "$URL/sealdesk.v1.Tickets/List"
check "an authorization header works over gRPC-Web too (tools)" \
  grep -q "^status=0" <<<"$($GW parse "$WORK/auth.b")"

# Same origin only: refused before anything runs (a cross-origin Logout leaves the session).
for o in "https://evil.example" "http://127.0.0.1:$PORT" "https://127.0.0.1:$PORT.evil.example"; do
  req xo -X POST --data-binary "@$WORK/empty.req" -H "content-type: application/grpc-web+proto" \
    -H "origin: $o" -H "$CK" "$URL/sealdesk.v1.Auth/Logout"
  check "origin $o: HTTP 403" test "$(status_of xo)" = 403
done
check "a 403 sets no cookie" test "$(grep -ci '^set-cookie' "$WORK/xo.h" || true)" = 0
check "a 403 carries the security headers" sec_headers xo
req xo2 -X POST --data-binary "@$WORK/empty.req" -H "content-type: application/grpc-web+proto" \
  -H "$CK" "$URL/sealdesk.v1.Auth/Logout"
check "no origin and no sec-fetch-site: HTTP 403" test "$(status_of xo2)" = 403
req xs -X POST --data-binary "@$WORK/empty.req" -H "content-type: application/grpc-web+proto" \
  -H "sec-fetch-site: cross-site" -H "origin: https://evil.example" -H "$CK" \
  "$URL/sealdesk.v1.Auth/Logout"
check "sec-fetch-site: cross-site: HTTP 403" test "$(status_of xs)" = 403
web still "$WORK/empty.req" /sealdesk.v1.Tickets/List -H "$CK"
check "the refused cross-origin Logout did not run (session still valid)" \
  grep -q "^status=0" <<<"$($GW parse "$WORK/still.b")"

req txt -X POST --data-binary "@$WORK/empty.req" -H "content-type: application/grpc-web-text" \
  -H "origin: $ORIGIN" -H "$CK" "$URL/sealdesk.v1.Tickets/List"
check "application/grpc-web-text: HTTP 415" test "$(status_of txt)" = 415
check "a 415 carries the security headers" sec_headers txt

$GW login wei "wrong-password" >"$WORK/badpw.req"
web badpw "$WORK/badpw.req" /sealdesk.v1.Auth/Login
check "a failed gRPC-Web Login: 16 in the trailer frame, no cookie" \
  test "$(grep -c "^status=16 messages=0" <<<"$($GW parse "$WORK/badpw.b")")/$(grep -ci '^set-cookie' "$WORK/badpw.h" || true)" = 1/0

# Server-streaming over gRPC-Web: Audit/Export as an auditor (TOTP login over gRPC-Web).
$GW login aud "$(pw aud)" "$($PY "$HERE/totp.py" "$(jget '["totp_uri"]' <"$WORK/aud.json")")" \
  >"$WORK/aud.req"
web alogin "$WORK/aud.req" /sealdesk.v1.Auth/Login
ACK="cookie: $(tr -d '\r' <"$WORK/alogin.h" | sed -n 's/^set-cookie: \(__Host-sealdesk=[0-9a-f]*\);.*/\1/Ip')"
web export "$WORK/empty.req" /sealdesk.v1.Audit/Export -H "$ACK"
res=$($GW parse "$WORK/export.b")
echo "    export: $res"
check "Audit/Export (server-streaming) over gRPC-Web: chunks then status 0" \
  grep -qE "^status=0 messages=[1-9]" <<<"$res"

# Native gRPC on the same port is unchanged (sealctl), and gets the headers too.
NATIVE=$("$SEALCTL" --server "127.0.0.1:$PORT" --ca "$C/ca.pem" login --name wei \
  --password "$(pw wei)")
check "native gRPC login still returns the token" test "${#NATIVE}" = 64
check "native gRPC call works" env SEALDESK_TOKEN="$NATIVE" "$SEALCTL" --server "127.0.0.1:$PORT" \
  --ca "$C/ca.pem" ticket list

# Logout over gRPC-Web expires the cookie and ends the session server-side.
web logout "$WORK/empty.req" /sealdesk.v1.Auth/Logout -H "$CK"
check "Logout OK" grep -q "^status=0" <<<"$($GW parse "$WORK/logout.b")"
check "Logout expires the cookie" grep -qxF \
  "set-cookie: __Host-sealdesk=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0" \
  <(tr -d '\r' <"$WORK/logout.h")
web after "$WORK/empty.req" /sealdesk.v1.Tickets/List -H "$CK"
check "the old cookie is refused after Logout (16)" grep -q "^status=16" <<<"$($GW parse "$WORK/after.b")"
check "no session token in the server log" bash -c "! grep -q '$TOK' '$WORK/srv.log'"
stop_server
check "graceful stop (exit 0, no leak under ASan)" test "$RC" = 0

# Without console_dir: GET / answers 404 "console not configured".
start_server "$WORK/srv2.log"
req nc "https://127.0.0.1:$PORT/"
check "no console_dir: GET / answers 404" test "$(status_of nc)" = 404
check "no console_dir: the body says so" grep -q "console not configured" "$WORK/nc.b"
check "no console_dir: the 404 carries the security headers" sec_headers nc
stop_server
finish
