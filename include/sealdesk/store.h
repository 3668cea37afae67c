/* sealdesk store: one LMDB environment with the named tables of DESIGN.md "LMDB layout".
 *
 * Keys are big-endian fixed-width integers so cursor order is numeric order. One write txn per
 * operation; LMDB serialises writers across threads and processes, so a data dir may be shared
 * by the server and offline tools at once. Values returned by reads point into the map and are
 * valid only until the txn ends: copy what must outlive it. No LMDB error code escapes this
 * module: they are translated to sd_err. */
#ifndef SEALDESK_STORE_H
#define SEALDESK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"

#define SD_SCHEMA_VERSION 1

enum sd_db {
    SD_DB_META,
    SD_DB_TICKETS,     /* u64 ticket id -> TicketRecord */
    SD_DB_EVENTS,      /* u64 ticket id | u32 seq -> EventRecord */
    SD_DB_QUEUE,       /* u8 priority | u64 sla due | u64 ticket id -> routing facts
                          (open, unassigned; desk_int.h SD_QUEUE_VAL_BYTES) */
    SD_DB_BY_ASSIGNEE, /* assignee name -> u64 ticket id (dupsort) */
    SD_DB_BY_STATUS,   /* u8 status | u64 ticket id -> "" */
    SD_DB_BY_CUSTOMER, /* blind index[16] -> u64 ticket id (dupsort) */
    SD_DB_CUSTOMERS,   /* blind index of the customer uid/email/phone[16] -> u64 data key id */
    SD_DB_KEYS,        /* u8 kind | u64 id | u32 version -> KeyRecord (wrapped keys only) */
    SD_DB_AUDIT,       /* u64 index -> AuditEntry */
    SD_DB_AUDIT_NODES, /* u8 level | u64 index -> 32-byte Merkle node */
    SD_DB_CHECKPOINTS, /* u64 tree size -> Checkpoint */
    SD_DB_USERS,
    SD_DB_SESSIONS,
    SD_DB_REMEDIES,
    SD_DB_KB,          /* 'a'|u64 id -> ArticleRecord; 'v'|u64 id|u32 ver -> old version;
                          'g'|u64 group|u64 id -> ""; 'd'|term -> u32 df; 'u'|u8 category|
                          u64 group -> learned weight; 't'|u64 ticket|u64 group -> "" (that
                          ticket's use was learned; no PII) (kb/kb*.c) */
    SD_DB_KB_POSTINGS, /* folded term -> 16-byte posting (dupsort, dupfixed; kb/kb_index.c) */
    SD_DB_AGENTS,      /* agent name -> AgentRecord (skills, shifts; routing/route.c) */
    SD_DB_INCIDENTS,   /* 'i'|u64 id -> IncidentRecord; 'l'|u64 id|u64 ticket -> "" */
    SD_DB_PROFILES,    /* 'p'|uid bidx -> CustomerProfile; 'e'|'h' email/phone bidx -> uid
                          bidx (customers/customers.c) */
    SD_DB_ATTACH,      /* 'm'|u64 id -> AttachmentMeta; 't'|u64 ticket|u64 id -> "" */
    SD_DB_ATTACH_DATA, /* u64 attachment id | u32 chunk -> sealed chunk (attach/attach.c) */
    SD_DB_FEED,        /* 'e'|u64 offset -> FeedEvent; 'a'|consumer -> u64 acked offset */
    SD_DB_OUTBOX,      /* 'm'|u64 id -> OutboxRecord; 'd'|u64 due|u64 id -> "" (queued);
                          'c'|code[10] -> u64 id (verification codes; outbox/outbox.c) */
    SD_DB_INTAKE,      /* 'k'|sha256(create key) and 'a'|sha256(message key) -> u64 ticket;
                          'm'|sha256(Message-ID) -> mail outcome (intake/intake.c) */
    SD_DB_SEARCH,      /* keyed term hash[16] -> u64 (UINT64_MAX - ticket id), dupsort,
                          dupfixed: newest first (search/index.c) */
    SD_DB_LEARN,       /* hashed triage features of corrected tickets and the model's counts
                          (learn/learn.c, sealdesk/learn.h) */
    SD_DB_COUNT
};

struct sd_store;
struct sd_txn;
struct sd_cursor;

struct sd_val {
    const uint8_t *p;
    size_t n;
};

enum sd_store_flags {
    SD_STORE_CREATE = 1, /* create the directory files and tables if absent */
    SD_STORE_RDONLY = 2, /* read-only open (sealaudit on a copy) */
};

/* Open the environment in directory `dir` (which must exist). SD_E_STORE for a corrupt or
 * foreign environment, SD_E_PRECONDITION for a schema newer than this build,
 * SD_E_NOTFOUND when there is no store and SD_STORE_CREATE was not given.
 * map_bytes 0 picks the default (16 GiB of address space; the file grows as needed).
 * Free with sd_store_close after every txn has ended. */
sd_err sd_store_open(struct sd_store **out, const char *dir, unsigned flags, size_t map_bytes);
void sd_store_close(struct sd_store *s);
/* LMDB return code -> sd_err. */
sd_err sd_store_err(int rc);
/* Copy the environment (compacting) into directory `dir`, consistent as of one read txn. */
sd_err sd_store_copy(struct sd_store *s, const char *dir);

/* Physical purge (crypto-shredding; src/store/purge.c says why deleting records is not
 * enough with LMDB's page buffers). sd_store_purge_mark flags the store in write txn t (the
 * shred's own txn, so a crash cannot lose the request). sd_store_purge: when flagged and no
 * other handle of any process has the store open, rewrites data.mdb in place from a fresh
 * environment holding only the live records, clears the flag and sets *purged; else leaves
 * the flag (*purged false, SD_OK). The caller must own s alone: no txn open on it, no other
 * thread using it (the server uses sd_store_purge_online below). A flagged store is purged by
 * the next sd_store_open that finds no other handle. *pending: the flag is set. */
sd_err sd_store_purge_mark(struct sd_txn *t);
sd_err sd_store_purge(struct sd_store *s, bool *purged);
sd_err sd_store_purge_pending(struct sd_store *s, bool *pending);

/* Online purge, for a handle every thread of a process uses (sealdeskd). Off by default;
 * sd_store_set_online_purge(s, true) turns it on (sealdeskd's `shred_purge = now`).
 * sd_store_purge_online: when flagged, on, and no other process has the store open, quiesces
 * the handle (new txns of every thread wait, at most SD_STORE_GATE_WAIT_MS from the start of
 * the pause, then fail with SD_E_IO and sd_store_gate_refused(); open txns get
 * SD_STORE_DRAIN_MS to end, else the purge stays pending), purges as sd_store_purge does,
 * reopens the env in place (same struct sd_store) and resumes. The caller must hold no txn of
 * s. *purged: nothing is pending any more on return (this call or an earlier one purged after
 * the caller's shred committed); false: still pending (off, store in use by another process,
 * busy, or an error). Logs ev=store_purge done=yes|pending. One purge at a time per handle. */
#define SD_STORE_GATE_WAIT_MS         5000u
#define SD_STORE_DRAIN_MS             2000u
/* After a drain gave up (a txn outlived SD_STORE_DRAIN_MS), purge tries within the next
 * SD_STORE_PURGE_BACKOFF_MS (doubling with each such drain in a row, at most
 * SD_STORE_PURGE_BACKOFF_MAX_MS) stay pending at once, gate untouched (ev=store_purge
 * done=pending reason=backoff): a retrying caller does not pause every thread again and
 * again while long txns run. */
#define SD_STORE_PURGE_BACKOFF_MS     1000u
#define SD_STORE_PURGE_BACKOFF_MAX_MS 60000u
void sd_store_set_online_purge(struct sd_store *s, bool on);
sd_err sd_store_purge_online(struct sd_store *s, bool *purged);
/* True (once) when the purge gate refused a txn of the calling thread since the last call:
 * the server answers that call UNAVAILABLE with a retry hint. */
bool sd_store_gate_refused(void);

/* Txns. A write txn must end in _commit or _abort; _commit frees it even on failure. Read txns
 * may be used from any thread (MDB_NOTLS) but by one thread at a time. */
sd_err sd_txn_begin(struct sd_store *s, bool write, struct sd_txn **out);
sd_err sd_txn_commit(struct sd_txn *t);
void sd_txn_abort(struct sd_txn *t);
bool sd_txn_is_write(const struct sd_txn *t);

/* Group commit (used by the server's writer thread, src/server/writer.c).
 *
 * sd_store_batch_begin puts the CALLING THREAD in batching mode for store s (NULL: for the
 * first store a write txn is begun on, the writer does not know the desk's store): the first write
 * txn begun on this thread afterwards opens one top-level "batch" write txn, and every write
 * txn begun on this thread while the batch is open is a nested child of it (mdb_txn_begin
 * with the batch as parent). sd_txn_commit on a child merges it into the batch (not durable
 * yet); sd_txn_abort on a child discards that child alone, the batch stays usable. Read txns
 * are unaffected: they see the last durable state, never the open batch. Other threads and
 * processes are unaffected, but LMDB's writer lock is held while a batch is open, so their
 * write txns wait for sd_store_batch_commit. Only one child may be open at a time.
 * sd_store_batch_commit commits the batch (one fsync) and leaves batching mode; SD_OK when
 * no write txn was begun. On error every child merged into the batch is lost (the caller
 * must fail every operation of the batch). sd_store_batch_abort discards the batch and
 * leaves batching mode. SD_E_INVALID: begin while in batching mode already. Thread-local
 * state: no locking needed; must not be called with a child txn open. */
sd_err sd_store_batch_begin(struct sd_store *s);
sd_err sd_store_batch_commit(void);
void sd_store_batch_abort(void);
/* Children merged into the batch of this thread so far (0 outside batching mode). */
unsigned sd_store_batch_children(void);

/* Point-get: *v borrowed until the txn ends. SD_E_NOTFOUND if absent. */
sd_err sd_txn_get(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, struct sd_val *v);
/* Put (overwrite; for dupsort tables adds the pair, existing pair is not an error). */
sd_err sd_txn_put(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
                  size_t vlen);
/* sd_txn_put that may be applied when t commits (a key or value over 255 bytes is put at once): in
 * a child of a group-commit batch it is kept until the child has merged and is then put into the
 * batch txn itself, which already owns its dirty pages, instead of the child copying (and LMDB
 * zeroing) every page of the table it touches. t reads its own late pairs: a get, delete or cursor
 * on that table through t puts them into t first. A late pair the batch then fails to take (map
 * full) fails the batch (sd_store_batch_commit), not this txn. Outside a batch it is sd_txn_put. */
sd_err sd_txn_put_late(struct sd_txn *t, enum sd_db db, const void *key, size_t klen,
                       const void *val, size_t vlen);
/* Put that fails with SD_E_CONFLICT if the key exists. */
sd_err sd_txn_put_new(struct sd_txn *t, enum sd_db db, const void *key, size_t klen,
                      const void *val, size_t vlen);
/* Put a key greater than every key of db (MDB_APPEND): pages fill completely instead of
 * splitting in half, for tables written in key order (tickets by id, the audit log).
 * SD_E_CONFLICT if the key is not the greatest. */
sd_err sd_txn_append(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
                     size_t vlen);
/* Delete key (val NULL) or one pair of a dupsort table. SD_E_NOTFOUND if absent. */
sd_err sd_txn_del(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
                  size_t vlen);

/* Cursors. ops mirror LMDB's. Borrowed key/val until the txn ends. SD_E_NOTFOUND past end. */
enum sd_cursor_op {
    SD_CUR_FIRST,
    SD_CUR_LAST,
    SD_CUR_NEXT,
    SD_CUR_PREV,
    SD_CUR_SET_RANGE,
    SD_CUR_SET_KEY,
    SD_CUR_NEXT_DUP,
    SD_CUR_GET_CURRENT,
    SD_CUR_GET_BOTH_RANGE, /* dupsort: key exactly, first value >= *val (both inputs) */
    /* Dupsort tables with one value size (MDB_DUPFIXED), after SET_KEY: GET_MULTIPLE gives the
     * values of the cursor's key from the first on its page up to that page's end, packed in
     * *val (val->n a multiple of the value size); NEXT_MULTIPLE the next page of them
     * (SD_E_NOTFOUND after the last). Reads a posting list without a call per value. */
    SD_CUR_GET_MULTIPLE,
    SD_CUR_NEXT_MULTIPLE
};
sd_err sd_cursor_open(struct sd_txn *t, enum sd_db db, struct sd_cursor **out);
/* Move and read. *key is an input only for SET_RANGE, SET_KEY and GET_BOTH_RANGE (*val too
 * for that one); always an output. */
sd_err sd_cursor_get(struct sd_cursor *c, enum sd_cursor_op op, struct sd_val *key,
                     struct sd_val *val);
/* Delete the pair the cursor is on. */
sd_err sd_cursor_del(struct sd_cursor *c);
void sd_cursor_close(struct sd_cursor *c);

/* meta counters: u64 stored big-endian under `name`. _get gives 0 when absent. _next returns
 * the current value + 1 and stores it (first call gives 1). */
sd_err sd_meta_get_u64(struct sd_txn *t, const char *name, uint64_t *v);
sd_err sd_meta_put_u64(struct sd_txn *t, const char *name, uint64_t v);
sd_err sd_meta_next(struct sd_txn *t, const char *name, uint64_t *v);
sd_err sd_meta_get(struct sd_txn *t, const char *name, struct sd_val *v);
sd_err sd_meta_put(struct sd_txn *t, const char *name, const void *val, size_t n);

/* Test hook (STYLE.md 8): make the nth LMDB write call from now fail with SD_E_STORE
 * (0 disables). Process-wide. */
void sd_store_test_fail_after(unsigned n);
/* Test hook: while the file PATH exists, every purge waits between its durable copy and the
 * overwrite (at most SD_STORE_HOLD_MAX_MS; "" turns it off), so a test can watch calls wait and
 * kill the process mid-purge. Process-wide; set it before any purge runs. SD_E_INVALID: PATH
 * longer than SD_STORE_HOLD_PATH_MAX. */
#define SD_STORE_HOLD_PATH_MAX 255
#define SD_STORE_HOLD_MAX_MS   120000u
sd_err sd_store_test_purge_hold(const char *path);
/* Test hook, the heap twin of sd_store_test_fail_after: make the nth allocation from now fail
 * (0 disables). Process-wide. Nothing in src/ calls it: a test executable linked with
 * -Wl,--wrap=malloc,... and tests/unit/alloc_wrap.c asks sd_alloc_test_should_fail() on each
 * allocation our static libraries make (tests/unit/test_allocfail.c). */
void sd_alloc_test_fail_after(unsigned n);
/* True (once) when the armed countdown reaches this allocation; false when disarmed. */
bool sd_alloc_test_should_fail(void);

#endif
