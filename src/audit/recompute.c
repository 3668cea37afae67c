/* sd_audit_recompute_root (issue 18): the audit tree's size and root recomputed from the
 * stored leaves' own bytes, for a follower to compare with the root its leader claimed after
 * replaying a write set. Incremental: the compact range (perfect subtree roots, the
 * sd_merkle_stream stack) of the leaves verified so far is kept in the node-local meta key
 * "local/audit_frontier" (u64 size | one 32-byte hash per set bit of size, lowest level
 * first), written in the caller's txn, never captured. Write sets may only append audit
 * entries (sd_wset_apply refuses anything else), so verified leaves stay verified. */
#include <string.h>

#include "sealdesk/audit.h"
#include "sealdesk/merkle.h"
#include "sealdesk/wset.h"
#include "audit_int.h"
#include "util/err_int.h"

#define FRONTIER_KEY "local/audit_frontier"
#define LEVELS       64

static sd_err
frontier_load(struct sd_txn *t, struct sd_merkle_stream *ms)
{
    struct sd_val v;
    size_t at = 8;
    sd_err err = sd_meta_get(t, FRONTIER_KEY, &v);

    sd_merkle_stream_init(ms);
    if(err == SD_E_NOTFOUND)
        return SD_OK;
    if(err != SD_OK)
        return err;
    if(v.n < 8)
        return SD_E_STORE;
    ms->size = sd_get_u64be(v.p);
    if(v.n != 8 + (size_t)__builtin_popcountll(ms->size) * SD_HASH_BYTES)
        return SD_E_STORE;
    for(unsigned l = 0; l < LEVELS; l++) {
        if(!((ms->size >> l) & 1))
            continue;
        memcpy(ms->stack[l], v.p + at, SD_HASH_BYTES);
        at += SD_HASH_BYTES;
    }
    return SD_OK;
}

static sd_err
frontier_store(struct sd_txn *t, const struct sd_merkle_stream *ms)
{
    uint8_t b[8 + LEVELS * SD_HASH_BYTES];
    size_t at = 8;

    sd_put_u64be(b, ms->size);
    for(unsigned l = 0; l < LEVELS; l++) {
        if(!((ms->size >> l) & 1))
            continue;
        memcpy(b + at, ms->stack[l], SD_HASH_BYTES);
        at += SD_HASH_BYTES;
    }
    return sd_meta_put_local(t, FRONTIER_KEY, b, at);
}

sd_err
sd_audit_recompute_root(struct sd_txn *t, uint64_t *size, uint8_t root[32])
{
    struct sd_merkle_stream ms;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint8_t key[8], lh[SD_HASH_BYTES], stored[SD_HASH_BYTES];
    uint64_t from, meta_size;
    sd_err rc, err = SD_OK;

    SD_CHECK_ARG(t && size && root);
    SD_TRY(frontier_load(t, &ms));
    from = ms.size;
    SD_TRY(sd_cursor_open(t, SD_DB_AUDIT, &c));
    sd_put_u64be(key, ms.size);
    k.p = key;
    k.n = sizeof(key);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        /* Leaves are keyed 0, 1, 2, ...: a gap or a foreign key is a broken log. */
        SD_ENSURE(k.n == 8 && sd_get_u64be(k.p) == ms.size, SD_E_CRYPTO);
        SD_ENSURE(ms.size < SD_MERKLE_MAX_SIZE, SD_E_LIMIT);
        sd_merkle_leaf_hash(lh, v.p, v.n);
        sd_merkle_stream_push(&ms, lh);
    }
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    sd_merkle_stream_root(&ms, root);
    *size = ms.size;
    if(ms.size != from && sd_txn_is_write(t))
        SD_TRY(frontier_store(t, &ms));
    /* The stored tree (audit_size, audit_nodes: what proofs and checkpoints are made from)
     * must describe the same leaves. */
    SD_TRY(sd_audit_size(t, &meta_size));
    SD_ENSURE(meta_size == ms.size, SD_E_CRYPTO);
    SD_TRY(sd_audit_root(t, ms.size, stored));
    SD_ENSURE(memcmp(stored, root, SD_HASH_BYTES) == 0, SD_E_CRYPTO);
out:
    sd_cursor_close(c);
    return err;
}
