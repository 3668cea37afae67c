/* Method dispatch: authenticate the session, apply the role x operation policy, decode the
 * request protobuf, call the desk, encode the reply, map sd_err to a gRPC status. The only file
 * of src/rpc that knows about tickets; the transport hands it complete calls on a worker
 * thread. Every method but Auth/Login and Health needs `authorization: Bearer <token>`. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "desk.pb-c.h"
#include "dispatch_int.h"
#include "health.pb-c.h"
#include "keys.pb-c.h"
#include "remedies.pb-c.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/buf.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/err.h"
#include "sealdesk/learn.h"
#include "sealdesk/queue.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/sla.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/user_admin.h"
#include "sealdesk/desk.h"
#include "sealdesk/rpc.h"
#include "sealdesk/search.h"
#include "sealdesk/text.h"

#define EXPORT_CHUNK         (256 * 1024)
/* Tickets.List pages (issue 16): limit 0 = 500, at most 1000 */
#define SD_LIST_PAGE_DEFAULT 500
#define SD_LIST_PAGE_MAX     1000
#define AGENT_RULE           "must name an existing, enabled user with the agent role"

/* The messages of library errors that have a more useful text for one method (sd_rpc_explain). */
static const struct sd_rpc_why find_why[] = {
    {SD_E_DENIED, "agents look up only customers with a ticket assigned to them"}};
static const struct sd_rpc_why transition_why[] = {
    {SD_E_PRECONDITION, "illegal status transition"},
    {SD_E_DENIED, "only the assignee or a supervisor changes a ticket's status (agents take "
                  "queued tickets with queue claim)"}};
static const struct sd_rpc_why assign_why[] = {{SD_E_INVALID, "agent: " AGENT_RULE}};
static const struct sd_rpc_why rate_why[] = {
    {SD_E_CONFLICT, "ticket already rated"},
    {SD_E_PRECONDITION, "only resolved tickets can be rated"}};
static const struct sd_rpc_why claim_why[] = {
    {SD_E_DENIED, "agent: agents claim only for themselves (another name needs a supervisor)"},
    {SD_E_INVALID, "agent: " AGENT_RULE}};
static const struct sd_rpc_why audit_search_why[] = {
    {SD_E_INVALID, "audit search: actor or kind: too long or not text"}};
static const struct sd_rpc_why offboard_why[] = {{SD_E_NOTFOUND, "name: no such user"}};

/* Operation-level check beyond the method's own (e.g. Get with unmask). */
bool
sd_rpc_allowed(struct sd_rpc_ctx *x, struct sd_rpc_call *c, enum sd_op op)
{
    if(sd_policy_allows(x->actor.roles, op))
        return true;
    sd_rpc_call_status(c, SD_GRPC_PERMISSION_DENIED, "role may not %s", sd_op_name(op));
    return false;
}

static void
reply_ticket(struct sd_rpc_call *c, sd_err err, struct sd_ticket *t, bool full, const char *what)
{
    Sealdesk__V1__Ticket pb;
    struct sd_arena a = {0};

    if(err != SD_OK) {
        sd_rpc_fail(c, err, what);
        return;
    }
    sd_rpc_answer(c, sd_ticket_to_pb(&a, t, full, &pb), &pb.base, what);
    sd_arena_free(&a);
    sd_ticket_clear(t);
}

/* The request as the library's input; false with the status set when a name is unknown.
 * in points into r. */
static bool
create_input(struct sd_rpc_call *c, const Sealdesk__V1__CreateTicketRequest *r,
             struct sd_ticket_new *in)
{
    const char *field;
    const char *why;
    sd_err err;

    memset(in, 0, sizeof(*in));
    in->category = -1;
    if(sd_channel_parse(&in->channel, r->channel) != SD_OK) {
        sd_rpc_invalid(c, "channel: unknown channel");
        return false;
    }
    if(!sd_rpc_category_opt(r->category, &in->category)) {
        sd_rpc_invalid(c, "category: unknown category");
        return false;
    }
    if(!sd_rpc_empty(r->priority) && sd_priority_parse(&in->priority, r->priority) != SD_OK) {
        sd_rpc_invalid(c, "priority: must be P1..P4");
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
    /* Validation errors name the field (and never echo its value: it may be PII). */
    err = sd_ticket_check(in, &field, &why);
    if(err != SD_OK) {
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s: %s",
                           field ? field : "request", why ? why : sd_err_str(err));
        return false;
    }
    return true;
}

/* What the worker prepared for the writer: the request (kept: the input view points into it),
 * its input view and the library's prepared ticket (redacted text: wiped on free). */
struct create_prep {
    ProtobufCMessage *r;
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
    sd_rpc_request_wipe(cp->r); /* customer PII */
    sd_rpc_request_free(NULL, cp->r);
    free(cp);
}

/* On a worker: everything but the write txn (sd_ticket_prepare). */
static void
tickets_create_prepare(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    struct create_prep *cp = calloc(1, sizeof(*cp));
    sd_err err;

    if(!cp) {
        sd_rpc_fail(c, SD_E_NOMEM, "create");
        return;
    }
    if(!create_input(c, req, &cp->in))
        goto fail;
    err = sd_ticket_prepare(x->d, &cp->in, &cp->p);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "create");
        goto fail;
    }
    cp->r = sd_rpc_request_take(x);
    c->prep = cp;
    c->prep_free = create_prep_free;
    return;
fail:
    create_prep_free(cp);
}

/* On the writer: the txn part when a worker prepared the call, else all of it. */
static void
tickets_create(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    struct create_prep *cp = c->prep_free == create_prep_free ? c->prep : NULL;
    struct sd_ticket_new in;
    struct sd_ticket t;

    if(cp)
        reply_ticket(c, sd_ticket_create_prepared(x->d, &x->actor, cp->p, &t), &t, false, "create");
    else if(create_input(c, req, &in))
        reply_ticket(c, sd_ticket_create(x->d, &x->actor, &in, &t), &t, false, "create");
}

/* Get with unmask needs the unmask operation too. */
static bool
tickets_get_allowed(struct sd_rpc_ctx *x, struct sd_rpc_call *c, const void *req)
{
    const Sealdesk__V1__GetTicketRequest *r = req;

    return !r->unmask || sd_rpc_allowed(x, c, SD_OP_TICKET_UNMASK);
}

static void
tickets_get(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__GetTicketRequest *r = req;
    const char *reason = sd_rpc_empty(r->reason) ? NULL : r->reason;
    struct sd_ticket t;
    sd_err err;

    if(r->unmask && (!reason || sd_text_blank(reason, strlen(reason)))) {
        sd_rpc_invalid(c, "reason: unmask needs a reason with visible text");
        return;
    }
    if(reason && (strlen(reason) > SD_MAX_REASON || !sd_text_valid(reason, strlen(reason)))) {
        sd_rpc_invalid(c, "reason: at most %d bytes of valid UTF-8 text", SD_MAX_REASON);
        return;
    }
    err = sd_ticket_get(x->d, &x->actor, r->id, r->unmask, reason, &t);
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
}

static void
tickets_list(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ListTicketsRequest *r = req;
    struct sd_ticket_filter f = {.category = -1};
    struct sd_ticket_list l;
    sd_err err;

    if(!sd_rpc_empty(r->status) &&
       (sd_status_parse(&f.status, r->status) != SD_OK || f.status == SD_ST_REOPEN)) {
        sd_rpc_invalid(c, "unknown status");
        return;
    }
    if(!sd_rpc_category_opt(r->category, &f.category)) {
        sd_rpc_invalid(c, "unknown category");
        return;
    }
    if(r->limit > SD_LIST_PAGE_MAX) {
        sd_rpc_invalid(c, "limit: at most %d tickets per page", SD_LIST_PAGE_MAX);
        return;
    }
    if(r->after == UINT64_MAX) {
        sd_rpc_invalid(c, "after: no ticket id is greater");
        return;
    }
    f.assignee = sd_rpc_empty(r->assignee) ? NULL : r->assignee;
    f.limit = r->limit ? r->limit : SD_LIST_PAGE_DEFAULT;
    f.after = r->after;
    err = sd_ticket_list(x->d, &f, &l);
    if(err == SD_OK && r->summary)
        err = sd_ticket_list_summarize(x->d, &x->actor, &l);
    sd_rpc_reply_tickets(c, err, &l, "list");
}

static void
tickets_find(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__FindTicketsRequest *r = req;
    /* the customer keys a lookup may use: exactly one is given */
    const struct {
        enum sd_field f;
        const char *v;
    } keys[] = {{SD_F_CUSTOMER_EMAIL, r->customer_email},
                {SD_F_CUSTOMER_UID, r->customer_uid},
                {SD_F_CUSTOMER_PHONE, r->customer_phone}};
    struct sd_ticket_list l;
    size_t given = 0, k = 0;
    sd_err err;

    for(size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if(!sd_rpc_empty(keys[i].v)) {
            given++;
            k = i;
        }
    }
    if(given != 1) {
        sd_rpc_invalid(c, "give exactly one of customer_email, customer_uid, customer_phone");
        return;
    }
    err = sd_ticket_find(x->d, &x->actor, keys[k].f, keys[k].v, &l);
    if(!SD_RPC_EXPLAIN(c, err, find_why))
        sd_rpc_reply_tickets(c, err, &l, "find");
}

static sd_err
search_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    const struct sd_ticket *t = (const struct sd_ticket *)src + i;
    Sealdesk__V1__Ticket *m = pb;
    sd_err err = sd_ticket_to_pb(a, t, false, m);

    if(err == SD_OK && t->has[SD_F_SUBJECT]) {
        m->subject = sd_arena_strndup(a, (const char *)t->field[SD_F_SUBJECT].data,
                                      t->field[SD_F_SUBJECT].len);
        err = m->subject ? SD_OK : SD_E_NOMEM;
    }
    return err;
}

/* Full-text search (issue 17): the library filters by the caller's object rule and audits. */
static void
tickets_search(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__TicketSearchRequest *r = req;
    Sealdesk__V1__TicketList pb = SEALDESK__V1__TICKET_LIST__INIT;
    struct sd_ticket_query q = {.text = r->text, .category = -1, .limit = r->limit};
    struct sd_ticket_list l = {0};
    struct sd_arena a = {0};
    bool more = false;
    sd_err err;

    if(!sd_rpc_empty(r->status) &&
       (sd_status_parse(&q.status, r->status) != SD_OK || q.status == SD_ST_REOPEN)) {
        sd_rpc_invalid(c, "status: unknown status");
        return;
    }
    if(!sd_rpc_category_opt(r->category, &q.category)) {
        sd_rpc_invalid(c, "category: unknown category");
        return;
    }
    if(r->limit > SD_SEARCH_LIMIT_MAX) {
        sd_rpc_invalid(c, "limit: at most %d", SD_SEARCH_LIMIT_MAX);
        return;
    }
    if(sd_rpc_empty(r->text) || !sd_text_valid(r->text, strlen(r->text))) {
        sd_rpc_invalid(c, "text: required, valid UTF-8");
        return;
    }
    if(strlen(r->text) > SD_SEARCH_QUERY_MAX) {
        sd_rpc_invalid(c, "text: at most %d bytes", SD_SEARCH_QUERY_MAX);
        return;
    }
    err = sd_ticket_search(x->d, &x->actor, &q, &l, &more);
    if(err == SD_E_INVALID) {
        sd_rpc_invalid(c, "text: no searchable word in it");
        return;
    }
    if(err == SD_E_LIMIT) {
        sd_rpc_invalid(c,
                       "text: at most %d words and %d terms (a Chinese, Japanese or Korean run "
                       "of K characters is one word of K-1 terms)",
                       SD_SEARCH_QUERY_TERMS, SD_SEARCH_QUERY_KEYS);
        return;
    }
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "search");
        return;
    }
    pb.more = more;
    pb.tickets = sd_rpc_list(&a, &sealdesk__v1__ticket__descriptor, l.n, search_item, l.items,
                             &pb.n_tickets, &err);
    sd_rpc_answer(c, err, &pb.base, "search");
    sd_arena_free(&a);
    sd_ticket_list_clear(&l);
}

static void
tickets_transition(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__TransitionRequest *r = req;
    struct sd_ticket t;
    int to;
    sd_err err;

    if(sd_status_parse(&to, r->to) != SD_OK) {
        sd_rpc_invalid(c, "unknown status");
        return;
    }
    err = sd_ticket_transition(x->d, &x->actor, r->id, to, &t);
    if(!SD_RPC_EXPLAIN(c, err, transition_why))
        reply_ticket(c, err, &t, false, "transition");
}

static void
tickets_assign(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AssignRequest *r = req;
    struct sd_ticket t;
    sd_err err = sd_ticket_assign(x->d, &x->actor, r->id, r->agent, &t);

    if(!SD_RPC_EXPLAIN(c, err, assign_why))
        reply_ticket(c, err, &t, false, "assign");
}

static void
tickets_comment(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__CommentRequest *r = req;
    struct sd_ticket t;

    if(r->from_article && (!sd_rpc_empty(r->body) || r->internal))
        sd_rpc_invalid(c, "comment: from_article posts a public reply and takes no body");
    else if(r->from_article)
        reply_ticket(c, sd_ticket_comment_article(x->d, &x->actor, r->id, r->from_article, &t), &t,
                     false, "comment from article");
    else if(sd_rpc_empty(r->body) || !sd_text_valid(r->body, strlen(r->body)))
        sd_rpc_invalid(c, "body: a comment needs a body of valid UTF-8 text");
    else
        reply_ticket(c, sd_ticket_comment(x->d, &x->actor, r->id, r->body, r->internal, &t), &t,
                     false, "comment");
}

static void
tickets_rate(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__RateRequest *r = req;
    struct sd_ticket t;
    sd_err err = sd_ticket_rate(x->d, &x->actor, r->id, r->csat, &t);

    if(!SD_RPC_EXPLAIN(c, err, rate_why))
        reply_ticket(c, err, &t, false, "rate");
}

static void
tickets_claim(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ClaimNextRequest *r = req;
    struct sd_ticket t;
    sd_err err = sd_queue_claim(x->d, &x->actor, r->agent, &t);

    if(!SD_RPC_EXPLAIN(c, err, claim_why))
        reply_ticket(c, err, &t, false, "claim");
}

static bool
parse_now(struct sd_rpc_call *c, const char *s, uint64_t *now)
{
    *now = sd_clock_now();
    if(!sd_rpc_empty(s) && sd_time_parse(now, s) != SD_OK) {
        sd_rpc_invalid(c, "now must be RFC 3339");
        return false;
    }
    return true;
}

static void
tickets_overdue(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__OverdueRequest *r = req;
    struct sd_ticket_list l;
    uint64_t now;

    if(parse_now(c, r->now, &now))
        sd_rpc_reply_tickets(c, sd_sla_overdue(x->d, now, &l), &l, "overdue");
}

/* One counter group of s as a protobuf map (all four maps have the same layout: string key,
 * uint64 value). NULL when out of memory. */
static sd_err
count_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__TicketStats__ByStatusEntry *e = pb;
    const struct sd_count *v = src;

    (void)a;
    e->key = (char *)v[i].name;
    e->value = v[i].value;
    return SD_OK;
}

static void *
counts(struct sd_arena *a, const struct sd_stats *s, enum sd_stats_group g, size_t *n)
{
    struct sd_count v[SD_STATS_GROUP_MAX];
    size_t k = sd_stats_group(s, g, v);
    sd_err err = SD_OK;

    return sd_rpc_list(a, &sealdesk__v1__ticket_stats__by_status_entry__descriptor, k, count_item,
                       v, n, &err);
}

/* A per-priority counter (index 1..4) as a map P1..P4. */
static void *
priority_counts(struct sd_arena *a, const uint64_t v[5], size_t *n)
{
    struct sd_count cnt[4];
    sd_err err = SD_OK;

    for(int p = 1; p <= 4; p++)
        cnt[p - 1] = (struct sd_count){sd_priority_name(p), v[p]};
    return sd_rpc_list(a, &sealdesk__v1__ticket_stats__open_by_priority_entry__descriptor, 4,
                       count_item, cnt, n, &err);
}

static void
tickets_stats(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__StatsRequest *r = req;
    Sealdesk__V1__TicketStats pb = SEALDESK__V1__TICKET_STATS__INIT;
    struct sd_stats s;
    uint64_t now;
    sd_err err;

    if(!parse_now(c, r->now, &now))
        return;
    err = sd_stats(x->d, now, &s);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "stats");
        return;
    }
    pb.total = s.total;
    pb.by_status = counts(&x->a, &s, SD_SG_STATUS, &pb.n_by_status);
    pb.by_category = counts(&x->a, &s, SD_SG_CATEGORY, &pb.n_by_category);
    pb.by_priority = counts(&x->a, &s, SD_SG_PRIORITY, &pb.n_by_priority);
    pb.by_channel = counts(&x->a, &s, SD_SG_CHANNEL, &pb.n_by_channel);
    if(!pb.by_status || !pb.by_category || !pb.by_priority || !pb.by_channel)
        err = SD_E_NOMEM;
    pb.median_first_response_seconds = s.n_first_response ? (int64_t)s.median_first_response : -1;
    pb.median_resolution_seconds = s.n_resolved ? (int64_t)s.median_resolution : -1;
    pb.sla_breaches = s.sla_breaches;
    pb.csat_count = s.csat_count;
    pb.csat_average = s.csat_average;
    pb.redacted_tickets = s.redacted;
    pb.open_by_priority = priority_counts(&x->a, s.open_by_priority, &pb.n_open_by_priority);
    pb.overdue_by_priority =
        priority_counts(&x->a, s.overdue_by_priority, &pb.n_overdue_by_priority);
    if(!pb.open_by_priority || !pb.overdue_by_priority)
        err = SD_E_NOMEM;
    sd_rpc_answer(c, err, &pb.base, "stats");
}

static void
tickets_triage(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__TriageRequest *r = req;
    Sealdesk__V1__TriageResult pb = SEALDESK__V1__TRIAGE_RESULT__INIT;
    struct sd_triage_result t;
    char *sigs[SD_TRIAGE_MAX_SIGNALS];
    char lines[SD_LEARN_EXPLAIN_MAX][SD_LEARN_EXPLAIN_LINE];
    char *expl[SD_LEARN_EXPLAIN_MAX];
    size_t n = strnlen(r->text, SD_TRIAGE_MAX_TEXT + 1);
    sd_err err;

    /* Refusals name the field and never echo the text (it may hold a secret). */
    if(n > SD_TRIAGE_MAX_TEXT) {
        sd_rpc_invalid(c, "text: at most %zu bytes", SD_TRIAGE_MAX_TEXT);
        return;
    }
    if(!sd_text_valid(r->text, n)) {
        sd_rpc_invalid(c, "text: not valid UTF-8 text");
        return;
    }
    err = sd_desk_triage(x->d, r->text, n, r->vip, &t);
    if(err == SD_OK) {
        pb.category = (char *)sd_category_name(t.category);
        pb.priority = (char *)sd_priority_name(t.priority);
        pb.fund_safety = t.fund_safety;
        for(size_t i = 0; i < t.n_signals; i++)
            sigs[i] = t.signals[i];
        pb.signals = sigs;
        pb.n_signals = t.n_signals;
        pb.n_explanation = sd_learn_explain(&t, lines, SD_LEARN_EXPLAIN_MAX);
        for(size_t i = 0; i < pb.n_explanation; i++)
            expl[i] = lines[i];
        pb.explanation = expl;
    }
    sd_rpc_answer(c, err, &pb.base, "triage");
}

static const struct sd_rpc_why set_triage_why[] = {
    {SD_E_DENIED, "priority: lowering a fund-safety ticket (P1 or security) needs a supervisor; "
                  "agents correct tickets assigned to them or unassigned"},
    {SD_E_LIMIT, "reason: at most 500 characters"},
    {SD_E_INVALID, "reason: 1..500 characters of text"},
    {SD_E_SHREDDED, "ticket: its customer was shredded"}};

static void
tickets_set_triage(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__SetTriageRequest *r = req;
    enum sd_category cat = SD_CAT_GENERAL;
    int prio = 0;
    struct sd_ticket t;
    sd_err err;

    if(!sd_rpc_empty(r->category) && sd_category_parse(&cat, r->category) != SD_OK) {
        sd_rpc_invalid(c, "category: unknown category");
        return;
    }
    if(!sd_rpc_empty(r->priority) && sd_priority_parse(&prio, r->priority) != SD_OK) {
        sd_rpc_invalid(c, "priority: P1..P4");
        return;
    }
    if(sd_rpc_empty(r->category) && sd_rpc_empty(r->priority)) {
        sd_rpc_invalid(c, "category, priority: give at least one");
        return;
    }
    err = sd_ticket_set_triage(x->d, &x->actor, r->id, sd_rpc_empty(r->category) ? -1 : (int)cat,
                               prio, r->reason, &t);
    if(!SD_RPC_EXPLAIN(c, err, set_triage_why))
        reply_ticket(c, err, &t, false, "set triage");
}

static void
audit_checkpoint(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__GetCheckpointRequest *r = req;
    Sealdesk__V1__SignedCheckpoint pb = SEALDESK__V1__SIGNED_CHECKPOINT__INIT;
    struct sd_checkpoint cp;
    struct sd_buf note = SD_BUF_INIT;
    sd_err err = sd_desk_audit_checkpoint(x->d, &x->actor, r->fresh, &cp);

    if(err == SD_OK)
        err = sd_checkpoint_note(&note, &cp);
    if(err == SD_OK)
        err = sd_buf_terminate(&note);
    if(err == SD_OK) {
        pb.tree_size = cp.size;
        pb.root = (ProtobufCBinaryData){32, cp.root};
        pb.time = cp.time;
        pb.signature = (ProtobufCBinaryData){SD_SIG_BYTES, cp.sig};
        pb.public_key = (ProtobufCBinaryData){SD_SIG_PK_BYTES, cp.pk};
        pb.note = (char *)note.data;
        if(cp.has_next)
            pb.next_public_key = (ProtobufCBinaryData){SD_SIG_PK_BYTES, cp.next_pk};
    }
    sd_rpc_answer(c, err, &pb.base, "checkpoint");
    sd_buf_free(&note);
}

/* A Merkle proof as a repeated bytes field (items point into proof). */
static ProtobufCBinaryData *
proof_items(ProtobufCBinaryData *items, uint8_t (*proof)[32], size_t np)
{
    for(size_t i = 0; i < np; i++)
        items[i] = (ProtobufCBinaryData){32, proof[i]};
    return items;
}

static void
audit_inclusion(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__InclusionProofRequest *r = req;
    Sealdesk__V1__InclusionProof pb = SEALDESK__V1__INCLUSION_PROOF__INIT;
    uint8_t proof[SD_MERKLE_MAX_PROOF][32], leaf[32], root[32];
    ProtobufCBinaryData items[SD_MERKLE_MAX_PROOF];
    uint64_t size = r->tree_size;
    size_t np = 0;
    sd_err err = sd_desk_audit_inclusion(x->d, r->index, &size, proof, &np, leaf, root);

    if(err == SD_OK) {
        pb.index = r->index;
        pb.tree_size = size;
        pb.leaf_hash = (ProtobufCBinaryData){32, leaf};
        pb.root = (ProtobufCBinaryData){32, root};
        pb.proof = proof_items(items, proof, np);
        pb.n_proof = np;
    }
    sd_rpc_answer(c, err, &pb.base, "inclusion proof");
}

static void
audit_consistency(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ConsistencyProofRequest *r = req;
    Sealdesk__V1__ConsistencyProof pb = SEALDESK__V1__CONSISTENCY_PROOF__INIT;
    uint8_t proof[SD_MERKLE_MAX_PROOF][32], rm[32], rn[32];
    ProtobufCBinaryData items[SD_MERKLE_MAX_PROOF];
    uint64_t n = r->to_size;
    size_t np = 0;
    sd_err err = sd_desk_audit_consistency(x->d, r->from_size, &n, proof, &np, rm, rn);

    if(err == SD_OK) {
        pb.from_size = r->from_size;
        pb.to_size = n;
        pb.proof = proof_items(items, proof, np);
        pb.n_proof = np;
        pb.from_root = (ProtobufCBinaryData){32, rm};
        pb.to_root = (ProtobufCBinaryData){32, rn};
    }
    sd_rpc_answer(c, err, &pb.base, "consistency proof");
}

static void
audit_export(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ExportRequest *r = req;
    struct sd_buf all = SD_BUF_INIT;
    sd_err err = sd_desk_audit_export_mem(x->d, &x->actor, r->from, &all);

    /* The answer waits in memory until the client reads it: exports share one process-wide
     * budget, so slow or stalled readers cannot make the server hold without bound. */
    if(err == SD_OK && !sd_rpc_mem_reserve(c, all.len)) {
        sd_buf_free(&all);
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED,
                           "export memory limit reached; retry later");
        return;
    }
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
}

/* The time filter of an audit search; false with the status set naming the field. */
static bool
audit_since_until(struct sd_rpc_call *c, const Sealdesk__V1__AuditSearchRequest *r,
                  struct sd_audit_query *q)
{
    if(!sd_rpc_empty(r->since) && sd_time_parse(&q->since, r->since) != SD_OK) {
        sd_rpc_invalid(c, "audit search: since: not RFC 3339");
        return false;
    }
    if(!sd_rpc_empty(r->until) && sd_time_parse(&q->until, r->until) != SD_OK) {
        sd_rpc_invalid(c, "audit search: until: not RFC 3339");
        return false;
    }
    if(r->limit > SD_AUDIT_SEARCH_MAX) {
        sd_rpc_invalid(c, "audit search: limit: at most %d", SD_AUDIT_SEARCH_MAX);
        return false;
    }
    if(q->since && q->until && q->since >= q->until) {
        sd_rpc_invalid(c, "audit search: since must be < until");
        return false;
    }
    return true;
}

static sd_err
audit_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__AuditRecord *m = pb;
    const struct sd_audit_hit *h = (const struct sd_audit_hit *)src + i;

    m->index = h->index;
    m->time = sd_rpc_time(a, h->time);
    m->actor = (char *)h->actor;
    m->action = (char *)h->action;
    m->target = (char *)h->target;
    m->request_id = (char *)h->request_id;
    m->reason = (char *)h->reason;
    m->leaf = (ProtobufCBinaryData){h->leaf_len, (uint8_t *)h->leaf};
    return m->time ? SD_OK : SD_E_NOMEM;
}

static void
audit_search(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AuditSearchRequest *r = req;
    Sealdesk__V1__AuditSearchResult pb = SEALDESK__V1__AUDIT_SEARCH_RESULT__INIT;
    struct sd_audit_query q = {0};
    struct sd_audit_hit *hits = NULL;
    size_t n = 0;
    bool more = false;
    sd_err err;

    if(!audit_since_until(c, r, &q))
        return;
    q.actor = r->actor;
    q.kind = r->kind;
    q.ticket = r->ticket;
    q.limit = r->limit;
    q.from = r->from;
    err = sd_desk_audit_search(x->d, &x->actor, &q, &hits, &n, &pb.next, &more);
    pb.more = more;
    pb.entries = sd_rpc_list(&x->a, &sealdesk__v1__audit_record__descriptor, n, audit_item, hits,
                             &pb.n_entries, &err);
    if(!SD_RPC_EXPLAIN(c, err, audit_search_why))
        sd_rpc_answer(c, err, &pb.base, "audit search");
    free(hits);
}

static void
audit_public_key(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    Sealdesk__V1__PublicKeyResponse pb = SEALDESK__V1__PUBLIC_KEY_RESPONSE__INIT;
    uint8_t cur[32], first[32];
    sd_err err = sd_desk_audit_pks(x->d, cur, first);

    (void)req;
    pb.public_key = (ProtobufCBinaryData){32, cur};
    pb.first_public_key = (ProtobufCBinaryData){32, first};
    sd_rpc_answer(c, err, &pb.base, "audit pubkey");
}

static void
health_check(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Grpc__Health__V1__HealthCheckRequest *r = req;
    Grpc__Health__V1__HealthCheckResponse pb = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;

    (void)x;
    if(sd_rpc_empty(r->service) || strcmp(r->service, "sealdesk.v1.Tickets") == 0 ||
       strcmp(r->service, "sealdesk.v1.Audit") == 0)
        pb.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
    else
        pb.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVICE_UNKNOWN;
    sd_rpc_reply(c, &pb.base);
}

/* The request's strings (the password) are wiped by the dispatcher: SD_RPC_SECRET. */
static void
auth_login(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__LoginRequest *r = req;
    Sealdesk__V1__LoginResponse pb = SEALDESK__V1__LOGIN_RESPONSE__INIT;
    char token[SD_TOKEN_HEX + 1], exp[32], roles[96];
    uint64_t expires = 0;
    unsigned rmask = 0;
    sd_err err;

    err =
        sd_access_login_src(x->d, x->source, r->name ? r->name : "", r->password ? r->password : "",
                            r->totp, x->fingerprint, x->actor.request_id, token, &expires, &rmask);
    /* Unknown, locked and disabled names and wrong credentials: one answer. */
    if(err == SD_E_UNAUTH || err == SD_E_DENIED) {
        sd_rpc_call_status(c, SD_GRPC_UNAUTHENTICATED, "bad credentials");
    } else if(err == SD_E_LIMIT) {
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED,
                           "too many failed logins from this address or for this name; retry "
                           "later");
    } else if(err == SD_E_INVALID) {
        sd_rpc_invalid(c, "password: longer than %d bytes", SD_PASSWORD_MAX);
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
}

static void
auth_logout(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    Sealdesk__V1__LogoutResponse pb = SEALDESK__V1__LOGOUT_RESPONSE__INIT;

    (void)req;
    sd_rpc_answer(c, sd_access_logout(x->d, &x->actor, x->token), &pb.base, "logout");
}

/* UserInfo of user src (item i); strings borrowed from it or kept in a. */
static sd_err
user_info_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__UserInfo *m = pb;
    const struct sd_user *u = (const struct sd_user *)src + i;
    char roles[96];

    sealdesk__v1__user_info__init(m);
    sd_roles_format(roles, sizeof(roles), u->roles);
    m->name = (char *)u->name;
    m->roles = sd_arena_strndup(a, roles, strlen(roles));
    m->disabled = u->disabled;
    m->totp = u->totp;
    m->created_at = sd_rpc_time(a, u->created_at);
    m->failed_logins = u->failed_logins;
    m->locked_until = sd_rpc_time(a, u->locked_until);
    return m->roles && m->created_at && m->locked_until ? SD_OK : SD_E_NOMEM;
}

static void
admin_add_user(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AddUserRequest *r = req;
    Sealdesk__V1__AddUserResponse pb = SEALDESK__V1__ADD_USER_RESPONSE__INIT;
    char password[SD_PASSWORD_MAX + 1], uri[256], roles[96];
    struct sd_uadm_new in = {0};
    struct sd_uadm u;
    const char *why = NULL;
    unsigned mask;
    sd_err err;

    if(sd_roles_parse(&mask, r->roles) != SD_OK) {
        sd_rpc_invalid(c, "roles: unknown role");
        return;
    }
    /* Online, creating a user is a maker-checker request (issue 13): another security admin
     * approves it (Admin/ApproveUserRequest) and receives the password and TOTP URI. */
    in.kind = SD_UADM_ADD;
    in.name = r->name;
    in.roles = mask;
    in.no_totp = r->no_totp;
    in.cert_fingerprint = sd_rpc_empty(r->cert_fingerprint) ? NULL : r->cert_fingerprint;
    err = sd_uadm_request(x->d, &x->actor, &in, &u, password, uri, &why);
    if(err == SD_E_CONFLICT) {
        /* the name is well formed here: only a valid name can be taken */
        sd_rpc_call_status(c, SD_GRPC_ALREADY_EXISTS, "user add: a user named %s already exists",
                           r->name);
    } else if(err != SD_OK) {
        sd_rpc_refuse(c, err, why, NULL);
    } else {
        sd_roles_format(roles, sizeof(roles), mask);
        pb.name = r->name;
        pb.roles = roles;
        pb.password = password;
        pb.totp_uri = uri;
        pb.request_id = u.id;
        pb.state = (char *)sd_uadm_state_name(u.state);
        sd_rpc_reply(c, &pb.base);
    }
    sodium_memzero(password, sizeof(password));
    sodium_memzero(uri, sizeof(uri));
}

/* SetUserDisabled (.arg 1) and RevokeSessions (.arg 0): both answer the user. */
static void
admin_user(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__SetUserDisabledRequest *dis = req;
    const Sealdesk__V1__RevokeSessionsRequest *rev = req;
    struct sd_user u;
    sd_err err = x->m->arg
                     ? sd_access_user_set_disabled(x->d, &x->actor, dis->name, dis->disabled, &u)
                     : sd_access_user_revoke(x->d, &x->actor, rev->name, &u);

    sd_rpc_answer_item(c, &x->a, err, &sealdesk__v1__user_info__descriptor, user_info_item, &u,
                       x->m->arg ? "set disabled" : "revoke sessions");
}

/* Offboard: disable, end sessions, requeue open tickets (one txn, ops/access.c). */
static void
admin_offboard(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__OffboardUserRequest *r = req;
    Sealdesk__V1__OffboardUserResponse pb = SEALDESK__V1__OFFBOARD_USER_RESPONSE__INIT;
    Sealdesk__V1__UserInfo ui;
    struct sd_user u;
    uint64_t *ids = NULL;
    size_t n = 0;
    sd_err err = sd_access_user_offboard(x->d, &x->actor, r->name, &u, &ids, &n);

    if(err == SD_OK)
        err = user_info_item(&x->a, &ui, &u, 0);
    pb.user = &ui;
    pb.requeued = ids;
    pb.n_requeued = n;
    if(!SD_RPC_EXPLAIN(c, err, offboard_why))
        sd_rpc_answer(c, err, &pb.base, "offboard");
    free(ids);
}

/* ChangePassword: the Argon2id work (verify the old, hash the new) runs on a worker in the
 * prepare step; the writer only stores the new hash. The request's passwords are wiped by the
 * dispatcher (SD_RPC_SECRET). */
static void
passwd_prep_free(void *v)
{
    sd_access_passwd_prep_clear(v);
    free(v);
}

static void
passwd_fail(struct sd_rpc_call *c, sd_err err, const char *why)
{
    if(err == SD_E_UNAUTH) /* a wrong field, not a missing session: INVALID_ARGUMENT */
        sd_rpc_invalid(c, "old_password: does not match");
    else if(err == SD_E_INVALID)
        sd_rpc_invalid(c, "%s", why ? why : "old_password or new_password: malformed");
    else if(err == SD_E_CONFLICT)
        sd_rpc_call_status(c, SD_GRPC_ABORTED, "password changed meanwhile: try again");
    else
        sd_rpc_fail(c, err, "change password");
}

static void
auth_passwd_prepare(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ChangePasswordRequest *r = req;
    struct sd_passwd_prep *p = calloc(1, sizeof(*p));
    const char *why = NULL;
    sd_err err =
        p ? sd_access_passwd_prepare(x->d, x->actor.name, r->old_password, r->new_password, p, &why)
          : SD_E_NOMEM;

    if(err != SD_OK) {
        passwd_fail(c, err, why);
        passwd_prep_free(p);
    } else {
        c->prep = p;
        c->prep_free = passwd_prep_free;
    }
}

static void
auth_passwd(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    Sealdesk__V1__ChangePasswordResponse pb = SEALDESK__V1__CHANGE_PASSWORD_RESPONSE__INIT;
    sd_err err;

    if(c->prep_free != passwd_prep_free) {
        /* no worker step ran (not expected): do it here */
        auth_passwd_prepare(x, c, req);
        if(c->prep_free != passwd_prep_free)
            return;
    }
    err = sd_access_passwd_commit(x->d, &x->actor, c->prep);
    if(err != SD_OK) {
        passwd_fail(c, err, NULL);
        return;
    }
    pb.user = x->actor_name;
    pb.sessions_ended = true;
    sd_rpc_reply(c, &pb.base);
}

/* A row of the user list: the UserInfo without created_at and locked_until. */
static sd_err
user_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__UserInfo *u = pb;
    sd_err err = user_info_item(a, pb, src, i);

    u->created_at = (char *)"";
    u->locked_until = (char *)"";
    return err;
}

static void
admin_list_users(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    Sealdesk__V1__UserList pb = SEALDESK__V1__USER_LIST__INIT;
    struct sd_user *users = NULL;
    size_t n = 0;
    sd_err err = sd_access_user_list(x->d, &users, &n);

    (void)req;
    pb.users = sd_rpc_list(&x->a, &sealdesk__v1__user_info__descriptor, n, user_item, users,
                           &pb.n_users, &err);
    sd_rpc_answer(c, err, &pb.base, "list users");
    free(users);
}

/* clang-format off: one row a method, aligned for reading */
const struct sd_rpc_method sd_rpc_methods_core[] = {
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Create", sealdesk__v1__create_ticket_request,
                  tickets_create, SD_OP_TICKET_CREATE, .flags = SD_RPC_SECRET,
                  .prepare = tickets_create_prepare),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Get", sealdesk__v1__get_ticket_request, tickets_get,
                  SD_OP_TICKET_GET, .allow = tickets_get_allowed),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/List", sealdesk__v1__list_tickets_request, tickets_list,
                  SD_OP_TICKET_LIST),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Find", sealdesk__v1__find_tickets_request, tickets_find,
                  SD_OP_TICKET_FIND),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Search", sealdesk__v1__ticket_search_request,
                  tickets_search, SD_OP_TICKET_LIST, .flags = SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Transition", sealdesk__v1__transition_request,
                  tickets_transition, SD_OP_TICKET_TRANSITION),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Assign", sealdesk__v1__assign_request, tickets_assign,
                  SD_OP_TICKET_ASSIGN),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Comment", sealdesk__v1__comment_request, tickets_comment,
                  SD_OP_TICKET_COMMENT, .flags = SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Rate", sealdesk__v1__rate_request, tickets_rate,
                  SD_OP_TICKET_RATE),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/ClaimNext", sealdesk__v1__claim_next_request, tickets_claim,
                  SD_OP_QUEUE_CLAIM),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Overdue", sealdesk__v1__overdue_request, tickets_overdue,
                  SD_OP_SLA_OVERDUE),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Stats", sealdesk__v1__stats_request, tickets_stats,
                  SD_OP_STATS),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Triage", sealdesk__v1__triage_request, tickets_triage,
                  SD_OP_TRIAGE, .flags = SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/SetTriage", sealdesk__v1__set_triage_request,
                  tickets_set_triage, SD_OP_TICKET_SET_TRIAGE, .flags = SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Audit/GetCheckpoint", sealdesk__v1__get_checkpoint_request,
                  audit_checkpoint, SD_OP_AUDIT_READ),
    SD_RPC_METHOD("/sealdesk.v1.Audit/GetInclusionProof", sealdesk__v1__inclusion_proof_request,
                  audit_inclusion, SD_OP_AUDIT_READ),
    SD_RPC_METHOD("/sealdesk.v1.Audit/GetConsistencyProof", sealdesk__v1__consistency_proof_request,
                  audit_consistency, SD_OP_AUDIT_READ),
    SD_RPC_METHOD("/sealdesk.v1.Audit/Export", sealdesk__v1__export_request, audit_export,
                  SD_OP_AUDIT_EXPORT),
    SD_RPC_METHOD("/sealdesk.v1.Audit/Search", sealdesk__v1__audit_search_request, audit_search,
                  SD_OP_AUDIT_SEARCH),
    SD_RPC_METHOD("/sealdesk.v1.Audit/GetPublicKey", sealdesk__v1__public_key_request,
                  audit_public_key, SD_OP_AUDIT_READ),
    SD_RPC_METHOD("/sealdesk.v1.Auth/Login", sealdesk__v1__login_request, auth_login, SD_OP_SESSION,
                  .flags = SD_RPC_PUBLIC | SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Auth/Logout", sealdesk__v1__logout_request, auth_logout,
                  SD_OP_SESSION),
    SD_RPC_METHOD("/sealdesk.v1.Admin/AddUser", sealdesk__v1__add_user_request, admin_add_user,
                  SD_OP_USER_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Admin/SetUserDisabled", sealdesk__v1__set_user_disabled_request,
                  admin_user, SD_OP_USER_ADMIN, .arg = 1),
    SD_RPC_METHOD("/sealdesk.v1.Admin/RevokeSessions", sealdesk__v1__revoke_sessions_request,
                  admin_user, SD_OP_USER_ADMIN, .arg = 0),
    SD_RPC_METHOD("/sealdesk.v1.Admin/ListUsers", sealdesk__v1__list_users_request,
                  admin_list_users, SD_OP_USER_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Admin/OffboardUser", sealdesk__v1__offboard_user_request,
                  admin_offboard, SD_OP_USER_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Auth/ChangePassword", sealdesk__v1__change_password_request,
                  auth_passwd, SD_OP_SESSION, .flags = SD_RPC_SECRET,
                  .prepare = auth_passwd_prepare),
    SD_RPC_METHOD("/grpc.health.v1.Health/Check", grpc__health__v1__health_check_request,
                  health_check, SD_OP_SESSION, .flags = SD_RPC_PUBLIC),
};
/* clang-format on */
const size_t sd_rpc_methods_core_n = sizeof(sd_rpc_methods_core) / sizeof(sd_rpc_methods_core[0]);

/* Every method table; a new service adds its file's table here. */
static const struct {
    const struct sd_rpc_method *m;
    const size_t *n;
} tables[] = {
    {sd_rpc_methods_core, &sd_rpc_methods_core_n},
    {sd_rpc_methods_remedy, &sd_rpc_methods_remedy_n},
    {sd_rpc_methods_keys, &sd_rpc_methods_keys_n},
    {sd_rpc_methods_users, &sd_rpc_methods_users_n},
    {sd_rpc_methods_desk, &sd_rpc_methods_desk_n},
    {sd_rpc_methods_backoffice, &sd_rpc_methods_backoffice_n},
    {sd_rpc_methods_intake, &sd_rpc_methods_intake_n},
    {sd_rpc_methods_console, &sd_rpc_methods_console_n},
};

const struct sd_rpc_method *
sd_rpc_method_at(size_t i)
{
    for(size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        if(i < *tables[t].n)
            return &tables[t].m[i];
        i -= *tables[t].n;
    }
    return NULL;
}

const struct sd_rpc_method *
sd_rpc_method_find(const char *path)
{
    const struct sd_rpc_method *m = NULL;

    for(size_t i = 0; path && sd_rpc_method_at(i); i++) {
        if(strcmp(path, sd_rpc_method_at(i)->path) == 0)
            m = sd_rpc_method_at(i);
    }
    return m;
}

const char *
sd_rpc_method_path(size_t i)
{
    const struct sd_rpc_method *m = sd_rpc_method_at(i);

    return m ? m->path : NULL;
}

size_t
sd_rpc_method_max_req(const char *path)
{
    const struct sd_rpc_method *m = sd_rpc_method_find(path);

    if(!m || !m->max_req)
        return SD_RPC_MAX_MSG;
    return m->max_req < SD_RPC_MAX_REQ_LARGE ? m->max_req : SD_RPC_MAX_REQ_LARGE;
}

/* ---- string fields: the one place protobuf strings become C strings ----
 * protobuf-c copies a string field into a NUL-terminated char *, so a NUL inside it would cut
 * the value short without a word ("abc\0HIDDEN" read as "abc"). Before any method unpacks its
 * request, the request's wire bytes are walked with the method's input descriptor and a
 * string field (at any depth) holding a NUL is refused with INVALID_ARGUMENT naming it. */

#define WIRE_DEPTH_MAX 16

/* Read a varint at p[*pos..n); false if cut or longer than 10 bytes. */
static bool
wire_varint(const uint8_t *p, size_t n, size_t *pos, uint64_t *v)
{
    *v = 0;
    for(unsigned shift = 0; shift < 70 && *pos < n; shift += 7) {
        uint8_t b = p[(*pos)++];

        *v |= (uint64_t)(b & 0x7f) << shift;
        if(!(b & 0x80))
            return true;
    }
    return false;
}

/* The name of the first string field of message type d in p[0..n) that holds a NUL byte,
 * written as a dotted path into name; false if there is none (malformed bytes are left to
 * the unpack that follows, which refuses them). */
static bool
wire_nul_field(const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t n, int depth,
               char *name, size_t cap)
{
    size_t pos = 0;

    while(pos < n) {
        uint64_t key;
        uint64_t len;
        const ProtobufCFieldDescriptor *f;

        if(!wire_varint(p, n, &pos, &key))
            return false;
        switch(key & 7) {
        case 0:
            if(!wire_varint(p, n, &pos, &len))
                return false;
            continue;
        case 1:
            pos += 8;
            continue;
        case 5:
            pos += 4;
            continue;
        case 2:
            break;
        default:
            return false;
        }
        if(!wire_varint(p, n, &pos, &len) || len > n - pos)
            return false;
        f = key >> 3 <= UINT32_MAX
                ? protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3))
                : NULL;
        if(f && f->type == PROTOBUF_C_TYPE_STRING && memchr(p + pos, 0, (size_t)len)) {
            snprintf(name, cap, "%s", f->name);
            return true;
        }
        if(f && f->type == PROTOBUF_C_TYPE_MESSAGE && depth < WIRE_DEPTH_MAX &&
           wire_nul_field(f->descriptor, p + pos, (size_t)len, depth + 1, name, cap)) {
            size_t l = strlen(f->name);
            size_t r = strnlen(name, cap);

            if(l + 1 + r < cap) {
                memmove(name + l + 1, name, r + 1);
                memcpy(name, f->name, l);
                name[l] = '.';
            }
            return true;
        }
        pos += (size_t)len;
    }
    return false;
}

/* Field number 0 is not a field (protobuf encoding spec), yet protobuf-c keeps a non-minimal
 * varint tag of 0 ("80 00") as an unknown field and then refuses what it packs from it; such a
 * request is malformed. Walks nested messages (depth bounded by protobuf-c's unpack). */
static bool
has_field_zero(const ProtobufCMessage *msg)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;

    for(unsigned i = 0; i < msg->n_unknown_fields; i++) {
        if(msg->unknown_fields[i].tag == 0)
            return true;
    }
    for(unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *base = (const char *)msg;
        size_t n = 1;
        const void *const *arr;

        if(f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if(f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *)(const void *)(base + f->quantifier_offset);
            arr = *(const void *const *const *)(const void *)(base + f->offset);
        } else {
            arr = (const void *const *)(const void *)(base + f->offset);
        }
        for(size_t k = 0; arr && k < n; k++) {
            if(arr[k] && has_field_zero(arr[k]))
                return true;
        }
    }
    return false;
}

ProtobufCMessage *
sd_rpc_unpack(const struct sd_rpc_method *m, struct sd_rpc_call *c)
{
    size_t max = m->max_req ? m->max_req : SD_RPC_MAX_MSG;
    ProtobufCMessage *req;
    char name[128];

    if(c->req_len > max) {
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED, "request: larger than %zu bytes", max);
        return NULL;
    }
    name[0] = 0;
    if(c->req && c->req_len && wire_nul_field(m->in, c->req, c->req_len, 0, name, sizeof(name))) {
        sd_rpc_invalid(c, "%s: must not contain a NUL character", name);
        return NULL;
    }
    req = protobuf_c_message_unpack(m->in, NULL, c->req_len, c->req);
    if(req && has_field_zero(req)) {
        protobuf_c_message_free_unpacked(req, NULL);
        req = NULL;
    }
    if(!req)
        sd_rpc_bad_request(c);
    return req;
}

static void
wipe_field(const ProtobufCFieldDescriptor *f, void *v)
{
    if(f->type == PROTOBUF_C_TYPE_STRING) {
        char *s = *(char **)v;

        if(s && s != f->default_value)
            sodium_memzero(s, strlen(s));
    } else if(f->type == PROTOBUF_C_TYPE_BYTES) {
        ProtobufCBinaryData *b = v;

        if(b->data && b->len)
            sodium_memzero(b->data, b->len);
    } else if(f->type == PROTOBUF_C_TYPE_MESSAGE) {
        sd_rpc_request_wipe(*(ProtobufCMessage **)v);
    }
}

void
sd_rpc_request_wipe(ProtobufCMessage *req)
{
    const ProtobufCMessageDescriptor *d;

    if(!req)
        return;
    d = req->descriptor;
    for(unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        char *member = (char *)req + f->offset;
        const char *qf = (const char *)req + f->quantifier_offset;

        if(f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_BYTES &&
           f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *(const uint32_t *)qf != f->id)
            continue; /* another member of the oneof is set */
        if(f->label != PROTOBUF_C_LABEL_REPEATED) {
            wipe_field(f, member);
            continue;
        }
        for(size_t k = 0; k < *(const size_t *)qf; k++) {
            if(f->type == PROTOBUF_C_TYPE_BYTES)
                wipe_field(f, *(ProtobufCBinaryData **)member + k);
            else
                wipe_field(f, *(void ***)member + k);
        }
    }
    for(unsigned i = 0; i < req->n_unknown_fields; i++)
        sodium_memzero(req->unknown_fields[i].data, req->unknown_fields[i].len);
}

void
sd_rpc_request_free(const struct sd_rpc_method *m, ProtobufCMessage *req)
{
    if(!req)
        return;
    if(m && (m->flags & SD_RPC_SECRET))
        sd_rpc_request_wipe(req);
    protobuf_c_message_free_unpacked(req, NULL);
}

ProtobufCMessage *
sd_rpc_request_take(struct sd_rpc_ctx *x)
{
    ProtobufCMessage *req = x->req;

    x->req = NULL;
    return req;
}

/* "Bearer <token>" -> token (borrowed from the header value), or NULL. */
static const char *
bearer(const char *auth)
{
    if(!auth || strncmp(auth, "Bearer ", 7) != 0)
        return NULL;
    return auth + 7;
}

/* The caller's context: request id, session and policy. false when the call is answered
 * already (UNAUTHENTICATED, PERMISSION_DENIED). */
static bool
call_ctx(void *app, struct sd_rpc_call *c, const struct sd_rpc_method *m, struct sd_rpc_ctx *x)
{
    struct sd_session sess;
    size_t rl;
    bool ok = false;

    memset(x, 0, sizeof(*x));
    x->d = app;
    x->m = m;
    x->fingerprint = c->peer_fingerprint;
    x->source = c->peer_addr;
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
    if(m->flags & SD_RPC_PUBLIC) {
        snprintf(x->actor_name, sizeof(x->actor_name), "anonymous");
        x->actor.name = x->actor_name;
        return true;
    }
    x->token = bearer(c->authorization);
    if(!x->token || sd_access_session(x->d, x->token, x->fingerprint, &sess) != SD_OK) {
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

/* The shape of every call: method, session and policy, request (unpacked, the method's own
 * check), the handler (fn, or the prepare step), then the request and the reply arena freed. */
static void
run(void *app, struct sd_rpc_call *c, const struct sd_rpc_method *m, bool prepare)
{
    sd_rpc_fn fn = prepare ? m->prepare : m->fn;
    struct sd_rpc_ctx x;

    if(!call_ctx(app, c, m, &x))
        return;
    /* a prepared call: the prepare step read the request and keeps what it needs */
    if(prepare || !m->prepare || !c->prep) {
        x.req = sd_rpc_unpack(m, c);
        if(!x.req)
            goto out;
        if(m->allow && !m->allow(&x, c, x.req))
            goto out;
    }
    fn(&x, c, x.req);
out:
    sd_rpc_request_free(m, x.req);
    sd_arena_free(&x.a);
}

void
sd_rpc_dispatch(void *app, struct sd_rpc_call *c)
{
    const struct sd_rpc_method *m = sd_rpc_method_find(c->method);

    if(!m)
        sd_rpc_call_status(c, SD_GRPC_UNIMPLEMENTED, "unknown method");
    else
        run(app, c, m, false);
}

/* Methods with a prepare step (the table's .prepare): the work that needs no write txn
 * (unpack, validate, redact, triage, search), run on a worker before the call goes to the
 * writer thread, after the same session and policy checks. It leaves c->status
 * SD_GRPC_UNKNOWN and may set c->prep for the handler, or sets a final status. */
void
sd_rpc_prepare(void *app, struct sd_rpc_call *c)
{
    const struct sd_rpc_method *m = sd_rpc_method_find(c->method);

    if(m && m->prepare)
        run(app, c, m, true);
    /* no prepare step: sd_rpc_dispatch answers it on the writer */
}
