/* sealdesk incidents: one outage or known problem that many tickets are about. Tickets are
 * linked by hand or automatically on intake (their redacted subject and body contain one of
 * an open incident's match terms, compared after sd_text_fold); an update posts one public
 * reply on every linked open ticket, all in one write txn; resolve can resolve them too.
 * Stored as IncidentRecord in SD_DB_INCIDENTS; every change is audited ("incident.*").
 * All functions are thread-safe (each call has its own txn). */
#ifndef SEALDESK_INCIDENT_H
#define SEALDESK_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/triage.h"

#define SD_INC_MAX_TITLE 256
#define SD_INC_MAX_TERMS 16       /* match terms per incident */
#define SD_INC_MAX_TERM 128       /* bytes of one folded term */
#define SD_INC_MAX_MATCH 2048     /* bytes of the comma-separated --match text */
#define SD_INC_MAX_LINKS 10000    /* linked tickets handled by one update/resolve */

enum sd_incident_status { SD_INC_OPEN = 1, SD_INC_RESOLVED = 2 };

struct sd_incident {
    uint64_t id, created_at, resolved_at, linked;
    char title[SD_INC_MAX_TITLE + 1];
    enum sd_category category;
    size_t n_match;
    char match[SD_INC_MAX_TERMS][SD_INC_MAX_TERM + 1];
    enum sd_incident_status status;
    char opened_by[SD_MAX_AGENT + 1];
    uint32_t updates;
    uint64_t replied;             /* tickets that got the last update (update only) */
    uint64_t resolved_tickets;    /* tickets resolved with it (resolve only) */
};

/* "open", "resolved"; "unknown" otherwise. Static storage. */
const char *sd_incident_status_name(enum sd_incident_status s);

/* Open an incident. match: comma-separated terms (may be NULL/""), folded and stored; each
 * must fold to at least 2 bytes. SD_E_INVALID bad title/terms; SD_E_LIMIT over a limit.
 * Audited "incident.open". out gets the record. */
sd_err sd_incident_open(struct sd_desk *d, const struct sd_actor *a, const char *title,
                        enum sd_category category, const char *match,
                        struct sd_incident *out);
/* Link ticket to open incident id. SD_E_NOTFOUND either missing; SD_E_PRECONDITION the
 * incident is resolved; SD_E_CONFLICT already linked. Audited "incident.link". */
sd_err sd_incident_link(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                        uint64_t ticket, struct sd_incident *out);
/* Post body as one public reply (redacted and sealed like any comment) on every linked ticket
 * that is not resolved or archived, in one write txn; out->replied counts them. Audited
 * "incident.update" plus each ticket's "ticket.comment". SD_E_PRECONDITION when resolved. */
sd_err sd_incident_update(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                          const char *body, struct sd_incident *out);
/* Resolve; with resolve_tickets also resolve every linked open ticket (one txn).
 * out->resolved_tickets counts them. Audited "incident.resolve". */
sd_err sd_incident_resolve(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                           bool resolve_tickets, struct sd_incident *out);
/* Read one incident. SD_E_NOTFOUND. */
sd_err sd_incident_get(struct sd_desk *d, uint64_t id, struct sd_incident *out);

#endif
