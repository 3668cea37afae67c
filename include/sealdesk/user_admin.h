/* sealdesk user administration under maker-checker (issue 13): creating a user, changing a
 * user's roles and resetting a user's TOTP are asked for by one security admin and carried out
 * only when a different security admin approves. The approver receives the new password and
 * TOTP URI once, in the approval's answer, to hand them over; they are never logged or stored
 * in the clear. The local operator (`sealctl --offline`, SD_ROLE_SYSTEM) bootstraps: its
 * requests are carried out at once and recorded as made by it.
 *
 * Requests live in the remedies table ('A' | u64 id, UserAdminRecord); every call is one txn
 * with its audit entries ("user.request", "user.approve" plus the change itself: "user.add",
 * "user.roles", "user.reset_totp"; "user.reject"). Refusals set *why to a static, PII-free
 * sentence like the remedies do. Thread-safe. */
#ifndef SEALDESK_USER_ADMIN_H
#define SEALDESK_USER_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/err.h"

struct sd_desk;

#define SD_UADM_EXPIRY 86400 /* a request not decided within 24 h lapses */

enum sd_uadm_kind {
    SD_UADM_ADD = 1,
    SD_UADM_ROLES,
    SD_UADM_RESET_TOTP,
    SD_UADM_KIND_COUNT
};
enum sd_uadm_state {
    SD_UADM_PENDING = 1,
    SD_UADM_DONE,
    SD_UADM_REJECTED,
    SD_UADM_EXPIRED,
    SD_UADM_STATE_COUNT
};

/* "add", "roles", "reset_totp"; "pending", "done", "rejected", "expired" (static). */
const char *sd_uadm_kind_name(enum sd_uadm_kind k);
const char *sd_uadm_state_name(enum sd_uadm_state s);
sd_err sd_uadm_state_parse(enum sd_uadm_state *out, const char *s);

struct sd_uadm_new {
    enum sd_uadm_kind kind;
    const char *name;             /* the user concerned */
    unsigned roles;               /* add, roles: the (new) role set */
    bool no_totp;                 /* add */
    const char *cert_fingerprint; /* add; may be NULL */
};

/* A request as shown (plain data). */
struct sd_uadm {
    uint64_t id;
    enum sd_uadm_kind kind;
    char name[SD_USER_NAME_MAX + 1];
    unsigned roles;
    char requester[SD_MAX_AGENT + 1];
    uint64_t requested_at, expires_at; /* state shows expiry at once */
    enum sd_uadm_state state;
    char decided_by[SD_MAX_AGENT + 1];
    uint64_t decided_at;
    char reason[SD_MAX_REASON + 1];
};

/* Ask for a change. Callers: security_admin (or system). SD_E_INVALID bad name/roles or
 * no_totp for a role needing TOTP ("name: ...", "roles: ..."); SD_E_CONFLICT "user exists"
 * (add); SD_E_NOTFOUND "no such user" (roles, reset_totp). A system actor's request is carried
 * out at once (state done) and password/totp_uri are filled as on approval; otherwise they are
 * "". password (129) and totp_uri (256) are wiped by the caller. */
sd_err sd_uadm_request(struct sd_desk *d, const struct sd_actor *a, const struct sd_uadm_new *in,
                       struct sd_uadm *out, char password[SD_PASSWORD_MAX + 1], char totp_uri[256],
                       const char **why);

/* Approve and carry out request id. The approver must be a security admin other than the
 * requester and other than the user concerned, enabled in the users table (or system):
 * SD_E_DENIED otherwise; SD_E_PRECONDITION when no longer pending (an expiry found here is
 * persisted); SD_E_NOTFOUND. password/totp_uri as sd_uadm_request. */
sd_err sd_uadm_approve(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                       struct sd_uadm *out, char password[SD_PASSWORD_MAX + 1], char totp_uri[256],
                       const char **why);

/* Reject with a reason (1..SD_MAX_REASON bytes of text). Same approver rules, except that the
 * requester may withdraw their own request. */
sd_err sd_uadm_reject(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *reason,
                      struct sd_uadm *out, const char **why);

/* Requests newest first, only those in `state` when state != 0. *out is malloc'ed (free()). */
sd_err sd_uadm_list(struct sd_desk *d, const struct sd_actor *a, int state, struct sd_uadm **out,
                    size_t *n, const char **why);

#endif
