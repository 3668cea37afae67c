/* sealdesk server runtime: the listening socket, one epoll event loop thread that owns every
 * connection (non-blocking sockets, TLS through rpc/tls.c, HTTP/2 through rpc/h2.c), a pool of
 * worker threads that run the handler (it may block on LMDB), and a completion list handed
 * back to the loop through an eventfd. Limits live here: connections (in all, per source
 * address, and a reserve for new sources), output buffered per connection, queued calls,
 * handshake and idle timeouts (idle = no request and no answer byte: PINGs do not count),
 * graceful shutdown. Slow calls (Auth/Login, Argon2id) have a pool of their own. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "rpc/rpc_int.h"
#include "sealdesk/log.h"
#include "sealdesk/metrics.h"
#include "sealdesk/server.h"
#include "sealdesk/store.h"
#include "util/err_int.h"

#define RECV_CHUNK           16384
#define RECV_BUDGET          64                /* recv() calls per readiness event, for fairness */
#define OUT_SOFT             ((size_t)1 << 20) /* stop reading a client with this much unsent output */
#define OUT_HARD             ((size_t)64 << 20) /* close a connection holding more than this */
#define HANDSHAKE_TIMEOUT_MS 10000u
#define DRAIN_TIMEOUT_MS     10000u /* graceful stop: then in-flight connections are cut */
#define QUEUE_MAX_JOBS       4096   /* calls waiting for a worker ... */
#define QUEUE_MAX_BYTES      ((size_t)64 << 20) /* ... and the request bytes they hold */
#define ACCEPT_BATCH         128
#define MAX_EVENTS           256
#define TICK_MS              1000u

enum conn_state {
    C_HANDSHAKE,
    C_OPEN
};

#define ADDR_MAX 48 /* INET6_ADDRSTRLEN and a NUL */

struct conn {
    struct sd_server *s;
    int fd;
    uint64_t id;
    enum conn_state state;
    struct sd_tls *tls;
    struct sd_h2 *h2;
    struct sd_buf out; /* ciphertext not yet accepted by send() */
    size_t out_off;
    uint64_t opened_ms;
    uint64_t last_ms;  /* last byte received or sent */
    unsigned inflight; /* jobs out at workers; the struct lives until they return */
    bool closed;
    bool paused; /* not reading: too much output waits */
    uint32_t events;
    char addr[ADDR_MAX]; /* source address (an IPv6 one as its /64), "" if unknown */
    struct conn *prev, *next;
};

/* A queue of calls and the threads that run them: the workers, and the login pool. Guarded
 * by the server's mu. */
struct pool {
    struct sd_server *s;
    pthread_cond_t cv;
    bool cv_ready;
    pthread_t *threads;
    unsigned nthreads;
    unsigned want;   /* threads to start */
    size_t max_jobs; /* waiting calls past which new ones are refused */
    struct sd_h2_job *qhead, *qtail;
    size_t qlen, qbytes;
};
enum {
    POOL_WORKERS,
    POOL_SLOW,
    NPOOLS
};

struct sd_server {
    struct sd_server_config cfg;
    sd_rpc_handler_fn handler;
    void *app;
    struct sd_tls_ctx *tls;
    int lfd;
    int epfd;
    int wakefd;
    int spare_fd; /* released to accept-and-close when out of descriptors */
    int port;
    atomic_int stop;
    bool stopping;
    bool ran;
    uint64_t stop_deadline;
    struct conn *conns;
    size_t nconns;
    uint64_t next_id;
    struct conn *grave;    /* closed connections freed at the end of a loop turn */
    struct sd_buf scratch; /* plaintext on its way into TLS (wiped after each use) */
    size_t inflight;       /* jobs out of the loop (queued, running or completed) */
    /* worker pools: mu guards everything below */
    pthread_mutex_t mu;
    bool sync_ready;
    struct pool pools[NPOOLS];
    sd_server_route_fn slow; /* calls for the POOL_SLOW pool */
    bool quit;
    struct sd_h2_job *dhead, *dtail;
    /* group commit: calls for which route() is true run on the writer thread */
    sd_server_route_fn route;
    struct sd_writer *writer;
    sd_rpc_handler_fn prepare; /* runs on a worker before a write goes to the writer */
    sd_server_gate_fn gate;    /* cluster: false refuses a call (UNAVAILABLE) */
    void *gate_arg;
    size_t (*max_req)(const char *path); /* per-method request limit for the h2 sessions */
    const struct sd_web_files *files;    /* console files (borrowed), NULL: none */
};

static const char *
errname(int e)
{
    switch(e) {
    case ECONNRESET:
        return "reset";
    case EPIPE:
        return "pipe";
    case ETIMEDOUT:
        return "timeout";
    default:
        return "io";
    }
}

/* ---- connections ---- */

static size_t
out_pending(const struct conn *c)
{
    return c->out.len - c->out_off;
}

static void
conn_update_events(struct conn *c)
{
    struct epoll_event ev;
    uint32_t want;

    if(c->closed)
        return;
    want = (c->paused ? 0u : (uint32_t)EPOLLIN) | (out_pending(c) ? (uint32_t)EPOLLOUT : 0u);
    if(want == c->events)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = want;
    ev.data.ptr = c;
    if(epoll_ctl(c->s->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
        c->events = want;
}

static void
conn_close(struct conn *c, const char *reason)
{
    struct sd_server *s = c->s;

    if(c->closed)
        return;
    sd_log(SD_LOG_INFO, "conn_close", "conn=%llu reason=%s open_ms=%llu inflight=%u",
           (unsigned long long)c->id, reason, (unsigned long long)(sd_rpc_now_ms() - c->opened_ms),
           c->inflight);
    epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    sd_h2_free(c->h2);
    c->h2 = NULL;
    sd_tls_free(c->tls);
    c->tls = NULL;
    sd_buf_free(&c->out);
    c->out_off = 0;
    if(c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if(c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    s->nconns--;
    sd_metrics_set_conns(s->nconns);
    c->closed = true;
    if(c->inflight == 0) {
        c->next = s->grave;
        s->grave = c;
    }
}

/* send() what we can. SD_OK also when the socket is full. */
static sd_err
conn_send(struct conn *c)
{
    while(out_pending(c) > 0) {
        ssize_t n =
            send(c->fd, c->out.data + c->out_off, out_pending(c), MSG_NOSIGNAL | MSG_DONTWAIT);

        if(n > 0) {
            c->out_off += (size_t)n;
            c->last_ms = sd_rpc_now_ms();
            continue;
        }
        if(n < 0 && errno == EINTR)
            continue;
        if(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        return SD_E_IO;
    }
    if(c->out_off == c->out.len) {
        c->out.len = c->out_off = 0;
        if(c->out.cap > 4 * OUT_SOFT)
            sd_buf_free(&c->out); /* give a burst's memory back */
    } else if(c->out_off > c->out.len / 2) {
        memmove(c->out.data, c->out.data + c->out_off, out_pending(c));
        c->out.len -= c->out_off;
        c->out_off = 0;
    }
    return SD_OK;
}

/* Move frames from HTTP/2 through TLS into out, while out is below the soft cap. */
static sd_err
conn_fill(struct conn *c)
{
    struct sd_buf *pt = &c->s->scratch;
    sd_err err = SD_OK;

    while(out_pending(c) < OUT_SOFT) {
        SD_TRY(sd_h2_send(c->h2, pt, RECV_CHUNK));
        if(pt->len == 0)
            break;
        SD_TRY(sd_tls_write(c->tls, pt->data, pt->len));
        sd_buf_reset(pt);
        SD_TRY(sd_tls_take_out(c->tls, &c->out));
    }
out:
    sd_buf_reset(pt);
    return err;
}

/* Fill and send until the socket is full or nothing is left; apply the output caps. */
static void
conn_flush(struct conn *c)
{
    if(c->closed)
        return;
    for(;;) {
        if(c->state == C_OPEN && conn_fill(c) != SD_OK) {
            conn_close(c, "h2_error");
            return;
        }
        if(out_pending(c) == 0)
            break;
        if(conn_send(c) != SD_OK) {
            conn_close(c, errname(errno));
            return;
        }
        if(out_pending(c) > 0)
            break; /* socket full: EPOLLOUT will call us again */
    }
    if(c->state == C_OPEN) {
        if(out_pending(c) + sd_h2_out_buffered(c->h2) > OUT_HARD) {
            conn_close(c, "output_cap");
            return;
        }
        if(out_pending(c) == 0 && sd_h2_done(c->h2)) {
            conn_close(c, "done");
            return;
        }
    }
    if(out_pending(c) > OUT_SOFT)
        c->paused = true;
}

/* Last words before closing on an error (a GOAWAY or a TLS alert): best effort, no waiting. */
static void
conn_fail(struct conn *c, const char *reason)
{
    if(c->state == C_OPEN)
        (void)conn_fill(c);
    else
        (void)sd_tls_take_out(c->tls, &c->out);
    (void)conn_send(c);
    conn_close(c, reason);
}

/* One recv() of what the client sent into buf (cap bytes), fed to the TLS engine. True: read
 * again (bytes fed, or EINTR); false: nothing is waiting (EAGAIN), or the connection is closed
 * (eof, a socket error, out of memory: c->closed). */
static bool
conn_recv(struct conn *c, uint8_t *buf, size_t cap)
{
    ssize_t n = recv(c->fd, buf, cap, MSG_DONTWAIT);

    if(n > 0) {
        c->last_ms = sd_rpc_now_ms();
        if(sd_tls_feed(c->tls, buf, (size_t)n) != SD_OK) {
            conn_close(c, "nomem");
            return false;
        }
        return true;
    }
    if(n == 0) {
        conn_close(c, "eof");
        return false;
    }
    if(errno == EINTR)
        return true;
    if(errno != EAGAIN && errno != EWOULDBLOCK)
        conn_close(c, errname(errno));
    return false;
}

/* Read, decrypt and feed HTTP/2 until the socket is drained, the budget is spent or the
 * connection has too much output waiting. */
static void
conn_read(struct conn *c)
{
    uint8_t buf[RECV_CHUNK];
    unsigned budget = RECV_BUDGET;

    while(!c->closed) {
        size_t got = 0;
        sd_err e;

        if(out_pending(c) > OUT_SOFT) {
            c->paused = true;
            break;
        }
        e = sd_tls_read(c->tls, buf, sizeof(buf), &got);
        if(e == SD_OK) {
            e = sd_h2_recv(c->h2, buf, got);
            sodium_memzero(buf, got);
            if(e != SD_OK) {
                conn_fail(c, e == SD_E_NOMEM ? "nomem" : "protocol_error");
                return;
            }
            conn_flush(c); /* SETTINGS ACKs, early answers: keep output moving */
            continue;
        }
        if(e == SD_E_IO) {
            conn_fail(c, "close_notify");
            return;
        }
        if(e != SD_E_EMPTY) {
            conn_fail(c, "tls_error");
            return;
        }
        if(budget-- == 0)
            break; /* level-triggered epoll calls again if more is waiting */
        if(!conn_recv(c, buf, sizeof(buf)))
            break; /* nothing waiting, or closed */
    }
}

static sd_err submit_job(void *ctx, struct sd_h2_job *job);

static void
conn_handshake(struct conn *c)
{
    uint8_t buf[RECV_CHUNK];
    struct sd_h2_opts o;
    sd_err e;

    for(;;) {
        e = sd_tls_handshake(c->tls);
        if(e != SD_E_EMPTY)
            break;
        if(sd_tls_take_out(c->tls, &c->out) != SD_OK) {
            conn_close(c, "nomem");
            return;
        }
        if(conn_recv(c, buf, sizeof(buf)))
            continue;
        if(!c->closed)
            conn_flush(c); /* ServerHello etc.; then wait for the client */
        return;
    }
    if(e == SD_E_DENIED) {
        conn_fail(c, "no_alpn_h2");
        return;
    }
    if(e != SD_OK) {
        conn_fail(c, "tls_handshake");
        return;
    }
    memset(&o, 0, sizeof(o));
    o.submit = submit_job;
    o.ctx = c;
    o.max_req = c->s->max_req;
    o.files = c->s->files;
    o.peer_subject = sd_tls_peer_subject(c->tls);
    o.peer_fingerprint = sd_tls_peer_fingerprint(c->tls);
    o.conn_id = c->id;
    o.peer_addr = c->addr[0] ? c->addr : NULL;
    if(sd_tls_take_out(c->tls, &c->out) != SD_OK || sd_h2_new(&c->h2, &o) != SD_OK) {
        conn_close(c, "nomem");
        return;
    }
    c->state = C_OPEN;
    sd_log(SD_LOG_DEBUG, "conn_tls", "conn=%llu client_cert=%s", (unsigned long long)c->id,
           o.peer_subject ? "verified" : "none");
    if(c->s->stopping)
        sd_h2_shutdown(c->h2);
}

static void
conn_event(struct conn *c, uint32_t events)
{
    if(events & EPOLLERR) {
        conn_close(c, "socket_error");
        return;
    }
    if(c->state == C_HANDSHAKE) {
        conn_handshake(c);
        if(c->closed || c->state == C_HANDSHAKE) {
            conn_update_events(c);
            return;
        }
    }
    /* A few rounds: reading may stop for output, and output may free reading again. */
    for(int round = 0; round < 4 && !c->closed; round++) {
        bool was_paused;

        if(c->paused && out_pending(c) < OUT_SOFT / 2)
            c->paused = false;
        was_paused = c->paused;
        if(!c->paused)
            conn_read(c);
        conn_flush(c);
        if(c->closed || c->paused || !was_paused)
            break;
    }
    conn_update_events(c);
}

static void
conn_new(struct sd_server *s, int fd, const char *addr)
{
    struct conn *c = calloc(1, sizeof(*c));
    struct epoll_event ev;
    int one = 1;

    if(!c || sd_tls_new(&c->tls, s->tls) != SD_OK) {
        sd_log(SD_LOG_WARN, "conn_refused", "reason=nomem");
        free(c);
        close(fd);
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->s = s;
    c->fd = fd;
    c->id = ++s->next_id;
    snprintf(c->addr, sizeof(c->addr), "%s", addr);
    c->opened_ms = c->last_ms = sd_rpc_now_ms();
    c->events = EPOLLIN;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = c;
    if(epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        sd_log(SD_LOG_WARN, "conn_refused", "reason=epoll");
        sd_tls_free(c->tls);
        free(c);
        close(fd);
        return;
    }
    c->next = s->conns;
    if(s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->nconns++;
    sd_metrics_set_conns(s->nconns);
    sd_log(SD_LOG_INFO, "conn_open", "conn=%llu conns=%zu", (unsigned long long)c->id, s->nconns);
}

/* The source key of a peer: the IPv4 address, or the /64 of an IPv6 one (one host usually
 * holds a whole /64). "" if unknown. */
static void
source_of(const struct sockaddr_storage *sa, char out[ADDR_MAX])
{
    out[0] = 0;
    if(sa->ss_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, ADDR_MAX);
    } else if(sa->ss_family == AF_INET6) {
        struct in6_addr a = ((const struct sockaddr_in6 *)sa)->sin6_addr;

        if(IN6_IS_ADDR_V4MAPPED(&a)) {
            inet_ntop(AF_INET, &a.s6_addr[12], out, ADDR_MAX);
            return;
        }
        memset(&a.s6_addr[8], 0, 8);
        inet_ntop(AF_INET6, &a, out, ADDR_MAX);
    }
}

static size_t
conns_from(const struct sd_server *s, const char *addr)
{
    size_t n = 0;

    for(const struct conn *c = s->conns; c; c = c->next)
        n += strcmp(c->addr, addr) == 0;
    return n;
}

/* Admission: the overall cap; per source; and the last conn_reserve slots only for a source
 * that holds no connection yet (so a flood from a few addresses cannot take every slot).
 * NULL when admitted, else the reason. */
static const char *
refuse_reason(const struct sd_server *s, const char *addr)
{
    size_t mine;

    if(s->nconns >= s->cfg.max_conns)
        return "max_conns";
    mine = conns_from(s, addr);
    if(mine >= s->cfg.max_conns_per_source)
        return "max_conns_per_source";
    if(mine > 0 && s->nconns + s->cfg.conn_reserve >= s->cfg.max_conns)
        return "reserve";
    return NULL;
}

static void
accept_some(struct sd_server *s)
{
    for(int i = 0; i < ACCEPT_BATCH && s->lfd >= 0; i++) {
        struct sockaddr_storage sa;
        socklen_t salen = sizeof(sa);
        char addr[ADDR_MAX];
        const char *why;
        int fd;

        memset(&sa, 0, sizeof(sa));
        fd = accept4(s->lfd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if(fd < 0) {
            if(errno == EINTR || errno == ECONNABORTED)
                continue;
            if((errno == EMFILE || errno == ENFILE) && s->spare_fd >= 0) {
                /* Out of descriptors: free the spare, take the client and drop it, so the
                 * listener does not stay readable forever. */
                close(s->spare_fd);
                fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
                if(fd >= 0)
                    close(fd);
                s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                sd_log(SD_LOG_WARN, "conn_refused", "reason=fd_limit");
                continue;
            }
            if(errno != EAGAIN && errno != EWOULDBLOCK)
                sd_log(SD_LOG_WARN, "accept_error", "errno=%d", errno);
            return;
        }
        source_of(&sa, addr);
        why = refuse_reason(s, addr);
        if(why) {
            close(fd); /* beyond a limit: accept and close at once */
            sd_metrics_conn_refused();
            sd_log(SD_LOG_WARN, "conn_refused", "reason=%s conns=%zu", why, s->nconns);
            continue;
        }
        conn_new(s, fd, addr);
    }
}

/* ---- workers ---- */

/* Hand a finished job back to the loop (any thread). */
static void
job_done(struct sd_server *s, struct sd_h2_job *job)
{
    const uint64_t one = 1;

    pthread_mutex_lock(&s->mu);
    job->next = NULL;
    if(s->dtail)
        s->dtail->next = job;
    else
        s->dhead = job;
    s->dtail = job;
    if(write(s->wakefd, &one, sizeof(one)) < 0) {
        /* eventfd full (2^64-2 wakes pending) cannot happen; the loop also polls. */
    }
    pthread_mutex_unlock(&s->mu);
}

/* The cluster gate (sd_server_set_gate): true when the call was answered here (a follower
 * refusing a write with UNAVAILABLE and the leader's name). */
static bool
gated(struct sd_server *s, struct sd_h2_job *job)
{
    char msg[512];

    if(!s->gate || s->gate(s->gate_arg, job->method, msg, sizeof(msg)))
        return false;
    sd_rpc_call_status(&job->call, SD_GRPC_UNAVAILABLE, "%s", msg);
    return true;
}

/* The store's purge gate refused a txn of this call (store.h sd_store_purge_online: the
 * pause for the purge after a shred outlasted SD_STORE_GATE_WAIT_MS). Nothing was written;
 * UNAVAILABLE is the status clients retry, and the message says when. Call with the refusal
 * flag of this thread cleared before the handler ran. */
static void
purge_refused(struct sd_h2_job *job)
{
    if(!sd_store_gate_refused() || job->call.status == SD_GRPC_OK ||
       job->call.status == SD_GRPC_UNKNOWN)
        return;
    sd_rpc_call_clear(&job->call);
    sd_rpc_call_status(&job->call, SD_GRPC_UNAVAILABLE,
                       "store paused: purge after a shred in progress; retry in 1 s");
}

/* On the writer thread, inside the batch: the connection outlives the job (inflight). */
static void
writer_run(void *ctx)
{
    struct sd_h2_job *job = ctx;
    struct sd_server *s = ((struct conn *)job->owner)->s;

    if(!gated(s, job)) {
        (void)sd_store_gate_refused();
        sd_h2_job_run(job, s->handler, s->app);
        purge_refused(job);
    }
}

/* After the batch commit: a lost commit turns every successful answer into UNAVAILABLE (the
 * client must not believe a write that is not on disk; retrying is safe). */
static void
writer_done(void *ctx, sd_err commit)
{
    struct sd_h2_job *job = ctx;
    struct sd_server *s = ((struct conn *)job->owner)->s;

    if(commit != SD_OK && job->call.status == SD_GRPC_OK) {
        char msg[512];

        sd_rpc_call_clear(&job->call);
        if(commit == SD_E_LIMIT && s->gate)
            sd_rpc_call_status(&job->call, SD_GRPC_RESOURCE_EXHAUSTED,
                               "request: its changes exceed a cluster log entry (1 MiB) or the "
                               "store's map");
        else if(s->gate && !s->gate(s->gate_arg, job->method, msg, sizeof(msg)))
            sd_rpc_call_status(&job->call, SD_GRPC_UNAVAILABLE, "commit failed: %s", msg);
        else
            sd_rpc_call_status(&job->call, SD_GRPC_UNAVAILABLE, "commit failed: %s",
                               sd_err_str(commit));
    }
    job_done(s, job);
}

static sd_err
submit_job(void *ctx, struct sd_h2_job *job)
{
    struct conn *c = ctx;
    struct sd_server *s = c->s;
    struct pool *p = &s->pools[POOL_WORKERS];

    job->to_writer = false;
    if(s->slow && s->pools[POOL_SLOW].want && s->slow(job->method)) {
        p = &s->pools[POOL_SLOW];
    } else if(s->writer && s->route && s->route(job->method)) {
        job->owner = c;
        if(s->prepare) {
            job->to_writer = true; /* a worker prepares it first (worker_main) */
        } else {
            if(sd_writer_submit(s->writer, writer_run, writer_done, job) != SD_OK) {
                sd_metrics_call(job->method, SD_GRPC_RESOURCE_EXHAUSTED, 0); /* h2 answers */
                return SD_E_LIMIT;
            }
            c->inflight++;
            s->inflight++;
            return SD_OK;
        }
    }
    pthread_mutex_lock(&s->mu);
    /* Past these the call is refused (RESOURCE_EXHAUSTED) instead of queued: memory held
     * by waiting calls stays bounded whatever the clients do. */
    if(p->qlen >= p->max_jobs || job->req.len > QUEUE_MAX_BYTES - p->qbytes) {
        pthread_mutex_unlock(&s->mu);
        sd_metrics_call(job->method, SD_GRPC_RESOURCE_EXHAUSTED, 0); /* h2 answers it */
        return SD_E_LIMIT;
    }
    job->owner = c;
    job->next = NULL;
    if(p->qtail)
        p->qtail->next = job;
    else
        p->qhead = job;
    p->qtail = job;
    p->qlen++;
    p->qbytes += job->req.len;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&s->mu);
    c->inflight++;
    s->inflight++;
    return SD_OK;
}

static void *
worker_main(void *arg)
{
    struct pool *p = arg;
    struct sd_server *s = p->s;

    pthread_mutex_lock(&s->mu);
    for(;;) {
        struct sd_h2_job *job;

        while(!s->quit && !p->qhead)
            pthread_cond_wait(&p->cv, &s->mu);
        job = p->qhead;
        if(!job)
            break; /* quit and nothing left */
        p->qhead = job->next;
        if(!p->qhead)
            p->qtail = NULL;
        p->qlen--;
        p->qbytes -= job->req.len;
        pthread_mutex_unlock(&s->mu);

        if(gated(s, job)) {
            job->to_writer = false; /* answered: a follower does not take this call */
        } else if(job->to_writer) {
            /* Prepare off the writer thread, then hand over; an answer (bad request, no
             * session, ...) or a full writer queue ends the call here. */
            job->to_writer = false;
            (void)sd_store_gate_refused();
            sd_h2_job_prepare(job, s->prepare, s->app);
            purge_refused(job);
            if(job->call.status == SD_GRPC_UNKNOWN &&
               sd_writer_submit(s->writer, writer_run, writer_done, job) == SD_OK) {
                pthread_mutex_lock(&s->mu);
                continue;
            }
            if(job->call.status == SD_GRPC_UNKNOWN)
                sd_rpc_call_status(&job->call, SD_GRPC_RESOURCE_EXHAUSTED, "server busy");
        } else {
            (void)sd_store_gate_refused();
            sd_h2_job_run(job, s->handler, s->app);
            purge_refused(job);
        }
        job_done(s, job);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static void
process_completions(struct sd_server *s)
{
    struct sd_h2_job *list;
    uint64_t now_us = sd_rpc_now_us();

    pthread_mutex_lock(&s->mu);
    list = s->dhead;
    s->dhead = s->dtail = NULL;
    pthread_mutex_unlock(&s->mu);
    while(list) {
        struct sd_h2_job *job = list;
        struct conn *c = job->owner;

        list = job->next;
        c->inflight--;
        s->inflight--;
        sd_rpc_log_call(c->id, job->stream_id, job->method, job->request_id, job->call.status,
                        now_us - job->t_start_us);
        sd_metrics_call(job->method, job->call.status, now_us - job->t_start_us);
        if(!c->closed) {
            sd_h2_complete(c->h2, job);
            conn_event(c, 0);
        } else {
            sd_h2_job_free(job);
            if(c->inflight == 0) {
                c->next = s->grave;
                s->grave = c;
            }
        }
    }
}

static sd_err
start_workers(struct sd_server *s)
{
    sd_err err = SD_OK;
    sigset_t all, old;

    /* Workers never take signals: SIGTERM/SIGINT reach the thread that runs the loop. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for(int k = 0; k < NPOOLS && err == SD_OK; k++) {
        struct pool *p = &s->pools[k];

        if(!p->want)
            continue;
        p->threads = calloc(p->want, sizeof(*p->threads));
        if(!p->threads) {
            err = SD_E_NOMEM;
            break;
        }
        for(unsigned i = 0; i < p->want; i++) {
            if(pthread_create(&p->threads[i], NULL, worker_main, p) != 0) {
                err = SD_E_NOMEM;
                break;
            }
            p->nthreads++;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return err;
}

static void
stop_workers(struct sd_server *s)
{
    pthread_mutex_lock(&s->mu);
    s->quit = true;
    for(int k = 0; k < NPOOLS; k++)
        pthread_cond_broadcast(&s->pools[k].cv);
    pthread_mutex_unlock(&s->mu);
    for(int k = 0; k < NPOOLS; k++) {
        struct pool *p = &s->pools[k];

        for(unsigned i = 0; i < p->nthreads; i++)
            pthread_join(p->threads[i], NULL);
        p->nthreads = 0;
        free(p->threads);
        p->threads = NULL;
    }
}

/* ---- loop ---- */

static void
begin_stop(struct sd_server *s)
{
    struct conn *c;
    struct conn *next;

    s->stopping = true;
    s->stop_deadline = sd_rpc_now_ms() + DRAIN_TIMEOUT_MS;
    sd_log(SD_LOG_INFO, "server_stopping", "conns=%zu inflight=%zu", s->nconns, s->inflight);
    if(s->lfd >= 0) {
        epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->lfd, NULL);
        close(s->lfd);
        s->lfd = -1;
    }
    for(c = s->conns; c; c = next) {
        next = c->next;
        if(c->state == C_HANDSHAKE) {
            conn_close(c, "shutdown");
            continue;
        }
        sd_h2_shutdown(c->h2);
        conn_event(c, 0);
    }
}

static void
sweep(struct sd_server *s, uint64_t now)
{
    uint64_t idle = s->cfg.idle_timeout_ms;
    uint64_t hs = idle < HANDSHAKE_TIMEOUT_MS ? idle : HANDSHAKE_TIMEOUT_MS;
    struct conn *c;
    struct conn *next;

    for(c = s->conns; c; c = next) {
        next = c->next;
        if(s->stopping && now >= s->stop_deadline) {
            conn_close(c, "shutdown_timeout");
            continue;
        }
        if(c->state == C_HANDSHAKE) {
            if(now - c->opened_ms >= hs)
                conn_close(c, "handshake_timeout");
            continue;
        }
        sd_h2_tick(c->h2, now);
        /* Idle: no request began, no request byte arrived and no answer byte was sent for the
         * timeout, and no call is at a worker. PINGs and SETTINGS move bytes but are not
         * activity: a client that only pings is idle. This also ends streams whose request
         * stalls and clients that stopped reading. */
        if(c->inflight == 0 && now - sd_h2_active_ms(c->h2) >= idle) {
            sd_h2_shutdown(c->h2);
            conn_fail(c, "idle");
            continue;
        }
        conn_flush(c); /* answers from sd_h2_tick */
        conn_update_events(c);
    }
}

static void
bury(struct sd_server *s)
{
    while(s->grave) {
        struct conn *c = s->grave;

        s->grave = c->next;
        free(c);
    }
}

sd_err
sd_server_run(struct sd_server *s)
{
    sd_err err = SD_OK;
    struct epoll_event evs[MAX_EVENTS];
    uint64_t last_sweep;

    SD_CHECK_ARG(s && !s->ran);
    s->ran = true;
    SD_TRY(start_workers(s));
    if(s->cfg.group_commit_max && s->route) {
        err = sd_writer_new(&s->writer, s->cfg.group_commit_max, s->cfg.group_commit_us);
        if(err != SD_OK) {
            stop_workers(s);
            goto out;
        }
        sd_metrics_writer_attach(s->writer);
    }
    sd_log(SD_LOG_INFO, "server_start",
           "port=%d workers=%u max_conns=%u idle_ms=%u group_commit=%u/%uus mtls=%s", s->port,
           s->cfg.workers, s->cfg.max_conns, s->cfg.idle_timeout_ms,
           s->writer ? s->cfg.group_commit_max : 0, s->cfg.group_commit_us,
           s->cfg.client_ca_file[0] ? (s->cfg.require_client_cert ? "required" : "optional")
                                    : "off");
    last_sweep = sd_rpc_now_ms();
    for(;;) {
        int n;
        uint64_t now;

        if(atomic_load(&s->stop) && !s->stopping)
            begin_stop(s);
        if(s->stopping && s->nconns == 0 && s->inflight == 0)
            break;
        n = epoll_wait(s->epfd, evs, MAX_EVENTS, s->stopping ? 100 : (int)TICK_MS);
        if(n < 0) {
            if(errno == EINTR)
                continue;
            /* Cannot wait any more: cut every connection; workers are still joined below. */
            sd_log(SD_LOG_ERROR, "epoll_error", "errno=%d", errno);
            err = SD_E_IO;
            while(s->conns)
                conn_close(s->conns, "server_error");
            break;
        }
        for(int i = 0; i < n; i++) {
            void *tag = evs[i].data.ptr;

            if(tag == &s->lfd) {
                accept_some(s);
            } else if(tag == &s->wakefd) {
                uint64_t v;

                if(read(s->wakefd, &v, sizeof(v)) < 0 && errno != EAGAIN)
                    sd_log(SD_LOG_WARN, "wake_error", "errno=%d", errno);
                process_completions(s);
            } else {
                struct conn *c = tag;

                if(!c->closed)
                    conn_event(c, evs[i].events);
            }
        }
        now = sd_rpc_now_ms();
        if(now - last_sweep >= (s->stopping ? 100u : TICK_MS)) {
            last_sweep = now;
            sweep(s, now);
        }
        bury(s);
    }
    /* Workers first: they drain their queue, and a prepared write goes on to the writer. */
    stop_workers(s);
    sd_metrics_writer_detach(s->writer); /* waits for a scrape reading it */
    sd_writer_free(s->writer);           /* runs and commits what is queued, then joins */
    s->writer = NULL;
    process_completions(s); /* nothing should be left; free it if there is */
    bury(s);
    sd_log(SD_LOG_INFO, "server_stopped", "conns=%zu", s->nconns);
out:
    return err;
}

void
sd_server_stop(struct sd_server *s)
{
    int saved = errno;
    const uint64_t one = 1;

    /* Async-signal-safe: a lock-free atomic store and write(2). */
    atomic_store(&s->stop, 1);
    if(write(s->wakefd, &one, sizeof(one)) < 0) {
        /* nothing to do: the loop also wakes on its tick */
    }
    errno = saved;
}

int
sd_server_port(const struct sd_server *s)
{
    return s->port;
}

void
sd_server_set_gate(struct sd_server *s, sd_server_gate_fn gate, void *arg)
{
    s->gate = gate;
    s->gate_arg = arg;
}

void
sd_server_set_prepare(struct sd_server *s, sd_rpc_handler_fn prepare)
{
    s->prepare = prepare;
}

void
sd_server_set_max_req(struct sd_server *s, size_t (*max_req)(const char *path))
{
    s->max_req = max_req;
}

void
sd_server_set_web_files(struct sd_server *s, const struct sd_web_files *files)
{
    s->files = files;
}

void
sd_server_set_slow(struct sd_server *s, sd_server_route_fn is_slow)
{
    s->slow = is_slow;
}

bool
sd_server_route_slow_sealdesk(const char *method)
{
    return method && strcmp(method, "/sealdesk.v1.Auth/Login") == 0;
}

void
sd_server_set_route(struct sd_server *s, sd_server_route_fn is_write)
{
    s->route = is_write;
}

bool
sd_server_writer_stats(struct sd_server *s, struct sd_writer_stats *out)
{
    struct sd_writer *w = s->writer;

    if(!w)
        return false;
    sd_writer_stats(w, out);
    return true;
}

/* ---- setup ---- */

static sd_err
open_listener(struct sd_server *s)
{
    /* Only mTLS-protected listeners may face a network (server.h). */
    return sd_listen_tcp(s->cfg.listen, s->cfg.require_client_cert ? 0 : SD_LISTEN_LOOPBACK_ONLY,
                         SOMAXCONN, &s->lfd, &s->port);
}

sd_err
sd_server_new(struct sd_server **out, const struct sd_server_config *c, sd_rpc_handler_fn handler,
              void *app)
{
    sd_err err = SD_OK;
    struct sd_server *s = NULL;
    struct sd_tls_ctx_opts to;
    struct epoll_event ev;

    SD_CHECK_ARG(out && c && handler);
    *out = NULL;
    SD_CHECK_ARG(c->cert_file[0] && c->key_file[0] && c->workers >= 1 && c->workers <= 256 &&
                 c->max_conns >= 1 && c->idle_timeout_ms >= 100 && c->login_workers <= 64 &&
                 c->max_conns_per_source >= 1 && c->conn_reserve < c->max_conns);
    SD_CHECK_ARG(!c->require_client_cert || c->client_ca_file[0]);
    s = calloc(1, sizeof(*s));
    SD_ENSURE(s, SD_E_NOMEM);
    s->cfg = *c;
    s->handler = handler;
    s->app = app;
    s->lfd = s->epfd = s->wakefd = s->spare_fd = -1;
    atomic_init(&s->stop, 0);
    SD_ENSURE(pthread_mutex_init(&s->mu, NULL) == 0, SD_E_NOMEM);
    s->sync_ready = true;
    for(int k = 0; k < NPOOLS; k++) {
        struct pool *p = &s->pools[k];

        p->s = s;
        SD_ENSURE(pthread_cond_init(&p->cv, NULL) == 0, SD_E_NOMEM);
        p->cv_ready = true;
    }
    s->pools[POOL_WORKERS].want = c->workers;
    s->pools[POOL_WORKERS].max_jobs = QUEUE_MAX_JOBS;
    s->pools[POOL_SLOW].want = c->login_workers;
    s->pools[POOL_SLOW].max_jobs = c->login_queue ? c->login_queue : 1;
    SD_TRY(open_listener(s));
    to.cert_file = c->cert_file;
    to.key_file = c->key_file;
    to.client_ca_file = c->client_ca_file;
    to.require_client_cert = c->require_client_cert;
    SD_TRY(sd_tls_ctx_new(&s->tls, &to));
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    s->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    SD_ENSURE(s->epfd >= 0 && s->wakefd >= 0, SD_E_IO);
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &s->lfd;
    SD_ENSURE(epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev) == 0, SD_E_IO);
    ev.data.ptr = &s->wakefd;
    SD_ENSURE(epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->wakefd, &ev) == 0, SD_E_IO);
    *out = s;
    s = NULL;
out:
    sd_server_free(s);
    return err;
}

void
sd_server_free(struct sd_server *s)
{
    if(!s)
        return;
    /* After sd_server_run every connection is gone; without a run none was ever made. */
    while(s->conns)
        conn_close(s->conns, "free");
    bury(s);
    if(s->lfd >= 0)
        close(s->lfd);
    if(s->epfd >= 0)
        close(s->epfd);
    if(s->wakefd >= 0)
        close(s->wakefd);
    if(s->spare_fd >= 0)
        close(s->spare_fd);
    sd_tls_ctx_free(s->tls);
    sd_buf_wipe_free(&s->scratch);
    for(int k = 0; k < NPOOLS; k++)
        if(s->pools[k].cv_ready)
            pthread_cond_destroy(&s->pools[k].cv);
    if(s->sync_ready)
        pthread_mutex_destroy(&s->mu);
    free(s);
}
