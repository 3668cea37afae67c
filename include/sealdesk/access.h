/* sealdesk access (src/ops/access.c): logins, sessions, passwords and user administration on
 * an open desk, each with its audit entries in the same txn. The user records, TOTP, sessions
 * and the role policy underneath are authz.h; two-person user changes are user_admin.h. */
#ifndef SEALDESK_ACCESS_H
#define SEALDESK_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/err.h"

struct sd_desk;
struct sd_login_limits;
struct sd_session;
struct sd_user;

/* Validate a session token (and certificate binding) and refresh its idle timer. Every
 * failure is SD_E_UNAUTH. */
sd_err sd_access_session(struct sd_desk *d, const char *token, const char *cert_fingerprint,
                         struct sd_session *out);
/* Login from source (the peer address, e.g. "127.0.0.1"; NULL or "" = not counted per
 * source). Argon2id runs outside any txn; only an existing user's outcome takes a short write
 * txn (the failure counter persists). Every refusal is SD_E_UNAUTH (bad credentials, unknown,
 * locked and disabled names alike) except SD_E_LIMIT while the source or the typed name is
 * backing off (sd_throttle, same for every name) and SD_E_INVALID for a password longer than
 * SD_PASSWORD_MAX. A success is audited at once ("auth.login"); failures are counted and
 * audited once per window per label ("auth.login_failed", see sd_access_login_audit_flush):
 * the label is the user's name for an existing user, else "unknown:<keyed hash>". */
sd_err sd_access_login_src(struct sd_desk *d, const char *source, const char *name,
                           const char *password, const char *totp, const char *cert_fingerprint,
                           const char *request_id, char token[65], uint64_t *expires_at,
                           unsigned *roles);
/* The same without a source address (local callers and tests). */
sd_err sd_access_login(struct sd_desk *d, const char *name, const char *password, const char *totp,
                       const char *cert_fingerprint, const char *request_id, char token[65],
                       uint64_t *expires_at, unsigned *roles);
/* Failed-login limits (struct sd_login_limits, authz.h) and the audit window in seconds
 * (1..86400; default 60) of this desk; pending records are written first. Call before serving.
 * SD_E_INVALID for bad limits. */
sd_err sd_access_set_login_limits(struct sd_desk *d, const struct sd_login_limits *l,
                                  unsigned audit_window_s);
/* Write the failed-login records counted so far (one entry per label, with the count) now,
 * without waiting for the window to end. sd_desk_close does this too. */
sd_err sd_access_login_audit_flush(struct sd_desk *d);
/* The same only when the current window has ended (cheap otherwise): call it periodically. */
sd_err sd_access_login_audit_tick(struct sd_desk *d);
sd_err sd_access_logout(struct sd_desk *d, const struct sd_actor *a, const char *token);
/* User administration (security_admin), audited. password/totp_uri as sd_user_add. */
sd_err sd_access_user_add(struct sd_desk *d, const struct sd_actor *a, const char *name,
                          unsigned roles, bool no_totp, const char *cert_fingerprint,
                          char password[129], char totp_uri[256]);
sd_err sd_access_user_set_disabled(struct sd_desk *d, const struct sd_actor *a, const char *name,
                                   bool disabled, struct sd_user *out);
sd_err sd_access_user_revoke(struct sd_desk *d, const struct sd_actor *a, const char *name,
                             struct sd_user *out);
sd_err sd_access_user_list(struct sd_desk *d, struct sd_user **out, size_t *n);
/* Offboard a user in one txn: disable, end every session, put every open ticket assigned to
 * them back in the queue (each with its timeline event and audit entry), audited as
 * "user.offboard". *out gets the user after; *ids (malloc'ed, free(); NULL when *n is 0) the
 * requeued ticket ids. SD_E_NOTFOUND no such user. */
sd_err sd_access_user_offboard(struct sd_desk *d, const struct sd_actor *a, const char *name,
                               struct sd_user *out, uint64_t **ids, size_t *n);
/* Change a user's password, giving the current one (a user changes their own: the RPC passes
 * the session's user). The Argon2id work (verify the old, hash the new) runs in
 * sd_access_passwd_prepare without a write txn; sd_access_passwd_commit stores the new hash if the
 * old one is still in place (SD_E_CONFLICT otherwise), ends every session of the user and
 * audits "user.passwd", in one txn. Errors: SD_E_UNAUTH old password wrong, SD_E_INVALID new
 * password refused by sd_password_rules (*why names the field; static text), SD_E_NOTFOUND.
 * sd_access_user_passwd does both. Wipe a prep with sd_access_passwd_prep_clear. */
struct sd_passwd_prep {
    char name[65];
    char cur_hash[128];
    char new_hash[128];
};
sd_err sd_access_passwd_prepare(struct sd_desk *d, const char *name, const char *old_password,
                                const char *new_password, struct sd_passwd_prep *out,
                                const char **why);
sd_err sd_access_passwd_commit(struct sd_desk *d, const struct sd_actor *a,
                               const struct sd_passwd_prep *p);
sd_err sd_access_user_passwd(struct sd_desk *d, const struct sd_actor *a, const char *name,
                             const char *old_password, const char *new_password, const char **why);
void sd_access_passwd_prep_clear(struct sd_passwd_prep *p);
/* The caller's own user record (a->name; no secrets: struct sd_user holds none). Read-only.
 * SD_E_NOTFOUND when the actor is no user (the local operator). */
sd_err sd_access_me(struct sd_desk *d, const struct sd_actor *a, struct sd_user *out);
/* Set the caller's own console preferences (sd_user_prefs_check: SD_E_INVALID with *field
 * "locale" or "time_zone", nothing changed), audited as "user.preferences" (target
 * "user:<name>", the new values as the reason) in the same txn. *out gets the user after. */
sd_err sd_access_set_prefs(struct sd_desk *d, const struct sd_actor *a, const char *locale,
                           const char *time_zone, const char **field, struct sd_user *out);
/* End every session (everyone logs in again), audited as "sessions.invalidate_all" with
 * reason (e.g. "restore"; may be NULL) in the same txn. *n gets how many ended. */
sd_err sd_access_sessions_invalidate(struct sd_desk *d, const struct sd_actor *a,
                                     const char *reason, uint64_t *n);

#endif
