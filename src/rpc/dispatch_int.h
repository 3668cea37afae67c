/* Shared by the dispatch files (dispatch.c and one dispatch_<service>.c per later service):
 * the per-call context, the method table entry and the reply/error helpers. */
#ifndef SEALDESK_DISPATCH_INT_H
#define SEALDESK_DISPATCH_INT_H

#include <protobuf-c/protobuf-c.h>

#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/err.h"
#include "sealdesk/rpc.h"

struct sd_rpc_ctx {
    struct sd_desk *d;
    struct sd_actor actor; /* the session's user and roles */
    char actor_name[SD_MAX_AGENT + 1];
    char request_id[65];
    const char *token;       /* the session token of this call (borrowed) */
    const char *fingerprint; /* verified client certificate, or NULL */
    const char *source;      /* the client's address, or NULL (borrowed) */
};

struct sd_rpc_method {
    const char *path;
    void (*fn)(struct sd_rpc_ctx *x, struct sd_rpc_call *c);
    enum sd_op op; /* checked with sd_policy_allows before fn runs */
    bool public;   /* callable without a session (Login, Health) */
};

/* Method tables of the service files (listed in dispatch.c's tables[]). */
extern const struct sd_rpc_method sd_rpc_methods_remedy[];
extern const size_t sd_rpc_methods_remedy_n;
extern const struct sd_rpc_method sd_rpc_methods_keys[];
extern const size_t sd_rpc_methods_keys_n;
extern const struct sd_rpc_method sd_rpc_methods_desk[];
extern const size_t sd_rpc_methods_desk_n;
extern const struct sd_rpc_method sd_rpc_methods_users[];
extern const size_t sd_rpc_methods_users_n;

/* Pack m as the reply and set OK (RESOURCE_EXHAUSTED if it does not fit). */
void sd_rpc_reply(struct sd_rpc_call *c, const ProtobufCMessage *m);
/* Status from an sd_err with "what: reason" (SD_E_EMPTY -> NOT_FOUND "queue empty"). */
void sd_rpc_fail(struct sd_rpc_call *c, sd_err err, const char *what);
void sd_rpc_bad_request(struct sd_rpc_call *c);
/* An extra operation check inside a method (sets PERMISSION_DENIED and returns false). */
bool sd_rpc_allowed(struct sd_rpc_ctx *x, struct sd_rpc_call *c, enum sd_op op);
bool sd_rpc_empty(const char *s);

/* Unpack the request as `type` into `var` or answer INVALID_ARGUMENT and return. */
#define SD_RPC_UNPACK(type, fn, var)                    \
    type *var = fn##__unpack(NULL, c->req_len, c->req); \
    if(!(var)) {                                        \
        sd_rpc_bad_request(c);                          \
        return;                                         \
    }

#endif
