/* sealdesk endpoints (src/client/endpoints.c): how every client follows a cluster's leader
 * (issue 18). A client's --server takes a comma list of 1..SD_ENDPOINTS_MAX "host:port"
 * endpoints; a follower answers a write with UNAVAILABLE and a message containing
 * "leader=<node> <host:port>" ("leader=unknown" during an election: no hint). sealctl,
 * sealbench and sealmailgate all parse both here and walk the list with struct sd_follow.
 * Nothing here does I/O or allocates. */
#ifndef SEALDESK_ENDPOINTS_H
#define SEALDESK_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "sealdesk/err.h"

#define SD_ENDPOINTS_MAX     7    /* endpoints in one list */
#define SD_ENDPOINT_MAX      261  /* one "host:port": a 253-byte name or "[v6]", ':', 5 digits */
#define SD_ENDPOINTS_MAX_LEN 2048 /* the whole list option */

/* A parsed list: ep[0..n-1] NUL-terminated, in the order given. Plain value, no ownership. */
struct sd_endpoints {
    char ep[SD_ENDPOINTS_MAX][SD_ENDPOINT_MAX + 1];
    size_t n;
};

/* Parse list ("h1:p1,h2:p2,...", NUL-terminated) into *out. Each endpoint is a non-empty host
 * of printable ASCII without spaces or commas, ':' and a port 1..65535 (decimal, no sign);
 * empty entries, more than SD_ENDPOINTS_MAX endpoints or a list over SD_ENDPOINTS_MAX_LEN are
 * refused. On error (SD_E_INVALID; SD_E_LIMIT for too many/too long) why gets a one-line
 * reason that starts with flag (e.g. "--server: endpoint 2 has no port"; never the input
 * text) and *out is left empty (n = 0). flag may be NULL ("--server"). */
sd_err sd_endpoints_parse(struct sd_endpoints *out, const char *list, const char *flag, char *why,
                          size_t whycap);

/* The leader's "host:port" in a follower's UNAVAILABLE message (msg, NUL-terminated): the
 * word after the first "leader=<node> ", up to a space, ';', ',' or the end. Copied into out
 * (NUL-terminated) and true; false (out untouched) when there is no hint, the node is
 * "unknown", the address is empty or does not fit in cap, or is not a valid endpoint. */
bool sd_endpoints_leader_hint(const char *msg, char *out, size_t cap);

/* Walking a list: target starts at ep[0]; sd_follow_next moves it to the leader a follower
 * named, else to the next endpoint in the list. */
struct sd_follow {
    const struct sd_endpoints *eps; /* borrowed */
    size_t next;                    /* index of the list endpoint tried last */
    char target[SD_ENDPOINT_MAX + 1];
};
void sd_follow_init(struct sd_follow *f, const struct sd_endpoints *eps);
/* Move on after an attempt that ran nothing on the server. unavailable_msg: the grpc-message
 * of an UNAVAILABLE answer, or NULL (unreachable, connection lost before any answer). Returns
 * true when the move wrapped around to the list's first endpoint (every one was tried: the
 * caller should pause briefly, an election may be in progress). */
bool sd_follow_next(struct sd_follow *f, const char *unavailable_msg);

#endif
