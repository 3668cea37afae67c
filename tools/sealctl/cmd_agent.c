/* sealctl agent: routing profiles (`agent set`, one-off `agent override`, `agent list`), the
 * on-duty view (`agent duty`: per language and category, who is on shift), `stats --by-agent`
 * and `stats --by-day`, offline through the library and online through the Routing service.
 * Several --shift options add up. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "desk.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/err.h"
#include "sealdesk/route.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"

static const char agent_usage[] =
    "agent set --name A [--langs zh,en] [--categories deposit,withdrawal] [--vip] "
    "[--shift \"Mon-Fri 09:00-18:00 Asia/Seoul\"]... | "
    "agent override --name A --from T --to T --on|--off | agent list [--now T] | "
    "agent duty [--now T]";

static const char *const duty_langs[] = {"zh", "zh-Hant", "en", "ko"};

/* `agent override` arguments; 0 or the exit code of a usage/parse failure. */
static int
parse_override(const struct cli *c, struct sd_shift_override *o)
{
    memset(o, 0, sizeof(*o));
    if(!cli_get(c, "name") || !cli_get(c, "from") || !cli_get(c, "to") ||
       cli_has(c, "on") == cli_has(c, "off"))
        return cli_usage(agent_usage);
    if(sd_time_parse(&o->from, cli_get(c, "from")) != SD_OK ||
       sd_time_parse(&o->to, cli_get(c, "to")) != SD_OK)
        return cli_fail(SD_E_INVALID, "--from/--to must be RFC 3339 times");
    o->on = cli_has(c, "on");
    return 0;
}

/* Every --shift value (a repeatable option) joined with ';'. malloc'ed, or NULL when there is
 * none (or out of memory). */
static char *
join_shifts(const struct cli *c)
{
    size_t n = sd_args_count(&c->args, "shift"), len = 0;
    char *s;

    for(size_t i = 0; i < n; i++)
        len += strlen(sd_args_nth(&c->args, "shift", i)) + 1;
    if(!len)
        return NULL; /* (argv is bounded; an over-long spec is refused by the parser) */
    s = calloc(1, len + 1);
    if(!s)
        return NULL;
    for(size_t i = 0; i < n; i++) {
        if(i)
            // NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): s is sized for all
            strcat(s, ";");
        // NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): s is sized for all
        strcat(s, sd_args_nth(&c->args, "shift", i));
    }
    return s;
}

static int
parse_now(const struct cli *c, uint64_t *now)
{
    *now = sd_clock_now();
    if(cli_get(c, "now") && sd_time_parse(now, cli_get(c, "now")) != SD_OK)
        return cli_fail(SD_E_INVALID, "--now must be an RFC 3339 time");
    return 0;
}

static json_t *
json_strings(char *const *v, size_t n)
{
    json_t *a = json_array();

    for(size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *
json_profile(const struct sd_agent_profile *p, uint64_t now)
{
    json_t *o = json_object(), *langs = json_array(), *cats = json_array(), *shifts = json_array(),
           *ovr = json_array();
    char buf[96];

    json_object_set_new(o, "name", json_string(p->name));
    for(size_t i = 0; i < p->n_langs; i++)
        json_array_append_new(langs, json_string(p->langs[i]));
    for(int k = 0; k < SD_CAT_COUNT; k++) {
        if(p->categories & (1u << k))
            json_array_append_new(cats, json_string(sd_category_name((enum sd_category)k)));
    }
    for(size_t i = 0; i < p->n_shifts; i++) {
        sd_route_shift_format(buf, sizeof(buf), &p->shifts[i]);
        json_array_append_new(shifts, json_string(buf));
    }
    for(size_t i = 0; i < p->n_overrides; i++) {
        sd_route_override_format(buf, sizeof(buf), &p->overrides[i]);
        json_array_append_new(ovr, json_string(buf));
    }
    json_object_set_new(o, "langs", langs);
    json_object_set_new(o, "categories", cats);
    json_object_set_new(o, "vip", json_boolean(p->vip));
    json_object_set_new(o, "shifts", shifts);
    json_object_set_new(o, "overrides", ovr);
    json_object_set_new(o, "on_shift", json_boolean(sd_agent_on_shift(p, now)));
    return o;
}

static json_t *
json_pb_agent(const Sealdesk__V1__AgentInfo *a)
{
    json_t *o = json_object();

    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "langs", json_strings(a->langs, a->n_langs));
    json_object_set_new(o, "categories", json_strings(a->categories, a->n_categories));
    json_object_set_new(o, "vip", json_boolean(a->vip));
    json_object_set_new(o, "shifts", json_strings(a->shifts, a->n_shifts));
    json_object_set_new(o, "overrides", json_strings(a->overrides, a->n_overrides));
    json_object_set_new(o, "on_shift", json_boolean(a->on_shift));
    return o;
}

static int
agent_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv,
              const char *shifts)
{
    const char *sub = argc ? argv[0] : "";
    struct sd_agent_profile p, *all = NULL;
    size_t n = 0;
    uint64_t now;
    char why[192], msg[208];
    sd_err err;
    int rc;

    rc = parse_now(c, &now);
    if(rc)
        return rc;
    if(strcmp(sub, "set") == 0) {
        if(!cli_get(c, "name"))
            return cli_usage(agent_usage);
        memset(&p, 0, sizeof(p));
        if(strlen(cli_get(c, "name")) >= sizeof(p.name))
            return cli_fail(SD_E_INVALID, "bad agent name");
        // NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked above
        strcpy(p.name, cli_get(c, "name"));
        p.vip = cli_has(c, "vip");
        if((err = sd_route_parse_langs(cli_get(c, "langs"), &p)) != SD_OK)
            rc = cli_fail(err, "--langs: unknown or too many (zh, zh-Hant, en, ko)");
        else if((err = sd_route_parse_categories(cli_get(c, "categories"), &p)) != SD_OK)
            rc = cli_fail(err, "--categories: unknown category");
        else if(shifts && (err = sd_route_parse_shifts_why(shifts, &p, why, sizeof(why))) != SD_OK)
            rc = cli_fail(err, (snprintf(msg, sizeof(msg), "--shift: %s", why), msg));
        else if((err = sd_agent_set(d, a, &p)) != SD_OK)
            // NOLINTNEXTLINE(bugprone-branch-clone): set, then read back: same message
            rc = cli_fail(err, "agent set");
        else if((err = sd_agent_get(d, p.name, &p)) != SD_OK) /* with its overrides */
            rc = cli_fail(err, "agent set");
        else
            rc = cli_emit(c, json_profile(&p, now));
        return rc;
    }
    if(strcmp(sub, "override") == 0) {
        struct sd_shift_override o;

        rc = parse_override(c, &o);
        if(rc)
            return rc;
        err = sd_agent_override(d, a, cli_get(c, "name"), &o, sd_clock_now(), &p);
        if(err == SD_E_INVALID)
            return cli_fail(err, "agent override: needs --from < --to, --to in the future, "
                                 "at most 31 days");
        if(err != SD_OK)
            return cli_fail(err, "agent override");
        return cli_emit(c, json_profile(&p, now));
    }
    if(strcmp(sub, "list") != 0 && strcmp(sub, "duty") != 0)
        return cli_usage(agent_usage);
    err = sd_agent_list(d, &all, &n);
    if(err != SD_OK)
        return cli_fail(err, "agent list");
    if(strcmp(sub, "list") == 0) {
        json_t *arr = json_array();

        for(size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_profile(&all[i], now));
        rc = cli_emit(c, arr);
    } else {
        json_t *arr = json_array();

        for(size_t l = 0; l < 4; l++) {
            for(int k = 0; k < SD_CAT_COUNT; k++) {
                json_t *cell = json_object(), *who = json_array();

                for(size_t i = 0; i < n; i++) {
                    if(sd_agent_on_shift(&all[i], now) &&
                       sd_agent_fits(&all[i], duty_langs[l], (enum sd_category)k, false))
                        json_array_append_new(who, json_string(all[i].name));
                }
                json_object_set_new(cell, "lang", json_string(duty_langs[l]));
                json_object_set_new(cell, "category",
                                    json_string(sd_category_name((enum sd_category)k)));
                json_object_set_new(cell, "agents", who);
                json_array_append_new(arr, cell);
            }
        }
        rc = cli_emit(c, arr);
    }
    free(all);
    return rc;
}

static json_t *
pb_agent(const ProtobufCMessage *m)
{
    return json_pb_agent((const Sealdesk__V1__AgentInfo *)m);
}

static json_t *
pb_agent_list(const ProtobufCMessage *m)
{
    const Sealdesk__V1__AgentList *l = (const Sealdesk__V1__AgentList *)m;
    json_t *arr = json_array();

    for(size_t i = 0; i < l->n_agents; i++)
        json_array_append_new(arr, json_pb_agent(l->agents[i]));
    return arr;
}

static json_t *
pb_duty(const ProtobufCMessage *m)
{
    const Sealdesk__V1__DutyView *v = (const Sealdesk__V1__DutyView *)m;
    json_t *arr = json_array();

    for(size_t i = 0; i < v->n_cells; i++) {
        json_t *cell = json_object();

        json_object_set_new(cell, "lang", json_string(v->cells[i]->lang));
        json_object_set_new(cell, "category", json_string(v->cells[i]->category));
        json_object_set_new(cell, "agents",
                            json_strings(v->cells[i]->agents, v->cells[i]->n_agents));
        json_array_append_new(arr, cell);
    }
    return arr;
}

static const struct cli_view agent_view = {&sealdesk__v1__agent_info__descriptor, pb_agent, NULL,
                                           false, SD_OK};
static const struct cli_view agent_list_view = {&sealdesk__v1__agent_list__descriptor,
                                                pb_agent_list, NULL, NULL, SD_OK};
static const struct cli_view duty_view = {&sealdesk__v1__duty_view__descriptor, pb_duty, NULL,
                                          false, SD_OK};

static int
agent_online(struct cli *c, int argc, char **argv, char *shifts)
{
    const char *sub = argc ? argv[0] : "";
    Sealdesk__V1__SetAgentRequest set = SEALDESK__V1__SET_AGENT_REQUEST__INIT;
    Sealdesk__V1__AgentOverrideRequest ov = SEALDESK__V1__AGENT_OVERRIDE_REQUEST__INIT;
    Sealdesk__V1__ListAgentsRequest list = SEALDESK__V1__LIST_AGENTS_REQUEST__INIT;
    Sealdesk__V1__DutyRequest duty = SEALDESK__V1__DUTY_REQUEST__INIT;
    struct sd_shift_override o;
    int rc;

    if(strcmp(sub, "set") == 0) {
        if(!cli_get(c, "name"))
            return cli_usage(agent_usage);
        set.name = (char *)cli_get(c, "name");
        set.langs = (char *)cli_str(c, "langs");
        set.categories = (char *)cli_str(c, "categories");
        set.vip = cli_has(c, "vip");
        set.shift = shifts ? shifts : (char *)"";
        return cli_call_view(c, "/sealdesk.v1.Routing/SetAgent", &set.base, &agent_view);
    }
    if(strcmp(sub, "override") == 0) {
        rc = parse_override(c, &o);
        if(rc)
            return rc;
        ov.name = (char *)cli_get(c, "name");
        ov.from = (char *)cli_get(c, "from");
        ov.to = (char *)cli_get(c, "to");
        ov.on = o.on;
        return cli_call_view(c, "/sealdesk.v1.Routing/OverrideShift", &ov.base, &agent_view);
    }
    if(strcmp(sub, "list") == 0) {
        list.now = (char *)cli_str(c, "now");
        return cli_call_view(c, "/sealdesk.v1.Routing/ListAgents", &list.base, &agent_list_view);
    }
    if(strcmp(sub, "duty") == 0) {
        duty.now = (char *)cli_str(c, "now");
        return cli_call_view(c, "/sealdesk.v1.Routing/Duty", &duty.base, &duty_view);
    }
    return cli_usage(agent_usage);
}

int
cmd_agent_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    char *shifts = join_shifts(c);
    int rc = agent_offline(c, d, a, argc, argv, shifts);

    free(shifts);
    return rc;
}

int
cmd_agent_online(struct cli *c, int argc, char **argv)
{
    char *shifts = join_shifts(c);
    int rc = agent_online(c, argc, argv, shifts);

    free(shifts);
    return rc;
}

/* ---- stats --by-agent ---- */

static json_t *
json_agent_stats(const char *agent, uint64_t handled, int64_t fr, int64_t res, uint64_t breaches,
                 double reopen, double csat, uint64_t csat_n)
{
    json_t *o = json_object();

    json_object_set_new(o, "agent", json_string(agent));
    json_object_set_new(o, "handled", json_integer((json_int_t)handled));
    json_object_set_new(o, "median_first_response_seconds",
                        fr < 0 ? json_null() : json_integer((json_int_t)fr));
    json_object_set_new(o, "median_resolution_seconds",
                        res < 0 ? json_null() : json_integer((json_int_t)res));
    json_object_set_new(o, "sla_breaches", json_integer((json_int_t)breaches));
    json_object_set_new(o, "reopen_rate", json_real(reopen));
    json_object_set_new(o, "csat_average", csat_n ? json_real(csat) : json_null());
    json_object_set_new(o, "csat_count", json_integer((json_int_t)csat_n));
    return o;
}

int
cmd_stats_by_agent_offline(struct cli *c, struct sd_desk *d)
{
    struct sd_agent_stats *st = NULL;
    uint64_t from = 0, to = 0, now;
    json_t *arr;
    size_t n = 0;
    sd_err err;
    int rc;

    rc = parse_now(c, &now);
    if(rc)
        return rc;
    if((cli_get(c, "from") && sd_time_parse(&from, cli_get(c, "from")) != SD_OK) ||
       (cli_get(c, "to") && sd_time_parse(&to, cli_get(c, "to")) != SD_OK))
        return cli_fail(SD_E_INVALID, "--from/--to must be RFC 3339 times");
    err = sd_stats_by_agent(d, from, to, now, &st, &n);
    if(err != SD_OK)
        return cli_fail(err, "stats --by-agent");
    arr = json_array();
    for(size_t i = 0; i < n; i++)
        json_array_append_new(
            arr, json_agent_stats(st[i].agent, st[i].handled, st[i].median_first_response,
                                  st[i].median_resolution, st[i].sla_breaches, st[i].reopen_rate,
                                  st[i].csat_average, st[i].csat_count));
    free(st);
    return cli_emit_table(c, arr);
}

static json_t *
pb_agent_stats(const ProtobufCMessage *m)
{
    const Sealdesk__V1__AgentStatsResult *res = (const Sealdesk__V1__AgentStatsResult *)m;
    json_t *arr = json_array();

    for(size_t i = 0; i < res->n_rows; i++) {
        const Sealdesk__V1__AgentStatsRow *w = res->rows[i];

        json_array_append_new(
            arr, json_agent_stats(w->agent, w->handled, w->median_first_response_seconds,
                                  w->median_resolution_seconds, w->sla_breaches, w->reopen_rate,
                                  w->csat_average, w->csat_count));
    }
    return arr;
}

static const struct cli_view agent_stats_view = {&sealdesk__v1__agent_stats_result__descriptor,
                                                 pb_agent_stats, NULL, cli_emit_table, SD_OK};

int
cmd_stats_by_agent_online(struct cli *c)
{
    Sealdesk__V1__AgentStatsRequest r = SEALDESK__V1__AGENT_STATS_REQUEST__INIT;

    r.from = (char *)cli_str(c, "from");
    r.to = (char *)cli_str(c, "to");
    r.now = (char *)cli_str(c, "now");
    return cli_call_view(c, "/sealdesk.v1.Routing/AgentStats", &r.base, &agent_stats_view);
}

/* ---- stats --by-day ---- */

static json_t *
json_day_stats(const struct sd_day_stats *s)
{
    json_t *o = json_object(), *cat = json_object(), *ch = json_object();
    char day[32];

    sd_time_format(day, sizeof(day), s->day);
    day[10] = 0; /* YYYY-MM-DD */
    json_object_set_new(o, "day", json_string(day));
    json_object_set_new(o, "total", json_integer((json_int_t)s->total));
    for(int k = 0; k < SD_CAT_COUNT; k++)
        json_object_set_new(cat, sd_category_name((enum sd_category)k),
                            json_integer((json_int_t)s->by_category[k]));
    for(int k = SD_CH_CHAT; k < SD_CH_COUNT; k++)
        json_object_set_new(ch, sd_channel_name((enum sd_channel)k),
                            json_integer((json_int_t)s->by_channel[k]));
    json_object_set_new(o, "by_category", cat);
    json_object_set_new(o, "by_channel", ch);
    return o;
}

int
cmd_stats_by_day_offline(struct cli *c, struct sd_desk *d)
{
    struct sd_day_stats *st = NULL;
    uint64_t from = 0, to = 0;
    json_t *arr;
    size_t n = 0;
    sd_err err;

    if((cli_get(c, "from") && sd_time_parse(&from, cli_get(c, "from")) != SD_OK) ||
       (cli_get(c, "to") && sd_time_parse(&to, cli_get(c, "to")) != SD_OK))
        return cli_fail(SD_E_INVALID, "--from/--to must be RFC 3339 times");
    err = sd_stats_by_day(d, from, to, &st, &n);
    if(err == SD_E_LIMIT)
        return cli_fail(err, "stats --by-day: too many days, narrow --from/--to");
    if(err != SD_OK)
        return cli_fail(err, "stats --by-day");
    arr = json_array();
    for(size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_day_stats(&st[i]));
    free(st);
    return cli_emit_table(c, arr);
}

/* A DayStatsRow back into the library's struct (so both paths print the same JSON). */
static bool
day_from_pb(const Sealdesk__V1__DayStatsRow *w, struct sd_day_stats *s)
{
    char t[32];

    memset(s, 0, sizeof(*s));
    if(strlen(w->day) != 10)
        return false;
    snprintf(t, sizeof(t), "%sT00:00:00Z", w->day);
    if(sd_time_parse(&s->day, t) != SD_OK)
        return false;
    s->total = w->total;
    for(size_t i = 0; i < w->n_by_category; i++) {
        for(int k = 0; k < SD_CAT_COUNT; k++) {
            if(strcmp(w->by_category[i]->key, sd_category_name((enum sd_category)k)) == 0)
                s->by_category[k] = w->by_category[i]->value;
        }
    }
    for(size_t i = 0; i < w->n_by_channel; i++) {
        for(int k = SD_CH_CHAT; k < SD_CH_COUNT; k++) {
            if(strcmp(w->by_channel[i]->key, sd_channel_name((enum sd_channel)k)) == 0)
                s->by_channel[k] = w->by_channel[i]->value;
        }
    }
    return true;
}

static json_t *
pb_day_stats(const ProtobufCMessage *m)
{
    const Sealdesk__V1__DayStatsResult *res = (const Sealdesk__V1__DayStatsResult *)m;
    json_t *arr = json_array();
    struct sd_day_stats s;

    for(size_t i = 0; i < res->n_rows; i++) {
        if(!day_from_pb(res->rows[i], &s)) {
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, json_day_stats(&s));
    }
    return arr;
}

static const struct cli_view day_stats_view = {
    &sealdesk__v1__day_stats_result__descriptor, pb_day_stats,
    "stats --by-day: bad day in the answer", cli_emit_table, SD_E_INTERNAL};

int
cmd_stats_by_day_online(struct cli *c)
{
    Sealdesk__V1__AgentStatsRequest r = SEALDESK__V1__AGENT_STATS_REQUEST__INIT;

    r.from = (char *)cli_str(c, "from");
    r.to = (char *)cli_str(c, "to");
    return cli_call_view(c, "/sealdesk.v1.Routing/DayStats", &r.base, &day_stats_view);
}
