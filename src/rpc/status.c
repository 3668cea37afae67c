/* gRPC status names, sd_err mapping and the sd_rpc_call output helpers. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/rpc.h"

enum sd_grpc_status
sd_grpc_status_from_err(sd_err err)
{
    switch(err) {
    case SD_OK:
        return SD_GRPC_OK;
    case SD_E_INVALID:
        return SD_GRPC_INVALID_ARGUMENT;
    case SD_E_NOTFOUND:
    case SD_E_EMPTY:
        return SD_GRPC_NOT_FOUND;
    case SD_E_DENIED:
        return SD_GRPC_PERMISSION_DENIED;
    case SD_E_UNAUTH:
        return SD_GRPC_UNAUTHENTICATED;
    case SD_E_PRECONDITION:
    case SD_E_SHREDDED:
        return SD_GRPC_FAILED_PRECONDITION;
    case SD_E_LIMIT:
    case SD_E_NOMEM:
        return SD_GRPC_RESOURCE_EXHAUSTED;
    case SD_E_CONFLICT:
        return SD_GRPC_ALREADY_EXISTS;
    case SD_E_CRYPTO:
        return SD_GRPC_DATA_LOSS;
    case SD_E_IO:
        return SD_GRPC_UNAVAILABLE;
    case SD_E_STORE:
    case SD_E_INTERNAL:
        return SD_GRPC_INTERNAL;
    }
    return SD_GRPC_UNKNOWN;
}

const char *
sd_grpc_status_name(int status)
{
    static const char *const names[] = {
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    };

    return status >= 0 && status <= 16 ? names[status] : "UNKNOWN";
}

sd_err
sd_rpc_call_reply(struct sd_rpc_call *c, const uint8_t *p, size_t n)
{
    struct sd_buf *b;
    sd_err err;

    if(c->n_msgs >= SD_RPC_MAX_STREAM_MSGS || n > SD_RPC_MAX_MSG)
        return SD_E_LIMIT;
    if(c->n_msgs == c->cap_msgs) {
        size_t ncap = c->cap_msgs ? c->cap_msgs * 2 : 4;

        b = realloc(c->msgs, ncap * sizeof(*b));
        if(!b)
            return SD_E_NOMEM;
        c->msgs = b;
        c->cap_msgs = ncap;
    }
    b = &c->msgs[c->n_msgs];
    *b = (struct sd_buf)SD_BUF_INIT;
    err = sd_buf_append(b, p, n);
    if(err != SD_OK) {
        sd_buf_free(b);
        return err;
    }
    c->n_msgs++;
    return SD_OK;
}

void
sd_rpc_call_status(struct sd_rpc_call *c, int status, const char *fmt, ...)
{
    va_list ap;

    c->status = status;
    va_start(ap, fmt);
    (void)vsnprintf(c->message, sizeof(c->message), fmt, ap); /* a longer message is cut: fine */
    va_end(ap);
}

void
sd_rpc_call_clear(struct sd_rpc_call *c)
{
    /* Response messages can carry unmasked PII: wipe them. */
    for(size_t i = 0; i < c->n_msgs; i++)
        sd_buf_wipe_free(&c->msgs[i]);
    free(c->msgs);
    c->msgs = NULL;
    c->n_msgs = c->cap_msgs = 0;
    sd_rpc_mem_release(c->mem_reserved);
    c->mem_reserved = 0;
}

static atomic_size_t mem_limit;
static atomic_size_t mem_held;

void
sd_rpc_mem_set_limit(size_t bytes)
{
    atomic_store(&mem_limit, bytes);
}

bool
sd_rpc_mem_reserve(struct sd_rpc_call *c, size_t n)
{
    size_t limit = atomic_load(&mem_limit);
    size_t cur = atomic_load(&mem_held);

    do {
        if(limit && (n > limit || cur > limit - n))
            return false;
    } while(!atomic_compare_exchange_weak(&mem_held, &cur, cur + n));
    c->mem_reserved += n;
    return true;
}

void
sd_rpc_mem_release(size_t n)
{
    if(n)
        atomic_fetch_sub(&mem_held, n);
}

size_t
sd_rpc_mem_held(void)
{
    return atomic_load(&mem_held);
}

static atomic_size_t req_mem_limit = (size_t)128 << 20;
static atomic_size_t req_mem_held;

void
sd_rpc_req_mem_set_limit(size_t bytes)
{
    atomic_store(&req_mem_limit, bytes);
}

bool
sd_rpc_req_mem_reserve(size_t n)
{
    size_t limit = atomic_load(&req_mem_limit);
    size_t cur = atomic_load(&req_mem_held);

    do {
        if(limit && (n > limit || cur > limit - n))
            return false;
    } while(!atomic_compare_exchange_weak(&req_mem_held, &cur, cur + n));
    return true;
}

void
sd_rpc_req_mem_release(size_t n)
{
    if(n)
        atomic_fetch_sub(&req_mem_held, n);
}

size_t
sd_rpc_req_mem_held(void)
{
    return atomic_load(&req_mem_held);
}
