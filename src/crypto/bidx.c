/* Blind index: a keyed BLAKE2b-128 of a normalised identifier, so the store can answer "which
 * tickets has this email/phone/UID" without holding the identifier. Normalisation lives here so
 * that writer and finder always agree. */
#include <string.h>

#include <sodium.h>

#include "crypto_int.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

#define BIDX_MAX_INPUT 1024

struct bidx_ctx {
    uint8_t *out;
    uint8_t kind;
    const uint8_t *v;
    size_t n;
};

static sd_err
do_bidx(void *vctx, const uint8_t *key, size_t keylen)
{
    struct bidx_ctx *c = vctx;
    crypto_generichash_state st;

    if(crypto_generichash_init(&st, key, keylen, SD_BIDX_BYTES) != 0)
        return SD_E_CRYPTO;
    crypto_generichash_update(&st, &c->kind, 1);
    crypto_generichash_update(&st, c->v, c->n);
    crypto_generichash_final(&st, c->out, SD_BIDX_BYTES);
    sodium_memzero(&st, sizeof(st));
    return SD_OK;
}

/* Trim ASCII whitespace at both ends of b in place. */
static void
trim(struct sd_buf *b)
{
    size_t s = 0;

    while(b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t' ||
                     b->data[b->len - 1] == '\n' || b->data[b->len - 1] == '\r'))
        b->len--;
    while(s < b->len &&
          (b->data[s] == ' ' || b->data[s] == '\t' || b->data[s] == '\n' || b->data[s] == '\r'))
        s++;
    memmove(b->data, b->data + s, b->len - s);
    b->len -= s;
}

sd_err
sd_bidx(const struct sd_keyring *kr, enum sd_bidx_kind kind, const char *value, size_t n,
        uint8_t out[SD_BIDX_BYTES])
{
    struct sd_buf norm = SD_BUF_INIT;
    struct bidx_ctx c;
    sd_err err = SD_OK;

    SD_CHECK_ARG(kr && value && n <= BIDX_MAX_INPUT);
    SD_CHECK_ARG(kind == SD_BIDX_EMAIL || kind == SD_BIDX_PHONE || kind == SD_BIDX_UID ||
                 kind == SD_BIDX_LOGIN || kind == SD_BIDX_LEARN);
    if(kind == SD_BIDX_LOGIN || kind == SD_BIDX_LEARN) {
        /* Whatever was typed, byte for byte: it may be a password, so it is never logged. */
        SD_TRY(sd_buf_append(&norm, value, n));
    } else if(kind == SD_BIDX_PHONE) {
        /* E.164-ish: keep a leading '+' and the digits; drop spaces, dashes, dots, parens. */
        for(size_t i = 0; i < n; i++) {
            char ch = value[i];

            if((ch >= '0' && ch <= '9') || (ch == '+' && norm.len == 0))
                SD_TRY(sd_buf_append_byte(&norm, (uint8_t)ch));
            else if(ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')')
                SD_ENSURE(0, SD_E_INVALID);
        }
        if(norm.len > 1 && norm.data[0] == '0' && norm.data[1] == '0') {
            /* International prefix 00 is the same as '+'. */
            norm.data[1] = '+';
            memmove(norm.data, norm.data + 1, --norm.len);
        }
    } else if(kind == SD_BIDX_EMAIL) {
        SD_TRY(sd_text_fold(&norm, value, n));
        trim(&norm);
    } else {
        /* UIDs are case-sensitive at some exchanges: exact bytes, trimmed. */
        SD_ENSURE(sd_text_valid(value, n), SD_E_INVALID);
        SD_TRY(sd_buf_append(&norm, value, n));
        trim(&norm);
    }
    SD_ENSURE(norm.len > 0, SD_E_INVALID);
    c.out = out;
    c.kind = (uint8_t)kind;
    c.v = norm.data;
    c.n = norm.len;
    SD_TRY(sd_key_use(kr, SD_SLOT_BIDX, 0, do_bidx, &c));
out:
    sd_buf_wipe_free(&norm);
    return err;
}

struct terms_ctx {
    const uint8_t *terms;
    size_t len, n;
    uint8_t (*out)[SD_BIDX_BYTES];
};

static sd_err
do_terms(void *vctx, const uint8_t *key, size_t keylen)
{
    static const char context[] = "sealdesk/v1/search-key";
    struct terms_ctx *c = vctx;
    uint8_t sk[SD_KEY_BYTES];
    crypto_generichash_state keyed, st;
    size_t pos = 0;
    sd_err err = SD_OK;

    SD_ENSURE(crypto_generichash(sk, sizeof(sk), (const uint8_t *)context, sizeof(context) - 1, key,
                                 keylen) == 0,
              SD_E_CRYPTO);
    /* The state after keying (parameter block and the padded key block) is the same for every
     * term: set it up once and copy it per term. init + update + final on a copy is exactly
     * the one-shot crypto_generichash(out, 16, term, sk) it replaced. */
    SD_ENSURE(crypto_generichash_init(&keyed, sk, sizeof(sk), SD_BIDX_BYTES) == 0, SD_E_CRYPTO);
    for(size_t i = 0; i < c->n; i++) {
        size_t tl;

        SD_ENSURE(pos < c->len, SD_E_INVALID);
        tl = c->terms[pos];
        SD_ENSURE(tl > 0 && tl <= c->len - pos - 1, SD_E_INVALID);
        memcpy(&st, &keyed, sizeof(st));
        crypto_generichash_update(&st, c->terms + pos + 1, tl);
        SD_ENSURE(crypto_generichash_final(&st, c->out[i], SD_BIDX_BYTES) == 0, SD_E_CRYPTO);
        pos += 1 + tl;
    }
out:
    sodium_memzero(sk, sizeof(sk));
    sodium_memzero(&keyed, sizeof(keyed));
    sodium_memzero(&st, sizeof(st));
    return err;
}

sd_err
sd_bidx_search_terms(const struct sd_keyring *kr, const uint8_t *terms, size_t len, size_t n,
                     uint8_t (*out)[SD_BIDX_BYTES])
{
    struct terms_ctx c = {terms, len, n, out};

    if(!kr || (n && (!terms || !out)))
        return SD_E_INVALID;
    if(n == 0)
        return SD_OK;
    return sd_key_use(kr, SD_SLOT_BIDX, 0, do_terms, &c);
}
