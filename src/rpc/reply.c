/* Answering a call from a handler: pack the reply (wiped after: it may hold unmasked PII),
 * map an sd_err to its gRPC status, refuse a malformed request, build the repeated message
 * fields of list replies. Shared by every dispatch_*.c file; the method tables that name the
 * handlers live in the dispatch files, so the handlers never need dispatch.c. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>
#include <sodium.h>

#include "sealdesk/clock.h"
#include "sealdesk/err.h"
#include "sealdesk/rpc.h"
#include "dispatch_int.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/tickets.h"

void
sd_rpc_reply(struct sd_rpc_call *c, const ProtobufCMessage *m)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(n ? n : 1);
    sd_err err;

    if(!buf) {
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    protobuf_c_message_pack(m, buf);
    err = sd_rpc_call_reply(c, buf, n);
    sodium_memzero(buf, n); /* may hold unmasked PII */
    free(buf);
    if(err != SD_OK)
        sd_rpc_call_status(c, sd_grpc_status_from_err(err), "reply too large");
    else
        sd_rpc_call_status(c, SD_GRPC_OK, "%s", "");
}

void
sd_rpc_fail(struct sd_rpc_call *c, sd_err err, const char *what)
{
    if(err == SD_E_EMPTY)
        sd_rpc_call_status(c, SD_GRPC_NOT_FOUND, "queue empty");
    else
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s: %s", what, sd_err_str(err));
}

bool
sd_rpc_explain(struct sd_rpc_call *c, sd_err err, const struct sd_rpc_why *why, size_t n)
{
    for(size_t i = 0; err != SD_OK && i < n; i++) {
        if(why[i].err == err) {
            sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s", why[i].msg);
            return true;
        }
    }
    return false;
}

void
sd_rpc_answer(struct sd_rpc_call *c, sd_err err, const ProtobufCMessage *m, const char *what)
{
    if(err != SD_OK)
        sd_rpc_fail(c, err, what);
    else
        sd_rpc_reply(c, m);
}

void
sd_rpc_refuse(struct sd_rpc_call *c, sd_err err, const char *why, const char *what)
{
    if(why)
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s", why);
    else if(what)
        sd_rpc_fail(c, err, what);
    else
        sd_rpc_call_status(c, (int)sd_grpc_status_from_err(err), "%s", sd_err_str(err));
}

void
sd_rpc_invalid(struct sd_rpc_call *c, const char *fmt, ...)
{
    va_list ap;

    c->status = SD_GRPC_INVALID_ARGUMENT;
    va_start(ap, fmt);
    (void)vsnprintf(c->message, sizeof(c->message), fmt, ap); /* cut like sd_rpc_call_status */
    va_end(ap);
}

void *
sd_rpc_list(struct sd_arena *a, const ProtobufCMessageDescriptor *d, size_t n, sd_rpc_item_fn fill,
            const void *src, size_t *n_out, sd_err *err)
{
    void **arr;

    *n_out = 0;
    if(*err != SD_OK)
        return NULL;
    if(n > SIZE_MAX / sizeof(*arr) - 1) {
        *err = SD_E_NOMEM;
        return NULL;
    }
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    arr = sd_arena_alloc(a, (n + 1) * sizeof(*arr));
    if(!arr) {
        *err = SD_E_NOMEM;
        return NULL;
    }
    for(size_t i = 0; i < n; i++) {
        void *m = sd_arena_alloc(a, d->sizeof_message);

        if(!m) {
            *err = SD_E_NOMEM;
            return NULL;
        }
        protobuf_c_message_init(d, m);
        *err = fill(a, m, src, i);
        if(*err != SD_OK)
            return NULL;
        arr[(*n_out)++] = m;
    }
    return arr;
}

void
sd_rpc_answer_item(struct sd_rpc_call *c, struct sd_arena *a, sd_err err,
                   const ProtobufCMessageDescriptor *d, sd_rpc_item_fn fill, const void *src,
                   const char *what)
{
    ProtobufCMessage *m = NULL;

    if(err == SD_OK) {
        m = sd_arena_alloc(a, d->sizeof_message);
        err = m ? SD_OK : SD_E_NOMEM;
    }
    if(err == SD_OK) {
        protobuf_c_message_init(d, m);
        err = fill(a, m, src, 0);
    }
    sd_rpc_answer(c, err, m, what);
}

char *
sd_rpc_time(struct sd_arena *a, uint64_t t)
{
    char buf[32];

    sd_time_format(buf, sizeof(buf), t);
    return sd_arena_strndup(a, buf, strlen(buf));
}

void
sd_rpc_bad_request(struct sd_rpc_call *c)
{
    sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "malformed request message");
}

bool
sd_rpc_category_opt(const char *s, int *out)
{
    enum sd_category cat;

    if(sd_rpc_empty(s))
        return true;
    if(sd_category_parse(&cat, s) != SD_OK)
        return false;
    *out = (int)cat;
    return true;
}

bool
sd_rpc_empty(const char *s)
{
    return !s || !*s;
}

sd_err
sd_rpc_ticket_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    return sd_ticket_to_pb(a, (const struct sd_ticket *)src + i, false, pb);
}

void
sd_rpc_reply_tickets(struct sd_rpc_call *c, sd_err err, struct sd_ticket_list *l, const char *what)
{
    Sealdesk__V1__TicketList pb = SEALDESK__V1__TICKET_LIST__INIT;
    struct sd_arena a = {0};

    if(err != SD_OK) {
        sd_rpc_fail(c, err, what);
        return;
    }
    pb.tickets = sd_rpc_list(&a, &sealdesk__v1__ticket__descriptor, l->n, sd_rpc_ticket_item,
                             l->items, &pb.n_tickets, &err);
    pb.next = l->next;
    pb.more = l->more;
    sd_rpc_answer(c, err, &pb.base, what);
    sd_arena_free(&a);
    sd_ticket_list_clear(l);
}
