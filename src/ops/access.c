/* Users and sessions at the desk level: each operation is one txn with its audit entry. Login
 * hashes the password outside any txn; failures of an existing user commit a short txn so the
 * failure counter persists; failed-login audit records are aggregated per window (below). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ops_int.h"
#include "tickets/desk_int.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "util/err_int.h"

static sd_err
audit_user(struct sd_desk *d, struct sd_txn *t, const char *actor, const char *request_id,
           const char *action, const char *user, const char *reason)
{
    char target[SD_USER_NAME_MAX + 8];
    struct sd_audit_rec r;

    snprintf(target, sizeof(target), "user:%.*s", SD_USER_NAME_MAX, user);
    r = (struct sd_audit_rec){.actor = actor,
                              .action = action,
                              .target = target,
                              .request_id = request_id,
                              .reason = reason};
    return sd_audit_append(t, d->kr, &r, NULL);
}

sd_err
sd_access_session(struct sd_desk *d, const char *token, const char *cert_fingerprint,
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

/* ---- failed logins: throttle and aggregated audit records ----
 * A failed login writes nothing per attempt (an unknown name does not even open a write txn):
 * it is counted in memory under a label, and once per audit window each label gets one
 * `auth.login_failed` entry with the count. At most LOGIN_AUDIT_LABELS labels per window; the
 * rest are summed into one "unknown:*" entry, so the log grows by a bounded amount per window
 * whatever an unauthenticated caller sends. */
#define LOGIN_AUDIT_LABELS 64
#define LOGIN_LABEL_MAX    (SD_USER_NAME_MAX + 1)

struct login_agg {
    uint64_t count;
    unsigned outcomes;           /* bit per enum sd_login_outcome seen */
    char label[LOGIN_LABEL_MAX]; /* an existing user's name, or "unknown:<keyed hash>" */
};

struct sd_login_guard {
    pthread_mutex_t mu;
    struct sd_throttle *th;
    unsigned window_s;
    uint64_t window_start;
    struct login_agg ents[LOGIN_AUDIT_LABELS];
    size_t n;
    uint64_t overflow;
};

sd_err
sd_login_guard_new(struct sd_login_guard **out, const struct sd_login_limits *l,
                   unsigned audit_window_s)
{
    struct sd_login_guard *g = NULL;
    sd_err err = SD_OK;

    *out = NULL;
    SD_CHECK_ARG(audit_window_s >= 1 && audit_window_s <= 86400);
    g = calloc(1, sizeof(*g));
    SD_ENSURE(g, SD_E_NOMEM);
    if(pthread_mutex_init(&g->mu, NULL) != 0) {
        free(g);
        g = NULL;
        SD_ENSURE(0, SD_E_NOMEM);
    }
    g->window_s = audit_window_s;
    err = sd_throttle_new(&g->th, l);
    if(err != SD_OK) {
        pthread_mutex_destroy(&g->mu);
        free(g);
        g = NULL;
        goto out;
    }
    *out = g;
out:
    return err;
}

void
sd_login_guard_free(struct sd_login_guard *g)
{
    if(!g)
        return;
    sd_throttle_free(g->th);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

sd_err
sd_access_set_login_limits(struct sd_desk *d, const struct sd_login_limits *l,
                           unsigned audit_window_s)
{
    struct sd_login_guard *g = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && l);
    SD_TRY(sd_login_guard_new(&g, l, audit_window_s));
    SD_TRY(sd_access_login_audit_flush(d));
    sd_login_guard_free(d->login);
    d->login = g;
    g = NULL;
out:
    sd_login_guard_free(g);
    return err;
}

static const char *
outcome_name(enum sd_login_outcome o)
{
    switch(o) {
    case SD_LOGIN_OK:
        return "ok";
    case SD_LOGIN_BAD:
        return "bad credentials";
    case SD_LOGIN_UNKNOWN:
        return "unknown name";
    case SD_LOGIN_LOCKED:
        return "locked";
    case SD_LOGIN_DISABLED:
        return "disabled";
    case SD_LOGIN_THROTTLED:
        return "throttled";
    }
    return "?";
}

/* The audit label of a typed name: the name of an existing user as it is, anything else (it
 * may be a password typed into the name field) as a keyed hash. */
static void
login_label(struct sd_desk *d, const char *name, bool exists, char out[LOGIN_LABEL_MAX])
{
    uint8_t h[SD_BIDX_BYTES];
    char hex[2 * 8 + 1];
    size_t n = strnlen(name, 256);

    if(exists) {
        snprintf(out, LOGIN_LABEL_MAX, "%s", name);
        return;
    }
    if(n == 0 || sd_bidx(d->kr, SD_BIDX_LOGIN, name, n, h) != SD_OK) {
        snprintf(out, LOGIN_LABEL_MAX, "unknown:*");
        return;
    }
    sodium_bin2hex(hex, sizeof(hex), h, 8);
    snprintf(out, LOGIN_LABEL_MAX, "unknown:%s", hex);
    sodium_memzero(h, sizeof(h));
}

static void
login_agg_add(struct sd_login_guard *g, const char *label, enum sd_login_outcome o)
{
    size_t i;

    pthread_mutex_lock(&g->mu);
    for(i = 0; i < g->n; i++)
        if(strcmp(g->ents[i].label, label) == 0)
            break;
    if(i == g->n && g->n < LOGIN_AUDIT_LABELS) {
        snprintf(g->ents[i].label, sizeof(g->ents[i].label), "%s", label);
        g->ents[i].count = 0;
        g->ents[i].outcomes = 0;
        g->n++;
    }
    if(i < g->n) {
        g->ents[i].count++;
        g->ents[i].outcomes |= 1u << o;
    } else {
        g->overflow++;
    }
    pthread_mutex_unlock(&g->mu);
}

/* Write the window's records in one txn (nothing when no login failed). */
static sd_err
login_flush(struct sd_desk *d, uint64_t now, bool force)
{
    struct sd_login_guard *g = d->login;
    struct login_agg ents[LOGIN_AUDIT_LABELS];
    struct sd_txn *t = NULL;
    size_t n;
    uint64_t overflow, start;
    unsigned window;
    sd_err err = SD_OK;

    if(!g)
        return SD_OK;
    pthread_mutex_lock(&g->mu);
    if(!g->window_start)
        g->window_start = now;
    if((!force && now < g->window_start + g->window_s) || (g->n == 0 && g->overflow == 0)) {
        if(now >= g->window_start + g->window_s)
            g->window_start = now;
        pthread_mutex_unlock(&g->mu);
        return SD_OK;
    }
    n = g->n;
    memcpy(ents, g->ents, n * sizeof(ents[0]));
    overflow = g->overflow;
    start = g->window_start;
    window = g->window_s;
    g->n = 0;
    g->overflow = 0;
    g->window_start = now;
    pthread_mutex_unlock(&g->mu);

    SD_TRY(sd_txn_begin(d->store, true, &t));
    for(size_t i = 0; i <= n; i++) {
        char why[160], what[96] = "";
        uint64_t count = i < n ? ents[i].count : overflow;

        if(count == 0)
            continue;
        for(int o = SD_LOGIN_BAD; i < n && o <= SD_LOGIN_THROTTLED; o++) {
            if(!(ents[i].outcomes & (1u << o)))
                continue;
            if(what[0])
                strncat(what, ",", sizeof(what) - strlen(what) - 1);
            strncat(what, outcome_name((enum sd_login_outcome)o), sizeof(what) - strlen(what) - 1);
        }
        snprintf(why, sizeof(why), "failures=%llu window_s=%llu since=%llu (%s)",
                 (unsigned long long)count,
                 (unsigned long long)(now > start ? now - start : window),
                 (unsigned long long)start, i < n ? what : "labels over the per-window cap");
        SD_TRY(audit_user(d, t, i < n ? ents[i].label : "unknown:*", NULL, "auth.login_failed",
                          i < n ? ents[i].label : "unknown:*", why));
    }
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_login_audit_tick(struct sd_desk *d)
{
    return d ? login_flush(d, sd_clock_now(), false) : SD_OK;
}

sd_err
sd_access_login_audit_flush(struct sd_desk *d)
{
    return d ? login_flush(d, sd_clock_now(), true) : SD_OK;
}

sd_err
sd_access_login_src(struct sd_desk *d, const char *source, const char *name, const char *password,
                    const char *totp, const char *cert_fingerprint, const char *request_id,
                    char token[65], uint64_t *expires_at, unsigned *roles)
{
    struct sd_txn *t = NULL;
    struct sd_user u;
    char hash[SD_PWHASH_MAX];
    char label[LOGIN_LABEL_MAX];
    enum sd_login_outcome why = SD_LOGIN_UNKNOWN;
    uint64_t now = sd_clock_now();
    bool exists, good;
    sd_err err = SD_OK, rc;

    token[0] = 0;
    hash[0] = 0;
    SD_CHECK_ARG(d && name && password);
    SD_CHECK_ARG(strnlen(password, SD_PASSWORD_MAX + 1) <= SD_PASSWORD_MAX);
    /* Records of a finished window first (one short txn per window at most). */
    SD_TRY(login_flush(d, now, false));
    /* Does the name exist? A read txn: no write lock is held for anything below but the short
     * txn that records the outcome for an existing user. */
    SD_TRY(sd_txn_begin(d->store, false, &t));
    rc = sd_auth_password_hash(t, name, hash);
    sd_txn_abort(t);
    t = NULL;
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    exists = rc == SD_OK;
    if(d->login && sd_throttle_check(d->login->th, source, name, now, NULL) != SD_OK) {
        /* Backing off: refused before any Argon2id work, the same for every name. */
        why = SD_LOGIN_THROTTLED;
        login_label(d, name, exists, label);
        login_agg_add(d->login, label, why);
        SD_ENSURE(0, SD_E_LIMIT);
    }
    /* Argon2id, outside any txn (dummy work for an unknown name: same time). */
    good = sd_auth_password_verify(exists ? hash : NULL, password);
    if(exists) {
        SD_TRY(sd_txn_begin(d->store, true, &t));
        rc = sd_auth_login_finish(t, d->kr, name, hash, good, totp, cert_fingerprint, now, token,
                                  expires_at, &why);
        SD_ENSURE(rc == SD_OK || rc == SD_E_UNAUTH, rc);
        if(rc == SD_OK) {
            SD_TRY(audit_user(d, t, name, request_id, "auth.login", name, NULL));
            SD_TRY(sd_user_get(t, name, &u));
            *roles = u.roles;
        }
        SD_TRY(sd_txn_commit(t)); /* the failure counter persists */
        t = NULL;
    }
    if(why == SD_LOGIN_OK) {
        if(d->login)
            sd_throttle_success(d->login->th, name, now);
        goto out;
    }
    if(d->login) {
        sd_throttle_fail(d->login->th, source, name, now);
        login_label(d, name, exists, label);
        login_agg_add(d->login, label, why);
    } else {
        /* No guard (cannot happen after sd_desk_open): keep the record, hashed. */
        login_label(d, name, exists, label);
        SD_TRY(sd_txn_begin(d->store, true, &t));
        SD_TRY(audit_user(d, t, label, request_id, "auth.login_failed", label, outcome_name(why)));
        SD_TRY(sd_txn_commit(t));
        t = NULL;
    }
    err = SD_E_UNAUTH;
out:
    if(err != SD_OK)
        sodium_memzero(token, 65);
    sodium_memzero(hash, sizeof(hash));
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_login(struct sd_desk *d, const char *name, const char *password, const char *totp,
                const char *cert_fingerprint, const char *request_id, char token[65],
                uint64_t *expires_at, unsigned *roles)
{
    return sd_access_login_src(d, NULL, name, password, totp, cert_fingerprint, request_id, token,
                               expires_at, roles);
}

sd_err
sd_access_logout(struct sd_desk *d, const struct sd_actor *a, const char *token)
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
sd_access_user_add(struct sd_desk *d, const struct sd_actor *a, const char *name, unsigned roles,
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
                      what == 2 ? "user.revoke_sessions"
                      : what    ? "user.disable"
                                : "user.enable",
                      name, NULL));
    SD_TRY(sd_user_get(t, name, out));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_user_set_disabled(struct sd_desk *d, const struct sd_actor *a, const char *name,
                            bool disabled, struct sd_user *out)
{
    return user_change(d, a, name, disabled ? 1 : 0, out);
}

sd_err
sd_access_user_revoke(struct sd_desk *d, const struct sd_actor *a, const char *name,
                      struct sd_user *out)
{
    return user_change(d, a, name, 2, out);
}

sd_err
sd_access_user_list(struct sd_desk *d, struct sd_user **out, size_t *n)
{
    struct sd_txn *t = NULL;
    sd_err err = sd_txn_begin(d->store, false, &t);

    if(err == SD_OK)
        err = sd_user_list(t, out, n);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_me(struct sd_desk *d, const struct sd_actor *a, struct sd_user *out)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_user_get(t, a->name, out));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_set_prefs(struct sd_desk *d, const struct sd_actor *a, const char *locale,
                    const char *time_zone, const char **field, struct sd_user *out)
{
    struct sd_txn *t = NULL;
    char reason[64 + SD_USER_TZ_MAX];
    sd_err err = SD_OK;

    if(field)
        *field = NULL;
    SD_CHECK_ARG(d && out);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_user_prefs_check(locale, time_zone, field));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_user_set_prefs(t, a->name, locale, time_zone, field));
    /* display settings, no PII: the audit reason may name them */
    snprintf(reason, sizeof(reason), "locale=%s time_zone=%s", locale,
             time_zone[0] ? time_zone : "UTC");
    SD_TRY(audit_user(d, t, a->name, a->request_id, "user.preferences", a->name, reason));
    SD_TRY(sd_user_get(t, a->name, out));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_sessions_invalidate(struct sd_desk *d, const struct sd_actor *a, const char *reason,
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
    r = (struct sd_audit_rec){.actor = a->name,
                              .action = "sessions.invalidate_all",
                              .target = "sessions",
                              .request_id = a->request_id,
                              .reason = detail};
    SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_user_offboard(struct sd_desk *d, const struct sd_actor *a, const char *name,
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
sd_access_passwd_prep_clear(struct sd_passwd_prep *p)
{
    if(p)
        sodium_memzero(p, sizeof(*p));
}

sd_err
sd_access_passwd_prepare(struct sd_desk *d, const char *name, const char *old_password,
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
        sd_access_passwd_prep_clear(out);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_passwd_commit(struct sd_desk *d, const struct sd_actor *a, const struct sd_passwd_prep *p)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && p && p->name[0] && p->new_hash[0]);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_user_password_set(t, p->name, p->cur_hash, p->new_hash, sd_clock_now()));
    SD_TRY(audit_user(d, t, a->name, a->request_id, "user.passwd", p->name, "sessions ended"));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_access_user_passwd(struct sd_desk *d, const struct sd_actor *a, const char *name,
                      const char *old_password, const char *new_password, const char **why)
{
    struct sd_passwd_prep p;
    sd_err err = sd_access_passwd_prepare(d, name, old_password, new_password, &p, why);

    if(err == SD_OK)
        err = sd_access_passwd_commit(d, a, &p);
    sd_access_passwd_prep_clear(&p);
    return err;
}
