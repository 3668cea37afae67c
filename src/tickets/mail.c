/* Outbound mail of the ticket layer (issue 15): the outbox records a public reply, an incident
 * update or a resolution (CSAT survey) writes in its own txn, and the desk-level calls of the
 * sender thread and the tools (sealdesk/desk_mail.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/desk_mail.h"
#include "sealdesk/keystore.h"
#include "tickets/desk_int.h"
#include "util/err_int.h"

#define MAILER_ACTOR       "system:mailer"
#define SUBJECT_TAIL_BYTES 200 /* of the ticket's subject after "Re: [SD-000123] " */

/* CSAT survey texts: subject after "[SD-000123] ", body before and after the reference. */
static const struct {
    const char *lang, *subject, *pre, *post;
} csat[] = {
    {"zh", "请为本次服务评分", "您好，\n\n您的工单 ",
     " 已解决。请直接回复本邮件，用 1 到 5 的数字为我们的服务评分"
     "（1 = 非常不满意，5 = 非常满意），例如：CSAT 5\n\n请勿在邮件中发送密码、私钥或助记词。\n"},
    {"ko", "상담 만족도 조사", "안녕하세요.\n\n문의 ",
     " 이(가) 해결되었습니다. 이 메일에 1부터 5까지의 숫자로 답장해 만족도를 알려 주세요 "
     "(1 = 매우 불만족, 5 = 매우 만족). 예: CSAT 5\n\n비밀번호, 개인 키, 복구 문구는 절대 "
     "보내지 마세요.\n"},
    {"en", "How did we do?", "Hello,\n\nYour ticket ",
     " has been resolved. Please rate our support by replying to this email with one number "
     "from 1 (very unsatisfied) to 5 (very satisfied), for example: CSAT 5\n\nNever send "
     "passwords, private keys or recovery phrases by email.\n"},
};

static size_t
csat_index(const char *lang)
{
    for(size_t i = 0; i < sizeof(csat) / sizeof(csat[0]); i++) {
        if(lang && strncmp(lang, csat[i].lang, 2) == 0)
            return i;
    }
    return sizeof(csat) / sizeof(csat[0]) - 1; /* English */
}

/* Cut s to at most max bytes on a UTF-8 boundary. */
static size_t
utf8_prefix(const uint8_t *s, size_t n, size_t max)
{
    size_t k = n <= max ? n : max;

    while(k < n && k > 0 && (s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

sd_err
sd_ticket_mail_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const sd_trec *r,
                  const struct sd_dkey *dk, enum sd_outbox_kind kind, const char *text)
{
    struct sd_buf to = SD_BUF_INIT, subj = SD_BUF_INIT, line = SD_BUF_INIT, body = SD_BUF_INIT;
    struct sd_outbox_msg m;
    const uint8_t *p;
    size_t n;
    char ref[24];
    const char *field = NULL;
    sd_err err = SD_OK;

    sd_trec_field(r, SD_F_CUSTOMER_EMAIL, &p, &n);
    if(!p || n == 0)
        goto out; /* no address: nothing to send */
    SD_TRY(sd_field_open(&to, dk, r->id, SD_F_CUSTOMER_EMAIL, p, n));
    SD_TRY(sd_buf_terminate(&to));
    if(!sd_outbox_addr_ok((const char *)to.data, to.len))
        goto out; /* an address the relay cannot take (e.g. non-ASCII): nothing to send */
    sd_outbox_ref(ref, sizeof(ref), r->id);
    if(kind == SD_OUTBOX_CSAT) {
        size_t i = csat_index(r->lang);

        SD_TRY(sd_buf_append_str(&line, "["));
        SD_TRY(sd_buf_append_str(&line, ref));
        SD_TRY(sd_buf_append_str(&line, "] "));
        SD_TRY(sd_buf_append_str(&line, csat[i].subject));
        SD_TRY(sd_buf_append_str(&body, csat[i].pre));
        SD_TRY(sd_buf_append_str(&body, ref));
        SD_TRY(sd_buf_append_str(&body, csat[i].post));
    } else {
        SD_TRY(sd_buf_append_str(&line, "Re: ["));
        SD_TRY(sd_buf_append_str(&line, ref));
        SD_TRY(sd_buf_append_str(&line, "]"));
        sd_trec_field(r, SD_F_SUBJECT, &p, &n);
        if(p && n) {
            SD_TRY(sd_field_open(&subj, dk, r->id, SD_F_SUBJECT, p, n));
            for(size_t i = 0; i < subj.len; i++) {
                if(subj.data[i] == '\r' || subj.data[i] == '\n' || subj.data[i] == '\t')
                    subj.data[i] = ' ';
            }
            SD_TRY(sd_buf_append_byte(&line, ' '));
            SD_TRY(sd_buf_append(&line, subj.data,
                                 utf8_prefix(subj.data, subj.len, SUBJECT_TAIL_BYTES)));
        }
        SD_TRY(sd_buf_append_str(&body, text));
    }
    SD_TRY(sd_buf_terminate(&line));
    SD_TRY(sd_buf_terminate(&body));
    memset(&m, 0, sizeof(m));
    m.ticket_id = r->id;
    m.dk = dk;
    m.kind = kind;
    m.lang = r->lang && r->lang[0] ? r->lang : NULL;
    m.to = (const char *)to.data;
    m.subject = (const char *)line.data;
    m.body = (const char *)body.data;
    SD_TRY(sd_outbox_enqueue_in(t, d->kr, a->name, &m, sd_clock_now(), NULL, &field));
out:
    sd_buf_wipe_free(&to);
    sd_buf_wipe_free(&subj);
    sd_buf_wipe_free(&line);
    sd_buf_wipe_free(&body);
    return err;
}

/* ---- desk-level calls ---- */

sd_err
sd_desk_mail_start(struct sd_desk *d, const char *domain, size_t *n)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && n);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    if(domain)
        SD_TRY(sd_outbox_set_domain(t, domain));
    SD_TRY(sd_outbox_recover_in(t, sd_clock_now(), n));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_mail_take(struct sd_desk *d, uint64_t now, uint64_t *ids, size_t max, size_t *n)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && ids && n);
    *n = 0;
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_outbox_due(t, now, ids, max, n));
    for(size_t i = 0; i < *n; i++)
        SD_TRY(sd_outbox_lease_in(t, ids[i], now));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(err != SD_OK)
        *n = 0;
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_mail_render(struct sd_desk *d, uint64_t id, const char *from,
                    struct sd_outbox_rendered *out)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_outbox_render(t, d->kr, id, from, out));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_mail_outcome(struct sd_desk *d, uint64_t id, enum sd_outbox_outcome o, unsigned smtp_code,
                     double jitter, struct sd_outbox_info *info)
{
    struct sd_outbox_info got;
    struct sd_txn *t = NULL;
    char detail[64];
    enum sd_event_kind ev = SD_EV_MAIL_DELIVERED;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(
        sd_outbox_mark_in(t, d->kr, MAILER_ACTOR, id, o, smtp_code, sd_clock_now(), jitter, &got));
    if(got.state != SD_OUTBOX_QUEUED) {
        if(got.state == SD_OUTBOX_FAILED)
            ev = SD_EV_MAIL_FAILED;
        else if(got.state == SD_OUTBOX_BOUNCED)
            ev = SD_EV_MAIL_BOUNCED;
        snprintf(detail, sizeof(detail), "mail=%" PRIu64 " %s code=%u attempts=%u", id,
                 sd_outbox_kind_name(got.kind), smtp_code, got.attempts);
        err = sd_ticket_event_in(t, got.ticket_id, MAILER_ACTOR, ev, detail);
        if(err == SD_E_NOTFOUND)
            err = SD_OK; /* the ticket is gone (restore of an older backup): the mail stays */
        SD_TRY(err);
    }
    err = sd_txn_commit(t);
    t = NULL;
    if(err == SD_OK && info)
        *info = got;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_mail_counts(struct sd_desk *d, uint64_t counts[6])
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && counts);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_outbox_counts(t, counts));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_mail_get(struct sd_desk *d, uint64_t id, struct sd_outbox_info *o)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && o);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_outbox_get(t, id, o));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_mail_verify_message(struct sd_desk *d, const uint8_t *eml, size_t n,
                            struct sd_outbox_verdict *v)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && v);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_outbox_verify_message(t, eml, n, v));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_mail_verify_code(struct sd_desk *d, const struct sd_actor *a, const char *code,
                         struct sd_outbox_verdict *v)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && v && code);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_outbox_verify_code(t, d->kr, a->name, code, v));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_mail_rotate_key(struct sd_desk *d, const struct sd_actor *a, uint32_t *version)
{
    struct sd_txn *t = NULL;
    char reason[32];
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && version);
    SD_TRY(sd_actor_check(a));
    SD_ENSURE(a->roles & (SD_ROLE_SECURITY_ADMIN | SD_ROLE_SYSTEM), SD_E_DENIED);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_keys_mail_rotate(t, d->kr, version));
    snprintf(reason, sizeof(reason), "version=%" PRIu32, *version);
    SD_TRY(sd_desk_audit(d, t, a, "keys.mail_rotate", 0, NULL, reason));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}
