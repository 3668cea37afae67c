/* Write sets (issue 18, include/sealdesk/wset.h): nothing recorded (and nothing allocated)
 * with capture off; the exact encoding of each op; child txns merged on commit and dropped on
 * abort; the commit hook of top-level txns and batches; replay refusing malformed bytes by
 * offset, divergence and node-local keys; the keystore's drop captured and its scrub not;
 * a realistic desk workload replayed into an empty store giving the same content table by
 * table (and sd_store_digest); sd_audit_recompute_root catching a tampered audit entry. */
#include "test_helpers.h"

#include <sodium.h>

#include "store/store_int.h"
#include "sealdesk/audit.h"
#include "sealdesk/kb.h"
#include "sealdesk/keyops.h"
#include "sealdesk/keystore.h"
#include "sealdesk/remedy.h"
#include "sealdesk/wset.h"

static const struct sd_actor sys = {"alice", NULL, SD_ROLE_SYSTEM};
static const struct sd_actor bob = {"bob", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor carol = {"carol", NULL, SD_ROLE_SUPERVISOR};

/* ---- helpers ---- */

static struct sd_store *
store_new(char dir[64])
{
    struct sd_store *s;

    snprintf(dir, 64, "/tmp/sdwset.XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(sd_store_open(&s, dir, SD_STORE_CREATE, 0), SD_OK);
    return s;
}

static void
put1(struct sd_store *s, enum sd_db db, const char *k, const char *v)
{
    struct sd_txn *t;

    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_int_equal(sd_txn_put(t, db, k, strlen(k), v, strlen(v)), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
}

/* Apply ws in one txn of s; commit on success, abort on failure. */
static sd_err
apply(struct sd_store *s, const uint8_t *ws, size_t len)
{
    struct sd_txn *t;
    sd_err err;

    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    err = sd_wset_apply(t, ws, len);
    if(err == SD_OK)
        return sd_txn_commit(t);
    sd_txn_abort(t);
    return err;
}

static void
digest(struct sd_store *s, uint8_t out[32])
{
    assert_int_equal(sd_store_digest(s, out), SD_OK);
}

/* Every table of a and b, key by key and value by value (node-local meta keys left out). */
static void
compare_stores(struct sd_store *a, struct sd_store *b)
{
    struct sd_txn *ta, *tb;
    uint8_t da[32], db_[32];

    assert_int_equal(sd_txn_begin(a, false, &ta), SD_OK);
    assert_int_equal(sd_txn_begin(b, false, &tb), SD_OK);
    for(int db = 0; db < SD_DB_COUNT; db++) {
        struct sd_cursor *ca, *cb;
        struct sd_val ka, va, kb, vb;
        sd_err ra, rb;
        size_t n = 0;

        assert_int_equal(sd_cursor_open(ta, (enum sd_db)db, &ca), SD_OK);
        assert_int_equal(sd_cursor_open(tb, (enum sd_db)db, &cb), SD_OK);
        ra = sd_cursor_get(ca, SD_CUR_FIRST, &ka, &va);
        rb = sd_cursor_get(cb, SD_CUR_FIRST, &kb, &vb);
        for(;;) {
            while(ra == SD_OK && db == SD_DB_META && sd_meta_is_local(ka.p, ka.n))
                ra = sd_cursor_get(ca, SD_CUR_NEXT, &ka, &va);
            while(rb == SD_OK && db == SD_DB_META && sd_meta_is_local(kb.p, kb.n))
                rb = sd_cursor_get(cb, SD_CUR_NEXT, &kb, &vb);
            if(ra != rb)
                print_message("table %d differs at pair %zu (one side ends)\n", db, n);
            assert_int_equal(ra, rb);
            if(ra != SD_OK)
                break;
            if(ka.n != kb.n || memcmp(ka.p, kb.p, ka.n) != 0 || va.n != vb.n ||
               memcmp(va.p, vb.p, va.n) != 0)
                print_message("table %d differs at pair %zu\n", db, n);
            assert_int_equal(ka.n, kb.n);
            assert_memory_equal(ka.p, kb.p, ka.n);
            assert_int_equal(va.n, vb.n);
            if(va.n)
                assert_memory_equal(va.p, vb.p, va.n);
            n++;
            ra = sd_cursor_get(ca, SD_CUR_NEXT, &ka, &va);
            rb = sd_cursor_get(cb, SD_CUR_NEXT, &kb, &vb);
        }
        assert_int_equal(ra, SD_E_NOTFOUND);
        sd_cursor_close(ca);
        sd_cursor_close(cb);
    }
    sd_txn_abort(ta);
    sd_txn_abort(tb);
    digest(a, da);
    digest(b, db_);
    assert_memory_equal(da, db_, 32);
}

/* One parsed op of a set (test-side decoder, trusting its input). */
struct op {
    uint8_t op, table;
    const uint8_t *k, *v;
    uint32_t klen, vlen;
    size_t off; /* of the op's first byte */
};

static size_t
parse(const uint8_t *ws, size_t len, struct op *ops, size_t cap)
{
    size_t pos = SD_WSET_HEADER, n = 0;

    if(len == 0)
        return 0;
    assert_true(len >= SD_WSET_HEADER);
    assert_memory_equal(ws, "SDWS\x01", 5);
    while(pos < len) {
        assert_true(n < cap);
        ops[n].off = pos;
        ops[n].op = ws[pos];
        ops[n].table = ws[pos + 1];
        ops[n].klen = sd_get_u32be(ws + pos + 2);
        ops[n].k = ws + pos + 6;
        ops[n].vlen = sd_get_u32be(ws + pos + 6 + ops[n].klen);
        ops[n].v = ws + pos + 10 + ops[n].klen;
        pos += 10 + ops[n].klen + ops[n].vlen;
        n++;
    }
    assert_int_equal(pos, len);
    return n;
}

static void
assert_op(const struct op *o, uint8_t op, enum sd_db db, const char *k, const char *v)
{
    assert_int_equal(o->op, op);
    assert_int_equal(o->table, db);
    assert_int_equal(o->klen, strlen(k));
    assert_memory_equal(o->k, k, o->klen);
    assert_int_equal(o->vlen, v ? strlen(v) : 0);
    if(v && *v)
        assert_memory_equal(o->v, v, o->vlen);
}

/* Append one op to b (builds sets by hand, header included when b is empty). */
static void
add_op(struct sd_buf *b, uint8_t op, uint8_t table, const void *k, uint32_t klen, const void *v,
       uint32_t vlen)
{
    if(b->len == 0)
        assert_int_equal(sd_buf_append(b, "SDWS\x01", 5), SD_OK);
    assert_int_equal(sd_buf_append_byte(b, op), SD_OK);
    assert_int_equal(sd_buf_append_byte(b, table), SD_OK);
    assert_int_equal(sd_buf_append_u32be(b, klen), SD_OK);
    assert_int_equal(sd_buf_append(b, k, klen), SD_OK);
    assert_int_equal(sd_buf_append_u32be(b, vlen), SD_OK);
    assert_int_equal(sd_buf_append(b, v, vlen), SD_OK);
}

/* A set that recreates s's whole content on an empty store (the state before capture began):
 * a PUT per pair, audit entries as APPENDs (the only op a set may use on them). */
static void
genesis(struct sd_store *s, struct sd_buf *out)
{
    struct sd_txn *t;

    assert_int_equal(sd_txn_begin(s, false, &t), SD_OK);
    for(int db = 0; db < SD_DB_COUNT; db++) {
        struct sd_cursor *c;
        struct sd_val k, v;
        sd_err rc;

        assert_int_equal(sd_cursor_open(t, (enum sd_db)db, &c), SD_OK);
        for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
            rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
            if(db == SD_DB_META && sd_meta_is_local(k.p, k.n))
                continue;
            add_op(out, db == SD_DB_AUDIT ? SD_WS_APPEND : SD_WS_PUT, (uint8_t)db, k.p,
                   (uint32_t)k.n, v.p, (uint32_t)v.n);
        }
        assert_int_equal(rc, SD_E_NOTFOUND);
        sd_cursor_close(c);
    }
    sd_txn_abort(t);
}

/* What the commit hook saw: each committed set and the leader's tree after it. */
#define LOG_MAX 128
struct log {
    struct sd_buf ws[LOG_MAX];
    uint64_t size[LOG_MAX];
    uint8_t root[LOG_MAX][32];
    size_t n;
    size_t bytes;
};

static sd_err
hook(void *ctx, struct sd_txn *t, const uint8_t *ws, size_t len)
{
    struct log *l = ctx;

    assert_true(l->n < LOG_MAX);
    assert_true(len > SD_WSET_HEADER);
    assert_int_equal(sd_buf_append(&l->ws[l->n], ws, len), SD_OK);
    assert_int_equal(sd_audit_size(t, &l->size[l->n]), SD_OK);
    assert_int_equal(sd_audit_root(t, l->size[l->n], l->root[l->n]), SD_OK);
    l->bytes += len;
    l->n++;
    return SD_OK;
}

static void
log_free(struct log *l)
{
    for(size_t i = 0; i < l->n; i++)
        sd_buf_free(&l->ws[i]);
    l->n = 0;
}

/* Replay entries [from, to) of l into s, each in one txn with applied_seq, checking the
 * recomputed audit root against the leader's. */
static void
replay(struct sd_store *s, const struct log *l, size_t from, size_t to)
{
    for(size_t i = from; i < to; i++) {
        struct sd_txn *t;
        uint64_t size, seq;
        uint8_t root[32];

        assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
        assert_int_equal(sd_wset_apply(t, l->ws[i].data, l->ws[i].len), SD_OK);
        assert_int_equal(sd_audit_recompute_root(t, &size, root), SD_OK);
        assert_int_equal(size, l->size[i]);
        assert_memory_equal(root, l->root[i], 32);
        assert_int_equal(sd_store_applied_put(t, i + 1), SD_OK);
        assert_int_equal(sd_txn_commit(t), SD_OK);
        assert_int_equal(sd_txn_begin(s, false, &t), SD_OK);
        assert_int_equal(sd_store_applied_get(t, &seq), SD_OK);
        assert_int_equal(seq, i + 1);
        sd_txn_abort(t);
    }
}

static uint64_t
ticket(struct sd_desk *d, const char *uid, const char *email, const char *body)
{
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t id;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.field[SD_F_SUBJECT] = "Missing funds";
    in.field[SD_F_BODY] = body;
    in.field[SD_F_CUSTOMER_UID] = uid;
    in.field[SD_F_CUSTOMER_EMAIL] = email;
    in.category = SD_CAT_DEPOSIT;
    in.priority = 2;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    id = t.id;
    sd_ticket_clear(&t);
    return id;
}

/* ---- tests ---- */

/* Capture off (a single node): nothing recorded, no buffer allocated, no hook call. */
static void
test_capture_off(void **state)
{
    struct log l = {0};
    struct sd_store *s;
    struct sd_txn *t;
    const uint8_t *p = (const uint8_t *)"x";
    size_t n = 1;
    char dir[64];

    (void)state;
    s = store_new(dir);
    sd_store_set_commit_hook(s, hook, &l);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_false(t->cap);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "k", 1, "v", 1), SD_OK);
    assert_int_equal(sd_txn_del(t, SD_DB_TICKETS, "k", 1, NULL, 0), SD_OK);
    assert_int_equal(sd_txn_wset(t, &p, &n), SD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(t->ws.cap, 0); /* no allocation */
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(l.n, 0);
    /* Turned on, the same writes are recorded and handed to the hook. */
    sd_store_set_capture(s, true);
    put1(s, SD_DB_TICKETS, "k", "v");
    assert_int_equal(l.n, 1);
    sd_store_set_capture(s, false);
    put1(s, SD_DB_TICKETS, "k2", "v");
    assert_int_equal(l.n, 1);
    log_free(&l);
    sd_store_close(s);
    rm_rf(dir);
}

/* Each store write maps to one op, in order, with its exact bytes; failed or no-op writes are
 * not recorded; a cursor delete records the pair it removed. */
static void
test_record_ops(void **state)
{
    struct sd_store *s;
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, v;
    struct op ops[16];
    const uint8_t *p;
    size_t n;
    char dir[64];
    static const uint8_t want_first[] = {'S', 'D', 'W', 'S', 1,   SD_WS_PUT, SD_DB_TICKETS,
                                         0,   0,   0,   2,   'k', '1',       0,
                                         0,   0,   2,   'v', '1'};

    (void)state;
    s = store_new(dir);
    sd_store_set_capture(s, true);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_true(t->cap);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "k1", 2, "v1", 2), SD_OK);
    assert_int_equal(sd_txn_put_new(t, SD_DB_TICKETS, "k2", 2, "v2", 2), SD_OK);
    assert_int_equal(sd_txn_put_new(t, SD_DB_TICKETS, "k2", 2, "zz", 2), SD_E_CONFLICT);
    assert_int_equal(sd_txn_append(t, SD_DB_TICKETS, "k3", 2, "v3", 2), SD_OK);
    assert_int_equal(sd_txn_append(t, SD_DB_TICKETS, "k0", 2, "v0", 2), SD_E_CONFLICT);
    assert_int_equal(sd_txn_del(t, SD_DB_TICKETS, "k1", 2, NULL, 0), SD_OK);
    assert_int_equal(sd_txn_del(t, SD_DB_TICKETS, "nope", 4, NULL, 0), SD_E_NOTFOUND);
    assert_int_equal(sd_txn_put(t, SD_DB_BY_ASSIGNEE, "wei", 3, "AAAAAAAA", 8), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_BY_ASSIGNEE, "wei", 3, "BBBBBBBB", 8), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_BY_ASSIGNEE, "wei", 3, "BBBBBBBB", 8), SD_OK); /* no-op */
    assert_int_equal(sd_txn_del(t, SD_DB_BY_ASSIGNEE, "wei", 3, "AAAAAAAA", 8), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_TICKETS, &c), SD_OK);
    assert_int_equal(sd_cursor_get(c, SD_CUR_FIRST, &k, &v), SD_OK);
    assert_int_equal(sd_cursor_del(c), SD_OK); /* k2 */
    sd_cursor_close(c);
    assert_int_equal(sd_cursor_open(t, SD_DB_BY_ASSIGNEE, &c), SD_OK);
    assert_int_equal(sd_cursor_get(c, SD_CUR_FIRST, &k, &v), SD_OK);
    assert_int_equal(sd_cursor_del(c), SD_OK); /* wei -> BBBBBBBB */
    sd_cursor_close(c);
    assert_int_equal(sd_txn_wset(t, &p, &n), SD_OK);
    assert_memory_equal(p, want_first, sizeof(want_first));
    assert_int_equal(parse(p, n, ops, 16), 9);
    assert_op(&ops[0], SD_WS_PUT, SD_DB_TICKETS, "k1", "v1");
    assert_op(&ops[1], SD_WS_PUT_NEW, SD_DB_TICKETS, "k2", "v2");
    assert_op(&ops[2], SD_WS_APPEND, SD_DB_TICKETS, "k3", "v3");
    assert_op(&ops[3], SD_WS_DEL, SD_DB_TICKETS, "k1", NULL);
    assert_op(&ops[4], SD_WS_PUT, SD_DB_BY_ASSIGNEE, "wei", "AAAAAAAA");
    assert_op(&ops[5], SD_WS_PUT, SD_DB_BY_ASSIGNEE, "wei", "BBBBBBBB");
    assert_op(&ops[6], SD_WS_DEL_PAIR, SD_DB_BY_ASSIGNEE, "wei", "AAAAAAAA");
    assert_op(&ops[7], SD_WS_DEL, SD_DB_TICKETS, "k2", NULL);
    assert_op(&ops[8], SD_WS_DEL_PAIR, SD_DB_BY_ASSIGNEE, "wei", "BBBBBBBB");
    assert_int_equal(sd_txn_commit(t), SD_OK);
    sd_store_close(s);
    rm_rf(dir);
}

/* Group commit: a committed child's ops join the batch's set in commit order, an aborted
 * child's are dropped; the hook gets the batch's set once, and it replays to the same state. */
static void
test_batch_children(void **state)
{
    struct log l = {0};
    struct sd_store *a, *b;
    struct sd_txn *t;
    struct op ops[8];
    const uint8_t *p;
    size_t n;
    char da[64], db[64];

    (void)state;
    a = store_new(da);
    b = store_new(db);
    sd_store_set_capture(a, true);
    sd_store_set_commit_hook(a, hook, &l);
    assert_int_equal(sd_store_batch_begin(a), SD_OK);
    put1(a, SD_DB_TICKETS, "one", "1");
    assert_int_equal(sd_store_batch_wset(&p, &n), SD_OK);
    assert_int_equal(parse(p, n, ops, 8), 1);
    assert_int_equal(sd_txn_begin(a, true, &t), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "two", 3, "2", 1), SD_OK);
    sd_txn_abort(t); /* dropped */
    put1(a, SD_DB_TICKETS, "three", "3");
    assert_int_equal(sd_txn_begin(a, true, &t), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_USERS, "u", 1, "x", 1), SD_OK);
    sd_txn_abort(t); /* dropped */
    assert_int_equal(sd_store_batch_wset(&p, &n), SD_OK);
    assert_int_equal(parse(p, n, ops, 8), 2);
    assert_op(&ops[0], SD_WS_PUT, SD_DB_TICKETS, "one", "1");
    assert_op(&ops[1], SD_WS_PUT, SD_DB_TICKETS, "three", "3");
    assert_int_equal(l.n, 0); /* children do not call the hook */
    assert_int_equal(sd_store_batch_commit(), SD_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.ws[0].len, n);
    assert_int_equal(apply(b, l.ws[0].data, l.ws[0].len), SD_OK);
    compare_stores(a, b);
    /* A hook error fails the batch: nothing of it is committed. */
    log_free(&l);
    sd_store_close(a);
    sd_store_close(b);
    rm_rf(da);
    rm_rf(db);
}

static sd_err
refuse(void *ctx, struct sd_txn *t, const uint8_t *ws, size_t len)
{
    (void)ctx;
    (void)t;
    (void)ws;
    (void)len;
    return SD_E_IO;
}

/* A failing hook (the fenced append refused) aborts the txn or the whole batch. */
static void
test_hook_error_aborts(void **state)
{
    struct sd_store *s;
    struct sd_txn *t;
    struct sd_val v;
    char dir[64];

    (void)state;
    s = store_new(dir);
    sd_store_set_capture(s, true);
    sd_store_set_commit_hook(s, refuse, NULL);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "k", 1, "v", 1), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_E_IO);
    assert_int_equal(sd_store_batch_begin(s), SD_OK);
    put1(s, SD_DB_TICKETS, "b", "1");
    assert_int_equal(sd_store_batch_commit(), SD_E_IO);
    assert_int_equal(sd_txn_begin(s, false, &t), SD_OK);
    assert_int_equal(sd_txn_get(t, SD_DB_TICKETS, "k", 1, &v), SD_E_NOTFOUND);
    assert_int_equal(sd_txn_get(t, SD_DB_TICKETS, "b", 1, &v), SD_E_NOTFOUND);
    sd_txn_abort(t);
    sd_store_close(s);
    rm_rf(dir);
}

/* Replay: applied_seq and other node-local keys are neither captured nor in the digest; a set
 * may not write them. */
static void
test_apply_local_keys(void **state)
{
    struct sd_store *a, *b;
    struct sd_txn *t;
    struct sd_buf ws = SD_BUF_INIT;
    uint8_t d1[32], d2[32];
    const uint8_t *p;
    size_t n;
    uint64_t seq;
    char da[64], db[64];

    (void)state;
    a = store_new(da);
    b = store_new(db);
    sd_store_set_capture(a, true);
    assert_int_equal(sd_txn_begin(a, true, &t), SD_OK);
    assert_int_equal(sd_store_applied_put(t, 42), SD_OK);
    assert_int_equal(sd_meta_put_local(t, "local/x", "1", 1), SD_OK);
    assert_int_equal(sd_meta_put_local(t, "schema", "1", 1), SD_E_INVALID);
    assert_int_equal(sd_txn_wset(t, &p, &n), SD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(sd_store_applied_get(t, &seq), SD_OK);
    assert_int_equal(seq, 42);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    compare_stores(a, b); /* only local keys differ */
    digest(b, d1);
    add_op(&ws, SD_WS_PUT, SD_DB_META, "applied_seq", 11, "\0\0\0\0\0\0\0\1", 8);
    assert_int_equal(apply(b, ws.data, ws.len), SD_E_INVALID);
    assert_int_equal(sd_wset_bad_offset(), 5);
    assert_non_null(strstr(sd_wset_why(), "offset 5"));
    sd_buf_reset(&ws);
    add_op(&ws, SD_WS_PUT, SD_DB_META, "local/audit_frontier", 20, "x", 1);
    assert_int_equal(apply(b, ws.data, ws.len), SD_E_INVALID);
    sd_buf_reset(&ws);
    add_op(&ws, SD_WS_DROP, SD_DB_META, "", 0, "", 0);
    assert_int_equal(apply(b, ws.data, ws.len), SD_E_INVALID);
    digest(b, d2);
    assert_memory_equal(d1, d2, 32);
    sd_buf_free(&ws);
    sd_store_close(a);
    sd_store_close(b);
    rm_rf(da);
    rm_rf(db);
}

/* Malformed sets: SD_E_INVALID naming the offset, and (the caller aborting) nothing applied,
 * even when valid ops came first. Divergence (PUT_NEW over an existing key) is refused. */
static void
test_apply_malformed(void **state)
{
    struct sd_store *s;
    struct sd_buf ok = SD_BUF_INIT, b = SD_BUF_INIT;
    uint8_t d0[32], d1[32], big[600];
    char dir[64];
    size_t base;

    (void)state;
    memset(big, 'k', sizeof(big));
    s = store_new(dir);
    put1(s, SD_DB_TICKETS, "exists", "1");
    digest(s, d0);
    add_op(&ok, SD_WS_PUT, SD_DB_TICKETS, "new", 3, "v", 1);
    base = ok.len; /* 5 + 14 */
    assert_int_equal(base, 19);

    /* bad magic, bad version, empty set */
    assert_int_equal(apply(s, (const uint8_t *)"SDWX\x01", 5), SD_E_INVALID);
    assert_int_equal(sd_wset_bad_offset(), 0);
    assert_int_equal(apply(s, (const uint8_t *)"SDWS\x02", 5), SD_E_INVALID);
    assert_int_equal(sd_wset_bad_offset(), 4);
    assert_int_equal(apply(s, (const uint8_t *)"SDW", 3), SD_E_INVALID);
    assert_int_equal(apply(s, NULL, 0), SD_OK);
    assert_int_equal(apply(s, (const uint8_t *)"SDWS\x01", 5), SD_OK);

#define CASE(build, want_err, want_off)                              \
    do {                                                             \
        sd_buf_reset(&b);                                            \
        assert_int_equal(sd_buf_append(&b, ok.data, ok.len), SD_OK); \
        build;                                                       \
        assert_int_equal(apply(s, b.data, b.len), want_err);         \
        assert_int_equal(sd_wset_bad_offset(), want_off);            \
        digest(s, d1);                                               \
        assert_memory_equal(d0, d1, 32);                             \
    } while(0)

    /* unknown op, table out of range */
    CASE(add_op(&b, 7, SD_DB_TICKETS, "a", 1, "", 0), SD_E_INVALID, base);
    CASE(add_op(&b, 0, SD_DB_TICKETS, "a", 1, "", 0), SD_E_INVALID, base);
    CASE(add_op(&b, SD_WS_PUT, SD_DB_COUNT, "a", 1, "", 0), SD_E_INVALID, base + 1);
    /* klen 512 (over LMDB's 511), 511 accepted by the parser */
    CASE(add_op(&b, SD_WS_PUT, SD_DB_TICKETS, big, 512, "v", 1), SD_E_INVALID, base + 2);
    /* vlen over the maximum, claimed without the bytes */
    CASE((sd_buf_append(&b, "\x01\x01\0\0\0\x01k\x01\0\0\x01", 11)), SD_E_INVALID, base + 7);
    /* truncations: op header, klen, key, vlen, value */
    CASE(sd_buf_append_byte(&b, SD_WS_PUT), SD_E_INVALID, base);
    CASE(sd_buf_append(&b, "\x01\x01\0\0", 4), SD_E_INVALID, base + 2);
    CASE(sd_buf_append(&b, "\x01\x01\0\0\0\x05kk", 8), SD_E_INVALID, base + 6);
    CASE(sd_buf_append(&b, "\x01\x01\0\0\0\x01k\0\0", 9), SD_E_INVALID, base + 7);
    CASE(sd_buf_append(&b, "\x01\x01\0\0\0\x01k\0\0\0\x09vv", 13), SD_E_INVALID, base + 11);
    /* klen 0, DEL with a value, DROP with a key, audit not appended */
    CASE(add_op(&b, SD_WS_PUT, SD_DB_TICKETS, "", 0, "v", 1), SD_E_INVALID, base + 2);
    CASE(add_op(&b, SD_WS_DEL, SD_DB_TICKETS, "exists", 6, "v", 1), SD_E_INVALID, base + 12);
    CASE(add_op(&b, SD_WS_DROP, SD_DB_TICKETS, "a", 1, "", 0), SD_E_INVALID, base + 2);
    CASE(add_op(&b, SD_WS_PUT, SD_DB_AUDIT, "\0\0\0\0\0\0\0\0", 8, "e", 1), SD_E_INVALID, base);
    /* divergence: PUT_NEW over an existing key, DEL of a missing one, APPEND not last */
    CASE(add_op(&b, SD_WS_PUT_NEW, SD_DB_TICKETS, "exists", 6, "2", 1), SD_E_CONFLICT, base);
    CASE(add_op(&b, SD_WS_DEL, SD_DB_TICKETS, "missing", 7, "", 0), SD_E_NOTFOUND, base);
    CASE(add_op(&b, SD_WS_APPEND, SD_DB_TICKETS, "aaa", 3, "", 0), SD_E_CONFLICT, base);
#undef CASE
    assert_null(strstr(sd_wset_why(), "aaa")); /* no key bytes in the reason */
    /* 511 is a valid key length; the good prefix alone applies. */
    sd_buf_reset(&b);
    add_op(&b, SD_WS_PUT, SD_DB_TICKETS, big, 511, "v", 1);
    assert_int_equal(apply(s, b.data, b.len), SD_OK);
    assert_int_equal(apply(s, ok.data, ok.len), SD_OK);
    sd_buf_free(&ok);
    sd_buf_free(&b);
    sd_store_close(s);
    rm_rf(dir);
}

/* sd_keys_rebuild's table drop and re-append are captured (DROP first); the free-page scrub
 * writes nothing to any set. */
static void
test_keys_drop_scrub(void **state)
{
    struct fixture *f = *state;
    struct sd_store *s = sd_desk_store(f->d), *b;
    struct log l = {0};
    struct sd_buf g = SD_BUF_INIT;
    struct sd_txn *t;
    struct op ops[64];
    uint64_t pages;
    size_t n;
    char db[64];

    b = store_new(db);
    genesis(s, &g);
    assert_int_equal(apply(b, g.data, g.len), SD_OK);
    sd_store_set_capture(s, true);
    sd_store_set_commit_hook(s, hook, &l);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_int_equal(sd_keys_rebuild(t), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(l.n, 1);
    n = parse(l.ws[0].data, l.ws[0].len, ops, 64);
    assert_true(n >= 2);
    assert_int_equal(ops[0].op, SD_WS_DROP);
    assert_int_equal(ops[0].table, SD_DB_KEYS);
    assert_int_equal(ops[1].op, SD_WS_APPEND);
    assert_int_equal(sd_keys_scrub_free_pages(s, &pages), SD_OK);
    assert_true(pages > 0);
    assert_int_equal(l.n, 1);
    replay(b, &l, 0, l.n);
    compare_stores(s, b);
    sd_store_set_commit_hook(s, NULL, NULL);
    log_free(&l);
    sd_buf_free(&g);
    sd_store_close(b);
    rm_rf(db);
}

/* The realistic workload: tickets with comments (in group-commit batches with a failing
 * child), KB add and edit, user add, remedy request and approval, KEK and blind-index key
 * rotation, crypto-shred, audit key rotation, checkpoints. Every committed set replayed in
 * order into a store that started empty gives the same content, table by table, with the
 * same audit root after every set; the replica opens as a desk with the same master key. */
static void
test_workload_replay(void **state)
{
    struct fixture *f = *state;
    struct sd_store *s = sd_desk_store(f->d), *b;
    struct log *l = calloc(1, sizeof(*l));
    struct sd_buf g = SD_BUF_INIT;
    struct sd_desk *rep;
    struct sd_desk_opts ro;
    struct sd_ticket tk;
    struct sd_remedy r;
    struct sd_shred_result sr;
    struct sd_audit_rotation ar;
    struct sd_checkpoint cp;
    struct sd_kb_new kn = {
        "en", "Deposit delays", "Deposits need 12 confirmations.", -1, NULL, 0, 0, 0, NULL, NULL};
    struct sd_kb_edit ke = {.body = "Deposits need 12 confirmations; ETH 64.", .category = -1};
    const char *why = NULL;
    char pw[129], uri[256], db[64], key_file[128];
    uint64_t t1, t2, t3, kb, seq;
    uint32_t v;
    size_t creates_from, creates_bytes = 0;
    struct sd_txn *t;

    assert_non_null(l);
    b = store_new(db);
    genesis(s, &g);
    assert_int_equal(apply(b, g.data, g.len), SD_OK);
    compare_stores(s, b);
    sd_store_set_capture(s, true);
    sd_store_set_commit_hook(s, hook, l);

    /* batch 1: three tickets */
    creates_from = l->n;
    assert_int_equal(sd_store_batch_begin(s), SD_OK);
    t1 = ticket(f->d, "UID-1001", "kim@example.com", "0.35 ETH withdrawal pending");
    t2 = ticket(f->d, "UID-2002", "lee@example.com", "deposit missing");
    t3 = ticket(f->d, "UID-1001", NULL, "second ticket of kim");
    assert_int_equal(sd_store_batch_commit(), SD_OK);
    assert_int_equal(l->n, creates_from + 1);
    creates_bytes = l->ws[creates_from].len;
    /* batch 2: comments, a failing operation (its child aborted), a status change */
    assert_int_equal(sd_store_batch_begin(s), SD_OK);
    assert_int_equal(sd_ticket_comment(f->d, &sys, t1, "we are checking the chain", false, NULL),
                     SD_OK);
    assert_int_equal(sd_ticket_comment(f->d, &sys, 999, "no such ticket", false, NULL),
                     SD_E_NOTFOUND);
    assert_int_equal(sd_ticket_comment(f->d, &sys, t2, "internal: looks fine", true, NULL), SD_OK);
    assert_int_equal(sd_ticket_assign(f->d, &sys, t2, "wei", NULL), SD_OK);
    assert_int_equal(sd_store_batch_commit(), SD_OK);
    /* top-level txns */
    assert_int_equal(sd_kb_add(f->d, &sys, &kn, &kb), SD_OK);
    assert_int_equal(sd_kb_edit(f->d, &sys, kb, &ke, NULL), SD_OK);
    assert_int_equal(sd_access_user_add(f->d, &sys, "wei", SD_ROLE_AGENT, true, NULL, pw, uri),
                     SD_OK);
    sodium_memzero(pw, sizeof(pw));
    assert_int_equal(sd_remedy_request(f->d, &bob,
                                       &(struct sd_remedy_new){t1, SD_RK_COMPENSATION, "USDT",
                                                               "25.5", NULL, "goodwill", NULL},
                                       &r, &why),
                     SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &carol, r.id, NULL, &why), SD_OK);
    assert_int_equal(sd_keyops_rotate(f->d, &sys, &v), SD_OK);
    assert_int_equal(sd_keyops_bidx_rotate(f->d, &sys, &v, &seq), SD_OK);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "UID-2002", "GDPR erasure", &sr), SD_OK);
    assert_int_equal(sd_keyops_audit_rotate(f->d, &sys, "yearly", &ar), SD_OK);
    assert_int_equal(sd_desk_audit_checkpoint(f->d, &sys, true, &cp), SD_OK);
    assert_int_equal(sd_store_batch_begin(s), SD_OK);
    (void)ticket(f->d, "UID-3003", "park@example.com", "after the rotations");
    assert_int_equal(sd_store_batch_commit(), SD_OK);
    assert_true(l->n >= 12);

    replay(b, l, 0, l->n);
    compare_stores(s, b);
    print_message("wset: %zu sets, %zu bytes; a batch of 3 creates: %zu bytes\n", l->n, l->bytes,
                  creates_bytes);

    /* Recompute on the leader too: same root as its stored tree, incremental afterwards. */
    {
        uint64_t size, size2;
        uint8_t root[32], root2[32];

        assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
        assert_int_equal(sd_audit_recompute_root(t, &size, root), SD_OK);
        assert_int_equal(size, l->size[l->n - 1]);
        assert_memory_equal(root, l->root[l->n - 1], 32);
        assert_int_equal(sd_audit_recompute_root(t, &size2, root2), SD_OK);
        assert_int_equal(size2, size);
        assert_memory_equal(root2, root, 32);
        sd_txn_abort(t);
    }

    /* The replica is a working desk under the same master key. */
    sd_store_close(b);
    memset(&ro, 0, sizeof(ro));
    ro.dir = db;
    snprintf(key_file, sizeof(key_file), "%s/master.key", f->dir);
    ro.key_file = key_file;
    assert_int_equal(sd_desk_open(&rep, &ro), SD_OK);
    assert_int_equal(sd_ticket_get(rep, &sys, t3, true, "replica check", &tk), SD_OK);
    assert_true(tk.has[SD_F_BODY]);
    assert_memory_equal(tk.field[SD_F_BODY].data, "second ticket of kim", 20);
    sd_ticket_clear(&tk);
    assert_int_equal(sd_ticket_get(rep, &sys, t2, true, "replica check", &tk), SD_OK);
    assert_true(tk.shredded);
    sd_ticket_clear(&tk);
    sd_desk_close(rep);

    sd_store_set_commit_hook(s, NULL, NULL);
    log_free(l);
    free(l);
    sd_buf_free(&g);
    rm_rf(db);
}

/* One byte of an audit entry changed inside a write set: the replay goes through (the set is
 * well formed) but the recomputed root is not the leader's. */
static void
test_tampered_audit_entry(void **state)
{
    struct fixture *f = *state;
    struct sd_store *s = sd_desk_store(f->d), *b;
    struct log l = {0};
    struct sd_buf g = SD_BUF_INIT;
    struct sd_txn *t;
    struct op ops[64];
    uint64_t size;
    uint8_t root[32];
    size_t n, i;
    char db[64];

    b = store_new(db);
    genesis(s, &g);
    assert_int_equal(apply(b, g.data, g.len), SD_OK);
    sd_store_set_capture(s, true);
    sd_store_set_commit_hook(s, hook, &l);
    (void)ticket(f->d, "UID-1", "a@example.com", "first");
    (void)ticket(f->d, "UID-2", "b@example.com", "second");
    assert_int_equal(l.n, 2);
    replay(b, &l, 0, 1);
    n = parse(l.ws[1].data, l.ws[1].len, ops, 64);
    for(i = 0; i < n && ops[i].table != SD_DB_AUDIT; i++)
        ;
    assert_true(i < n);
    assert_int_equal(ops[i].op, SD_WS_APPEND);
    assert_true(ops[i].vlen > 20);
    l.ws[1].data[ops[i].v - l.ws[1].data + 10] ^= 0x01;
    assert_int_equal(sd_txn_begin(b, true, &t), SD_OK);
    assert_int_equal(sd_wset_apply(t, l.ws[1].data, l.ws[1].len), SD_OK);
    assert_int_equal(sd_audit_recompute_root(t, &size, root), SD_E_CRYPTO);
    assert_int_equal(size, l.size[1]);
    assert_memory_not_equal(root, l.root[1], 32);
    sd_txn_abort(t);
    /* Untampered, the same set gives the leader's root. */
    l.ws[1].data[ops[i].v - l.ws[1].data + 10] ^= 0x01;
    replay(b, &l, 1, 2);
    sd_store_set_commit_hook(s, NULL, NULL);
    log_free(&l);
    sd_buf_free(&g);
    sd_store_close(b);
    rm_rf(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_off),
        cmocka_unit_test(test_record_ops),
        cmocka_unit_test(test_batch_children),
        cmocka_unit_test(test_hook_error_aborts),
        cmocka_unit_test(test_apply_local_keys),
        cmocka_unit_test(test_apply_malformed),
        cmocka_unit_test_setup_teardown(test_keys_drop_scrub, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_workload_replay, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_tampered_audit_entry, fixture_setup, fixture_teardown),
    };

    assert_int_equal(sd_crypto_init(), SD_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
