/* sealdesk routing: agent profiles (languages, categories, vip skill, weekly shifts) and the
 * skill- and shift-aware hand-out of queued tickets (sd_queue_claim, sd_route_auto).
 *
 * Time zones: shift times are local wall-clock times in a zone of the system tz database
 * (tzdata; "Asia/Seoul", "Europe/London", "America/New_York") or a fixed offset
 * ("UTC+09:00", "UTC-05:30", "UTC"). The offset is looked up at the moment judged
 * (sealdesk/tz.h), so a London 09:00-17:00 shift follows British Summer Time.
 * Profiles are stored as AgentRecord in SD_DB_AGENTS; every change is audited. All functions
 * are thread-safe (each call has its own txn). */
#ifndef SEALDESK_ROUTE_H
#define SEALDESK_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/err.h"
#include "sealdesk/triage.h"

struct sd_desk;

#define SD_ROUTE_MAX_LANGS            4 /* zh, zh-Hant, en, ko */
#define SD_ROUTE_MAX_SHIFTS           16
#define SD_ROUTE_MAX_SPEC             1024 /* bytes of one --shift specification */
#define SD_ROUTE_MAX_AGENTS           1024 /* profiles considered by one routing decision */
#define SD_ROUTE_ZONE                 32
#define SD_ROUTE_MAX_OVERRIDES        16 /* one-off overrides kept per agent (expired ones drop) */
#define SD_ROUTE_MAX_OVERRIDE_SECONDS (31 * 86400)

struct sd_shift {
    uint32_t days;               /* bit 0 = Monday .. bit 6 = Sunday */
    uint32_t start_min, end_min; /* local minutes; end <= start wraps past midnight */
    int32_t utc_offset_min;      /* fixed zones: local = UTC + offset; tz zones: the offset
                                       when set, used only if the zone cannot be read */
    char zone[SD_ROUTE_ZONE];
};

/* A one-off change to the weekly shifts: on (extra shift) or off (leave, sick day) for
 * [from, to), Unix seconds. The latest override covering a moment wins over the weekly rule. */
struct sd_shift_override {
    uint64_t from, to;
    bool on;
};

struct sd_agent_profile {
    char name[SD_MAX_AGENT + 1];
    size_t n_langs; /* 0 = every language */
    char langs[SD_ROUTE_MAX_LANGS][8];
    uint32_t categories; /* bit per sd_category; 0 = every category */
    bool vip;
    size_t n_shifts; /* 0 = always on shift */
    struct sd_shift shifts[SD_ROUTE_MAX_SHIFTS];
    size_t n_overrides; /* oldest first */
    struct sd_shift_override overrides[SD_ROUTE_MAX_OVERRIDES];
    uint64_t updated_at;
};

/* UTC offset in minutes of zone (tz database name or "UTC+HH:MM") at Unix time at.
 * SD_E_INVALID unknown or malformed zone. */
sd_err sd_route_zone_offset(const char *zone, uint64_t at, int32_t *off_min);

/* Parse "Mon-Fri 09:00-18:00 Asia/Seoul" (days: Mon..Sun, ranges "Mon-Fri" (may wrap),
 * lists "Mon,Wed", "Daily"; times HH:MM, end may be 24:00); several windows separated by ';'
 * are appended to p->shifts. SD_E_INVALID bad syntax; SD_E_LIMIT more than
 * SD_ROUTE_MAX_SHIFTS windows or spec longer than SD_ROUTE_MAX_SPEC. */
sd_err sd_route_parse_shifts(const char *spec, struct sd_agent_profile *p);
/* The same; on error why (may be NULL, why_cap bytes) names the part that is wrong:
 * 'window 2: unknown time zone "Europe/Londn" (...)', 'window 1: bad days "Mon-Fry" (...)'. */
sd_err sd_route_parse_shifts_why(const char *spec, struct sd_agent_profile *p, char *why,
                                 size_t why_cap);
/* Parse "zh,en" into p->langs (canonical tags) and "deposit,withdrawal" into p->categories.
 * NULL or "" leaves the field empty (= all). SD_E_INVALID unknown name; SD_E_LIMIT too many. */
sd_err sd_route_parse_langs(const char *csv, struct sd_agent_profile *p);
sd_err sd_route_parse_categories(const char *csv, struct sd_agent_profile *p);

/* Format window i as "Mon,Tue 09:00-18:00 Asia/Seoul" into out. */
void sd_route_shift_format(char *out, size_t cap, const struct sd_shift *s);

/* Format an override as "2026-12-24T00:00:00Z/2026-12-25T00:00:00Z off" (or "on"). */
void sd_route_override_format(char *out, size_t cap, const struct sd_shift_override *o);

/* True if the agent is on shift at Unix time now: the latest override covering now decides,
 * else the weekly shifts (no shifts = always). */
bool sd_agent_on_shift(const struct sd_agent_profile *p, uint64_t now);
/* True if the agent may work a ticket in language lang ("" or NULL = any; "zh" and "zh-Hant"
 * agents both read either script), category cat, needing the vip skill when vip. */
bool sd_agent_fits(const struct sd_agent_profile *p, const char *lang, enum sd_category cat,
                   bool vip);
/* How long a ticket of priority 1..4 waits for a fit agent before any on-shift agent may
 * take it: P1 2 min, P2 10 min, P3 30 min, P4 2 h (seconds). */
uint64_t sd_route_wait(int priority);

/* Create or replace the profile p->name (validated; updated_at set): languages, categories,
 * vip and weekly shifts. One-off overrides already stored are kept (p->overrides is ignored;
 * see sd_agent_override). Audited "agent.set". SD_E_INVALID bad name or fields. */
sd_err sd_agent_set(struct sd_desk *d, const struct sd_actor *a, const struct sd_agent_profile *p);
/* Add a one-off override [from, to) to agent name's profile, judged at now: overrides that
 * ended by now are dropped. SD_E_INVALID from >= to, to <= now or longer than
 * SD_ROUTE_MAX_OVERRIDE_SECONDS; SD_E_NOTFOUND no profile; SD_E_LIMIT SD_ROUTE_MAX_OVERRIDES
 * current overrides already. out (may be NULL) gets the updated profile. Audited
 * "agent.override". */
sd_err sd_agent_override(struct sd_desk *d, const struct sd_actor *a, const char *name,
                         const struct sd_shift_override *o, uint64_t now,
                         struct sd_agent_profile *out);
/* Read one profile. SD_E_NOTFOUND when the agent has none. */
sd_err sd_agent_get(struct sd_desk *d, const char *name, struct sd_agent_profile *out);
/* Every profile, by name. *out is malloc'ed (free()); *n may be 0. */
sd_err sd_agent_list(struct sd_desk *d, struct sd_agent_profile **out, size_t *n);

struct sd_route_assignment {
    uint64_t ticket_id;
    char agent[SD_MAX_AGENT + 1];
    bool fallback; /* nobody fit: given to any on-shift agent after the wait */
};
/* Assign every queued (received, unassigned) ticket, most urgent first, to the least-loaded
 * (open tickets) fit agent on shift at `now`; a ticket nobody on shift fits goes to the
 * least-loaded on-shift agent once it waited sd_route_wait(priority). Only agents with a
 * profile are considered. One write txn, one "route.assign" audit entry per ticket.
 * *out is malloc'ed (free(); NULL when *n is 0). */
sd_err sd_route_auto(struct sd_desk *d, const struct sd_actor *a, uint64_t now,
                     struct sd_route_assignment **out, size_t *n);

#endif
