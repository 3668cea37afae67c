/* libFuzzer harness for the request path every RPC shares (src/rpc/dispatch.c, sd_rpc_unpack):
 * the size limit, the scan that refuses a string field holding a NUL (naming the field, at any
 * depth) and the protobuf-c unpack, as the method's input type, with no server socket. The first
 * input byte picks the method from the real method table, the rest is the request body. Checks:
 * an accepted request re-packs and is accepted again, sd_rpc_request_wipe leaves every string
 * empty, a refusal is INVALID_ARGUMENT or RESOURCE_EXHAUSTED, a NUL refusal names a field of the
 * method's request type and never happens for a body without a NUL byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/dispatch_int.h"
#include "sealdesk/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char nul_rule[] = ": must not contain a NUL character";

/* true when every string field of m (at any depth) is "". */
static bool
strings_empty(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;

    for(unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *member = (const char *)m + f->offset;
        const char *qf = (const char *)m + f->quantifier_offset;
        size_t n = 1;
        const void *const *arr = (const void *const *)member;

        if(f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && *(const uint32_t *)qf != f->id)
            continue;
        if(f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *)qf;
            arr = *(const void *const *const *)member;
        }
        for(size_t k = 0; k < n; k++) {
            const void *v = arr[k];

            if(f->type == PROTOBUF_C_TYPE_STRING && v && *(const char *)v)
                return false;
            if(f->type == PROTOBUF_C_TYPE_MESSAGE && v && !strings_empty(v))
                return false;
        }
    }
    return true;
}

static void
check_refusal(const struct sd_rpc_method *m, const struct sd_rpc_call *c, const uint8_t *p,
              size_t n)
{
    size_t ml = strlen(c->message), rl = sizeof(nul_rule) - 1;
    char first[128];
    size_t fl;

    if(c->status != SD_GRPC_INVALID_ARGUMENT && c->status != SD_GRPC_RESOURCE_EXHAUSTED)
        abort();
    if(ml < rl || strcmp(c->message + ml - rl, nul_rule) != 0)
        return; /* malformed message or too large */
    if(!memchr(p, 0, n))
        abort(); /* refused a NUL that is not there */
    fl = strcspn(c->message, ".:");
    if(fl == 0 || fl >= sizeof(first))
        abort();
    memcpy(first, c->message, fl);
    first[fl] = 0;
    if(!protobuf_c_message_descriptor_get_field_by_name(m->in, first))
        abort(); /* the named field is not a field of the request */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct sd_rpc_method *m;
    struct sd_rpc_call c;
    ProtobufCMessage *req, *again;
    uint8_t *body, *packed;
    size_t nm = 0, n;

    while(sd_rpc_method_at(nm))
        nm++;
    if(size < 1 || nm == 0)
        return 0;
    m = sd_rpc_method_at(data[0] % nm);
    /* An exact-size heap copy: ASan catches any read past the body. */
    body = malloc(size - 1 ? size - 1 : 1);
    if(!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    memset(&c, 0, sizeof(c));
    c.method = m->path;
    c.req = body;
    c.req_len = size - 1;
    c.status = SD_GRPC_UNKNOWN;
    req = sd_rpc_unpack(m, &c);
    if(!req) {
        check_refusal(m, &c, body, size - 1);
        free(body);
        return 0;
    }
    if(c.status != SD_GRPC_UNKNOWN)
        abort(); /* accepted, yet answered */
    n = protobuf_c_message_get_packed_size(req);
    packed = malloc(n ? n : 1);
    if(packed && protobuf_c_message_pack(req, packed) == n) {
        c.req = packed;
        c.req_len = n;
        again = sd_rpc_unpack(m, &c);
        if(!again)
            abort(); /* what we accepted, re-packed, must be accepted */
        sd_rpc_request_wipe(again);
        if(!strings_empty(again))
            abort();
        sd_rpc_request_free(m, again);
    }
    free(packed);
    sd_rpc_request_free(m, req);
    free(body);
    return 0;
}
