/* The `keys` and `customers` tables: wrapped key records (protobuf KeyRecord) and the customer
 * -> data key map. crypto/ does every wrap and unwrap; this file only moves blobs. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/clock.h"
#include "sealdesk/keystore.h"
#include "sealdesk/log.h"
#include "store_int.h"
#include "util/err_int.h"

#define KEYREC_MAX 4096

static sd_err put_rec2(struct sd_txn *t, enum sd_key_kind kind, uint64_t id, uint32_t version,
                       const struct sd_buf *wrapped, const uint8_t *pk, uint32_t kek_version,
                       uint64_t created_at, bool replace);

static sd_err
put_rec(struct sd_txn *t, enum sd_key_kind kind, uint64_t id, uint32_t version,
        const struct sd_buf *wrapped, const uint8_t *pk, uint32_t kek_version)
{
    return put_rec2(t, kind, id, version, wrapped, pk, kek_version, sd_clock_now(), false);
}

/* Store a key record; replace overwrites (same size in place, see sd_keys_dkey_erase). */
static sd_err
put_rec2(struct sd_txn *t, enum sd_key_kind kind, uint64_t id, uint32_t version,
         const struct sd_buf *wrapped, const uint8_t *pk, uint32_t kek_version, uint64_t created_at,
         bool replace)
{
    Sealdesk__V1__KeyRecord rec = SEALDESK__V1__KEY_RECORD__INIT;
    uint8_t k[13];
    uint8_t buf[KEYREC_MAX];
    size_t n;

    rec.kind = (uint32_t)kind;
    rec.version = version;
    rec.created_at = created_at;
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
    sd_keys_key_id(k, kind, id, version);
    if(replace)
        return sd_txn_put(t, SD_DB_KEYS, k, sizeof(k), buf, n);
    return sd_txn_put_new(t, SD_DB_KEYS, k, sizeof(k), buf, n);
}

static sd_err erase_rec(struct sd_txn *t, const uint8_t k[13]);
static sd_err mail_remaster(struct sd_txn *t, const struct sd_keyring *kr,
                            const uint8_t new_master[SD_KEY_BYTES], size_t *n_keys);

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
    SD_TRY(sd_keys_mail_sync(t, kr)); /* mail signing key v1 (issue 15) */
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
        if(k.p[0] >= SD_KK_DATA)
            break; /* data keys (opened on demand) and retired audit public keys sort last */
        version = sd_get_u32be(k.p + 9);
        SD_TRY(sd_keys_rec_get(&v, &rec));
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
        default:
            SD_ENSURE(0, SD_E_STORE);
        }
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
        rec = NULL;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_ENSURE(have_kek && have_bidx && have_sign, SD_E_STORE);
    SD_TRY(sd_meta_get_u64(t, "kek_min_version", &min_ver));
    if(min_ver)
        sd_keyring_set_min_version(kr, (uint32_t)min_ver);
    /* The mail signing key; a store from before it gets one at its first outbound message. */
    err = sd_keys_mail_sync(t, kr);
    if(err == SD_E_PRECONDITION)
        err = SD_OK;
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    sd_cursor_close(c);
    return err;
}

sd_err
sd_keys_dkey_open(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id, struct sd_dkey **dk)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    uint8_t k[13];
    struct sd_val v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_TRY(sd_keys_sync(t, kr));
    sd_keys_key_id(k, SD_KK_DATA, id, 0);
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
    SD_TRY(sd_keys_rec_get(&v, &rec));
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

    *dk = NULL;
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
    /* New data keys use the newest KEK at once, even one another process just created. */
    SD_TRY(sd_keys_sync(t, kr));
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

/* ---- rotation, rewrap, retire, shred, remaster (ops/keyops.c adds txns and audit) ---- */

sd_err
sd_keys_sync(struct sd_txn *t, const struct sd_keyring *kr)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    uint64_t latest, min_ver;
    uint8_t k[13];
    struct sd_val v;
    sd_err err = SD_OK;

    SD_TRY(sd_meta_get_u64(t, "kek_latest", &latest));
    SD_ENSURE(latest <= SD_MAX_KEK_VERSIONS, SD_E_STORE);
    for(uint32_t ver = sd_keyring_kek_current(kr) + 1; ver <= (uint32_t)latest; ver++) {
        if(sd_keyring_kek_has(kr, ver))
            continue;
        sd_keys_key_id(k, SD_KK_KEK, 0, ver);
        SD_TRY(sd_txn_get(t, SD_DB_KEYS, k, sizeof(k), &v));
        SD_TRY(sd_keys_rec_get(&v, &rec));
        SD_TRY(sd_keyring_kek_adopt(kr, ver, rec->wrapped.data, rec->wrapped.len));
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
        rec = NULL;
    }
    SD_TRY(sd_meta_get_u64(t, "kek_min_version", &min_ver));
    SD_ENSURE(min_ver <= SD_MAX_KEK_VERSIONS, SD_E_STORE);
    if(min_ver > sd_keyring_min_version(kr))
        sd_keyring_raise_min_version(kr, (uint32_t)min_ver);
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    return err;
}

sd_err
sd_keys_kek_rotate(struct sd_txn *t, struct sd_keyring *kr, uint32_t *version)
{
    struct sd_buf w = SD_BUF_INIT;
    uint32_t v = 0;
    bool created = false;
    sd_err err = SD_OK;

    SD_TRY(sd_keys_sync(t, kr));
    v = sd_keyring_kek_current(kr) + 1;
    SD_ENSURE(v <= SD_MAX_KEK_VERSIONS, SD_E_LIMIT);
    SD_TRY(sd_keyring_kek_create(kr, v, &w));
    created = true;
    SD_TRY(put_rec(t, SD_KK_KEK, 0, v, &w, NULL, 0));
    SD_TRY(sd_meta_put_u64(t, "kek_latest", v));
    SD_TRY(sd_meta_put_u64(t, "kek_rotated_at", sd_clock_now()));
    *version = v;
out:
    if(err != SD_OK && created)
        sd_keyring_kek_drop(kr, v); /* the txn will not hold it: new data keys must not use it */
    sd_buf_wipe_free(&w);
    return err;
}

sd_err
sd_keys_rewrap(struct sd_txn *t, const struct sd_keyring *kr, uint64_t from_id, size_t max,
               uint64_t *next_id, size_t *n_rewrapped)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    struct sd_cursor *c = NULL;
    struct sd_dkey *dk = NULL;
    struct sd_buf w = SD_BUF_INIT;
    uint64_t *todo = NULL;
    size_t n_todo = 0, scanned = 0;
    uint8_t start[13];
    struct sd_val k, v;
    uint32_t cur;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(max >= 1 && max <= SD_KEYS_REWRAP_MAX && next_id && n_rewrapped);
    *next_id = 0;
    *n_rewrapped = 0;
    SD_TRY(sd_keys_sync(t, kr));
    cur = sd_keyring_kek_current(kr);
    todo = calloc(max, sizeof(*todo));
    SD_ENSURE(todo, SD_E_NOMEM);
    /* Collect first, then write: puts would move a cursor open on the same table. A batch is
     * bounded by keys scanned too, so a store already mostly rewrapped still commits often. */
    SD_TRY(sd_cursor_open(t, SD_DB_KEYS, &c));
    sd_keys_key_id(start, SD_KK_DATA, from_id, 0);
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(k.n == 13, SD_E_STORE);
        if(k.p[0] != SD_KK_DATA)
            break;
        if(n_todo == max || scanned == 16 * max) {
            *next_id = sd_get_u64be(k.p + 1);
            break;
        }
        scanned++;
        SD_TRY(sd_keys_rec_get(&v, &rec));
        if(rec->kek_version != cur)
            todo[n_todo++] = sd_get_u64be(k.p + 1);
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
        rec = NULL;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    for(size_t i = 0; i < n_todo; i++) {
        uint64_t created;

        sd_keys_key_id(start, SD_KK_DATA, todo[i], 0);
        SD_TRY(sd_txn_get(t, SD_DB_KEYS, start, sizeof(start), &v));
        SD_TRY(sd_keys_rec_get(&v, &rec));
        created = rec->created_at;
        SD_TRY(
            sd_dkey_open(kr, todo[i], rec->kek_version, rec->wrapped.data, rec->wrapped.len, &dk));
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
        rec = NULL;
        sd_buf_reset(&w);
        SD_TRY(sd_dkey_wrap(kr, dk, &w));
        /* Same record size: LMDB overwrites the old wrapped key in place in the page. */
        SD_TRY(
            put_rec2(t, SD_KK_DATA, todo[i], 0, &w, NULL, sd_dkey_kek_version(dk), created, true));
        sd_dkey_free(dk);
        dk = NULL;
        (*n_rewrapped)++;
    }
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    sd_cursor_close(c);
    sd_dkey_free(dk);
    sd_buf_wipe_free(&w);
    free(todo);
    return err;
}

sd_err
sd_keys_info(struct sd_txn *t, struct sd_keys_info *out)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint64_t u;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(t && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_cursor_open(t, SD_DB_KEYS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        uint32_t ver;

        SD_ENSURE(k.n == 13, SD_E_STORE);
        ver = sd_get_u32be(k.p + 9);
        SD_TRY(sd_keys_rec_get(&v, &rec));
        switch(k.p[0]) {
        case SD_KK_KEK:
            SD_ENSURE(ver >= 1 && ver <= SD_MAX_KEK_VERSIONS, SD_E_STORE);
            out->kek[ver].present = true;
            out->kek[ver].created_at = rec->created_at;
            if(ver > out->kek_latest)
                out->kek_latest = ver;
            break;
        case SD_KK_BIDX:
            out->bidx_version = ver;
            break;
        case SD_KK_AUDIT_PUB: /* retired audit keys: sd_keys_audit_chain */
        case SD_KK_MAIL_SIGN: /* mail signing key: sd_keys_mail_* */
        case SD_KK_MAIL_PUB:
            break;
        case SD_KK_AUDIT_SIGN:
            out->audit_version = ver;
            out->audit_created_at = rec->created_at;
            break;
        case SD_KK_DATA:
            SD_ENSURE(rec->kek_version >= 1 && rec->kek_version <= SD_MAX_KEK_VERSIONS, SD_E_STORE);
            out->kek[rec->kek_version].data_keys++;
            out->data_keys++;
            break;
        default:
            SD_ENSURE(0, SD_E_STORE);
        }
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
        rec = NULL;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_TRY(sd_meta_get_u64(t, "kek_min_version", &u));
    out->kek_min = u ? (uint32_t)u : 1;
    SD_TRY(sd_meta_get_u64(t, "kek_rotated_at", &out->last_rotation));
    SD_TRY(sd_meta_get_u64(t, "next_dkey", &out->data_keys_issued));
    SD_TRY(sd_meta_get_u64(t, "dkeys_shredded", &out->shredded));
    SD_TRY(sd_keys_audit_pk(t, out->audit_pk));
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    sd_cursor_close(c);
    return err;
}

sd_err
sd_keys_dkey_erase(struct sd_txn *t, uint64_t id)
{
    uint8_t k[13];
    struct sd_val v;
    uint8_t *zero = NULL;
    size_t n;
    uint64_t shredded;
    sd_err err = SD_OK;

    SD_CHECK_ARG(id != 0);
    sd_keys_key_id(k, SD_KK_DATA, id, 0);
    SD_TRY(sd_txn_get(t, SD_DB_KEYS, k, sizeof(k), &v));
    n = v.n;
    zero = calloc(1, n ? n : 1);
    SD_ENSURE(zero, SD_E_NOMEM);
    /* Overwrite with zeros first (LMDB rewrites a same-size value in place in the dirty page),
     * so the page that replaces the current one does not keep the wrapped key in its free gap
     * after the node is removed. Older copies in free pages: sd_keys_scrub_free_pages; in the
     * gaps of live pages (LMDB's reused page buffers): the purge, purge.c. */
    SD_TRY(sd_txn_put(t, SD_DB_KEYS, k, sizeof(k), zero, n));
    SD_TRY(sd_txn_del(t, SD_DB_KEYS, k, sizeof(k), NULL, 0));
    SD_TRY(sd_meta_get_u64(t, "dkeys_shredded", &shredded));
    SD_TRY(sd_meta_put_u64(t, "dkeys_shredded", shredded + 1));
out:
    free(zero);
    return err;
}

sd_err
sd_keys_remaster(struct sd_txn *t, const struct sd_keyring *kr,
                 const uint8_t new_master[SD_KEY_BYTES], size_t *n_keys)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    struct sd_cursor *c = NULL;
    struct sd_buf w = SD_BUF_INIT;
    /* A small stack array, fields in record order; padding costs nothing here. */
    // NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding)
    struct {
        uint8_t kind;
        uint32_t version;
        uint64_t created;
        bool has_pk;
        uint8_t pk[SD_SIG_PK_BYTES];
    } todo[SD_MAX_KEK_VERSIONS + 2];
    size_t n = 0;
    unsigned n_bidx = 0, n_sign = 0;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(t && kr && new_master && n_keys);
    SD_TRY(sd_keys_sync(t, kr));
    SD_TRY(sd_cursor_open(t, SD_DB_KEYS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(k.n == 13, SD_E_STORE);
        if(k.p[0] >= SD_KK_DATA)
            break; /* data keys are wrapped by KEKs, which stay the same; audit public keys
                    * hold no secret */
        SD_ENSURE(n < sizeof(todo) / sizeof(todo[0]), SD_E_LIMIT);
        SD_TRY(sd_keys_rec_get(&v, &rec));
        todo[n].kind = k.p[0];
        todo[n].version = sd_get_u32be(k.p + 9);
        todo[n].created = rec->created_at;
        todo[n].has_pk = rec->public_key.len == SD_SIG_PK_BYTES;
        if(todo[n].has_pk)
            memcpy(todo[n].pk, rec->public_key.data, SD_SIG_PK_BYTES);
        n_bidx += k.p[0] == SD_KK_BIDX;
        n_sign += k.p[0] == SD_KK_AUDIT_SIGN;
        n++;
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
        rec = NULL;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    /* The keyring holds one blind-index and one signing key: older versions are deleted when
     * they are rotated, so exactly one of each must be here. */
    SD_ENSURE(n_bidx == 1 && n_sign == 1, SD_E_PRECONDITION);
    for(size_t i = 0; i < n; i++) {
        sd_buf_reset(&w);
        if(todo[i].kind == SD_KK_KEK)
            SD_TRY(sd_keyring_kek_rewrap_master(kr, todo[i].version, new_master, &w));
        else
            SD_TRY(sd_keyring_ikey_rewrap_master(
                kr, todo[i].kind == SD_KK_BIDX ? SD_IKEY_BIDX : SD_IKEY_AUDIT_SIGN, todo[i].version,
                new_master, &w));
        SD_TRY(put_rec2(t, (enum sd_key_kind)todo[i].kind, 0, todo[i].version, &w,
                        todo[i].has_pk ? todo[i].pk : NULL, 0, todo[i].created, true));
    }
    *n_keys = n;
    /* The mail signing key (after the data keys in key order) is wrapped by the master key too. */
    SD_TRY(mail_remaster(t, kr, new_master, n_keys));
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    sd_cursor_close(c);
    sd_buf_wipe_free(&w);
    return err;
}

sd_err
sd_keys_ikey_rotate(struct sd_txn *t, struct sd_keyring *kr, enum sd_key_kind kind,
                    uint32_t *version, uint8_t pk[SD_SIG_PK_BYTES])
{
    struct sd_cursor *c = NULL;
    struct sd_buf w = SD_BUF_INIT;
    uint8_t start[13], oldk[13];
    struct sd_val k, v;
    uint32_t old = 0;
    bool rotated = false;
    sd_err err = SD_OK;
    sd_err rc;

    /* The audit key needs a signed hand-off: sd_audit_key_rotate. */
    SD_CHECK_ARG(kind == SD_KK_BIDX);
    SD_TRY(sd_cursor_open(t, SD_DB_KEYS, &c));
    sd_keys_key_id(start, kind, 0, 0);
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v);
        rc == SD_OK && k.n == 13 && k.p[0] == (uint8_t)kind;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v))
        old = sd_get_u32be(k.p + 9);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    SD_ENSURE(old >= 1 && old < UINT32_MAX, SD_E_STORE);
    SD_TRY(sd_keyring_ikey_rotate(kr, SD_IKEY_BIDX, old + 1, &w, pk));
    rotated = true;
    SD_TRY(put_rec(t, kind, 0, old + 1, &w, NULL, 0));
    /* The old secret is no longer needed (re-indexing is done in this txn by the caller):
     * erase it like a shredded data key. */
    sd_keys_key_id(oldk, kind, 0, old);
    SD_TRY(erase_rec(t, oldk));
    *version = old + 1;
out:
    if(err != SD_OK && rotated)
        sd_keyring_ikey_rotate_end(kr, false);
    sd_cursor_close(c);
    sd_buf_wipe_free(&w);
    return err;
}

/* Zero a key record in place (same size: LMDB rewrites it in the dirty page), then delete it. */
static sd_err
erase_rec(struct sd_txn *t, const uint8_t k[13])
{
    uint8_t zero[KEYREC_MAX];
    struct sd_val v;
    size_t zn;
    sd_err err = SD_OK;

    SD_TRY(sd_txn_get(t, SD_DB_KEYS, k, 13, &v));
    zn = v.n;
    SD_ENSURE(zn <= sizeof(zero), SD_E_STORE);
    memset(zero, 0, zn);
    SD_TRY(sd_txn_put(t, SD_DB_KEYS, k, 13, zero, zn));
    SD_TRY(sd_txn_del(t, SD_DB_KEYS, k, 13, NULL, 0));
out:
    return err;
}

/* ---- audit signing key chain: writes (reads are in audit_keys.c) ---- */

sd_err
sd_keys_audit_sync(struct sd_txn *t, const struct sd_keyring *kr)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    uint8_t want[SD_SIG_PK_BYTES], have[SD_SIG_PK_BYTES], k[13];
    struct sd_val v;
    uint32_t ver;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr);
    SD_TRY(sd_keys_audit_pk(t, want));
    if(sd_sig_public_key(kr, have) == SD_OK && sodium_memcmp(want, have, sizeof(want)) == 0)
        goto out; /* the common case: one meta read per checkpoint */
    SD_TRY(sd_keys_audit_current(t, &ver));
    sd_keys_key_id(k, SD_KK_AUDIT_SIGN, 0, ver);
    SD_TRY(sd_txn_get(t, SD_DB_KEYS, k, sizeof(k), &v));
    SD_TRY(sd_keys_rec_get(&v, &rec));
    SD_ENSURE(rec->public_key.len == SD_SIG_PK_BYTES &&
                  sodium_memcmp(rec->public_key.data, want, SD_SIG_PK_BYTES) == 0,
              SD_E_STORE);
    SD_TRY(sd_keyring_sign_adopt(kr, ver, rec->wrapped.data, rec->wrapped.len, want));
    sd_log(SD_LOG_INFO, "audit_key_adopt", "audit_key_version=%" PRIu32, ver);
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    return err;
}

sd_err
sd_keys_audit_next(struct sd_txn *t, const struct sd_keyring *kr, uint32_t *version,
                   struct sd_buf *wrapped, uint8_t pk[SD_SIG_PK_BYTES])
{
    uint32_t cur;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr && version && wrapped && pk);
    SD_TRY(sd_keys_audit_current(t, &cur));
    SD_ENSURE(cur < SD_MAX_AUDIT_KEY_VERSIONS, SD_E_LIMIT);
    SD_TRY(sd_keyring_sign_new(kr, cur + 1, wrapped, pk));
    *version = cur + 1;
out:
    return err;
}

sd_err
sd_keys_audit_install(struct sd_txn *t, uint32_t version, const struct sd_buf *wrapped,
                      const uint8_t pk[SD_SIG_PK_BYTES], uint64_t from_size)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    struct sd_buf none = SD_BUF_INIT;
    uint8_t oldk[13], oldpk[SD_SIG_PK_BYTES];
    char name[32];
    struct sd_val v;
    uint64_t created;
    uint32_t cur;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && wrapped && wrapped->len && pk && from_size > 0);
    SD_TRY(sd_keys_audit_current(t, &cur));
    SD_ENSURE(version == cur + 1, SD_E_CONFLICT);
    sd_keys_key_id(oldk, SD_KK_AUDIT_SIGN, 0, cur);
    SD_TRY(sd_txn_get(t, SD_DB_KEYS, oldk, sizeof(oldk), &v));
    SD_TRY(sd_keys_rec_get(&v, &rec));
    SD_ENSURE(rec->public_key.len == SD_SIG_PK_BYTES, SD_E_STORE);
    memcpy(oldpk, rec->public_key.data, sizeof(oldpk));
    created = rec->created_at;
    /* The public half stays (no secret in it); the wrapped secret is erased. */
    SD_TRY(put_rec2(t, SD_KK_AUDIT_PUB, 0, cur, &none, oldpk, 0, created, false));
    SD_TRY(erase_rec(t, oldk));
    SD_TRY(put_rec(t, SD_KK_AUDIT_SIGN, 0, version, wrapped, pk, 0));
    SD_TRY(sd_meta_put(t, "audit_pk", pk, SD_SIG_PK_BYTES));
    snprintf(name, sizeof(name), "audit_key_from/%" PRIu32, version);
    SD_TRY(sd_meta_put_u64(t, name, from_size));
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    return err;
}

/* Scrub (physical housekeeping, never captured in a write set: it works on raw LMDB txns of its own
 * and every node scrubs its own free pages): LMDB never reuses a page while a reader may still see
 * it and never zeroes a freed page, so old copies of a deleted key can sit in the free list.
 * Writing zero-filled one-page values takes every reusable free page (LMDB prefers the free list to
 * growing the file) and overwrites it; deleting them in the next txn gives the pages back, now
 * holding zeros. */
#define SCRUB_MAX_PAGES 65536u

sd_err
sd_keys_scrub_free_pages(struct sd_store *s, uint64_t *pages)
{
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    MDB_stat st;
    MDB_val k, v;
    static uint8_t zero[65536]; /* never written: the zero-filled values (no allocation, so
                                   a rotation or shred that committed cannot fail here on one) */
    char name[32];
    uint64_t free_pages = 0;
    size_t vlen;
    bool gated = false;
    int rc;
    sd_err err = SD_OK;

    SD_CHECK_ARG(s && pages && !s->rdonly);
    *pages = 0;
    SD_TRY(sd_store_gate_enter(s)); /* its txns are LMDB's own: one pass of the gate */
    gated = true;
    SD_TRY(sd_store_err(mdb_env_stat(s->env, &st)));
    SD_ENSURE(st.ms_psize > 64, SD_E_STORE);
    vlen = st.ms_psize - 16; /* one overflow page: 16-byte page header + value */
    SD_ENSURE(vlen <= sizeof(zero), SD_E_STORE);
    /* dbi 0 is LMDB's free list: txn id -> list of page numbers (count first). LMDB lets only
     * read txns open a cursor on it; the count is an estimate anyway (see below). */
    SD_TRY(sd_store_err(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)));
    SD_TRY(sd_store_err(mdb_cursor_open(txn, 0, &cur)));
    for(rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        size_t cnt;

        SD_ENSURE(v.mv_size >= sizeof(size_t), SD_E_STORE);
        memcpy(&cnt, v.mv_data, sizeof(cnt));
        free_pages += cnt;
    }
    SD_ENSURE(rc == MDB_NOTFOUND, sd_store_err(rc));
    mdb_cursor_close(cur);
    cur = NULL;
    mdb_txn_abort(txn);
    txn = NULL;
    SD_TRY(sd_store_err(mdb_txn_begin(s->env, NULL, 0, &txn)));
    /* A little more than the list holds: the txn frees a few pages of its own as it goes. */
    free_pages += 8;
    if(free_pages > SCRUB_MAX_PAGES)
        free_pages = SCRUB_MAX_PAGES;
    for(uint64_t i = 0; i < free_pages; i++) {
        snprintf(name, sizeof(name), "scrub/%08" PRIu64, i);
        k.mv_data = name;
        k.mv_size = strlen(name);
        v.mv_data = zero;
        v.mv_size = vlen;
        SD_TRY(sd_store_err(mdb_put(txn, s->dbi[SD_DB_META], &k, &v, 0)));
    }
    rc = mdb_txn_commit(txn);
    txn = NULL;
    SD_TRY(sd_store_err(rc));
    SD_TRY(sd_store_err(mdb_txn_begin(s->env, NULL, 0, &txn)));
    for(uint64_t i = 0; i < free_pages; i++) {
        snprintf(name, sizeof(name), "scrub/%08" PRIu64, i);
        k.mv_data = name;
        k.mv_size = strlen(name);
        SD_TRY(sd_store_err(mdb_del(txn, s->dbi[SD_DB_META], &k, NULL)));
    }
    rc = mdb_txn_commit(txn);
    txn = NULL;
    SD_TRY(sd_store_err(rc));
    *pages = free_pages;
out:
    if(cur)
        mdb_cursor_close(cur);
    if(txn)
        mdb_txn_abort(txn);
    if(gated)
        sd_store_gate_leave(s);
    return err;
}

sd_err
sd_keys_rebuild(struct sd_txn *t)
{
    MDB_cursor *cur = NULL;
    MDB_dbi dbi;
    MDB_val k, v;
    struct sd_buf all = SD_BUF_INIT;
    struct sd_reader rd;
    int rc;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && t->write);
    dbi = t->s->dbi[SD_DB_KEYS];
    /* Copy out every record (key len u32 | key | val len u32 | val)... */
    SD_TRY(sd_store_err(mdb_cursor_open(t->txn, dbi, &cur)));
    for(rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        SD_ENSURE(k.mv_size <= UINT32_MAX && v.mv_size <= UINT32_MAX, SD_E_STORE);
        SD_TRY(sd_buf_append_u32be(&all, (uint32_t)k.mv_size));
        SD_TRY(sd_buf_append(&all, k.mv_data, k.mv_size));
        SD_TRY(sd_buf_append_u32be(&all, (uint32_t)v.mv_size));
        SD_TRY(sd_buf_append(&all, v.mv_data, v.mv_size));
    }
    SD_ENSURE(rc == MDB_NOTFOUND, sd_store_err(rc));
    mdb_cursor_close(cur);
    cur = NULL;
    /* ...empty the table (its pages go to the free list, for the scrub) and write it again in
     * key order. This keeps the keys table itself compact, but it is NOT what erases: LMDB
     * zero-fills only freshly malloc'd pages and hands out its reused page buffers as they
     * were, so old keys-page bytes can still sit in the free gaps of live pages of any table.
     * The purge after the txn (purge.c, sd_store_purge) is what removes them. */
    SD_TRY(sd_store_err(mdb_drop(t->txn, dbi, 0)));
    if(t->cap) /* the drop and the puts below are logical changes: captured (wset.h) */
        SD_TRY(sd_wset_rec(t, SD_WS_DROP, SD_DB_KEYS, NULL, 0, NULL, 0));
    sd_rd_init(&rd, all.data, all.len);
    while(rd.pos < rd.len) {
        uint32_t kn, vn;

        SD_TRY(sd_rd_u32be(&rd, &kn));
        k.mv_size = kn;
        SD_TRY(sd_rd_bytes(&rd, (const uint8_t **)&k.mv_data, kn));
        SD_TRY(sd_rd_u32be(&rd, &vn));
        v.mv_size = vn;
        SD_TRY(sd_rd_bytes(&rd, (const uint8_t **)&v.mv_data, vn));
        SD_TRY(sd_store_err(mdb_put(t->txn, dbi, &k, &v, MDB_APPEND)));
        if(t->cap)
            SD_TRY(sd_wset_rec(t, SD_WS_APPEND, SD_DB_KEYS, k.mv_data, k.mv_size, v.mv_data,
                               v.mv_size));
    }
out:
    if(cur)
        mdb_cursor_close(cur);
    sd_buf_wipe_free(&all);
    return err;
}

/* ---- mail signing key (issue 15): one current version, wrapped under the master key
 * (SD_KK_MAIL_SIGN | 0 | version), the public half of every version (SD_KK_MAIL_PUB), and
 * meta "mail_key_version". ---- */

static sd_err
mail_current(struct sd_txn *t, uint32_t *v)
{
    uint64_t u = 0;
    sd_err err = sd_meta_get_u64(t, "mail_key_version", &u);

    if(err != SD_OK)
        return err;
    if(u > UINT32_MAX)
        return SD_E_STORE;
    *v = (uint32_t)u;
    return SD_OK;
}

static sd_err
mail_install(struct sd_txn *t, const struct sd_keyring *kr, uint32_t version)
{
    struct sd_buf w = SD_BUF_INIT;
    struct sd_buf none = SD_BUF_INIT;
    uint8_t pk[SD_SIG_PK_BYTES];
    sd_err err = SD_OK;

    SD_TRY(sd_keyring_mail_new(kr, version, &w, pk));
    SD_TRY(put_rec(t, SD_KK_MAIL_SIGN, 0, version, &w, pk, 0));
    SD_TRY(put_rec(t, SD_KK_MAIL_PUB, 0, version, &none, pk, 0));
    SD_TRY(sd_meta_put_u64(t, "mail_key_version", version));
    SD_TRY(sd_keyring_mail_adopt(kr, version, w.data, w.len, pk));
out:
    sd_buf_wipe_free(&w);
    return err;
}

sd_err
sd_keys_mail_sync(struct sd_txn *t, const struct sd_keyring *kr)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    uint8_t k[13];
    struct sd_val v;
    uint32_t cur = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr);
    SD_TRY(mail_current(t, &cur));
    if(cur == 0) {
        SD_ENSURE(sd_txn_is_write(t), SD_E_PRECONDITION);
        SD_TRY(mail_install(t, kr, 1));
        goto out;
    }
    if(sd_keyring_mail_version(kr) == cur)
        goto out;
    sd_keys_key_id(k, SD_KK_MAIL_SIGN, 0, cur);
    SD_TRY(sd_txn_get(t, SD_DB_KEYS, k, sizeof(k), &v));
    SD_TRY(sd_keys_rec_get(&v, &rec));
    SD_ENSURE(rec->public_key.len == SD_SIG_PK_BYTES, SD_E_STORE);
    SD_TRY(
        sd_keyring_mail_adopt(kr, cur, rec->wrapped.data, rec->wrapped.len, rec->public_key.data));
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    return err;
}

sd_err
sd_keys_mail_rotate(struct sd_txn *t, const struct sd_keyring *kr, uint32_t *version)
{
    uint8_t k[13];
    uint32_t cur = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr && version);
    SD_TRY(sd_keys_mail_sync(t, kr));
    SD_TRY(mail_current(t, &cur));
    SD_ENSURE(cur < SD_MAX_MAIL_KEY_VERSIONS, SD_E_LIMIT);
    sd_keys_key_id(k, SD_KK_MAIL_SIGN, 0, cur);
    SD_TRY(erase_rec(t, k)); /* the old secret goes; its public half stays for verification */
    SD_TRY(mail_install(t, kr, cur + 1));
    *version = cur + 1;
out:
    return err;
}

sd_err
sd_keys_mail_pk(struct sd_txn *t, uint32_t version, uint8_t pk[SD_SIG_PK_BYTES],
                uint64_t *created_at)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    uint8_t k[13];
    struct sd_val v;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && pk && version >= 1);
    sd_keys_key_id(k, SD_KK_MAIL_PUB, 0, version);
    SD_TRY(sd_txn_get(t, SD_DB_KEYS, k, sizeof(k), &v));
    SD_TRY(sd_keys_rec_get(&v, &rec));
    SD_ENSURE(rec->public_key.len == SD_SIG_PK_BYTES, SD_E_STORE);
    memcpy(pk, rec->public_key.data, SD_SIG_PK_BYTES);
    if(created_at)
        *created_at = rec->created_at;
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    return err;
}

sd_err
sd_keys_mail_version(struct sd_txn *t, uint32_t *version)
{
    return t && version ? mail_current(t, version) : SD_E_INVALID;
}

static sd_err
mail_remaster(struct sd_txn *t, const struct sd_keyring *kr, const uint8_t new_master[SD_KEY_BYTES],
              size_t *n_keys)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    struct sd_buf w = SD_BUF_INIT;
    uint8_t k[13];
    struct sd_val v;
    uint32_t cur = 0;
    sd_err err = SD_OK;

    SD_TRY(mail_current(t, &cur));
    if(cur == 0)
        goto out; /* a store from before the mail key: created at its first use */
    SD_TRY(sd_keys_mail_sync(t, kr));
    sd_keys_key_id(k, SD_KK_MAIL_SIGN, 0, cur);
    SD_TRY(sd_txn_get(t, SD_DB_KEYS, k, sizeof(k), &v));
    SD_TRY(sd_keys_rec_get(&v, &rec));
    SD_ENSURE(rec->public_key.len == SD_SIG_PK_BYTES, SD_E_STORE);
    SD_TRY(sd_keyring_mail_rewrap_master(kr, new_master, &w));
    SD_TRY(
        put_rec2(t, SD_KK_MAIL_SIGN, 0, cur, &w, rec->public_key.data, 0, rec->created_at, true));
    (*n_keys)++;
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    sd_buf_wipe_free(&w);
    return err;
}
