/* The etcd v3 client (src/etcd) against a real 3-member TLS etcd cluster started by
 * tests/cluster/test_etcd.sh (tests/cluster/etcd.sh): ETCD_ENDPOINTS, ETCD_CA, ETCD_CERT,
 * ETCD_KEY and ETCD_PIDS (member order) come from the environment. The member kill runs last. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "sealdesk/etcd.h"
#include "sealdesk/rpc.h"

#define KIB 1024
#define MIB (1024 * 1024)

static struct sd_etcd_opts opts;

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct sd_etcd *
open_client(void)
{
    struct sd_etcd *e = NULL;

    assert_int_equal(sd_etcd_open(&e, &opts), SD_OK);
    return e;
}

static void
put_s(struct sd_etcd *e, const char *k, const char *v, int64_t lease)
{
    sd_err err = sd_etcd_put(e, k, strlen(k), v, strlen(v), lease);

    if(err != SD_OK)
        fprintf(stderr, "put %s: %s\n", k, sd_etcd_why(e));
    assert_int_equal(err, SD_OK);
}

/* The value of key k (NULL if absent), strdup'ed. */
static char *
get_s(struct sd_etcd *e, const char *k, struct sd_etcd_kv *meta)
{
    struct sd_etcd_kvs l;
    char *v = NULL;

    assert_int_equal(sd_etcd_range(e, k, strlen(k), NULL, 0, 0, &l), SD_OK);
    assert_true(l.n <= 1);
    if(l.n == 1) {
        v = strndup((const char *)l.v[0].val, l.v[0].vlen);
        if(meta) {
            *meta = l.v[0];
            meta->key = meta->val = NULL;
        }
    }
    assert_true(l.header_rev > 0);
    sd_etcd_kvs_clear(&l);
    return v;
}

static void
test_open_invalid(void **state)
{
    struct sd_etcd_opts o = opts;
    struct sd_etcd *e = NULL;
    char why[256];

    (void)state;
    o.endpoints = "http://127.0.0.1:2379";
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_INVALID);
    assert_null(e);
    assert_non_null(strstr(why, "endpoints"));
    o.endpoints = "https://a:1,https://a:2,https://a:3,https://a:4,https://a:5,https://a:6,"
                  "https://a:7,https://a:8";
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_INVALID);
    assert_non_null(strstr(why, "endpoints"));
    o = opts;
    o.cert = NULL;
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_INVALID);
    assert_non_null(strstr(why, "cert"));
    o = opts;
    o.ca = "/nonexistent/ca.pem";
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_IO);
    assert_non_null(strstr(why, "ca"));
    o = opts;
    o.key = "/nonexistent/key.pem";
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_IO);
    assert_non_null(strstr(why, "key"));
}

static void
test_put_range_delete(void **state)
{
    struct sd_etcd *e = open_client();
    struct sd_etcd_kvs l;
    struct sd_etcd_kv m;
    int64_t deleted = -1;
    char *v;
    uint8_t *big;
    size_t i;
    char k[32];

    (void)state;
    put_s(e, "/t/kv/a", "one", 0);
    put_s(e, "/t/kv/b", "two", 0);
    put_s(e, "/t/kv/b", "three", 0);
    v = get_s(e, "/t/kv/b", &m);
    assert_string_equal(v, "three");
    free(v);
    assert_int_equal(m.version, 2);
    assert_true(m.mod_rev > m.create_rev);
    /* Prefix range [/t/kv/, /t/kv0) and the limit. */
    assert_int_equal(sd_etcd_range(e, "/t/kv/", 6, "/t/kv0", 6, 0, &l), SD_OK);
    assert_int_equal(l.n, 2);
    assert_memory_equal(l.v[0].key, "/t/kv/a", 7);
    assert_memory_equal(l.v[0].val, "one", 3);
    assert_false(l.more);
    sd_etcd_kvs_clear(&l);
    assert_int_equal(sd_etcd_range(e, "/t/kv/", 6, "/t/kv0", 6, 1, &l), SD_OK);
    assert_int_equal(l.n, 1);
    assert_true(l.more);
    sd_etcd_kvs_clear(&l);
    assert_int_equal(sd_etcd_delete(e, "/t/kv/a", 7, NULL, 0, &deleted), SD_OK);
    assert_int_equal(deleted, 1);
    assert_null(get_s(e, "/t/kv/a", NULL));
    assert_int_equal(sd_etcd_delete(e, "/t/kv/", 6, "/t/kv0", 6, &deleted), SD_OK);
    assert_int_equal(deleted, 1);
    /* An answer over the gRPC client's default 1 MiB message limit. */
    big = malloc(400 * KIB);
    assert_non_null(big);
    for(i = 0; i < 4; i++) {
        snprintf(k, sizeof(k), "/t/big/%zu", i);
        memset(big, (int)('a' + i), 400 * KIB);
        assert_int_equal(sd_etcd_put(e, k, strlen(k), big, 400 * KIB, 0), SD_OK);
    }
    assert_int_equal(sd_etcd_range(e, "/t/big/", 7, "/t/big0", 7, 0, &l), SD_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.v[3].vlen, 400 * KIB);
    assert_int_equal(l.v[3].val[400 * KIB - 1], 'd');
    sd_etcd_kvs_clear(&l);
    assert_int_equal(sd_etcd_delete(e, "/t/big/", 7, "/t/big0", 7, &deleted), SD_OK);
    assert_int_equal(deleted, 4);
    free(big);
    /* Bad arguments never reach etcd. */
    assert_int_equal(sd_etcd_put(e, "", 0, "x", 1, 0), SD_E_INVALID);
    assert_int_equal(sd_etcd_range(e, NULL, 0, NULL, 0, 0, &l), SD_E_INVALID);
    sd_etcd_close(e);
}

/* The cluster log's fenced append: head VALUE == previous seq AND leader CREATE == ours. */
static sd_err
fenced_append(struct sd_etcd *e, const char *prev, const char *next, int64_t leader_create,
              bool *ok)
{
    char logkey[64];
    struct sd_etcd_cmp c[2] = {
        {.key = "/t/f/head",
         .klen = 9,
         .target = SD_ETCD_T_VALUE,
         .result = SD_ETCD_EQ,
         .val = prev,
         .vlen = strlen(prev)},
        {.key = "/t/f/leader",
         .klen = 11,
         .target = SD_ETCD_T_CREATE,
         .result = SD_ETCD_EQ,
         .num = leader_create},
    };
    struct sd_etcd_op op[2];
    int64_t rev = 0;
    sd_err err;

    snprintf(logkey, sizeof(logkey), "/t/f/log/%020d", atoi(next));
    op[0] = (struct sd_etcd_op){
        .kind = SD_ETCD_OP_PUT, .key = logkey, .klen = strlen(logkey), .val = "entry", .vlen = 5};
    op[1] = (struct sd_etcd_op){
        .kind = SD_ETCD_OP_PUT, .key = "/t/f/head", .klen = 9, .val = next, .vlen = strlen(next)};
    err = sd_etcd_txn(e, c, 2, op, 2, NULL, 0, ok, &rev);
    if(err == SD_OK)
        assert_true(rev > 0);
    return err;
}

static void
test_txn_fence(void **state)
{
    struct sd_etcd *e = open_client();
    struct sd_etcd_kv leader;
    struct sd_etcd_kvs l;
    bool ok = false;
    char *v;
    int64_t rev = 0;
    struct sd_etcd_cmp absent = {
        .key = "/t/f/new", .klen = 8, .target = SD_ETCD_T_CREATE, .result = SD_ETCD_EQ, .num = 0};
    struct sd_etcd_op put_new = {
        .kind = SD_ETCD_OP_PUT, .key = "/t/f/new", .klen = 8, .val = "first", .vlen = 5};
    struct sd_etcd_op del_new = {.kind = SD_ETCD_OP_DEL, .key = "/t/f/new", .klen = 8};

    (void)state;
    put_s(e, "/t/f/head", "5", 0);
    put_s(e, "/t/f/leader", "node-a https://127.0.0.1:1", 0);
    free(get_s(e, "/t/f/leader", &leader));
    assert_int_equal(fenced_append(e, "5", "6", leader.create_rev, &ok), SD_OK);
    assert_true(ok);
    v = get_s(e, "/t/f/head", NULL);
    assert_string_equal(v, "6");
    free(v);
    /* A stale head (VALUE compare) is fenced: nothing written. */
    assert_int_equal(fenced_append(e, "5", "6", leader.create_rev, &ok), SD_OK);
    assert_false(ok);
    assert_int_equal(sd_etcd_range(e, "/t/f/log/", 9, "/t/f/log0", 9, 0, &l), SD_OK);
    assert_int_equal(l.n, 1);
    sd_etcd_kvs_clear(&l);
    /* A new leader key (another term: CREATE differs even with the same value) fences the old
     * leader although its head is right. */
    assert_int_equal(sd_etcd_delete(e, "/t/f/leader", 11, NULL, 0, NULL), SD_OK);
    put_s(e, "/t/f/leader", "node-a https://127.0.0.1:1", 0);
    assert_int_equal(fenced_append(e, "6", "7", leader.create_rev, &ok), SD_OK);
    assert_false(ok);
    v = get_s(e, "/t/f/head", NULL);
    assert_string_equal(v, "6");
    free(v);
    free(get_s(e, "/t/f/leader", &leader));
    assert_int_equal(fenced_append(e, "6", "7", leader.create_rev, &ok), SD_OK);
    assert_true(ok);
    /* Create-if-absent, and the failure branch's ops run when a compare fails. */
    assert_int_equal(sd_etcd_txn(e, &absent, 1, &put_new, 1, NULL, 0, &ok, &rev), SD_OK);
    assert_true(ok);
    assert_int_equal(sd_etcd_txn(e, &absent, 1, &put_new, 1, &del_new, 1, &ok, &rev), SD_OK);
    assert_false(ok);
    assert_null(get_s(e, "/t/f/new", NULL));
    assert_int_equal(sd_etcd_delete(e, "/t/f/", 5, "/t/f0", 5, NULL), SD_OK);
    sd_etcd_close(e);
}

static void
test_lease(void **state)
{
    struct sd_etcd *e = open_client();
    struct sd_etcd_kv m;
    int64_t id = 0;
    int64_t id2 = 0;
    int64_t ttl = -1;
    char *v;
    int i;

    (void)state;
    assert_int_equal(sd_etcd_lease_grant(e, 2, &id), SD_OK);
    assert_true(id > 0);
    put_s(e, "/t/l/alive", "x", id);
    v = get_s(e, "/t/l/alive", &m);
    assert_non_null(v);
    free(v);
    assert_int_equal(m.lease, id);
    /* Kept alive past its TTL, the key stays. */
    for(i = 0; i < 6; i++) {
        usleep(500 * 1000);
        assert_int_equal(sd_etcd_lease_keepalive(e, id, &ttl), SD_OK);
        assert_true(ttl >= 1 && ttl <= 2);
    }
    v = get_s(e, "/t/l/alive", NULL);
    assert_non_null(v);
    free(v);
    /* Left alone, it expires and takes the key with it. */
    usleep(3500 * 1000);
    assert_null(get_s(e, "/t/l/alive", NULL));
    assert_int_equal(sd_etcd_lease_keepalive(e, id, &ttl), SD_OK);
    assert_int_equal(ttl, 0);
    /* Revoke: at once; revoking again is fine. */
    assert_int_equal(sd_etcd_lease_grant(e, 60, &id2), SD_OK);
    put_s(e, "/t/l/rev", "y", id2);
    assert_int_equal(sd_etcd_lease_revoke(e, id2), SD_OK);
    assert_null(get_s(e, "/t/l/rev", NULL));
    assert_int_equal(sd_etcd_lease_revoke(e, id2), SD_OK);
    /* A put on a lease that is gone is refused by etcd. */
    assert_int_equal(sd_etcd_put(e, "/t/l/x", 6, "z", 1, id2), SD_E_INTERNAL);
    assert_non_null(strstr(sd_etcd_why(e), "lease not found"));
    sd_etcd_close(e);
}

static void
test_compact(void **state)
{
    struct sd_etcd *e = open_client();
    struct sd_etcd_kv m;
    bool changed = true;
    int64_t first;

    (void)state;
    put_s(e, "/t/c/k", "1", 0);
    free(get_s(e, "/t/c/k", &m));
    first = m.mod_rev;
    put_s(e, "/t/c/k", "2", 0);
    put_s(e, "/t/c/k", "3", 0);
    free(get_s(e, "/t/c/k", &m));
    assert_int_equal(sd_etcd_compact(e, m.mod_rev), SD_OK);
    /* The same or an older revision again: compacted. */
    assert_int_equal(sd_etcd_compact(e, m.mod_rev), SD_E_PRECONDITION);
    assert_non_null(strstr(sd_etcd_why(e), "compacted"));
    /* Watching from before the compaction cannot see what happened there. */
    assert_int_equal(sd_etcd_wait(e, "/t/c/k", 6, NULL, 0, first, 2000, &changed),
                     SD_E_PRECONDITION);
    assert_false(changed);
    assert_int_equal(sd_etcd_compact(e, 0), SD_E_INVALID);
    sd_etcd_close(e);
}

static void
test_too_large(void **state)
{
    struct sd_etcd *e = open_client();
    size_t sizes[] = {1600 * KIB, 3 * MIB};
    uint8_t *big = calloc(1, 3 * MIB);
    struct sd_etcd_op op = {.kind = SD_ETCD_OP_PUT, .key = "/t/big", .klen = 6, .val = big};
    bool ok = true;
    size_t i;

    (void)state;
    assert_non_null(big);
    for(i = 0; i < 2; i++) {
        assert_int_equal(sd_etcd_put(e, "/t/big", 6, big, sizes[i], 0), SD_E_LIMIT);
        op.vlen = sizes[i];
        assert_int_equal(sd_etcd_txn(e, NULL, 0, &op, 1, NULL, 0, &ok, NULL), SD_E_LIMIT);
        assert_false(ok);
    }
    /* The client stays usable, and 1 MiB (the cluster log's entry limit) passes. */
    assert_int_equal(sd_etcd_put(e, "/t/big", 6, big, 1 * MIB, 0), SD_OK);
    assert_int_equal(sd_etcd_delete(e, "/t/big", 6, NULL, 0, NULL), SD_OK);
    free(big);
    sd_etcd_close(e);
}

/* Without a client certificate the members refuse us (--client-cert-auth). */
static void
test_no_client_cert(void **state)
{
    struct sd_grpc_client_opts co = {0};
    struct sd_grpc_client *c = NULL;
    char target[64];
    char why[200];
    char msg[200];
    const char *p = strstr(opts.endpoints, "https://");
    const char *comma;
    int status = -1;
    sd_err err;

    (void)state;
    assert_non_null(p);
    p += 8;
    comma = strchr(p, ',');
    snprintf(target, sizeof(target), "%.*s", (int)(comma ? (size_t)(comma - p) : strlen(p)), p);
    co.target = target;
    co.ca_file = opts.ca;
    err = sd_grpc_client_connect_why(&c, &co, why, sizeof(why));
    if(err == SD_OK) {
        /* TLS 1.3: the refusal may only show on the first read. */
        err = sd_grpc_client_call(c, "/etcdserverpb.KV/Range", NULL, (const uint8_t *)"\x0a\x01x",
                                  3, NULL, NULL, &status, msg, sizeof(msg));
        sd_grpc_client_close(c);
        assert_true(err != SD_OK || status != SD_GRPC_OK);
    } else {
        assert_true(err == SD_E_IO || err == SD_E_CRYPTO);
    }
    /* The same member with our certificate answers. */
    co.cert_file = opts.cert;
    co.key_file = opts.key;
    assert_int_equal(sd_grpc_client_connect_why(&c, &co, why, sizeof(why)), SD_OK);
    assert_int_equal(sd_grpc_client_call(c, "/etcdserverpb.KV/Range", NULL,
                                         (const uint8_t *)"\x0a\x01x", 3, NULL, NULL, &status, msg,
                                         sizeof(msg)),
                     SD_OK);
    assert_int_equal(status, SD_GRPC_OK);
    sd_grpc_client_close(c);
}

static void *
put_later(void *arg)
{
    struct sd_etcd *e = NULL;

    (void)arg;
    usleep(300 * 1000);
    if(sd_etcd_open(&e, &opts) == SD_OK) {
        (void)sd_etcd_put(e, "/t/w/other", 10, "v", 1, 0);
        (void)sd_etcd_put(e, "/t/w/k", 6, "v", 1, 0);
    }
    sd_etcd_close(e);
    return NULL;
}

static void
test_wait(void **state)
{
    struct sd_etcd *e = open_client();
    struct sd_etcd_kvs l;
    struct sd_etcd_kv m;
    bool changed = true;
    pthread_t th;
    uint64_t t0;
    uint64_t dt;
    int64_t rev;
    sd_err err;

    (void)state;
    put_s(e, "/t/w/k", "0", 0);
    assert_int_equal(sd_etcd_range(e, "/t/w/k", 6, NULL, 0, 0, &l), SD_OK);
    rev = l.header_rev;
    sd_etcd_kvs_clear(&l);
    /* Nothing changes: the timeout. */
    t0 = now_ms();
    assert_int_equal(sd_etcd_wait(e, "/t/w/k", 6, NULL, 0, rev, 400, &changed), SD_OK);
    dt = now_ms() - t0;
    assert_false(changed);
    assert_true(dt >= 350 && dt < 3000);
    /* Another client's put wakes us; a put to another key does not count. */
    assert_int_equal(pthread_create(&th, NULL, put_later, NULL), 0);
    t0 = now_ms();
    assert_int_equal(sd_etcd_wait(e, "/t/w/k", 6, NULL, 0, rev, 10000, &changed), SD_OK);
    dt = now_ms() - t0;
    pthread_join(th, NULL);
    assert_true(changed);
    assert_true(dt >= 250 && dt < 5000);
    printf("# wait woke %llu ms after it started (put at ~300 ms)\n", (unsigned long long)dt);
    /* A change made before the call (after `rev`) is seen at once. */
    changed = false;
    t0 = now_ms();
    assert_int_equal(sd_etcd_wait(e, "/t/w/", 5, "/t/w0", 5, rev, 5000, &changed), SD_OK);
    assert_true(changed);
    assert_true(now_ms() - t0 < 2000);
    /* From the current revision: nothing new. */
    free(get_s(e, "/t/w/k", &m));
    err = sd_etcd_wait(e, "/t/w/", 5, "/t/w0", 5, m.mod_rev, 200, &changed);
    if(err != SD_OK)
        printf("# wait: %s\n", sd_etcd_why(e));
    assert_int_equal(err, SD_OK);
    assert_false(changed);
    assert_int_equal(sd_etcd_delete(e, "/t/w/", 5, "/t/w0", 5, NULL), SD_OK);
    sd_etcd_close(e);
}

/* The i-th "host:port" of ETCD_ENDPOINTS and the i-th pid of ETCD_PIDS. */
static void
member(int i, char *ep, size_t epcap, long *pid)
{
    char pids[256];
    char eps[2400];
    char *save = NULL;
    char *save2 = NULL;
    char *tok;
    char *e;
    int k = 0;

    snprintf(pids, sizeof(pids), "%s", getenv("ETCD_PIDS"));
    snprintf(eps, sizeof(eps), "%s", opts.endpoints);
    for(tok = strtok_r(pids, " ", &save), e = strtok_r(eps, ",", &save2); tok && e;
        tok = strtok_r(NULL, " ", &save), e = strtok_r(NULL, ",", &save2), k++)
        if(k == i) {
            snprintf(ep, epcap, "%s", e + 8);
            *pid = strtol(tok, NULL, 10);
            return;
        }
    fail_msg("no member %d", i);
}

/* kill -9 the member the client talks to (the leader when kill_leader, else a follower): the
 * next call goes to another endpoint. Prints the stall. */
static void
member_killed(bool kill_leader)
{
    struct sd_etcd *e = NULL;
    const char *ls = getenv("ETCD_LEADER");
    int leader = ls ? atoi(ls) : -1;
    char killed[320] = "";
    char ep[320];
    long pid = 0;
    uint64_t t0;
    uint64_t first_ms;
    uint64_t ok_ms = 0;
    int fails = 0;
    int i;
    int tries;
    sd_err err;

    assert_true(leader >= 0 && leader <= 2);
    /* The client starts at a random endpoint: open until it is the one we want. */
    for(tries = 0; tries < 100 && !killed[0]; tries++) {
        e = open_client();
        for(i = 0; i < 3; i++) {
            member(i, ep, sizeof(ep), &pid);
            if(strcmp(ep, sd_etcd_endpoint(e)) == 0 && (i == leader) == kill_leader) {
                snprintf(killed, sizeof(killed), "%s", ep);
                break;
            }
        }
        if(!killed[0])
            sd_etcd_close(e);
    }
    assert_true(killed[0] && pid > 0);
    put_s(e, "/t/k/a", "1", 0); /* connected now */
    assert_string_equal(sd_etcd_endpoint(e), killed);
    assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
    usleep(50 * 1000); /* the kernel has closed its sockets */
    t0 = now_ms();
    err = sd_etcd_put(e, "/t/k/a", 6, "2", 1, 0);
    first_ms = now_ms() - t0;
    if(err != SD_OK)
        printf("# first put after the kill: %s (%s)\n", sd_err_str(err), sd_etcd_why(e));
    assert_string_not_equal(sd_etcd_endpoint(e), killed);
    while(err != SD_OK) {
        /* Only "try again" while the survivors elect a leader. */
        assert_int_equal(err, SD_E_IO);
        fails++;
        assert_true(now_ms() - t0 < 20000);
        err = sd_etcd_put(e, "/t/k/a", 6, "2", 1, 0);
    }
    ok_ms = now_ms() - t0;
    printf("# killed the %s %s: first put after the kill %s in %llu ms; %d failed call(s), "
           "success after %llu ms on %s (timeout_ms %u)\n",
           kill_leader ? "leader" : "follower", killed, fails ? "failed" : "succeeded",
           (unsigned long long)first_ms, fails, (unsigned long long)ok_ms, sd_etcd_endpoint(e),
           opts.timeout_ms);
    /* Reads keep working on the survivors. */
    {
        char *v = get_s(e, "/t/k/a", NULL);

        assert_string_equal(v, "2");
        free(v);
    }
    sd_etcd_close(e);
}

static void
test_follower_killed(void **state)
{
    (void)state;
    member_killed(false);
}

static void
test_leader_killed(void **state)
{
    (void)state;
    member_killed(true);
}

/* A cluster started with a small --quota-backend-bytes: writes fill it until etcd raises its
 * space alarm and refuses them (SD_E_LIMIT); reads still work. */
static void
test_quota(void **state)
{
    struct sd_etcd *e = open_client();
    uint8_t *v = calloc(1, 512 * KIB);
    struct sd_etcd_kvs l;
    char k[32];
    sd_err err = SD_OK;
    int i;

    (void)state;
    assert_non_null(v);
    for(i = 0; i < 200 && err == SD_OK; i++) {
        snprintf(k, sizeof(k), "/t/q/%03d", i);
        v[0] = (uint8_t)i;
        err = sd_etcd_put(e, k, strlen(k), v, 512 * KIB, 0);
    }
    printf("# quota: refused after %d puts of 512 KiB: %s\n", i - 1, sd_etcd_why(e));
    assert_int_equal(err, SD_E_LIMIT);
    assert_non_null(strstr(sd_etcd_why(e), "database space exceeded"));
    assert_int_equal(sd_etcd_range(e, "/t/q/000", 8, NULL, 0, 0, &l), SD_OK);
    assert_int_equal(l.n, 1);
    sd_etcd_kvs_clear(&l);
    free(v);
    sd_etcd_close(e);
}

/* No argument: every test, the last kills a follower; "leader": kill the leader; "quota": the
 * space alarm (a cluster with a small quota). */
int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_invalid),    cmocka_unit_test(test_put_range_delete),
        cmocka_unit_test(test_txn_fence),       cmocka_unit_test(test_lease),
        cmocka_unit_test(test_compact),         cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_no_client_cert),  cmocka_unit_test(test_wait),
        cmocka_unit_test(test_follower_killed),
    };
    const struct CMUnitTest leader_tests[] = {
        cmocka_unit_test(test_leader_killed),
    };
    const struct CMUnitTest quota_tests[] = {
        cmocka_unit_test(test_quota),
    };

    opts.endpoints = getenv("ETCD_ENDPOINTS");
    opts.ca = getenv("ETCD_CA");
    opts.cert = getenv("ETCD_CERT");
    opts.key = getenv("ETCD_KEY");
    opts.timeout_ms = 5000;
    if(!opts.endpoints || !opts.ca || !opts.cert || !opts.key || !getenv("ETCD_PIDS")) {
        fprintf(stderr, "test_etcd: run it from tests/cluster/test_etcd.sh (ETCD_* unset)\n");
        return 1;
    }
    if(argc > 1 && strcmp(argv[1], "leader") == 0)
        return cmocka_run_group_tests(leader_tests, NULL, NULL);
    if(argc > 1 && strcmp(argv[1], "quota") == 0)
        return cmocka_run_group_tests(quota_tests, NULL, NULL);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
