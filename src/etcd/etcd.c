/* etcd v3 client: KV, Lease and Watch over the project's HTTP/2 + TLS gRPC client.
 *
 * One connection at a time, to endpoint `cur`. Before a call the connection is polled once
 * (a member killed since the last call shows as a closed socket, nothing sent yet), and a
 * connection that cannot be made moves on to the next endpoint within the same call: nothing
 * was sent, so that is safe for writes too. A failure after the request went out (connection
 * lost, deadline, etcd "unavailable": no leader, leader changed, timed out) is not retried for
 * a write, since etcd may have applied it: the call returns SD_E_IO and the next call starts at
 * the next endpoint. Range and Wait are idempotent and go on to the next endpoint at once.
 *
 * Request and response bytes are wiped (the values are the cluster log, which carries the
 * store's write sets); decoded messages use a wiping protobuf-c allocator. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "etcd_int.h"
#include "kv.pb-c.h"
#include "rpc.pb-c.h"
#include "sealdesk/buf.h"
#include "sealdesk/etcd.h"
#include "sealdesk/log.h"
#include "sealdesk/rpc.h"
#include "util/err_int.h"

#define DEFAULT_TIMEOUT_MS 5000u
#define MAX_TIMEOUT_MS     600000u
#define MAX_RESP           (16 * 1024 * 1024) /* one etcd answer (a Range of many log entries) */
#define MAX_PATH_LEN       4096
#define WHY_CAP            256
#define DEADLINE_SLACK_MS  100 /* etcd's copy of a Watch deadline may fire this much earlier */

struct sd_etcd {
    char ep[SD_ETCD_MAX_ENDPOINTS][SD_ETCD_MAX_TARGET + 1];
    size_t nep;
    size_t cur;
    char *ca, *cert, *key;
    unsigned timeout_ms;
    struct sd_grpc_client *cli;
    char why[WHY_CAP];
};

/* ---- small helpers ---- */

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void set_why(struct sd_etcd *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
set_why(struct sd_etcd *e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(e->why, sizeof(e->why), fmt, ap); /* a longer reason is cut: fine */
    va_end(ap);
}

/* protobuf-c allocator that wipes what it frees (decoded keys and values). */
static void *
wipe_alloc(void *ud, size_t n)
{
    size_t *p;

    (void)ud;
    if(n > SIZE_MAX - sizeof(size_t))
        return NULL;
    p = malloc(sizeof(size_t) + n);
    if(!p)
        return NULL;
    p[0] = n;
    return p + 1;
}

static void
wipe_free(void *ud, void *q)
{
    size_t *p;

    (void)ud;
    if(!q)
        return;
    p = (size_t *)q - 1;
    sodium_memzero(p, sizeof(size_t) + p[0]);
    free(p);
}

static ProtobufCAllocator wipe_allocator = {wipe_alloc, wipe_free, NULL};

static void
disconnect(struct sd_etcd *e)
{
    sd_grpc_client_close(e->cli);
    e->cli = NULL;
}

/* Drop the connection and make the next call start at the next endpoint. */
static void
move_on(struct sd_etcd *e)
{
    disconnect(e);
    e->cur = (e->cur + 1) % e->nep;
}

static char *
dup_path(const char *p)
{
    return strndup(p, MAX_PATH_LEN);
}

static bool
path_ok(const char *p)
{
    return p && p[0] && strnlen(p, MAX_PATH_LEN + 1) <= MAX_PATH_LEN;
}

/* ---- open / close ---- */

sd_err
sd_etcd_open_why(struct sd_etcd **out, const struct sd_etcd_opts *o, char *why, size_t whycap)
{
    struct sd_etcd *e = NULL;
    const char *bad = NULL;
    sd_err err = SD_OK;

    if(whycap)
        why[0] = '\0';
    SD_CHECK_ARG(out);
    *out = NULL;
    bad = "options";
    SD_CHECK_ARG(o);
    e = calloc(1, sizeof(*e));
    SD_ENSURE(e, SD_E_NOMEM);
    bad = "endpoints";
    SD_CHECK_ARG(o->endpoints);
    SD_TRY(sd_etcd_parse_endpoints(
        o->endpoints, strnlen(o->endpoints, SD_ETCD_MAX_ENDPOINTS_LEN + 1), e->ep, &e->nep));
    bad = "ca";
    SD_CHECK_ARG(path_ok(o->ca));
    bad = "cert";
    SD_CHECK_ARG(path_ok(o->cert));
    bad = "key";
    SD_CHECK_ARG(path_ok(o->key));
    bad = "timeout_ms";
    SD_CHECK_ARG(o->timeout_ms <= MAX_TIMEOUT_MS);
    bad = "ca";
    SD_ENSURE(access(o->ca, R_OK) == 0, SD_E_IO);
    bad = "cert";
    SD_ENSURE(access(o->cert, R_OK) == 0, SD_E_IO);
    bad = "key";
    SD_ENSURE(access(o->key, R_OK) == 0, SD_E_IO);
    bad = NULL;
    e->ca = dup_path(o->ca);
    e->cert = dup_path(o->cert);
    e->key = dup_path(o->key);
    SD_ENSURE(e->ca && e->cert && e->key, SD_E_NOMEM);
    e->timeout_ms = o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
    /* Spread clients over the members: start at a random endpoint. */
    e->cur = randombytes_uniform((uint32_t)e->nep);
    *out = e;
    e = NULL;
out:
    if(err != SD_OK && whycap)
        (void)snprintf(why, whycap, "%s: %s", bad ? bad : "etcd", sd_err_str(err));
    sd_etcd_close(e);
    return err;
}

sd_err
sd_etcd_open(struct sd_etcd **out, const struct sd_etcd_opts *o)
{
    char why[WHY_CAP];
    sd_err err = sd_etcd_open_why(out, o, why, sizeof(why));

    if(err != SD_OK)
        sd_log(SD_LOG_WARN, "etcd_open_failed", "err=%s reason=\"%s\"", sd_err_name(err), why);
    return err;
}

void
sd_etcd_close(struct sd_etcd *e)
{
    if(!e)
        return;
    disconnect(e);
    free(e->ca);
    free(e->cert);
    free(e->key);
    sodium_memzero(e, sizeof(*e));
    free(e);
}

const char *
sd_etcd_why(const struct sd_etcd *e)
{
    return e ? e->why : "no etcd client";
}

const char *
sd_etcd_endpoint(const struct sd_etcd *e)
{
    return e ? e->ep[e->cur] : "";
}

/* ---- one call ---- */

/* Connect to the current endpoint if needed; a dead connection found by a zero-wait poll is
 * replaced. Nothing has been sent when this fails. */
static sd_err
ensure_conn(struct sd_etcd *e)
{
    struct sd_grpc_client_opts co = {0};
    char why[200];
    sd_err err = SD_OK;

    if(e->cli && sd_grpc_client_poll(e->cli, 0) != SD_OK)
        move_on(e); /* lost since the last call (member stopped, GOAWAY) */
    if(e->cli)
        goto out;
    co.target = e->ep[e->cur];
    co.ca_file = e->ca;
    co.cert_file = e->cert;
    co.key_file = e->key;
    err = sd_grpc_client_connect_why(&e->cli, &co, why, sizeof(why));
    if(err != SD_OK) {
        set_why(e, "%s: connect: %s", e->ep[e->cur], why);
        e->cli = NULL;
        goto out;
    }
    SD_TRY(sd_grpc_client_set_max_msg(e->cli, MAX_RESP));
out:
    return err;
}

static sd_err
collect(void *ctx, const uint8_t *p, size_t n)
{
    struct sd_buf *b = ctx;

    if(b->len) /* unary answers: one message */
        return SD_E_INVALID;
    return sd_buf_append(b, p, n);
}

/* etcd's answer -> our code (rpctypes/error.go of etcd 3.4: the messages are stable API). */
static sd_err
map_status(int status, const char *msg)
{
    /* Busy or between leaders: try again (raft drops proposals while it has no leader). */
    if(strstr(msg, "too many requests") || strstr(msg, "proposal dropped"))
        return SD_E_IO;
    if(status == SD_GRPC_RESOURCE_EXHAUSTED || strstr(msg, "request is too large") ||
       strstr(msg, "database space exceeded") || strstr(msg, "too many operations in txn"))
        return SD_E_LIMIT;
    if(strstr(msg, "required revision has been compacted"))
        return SD_E_PRECONDITION;
    if(status == SD_GRPC_UNAVAILABLE || status == SD_GRPC_DEADLINE_EXCEEDED)
        return SD_E_IO;
    return SD_E_INTERNAL;
}

/* Sends req to method and leaves the one answer message in resp. idempotent: a lost
 * connection or an "unavailable" answer tries the next endpoint within the deadline. */
static sd_err
call(struct sd_etcd *e, const char *method, const uint8_t *req, size_t n, struct sd_buf *resp,
     bool idempotent)
{
    uint64_t deadline = now_ms() + e->timeout_ms;
    size_t tries = 0;
    char msg[256];
    int status = SD_GRPC_UNKNOWN;
    sd_err err = SD_E_IO;

    while(tries < 2 * e->nep && now_ms() < deadline) {
        uint64_t left = deadline - now_ms();

        tries++;
        if(ensure_conn(e) != SD_OK) {
            e->cur = (e->cur + 1) % e->nep;
            err = SD_E_IO;
            continue;
        }
        sd_buf_wipe_free(resp);
        SD_TRY(sd_grpc_client_set_timeout(e->cli, (uint32_t)(left ? left : 1)));
        err = sd_grpc_client_call(e->cli, method, NULL, req, n, collect, resp, &status, msg,
                                  sizeof(msg));
        if(err == SD_E_LIMIT && !resp->len) {
            set_why(e, "%s: %s: request or answer over the size limit", e->ep[e->cur], method);
            goto out;
        }
        if(err != SD_OK) {
            set_why(e, "%s: %s: %s", e->ep[e->cur], method, msg);
            move_on(e);
            err = SD_E_IO;
            if(!idempotent)
                goto out;
            continue;
        }
        if(status == SD_GRPC_OK) {
            err = SD_OK;
            goto out;
        }
        set_why(e, "%s: %s: status %d: %s", e->ep[e->cur], method, status, msg);
        err = map_status(status, msg);
        if(err != SD_E_IO)
            goto out;
        move_on(e);
        if(!idempotent)
            goto out;
    }
    if(err == SD_E_IO && tries == 0)
        set_why(e, "%s: no time left", method);
out:
    if(err != SD_OK)
        sd_buf_wipe_free(resp);
    return err;
}

/* Packs m, calls, leaves the answer in resp. */
static sd_err
call_msg(struct sd_etcd *e, const char *method, const ProtobufCMessage *m, struct sd_buf *resp,
         bool idempotent)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *req = NULL;
    sd_err err = SD_OK;

    SD_ENSURE(n <= SD_RPC_MAX_REQ_LARGE, SD_E_LIMIT);
    req = malloc(n ? n : 1);
    SD_ENSURE(req, SD_E_NOMEM);
    protobuf_c_message_pack(m, req);
    err = call(e, method, req, n, resp, idempotent);
out:
    if(req)
        sodium_memzero(req, n);
    free(req);
    return err;
}

static ProtobufCBinaryData
bin(const void *p, size_t n)
{
    ProtobufCBinaryData b = {n, (uint8_t *)(uintptr_t)p};

    return b;
}

#define UNPACK(type, var, buf)                                                          \
    do {                                                                                \
        (var) = etcdserverpb__##type##__unpack(&wipe_allocator, (buf).len, (buf).data); \
        if(!(var)) {                                                                    \
            set_why(e, "%s: malformed %s answer", e->ep[e->cur], #type);                \
            SD_TRY(SD_E_INTERNAL);                                                      \
        }                                                                               \
    } while(0)

/* ---- KV ---- */

void
sd_etcd_kvs_clear(struct sd_etcd_kvs *l)
{
    size_t i;

    if(!l)
        return;
    for(i = 0; l->v && i < l->n; i++) {
        if(l->v[i].key)
            sodium_memzero(l->v[i].key, l->v[i].klen);
        if(l->v[i].val)
            sodium_memzero(l->v[i].val, l->v[i].vlen);
        free(l->v[i].key);
        free(l->v[i].val);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static sd_err
dup_bytes(uint8_t **out, const ProtobufCBinaryData *b)
{
    *out = malloc(b->len ? b->len : 1);
    if(!*out)
        return SD_E_NOMEM;
    if(b->len)
        memcpy(*out, b->data, b->len);
    return SD_OK;
}

sd_err
sd_etcd_range(struct sd_etcd *e, const void *key, size_t klen, const void *end, size_t elen,
              int64_t limit, struct sd_etcd_kvs *out)
{
    Etcdserverpb__RangeRequest rq = ETCDSERVERPB__RANGE_REQUEST__INIT;
    Etcdserverpb__RangeResponse *rs = NULL;
    struct sd_buf resp = {0};
    size_t i;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out);
    memset(out, 0, sizeof(*out));
    SD_CHECK_ARG(e && key && klen > 0 && (end || elen == 0) && limit >= 0);
    rq.key = bin(key, klen);
    rq.range_end = bin(end, elen);
    rq.limit = limit;
    SD_TRY(call_msg(e, "/etcdserverpb.KV/Range", &rq.base, &resp, true));
    UNPACK(range_response, rs, resp);
    if(rs->n_kvs) {
        out->v = calloc(rs->n_kvs, sizeof(*out->v));
        SD_ENSURE(out->v, SD_E_NOMEM);
    }
    for(i = 0; i < rs->n_kvs; i++) {
        const Mvccpb__KeyValue *kv = rs->kvs[i];
        struct sd_etcd_kv *d = &out->v[i];

        out->n = i + 1;
        SD_TRY(dup_bytes(&d->key, &kv->key));
        d->klen = kv->key.len;
        SD_TRY(dup_bytes(&d->val, &kv->value));
        d->vlen = kv->value.len;
        d->create_rev = kv->create_revision;
        d->mod_rev = kv->mod_revision;
        d->version = kv->version;
        d->lease = kv->lease;
    }
    out->more = rs->more;
    out->header_rev = rs->header ? rs->header->revision : 0;
out:
    if(rs)
        etcdserverpb__range_response__free_unpacked(rs, &wipe_allocator);
    sd_buf_wipe_free(&resp);
    if(err != SD_OK && out)
        sd_etcd_kvs_clear(out);
    return err;
}

sd_err
sd_etcd_put(struct sd_etcd *e, const void *key, size_t klen, const void *val, size_t vlen,
            int64_t lease)
{
    Etcdserverpb__PutRequest rq = ETCDSERVERPB__PUT_REQUEST__INIT;
    struct sd_buf resp = {0};
    sd_err err = SD_OK;

    SD_CHECK_ARG(e && key && klen > 0 && (val || vlen == 0) && lease >= 0);
    rq.key = bin(key, klen);
    rq.value = bin(val, vlen);
    rq.lease = lease;
    SD_TRY(call_msg(e, "/etcdserverpb.KV/Put", &rq.base, &resp, false));
out:
    sd_buf_wipe_free(&resp);
    return err;
}

sd_err
sd_etcd_delete(struct sd_etcd *e, const void *key, size_t klen, const void *end, size_t elen,
               int64_t *deleted)
{
    Etcdserverpb__DeleteRangeRequest rq = ETCDSERVERPB__DELETE_RANGE_REQUEST__INIT;
    Etcdserverpb__DeleteRangeResponse *rs = NULL;
    struct sd_buf resp = {0};
    sd_err err = SD_OK;

    if(deleted)
        *deleted = 0;
    SD_CHECK_ARG(e && key && klen > 0 && (end || elen == 0));
    rq.key = bin(key, klen);
    rq.range_end = bin(end, elen);
    SD_TRY(call_msg(e, "/etcdserverpb.KV/DeleteRange", &rq.base, &resp, false));
    UNPACK(delete_range_response, rs, resp);
    if(deleted)
        *deleted = rs->deleted;
out:
    if(rs)
        etcdserverpb__delete_range_response__free_unpacked(rs, &wipe_allocator);
    sd_buf_wipe_free(&resp);
    return err;
}

/* ---- Txn ---- */

#define MAX_TXN_OPS 128 /* etcd's default --max-txn-ops */

static sd_err
fill_cmp(Etcdserverpb__Compare *m, const struct sd_etcd_cmp *c)
{
    static const Etcdserverpb__Compare__CompareResult res[] = {
        [SD_ETCD_EQ] = ETCDSERVERPB__COMPARE__COMPARE_RESULT__EQUAL,
        [SD_ETCD_GT] = ETCDSERVERPB__COMPARE__COMPARE_RESULT__GREATER,
        [SD_ETCD_LT] = ETCDSERVERPB__COMPARE__COMPARE_RESULT__LESS,
        [SD_ETCD_NE] = ETCDSERVERPB__COMPARE__COMPARE_RESULT__NOT_EQUAL,
    };

    if(!c->key || c->klen == 0 || (unsigned)c->result > SD_ETCD_NE ||
       (unsigned)c->target > SD_ETCD_T_LEASE)
        return SD_E_INVALID;
    etcdserverpb__compare__init(m);
    m->key = bin(c->key, c->klen);
    m->result = res[c->result];
    switch(c->target) {
    case SD_ETCD_T_VERSION:
        m->target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__VERSION;
        m->target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_VERSION;
        m->version = c->num;
        break;
    case SD_ETCD_T_CREATE:
        m->target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__CREATE;
        m->target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_CREATE_REVISION;
        m->create_revision = c->num;
        break;
    case SD_ETCD_T_MOD:
        m->target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__MOD;
        m->target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_MOD_REVISION;
        m->mod_revision = c->num;
        break;
    case SD_ETCD_T_VALUE:
        if(!c->val && c->vlen)
            return SD_E_INVALID;
        m->target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__VALUE;
        m->target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_VALUE;
        m->value = bin(c->val, c->vlen);
        break;
    case SD_ETCD_T_LEASE:
        m->target = ETCDSERVERPB__COMPARE__COMPARE_TARGET__LEASE;
        m->target_union_case = ETCDSERVERPB__COMPARE__TARGET_UNION_LEASE;
        m->lease = c->num;
        break;
    }
    return SD_OK;
}

/* One op: the RequestOp and its Put/DeleteRange live in the caller's arrays. */
static sd_err
fill_op(Etcdserverpb__RequestOp *r, Etcdserverpb__PutRequest *put,
        Etcdserverpb__DeleteRangeRequest *del, const struct sd_etcd_op *o)
{
    if(!o->key || o->klen == 0)
        return SD_E_INVALID;
    etcdserverpb__request_op__init(r);
    if(o->kind == SD_ETCD_OP_PUT) {
        if((!o->val && o->vlen) || o->lease < 0)
            return SD_E_INVALID;
        etcdserverpb__put_request__init(put);
        put->key = bin(o->key, o->klen);
        put->value = bin(o->val, o->vlen);
        put->lease = o->lease;
        r->request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_PUT;
        r->request_put = put;
        return SD_OK;
    }
    if(o->kind != SD_ETCD_OP_DEL || (!o->end && o->elen))
        return SD_E_INVALID;
    etcdserverpb__delete_range_request__init(del);
    del->key = bin(o->key, o->klen);
    del->range_end = bin(o->end, o->elen);
    r->request_case = ETCDSERVERPB__REQUEST_OP__REQUEST_REQUEST_DELETE_RANGE;
    r->request_delete_range = del;
    return SD_OK;
}

sd_err
sd_etcd_txn(struct sd_etcd *e, const struct sd_etcd_cmp *c, size_t nc, const struct sd_etcd_op *ok,
            size_t nok, const struct sd_etcd_op *ko, size_t nko, bool *succeeded, int64_t *rev)
{
    Etcdserverpb__TxnRequest rq = ETCDSERVERPB__TXN_REQUEST__INIT;
    Etcdserverpb__TxnResponse *rs = NULL;
    Etcdserverpb__Compare cm[MAX_TXN_OPS];
    Etcdserverpb__Compare *cmp[MAX_TXN_OPS];
    Etcdserverpb__RequestOp ro[2][MAX_TXN_OPS];
    Etcdserverpb__RequestOp *rop[2][MAX_TXN_OPS];
    Etcdserverpb__PutRequest put[2][MAX_TXN_OPS];
    Etcdserverpb__DeleteRangeRequest del[2][MAX_TXN_OPS];
    const struct sd_etcd_op *ops[2] = {ok, ko};
    size_t nops[2] = {nok, nko};
    struct sd_buf resp = {0};
    size_t i;
    size_t s;
    sd_err err = SD_OK;

    if(succeeded)
        *succeeded = false;
    if(rev)
        *rev = 0;
    SD_CHECK_ARG(e && succeeded && (c || nc == 0) && (ok || nok == 0) && (ko || nko == 0));
    SD_ENSURE(nc <= MAX_TXN_OPS && nok <= MAX_TXN_OPS && nko <= MAX_TXN_OPS, SD_E_LIMIT);
    for(i = 0; i < nc; i++) {
        SD_TRY(fill_cmp(&cm[i], &c[i]));
        cmp[i] = &cm[i];
    }
    for(s = 0; s < 2; s++)
        for(i = 0; i < nops[s]; i++) {
            SD_TRY(fill_op(&ro[s][i], &put[s][i], &del[s][i], &ops[s][i]));
            rop[s][i] = &ro[s][i];
        }
    rq.n_compare = nc;
    rq.compare = cmp;
    rq.n_success = nok;
    rq.success = rop[0];
    rq.n_failure = nko;
    rq.failure = rop[1];
    SD_TRY(call_msg(e, "/etcdserverpb.KV/Txn", &rq.base, &resp, false));
    UNPACK(txn_response, rs, resp);
    *succeeded = rs->succeeded;
    if(rev)
        *rev = rs->header ? rs->header->revision : 0;
out:
    if(rs)
        etcdserverpb__txn_response__free_unpacked(rs, &wipe_allocator);
    sd_buf_wipe_free(&resp);
    return err;
}

sd_err
sd_etcd_compact(struct sd_etcd *e, int64_t rev)
{
    Etcdserverpb__CompactionRequest rq = ETCDSERVERPB__COMPACTION_REQUEST__INIT;
    struct sd_buf resp = {0};
    sd_err err = SD_OK;

    SD_CHECK_ARG(e && rev > 0);
    rq.revision = rev;
    SD_TRY(call_msg(e, "/etcdserverpb.KV/Compact", &rq.base, &resp, false));
out:
    sd_buf_wipe_free(&resp);
    return err;
}

/* ---- Lease ---- */

sd_err
sd_etcd_lease_grant(struct sd_etcd *e, int64_t ttl_s, int64_t *id)
{
    Etcdserverpb__LeaseGrantRequest rq = ETCDSERVERPB__LEASE_GRANT_REQUEST__INIT;
    Etcdserverpb__LeaseGrantResponse *rs = NULL;
    struct sd_buf resp = {0};
    sd_err err = SD_OK;

    SD_CHECK_ARG(e && id && ttl_s > 0 && ttl_s <= 9000000000LL);
    *id = 0;
    rq.ttl = ttl_s;
    SD_TRY(call_msg(e, "/etcdserverpb.Lease/LeaseGrant", &rq.base, &resp, false));
    UNPACK(lease_grant_response, rs, resp);
    if(rs->error && rs->error[0]) {
        set_why(e, "%s: LeaseGrant: %.120s", e->ep[e->cur], rs->error);
        SD_TRY(SD_E_INTERNAL);
    }
    SD_ENSURE(rs->id > 0, SD_E_INTERNAL);
    *id = rs->id;
out:
    if(rs)
        etcdserverpb__lease_grant_response__free_unpacked(rs, &wipe_allocator);
    sd_buf_wipe_free(&resp);
    return err;
}

/* LeaseKeepAlive is a bidi stream: one request and a half-close per call; etcd 3.4 answers it
 * and then ends the stream on our EOF (leaseKeepAlive returns nil on io.EOF). A lease etcd no
 * longer knows is answered with TTL 0. Renewal is idempotent: retried like a read. */
sd_err
sd_etcd_lease_keepalive(struct sd_etcd *e, int64_t id, int64_t *ttl_left)
{
    Etcdserverpb__LeaseKeepAliveRequest rq = ETCDSERVERPB__LEASE_KEEP_ALIVE_REQUEST__INIT;
    Etcdserverpb__LeaseKeepAliveResponse *rs = NULL;
    struct sd_buf resp = {0};
    sd_err err = SD_OK;

    SD_CHECK_ARG(e && ttl_left && id > 0);
    *ttl_left = 0;
    rq.id = id;
    SD_TRY(call_msg(e, "/etcdserverpb.Lease/LeaseKeepAlive", &rq.base, &resp, true));
    if(!resp.len) {
        set_why(e, "%s: LeaseKeepAlive: no answer", e->ep[e->cur]);
        SD_TRY(SD_E_IO);
    }
    UNPACK(lease_keep_alive_response, rs, resp);
    *ttl_left = rs->ttl > 0 ? rs->ttl : 0;
out:
    if(rs)
        etcdserverpb__lease_keep_alive_response__free_unpacked(rs, &wipe_allocator);
    sd_buf_wipe_free(&resp);
    return err;
}

/* A lease that is already gone (expired, revoked) counts as revoked: SD_OK. */
sd_err
sd_etcd_lease_revoke(struct sd_etcd *e, int64_t id)
{
    Etcdserverpb__LeaseRevokeRequest rq = ETCDSERVERPB__LEASE_REVOKE_REQUEST__INIT;
    struct sd_buf resp = {0};
    sd_err err = SD_OK;

    SD_CHECK_ARG(e && id > 0);
    rq.id = id;
    err = call_msg(e, "/etcdserverpb.Lease/LeaseRevoke", &rq.base, &resp, true);
    if(err == SD_E_INTERNAL && strstr(e->why, "requested lease not found"))
        err = SD_OK;
out:
    sd_buf_wipe_free(&resp);
    return err;
}

/* ---- Watch ---- */

struct watch_ctx {
    struct sd_etcd *e;
    bool done;
    bool changed;
    bool compacted;
    bool canceled;
    sd_err err;
    int status;
    char msg[160];
};

static sd_err
watch_msg(void *p, const uint8_t *m, size_t n)
{
    struct watch_ctx *w = p;
    Etcdserverpb__WatchResponse *rs;

    rs = etcdserverpb__watch_response__unpack(&wipe_allocator, n, m);
    if(!rs)
        return SD_E_INVALID;
    if(rs->n_events > 0)
        w->changed = true;
    if(rs->compact_revision > 0)
        w->compacted = true;
    else if(rs->canceled)
        w->canceled = true;
    etcdserverpb__watch_response__free_unpacked(rs, &wipe_allocator);
    /* Any error ends (cancels) the stream: we have what we came for. */
    return w->changed || w->compacted || w->canceled ? SD_E_CONFLICT : SD_OK;
}

static void
watch_done(void *p, sd_err err, int status, const char *message)
{
    struct watch_ctx *w = p;

    w->done = true;
    w->err = err;
    w->status = status;
    (void)snprintf(w->msg, sizeof(w->msg), "%s", message);
}

/* Watch from revision after+1: etcd first replays the changes already made, so a change
 * between the caller's read and this call is not missed. The stream is ours alone: one
 * WatchCreateRequest, half-closed (etcd 3.4's recvLoop returns nil on EOF and keeps sending),
 * cancelled (RST_STREAM) when an event or the deadline arrives. */
sd_err
sd_etcd_wait(struct sd_etcd *e, const void *key, size_t klen, const void *end, size_t elen,
             int64_t after, unsigned timeout_ms, bool *changed)
{
    Etcdserverpb__WatchRequest rq = ETCDSERVERPB__WATCH_REQUEST__INIT;
    Etcdserverpb__WatchCreateRequest cr = ETCDSERVERPB__WATCH_CREATE_REQUEST__INIT;
    struct watch_ctx w;
    uint64_t deadline;
    uint8_t *req = NULL;
    size_t n = 0;
    size_t tries = 0;
    sd_err err = SD_OK;

    if(changed)
        *changed = false;
    SD_CHECK_ARG(e && changed && key && klen > 0 && (end || elen == 0) && after >= 0 &&
                 after < INT64_MAX && timeout_ms <= MAX_TIMEOUT_MS);
    cr.key = bin(key, klen);
    cr.range_end = bin(end, elen);
    cr.start_revision = after + 1;
    rq.request_union_case = ETCDSERVERPB__WATCH_REQUEST__REQUEST_UNION_CREATE_REQUEST;
    rq.create_request = &cr;
    n = etcdserverpb__watch_request__get_packed_size(&rq);
    SD_ENSURE(n <= SD_RPC_MAX_MSG, SD_E_LIMIT);
    req = malloc(n ? n : 1);
    SD_ENSURE(req, SD_E_NOMEM);
    etcdserverpb__watch_request__pack(&rq, req);
    deadline = now_ms() + (timeout_ms ? timeout_ms : 1);
    err = SD_E_IO;
    while(tries < 2 * e->nep && now_ms() < deadline) {
        uint64_t left = deadline - now_ms();

        tries++;
        if(ensure_conn(e) != SD_OK) {
            e->cur = (e->cur + 1) % e->nep;
            continue;
        }
        memset(&w, 0, sizeof(w));
        w.e = e;
        SD_TRY(sd_grpc_client_set_timeout(e->cli, (uint32_t)(left ? left : 1)));
        err = sd_grpc_client_start(e->cli, "/etcdserverpb.Watch/Watch", NULL, req, n, watch_msg,
                                   watch_done, &w);
        sd_grpc_client_set_timeout(e->cli, 0);
        if(err != SD_OK) {
            set_why(e, "%s: Watch: %s", e->ep[e->cur], sd_err_str(err));
            move_on(e);
            err = SD_E_IO;
            continue;
        }
        while(!w.done) {
            uint64_t now = now_ms();
            int wait = now < deadline ? (int)(deadline - now) : 0;

            if(sd_grpc_client_poll(e->cli, wait > 100 ? 100 : wait) != SD_OK && !w.done)
                break;
        }
        if(w.changed) {
            *changed = true;
            err = SD_OK;
            goto out;
        }
        if(w.compacted) {
            set_why(e, "%s: Watch: revision %lld compacted", e->ep[e->cur], (long long)after + 1);
            SD_TRY(SD_E_PRECONDITION);
        }
        /* Our deadline, or etcd's (we send it as grpc-timeout; it may end the stream a moment
         * before ours fires, as DEADLINE_EXCEEDED, CANCELLED or UNKNOWN "context deadline
         * exceeded"): nothing changed in time. */
        if(w.done && w.err == SD_OK &&
           (w.status == SD_GRPC_DEADLINE_EXCEEDED || w.status == SD_GRPC_CANCELLED ||
            now_ms() + DEADLINE_SLACK_MS >= deadline)) {
            err = SD_OK;
            goto out;
        }
        set_why(e, "%s: Watch: %s", e->ep[e->cur], w.msg[0] ? w.msg : "ended");
        if(w.done && w.err == SD_OK && w.status != SD_GRPC_OK) {
            err = map_status(w.status, w.msg);
            if(err != SD_E_IO)
                goto out;
        }
        move_on(e);
        err = SD_E_IO;
    }
    if(err == SD_E_IO && now_ms() >= deadline && tries > 0 && e->cli)
        err = SD_OK; /* the deadline passed with the stream up: no change */
out:
    if(req)
        sodium_memzero(req, n);
    free(req);
    return err;
}
