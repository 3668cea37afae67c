/* sealdesk queue: received, unassigned tickets ordered by (priority, first response due, id),
 * handed out atomically in one write txn, so concurrent claims in any number of processes never
 * share a ticket. The skill- and shift-aware pick lives in src/routing (route.h). */
#ifndef SEALDESK_QUEUE_H
#define SEALDESK_QUEUE_H

#include "sealdesk/actor.h"
#include "sealdesk/err.h"

struct sd_desk;
struct sd_ticket;

/* Atomically take the most urgent queued ticket (priority, then SLA due, then id) and assign
 * it to agent (status in_progress). agent NULL or "": the actor. Another name needs a
 * supervisor (or the local operator): SD_E_DENIED; it must be an existing, enabled agent as
 * for sd_ticket_assign (SD_E_INVALID). SD_E_EMPTY when the queue is empty. */
sd_err sd_queue_claim(struct sd_desk *d, const struct sd_actor *a, const char *agent,
                      struct sd_ticket *out);

#endif
