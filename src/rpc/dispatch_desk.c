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

/* Parse an optional category ("" = unset -> *out stays as it is). false on a bad name. */
static bool
parse_category(const char *s, int *out)
{
    enum sd_category cat;

    if(sd_rpc_empty(s))
        return true;
    if(sd_category_parse(&cat, s) != SD_OK)
        return false;
    *out = (int)cat;
    return true;
}

static bool
parse_status(const char *s, int *out)
{
    enum sd_kb_status st;

    if(sd_rpc_empty(s))
        return true;
    if(sd_kb_status_parse(&st, s) != SD_OK)
        return false;
    *out = (int)st;
    return true;
}

/* Fill pb from art; strings borrowed from art or kept in a. */
static sd_err
article_to_pb(struct sd_arena *a, struct sd_kb_article *art, Sealdesk__V1__Article *pb)
{
    char tbuf[32];

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
    sd_time_format(tbuf, sizeof(tbuf), art->updated_at);
    pb->updated_at = sd_arena_strndup(a, tbuf, strlen(tbuf));
    pb->tags = sd_arena_alloc(a, (art->n_tags + 1) * sizeof(*pb->tags));
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    pb->translations = sd_arena_alloc(a, (art->n_translations + 1) * sizeof(*pb->translations));
    if(!pb->updated_at || !pb->tags || !pb->translations)
        return SD_E_NOMEM;
    for(size_t i = 0; i < art->n_tags; i++)
        pb->tags[pb->n_tags++] = art->tags[i];
    for(size_t i = 0; i < art->n_translations; i++) {
        Sealdesk__V1__Article__TranslationsEntry *e = sd_arena_alloc(a, sizeof(*e));

        if(!e)
            return SD_E_NOMEM;
        sealdesk__v1__article__translations_entry__init(e);
        e->key = art->translations[i].lang;
        e->value = art->translations[i].id;
        pb->translations[pb->n_translations++] = e;
    }
    return SD_OK;
}

/* Reply with article id (current version) or the error; `art` is cleared. */
static void
reply_article(struct sd_rpc_call *c, sd_err err, struct sd_kb_article *art, const char *what)
{
    Sealdesk__V1__Article pb;
    struct sd_arena a = {0};

    if(err == SD_OK)
        err = article_to_pb(&a, art, &pb);
    if(err != SD_OK)
        sd_rpc_fail(c, err, what);
    else
        sd_rpc_reply(c, &pb.base);
    sd_arena_free(&a);
    sd_kb_article_clear(art);
}

static void
kb_add(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__AddArticleRequest, sealdesk__v1__add_article_request, q);
    struct sd_kb_new in = {.category = -1};
    struct sd_kb_article art = {0};
    uint64_t id = 0;
    sd_err err;

    if(!parse_category(q->category, &in.category) || !parse_status(q->status, &in.status)) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "add: unknown category or status");
        goto out;
    }
    if(q->n_tags > SD_KB_MAX_TAGS) {
        sd_rpc_fail(c, SD_E_LIMIT, "add");
        goto out;
    }
    in.lang = q->lang;
    in.title = q->title;
    in.body = q->body;
    in.tags = (const char *const *)q->tags;
    in.n_tags = q->n_tags;
    in.translation_of = q->translation_of;
    err = sd_kb_add(x->d, &x->actor, &in, &id);
    if(err == SD_OK)
        err = sd_kb_get(x->d, id, 0, &art);
    reply_article(c, err, &art, "add");
out:
    sealdesk__v1__add_article_request__free_unpacked(q, NULL);
}

static void
kb_edit(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__EditArticleRequest, sealdesk__v1__edit_article_request, q);
    struct sd_kb_edit e = {.category = -1};
    struct sd_kb_article art = {0};
    sd_err err;

    if(!parse_category(q->category, &e.category) || !parse_status(q->status, &e.status)) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "edit: unknown category or status");
        goto out;
    }
    if(q->n_tags > SD_KB_MAX_TAGS) {
        sd_rpc_fail(c, SD_E_LIMIT, "edit");
        goto out;
    }
    e.title = sd_rpc_empty(q->title) ? NULL : q->title;
    e.body = sd_rpc_empty(q->body) ? NULL : q->body;
    e.tags = (const char *const *)q->tags;
    e.n_tags = q->n_tags;
    e.set_tags = q->set_tags;
    err = sd_kb_edit(x->d, &x->actor, q->id, &e, NULL);
    if(err == SD_OK)
        err = sd_kb_get(x->d, q->id, 0, &art);
    reply_article(c, err, &art, "edit");
out:
    sealdesk__v1__edit_article_request__free_unpacked(q, NULL);
}

static void
kb_get(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__GetArticleRequest, sealdesk__v1__get_article_request, q);
    struct sd_kb_article art = {0};
    sd_err err;

    err = sd_kb_get(x->d, q->id, q->version, &art);
    reply_article(c, err, &art, "get");
    sealdesk__v1__get_article_request__free_unpacked(q, NULL);
}

static void
kb_search(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__SearchRequest, sealdesk__v1__search_request, q);
    Sealdesk__V1__SearchResult pb = SEALDESK__V1__SEARCH_RESULT__INIT;
    struct sd_kb_hit hits[SD_KB_MAX_LIMIT];
    Sealdesk__V1__SearchHit hpb[SD_KB_MAX_LIMIT];
    Sealdesk__V1__SearchHit *hptr[SD_KB_MAX_LIMIT];
    size_t limit = q->limit ? q->limit : 10, n = 0;
    sd_err err;

    if(limit > SD_KB_MAX_LIMIT) {
        sd_rpc_fail(c, SD_E_LIMIT, "search");
        goto out;
    }
    err = sd_kb_search(x->d, q->text, sd_rpc_empty(q->lang) ? NULL : q->lang, limit, hits, &n);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "search");
        goto out;
    }
    for(size_t i = 0; i < n; i++) {
        sealdesk__v1__search_hit__init(&hpb[i]);
        hpb[i].id = hits[i].id;
        hpb[i].lang = hits[i].lang;
        hpb[i].title = hits[i].title;
        hpb[i].score = hits[i].score;
        hpb[i].snippet = hits[i].snippet;
        hptr[i] = &hpb[i];
    }
    pb.hits = hptr;
    pb.n_hits = n;
    sd_rpc_reply(c, &pb.base);
out:
    sealdesk__v1__search_request__free_unpacked(q, NULL);
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
    sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "now: not an RFC 3339 time");
    return false;
}

static sd_err
agent_to_pb(struct sd_arena *a, const struct sd_agent_profile *p, uint64_t now,
            Sealdesk__V1__AgentInfo *pb)
{
    char buf[96];

    sealdesk__v1__agent_info__init(pb);
    pb->name = (char *)p->name;
    pb->vip = p->vip;
    pb->on_shift = sd_agent_on_shift(p, now);
    pb->langs = sd_arena_alloc(a, (p->n_langs + 1) * sizeof(*pb->langs));
    pb->categories = sd_arena_alloc(a, (SD_CAT_COUNT + 1) * sizeof(*pb->categories));
    pb->shifts = sd_arena_alloc(a, (p->n_shifts + 1) * sizeof(*pb->shifts));
    pb->overrides = sd_arena_alloc(a, (p->n_overrides + 1) * sizeof(*pb->overrides));
    if(!pb->langs || !pb->categories || !pb->shifts || !pb->overrides)
        return SD_E_NOMEM;
    for(size_t i = 0; i < p->n_langs; i++)
        pb->langs[pb->n_langs++] = (char *)p->langs[i];
    for(int k = 0; k < SD_CAT_COUNT; k++) {
        if(p->categories & (1u << k))
            pb->categories[pb->n_categories++] = (char *)sd_category_name((enum sd_category)k);
    }
    for(size_t i = 0; i < p->n_shifts; i++) {
        sd_route_shift_format(buf, sizeof(buf), &p->shifts[i]);
        pb->shifts[i] = sd_arena_strndup(a, buf, strlen(buf));
        if(!pb->shifts[i])
            return SD_E_NOMEM;
        pb->n_shifts++;
    }
    for(size_t i = 0; i < p->n_overrides; i++) {
        sd_route_override_format(buf, sizeof(buf), &p->overrides[i]);
        pb->overrides[i] = sd_arena_strndup(a, buf, strlen(buf));
        if(!pb->overrides[i])
            return SD_E_NOMEM;
        pb->n_overrides++;
    }
    return SD_OK;
}

static void
route_set_agent(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__SetAgentRequest, sealdesk__v1__set_agent_request, q);
    Sealdesk__V1__AgentInfo pb;
    struct sd_agent_profile p;
    struct sd_arena a = {0};
    char why[192];
    sd_err err = SD_OK;

    memset(&p, 0, sizeof(p));
    if(sd_rpc_empty(q->name) || strlen(q->name) >= sizeof(p.name)) {
        sd_rpc_fail(c, SD_E_INVALID, "agent");
        goto out;
    }
    snprintf(p.name, sizeof(p.name), "%s", q->name);
    p.vip = q->vip;
    /* Each part is checked on its own so the error names the one that is wrong. */
    if((err = sd_route_parse_langs(q->langs, &p)) != SD_OK) {
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err),
                           "agent: langs: unknown or too many (zh, zh-Hant, en, ko)");
        goto out;
    }
    if((err = sd_route_parse_categories(q->categories, &p)) != SD_OK) {
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err),
                           "agent: categories: unknown category");
        goto out;
    }
    if(!sd_rpc_empty(q->shift) &&
       (err = sd_route_parse_shifts_why(q->shift, &p, why, sizeof(why))) != SD_OK) {
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "agent: shift: %s", why);
        goto out;
    }
    err = sd_agent_set(x->d, &x->actor, &p);
    if(err == SD_OK)
        err = sd_agent_get(x->d, p.name, &p); /* with the overrides it kept */
    if(err == SD_OK)
        err = agent_to_pb(&a, &p, sd_clock_now(), &pb);
    if(err != SD_OK)
        sd_rpc_fail(c, err, "agent");
    else
        sd_rpc_reply(c, &pb.base);
out:
    sd_arena_free(&a);
    sealdesk__v1__set_agent_request__free_unpacked(q, NULL);
}

static void
route_override(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__AgentOverrideRequest, sealdesk__v1__agent_override_request, q);
    Sealdesk__V1__AgentInfo pb;
    struct sd_agent_profile p;
    struct sd_shift_override o = {0, 0, q->on};
    struct sd_arena a = {0};
    uint64_t now = sd_clock_now();
    sd_err err;

    if(sd_rpc_empty(q->name) || sd_time_parse(&o.from, q->from) != SD_OK ||
       sd_time_parse(&o.to, q->to) != SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT,
                           "override: name, from and to (RFC 3339) are required");
        goto out;
    }
    err = sd_agent_override(x->d, &x->actor, q->name, &o, now, &p);
    if(err == SD_OK)
        err = agent_to_pb(&a, &p, now, &pb);
    if(err == SD_E_INVALID)
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT,
                           "override: needs from < to, to in the future, at most 31 days");
    else if(err != SD_OK)
        sd_rpc_fail(c, err, "override");
    else
        sd_rpc_reply(c, &pb.base);
out:
    sd_arena_free(&a);
    sealdesk__v1__agent_override_request__free_unpacked(q, NULL);
}

static void
route_list_agents(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ListAgentsRequest, sealdesk__v1__list_agents_request, q);
    Sealdesk__V1__AgentList pb = SEALDESK__V1__AGENT_LIST__INIT;
    struct sd_agent_profile *all = NULL;
    struct sd_arena a = {0};
    size_t n = 0;
    uint64_t now;
    sd_err err;

    if(!req_now(c, q->now, &now))
        goto out;
    err = sd_agent_list(x->d, &all, &n);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.agents = sd_arena_alloc(&a, (n + 1) * sizeof(*pb.agents));
        err = pb.agents ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__AgentInfo *m = sd_arena_alloc(&a, sizeof(*m));

        err = m ? agent_to_pb(&a, &all[i], now, m) : SD_E_NOMEM;
        if(err == SD_OK)
            pb.agents[pb.n_agents++] = m;
    }
    if(err != SD_OK)
        sd_rpc_fail(c, err, "agents");
    else
        sd_rpc_reply(c, &pb.base);
out:
    free(all);
    sd_arena_free(&a);
    sealdesk__v1__list_agents_request__free_unpacked(q, NULL);
}

static void
route_auto(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__RouteAutoRequest, sealdesk__v1__route_auto_request, q);
    Sealdesk__V1__RouteAutoResult pb = SEALDESK__V1__ROUTE_AUTO_RESULT__INIT;
    struct sd_route_assignment *as = NULL;
    struct sd_arena a = {0};
    size_t n = 0;
    uint64_t now;
    sd_err err;

    if(!req_now(c, q->now, &now))
        goto out;
    err = sd_route_auto(x->d, &x->actor, now, &as, &n);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.assigned = sd_arena_alloc(&a, (n + 1) * sizeof(*pb.assigned));
        err = pb.assigned ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__RouteAssignment *m = sd_arena_alloc(&a, sizeof(*m));

        if(!m) {
            err = SD_E_NOMEM;
            break;
        }
        sealdesk__v1__route_assignment__init(m);
        m->ticket_id = as[i].ticket_id;
        m->agent = as[i].agent;
        m->fallback = as[i].fallback;
        pb.assigned[pb.n_assigned++] = m;
    }
    if(err != SD_OK)
        sd_rpc_fail(c, err, "route");
    else
        sd_rpc_reply(c, &pb.base);
out:
    free(as);
    sd_arena_free(&a);
    sealdesk__v1__route_auto_request__free_unpacked(q, NULL);
}

static void
route_duty(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__DutyRequest, sealdesk__v1__duty_request, q);
    Sealdesk__V1__DutyView pb = SEALDESK__V1__DUTY_VIEW__INIT;
    struct sd_agent_profile *all = NULL;
    struct sd_arena a = {0};
    size_t n = 0, ncell = 4 * SD_CAT_COUNT;
    uint64_t now;
    sd_err err;

    if(!req_now(c, q->now, &now))
        goto out;
    err = sd_agent_list(x->d, &all, &n);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.cells = sd_arena_alloc(&a, (ncell + 1) * sizeof(*pb.cells));
        err = pb.cells ? SD_OK : SD_E_NOMEM;
    }
    for(size_t l = 0; err == SD_OK && l < 4; l++) {
        for(int k = 0; err == SD_OK && k < SD_CAT_COUNT; k++) {
            Sealdesk__V1__DutyCell *m = sd_arena_alloc(&a, sizeof(*m));

            if(!m) {
                err = SD_E_NOMEM;
                break;
            }
            sealdesk__v1__duty_cell__init(m);
            m->agents = sd_arena_alloc(&a, (n + 1) * sizeof(*m->agents));
            if(!m->agents) {
                err = SD_E_NOMEM;
                break;
            }
            m->lang = (char *)duty_langs[l];
            m->category = (char *)sd_category_name((enum sd_category)k);
            pb.cells[pb.n_cells++] = m;
        }
    }
    for(size_t i = 0; err == SD_OK && i < pb.n_cells; i++) {
        Sealdesk__V1__DutyCell *m = pb.cells[i];

        for(size_t g = 0; g < n; g++) {
            if(sd_agent_on_shift(&all[g], now) &&
               sd_agent_fits(&all[g], m->lang, (enum sd_category)(i % SD_CAT_COUNT), false))
                m->agents[m->n_agents++] = all[g].name;
        }
    }
    if(err != SD_OK)
        sd_rpc_fail(c, err, "duty");
    else
        sd_rpc_reply(c, &pb.base);
out:
    free(all);
    sd_arena_free(&a);
    sealdesk__v1__duty_request__free_unpacked(q, NULL);
}

static void
route_agent_stats(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__AgentStatsRequest, sealdesk__v1__agent_stats_request, q);
    Sealdesk__V1__AgentStatsResult pb = SEALDESK__V1__AGENT_STATS_RESULT__INIT;
    struct sd_agent_stats *st = NULL;
    struct sd_arena a = {0};
    uint64_t from = 0, to = 0, now;
    size_t n = 0;
    sd_err err;

    if(!req_now(c, q->now, &now))
        goto out;
    if((!sd_rpc_empty(q->from) && sd_time_parse(&from, q->from) != SD_OK) ||
       (!sd_rpc_empty(q->to) && sd_time_parse(&to, q->to) != SD_OK)) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "from/to: not an RFC 3339 time");
        goto out;
    }
    err = sd_stats_by_agent(x->d, from, to, now, &st, &n);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.rows = sd_arena_alloc(&a, (n + 1) * sizeof(*pb.rows));
        err = pb.rows ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__AgentStatsRow *m = sd_arena_alloc(&a, sizeof(*m));

        if(!m) {
            err = SD_E_NOMEM;
            break;
        }
        sealdesk__v1__agent_stats_row__init(m);
        m->agent = st[i].agent;
        m->handled = st[i].handled;
        m->median_first_response_seconds = st[i].median_first_response;
        m->median_resolution_seconds = st[i].median_resolution;
        m->sla_breaches = st[i].sla_breaches;
        m->reopen_rate = st[i].reopen_rate;
        m->csat_average = st[i].csat_average;
        m->csat_count = st[i].csat_count;
        pb.rows[pb.n_rows++] = m;
    }
    if(err != SD_OK)
        sd_rpc_fail(c, err, "stats");
    else
        sd_rpc_reply(c, &pb.base);
out:
    free(st);
    sd_arena_free(&a);
    sealdesk__v1__agent_stats_request__free_unpacked(q, NULL);
}

/* One map entry per name (DayStatsRow maps: string key, uint64 value). */
static Sealdesk__V1__DayStatsRow__ByCategoryEntry **
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

static void
route_day_stats(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__AgentStatsRequest, sealdesk__v1__agent_stats_request, q);
    Sealdesk__V1__DayStatsResult pb = SEALDESK__V1__DAY_STATS_RESULT__INIT;
    struct sd_day_stats *st = NULL;
    struct sd_arena a = {0};
    uint64_t from = 0, to = 0;
    size_t n = 0;
    char day[32];
    sd_err err;

    if((!sd_rpc_empty(q->from) && sd_time_parse(&from, q->from) != SD_OK) ||
       (!sd_rpc_empty(q->to) && sd_time_parse(&to, q->to) != SD_OK)) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "from/to: not an RFC 3339 time");
        goto out;
    }
    err = sd_stats_by_day(x->d, from, to, &st, &n);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.rows = sd_arena_alloc(&a, (n + 1) * sizeof(*pb.rows));
        err = pb.rows ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__DayStatsRow *m = sd_arena_alloc(&a, sizeof(*m));

        if(!m) {
            err = SD_E_NOMEM;
            break;
        }
        sealdesk__v1__day_stats_row__init(m);
        sd_time_format(day, sizeof(day), st[i].day);
        m->day = sd_arena_strndup(&a, day, 10);
        m->total = st[i].total;
        m->by_category = day_map(&a, st[i].by_category, 0, SD_CAT_COUNT, true, &m->n_by_category);
        m->by_channel = (Sealdesk__V1__DayStatsRow__ByChannelEntry **)day_map(
            &a, st[i].by_channel, SD_CH_CHAT, SD_CH_COUNT, false, &m->n_by_channel);
        if(!m->day || !m->by_category || !m->by_channel) {
            err = SD_E_NOMEM;
            break;
        }
        pb.rows[pb.n_rows++] = m;
    }
    if(err == SD_E_LIMIT)
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED, "stats: too many days, narrow from/to");
    else if(err != SD_OK)
        sd_rpc_fail(c, err, "stats");
    else
        sd_rpc_reply(c, &pb.base);
out:
    free(st);
    sd_arena_free(&a);
    sealdesk__v1__agent_stats_request__free_unpacked(q, NULL);
}

/* ---- Incidents ---- */

/* Fill pb from o (strings borrowed from o, times kept in a). */
static sd_err
incident_to_pb(struct sd_arena *a, struct sd_incident *o, Sealdesk__V1__Incident *pb)
{
    char tbuf[32];

    sealdesk__v1__incident__init(pb);
    pb->id = o->id;
    pb->title = o->title;
    pb->category = (char *)(o->any_category ? "" : sd_category_name(o->category));
    pb->match = sd_arena_alloc(a, (o->n_match + 1) * sizeof(*pb->match));
    if(!pb->match)
        return SD_E_NOMEM;
    for(size_t i = 0; i < o->n_match && i < SD_INC_MAX_TERMS; i++)
        pb->match[pb->n_match++] = o->match[i];
    pb->status = (char *)sd_incident_status_name(o->status);
    sd_time_format(tbuf, sizeof(tbuf), o->created_at);
    pb->created_at = sd_arena_strndup(a, tbuf, strlen(tbuf));
    sd_time_format(tbuf, sizeof(tbuf), o->resolved_at);
    pb->resolved_at = sd_arena_strndup(a, tbuf, strlen(tbuf));
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
reply_incident(struct sd_rpc_call *c, sd_err err, struct sd_incident *o, const char *what)
{
    Sealdesk__V1__Incident pb;
    struct sd_arena a = {0};

    if(err == SD_OK)
        err = incident_to_pb(&a, o, &pb);
    if(err != SD_OK)
        sd_rpc_fail(c, err, what);
    else
        sd_rpc_reply(c, &pb.base);
    sd_arena_free(&a);
}

static void
incident_open(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__OpenIncidentRequest, sealdesk__v1__open_incident_request, q);
    struct sd_incident o;
    enum sd_category cat;
    int category = -1; /* no category: tickets of every category */

    if(!sd_rpc_empty(q->category)) {
        if(sd_category_parse(&cat, q->category) != SD_OK) {
            sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "incident: category: unknown name");
            goto out;
        }
        category = (int)cat;
    }
    reply_incident(c, sd_incident_open(x->d, &x->actor, q->title, category, q->match, &o), &o,
                   "incident");
out:
    sealdesk__v1__open_incident_request__free_unpacked(q, NULL);
}

typedef sd_err (*link_fn)(struct sd_desk *d, const struct sd_actor *a, uint64_t id, uint64_t ticket,
                          struct sd_incident *out);

static void
incident_link_call(struct sd_rpc_ctx *x, struct sd_rpc_call *c, link_fn fn, const char *what)
{
    SD_RPC_UNPACK(Sealdesk__V1__LinkIncidentRequest, sealdesk__v1__link_incident_request, q);
    struct sd_incident o;

    reply_incident(c, fn(x->d, &x->actor, q->id, q->ticket, &o), &o, what);
    sealdesk__v1__link_incident_request__free_unpacked(q, NULL);
}

static void
incident_link(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    incident_link_call(x, c, sd_incident_link, "incident link");
}

static void
incident_unlink(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    incident_link_call(x, c, sd_incident_unlink, "incident unlink");
}

static void
incident_confirm(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    incident_link_call(x, c, sd_incident_confirm, "incident confirm");
}

static void
incident_update(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__UpdateIncidentRequest, sealdesk__v1__update_incident_request, q);
    struct sd_incident o;

    reply_incident(c, sd_incident_update(x->d, &x->actor, q->id, q->body, &o), &o,
                   "incident update");
    sealdesk__v1__update_incident_request__free_unpacked(q, NULL);
}

static void
incident_resolve(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ResolveIncidentRequest, sealdesk__v1__resolve_incident_request, q);
    struct sd_incident o;

    reply_incident(c, sd_incident_resolve(x->d, &x->actor, q->id, q->resolve_tickets, &o), &o,
                   "incident resolve");
    sealdesk__v1__resolve_incident_request__free_unpacked(q, NULL);
}

static void
incident_get(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__GetIncidentRequest, sealdesk__v1__get_incident_request, q);
    Sealdesk__V1__Incident pb;
    struct sd_incident o;
    struct sd_incident_link *links = NULL;
    struct sd_arena a = {0};
    size_t n = 0;
    sd_err err;

    err = sd_incident_get_links(x->d, q->id, &o, &links, &n);
    if(err == SD_OK)
        err = incident_to_pb(&a, &o, &pb);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.links = sd_arena_alloc(&a, (n + 1) * sizeof(*pb.links));
        err = pb.links ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__IncidentLink *m = sd_arena_alloc(&a, sizeof(*m));

        if(!m) {
            err = SD_E_NOMEM;
            break;
        }
        sealdesk__v1__incident_link__init(m);
        m->ticket = links[i].ticket;
        m->state = (char *)(links[i].confirmed ? "confirmed" : "suggested");
        pb.links[pb.n_links++] = m;
    }
    if(err != SD_OK)
        sd_rpc_fail(c, err, "incident get");
    else
        sd_rpc_reply(c, &pb.base);
    free(links);
    sd_arena_free(&a);
    sealdesk__v1__get_incident_request__free_unpacked(q, NULL);
}

static void
incident_list(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    SD_RPC_UNPACK(Sealdesk__V1__ListIncidentsRequest, sealdesk__v1__list_incidents_request, q);
    Sealdesk__V1__IncidentList pb = SEALDESK__V1__INCIDENT_LIST__INIT;
    struct sd_incident *all = NULL;
    struct sd_arena a = {0};
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
            sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT,
                               "incident list: status: open or resolved");
            goto out;
        }
    }
    err = sd_incident_list(x->d, status, &all, &n, &truncated);
    if(err == SD_OK) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.incidents = sd_arena_alloc(&a, (n + 1) * sizeof(*pb.incidents));
        err = pb.incidents ? SD_OK : SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__Incident *m = sd_arena_alloc(&a, sizeof(*m));

        err = m ? incident_to_pb(&a, &all[i], m) : SD_E_NOMEM;
        if(err == SD_OK)
            pb.incidents[pb.n_incidents++] = m;
    }
    pb.truncated = truncated;
    if(err != SD_OK)
        sd_rpc_fail(c, err, "incident list");
    else
        sd_rpc_reply(c, &pb.base);
out:
    free(all);
    sd_arena_free(&a);
    sealdesk__v1__list_incidents_request__free_unpacked(q, NULL);
}

const struct sd_rpc_method sd_rpc_methods_desk[] = {
    {"/sealdesk.v1.Knowledge/Add", kb_add, SD_OP_KB_EDIT, false},
    {"/sealdesk.v1.Knowledge/Edit", kb_edit, SD_OP_KB_EDIT, false},
    {"/sealdesk.v1.Knowledge/Get", kb_get, SD_OP_KB_READ, false},
    {"/sealdesk.v1.Knowledge/Search", kb_search, SD_OP_KB_READ, false},
    {"/sealdesk.v1.Routing/SetAgent", route_set_agent, SD_OP_ROUTING, false},
    {"/sealdesk.v1.Routing/OverrideShift", route_override, SD_OP_ROUTING, false},
    {"/sealdesk.v1.Routing/ListAgents", route_list_agents, SD_OP_ROUTING, false},
    {"/sealdesk.v1.Routing/AutoRoute", route_auto, SD_OP_ROUTING, false},
    {"/sealdesk.v1.Routing/Duty", route_duty, SD_OP_ROUTING, false},
    {"/sealdesk.v1.Routing/AgentStats", route_agent_stats, SD_OP_STATS, false},
    {"/sealdesk.v1.Routing/DayStats", route_day_stats, SD_OP_STATS, false},
    {"/sealdesk.v1.Incidents/Open", incident_open, SD_OP_INCIDENT, false},
    {"/sealdesk.v1.Incidents/Link", incident_link, SD_OP_INCIDENT_LINK, false},
    {"/sealdesk.v1.Incidents/Update", incident_update, SD_OP_INCIDENT, false},
    {"/sealdesk.v1.Incidents/Resolve", incident_resolve, SD_OP_INCIDENT, false},
    {"/sealdesk.v1.Incidents/Unlink", incident_unlink, SD_OP_INCIDENT_LINK, false},
    {"/sealdesk.v1.Incidents/Confirm", incident_confirm, SD_OP_INCIDENT_LINK, false},
    {"/sealdesk.v1.Incidents/Get", incident_get, SD_OP_INCIDENT_READ, false},
    {"/sealdesk.v1.Incidents/List", incident_list, SD_OP_INCIDENT_READ, false},
};
const size_t sd_rpc_methods_desk_n = sizeof(sd_rpc_methods_desk) / sizeof(sd_rpc_methods_desk[0]);
