/* sealaudit: the compliance officer's verifier. Reads an exported log or a read-only copy of a
 * data dir, never writes, never needs the master key. It starts from one trusted audit key and
 * follows the signed key hand-offs, printing the chain of keys it followed. Exit 0 verified, 1
 * tampered or failed (last line says why), 2 usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "common/args.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/crypto.h"
#include "sealdesk/merkle.h"
#include "sealdesk/store.h"
#include "sealdesk/version.h"

#define MAX_ENTRIES_IN_MEMORY ((size_t)1 << 26)

static const char usage[] =
    "usage: sealaudit [--json] COMMAND\n"
    "  verify (--log FILE | --data DIR) [--pubkey F] [--trusted-checkpoint F]\n"
    "  checkpoint (--log FILE | --data DIR)\n"
    "  prove --log FILE --index I [--size N]\n"
    "  show --log FILE --index I\n"
    "--pubkey F: the first audit public key, 64 hex digits (sealkey status --json:\n"
    "            audit_keys[0].public_key; for --log, the key in effect at its --from)\n"
    "--trusted-checkpoint F: JSON from an earlier `sealaudit checkpoint --json`\n"
    "exit status: 0 verified, 1 tampered or failed, 2 usage\n";

struct opts {
    bool json;
    const char *log, *data, *pubkey, *trusted, *index, *size;
};

static int
usage_err(const char *msg)
{
    if(msg)
        fprintf(stderr, "sealaudit: %s\n", msg);
    (void)fputs(usage, stderr); /* exit status 2 says it already */
    return 2;
}

static int
failf(const char *status, const char *msg)
{
    fprintf(stderr, "%s: %s\n", status, msg);
    return 1;
}

static bool
parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if(!s || !*s || *s == '-' || *s == '+')
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if(errno || *end)
        return false;
    *out = v;
    return true;
}

static int
read_pubkey(const char *path, uint8_t pk[32])
{
    char text[80];
    FILE *f = fopen(path, "r");
    size_t n;

    if(!f)
        return failf("NOT_FOUND", "cannot open public key file");
    n = fread(text, 1, sizeof(text) - 1, f);
    (void)fclose(f); /* read-only: nothing to flush */
    while(n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        n--;
    if(sd_hex_decode(pk, 32, text, n) != SD_OK)
        return failf("INVALID_ARGUMENT", "public key file must hold 64 hex digits");
    return 0;
}

static json_t *
hex_json(const uint8_t *p, size_t n)
{
    char buf[2 * 64 + 1];

    sd_hex_encode(buf, p, n);
    return json_string(buf);
}

static json_t *
checkpoint_json(const struct sd_checkpoint *cp)
{
    json_t *o = json_object();

    json_object_set_new(o, "tree_size", json_integer((json_int_t)cp->size));
    json_object_set_new(o, "root", hex_json(cp->root, 32));
    json_object_set_new(o, "time", json_integer((json_int_t)cp->time));
    json_object_set_new(o, "signature", hex_json(cp->sig, 64));
    json_object_set_new(o, "public_key", hex_json(cp->pk, 32));
    if(cp->has_next)
        json_object_set_new(o, "next_public_key", hex_json(cp->next_pk, 32));
    return o;
}

static bool
json_hex(json_t *o, const char *key, uint8_t *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s && sd_hex_decode(out, n, s, strlen(s)) == SD_OK;
}

static int
read_trusted(const char *path, struct sd_checkpoint *cp)
{
    json_error_t jerr;
    json_t *o = json_load_file(path, 0, &jerr);
    json_t *sz, *tm, *val;
    const char *key;
    int rc = 0;

    if(!o)
        return failf("INVALID_ARGUMENT", "trusted checkpoint is not JSON");
    memset(cp, 0, sizeof(*cp));
    /* Every field is verified or refused: no field the verifier would silently ignore. */
    json_object_foreach(o, key, val)
    {
        if(strcmp(key, "tree_size") != 0 && strcmp(key, "root") != 0 && strcmp(key, "time") != 0 &&
           strcmp(key, "signature") != 0 && strcmp(key, "public_key") != 0 &&
           strcmp(key, "next_public_key") != 0) {
            json_decref(o);
            return failf("INVALID_ARGUMENT", "trusted checkpoint: unknown field");
        }
    }
    sz = json_object_get(o, "tree_size");
    tm = json_object_get(o, "time");
    if(!json_is_integer(sz) || json_integer_value(sz) < 0 || !json_is_integer(tm) ||
       json_integer_value(tm) < 0 || !json_hex(o, "root", cp->root, 32) ||
       !json_hex(o, "signature", cp->sig, 64) || !json_hex(o, "public_key", cp->pk, 32)) {
        rc = failf("INVALID_ARGUMENT",
                   "trusted checkpoint lacks tree_size/root/time/signature/public_key");
    } else {
        cp->size = (uint64_t)json_integer_value(sz);
        cp->time = (uint64_t)json_integer_value(tm);
        /* a hand-off checkpoint: the next key is part of the signed note */
        if(json_object_get(o, "next_public_key")) {
            cp->has_next = json_hex(o, "next_public_key", cp->next_pk, 32);
            if(!cp->has_next)
                rc = failf("INVALID_ARGUMENT", "trusted checkpoint: bad next_public_key");
        }
    }
    json_decref(o);
    return rc;
}

/* Load every entry of an export file (for prove/show) plus its latest checkpoint. */
struct loaded {
    uint64_t from;
    uint8_t pk[32];
    size_t n;
    uint8_t **entries;
    size_t *lens;
    bool have_cp;
    struct sd_checkpoint cp;
};

static void
loaded_free(struct loaded *l)
{
    for(size_t i = 0; i < l->n; i++)
        free(l->entries[i]);
    free(l->entries);
    free(l->lens);
}

static int
load_log(const char *path, struct loaded *l)
{
    FILE *f = fopen(path, "rb");
    uint8_t magic[8], hdr[5];
    size_t cap = 0;
    int rc = 0;

    memset(l, 0, sizeof(*l));
    if(!f)
        return failf("NOT_FOUND", "cannot open log file");
    if(fread(magic, 1, 8, f) != 8 || memcmp(magic, SD_AUDIT_MAGIC, 8) != 0) {
        rc = failf("INVALID_ARGUMENT", "not a sealdesk audit export");
        goto out;
    }
    while(fread(hdr, 1, 5, f) == 5) {
        uint32_t len = sd_get_u32be(hdr + 1);
        uint8_t *buf = NULL;

        if(len > SD_AUDIT_REC_MAX || !(buf = malloc(len ? len : 1)) ||
           fread(buf, 1, len, f) != len) {
            free(buf); /* a short read leaked it */
            rc = failf("DATA_LOSS", "truncated or oversized record");
            goto out;
        }
        if(hdr[0] == SD_AREC_HEADER && len >= 73) {
            l->from = sd_get_u64be(buf);
            memcpy(l->pk, buf + 8, 32);
        } else if(hdr[0] == SD_AREC_CHECKPOINT) {
            l->have_cp = sd_checkpoint_decode(&l->cp, buf, len) == SD_OK;
        } else if(hdr[0] == SD_AREC_ENTRY) {
            if(l->n == cap) {
                size_t ncap = cap ? cap * 2 : 1024;

                if(ncap > MAX_ENTRIES_IN_MEMORY) {
                    free(buf);
                    rc = failf("RESOURCE_EXHAUSTED", "log too large to load");
                    goto out;
                }
                l->entries = realloc(l->entries, ncap * sizeof(*l->entries));
                l->lens = realloc(l->lens, ncap * sizeof(*l->lens));
                if(!l->entries || !l->lens)
                    abort();
                cap = ncap;
            }
            l->entries[l->n] = buf;
            l->lens[l->n++] = len;
            continue;
        }
        free(buf);
    }
out:
    (void)fclose(f); /* read-only: nothing to flush */
    if(rc)
        loaded_free(l); /* callers return at once on failure, without freeing */
    return rc;
}

static json_t *
entry_json(const uint8_t *p, size_t n)
{
    Sealdesk__V1__AuditEntry *e = sealdesk__v1__audit_entry__unpack(NULL, n, p);
    json_t *o;

    if(!e)
        return NULL;
    o = json_object();
    json_object_set_new(o, "index", json_integer((json_int_t)e->index));
    json_object_set_new(o, "time", json_integer((json_int_t)e->time));
    json_object_set_new(o, "actor", json_string(e->actor));
    json_object_set_new(o, "action", json_string(e->action));
    json_object_set_new(o, "target", json_string(e->target));
    json_object_set_new(o, "request_id", json_string(e->request_id));
    json_object_set_new(o, "reason", json_string(e->reason));
    json_object_set_new(o, "digest",
                        hex_json(e->digest.data, e->digest.len < 64 ? e->digest.len : 0));
    json_object_set_new(o, "prev_hash",
                        hex_json(e->prev_hash.data, e->prev_hash.len == 32 ? 32 : 0));
    sealdesk__v1__audit_entry__free_unpacked(e, NULL);
    return o;
}

static int
emit(const struct opts *o, json_t *j)
{
    const char *k;
    json_t *v;

    if(o->json) {
        char *s = json_dumps(j, JSON_COMPACT);

        puts(s ? s : "{}");
        free(s);
    } else {
        json_object_foreach(j, k, v)
        {
            char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

            printf("%s: %s\n", k, s ? s : json_string_value(v));
            free(s);
        }
    }
    json_decref(j);
    return 0;
}

/* The audit keys the verifier followed, oldest first. */
static json_t *
chain_json(const struct sd_audit_verifier *v)
{
    json_t *arr = json_array();
    char fp[65];

    for(size_t i = 0; i < v->n_keys; i++) {
        sd_sig_fingerprint(fp, v->keys[i]);
        json_array_append_new(arr, json_pack("{s:s, s:o, s:I}", "fingerprint", fp, "public_key",
                                             hex_json(v->keys[i], 32), "from_tree_size",
                                             (json_int_t)v->key_from[i]));
    }
    return arr;
}

static int
cmd_verify(const struct opts *o)
{
    struct sd_audit_verifier *v = calloc(1, sizeof(*v));
    struct sd_checkpoint trusted;
    uint8_t pk[32];
    char root[65];
    sd_err err;
    int rc;

    if(!v)
        return failf("RESOURCE_EXHAUSTED", "out of memory");
    if(o->pubkey && (rc = read_pubkey(o->pubkey, pk)) != 0)
        goto out;
    if(o->trusted && (rc = read_trusted(o->trusted, &trusted)) != 0)
        goto out;
    if(o->log) {
        FILE *f = fopen(o->log, "rb");

        if(!f) {
            rc = failf("NOT_FOUND", "cannot open log file");
            goto out;
        }
        err = sd_audit_verify_file(v, f, o->pubkey ? pk : NULL, o->trusted ? &trusted : NULL);
        (void)fclose(f); /* read-only: nothing to flush */
        if(err == SD_E_INVALID && !v->bad) {
            rc = failf("INVALID_ARGUMENT", "not a sealdesk audit export");
            goto out;
        }
    } else {
        struct sd_store *s = NULL;

        err = sd_store_open(&s, o->data, SD_STORE_RDONLY, 0);
        if(err != SD_OK) {
            rc = failf("FAILED_PRECONDITION", "cannot open the data dir read-only");
            goto out;
        }
        err = sd_audit_verify_store(v, s, o->pubkey ? pk : NULL, o->trusted ? &trusted : NULL);
        sd_store_close(s);
    }
    if(err == SD_E_DENIED) {
        rc = failf("PERMISSION_DENIED", "trusted checkpoint is not signed by this log's key");
        goto out;
    }
    if(err != SD_OK && !v->bad) {
        rc = failf("INTERNAL", sd_err_str(err));
        goto out;
    }
    sd_hex_encode(root, v->root, 32);
    if(o->json) {
        json_t *j = json_object();

        json_object_set_new(j, "status", json_string(v->bad ? "TAMPERED" : "OK"));
        json_object_set_new(j, "entries", json_integer((json_int_t)v->next));
        json_object_set_new(j, "checkpoints", json_integer((json_int_t)v->checkpoints));
        json_object_set_new(j, "keys", chain_json(v));
        if(v->bad) {
            json_object_set_new(j, "first_bad_index", json_integer((json_int_t)v->first_bad));
            json_object_set_new(j, "reason", json_string(v->reason));
        } else {
            json_object_set_new(j, "root", json_string(root));
        }
        emit(o, j);
    } else {
        char fp[65];

        for(size_t i = 0; i < v->n_keys; i++) {
            sd_sig_fingerprint(fp, v->keys[i]);
            if(i == 0)
                printf("key[0] fingerprint=%s (trusted start)\n", fp);
            else
                printf("key[%zu] fingerprint=%s handed over at tree size %" PRIu64 "\n", i, fp,
                       v->key_from[i]);
        }
        if(v->bad) {
            printf("TAMPERED first_bad_index=%" PRIu64 " reason=%s\n", v->first_bad, v->reason);
        } else {
            printf("checkpoints=%" PRIu64 " verified, keys=%zu\n", v->checkpoints, v->n_keys);
            printf("OK entries=%" PRIu64 " root=%s\n", v->next, root);
        }
    }
    rc = v->bad ? 1 : 0;
out:
    free(v);
    return rc;
}

static int
cmd_checkpoint(const struct opts *o)
{
    struct sd_checkpoint cp;

    if(o->log) {
        struct loaded l;
        int rc = load_log(o->log, &l);

        if(rc)
            return rc;
        loaded_free(&l);
        if(!l.have_cp)
            return failf("NOT_FOUND", "no checkpoint in the log");
        cp = l.cp;
    } else {
        struct sd_store *s = NULL;
        struct sd_txn *t = NULL;
        sd_err err = sd_store_open(&s, o->data, SD_STORE_RDONLY, 0);

        if(err == SD_OK)
            err = sd_txn_begin(s, false, &t);
        if(err == SD_OK)
            err = sd_audit_latest_checkpoint(t, &cp);
        sd_txn_abort(t);
        sd_store_close(s);
        if(err != SD_OK)
            return failf(err == SD_E_NOTFOUND ? "NOT_FOUND" : "FAILED_PRECONDITION",
                         "no readable checkpoint in the data dir");
    }
    if(sd_checkpoint_verify(&cp, cp.pk) != SD_OK)
        return failf("DATA_LOSS", "checkpoint signature does not verify");
    return emit(o, checkpoint_json(&cp));
}

/* In-memory node store over all leaves of a loaded log, for proofs. */
struct memtree {
    uint8_t (*nodes[64])[32];
    uint64_t size;
};

static sd_err
mem_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
    struct memtree *m = ctx;

    if(level >= 64 || !m->nodes[level] || index >= (m->size >> level))
        return SD_E_NOTFOUND;
    memcpy(out, m->nodes[level][index], 32);
    return SD_OK;
}

static sd_err
mem_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[32])
{
    struct memtree *m = ctx;

    if(level >= 64 || !m->nodes[level])
        return SD_E_INTERNAL;
    memcpy(m->nodes[level][index], h, 32);
    return SD_OK;
}

static int
cmd_prove(const struct opts *o)
{
    struct loaded l;
    struct memtree m;
    uint64_t idx, size;
    uint8_t(*proof)[32] = NULL, lh[32], root[32];
    size_t np = 0;
    json_t *j, *arr;
    int rc = load_log(o->log, &l);

    if(rc)
        return rc;
    memset(&m, 0, sizeof(m));
    if(l.from != 0) {
        rc = failf("FAILED_PRECONDITION", "proofs need a full export (--from 0)");
        goto out;
    }
    size = l.n;
    if(o->size && (!parse_u64(o->size, &size) || size > l.n || size == 0)) {
        rc = failf("INVALID_ARGUMENT", "--size must be 1..entries");
        goto out;
    }
    if(!parse_u64(o->index, &idx) || idx >= size) {
        rc = failf("INVALID_ARGUMENT", "--index out of range");
        goto out;
    }
    for(unsigned lv = 0; lv < 64 && (l.n >> lv); lv++)
        m.nodes[lv] = calloc(l.n >> lv, 32);
    for(size_t i = 0; i < l.n; i++) {
        sd_merkle_leaf_hash(lh, l.entries[i], l.lens[i]);
        m.size = i + 1;
        if(sd_merkle_append(&m, mem_get, mem_put, i, lh) != SD_OK) {
            rc = failf("INTERNAL", "tree build failed");
            goto out;
        }
    }
    proof = calloc(SD_MERKLE_MAX_PROOF, 32);
    if(!proof || sd_merkle_inclusion_proof(&m, mem_get, idx, size, proof, &np) != SD_OK ||
       sd_merkle_root(&m, mem_get, size, root) != SD_OK) {
        rc = failf("INTERNAL", "proof failed");
        goto out;
    }
    sd_merkle_leaf_hash(lh, l.entries[idx], l.lens[idx]);
    j = json_object();
    json_object_set_new(j, "index", json_integer((json_int_t)idx));
    json_object_set_new(j, "tree_size", json_integer((json_int_t)size));
    json_object_set_new(j, "leaf_hash", hex_json(lh, 32));
    json_object_set_new(j, "root", hex_json(root, 32));
    arr = json_array();
    for(size_t i = 0; i < np; i++)
        json_array_append_new(arr, hex_json(proof[i], 32));
    json_object_set_new(j, "proof", arr);
    json_object_set_new(
        j, "verified",
        json_boolean(sd_merkle_verify_inclusion(lh, idx, size, SD_MERKLE_CPROOF(proof), np, root) ==
                     SD_OK));
    rc = emit(o, j);
out:
    free(proof);
    for(unsigned lv = 0; lv < 64; lv++)
        free(m.nodes[lv]);
    loaded_free(&l);
    return rc;
}

static int
cmd_show(const struct opts *o)
{
    struct loaded l;
    uint64_t idx;
    json_t *j;
    int rc = load_log(o->log, &l);

    if(rc)
        return rc;
    if(!parse_u64(o->index, &idx) || idx < l.from || idx - l.from >= l.n) {
        rc = failf("NOT_FOUND", "no entry with that index in the log");
        goto out;
    }
    j = entry_json(l.entries[idx - l.from], l.lens[idx - l.from]);
    rc = j ? emit(o, j) : failf("DATA_LOSS", "entry does not parse");
out:
    loaded_free(&l);
    return rc;
}

/* Options may stand before or after the command word; repeated ones: the last wins. */
static const struct sd_arg_spec audit_opts[] = {
    {"json", SD_ARG_REPEAT, NULL, NULL},
    {"log", SD_ARG_VALUE | SD_ARG_REPEAT, "FILE", NULL},
    {"data", SD_ARG_VALUE | SD_ARG_REPEAT, "DIR", NULL},
    {"pubkey", SD_ARG_VALUE | SD_ARG_REPEAT, "F", NULL},
    {"trusted-checkpoint", SD_ARG_VALUE | SD_ARG_REPEAT, "F", NULL},
    {"index", SD_ARG_VALUE | SD_ARG_REPEAT, "I", NULL},
    {"size", SD_ARG_VALUE | SD_ARG_REPEAT, "N", NULL},
};

int
main(int argc, char **argv)
{
    struct opts o;
    const char *cmd = NULL;

    {
        int meta_rc;

        if(sd_tool_meta("sealaudit", usage, argc, argv, &meta_rc))
            return meta_rc;
    }

    memset(&o, 0, sizeof(o));
    if(sodium_init() < 0)
        return failf("INTERNAL", "libsodium failed to initialise");
    {
        struct sd_args a = {.tool = "sealaudit",
                            .spec = audit_opts,
                            .n_spec = sizeof(audit_opts) / sizeof(audit_opts[0]),
                            .max_pos = 1};

        if(sd_args_parse(&a, argc - 1, argv + 1) != 0)
            return usage_err(NULL);
        if(a.help) {
            (void)fputs(usage, stdout); /* help text: nothing to do if stdout is gone */
            return 0;
        }
        o.json = sd_args_count(&a, "json") > 0;
        o.log = sd_args_get(&a, "log");
        o.data = sd_args_get(&a, "data");
        o.pubkey = sd_args_get(&a, "pubkey");
        o.trusted = sd_args_get(&a, "trusted-checkpoint");
        o.index = sd_args_get(&a, "index");
        o.size = sd_args_get(&a, "size");
        cmd = a.n_pos ? a.pos[0] : NULL;
    }
    if(!cmd)
        return usage_err(NULL);
    if(strcmp(cmd, "verify") == 0 || strcmp(cmd, "checkpoint") == 0) {
        if(!o.log == !o.data)
            return usage_err("give exactly one of --log FILE, --data DIR");
        return cmd[0] == 'v' ? cmd_verify(&o) : cmd_checkpoint(&o);
    }
    if(strcmp(cmd, "prove") == 0 || strcmp(cmd, "show") == 0) {
        if(!o.log || !o.index)
            return usage_err("needs --log FILE --index I");
        return cmd[0] == 'p' ? cmd_prove(&o) : cmd_show(&o);
    }
    return usage_err("unknown command");
}
