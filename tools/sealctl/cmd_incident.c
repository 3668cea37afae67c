/* sealctl incident: `incident open --title T --category C [--match TEXT]`, `incident link ID
 * --ticket T`, `incident update ID --body B`, `incident resolve ID [--resolve-tickets]`,
 * offline through desk/incident.c and online through the Incidents service. Prints the
 * incident as JSON ({"id","title","category","match","status",...,"replied"}). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "desk.pb-c.h"
#include "sealdesk/clock.h"
#include "sealdesk/incident.h"

static const char incident_usage[] =
    "incident open --title T --category C [--match a,b] | incident link ID --ticket T | "
    "incident update ID --body B | incident resolve ID [--resolve-tickets]";

static void
want_incident(struct cli *c)
{
    cli_want(c, "title", true);
    cli_want(c, "category", true);
    cli_want(c, "match", true);
    cli_want(c, "ticket", true);
    cli_want(c, "body", true);
    cli_want(c, "resolve-tickets", false);
}

static json_t *
json_incident(uint64_t id, const char *title, const char *category, char *const *match,
              size_t n_match, const char *status, const char *created, const char *resolved,
              uint64_t updates, uint64_t linked, uint64_t replied, uint64_t resolved_tickets)
{
    json_t *o = json_object(), *m = json_array();

    for(size_t i = 0; i < n_match; i++)
        json_array_append_new(m, json_string(match[i]));
    json_object_set_new(o, "id", json_integer((json_int_t)id));
    json_object_set_new(o, "title", json_string(title));
    json_object_set_new(o, "category", json_string(category));
    json_object_set_new(o, "match", m);
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "created_at", json_string(created));
    json_object_set_new(o, "resolved_at", resolved[0] ? json_string(resolved) : json_null());
    json_object_set_new(o, "updates", json_integer((json_int_t)updates));
    json_object_set_new(o, "linked", json_integer((json_int_t)linked));
    json_object_set_new(o, "replied", json_integer((json_int_t)replied));
    json_object_set_new(o, "resolved_tickets", json_integer((json_int_t)resolved_tickets));
    return o;
}

static int
incident_error(sd_err err, const char *what)
{
    if(err == SD_E_NOTFOUND)
        return cli_fail(err, "no such incident or ticket");
    if(err == SD_E_CONFLICT)
        return cli_fail(err, "the ticket is already linked");
    if(err == SD_E_PRECONDITION)
        return cli_fail(err, "the incident is resolved");
    return cli_fail(err, what);
}

/* Checks shared by both halves: sub-command, id and required options. 0 ok, else exit code. */
static int
check_args(struct cli *c, const char *sub, uint64_t *id, uint64_t *ticket)
{
    if(strcmp(sub, "open") == 0)
        return cli_get(c, "title") && cli_get(c, "category") ? 0 : cli_usage(incident_usage);
    if(strcmp(sub, "link") != 0 && strcmp(sub, "update") != 0 && strcmp(sub, "resolve") != 0)
        return cli_usage(incident_usage);
    if(c->n_pos != 1 || !cli_parse_id(c->pos[0], id))
        return cli_usage(incident_usage);
    if(strcmp(sub, "link") == 0 && (!cli_get(c, "ticket") ||
                                    !cli_parse_id(cli_get(c, "ticket"), ticket)))
        return cli_usage("incident link ID --ticket T");
    if(strcmp(sub, "update") == 0 && !cli_get(c, "body"))
        return cli_usage("incident update ID --body B");
    return 0;
}

int
cmd_incident_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                     char **argv)
{
    const char *sub = argc ? argv[0] : "";
    struct sd_incident o;
    char *terms[SD_INC_MAX_TERMS];
    char created[32], resolved[32];
    enum sd_category cat;
    uint64_t id = 0, ticket = 0;
    sd_err err;
    int rc;

    want_incident(c);
    if(!cli_parse(c, argc - (argc > 0), argv + (argc > 0)))
        return 2;
    rc = check_args(c, sub, &id, &ticket);
    if(rc)
        return rc;
    if(strcmp(sub, "open") == 0) {
        if(sd_category_parse(&cat, cli_get(c, "category")) != SD_OK)
            return cli_fail(SD_E_INVALID, "unknown category");
        err = sd_incident_open(d, a, cli_get(c, "title"), cat, cli_get(c, "match"), &o);
    } else if(strcmp(sub, "link") == 0) {
        err = sd_incident_link(d, a, id, ticket, &o);
    } else if(strcmp(sub, "update") == 0) {
        err = sd_incident_update(d, a, id, cli_get(c, "body"), &o);
    } else {
        err = sd_incident_resolve(d, a, id, cli_has(c, "resolve-tickets"), &o);
    }
    if(err != SD_OK)
        return incident_error(err, sub);
    for(size_t i = 0; i < o.n_match; i++)
        terms[i] = o.match[i];
    sd_time_format(created, sizeof(created), o.created_at);
    sd_time_format(resolved, sizeof(resolved), o.resolved_at);
    return cli_emit(c, json_incident(o.id, o.title, sd_category_name(o.category), terms,
                                     o.n_match, sd_incident_status_name(o.status), created,
                                     resolved, o.updates, o.linked, o.replied,
                                     o.resolved_tickets));
}

int
cmd_incident_online(struct cli *c, int argc, char **argv)
{
    const char *sub = argc ? argv[0] : "";
    struct cli_reply rep = CLI_REPLY(sealdesk__v1__incident__descriptor);
    uint64_t id = 0, ticket = 0;
    int rc;

    want_incident(c);
    if(!cli_parse(c, argc - (argc > 0), argv + (argc > 0)))
        return 2;
    rc = check_args(c, sub, &id, &ticket);
    if(rc)
        return rc;
    if(strcmp(sub, "open") == 0) {
        Sealdesk__V1__OpenIncidentRequest r = SEALDESK__V1__OPEN_INCIDENT_REQUEST__INIT;

        r.title = (char *)cli_get(c, "title");
        r.category = (char *)cli_get(c, "category");
        r.match = (char *)(cli_get(c, "match") ? cli_get(c, "match") : "");
        rc = cli_call(c, "/sealdesk.v1.Incidents/Open", &r.base, &rep);
    } else if(strcmp(sub, "link") == 0) {
        Sealdesk__V1__LinkIncidentRequest r = SEALDESK__V1__LINK_INCIDENT_REQUEST__INIT;

        r.id = id;
        r.ticket = ticket;
        rc = cli_call(c, "/sealdesk.v1.Incidents/Link", &r.base, &rep);
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

        rc = cli_emit(c, json_incident(m->id, m->title, m->category, m->match, m->n_match,
                                       m->status, m->created_at, m->resolved_at, m->updates,
                                       m->linked, m->replied, m->resolved_tickets));
    }
    cli_reply_free(&rep);
    return rc;
}
