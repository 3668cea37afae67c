/* The calls the web console needs (issue 16, proto/console.proto): Auth.Me and
 * Auth.SetPreferences (the caller's own account and display settings), Tickets.Related and
 * Tickets.Inbox (summary lists: subject and masked customer, never plaintext PII) and
 * Audit.Checkpoints (the audit key hand-offs, so a browser verifies checkpoints itself).
 * Authorization: Me and SetPreferences every human role (SD_OP_SELF); Related as Tickets.Get
 * (and its object rule in the library); Inbox as Tickets.List; Checkpoints as
 * Audit.GetCheckpoint. */
#include <stdlib.h>
#include <string.h>

#include "console.pb-c.h"
#include "dispatch_int.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/access.h"
#include "sealdesk/audit.h"
#include "sealdesk/authz.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/remedy.h"
#include "sealdesk/rpc_convert.h"
#include "sealdesk/text.h"
#include "sealdesk/tickets.h"

#define INBOX_MAX_APPROVALS 500

/* ---- Auth ---- */

/* MeResponse of user u (strings kept in a). */
static sd_err
me_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__MeResponse *m = pb;
    const struct sd_user *u = (const struct sd_user *)src + i;
    char roles[96];

    sealdesk__v1__me_response__init(m);
    sd_roles_format(roles, sizeof(roles), u->roles);
    m->user = sd_arena_strndup(a, u->name, strlen(u->name));
    m->roles = sd_arena_strndup(a, roles, strlen(roles));
    m->locale = u->locale[0] ? sd_arena_strndup(a, u->locale, strlen(u->locale)) : (char *)"en";
    m->time_zone = sd_arena_strndup(a, u->time_zone, strlen(u->time_zone));
    return m->user && m->roles && m->locale && m->time_zone ? SD_OK : SD_E_NOMEM;
}

/* The session's expiry into m (RFC 3339; "" when the call has no session token). */
static sd_err
me_expiry(struct sd_rpc_ctx *x, Sealdesk__V1__MeResponse *m)
{
    struct sd_session s;

    m->expires_at = (char *)"";
    if(!x->token || sd_access_session(x->d, x->token, x->fingerprint, &s) != SD_OK)
        return SD_OK;
    m->expires_at = sd_rpc_time(&x->a, s.expires_at);
    return m->expires_at ? SD_OK : SD_E_NOMEM;
}

static void
reply_me(struct sd_rpc_ctx *x, struct sd_rpc_call *c, sd_err err, const struct sd_user *u,
         const char *what)
{
    Sealdesk__V1__MeResponse pb;

    if(err == SD_OK)
        err = me_item(&x->a, &pb, u, 0);
    if(err == SD_OK)
        err = me_expiry(x, &pb);
    sd_rpc_answer(c, err, &pb.base, what);
}

static void
auth_me(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    struct sd_user u;

    (void)req;
    reply_me(x, c, sd_access_me(x->d, &x->actor, &u), &u, "me");
}

static void
auth_set_prefs(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__PreferencesRequest *r = req;
    const char *field = NULL;
    struct sd_user u;
    sd_err err;

    err = sd_access_set_prefs(x->d, &x->actor, r->locale, r->time_zone, &field, &u);
    if(err == SD_E_INVALID && field && strcmp(field, "locale") == 0)
        sd_rpc_invalid(c, "locale: one of en, zh, ko");
    else if(err == SD_E_INVALID && field)
        sd_rpc_invalid(c, "time_zone: an IANA time zone name (e.g. Asia/Seoul), or empty for UTC");
    else
        reply_me(x, c, err, &u, "set preferences");
}

/* ---- Tickets ---- */

static void
tickets_related(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__GetTicketRequest *r = req;
    struct sd_ticket_list l;
    sd_err err;

    if(r->unmask || !sd_rpc_empty(r->reason)) {
        sd_rpc_invalid(c, "unmask: related tickets are always masked");
        return;
    }
    err = sd_ticket_related(x->d, &x->actor, r->id, &l);
    if(err == SD_E_DENIED) {
        sd_rpc_call_status(c, SD_GRPC_PERMISSION_DENIED,
                           "agents see their own and queued tickets only");
        return;
    }
    if(err == SD_E_CRYPTO) {
        sd_rpc_call_status(c, SD_GRPC_DATA_LOSS, "ticket data failed its integrity check");
        return;
    }
    sd_rpc_reply_tickets(c, err, &l, "related");
}

static void
tickets_inbox(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__InboxRequest *r = req;
    Sealdesk__V1__Inbox pb = SEALDESK__V1__INBOX__INIT;
    struct sd_ticket_inbox in;
    uint64_t *ids = NULL;
    size_t n = 0;
    bool more = false;
    sd_err err = sd_ticket_inbox(x->d, &x->actor, r->after_p1, &in);

    /* the approvals list only for those whose role may approve at all */
    if(err == SD_OK && sd_policy_allows(x->actor.roles, SD_OP_REMEDY_APPROVE)) {
        ids = calloc(INBOX_MAX_APPROVALS, sizeof(*ids));
        err = ids ? sd_remedy_approvable(x->d, &x->actor, ids, INBOX_MAX_APPROVALS, &n, &more)
                  : SD_E_NOMEM;
    }
    if(err == SD_OK) {
        pb.new_p1 = sd_rpc_list(&x->a, &sealdesk__v1__ticket__descriptor, in.new_p1.n,
                                sd_rpc_ticket_item, in.new_p1.items, &pb.n_new_p1, &err);
        pb.assigned = sd_rpc_list(&x->a, &sealdesk__v1__ticket__descriptor, in.assigned.n,
                                  sd_rpc_ticket_item, in.assigned.items, &pb.n_assigned, &err);
        pb.approvals = ids;
        pb.n_approvals = n;
        pb.max_p1 = in.max_p1;
    }
    if(err == SD_E_CRYPTO)
        sd_rpc_call_status(c, SD_GRPC_DATA_LOSS, "ticket data failed its integrity check");
    else
        sd_rpc_answer(c, err, &pb.base, "inbox");
    sd_ticket_inbox_clear(&in);
    free(ids);
}

/* ---- Audit ---- */

static void
audit_checkpoints(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    Sealdesk__V1__CheckpointList pb = SEALDESK__V1__CHECKPOINT_LIST__INIT;
    struct sd_checkpoint *cps = calloc(SD_MAX_AUDIT_KEY_VERSIONS, sizeof(*cps));
    struct sd_buf note = SD_BUF_INIT;
    size_t n = 0;
    sd_err err = cps ? sd_desk_audit_handoffs(x->d, cps, &n) : SD_E_NOMEM;

    (void)req;
    if(err == SD_OK && n) {
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        pb.checkpoints = sd_arena_alloc(&x->a, n * sizeof(*pb.checkpoints));
        if(!pb.checkpoints)
            err = SD_E_NOMEM;
    }
    for(size_t i = 0; err == SD_OK && i < n; i++) {
        Sealdesk__V1__SignedCheckpoint *m = sd_arena_alloc(&x->a, sizeof(*m));
        const struct sd_checkpoint *cp = &cps[i];

        note.len = 0;
        err = m ? sd_checkpoint_note(&note, cp) : SD_E_NOMEM;
        if(err != SD_OK)
            break;
        sealdesk__v1__signed_checkpoint__init(m);
        m->tree_size = cp->size;
        m->time = cp->time;
        m->note = sd_arena_strndup(&x->a, (const char *)note.data, note.len);
        m->root.data = sd_arena_alloc(&x->a, 32 + SD_SIG_BYTES + 2 * SD_SIG_PK_BYTES);
        if(!m->note || !m->root.data) {
            err = SD_E_NOMEM;
            break;
        }
        /* the arena copy: cps is freed before the reply is sent */
        memcpy(m->root.data, cp->root, 32);
        m->root.len = 32;
        m->signature = (ProtobufCBinaryData){SD_SIG_BYTES, m->root.data + 32};
        memcpy(m->signature.data, cp->sig, SD_SIG_BYTES);
        m->public_key = (ProtobufCBinaryData){SD_SIG_PK_BYTES, m->signature.data + SD_SIG_BYTES};
        memcpy(m->public_key.data, cp->pk, SD_SIG_PK_BYTES);
        m->next_public_key =
            (ProtobufCBinaryData){SD_SIG_PK_BYTES, m->public_key.data + SD_SIG_PK_BYTES};
        memcpy(m->next_public_key.data, cp->next_pk, SD_SIG_PK_BYTES);
        pb.checkpoints[pb.n_checkpoints++] = m;
    }
    sd_rpc_answer(c, err, &pb.base, "checkpoints");
    sd_buf_free(&note);
    free(cps);
}

/* clang-format off: one row a method, aligned for reading */
const struct sd_rpc_method sd_rpc_methods_console[] = {
    SD_RPC_METHOD("/sealdesk.v1.Auth/Me", sealdesk__v1__me_request, auth_me, SD_OP_SELF),
    SD_RPC_METHOD("/sealdesk.v1.Auth/SetPreferences", sealdesk__v1__preferences_request,
                  auth_set_prefs, SD_OP_SELF),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Related", sealdesk__v1__get_ticket_request, tickets_related,
                  SD_OP_TICKET_GET),
    SD_RPC_METHOD("/sealdesk.v1.Tickets/Inbox", sealdesk__v1__inbox_request, tickets_inbox,
                  SD_OP_TICKET_LIST),
    SD_RPC_METHOD("/sealdesk.v1.Audit/Checkpoints", sealdesk__v1__checkpoints_request,
                  audit_checkpoints, SD_OP_AUDIT_READ),
};
/* clang-format on */
const size_t sd_rpc_methods_console_n =
    sizeof(sd_rpc_methods_console) / sizeof(sd_rpc_methods_console[0]);
