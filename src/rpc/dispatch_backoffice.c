/* gRPC handlers of the back-office services (proto/backoffice.proto, issue 15): Customers
 * (profiles), Attachments (list, download) and Events (the back-office feed). The libraries
 * check every object with the caller's session actor and write the audit entries
 * (src/customers, src/attach, src/events); this file checks the request's shape and converts
 * messages. Nothing here logs request content (profiles, filenames and notes are PII). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "backoffice.pb-c.h"
#include "dispatch_int.h"
#include "sealdesk/attach.h"
#include "sealdesk/customers.h"
#include "sealdesk/events.h"

/* Request sizes: identifiers, a reason and at most 4 KiB of notes. */
#define MAX_REQ_SMALL  4096
#define MAX_REQ_UPSERT 16384

/* ---- Customers ---- */

/* pb from profile p; strings and ticket ids borrowed from p (cleared after the reply) or kept
 * in a. */
static sd_err
profile_pb(struct sd_arena *a, Sealdesk__V1__CustomerProfileView *pb, struct sd_customer *p)
{
    pb->id = p->id;
    pb->lang = p->lang;
    pb->vip_tier = p->vip_tier;
    pb->frozen = p->frozen;
    pb->has_notes = p->has_notes;
    pb->notes_shredded = p->shredded;
    pb->notes = p->notes.len ? (char *)p->notes.data : (char *)"";
    pb->created_at = sd_rpc_time(a, p->created_at);
    pb->updated_at = sd_rpc_time(a, p->updated_at);
    pb->updated_by = p->updated_by;
    pb->version = p->version;
    pb->more_tickets = p->more_tickets;
    pb->tickets = p->tickets;
    pb->n_tickets = p->n_tickets;
    return pb->created_at && pb->updated_at ? SD_OK : SD_E_NOMEM;
}

static void
customers_get(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__CustomerGetRequest *q = req;
    Sealdesk__V1__CustomerProfileView pb = SEALDESK__V1__CUSTOMER_PROFILE_VIEW__INIT;
    struct sd_customer p;
    const char *why = NULL, *value = NULL;
    enum sd_field kind = SD_F_CUSTOMER_UID;
    bool notes = !sd_rpc_empty(q->reason);
    int given = 0;
    sd_err err;

    memset(&p, 0, sizeof(p));
    if(!sd_rpc_empty(q->uid)) {
        given++;
        value = q->uid;
    }
    if(!sd_rpc_empty(q->email)) {
        given++;
        kind = SD_F_CUSTOMER_EMAIL;
        value = q->email;
    }
    if(!sd_rpc_empty(q->phone)) {
        given++;
        kind = SD_F_CUSTOMER_PHONE;
        value = q->phone;
    }
    if(given != 1) {
        sd_rpc_invalid(c, "give exactly one of uid, email, phone");
        return;
    }
    err = sd_customers_get(x->d, &x->actor, kind, value, notes, notes ? q->reason : NULL, &p, &why);
    if(err == SD_OK)
        err = profile_pb(&x->a, &pb, &p);
    if(err != SD_OK)
        sd_rpc_refuse(c, err, why, "customer get");
    else
        sd_rpc_reply(c, &pb.base);
    sd_customer_clear(&p); /* wipes the notes after the reply was packed */
}

/* An upsert field: "" keeps the stored value, a name in clear sets "" (clears it). */
static const char *
upsert_field(const Sealdesk__V1__CustomerUpsertRequest *q, const char *name, const char *v)
{
    for(size_t i = 0; i < q->n_clear; i++) {
        if(q->clear[i] && strcmp(q->clear[i], name) == 0)
            return "";
    }
    return sd_rpc_empty(v) ? NULL : v;
}

static void
customers_upsert(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    static const char *const clearable[] = {"email", "phone", "lang", "notes"};
    const Sealdesk__V1__CustomerUpsertRequest *q = req;
    Sealdesk__V1__CustomerProfileView pb = SEALDESK__V1__CUSTOMER_PROFILE_VIEW__INIT;
    struct sd_customer_in in = {.vip_tier = -1};
    struct sd_customer p;
    const char *why = NULL;
    unsigned vip = 0;
    sd_err err;

    memset(&p, 0, sizeof(p));
    for(size_t i = 0; i < q->n_clear; i++) {
        bool ok = false;

        for(size_t k = 0; k < sizeof(clearable) / sizeof(clearable[0]); k++)
            ok = ok || (q->clear[i] && strcmp(q->clear[i], clearable[k]) == 0);
        if(!ok) {
            sd_rpc_invalid(c, "clear: one of email, phone, lang, notes");
            return;
        }
    }
    if(!sd_rpc_empty(q->vip)) {
        if(sd_customer_vip_parse(&vip, q->vip) != SD_OK) {
            sd_rpc_invalid(c, "vip: none, vip, vip1..vip9 or 0..9");
            return;
        }
        in.vip_tier = (int)vip;
    }
    in.uid = q->uid;
    in.email = upsert_field(q, "email", q->email);
    in.phone = upsert_field(q, "phone", q->phone);
    in.lang = upsert_field(q, "lang", q->lang);
    in.notes = upsert_field(q, "notes", q->notes);
    if(x->m->arg)
        err = sd_customers_sync(x->d, &x->actor, &in, &p, &why);
    else
        err = sd_customers_upsert(x->d, &x->actor, &in, &p, &why);
    if(err == SD_OK)
        err = profile_pb(&x->a, &pb, &p);
    if(err != SD_OK)
        sd_rpc_refuse(c, err, why, x->m->arg ? "customer sync" : "customer upsert");
    else
        sd_rpc_reply(c, &pb.base);
    sd_customer_clear(&p);
}

static void
customers_tickets(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__CustomerTicketsRequest *q = req;
    Sealdesk__V1__CustomerTickets pb = SEALDESK__V1__CUSTOMER_TICKETS__INIT;
    uint64_t *ids = NULL;
    size_t n = 0;
    bool more = false;
    const char *why = NULL;
    sd_err err;

    if(sd_rpc_empty(q->uid)) {
        sd_rpc_invalid(c, "uid: required");
        return;
    }
    err = sd_customers_tickets(x->d, &x->actor, q->uid, &ids, &n, &more, &why);
    pb.ticket_ids = ids; /* borrowed: freed after the reply */
    pb.n_ticket_ids = n;
    pb.more = more;
    if(err != SD_OK)
        sd_rpc_refuse(c, err, why, "customer tickets");
    else
        sd_rpc_reply(c, &pb.base);
    free(ids);
}

/* ---- Attachments ---- */

static sd_err
attachment_item(struct sd_arena *a, void *m, const void *src, size_t i)
{
    Sealdesk__V1__AttachmentView *pb = m;
    const struct sd_attachment *at = (const struct sd_attachment *)src + i;

    pb->id = at->id;
    pb->ticket_id = at->ticket_id;
    pb->size = at->size;
    pb->created_at = sd_rpc_time(a, at->created_at);
    pb->state = at->state == SD_ATTACH_KEPT ? (char *)"kept" : (char *)"refused";
    pb->type = (char *)at->type;
    pb->sha256 = (char *)at->sha256;
    pb->reason = (char *)at->reason;
    pb->added_by = (char *)at->added_by;
    pb->has_filename = at->has_filename;
    pb->shredded = at->shredded;
    pb->filename = (char *)at->filename;
    return pb->created_at ? SD_OK : SD_E_NOMEM;
}

static void
attachments_list(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AttachmentListRequest *q = req;
    Sealdesk__V1__AttachmentList pb = SEALDESK__V1__ATTACHMENT_LIST__INIT;
    struct sd_attach_list l = {0};
    bool unmask = !sd_rpc_empty(q->reason);
    sd_err err;

    if(!q->ticket_id) {
        sd_rpc_invalid(c, "ticket_id: required");
        return;
    }
    err = sd_attach_list(x->d, &x->actor, q->ticket_id, unmask, unmask ? q->reason : NULL, &l);
    pb.attachments = sd_rpc_list(&x->a, &sealdesk__v1__attachment_view__descriptor, l.n,
                                 attachment_item, l.items, &pb.n_attachments, &err);
    pb.more = l.more;
    if(err != SD_OK)
        sd_rpc_fail(c, err, "attachment list");
    else
        sd_rpc_reply(c, &pb.base);
    sd_attach_list_clear(&l);
}

/* One message of the download stream. */
static sd_err
send_chunk(struct sd_rpc_call *c, const Sealdesk__V1__AttachmentChunk *pb)
{
    size_t n = sealdesk__v1__attachment_chunk__get_packed_size(pb);
    uint8_t *buf = malloc(n ? n : 1);
    sd_err err;

    if(!buf)
        return SD_E_NOMEM;
    n = sealdesk__v1__attachment_chunk__pack(pb, buf);
    err = sd_rpc_call_reply(c, buf, n);
    sodium_memzero(buf, n); /* customer content */
    free(buf);
    return err;
}

static void
attachments_download(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__AttachmentDownloadRequest *q = req;
    Sealdesk__V1__AttachmentChunk head = SEALDESK__V1__ATTACHMENT_CHUNK__INIT;
    Sealdesk__V1__AttachmentView view = SEALDESK__V1__ATTACHMENT_VIEW__INIT;
    struct sd_attachment *info = sd_arena_alloc(&x->a, sizeof(*info));
    struct sd_buf data = SD_BUF_INIT;
    sd_err err;

    if(!q->id) {
        sd_rpc_invalid(c, "id: required");
        return;
    }
    if(sd_rpc_empty(q->reason)) {
        sd_rpc_invalid(c, "reason: a download is an audited PII read and needs a reason");
        return;
    }
    err = info ? sd_attach_read(x->d, &x->actor, q->id, q->reason, &data, info) : SD_E_NOMEM;
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "attachment download");
        goto out;
    }
    /* The answer waits in memory until the client reads it: it shares the export budget. */
    if(!sd_rpc_mem_reserve(c, data.len)) {
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED,
                           "download memory limit reached; retry later");
        goto out;
    }
    err = attachment_item(&x->a, &view, info, 0);
    head.info = &view;
    if(err == SD_OK)
        err = send_chunk(c, &head);
    for(size_t off = 0; err == SD_OK && off < data.len; off += SD_ATTACH_CHUNK) {
        Sealdesk__V1__AttachmentChunk pb = SEALDESK__V1__ATTACHMENT_CHUNK__INIT;
        size_t n = data.len - off < SD_ATTACH_CHUNK ? data.len - off : SD_ATTACH_CHUNK;

        pb.data = (ProtobufCBinaryData){n, data.data + off};
        err = send_chunk(c, &pb);
    }
    if(err != SD_OK)
        sd_rpc_fail(c, err, "attachment download");
    else
        sd_rpc_call_status(c, SD_GRPC_OK, "%s", "");
out:
    sd_buf_wipe_free(&data);
}

/* ---- Events ---- */

static sd_err
event_item(struct sd_arena *a, void *m, const void *src, size_t i)
{
    Sealdesk__V1__FeedEventView *pb = m;
    const struct sd_feed_event *e = (const struct sd_feed_event *)src + i;

    pb->offset = e->offset;
    pb->at = sd_rpc_time(a, e->at);
    pb->kind = (char *)sd_feed_kind_name(e->kind);
    pb->actor = (char *)e->actor;
    pb->ticket_id = e->ticket_id;
    pb->ref_id = e->ref_id;
    pb->customer = (char *)e->customer;
    pb->detail = (char *)e->detail;
    pb->has_uid = e->has_uid;
    pb->shredded = e->shredded;
    pb->uid = (char *)e->uid;
    return pb->at ? SD_OK : SD_E_NOMEM;
}

static void
events_read(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__EventsReadRequest *q = req;
    Sealdesk__V1__EventsPage pb = SEALDESK__V1__EVENTS_PAGE__INIT;
    struct sd_feed_page page = {0};
    sd_err err;

    if(q->max > SD_EVENTS_PAGE_MAX) {
        sd_rpc_invalid(c, "max: at most %d", SD_EVENTS_PAGE_MAX);
        return;
    }
    err = sd_events_read_consumer(x->d, &x->actor, sd_rpc_empty(q->consumer) ? NULL : q->consumer,
                                  q->from_offset, q->max, &page);
    pb.events = sd_rpc_list(&x->a, &sealdesk__v1__feed_event_view__descriptor, page.n, event_item,
                            page.events, &pb.n_events, &err);
    pb.next_offset = page.next_offset;
    pb.more = page.more;
    pb.acked = page.acked;
    if(err != SD_OK)
        sd_rpc_fail(c, err, "events read");
    else
        sd_rpc_reply(c, &pb.base);
    sd_feed_page_clear(&page); /* destination UIDs */
}

static void
events_ack(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__EventsAckRequest *q = req;
    Sealdesk__V1__EventsAckResult pb = SEALDESK__V1__EVENTS_ACK_RESULT__INIT;
    const char *consumer = sd_rpc_empty(q->consumer) ? NULL : q->consumer;
    sd_err err;

    if(!q->offset) {
        sd_rpc_invalid(c, "offset: required (the last event handled)");
        return;
    }
    err = sd_events_ack(x->d, &x->actor, consumer, q->offset);
    if(err == SD_OK)
        err = sd_events_position(x->d, consumer ? consumer : x->actor.name, &pb.acked, &pb.last);
    if(err == SD_E_PRECONDITION)
        sd_rpc_call_status(c, SD_GRPC_FAILED_PRECONDITION,
                           "offset: below the acknowledged offset (acks never go back)");
    else if(err == SD_E_INVALID)
        sd_rpc_invalid(c, "offset: past the last event");
    else
        sd_rpc_answer(c, err, &pb.base, "events ack");
}

/* clang-format off: one row a method, aligned for reading */
const struct sd_rpc_method sd_rpc_methods_backoffice[] = {
    SD_RPC_METHOD("/sealdesk.v1.Customers/Get", sealdesk__v1__customer_get_request, customers_get,
                  SD_OP_CUSTOMER_READ, .max_req = MAX_REQ_SMALL),
    SD_RPC_METHOD("/sealdesk.v1.Customers/Upsert", sealdesk__v1__customer_upsert_request,
                  customers_upsert, SD_OP_CUSTOMER_EDIT, .max_req = MAX_REQ_UPSERT,
                  .flags = SD_RPC_SECRET),
    SD_RPC_METHOD("/sealdesk.v1.Customers/Sync", sealdesk__v1__customer_upsert_request,
                  customers_upsert, SD_OP_CUSTOMER_SYNC, .max_req = MAX_REQ_UPSERT,
                  .flags = SD_RPC_SECRET, .arg = 1),
    SD_RPC_METHOD("/sealdesk.v1.Customers/ListTickets", sealdesk__v1__customer_tickets_request,
                  customers_tickets, SD_OP_CUSTOMER_READ, .max_req = MAX_REQ_SMALL),
    SD_RPC_METHOD("/sealdesk.v1.Attachments/List", sealdesk__v1__attachment_list_request,
                  attachments_list, SD_OP_TICKET_GET, .max_req = MAX_REQ_SMALL),
    SD_RPC_METHOD("/sealdesk.v1.Attachments/Download", sealdesk__v1__attachment_download_request,
                  attachments_download, SD_OP_ATTACH_READ, .max_req = MAX_REQ_SMALL),
    SD_RPC_METHOD("/sealdesk.v1.Events/Read", sealdesk__v1__events_read_request, events_read,
                  SD_OP_EVENTS_READ, .max_req = MAX_REQ_SMALL),
    SD_RPC_METHOD("/sealdesk.v1.Events/Ack", sealdesk__v1__events_ack_request, events_ack,
                  SD_OP_EVENTS_ACK, .max_req = MAX_REQ_SMALL),
};
/* clang-format on */
const size_t sd_rpc_methods_backoffice_n =
    sizeof(sd_rpc_methods_backoffice) / sizeof(sd_rpc_methods_backoffice[0]);
