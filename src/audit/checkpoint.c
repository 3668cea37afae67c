/* Signed checkpoints. The signature covers a small text note, not protobuf bytes, so a
 * verifier in any language can rebuild it exactly:
 *
 *   sealdesk checkpoint v1\n
 *   <tree size, decimal>\n
 *   <root, lower-case hex>\n
 *   <time, Unix seconds, decimal>\n
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

    sd_hex_encode(hex, cp->root, 32);
    n = snprintf(line, sizeof(line), "sealdesk checkpoint v1\n%" PRIu64 "\n%s\n%" PRIu64 "\n",
                 cp->size, hex, cp->time);
    if(n < 0 || (size_t)n >= sizeof(line))
        return SD_E_INTERNAL;
    return sd_buf_append(out, line, (size_t)n);
}

sd_err
sd_checkpoint_verify(const struct sd_checkpoint *cp, const uint8_t pk[SD_SIG_PK_BYTES])
{
    struct sd_buf note = SD_BUF_INIT;
    sd_err err = SD_OK;

    SD_TRY(sd_checkpoint_note(&note, cp));
    SD_TRY(sd_sig_verify(pk, cp->sig, note.data, note.len));
out:
    sd_buf_free(&note);
    return err;
}

sd_err
sd_audit_checkpoint(struct sd_txn *t, const struct sd_keyring *kr, struct sd_checkpoint *out)
{
    Sealdesk__V1__Checkpoint rec = SEALDESK__V1__CHECKPOINT__INIT;
    struct sd_checkpoint cp;
    struct sd_buf note = SD_BUF_INIT;
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t key[8];
    sd_err err = SD_OK;

    memset(&cp, 0, sizeof(cp));
    SD_TRY(sd_audit_size(t, &cp.size));
    SD_TRY(sd_audit_root(t, cp.size, cp.root));
    cp.time = sd_clock_now();
    SD_TRY(sd_sig_public_key(kr, cp.pk));
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
    SD_TRY(sd_buf_reserve(&enc, sealdesk__v1__checkpoint__get_packed_size(&rec)));
    enc.len = sealdesk__v1__checkpoint__pack(&rec, enc.data);
    sd_put_u64be(key, cp.size);
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
sd_audit_latest_checkpoint(struct sd_txn *t, struct sd_checkpoint *out)
{
    Sealdesk__V1__Checkpoint *rec = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;

    SD_TRY(sd_cursor_open(t, SD_DB_CHECKPOINTS, &c));
    SD_TRY(sd_cursor_get(c, SD_CUR_LAST, &k, &v));
    rec = sealdesk__v1__checkpoint__unpack(NULL, v.n, v.p);
    SD_ENSURE(rec && rec->root.len == 32 && rec->signature.len == SD_SIG_BYTES &&
                  rec->public_key.len == SD_SIG_PK_BYTES,
              SD_E_STORE);
    out->size = rec->tree_size;
    out->time = rec->time;
    memcpy(out->root, rec->root.data, 32);
    memcpy(out->sig, rec->signature.data, SD_SIG_BYTES);
    memcpy(out->pk, rec->public_key.data, SD_SIG_PK_BYTES);
out:
    if(rec)
        sealdesk__v1__checkpoint__free_unpacked(rec, NULL);
    sd_cursor_close(c);
    return err;
}
