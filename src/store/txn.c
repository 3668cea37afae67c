/* Txn and cursor wrappers over LMDB, translating every return code at the boundary, and the
 * group-commit batch (thread-local): write txns of the batching thread are nested children of
 * one batch txn that sd_store_batch_commit makes durable with a single fsync. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store_int.h"
#include "util/err_int.h"

/* The batch of the calling thread (store.h "Group commit"). Thread-local, so no lock: only
 * the batching thread ever sees it. */
static _Thread_local struct {
    bool on;              /* batching mode */
    struct sd_store *s;   /* for this store (NULL: the first one written to) */
    MDB_txn *txn;         /* the batch txn, opened by the first write txn */
    struct sd_txn *child; /* the open child, if any */
    unsigned children;    /* children merged so far */
    bool broken;          /* a child commit failed half-way: the batch must not commit */
    struct sd_buf ws;     /* write set of the children merged so far (capture on, wset.h) */
} tl_batch;

static sd_err put(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
                  size_t vlen, unsigned flags, enum sd_wset_op op, bool may_fail);
static sd_err late_apply(struct sd_txn *t);

/* Leave batching mode: wipe the batch's write set (sealed fields, wrapped keys) and reset. */
static void
batch_reset(void)
{
    sd_buf_wipe_free(&tl_batch.ws);
    memset(&tl_batch, 0, sizeof(tl_batch));
}

sd_err
sd_store_batch_wset(const uint8_t **data, size_t *len)
{
    if(!data || !len)
        return SD_E_INVALID;
    *data = tl_batch.ws.data;
    *len = tl_batch.ws.len;
    return SD_OK;
}

/* Free a txn struct and its write set. */
static void
txn_free(struct sd_txn *t)
{
    if(t->gated)
        sd_store_gate_leave(t->s); /* its LMDB txn has ended */
    if(t->ws.cap)
        sd_buf_wipe_free(&t->ws);
    if(t->late.cap)
        sd_buf_wipe_free(&t->late);
    free(t);
}

sd_err
sd_store_batch_begin(struct sd_store *s)
{
    if(tl_batch.on || (s && s->rdonly))
        return SD_E_INVALID;
    tl_batch.on = true;
    tl_batch.s = s;
    tl_batch.txn = NULL;
    tl_batch.child = NULL;
    tl_batch.children = 0;
    tl_batch.broken = false;
    tl_batch.ws = (struct sd_buf)SD_BUF_INIT;
    return SD_OK;
}

sd_err
sd_store_batch_commit(void)
{
    MDB_txn *txn = tl_batch.txn;
    struct sd_store *s = tl_batch.s;
    bool broken = tl_batch.broken;
    sd_err err = SD_OK;
    int rc;

    if(tl_batch.child)
        return SD_E_INTERNAL; /* a child still open: programming error, batch kept */
    if(txn && !broken && s && s->hook && tl_batch.ws.len) {
        /* The batch as a txn for the hook: writes (applied_seq) go to the batch itself. */
        struct sd_txn view = {.s = s, .txn = txn, .write = true};

        err = s->hook(s->hook_ctx, &view, tl_batch.ws.data, tl_batch.ws.len);
    }
    batch_reset();
    if(!txn)
        return SD_OK;
    if(broken || err != SD_OK) {
        mdb_txn_abort(txn);
        sd_store_gate_leave(s);
        return broken ? SD_E_STORE : err;
    }
    rc = mdb_txn_commit(txn);
    sd_store_gate_leave(s);
    return sd_store_err(rc);
}

void
sd_store_batch_abort(void)
{
    if(tl_batch.child) {
        mdb_txn_abort(tl_batch.child->txn);
        tl_batch.child->txn = NULL; /* the owner's later abort frees only the struct */
    }
    if(tl_batch.txn) {
        mdb_txn_abort(tl_batch.txn);
        sd_store_gate_leave(tl_batch.s);
    }
    batch_reset();
}

unsigned
sd_store_batch_children(void)
{
    return tl_batch.children;
}

sd_err
sd_txn_begin(struct sd_store *s, bool write, struct sd_txn **out)
{
    struct sd_txn *t;
    MDB_txn *parent = NULL;
    int rc;

    if(write && s->rdonly)
        return SD_E_DENIED;
    if(write && tl_batch.on && (!tl_batch.s || tl_batch.s == s)) {
        /* A second write txn on the batching thread would be a nested write: before group
         * commit it deadlocked on LMDB's writer lock; now it is refused. */
        if(tl_batch.child)
            return SD_E_INTERNAL;
        if(!tl_batch.txn) {
            /* The batch is one top-level txn for the purge gate (gate.c). */
            sd_err gerr = sd_store_gate_enter(s);

            if(gerr != SD_OK)
                return gerr;
            rc = mdb_txn_begin(s->env, NULL, 0, &tl_batch.txn);
            if(rc != MDB_SUCCESS) {
                tl_batch.txn = NULL;
                sd_store_gate_leave(s);
                return sd_store_err(rc);
            }
            tl_batch.s = s;
        }
        parent = tl_batch.txn;
    }
    t = calloc(1, sizeof(*t));
    if(!t)
        return SD_E_NOMEM;
    if(!parent) {
        sd_err gerr = sd_store_gate_enter(s);

        if(gerr != SD_OK) {
            free(t);
            return gerr;
        }
        t->gated = true;
    }
    rc = mdb_txn_begin(s->env, parent, write ? 0 : MDB_RDONLY, &t->txn);
    if(rc != MDB_SUCCESS) {
        if(t->gated)
            sd_store_gate_leave(s);
        free(t);
        return sd_store_err(rc);
    }
    t->s = s;
    t->write = write;
    t->child = parent != NULL;
    /* The only capture cost a write txn pays when capture is off: this load and one branch
     * per write. */
    t->cap = write && atomic_load_explicit(&s->capture, memory_order_relaxed);
    if(t->child)
        tl_batch.child = t;
    *out = t;
    return SD_OK;
}

sd_err
sd_txn_commit(struct sd_txn *t)
{
    sd_err err;
    int rc;

    if(t->child && tl_batch.child == t)
        tl_batch.child = NULL;
    if(!t->txn) {
        txn_free(t); /* its batch was aborted under it */
        return SD_E_STORE;
    }
    /* A write set that missed a write must not describe a committed change: refuse. For a
     * child, make room in the batch's set first so the merge after LMDB's cannot fail. */
    err = t->ws_err;
    if(err == SD_OK && t->child && t->ws.len)
        err = sd_wset_reserve(&tl_batch.ws, &t->ws);
    if(err == SD_OK && sd_store_should_fail())
        err = SD_E_STORE;
    if(err == SD_OK && !t->child && t->ws.len && t->s->hook) {
        t->cap = false; /* the hook's own writes (applied_seq) are not part of the set */
        err = t->s->hook(t->s->hook_ctx, t, t->ws.data, t->ws.len);
    }
    if(err != SD_OK) {
        mdb_txn_abort(t->txn);
        txn_free(t);
        return err;
    }
    rc = mdb_txn_commit(t->txn);
    if(t->child) {
        /* A child merges into the batch; a failure there may leave the parent half-merged,
         * so the whole batch is failed rather than committed. */
        if(rc == MDB_SUCCESS) {
            tl_batch.children++;
            sd_wset_merge(&tl_batch.ws, &t->ws);
            err = late_apply(t);
            if(err != SD_OK) {
                tl_batch.broken = true;
                txn_free(t);
                return err;
            }
        } else {
            tl_batch.broken = true;
        }
    }
    txn_free(t);
    return sd_store_err(rc);
}

void
sd_txn_abort(struct sd_txn *t)
{
    if(!t)
        return;
    if(t->child && tl_batch.child == t)
        tl_batch.child = NULL;
    if(t->txn)
        mdb_txn_abort(t->txn); /* a child alone: the batch stays as it was (and its set) */
    txn_free(t);
}

bool
sd_txn_is_write(const struct sd_txn *t)
{
    return t->write;
}

/* Late pairs (sd_txn_put_late): db u8 | klen u8 | vlen u8 | key | val each. */
#define LATE_FIXED 3
#define LATE_MAX   255 /* klen and vlen are bytes: a longer pair is put at once */
_Static_assert(SD_DB_COUNT <= 32, "late_dbs has a bit per table");

/* The flags of sd_txn_put for table db: an index pair already there is not an error. */
static unsigned
put_flags(enum sd_db db)
{
    return db == SD_DB_BY_ASSIGNEE || db == SD_DB_BY_CUSTOMER || db == SD_DB_SEARCH ? MDB_NODUPDATA
                                                                                    : 0;
}

/* Put t's late pairs into t itself, before t reads or writes one of their tables: t sees its
 * own writes, in the order it made them. */
static sd_err
late_self(struct sd_txn *t)
{
    const uint8_t *e;
    sd_err err = SD_OK;
    size_t off = 0;

    t->late_dbs = 0;
    while(off < t->late.len) {
        e = t->late.data + off;
        err = put(t, (enum sd_db)e[0], e + LATE_FIXED, e[1], e + LATE_FIXED + e[1], e[2],
                  put_flags((enum sd_db)e[0]), SD_WS_PUT, false);
        if(err != SD_OK && err != SD_E_CONFLICT)
            break;
        err = SD_OK;
        off += LATE_FIXED + (size_t)e[1] + e[2];
    }
    if(err != SD_OK) {
        /* Keep the pairs not yet put: the txn is failing, and its abort frees them. */
        memmove(t->late.data, t->late.data + off, t->late.len - off);
        t->late.len -= off;
        t->late_dbs = UINT32_MAX;
        return err;
    }
    sodium_memzero(t->late.data, t->late.len);
    t->late.len = 0;
    return SD_OK;
}

/* Before t touches table db: its late pairs of any table go into t first. */
static inline sd_err
late_check(struct sd_txn *t, enum sd_db db)
{
    if(!(t->late_dbs & (UINT32_C(1) << (unsigned)db)))
        return SD_OK;
    return late_self(t);
}

/* A committed child's late pairs into its batch txn (which owns the pages they land on), each
 * recorded into the batch's write set as sd_txn_put records it. A failure fails the batch. */
static sd_err
late_apply(struct sd_txn *t)
{
    struct sd_txn view = {.s = t->s, .txn = tl_batch.txn, .write = true, .cap = t->cap};
    const uint8_t *e;
    sd_err err = SD_OK;
    size_t off = 0;

    if(!t->late.len)
        return SD_OK;
    view.ws = tl_batch.ws;
    while(off < t->late.len) {
        e = t->late.data + off;
        err = put(&view, (enum sd_db)e[0], e + LATE_FIXED, e[1], e + LATE_FIXED + e[1], e[2],
                  put_flags((enum sd_db)e[0]), SD_WS_PUT, false);
        if(err == SD_E_CONFLICT)
            err = SD_OK; /* the pair was there: nothing changed, nothing recorded */
        if(err != SD_OK)
            break;
        off += LATE_FIXED + (size_t)e[1] + e[2];
    }
    tl_batch.ws = view.ws; /* grown in place or reallocated by the records */
    return err;
}

sd_err
sd_txn_put_late(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
                size_t vlen)
{
    uint8_t *e;
    sd_err err;

    if(!t || (unsigned)db >= SD_DB_COUNT || !key || (!val && vlen))
        return SD_E_INVALID;
    if(!t->child || klen > LATE_MAX || vlen > LATE_MAX)
        return sd_txn_put(t, db, key, klen, val, vlen);
    if(!t->write)
        return SD_E_INTERNAL;
    if(sd_store_should_fail()) /* the fault a put here would have met */
        return SD_E_STORE;
    err = sd_buf_reserve(&t->late, LATE_FIXED + klen + vlen);
    if(err != SD_OK)
        return err;
    e = t->late.data + t->late.len;
    e[0] = (uint8_t)db;
    e[1] = (uint8_t)klen;
    e[2] = (uint8_t)vlen;
    memcpy(e + LATE_FIXED, key, klen);
    if(vlen)
        memcpy(e + LATE_FIXED + klen, val, vlen);
    t->late.len += LATE_FIXED + klen + vlen;
    t->late_dbs |= UINT32_C(1) << (unsigned)db;
    return SD_OK;
}

sd_err
sd_txn_get(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, struct sd_val *v)
{
    MDB_val k = {klen, (void *)key}, d;
    int rc;
    sd_err err = late_check(t, db);

    if(err != SD_OK)
        return err;
    rc = mdb_get(t->txn, t->s->dbi[db], &k, &d);
    if(rc != MDB_SUCCESS)
        return sd_store_err(rc);
    v->p = d.mv_data;
    v->n = d.mv_size;
    return SD_OK;
}

static sd_err
put(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val, size_t vlen,
    unsigned flags, enum sd_wset_op op, bool may_fail)
{
    MDB_val k = {klen, (void *)key}, d = {vlen, (void *)val};
    int rc;
    sd_err err;

    if(!t->write)
        return SD_E_INTERNAL; /* a write through a read txn is a programming error */
    if(may_fail && sd_store_should_fail())
        return SD_E_STORE;
    err = late_check(t, db);
    if(err != SD_OK)
        return err;
    rc = mdb_put(t->txn, t->s->dbi[db], &k, &d, flags);
    if(rc != MDB_SUCCESS)
        return sd_store_err(rc); /* nothing changed: nothing to record */
    if(t->cap)
        return sd_wset_rec(t, op, db, key, klen, val, vlen);
    return SD_OK;
}

sd_err
sd_txn_put(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
           size_t vlen)
{
    sd_err err = put(t, db, key, klen, val, vlen, put_flags(db), SD_WS_PUT, true);

    return err == SD_E_CONFLICT ? SD_OK : err;
}

sd_err
sd_txn_put_new(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
               size_t vlen)
{
    return put(t, db, key, klen, val, vlen, MDB_NOOVERWRITE, SD_WS_PUT_NEW, true);
}

sd_err
sd_txn_append(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
              size_t vlen)
{
    return put(t, db, key, klen, val, vlen, MDB_APPEND, SD_WS_APPEND, true);
}

sd_err
sd_txn_del(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
           size_t vlen)
{
    MDB_val k = {klen, (void *)key}, d = {vlen, (void *)val};
    int rc;
    sd_err err;

    if(!t->write)
        return SD_E_INTERNAL;
    if(sd_store_should_fail())
        return SD_E_STORE;
    err = late_check(t, db);
    if(err != SD_OK)
        return err;
    rc = mdb_del(t->txn, t->s->dbi[db], &k, val ? &d : NULL);
    if(rc != MDB_SUCCESS)
        return sd_store_err(rc);
    if(t->cap)
        return sd_wset_rec(t, val ? SD_WS_DEL_PAIR : SD_WS_DEL, db, key, klen, val, val ? vlen : 0);
    return SD_OK;
}

sd_err
sd_cursor_open(struct sd_txn *t, enum sd_db db, struct sd_cursor **out)
{
    struct sd_cursor *c;
    int rc;
    sd_err err = late_check(t, db);

    if(err != SD_OK)
        return err;
    c = calloc(1, sizeof(*c));
    if(!c)
        return SD_E_NOMEM;
    rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c->cur);
    if(rc != MDB_SUCCESS) {
        free(c);
        return sd_store_err(rc);
    }
    c->t = t;
    c->db = db;
    *out = c;
    return SD_OK;
}

sd_err
sd_cursor_get(struct sd_cursor *c, enum sd_cursor_op op, struct sd_val *key, struct sd_val *val)
{
    static const MDB_cursor_op ops[] = {
        [SD_CUR_FIRST] = MDB_FIRST,
        [SD_CUR_LAST] = MDB_LAST,
        [SD_CUR_NEXT] = MDB_NEXT,
        [SD_CUR_PREV] = MDB_PREV,
        [SD_CUR_SET_RANGE] = MDB_SET_RANGE,
        [SD_CUR_SET_KEY] = MDB_SET_KEY,
        [SD_CUR_NEXT_DUP] = MDB_NEXT_DUP,
        [SD_CUR_GET_CURRENT] = MDB_GET_CURRENT,
        [SD_CUR_GET_BOTH_RANGE] = MDB_GET_BOTH_RANGE,
        [SD_CUR_GET_MULTIPLE] = MDB_GET_MULTIPLE,
        [SD_CUR_NEXT_MULTIPLE] = MDB_NEXT_MULTIPLE,
    };
    MDB_val k = {0, NULL}, d = {0, NULL};
    int rc;

    /* Only the positioning ops read the caller's key: for the others it is an output and the
     * caller may pass it uninitialised (valgrind's first report on a server run). */
    if(key && (op == SD_CUR_SET_RANGE || op == SD_CUR_SET_KEY || op == SD_CUR_GET_BOTH_RANGE) &&
       key->p) {
        k.mv_data = (void *)key->p;
        k.mv_size = key->n;
    }
    if(val && op == SD_CUR_GET_BOTH_RANGE && val->p) {
        d.mv_data = (void *)val->p;
        d.mv_size = val->n;
    }
    if((unsigned)op >= sizeof(ops) / sizeof(ops[0]))
        return SD_E_INVALID;
    rc = mdb_cursor_get(c->cur, &k, &d, ops[op]);
    /* A key with a single value has no page of duplicates (liblmdb 0.9 answers GET_MULTIPLE
     * with success and no data): that value is the whole list. */
    if(rc == MDB_SUCCESS && op == SD_CUR_GET_MULTIPLE && !d.mv_data)
        rc = mdb_cursor_get(c->cur, &k, &d, MDB_GET_CURRENT);
    if(rc != MDB_SUCCESS)
        return sd_store_err(rc);
    if(key) {
        key->p = k.mv_data;
        key->n = k.mv_size;
    }
    if(val) {
        val->p = d.mv_data;
        val->n = d.mv_size;
    }
    return SD_OK;
}

sd_err
sd_cursor_del(struct sd_cursor *c)
{
    struct sd_txn *t = c->t;
    MDB_val k, d;
    size_t mark;
    sd_err err;
    int rc;

    if(sd_store_should_fail())
        return SD_E_STORE;
    if(!t->cap)
        return sd_store_err(mdb_cursor_del(c->cur, 0));
    /* Record the pair first (the key and value live in the page the delete changes), then
     * take the record back if the delete fails. A dupsort table loses one pair, as the replay
     * of DEL_PAIR does; any other table the key. */
    rc = mdb_cursor_get(c->cur, &k, &d, MDB_GET_CURRENT);
    if(rc != MDB_SUCCESS)
        return sd_store_err(rc);
    mark = t->ws.len;
    if(sd_db_dupsort(c->db))
        err = sd_wset_rec(t, SD_WS_DEL_PAIR, c->db, k.mv_data, k.mv_size, d.mv_data, d.mv_size);
    else
        err = sd_wset_rec(t, SD_WS_DEL, c->db, k.mv_data, k.mv_size, NULL, 0);
    if(err != SD_OK)
        return err;
    rc = mdb_cursor_del(c->cur, 0);
    if(rc != MDB_SUCCESS)
        t->ws.len = mark;
    return sd_store_err(rc);
}

void
sd_cursor_close(struct sd_cursor *c)
{
    if(!c)
        return;
    mdb_cursor_close(c->cur);
    free(c);
}

sd_err
sd_meta_get(struct sd_txn *t, const char *name, struct sd_val *v)
{
    return sd_txn_get(t, SD_DB_META, name, strlen(name), v);
}

sd_err
sd_meta_put(struct sd_txn *t, const char *name, const void *val, size_t n)
{
    return sd_txn_put(t, SD_DB_META, name, strlen(name), val, n);
}

sd_err
sd_meta_get_u64(struct sd_txn *t, const char *name, uint64_t *v)
{
    struct sd_val d;
    sd_err err = sd_meta_get(t, name, &d);

    if(err == SD_E_NOTFOUND) {
        *v = 0;
        return SD_OK;
    }
    if(err != SD_OK)
        return err;
    /* d is set here: sd_txn_get fills it or fails, and sd_store_err never maps a failure to
     * SD_OK (the analyzer does not see into env.c). */
    // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult)
    if(d.n != 8)
        return SD_E_STORE;
    *v = sd_get_u64be(d.p);
    return SD_OK;
}

sd_err
sd_meta_put_u64(struct sd_txn *t, const char *name, uint64_t v)
{
    uint8_t b[8];

    sd_put_u64be(b, v);
    return sd_meta_put(t, name, b, sizeof(b));
}

sd_err
sd_meta_next(struct sd_txn *t, const char *name, uint64_t *v)
{
    uint64_t cur;
    sd_err err = sd_meta_get_u64(t, name, &cur);

    if(err != SD_OK)
        return err;
    if(cur == UINT64_MAX)
        return SD_E_LIMIT;
    err = sd_meta_put_u64(t, name, cur + 1);
    if(err == SD_OK)
        *v = cur + 1;
    return err;
}
