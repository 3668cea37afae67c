#!/usr/bin/env bash
# `make run`: on first run create var/dev/ (data dir, master key kept outside it, a dev CA and
# server certificate), write var/dev/env for scripts, then run sealdeskd on 127.0.0.1:7443 in
# the foreground. Ctrl-C (SIGINT) stops it gracefully.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEV="$ROOT/var/dev"
BIN="$ROOT/$BUILD/tools"
LISTEN=${SEALDESK_LISTEN:-127.0.0.1:7443}

mkdir -p "$DEV"
chmod 700 "$DEV"
if [ ! -f "$DEV/data/data.mdb" ]; then
  "$BIN/sealctl" --offline --data "$DEV/data" --key-file "$DEV/master.key" init >/dev/null
  echo "devrun: created $DEV/data (master key $DEV/master.key)"
fi
if [ ! -f "$DEV/certs/server.pem" ]; then
  bash "$ROOT/tests/integration/gen_certs.sh" "$DEV/certs" >/dev/null
  echo "devrun: generated a dev CA and server certificate in $DEV/certs"
fi
cat > "$DEV/env" <<ENV
SEALDESK_DATA=$DEV/data
SEALDESK_KEY_FILE=$DEV/master.key
SEALDESK_SERVER=$LISTEN
SEALDESK_CA=$DEV/certs/ca.pem
export SEALDESK_DATA SEALDESK_KEY_FILE SEALDESK_SERVER SEALDESK_CA
ENV
cat <<MSG
devrun: wrote $DEV/env. In another terminal:
  . var/dev/env
  $BUILD/tools/sealctl --offline --json user add --name alice --role agent,supervisor
  export SEALDESK_TOKEN=\$($BUILD/tools/sealctl login --name alice --totp CODE)
  $BUILD/tools/sealctl --json ticket create --channel chat --subject hi --body 'deposit not credited'
  $BUILD/tools/sealctl --json queue claim --agent alice
  $BUILD/tools/sealctl --json ticket status 1 --to resolved
devrun: starting sealdeskd on $LISTEN (Ctrl-C to stop)
MSG
# The web console (issue #16), once `npm run build` has made console/dist.
CONSOLE=()
if [ -f "$ROOT/console/dist/index.html" ]; then
  CONSOLE=(--console-dir "$ROOT/console/dist")
  echo "devrun: web console at https://$LISTEN/ (CA $DEV/certs/ca.pem)"
fi
exec "$BIN/sealdeskd" --listen "$LISTEN" --cert "$DEV/certs/server.pem" \
  --key "$DEV/certs/server.key" --data "$DEV/data" --key-file "$DEV/master.key" "${CONSOLE[@]}"
