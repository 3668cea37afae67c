/* Article records of the knowledge base: keys, load and store, kept versions and translation
 * groups (used by kb.c for changes and by kb_index.c for search results). */
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "kb_int.h"
#include "sealdesk/buf.h"
#include "sealdesk/crypto.h"
#include "util/err_int.h"

#define AREC_MAX (256 * 1024)

static void
akey(uint8_t k[9], uint64_t id)
{
    k[0] = 'a';
    sd_put_u64be(k + 1, id);
}

sd_err
sd_arec_load(struct sd_txn *t, uint64_t id, sd_arec **out)
{
    uint8_t k[9];
    struct sd_val v;
    sd_err err;

    akey(k, id);
    err = sd_txn_get(t, SD_DB_KB, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    *out = sealdesk__v1__article_record__unpack(NULL, v.n, v.p);
    if(!*out)
        return SD_E_STORE;
    if((*out)->id != id) {
        sd_arec_free(*out);
        *out = NULL;
        return SD_E_STORE;
    }
    return SD_OK;
}

void
sd_arec_free(sd_arec *r)
{
    if(r)
        sealdesk__v1__article_record__free_unpacked(r, NULL);
}

static sd_err
arec_pack(struct sd_buf *enc, const sd_arec *r)
{
    size_t n = sealdesk__v1__article_record__get_packed_size(r);
    sd_err err;

    if(n > AREC_MAX)
        return SD_E_LIMIT;
    err = sd_buf_reserve(enc, n);
    if(err != SD_OK)
        return err;
    enc->len = sealdesk__v1__article_record__pack(r, enc->data);
    return SD_OK;
}

sd_err
sd_arec_store(struct sd_txn *t, const sd_arec *r, uint8_t digest[32])
{
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[9];
    sd_err err = SD_OK;

    SD_TRY(arec_pack(&enc, r));
    akey(k, r->id);
    SD_TRY(sd_txn_put(t, SD_DB_KB, k, sizeof(k), enc.data, enc.len));
    if(digest)
        sd_sha256(digest, enc.data, enc.len);
out:
    sd_buf_free(&enc);
    return err;
}

/* Keep the current version of r under 'v'|id|version. */
sd_err
sd_arec_keep_version(struct sd_txn *t, const sd_arec *r)
{
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[13];
    sd_err err = SD_OK;

    SD_TRY(arec_pack(&enc, r));
    k[0] = 'v';
    sd_put_u64be(k + 1, r->id);
    sd_put_u32be(k + 9, r->version);
    SD_TRY(sd_txn_put_new(t, SD_DB_KB, k, sizeof(k), enc.data, enc.len));
out:
    sd_buf_free(&enc);
    return err;
}

void
sd_kb_gkey(uint8_t k[17], uint64_t group, uint64_t id)
{
    k[0] = 'g';
    sd_put_u64be(k + 1, group);
    sd_put_u64be(k + 9, id);
}

sd_err
sd_kb_group_members(struct sd_txn *t, uint64_t group, uint64_t *ids, size_t cap, size_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint8_t start[17];
    sd_err err = SD_OK, rc;

    *n = 0;
    sd_kb_gkey(start, group, 0);
    SD_TRY(sd_cursor_open(t, SD_DB_KB, &c));
    k.p = start;
    k.n = sizeof(start);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        if(k.n != 17 || k.p[0] != 'g' || sd_get_u64be(k.p + 1) != group)
            break;
        if(*n < cap)
            ids[(*n)++] = sd_get_u64be(k.p + 9);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

sd_err
sd_kb_group_find(struct sd_txn *t, uint64_t group, const char *lang, uint64_t *out)
{
    uint64_t ids[8];
    size_t n;
    sd_arec *r = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_kb_group_members(t, group, ids, 8, &n));
    for(size_t i = 0; i < n; i++) {
        SD_TRY(sd_arec_load(t, ids[i], &r));
        if(strcmp(r->lang, lang) == 0) {
            *out = ids[i];
            goto out;
        }
        sd_arec_free(r);
        r = NULL;
    }
    err = SD_E_NOTFOUND;
out:
    sd_arec_free(r);
    return err;
}
