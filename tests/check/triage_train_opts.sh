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
           --money-raise --money-agree --veto-raise --epochs --cat-weight --cat-cap --dropout --average; do
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
# --rules FILE (sd_triage_rules_load_file): a missing file, a directory, a file over the size
# limit and a bad line each fail naming the file (and the line), without a crash
head -c 1048577 /dev/zero | tr '\0' '\n' >"$W/big.rules"
printf 'cat deposit 3 a: x\nbogus line\n' >"$W/bad.rules"
for r in "$W/none.rules:0: no such file" "$W:0: cannot open or read" \
         "$W/big.rules:0: limit exceeded" "$W/bad.rules:2: cannot parse"; do
  if "$T" --rules "${r%%:*}" --eval "$W/train.jsonl" "$W/train.jsonl" >/dev/null 2>"$W/err"; then
    echo "not ok - --rules ${r%%:*} accepted"
    fail=1
  elif ! grep -qF -- "$r" "$W/err"; then
    echo "not ok - --rules ${r%%:*}: expected '$r'"
    cat "$W/err"
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "ok - triage_train refuses NaN, infinities, empty values and bad --rules files"
exit "$fail"
