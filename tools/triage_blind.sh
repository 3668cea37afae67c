#!/usr/bin/env bash
# Blind folds (issue #17 item 2, data/triage/README.md "Round 12, brief G"): each writer scored
# with the rules of a commit that had not seen it and the model trained without that writer and
# without the kinds sets written after it: the estimate for a writer nobody has read.
#   A: edde5b7's rules on train10/11 (model without train10/11, kinds10, kinds10q, kinds11g, kinds12, kinds12g)
#   B: 53c8c9e's rules on train8/9 (model without train8/9, kinds9*, kinds10*, kinds11g, kinds12, kinds12g)
#   C: ca2b2c1's rules on train12 (model without train12, kinds12, kinds12g)
#   D: 673901e's rules on train13 (model without train13, kinds13, kinds13f; round 14, brief F).
#      673901e holds round 12 T's rules, read on train13: D is blind for the rules written after
#      it (F13, F14) and for the model, not for T13.
# A, B and C never train on train13, kinds12q, kinds13 or kinds13f (written after those folds).
# No fold trains on kinds14f (written from these folds' misses).
# A block of new rules (BLOCK, or - for none) is judged appended to each older rules file (before
# its "# Q10" block when it has one). Train sets only: never the held-out sets.
# usage: tools/triage_blind.sh TRIAGE_TRAIN_BIN OUTDIR BLOCK|- [TRIAGE_TRAIN OPTIONS...]
# Writes OUTDIR/{A,B,C,D}.out (per-file lines), .err (--verbose-cat), .dump (--dump) and prints
# the rules + model totals per fold.
set -euo pipefail
BIN=${1:?usage: triage_blind.sh BIN OUTDIR BLOCK|- [OPTIONS...]}
OUT=${2:?usage}
ADD=${3:?usage}
shift 3
XO=("$@")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$ROOT/data/triage
# shellcheck disable=SC2207
PARAMS=($(sed -n 's/^PARAMS=(\(.*\))/\1/p' "$ROOT/tools/triage_train.sh"))
mkdir -p "$OUT"
sets_without() {
  local ex=" $1 " s=()
  for x in train holdout holdout2 train4 train5 train6 train7 train8 train9 train10 train11 train12 train13; do
    [[ $ex == *" $x "* ]] && continue
    for l in zh en ko; do s+=("$D/$x-$l.jsonl"); done
  done
  s+=("$ROOT/../shared/data/triage-dev.jsonl" "$D/tmodel-kinds.jsonl")
  for k in kinds8 kinds9 kinds9e kinds9f kinds10 kinds10q kinds11g kinds12 kinds12g kinds12q kinds13 kinds13f; do
    [[ $ex == *" $k "* ]] && continue
    for l in zh en ko; do s+=("$D/$k-$l.jsonl"); done
  done
  printf '%s\n' "${s[@]}"
}
rules_of() { # commit -> rules file (with BLOCK inserted)
  local r=$OUT/rules-$1
  git -C "$ROOT" show "$1:data/triage.rules" >"$r.orig"
  if [ "$ADD" = "-" ]; then
    cp "$r.orig" "$r"
  elif grep -q '^# Q10' "$r.orig"; then
    awk -v f="$ADD" '/^# Q10/{while((getline l<f)>0)print l; print ""} {print}' "$r.orig" >"$r"
  else
    cat "$r.orig" "$ADD" >"$r"
  fi
  echo "$r"
}
run() { # name commit excluded evaluated
  local r ev=() tr=()
  r=$(rules_of "$2")
  for f in $4; do for l in zh en ko; do ev+=(--eval "$D/$f-$l.jsonl"); done; done
  mapfile -t tr < <(sets_without "$3")
  "$BIN" "${PARAMS[@]}" "${XO[@]}" --verbose-cat --dump "$OUT/$1.dump" --rules "$r" "${ev[@]}" \
    "${tr[@]}" >"$OUT/$1.out" 2>"$OUT/$1.err"
}
run A edde5b7 "train10 train11 kinds10 kinds10q kinds11g kinds12 kinds12g train13 kinds12q kinds13 kinds13f" "train10 train11"
run B 53c8c9e "train8 train9 kinds9 kinds9e kinds9f kinds10 kinds10q kinds11g kinds12 kinds12g train13 kinds12q kinds13 kinds13f" "train8 train9"
run C ca2b2c1 "train12 kinds12 kinds12g train13 kinds12q kinds13 kinds13f" "train12"
run D 673901e "train13 kinds13 kinds13f" "train13"
for w in A B C D; do
  awk -v w="$w" '$1=="rules+model" { split($3,n,"="); split($4,c,"="); split($7,f,"="); split($8,p,"=");
    split(p[2],h,"/"); N+=n[2]; E+=n[2]-c[2]*n[2]; FP+=f[2]; M+=h[2]-h[1] }
    END { printf "blind %s n=%d category_errors=%.0f missed_p1=%d false_p1=%d\n", w, N, E, M, FP }' "$OUT/$w.out"
done
