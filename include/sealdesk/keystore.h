/* Persistence of the key hierarchy in the `keys` table: wrapped keys only, never plaintext.
 * Table key: u8 kind | u64 id | u32 version. Data keys are per customer (crypto-shredding
 * deletes one); the `customers` table maps a customer's blind index to its data key id. */
#ifndef SEALDESK_KEYSTORE_H
#define SEALDESK_KEYSTORE_H

#include "sealdesk/crypto.h"
#include "sealdesk/store.h"

/* SD_KK_AUDIT_PUB: the public half of a retired audit signing key (no secret; the record's
 * `wrapped` is empty), kept so status and verifiers can list the key chain. It sorts after the
 * data keys, where sd_keys_load and the remaster/rewrap scans never look. */
enum sd_key_kind {
    SD_KK_KEK = 1,
    SD_KK_BIDX = 2,
    SD_KK_AUDIT_SIGN = 3,
    SD_KK_DATA = 4,
    SD_KK_AUDIT_PUB = 5,
    SD_KK_MAIL_SIGN = 6, /* the current mail signing key, wrapped (outbox/mailkey.c) */
    SD_KK_MAIL_PUB = 7   /* public half of every mail key version, for verify-message */
};

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

/* The current audit public key from meta (no keyring needed). */
sd_err sd_keys_audit_pk(struct sd_txn *t, uint8_t pk[SD_SIG_PK_BYTES]);

/* ---- audit signing key chain (the hand-off itself is signed by sd_audit_key_rotate) ---- */

struct sd_audit_key {
    uint32_t version;
    uint64_t created_at;
    uint64_t from_size; /* size of the hand-off checkpoint that introduced it (0 for the first:
                         * it signs every checkpoint of size > from_size until the next) */
    bool current;
    uint8_t pk[SD_SIG_PK_BYTES];
};
/* Every audit key the store has used, oldest first (at most `max`; SD_E_LIMIT if more).
 * A read txn is enough. */
sd_err sd_keys_audit_chain(struct sd_txn *t, struct sd_audit_key *out, size_t max, size_t *n);
/* The key that signs the checkpoints of tree size just above `size`: the first key for 0,
 * the key an export starting at entry `size` begins with. */
sd_err sd_keys_audit_pk_at(struct sd_txn *t, uint64_t size, uint8_t pk[SD_SIG_PK_BYTES]);
/* Make kr's signing key the store's current one (meta "audit_pk"), adopting a version that
 * another process installed (sealkey audit-rotate next to a running server). Called in the
 * write txn of every checkpoint before it signs, so no process signs with a key that was
 * handed off. Thread-safe (sd_keyring_sign_adopt). */
sd_err sd_keys_audit_sync(struct sd_txn *t, const struct sd_keyring *kr);
/* Rotation step 1: a fresh signing key, version current+1, wrapped (appended to `wrapped`)
 * with its public key; nothing is stored and kr still signs with the current key.
 * SD_E_LIMIT past SD_MAX_AUDIT_KEY_VERSIONS. */
sd_err sd_keys_audit_next(struct sd_txn *t, const struct sd_keyring *kr, uint32_t *version,
                          struct sd_buf *wrapped, uint8_t pk[SD_SIG_PK_BYTES]);
/* Rotation step 2, after the hand-off checkpoint of size `from_size` is written in t: store
 * key `version` as current (meta "audit_pk" too), keep the old key's public half
 * (SD_KK_AUDIT_PUB) and zero and delete its secret record. SD_E_CONFLICT unless `version` is
 * current+1. */
sd_err sd_keys_audit_install(struct sd_txn *t, uint32_t version, const struct sd_buf *wrapped,
                             const uint8_t pk[SD_SIG_PK_BYTES], uint64_t from_size);

/* ---- mail signing key (issue 15; signs outbound messages' verification codes) ---- */
#define SD_MAX_MAIL_KEY_VERSIONS 65535
/* Make kr's mail key the store's current one: created (version 1, stored) when the store has
 * none and t is a write txn (SD_E_PRECONDITION in a read txn), adopted when another process
 * rotated it. Thread-safe (sd_keyring_mail_adopt). */
sd_err sd_keys_mail_sync(struct sd_txn *t, const struct sd_keyring *kr);
/* New mail key version current+1 in the store and in kr; the old secret is zeroed and
 * deleted, its public half kept (messages it signed still verify). */
sd_err sd_keys_mail_rotate(struct sd_txn *t, const struct sd_keyring *kr, uint32_t *version);
/* Public key of mail key `version` (no keyring needed); created_at may be NULL. */
sd_err sd_keys_mail_pk(struct sd_txn *t, uint32_t version, uint8_t pk[SD_SIG_PK_BYTES],
                       uint64_t *created_at);
/* Current mail key version (0: none yet). */
sd_err sd_keys_mail_version(struct sd_txn *t, uint32_t *version);

/* ---- key lifecycle (ops/keyops.c wraps each in one audited write txn) ---- */

/* Bring kr up to date with the store: load KEK versions another process added (meta
 * "kek_latest") and raise the minimum decryption version (meta "kek_min_version"). Called by
 * the data key functions above, so a running server follows `sealkey rotate/retire` at its
 * next write. Thread-safe (see sd_keyring_kek_adopt). */
sd_err sd_keys_sync(struct sd_txn *t, const struct sd_keyring *kr);
/* Create and store KEK version latest+1; new data keys use it from the next txn on. The keyring
 * holds it at once: if t does not commit, the caller drops it (sd_keyring_kek_drop); on
 * failure here it is dropped already. */
sd_err sd_keys_kek_rotate(struct sd_txn *t, struct sd_keyring *kr, uint32_t *version);
/* Re-wrap up to `max` data keys with id >= from_id that are not under the current KEK (only
 * the wrapped data keys change; field ciphertexts name the KEK version they were sealed under
 * in their header and stay valid). *next_id: where the next batch starts, 0 when done. */
#define SD_KEYS_REWRAP_MAX 10000
sd_err sd_keys_rewrap(struct sd_txn *t, const struct sd_keyring *kr, uint64_t from_id, size_t max,
                      uint64_t *next_id, size_t *n_rewrapped);

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
    uint64_t last_rotation; /* 0 if never rotated */
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
/* Replace the blind-index key (SD_KK_BIDX) by version old+1 in kr and in the store; the old
 * record is zeroed and deleted. The caller re-indexes in t. The audit signing key is refused
 * (SD_E_INVALID): its rotation needs a signed hand-off, see sd_audit_key_rotate. On SD_OK the
 * caller ends the rotation in kr once t has ended: sd_keyring_ikey_rotate_end(kr, committed). */
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
