/* Txn and cursor wrappers over LMDB, translating every return code at the boundary, and the
 * group-commit batch (thread-local): write txns of the batching thread are nested children of
 * one batch txn that sd_store_batch_commit makes durable with a single fsync. */
#include <stdlib.h>
#include <string.h>

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
} tl_batch;

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
    return SD_OK;
}

sd_err
sd_store_batch_commit(void)
{
    MDB_txn *txn = tl_batch.txn;
    struct sd_store *s = tl_batch.s;
    bool broken = tl_batch.broken;
    int rc;

    if(tl_batch.child)
        return SD_E_INTERNAL; /* a child still open: programming error, batch kept */
    memset(&tl_batch, 0, sizeof(tl_batch));
    if(!txn)
        return SD_OK;
    if(broken) {
        mdb_txn_abort(txn);
        return SD_E_STORE;
    }
    if(s && s->hook) {
        struct sd_txn bt = {.s = s, .txn = txn, .write = true, .child = false};
        sd_err herr = s->hook(s->hook_arg, &bt);

        if(herr != SD_OK) {
            mdb_txn_abort(txn);
            return herr;
        }
    }
    rc = mdb_txn_commit(txn);
    return sd_store_err(rc);
}

void
sd_store_set_commit_hook(struct sd_store *s, sd_store_commit_hook_fn fn, void *arg)
{
    s->hook = fn;
    s->hook_arg = arg;
}

void
sd_store_batch_abort(void)
{
    if(tl_batch.child) {
        mdb_txn_abort(tl_batch.child->txn);
        tl_batch.child->txn = NULL; /* the owner's later abort frees only the struct */
    }
    if(tl_batch.txn)
        mdb_txn_abort(tl_batch.txn);
    memset(&tl_batch, 0, sizeof(tl_batch));
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
            rc = mdb_txn_begin(s->env, NULL, 0, &tl_batch.txn);
            if(rc != MDB_SUCCESS) {
                tl_batch.txn = NULL;
                return sd_store_err(rc);
            }
            tl_batch.s = s;
        }
        parent = tl_batch.txn;
    }
    t = calloc(1, sizeof(*t));
    if(!t)
        return SD_E_NOMEM;
    rc = mdb_txn_begin(s->env, parent, write ? 0 : MDB_RDONLY, &t->txn);
    if(rc != MDB_SUCCESS) {
        free(t);
        return sd_store_err(rc);
    }
    t->s = s;
    t->write = write;
    t->child = parent != NULL;
    if(t->child)
        tl_batch.child = t;
    *out = t;
    return SD_OK;
}

sd_err
sd_txn_commit(struct sd_txn *t)
{
    int rc;

    if(t->child && tl_batch.child == t)
        tl_batch.child = NULL;
    if(!t->txn) {
        free(t); /* its batch was aborted under it */
        return SD_E_STORE;
    }
    if(sd_store_should_fail()) {
        mdb_txn_abort(t->txn);
        free(t);
        return SD_E_STORE;
    }
    if(t->write && !t->child && t->s->hook) {
        sd_err herr = t->s->hook(t->s->hook_arg, t);

        if(herr != SD_OK) {
            mdb_txn_abort(t->txn);
            free(t);
            return herr;
        }
    }
    rc = mdb_txn_commit(t->txn);
    if(t->child) {
        /* A child merges into the batch; a failure there may leave the parent half-merged,
         * so the whole batch is failed rather than committed. */
        if(rc == MDB_SUCCESS)
            tl_batch.children++;
        else
            tl_batch.broken = true;
    }
    free(t);
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
        mdb_txn_abort(t->txn); /* a child alone: the batch stays as it was */
    free(t);
}

bool
sd_txn_is_write(const struct sd_txn *t)
{
    return t->write;
}

sd_err
sd_txn_get(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, struct sd_val *v)
{
    MDB_val k = {klen, (void *)key}, d;
    int rc = mdb_get(t->txn, t->s->dbi[db], &k, &d);

    if(rc != MDB_SUCCESS)
        return sd_store_err(rc);
    v->p = d.mv_data;
    v->n = d.mv_size;
    return SD_OK;
}

static sd_err
put(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val, size_t vlen,
    unsigned flags)
{
    MDB_val k = {klen, (void *)key}, d = {vlen, (void *)val};
    int rc;

    if(!t->write)
        return SD_E_INTERNAL; /* a write through a read txn is a programming error */
    if(sd_store_should_fail())
        return SD_E_STORE;
    rc = mdb_put(t->txn, t->s->dbi[db], &k, &d, flags);
    return sd_store_err(rc);
}

sd_err
sd_txn_put(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
           size_t vlen)
{
    sd_err err = put(t, db, key, klen, val, vlen,
                     (db == SD_DB_BY_ASSIGNEE || db == SD_DB_BY_CUSTOMER) ? MDB_NODUPDATA : 0);

    return err == SD_E_CONFLICT ? SD_OK : err;
}

sd_err
sd_txn_put_new(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
               size_t vlen)
{
    return put(t, db, key, klen, val, vlen, MDB_NOOVERWRITE);
}

sd_err
sd_txn_append(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
              size_t vlen)
{
    return put(t, db, key, klen, val, vlen, MDB_APPEND);
}

sd_err
sd_txn_del(struct sd_txn *t, enum sd_db db, const void *key, size_t klen, const void *val,
           size_t vlen)
{
    MDB_val k = {klen, (void *)key}, d = {vlen, (void *)val};

    if(!t->write)
        return SD_E_INTERNAL;
    if(sd_store_should_fail())
        return SD_E_STORE;
    return sd_store_err(mdb_del(t->txn, t->s->dbi[db], &k, val ? &d : NULL));
}

sd_err
sd_cursor_open(struct sd_txn *t, enum sd_db db, struct sd_cursor **out)
{
    struct sd_cursor *c = calloc(1, sizeof(*c));
    int rc;

    if(!c)
        return SD_E_NOMEM;
    rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c->cur);
    if(rc != MDB_SUCCESS) {
        free(c);
        return sd_store_err(rc);
    }
    *out = c;
    return SD_OK;
}

sd_err
sd_cursor_get(struct sd_cursor *c, enum sd_cursor_op op, struct sd_val *key, struct sd_val *val)
{
    static const MDB_cursor_op ops[] = {
        [SD_CUR_FIRST] = MDB_FIRST,         [SD_CUR_LAST] = MDB_LAST,
        [SD_CUR_NEXT] = MDB_NEXT,           [SD_CUR_PREV] = MDB_PREV,
        [SD_CUR_SET_RANGE] = MDB_SET_RANGE, [SD_CUR_SET_KEY] = MDB_SET_KEY,
        [SD_CUR_NEXT_DUP] = MDB_NEXT_DUP,   [SD_CUR_GET_CURRENT] = MDB_GET_CURRENT,
    };
    MDB_val k = {0, NULL}, d = {0, NULL};
    int rc;

    /* Only the positioning ops read the caller's key: for the others it is an output and the
     * caller may pass it uninitialised (valgrind's first report on a server run). */
    if(key && (op == SD_CUR_SET_RANGE || op == SD_CUR_SET_KEY) && key->p) {
        k.mv_data = (void *)key->p;
        k.mv_size = key->n;
    }
    rc = mdb_cursor_get(c->cur, &k, &d, ops[op]);
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
    if(sd_store_should_fail())
        return SD_E_STORE;
    return sd_store_err(mdb_cursor_del(c->cur, 0));
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
