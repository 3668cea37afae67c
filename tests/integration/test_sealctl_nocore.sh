#!/usr/bin/env bash
# Offline sealctl holds the master key and decrypted PII: like sealdeskd and sealkey it must
# disable core dumps (RLIMIT_CORE 0) and mark itself non-dumpable (PR_SET_DUMPABLE 0, which
# also makes its /proc entries root-owned) before it reads any key material. The process is
# held blocked on a FIFO passphrase file while its /proc entries are inspected.
. "$(dirname "$0")/lib.sh"
PUB=$(mktemp -d /tmp/sdcore.XXXXXX)
chmod 0755 "$PUB"
mkfifo -m 0666 "$PUB/pass"
run_as=()
if [ "$(id -u)" -eq 0 ]; then run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi
ulimit -c unlimited 2>/dev/null || ulimit -c 1024 2>/dev/null || true
"${run_as[@]}" "$SEALCTL" --offline --data "$PUB/data" --passphrase-file "$PUB/pass" \
  ticket list >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do
  [ -r "/proc/$pid/limits" ] && grep -q sealctl "/proc/$pid/comm" 2>/dev/null && break
  sleep 0.1
done
# It sets both right after its start, before it opens the passphrase file (where it then
# blocks): wait for that state (up to 30 s: a sanitized start on a busy host), not 0.5 s. A
# sealctl that set them only after reading the key never shows it while blocked: the wait ends
# and the checks fail.
lim="" owner=""
for _ in $(seq 300); do
  lim=$(awk '/^Max core file size/ {print $5, $6}' "/proc/$pid/limits" 2>/dev/null || true)
  owner=$(stat -c %u "/proc/$pid/status" 2>/dev/null || true)
  [ "$lim" = "0 0" ] && [ "$owner" = 0 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
check "offline sealctl sets RLIMIT_CORE to 0 (got '$lim')" test "$lim" = "0 0"
check "offline sealctl is not dumpable (/proc/PID/status owner $owner)" test "$owner" = 0
# Unblock the FIFO open (the passphrase file is then refused as not a regular file).
: > "$PUB/pass" || true
wait "$pid" || true
rm -rf "$PUB"
finish
