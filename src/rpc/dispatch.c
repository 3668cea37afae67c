/* Method dispatch: authenticate the session, apply the role x operation policy, decode the
 * request protobuf, call the desk, encode the reply, map sd_err to a gRPC status. The only file
 * of src/rpc that knows about tickets; the transport hands it complete calls on a worker
 * thread. Every method but Auth/Login and Health needs `authorization: Bearer <token>`. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "health.pb-c.h"
#include "dispatch_int.h"
#include "rpc_convert.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/desk.h"
#include "sealdesk/log.h"
#include "sealdesk/rpc.h"

#define EXPORT_CHUNK (256 * 1024)

/* Operation-level check beyond the method's own (e.g. Get with unmask). */
bool
sd_rpc_allowed(struct sd_rpc_ctx *x, struct sd_rpc_call *c, enum sd_op op)
{
    if(sd_policy_allows(x->actor.roles, op))
        return true;
    sd_rpc_call_status(c, SD_GRPC_PERMISSION_DENIED, "role may not %s", sd_op_name(op));
    return false;
}

void
sd_rpc_reply(struct sd_rpc_call *c, const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(n ? n : 1);
    sd_err err;

    if(!buf) {
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    protobuf_c_message_pack(m, buf);
    err = sd_rpc_call_reply(c, buf, n);
    sodium_memzero(buf, n); /* may hold unmasked PII */
    free(buf);
    if(err != SD_OK)
        sd_rpc_call_status(c, sd_grpc_status_from_err(err), "reply too large");
    else
        sd_rpc_call_status(c, SD_GRPC_OK, "%s", "");
}

void
sd_rpc_fail(struct sd_rpc_call *c, sd_err err, const char *what)
{
    if(err == SD_E_EMPTY)
        sd_rpc_call_status(c, SD_GRPC_NOT_FOUND, "queue empty");
    else
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s: %s", what,
                           sd_err_str(err));
}

void
sd_rpc_bad_request(struct sd_rpc_call *c)
{
    sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "malformed request message");
}

bool
sd_rpc_empty(const char *s)
{
    return !s || !*s;
}

static void
reply_ticket(struct sd_rpc_call *c, sd_err err, struct sd_ticket *t, bool full,
             const char *what)
{
    Sealdesk__V1__Ticket pb;
    struct sd_arena a = {0};

    if(err != SD_OK) {
        sd_rpc_fail(c, err, what);
        return;
    }
    err = sd_ticket_to_pb(&a, t, full, &pb);
    if(err != SD_OK)
        sd_rpc_fail(c, err, what);
    else
        sd_rpc_reply(c, &pb.base);
    sd_arena_free(&a);
    sd_ticket_clear(t);
}

static void
reply_list(struct sd_rpc_call *c, sd_err err, struct sd_ticket_list *l, const char *what)
{
    Sealdesk__V1__TicketList pb = SEALDESK__V1__TICKET_LIST__INIT;
    struct sd_arena a = {0};

    if(err != SD_OK) {
        sd_rpc_fail(c, err, what);
        return;
    }
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    pb.tickets = sd_arena_alloc(&a, (l->n + 1) * sizeof(*pb.tickets));
    for(size_t i = 0; pb.tickets && i < l->n && err == SD_OK; i++) {
        pb.tickets[i] = sd_arena_alloc(&a, sizeof(Sealdesk__V1__Ticket));
        if(!pb.tickets[i])
            err = SD_E_NOMEM;
        else
            err = sd_ticket_to_pb(&a, &l->items[i], false, pb.tickets[i]);
        pb.n_tickets = i + 1;
    }
    if(!pb.tickets)
        err = SD_E_NOMEM;
    if(err != SD_OK)
        sd_rpc_fail(c, err, what);
    else
        sd_rpc_reply(c, &pb.base);
    sd_arena_free(&a);
    sd_ticket_list_clear(l);
}

/* The request as the library's input; false with the status set when a name is unknown.
 * in points into r. */
static bool
create_input(struct sd_rpc_call *c, const Sealdesk__V1__CreateTicketRequest *r,
             struct sd_ticket_new *in)
{
    enum sd_category cat;

    memset(in, 0, sizeof(*in));
    in->category = -1;
    if(sd_channel_parse(&in->channel, r->channel) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unknown channel");
        return false;
    }
    if(!sd_rpc_empty(r->category)) {
        if(sd_category_parse(&cat, r->category) != SD_OK) {
            sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unknown category");
            return false;
        }
        in->category = (int)cat;
    }
    if(!sd_rpc_empty(r->priority) && sd_priority_parse(&in->priority, r->priority) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "priority must be P1..P4");
        return false;
    }
    in->vip = r->vip;
    in->field[SD_F_SUBJECT] = r->subject;
    in->field[SD_F_BODY] = r->body;
    in->field[SD_F_CUSTOMER_NAME] = r->customer_name;
    in->field[SD_F_CUSTOMER_EMAIL] = r->customer_email;
    in->field[SD_F_CUSTOMER_PHONE] = r->customer_phone;
    in->field[SD_F_CUSTOMER_UID] = r->customer_uid;
    in->field[SD_F_NATIONAL_ID] = r->national_id;
    in->field[SD_F_WALLETS] = r->wallets;
    in->field[SD_F_IP_ADDRESS] = r->ip_address;
    return true;
}

/* What the worker prepared for the writer: the request, its input view and the library's
 * prepared ticket (redacted text: wiped on free). */
struct create_prep {
    Sealdesk__V1__CreateTicketRequest *r;
    struct sd_ticket_new in;
    struct sd_ticket_prep *p;
};

static void
create_prep_free(void *v)
{
    struct create_prep *cp = v;

    if(!cp)
        return;
    sd_ticket_prep_free(cp->p);
    sealdesk__v1__create_ticket_request__free_unpacked(cp->r, NULL);
    free(cp);
}

/* On a worker: everything but the write txn (sd_ticket_prepare). */
static void
tickets_create_prepare(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    struct create_prep *cp = calloc(1, sizeof(*cp));
    sd_err err;

    if(!cp) {
        sd_rpc_fail(c, SD_E_NOMEM, "create");
        return;
    }
    cp->r = sealdesk__v1__create_ticket_request__unpack(NULL, c->req_len, c->req);
    if(!cp->r) {
        sd_rpc_bad_request(c);
        goto fail;
    }
    if(!create_input(c, cp->r, &cp->in))
        goto fail;
    err = sd_ticket_prepare(x->d, &cp->in, &cp->p);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "create");
        goto fail;
    }
    c->prep = cp;
    c->prep_free = create_prep_free;
    return;
fail:
    create_prep_free(cp);
}

/* On the writer: the txn part when a worker prepared the call, else all of it. */
static void
tickets_create(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    struct create_prep *cp = c->prep_free == create_prep_free ? c->prep : NULL;
    struct sd_ticket_new in;
    struct sd_ticket t;
    Sealdesk__V1__CreateTicketRequest *r;

    if(cp) {
        reply_ticket(c, sd_ticket_create_prepared(x->d, &x->actor, cp->p, &t), &t, false,
                     "create");
        return;
    }
    r = sealdesk__v1__create_ticket_request__unpack(NULL, c->req_len, c->req);
    if(!r) {
        sd_rpc_bad_request(c);
        return;
    }
    if(create_input(c, r, &in))
        reply_ticket(c, sd_ticket_create(x->d, &x->actor, &in, &t), &t, false, "create");
    sealdesk__v1__create_ticket_request__free_unpacked(r, NULL);
}

static void
tickets_get(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__GetTicketRequest, sealdesk__v1__get_ticket_request, r);
    struct sd_ticket t;
    sd_err err;

    if(r->unmask && !sd_rpc_allowed(x, c, SD_OP_TICKET_UNMASK))
        goto out;
    if(r->unmask && sd_rpc_empty(r->reason)) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unmask needs a reason");
        goto out;
    }
    err = sd_ticket_get(x->d, &x->actor, r->id, r->unmask,
                        sd_rpc_empty(r->reason) ? NULL : r->reason, &t);
    if(err == SD_E_DENIED)
        sd_rpc_call_status(c, SD_GRPC_PERMISSION_DENIED,
                           r->unmask ? "unmask is for the assignee, supervisors and compliance"
                                     : "agents see their own and queued tickets only");
    else if(err == SD_E_LIMIT)
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED, "unmask limit reached (%d per hour)",
                           SD_UNMASK_PER_HOUR);
    else if(err == SD_E_CRYPTO)
        sd_rpc_call_status(c, SD_GRPC_DATA_LOSS, "ticket data failed its integrity check");
    else
        reply_ticket(c, err, &t, true, "get");
out:
    sealdesk__v1__get_ticket_request__free_unpacked(r, NULL);
}

static void
tickets_list(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ListTicketsRequest, sealdesk__v1__list_tickets_request, r);
    struct sd_ticket_filter f = {.category = -1};
    struct sd_ticket_list l;
    enum sd_category cat;

    if(!sd_rpc_empty(r->status) &&
       (sd_status_parse(&f.status, r->status) != SD_OK || f.status == SD_ST_REOPEN)) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unknown status");
        goto out;
    }
    if(!sd_rpc_empty(r->category)) {
        if(sd_category_parse(&cat, r->category) != SD_OK) {
            sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unknown category");
            goto out;
        }
        f.category = (int)cat;
    }
    f.assignee = sd_rpc_empty(r->assignee) ? NULL : r->assignee;
    reply_list(c, sd_ticket_list(x->d, &f, &l), &l, "list");
out:
    sealdesk__v1__list_tickets_request__free_unpacked(r, NULL);
}

static void
tickets_find(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__FindTicketsRequest, sealdesk__v1__find_tickets_request, r);
    struct sd_ticket_list l;
    int given = !sd_rpc_empty(r->customer_email) + !sd_rpc_empty(r->customer_uid) +
                !sd_rpc_empty(r->customer_phone);

    if(given != 1) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT,
                           "give exactly one of customer_email, customer_uid, customer_phone");
    } else if(!sd_rpc_empty(r->customer_email)) {
        reply_list(c, sd_ticket_find(x->d, &x->actor, SD_F_CUSTOMER_EMAIL, r->customer_email,
                                     &l), &l, "find");
    } else if(!sd_rpc_empty(r->customer_uid)) {
        reply_list(c, sd_ticket_find(x->d, &x->actor, SD_F_CUSTOMER_UID, r->customer_uid, &l),
                   &l, "find");
    } else {
        reply_list(c, sd_ticket_find(x->d, &x->actor, SD_F_CUSTOMER_PHONE, r->customer_phone,
                                     &l), &l, "find");
    }
    sealdesk__v1__find_tickets_request__free_unpacked(r, NULL);
}

static void
tickets_transition(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__TransitionRequest, sealdesk__v1__transition_request, r);
    struct sd_ticket t;
    int to;
    sd_err err;

    if(sd_status_parse(&to, r->to) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unknown status");
    } else {
        err = sd_ticket_transition(x->d, &x->actor, r->id, to, &t);
        if(err == SD_E_PRECONDITION)
            sd_rpc_call_status(c, SD_GRPC_FAILED_PRECONDITION, "illegal status transition");
        else
            reply_ticket(c, err, &t, false, "transition");
    }
    sealdesk__v1__transition_request__free_unpacked(r, NULL);
}

static void
tickets_assign(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__AssignRequest, sealdesk__v1__assign_request, r);
    struct sd_ticket t;

    reply_ticket(c, sd_ticket_assign(x->d, &x->actor, r->id, r->agent, &t), &t, false,
                 "assign");
    sealdesk__v1__assign_request__free_unpacked(r, NULL);
}

static void
tickets_comment(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__CommentRequest, sealdesk__v1__comment_request, r);
    struct sd_ticket t;

    if(r->from_article && (!sd_rpc_empty(r->body) || r->internal))
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT,
                           "comment: from_article posts a public reply and takes no body");
    else if(r->from_article)
        reply_ticket(c, sd_ticket_comment_article(x->d, &x->actor, r->id, r->from_article, &t),
                     &t, false, "comment from article");
    else
        reply_ticket(c, sd_ticket_comment(x->d, &x->actor, r->id, r->body, r->internal, &t),
                     &t, false, "comment");
    sealdesk__v1__comment_request__free_unpacked(r, NULL);
}

static void
tickets_rate(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RateRequest, sealdesk__v1__rate_request, r);
    struct sd_ticket t;
    sd_err err = sd_ticket_rate(x->d, &x->actor, r->id, r->csat, &t);

    if(err == SD_E_CONFLICT)
        sd_rpc_call_status(c, SD_GRPC_ALREADY_EXISTS, "ticket already rated");
    else if(err == SD_E_PRECONDITION)
        sd_rpc_call_status(c, SD_GRPC_FAILED_PRECONDITION, "only resolved tickets can be rated");
    else
        reply_ticket(c, err, &t, false, "rate");
    sealdesk__v1__rate_request__free_unpacked(r, NULL);
}

static void
tickets_claim(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ClaimNextRequest, sealdesk__v1__claim_next_request, r);
    struct sd_ticket t;

    reply_ticket(c, sd_queue_claim(x->d, &x->actor, r->agent, &t), &t, false, "claim");
    sealdesk__v1__claim_next_request__free_unpacked(r, NULL);
}

static bool
parse_now(struct sd_rpc_call *c, const char *s, uint64_t *now)
{
    *now = sd_clock_now();
    if(!sd_rpc_empty(s) && sd_time_parse(now, s) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "now must be RFC 3339");
        return false;
    }
    return true;
}

static void
tickets_overdue(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__OverdueRequest, sealdesk__v1__overdue_request, r);
    struct sd_ticket_list l;
    uint64_t now;

    if(parse_now(c, r->now, &now))
        reply_list(c, sd_sla_overdue(x->d, now, &l), &l, "overdue");
    sealdesk__v1__overdue_request__free_unpacked(r, NULL);
}

/* One counter group of s as a protobuf map (all four maps have the same layout: string key,
 * uint64 value). NULL when out of memory. */
static Sealdesk__V1__TicketStats__ByStatusEntry **
counts(struct sd_arena *a, const struct sd_stats *s, enum sd_stats_group g, size_t *n)
{
    struct sd_count v[SD_STATS_GROUP_MAX];
    size_t k = sd_stats_group(s, g, v);
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    Sealdesk__V1__TicketStats__ByStatusEntry **arr = sd_arena_alloc(a, (k + 1) * sizeof(*arr));

    *n = 0;
    for(size_t i = 0; arr && i < k; i++) {
        Sealdesk__V1__TicketStats__ByStatusEntry *e = sd_arena_alloc(a, sizeof(*e));

        if(!e)
            return NULL;
        sealdesk__v1__ticket_stats__by_status_entry__init(e);
        e->key = (char *)v[i].name;
        e->value = v[i].value;
        arr[(*n)++] = e;
    }
    return arr;
}

static void
tickets_stats(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__StatsRequest, sealdesk__v1__stats_request, r);
    Sealdesk__V1__TicketStats pb = SEALDESK__V1__TICKET_STATS__INIT;
    struct sd_arena a = {0};
    struct sd_stats s;
    uint64_t now;
    sd_err err;

    if(!parse_now(c, r->now, &now))
        goto out;
    err = sd_stats(x->d, now, &s);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "stats");
        goto out;
    }
    pb.total = s.total;
    pb.by_status = counts(&a, &s, SD_SG_STATUS, &pb.n_by_status);
    pb.by_category = (Sealdesk__V1__TicketStats__ByCategoryEntry **)counts(
        &a, &s, SD_SG_CATEGORY, &pb.n_by_category);
    pb.by_priority = (Sealdesk__V1__TicketStats__ByPriorityEntry **)counts(
        &a, &s, SD_SG_PRIORITY, &pb.n_by_priority);
    pb.by_channel = (Sealdesk__V1__TicketStats__ByChannelEntry **)counts(
        &a, &s, SD_SG_CHANNEL, &pb.n_by_channel);
    if(!pb.by_status || !pb.by_category || !pb.by_priority || !pb.by_channel) {
        sd_rpc_fail(c, SD_E_NOMEM, "stats");
        goto out;
    }
    pb.median_first_response_seconds = s.n_first_response ? (int64_t)s.median_first_response
                                                          : -1;
    pb.median_resolution_seconds = s.n_resolved ? (int64_t)s.median_resolution : -1;
    pb.sla_breaches = s.sla_breaches;
    pb.csat_count = s.csat_count;
    pb.csat_average = s.csat_average;
    pb.redacted_tickets = s.redacted;
    sd_rpc_reply(c, &pb.base);
out:
    sd_arena_free(&a);
    sealdesk__v1__stats_request__free_unpacked(r, NULL);
}

static void
tickets_triage(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__TriageRequest, sealdesk__v1__triage_request, r);
    Sealdesk__V1__TriageResult pb = SEALDESK__V1__TRIAGE_RESULT__INIT;
    struct sd_triage_result t;
    char *sigs[SD_TRIAGE_MAX_SIGNALS];
    sd_err err = sd_desk_triage(x->d, r->text, strlen(r->text), r->vip, &t);

    if(err != SD_OK) {
        sd_rpc_fail(c, err, "triage");
    } else {
        pb.category = (char *)sd_category_name(t.category);
        pb.priority = (char *)sd_priority_name(t.priority);
        pb.fund_safety = t.fund_safety;
        for(size_t i = 0; i < t.n_signals; i++)
            sigs[i] = t.signals[i];
        pb.signals = sigs;
        pb.n_signals = t.n_signals;
        sd_rpc_reply(c, &pb.base);
    }
    sealdesk__v1__triage_request__free_unpacked(r, NULL);
}

static void
audit_checkpoint(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__GetCheckpointRequest, sealdesk__v1__get_checkpoint_request, r);
    Sealdesk__V1__SignedCheckpoint pb = SEALDESK__V1__SIGNED_CHECKPOINT__INIT;
    struct sd_checkpoint cp;
    struct sd_buf note = SD_BUF_INIT;
    sd_err err = sd_desk_audit_checkpoint(x->d, &x->actor, r->fresh, &cp);

    if(err == SD_OK)
        err = sd_checkpoint_note(&note, &cp);
    if(err == SD_OK)
        err = sd_buf_terminate(&note);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "checkpoint");
    } else {
        pb.tree_size = cp.size;
        pb.root = (ProtobufCBinaryData){32, cp.root};
        pb.time = cp.time;
        pb.signature = (ProtobufCBinaryData){SD_SIG_BYTES, cp.sig};
        pb.public_key = (ProtobufCBinaryData){SD_SIG_PK_BYTES, cp.pk};
        pb.note = (char *)note.data;
        sd_rpc_reply(c, &pb.base);
    }
    sd_buf_free(&note);
    sealdesk__v1__get_checkpoint_request__free_unpacked(r, NULL);
}

static void
audit_inclusion(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__InclusionProofRequest, sealdesk__v1__inclusion_proof_request, r);
    Sealdesk__V1__InclusionProof pb = SEALDESK__V1__INCLUSION_PROOF__INIT;
    uint8_t proof[SD_MERKLE_MAX_PROOF][32], leaf[32], root[32];
    ProtobufCBinaryData items[SD_MERKLE_MAX_PROOF];
    uint64_t size = r->tree_size;
    size_t np = 0;
    sd_err err = sd_desk_audit_inclusion(x->d, r->index, &size, proof, &np, leaf, root);

    if(err != SD_OK) {
        sd_rpc_fail(c, err, "inclusion proof");
    } else {
        for(size_t i = 0; i < np; i++)
            items[i] = (ProtobufCBinaryData){32, proof[i]};
        pb.index = r->index;
        pb.tree_size = size;
        pb.leaf_hash = (ProtobufCBinaryData){32, leaf};
        pb.root = (ProtobufCBinaryData){32, root};
        pb.proof = items;
        pb.n_proof = np;
        sd_rpc_reply(c, &pb.base);
    }
    sealdesk__v1__inclusion_proof_request__free_unpacked(r, NULL);
}

static void
audit_consistency(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ConsistencyProofRequest,
                  sealdesk__v1__consistency_proof_request, r);
    Sealdesk__V1__ConsistencyProof pb = SEALDESK__V1__CONSISTENCY_PROOF__INIT;
    uint8_t proof[SD_MERKLE_MAX_PROOF][32], rm[32], rn[32];
    ProtobufCBinaryData items[SD_MERKLE_MAX_PROOF];
    uint64_t n = r->to_size;
    size_t np = 0;
    sd_err err = sd_desk_audit_consistency(x->d, r->from_size, &n, proof, &np, rm, rn);

    if(err != SD_OK) {
        sd_rpc_fail(c, err, "consistency proof");
    } else {
        for(size_t i = 0; i < np; i++)
            items[i] = (ProtobufCBinaryData){32, proof[i]};
        pb.from_size = r->from_size;
        pb.to_size = n;
        pb.proof = items;
        pb.n_proof = np;
        pb.from_root = (ProtobufCBinaryData){32, rm};
        pb.to_root = (ProtobufCBinaryData){32, rn};
        sd_rpc_reply(c, &pb.base);
    }
    sealdesk__v1__consistency_proof_request__free_unpacked(r, NULL);
}

static void
audit_export(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ExportRequest, sealdesk__v1__export_request, r);
    struct sd_buf all = SD_BUF_INIT;
    sd_err err = sd_desk_audit_export_mem(x->d, &x->actor, r->from, &all);

    for(size_t off = 0; err == SD_OK && off < all.len; off += EXPORT_CHUNK) {
        Sealdesk__V1__ExportChunk pb = SEALDESK__V1__EXPORT_CHUNK__INIT;
        size_t n = all.len - off < EXPORT_CHUNK ? all.len - off : EXPORT_CHUNK;
        uint8_t *buf;

        pb.data = (ProtobufCBinaryData){n, all.data + off};
        buf = malloc(sealdesk__v1__export_chunk__get_packed_size(&pb));
        if(!buf) {
            err = SD_E_NOMEM;
            break;
        }
        err = sd_rpc_call_reply(c, buf, sealdesk__v1__export_chunk__pack(&pb, buf));
        free(buf);
    }
    if(err != SD_OK)
        sd_rpc_fail(c, err, "export");
    else
        sd_rpc_call_status(c, SD_GRPC_OK, "%s", "");
    sd_buf_free(&all);
    sealdesk__v1__export_request__free_unpacked(r, NULL);
}

static void
health_check(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Grpc__Health__V1__HealthCheckRequest, grpc__health__v1__health_check_request, r);
    Grpc__Health__V1__HealthCheckResponse pb = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;

    (void)x;
    if(sd_rpc_empty(r->service) || strcmp(r->service, "sealdesk.v1.Tickets") == 0 ||
       strcmp(r->service, "sealdesk.v1.Audit") == 0)
        pb.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
    else
        pb.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVICE_UNKNOWN;
    grpc__health__v1__health_check_request__free_unpacked(r, NULL);
    sd_rpc_reply(c, &pb.base);
}

static void
auth_login(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__LoginRequest, sealdesk__v1__login_request, r);
    Sealdesk__V1__LoginResponse pb = SEALDESK__V1__LOGIN_RESPONSE__INIT;
    char token[SD_TOKEN_HEX + 1], exp[32], roles[96];
    uint64_t expires = 0;
    unsigned rmask = 0;
    sd_err err;

    err = sd_desk_login(x->d, r->name, r->password, r->totp, x->fingerprint,
                        x->actor.request_id, token, &expires, &rmask);
    if(err == SD_E_UNAUTH) {
        sd_rpc_call_status(c, SD_GRPC_UNAUTHENTICATED, "bad credentials");
    } else if(err == SD_E_DENIED) {
        sd_rpc_call_status(c, SD_GRPC_PERMISSION_DENIED, "account locked or disabled");
    } else if(err != SD_OK) {
        sd_rpc_fail(c, err, "login");
    } else {
        sd_time_format(exp, sizeof(exp), expires);
        sd_roles_format(roles, sizeof(roles), rmask);
        pb.token = token;
        pb.expires_at = exp;
        pb.user = r->name;
        pb.roles = roles;
        sd_rpc_reply(c, &pb.base);
    }
    sodium_memzero(token, sizeof(token));
    if(r->password)
        sodium_memzero(r->password, strlen(r->password));
    sealdesk__v1__login_request__free_unpacked(r, NULL);
}

static void
auth_logout(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__LogoutRequest, sealdesk__v1__logout_request, r);
    Sealdesk__V1__LogoutResponse pb = SEALDESK__V1__LOGOUT_RESPONSE__INIT;
    sd_err err = sd_desk_logout(x->d, &x->actor, x->token);

    if(err != SD_OK)
        sd_rpc_fail(c, err, "logout");
    else
        sd_rpc_reply(c, &pb.base);
    sealdesk__v1__logout_request__free_unpacked(r, NULL);
}

static void
user_reply(struct sd_rpc_call *c, sd_err err, const struct sd_user *u, const char *what)
{
    Sealdesk__V1__UserInfo pb = SEALDESK__V1__USER_INFO__INIT;
    char roles[96], created[32], locked[32];

    if(err != SD_OK) {
        sd_rpc_fail(c, err, what);
        return;
    }
    sd_roles_format(roles, sizeof(roles), u->roles);
    sd_time_format(created, sizeof(created), u->created_at);
    sd_time_format(locked, sizeof(locked), u->locked_until);
    pb.name = (char *)u->name;
    pb.roles = roles;
    pb.disabled = u->disabled;
    pb.totp = u->totp;
    pb.created_at = created;
    pb.failed_logins = u->failed_logins;
    pb.locked_until = locked;
    sd_rpc_reply(c, &pb.base);
}

static void
admin_add_user(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__AddUserRequest, sealdesk__v1__add_user_request, r);
    Sealdesk__V1__AddUserResponse pb = SEALDESK__V1__ADD_USER_RESPONSE__INIT;
    char password[SD_PASSWORD_MAX + 1], uri[256], roles[96];
    unsigned mask;
    sd_err err;

    if(sd_roles_parse(&mask, r->roles) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "unknown role");
        goto out;
    }
    err = sd_desk_user_add(x->d, &x->actor, r->name, mask, r->no_totp,
                           sd_rpc_empty(r->cert_fingerprint) ? NULL : r->cert_fingerprint, password,
                           uri);
    if(err == SD_E_CONFLICT) {
        sd_rpc_call_status(c, SD_GRPC_ALREADY_EXISTS, "user exists");
    } else if(err == SD_E_INVALID) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT,
                           "bad name or roles (supervisor, compliance, security_admin need TOTP)");
    } else if(err != SD_OK) {
        sd_rpc_fail(c, err, "add user");
    } else {
        sd_roles_format(roles, sizeof(roles), mask);
        pb.name = r->name;
        pb.roles = roles;
        pb.password = password;
        pb.totp_uri = uri;
        sd_rpc_reply(c, &pb.base);
        sodium_memzero(password, sizeof(password));
        sodium_memzero(uri, sizeof(uri));
    }
out:
    sealdesk__v1__add_user_request__free_unpacked(r, NULL);
}

static void
admin_set_disabled(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__SetUserDisabledRequest, sealdesk__v1__set_user_disabled_request, r);
    struct sd_user u;

    user_reply(c, sd_desk_user_set_disabled(x->d, &x->actor, r->name, r->disabled, &u), &u,
               "set disabled");
    sealdesk__v1__set_user_disabled_request__free_unpacked(r, NULL);
}

static void
admin_revoke(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RevokeSessionsRequest, sealdesk__v1__revoke_sessions_request, r);
    struct sd_user u;

    user_reply(c, sd_desk_user_revoke(x->d, &x->actor, r->name, &u), &u, "revoke sessions");
    sealdesk__v1__revoke_sessions_request__free_unpacked(r, NULL);
}

static void
admin_list_users(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ListUsersRequest, sealdesk__v1__list_users_request, r);
    Sealdesk__V1__UserList pb = SEALDESK__V1__USER_LIST__INIT;
    struct sd_arena a = {0};
    struct sd_user *users = NULL;
    size_t n = 0;
    sd_err err = sd_desk_user_list(x->d, &users, &n);

    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.users = sd_arena_alloc(&a, (n + 1) * sizeof(*pb.users));
        err = pb.users ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__UserInfo *u = sd_arena_alloc(&a, sizeof(*u));
        char roles[96];

        if(!u) {
            err = SD_E_NOMEM;
            break;
        }
        sealdesk__v1__user_info__init(u);
        sd_roles_format(roles, sizeof(roles), users[i].roles);
        u->name = users[i].name;
        u->roles = sd_arena_strndup(&a, roles, strlen(roles));
        u->disabled = users[i].disabled;
        u->totp = users[i].totp;
        u->failed_logins = users[i].failed_logins;
        pb.users[pb.n_users++] = u;
    }
    if(err != SD_OK)
        sd_rpc_fail(c, err, "list users");
    else
        sd_rpc_reply(c, &pb.base);
    sd_arena_free(&a);
    free(users);
    sealdesk__v1__list_users_request__free_unpacked(r, NULL);
}

static const struct sd_rpc_method core_methods[] = {
    {"/sealdesk.v1.Tickets/Create", tickets_create, SD_OP_TICKET_CREATE, false},
    {"/sealdesk.v1.Tickets/Get", tickets_get, SD_OP_TICKET_GET, false},
    {"/sealdesk.v1.Tickets/List", tickets_list, SD_OP_TICKET_LIST, false},
    {"/sealdesk.v1.Tickets/Find", tickets_find, SD_OP_TICKET_FIND, false},
    {"/sealdesk.v1.Tickets/Transition", tickets_transition, SD_OP_TICKET_TRANSITION, false},
    {"/sealdesk.v1.Tickets/Assign", tickets_assign, SD_OP_TICKET_ASSIGN, false},
    {"/sealdesk.v1.Tickets/Comment", tickets_comment, SD_OP_TICKET_COMMENT, false},
    {"/sealdesk.v1.Tickets/Rate", tickets_rate, SD_OP_TICKET_RATE, false},
    {"/sealdesk.v1.Tickets/ClaimNext", tickets_claim, SD_OP_QUEUE_CLAIM, false},
    {"/sealdesk.v1.Tickets/Overdue", tickets_overdue, SD_OP_SLA_OVERDUE, false},
    {"/sealdesk.v1.Tickets/Stats", tickets_stats, SD_OP_STATS, false},
    {"/sealdesk.v1.Tickets/Triage", tickets_triage, SD_OP_TRIAGE, false},
    {"/sealdesk.v1.Audit/GetCheckpoint", audit_checkpoint, SD_OP_AUDIT_READ, false},
    {"/sealdesk.v1.Audit/GetInclusionProof", audit_inclusion, SD_OP_AUDIT_READ, false},
    {"/sealdesk.v1.Audit/GetConsistencyProof", audit_consistency, SD_OP_AUDIT_READ, false},
    {"/sealdesk.v1.Audit/Export", audit_export, SD_OP_AUDIT_EXPORT, false},
    {"/sealdesk.v1.Auth/Login", auth_login, SD_OP_SESSION, true},
    {"/sealdesk.v1.Auth/Logout", auth_logout, SD_OP_SESSION, false},
    {"/sealdesk.v1.Admin/AddUser", admin_add_user, SD_OP_USER_ADMIN, false},
    {"/sealdesk.v1.Admin/SetUserDisabled", admin_set_disabled, SD_OP_USER_ADMIN, false},
    {"/sealdesk.v1.Admin/RevokeSessions", admin_revoke, SD_OP_USER_ADMIN, false},
    {"/sealdesk.v1.Admin/ListUsers", admin_list_users, SD_OP_USER_ADMIN, false},
    {"/grpc.health.v1.Health/Check", health_check, SD_OP_SESSION, true},
};
static const size_t core_methods_n = sizeof(core_methods) / sizeof(core_methods[0]);

/* Every method table; a new service adds its file's table here. */
static const struct {
    const struct sd_rpc_method *m;
    const size_t *n;
} tables[] = {
    {core_methods, &core_methods_n},
    {sd_rpc_methods_remedy, &sd_rpc_methods_remedy_n},
    {sd_rpc_methods_keys, &sd_rpc_methods_keys_n},
    {sd_rpc_methods_desk, &sd_rpc_methods_desk_n},
};

static const struct sd_rpc_method *
method_at(size_t i)
{
    for(size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        if(i < *tables[t].n)
            return &tables[t].m[i];
        i -= *tables[t].n;
    }
    return NULL;
}

const char *
sd_rpc_method_path(size_t i)
{
    const struct sd_rpc_method *m = method_at(i);

    return m ? m->path : NULL;
}

/* "Bearer <token>" -> token (borrowed from the header value), or NULL. */
static const char *
bearer(const char *auth)
{
    if(!auth || strncmp(auth, "Bearer ", 7) != 0)
        return NULL;
    return auth + 7;
}

/* The method of c and the caller's context: request id, session and policy. false when the
 * call is answered already (UNIMPLEMENTED, UNAUTHENTICATED, PERMISSION_DENIED). */
static bool
call_ctx(void *app, struct sd_rpc_call *c, const struct sd_rpc_method **mp,
         struct sd_rpc_ctx *x)
{
    const struct sd_rpc_method *m = NULL;
    struct sd_session sess;
    size_t rl;
    bool ok = false;

    memset(x, 0, sizeof(*x));
    x->d = app;
    x->fingerprint = c->peer_fingerprint;
    /* request ids are echoed into audit entries: printable ASCII, bounded, else dropped */
    rl = c->request_id ? strnlen(c->request_id, sizeof(x->request_id)) : 0;
    if(rl && rl < sizeof(x->request_id)) {
        bool printable = true;

        for(size_t i = 0; i < rl; i++)
            printable &= c->request_id[i] > 0x20 && c->request_id[i] < 0x7f;
        if(printable) {
            memcpy(x->request_id, c->request_id, rl + 1);
            x->actor.request_id = x->request_id;
        }
    }
    for(size_t i = 0; method_at(i); i++) {
        if(strcmp(c->method, method_at(i)->path) == 0)
            m = method_at(i);
    }
    *mp = m;
    if(!m) {
        sd_rpc_call_status(c, SD_GRPC_UNIMPLEMENTED, "unknown method");
        return false;
    }
    if(m->public) {
        snprintf(x->actor_name, sizeof(x->actor_name), "anonymous");
        x->actor.name = x->actor_name;
        return true;
    }
    x->token = bearer(c->authorization);
    if(!x->token || sd_desk_session(x->d, x->token, x->fingerprint, &sess) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_UNAUTHENTICATED, "missing, expired or revoked session");
        goto out;
    }
    snprintf(x->actor_name, sizeof(x->actor_name), "%s", sess.user);
    x->actor.name = x->actor_name;
    x->actor.roles = sess.roles;
    ok = sd_rpc_allowed(x, c, m->op);
out:
    sodium_memzero(&sess, sizeof(sess));
    return ok;
}

void
sd_rpc_dispatch(void *app, struct sd_rpc_call *c)
{
    const struct sd_rpc_method *m;
    struct sd_rpc_ctx x;

    if(call_ctx(app, c, &m, &x))
        m->fn(&x, c);
}

/* Methods with a prepare step: the work that needs no write txn (unpack, validate, redact,
 * triage, search), run on a worker before the call goes to the writer thread, after the same
 * session and policy checks. It leaves c->status SD_GRPC_UNKNOWN and may set c->prep for the
 * handler, or sets a final status. */
static const struct {
    const char *path;
    void (*prepare)(struct sd_rpc_ctx *x, struct sd_rpc_call *c);
} prepares[] = {
    {"/sealdesk.v1.Tickets/Create", tickets_create_prepare},
};

void
sd_rpc_prepare(void *app, struct sd_rpc_call *c)
{
    const struct sd_rpc_method *m;
    struct sd_rpc_ctx x;

    for(size_t i = 0; i < sizeof(prepares) / sizeof(prepares[0]); i++) {
        if(strcmp(c->method, prepares[i].path) != 0)
            continue;
        if(call_ctx(app, c, &m, &x))
            prepares[i].prepare(&x, c);
        return;
    }
    /* no prepare step: sd_rpc_dispatch answers it on the writer */
}
