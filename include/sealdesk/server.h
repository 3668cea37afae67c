/* sealdesk server runtime: listener, epoll event loop, worker threads, limits, graceful
 * shutdown. It serves any sd_rpc_handler_fn; sealdeskd passes sd_rpc_dispatch and a desk. */
#ifndef SEALDESK_SERVER_H
#define SEALDESK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"
#include "sealdesk/rpc.h"

struct sd_server_config {
    char listen[128];          /* "127.0.0.1:7443"; port 0 picks a free port */
    char cert_file[1024];      /* server certificate chain, PEM */
    char key_file[1024];       /* its private key, PEM */
    char client_ca_file[1024]; /* mTLS: CA for client certificates ("" = no mTLS) */
    bool require_client_cert;  /* refuse clients without a valid certificate */
    unsigned workers;          /* worker threads for store work (default 4) */
    unsigned max_conns;        /* concurrent connections (default 1024) */
    unsigned idle_timeout_ms;  /* close idle connections (default SD_RPC_IDLE_TIMEOUT_MS) */
    char data[1024];           /* data dir (used by sealdeskd, not by the runtime) */
    char key_path[1024];       /* master key file (sealdeskd) */
    char pass_path[1024];      /* or a passphrase file the master key is derived from */
    unsigned group_commit_max; /* write calls per LMDB commit (default 64; 0 = no writer
                                  thread: every call runs on a worker, one fsync each) */
    unsigned group_commit_us;  /* after the queue empties, wait this long for more writes
                                  before committing (default 0: commit at once) */
    char metrics[128];         /* "127.0.0.1:9464": Prometheus endpoint ("" = off; sealdeskd) */
    unsigned route_auto_s;     /* run `route auto` every this many seconds (0 = off;
                                  sealdeskd, see sd_autoroute_start) */
    /* Abuse limits (issue 13). A connection is idle when no request arrived, no call ran and
     * no answer byte was sent for idle_timeout_ms: PINGs and SETTINGS do not keep it open. */
    unsigned max_conns_per_source;   /* connections one source address may hold (default 64;
                                      an IPv6 source is its /64) */
    unsigned conn_reserve;           /* the last this many of max_conns only admit a source that
                                  holds no connection yet (default 32; < max_conns) */
    unsigned login_workers;          /* threads that run Auth/Login (Argon2id), apart from the
                                  workers (default 1) */
    unsigned login_queue;            /* logins waiting for them; more: RESOURCE_EXHAUSTED (64) */
    unsigned login_fails_per_source; /* failed logins per source per window (default 20) */
    unsigned login_fails_per_name;   /* failed logins per typed name per window (default 5) */
    unsigned login_window_s;         /* throttle window (default 60) */
    unsigned login_backoff_max_s;    /* longest back-off (default 3600) */
    unsigned login_audit_window_s;   /* one failed-login audit record per label per this many
                                      seconds (default 60) */
    unsigned export_memory_mb;  /* Audit/Export bytes held at once, whole process (default 256) */
    unsigned intake_memory_mb;  /* large request bodies (mail with attachments) in flight, whole
                                   process (default 128; sd_rpc_req_mem_set_limit) */
    unsigned metrics_max_conns; /* metrics connections served at once (default 16) */
    unsigned metrics_read_timeout_ms; /* per read of a metrics request (default 1000) */
    /* Outbound mail (issue 15; mailer.c). No smtp: no sender thread, mail stays queued. */
    char smtp[256];      /* relay "host:port" (config `smtp`, flag --smtp) */
    char mail_from[256]; /* envelope and From address (`mail_from`, --mail-from) */
    unsigned smtp_tls;   /* enum sd_smtp_tls (`smtp_tls`, --smtp-tls; default opportunistic) */
    /* Intake (issue 15): reopen window of a resolved ticket, days (`reopen_window_days`;
     * default 14, 0..365; sd_intake_set_reopen_days). */
    unsigned reopen_window_days;
    /* Attachment limits of intake (issue 15; `attachment-max-file-mb` default 10,
     * `attachment-max-message-mb` default 25, 1..64; sd_intake_set_attach_limits). */
    unsigned attachment_max_file_mb;
    unsigned attachment_max_message_mb;
    /* The web console (issue #16): directory of its static files, read once at start-up
     * (config `console_dir`, flag --console-dir; "" = no console, GET / answers 404). */
    char console_dir[1024];
    /* Cluster (issue 18; sealdesk/cluster.h): `cluster` = none (default: one node, as before)
     * or etcd; the etcd members' client URLs and this node's mTLS files for them; this node's
     * name and client address (`advertise`, host:port; default the listen address) for the
     * leader hint; the cluster's key prefix (`cluster_name`, default sealdesk). */
    unsigned cluster; /* enum sd_cluster_mode */
    char etcd_endpoints[1024];
    char etcd_ca[1024], etcd_cert[1024], etcd_key[1024];
    char node_name[65];
    char cluster_name[65];
    char advertise[257];
    /* The leader trims the log in etcd at most every N seconds (`cluster_trim_seconds`,
     * 1..86400, default 10; README "Running a cluster"). */
    unsigned cluster_trim_seconds;
    /* After a shred (or bidx-rotate): purge the store file at once, pausing every txn for
     * one pass over the live data (`shred_purge = now`, the default), or at the next start
     * (`restart`). SECURITY.md "Shredding erases, physically". */
    unsigned shred_purge; /* enum sd_shred_purge */
};

enum sd_shred_purge {
    SD_SHRED_PURGE_NOW = 0,
    SD_SHRED_PURGE_RESTART = 1
};

enum sd_cluster_mode {
    SD_CLUSTER_NONE = 0,
    SD_CLUSTER_ETCD = 1
};

/* smtp_tls: required = STARTTLS or no mail (CURLUSESSL_ALL); opportunistic = STARTTLS whenever
 * the relay offers it (CURLUSESSL_TRY); off = clear text, allowed to a loopback relay only. */
enum sd_smtp_tls {
    SD_SMTP_TLS_OPPORTUNISTIC = 0,
    SD_SMTP_TLS_REQUIRED = 1,
    SD_SMTP_TLS_OFF = 2
};

/* Defaults, then `key = value` lines from path (# comments). SD_E_INVALID with *line set for a
 * bad line; unknown keys are errors. */
void sd_server_config_defaults(struct sd_server_config *c);
sd_err sd_server_config_load(struct sd_server_config *c, const char *path, unsigned *line);
/* Set one key (used for flags and the file alike). */
sd_err sd_server_config_set(struct sd_server_config *c, const char *key, const char *value);

/* ---- listeners (listen.c) ---- */
enum {
    SD_LISTEN_LOOPBACK_ONLY = 1, /* refuse (SD_E_DENIED) an address that is not loopback */
    SD_LISTEN_NUMERIC_HOST = 2,  /* the host must be an IP literal (no name lookup) */
};
/* Bind and listen on "host:port" or "[v6]:port" (port 0 picks a free one): *fd is the
 * non-blocking, close-on-exec socket (caller closes), *port the bound port. SD_E_INVALID bad
 * address, SD_E_DENIED see flags, SD_E_IO nothing could be bound. */
sd_err sd_listen_tcp(const char *addr, unsigned flags, int backlog, int *fd, int *port);

struct sd_server;
/* Bind and listen. Refuses (SD_E_DENIED) a non-loopback address unless client certificates are
 * required. SD_E_CRYPTO for unusable cert/key, SD_E_IO when the address cannot be bound. */
sd_err sd_server_new(struct sd_server **out, const struct sd_server_config *c,
                     sd_rpc_handler_fn handler, void *app);
/* The bound port (useful with port 0). */
int sd_server_port(const struct sd_server *s);
/* Serve until sd_server_stop: then stop accepting, finish in-flight calls, return. */
sd_err sd_server_run(struct sd_server *s);
/* Async-signal-safe. */
void sd_server_stop(struct sd_server *s);
void sd_server_free(struct sd_server *s);

/* Route calls whose method matches to the group-commit writer thread (only when
 * group_commit_max > 0); the others run on workers. Call before sd_server_run. */
typedef bool (*sd_server_route_fn)(const char *method);
void sd_server_set_route(struct sd_server *s, sd_server_route_fn is_write);
/* With a writer: run `prepare` (sd_rpc_prepare) on a worker for each routed call first, so
 * the writer thread does only the txn part; a call prepare answers never reaches the writer.
 * Call before sd_server_run. */
void sd_server_set_prepare(struct sd_server *s, sd_rpc_handler_fn prepare);
/* Cluster (issue 18): gate(arg, method, msg, cap) runs before every call (on its worker or
 * the writer); false refuses the call with UNAVAILABLE and msg (a follower naming the leader),
 * and a failed batch commit answers with msg when the gate refuses the method by then. gate
 * must be thread-safe. NULL: every call runs (the default). Call before sd_server_run. */
typedef bool (*sd_server_gate_fn)(void *arg, const char *method, char *msg, size_t cap);
void sd_server_set_gate(struct sd_server *s, sd_server_gate_fn gate, void *arg);
/* The request limit of each method (sd_rpc_method_max_req), asked by every connection's HTTP/2
 * session once a stream's headers are in; unset: SD_RPC_MAX_MSG for all. Before sd_server_run. */
void sd_server_set_max_req(struct sd_server *s, size_t (*max_req)(const char *path));
/* The web console's static files (sealdesk/web.h, loaded once from console_dir), served on
 * GET/HEAD by every connection; borrowed, must outlive the server. Unset: GET answers 404
 * "console not configured". Call before sd_server_run. */
struct sd_web_files;
void sd_server_set_web_files(struct sd_server *s, const struct sd_web_files *files);
/* Calls whose method matches run on the login pool (login_workers threads, login_queue
 * waiting) instead of the workers, so slow password hashing never delays other calls.
 * Call before sd_server_run. */
void sd_server_set_slow(struct sd_server *s, sd_server_route_fn is_slow);
/* The sealdesk choice: Auth/Login. */
bool sd_server_route_slow_sealdesk(const char *method);

/* ---- group-commit writer (writer.c) ----
 *
 * One thread takes closures from a bounded FIFO and runs them inside one store batch
 * (store.h "Group commit"): up to max_batch closures, or whatever arrived until the queue
 * stayed empty for max_us, then one durable commit, then every closure's done callback with
 * the commit result. A closure whose own txn fails aborts only its child txn. A failed batch
 * commit hands its error to the done callback of every closure in the batch. */
struct sd_writer;
/* run: on the writer thread, inside the batch. done: on the writer thread after the commit;
 * commit != SD_OK means what run wrote is lost. Both get ctx; ctx is the caller's. */
typedef void (*sd_writer_run_fn)(void *ctx);
typedef void (*sd_writer_done_fn)(void *ctx, sd_err commit);

#define SD_WRITER_MAX_QUEUE 4096
#define SD_WRITER_HIST      12 /* histogram buckets, see struct sd_writer_stats */

/* Counters for metrics, read with sd_writer_stats (a consistent-enough snapshot). */
struct sd_writer_stats {
    uint64_t batches, ops, failed_batches;
    uint64_t queued;                       /* waiting now */
    uint64_t batch_le[SD_WRITER_HIST];     /* batches with size <= 1,2,4,..,2048 (cumulative
                                              order is made by the reader) */
    uint64_t commit_us_le[SD_WRITER_HIST]; /* commit (fsync) time <= 100us*2^i */
    uint64_t commit_us_sum;
};

/* Start the thread. max_batch 1..4096, max_us <= 1000000. SD_E_INVALID, SD_E_NOMEM. Free
 * with sd_writer_free. Thread-safe: submit from any thread. */
sd_err sd_writer_new(struct sd_writer **out, unsigned max_batch, unsigned max_us);
/* Queue a closure. SD_E_LIMIT when SD_WRITER_MAX_QUEUE wait; SD_E_PRECONDITION after
 * sd_writer_free began. On SD_OK run and done will be called exactly once. */
sd_err sd_writer_submit(struct sd_writer *w, sd_writer_run_fn run, sd_writer_done_fn done,
                        void *ctx);
/* Run what is queued, commit, join the thread, free. NULL is a no-op. */
void sd_writer_free(struct sd_writer *w);
void sd_writer_stats(struct sd_writer *w, struct sd_writer_stats *out);
/* The sealdesk routing: methods that change state and are cheap enough to run serially
 * (ticket writes and Get, which appends an audit entry) go to the writer. Login and user
 * administration (Argon2id) and the pure reads stay on workers. Static, thread-safe. */
bool sd_writer_route_sealdesk(const char *method);
/* Writer counters of a running server; false when it has no writer. Any thread (the writer
 * pointer is set before and cleared after the serving threads run). */
bool sd_server_writer_stats(struct sd_server *s, struct sd_writer_stats *out);

/* ---- outbound mail (mailer.c) ----
 * A thread that delivers due outbox records (sealdesk/desk_mail.h) over SMTP with libcurl to
 * the relay `smtp`, one connection reused across messages. At start, records a crashed
 * process had in flight are made due again (same Message-ID: at-least-once). Each outcome is
 * one txn with its audit entry and, when final, a timeline event. SD_E_INVALID for a bad
 * relay address or mail_from, SD_E_DENIED for smtp_tls=off to a relay that is not loopback. */
struct sd_desk;
struct sd_mailer;
sd_err sd_mailer_start(struct sd_mailer **out, struct sd_desk *d, const char *smtp,
                       const char *mail_from, unsigned smtp_tls);
/* Messages delivered / failed for good / retried since start. */
void sd_mailer_counts(struct sd_mailer *m, uint64_t *delivered, uint64_t *failed,
                      uint64_t *retried);
/* Stop after the message in flight (NULL is a no-op). */
void sd_mailer_stop(struct sd_mailer *m);
/* Check a relay "host:port" and the TLS setting without starting anything. */
sd_err sd_mailer_check(const char *smtp, unsigned smtp_tls);

/* ---- purge retries (purger.c) ----
 * A thread that runs store.h sd_store_purge_online every `seconds` while a purge is pending:
 * one another process kept pending (it held the store), one a drain gave up on, and on a
 * cluster follower the shred it applied from the leader's log. Between tries it costs one
 * read txn. Logs ev=store_purge done=yes|pending (store.h). */
struct sd_purger;
struct sd_store;
sd_err sd_purger_start(struct sd_purger **out, struct sd_store *s, unsigned seconds);
/* Tries so far that found a purge pending, and those that purged (for tests and metrics). */
void sd_purger_counts(struct sd_purger *p, uint64_t *tries, uint64_t *purged);
/* Stop and join (waits for a purge in progress); NULL is a no-op. */
void sd_purger_stop(struct sd_purger *p);

/* ---- continuous routing (autoroute.c) ----
 * A thread that calls sd_route_auto (route.h) every `seconds` (1..86400) as actor
 * "system:autoroute"; the first pass runs after one period. Errors are logged, never fatal. */
struct sd_desk;
struct sd_autoroute;
sd_err sd_autoroute_start(struct sd_autoroute **out, struct sd_desk *d, unsigned seconds);
/* Passes run and tickets assigned so far (thread-safe). */
void sd_autoroute_counts(struct sd_autoroute *r, uint64_t *passes, uint64_t *assigned);
/* Stop (waits for a pass in progress) and free; NULL is a no-op. */
void sd_autoroute_stop(struct sd_autoroute *r);

#endif
