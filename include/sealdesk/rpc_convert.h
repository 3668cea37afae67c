/* Ticket <-> protobuf conversion (src/rpc/convert.c) and a small string arena for building protobuf-c
 * messages whose strings must outlive the call that formats them. */
#ifndef SEALDESK_RPC_CONVERT_H
#define SEALDESK_RPC_CONVERT_H

#include "sealdesk.pb-c.h"
#include "sealdesk/err.h"
#include "sealdesk/tickets.h"

struct sd_arena_block {
    void *p;
    size_t n;
};

struct sd_arena {
    struct sd_arena_block *blocks;
    size_t n, cap;
};

/* Take ownership of heap block p of n bytes (NULL on allocation failure, p freed). */
void *sd_arena_keep(struct sd_arena *a, void *p, size_t n);
char *sd_arena_strndup(struct sd_arena *a, const char *s, size_t n);
void *sd_arena_alloc(struct sd_arena *a, size_t n); /* zeroed */
/* Wipe and free everything kept. */
void sd_arena_free(struct sd_arena *a);

/* Fill pb from t (strings borrowed from t or kept in a). full adds PII and timeline. */
sd_err sd_ticket_to_pb(struct sd_arena *a, const struct sd_ticket *t, bool full,
                       Sealdesk__V1__Ticket *pb);
/* Rebuild a struct sd_ticket from a received message (caller clears it). */
sd_err sd_ticket_from_pb(struct sd_ticket *t, const Sealdesk__V1__Ticket *pb);

#endif
