/* sealctl audit search and audit pubkey (online): `audit search [--actor A] [--ticket ID]
 * [--kind K] [--since T] [--until T] [--limit N] [--from I]`, offline through
 * sd_desk_audit_search and online through Audit/Search; `audit pubkey` online through
 * Audit/GetPublicKey (offline.c has the offline half). --json prints {"entries": [{"index",
 * "time" (RFC 3339, UTC), "actor", "action", "target", "request_id", "reason"}], "next",
 * "more"}; the text table shows times in local time (TZ respected) with the zone. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/desk_audit.h"

static const char search_usage[] =
    "audit search [--actor A] [--ticket ID] [--kind K] [--since T] [--until T] [--limit N] "
    "[--from I]   (T: RFC 3339, e.g. 2026-11-25T08:00:00+09:00)";

struct search_args {
    const char *actor, *kind, *since_s, *until_s;
    uint64_t ticket, since, until, from;
    unsigned limit;
};

/* Parse the options; 0 ok, else the exit code (usage 2, bad value 1 naming the option). */
static int
search_parse(struct cli *c, struct search_args *s)
{
    const char *v;

    memset(s, 0, sizeof(*s));
    if(c->n_pos)
        return cli_usage(search_usage);
    s->actor = cli_get(c, "actor");
    s->kind = cli_get(c, "kind");
    if((v = cli_get(c, "ticket")) && !cli_parse_id(v, &s->ticket))
        return cli_fail(SD_E_INVALID, "--ticket: not a ticket id");
    s->since_s = cli_get(c, "since");
    s->until_s = cli_get(c, "until");
    if(s->since_s && sd_time_parse(&s->since, s->since_s) != SD_OK)
        return cli_fail(SD_E_INVALID, "--since: not an RFC 3339 time");
    if(s->until_s && sd_time_parse(&s->until, s->until_s) != SD_OK)
        return cli_fail(SD_E_INVALID, "--until: not an RFC 3339 time");
    if(s->since && s->until && s->since >= s->until)
        return cli_fail(SD_E_INVALID, "--since must be before --until");
    if((v = cli_get(c, "limit"))) {
        uint64_t l;

        if(!cli_parse_id(v, &l) || l > SD_AUDIT_SEARCH_MAX)
            return cli_fail(SD_E_INVALID, "--limit: 1..1000");
        s->limit = (unsigned)l;
    }
    if((v = cli_get(c, "from")) && strcmp(v, "0") != 0 && !cli_parse_id(v, &s->from))
        return cli_fail(SD_E_INVALID, "--from: not an entry index");
    return 0;
}

/* "2026-09-21 16:13:20 +0200 CEST": local time with its zone (TZ respected). */
static void
local_time(char *out, size_t cap, uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    tzset();
    if(!localtime_r(&tt, &tm) || strftime(out, cap, "%Y-%m-%d %H:%M:%S %z %Z", &tm) == 0)
        snprintf(out, cap, "%llu", (unsigned long long)t);
}

static json_t *
json_entry(uint64_t index, uint64_t time, const char *actor, const char *action, const char *target,
           const char *request_id, const char *reason)
{
    json_t *o = json_object();
    char tbuf[32];

    sd_time_format(tbuf, sizeof(tbuf), time);
    json_object_set_new(o, "index", json_integer((json_int_t)index));
    json_object_set_new(o, "time", json_string(tbuf));
    json_object_set_new(o, "actor", json_string(actor));
    json_object_set_new(o, "action", json_string(action));
    json_object_set_new(o, "target", json_string(target));
    json_object_set_new(o, "request_id", json_string(request_id));
    json_object_set_new(o, "reason", json_string(reason));
    return o;
}

/* Print entries (steals it): JSON with paging, or a table in local time. */
static int
emit_search(struct cli *c, json_t *entries, uint64_t next, bool more)
{
    json_t *rows, *e;
    size_t i;
    int rc;

    if(c->json)
        return cli_emit(c, json_pack("{s:o,s:I,s:b}", "entries", entries, "next", (json_int_t)next,
                                     "more", more));
    rows = json_array();
    json_array_foreach(entries, i, e)
    {
        uint64_t t = 0;
        char local[64];
        json_t *r = json_object();

        sd_time_parse(&t, json_string_value(json_object_get(e, "time")));
        local_time(local, sizeof(local), t);
        json_object_set(r, "index", json_object_get(e, "index"));
        json_object_set_new(r, "time", json_string(local));
        json_object_set(r, "actor", json_object_get(e, "actor"));
        json_object_set(r, "action", json_object_get(e, "action"));
        json_object_set(r, "target", json_object_get(e, "target"));
        json_object_set(r, "reason", json_object_get(e, "reason"));
        json_array_append_new(rows, r);
    }
    json_decref(entries);
    if(json_array_size(rows)) {
        rc = cli_emit_table(c, rows);
    } else {
        json_decref(rows);
        puts("no matching entries");
        rc = 0;
    }
    if(!rc && more)
        printf("more entries: continue with --from %llu\n", (unsigned long long)next);
    return rc;
}

int
cmd_audit_search_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a)
{
    struct search_args s;
    struct sd_audit_query q = {0};
    struct sd_audit_hit *hits = NULL;
    size_t n = 0;
    uint64_t next = 0;
    bool more = false;
    json_t *arr;
    sd_err err;
    int rc = search_parse(c, &s);

    if(rc)
        return rc;
    q = (struct sd_audit_query){s.actor, s.kind, s.ticket, s.since, s.until, s.from, s.limit};
    err = sd_desk_audit_search(d, a, &q, &hits, &n, &next, &more);
    if(err == SD_E_INVALID)
        return cli_fail(err, "--actor or --kind: too long or not text");
    if(err != SD_OK)
        return cli_fail(err, "audit search");
    arr = json_array();
    for(size_t i = 0; i < n; i++)
        json_array_append_new(arr,
                              json_entry(hits[i].index, hits[i].time, hits[i].actor, hits[i].action,
                                         hits[i].target, hits[i].request_id, hits[i].reason));
    free(hits);
    return emit_search(c, arr, next, more);
}

int
cmd_audit_search_online(struct cli *c)
{
    Sealdesk__V1__AuditSearchRequest q = SEALDESK__V1__AUDIT_SEARCH_REQUEST__INIT;
    struct cli_reply r = CLI_REPLY(sealdesk__v1__audit_search_result__descriptor);
    struct search_args s;
    int rc = search_parse(c, &s);

    if(rc)
        return rc;
    q.actor = (char *)(s.actor ? s.actor : "");
    q.kind = (char *)(s.kind ? s.kind : "");
    q.ticket = s.ticket;
    q.since = (char *)(s.since_s ? s.since_s : "");
    q.until = (char *)(s.until_s ? s.until_s : "");
    q.limit = s.limit;
    q.from = s.from;
    rc = cli_call(c, "/sealdesk.v1.Audit/Search", &q.base, &r);
    if(!rc) {
        Sealdesk__V1__AuditSearchResult *m = (Sealdesk__V1__AuditSearchResult *)r.msg;
        json_t *arr = json_array();

        for(size_t i = 0; i < m->n_entries; i++) {
            const Sealdesk__V1__AuditRecord *e = m->entries[i];
            uint64_t t = 0;

            sd_time_parse(&t, e->time);
            json_array_append_new(arr, json_entry(e->index, t, e->actor, e->action, e->target,
                                                  e->request_id, e->reason));
        }
        rc = emit_search(c, arr, m->next, m->more);
    }
    cli_reply_free(&r);
    return rc;
}

int
cmd_audit_pubkey_online(struct cli *c)
{
    Sealdesk__V1__PublicKeyRequest q = SEALDESK__V1__PUBLIC_KEY_REQUEST__INIT;
    struct cli_reply r = CLI_REPLY(sealdesk__v1__public_key_response__descriptor);
    char hex[65];
    int rc;

    if(c->n_pos)
        return cli_usage("audit pubkey");
    rc = cli_call(c, "/sealdesk.v1.Audit/GetPublicKey", &q.base, &r);
    if(!rc) {
        Sealdesk__V1__PublicKeyResponse *m = (Sealdesk__V1__PublicKeyResponse *)r.msg;

        if(m->public_key.len != 32 || m->first_public_key.len != 32) {
            rc = cli_fail(SD_E_INTERNAL, "audit pubkey: malformed reply");
        } else if(c->json) {
            json_t *j = json_object();

            sd_hex_encode(hex, m->public_key.data, 32);
            json_object_set_new(j, "public_key", json_string(hex));
            sd_hex_encode(hex, m->first_public_key.data, 32);
            json_object_set_new(j, "first_public_key", json_string(hex));
            rc = cli_emit(c, j);
        } else {
            sd_hex_encode(hex, m->public_key.data, 32);
            puts(hex);
        }
    }
    cli_reply_free(&r);
    return rc;
}
