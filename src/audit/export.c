/* Audit export: write the log (or its tail) and its checkpoints as a self-contained,
 * length-prefixed file (format in audit.h) that sealaudit verifies offline. */
#include <string.h>

#include "audit_int.h"
#include "sealdesk/audit.h"
#include "sealdesk/keystore.h"
#include "util/err_int.h"

static sd_err
put_rec(FILE *f, uint8_t type, const uint8_t *p, size_t n)
{
    uint8_t hdr[5];

    if(n > SD_AUDIT_REC_MAX)
        return SD_E_LIMIT;
    hdr[0] = type;
    sd_put_u32be(hdr + 1, (uint32_t)n);
    if(fwrite(hdr, 1, sizeof(hdr), f) != sizeof(hdr) || (n && fwrite(p, 1, n, f) != n))
        return SD_E_IO;
    return SD_OK;
}

/* Header: from, public key (the one signing the first checkpoint above `from`), prev hash and
 * the compact range of [0, from). */
static sd_err
put_header(struct sd_txn *t, FILE *f, uint64_t from)
{
    uint8_t h[8 + 32 + 32 + 1 + 64 * 32];
    size_t n = 8 + 32 + 32 + 1;
    struct sd_val v;
    sd_err err = SD_OK;

    sd_put_u64be(h, from);
    /* The key in effect at `from`; hand-offs in the file lead to the later ones. */
    SD_TRY(sd_keys_audit_pk_at(t, from, h + 8));
    memset(h + 40, 0, 32);
    if(from) {
        uint8_t k[8];

        sd_put_u64be(k, from - 1);
        SD_TRY(sd_txn_get(t, SD_DB_AUDIT, k, sizeof(k), &v));
        sd_merkle_leaf_hash(h + 40, v.p, v.n);
    }
    h[72] = 0;
    for(int l = 63; l >= 0; l--) {
        if(!((from >> l) & 1))
            continue;
        SD_TRY(sd_audit_node_get(t, (unsigned)l, (from >> l) - 1, h + n));
        n += 32;
        h[72]++;
    }
    SD_TRY(put_rec(f, SD_AREC_HEADER, h, n));
out:
    return err;
}

sd_err
sd_audit_export(struct sd_txn *t, FILE *f, uint64_t from, uint64_t *n_written)
{
    struct sd_cursor *ce = NULL, *cc = NULL;
    struct sd_val k, v, ck, cv;
    uint8_t start[8], end[8];
    uint64_t size, count = 0;
    sd_err err = SD_OK;
    sd_err rc, crc;

    SD_TRY(sd_audit_size(t, &size));
    SD_CHECK_ARG(from <= size);
    SD_ENSURE(fwrite(SD_AUDIT_MAGIC, 1, 8, f) == 8, SD_E_IO);
    SD_TRY(put_header(t, f, from));
    SD_TRY(sd_cursor_open(t, SD_DB_AUDIT, &ce));
    SD_TRY(sd_cursor_open(t, SD_DB_CHECKPOINTS, &cc));
    sd_put_u64be(start, from + 1);
    ck.p = start;
    ck.n = sizeof(start);
    crc = sd_cursor_get(cc, SD_CUR_SET_RANGE, &ck, &cv);
    sd_put_u64be(start, from);
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(ce, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(ce, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(k.n == 8, SD_E_STORE);
        SD_TRY(put_rec(f, SD_AREC_ENTRY, v.p, v.n));
        count++;
        /* Checkpoints of the size just reached follow their last entry. */
        while(crc == SD_OK && ck.n == 8 && sd_get_u64be(ck.p) <= from + count) {
            SD_TRY(put_rec(f, SD_AREC_CHECKPOINT, cv.p, cv.n));
            crc = sd_cursor_get(cc, SD_CUR_NEXT, &ck, &cv);
        }
    }
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    SD_ENSURE(crc == SD_OK || crc == SD_E_NOTFOUND, crc);
    sd_put_u64be(end, count);
    SD_TRY(put_rec(f, SD_AREC_END, end, sizeof(end)));
    SD_ENSURE(fflush(f) == 0, SD_E_IO);
    if(n_written)
        *n_written = count;
out:
    sd_cursor_close(ce);
    sd_cursor_close(cc);
    return err;
}
