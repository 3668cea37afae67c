/* Private to src/incident: the auto-link functions ops/init.c hooks into ticket creation
 * (struct sd_desk_hooks), exposed for tests. */
#ifndef SEALDESK_INCIDENT_INT_H
#define SEALDESK_INCIDENT_INT_H

#include "tickets/desk_int.h"
#include "sealdesk/incident.h"

/* Auto-link on intake, in two steps inside the create txn t. Before the new ticket r is
 * stored: find every open incident whose category admits r's and one of whose match terms
 * occurs in the folded text[0..n) (the ticket's redacted subject and body) as a whole word or
 * term (incident.h), and put a suggested link on r's timeline; *ids (malloc'ed, free()) gets
 * them. After the ticket's own audit entry: store the suggested links, each audited
 * ("incident.autolink"), so the log names the ticket after its creation. */
sd_err sd_incident_autolink_find(struct sd_txn *t, sd_trec *r, const char *text, size_t n,
                                 uint64_t **ids, size_t *n_ids);
sd_err sd_incident_autolink_store(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                                  uint64_t ticket, const uint64_t *ids, size_t n);
/* True when folded term (NUL-terminated) occurs in folded text[0..n) as a whole word or term:
 * an edge that is a Latin letter or digit may not touch another letter or digit, a Korean
 * term must start a Korean word, Han and kana edges need no boundary. Exposed for tests. */
bool sd_incident_term_matches(const char *text, size_t n, const char *term);

#endif
