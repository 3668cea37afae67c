/* Private to src/crypto: the one way to touch a long-lived key (keyring.c makes it readable
 * for the span of fn and PROT_NONE again afterwards) and the data key layout. */
#ifndef SEALDESK_CRYPTO_INT_H
#define SEALDESK_CRYPTO_INT_H

#include "sealdesk/crypto.h"

enum sd_key_slot {
    SD_SLOT_MASTER,
    SD_SLOT_KEK,
    SD_SLOT_BIDX,
    SD_SLOT_SIGN,
    SD_SLOT_MAIL,
    SD_SLOT_CLOG /* cluster log MAC key, derived from the master key (clogmac.c) */
};

typedef sd_err (*sd_key_fn)(void *ctx, const uint8_t *key, size_t len);

/* Run fn with the key of `slot` (and KEK `version` for SD_SLOT_KEK) readable.
 * SD_E_PRECONDITION if that key is not loaded or is retired. */
sd_err sd_key_use(const struct sd_keyring *kr, enum sd_key_slot slot, uint32_t version,
                  sd_key_fn fn, void *ctx);

struct sd_dkey {
    uint64_t id;
    uint32_t kek_version;
    uint8_t key[SD_KEY_BYTES];
};

/* Generic wrap/unwrap of a 32-byte key: 0x01 | nonce[24] | ct+tag, with associated data. */
#define SD_WRAP_BYTES (1 + 24 + SD_KEY_BYTES + 16)
sd_err sd_wrap(struct sd_buf *out, const uint8_t kek[SD_KEY_BYTES], const uint8_t *key,
               size_t keylen, const uint8_t *ad, size_t adlen);
sd_err sd_unwrap(uint8_t *key, size_t keylen, const uint8_t kek[SD_KEY_BYTES], const uint8_t *blob,
                 size_t n, const uint8_t *ad, size_t adlen);

#endif
