/* sealctl output: every result becomes a jansson object first; --json prints it as one JSON
 * value, otherwise it is rendered as "key: value" lines. One formatter, two views. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sealdesk/clock.h"
#include "sealdesk/redact.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"

static json_t *
json_time(uint64_t t)
{
    char buf[32];

    if(!t)
        return json_null();
    sd_time_format(buf, sizeof(buf), t);
    return json_string(buf);
}

static json_t *
json_text(const struct sd_buf *b)
{
    /* Decrypted text was valid UTF-8 on the way in; json_stringn re-checks. */
    return b->len ? json_stringn((const char *)b->data, b->len) : json_string("");
}

json_t *
json_ticket(const struct sd_ticket *t, bool full)
{
    json_t *o = json_object();
    json_t *sig = json_array();
    json_t *red = json_array();

    json_object_set_new(o, "id", json_integer((json_int_t)t->id));
    json_object_set_new(o, "channel", json_string(sd_channel_name(t->channel)));
    json_object_set_new(o, "category", json_string(sd_category_name(t->category)));
    json_object_set_new(o, "priority", json_string(sd_priority_name(t->priority)));
    json_object_set_new(o, "status", json_string(sd_status_name(t->status)));
    json_object_set_new(o, "assignee", t->assignee[0] ? json_string(t->assignee) : json_null());
    json_object_set_new(o, "vip", json_boolean(t->vip));
    json_object_set_new(o, "created_at", json_time(t->created_at));
    json_object_set_new(o, "updated_at", json_time(t->updated_at));
    json_object_set_new(o, "sla_first_response_due", json_time(t->sla_first_response_due));
    json_object_set_new(o, "sla_resolution_due", json_time(t->sla_resolution_due));
    json_object_set_new(o, "first_response_at", json_time(t->first_response_at));
    json_object_set_new(o, "resolved_at", json_time(t->resolved_at));
    json_object_set_new(o, "csat", t->csat ? json_integer(t->csat) : json_null());
    json_object_set_new(o, "reopen_count", json_integer(t->reopen_count));
    for(int k = 0; k < SD_REDACT_KIND_COUNT; k++) {
        if(t->redaction_flags & (1u << k))
            json_array_append_new(red, json_string(sd_redact_kind_name((enum sd_redact_kind)k)));
    }
    json_object_set_new(o, "redacted", json_boolean(t->redaction_flags != 0));
    json_object_set_new(o, "redactions", red);
    for(size_t i = 0; i < t->n_signals; i++)
        json_array_append_new(sig, json_string(t->signals[i]));
    json_object_set_new(o, "signals", sig);
    json_object_set_new(o, "lang", t->lang[0] ? json_string(t->lang) : json_null());
    json_t *sug = json_array();

    for(size_t i = 0; i < t->n_suggested; i++)
        json_array_append_new(sug, json_integer((json_int_t)t->suggested[i]));
    json_object_set_new(o, "suggested_articles", sug);
    if(!full)
        return o;
    json_object_set_new(o, "shredded", json_boolean(t->shredded));
    for(int f = SD_F_CUSTOMER_NAME; f < SD_F_COUNT; f++) {
        json_object_set_new(o, sd_field_name((enum sd_field)f),
                            t->has[f] ? json_text(&t->field[f]) : json_null());
    }
    json_t *tl = json_array();

    for(size_t i = 0; i < t->n_events; i++) {
        const struct sd_event *e = &t->events[i];
        json_t *ev = json_object();

        json_object_set_new(ev, "seq", json_integer(e->seq));
        json_object_set_new(ev, "at", json_time(e->at));
        json_object_set_new(ev, "actor", json_string(e->actor));
        json_object_set_new(ev, "kind", json_string(sd_event_kind_name(e->kind)));
        if(e->kind == SD_EV_STATUS || e->kind == SD_EV_REOPENED || e->kind == SD_EV_CLAIMED) {
            json_object_set_new(ev, "from", json_string(sd_status_name(e->from_status)));
            json_object_set_new(ev, "to", json_string(sd_status_name(e->to_status)));
        }
        if(e->detail[0])
            json_object_set_new(ev, "detail", json_string(e->detail));
        if(e->has_body) {
            json_object_set_new(ev, "body", json_text(&e->body));
            json_object_set_new(ev, "internal", json_boolean(e->internal));
        }
        json_array_append_new(tl, ev);
    }
    json_object_set_new(o, "timeline", tl);
    return o;
}

json_t *
json_ticket_list(const struct sd_ticket_list *l)
{
    json_t *a = json_array();

    for(size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_ticket(&l->items[i], false));
    return a;
}

static json_t *
counts(const struct sd_stats *s, enum sd_stats_group g)
{
    struct sd_count v[SD_STATS_GROUP_MAX];
    size_t k = sd_stats_group(s, g, v);
    json_t *o = json_object();

    for(size_t i = 0; i < k; i++)
        json_object_set_new(o, v[i].name, json_integer((json_int_t)v[i].value));
    return o;
}

json_t *
json_stats(const struct sd_stats *s)
{
    json_t *o = json_object();

    json_object_set_new(o, "total", json_integer((json_int_t)s->total));
    for(int g = 0; g < SD_SG_COUNT; g++)
        json_object_set_new(o, sd_stats_group_key((enum sd_stats_group)g),
                            counts(s, (enum sd_stats_group)g));
    json_object_set_new(o, "median_first_response_seconds",
                        s->n_first_response ? json_integer((json_int_t)s->median_first_response)
                                            : json_null());
    json_object_set_new(o, "median_resolution_seconds",
                        s->n_resolved ? json_integer((json_int_t)s->median_resolution)
                                      : json_null());
    json_object_set_new(o, "sla_breaches", json_integer((json_int_t)s->sla_breaches));
    json_object_set_new(o, "csat_count", json_integer((json_int_t)s->csat_count));
    json_object_set_new(o, "csat_average",
                        s->csat_count ? json_real(s->csat_average) : json_null());
    json_object_set_new(o, "redacted_tickets", json_integer((json_int_t)s->redacted));
    return o;
}

json_t *
json_triage(const struct sd_triage_result *r)
{
    json_t *o = json_object();
    json_t *sig = json_array();

    json_object_set_new(o, "category", json_string(sd_category_name(r->category)));
    json_object_set_new(o, "priority", json_string(sd_priority_name(r->priority)));
    json_object_set_new(o, "fund_safety", json_boolean(r->fund_safety));
    for(size_t i = 0; i < r->n_signals; i++)
        json_array_append_new(sig, json_string(r->signals[i]));
    json_object_set_new(o, "signals", sig);
    return o;
}

static void
print_scalar(FILE *f, json_t *v)
{
    char *s;

    switch(json_typeof(v)) {
    /* Write errors on f are sticky: stdout_done() checks them once for the whole output. */
    case JSON_STRING:
        (void)fputs(json_string_value(v), f);
        break;
    case JSON_NULL:
        (void)fputs("-", f);
        break;
    default:
        s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if(s)
            (void)fputs(s, f);
        free(s);
    }
}

static void
print_text(FILE *f, json_t *j, int indent)
{
    const char *key;
    json_t *v;
    size_t i;

    if(json_is_array(j)) {
        json_array_foreach(j, i, v)
        {
            if(json_is_object(v)) {
                if(i)
                    (void)fputc('\n', f); /* sticky error, checked in stdout_done() */
                print_text(f, v, indent);
            } else {
                fprintf(f, "%*s", indent, "");
                print_scalar(f, v);
                (void)fputc('\n', f); /* sticky error, checked in stdout_done() */
            }
        }
        return;
    }
    if(!json_is_object(j)) {
        print_scalar(f, j);
        (void)fputc('\n', f); /* sticky error, checked in stdout_done() */
        return;
    }
    json_object_foreach(j, key, v)
    {
        if(json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0))) {
            fprintf(f, "%*s%s:\n", indent, "", key);
            print_text(f, v, indent + 2);
            continue;
        }
        fprintf(f, "%*s%s: ", indent, "", key);
        if(json_is_object(v)) {
            (void)fputc('\n', f); /* sticky error, checked in stdout_done() */
            print_text(f, v, indent + 2);
            continue;
        }
        print_scalar(f, v);
        (void)fputc('\n', f); /* sticky error, checked in stdout_done() */
    }
}

/* Scalar as table cell text: malloc'ed. */
static char *
cell_text(json_t *v)
{
    if(json_is_string(v))
        return strdup(json_string_value(v));
    if(json_is_null(v))
        return strdup("-");
    if(json_is_real(v)) {
        char buf[32];

        snprintf(buf, sizeof(buf), "%.2f", json_real_value(v));
        return strdup(buf);
    }
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

/* The cells of one row: the object's scalars, and the scalars of objects one level down
 * (their inner keys become the column names). Calls fn(ctx, key, value) in order. */
static void
row_foreach(json_t *row, void (*fn)(void *, const char *, json_t *), void *ctx)
{
    const char *key, *k2;
    json_t *v, *v2;

    /* cppcheck does not read jansson's header, so its iteration macro looks unknown. */
    // cppcheck-suppress unknownMacro
    json_object_foreach(row, key, v)
    {
        if(json_is_object(v)) {
            // cppcheck-suppress unknownMacro
            json_object_foreach(v, k2, v2) fn(ctx, k2, v2);
        } else if(!json_is_array(v)) {
            fn(ctx, key, v);
        }
    }
}

#define TABLE_MAX_COLS 32

struct table {
    size_t ncol, col;
    const char *name[TABLE_MAX_COLS];
    int width[TABLE_MAX_COLS];
    FILE *f;
    bool measure;
};

static void
table_cell(void *ctx, const char *key, json_t *v)
{
    struct table *t = ctx;
    char *s;
    int w;

    if(t->col >= TABLE_MAX_COLS)
        return;
    s = cell_text(v);
    w = s ? (int)strlen(s) : 1;
    if(t->measure) {
        if(t->col >= t->ncol) {
            t->name[t->ncol] = key;
            t->width[t->ncol++] = (int)strlen(key);
        }
        if(w > t->width[t->col])
            t->width[t->col] = w;
    } else if(t->col + 1 < t->ncol) {
        fprintf(t->f, "%s%-*s", t->col ? "  " : "", t->width[t->col], s ? s : "?");
    } else if(t->col < t->ncol) {
        fprintf(t->f, "%s%s", t->col ? "  " : "", s ? s : "?"); /* no trailing blanks */
    }
    free(s);
    t->col++;
}

/* Flush stdout and report a failed write (full disk, closed pipe): a command whose output
 * was lost must not exit 0, e.g. `user add`, whose password is printed once. */
static int
stdout_done(void)
{
    if(fflush(stdout) != 0 || ferror(stdout))
        return cli_fail(SD_E_IO, "write standard output");
    return 0;
}

int
cli_emit_table(const struct cli *c, json_t *j)
{
    struct table t = {0};
    json_t *row;
    size_t i;

    if(!j || c->json || !json_is_array(j) || !json_array_size(j))
        return cli_emit(c, j);
    t.f = stdout;
    t.measure = true;
    json_array_foreach(j, i, row)
    {
        t.col = 0;
        if(json_is_object(row))
            row_foreach(row, table_cell, &t);
    }
    for(size_t k = 0; k < t.ncol; k++)
        printf("%s%-*s", k ? "  " : "", k + 1 < t.ncol ? t.width[k] : 0, t.name[k]);
    putchar('\n');
    t.measure = false;
    json_array_foreach(j, i, row)
    {
        t.col = 0;
        if(json_is_object(row))
            row_foreach(row, table_cell, &t);
        putchar('\n');
    }
    json_decref(j);
    return stdout_done();
}

int
cli_emit(const struct cli *c, json_t *j)
{
    if(!j) {
        fprintf(stderr, "RESOURCE_EXHAUSTED: out of memory\n");
        return 1;
    }
    if(c->json) {
        char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);

        if(!s) {
            json_decref(j);
            return cli_fail(SD_E_NOMEM, "format output");
        }
        puts(s);
        free(s);
    } else {
        print_text(stdout, j, 0);
    }
    json_decref(j);
    return stdout_done();
}

json_t *
json_offboard(const char *name, const char *roles, bool disabled, const uint64_t *ids, size_t n)
{
    json_t *o = json_object();
    json_t *a = json_array();

    for(size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)ids[i]));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "roles", json_string(roles));
    json_object_set_new(o, "disabled", json_boolean(disabled));
    json_object_set_new(o, "sessions_ended", json_true());
    json_object_set_new(o, "requeued", a);
    return o;
}

int
cli_emit_triage(const struct cli *c, const struct sd_triage_result *r, char **lines, size_t n)
{
    json_t *o = json_triage(r);
    json_t *e;
    int rc;

    if(!cli_has(c, "explain"))
        return cli_emit(c, o);
    if(c->json) {
        e = json_array();
        for(size_t i = 0; i < n; i++)
            json_array_append_new(e, json_string(lines[i]));
        if(o)
            json_object_set_new(o, "explanation", e);
        else
            json_decref(e);
        return cli_emit(c, o);
    }
    rc = cli_emit(c, o);
    if(rc)
        return rc;
    puts("explanation:");
    for(size_t i = 0; i < n; i++)
        printf("  %s\n", lines[i]);
    return stdout_done();
}
