/* HTTP/2 server session carrying gRPC, on libnghttp2's server API over in-memory buffers: the
 * caller feeds decrypted bytes in (sd_h2_recv) and takes frames out (sd_h2_send), so the same
 * code runs under TLS in src/server and bare in the fuzz harness. It validates each request
 * (POST, application/grpc, te: trailers, limits), reassembles the single request message with
 * sd_grpc_reader, hands a job to the submit callback and sends the job's reply and trailers.
 * The web console (issue #16) rides on the same session: GET/HEAD serve the static file table
 * (src/web), gRPC-Web POSTs (same origin only, session from the __Host-sealdesk cookie) go to
 * the same jobs and are answered with the trailers in a final 0x80 body frame; every response
 * carries the security headers of sd_web_security_headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>
#include <sodium.h>

#include "rpc/rpc_int.h"
#include "sealdesk/log.h"
#include "sealdesk/web.h"
#include "util/err_int.h"

/* grpc-message after percent-encoding of the 255 characters sd_rpc_call allows. */
#define MSG_ENC_MAX (3 * sizeof(((struct sd_rpc_call *)0)->message) + 1)
/* Connection-level receive window: a full request without waiting for WINDOW_UPDATE. */
#define CONN_WINDOW (2 * SD_H2_INITIAL_WINDOW)
/* Request bytes a gRPC-Web or static stream may still send after its answer before a reset. */
#define DISCARD_MAX ((size_t)64 << 10)

/* What the stream turned out to be once its headers were in. */
enum st_kind {
    K_GRPC, /* native gRPC (also every request refused before its kind was known) */
    K_WEB,  /* gRPC-Web: trailers travel in the body */
    K_HTTP  /* a static file or a plain HTTP error */
};

enum st_method {
    M_OTHER,
    M_POST,
    M_GET,
    M_HEAD
};

enum st_state {
    ST_RECV,       /* headers or body still arriving */
    ST_DISPATCHED, /* job submitted, waiting for sd_h2_complete */
    ST_RESPONDING, /* reply body being sent, trailers follow */
    ST_DONE        /* final frame submitted */
};

struct stream {
    int32_t id;
    enum st_state state;
    size_t hdr_bytes; /* header list size as SETTINGS_MAX_HEADER_LIST_SIZE counts it */
    enum st_kind kind;
    enum st_method method;
    enum sd_web_ctype web; /* content-type asked for gRPC-Web */
    bool ct_ok, te_ok, too_big, dup, bad_value, bad_timeout, bad_encoding;
    bool fetch_same_origin; /* sec-fetch-site: same-origin */
    bool have_timeout;
    bool remote_ended; /* END_STREAM received */
    bool answered;     /* our END_STREAM went out */
    bool reset;        /* we sent RST_STREAM after answering */
    size_t discarded;  /* request bytes received after our answer (not K_GRPC) */
    bool large;        /* method limit over SD_RPC_MAX_MSG: rd.buf is held against the process
                          budget (sd_rpc_req_mem_reserve), not h->req_bytes */
    uint64_t timeout_ms;
    uint64_t deadline_ms; /* absolute, 0 = none */
    char *path;
    char *authorization; /* secret */
    char *request_id;
    char *origin;
    char *authority;
    struct sd_web_cookie cookie;            /* secret: the session token, wiped */
    char set_cookie[SD_WEB_SET_COOKIE_MAX]; /* secret: sent from here (no copy), wiped */
    struct sd_grpc_reader rd;
    struct sd_buf body; /* framed reply messages (may hold PII) */
    const uint8_t *src; /* what read_body sends: body.data, or a file of the static table */
    size_t src_len;
    bool borrowed; /* src is static (file table, literal): not counted in out_bytes */
    size_t body_off;
    int status;
    char message[MSG_ENC_MAX];
    size_t mem_reserved; /* process reply budget held by body (sd_rpc_mem_reserve) */
    struct stream *prev, *next;
};

struct sd_h2 {
    nghttp2_session *ng;
    sd_h2_submit_fn submit;
    void *ctx;
    char *peer_subject;
    char *peer_fingerprint;
    char *peer_addr;
    uint64_t conn_id;
    struct stream *streams;
    size_t n_streams;
    size_t req_bytes;   /* sum of the streams' reader buffers */
    size_t out_bytes;   /* sum of the streams' unsent reply bytes */
    uint64_t active_ms; /* last request byte received or answer byte sent */
    bool goaway;
    size_t (*max_req)(const char *path);
    const struct sd_web_files *files; /* console files, borrowed; NULL: not configured */
};

static const uint8_t empty_msg[1];

/* ---- small helpers ---- */

static void
free_secret_str(char *s)
{
    if(!s)
        return;
    sodium_memzero(s, strlen(s));
    free(s);
}

static bool
name_is(const uint8_t *name, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(name, lit, len) == 0;
}

/* Copy a header value once; a second occurrence marks the stream bad. NUL bytes are refused
 * (nghttp2 already checks, this keeps the C string honest). */
static sd_err
take_value(struct stream *st, char **dst, const uint8_t *v, size_t n)
{
    if(*dst) {
        st->dup = true;
        return SD_OK;
    }
    if(memchr(v, 0, n)) {
        st->bad_value = true;
        return SD_OK;
    }
    *dst = malloc(n + 1);
    if(!*dst)
        return SD_E_NOMEM;
    memcpy(*dst, v, n);
    (*dst)[n] = 0;
    return SD_OK;
}

static bool
content_type_ok(const uint8_t *v, size_t n)
{
    static const char *const ok[] = {"application/grpc", "application/grpc+proto"};

    for(size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        size_t l = strlen(ok[i]);

        if(n >= l && memcmp(v, ok[i], l) == 0 && (n == l || v[l] == ';'))
            return true;
    }
    return false;
}

static void
sanitize(char *out, size_t cap, const char *in)
{
    size_t o = 0;

    if(!in)
        in = "-";
    for(; *in && o + 1 < cap; in++) {
        char c = *in;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '/' || c == '.' || c == '_' || c == '-';

        out[o++] = ok ? c : '?'; // NOLINT(bugprone-narrowing-conversions): '?' is a char value
    }
    out[o] = 0;
}

void
sd_rpc_log_call(uint64_t conn_id, int32_t stream_id, const char *method, const char *request_id,
                int status, uint64_t latency_us)
{
    char m[128];
    char r[72];

    /* Method path and request id are client-chosen: only a safe alphabet reaches the log. */
    sanitize(m, sizeof(m), method);
    sanitize(r, sizeof(r), request_id);
    sd_log(status == SD_GRPC_OK ? SD_LOG_INFO : SD_LOG_WARN, "call",
           "conn=%llu stream=%ld method=%s req=%s status=%s latency_us=%llu",
           (unsigned long long)conn_id, (long)stream_id, m, r, sd_grpc_status_name(status),
           (unsigned long long)latency_us);
}

static nghttp2_nv
nv(const char *name, const char *value)
{
    nghttp2_nv x;

    x.name = (uint8_t *)name;
    x.value = (uint8_t *)value;
    x.namelen = strlen(name);
    x.valuelen = strlen(value);
    x.flags = NGHTTP2_NV_FLAG_NONE; /* nghttp2 copies */
    return x;
}

static void
set_status(struct stream *st, int status, const char *msg)
{
    st->status = status;
    if(sd_grpc_percent_encode(st->message, sizeof(st->message), msg ? msg : "") != SD_OK)
        st->message[0] = 0;
}

/* Fill grpc-status / grpc-message pairs from the stream; returns how many were written. */
static size_t
status_nv(nghttp2_nv *out, const struct stream *st, char *code, size_t codecap)
{
    size_t n = 0;

    snprintf(code, codecap, "%d", st->status);
    out[n++] = nv("grpc-status", code);
    if(st->message[0])
        out[n++] = nv("grpc-message", st->message);
    return n;
}

/* n bytes of st's reader buffer are no longer held there. */
static void
unhold(struct sd_h2 *h, struct stream *st, size_t n)
{
    if(st->large)
        sd_rpc_req_mem_release(n);
    else
        h->req_bytes -= n;
}

static void
drop_reader(struct sd_h2 *h, struct stream *st)
{
    unhold(h, st, st->rd.buf.len);
    sd_grpc_reader_clear(&st->rd);
}

static ssize_t read_body(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t cap, uint32_t *flags,
                         nghttp2_data_source *src, void *user);

/* Append the security headers (issue #16: every HTTP response); returns how many. */
static size_t
sec_nv(nghttp2_nv *out)
{
    const struct sd_web_header *w = sd_web_security_headers();

    for(size_t i = 0; i < SD_WEB_N_HEADERS; i++)
        out[i] = nv(w[i].name, w[i].value);
    return SD_WEB_N_HEADERS;
}

/* Submit the response HEADERS, followed (with_body) by st->src[0..src_len) through read_body. */
static void
submit_with_body(struct sd_h2 *h, struct stream *st, const nghttp2_nv *hdr, size_t n,
                 bool with_body)
{
    nghttp2_data_provider prd;

    st->body_off = 0;
    if(!with_body)
        st->src_len = 0;
    if(!st->borrowed)
        h->out_bytes += st->src_len;
    prd.source.ptr = st;
    prd.read_callback = read_body;
    if(nghttp2_submit_response(h->ng, st->id, hdr, n, with_body ? &prd : NULL) != 0) {
        if(!st->borrowed)
            h->out_bytes -= st->src_len;
        st->src = NULL;
        st->src_len = 0;
        sd_buf_wipe_free(&st->body);
        st->state = ST_DONE;
        nghttp2_submit_rst_stream(h->ng, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
    }
}

static const char *
method_name(enum st_method m)
{
    return m == M_GET ? "GET" : m == M_HEAD ? "HEAD" : m == M_POST ? "POST" : "other";
}

/* One `ev=http` line for a response that is not a call: method, path without its query
 * (reduced to a safe alphabet) and the HTTP status. */
static void
http_log(struct sd_h2 *h, struct stream *st, const char *http)
{
    char p[128];
    char raw[128];
    size_t n = st->path ? strcspn(st->path, "?#") : 0;

    (void)snprintf(raw, sizeof(raw), "%.*s", (int)(n < sizeof(raw) ? n : sizeof(raw) - 1),
                   st->path ? st->path : "");
    sanitize(p, sizeof(p), raw);
    sd_log(http[0] == '2' ? SD_LOG_DEBUG : SD_LOG_WARN, "http",
           "conn=%llu stream=%ld method=%s path=%s status=%s", (unsigned long long)h->conn_id,
           (long)st->id, method_name(st->method), p, http);
}

/* A plain HTTP answer (static errors, 403, 405, 415): text/plain body, no gRPC status. */
static void
http_respond(struct sd_h2 *h, struct stream *st, const char *http, const char *text)
{
    nghttp2_nv hdr[4 + SD_WEB_N_HEADERS];
    char clen[24];
    size_t n = 0;

    http_log(h, st, http);
    drop_reader(h, st);
    st->kind = K_HTTP;
    st->state = ST_DONE;
    st->src = (const uint8_t *)text;
    st->src_len = strlen(text);
    st->borrowed = true;
    (void)snprintf(clen, sizeof(clen), "%zu", st->src_len);
    hdr[n++] = nv(":status", http);
    hdr[n++] = nv("content-type", "text/plain; charset=utf-8");
    hdr[n++] = nv("content-length", clen);
    if(strcmp(http, "405") == 0)
        hdr[n++] = nv("allow", "GET, HEAD, POST");
    n += sec_nv(hdr + n);
    submit_with_body(h, st, hdr, n, st->method != M_HEAD);
}

/* gRPC-Web answer: the call's messages (none for an early refusal), then the trailer frame
 * with st's status; END_STREAM on the last DATA. cookie: a set-cookie value or NULL/"". */
static void
web_respond(struct sd_h2 *h, struct stream *st, const struct sd_rpc_call *call, const char *cookie)
{
    nghttp2_nv hdr[3 + SD_WEB_N_HEADERS];
    size_t n = 0;
    sd_err e = SD_OK;

    for(size_t i = 0; call && i < call->n_msgs && e == SD_OK; i++)
        e = sd_grpc_frame(&st->body, call->msgs[i].data, call->msgs[i].len);
    if(e != SD_OK) {
        sd_buf_wipe_free(&st->body);
        set_status(st, SD_GRPC_INTERNAL, "reply too large");
        cookie = NULL;
    }
    if(sd_web_trailer_frame(&st->body, st->status, st->message) != SD_OK) {
        sd_buf_wipe_free(&st->body);
        st->state = ST_DONE;
        nghttp2_submit_rst_stream(h->ng, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
        return;
    }
    st->src = st->body.data;
    st->src_len = st->body.len;
    hdr[n++] = nv(":status", "200");
    hdr[n++] = nv("content-type", "application/grpc-web+proto");
    n += sec_nv(hdr + n);
    if(cookie && cookie[0]) {
        /* Never into the HPACK table: the value is the session token. */
        hdr[n] = nv("set-cookie", cookie);
        hdr[n++].flags = NGHTTP2_NV_FLAG_NO_INDEX;
    }
    st->state = call ? ST_RESPONDING : ST_DONE;
    submit_with_body(h, st, hdr, n, true);
}

/* Answer with a trailers-only response (one HEADERS frame with END_STREAM); a gRPC-Web stream
 * gets HEADERS and the trailer frame instead. */
static void
respond_early(struct sd_h2 *h, struct stream *st, const char *http, int status, const char *msg)
{
    nghttp2_nv hdr[4 + SD_WEB_N_HEADERS];
    char code[16];
    size_t n = 0;

    drop_reader(h, st);
    set_status(st, status, msg);
    st->state = ST_DONE;
    if(st->kind == K_WEB) {
        web_respond(h, st, NULL, NULL);
        return;
    }
    hdr[n++] = nv(":status", http);
    hdr[n++] = nv("content-type", "application/grpc");
    n += status_nv(hdr + n, st, code, sizeof(code));
    n += sec_nv(hdr + n);
    /* If the request is still arriving, on_frame_send follows this with RST_STREAM(NO_ERROR)
     * (RFC 9113 8.1); submitting it now would make nghttp2 drop the HEADERS. */
    if(nghttp2_submit_response(h->ng, st->id, hdr, n, NULL) != 0)
        nghttp2_submit_rst_stream(h->ng, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
}

/* A request refused before reaching a handler: log it like a call, then answer. */
static void
reject(struct sd_h2 *h, struct stream *st, const char *http, int status, const char *msg)
{
    sd_rpc_log_call(h->conn_id, st->id, st->path, st->request_id, status, 0);
    respond_early(h, st, http, status, msg);
}

static void
stream_free(struct stream *st)
{
    if(!st)
        return;
    sd_grpc_reader_clear(&st->rd);
    sd_buf_wipe_free(&st->body);
    sd_rpc_mem_release(st->mem_reserved);
    free(st->path);
    free_secret_str(st->authorization);
    free(st->request_id);
    free(st->origin);
    free(st->authority);
    sd_web_cookie_clear(&st->cookie);
    free(st);
}

static void
stream_unlink(struct sd_h2 *h, struct stream *st)
{
    if(st->prev)
        st->prev->next = st->next;
    else
        h->streams = st->next;
    if(st->next)
        st->next->prev = st->prev;
    h->n_streams--;
    unhold(h, st, st->rd.buf.len);
    if(!st->borrowed)
        h->out_bytes -= st->src_len - st->body_off;
}

/* ---- jobs ---- */

void
sd_h2_job_free(struct sd_h2_job *job)
{
    if(!job)
        return;
    sd_rpc_call_clear(&job->call);
    sd_rpc_req_mem_release(job->req_mem);
    if(job->call.prep_free)
        job->call.prep_free(job->call.prep);
    sd_buf_wipe_free(&job->req);
    free(job->method);
    free_secret_str(job->authorization);
    free(job->request_id);
    free(job->peer_subject);
    free(job->peer_fingerprint);
    free(job->peer_addr);
    free(job);
}

static sd_err
dup_str(char **dst, const char *s)
{
    size_t n;
    char *p;

    if(!s)
        return SD_OK;
    n = strlen(s);
    p = malloc(n + 1);
    if(!p)
        return SD_E_NOMEM;
    memcpy(p, s, n + 1);
    *dst = p; /* *dst is written only on success */
    return SD_OK;
}

/* "Bearer <token>" from the session cookie, for the dispatcher's authorization check. */
static sd_err
bearer_from_cookie(char **dst, const char *tok)
{
    size_t n = strlen(tok);
    char *p = malloc(7 + n + 1);

    if(!p)
        return SD_E_NOMEM;
    memcpy(p, "Bearer ", 7);
    memcpy(p + 7, tok, n);
    p[7 + n] = 0;
    *dst = p;
    return SD_OK;
}

static sd_err
job_new(struct sd_h2_job **out, struct sd_h2 *h, struct stream *st, const uint8_t *msg, size_t len)
{
    sd_err err = SD_OK;
    struct sd_h2_job *job = NULL;

    job = calloc(1, sizeof(*job));
    SD_ENSURE(job, SD_E_NOMEM);
    SD_TRY(dup_str(&job->method, st->path));
    /* gRPC-Web: an authorization header (tools) wins, else the __Host-sealdesk cookie. */
    if(st->kind == K_WEB && !st->authorization && sd_web_cookie_token(&st->cookie))
        SD_TRY(bearer_from_cookie(&job->authorization, sd_web_cookie_token(&st->cookie)));
    else
        SD_TRY(dup_str(&job->authorization, st->authorization));
    SD_TRY(dup_str(&job->request_id, st->request_id));
    SD_TRY(dup_str(&job->peer_subject, h->peer_subject));
    SD_TRY(dup_str(&job->peer_fingerprint, h->peer_fingerprint));
    SD_TRY(dup_str(&job->peer_addr, h->peer_addr));
    SD_TRY(sd_buf_append(&job->req, msg, len));
    job->call.method = job->method;
    job->call.req = job->req.len ? job->req.data : empty_msg;
    job->call.req_len = job->req.len;
    job->call.peer_subject = job->peer_subject;
    job->call.peer_fingerprint = job->peer_fingerprint;
    job->call.peer_addr = job->peer_addr;
    job->call.authorization = job->authorization;
    job->call.request_id = job->request_id;
    job->call.deadline_ms = st->deadline_ms;
    job->call.status = SD_GRPC_UNKNOWN;
    job->stream_id = st->id;
    job->t_start_us = sd_rpc_now_us();
    *out = job;
    job = NULL;
out:
    sd_h2_job_free(job);
    return err;
}

void
sd_h2_job_run(struct sd_h2_job *job, sd_rpc_handler_fn fn, void *app)
{
    uint64_t dl = job->call.deadline_ms;

    if(dl && sd_rpc_now_ms() >= dl) {
        sd_rpc_call_status(&job->call, SD_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
        return;
    }
    fn(app, &job->call);
    if(dl && sd_rpc_now_ms() >= dl) {
        /* The client has given up: its reply must not be sent as if it were in time. */
        sd_rpc_call_clear(&job->call);
        sd_rpc_call_status(&job->call, SD_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
        return;
    }
    if(job->call.status < SD_GRPC_OK || job->call.status > SD_GRPC_UNAUTHENTICATED) {
        sd_rpc_call_clear(&job->call);
        sd_rpc_call_status(&job->call, SD_GRPC_INTERNAL, "handler returned no valid status");
    }
}

void
sd_h2_job_prepare(struct sd_h2_job *job, sd_rpc_handler_fn fn, void *app)
{
    uint64_t dl = job->call.deadline_ms;

    if(dl && sd_rpc_now_ms() >= dl) {
        sd_rpc_call_status(&job->call, SD_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
        return;
    }
    fn(app, &job->call);
    if(dl && sd_rpc_now_ms() >= dl && job->call.status == SD_GRPC_UNKNOWN)
        sd_rpc_call_status(&job->call, SD_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
}

/* ---- request side ---- */

/* GET / HEAD: a file of the console table, answered at once (no body is read). */
static void
serve_static(struct sd_h2 *h, struct stream *st)
{
    nghttp2_nv hdr[3 + SD_WEB_N_HEADERS];
    const struct sd_web_file *f;
    char clen[24];
    size_t n = 0;

    if(st->too_big) {
        http_respond(h, st, "431", "request header fields too large\n");
        return;
    }
    if(st->dup || st->bad_value || !st->path || st->path[0] != '/') {
        http_respond(h, st, "400", "bad request\n");
        return;
    }
    if(!h->files) {
        http_respond(h, st, "404", "console not configured\n");
        return;
    }
    f = sd_web_files_find(h->files, st->path, strcspn(st->path, "?#"));
    if(!f) {
        http_respond(h, st, "404", "not found\n");
        return;
    }
    http_log(h, st, "200");
    drop_reader(h, st);
    st->kind = K_HTTP;
    st->state = ST_DONE;
    st->src = f->data;
    st->src_len = f->len;
    st->borrowed = true; /* the table outlives the session: nothing is copied */
    (void)snprintf(clen, sizeof(clen), "%zu", f->len);
    hdr[n++] = nv(":status", "200");
    hdr[n++] = nv("content-type", f->content_type);
    hdr[n++] = nv("content-length", clen);
    n += sec_nv(hdr + n);
    submit_with_body(h, st, hdr, n, st->method == M_GET);
}

static void
validate_headers(struct sd_h2 *h, struct stream *st)
{
    /* A GET with a gRPC content-type is a gRPC client's mistake: the gRPC answer below. */
    if((st->method == M_GET || st->method == M_HEAD) && !st->ct_ok) {
        serve_static(h, st);
        return;
    }
    if(st->method == M_OTHER && !st->ct_ok) {
        http_respond(h, st, "405", "method not allowed\n");
        return;
    }
    if(st->method == M_POST && st->web != SD_WEB_CT_OTHER) {
        /* gRPC-Web: from here on every refusal is a gRPC-Web answer (or plain HTTP). */
        st->kind = K_WEB;
        if(!st->too_big && !st->dup && !st->bad_value &&
           !sd_web_same_origin(st->origin, st->authority, st->fetch_same_origin)) {
            http_respond(h, st, "403", "cross-origin request refused\n");
            return;
        }
        if(st->web == SD_WEB_CT_GRPC_WEB_TEXT) {
            http_respond(h, st, "415", "application/grpc-web-text is not supported\n");
            return;
        }
    }
    if(st->too_big)
        reject(h, st, "200", SD_GRPC_RESOURCE_EXHAUSTED, "header list too large");
    else if(st->dup || st->bad_value)
        reject(h, st, "200", SD_GRPC_INVALID_ARGUMENT, "malformed request headers");
    else if(st->method != M_POST)
        reject(h, st, "405", SD_GRPC_UNIMPLEMENTED, "method must be POST");
    else if(st->kind != K_WEB && !st->ct_ok)
        reject(h, st, "415", SD_GRPC_INVALID_ARGUMENT, "content-type must be application/grpc");
    else if(st->kind != K_WEB && !st->te_ok)
        reject(h, st, "200", SD_GRPC_INVALID_ARGUMENT, "te: trailers is required");
    else if(st->bad_encoding)
        reject(h, st, "200", SD_GRPC_UNIMPLEMENTED, "grpc-encoding not supported");
    else if(st->bad_timeout)
        reject(h, st, "200", SD_GRPC_INVALID_ARGUMENT, "malformed grpc-timeout");
    else if(!st->path)
        reject(h, st, "200", SD_GRPC_INVALID_ARGUMENT, "missing :path");
    else {
        /* The method is known before any DATA: its own limit bounds the reader (no body byte
         * has been buffered yet, so the accounting can still change sides). */
        size_t max = h->max_req ? h->max_req(st->path) : SD_RPC_MAX_MSG;

        if(max > SD_RPC_MAX_REQ_LARGE)
            max = SD_RPC_MAX_REQ_LARGE;
        if(max > SD_RPC_MAX_MSG && st->rd.buf.len == 0) {
            st->rd.max_msg = max;
            st->large = true;
        }
        if(st->have_timeout) {
            uint64_t now = sd_rpc_now_ms();

            st->deadline_ms =
                st->timeout_ms > UINT64_MAX - now - 1 ? UINT64_MAX : now + st->timeout_ms;
        }
    }
}

/* END_STREAM seen: take the one request message and submit the job. */
static int
finish_request(struct sd_h2 *h, struct stream *st)
{
    struct sd_h2_job *job = NULL;
    const uint8_t *msg = NULL;
    size_t len = 0, held, taken;
    sd_err e;

    if(st->state != ST_RECV)
        return 0;
    if(st->deadline_ms && sd_rpc_now_ms() >= st->deadline_ms) {
        reject(h, st, "200", SD_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
        return 0;
    }
    held = st->rd.buf.len;
    e = sd_grpc_reader_next(&st->rd, &msg, &len);
    /* The taken message is no longer in rd.buf.len (it stays readable until job_new copies
     * it): release its share of the connection's budget here, or every request would leak
     * its size until the connection refuses all calls as RESOURCE_EXHAUSTED. */
    taken = held - st->rd.buf.len;
    /* A large body's reservation moves to the job (released when the job is freed). */
    if(!st->large)
        h->req_bytes -= taken;
    if(e == SD_E_EMPTY) {
        sd_rpc_req_mem_release(st->large ? taken : 0);
        reject(h, st, "200", SD_GRPC_INVALID_ARGUMENT,
               st->rd.buf.len ? "truncated request message" : "missing request message");
        return 0;
    }
    if(e != SD_OK || st->rd.buf.len != 0) {
        sd_rpc_req_mem_release(st->large ? taken : 0);
        reject(h, st, "200",
               e == SD_E_LIMIT ? SD_GRPC_RESOURCE_EXHAUSTED : SD_GRPC_INVALID_ARGUMENT,
               e == SD_E_INVALID ? "compressed messages are not supported"
               : e == SD_E_LIMIT ? "request message too large"
                                 : "exactly one request message expected");
        return 0;
    }
    e = job_new(&job, h, st, msg, len);
    drop_reader(h, st);
    if(e != SD_OK) {
        sd_rpc_req_mem_release(st->large ? taken : 0);
        reject(h, st, "200", SD_GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return 0;
    }
    job->req_mem = st->large ? taken : 0;
    st->state = ST_DISPATCHED;
    e = h->submit(h->ctx, job);
    if(e != SD_OK) {
        sd_h2_job_free(job);
        reject(h, st, "200", e == SD_E_LIMIT ? SD_GRPC_RESOURCE_EXHAUSTED : SD_GRPC_UNAVAILABLE,
               e == SD_E_LIMIT ? "server busy" : "server unavailable");
    }
    return 0;
}

static int
on_begin_headers(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
    struct sd_h2 *h = user;
    struct stream *st;

    if(frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    /* nghttp2 refuses streams past our SETTINGS; this only guards that invariant. */
    if(h->n_streams >= SD_RPC_MAX_STREAMS)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    st = calloc(1, sizeof(*st));
    if(!st)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    h->active_ms = sd_rpc_now_ms();
    st->id = frame->hd.stream_id;
    sd_grpc_reader_init(&st->rd, SD_RPC_MAX_MSG);
    if(nghttp2_session_set_stream_user_data(ng, st->id, st) != 0) {
        stream_free(st);
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    st->next = h->streams;
    if(h->streams)
        h->streams->prev = st;
    h->streams = st;
    h->n_streams++;
    return 0;
}

static int
on_header(nghttp2_session *ng, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
          const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
    struct stream *st;
    sd_err e = SD_OK;
    size_t add;

    (void)flags;
    (void)user;
    if(frame->hd.type != NGHTTP2_HEADERS)
        return 0;
    st = nghttp2_session_get_stream_user_data(ng, frame->hd.stream_id);
    if(!st || st->state != ST_RECV || st->too_big)
        return 0;
    /* RFC 9113 6.5.2: name + value + 32 per field; request headers and trailers together. */
    if(sd_size_add(&add, namelen, valuelen) != SD_OK || add > SD_RPC_MAX_HEADER_LIST ||
       st->hdr_bytes + add + 32 > SD_RPC_MAX_HEADER_LIST) {
        st->too_big = true;
        return 0;
    }
    st->hdr_bytes += add + 32;
    if(frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0; /* client trailers carry nothing we use */
    if(name_is(name, namelen, ":method")) {
        st->method = name_is(value, valuelen, "POST")   ? M_POST
                     : name_is(value, valuelen, "GET")  ? M_GET
                     : name_is(value, valuelen, "HEAD") ? M_HEAD
                                                        : M_OTHER;
    } else if(name_is(name, namelen, ":path"))
        e = take_value(st, &st->path, value, valuelen);
    else if(name_is(name, namelen, ":authority"))
        e = take_value(st, &st->authority, value, valuelen);
    else if(name_is(name, namelen, "origin"))
        e = take_value(st, &st->origin, value, valuelen);
    else if(name_is(name, namelen, "sec-fetch-site"))
        st->fetch_same_origin = name_is(value, valuelen, "same-origin");
    else if(name_is(name, namelen, "cookie"))
        sd_web_cookie_feed(&st->cookie, value, valuelen);
    else if(name_is(name, namelen, "content-type")) {
        st->ct_ok = content_type_ok(value, valuelen);
        st->web = sd_web_content_kind(value, valuelen);
    } else if(name_is(name, namelen, "te"))
        st->te_ok = valuelen == 8 && memcmp(value, "trailers", 8) == 0;
    else if(name_is(name, namelen, "authorization"))
        e = take_value(st, &st->authorization, value, valuelen);
    else if(name_is(name, namelen, "x-request-id"))
        e = take_value(st, &st->request_id, value, valuelen);
    else if(name_is(name, namelen, "grpc-encoding"))
        st->bad_encoding = !(valuelen == 8 && memcmp(value, "identity", 8) == 0);
    else if(name_is(name, namelen, "grpc-timeout")) {
        char v[16];

        st->bad_timeout = st->have_timeout || valuelen >= sizeof(v);
        if(!st->bad_timeout) {
            memcpy(v, value, valuelen);
            v[valuelen] = 0;
            st->bad_timeout = sd_grpc_timeout_parse(v, &st->timeout_ms) != SD_OK;
            st->have_timeout = true;
        }
    }
    return e == SD_OK ? 0 : NGHTTP2_ERR_CALLBACK_FAILURE;
}

static int
on_data_chunk(nghttp2_session *ng, uint8_t flags, int32_t id, const uint8_t *data, size_t len,
              void *user)
{
    struct sd_h2 *h = user;
    struct stream *st;
    size_t before;
    sd_err e;

    (void)flags;
    st = nghttp2_session_get_stream_user_data(ng, id);
    if(st && st->state != ST_RECV && st->kind != K_GRPC && st->answered && !st->reset) {
        /* A browser finishes sending a small body after our answer; past DISCARD_MAX bytes
         * the client is told to stop (RST_STREAM NO_ERROR, RFC 9113 8.1). */
        st->discarded += len;
        if(st->discarded > DISCARD_MAX) {
            st->reset = true;
            if(nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, id, NGHTTP2_NO_ERROR) != 0)
                return NGHTTP2_ERR_CALLBACK_FAILURE;
        }
        return 0;
    }
    if(!st || st->state != ST_RECV)
        return 0; /* answered already: the rest of the body is discarded */
    if(st->large) {
        /* Charged before it is buffered; the server-wide budget is what bounds large bodies. */
        if(!sd_rpc_req_mem_reserve(len)) {
            reject(h, st, "200", SD_GRPC_RESOURCE_EXHAUSTED,
                   "server busy: too many large requests in flight");
            return 0;
        }
    } else if(len > SD_H2_MAX_REQ_BUFFERED - h->req_bytes) {
        reject(h, st, "200", SD_GRPC_RESOURCE_EXHAUSTED, "too many pending requests");
        return 0;
    }
    h->active_ms = sd_rpc_now_ms();
    before = st->rd.buf.len;
    e = sd_grpc_reader_feed(&st->rd, data, len);
    if(st->large)
        sd_rpc_req_mem_release(len - (st->rd.buf.len - before)); /* what was not kept */
    else
        h->req_bytes += st->rd.buf.len - before;
    if(e != SD_OK) {
        reject(h, st, "200", SD_GRPC_RESOURCE_EXHAUSTED,
               e == SD_E_LIMIT ? "request message too large" : "out of memory");
        return 0;
    }
    /* Our methods take exactly one message: bytes past the first one are refused at once,
     * which also bounds what one stream can buffer. */
    if(st->rd.buf.len >= 5 && st->rd.buf.len - 5 > sd_get_u32be(st->rd.buf.data + 1))
        reject(h, st, "200", SD_GRPC_INVALID_ARGUMENT, "exactly one request message expected");
    return 0;
}

static int
on_frame_recv(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
    struct sd_h2 *h = user;
    struct stream *st;

    if(frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA)
        return 0;
    st = nghttp2_session_get_stream_user_data(ng, frame->hd.stream_id);
    if(!st)
        return 0;
    if(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)
        st->remote_ended = true;
    if(frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST &&
       st->state == ST_RECV)
        validate_headers(h, st);
    if(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)
        return finish_request(h, st);
    return 0;
}

static int
on_frame_send(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
    struct stream *st;

    (void)user;
    /* END_STREAM rides on HEADERS (gRPC trailers) or on DATA (gRPC-Web, static files). */
    if((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
       !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
        return 0;
    st = nghttp2_session_get_stream_user_data(ng, frame->hd.stream_id);
    if(!st)
        return 0;
    st->answered = true;
    /* gRPC-Web and static answers: browsers (and curl) treat a reset of a request they are
     * still sending as an error even after a complete answer; on_data_chunk resets a long
     * one. */
    if(st->kind != K_GRPC)
        return 0;
    /* We answered before the request ended: tell the client to stop sending it. */
    if(!st->remote_ended &&
       nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_NO_ERROR) != 0)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    return 0;
}

static int
on_stream_close(nghttp2_session *ng, int32_t id, uint32_t code, void *user)
{
    struct sd_h2 *h = user;
    struct stream *st = nghttp2_session_get_stream_user_data(ng, id);

    (void)code;
    if(!st)
        return 0;
    /* A job still out for this stream finds no stream on return and is freed there. */
    nghttp2_session_set_stream_user_data(ng, id, NULL);
    stream_unlink(h, st);
    stream_free(st);
    return 0;
}

/* ---- response side ---- */

static ssize_t
read_body(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t cap, uint32_t *flags,
          nghttp2_data_source *src, void *user)
{
    struct sd_h2 *h = user;
    struct stream *st = src->ptr;
    size_t left = st->src_len - st->body_off;
    size_t n = left < cap ? left : cap;

    if(n) {
        memcpy(buf, st->src + st->body_off, n);
        h->active_ms = sd_rpc_now_ms();
    }
    st->body_off += n;
    if(!st->borrowed)
        h->out_bytes -= n;
    if(st->body_off == st->src_len && st->kind != K_GRPC) {
        /* gRPC-Web and plain HTTP: the body is all there is, END_STREAM on this DATA. */
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        st->state = ST_DONE;
    } else if(st->body_off == st->src_len) {
        nghttp2_nv tr[2];
        char code[16];
        size_t k = status_nv(tr, st, code, sizeof(code));

        *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
        st->state = ST_DONE;
        if(nghttp2_submit_trailer(ng, id, tr, k) != 0)
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    return (ssize_t)n;
}

/* A gRPC-Web reply. Login moves the token from the reply into the cookie; Logout (whatever
 * its status: the cookie is of no use afterwards) expires it. */
static void
web_complete(struct sd_h2 *h, struct stream *st, struct sd_h2_job *job)
{
    char cookie[SD_WEB_SET_COOKIE_MAX];

    cookie[0] = 0;
    if(strcmp(job->method, "/sealdesk.v1.Auth/Login") == 0 && job->call.status == SD_GRPC_OK) {
        if(sd_rpc_web_login_reply(&job->call, cookie, sizeof(cookie)) != SD_OK) {
            sd_rpc_call_clear(&job->call);
            sd_rpc_call_status(&job->call, SD_GRPC_INTERNAL, "login reply");
        }
    } else if(strcmp(job->method, "/sealdesk.v1.Auth/Logout") == 0) {
        (void)sd_web_set_cookie(cookie, sizeof(cookie), NULL, 0);
    }
    set_status(st, job->call.status, job->call.message);
    st->mem_reserved += job->call.mem_reserved; /* released with the body */
    job->call.mem_reserved = 0;
    web_respond(h, st, &job->call, cookie);
    sodium_memzero(cookie, sizeof(cookie));
}

void
sd_h2_complete(struct sd_h2 *h, struct sd_h2_job *job)
{
    struct stream *st;
    nghttp2_nv hdr[2 + SD_WEB_N_HEADERS];
    size_t n = 0;
    sd_err e = SD_OK;

    st = nghttp2_session_get_stream_user_data(h->ng, job->stream_id);
    if(!st || st->state != ST_DISPATCHED) {
        sd_h2_job_free(job); /* the client reset the stream meanwhile */
        return;
    }
    if(st->kind == K_WEB) {
        web_complete(h, st, job);
        goto out;
    }
    for(size_t i = 0; i < job->call.n_msgs && e == SD_OK; i++)
        e = sd_grpc_frame(&st->body, job->call.msgs[i].data, job->call.msgs[i].len);
    if(e != SD_OK) {
        sd_buf_wipe_free(&st->body);
        respond_early(h, st, "200", SD_GRPC_INTERNAL, "reply too large");
        goto out;
    }
    if(st->body.len == 0) {
        respond_early(h, st, "200", job->call.status, job->call.message);
        goto out;
    }
    set_status(st, job->call.status, job->call.message);
    st->mem_reserved += job->call.mem_reserved; /* released with the body */
    job->call.mem_reserved = 0;
    hdr[n++] = nv(":status", "200");
    hdr[n++] = nv("content-type", "application/grpc");
    n += sec_nv(hdr + n);
    st->src = st->body.data;
    st->src_len = st->body.len;
    st->state = ST_RESPONDING;
    submit_with_body(h, st, hdr, n, true);
out:
    sd_h2_job_free(job);
}

/* ---- session ---- */

sd_err
sd_h2_new(struct sd_h2 **out, const struct sd_h2_opts *o)
{
    sd_err err = SD_OK;
    struct sd_h2 *h = NULL;
    nghttp2_session_callbacks *cbs = NULL;
    nghttp2_option *opt = NULL;
    const nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, SD_RPC_MAX_STREAMS},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, SD_RPC_MAX_HEADER_LIST},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, SD_H2_INITIAL_WINDOW},
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
    };

    SD_CHECK_ARG(out && o && o->submit);
    *out = NULL;
    h = calloc(1, sizeof(*h));
    SD_ENSURE(h, SD_E_NOMEM);
    h->submit = o->submit;
    h->ctx = o->ctx;
    h->active_ms = sd_rpc_now_ms();
    h->conn_id = o->conn_id;
    h->max_req = o->max_req;
    h->files = o->files;
    SD_TRY(dup_str(&h->peer_subject, o->peer_subject));
    SD_TRY(dup_str(&h->peer_fingerprint, o->peer_fingerprint));
    SD_TRY(dup_str(&h->peer_addr, o->peer_addr));
    SD_ENSURE(nghttp2_session_callbacks_new(&cbs) == 0, SD_E_NOMEM);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(cbs, on_frame_send);
    SD_ENSURE(nghttp2_option_new(&opt) == 0, SD_E_NOMEM);
    /* Bounds on what a peer can make us queue or decode (CVE-2023-44487, CVE-2024-28182). */
    nghttp2_option_set_max_outbound_ack(opt, 1000);
    nghttp2_option_set_max_settings(opt, 32);
    nghttp2_option_set_max_continuations(opt, 8);
    nghttp2_option_set_stream_reset_rate_limit(opt, 1000, 33);
    SD_ENSURE(nghttp2_session_server_new2(&h->ng, cbs, h, opt) == 0, SD_E_NOMEM);
    SD_ENSURE(nghttp2_submit_settings(h->ng, NGHTTP2_FLAG_NONE, iv, sizeof(iv) / sizeof(iv[0])) ==
                  0,
              SD_E_NOMEM);
    SD_ENSURE(nghttp2_session_set_local_window_size(h->ng, NGHTTP2_FLAG_NONE, 0, CONN_WINDOW) == 0,
              SD_E_NOMEM);
    *out = h;
    h = NULL;
out:
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cbs);
    sd_h2_free(h);
    return err;
}

void
sd_h2_free(struct sd_h2 *h)
{
    struct stream *st;

    if(!h)
        return;
    /* nghttp2_session_del calls no stream-close callbacks: free our streams ourselves. */
    nghttp2_session_del(h->ng);
    while((st = h->streams)) {
        h->streams = st->next;
        stream_free(st);
    }
    /* gcc 12 -fanalyzer, following sd_h2_new's failure path, takes two of these calloc'ed
     * (so NULL or distinct) fields for one pointer and reports a double free. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-double-free"
#endif
    free(h->peer_subject);
    free(h->peer_fingerprint);
    free(h->peer_addr);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    free(h);
}

sd_err
sd_h2_recv(struct sd_h2 *h, const uint8_t *p, size_t n)
{
    ssize_t r = nghttp2_session_mem_recv(h->ng, p, n);

    if(r < 0) {
        sd_log(SD_LOG_DEBUG, "h2_error", "conn=%llu err=\"%s\"", (unsigned long long)h->conn_id,
               nghttp2_strerror((int)r));
        return r == NGHTTP2_ERR_NOMEM ? SD_E_NOMEM : SD_E_INVALID;
    }
    return SD_OK;
}

sd_err
sd_h2_send(struct sd_h2 *h, struct sd_buf *out, size_t max)
{
    sd_err err = SD_OK;

    while(out->len < max) {
        const uint8_t *p = NULL;
        ssize_t n = nghttp2_session_mem_send(h->ng, &p);

        SD_ENSURE(n >= 0, n == NGHTTP2_ERR_NOMEM ? SD_E_NOMEM : SD_E_INVALID);
        if(n == 0)
            break;
        SD_TRY(sd_buf_append(out, p, (size_t)n));
    }
out:
    return err;
}

void
sd_h2_shutdown(struct sd_h2 *h)
{
    int32_t last = nghttp2_session_get_last_proc_stream_id(h->ng);

    if(h->goaway)
        return;
    h->goaway = true;
    if(nghttp2_submit_goaway(h->ng, NGHTTP2_FLAG_NONE, last, NGHTTP2_NO_ERROR, NULL, 0) != 0)
        nghttp2_session_terminate_session(h->ng, NGHTTP2_INTERNAL_ERROR);
}

void
sd_h2_tick(struct sd_h2 *h, uint64_t now_ms)
{
    for(struct stream *st = h->streams; st; st = st->next)
        if(st->state == ST_RECV && st->deadline_ms && now_ms >= st->deadline_ms)
            reject(h, st, "200", SD_GRPC_DEADLINE_EXCEEDED, "deadline exceeded");
}

bool
sd_h2_done(const struct sd_h2 *h)
{
    return !nghttp2_session_want_read(h->ng) && !nghttp2_session_want_write(h->ng);
}

size_t
sd_h2_streams(const struct sd_h2 *h)
{
    return h->n_streams;
}

uint64_t
sd_h2_active_ms(const struct sd_h2 *h)
{
    return h->active_ms;
}

size_t
sd_h2_out_buffered(const struct sd_h2 *h)
{
    return h->out_bytes;
}
