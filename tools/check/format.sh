#!/usr/bin/env bash
# Formatting check (part of `make static`, so of `make test`): every tracked .c/.h file must be
# unchanged by clang-format with the repository's .clang-format. Fix with `make format`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CF=${CLANG_FORMAT:-clang-format}
command -v "$CF" >/dev/null || { echo "format: $CF not found (tools/setup/deps.sh)" >&2; exit 2; }
bad=0
while IFS= read -r f; do
  [ -f "$f" ] || continue
  if ! "$CF" --style=file "$f" | cmp -s - "$f"; then
    echo "format: $f differs from clang-format (run: make format)" >&2
    bad=$((bad + 1))
  fi
done < <(git ls-files --cached --others --exclude-standard -- '*.c' '*.h')
if [ "$bad" -ne 0 ]; then
  echo "format: $bad file(s) not formatted" >&2
  exit 1
fi
echo "format: clean"
