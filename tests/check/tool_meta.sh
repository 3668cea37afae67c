#!/usr/bin/env bash
# Every tool answers --version (name and version, exit 0) and --help / COMMAND --help (its
# usage on stdout, exit 0), so an operator can ask any binary what it is and how to call it.
set -euo pipefail
: "${SD_BIN:?}"
fail=0
for t in sealctl sealaudit sealkey sealdeskd sealbench; do
  v=$("$SD_BIN/$t" --version) || { echo "not ok - $t --version exit $?"; fail=1; continue; }
  [[ "$v" =~ ^$t\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "not ok - $t --version said '$v'"; fail=1; }
  h=$("$SD_BIN/$t" --help) || { echo "not ok - $t --help exit $?"; fail=1; continue; }
  grep -q "^usage: $t" <<<"$h" || { echo "not ok - $t --help has no usage line"; fail=1; }
done
h=$("$SD_BIN/sealctl" ticket --help) && grep -q "ticket create" <<<"$h" ||
  { echo "not ok - sealctl ticket --help"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok - every tool answers --version and --help"
exit "$fail"
