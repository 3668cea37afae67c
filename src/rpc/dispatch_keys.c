/* gRPC handlers of the Keys service (proto/keys.proto): key status and crypto-shredding
 * (policy op key.admin) and audit-key rotation (key.audit_rotate), all security_admin. The
 * work and its audit entry are in ops/keyops.c; this file only converts messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch_int.h"
#include "keys.pb-c.h"
#include "sealdesk/desk_mail.h"
#include "sealdesk/keyops.h"

/* RFC 3339 UTC of t kept in a; "" for 0 (never). NULL when out of memory. */
static char *
rfc3339(struct sd_arena *a, uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char out[32];

    out[0] = 0;
    if(t && gmtime_r(&tt, &tm) && strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = 0; /* did not fit: strftime leaves the buffer unterminated */
    return sd_arena_strndup(a, out, strlen(out));
}

/* The KEK versions still present, in order (versions[i] is the i-th). */
struct kek_src {
    const struct sd_key_status *s;
    const uint32_t *versions;
};

static sd_err
kek_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__KekVersion *m = pb;
    const struct kek_src *k = src;
    uint32_t v = k->versions[i];

    m->version = v;
    m->data_keys = k->s->info.kek[v].data_keys;
    m->created_at = rfc3339(a, k->s->info.kek[v].created_at);
    m->retired = v < k->s->info.kek_min;
    return m->created_at ? SD_OK : SD_E_NOMEM;
}

static sd_err
audit_key_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__AuditKey *m = pb;
    const struct sd_audit_key *k = (const struct sd_audit_key *)src + i;
    char *fp = sd_arena_alloc(a, 65);
    char *hex = sd_arena_alloc(a, 2 * sizeof(k->pk) + 1);

    m->version = k->version;
    m->created_at = rfc3339(a, k->created_at);
    m->from_tree_size = k->from_size;
    m->current = k->current;
    if(!fp || !hex || !m->created_at)
        return SD_E_NOMEM;
    sd_sig_fingerprint(fp, k->pk);
    sd_hex_encode(hex, k->pk, sizeof(k->pk));
    m->fingerprint = fp;
    m->public_key = hex;
    return SD_OK;
}

static void
keys_status(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    Sealdesk__V1__KeyStatus rep = SEALDESK__V1__KEY_STATUS__INIT;
    struct sd_key_status *s = sd_arena_alloc(&x->a, sizeof(*s));
    struct kek_src ks = {s, NULL};
    uint32_t *present = NULL;
    size_t n = 0;
    sd_err err = s ? sd_keyops_status(x->d, s) : SD_E_NOMEM;

    (void)req;
    if(!s) { /* NULL s leaves err SD_E_NOMEM; said once so no path below reads s */
        sd_rpc_answer(c, err, &rep.base, "status");
        return;
    }
    if(err == SD_OK) {
        present = sd_arena_alloc(&x->a, (s->info.kek_latest + 1) * sizeof(*present));
        err = present ? SD_OK : SD_E_NOMEM;
    }
    for(uint32_t v = 1; err == SD_OK && v <= s->info.kek_latest; v++) {
        if(s->info.kek[v].present)
            present[n++] = v;
    }
    ks.versions = present;
    rep.versions = sd_rpc_list(&x->a, &sealdesk__v1__kek_version__descriptor, n, kek_item, &ks,
                               &rep.n_versions, &err);
    if(err == SD_OK) {
        rep.current_version = s->info.kek_latest;
        rep.min_decryption_version = s->info.kek_min;
        rep.data_keys = s->info.data_keys;
        rep.data_keys_shredded = s->info.shredded;
        rep.last_rotation = rfc3339(&x->a, s->info.last_rotation);
        rep.rewrap_in_progress = s->rewrap_target != 0;
        rep.blind_index_version = s->info.bidx_version;
        rep.audit_key_version = s->info.audit_version;
        rep.audit_key_fingerprint = s->audit_fingerprint;
        rep.audit_keys = sd_rpc_list(&x->a, &sealdesk__v1__audit_key__descriptor, s->n_audit_keys,
                                     audit_key_item, s->audit_keys, &rep.n_audit_keys, &err);
        if(err == SD_OK && !rep.last_rotation)
            err = SD_E_NOMEM;
    }
    sd_rpc_answer(c, err, &rep.base, "status");
}

static void
keys_shred(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__ShredRequest *q = req;
    Sealdesk__V1__ShredResult rep = SEALDESK__V1__SHRED_RESULT__INIT;
    struct sd_shred_result r;
    sd_err err = sd_keyops_shred(x->d, &x->actor, q->customer_uid, q->reason, &r);

    if(err == SD_OK) {
        rep.data_keys = r.data_keys;
        rep.tickets = r.tickets;
        rep.index_entries = r.index_entries;
        rep.purged = r.purged;
    }
    sd_rpc_answer(c, err, &rep.base, "shred");
}

static void
keys_rotate_audit(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    const Sealdesk__V1__RotateAuditKeyRequest *q = req;
    Sealdesk__V1__RotateAuditKeyResult rep = SEALDESK__V1__ROTATE_AUDIT_KEY_RESULT__INIT;
    struct sd_audit_rotation r;
    char pk[65];
    sd_err err =
        sd_keyops_audit_rotate(x->d, &x->actor, sd_rpc_empty(q->reason) ? NULL : q->reason, &r);

    if(err == SD_OK) {
        rep.version = r.version;
        rep.fingerprint = r.fingerprint;
        sd_hex_encode(pk, r.pk, sizeof(r.pk));
        rep.public_key = pk;
        rep.handoff_tree_size = r.handoff_size;
    }
    sd_rpc_answer(c, err, &rep.base, "rotate audit key");
}

static void
keys_rotate_mail(struct sd_rpc_ctx *x, struct sd_rpc_call *c, void *req)
{
    Sealdesk__V1__RotateMailKeyResult rep = SEALDESK__V1__ROTATE_MAIL_KEY_RESULT__INIT;
    uint32_t v = 0;
    sd_err err = sd_desk_mail_rotate_key(x->d, &x->actor, &v);

    (void)req;
    rep.version = v;
    sd_rpc_answer(c, err, &rep.base, "rotate mail key");
}

/* clang-format off: one row a method, aligned for reading */
const struct sd_rpc_method sd_rpc_methods_keys[] = {
    SD_RPC_METHOD("/sealdesk.v1.Keys/Status", sealdesk__v1__key_status_request, keys_status,
                  SD_OP_KEY_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Keys/Shred", sealdesk__v1__shred_request, keys_shred,
                  SD_OP_KEY_ADMIN),
    SD_RPC_METHOD("/sealdesk.v1.Keys/RotateAuditKey", sealdesk__v1__rotate_audit_key_request,
                  keys_rotate_audit, SD_OP_KEY_AUDIT_ROTATE),
    SD_RPC_METHOD("/sealdesk.v1.Keys/RotateMailKey", sealdesk__v1__rotate_mail_key_request,
                  keys_rotate_mail, SD_OP_KEY_ADMIN),
};
/* clang-format on */
const size_t sd_rpc_methods_keys_n = sizeof(sd_rpc_methods_keys) / sizeof(sd_rpc_methods_keys[0]);
