/* The audit log's read side: size, roots and proofs over the audit_nodes table (merkle.c does
 * the tree arithmetic). Appending and signing are in append.c; nothing here needs a key. */
#include <string.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/merkle.h"
#include "audit_int.h"
#include "util/err_int.h"

sd_err
sd_audit_node_get(void *ctx, unsigned level, uint64_t index, uint8_t out[SD_HASH_BYTES])
{
    struct sd_txn *t = ctx;
    struct sd_val v;
    uint8_t k[9];
    sd_err err;

    sd_audit_node_key(k, level, index);
    err = sd_txn_get(t, SD_DB_AUDIT_NODES, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    if(v.n != SD_HASH_BYTES)
        return SD_E_STORE;
    memcpy(out, v.p, SD_HASH_BYTES);
    return SD_OK;
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
