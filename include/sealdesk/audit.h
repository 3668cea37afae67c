/* sealdesk audit log: an append-only, hash-chained list of AuditEntry records with an RFC 6962
 * Merkle tree over them and Ed25519-signed checkpoints (DESIGN.md "Audit log").
 *
 * sd_audit_append runs inside the caller's write txn, so a change and its entry commit or abort
 * together. Entries never carry plaintext PII: the change is represented by a digest. */
#ifndef SEALDESK_AUDIT_H
#define SEALDESK_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sealdesk/crypto.h"
#include "sealdesk/merkle.h"
#include "sealdesk/store.h"

#define SD_AUDIT_TEXT_MAX   256 /* actor, action, target, request id */
#define SD_AUDIT_REASON_MAX 512

struct sd_audit_rec {
    const char *actor;      /* who: user name, cert subject, "offline:<user>" */
    const char *action;     /* what: "ticket.create", "ticket.read", ... */
    const char *target;     /* which object: "t42", "customer:<bidx hex>" */
    const char *request_id; /* may be NULL */
    const char *reason;     /* required for unmask; may be NULL otherwise */
    const uint8_t *digest;  /* SHA-256 of the change's stored bytes; may be NULL */
};

/* Append one entry in write txn t; *index gets its index (0-based). Writes a signed checkpoint
 * when the policy says so (every `cp_every` entries or `cp_seconds` seconds, meta settings,
 * defaults 1000 and 60). SD_E_INVALID for missing actor/action or over-long text. */
sd_err sd_audit_append(struct sd_txn *t, const struct sd_keyring *kr, const struct sd_audit_rec *r,
                       uint64_t *index);

/* Number of entries. */
sd_err sd_audit_size(struct sd_txn *t, uint64_t *n);
/* Merkle root of the first `size` entries. */
sd_err sd_audit_root(struct sd_txn *t, uint64_t size, uint8_t root[32]);
/* Recomputes the audit tree's size and root in t from the stored LEAVES (the entries' own
 * bytes hashed again, not any stored node hash), incrementally from the last verified
 * frontier kept in meta, so a follower can compare with the leader's root. */
/* (src/audit/recompute.c) The frontier is the node-local meta key "local/audit_frontier",
 * updated in t when t is a write txn (never captured). *size and root are set whenever the
 * leaves could be read; then SD_E_CRYPTO also says the stored tree disagrees with them
 * (meta audit_size is not the number of leaves, or the root from audit_nodes differs), and a
 * gap in the leaf keys is SD_E_CRYPTO without them. */
sd_err sd_audit_recompute_root(struct sd_txn *t, uint64_t *size, uint8_t root[32]);

/* RFC 6962 proofs over the stored tree (sizes must not exceed the current size). proof has room
 * for SD_MERKLE_MAX_PROOF hashes. */
sd_err sd_audit_inclusion_proof(struct sd_txn *t, uint64_t index, uint64_t size,
                                uint8_t (*proof)[32], size_t *np, uint8_t leaf[32]);
sd_err sd_audit_consistency_proof(struct sd_txn *t, uint64_t m, uint64_t n, uint8_t (*proof)[32],
                                  size_t *np);

struct sd_checkpoint {
    uint64_t size;
    uint64_t time;
    uint8_t root[32];
    uint8_t pk[SD_SIG_PK_BYTES];
    uint8_t sig[SD_SIG_BYTES];
    bool has_next;                    /* a key hand-off: signed by the old key, names the new */
    uint8_t next_pk[SD_SIG_PK_BYTES]; /* valid when has_next */
};

/* Sign and store a checkpoint of the current tree now, with the store's current audit key
 * (sd_keys_audit_sync runs first, in t). A key hand-off checkpoint of the same size is kept,
 * not replaced: then *out gets that one. */
sd_err sd_audit_checkpoint(struct sd_txn *t, const struct sd_keyring *kr,
                           struct sd_checkpoint *out);
/* Rotate the audit signing key in write txn t: make version k+1, append entry r (target
 * defaults to "audit_key:v<k+1>", digest to SHA-256 of the new public key), write a hand-off
 * checkpoint of the tree including that entry, signed by the OLD key, whose note carries the new
 * public key, then store the new key as current (old secret erased, public half kept). Every
 * later checkpoint, in any process, is signed by the new key. *handoff (may be NULL) gets the
 * hand-off checkpoint. SD_E_LIMIT past SD_MAX_AUDIT_KEY_VERSIONS. */
sd_err sd_audit_key_rotate(struct sd_txn *t, const struct sd_keyring *kr,
                           const struct sd_audit_rec *r, uint32_t *version,
                           struct sd_checkpoint *handoff);
/* The key hand-off checkpoints (has_next), oldest first: together they lead from the first
 * audit key to the current one. Writes at most cap into out, *n how many; SD_E_LIMIT when
 * there are more. Read or write txn. */
sd_err sd_audit_handoffs(struct sd_txn *t, struct sd_checkpoint *out, size_t cap, size_t *n);
/* Latest stored checkpoint (SD_E_NOTFOUND if none). */
sd_err sd_audit_latest_checkpoint(struct sd_txn *t, struct sd_checkpoint *out);
/* The exact bytes a checkpoint signature covers (a text note; see checkpoint.c). A checkpoint
 * without has_next gives the same bytes as before key rotation existed. */
sd_err sd_checkpoint_note(struct sd_buf *out, const struct sd_checkpoint *cp);
/* SD_OK when cp->pk is pk and cp's signature verifies under pk, else SD_E_CRYPTO. */
sd_err sd_checkpoint_verify(const struct sd_checkpoint *cp, const uint8_t pk[SD_SIG_PK_BYTES]);


/* ---- export and offline verification ----
 *
 * Export file: "SDAUDIT1" then records `type u8 | len u32be | payload`:
 *   1 HEADER     from u64 | public key[32] | prev hash[32] | k u8 | k x 32-byte hashes: the
 *                compact range (perfect subtree roots, largest first) of entries [0, from)
 *   2 ENTRY      AuditEntry bytes exactly as stored (the Merkle leaf is over these bytes)
 *   3 CHECKPOINT Checkpoint bytes as stored, placed right after the entry that completes it
 *   4 END        u64 number of entries in the file
 * Entries [from, size) and every checkpoint with tree size in (from, size] are included. The
 * header key is the audit key in effect at `from` (the one that signs the first checkpoint
 * above it); hand-off checkpoints in the file lead the verifier to each later key. */
#define SD_AUDIT_MAGIC   "SDAUDIT1"
#define SD_AUDIT_REC_MAX (64 * 1024)
enum {
    SD_AREC_HEADER = 1,
    SD_AREC_ENTRY = 2,
    SD_AREC_CHECKPOINT = 3,
    SD_AREC_END = 4
};

/* Write entries from index `from` and their checkpoints to f, in read or write txn t. The
 * caller makes a fresh checkpoint first (sd_audit_checkpoint) so the export is covered. */
sd_err sd_audit_export(struct sd_txn *t, FILE *f, uint64_t from, uint64_t *n_written);

/* Streaming verifier: feed entries and checkpoints in log order; it never needs a key other
 * than the trusted first audit public key. A checkpoint that verifies under the current key
 * and carries next_pk moves the current key to next_pk for the checkpoints after it. */
struct sd_audit_verifier {
    uint8_t pk[SD_SIG_PK_BYTES]; /* current key */
    /* the key chain followed: keys[0] the starting key, keys[n_keys - 1] == pk */
    uint8_t keys[SD_MAX_AUDIT_KEY_VERSIONS][SD_SIG_PK_BYTES];
    uint64_t key_from[SD_MAX_AUDIT_KEY_VERSIONS]; /* hand-off tree size (0 for keys[0]) */
    size_t n_keys;
    bool have_trusted;
    bool trusted_unsigned;        /* trusted not (yet) verified: checked at its size */
    bool trusted_denied;          /* trusted is not signed by the key in effect at its size */
    struct sd_checkpoint trusted; /* earlier checkpoint known good (optional) */
    /* state */
    uint64_t next; /* index expected next */
    uint64_t from;
    uint8_t prev[32]; /* leaf hash of the previous entry */
    uint8_t prev_prev[32];
    struct sd_merkle_stream ms;
    uint64_t checkpoints;
    uint64_t last_good_cp;
    bool trusted_checked;
    bool chain_pending; /* entry `chain_at` did not link to its predecessor */
    uint64_t chain_at;
    bool root_pending;        /* a checkpoint root did not match; next entry locates it */
    bool allow_unsigned_tail; /* store mode: entries after the last checkpoint are normal */
    uint64_t unsigned_tail;   /* how many entries no checkpoint covers yet */
    /* result */
    bool bad;
    uint64_t first_bad;
    char reason[96];
    uint8_t root[32];
};

/* Start at index `from` with the chain and tree state of entries [0, from). */
void sd_audit_verify_init(struct sd_audit_verifier *v, const uint8_t pk[SD_SIG_PK_BYTES],
                          uint64_t from, const uint8_t prev[32], const uint8_t (*range)[32],
                          size_t n_range);
void sd_audit_verify_entry(struct sd_audit_verifier *v, const uint8_t *p, size_t n);
void sd_audit_verify_checkpoint(struct sd_audit_verifier *v, const uint8_t *p, size_t n);
/* Finish: SD_OK when everything checked out (v->root, v->next = entries), else SD_E_CRYPTO
 * with v->first_bad and v->reason set. */
sd_err sd_audit_verify_finish(struct sd_audit_verifier *v);
/* Parse and verify an export file as a whole. pk may be NULL (use the file's key); else it
 * must be the file's header key. SD_E_DENIED: `trusted` is not signed by the key chain. */
sd_err sd_audit_verify_file(struct sd_audit_verifier *v, FILE *f, const uint8_t *pk,
                            const struct sd_checkpoint *trusted);
/* Verify the audit tables of a store opened read-only (a copy of a data dir), starting with
 * the store's first audit key (pk, if given, must be it) and checking that the hand-offs end
 * at its current key. */
sd_err sd_audit_verify_store(struct sd_audit_verifier *v, struct sd_store *s, const uint8_t *pk,
                             const struct sd_checkpoint *trusted);
/* Decode a stored Checkpoint record. SD_E_INVALID unless every field is one the verifier checks
 * (key_id, when present, must be the first 8 bytes of SHA-256(public_key)), there are no
 * unknown fields and p[0..n) is the canonical encoding. */
sd_err sd_checkpoint_decode(struct sd_checkpoint *out, const uint8_t *p, size_t n);

#endif
