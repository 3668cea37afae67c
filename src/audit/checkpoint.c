/* Signed checkpoints and audit-key hand-offs. The signature covers a small text note, not
 * protobuf bytes, so a verifier in any language can rebuild it exactly:
 *
 *   sealdesk checkpoint v1\n
 *   <tree size, decimal>\n
 *   <root, lower-case hex>\n
 *   <time, Unix seconds, decimal>\n
 *   next-key <next public key, lower-case hex>\n     (key hand-off checkpoints only)
 *
 * The hand-off is signed by the old key; every later checkpoint by the new one. This file
 * builds, decodes and verifies checkpoints (public keys only); append.c signs them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/crypto.h"
#include "util/err_int.h"

sd_err
sd_checkpoint_note(struct sd_buf *out, const struct sd_checkpoint *cp)
{
    char hex[65];
    char line[160];
    int n;
    sd_err err;

    sd_hex_encode(hex, cp->root, 32);
    n = snprintf(line, sizeof(line), "sealdesk checkpoint v1\n%" PRIu64 "\n%s\n%" PRIu64 "\n",
                 cp->size, hex, cp->time);
    if(n < 0 || (size_t)n >= sizeof(line))
        return SD_E_INTERNAL;
    err = sd_buf_append(out, line, (size_t)n);
    if(err != SD_OK || !cp->has_next)
        return err;
    sd_hex_encode(hex, cp->next_pk, SD_SIG_PK_BYTES);
    n = snprintf(line, sizeof(line), "next-key %s\n", hex);
    if(n < 0 || (size_t)n >= sizeof(line))
        return SD_E_INTERNAL;
    return sd_buf_append(out, line, (size_t)n);
}

sd_err
sd_checkpoint_verify(const struct sd_checkpoint *cp, const uint8_t pk[SD_SIG_PK_BYTES])
{
    struct sd_buf note = SD_BUF_INIT;
    sd_err err = SD_OK;

    /* The embedded public key is a field like the others: it must name the verifying key. */
    SD_ENSURE(sodium_memcmp(cp->pk, pk, SD_SIG_PK_BYTES) == 0, SD_E_CRYPTO);
    SD_TRY(sd_checkpoint_note(&note, cp));
    SD_TRY(sd_sig_verify(pk, cp->sig, note.data, note.len));
out:
    sd_buf_free(&note);
    return err;
}

sd_err
sd_audit_latest_checkpoint(struct sd_txn *t, struct sd_checkpoint *out)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;

    SD_TRY(sd_cursor_open(t, SD_DB_CHECKPOINTS, &c));
    SD_TRY(sd_cursor_get(c, SD_CUR_LAST, &k, &v));
    SD_ENSURE(sd_checkpoint_decode(out, v.p, v.n) == SD_OK, SD_E_STORE);
out:
    sd_cursor_close(c);
    return err;
}

sd_err
sd_audit_handoffs(struct sd_txn *t, struct sd_checkpoint *out, size_t cap, size_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_checkpoint cp;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(t && n && (out || !cap));
    *n = 0;
    SD_TRY(sd_cursor_open(t, SD_DB_CHECKPOINTS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(sd_checkpoint_decode(&cp, v.p, v.n) == SD_OK, SD_E_STORE);
        if(!cp.has_next)
            continue;
        SD_ENSURE(*n < cap, SD_E_LIMIT);
        out[(*n)++] = cp;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

/* The key id a checkpoint may carry: the first 8 bytes of SHA-256(public key). */
static bool
key_id_ok(const ProtobufCBinaryData *id, const uint8_t pk[SD_SIG_PK_BYTES])
{
    uint8_t h[32];

    if(id->len == 0)
        return true;
    sd_sha256(h, pk, SD_SIG_PK_BYTES);
    return id->len == 8 && memcmp(id->data, h, 8) == 0;
}

/* Every byte of a checkpoint record is accounted for: the fields the signature covers (size,
 * root, time, next key), the signature itself, the public key (sd_checkpoint_verify requires it
 * to be the verifying key) and the optional key id (checked against the public key here). No
 * unknown fields, and the bytes must be the canonical encoding, so nothing unverified rides
 * along in a duplicate field or a padded varint. */
sd_err
sd_checkpoint_decode(struct sd_checkpoint *out, const uint8_t *p, size_t n)
{
    Sealdesk__V1__Checkpoint *c = sealdesk__v1__checkpoint__unpack(NULL, n, p);
    uint8_t *re = NULL;
    sd_err err = SD_OK;

    if(!c)
        return SD_E_INVALID;
    SD_ENSURE(c->base.n_unknown_fields == 0, SD_E_INVALID);
    SD_ENSURE(c->root.len == 32 && c->signature.len == SD_SIG_BYTES &&
                  c->public_key.len == SD_SIG_PK_BYTES &&
                  (c->next_public_key.len == 0 || c->next_public_key.len == SD_SIG_PK_BYTES),
              SD_E_INVALID);
    SD_ENSURE(key_id_ok(&c->key_id, c->public_key.data), SD_E_INVALID);
    SD_ENSURE(sealdesk__v1__checkpoint__get_packed_size(c) == n, SD_E_INVALID);
    re = malloc(n ? n : 1);
    SD_ENSURE(re, SD_E_NOMEM);
    SD_ENSURE(sealdesk__v1__checkpoint__pack(c, re) == n && memcmp(re, p, n) == 0, SD_E_INVALID);
    memset(out, 0, sizeof(*out));
    out->size = c->tree_size;
    out->time = c->time;
    memcpy(out->root, c->root.data, 32);
    memcpy(out->sig, c->signature.data, SD_SIG_BYTES);
    memcpy(out->pk, c->public_key.data, SD_SIG_PK_BYTES);
    out->has_next = c->next_public_key.len == SD_SIG_PK_BYTES;
    if(out->has_next)
        memcpy(out->next_pk, c->next_public_key.data, SD_SIG_PK_BYTES);
out:
    free(re);
    sealdesk__v1__checkpoint__free_unpacked(c, NULL);
    return err;
}
