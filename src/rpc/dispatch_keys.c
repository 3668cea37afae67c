/* gRPC handlers of the Keys service (proto/keys.proto): key status and crypto-shredding
 * (policy op key.admin) and audit-key rotation (key.audit_rotate), all security_admin. The
 * work and its audit entry are in ops/keyops.c; this file only converts messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch_int.h"
#include "keys.pb-c.h"
#include "sealdesk/keyops.h"

static void
rfc3339(char *out, size_t cap, uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    out[0] = 0;
    if(t && gmtime_r(&tt, &tm) && strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = 0; /* did not fit: strftime leaves the buffer unterminated */
}

static void
keys_status(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    Sealdesk__V1__KeyStatus rep = SEALDESK__V1__KEY_STATUS__INIT;
    Sealdesk__V1__KekVersion *vers = NULL, **vp = NULL;
    Sealdesk__V1__AuditKey *aks = NULL, **akp = NULL;
    struct sd_key_status *s = NULL;
    char(*times)[32] = NULL;
    char(*akt)[32] = NULL, (*akf)[65] = NULL, (*akpk)[65] = NULL;
    char last[32];
    size_t n = 0;
    sd_err err;

    SD_RPC_UNPACK(Sealdesk__V1__KeyStatusRequest, sealdesk__v1__key_status_request, q);
    s = malloc(sizeof(*s));
    if(!s) {
        sd_rpc_fail(c, SD_E_NOMEM, "status");
        goto out;
    }
    err = sd_keyops_status(x->d, s);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "status");
        goto out;
    }
    vers = calloc(s->info.kek_latest + 1, sizeof(*vers));
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    vp = calloc(s->info.kek_latest + 1, sizeof(*vp));
    times = calloc(s->info.kek_latest + 1, sizeof(*times));
    if(!vers || !vp || !times) {
        sd_rpc_fail(c, SD_E_NOMEM, "status");
        goto out;
    }
    for(uint32_t v = 1; v <= s->info.kek_latest; v++) {
        if(!s->info.kek[v].present)
            continue;
        sealdesk__v1__kek_version__init(&vers[n]);
        vers[n].version = v;
        vers[n].data_keys = s->info.kek[v].data_keys;
        rfc3339(times[n], sizeof(times[n]), s->info.kek[v].created_at);
        vers[n].created_at = times[n];
        vers[n].retired = v < s->info.kek_min;
        vp[n] = &vers[n];
        n++;
    }
    rep.n_versions = n;
    rep.versions = vp;
    rep.current_version = s->info.kek_latest;
    rep.min_decryption_version = s->info.kek_min;
    rep.data_keys = s->info.data_keys;
    rep.data_keys_shredded = s->info.shredded;
    rfc3339(last, sizeof(last), s->info.last_rotation);
    rep.last_rotation = last;
    rep.rewrap_in_progress = s->rewrap_target != 0;
    rep.blind_index_version = s->info.bidx_version;
    rep.audit_key_version = s->info.audit_version;
    rep.audit_key_fingerprint = s->audit_fingerprint;
    n = s->n_audit_keys;
    aks = calloc(n + 1, sizeof(*aks));
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
    akp = calloc(n + 1, sizeof(*akp));
    akt = calloc(n + 1, sizeof(*akt));
    akf = calloc(n + 1, sizeof(*akf));
    akpk = calloc(n + 1, sizeof(*akpk));
    if(!aks || !akp || !akt || !akf || !akpk) {
        sd_rpc_fail(c, SD_E_NOMEM, "status");
        goto out;
    }
    for(size_t i = 0; i < n; i++) {
        const struct sd_audit_key *k = &s->audit_keys[i];

        sealdesk__v1__audit_key__init(&aks[i]);
        aks[i].version = k->version;
        sd_sig_fingerprint(akf[i], k->pk);
        aks[i].fingerprint = akf[i];
        sd_hex_encode(akpk[i], k->pk, sizeof(k->pk));
        aks[i].public_key = akpk[i];
        rfc3339(akt[i], sizeof(akt[i]), k->created_at);
        aks[i].created_at = akt[i];
        aks[i].from_tree_size = k->from_size;
        aks[i].current = k->current;
        akp[i] = &aks[i];
    }
    rep.n_audit_keys = n;
    rep.audit_keys = akp;
    sd_rpc_reply(c, &rep.base);
out:
    free(akpk);
    free(akf);
    free(akt);
    free(akp);
    free(aks);
    free(times);
    free(vp);
    free(vers);
    free(s);
    sealdesk__v1__key_status_request__free_unpacked(q, NULL);
}

static void
keys_shred(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    Sealdesk__V1__ShredResult rep = SEALDESK__V1__SHRED_RESULT__INIT;
    struct sd_shred_result r;
    sd_err err;

    SD_RPC_UNPACK(Sealdesk__V1__ShredRequest, sealdesk__v1__shred_request, q);
    err = sd_keyops_shred(x->d, &x->actor, q->customer_uid, q->reason, &r);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "shred");
    } else {
        rep.data_keys = r.data_keys;
        rep.tickets = r.tickets;
        rep.index_entries = r.index_entries;
        sd_rpc_reply(c, &rep.base);
    }
    sealdesk__v1__shred_request__free_unpacked(q, NULL);
}

static void
keys_rotate_audit(struct sd_rpc_ctx *x, struct sd_rpc_call *c)
{
    Sealdesk__V1__RotateAuditKeyResult rep = SEALDESK__V1__ROTATE_AUDIT_KEY_RESULT__INIT;
    struct sd_audit_rotation r;
    char pk[65];
    sd_err err;

    SD_RPC_UNPACK(Sealdesk__V1__RotateAuditKeyRequest, sealdesk__v1__rotate_audit_key_request, q);
    err = sd_keyops_audit_rotate(x->d, &x->actor, sd_rpc_empty(q->reason) ? NULL : q->reason, &r);
    if(err != SD_OK) {
        sd_rpc_fail(c, err, "rotate audit key");
    } else {
        rep.version = r.version;
        rep.fingerprint = r.fingerprint;
        sd_hex_encode(pk, r.pk, sizeof(r.pk));
        rep.public_key = pk;
        rep.handoff_tree_size = r.handoff_size;
        sd_rpc_reply(c, &rep.base);
    }
    sealdesk__v1__rotate_audit_key_request__free_unpacked(q, NULL);
}

const struct sd_rpc_method sd_rpc_methods_keys[] = {
    {"/sealdesk.v1.Keys/Status", keys_status, SD_OP_KEY_ADMIN, false},
    {"/sealdesk.v1.Keys/Shred", keys_shred, SD_OP_KEY_ADMIN, false},
    {"/sealdesk.v1.Keys/RotateAuditKey", keys_rotate_audit, SD_OP_KEY_AUDIT_ROTATE, false},
};
const size_t sd_rpc_methods_keys_n = sizeof(sd_rpc_methods_keys) / sizeof(sd_rpc_methods_keys[0]);
