/* sealctl incident: `incident open --title T [--category C] [--match TEXT]`, `incident
 * link|confirm|unlink ID --ticket T`, `incident update ID --body B`, `incident resolve ID
 * [--resolve-tickets]`, `incident get ID`, `incident list [--status open|resolved]`, offline
 * through incident/incident.c and online through the Incidents service. Prints the incident as
 * JSON ({"id","title","category","match","status",...,"replied","suggested"}; get adds
 * "links": [{"ticket","state"}]); list prints an array (a table without --json). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "desk.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/incident.h"

static const char incident_usage[] =
    "incident open --title T [--category C] [--match a,b] | incident link|confirm|unlink ID "
    "--ticket T | incident update ID --body B | incident resolve ID [--resolve-tickets] | "
    "incident get ID | incident list [--status open|resolved]";

struct inc_view {
    uint64_t id;
    const char *title, *category; /* category "" = every category */
    char *const *match;
    size_t n_match;
    const char *status, *created, *resolved;
    uint64_t updates, linked, replied, resolved_tickets, suggested;
};

static json_t *
json_incident(const struct inc_view *v)
{
    json_t *o = json_object(), *m = json_array();

    for(size_t i = 0; i < v->n_match; i++)
        json_array_append_new(m, json_string(v->match[i]));
    json_object_set_new(o, "id", json_integer((json_int_t)v->id));
    json_object_set_new(o, "title", json_string(v->title));
    json_object_set_new(o, "category", v->category[0] ? json_string(v->category) : json_null());
    json_object_set_new(o, "match", m);
    json_object_set_new(o, "status", json_string(v->status));
    json_object_set_new(o, "created_at", json_string(v->created));
    json_object_set_new(o, "resolved_at", v->resolved[0] ? json_string(v->resolved) : json_null());
    json_object_set_new(o, "updates", json_integer((json_int_t)v->updates));
    json_object_set_new(o, "linked", json_integer((json_int_t)v->linked));
    json_object_set_new(o, "suggested", json_integer((json_int_t)v->suggested));
    json_object_set_new(o, "replied", json_integer((json_int_t)v->replied));
    json_object_set_new(o, "resolved_tickets", json_integer((json_int_t)v->resolved_tickets));
    return o;
}

static json_t *
json_link(uint64_t ticket, const char *state)
{
    json_t *o = json_object();

    json_object_set_new(o, "ticket", json_integer((json_int_t)ticket));
    json_object_set_new(o, "state", json_string(state));
    return o;
}

/* A flat row for the text table of `incident list`. */
static json_t *
list_row(json_t *full)
{
    json_t *o = json_object();
    const char *keys[] = {"id", "status", "category", "linked", "suggested", "updates", "title"};

    for(size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        json_t *v = json_object_get(full, keys[i]);

        json_object_set_new(o, keys[i], json_is_null(v) ? json_string("*") : json_incref(v));
    }
    return o;
}

static int
emit_list(const struct cli *c, json_t *arr)
{
    json_t *rows;
    size_t i;
    json_t *v;

    if(c->json)
        return cli_emit(c, arr);
    rows = json_array();
    /* cppcheck does not read jansson's header, so its iteration macro looks unknown. */
    // cppcheck-suppress unknownMacro
    json_array_foreach(arr, i, v) json_array_append_new(rows, list_row(v));
    json_decref(arr);
    return cli_emit_table(c, rows);
}

static int
incident_error(sd_err err, const char *sub)
{
    if(err == SD_E_NOTFOUND)
        return cli_fail(err, strcmp(sub, "confirm") == 0 || strcmp(sub, "unlink") == 0
                                 ? "no such incident, ticket or link"
                                 : "no such incident or ticket");
    if(err == SD_E_CONFLICT)
        return cli_fail(err, strcmp(sub, "confirm") == 0 ? "the link is already confirmed"
                                                         : "the ticket is already linked");
    if(err == SD_E_PRECONDITION)
        return cli_fail(err, "the incident is resolved");
    if(err == SD_E_DENIED)
        return cli_fail(err, "not a ticket of yours");
    return cli_fail(err, sub);
}

static bool
is_link_sub(const char *sub)
{
    return strcmp(sub, "link") == 0 || strcmp(sub, "confirm") == 0 || strcmp(sub, "unlink") == 0;
}

/* Checks shared by both halves: sub-command, id and required options. 0 ok, else exit code;
 * *status gets --status of list (0 any). */
static int
check_args(struct cli *c, const char *sub, uint64_t *id, uint64_t *ticket, int *status)
{
    *status = 0;
    if(strcmp(sub, "open") == 0)
        return cli_get(c, "title") && !c->n_pos ? 0 : cli_usage(incident_usage);
    if(strcmp(sub, "list") == 0) {
        const char *s = cli_get(c, "status");

        if(c->n_pos)
            return cli_usage(incident_usage);
        if(s && strcmp(s, "open") == 0)
            *status = SD_INC_OPEN;
        else if(s && strcmp(s, "resolved") == 0)
            *status = SD_INC_RESOLVED;
        else if(s)
            return cli_usage("incident list [--status open|resolved]");
        return 0;
    }
    if(!is_link_sub(sub) && strcmp(sub, "update") != 0 && strcmp(sub, "resolve") != 0 &&
       strcmp(sub, "get") != 0)
        return cli_usage(incident_usage);
    if(c->n_pos != 1 || !cli_parse_id(c->pos[0], id))
        return cli_usage(incident_usage);
    if(is_link_sub(sub) && (!cli_get(c, "ticket") || !cli_parse_id(cli_get(c, "ticket"), ticket)))
        return cli_usage("incident link|confirm|unlink ID --ticket T");
    if(strcmp(sub, "update") == 0 && !cli_get(c, "body"))
        return cli_usage("incident update ID --body B");
    return 0;
}

static json_t *
json_sd_incident(const struct sd_incident *o)
{
    char *terms[SD_INC_MAX_TERMS];
    char created[32], resolved[32];
    struct inc_view v;

    for(size_t i = 0; i < o->n_match; i++)
        terms[i] = (char *)o->match[i];
    sd_time_format(created, sizeof(created), o->created_at);
    sd_time_format(resolved, sizeof(resolved), o->resolved_at);
    v = (struct inc_view){
        o->id,       o->title,   o->any_category ? "" : sd_category_name(o->category),
        terms,       o->n_match, sd_incident_status_name(o->status),
        created,     resolved,   o->updates,
        o->linked,   o->replied, o->resolved_tickets,
        o->suggested};
    return json_incident(&v);
}

int
cmd_incident_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                     char **argv)
{
    const char *sub = argc ? argv[0] : "";
    struct sd_incident o;
    enum sd_category cat;
    uint64_t id = 0, ticket = 0;
    int rc, status, category = -1;
    sd_err err;

    rc = check_args(c, sub, &id, &ticket, &status);
    if(rc)
        return rc;
    if(strcmp(sub, "list") == 0) {
        struct sd_incident *all = NULL;
        size_t n = 0;
        bool truncated = false;
        json_t *arr;

        err = sd_incident_list(d, status, &all, &n, &truncated);
        if(err != SD_OK)
            return incident_error(err, sub);
        arr = json_array();
        for(size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_sd_incident(&all[i]));
        free(all);
        if(truncated)
            fprintf(stderr, "sealctl: more than %d incidents, the oldest shown\n", SD_INC_MAX_LIST);
        return emit_list(c, arr);
    }
    if(strcmp(sub, "get") == 0) {
        struct sd_incident_link *links = NULL;
        size_t n = 0;
        json_t *j, *ls;

        err = sd_incident_get_links(d, id, &o, &links, &n);
        if(err != SD_OK)
            return incident_error(err, sub);
        j = json_sd_incident(&o);
        ls = json_array();
        for(size_t i = 0; i < n; i++)
            json_array_append_new(
                ls, json_link(links[i].ticket, links[i].confirmed ? "confirmed" : "suggested"));
        free(links);
        json_object_set_new(j, "links", ls);
        return cli_emit(c, j);
    }
    if(strcmp(sub, "open") == 0) {
        if(cli_get(c, "category")) {
            if(sd_category_parse(&cat, cli_get(c, "category")) != SD_OK)
                return cli_fail(SD_E_INVALID, "--category: unknown category");
            category = (int)cat;
        }
        err = sd_incident_open(d, a, cli_get(c, "title"), category, cli_get(c, "match"), &o);
    } else if(strcmp(sub, "link") == 0) {
        err = sd_incident_link(d, a, id, ticket, &o);
    } else if(strcmp(sub, "confirm") == 0) {
        err = sd_incident_confirm(d, a, id, ticket, &o);
    } else if(strcmp(sub, "unlink") == 0) {
        err = sd_incident_unlink(d, a, id, ticket, &o);
    } else if(strcmp(sub, "update") == 0) {
        err = sd_incident_update(d, a, id, cli_get(c, "body"), &o);
    } else {
        err = sd_incident_resolve(d, a, id, cli_has(c, "resolve-tickets"), &o);
    }
    if(err != SD_OK)
        return incident_error(err, sub);
    return cli_emit(c, json_sd_incident(&o));
}

static json_t *
json_pb_incident(const Sealdesk__V1__Incident *m)
{
    struct inc_view v = {m->id,       m->title,  m->category,   m->match,
                         m->n_match,  m->status, m->created_at, m->resolved_at,
                         m->updates,  m->linked, m->replied,    m->resolved_tickets,
                         m->suggested};

    return json_incident(&v);
}

/* (the truncation note goes to stderr before the list prints) */
static json_t *
pb_incident_list(const ProtobufCMessage *msg)
{
    const Sealdesk__V1__IncidentList *m = (const Sealdesk__V1__IncidentList *)msg;
    json_t *arr = json_array();

    for(size_t i = 0; i < m->n_incidents; i++)
        json_array_append_new(arr, json_pb_incident(m->incidents[i]));
    if(m->truncated)
        fprintf(stderr, "sealctl: more than %d incidents, the oldest shown\n", SD_INC_MAX_LIST);
    return arr;
}

static const struct cli_view incident_list_view = {&sealdesk__v1__incident_list__descriptor,
                                                   pb_incident_list, NULL, emit_list, SD_OK};

int
cmd_incident_online(struct cli *c, int argc, char **argv)
{
    const char *sub = argc ? argv[0] : "";
    struct cli_reply rep = CLI_REPLY(sealdesk__v1__incident__descriptor);
    uint64_t id = 0, ticket = 0;
    int rc, status;

    rc = check_args(c, sub, &id, &ticket, &status);
    if(rc)
        return rc;
    if(strcmp(sub, "list") == 0) {
        Sealdesk__V1__ListIncidentsRequest r = SEALDESK__V1__LIST_INCIDENTS_REQUEST__INIT;

        r.status = (char *)cli_str(c, "status");
        return cli_call_view(c, "/sealdesk.v1.Incidents/List", &r.base, &incident_list_view);
    }
    if(strcmp(sub, "open") == 0) {
        Sealdesk__V1__OpenIncidentRequest r = SEALDESK__V1__OPEN_INCIDENT_REQUEST__INIT;

        r.title = (char *)cli_get(c, "title");
        r.category = (char *)cli_str(c, "category");
        r.match = (char *)cli_str(c, "match");
        rc = cli_call(c, "/sealdesk.v1.Incidents/Open", &r.base, &rep);
    } else if(is_link_sub(sub)) {
        Sealdesk__V1__LinkIncidentRequest r = SEALDESK__V1__LINK_INCIDENT_REQUEST__INIT;

        r.id = id;
        r.ticket = ticket;
        rc = cli_call(c,
                      strcmp(sub, "link") == 0      ? "/sealdesk.v1.Incidents/Link"
                      : strcmp(sub, "confirm") == 0 ? "/sealdesk.v1.Incidents/Confirm"
                                                    : "/sealdesk.v1.Incidents/Unlink",
                      &r.base, &rep);
    } else if(strcmp(sub, "get") == 0) {
        Sealdesk__V1__GetIncidentRequest r = SEALDESK__V1__GET_INCIDENT_REQUEST__INIT;

        r.id = id;
        rc = cli_call(c, "/sealdesk.v1.Incidents/Get", &r.base, &rep);
    } else if(strcmp(sub, "update") == 0) {
        Sealdesk__V1__UpdateIncidentRequest r = SEALDESK__V1__UPDATE_INCIDENT_REQUEST__INIT;

        r.id = id;
        r.body = (char *)cli_get(c, "body");
        rc = cli_call(c, "/sealdesk.v1.Incidents/Update", &r.base, &rep);
    } else {
        Sealdesk__V1__ResolveIncidentRequest r = SEALDESK__V1__RESOLVE_INCIDENT_REQUEST__INIT;

        r.id = id;
        r.resolve_tickets = cli_has(c, "resolve-tickets");
        rc = cli_call(c, "/sealdesk.v1.Incidents/Resolve", &r.base, &rep);
    }
    if(!rc) {
        Sealdesk__V1__Incident *m = (Sealdesk__V1__Incident *)rep.msg;
        json_t *j = json_pb_incident(m);

        if(strcmp(sub, "get") == 0) {
            json_t *ls = json_array();

            for(size_t i = 0; i < m->n_links; i++)
                json_array_append_new(ls, json_link(m->links[i]->ticket, m->links[i]->state));
            json_object_set_new(j, "links", ls);
        }
        rc = cli_emit(c, j);
    }
    cli_reply_free(&rep);
    return rc;
}
