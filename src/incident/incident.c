/* Incidents: IncidentRecord ('i'|id) and link keys ('l'|id|ticket, value 'S' suggested or
 * 'C' confirmed) in SD_DB_INCIDENTS, the auto-link hook run by sd_ticket_create inside its
 * txn (whole-word / whole-term matching after sd_text_fold, category respected, links only
 * suggested), and the batch update/resolve that post one reply on (or resolve) every
 * confirmed linked open ticket in one write txn through ticket.c's mutation shape. Every link
 * change also lands on the ticket's timeline (SD_EV_INCIDENT). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk.pb-c.h"
#include "incident_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/enum.h"
#include "sealdesk/text.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"

#define INC_REC_MAX (64 * 1024)

static const char *const status_names[] = {[SD_INC_OPEN] = "open", [SD_INC_RESOLVED] = "resolved"};

const char *
sd_incident_status_name(enum sd_incident_status s)
{
    return sd_enum_name(status_names, SD_ENUM_N(status_names), (int)s);
}

static void
inc_key(uint8_t k[9], uint64_t id)
{
    k[0] = 'i';
    sd_put_u64be(k + 1, id);
}

static void
link_key(uint8_t k[17], uint64_t id, uint64_t ticket)
{
    k[0] = 'l';
    sd_put_u64be(k + 1, id);
    sd_put_u64be(k + 9, ticket);
}

static sd_err
inc_from_pb(const Sealdesk__V1__IncidentRecord *pb, struct sd_incident *o)
{
    memset(o, 0, sizeof(*o));
    if(pb->n_match > SD_INC_MAX_TERMS || strlen(pb->title) > SD_INC_MAX_TITLE ||
       strlen(pb->opened_by) > SD_MAX_AGENT || pb->category >= SD_CAT_COUNT)
        return SD_E_STORE;
    o->id = pb->id;
    snprintf(o->title, sizeof(o->title), "%s", pb->title);
    o->category = (enum sd_category)pb->category;
    o->any_category = pb->any_category;
    for(size_t i = 0; i < pb->n_match; i++) {
        if(strlen(pb->match[i]) > SD_INC_MAX_TERM)
            return SD_E_STORE;
        snprintf(o->match[i], sizeof(o->match[i]), "%s", pb->match[i]);
    }
    o->n_match = pb->n_match;
    o->status = (enum sd_incident_status)pb->status;
    o->created_at = pb->created_at;
    o->resolved_at = pb->resolved_at;
    snprintf(o->opened_by, sizeof(o->opened_by), "%s", pb->opened_by);
    o->updates = pb->updates;
    o->linked = pb->linked;
    return SD_OK;
}

static sd_err
inc_load(struct sd_txn *t, uint64_t id, struct sd_incident *o)
{
    Sealdesk__V1__IncidentRecord *pb;
    struct sd_val v;
    uint8_t k[9];
    sd_err err;

    inc_key(k, id);
    err = sd_txn_get(t, SD_DB_INCIDENTS, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    pb = sealdesk__v1__incident_record__unpack(NULL, v.n, v.p);
    if(!pb)
        return SD_E_STORE;
    err = inc_from_pb(pb, o);
    sealdesk__v1__incident_record__free_unpacked(pb, NULL);
    return err;
}

/* Store o; digest gets SHA-256 of the stored bytes. */
static sd_err
inc_store(struct sd_txn *t, const struct sd_incident *o, uint8_t digest[32])
{
    Sealdesk__V1__IncidentRecord pb = SEALDESK__V1__INCIDENT_RECORD__INIT;
    char *terms[SD_INC_MAX_TERMS];
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[9];
    size_t n;
    sd_err err = SD_OK;

    pb.id = o->id;
    pb.title = (char *)o->title;
    pb.category = (uint32_t)o->category;
    pb.any_category = o->any_category;
    for(size_t i = 0; i < o->n_match; i++)
        terms[i] = (char *)o->match[i];
    pb.match = terms;
    pb.n_match = o->n_match;
    pb.status = (uint32_t)o->status;
    pb.created_at = o->created_at;
    pb.resolved_at = o->resolved_at;
    pb.opened_by = (char *)o->opened_by;
    pb.updates = o->updates;
    pb.linked = o->linked;
    n = sealdesk__v1__incident_record__get_packed_size(&pb);
    SD_ENSURE(n <= INC_REC_MAX, SD_E_LIMIT);
    SD_TRY(sd_buf_reserve(&enc, n));
    enc.len = sealdesk__v1__incident_record__pack(&pb, enc.data);
    sd_sha256(digest, enc.data, enc.len);
    inc_key(k, o->id);
    SD_TRY(sd_txn_put(t, SD_DB_INCIDENTS, k, sizeof(k), enc.data, enc.len));
out:
    sd_buf_free(&enc);
    return err;
}

static sd_err
inc_audit(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const char *action,
          uint64_t id, const uint8_t *digest, const char *reason)
{
    struct sd_audit_rec r = {0};
    char target[32];

    snprintf(target, sizeof(target), "incident:%" PRIu64, id);
    r.actor = a->name;
    r.action = action;
    r.target = target;
    r.request_id = a->request_id;
    r.reason = reason;
    r.digest = digest;
    return sd_audit_append(t, d->kr, &r, NULL);
}

/* Fold the comma-separated terms of match into o->match. */
static sd_err
parse_terms(const char *match, struct sd_incident *o)
{
    struct sd_buf f = SD_BUF_INIT;
    size_t len, i = 0;
    sd_err err = SD_OK;

    o->n_match = 0;
    if(!match)
        goto out;
    len = strnlen(match, SD_INC_MAX_MATCH + 1);
    SD_ENSURE(len <= SD_INC_MAX_MATCH, SD_E_LIMIT);
    while(i < len) {
        size_t e = i, b, z;

        while(e < len && match[e] != ',')
            e++;
        for(b = i; b < e && match[b] == ' '; b++)
            ;
        for(z = e; z > b && match[z - 1] == ' '; z--)
            ;
        if(z > b) {
            SD_ENSURE(o->n_match < SD_INC_MAX_TERMS, SD_E_LIMIT);
            f.len = 0;
            SD_TRY(sd_text_fold(&f, match + b, z - b));
            SD_ENSURE(f.len >= 2, SD_E_INVALID);
            SD_ENSURE(f.len <= SD_INC_MAX_TERM, SD_E_LIMIT);
            memcpy(o->match[o->n_match], f.data, f.len);
            o->match[o->n_match][f.len] = 0;
            o->n_match++;
        }
        i = e + 1;
    }
out:
    sd_buf_free(&f);
    return err;
}

sd_err
sd_incident_open(struct sd_desk *d, const struct sd_actor *a, const char *title, int category,
                 const char *match, struct sd_incident *out)
{
    struct sd_incident o;
    struct sd_txn *t = NULL;
    uint8_t digest[32];
    size_t n;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out && title && category >= -1 && category < SD_CAT_COUNT);
    SD_TRY(sd_actor_check(a));
    n = strnlen(title, SD_INC_MAX_TITLE + 1);
    SD_ENSURE(n <= SD_INC_MAX_TITLE, SD_E_LIMIT);
    SD_CHECK_ARG(n > 0 && sd_text_valid(title, n));
    memset(&o, 0, sizeof(o));
    SD_TRY(parse_terms(match, &o));
    memcpy(o.title, title, n);
    o.any_category = category < 0;
    o.category = category < 0 ? SD_CAT_GENERAL : (enum sd_category)category;
    o.status = SD_INC_OPEN;
    o.created_at = sd_clock_now();
    snprintf(o.opened_by, sizeof(o.opened_by), "%s", a->name);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_meta_next(t, "next_incident", &o.id));
    SD_TRY(inc_store(t, &o, digest));
    SD_TRY(inc_audit(d, t, a, "incident.open", o.id, digest, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    *out = o;
out:
    sd_txn_abort(t);
    return err;
}

#define LINK_SUGGESTED 'S'
#define LINK_CONFIRMED 'C'

/* State of link (id, ticket): SD_OK with *confirmed, SD_E_NOTFOUND when not linked. */
static sd_err
link_state(struct sd_txn *t, uint64_t id, uint64_t ticket, bool *confirmed)
{
    struct sd_val v;
    uint8_t k[17];
    sd_err err;

    link_key(k, id, ticket);
    err = sd_txn_get(t, SD_DB_INCIDENTS, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    /* Empty: written before confirmation existed; treated as suggested (never posted to). */
    *confirmed = v.n == 1 && ((const uint8_t *)v.p)[0] == LINK_CONFIRMED;
    return SD_OK;
}

/* Audit one link change of incident o (already stored with digest) and put it on the
 * ticket's timeline: "VERB incident=ID[ suggested]". */
static sd_err
link_record(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
            const struct sd_incident *o, uint64_t ticket, const char *action, const char *verb,
            bool suggested, const uint8_t digest[32])
{
    char reason[32], detail[64];
    sd_err err = SD_OK;

    snprintf(reason, sizeof(reason), "ticket=%" PRIu64, ticket);
    SD_TRY(inc_audit(d, t, a, action, o->id, digest, reason));
    snprintf(detail, sizeof(detail), "%s incident=%" PRIu64 "%s", verb, o->id,
             suggested ? " suggested" : "");
    SD_TRY(sd_ticket_event_in(t, ticket, a->name, SD_EV_INCIDENT, detail));
out:
    return err;
}

/* Link inside t (incident loaded in *o, open). SD_E_CONFLICT when already linked. */
static sd_err
link_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, struct sd_incident *o,
        uint64_t ticket)
{
    const uint8_t state = LINK_CONFIRMED;
    uint8_t k[17], digest[32];
    sd_err err = SD_OK;

    link_key(k, o->id, ticket);
    SD_TRY(sd_txn_put_new(t, SD_DB_INCIDENTS, k, sizeof(k), &state, 1));
    o->linked++;
    SD_TRY(inc_store(t, o, digest));
    SD_TRY(link_record(d, t, a, o, ticket, "incident.link", "link", false, digest));
out:
    return err;
}

/* Links of incident id (up to SD_INC_MAX_LINKS when ids != NULL); *suggested counts the
 * unconfirmed ones. ids/states may be NULL: count only (no limit). */
static sd_err
scan_links(struct sd_txn *t, uint64_t id, struct sd_incident_link **out, size_t *n,
           uint64_t *suggested)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint8_t start[17];
    struct sd_incident_link *ls = NULL;
    size_t cnt = 0, cap = 0;
    sd_err err = SD_OK, rc;

    *suggested = 0;
    link_key(start, id, 0);
    SD_TRY(sd_cursor_open(t, SD_DB_INCIDENTS, &c));
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        bool confirmed;

        if(k.n != 17 || memcmp(k.p, start, 9) != 0)
            break;
        confirmed = v.n == 1 && ((const uint8_t *)v.p)[0] == LINK_CONFIRMED;
        if(!confirmed)
            (*suggested)++;
        if(!out)
            continue;
        SD_ENSURE(cnt < SD_INC_MAX_LINKS, SD_E_LIMIT);
        if(cnt == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sd_incident_link *np = realloc(ls, ncap * sizeof(*np));

            SD_ENSURE(np, SD_E_NOMEM);
            ls = np;
            cap = ncap;
        }
        ls[cnt].ticket = sd_get_u64be((const uint8_t *)k.p + 9);
        ls[cnt].confirmed = confirmed;
        cnt++;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    if(out) {
        *out = ls;
        *n = cnt;
        ls = NULL;
    }
out:
    free(ls);
    sd_cursor_close(c);
    return err;
}

/* The ticket an actor links, confirms or unlinks: it exists and the actor may act on it. */
static sd_err
ticket_check(struct sd_txn *t, const struct sd_actor *a, uint64_t ticket)
{
    sd_trec *r = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_trec_load(t, ticket, &r));
    SD_TRY(sd_ticket_may_touch(a, r));
out:
    sd_trec_free(r);
    return err;
}

enum link_op {
    OP_LINK,
    OP_CONFIRM,
    OP_UNLINK
};

static sd_err
link_op(struct sd_desk *d, const struct sd_actor *a, uint64_t id, uint64_t ticket, enum link_op op,
        struct sd_incident *out)
{
    struct sd_incident o;
    struct sd_txn *t = NULL;
    uint8_t k[17], digest[32];
    const uint8_t state = LINK_CONFIRMED;
    bool confirmed = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(inc_load(t, id, &o));
    SD_ENSURE(op == OP_UNLINK || o.status == SD_INC_OPEN, SD_E_PRECONDITION);
    SD_TRY(ticket_check(t, a, ticket));
    link_key(k, id, ticket);
    switch(op) {
    case OP_LINK:
        SD_TRY(link_in(d, t, a, &o, ticket));
        break;
    case OP_CONFIRM:
        SD_TRY(link_state(t, id, ticket, &confirmed));
        SD_ENSURE(!confirmed, SD_E_CONFLICT);
        SD_TRY(sd_txn_put(t, SD_DB_INCIDENTS, k, sizeof(k), &state, 1));
        SD_TRY(inc_store(t, &o, digest));
        SD_TRY(link_record(d, t, a, &o, ticket, "incident.confirm", "confirm", false, digest));
        break;
    case OP_UNLINK:
        SD_TRY(link_state(t, id, ticket, &confirmed));
        SD_TRY(sd_txn_del(t, SD_DB_INCIDENTS, k, sizeof(k), NULL, 0));
        if(o.linked)
            o.linked--;
        SD_TRY(inc_store(t, &o, digest));
        SD_TRY(link_record(d, t, a, &o, ticket, "incident.unlink", "unlink", false, digest));
        break;
    }
    SD_TRY(scan_links(t, id, NULL, NULL, &o.suggested));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    *out = o;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_incident_link(struct sd_desk *d, const struct sd_actor *a, uint64_t id, uint64_t ticket,
                 struct sd_incident *out)
{
    return link_op(d, a, id, ticket, OP_LINK, out);
}

sd_err
sd_incident_confirm(struct sd_desk *d, const struct sd_actor *a, uint64_t id, uint64_t ticket,
                    struct sd_incident *out)
{
    return link_op(d, a, id, ticket, OP_CONFIRM, out);
}

sd_err
sd_incident_unlink(struct sd_desk *d, const struct sd_actor *a, uint64_t id, uint64_t ticket,
                   struct sd_incident *out)
{
    return link_op(d, a, id, ticket, OP_UNLINK, out);
}

/* ---- whole-word / whole-term matching on folded text ---- */

/* Code point of the valid UTF-8 sequence at s[0..n) (the text is folded, hence valid). */
static uint32_t
cp_at(const unsigned char *s, size_t n)
{
    if(n == 0)
        return 0;
    if(s[0] < 0x80 || n < 2)
        return s[0];
    if(s[0] < 0xE0)
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if(s[0] < 0xF0 || n < 4)
        return n < 3 ? 0xFFFD
                     : ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
                           (s[2] & 0x3F);
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Code point ending just before s[i] (i > 0). */
static uint32_t
cp_before(const unsigned char *s, size_t i)
{
    size_t b = i - 1;

    while(b > 0 && i - b < 4 && (s[b] & 0xC0) == 0x80)
        b--;
    return cp_at(s + b, i - b);
}

static bool
is_hangul(uint32_t c)
{
    return (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF) ||
           (c >= 0x3130 && c <= 0x318F);
}

/* Letters and digits of scripts that separate words with spaces (Latin, Greek, Cyrillic,
 * ...): the characters a whole-word match may not touch. Han, kana and Hangul are not. */
static bool
is_word(uint32_t c)
{
    if(c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '_';
    return c >= 0xC0 && c < 0x2000 && c != 0xD7 && c != 0xF7;
}

bool
sd_incident_term_matches(const char *text, size_t n, const char *term)
{
    const unsigned char *s = (const unsigned char *)text;
    const unsigned char *tm = (const unsigned char *)term;
    size_t tl = strlen(term), last;
    uint32_t first_cp, last_cp;

    if(tl == 0 || tl > n)
        return false;
    last = tl - 1;
    while(last > 0 && (tm[last] & 0xC0) == 0x80)
        last--;
    first_cp = cp_at(tm, tl);
    last_cp = cp_at(tm + last, tl - last);
    for(size_t i = 0; i + tl <= n; i++) {
        if(memcmp(s + i, tm, tl) != 0)
            continue;
        if(i > 0) {
            uint32_t before = cp_before(s, i);

            if(is_word(first_cp) && is_word(before))
                continue;
            if(is_hangul(first_cp) && is_hangul(before))
                continue; /* a Korean term starts a word; particles may follow it */
        }
        if(i + tl < n && is_word(last_cp) && is_word(cp_at(s + i + tl, n - i - tl)))
            continue;
        return true;
    }
    return false;
}

sd_err
sd_incident_autolink_find(struct sd_txn *t, sd_trec *r, const char *text, size_t n, uint64_t **out,
                          size_t *n_out)
{
    struct sd_cursor *c = NULL;
    struct sd_buf f = SD_BUF_INIT;
    struct sd_val k, v;
    uint64_t *ids = NULL;
    size_t n_ids = 0, cap = 0;
    uint8_t start[1] = {'i'};
    sd_err err = SD_OK, rc;

    *out = NULL;
    *n_out = 0;
    SD_TRY(sd_cursor_open(t, SD_DB_INCIDENTS, &c));
    k.p = start;
    k.n = sizeof(start);
    /* Collect matching open incidents first: linking writes to the table being walked. */
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        Sealdesk__V1__IncidentRecord *pb;
        bool hit = false;

        if(k.n != 9 || ((const uint8_t *)k.p)[0] != 'i')
            break;
        pb = sealdesk__v1__incident_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(pb, SD_E_STORE);
        if(pb->status == SD_INC_OPEN && pb->n_match &&
           (pb->any_category || pb->category == r->category)) {
            if(!f.data)
                err = sd_text_fold(&f, text, n);
            for(size_t i = 0; err == SD_OK && !hit && i < pb->n_match; i++)
                hit = pb->match[i][0] &&
                      sd_incident_term_matches((const char *)f.data, f.len, pb->match[i]);
        }
        if(err == SD_OK && hit && n_ids == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            uint64_t *np = realloc(ids, ncap * sizeof(*np));

            if(np) {
                ids = np;
                cap = ncap;
            } else {
                err = SD_E_NOMEM;
            }
        }
        /* gcc 12 -fanalyzer false positive: with hit and err == SD_OK the block above has grown
         * ids (n_ids == cap == 0 when ids is NULL), or err is SD_E_NOMEM. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-null-dereference"
#endif
        if(err == SD_OK && hit)
            ids[n_ids++] = pb->id;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
        sealdesk__v1__incident_record__free_unpacked(pb, NULL);
        SD_TRY(err);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    /* The record is not stored yet: the suggestions go on its timeline directly. */
    for(size_t i = 0; i < n_ids; i++) {
        char detail[64];

        snprintf(detail, sizeof(detail), "link incident=%" PRIu64 " suggested", ids[i]);
        SD_TRY(sd_event_add(t, r, "system", SD_EV_INCIDENT, 0, 0, NULL, false, detail));
    }
    *out = ids;
    *n_out = n_ids;
    ids = NULL;
out:
    sd_cursor_close(c);
    sd_buf_wipe_free(&f);
    free(ids);
    return err;
}

sd_err
sd_incident_autolink_store(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                           uint64_t ticket, const uint64_t *ids, size_t n)
{
    sd_err err = SD_OK;

    for(size_t i = 0; i < n; i++) {
        const uint8_t state = LINK_SUGGESTED;
        struct sd_incident o;
        uint8_t lk[17], digest[32];
        char reason[32];

        SD_TRY(inc_load(t, ids[i], &o));
        link_key(lk, o.id, ticket);
        SD_TRY(sd_txn_put_new(t, SD_DB_INCIDENTS, lk, sizeof(lk), &state, 1));
        o.linked++;
        SD_TRY(inc_store(t, &o, digest));
        snprintf(reason, sizeof(reason), "ticket=%" PRIu64, ticket);
        SD_TRY(inc_audit(d, t, a, "incident.autolink", o.id, digest, reason));
    }
out:
    return err;
}

/* Confirmed linked ticket ids of incident id, up to SD_INC_MAX_LINKS. */
static sd_err
linked_ids(struct sd_txn *t, uint64_t id, uint64_t **out, size_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint8_t start[17];
    uint64_t *ids = NULL;
    size_t cnt = 0, cap = 0;
    sd_err err = SD_OK, rc;

    link_key(start, id, 0);
    SD_TRY(sd_cursor_open(t, SD_DB_INCIDENTS, &c));
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        if(k.n != 17 || memcmp(k.p, start, 9) != 0)
            break;
        if(!(v.n == 1 && ((const uint8_t *)v.p)[0] == LINK_CONFIRMED))
            continue; /* suggested: no reply, no resolve until an agent confirms */
        SD_ENSURE(cnt < SD_INC_MAX_LINKS, SD_E_LIMIT);
        if(cnt == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            uint64_t *np = realloc(ids, ncap * sizeof(*np));

            SD_ENSURE(np, SD_E_NOMEM);
            ids = np;
            cap = ncap;
        }
        ids[cnt++] = sd_get_u64be((const uint8_t *)k.p + 9);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    *out = ids;
    *n = cnt;
    ids = NULL;
out:
    free(ids);
    sd_cursor_close(c);
    return err;
}

static bool
ticket_open(struct sd_txn *t, uint64_t id, sd_err *err)
{
    sd_trec *r = NULL;
    bool open;

    *err = sd_trec_load(t, id, &r);
    if(*err != SD_OK)
        return false;
    open = r->status != SD_ST_RESOLVED && r->status != SD_ST_ARCHIVED;
    sd_trec_free(r);
    return open;
}

/* Update (body != NULL) or resolve the incident and its linked open tickets in one txn. */
static sd_err
batch(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *body,
      bool resolve_tickets, struct sd_incident *out)
{
    struct sd_incident o;
    struct sd_txn *t = NULL;
    uint64_t *ids = NULL, done = 0;
    uint8_t digest[32];
    char reason[32];
    size_t n = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(inc_load(t, id, &o));
    SD_ENSURE(o.status == SD_INC_OPEN, SD_E_PRECONDITION);
    if(body || resolve_tickets)
        SD_TRY(linked_ids(t, id, &ids, &n));
    for(size_t i = 0; i < n; i++) {
        if(!ticket_open(t, ids[i], &err)) {
            SD_TRY(err);
            continue;
        }
        if(body)
            SD_TRY(sd_ticket_comment_in(d, t, a, ids[i], body, false));
        else
            SD_TRY(sd_ticket_transition_in(d, t, a, ids[i], SD_ST_RESOLVED));
        done++;
    }
    if(body) {
        o.updates++;
    } else {
        o.status = SD_INC_RESOLVED;
        o.resolved_at = sd_clock_now();
    }
    SD_TRY(inc_store(t, &o, digest));
    SD_TRY(scan_links(t, id, NULL, NULL, &o.suggested));
    snprintf(reason, sizeof(reason), "tickets=%" PRIu64, done);
    SD_TRY(inc_audit(d, t, a, body ? "incident.update" : "incident.resolve", id, digest, reason));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    *out = o;
    if(body)
        out->replied = done;
    else
        out->resolved_tickets = done;
out:
    free(ids);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_incident_update(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *body,
                   struct sd_incident *out)
{
    if(!body || !*body)
        return SD_E_INVALID;
    return batch(d, a, id, body, false, out);
}

sd_err
sd_incident_resolve(struct sd_desk *d, const struct sd_actor *a, uint64_t id, bool resolve_tickets,
                    struct sd_incident *out)
{
    return batch(d, a, id, NULL, resolve_tickets, out);
}

sd_err
sd_incident_get_links(struct sd_desk *d, uint64_t id, struct sd_incident *out,
                      struct sd_incident_link **links, size_t *n_links)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out && (!links || n_links));
    if(links) {
        *links = NULL;
        *n_links = 0;
    }
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(inc_load(t, id, out));
    SD_TRY(scan_links(t, id, links, n_links, &out->suggested));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_incident_get(struct sd_desk *d, uint64_t id, struct sd_incident *out)
{
    return sd_incident_get_links(d, id, out, NULL, NULL);
}

sd_err
sd_incident_list(struct sd_desk *d, int status, struct sd_incident **out, size_t *n,
                 bool *truncated)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct sd_incident *all = NULL;
    struct sd_val k, v;
    uint8_t start[1] = {'i'};
    size_t cnt = 0, cap = 0;
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(d && out && n && truncated);
    SD_CHECK_ARG(status == 0 || status == SD_INC_OPEN || status == SD_INC_RESOLVED);
    *out = NULL;
    *n = 0;
    *truncated = false;
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_INCIDENTS, &c));
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        Sealdesk__V1__IncidentRecord *pb;

        if(k.n != 9 || ((const uint8_t *)k.p)[0] != 'i')
            break;
        if(cnt == SD_INC_MAX_LIST) {
            *truncated = true;
            break;
        }
        if(cnt == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct sd_incident *np = realloc(all, ncap * sizeof(*np));

            SD_ENSURE(np, SD_E_NOMEM);
            all = np;
            cap = ncap;
        }
        pb = sealdesk__v1__incident_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(pb, SD_E_STORE);
        err = inc_from_pb(pb, &all[cnt]);
        sealdesk__v1__incident_record__free_unpacked(pb, NULL);
        SD_TRY(err);
        if(status == 0 || (int)all[cnt].status == status)
            cnt++;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    for(size_t i = 0; i < cnt; i++)
        SD_TRY(scan_links(t, all[i].id, NULL, NULL, &all[i].suggested));
    *out = cnt ? all : NULL;
    *n = cnt;
    if(cnt)
        all = NULL;
out:
    free(all);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}
