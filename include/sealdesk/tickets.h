/* sealdesk tickets: intake (redaction, triage, PII sealing, blind indexes), reading with
 * masking, the status machine, assignment, comments and CSAT, lists and blind-index lookups.
 * Every mutating call and every PII read is one write txn that also appends its audit entry.
 * The queue (queue.h), SLA (sla.h) and statistics (stats.h) have headers of their own.
 *
 * Besides sd_ticket_*, this header holds the enums a ticket is made of (channel, status, PII
 * field, timeline event, priority) with their name/parse helpers, named after the enum.
 * All functions are thread-safe (each call has its own txn). */
#ifndef SEALDESK_TICKETS_H
#define SEALDESK_TICKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/buf.h"
#include "sealdesk/err.h"
#include "sealdesk/triage.h"

struct sd_desk;

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
    SD_EV_REMEDY,   /* a remedy on the ticket: request, approve, reject, execute, expire */
    SD_EV_FREEZE,   /* an emergency freeze from this ticket */
    SD_EV_UNFREEZE, /* an approved account_unfreeze lifted a freeze */
    SD_EV_INCIDENT, /* link / confirm / unlink of an incident */
    /* attachments (src/attach): kept, refused (type or size; metadata only) */
    SD_EV_ATTACHMENT,
    SD_EV_ATTACHMENT_REFUSED,
    /* outbound mail (src/outbox, server/mailer.c): the relay took it, gave up, it bounced */
    SD_EV_MAIL_DELIVERED,
    SD_EV_MAIL_FAILED,
    SD_EV_MAIL_BOUNCED,
    /* intake (src/intake): a customer's message (body sealed like a comment, never an agent's
     * words); a link between a resolved ticket and the new ticket a late follow-up opened */
    SD_EV_CUSTOMER_MESSAGE,
    SD_EV_LINKED,
    /* a person corrected category/priority (sd_ticket_set_triage; reason sealed as the body) */
    SD_EV_TRIAGE_CORRECTED,
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

struct sd_ticket_new {
    enum sd_channel channel;
    const char *field[SD_F_COUNT]; /* by enum sd_field; NULL or "" when absent. Subject and
                                      body are required (body non-empty). */
    int category;                  /* enum sd_category, or -1 to triage */
    int priority;                  /* 1..4, or 0 to triage */
    bool vip;
    const char *lang; /* NULL or "": detected from subject and body (else sd_lang_canon) */
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
    /* Summary form (sd_ticket_list_summarize, sd_ticket_related, sd_ticket_inbox): when the
     * caller may open the ticket, field[SD_F_SUBJECT] holds the subject as stored and one
     * customer field (e-mail, else name, else UID) its masked form, each with has[] set. */
    bool summary;
    /* Filled by sd_ticket_get: the transition targets (sd_status or SD_ST_REOPEN) the caller
     * may make now (sd_ticket_transitions). */
    size_t n_transitions;
    int transitions[SD_ST_COUNT];
};

/* Wipe and free everything a ticket holds; the struct is zeroed. */
void sd_ticket_clear(struct sd_ticket *t);

struct sd_ticket_list {
    struct sd_ticket *items; /* metadata only: no PII, no events */
    size_t n;
    uint64_t next; /* sd_ticket_list with a limit: the last id returned (page on after it) */
    bool more;     /* ... and whether matching tickets past `next` were left out */
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
    uint64_t after;       /* only tickets with a greater id (0 = from the first) */
    size_t limit;         /* at most this many, 1..SD_MAX_LIST (0 = up to SD_MAX_LIST) */
};
/* Tickets matching f, id ascending. With a limit, out->more tells whether matching tickets
 * past out->next (the last id returned) were left out. SD_E_LIMIT past SD_MAX_LIST without a
 * limit; SD_E_INVALID for a bad filter. Read-only, metadata only. */
sd_err sd_ticket_list(struct sd_desk *d, const struct sd_ticket_filter *f,
                      struct sd_ticket_list *out);

/* Full-text search (issue #17 item 5) over subjects, bodies, comments and customer messages
 * in the encrypted index (search.h: keyed hashes of folded words and CJK bigrams, every term
 * must match). Hits are filtered by status, category and the caller's object rule (an agent
 * sees tickets assigned to them and unassigned ones, as sd_ticket_get), newest first, at most
 * `limit`. out->items hold metadata and the subject (field[SD_F_SUBJECT], has set; not for a
 * shredded ticket). Audited "ticket.search" with a keyed digest of the query's terms and the
 * hit count, never the text: the scan reads a snapshot in a read txn (it must not hold the
 * write lock), the entry commits in a write txn after it, before any hit is returned.
 * SD_E_INVALID: text not valid UTF-8 or without a searchable term, status/category/limit out
 * of range; SD_E_LIMIT: text over SD_SEARCH_QUERY_MAX bytes or with
 * more than SD_SEARCH_QUERY_TERMS words or SD_SEARCH_QUERY_KEYS terms (search.h). *truncated (may be NULL): more hits the caller may
 * see than `limit` (one past it was found), or the scan stopped at SD_SEARCH_SCAN_MAX
 * candidates (every ticket holding the words counts toward that cap, SECURITY.md). */
struct sd_ticket_query {
    const char *text;
    int status;   /* 0 = any */
    int category; /* -1 = any */
    size_t limit; /* 0 = SD_SEARCH_LIMIT (50), at most SD_SEARCH_LIMIT_MAX (200) */
};
sd_err sd_ticket_search(struct sd_desk *d, const struct sd_actor *a,
                        const struct sd_ticket_query *q, struct sd_ticket_list *out,
                        bool *truncated);

/* ---- summary form (issue 16: the console's lists) ----
 * A listed ticket's subject (as stored: secrets were redacted on intake) and its customer
 * (masked e-mail, else masked name, else masked UID; never clear text), decrypted with the
 * ticket's data key, only for tickets the caller may open (sd_ticket_get's rule: agents their
 * own and unassigned ones); others keep metadata only. A shredded customer's read
 * "[shredded]". No audit entry (nothing unmasked); read txn. */
#define SD_INBOX_MAX_P1       100 /* new_p1 tickets per inbox answer */
#define SD_INBOX_MAX_ASSIGNED 500 /* assigned tickets per inbox answer */
#define SD_RELATED_MAX        1000
/* Fill the summary fields of every ticket of l (sets summary on each). SD_E_CRYPTO when a
 * field fails to authenticate. */
sd_err sd_ticket_list_summarize(struct sd_desk *d, const struct sd_actor *a,
                                struct sd_ticket_list *l);
/* The same customer's other tickets (customer UID, e-mail or phone blind index), summary
 * form, id ascending, at most SD_RELATED_MAX (out->more when cut). The authorization of
 * sd_ticket_get (SD_E_NOTFOUND, SD_E_DENIED); audited "ticket.related" on ticket id (a lookup
 * by the customer's identity, like sd_ticket_find). A shredded customer has none. */
sd_err sd_ticket_related(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                         struct sd_ticket_list *out);
/* What the console polls: open P1 tickets with id > after_p1 (at most SD_INBOX_MAX_P1, the
 * oldest first), the open tickets assigned to the caller (at most SD_INBOX_MAX_ASSIGNED), both
 * in summary form, and max_p1, the greatest open P1 id (0 when none). Read-only. */
struct sd_ticket_inbox {
    struct sd_ticket_list new_p1, assigned;
    uint64_t max_p1;
};
sd_err sd_ticket_inbox(struct sd_desk *d, const struct sd_actor *a, uint64_t after_p1,
                       struct sd_ticket_inbox *out);
void sd_ticket_inbox_clear(struct sd_ticket_inbox *in);
/* The transition targets (sd_status values, SD_ST_REOPEN) actor a may make on ticket t now:
 * legal from its status (sd_ticket_transition's machine) and allowed to a (the ticket.
 * transition operation; the assignee, a supervisor or the local operator). Writes at most cap
 * into out; returns how many. */
size_t sd_ticket_transitions(const struct sd_actor *a, const struct sd_ticket *t, int *out,
                             size_t cap);

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

/* Correct a ticket's triage (issue 17, `sealctl ticket set`): category (enum sd_category, -1
 * keeps it) and/or priority (1..4, 0 keeps it), with a reason of 1..SD_TRIAGE_REASON_MAX
 * characters (redacted, then sealed as the internal body of a "triage_corrected" event whose
 * detail names the old and new values). In one write txn: the record and its queue entry, the
 * event, the audit entry "ticket.set_triage" and the example that trains the learned triage
 * (sd_learn_train_in). Agents (tickets they may work on) and supervisors; lowering a
 * fund-safety ticket (P1 to a lower priority, or security to another category) needs a
 * supervisor. SD_E_INVALID (nothing to set, bad category/priority/reason), SD_E_LIMIT (reason
 * too long), SD_E_DENIED, SD_E_NOTFOUND, SD_E_SHREDDED (the customer's key is gone). */
#define SD_TRIAGE_REASON_MAX 500
sd_err sd_ticket_set_triage(struct sd_desk *d, const struct sd_actor *a, uint64_t id, int category,
                            int priority, const char *reason, struct sd_ticket *out);

#endif
