#!/usr/bin/env bash
# Train data/triage.model from the labelled sets, in a fixed order (deterministic output).
# usage: tools/triage_train.sh TRIAGE_TRAIN_BIN OUT        (`make triage-model`)
#        tools/triage_train.sh TRIAGE_TRAIN_BIN --check    (ctest model.up_to_date: the committed
#                                                           model equals a fresh training run)
# The sets: data/triage/{train,holdout,holdout2,train4,train5,train6,train7}-{zh,en,ko}.jsonl,
# ../shared/data/triage-dev.jsonl and data/triage/tmodel-kinds.jsonl (never the independent
# held-out sets holdout3-* .. holdout7-*).
set -euo pipefail
BIN=${1:?usage: triage_train.sh BIN OUT|--check}
OUT=${2:?usage: triage_train.sh BIN OUT|--check}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SETS=()
for s in train holdout holdout2 train4 train5 train6 train7; do
  for l in zh en ko; do SETS+=("$ROOT/data/triage/$s-$l.jsonl"); done
done
SETS+=("$ROOT/../shared/data/triage-dev.jsonl")
# model-only examples of alarming non-P1 kinds (exchange hack rumours, prevention questions,
# ignored impersonators, lost 2FA without compromise, own logins): data/triage/README.md
SETS+=("$ROOT/data/triage/tmodel-kinds.jsonl")
# The model's P1 raise threshold (the trainer's default, said here because it is a choice):
# chosen on tools/triage_xval.sh's gen4 fold, the only writer neither the rules nor the model
# had seen (round 7): 0.5 gives category/priority/P1 recall 0.890/0.876/0.932 there, 0.8
# 0.878/0.845/0.842, 0.35 0.886/0.872/0.946 with more false P1s. A missed fund-safety ticket
# is the worst error; the writers the rules were tuned on (dev, tpl, gen2) prefer 0.8.
PARAMS=(--fund-raise 0.4 --p1-agree 0.5)
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
