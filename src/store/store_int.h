/* Private to src/store. */
#ifndef SEALDESK_STORE_INT_H
#define SEALDESK_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <lmdb.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/buf.h"
#include "sealdesk/keystore.h"
#include "sealdesk/store.h"
#include "sealdesk/wset.h"

#define SD_MAP_DEFAULT ((size_t)16 << 30)

struct sd_store {
    MDB_env *env;
    MDB_dbi dbi[SD_DB_COUNT];
    bool rdonly, create;
    atomic_bool capture;       /* write sets (wset.h): read once per write txn begin */
    sd_store_commit_hook hook; /* wset.h: called before a top-level or batch commit */
    void *hook_ctx;
    char *dir;        /* the data directory (owned) */
    size_t map_bytes; /* the map size the env was opened with */
    int lock_fd;      /* data.mdb, holding a shared flock (exclusive while purging) */
    /* The purge gate (gate.c): every top-level txn (a group-commit batch counts once) passes
     * it, so an online purge can stop new txns, wait for the open ones and swap the env. */
    atomic_uint gate_open;        /* top-level txns open */
    atomic_int gate_state;        /* enum sd_gate_state */
    uint64_t gate_closed_ms;      /* CLOCK_MONOTONIC ms when the gate closed (under gate_mu) */
    pthread_mutex_t gate_mu;      /* guards the waits below, and gate_closed_ms */
    pthread_cond_t gate_cv;       /* broadcast on open, and when gate_open reaches 0 */
    pthread_mutex_t purge_mu;     /* one online purge at a time; guards the two below */
    unsigned purge_busy;          /* drains that gave up in a row */
    uint64_t purge_not_before_ms; /* CLOCK_MONOTONIC ms: no drain before (back-off) */
    bool gate_ready;              /* the mutexes and cond are initialised */
    atomic_bool online_purge;     /* sd_store_set_online_purge */
};

enum sd_gate_state {
    SD_GATE_OPEN,     /* txns begin */
    SD_GATE_DRAINING, /* new txns wait; a thread already in a txn may begin another */
    SD_GATE_CLOSED,   /* no txn open: the env may be closed and reopened */
};

/* gate.c. Init/destroy with the handle (open.c). Enter before a top-level txn begins (waits
 * while the gate is closed, at most SD_STORE_GATE_WAIT_MS from the moment it closed; then
 * SD_E_IO, and sd_store_gate_refused() is true on this thread), leave after it ended. Close:
 * stop new txns and wait up to wait_ms for the open ones to end (SD_E_LIMIT: they did not,
 * the gate is open again). Open: let them go again. Only the purge (purge.c) closes it. */
sd_err sd_store_gate_init(struct sd_store *s);
void sd_store_gate_destroy(struct sd_store *s);
sd_err sd_store_gate_enter(struct sd_store *s);
void sd_store_gate_leave(struct sd_store *s);
sd_err sd_store_gate_close(struct sd_store *s, unsigned wait_ms);
void sd_store_gate_reopen(struct sd_store *s);

/* env.c: open s->env on s->dir with s's flags and open every table (SD_E_* as sd_store_open;
 * on failure s->env is NULL); close it (a no-op when closed). The name of table i. */
sd_err sd_store_env_open(struct sd_store *s);
void sd_store_env_close(struct sd_store *s);
const char *sd_store_table_name(int i);
/* purge.c: with the exclusive flock held and no env open, finish an interrupted or pending
 * purge and leave s->env open (writable stores; read-only: nothing to do). */
sd_err sd_store_purge_recover(struct sd_store *s);

struct sd_txn {
    struct sd_store *s;
    MDB_txn *txn;
    bool write;
    bool child;       /* a nested child of this thread's group-commit batch (txn.c) */
    bool gated;       /* passed the purge gate (a top-level txn): leave it when it ends */
    bool cap;         /* capture on (wset.c): every successful write is recorded into ws */
    sd_err ws_err;    /* recording failed: the txn must not commit (its set is incomplete) */
    struct sd_buf ws; /* the write set recorded so far (empty when cap is off) */
    /* Pair puts of a child left for its commit (sd_txn_put_late): db | klen | vlen | key | val
     * each, applied to the batch txn once the child has merged. */
    struct sd_buf late;
    uint32_t late_dbs; /* bit per table with entries in late (tested by every read of it) */
};

struct sd_cursor {
    MDB_cursor *cur;
    struct sd_txn *t; /* for capture of cursor deletes */
    enum sd_db db;
};

/* Whether env.c opens table db MDB_DUPSORT (read from its table list, so a new dupsort
 * table cannot be missed: a cursor delete on one must be recorded as DEL_PAIR). */
bool sd_db_dupsort(enum sd_db db);
/* The value size of a MDB_DUPFIXED table (0: any size). LMDB copies that many bytes from a
 * value put into such a table whatever its given size, so a replayed value must have it. */
size_t sd_db_fixed_size(enum sd_db db);

/* Record one successful write of t (t->cap is true): appends op | table | klen | key | vlen |
 * val to t->ws, all or nothing. On failure sets t->ws_err and returns it (wset.c). */
sd_err sd_wset_rec(struct sd_txn *t, enum sd_wset_op op, enum sd_db db, const void *key,
                   size_t klen, const void *val, size_t vlen);
/* Append the set `from` (a committed child's) to `to`; reserve first with sd_wset_reserve so
 * the merge after LMDB's commit cannot fail. */
sd_err sd_wset_reserve(struct sd_buf *to, const struct sd_buf *from);
void sd_wset_merge(struct sd_buf *to, struct sd_buf *from);

/* Key of a record in the `keys` table: kind | id (big-endian) | version (big-endian). */
static inline void
sd_keys_key_id(uint8_t k[13], enum sd_key_kind kind, uint64_t id, uint32_t version)
{
    k[0] = (uint8_t)kind;
    sd_put_u64be(k + 1, id);
    sd_put_u32be(k + 9, version);
}

/* Decode a key record; caller frees *out with sealdesk__v1__key_record__free_unpacked. */
static inline sd_err
sd_keys_rec_get(struct sd_val *v, Sealdesk__V1__KeyRecord **out)
{
    *out = sealdesk__v1__key_record__unpack(NULL, v->n, v->p);
    return *out ? SD_OK : SD_E_STORE;
}

/* Version of the current (only) audit signing key record (audit_keys.c). */
sd_err sd_keys_audit_current(struct sd_txn *t, uint32_t *version);

/* Fault injection: true when the armed countdown reaches this call. */
bool sd_store_should_fail(void);

#endif
