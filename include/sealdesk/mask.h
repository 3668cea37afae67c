/* sealdesk masking of PII for display (src/text/mask.c, pure text). */
#ifndef SEALDESK_MASK_H
#define SEALDESK_MASK_H

#include <stddef.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"
#include "sealdesk/tickets.h"

/* Mask a PII value for display: "a***@example.com", "+82******5678", ... Appends to out. */
sd_err sd_mask(struct sd_buf *out, enum sd_field f, const char *v, size_t n);

#endif
