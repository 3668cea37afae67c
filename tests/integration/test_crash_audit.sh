#!/usr/bin/env bash
# Crash atomicity of change + audit entry: 50 trials of a writer (crash_writer: creates and
# claims in a loop, one write txn each) killed with SIGKILL at a random moment. After each, the
# audit log verifies and its entries match the stored changes exactly: one per ticket created,
# one per claim, plus the init entry. Never a change without its entry or the reverse.
. "$(dirname "$0")/lib.sh"
TRIALS=${SD_CRASH_TRIALS:-50}

WRITER="$SD_BIN/../tests/crash_writer"

for t in $(seq 1 "$TRIALS"); do
  # A fresh data dir per trial keeps each check small; the kill lands after start-up.
  D="$WORK/data$t"
  "$SEALCTL" --offline --data "$D" init >/dev/null
  "$WRITER" "$D" &
  pid=$!
  ms=$((300 + RANDOM % 900))   # past start-up, then anywhere in the write loop
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  s=$("$SEALCTL" --offline --data "$D" --json stats)
  total=$(echo "$s" | jget '["total"]')
  claimed=$(echo "$s" | jget '["by_status"]["in_progress"]')
  v=$("$SD_BIN/sealaudit" verify --data "$D" | tail -1)
  entries=$(echo "$v" | sed -n 's/^OK entries=\([0-9]*\).*/\1/p')
  if [ -n "$entries" ] && [ "$entries" -eq $((1 + total + claimed)) ]; then
    ok "trial $t: $total tickets, $claimed claims, $entries audit entries, log verifies"
  else
    bad "trial $t: tickets=$total claims=$claimed, verify: $v"
  fi
  rm -rf "$D"
done
finish
