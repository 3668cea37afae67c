/* sealdesk actor: who is acting (and the reason they give), for audit entries, the timeline and
 * the object-level checks of every desk operation. */
#ifndef SEALDESK_ACTOR_H
#define SEALDESK_ACTOR_H

#include <stddef.h>

#define SD_MAX_AGENT  64  /* agent / actor names: [A-Za-z0-9._@:-] */
#define SD_MAX_REASON 512 /* a reason given for an action (unmask, remedy, shred, ...) */

/* Who is acting. name must be a valid agent name; roles is a set of enum sd_role (authz.h):
 * SD_ROLE_SYSTEM for the local operator. Which role may call which operation is decided before
 * the desk is called (sd_policy_allows); the desk adds the checks that need the object (own
 * tickets, unmask, self-approval). All pointers are borrowed for the duration of a call. */
struct sd_actor {
    const char *name;
    const char *request_id; /* may be NULL */
    unsigned roles;
};

/* The actor name of offline tools: "offline:<login>" with every character outside
 * [A-Za-z0-9._@:-] replaced by '_' (cut to cap - 1 bytes) into out (cap bytes, caller's). */
void sd_actor_offline_name(char *out, size_t cap);

#endif
