/* Shared by the dispatch files (dispatch.c and one dispatch_<service>.c per later service):
 * the per-call context, the method table entry and the request/reply helpers.
 *
 * The shape every method shares lives here and in dispatch.c, once: find the method, check the
 * session and the role x operation policy, refuse a request string holding a NUL (naming the
 * field), unpack the request as the method's input type (or INVALID_ARGUMENT), run the method's
 * own extra check, call the handler, then wipe and free the request and the reply arena. A
 * handler holds only its own logic: validate its fields, call the library, fill the reply. */
#ifndef SEALDESK_DISPATCH_INT_H
#define SEALDESK_DISPATCH_INT_H

#include <protobuf-c/protobuf-c.h>

#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/err.h"
#include "sealdesk/rpc.h"
#include "sealdesk/rpc_convert.h"

struct sd_rpc_ctx {
    struct sd_desk *d;
    struct sd_actor actor; /* the session's user and roles */
    char actor_name[SD_MAX_AGENT + 1];
    char request_id[65];
    const char *token;             /* the session token of this call (borrowed) */
    const char *fingerprint;       /* verified client certificate, or NULL */
    const char *source;            /* the client's address, or NULL (borrowed) */
    struct sd_arena a;             /* the reply's storage: wiped and freed after the handler */
    ProtobufCMessage *req;         /* the unpacked request, freed after the handler unless taken */
    const struct sd_rpc_method *m; /* the method called */
};

/* A handler: req is the request unpacked as the method's `in` type (owned by the dispatcher;
 * NULL only for a method with a prepare step whose prepare step ran). It must set c's status. */
typedef void (*sd_rpc_fn)(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req);

#define SD_RPC_PUBLIC 1u /* callable without a session (Login, Health) */
#define SD_RPC_SECRET 2u /* the request holds secrets: every string and bytes field is wiped */

struct sd_rpc_method {
    const char *path;                     /* "/sealdesk.v1.Service/Method" */
    const ProtobufCMessageDescriptor *in; /* the request type */
    sd_rpc_fn fn;
    enum sd_op op;  /* checked with sd_policy_allows before the request is read */
    unsigned flags; /* SD_RPC_PUBLIC, SD_RPC_SECRET */
    /* Request bytes at most; 0: SD_RPC_MAX_MSG (the transport's own limit). Larger:
     * RESOURCE_EXHAUSTED before anything is unpacked. */
    size_t max_req;
    /* Optional check of the unpacked request beyond op (e.g. Get with unmask): false with the
     * status set (sd_rpc_allowed) stops the call before fn. */
    bool (*allow)(struct sd_rpc_ctx *x, struct sd_rpc_call *c, const void *req);
    /* Optional step run on a worker before the call goes to the writer (sd_rpc_prepare): it
     * sets c->prep / c->prep_free, or a final status. fn then gets req == NULL when c->prep is
     * set, else (no prepare step ran) the request. */
    sd_rpc_fn prepare;
    int arg; /* for fn (x->m->arg): one handler may serve several methods */
};

/* One row of a method table: request type `type` is the protobuf-c prefix of the message
 * (sealdesk__v1__get_ticket_request); the optional fields follow as designators. */
#define SD_RPC_METHOD(path_, type_, fn_, ...)                                       \
    {                                                                               \
        .path = (path_), .in = &type_##__descriptor, .fn = (fn_), .op = __VA_ARGS__ \
    }

/* Method tables of the service files (listed in dispatch.c's tables[]). */
extern const struct sd_rpc_method sd_rpc_methods_core[];
extern const size_t sd_rpc_methods_core_n;
extern const struct sd_rpc_method sd_rpc_methods_remedy[];
extern const size_t sd_rpc_methods_remedy_n;
extern const struct sd_rpc_method sd_rpc_methods_keys[];
extern const size_t sd_rpc_methods_keys_n;
extern const struct sd_rpc_method sd_rpc_methods_desk[];
extern const size_t sd_rpc_methods_desk_n;
extern const struct sd_rpc_method sd_rpc_methods_users[];
extern const size_t sd_rpc_methods_users_n;
extern const struct sd_rpc_method sd_rpc_methods_backoffice[]; /* Customers, Attachments, Events */
extern const size_t sd_rpc_methods_backoffice_n;
extern const struct sd_rpc_method sd_rpc_methods_intake[]; /* dispatch_intake.c */
extern const size_t sd_rpc_methods_intake_n;
extern const struct sd_rpc_method sd_rpc_methods_console[]; /* dispatch_console.c */
extern const size_t sd_rpc_methods_console_n;

/* Method i of all tables (static), NULL past the end; the method named path, or NULL. */
const struct sd_rpc_method *sd_rpc_method_at(size_t i);
const struct sd_rpc_method *sd_rpc_method_find(const char *path);

/* ---- requests (dispatch.c) ---- */

/* c's request as m's input type, or NULL with the status set: RESOURCE_EXHAUSTED over
 * m->max_req, INVALID_ARGUMENT "<field>: must not contain a NUL character" when a string field
 * (at any depth; the name is the dotted path) holds a NUL, INVALID_ARGUMENT "malformed request
 * message" when the bytes are not a message of that type. The caller frees the result with
 * sd_rpc_request_free. No session or policy check: sd_rpc_dispatch does those first. */
ProtobufCMessage *sd_rpc_unpack(const struct sd_rpc_method *m, struct sd_rpc_call *c);
/* Wipe every string, bytes and unknown field of req (at any depth). NULL is a no-op. */
void sd_rpc_request_wipe(ProtobufCMessage *req);
/* Free an unpacked request, wiped first when m is SD_RPC_SECRET. NULL is a no-op. */
void sd_rpc_request_free(const struct sd_rpc_method *m, ProtobufCMessage *req);
/* The handler keeps the request past its return (e.g. in c->prep): the dispatcher no longer
 * frees it; the caller frees it with sd_rpc_request_free. */
ProtobufCMessage *sd_rpc_request_take(struct sd_rpc_ctx *x);

/* ---- replies (reply.c) ---- */

/* Pack m as the reply and set OK (RESOURCE_EXHAUSTED if it does not fit). */
void sd_rpc_reply(struct sd_rpc_call *c, const ProtobufCMessage *m);
/* Status from an sd_err with "what: reason" (SD_E_EMPTY -> NOT_FOUND "queue empty"). */
void sd_rpc_fail(struct sd_rpc_call *c, sd_err err, const char *what);
/* The reply m when err is SD_OK, else sd_rpc_fail(c, err, what). */
void sd_rpc_answer(struct sd_rpc_call *c, sd_err err, const ProtobufCMessage *m, const char *what);
/* A refusal with the library's stable reason: why ("%s") when set, else sd_rpc_fail(c, err,
 * what) when what is set, else the bare sd_err_str(err). */
void sd_rpc_refuse(struct sd_rpc_call *c, sd_err err, const char *why, const char *what);
/* A method's own message for a library error: the status stays the one sd_err maps to
 * (sd_grpc_status_from_err), the text says what the caller can do about it. */
struct sd_rpc_why {
    sd_err err;
    const char *msg;
};
/* If err matches a row of why[0..n), set its status and message and return true; else
 * false (the caller replies as usual). SD_RPC_EXPLAIN takes an array. */
bool sd_rpc_explain(struct sd_rpc_call *c, sd_err err, const struct sd_rpc_why *why, size_t n);
#define SD_RPC_EXPLAIN(c, err, why) \
    sd_rpc_explain((c), (err), (why), sizeof(why) / sizeof((why)[0]))
/* INVALID_ARGUMENT with a message naming the field ("field: rule"); printf-style. */
void sd_rpc_invalid(struct sd_rpc_call *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sd_rpc_bad_request(struct sd_rpc_call *c);
/* An extra operation check inside a method (sets PERMISSION_DENIED and returns false). */
bool sd_rpc_allowed(struct sd_rpc_ctx *x, struct sd_rpc_call *c, enum sd_op op);
bool sd_rpc_empty(const char *s);
/* An optional category name ("" = unset: *out stays as it is); false on an unknown name. */
bool sd_rpc_category_opt(const char *s, int *out);

/* Fill the reply item pb (a message of the list's type, initialised) from item i of src.
 * Strings are borrowed from src or kept in a. */
typedef sd_err (*sd_rpc_item_fn)(struct sd_arena *a, void *pb, const void *src, size_t i);
/* The array of a repeated message field: n messages of type d, each initialised and filled by
 * fill, all kept in a; *n_out counts the items filled. Returns NULL and does nothing when *err
 * is set on entry; returns NULL with *err set (SD_E_NOMEM or fill's error) on failure. */
void *sd_rpc_list(struct sd_arena *a, const ProtobufCMessageDescriptor *d, size_t n,
                  sd_rpc_item_fn fill, const void *src, size_t *n_out, sd_err *err);
/* The answer of a call that returns one object: when err is SD_OK, a message of type d kept
 * in a, initialised and filled by fill from src (as item 0); then sd_rpc_answer. */
void sd_rpc_answer_item(struct sd_rpc_call *c, struct sd_arena *a, sd_err err,
                        const ProtobufCMessageDescriptor *d, sd_rpc_item_fn fill, const void *src,
                        const char *what);
/* sd_rpc_item_fn for a struct sd_ticket array (summary fields included when set). */
sd_err sd_rpc_ticket_item(struct sd_arena *a, void *pb, const void *src, size_t i);
/* A TicketList answer from l (with next/more), or sd_rpc_fail(c, err, what); l is cleared. */
void sd_rpc_reply_tickets(struct sd_rpc_call *c, sd_err err, struct sd_ticket_list *l,
                          const char *what);
/* An RFC 3339 copy of t kept in a, or NULL. */
char *sd_rpc_time(struct sd_arena *a, uint64_t t);

#endif
