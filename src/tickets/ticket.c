/* Ticket writes: create (validate, redact, triage, seal, index, queue), read with timeline
 * (masked or clear, always audited), and the mutations that share one txn shape — status
 * transitions, assignment, comments, CSAT and claim-next from the queue. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>
#include <sodium.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/kb.h"
#include "sealdesk/keystore.h"
#include "sealdesk/lang.h"
#include "sealdesk/log.h"
#include "sealdesk/mask.h"
#include "sealdesk/redact.h"
#include "sealdesk/search.h"
#include "sealdesk/sla.h"
#include "sealdesk/text.h"
#include "sealdesk/textpipe.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"

static const size_t field_max[SD_F_COUNT] = {
    [SD_F_CUSTOMER_NAME] = SD_MAX_NAME_FIELD,
    [SD_F_CUSTOMER_EMAIL] = SD_MAX_EMAIL,
    [SD_F_CUSTOMER_PHONE] = SD_MAX_PHONE,
    [SD_F_CUSTOMER_UID] = SD_MAX_UID,
    [SD_F_NATIONAL_ID] = SD_MAX_NATIONAL_ID,
    [SD_F_WALLETS] = SD_MAX_WALLETS,
    [SD_F_IP_ADDRESS] = SD_MAX_IP,
    [SD_F_SUBJECT] = SD_MAX_SUBJECT,
    [SD_F_BODY] = SD_MAX_BODY,
};

static bool
present(const char *s)
{
    return s && s[0];
}

static sd_err
check_email(const char *v, size_t n)
{
    const char *at = memchr(v, '@', n);

    if(!at || at == v || at == v + n - 1 || memchr(at + 1, '@', (size_t)(v + n - at - 1)))
        return SD_E_INVALID;
    for(size_t i = 0; i < n; i++) {
        if(v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r' || v[i] == '<' ||
           v[i] == '>')
            return SD_E_INVALID;
    }
    return SD_OK;
}

static sd_err
check_phone(const char *v, size_t n)
{
    size_t digits = 0;

    for(size_t i = 0; i < n; i++) {
        if(v[i] >= '0' && v[i] <= '9')
            digits++;
        else if(!(v[i] == '+' && i == 0) && !strchr(" -().", v[i]))
            return SD_E_INVALID;
    }
    return digits >= 5 && digits <= 17 ? SD_OK : SD_E_INVALID;
}

static sd_err
check_ip(const char *v)
{
    uint8_t buf[16];

    return inet_pton(AF_INET, v, buf) == 1 || inet_pton(AF_INET6, v, buf) == 1 ? SD_OK
                                                                               : SD_E_INVALID;
}

/* Identifiers (everything but the name and the free text) carry no invisible code point: a
 * zero-width or bidi character makes one look like another and splits the blind index. */
static bool
is_identifier(enum sd_field f)
{
    return f != SD_F_CUSTOMER_NAME && f != SD_F_SUBJECT && f != SD_F_BODY;
}

/* Validate one field value: length limit, UTF-8, invisible characters, per-field syntax.
 * *why gets a static reason (no PII) on failure. */
static sd_err
check_field(enum sd_field f, const char *v, const char **why)
{
    size_t n = strnlen(v, field_max[f] + 1);
    sd_err err = SD_OK;

    *why = NULL;
    if(n > field_max[f]) {
        *why = "too long";
        return SD_E_LIMIT;
    }
    if(!sd_text_valid(v, n)) {
        *why = "not valid UTF-8 text (or holds a control character)";
        return SD_E_INVALID;
    }
    if(f != SD_F_SUBJECT && f != SD_F_BODY && sd_text_has_bidi(v, n)) { /* no scan of texts */
        *why = "bidirectional control characters are not allowed";
        return SD_E_INVALID;
    }
    if(is_identifier(f) && sd_text_has_invisible(v, n)) {
        *why = "invisible (zero-width or format) characters are not allowed";
        return SD_E_INVALID;
    }
    switch(f) {
    case SD_F_CUSTOMER_EMAIL:
        err = check_email(v, n);
        *why = "not an e-mail address (local@domain)";
        break;
    case SD_F_CUSTOMER_PHONE:
        err = check_phone(v, n);
        *why = "not a phone number (5-17 digits, optional leading +, spaces, - ( ) .)";
        break;
    case SD_F_IP_ADDRESS:
        err = check_ip(v);
        *why = "not an IPv4 or IPv6 address";
        break;
    case SD_F_CUSTOMER_UID:
    case SD_F_NATIONAL_ID:
        for(size_t i = 0; i < n && err == SD_OK; i++) {
            if((unsigned char)v[i] < 0x20)
                err = SD_E_INVALID;
        }
        *why = "control characters are not allowed";
        break;
    default:
        break;
    }
    if(err == SD_OK)
        *why = NULL;
    return err;
}

sd_err
sd_ticket_check(const struct sd_ticket_new *in, const char **field, const char **why)
{
    const char *dummy_f;
    const char *dummy_w;

    if(!field)
        field = &dummy_f;
    if(!why)
        why = &dummy_w;
    *field = NULL;
    *why = NULL;
    if(!in)
        return SD_E_INVALID;
    if(!(in->channel >= SD_CH_CHAT && in->channel < SD_CH_COUNT)) {
        *field = "channel";
        *why = "unknown channel";
        return SD_E_INVALID;
    }
    if(!(in->category >= -1 && in->category < SD_CAT_COUNT)) {
        *field = "category";
        *why = "unknown category";
        return SD_E_INVALID;
    }
    if(!(in->priority >= 0 && in->priority <= 4)) {
        *field = "priority";
        *why = "must be P1..P4";
        return SD_E_INVALID;
    }
    if(!in->field[SD_F_SUBJECT]) {
        *field = "subject";
        *why = "required";
        return SD_E_INVALID;
    }
    if(!present(in->field[SD_F_BODY])) {
        *field = "body";
        *why = "required";
        return SD_E_INVALID;
    }
    if(present(in->lang) && !sd_lang_canon(in->lang)) {
        *field = "lang";
        *why = "must be zh, zh-Hant, en or ko";
        return SD_E_INVALID;
    }
    for(int f = SD_F_CUSTOMER_NAME; f < SD_F_COUNT; f++) {
        sd_err err;

        if(!present(in->field[f]))
            continue;
        err = check_field((enum sd_field)f, in->field[f], why);
        if(err != SD_OK) {
            *field = sd_field_name((enum sd_field)f);
            return err;
        }
    }
    return SD_OK;
}

/* Object-level rule of DESIGN.md "Roles": an agent (without supervisor or compliance) works
 * only on tickets that are theirs or still unassigned. */
static sd_err
may_touch(const struct sd_actor *a, const sd_trec *r)
{
    unsigned wide = SD_ROLE_SUPERVISOR | SD_ROLE_COMPLIANCE | SD_ROLE_SYSTEM;

    if(a->roles & wide)
        return SD_OK;
    if(r->assignee[0] == 0 || strcmp(r->assignee, a->name) == 0)
        return SD_OK;
    return SD_E_DENIED;
}

sd_err
sd_ticket_may_touch(const struct sd_actor *a, const sd_trec *r)
{
    return may_touch(a, r);
}

/* Who may hold a ticket (issue 13): an existing, enabled user with the agent role. self_ok: the
 * caller names themselves in a claim (an authenticated user the policy let claim). The local
 * operator (SD_ROLE_SYSTEM: offline tools, tests) may still name someone who is not a user
 * (routing profiles, scripts), but never a disabled or non-agent user. SD_E_INVALID names the
 * agent field. */
static sd_err
assignee_ok(struct sd_txn *t, const struct sd_actor *a, const char *name, bool self_ok)
{
    struct sd_user u;
    sd_err err;

    if(self_ok && strcmp(name, a->name) == 0)
        return SD_OK;
    err = sd_user_get(t, name, &u);
    if(err == SD_E_NOTFOUND)
        return (a->roles & SD_ROLE_SYSTEM) ? SD_OK : SD_E_INVALID;
    if(err != SD_OK)
        return err;
    return !u.disabled && (u.roles & SD_ROLE_AGENT) ? SD_OK : SD_E_INVALID;
}

sd_err
sd_ticket_assignee_ok(struct sd_txn *t, const struct sd_actor *a, const char *name, bool self_ok)
{
    return assignee_ok(t, a, name, self_ok);
}

/* Unmask: the assignee, supervisors and compliance, with a reason, within the hourly limit
 * (charged in the same txn as the read, so a refused read costs nothing). */
static sd_err
may_unmask(struct sd_txn *t, const struct sd_actor *a, const sd_trec *r, const char *reason)
{
    if(a->roles & SD_ROLE_SYSTEM)
        return SD_OK;
    if(!reason || sd_text_blank(reason, strlen(reason)))
        return SD_E_INVALID;
    if(!(a->roles & (SD_ROLE_SUPERVISOR | SD_ROLE_COMPLIANCE)) &&
       !(r->assignee[0] && strcmp(r->assignee, a->name) == 0))
        return SD_E_DENIED;
    switch(sd_auth_unmask_charge(t, a->name, sd_clock_now())) {
    case SD_OK:
        return SD_OK;
    case SD_E_LIMIT:
        return SD_E_LIMIT;
    default:
        return SD_E_DENIED; /* not a known user: no unmask */
    }
}

sd_err
sd_ticket_may_unmask(struct sd_txn *t, const struct sd_actor *a, const sd_trec *r,
                     const char *reason)
{
    return may_unmask(t, a, r, reason);
}

/* Replace a string field of an unpacked record: protobuf-c frees it with free_unpacked. */
static sd_err
set_str(char **slot, const char *v)
{
    char *copy = strdup(v);

    if(!copy)
        return SD_E_NOMEM;
    if(*slot && *slot != protobuf_c_empty_string)
        free(*slot);
        /* gcc -fanalyzer cannot see that free_unpacked frees the record's strings, copy included. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif
    *slot = copy;
    return SD_OK;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}

static unsigned
redact_bits(const struct sd_redact_report *r)
{
    unsigned bits = 0;

    for(int k = 0; k < SD_REDACT_KIND_COUNT; k++) {
        if(r->count[k])
            bits |= 1u << k;
    }
    return bits;
}

static void
redact_detail(char *out, size_t cap, const struct sd_redact_report *a,
              const struct sd_redact_report *b)
{
    size_t off = 0;

    out[0] = 0;
    for(int k = 0; k < SD_REDACT_KIND_COUNT; k++) {
        unsigned c = a->count[k] + (b ? b->count[k] : 0);
        int w;

        if(!c)
            continue;
        w = snprintf(out + off, cap - off, "%s%s=%u", off ? " " : "",
                     sd_redact_kind_name((enum sd_redact_kind)k), c);
        if(w < 0 || (size_t)w >= cap - off)
            break;
        off += (size_t)w;
    }
}

/* Up to SD_MAX_SUGGESTED published articles for a new ticket, from its redacted subject and
 * the start of its body (SUGGEST_QUERY bytes, cut at a character boundary: the question is
 * nearly always at the start), in the ticket's language first. An empty knowledge base or a
 * text with no searchable words suggests nothing; only store and memory errors are errors. */
#define SUGGEST_QUERY SD_TEXTPIPE_QUERY
static sd_err
find_suggestions(struct sd_desk *d, struct sd_txn *t, const char *lang, int category,
                 const struct sd_buf *text, const struct sd_buf *qfold,
                 uint64_t ids[SD_MAX_SUGGESTED], size_t *n)
{
    struct sd_kb_hit hits[SD_MAX_SUGGESTED];
    size_t len, got = 0;
    sd_err err;

    _Static_assert(SUGGEST_QUERY <= SD_KB_MAX_QUERY, "suggestion query fits a search");
    *n = 0;
    if(!d->hooks.kb_search)
        return SD_OK; /* no knowledge base: nothing to suggest */
    len = sd_textpipe_query_len(text->data, text->len);
    if(d->hooks.kb_suggest) /* articles agents sent for this kind of ticket rank higher; the
                               query's fold is the pipeline's (textpipe.h) */
        err = d->hooks.kb_suggest(t, (const char *)text->data, len, (const char *)qfold->data,
                                  qfold->len, lang, category, SD_MAX_SUGGESTED, false, hits, &got);
    else
        err = d->hooks.kb_search(t, (const char *)text->data, len, lang, SD_MAX_SUGGESTED, false,
                                 hits, &got);
    if(err == SD_E_INVALID || err == SD_E_LIMIT)
        return SD_OK;
    if(err != SD_OK)
        return err;
    for(size_t i = 0; i < got; i++)
        ids[i] = hits[i].id;
    *n = got;
    return SD_OK;
}

/* A pasted seed phrase or private key means the funds are at risk now, whatever else the
 * ticket says (issue 17): the "move your funds" guidance goes first among the suggestions, in
 * the ticket's language, and the search's own suggestions follow (the last one drops out when
 * all places are taken). Without a knowledge base or that article nothing changes. */
#define SECRET_GUIDANCE "security-secret-exposed"
static sd_err
suggest_guidance(struct sd_desk *d, struct sd_txn *t, const char *lang, bool secret_pasted,
                 uint64_t ids[SD_MAX_SUGGESTED], size_t *n)
{
    uint64_t id;
    size_t at;
    sd_err err;

    if(!secret_pasted || !d->hooks.kb_slug)
        return SD_OK;
    err = d->hooks.kb_slug(t, SECRET_GUIDANCE, lang, &id);
    if(err == SD_E_NOTFOUND)
        return SD_OK;
    if(err != SD_OK)
        return err;
    for(at = 0; at < *n && ids[at] != id; at++)
        ;
    if(at == *n && *n < SD_MAX_SUGGESTED)
        (*n)++;
    if(at == *n)
        at = *n - 1; /* full: the last suggestion gives way */
    memmove(&ids[1], &ids[0], at * sizeof(ids[0]));
    ids[0] = id;
    return SD_OK;
}

/* Everything about a new ticket that needs neither its id nor the write txn: validated input,
 * redacted subject and body, triage, language, blind indexes and (when searched before the
 * txn) the suggested articles. Wiped on free. */
struct sd_ticket_prep {
    struct sd_ticket_new in;        /* pointers into the caller's input (not owned) */
    struct sd_buf subj, body, both; /* redacted; both = subject "\n" body */
    struct sd_buf folded;           /* the pipeline's fold of subj " " body: triage, search */
    struct sd_buf qfold;            /* the pipeline's fold of the KB query (textpipe.h) */
    struct sd_redact_report rs, rb;
    struct sd_triage_result tr;
    const char *lang; /* static string */
    bool lang_given;  /* the caller named the language: a profile's does not override it */
    bool client_triage;
    uint8_t bidx[3][SD_BIDX_BYTES];
    bool has_bidx[3];
    int cust; /* index into bidx of the customer key, or -1 */
    bool searched;
    size_t n_suggested;
    uint64_t suggested[SD_MAX_SUGGESTED];
};

static const enum sd_field bidx_fields[3] = {SD_F_CUSTOMER_UID, SD_F_CUSTOMER_EMAIL,
                                             SD_F_CUSTOMER_PHONE};

void
sd_ticket_prep_free(struct sd_ticket_prep *p)
{
    if(!p)
        return;
    sd_buf_wipe_free(&p->subj);
    sd_buf_wipe_free(&p->body);
    sd_buf_wipe_free(&p->both);
    sd_buf_wipe_free(&p->folded);
    sd_buf_wipe_free(&p->qfold);
    sodium_memzero(p, sizeof(*p));
    free(p);
}

/* The prepare step; search_kb runs the suggestion search in its own read txn (callers that
 * hold a write txn on this thread pass false: the create txn searches instead). */
static sd_err
prepare(struct sd_desk *d, const struct sd_ticket_new *in, bool search_kb,
        struct sd_ticket_prep **out)
{
    static const enum sd_bidx_kind bidx_kinds[3] = {SD_BIDX_UID, SD_BIDX_EMAIL, SD_BIDX_PHONE};
    struct sd_ticket_prep *p = NULL;
    struct sd_textpipe tp = SD_TEXTPIPE_INIT;
    struct sd_triage_learned learned;
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && in && out);
    *out = NULL;
    SD_TRY(sd_ticket_check(in, NULL, NULL));
    p = calloc(1, sizeof(*p));
    SD_ENSURE(p, SD_E_NOMEM);
    p->in = *in;
    p->cust = -1;
    /* Secrets never reach the store: redact before anything is sealed or triaged. The one
     * text pipeline redacts, folds once and triages; routing matches agents by the language
     * of the redacted text and the KB suggestion searches it (textpipe.h). */
    SD_TRY(sd_textpipe_run(&tp, d->rules, in->field[SD_F_SUBJECT], strlen(in->field[SD_F_SUBJECT]),
                           in->field[SD_F_BODY], strlen(in->field[SD_F_BODY]), in->vip));
    p->subj = tp.subj;
    p->body = tp.body;
    p->both = tp.both;
    p->folded = tp.folded;
    p->qfold = tp.qfold;
    tp.subj = tp.body = tp.both = tp.folded = tp.qfold = (struct sd_buf)SD_BUF_INIT; /* moved */
    p->rs = tp.rs;
    p->rb = tp.rb;
    p->tr = tp.tr;
    p->lang = tp.lang;
    /* The desk's corrections adjust the rules (src/learn; never below the fund-safety floor):
     * triage again on the same folded text only when the model has something to say. */
    SD_TRY(sd_desk_learned(d, p->subj.data, p->subj.len, p->body.data, p->body.len, &learned));
    if(learned.active)
        SD_TRY(sd_triage_classify_folded_learned(d->rules, (const char *)p->folded.data,
                                                 p->folded.len, in->vip, tp.secrets, &learned,
                                                 &p->tr));
    if(present(in->lang)) {
        const char *canon = sd_lang_canon(in->lang);

        SD_ENSURE(canon, SD_E_INVALID);
        p->lang = canon;
        p->lang_given = true;
    }
    if(in->category >= 0) {
        p->tr.category = (enum sd_category)in->category;
        p->client_triage = true;
    }
    if(in->priority > 0) {
        p->tr.priority = in->priority;
        p->client_triage = true;
    }
    for(int i = 0; i < 3; i++) {
        const char *v = in->field[bidx_fields[i]];

        if(!present(v))
            continue;
        SD_TRY(sd_bidx(d->kr, bidx_kinds[i], v, strlen(v), p->bidx[i]));
        p->has_bidx[i] = true;
        if(p->cust < 0)
            p->cust = i; /* the customer is keyed by uid, else email, else phone */
    }
    if(search_kb) {
        SD_TRY(sd_txn_begin(d->store, false, &t));
        SD_TRY(find_suggestions(d, t, p->lang, (int)p->tr.category, &p->both, &p->qfold,
                                p->suggested, &p->n_suggested));
        p->searched = true;
    }
    *out = p;
    p = NULL;
out:
    sd_txn_abort(t);
    sd_textpipe_free(&tp);
    sd_ticket_prep_free(p);
    return err;
}

sd_err
sd_ticket_prepare(struct sd_desk *d, const struct sd_ticket_new *in, struct sd_ticket_prep **out)
{
    return prepare(d, in, true, out);
}

sd_err
sd_ticket_create_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                    const struct sd_ticket_prep *p, struct sd_ticket *out)
{
    sd_trec rec = SEALDESK__V1__TICKET_RECORD__INIT;
    struct sd_buf sealed[SD_F_COUNT];
    char *sigs[SD_TRIAGE_MAX_SIGNALS];
    char detail[160];
    uint8_t digest[32], idb[8];
    uint64_t suggested[SD_MAX_SUGGESTED];
    size_t n_suggested = 0, n_inc = 0;
    uint64_t *inc_ids = NULL;
    struct sd_dkey *dk = NULL;
    uint64_t now = sd_clock_now();
    sd_err err = SD_OK;

    memset(sealed, 0, sizeof(sealed));
    SD_CHECK_ARG(d && t && p && out);
    SD_TRY(sd_actor_check(a));
    rec.lang = (char *)p->lang;
    rec.triage_source = p->client_triage ? 1 : 0;

    SD_TRY(sd_meta_next(t, "next_ticket", &rec.id));
    SD_TRY(sd_keys_customer_dkey(t, d->kr, p->cust >= 0 ? p->bidx[p->cust] : NULL, &dk));
    for(int f = SD_F_CUSTOMER_NAME; f < SD_F_COUNT; f++) {
        const uint8_t *pt = (const uint8_t *)p->in.field[f];
        size_t n = pt ? strlen(p->in.field[f]) : 0;

        if(f == SD_F_SUBJECT) {
            pt = p->subj.data;
            n = p->subj.len;
        } else if(f == SD_F_BODY) {
            pt = p->body.data;
            n = p->body.len;
        }
        if(!n)
            continue;
        SD_TRY(sd_field_seal(&sealed[f], dk, rec.id, (uint32_t)f, pt, n));
        sd_trec_set_field(&rec, (enum sd_field)f, sealed[f].data, sealed[f].len);
    }
    rec.created_at = rec.updated_at = now;
    rec.channel = (uint32_t)p->in.channel;
    rec.category = (uint32_t)p->tr.category;
    rec.priority = (uint32_t)p->tr.priority;
    rec.status = SD_ST_RECEIVED;
    rec.vip = p->in.vip;
    for(size_t i = 0; i < p->tr.n_signals; i++)
        sigs[i] = (char *)p->tr.signals[i];
    rec.n_signals = p->tr.n_signals;
    /* A known customer's ticket inherits the profile's VIP tier and language (issue 15: a
     * VIP's follow-up came in with vip=false); VIP raises the rules' priority as in triage. */
    if(d->hooks.customer_defaults) {
        bool found = false;
        unsigned tier = 0;
        const char *plang = "";

        SD_TRY(d->hooks.customer_defaults(
            t, p->has_bidx[0] ? p->bidx[0] : NULL, p->has_bidx[1] ? p->bidx[1] : NULL,
            p->has_bidx[2] ? p->bidx[2] : NULL, &found, &tier, &plang));
        if(found && plang && plang[0] && !p->lang_given)
            rec.lang = (char *)plang;
        if(found && tier > 0 && !rec.vip) {
            rec.vip = true;
            if(p->in.priority == 0 && rec.priority > 1) {
                rec.priority--;
                if(rec.n_signals < SD_TRIAGE_MAX_SIGNALS)
                    sigs[rec.n_signals++] = (char *)"vip_raise";
            }
        }
    }
    sd_sla_due((int)rec.priority, now, &rec.sla_first_response_due, &rec.sla_resolution_due);
    rec.data_key_id = sd_dkey_id(dk);
    rec.redaction_flags = redact_bits(&p->rs) | redact_bits(&p->rb);
    rec.signals = sigs;
    sd_put_u64be(idb, rec.id);
    for(int i = 0; i < 3; i++) {
        if(p->has_bidx[i])
            SD_TRY(
                sd_txn_put_late(t, SD_DB_BY_CUSTOMER, p->bidx[i], SD_BIDX_BYTES, idb, sizeof(idb)));
    }

    snprintf(detail, sizeof(detail), "channel=%s vip=%d", sd_channel_name(p->in.channel),
             rec.vip ? 1 : 0);
    SD_TRY(sd_event_add(t, &rec, a->name, SD_EV_CREATED, 0, SD_ST_RECEIVED, NULL, false, detail));
    snprintf(detail, sizeof(detail), "category=%s priority=P%u source=%s",
             sd_category_name(p->tr.category), rec.priority,
             rec.triage_source ? "client" : "rules");
    SD_TRY(sd_event_add(t, &rec, a->name, SD_EV_TRIAGED, 0, 0, NULL, false, detail));
    if(rec.redaction_flags) {
        redact_detail(detail, sizeof(detail), &p->rs, &p->rb);
        SD_TRY(sd_event_add(t, &rec, "system", SD_EV_REDACTED, 0, 0, NULL, false, detail));
    }
    /* Suggestions: searched before the txn when the caller prepared, else here. */
    if(p->searched) {
        n_suggested = p->n_suggested;
        memcpy(suggested, p->suggested, n_suggested * sizeof(suggested[0]));
    } else {
        SD_TRY(find_suggestions(d, t, p->lang, (int)p->tr.category, &p->both, &p->qfold, suggested,
                                &n_suggested));
    }
    SD_TRY(suggest_guidance(
        d, t, p->lang,
        p->rs.count[SD_REDACT_SEED_PHRASE] + p->rb.count[SD_REDACT_SEED_PHRASE] +
                p->rs.count[SD_REDACT_PRIVATE_KEY] + p->rb.count[SD_REDACT_PRIVATE_KEY] >
            0,
        suggested, &n_suggested));
    if(n_suggested) {
        size_t off = 0;

        for(size_t i = 0; i < n_suggested; i++)
            off += (size_t)snprintf(detail + off, sizeof(detail) - off, "%s%" PRIu64,
                                    i ? "," : "kb=", suggested[i]);
        rec.suggested_articles = suggested;
        rec.n_suggested_articles = n_suggested;
        SD_TRY(sd_event_add(t, &rec, "system", SD_EV_SUGGESTED, 0, 0, NULL, false, detail));
    }
    /* Incident suggestions go on the timeline of the record about to be stored. */
    if(d->hooks.incident_find)
        SD_TRY(d->hooks.incident_find(t, &rec, (const char *)p->both.data, p->both.len, &inc_ids,
                                      &n_inc));
    /* The index entries and (below) the search postings are put late: in a group-commit child
     * they go into the batch txn after the child merged, instead of the child copying the pages
     * they land on (README "Figures"). */
    SD_TRY(sd_trec_index_new(t, &rec));
    /* The search postings (keyed hashes of subject and body terms) commit with the ticket. The
     * terms come from the pipeline's fold of subject " " body, which cuts into the same terms
     * as folding `both` again (subject "\n" body: a blank and a newline both end a term, and
     * the fold never joins characters across an ASCII one; test_textpipe checks it on every
     * labelled set), so the ticket text is folded once. */
    SD_TRY(
        sd_search_index_folded_in(t, d->kr, rec.id, (const char *)p->folded.data, p->folded.len));
    SD_TRY(sd_trec_store_new(t, &rec, digest));
    SD_TRY(sd_desk_audit(d, t, a, "ticket.create", rec.id, digest, NULL));
    if(d->hooks.incident_store)
        SD_TRY(d->hooks.incident_store(d, t, a, rec.id, inc_ids, n_inc));
    memset(out, 0, sizeof(*out));
    sd_trec_meta(out, &rec);
out:
    free(inc_ids);
    sd_dkey_free(dk);
    for(int f = 0; f < SD_F_COUNT; f++)
        sd_buf_free(&sealed[f]);
    return err;
}

sd_err
sd_ticket_create_prepared(struct sd_desk *d, const struct sd_actor *a,
                          const struct sd_ticket_prep *p, struct sd_ticket *out)
{
    struct sd_ticket got;
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && p && out);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_ticket_create_in(d, t, a, p, &got));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    *out = got;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_ticket_prepare_in(struct sd_desk *d, const struct sd_ticket_new *in, struct sd_ticket_prep **out)
{
    return prepare(d, in, false, out);
}

sd_err
sd_ticket_create(struct sd_desk *d, const struct sd_actor *a, const struct sd_ticket_new *in,
                 struct sd_ticket *out)
{
    struct sd_ticket_prep *p = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && in && out);
    SD_TRY(sd_actor_check(a));
    /* The search runs inside the create txn here: this thread may be batching (store.h). */
    SD_TRY(prepare(d, in, false, &p));
    SD_TRY(sd_ticket_create_prepared(d, a, p, out));
out:
    sd_ticket_prep_free(p);
    return err;
}

void
sd_ticket_clear(struct sd_ticket *t)
{
    if(!t)
        return;
    for(int f = 0; f < SD_F_COUNT; f++)
        sd_buf_wipe_free(&t->field[f]);
    for(size_t i = 0; i < t->n_events; i++)
        sd_buf_wipe_free(&t->events[i].body);
    free(t->events);
    memset(t, 0, sizeof(*t));
}

static bool
maskable(enum sd_field f)
{
    return f != SD_F_SUBJECT && f != SD_F_BODY;
}

/* Decrypt (and mask) every present field of r into out. */
static sd_err
read_fields(const sd_trec *r, const struct sd_dkey *dk, bool unmask, struct sd_ticket *out)
{
    struct sd_buf plain = SD_BUF_INIT;
    sd_err err = SD_OK;

    for(int f = SD_F_CUSTOMER_NAME; f < SD_F_COUNT; f++) {
        const uint8_t *p;
        size_t n;

        sd_trec_field(r, (enum sd_field)f, &p, &n);
        if(!n)
            continue;
        out->has[f] = true;
        if(!dk) {
            SD_TRY(sd_buf_append_str(&out->field[f], "[shredded]"));
            SD_TRY(sd_buf_terminate(&out->field[f]));
            continue;
        }
        err = sd_field_open(&plain, dk, r->id, (uint32_t)f, p, n);
        if(err == SD_E_CRYPTO)
            sd_log(SD_LOG_WARN, "integrity_fail", "ticket=%" PRIu64 " field=%s", r->id,
                   sd_field_name((enum sd_field)f));
        SD_TRY(err);
        if(!unmask && maskable((enum sd_field)f))
            SD_TRY(sd_mask(&out->field[f], (enum sd_field)f, (const char *)plain.data, plain.len));
        else
            SD_TRY(sd_buf_append(&out->field[f], plain.data, plain.len));
        SD_TRY(sd_buf_terminate(&out->field[f]));
        sd_buf_wipe_free(&plain);
    }
out:
    sd_buf_wipe_free(&plain);
    return err;
}

static sd_err
read_events(struct sd_txn *t, const sd_trec *r, const struct sd_dkey *dk, struct sd_ticket *out)
{
    Sealdesk__V1__EventRecord *e = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint8_t start[12];
    size_t cap = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_TRY(sd_cursor_open(t, SD_DB_EVENTS, &c));
    sd_put_u64be(start, r->id);
    sd_put_u32be(start + 8, 0);
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        struct sd_event *ev;

        if(k.n != 12 || sd_get_u64be(k.p) != r->id)
            break;
        if(out->n_events == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct sd_event *p = realloc(out->events, ncap * sizeof(*p));

            SD_ENSURE(p, SD_E_NOMEM);
            out->events = p;
            cap = ncap;
        }
        e = sealdesk__v1__event_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(e && e->ticket_id == r->id, SD_E_STORE);
        ev = &out->events[out->n_events++];
        memset(ev, 0, sizeof(*ev));
        ev->seq = e->seq;
        ev->at = e->at;
        snprintf(ev->actor, sizeof(ev->actor), "%s", e->actor);
        ev->kind = (enum sd_event_kind)e->kind;
        ev->from_status = (int)e->from_status;
        ev->to_status = (int)e->to_status;
        ev->internal = e->internal;
        snprintf(ev->detail, sizeof(ev->detail), "%s", e->detail);
        if(e->body.len) {
            ev->has_body = true;
            if(!dk) {
                SD_TRY(sd_buf_append_str(&ev->body, "[shredded]"));
            } else {
                err = sd_field_open(&ev->body, dk, r->id, SD_F_COMMENT_BASE + e->seq, e->body.data,
                                    e->body.len);
                if(err == SD_E_CRYPTO)
                    sd_log(SD_LOG_WARN, "integrity_fail", "ticket=%" PRIu64 " event=%u", r->id,
                           e->seq);
                SD_TRY(err);
            }
            SD_TRY(sd_buf_terminate(&ev->body));
        }
        sealdesk__v1__event_record__free_unpacked(e, NULL);
        e = NULL;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    if(e)
        sealdesk__v1__event_record__free_unpacked(e, NULL);
    sd_cursor_close(c);
    return err;
}

/* Open the ticket's data key; *dk stays NULL (and *shredded true) when it was erased. */
static sd_err
open_dkey(struct sd_desk *d, struct sd_txn *t, const sd_trec *r, struct sd_dkey **dk,
          bool *shredded)
{
    sd_err err = sd_keys_dkey_open(t, d->kr, r->data_key_id, dk);

    *shredded = false;
    if(err == SD_E_SHREDDED) {
        *shredded = true;
        *dk = NULL;
        return SD_OK;
    }
    return err;
}

sd_err
sd_ticket_get(struct sd_desk *d, const struct sd_actor *a, uint64_t id, bool unmask,
              const char *reason, struct sd_ticket *out)
{
    struct sd_txn *t = NULL;
    struct sd_dkey *dk = NULL;
    sd_trec *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_CHECK_ARG(!reason || strnlen(reason, SD_MAX_REASON + 1) <= SD_MAX_REASON);
    SD_CHECK_ARG(!reason || sd_text_valid(reason, strlen(reason)));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_trec_load(t, id, &r));
    SD_TRY(may_touch(a, r));
    if(unmask)
        SD_TRY(may_unmask(t, a, r, reason));
    sd_trec_meta(out, r);
    out->n_transitions = sd_ticket_transitions(a, out, out->transitions, SD_ST_COUNT);
    SD_TRY(open_dkey(d, t, r, &dk, &out->shredded));
    SD_TRY(read_fields(r, dk, unmask, out));
    SD_TRY(read_events(t, r, dk, out));
    SD_TRY(sd_desk_audit(d, t, a, unmask ? "ticket.unmask" : "ticket.read", id, NULL, reason));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(err != SD_OK)
        sd_ticket_clear(out);
    sd_txn_abort(t);
    sd_dkey_free(dk);
    sd_trec_free(r);
    return err;
}

sd_err
sd_ticket_events_in(struct sd_txn *t, const sd_trec *r, const struct sd_dkey *dk,
                    struct sd_ticket *out)
{
    return read_events(t, r, dk, out);
}

/* ---- mutations: one txn shape for all of them ---- */

typedef sd_err (*mutate_fn)(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                            sd_trec *r, void *ctx, const char **action);

/* touch: apply the agent object rule (may_touch); the customer's acts (intake) are checked by
 * the caller against the ticket's customer instead. */
static sd_err
mutate_core(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id,
            mutate_fn fn, void *ctx, struct sd_ticket *out, bool touch, bool late_index)
{
    sd_trec *r = NULL;
    const char *action = NULL;
    uint8_t digest[32];
    struct sd_trec_ix ix;
    bool late;
    sd_err err = SD_OK;

    SD_TRY(sd_trec_load(t, id, &r));
    if(touch)
        SD_TRY(may_touch(a, r));
    /* a change that reads no ticket index keeps the ticket in them and moves only the entries
     * it changed (a comment: none of them) */
    late = late_index && sd_trec_ix_of(&ix, r);
    if(!late)
        SD_TRY(sd_trec_unindex(t, r));
    r->updated_at = sd_clock_now();
    SD_TRY(fn(d, t, a, r, ctx, &action));
    SD_TRY(late ? sd_trec_reindex(t, &ix, r) : sd_trec_index(t, r));
    SD_TRY(sd_trec_store(t, r, digest));
    SD_TRY(sd_desk_audit(d, t, a, action, id, digest, NULL));
    if(out) {
        memset(out, 0, sizeof(*out));
        sd_trec_meta(out, r);
    }
out:
    sd_trec_free(r);
    return err;
}

static sd_err
mutate_in_as(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id,
             mutate_fn fn, void *ctx, struct sd_ticket *out, bool touch)
{
    return mutate_core(d, t, a, id, fn, ctx, out, touch, false);
}

static sd_err
mutate_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id, mutate_fn fn,
          void *ctx, struct sd_ticket *out)
{
    return mutate_in_as(d, t, a, id, fn, ctx, out, true);
}

/* mutate for a change fn that reads none of the ticket indexes (queue, by_status,
 * by_assignee): see mutate_core. */
static sd_err
mutate_txn(struct sd_desk *d, const struct sd_actor *a, uint64_t id, mutate_fn fn, void *ctx,
           struct sd_ticket *out, bool late_index)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(mutate_core(d, t, a, id, fn, ctx, out, true, late_index));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

static sd_err
mutate(struct sd_desk *d, const struct sd_actor *a, uint64_t id, mutate_fn fn, void *ctx,
       struct sd_ticket *out)
{
    return mutate_txn(d, a, id, fn, ctx, out, false);
}

static bool
transition_ok(int from, int to)
{
    switch(from) {
    case SD_ST_RECEIVED:
        return to == SD_ST_IN_PROGRESS || to == SD_ST_WAITING_CUSTOMER || to == SD_ST_RESOLVED;
    case SD_ST_IN_PROGRESS:
        return to == SD_ST_WAITING_CUSTOMER || to == SD_ST_RESOLVED;
    case SD_ST_WAITING_CUSTOMER:
        return to == SD_ST_IN_PROGRESS || to == SD_ST_RESOLVED;
    case SD_ST_RESOLVED:
        return to == SD_ST_ARCHIVED || to == SD_ST_REOPEN;
    default:
        return false; /* archived is final */
    }
}

size_t
sd_ticket_transitions(const struct sd_actor *a, const struct sd_ticket *t, int *out, size_t cap)
{
    static const int targets[] = {SD_ST_RECEIVED, SD_ST_IN_PROGRESS, SD_ST_WAITING_CUSTOMER,
                                  SD_ST_RESOLVED, SD_ST_ARCHIVED,    SD_ST_REOPEN};
    size_t n = 0;

    if(!a || !t || !sd_policy_allows(a->roles, SD_OP_TICKET_TRANSITION))
        return 0;
    /* do_transition's rule: the assignee, a supervisor or the local operator */
    if(!(a->roles & (SD_ROLE_SUPERVISOR | SD_ROLE_SYSTEM)) &&
       !(t->assignee[0] && strcmp(t->assignee, a->name) == 0))
        return 0;
    for(size_t i = 0; i < sizeof(targets) / sizeof(targets[0]) && n < cap; i++) {
        if(transition_ok((int)t->status, targets[i]))
            out[n++] = targets[i];
    }
    return n;
}

static sd_err
do_transition(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, sd_trec *r, void *ctx,
              const char **action)
{
    int to = *(int *)ctx;
    int from = (int)r->status;
    uint64_t now = r->updated_at;
    struct sd_dkey *dk = NULL;
    sd_err err = SD_OK;

    /* Only the assignee works a ticket. Supervisors (and the local operator) may act on any
     * and take an unassigned one out of queue order; agents take queued tickets with a claim
     * (queue order, or what their routing profile allows). */
    SD_ENSURE((a->roles & (SD_ROLE_SUPERVISOR | SD_ROLE_SYSTEM)) ||
                  (r->assignee[0] && strcmp(r->assignee, a->name) == 0),
              SD_E_DENIED);
    SD_ENSURE(transition_ok(from, to), SD_E_PRECONDITION);
    if(to == SD_ST_REOPEN) {
        r->status = SD_ST_IN_PROGRESS;
        r->resolved_at = 0;
        r->reopen_count++;
        *action = "ticket.reopen";
        SD_TRY(sd_event_add(t, r, a->name, SD_EV_REOPENED, from, SD_ST_IN_PROGRESS, NULL, false,
                            NULL));
        goto out;
    }
    /* Working a ticket means owning it: an unassigned ticket goes to the actor. */
    if(r->assignee[0] == 0 && to != SD_ST_RESOLVED) {
        SD_TRY(set_str(&r->assignee, a->name));
        r->claimed_at = now;
    }
    if(!r->first_response_at && (to == SD_ST_WAITING_CUSTOMER || to == SD_ST_RESOLVED))
        r->first_response_at = now;
    if(to == SD_ST_RESOLVED)
        r->resolved_at = now;
    if(to == SD_ST_ARCHIVED)
        r->archived_at = now;
    r->status = (uint32_t)to;
    *action = "ticket.status";
    SD_TRY(sd_event_add(t, r, a->name, SD_EV_STATUS, from, to, NULL, false, NULL));
    if(to == SD_ST_RESOLVED) {
        /* The CSAT survey commits with the resolution (issue 15); a shredded customer gets
         * none. */
        err = sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk);
        if(err == SD_E_SHREDDED)
            err = SD_OK;
        else if(err == SD_OK)
            err = sd_ticket_mail_in(d, t, a, r, dk, SD_OUTBOX_CSAT, NULL);
        SD_TRY(err);
    }
out:
    sd_dkey_free(dk);
    return err;
}

sd_err
sd_ticket_transition_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id,
                        int to)
{
    if(!((to >= SD_ST_RECEIVED && to < SD_ST_COUNT) || to == SD_ST_REOPEN))
        return SD_E_INVALID;
    return mutate_in(d, t, a, id, do_transition, &to, NULL);
}

sd_err
sd_ticket_transition(struct sd_desk *d, const struct sd_actor *a, uint64_t id, int to,
                     struct sd_ticket *out)
{
    if(!((to >= SD_ST_RECEIVED && to < SD_ST_COUNT) || to == SD_ST_REOPEN))
        return SD_E_INVALID;
    return mutate(d, a, id, do_transition, &to, out);
}

static sd_err
do_assign(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, sd_trec *r, void *ctx,
          const char **action)
{
    const char *agent = ctx;
    char detail[96];
    sd_err err = SD_OK;

    (void)d;
    SD_ENSURE(r->status != SD_ST_ARCHIVED && r->status != SD_ST_RESOLVED, SD_E_PRECONDITION);
    SD_TRY(assignee_ok(t, a, agent, false));
    snprintf(detail, sizeof(detail), "from=%s to=%s", r->assignee, agent);
    SD_TRY(set_str(&r->assignee, agent));
    r->claimed_at = r->updated_at;
    *action = "ticket.assign";
    SD_TRY(sd_event_add(t, r, a->name, SD_EV_ASSIGNED, 0, 0, NULL, false, detail));
out:
    return err;
}

sd_err
sd_ticket_assign(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *agent,
                 struct sd_ticket *out)
{
    if(!sd_agent_name_ok(agent))
        return SD_E_INVALID;
    return mutate(d, a, id, do_assign, (void *)agent, out);
}

struct comment_ctx {
    const char *body;
    bool internal;
    const char *detail;       /* timeline detail; NULL: "internal" or "public" */
    enum sd_outbox_kind mail; /* a public one is mailed to the customer as this kind */
};

static sd_err
do_comment(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, sd_trec *r, void *ctx,
           const char **action)
{
    struct comment_ctx *c = ctx;
    struct sd_buf clean = SD_BUF_INIT, sealed = SD_BUF_INIT;
    struct sd_redact_report rep;
    struct sd_dkey *dk = NULL;
    char detail[160];
    sd_err err = SD_OK;

    /* Compliance may add internal notes; public replies come from agents and supervisors. */
    SD_ENSURE(c->internal ||
                  (a->roles & (SD_ROLE_AGENT | SD_ROLE_SUPERVISOR | SD_ROLE_SYSTEM)) != 0,
              SD_E_DENIED);
    SD_ENSURE(r->status != SD_ST_ARCHIVED, SD_E_PRECONDITION);
    SD_TRY(sd_redact(&clean, c->body, strlen(c->body), &rep));
    SD_TRY(sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk));
    SD_TRY(sd_field_seal(&sealed, dk, r->id, SD_F_COMMENT_BASE + r->next_event_seq, clean.data,
                         clean.len));
    SD_TRY(sd_search_index_in(t, d->kr, r->id, (const char *)clean.data, clean.len));
    SD_TRY(sd_event_add(t, r, a->name, SD_EV_COMMENT, 0, 0, &sealed, c->internal,
                        c->detail     ? c->detail
                        : c->internal ? "internal"
                                      : "public"));
    if(sd_redact_any(&rep)) {
        r->redaction_flags |= redact_bits(&rep);
        redact_detail(detail, sizeof(detail), &rep, NULL);
        SD_TRY(sd_event_add(t, r, "system", SD_EV_REDACTED, 0, 0, NULL, false, detail));
    }
    if(!c->internal && !r->first_response_at)
        r->first_response_at = r->updated_at;
    if(!c->internal) {
        /* The customer hears back: the outbox record commits with the reply (issue 15). */
        SD_TRY(sd_buf_terminate(&clean));
        SD_TRY(sd_ticket_mail_in(d, t, a, r, dk, c->mail ? c->mail : SD_OUTBOX_REPLY,
                                 (const char *)clean.data));
    }
    *action = "ticket.comment";
out:
    sd_dkey_free(dk);
    sd_buf_wipe_free(&clean);
    sd_buf_free(&sealed);
    return err;
}

struct article_ctx {
    uint64_t article;
};

/* The article's text in the ticket's language, posted as a public reply. */
static sd_err
do_comment_article(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, sd_trec *r,
                   void *ctx, const char **action)
{
    const struct article_ctx *ac = ctx;
    struct comment_ctx cc = {NULL, false, NULL, SD_OUTBOX_REPLY};
    char *text = NULL;
    char detail[48];
    uint64_t used = 0;
    sd_err err = SD_OK;

    SD_ENSURE(r->status != SD_ST_ARCHIVED, SD_E_PRECONDITION);
    SD_ENSURE(d->hooks.kb_use, SD_E_NOTFOUND); /* no knowledge base: no such article */
    if(d->hooks.kb_use_for) /* the search learns what was sent for this kind of ticket */
        SD_TRY(d->hooks.kb_use_for(t, ac->article, r->lang && r->lang[0] ? r->lang : NULL,
                                   (int)r->category, r->id, &text, &used));
    else
        SD_TRY(
            d->hooks.kb_use(t, ac->article, r->lang && r->lang[0] ? r->lang : NULL, &text, &used));
    SD_ENSURE(strlen(text) <= SD_MAX_COMMENT, SD_E_LIMIT);
    snprintf(detail, sizeof(detail), "public article=%" PRIu64, used);
    cc.body = text;
    cc.detail = detail;
    SD_TRY(do_comment(d, t, a, r, &cc, action));
    *action = "ticket.comment_article";
out:
    free(text);
    return err;
}

static sd_err
comment_check(const char *body)
{
    size_t n;

    if(!body)
        return SD_E_INVALID;
    n = strnlen(body, SD_MAX_COMMENT + 1);
    if(n > SD_MAX_COMMENT)
        return SD_E_LIMIT;
    if(n == 0 || !sd_text_valid(body, n))
        return SD_E_INVALID;
    return SD_OK;
}

sd_err
sd_ticket_comment(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *body,
                  bool internal, struct sd_ticket *out)
{
    struct comment_ctx c = {body, internal, NULL, SD_OUTBOX_REPLY};
    sd_err err = comment_check(body);

    if(err != SD_OK)
        return err;
    return mutate_txn(d, a, id, do_comment, &c, out, true); /* reads no ticket index */
}

sd_err
sd_ticket_comment_article(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                          uint64_t article, struct sd_ticket *out)
{
    struct article_ctx ac = {article};

    if(!article)
        return SD_E_INVALID;
    return mutate_txn(d, a, id, do_comment_article, &ac, out, true);
}

sd_err
sd_ticket_comment_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id,
                     const char *body, bool internal)
{
    /* Used by incident updates: mailed as such. */
    struct comment_ctx c = {body, internal, NULL, SD_OUTBOX_INCIDENT};
    sd_err err = comment_check(body);

    if(err != SD_OK)
        return err;
    return mutate_core(d, t, a, id, do_comment, &c, NULL, true, true);
}

static sd_err
do_rate(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, sd_trec *r, void *ctx,
        const char **action)
{
    unsigned csat = *(unsigned *)ctx;
    char detail[32];
    sd_err err = SD_OK;

    (void)d;
    SD_ENSURE(r->status == SD_ST_RESOLVED || r->status == SD_ST_ARCHIVED, SD_E_PRECONDITION);
    SD_ENSURE(r->csat == 0, SD_E_CONFLICT);
    r->csat = csat;
    snprintf(detail, sizeof(detail), "csat=%u", csat);
    *action = "ticket.rate";
    SD_TRY(sd_event_add(t, r, a->name, SD_EV_RATED, 0, 0, NULL, false, detail));
out:
    return err;
}

sd_err
sd_ticket_rate(struct sd_desk *d, const struct sd_actor *a, uint64_t id, unsigned csat,
               struct sd_ticket *out)
{
    if(csat < 1 || csat > 5)
        return SD_E_INVALID;
    return mutate(d, a, id, do_rate, &csat, out);
}

/* ---- acts of the customer through the intake identity (src/intake) ---- */

struct customer_msg_ctx {
    const char *body;
    const char *detail;
    bool reopen_ok;
};

/* The customer writes: the message is sealed like a comment but is its own event kind (never
 * an agent's words); waiting_customer goes back to in_progress, a resolved ticket reopens. */
static sd_err
do_customer_message(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, sd_trec *r,
                    void *ctx, const char **action)
{
    struct customer_msg_ctx *c = ctx;
    struct sd_buf clean = SD_BUF_INIT, sealed = SD_BUF_INIT;
    struct sd_redact_report rep;
    struct sd_dkey *dk = NULL;
    char detail[160];
    int from = (int)r->status;
    sd_err err = SD_OK;

    SD_ENSURE(r->status != SD_ST_ARCHIVED, SD_E_PRECONDITION);
    SD_ENSURE(r->status != SD_ST_RESOLVED || c->reopen_ok, SD_E_PRECONDITION);
    SD_TRY(sd_redact(&clean, c->body, strlen(c->body), &rep));
    SD_TRY(sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk));
    SD_TRY(sd_field_seal(&sealed, dk, r->id, SD_F_COMMENT_BASE + r->next_event_seq, clean.data,
                         clean.len));
    SD_TRY(sd_search_index_in(t, d->kr, r->id, (const char *)clean.data, clean.len));
    SD_TRY(sd_event_add(t, r, a->name, SD_EV_CUSTOMER_MESSAGE, 0, 0, &sealed, false,
                        c->detail ? c->detail : "customer"));
    if(sd_redact_any(&rep)) {
        r->redaction_flags |= redact_bits(&rep);
        redact_detail(detail, sizeof(detail), &rep, NULL);
        SD_TRY(sd_event_add(t, r, "system", SD_EV_REDACTED, 0, 0, NULL, false, detail));
    }
    if(from == SD_ST_WAITING_CUSTOMER) {
        r->status = SD_ST_IN_PROGRESS;
        SD_TRY(sd_event_add(t, r, a->name, SD_EV_STATUS, from, SD_ST_IN_PROGRESS, NULL, false,
                            "customer replied"));
    } else if(from == SD_ST_RESOLVED) {
        r->status = SD_ST_IN_PROGRESS;
        r->resolved_at = 0;
        r->reopen_count++;
        SD_TRY(sd_event_add(t, r, a->name, SD_EV_REOPENED, from, SD_ST_IN_PROGRESS, NULL, false,
                            "customer replied"));
    }
    *action = "ticket.customer_message";
out:
    sd_dkey_free(dk);
    sd_buf_wipe_free(&clean);
    sd_buf_free(&sealed);
    return err;
}

sd_err
sd_ticket_customer_message_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                              uint64_t id, const char *body, const char *detail, bool reopen_ok,
                              struct sd_ticket *out)
{
    struct customer_msg_ctx c = {body, detail, reopen_ok};
    sd_err err = comment_check(body);

    if(err != SD_OK)
        return err;
    return mutate_in_as(d, t, a, id, do_customer_message, &c, out, false);
}

sd_err
sd_ticket_customer_rate_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                           uint64_t id, unsigned csat, struct sd_ticket *out)
{
    if(csat < 1 || csat > 5)
        return SD_E_INVALID;
    return mutate_in_as(d, t, a, id, do_rate, &csat, out, false);
}

struct claim_ctx {
    const char *agent, *action;
};

static sd_err
do_claim(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, sd_trec *r, void *ctx,
         const char **action)
{
    const struct claim_ctx *cc = ctx;
    sd_err err = SD_OK;

    (void)d;
    SD_ENSURE(r->status == SD_ST_RECEIVED && r->assignee[0] == 0, SD_E_STORE);
    SD_TRY(set_str(&r->assignee, cc->agent));
    r->status = SD_ST_IN_PROGRESS;
    r->claimed_at = r->updated_at;
    *action = cc->action;
    SD_TRY(sd_event_add(t, r, a->name, SD_EV_CLAIMED, SD_ST_RECEIVED, SD_ST_IN_PROGRESS, NULL,
                        false, cc->agent));
out:
    return err;
}

sd_err
sd_ticket_claim_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id,
                   const char *agent, const char *action, struct sd_ticket *out)
{
    struct claim_ctx cc = {agent, action};

    return mutate_in(d, t, a, id, do_claim, &cc, out);
}

/* ---- offboarding: a leaver's open tickets go back to the queue ---- */

static sd_err
do_requeue(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, sd_trec *r, void *ctx,
           const char **action)
{
    char detail[96];
    int from = (int)r->status;
    sd_err err = SD_OK;

    (void)d;
    (void)ctx;
    snprintf(detail, sizeof(detail), "from=%s to=queue (offboard)", r->assignee);
    SD_TRY(set_str(&r->assignee, ""));
    r->status = SD_ST_RECEIVED;
    r->claimed_at = 0;
    *action = "ticket.requeue";
    SD_TRY(sd_event_add(t, r, a->name, SD_EV_ASSIGNED, from, SD_ST_RECEIVED, NULL, false, detail));
out:
    return err;
}

sd_err
sd_ticket_requeue_all_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                         const char *agent, uint64_t **ids, size_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_trec *r = NULL;
    uint64_t *all = NULL;
    size_t cap = 0, got = 0;
    /* The offboarding was authorised as a whole (user administration); each ticket step runs
     * with the local operator's object rights and is audited under the actor's name. */
    struct sd_actor op = *a;
    sd_err err = SD_OK;
    sd_err rc;

    *ids = NULL;
    *n = 0;
    op.roles |= SD_ROLE_SYSTEM;
    /* Collect first: requeueing rewrites the by_assignee entries the cursor walks. */
    SD_TRY(sd_cursor_open(t, SD_DB_BY_ASSIGNEE, &c));
    k.p = (const uint8_t *)agent;
    k.n = strlen(agent);
    for(rc = sd_cursor_get(c, SD_CUR_SET_KEY, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT_DUP, &k, &v)) {
        SD_ENSURE(v.n == 8, SD_E_STORE);
        if(got == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            uint64_t *p = realloc(all, ncap * sizeof(*p));

            SD_ENSURE(p, SD_E_NOMEM);
            all = p;
            cap = ncap;
        }
        all[got++] = sd_get_u64be(v.p);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    for(size_t i = 0; i < got; i++) {
        bool open;

        SD_TRY(sd_trec_load(t, all[i], &r));
        open = (r->status == SD_ST_RECEIVED || r->status == SD_ST_IN_PROGRESS ||
                r->status == SD_ST_WAITING_CUSTOMER) &&
               strcmp(r->assignee, agent) == 0;
        sd_trec_free(r);
        r = NULL;
        if(!open)
            continue;
        SD_TRY(mutate_in(d, t, &op, all[i], do_requeue, NULL, NULL));
        all[(*n)++] = all[i];
    }
    *ids = all;
    all = NULL;
out:
    if(err != SD_OK)
        *n = 0;
    free(all);
    sd_trec_free(r);
    sd_cursor_close(c);
    return err;
}
