/* gRPC client: TCP, TLS 1.3 (OpenSSL, ALPN "h2", server certificate and name/IP verified) and
 * HTTP/2 (nghttp2) on one connection. Unary and server-streaming calls, one at a time
 * (sd_grpc_client_call, for sealctl) or many at once (sd_grpc_client_start/poll, for
 * sealbench). Message framing both ways is frame.c's (sd_grpc_frame, sd_grpc_reader); the
 * server side (tls.c, h2.c) shares nothing else with this file. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sodium.h>

#include "sealdesk/log.h"
#include "sealdesk/rpc.h"
#include "util/err_int.h"

#define CONNECT_TIMEOUT_MS 10000
#define MAX_TARGET         300 /* "host:port" */
#define MAX_HOST           253
#define RX_CHUNK           16384         /* one SSL_read */
#define RX_PER_ROUND       (1024 * 1024) /* then let writes and timers run */
#define TX_HIGH_WATER      65536         /* bytes taken from nghttp2 before writing them */
#define STREAM_WINDOW      (1024 * 1024)
#define CONN_WINDOW        (16 * 1024 * 1024)
#define WHY_CAP            200

/* One call. Lives in exactly one of the client's lists: queue (not yet submitted), active
 * (submitted to nghttp2; stays there after its result is fixed until the stream is closed and
 * on_done has run) or done (never got a stream; waits for on_done). nghttp2 never holds a
 * pointer to it: callbacks find it by stream id, so a late callback cannot touch freed memory. */
struct gcall {
    struct gcall *prev, *next;
    int32_t stream_id; /* 0 until submitted */
    struct sd_buf hdr; /* "method\0name\0value\0..." until submitted (wiped) */
    size_t n_md;
    struct sd_buf body; /* framed request until fully sent (wiped) */
    size_t body_off;
    uint64_t deadline_ms;     /* CLOCK_MONOTONIC ms, 0 = none */
    struct sd_grpc_reader rx; /* response bytes not yet delivered (wiped) */
    size_t hdr_bytes;         /* response header list size so far */
    int http_status;
    bool have_status;
    bool finished; /* err/status/message are final */
    bool notified; /* on_done has run */
    bool closed;   /* no stream open for it any more */
    sd_err err;
    int status;
    char message[256];
    sd_grpc_msg_fn on_msg;
    sd_grpc_done_fn on_done;
    void *ctx;
};

struct glist {
    struct gcall *head, *tail;
    size_t n;
};

struct sd_grpc_client {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO_METHOD *biom;
    nghttp2_session *h2;
    nghttp2_mem mem;
    char authority[MAX_TARGET + 1];
    struct glist queue, active, done;
    size_t n_open;    /* streams submitted and not closed */
    size_t n_pending; /* started calls whose on_done has not run */
    struct sd_buf tx; /* TLS plaintext waiting for SSL_write (wiped at close) */
    size_t tx_off;
    bool read_wants_write; /* SSL_read asked for a writable socket */
    bool got_settings;
    bool connected;
    bool goaway;
    bool dead;
    bool closing;
    bool in_callback; /* inside on_msg or on_done */
    bool in_on_msg;   /* inside on_msg (start is refused there) */
    sd_err dead_err;
    uint32_t timeout_ms;
    size_t max_msg; /* response message limit for calls started from now on */
    uint64_t last_rx_ms;
    char why[WHY_CAP];
};

/* ---- small helpers ---- */

/* Network timeouts need real elapsed time, not sd_clock (which tests may freeze). */
static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int
ms_until(uint64_t deadline, uint64_t now)
{
    uint64_t d = deadline > now ? deadline - now : 0;

    return d > INT_MAX ? INT_MAX : (int)d;
}

static void set_why(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_why(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;

    if(!why || cap == 0)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(why, cap, fmt, ap); /* a longer message is cut: fine */
    va_end(ap);
}

static const char *
errno_str(int e, char *buf, size_t cap)
{
    return strerror_r(e, buf, cap); /* GNU variant (_GNU_SOURCE) */
}

/* The last OpenSSL error as text (library reasons never contain key material). */
static const char *
ssl_err_str(char *buf, size_t cap)
{
    unsigned long e = ERR_peek_last_error();

    if(e == 0)
        return "unknown TLS error";
    ERR_error_string_n(e, buf, cap);
    return buf;
}

static void
list_push(struct glist *l, struct gcall *k)
{
    k->next = NULL;
    k->prev = l->tail;
    if(l->tail)
        l->tail->next = k;
    else
        l->head = k;
    l->tail = k;
    l->n++;
}

static void
list_unlink(struct glist *l, struct gcall *k)
{
    if(k->prev)
        k->prev->next = k->next;
    else
        l->head = k->next;
    if(k->next)
        /* list_push and list_unlink keep prev/next consistent: no freed node stays linked. */
        // NOLINTNEXTLINE(clang-analyzer-unix.Malloc)
        k->next->prev = k->prev;
    else
        l->tail = k->prev;
    k->prev = k->next = NULL;
    l->n--;
}

static void
call_free(struct gcall *k)
{
    if(!k)
        return;
    sd_buf_wipe_free(&k->hdr);
    sd_buf_wipe_free(&k->body);
    sd_grpc_reader_clear(&k->rx);
    sodium_memzero(k, sizeof(*k));
    free(k);
}

static struct gcall *
find_call(struct sd_grpc_client *c, int32_t stream_id)
{
    struct gcall *k;

    for(k = c->active.head; k; k = k->next)
        if(k->stream_id == stream_id)
            return k;
    return NULL;
}

/* Fix the result of a call once; later events for it are ignored. message NULL keeps the
 * grpc-message already decoded into k->message. */
static void call_finish(struct gcall *k, sd_err err, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
call_finish(struct gcall *k, sd_err err, int status, const char *fmt, ...)
{
    va_list ap;

    if(k->finished)
        return;
    k->finished = true;
    k->err = err;
    k->status = status;
    if(fmt) {
        va_start(ap, fmt);
        /* A longer message is cut: fine. */
        (void)vsnprintf(k->message, sizeof(k->message), fmt, ap);
        va_end(ap);
    }
}

/* Fail a call that has a stream: fix the result and reset the stream (CANCEL). */
static void
stream_fail(struct sd_grpc_client *c, struct gcall *k, sd_err err, const char *reason)
{
    call_finish(k, err, SD_GRPC_UNKNOWN, "%s", reason);
    if(!c->dead && !k->closed)
        nghttp2_submit_rst_stream(c->h2, NGHTTP2_FLAG_NONE, k->stream_id, NGHTTP2_CANCEL);
}

/* The connection is lost: every call not yet finished gets err. No nghttp2 call is made
 * after this except nghttp2_session_del. */
static void client_die(struct sd_grpc_client *c, sd_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
client_die(struct sd_grpc_client *c, sd_err err, const char *fmt, ...)
{
    struct gcall *k;
    va_list ap;

    if(c->dead)
        return;
    c->dead = true;
    c->dead_err = err;
    va_start(ap, fmt);
    (void)vsnprintf(c->why, sizeof(c->why), fmt, ap); /* a longer message is cut: fine */
    va_end(ap);
    while(c->queue.head) {
        k = c->queue.head;
        list_unlink(&c->queue, k);
        call_finish(k, err, SD_GRPC_UNKNOWN, "%s", c->why);
        k->closed = true;
        list_push(&c->done, k);
    }
    for(k = c->active.head; k; k = k->next) {
        call_finish(k, err, SD_GRPC_UNKNOWN, "%s", c->why);
        if(!k->closed) {
            k->closed = true;
            c->n_open--;
        }
    }
}

static void
client_die_ssl(struct sd_grpc_client *c, int ssl_error, const char *op)
{
    char eb[160];

    // NOLINTNEXTLINE(bugprone-branch-clone): one case per SSL error class
    if(ssl_error == SSL_ERROR_ZERO_RETURN) {
        client_die(c, SD_E_IO, "server closed the connection");
    } else if(ssl_error == SSL_ERROR_SSL) {
        /* A TLS alert or record failure. While connecting this is the server refusing the
         * handshake (e.g. our client certificate), which DESIGN files under crypto. */
        client_die(c, c->connected ? SD_E_IO : SD_E_CRYPTO, "TLS %s failed: %s", op,
                   ssl_err_str(eb, sizeof(eb)));
    } else if(errno != 0) {
        client_die(c, SD_E_IO, "TLS %s failed: %s", op, errno_str(errno, eb, sizeof(eb)));
    } else {
        client_die(c, SD_E_IO, "server closed the connection");
    }
}

/* ---- allocator for nghttp2: header and frame buffers may hold tokens, wipe on free ---- */

static void *
mem_malloc(size_t n, void *ud)
{
    (void)ud;
    return malloc(n);
}

static void
mem_free(void *p, void *ud)
{
    (void)ud;
    if(!p)
        return;
    sodium_memzero(p, malloc_usable_size(p));
    free(p);
}

static void *
mem_calloc(size_t nmemb, size_t size, void *ud)
{
    (void)ud;
    return calloc(nmemb, size);
}

static void *
mem_realloc(void *p, size_t n, void *ud)
{
    size_t old;
    void *q;

    if(!p)
        return malloc(n);
    if(n == 0) {
        mem_free(p, ud);
        return NULL;
    }
    q = malloc(n);
    if(!q)
        return NULL;
    old = malloc_usable_size(p);
    memcpy(q, p, old < n ? old : n);
    mem_free(p, ud);
    return q;
}

/* ---- socket BIO: like BIO_s_socket but with MSG_NOSIGNAL, so a dead peer is an error and not
 * a SIGPIPE that kills the process ---- */

static int
bio_write(BIO *b, const char *buf, int len)
{
    const int *fd = BIO_get_data(b);
    ssize_t n;

    BIO_clear_retry_flags(b);
    if(len <= 0)
        return 0;
    n = send(*fd, buf, (size_t)len, MSG_NOSIGNAL);
    if(n < 0) {
        if(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            BIO_set_retry_write(b);
        return -1;
    }
    return (int)n;
}

static int
bio_read(BIO *b, char *buf, int len)
{
    const int *fd = BIO_get_data(b);
    ssize_t n;

    BIO_clear_retry_flags(b);
    if(len <= 0)
        return 0;
    n = recv(*fd, buf, (size_t)len, 0);
    if(n < 0) {
        if(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            BIO_set_retry_read(b);
        return -1;
    }
    return (int)n;
}

static long
bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b;
    (void)num;
    (void)ptr;
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

/* ---- TCP and TLS ---- */

/* "host:port" or "[v6]:port" -> host (brackets removed) and port. */
static sd_err
split_target(const char *t, char *host, size_t hostcap, char *port, size_t portcap)
{
    const char *colon;
    const char *h = t;
    size_t hl;
    size_t pl;
    size_t i;

    if(strlen(t) > MAX_TARGET)
        return SD_E_INVALID;
    colon = strrchr(t, ':');
    if(!colon)
        return SD_E_INVALID;
    hl = (size_t)(colon - t);
    if(t[0] == '[') {
        if(hl < 3 || t[hl - 1] != ']')
            return SD_E_INVALID;
        h = t + 1;
        hl -= 2;
    } else if(memchr(t, ':', hl)) {
        return SD_E_INVALID; /* bare IPv6 needs brackets */
    }
    pl = strlen(colon + 1);
    if(hl == 0 || hl > MAX_HOST || hl >= hostcap || pl == 0 || pl > 5 || pl >= portcap)
        return SD_E_INVALID;
    for(i = 0; i < pl; i++)
        if(colon[1 + i] < '0' || colon[1 + i] > '9')
            return SD_E_INVALID;
    {
        unsigned long v = strtoul(colon + 1, NULL, 10); /* 1..5 digits, checked above */

        if(v < 1 || v > 65535)
            return SD_E_INVALID;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    memcpy(port, colon + 1, pl + 1);
    return SD_OK;
}

static sd_err
wait_fd(struct sd_grpc_client *c, short events, uint64_t deadline, const char *what)
{
    struct pollfd pfd = {.fd = c->fd, .events = events, .revents = 0};
    int r;

    for(;;) {
        uint64_t now = now_ms();

        if(now >= deadline) {
            set_why(c->why, sizeof(c->why), "timeout during %s", what);
            return SD_E_IO;
        }
        r = poll(&pfd, 1, ms_until(deadline, now));
        if(r > 0)
            return SD_OK;
        if(r < 0 && errno != EINTR) {
            set_why(c->why, sizeof(c->why), "poll failed during %s", what);
            return SD_E_IO;
        }
    }
}

static sd_err
tcp_connect(struct sd_grpc_client *c, const char *host, const char *port, uint64_t deadline)
{
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    char eb[96];
    int last = ECONNREFUSED;
    int rc;
    sd_err err = SD_E_IO;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    /* getaddrinfo has no timeout of its own; the 10 s budget covers what follows. */
    rc = getaddrinfo(host, port, &hints, &res);
    if(rc != 0) {
        set_why(c->why, sizeof(c->why), "cannot resolve %s: %s", host, gai_strerror(rc));
        return SD_E_IO;
    }
    for(ai = res; ai; ai = ai->ai_next) {
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        int one = 1;

        c->fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if(c->fd < 0) {
            last = errno;
            continue;
        }
        if(connect(c->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            // NOLINTNEXTLINE(bugprone-branch-clone): each failure keeps its own errno
            if(errno != EINPROGRESS) {
                soerr = errno;
            } else if(wait_fd(c, POLLOUT, deadline, "TCP connect") != SD_OK) {
                soerr = ETIMEDOUT;
            } else if(getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0) {
                soerr = errno;
            }
        }
        if(soerr == 0) {
            setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            err = SD_OK;
            break;
        }
        last = soerr;
        close(c->fd);
        c->fd = -1;
        if(soerr == ETIMEDOUT)
            break;
    }
    freeaddrinfo(res);
    if(err != SD_OK)
        set_why(c->why, sizeof(c->why), "cannot connect to %s port %s: %s", host, port,
                errno_str(last, eb, sizeof(eb)));
    return err;
}

static bool
is_ip_literal(const char *s)
{
    unsigned char a[sizeof(struct in6_addr)];

    return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

static sd_err
tls_setup(struct sd_grpc_client *c, const struct sd_grpc_client_opts *o, const char *name)
{
    static const unsigned char alpn[] = {2, 'h', '2'};
    char eb[160];
    X509_VERIFY_PARAM *param;
    BIO *bio;

    ERR_clear_error();
    c->ctx = SSL_CTX_new(TLS_client_method());
    if(!c->ctx)
        return SD_E_NOMEM;
    if(SSL_CTX_set_min_proto_version(c->ctx, TLS1_3_VERSION) != 1 ||
       SSL_CTX_set_max_proto_version(c->ctx, TLS1_3_VERSION) != 1 ||
       SSL_CTX_set_alpn_protos(c->ctx, alpn, sizeof(alpn)) != 0) {
        set_why(c->why, sizeof(c->why), "TLS setup failed: %s", ssl_err_str(eb, sizeof(eb)));
        return SD_E_CRYPTO;
    }
    SSL_CTX_set_options(c->ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
    SSL_CTX_set_mode(c->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
    if(SSL_CTX_load_verify_locations(c->ctx, o->ca_file, NULL) != 1) {
        set_why(c->why, sizeof(c->why), "cannot load CA file %s: %s", o->ca_file,
                ssl_err_str(eb, sizeof(eb)));
        return SD_E_IO;
    }
    if(o->cert_file) {
        if(SSL_CTX_use_certificate_chain_file(c->ctx, o->cert_file) != 1 ||
           SSL_CTX_use_PrivateKey_file(c->ctx, o->key_file, SSL_FILETYPE_PEM) != 1 ||
           SSL_CTX_check_private_key(c->ctx) != 1) {
            set_why(c->why, sizeof(c->why), "client certificate or key unusable: %s",
                    ssl_err_str(eb, sizeof(eb)));
            return SD_E_CRYPTO;
        }
    }
    c->ssl = SSL_new(c->ctx);
    c->biom = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sd_grpc_socket");
    if(!c->ssl || !c->biom || BIO_meth_set_write(c->biom, bio_write) != 1 ||
       BIO_meth_set_read(c->biom, bio_read) != 1 || BIO_meth_set_ctrl(c->biom, bio_ctrl) != 1)
        return SD_E_NOMEM;
    bio = BIO_new(c->biom);
    if(!bio)
        return SD_E_NOMEM;
    BIO_set_data(bio, &c->fd);
    BIO_set_init(bio, 1);
    SSL_set_bio(c->ssl, bio, bio);
    param = SSL_get0_param(c->ssl);
    if(is_ip_literal(name)) {
        /* RFC 6066: no IP literal in SNI; verify the IP SAN instead. */
        if(X509_VERIFY_PARAM_set1_ip_asc(param, name) != 1)
            return SD_E_INVALID;
    } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if(SSL_set_tlsext_host_name(c->ssl, name) != 1 || SSL_set1_host(c->ssl, name) != 1)
            return SD_E_INVALID;
    }
    SSL_set_connect_state(c->ssl);
    return SD_OK;
}

static sd_err
tls_handshake(struct sd_grpc_client *c, uint64_t deadline)
{
    const unsigned char *proto = NULL;
    unsigned int plen = 0;
    char eb[160];
    long vr;
    int r;
    int e;

    for(;;) {
        ERR_clear_error();
        errno = 0;
        r = SSL_do_handshake(c->ssl);
        if(r == 1)
            break;
        e = SSL_get_error(c->ssl, r);
        if(e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if(wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, "TLS handshake") !=
               SD_OK)
                return SD_E_IO;
            continue;
        }
        vr = SSL_get_verify_result(c->ssl);
        if(vr != X509_V_OK) {
            set_why(c->why, sizeof(c->why), "certificate verify failed: %s",
                    X509_verify_cert_error_string(vr));
            return SD_E_CRYPTO;
        }
        if(e == SSL_ERROR_SSL) {
            set_why(c->why, sizeof(c->why), "TLS handshake failed: %s",
                    ssl_err_str(eb, sizeof(eb)));
            return SD_E_CRYPTO;
        }
        set_why(c->why, sizeof(c->why), "connection lost during TLS handshake: %s",
                errno ? errno_str(errno, eb, sizeof(eb)) : "closed by server");
        return SD_E_IO;
    }
    SSL_get0_alpn_selected(c->ssl, &proto, &plen);
    if(plen != 2 || memcmp(proto, "h2", 2) != 0) {
        set_why(c->why, sizeof(c->why), "server did not negotiate ALPN h2 (gRPC needs HTTP/2)");
        return SD_E_IO;
    }
    return SD_OK;
}

/* ---- I/O pump ---- */

/* Hand nghttp2's output to TLS until it blocks or nothing is left. */
static void
flush_out(struct sd_grpc_client *c)
{
    const uint8_t *d;
    ssize_t n;
    size_t left;
    int w;
    int e;

    while(!c->dead) {
        if(c->tx_off == c->tx.len) {
            c->tx.len = 0;
            c->tx_off = 0;
            while(c->tx.len < TX_HIGH_WATER) {
                n = nghttp2_session_mem_send(c->h2, &d);
                if(n < 0) {
                    client_die(c, SD_E_IO, "HTTP/2 send failed: %s", nghttp2_strerror((int)n));
                    return;
                }
                if(n == 0)
                    break;
                if(sd_buf_append(&c->tx, d, (size_t)n) != SD_OK) {
                    client_die(c, SD_E_NOMEM, "out of memory");
                    return;
                }
            }
            if(c->tx.len == 0)
                return;
        }
        left = c->tx.len - c->tx_off;
        ERR_clear_error();
        errno = 0;
        w = SSL_write(c->ssl, c->tx.data + c->tx_off, left > INT_MAX ? INT_MAX : (int)left);
        if(w > 0) {
            c->tx_off += (size_t)w;
            continue;
        }
        e = SSL_get_error(c->ssl, w);
        if(e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
            return; /* poll waits for POLLOUT while tx is pending, POLLIN always */
        client_die_ssl(c, e, "write");
    }
}

/* Read what TLS has and feed it to nghttp2 (which runs the frame callbacks). */
static void
read_in(struct sd_grpc_client *c)
{
    uint8_t buf[RX_CHUNK];
    size_t total = 0;
    ssize_t m;
    int r;
    int e;

    c->read_wants_write = false;
    while(!c->dead && total < RX_PER_ROUND) {
        ERR_clear_error();
        errno = 0;
        r = SSL_read(c->ssl, buf, (int)sizeof(buf));
        if(r > 0) {
            total += (size_t)r;
            c->last_rx_ms = now_ms();
            m = nghttp2_session_mem_recv(c->h2, buf, (size_t)r);
            if(m < 0)
                client_die(c, SD_E_IO, "HTTP/2 protocol error: %s", nghttp2_strerror((int)m));
            continue;
        }
        e = SSL_get_error(c->ssl, r);
        if(e == SSL_ERROR_WANT_READ)
            break;
        if(e == SSL_ERROR_WANT_WRITE) {
            c->read_wants_write = true;
            break;
        }
        client_die_ssl(c, e, "read");
    }
    /* Response bytes may be decrypted PII. */
    sodium_memzero(buf, sizeof(buf));
}

/* One round: write, wait up to timeout_ms for the socket, read, write the replies. */
static void
io_round(struct sd_grpc_client *c, int timeout_ms)
{
    struct pollfd pfd;
    int r;

    flush_out(c);
    if(c->dead)
        return;
    pfd.fd = c->fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    if(c->tx_off < c->tx.len || c->read_wants_write)
        pfd.events |= POLLOUT;
    r = poll(&pfd, 1, SSL_has_pending(c->ssl) ? 0 : timeout_ms);
    if(r < 0 && errno != EINTR) {
        client_die(c, SD_E_IO, "poll failed");
        return;
    }
    if(r > 0 || SSL_has_pending(c->ssl))
        read_in(c);
    flush_out(c);
    if(!c->dead && !nghttp2_session_want_read(c->h2) && !nghttp2_session_want_write(c->h2))
        client_die(c, SD_E_IO,
                   c->goaway ? "server closed the connection (GOAWAY)" : "HTTP/2 session ended");
}

/* ---- nghttp2 callbacks ---- */

static ssize_t
body_read(nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t len, uint32_t *flags,
          nghttp2_data_source *src, void *ud)
{
    struct sd_grpc_client *c = ud;
    struct gcall *k = find_call(c, stream_id);
    size_t left;
    size_t n;

    (void)s;
    (void)src;
    if(!k || k->finished)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    left = k->body.len - k->body_off;
    n = left < len ? left : len;
    if(n)
        memcpy(buf, k->body.data + k->body_off, n);
    k->body_off += n;
    if(k->body_off == k->body.len) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        sd_buf_wipe_free(&k->body); /* requests carry passwords (Auth/Login) */
        k->body_off = 0;
    }
    return (ssize_t)n;
}

static bool
name_is(const uint8_t *name, size_t len, const char *lit)
{
    return len == strlen(lit) && memcmp(name, lit, len) == 0;
}

static int
hexval(uint8_t ch)
{
    if(ch >= '0' && ch <= '9')
        return ch - '0';
    if(ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if(ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* grpc-message is percent-encoded UTF-8. Invalid escapes are kept as they are (the spec says
 * never to drop the message), control bytes become '?', and a cut at cap never splits a
 * UTF-8 sequence. */
static void
message_decode(char *out, size_t cap, const uint8_t *v, size_t n)
{
    size_t o = 0;
    size_t i;
    size_t lead;
    size_t need;
    bool cut = false;

    for(i = 0; i < n; i++) {
        uint8_t ch = v[i];

        if(o + 1 >= cap) {
            cut = true;
            break;
        }
        if(ch == '%' && n - i > 2 && hexval(v[i + 1]) >= 0 && hexval(v[i + 2]) >= 0) {
            ch = (uint8_t)(hexval(v[i + 1]) * 16 + hexval(v[i + 2]));
            i += 2;
        }
        if(ch < 0x20 || ch == 0x7f)
            ch = '?';
        out[o++] = (char)ch;
    }
    if(cut && o > 0) {
        lead = o;
        while(lead > 0 && ((uint8_t)out[lead - 1] & 0xC0) == 0x80)
            lead--;
        if(lead > 0 && (uint8_t)out[lead - 1] >= 0xC0) {
            uint8_t b = (uint8_t)out[lead - 1];

            need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            if(o - (lead - 1) < need)
                o = lead - 1;
        }
    }
    if(cap)
        out[o] = '\0';
}

/* Parse 1-3 decimal digits; -1 if malformed. */
static int
parse_small_uint(const uint8_t *v, size_t n)
{
    int x = 0;
    size_t i;

    if(n == 0 || n > 3)
        return -1;
    for(i = 0; i < n; i++) {
        if(v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

static int
on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name, size_t namelen,
          const uint8_t *value, size_t valuelen, uint8_t flags, void *ud)
{
    struct sd_grpc_client *c = ud;
    struct gcall *k;
    int v;

    (void)s;
    (void)flags;
    if(f->hd.type != NGHTTP2_HEADERS)
        return 0;
    k = find_call(c, f->hd.stream_id);
    if(!k || k->finished)
        return 0;
    k->hdr_bytes += namelen + valuelen + 32; /* RFC 9113 6.5.2 accounting */
    if(k->hdr_bytes > SD_RPC_MAX_HEADER_LIST) {
        stream_fail(c, k, SD_E_LIMIT, "response header list too large");
        return 0;
    }
    if(name_is(name, namelen, ":status")) {
        v = parse_small_uint(value, valuelen);
        k->http_status = v < 0 ? 999 : v;
    } else if(name_is(name, namelen, "grpc-status")) {
        v = parse_small_uint(value, valuelen);
        k->have_status = true;
        k->status = v < 0 ? SD_GRPC_UNKNOWN : v;
    } else if(name_is(name, namelen, "grpc-message")) {
        message_decode(k->message, sizeof(k->message), value, valuelen);
    }
    return 0;
}

/* Buffer a DATA chunk and deliver the messages it completes, in order. */
static void
rx_feed(struct sd_grpc_client *c, struct gcall *k, const uint8_t *p, size_t n)
{
    const uint8_t *msg;
    size_t len;
    sd_err err;

    err = sd_grpc_reader_feed(&k->rx, p, n);
    for(;;) {
        if(err == SD_E_LIMIT) {
            stream_fail(c, k, SD_E_LIMIT, "response message over the 1 MiB limit");
            return;
        }
        if(err == SD_E_INVALID) {
            stream_fail(c, k, SD_E_INVALID, "compressed or malformed response message");
            return;
        }
        if(err != SD_OK) {
            stream_fail(c, k, err, "cannot buffer response");
            return;
        }
        err = sd_grpc_reader_next(&k->rx, &msg, &len);
        if(err == SD_E_EMPTY)
            return;
        if(err == SD_OK && k->on_msg) {
            c->in_callback = true;
            c->in_on_msg = true;
            err = k->on_msg(k->ctx, msg, len);
            c->in_on_msg = false;
            c->in_callback = false;
            if(err != SD_OK) {
                stream_fail(c, k, err, "call cancelled by the message callback");
                return;
            }
        }
    }
}

static int
on_data_chunk(nghttp2_session *s, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t len,
              void *ud)
{
    struct sd_grpc_client *c = ud;
    struct gcall *k = find_call(c, stream_id);

    (void)s;
    (void)flags;
    if(k && !k->finished)
        rx_feed(c, k, data, len);
    return 0;
}

static int
http_to_grpc(int http)
{
    switch(http) {
    case 400:
        return SD_GRPC_INTERNAL;
    case 401:
        return SD_GRPC_UNAUTHENTICATED;
    case 403:
        return SD_GRPC_PERMISSION_DENIED;
    case 404:
        return SD_GRPC_UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
        return SD_GRPC_UNAVAILABLE;
    default:
        return SD_GRPC_UNKNOWN;
    }
}

static int
on_stream_close(nghttp2_session *s, int32_t stream_id, uint32_t code, void *ud)
{
    struct sd_grpc_client *c = ud;
    struct gcall *k = find_call(c, stream_id);

    (void)s;
    if(!k || k->closed)
        return 0;
    k->closed = true;
    c->n_open--;
    if(k->finished)
        return 0;
    /* A status wins over a reset that follows it (servers RST after trailers). */
    if(k->have_status && k->rx.buf.len != 0)
        call_finish(k, SD_E_INVALID, SD_GRPC_UNKNOWN, "response ended inside a message");
    else if(k->have_status)
        call_finish(k, SD_OK, k->status, NULL);
    else if(code != NGHTTP2_NO_ERROR)
        call_finish(k, SD_E_IO, SD_GRPC_UNKNOWN, "stream reset by server: %s",
                    nghttp2_http2_strerror(code));
    else if(k->http_status != 0 && k->http_status != 200)
        call_finish(k, SD_OK, http_to_grpc(k->http_status), "HTTP status %d", k->http_status);
    else
        call_finish(k, SD_E_IO, SD_GRPC_UNKNOWN, "response ended without grpc-status");
    return 0;
}

static int
on_frame_recv(nghttp2_session *s, const nghttp2_frame *f, void *ud)
{
    struct sd_grpc_client *c = ud;
    struct gcall *k;

    (void)s;
    if(f->hd.type == NGHTTP2_SETTINGS && !(f->hd.flags & NGHTTP2_FLAG_ACK)) {
        c->got_settings = true;
    } else if(f->hd.type == NGHTTP2_GOAWAY) {
        /* Streams above last_stream_id are closed by nghttp2 (REFUSED_STREAM); the rest may
         * still finish. Nothing new may start. */
        c->goaway = true;
        while(c->queue.head) {
            k = c->queue.head;
            list_unlink(&c->queue, k);
            call_finish(k, SD_E_IO, SD_GRPC_UNKNOWN, "server is going away (GOAWAY %s)",
                        nghttp2_http2_strerror(f->goaway.error_code));
            k->closed = true;
            list_push(&c->done, k);
        }
    }
    return 0;
}

static int
on_frame_not_send(nghttp2_session *s, const nghttp2_frame *f, int lib_error, void *ud)
{
    struct sd_grpc_client *c = ud;
    struct gcall *k;

    (void)s;
    if(f->hd.type != NGHTTP2_HEADERS || f->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    k = find_call(c, f->hd.stream_id);
    if(!k || k->closed)
        return 0;
    k->closed = true;
    c->n_open--;
    call_finish(k, SD_E_IO, SD_GRPC_UNKNOWN, "request not sent: %s", nghttp2_strerror(lib_error));
    return 0;
}

static sd_err
h2_setup(struct sd_grpc_client *c)
{
    nghttp2_session_callbacks *cb = NULL;
    nghttp2_option *opt = NULL;
    nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, STREAM_WINDOW},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, SD_RPC_MAX_HEADER_LIST},
    };
    sd_err err = SD_OK;

    c->mem.mem_user_data = NULL;
    c->mem.malloc = mem_malloc;
    c->mem.free = mem_free;
    c->mem.calloc = mem_calloc;
    c->mem.realloc = mem_realloc;
    SD_ENSURE(nghttp2_session_callbacks_new(&cb) == 0, SD_E_NOMEM);
    SD_ENSURE(nghttp2_option_new(&opt) == 0, SD_E_NOMEM);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(cb, on_frame_not_send);
    /* Until the server's SETTINGS arrive (connect waits for them) open nothing. */
    nghttp2_option_set_peer_max_concurrent_streams(opt, 1);
    SD_ENSURE(nghttp2_session_client_new3(&c->h2, cb, c, opt, &c->mem) == 0, SD_E_NOMEM);
    SD_ENSURE(nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, iv, sizeof(iv) / sizeof(iv[0])) ==
                  0,
              SD_E_NOMEM);
    SD_ENSURE(nghttp2_session_set_local_window_size(c->h2, NGHTTP2_FLAG_NONE, 0, CONN_WINDOW) == 0,
              SD_E_NOMEM);
out:
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cb);
    return err;
}

/* ---- calls ---- */

static bool
method_ok(const char *m)
{
    size_t n = strnlen(m, SD_GRPC_CLIENT_MAX_METHOD + 1);
    size_t i;

    if(n < 2 || n > SD_GRPC_CLIENT_MAX_METHOD || m[0] != '/')
        return false;
    for(i = 1; i < n; i++) {
        char ch = m[i];

        if(!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '.' || ch == '_' || ch == '-' || ch == '/'))
            return false;
    }
    return true;
}

static bool
md_name_ok(const char *s, size_t n)
{
    static const char *const reserved[] = {
        "te",         "content-type",     "user-agent",        "host",    "connection",
        "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
    };
    size_t i;

    if(n == 0 || n > 128 || strncmp(s, "grpc-", 5) == 0)
        return false;
    for(i = 0; i < n; i++) {
        char ch = s[i];

        if(!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
             ch == '-'))
            return false;
    }
    for(i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if(strcmp(s, reserved[i]) == 0)
            return false;
    return true;
}

static bool
md_value_ok(const char *s, size_t n)
{
    size_t i;

    if(n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
        return false;
    for(i = 0; i < n; i++)
        if((uint8_t)s[i] < 0x20 || (uint8_t)s[i] > 0x7e)
            return false;
    return true;
}

size_t
sd_grpc_client_max_streams(const struct sd_grpc_client *c)
{
    uint32_t v;

    if(!c || !c->h2)
        return 0;
    v = nghttp2_session_get_remote_settings(c->h2, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
    return v < SD_RPC_MAX_STREAMS ? v : SD_RPC_MAX_STREAMS;
}

static sd_err
call_submit(struct sd_grpc_client *c, struct gcall *k)
{
    nghttp2_nv nva[8 + SD_GRPC_CLIENT_MAX_MD];
    nghttp2_data_provider prd;
    char tmo[24];
    const char *p = (const char *)k->hdr.data;
    size_t nv = 0;
    size_t i;
    int32_t id;

#define NV(nm, val, fl)                              \
    do {                                             \
        nva[nv].name = (uint8_t *)(uintptr_t)(nm);   \
        nva[nv].namelen = strlen(nm);                \
        nva[nv].value = (uint8_t *)(uintptr_t)(val); \
        nva[nv].valuelen = strlen(val);              \
        nva[nv].flags = (fl);                        \
        nv++;                                        \
    } while(0)

    NV(":method", "POST", NGHTTP2_NV_FLAG_NONE);
    NV(":scheme", "https", NGHTTP2_NV_FLAG_NONE);
    NV(":path", p, NGHTTP2_NV_FLAG_NONE);
    NV(":authority", c->authority, NGHTTP2_NV_FLAG_NONE);
    NV("content-type", "application/grpc", NGHTTP2_NV_FLAG_NONE);
    NV("te", "trailers", NGHTTP2_NV_FLAG_NONE);
    NV("user-agent", "sealdesk-grpc-c/1", NGHTTP2_NV_FLAG_NONE);
    if(k->deadline_ms) {
        int left = ms_until(k->deadline_ms, now_ms());

        snprintf(tmo, sizeof(tmo), "%dm", left > 0 ? left : 1);
        NV("grpc-timeout", tmo, NGHTTP2_NV_FLAG_NONE);
    }
    p += strlen(p) + 1;
    for(i = 0; i < k->n_md; i++) {
        const char *name = p;
        const char *value = p + strlen(p) + 1;

        /* Never indexed: tokens stay out of both peers' HPACK tables (RFC 7541 7.1.3). */
        NV(name, value, NGHTTP2_NV_FLAG_NO_INDEX);
        p = value + strlen(value) + 1;
    }
#undef NV
    prd.source.ptr = NULL;
    prd.read_callback = body_read;
    /* nghttp2 copies nva (into memory our allocator wipes); our copy can go now. */
    id = nghttp2_submit_request(c->h2, NULL, nva, nv, &prd, NULL);
    sodium_memzero(nva, sizeof(nva));
    sd_buf_wipe_free(&k->hdr);
    if(id == NGHTTP2_ERR_STREAM_ID_NOT_AVAILABLE)
        return SD_E_LIMIT;
    if(id < 0)
        return SD_E_NOMEM;
    k->stream_id = id;
    return SD_OK;
}

/* Move queued calls onto the wire while stream slots are free. */
static void
pump_queue(struct sd_grpc_client *c)
{
    struct gcall *k;
    sd_err err;

    while(c->queue.head && !c->dead && !c->goaway && c->n_open < sd_grpc_client_max_streams(c)) {
        k = c->queue.head;
        list_unlink(&c->queue, k);
        err = call_submit(c, k);
        if(err != SD_OK) {
            call_finish(k, err, SD_GRPC_UNKNOWN, "request not submitted: %s", sd_err_str(err));
            k->closed = true;
            list_push(&c->done, k);
            continue;
        }
        list_push(&c->active, k);
        c->n_open++;
    }
}

/* Finish calls whose local deadline passed; returns ms to the next deadline (or INT_MAX). */
static int
check_deadlines(struct sd_grpc_client *c)
{
    uint64_t now = now_ms();
    uint64_t next = UINT64_MAX;
    struct gcall *k;
    struct gcall *nk;

    for(k = c->queue.head; k; k = nk) {
        nk = k->next;
        if(k->deadline_ms && now >= k->deadline_ms) {
            list_unlink(&c->queue, k);
            call_finish(k, SD_OK, SD_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
            k->closed = true;
            list_push(&c->done, k);
        } else if(k->deadline_ms && k->deadline_ms < next) {
            next = k->deadline_ms;
        }
    }
    for(k = c->active.head; k; k = k->next) {
        if(k->finished || !k->deadline_ms)
            continue;
        if(now >= k->deadline_ms) {
            call_finish(k, SD_OK, SD_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
            if(!c->dead && !k->closed)
                nghttp2_submit_rst_stream(c->h2, NGHTTP2_FLAG_NONE, k->stream_id, NGHTTP2_CANCEL);
        } else if(k->deadline_ms < next) {
            next = k->deadline_ms;
        }
    }
    return next == UINT64_MAX ? INT_MAX : ms_until(next, now);
}

static void
notify(struct sd_grpc_client *c, struct gcall *k)
{
    k->notified = true;
    c->n_pending--;
    k->on_done(k->ctx, k->err, k->status, k->message);
}

/* Run on_done for finished calls and free those nothing refers to any more. */
static void
run_completions(struct sd_grpc_client *c)
{
    struct gcall *k;
    struct gcall *nk;

    c->in_callback = true;
    for(k = c->active.head; k; k = nk) {
        if(k->finished && !k->notified)
            notify(c, k);
        nk = k->next; /* on_done may append (start), never remove */
        if(k->closed && k->notified) {
            list_unlink(&c->active, k);
            call_free(k);
        }
    }
    while(c->done.head) {
        k = c->done.head;
        // NOLINTNEXTLINE(clang-analyzer-unix.Malloc): k is the head (prev NULL): head moves on
        list_unlink(&c->done, k);
        if(!k->notified)
            notify(c, k);
        call_free(k);
    }
    c->in_callback = false;
}

static sd_err
call_new(struct gcall **out, const char *method, const char *const *md, const uint8_t *req,
         size_t n)
{
    struct gcall *k = NULL;
    size_t md_bytes = 0;
    size_t i;
    sd_err err = SD_OK;

    *out = NULL;
    SD_CHECK_ARG(method && method_ok(method));
    SD_CHECK_ARG(req || n == 0);
    /* The send limit is the largest any method takes (Intake/SubmitMail); the server refuses
     * a request over its method's own limit with RESOURCE_EXHAUSTED. */
    SD_ENSURE(n <= SD_RPC_MAX_REQ_LARGE, SD_E_LIMIT);
    k = calloc(1, sizeof(*k));
    SD_ENSURE(k, SD_E_NOMEM);
    sd_grpc_reader_init(&k->rx, SD_RPC_MAX_MSG);
    SD_TRY(sd_buf_append(&k->hdr, method, strlen(method) + 1));
    for(i = 0; md && md[i]; i += 2) {
        size_t nl;
        size_t vl;

        SD_CHECK_ARG(md[i + 1] != NULL);
        SD_ENSURE(k->n_md < SD_GRPC_CLIENT_MAX_MD, SD_E_LIMIT);
        nl = strnlen(md[i], SD_GRPC_CLIENT_MAX_MD_BYTES + 1);
        vl = strnlen(md[i + 1], SD_GRPC_CLIENT_MAX_MD_BYTES + 1);
        md_bytes += nl + vl;
        SD_ENSURE(md_bytes <= SD_GRPC_CLIENT_MAX_MD_BYTES, SD_E_LIMIT);
        SD_CHECK_ARG(md_name_ok(md[i], nl) && md_value_ok(md[i + 1], vl));
        SD_TRY(sd_buf_append(&k->hdr, md[i], nl + 1));
        SD_TRY(sd_buf_append(&k->hdr, md[i + 1], vl + 1));
        k->n_md++;
    }
    SD_TRY(sd_grpc_frame(&k->body, req, n));
    *out = k;
    k = NULL;
out:
    call_free(k);
    return err;
}

static sd_err
start_call(struct sd_grpc_client *c, const char *method, const char *const *md, const uint8_t *req,
           size_t n, sd_grpc_msg_fn on_msg, sd_grpc_done_fn on_done, void *ctx, struct gcall **outk)
{
    struct gcall *k = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(c && on_done && !c->in_on_msg);
    SD_ENSURE(!c->dead && !c->goaway && !c->closing, SD_E_IO);
    SD_ENSURE(c->n_pending < SD_GRPC_CLIENT_MAX_PENDING, SD_E_LIMIT);
    SD_TRY(call_new(&k, method, md, req, n));
    k->on_msg = on_msg;
    k->on_done = on_done;
    k->ctx = ctx;
    k->rx.max_msg = c->max_msg;
    if(c->timeout_ms)
        k->deadline_ms = now_ms() + c->timeout_ms;
    list_push(&c->queue, k);
    c->n_pending++;
    if(outk)
        *outk = k;
    pump_queue(c);
out:
    return err;
}

sd_err
sd_grpc_client_start(struct sd_grpc_client *c, const char *method, const char *const *md,
                     const uint8_t *req, size_t n, sd_grpc_msg_fn on_msg, sd_grpc_done_fn on_done,
                     void *ctx)
{
    return start_call(c, method, md, req, n, on_msg, on_done, ctx, NULL);
}

/* Poll without the public entry checks; used by poll, call and connect. */
static void
poll_round(struct sd_grpc_client *c, int timeout_ms)
{
    int next;

    if(!c->dead) {
        next = check_deadlines(c);
        pump_queue(c);
        if(c->n_pending == 0 && c->connected)
            timeout_ms = 0;
        io_round(c, next < timeout_ms ? next : timeout_ms);
        check_deadlines(c);
        pump_queue(c);
    }
    run_completions(c);
    if(!c->dead) {
        pump_queue(c); /* calls started by on_done */
        flush_out(c);
    }
    if(!c->dead)
        return;
    run_completions(c); /* calls failed by the flush */
}

sd_err
sd_grpc_client_poll(struct sd_grpc_client *c, int timeout_ms)
{
    if(!c || timeout_ms < 0 || c->in_callback)
        return SD_E_INVALID;
    poll_round(c, timeout_ms);
    return c->dead ? c->dead_err : SD_OK;
}

size_t
sd_grpc_client_pending(const struct sd_grpc_client *c)
{
    return c ? c->n_pending : 0;
}

size_t
sd_grpc_client_in_flight(const struct sd_grpc_client *c)
{
    return c ? c->n_open : 0;
}

sd_err
sd_grpc_client_set_max_msg(struct sd_grpc_client *c, size_t max_msg)
{
    if(!c || max_msg == 0 || max_msg > SD_GRPC_CLIENT_MAX_RESP)
        return SD_E_INVALID;
    c->max_msg = max_msg;
    return SD_OK;
}

sd_err
sd_grpc_client_set_timeout(struct sd_grpc_client *c, uint32_t timeout_ms)
{
    if(!c || timeout_ms > SD_GRPC_CLIENT_MAX_TIMEOUT_MS)
        return SD_E_INVALID;
    c->timeout_ms = timeout_ms;
    return SD_OK;
}

/* ---- synchronous call on top of the async machinery ---- */

struct sync_call {
    sd_grpc_msg_fn on_msg;
    void *ctx;
    bool done;
    sd_err err;
    int status;
    char *msg;
    size_t msgcap;
};

static sd_err
sync_msg(void *p, const uint8_t *m, size_t n)
{
    struct sync_call *s = p;

    return s->on_msg ? s->on_msg(s->ctx, m, n) : SD_OK;
}

static void
sync_done(void *p, sd_err err, int status, const char *message)
{
    struct sync_call *s = p;

    s->done = true;
    s->err = err;
    s->status = status;
    if(s->msgcap)
        snprintf(s->msg, s->msgcap, "%s", message);
}

sd_err
sd_grpc_client_call(struct sd_grpc_client *c, const char *method, const char *const *md,
                    const uint8_t *req, size_t n, sd_grpc_msg_fn on_msg, void *ctx, int *status,
                    char *msg, size_t msgcap)
{
    struct sync_call s = {on_msg, ctx, false, SD_OK, SD_GRPC_UNKNOWN, msg, msg ? msgcap : 0};
    struct gcall *k = NULL;
    uint64_t t0 = now_ms();
    sd_err err = SD_OK;

    SD_CHECK_ARG(c && status && !c->in_callback);
    *status = SD_GRPC_UNKNOWN;
    if(s.msgcap)
        msg[0] = '\0';
    err = start_call(c, method, md, req, n, sync_msg, sync_done, &s, &k);
    if(err != SD_OK) {
        if(s.msgcap)
            snprintf(msg, s.msgcap, "%s",
                     err != SD_E_IO ? sd_err_str(err)
                     : c->dead      ? c->why
                                    : "server is going away (GOAWAY)");
        goto out;
    }
    while(!s.done) {
        uint64_t now = now_ms();
        uint64_t last = c->last_rx_ms > t0 ? c->last_rx_ms : t0;

        if(now - last >= SD_RPC_IDLE_TIMEOUT_MS && !k->finished) {
            /* k is valid: it is freed only after sync_done ran. */
            if(k->stream_id && !k->closed)
                stream_fail(c, k, SD_E_IO, "no response from server");
            else
                call_finish(k, SD_E_IO, SD_GRPC_UNKNOWN, "no response from server");
            if(!k->stream_id) {
                list_unlink(&c->queue, k);
                k->closed = true;
                list_push(&c->done, k);
            }
        }
        poll_round(c, ms_until(last + SD_RPC_IDLE_TIMEOUT_MS, now));
    }
    *status = s.status;
    err = s.err;
out:
    return err;
}

/* ---- connect / close ---- */

static void
client_free(struct sd_grpc_client *c)
{
    struct gcall *k;

    if(!c)
        return;
    while(c->active.head) {
        k = c->active.head;
        // NOLINTNEXTLINE(clang-analyzer-unix.Malloc): k is the head (prev NULL): head moves on
        list_unlink(&c->active, k);
        call_free(k);
    }
    nghttp2_session_del(c->h2); /* runs no callbacks */
    SSL_free(c->ssl);           /* frees the BIO */
    BIO_meth_free(c->biom);
    SSL_CTX_free(c->ctx);
    if(c->fd >= 0)
        close(c->fd);
    sd_buf_wipe_free(&c->tx);
    ERR_clear_error();
    sodium_memzero(c, sizeof(*c));
    free(c);
}

sd_err
sd_grpc_client_connect_why(struct sd_grpc_client **out, const struct sd_grpc_client_opts *o,
                           char *why, size_t whycap)
{
    struct sd_grpc_client *c = NULL;
    char host[MAX_HOST + 1];
    char port[8];
    const char *name;
    uint64_t deadline = now_ms() + CONNECT_TIMEOUT_MS;
    sd_err err = SD_OK;

    set_why(why, whycap, "%s", "");
    c = calloc(1, sizeof(*c));
    SD_ENSURE(c, SD_E_NOMEM);
    c->fd = -1;
    c->max_msg = SD_RPC_MAX_MSG;
    set_why(c->why, sizeof(c->why), "invalid client options");
    SD_CHECK_ARG(out && o && o->target && o->ca_file);
    *out = NULL;
    SD_CHECK_ARG(!o->cert_file == !o->key_file);
    SD_CHECK_ARG(split_target(o->target, host, sizeof(host), port, sizeof(port)) == SD_OK);
    name = o->server_name ? o->server_name : host;
    SD_CHECK_ARG(name[0] && strlen(name) <= MAX_HOST);
    snprintf(c->authority, sizeof(c->authority), "%s", o->target);
    c->why[0] = '\0';

    SD_TRY(tcp_connect(c, host, port, deadline));
    SD_TRY(tls_setup(c, o, name));
    SD_TRY(tls_handshake(c, deadline));
    SD_TRY(h2_setup(c));
    while(!c->got_settings && !c->dead && now_ms() < deadline)
        io_round(c, ms_until(deadline, now_ms()));
    if(c->dead) {
        if(c->dead_err == SD_E_IO && strstr(c->why, "closed"))
            set_why(c->why, sizeof(c->why),
                    "server closed the connection before HTTP/2 "
                    "SETTINGS (client certificate missing or refused?)");
        err = c->dead_err;
        goto out;
    }
    if(!c->got_settings) {
        set_why(c->why, sizeof(c->why), "timeout waiting for the server's HTTP/2 SETTINGS");
        SD_TRY(SD_E_IO);
    }
    c->connected = true;
    c->last_rx_ms = now_ms();
    *out = c;
    c = NULL;
out:
    if(c) {
        if(err != SD_OK && !c->why[0])
            set_why(c->why, sizeof(c->why), "%s", sd_err_str(err));
        set_why(why, whycap, "%s", c->why);
        client_free(c);
    }
    return err;
}

sd_err
sd_grpc_client_connect(struct sd_grpc_client **out, const struct sd_grpc_client_opts *o)
{
    char why[WHY_CAP];
    sd_err err = sd_grpc_client_connect_why(out, o, why, sizeof(why));

    if(err != SD_OK)
        sd_log(SD_LOG_WARN, "grpc_connect_failed", "target=%s err=%s reason=\"%s\"",
               o && o->target ? o->target : "-", sd_err_name(err), why);
    return err;
}

void
sd_grpc_client_close(struct sd_grpc_client *c)
{
    if(!c)
        return;
    c->closing = true;
    if(!c->dead) {
        /* Best effort, without blocking: GOAWAY, then close_notify. */
        if(nghttp2_session_terminate_session(c->h2, NGHTTP2_NO_ERROR) == 0)
            flush_out(c);
        if(!c->dead) {
            ERR_clear_error();
            SSL_shutdown(c->ssl);
        }
    }
    client_die(c, SD_E_IO, "client closed");
    run_completions(c);
    client_free(c);
}
