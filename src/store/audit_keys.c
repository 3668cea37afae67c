/* Reading the audit signing key chain from the `keys` table: the public keys and the tree size
 * each took over at. Public data only: this is all the offline verifier links from src/store,
 * so it never reaches a wrapped key (keystore.c writes the chain and holds everything else). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/keystore.h"
#include "store_int.h"
#include "util/err_int.h"

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

sd_err
sd_keys_audit_current(struct sd_txn *t, uint32_t *version)
{
    struct sd_cursor *c = NULL;
    uint8_t start[13];
    struct sd_val k, v;
    uint32_t ver = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_TRY(sd_cursor_open(t, SD_DB_KEYS, &c));
    sd_keys_key_id(start, SD_KK_AUDIT_SIGN, 0, 0);
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v);
        rc == SD_OK && k.n == 13 && k.p[0] == SD_KK_AUDIT_SIGN;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v))
        ver = sd_get_u32be(k.p + 9);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_ENSURE(ver >= 1 && ver <= SD_MAX_AUDIT_KEY_VERSIONS, SD_E_STORE);
    *version = ver;
out:
    sd_cursor_close(c);
    return err;
}

static sd_err
audit_from_size(struct sd_txn *t, uint32_t version, uint64_t *size)
{
    char name[32];

    snprintf(name, sizeof(name), "audit_key_from/%" PRIu32, version);
    return sd_meta_get_u64(t, name, size);
}

/* Fill one chain element from a key record of `version`. */
static sd_err
chain_elem(struct sd_txn *t, struct sd_audit_key *e, struct sd_val *v, uint32_t version,
           bool current)
{
    Sealdesk__V1__KeyRecord *rec = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_keys_rec_get(v, &rec));
    SD_ENSURE(rec->public_key.len == SD_SIG_PK_BYTES, SD_E_STORE);
    memset(e, 0, sizeof(*e));
    e->version = version;
    e->created_at = rec->created_at;
    e->current = current;
    memcpy(e->pk, rec->public_key.data, SD_SIG_PK_BYTES);
    SD_TRY(audit_from_size(t, version, &e->from_size));
out:
    if(rec)
        sealdesk__v1__key_record__free_unpacked(rec, NULL);
    return err;
}

sd_err
sd_keys_audit_chain(struct sd_txn *t, struct sd_audit_key *out, size_t max, size_t *n)
{
    struct sd_cursor *c = NULL;
    uint8_t start[13];
    struct sd_val k, v;
    uint32_t cur;
    size_t got = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(t && out && n && max >= 1);
    SD_TRY(sd_cursor_open(t, SD_DB_KEYS, &c));
    sd_keys_key_id(start, SD_KK_AUDIT_PUB, 0, 0);
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v);
        rc == SD_OK && k.n == 13 && k.p[0] == SD_KK_AUDIT_PUB;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(got + 1 < max, SD_E_LIMIT); /* room for the current key after these */
        SD_TRY(chain_elem(t, &out[got++], &v, sd_get_u32be(k.p + 9), false));
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_TRY(sd_keys_audit_current(t, &cur));
    sd_keys_key_id(start, SD_KK_AUDIT_SIGN, 0, cur);
    SD_TRY(sd_txn_get(t, SD_DB_KEYS, start, sizeof(start), &v));
    SD_TRY(chain_elem(t, &out[got++], &v, cur, true));
    *n = got;
out:
    sd_cursor_close(c);
    return err;
}

sd_err
sd_keys_audit_pk_at(struct sd_txn *t, uint64_t size, uint8_t pk[SD_SIG_PK_BYTES])
{
    struct sd_audit_key *chain = NULL;
    size_t n = 0, at = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && pk);
    chain = calloc(SD_MAX_AUDIT_KEY_VERSIONS, sizeof(*chain));
    SD_ENSURE(chain, SD_E_NOMEM);
    SD_TRY(sd_keys_audit_chain(t, chain, SD_MAX_AUDIT_KEY_VERSIONS, &n));
    for(size_t i = 1; i < n; i++) {
        if(chain[i].from_size <= size)
            at = i;
    }
    memcpy(pk, chain[at].pk, SD_SIG_PK_BYTES);
out:
    free(chain);
    return err;
}
