#!/usr/bin/env bash
# `make run`: create the dev state under var/dev/ on first run (data dir, master key kept
# outside it), write var/dev/env for scripts, then start the service when it is built.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEV="$ROOT/var/dev"
SEALCTL="$ROOT/$BUILD/tools/sealctl"

mkdir -p "$DEV"
chmod 700 "$DEV"
if [ ! -f "$DEV/data/data.mdb" ]; then
  "$SEALCTL" --offline --data "$DEV/data" --key-file "$DEV/master.key" init >/dev/null
  echo "devrun: created $DEV/data (master key $DEV/master.key)"
fi
cat > "$DEV/env" <<ENV
SEALDESK_DATA=$DEV/data
SEALDESK_KEY_FILE=$DEV/master.key
export SEALDESK_DATA SEALDESK_KEY_FILE
ENV
echo "devrun: wrote $DEV/env; try:"
echo "  . var/dev/env"
echo "  $BUILD/tools/sealctl --offline ticket create --channel chat --subject hi --body 'deposit not credited'"
if [ -x "$ROOT/$BUILD/tools/sealdeskd" ]; then
  exec "$ROOT/$BUILD/tools/sealdeskd" --data "$DEV/data" --key-file "$DEV/master.key"
fi
