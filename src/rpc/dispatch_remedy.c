/* Remedies service: maker-checker remedies and the emergency freeze (remedy/remedy.c). Refusals
 * carry the desk's stable reason, e.g. "PERMISSION_DENIED: the requester cannot approve their
 * own remedy". */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "dispatch_int.h"
#include "remedies.pb-c.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/clock.h"
#include "sealdesk/remedy.h"

static void
refuse(struct sd_rpc_call *c, sd_err err, const char *why, const char *what)
{
    if(why)
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s", why);
    else
        sd_rpc_fail(c, err, what);
}

static char *
tstr(struct sd_arena *a, uint64_t t)
{
    char buf[32];

    sd_time_format(buf, sizeof(buf), t);
    return sd_arena_strndup(a, buf, strlen(buf));
}

/* Fill pb from r; strings borrowed from r or kept in a. */
static sd_err
remedy_to_pb(struct sd_arena *a, struct sd_remedy *r, Sealdesk__V1__Remedy *pb)
{
    sealdesk__v1__remedy__init(pb);
    pb->id = r->id;
    pb->ticket_id = r->ticket_id;
    pb->kind = (char *)sd_remedy_kind_name(r->kind);
    pb->asset = r->asset;
    pb->amount = r->amount;
    pb->to_uid = r->to_uid_masked;
    pb->justification = r->justification;
    pb->requester = r->requester;
    pb->state = (char *)sd_remedy_state_name(r->state);
    pb->quorum = r->quorum;
    pb->approvals_needed = r->approvals_needed;
    pb->created_at = tstr(a, r->created_at);
    pb->expires_at = tstr(a, r->expires_at);
    pb->executed_at = tstr(a, r->executed_at);
    pb->executed_by = r->executed_by;
    pb->rejected_by = r->rejected_by;
    pb->reject_reason = r->reject_reason;
    pb->idempotency_key = r->idempotency_key;
    pb->freeze_id = r->freeze_id;
    pb->destination_is_customer = r->dest_is_customer;
    pb->destination_reason = r->destination_reason;
    if(r->unmasked) {
        pb->to_uid_unmasked = r->to_uid;
        pb->customer_uid = r->customer_uid;
    }
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    pb->approvals = sd_arena_alloc(a, (r->n_approvals + 1) * sizeof(*pb->approvals));
    if(!pb->created_at || !pb->expires_at || !pb->executed_at || !pb->approvals)
        return SD_E_NOMEM;
    for(size_t i = 0; i < r->n_approvals; i++) {
        Sealdesk__V1__RemedyApprovalView *v = sd_arena_alloc(a, sizeof(*v));

        if(!v)
            return SD_E_NOMEM;
        sealdesk__v1__remedy_approval_view__init(v);
        v->user = r->approvals[i].user;
        v->at = tstr(a, r->approvals[i].at);
        if(!v->at)
            return SD_E_NOMEM;
        pb->approvals[pb->n_approvals++] = v;
    }
    return SD_OK;
}

static void
reply_remedy(struct sd_rpc_call *c, sd_err err, const char *why, struct sd_remedy *r,
             const char *what)
{
    Sealdesk__V1__Remedy pb;
    struct sd_arena a = {0};

    if(err != SD_OK) {
        refuse(c, err, why, what);
        return;
    }
    err = remedy_to_pb(&a, r, &pb);
    if(err != SD_OK)
        sd_rpc_fail(c, err, what);
    else
        sd_rpc_reply(c, &pb.base);
    sd_arena_free(&a);
}

static void
remedy_request(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RequestRemedyRequest, sealdesk__v1__request_remedy_request, q);
    struct sd_remedy_new in = {0};
    struct sd_remedy r;
    const char *why = NULL;
    enum sd_remedy_kind kind;
    sd_err err;

    if(sd_remedy_kind_parse(&kind, q->kind) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unknown remedy kind");
        goto out;
    }
    in.ticket_id = q->ticket_id;
    in.kind = kind;
    in.asset = q->asset;
    in.amount = q->amount;
    in.to_uid = q->to_uid;
    in.justification = q->justification;
    in.destination_reason = q->destination_reason;
    err = sd_remedy_request(x->d, &x->actor, &in, &r, &why);
    reply_remedy(c, err, why, &r, "request");
out:
    sealdesk__v1__request_remedy_request__free_unpacked(q, NULL);
}

static void
remedy_approve(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RemedyIdRequest, sealdesk__v1__remedy_id_request, q);
    struct sd_remedy r;
    const char *why = NULL;
    sd_err err;

    err = sd_remedy_approve(x->d, &x->actor, q->id, &r, &why);
    reply_remedy(c, err, why, &r, "approve");
    sealdesk__v1__remedy_id_request__free_unpacked(q, NULL);
}

static void
remedy_reject(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RejectRemedyRequest, sealdesk__v1__reject_remedy_request, q);
    struct sd_remedy r;
    const char *why = NULL;
    sd_err err;

    /* Call first: `why` is set by the call, and argument evaluation order is unspecified. */
    err = sd_remedy_reject(x->d, &x->actor, q->id, q->reason, &r, &why);
    reply_remedy(c, err, why, &r, "reject");
    sealdesk__v1__reject_remedy_request__free_unpacked(q, NULL);
}

static void
remedy_get(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RemedyIdRequest, sealdesk__v1__remedy_id_request, q);
    struct sd_remedy r;
    const char *why = NULL;
    sd_err err;

    err = sd_remedy_get(x->d, &x->actor, q->id, &r, &why);
    reply_remedy(c, err, why, &r, "get");
    sealdesk__v1__remedy_id_request__free_unpacked(q, NULL);
}

static void
remedy_review(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RemedyIdRequest, sealdesk__v1__remedy_id_request, q);
    struct sd_remedy r;
    const char *why = NULL;
    sd_err err;

    err = sd_remedy_review(x->d, &x->actor, q->id, &r, &why);
    reply_remedy(c, err, why, &r, "review");
    sodium_memzero(&r, sizeof(r));
    sealdesk__v1__remedy_id_request__free_unpacked(q, NULL);
}

static void
remedy_execute(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ExecuteRemedyRequest, sealdesk__v1__execute_remedy_request, q);
    struct sd_remedy r;
    const char *why = NULL;
    sd_err err;

    err = sd_remedy_execute(x->d, &x->actor, q->id, q->idempotency_key, &r, &why);
    reply_remedy(c, err, why, &r, "execute");
    sealdesk__v1__execute_remedy_request__free_unpacked(q, NULL);
}

static void
remedy_freeze(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__FreezeRequest, sealdesk__v1__freeze_request, q);
    struct sd_remedy r;
    const char *why = NULL;
    sd_err err;

    err = sd_freeze(x->d, &x->actor, q->customer_uid, q->ticket_id, q->reason, &r, &why);
    reply_remedy(c, err, why, &r, "freeze");
    sealdesk__v1__freeze_request__free_unpacked(q, NULL);
}

static void
remedy_list(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ListRemediesRequest, sealdesk__v1__list_remedies_request, q);
    Sealdesk__V1__RemedyList pb = SEALDESK__V1__REMEDY_LIST__INIT;
    struct sd_remedy_list l = {0};
    struct sd_arena a = {0};
    enum sd_remedy_state st = 0;
    const char *why = NULL;
    sd_err err;

    if(!sd_rpc_empty(q->state) && sd_remedy_state_parse(&st, q->state) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unknown remedy state");
        goto out;
    }
    err = sd_remedy_list(x->d, &x->actor, (int)st, &l, &why);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.remedies = sd_arena_alloc(&a, (l.n + 1) * sizeof(*pb.remedies));
        err = pb.remedies ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < l.n; i++) {
        Sealdesk__V1__Remedy *m = sd_arena_alloc(&a, sizeof(*m));

        err = m ? remedy_to_pb(&a, &l.items[i], m) : SD_E_NOMEM;
        if(err == SD_OK)
            pb.remedies[pb.n_remedies++] = m;
    }
    if(err != SD_OK)
        refuse(c, err, why, "list");
    else
        sd_rpc_reply(c, &pb.base);
    sd_arena_free(&a);
    sd_remedy_list_clear(&l);
out:
    sealdesk__v1__list_remedies_request__free_unpacked(q, NULL);
}

static void
remedy_customer(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__CustomerRequest, sealdesk__v1__customer_request, q);
    Sealdesk__V1__CustomerInfo pb = SEALDESK__V1__CUSTOMER_INFO__INIT;
    struct sd_customer_status cs;
    struct sd_arena a = {0};
    const char *why = NULL;
    sd_err err;

    err = sd_customer_get(x->d, &x->actor, q->uid, &cs, &why);
    if(err != SD_OK) {
        refuse(c, err, why, "customer");
        goto out;
    }
    pb.uid = cs.uid_masked;
    pb.frozen = cs.frozen;
    pb.freeze_id = cs.freeze_id;
    pb.frozen_at = cs.frozen ? tstr(&a, cs.frozen_at) : (char *)"";
    pb.frozen_by = cs.frozen_by;
    pb.ticket_id = cs.ticket_id;
    pb.review_id = cs.review_id;
    pb.review_state = cs.frozen ? (char *)sd_remedy_state_name(cs.review_state) : (char *)"";
    pb.reason = cs.reason;
    if(!pb.frozen_at)
        sd_rpc_fail(c, SD_E_NOMEM, "customer");
    else
        sd_rpc_reply(c, &pb.base);
out:
    sd_arena_free(&a);
    sealdesk__v1__customer_request__free_unpacked(q, NULL);
}

const struct sd_rpc_method sd_rpc_methods_remedy[] = {
    {"/sealdesk.v1.Remedies/Request", remedy_request, SD_OP_REMEDY_REQUEST, false},
    {"/sealdesk.v1.Remedies/Approve", remedy_approve, SD_OP_REMEDY_APPROVE, false},
    {"/sealdesk.v1.Remedies/Reject", remedy_reject, SD_OP_REMEDY_APPROVE, false},
    {"/sealdesk.v1.Remedies/Get", remedy_get, SD_OP_REMEDY_READ, false},
    {"/sealdesk.v1.Remedies/List", remedy_list, SD_OP_REMEDY_READ, false},
    {"/sealdesk.v1.Remedies/Execute", remedy_execute, SD_OP_REMEDY_EXECUTE, false},
    {"/sealdesk.v1.Remedies/Freeze", remedy_freeze, SD_OP_FREEZE, false},
    {"/sealdesk.v1.Remedies/Review", remedy_review, SD_OP_REMEDY_APPROVE, false},
    {"/sealdesk.v1.Remedies/GetCustomer", remedy_customer, SD_OP_CUSTOMER_READ, false},
};
const size_t sd_rpc_methods_remedy_n =
    sizeof(sd_rpc_methods_remedy) / sizeof(sd_rpc_methods_remedy[0]);
