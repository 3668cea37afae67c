/* sealctl user requests|approve|reject|roles|reset-totp: user administration under
 * maker-checker (ops/user_admin.c), offline and online with the same JSON. `user roles` and
 * `user reset-totp` (and, online, `user add`) make a request; another security admin runs
 * `user approve --request N` and receives the new password / TOTP URI once, to hand over. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/user_admin.h"

static json_t *
jtime(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

/* One request as JSON; password / totp_uri only when given (an approval's answer). */
static json_t *
json_req(uint64_t id, const char *kind, const char *name, const char *roles, const char *requester,
         const char *requested_at, const char *expires_at, const char *state,
         const char *decided_by, const char *decided_at, const char *reason, const char *password,
         const char *uri)
{
    json_t *o = json_object();

    json_object_set_new(o, "request_id", json_integer((json_int_t)id));
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "roles", roles && roles[0] ? json_string(roles) : json_null());
    json_object_set_new(o, "requester", json_string(requester));
    json_object_set_new(o, "requested_at", jtime(requested_at));
    json_object_set_new(o, "expires_at", jtime(expires_at));
    json_object_set_new(o, "state", json_string(state));
    json_object_set_new(o, "decided_by",
                        decided_by && decided_by[0] ? json_string(decided_by) : json_null());
    json_object_set_new(o, "decided_at", jtime(decided_at));
    if(reason && reason[0])
        json_object_set_new(o, "reason", json_string(reason));
    if(password && password[0])
        json_object_set_new(o, "password", json_string(password));
    if(uri && uri[0])
        json_object_set_new(o, "totp_uri", json_string(uri));
    return o;
}

static json_t *
json_uadm(const struct sd_uadm *u, const char *password, const char *uri)
{
    char roles[96], rq[32], ex[32], dc[32];

    sd_roles_format(roles, sizeof(roles), u->roles);
    sd_time_format(rq, sizeof(rq), u->requested_at);
    sd_time_format(ex, sizeof(ex), u->expires_at);
    sd_time_format(dc, sizeof(dc), u->decided_at);
    return json_req(u->id, sd_uadm_kind_name(u->kind), u->name, roles, u->requester, rq, ex,
                    sd_uadm_state_name(u->state), u->decided_by, u->decided_at ? dc : "", u->reason,
                    password, uri);
}

static json_t *
json_pb(const Sealdesk__V1__UserRequestInfo *p)
{
    return json_req(p->id, p->kind, p->name, p->roles, p->requester, p->requested_at, p->expires_at,
                    p->state, p->decided_by, p->decided_by[0] ? p->decided_at : "", p->reason,
                    p->password, p->totp_uri);
}

struct uq {
    const char *sub, *name, *reason;
    uint64_t id;
    unsigned roles;
    enum sd_uadm_state state;
};

/* -1: not one of these subcommands; else 0 ok or the exit code. */
static int
parse(struct cli *c, int argc, char **argv, struct uq *q)
{
    memset(q, 0, sizeof(*q));
    q->sub = argc ? argv[0] : "";
    if(strcmp(q->sub, "requests") == 0) {
        if(c->n_pos)
            return cli_usage("user requests [--state pending|done|rejected|expired]");
        if(cli_get(c, "state") && sd_uadm_state_parse(&q->state, cli_get(c, "state")) != SD_OK)
            return cli_fail(SD_E_INVALID, "state: pending, done, rejected or expired");
        return 0;
    }
    if(strcmp(q->sub, "approve") == 0 || strcmp(q->sub, "reject") == 0) {
        if(c->n_pos || !cli_parse_id(cli_get(c, "request"), &q->id) ||
           (q->sub[0] == 'r' && !cli_get(c, "reason")))
            return cli_usage("user approve --request N | user reject --request N --reason R");
        q->reason = cli_get(c, "reason");
        return 0;
    }
    if(strcmp(q->sub, "roles") == 0 || strcmp(q->sub, "reset-totp") == 0) {
        if(c->n_pos || !cli_get(c, "name") || (q->sub[1] == 'o' && !cli_get(c, "role")))
            return cli_usage("user roles --name N --role R[,R...] | user reset-totp --name N");
        if(q->sub[1] == 'o' && sd_roles_parse(&q->roles, cli_get(c, "role")) != SD_OK)
            return cli_fail(SD_E_INVALID, "roles are agent, supervisor, compliance, "
                                          "security_admin, auditor");
        q->name = cli_get(c, "name");
        return 0;
    }
    return -1;
}

int
cmd_user_admin_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv)
{
    char pw[SD_PASSWORD_MAX + 1] = "", uri[256] = "";
    const char *why = NULL;
    struct sd_uadm u;
    struct uq q;
    json_t *j;
    int rc = parse(c, argc, argv, &q);
    sd_err err;

    if(rc)
        return rc;
    if(strcmp(q.sub, "requests") == 0) {
        struct sd_uadm *items = NULL;
        size_t n = 0;

        err = sd_uadm_list(d, a, (int)q.state, &items, &n, &why);
        if(err != SD_OK)
            return cli_refuse(err, why, "user requests");
        j = json_array();
        for(size_t i = 0; i < n; i++)
            json_array_append_new(j, json_uadm(&items[i], NULL, NULL));
        free(items);
        return cli_emit(c, j);
    }
    if(strcmp(q.sub, "approve") == 0) {
        err = sd_uadm_approve(d, a, q.id, &u, pw, uri, &why);
    } else if(strcmp(q.sub, "reject") == 0) {
        err = sd_uadm_reject(d, a, q.id, q.reason, &u, &why);
    } else {
        struct sd_uadm_new in = {q.sub[1] == 'o' ? SD_UADM_ROLES : SD_UADM_RESET_TOTP, q.name,
                                 q.roles, false, NULL};

        err = sd_uadm_request(d, a, &in, &u, pw, uri, &why);
    }
    if(err != SD_OK)
        return cli_refuse(err, why, q.sub);
    j = json_uadm(&u, pw, uri);
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(uri, sizeof(uri));
    return cli_emit(c, j);
}

static json_t *
pb_requests(const ProtobufCMessage *m)
{
    const Sealdesk__V1__UserRequestList *l = (const Sealdesk__V1__UserRequestList *)m;
    json_t *j = json_array();

    for(size_t i = 0; i < l->n_requests; i++)
        json_array_append_new(j, json_pb(l->requests[i]));
    return j;
}

static const struct cli_view requests_view = {&sealdesk__v1__user_request_list__descriptor,
                                              pb_requests, NULL, NULL, SD_OK};

int
cmd_user_admin_online(struct cli *c, int argc, char **argv)
{
    struct cli_reply r = CLI_REPLY(sealdesk__v1__user_request_info__descriptor);
    struct uq q;
    int rc = parse(c, argc, argv, &q);

    if(rc)
        return rc;
    if(strcmp(q.sub, "requests") == 0) {
        Sealdesk__V1__ListUserRequestsRequest m = SEALDESK__V1__LIST_USER_REQUESTS_REQUEST__INIT;

        m.state = (char *)(q.state ? sd_uadm_state_name(q.state) : "");
        return cli_call_view(c, "/sealdesk.v1.Admin/ListUserRequests", &m.base, &requests_view);
    }
    if(strcmp(q.sub, "approve") == 0) {
        Sealdesk__V1__UserRequestId m = SEALDESK__V1__USER_REQUEST_ID__INIT;

        m.id = q.id;
        rc = cli_call(c, "/sealdesk.v1.Admin/ApproveUserRequest", &m.base, &r);
    } else if(strcmp(q.sub, "reject") == 0) {
        Sealdesk__V1__RejectUserRequestRequest m = SEALDESK__V1__REJECT_USER_REQUEST_REQUEST__INIT;

        m.id = q.id;
        m.reason = (char *)q.reason;
        rc = cli_call(c, "/sealdesk.v1.Admin/RejectUserRequest", &m.base, &r);
    } else if(strcmp(q.sub, "roles") == 0) {
        Sealdesk__V1__SetUserRolesRequest m = SEALDESK__V1__SET_USER_ROLES_REQUEST__INIT;
        char roles[96];

        sd_roles_format(roles, sizeof(roles), q.roles);
        m.name = (char *)q.name;
        m.roles = roles;
        rc = cli_call(c, "/sealdesk.v1.Admin/SetUserRoles", &m.base, &r);
    } else {
        Sealdesk__V1__ResetTotpRequest m = SEALDESK__V1__RESET_TOTP_REQUEST__INIT;

        m.name = (char *)q.name;
        rc = cli_call(c, "/sealdesk.v1.Admin/ResetTotp", &m.base, &r);
    }
    if(!rc) {
        Sealdesk__V1__UserRequestInfo *p = (Sealdesk__V1__UserRequestInfo *)r.msg;

        rc = cli_emit(c, json_pb(p));
        sodium_memzero(p->password, strlen(p->password));
        sodium_memzero(p->totp_uri, strlen(p->totp_uri));
    }
    cli_reply_free(&r);
    return rc;
}
