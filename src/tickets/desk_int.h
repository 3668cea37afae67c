/* Private to src/tickets: the desk context, its hooks into higher layers and the record helpers
 * shared by the ticket layer and the modules above it (kb, routing, remedy, incident, ops). */
#ifndef SEALDESK_DESK_INT_H
#define SEALDESK_DESK_INT_H

#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/outbox.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"

struct sd_kb_hit;
struct sd_remedy_policy;

typedef Sealdesk__V1__TicketRecord sd_trec;

/* Calls from this layer up into higher ones, set by ops/init.c when the desk is opened (a
 * desk opened by sd_desk_open_core alone has none). A NULL hook means the feature is absent. */
struct sd_desk_hooks {
    /* kb: search inside txn t (sd_kb_search_txn) for a new ticket's suggested articles. */
    sd_err (*kb_search)(struct sd_txn *t, const char *text, size_t tlen, const char *lang,
                        size_t limit, bool snippets, struct sd_kb_hit *out, size_t *n);
    /* kb: article id's text in lang, counting the use (sd_kb_use_txn); *text malloc'ed. */
    sd_err (*kb_use)(struct sd_txn *t, uint64_t id, const char *lang, char **text,
                     uint64_t *used_id);
    /* kb: the same two for a ticket of a category (sd_kb_suggest_txn, sd_kb_use_for_txn):
     * the search learns which articles agents send for which kind of ticket, a ticket
     * counting once per topic (its id: `ticket`). NULL: use the two above. kb_suggest takes
     * the text's fold too (folded[0..flen) = sd_text_fold(text, tlen); NULL: it folds). */
    sd_err (*kb_suggest)(struct sd_txn *t, const char *text, size_t tlen, const char *folded,
                         size_t flen, const char *lang, int category, size_t limit, bool snippets,
                         struct sd_kb_hit *out, size_t *n);
    sd_err (*kb_use_for)(struct sd_txn *t, uint64_t id, const char *lang, int category,
                         uint64_t ticket, char **text, uint64_t *used_id);
    /* kb: the published article with a slug in lang, else English (sd_kb_slug_txn). */
    sd_err (*kb_slug)(struct sd_txn *t, const char *slug, const char *lang, uint64_t *id);
    /* incident: auto-link on intake (sd_incident_autolink_find / _store). */
    sd_err (*incident_find)(struct sd_txn *t, sd_trec *r, const char *text, size_t n,
                            uint64_t **ids, size_t *n_ids);
    sd_err (*incident_store)(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                             uint64_t ticket, const uint64_t *ids, size_t n);
    /* customers: what a known customer's new ticket inherits (sd_customers_defaults_in);
     * each blind index may be NULL; *lang static. */
    sd_err (*customer_defaults)(struct sd_txn *t, const uint8_t *uid, const uint8_t *email,
                                const uint8_t *phone, bool *found, unsigned *vip_tier,
                                const char **lang);
};

struct sd_desk {
    struct sd_store *store;
    struct sd_keyring *kr;
    struct sd_triage_rules *rules;
    struct sd_remedy_policy *remedy_policy; /* <dir>/remedy.policy, else the default (ops) */
    struct sd_login_guard *login;           /* failed-login throttle and audit (ops/access.c) */
    struct sd_desk_hooks hooks;             /* set by ops/init.c; NULL members: absent */
    bool exclusive;                         /* sd_desk_opts.exclusive */
};

/* The core of sd_desk_init and sd_desk_open (ops/init.c composes them with the layers above).
 * seed (may be NULL) fills the new store inside the init txn, before its "store.init" entry. */
typedef sd_err (*sd_desk_seed_fn)(struct sd_txn *t, uint64_t now);
sd_err sd_desk_init_core(const struct sd_desk_opts *o, sd_desk_seed_fn seed);
sd_err sd_desk_open_core(struct sd_desk **out, const struct sd_desk_opts *o);
/* Free what sd_desk_open_core made (rules, keyring, store) and d; NULL is a no-op. */
void sd_desk_close_core(struct sd_desk *d);


/* Load ticket `id` (SD_E_NOTFOUND); free with sd_trec_free. */
sd_err sd_trec_load(struct sd_txn *t, uint64_t id, sd_trec **out);
void sd_trec_free(sd_trec *r);
/* Append r's metadata to l (room *cap grows as needed); SD_E_LIMIT past SD_MAX_LIST. */
sd_err sd_ticket_list_push(struct sd_ticket_list *l, size_t *cap, const sd_trec *r);
/* qsort order of uint64_t values, ascending. */
int sd_cmp_u64(const void *a, const void *b);
/* Pack and store; digest (32 bytes) gets SHA-256 of the stored bytes for the audit entry. */
/* Queue entries carry what routing needs, so a claim can pick without loading records:
 * u8 layout (1) | u8 category | u8 language code (kb_int.h) | u8 vip | u64 created_at.
 * Entries written before this layout are empty: readers then load the record. */
#define SD_QUEUE_VAL_BYTES 12
struct sd_queue_facts {
    enum sd_category category;
    const char *lang; /* static string, "" when unknown */
    bool vip;
    uint64_t created_at;
};
void sd_queue_val(uint8_t v[SD_QUEUE_VAL_BYTES], const sd_trec *r);
/* false for an empty (older) or malformed value. */
bool sd_queue_val_read(const uint8_t *v, size_t n, struct sd_queue_facts *f);
sd_err sd_trec_store(struct sd_txn *t, sd_trec *r, uint8_t digest[32]);
/* The same for a ticket just created (its id is the greatest: appended). */
sd_err sd_trec_store_new(struct sd_txn *t, sd_trec *r, uint8_t digest[32]);
/* Secondary indexes (queue, by_status, by_assignee) derived from a record: remove the old
 * entries before changing status/assignee, add them after. */
sd_err sd_trec_unindex(struct sd_txn *t, const sd_trec *r);
sd_err sd_trec_index(struct sd_txn *t, const sd_trec *r);
/* sd_trec_index of a ticket created in t, put late (sd_txn_put_late): nothing of t reads its
 * entries back through a cursor opened before (a get or a cursor opened after sees them). */
sd_err sd_trec_index_new(struct sd_txn *t, const sd_trec *r);
/* The same entries taken before a change (sd_trec_ix_of), then moved after it by
 * sd_trec_reindex: an entry the change left as it was is neither removed nor put again. For
 * changes that do not read those indexes meanwhile (the ticket stays in them during the
 * change). sd_trec_ix_of is false when r's assignee does not fit (then unindex/index). */
struct sd_trec_ix {
    uint8_t sk[9];
    bool queued;
    uint8_t qk[17], qv[SD_QUEUE_VAL_BYTES];
    char assignee[SD_MAX_NAME_FIELD + 1];
};
bool sd_trec_ix_of(struct sd_trec_ix *ix, const sd_trec *r);
sd_err sd_trec_reindex(struct sd_txn *t, const struct sd_trec_ix *old, const sd_trec *r);
/* Copy metadata (no PII) into a struct sd_ticket. */
void sd_trec_meta(struct sd_ticket *out, const sd_trec *r);
/* Append a timeline event (seq from r->next_event_seq, which is advanced). */
sd_err sd_event_add(struct sd_txn *t, sd_trec *r, const char *actor, enum sd_event_kind kind,
                    int from, int to, const struct sd_buf *sealed_body, bool internal,
                    const char *detail);
/* Inside write txn t: append one event to ticket `ticket`'s timeline (at the clock's now,
 * which becomes its updated_at) without changing anything else, for records of acts done on
 * other objects (incident links; remedy, freeze and message steps follow the same shape).
 * The caller appends the audit entry of the act in the same txn. SD_E_NOTFOUND no ticket. */
sd_err sd_ticket_event_in(struct sd_txn *t, uint64_t ticket, const char *actor,
                          enum sd_event_kind kind, const char *detail);
/* Object-level rule of ticket.c for acts on a ticket: SD_OK for supervisors, compliance and
 * the local operator, for an agent only on a ticket assigned to them or unassigned;
 * SD_E_DENIED otherwise. */
sd_err sd_ticket_may_touch(const struct sd_actor *a, const sd_trec *r);
/* The unmask rule of sd_ticket_get (the assignee, supervisors and compliance, with a reason,
 * within the hourly limit, charged in t): SD_OK, SD_E_INVALID (no reason), SD_E_DENIED,
 * SD_E_LIMIT. Used for every read of a ticket's PII held elsewhere (attachments). */
sd_err sd_ticket_may_unmask(struct sd_txn *t, const struct sd_actor *a, const sd_trec *r,
                            const char *reason);
/* Sealed bytes of field f in r (NULL/0 when absent). */
void sd_trec_field(const sd_trec *r, enum sd_field f, const uint8_t **p, size_t *n);
void sd_trec_set_field(sd_trec *r, enum sd_field f, uint8_t *p, size_t n);

/* Offboarding (ticket.c): put every open ticket assigned to agent back in the queue
 * (unassigned, received), each with its timeline event and audit entry, in the caller's write
 * txn. *ids (malloc'ed, free()) gets the requeued ticket ids, *n their count. */
sd_err sd_ticket_requeue_all_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                                const char *agent, uint64_t **ids, size_t *n);

/* search.c: the search postings of ticket r (texts decrypted with dk, which must be open),
 * inside write txn t. _unindex removes every posting of its subject, body, comments and
 * customer messages (crypto-shredding; *removed, may be NULL, counts them); _reindex writes
 * them again under the current search key, text by text as they were written (bidx-rotate). */
sd_err sd_ticket_search_unindex_in(struct sd_desk *d, struct sd_txn *t, const sd_trec *r,
                                   const struct sd_dkey *dk, uint64_t *removed);
sd_err sd_ticket_search_reindex_in(struct sd_desk *d, struct sd_txn *t, const sd_trec *r,
                                   const struct sd_dkey *dk);
/* set_triage.c: inside write txn t, the learned-triage example of ticket r (if any) hashed
 * again under the current feature key with its label kept (bidx-rotate: the feature key
 * derives from the blind-index key); dk must be open. */
sd_err sd_ticket_learn_rehash_in(struct sd_desk *d, struct sd_txn *t, const sd_trec *r,
                                 const struct sd_dkey *dk);
/* set_triage.c: the learned adjustment for redacted subject + body, read in its own read txn
 * (MDB_NOTLS: also on a thread that holds a write txn); inactive when the model is empty. */
sd_err sd_desk_learned(struct sd_desk *d, const uint8_t *subj, size_t slen, const uint8_t *body,
                       size_t blen, struct sd_triage_learned *out);
/* set_triage.c: sd_desk_triage (text redacted first, then rules + learned adjustment). */
sd_err sd_desk_triage_learned(struct sd_desk *d, const char *text, size_t n, bool vip,
                              struct sd_triage_result *out);

/* Validation helpers. */
bool sd_agent_name_ok(const char *s);
/* The person behind an actor name: "offline:<user>" (sd_actor_offline_name) is <user>. */
const char *sd_actor_person(const char *name);
/* true when a and b name the same person (offline prefix dropped, case-insensitive). */
bool sd_actor_same_person(const char *a, const char *b);
sd_err sd_actor_check(const struct sd_actor *a);
/* Audit shorthand: append with target "t<id>". */
sd_err sd_desk_audit(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                     const char *action, uint64_t ticket_id, const uint8_t *digest,
                     const char *reason);

/* ticket.c: a public/internal comment and a status transition inside write txn t, with the
 * same checks, timeline events and audit entries as sd_ticket_comment / _transition. */
sd_err sd_ticket_comment_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                            uint64_t id, const char *body, bool internal);
sd_err sd_ticket_transition_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                               uint64_t id, int to);
/* mail.c: enqueue the outbox record for ticket r in write txn t (same txn as the change):
 * kind REPLY/INCIDENT mails `text` with subject "Re: [SD-000123] <subject>", CSAT the survey
 * in the ticket's language (text unused). Nothing when the customer has no usable e-mail
 * address. dk: the ticket's open data key. */
sd_err sd_ticket_mail_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                         const sd_trec *r, const struct sd_dkey *dk, enum sd_outbox_kind kind,
                         const char *text);
/* ticket.c: sd_ticket_create_prepared inside the caller's write txn t (intake: the ticket, its
 * idempotency key, attachments and acknowledgement commit together). sd_ticket_prepare_in is
 * sd_ticket_prepare without its own read txn (the create txn searches the KB instead). */
sd_err sd_ticket_create_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                           const struct sd_ticket_prep *p, struct sd_ticket *out);
sd_err sd_ticket_prepare_in(struct sd_desk *d, const struct sd_ticket_new *in,
                            struct sd_ticket_prep **out);
/* ticket.c: the timeline of r into out->events (comment bodies decrypted with dk; NULL:
 * shredded), read in t. The caller audits the read. */
sd_err sd_ticket_events_in(struct sd_txn *t, const sd_trec *r, const struct sd_dkey *dk,
                           struct sd_ticket *out);
/* ticket.c: the customer's acts through the intake identity, in write txn t. The CALLER has
 * checked that the customer is the ticket's (no agent object rule applies). A message (body
 * redacted, sealed, event customer_message with `detail`, may be NULL) moves waiting_customer
 * to in_progress and reopens a resolved ticket when reopen_ok (else SD_E_PRECONDITION, as for
 * an archived one). Rate: CSAT 1..5 once, resolved or archived (as sd_ticket_rate). */
sd_err sd_ticket_customer_message_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                                     uint64_t id, const char *body, const char *detail,
                                     bool reopen_ok, struct sd_ticket *out);
sd_err sd_ticket_customer_rate_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                                  uint64_t id, unsigned csat, struct sd_ticket *out);
/* ticket.c: hand queued ticket id to agent inside write txn t, as a claim (status
 * in_progress, timeline event, audit entry `action`); out (may be NULL) gets its metadata. */
sd_err sd_ticket_claim_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                          uint64_t id, const char *agent, const char *action,
                          struct sd_ticket *out);
/* ticket.c: may `name` hold a ticket (an enabled agent; self_ok: the caller names themselves;
 * the local operator may name a non-user). SD_E_INVALID otherwise. */
sd_err sd_ticket_assignee_ok(struct sd_txn *t, const struct sd_actor *a, const char *name,
                             bool self_ok);

#endif
