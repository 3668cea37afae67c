/* The `keys` and `customers` tables: wrapped key records (protobuf KeyRecord) and the customer
 * -> data key map. crypto/ does every wrap and unwrap; this file only moves blobs. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/clock.h"
#include "sealdesk/keystore.h"
#include "store_int.h"
#include "util/err_int.h"

#define KEYREC_MAX 4096

static void
key_id(uint8_t k[13], enum sd_key_kind kind, uint64_t id, uint32_t version)
{
    k[0] = (uint8_t)kind;
    sd_put_u64be(k + 1, id);
    sd_put_u32be(k + 9, version);
}

static sd_err
put_rec(struct sd_txn *t, enum sd_key_kind kind, uint64_t id, uint32_t version,
        const struct sd_buf *wrapped, const uint8_t *pk, uint32_t kek_version)
{
    Sealdesk__V1__KeyRecord rec = SEALDESK__V1__KEY_RECORD__INIT;
    uint8_t k[13];
    uint8_t buf[KEYREC_MAX];
    size_t n;

    rec.kind = (uint32_t)kind;
    rec.version = version;
    rec.created_at = sd_clock_now();
    rec.wrapped.data = wrapped->data;
    rec.wrapped.len = wrapped->len;
    if(pk) {
        rec.public_key.data = (uint8_t *)pk;
        rec.public_key.len = SD_SIG_PK_BYTES;
    }
    rec.kek_version = kek_version;
    if(sealdesk__v1__key_record__get_packed_size(&rec) > sizeof(buf))
        return SD_E_INTERNAL;
    n = sealdesk__v1__key_record__pack(&rec, buf);
    key_id(k, kind, id, version);
    return sd_txn_put_new(t, SD_DB_KEYS, k, sizeof(k), buf, n);
}

static sd_err
get_rec(struct sd_val *v, Sealdesk__V1__KeyRecord **out)
{
    *out = sealdesk__v1__key_record__unpack(NULL, v->n, v->p);
    return *out ? SD_OK : SD_E_STORE;
}

sd_err
sd_keys_init(struct sd_txn *t, struct sd_keyring *kr)
{
    struct sd_buf w = SD_BUF_INIT;
    uint8_t pk[SD_SIG_PK_BYTES];
    sd_err err = SD_OK;

    SD_TRY(sd_keyring_kek_create(kr, 1, &w));
    SD_TRY(put_rec(t, SD_KK_KEK, 0, 1, &w, NULL, 0));
    sd_buf_reset(&w);
    SD_TRY(sd_keyring_ikey_create(kr, SD_IKEY_BIDX, 1, &w, NULL));
    SD_TRY(put_rec(t, SD_KK_BIDX, 0, 1, &w, NULL, 0));
    sd_buf_reset(&w);
    SD_TRY(sd_keyring_ikey_create(kr, SD_IKEY_AUDIT_SIGN, 1, &w, pk));
    SD_TRY(put_rec(t, SD_KK_AUDIT_SIGN, 0, 1, &w, pk, 0));
    SD_TRY(sd_meta_put(t, "audit_pk", pk, sizeof(pk)));
out:
    sd_buf_wipe_free(&w);
    return err;
}

sd_err
sd_keys_load(struct sd_txn *t, struct sd_keyring *kr)
{
    struct sd_cursor *c = NULL;
    Sealdesk__V1__KeyRecord *rec = NULL;
    struct sd_val k, v;
    uint8_t first[1] = {SD_KK_KEK};
    sd_err err = SD_OK;
    sd_err rc;
    bool have_kek = false, have_bidx = false, have_sign = false;
    uint64_t min_ver;

    SD_TRY(sd_cursor_open(t, SD_DB_KEYS, &c));
    k.p = first;
    k.n = sizeof(first);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        uint32_t version;

        SD_ENSURE(k.n == 13, SD_E_STORE);
        if(k.p[0] == SD_KK_DATA)
            break; /* data keys sort last and are opened on demand */
        version = sd_get_u32be(k.p + 9);
        SD_TRY(get_rec(&v, &rec));
        switch(k.p[0]) {
        case SD_KK_KEK:
            SD_TRY(sd_keyring_kek_load(kr, version, rec->wrapped.data, rec->wrapped.len));
            have_kek = true;
            break;
        case SD_KK_BIDX:
            /* The newest version wins; older ones are kept until re-indexing finishes. */
            if(!have_bidx)
                SD_TRY(sd_keyring_ikey_load(kr, SD_IKEY_BIDX, version, rec->wrapped.data,
                                            rec->wrapped.len));
            have_bidx = true;
            break;
        case SD_KK_AUDIT_SIGN:
            if(!have_sign)
                SD_TRY(sd_keyring_ikey_load(kr, SD_IKEY_AUDIT_SIGN, version, rec->wrapped.data,
                                            rec->wrapped.len));
            have_sign = true;
            break;
        default: SD_ENSURE(0, SD_E_STORE);
        }
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
        rec = NULL;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_ENSURE(have_kek && have_bidx && have_sign, SD_E_STORE);
    SD_TRY(sd_meta_get_u64(t, "kek_min_version", &min_ver));
    if(min_ver)
        sd_keyring_set_min_version(kr, (uint32_t)min_ver);
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    sd_cursor_close(c);
    return err;
}

sd_err
sd_keys_dkey_open(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id,
                  struct sd_dkey **dk)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    uint8_t k[13];
    struct sd_val v;
    sd_err err = SD_OK;
    sd_err rc;

    key_id(k, SD_KK_DATA, id, 0);
    rc = sd_txn_get(t, SD_DB_KEYS, k, sizeof(k), &v);
    if(rc == SD_E_NOTFOUND) {
        /* Data key ids are allocated from a counter: an id below it without a record was
         * shredded. */
        uint64_t last;

        SD_TRY(sd_meta_get_u64(t, "next_dkey", &last));
        SD_ENSURE(id > last || id == 0, SD_E_SHREDDED);
        SD_ENSURE(0, SD_E_NOTFOUND);
    }
    SD_TRY(rc);
    SD_TRY(get_rec(&v, &rec));
    SD_TRY(sd_dkey_open(kr, id, rec->kek_version, rec->wrapped.data, rec->wrapped.len, dk));
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    return err;
}

sd_err
sd_keys_customer_dkey(struct sd_txn *t, const struct sd_keyring *kr,
                      const uint8_t cust[SD_BIDX_BYTES], struct sd_dkey **dk)
{
    struct sd_buf w = SD_BUF_INIT;
    struct sd_val v;
    uint64_t id;
    uint8_t idb[8];
    sd_err err = SD_OK;
    sd_err rc;

    if(cust) {
        rc = sd_txn_get(t, SD_DB_CUSTOMERS, cust, SD_BIDX_BYTES, &v);
        if(rc == SD_OK) {
            SD_ENSURE(v.n == 8, SD_E_STORE);
            id = sd_get_u64be(v.p);
            SD_TRY(sd_keys_dkey_open(t, kr, id, dk));
            goto out;
        }
        SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    }
    SD_TRY(sd_meta_next(t, "next_dkey", &id));
    SD_TRY(sd_dkey_create(kr, id, dk, &w));
    SD_TRY(put_rec(t, SD_KK_DATA, id, 0, &w, NULL, sd_dkey_kek_version(*dk)));
    if(cust) {
        sd_put_u64be(idb, id);
        SD_TRY(sd_txn_put(t, SD_DB_CUSTOMERS, cust, SD_BIDX_BYTES, idb, sizeof(idb)));
    }
out:
    if(err != SD_OK && *dk) {
        sd_dkey_free(*dk);
        *dk = NULL;
    }
    sd_buf_wipe_free(&w);
    return err;
}

sd_err
sd_keys_audit_pk(struct sd_txn *t, uint8_t pk[SD_SIG_PK_BYTES])
{
    struct sd_val v;
    sd_err err = sd_meta_get(t, "audit_pk", &v);

    if(err != SD_OK)
        return err;
    if(v.n != SD_SIG_PK_BYTES)
        return SD_E_STORE;
    memcpy(pk, v.p, SD_SIG_PK_BYTES);
    return SD_OK;
}
