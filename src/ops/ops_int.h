/* Private to src/ops: the composition shared by init.c (sd_desk_open) and keyops.c (the
 * passphrase open), and the login guard of access.c. */
#ifndef SEALDESK_OPS_INT_H
#define SEALDESK_OPS_INT_H

#include "tickets/desk_int.h"

/* Plug the layers above the ticket core into desk d (its hooks). */
void sd_ops_wire(struct sd_desk *d);

/* access.c: the failed-login guard of a desk (defaults made by sd_desk_open). */
struct sd_login_limits;
sd_err sd_login_guard_new(struct sd_login_guard **out, const struct sd_login_limits *l,
                          unsigned audit_window_s);
void sd_login_guard_free(struct sd_login_guard *g);

#endif
