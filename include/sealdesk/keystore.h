/* Persistence of the key hierarchy in the `keys` table: wrapped keys only, never plaintext.
 * Table key: u8 kind | u64 id | u32 version. Data keys are per customer (crypto-shredding
 * deletes one); the `customers` table maps a customer's blind index to its data key id. */
#ifndef SEALDESK_KEYSTORE_H
#define SEALDESK_KEYSTORE_H

#include "sealdesk/crypto.h"
#include "sealdesk/store.h"

enum sd_key_kind { SD_KK_KEK = 1, SD_KK_BIDX = 2, SD_KK_AUDIT_SIGN = 3, SD_KK_DATA = 4 };

/* At init: create KEK v1, blind-index key v1, audit signing key v1 in kr and store them
 * wrapped; the audit public key is also stored in meta "audit_pk" (readable without keys).
 * SD_E_CONFLICT if keys exist already. */
sd_err sd_keys_init(struct sd_txn *t, struct sd_keyring *kr);
/* Load every stored KEK and instance key into kr (SD_E_CRYPTO: wrong master key). */
sd_err sd_keys_load(struct sd_txn *t, struct sd_keyring *kr);

/* The data key of the customer with blind index `cust` (NULL: a fresh key for a customer
 * without identifiers). Creates and stores it on first use. Caller frees *dk. */
sd_err sd_keys_customer_dkey(struct sd_txn *t, const struct sd_keyring *kr,
                             const uint8_t cust[SD_BIDX_BYTES], struct sd_dkey **dk);
/* Open stored data key `id`. SD_E_SHREDDED when it was erased. Caller frees *dk. */
sd_err sd_keys_dkey_open(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id,
                         struct sd_dkey **dk);

/* The audit public key from meta (no keyring needed). */
sd_err sd_keys_audit_pk(struct sd_txn *t, uint8_t pk[SD_SIG_PK_BYTES]);

#endif
