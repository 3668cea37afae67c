/* Admin service, maker-checker part (ops/user_admin.c): role changes and TOTP resets are
 * requests; another security admin lists, approves or rejects them. Admin/AddUser (dispatch.c)
 * makes the same kind of request. An approval's answer carries the new password / TOTP URI
 * once, to the approver; they are wiped from memory after the reply is packed. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "dispatch_int.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/clock.h"
#include "sealdesk/user_admin.h"

struct info_bufs {
    char roles[96], requested[32], expires[32], decided[32];
};

static void
info_fill(Sealdesk__V1__UserRequestInfo *pb, struct sd_uadm *u, struct info_bufs *b)
{
    sealdesk__v1__user_request_info__init(pb);
    sd_roles_format(b->roles, sizeof(b->roles), u->roles);
    sd_time_format(b->requested, sizeof(b->requested), u->requested_at);
    sd_time_format(b->expires, sizeof(b->expires), u->expires_at);
    sd_time_format(b->decided, sizeof(b->decided), u->decided_at);
    pb->id = u->id;
    pb->kind = (char *)sd_uadm_kind_name(u->kind);
    pb->name = u->name;
    pb->roles = b->roles;
    pb->requester = u->requester;
    pb->requested_at = b->requested;
    pb->expires_at = b->expires;
    pb->state = (char *)sd_uadm_state_name(u->state);
    pb->decided_by = u->decided_by;
    pb->decided_at = b->decided;
    pb->reason = u->reason;
}

static void
reply_info(struct sd_rpc_call *c, sd_err err, const char *why, struct sd_uadm *u, char *password,
           char *uri)
{
    Sealdesk__V1__UserRequestInfo pb;
    struct info_bufs b;

    if(err != SD_OK) {
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s", why ? why : sd_err_str(err));
        return;
    }
    info_fill(&pb, u, &b);
    pb.password = password ? password : (char *)"";
    pb.totp_uri = uri ? uri : (char *)"";
    sd_rpc_reply(c, &pb.base);
}

static void
users_set_roles(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__SetUserRolesRequest, sealdesk__v1__set_user_roles_request, q);
    struct sd_uadm_new in = {0};
    struct sd_uadm u;
    char pw[SD_PASSWORD_MAX + 1], uri[256];
    const char *why = NULL;
    sd_err err;

    in.kind = SD_UADM_ROLES;
    in.name = q->name;
    if(sd_roles_parse(&in.roles, q->roles) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "roles: unknown role");
        goto out;
    }
    err = sd_uadm_request(x->d, &x->actor, &in, &u, pw, uri, &why);
    reply_info(c, err, why, &u, NULL, NULL);
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(uri, sizeof(uri));
out:
    sealdesk__v1__set_user_roles_request__free_unpacked(q, NULL);
}

static void
users_reset_totp(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ResetTotpRequest, sealdesk__v1__reset_totp_request, q);
    struct sd_uadm_new in = {0};
    struct sd_uadm u;
    char pw[SD_PASSWORD_MAX + 1], uri[256];
    const char *why = NULL;
    sd_err err;

    in.kind = SD_UADM_RESET_TOTP;
    in.name = q->name;
    err = sd_uadm_request(x->d, &x->actor, &in, &u, pw, uri, &why);
    reply_info(c, err, why, &u, NULL, NULL);
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(uri, sizeof(uri));
    sealdesk__v1__reset_totp_request__free_unpacked(q, NULL);
}

static void
users_approve(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__UserRequestId, sealdesk__v1__user_request_id, q);
    struct sd_uadm u;
    char pw[SD_PASSWORD_MAX + 1], uri[256];
    const char *why = NULL;
    sd_err err;

    err = sd_uadm_approve(x->d, &x->actor, q->id, &u, pw, uri, &why);
    reply_info(c, err, why, &u, pw, uri);
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(uri, sizeof(uri));
    sealdesk__v1__user_request_id__free_unpacked(q, NULL);
}

static void
users_reject(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RejectUserRequestRequest, sealdesk__v1__reject_user_request_request,
                  q);
    struct sd_uadm u;
    const char *why = NULL;
    sd_err err;

    err = sd_uadm_reject(x->d, &x->actor, q->id, q->reason, &u, &why);
    reply_info(c, err, why, &u, NULL, NULL);
    sealdesk__v1__reject_user_request_request__free_unpacked(q, NULL);
}

static void
users_list_requests(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ListUserRequestsRequest, sealdesk__v1__list_user_requests_request,
                  q);
    Sealdesk__V1__UserRequestList pb = SEALDESK__V1__USER_REQUEST_LIST__INIT;
    struct sd_arena a = {0};
    struct sd_uadm *items = NULL;
    enum sd_uadm_state st = 0;
    const char *why = NULL;
    size_t n = 0;
    sd_err err;

    if(!sd_rpc_empty(q->state) && sd_uadm_state_parse(&st, q->state) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT,
                           "state: pending, done, rejected or expired");
        goto out;
    }
    err = sd_uadm_list(x->d, &x->actor, (int)st, &items, &n, &why);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.requests = sd_arena_alloc(&a, (n + 1) * sizeof(*pb.requests));
        err = pb.requests ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__UserRequestInfo *m = sd_arena_alloc(&a, sizeof(*m));
        struct info_bufs *b = sd_arena_alloc(&a, sizeof(*b));

        if(!m || !b) {
            err = SD_E_NOMEM;
            break;
        }
        info_fill(m, &items[i], b);
        pb.requests[pb.n_requests++] = m;
    }
    if(err != SD_OK)
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s", why ? why : sd_err_str(err));
    else
        sd_rpc_reply(c, &pb.base);
    sd_arena_free(&a);
    free(items);
out:
    sealdesk__v1__list_user_requests_request__free_unpacked(q, NULL);
}

const struct sd_rpc_method sd_rpc_methods_users[] = {
    {"/sealdesk.v1.Admin/SetUserRoles", users_set_roles, SD_OP_USER_ADMIN, false},
    {"/sealdesk.v1.Admin/ResetTotp", users_reset_totp, SD_OP_USER_ADMIN, false},
    {"/sealdesk.v1.Admin/ListUserRequests", users_list_requests, SD_OP_USER_ADMIN, false},
    {"/sealdesk.v1.Admin/ApproveUserRequest", users_approve, SD_OP_USER_ADMIN, false},
    {"/sealdesk.v1.Admin/RejectUserRequest", users_reject, SD_OP_USER_ADMIN, false},
};
const size_t sd_rpc_methods_users_n =
    sizeof(sd_rpc_methods_users) / sizeof(sd_rpc_methods_users[0]);
