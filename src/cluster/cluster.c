/* The cluster (issue 18): lease + election, the fenced append in the store's commit hook, and
 * the follower's apply loop. Three etcd handles, one per thread that talks to etcd (sd_etcd is
 * not thread-safe): the lease thread (grant, keepalive), the main thread (campaign, catch-up,
 * leader hint, applied/<node>) and the commit hook (calls serialised by LMDB's writer lock). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sealdesk/audit.h"
#include "sealdesk/cluster.h"
#include "sealdesk/crypto.h"
#include "sealdesk/log.h"
#include "sealdesk/wset.h"
#include "util/err_int.h"

#define KEY_MAX      (SD_CLUSTER_NAME_MAX * 2 + 64)
#define LOG_DIGITS   20
#define RANGE_BATCH  16
#define APPLIED_MAX  64 /* applied/<node> keys read by the trim; more: no trim */
#define POLL_MS      500
#define APPEND_MS    2000 /* per etcd call of the commit hook */
#define HINT_MAX     (SD_CLUSTER_NAME_MAX + SD_CLUSTER_URL_MAX + 16) /* "leader=<node> <url>" */
#define ENTRY_MAGIC  "SDLE"
#define ENTRY_LEGACY 1 /* format 1: no MAC */

_Static_assert(SD_CLUSTER_ENTRY_MAC == SD_CLOG_MAC_BYTES, "entry MAC is the cluster log MAC");

struct sd_cluster {
    struct sd_store *s;
    const struct sd_keyring *kr; /* its cluster log MAC key seals and checks entries */
    char name[SD_CLUSTER_NAME_MAX + 1];
    char node[SD_CLUSTER_NAME_MAX + 1];
    char advertise[SD_CLUSTER_URL_MAX + 1];
    char prefix[SD_CLUSTER_NAME_MAX + 16]; /* "/sealdesk/<name>/" */
    unsigned ttl_s;
    unsigned trim_ms;
    char test_hold[SD_CLUSTER_PATH_MAX + 1]; /* "": no test hold */
    void (*on_fatal)(void *);
    void *fatal_arg;
    struct sd_etcd *el, *em, *ew; /* lease thread, main thread, commit hook */
    pthread_t lease_thread, main_thread;
    bool lease_started, main_started;

    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t cv;
    bool quit;
    bool failed;
    bool leader;
    int64_t lease;        /* 0: none */
    uint64_t lease_dl_ms; /* the lease is surely alive before this (monotonic) */
    int64_t fence;        /* create revision of our leader key */
    uint64_t head;        /* leader: the last seq appended */
    uint64_t applied;     /* last seq applied or appended here */
    char hint[HINT_MAX];
};

/* Set on the main thread while it applies log entries: the hook lets those txns through. */
static _Thread_local bool tl_applying;

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
put_be(uint8_t *p, uint64_t v, unsigned n)
{
    for(unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t
get_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for(unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

sd_err
sd_cluster_entry_seal(const struct sd_keyring *kr, const char *cluster,
                      const struct sd_cluster_entry *e, uint8_t **out, size_t *n)
{
    sd_err err = SD_OK;
    uint8_t *p = NULL;
    size_t body;

    SD_CHECK_ARG(kr && cluster && e && out && n && (e->ws || !e->wlen));
    SD_ENSURE(e->wlen <= SD_CLUSTER_ENTRY_MAX - SD_CLUSTER_ENTRY_HDR - SD_CLUSTER_ENTRY_MAC,
              SD_E_LIMIT);
    body = SD_CLUSTER_ENTRY_HDR + e->wlen;
    p = malloc(body + SD_CLUSTER_ENTRY_MAC);
    SD_ENSURE(p, SD_E_NOMEM);
    memcpy(p, ENTRY_MAGIC, 4);
    p[4] = SD_CLUSTER_ENTRY_VER;
    put_be(p + 5, e->seq, 8);
    put_be(p + 13, e->tree_size, 8);
    memcpy(p + 21, e->root, 32);
    put_be(p + 53, e->wlen, 4);
    if(e->wlen)
        memcpy(p + SD_CLUSTER_ENTRY_HDR, e->ws, e->wlen);
    SD_TRY(sd_clog_mac(kr, p + body, cluster, p, body));
    *out = p;
    p = NULL;
    *n = body + SD_CLUSTER_ENTRY_MAC;
out:
    free(p);
    return err;
}

sd_err
sd_cluster_entry_decode(struct sd_cluster_entry *e, const uint8_t *p, size_t n)
{
    if(!e || !p || n < SD_CLUSTER_ENTRY_HDR + SD_CLUSTER_ENTRY_MAC || n > SD_CLUSTER_ENTRY_MAX ||
       memcmp(p, ENTRY_MAGIC, 4) != 0 || p[4] != SD_CLUSTER_ENTRY_VER)
        return SD_E_INVALID;
    e->seq = get_be(p + 5, 8);
    e->tree_size = get_be(p + 13, 8);
    memcpy(e->root, p + 21, 32);
    e->wlen = (size_t)get_be(p + 53, 4);
    if(e->wlen != n - SD_CLUSTER_ENTRY_HDR - SD_CLUSTER_ENTRY_MAC || e->seq == 0)
        return SD_E_INVALID;
    e->ws = p + SD_CLUSTER_ENTRY_HDR;
    return SD_OK;
}

/* A format-1 entry (no MAC): only to name the refusal, never to accept it. */
static bool
legacy_entry(const uint8_t *p, size_t n)
{
    return n >= SD_CLUSTER_ENTRY_HDR && memcmp(p, ENTRY_MAGIC, 4) == 0 && p[4] == ENTRY_LEGACY;
}

sd_err
sd_cluster_entry_open(const struct sd_keyring *kr, const char *cluster, struct sd_cluster_entry *e,
                      const uint8_t *p, size_t n)
{
    sd_err err = SD_OK;
    size_t body;

    SD_CHECK_ARG(kr && cluster && e && p);
    if(n < SD_CLUSTER_ENTRY_HDR + SD_CLUSTER_ENTRY_MAC || n > SD_CLUSTER_ENTRY_MAX) {
        err = legacy_entry(p, n) ? SD_E_PRECONDITION : SD_E_INVALID;
        goto out;
    }
    /* every byte is authenticated before any is read */
    body = n - SD_CLUSTER_ENTRY_MAC;
    err = sd_clog_mac_verify(kr, p + body, cluster, p, body);
    if(err == SD_E_CRYPTO && legacy_entry(p, n))
        err = SD_E_PRECONDITION;
    SD_TRY(err);
    SD_TRY(sd_cluster_entry_decode(e, p, n));
out:
    return err;
}

static int
key(const struct sd_cluster *c, char *buf, size_t cap, const char *what)
{
    return snprintf(buf, cap, "%s%s", c->prefix, what);
}

static size_t
log_key(const struct sd_cluster *c, char *buf, size_t cap, uint64_t seq)
{
    int n = snprintf(buf, cap, "%slog/%0*" PRIu64, c->prefix, LOG_DIGITS, seq);

    return n > 0 ? (size_t)n : 0;
}

static void
step_down(struct sd_cluster *c, const char *why)
{
    bool was;

    pthread_mutex_lock(&c->mu);
    was = c->leader;
    c->leader = false;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if(was)
        sd_log(SD_LOG_WARN, "cluster", "step down node=%s reason=%s", c->node, why);
}

static void
fatal(struct sd_cluster *c)
{
    bool first;

    pthread_mutex_lock(&c->mu);
    first = !c->failed;
    c->failed = true;
    c->leader = false;
    c->quit = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if(first && c->on_fatal)
        c->on_fatal(c->fatal_arg);
}

/* Sleep up to ms or until quit. */
static bool
nap(struct sd_cluster *c, unsigned ms)
{
    struct timespec ts;
    bool quit;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000u;
    ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if(ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->mu);
    if(!c->quit)
        pthread_cond_timedwait(&c->cv, &c->mu, &ts);
    quit = c->quit;
    pthread_mutex_unlock(&c->mu);
    return !quit;
}

/* ---- the commit hook (leader's fenced append) ---- */

static sd_err
commit_hook(void *arg, struct sd_txn *t, const uint8_t *ws, size_t wlen)
{
    struct sd_cluster *c = arg;
    sd_err err = SD_OK;
    size_t elen = 0;
    uint8_t *entry = NULL;
    struct sd_cluster_entry e = {0};
    bool leader, ok = false;
    uint64_t head, stored = 0;
    int64_t fence, rev = 0;
    char lk[KEY_MAX], hk[KEY_MAX], hv[24], pv[24];
    size_t lklen;

    if(tl_applying)
        return SD_OK;
    if(wlen == 0)
        return SD_OK; /* nothing another node must replay */
    pthread_mutex_lock(&c->mu);
    leader = c->leader && now_ms() < c->lease_dl_ms;
    head = c->head;
    fence = c->fence;
    pthread_mutex_unlock(&c->mu);
    SD_ENSURE(leader, SD_E_IO); /* UNAVAILABLE: not the leader (the server names it) */
    SD_TRY(sd_store_applied_get(t, &stored));
    if(stored != head) {
        /* An appended entry did not commit here: apply it from the log first. */
        step_down(c, "local store behind the log");
        SD_ENSURE(false, SD_E_IO);
    }
    e.seq = head + 1;
    SD_TRY(sd_audit_size(t, &e.tree_size));
    SD_TRY(sd_audit_root(t, e.tree_size, e.root));
    e.ws = ws;
    e.wlen = wlen;
    err = sd_cluster_entry_seal(c->kr, c->name, &e, &entry, &elen);
    if(err == SD_E_LIMIT)
        sd_log(SD_LOG_WARN, "cluster", "batch write set of %zu bytes over the log entry limit",
               wlen);
    SD_TRY(err);
    if(c->test_hold[0] && access(c->test_hold, F_OK) == 0) {
        const struct timespec ts = {0, 10 * 1000000L};

        /* The test waits for this line, pauses the node, waits for the takeover and only then
         * removes the file: held until an event, not for a time a slow host may outlast. */
        sd_log(SD_LOG_INFO, "cluster_test_hold", "seq=%" PRIu64, e.seq);
        for(unsigned ms = 0; ms < SD_CLUSTER_HOLD_MAX && access(c->test_hold, F_OK) == 0; ms += 10)
            nanosleep(&ts, NULL);
    }
    lklen = log_key(c, lk, sizeof(lk), e.seq);
    key(c, hk, sizeof(hk), "head");
    snprintf(pv, sizeof(pv), "%" PRIu64, head);
    snprintf(hv, sizeof(hv), "%" PRIu64, e.seq);
    {
        char ldk[KEY_MAX];
        struct sd_etcd_cmp cmp[2] = {
            {.key = hk,
             .klen = strlen(hk),
             .target = SD_ETCD_T_VALUE,
             .result = SD_ETCD_EQ,
             .val = pv,
             .vlen = strlen(pv)},
            {.key = ldk, .target = SD_ETCD_T_CREATE, .result = SD_ETCD_EQ, .num = fence},
        };
        struct sd_etcd_op ops[2] = {
            {.kind = SD_ETCD_OP_PUT, .key = lk, .klen = lklen, .val = entry, .vlen = elen},
            {.kind = SD_ETCD_OP_PUT, .key = hk, .klen = strlen(hk), .val = hv, .vlen = strlen(hv)},
        };

        key(c, ldk, sizeof(ldk), "leader");
        cmp[1].klen = strlen(ldk);
        err = sd_etcd_txn(c->ew, cmp, 2, ops, 2, NULL, 0, &ok, &rev);
    }
    if(err != SD_OK) {
        sd_log(SD_LOG_WARN, "cluster", "append seq=%" PRIu64 " failed: %s", e.seq,
               sd_etcd_why(c->ew));
        step_down(c, "etcd append failed");
        err = err == SD_E_LIMIT ? SD_E_LIMIT : SD_E_IO;
        goto out;
    }
    if(!ok) {
        sd_log(SD_LOG_WARN, "cluster", "append seq=%" PRIu64 " refused: fenced", e.seq);
        step_down(c, "fenced");
        SD_ENSURE(false, SD_E_IO);
    }
    err = sd_store_applied_put(t, e.seq);
    if(err != SD_OK) {
        step_down(c, "applied_seq not stored");
        goto out;
    }
    pthread_mutex_lock(&c->mu);
    c->head = e.seq;
    c->applied = e.seq;
    pthread_mutex_unlock(&c->mu);
out:
    free(entry);
    return err;
}

/* ---- follower: apply the log ---- */

static sd_err
read_applied(struct sd_cluster *c, uint64_t *seq)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_txn_begin(c->s, false, &t));
    SD_TRY(sd_store_applied_get(t, seq));
out:
    sd_txn_abort(t);
    return err;
}

/* One entry in one LMDB txn; nothing of it stays when the root differs. */
static sd_err
apply_one(struct sd_cluster *c, const struct sd_etcd_kv *kv, uint64_t want)
{
    struct sd_cluster_entry e;
    struct sd_txn *t = NULL;
    uint64_t size = 0;
    uint8_t root[32];
    sd_err err = SD_OK;

    /* the MAC first: nothing of an entry is parsed or applied before it checks */
    err = sd_cluster_entry_open(c->kr, c->name, &e, kv->val, kv->vlen);
    if(err == SD_E_CRYPTO || err == SD_E_PRECONDITION) {
        const char *why =
            err == SD_E_CRYPTO ? "entry MAC mismatch" : "entry without MAC (log format 1) refused";

        sd_log(SD_LOG_ERROR, "cluster", "cluster: divergence at seq %" PRIu64 ": %s", want, why);
        fprintf(stderr, "cluster: divergence at seq %" PRIu64 ": %s\n", want, why);
        fatal(c);
        return err;
    }
    if(err != SD_OK || e.seq != want) {
        /* a MAC'd entry under another seq's key: an old entry replayed (seq is authenticated) */
        sd_log(SD_LOG_ERROR, "cluster", "cluster: bad log entry at seq %" PRIu64, want);
        if(err == SD_OK)
            fprintf(stderr, "cluster: divergence at seq %" PRIu64 ": entry of seq %" PRIu64 "\n",
                    want, e.seq);
        fatal(c);
        return SD_E_INVALID;
    }
    tl_applying = true;
    SD_TRY(sd_txn_begin(c->s, true, &t));
    err = sd_wset_apply(t, e.ws, e.wlen);
    if(err != SD_OK) {
        sd_log(SD_LOG_ERROR, "cluster", "cluster: cannot apply seq %" PRIu64 ": %s", e.seq,
               sd_wset_why());
        if(err == SD_E_INVALID || err == SD_E_CONFLICT || err == SD_E_NOTFOUND) {
            /* the leader's set does not fit this store: a divergence, never skipped */
            fprintf(stderr, "cluster: divergence at seq %" PRIu64 ": write set does not apply\n",
                    e.seq);
            sd_txn_abort(t);
            t = NULL;
            fatal(c);
        }
        goto out;
    }
    SD_TRY(sd_store_applied_put(t, e.seq));
    SD_TRY(sd_audit_recompute_root(t, &size, root));
    if(size != e.tree_size || memcmp(root, e.root, 32) != 0) {
        sd_log(SD_LOG_ERROR, "cluster", "cluster: divergence at seq %" PRIu64 ": root mismatch",
               e.seq);
        fprintf(stderr, "cluster: divergence at seq %" PRIu64 ": root mismatch\n", e.seq);
        sd_txn_abort(t);
        t = NULL;
        fatal(c);
        SD_ENSURE(false, SD_E_CRYPTO);
    }
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    pthread_mutex_lock(&c->mu);
    c->applied = e.seq;
    pthread_mutex_unlock(&c->mu);
out:
    sd_txn_abort(t);
    tl_applying = false;
    if(err != SD_OK && err != SD_E_CRYPTO)
        sd_log(SD_LOG_ERROR, "cluster", "apply seq=%" PRIu64 " failed: %s", want, sd_err_str(err));
    return err;
}

static sd_err get_u64(struct sd_cluster *c, const char *what, bool *found, uint64_t *v,
                      int64_t *rev);

/* The entry after applied_seq was trimmed: this node cannot go on from the log. */
static sd_err
trimmed_past(struct sd_cluster *c, uint64_t seq)
{
    sd_log(SD_LOG_ERROR, "cluster",
           "cluster: log trimmed past applied seq %" PRIu64 ": rejoin from a peer's copy", seq);
    fprintf(stderr,
            "cluster: log trimmed past applied seq %" PRIu64 ": rejoin from a peer's copy\n", seq);
    fatal(c);
    return SD_E_PRECONDITION;
}

/* Apply entries after applied_seq while the log has them. *at: applied_seq after; *rev (may
 * be NULL): the etcd revision the last (empty) read saw, to watch from. */
static sd_err
catch_up(struct sd_cluster *c, uint64_t *at, int64_t *rev)
{
    sd_err err = SD_OK;
    uint64_t seq = 0;
    char from[KEY_MAX], end[KEY_MAX];
    size_t flen;
    struct sd_etcd_kvs kvs = {0};

    SD_TRY(read_applied(c, &seq));
    key(c, end, sizeof(end), "log0"); /* '0' follows '/' */
    for(;;) {
        flen = log_key(c, from, sizeof(from), seq + 1);
        SD_TRY(sd_etcd_range(c->em, from, flen, end, strlen(end), RANGE_BATCH, &kvs));
        if(rev)
            *rev = kvs.header_rev;
        if(kvs.n == 0) {
            bool found = false;
            uint64_t head = 0;

            /* The trim keeps the last entry, so a log still empty here after a head past seq
             * was read is a gap (head first: the append writes both in one txn). */
            SD_TRY(get_u64(c, "head", &found, &head, NULL));
            if(!found || head <= seq)
                break;
            SD_TRY(sd_etcd_range(c->em, from, flen, end, strlen(end), RANGE_BATCH, &kvs));
            if(kvs.n == 0)
                SD_TRY(trimmed_past(c, seq));
        }
        /* entries are contiguous but for the trimmed prefix: a later first key is a gap */
        if(kvs.v[0].klen != flen || memcmp(kvs.v[0].key, from, flen) != 0)
            SD_TRY(trimmed_past(c, seq));
        for(size_t i = 0; i < kvs.n; i++) {
            SD_TRY(apply_one(c, &kvs.v[i], seq + 1));
            seq++;
        }
        sd_etcd_kvs_clear(&kvs);
        pthread_mutex_lock(&c->mu);
        bool quit = c->quit;
        pthread_mutex_unlock(&c->mu);
        SD_ENSURE(!quit, SD_E_PRECONDITION);
    }
out:
    sd_etcd_kvs_clear(&kvs);
    *at = seq;
    return err;
}

/* ---- election ---- */

static sd_err
get_u64(struct sd_cluster *c, const char *what, bool *found, uint64_t *v, int64_t *rev)
{
    char k[KEY_MAX];
    struct sd_etcd_kvs kvs = {0};
    sd_err err = SD_OK;

    key(c, k, sizeof(k), what);
    *found = false;
    *v = 0;
    SD_TRY(sd_etcd_range(c->em, k, strlen(k), NULL, 0, 1, &kvs));
    if(rev)
        *rev = kvs.header_rev;
    if(kvs.n == 1) {
        char buf[24];
        char *endp;

        SD_ENSURE(kvs.v[0].vlen > 0 && kvs.v[0].vlen < sizeof(buf), SD_E_INVALID);
        memcpy(buf, kvs.v[0].val, kvs.v[0].vlen);
        buf[kvs.v[0].vlen] = 0;
        *v = strtoull(buf, &endp, 10);
        SD_ENSURE(*endp == 0, SD_E_INVALID);
        *found = true;
    }
out:
    sd_etcd_kvs_clear(&kvs);
    return err;
}

/* The leader key's value "<node> <host:port>" as the hint clients get and the log shows:
 * bounded, printable ASCII (it comes from etcd). */
static bool
hint_value_ok(const uint8_t *v, size_t n)
{
    if(n == 0 || n >= SD_CLUSTER_NAME_MAX + SD_CLUSTER_URL_MAX + 2)
        return false;
    for(size_t i = 0; i < n; i++) {
        if(v[i] < 0x20 || v[i] > 0x7e)
            return false;
    }
    return true;
}

/* Read the leader key: *ours when it is held with our lease (then *fence its create rev). */
static sd_err
read_leader(struct sd_cluster *c, int64_t lease, bool *ours, int64_t *fence)
{
    char k[KEY_MAX];
    char hint[HINT_MAX];
    bool changed;
    struct sd_etcd_kvs kvs = {0};
    sd_err err = SD_OK;

    key(c, k, sizeof(k), "leader");
    *ours = false;
    SD_TRY(sd_etcd_range(c->em, k, strlen(k), NULL, 0, 1, &kvs));
    if(kvs.n == 1 && hint_value_ok(kvs.v[0].val, kvs.v[0].vlen))
        snprintf(hint, sizeof(hint), "leader=%.*s", (int)kvs.v[0].vlen, (const char *)kvs.v[0].val);
    else
        snprintf(hint, sizeof(hint), "leader=unknown");
    pthread_mutex_lock(&c->mu);
    changed = strcmp(c->hint, hint) != 0;
    if(changed)
        memcpy(c->hint, hint, sizeof(hint));
    pthread_mutex_unlock(&c->mu);
    /* Tests wait for this line (each node names the leader it sends clients to), not a time. */
    if(changed)
        sd_log(SD_LOG_INFO, "cluster", "leader hint %s", hint);
    if(kvs.n == 1 && lease && kvs.v[0].lease == lease) {
        *ours = true;
        *fence = kvs.v[0].create_rev;
    }
out:
    sd_etcd_kvs_clear(&kvs);
    return err;
}

static sd_err
campaign(struct sd_cluster *c, int64_t lease)
{
    sd_err err = SD_OK;
    char lk[KEY_MAX], hk[KEY_MAX], val[SD_CLUSTER_NAME_MAX + SD_CLUSTER_URL_MAX + 2];
    bool ok = false, ours = false, found = false, won = false;
    int64_t rev = 0, fence = 0;
    uint64_t head = 0, at = 0;

    key(c, lk, sizeof(lk), "leader");
    key(c, hk, sizeof(hk), "head");
    snprintf(val, sizeof(val), "%s %s", c->node, c->advertise);
    {
        struct sd_etcd_cmp cmp = {.key = lk,
                                  .klen = strlen(lk),
                                  .target = SD_ETCD_T_CREATE,
                                  .result = SD_ETCD_EQ,
                                  .num = 0};
        struct sd_etcd_op op = {.kind = SD_ETCD_OP_PUT,
                                .key = lk,
                                .klen = strlen(lk),
                                .val = val,
                                .vlen = strlen(val),
                                .lease = lease};

        SD_TRY(sd_etcd_txn(c->em, &cmp, 1, &op, 1, NULL, 0, &ok, &rev));
    }
    SD_TRY(read_leader(c, lease, &ours, &fence));
    if(!ours)
        goto out; /* someone else leads */
    {
        struct sd_etcd_cmp cmp = {.key = hk,
                                  .klen = strlen(hk),
                                  .target = SD_ETCD_T_VERSION,
                                  .result = SD_ETCD_EQ,
                                  .num = 0};
        struct sd_etcd_op op = {
            .kind = SD_ETCD_OP_PUT, .key = hk, .klen = strlen(hk), .val = "0", .vlen = 1};

        SD_TRY(sd_etcd_txn(c->em, &cmp, 1, &op, 1, NULL, 0, &ok, &rev));
    }
    /* Nobody else can append now (the fence moved to our key): apply up to the head. */
    SD_TRY(get_u64(c, "head", &found, &head, NULL));
    SD_TRY(catch_up(c, &at, NULL));
    if(at != head) {
        sd_log(SD_LOG_ERROR, "cluster", "cannot take over: applied=%" PRIu64 " head=%" PRIu64, at,
               head);
        SD_ENSURE(false, SD_E_PRECONDITION);
    }
    pthread_mutex_lock(&c->mu);
    if(c->lease == lease && now_ms() < c->lease_dl_ms && !c->quit) {
        c->leader = true;
        c->fence = fence;
        c->head = head;
        c->applied = head;
        snprintf(c->hint, sizeof(c->hint), "leader=%s", val);
        won = true;
    }
    pthread_mutex_unlock(&c->mu);
    /* Only a node that leads says so: tests (and operators) take this line for the leader, and
     * a lease that ran out during the catch-up above made no leader (the next round retries). */
    if(won)
        sd_log(SD_LOG_INFO, "cluster", "leader node=%s head=%" PRIu64 " fence=%" PRId64, c->node,
               head, fence);
out:
    return err;
}

/* applied/<node> = applied_seq, with the lease (a node gone past it no longer holds the trim
 * back). True when published. */
static bool
publish_applied(struct sd_cluster *c, int64_t lease)
{
    char k[KEY_MAX], v[24];
    uint64_t seq = 0;

    if(!lease || read_applied(c, &seq) != SD_OK)
        return false;
    snprintf(k, sizeof(k), "%sapplied/%s", c->prefix, c->node);
    snprintf(v, sizeof(v), "%" PRIu64, seq);
    return sd_etcd_put(c->em, k, strlen(k), v, strlen(v), lease) == SD_OK;
}

/* Leader: delete the log entries every node that published applied/<node> has applied (one
 * fenced DeleteRange; the last entry stays), then compact etcd at the delete's revision. The
 * nodes counted are those whose applied key exists (it lives with the node's lease). The trim
 * lags one period: it goes up to the lowest seq of this round and of the one before (*prev),
 * so a node restarting, or started from a peer's fresh copy, has a period to publish. */
static sd_err
trim_log(struct sd_cluster *c, uint64_t *trimmed, uint64_t *prev)
{
    sd_err err = SD_OK;
    char from[KEY_MAX], end[KEY_MAX], lk[KEY_MAX], fk[KEY_MAX];
    size_t flen, elen;
    struct sd_etcd_kvs kvs = {0};
    uint64_t low = UINT64_MAX, head, upto, was = *prev;
    int64_t fence, rev = 0;
    bool ok = false;

    *prev = 0; /* a round that reads no complete list holds the next one back */
    pthread_mutex_lock(&c->mu);
    head = c->head;
    fence = c->fence;
    pthread_mutex_unlock(&c->mu);
    key(c, from, sizeof(from), "applied/");
    key(c, end, sizeof(end), "applied0");
    SD_TRY(sd_etcd_range(c->em, from, strlen(from), end, strlen(end), APPLIED_MAX, &kvs));
    if(kvs.n == 0 || kvs.more)
        goto out; /* nobody published yet, or more nodes than we read: never guess */
    for(size_t i = 0; i < kvs.n; i++) {
        char buf[24], *endp;
        uint64_t v;

        if(kvs.v[i].vlen == 0 || kvs.v[i].vlen >= sizeof(buf))
            goto out; /* not ours to judge: keep the log */
        memcpy(buf, kvs.v[i].val, kvs.v[i].vlen);
        buf[kvs.v[i].vlen] = 0;
        v = strtoull(buf, &endp, 10);
        if(*endp)
            goto out;
        if(v < low)
            low = v;
    }
    upto = low < was ? low : was;
    *prev = low;
    if(upto >= head)
        upto = head - (head > 0); /* the last entry stays */
    if(upto <= *trimmed)
        goto out;
    key(c, fk, sizeof(fk), "log/");
    elen = log_key(c, lk, sizeof(lk), upto + 1);
    flen = strlen(fk);
    {
        char ldk[KEY_MAX];
        struct sd_etcd_cmp cmp = {
            .key = ldk, .target = SD_ETCD_T_CREATE, .result = SD_ETCD_EQ, .num = fence};
        struct sd_etcd_op op = {
            .kind = SD_ETCD_OP_DEL, .key = fk, .klen = flen, .end = lk, .elen = elen};

        key(c, ldk, sizeof(ldk), "leader");
        cmp.klen = strlen(ldk);
        SD_TRY(sd_etcd_txn(c->em, &cmp, 1, &op, 1, NULL, 0, &ok, &rev));
    }
    if(!ok) {
        step_down(c, "leader key lost");
        goto out;
    }
    *trimmed = upto;
    err = sd_etcd_compact(c->em, rev);
    if(err == SD_E_PRECONDITION)
        err = SD_OK; /* already compacted past it */
    if(err != SD_OK)
        sd_log(SD_LOG_WARN, "cluster", "compact at revision %" PRId64 " failed: %s", rev,
               sd_etcd_why(c->em));
    /* after the compaction: whoever waits for this line (test_trim) finds both done */
    sd_log(SD_LOG_INFO, "cluster", "cluster: trimmed log to seq %" PRIu64, upto);
out:
    sd_etcd_kvs_clear(&kvs);
    return err;
}

static void *
main_thread(void *arg)
{
    struct sd_cluster *c = arg;
    uint64_t last_pub = 0, last_trim = now_ms(), trimmed = 0, trim_prev = 0;

    for(;;) {
        bool leader, quit;
        int64_t lease, fence;
        uint64_t at = 0;
        int64_t rev = 0;

        pthread_mutex_lock(&c->mu);
        leader = c->leader;
        lease = c->lease;
        fence = c->fence;
        quit = c->quit;
        pthread_mutex_unlock(&c->mu);
        if(quit)
            break;
        if(now_ms() - last_pub >= 1000 && publish_applied(c, lease))
            last_pub = now_ms(); /* else at once next round: before the leader's next trim */
        if(leader) {
            bool ours = false;
            int64_t f = 0;

            if(read_leader(c, lease, &ours, &f) == SD_OK && (!ours || f != fence))
                step_down(c, "leader key lost");
            else if(now_ms() - last_trim >= c->trim_ms) {
                (void)trim_log(c, &trimmed, &trim_prev); /* retried next period */
                last_trim = now_ms();
            }
            nap(c, POLL_MS);
            continue;
        }
        if(catch_up(c, &at, &rev) != SD_OK) {
            nap(c, POLL_MS);
            continue;
        }
        if(lease && campaign(c, lease) == SD_OK && sd_cluster_is_leader(c))
            continue;
        if(!lease) {
            bool ours = false;
            int64_t f = 0;

            /* No lease yet (starting) or lost: no campaign, but clients still get the leader
             * etcd names, not "unknown" until our lease is granted. */
            (void)read_leader(c, 0, &ours, &f);
        }
        {
            char from[KEY_MAX], end[KEY_MAX];
            size_t flen = log_key(c, from, sizeof(from), at + 1);
            bool changed = false;

            key(c, end, sizeof(end), "log0");
            /* from the revision catch_up read: history before it may be compacted */
            if(sd_etcd_wait(c->em, from, flen, end, strlen(end), rev > 0 ? rev : 0, POLL_MS,
                            &changed) != SD_OK)
                nap(c, POLL_MS);
        }
    }
    return NULL;
}

/* ---- the lease ---- */

static void *
lease_thread(void *arg)
{
    struct sd_cluster *c = arg;
    unsigned every = c->ttl_s * 1000u / 3u;

    for(;;) {
        int64_t lease, left = 0;
        uint64_t t0 = now_ms();
        sd_err err;

        pthread_mutex_lock(&c->mu);
        lease = c->lease;
        pthread_mutex_unlock(&c->mu);
        if(lease == 0) {
            err = sd_etcd_lease_grant(c->el, c->ttl_s, &lease);
            if(err == SD_OK) {
                pthread_mutex_lock(&c->mu);
                c->lease = lease;
                c->lease_dl_ms = t0 + c->ttl_s * 1000u;
                pthread_mutex_unlock(&c->mu);
            } else {
                sd_log(SD_LOG_WARN, "cluster", "lease grant failed: %s", sd_etcd_why(c->el));
            }
        } else {
            err = sd_etcd_lease_keepalive(c->el, lease, &left);
            if(err == SD_OK && left > 0) {
                pthread_mutex_lock(&c->mu);
                c->lease_dl_ms = t0 + (uint64_t)left * 1000u;
                pthread_mutex_unlock(&c->mu);
            } else {
                bool lost;

                pthread_mutex_lock(&c->mu);
                lost = err == SD_OK || now_ms() >= c->lease_dl_ms;
                if(lost)
                    c->lease = 0;
                pthread_mutex_unlock(&c->mu);
                if(lost)
                    step_down(c, "lease lost");
            }
        }
        if(!nap(c, every))
            break;
    }
    return NULL;
}

/* ---- public ---- */

static bool
name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if(n == 0 || n > SD_CLUSTER_NAME_MAX)
        return false;
    for(size_t i = 0; i < n; i++) {
        char ch = s[i];

        if(!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

sd_err
sd_cluster_start(struct sd_cluster **out, struct sd_store *s, const struct sd_cluster_opts *o)
{
    sd_err err = SD_OK;
    struct sd_cluster *c = NULL;
    const char *name;
    bool mu = false, cv = false;

    SD_CHECK_ARG(out && s && o);
    *out = NULL;
    name = o->cluster_name && o->cluster_name[0] ? o->cluster_name : "sealdesk";
    if(!name_ok(o->node_name)) {
        sd_log(SD_LOG_ERROR, "cluster", "bad node_name");
        SD_ENSURE(false, SD_E_INVALID);
    }
    if(!name_ok(name)) {
        sd_log(SD_LOG_ERROR, "cluster", "bad cluster_name");
        SD_ENSURE(false, SD_E_INVALID);
    }
    if(!o->keyring) {
        sd_log(SD_LOG_ERROR, "cluster", "bad keyring: none given");
        SD_ENSURE(false, SD_E_INVALID);
    }
    if(!o->advertise || !o->advertise[0] || strlen(o->advertise) > SD_CLUSTER_URL_MAX ||
       strchr(o->advertise, ' ')) {
        sd_log(SD_LOG_ERROR, "cluster", "bad advertise");
        SD_ENSURE(false, SD_E_INVALID);
    }
    SD_ENSURE(o->ttl_s <= 60, SD_E_INVALID);
    if(o->test_append_hold_file && strlen(o->test_append_hold_file) > SD_CLUSTER_PATH_MAX) {
        sd_log(SD_LOG_ERROR, "cluster", "bad test_append_hold_file: too long");
        SD_ENSURE(false, SD_E_INVALID);
    }
    if(o->trim_s > SD_CLUSTER_TRIM_MAX) {
        sd_log(SD_LOG_ERROR, "cluster", "bad cluster_trim_seconds");
        SD_ENSURE(false, SD_E_INVALID);
    }
    c = calloc(1, sizeof(*c));
    SD_ENSURE(c, SD_E_NOMEM);
    c->s = s;
    c->kr = o->keyring;
    snprintf(c->name, sizeof(c->name), "%s", name);
    snprintf(c->node, sizeof(c->node), "%s", o->node_name);
    snprintf(c->advertise, sizeof(c->advertise), "%s", o->advertise);
    snprintf(c->prefix, sizeof(c->prefix), "/sealdesk/%s/", name);
    snprintf(c->hint, sizeof(c->hint), "leader=unknown");
    c->ttl_s = o->ttl_s ? o->ttl_s : SD_CLUSTER_DEFAULT_TTL;
    c->trim_ms = (o->trim_s ? o->trim_s : SD_CLUSTER_TRIM_DEF) * 1000u;
    if(o->test_append_hold_file)
        snprintf(c->test_hold, sizeof(c->test_hold), "%s", o->test_append_hold_file);
    c->on_fatal = o->on_fatal;
    c->fatal_arg = o->fatal_arg;
    SD_ENSURE(pthread_mutex_init(&c->mu, NULL) == 0, SD_E_NOMEM);
    mu = true;
    SD_ENSURE(pthread_cond_init(&c->cv, NULL) == 0, SD_E_NOMEM);
    cv = true;
    SD_TRY(sd_etcd_open(&c->el, &o->etcd));
    SD_TRY(sd_etcd_open(&c->em, &o->etcd));
    {
        struct sd_etcd_opts wo = o->etcd;

        wo.timeout_ms = APPEND_MS;
        SD_TRY(sd_etcd_open(&c->ew, &wo));
    }
    sd_store_set_capture(s, true);
    sd_store_set_commit_hook(s, commit_hook, c);
    SD_ENSURE(pthread_create(&c->lease_thread, NULL, lease_thread, c) == 0, SD_E_NOMEM);
    c->lease_started = true;
    SD_ENSURE(pthread_create(&c->main_thread, NULL, main_thread, c) == 0, SD_E_NOMEM);
    c->main_started = true;
    sd_log(SD_LOG_INFO, "cluster", "node=%s cluster=%s follower", c->node, c->name);
    *out = c;
    c = NULL;
out:
    if(c) {
        if(c->lease_started || c->main_started) {
            sd_cluster_stop(c);
        } else {
            sd_store_set_commit_hook(s, NULL, NULL);
            sd_etcd_close(c->el);
            sd_etcd_close(c->em);
            sd_etcd_close(c->ew);
            if(cv)
                pthread_cond_destroy(&c->cv);
            if(mu)
                pthread_mutex_destroy(&c->mu);
            free(c);
        }
    }
    return err;
}

bool
sd_cluster_is_leader(struct sd_cluster *c)
{
    bool v;

    pthread_mutex_lock(&c->mu);
    v = c->leader && now_ms() < c->lease_dl_ms;
    pthread_mutex_unlock(&c->mu);
    return v;
}

/* The hint never names this node unless it leads: a leader fenced or stepped down keeps the
 * hint it wrote when it won until the main thread reads the key again, and a client that
 * follows it would be sent back here until it gives up (seen in CI: test_pause). */
void
sd_cluster_leader_hint(struct sd_cluster *c, char *buf, size_t cap)
{
    size_t n = strlen(c->node);

    pthread_mutex_lock(&c->mu);
    if(!(c->leader && now_ms() < c->lease_dl_ms) && strncmp(c->hint, "leader=", 7) == 0 &&
       strncmp(c->hint + 7, c->node, n) == 0 && c->hint[7 + n] == ' ')
        snprintf(buf, cap, "leader=unknown");
    else
        snprintf(buf, cap, "%s", c->hint);
    pthread_mutex_unlock(&c->mu);
}

bool
sd_cluster_failed(struct sd_cluster *c)
{
    bool v;

    pthread_mutex_lock(&c->mu);
    v = c->failed;
    pthread_mutex_unlock(&c->mu);
    return v;
}

uint64_t
sd_cluster_applied(struct sd_cluster *c)
{
    uint64_t v;

    pthread_mutex_lock(&c->mu);
    v = c->applied;
    pthread_mutex_unlock(&c->mu);
    return v;
}

void
sd_cluster_stop(struct sd_cluster *c)
{
    int64_t lease;

    if(!c)
        return;
    step_down(c, "stopping");
    pthread_mutex_lock(&c->mu);
    c->quit = true;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
    if(c->main_started)
        pthread_join(c->main_thread, NULL);
    if(c->lease_started)
        pthread_join(c->lease_thread, NULL);
    sd_store_set_commit_hook(c->s, NULL, NULL);
    lease = c->lease;
    if(lease)
        (void)sd_etcd_lease_revoke(c->el, lease); /* else it expires after ttl */
    sd_etcd_close(c->el);
    sd_etcd_close(c->em);
    sd_etcd_close(c->ew);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
