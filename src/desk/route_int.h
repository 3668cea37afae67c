/* Private to src/desk: the routing hooks shared by ticket.c (claim) and route.c (auto). */
#ifndef SEALDESK_ROUTE_INT_H
#define SEALDESK_ROUTE_INT_H

#include "desk_int.h"
#include "sealdesk/route.h"

/* Inside write txn t: pick the ticket `agent` should claim at `now`. *has_profile false: the
 * agent has no profile (claim the queue head as before; *id untouched). Otherwise SD_OK with
 * *id, or SD_E_EMPTY when the agent is off shift or no queued ticket is for them. */
sd_err sd_route_pick(struct sd_txn *t, const char *agent, uint64_t now, bool *has_profile,
                     uint64_t *id);

/* ticket.c: hand queued ticket id to agent inside write txn t, as a claim (status
 * in_progress, timeline event, audit entry `action`). */
sd_err sd_ticket_claim_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                          uint64_t id, const char *agent, const char *action);

#endif
