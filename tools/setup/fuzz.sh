#!/usr/bin/env bash
# Run every libFuzzer harness of a clang SD_FUZZ=ON build for SECONDS each, seeded from
# tests/fuzz/corpus/<name>/ (read-only; new inputs go to a scratch dir). Fails on any crash.
set -euo pipefail
BUILD=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
SECS=${2:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
fails=0
runs=0
for bin in "$BUILD"/tests/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  seeds="$ROOT/tests/fuzz/corpus/${name#fuzz_}"
  scratch=$(mktemp -d /tmp/sdfuzz.XXXXXX)
  mkdir -p "$seeds"
  if "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
      -artifact_prefix="$scratch/" "$scratch" "$seeds" >"$scratch/log" 2>&1; then
    echo "fuzz $name: ${SECS}s clean ($(grep -c . "$scratch/log") log lines)"
  else
    echo "fuzz $name: FAILED; log and crash input in $scratch" >&2
    tail -30 "$scratch/log" >&2
    fails=$((fails + 1))
    runs=$((runs + 1))
    continue
  fi
  rm -rf "$scratch"
  runs=$((runs + 1))
done
echo "fuzz: $((runs - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
