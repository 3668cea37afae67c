/* Private to src/desk: the incident hooks shared by ticket.c (auto-link on create) and
 * incident.c (which posts comments and resolves tickets through ticket.c's txn shape). */
#ifndef SEALDESK_INCIDENT_INT_H
#define SEALDESK_INCIDENT_INT_H

#include "desk_int.h"
#include "sealdesk/incident.h"

/* Inside write txn t: link ticket to every open incident one of whose match terms occurs in
 * the folded text[0..n) (the ticket's redacted subject and body). Audited per link. */
sd_err sd_incident_autolink_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                               uint64_t ticket, const char *text, size_t n);

/* ticket.c: a public/internal comment and a status transition inside write txn t, with the
 * same checks, timeline events and audit entries as sd_ticket_comment / _transition. */
sd_err sd_ticket_comment_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                            uint64_t id, const char *body, bool internal);
sd_err sd_ticket_transition_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                               uint64_t id, int to);

#endif
