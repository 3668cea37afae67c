/* SLA policy (DESIGN.md "Tickets"): time to first response and to resolution by priority. */
#include "sealdesk/sla.h"

static const uint64_t first_response[5] = {0, 15 * 60, 60 * 60, 4 * 3600, 24 * 3600};
static const uint64_t resolution[5] = {0, 4 * 3600, 24 * 3600, 72 * 3600, 7 * 86400};

void
sd_sla_due(int priority, uint64_t created, uint64_t *first_due, uint64_t *resolve_due)
{
    int p = priority >= 1 && priority <= 4 ? priority : 4;

    *first_due = created + first_response[p];
    *resolve_due = created + resolution[p];
}
