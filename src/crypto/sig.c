/* Ed25519 verification and key fingerprints: public keys only. Signing needs the secret key and
 * lives with the keyring (keyring.c); this file is all an offline verifier (sealaudit) links
 * from src/crypto, so it can never reach a key. */
#include <sodium.h>

#include "sealdesk/crypto.h"
#include "sealdesk/buf.h"

void
sd_sig_fingerprint(char out[65], const uint8_t pk[SD_SIG_PK_BYTES])
{
    uint8_t h[32];

    crypto_hash_sha256(h, pk, SD_SIG_PK_BYTES);
    sd_hex_encode(out, h, sizeof(h));
}

sd_err
sd_sig_verify(const uint8_t pk[SD_SIG_PK_BYTES], const uint8_t sig[SD_SIG_BYTES],
              const uint8_t *msg, size_t n)
{
    return crypto_sign_verify_detached(sig, msg, n, pk) == 0 ? SD_OK : SD_E_CRYPTO;
}
