/* TicketRecord persistence and its secondary indexes (queue, by_status, by_assignee), plus
 * timeline events. The only place that knows how a ticket maps onto tables. */
#include <string.h>

#include "tickets/desk_int.h"
#include "sealdesk/clock.h"
#include "sealdesk/lang.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"

#define TREC_MAX (1024 * 1024)

sd_err
sd_trec_load(struct sd_txn *t, uint64_t id, sd_trec **out)
{
    uint8_t k[8];
    struct sd_val v;
    sd_err err;

    sd_put_u64be(k, id);
    err = sd_txn_get(t, SD_DB_TICKETS, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    *out = sealdesk__v1__ticket_record__unpack(NULL, v.n, v.p);
    if(!*out)
        return SD_E_STORE;
    if((*out)->id != id)
        return SD_E_STORE;
    return SD_OK;
}

void
sd_trec_free(sd_trec *r)
{
    if(r)
        sealdesk__v1__ticket_record__free_unpacked(r, NULL);
}

/* Pack and put r; a new ticket has the greatest id, so it is appended (full pages). */
static sd_err
trec_put(struct sd_txn *t, sd_trec *r, uint8_t digest[32], bool is_new)
{
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[8];
    size_t n;
    sd_err err = SD_OK;

    n = sealdesk__v1__ticket_record__get_packed_size(r);
    SD_ENSURE(n <= TREC_MAX, SD_E_LIMIT);
    SD_TRY(sd_buf_reserve(&enc, n));
    enc.len = sealdesk__v1__ticket_record__pack(r, enc.data);
    sd_put_u64be(k, r->id);
    if(is_new)
        SD_TRY(sd_txn_append(t, SD_DB_TICKETS, k, sizeof(k), enc.data, enc.len));
    else
        SD_TRY(sd_txn_put(t, SD_DB_TICKETS, k, sizeof(k), enc.data, enc.len));
    if(digest)
        sd_sha256(digest, enc.data, enc.len);
out:
    sd_buf_free(&enc);
    return err;
}

sd_err
sd_trec_store(struct sd_txn *t, sd_trec *r, uint8_t digest[32])
{
    return trec_put(t, r, digest, false);
}

sd_err
sd_trec_store_new(struct sd_txn *t, sd_trec *r, uint8_t digest[32])
{
    return trec_put(t, r, digest, true);
}

static void
queue_key(uint8_t k[17], const sd_trec *r)
{
    k[0] = (uint8_t)r->priority;
    sd_put_u64be(k + 1, r->sla_first_response_due);
    sd_put_u64be(k + 9, r->id);
}

static void
status_key(uint8_t k[9], const sd_trec *r)
{
    k[0] = (uint8_t)r->status;
    sd_put_u64be(k + 1, r->id);
}

static bool
queued(const sd_trec *r)
{
    return r->status == SD_ST_RECEIVED && r->assignee[0] == 0;
}

sd_err
sd_trec_unindex(struct sd_txn *t, const sd_trec *r)
{
    uint8_t qk[17], sk[9], id[8];
    sd_err err = SD_OK;

    status_key(sk, r);
    SD_TRY(sd_txn_del(t, SD_DB_BY_STATUS, sk, sizeof(sk), NULL, 0));
    if(queued(r)) {
        queue_key(qk, r);
        SD_TRY(sd_txn_del(t, SD_DB_QUEUE, qk, sizeof(qk), NULL, 0));
    }
    if(r->assignee[0]) {
        sd_put_u64be(id, r->id);
        SD_TRY(sd_txn_del(t, SD_DB_BY_ASSIGNEE, r->assignee, strlen(r->assignee), id, sizeof(id)));
    }
out:
    return err;
}

void
sd_queue_val(uint8_t v[SD_QUEUE_VAL_BYTES], const sd_trec *r)
{
    v[0] = 1; /* layout version */
    v[1] = (uint8_t)(r->category < SD_CAT_COUNT ? r->category : SD_CAT_GENERAL);
    v[2] = sd_lang_code(r->lang);
    v[3] = r->vip ? 1 : 0;
    sd_put_u64be(v + 4, r->created_at);
}

bool
sd_queue_val_read(const uint8_t *v, size_t n, struct sd_queue_facts *f)
{
    if(n != SD_QUEUE_VAL_BYTES || v[0] != 1 || v[1] >= SD_CAT_COUNT || v[2] > 4 || v[3] > 1)
        return false;
    f->category = (enum sd_category)v[1];
    f->lang = sd_lang_of_code(v[2]);
    f->vip = v[3] != 0;
    f->created_at = sd_get_u64be(v + 4);
    return true;
}

static sd_err
trec_index(struct sd_txn *t, const sd_trec *r,
           sd_err (*put)(struct sd_txn *, enum sd_db, const void *, size_t, const void *, size_t))
{
    uint8_t qk[17], qv[SD_QUEUE_VAL_BYTES], sk[9], id[8];
    sd_err err = SD_OK;

    status_key(sk, r);
    SD_TRY(put(t, SD_DB_BY_STATUS, sk, sizeof(sk), "", 0));
    if(queued(r)) {
        queue_key(qk, r);
        sd_queue_val(qv, r);
        SD_TRY(put(t, SD_DB_QUEUE, qk, sizeof(qk), qv, sizeof(qv)));
    }
    if(r->assignee[0]) {
        sd_put_u64be(id, r->id);
        SD_TRY(put(t, SD_DB_BY_ASSIGNEE, r->assignee, strlen(r->assignee), id, sizeof(id)));
    }
out:
    return err;
}

sd_err
sd_trec_index(struct sd_txn *t, const sd_trec *r)
{
    return trec_index(t, r, sd_txn_put);
}

sd_err
sd_trec_index_new(struct sd_txn *t, const sd_trec *r)
{
    return trec_index(t, r, sd_txn_put_late);
}

bool
sd_trec_ix_of(struct sd_trec_ix *ix, const sd_trec *r)
{
    size_t an = strnlen(r->assignee, sizeof(ix->assignee)); /* "" when none (as queued) */

    if(an >= sizeof(ix->assignee))
        return false;
    memset(ix, 0, sizeof(*ix));
    status_key(ix->sk, r);
    ix->queued = queued(r);
    if(ix->queued) {
        queue_key(ix->qk, r);
        sd_queue_val(ix->qv, r);
    }
    memcpy(ix->assignee, r->assignee, an);
    return true;
}

/* Remove the index entries old of ticket id. */
static sd_err
unindex_ix(struct sd_txn *t, const struct sd_trec_ix *old, uint64_t id)
{
    uint8_t idb[8];
    sd_err err = SD_OK;

    SD_TRY(sd_txn_del(t, SD_DB_BY_STATUS, old->sk, sizeof(old->sk), NULL, 0));
    if(old->queued)
        SD_TRY(sd_txn_del(t, SD_DB_QUEUE, old->qk, sizeof(old->qk), NULL, 0));
    if(old->assignee[0]) {
        sd_put_u64be(idb, id);
        SD_TRY(sd_txn_del(t, SD_DB_BY_ASSIGNEE, old->assignee, strlen(old->assignee), idb,
                          sizeof(idb)));
    }
out:
    return err;
}

sd_err
sd_trec_reindex(struct sd_txn *t, const struct sd_trec_ix *old, const sd_trec *r)
{
    struct sd_trec_ix now;
    uint8_t id[8];
    sd_err err = SD_OK;

    if(!sd_trec_ix_of(&now, r)) { /* (an assignee is a user name: it fits) */
        SD_TRY(unindex_ix(t, old, r->id));
        return sd_trec_index(t, r);
    }
    if(memcmp(old->sk, now.sk, sizeof(now.sk)) != 0) {
        SD_TRY(sd_txn_del(t, SD_DB_BY_STATUS, old->sk, sizeof(old->sk), NULL, 0));
        SD_TRY(sd_txn_put(t, SD_DB_BY_STATUS, now.sk, sizeof(now.sk), "", 0));
    }
    if(old->queued != now.queued || memcmp(old->qk, now.qk, sizeof(now.qk)) != 0 ||
       memcmp(old->qv, now.qv, sizeof(now.qv)) != 0) {
        if(old->queued)
            SD_TRY(sd_txn_del(t, SD_DB_QUEUE, old->qk, sizeof(old->qk), NULL, 0));
        if(now.queued)
            SD_TRY(sd_txn_put(t, SD_DB_QUEUE, now.qk, sizeof(now.qk), now.qv, sizeof(now.qv)));
    }
    if(strcmp(old->assignee, now.assignee) != 0) {
        sd_put_u64be(id, r->id);
        if(old->assignee[0])
            SD_TRY(sd_txn_del(t, SD_DB_BY_ASSIGNEE, old->assignee, strlen(old->assignee), id,
                              sizeof(id)));
        if(now.assignee[0])
            SD_TRY(sd_txn_put(t, SD_DB_BY_ASSIGNEE, now.assignee, strlen(now.assignee), id,
                              sizeof(id)));
    }
out:
    return err;
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strnlen(src, cap - 1) : 0;

    memcpy(dst, src ? src : "", n);
    dst[n] = 0;
}

void
sd_trec_meta(struct sd_ticket *out, const sd_trec *r)
{
    out->id = r->id;
    out->created_at = r->created_at;
    out->updated_at = r->updated_at;
    out->claimed_at = r->claimed_at;
    out->first_response_at = r->first_response_at;
    out->resolved_at = r->resolved_at;
    out->archived_at = r->archived_at;
    out->sla_first_response_due = r->sla_first_response_due;
    out->sla_resolution_due = r->sla_resolution_due;
    out->channel = (enum sd_channel)r->channel;
    out->category = (enum sd_category)r->category;
    out->priority = (int)r->priority;
    out->status = (enum sd_status)r->status;
    copy_str(out->assignee, sizeof(out->assignee), r->assignee);
    out->vip = r->vip;
    out->csat = r->csat;
    out->redaction_flags = r->redaction_flags;
    out->reopen_count = r->reopen_count;
    out->n_signals = 0;
    for(size_t i = 0; i < r->n_signals && i < SD_TRIAGE_MAX_SIGNALS; i++)
        copy_str(out->signals[out->n_signals++], sizeof(out->signals[0]), r->signals[i]);
    copy_str(out->lang, sizeof(out->lang), r->lang);
    out->n_suggested = 0;
    for(size_t i = 0; i < r->n_suggested_articles && i < SD_MAX_SUGGESTED; i++)
        out->suggested[out->n_suggested++] = r->suggested_articles[i];
}

sd_err
sd_event_add(struct sd_txn *t, sd_trec *r, const char *actor, enum sd_event_kind kind, int from,
             int to, const struct sd_buf *sealed_body, bool internal, const char *detail)
{
    Sealdesk__V1__EventRecord e = SEALDESK__V1__EVENT_RECORD__INIT;
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[12];
    sd_err err = SD_OK;

    e.ticket_id = r->id;
    e.seq = r->next_event_seq;
    e.at = r->updated_at;
    e.actor = (char *)actor;
    e.kind = (uint32_t)kind;
    e.from_status = (uint32_t)from;
    e.to_status = (uint32_t)to;
    if(sealed_body) {
        e.body.data = sealed_body->data;
        e.body.len = sealed_body->len;
    }
    e.internal = internal;
    e.detail = (char *)(detail ? detail : "");
    SD_TRY(sd_buf_reserve(&enc, sealdesk__v1__event_record__get_packed_size(&e)));
    enc.len = sealdesk__v1__event_record__pack(&e, enc.data);
    sd_put_u64be(k, r->id);
    sd_put_u32be(k + 8, e.seq);
    SD_TRY(sd_txn_put_new(t, SD_DB_EVENTS, k, sizeof(k), enc.data, enc.len));
    SD_ENSURE(r->next_event_seq < UINT32_MAX, SD_E_LIMIT);
    r->next_event_seq++;
out:
    sd_buf_free(&enc);
    return err;
}

sd_err
sd_ticket_event_in(struct sd_txn *t, uint64_t ticket, const char *actor, enum sd_event_kind kind,
                   const char *detail)
{
    sd_trec *r = NULL;
    uint8_t digest[32];
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && actor && kind >= SD_EV_CREATED && kind < SD_EV_COUNT);
    SD_TRY(sd_trec_load(t, ticket, &r));
    /* updated_at is in no index key: the record can be stored back without re-indexing. */
    r->updated_at = sd_clock_now();
    SD_TRY(sd_event_add(t, r, actor, kind, 0, 0, NULL, false, detail));
    SD_TRY(sd_trec_store(t, r, digest));
out:
    sd_trec_free(r);
    return err;
}

static ProtobufCBinaryData *
field_slot(sd_trec *r, enum sd_field f)
{
    switch(f) {
    case SD_F_CUSTOMER_NAME:
        return &r->customer_name;
    case SD_F_CUSTOMER_EMAIL:
        return &r->customer_email;
    case SD_F_CUSTOMER_PHONE:
        return &r->customer_phone;
    case SD_F_CUSTOMER_UID:
        return &r->customer_uid;
    case SD_F_NATIONAL_ID:
        return &r->national_id;
    case SD_F_WALLETS:
        return &r->wallets;
    case SD_F_IP_ADDRESS:
        return &r->ip_address;
    case SD_F_SUBJECT:
        return &r->subject;
    case SD_F_BODY:
        return &r->body;
    default:
        return NULL;
    }
}

void
sd_trec_field(const sd_trec *r, enum sd_field f, const uint8_t **p, size_t *n)
{
    ProtobufCBinaryData *b = field_slot((sd_trec *)r, f);

    *p = b ? b->data : NULL;
    *n = b ? b->len : 0;
}

void
sd_trec_set_field(sd_trec *r, enum sd_field f, uint8_t *p, size_t n)
{
    ProtobufCBinaryData *b = field_slot(r, f);

    if(b) {
        b->data = p;
        b->len = n;
    }
}
