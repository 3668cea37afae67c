/* Users and sessions at the desk level: each operation is one txn with its audit entry. Login
 * failures commit too, so the failure counter and the audit trail of the attempt persist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "desk_int.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "util/err_int.h"

static sd_err
audit_user(struct sd_desk *d, struct sd_txn *t, const char *actor, const char *request_id,
           const char *action, const char *user, const char *reason)
{
    char target[SD_USER_NAME_MAX + 8];
    struct sd_audit_rec r;

    snprintf(target, sizeof(target), "user:%s", user);
    r = (struct sd_audit_rec){.actor = actor, .action = action, .target = target,
                              .request_id = request_id, .reason = reason};
    return sd_audit_append(t, d->kr, &r, NULL);
}

sd_err
sd_desk_session(struct sd_desk *d, const char *token, const char *cert_fingerprint,
                struct sd_session *out)
{
    struct sd_txn *t = NULL;
    uint64_t now = sd_clock_now();
    sd_err err = SD_OK;

    SD_TRY(sd_txn_begin(d->store, false, &t));
    err = sd_auth_check(t, token, cert_fingerprint, now, out);
    sd_txn_abort(t);
    t = NULL;
    SD_ENSURE(err == SD_OK, err == SD_E_UNAUTH ? SD_E_UNAUTH : err);
    /* The idle timer needs a write only once a minute per session. */
    if(now >= out->last_seen + 60) {
        SD_TRY(sd_txn_begin(d->store, true, &t));
        SD_TRY(sd_auth_touch(t, token, now));
        err = sd_txn_commit(t);
        t = NULL;
    }
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_login(struct sd_desk *d, const char *name, const char *password, const char *totp,
              const char *cert_fingerprint, const char *request_id, char token[65],
              uint64_t *expires_at, unsigned *roles)
{
    struct sd_txn *t = NULL;
    struct sd_user u;
    char who[SD_USER_NAME_MAX + 1];
    sd_err err = SD_OK, rc;

    token[0] = 0;
    SD_CHECK_ARG(d && name && password);
    /* The audit actor is the claimed name when it is well formed, else a placeholder: never
     * echo arbitrary input into the log. */
    snprintf(who, sizeof(who), "%s", sd_agent_name_ok(name) ? name : "invalid-name");
    SD_TRY(sd_txn_begin(d->store, true, &t));
    rc = sd_auth_login(t, d->kr, name, password, totp, cert_fingerprint, sd_clock_now(), token,
                       expires_at);
    SD_ENSURE(rc == SD_OK || rc == SD_E_UNAUTH || rc == SD_E_DENIED, rc);
    SD_TRY(audit_user(d, t, who, request_id, rc == SD_OK ? "auth.login" : "auth.login_failed",
                      who, rc == SD_OK ? NULL : rc == SD_E_DENIED ? "locked or disabled"
                                                                 : "bad credentials"));
    if(rc == SD_OK) {
        SD_TRY(sd_user_get(t, name, &u));
        *roles = u.roles;
    }
    SD_TRY(sd_txn_commit(t));
    t = NULL;
    err = rc;
out:
    if(err != SD_OK)
        sodium_memzero(token, 65);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_logout(struct sd_desk *d, const struct sd_actor *a, const char *token)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_auth_logout(t, token));
    SD_TRY(audit_user(d, t, a->name, a->request_id, "auth.logout", a->name, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_user_add(struct sd_desk *d, const struct sd_actor *a, const char *name, unsigned roles,
                 bool no_totp, const char *cert_fingerprint, char password[129],
                 char totp_uri[256])
{
    struct sd_txn *t = NULL;
    char rnames[96];
    sd_err err = SD_OK;

    SD_TRY(sd_actor_check(a));
    /* Direct creation is the local operator's bootstrap; everyone else goes through the
     * maker-checker requests of user_admin.c (issue 13). */
    SD_ENSURE(a->roles & SD_ROLE_SYSTEM, SD_E_DENIED);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_user_add(t, d->kr, name, roles, no_totp, cert_fingerprint, password, totp_uri));
    SD_TRY(sd_user_set_creator(t, name, a->name, NULL));
    sd_roles_format(rnames, sizeof(rnames), roles);
    SD_TRY(audit_user(d, t, a->name, a->request_id, "user.add", name, rnames));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(err != SD_OK) {
        sodium_memzero(password, 129);
        sodium_memzero(totp_uri, 256);
    }
    sd_txn_abort(t);
    return err;
}

static sd_err
user_change(struct sd_desk *d, const struct sd_actor *a, const char *name, int what,
            struct sd_user *out)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    if(what == 2)
        SD_TRY(sd_user_revoke_sessions(t, name, sd_clock_now()));
    else
        SD_TRY(sd_user_set_disabled(t, name, what == 1));
    SD_TRY(audit_user(d, t, a->name, a->request_id,
                      what == 2 ? "user.revoke_sessions" : what ? "user.disable" : "user.enable",
                      name, NULL));
    SD_TRY(sd_user_get(t, name, out));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_user_set_disabled(struct sd_desk *d, const struct sd_actor *a, const char *name,
                          bool disabled, struct sd_user *out)
{
    return user_change(d, a, name, disabled ? 1 : 0, out);
}

sd_err
sd_desk_user_revoke(struct sd_desk *d, const struct sd_actor *a, const char *name,
                    struct sd_user *out)
{
    return user_change(d, a, name, 2, out);
}

sd_err
sd_desk_user_list(struct sd_desk *d, struct sd_user **out, size_t *n)
{
    struct sd_txn *t = NULL;
    sd_err err = sd_txn_begin(d->store, false, &t);

    if(err == SD_OK)
        err = sd_user_list(t, out, n);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_sessions_invalidate(struct sd_desk *d, const struct sd_actor *a, const char *reason,
                            uint64_t *n)
{
    struct sd_txn *t = NULL;
    struct sd_audit_rec r;
    char detail[SD_MAX_REASON + 32];
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && n);
    SD_TRY(sd_actor_check(a));
    SD_CHECK_ARG(!reason || strnlen(reason, SD_MAX_REASON + 1) <= SD_MAX_REASON);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_session_purge_all(t, n));
    snprintf(detail, sizeof(detail), "%s; sessions=%llu", reason ? reason : "invalidate",
             (unsigned long long)*n);
    r = (struct sd_audit_rec){.actor = a->name, .action = "sessions.invalidate_all",
                              .target = "sessions", .request_id = a->request_id,
                              .reason = detail};
    SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_user_offboard(struct sd_desk *d, const struct sd_actor *a, const char *name,
                      struct sd_user *out, uint64_t **ids, size_t *n)
{
    struct sd_txn *t = NULL;
    char reason[48];
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && name && out && ids && n);
    *ids = NULL;
    *n = 0;
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    /* disabling also ends every session of the user */
    SD_TRY(sd_user_set_disabled(t, name, true));
    SD_TRY(sd_user_revoke_sessions(t, name, sd_clock_now()));
    SD_TRY(sd_ticket_requeue_all_in(d, t, a, name, ids, n));
    snprintf(reason, sizeof(reason), "requeued=%zu", *n);
    SD_TRY(audit_user(d, t, a->name, a->request_id, "user.offboard", name, reason));
    SD_TRY(sd_user_get(t, name, out));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(err != SD_OK) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    sd_txn_abort(t);
    return err;
}

/* ---- password change: the Argon2id work outside the write txn ---- */

_Static_assert(sizeof(((struct sd_passwd_prep *)0)->name) == SD_USER_NAME_MAX + 1, "name");
_Static_assert(sizeof(((struct sd_passwd_prep *)0)->cur_hash) == SD_PWHASH_BYTES, "hash");

void
sd_passwd_prep_clear(struct sd_passwd_prep *p)
{
    if(p)
        sodium_memzero(p, sizeof(*p));
}

sd_err
sd_desk_passwd_prepare(struct sd_desk *d, const char *name, const char *old_password,
                       const char *new_password, struct sd_passwd_prep *out, const char **why)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    *why = NULL;
    memset(out, 0, sizeof(*out));
    SD_CHECK_ARG(d && name && old_password && new_password);
    SD_CHECK_ARG(strnlen(old_password, SD_PASSWORD_MAX + 1) <= SD_PASSWORD_MAX);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_user_password_get(t, name, out->cur_hash));
    sd_txn_abort(t);
    t = NULL;
    snprintf(out->name, sizeof(out->name), "%s", name);
    if(!sd_password_verify(out->cur_hash, old_password)) {
        *why = "old_password: does not match";
        SD_ENSURE(0, SD_E_UNAUTH);
    }
    SD_TRY(sd_password_rules(name, old_password, new_password, why));
    SD_TRY(sd_password_hash(out->new_hash, new_password));
out:
    if(err != SD_OK)
        sd_passwd_prep_clear(out);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_passwd_commit(struct sd_desk *d, const struct sd_actor *a,
                      const struct sd_passwd_prep *p)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && p && p->name[0] && p->new_hash[0]);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_user_password_set(t, p->name, p->cur_hash, p->new_hash, sd_clock_now()));
    SD_TRY(audit_user(d, t, a->name, a->request_id, "user.passwd", p->name,
                      "sessions ended"));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_user_passwd(struct sd_desk *d, const struct sd_actor *a, const char *name,
                    const char *old_password, const char *new_password, const char **why)
{
    struct sd_passwd_prep p;
    sd_err err = sd_desk_passwd_prepare(d, name, old_password, new_password, &p, why);

    if(err == SD_OK)
        err = sd_desk_passwd_commit(d, a, &p);
    sd_passwd_prep_clear(&p);
    return err;
}
