/* sealdesk outbound mail at the desk level (issue 15): what the ticket layer enqueues (public
 * replies, incident updates, the CSAT survey on `resolved`; src/tickets/mail.c) and the calls
 * sealdeskd's sender thread (src/server/mailer.c) and the tools make. Each write is one LMDB
 * txn with its audit entry; outcomes also append a ticket timeline event (mail_delivered,
 * mail_failed, mail_bounced). See sealdesk/outbox.h for the record and its guarantees. */
#ifndef SEALDESK_DESK_MAIL_H
#define SEALDESK_DESK_MAIL_H

#include "sealdesk/actor.h"
#include "sealdesk/desk.h"
#include "sealdesk/outbox.h"

/* Sender start-up: records a crashed process had in flight become due now (*n of them) and
 * new Message-IDs use `domain` (may be NULL: unchanged). */
sd_err sd_desk_mail_start(struct sd_desk *d, const char *domain, size_t *n);
/* Take up to max due records for sending: each is leased (state `sending`, attempts+1) in one
 * write txn. ids get them, *n how many. */
sd_err sd_desk_mail_take(struct sd_desk *d, uint64_t now, uint64_t *ids, size_t max, size_t *n);
/* Render record id for sending from `from` (sd_outbox_render; SD_E_SHREDDED: customer gone). */
sd_err sd_desk_mail_render(struct sd_desk *d, uint64_t id, const char *from,
                           struct sd_outbox_rendered *out);
/* Record an attempt's outcome as actor "system:mailer": the record (sd_outbox_mark_in), and
 * when it is final the ticket's timeline event, in one write txn with the audit entry.
 * *info (may be NULL) gets the record after the change. */
sd_err sd_desk_mail_outcome(struct sd_desk *d, uint64_t id, enum sd_outbox_outcome o,
                            unsigned smtp_code, double jitter, struct sd_outbox_info *info);
/* Counts of records by state (sd_outbox_counts). */
sd_err sd_desk_mail_counts(struct sd_desk *d, uint64_t counts[6]);
/* Metadata of one record. */
sd_err sd_desk_mail_get(struct sd_desk *d, uint64_t id, struct sd_outbox_info *out);
/* Verification (what Intake.VerifyMessage will call): a whole message (read txn, public keys
 * only) or a code (audited "outbox.verify" as actor a). */
sd_err sd_desk_mail_verify_message(struct sd_desk *d, const uint8_t *eml, size_t n,
                                   struct sd_outbox_verdict *v);
sd_err sd_desk_mail_verify_code(struct sd_desk *d, const struct sd_actor *a, const char *code,
                                struct sd_outbox_verdict *v);
/* New mail signing key version (the old secret is erased; old messages still verify),
 * audited "keys.mail_rotate". security_admin or the local operator. */
sd_err sd_desk_mail_rotate_key(struct sd_desk *d, const struct sd_actor *a, uint32_t *version);

#endif
