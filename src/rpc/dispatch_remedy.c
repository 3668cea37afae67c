/* Remedies service: maker-checker remedies and the emergency freeze (remedy/remedy.c). Refusals
 * carry the desk's stable reason, e.g. "PERMISSION_DENIED: the requester cannot approve their
 * own remedy". */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "dispatch_int.h"
#include "remedies.pb-c.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/clock.h"
#include "sealdesk/remedy.h"

static sd_err
approval_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__RemedyApprovalView *v = pb;
    const struct sd_remedy_approval *ap = (const struct sd_remedy_approval *)src + i;

    v->user = (char *)ap->user;
    v->at = sd_rpc_time(a, ap->at);
    return v->at ? SD_OK : SD_E_NOMEM;
}

/* Fill pb from remedy src (item i); strings borrowed from it (read-only) or kept in a. */
static sd_err
remedy_item(struct sd_arena *a, void *m, const void *src, size_t i)
{
    Sealdesk__V1__Remedy *pb = m;
    struct sd_remedy *r = (struct sd_remedy *)src + i;
    sd_err err = SD_OK;

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
    pb->created_at = sd_rpc_time(a, r->created_at);
    pb->expires_at = sd_rpc_time(a, r->expires_at);
    pb->executed_at = sd_rpc_time(a, r->executed_at);
    pb->executed_by = r->executed_by;
    pb->rejected_by = r->rejected_by;
    pb->reject_reason = r->reject_reason;
    pb->idempotency_key = r->idempotency_key;
    pb->freeze_id = r->freeze_id;
    pb->destination_is_customer = r->dest_is_customer;
    pb->destination_reason = r->destination_reason;
    if(sd_remedy_kind_moves_funds(r->kind) && r->priced) {
        char usdt[32];

        snprintf(usdt, sizeof(usdt), "%" PRIu64 ".%06" PRIu64, r->amount_usdt_micro / 1000000u,
                 r->amount_usdt_micro % 1000000u);
        pb->amount_usdt = sd_arena_alloc(a, strlen(usdt) + 1);
        if(!pb->amount_usdt)
            return SD_E_NOMEM;
        memcpy(pb->amount_usdt, usdt, strlen(usdt) + 1);
    }
    if(r->unmasked) {
        pb->to_uid_unmasked = r->to_uid;
        pb->customer_uid = r->customer_uid;
    }
    pb->approvals = sd_rpc_list(a, &sealdesk__v1__remedy_approval_view__descriptor, r->n_approvals,
                                approval_item, r->approvals, &pb->n_approvals, &err);
    if(!pb->created_at || !pb->expires_at || !pb->executed_at)
        return SD_E_NOMEM;
    return err;
}

static void
reply_remedy(struct sd_rpc_ctx *x, struct sd_rpc_call *c, sd_err err, const char *why,
             const struct sd_remedy *r, const char *what)
{
    if(err != SD_OK)
        sd_rpc_refuse(c, err, why, what);
    else
        sd_rpc_answer_item(c, &x->a, err, &sealdesk__v1__remedy__descriptor, remedy_item, r, what);
}

static void
remedy_request(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__RequestRemedyRequest *q = req;
    struct sd_remedy_new in = {0};
    struct sd_remedy r;
    const char *why = NULL;
    enum sd_remedy_kind kind;
    sd_err err;

    if(sd_remedy_kind_parse(&kind, q->kind) != SD_OK) {
        sd_rpc_invalid(c, "unknown remedy kind");
        return;
    }
    in.ticket_id = q->ticket_id;
    in.kind = kind;
    in.asset = q->asset;
    in.amount = q->amount;
    in.to_uid = q->to_uid;
    in.justification = q->justification;
    in.destination_reason = q->destination_reason;
    err = sd_remedy_request(x->d, &x->actor, &in, &r, &why);
    reply_remedy(x, c, err, why, &r, "request");
}

/* The methods that act on one remedy and answer it; the table's .arg says which. */
enum remedy_call {
    RC_APPROVE,
    RC_REJECT,
    RC_GET,
    RC_REVIEW,
    RC_EXECUTE,
    RC_FREEZE
};

static void
remedy_one(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    static const char *const what[] = {"approve", "reject", "get", "review", "execute", "freeze"};
    const Sealdesk__V1__RemedyIdRequest *id = req;
    const Sealdesk__V1__RejectRemedyRequest *rj = req;
    const Sealdesk__V1__ExecuteRemedyRequest *ex = req;
    const Sealdesk__V1__FreezeRequest *fr = req;
    enum remedy_call k = (enum remedy_call)x->m->arg;
    struct sd_remedy r;
    const char *why = NULL;
    sd_err err = SD_E_INTERNAL;

    /* Call first: `why` is set by the call, and argument evaluation order is unspecified. */
    switch(k) {
    case RC_APPROVE:
        err = sd_remedy_approve(x->d, &x->actor, id->id, &r, &why);
        break;
    case RC_REJECT:
        err = sd_remedy_reject(x->d, &x->actor, rj->id, rj->reason, &r, &why);
        break;
    case RC_GET:
        err = sd_remedy_get(x->d, &x->actor, id->id, &r, &why);
        break;
    case RC_REVIEW:
        err = sd_remedy_review(x->d, &x->actor, id->id, &r, &why);
        break;
    case RC_EXECUTE:
        err = sd_remedy_execute(x->d, &x->actor, ex->id, ex->idempotency_key, &r, &why);
        break;
    case RC_FREEZE:
        err = sd_freeze(x->d, &x->actor, fr->customer_uid, fr->ticket_id, fr->reason, &r, &why);
        break;
    }
    reply_remedy(x, c, err, why, &r, what[k]);
    sodium_memzero(&r, sizeof(r)); /* a review holds the unmasked destination */
}

static void
remedy_list(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ListRemediesRequest *q = req;
    Sealdesk__V1__RemedyList pb = SEALDESK__V1__REMEDY_LIST__INIT;
    struct sd_remedy_list l = {0};
    enum sd_remedy_state st = 0;
    const char *why = NULL;
    sd_err err;

    if(!sd_rpc_empty(q->state) && sd_remedy_state_parse(&st, q->state) != SD_OK) {
        sd_rpc_invalid(c, "unknown remedy state");
        return;
    }
    err = sd_remedy_list(x->d, &x->actor, (int)st, &l, &why);
    pb.remedies = sd_rpc_list(&x->a, &sealdesk__v1__remedy__descriptor, l.n, remedy_item, l.items,
                              &pb.n_remedies, &err);
    if(err != SD_OK)
        sd_rpc_refuse(c, err, why, "list");
    else
        sd_rpc_reply(c, &pb.base);
    sd_remedy_list_clear(&l);
}

static void
remedy_customer(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__CustomerRequest *q = req;
    Sealdesk__V1__CustomerInfo pb = SEALDESK__V1__CUSTOMER_INFO__INIT;
    struct sd_customer_status cs;
    const char *why = NULL;
    sd_err err;

    err = sd_customer_get(x->d, &x->actor, q->uid, &cs, &why);
    if(err != SD_OK) {
        sd_rpc_refuse(c, err, why, "customer");
        return;
    }
    pb.uid = cs.uid_masked;
    pb.frozen = cs.frozen;
    pb.freeze_id = cs.freeze_id;
    pb.frozen_at = cs.frozen ? sd_rpc_time(&x->a, cs.frozen_at) : (char *)"";
    pb.frozen_by = cs.frozen_by;
    pb.ticket_id = cs.ticket_id;
    pb.review_id = cs.review_id;
    pb.review_state = cs.frozen ? (char *)sd_remedy_state_name(cs.review_state) : (char *)"";
    pb.reason = cs.reason;
    sd_rpc_answer(c, pb.frozen_at ? SD_OK : SD_E_NOMEM, &pb.base, "customer");
}

/* clang-format off: one row a method, aligned for reading */
const struct sd_rpc_method sd_rpc_methods_remedy[] = {
    SD_RPC_METHOD("/sealdesk.v1.Remedies/Request", sealdesk__v1__request_remedy_request,
                  remedy_request, SD_OP_REMEDY_REQUEST),
    SD_RPC_METHOD("/sealdesk.v1.Remedies/Approve", sealdesk__v1__remedy_id_request, remedy_one,
                  SD_OP_REMEDY_APPROVE, .arg = RC_APPROVE),
    SD_RPC_METHOD("/sealdesk.v1.Remedies/Reject", sealdesk__v1__reject_remedy_request, remedy_one,
                  SD_OP_REMEDY_APPROVE, .arg = RC_REJECT),
    SD_RPC_METHOD("/sealdesk.v1.Remedies/Get", sealdesk__v1__remedy_id_request, remedy_one,
                  SD_OP_REMEDY_READ, .arg = RC_GET),
    SD_RPC_METHOD("/sealdesk.v1.Remedies/List", sealdesk__v1__list_remedies_request, remedy_list,
                  SD_OP_REMEDY_READ),
    SD_RPC_METHOD("/sealdesk.v1.Remedies/Execute", sealdesk__v1__execute_remedy_request, remedy_one,
                  SD_OP_REMEDY_EXECUTE, .arg = RC_EXECUTE),
    SD_RPC_METHOD("/sealdesk.v1.Remedies/Freeze", sealdesk__v1__freeze_request, remedy_one,
                  SD_OP_FREEZE, .arg = RC_FREEZE),
    SD_RPC_METHOD("/sealdesk.v1.Remedies/Review", sealdesk__v1__remedy_id_request, remedy_one,
                  SD_OP_REMEDY_APPROVE, .arg = RC_REVIEW),
    SD_RPC_METHOD("/sealdesk.v1.Remedies/GetCustomer", sealdesk__v1__customer_request,
                  remedy_customer, SD_OP_CUSTOMER_READ),
};
/* clang-format on */
const size_t sd_rpc_methods_remedy_n =
    sizeof(sd_rpc_methods_remedy) / sizeof(sd_rpc_methods_remedy[0]);
