/* sealdesk statistics, all read-only over ticket metadata (no PII): the desk totals (sd_stats),
 * daily intake (sd_stats_by_day) and per-agent figures (sd_stats_by_agent). */
#ifndef SEALDESK_STATS_H
#define SEALDESK_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/err.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"

struct sd_desk;

struct sd_stats {
    uint64_t total;
    uint64_t by_status[SD_ST_COUNT];
    uint64_t by_category[SD_CAT_COUNT];
    uint64_t by_priority[5];
    uint64_t by_channel[SD_CH_COUNT];
    uint64_t median_first_response; /* seconds, over tickets with a first response */
    uint64_t median_resolution;     /* seconds, over resolved tickets */
    uint64_t n_first_response, n_resolved;
    uint64_t sla_breaches; /* tickets that missed either due time (by now) */
    uint64_t csat_count;
    double csat_average;
    uint64_t redacted;
    /* open tickets (received, in_progress, waiting_customer) by priority 1..4, and those of
     * them overdue at `now` (sd_sla_overdue's rule) */
    uint64_t open_by_priority[5];
    uint64_t overdue_by_priority[5];
};
sd_err sd_stats(struct sd_desk *d, uint64_t now, struct sd_stats *out);

/* Daily intake: tickets created per UTC day, by category and channel. */
#define SD_STATS_MAX_DAYS 3700 /* rows of one sd_stats_by_day answer (ten years) */
struct sd_day_stats {
    uint64_t day; /* Unix time of the day's 00:00 UTC */
    uint64_t total;
    uint64_t by_category[SD_CAT_COUNT];
    uint64_t by_channel[SD_CH_COUNT];
};
/* Intake per day over tickets created in [from, to) (to == 0: no upper bound), oldest day
 * first; days without tickets are left out. *out is malloc'ed (free(); NULL when *n is 0).
 * SD_E_LIMIT more than SD_STATS_MAX_DAYS days (narrow the range). Read-only, metadata only. */
sd_err sd_stats_by_day(struct sd_desk *d, uint64_t from, uint64_t to, struct sd_day_stats **out,
                       size_t *n);

/* The counter groups of sd_stats as (name, value) pairs, for output without a table of names
 * per caller. */
enum sd_stats_group {
    SD_SG_STATUS,
    SD_SG_CATEGORY,
    SD_SG_PRIORITY,
    SD_SG_CHANNEL,
    SD_SG_COUNT
};
#define SD_STATS_GROUP_MAX 8 /* counters in the largest group */
struct sd_count {
    const char *name; /* static string */
    uint64_t value;
};
/* "by_status", "by_category", "by_priority", "by_channel". */
const char *sd_stats_group_key(enum sd_stats_group g);
/* Fill out (room for SD_STATS_GROUP_MAX) with group g of s in enum order; returns how many. */
size_t sd_stats_group(const struct sd_stats *s, enum sd_stats_group g, struct sd_count *out);

#define SD_STATS_MAX_AGENTS 1024 /* agents in one sd_stats_by_agent answer */
struct sd_agent_stats {
    char agent[SD_MAX_AGENT + 1];
    uint64_t handled;              /* tickets assigned to the agent */
    int64_t median_first_response; /* seconds from creation; -1 when none yet */
    int64_t median_resolution;     /* seconds from creation to resolved; -1 none */
    uint64_t sla_breaches;         /* tickets past either SLA due time (at `now`) */
    double reopen_rate;            /* share of handled tickets reopened at least once */
    double csat_average;           /* 0 when csat_count is 0 */
    uint64_t csat_count;
};
/* Per-agent statistics over tickets created in [from, to) (to == 0: no upper bound), judged
 * at `now`, sorted by agent name. Unassigned tickets are not counted. *out is malloc'ed
 * (free(); NULL when *n is 0). SD_E_LIMIT more than SD_STATS_MAX_AGENTS agents. Read-only. */
sd_err sd_stats_by_agent(struct sd_desk *d, uint64_t from, uint64_t to, uint64_t now,
                         struct sd_agent_stats **out, size_t *n);

#endif
