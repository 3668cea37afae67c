/* sealdesk key operations: KEK rotation and rewrap, retirement, remaster, blind-index key
 * rotation, crypto-shredding and status (DESIGN.md "Keys and encryption"). Each mutating call
 * is one write txn (rewrap: one per batch) with its audit entry in the same txn, so a key
 * change and its record commit or vanish together. Calls may run while a server uses the same
 * data dir (LMDB serialises writers); the server follows at its next write (sd_keys_sync),
 * except remaster and blind-index rotation, which want the server stopped (docs/
 * KEY_CEREMONY.md). A struct sd_desk may be shared between threads as for desk.h.
 *
 * Names (STYLE.md 2, module then object then verb): the module is keyops; a call that acts on
 * the whole key set drops the object like sd_audit_append and is named after the `sealkey`
 * command it carries out (sd_keyops_rotate = `sealkey rotate`, _rewrap, _retire, _remaster,
 * _shred, _check, _status); one acting on a single key names it (sd_keyops_bidx_rotate,
 * sd_keyops_audit_rotate). The layers beneath name keys by object the same way: sd_keyring_*,
 * sd_dkey_*, sd_master_key_*, sd_sig_* (crypto.h), sd_keys_* (keystore.h), where STYLE.md
 * 1.1's table still shows an earlier `sd_key_` row. */
#ifndef SEALDESK_KEYOPS_H
#define SEALDESK_KEYOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/crypto.h"
#include "sealdesk/err.h"
#include "sealdesk/keystore.h"

struct sd_desk;
struct sd_desk_opts;

/* Open a desk whose master key is derived from a passphrase (`sealkey remaster
 * --passphrase-file`): Argon2id with the salt in meta "master_salt". pass is wiped by the
 * caller. SD_E_PRECONDITION if the store has no salt (it uses a key file). */
sd_err sd_keyops_desk_open_passphrase(struct sd_desk **out, const struct sd_desk_opts *o,
                                      const char *pass, size_t n);

/* The desk's keyring (owned by the desk, valid until sd_desk_close), for a component that
 * seals with a key of its own in the hierarchy: the cluster log MAC (cluster.h). */
const struct sd_keyring *sd_keyops_keyring(struct sd_desk *d);

#define SD_PASSPHRASE_MAX 4096
/* Read a passphrase file: its first line, newline stripped, 1..SD_PASSPHRASE_MAX bytes, into
 * guarded memory (sodium_malloc) that the caller frees with sd_keyops_passphrase_free. The
 * file must be a regular file that group and other cannot read (SD_E_DENIED), like the master
 * key file. SD_E_NOTFOUND, SD_E_IO, SD_E_INVALID (empty), SD_E_LIMIT (longer line). */
sd_err sd_keyops_passphrase_read(const char *path, char **out, size_t *n);
/* Wipe and free a passphrase from sd_keyops_passphrase_read; NULL is a no-op. */
void sd_keyops_passphrase_free(char *p);
/* sd_keyops_desk_open_passphrase with the passphrase read from file `path` (wiped after). */
sd_err sd_keyops_desk_open_passphrase_file(struct sd_desk **out, const struct sd_desk_opts *o,
                                           const char *path);

/* New KEK version (latest + 1); new data keys use it at once; older data keys stay readable.
 * Audited "key.rotate". */
sd_err sd_keyops_rotate(struct sd_desk *d, const struct sd_actor *a, uint32_t *version);

struct sd_rewrap_progress {
    uint32_t target;    /* KEK version data keys are re-wrapped under */
    uint64_t rewrapped; /* in this call */
    uint64_t batches;   /* write txns committed by this call */
    bool resumed;       /* continued a run an earlier process left unfinished */
    bool done;
};
/* Re-wrap data keys under the newest KEK, `batch` keys (1..SD_KEYS_REWRAP_MAX) per write txn,
 * each txn audited "key.rewrap" (the last "key.rewrap.done"). Progress is kept in meta in the
 * same txn, so after a crash the next call resumes where the last commit left off. With
 * max_batches > 0 it returns after that many txns (done false if work is left). */
sd_err sd_keyops_rewrap(struct sd_desk *d, const struct sd_actor *a, size_t batch,
                        uint64_t max_batches, struct sd_rewrap_progress *out);

/* Set the minimum decryption version to `below`: KEKs below it are never used again.
 * SD_E_PRECONDITION while any data key is still wrapped under an older version (run rewrap) or
 * below > latest; SD_E_INVALID if below does not raise the current minimum. Audited. */
sd_err sd_keyops_retire(struct sd_desk *d, const struct sd_actor *a, uint32_t below);

struct sd_key_status {
    struct sd_keys_info info;
    uint32_t rewrap_target; /* 0: no rewrap run in progress */
    uint64_t rewrap_next;
    char audit_fingerprint[65]; /* hex SHA-256 of the current audit public key */
    size_t n_audit_keys;        /* the audit key chain, oldest first; the last is current */
    struct sd_audit_key audit_keys[SD_MAX_AUDIT_KEY_VERSIONS];
};
/* Snapshot for `sealkey status` (read txn, not audited: no key or PII leaves). out is large
 * (about 25 KiB): allocate it on the heap. */
sd_err sd_keyops_status(struct sd_desk *d, struct sd_key_status *out);

struct sd_shred_result {
    uint64_t data_keys;     /* data keys erased */
    uint64_t tickets;       /* tickets whose PII became unreadable */
    uint64_t index_entries; /* blind-index entries removed */
    uint64_t pages_scrubbed;
    bool purged; /* the store file was rewritten from the live records (store.h
                    sd_store_purge, sd_store_purge_online on a shared desk); false: pending
                    (another process holds the store, `shred_purge = restart`, or busy) */
};
/* Crypto-shred the customer with this UID: erase their data key(s) (the key of the UID, of
 * every ticket carrying the UID, and of tickets without a UID that share their email or
 * phone), remove their blind-index, customer-map and search entries, then scrub freed store
 * pages and purge the store file (out->purged; on a desk opened without `exclusive` the purge
 * runs online when the store's online purge is on, store.h sd_store_purge_online, else it
 * waits for the next open that has the store to itself). Tickets keep metadata and
 * statistics; reads show "[shredded]". reason is required (<=
 * SD_MAX_REASON). SD_E_NOTFOUND: no such customer (or already shredded). Audited "key.shred"
 * with target "customer:<blind index hex>" (never the UID). */
sd_err sd_keyops_shred(struct sd_desk *d, const struct sd_actor *a, const char *customer_uid,
                       const char *reason, struct sd_shred_result *out);

/* Re-wrap every KEK and instance key under a new master key. salt NULL: the new master comes
 * from a key file; else it was derived from a passphrase with this salt (stored in meta).
 * The desk's keyring keeps the old master: close and reopen with the new one. Audited. */
sd_err sd_keyops_remaster(struct sd_desk *d, const struct sd_actor *a,
                          const uint8_t new_master[SD_KEY_BYTES],
                          const uint8_t salt[SD_PWHASH_SALT_BYTES]);

/* New blind-index key and a rebuilt by_customer / customers index from the decrypted
 * identifiers of every ticket (shredded tickets have none). One write txn; run it with the
 * server stopped. *reindexed: tickets indexed. Audited "key.bidx_rotate". */
sd_err sd_keyops_bidx_rotate(struct sd_desk *d, const struct sd_actor *a, uint32_t *version,
                             uint64_t *reindexed);

struct sd_audit_rotation {
    uint32_t version;      /* the new audit key's version */
    uint64_t handoff_size; /* tree size of the hand-off checkpoint (signed by the old key) */
    uint8_t pk[SD_SIG_PK_BYTES];
    char fingerprint[65]; /* hex SHA-256 of pk */
};
/* New audit signing key (Ed25519, version k+1) in one write txn: audit entry
 * "key.audit_rotate" (target "audit_key:v<k+1>", digest = the new key's fingerprint, reason
 * optional, <= SD_MAX_REASON), then a hand-off checkpoint signed by the old key that names the
 * new public key; the old secret is erased. Safe next to a running server: it signs its next
 * checkpoint with the new key (sd_keys_audit_sync). SD_E_LIMIT past
 * SD_MAX_AUDIT_KEY_VERSIONS. */
sd_err sd_keyops_audit_rotate(struct sd_desk *d, const struct sd_actor *a, const char *reason,
                              struct sd_audit_rotation *out);

/* Check that every stored data key unwraps and every sealed ticket field opens (no plaintext
 * leaves). *bad counts failures other than shredded keys. Audited "key.check". */
sd_err sd_keyops_check(struct sd_desk *d, const struct sd_actor *a, uint64_t *tickets,
                       uint64_t *bad);

#endif
