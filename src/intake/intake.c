/* The Intake service's library (issue 15): tickets and customer messages from the intake
 * identity, e-mail threading and dedupe, public status, CSAT, self-service suggestions. Each
 * call is one write txn with its audit entry (see sealdesk/intake.h).
 *
 * Quoted history of an e-mail (sd_intake_mail.quoted) is DROPPED: the ticket already holds
 * what the customer wrote before and what the desk replied; storing a pasted history would
 * store every secret quoted in it a second time. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/crypto.h"
#include "sealdesk/intake.h"
#include "sealdesk/keystore.h"
#include "sealdesk/lang.h"
#include "sealdesk/outbox.h"
#include "sealdesk/text.h"
#include "tickets/desk_int.h"
#include "util/err_int.h"

extern const unsigned char sd_ack_template_zh[];
extern const size_t sd_ack_template_zh_len;
extern const unsigned char sd_ack_template_en[];
extern const size_t sd_ack_template_en_len;
extern const unsigned char sd_ack_template_ko[];
extern const size_t sd_ack_template_ko_len;

static _Atomic unsigned reopen_days = SD_INTAKE_REOPEN_DAYS;

sd_err
sd_intake_set_reopen_days(unsigned days)
{
    if(days > SD_INTAKE_MAX_REOPEN_DAYS)
        return SD_E_INVALID;
    atomic_store(&reopen_days, days);
    return SD_OK;
}

unsigned
sd_intake_reopen_days(void)
{
    return atomic_load(&reopen_days);
}

static _Atomic size_t att_max_file = SD_ATTACH_MAX_FILE;
static _Atomic size_t att_max_message = SD_ATTACH_MAX_MESSAGE;

sd_err
sd_intake_set_attach_limits(const struct sd_attach_limits *lim)
{
    if(sd_attach_limits_check(lim) != SD_OK)
        return SD_E_INVALID;
    atomic_store(&att_max_file, lim->max_file);
    atomic_store(&att_max_message, lim->max_message);
    return SD_OK;
}

void
sd_intake_attach_limits(struct sd_attach_limits *out)
{
    sd_attach_limits_default(out);
    out->max_file = atomic_load(&att_max_file);
    out->max_message = atomic_load(&att_max_message);
}

static bool
given(const char *s)
{
    return s && s[0];
}

/* ---- keys of the intake table ---- */

static void
key_of(uint8_t k[33], char kind, const char *s, size_t n)
{
    k[0] = (uint8_t)kind;
    sd_sha256(k + 1, (const uint8_t *)s, n);
}

/* An idempotency key: 1..SD_INTAKE_MAX_KEY printable ASCII bytes. */
static bool
key_ok(const char *s)
{
    size_t n;

    if(!given(s))
        return false;
    n = strnlen(s, SD_INTAKE_MAX_KEY + 1);
    if(n > SD_INTAKE_MAX_KEY)
        return false;
    for(size_t i = 0; i < n; i++) {
        if(s[i] < 0x21 || s[i] > 0x7e)
            return false;
    }
    return true;
}

static sd_err
key_get(struct sd_txn *t, char kind, const char *key, uint64_t *ticket)
{
    uint8_t k[33];
    struct sd_val v;
    sd_err err;

    key_of(k, kind, key, strlen(key));
    err = sd_txn_get(t, SD_DB_INTAKE, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    if(v.n < 8)
        return SD_E_STORE;
    *ticket = sd_get_u64be(v.p);
    return SD_OK;
}

static sd_err
key_put(struct sd_txn *t, char kind, const char *key, uint64_t ticket)
{
    uint8_t k[33], v[8];

    key_of(k, kind, key, strlen(key));
    sd_put_u64be(v, ticket);
    return sd_txn_put(t, SD_DB_INTAKE, k, sizeof(k), v, sizeof(v));
}

/* ---- the customer check ---- */

static const struct {
    enum sd_field f;
    enum sd_bidx_kind k;
} id_kinds[3] = {
    {SD_F_CUSTOMER_UID, SD_BIDX_UID},
    {SD_F_CUSTOMER_EMAIL, SD_BIDX_EMAIL},
    {SD_F_CUSTOMER_PHONE, SD_BIDX_PHONE},
};

static const char *
cust_value(const struct sd_intake_customer *c, int i)
{
    return i == 0 ? c->uid : i == 1 ? c->email : c->phone;
}

/* SD_OK when the customer c is ticket r's: every identifier given whose kind the ticket has
 * must have the same blind index (compared in constant time), and at least one must. Anything
 * else, a shredded customer included, is SD_E_NOTFOUND (no oracle). */
static sd_err
customer_check(struct sd_desk *d, struct sd_txn *t, const sd_trec *r,
               const struct sd_intake_customer *c)
{
    struct sd_dkey *dk = NULL;
    struct sd_buf plain = SD_BUF_INIT;
    uint8_t want[SD_BIDX_BYTES], have[SD_BIDX_BYTES];
    unsigned matched = 0, differ = 0;
    sd_err err = SD_OK;

    SD_ENSURE(c, SD_E_NOTFOUND);
    err = sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk);
    SD_ENSURE(err != SD_E_SHREDDED, SD_E_NOTFOUND);
    SD_TRY(err);
    for(int i = 0; i < 3; i++) {
        const char *v = cust_value(c, i);
        const uint8_t *p;
        size_t n;

        if(!given(v))
            continue;
        sd_trec_field(r, id_kinds[i].f, &p, &n);
        if(!p || !n)
            continue;
        SD_TRY(sd_bidx(d->kr, id_kinds[i].k, v, strlen(v), want));
        SD_TRY(sd_field_open(&plain, dk, r->id, (uint32_t)id_kinds[i].f, p, n));
        SD_TRY(sd_bidx(d->kr, id_kinds[i].k, (const char *)plain.data, plain.len, have));
        sd_buf_wipe_free(&plain);
        if(sodium_memcmp(want, have, SD_BIDX_BYTES) == 0)
            matched++;
        else
            differ++;
    }
    SD_ENSURE(matched > 0 && differ == 0, SD_E_NOTFOUND);
out:
    sodium_memzero(want, sizeof(want));
    sodium_memzero(have, sizeof(have));
    sd_buf_wipe_free(&plain);
    sd_dkey_free(dk);
    return err;
}

static bool
customer_given(const struct sd_intake_customer *c)
{
    return c && (given(c->uid) || given(c->email) || given(c->phone));
}

/* ---- the acknowledgement ---- */

static void
ack_template(const char *lang, const char **text, size_t *n)
{
    if(lang && strncmp(lang, "zh", 2) == 0) {
        *text = (const char *)sd_ack_template_zh;
        *n = sd_ack_template_zh_len;
    } else if(lang && strncmp(lang, "ko", 2) == 0) {
        *text = (const char *)sd_ack_template_ko;
        *n = sd_ack_template_ko_len;
    } else {
        *text = (const char *)sd_ack_template_en;
        *n = sd_ack_template_en_len;
    }
}

/* Append s[0..n) to out with every "{ref}" replaced by ref. */
static sd_err
fill_ref(struct sd_buf *out, const char *s, size_t n, const char *ref)
{
    sd_err err = SD_OK;

    for(size_t i = 0; i < n;) {
        if(n - i >= 5 && memcmp(s + i, "{ref}", 5) == 0) {
            SD_TRY(sd_buf_append_str(out, ref));
            i += 5;
        } else {
            SD_TRY(sd_buf_append_byte(out, (uint8_t)s[i]));
            i++;
        }
    }
out:
    return err;
}

/* Queue the acknowledgement of new ticket id to address `to` in write txn t. *sent false when
 * the address is not one the relay takes. */
static sd_err
ack_queue(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id,
          const char *to, bool *sent)
{
    struct sd_buf subj = SD_BUF_INIT, body = SD_BUF_INIT;
    struct sd_outbox_msg m;
    struct sd_dkey *dk = NULL;
    sd_trec *r = NULL;
    const char *tpl, *nl;
    size_t n;
    char ref[24];
    sd_err err = SD_OK;

    *sent = false;
    if(!given(to) || !sd_outbox_addr_ok(to, strlen(to)))
        goto out;
    SD_TRY(sd_trec_load(t, id, &r));
    SD_TRY(sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk));
    sd_outbox_ref(ref, sizeof(ref), id);
    ack_template(r->lang, &tpl, &n);
    nl = memchr(tpl, '\n', n);
    SD_ENSURE(nl, SD_E_INTERNAL);
    SD_TRY(sd_buf_append_str(&subj, "["));
    SD_TRY(sd_buf_append_str(&subj, ref));
    SD_TRY(sd_buf_append_str(&subj, "] "));
    SD_TRY(fill_ref(&subj, tpl, (size_t)(nl - tpl), ref));
    SD_TRY(sd_buf_terminate(&subj));
    n -= (size_t)(nl + 1 - tpl);
    tpl = nl + 1;
    if(n && tpl[0] == '\n') {
        tpl++;
        n--;
    }
    SD_TRY(fill_ref(&body, tpl, n, ref));
    SD_TRY(sd_buf_terminate(&body));
    memset(&m, 0, sizeof(m));
    m.ticket_id = id;
    m.dk = dk;
    m.kind = SD_OUTBOX_ACK;
    m.lang = r->lang && r->lang[0] ? r->lang : NULL;
    m.to = to;
    m.subject = (const char *)subj.data;
    m.body = (const char *)body.data;
    SD_TRY(sd_outbox_enqueue_in(t, d->kr, a->name, &m, sd_clock_now(), NULL, NULL));
    *sent = true;
out:
    sd_buf_wipe_free(&subj);
    sd_buf_wipe_free(&body);
    sd_dkey_free(dk);
    sd_trec_free(r);
    return err;
}

/* ---- shared steps ---- */

/* Attachments of ticket id in t. The customer check (or the ticket's creation) authorised the
 * intake identity on this ticket: the agent object rule does not apply to it. */
static sd_err
attach(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id,
       const struct sd_attach_limits *lim, const struct sd_attach_in *files, size_t n,
       unsigned *kept, unsigned *refused, const char **why)
{
    struct sd_attach_result *res = NULL;
    struct sd_actor as = *a;
    struct sd_attach_limits conf;
    sd_err err = SD_OK;

    *kept = *refused = 0;
    if(!n)
        goto out;
    if(!lim) { /* the configured limits (sd_intake_set_attach_limits) */
        sd_intake_attach_limits(&conf);
        lim = &conf;
    }
    SD_ENSURE(files, SD_E_INVALID);
    SD_ENSURE(n <= SD_ATTACH_MAX_FILES, SD_E_LIMIT);
    res = calloc(n, sizeof(*res));
    SD_ENSURE(res, SD_E_NOMEM);
    as.roles |= SD_ROLE_SYSTEM;
    SD_TRY(sd_attach_add_in(d, t, &as, id, lim, files, n, res, why));
    for(size_t i = 0; i < n; i++) {
        if(res[i].state == SD_ATTACH_KEPT)
            (*kept)++;
        else
            (*refused)++;
    }
out:
    free(res);
    return err;
}

struct new_ticket {
    enum sd_channel channel;
    const struct sd_intake_customer *cust;
    const char *name, *lang, *subject, *body, *sender_id;
};

/* Create the ticket in t (as sd_ticket_create would, in this txn). */
static sd_err
create_ticket(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
              const struct new_ticket *nt, uint64_t *id, const char **why)
{
    struct sd_ticket_new in;
    struct sd_ticket_prep *p = NULL;
    struct sd_ticket got;
    const char *field = NULL, *reason = NULL;
    sd_err err = SD_OK;

    memset(&in, 0, sizeof(in));
    memset(&got, 0, sizeof(got));
    in.channel = nt->channel;
    in.category = -1;
    in.priority = 0;
    in.lang = nt->lang;
    in.field[SD_F_CUSTOMER_UID] = nt->cust->uid;
    in.field[SD_F_CUSTOMER_EMAIL] = nt->cust->email;
    in.field[SD_F_CUSTOMER_PHONE] = nt->cust->phone;
    in.field[SD_F_CUSTOMER_NAME] = nt->name;
    in.field[SD_F_SUBJECT] = nt->subject ? nt->subject : "";
    in.field[SD_F_BODY] = nt->body;
    /* The sender id is the customer's phone / address on those channels. */
    if(given(nt->sender_id) && nt->channel == SD_CH_PHONE && !given(nt->cust->phone))
        in.field[SD_F_CUSTOMER_PHONE] = nt->sender_id;
    if(given(nt->sender_id) && nt->channel == SD_CH_EMAIL && !given(nt->cust->email))
        in.field[SD_F_CUSTOMER_EMAIL] = nt->sender_id;
    err = sd_ticket_check(&in, &field, &reason);
    if(err != SD_OK) {
        if(why)
            *why = field ? field : "request";
        goto out;
    }
    SD_TRY(sd_ticket_prepare_in(d, &in, &p));
    SD_TRY(sd_ticket_create_in(d, t, a, p, &got));
    *id = got.id;
    /* Any other channel's sender id (chat session, social handle) is PII: a sealed internal
     * note the agent can read, never an index. */
    if(given(nt->sender_id) && in.field[SD_F_CUSTOMER_PHONE] != nt->sender_id &&
       in.field[SD_F_CUSTOMER_EMAIL] != nt->sender_id) {
        char note[SD_INTAKE_MAX_SENDER + 32];

        snprintf(note, sizeof(note), "sender (%s): %s", sd_channel_name(nt->channel),
                 nt->sender_id);
        err = sd_ticket_comment_in(d, t, a, got.id, note, true);
        sodium_memzero(note, sizeof(note));
        SD_TRY(err);
    }
out:
    sd_ticket_clear(&got);
    sd_ticket_prep_free(p);
    return err;
}

static sd_err
sender_check(const char *s, const char **why)
{
    size_t n;

    if(!given(s))
        return SD_OK;
    n = strnlen(s, SD_INTAKE_MAX_SENDER + 1);
    if(n > SD_INTAKE_MAX_SENDER) {
        *why = "sender_id";
        return SD_E_LIMIT;
    }
    if(!sd_text_valid(s, n)) {
        *why = "sender_id";
        return SD_E_INVALID;
    }
    return SD_OK;
}

static void
ref_fill(struct sd_intake_ref *out, uint64_t id)
{
    out->ticket_id = id;
    sd_outbox_ref(out->ref, sizeof(out->ref), id);
}

/* ---- create ---- */

/* What every call with an idempotency key checks first: the actor, then the key. */
static sd_err
keyed_check(const struct sd_actor *a, const char *key, const char **why)
{
    sd_err err = sd_actor_check(a);

    if(err == SD_OK && !key_ok(key)) {
        *why = "idempotency_key";
        err = SD_E_INVALID;
    }
    return err;
}

sd_err
sd_intake_create(struct sd_desk *d, const struct sd_actor *a, const struct sd_intake_new *in,
                 const struct sd_attach_limits *lim, struct sd_intake_ref *out, const char **why)
{
    struct sd_txn *t = NULL;
    const char *dummy = NULL;
    struct new_ticket nt;
    uint64_t id = 0;
    char reason[64];
    sd_err err = SD_OK;

    if(!why)
        why = &dummy;
    *why = NULL;
    SD_CHECK_ARG(d && in && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(keyed_check(a, in->idempotency_key, why));
    SD_TRY(sender_check(in->sender_id, why));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    err = key_get(t, 'k', in->idempotency_key, &id);
    if(err == SD_OK) {
        /* A retry: the first ticket, nothing stored, nothing audited twice. */
        ref_fill(out, id);
        goto out;
    }
    SD_ENSURE(err == SD_E_NOTFOUND, err);
    memset(&nt, 0, sizeof(nt));
    nt.channel = in->channel;
    nt.cust = &in->cust;
    nt.name = in->name;
    nt.lang = in->lang;
    nt.subject = in->subject;
    nt.body = in->body;
    nt.sender_id = in->sender_id;
    SD_TRY(create_ticket(d, t, a, &nt, &id, why));
    SD_TRY(key_put(t, 'k', in->idempotency_key, id));
    SD_TRY(attach(d, t, a, id, lim, in->files, in->n_files, &out->kept, &out->refused, why));
    SD_TRY(ack_queue(d, t, a, id,
                     given(in->cust.email)        ? in->cust.email
                     : in->channel == SD_CH_EMAIL ? in->sender_id
                                                  : NULL,
                     &out->acknowledged));
    snprintf(reason, sizeof(reason), "channel=%s ack=%d files=%u/%u", sd_channel_name(in->channel),
             out->acknowledged ? 1 : 0, out->kept, out->kept + out->refused);
    SD_TRY(sd_desk_audit(d, t, a, "intake.create", id, NULL, reason));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    ref_fill(out, id);
    out->created = true;
out:
    sd_txn_abort(t);
    if(err != SD_OK)
        memset(out, 0, sizeof(*out));
    return err;
}

/* ---- a customer message ---- */

/* Is the resolved ticket r still within the reopen window? */
static bool
in_window(const sd_trec *r, uint64_t now)
{
    uint64_t win = (uint64_t)sd_intake_reopen_days() * 86400u;

    return r->status != SD_ST_RESOLVED || (r->resolved_at && now <= r->resolved_at + win);
}

/* Follow-up on ticket r (the customer's, checked): add the message, or after the reopen window
 * (or on an archived ticket) open a new ticket linked to r. *id gets the ticket written to. */
static sd_err
follow_up(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const sd_trec *r,
          const struct new_ticket *nt, const char *detail, uint64_t *id, bool *created,
          const char **why)
{
    char link[64];
    char ref[24];
    sd_err err = SD_OK;

    *created = false;
    if(r->status != SD_ST_ARCHIVED && in_window(r, sd_clock_now())) {
        SD_TRY(sd_ticket_customer_message_in(d, t, a, r->id, nt->body, detail, true, NULL));
        *id = r->id;
        goto out;
    }
    SD_TRY(create_ticket(d, t, a, nt, id, why));
    *created = true;
    sd_outbox_ref(ref, sizeof(ref), r->id);
    snprintf(link, sizeof(link), "follows=%s (reopen window passed)", ref);
    SD_TRY(sd_ticket_event_in(t, *id, a->name, SD_EV_LINKED, link));
    sd_outbox_ref(ref, sizeof(ref), *id);
    snprintf(link, sizeof(link), "followed_by=%s", ref);
    SD_TRY(sd_ticket_event_in(t, r->id, a->name, SD_EV_LINKED, link));
out:
    return err;
}

sd_err
sd_intake_add_message(struct sd_desk *d, const struct sd_actor *a,
                      const struct sd_intake_message *in, const struct sd_attach_limits *lim,
                      struct sd_intake_ref *out, const char **why)
{
    struct sd_txn *t = NULL;
    sd_trec *r = NULL;
    const char *dummy = NULL;
    struct new_ticket nt;
    uint64_t id = 0;
    char reason[64];
    bool created = false;
    sd_err err = SD_OK;

    if(!why)
        why = &dummy;
    *why = NULL;
    SD_CHECK_ARG(d && in && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(keyed_check(a, in->idempotency_key, why));
    if(!customer_given(&in->cust)) {
        *why = "customer_uid";
        SD_TRY(SD_E_INVALID);
    }
    if(!given(in->body)) {
        *why = "body";
        SD_TRY(SD_E_INVALID);
    }
    SD_TRY(sd_txn_begin(d->store, true, &t));
    err = key_get(t, 'a', in->idempotency_key, &id);
    if(err == SD_OK) {
        ref_fill(out, id);
        goto out;
    }
    SD_ENSURE(err == SD_E_NOTFOUND, err);
    err = sd_trec_load(t, in->ticket_id, &r);
    SD_ENSURE(err != SD_E_NOTFOUND, SD_E_NOTFOUND);
    SD_TRY(err);
    SD_TRY(customer_check(d, t, r, &in->cust));
    memset(&nt, 0, sizeof(nt));
    nt.channel = (enum sd_channel)r->channel;
    nt.cust = &in->cust;
    nt.subject = "";
    nt.body = in->body;
    SD_TRY(follow_up(d, t, a, r, &nt, "customer", &id, &created, why));
    SD_TRY(key_put(t, 'a', in->idempotency_key, id));
    SD_TRY(attach(d, t, a, id, lim, in->files, in->n_files, &out->kept, &out->refused, why));
    snprintf(reason, sizeof(reason), "new_ticket=%d files=%u/%u", created ? 1 : 0, out->kept,
             out->kept + out->refused);
    SD_TRY(sd_desk_audit(d, t, a, "intake.message", id, NULL, reason));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    ref_fill(out, id);
    out->created = created;
out:
    sd_trec_free(r);
    sd_txn_abort(t);
    if(err != SD_OK)
        memset(out, 0, sizeof(*out));
    return err;
}

/* ---- e-mail ---- */

/* The first "[SD-<digits>]" (or full-width 【SD-…】) in subject: SD_OK with *id. */
static sd_err
subject_ref(const char *s, uint64_t *id)
{
    static const char *const opens[] = {"[SD-", "\xe3\x80\x90SD-"};
    static const char *const closes[] = {"]", "\xe3\x80\x91"};

    if(!s)
        return SD_E_NOTFOUND;
    for(const char *p = s; *p; p++) {
        for(size_t k = 0; k < 2; k++) {
            size_t on = strlen(opens[k]);
            const char *q = p + on;
            uint64_t v = 0;
            size_t digits = 0;

            if(strncmp(p, opens[k], on) != 0)
                continue;
            while(*q >= '0' && *q <= '9' && digits < 18) {
                v = v * 10 + (uint64_t)(*q - '0');
                q++;
                digits++;
            }
            if(digits && v && strncmp(q, closes[k], strlen(closes[k])) == 0) {
                *id = v;
                return SD_OK;
            }
        }
    }
    return SD_E_NOTFOUND;
}

/* A Message-ID the desk sent among In-Reply-To and References (newest first): its ticket. */
static sd_err
thread_by_ids(struct sd_txn *t, const struct sd_intake_mail *m, uint64_t *ticket)
{
    struct sd_outbox_info info;
    size_t n = m->n_refs < SD_INTAKE_MAX_REFS ? m->n_refs : SD_INTAKE_MAX_REFS;
    sd_err err;

    if(given(m->in_reply_to)) {
        err = sd_outbox_by_message_id(t, m->in_reply_to, &info);
        if(err == SD_OK) {
            *ticket = info.ticket_id;
            return SD_OK;
        }
        if(err != SD_E_NOTFOUND)
            return err;
    }
    for(size_t i = n; m->refs && i > 0; i--) {
        if(!given(m->refs[i - 1]))
            continue;
        err = sd_outbox_by_message_id(t, m->refs[i - 1], &info);
        if(err == SD_OK) {
            *ticket = info.ticket_id;
            return SD_OK;
        }
        if(err != SD_E_NOTFOUND)
            return err;
    }
    return SD_E_NOTFOUND;
}

/* mailer-daemon, postmaster and friends never get an acknowledgement. */
static bool
robot_sender(const char *addr)
{
    static const char *const locals[] = {"mailer-daemon", "postmaster", "noreply", "no-reply",
                                         "do-not-reply",  "donotreply", "bounce",  "bounces"};
    const char *at = addr ? strchr(addr, '@') : NULL;

    if(!at)
        return true;
    for(size_t i = 0; i < sizeof(locals) / sizeof(locals[0]); i++) {
        size_t n = strlen(locals[i]);

        if((size_t)(at - addr) == n && strncasecmp(addr, locals[i], n) == 0)
            return true;
    }
    return false;
}

/* "CSAT 1".."CSAT 5" at the start of a line of the body (the survey mail asks for it). */
static unsigned
csat_keyword(const char *body)
{
    for(const char *p = body; p && *p;) {
        while(*p == ' ' || *p == '\t')
            p++;
        if(strncasecmp(p, "CSAT", 4) == 0) {
            const char *q = p + 4;

            while(*q == ' ' || *q == ':' || *q == '\t')
                q++;
            if(*q >= '1' && *q <= '5' && !(q[1] >= '0' && q[1] <= '9'))
                return (unsigned)(*q - '0');
        }
        p = strchr(p, '\n');
        if(p)
            p++;
    }
    return 0;
}

/* The stored outcome of a Message-ID: u8 outcome | u64 ticket | u8 ack | u32 kept | u32
 * refused. */
#define OUTCOME_BYTES 18

static void
outcome_pack(uint8_t v[OUTCOME_BYTES], const struct sd_intake_mail_result *r)
{
    v[0] = (uint8_t)r->outcome;
    sd_put_u64be(v + 1, r->ticket_id);
    v[9] = r->acknowledged ? 1 : 0;
    sd_put_u32be(v + 10, r->kept);
    sd_put_u32be(v + 14, r->refused);
}

static void
outcome_unpack(struct sd_intake_mail_result *r, const uint8_t *v)
{
    r->outcome = (enum sd_intake_outcome)v[0];
    r->ticket_id = sd_get_u64be(v + 1);
    r->acknowledged = v[9] != 0;
    r->kept = sd_get_u32be(v + 10);
    r->refused = sd_get_u32be(v + 14);
    if(r->ticket_id)
        sd_outbox_ref(r->ref, sizeof(r->ref), r->ticket_id);
}

static const char *const counter_names[4] = {"intake_ignored_auto_reply", "intake_ignored_bulk",
                                             "intake_ignored_loop", "intake_bounces"};

static sd_err
count(struct sd_txn *t, size_t i)
{
    uint64_t v;

    return sd_meta_next(t, counter_names[i], &v);
}

static sd_err
mail_check(const struct sd_intake_mail *m, const char **why)
{
    if(m->cls > SD_INTAKE_MAIL_LOOP) {
        *why = "mail_class";
        return SD_E_INVALID;
    }
    if(given(m->message_id) &&
       strnlen(m->message_id, SD_INTAKE_MAX_MSGID + 1) > SD_INTAKE_MAX_MSGID) {
        *why = "message_id";
        return SD_E_LIMIT;
    }
    if(m->cls == SD_INTAKE_MAIL_NORMAL && !given(m->from_addr)) {
        *why = "from_addr";
        return SD_E_INVALID;
    }
    return SD_OK;
}

/* A bounce: the desk message it returns is marked bounced (with its timeline event). */
static sd_err
mail_bounce(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
            const struct sd_intake_mail *m, struct sd_intake_mail_result *res)
{
    struct sd_outbox_info info;
    char detail[64];
    sd_err err = SD_OK;

    SD_TRY(count(t, 3));
    if(!given(m->bounce_message_id))
        goto out;
    err = sd_outbox_by_message_id(t, m->bounce_message_id, &info);
    if(err == SD_E_NOTFOUND) {
        err = SD_OK;
        goto out;
    }
    SD_TRY(err);
    err = sd_outbox_mark_in(t, d->kr, a->name, info.id, SD_OUTBOX_BOUNCE, 0, sd_clock_now(), 0,
                            &info);
    if(err == SD_E_PRECONDITION) {
        err = SD_OK; /* already final: nothing to mark */
        goto out;
    }
    SD_TRY(err);
    res->ticket_id = info.ticket_id;
    snprintf(detail, sizeof(detail), "mail=%" PRIu64 " %s bounced", info.id,
             sd_outbox_kind_name(info.kind));
    err = sd_ticket_event_in(t, info.ticket_id, a->name, SD_EV_MAIL_BOUNCED, detail);
    if(err == SD_E_NOTFOUND)
        err = SD_OK;
    SD_TRY(err);
out:
    return err;
}

sd_err
sd_intake_mail(struct sd_desk *d, const struct sd_actor *a, const struct sd_intake_mail *m,
               const struct sd_attach_limits *lim, struct sd_intake_mail_result *out,
               const char **why)
{
    struct sd_txn *t = NULL;
    sd_trec *r = NULL;
    const char *dummy = NULL;
    struct sd_intake_customer cust = {NULL, NULL, NULL};
    struct new_ticket nt;
    uint8_t mk[33], mv[OUTCOME_BYTES];
    struct sd_val v;
    uint64_t target = 0, id = 0;
    char reason[96];
    bool dedupe, created = false;
    unsigned csat;
    sd_err err = SD_OK;

    if(!why)
        why = &dummy;
    *why = NULL;
    SD_CHECK_ARG(d && m && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_TRY(mail_check(m, why));
    dedupe = given(m->message_id);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    if(dedupe) {
        key_of(mk, 'm', m->message_id, strlen(m->message_id));
        err = sd_txn_get(t, SD_DB_INTAKE, mk, sizeof(mk), &v);
        if(err == SD_OK) {
            SD_ENSURE(v.n == OUTCOME_BYTES, SD_E_STORE);
            outcome_unpack(out, v.p);
            out->outcome = SD_INTAKE_DUPLICATE;
            goto out; /* nothing stored twice */
        }
        SD_ENSURE(err == SD_E_NOTFOUND, err);
    }
    if(m->cls == SD_INTAKE_MAIL_AUTO_REPLY || m->cls == SD_INTAKE_MAIL_BULK ||
       m->cls == SD_INTAKE_MAIL_LOOP) {
        SD_TRY(count(t, m->cls == SD_INTAKE_MAIL_AUTO_REPLY ? 0
                        : m->cls == SD_INTAKE_MAIL_BULK     ? 1
                                                            : 2));
        out->outcome = SD_INTAKE_IGNORED;
    } else if(m->cls == SD_INTAKE_MAIL_BOUNCE) {
        SD_TRY(mail_bounce(d, t, a, m, out));
        out->outcome = SD_INTAKE_BOUNCE;
    } else {
        cust.email = m->from_addr;
        memset(&nt, 0, sizeof(nt));
        nt.channel = SD_CH_EMAIL;
        nt.cust = &cust;
        nt.name = m->from_name;
        nt.lang = given(m->lang) && sd_lang_canon(m->lang) ? m->lang : NULL;
        nt.subject = m->subject ? m->subject : "";
        nt.body = given(m->body) ? m->body : "(no text)";
        /* Threading: a desk Message-ID first, then the subject reference; either attaches
         * only when the sender is that ticket's customer. */
        err = thread_by_ids(t, m, &target);
        if(err == SD_E_NOTFOUND)
            err = subject_ref(m->subject, &target);
        if(err == SD_OK) {
            err = sd_trec_load(t, target, &r);
            if(err == SD_OK)
                err = customer_check(d, t, r, &cust);
            if(err != SD_OK) {
                sd_trec_free(r);
                r = NULL;
            }
        }
        SD_ENSURE(err == SD_OK || err == SD_E_NOTFOUND, err);
        csat = r ? csat_keyword(m->body) : 0;
        if(r && csat && (r->status == SD_ST_RESOLVED || r->status == SD_ST_ARCHIVED)) {
            /* The survey's reply keyword: the rating (once), not a message that reopens. */
            if(r->csat == 0)
                SD_TRY(sd_ticket_customer_rate_in(d, t, a, r->id, csat, NULL));
            id = r->id;
        } else if(r) {
            SD_TRY(follow_up(d, t, a, r, &nt, "email", &id, &created, why));
        } else {
            SD_TRY(create_ticket(d, t, a, &nt, &id, why));
            created = true;
        }
        out->outcome = created ? SD_INTAKE_NEW_TICKET : SD_INTAKE_ADDED;
        out->ticket_id = id;
        SD_TRY(attach(d, t, a, id, lim, m->files, m->n_files, &out->kept, &out->refused, why));
        if(created && !robot_sender(m->from_addr))
            SD_TRY(ack_queue(d, t, a, id, m->from_addr, &out->acknowledged));
    }
    if(dedupe) {
        outcome_pack(mv, out);
        SD_TRY(sd_txn_put(t, SD_DB_INTAKE, mk, sizeof(mk), mv, sizeof(mv)));
    }
    snprintf(reason, sizeof(reason), "outcome=%d class=%u ack=%d files=%u/%u", (int)out->outcome,
             m->cls, out->acknowledged ? 1 : 0, out->kept, out->kept + out->refused);
    SD_TRY(sd_desk_audit(d, t, a, "intake.mail", out->ticket_id, NULL, reason));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(out->ticket_id)
        sd_outbox_ref(out->ref, sizeof(out->ref), out->ticket_id);
out:
    sd_trec_free(r);
    sd_txn_abort(t);
    if(err != SD_OK)
        memset(out, 0, sizeof(*out));
    return err;
}

/* ---- status, rate, suggestions, counters ---- */

void
sd_intake_status_clear(struct sd_intake_status *s)
{
    if(!s)
        return;
    for(size_t i = 0; i < s->n_replies; i++)
        sd_buf_wipe_free(&s->replies[i].body);
    free(s->replies);
    memset(s, 0, sizeof(*s));
}

sd_err
sd_intake_status(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                 const struct sd_intake_customer *cust, struct sd_intake_status *out)
{
    struct sd_ticket tk;
    struct sd_txn *t = NULL;
    struct sd_dkey *dk = NULL;
    sd_trec *r = NULL;
    size_t n = 0;
    sd_err err = SD_OK;

    memset(&tk, 0, sizeof(tk));
    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_ENSURE(customer_given(cust), SD_E_INVALID);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    err = sd_trec_load(t, id, &r);
    SD_ENSURE(err != SD_E_NOTFOUND, SD_E_NOTFOUND);
    SD_TRY(err);
    SD_TRY(customer_check(d, t, r, cust));
    SD_TRY(sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk));
    SD_TRY(sd_ticket_events_in(t, r, dk, &tk));
    for(size_t i = 0; i < tk.n_events; i++) {
        if(tk.events[i].kind == SD_EV_COMMENT && !tk.events[i].internal && tk.events[i].has_body)
            n++;
    }
    if(n > SD_INTAKE_MAX_REPLIES)
        n = SD_INTAKE_MAX_REPLIES;
    if(n) {
        out->replies = calloc(n, sizeof(*out->replies));
        SD_ENSURE(out->replies, SD_E_NOMEM);
    }
    for(size_t i = 0; i < tk.n_events && out->n_replies < n; i++) {
        struct sd_event *e = &tk.events[i];
        struct sd_intake_reply *rp;

        if(e->kind != SD_EV_COMMENT || e->internal || !e->has_body)
            continue;
        rp = &out->replies[out->n_replies++];
        rp->at = e->at;
        SD_TRY(sd_buf_append(&rp->body, e->body.data, e->body.len));
        SD_TRY(sd_buf_terminate(&rp->body));
    }
    out->ticket_id = r->id;
    sd_outbox_ref(out->ref, sizeof(out->ref), r->id);
    out->status = (enum sd_status)r->status;
    out->created_at = r->created_at;
    out->updated_at = r->updated_at;
    SD_TRY(sd_desk_audit(d, t, a, "intake.status", id, NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(err != SD_OK)
        sd_intake_status_clear(out);
    sd_ticket_clear(&tk);
    sd_dkey_free(dk);
    sd_trec_free(r);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_intake_rate(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
               const struct sd_intake_customer *cust, unsigned csat, struct sd_intake_ref *out)
{
    struct sd_txn *t = NULL;
    sd_trec *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_ENSURE(customer_given(cust), SD_E_INVALID);
    SD_ENSURE(csat >= 1 && csat <= 5, SD_E_INVALID);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    err = sd_trec_load(t, id, &r);
    SD_ENSURE(err != SD_E_NOTFOUND, SD_E_NOTFOUND);
    SD_TRY(err);
    SD_TRY(customer_check(d, t, r, cust));
    SD_TRY(sd_ticket_customer_rate_in(d, t, a, id, csat, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    ref_fill(out, id);
out:
    sd_trec_free(r);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_intake_suggest(struct sd_desk *d, const char *text, const char *lang, size_t limit,
                  struct sd_kb_hit *out, size_t *n)
{
    size_t len;

    if(!d || !text || !out || !n || limit < 1 || limit > SD_INTAKE_MAX_SUGGEST)
        return SD_E_INVALID;
    *n = 0;
    len = strnlen(text, SD_INTAKE_MAX_QUESTION + 1);
    if(len > SD_INTAKE_MAX_QUESTION)
        return SD_E_LIMIT;
    if(!len || !sd_text_valid(text, len))
        return SD_E_INVALID;
    if(given(lang) && !sd_lang_canon(lang))
        return SD_E_INVALID;
    return sd_kb_search(d, text, given(lang) ? sd_lang_canon(lang) : NULL, limit, out, n);
}

sd_err
sd_intake_counts(struct sd_desk *d, uint64_t counts[4])
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && counts);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    for(size_t i = 0; i < 4; i++) {
        counts[i] = 0;
        err = sd_meta_get_u64(t, counter_names[i], &counts[i]);
        if(err == SD_E_NOTFOUND)
            err = SD_OK;
        SD_TRY(err);
    }
out:
    sd_txn_abort(t);
    return err;
}
