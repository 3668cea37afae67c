/* Audit append: encode the AuditEntry, chain it to the previous leaf hash, store it and its
 * Merkle nodes (merkle.c does the tree arithmetic; this file backs it with the audit_nodes
 * table), all inside the caller's write txn. Checkpoints are in checkpoint.c. */
#include <string.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/clock.h"
#include "sealdesk/merkle.h"
#include "audit_int.h"
#include "util/err_int.h"

#define DEFAULT_CP_EVERY 1000
#define DEFAULT_CP_SECONDS 60

static void
node_key(uint8_t k[9], unsigned level, uint64_t index)
{
    k[0] = (uint8_t)level;
    sd_put_u64be(k + 1, index);
}

sd_err
sd_audit_node_get(void *ctx, unsigned level, uint64_t index, uint8_t out[SD_HASH_BYTES])
{
    struct sd_txn *t = ctx;
    struct sd_val v;
    uint8_t k[9];
    sd_err err;

    node_key(k, level, index);
    err = sd_txn_get(t, SD_DB_AUDIT_NODES, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    if(v.n != SD_HASH_BYTES)
        return SD_E_STORE;
    memcpy(out, v.p, SD_HASH_BYTES);
    return SD_OK;
}

static sd_err
node_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[SD_HASH_BYTES])
{
    uint8_t k[9];

    node_key(k, level, index);
    return sd_txn_put(ctx, SD_DB_AUDIT_NODES, k, sizeof(k), h, SD_HASH_BYTES);
}

static bool
text_ok(const char *s, size_t max, bool required)
{
    size_t n;

    if(!s)
        return !required;
    n = strnlen(s, max + 1);
    return n <= max && (n > 0 || !required);
}

sd_err
sd_audit_size(struct sd_txn *t, uint64_t *n)
{
    return sd_meta_get_u64(t, "audit_size", n);
}

sd_err
sd_audit_root(struct sd_txn *t, uint64_t size, uint8_t root[32])
{
    uint64_t n;
    sd_err err = sd_audit_size(t, &n);

    if(err != SD_OK)
        return err;
    if(size > n)
        return SD_E_INVALID;
    return sd_merkle_root(t, sd_audit_node_get, size, root);
}

sd_err
sd_audit_append(struct sd_txn *t, const struct sd_keyring *kr, const struct sd_audit_rec *r,
                uint64_t *index)
{
    Sealdesk__V1__AuditEntry e = SEALDESK__V1__AUDIT_ENTRY__INIT;
    uint8_t prev[SD_HASH_BYTES] = {0};
    uint8_t lh[SD_HASH_BYTES];
    uint8_t key[8];
    struct sd_buf enc = SD_BUF_INIT;
    struct sd_val v;
    uint64_t n, every, secs, last_time;
    size_t len;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr && r && sd_txn_is_write(t));
    SD_CHECK_ARG(text_ok(r->actor, SD_AUDIT_TEXT_MAX, true));
    SD_CHECK_ARG(text_ok(r->action, SD_AUDIT_TEXT_MAX, true));
    SD_CHECK_ARG(text_ok(r->target, SD_AUDIT_TEXT_MAX, false));
    SD_CHECK_ARG(text_ok(r->request_id, SD_AUDIT_TEXT_MAX, false));
    SD_CHECK_ARG(text_ok(r->reason, SD_AUDIT_REASON_MAX, false));
    SD_TRY(sd_audit_size(t, &n));
    if(n > 0) {
        SD_TRY(sd_meta_get(t, "audit_last_hash", &v));
        SD_ENSURE(v.n == SD_HASH_BYTES, SD_E_STORE);
        memcpy(prev, v.p, SD_HASH_BYTES);
    }
    e.index = n;
    e.time = sd_clock_now();
    e.actor = (char *)r->actor;
    e.action = (char *)r->action;
    e.target = (char *)(r->target ? r->target : "");
    e.request_id = (char *)(r->request_id ? r->request_id : "");
    e.reason = (char *)(r->reason ? r->reason : "");
    if(r->digest) {
        e.digest.data = (uint8_t *)r->digest;
        e.digest.len = 32;
    }
    e.prev_hash.data = prev;
    e.prev_hash.len = SD_HASH_BYTES;
    len = sealdesk__v1__audit_entry__get_packed_size(&e);
    SD_TRY(sd_buf_reserve(&enc, len));
    enc.len = sealdesk__v1__audit_entry__pack(&e, enc.data);
    sd_merkle_leaf_hash(lh, enc.data, enc.len);
    sd_put_u64be(key, n);
    SD_TRY(sd_txn_append(t, SD_DB_AUDIT, key, sizeof(key), enc.data, enc.len));
    SD_TRY(sd_merkle_append(t, sd_audit_node_get, node_put, n, lh));
    SD_TRY(sd_meta_put_u64(t, "audit_size", n + 1));
    SD_TRY(sd_meta_put(t, "audit_last_hash", lh, sizeof(lh)));
    if(index)
        *index = n;

    SD_TRY(sd_meta_get_u64(t, "cp_every", &every));
    SD_TRY(sd_meta_get_u64(t, "cp_seconds", &secs));
    SD_TRY(sd_meta_get_u64(t, "cp_last_time", &last_time));
    if(!every)
        every = DEFAULT_CP_EVERY;
    if(!secs)
        secs = DEFAULT_CP_SECONDS;
    if((n + 1) % every == 0 || e.time >= last_time + secs)
        SD_TRY(sd_audit_checkpoint(t, kr, NULL));
out:
    sd_buf_free(&enc);
    return err;
}

sd_err
sd_audit_inclusion_proof(struct sd_txn *t, uint64_t index, uint64_t size, uint8_t (*proof)[32],
                         size_t *np, uint8_t leaf[32])
{
    uint64_t n;
    sd_err err = sd_audit_size(t, &n);

    if(err != SD_OK)
        return err;
    if(size > n || index >= size)
        return SD_E_INVALID;
    err = sd_merkle_inclusion_proof(t, sd_audit_node_get, index, size, proof, np);
    return err == SD_OK ? sd_audit_node_get(t, 0, index, leaf) : err;
}

sd_err
sd_audit_consistency_proof(struct sd_txn *t, uint64_t m, uint64_t n, uint8_t (*proof)[32],
                           size_t *np)
{
    uint64_t size;
    sd_err err = sd_audit_size(t, &size);

    if(err != SD_OK)
        return err;
    if(n > size || m == 0 || m > n)
        return SD_E_INVALID;
    return sd_merkle_consistency_proof(t, sd_audit_node_get, m, n, proof, np);
}
