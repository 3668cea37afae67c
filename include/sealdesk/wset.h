/* Write sets (issue 18): with capture on, every change made through the store's write txns
 * (sd_txn_put/_put_new/_append/_del, cursor deletes, the keystore's puts, dels and drops) is
 * also recorded, in order, as a logical operation, so another node can replay the same change.
 * A nested child txn records into its own list, appended to its parent's on commit and dropped
 * on abort. Physical housekeeping (the free-page scrub) is NOT captured: each node does its
 * own. Format (versioned, all lengths bounded): magic "SDWS", u8 version, then ops
 * (u8 op, u8 table, u32 klen, key, u32 vlen, val) — table is the enum sd_db value. */
#ifndef SEALDESK_WSET_H
#define SEALDESK_WSET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sealdesk/err.h"
#include "sealdesk/store.h"

/* Turn capture on for every write txn of this store from now on (off by default: a single
 * node records nothing and pays nothing). */
void sd_store_set_capture(struct sd_store *s, bool on);
/* The write set recorded so far by the write txn t (the batch txn after its children
 * committed). *data stays valid until t ends or records more. Empty: *len is 0. */
sd_err sd_txn_wset(struct sd_txn *t, const uint8_t **data, size_t *len);
/* Replays a write set in t (a write txn, capture off for it): every op in order. Malformed or
 * out-of-bounds input -> SD_E_INVALID naming the byte offset (in sd_err_detail or similar),
 * and the caller aborts t (nothing applied). */
sd_err sd_wset_apply(struct sd_txn *t, const uint8_t *ws, size_t len);
/* The replication position stored in the same txn as the data it covers (meta
 * "applied_seq"; never captured: each node writes its own). */
sd_err sd_store_applied_get(struct sd_txn *t, uint64_t *seq);
sd_err sd_store_applied_put(struct sd_txn *t, uint64_t seq);
#endif
