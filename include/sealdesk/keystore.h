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

/* ---- key lifecycle (desk/keyops.c wraps each in one audited write txn) ---- */

/* Bring kr up to date with the store: load KEK versions another process added (meta
 * "kek_latest") and raise the minimum decryption version (meta "kek_min_version"). Called by
 * the data key functions above, so a running server follows `sealkey rotate/retire` at its
 * next write. Thread-safe (see sd_keyring_kek_adopt). */
sd_err sd_keys_sync(struct sd_txn *t, const struct sd_keyring *kr);
/* Create and store KEK version latest+1; new data keys use it from the next txn on. */
sd_err sd_keys_kek_rotate(struct sd_txn *t, struct sd_keyring *kr, uint32_t *version);
/* Re-wrap up to `max` data keys with id >= from_id that are not under the current KEK (only
 * the wrapped data keys change; field ciphertexts name the KEK version they were sealed under
 * in their header and stay valid). *next_id: where the next batch starts, 0 when done. */
#define SD_KEYS_REWRAP_MAX 10000
sd_err sd_keys_rewrap(struct sd_txn *t, const struct sd_keyring *kr, uint64_t from_id,
                      size_t max, uint64_t *next_id, size_t *n_rewrapped);

struct sd_keys_info {
    uint32_t kek_latest, kek_min;
    struct {
        bool present;
        uint64_t created_at;
        uint64_t data_keys; /* data keys wrapped under this version */
    } kek[SD_MAX_KEK_VERSIONS + 1];
    uint64_t data_keys;        /* stored now */
    uint64_t data_keys_issued; /* ever created (ids are 1..issued) */
    uint64_t shredded;
    uint64_t last_rotation;    /* 0 if never rotated */
    uint32_t bidx_version, audit_version;
    uint64_t audit_created_at;
    uint8_t audit_pk[SD_SIG_PK_BYTES];
};
/* Counts over the `keys` table (a read txn is enough). out is about 25 KiB: heap it. */
sd_err sd_keys_info(struct sd_txn *t, struct sd_keys_info *out);
/* Crypto-shred data key `id`: zero its record in place, then delete it. SD_E_NOTFOUND if it is
 * not stored. sd_keys_dkey_open gives SD_E_SHREDDED for it afterwards. */
sd_err sd_keys_dkey_erase(struct sd_txn *t, uint64_t id);
/* Re-wrap every KEK (retired ones too) and the instance keys under new_master, in t.
 * *n_keys: records rewritten. SD_E_PRECONDITION if the store holds more than one blind-index
 * or signing key. kr is unchanged: reopen the store with the new master key after commit. */
sd_err sd_keys_remaster(struct sd_txn *t, const struct sd_keyring *kr,
                        const uint8_t new_master[SD_KEY_BYTES], size_t *n_keys);
/* Replace the blind-index (SD_KK_BIDX) or audit signing key (SD_KK_AUDIT_SIGN) by version
 * old+1 in kr and in the store; the old record is zeroed and deleted; for the signing key meta
 * "audit_pk" gets the new public key (pk). The caller re-indexes / signs the hand-over in t. */
sd_err sd_keys_ikey_rotate(struct sd_txn *t, struct sd_keyring *kr, enum sd_key_kind kind,
                           uint32_t *version, uint8_t pk[SD_SIG_PK_BYTES]);
/* Rewrite the whole `keys` table into fresh pages (after an erase): LMDB leaves bytes of moved
 * or deleted records in the free gap of live pages, which could still hold a wrapped copy of an
 * erased key. Cost: one pass over the table, in t. */
sd_err sd_keys_rebuild(struct sd_txn *t);
/* Overwrite the store's reusable free pages with zeros (two write txns of its own; run it
 * with no txn open in this thread). Pages a live reader may still see are left alone, so run
 * it again when readers may have been active. *pages: pages overwritten. */
sd_err sd_keys_scrub_free_pages(struct sd_store *s, uint64_t *pages);

#endif
