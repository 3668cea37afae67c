/* Private to src/authz. */
#ifndef SEALDESK_AUTHZ_INT_H
#define SEALDESK_AUTHZ_INT_H

#include "sealdesk.pb-c.h"
#include "sealdesk/authz.h"

/* Load a user record (SD_E_NOTFOUND for unknown or malformed names); free_unpacked it. */
sd_err sd_urec_load(struct sd_txn *t, const char *name, Sealdesk__V1__UserRecord **out);
sd_err sd_urec_store(struct sd_txn *t, const Sealdesk__V1__UserRecord *r);
/* End every session of the user in r (stored by the caller): bumps r->session_epoch and sets
 * sessions_valid_after (kept for sessions made before epochs existed). */
void sd_urec_end_sessions(Sealdesk__V1__UserRecord *r, uint64_t now);
/* Create a session for user and return its token. */
sd_err sd_session_create(struct sd_txn *t, const char *user, const char *cert_fingerprint,
                         uint64_t now, char token[SD_TOKEN_HEX + 1], uint64_t *expires_at);

#endif
