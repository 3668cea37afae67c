#!/usr/bin/env bash
# Train data/triage.model from the labelled sets, in a fixed order (deterministic output).
# usage: tools/triage_train.sh TRIAGE_TRAIN_BIN OUT        (`make triage-model`)
#        tools/triage_train.sh TRIAGE_TRAIN_BIN --check    (ctest model.up_to_date: the committed
#                                                           model equals a fresh training run)
# The sets: data/triage/{train,holdout,holdout2,train5}-{zh,en,ko}.jsonl and
# ../shared/data/triage-dev.jsonl (never holdout3/holdout5 nor the merger's held-out sets).
set -euo pipefail
BIN=${1:?usage: triage_train.sh BIN OUT|--check}
OUT=${2:?usage: triage_train.sh BIN OUT|--check}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SETS=()
for s in train holdout holdout2 train5; do
  for l in zh en ko; do SETS+=("$ROOT/data/triage/$s-$l.jsonl"); done
done
SETS+=("$ROOT/../shared/data/triage-dev.jsonl")
# The model raises a ticket to P1 only when it is confident (0.8, the default 0.5 over-fired
# on account tickets once the P1-rich train5 sets joined; the rules carry P1 recall).
PARAMS=(--fund-raise 0.8)
if [ "$OUT" = "--check" ]; then
  tmp=$(mktemp /tmp/triage-model.XXXXXX)
  trap 'rm -f "$tmp"' EXIT
  "$BIN" "${PARAMS[@]}" --out "$tmp" "${SETS[@]}"
  if ! cmp -s "$tmp" "$ROOT/data/triage.model"; then
    echo "data/triage.model is not what the labelled sets train: run 'make triage-model'" >&2
    exit 1
  fi
  echo "data/triage.model is up to date"
else
  "$BIN" "${PARAMS[@]}" --out "$OUT" "${SETS[@]}"
fi
