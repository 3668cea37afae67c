/* Full-text search over tickets (issue #17 item 5): the query over the encrypted index
 * (src/search) filtered by status, category and the caller's object rule, audited; and the
 * index upkeep of the key operations (shred removes a ticket's postings, bidx-rotate writes
 * them again under the new key), which re-read the texts through the ticket's data key. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/desk_int.h"
#include "sealdesk/keystore.h"
#include "sealdesk/search.h"
#include "sealdesk/text.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"

/* The texts of a ticket as they were indexed: subject "\n" body (as sd_ticket_create_in), then
 * each comment and customer message on its own (as the comment and message acts). */
typedef sd_err (*text_fn)(void *ctx, const char *s, size_t n);

static sd_err
each_text(struct sd_txn *t, const sd_trec *r, const struct sd_dkey *dk, text_fn fn, void *ctx)
{
    struct sd_buf both = SD_BUF_INIT;
    struct sd_ticket ev;
    const uint8_t *p;
    size_t n;
    sd_err err = SD_OK;

    memset(&ev, 0, sizeof(ev));
    sd_trec_field(r, SD_F_SUBJECT, &p, &n);
    if(n)
        SD_TRY(sd_field_open(&both, dk, r->id, SD_F_SUBJECT, p, n));
    SD_TRY(sd_buf_append(&both, "\n", 1));
    sd_trec_field(r, SD_F_BODY, &p, &n);
    if(n)
        SD_TRY(sd_field_open(&both, dk, r->id, SD_F_BODY, p, n));
    SD_TRY(fn(ctx, (const char *)both.data, both.len));
    SD_TRY(sd_ticket_events_in(t, r, dk, &ev));
    for(size_t i = 0; i < ev.n_events; i++) {
        const struct sd_event *e = &ev.events[i];

        if(!e->has_body || (e->kind != SD_EV_COMMENT && e->kind != SD_EV_CUSTOMER_MESSAGE))
            continue;
        SD_TRY(fn(ctx, (const char *)e->body.data, e->body.len));
    }
out:
    sd_ticket_clear(&ev);
    sd_buf_wipe_free(&both);
    return err;
}

struct text_ctx {
    struct sd_desk *d;
    struct sd_txn *t;
    uint64_t id;
    struct sd_search_terms ts;
};

static sd_err
collect_text(void *vctx, const char *s, size_t n)
{
    struct text_ctx *c = vctx;

    return sd_search_terms_add(&c->ts, c->d->kr, s, n, NULL);
}

static sd_err
index_text(void *vctx, const char *s, size_t n)
{
    struct text_ctx *c = vctx;

    return sd_search_index_in(c->t, c->d->kr, c->id, s, n);
}

sd_err
sd_ticket_search_unindex_in(struct sd_desk *d, struct sd_txn *t, const sd_trec *r,
                            const struct sd_dkey *dk, uint64_t *removed)
{
    /* Every term of every text: more than one text's cap may have been indexed. */
    struct text_ctx c = {d, t, 0, {.max = SIZE_MAX}};
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && t && r && dk);
    c.id = r->id;
    SD_TRY(each_text(t, r, dk, collect_text, &c));
    SD_TRY(sd_search_del_in(t, r->id, &c.ts, removed));
out:
    sd_search_terms_clear(&c.ts);
    return err;
}

sd_err
sd_ticket_search_reindex_in(struct sd_desk *d, struct sd_txn *t, const sd_trec *r,
                            const struct sd_dkey *dk)
{
    struct text_ctx c = {d, t, 0, {0}};

    if(!d || !t || !r || !dk)
        return SD_E_INVALID;
    c.id = r->id;
    return each_text(t, r, dk, index_text, &c);
}

/* ---- the query ---- */

struct hit_ctx {
    struct sd_desk *d;
    struct sd_txn *t;
    const struct sd_actor *a;
    const struct sd_ticket_query *q;
    size_t limit, cap;
    struct sd_ticket_list *out;
    bool more; /* a visible hit past the limit exists */
};

static sd_err
push(struct hit_ctx *c, const sd_trec *r)
{
    struct sd_ticket *it;
    struct sd_dkey *dk = NULL;
    const uint8_t *p;
    size_t n;
    sd_err err = SD_OK;
    sd_err rc;

    if(c->out->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        struct sd_ticket *items = realloc(c->out->items, ncap * sizeof(*items));

        SD_ENSURE(items, SD_E_NOMEM);
        c->out->items = items;
        c->cap = ncap;
    }
    it = &c->out->items[c->out->n++];
    memset(it, 0, sizeof(*it));
    sd_trec_meta(it, r);
    /* The subject, as sd_ticket_get shows it (redacted of secrets on intake). */
    sd_trec_field(r, SD_F_SUBJECT, &p, &n);
    if(!n)
        goto out;
    rc = sd_keys_dkey_open(c->t, c->d->kr, r->data_key_id, &dk);
    if(rc == SD_E_SHREDDED) {
        it->shredded = true;
        goto out;
    }
    SD_TRY(rc);
    SD_TRY(sd_field_open(&it->field[SD_F_SUBJECT], dk, r->id, SD_F_SUBJECT, p, n));
    SD_TRY(sd_buf_terminate(&it->field[SD_F_SUBJECT]));
    it->has[SD_F_SUBJECT] = true;
out:
    sd_dkey_free(dk);
    return err;
}

static sd_err
on_hit(void *vctx, uint64_t id, bool *stop)
{
    struct hit_ctx *c = vctx;
    sd_trec *r = NULL;
    sd_err err = SD_OK;
    sd_err rc;

    rc = sd_trec_load(c->t, id, &r);
    if(rc == SD_E_NOTFOUND)
        goto out; /* a posting without its ticket: nothing to show */
    SD_TRY(rc);
    if(c->q->status && (int)r->status != c->q->status)
        goto out;
    if(c->q->category >= 0 && (int)r->category != c->q->category)
        goto out;
    if(sd_ticket_may_touch(c->a, r) != SD_OK)
        goto out; /* the caller's access rules, as Tickets/Get */
    if(c->out->n == c->limit) {
        /* One visible hit past the limit: there is more to show (nothing of it is read). Hits
         * the caller may not see never count here, so `more` says nothing about them. */
        c->more = true;
        *stop = true;
        goto out;
    }
    SD_TRY(push(c, r));
out:
    sd_trec_free(r);
    return err;
}

sd_err
sd_ticket_search(struct sd_desk *d, const struct sd_actor *a, const struct sd_ticket_query *q,
                 struct sd_ticket_list *out, bool *truncated)
{
    struct hit_ctx c = {0};
    struct sd_txn *t = NULL;
    uint8_t digest[32];
    char target[48];
    size_t n;
    bool more = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && q && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_CHECK_ARG(q->text);
    n = strnlen(q->text, SD_SEARCH_QUERY_MAX + 1);
    SD_ENSURE(n <= SD_SEARCH_QUERY_MAX, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(q->text, n));
    SD_CHECK_ARG(q->status >= 0 && q->status < SD_ST_COUNT);
    SD_CHECK_ARG(q->category >= -1 && q->category < SD_CAT_COUNT);
    SD_CHECK_ARG(q->limit <= SD_SEARCH_LIMIT_MAX);
    c = (struct hit_ctx){d, NULL, a, q, q->limit ? q->limit : SD_SEARCH_LIMIT, 0, out, false};
    /* The scan reads a snapshot: up to SD_SEARCH_SCAN_MAX candidates must not hold the store's
     * one write lock (every create and comment would wait for it, and any agent can search).
     * The audit entry follows in its own write txn; no hit is handed out before it commits. */
    SD_TRY(sd_txn_begin(d->store, false, &t));
    c.t = t;
    SD_TRY(sd_search_query_in(t, d->kr, q->text, n, 0, on_hit, &c, &more, digest));
    sd_txn_abort(t);
    t = NULL;
    c.t = NULL;
    /* No query text in the log: a keyed digest of its terms and the number of hits. */
    snprintf(target, sizeof(target), "hits:%zu", out->n);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    {
        struct sd_audit_rec ar = {.actor = a->name,
                                  .action = "ticket.search",
                                  .target = target,
                                  .request_id = a->request_id,
                                  .digest = digest};

        SD_TRY(sd_audit_append(t, d->kr, &ar, NULL));
    }
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(truncated)
        *truncated = more || c.more;
out:
    if(err != SD_OK)
        sd_ticket_list_clear(out);
    sd_txn_abort(t);
    return err;
}
