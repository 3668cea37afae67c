/* Private to src/ops: the composition shared by init.c (sd_desk_open) and keyops.c (the
 * passphrase open). */
#ifndef SEALDESK_OPS_INT_H
#define SEALDESK_OPS_INT_H

#include "desk/desk_int.h"

/* Plug the layers above the ticket core into desk d (its hooks). */
void sd_ops_wire(struct sd_desk *d);

#endif
