/* The summary form of ticket lists (issue 16: the console's lists): a ticket's subject and its
 * masked customer, decrypted with the ticket's data key for the tickets the caller may open;
 * the same customer's other tickets; the inbox the console polls. Nothing here unmasks. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/keystore.h"
#include "sealdesk/log.h"
#include "sealdesk/mask.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"

/* The customer field a summary shows, most useful first. */
static const enum sd_field customer_fields[] = {SD_F_CUSTOMER_EMAIL, SD_F_CUSTOMER_NAME,
                                                SD_F_CUSTOMER_UID};

/* The data key of the tickets being summarised: kept open while consecutive tickets share it
 * (one customer's tickets do). */
struct dkey_cache {
    struct sd_dkey *dk;
    uint64_t id;
    bool open;     /* id's key was looked up */
    bool shredded; /* ... and it was erased */
};

static void
dkey_cache_clear(struct dkey_cache *kc)
{
    sd_dkey_free(kc->dk);
    memset(kc, 0, sizeof(*kc));
}

static sd_err
dkey_cache_get(struct sd_desk *d, struct sd_txn *t, struct dkey_cache *kc, uint64_t id)
{
    sd_err err;

    if(kc->open && kc->id == id)
        return SD_OK;
    dkey_cache_clear(kc);
    err = sd_keys_dkey_open(t, d->kr, id, &kc->dk);
    if(err == SD_E_SHREDDED) {
        kc->dk = NULL;
        kc->shredded = true;
        err = SD_OK;
    }
    if(err != SD_OK)
        return err;
    kc->id = id;
    kc->open = true;
    return SD_OK;
}

/* Decrypt field f of r into out (masked unless it is the subject); NUL-terminated. */
static sd_err
summary_field(const sd_trec *r, const struct dkey_cache *kc, enum sd_field f, struct sd_ticket *out)
{
    struct sd_buf plain = SD_BUF_INIT;
    const uint8_t *p;
    size_t n;
    sd_err err = SD_OK;

    sd_trec_field(r, f, &p, &n);
    if(!n)
        return SD_OK;
    out->has[f] = true;
    sd_buf_wipe_free(&out->field[f]);
    if(kc->shredded) {
        SD_TRY(sd_buf_append_str(&out->field[f], "[shredded]"));
    } else {
        err = sd_field_open(&plain, kc->dk, r->id, (uint32_t)f, p, n);
        if(err == SD_E_CRYPTO)
            sd_log(SD_LOG_WARN, "integrity_fail", "ticket=%" PRIu64 " field=%s", r->id,
                   sd_field_name(f));
        SD_TRY(err);
        if(f == SD_F_SUBJECT)
            SD_TRY(sd_buf_append(&out->field[f], plain.data, plain.len));
        else
            SD_TRY(sd_mask(&out->field[f], f, (const char *)plain.data, plain.len));
    }
    SD_TRY(sd_buf_terminate(&out->field[f]));
out:
    sd_buf_wipe_free(&plain);
    return err;
}

/* The summary of r into out (out's metadata already set), in read or write txn t. */
static sd_err
summarize(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const sd_trec *r,
          struct dkey_cache *kc, struct sd_ticket *out)
{
    sd_err err = SD_OK;

    out->summary = true;
    if(sd_ticket_may_touch(a, r) != SD_OK)
        return SD_OK; /* metadata only: what Tickets.List shows of a ticket they may not open */
    SD_TRY(dkey_cache_get(d, t, kc, r->data_key_id));
    out->shredded = kc->shredded;
    SD_TRY(summary_field(r, kc, SD_F_SUBJECT, out));
    for(size_t i = 0; i < sizeof(customer_fields) / sizeof(customer_fields[0]); i++) {
        const uint8_t *p;
        size_t n;

        sd_trec_field(r, customer_fields[i], &p, &n);
        if(n) {
            SD_TRY(summary_field(r, kc, customer_fields[i], out));
            break;
        }
    }
out:
    return err;
}

sd_err
sd_ticket_list_summarize(struct sd_desk *d, const struct sd_actor *a, struct sd_ticket_list *l)
{
    struct dkey_cache kc = {0};
    struct sd_txn *t = NULL;
    sd_trec *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && l);
    SD_TRY(sd_actor_check(a));
    if(!l->n)
        return SD_OK;
    SD_TRY(sd_txn_begin(d->store, false, &t));
    for(size_t i = 0; i < l->n; i++) {
        err = sd_trec_load(t, l->items[i].id, &r);
        if(err == SD_E_NOTFOUND) { /* not expected: tickets are never deleted */
            err = SD_OK;
            continue;
        }
        SD_TRY(err);
        SD_TRY(summarize(d, t, a, r, &kc, &l->items[i]));
        sd_trec_free(r);
        r = NULL;
    }
out:
    sd_trec_free(r);
    dkey_cache_clear(&kc);
    sd_txn_abort(t);
    return err;
}

static int
cmp_ticket(const void *a, const void *b)
{
    return sd_cmp_u64(&((const struct sd_ticket *)a)->id, &((const struct sd_ticket *)b)->id);
}

/* Ids of the tickets filed under blind index bidx, appended to *ids (count *n, room *cap). */
static sd_err
customer_ids(struct sd_txn *t, const uint8_t bidx[SD_BIDX_BYTES], uint64_t **ids, size_t *n,
             size_t *cap)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_TRY(sd_cursor_open(t, SD_DB_BY_CUSTOMER, &c));
    k.p = bidx;
    k.n = SD_BIDX_BYTES;
    for(rc = sd_cursor_get(c, SD_CUR_SET_KEY, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT_DUP, &k, &v)) {
        SD_ENSURE(v.n == 8, SD_E_STORE);
        /* bounded: a customer past the answer's limit (x3 keys) is cut, never unbounded */
        SD_ENSURE(*n < 4 * SD_RELATED_MAX, SD_OK);
        if(*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 32;
            uint64_t *p = realloc(*ids, ncap * sizeof(*p));

            SD_ENSURE(p, SD_E_NOMEM);
            *ids = p;
            *cap = ncap;
        }
        (*ids)[(*n)++] = sd_get_u64be(v.p);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

/* The blind indexes of r's customer (UID, e-mail, phone: the keys tickets are filed under). */
static sd_err
related_ids(struct sd_desk *d, struct sd_txn *t, const sd_trec *r, const struct sd_dkey *dk,
            uint64_t **ids, size_t *n)
{
    static const enum sd_field fields[] = {SD_F_CUSTOMER_UID, SD_F_CUSTOMER_EMAIL,
                                           SD_F_CUSTOMER_PHONE};
    static const enum sd_bidx_kind kinds[] = {SD_BIDX_UID, SD_BIDX_EMAIL, SD_BIDX_PHONE};
    struct sd_buf plain = SD_BUF_INIT;
    uint8_t bidx[SD_BIDX_BYTES];
    size_t cap = 0;
    sd_err err = SD_OK;

    for(size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const uint8_t *p;
        size_t len;

        sd_trec_field(r, fields[i], &p, &len);
        if(!len)
            continue;
        SD_TRY(sd_field_open(&plain, dk, r->id, (uint32_t)fields[i], p, len));
        SD_TRY(sd_bidx(d->kr, kinds[i], (const char *)plain.data, plain.len, bidx));
        sd_buf_wipe_free(&plain);
        SD_TRY(customer_ids(t, bidx, ids, n, &cap));
    }
out:
    sd_buf_wipe_free(&plain);
    return err;
}

sd_err
sd_ticket_related(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                  struct sd_ticket_list *out)
{
    struct dkey_cache kc = {0};
    struct sd_txn *t = NULL;
    sd_trec *r = NULL, *o = NULL;
    uint64_t *ids = NULL;
    size_t n = 0, cap = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_trec_load(t, id, &r));
    SD_TRY(sd_ticket_may_touch(a, r));
    SD_TRY(dkey_cache_get(d, t, &kc, r->data_key_id));
    if(!kc.shredded)
        SD_TRY(related_ids(d, t, r, kc.dk, &ids, &n));
    if(n)
        qsort(ids, n, sizeof(*ids), sd_cmp_u64);
    for(size_t i = 0; i < n; i++) {
        if(ids[i] == id || (i && ids[i] == ids[i - 1]))
            continue;
        if(out->n == SD_RELATED_MAX) {
            out->more = true;
            break;
        }
        rc = sd_trec_load(t, ids[i], &o);
        if(rc == SD_E_NOTFOUND) /* not expected: tickets are never deleted */
            continue;
        SD_TRY(rc);
        SD_TRY(sd_ticket_list_push(out, &cap, o));
        out->next = ids[i];
        SD_TRY(summarize(d, t, a, o, &kc, &out->items[out->n - 1]));
        sd_trec_free(o);
        o = NULL;
    }
    /* a lookup by the customer's identity: audited like Find (ids only, no PII) */
    SD_TRY(sd_desk_audit(d, t, a, "ticket.related", id, NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(err != SD_OK)
        sd_ticket_list_clear(out);
    free(ids);
    sd_trec_free(o);
    sd_trec_free(r);
    dkey_cache_clear(&kc);
    sd_txn_abort(t);
    return err;
}

void
sd_ticket_inbox_clear(struct sd_ticket_inbox *in)
{
    if(!in)
        return;
    sd_ticket_list_clear(&in->new_p1);
    sd_ticket_list_clear(&in->assigned);
    in->max_p1 = 0;
}

sd_err
sd_ticket_inbox(struct sd_desk *d, const struct sd_actor *a, uint64_t after_p1,
                struct sd_ticket_inbox *out)
{
    static const uint8_t open_status[] = {SD_ST_RECEIVED, SD_ST_IN_PROGRESS,
                                          SD_ST_WAITING_CUSTOMER};
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    sd_trec *r = NULL;
    struct sd_val k, v;
    uint8_t start[9];
    size_t cap_p1 = 0, cap_mine = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_BY_STATUS, &c));
    for(size_t s = 0; s < sizeof(open_status); s++) {
        start[0] = open_status[s];
        sd_put_u64be(start + 1, 0);
        k.p = start;
        k.n = sizeof(start);
        for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
            rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
            uint64_t id;

            if(k.n != 9 || k.p[0] != open_status[s])
                break;
            id = sd_get_u64be(k.p + 1);
            SD_TRY(sd_trec_load(t, id, &r));
            if(r->priority == 1 && id > out->max_p1)
                out->max_p1 = id;
            if(r->priority == 1 && id > after_p1 && out->new_p1.n < SD_MAX_LIST)
                SD_TRY(sd_ticket_list_push(&out->new_p1, &cap_p1, r));
            else if(r->priority == 1 && id > after_p1)
                out->new_p1.more = true;
            if(r->assignee[0] && strcmp(r->assignee, a->name) == 0) {
                if(out->assigned.n < SD_INBOX_MAX_ASSIGNED)
                    SD_TRY(sd_ticket_list_push(&out->assigned, &cap_mine, r));
                else
                    out->assigned.more = true;
            }
            sd_trec_free(r);
            r = NULL;
        }
        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    }
    sd_cursor_close(c);
    c = NULL;
    sd_txn_abort(t);
    t = NULL;
    /* oldest first; the statuses were visited one after another */
    if(out->new_p1.n)
        qsort(out->new_p1.items, out->new_p1.n, sizeof(out->new_p1.items[0]), cmp_ticket);
    if(out->assigned.n)
        qsort(out->assigned.items, out->assigned.n, sizeof(out->assigned.items[0]), cmp_ticket);
    while(out->new_p1.n > SD_INBOX_MAX_P1) {
        out->new_p1.more = true;
        sd_ticket_clear(&out->new_p1.items[--out->new_p1.n]);
    }
    SD_TRY(sd_ticket_list_summarize(d, a, &out->new_p1));
    SD_TRY(sd_ticket_list_summarize(d, a, &out->assigned));
out:
    if(err != SD_OK)
        sd_ticket_inbox_clear(out);
    sd_trec_free(r);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}
