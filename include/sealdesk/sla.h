/* sealdesk SLA: due times for first response and resolution by priority (DESIGN.md defaults:
 * P1 15 min / 4 h, P2 1 h / 24 h, P3 4 h / 72 h, P4 24 h / 7 d) and the overdue list. */
#ifndef SEALDESK_SLA_H
#define SEALDESK_SLA_H

#include <stdint.h>

#include "sealdesk/err.h"

struct sd_desk;
struct sd_ticket_list;

/* Open tickets past a due time at `now`. */
sd_err sd_sla_overdue(struct sd_desk *d, uint64_t now, struct sd_ticket_list *out);
/* SLA policy: seconds to first response / resolution by priority (DESIGN.md defaults). */
void sd_sla_due(int priority, uint64_t created, uint64_t *first_due, uint64_t *resolve_due);

#endif
