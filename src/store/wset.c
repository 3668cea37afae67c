/* Write sets (wset.h, issue 18): replaying a recorded set on another node's store (a parser
 * of untrusted bytes: every length bounded, every error names its byte offset), the node-local
 * replication position and the digest of a store's logical content. Recording is in
 * wset_rec.c (txn.c calls it; this file calls txn.c, so they are apart: no object cycle). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store_int.h"
#include "util/err_int.h"

bool
sd_meta_is_local(const void *key, size_t klen)
{
    static const char applied[] = "applied_seq";

    if(klen == sizeof(applied) - 1 && memcmp(key, applied, klen) == 0)
        return true;
    if(klen >= 6 && memcmp(key, "local/", 6) == 0)
        return true;
    return klen >= 6 && memcmp(key, "scrub/", 6) == 0;
}

sd_err
sd_meta_put_local(struct sd_txn *t, const char *name, const void *val, size_t n)
{
    MDB_val k, d = {n, (void *)val};
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && name && (val || n == 0));
    k.mv_data = (void *)name;
    k.mv_size = strlen(name);
    SD_CHECK_ARG(sd_meta_is_local(k.mv_data, k.mv_size));
    SD_ENSURE(t->write, SD_E_INTERNAL);
    SD_ENSURE(!sd_store_should_fail(), SD_E_STORE);
    SD_TRY(sd_store_err(mdb_put(t->txn, t->s->dbi[SD_DB_META], &k, &d, 0)));
out:
    return err;
}

sd_err
sd_store_applied_get(struct sd_txn *t, uint64_t *seq)
{
    return t && seq ? sd_meta_get_u64(t, "applied_seq", seq) : SD_E_INVALID;
}

sd_err
sd_store_applied_put(struct sd_txn *t, uint64_t seq)
{
    uint8_t b[8];

    sd_put_u64be(b, seq);
    return sd_meta_put_local(t, "applied_seq", b, sizeof(b));
}

/* ---- replay ---- */

static _Thread_local char why[128];
static _Thread_local size_t bad_off;

const char *
sd_wset_why(void)
{
    return why;
}

size_t
sd_wset_bad_offset(void)
{
    return bad_off;
}

/* Record a failure at byte offset `off`; returns err. The reason is a fixed text: never key
 * or value bytes. */
static sd_err
fail(sd_err err, size_t off, const char *reason)
{
    bad_off = off;
    (void)snprintf(why, sizeof(why), "write set offset %zu: %s", off, reason);
    return err;
}

static sd_err
drop_table(struct sd_txn *t, enum sd_db db)
{
    if(sd_store_should_fail())
        return SD_E_STORE;
    return sd_store_err(mdb_drop(t->txn, t->s->dbi[db], 0));
}

/* One op at r (already bounds-checked) in t, through the store function the leader used. */
static sd_err
run_op(struct sd_txn *t, unsigned op, enum sd_db db, const uint8_t *k, uint32_t klen,
       const uint8_t *v, uint32_t vlen)
{
    switch(op) {
    case SD_WS_PUT:
        return sd_txn_put(t, db, k, klen, v, vlen);
    case SD_WS_PUT_NEW:
        return sd_txn_put_new(t, db, k, klen, v, vlen);
    case SD_WS_APPEND:
        return sd_txn_append(t, db, k, klen, v, vlen);
    case SD_WS_DEL:
        return sd_txn_del(t, db, k, klen, NULL, 0);
    case SD_WS_DEL_PAIR:
        return sd_txn_del(t, db, k, klen, v, vlen);
    case SD_WS_DROP:
        return drop_table(t, db);
    default:
        return SD_E_INTERNAL;
    }
}

sd_err
sd_wset_apply(struct sd_txn *t, const uint8_t *ws, size_t len)
{
    struct sd_reader rd;
    bool cap;
    sd_err err = SD_OK;

    why[0] = '\0';
    bad_off = 0;
    if(!t || !t->write)
        return fail(SD_E_INVALID, 0, "not a write txn");
    if(len == 0)
        return SD_OK; /* the empty set: nothing changed */
    if(!ws)
        return fail(SD_E_INVALID, 0, "no bytes");
    if(len < SD_WSET_HEADER || memcmp(ws, SD_WSET_MAGIC, 4) != 0)
        return fail(SD_E_INVALID, 0, "bad magic (want SDWS)");
    if(ws[4] != SD_WSET_VERSION)
        return fail(SD_E_INVALID, 4, "unsupported version");
    cap = t->cap;
    t->cap = false; /* replaying is not a change of this node's own to record */
    sd_rd_init(&rd, ws, len);
    rd.pos = SD_WSET_HEADER;
    while(sd_rd_left(&rd) > 0) {
        size_t off = rd.pos;
        uint8_t op, table;
        uint32_t klen, vlen;
        const uint8_t *k = NULL, *v = NULL;
        enum sd_db db;
        sd_err rc;

        if(sd_rd_u8(&rd, &op) != SD_OK || sd_rd_u8(&rd, &table) != SD_OK) {
            err = fail(SD_E_INVALID, off, "truncated op header");
            goto out;
        }
        if(op < SD_WS_PUT || op > SD_WS_DROP) {
            err = fail(SD_E_INVALID, off, "unknown op");
            goto out;
        }
        if(table >= SD_DB_COUNT) {
            err = fail(SD_E_INVALID, off + 1, "table out of range");
            goto out;
        }
        db = (enum sd_db)table;
        if(sd_rd_u32be(&rd, &klen) != SD_OK) {
            err = fail(SD_E_INVALID, off + 2, "truncated klen");
            goto out;
        }
        if(klen > SD_WSET_KEY_MAX) {
            err = fail(SD_E_INVALID, off + 2, "klen over 511");
            goto out;
        }
        if(sd_rd_bytes(&rd, &k, klen) != SD_OK) {
            err = fail(SD_E_INVALID, off + 6, "key runs past the end");
            goto out;
        }
        if(sd_rd_u32be(&rd, &vlen) != SD_OK) {
            err = fail(SD_E_INVALID, off + 6 + klen, "truncated vlen");
            goto out;
        }
        if(vlen > SD_WSET_VAL_MAX) {
            err = fail(SD_E_INVALID, off + 6 + klen, "vlen over the maximum");
            goto out;
        }
        if(sd_rd_bytes(&rd, &v, vlen) != SD_OK) {
            err = fail(SD_E_INVALID, off + 10 + klen, "value runs past the end");
            goto out;
        }
        if(op == SD_WS_DROP ? (klen != 0 || vlen != 0) : klen == 0) {
            err = fail(SD_E_INVALID, off + 2,
                       op == SD_WS_DROP ? "drop with a key or value" : "empty key");
            goto out;
        }
        if(op != SD_WS_DEL && op != SD_WS_DROP && sd_db_fixed_size(db) != 0 &&
           vlen != sd_db_fixed_size(db)) {
            err = fail(SD_E_INVALID, off + 6 + klen, "value size not the table's fixed size");
            goto out;
        }
        if(op == SD_WS_DEL && vlen != 0) {
            err = fail(SD_E_INVALID, off + 6 + klen, "delete with a value");
            goto out;
        }
        /* Node-local state is each node's own: a set may not touch it. */
        if(db == SD_DB_META && (op == SD_WS_DROP || sd_meta_is_local(k, klen))) {
            err = fail(SD_E_INVALID, off, "node-local meta key");
            goto out;
        }
        /* Audit entries are only ever appended (sd_audit_recompute_root relies on it: the
         * leaves it verified stay as they were). */
        if(db == SD_DB_AUDIT && op != SD_WS_APPEND) {
            err = fail(SD_E_INVALID, off, "audit entries are append-only");
            goto out;
        }
        rc = run_op(t, op, db, k, klen, v, vlen);
        if(rc != SD_OK) {
            /* A valid set replays on the state it was recorded on; a refusal here means the
             * follower's state differs (PUT_NEW over an existing key, APPEND not last, DEL
             * of a missing key) or the store failed. */
            err = fail(rc, off,
                       rc == SD_E_CONFLICT   ? "op refused: key exists or not last"
                       : rc == SD_E_NOTFOUND ? "op refused: no such key"
                                             : "op failed in the store");
            goto out;
        }
    }
out:
    t->cap = cap;
    return err;
}

/* ---- digest ---- */

sd_err
sd_store_digest(struct sd_store *s, uint8_t out[32])
{
    crypto_hash_sha256_state st;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    uint8_t hdr[5];
    int rc;
    bool gated = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(s && out);
    crypto_hash_sha256_init(&st);
    SD_TRY(sd_store_gate_enter(s));
    gated = true;
    SD_TRY(sd_store_err(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)));
    for(int db = 0; db < SD_DB_COUNT; db++) {
        SD_TRY(sd_store_err(mdb_cursor_open(txn, s->dbi[db], &cur)));
        for(rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
            rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            if(db == SD_DB_META && sd_meta_is_local(k.mv_data, k.mv_size))
                continue;
            SD_ENSURE(k.mv_size <= UINT32_MAX && v.mv_size <= UINT32_MAX, SD_E_STORE);
            hdr[0] = (uint8_t)db;
            sd_put_u32be(hdr + 1, (uint32_t)k.mv_size);
            crypto_hash_sha256_update(&st, hdr, sizeof(hdr));
            crypto_hash_sha256_update(&st, k.mv_data, k.mv_size);
            sd_put_u32be(hdr + 1, (uint32_t)v.mv_size);
            crypto_hash_sha256_update(&st, hdr + 1, 4);
            crypto_hash_sha256_update(&st, v.mv_data, v.mv_size);
        }
        SD_ENSURE(rc == MDB_NOTFOUND, sd_store_err(rc));
        mdb_cursor_close(cur);
        cur = NULL;
    }
    crypto_hash_sha256_final(&st, out);
out:
    if(cur)
        mdb_cursor_close(cur);
    if(txn)
        mdb_txn_abort(txn);
    if(gated)
        sd_store_gate_leave(s);
    sodium_memzero(&st, sizeof(st));
    return err;
}
