/* Private to src/audit. */
#ifndef SEALDESK_AUDIT_INT_H
#define SEALDESK_AUDIT_INT_H

#include "sealdesk/buf.h"
#include "sealdesk/merkle.h"
#include "sealdesk/store.h"

/* Key of a Merkle node in the audit_nodes table: level | index (big-endian). */
static inline void
sd_audit_node_key(uint8_t k[9], unsigned level, uint64_t index)
{
    k[0] = (uint8_t)level;
    sd_put_u64be(k + 1, index);
}

/* sd_merkle_get_fn over the audit_nodes table; ctx is the struct sd_txn. */
sd_err sd_audit_node_get(void *ctx, unsigned level, uint64_t index, uint8_t out[SD_HASH_BYTES]);

#endif
