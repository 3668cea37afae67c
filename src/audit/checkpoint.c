/* Signed checkpoints and audit-key hand-offs. The signature covers a small text note, not
 * protobuf bytes, so a verifier in any language can rebuild it exactly:
 *
 *   sealdesk checkpoint v1\n
 *   <tree size, decimal>\n
 *   <root, lower-case hex>\n
 *   <time, Unix seconds, decimal>\n
 *   next-key <next public key, lower-case hex>\n     (key hand-off checkpoints only)
 *
 * The hand-off is signed by the old key; every later checkpoint by the new one. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/clock.h"
#include "sealdesk/keystore.h"
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

/* Sign with kr (after bringing it up to the store's current key) and store a checkpoint of the
 * current tree; next_pk non-NULL makes it a key hand-off. */
static sd_err
write_checkpoint(struct sd_txn *t, const struct sd_keyring *kr,
                 const uint8_t next_pk[SD_SIG_PK_BYTES], struct sd_checkpoint *out)
{
    Sealdesk__V1__Checkpoint rec = SEALDESK__V1__CHECKPOINT__INIT;
    struct sd_checkpoint cp;
    struct sd_buf note = SD_BUF_INIT;
    struct sd_buf enc = SD_BUF_INIT;
    struct sd_val old;
    uint8_t key[8];
    sd_err err = SD_OK;
    sd_err rc;

    memset(&cp, 0, sizeof(cp));
    SD_CHECK_ARG(t && kr);
    SD_TRY(sd_audit_size(t, &cp.size));
    sd_put_u64be(key, cp.size);
    rc = sd_txn_get(t, SD_DB_CHECKPOINTS, key, sizeof(key), &old);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    if(rc == SD_OK && !next_pk) {
        struct sd_checkpoint prev;

        /* A hand-off is the old key's last word: replacing it (same size, new key) would cut
         * the chain verifiers follow. Keep it; this size is covered anyway. */
        SD_ENSURE(sd_checkpoint_decode(&prev, old.p, old.n) == SD_OK, SD_E_STORE);
        if(prev.has_next) {
            if(out)
                *out = prev;
            goto out;
        }
    }
    SD_TRY(sd_audit_root(t, cp.size, cp.root));
    cp.time = sd_clock_now();
    /* Never sign with a key another process has handed off since kr was loaded. */
    SD_TRY(sd_keys_audit_sync(t, kr));
    SD_TRY(sd_sig_public_key(kr, cp.pk));
    if(next_pk) {
        cp.has_next = true;
        memcpy(cp.next_pk, next_pk, SD_SIG_PK_BYTES);
    }
    SD_TRY(sd_checkpoint_note(&note, &cp));
    SD_TRY(sd_sig_sign(kr, cp.sig, note.data, note.len));
    rec.tree_size = cp.size;
    rec.root.data = cp.root;
    rec.root.len = sizeof(cp.root);
    rec.time = cp.time;
    rec.signature.data = cp.sig;
    rec.signature.len = sizeof(cp.sig);
    rec.public_key.data = cp.pk;
    rec.public_key.len = sizeof(cp.pk);
    if(cp.has_next) {
        rec.next_public_key.data = cp.next_pk;
        rec.next_public_key.len = sizeof(cp.next_pk);
    }
    SD_TRY(sd_buf_reserve(&enc, sealdesk__v1__checkpoint__get_packed_size(&rec)));
    enc.len = sealdesk__v1__checkpoint__pack(&rec, enc.data);
    SD_TRY(sd_txn_put(t, SD_DB_CHECKPOINTS, key, sizeof(key), enc.data, enc.len));
    SD_TRY(sd_meta_put_u64(t, "cp_last_time", cp.time));
    if(out)
        *out = cp;
out:
    sd_buf_free(&note);
    sd_buf_free(&enc);
    return err;
}

sd_err
sd_audit_checkpoint(struct sd_txn *t, const struct sd_keyring *kr, struct sd_checkpoint *out)
{
    return write_checkpoint(t, kr, NULL, out);
}

sd_err
sd_audit_key_rotate(struct sd_txn *t, const struct sd_keyring *kr, const struct sd_audit_rec *r,
                    uint32_t *version, struct sd_checkpoint *handoff)
{
    struct sd_buf w = SD_BUF_INIT;
    struct sd_audit_rec rec;
    struct sd_checkpoint cp;
    uint8_t pk[SD_SIG_PK_BYTES], digest[32];
    char target[32];
    uint32_t v = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr && r && version && sd_txn_is_write(t));
    /* The hand-off must be signed by the key verifiers know now: the store's current one. */
    SD_TRY(sd_keys_audit_sync(t, kr));
    SD_TRY(sd_keys_audit_next(t, kr, &v, &w, pk));
    rec = *r;
    if(!rec.target) {
        snprintf(target, sizeof(target), "audit_key:v%" PRIu32, v);
        rec.target = target;
    }
    if(!rec.digest) {
        sd_sha256(digest, pk, sizeof(pk)); /* the new key's fingerprint */
        rec.digest = digest;
    }
    SD_TRY(sd_audit_append(t, kr, &rec, NULL));
    SD_TRY(write_checkpoint(t, kr, pk, &cp));
    SD_TRY(sd_keys_audit_install(t, v, &w, pk, cp.size));
    *version = v;
    if(handoff)
        *handoff = cp;
out:
    sd_buf_wipe_free(&w);
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
