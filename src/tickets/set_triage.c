/* Triage that learns from the desk (issue 17 item 3): a person corrects a ticket's category
 * and priority; the correction is a timeline event (reason sealed), an audit entry and a
 * training example of the learned triage (src/learn), all in one write txn. The read side
 * (the adjustment for a new ticket or a Triage call) is learned.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/keystore.h"
#include "sealdesk/learn.h"
#include "sealdesk/redact.h"
#include "sealdesk/text.h"
#include "tickets/desk_int.h"
#include "util/err_int.h"

/* 1..SD_TRIAGE_REASON_MAX code points of valid text. */
static sd_err
reason_check(const char *reason)
{
    size_t n, cps = 0;

    if(!reason)
        return SD_E_INVALID;
    n = strnlen(reason, 4 * SD_TRIAGE_REASON_MAX + 1);
    if(n > 4 * SD_TRIAGE_REASON_MAX)
        return SD_E_LIMIT;
    if(n == 0 || !sd_text_valid(reason, n))
        return SD_E_INVALID;
    for(size_t i = 0; i < n; i++)
        cps += ((uint8_t)reason[i] & 0xc0) != 0x80;
    return cps > SD_TRIAGE_REASON_MAX ? SD_E_LIMIT : SD_OK;
}

/* A fund-safety ticket (P1, or security) loses that standing. */
static bool
lowers_fund_safety(const sd_trec *r, int cat, int prio)
{
    return (r->priority == 1 && prio > 1) ||
           (r->category == SD_CAT_SECURITY && cat != SD_CAT_SECURITY);
}

/* The ticket's subject and body (opened with dk; redacted when stored) train the model. */
static sd_err
train(struct sd_desk *d, struct sd_txn *t, const sd_trec *r, const struct sd_dkey *dk, int cat,
      int prio)
{
    struct sd_buf subj = SD_BUF_INIT, body = SD_BUF_INIT;
    const uint8_t *p;
    size_t n;
    sd_err err = SD_OK;

    sd_trec_field(r, SD_F_SUBJECT, &p, &n);
    if(n)
        SD_TRY(sd_field_open(&subj, dk, r->id, (uint32_t)SD_F_SUBJECT, p, n));
    sd_trec_field(r, SD_F_BODY, &p, &n);
    if(n)
        SD_TRY(sd_field_open(&body, dk, r->id, (uint32_t)SD_F_BODY, p, n));
    SD_TRY(sd_learn_train_in(t, d->kr, r->data_key_id, r->id, (const char *)subj.data, subj.len,
                             (const char *)body.data, body.len, (enum sd_category)cat, prio));
out:
    sd_buf_wipe_free(&subj);
    sd_buf_wipe_free(&body);
    return err;
}

sd_err
sd_ticket_learn_rehash_in(struct sd_desk *d, struct sd_txn *t, const sd_trec *r,
                          const struct sd_dkey *dk)
{
    enum sd_category cat;
    int prio;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && t && r && dk);
    rc = sd_learn_label_in(t, r->data_key_id, r->id, &cat, &prio);
    if(rc == SD_E_NOTFOUND)
        goto out; /* never corrected */
    SD_TRY(rc);
    SD_TRY(train(d, t, r, dk, (int)cat, prio));
out:
    return err;
}

static sd_err
set_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t id, int category,
       int priority, const char *reason, struct sd_ticket *out)
{
    struct sd_buf clean = SD_BUF_INIT, sealed = SD_BUF_INIT;
    struct sd_redact_report rep;
    struct sd_dkey *dk = NULL;
    sd_trec *r = NULL;
    uint8_t digest[32];
    char detail[128];
    int cat, prio;
    sd_err err = SD_OK;

    SD_TRY(sd_trec_load(t, id, &r));
    SD_TRY(sd_ticket_may_touch(a, r));
    cat = category >= 0 ? category : (int)r->category;
    prio = priority > 0 ? priority : (int)r->priority;
    SD_ENSURE(cat < SD_CAT_COUNT && prio >= 1 && prio <= 4, SD_E_STORE);
    /* Agents may raise, never lower, a fund-safety ticket. */
    if(lowers_fund_safety(r, cat, prio))
        SD_ENSURE(a->roles & (SD_ROLE_SUPERVISOR | SD_ROLE_SYSTEM), SD_E_DENIED);
    SD_TRY(sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk));
    SD_TRY(sd_trec_unindex(t, r));
    snprintf(detail, sizeof(detail), "category=%s->%s priority=%s->%s",
             sd_category_name((enum sd_category)r->category),
             sd_category_name((enum sd_category)cat), sd_priority_name((int)r->priority),
             sd_priority_name(prio));
    r->category = (uint32_t)cat;
    r->priority = (uint32_t)prio;
    r->updated_at = sd_clock_now();
    SD_TRY(sd_redact(&clean, reason, strlen(reason), &rep));
    SD_TRY(sd_field_seal(&sealed, dk, r->id, SD_F_COMMENT_BASE + r->next_event_seq, clean.data,
                         clean.len));
    SD_TRY(sd_event_add(t, r, a->name, SD_EV_TRIAGE_CORRECTED, 0, 0, &sealed, true, detail));
    SD_TRY(train(d, t, r, dk, cat, prio));
    SD_TRY(sd_trec_index(t, r));
    SD_TRY(sd_trec_store(t, r, digest));
    SD_TRY(sd_desk_audit(d, t, a, "ticket.set_triage", id, digest, NULL));
    if(out) {
        memset(out, 0, sizeof(*out));
        sd_trec_meta(out, r);
    }
out:
    sd_dkey_free(dk);
    sd_trec_free(r);
    sd_buf_wipe_free(&clean);
    sd_buf_free(&sealed);
    return err;
}

sd_err
sd_ticket_set_triage(struct sd_desk *d, const struct sd_actor *a, uint64_t id, int category,
                     int priority, const char *reason, struct sd_ticket *out)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && id);
    SD_TRY(sd_actor_check(a));
    SD_ENSURE(sd_policy_allows(a->roles, SD_OP_TICKET_SET_TRIAGE), SD_E_DENIED);
    SD_CHECK_ARG(category >= -1 && category < SD_CAT_COUNT && priority >= 0 && priority <= 4);
    SD_CHECK_ARG(category >= 0 || priority > 0);
    SD_TRY(reason_check(reason));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(set_in(d, t, a, id, category, priority, reason, out));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}
