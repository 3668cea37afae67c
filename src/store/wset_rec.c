/* Write sets, the recording side (wset.h, issue 18): txn.c calls sd_wset_rec after each write
 * LMDB accepted (only when t->cap, so a single node pays one branch per write and allocates
 * nothing). The first op of a set writes the header; a committed child's set is appended to
 * its batch's without its header. Needs nothing of txn.c (wset.c, the replay, does). */
#include <string.h>

#include "store_int.h"
#include "util/err_int.h"

#define OP_FIXED 10 /* op | table | klen u32 | vlen u32 */

void
sd_store_set_capture(struct sd_store *s, bool on)
{
    if(s)
        atomic_store(&s->capture, on);
}

void
sd_store_set_commit_hook(struct sd_store *s, sd_store_commit_hook fn, void *ctx)
{
    if(!s)
        return;
    s->hook = fn;
    s->hook_ctx = ctx;
}

sd_err
sd_wset_rec(struct sd_txn *t, enum sd_wset_op op, enum sd_db db, const void *key, size_t klen,
            const void *val, size_t vlen)
{
    struct sd_buf *b = &t->ws;
    size_t need = OP_FIXED + klen + vlen;
    uint8_t *p;
    sd_err err = SD_OK;

    SD_ENSURE(t->ws_err == SD_OK, t->ws_err);
    /* LMDB accepted these lengths, so they are far below SD_BUF_MAX; checked all the same. */
    SD_ENSURE(klen <= SD_WSET_KEY_MAX && vlen <= SD_WSET_VAL_MAX, SD_E_LIMIT);
    if(b->len == 0)
        need += SD_WSET_HEADER;
    SD_TRY(sd_buf_reserve(b, need));
    p = b->data + b->len;
    if(b->len == 0) {
        p[0] = 'S'; /* SD_WSET_MAGIC */
        p[1] = 'D';
        p[2] = 'W';
        p[3] = 'S';
        p[4] = SD_WSET_VERSION;
        p += SD_WSET_HEADER;
    }
    p[0] = (uint8_t)op;
    p[1] = (uint8_t)db;
    sd_put_u32be(p + 2, (uint32_t)klen);
    if(klen)
        memcpy(p + 6, key, klen);
    sd_put_u32be(p + 6 + klen, (uint32_t)vlen);
    if(vlen)
        memcpy(p + 10 + klen, val, vlen);
    b->len += need;
out:
    if(err != SD_OK)
        t->ws_err = err;
    return err;
}

sd_err
sd_wset_reserve(struct sd_buf *to, const struct sd_buf *from)
{
    if(from->len <= SD_WSET_HEADER)
        return SD_OK;
    if(to->len == 0)
        return SD_OK; /* the merge takes from's buffer over */
    return sd_buf_reserve(to, from->len - SD_WSET_HEADER);
}

void
sd_wset_merge(struct sd_buf *to, struct sd_buf *from)
{
    if(from->len <= SD_WSET_HEADER)
        return;
    if(to->len == 0) {
        sd_buf_wipe_free(to);
        *to = *from;
        *from = (struct sd_buf)SD_BUF_INIT;
        return;
    }
    /* Room was reserved by sd_wset_reserve before the child's LMDB commit. */
    memcpy(to->data + to->len, from->data + SD_WSET_HEADER, from->len - SD_WSET_HEADER);
    to->len += from->len - SD_WSET_HEADER;
}

sd_err
sd_txn_wset(struct sd_txn *t, const uint8_t **data, size_t *len)
{
    if(!t || !data || !len || !t->write)
        return SD_E_INVALID;
    if(t->ws_err != SD_OK)
        return t->ws_err;
    *data = t->ws.data;
    *len = t->ws.len;
    return SD_OK;
}
