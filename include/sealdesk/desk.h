/* sealdesk desk: tickets and their workflow over the store — intake (redaction, triage, PII
 * sealing, blind indexes), the priority queue with atomic claim, the status machine, comments,
 * CSAT, SLA and statistics. Every mutating call and every PII read is one write txn that also
 * appends its audit entry.
 *
 * A struct sd_desk may be used from several threads at once; each call opens its own txn. */
#ifndef SEALDESK_DESK_H
#define SEALDESK_DESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"
#include "sealdesk/triage.h"

/* Input limits (bytes). Anything longer is refused with SD_E_LIMIT, never truncated. */
#define SD_MAX_SUBJECT     1024
#define SD_MAX_BODY        (64 * 1024)
#define SD_MAX_COMMENT     (64 * 1024)
#define SD_MAX_SUGGESTED   3 /* articles suggested on intake */
#define SD_MAX_NAME_FIELD  256
#define SD_MAX_EMAIL       254
#define SD_MAX_PHONE       32
#define SD_MAX_UID         128
#define SD_MAX_NATIONAL_ID 64
#define SD_MAX_WALLETS     2048
#define SD_MAX_IP          45
#define SD_MAX_AGENT       64 /* agent / actor names: [A-Za-z0-9._@:-] */
#define SD_MAX_REASON      512
#define SD_MAX_LIST        10000 /* tickets returned by one list/find/overdue call */

enum sd_channel {
    SD_CH_CHAT = 1,
    SD_CH_EMAIL,
    SD_CH_WEB,
    SD_CH_PHONE,
    SD_CH_SOCIAL,
    SD_CH_API,
    SD_CH_COUNT
};
enum sd_status {
    SD_ST_RECEIVED = 1,
    SD_ST_IN_PROGRESS,
    SD_ST_WAITING_CUSTOMER,
    SD_ST_RESOLVED,
    SD_ST_ARCHIVED,
    SD_ST_COUNT
};
/* Transition targets: the statuses plus reopen (resolved -> in_progress). */
#define SD_ST_REOPEN 100

/* PII fields, each sealed separately. The number is the field id in the associated data. */
enum sd_field {
    SD_F_CUSTOMER_NAME = 1,
    SD_F_CUSTOMER_EMAIL,
    SD_F_CUSTOMER_PHONE,
    SD_F_CUSTOMER_UID,
    SD_F_NATIONAL_ID,
    SD_F_WALLETS,
    SD_F_IP_ADDRESS,
    SD_F_SUBJECT,
    SD_F_BODY,
    SD_F_COUNT
};
/* Comment bodies are sealed with field id SD_F_COMMENT_BASE + event seq. */
#define SD_F_COMMENT_BASE 0x10000u

/* Timeline event kinds; the numbers are stored (EventRecord.kind), never renumber. An event
 * that records something done elsewhere (an incident link, and later remedy steps, freezes or
 * outbound messages) carries a kind of its own plus a non-PII `detail` "VERB key=value ..."
 * (e.g. "link incident=3 suggested"), appended with sd_ticket_event_in (desk_int.h). */
enum sd_event_kind {
    SD_EV_CREATED = 1,
    SD_EV_TRIAGED,
    SD_EV_REDACTED,
    SD_EV_CLAIMED,
    SD_EV_ASSIGNED,
    SD_EV_STATUS,
    SD_EV_COMMENT,
    SD_EV_RATED,
    SD_EV_REOPENED,
    SD_EV_SUGGESTED,
    SD_EV_REMEDY,         /* a remedy on the ticket: request, approve, reject, execute, expire */
    SD_EV_FREEZE,         /* an emergency freeze from this ticket */
    SD_EV_UNFREEZE,       /* an approved account_unfreeze lifted a freeze */
    SD_EV_INCIDENT,       /* link / confirm / unlink of an incident */
    SD_EV_MAIL_DELIVERED, /* an outbound mail reached the relay (issue 15) */
    SD_EV_MAIL_FAILED,    /* an outbound mail failed for good (5xx, attempts, shredded) */
    SD_EV_MAIL_BOUNCED,   /* a bounce came back for an outbound mail */
    SD_EV_COUNT
};

const char *sd_channel_name(enum sd_channel c);
sd_err sd_channel_parse(enum sd_channel *out, const char *s);
const char *sd_status_name(enum sd_status s);
/* Accepts the status names and "reopen" (gives SD_ST_REOPEN). */
sd_err sd_status_parse(int *out, const char *s);
const char *sd_field_name(enum sd_field f);
const char *sd_event_kind_name(enum sd_event_kind k);
/* "P1".."P4" (or "1".."4") -> 1..4. */
sd_err sd_priority_parse(int *out, const char *s);
/* 1..4 -> "P1".."P4"; anything else "unknown". */
const char *sd_priority_name(int p);

struct sd_desk;

struct sd_desk_opts {
    const char *dir;        /* data directory (created 0700 by init) */
    const char *key_file;   /* master key file; NULL: "<dir>/master.key" */
    const char *rules_file; /* triage rules; NULL: "<dir>/triage.rules" if present, else the
                               built-in default */
    size_t map_bytes;       /* 0: default */
};

/* Create a new store with fresh keys (master key file created 0600 if absent).
 * SD_E_CONFLICT if the store is already initialised. */
sd_err sd_desk_init(const struct sd_desk_opts *o);
/* Open an initialised store. SD_E_NOTFOUND: no store; SD_E_CRYPTO: wrong master key;
 * SD_E_PRECONDITION: newer schema. Free with sd_desk_close. */
sd_err sd_desk_open(struct sd_desk **out, const struct sd_desk_opts *o);
void sd_desk_close(struct sd_desk *d);
/* The desk's store (for read txns of tools and metrics, and group-commit batches); owned by
 * the desk, valid until sd_desk_close. */
struct sd_store *sd_desk_store(struct sd_desk *d);

/* Who is acting, for audit entries, timeline and object-level checks. name must be a valid
 * agent name; roles is a set of enum sd_role (authz.h): SD_ROLE_SYSTEM for the local operator.
 * Which role may call which operation is decided before the desk is called (sd_policy_allows);
 * the desk adds the checks that need the object (own tickets, unmask, self-approval). */
struct sd_actor {
    const char *name;
    const char *request_id; /* may be NULL */
    unsigned roles;
};
/* The actor name of offline tools: "offline:<login>" with every character outside
 * [A-Za-z0-9._@:-] replaced by '_' (cut to cap - 1 bytes). */
void sd_offline_actor_name(char *out, size_t cap);

struct sd_ticket_new {
    enum sd_channel channel;
    const char *field[SD_F_COUNT]; /* by enum sd_field; NULL or "" when absent. Subject and
                                      body are required (body non-empty). */
    int category;                  /* enum sd_category, or -1 to triage */
    int priority;                  /* 1..4, or 0 to triage */
    bool vip;
};

struct sd_event {
    uint32_t seq;
    uint64_t at;
    char actor[SD_MAX_AGENT + 1];
    enum sd_event_kind kind;
    int from_status, to_status;
    bool internal;
    bool has_body;
    struct sd_buf body; /* decrypted comment (wiped by sd_ticket_clear) */
    char detail[160];
};

struct sd_ticket {
    uint64_t id, created_at, updated_at, claimed_at, first_response_at, resolved_at;
    uint64_t sla_first_response_due, sla_resolution_due, archived_at;
    enum sd_channel channel;
    enum sd_category category;
    int priority;
    enum sd_status status;
    char assignee[SD_MAX_AGENT + 1];
    bool vip;
    unsigned csat;
    unsigned redaction_flags; /* bit (1 << sd_redact_kind) */
    unsigned reopen_count;
    size_t n_signals;
    char signals[SD_TRIAGE_MAX_SIGNALS][48];
    char lang[8];       /* detected language of subject and body ("" = unknown) */
    size_t n_suggested; /* knowledge base articles suggested on intake, best first */
    uint64_t suggested[SD_MAX_SUGGESTED];
    /* PII, filled by sd_ticket_get only: masked or clear text, NUL-terminated. */
    bool has[SD_F_COUNT];
    struct sd_buf field[SD_F_COUNT];
    bool shredded; /* the customer's data key was erased: fields read "[shredded]" */
    struct sd_event *events;
    size_t n_events;
};

/* Wipe and free everything a ticket holds; the struct is zeroed. */
void sd_ticket_clear(struct sd_ticket *t);

struct sd_ticket_list {
    struct sd_ticket *items; /* metadata only: no PII, no events */
    size_t n;
};
void sd_ticket_list_clear(struct sd_ticket_list *l);

/* Create a ticket: validates every field (UTF-8, limits, email/phone/IP syntax), redacts
 * secrets from subject and body, triages unless category and priority are given, seals PII
 * under the customer's data key, indexes email/phone/uid blind indexes, queues it, appends the
 * timeline and the audit entry. *out gets the stored metadata (no PII). */
sd_err sd_ticket_create(struct sd_desk *d, const struct sd_actor *a, const struct sd_ticket_new *in,
                        struct sd_ticket *out);
/* Check a new ticket's input exactly as sd_ticket_create does, touching nothing. SD_OK, or
 * SD_E_INVALID / SD_E_LIMIT with *field (may be NULL) set to the name of the first bad input
 * ("channel", "category", "priority", "subject", "body" or an sd_field_name) and *why (may be
 * NULL) to a static reason without PII. Identifiers (email, phone, uid, national id, wallets,
 * IP) may hold no invisible or bidi control character, the name no bidi control.
 * Thread-safe. */
sd_err sd_ticket_check(const struct sd_ticket_new *in, const char **field, const char **why);
/* sd_ticket_create in two steps, so a server can do the costly part off its writer thread:
 * sd_ticket_prepare validates, redacts, triages, detects the language, computes the blind
 * indexes and searches the KB for suggestions (read txn; no write, no id) into *out (free with
 * sd_ticket_prep_free, which wipes it; it keeps pointers into `in`, which must outlive it);
 * sd_ticket_create_prepared allocates the id, seals the fields and stores everything in one
 * write txn. Same errors as sd_ticket_create. Thread-safe. */
struct sd_ticket_prep;
sd_err sd_ticket_prepare(struct sd_desk *d, const struct sd_ticket_new *in,
                         struct sd_ticket_prep **out);
sd_err sd_ticket_create_prepared(struct sd_desk *d, const struct sd_actor *a,
                                 const struct sd_ticket_prep *p, struct sd_ticket *out);
void sd_ticket_prep_free(struct sd_ticket_prep *p);

/* Read one ticket with its timeline. PII is masked unless unmask; reason (may be NULL) is
 * recorded in the audit entry; an unmask needs a reason with something visible in it
 * (SD_E_INVALID for one of only spaces, zero-width or other invisible characters). Every read of decrypted fields is audited. SD_E_NOTFOUND,
 * SD_E_CRYPTO when any stored ciphertext fails to authenticate (nothing is returned then). */
sd_err sd_ticket_get(struct sd_desk *d, const struct sd_actor *a, uint64_t id, bool unmask,
                     const char *reason, struct sd_ticket *out);

struct sd_ticket_filter {
    int status;           /* 0 = any */
    int category;         /* -1 = any */
    const char *assignee; /* NULL = any */
};
sd_err sd_ticket_list(struct sd_desk *d, const struct sd_ticket_filter *f,
                      struct sd_ticket_list *out);

/* Blind-index lookup. kind: SD_F_CUSTOMER_EMAIL, _PHONE or _UID. Audited (a PII lookup).
 * Supervisors, compliance and the local operator look up any customer; an agent only a
 * customer with a ticket assigned to them (metadata of all that customer's tickets), else
 * SD_E_DENIED, also when nothing matches (no oracle), with a "ticket.find_denied" entry. */
sd_err sd_ticket_find(struct sd_desk *d, const struct sd_actor *a, enum sd_field kind,
                      const char *value, struct sd_ticket_list *out);

/* Status machine: received -> in_progress | waiting_customer | resolved;
 * in_progress -> waiting_customer | resolved; waiting_customer -> in_progress | resolved;
 * resolved -> archived | reopen (-> in_progress); archived is final.
 * SD_E_PRECONDITION for an illegal transition. SD_E_DENIED unless the actor is the assignee,
 * a supervisor or the local operator (agents take queued tickets with sd_queue_claim). */
sd_err sd_ticket_transition(struct sd_desk *d, const struct sd_actor *a, uint64_t id, int to,
                            struct sd_ticket *out);
/* Assign (or reassign) to agent; takes the ticket out of the queue. agent must be an existing,
 * enabled user with the agent role (SD_E_INVALID otherwise; the local operator may also name
 * someone who is not a user). */
sd_err sd_ticket_assign(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *agent,
                        struct sd_ticket *out);
/* Comment (secrets redacted first). A public comment is the first response if none yet.
 * SD_E_PRECONDITION on an archived ticket. */
sd_err sd_ticket_comment(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *body,
                         bool internal, struct sd_ticket *out);
/* Post knowledge base article `article` as a public reply: the translation in the ticket's
 * language where one is published, else the article itself. Counts one use of the article
 * posted; the timeline event names it ("public article=K"). SD_E_NOTFOUND no such ticket or
 * article, SD_E_PRECONDITION article not published or ticket archived. */
sd_err sd_ticket_comment_article(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                                 uint64_t article, struct sd_ticket *out);
/* CSAT 1..5, once, only when resolved or archived. */
sd_err sd_ticket_rate(struct sd_desk *d, const struct sd_actor *a, uint64_t id, unsigned csat,
                      struct sd_ticket *out);

/* Atomically take the most urgent queued ticket (priority, then SLA due, then id) and assign
 * it to agent (status in_progress). agent NULL or "": the actor. Another name needs a
 * supervisor (or the local operator): SD_E_DENIED; it must be an existing, enabled agent as
 * for sd_ticket_assign (SD_E_INVALID). SD_E_EMPTY when the queue is empty. */
sd_err sd_queue_claim(struct sd_desk *d, const struct sd_actor *a, const char *agent,
                      struct sd_ticket *out);

/* Open tickets past a due time at `now`. */
sd_err sd_sla_overdue(struct sd_desk *d, uint64_t now, struct sd_ticket_list *out);
/* SLA policy: seconds to first response / resolution by priority (DESIGN.md defaults). */
void sd_sla_due(int priority, uint64_t created, uint64_t *first_due, uint64_t *resolve_due);

struct sd_stats {
    uint64_t total;
    uint64_t by_status[SD_ST_COUNT];
    uint64_t by_category[SD_CAT_COUNT];
    uint64_t by_priority[5];
    uint64_t by_channel[SD_CH_COUNT];
    uint64_t median_first_response; /* seconds, over tickets with a first response */
    uint64_t median_resolution;     /* seconds, over resolved tickets */
    uint64_t n_first_response, n_resolved;
    uint64_t sla_breaches; /* tickets that missed either due time (by now) */
    uint64_t csat_count;
    double csat_average;
    uint64_t redacted;
};
sd_err sd_stats(struct sd_desk *d, uint64_t now, struct sd_stats *out);

/* Daily intake: tickets created per UTC day, by category and channel. */
#define SD_STATS_MAX_DAYS 3700 /* rows of one sd_stats_by_day answer (ten years) */
struct sd_day_stats {
    uint64_t day; /* Unix time of the day's 00:00 UTC */
    uint64_t total;
    uint64_t by_category[SD_CAT_COUNT];
    uint64_t by_channel[SD_CH_COUNT];
};
/* Intake per day over tickets created in [from, to) (to == 0: no upper bound), oldest day
 * first; days without tickets are left out. *out is malloc'ed (free(); NULL when *n is 0).
 * SD_E_LIMIT more than SD_STATS_MAX_DAYS days (narrow the range). Read-only, metadata only. */
sd_err sd_stats_by_day(struct sd_desk *d, uint64_t from, uint64_t to, struct sd_day_stats **out,
                       size_t *n);

/* The counter groups of sd_stats as (name, value) pairs, for output without a table of names
 * per caller. */
enum sd_stats_group {
    SD_SG_STATUS,
    SD_SG_CATEGORY,
    SD_SG_PRIORITY,
    SD_SG_CHANNEL,
    SD_SG_COUNT
};
#define SD_STATS_GROUP_MAX 8 /* counters in the largest group */
struct sd_count {
    const char *name; /* static string */
    uint64_t value;
};
/* "by_status", "by_category", "by_priority", "by_channel". */
const char *sd_stats_group_key(enum sd_stats_group g);
/* Fill out (room for SD_STATS_GROUP_MAX) with group g of s in enum order; returns how many. */
size_t sd_stats_group(const struct sd_stats *s, enum sd_stats_group g, struct sd_count *out);

/* Triage rules for data dir `dir`: <dir>/triage.rules when present, else the built-in
 * default (also when dir is NULL). Caller frees with sd_triage_rules_free. */
sd_err sd_desk_rules_load(struct sd_triage_rules **out, const char *dir);
/* Triage text without storing anything (uses the desk's rules). */
sd_err sd_desk_triage(struct sd_desk *d, const char *text, size_t n, bool vip,
                      struct sd_triage_result *out);

/* Export the audit log from index `from` to `path` (created 0600, must not exist): appends an
 * "audit.export" entry and a fresh signed checkpoint first, so the file is fully covered.
 * *n gets the number of entries written. */
sd_err sd_desk_audit_export(struct sd_desk *d, const struct sd_actor *a, const char *path,
                            uint64_t from, uint64_t *n);
/* Export into memory (the same bytes as the file); *out owned by the caller (sd_buf_free). */
sd_err sd_desk_audit_export_mem(struct sd_desk *d, const struct sd_actor *a, uint64_t from,
                                struct sd_buf *out);
/* Latest checkpoint; with fresh, sign one of the current tree first (audited). */
struct sd_checkpoint;
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
};
/* Run q; *out is malloc'ed (free(); NULL when *n is 0). *next is the index to continue from,
 * *more true when entries past it were not examined (limit or SD_AUDIT_SEARCH_SCAN reached).
 * The search is audited ("audit.search", its filters as the reason) once it has run; nothing
 * is returned unless that entry is stored. SD_E_INVALID bad filter (over-long text, limit
 * over SD_AUDIT_SEARCH_MAX, since >= until). */
sd_err sd_desk_audit_search(struct sd_desk *d, const struct sd_actor *a,
                            const struct sd_audit_query *q, struct sd_audit_hit **out, size_t *n,
                            uint64_t *next, bool *more);

/* ---- access (ops/access.c): users and sessions with their audit entries ---- */
struct sd_session;
struct sd_user;
/* Validate a session token (and certificate binding) and refresh its idle timer. Every
 * failure is SD_E_UNAUTH. */
sd_err sd_desk_session(struct sd_desk *d, const char *token, const char *cert_fingerprint,
                       struct sd_session *out);
/* Login from source (the peer address, e.g. "127.0.0.1"; NULL or "" = not counted per
 * source). Argon2id runs outside any txn; only an existing user's outcome takes a short write
 * txn (the failure counter persists). Every refusal is SD_E_UNAUTH (bad credentials, unknown,
 * locked and disabled names alike) except SD_E_LIMIT while the source or the typed name is
 * backing off (sd_throttle, same for every name) and SD_E_INVALID for a password longer than
 * SD_PASSWORD_MAX. A success is audited at once ("auth.login"); failures are counted and
 * audited once per window per label ("auth.login_failed", see sd_desk_login_audit_flush):
 * the label is the user's name for an existing user, else "unknown:<keyed hash>". */
sd_err sd_desk_login_src(struct sd_desk *d, const char *source, const char *name,
                         const char *password, const char *totp, const char *cert_fingerprint,
                         const char *request_id, char token[65], uint64_t *expires_at,
                         unsigned *roles);
/* The same without a source address (local callers and tests). */
sd_err sd_desk_login(struct sd_desk *d, const char *name, const char *password, const char *totp,
                     const char *cert_fingerprint, const char *request_id, char token[65],
                     uint64_t *expires_at, unsigned *roles);
/* Failed-login limits (struct sd_login_limits, authz.h) and the audit window in seconds
 * (1..86400; default 60) of this desk; pending records are written first. Call before serving.
 * SD_E_INVALID for bad limits. */
struct sd_login_limits;
sd_err sd_desk_set_login_limits(struct sd_desk *d, const struct sd_login_limits *l,
                                unsigned audit_window_s);
/* Write the failed-login records counted so far (one entry per label, with the count) now,
 * without waiting for the window to end. sd_desk_close does this too. */
sd_err sd_desk_login_audit_flush(struct sd_desk *d);
/* The same only when the current window has ended (cheap otherwise): call it periodically. */
sd_err sd_desk_login_audit_tick(struct sd_desk *d);
sd_err sd_desk_logout(struct sd_desk *d, const struct sd_actor *a, const char *token);
/* User administration (security_admin), audited. password/totp_uri as sd_user_add. */
sd_err sd_desk_user_add(struct sd_desk *d, const struct sd_actor *a, const char *name,
                        unsigned roles, bool no_totp, const char *cert_fingerprint,
                        char password[129], char totp_uri[256]);
sd_err sd_desk_user_set_disabled(struct sd_desk *d, const struct sd_actor *a, const char *name,
                                 bool disabled, struct sd_user *out);
sd_err sd_desk_user_revoke(struct sd_desk *d, const struct sd_actor *a, const char *name,
                           struct sd_user *out);
sd_err sd_desk_user_list(struct sd_desk *d, struct sd_user **out, size_t *n);
/* Offboard a user in one txn: disable, end every session, put every open ticket assigned to
 * them back in the queue (each with its timeline event and audit entry), audited as
 * "user.offboard". *out gets the user after; *ids (malloc'ed, free(); NULL when *n is 0) the
 * requeued ticket ids. SD_E_NOTFOUND no such user. */
sd_err sd_desk_user_offboard(struct sd_desk *d, const struct sd_actor *a, const char *name,
                             struct sd_user *out, uint64_t **ids, size_t *n);
/* Change a user's password, giving the current one (a user changes their own: the RPC passes
 * the session's user). The Argon2id work (verify the old, hash the new) runs in
 * sd_desk_passwd_prepare without a write txn; sd_desk_passwd_commit stores the new hash if the
 * old one is still in place (SD_E_CONFLICT otherwise), ends every session of the user and
 * audits "user.passwd", in one txn. Errors: SD_E_UNAUTH old password wrong, SD_E_INVALID new
 * password refused by sd_password_rules (*why names the field; static text), SD_E_NOTFOUND.
 * sd_desk_user_passwd does both. Wipe a prep with sd_passwd_prep_clear. */
struct sd_passwd_prep {
    char name[65];
    char cur_hash[128];
    char new_hash[128];
};
sd_err sd_desk_passwd_prepare(struct sd_desk *d, const char *name, const char *old_password,
                              const char *new_password, struct sd_passwd_prep *out,
                              const char **why);
sd_err sd_desk_passwd_commit(struct sd_desk *d, const struct sd_actor *a,
                             const struct sd_passwd_prep *p);
sd_err sd_desk_user_passwd(struct sd_desk *d, const struct sd_actor *a, const char *name,
                           const char *old_password, const char *new_password, const char **why);
void sd_passwd_prep_clear(struct sd_passwd_prep *p);
/* End every session (everyone logs in again), audited as "sessions.invalidate_all" with
 * reason (e.g. "restore"; may be NULL) in the same txn. *n gets how many ended. */
sd_err sd_desk_sessions_invalidate(struct sd_desk *d, const struct sd_actor *a, const char *reason,
                                   uint64_t *n);

/* Key memory under load: keep long-lived keys readable until idle for grace_ms (0: re-protect
 * at once, the default), and re-protect the idle ones when sd_desk_keys_idle is called. */
void sd_desk_set_key_grace(struct sd_desk *d, unsigned grace_ms);
void sd_desk_keys_idle(struct sd_desk *d);

/* Mask a PII value for display: "a***@example.com", "+82******5678", ... Appends to out. */
sd_err sd_mask(struct sd_buf *out, enum sd_field f, const char *v, size_t n);

#endif
