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

/* What a maker-checker call gives back: the request, the library's reason for a refusal and,
 * for an approval, the new password / TOTP URI (wiped after the reply is packed). */
struct uadm_out {
    struct sd_uadm u;
    const char *why;
    char pw[SD_PASSWORD_MAX + 1], uri[256];
};

static void
reply_info(struct sd_rpc_call *c, sd_err err, struct uadm_out *o, bool secrets)
{
    Sealdesk__V1__UserRequestInfo pb;
    struct info_bufs b;

    if(err != SD_OK) {
        sd_rpc_refuse(c, err, o->why, NULL);
    } else {
        info_fill(&pb, &o->u, &b);
        pb.password = secrets ? o->pw : (char *)"";
        pb.totp_uri = secrets ? o->uri : (char *)"";
        sd_rpc_reply(c, &pb.base);
    }
    sodium_memzero(o->pw, sizeof(o->pw));
    sodium_memzero(o->uri, sizeof(o->uri));
}

/* Role change and TOTP reset: a request another security admin approves. */
static void
users_request(struct sd_rpc_ctx *x, struct sd_rpc_call *c, const struct sd_uadm_new *in)
{
    struct uadm_out o = {.why = NULL};
    sd_err err = sd_uadm_request(x->d, &x->actor, in, &o.u, o.pw, o.uri, &o.why);

    reply_info(c, err, &o, false);
}

static void
users_set_roles(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__SetUserRolesRequest *q = req;
    struct sd_uadm_new in = {.kind = SD_UADM_ROLES, .name = q->name};

    if(sd_roles_parse(&in.roles, q->roles) != SD_OK)
        sd_rpc_invalid(c, "roles: unknown role");
    else
        users_request(x, c, &in);
}

static void
users_reset_totp(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ResetTotpRequest *q = req;
    struct sd_uadm_new in = {.kind = SD_UADM_RESET_TOTP, .name = q->name};

    users_request(x, c, &in);
}

static void
users_approve(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__UserRequestId *q = req;
    struct uadm_out o = {.why = NULL};
    sd_err err = sd_uadm_approve(x->d, &x->actor, q->id, &o.u, o.pw, o.uri, &o.why);

    reply_info(c, err, &o, true);
}

static void
users_reject(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__RejectUserRequestRequest *q = req;
    struct uadm_out o = {.why = NULL};
    sd_err err = sd_uadm_reject(x->d, &x->actor, q->id, q->reason, &o.u, &o.why);

    reply_info(c, err, &o, false);
}

static sd_err
info_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    struct info_bufs *b = sd_arena_alloc(a, sizeof(*b));

    if(!b)
        return SD_E_NOMEM;
    info_fill(pb, (struct sd_uadm *)src + i, b); /* strings borrowed read-only */
    return SD_OK;
}

static void
users_list_requests(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ListUserRequestsRequest *q = req;
    Sealdesk__V1__UserRequestList pb = SEALDESK__V1__USER_REQUEST_LIST__INIT;
    struct sd_uadm *items = NULL;
    enum sd_uadm_state st = 0;
    const char *why = NULL;
    size_t n = 0;
    sd_err err;

    if(!sd_rpc_empty(q->state) && sd_uadm_state_parse(&st, q->state) != SD_OK) {
        sd_rpc_invalid(c, "state: pending, done, rejected or expired");
        return;
    }
    err = sd_uadm_list(x->d, &x->actor, (int)st, &items, &n, &why);
    pb.requests = sd_rpc_list(&x->a, &sealdesk__v1__user_request_info__descriptor, n, info_item,
                              items, &pb.n_requests, &err);
    if(err != SD_OK)
        sd_rpc_refuse(c, err, why, NULL);
    else
        sd_rpc_reply(c, &pb.base);
    free(items);
}

/* clang-format off: one row a method, aligned for reading */
const struct sd_rpc_method sd_rpc_methods_users[] = {
    SD_RPC_METHOD("/sealdesk.v1.Admin/SetUserRoles", sealdesk__v1__set_user_roles_request,
                  users_set_roles, SD_OP_USER_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Admin/ResetTotp", sealdesk__v1__reset_totp_request,
                  users_reset_totp, SD_OP_USER_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Admin/ListUserRequests", sealdesk__v1__list_user_requests_request,
                  users_list_requests, SD_OP_USER_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Admin/ApproveUserRequest", sealdesk__v1__user_request_id,
                  users_approve, SD_OP_USER_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Admin/RejectUserRequest", sealdesk__v1__reject_user_request_request,
                  users_reject, SD_OP_USER_ADMIN),
};
/* clang-format on */
const size_t sd_rpc_methods_users_n =
    sizeof(sd_rpc_methods_users) / sizeof(sd_rpc_methods_users[0]);
