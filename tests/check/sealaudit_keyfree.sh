#!/usr/bin/env bash
# sealaudit is the offline verifier a compliance officer runs on an export: it must not contain
# code that can load a keyring, unwrap a data key or sign (issue: "sealaudit cannot reach key
# material"). Checks the linked binary's symbol table, so a new call that drags key code in
# through any object file fails here.
set -euo pipefail
: "${SD_BIN:?}"
bin="$SD_BIN/sealaudit"
[ -x "$bin" ] || { echo "no $bin"; exit 1; }
syms=$(nm "$bin" | awk '{print $NF}')
bad=$(grep -E '^sd_(keyring_|dkey_|keys_dkey|keys_remaster|keys_customer|keymem_|sig_sign|sig_public_key)' \
      <<<"$syms" || true)
if [ -n "$bad" ]; then
  echo "sealaudit links key code:"; echo "$bad" | sed 's/^/  /'; exit 1
fi
# It must still verify: the verifier's own symbols are there.
grep -qx sd_sig_verify <<<"$syms" && grep -qx sd_audit_verify_file <<<"$syms"
echo "ok - sealaudit has no keyring, data-key or signing symbol"
