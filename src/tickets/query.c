/* Read-side queries over ticket metadata: list with filters, blind-index find (audited), SLA
 * overdue and statistics. None of them decrypts a PII field. */
#include <stdlib.h>
#include <string.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/sla.h"
#include "sealdesk/stats.h"
#include "sealdesk/text.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"

void
sd_ticket_list_clear(struct sd_ticket_list *l)
{
    if(!l)
        return;
    for(size_t i = 0; i < l->n; i++)
        sd_ticket_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
    l->next = 0;
    l->more = false;
}

sd_err
sd_ticket_list_push(struct sd_ticket_list *l, size_t *cap, const sd_trec *r)
{
    if(l->n >= SD_MAX_LIST)
        return SD_E_LIMIT;
    if(l->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        struct sd_ticket *p = realloc(l->items, ncap * sizeof(*p));

        if(!p)
            return SD_E_NOMEM;
        l->items = p;
        *cap = ncap;
    }
    memset(&l->items[l->n], 0, sizeof(l->items[0]));
    sd_trec_meta(&l->items[l->n++], r);
    return SD_OK;
}

static bool
matches(const sd_trec *r, const struct sd_ticket_filter *f)
{
    if(f->status && (int)r->status != f->status)
        return false;
    if(f->category >= 0 && (int)r->category != f->category)
        return false;
    if(f->assignee && strcmp(r->assignee, f->assignee) != 0)
        return false;
    return true;
}

/* Visit ticket ids from an index: by_status (status given), by_assignee, or all tickets. */
sd_err
sd_ticket_list(struct sd_desk *d, const struct sd_ticket_filter *f, struct sd_ticket_list *out)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    sd_trec *r = NULL;
    struct sd_val k, v;
    uint8_t start[9];
    size_t cap = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && f && out);
    memset(out, 0, sizeof(*out));
    SD_CHECK_ARG(!f->assignee || sd_agent_name_ok(f->assignee));
    SD_CHECK_ARG(f->status >= 0 && f->status < SD_ST_COUNT);
    SD_CHECK_ARG(f->limit <= SD_MAX_LIST && f->after < UINT64_MAX);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    if(f->assignee) {
        SD_TRY(sd_cursor_open(t, SD_DB_BY_ASSIGNEE, &c));
        k.p = (const uint8_t *)f->assignee;
        k.n = strlen(f->assignee);
        rc = sd_cursor_get(c, SD_CUR_SET_KEY, &k, &v);
    } else if(f->status) {
        SD_TRY(sd_cursor_open(t, SD_DB_BY_STATUS, &c));
        start[0] = (uint8_t)f->status;
        sd_put_u64be(start + 1, f->after + 1);
        k.p = start;
        k.n = sizeof(start);
        rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v);
    } else {
        SD_TRY(sd_cursor_open(t, SD_DB_TICKETS, &c));
        sd_put_u64be(start, f->after + 1);
        k.p = start;
        k.n = 8;
        rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v);
    }
    while(rc == SD_OK) {
        uint64_t id;

        if(f->assignee) {
            SD_ENSURE(v.n == 8, SD_E_STORE);
            id = sd_get_u64be(v.p);
        } else if(f->status) {
            if(k.n != 9 || k.p[0] != f->status)
                break;
            id = sd_get_u64be(k.p + 1);
        } else {
            SD_ENSURE(k.n == 8, SD_E_STORE);
            id = sd_get_u64be(k.p);
        }
        if(id <= f->after) { /* by_assignee: ids ascending within the name, skipped up to after */
            rc = sd_cursor_get(c, f->assignee ? SD_CUR_NEXT_DUP : SD_CUR_NEXT, &k, &v);
            continue;
        }
        SD_TRY(sd_trec_load(t, id, &r));
        if(matches(r, f)) {
            if(f->limit && out->n == f->limit) {
                out->more = true;
                break;
            }
            SD_TRY(sd_ticket_list_push(out, &cap, r));
            out->next = id;
        }
        sd_trec_free(r);
        r = NULL;
        rc = sd_cursor_get(c, f->assignee ? SD_CUR_NEXT_DUP : SD_CUR_NEXT, &k, &v);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    if(err != SD_OK)
        sd_ticket_list_clear(out);
    sd_trec_free(r);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}

/* Supervisors, compliance and the local operator look up any customer; an agent only one whose
 * ticket they are assigned (so never an arbitrary customer by email or UID). */
static bool
may_find(const struct sd_actor *a, const struct sd_ticket_list *l)
{
    if(a->roles & (SD_ROLE_SUPERVISOR | SD_ROLE_COMPLIANCE | SD_ROLE_SYSTEM))
        return true;
    for(size_t i = 0; i < l->n; i++) {
        if(strcmp(l->items[i].assignee, a->name) == 0)
            return true;
    }
    return false;
}

sd_err
sd_ticket_find(struct sd_desk *d, const struct sd_actor *a, enum sd_field kind, const char *value,
               struct sd_ticket_list *out)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    sd_trec *r = NULL;
    uint8_t bidx[SD_BIDX_BYTES];
    char target[2 * SD_BIDX_BYTES + 16];
    struct sd_audit_rec ar;
    struct sd_val k, v;
    enum sd_bidx_kind bk;
    size_t cap = 0, n;
    bool allowed;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && value && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    switch(kind) {
    case SD_F_CUSTOMER_EMAIL:
        bk = SD_BIDX_EMAIL;
        break;
    case SD_F_CUSTOMER_PHONE:
        bk = SD_BIDX_PHONE;
        break;
    case SD_F_CUSTOMER_UID:
        bk = SD_BIDX_UID;
        break;
    default:
        SD_ENSURE(0, SD_E_INVALID);
    }
    n = strnlen(value, SD_MAX_WALLETS + 1);
    SD_ENSURE(n <= SD_MAX_EMAIL, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(value, n));
    SD_TRY(sd_bidx(d->kr, bk, value, n, bidx));
    /* A lookup by PII is itself audited; the entry names the blind index, not the value. */
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_BY_CUSTOMER, &c));
    k.p = bidx;
    k.n = sizeof(bidx);
    for(rc = sd_cursor_get(c, SD_CUR_SET_KEY, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT_DUP, &k, &v)) {
        SD_ENSURE(v.n == 8, SD_E_STORE);
        rc = sd_trec_load(t, sd_get_u64be(v.p), &r);
        if(rc == SD_E_NOTFOUND)
            continue;
        SD_TRY(rc);
        SD_TRY(sd_ticket_list_push(out, &cap, r));
        sd_trec_free(r);
        r = NULL;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): sd_hex_encode ends it
    memcpy(target, "bidx:", 5);
    sd_hex_encode(target + 5, bidx, sizeof(bidx));
    allowed = may_find(a, out);
    ar = (struct sd_audit_rec){.actor = a->name,
                               .action = allowed ? "ticket.find" : "ticket.find_denied",
                               .target = target,
                               .request_id = a->request_id};
    sd_cursor_close(c);
    c = NULL;
    SD_TRY(sd_audit_append(t, d->kr, &ar, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    SD_ENSURE(allowed, SD_E_DENIED);
out:
    if(err != SD_OK)
        sd_ticket_list_clear(out);
    sd_trec_free(r);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}

static bool
is_open(uint32_t status)
{
    return status == SD_ST_RECEIVED || status == SD_ST_IN_PROGRESS ||
           status == SD_ST_WAITING_CUSTOMER;
}

/* Overdue at `now`: no first response by its due time, or still open past resolution due.
 * A ticket waiting on the customer does not breach its resolution SLA while it waits. */
static bool
overdue(const sd_trec *r, uint64_t now)
{
    if(!is_open(r->status))
        return false;
    if(!r->first_response_at && now > r->sla_first_response_due)
        return true;
    return r->status != SD_ST_WAITING_CUSTOMER && now > r->sla_resolution_due;
}

/* Did the ticket miss a due time (for stats)? Uses the actual times when known. */
static bool
breached(const sd_trec *r, uint64_t now)
{
    uint64_t fr = r->first_response_at ? r->first_response_at : now;
    uint64_t res = r->resolved_at ? r->resolved_at : (is_open(r->status) ? now : 0);

    return fr > r->sla_first_response_due || (res && res > r->sla_resolution_due);
}

sd_err
sd_sla_overdue(struct sd_desk *d, uint64_t now, struct sd_ticket_list *out)
{
    static const uint8_t open_status[] = {SD_ST_RECEIVED, SD_ST_IN_PROGRESS,
                                          SD_ST_WAITING_CUSTOMER};
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    sd_trec *r = NULL;
    struct sd_val k, v;
    uint8_t start[9];
    size_t cap = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_BY_STATUS, &c));
    for(size_t s = 0; s < sizeof(open_status); s++) {
        start[0] = open_status[s];
        sd_put_u64be(start + 1, 0);
        k.p = start;
        k.n = sizeof(start);
        for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
            rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
            if(k.n != 9 || k.p[0] != open_status[s])
                break;
            SD_TRY(sd_trec_load(t, sd_get_u64be(k.p + 1), &r));
            if(overdue(r, now))
                SD_TRY(sd_ticket_list_push(out, &cap, r));
            sd_trec_free(r);
            r = NULL;
        }
        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    }
out:
    if(err != SD_OK)
        sd_ticket_list_clear(out);
    sd_trec_free(r);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}

int
sd_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Median of n values (sorts v); the lower middle for even n, so it is an observed value. */
static uint64_t
median(uint64_t *v, size_t n)
{
    if(!n)
        return 0;
    qsort(v, n, sizeof(*v), sd_cmp_u64);
    return v[(n - 1) / 2];
}

static sd_err
push_u64(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
    if(*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        uint64_t *p = realloc(*v, ncap * sizeof(*p));

        if(!p)
            return SD_E_NOMEM;
        *v = p;
        *cap = ncap;
    }
    (*v)[(*n)++] = x;
    return SD_OK;
}

sd_err
sd_stats(struct sd_desk *d, uint64_t now, struct sd_stats *out)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    sd_trec *r = NULL;
    struct sd_val k, v;
    uint64_t *fr = NULL, *res = NULL, csat_sum = 0;
    size_t nfr = 0, cfr = 0, nres = 0, cres = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_TICKETS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        r = sealdesk__v1__ticket_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(r, SD_E_STORE);
        out->total++;
        if(r->status < SD_ST_COUNT)
            out->by_status[r->status]++;
        if(r->category < SD_CAT_COUNT)
            out->by_category[r->category]++;
        if(r->priority >= 1 && r->priority <= 4) {
            out->by_priority[r->priority]++;
            if(is_open(r->status))
                out->open_by_priority[r->priority]++;
            if(overdue(r, now))
                out->overdue_by_priority[r->priority]++;
        }
        if(r->channel < SD_CH_COUNT)
            out->by_channel[r->channel]++;
        if(r->first_response_at >= r->created_at && r->first_response_at)
            SD_TRY(push_u64(&fr, &nfr, &cfr, r->first_response_at - r->created_at));
        if(r->resolved_at >= r->created_at && r->resolved_at)
            SD_TRY(push_u64(&res, &nres, &cres, r->resolved_at - r->created_at));
        if(breached(r, now))
            out->sla_breaches++;
        if(r->csat) {
            out->csat_count++;
            csat_sum += r->csat;
        }
        if(r->redaction_flags)
            out->redacted++;
        sd_trec_free(r);
        r = NULL;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    out->n_first_response = nfr;
    out->n_resolved = nres;
    out->median_first_response = median(fr, nfr);
    out->median_resolution = median(res, nres);
    out->csat_average = out->csat_count ? (double)csat_sum / (double)out->csat_count : 0.0;
out:
    free(fr);
    free(res);
    sd_trec_free(r);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}
