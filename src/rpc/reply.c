/* Answering a call from a handler: pack the reply (wiped after: it may hold unmasked PII),
 * map an sd_err to its gRPC status, refuse a malformed request. Shared by every dispatch_*.c
 * file; the method tables that name the handlers live in dispatch.c, so the handlers never
 * need dispatch.c and dispatch.c is the only file that needs them. */
#include <stdbool.h>
#include <stdlib.h>

#include <protobuf-c/protobuf-c.h>
#include <sodium.h>

#include "sealdesk/err.h"
#include "sealdesk/rpc.h"
#include "dispatch_int.h"

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

void
sd_rpc_bad_request(struct sd_rpc_call *c)
{
    sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "malformed request message");
}

bool
sd_rpc_empty(const char *s)
{
    return !s || !*s;
}
