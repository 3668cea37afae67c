/* sealdesk metrics: process-wide counters kept with C11 atomics (calls by method and gRPC
 * status, latency histograms, open connections), the group-commit writer's figures, and a
 * Prometheus text endpoint (format 0.0.4) served by one small HTTP/1.1 thread of its own.
 *
 * Labels carry only names from the dispatch table (service, method), gRPC status names and
 * priorities P1..P4: never ticket ids, user names or any byte a client sent. A path that is
 * not in the table is counted as service="unknown",method="unknown". */
#ifndef SEALDESK_METRICS_H
#define SEALDESK_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

#define SD_METRICS_MAX_METHODS      256  /* dispatch table entries that get their own series */
#define SD_METRICS_MAX_REQUEST      8192 /* HTTP request head; more gets 431 and a close */
#define SD_METRICS_READ_TIMEOUT_MS  2000 /* to receive the whole request head */
#define SD_METRICS_WRITE_TIMEOUT_MS 5000 /* to send the whole answer */
#define SD_METRICS_QUEUE_SCAN_MAX   ((uint64_t)1 << 20) /* queue entries walked per scrape */

/* ---- recording (any thread, lock-free, no allocation) ---- */

/* Count one finished call: method is the ":path" (matched against sd_rpc_method_path; only
 * table names become labels), status 0..16 (others count as UNKNOWN), latency in
 * microseconds from the complete request to the answer. Called by src/server for every call
 * that got an answer from a handler or was refused for a full queue. */
void sd_metrics_call(const char *method, int status, uint64_t latency_us);
/* Open connections now (gauge), set by the server's event loop. */
void sd_metrics_set_conns(size_t n);
/* Count one connection refused at accept (a connection limit), any thread. */
void sd_metrics_conn_refused(void);
/* Whether sealdeskd could mlockall its memory (gauge sealdesk_memory_locked). */
void sd_metrics_set_memlock(bool locked);

/* The running group-commit writer, so scrapes can read sd_writer_stats: attach after
 * sd_writer_new, detach before sd_writer_free (detach waits for a scrape reading it, so the
 * writer is never used after it is freed). Detaching a writer that is not attached does
 * nothing. Thread-safe. */
struct sd_writer;
void sd_metrics_writer_attach(struct sd_writer *w);
void sd_metrics_writer_detach(struct sd_writer *w);

/* Forget every count (tests only; not atomic with respect to concurrent recording). */
void sd_metrics_reset(void);

/* ---- exposition ---- */

struct sd_desk;
/* Append the whole exposition text to out. With desk (borrowed, may be NULL) it adds queue
 * depth and overdue count per priority (one read txn; at most SD_METRICS_QUEUE_SCAN_MAX queue
 * entries are walked, past that sealdesk_queue_scan_truncated is 1) and the audit log size;
 * now (Unix seconds) decides overdue. A store error leaves those out and sets
 * sealdesk_store_up 0. SD_E_NOMEM / SD_E_LIMIT from the buffer. Thread-safe; the caller owns
 * out. */
sd_err sd_metrics_render(struct sd_buf *out, struct sd_desk *desk, uint64_t now);

/* What the endpoint does with one request head req[0..n) (n <= SD_METRICS_MAX_REQUEST; only
 * the request line is read, the rest is ignored). Pure: no I/O. Fuzzed by
 * tests/fuzz/fuzz_metrics_request.c. */
enum sd_metrics_req {
    SD_MREQ_GET,        /* GET /metrics (query string ignored): 200 with the body */
    SD_MREQ_HEAD,       /* HEAD /metrics: 200, headers only */
    SD_MREQ_BAD,        /* no request line "METHOD SP TARGET SP HTTP/1.x": 400 */
    SD_MREQ_NOT_FOUND,  /* another path: 404 */
    SD_MREQ_NOT_ALLOWED /* /metrics with another method: 405 */
};
enum sd_metrics_req sd_metrics_parse_request(const char *req, size_t n);

/* The HTTP endpoint: `GET /metrics` answers 200 with the exposition, any other path 404, any
 * other method 405, a request head over SD_METRICS_MAX_REQUEST 431; one request per
 * connection, served one at a time on the endpoint's own thread (never an RPC thread).
 * addr is "host:port" or "[v6]:port" (port 0 picks one). The endpoint has no
 * authentication, so it binds loopback addresses only: SD_E_DENIED for any other address
 * (put a TLS proxy in front to scrape from elsewhere). SD_E_INVALID bad address, SD_E_IO
 * cannot bind, SD_E_NOMEM. desk is borrowed and must outlive the endpoint. Free with
 * sd_metrics_free. */
struct sd_metrics;
sd_err sd_metrics_new(struct sd_metrics **out, const char *addr, struct sd_desk *desk);
/* The same with limits: max_conns connections served at once (one thread each, 1..1024;
 * default 16) and read_timeout_ms the longest wait for the next bytes of a request head
 * (>= 10; default 1000; the whole head still has SD_METRICS_READ_TIMEOUT_MS). */
struct sd_metrics_opts {
    unsigned max_conns;
    unsigned read_timeout_ms;
};
sd_err sd_metrics_new_opts(struct sd_metrics **out, const char *addr, struct sd_desk *desk,
                           const struct sd_metrics_opts *o);
/* The bound port. */
int sd_metrics_port(const struct sd_metrics *m);
/* Stop the thread (an answer in progress is cut), close the socket, free. NULL is a no-op. */
void sd_metrics_free(struct sd_metrics *m);

#endif
