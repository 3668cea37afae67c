/* sealdesk incidents: one outage or known problem that many tickets are about. Tickets are
 * linked by hand (confirmed) or automatically on intake (suggested): an open incident whose
 * category is the ticket's (or that takes every category) and one of whose match terms occurs
 * in the ticket's redacted subject and body as a whole word (Latin, digits) or whole term
 * (Chinese, Japanese; Korean terms start a word), compared after sd_text_fold. A suggested
 * link gets no public reply and is not resolved until an agent confirms it. An update posts
 * one public reply on every confirmed linked open ticket, all in one write txn; resolve can
 * resolve them too. Every link, confirmation and unlink is on the ticket's timeline
 * (SD_EV_INCIDENT). Stored as IncidentRecord in SD_DB_INCIDENTS; every change is audited
 * ("incident.*"). All functions are thread-safe (each call has its own txn). */
#ifndef SEALDESK_INCIDENT_H
#define SEALDESK_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/err.h"
#include "sealdesk/triage.h"

struct sd_desk;

#define SD_INC_MAX_TITLE 256
#define SD_INC_MAX_TERMS 16    /* match terms per incident */
#define SD_INC_MAX_TERM  128   /* bytes of one folded term */
#define SD_INC_MAX_MATCH 2048  /* bytes of the comma-separated --match text */
#define SD_INC_MAX_LINKS 10000 /* linked tickets handled by one update/resolve */
#define SD_INC_MAX_LIST  1000  /* incidents returned by one sd_incident_list */

enum sd_incident_status {
    SD_INC_OPEN = 1,
    SD_INC_RESOLVED = 2
};

struct sd_incident {
    uint64_t id, created_at, resolved_at, linked;
    char title[SD_INC_MAX_TITLE + 1];
    enum sd_category category; /* meaningful unless any_category */
    bool any_category;         /* auto-links tickets of every category */
    size_t n_match;
    char match[SD_INC_MAX_TERMS][SD_INC_MAX_TERM + 1];
    enum sd_incident_status status;
    char opened_by[SD_MAX_AGENT + 1];
    uint32_t updates;
    uint64_t replied;          /* tickets that got the last update (update only) */
    uint64_t resolved_tickets; /* tickets resolved with it (resolve only) */
    uint64_t suggested;        /* links awaiting confirmation (get, list and every call) */
};

struct sd_incident_link {
    uint64_t ticket;
    bool confirmed; /* false: suggested by an automatic match */
};

/* "open", "resolved"; "unknown" otherwise. Static storage. */
const char *sd_incident_status_name(enum sd_incident_status s);

/* Open an incident. category: enum sd_category, or -1 to auto-link tickets of every
 * category. match: comma-separated terms (may be NULL/""), folded and stored; each must fold
 * to at least 2 bytes. SD_E_INVALID bad title/terms/category; SD_E_LIMIT over a limit.
 * Audited "incident.open". out gets the record. */
sd_err sd_incident_open(struct sd_desk *d, const struct sd_actor *a, const char *title,
                        int category, const char *match, struct sd_incident *out);
/* Link ticket to open incident id (a confirmed link, whatever the ticket's category).
 * SD_E_NOTFOUND either missing; SD_E_PRECONDITION the incident is resolved; SD_E_CONFLICT
 * already linked; SD_E_DENIED an agent's ticket not theirs (sd_ticket_may_touch). Audited
 * "incident.link"; the ticket's timeline gets "link incident=ID". */
sd_err sd_incident_link(struct sd_desk *d, const struct sd_actor *a, uint64_t id, uint64_t ticket,
                        struct sd_incident *out);
/* Confirm a suggested link (an agent checked the ticket is about the incident): from now on
 * updates reply on it and resolve resolves it. SD_E_NOTFOUND not linked; SD_E_CONFLICT
 * already confirmed; SD_E_PRECONDITION resolved; SD_E_DENIED as link. Audited
 * "incident.confirm"; timeline "confirm incident=ID". */
sd_err sd_incident_confirm(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                           uint64_t ticket, struct sd_incident *out);
/* Remove a link (suggested or confirmed; also on a resolved incident). SD_E_NOTFOUND not
 * linked; SD_E_DENIED as link. Audited "incident.unlink"; timeline "unlink incident=ID". */
sd_err sd_incident_unlink(struct sd_desk *d, const struct sd_actor *a, uint64_t id, uint64_t ticket,
                          struct sd_incident *out);
/* Post body as one public reply (redacted and sealed like any comment) on every confirmed
 * linked ticket that is not resolved or archived, in one write txn; out->replied counts
 * them (suggested links get nothing). Audited "incident.update" plus each ticket's
 * "ticket.comment". SD_E_PRECONDITION when resolved. */
sd_err sd_incident_update(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                          const char *body, struct sd_incident *out);
/* Resolve; with resolve_tickets also resolve every confirmed linked open ticket (one txn).
 * out->resolved_tickets counts them. Audited "incident.resolve". */
sd_err sd_incident_resolve(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                           bool resolve_tickets, struct sd_incident *out);
/* Read one incident. SD_E_NOTFOUND. links (may be NULL) gets its links by ticket id,
 * malloc'ed (free(); NULL when *n_links is 0). Read-only, no PII. */
sd_err sd_incident_get(struct sd_desk *d, uint64_t id, struct sd_incident *out);
sd_err sd_incident_get_links(struct sd_desk *d, uint64_t id, struct sd_incident *out,
                             struct sd_incident_link **links, size_t *n_links);
/* Incidents by id, oldest first, with status `status` (0 = any), at most SD_INC_MAX_LIST
 * (*truncated set when more matched). *out is malloc'ed (free(); NULL when *n is 0). */
sd_err sd_incident_list(struct sd_desk *d, int status, struct sd_incident **out, size_t *n,
                        bool *truncated);

#endif
