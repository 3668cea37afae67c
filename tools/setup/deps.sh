#!/usr/bin/env bash
# Install the Debian packages sealdesk needs, when any is missing. Runs `apt-get update` once
# and only when something must be installed. Without root it only reports what is missing.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config
  libsodium-dev liblmdb-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler libssl-dev libnghttp2-dev
  libcmocka-dev libjansson-dev libutf8proc-dev libopencc-dev
  python3 python3-grpcio python3-grpc-tools python3-protobuf
  openssl lmdb-utils clang libclang-rt-14-dev cppcheck clang-tidy clang-format
  tzdata
  libgmime-3.0-dev libcurl4-openssl-dev libmagic-dev postfix
  chromium fonts-noto-cjk
  etcd-server etcd-client # issue 18: etcd and etcdctl for tests/cluster
)

# tests/browser (the console's real-browser tests): playwright-core and axe-core from the
# committed lock, no browser download (they drive Debian's chromium above); again whenever the
# lock is newer than node_modules.
browser_deps() {
  local d
  d="$(cd "$(dirname "$0")/../.." && pwd)/tests/browser"
  if [ ! -d "$d/node_modules" ] || [ "$d/package-lock.json" -nt "$d/node_modules" ]; then
    command -v npm >/dev/null || { echo "deps: npm is missing (tests/browser)" >&2; return 1; }
    echo "deps: npm ci --ignore-scripts in tests/browser" >&2
    (cd "$d" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
    touch "$d/node_modules"
  fi
}

# The web console builds with Node.js and npm: Debian's nodejs/npm when no node is installed
# (a newer Node.js already on the machine is used as it is).
if ! command -v npm >/dev/null; then
  PKGS+=(nodejs npm)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && { browser_deps; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing Debian packages: ${missing[*]}" >&2
  echo "deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Postfix is only run by the tests, from a private config directory on loopback: install it
# unconfigured so the package starts no system mail service.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# etcd is only run by the tests (tests/cluster/etcd.sh: private members on free loopback ports):
# the package's system service, enabled and started on a systemd machine, is turned off.
if [[ " ${missing[*]} " == *" etcd-server "* ]] && command -v systemctl >/dev/null; then
  systemctl disable --now etcd.service >/dev/null 2>&1 || true
fi
browser_deps
