#!/usr/bin/env bash
# Train data/triage.model from the labelled sets, in a fixed order (deterministic output).
# usage: tools/triage_train.sh TRIAGE_TRAIN_BIN OUT        (`make triage-model`)
#        tools/triage_train.sh TRIAGE_TRAIN_BIN --check    (ctest model.up_to_date: the committed
#                                                           model equals a fresh training run)
# The sets: data/triage/{train,holdout,holdout2,train4,train5}-{zh,en,ko}.jsonl,
# ../shared/data/triage-dev.jsonl, data/triage/tmodel-kinds.jsonl and kinds8-{zh,en,ko}.jsonl (never the independent
# held-out sets holdout3-*, holdout4-*, holdout5-*).
set -euo pipefail
BIN=${1:?usage: triage_train.sh BIN OUT|--check}
OUT=${2:?usage: triage_train.sh BIN OUT|--check}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SETS=()
for s in train holdout holdout2 train4 train5; do
  for l in zh en ko; do SETS+=("$ROOT/data/triage/$s-$l.jsonl"); done
done
SETS+=("$ROOT/../shared/data/triage-dev.jsonl")
# model-only examples of alarming non-P1 kinds (exchange hack rumours, prevention questions,
# ignored impersonators, lost 2FA without compromise, own logins): data/triage/README.md
SETS+=("$ROOT/data/triage/tmodel-kinds.jsonl")
# round 8: kinds unseen writers missed (loss told by what is left, denials after the verb,
# ignored scams, own actions, ko direction particles and feature-request endings)
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds8-$l.jsonl"); done
# The model's P1 raise threshold (the trainer's default is 0.5; said here because it is a choice):
# chosen on tools/triage_xval.sh's folds (the writer left out of training). Round 7 chose 0.5 on
# the gen4 fold. Round 8 (calm rules veto raises on denials, own actions and ignored scams):
# over all folds 0.5 misses 11 P1s with 71 false P1s, 0.4 misses 7 with 115 (round 7 at 0.5:
# 16 misses, 141 false P1s). 0.4 took the shipped model's shared-dev category/priority to
# 0.960/0.963 (9 false P1s) against 0.973/0.975 (4) at 0.5, below the floor of 0.973: 0.5 stays.
PARAMS=(--fund-raise 0.5)
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
