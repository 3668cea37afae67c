/* The cluster contract's text, verbatim (briefs E, W, N share it): not reformatted. */
// clang-format off
/* etcd v3 client (etcdserverpb KV/Lease, optionally Watch) over the project's HTTP/2 + TLS
 * gRPC client (src/client) with protobuf-c messages generated from a trimmed copy of etcd's
 * published rpc.proto/kv.proto (same package names, field numbers and types; only the messages
 * used). mTLS: CA, client cert and key files. One connection to one endpoint at a time; a
 * transport failure or an etcd "not leader / unavailable" answer moves the next call to the
 * next endpoint (round robin). Not thread-safe: one struct sd_etcd per thread. */
#ifndef SEALDESK_ETCD_H
#define SEALDESK_ETCD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sealdesk/err.h"

struct sd_etcd;

struct sd_etcd_opts {
    const char *endpoints; /* "https://h1:2379,https://h2:2379" (1..7 of them) */
    const char *ca;        /* PEM file: CA for the etcd servers */
    const char *cert;      /* PEM file: this client's certificate */
    const char *key;       /* PEM file: its private key */
    unsigned timeout_ms;   /* per call; 0 = 5000 */
};

struct sd_etcd_kv {
    uint8_t *key, *val; /* owned by the list */
    size_t klen, vlen;
    int64_t create_rev, mod_rev, version, lease;
};

struct sd_etcd_kvs {
    struct sd_etcd_kv *v;
    size_t n;
    bool more;          /* Range hit its limit */
    int64_t header_rev; /* the store revision the answer was read at */
};

enum sd_etcd_target { SD_ETCD_T_VERSION, SD_ETCD_T_CREATE, SD_ETCD_T_MOD, SD_ETCD_T_VALUE,
                      SD_ETCD_T_LEASE };
enum sd_etcd_result { SD_ETCD_EQ, SD_ETCD_GT, SD_ETCD_LT, SD_ETCD_NE };

struct sd_etcd_cmp {
    const void *key;
    size_t klen;
    enum sd_etcd_target target;
    enum sd_etcd_result result;
    int64_t num;     /* VERSION, CREATE, MOD, LEASE */
    const void *val; /* VALUE */
    size_t vlen;
};

enum sd_etcd_op_kind { SD_ETCD_OP_PUT, SD_ETCD_OP_DEL };

struct sd_etcd_op {
    enum sd_etcd_op_kind kind;
    const void *key;
    size_t klen;
    const void *val; /* PUT */
    size_t vlen;
    const void *end; /* DEL: range end (NULL: the one key) */
    size_t elen;
    int64_t lease;   /* PUT: attach to this lease (0: none) */
};

/* Connects lazily (first call). Errors: SD_E_INVALID naming the bad option (endpoints, ca,
 * cert, key), SD_E_IO for unreadable files. */
sd_err sd_etcd_open(struct sd_etcd **out, const struct sd_etcd_opts *o);
void sd_etcd_close(struct sd_etcd *e);
/* The last error, for logs: endpoint and reason, never values. */
const char *sd_etcd_why(const struct sd_etcd *e);
/* Every call: SD_E_IO when no endpoint answered in time (try again), SD_E_LIMIT when etcd
 * refused the size (request too large, or its space quota alarm: "mvcc: database space
 * exceeded"), SD_E_PRECONDITION when the revision asked for was compacted, SD_E_INTERNAL
 * for any other etcd error. */
sd_err sd_etcd_range(struct sd_etcd *e, const void *key, size_t klen, const void *end,
                     size_t elen, int64_t limit, struct sd_etcd_kvs *out);
void sd_etcd_kvs_clear(struct sd_etcd_kvs *l);
sd_err sd_etcd_put(struct sd_etcd *e, const void *key, size_t klen, const void *val, size_t vlen,
                   int64_t lease);
sd_err sd_etcd_delete(struct sd_etcd *e, const void *key, size_t klen, const void *end,
                      size_t elen, int64_t *deleted);
/* All compares hold -> the `ok` ops, else the `ko` ops; *succeeded says which; *rev is the
 * revision after it (header). */
sd_err sd_etcd_txn(struct sd_etcd *e, const struct sd_etcd_cmp *c, size_t nc,
                   const struct sd_etcd_op *ok, size_t nok, const struct sd_etcd_op *ko,
                   size_t nko, bool *succeeded, int64_t *rev);
sd_err sd_etcd_compact(struct sd_etcd *e, int64_t rev);
sd_err sd_etcd_lease_grant(struct sd_etcd *e, int64_t ttl_s, int64_t *id);
/* *ttl_left: seconds left after the renewal; 0 means the lease is gone. */
sd_err sd_etcd_lease_keepalive(struct sd_etcd *e, int64_t id, int64_t *ttl_left);
sd_err sd_etcd_lease_revoke(struct sd_etcd *e, int64_t id);
/* Blocks until a key in [key, end) changes after revision `after` or timeout_ms passes
 * (*changed false). May be a Watch stream or a short-interval Range poll. */
sd_err sd_etcd_wait(struct sd_etcd *e, const void *key, size_t klen, const void *end,
                    size_t elen, int64_t after, unsigned timeout_ms, bool *changed);
// clang-format on
/* ---- additions (brief E) ---- */
/* sd_etcd_open, and on failure a one-line reason naming the bad option ("endpoints: invalid
 * argument", "ca: I/O error") in why (NUL-terminated, possibly truncated). sd_etcd_open is
 * this plus a warn log line with the reason. */
sd_err sd_etcd_open_why(struct sd_etcd **out, const struct sd_etcd_opts *o, char *why,
                        size_t whycap);
/* "host:port" of the endpoint the next call goes to first (static while e lives). */
const char *sd_etcd_endpoint(const struct sd_etcd *e);
#endif
