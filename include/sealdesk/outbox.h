/* sealdesk outbox (issue 15): durable outbound mail in the LMDB table `outbox`.
 *
 * A record is written IN THE SAME TXN as the change that causes it (a public reply, an incident
 * update, the CSAT survey on `resolved`, an intake acknowledgement), so a committed change has
 * its mail and an aborted one has none. Recipient, subject and body are sealed with the ticket
 * customer's data key: shredding the customer makes queued mail unreadable (the sender marks it
 * `failed`). The Message-ID, Date and verification signature are fixed at enqueue, so every
 * attempt sends the same bytes: delivery is AT-LEAST-ONCE WITH THE SAME MESSAGE-ID (a crash
 * between the relay's 250 and the `delivered` commit re-sends the same message; recipients and
 * MTAs dedupe by Message-ID). A message is never lost: it leaves the due index only when it is
 * delivered, bounced or failed for good.
 *
 * Verification: each message carries an Ed25519 signature by the desk's mail key (a key of its
 * own, sd_keys_mail_*) over the ticket reference, recipient, SHA-256 of the body, time and
 * Message-ID, in an `X-Sealdesk-Verify:` header, and a short code derived from it in a footer
 * line. sd_outbox_verify_message checks a received message with public keys alone;
 * sd_outbox_verify_code looks a code up. Neither reveals the content. */
#ifndef SEALDESK_OUTBOX_H
#define SEALDESK_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/crypto.h"
#include "sealdesk/err.h"
#include "sealdesk/store.h"

#define SD_OUTBOX_MAX_TO       254          /* one address (RFC 5321 path limit) */
#define SD_OUTBOX_MAX_SUBJECT  1024         /* bytes of UTF-8 */
#define SD_OUTBOX_MAX_BODY     (96 * 1024)  /* bytes of UTF-8 */
#define SD_OUTBOX_MAX_ATTEMPTS 10           /* temporary failures before `failed` */
#define SD_OUTBOX_BACKOFF_BASE 30           /* seconds; doubles per attempt, +-25% jitter */
#define SD_OUTBOX_BACKOFF_MAX  3600         /* seconds */
#define SD_OUTBOX_LEASE_S      300          /* an attempt in flight is retried after this */
#define SD_OUTBOX_CODE_CHARS   19           /* "XXXX-XXXX-XXXX-XXXX" */
#define SD_OUTBOX_MAX_MESSAGE  (256 * 1024) /* a rendered message or a file to verify */

enum sd_outbox_kind {
    SD_OUTBOX_REPLY = 1,    /* an agent's public reply */
    SD_OUTBOX_INCIDENT = 2, /* an incident update posted on linked tickets */
    SD_OUTBOX_ACK = 3,      /* intake acknowledgement (Auto-Submitted) */
    SD_OUTBOX_CSAT = 4      /* satisfaction survey after `resolved` (Auto-Submitted) */
};

enum sd_outbox_state {
    SD_OUTBOX_QUEUED = 1,    /* waiting for its next try */
    SD_OUTBOX_DELIVERED = 2, /* the relay accepted it (250) */
    SD_OUTBOX_BOUNCED = 3,   /* a bounce came back (intake marks it) */
    SD_OUTBOX_FAILED = 4,    /* permanent 5xx, too many attempts, or shredded */
    SD_OUTBOX_SENDING = 5    /* an attempt in flight (leased until next_try_at) */
};

/* "queued", "delivered", ...; "unknown" otherwise. */
const char *sd_outbox_state_name(int state);
const char *sd_outbox_kind_name(int kind);
/* One plain address the relay takes (ASCII, one @, nothing that ends a header or command). */
bool sd_outbox_addr_ok(const char *s, size_t n);
/* Ticket reference "SD-000123" into out (cap >= 16). */
void sd_outbox_ref(char *out, size_t cap, uint64_t ticket_id);

struct sd_outbox_msg {
    uint64_t ticket_id;
    const struct sd_dkey *dk; /* the ticket customer's data key (borrowed) */
    enum sd_outbox_kind kind;
    const char *lang;    /* may be NULL */
    const char *to;      /* one address local@domain (no name, no <>) */
    const char *subject; /* full subject, UTF-8 (the caller puts the reference in) */
    const char *body;    /* UTF-8 text; the verification footer is added when sending */
};

/* Enqueue m inside write txn t, due at `now`, with its audit entry "outbox.enqueue" (actor,
 * target "t<ticket>", digest of the stored record; no PII). Signs with the mail key (created
 * in t when the store has none). *id (may be NULL) gets the record id. SD_E_INVALID (with
 * *field naming "to", "subject", "body" or "lang" when field is not NULL) for bad input, which
 * changes nothing; SD_E_LIMIT for an over-long field. */
sd_err sd_outbox_enqueue_in(struct sd_txn *t, const struct sd_keyring *kr, const char *actor,
                            const struct sd_outbox_msg *m, uint64_t now, uint64_t *id,
                            const char **field);

/* Metadata of a record (no PII). */
struct sd_outbox_info {
    uint64_t id, ticket_id, created_at, next_try_at, done_at;
    int kind, state;
    unsigned attempts, last_code, key_version;
    char message_id[128];
    char code[SD_OUTBOX_CODE_CHARS + 1];
};
sd_err sd_outbox_get(struct sd_txn *t, uint64_t id, struct sd_outbox_info *out);
/* The record whose Message-ID is msgid (with or without <>; as the desk sent it, domain case
 * ignored), for threading a reply (intake). SD_E_NOTFOUND for any other id. */
sd_err sd_outbox_by_message_id(struct sd_txn *t, const char *msgid, struct sd_outbox_info *out);
/* Ids of records queued (or leased) with next_try_at <= now, soonest first, at most max. */
sd_err sd_outbox_due(struct sd_txn *t, uint64_t now, uint64_t *ids, size_t max, size_t *n);
/* Records by state (index = enum sd_outbox_state, [0] unused); one pass over the table. */
sd_err sd_outbox_counts(struct sd_txn *t, uint64_t counts[6]);

/* Start an attempt on a due record (write txn): attempts+1, state `sending`, due again after
 * SD_OUTBOX_LEASE_S (a crashed attempt is retried then, or at once by sd_outbox_recover_in).
 * SD_E_PRECONDITION if the record is not queued/sending. */
sd_err sd_outbox_lease_in(struct sd_txn *t, uint64_t id, uint64_t now);
/* After a restart: every `sending` record is made due at `now` (same Message-ID). *n gets
 * how many. */
sd_err sd_outbox_recover_in(struct sd_txn *t, uint64_t now, size_t *n);

enum sd_outbox_outcome {
    SD_OUTBOX_OK,       /* 2xx: delivered */
    SD_OUTBOX_TEMPFAIL, /* 4xx or no connection: retry with backoff (failed after the limit) */
    SD_OUTBOX_PERMFAIL, /* 5xx: failed */
    SD_OUTBOX_BOUNCE,   /* a bounce of a delivered message */
    SD_OUTBOX_SHREDDED  /* the customer's key is gone: failed, never sent */
};
/* Record the outcome of an attempt (write txn) with its audit entry ("outbox.<state>", actor,
 * target "t<ticket>"). jitter in [0, 1) spreads retries. *info gets the record after the
 * change (state says whether it is final). SD_E_NOTFOUND no such record. */
sd_err sd_outbox_mark_in(struct sd_txn *t, const struct sd_keyring *kr, const char *actor,
                         uint64_t id, enum sd_outbox_outcome outcome, unsigned smtp_code,
                         uint64_t now, double jitter, struct sd_outbox_info *info);
/* Seconds before retry number `attempts` (1-based): base * 2^(attempts-1), capped, +-25%
 * with jitter in [0, 1). */
uint64_t sd_outbox_backoff(unsigned attempts, double jitter);

/* A rendered message: RFC 5322 bytes (CRLF lines) and the envelope recipient. Secret (holds
 * PII): free with sd_outbox_rendered_clear, which wipes. */
struct sd_outbox_rendered {
    struct sd_buf msg;
    char rcpt[SD_OUTBOX_MAX_TO + 1];
    uint64_t ticket_id;
};
/* Render record `id` for sending from `from` (read or write txn): Date, From, To, Subject
 * (RFC 2047 where not ASCII) with the ticket reference, Message-ID, Auto-Submitted for ack
 * and CSAT, X-Sealdesk-Verify, MIME text/plain UTF-8 base64 body with the verification
 * footer. SD_E_SHREDDED when the customer's data key was erased. */
sd_err sd_outbox_render(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id,
                        const char *from, struct sd_outbox_rendered *out);
void sd_outbox_rendered_clear(struct sd_outbox_rendered *r);

/* Message-ID domain for new records (meta "mail_domain"; default "sealdesk.invalid"). */
sd_err sd_outbox_set_domain(struct sd_txn *t, const char *domain);

/* ---- verification ---- */
struct sd_outbox_verdict {
    bool valid;          /* sent by this desk, unchanged */
    const char *why;     /* static reason when !valid (no PII) */
    char ref[24];        /* "SD-000123" */
    char to_masked[300]; /* "a***@desk.test" */
    uint64_t sent_at;
    uint32_t key_version;
    char code[SD_OUTBOX_CODE_CHARS + 1];
    int state; /* verify_code: the record's state; verify_message: 0 */
};
/* Check a whole received message (headers and body as delivered; n <= SD_OUTBOX_MAX_MESSAGE)
 * with the store's mail public keys (a read txn is enough; no keyring). SD_OK with
 * v->valid false and v->why for a message that does not verify; other codes for store errors
 * and SD_E_LIMIT for an over-long file. */
sd_err sd_outbox_verify_message(struct sd_txn *t, const uint8_t *eml, size_t n,
                                struct sd_outbox_verdict *v);
/* Look a verification code up (case and dashes ignored) and check its record's signature.
 * Opens the recipient to show it masked, so it is a PII read: audited "outbox.verify" as
 * actor in write txn t. SD_OK with v->valid false for an unknown code. */
sd_err sd_outbox_verify_code(struct sd_txn *t, const struct sd_keyring *kr, const char *actor,
                             const char *code, struct sd_outbox_verdict *v);

#endif
