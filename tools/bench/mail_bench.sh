#!/usr/bin/env bash
# Outbox deliveries per second through a private local Postfix (issue 15 figure; not a test).
# Queues N public replies offline, starts sealdeskd with `smtp = 127.0.0.1:PORT` and times
# until N messages are in the Maildir. Needs root (Postfix). Usage:
#   tools/bench/mail_bench.sh [BUILD_TOOLS_DIR] [N]    (default build/tools, 200)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SD_BIN=$(cd "${1:-$ROOT/build/tools}" && pwd)
N=${2:-200}
SEALCTL="$SD_BIN/sealctl"
WORK=$(mktemp -d /tmp/sdmailbench.XXXXXX)
chmod 755 "$WORK"
. "$ROOT/tests/integration/postfix.sh"
pf_skip_unless_root
SRV=""
trap '[ -n "$SRV" ] && kill -9 "$SRV" 2>/dev/null; pf_stop "$WORK/pf"; rm -rf "$WORK"' EXIT
pf_start "$WORK/pf" "$WORK/Maildir"
PORT=$PF_PORT
bash "$ROOT/tests/integration/gen_certs.sh" "$WORK/certs" >/dev/null
S() { "$SEALCTL" --offline --data "$WORK/data" "$@"; }
S init >/dev/null
id=$(S ticket create --channel email --subject bench --body b --customer-email alice@desk.test \
     --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for i in $(seq "$N"); do S ticket comment "$id" --body "reply $i" >/dev/null; done
t0=$(date +%s.%N)
"$SD_BIN/sealdeskd" --data "$WORK/data" --cert "$WORK/certs/server.pem" \
  --key "$WORK/certs/server.key" --listen 127.0.0.1:0 --smtp "127.0.0.1:$PORT" \
  --mail-from support@desk.test 2>"$WORK/srv.log" &
SRV=$!
while [ "$(find "$WORK/Maildir/new" -type f 2>/dev/null | wc -l)" -lt "$N" ]; do sleep 0.05; done
t1=$(date +%s.%N)
python3 -c "import sys; n=$N; d=$t1-$t0; print(f'{n} messages in {d:.2f} s: {n/d:.1f} deliveries/s (into the Maildir, including sealdeskd start-up)')"
