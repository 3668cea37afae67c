/* Private to src/routing: the pick shared by queue.c (claim) and route.c (auto). */
#ifndef SEALDESK_ROUTE_INT_H
#define SEALDESK_ROUTE_INT_H

#include "tickets/desk_int.h"
#include "sealdesk/err.h"

/* Inside write txn t: pick the ticket `agent` should claim at `now`. *has_profile false: the
 * agent has no profile (claim the queue head as before; *id untouched). Otherwise SD_OK with
 * *id, or SD_E_EMPTY when the agent is off shift or no queued ticket is for them. */
sd_err sd_route_pick(struct sd_txn *t, const char *agent, uint64_t now, bool *has_profile,
                     uint64_t *id);

#endif
