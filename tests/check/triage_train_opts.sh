#!/usr/bin/env bash
# tools/triage_train refuses a numeric option that is not a number in its range, naming the
# option, and writes no model. NaN was the hole: every comparison with NaN is false, so
# "x < lo || x > hi" let --rate nan (and inf-nan spellings) through and training wrote a model
# of NaN weights (lround(NaN): unspecified).
set -euo pipefail
: "${SD_BIN:?}"
T="$SD_BIN/triage_train"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
printf '{"subject":"s","body":"deposit not arrived","category":"deposit","priority":"P2"}\n' \
  >"$W/train.jsonl"
fail=0
"$T" --out "$W/ok.model" "$W/train.jsonl" || { echo "not ok - a valid run failed"; fail=1; }
for opt in --rate --l2 --fund-pos --fund-neg --prune --prio-conf --fund-raise --p1-agree \
           --epochs --cat-weight --cat-cap --dropout --average; do
  for v in nan NAN -nan inf 1e999 ""; do
    rm -f "$W/m"
    if "$T" --out "$W/m" "$opt" "$v" "$W/train.jsonl" 2>"$W/err"; then
      echo "not ok - $opt '$v' accepted"
      fail=1
    elif ! grep -q -- "$opt" "$W/err" || [ -e "$W/m" ]; then
      echo "not ok - $opt '$v': error does not name the option, or a model was written"
      cat "$W/err"
      fail=1
    fi
  done
done
[ "$fail" -eq 0 ] && echo "ok - triage_train refuses NaN, infinities and empty values"
exit "$fail"
