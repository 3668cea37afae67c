/* sealctl commands over gRPC (--server HOST:PORT --ca FILE): the same options and the same
 * JSON as offline mode. Each command builds its request message, calls the server, converts the
 * reply back into the library's structs and prints it through json_out.c. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/authz.h"
#include "sealdesk/endpoints.h"
#include "sealdesk/rpc.h"

static sd_err
on_msg(void *ctx, const uint8_t *p, size_t n)
{
    struct cli_reply *r = ctx;

    if(r->streaming && r->head_desc && !r->head) {
        r->head = protobuf_c_message_unpack(r->head_desc, NULL, n, p);
        return r->head ? SD_OK : SD_E_INVALID;
    }
    if(r->streaming) {
        Sealdesk__V1__ExportChunk *ch = sealdesk__v1__export_chunk__unpack(NULL, n, p);
        sd_err err;

        if(!ch)
            return SD_E_INVALID;
        err = sd_buf_append(&r->stream, ch->data.data, ch->data.len);
        sealdesk__v1__export_chunk__free_unpacked(ch, NULL);
        return err;
    }
    if(r->msg)
        return SD_E_INVALID; /* a unary method answered twice */
    r->msg = protobuf_c_message_unpack(r->desc, NULL, n, p);
    return r->msg ? SD_OK : SD_E_INVALID;
}

/* Cluster (issue 18): --server may list endpoints "h1:p1,h2:p2,..." (sealdesk/endpoints.h).
 * A dead endpoint moves to the next; UNAVAILABLE naming a leader ("leader=<node> <host:port>")
 * retries that address (the follower did not run the call). At most MAX_HOPS attempts, a short
 * pause when the leader is not known yet (an election in progress). */
#define MAX_HOPS     12
#define HOP_PAUSE_MS 300

/* One attempt at target. *answered: a gRPC status came back (then *status, msg). */
static sd_err
call_once(struct cli *c, const char *target, const char *method, const char *const *md,
          const uint8_t *buf, size_t n, struct cli_reply *r, int *status, char *msg, size_t cap,
          bool *connected)
{
    struct sd_grpc_client_opts o = {
        .target = target, .ca_file = c->ca, .cert_file = c->cert, .key_file = c->cert_key};
    struct sd_grpc_client *cl = NULL;
    sd_err err;

    err = sd_grpc_client_connect(&cl, &o);
    *connected = err == SD_OK;
    if(err == SD_OK)
        err = sd_grpc_client_call(cl, method, md, buf, n, on_msg, r, status, msg, cap);
    sd_grpc_client_close(cl);
    return err;
}

int
cli_call(struct cli *c, const char *method, const ProtobufCMessage *req, struct cli_reply *r)
{
    char auth[600];
    const char *md[5] = {NULL};
    size_t n = protobuf_c_message_get_packed_size(req);
    uint8_t *buf = malloc(n ? n : 1);
    char msg[256] = "";
    char why[128];
    struct sd_endpoints eps;
    struct sd_follow fl;
    int status = SD_GRPC_UNKNOWN, rc = 0;
    sd_err err = SD_E_IO;
    bool connected = false;

    r->status = SD_GRPC_UNKNOWN;
    if(!buf)
        return cli_fail(SD_E_NOMEM, "request");
    if(sd_endpoints_parse(&eps, c->server, "--server", why, sizeof(why)) != SD_OK) {
        free(buf);
        return cli_usage(why);
    }
    sd_follow_init(&fl, &eps);
    protobuf_c_message_pack(req, buf);
    if(c->token) {
        snprintf(auth, sizeof(auth), "Bearer %s", c->token);
        md[0] = "authorization";
        md[1] = auth;
    }
    for(unsigned hop = 0; hop < MAX_HOPS; hop++) {
        msg[0] = 0;
        status = SD_GRPC_UNKNOWN;
        err = call_once(c, fl.target, method, md, buf, n, r, &status, msg, sizeof(msg), &connected);
        if(eps.n == 1)
            break; /* one endpoint: no retries, as before */
        if(err == SD_OK && status != SD_GRPC_UNAVAILABLE)
            break;
        if(r->msg || r->head || r->stream.len)
            break; /* part of an answer arrived: never repeat the call */
        if(sd_follow_next(&fl, err == SD_OK ? msg : NULL)) {
            struct timespec ts = {0, HOP_PAUSE_MS * 1000000L};

            nanosleep(&ts, NULL);
        }
    }
    r->status = err == SD_OK ? status : SD_GRPC_UNKNOWN;
    if(err != SD_OK && !connected) {
        fprintf(stderr, "UNAVAILABLE: cannot reach %s over TLS: %s\n", fl.target, sd_err_str(err));
        rc = 1;
    } else if(err != SD_OK) {
        fprintf(stderr, "UNAVAILABLE: call failed: %s\n", sd_err_str(err));
        rc = 1;
    } else if(status == SD_GRPC_NOT_FOUND && r->quiet_notfound) {
        rc = 1;
    } else if(status != SD_GRPC_OK) {
        fprintf(stderr, "%s: %s\n", sd_grpc_status_name(status), msg);
        rc = 1;
    } else if(!r->streaming && !r->msg) {
        fprintf(stderr, "INTERNAL: server sent no reply message\n");
        rc = 1;
    }
    explicit_bzero(auth, sizeof(auth));
    free(buf);
    return rc;
}

void
cli_reply_free(struct cli_reply *r)
{
    if(r->msg)
        protobuf_c_message_free_unpacked(r->msg, NULL);
    if(r->head)
        protobuf_c_message_free_unpacked(r->head, NULL);
    r->msg = r->head = NULL;
    sd_buf_wipe_free(&r->stream);
}

int
cli_call_view(struct cli *c, const char *method, const ProtobufCMessage *req,
              const struct cli_view *v)
{
    struct cli_reply r = {.desc = v->desc};
    json_t *j;
    int rc = cli_call(c, method, req, &r);

    if(!rc) {
        j = v->json(r.msg);
        rc = !j ? cli_fail(v->bad_err != SD_OK ? v->bad_err : SD_E_INVALID,
                           v->bad ? v->bad : "malformed reply")
             : v->emit ? v->emit(c, j)
                       : cli_emit(c, j);
    }
    cli_reply_free(&r);
    return rc;
}

static json_t *
pb_ticket(const ProtobufCMessage *m, bool full)
{
    struct sd_ticket t;
    json_t *j;

    if(sd_ticket_from_pb(&t, (const Sealdesk__V1__Ticket *)m) != SD_OK)
        return NULL;
    j = json_ticket(&t, full);
    sd_ticket_clear(&t);
    return j;
}

static json_t *
pb_ticket_short(const ProtobufCMessage *m)
{
    return pb_ticket(m, false);
}

static json_t *
pb_ticket_full(const ProtobufCMessage *m)
{
    return pb_ticket(m, true);
}

static json_t *
pb_ticket_list(const ProtobufCMessage *m)
{
    const Sealdesk__V1__TicketList *l = (const Sealdesk__V1__TicketList *)m;
    json_t *a = json_array();

    for(size_t i = 0; i < l->n_tickets; i++) {
        json_t *t = pb_ticket(&l->tickets[i]->base, false);

        if(!t) {
            json_decref(a);
            return NULL;
        }
        json_array_append_new(a, t);
    }
    return a;
}

static uint64_t
map_get(Sealdesk__V1__TicketStats__ByStatusEntry **e, size_t n, const char *key)
{
    for(size_t i = 0; i < n; i++) {
        if(strcmp(e[i]->key, key) == 0)
            return e[i]->value;
    }
    return 0;
}

static json_t *
pb_stats(const ProtobufCMessage *m)
{
    const Sealdesk__V1__TicketStats *p = (const Sealdesk__V1__TicketStats *)m;
    struct sd_stats s;

    memset(&s, 0, sizeof(s));
    s.total = p->total;
    for(int i = SD_ST_RECEIVED; i < SD_ST_COUNT; i++)
        s.by_status[i] = map_get(p->by_status, p->n_by_status, sd_status_name(i));
    for(int i = 0; i < SD_CAT_COUNT; i++)
        s.by_category[i] = map_get((Sealdesk__V1__TicketStats__ByStatusEntry **)p->by_category,
                                   p->n_by_category, sd_category_name(i));
    for(int i = 1; i <= 4; i++)
        s.by_priority[i] = map_get((Sealdesk__V1__TicketStats__ByStatusEntry **)p->by_priority,
                                   p->n_by_priority, sd_priority_name(i));
    for(int i = SD_CH_CHAT; i < SD_CH_COUNT; i++)
        s.by_channel[i] = map_get((Sealdesk__V1__TicketStats__ByStatusEntry **)p->by_channel,
                                  p->n_by_channel, sd_channel_name(i));
    s.n_first_response = p->median_first_response_seconds >= 0;
    s.median_first_response = s.n_first_response ? (uint64_t)p->median_first_response_seconds : 0;
    s.n_resolved = p->median_resolution_seconds >= 0;
    s.median_resolution = s.n_resolved ? (uint64_t)p->median_resolution_seconds : 0;
    s.sla_breaches = p->sla_breaches;
    s.csat_count = p->csat_count;
    s.csat_average = p->csat_average;
    s.redacted = p->redacted_tickets;
    return json_stats(&s);
}

#define BAD_TICKET "malformed ticket in reply"
static const struct cli_view ticket_view = {&sealdesk__v1__ticket__descriptor, pb_ticket_short,
                                            BAD_TICKET, NULL, SD_OK};
static const struct cli_view ticket_full_view = {&sealdesk__v1__ticket__descriptor, pb_ticket_full,
                                                 BAD_TICKET, NULL, SD_OK};
static const struct cli_view list_view = {&sealdesk__v1__ticket_list__descriptor, pb_ticket_list,
                                          BAD_TICKET, NULL, SD_OK};
static const struct cli_view stats_view = {&sealdesk__v1__ticket_stats__descriptor, pb_stats, NULL,
                                           false, SD_OK};

/* ticket create: each option's request field (a string; "" when not given). */
static const struct {
    const char *opt;
    size_t off;
} create_fields[] = {
#define CF(opt, field)                                          \
    {                                                           \
        opt, offsetof(Sealdesk__V1__CreateTicketRequest, field) \
    }
    CF("channel", channel),
    CF("subject", subject),
    CF("body", body),
    CF("customer-name", customer_name),
    CF("customer-email", customer_email),
    CF("customer-phone", customer_phone),
    CF("customer-uid", customer_uid),
    CF("national-id", national_id),
    CF("wallets", wallets),
    CF("ip", ip_address),
    CF("category", category),
    CF("priority", priority),
#undef CF
};

static int
ticket_create_online(struct cli *c)
{
    Sealdesk__V1__CreateTicketRequest q = SEALDESK__V1__CREATE_TICKET_REQUEST__INIT;

    for(size_t i = 0; i < sizeof(create_fields) / sizeof(create_fields[0]); i++) {
        char **field = (char **)(void *)((char *)&q + create_fields[i].off);

        *field = (char *)cli_str(c, create_fields[i].opt);
    }
    q.vip = cli_has(c, "vip");
    return cli_call_view(c, "/sealdesk.v1.Tickets/Create", &q.base, &ticket_view);
}

/* Tickets.List answers pages (at most 1000 tickets each): ask for the next page while `more`,
 * up to SD_MAX_LIST tickets in all (the offline list's limit), and print them as one list. */
static int
ticket_list_pages(struct cli *c, Sealdesk__V1__ListTicketsRequest *l)
{
    json_t *all = json_array();
    size_t total = 0;
    bool more = true;
    int rc = 0;

    if(!all)
        return cli_fail(SD_E_NOMEM, "list");
    l->limit = 1000;
    while(!rc && more) {
        struct cli_reply r = {.desc = &sealdesk__v1__ticket_list__descriptor};
        const Sealdesk__V1__TicketList *page;
        json_t *j;

        rc = cli_call(c, "/sealdesk.v1.Tickets/List", &l->base, &r);
        if(rc) {
            cli_reply_free(&r);
            break;
        }
        page = (const Sealdesk__V1__TicketList *)r.msg;
        j = page ? pb_ticket_list(r.msg) : NULL;
        if(!j) {
            cli_reply_free(&r);
            rc = cli_fail(SD_E_INVALID, BAD_TICKET);
            break;
        }
        json_array_extend(all, j);
        json_decref(j);
        total += page->n_tickets;
        more = page->more && page->n_tickets && total < SD_MAX_LIST;
        l->after = page->next;
        cli_reply_free(&r);
    }
    if(!rc)
        return cli_emit(c, all); /* takes all */
    json_decref(all);
    return rc;
}

static int
ticket_lists_online(struct cli *c, const struct ticket_req *t)
{
    Sealdesk__V1__ListTicketsRequest l = SEALDESK__V1__LIST_TICKETS_REQUEST__INIT;
    Sealdesk__V1__FindTicketsRequest f = SEALDESK__V1__FIND_TICKETS_REQUEST__INIT;

    if(strcmp(t->sub, "list") == 0) {
        l.status = (char *)cli_str(c, "status");
        l.category = (char *)cli_str(c, "category");
        l.assignee = (char *)cli_str(c, "assignee");
        return ticket_list_pages(c, &l);
    }
    f.customer_email = (char *)cli_str(c, "customer-email");
    f.customer_uid = (char *)cli_str(c, "customer-uid");
    f.customer_phone = (char *)cli_str(c, "customer-phone");
    return cli_call_view(c, "/sealdesk.v1.Tickets/Find", &f.base, &list_view);
}

/* get, status, assign, comment, rate: one ticket comes back. */
static int
ticket_one_online(struct cli *c, const struct ticket_req *t)
{
    Sealdesk__V1__GetTicketRequest g = SEALDESK__V1__GET_TICKET_REQUEST__INIT;
    Sealdesk__V1__TransitionRequest s = SEALDESK__V1__TRANSITION_REQUEST__INIT;
    Sealdesk__V1__AssignRequest a = SEALDESK__V1__ASSIGN_REQUEST__INIT;
    Sealdesk__V1__CommentRequest m = SEALDESK__V1__COMMENT_REQUEST__INIT;
    Sealdesk__V1__RateRequest q = SEALDESK__V1__RATE_REQUEST__INIT;

    g.id = s.id = a.id = m.id = q.id = t->id;
    if(strcmp(t->sub, "get") == 0) {
        g.unmask = cli_has(c, "unmask");
        g.reason = (char *)cli_str(c, "reason");
        return cli_call_view(c, "/sealdesk.v1.Tickets/Get", &g.base, &ticket_full_view);
    }
    if(strcmp(t->sub, "status") == 0) {
        s.to = (char *)cli_str(c, "to");
        return cli_call_view(c, "/sealdesk.v1.Tickets/Transition", &s.base, &ticket_view);
    }
    if(strcmp(t->sub, "assign") == 0) {
        a.agent = (char *)cli_str(c, "agent");
        return cli_call_view(c, "/sealdesk.v1.Tickets/Assign", &a.base, &ticket_view);
    }
    if(strcmp(t->sub, "comment") == 0) {
        m.from_article = t->article;
        m.body = (char *)cli_str(c, "body");
        m.internal = cli_has(c, "internal");
        return cli_call_view(c, "/sealdesk.v1.Tickets/Comment", &m.base, &ticket_view);
    }
    if(strcmp(t->sub, "set") == 0) {
        Sealdesk__V1__SetTriageRequest st = SEALDESK__V1__SET_TRIAGE_REQUEST__INIT;

        st.id = t->id;
        st.category = (char *)cli_str(c, "category");
        st.priority = (char *)cli_str(c, "priority");
        st.reason = (char *)cli_str(c, "reason");
        return cli_call_view(c, "/sealdesk.v1.Tickets/SetTriage", &st.base, &ticket_view);
    }
    q.csat = t->csat;
    return cli_call_view(c, "/sealdesk.v1.Tickets/Rate", &q.base, &ticket_view);
}

int
cmd_ticket_online(struct cli *c, int argc, char **argv)
{
    struct ticket_req t;
    int rc = cli_ticket_req(c, argv[0], &t);

    (void)argc;
    if(rc)
        return rc;
    if(strcmp(t.sub, "create") == 0)
        return ticket_create_online(c);
    if(strcmp(t.sub, "search") == 0)
        return cli_ticket_search_online(c);
    if(strcmp(t.sub, "list") == 0 || strcmp(t.sub, "find") == 0)
        return ticket_lists_online(c, &t);
    return ticket_one_online(c, &t);
}

int
cmd_audit_online(struct cli *c, int argc, char **argv)
{
    struct cli_reply r = {.streaming = true};
    Sealdesk__V1__ExportRequest q = SEALDESK__V1__EXPORT_REQUEST__INIT;
    FILE *f;
    int rc;

    if(argc >= 1 && strcmp(argv[0], "search") == 0)
        return cmd_audit_search_online(c);
    if(argc >= 1 && strcmp(argv[0], "pubkey") == 0)
        return cmd_audit_pubkey_online(c);
    if(!cli_get(c, "out"))
        return cli_usage("audit export --out FILE [--from I] | audit pubkey | audit search ...");
    if(cli_get(c, "from") && !cli_parse_id(cli_get(c, "from"), &q.from) &&
       strcmp(cli_get(c, "from"), "0") != 0)
        return cli_fail(SD_E_INVALID, "--from must be an entry index");
    rc = cli_call(c, "/sealdesk.v1.Audit/Export", &q.base, &r);
    if(rc)
        goto out;
    f = fopen(cli_get(c, "out"), "wxb");
    if(!f) {
        rc = cli_fail(errno == EEXIST ? SD_E_CONFLICT : SD_E_IO, "cannot create output file");
        goto out;
    }
    /* Close on a short write too (the || used to skip fclose and leak f); fclose always
     * releases f, so nothing touches it after this. */
    size_t wrote = fwrite(r.stream.data, 1, r.stream.len, f);

    if(fclose(f) != 0 || wrote != r.stream.len) {
        (void)unlink(cli_get(c, "out")); /* ours (created with "x"): no half-written export */
        rc = cli_fail(SD_E_IO, "write output file");
        goto out;
    }
    json_t *j = json_object();

    json_object_set_new(j, "out", json_string(cli_get(c, "out")));
    json_object_set_new(j, "bytes", json_integer((json_int_t)r.stream.len));
    rc = cli_emit(c, j);
out:
    cli_reply_free(&r);
    return rc;
}

int
cmd_login_online(struct cli *c, int argc, char **argv)
{
    Sealdesk__V1__LoginRequest q = SEALDESK__V1__LOGIN_REQUEST__INIT;
    struct cli_reply r = CLI_REPLY(sealdesk__v1__login_response__descriptor);
    char pw[SD_PASSWORD_MAX + 2];
    bool tty;
    int rc, fd;

    (void)argc, (void)argv;
    if(!cli_get(c, "name") || c->n_pos)
        return cli_usage("login --name N [--password-stdin | --password-fd N] [--totp CODE]");
    q.name = (char *)cli_str(c, "name");
    if(cli_get(c, "password")) {
        if(cli_has(c, "password-stdin") || cli_get(c, "password-fd"))
            return cli_usage("give one of --password, --password-stdin, --password-fd");
        /* Kept for old scripts only: argv is readable by every local user (/proc). */
        fprintf(stderr, "sealctl: warning: --password is visible to other local users; use "
                        "the prompt, --password-stdin or --password-fd\n");
        q.password = (char *)cli_str(c, "password");
    } else {
        rc = cli_secret_source(c, &fd, &tty);
        if(rc)
            return rc;
        if(cli_secret_read(fd, tty, "Password: ", pw, sizeof(pw)))
            return 1;
        q.password = pw;
    }
    q.totp = (char *)cli_str(c, "totp");
    c->token = NULL; /* Login carries no session */
    rc = cli_call(c, "/sealdesk.v1.Auth/Login", &q.base, &r);
    if(!rc) {
        Sealdesk__V1__LoginResponse *p = (Sealdesk__V1__LoginResponse *)r.msg;
        json_t *j = json_object();

        json_object_set_new(j, "token", json_string(p->token));
        json_object_set_new(j, "expires_at", json_string(p->expires_at));
        json_object_set_new(j, "user", json_string(p->user));
        json_object_set_new(j, "roles", json_string(p->roles));
        if(!c->json) {
            /* Text mode prints just the token, for `export SEALDESK_TOKEN=$(sealctl login ...)`. */
            puts(p->token);
            json_decref(j);
        } else {
            rc = cli_emit(c, j);
        }
        sodium_memzero(p->token, strlen(p->token));
    }
    cli_reply_free(&r);
    sodium_memzero(pw, sizeof(pw));
    return rc;
}

static json_t *
pb_user(const ProtobufCMessage *m)
{
    const Sealdesk__V1__UserInfo *p = (const Sealdesk__V1__UserInfo *)m;
    json_t *o = json_object();

    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "roles", json_string(p->roles));
    json_object_set_new(o, "disabled", json_boolean(p->disabled));
    json_object_set_new(o, "totp", json_boolean(p->totp));
    json_object_set_new(o, "failed_logins", json_integer(p->failed_logins));
    json_object_set_new(o, "locked_until",
                        p->locked_until[0] ? json_string(p->locked_until) : json_null());
    return o;
}

static const struct cli_view user_view = {&sealdesk__v1__user_info__descriptor, pb_user, NULL,
                                          false, SD_OK};

int
cmd_user_online(struct cli *c, int argc, char **argv)
{
    Sealdesk__V1__SetUserDisabledRequest dis = SEALDESK__V1__SET_USER_DISABLED_REQUEST__INIT;
    Sealdesk__V1__RevokeSessionsRequest rev = SEALDESK__V1__REVOKE_SESSIONS_REQUEST__INIT;
    const char *sub = argc ? argv[0] : "";
    struct cli_reply r = CLI_REPLY(sealdesk__v1__user_info__descriptor);
    int rc = cmd_user_admin_online(c, argc, argv);

    if(rc >= 0)
        return rc; /* requests, approve, reject, roles, reset-totp (maker-checker) */
    if(strcmp(sub, "list") == 0) {
        Sealdesk__V1__ListUsersRequest q = SEALDESK__V1__LIST_USERS_REQUEST__INIT;

        r.desc = &sealdesk__v1__user_list__descriptor;
        rc = cli_call(c, "/sealdesk.v1.Admin/ListUsers", &q.base, &r);
        if(!rc) {
            Sealdesk__V1__UserList *l = (Sealdesk__V1__UserList *)r.msg;
            json_t *a = json_array();

            for(size_t i = 0; i < l->n_users; i++) {
                json_t *o = json_object();

                json_object_set_new(o, "name", json_string(l->users[i]->name));
                json_object_set_new(o, "roles", json_string(l->users[i]->roles));
                json_object_set_new(o, "disabled", json_boolean(l->users[i]->disabled));
                json_object_set_new(o, "totp", json_boolean(l->users[i]->totp));
                json_array_append_new(a, o);
            }
            rc = cli_emit(c, a);
        }
        cli_reply_free(&r);
        return rc;
    }
    if(strcmp(sub, "passwd") == 0) {
        Sealdesk__V1__ChangePasswordRequest q = SEALDESK__V1__CHANGE_PASSWORD_REQUEST__INIT;
        char old[SD_PASSWORD_MAX + 2], pw[SD_PASSWORD_MAX + 2];

        if(c->n_pos)
            return cli_usage("user passwd [--password-stdin | --password-fd N]  (your own)");
        rc = cli_passwd_read(c, old, pw, sizeof(old));
        if(rc)
            return rc;
        q.old_password = old;
        q.new_password = pw;
        r.desc = &sealdesk__v1__change_password_response__descriptor;
        rc = cli_call(c, "/sealdesk.v1.Auth/ChangePassword", &q.base, &r);
        sodium_memzero(old, sizeof(old));
        sodium_memzero(pw, sizeof(pw));
        if(!rc) {
            Sealdesk__V1__ChangePasswordResponse *p = (Sealdesk__V1__ChangePasswordResponse *)r.msg;

            rc = cli_emit(
                c, json_pack("{s:s,s:b}", "user", p->user, "sessions_ended", p->sessions_ended));
        }
        cli_reply_free(&r);
        return rc;
    }
    if(strcmp(sub, "offboard") == 0) {
        Sealdesk__V1__OffboardUserRequest q = SEALDESK__V1__OFFBOARD_USER_REQUEST__INIT;

        if(!cli_get(c, "name") || c->n_pos)
            return cli_usage("user offboard --name N");
        q.name = (char *)cli_str(c, "name");
        r.desc = &sealdesk__v1__offboard_user_response__descriptor;
        rc = cli_call(c, "/sealdesk.v1.Admin/OffboardUser", &q.base, &r);
        if(!rc) {
            Sealdesk__V1__OffboardUserResponse *p = (Sealdesk__V1__OffboardUserResponse *)r.msg;

            if(!p->user)
                rc = cli_fail(SD_E_INVALID, "malformed reply");
            else
                rc = cli_emit(c, json_offboard(p->user->name, p->user->roles, p->user->disabled,
                                               p->requeued, p->n_requeued));
        }
        cli_reply_free(&r);
        return rc;
    }
    if(strcmp(sub, "add") == 0) {
        Sealdesk__V1__AddUserRequest q = SEALDESK__V1__ADD_USER_REQUEST__INIT;

        if(!cli_get(c, "name") || !cli_get(c, "role"))
            return cli_usage("user add --name N --role R[,R...] [--no-totp]");
        q.name = (char *)cli_str(c, "name");
        q.roles = (char *)cli_str(c, "role");
        q.no_totp = cli_has(c, "no-totp");
        q.cert_fingerprint = (char *)cli_str(c, "cert-fingerprint");
        r.desc = &sealdesk__v1__add_user_response__descriptor;
        rc = cli_call(c, "/sealdesk.v1.Admin/AddUser", &q.base, &r);
        if(!rc) {
            Sealdesk__V1__AddUserResponse *p = (Sealdesk__V1__AddUserResponse *)r.msg;
            unsigned roles = 0;

            sd_roles_parse(&roles, p->roles);
            if(p->request_id) {
                /* A maker-checker request: another security admin approves it with
                 * `user approve --request N` and receives the password and TOTP URI. */
                json_t *j = json_object();

                json_object_set_new(j, "request_id", json_integer((json_int_t)p->request_id));
                json_object_set_new(j, "state", json_string(p->state));
                json_object_set_new(j, "name", json_string(p->name));
                json_object_set_new(j, "roles", json_string(p->roles));
                rc = cli_emit(c, j);
            } else {
                rc = cli_emit(c, json_new_user(p->name, roles, p->password, p->totp_uri));
            }
            sodium_memzero(p->password, strlen(p->password));
        }
        cli_reply_free(&r);
        return rc;
    }
    if(!cli_get(c, "name"))
        return cli_usage("user add|disable|enable|revoke|offboard|list --name N | user passwd");
    if(strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
        dis.name = (char *)cli_str(c, "name");
        dis.disabled = sub[0] == 'd';
        return cli_call_view(c, "/sealdesk.v1.Admin/SetUserDisabled", &dis.base, &user_view);
    }
    if(strcmp(sub, "revoke") == 0) {
        rev.name = (char *)cli_str(c, "name");
        return cli_call_view(c, "/sealdesk.v1.Admin/RevokeSessions", &rev.base, &user_view);
    }
    return cli_usage("user add|disable|enable|revoke|list|requests|approve|reject|roles|"
                     "reset-totp");
}

static json_t *
logged_out(const ProtobufCMessage *m)
{
    (void)m;
    return json_pack("{s:b}", "logged_out", 1);
}

int
cmd_logout_online(struct cli *c, int argc, char **argv)
{
    static const struct cli_view v = {&sealdesk__v1__logout_response__descriptor, logged_out, NULL,
                                      false, SD_OK};
    Sealdesk__V1__LogoutRequest q = SEALDESK__V1__LOGOUT_REQUEST__INIT;

    (void)argc, (void)argv;
    return cli_call_view(c, "/sealdesk.v1.Auth/Logout", &q.base, &v);
}

int
cmd_queue_online(struct cli *c, int argc, char **argv)
{
    Sealdesk__V1__ClaimNextRequest q = SEALDESK__V1__CLAIM_NEXT_REQUEST__INIT;

    (void)argc, (void)argv;
    q.agent = (char *)cli_str(c, "agent"); /* "": the caller */
    return cli_call_view(c, "/sealdesk.v1.Tickets/ClaimNext", &q.base, &ticket_view);
}

int
cmd_sla_online(struct cli *c, int argc, char **argv)
{
    Sealdesk__V1__OverdueRequest q = SEALDESK__V1__OVERDUE_REQUEST__INIT;

    (void)argc, (void)argv;
    q.now = (char *)cli_str(c, "now");
    return cli_call_view(c, "/sealdesk.v1.Tickets/Overdue", &q.base, &list_view);
}

int
cmd_stats_online(struct cli *c, int argc, char **argv)
{
    Sealdesk__V1__StatsRequest q = SEALDESK__V1__STATS_REQUEST__INIT;

    if(argc && strcmp(argv[0], "--by-agent") == 0)
        return cmd_stats_by_agent_online(c);
    if(argc && strcmp(argv[0], "--by-day") == 0)
        return cmd_stats_by_day_online(c);
    q.now = (char *)cli_str(c, "now");
    return cli_call_view(c, "/sealdesk.v1.Tickets/Stats", &q.base, &stats_view);
}

int
cmd_triage_online(struct cli *c, int argc, char **argv)
{
    Sealdesk__V1__TriageRequest q = SEALDESK__V1__TRIAGE_REQUEST__INIT;
    struct cli_reply r = CLI_REPLY(sealdesk__v1__triage_result__descriptor);
    struct sd_triage_result t;
    enum sd_category cat = SD_CAT_GENERAL;
    int rc;

    (void)argc, (void)argv;
    if(!cli_get(c, "text"))
        return cli_usage("triage --text T [--vip] [--explain]");
    q.text = (char *)cli_str(c, "text");
    q.vip = cli_has(c, "vip");
    rc = cli_call(c, "/sealdesk.v1.Tickets/Triage", &q.base, &r);
    if(!rc) {
        Sealdesk__V1__TriageResult *p = (Sealdesk__V1__TriageResult *)r.msg;

        memset(&t, 0, sizeof(t));
        sd_category_parse(&cat, p->category);
        t.category = cat;
        sd_priority_parse(&t.priority, p->priority);
        t.fund_safety = p->fund_safety;
        for(size_t i = 0; i < p->n_signals && i < SD_TRIAGE_MAX_SIGNALS; i++)
            snprintf(t.signals[t.n_signals++], sizeof(t.signals[0]), "%s", p->signals[i]);
        rc = cli_emit_triage(c, &t, p->explanation, p->n_explanation);
    }
    cli_reply_free(&r);
    return rc;
}

int
cli_run_online(struct cli *c)
{
    char *word[1] = {(char *)c->sub->word};

    if(!c->ca)
        return cli_usage("--ca FILE (or SEALDESK_CA) is required with --server");
    if(!c->cmd->online)
        return cli_usage("unknown command (online mode)");
    return c->cmd->online(c, word[0] ? 1 : 0, word);
}
