/* sealdesk rpc: gRPC over HTTP/2 over TLS 1.3, server and client side.
 *
 * The transport (tls.c, h2.c, frame.c, server side in src/server) knows nothing about tickets:
 * it hands each complete call to an sd_rpc_handler and sends back what the handler put in the
 * call. dispatch.c is the handler that maps methods to the desk. The client (client.c) is used
 * by sealctl's online mode and sealbench. */
#ifndef SEALDESK_RPC_H
#define SEALDESK_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

/* DESIGN.md "gRPC" limits. */
#define SD_RPC_MAX_MSG         (1024 * 1024) /* one gRPC message, either direction */
/* A request to a method that takes whole mails with attachments (issue 15: 10 MiB per file,
 * 25 MiB per message, plus framing): the largest request any method's max_req may allow and
 * what the client may send. Every other method keeps SD_RPC_MAX_MSG. */
#define SD_RPC_MAX_REQ_LARGE   (26 * 1024 * 1024)
#define SD_RPC_MAX_STREAMS     100         /* concurrent streams per connection */
#define SD_RPC_MAX_HEADER_LIST (16 * 1024) /* header list size */
#define SD_RPC_IDLE_TIMEOUT_MS 60000
#define SD_RPC_MAX_STREAM_MSGS 4096 /* messages in one server-streaming reply */

/* gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
enum sd_grpc_status {
    SD_GRPC_OK = 0,
    SD_GRPC_CANCELLED = 1,
    SD_GRPC_UNKNOWN = 2,
    SD_GRPC_INVALID_ARGUMENT = 3,
    SD_GRPC_DEADLINE_EXCEEDED = 4,
    SD_GRPC_NOT_FOUND = 5,
    SD_GRPC_ALREADY_EXISTS = 6,
    SD_GRPC_PERMISSION_DENIED = 7,
    SD_GRPC_RESOURCE_EXHAUSTED = 8,
    SD_GRPC_FAILED_PRECONDITION = 9,
    SD_GRPC_ABORTED = 10,
    SD_GRPC_OUT_OF_RANGE = 11,
    SD_GRPC_UNIMPLEMENTED = 12,
    SD_GRPC_INTERNAL = 13,
    SD_GRPC_UNAVAILABLE = 14,
    SD_GRPC_DATA_LOSS = 15,
    SD_GRPC_UNAUTHENTICATED = 16
};

/* sd_err -> gRPC status (STYLE.md: one meaning each). */
enum sd_grpc_status sd_grpc_status_from_err(sd_err err);
/* "NOT_FOUND", ... (static). */
const char *sd_grpc_status_name(int status);

/* One call as the transport hands it to the handler. Inputs are borrowed for the duration of
 * the handler call; outputs are owned by the call and freed by sd_rpc_call_clear. */
struct sd_rpc_call {
    /* inputs */
    const char *method; /* ":path", e.g. "/sealdesk.v1.Tickets/Create" */
    const uint8_t *req; /* the single request message (unary and server-streaming) */
    size_t req_len;
    const char *peer_subject;     /* verified mTLS client certificate subject, or NULL */
    const char *peer_fingerprint; /* its SHA-256 (DER), lower-case hex, or NULL */
    const char *peer_addr;        /* the client's source address ("127.0.0.1"; an IPv6 client
                                  as its /64 prefix), or NULL: for per-source limits */
    const char *authorization;    /* "authorization" metadata value, or NULL */
    const char *request_id;       /* "x-request-id" metadata, or NULL */
    uint64_t deadline_ms;         /* absolute CLOCK_MONOTONIC ms from grpc-timeout, 0 = none */
    /* state handed from the prepare step to the handler (sd_rpc_prepare); freed with the
     * call by prep_free */
    void *prep;
    void (*prep_free)(void *prep);
    /* outputs */
    int status;          /* enum sd_grpc_status */
    char message[256];   /* grpc-message (ASCII, no PII) */
    struct sd_buf *msgs; /* response messages (serialized protobuf), in order */
    size_t n_msgs;
    size_t cap_msgs;
    size_t mem_reserved; /* bytes held against the process reply budget
                                  (sd_rpc_mem_reserve); released when the answer is gone */
};

/* Append one response message (copied). SD_E_LIMIT past SD_RPC_MAX_STREAM_MSGS. */
sd_err sd_rpc_call_reply(struct sd_rpc_call *c, const uint8_t *p, size_t n);
/* Set status and message (printf-style; keep it free of PII). */
void sd_rpc_call_status(struct sd_rpc_call *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sd_rpc_call_clear(struct sd_rpc_call *c);

/* Process-wide budget for large answers waiting to be sent (Audit/Export): reserve n bytes for
 * call c before building them; false (nothing reserved) when the budget would be exceeded.
 * The reservation travels with the answer and is released when it is sent, dropped, or the
 * call is cleared. limit 0 = no limit (the default). All thread-safe. */
void sd_rpc_mem_set_limit(size_t bytes);
bool sd_rpc_mem_reserve(struct sd_rpc_call *c, size_t n);
void sd_rpc_mem_release(size_t n);
size_t sd_rpc_mem_held(void);

/* Process-wide budget for large request bodies in flight (requests to a method whose limit is
 * over SD_RPC_MAX_MSG, config `intake-memory-mb`): the HTTP/2 session reserves each received
 * byte of such a body before buffering it and refuses the call with RESOURCE_EXHAUSTED when
 * the budget would be exceeded; the reservation travels with the request to its job and is
 * released when the job is freed. limit 0 = no limit; the default is 128 MiB. Thread-safe. */
void sd_rpc_req_mem_set_limit(size_t bytes);
bool sd_rpc_req_mem_reserve(size_t n);
void sd_rpc_req_mem_release(size_t n);
size_t sd_rpc_req_mem_held(void);

/* The application: called on a worker thread, may block on the store. Must set c->status
 * (and for OK, at least one message for unary methods). Unknown method -> UNIMPLEMENTED. */
typedef void (*sd_rpc_handler_fn)(void *app, struct sd_rpc_call *c);

/* ---- gRPC message framing (frame.c): 1 byte compressed flag, 4 bytes big-endian length ---- */

/* Incremental decoder of a gRPC message stream (a request body). */
struct sd_grpc_reader {
    struct sd_buf buf; /* bytes received and not yet consumed */
    size_t max_msg;
};
void sd_grpc_reader_init(struct sd_grpc_reader *r, size_t max_msg);
void sd_grpc_reader_clear(struct sd_grpc_reader *r);
/* Append received bytes. SD_E_LIMIT when a declared length exceeds max_msg (checked as soon as
 * the 5-byte prefix is complete). */
sd_err sd_grpc_reader_feed(struct sd_grpc_reader *r, const uint8_t *p, size_t n);
/* Take the next complete message: SD_OK with *msg and *len pointing into the reader (valid until
 * the next feed/next call), SD_E_EMPTY if incomplete, SD_E_INVALID for a compressed message
 * (we announce no grpc-encoding) or a bad flag byte. */
sd_err sd_grpc_reader_next(struct sd_grpc_reader *r, const uint8_t **msg, size_t *len);
/* Append the 5-byte prefix and the message to out. */
sd_err sd_grpc_frame(struct sd_buf *out, const uint8_t *msg, size_t n);
/* Parse a grpc-timeout header value ("100m", "5S", ...) into milliseconds. */
sd_err sd_grpc_timeout_parse(const char *v, uint64_t *ms);

/* ---- dispatch (dispatch.c): the sealdesk handler ---- */
struct sd_desk;
/* app for sd_rpc_dispatch is a struct sd_desk *. */
void sd_rpc_dispatch(void *app, struct sd_rpc_call *c);
/* The prepare step of methods that have one (see struct sd_rpc_method.prepare), for a worker
 * thread before the call goes to the writer: checks the session and policy, then prepares.
 * c->status stays SD_GRPC_UNKNOWN when the call should go on to sd_rpc_dispatch; anything
 * else is its final answer. Other methods: no-op. */
void sd_rpc_prepare(void *app, struct sd_rpc_call *c);
/* The dispatch table, for tests that must cover every RPC: path of method i (static), NULL
 * past the end. */
const char *sd_rpc_method_path(size_t i);
/* Request bytes the method at path takes at most (its table's max_req, at most
 * SD_RPC_MAX_REQ_LARGE); SD_RPC_MAX_MSG for an unknown path or a method without its own limit.
 * The HTTP/2 session asks this once the headers are in, before any DATA is buffered. */
size_t sd_rpc_method_max_req(const char *path);

/* ---- client (client.c) ---- */
struct sd_grpc_client;
struct sd_grpc_client_opts {
    const char *target;    /* "host:port" */
    const char *ca_file;   /* PEM CA that signed the server certificate */
    const char *cert_file; /* optional client certificate (mTLS) */
    const char *key_file;
    const char *server_name; /* SNI / name to verify; NULL: host part of target */
};
/* Connect (TCP + TLS 1.3 + ALPN h2 + HTTP/2 preface). SD_E_IO when unreachable, SD_E_CRYPTO
 * when the certificate does not verify. Not thread-safe: one client per thread. */
sd_err sd_grpc_client_connect(struct sd_grpc_client **out, const struct sd_grpc_client_opts *o);
void sd_grpc_client_close(struct sd_grpc_client *c);
/* Called once per response message, in order. */
typedef sd_err (*sd_grpc_msg_fn)(void *ctx, const uint8_t *p, size_t n);
/* Unary or server-streaming call. metadata: NULL-terminated name/value pairs (e.g.
 * {"authorization", "Bearer x", NULL}). On return *status is the gRPC status from the
 * trailers and msg holds grpc-message. The return value is SD_OK when a status was received
 * (even a non-OK one), else the transport error. */
sd_err sd_grpc_client_call(struct sd_grpc_client *c, const char *method, const char *const *md,
                           const uint8_t *req, size_t n, sd_grpc_msg_fn on_msg, void *ctx,
                           int *status, char *msg, size_t msgcap);

/* ---- client, diagnostics and async API (client.c; for sealctl and sealbench) ----
 *
 * Many calls can run at once on one connection: sd_grpc_client_start queues a call, and
 * sd_grpc_client_poll drives the I/O and runs the callbacks. At most sd_grpc_client_max_streams
 * calls are on the wire; the rest wait in a local queue. Every call that sd_grpc_client_start
 * accepted (SD_OK) gets exactly one on_done, from sd_grpc_client_poll, sd_grpc_client_call
 * (which polls) or sd_grpc_client_close. When sd_grpc_client_call does not return SD_OK, msg
 * holds the transport reason instead of a grpc-message. No reason ever contains metadata.
 * sd_grpc_client_close sends GOAWAY without blocking, runs on_done (SD_E_IO, "client closed")
 * for every pending call, wipes and frees everything; NULL is a no-op; never from a callback. */

#define SD_GRPC_CLIENT_MAX_PENDING    1024 /* calls started and not yet done, per client */
#define SD_GRPC_CLIENT_MAX_MD         32   /* metadata pairs per call */
#define SD_GRPC_CLIENT_MAX_MD_BYTES   8192 /* sum of metadata name and value lengths per call */
#define SD_GRPC_CLIENT_MAX_METHOD     256  /* ":path" length */
#define SD_GRPC_CLIENT_MAX_TIMEOUT_MS 86400000u
#define SD_GRPC_CLIENT_MAX_RESP       (64 * 1024 * 1024) /* sd_grpc_client_set_max_msg ceiling */

/* Like sd_grpc_client_connect, and on failure writes a one-line reason (NUL-terminated, possibly
 * truncated, no secrets) into why, e.g. "certificate verify failed: unable to get local issuer
 * certificate". Codes: SD_E_INVALID bad options; SD_E_IO unreachable, timeout (10 s for TCP +
 * TLS + the server's SETTINGS), connection lost, or ALPN "h2" not negotiated; SD_E_CRYPTO
 * certificate or host name/IP verification failed, TLS handshake or alert failure, unusable
 * client cert/key; SD_E_NOMEM. A server refusing our client certificate gives SD_E_CRYPTO when
 * it sends an alert, SD_E_IO when it just closes (grpcio does).
 * sd_grpc_client_connect is this plus a warn log line with the reason. */
sd_err sd_grpc_client_connect_why(struct sd_grpc_client **out, const struct sd_grpc_client_opts *o,
                                  char *why, size_t whycap);

/* Called once when a call ends. err SD_OK: a gRPC status was obtained, status/message are the
 * decoded trailers (message "" if none; DEADLINE_EXCEEDED with message "deadline exceeded"
 * when the local deadline of sd_grpc_client_set_timeout passed; a status mapped from the
 * HTTP code when the server answered non-200 without grpc-status). Otherwise the transport
 * error, status SD_GRPC_UNKNOWN and message a short reason: SD_E_IO (connection lost, stream
 * reset, GOAWAY, no grpc-status), SD_E_LIMIT (a response message over SD_RPC_MAX_MSG or
 * headers over SD_RPC_MAX_HEADER_LIST), SD_E_INVALID (malformed or compressed response), or
 * the error on_msg returned. message is borrowed for the duration of the callback. on_done
 * may call sd_grpc_client_start and nothing else on this client. */
typedef void (*sd_grpc_done_fn)(void *ctx, sd_err err, int status, const char *message);

/* Start a unary or server-streaming call; returns without doing I/O. method, md and req are
 * copied (metadata and request copies are wiped once handed to HTTP/2; metadata is sent
 * never-indexed so HPACK tables keep no token). md as for sd_grpc_client_call; names are
 * [0-9a-z._-], not reserved (grpc-*, te, content-type, user-agent, hop-by-hop), values
 * printable ASCII without leading/trailing space. on_msg (may be NULL) gets each response
 * message in order, borrowed for the callback; it must not call this client; an error it
 * returns cancels the call. ctx is passed to both callbacks. SD_E_INVALID bad method,
 * metadata or NULL on_done, or called from on_msg; SD_E_LIMIT request over SD_RPC_MAX_REQ_LARGE or
 * SD_GRPC_CLIENT_MAX_PENDING calls pending; SD_E_IO connection lost or server going away;
 * SD_E_NOMEM. No on_done follows an error return. */
sd_err sd_grpc_client_start(struct sd_grpc_client *c, const char *method, const char *const *md,
                            const uint8_t *req, size_t n, sd_grpc_msg_fn on_msg,
                            sd_grpc_done_fn on_done, void *ctx);

/* Drive the connection: send what is due, wait up to timeout_ms (>= 0) for input when calls
 * are pending (returns at once when none are), process it, and run the callbacks that are due.
 * SD_OK while the connection is usable; SD_E_IO once it is lost, after every pending call got
 * its on_done; SD_E_INVALID for a negative timeout or a call from a callback. */
sd_err sd_grpc_client_poll(struct sd_grpc_client *c, int timeout_ms);

/* Calls started and whose on_done has not run yet (queued + on the wire). */
size_t sd_grpc_client_pending(const struct sd_grpc_client *c);
/* HTTP/2 streams open now; never above sd_grpc_client_max_streams. */
size_t sd_grpc_client_in_flight(const struct sd_grpc_client *c);
/* min(server's SETTINGS_MAX_CONCURRENT_STREAMS, SD_RPC_MAX_STREAMS). */
size_t sd_grpc_client_max_streams(const struct sd_grpc_client *c);

/* Deadline for calls started afterwards, sent as grpc-timeout and enforced locally; 0 (the
 * default) means none, and sd_grpc_client_call then gives up with SD_E_IO after
 * SD_RPC_IDLE_TIMEOUT_MS without input. SD_E_INVALID above SD_GRPC_CLIENT_MAX_TIMEOUT_MS. */
sd_err sd_grpc_client_set_timeout(struct sd_grpc_client *c, uint32_t timeout_ms);

/* Largest response message accepted by calls started afterwards (default SD_RPC_MAX_MSG; the
 * etcd client takes more); a larger one ends its call with SD_E_LIMIT. SD_E_INVALID for 0 or
 * above SD_GRPC_CLIENT_MAX_RESP. */
sd_err sd_grpc_client_set_max_msg(struct sd_grpc_client *c, size_t max_msg);

#endif
