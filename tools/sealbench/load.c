/* sealbench load: C connections (one thread each, TLS gRPC through src/rpc/client.c) x S
 * streams kept in flight for D seconds, with a weighted mix of Create / Get / ClaimNext / List.
 * Records every latency, then prints ops/s, p50/p99/p99.9 per method and the server process's
 * CPU seconds and RSS from /proc. Refuses any target but 127.0.0.1. */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/endpoints.h"
#include "sealdesk/rpc.h"

#define DRAIN_MS  10000u
#define CUSTOMERS 10000u /* customer pool: PII repeats like a real desk's */

static const char *const paths[SB_NOPS] = {
    "/sealdesk.v1.Tickets/Create",
    "/sealdesk.v1.Tickets/Get",
    "/sealdesk.v1.Tickets/ClaimNext",
    "/sealdesk.v1.Tickets/List",
};

const char *
sb_op_name(enum sb_op op)
{
    static const char *const names[SB_NOPS] = {"create", "get", "claim", "list"};

    return op < SB_NOPS ? names[op] : "?";
}

struct lat {
    uint32_t *v; /* microseconds */
    size_t n, cap;
};

struct shared {
    const struct sb_load_opts *o;
    char auth[600];
    char body[SB_BODY_BYTES + 1];
    _Atomic uint64_t max_id; /* highest ticket id a Create returned */
    _Atomic long budget;     /* prefill: Creates left to start; <0 unlimited */
    _Atomic uint64_t nonce;
    uint64_t t_end_us;
    pthread_mutex_t acked_mu;
    FILE *acked;
    unsigned wsum;
    struct sd_endpoints eps; /* o->target as a list (issue 18) */
};

struct worker;

struct slot {
    struct worker *w;
    bool busy;
    enum sb_op op;
    uint64_t t0_us;
    uint64_t nonce;
    uint64_t id; /* from the Create reply */
};

struct worker {
    struct shared *sh;
    pthread_t th;
    unsigned idx;
    uint32_t rng;
    struct slot slots[SB_MAX_STREAMS];
    struct lat lat[SB_NOPS];
    uint64_t ok[SB_NOPS], failed[SB_NOPS], empty[SB_NOPS];
    uint64_t first_fail_status;
    char first_fail[160];
    int setup_rc;
    /* cluster (issue 18): the endpoint this worker uses (sealdesk/endpoints.h), and a
     * follower's leader hint */
    struct sd_follow fl;
    char redirect[SD_ENDPOINT_MAX + 1];
    uint64_t reconnects;
};

static uint64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
sb_nonce_subject(char *out, size_t cap, uint64_t nonce)
{
    char s[16];
    size_t i = 0;

    do {
        s[i++] = (char)('a' + nonce % 26);
        nonce /= 26;
    } while(nonce && i < sizeof(s) - 1);
    s[i] = 0;
    snprintf(out, cap, "bench ticket %s", s);
}

static int
lat_add(struct lat *l, uint64_t us)
{
    if(l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        uint32_t *v = realloc(l->v, cap * sizeof(*v));

        if(!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
    return 0;
}

static uint32_t
rnd(struct worker *w)
{
    /* xorshift32: load-mix choice only, not security */
    uint32_t x = w->rng;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    w->rng = x;
    return x;
}

/* Ticket.id is field 1 (varint): read it without unpacking the whole reply. */
static sd_err
on_msg(void *ctx, const uint8_t *p, size_t n)
{
    struct slot *s = ctx;
    uint64_t v = 0;

    if(s->op != SB_CREATE || n < 2 || p[0] != 0x08)
        return SD_OK;
    for(size_t i = 1, sh = 0; i < n && i < 11; i++, sh += 7) {
        v |= (uint64_t)(p[i] & 0x7f) << sh;
        if(!(p[i] & 0x80)) {
            s->id = v;
            break;
        }
    }
    return SD_OK;
}

static void
on_done(void *ctx, sd_err err, int status, const char *message)
{
    struct slot *s = ctx;
    struct worker *w = s->w;
    struct shared *sh = w->sh;
    uint64_t dt = now_us() - s->t0_us;

    s->busy = false;
    if(err == SD_OK && status == SD_GRPC_OK) {
        w->ok[s->op]++;
        (void)lat_add(&w->lat[s->op], dt);
        /* gcc 12 -fanalyzer false positive: it reports lat_add's realloc of w->lat[s->op].v as
         * leaked here; run_phase frees every worker's lat arrays. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
        if(s->op == SB_CREATE && s->id) {
            uint64_t m = atomic_load(&sh->max_id);

            while(m < s->id && !atomic_compare_exchange_weak(&sh->max_id, &m, s->id)) {
            }
            if(sh->acked) {
                pthread_mutex_lock(&sh->acked_mu);
                fprintf(sh->acked, "%" PRIu64 " %" PRIu64 "\n", s->id, s->nonce);
                pthread_mutex_unlock(&sh->acked_mu);
            }
        }
        return;
    }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    if(err == SD_OK && status == SD_GRPC_NOT_FOUND && s->op == SB_CLAIM) {
        w->empty[s->op]++; /* queue empty: a valid answer */
        (void)lat_add(&w->lat[s->op], dt);
        return;
    }
    if(err == SD_OK && status == SD_GRPC_UNAVAILABLE && message && !w->redirect[0]) {
        /* A follower answered: "... leader=<node> <host:port>" (it did not run the call). */
        (void)sd_endpoints_leader_hint(message, w->redirect, sizeof(w->redirect));
    }
    w->failed[s->op]++;
    if(!w->first_fail[0]) {
        snprintf(w->first_fail, sizeof(w->first_fail), "%s: %s %s", sb_op_name(s->op),
                 err == SD_OK ? sd_grpc_status_name(status) : sd_err_str(err),
                 message ? message : "");
    }
}

static enum sb_op
pick(struct worker *w)
{
    struct shared *sh = w->sh;
    unsigned r = rnd(w) % sh->wsum;

    if(atomic_load(&sh->budget) >= 0)
        return SB_CREATE;
    for(int i = 0; i < SB_NOPS; i++) {
        if(r < sh->o->mix[i])
            return (enum sb_op)i;
        r -= sh->o->mix[i];
    }
    return SB_CREATE;
}

static sd_err
start_one(struct worker *w, struct sd_grpc_client *c, struct slot *s)
{
    struct shared *sh = w->sh;
    const char *md[3] = {"authorization", sh->auth, NULL};
    uint8_t buf[4096];
    size_t n = 0;
    char subj[64], email[64], phone[32], uid[32], ip[32];
    enum sb_op op = pick(w);

    if(op == SB_GET && atomic_load(&sh->max_id) == 0)
        op = SB_CREATE; /* nothing to read yet */
    if(op == SB_CREATE && atomic_load(&sh->budget) >= 0 && atomic_fetch_sub(&sh->budget, 1) <= 0)
        return SD_E_EMPTY; /* prefill done */
    s->op = op;
    s->id = 0;
    s->w = w;
    switch(op) {
    case SB_CREATE: {
        Sealdesk__V1__CreateTicketRequest r = SEALDESK__V1__CREATE_TICKET_REQUEST__INIT;
        uint64_t cust = rnd(w) % CUSTOMERS;

        s->nonce = atomic_fetch_add(&sh->nonce, 1);
        sb_nonce_subject(subj, sizeof(subj), s->nonce);
        snprintf(email, sizeof(email), "customer%" PRIu64 "@example.com", cust);
        snprintf(phone, sizeof(phone), "+4915%08" PRIu64, cust);
        snprintf(uid, sizeof(uid), "UID%" PRIu64, cust);
        snprintf(ip, sizeof(ip), "10.%u.%u.%u", (unsigned)(cust >> 16) & 255,
                 (unsigned)(cust >> 8) & 255, (unsigned)cust & 255);
        r.channel = "web";
        r.subject = subj;
        r.body = sh->body;
        r.customer_name = "Bench Customer";
        r.customer_email = email;
        r.customer_phone = phone;
        r.customer_uid = uid;
        r.ip_address = ip;
        n = protobuf_c_message_get_packed_size(&r.base);
        if(n > sizeof(buf))
            return SD_E_LIMIT;
        protobuf_c_message_pack(&r.base, buf);
        break;
    }
    case SB_GET: {
        Sealdesk__V1__GetTicketRequest r = SEALDESK__V1__GET_TICKET_REQUEST__INIT;

        r.id = 1 + ((uint64_t)rnd(w) << 16 ^ rnd(w)) % atomic_load(&sh->max_id);
        n = protobuf_c_message_get_packed_size(&r.base);
        protobuf_c_message_pack(&r.base, buf);
        break;
    }
    case SB_CLAIM: {
        Sealdesk__V1__ClaimNextRequest r = SEALDESK__V1__CLAIM_NEXT_REQUEST__INIT;

        r.agent = "bench";
        n = protobuf_c_message_get_packed_size(&r.base);
        protobuf_c_message_pack(&r.base, buf);
        break;
    }
    default: {
        Sealdesk__V1__ListTicketsRequest r = SEALDESK__V1__LIST_TICKETS_REQUEST__INIT;

        r.assignee = "bench-idle"; /* a short list: measures the read path, not the wire */
        n = protobuf_c_message_get_packed_size(&r.base);
        protobuf_c_message_pack(&r.base, buf);
        break;
    }
    }
    s->t0_us = now_us();
    s->busy = true;
    if(sd_grpc_client_start(c, paths[op], md, buf, n, on_msg, on_done, s) != SD_OK) {
        s->busy = false;
        return SD_E_IO;
    }
    return SD_OK;
}

/* Run calls on one connection until the end, a lost connection or a leader hint. false when
 * the run is over. */
static bool
run_conn(struct worker *w, struct sd_grpc_client *c)
{
    struct shared *sh = w->sh;
    bool stop = false, over = false;
    uint64_t drain_end;

    (void)sd_grpc_client_set_timeout(c, 30000);
    while(!stop) {
        for(unsigned i = 0; i < sh->o->streams && !stop; i++) {
            if(w->slots[i].busy)
                continue;
            if(now_us() >= sh->t_end_us) {
                stop = over = true;
                break;
            }
            sd_err e = start_one(w, c, &w->slots[i]);

            if(e == SD_E_EMPTY)
                stop = over = true; /* the prefill budget is spent */
            else if(e != SD_OK)
                stop = true; /* connection lost (server killed) */
        }
        if(sd_grpc_client_poll(c, 20) != SD_OK)
            break;
        if(now_us() >= sh->t_end_us)
            stop = over = true;
        if(w->redirect[0])
            stop = true; /* a follower: go to the leader */
    }
    drain_end = now_us() + DRAIN_MS * 1000u;
    while(sd_grpc_client_pending(c) && now_us() < drain_end) {
        if(sd_grpc_client_poll(c, 50) != SD_OK)
            break;
    }
    return !over;
}

static void *
worker_main(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    struct sd_grpc_client_opts co = {.target = w->fl.target, .ca_file = sh->o->ca_file};
    bool cluster = sh->eps.n > 1;
    char why[256] = "";

    sd_follow_init(&w->fl, &sh->eps);
    for(;;) {
        struct sd_grpc_client *c = NULL;
        struct timespec pause = {0, 100 * 1000000L};
        bool more;

        if(sd_grpc_client_connect_why(&c, &co, why, sizeof(why)) != SD_OK) {
            if(!cluster || now_us() >= sh->t_end_us) {
                /* Truncating a long reason is fine here: it is only shown. */
                snprintf(w->first_fail, sizeof(w->first_fail), "connect: %.140s", why);
                if(!w->reconnects)
                    w->setup_rc = 1;
                return NULL;
            }
            (void)sd_follow_next(&w->fl, NULL);
            nanosleep(&pause, NULL);
            continue;
        }
        more = run_conn(w, c);
        sd_grpc_client_close(c); /* on_done (failed) for anything still pending */
        if(!more || !cluster || now_us() >= sh->t_end_us)
            break;
        /* Cluster: follow the leader hint, else try the next endpoint. */
        w->reconnects++;
        if(w->redirect[0]) {
            snprintf(w->fl.target, sizeof(w->fl.target), "%s", w->redirect);
            w->redirect[0] = 0;
        } else {
            (void)sd_follow_next(&w->fl, NULL);
            nanosleep(&pause, NULL);
        }
    }
    return NULL;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

static double
pct(const struct lat *l, double p)
{
    size_t i;

    if(!l->n)
        return 0;
    i = (size_t)(p * (double)(l->n - 1) + 0.5);
    return l->v[i] / 1000.0;
}

/* utime+stime of pid in seconds, -1 if unreadable. */
static double
proc_cpu_s(long pid)
{
    char path[64], buf[2048];
    FILE *f;
    size_t n;
    char *p;
    unsigned long ut = 0, st = 0;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    f = fopen(path, "r");
    if(!f)
        return -1;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    (void)fclose(f); /* read-only: nothing to flush */
    buf[n] = 0;
    p = strrchr(buf, ')');
    // NOLINTNEXTLINE(cert-err34-c): kernel-written /proc numbers
    if(!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long
proc_rss_kib(long pid)
{
    char path[64], line[256];
    FILE *f;
    long v = -1;

    snprintf(path, sizeof(path), "/proc/%ld/status", pid);
    f = fopen(path, "r");
    if(!f)
        return -1;
    while(fgets(line, sizeof(line), f)) {
        // NOLINTNEXTLINE(cert-err34-c): kernel-written /proc number
        if(sscanf(line, "VmRSS: %ld kB", &v) == 1)
            break;
    }
    (void)fclose(f); /* read-only: nothing to flush */
    return v;
}

static int
run_phase(struct shared *sh, struct worker *ws, unsigned conns)
{
    int rc = 0;
    unsigned started = 0;

    for(unsigned i = 0; i < conns; i++) {
        if(pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0)
            break;
        started++;
    }
    for(unsigned i = 0; i < started; i++)
        pthread_join(ws[i].th, NULL);
    if(started < conns)
        rc = 1;
    for(unsigned i = 0; i < started; i++) {
        if(ws[i].setup_rc) {
            fprintf(stderr, "sealbench: %s\n", ws[i].first_fail);
            rc = 1;
            break;
        }
    }
    (void)sh;
    return rc;
}

int
sb_load(const struct sb_load_opts *o, struct sb_load_result *r)
{
    struct shared *sh = calloc(1, sizeof(*sh));
    struct worker *ws = calloc(o->conns ? o->conns : 1, sizeof(*ws));
    double cpu0 = -1;
    uint64_t t0, t1;
    int rc = 1;

    memset(r, 0, sizeof(*r));
    if(!sh || !ws)
        goto out;
    sh->o = o;
    {
        char why[128];

        if(sd_endpoints_parse(&sh->eps, o->target, "--target", why, sizeof(why)) != SD_OK) {
            fprintf(stderr, "sealbench: %s\n", why);
            goto out;
        }
    }
    snprintf(sh->auth, sizeof(sh->auth), "Bearer %s", o->token);
    for(size_t i = 0; i < SB_BODY_BYTES; i++)
        // NOLINTNEXTLINE(bugprone-narrowing-conversions): both arms are char values
        sh->body[i] = (i % 8 == 7) ? ' ' : (char)('a' + (i * 7) % 26);
    for(int i = 0; i < SB_NOPS; i++)
        sh->wsum += o->mix[i];
    atomic_init(&sh->max_id, 0);
    atomic_init(&sh->nonce, ((uint64_t)randombytes_uniform(1u << 30)) << 20);
    pthread_mutex_init(&sh->acked_mu, NULL);
    if(o->acked) {
        sh->acked = fopen(o->acked, "w");
        if(!sh->acked) {
            fprintf(stderr, "sealbench: cannot write %s\n", o->acked);
            goto out;
        }
        /* one line per acknowledgement, written at once: a test waits for the first ones (an
         * event, not a sleep), and a bench killed midway keeps what was acknowledged */
        (void)setvbuf(sh->acked, NULL, _IOLBF, 0);
    }
    if(o->prefill) {
        atomic_init(&sh->budget, (long)o->prefill);
        sh->t_end_us = now_us() + (uint64_t)SB_MAX_SECONDS * 1000000u;
        for(unsigned i = 0; i < o->conns; i++) {
            ws[i].sh = sh;
            ws[i].idx = i;
            ws[i].rng = 0x9e3779b9u ^ (i * 2654435761u) ^ randombytes_random();
        }
        if(run_phase(sh, ws, o->conns) != 0)
            goto out;
        for(unsigned i = 0; i < o->conns; i++) {
            for(int k = 0; k < SB_NOPS; k++) {
                free(ws[i].lat[k].v);
                ws[i].lat[k] = (struct lat){0};
            }
        }
        memset(ws, 0, o->conns * sizeof(*ws));
    }
    atomic_store(&sh->budget, -1);
    for(unsigned i = 0; i < o->conns; i++) {
        ws[i].sh = sh;
        ws[i].idx = i;
        ws[i].rng = 0x9e3779b9u ^ (i * 2654435761u) ^ randombytes_random();
        if(!ws[i].rng)
            ws[i].rng = 1;
    }
    if(o->server_pid)
        cpu0 = proc_cpu_s(o->server_pid);
    t0 = now_us();
    sh->t_end_us = t0 + (uint64_t)o->seconds * 1000000u;
    if(run_phase(sh, ws, o->conns) != 0)
        goto out;
    t1 = now_us();
    r->elapsed_s = (double)(t1 - t0) / 1e6;
    r->server_cpu_s = -1;
    r->server_rss_kib = -1;
    if(o->server_pid && cpu0 >= 0) {
        double cpu1 = proc_cpu_s(o->server_pid);

        r->server_cpu_s = cpu1 >= 0 ? cpu1 - cpu0 : -1;
        r->server_rss_kib = proc_rss_kib(o->server_pid);
    }
    for(int k = 0; k < SB_NOPS; k++) {
        struct lat all = {0};

        for(unsigned i = 0; i < o->conns; i++) {
            r->ok[k] += ws[i].ok[k];
            r->failed[k] += ws[i].failed[k];
            r->empty[k] += ws[i].empty[k];
            for(size_t j = 0; j < ws[i].lat[k].n; j++)
                (void)lat_add(&all, ws[i].lat[k].v[j]);
        }
        if(all.n)
            qsort(all.v, all.n, sizeof(*all.v), cmp_u32);
        r->ops_per_s[k] = (double)(r->ok[k] + r->empty[k]) / r->elapsed_s;
        r->total_ops_per_s += r->ops_per_s[k];
        r->p50_ms[k] = pct(&all, 0.50);
        r->p99_ms[k] = pct(&all, 0.99);
        r->p999_ms[k] = pct(&all, 0.999);
        free(all.v);
    }
    for(unsigned i = 0; i < o->conns; i++) {
        if(ws[i].first_fail[0]) {
            fprintf(stderr, "sealbench: first failure: %s\n", ws[i].first_fail);
            break;
        }
    }
    rc = 0;
out:
    if(sh && sh->acked) {
        if(fclose(sh->acked) != 0) {
            fprintf(stderr, "sealbench: writing %s failed\n", o->acked);
            rc = 1;
        }
    }
    if(ws) {
        for(unsigned i = 0; i < o->conns; i++) {
            for(int k = 0; k < SB_NOPS; k++)
                free(ws[i].lat[k].v);
        }
    }
    if(sh)
        pthread_mutex_destroy(&sh->acked_mu);
    sodium_memzero(sh ? sh->auth : NULL, sh ? sizeof(sh->auth) : 0);
    free(ws);
    free(sh);
    return rc;
}

void
sb_load_print(FILE *f, const struct sb_load_opts *o, const struct sb_load_result *r)
{
    if(o->json) {
        fprintf(f, "{\"conns\":%u,\"streams\":%u,\"seconds\":%.2f,\"ops_per_s\":%.1f", o->conns,
                o->streams, r->elapsed_s, r->total_ops_per_s);
        for(int k = 0; k < SB_NOPS; k++) {
            if(!o->mix[k] && !(k == SB_CREATE && o->prefill))
                continue;
            fprintf(f,
                    ",\"%s\":{\"ok\":%" PRIu64 ",\"empty\":%" PRIu64 ",\"failed\":%" PRIu64
                    ",\"ops_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f}",
                    sb_op_name((enum sb_op)k), r->ok[k], r->empty[k], r->failed[k], r->ops_per_s[k],
                    r->p50_ms[k], r->p99_ms[k], r->p999_ms[k]);
        }
        fprintf(f, ",\"server_cpu_s\":%.2f,\"server_rss_kib\":%ld}\n", r->server_cpu_s,
                r->server_rss_kib);
        return;
    }
    fprintf(f, "load: %u conns x %u streams, %.2f s, %.1f ops/s total\n", o->conns, o->streams,
            r->elapsed_s, r->total_ops_per_s);
    fprintf(f, "%-7s %10s %8s %8s %11s %9s %9s %9s\n", "method", "ok", "empty", "failed", "ops/s",
            "p50 ms", "p99 ms", "p99.9 ms");
    for(int k = 0; k < SB_NOPS; k++) {
        if(!o->mix[k])
            continue;
        fprintf(f, "%-7s %10" PRIu64 " %8" PRIu64 " %8" PRIu64 " %11.1f %9.3f %9.3f %9.3f\n",
                sb_op_name((enum sb_op)k), r->ok[k], r->empty[k], r->failed[k], r->ops_per_s[k],
                r->p50_ms[k], r->p99_ms[k], r->p999_ms[k]);
    }
    if(r->server_cpu_s >= 0)
        fprintf(f, "server: %.2f CPU s (%.2f cores), RSS %ld KiB\n", r->server_cpu_s,
                r->server_cpu_s / r->elapsed_s, r->server_rss_kib);
}
