/* Ticket <-> protobuf conversion shared by the server (dispatch.c) and the client side
 * (sealctl online mode): one mapping, so both views of a ticket stay identical. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/clock.h"
#include "sealdesk/redact.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/tickets.h"

void *
sd_arena_keep(struct sd_arena *a, void *p, size_t n)
{
    if(!p)
        return NULL;
    if(a->n == a->cap) {
        size_t ncap = a->cap ? a->cap * 2 : 32;
        struct sd_arena_block *b = realloc(a->blocks, ncap * sizeof(*b));

        if(!b) {
            free(p);
            return NULL;
        }
        a->blocks = b;
        a->cap = ncap;
    }
    a->blocks[a->n].p = p;
    a->blocks[a->n++].n = n;
    return p;
}

char *
sd_arena_strndup(struct sd_arena *a, const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if(!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return sd_arena_keep(a, p, n + 1);
}

void *
sd_arena_alloc(struct sd_arena *a, size_t n)
{
    return sd_arena_keep(a, calloc(1, n ? n : 1), n ? n : 1);
}

void
sd_arena_free(struct sd_arena *a)
{
    for(size_t i = 0; i < a->n; i++) {
        sodium_memzero(a->blocks[i].p, a->blocks[i].n); /* may hold decrypted PII */
        free(a->blocks[i].p);
    }
    free(a->blocks);
    memset(a, 0, sizeof(*a));
}

static char *
time_str(struct sd_arena *a, uint64_t t)
{
    char buf[32];

    sd_time_format(buf, sizeof(buf), t);
    return sd_arena_strndup(a, buf, strlen(buf));
}

/* The summary fields of t (sd_ticket_list_summarize): the subject and the one customer field
 * it holds, already masked. */
static sd_err
summary_to_pb(struct sd_arena *a, const struct sd_ticket *t, Sealdesk__V1__Ticket *pb)
{
    static const enum sd_field customer[] = {SD_F_CUSTOMER_EMAIL, SD_F_CUSTOMER_NAME,
                                             SD_F_CUSTOMER_UID};

    if(t->has[SD_F_SUBJECT]) {
        pb->subject = sd_arena_strndup(a, (const char *)t->field[SD_F_SUBJECT].data,
                                       t->field[SD_F_SUBJECT].len);
        if(!pb->subject)
            return SD_E_NOMEM;
    }
    for(size_t i = 0; i < sizeof(customer) / sizeof(customer[0]); i++) {
        const struct sd_buf *b = &t->field[customer[i]];

        if(!t->has[customer[i]])
            continue;
        pb->customer = sd_arena_strndup(a, (const char *)b->data, b->len);
        return pb->customer ? SD_OK : SD_E_NOMEM;
    }
    return SD_OK;
}

sd_err
sd_ticket_to_pb(struct sd_arena *a, const struct sd_ticket *t, bool full, Sealdesk__V1__Ticket *pb)
{
    sealdesk__v1__ticket__init(pb);
    pb->id = t->id;
    pb->channel = (char *)sd_channel_name(t->channel);
    pb->category = (char *)sd_category_name(t->category);
    pb->priority = (char *)sd_priority_name(t->priority);
    pb->status = (char *)sd_status_name(t->status);
    pb->assignee = sd_arena_strndup(a, t->assignee, strlen(t->assignee));
    pb->vip = t->vip;
    pb->created_at = time_str(a, t->created_at);
    pb->updated_at = time_str(a, t->updated_at);
    pb->sla_first_response_due = time_str(a, t->sla_first_response_due);
    pb->sla_resolution_due = time_str(a, t->sla_resolution_due);
    pb->first_response_at = time_str(a, t->first_response_at);
    pb->resolved_at = time_str(a, t->resolved_at);
    pb->csat = t->csat;
    pb->reopen_count = t->reopen_count;
    pb->redacted = t->redaction_flags != 0;
    pb->redactions = sd_arena_alloc(a, SD_REDACT_KIND_COUNT * sizeof(char *));
    pb->signals = sd_arena_alloc(a, (t->n_signals + 1) * sizeof(char *));
    if(!pb->assignee || !pb->created_at || !pb->updated_at || !pb->sla_first_response_due ||
       !pb->sla_resolution_due || !pb->first_response_at || !pb->resolved_at || !pb->redactions ||
       !pb->signals)
        return SD_E_NOMEM;
    for(int k = 0; k < SD_REDACT_KIND_COUNT; k++) {
        if(t->redaction_flags & (1u << k))
            pb->redactions[pb->n_redactions++] =
                (char *)sd_redact_kind_name((enum sd_redact_kind)k);
    }
    for(size_t i = 0; i < t->n_signals; i++)
        pb->signals[pb->n_signals++] = (char *)t->signals[i];
    pb->lang = (char *)t->lang;
    pb->suggested_articles = (uint64_t *)t->suggested;
    pb->n_suggested_articles = t->n_suggested;
    if(t->summary) {
        sd_err err = summary_to_pb(a, t, pb);

        if(err != SD_OK)
            return err;
    }
    if(t->n_transitions) {
        pb->transitions = sd_arena_alloc(a, t->n_transitions * sizeof(char *));
        if(!pb->transitions)
            return SD_E_NOMEM;
        for(size_t i = 0; i < t->n_transitions && i < SD_ST_COUNT; i++)
            pb->transitions[pb->n_transitions++] =
                (char *)(t->transitions[i] == SD_ST_REOPEN
                             ? "reopen"
                             : sd_status_name((enum sd_status)t->transitions[i]));
    }
    if(!full)
        return SD_OK;
    pb->shredded = t->shredded;
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    pb->pii = sd_arena_alloc(a, SD_F_COUNT * sizeof(*pb->pii));
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    pb->timeline = sd_arena_alloc(a, (t->n_events + 1) * sizeof(*pb->timeline));
    if(!pb->pii || !pb->timeline)
        return SD_E_NOMEM;
    for(int f = SD_F_CUSTOMER_NAME; f < SD_F_COUNT; f++) {
        Sealdesk__V1__Ticket__PiiEntry *e;

        if(!t->has[f])
            continue;
        e = sd_arena_alloc(a, sizeof(*e));
        if(!e)
            return SD_E_NOMEM;
        sealdesk__v1__ticket__pii_entry__init(e);
        e->key = (char *)sd_field_name((enum sd_field)f);
        e->value = sd_arena_strndup(a, (const char *)t->field[f].data, t->field[f].len);
        if(!e->value)
            return SD_E_NOMEM;
        pb->pii[pb->n_pii++] = e;
    }
    for(size_t i = 0; i < t->n_events; i++) {
        const struct sd_event *ev = &t->events[i];
        Sealdesk__V1__Event *e = sd_arena_alloc(a, sizeof(*e));

        if(!e)
            return SD_E_NOMEM;
        sealdesk__v1__event__init(e);
        e->seq = ev->seq;
        e->at = time_str(a, ev->at);
        e->actor = sd_arena_strndup(a, ev->actor, strlen(ev->actor));
        e->kind = (char *)sd_event_kind_name(ev->kind);
        e->from_status = (char *)(ev->from_status ? sd_status_name(ev->from_status) : "");
        e->to_status = (char *)(ev->to_status ? sd_status_name(ev->to_status) : "");
        e->detail = sd_arena_strndup(a, ev->detail, strlen(ev->detail));
        e->has_body = ev->has_body;
        e->body = ev->has_body ? sd_arena_strndup(a, (const char *)ev->body.data, ev->body.len)
                               : (char *)"";
        e->internal = ev->internal;
        if(!e->at || !e->actor || !e->detail || !e->body)
            return SD_E_NOMEM;
        pb->timeline[pb->n_timeline++] = e;
    }
    return SD_OK;
}

static uint64_t
parse_time(const char *s)
{
    uint64_t t = 0;

    if(s && *s && sd_time_parse(&t, s) != SD_OK)
        t = 0;
    return t;
}

static void
copy(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strnlen(src, cap - 1) : 0;

    memcpy(dst, src ? src : "", n);
    dst[n] = 0;
}

static int
status_from(const char *s)
{
    int v = 0;

    return s && *s && sd_status_parse(&v, s) == SD_OK ? v : 0;
}

sd_err
sd_ticket_from_pb(struct sd_ticket *t, const Sealdesk__V1__Ticket *pb)
{
    enum sd_category cat = SD_CAT_GENERAL;
    int st = 0, prio = 0;
    sd_err err = SD_OK;

    memset(t, 0, sizeof(*t));
    t->id = pb->id;
    if(sd_channel_parse(&t->channel, pb->channel) != SD_OK)
        t->channel = SD_CH_API;
    if(sd_category_parse(&cat, pb->category) != SD_OK)
        return SD_E_INVALID;
    t->category = cat;
    if(sd_priority_parse(&prio, pb->priority) != SD_OK)
        return SD_E_INVALID;
    t->priority = prio;
    st = status_from(pb->status);
    if(!st || st == SD_ST_REOPEN)
        return SD_E_INVALID;
    t->status = (enum sd_status)st;
    copy(t->assignee, sizeof(t->assignee), pb->assignee);
    t->vip = pb->vip;
    t->created_at = parse_time(pb->created_at);
    t->updated_at = parse_time(pb->updated_at);
    t->sla_first_response_due = parse_time(pb->sla_first_response_due);
    t->sla_resolution_due = parse_time(pb->sla_resolution_due);
    t->first_response_at = parse_time(pb->first_response_at);
    t->resolved_at = parse_time(pb->resolved_at);
    t->csat = pb->csat;
    t->reopen_count = pb->reopen_count;
    for(size_t i = 0; i < pb->n_redactions; i++) {
        for(int k = 0; k < SD_REDACT_KIND_COUNT; k++) {
            if(strcmp(pb->redactions[i], sd_redact_kind_name((enum sd_redact_kind)k)) == 0)
                t->redaction_flags |= 1u << k;
        }
    }
    for(size_t i = 0; i < pb->n_signals && t->n_signals < SD_TRIAGE_MAX_SIGNALS; i++)
        copy(t->signals[t->n_signals++], sizeof(t->signals[0]), pb->signals[i]);
    copy(t->lang, sizeof(t->lang), pb->lang);
    for(size_t i = 0; i < pb->n_suggested_articles && t->n_suggested < SD_MAX_SUGGESTED; i++)
        t->suggested[t->n_suggested++] = pb->suggested_articles[i];
    t->shredded = pb->shredded;
    for(size_t i = 0; i < pb->n_pii; i++) {
        for(int f = SD_F_CUSTOMER_NAME; f < SD_F_COUNT; f++) {
            if(strcmp(pb->pii[i]->key, sd_field_name((enum sd_field)f)) != 0)
                continue;
            t->has[f] = true;
            err = sd_buf_append_str(&t->field[f], pb->pii[i]->value);
            if(err == SD_OK)
                err = sd_buf_terminate(&t->field[f]);
            if(err != SD_OK)
                goto fail;
        }
    }
    if(pb->n_timeline) {
        t->events = calloc(pb->n_timeline, sizeof(*t->events));
        if(!t->events) {
            err = SD_E_NOMEM;
            goto fail;
        }
    }
    for(size_t i = 0; i < pb->n_timeline; i++) {
        const Sealdesk__V1__Event *e = pb->timeline[i];
        struct sd_event *ev = &t->events[t->n_events++];

        ev->seq = e->seq;
        ev->at = parse_time(e->at);
        copy(ev->actor, sizeof(ev->actor), e->actor);
        ev->kind = SD_EV_CREATED;
        for(int k = SD_EV_CREATED; k < SD_EV_COUNT; k++) {
            if(strcmp(e->kind, sd_event_kind_name((enum sd_event_kind)k)) == 0)
                ev->kind = (enum sd_event_kind)k;
        }
        ev->from_status = status_from(e->from_status);
        ev->to_status = status_from(e->to_status);
        copy(ev->detail, sizeof(ev->detail), e->detail);
        ev->internal = e->internal;
        ev->has_body = e->has_body;
        if(e->has_body) {
            err = sd_buf_append_str(&ev->body, e->body);
            if(err == SD_OK)
                err = sd_buf_terminate(&ev->body);
            if(err != SD_OK)
                goto fail;
        }
    }
    return SD_OK;
fail:
    sd_ticket_clear(t);
    return err;
}
