#!/usr/bin/env bash
# Run one real-browser test file (ctest browser.*): run.sh FILE.test.mjs. What the browser
# tests need and tools/setup/deps.sh installs is checked first; a missing piece fails the test
# with the reason, so a machine without a browser never reports a pass.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
file=${1:?usage: run.sh FILE.test.mjs}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
fail() { echo "FAILED (not run): $*" >&2; exit 1; }
command -v node >/dev/null || fail "node is missing (tools/setup/deps.sh installs nodejs)"
[ -d "$HERE/node_modules/playwright-core" ] && [ -d "$HERE/node_modules/axe-core" ] ||
  fail "tests/browser/node_modules is missing: run tools/setup/deps.sh (npm ci)"
case $(basename "$file") in
  totp.test.mjs) ;; # needs no browser nor console
  *)
    [ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing (Debian chromium: tools/setup/deps.sh)"
    [ -f "${CONSOLE_DIR:-$HERE/../../console/dist}/index.html" ] ||
      fail "${CONSOLE_DIR:-console/dist}/index.html is missing: make console" ;;
esac
cd "$HERE"
exec node --test --test-reporter=spec "$file"
