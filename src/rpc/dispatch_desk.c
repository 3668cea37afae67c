/* Desk feature services (proto/desk.proto): the Knowledge service over kb/kb.c (add, edit,
 * get, search), the Routing calls over routing/route.c (agent profiles, auto routing, duty
 * view) and the Incidents service over incident/incident.c.
 * Agents, supervisors and compliance read the knowledge base; supervisors edit it and
 * manage routing and incidents (agents may link, confirm and unlink tickets they may work on;
 * agents, supervisors and compliance read incidents). Articles are public help text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk.pb-c.h"
#include "dispatch_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/err.h"
#include "sealdesk/incident.h"
#include "sealdesk/kb.h"
#include "sealdesk/route.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"

static sd_err
translation_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__Article__TranslationsEntry *e = pb;
    const struct sd_kb_link *t = (const struct sd_kb_link *)src + i;

    (void)a;
    e->key = (char *)t->lang;
    e->value = t->id;
    return SD_OK;
}

/* Fill pb from article src (item i); strings borrowed from it or kept in a. */
static sd_err
article_item(struct sd_arena *a, void *m, const void *src, size_t idx)
{
    Sealdesk__V1__Article *pb = m;
    struct sd_kb_article *art = (struct sd_kb_article *)src + idx; /* read-only */
    sd_err err = SD_OK;

    sealdesk__v1__article__init(pb);
    pb->id = art->id;
    pb->lang = art->lang;
    pb->title = art->title ? art->title : (char *)"";
    pb->body = art->body ? art->body : (char *)"";
    pb->category = (char *)sd_category_name(art->category);
    pb->status = (char *)sd_kb_status_name(art->status);
    pb->version = art->version;
    pb->author = art->author;
    pb->uses = art->uses;
    pb->slug = art->slug;
    pb->updated_at = sd_rpc_time(a, art->updated_at);
    pb->tags = sd_arena_alloc(a, (art->n_tags + 1) * sizeof(*pb->tags));
    if(!pb->updated_at || !pb->tags)
        return SD_E_NOMEM;
    for(size_t i = 0; i < art->n_tags; i++)
        pb->tags[pb->n_tags++] = art->tags[i];
    pb->translations =
        sd_rpc_list(a, &sealdesk__v1__article__translations_entry__descriptor, art->n_translations,
                    translation_item, art->translations, &pb->n_translations, &err);
    return err;
}

/* Reply with article id (current version) or the error; `art` is cleared. */
static void
reply_article(struct sd_rpc_ctx *x, struct sd_rpc_call *c, sd_err err, struct sd_kb_article *art,
              const char *what)
{
    sd_rpc_answer_item(c, &x->a, err, &sealdesk__v1__article__descriptor, article_item, art, what);
    sd_kb_article_clear(art);
}

/* The fields Add and Edit share; false with the status set. */
static bool
kb_fields(struct sd_rpc_call *c, const char *category, const char *status, size_t n_tags,
          int *cat_out, int *status_out, const char *what)
{
    enum sd_kb_status st = SD_KB_DRAFT;
    bool has_status = !sd_rpc_empty(status);

    if(!sd_rpc_category_opt(category, cat_out) ||
       (has_status && sd_kb_status_parse(&st, status) != SD_OK)) {
        sd_rpc_invalid(c, "%s: unknown category or status", what);
        return false;
    }
    if(has_status)
        *status_out = (int)st;
    if(n_tags > SD_KB_MAX_TAGS) {
        sd_rpc_fail(c, SD_E_LIMIT, what);
        return false;
    }
    return true;
}

/* The asks of Add and Edit joined into out (sd_kb_asks_join); false with the status set, the
 * field named. */
static bool
kb_asks(struct sd_rpc_call *c, char *const *asks, size_t n, char out[SD_KB_MAX_ASKS + 1])
{
    sd_err err = sd_kb_asks_join(out, (const char *const *)asks, n);

    if(err != SD_OK) {
        sd_rpc_invalid(c, "asks: each one line of text, 1..%d bytes, at most %d bytes in all",
                       SD_KB_MAX_ASK, SD_KB_MAX_ASKS);
        return false;
    }
    return true;
}

static void
kb_add(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AddArticleRequest *q = req;
    struct sd_kb_new in = {.category = -1};
    struct sd_kb_article art = {0};
    char asks[SD_KB_MAX_ASKS + 1];
    uint64_t id = 0;
    sd_err err;

    if(!kb_fields(c, q->category, q->status, q->n_tags, &in.category, &in.status, "add"))
        return;
    in.lang = q->lang;
    in.title = q->title;
    in.body = q->body;
    in.tags = (const char *const *)q->tags;
    in.n_tags = q->n_tags;
    in.translation_of = q->translation_of;
    if(!kb_asks(c, q->asks, q->n_asks, asks))
        return;
    in.asks = asks;
    err = sd_kb_add(x->d, &x->actor, &in, &id);
    if(err == SD_OK)
        err = sd_kb_get(x->d, id, 0, &art);
    reply_article(x, c, err, &art, "add");
}

static void
kb_edit(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__EditArticleRequest *q = req;
    struct sd_kb_edit e = {.category = -1};
    struct sd_kb_article art = {0};
    char asks[SD_KB_MAX_ASKS + 1];
    sd_err err;

    if(!kb_fields(c, q->category, q->status, q->n_tags, &e.category, &e.status, "edit"))
        return;
    e.title = sd_rpc_empty(q->title) ? NULL : q->title;
    e.body = sd_rpc_empty(q->body) ? NULL : q->body;
    e.tags = (const char *const *)q->tags;
    e.n_tags = q->n_tags;
    e.set_tags = q->set_tags;
    e.expected_version = q->expected_version;
    if(!kb_asks(c, q->asks, q->n_asks, asks))
        return;
    e.asks = asks;
    e.set_asks = q->set_asks;
    err = sd_kb_edit(x->d, &x->actor, q->id, &e, NULL);
    if(err == SD_E_PRECONDITION && q->expected_version) {
        sd_rpc_call_status(c, SD_GRPC_FAILED_PRECONDITION,
                           "expected_version: the article has a newer version; reload it");
        return;
    }
    if(err == SD_OK)
        err = sd_kb_get(x->d, q->id, 0, &art);
    reply_article(x, c, err, &art, "edit");
}

static void
kb_get(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__GetArticleRequest *q = req;
    struct sd_kb_article art = {0};

    reply_article(x, c, sd_kb_get(x->d, q->id, q->version, &art), &art, "get");
}

static sd_err
hit_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__SearchHit *h = pb;
    const struct sd_kb_hit *k = (const struct sd_kb_hit *)src + i;

    (void)a;
    h->id = k->id;
    h->lang = (char *)k->lang;
    h->title = (char *)k->title;
    h->score = k->score;
    h->snippet = (char *)k->snippet;
    return SD_OK;
}

static void
kb_search(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__SearchRequest *q = req;
    Sealdesk__V1__SearchResult pb = SEALDESK__V1__SEARCH_RESULT__INIT;
    struct sd_kb_hit hits[SD_KB_MAX_LIMIT];
    size_t limit = q->limit ? q->limit : 10, n = 0;
    sd_err err;

    if(limit > SD_KB_MAX_LIMIT) {
        sd_rpc_fail(c, SD_E_LIMIT, "search");
        return;
    }
    err = sd_kb_search(x->d, q->text, sd_rpc_empty(q->lang) ? NULL : q->lang, limit, hits, &n);
    pb.hits = sd_rpc_list(&x->a, &sealdesk__v1__search_hit__descriptor, n, hit_item, hits,
                          &pb.n_hits, &err);
    sd_rpc_answer(c, err, &pb.base, "search");
}

/* ---- Routing ---- */

static const char *const duty_langs[] = {"zh", "zh-Hant", "en", "ko"};

/* "now" of a request: RFC 3339, "" = the clock. false on a bad time. */
static bool
req_now(struct sd_rpc_call *c, const char *s, uint64_t *now)
{
    *now = sd_clock_now();
    if(sd_rpc_empty(s))
        return true;
    if(sd_time_parse(now, s) == SD_OK)
        return true;
    sd_rpc_invalid(c, "now: not an RFC 3339 time");
    return false;
}

/* An optional from/to window (0 = open); false with the status set. */
static bool
req_window(struct sd_rpc_call *c, const char *from_s, const char *to_s, uint64_t *from,
           uint64_t *to)
{
    *from = 0;
    *to = 0;
    if((!sd_rpc_empty(from_s) && sd_time_parse(from, from_s) != SD_OK) ||
       (!sd_rpc_empty(to_s) && sd_time_parse(to, to_s) != SD_OK)) {
        sd_rpc_invalid(c, "from/to: not an RFC 3339 time");
        return false;
    }
    return true;
}

/* A list of formatted strings kept in a (shifts, overrides). */
typedef void (*fmt_fn)(char *out, size_t cap, const void *item);

static char **
strings(struct sd_arena *a, const void *items, size_t size, size_t n, fmt_fn fmt, size_t *n_out)
{
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of string pointers
    char **arr = sd_arena_alloc(a, (n + 1) * sizeof(*arr));
    char buf[96];

    *n_out = 0;
    for(size_t i = 0; arr && i < n; i++) {
        fmt(buf, sizeof(buf), (const char *)items + i * size);
        arr[i] = sd_arena_strndup(a, buf, strlen(buf));
        if(!arr[i])
            return NULL;
        (*n_out)++;
    }
    return arr;
}

static void
fmt_shift(char *out, size_t cap, const void *item)
{
    sd_route_shift_format(out, cap, item);
}

static void
fmt_override(char *out, size_t cap, const void *item)
{
    sd_route_override_format(out, cap, item);
}

/* Profiles and the time their on_shift is computed for. */
struct agents_at {
    const struct sd_agent_profile *all;
    uint64_t now;
};

/* AgentInfo of profile i; strings borrowed from it or kept in a. */
static sd_err
agent_item(struct sd_arena *a, void *m, const void *src, size_t idx)
{
    Sealdesk__V1__AgentInfo *pb = m;
    const struct agents_at *g = src;
    const struct sd_agent_profile *p = &g->all[idx];
    uint64_t now = g->now;

    sealdesk__v1__agent_info__init(pb);
    pb->name = (char *)p->name;
    pb->vip = p->vip;
    pb->on_shift = sd_agent_on_shift(p, now);
    pb->langs = sd_arena_alloc(a, (p->n_langs + 1) * sizeof(*pb->langs));
    pb->categories = sd_arena_alloc(a, (SD_CAT_COUNT + 1) * sizeof(*pb->categories));
    pb->shifts = strings(a, p->shifts, sizeof(p->shifts[0]), p->n_shifts, fmt_shift, &pb->n_shifts);
    pb->overrides = strings(a, p->overrides, sizeof(p->overrides[0]), p->n_overrides, fmt_override,
                            &pb->n_overrides);
    if(!pb->langs || !pb->categories || !pb->shifts || !pb->overrides)
        return SD_E_NOMEM;
    for(size_t i = 0; i < p->n_langs; i++)
        pb->langs[pb->n_langs++] = (char *)p->langs[i];
    for(int k = 0; k < SD_CAT_COUNT; k++) {
        if(p->categories & (1u << k))
            pb->categories[pb->n_categories++] = (char *)sd_category_name((enum sd_category)k);
    }
    return SD_OK;
}

/* The AgentInfo answer of a profile call (with the overrides it kept). */
static void
reply_agent(struct sd_rpc_ctx *x, struct sd_rpc_call *c, sd_err err,
            const struct sd_agent_profile *p, uint64_t now, const char *what)
{
    struct agents_at g = {p, now};

    sd_rpc_answer_item(c, &x->a, err, &sealdesk__v1__agent_info__descriptor, agent_item, &g, what);
}

/* The profile of a SetAgent request; false with the status set naming the part that is
 * wrong. */
static bool
agent_input(struct sd_rpc_call *c, const Sealdesk__V1__SetAgentRequest *q,
            struct sd_agent_profile *p)
{
    char why[192];
    sd_err err;

    memset(p, 0, sizeof(*p));
    if(sd_rpc_empty(q->name) || strlen(q->name) >= sizeof(p->name)) {
        sd_rpc_fail(c, SD_E_INVALID, "agent");
        return false;
    }
    snprintf(p->name, sizeof(p->name), "%s", q->name);
    p->vip = q->vip;
    err = sd_route_parse_langs(q->langs, p);
    if(err != SD_OK) {
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err),
                           "agent: langs: unknown or too many (zh, zh-Hant, en, ko)");
        return false;
    }
    err = sd_route_parse_categories(q->categories, p);
    if(err != SD_OK) {
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err),
                           "agent: categories: unknown category");
        return false;
    }
    err = sd_rpc_empty(q->shift) ? SD_OK : sd_route_parse_shifts_why(q->shift, p, why, sizeof(why));
    if(err != SD_OK) {
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "agent: shift: %s", why);
        return false;
    }
    return true;
}

static void
route_set_agent(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    struct sd_agent_profile p;
    sd_err err;

    if(!agent_input(c, req, &p))
        return;
    err = sd_agent_set(x->d, &x->actor, &p);
    if(err == SD_OK)
        err = sd_agent_get(x->d, p.name, &p); /* with the overrides it kept */
    reply_agent(x, c, err, &p, sd_clock_now(), "agent");
}

static const struct sd_rpc_why override_why[] = {
    {SD_E_INVALID, "override: needs from < to, to in the future, at most 31 days"}};

static void
route_override(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AgentOverrideRequest *q = req;
    struct sd_agent_profile p;
    struct sd_shift_override o = {0, 0, q->on};
    uint64_t now = sd_clock_now();
    sd_err err;

    if(sd_rpc_empty(q->name) || sd_time_parse(&o.from, q->from) != SD_OK ||
       sd_time_parse(&o.to, q->to) != SD_OK) {
        sd_rpc_invalid(c, "override: name, from and to (RFC 3339) are required");
        return;
    }
    err = sd_agent_override(x->d, &x->actor, q->name, &o, now, &p);
    if(!SD_RPC_EXPLAIN(c, err, override_why))
        reply_agent(x, c, err, &p, now, "override");
}

static void
route_list_agents(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ListAgentsRequest *q = req;
    Sealdesk__V1__AgentList pb = SEALDESK__V1__AGENT_LIST__INIT;
    struct sd_agent_profile *all = NULL;
    struct agents_at g;
    size_t n = 0;
    sd_err err;

    if(!req_now(c, q->now, &g.now))
        return;
    err = sd_agent_list(x->d, &all, &n);
    g.all = all;
    pb.agents = sd_rpc_list(&x->a, &sealdesk__v1__agent_info__descriptor, n, agent_item, &g,
                            &pb.n_agents, &err);
    sd_rpc_answer(c, err, &pb.base, "agents");
    free(all);
}

static sd_err
assignment_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__RouteAssignment *m = pb;
    const struct sd_route_assignment *as = (const struct sd_route_assignment *)src + i;

    (void)a;
    m->ticket_id = as->ticket_id;
    m->agent = (char *)as->agent;
    m->fallback = as->fallback;
    return SD_OK;
}

static void
route_auto(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__RouteAutoRequest *q = req;
    Sealdesk__V1__RouteAutoResult pb = SEALDESK__V1__ROUTE_AUTO_RESULT__INIT;
    struct sd_route_assignment *as = NULL;
    size_t n = 0;
    uint64_t now;
    sd_err err;

    if(!req_now(c, q->now, &now))
        return;
    err = sd_route_auto(x->d, &x->actor, now, &as, &n);
    pb.assigned = sd_rpc_list(&x->a, &sealdesk__v1__route_assignment__descriptor, n,
                              assignment_item, as, &pb.n_assigned, &err);
    sd_rpc_answer(c, err, &pb.base, "route");
    free(as);
}

struct duty_src {
    const struct sd_agent_profile *all;
    size_t n;
    uint64_t now;
};

/* Cell i of the duty view: language i / SD_CAT_COUNT, category i % SD_CAT_COUNT, and the
 * agents on shift who fit it. */
static sd_err
duty_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__DutyCell *m = pb;
    const struct duty_src *s = src;
    enum sd_category cat = (enum sd_category)(i % SD_CAT_COUNT);

    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of string pointers
    m->agents = sd_arena_alloc(a, (s->n + 1) * sizeof(*m->agents));
    if(!m->agents)
        return SD_E_NOMEM;
    m->lang = (char *)duty_langs[i / SD_CAT_COUNT];
    m->category = (char *)sd_category_name(cat);
    for(size_t g = 0; g < s->n; g++) {
        if(sd_agent_on_shift(&s->all[g], s->now) && sd_agent_fits(&s->all[g], m->lang, cat, false))
            m->agents[m->n_agents++] = (char *)s->all[g].name;
    }
    return SD_OK;
}

static void
route_duty(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__DutyRequest *q = req;
    Sealdesk__V1__DutyView pb = SEALDESK__V1__DUTY_VIEW__INIT;
    struct sd_agent_profile *all = NULL;
    struct duty_src s = {0};
    sd_err err;

    if(!req_now(c, q->now, &s.now))
        return;
    err = sd_agent_list(x->d, &all, &s.n);
    s.all = all;
    pb.cells = sd_rpc_list(&x->a, &sealdesk__v1__duty_cell__descriptor, 4 * (size_t)SD_CAT_COUNT,
                           duty_item, &s, &pb.n_cells, &err);
    sd_rpc_answer(c, err, &pb.base, "duty");
    free(all);
}

static sd_err
agent_stats_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__AgentStatsRow *m = pb;
    const struct sd_agent_stats *st = (const struct sd_agent_stats *)src + i;

    (void)a;
    m->agent = (char *)st->agent;
    m->handled = st->handled;
    m->median_first_response_seconds = st->median_first_response;
    m->median_resolution_seconds = st->median_resolution;
    m->sla_breaches = st->sla_breaches;
    m->reopen_rate = st->reopen_rate;
    m->csat_average = st->csat_average;
    m->csat_count = st->csat_count;
    return SD_OK;
}

static void
route_agent_stats(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AgentStatsRequest *q = req;
    Sealdesk__V1__AgentStatsResult pb = SEALDESK__V1__AGENT_STATS_RESULT__INIT;
    struct sd_agent_stats *st = NULL;
    uint64_t from, to, now;
    size_t n = 0;
    sd_err err;

    if(!req_now(c, q->now, &now) || !req_window(c, q->from, q->to, &from, &to))
        return;
    err = sd_stats_by_agent(x->d, from, to, now, &st, &n);
    pb.rows = sd_rpc_list(&x->a, &sealdesk__v1__agent_stats_row__descriptor, n, agent_stats_item,
                          st, &pb.n_rows, &err);
    sd_rpc_answer(c, err, &pb.base, "stats");
    free(st);
}

/* One map entry per name (DayStatsRow maps: string key, uint64 value). */
static void *
day_map(struct sd_arena *a, const uint64_t *v, int from, int to, bool category, size_t *n)
{
    Sealdesk__V1__DayStatsRow__ByCategoryEntry **arr =
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        sd_arena_alloc(a, (size_t)(to - from + 1) * sizeof(*arr));

    *n = 0;
    for(int k = from; arr && k < to; k++) {
        Sealdesk__V1__DayStatsRow__ByCategoryEntry *e = sd_arena_alloc(a, sizeof(*e));

        if(!e)
            return NULL;
        sealdesk__v1__day_stats_row__by_category_entry__init(e);
        e->key = (char *)(category ? sd_category_name((enum sd_category)k)
                                   : sd_channel_name((enum sd_channel)k));
        e->value = v[k];
        arr[(*n)++] = e;
    }
    return arr;
}

static sd_err
day_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__DayStatsRow *m = pb;
    const struct sd_day_stats *st = (const struct sd_day_stats *)src + i;
    char day[32];

    sd_time_format(day, sizeof(day), st->day);
    m->day = sd_arena_strndup(a, day, 10);
    m->total = st->total;
    m->by_category = day_map(a, st->by_category, 0, SD_CAT_COUNT, true, &m->n_by_category);
    m->by_channel = day_map(a, st->by_channel, SD_CH_CHAT, SD_CH_COUNT, false, &m->n_by_channel);
    return m->day && m->by_category && m->by_channel ? SD_OK : SD_E_NOMEM;
}

static const struct sd_rpc_why day_stats_why[] = {
    {SD_E_LIMIT, "stats: too many days, narrow from/to"}};

static void
route_day_stats(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AgentStatsRequest *q = req;
    Sealdesk__V1__DayStatsResult pb = SEALDESK__V1__DAY_STATS_RESULT__INIT;
    struct sd_day_stats *st = NULL;
    uint64_t from, to;
    size_t n = 0;
    sd_err err;

    if(!req_window(c, q->from, q->to, &from, &to))
        return;
    err = sd_stats_by_day(x->d, from, to, &st, &n);
    pb.rows = sd_rpc_list(&x->a, &sealdesk__v1__day_stats_row__descriptor, n, day_item, st,
                          &pb.n_rows, &err);
    if(!SD_RPC_EXPLAIN(c, err, day_stats_why))
        sd_rpc_answer(c, err, &pb.base, "stats");
    free(st);
}

/* ---- Incidents ---- */

/* Fill pb from incident src (item i); strings borrowed from it, times kept in a. */
static sd_err
incident_item(struct sd_arena *a, void *m, const void *src, size_t idx)
{
    Sealdesk__V1__Incident *pb = m;
    const struct sd_incident *o = (const struct sd_incident *)src + idx;

    sealdesk__v1__incident__init(pb);
    pb->id = o->id;
    pb->title = (char *)o->title;
    pb->category = (char *)(o->any_category ? "" : sd_category_name(o->category));
    pb->match = sd_arena_alloc(a, (o->n_match + 1) * sizeof(*pb->match));
    if(!pb->match)
        return SD_E_NOMEM;
    for(size_t i = 0; i < o->n_match && i < SD_INC_MAX_TERMS; i++)
        pb->match[pb->n_match++] = (char *)o->match[i];
    pb->status = (char *)sd_incident_status_name(o->status);
    pb->created_at = sd_rpc_time(a, o->created_at);
    pb->resolved_at = sd_rpc_time(a, o->resolved_at);
    if(!pb->created_at || !pb->resolved_at)
        return SD_E_NOMEM;
    pb->updates = o->updates;
    pb->linked = o->linked;
    pb->replied = o->replied;
    pb->resolved_tickets = o->resolved_tickets;
    pb->suggested = o->suggested;
    return SD_OK;
}

static void
reply_incident(struct sd_rpc_ctx *x, struct sd_rpc_call *c, sd_err err, struct sd_incident *o,
               const char *what)
{
    sd_rpc_answer_item(c, &x->a, err, &sealdesk__v1__incident__descriptor, incident_item, o, what);
}

static void
incident_open(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__OpenIncidentRequest *q = req;
    struct sd_incident o;
    int category = -1; /* no category: tickets of every category */

    if(!sd_rpc_category_opt(q->category, &category)) {
        sd_rpc_invalid(c, "incident: category: unknown name");
        return;
    }
    reply_incident(x, c, sd_incident_open(x->d, &x->actor, q->title, category, q->match, &o), &o,
                   "incident");
}

/* The methods that act on one incident and answer it; the table's .arg says which. */
enum incident_call {
    IC_LINK,
    IC_UNLINK,
    IC_CONFIRM,
    IC_UPDATE,
    IC_RESOLVE
};

static void
incident_one(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    static const char *const what[] = {"incident link", "incident unlink", "incident confirm",
                                       "incident update", "incident resolve"};
    const Sealdesk__V1__LinkIncidentRequest *ln = req;
    const Sealdesk__V1__UpdateIncidentRequest *up = req;
    const Sealdesk__V1__ResolveIncidentRequest *rs = req;
    enum incident_call k = (enum incident_call)x->m->arg;
    struct sd_incident o;
    sd_err err = SD_E_INTERNAL;

    switch(k) {
    case IC_LINK:
        err = sd_incident_link(x->d, &x->actor, ln->id, ln->ticket, &o);
        break;
    case IC_UNLINK:
        err = sd_incident_unlink(x->d, &x->actor, ln->id, ln->ticket, &o);
        break;
    case IC_CONFIRM:
        err = sd_incident_confirm(x->d, &x->actor, ln->id, ln->ticket, &o);
        break;
    case IC_UPDATE:
        err = sd_incident_update(x->d, &x->actor, up->id, up->body, &o);
        break;
    case IC_RESOLVE:
        err = sd_incident_resolve(x->d, &x->actor, rs->id, rs->resolve_tickets, &o);
        break;
    }
    reply_incident(x, c, err, &o, what[k]);
}

static sd_err
link_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__IncidentLink *m = pb;
    const struct sd_incident_link *l = (const struct sd_incident_link *)src + i;

    (void)a;
    m->ticket = l->ticket;
    m->state = (char *)(l->confirmed ? "confirmed" : "suggested");
    return SD_OK;
}

static void
incident_get(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__GetIncidentRequest *q = req;
    Sealdesk__V1__Incident pb;
    struct sd_incident o;
    struct sd_incident_link *links = NULL;
    size_t n = 0;
    sd_err err;

    err = sd_incident_get_links(x->d, q->id, &o, &links, &n);
    if(err == SD_OK)
        err = incident_item(&x->a, &pb, &o, 0);
    if(err == SD_OK)
        pb.links = sd_rpc_list(&x->a, &sealdesk__v1__incident_link__descriptor, n, link_item, links,
                               &pb.n_links, &err);
    sd_rpc_answer(c, err, &pb.base, "incident get");
    free(links);
}

static void
incident_list(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ListIncidentsRequest *q = req;
    Sealdesk__V1__IncidentList pb = SEALDESK__V1__INCIDENT_LIST__INIT;
    struct sd_incident *all = NULL;
    size_t n = 0;
    bool truncated = false;
    int status = 0;
    sd_err err;

    if(!sd_rpc_empty(q->status)) {
        if(strcmp(q->status, "open") == 0) {
            status = SD_INC_OPEN;
        } else if(strcmp(q->status, "resolved") == 0) {
            status = SD_INC_RESOLVED;
        } else {
            sd_rpc_invalid(c, "incident list: status: open or resolved");
            return;
        }
    }
    err = sd_incident_list(x->d, status, &all, &n, &truncated);
    pb.incidents = sd_rpc_list(&x->a, &sealdesk__v1__incident__descriptor, n, incident_item, all,
                               &pb.n_incidents, &err);
    pb.truncated = truncated;
    sd_rpc_answer(c, err, &pb.base, "incident list");
    free(all);
}

/* clang-format off: one row a method, aligned for reading */
const struct sd_rpc_method sd_rpc_methods_desk[] = {
    SD_RPC_METHOD("/sealdesk.v1.Knowledge/Add", sealdesk__v1__add_article_request, kb_add,
                  SD_OP_KB_EDIT),
    SD_RPC_METHOD("/sealdesk.v1.Knowledge/Edit", sealdesk__v1__edit_article_request, kb_edit,
                  SD_OP_KB_EDIT),
    SD_RPC_METHOD("/sealdesk.v1.Knowledge/Get", sealdesk__v1__get_article_request, kb_get,
                  SD_OP_KB_READ),
    SD_RPC_METHOD("/sealdesk.v1.Knowledge/Search", sealdesk__v1__search_request, kb_search,
                  SD_OP_KB_READ),
    SD_RPC_METHOD("/sealdesk.v1.Routing/SetAgent", sealdesk__v1__set_agent_request, route_set_agent,
                  SD_OP_ROUTING),
    SD_RPC_METHOD("/sealdesk.v1.Routing/OverrideShift", sealdesk__v1__agent_override_request,
                  route_override, SD_OP_ROUTING),
    SD_RPC_METHOD("/sealdesk.v1.Routing/ListAgents", sealdesk__v1__list_agents_request,
                  route_list_agents, SD_OP_ROUTING),
    SD_RPC_METHOD("/sealdesk.v1.Routing/AutoRoute", sealdesk__v1__route_auto_request, route_auto,
                  SD_OP_ROUTING),
    SD_RPC_METHOD("/sealdesk.v1.Routing/Duty", sealdesk__v1__duty_request, route_duty,
                  SD_OP_ROUTING),
    SD_RPC_METHOD("/sealdesk.v1.Routing/AgentStats", sealdesk__v1__agent_stats_request,
                  route_agent_stats, SD_OP_STATS),
    SD_RPC_METHOD("/sealdesk.v1.Routing/DayStats", sealdesk__v1__agent_stats_request,
                  route_day_stats, SD_OP_STATS),
    SD_RPC_METHOD("/sealdesk.v1.Incidents/Open", sealdesk__v1__open_incident_request, incident_open,
                  SD_OP_INCIDENT),
    SD_RPC_METHOD("/sealdesk.v1.Incidents/Link", sealdesk__v1__link_incident_request, incident_one,
                  SD_OP_INCIDENT_LINK, .arg = IC_LINK),
    SD_RPC_METHOD("/sealdesk.v1.Incidents/Update", sealdesk__v1__update_incident_request,
                  incident_one, SD_OP_INCIDENT, .arg = IC_UPDATE),
    SD_RPC_METHOD("/sealdesk.v1.Incidents/Resolve", sealdesk__v1__resolve_incident_request,
                  incident_one, SD_OP_INCIDENT, .arg = IC_RESOLVE),
    SD_RPC_METHOD("/sealdesk.v1.Incidents/Unlink", sealdesk__v1__link_incident_request,
                  incident_one, SD_OP_INCIDENT_LINK, .arg = IC_UNLINK),
    SD_RPC_METHOD("/sealdesk.v1.Incidents/Confirm", sealdesk__v1__link_incident_request,
                  incident_one, SD_OP_INCIDENT_LINK, .arg = IC_CONFIRM),
    SD_RPC_METHOD("/sealdesk.v1.Incidents/Get", sealdesk__v1__get_incident_request, incident_get,
                  SD_OP_INCIDENT_READ),
    SD_RPC_METHOD("/sealdesk.v1.Incidents/List", sealdesk__v1__list_incidents_request,
                  incident_list, SD_OP_INCIDENT_READ),
};
/* clang-format on */
const size_t sd_rpc_methods_desk_n = sizeof(sd_rpc_methods_desk) / sizeof(sd_rpc_methods_desk[0]);
