/* Private interfaces of src/rpc shared with src/server and the fuzz harnesses: the TLS 1.3
 * wrapper (tls.c), the HTTP/2 gRPC server session (h2.c) and the call job that travels from
 * the event loop to a worker thread and back. None of this is public API. */
#ifndef SD_RPC_INT_H
#define SD_RPC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"
#include "sealdesk/rpc.h"

struct sd_web_files;

/* Request bytes one connection may hold in partly received request bodies (all streams whose
 * method takes at most SD_RPC_MAX_MSG; larger bodies are charged to the process budget of
 * sd_rpc_req_mem_reserve instead). */
#define SD_H2_MAX_REQ_BUFFERED ((size_t)8 << 20)
/* Per-stream HTTP/2 receive window we announce: one full message fits without a round trip. A
 * larger request flows as nghttp2 grants WINDOW_UPDATEs for the bytes we consumed. */
#define SD_H2_INITIAL_WINDOW   (SD_RPC_MAX_MSG + 5 + 16384)

/* Monotonic clock in milliseconds / microseconds (CLOCK_MONOTONIC). Thread-safe. */
uint64_t sd_rpc_now_ms(void);
uint64_t sd_rpc_now_us(void);

/* grpc-message encoding (gRPC PROTOCOL-HTTP2): bytes outside 0x20..0x7e and '%' become %XX.
 * SD_E_LIMIT if out (NUL included) is too small; out is then "". */
sd_err sd_grpc_percent_encode(char *out, size_t cap, const char *in);

/* One `ev=call` log line: method and request id reduced to a safe alphabet, never contents. */
void sd_rpc_log_call(uint64_t conn_id, int32_t stream_id, const char *method,
                     const char *request_id, int status, uint64_t latency_us);

/* ---- tls.c: TLS 1.3 only, ALPN "h2" only, over memory BIOs (the caller moves bytes) ---- */

struct sd_tls_ctx;
struct sd_tls_ctx_opts {
    const char *cert_file;      /* PEM chain */
    const char *key_file;       /* PEM private key */
    const char *client_ca_file; /* NULL or "": no client certificates asked */
    bool require_client_cert;   /* needs client_ca_file */
};
/* SD_E_CRYPTO for an unreadable or mismatched certificate/key/CA, SD_E_INVALID for bad
 * options. Free with sd_tls_ctx_free. Thread-safe once built (read-only). */
sd_err sd_tls_ctx_new(struct sd_tls_ctx **out, const struct sd_tls_ctx_opts *o);
void sd_tls_ctx_free(struct sd_tls_ctx *c);

/* One server-side TLS connection. Not thread-safe. Free with sd_tls_free. */
struct sd_tls;
sd_err sd_tls_new(struct sd_tls **out, struct sd_tls_ctx *c);
void sd_tls_free(struct sd_tls *t);
/* Hand ciphertext received from the peer to TLS (copied). */
sd_err sd_tls_feed(struct sd_tls *t, const uint8_t *p, size_t n);
/* Advance the handshake. SD_OK: done with ALPN h2 negotiated; SD_E_EMPTY: needs more input;
 * SD_E_DENIED: the client did not negotiate h2; SD_E_CRYPTO: handshake failed. */
sd_err sd_tls_handshake(struct sd_tls *t);
/* Decrypt into p[0..cap). SD_OK with *got > 0; SD_E_EMPTY: needs more input; SD_E_IO: the
 * peer sent close_notify; SD_E_CRYPTO: fatal TLS error. */
sd_err sd_tls_read(struct sd_tls *t, uint8_t *p, size_t cap, size_t *got);
/* Encrypt n plaintext bytes; the ciphertext waits for sd_tls_take_out. */
sd_err sd_tls_write(struct sd_tls *t, const uint8_t *p, size_t n);
/* Append all pending ciphertext to out. */
sd_err sd_tls_take_out(struct sd_tls *t, struct sd_buf *out);
/* Verified client certificate subject (RFC 2253), or NULL. Borrowed; lives as long as t. */
const char *sd_tls_peer_subject(const struct sd_tls *t);
/* Hex SHA-256 of the verified client certificate (DER), or NULL. */
const char *sd_tls_peer_fingerprint(const struct sd_tls *t);

/* ---- web_login.c: Auth/Login over gRPC-Web (issue #16) ---- */

/* Take the session token out of c's single LoginResponse message: the message is re-encoded
 * with an empty token (the old bytes wiped) and cookie gets the set-cookie value
 * (sd_web_set_cookie, Max-Age SD_SESSION_TTL). SD_E_INTERNAL when the reply is not one
 * LoginResponse with a token. cookie holds a secret: the caller wipes it. */
sd_err sd_rpc_web_login_reply(struct sd_rpc_call *c, char *cookie, size_t cap);

/* ---- h2.c: HTTP/2 server session carrying gRPC, fed plaintext by the caller ---- */

/* One complete call on its way to a handler and back. Owned by whoever holds it: h2 creates
 * it, the submit callback takes it, sd_h2_complete or sd_h2_job_free ends it. */
struct sd_h2_job {
    struct sd_rpc_call call; /* inputs point into the fields below */
    struct sd_buf req;       /* the request message (wiped on free) */
    char *method;
    char *authorization; /* secret: wiped on free */
    char *request_id;
    char *peer_subject;
    char *peer_fingerprint;
    char *peer_addr;
    int32_t stream_id;
    uint64_t t_start_us;    /* sd_rpc_now_us() when the request was complete */
    void *owner;            /* for the submitter (the server's connection) */
    bool to_writer;         /* for the submitter: prepared on a worker, then to the writer */
    struct sd_h2_job *next; /* for the submitter's queues */
    size_t req_mem;         /* bytes held against sd_rpc_req_mem_reserve; released on free */
};

/* Run on a worker thread: checks the deadline before and after the handler (DEADLINE_EXCEEDED
 * drops any reply) and normalises a status outside 0..16 to INTERNAL. */
void sd_h2_job_run(struct sd_h2_job *job, sd_rpc_handler_fn fn, void *app);
/* The prepare step (sd_rpc_prepare) on a worker: DEADLINE_EXCEEDED when the deadline passed
 * before or during it; otherwise what fn set (SD_GRPC_UNKNOWN: go on to the handler). */
void sd_h2_job_prepare(struct sd_h2_job *job, sd_rpc_handler_fn fn, void *app);
/* Free a job (and its reply) without answering it. NULL is a no-op. */
void sd_h2_job_free(struct sd_h2_job *job);

/* Called on the session's thread when a request is complete. SD_OK: the callee owns job and
 * must give it back with sd_h2_complete (or free it if the session is gone). Any error: the
 * session keeps ownership, frees the job and answers RESOURCE_EXHAUSTED. */
typedef sd_err (*sd_h2_submit_fn)(void *ctx, struct sd_h2_job *job);

struct sd_h2_opts {
    sd_h2_submit_fn submit;
    void *ctx;
    const char *peer_subject;     /* copied; NULL if none */
    const char *peer_fingerprint; /* copied; NULL if none */
    uint64_t conn_id;             /* for log lines only */
    const char *peer_addr;        /* source address, copied; NULL if unknown */
    /* Request limit of a method (sd_rpc_method_max_req), asked once a stream's headers are
     * in; NULL: SD_RPC_MAX_MSG for every method. A limit over SD_RPC_MAX_MSG makes the body
     * count against the process budget (sd_rpc_req_mem_reserve), not the connection's. */
    size_t (*max_req)(const char *path);
    /* The console's static files (sealdesk/web.h), borrowed: must outlive the session. NULL:
     * no console_dir, GET answers 404 "console not configured". */
    const struct sd_web_files *files;
};

struct sd_h2;
/* New server session; queues our SETTINGS. SD_E_NOMEM. Free with sd_h2_free (jobs already
 * submitted stay valid; their sd_h2_complete must not be called afterwards). Not
 * thread-safe: one thread drives a session. */
sd_err sd_h2_new(struct sd_h2 **out, const struct sd_h2_opts *o);
void sd_h2_free(struct sd_h2 *h);
/* Process received plaintext (the client preface first). SD_E_INVALID: the connection is
 * broken (protocol error); flush sd_h2_send once more, then close. */
sd_err sd_h2_recv(struct sd_h2 *h, const uint8_t *p, size_t n);
/* Append frames to send to out until it holds at least max bytes or nothing is left. */
sd_err sd_h2_send(struct sd_h2 *h, struct sd_buf *out, size_t max);
/* Answer a submitted job (takes ownership; a job for a stream that is gone is freed). */
void sd_h2_complete(struct sd_h2 *h, struct sd_h2_job *job);
/* Graceful end: GOAWAY with the last stream we saw; open streams still finish. Idempotent. */
void sd_h2_shutdown(struct sd_h2 *h);
/* Expire streams whose grpc-timeout passed while their request was still arriving. */
void sd_h2_tick(struct sd_h2 *h, uint64_t now_ms);
/* Nothing left to read or write: the connection can be closed. */
bool sd_h2_done(const struct sd_h2 *h);
/* Streams we track (open or awaiting their answer). */
size_t sd_h2_streams(const struct sd_h2 *h);
/* Last time (sd_rpc_now_ms) a request began or an answer byte went out: what counts as
 * activity for the idle timeout (PING, SETTINGS and WINDOW_UPDATE do not). */
uint64_t sd_h2_active_ms(const struct sd_h2 *h);
/* Response bytes queued in streams and not yet handed out by sd_h2_send. */
size_t sd_h2_out_buffered(const struct sd_h2 *h);

#endif
