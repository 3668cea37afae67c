/* LMDB environment: open with the named tables (open.c wraps it in a handle), schema check,
 * compacting copy. Txn and cursor wrappers are in txn.c; meta counters in meta.c. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <lmdb.h>

#include "store_int.h"
#include "util/err_int.h"

static const struct {
    const char *name;
    unsigned flags;
    size_t vsize; /* MDB_DUPFIXED: the one value size (LMDB copies that many bytes) */
} tables[SD_DB_COUNT] = {
    [SD_DB_META] = {"meta", 0, 0},
    [SD_DB_TICKETS] = {"tickets", 0, 0},
    [SD_DB_EVENTS] = {"events", 0, 0},
    [SD_DB_QUEUE] = {"queue", 0, 0},
    [SD_DB_BY_ASSIGNEE] = {"by_assignee", MDB_DUPSORT | MDB_DUPFIXED, 8},
    [SD_DB_BY_STATUS] = {"by_status", 0, 0},
    [SD_DB_BY_CUSTOMER] = {"by_customer_bidx", MDB_DUPSORT | MDB_DUPFIXED, 8},
    [SD_DB_CUSTOMERS] = {"customers", 0, 0},
    [SD_DB_KEYS] = {"keys", 0, 0},
    [SD_DB_AUDIT] = {"audit", 0, 0},
    [SD_DB_AUDIT_NODES] = {"audit_nodes", 0, 0},
    [SD_DB_CHECKPOINTS] = {"checkpoints", 0, 0},
    [SD_DB_USERS] = {"users", 0, 0},
    [SD_DB_SESSIONS] = {"sessions", 0, 0},
    [SD_DB_REMEDIES] = {"remedies", 0, 0},
    [SD_DB_KB] = {"kb", 0, 0},
    [SD_DB_KB_POSTINGS] = {"kb_postings", MDB_DUPSORT | MDB_DUPFIXED, 16},
    [SD_DB_AGENTS] = {"agents", 0, 0},
    [SD_DB_INCIDENTS] = {"incidents", 0, 0},
    [SD_DB_PROFILES] = {"customer_profiles", 0, 0},
    [SD_DB_ATTACH] = {"attachments", 0, 0},
    [SD_DB_ATTACH_DATA] = {"attachment_chunks", 0, 0},
    [SD_DB_FEED] = {"feed", 0, 0},
    [SD_DB_OUTBOX] = {"outbox", 0, 0},
    [SD_DB_INTAKE] = {"intake_keys", 0, 0},
    [SD_DB_SEARCH] = {"ticket_search", MDB_DUPSORT | MDB_DUPFIXED, 8},
    [SD_DB_LEARN] = {"learn", 0, 0},
};

sd_err
sd_store_err(int rc)
{
    switch(rc) {
    case MDB_SUCCESS:
        return SD_OK;
    case MDB_NOTFOUND:
        return SD_E_NOTFOUND;
    case MDB_KEYEXIST:
        return SD_E_CONFLICT;
    case MDB_MAP_FULL:
    case MDB_READERS_FULL:
    case MDB_TXN_FULL:
    case MDB_DBS_FULL:
        return SD_E_LIMIT;
    case ENOMEM:
        return SD_E_NOMEM;
    case EIO:
    case ENOSPC:
    case EACCES:
    case EROFS:
        return SD_E_IO;
    case ENOENT:
        return SD_E_NOTFOUND;
    default:
        return SD_E_STORE;
    }
}

static _Atomic unsigned fail_after;

void
sd_store_test_fail_after(unsigned n)
{
    atomic_store(&fail_after, n);
}

bool
sd_store_should_fail(void)
{
    unsigned n = atomic_load(&fail_after);

    while(n) {
        if(atomic_compare_exchange_weak(&fail_after, &n, n - 1))
            return n == 1;
    }
    return false;
}

static _Atomic unsigned alloc_fail_after;

void
sd_alloc_test_fail_after(unsigned n)
{
    atomic_store(&alloc_fail_after, n);
}

bool
sd_alloc_test_should_fail(void)
{
    unsigned n = atomic_load(&alloc_fail_after);

    while(n) {
        if(atomic_compare_exchange_weak(&alloc_fail_after, &n, n - 1))
            return n == 1;
    }
    return false;
}

static sd_err
check_schema(struct sd_store *s, MDB_txn *txn, bool create)
{
    MDB_val k = {6, "schema"}, v;
    uint8_t ver[4];
    int rc;

    rc = mdb_get(txn, s->dbi[SD_DB_META], &k, &v);
    if(rc == MDB_NOTFOUND) {
        if(!create)
            return SD_E_NOTFOUND;
        sd_put_u32be(ver, SD_SCHEMA_VERSION);
        v.mv_data = ver;
        v.mv_size = sizeof(ver);
        return sd_store_err(mdb_put(txn, s->dbi[SD_DB_META], &k, &v, 0));
    }
    if(rc != MDB_SUCCESS)
        return sd_store_err(rc);
    if(v.mv_size != 4)
        return SD_E_STORE;
    if(sd_get_u32be(v.mv_data) > SD_SCHEMA_VERSION)
        return SD_E_PRECONDITION;
    if(sd_get_u32be(v.mv_data) < 1)
        return SD_E_STORE;
    return SD_OK;
}

const char *
sd_store_table_name(int i)
{
    return i >= 0 && i < SD_DB_COUNT ? tables[i].name : NULL;
}

size_t
sd_db_fixed_size(enum sd_db db)
{
    return (unsigned)db < SD_DB_COUNT ? tables[db].vsize : 0;
}

bool
sd_db_dupsort(enum sd_db db)
{
    return (unsigned)db < SD_DB_COUNT && (tables[db].flags & MDB_DUPSORT) != 0;
}

sd_err
sd_store_env_open(struct sd_store *s)
{
    MDB_txn *txn = NULL;
    sd_err err = SD_OK;
    int rc;

    SD_CHECK_ARG(s && !s->env);
    SD_TRY(sd_store_err(mdb_env_create(&s->env)));
    SD_TRY(sd_store_err(mdb_env_set_maxdbs(s->env, SD_DB_COUNT + 4)));
    SD_TRY(sd_store_err(mdb_env_set_maxreaders(s->env, 1024)));
    SD_TRY(sd_store_err(mdb_env_set_mapsize(s->env, s->map_bytes)));
    /* NOTLS: read txns are handed between worker threads. No NOSYNC/NOMETASYNC: every commit
     * is durable (DESIGN.md "Durability"). No MDB_NOMEMINIT, on purpose, although LMDB's
     * zero-fill of each freshly malloc'd page was about an eighth of a ticket create's
     * instructions (README "Figures": a group-commit child txn copies every page it touches
     * that its parent had dirtied, liblmdb 0.9 frees the parent's copy at the child's commit
     * and mallocs the next one; ~80 pages per create + comment, ~31 since the create's index
     * writes are put late, txn.c sd_txn_put_late): with NOMEMINIT the free gap
     * of such a page would carry whatever the heap held before - freed request buffers,
     * plaintext - into data.mdb, and the purge (purge.c, SECURITY.md "Shredding erases,
     * physically") relies on fresh pages being zeros. The real cost is smaller (a 4 KiB memset
     * of a hot block: 3-4% of user CPU per perf); the instruction count overstates it. */
    rc = mdb_env_open(s->env, s->dir, MDB_NOTLS | (s->rdonly ? MDB_RDONLY : 0), 0600);
    if(rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == MDB_CORRUPTED) {
        err = SD_E_STORE;
        goto out;
    }
    SD_TRY(sd_store_err(rc));
    SD_TRY(sd_store_err(mdb_txn_begin(s->env, NULL, s->rdonly ? MDB_RDONLY : 0, &txn)));
    for(int i = 0; i < SD_DB_COUNT; i++) {
        /* Writable opens create tables added by later versions of the schema; the txn
         * commits only after the schema check, so a foreign environment is left untouched. */
        rc = mdb_dbi_open(txn, tables[i].name, tables[i].flags | (s->rdonly ? 0 : MDB_CREATE),
                          &s->dbi[i]);
        if(rc == MDB_NOTFOUND) {
            err = SD_E_NOTFOUND;
            goto out;
        }
        /* A table with other flags than ours means a foreign or corrupt environment. */
        SD_ENSURE(rc != MDB_INCOMPATIBLE, SD_E_STORE);
        SD_TRY(sd_store_err(rc));
    }
    SD_TRY(check_schema(s, txn, s->create));
    rc = mdb_txn_commit(txn);
    txn = NULL;
    SD_TRY(sd_store_err(rc));
out:
    if(txn)
        mdb_txn_abort(txn);
    if(err != SD_OK)
        sd_store_env_close(s);
    return err;
}

void
sd_store_env_close(struct sd_store *s)
{
    if(s->env)
        mdb_env_close(s->env);
    s->env = NULL;
}

sd_err
sd_store_copy(struct sd_store *s, const char *dir)
{
    sd_err err = sd_store_gate_enter(s); /* the copy's read txn is LMDB's own */

    if(err != SD_OK)
        return err;
    err = sd_store_err(mdb_env_copy2(s->env, dir, MDB_CP_COMPACT));
    sd_store_gate_leave(s);
    return err;
}
