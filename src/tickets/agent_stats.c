/* Agent statistics (sd_stats_by_agent): one read txn over every ticket record, grouped by
 * assignee: handled, median first response and resolution times, SLA breaches, reopen rate,
 * CSAT average and count. Daily intake (sd_stats_by_day): tickets per UTC day by category and
 * channel. Metadata only: no sealed field is opened. */
#include <stdlib.h>
#include <string.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/err.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"
#include "util/err_int.h"

struct acc {
    struct sd_agent_stats s;
    int64_t *fr, *res; /* samples for the medians */
    size_t n_fr, n_res, cap_fr, cap_res;
    uint64_t reopened, csat_sum;
};

static sd_err
push(int64_t **v, size_t *n, size_t *cap, int64_t x)
{
    if(*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        int64_t *p = realloc(*v, ncap * sizeof(*p));

        if(!p)
            return SD_E_NOMEM;
        *v = p;
        *cap = ncap;
    }
    (*v)[(*n)++] = x;
    return SD_OK;
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Median (lower-middle average rounded down for even counts); -1 when empty. */
static int64_t
median(int64_t *v, size_t n)
{
    if(!n)
        return -1;
    qsort(v, n, sizeof(*v), cmp_i64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
cmp_acc(const void *a, const void *b)
{
    return strcmp(((const struct acc *)a)->s.agent, ((const struct acc *)b)->s.agent);
}

static sd_err
add(struct acc *a, const sd_trec *r, uint64_t now)
{
    bool fr_late, res_late;
    sd_err err = SD_OK;

    a->s.handled++;
    /* gcc 12 -fanalyzer false positive: it loses a->fr once the caller has realloc()ed accs
     * and reports the push as a leak; sd_stats_by_agent frees every fr and res at out. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
    if(r->first_response_at >= r->created_at && r->first_response_at)
        SD_TRY(push(&a->fr, &a->n_fr, &a->cap_fr, (int64_t)(r->first_response_at - r->created_at)));
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    if(r->resolved_at >= r->created_at && r->resolved_at)
        SD_TRY(push(&a->res, &a->n_res, &a->cap_res, (int64_t)(r->resolved_at - r->created_at)));
    fr_late = r->first_response_at ? r->first_response_at > r->sla_first_response_due
                                   : now > r->sla_first_response_due;
    res_late =
        r->resolved_at ? r->resolved_at > r->sla_resolution_due : now > r->sla_resolution_due;
    if(fr_late || res_late)
        a->s.sla_breaches++;
    if(r->reopen_count)
        a->reopened++;
    if(r->csat >= 1 && r->csat <= 5) {
        a->s.csat_count++;
        a->csat_sum += r->csat;
    }
out:
    return err;
}

sd_err
sd_stats_by_agent(struct sd_desk *d, uint64_t from, uint64_t to, uint64_t now,
                  struct sd_agent_stats **out, size_t *n)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct acc *accs = NULL;
    struct sd_agent_stats *res = NULL;
    size_t n_acc = 0, cap = 0;
    struct sd_val k, v;
    sd_trec *r = NULL;
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(d && out && n);
    *out = NULL;
    *n = 0;
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_TICKETS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        size_t i;

        r = sealdesk__v1__ticket_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(r, SD_E_STORE);
        if(!r->assignee[0] || r->created_at < from || (to && r->created_at >= to) ||
           strlen(r->assignee) > SD_MAX_AGENT) {
            sd_trec_free(r);
            r = NULL;
            continue;
        }
        for(i = 0; i < n_acc && strcmp(accs[i].s.agent, r->assignee) != 0; i++)
            ;
        if(i == n_acc) {
            SD_ENSURE(n_acc < SD_STATS_MAX_AGENTS, SD_E_LIMIT);
            if(n_acc == cap) {
                size_t ncap = cap ? cap * 2 : 8;
                struct acc *p = realloc(accs, ncap * sizeof(*p));

                SD_ENSURE(p, SD_E_NOMEM);
                accs = p;
                cap = ncap;
            }
            memset(&accs[n_acc], 0, sizeof(accs[n_acc]));
            // NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked above
            strcpy(accs[n_acc].s.agent, r->assignee);
            n_acc++;
        }
        SD_TRY(add(&accs[i], r, now));
        sd_trec_free(r);
        r = NULL;
    }
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    if(n_acc) {
        qsort(accs, n_acc, sizeof(*accs), cmp_acc);
        res = calloc(n_acc, sizeof(*res));
        SD_ENSURE(res, SD_E_NOMEM);
    }
    for(size_t i = 0; i < n_acc; i++) {
        struct acc *a = &accs[i];

        a->s.median_first_response = median(a->fr, a->n_fr);
        a->s.median_resolution = median(a->res, a->n_res);
        a->s.reopen_rate = (double)a->reopened / (double)a->s.handled;
        a->s.csat_average = a->s.csat_count ? (double)a->csat_sum / (double)a->s.csat_count : 0.0;
        res[i] = a->s;
    }
    *out = res;
    *n = n_acc;
    res = NULL;
out:
    sd_trec_free(r);
    for(size_t i = 0; i < n_acc; i++) {
        free(accs[i].fr);
        free(accs[i].res);
    }
    free(accs);
    free(res);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}

static int
cmp_day(const void *a, const void *b)
{
    uint64_t x = ((const struct sd_day_stats *)a)->day, y = ((const struct sd_day_stats *)b)->day;

    return (x > y) - (x < y);
}

sd_err
sd_stats_by_day(struct sd_desk *d, uint64_t from, uint64_t to, struct sd_day_stats **out, size_t *n)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct sd_day_stats *days = NULL, *row;
    sd_trec *r = NULL;
    struct sd_val k, v;
    size_t n_days = 0, cap = 0, last = 0;
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(d && out && n);
    *out = NULL;
    *n = 0;
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_TICKETS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        uint64_t day;
        size_t i;

        r = sealdesk__v1__ticket_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(r, SD_E_STORE);
        if(r->created_at < from || (to && r->created_at >= to)) {
            sd_trec_free(r);
            r = NULL;
            continue;
        }
        day = r->created_at - r->created_at % 86400;
        /* ids grow with time: the day of the previous ticket is nearly always the one */
        if(n_days && days[last].day == day) {
            i = last;
        } else {
            for(i = 0; i < n_days && days[i].day != day; i++)
                ;
        }
        if(i == n_days) {
            SD_ENSURE(n_days < SD_STATS_MAX_DAYS, SD_E_LIMIT);
            if(n_days == cap) {
                size_t ncap = cap ? cap * 2 : 32;
                struct sd_day_stats *p = realloc(days, ncap * sizeof(*p));

                SD_ENSURE(p, SD_E_NOMEM);
                days = p;
                cap = ncap;
            }
            memset(&days[n_days], 0, sizeof(days[n_days]));
            days[n_days++].day = day;
        }
        last = i;
        row = &days[i];
        row->total++;
        if(r->category < SD_CAT_COUNT)
            row->by_category[r->category]++;
        if(r->channel >= SD_CH_CHAT && r->channel < SD_CH_COUNT)
            row->by_channel[r->channel]++;
        sd_trec_free(r);
        r = NULL;
    }
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    if(n_days)
        qsort(days, n_days, sizeof(*days), cmp_day);
    *out = days;
    *n = n_days;
    days = NULL;
out:
    sd_trec_free(r);
    free(days);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}
