/* sealctl ticket search --text T [--status S] [--category C] [--limit N] (issue 17): full-text
 * search over the encrypted index, offline through the library, online Tickets/Search. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/search.h"
#include "sealdesk.pb-c.h"

_Static_assert(SD_SEARCH_QUERY_MAX == 512 && SD_SEARCH_QUERY_TERMS == 16 &&
                   SD_SEARCH_QUERY_KEYS == 48,
               "the refusal message below names these limits");

/* One hit: the list form of a ticket plus its subject (null when shredded or absent). */
static json_t *
hit_json(const struct sd_ticket *t, const char *subject, size_t n)
{
    json_t *o = json_ticket(t, false);

    if(o)
        json_object_set_new(o, "subject", subject ? json_stringn(subject, n) : json_null());
    return o;
}

/* --limit: 1..SD_SEARCH_LIMIT_MAX; 0 when not given. -1 when bad. */
static long
limit_opt(const struct cli *c)
{
    const char *v = cli_get(c, "limit");
    char *end = NULL;
    long n;

    if(!v)
        return 0;
    n = strtol(v, &end, 10);
    if(!*v || *end || n < 1 || n > SD_SEARCH_LIMIT_MAX)
        return -1;
    return n;
}

int
cli_ticket_search_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a)
{
    struct sd_ticket_query q = {.text = cli_get(c, "text"), .category = -1};
    struct sd_ticket_list l;
    enum sd_category ec;
    long lim = limit_opt(c);
    json_t *arr;
    sd_err err;

    if(lim < 0)
        return cli_fail(SD_E_INVALID, "--limit must be 1..200");
    q.limit = (size_t)lim;
    if(cli_get(c, "status") &&
       (sd_status_parse(&q.status, cli_get(c, "status")) != SD_OK || q.status == SD_ST_REOPEN))
        return cli_fail(SD_E_INVALID, "status: unknown status");
    if(cli_get(c, "category")) {
        if(sd_category_parse(&ec, cli_get(c, "category")) != SD_OK)
            return cli_fail(SD_E_INVALID, "category: unknown category");
        q.category = (int)ec;
    }
    err = sd_ticket_search(d, a, &q, &l, NULL);
    if(err == SD_E_INVALID)
        return cli_refuse(err, "text: no searchable word in it (or not valid UTF-8)", NULL);
    if(err == SD_E_LIMIT)
        return cli_refuse(err,
                          "text: at most 512 bytes, 16 words and 48 terms (a Chinese, Japanese "
                          "or Korean run of K characters is one word of K-1 terms)",
                          NULL);
    if(err != SD_OK)
        return cli_fail(err, "ticket search");
    arr = json_array();
    for(size_t i = 0; i < l.n; i++) {
        const struct sd_ticket *t = &l.items[i];

        json_array_append_new(
            arr,
            hit_json(t, t->has[SD_F_SUBJECT] ? (const char *)t->field[SD_F_SUBJECT].data : NULL,
                     t->field[SD_F_SUBJECT].len));
    }
    sd_ticket_list_clear(&l);
    return cli_emit_table(c, arr);
}

static json_t *
pb_search_list(const ProtobufCMessage *m)
{
    const Sealdesk__V1__TicketList *l = (const Sealdesk__V1__TicketList *)m;
    json_t *arr = json_array();

    for(size_t i = 0; i < l->n_tickets; i++) {
        const Sealdesk__V1__Ticket *p = l->tickets[i];
        struct sd_ticket t;
        json_t *o;

        if(sd_ticket_from_pb(&t, p) != SD_OK) {
            json_decref(arr);
            return NULL;
        }
        o = hit_json(&t, p->subject && p->subject[0] ? p->subject : NULL,
                     p->subject ? strlen(p->subject) : 0);
        sd_ticket_clear(&t);
        json_array_append_new(arr, o);
    }
    return arr;
}

static const struct cli_view search_view = {&sealdesk__v1__ticket_list__descriptor, pb_search_list,
                                            "malformed ticket in reply", cli_emit_table, SD_OK};

int
cli_ticket_search_online(struct cli *c)
{
    Sealdesk__V1__TicketSearchRequest q = SEALDESK__V1__TICKET_SEARCH_REQUEST__INIT;
    long lim = limit_opt(c);

    if(lim < 0)
        return cli_fail(SD_E_INVALID, "--limit must be 1..200");
    q.text = (char *)cli_str(c, "text");
    q.status = (char *)cli_str(c, "status");
    q.category = (char *)cli_str(c, "category");
    q.limit = (uint32_t)lim;
    return cli_call_view(c, "/sealdesk.v1.Tickets/Search", &q.base, &search_view);
}
