/* sealctl route: `route auto [--now RFC3339]` assigns queued tickets to the least-loaded fit
 * agent on shift (routing/route.c), offline through the library and online through the Routing
 * service. Prints {"assigned": [{"ticket_id", "agent", "fallback"}]}. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "desk.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/err.h"
#include "sealdesk/route.h"

static json_t *
json_assignment(uint64_t id, const char *agent, bool fallback)
{
    json_t *o = json_object();

    json_object_set_new(o, "ticket_id", json_integer((json_int_t)id));
    json_object_set_new(o, "agent", json_string(agent));
    json_object_set_new(o, "fallback", json_boolean(fallback));
    return o;
}

static json_t *
json_result(json_t *arr)
{
    json_t *o = json_object();

    json_object_set_new(o, "assigned", arr);
    return o;
}

int
cmd_route_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    struct sd_route_assignment *as = NULL;
    json_t *arr;
    uint64_t now = sd_clock_now();
    size_t n = 0;
    sd_err err;

    (void)argc, (void)argv;
    if(cli_get(c, "now") && sd_time_parse(&now, cli_get(c, "now")) != SD_OK)
        return cli_fail(SD_E_INVALID, "--now must be an RFC 3339 time");
    err = sd_route_auto(d, a, now, &as, &n);
    if(err != SD_OK)
        return cli_fail(err, "route auto");
    arr = json_array();
    for(size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_assignment(as[i].ticket_id, as[i].agent, as[i].fallback));
    free(as);
    return cli_emit(c, json_result(arr));
}

static json_t *
pb_assignments(const ProtobufCMessage *m)
{
    const Sealdesk__V1__RouteAutoResult *res = (const Sealdesk__V1__RouteAutoResult *)m;
    json_t *arr = json_array();

    for(size_t i = 0; i < res->n_assigned; i++)
        json_array_append_new(arr,
                              json_assignment(res->assigned[i]->ticket_id, res->assigned[i]->agent,
                                              res->assigned[i]->fallback));
    return json_result(arr);
}

int
cmd_route_online(struct cli *c, int argc, char **argv)
{
    static const struct cli_view v = {&sealdesk__v1__route_auto_result__descriptor, pb_assignments,
                                      NULL, NULL, SD_OK};
    Sealdesk__V1__RouteAutoRequest r = SEALDESK__V1__ROUTE_AUTO_REQUEST__INIT;

    (void)argc, (void)argv;
    r.now = (char *)cli_str(c, "now");
    return cli_call_view(c, "/sealdesk.v1.Routing/AutoRoute", &r.base, &v);
}
