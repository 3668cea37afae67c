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

/* ---- additions (brief W) ---- */

#define SD_WSET_MAGIC   "SDWS"
#define SD_WSET_VERSION 1
#define SD_WSET_HEADER  5 /* magic + version */
/* Bounds sd_wset_apply enforces: LMDB's key limit (MDB_MAXKEYSIZE of the Debian build), and a
 * value ceiling far above anything sealdesk stores (sealed attachment chunks are 256 KiB plus
 * a few bytes; every record is built from a request of at most 26 MiB, cut into chunks). */
#define SD_WSET_KEY_MAX 511u
#define SD_WSET_VAL_MAX ((uint32_t)16 << 20)

/* Op codes. Replay calls the same store function the leader called, so LMDB flags mean the
 * same on both sides: PUT is sd_txn_put (overwrite; MDB_NODUPDATA on the by_assignee and
 * by_customer tables, where an existing pair is not an error), PUT_NEW is sd_txn_put_new
 * (MDB_NOOVERWRITE: an existing key on the follower is a divergence and fails the replay with
 * SD_E_CONFLICT, never a silent overwrite), APPEND is sd_txn_append (MDB_APPEND), DEL deletes
 * the key (every duplicate), DEL_PAIR one (key, value) pair of a dupsort table (what a cursor
 * delete on it removed), DROP empties a table (klen and vlen 0). Only ops that succeeded on
 * the leader are recorded (a put of an existing dupsort pair, a delete of a missing key are
 * not), so every op of a valid set succeeds on a follower holding the same prior state. */
enum sd_wset_op {
    SD_WS_PUT = 1,
    SD_WS_PUT_NEW = 2,
    SD_WS_APPEND = 3,
    SD_WS_DEL = 4,
    SD_WS_DEL_PAIR = 5,
    SD_WS_DROP = 6,
};

/* sd_wset_apply, beyond the contract above: t's own capture is off while it replays (the
 * replayed ops are not this node's changes); SD_E_INVALID also for an op the leader cannot
 * have recorded (a node-local meta key, a drop of meta, an audit entry not appended: the
 * audit log is append-only); an op the store refuses returns the store's error (SD_E_CONFLICT
 * for PUT_NEW over an existing key or an APPEND that is not last, SD_E_NOTFOUND for a delete
 * of a missing key: the follower's state is not the leader's) with the offset recorded too.
 * An empty input (len 0) is the empty set: SD_OK, nothing done. */

/* The last sd_wset_apply failure of this thread, for logs: "offset N: reason" (no key or
 * value bytes). Static thread-local storage; "" when none. */
const char *sd_wset_why(void);
/* Byte offset of the op (or field) the last failed sd_wset_apply of this thread stopped at. */
size_t sd_wset_bad_offset(void);

/* The write set of this thread's open group-commit batch (store.h "Group commit"): the
 * children merged so far, in commit order. *data stays valid until the batch commits, aborts
 * or merges another child. Empty (or not batching): *len 0. An error from recording (out of
 * memory) is returned here and by sd_store_batch_commit, which then commits nothing. */
sd_err sd_store_batch_wset(const uint8_t **data, size_t *len);

/* Commit hook (for a cluster leader): called for every write txn of a capturing store that
 * commits a non-empty write set on its own (a top-level write txn, or this thread's
 * group-commit batch at sd_store_batch_commit; a batch's children are inside the batch's
 * set), just before LMDB commits it, on the committing thread, with LMDB's writer lock held.
 * t is that txn (for the batch a view of it), usable for reads and sd_store_applied_put; its
 * writes during the hook are not captured. ws/len: the complete set (len > 0), valid during
 * the call. A hook error aborts the txn (or the whole batch) and is what sd_txn_commit /
 * sd_store_batch_commit return. Set it before any write txn begins; NULL removes it. */
typedef sd_err (*sd_store_commit_hook)(void *ctx, struct sd_txn *t, const uint8_t *ws, size_t len);
void sd_store_set_commit_hook(struct sd_store *s, sd_store_commit_hook fn, void *ctx);

/* Node-local meta keys: never captured, refused in a write set, skipped by sd_store_digest.
 * They are "applied_seq", every key starting with "local/" (for the cluster code and the
 * audit frontier, "local/audit_frontier") and the scrub's temporary "scrub/" keys. */
bool sd_meta_is_local(const void *key, size_t klen);
/* Put a node-local meta value (name must satisfy sd_meta_is_local): not captured. */
sd_err sd_meta_put_local(struct sd_txn *t, const char *name, const void *val, size_t n);

/* SHA-256 over the logical content of every table (in enum sd_db order, each pair in cursor
 * order as u8 table | u32 klen | key | u32 vlen | val, big-endian lengths), node-local meta
 * keys left out: two nodes holding the same replicated state give the same digest. One read
 * txn. */
sd_err sd_store_digest(struct sd_store *s, uint8_t out[32]);
#endif
