/* sealkey: the key ceremony tool (docs/KEY_CEREMONY.md). Offline it links the library on a
 * data dir (`--data DIR`, like sealctl --offline; actor "offline:<login>", SD_ROLE_SYSTEM) and
 * runs ops/keyops.c; every operation is audited there. Online (`--server`) it calls the Keys
 * service (status, shred, audit-rotate) as a security_admin session. Exit 0 ok, 1
 * refused/failed with "STATUS: what: reason" on stderr, 2 usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "common/args.h"
#include "keys.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/desk.h"
#include "sealdesk/desk_mail.h"
#include "sealdesk/keyops.h"
#include "sealdesk/rpc.h"
#include "sealdesk/version.h"

static const char usage[] =
    "usage: sealkey [[--offline] --data DIR [--key-file F | --passphrase-file F]\n"
    "                [--actor NAME]]\n"
    "               [--server HOST:PORT --ca F --token T [--cert F --cert-key F]] [--json]\n"
    "               COMMAND [options]\n"
    "commands:\n"
    "  status                                   versions, data keys per version, audit key\n"
    "  rotate                                   new KEK version, used by new writes at once\n"
    "  rewrap [--batch N] [--max-batches N]     re-wrap data keys under the newest KEK\n"
    "  retire --below V                         refuse KEK versions below V from now on\n"
    "  shred --customer-uid U --reason R        erase a customer's data key (crypto-shred)\n"
    "  remaster --new-key-file F | --passphrase-file F   re-wrap KEKs under a new master key\n"
    "  bidx-rotate                              new blind-index key, re-index (server stopped)\n"
    "  audit-rotate [--reason R]                new audit signing key; the old one signs the\n"
    "                                           hand-off (safe while the server runs)\n"
    "  rotate-mail-key                          new mail signing key (outbound verification\n"
    "                                           codes); messages signed before still verify\n"
    "  check                                    every data key unwraps, every field opens\n"
    "online (--server): status, shred, audit-rotate, rotate-mail-key\n"
    "mode: --server means online, --data/--offline offline (both: refused); else online\n"
    "  when SEALDESK_SERVER is set, offline on SEALDESK_DATA\n";

struct opts {
    const char *data, *key_file, *pass_file, *actor, *server, *ca, *cert, *cert_key, *token;
    bool json;
    struct sd_args args; /* the command's options (main) */
};

static int
fail(sd_err err, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", sd_grpc_status_name(sd_grpc_status_from_err(err)), what,
            sd_err_str(err));
    return 1;
}

/* (void) on usage and error text: a failed write to stdout/stderr has nowhere to be reported. */
static int
bad_usage(const char *msg)
{
    if(msg)
        fprintf(stderr, "sealkey: %s\n", msg);
    (void)fputs(usage, stderr);
    return 2;
}

/* The command's options, parsed once in main by the tools' shared parser. */
static const char *
arg(const struct opts *o, const char *name)
{
    return sd_args_get(&o->args, name);
}

static bool
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if(!s || !*s || *s == '-')
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if(errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static int
emit(const struct opts *o, json_t *j)
{
    if(o->json) {
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

        if(s)
            puts(s);
        free(s);
    } else {
        const char *k;
        json_t *v;

        json_object_foreach(j, k, v)
        {
            char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

            printf("%s: %s\n", k, s ? s : json_string_value(v));
            free(s);
        }
    }
    json_decref(j);
    return 0;
}

static void
iso_time(char *out, size_t cap, uint64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if(!t || !gmtime_r(&tt, &tm)) {
        snprintf(out, cap, "%s", "");
        return;
    }
    if(strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = 0; /* did not fit: strftime leaves the buffer unterminated */
}

/* The audit key chain, oldest first: what `sealaudit verify` follows. */
static json_t *
audit_keys_json(const struct sd_key_status *s)
{
    json_t *arr = json_array();
    char ts[32], fp[65], pk[65];

    for(size_t i = 0; i < s->n_audit_keys; i++) {
        const struct sd_audit_key *k = &s->audit_keys[i];

        iso_time(ts, sizeof(ts), k->created_at);
        sd_sig_fingerprint(fp, k->pk);
        sd_hex_encode(pk, k->pk, sizeof(k->pk));
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "version",
                                             (json_int_t)k->version, "fingerprint", fp,
                                             "public_key", pk, "created_at", ts, "from_tree_size",
                                             (json_int_t)k->from_size, "current", k->current));
    }
    return arr;
}

static json_t *
status_json(const struct sd_key_status *s)
{
    json_t *j = json_object(), *vers = json_array(), *retired = json_array();
    char ts[32];

    for(uint32_t v = 1; v <= s->info.kek_latest; v++) {
        json_t *e;

        if(!s->info.kek[v].present)
            continue;
        iso_time(ts, sizeof(ts), s->info.kek[v].created_at);
        e = json_pack("{s:I, s:I, s:s, s:b, s:b}", "version", (json_int_t)v, "data_keys",
                      (json_int_t)s->info.kek[v].data_keys, "created_at", ts, "retired",
                      v < s->info.kek_min, "current", v == s->info.kek_latest);
        json_array_append_new(vers, e);
        if(v < s->info.kek_min)
            json_array_append_new(retired, json_integer(v));
    }
    json_object_set_new(j, "kek_versions", vers);
    json_object_set_new(j, "retired_versions", retired);
    json_object_set_new(j, "current_version", json_integer(s->info.kek_latest));
    json_object_set_new(j, "min_decryption_version", json_integer(s->info.kek_min));
    json_object_set_new(j, "data_keys", json_integer((json_int_t)s->info.data_keys));
    json_object_set_new(j, "data_keys_shredded", json_integer((json_int_t)s->info.shredded));
    iso_time(ts, sizeof(ts), s->info.last_rotation);
    json_object_set_new(j, "last_rotation", json_string(ts));
    json_object_set_new(j, "rewrap_in_progress", json_boolean(s->rewrap_target != 0));
    json_object_set_new(j, "blind_index_version", json_integer(s->info.bidx_version));
    json_object_set_new(j, "audit_key_version", json_integer(s->info.audit_version));
    json_object_set_new(j, "audit_key_fingerprint", json_string(s->audit_fingerprint));
    json_object_set_new(j, "audit_keys", audit_keys_json(s));
    return j;
}

static json_t *
rotation_json(uint32_t version, const char *fingerprint, const char *pk_hex, uint64_t handoff)
{
    return json_pack("{s:I, s:s, s:s, s:I}", "audit_key_version", (json_int_t)version,
                     "audit_key_fingerprint", fingerprint, "public_key", pk_hex,
                     "handoff_tree_size", (json_int_t)handoff);
}

/* ---- offline ---- */

static int
offline(const struct opts *o, int argc, char **argv)
{
    /* One thread: shred and bidx-rotate purge the store file at once (sd_store_purge). */
    struct sd_desk_opts dopt = {.dir = o->data, .key_file = o->key_file, .exclusive = true};
    struct sd_actor a = {o->actor, NULL, SD_ROLE_SYSTEM};
    struct sd_desk *d = NULL;
    const char *cmd = argv[0];
    char *pass = NULL;
    size_t plen = 0;
    sd_err err;
    int rc = 0;

    if(o->pass_file)
        err = sd_keyops_desk_open_passphrase_file(&d, &dopt, o->pass_file);
    else
        err = sd_desk_open(&d, &dopt);
    if(err != SD_OK)
        return fail(err, o->pass_file ? "open data dir with the passphrase file (its first "
                                        "line; mode 0600)"
                                      : "open data dir");

    if(strcmp(cmd, "status") == 0) {
        struct sd_key_status *s = malloc(sizeof(*s));

        if(argc != 1) {
            rc = bad_usage("status takes no options");
        } else if(!s) {
            rc = fail(SD_E_NOMEM, "status");
        } else if((err = sd_keyops_status(d, s)) != SD_OK) {
            rc = fail(err, "status");
        } else {
            rc = emit(o, status_json(s));
        }
        free(s);
    } else if(strcmp(cmd, "rotate") == 0) {
        uint32_t v;

        if(argc != 1)
            rc = bad_usage("rotate takes no options");
        else if((err = sd_keyops_rotate(d, &a, &v)) != SD_OK)
            rc = fail(err, "rotate");
        else
            rc = emit(o, json_pack("{s:I}", "kek_version", (json_int_t)v));
    } else if(strcmp(cmd, "rewrap") == 0) {
        struct sd_rewrap_progress p;
        uint64_t batch = 256, maxb = 0;

        if((arg(o, "batch") && !parse_u64(arg(o, "batch"), SD_KEYS_REWRAP_MAX, &batch)) ||
           batch == 0 ||
           (arg(o, "max-batches") && !parse_u64(arg(o, "max-batches"), UINT32_MAX, &maxb))) {
            rc = bad_usage("rewrap [--batch 1..10000] [--max-batches N]");
        } else if((err = sd_keyops_rewrap(d, &a, (size_t)batch, maxb, &p)) != SD_OK) {
            rc = fail(err, "rewrap");
        } else {
            rc = emit(o, json_pack("{s:I, s:I, s:I, s:b, s:b}", "kek_version", (json_int_t)p.target,
                                   "rewrapped", (json_int_t)p.rewrapped, "batches",
                                   (json_int_t)p.batches, "resumed", p.resumed, "done", p.done));
        }
    } else if(strcmp(cmd, "retire") == 0) {
        uint64_t below;

        if(!parse_u64(arg(o, "below"), SD_MAX_KEK_VERSIONS, &below))
            rc = bad_usage("retire --below VERSION");
        else if((err = sd_keyops_retire(d, &a, (uint32_t)below)) != SD_OK)
            rc = fail(err, "retire");
        else
            rc = emit(o, json_pack("{s:I}", "min_decryption_version", (json_int_t)below));
    } else if(strcmp(cmd, "shred") == 0) {
        struct sd_shred_result r;

        if(!arg(o, "customer-uid") || !arg(o, "reason"))
            rc = bad_usage("shred --customer-uid UID --reason TEXT");
        else if((err = sd_keyops_shred(d, &a, arg(o, "customer-uid"), arg(o, "reason"), &r)) !=
                SD_OK)
            rc = fail(err, "shred");
        else
            rc = emit(o, json_pack("{s:I, s:I, s:I, s:I, s:b}", "data_keys",
                                   (json_int_t)r.data_keys, "tickets", (json_int_t)r.tickets,
                                   "index_entries", (json_int_t)r.index_entries, "pages_scrubbed",
                                   (json_int_t)r.pages_scrubbed, "purged", r.purged));
    } else if(strcmp(cmd, "remaster") == 0) {
        const char *kf = arg(o, "new-key-file");
        const char *pf = arg(o, "passphrase-file");
        uint8_t m[SD_KEY_BYTES], salt[SD_PWHASH_SALT_BYTES];

        if(!kf == !pf) {
            rc = bad_usage("remaster --new-key-file F | --passphrase-file F");
        } else {
            if(kf) {
                err = sd_master_key_file(m, kf, true); /* created 0600 when absent */
            } else {
                err = sd_keyops_passphrase_read(pf, &pass, &plen);
                if(err == SD_OK) {
                    randombytes_buf(salt, sizeof(salt));
                    err = sd_master_key_passphrase(m, pass, plen, salt);
                }
            }
            if(err != SD_OK)
                rc = fail(err, kf ? "new key file" : "passphrase");
            else if((err = sd_keyops_remaster(d, &a, m, kf ? NULL : salt)) != SD_OK)
                rc = fail(err, "remaster");
            else
                rc = emit(o, json_pack("{s:s}", "master", kf ? "key-file" : "passphrase"));
            sodium_memzero(m, sizeof(m));
        }
    } else if(strcmp(cmd, "bidx-rotate") == 0) {
        uint32_t v;
        uint64_t n;

        if(argc != 1)
            rc = bad_usage("bidx-rotate takes no options");
        else if((err = sd_keyops_bidx_rotate(d, &a, &v, &n)) != SD_OK)
            rc = fail(err, "bidx-rotate");
        else
            rc = emit(o, json_pack("{s:I, s:I}", "blind_index_version", (json_int_t)v, "reindexed",
                                   (json_int_t)n));
    } else if(strcmp(cmd, "audit-rotate") == 0) {
        struct sd_audit_rotation r;
        char pk[65];

        if((err = sd_keyops_audit_rotate(d, &a, arg(o, "reason"), &r)) != SD_OK) {
            rc = fail(err, "audit-rotate");
        } else {
            sd_hex_encode(pk, r.pk, sizeof(r.pk));
            rc = emit(o, rotation_json(r.version, r.fingerprint, pk, r.handoff_size));
        }
    } else if(strcmp(cmd, "rotate-mail-key") == 0) {
        uint32_t mv = 0;

        if(argc != 1)
            rc = bad_usage("rotate-mail-key takes no options");
        else if((err = sd_desk_mail_rotate_key(d, &a, &mv)) != SD_OK)
            rc = fail(err, "rotate-mail-key");
        else
            rc = emit(o, json_pack("{s:I}", "mail_key_version", (json_int_t)mv));
    } else if(strcmp(cmd, "check") == 0) {
        uint64_t n, bad;

        if(argc != 1)
            rc = bad_usage("check takes no options");
        else if((err = sd_keyops_check(d, &a, &n, &bad)) != SD_OK)
            rc = fail(err, "check");
        else if(bad)
            rc =
                (emit(o, json_pack("{s:I, s:I}", "tickets", (json_int_t)n, "bad", (json_int_t)bad)),
                 1);
        else
            rc = emit(o, json_pack("{s:I, s:I}", "tickets", (json_int_t)n, "bad", 0));
    } else {
        rc = bad_usage("unknown command");
    }
    if(pass)
        sd_keyops_passphrase_free(pass);
    sd_desk_close(d);
    return rc;
}

/* ---- online: the Keys service ---- */

struct reply {
    const ProtobufCMessageDescriptor *desc;
    ProtobufCMessage *msg;
};

static sd_err
on_msg(void *ctx, const uint8_t *p, size_t n)
{
    struct reply *r = ctx;

    if(r->msg)
        return SD_E_INVALID;
    r->msg = protobuf_c_message_unpack(r->desc, NULL, n, p);
    return r->msg ? SD_OK : SD_E_INVALID;
}

static int
call(const struct opts *o, const char *method, const ProtobufCMessage *req, struct reply *r)
{
    struct sd_grpc_client_opts co = {
        .target = o->server, .ca_file = o->ca, .cert_file = o->cert, .key_file = o->cert_key};
    struct sd_grpc_client *cl = NULL;
    const char *md[3] = {NULL};
    char auth[600], msg[256] = "";
    size_t n = protobuf_c_message_get_packed_size(req);
    uint8_t *buf = malloc(n ? n : 1);
    int status = SD_GRPC_UNKNOWN, rc = 0;
    sd_err err;

    if(!buf)
        return fail(SD_E_NOMEM, "request");
    protobuf_c_message_pack(req, buf);
    if(o->token) {
        snprintf(auth, sizeof(auth), "Bearer %s", o->token);
        md[0] = "authorization";
        md[1] = auth;
    }
    err = sd_grpc_client_connect(&cl, &co);
    if(err != SD_OK) {
        fprintf(stderr, "UNAVAILABLE: cannot reach %s over TLS: %s\n", o->server, sd_err_str(err));
        rc = 1;
    } else {
        err = sd_grpc_client_call(cl, method, md, buf, n, on_msg, r, &status, msg, sizeof(msg));
        if(err != SD_OK) {
            fprintf(stderr, "UNAVAILABLE: call failed: %s\n", sd_err_str(err));
            rc = 1;
        } else if(status != SD_GRPC_OK || !r->msg) {
            fprintf(stderr, "%s: %s\n", sd_grpc_status_name(status), msg);
            rc = 1;
        }
    }
    sd_grpc_client_close(cl);
    sodium_memzero(auth, sizeof(auth)); /* the session token, as sealctl and sealmailgate do */
    sodium_memzero(buf, n ? n : 1);     /* the packed request: a shred names the customer's UID */
    free(buf);
    return rc;
}

static int
online(const struct opts *o, int argc, char **argv)
{
    struct reply r = {0};
    int rc;

    if(strcmp(argv[0], "status") == 0 && argc == 1) {
        Sealdesk__V1__KeyStatusRequest q = SEALDESK__V1__KEY_STATUS_REQUEST__INIT;
        Sealdesk__V1__KeyStatus *s;
        json_t *j, *vers, *aks;

        r.desc = &sealdesk__v1__key_status__descriptor;
        rc = call(o, "/sealdesk.v1.Keys/Status", &q.base, &r);
        if(rc)
            goto out;
        s = (Sealdesk__V1__KeyStatus *)r.msg;
        vers = json_array();
        for(size_t i = 0; i < s->n_versions; i++)
            json_array_append_new(vers, json_pack("{s:I, s:I, s:s, s:b}", "version",
                                                  (json_int_t)s->versions[i]->version, "data_keys",
                                                  (json_int_t)s->versions[i]->data_keys,
                                                  "created_at", s->versions[i]->created_at,
                                                  "retired", s->versions[i]->retired));
        aks = json_array();
        for(size_t i = 0; i < s->n_audit_keys; i++) {
            const Sealdesk__V1__AuditKey *k = s->audit_keys[i];

            json_array_append_new(
                aks, json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "version", (json_int_t)k->version,
                               "fingerprint", k->fingerprint, "public_key", k->public_key,
                               "created_at", k->created_at, "from_tree_size",
                               (json_int_t)k->from_tree_size, "current", k->current));
        }
        j = json_pack("{s:o, s:I, s:I, s:I, s:I, s:s, s:I, s:s, s:o}", "kek_versions", vers,
                      "current_version", (json_int_t)s->current_version, "min_decryption_version",
                      (json_int_t)s->min_decryption_version, "data_keys", (json_int_t)s->data_keys,
                      "data_keys_shredded", (json_int_t)s->data_keys_shredded, "last_rotation",
                      s->last_rotation, "audit_key_version", (json_int_t)s->audit_key_version,
                      "audit_key_fingerprint", s->audit_key_fingerprint, "audit_keys", aks);
        rc = emit(o, j);
    } else if(strcmp(argv[0], "audit-rotate") == 0) {
        Sealdesk__V1__RotateAuditKeyRequest q = SEALDESK__V1__ROTATE_AUDIT_KEY_REQUEST__INIT;
        Sealdesk__V1__RotateAuditKeyResult *s;

        q.reason = (char *)(arg(o, "reason") ? arg(o, "reason") : "");
        r.desc = &sealdesk__v1__rotate_audit_key_result__descriptor;
        rc = call(o, "/sealdesk.v1.Keys/RotateAuditKey", &q.base, &r);
        if(rc)
            goto out;
        s = (Sealdesk__V1__RotateAuditKeyResult *)r.msg;
        rc =
            emit(o, rotation_json(s->version, s->fingerprint, s->public_key, s->handoff_tree_size));
    } else if(strcmp(argv[0], "shred") == 0) {
        Sealdesk__V1__ShredRequest q = SEALDESK__V1__SHRED_REQUEST__INIT;
        Sealdesk__V1__ShredResult *s;

        if(!arg(o, "customer-uid") || !arg(o, "reason"))
            return bad_usage("shred --customer-uid UID --reason TEXT");
        q.customer_uid = (char *)arg(o, "customer-uid");
        q.reason = (char *)arg(o, "reason");
        r.desc = &sealdesk__v1__shred_result__descriptor;
        rc = call(o, "/sealdesk.v1.Keys/Shred", &q.base, &r);
        if(rc)
            goto out;
        s = (Sealdesk__V1__ShredResult *)r.msg;
        rc = emit(o, json_pack("{s:I, s:I, s:I, s:b}", "data_keys", (json_int_t)s->data_keys,
                               "tickets", (json_int_t)s->tickets, "index_entries",
                               (json_int_t)s->index_entries, "purged", s->purged));
    } else if(strcmp(argv[0], "rotate-mail-key") == 0 && argc == 1) {
        Sealdesk__V1__RotateMailKeyRequest q = SEALDESK__V1__ROTATE_MAIL_KEY_REQUEST__INIT;

        r.desc = &sealdesk__v1__rotate_mail_key_result__descriptor;
        rc = call(o, "/sealdesk.v1.Keys/RotateMailKey", &q.base, &r);
        if(rc)
            goto out;
        rc = emit(o, json_pack("{s:I}", "mail_key_version",
                               (json_int_t)((Sealdesk__V1__RotateMailKeyResult *)r.msg)->version));
    } else {
        return bad_usage("online mode supports: status, shred, audit-rotate, rotate-mail-key "
                         "(other commands need --data)");
    }
out:
    if(r.msg)
        protobuf_c_message_free_unpacked(r.msg, NULL);
    return rc;
}

#define CMD_OPT(n, m)            \
    {                            \
        n, SD_ARG_VALUE, m, NULL \
    }
#define JSON_OPT                          \
    {                                     \
        "json", SD_ARG_REPEAT, NULL, NULL \
    }
/* Each command's options (one parse in main; `--json` after the command word too). */
static const struct sd_arg_spec no_opts[] = {JSON_OPT};
static const struct sd_arg_spec rewrap_opts[] = {JSON_OPT, CMD_OPT("batch", "1..10000"),
                                                 CMD_OPT("max-batches", "N")};
static const struct sd_arg_spec retire_opts[] = {JSON_OPT, CMD_OPT("below", "VERSION")};
static const struct sd_arg_spec shred_opts[] = {JSON_OPT, CMD_OPT("customer-uid", "UID"),
                                                CMD_OPT("reason", "TEXT")};
static const struct sd_arg_spec remaster_opts[] = {JSON_OPT, CMD_OPT("new-key-file", "F"),
                                                   CMD_OPT("passphrase-file", "F")};
static const struct sd_arg_spec rotate_audit_opts[] = {JSON_OPT, CMD_OPT("reason", "TEXT")};

struct cmd_opts {
    const char *name, *synopsis;
    const struct sd_arg_spec *spec;
    size_t n_spec;
};
#define CMD(n, syn, spec)                              \
    {                                                  \
        n, syn, spec, sizeof(spec) / sizeof((spec)[0]) \
    }
static const struct cmd_opts cmd_table[] = {
    CMD("status", "status", no_opts),
    CMD("rotate", "rotate", no_opts),
    CMD("rewrap", "rewrap [--batch 1..10000] [--max-batches N]", rewrap_opts),
    CMD("retire", "retire --below VERSION", retire_opts),
    CMD("shred", "shred --customer-uid UID --reason TEXT", shred_opts),
    CMD("remaster", "remaster --new-key-file F | --passphrase-file F", remaster_opts),
    CMD("bidx-rotate", "bidx-rotate", no_opts),
    CMD("audit-rotate", "audit-rotate [--reason TEXT]", rotate_audit_opts),
    /* was missing from this table, so `sealkey rotate-mail-key` was "unknown command" */
    CMD("rotate-mail-key", "rotate-mail-key", no_opts),
    CMD("check", "check", no_opts),
};

static const struct cmd_opts *
cmd_opts_find(const char *name)
{
    for(size_t k = 0; k < sizeof(cmd_table) / sizeof(cmd_table[0]); k++) {
        if(strcmp(cmd_table[k].name, name) == 0)
            return &cmd_table[k];
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    struct opts o = {0};
    struct rlimit nocore = {0, 0};
    char actor[SD_MAX_AGENT + 1];
    bool server_flag = false, data_flag = false;
    int i = 1;
    {
        int meta_rc;

        /* `sealkey COMMAND --help`: the command's own help (main's command table) */
        if(argc <= 2 && sd_tool_meta("sealkey", usage, argc, argv, &meta_rc))
            return meta_rc;
    }

    /* Key material passes through this process: no core dumps, no ptrace by others. */
    setrlimit(RLIMIT_CORE, &nocore);
    prctl(PR_SET_DUMPABLE, 0);
    if(sd_crypto_init() != SD_OK) {
        fprintf(stderr, "INTERNAL: libsodium failed to initialise\n");
        return 1;
    }
    {
        struct sd_globals g;
        const struct cmd_opts *co;

        if(sd_globals_parse("sealkey", argc, argv, false, &g) != 0)
            return bad_usage(NULL);
        if(g.help) {
            (void)fputs(usage, stdout);
            return 0;
        }
        o.data = g.data;
        o.key_file = g.key_file;
        o.pass_file = g.pass_file;
        o.actor = g.actor;
        o.server = g.server;
        o.ca = g.ca;
        o.cert = g.cert;
        o.cert_key = g.cert_key;
        o.token = g.token;
        o.json = g.json;
        /* as sealctl: offline on --data or SEALDESK_DATA */
        data_flag = g.offline_flag || g.data_flag;
        server_flag = g.server_flag;
        i = g.cmd;
        if(i >= argc)
            return bad_usage(NULL);
        /* The command's options, parsed once here (`status --json` reads naturally: --json
         * after the command too). */
        co = cmd_opts_find(argv[i]);
        if(!co)
            return bad_usage("unknown command");
        o.args = (struct sd_args){.tool = "sealkey", .spec = co->spec, .n_spec = co->n_spec};
        if(sd_args_parse(&o.args, argc - i - 1, argv + i + 1) != 0)
            return bad_usage(co->synopsis);
        if(o.args.help) {
            printf("usage: sealkey [global options] %s\n", co->synopsis);
            sd_args_help(stdout, co->spec, co->n_spec);
            return fflush(stdout) == 0 ? 0 : 1;
        }
        o.json = o.json || sd_args_count(&o.args, "json") > 0;
        argc = i + 1; /* the command word alone: its options are in o.args */
    }
    if(!o.actor) {
        sd_actor_offline_name(actor, sizeof(actor));
        o.actor = actor;
    }
    /* The rule of every tool (issue 13; sealctl has the same): the command line decides
     * before the environment. --server means online, --data (or --offline) offline, both at
     * once is refused; with neither, SEALDESK_SERVER means online (even when SEALDESK_DATA is
     * set too, as `. var/dev/env` does), else SEALDESK_DATA offline. An explicit --server
     * never runs offline as the local operator. */
    if(server_flag && data_flag)
        return bad_usage("ambiguous: --server means online, --data/--offline mean offline; "
                         "give one");
    if(server_flag || (!data_flag && o.server))
        return online(&o, argc - i, argv + i);
    if(o.data)
        return offline(&o, argc - i, argv + i);
    return bad_usage("--data DIR (offline) or --server HOST:PORT (online) is required");
}
