#!/usr/bin/env bash
# Build the web console (console/ -> console/dist) that sealdeskd serves (console_dir).
# Installs the npm packages pinned by console/package-lock.json with `npm ci --ignore-scripts`
# (no package runs install scripts) when node_modules is missing or older than the lock, then
# generates the API types from proto/ (protoc + protoc-gen-es) and bundles with Vite.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT/console"
if ! command -v npm >/dev/null; then
  echo "console: npm is missing (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
# Rebuild only when a source, the lock or a proto is newer than the last build.
stamp=dist/index.html
if [ -f "$stamp" ] && [ -z "$(find src scripts index.html vite.config.ts tsconfig.json \
    package-lock.json ../proto -newer "$stamp" -not -path 'src/gen/*' -print -quit)" ]; then
  exit 0
fi
npm run --silent build >/dev/null
echo "console: built console/dist ($(du -sh dist | cut -f1))"
