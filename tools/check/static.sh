#!/usr/bin/env bash
# Static analysis with a zero baseline (`make static`, part of `make test`): cppcheck,
# clang-tidy (checks in .clang-tidy) and gcc -fanalyzer, over src/ and tools/ (not tests/).
# Any finding fails. A false positive is silenced inline with its reason: `// NOLINT(check):`
# for clang-tidy, `// cppcheck-suppress id` for cppcheck, a `#pragma GCC diagnostic` pair
# (gcc only) for -fanalyzer.
#
#   tools/check/static.sh CLANG_BUILD_DIR [ANALYZER_BUILD_DIR]
#
# CLANG_BUILD_DIR: a configured and built tree with compile_commands.json (`make build-clang`
# exports it) and the generated protobuf-c headers in proto/. ANALYZER_BUILD_DIR (default
# build-analyzer) is configured here with -fanalyzer and built: the libraries and the tools.
# STATIC_JOBS (default 2) bounds the parallel work.
set -euo pipefail

usage() { echo "usage: $0 CLANG_BUILD_DIR [ANALYZER_BUILD_DIR]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
ANALYZER=${2:-build-analyzer}
JOBS=${STATIC_JOBS:-2}
cd "$ROOT"
[ -f "$BUILD/compile_commands.json" ] ||
  { echo "static: no $BUILD/compile_commands.json (make build-clang exports it)" >&2; exit 2; }
[ -d "$BUILD/proto" ] || { echo "static: no generated headers in $BUILD/proto" >&2; exit 2; }
for tool in cppcheck clang-tidy gcc; do
  command -v "$tool" >/dev/null || { echo "static: $tool not found (tools/setup/deps.sh)" >&2; exit 2; }
done

LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT
status=0
t_all=$SECONDS

# --- cppcheck -------------------------------------------------------------------------------
# The generated .pb-c.h files refuse to parse without the protobuf-c version they were made for.
PBC_VERSION=$(awk '/#define[ \t]+PROTOBUF_C_VERSION_NUMBER/ {print $3}' \
                  /usr/include/protobuf-c/protobuf-c.h)
[ -n "$PBC_VERSION" ] || { echo "static: no PROTOBUF_C_VERSION_NUMBER" >&2; exit 2; }
t=$SECONDS
if cppcheck -q --enable=warning,portability --inline-suppr --std=c11 -D_GNU_SOURCE \
     -DPROTOBUF_C_VERSION_NUMBER="$PBC_VERSION" -Iinclude -Isrc -I"$BUILD/proto" \
     --error-exitcode=1 -j"$JOBS" src tools >"$LOG/cppcheck" 2>&1 && [ ! -s "$LOG/cppcheck" ]; then
  echo "static: cppcheck clean ($((SECONDS - t)) s)"
else
  cat "$LOG/cppcheck"
  echo "static: cppcheck FAILED" >&2
  status=1
fi

# --- clang-tidy -----------------------------------------------------------------------------
# Every translation unit of src/ and tools/ in the compile database, one clang-tidy process
# per file: clang-tidy 14 run on several files in one process carries the va_list checker's
# state from one file to the next and reports every va_start/vsnprintf/va_end after the first
# file as using an uninitialised va_list.
python3 - "$BUILD/compile_commands.json" "$ROOT" >"$LOG/files" <<'EOF'
import json, os, sys
root = sys.argv[2]
files = {os.path.realpath(os.path.join(e["directory"], e["file"]))
         for e in json.load(open(sys.argv[1]))}
for f in sorted(files):
    rel = os.path.relpath(f, root)
    if rel.startswith(("src/", "tools/")):
        print(f)
EOF
[ -s "$LOG/files" ] || { echo "static: no src/ or tools/ files in the compile database" >&2; exit 2; }
t=$SECONDS
tidy_rc=0
xargs -P"$JOBS" -n1 clang-tidy -p "$BUILD" --quiet \
      --header-filter="^$ROOT/(include/sealdesk|src|tools)/" <"$LOG/files" \
      >"$LOG/tidy" 2>"$LOG/tidy.err" || tidy_rc=$?
if [ "$tidy_rc" -eq 0 ] && ! grep -qE '(warning|error):' "$LOG/tidy" "$LOG/tidy.err"; then
  echo "static: clang-tidy clean, $(wc -l <"$LOG/files") files ($((SECONDS - t)) s)"
else
  cat "$LOG/tidy"
  grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|NOLINT' \
    "$LOG/tidy.err" >&2 || true
  echo "static: clang-tidy FAILED ($(grep -cE '(warning|error):' "$LOG/tidy" || true) findings)" >&2
  status=1
fi

# --- gcc -fanalyzer -------------------------------------------------------------------------
# -Werror (SD_WERROR) makes any -Wanalyzer-* warning fail the build of its file, so a file
# with a finding never counts as up to date and an incremental build reports it again.
t=$SECONDS
TARGETS=(sealctl sealaudit sealdeskd sealkey sealbench audit_bench kb_bench fill_bench)
an_rc=0
{ cmake -S . -B "$ANALYZER" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS=-fanalyzer -DSD_WERROR=ON >/dev/null &&
  cmake --build "$ANALYZER" -j "$JOBS" --target "${TARGETS[@]}"; } >"$LOG/analyzer" 2>&1 ||
  an_rc=$?
if [ "$an_rc" -eq 0 ] && ! grep -q -- '-Wanalyzer-\|=analyzer-' "$LOG/analyzer"; then
  echo "static: gcc -fanalyzer clean ($((SECONDS - t)) s)"
else
  grep -E 'warning:|error:|note:|^ +\|' "$LOG/analyzer" || tail -40 "$LOG/analyzer"
  echo "static: gcc -fanalyzer FAILED" >&2
  status=1
fi

echo "static: $([ $status -eq 0 ] && echo OK || echo FAILED) in $((SECONDS - t_all)) s"
exit $status
