/* Offline verification of the audit log: recompute the hash chain and the RFC 6962 tree,
 * check every checkpoint signature and root, and name the first bad index. Needs only the
 * first audit public key: a key hand-off checkpoint (signed by the current key, carrying the
 * next one) moves the verifier to the next key, so a checkpoint signed by the new key before
 * its hand-off, or by the old key after it, fails. Used by sealaudit on export files and on
 * read-only copies of a data dir.
 *
 * Locating the first bad entry: an entry whose prev_hash does not match its predecessor means
 * either the predecessor's content or this entry's prev_hash was altered. The next entry tells
 * them apart: if it still links to this one, this entry is intact and its predecessor was
 * changed; if not, this entry was changed. An attacker who rewrites the whole chain after an
 * edit is caught by the signed roots, located to the span after the last good checkpoint. */
#include <string.h>

#include <sodium.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/keystore.h"
#include "audit_int.h"
#include "util/err_int.h"

static void
fail(struct sd_audit_verifier *v, uint64_t idx, const char *reason)
{
    if(v->bad)
        return;
    v->bad = true;
    v->first_bad = idx;
    snprintf(v->reason, sizeof(v->reason), "%s", reason);
}

/* The chain broke at chain_at; decide which entry was altered. `next_links` tells whether the
 * entry after it still links to it (-1: there is no next entry). */
static void
resolve_chain(struct sd_audit_verifier *v, int next_links)
{
    uint64_t at = v->chain_at;

    v->chain_pending = false;
    if(next_links != 0 && at > v->from)
        fail(v, at - 1, "entry_modified");
    else
        fail(v, at, "entry_modified_or_inserted");
}

void
sd_audit_verify_init(struct sd_audit_verifier *v, const uint8_t pk[SD_SIG_PK_BYTES], uint64_t from,
                     const uint8_t prev[32], const uint8_t (*range)[32], size_t n_range)
{
    size_t i = 0;

    memset(v, 0, sizeof(*v));
    memcpy(v->pk, pk, SD_SIG_PK_BYTES);
    memcpy(v->keys[0], pk, SD_SIG_PK_BYTES);
    v->n_keys = 1;
    v->next = v->from = v->last_good_cp = from;
    if(prev)
        memcpy(v->prev, prev, 32);
    sd_merkle_stream_init(&v->ms);
    v->ms.size = from;
    for(int l = 63; l >= 0; l--) {
        if(!((from >> l) & 1))
            continue;
        if(i >= n_range) {
            fail(v, from, "bad_header");
            return;
        }
        memcpy(v->ms.stack[l], range[i++], 32);
    }
    if(i != n_range)
        fail(v, from, "bad_header");
}

static void
check_trusted(struct sd_audit_verifier *v)
{
    uint8_t root[32];

    if(!v->have_trusted || v->trusted_checked || v->ms.size != v->trusted.size)
        return;
    v->trusted_checked = true;
    /* Checkpoints of this size come next in the stream: v->pk is the key that signs them. */
    if(v->trusted_unsigned && sd_checkpoint_verify(&v->trusted, v->pk) != SD_OK) {
        v->trusted_denied = true;
        return;
    }
    v->trusted_unsigned = false;
    sd_merkle_stream_root(&v->ms, root);
    if(sodium_memcmp(root, v->trusted.root, 32) != 0) {
        if(v->chain_pending)
            resolve_chain(v, -1);
        fail(v, v->last_good_cp, "diverges_from_trusted_checkpoint");
    }
}

void
sd_audit_verify_entry(struct sd_audit_verifier *v, const uint8_t *p, size_t n)
{
    Sealdesk__V1__AuditEntry *e;
    uint8_t lh[32];
    uint64_t i = v->next;
    bool links;

    if(v->bad)
        return;
    e = sealdesk__v1__audit_entry__unpack(NULL, n, p);
    links = e && e->prev_hash.len == 32 && memcmp(e->prev_hash.data, v->prev, 32) == 0;
    if(v->chain_pending) {
        resolve_chain(v, links ? 1 : 0);
        goto out;
    }
    if(v->root_pending) {
        /* The signed root disagreed with the entries before it. If this entry no longer links
         * to its predecessor, that predecessor was altered; otherwise the alteration is
         * somewhere after the last good checkpoint (a re-chained rewrite). */
        v->root_pending = false;
        fail(v, links ? v->last_good_cp : v->next - 1, links ? "root_mismatch" : "entry_modified");
        goto out;
    }
    if(!e) {
        fail(v, i, "unparsable_entry");
        goto out;
    }
    if(e->index != i) {
        fail(v, i, e->index > i ? "missing_entry" : "duplicate_or_reordered_entry");
        goto out;
    }
    if(!links) {
        v->chain_pending = true;
        v->chain_at = i;
    }
    sd_merkle_leaf_hash(lh, p, n);
    sd_merkle_stream_push(&v->ms, lh);
    memcpy(v->prev_prev, v->prev, 32);
    memcpy(v->prev, lh, 32);
    v->next++;
    check_trusted(v);
out:
    if(e)
        sealdesk__v1__audit_entry__free_unpacked(e, NULL);
}

/* Why cp does not verify under the current key (for the report only). */
static const char *
signature_problem(const struct sd_audit_verifier *v, const struct sd_checkpoint *cp)
{
    for(size_t i = 0; i + 1 < v->n_keys; i++) {
        if(sd_checkpoint_verify(cp, v->keys[i]) == SD_OK)
            return "checkpoint_signed_by_retired_key"; /* old key after its hand-off */
    }
    if(sodium_memcmp(cp->pk, v->pk, SD_SIG_PK_BYTES) != 0 &&
       sd_checkpoint_verify(cp, cp->pk) == SD_OK)
        return "checkpoint_signed_by_unannounced_key"; /* e.g. new key before its hand-off */
    return "bad_checkpoint_signature";
}

/* A good hand-off checkpoint: its next key signs the checkpoints after it. */
static void
follow_handoff(struct sd_audit_verifier *v, const struct sd_checkpoint *cp)
{
    if(sodium_memcmp(cp->next_pk, v->pk, SD_SIG_PK_BYTES) == 0)
        return;
    if(v->n_keys >= SD_MAX_AUDIT_KEY_VERSIONS) {
        fail(v, cp->size ? cp->size - 1 : 0, "key_chain_too_long");
        return;
    }
    memcpy(v->keys[v->n_keys], cp->next_pk, SD_SIG_PK_BYTES);
    v->key_from[v->n_keys] = cp->size;
    v->n_keys++;
    memcpy(v->pk, cp->next_pk, SD_SIG_PK_BYTES);
}

void
sd_audit_verify_checkpoint(struct sd_audit_verifier *v, const uint8_t *p, size_t n)
{
    struct sd_checkpoint cp;
    uint8_t root[32];

    if(v->bad)
        return;
    if(sd_checkpoint_decode(&cp, p, n) != SD_OK) {
        fail(v, v->next ? v->next - 1 : 0, "malformed_checkpoint");
        return;
    }
    if(sd_checkpoint_verify(&cp, v->pk) != SD_OK) {
        fail(v, cp.size ? cp.size - 1 : 0, signature_problem(v, &cp));
        return;
    }
    if(cp.size != v->ms.size) {
        fail(v, v->ms.size,
             cp.size > v->ms.size ? "entries_missing_before_checkpoint"
                                  : "checkpoint_out_of_place");
        return;
    }
    sd_merkle_stream_root(&v->ms, root);
    if(sodium_memcmp(root, cp.root, 32) != 0) {
        /* Defer: the chain (pending break, or the next entry's link) locates the change. */
        if(!v->chain_pending)
            v->root_pending = true;
        return;
    }
    if(!v->chain_pending)
        v->last_good_cp = cp.size;
    v->checkpoints++;
    if(cp.has_next)
        follow_handoff(v, &cp);
}

sd_err
sd_audit_verify_finish(struct sd_audit_verifier *v)
{
    if(v->chain_pending)
        resolve_chain(v, -1);
    if(v->root_pending)
        fail(v, v->last_good_cp, "root_mismatch");
    if(!v->bad && v->have_trusted && v->trusted.size > v->next)
        fail(v, v->next, "truncated_below_trusted_checkpoint");
    if(!v->bad && v->last_good_cp != v->next) {
        if(v->allow_unsigned_tail)
            v->unsigned_tail = v->next - v->last_good_cp;
        else
            fail(v, v->last_good_cp, "entries_beyond_last_checkpoint");
    }
    sd_merkle_stream_root(&v->ms, v->root);
    return v->bad ? SD_E_CRYPTO : SD_OK;
}

static sd_err
set_trusted(struct sd_audit_verifier *v, const struct sd_checkpoint *trusted)
{
    if(!trusted)
        return SD_OK;
    v->have_trusted = true;
    v->trusted = *trusted;
    /* Made after a key hand-off, it is signed by a later key: check_trusted verifies it with
     * the key in effect when the verifier reaches its size. */
    v->trusted_unsigned = sd_checkpoint_verify(trusted, v->pk) != SD_OK;
    if(trusted->size < v->from)
        return SD_E_INVALID; /* cannot check a prefix the export does not contain */
    check_trusted(v);
    /* the trusted checkpoint itself is not signed by this key */
    return v->trusted_denied ? SD_E_DENIED : SD_OK;
}

/* Finish, then report a trusted checkpoint that no key of the chain signed. */
static sd_err
finish_trusted(struct sd_audit_verifier *v)
{
    sd_err err = sd_audit_verify_finish(v);

    return err == SD_OK && v->trusted_denied ? SD_E_DENIED : err;
}

static bool
read_exact(FILE *f, uint8_t *p, size_t n)
{
    return fread(p, 1, n, f) == n;
}

sd_err
sd_audit_verify_file(struct sd_audit_verifier *v, FILE *f, const uint8_t *pk,
                     const struct sd_checkpoint *trusted)
{
    uint8_t magic[8], hdr[5];
    uint8_t *buf = NULL;
    uint64_t from;
    bool ended = false;
    sd_err err = SD_OK;

    buf = malloc(SD_AUDIT_REC_MAX);
    SD_ENSURE(buf, SD_E_NOMEM);
    SD_ENSURE(read_exact(f, magic, 8) && memcmp(magic, SD_AUDIT_MAGIC, 8) == 0, SD_E_INVALID);
    SD_ENSURE(read_exact(f, hdr, 5) && hdr[0] == SD_AREC_HEADER, SD_E_INVALID);
    {
        uint32_t len = sd_get_u32be(hdr + 1);
        size_t k;

        SD_ENSURE(len >= 73 && len <= 73 + 64 * 32, SD_E_INVALID);
        SD_ENSURE(read_exact(f, buf, len), SD_E_INVALID);
        from = sd_get_u64be(buf);
        k = buf[72];
        SD_ENSURE(len == 73 + 32 * k, SD_E_INVALID);
        sd_audit_verify_init(v, pk ? pk : buf + 8, from, buf + 40, (const uint8_t(*)[32])(buf + 73),
                             k);
        if(pk && sodium_memcmp(pk, buf + 8, 32) != 0)
            fail(v, from, "public_key_mismatch");
    }
    SD_TRY(set_trusted(v, trusted));
    while(!v->bad) {
        uint32_t len;

        if(!read_exact(f, hdr, 5)) {
            if(!ended)
                fail(v, v->next, "truncated_file");
            break;
        }
        if(ended) {
            fail(v, v->next, "data_after_end");
            break;
        }
        len = sd_get_u32be(hdr + 1);
        if(len > SD_AUDIT_REC_MAX || !read_exact(f, buf, len)) {
            fail(v, v->next, "truncated_file");
            break;
        }
        switch(hdr[0]) {
        case SD_AREC_ENTRY:
            sd_audit_verify_entry(v, buf, len);
            break;
        case SD_AREC_CHECKPOINT:
            sd_audit_verify_checkpoint(v, buf, len);
            break;
        case SD_AREC_END:
            if(len != 8 || sd_get_u64be(buf) != v->next - v->from)
                fail(v, v->next, "entry_count_mismatch");
            ended = true;
            break;
        default:
            fail(v, v->next, "unknown_record");
        }
    }
    err = finish_trusted(v);
out:
    free(buf);
    return err;
}

sd_err
sd_audit_verify_store(struct sd_audit_verifier *v, struct sd_store *s, const uint8_t *pk,
                      const struct sd_checkpoint *trusted)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *ce = NULL, *cc = NULL;
    struct sd_val k, val, ck, cv;
    uint8_t spk[SD_SIG_PK_BYTES], first[SD_SIG_PK_BYTES], zero[32] = {0};
    uint64_t size;
    sd_err err = SD_OK;
    sd_err rc, crc;

    SD_TRY(sd_txn_begin(s, false, &t));
    SD_TRY(sd_keys_audit_pk(t, spk));
    SD_TRY(sd_keys_audit_pk_at(t, 0, first));
    SD_TRY(sd_audit_size(t, &size));
    sd_audit_verify_init(v, pk ? pk : first, 0, zero, NULL, 0);
    /* A live store signs a checkpoint every cp_every entries or cp_seconds: the newest entries
     * are covered by the chain, the stored leaf hashes and the meta counters until then. */
    v->allow_unsigned_tail = true;
    if(pk && sodium_memcmp(pk, first, 32) != 0)
        fail(v, 0, "public_key_mismatch"); /* pk must be the store's first audit key */
    SD_TRY(set_trusted(v, trusted));
    SD_TRY(sd_cursor_open(t, SD_DB_AUDIT, &ce));
    SD_TRY(sd_cursor_open(t, SD_DB_CHECKPOINTS, &cc));
    crc = sd_cursor_get(cc, SD_CUR_FIRST, &ck, &cv);
    /* size-0 checkpoints carry nothing to check */
    while(crc == SD_OK && ck.n == 8 && sd_get_u64be(ck.p) == 0)
        crc = sd_cursor_get(cc, SD_CUR_NEXT, &ck, &cv);
    for(rc = sd_cursor_get(ce, SD_CUR_FIRST, &k, &val); rc == SD_OK && !v->bad;
        rc = sd_cursor_get(ce, SD_CUR_NEXT, &k, &val)) {
        uint64_t i = v->next;
        uint8_t lh[32], stored[32];

        SD_ENSURE(k.n == 8, SD_E_STORE);
        if(sd_get_u64be(k.p) != i) {
            fail(v, i, "missing_entry");
            break;
        }
        sd_audit_verify_entry(v, val.p, val.n);
        sd_merkle_leaf_hash(lh, val.p, val.n);
        if(!v->bad &&
           (sd_audit_node_get(t, 0, i, stored) != SD_OK || sodium_memcmp(stored, lh, 32) != 0))
            fail(v, i, "leaf_hash_mismatch");
        while(crc == SD_OK && ck.n == 8 && sd_get_u64be(ck.p) <= v->next) {
            sd_audit_verify_checkpoint(v, cv.p, cv.n);
            crc = sd_cursor_get(cc, SD_CUR_NEXT, &ck, &cv);
        }
    }
    if(!v->bad && crc == SD_OK)
        fail(v, v->next, "entries_missing_before_checkpoint");
    if(!v->bad && v->next != size)
        fail(v, v->next < size ? v->next : size, "entry_count_mismatch");
    if(!v->bad && size) {
        struct sd_val lastv;

        SD_TRY(sd_meta_get(t, "audit_last_hash", &lastv));
        if(lastv.n != 32 || sodium_memcmp(lastv.p, v->prev, 32) != 0)
            fail(v, size - 1, "last_hash_mismatch");
    }
    /* The hand-offs must lead to the key the store signs with now. */
    if(!v->bad && sodium_memcmp(v->pk, spk, SD_SIG_PK_BYTES) != 0)
        fail(v, v->last_good_cp, "key_chain_does_not_reach_current_key");
    err = finish_trusted(v);
out:
    sd_cursor_close(ce);
    sd_cursor_close(cc);
    sd_txn_abort(t);
    return err;
}
