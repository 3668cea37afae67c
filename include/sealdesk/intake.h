/* sealdesk intake (issue 15 "Chat, web form, social, phone: the Intake service" and "Email
 * in"): what customers send reaches the desk through the service identity `intake` (role
 * SD_ROLE_INTAKE, policy SD_OP_INTAKE_*): sealmailgate and the exchange's own front-ends.
 *
 * Every call is ONE write txn with its audit entry (action "intake.*", target "t<ticket>",
 * no PII in the reason), so a ticket, its idempotency key, its attachments and its
 * acknowledgement commit together or not at all. Errors carry no PII: *why (may be NULL)
 * gets a static reason naming the field.
 *
 * Customer checks: a call naming a ticket must name its customer (uid, email or phone). The
 * blind index of what is given is compared in constant time with the blind index of the
 * ticket's own identifier of that kind; any mismatch (or a ticket that does not exist, or a
 * shredded customer) is SD_E_NOTFOUND, so a caller learns nothing about other tickets.
 *
 * Store: table intake_keys (store.h SD_DB_INTAKE): 'k'|SHA-256(create key) and
 * 'a'|SHA-256(message key) -> u64 ticket; 'm'|SHA-256(Message-ID) -> the first outcome.
 * Counters of ignored mail in the meta table (sd_intake_counts). */
#ifndef SEALDESK_INTAKE_H
#define SEALDESK_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/attach.h"
#include "sealdesk/buf.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/kb.h"
#include "sealdesk/tickets.h"

#define SD_INTAKE_MAX_KEY         128  /* idempotency key bytes (printable ASCII) */
#define SD_INTAKE_MAX_SENDER      256  /* channel sender id bytes */
#define SD_INTAKE_MAX_MSGID       512  /* a Message-ID (with or without <>) */
#define SD_INTAKE_MAX_REFS        32   /* References considered */
#define SD_INTAKE_MAX_QUESTION    4096 /* self-service question bytes */
#define SD_INTAKE_MAX_SUGGEST     10   /* articles per suggestion call */
#define SD_INTAKE_MAX_REPLIES     200  /* public replies returned by a status call */
#define SD_INTAKE_REOPEN_DAYS     14   /* default reopen window */
#define SD_INTAKE_MAX_REOPEN_DAYS 365

/* The reopen window (config key reopen_window_days, sealdeskd; default 14): a customer message
 * on a resolved ticket reopens it when it was resolved at most this many days ago, and after
 * that opens a NEW ticket linked to the old one (timeline events `linked` on both).
 * Process-wide; SD_E_INVALID outside 0..SD_INTAKE_MAX_REOPEN_DAYS. Thread-safe. */
sd_err sd_intake_set_reopen_days(unsigned days);
unsigned sd_intake_reopen_days(void);
/* Attachment limits every intake call uses when it is given lim == NULL (config keys
 * attachment-max-file-mb, attachment-max-message-mb of sealdeskd; default
 * sd_attach_limits_default). SD_E_INVALID when sd_attach_limits_check refuses them (nothing
 * changed). Process-wide, thread-safe. */
sd_err sd_intake_set_attach_limits(const struct sd_attach_limits *lim);
void sd_intake_attach_limits(struct sd_attach_limits *out);

/* Who the customer is (each NULL or "" when not given). */
struct sd_intake_customer {
    const char *uid;
    const char *email;
    const char *phone;
};

struct sd_intake_new {
    const char *idempotency_key; /* required: a retry returns the first ticket */
    enum sd_channel channel;
    const char *sender_id; /* chat session, social handle, phone number, address; may be NULL */
    struct sd_intake_customer cust;
    const char *name;    /* may be NULL */
    const char *lang;    /* "zh", "en", "ko" or NULL/"" (detected) */
    const char *subject; /* NULL: "" */
    const char *body;    /* required */
    const struct sd_attach_in *files;
    size_t n_files;
};

struct sd_intake_ref {
    uint64_t ticket_id;
    char ref[24];      /* "SD-000123" */
    bool created;      /* false: an earlier call with the same key made it */
    bool acknowledged; /* an acknowledgement was queued to the customer */
    unsigned kept, refused;
};

/* Create a ticket from a contact: validates like sd_ticket_create (SD_E_INVALID / SD_E_LIMIT
 * with *why), stores it with its attachments (sd_attach_add_in, lim NULL: defaults) and, when
 * the customer gave an e-mail address, queues the acknowledgement in the ticket's language
 * (templates/ack_<lang>.txt) with the reference. For channel phone/email the sender id is the
 * customer's phone/email when none was given; any other sender id is kept as a sealed internal
 * note. A known customer's profile gives VIP and language (customers.h). */
sd_err sd_intake_create(struct sd_desk *d, const struct sd_actor *a, const struct sd_intake_new *in,
                        const struct sd_attach_limits *lim, struct sd_intake_ref *out,
                        const char **why);

struct sd_intake_message {
    const char *idempotency_key; /* required: the same key never adds two messages */
    uint64_t ticket_id;
    struct sd_intake_customer cust; /* must be the ticket's customer */
    const char *body;               /* required */
    const struct sd_attach_in *files;
    size_t n_files;
};
/* Add the customer's message (timeline event customer_message): waiting_customer moves to
 * in_progress, a resolved ticket reopens within the window; after it a new linked ticket is
 * created (out->ticket_id is the new one, created true). SD_E_NOTFOUND: no such ticket or not
 * this customer's; SD_E_PRECONDITION: archived. */
sd_err sd_intake_add_message(struct sd_desk *d, const struct sd_actor *a,
                             const struct sd_intake_message *in, const struct sd_attach_limits *lim,
                             struct sd_intake_ref *out, const char **why);

/* Mail classes as sealmailgate's parser gives them (numbers of enum sd_mail_class). */
enum sd_intake_mail_class {
    SD_INTAKE_MAIL_NORMAL = 0,
    SD_INTAKE_MAIL_AUTO_REPLY = 1,
    SD_INTAKE_MAIL_BULK = 2,
    SD_INTAKE_MAIL_BOUNCE = 3,
    SD_INTAKE_MAIL_LOOP = 4
};

struct sd_intake_mail {
    const char *message_id; /* dedupe key (NULL/"": no dedupe possible) */
    const char *from_addr;  /* required except for a bounce */
    const char *from_name;
    const char *subject;
    const char *in_reply_to;
    const char *const *refs; /* References, n_refs (at most SD_INTAKE_MAX_REFS are read) */
    size_t n_refs;
    unsigned cls; /* enum sd_intake_mail_class */
    const char *bounce_message_id;
    const char *body;   /* the customer's new text (quoted history trimmed by the parser) */
    const char *quoted; /* trimmed history: DROPPED (never stored; see intake.c) */
    const char *lang;
    const struct sd_attach_in *files;
    size_t n_files;
};

enum sd_intake_outcome {
    SD_INTAKE_NEW_TICKET = 1,
    SD_INTAKE_ADDED = 2,
    SD_INTAKE_DUPLICATE = 3,
    SD_INTAKE_IGNORED = 4, /* auto-reply, bulk, loop: no ticket, no ack, counted */
    SD_INTAKE_BOUNCE = 5   /* a bounce: the desk message it names is marked bounced */
};

struct sd_intake_mail_result {
    enum sd_intake_outcome outcome;
    uint64_t ticket_id; /* 0 when ignored (or a bounce of no desk message) */
    char ref[24];
    bool acknowledged;
    unsigned kept, refused;
};

/* One inbound e-mail. Threading: a Message-ID in In-Reply-To/References that the desk SENT
 * (sd_outbox_by_message_id), else the subject's [SD-000123], names a ticket; the mail attaches
 * to it ONLY when the sender address is the ticket's customer e-mail (blind index compare),
 * else it opens a new ticket (a forged reference attaches nothing). The same Message-ID twice
 * returns outcome DUPLICATE with the first ticket, storing nothing. The acknowledgement goes
 * only to a new ticket of class normal from an address that is not mailer-daemon/postmaster. */
sd_err sd_intake_mail(struct sd_desk *d, const struct sd_actor *a, const struct sd_intake_mail *m,
                      const struct sd_attach_limits *lim, struct sd_intake_mail_result *out,
                      const char **why);

struct sd_intake_reply {
    uint64_t at;
    struct sd_buf body; /* NUL-terminated */
};
struct sd_intake_status {
    uint64_t ticket_id;
    char ref[24];
    enum sd_status status;
    uint64_t created_at, updated_at;
    struct sd_intake_reply *replies; /* public replies only, oldest first */
    size_t n_replies;
};
void sd_intake_status_clear(struct sd_intake_status *s);
/* The public status of ticket id for its customer (a PII read: audited "intake.status").
 * SD_E_NOTFOUND when the ticket is not this customer's. */
sd_err sd_intake_status(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                        const struct sd_intake_customer *cust, struct sd_intake_status *out);

/* CSAT 1..5 for the customer's resolved ticket (once). SD_E_NOTFOUND not theirs,
 * SD_E_PRECONDITION not resolved, SD_E_CONFLICT already rated. */
sd_err sd_intake_rate(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                      const struct sd_intake_customer *cust, unsigned csat,
                      struct sd_intake_ref *out);

/* Self-service: published articles for a question, in lang first (NULL/"": detected); nothing
 * is stored. limit 1..SD_INTAKE_MAX_SUGGEST; out has room for limit. */
sd_err sd_intake_suggest(struct sd_desk *d, const char *text, const char *lang, size_t limit,
                         struct sd_kb_hit *out, size_t *n);

/* Counters of mail that made no ticket: [0] auto_reply, [1] bulk, [2] loop, [3] bounce. */
sd_err sd_intake_counts(struct sd_desk *d, uint64_t counts[4]);

#endif
