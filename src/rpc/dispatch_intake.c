/* The Intake service (proto/intake.proto) over src/intake: the service identity `intake` (and
 * only it: SD_OP_INTAKE_* in the policy table) creates tickets, adds customer messages, submits
 * parsed e-mail, reads a ticket's public status for its customer, asks for self-service
 * articles, records CSAT and checks verification codes. Every customer-facing read needs the
 * customer id and the ticket to match (NOT_FOUND otherwise). Requests carry customer data:
 * they are wiped after the call (SD_RPC_SECRET). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch_int.h"
#include "intake.pb-c.h"
#include "sealdesk/attach.h"
#include "sealdesk/desk_mail.h"
#include "sealdesk/intake.h"
#include "sealdesk/kb.h"
#include "sealdesk/outbox.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/tickets.h"

/* A request may hold a whole message with its attachments (25 MiB per message, issue 15):
 * the HTTP/2 session takes this limit from the table (sd_rpc_method_max_req) and charges the
 * body to the process budget for large requests (intake-memory-mb). */
#define INTAKE_MAX_REQ SD_RPC_MAX_REQ_LARGE

/* A refusal naming the field the library named (why), else `what`. */
static void
refuse(struct sd_rpc_call *c, sd_err err, const char *why, const char *what)
{
    sd_rpc_fail(c, err, why ? why : what);
}

/* The sniffed type the gate claims must fit the first bytes: a claim that does not is
 * application/octet-stream (refused by the allow-list, with its timeline event). */
static const char *
type_checked(const char *type, const uint8_t *p, size_t n)
{
    static const struct {
        const char *type;
        const char *magic;
        size_t n, off;
    } sigs[] = {
        {"image/png", "\x89PNG\r\n\x1a\n", 8, 0},
        {"image/jpeg", "\xff\xd8\xff", 3, 0},
        {"image/gif", "GIF8", 4, 0},
        {"application/pdf", "%PDF-", 5, 0},
        {"image/webp", "WEBP", 4, 8},
    };

    if(!type || !type[0])
        return "application/octet-stream";
    for(size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if(strcmp(type, sigs[i].type) != 0)
            continue;
        if(n < sigs[i].off + sigs[i].n || memcmp(p + sigs[i].off, sigs[i].magic, sigs[i].n) != 0)
            return "application/octet-stream";
        return type;
    }
    if(strcmp(type, "text/plain") == 0) {
        if(memchr(p, 0, n))
            return "application/octet-stream";
        return type;
    }
    return type; /* anything else: the allow-list decides (and refuses it) */
}

/* The request's attachments as sd_attach_in (kept in the arena). false with the status set. */
static bool
files_of(struct sd_rpc_ctx *x, struct sd_rpc_call *c, Sealdesk__V1__IntakeAttachment **pb, size_t n,
         struct sd_attach_in **out)
{
    struct sd_attach_in *f = NULL;

    *out = NULL;
    if(!n)
        return true;
    if(n > SD_ATTACH_MAX_FILES) {
        sd_rpc_fail(c, SD_E_LIMIT, "attachments");
        return false;
    }
    f = sd_arena_alloc(&x->a, n * sizeof(*f));
    if(!f) {
        sd_rpc_fail(c, SD_E_NOMEM, "attachments");
        return false;
    }
    for(size_t i = 0; i < n; i++) {
        f[i].data = pb[i]->data.data;
        f[i].len = pb[i]->data.len;
        f[i].type = type_checked(pb[i]->sniffed_type, pb[i]->data.data, pb[i]->data.len);
        f[i].filename = pb[i]->filename;
    }
    *out = f;
    return true;
}

static void
ref_reply(struct sd_rpc_call *c, sd_err err, const struct sd_intake_ref *r, const char *why,
          const char *what)
{
    Sealdesk__V1__IntakeTicketRef pb = SEALDESK__V1__INTAKE_TICKET_REF__INIT;

    if(err != SD_OK) {
        refuse(c, err, why, what);
        return;
    }
    pb.ticket_id = r->ticket_id;
    pb.reference = (char *)r->ref;
    pb.created = r->created;
    pb.acknowledged = r->acknowledged;
    pb.attachments_kept = r->kept;
    pb.attachments_refused = r->refused;
    sd_rpc_reply(c, &pb.base);
}

static void
intake_create(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__IntakeCreateRequest *q = req;
    struct sd_intake_new in;
    struct sd_intake_ref r;
    const char *why = NULL;
    sd_err err;

    memset(&in, 0, sizeof(in));
    if(q->channel < SD_CH_CHAT || q->channel >= SD_CH_COUNT) {
        sd_rpc_invalid(c, "channel: unknown channel");
        return;
    }
    if(!files_of(x, c, q->attachments, q->n_attachments, (struct sd_attach_in **)&in.files))
        return;
    in.n_files = q->n_attachments;
    in.idempotency_key = q->idempotency_key;
    in.channel = (enum sd_channel)q->channel;
    in.sender_id = q->sender_id;
    in.cust.uid = q->customer_uid;
    in.cust.email = q->customer_email;
    in.cust.phone = q->customer_phone;
    in.name = q->customer_name;
    in.lang = q->lang;
    in.subject = q->subject;
    in.body = q->body;
    err = sd_intake_create(x->d, &x->actor, &in, NULL, &r, &why);
    ref_reply(c, err, &r, why, "intake");
}

static void
intake_message(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__IntakeMessageRequest *q = req;
    struct sd_intake_message in;
    struct sd_intake_ref r;
    const char *why = NULL;
    sd_err err;

    memset(&in, 0, sizeof(in));
    if(!files_of(x, c, q->attachments, q->n_attachments, (struct sd_attach_in **)&in.files))
        return;
    in.n_files = q->n_attachments;
    in.idempotency_key = q->idempotency_key;
    in.ticket_id = q->ticket_id;
    in.cust.uid = q->customer_uid;
    in.cust.email = q->customer_email;
    in.cust.phone = q->customer_phone;
    in.body = q->body;
    err = sd_intake_add_message(x->d, &x->actor, &in, NULL, &r, &why);
    ref_reply(c, err, &r, why, err == SD_E_NOTFOUND ? "ticket" : "intake");
}

static void
intake_mail(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__IntakeMailRequest *q = req;
    Sealdesk__V1__IntakeMailResult pb = SEALDESK__V1__INTAKE_MAIL_RESULT__INIT;
    struct sd_intake_mail m;
    struct sd_intake_mail_result r;
    const char *why = NULL;
    sd_err err;

    memset(&m, 0, sizeof(m));
    if(q->n_references > SD_INTAKE_MAX_REFS) {
        sd_rpc_fail(c, SD_E_LIMIT, "references");
        return;
    }
    if(!files_of(x, c, q->attachments, q->n_attachments, (struct sd_attach_in **)&m.files))
        return;
    m.n_files = q->n_attachments;
    m.message_id = q->message_id;
    m.from_addr = q->from_addr;
    m.from_name = q->from_name;
    m.subject = q->subject;
    m.in_reply_to = q->in_reply_to;
    m.refs = (const char *const *)q->references;
    m.n_refs = q->n_references;
    m.cls = q->mail_class;
    m.bounce_message_id = q->bounce_message_id;
    m.body = q->body;
    m.quoted = q->quoted;
    m.lang = q->lang;
    err = sd_intake_mail(x->d, &x->actor, &m, NULL, &r, &why);
    if(err != SD_OK) {
        refuse(c, err, why, "mail");
        return;
    }
    pb.outcome = (uint32_t)r.outcome;
    pb.ticket_id = r.ticket_id;
    pb.reference = r.ticket_id ? r.ref : (char *)"";
    pb.acknowledged = r.acknowledged;
    pb.attachments_kept = r.kept;
    pb.attachments_refused = r.refused;
    sd_rpc_reply(c, &pb.base);
}

static void
intake_status(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__IntakeStatusRequest *q = req;
    Sealdesk__V1__IntakeStatus pb = SEALDESK__V1__INTAKE_STATUS__INIT;
    struct sd_intake_customer cust = {q->customer_uid, q->customer_email, q->customer_phone};
    struct sd_intake_status s;
    Sealdesk__V1__IntakePublicReply *items = NULL;
    Sealdesk__V1__IntakePublicReply **ptrs = NULL;
    sd_err err;

    err = sd_intake_status(x->d, &x->actor, q->ticket_id, &cust, &s);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, err == SD_E_NOTFOUND ? "ticket" : "status");
        return;
    }
    if(s.n_replies) {
        items = sd_arena_alloc(&x->a, s.n_replies * sizeof(*items));
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        ptrs = sd_arena_alloc(&x->a, s.n_replies * sizeof(*ptrs));
        if(!items || !ptrs) {
            sd_intake_status_clear(&s);
            sd_rpc_fail(c, SD_E_NOMEM, "status");
            return;
        }
    }
    for(size_t i = 0; i < s.n_replies; i++) {
        sealdesk__v1__intake_public_reply__init(&items[i]);
        items[i].at = s.replies[i].at;
        items[i].body = (char *)s.replies[i].body.data;
        ptrs[i] = &items[i];
    }
    pb.ticket_id = s.ticket_id;
    pb.reference = s.ref;
    pb.status = (char *)sd_status_name(s.status);
    pb.created_at = s.created_at;
    pb.updated_at = s.updated_at;
    pb.replies = ptrs;
    pb.n_replies = s.n_replies;
    sd_rpc_reply(c, &pb.base);
    sd_intake_status_clear(&s);
}

static void
intake_suggest(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__IntakeSuggestRequest *q = req;
    Sealdesk__V1__IntakeSuggestions pb = SEALDESK__V1__INTAKE_SUGGESTIONS__INIT;
    struct sd_kb_hit hits[SD_INTAKE_MAX_SUGGEST];
    Sealdesk__V1__IntakeArticle items[SD_INTAKE_MAX_SUGGEST];
    Sealdesk__V1__IntakeArticle *ptrs[SD_INTAKE_MAX_SUGGEST];
    size_t limit = q->limit ? q->limit : 3, n = 0;
    sd_err err;

    if(limit > SD_INTAKE_MAX_SUGGEST) {
        sd_rpc_invalid(c, "limit: 1..%d", SD_INTAKE_MAX_SUGGEST);
        return;
    }
    err = sd_intake_suggest(x->d, q->text, q->lang, limit, hits, &n);
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        struct sd_kb_article art;

        memset(&art, 0, sizeof(art));
        err = sd_kb_get(x->d, hits[i].id, 0, &art);
        sealdesk__v1__intake_article__init(&items[i]);
        items[i].id = hits[i].id;
        items[i].lang = hits[i].lang;
        items[i].title = hits[i].title;
        items[i].body =
            err == SD_OK && art.body ? sd_arena_strndup(&x->a, art.body, strlen(art.body)) : NULL;
        if(err == SD_OK && !items[i].body)
            err = SD_E_NOMEM;
        items[i].score = hits[i].score;
        ptrs[i] = &items[i];
        sd_kb_article_clear(&art);
    }
    pb.articles = ptrs;
    pb.n_articles = err == SD_OK ? n : 0;
    sd_rpc_answer(c, err, &pb.base, err == SD_E_INVALID ? "text" : "suggest");
}

static void
intake_rate(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__IntakeRateRequest *q = req;
    struct sd_intake_customer cust = {q->customer_uid, q->customer_email, q->customer_phone};
    struct sd_intake_ref r;
    sd_err err;

    if(q->csat < 1 || q->csat > 5) {
        sd_rpc_invalid(c, "csat: 1..5");
        return;
    }
    err = sd_intake_rate(x->d, &x->actor, q->ticket_id, &cust, q->csat, &r);
    ref_reply(c, err, &r, NULL, err == SD_E_NOTFOUND ? "ticket" : "rate");
}

static void
intake_verify(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__IntakeVerifyRequest *q = req;
    Sealdesk__V1__IntakeVerifyResult pb = SEALDESK__V1__INTAKE_VERIFY_RESULT__INIT;
    struct sd_outbox_verdict v;
    sd_err err;

    memset(&v, 0, sizeof(v));
    if(q->message.len && !sd_rpc_empty(q->code)) {
        sd_rpc_invalid(c, "message/code: give one of them");
        return;
    }
    if(q->message.len)
        err = sd_desk_mail_verify_message(x->d, q->message.data, q->message.len, &v);
    else if(!sd_rpc_empty(q->code))
        err = sd_desk_mail_verify_code(x->d, &x->actor, q->code, &v);
    else {
        sd_rpc_invalid(c, "message/code: one is required");
        return;
    }
    pb.valid = v.valid;
    pb.reason = (char *)(v.valid || !v.why ? "" : v.why);
    pb.reference = v.ref;
    pb.to_masked = v.to_masked;
    pb.sent_at = v.sent_at;
    pb.key_version = v.key_version;
    pb.code = v.code;
    sd_rpc_answer(c, err, &pb.base, "verify");
}

/* clang-format off */
const struct sd_rpc_method sd_rpc_methods_intake[] = {
    SD_RPC_METHOD("/sealdesk.v1.Intake/CreateTicket", sealdesk__v1__intake_create_request,
                  intake_create, SD_OP_INTAKE_CREATE, .flags = SD_RPC_SECRET,
                  .max_req = INTAKE_MAX_REQ),
    SD_RPC_METHOD("/sealdesk.v1.Intake/AddMessage", sealdesk__v1__intake_message_request,
                  intake_message, SD_OP_INTAKE_MESSAGE, .flags = SD_RPC_SECRET,
                  .max_req = INTAKE_MAX_REQ),
    SD_RPC_METHOD("/sealdesk.v1.Intake/SubmitMail", sealdesk__v1__intake_mail_request,
                  intake_mail, SD_OP_INTAKE_MAIL, .flags = SD_RPC_SECRET,
                  .max_req = INTAKE_MAX_REQ),
    SD_RPC_METHOD("/sealdesk.v1.Intake/GetStatus", sealdesk__v1__intake_status_request,
                  intake_status, SD_OP_INTAKE_STATUS, .flags = SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Intake/SuggestArticles", sealdesk__v1__intake_suggest_request,
                  intake_suggest, SD_OP_INTAKE_SUGGEST, .flags = SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Intake/RateTicket", sealdesk__v1__intake_rate_request,
                  intake_rate, SD_OP_INTAKE_RATE, .flags = SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Intake/VerifyMessage", sealdesk__v1__intake_verify_request,
                  intake_verify, SD_OP_INTAKE_VERIFY, .flags = SD_RPC_SECRET,
                  .max_req = SD_OUTBOX_MAX_MESSAGE + 1024),
};
/* clang-format on */
const size_t sd_rpc_methods_intake_n =
    sizeof(sd_rpc_methods_intake) / sizeof(sd_rpc_methods_intake[0]);
