/* sealctl remedy request|approve|reject|execute|get|list and freeze, offline and online.
 * Output is the same JSON either way: {"id", "state", "approvals_needed", "approvals", ...}.
 * A refusal prints the gRPC status name and the desk's reason, e.g.
 * "PERMISSION_DENIED: the requester cannot approve their own remedy". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "remedies.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/remedy.h"

static json_t *
jtime(uint64_t t)
{
    char buf[32];

    sd_time_format(buf, sizeof(buf), t);
    return t ? json_string(buf) : json_null();
}

static json_t *
json_remedy(const struct sd_remedy *r)
{
    json_t *o = json_object();
    json_t *ap = json_array();

    json_object_set_new(o, "id", json_integer((json_int_t)r->id));
    json_object_set_new(o, "ticket_id", json_integer((json_int_t)r->ticket_id));
    json_object_set_new(o, "kind", json_string(sd_remedy_kind_name(r->kind)));
    json_object_set_new(o, "asset", json_string(r->asset));
    json_object_set_new(o, "amount", json_string(r->amount));
    json_object_set_new(o, "to_uid", json_string(r->to_uid_masked));
    json_object_set_new(o, "destination_is_customer", json_boolean(r->dest_is_customer));
    if(r->destination_reason[0])
        json_object_set_new(o, "destination_reason", json_string(r->destination_reason));
    if(r->unmasked) {
        /* The approver's side-by-side view (remedy review; audited on the server). */
        json_object_set_new(o, "to_uid_unmasked", json_string(r->to_uid));
        json_object_set_new(o, "ticket_customer_uid", json_string(r->customer_uid));
    }
    json_object_set_new(o, "justification", json_string(r->justification));
    json_object_set_new(o, "requester", json_string(r->requester));
    json_object_set_new(o, "state", json_string(sd_remedy_state_name(r->state)));
    json_object_set_new(o, "quorum", json_integer(r->quorum));
    json_object_set_new(o, "approvals_needed", json_integer(r->approvals_needed));
    for(size_t i = 0; i < r->n_approvals; i++)
        json_array_append_new(ap, json_pack("{s:s,s:o}", "user", r->approvals[i].user, "at",
                                            jtime(r->approvals[i].at)));
    json_object_set_new(o, "approvals", ap);
    json_object_set_new(o, "created_at", jtime(r->created_at));
    json_object_set_new(o, "expires_at", jtime(r->expires_at));
    json_object_set_new(o, "executed_at", jtime(r->executed_at));
    json_object_set_new(o, "executed_by",
                        r->executed_by[0] ? json_string(r->executed_by) : json_null());
    json_object_set_new(o, "rejected_by",
                        r->rejected_by[0] ? json_string(r->rejected_by) : json_null());
    if(r->reject_reason[0])
        json_object_set_new(o, "reject_reason", json_string(r->reject_reason));
    if(r->idempotency_key[0])
        json_object_set_new(o, "idempotency_key", json_string(r->idempotency_key));
    if(r->freeze_id)
        json_object_set_new(o, "freeze_id", json_integer((json_int_t)r->freeze_id));
    return o;
}

static uint64_t
ptime(const char *s)
{
    uint64_t t = 0;

    if(s && *s && sd_time_parse(&t, s) != SD_OK)
        t = 0;
    return t;
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

/* Received message -> the library's view, so both modes print through json_remedy. */
static void
remedy_from_pb(struct sd_remedy *r, const Sealdesk__V1__Remedy *p)
{
    enum sd_remedy_kind k = SD_RK_COMPENSATION;
    enum sd_remedy_state s = SD_RS_PENDING;

    memset(r, 0, sizeof(*r));
    r->id = p->id;
    r->ticket_id = p->ticket_id;
    sd_remedy_kind_parse(&k, p->kind);
    r->kind = k;
    sd_remedy_state_parse(&s, p->state);
    r->state = s;
    COPY(r->asset, p->asset);
    COPY(r->amount, p->amount);
    COPY(r->to_uid_masked, p->to_uid);
    r->dest_is_customer = p->destination_is_customer;
    COPY(r->destination_reason, p->destination_reason);
    if(p->to_uid_unmasked && p->to_uid_unmasked[0]) {
        r->unmasked = true;
        COPY(r->to_uid, p->to_uid_unmasked);
        COPY(r->customer_uid, p->customer_uid);
    }
    COPY(r->justification, p->justification);
    COPY(r->requester, p->requester);
    r->quorum = p->quorum;
    r->approvals_needed = p->approvals_needed;
    for(size_t i = 0; i < p->n_approvals && i < SD_REMEDY_MAX_APPROVALS; i++) {
        COPY(r->approvals[i].user, p->approvals[i]->user);
        r->approvals[i].at = ptime(p->approvals[i]->at);
        r->n_approvals++;
    }
    r->created_at = ptime(p->created_at);
    r->expires_at = ptime(p->expires_at);
    r->executed_at = ptime(p->executed_at);
    COPY(r->executed_by, p->executed_by);
    COPY(r->rejected_by, p->rejected_by);
    COPY(r->reject_reason, p->reject_reason);
    COPY(r->idempotency_key, p->idempotency_key);
    r->freeze_id = p->freeze_id;
}

static bool
parse_u64(const char *s, uint64_t *out)
{
    char *end;

    if(!s || !*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return !errno && !*end && *out;
}

/* The parsed form of every remedy subcommand, shared by both modes. */
struct rq {
    const char *sub;
    uint64_t id, ticket;
    enum sd_remedy_kind kind;
    enum sd_remedy_state state;
    const char *asset, *amount, *to_uid, *justification, *reason, *key, *uid, *dest_reason;
};

/* 0 ok, else the exit code to return. */
static int
parse_rq(struct cli *c, const char *word, int argc, char **argv, struct rq *q)
{
    memset(q, 0, sizeof(*q));
    q->sub = ""; /* set below; never NULL for run_* */
    if(strcmp(word, "freeze") == 0) {
        q->sub = "freeze";
        if(c->n_pos || !cli_get(c, "customer-uid") || !cli_get(c, "reason") ||
           !parse_u64(cli_get(c, "ticket"), &q->ticket))
            return cli_usage("freeze --customer-uid U --ticket ID --reason R");
        q->uid = cli_get(c, "customer-uid");
        q->reason = cli_get(c, "reason");
        return 0;
    }
    if(argc < 1)
        return cli_usage("remedy request|approve|reject|execute|get|review|list");
    q->sub = argv[0];
    if(strcmp(q->sub, "request") == 0) {
        if(c->n_pos || !cli_get(c, "kind") || !cli_get(c, "justification") ||
           !parse_u64(cli_get(c, "ticket"), &q->ticket))
            return cli_usage("remedy request --ticket ID --kind K [--asset A --amount X] "
                             "[--to-uid U --destination-reason R] --justification J");
        if(sd_remedy_kind_parse(&q->kind, cli_get(c, "kind")) != SD_OK ||
           q->kind == SD_RK_FREEZE_REVIEW)
            return cli_fail(SD_E_INVALID, "kind is compensation, fee_refund, "
                                          "manual_deposit_credit, withdrawal_release, "
                                          "third_party_payout or account_unfreeze");
        q->asset = cli_get(c, "asset");
        q->amount = cli_get(c, "amount");
        q->to_uid = cli_get(c, "to-uid");
        q->justification = cli_get(c, "justification");
        q->dest_reason = cli_get(c, "destination-reason");
        return 0;
    }
    if(strcmp(q->sub, "list") == 0) {
        if(c->n_pos)
            return 2;
        if(cli_get(c, "state") && sd_remedy_state_parse(&q->state, cli_get(c, "state")) != SD_OK)
            return cli_fail(SD_E_INVALID, "unknown remedy state");
        return 0;
    }
    if(c->n_pos != 1 || !parse_u64(c->pos[0], &q->id))
        return cli_usage("remedy approve|reject|execute|get|review ID");
    q->reason = cli_get(c, "reason");
    q->key = cli_get(c, "idempotency-key");
    if(strcmp(q->sub, "reject") == 0 && !q->reason)
        return cli_usage("remedy reject ID --reason R");
    if(strcmp(q->sub, "execute") == 0 && !q->key)
        return cli_usage("remedy execute ID --idempotency-key K");
    return 0;
}

static int
run_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, struct rq *q)
{
    struct sd_remedy r;
    const char *why = NULL;
    sd_err err;

    if(strcmp(q->sub, "list") == 0) {
        struct sd_remedy_list l = {0};
        json_t *arr;

        err = sd_remedy_list(d, a, (int)q->state, &l, &why);
        if(err != SD_OK)
            return cli_refuse(err, why, "remedy list");
        arr = json_array();
        for(size_t i = 0; i < l.n; i++)
            json_array_append_new(arr, json_remedy(&l.items[i]));
        sd_remedy_list_clear(&l);
        return cli_emit(c, arr);
    }
    if(strcmp(q->sub, "request") == 0) {
        struct sd_remedy_new in = {q->ticket, q->kind,          q->asset,      q->amount,
                                   q->to_uid, q->justification, q->dest_reason};

        err = sd_remedy_request(d, a, &in, &r, &why);
    } else if(strcmp(q->sub, "approve") == 0) {
        err = sd_remedy_approve(d, a, q->id, &r, &why);
    } else if(strcmp(q->sub, "reject") == 0) {
        err = sd_remedy_reject(d, a, q->id, q->reason, &r, &why);
    } else if(strcmp(q->sub, "execute") == 0) {
        err = sd_remedy_execute(d, a, q->id, q->key, &r, &why);
    } else if(strcmp(q->sub, "freeze") == 0) {
        err = sd_freeze(d, a, q->uid, q->ticket, q->reason, &r, &why);
    } else if(strcmp(q->sub, "review") == 0) {
        err = sd_remedy_review(d, a, q->id, &r, &why);
    } else {
        err = sd_remedy_get(d, a, q->id, &r, &why);
    }
    if(err != SD_OK)
        return cli_refuse(err, why, q->sub);
    {
        json_t *j = json_remedy(&r);

        sodium_memzero(&r, sizeof(r));
        return cli_emit(c, j);
    }
}

int
cmd_remedy_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                   char **argv)
{
    struct rq q;
    int rc = parse_rq(c, c->cmd->name, argc, argv, &q);

    if(!rc && !q.sub)
        rc = 2; /* not reached: parse_rq sets sub or fails (said for the analyzer) */
    return rc ? rc : run_offline(c, d, a, &q);
}

static json_t *
pb_remedy_list(const ProtobufCMessage *m)
{
    const Sealdesk__V1__RemedyList *l = (const Sealdesk__V1__RemedyList *)m;
    json_t *arr = json_array();
    struct sd_remedy v;

    for(size_t i = 0; i < l->n_remedies; i++) {
        remedy_from_pb(&v, l->remedies[i]);
        json_array_append_new(arr, json_remedy(&v));
    }
    return arr;
}

static const struct cli_view remedy_list_view = {&sealdesk__v1__remedy_list__descriptor,
                                                 pb_remedy_list, NULL, NULL, SD_OK};

static int
run_online(struct cli *c, struct rq *q)
{
    struct cli_reply r = CLI_REPLY(sealdesk__v1__remedy__descriptor);
    struct sd_remedy v;
    int rc;

    if(strcmp(q->sub, "list") == 0) {
        Sealdesk__V1__ListRemediesRequest m = SEALDESK__V1__LIST_REMEDIES_REQUEST__INIT;

        m.state = (char *)(q->state ? sd_remedy_state_name(q->state) : "");
        return cli_call_view(c, "/sealdesk.v1.Remedies/List", &m.base, &remedy_list_view);
    }
    if(strcmp(q->sub, "request") == 0) {
        Sealdesk__V1__RequestRemedyRequest m = SEALDESK__V1__REQUEST_REMEDY_REQUEST__INIT;

        m.ticket_id = q->ticket;
        m.kind = (char *)sd_remedy_kind_name(q->kind);
        m.asset = (char *)q->asset;
        m.amount = (char *)q->amount;
        m.to_uid = (char *)q->to_uid;
        m.justification = (char *)q->justification;
        m.destination_reason = (char *)q->dest_reason;
        rc = cli_call(c, "/sealdesk.v1.Remedies/Request", &m.base, &r);
    } else if(strcmp(q->sub, "reject") == 0) {
        Sealdesk__V1__RejectRemedyRequest m = SEALDESK__V1__REJECT_REMEDY_REQUEST__INIT;

        m.id = q->id;
        m.reason = (char *)q->reason;
        rc = cli_call(c, "/sealdesk.v1.Remedies/Reject", &m.base, &r);
    } else if(strcmp(q->sub, "execute") == 0) {
        Sealdesk__V1__ExecuteRemedyRequest m = SEALDESK__V1__EXECUTE_REMEDY_REQUEST__INIT;

        m.id = q->id;
        m.idempotency_key = (char *)q->key;
        rc = cli_call(c, "/sealdesk.v1.Remedies/Execute", &m.base, &r);
    } else if(strcmp(q->sub, "freeze") == 0) {
        Sealdesk__V1__FreezeRequest m = SEALDESK__V1__FREEZE_REQUEST__INIT;

        m.customer_uid = (char *)q->uid;
        m.ticket_id = q->ticket;
        m.reason = (char *)q->reason;
        rc = cli_call(c, "/sealdesk.v1.Remedies/Freeze", &m.base, &r);
    } else {
        Sealdesk__V1__RemedyIdRequest m = SEALDESK__V1__REMEDY_ID_REQUEST__INIT;

        m.id = q->id;
        rc = cli_call(c,
                      strcmp(q->sub, "approve") == 0  ? "/sealdesk.v1.Remedies/Approve"
                      : strcmp(q->sub, "review") == 0 ? "/sealdesk.v1.Remedies/Review"
                                                      : "/sealdesk.v1.Remedies/Get",
                      &m.base, &r);
    }
    if(!rc) {
        json_t *j;

        remedy_from_pb(&v, (Sealdesk__V1__Remedy *)r.msg);
        j = json_remedy(&v);
        sodium_memzero(&v, sizeof(v));
        rc = cli_emit(c, j);
    }
    cli_reply_free(&r);
    return rc;
}

int
cmd_remedy_online(struct cli *c, int argc, char **argv)
{
    struct rq q;
    int rc = parse_rq(c, c->cmd->name, argc, argv, &q);

    if(!rc && !q.sub)
        rc = 2; /* not reached: parse_rq sets sub or fails (said for the analyzer) */
    return rc ? rc : run_online(c, &q);
}
