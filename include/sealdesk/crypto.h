/* sealdesk crypto: the key hierarchy and every use of a key.
 *
 *   master key (key file, 0600) --wraps--> KEK v1..vN --wraps--> per-customer data keys
 *                                \--wraps--> blind-index key, audit signing key
 *
 * Plaintext keys live only in sodium_malloc memory that is PROT_NONE while idle; keyring.c is
 * the only file that makes them readable, for the span of one operation. Wrapped keys are opaque
 * byte strings the store persists. Every AEAD uses XChaCha20-Poly1305 with a random nonce and
 * associated data that binds the ciphertext to its place (DESIGN.md "Keys and encryption").
 * A keyring is not thread-safe for mutation (adding keys); seal/open/sign through a const
 * keyring may run from many threads. */
#ifndef SEALDESK_CRYPTO_H
#define SEALDESK_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

#define SD_KEY_BYTES              32
#define SD_BIDX_BYTES             16
#define SD_SIG_BYTES              64
#define SD_SIG_PK_BYTES           32
#define SD_MAX_KEK_VERSIONS       1024
#define SD_MAX_AUDIT_KEY_VERSIONS 256 /* audit signing key rotations a store and verifier follow */

/* Call once per process before anything else (wraps sodium_init). SD_E_CRYPTO on failure. */
sd_err sd_crypto_init(void);

/* Read the 32-byte master key from `path` (64 hex digits and a newline). With create and no
 * file, make one from randombytes_buf with mode 0600 (O_EXCL). Refuses (SD_E_DENIED) a file
 * readable or writable by group or others. out must be wiped by the caller (sodium_memzero). */
sd_err sd_master_key_file(uint8_t out[SD_KEY_BYTES], const char *path, bool create);

struct sd_keyring;

/* New keyring holding a copy of master (guarded memory); the caller wipes its own copy.
 * Free with sd_keyring_free (wipes every key). */
sd_err sd_keyring_new(struct sd_keyring **out, const uint8_t master[SD_KEY_BYTES]);
void sd_keyring_free(struct sd_keyring *kr);

/* Idle protection. By default a key is PROT_NONE again the moment its last user is done. A
 * server may set a grace period: keys stay readable until idle for `ms`, and a periodic
 * sd_keyring_idle() call re-protects the ones idle that long. Thread-safe. */
void sd_keyring_set_grace(struct sd_keyring *kr, unsigned ms);
void sd_keyring_idle(struct sd_keyring *kr);
/* Long-lived keys currently readable (not PROT_NONE): 0 when every key is protected. For
 * tests of the grace period. Thread-safe. */
unsigned sd_keyring_readable(const struct sd_keyring *kr);

/* KEKs. _kek_create makes version `version` and appends its wrapped form to `wrapped`;
 * _kek_load unwraps a stored one (SD_E_CRYPTO on a wrong master key or tampering). The highest
 * loaded version is the current one, used for new data keys. */
sd_err sd_keyring_kek_create(struct sd_keyring *kr, uint32_t version, struct sd_buf *wrapped);
sd_err sd_keyring_kek_load(struct sd_keyring *kr, uint32_t version, const uint8_t *wrapped,
                           size_t n);
uint32_t sd_keyring_kek_current(const struct sd_keyring *kr);
/* Undo _kek_create of `version` when the txn storing it did not commit: the KEK is wiped and
 * the current version falls back to the highest one still loaded. No-op if not loaded. */
void sd_keyring_kek_drop(struct sd_keyring *kr, uint32_t version);
bool sd_keyring_kek_has(const struct sd_keyring *kr, uint32_t version);
/* Online rotation: load KEK `version` that another process stored after this keyring was
 * loaded. SD_OK if it is (now) loaded; SD_E_CRYPTO if it does not unwrap (e.g. the store was
 * remastered: restart). Thread-safe against concurrent seal/open; the keyring stays logically
 * const (its loaded KEKs are a cache of the `keys` table). */
sd_err sd_keyring_kek_adopt(const struct sd_keyring *kr, uint32_t version, const uint8_t *wrapped,
                            size_t n);
/* Lowest KEK version that may still be used to unwrap (versions below are retired).
 * _raise only ever increases it (thread-safe; used when another process retired a version). */
void sd_keyring_set_min_version(struct sd_keyring *kr, uint32_t v);
void sd_keyring_raise_min_version(const struct sd_keyring *kr, uint32_t v);
uint32_t sd_keyring_min_version(const struct sd_keyring *kr);
/* Remaster: append KEK `version` (retired or not) / an instance key wrapped under new_master to
 * `wrapped`, in the format _kek_load/_ikey_load read. The keyring itself is unchanged. */
sd_err sd_keyring_kek_rewrap_master(const struct sd_keyring *kr, uint32_t version,
                                    const uint8_t new_master[SD_KEY_BYTES], struct sd_buf *wrapped);

/* Instance keys wrapped directly by the master key: the blind-index key and the Ed25519 audit
 * signing key (its public key goes to `pk`). */
enum sd_instance_key {
    SD_IKEY_BIDX = 1,
    SD_IKEY_AUDIT_SIGN = 2
};
sd_err sd_keyring_ikey_create(struct sd_keyring *kr, enum sd_instance_key kind, uint32_t version,
                              struct sd_buf *wrapped, uint8_t pk[SD_SIG_PK_BYTES]);
sd_err sd_keyring_ikey_load(struct sd_keyring *kr, enum sd_instance_key kind, uint32_t version,
                            const uint8_t *wrapped, size_t n);
sd_err sd_keyring_ikey_rewrap_master(const struct sd_keyring *kr, enum sd_instance_key kind,
                                     uint32_t version, const uint8_t new_master[SD_KEY_BYTES],
                                     struct sd_buf *wrapped);
/* Replace the blind-index or audit signing key by a fresh one (version `version`). The old
 * key is kept aside until sd_keyring_ikey_rotate_end: committed true (the txn storing the new
 * key committed) wipes it, false wipes the new key and puts the old one back. On failure the
 * old key stays (nothing to end). SD_E_PRECONDITION while a rotation is not ended. Not
 * thread-safe (offline tools only). */
sd_err sd_keyring_ikey_rotate(struct sd_keyring *kr, enum sd_instance_key kind, uint32_t version,
                              struct sd_buf *wrapped, uint8_t pk[SD_SIG_PK_BYTES]);
void sd_keyring_ikey_rotate_end(struct sd_keyring *kr, bool committed);
/* Audit signing key rotation (driven by sd_audit_key_rotate, which signs the hand-off).
 * _sign_new makes a fresh Ed25519 key version `version`: its seed, wrapped under the master
 * key, is appended to `wrapped` and its public key goes to pk. The keyring is NOT changed, so
 * the current key can still sign the hand-off checkpoint. Thread-safe. */
sd_err sd_keyring_sign_new(const struct sd_keyring *kr, uint32_t version, struct sd_buf *wrapped,
                           uint8_t pk[SD_SIG_PK_BYTES]);
/* Make stored signing key `version` (wrapped as _sign_new made it) the one sd_sig_sign uses.
 * The previous key is wiped once no signature with it is in progress. SD_E_CRYPTO if it does
 * not unwrap or its public key is not `pk`. Thread-safe against concurrent sd_sig_sign: the
 * keyring stays logically const (its signing key caches the store's current one; see
 * sd_keys_audit_sync). */
sd_err sd_keyring_sign_adopt(const struct sd_keyring *kr, uint32_t version, const uint8_t *wrapped,
                             size_t n, const uint8_t pk[SD_SIG_PK_BYTES]);
/* Version of the loaded signing key (0: none). Thread-safe. */
uint32_t sd_keyring_sign_version(const struct sd_keyring *kr);
/* Mail signing key (issue 15): an Ed25519 key of its own, separate from the audit key, that
 * signs the verification code of every outbound message (outbox/mailkey.c stores it, wrapped
 * under the master key with label "sealdesk/v1/mail"). _new makes version `version`: wrapped
 * seed appended to `wrapped`, public key to pk; the keyring is not changed. _adopt makes a
 * stored version the one sd_mail_sign uses (SD_E_CRYPTO if it does not unwrap to pk); the old
 * one is wiped once no signature is in progress. Thread-safe. _version: 0 when none is loaded.
 * _rewrap_master: the loaded key wrapped under new_master (remaster). */
sd_err sd_keyring_mail_new(const struct sd_keyring *kr, uint32_t version, struct sd_buf *wrapped,
                           uint8_t pk[SD_SIG_PK_BYTES]);
sd_err sd_keyring_mail_adopt(const struct sd_keyring *kr, uint32_t version, const uint8_t *wrapped,
                             size_t n, const uint8_t pk[SD_SIG_PK_BYTES]);
uint32_t sd_keyring_mail_version(const struct sd_keyring *kr);
sd_err sd_keyring_mail_rewrap_master(const struct sd_keyring *kr,
                                     const uint8_t new_master[SD_KEY_BYTES],
                                     struct sd_buf *wrapped);
/* Ed25519 over msg with the mail signing key (SD_E_PRECONDITION: none loaded). */
sd_err sd_mail_sign(const struct sd_keyring *kr, uint8_t sig[SD_SIG_BYTES], const uint8_t *msg,
                    size_t n);
/* Derive a master key from a passphrase with Argon2id (crypto_pwhash, moderate limits) and a
 * 16-byte salt. SD_E_NOMEM if the KDF cannot get its memory. out must be wiped by the caller. */
#define SD_PWHASH_SALT_BYTES 16
sd_err sd_master_key_passphrase(uint8_t out[SD_KEY_BYTES], const char *pass, size_t n,
                                const uint8_t salt[SD_PWHASH_SALT_BYTES]);

/* Per-customer data key, unwrapped for the span of one operation. */
struct sd_dkey;
/* Generate data key `id` and wrap it under the current KEK: wrapped form appended to
 * `wrapped` (sd_dkey_kek_version tells the version). */
sd_err sd_dkey_create(const struct sd_keyring *kr, uint64_t id, struct sd_dkey **out,
                      struct sd_buf *wrapped);
/* Unwrap a stored data key; SD_E_CRYPTO on tampering or wrong id, SD_E_PRECONDITION when its
 * KEK version is retired or unknown. */
sd_err sd_dkey_open(const struct sd_keyring *kr, uint64_t id, uint32_t kek_version,
                    const uint8_t *wrapped, size_t n, struct sd_dkey **out);
/* Re-wrap an open data key under the current KEK (for rotation); updates its version. */
sd_err sd_dkey_wrap(const struct sd_keyring *kr, struct sd_dkey *dk, struct sd_buf *wrapped);
uint64_t sd_dkey_id(const struct sd_dkey *dk);
/* KEK version that wraps this data key (bound into each field's associated data). */
uint32_t sd_dkey_kek_version(const struct sd_dkey *dk);
void sd_dkey_free(struct sd_dkey *dk);

/* Field encryption. Stored form: 0x01 | dkey id u64 | kek version u32 | nonce[24] | ct+tag.
 * Associated data: "sealdesk/v1" | ticket id u64 | field id u32 | dkey id u64 | kek version
 * u32, so a ciphertext moved to another ticket or field fails to open. */
#define SD_FIELD_OVERHEAD (1 + 8 + 4 + 24 + 16)
sd_err sd_field_seal(struct sd_buf *out, const struct sd_dkey *dk, uint64_t ticket_id,
                     uint32_t field_id, const uint8_t *pt, size_t n);
/* Appends the plaintext to out (wipe it with sd_buf_wipe_free). SD_E_CRYPTO on any mismatch. */
sd_err sd_field_open(struct sd_buf *out, const struct sd_dkey *dk, uint64_t ticket_id,
                     uint32_t field_id, const uint8_t *sealed, size_t n);
/* The data key id a sealed field names (SD_E_INVALID if malformed). */
sd_err sd_field_key_id(uint64_t *dkey_id, const uint8_t *sealed, size_t n);

/* Blind index: keyed BLAKE2b-128 over kind || normalised value. Normalisation: email is
 * NFKC-casefolded and trimmed; phone keeps + and digits only (00 -> +); uid is trimmed; a login
 * name (the name typed at a failed login, recorded in the audit log only as this hash) is
 * taken as raw bytes. SD_E_INVALID if the value normalises to nothing. */
enum sd_bidx_kind {
    SD_BIDX_EMAIL = 1,
    SD_BIDX_PHONE = 2,
    SD_BIDX_UID = 3,
    SD_BIDX_LOGIN = 4,
    /* the key of the learned triage features (src/learn): value is a fixed label, raw bytes */
    SD_BIDX_LEARN = 8
};
sd_err sd_bidx(const struct sd_keyring *kr, enum sd_bidx_kind kind, const char *value, size_t n,
               uint8_t out[SD_BIDX_BYTES]);

/* Encrypted ticket search (src/search): hash n search terms with the search key. The search
 * key is a key of its own in the hierarchy, derived from the blind-index key (keyed BLAKE2b-256
 * of the context "sealdesk/v1/search-key" under it), so it is wrapped, backed up, remastered and
 * rotated (bidx-rotate) with that key, and never equals it. terms: n terms packed as u8 length
 * (1..255) then the bytes; out[i] = BLAKE2b-128 keyed with the search key over term i. The key
 * is made readable once for all n. SD_E_INVALID on a malformed packing. Thread-safe. */
sd_err sd_bidx_search_terms(const struct sd_keyring *kr, const uint8_t *terms, size_t len, size_t n,
                            uint8_t (*out)[SD_BIDX_BYTES]);

/* Ed25519 over msg with the audit signing key. */
sd_err sd_sig_sign(const struct sd_keyring *kr, uint8_t sig[SD_SIG_BYTES], const uint8_t *msg,
                   size_t n);
/* Public key of the loaded signing key; SD_E_PRECONDITION if none. Thread-safe. */
sd_err sd_sig_public_key(const struct sd_keyring *kr, uint8_t pk[SD_SIG_PK_BYTES]);
/* Fingerprint of an audit public key: lower-case hex SHA-256 (64 digits and a NUL). */
void sd_sig_fingerprint(char out[65], const uint8_t pk[SD_SIG_PK_BYTES]);
/* Verify with a given public key (no keyring needed): SD_OK or SD_E_CRYPTO. */
sd_err sd_sig_verify(const uint8_t pk[SD_SIG_PK_BYTES], const uint8_t sig[SD_SIG_BYTES],
                     const uint8_t *msg, size_t n);

/* Cluster log MAC (src/cluster): each entry the leader appends to the etcd log carries a MAC
 * a follower checks before it reads anything else of the entry. Key: the cluster log MAC key,
 * derived from the master key when the keyring is made (keyed BLAKE2b-256 of the label
 * "sealdesk/v1/cluster-log-mac" under it; every node holds the same master key, etcd never
 * sees it), in guarded memory like the others and wiped by sd_keyring_free. MAC = BLAKE2b-256
 * keyed with it over u8 len(cluster) | cluster | msg, so an entry of one cluster never checks
 * in another. cluster: 1..255 bytes (SD_E_INVALID otherwise). _verify compares in constant
 * time (sodium_memcmp): SD_OK or SD_E_CRYPTO. Thread-safe. */
#define SD_CLOG_MAC_BYTES 32
sd_err sd_clog_mac(const struct sd_keyring *kr, uint8_t out[SD_CLOG_MAC_BYTES], const char *cluster,
                   const uint8_t *msg, size_t n);
sd_err sd_clog_mac_verify(const struct sd_keyring *kr, const uint8_t mac[SD_CLOG_MAC_BYTES],
                          const char *cluster, const uint8_t *msg, size_t n);

/* SHA-256 convenience. */
void sd_sha256(uint8_t out[32], const uint8_t *p, size_t n);
/* SHA-256 of a || b || c (any length may be 0), hardware-accelerated where the CPU allows;
 * thread-safe. Used by the Merkle tree. */
void sd_sha256_parts(uint8_t out[32], const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                     const uint8_t *c, size_t clen);

#endif
