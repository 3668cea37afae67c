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
# COMMAND [SUB] --help: exit 0 with no data dir or server, and every valid value of an
# enumerated option, taken from the library's name tables. The expected names come from the
# sources (the enum in include/sealdesk/tickets.h and the name tables in src/), not from a copy here.
: "${SD_SOURCE_DIR:?}"
names_of() { # the quoted strings of a C name table: names_of FILE TABLE
  sed -n "/static const char \*const $2\[/,/};/p" "$1" | grep -o '"[a-z_A-Z0-9]*"' | tr -d '"' | grep -v '^unknown$'
}
help_has() { # help_has "ARGS" NAME... : `sealctl ARGS --help` exits 0 and lists each NAME
  local args=$1 h; shift
  h=$(env -u SEALDESK_DATA -u SEALDESK_SERVER "$SD_BIN/sealctl" $args --help) ||
    { echo "not ok - sealctl $args --help exit $?"; fail=1; return; }
  for n in "$@"; do
    grep -q "one of:.*\b$n\b" <<<"$h" || { echo "not ok - sealctl $args --help lacks $n"; fail=1; }
  done
}
chan=$(names_of "$SD_SOURCE_DIR/src/tickets/desk.c" channel_names)
cats=$(names_of "$SD_SOURCE_DIR/src/text/triage.c" cat_names)
[ -n "$chan" ] || { echo "not ok - no channel name table found"; fail=1; }
# every SD_CH_* of the enum has a name in the table
n_enum=$(sed -n '/^enum sd_channel {/,/};/p' "$SD_SOURCE_DIR/include/sealdesk/tickets.h" |
  grep -c 'SD_CH_[A-Z]*' )
[ "$(wc -w <<<"$chan")" -eq $((n_enum - 1)) ] ||
  { echo "not ok - channel table ($chan) and enum ($n_enum - 1) differ"; fail=1; }
help_has "ticket create" $chan P1 P4 account general
help_has "ticket list" received archived account general
help_has "ticket status" in_progress resolved reopen
help_has "remedy request" compensation third_party_payout
help_has "user add" agent supervisor compliance security_admin auditor
help_has "incident list" open resolved
help_has "kb add" draft published retired
[ -n "$cats" ] || { echo "not ok - no category name table found"; fail=1; }
help_has "ticket create" $cats
h=$(env -u SEALDESK_DATA -u SEALDESK_SERVER "$SD_BIN/sealctl" ticket create --help)
grep -q "^usage: sealctl .*ticket create --channel" <<<"$h" ||
  { echo "not ok - ticket create --help has no usage line"; fail=1; }
if env -u SEALDESK_DATA -u SEALDESK_SERVER "$SD_BIN/sealctl" ticket create --bogus 2>/dev/null; then
  echo "not ok - ticket create --bogus exit 0"; fail=1
fi
e=$(env -u SEALDESK_DATA -u SEALDESK_SERVER "$SD_BIN/sealctl" ticket create --bogus 2>&1 || true)
grep -q "unknown option --bogus" <<<"$e" || { echo "not ok - unknown option not named"; fail=1; }
"$SD_BIN/sealkey" shred --help | grep -q -- "--customer-uid" ||
  { echo "not ok - sealkey shred --help"; fail=1; }
"$SD_BIN/sealaudit" verify --help | grep -q "^usage: sealaudit" ||
  { echo "not ok - sealaudit verify --help"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok - every tool answers --version and --help"
exit "$fail"
