/* sealdesk audit operations on an open desk (src/ops/audit_ops.c): export, checkpoints,
 * inclusion and consistency proofs, the audit public keys and the compliance search. Writing
 * entries is the audit layer's (audit.h); verifying an exported log is sealaudit's. */
#ifndef SEALDESK_DESK_AUDIT_H
#define SEALDESK_DESK_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/buf.h"
#include "sealdesk/err.h"

struct sd_checkpoint;
struct sd_desk;

/* Export the audit log from index `from` to `path` (created 0600, must not exist): appends an
 * "audit.export" entry and a fresh signed checkpoint first, so the file is fully covered.
 * *n gets the number of entries written. */
sd_err sd_desk_audit_export(struct sd_desk *d, const struct sd_actor *a, const char *path,
                            uint64_t from, uint64_t *n);
/* Export into memory (the same bytes as the file); *out owned by the caller (sd_buf_free). */
sd_err sd_desk_audit_export_mem(struct sd_desk *d, const struct sd_actor *a, uint64_t from,
                                struct sd_buf *out);
/* Latest checkpoint; with fresh, sign one of the current tree first (audited). */
sd_err sd_desk_audit_checkpoint(struct sd_desk *d, const struct sd_actor *a, bool fresh,
                                struct sd_checkpoint *out);
/* RFC 6962 proofs over the stored tree. size 0 = current size. proof has room for 64 hashes. */
sd_err sd_desk_audit_inclusion(struct sd_desk *d, uint64_t index, uint64_t *size,
                               uint8_t (*proof)[32], size_t *np, uint8_t leaf[32],
                               uint8_t root[32]);
sd_err sd_desk_audit_consistency(struct sd_desk *d, uint64_t m, uint64_t *n, uint8_t (*proof)[32],
                                 size_t *np, uint8_t root_m[32], uint8_t root_n[32]);
/* The audit public key (for verifiers). */
sd_err sd_desk_audit_pk(struct sd_desk *d, uint8_t pk[32]);
/* The current audit key (signs new checkpoints) and the first one (starts a verification of
 * the whole log; differs after an audit key rotation). Read-only. */
sd_err sd_desk_audit_pks(struct sd_desk *d, uint8_t current[32], uint8_t first[32]);

/* Audit search for compliance and auditors: entries matching every given filter, oldest
 * first, bounded per call; page on with q->from = *next while *more. */
#define SD_AUDIT_SEARCH_MAX     1000   /* entries per answer */
#define SD_AUDIT_SEARCH_DEFAULT 100    /* limit 0 */
#define SD_AUDIT_SEARCH_SCAN    100000 /* entries examined per call */
#define SD_AUDIT_FIELD_MAX      256    /* actor, action, target, request id (audit.h) */
#define SD_AUDIT_LEAF_MAX       2048   /* stored AuditEntry bytes (text limits: ~1.7 KB) */
struct sd_audit_query {
    const char *actor;     /* NULL/"" = any; exact name */
    const char *kind;      /* NULL/"" = any; an action ("ticket.unmask") or a family
                               ("ticket.*" or "ticket": every "ticket." action) */
    uint64_t ticket;       /* 0 = any: entries on ticket "t<id>" or naming "ticket=<id>" */
    uint64_t since, until; /* [since, until) Unix seconds; 0 = unbounded */
    uint64_t from;         /* first entry index examined (paging) */
    size_t limit;          /* 0 = SD_AUDIT_SEARCH_DEFAULT; at most SD_AUDIT_SEARCH_MAX */
};
struct sd_audit_hit {
    uint64_t index, time;
    char actor[SD_AUDIT_FIELD_MAX + 1], action[SD_AUDIT_FIELD_MAX + 1];
    char target[SD_AUDIT_FIELD_MAX + 1], request_id[SD_AUDIT_FIELD_MAX + 1];
    char reason[SD_MAX_REASON + 1];
    /* the entry's stored bytes: SHA-256(0x00 || leaf) is its RFC 6962 leaf hash */
    uint8_t leaf[SD_AUDIT_LEAF_MAX];
    size_t leaf_len;
};
/* Run q; *out is malloc'ed (free(); NULL when *n is 0). *next is the index to continue from,
 * *more true when entries past it were not examined (limit or SD_AUDIT_SEARCH_SCAN reached).
 * The search is audited ("audit.search", its filters as the reason) once it has run; nothing
 * is returned unless that entry is stored. SD_E_INVALID bad filter (over-long text, limit
 * over SD_AUDIT_SEARCH_MAX, since >= until). */
sd_err sd_desk_audit_search(struct sd_desk *d, const struct sd_actor *a,
                            const struct sd_audit_query *q, struct sd_audit_hit **out, size_t *n,
                            uint64_t *next, bool *more);

/* The audit key hand-off checkpoints, oldest first (sd_audit_handoffs): from the first key
 * (sd_desk_audit_pks) to the current one. out has room for SD_MAX_AUDIT_KEY_VERSIONS; *n gets
 * how many. Read-only. */
sd_err sd_desk_audit_handoffs(struct sd_desk *d, struct sd_checkpoint *out, size_t *n);

#endif
