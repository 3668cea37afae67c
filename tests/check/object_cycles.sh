#!/usr/bin/env bash
# No cycle between the folders of src/ (static libraries), and no new cycle between the
# object files of src/ (each .o's undefined symbols matched to the .o
# defining them, tools/check/objdeps.py). tools/check/cycles.allowed lists the cycles that
# existed when this check was added; the Architecture split removes them one by one, and a
# cycle not on the list fails the test.
set -euo pipefail
: "${SD_BUILD:?}" "${SD_SOURCE_DIR:?}"
got=$(python3 "$SD_SOURCE_DIR/tools/check/objdeps.py" "$SD_BUILD" cycles | grep '^cycle:' || true)
allowed="$SD_SOURCE_DIR/tools/check/cycles.allowed"
new=$(comm -23 <(echo "$got" | sed '/^$/d' | sort) <(grep '^cycle:' "$allowed" | sort) || true)
if [ -n "$new" ]; then
  echo "new object-file cycles (split the code, or call through a hook):"; echo "$new"; exit 1
fi
# Between folders (each a static library) there is no cycle at all, allowlist or not.
if ! python3 "$SD_SOURCE_DIR/tools/check/objdeps.py" "$SD_BUILD" modules >"$SD_BUILD/modules.txt"; then
  grep 'module cycle' "$SD_BUILD/modules.txt"; exit 1
fi
echo "ok - $(echo "$got" | sed '/^$/d' | wc -l) known object cycles, none new; no module cycle"
