/* Private to src/audit. */
#ifndef SEALDESK_AUDIT_INT_H
#define SEALDESK_AUDIT_INT_H

#include "sealdesk/merkle.h"
#include "sealdesk/store.h"

/* sd_merkle_get_fn over the audit_nodes table; ctx is the struct sd_txn. */
sd_err sd_audit_node_get(void *ctx, unsigned level, uint64_t index, uint8_t out[SD_HASH_BYTES]);

#endif
