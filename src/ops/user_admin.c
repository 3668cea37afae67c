/* User administration under maker-checker (issue 13): add a user, change roles, reset TOTP are
 * requests one security admin makes and another approves; approval carries the change out in
 * the same txn as the request's new state and the audit entries. Neighbours: access.c (direct
 * user operations, the offline bootstrap), authz/users.c (the records), remedy.c (the same
 * two-person rule for money; requests share its table under key prefix 'A'). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/enum.h"
#include "sealdesk/text.h"
#include "sealdesk/user_admin.h"
#include "util/err_int.h"

enum {
    PFX_USER_ADMIN = 'A'
};
#define UADM_REC_MAX 4096

static const char *const kind_names[SD_UADM_KIND_COUNT] = {
    [SD_UADM_ADD] = "add", [SD_UADM_ROLES] = "roles", [SD_UADM_RESET_TOTP] = "reset_totp"};
static const char *const state_names[SD_UADM_STATE_COUNT] = {[SD_UADM_PENDING] = "pending",
                                                             [SD_UADM_DONE] = "done",
                                                             [SD_UADM_REJECTED] = "rejected",
                                                             [SD_UADM_EXPIRED] = "expired"};

const char *
sd_uadm_kind_name(enum sd_uadm_kind k)
{
    return sd_enum_name(kind_names, SD_ENUM_N(kind_names), (int)k);
}

const char *
sd_uadm_state_name(enum sd_uadm_state s)
{
    return sd_enum_name(state_names, SD_ENUM_N(state_names), (int)s);
}

sd_err
sd_uadm_state_parse(enum sd_uadm_state *out, const char *s)
{
    int v = 0;

    if(sd_enum_parse(state_names, SD_ENUM_N(state_names), s, &v) != SD_OK)
        return SD_E_INVALID;
    *out = (enum sd_uadm_state)v;
    return SD_OK;
}

static void
set_why(const char **why, sd_err err, const char *reason)
{
    if(why)
        *why = err == SD_OK ? NULL : reason ? reason : sd_err_str(err);
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strnlen(src, cap - 1) : 0;

    memcpy(dst, src ? src : "", n);
    dst[n] = 0;
}

static void
ukey(uint8_t k[9], uint64_t id)
{
    k[0] = PFX_USER_ADMIN;
    sd_put_u64be(k + 1, id);
}

static sd_err
rec_load(struct sd_txn *t, uint64_t id, struct sd_uadm *u, char *fp, size_t fp_cap, bool *no_totp)
{
    Sealdesk__V1__UserAdminRecord *m = NULL;
    struct sd_val v;
    uint8_t k[9];
    sd_err err = SD_OK;

    ukey(k, id);
    SD_TRY(sd_txn_get(t, SD_DB_REMEDIES, k, sizeof(k), &v));
    m = sealdesk__v1__user_admin_record__unpack(NULL, v.n, v.p);
    SD_ENSURE(m && m->id == id, SD_E_STORE);
    SD_ENSURE(m->kind >= SD_UADM_ADD && m->kind < SD_UADM_KIND_COUNT, SD_E_STORE);
    SD_ENSURE(m->state >= SD_UADM_PENDING && m->state < SD_UADM_STATE_COUNT, SD_E_STORE);
    memset(u, 0, sizeof(*u));
    u->id = m->id;
    u->kind = (enum sd_uadm_kind)m->kind;
    copy_str(u->name, sizeof(u->name), m->name);
    u->roles = m->roles;
    copy_str(u->requester, sizeof(u->requester), m->requester);
    u->requested_at = m->requested_at;
    u->expires_at = m->expires_at;
    u->state = (enum sd_uadm_state)m->state;
    copy_str(u->decided_by, sizeof(u->decided_by), m->decided_by);
    u->decided_at = m->decided_at;
    copy_str(u->reason, sizeof(u->reason), m->reason);
    if(fp)
        copy_str(fp, fp_cap, m->cert_fingerprint);
    if(no_totp)
        *no_totp = m->no_totp;
out:
    if(m)
        sealdesk__v1__user_admin_record__free_unpacked(m, NULL);
    return err;
}

static sd_err
rec_store(struct sd_txn *t, const struct sd_uadm *u, bool no_totp, const char *fp,
          uint8_t digest[32])
{
    Sealdesk__V1__UserAdminRecord m = SEALDESK__V1__USER_ADMIN_RECORD__INIT;
    uint8_t buf[UADM_REC_MAX], k[9];
    size_t n;

    m.id = u->id;
    m.kind = (uint32_t)u->kind;
    m.name = (char *)u->name;
    m.roles = u->roles;
    m.no_totp = no_totp;
    m.cert_fingerprint = (char *)(fp ? fp : "");
    m.requester = (char *)u->requester;
    m.requested_at = u->requested_at;
    m.expires_at = u->expires_at;
    m.state = (uint32_t)u->state;
    m.decided_by = (char *)u->decided_by;
    m.decided_at = u->decided_at;
    m.reason = (char *)u->reason;
    n = sealdesk__v1__user_admin_record__get_packed_size(&m);
    if(n > sizeof(buf))
        return SD_E_LIMIT;
    sealdesk__v1__user_admin_record__pack(&m, buf);
    sd_sha256(digest, buf, n);
    ukey(k, u->id);
    return sd_txn_put(t, SD_DB_REMEDIES, k, sizeof(k), buf, n);
}

static sd_err
audit(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const char *action,
      const char *user, const uint8_t *digest, const char *reason)
{
    char target[SD_USER_NAME_MAX + 8];
    struct sd_audit_rec r;

    snprintf(target, sizeof(target), "user:%s", user);
    r = (struct sd_audit_rec){.actor = a->name,
                              .action = action,
                              .target = target,
                              .request_id = a->request_id,
                              .reason = reason,
                              .digest = digest};
    return sd_audit_append(t, d->kr, &r, NULL);
}

/* Carry out u in txn t; secrets for the approver into password/totp_uri. */
static sd_err
apply(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const struct sd_uadm *u,
      bool no_totp, const char *fp, char password[SD_PASSWORD_MAX + 1], char totp_uri[256],
      const char **reason)
{
    char rnames[96];
    sd_err err = SD_OK;

    sd_roles_format(rnames, sizeof(rnames), u->roles);
    switch(u->kind) {
    case SD_UADM_ADD:
        err = sd_user_add(t, d->kr, u->name, u->roles, no_totp, fp && fp[0] ? fp : NULL, password,
                          totp_uri);
        if(err == SD_E_CONFLICT)
            *reason = "user exists";
        SD_TRY(err);
        SD_TRY(sd_user_set_creator(t, u->name, u->requester,
                                   sd_actor_same_person(u->requester, a->name) ? NULL : a->name));
        SD_TRY(audit(d, t, a, "user.add", u->name, NULL, rnames));
        break;
    case SD_UADM_ROLES:
        err = sd_user_set_roles(t, u->name, u->roles);
        if(err == SD_E_INVALID)
            *reason = "roles: supervisor, compliance and security_admin need TOTP (reset it "
                      "first)";
        if(err == SD_E_NOTFOUND)
            *reason = "no such user";
        SD_TRY(err);
        SD_TRY(audit(d, t, a, "user.roles", u->name, NULL, rnames));
        break;
    case SD_UADM_RESET_TOTP:
        err = sd_user_reset_totp(t, d->kr, u->name, totp_uri);
        if(err == SD_E_NOTFOUND)
            *reason = "no such user";
        SD_TRY(err);
        SD_TRY(audit(d, t, a, "user.reset_totp", u->name, NULL, NULL));
        break;
    default:
        SD_ENSURE(0, SD_E_INTERNAL);
    }
out:
    return err;
}

sd_err
sd_uadm_request(struct sd_desk *d, const struct sd_actor *a, const struct sd_uadm_new *in,
                struct sd_uadm *out, char password[SD_PASSWORD_MAX + 1], char totp_uri[256],
                const char **why)
{
    struct sd_txn *t = NULL;
    struct sd_uadm u;
    struct sd_user existing;
    const char *reason = NULL;
    uint8_t digest[32];
    char rnames[96];
    uint64_t now = sd_clock_now();
    bool system;
    sd_err err = SD_OK, rc;

    password[0] = 0;
    totp_uri[0] = 0;
    memset(&u, 0, sizeof(u));
    SD_CHECK_ARG(d && in);
    SD_TRY(sd_actor_check(a));
    system = (a->roles & SD_ROLE_SYSTEM) != 0;
    if(!(a->roles & (SD_ROLE_SECURITY_ADMIN | SD_ROLE_SYSTEM))) {
        reason = "user administration needs security_admin";
        SD_ENSURE(0, SD_E_DENIED);
    }
    if(!(in->kind >= SD_UADM_ADD && in->kind < SD_UADM_KIND_COUNT)) {
        reason = "unknown user request kind";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(!sd_user_name_ok(in->name)) {
        reason = "name: 1 to 64 of letters, digits, '.', '_', '-', '@'";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(in->kind != SD_UADM_RESET_TOTP && (!in->roles || (in->roles & ~SD_ROLES_USER_MASK))) {
        reason = "roles: agent, supervisor, compliance, security_admin, auditor";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(in->kind == SD_UADM_ADD && in->no_totp && sd_roles_need_totp(in->roles)) {
        reason = "no_totp: supervisor, compliance and security_admin need TOTP";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(in->kind == SD_UADM_ADD && in->cert_fingerprint && in->cert_fingerprint[0] &&
       strlen(in->cert_fingerprint) != 64) {
        reason = "cert_fingerprint: 64 hex digits (SHA-256)";
        SD_ENSURE(0, SD_E_INVALID);
    }
    u.kind = in->kind;
    copy_str(u.name, sizeof(u.name), in->name);
    u.roles = in->kind == SD_UADM_RESET_TOTP ? 0 : in->roles;
    copy_str(u.requester, sizeof(u.requester), a->name);
    u.requested_at = now;
    u.expires_at = now + SD_UADM_EXPIRY;
    u.state = SD_UADM_PENDING;

    SD_TRY(sd_txn_begin(d->store, true, &t));
    rc = sd_user_get(t, in->name, &existing);
    if(in->kind == SD_UADM_ADD && rc == SD_OK) {
        reason = "user exists";
        SD_ENSURE(0, SD_E_CONFLICT);
    }
    if(in->kind != SD_UADM_ADD && rc == SD_E_NOTFOUND)
        reason = "no such user";
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_ENSURE(in->kind == SD_UADM_ADD || rc == SD_OK, rc);
    if(in->kind == SD_UADM_ROLES && !existing.totp && sd_roles_need_totp(in->roles)) {
        reason = "roles: supervisor, compliance and security_admin need TOTP (reset it first)";
        SD_ENSURE(0, SD_E_INVALID);
    }
    SD_TRY(sd_meta_next(t, "next_user_request", &u.id));
    if(system) {
        /* The local operator bootstraps: carried out at once, recorded as made by it. */
        u.state = SD_UADM_DONE;
        copy_str(u.decided_by, sizeof(u.decided_by), a->name);
        u.decided_at = now;
    }
    SD_TRY(rec_store(t, &u, in->no_totp, in->cert_fingerprint, digest));
    sd_roles_format(rnames, sizeof(rnames), u.roles);
    SD_TRY(audit(d, t, a, "user.request", u.name, digest, sd_uadm_kind_name(u.kind)));
    if(system)
        SD_TRY(apply(d, t, a, &u, in->no_totp, in->cert_fingerprint, password, totp_uri, &reason));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(out)
        *out = u;
out:
    if(err != SD_OK) {
        sodium_memzero(password, SD_PASSWORD_MAX + 1);
        sodium_memzero(totp_uri, 256);
    }
    sd_txn_abort(t);
    set_why(why, err, reason);
    return err;
}

/* The checker: a security admin (enabled, per the users table) who is neither the requester
 * nor the user concerned; the local operator may check anything it did not request. */
static sd_err
check_checker(struct sd_txn *t, const struct sd_actor *a, const struct sd_uadm *u, bool approving,
              const char **reason)
{
    struct sd_user me;
    sd_err err = SD_OK, rc;

    if(!(a->roles & (SD_ROLE_SECURITY_ADMIN | SD_ROLE_SYSTEM))) {
        *reason = "user administration needs security_admin";
        SD_ENSURE(0, SD_E_DENIED);
    }
    if(sd_actor_same_person(a->name, u->requester)) {
        if(approving) {
            *reason = "the requester cannot approve their own user request";
            SD_ENSURE(0, SD_E_DENIED);
        }
        goto out; /* withdrawing one's own request is fine */
    }
    if(approving && sd_actor_same_person(a->name, u->name)) {
        *reason = "nobody approves a change to their own account";
        SD_ENSURE(0, SD_E_DENIED);
    }
    rc = sd_user_get(t, sd_actor_person(a->name), &me);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    if(rc == SD_OK && (me.disabled || !(me.roles & SD_ROLE_SECURITY_ADMIN))) {
        *reason = "the approver is not an enabled security_admin";
        SD_ENSURE(0, SD_E_DENIED);
    }
    if(rc == SD_E_NOTFOUND && !(a->roles & SD_ROLE_SYSTEM)) {
        *reason = "the approver is not an enabled security_admin";
        SD_ENSURE(0, SD_E_DENIED);
    }
out:
    return err;
}

static sd_err
decide(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *reject_reason,
       struct sd_uadm *out, char password[SD_PASSWORD_MAX + 1], char totp_uri[256],
       const char **why)
{
    struct sd_txn *t = NULL;
    struct sd_uadm u;
    char fp[65];
    bool no_totp = false, approving = reject_reason == NULL;
    const char *reason = NULL;
    uint8_t digest[32];
    uint64_t now = sd_clock_now();
    sd_err err = SD_OK;

    if(password)
        password[0] = 0;
    if(totp_uri)
        totp_uri[0] = 0;
    SD_CHECK_ARG(d);
    SD_TRY(sd_actor_check(a));
    if(!approving) {
        size_t n = strnlen(reject_reason, SD_MAX_REASON + 1);

        if(n == 0 || n > SD_MAX_REASON || !sd_text_valid(reject_reason, n)) {
            reason = "reason: 1 to 512 bytes of text";
            SD_ENSURE(0, SD_E_INVALID);
        }
    }
    SD_TRY(sd_txn_begin(d->store, true, &t));
    err = rec_load(t, id, &u, fp, sizeof(fp), &no_totp);
    if(err == SD_E_NOTFOUND)
        reason = "user request not found";
    SD_TRY(err);
    SD_TRY(check_checker(t, a, &u, approving, &reason));
    if(u.state == SD_UADM_PENDING && now >= u.expires_at) {
        /* Lapsed: persist that, and refuse. */
        u.state = SD_UADM_EXPIRED;
        SD_TRY(rec_store(t, &u, no_totp, fp, digest));
        SD_TRY(audit(d, t, a, "user.request_expire", u.name, digest, NULL));
        SD_TRY(sd_txn_commit(t));
        t = NULL;
        reason = "user request expired";
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    if(u.state != SD_UADM_PENDING) {
        reason = "user request already decided";
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    u.state = approving ? SD_UADM_DONE : SD_UADM_REJECTED;
    copy_str(u.decided_by, sizeof(u.decided_by), a->name);
    u.decided_at = now;
    if(!approving)
        copy_str(u.reason, sizeof(u.reason), reject_reason);
    SD_TRY(rec_store(t, &u, no_totp, fp, digest));
    SD_TRY(audit(d, t, a, approving ? "user.approve" : "user.reject", u.name, digest,
                 approving ? sd_uadm_kind_name(u.kind) : reject_reason));
    if(approving)
        SD_TRY(apply(d, t, a, &u, no_totp, fp, password, totp_uri, &reason));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(out)
        *out = u;
out:
    if(err != SD_OK) {
        if(password)
            sodium_memzero(password, SD_PASSWORD_MAX + 1);
        if(totp_uri)
            sodium_memzero(totp_uri, 256);
    }
    sd_txn_abort(t);
    set_why(why, err, reason);
    return err;
}

sd_err
sd_uadm_approve(struct sd_desk *d, const struct sd_actor *a, uint64_t id, struct sd_uadm *out,
                char password[SD_PASSWORD_MAX + 1], char totp_uri[256], const char **why)
{
    return decide(d, a, id, NULL, out, password, totp_uri, why);
}

sd_err
sd_uadm_reject(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *reason,
               struct sd_uadm *out, const char **why)
{
    if(!reason)
        reason = "";
    return decide(d, a, id, reason, out, NULL, NULL, why);
}

sd_err
sd_uadm_list(struct sd_desk *d, const struct sd_actor *a, int state, struct sd_uadm **out,
             size_t *n, const char **why)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    size_t cap = 0;
    uint64_t now = sd_clock_now();
    const char *reason = NULL;
    uint8_t start[9];
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(d && out && n);
    *out = NULL;
    *n = 0;
    SD_TRY(sd_actor_check(a));
    if(!(a->roles & (SD_ROLE_SECURITY_ADMIN | SD_ROLE_SYSTEM))) {
        reason = "user administration needs security_admin";
        SD_ENSURE(0, SD_E_DENIED);
    }
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_REMEDIES, &c));
    ukey(start, 0);
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        struct sd_uadm u;

        if(k.n != 9 || k.p[0] != PFX_USER_ADMIN)
            break;
        SD_TRY(rec_load(t, sd_get_u64be(k.p + 1), &u, NULL, 0, NULL));
        if(u.state == SD_UADM_PENDING && now >= u.expires_at)
            u.state = SD_UADM_EXPIRED;
        if(state && (int)u.state != state)
            continue;
        if(*n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sd_uadm *p = realloc(*out, ncap * sizeof(*p));

            SD_ENSURE(p, SD_E_NOMEM);
            *out = p;
            cap = ncap;
        }
        (*out)[(*n)++] = u;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    for(size_t i = 0; i < *n / 2; i++) { /* newest first */
        struct sd_uadm tmp = (*out)[i];

        (*out)[i] = (*out)[*n - 1 - i];
        (*out)[*n - 1 - i] = tmp;
    }
out:
    sd_cursor_close(c);
    sd_txn_abort(t);
    if(err != SD_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    set_why(why, err, reason);
    return err;
}
