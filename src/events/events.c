/* The back-office event feed (events.h): append inside the change's txn, cursor-paged reads
 * that decrypt the instruction's destination, durable per-consumer acknowledgements. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "channels.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/events.h"
#include "sealdesk/keystore.h"
#include "sealdesk/text.h"
#include "tickets/desk_int.h"
#include "util/err_int.h"

#define PFX_EVENT 'e'
#define PFX_ACK   'a'
#define META_LAST "feed_last"

static const char *const kind_names[] = {
    [SD_FEED_REMEDY_EXECUTED] = "remedy_executed",
    [SD_FEED_FREEZE] = "freeze",
    [SD_FEED_UNFREEZE] = "unfreeze",
    [SD_FEED_SHRED_REQUESTED] = "shred_requested",
};

const char *
sd_feed_kind_name(enum sd_feed_kind k)
{
    return k >= SD_FEED_REMEDY_EXECUTED && k < SD_FEED_KIND_COUNT ? kind_names[k] : "unknown";
}

void
sd_feed_page_clear(struct sd_feed_page *p)
{
    if(!p)
        return;
    if(p->events) {
        sodium_memzero(p->events, p->n * sizeof(*p->events));
        free(p->events);
    }
    memset(p, 0, sizeof(*p));
}

static void
ekey(uint8_t k[9], uint64_t off)
{
    k[0] = PFX_EVENT;
    sd_put_u64be(k + 1, off);
}

sd_err
sd_events_append_in(struct sd_txn *t, const struct sd_actor *a, const struct sd_feed_new *e,
                    uint64_t *offset)
{
    Sealdesk__V1__FeedEvent m = SEALDESK__V1__FEED_EVENT__INIT;
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[9];
    size_t n;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && e && sd_txn_is_write(t));
    SD_TRY(sd_actor_check(a));
    SD_CHECK_ARG(e->kind >= SD_FEED_REMEDY_EXECUTED && e->kind < SD_FEED_KIND_COUNT);
    n = e->detail ? strnlen(e->detail, SD_EVENTS_DETAIL_MAX + 1) : 0;
    SD_ENSURE(n <= SD_EVENTS_DETAIL_MAX, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(e->detail ? e->detail : "", n));
    SD_ENSURE(e->sealed_len <= SD_EVENTS_SEALED_MAX, SD_E_LIMIT);
    SD_CHECK_ARG(!e->sealed_len || e->sealed);
    SD_TRY(sd_meta_next(t, META_LAST, &m.offset));
    m.at = sd_clock_now();
    m.kind = (uint32_t)e->kind;
    m.actor = (char *)a->name;
    m.ticket_id = e->ticket_id;
    m.ref_id = e->ref_id;
    if(e->customer_bidx) {
        m.customer_bidx.data = (uint8_t *)e->customer_bidx;
        m.customer_bidx.len = SD_BIDX_BYTES;
    }
    m.detail = (char *)(e->detail ? e->detail : "");
    m.sealed.data = (uint8_t *)e->sealed;
    m.sealed.len = e->sealed_len;
    m.seal_id = e->seal_id;
    m.seal_field = e->seal_field;
    SD_TRY(sd_buf_reserve(&enc, sealdesk__v1__feed_event__get_packed_size(&m)));
    enc.len = sealdesk__v1__feed_event__pack(&m, enc.data);
    ekey(k, m.offset);
    /* Offsets only grow: append, and a second writer of the same offset is impossible. */
    SD_TRY(sd_txn_append(t, SD_DB_FEED, k, sizeof(k), enc.data, enc.len));
    if(offset)
        *offset = m.offset;
out:
    sd_buf_free(&enc);
    return err;
}

static bool
consumer_ok(const char *c)
{
    return sd_agent_name_ok(c);
}

static sd_err
ack_get(struct sd_txn *t, const char *consumer, uint64_t *acked)
{
    uint8_t k[1 + SD_MAX_AGENT];
    size_t n = strlen(consumer);
    struct sd_val v;
    sd_err err;

    *acked = 0;
    k[0] = PFX_ACK;
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): a table key, not a string
    memcpy(k + 1, consumer, n);
    err = sd_txn_get(t, SD_DB_FEED, k, 1 + n, &v);
    if(err == SD_E_NOTFOUND)
        return SD_OK;
    if(err != SD_OK)
        return err;
    if(v.n != 8)
        return SD_E_STORE;
    *acked = sd_get_u64be(v.p);
    return SD_OK;
}

/* Decode one stored event into out; its sealed destination is opened with its data key. */
static sd_err
decode(struct sd_desk *d, struct sd_txn *t, const struct sd_val *v, uint64_t off,
       struct sd_feed_event *out)
{
    Sealdesk__V1__FeedEvent *m = sealdesk__v1__feed_event__unpack(NULL, v->n, v->p);
    struct sd_dkey *dk = NULL;
    struct sd_buf plain = SD_BUF_INIT;
    uint64_t dkid;
    sd_err err = SD_OK;
    sd_err rc;

    memset(out, 0, sizeof(*out));
    SD_ENSURE(m && m->offset == off, SD_E_STORE);
    SD_ENSURE(m->kind >= SD_FEED_REMEDY_EXECUTED && m->kind < SD_FEED_KIND_COUNT, SD_E_STORE);
    out->offset = m->offset;
    out->at = m->at;
    out->kind = (enum sd_feed_kind)m->kind;
    snprintf(out->actor, sizeof(out->actor), "%s", m->actor ? m->actor : "");
    out->ticket_id = m->ticket_id;
    out->ref_id = m->ref_id;
    if(m->customer_bidx.len == SD_BIDX_BYTES)
        sd_hex_encode(out->customer, m->customer_bidx.data, SD_BIDX_BYTES);
    snprintf(out->detail, sizeof(out->detail), "%s", m->detail ? m->detail : "");
    if(m->sealed.len) {
        out->has_uid = true;
        SD_TRY(sd_field_key_id(&dkid, m->sealed.data, m->sealed.len));
        rc = sd_keys_dkey_open(t, d->kr, dkid, &dk);
        if(rc == SD_E_SHREDDED) {
            out->shredded = true;
            goto out;
        }
        SD_TRY(rc);
        SD_TRY(sd_field_open(&plain, dk, m->seal_id, m->seal_field, m->sealed.data, m->sealed.len));
        SD_ENSURE(plain.len <= SD_MAX_UID, SD_E_STORE);
        memcpy(out->uid, plain.data, plain.len);
        out->uid[plain.len] = 0;
    }
out:
    if(m)
        sealdesk__v1__feed_event__free_unpacked(m, NULL);
    sd_dkey_free(dk);
    sd_buf_wipe_free(&plain);
    return err;
}

sd_err
sd_events_read_consumer(struct sd_desk *d, const struct sd_actor *a, const char *consumer,
                        uint64_t from_offset, size_t max, struct sd_feed_page *out)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint8_t kb[9];
    char target[64];
    uint64_t from;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_ENSURE(sd_policy_allows(a->roles, SD_OP_EVENTS_READ), SD_E_DENIED);
    if(!consumer || !consumer[0])
        consumer = a->name;
    SD_CHECK_ARG(consumer_ok(consumer));
    SD_ENSURE(max <= SD_EVENTS_PAGE_MAX, SD_E_LIMIT);
    if(!max)
        max = SD_EVENTS_PAGE_DEFAULT;
    out->events = calloc(max, sizeof(*out->events));
    SD_ENSURE(out->events, SD_E_NOMEM);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(ack_get(t, consumer, &out->acked));
    from = from_offset == SD_EVENTS_FROM_ACKED ? out->acked + 1 : from_offset;
    out->next_offset = from;
    SD_TRY(sd_cursor_open(t, SD_DB_FEED, &c));
    ekey(kb, from);
    k.p = kb;
    k.n = sizeof(kb);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        uint64_t off;

        if(k.n != 9 || k.p[0] != PFX_EVENT)
            break;
        off = sd_get_u64be(k.p + 1);
        if(out->n == max) {
            out->more = true;
            break;
        }
        SD_TRY(decode(d, t, &v, off, &out->events[out->n]));
        out->n++;
        out->next_offset = off + 1;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    if(out->n)
        snprintf(target, sizeof(target), "feed:%" PRIu64 "-%" PRIu64, out->events[0].offset,
                 out->events[out->n - 1].offset);
    else
        snprintf(target, sizeof(target), "feed:%" PRIu64 "-", from);
    {
        struct sd_audit_rec r = {.actor = a->name,
                                 .action = "events.read",
                                 .target = target,
                                 .request_id = a->request_id};

        SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
    }
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_cursor_close(c);
    sd_txn_abort(t);
    if(err != SD_OK)
        sd_feed_page_clear(out);
    return err;
}

sd_err
sd_events_read(struct sd_desk *d, const struct sd_actor *a, uint64_t from_offset, size_t max,
               struct sd_feed_page *out)
{
    return sd_events_read_consumer(d, a, NULL, from_offset, max, out);
}

sd_err
sd_events_ack(struct sd_desk *d, const struct sd_actor *a, const char *consumer, uint64_t offset)
{
    struct sd_txn *t = NULL;
    uint8_t k[1 + SD_MAX_AGENT], vb[8], digest[32];
    char target[16 + SD_MAX_AGENT];
    uint64_t acked, last;
    size_t n;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d);
    SD_TRY(sd_actor_check(a));
    SD_ENSURE(sd_policy_allows(a->roles, SD_OP_EVENTS_ACK), SD_E_DENIED);
    if(!consumer || !consumer[0])
        consumer = a->name;
    SD_CHECK_ARG(consumer_ok(consumer));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_meta_get_u64(t, META_LAST, &last));
    SD_CHECK_ARG(offset <= last);
    SD_TRY(ack_get(t, consumer, &acked));
    SD_ENSURE(offset >= acked, SD_E_PRECONDITION);
    if(offset == acked)
        goto out; /* idempotent: nothing changes */
    n = strlen(consumer);
    k[0] = PFX_ACK;
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): a table key, not a string
    memcpy(k + 1, consumer, n);
    sd_put_u64be(vb, offset);
    SD_TRY(sd_txn_put(t, SD_DB_FEED, k, 1 + n, vb, sizeof(vb)));
    sd_sha256(digest, vb, sizeof(vb));
    snprintf(target, sizeof(target), "feed:%s", consumer);
    {
        char reason[48];
        struct sd_audit_rec r = {.actor = a->name,
                                 .action = "events.ack",
                                 .target = target,
                                 .request_id = a->request_id,
                                 .reason = reason,
                                 .digest = digest};

        snprintf(reason, sizeof(reason), "offset=%" PRIu64, offset);
        SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
    }
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_events_position(struct sd_desk *d, const char *consumer, uint64_t *acked, uint64_t *last)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && consumer_ok(consumer) && acked && last);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(ack_get(t, consumer, acked));
    SD_TRY(sd_meta_get_u64(t, META_LAST, last));
out:
    sd_txn_abort(t);
    return err;
}
