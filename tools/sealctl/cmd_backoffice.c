/* sealctl customer get|set|tickets, attachment list|get and events read|ack (issue 15), offline
 * through the libraries (src/customers, src/attach, src/events) and online through the
 * Customers, Attachments and Events services (proto/backoffice.proto). Both modes print the same
 * JSON: offline fills the same protobuf views the server sends, and one printer serves both.
 * `customer get --uid U` keeps its freeze-status fields (Remedies/GetCustomer) and adds
 * "profile" (null when the customer has none). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "backoffice.pb-c.h"
#include "cli.h"
#include "remedies.pb-c.h"
#include "sealdesk/attach.h"
#include "sealdesk/clock.h"
#include "sealdesk/customers.h"
#include "sealdesk/events.h"
#include "sealdesk/remedy.h"
#include "sealdesk/rpc.h"

#define T_LEN 32

/* ---- JSON, from the protobuf views (both modes) ---- */

static json_t *
json_ids(uint64_t *ids, size_t n)
{
    json_t *a = json_array();

    for(size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)ids[i]));
    return a;
}

static json_t *
json_profile(const Sealdesk__V1__CustomerProfileView *p, bool with_tickets)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_string(p->id));
    json_object_set_new(o, "lang", json_string(p->lang));
    json_object_set_new(o, "vip_tier", json_integer(p->vip_tier));
    json_object_set_new(o, "frozen", json_boolean(p->frozen));
    json_object_set_new(o, "has_notes", json_boolean(p->has_notes));
    if(p->notes && p->notes[0])
        json_object_set_new(o, "notes", json_string(p->notes));
    if(p->notes_shredded)
        json_object_set_new(o, "notes_shredded", json_true());
    json_object_set_new(o, "created_at", json_string(p->created_at));
    json_object_set_new(o, "updated_at", json_string(p->updated_at));
    json_object_set_new(o, "updated_by", json_string(p->updated_by));
    json_object_set_new(o, "version", json_integer(p->version));
    if(with_tickets) {
        json_object_set_new(o, "tickets", json_ids(p->tickets, p->n_tickets));
        json_object_set_new(o, "more_tickets", json_boolean(p->more_tickets));
    }
    return o;
}

/* The freeze status of `customer get --uid` (the fields it always printed). */
static json_t *
json_freeze(const Sealdesk__V1__CustomerInfo *p)
{
    json_t *o = json_object();

    json_object_set_new(o, "uid", json_string(p->uid));
    json_object_set_new(o, "frozen", json_boolean(p->frozen));
    if(p->frozen) {
        json_object_set_new(o, "freeze_id", json_integer((json_int_t)p->freeze_id));
        json_object_set_new(o, "frozen_at", json_string(p->frozen_at));
        json_object_set_new(o, "frozen_by", json_string(p->frozen_by));
        json_object_set_new(o, "ticket_id", json_integer((json_int_t)p->ticket_id));
        json_object_set_new(o, "review_id", json_integer((json_int_t)p->review_id));
        json_object_set_new(o, "review_state", json_string(p->review_state));
        json_object_set_new(o, "reason", json_string(p->reason));
    }
    return o;
}

static json_t *
json_attachment(const Sealdesk__V1__AttachmentView *v)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer((json_int_t)v->id));
    json_object_set_new(o, "ticket_id", json_integer((json_int_t)v->ticket_id));
    json_object_set_new(o, "state", json_string(v->state));
    json_object_set_new(o, "type", json_string(v->type));
    json_object_set_new(o, "size", json_integer((json_int_t)v->size));
    json_object_set_new(o, "sha256", json_string(v->sha256));
    json_object_set_new(o, "created_at", json_string(v->created_at));
    json_object_set_new(o, "added_by", json_string(v->added_by));
    if(v->reason && v->reason[0])
        json_object_set_new(o, "reason", json_string(v->reason));
    if(v->filename && v->filename[0])
        json_object_set_new(o, "filename", json_string(v->filename));
    else if(v->has_filename)
        json_object_set_new(o, "filename", json_string(v->shredded ? "(shredded)" : "(masked)"));
    return o;
}

static json_t *
json_event(const Sealdesk__V1__FeedEventView *e)
{
    json_t *o = json_object();

    json_object_set_new(o, "offset", json_integer((json_int_t)e->offset));
    json_object_set_new(o, "at", json_string(e->at));
    json_object_set_new(o, "kind", json_string(e->kind));
    json_object_set_new(o, "actor", json_string(e->actor));
    json_object_set_new(o, "ticket_id", json_integer((json_int_t)e->ticket_id));
    json_object_set_new(o, "ref_id", json_integer((json_int_t)e->ref_id));
    json_object_set_new(o, "customer", json_string(e->customer));
    json_object_set_new(o, "detail", json_string(e->detail));
    if(e->has_uid)
        json_object_set_new(o, "uid", e->shredded ? json_null() : json_string(e->uid));
    return o;
}

static json_t *
json_page(Sealdesk__V1__FeedEventView **ev, size_t n, uint64_t next, bool more, uint64_t acked)
{
    json_t *o = json_object(), *a = json_array();

    for(size_t i = 0; i < n; i++)
        json_array_append_new(a, json_event(ev[i]));
    json_object_set_new(o, "events", a);
    json_object_set_new(o, "next_offset", json_integer((json_int_t)next));
    json_object_set_new(o, "more", json_boolean(more));
    json_object_set_new(o, "acked", json_integer((json_int_t)acked));
    return o;
}

/* ---- library structs -> views (offline); strings borrowed, times in the caller's t[] ---- */

static void
profile_view(Sealdesk__V1__CustomerProfileView *pb, struct sd_customer *p, char t[2][T_LEN])
{
    sealdesk__v1__customer_profile_view__init(pb);
    sd_time_format(t[0], T_LEN, p->created_at);
    sd_time_format(t[1], T_LEN, p->updated_at);
    pb->id = p->id;
    pb->lang = p->lang;
    pb->vip_tier = p->vip_tier;
    pb->frozen = p->frozen;
    pb->has_notes = p->has_notes;
    pb->notes = p->notes.len ? (char *)p->notes.data : (char *)"";
    pb->notes_shredded = p->shredded;
    pb->created_at = t[0];
    pb->updated_at = t[1];
    pb->updated_by = p->updated_by;
    pb->version = p->version;
    pb->tickets = p->tickets;
    pb->n_tickets = p->n_tickets;
    pb->more_tickets = p->more_tickets;
}

static void
attachment_view(Sealdesk__V1__AttachmentView *pb, struct sd_attachment *a, char t[T_LEN])
{
    sealdesk__v1__attachment_view__init(pb);
    sd_time_format(t, T_LEN, a->created_at);
    pb->id = a->id;
    pb->ticket_id = a->ticket_id;
    pb->size = a->size;
    pb->created_at = t;
    pb->state = a->state == SD_ATTACH_KEPT ? (char *)"kept" : (char *)"refused";
    pb->type = a->type;
    pb->sha256 = a->sha256;
    pb->reason = a->reason;
    pb->added_by = a->added_by;
    pb->has_filename = a->has_filename;
    pb->shredded = a->shredded;
    pb->filename = a->filename;
}

static void
event_view(Sealdesk__V1__FeedEventView *pb, struct sd_feed_event *e, char t[T_LEN])
{
    sealdesk__v1__feed_event_view__init(pb);
    sd_time_format(t, T_LEN, e->at);
    pb->offset = e->offset;
    pb->at = t;
    pb->kind = (char *)sd_feed_kind_name(e->kind);
    pb->actor = e->actor;
    pb->ticket_id = e->ticket_id;
    pb->ref_id = e->ref_id;
    pb->customer = e->customer;
    pb->detail = e->detail;
    pb->has_uid = e->has_uid;
    pb->shredded = e->shredded;
    pb->uid = e->uid;
}

/* ---- customer get|set|tickets ---- */

static const char get_usage[] = "customer get --uid U | --email E | --phone P [--reason R]";
static const char set_usage[] =
    "customer set --uid U [--lang L] [--vip-tier N] [--notes T] [--email E] [--phone P]";
static const char tickets_usage[] = "customer tickets --uid U";

struct cust_req {
    const char *sub;
    enum sd_field kind; /* get */
    const char *value;  /* get */
    const char *reason; /* get: decrypt the notes */
    struct sd_customer_in in;
};

static int
parse_customer(struct cli *c, int argc, char **argv, struct cust_req *q)
{
    static const char *const keys[] = {"uid", "email", "phone"};
    static const enum sd_field kinds[] = {SD_F_CUSTOMER_UID, SD_F_CUSTOMER_EMAIL,
                                          SD_F_CUSTOMER_PHONE};
    int given = 0;

    memset(q, 0, sizeof(*q));
    q->in.vip_tier = -1;
    q->sub = argc >= 1 ? argv[0] : "";
    if(c->n_pos)
        return cli_usage(strcmp(q->sub, "set") == 0       ? set_usage
                         : strcmp(q->sub, "tickets") == 0 ? tickets_usage
                                                          : get_usage);
    if(strcmp(q->sub, "get") == 0) {
        for(int i = 0; i < 3; i++) {
            if(cli_get(c, keys[i])) {
                given++;
                q->kind = kinds[i];
                q->value = cli_get(c, keys[i]);
            }
        }
        if(given != 1)
            return cli_usage(get_usage);
        q->reason = cli_get(c, "reason");
        if(q->reason && !q->reason[0])
            return cli_fail(SD_E_INVALID, "--reason: must not be empty");
        return 0;
    }
    if(!cli_get(c, "uid"))
        return cli_usage(strcmp(q->sub, "set") == 0 ? set_usage : tickets_usage);
    q->in.uid = cli_get(c, "uid");
    if(strcmp(q->sub, "set") == 0) {
        unsigned vip = 0;

        q->in.email = cli_get(c, "email");
        q->in.phone = cli_get(c, "phone");
        q->in.lang = cli_get(c, "lang");
        q->in.notes = cli_get(c, "notes");
        if(cli_get(c, "vip-tier")) {
            if(sd_customer_vip_parse(&vip, cli_get(c, "vip-tier")) != SD_OK)
                return cli_fail(SD_E_INVALID, "--vip-tier: none, vip, vip1..vip9 or 0..9");
            q->in.vip_tier = (int)vip;
        }
    }
    return 0;
}

/* The profile of q, or *none when --uid names a customer without one. */
static int
customer_get_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a,
                     const struct cust_req *q)
{
    json_t *o = NULL;
    struct sd_customer p;
    Sealdesk__V1__CustomerProfileView pv;
    char t[2][T_LEN];
    const char *why = NULL;
    sd_err err;
    int rc;

    memset(&p, 0, sizeof(p));
    if(q->kind == SD_F_CUSTOMER_UID) {
        Sealdesk__V1__CustomerInfo info = SEALDESK__V1__CUSTOMER_INFO__INIT;
        struct sd_customer_status cs;
        char at[T_LEN];

        err = sd_customer_get(d, a, q->value, &cs, &why);
        if(err != SD_OK)
            return cli_refuse(err, why, "customer get");
        sd_time_format(at, sizeof(at), cs.frozen_at);
        info.uid = cs.uid_masked;
        info.frozen = cs.frozen;
        info.freeze_id = cs.freeze_id;
        info.frozen_at = at;
        info.frozen_by = cs.frozen_by;
        info.ticket_id = cs.ticket_id;
        info.review_id = cs.review_id;
        info.review_state = (char *)sd_remedy_state_name(cs.review_state);
        info.reason = cs.reason;
        o = json_freeze(&info);
    }
    err = sd_customers_get(d, a, q->kind, q->value, q->reason != NULL, q->reason, &p, &why);
    if(err == SD_E_NOTFOUND && o) {
        json_object_set_new(o, "profile", json_null());
        return cli_emit(c, o);
    }
    if(err != SD_OK) {
        json_decref(o);
        return cli_refuse(err, why, "customer get");
    }
    profile_view(&pv, &p, t);
    if(!o) {
        o = json_object();
        json_object_set_new(o, "frozen", json_boolean(p.frozen));
    }
    json_object_set_new(o, "profile", json_profile(&pv, true));
    rc = cli_emit(c, o);
    sd_customer_clear(&p);
    return rc;
}

int
cmd_customer_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                     char **argv)
{
    struct cust_req q;
    const char *why = NULL;
    int rc = parse_customer(c, argc, argv, &q);
    sd_err err;

    if(rc)
        return rc;
    if(strcmp(q.sub, "get") == 0)
        return customer_get_offline(c, d, a, &q);
    if(strcmp(q.sub, "set") == 0) {
        struct sd_customer p;
        Sealdesk__V1__CustomerProfileView pv;
        char t[2][T_LEN];

        err = sd_customers_upsert(d, a, &q.in, &p, &why);
        if(err != SD_OK)
            return cli_refuse(err, why, "customer set");
        profile_view(&pv, &p, t);
        rc = cli_emit(c, json_profile(&pv, false));
        sd_customer_clear(&p);
        return rc;
    }
    {
        uint64_t *ids = NULL;
        size_t n = 0;
        bool more = false;
        json_t *o;

        err = sd_customers_tickets(d, a, q.in.uid, &ids, &n, &more, &why);
        if(err != SD_OK)
            return cli_refuse(err, why, "customer tickets");
        o = json_object();
        json_object_set_new(o, "tickets", json_ids(ids, n));
        json_object_set_new(o, "more", json_boolean(more));
        free(ids);
        return cli_emit(c, o);
    }
}

static int
customer_get_online(struct cli *c, const struct cust_req *q)
{
    Sealdesk__V1__CustomerGetRequest m = SEALDESK__V1__CUSTOMER_GET_REQUEST__INIT;
    struct cli_reply fr = CLI_REPLY(sealdesk__v1__customer_info__descriptor);
    struct cli_reply pr = CLI_REPLY(sealdesk__v1__customer_profile_view__descriptor);
    json_t *o = NULL;
    int rc = 0;

    if(q->kind == SD_F_CUSTOMER_UID) {
        Sealdesk__V1__CustomerRequest f = SEALDESK__V1__CUSTOMER_REQUEST__INIT;

        f.uid = (char *)q->value;
        rc = cli_call(c, "/sealdesk.v1.Remedies/GetCustomer", &f.base, &fr);
        if(rc)
            goto out;
        o = json_freeze((const Sealdesk__V1__CustomerInfo *)fr.msg);
        m.uid = (char *)q->value;
    } else if(q->kind == SD_F_CUSTOMER_EMAIL) {
        m.email = (char *)q->value;
    } else {
        m.phone = (char *)q->value;
    }
    m.reason = (char *)(q->reason ? q->reason : "");
    pr.quiet_notfound = o != NULL;
    rc = cli_call(c, "/sealdesk.v1.Customers/Get", &m.base, &pr);
    if(rc && pr.status == SD_GRPC_NOT_FOUND && o) {
        json_object_set_new(o, "profile", json_null());
        rc = cli_emit(c, o);
        o = NULL;
    } else if(!rc) {
        const Sealdesk__V1__CustomerProfileView *p =
            (const Sealdesk__V1__CustomerProfileView *)pr.msg;

        if(!o) {
            o = json_object();
            json_object_set_new(o, "frozen", json_boolean(p->frozen));
        }
        json_object_set_new(o, "profile", json_profile(p, true));
        rc = cli_emit(c, o);
        o = NULL;
    }
out:
    json_decref(o);
    cli_reply_free(&fr);
    cli_reply_free(&pr);
    return rc;
}

int
cmd_customer_online(struct cli *c, int argc, char **argv)
{
    struct cust_req q;
    int rc = parse_customer(c, argc, argv, &q);

    if(rc)
        return rc;
    if(strcmp(q.sub, "get") == 0)
        return customer_get_online(c, &q);
    if(strcmp(q.sub, "set") == 0) {
        Sealdesk__V1__CustomerUpsertRequest m = SEALDESK__V1__CUSTOMER_UPSERT_REQUEST__INIT;
        struct cli_reply r = CLI_REPLY(sealdesk__v1__customer_profile_view__descriptor);
        char *clear[4];
        size_t n = 0;

        /* Offline, "" clears a field; online "" means "unchanged", so it goes in `clear`. */
#define FIELD(member, opt)                 \
    do {                                   \
        const char *v_ = q.in.member;      \
        if(v_ && !v_[0])                   \
            clear[n++] = (char *)(opt);    \
        m.member = (char *)(v_ ? v_ : ""); \
    } while(0)
        m.uid = (char *)q.in.uid;
        FIELD(email, "email");
        FIELD(phone, "phone");
        FIELD(lang, "lang");
        FIELD(notes, "notes");
#undef FIELD
        m.clear = clear;
        m.n_clear = n;
        m.vip = (char *)(q.in.vip_tier >= 0 ? cli_get(c, "vip-tier") : "");
        rc = cli_call(c, "/sealdesk.v1.Customers/Upsert", &m.base, &r);
        if(!rc)
            rc = cli_emit(c, json_profile((const Sealdesk__V1__CustomerProfileView *)r.msg, false));
        cli_reply_free(&r);
        return rc;
    }
    {
        Sealdesk__V1__CustomerTicketsRequest m = SEALDESK__V1__CUSTOMER_TICKETS_REQUEST__INIT;
        struct cli_reply r = CLI_REPLY(sealdesk__v1__customer_tickets__descriptor);

        m.uid = (char *)q.in.uid;
        rc = cli_call(c, "/sealdesk.v1.Customers/ListTickets", &m.base, &r);
        if(!rc) {
            const Sealdesk__V1__CustomerTickets *t = (const Sealdesk__V1__CustomerTickets *)r.msg;
            json_t *o = json_object();

            json_object_set_new(o, "tickets", json_ids(t->ticket_ids, t->n_ticket_ids));
            json_object_set_new(o, "more", json_boolean(t->more));
            rc = cli_emit(c, o);
        }
        cli_reply_free(&r);
        return rc;
    }
}

/* ---- attachment list|get ---- */

static const char list_usage[] = "attachment list --ticket ID [--reason R]";
static const char aget_usage[] = "attachment get ID --out FILE --reason R";

struct att_req {
    bool get;
    uint64_t id; /* ticket (list) or attachment (get) */
    const char *reason;
    const char *out;
};

static int
parse_attachment(struct cli *c, int argc, char **argv, struct att_req *q)
{
    memset(q, 0, sizeof(*q));
    q->get = argc >= 1 && strcmp(argv[0], "get") == 0;
    q->reason = cli_get(c, "reason");
    if(q->reason && !q->reason[0])
        return cli_fail(SD_E_INVALID, "--reason: must not be empty");
    if(!q->get) {
        if(c->n_pos || !cli_get(c, "ticket"))
            return cli_usage(list_usage);
        if(!cli_parse_id(cli_get(c, "ticket"), &q->id))
            return cli_fail(SD_E_INVALID, "--ticket: must be a ticket id");
        return 0;
    }
    if(c->n_pos != 1 || !cli_get(c, "out") || !q->reason)
        return cli_usage(aget_usage);
    if(!cli_parse_id(c->pos[0], &q->id))
        return cli_fail(SD_E_INVALID, "ID: must be an attachment id");
    q->out = cli_get(c, "out");
    if(!q->out[0])
        return cli_fail(SD_E_INVALID, "--out: must name a file");
    return 0;
}

/* Create path 0600, never an existing file, never through a symlink: before the download, so
 * a refused --out costs no audited read. *fd or the exit status after printing the reason. */
static int
create_new_file(const char *path, int *fd)
{
    *fd = -1;
    if(!path || !path[0])
        return cli_usage(aget_usage);
    *fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if(*fd >= 0)
        return 0;
    return cli_fail(errno == EEXIST ? SD_E_CONFLICT : SD_E_IO,
                    errno == EEXIST ? "--out: file exists (not overwritten)"
                                    : "--out: cannot create the file");
}

/* Write the bytes to fd (from create_new_file) and close it; on failure (rc != 0 on entry:
 * the download failed) the file is removed. 0 or the exit status. */
static int
finish_file(int rc, int fd, const char *path, const uint8_t *p, size_t n)
{
    size_t off = 0;

    while(!rc && off < n) {
        ssize_t w = write(fd, p + off, n - off);

        if(w < 0 && errno == EINTR)
            continue;
        if(w <= 0)
            break;
        off += (size_t)w;
    }
    if(rc || off != n || fsync(fd) != 0) {
        (void)close(fd);
        (void)unlink(path);
        return rc ? rc : cli_fail(SD_E_IO, "--out: write failed (file removed)");
    }
    if(close(fd) != 0) {
        (void)unlink(path);
        return cli_fail(SD_E_IO, "--out: write failed (file removed)");
    }
    return 0;
}

static json_t *
json_download(const Sealdesk__V1__AttachmentView *v, const char *out)
{
    json_t *o = json_attachment(v);

    json_object_set_new(o, "out", json_string(out));
    return o;
}

int
cmd_attachment_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv)
{
    struct att_req q;
    Sealdesk__V1__AttachmentView v;
    char t[T_LEN];
    int rc = parse_attachment(c, argc, argv, &q);
    sd_err err;

    if(rc)
        return rc;
    if(!q.get) {
        struct sd_attach_list l = {0};
        json_t *o, *arr;

        err = sd_attach_list(d, a, q.id, q.reason != NULL, q.reason, &l);
        if(err != SD_OK)
            return cli_fail(err, "attachment list");
        arr = json_array();
        for(size_t i = 0; i < l.n; i++) {
            attachment_view(&v, &l.items[i], t);
            json_array_append_new(arr, json_attachment(&v));
        }
        o = json_object();
        json_object_set_new(o, "attachments", arr);
        json_object_set_new(o, "more", json_boolean(l.more));
        sd_attach_list_clear(&l);
        return cli_emit(c, o);
    }
    {
        struct sd_buf data = SD_BUF_INIT;
        struct sd_attachment info;
        int fd;

        memset(&info, 0, sizeof(info));
        rc = create_new_file(q.out, &fd);
        if(rc)
            return rc;
        err = sd_attach_read(d, a, q.id, q.reason, &data, &info);
        rc = finish_file(err != SD_OK ? cli_fail(err, "attachment get") : 0, fd, q.out, data.data,
                         data.len);
        sd_buf_wipe_free(&data);
        if(!rc) {
            attachment_view(&v, &info, t);
            rc = cli_emit(c, json_download(&v, q.out));
        }
        sodium_memzero(&info, sizeof(info));
        return rc;
    }
}

int
cmd_attachment_online(struct cli *c, int argc, char **argv)
{
    struct att_req q;
    int rc = parse_attachment(c, argc, argv, &q);

    if(rc)
        return rc;
    if(!q.get) {
        Sealdesk__V1__AttachmentListRequest m = SEALDESK__V1__ATTACHMENT_LIST_REQUEST__INIT;
        struct cli_reply r = CLI_REPLY(sealdesk__v1__attachment_list__descriptor);

        m.ticket_id = q.id;
        m.reason = (char *)(q.reason ? q.reason : "");
        rc = cli_call(c, "/sealdesk.v1.Attachments/List", &m.base, &r);
        if(!rc) {
            const Sealdesk__V1__AttachmentList *l = (const Sealdesk__V1__AttachmentList *)r.msg;
            json_t *o = json_object(), *arr = json_array();

            for(size_t i = 0; i < l->n_attachments; i++)
                json_array_append_new(arr, json_attachment(l->attachments[i]));
            json_object_set_new(o, "attachments", arr);
            json_object_set_new(o, "more", json_boolean(l->more));
            rc = cli_emit(c, o);
        }
        cli_reply_free(&r);
        return rc;
    }
    {
        Sealdesk__V1__AttachmentDownloadRequest m = SEALDESK__V1__ATTACHMENT_DOWNLOAD_REQUEST__INIT;
        struct cli_reply r = {.streaming = true,
                              .head_desc = &sealdesk__v1__attachment_chunk__descriptor};
        const Sealdesk__V1__AttachmentView *v = NULL;
        uint8_t sum[32];
        char hex[65];
        int fd;

        rc = create_new_file(q.out, &fd);
        if(rc)
            return rc;
        m.id = q.id;
        m.reason = (char *)q.reason;
        rc = cli_call(c, "/sealdesk.v1.Attachments/Download", &m.base, &r);
        if(!rc && r.head)
            v = ((const Sealdesk__V1__AttachmentChunk *)r.head)->info;
        if(!rc && (!v || v->size != r.stream.len)) {
            rc = cli_fail(SD_E_IO, "attachment get: incomplete download");
        } else if(!rc) {
            /* The server checked the content; check the transfer too before writing. */
            sd_sha256(sum, r.stream.data, r.stream.len);
            sd_hex_encode(hex, sum, sizeof(sum));
            if(strcmp(hex, v->sha256) != 0)
                rc = cli_fail(SD_E_CRYPTO, "attachment get: content does not match its SHA-256");
        }
        rc = finish_file(rc, fd, q.out, r.stream.data, r.stream.len);
        if(!rc)
            rc = v ? cli_emit(c, json_download(v, q.out)) : 1;
        cli_reply_free(&r);
        return rc;
    }
}

/* ---- events read|ack ---- */

static const char read_usage[] = "events read [--from OFFSET] [--max N] [--consumer NAME]";
static const char ack_usage[] = "events ack --offset N [--consumer NAME]";

struct ev_req {
    bool ack;
    uint64_t from, offset;
    uint64_t max;
    const char *consumer;
};

static int
parse_events(struct cli *c, int argc, char **argv, struct ev_req *q)
{
    memset(q, 0, sizeof(*q));
    q->ack = argc >= 1 && strcmp(argv[0], "ack") == 0;
    q->consumer = cli_get(c, "consumer");
    if(c->n_pos)
        return cli_usage(q->ack ? ack_usage : read_usage);
    if(q->ack) {
        if(!cli_get(c, "offset"))
            return cli_usage(ack_usage);
        if(!cli_parse_id(cli_get(c, "offset"), &q->offset))
            return cli_fail(SD_E_INVALID, "--offset: must be a positive event offset");
        return 0;
    }
    if(cli_get(c, "from") && !cli_parse_id(cli_get(c, "from"), &q->from))
        return cli_fail(SD_E_INVALID, "--from: must be a positive event offset");
    if(cli_get(c, "max") &&
       (!cli_parse_id(cli_get(c, "max"), &q->max) || q->max > SD_EVENTS_PAGE_MAX))
        return cli_fail(SD_E_INVALID, "--max: 1..1000");
    return 0;
}

static json_t *
json_ack(const char *consumer, uint64_t acked, uint64_t last)
{
    json_t *o = json_object();

    if(consumer && consumer[0]) /* online without --consumer: the caller's name */
        json_object_set_new(o, "consumer", json_string(consumer));
    json_object_set_new(o, "acked", json_integer((json_int_t)acked));
    json_object_set_new(o, "last", json_integer((json_int_t)last));
    return o;
}

int
cmd_events_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                   char **argv)
{
    struct ev_req q;
    int rc = parse_events(c, argc, argv, &q);
    sd_err err;

    if(rc)
        return rc;
    if(q.ack) {
        const char *who = q.consumer ? q.consumer : a->name;
        uint64_t acked = 0, last = 0;

        err = sd_events_ack(d, a, q.consumer, q.offset);
        if(err == SD_OK)
            err = sd_events_position(d, who, &acked, &last);
        if(err != SD_OK)
            return cli_fail(err, err == SD_E_PRECONDITION
                                     ? "events ack: --offset: below the "
                                       "acknowledged offset (acks never go back)"
                                 : err == SD_E_INVALID ? "events ack: --offset: past the last event"
                                                       : "events ack");
        return cli_emit(c, json_ack(who, acked, last));
    }
    {
        struct sd_feed_page page = {0};
        Sealdesk__V1__FeedEventView *views = NULL, **ptrs = NULL;
        char(*times)[T_LEN] = NULL;
        json_t *o;

        err = sd_events_read_consumer(d, a, q.consumer, q.from, (size_t)q.max, &page);
        if(err != SD_OK)
            return cli_fail(err, "events read");
        if(page.n) {
            views = calloc(page.n, sizeof(*views));
            ptrs = calloc(page.n, sizeof(void *)); /* an array of pointers */
            times = calloc(page.n, sizeof(*times));
        }
        if(page.n && (!views || !ptrs || !times)) {
            o = NULL;
        } else {
            for(size_t i = 0; i < page.n; i++) {
                event_view(&views[i], &page.events[i], times[i]);
                ptrs[i] = &views[i];
            }
            o = json_page(ptrs, page.n, page.next_offset, page.more, page.acked);
        }
        rc = cli_emit(c, o);
        free(views);
        free(ptrs);
        free(times);
        sd_feed_page_clear(&page);
        return rc;
    }
}

int
cmd_events_online(struct cli *c, int argc, char **argv)
{
    struct ev_req q;
    int rc = parse_events(c, argc, argv, &q);

    if(rc)
        return rc;
    if(q.ack) {
        Sealdesk__V1__EventsAckRequest m = SEALDESK__V1__EVENTS_ACK_REQUEST__INIT;
        struct cli_reply r = CLI_REPLY(sealdesk__v1__events_ack_result__descriptor);

        m.offset = q.offset;
        m.consumer = (char *)(q.consumer ? q.consumer : "");
        rc = cli_call(c, "/sealdesk.v1.Events/Ack", &m.base, &r);
        if(!rc) {
            const Sealdesk__V1__EventsAckResult *p = (const Sealdesk__V1__EventsAckResult *)r.msg;

            rc = cli_emit(c, json_ack(q.consumer ? q.consumer : "", p->acked, p->last));
        }
        cli_reply_free(&r);
        return rc;
    }
    {
        Sealdesk__V1__EventsReadRequest m = SEALDESK__V1__EVENTS_READ_REQUEST__INIT;
        struct cli_reply r = CLI_REPLY(sealdesk__v1__events_page__descriptor);

        m.from_offset = q.from;
        m.max = (uint32_t)q.max;
        m.consumer = (char *)(q.consumer ? q.consumer : "");
        rc = cli_call(c, "/sealdesk.v1.Events/Read", &m.base, &r);
        if(!rc) {
            const Sealdesk__V1__EventsPage *p = (const Sealdesk__V1__EventsPage *)r.msg;

            rc = cli_emit(c, json_page(p->events, p->n_events, p->next_offset, p->more, p->acked));
        }
        cli_reply_free(&r);
        return rc;
    }
}
