/* Triage that learns from the desk: hashed features of corrected tickets, naive Bayes counts
 * kept incrementally in LMDB (learn.h has the layout), and the bounded adjustment of the rule
 * scores that sd_triage_classify_learned applies (mean Bernoulli log-likelihood ratio of the
 * text's features, class against all examples: a tempered naive Bayes). No text is stored: bucket ids and counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/buf.h"
#include "sealdesk/crypto.h"
#include "sealdesk/learn.h"
#include "sealdesk/store.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

#define NCLS         (SD_CAT_COUNT + 4) /* categories, then P1..P4 */
#define NSHARDS      (SD_LEARN_DIM / SD_LEARN_SHARD)
#define SHARD_BYTES  ((size_t)SD_LEARN_SHARD * NCLS * 4)
#define RAW_MAX      8192u /* features hashed before dedupe */
#define WORD_MAX     24u   /* longer "words" (hashes, addresses) carry no category */
#define EX_HEADER    6u
/* Calibrated on data/triage train -> holdout (tools/learn_eval.py): the relative lift (see
 * lift(), 1 = every feature says only this class) from which a category's adjustment starts
 * and where it reaches the cap; a priority needs PRIO_LIFT and PRIO_MARGIN over the next. */
#define LIFT_LOW     0.3
#define LIFT_FULL    0.6
#define PRIO_LIFT    0.6
#define PRIO_MARGIN  0.2
#define COMMON_SHARE 0.1  /* features in more examples than this share carry no class, */
#define COMMON_MIN   10.0 /* once that is more than this many */
#define M_EST        2.0  /* weight of P(f) in the m-estimate of P(f | c) */
#define KEY_LABEL    "sealdesk/learn/triage-features/v1"
#define TOTALS_BYTES ((size_t)NCLS * 8)

_Static_assert(SD_LEARN_DIM <= 65536 && SD_LEARN_DIM % SD_LEARN_SHARD == 0, "u16 buckets");

struct feats {
    uint8_t key[crypto_shorthash_siphash24_KEYBYTES];
    uint16_t *v;
    size_t n;
};

static uint32_t
cls_prio(int prio)
{
    return (uint32_t)(SD_CAT_COUNT + prio - 1);
}

static void
feat_add(struct feats *f, uint8_t tag, const uint8_t *p, size_t n)
{
    uint8_t in[128], h[crypto_shorthash_siphash24_BYTES];
    uint64_t x = 0;

    if(f->n >= RAW_MAX || n + 1 > sizeof(in))
        return;
    in[0] = tag;
    memcpy(in + 1, p, n);
    crypto_shorthash_siphash24(h, in, n + 1, f->key);
    for(int i = 0; i < 8; i++)
        x = (x << 8) | h[i];
    f->v[f->n++] = (uint16_t)(x % SD_LEARN_DIM);
    sodium_memzero(in, sizeof(in));
}

/* Decode the code point at p[0..n) (valid UTF-8: sd_text_fold's output); *len its bytes. */
static uint32_t
cp_at(const uint8_t *p, size_t n, size_t *len)
{
    uint32_t c = p[0];

    if(c < 0x80 || n < 2) {
        *len = 1;
        return c;
    }
    if(c < 0xe0) {
        *len = 2;
        return ((c & 0x1f) << 6) | (p[1] & 0x3fu);
    }
    if(c < 0xf0 || n < 4) {
        *len = n < 3 ? n : 3;
        return n < 3 ? 0 : ((c & 0x0f) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
    }
    *len = 4;
    return ((c & 0x07) << 18) | ((p[1] & 0x3fu) << 12) | ((p[2] & 0x3fu) << 6) | (p[3] & 0x3fu);
}

static bool
is_cjk(uint32_t c)
{
    return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
           (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
           (c >= 0x20000 && c <= 0x2ffff) || (c >= 0xac00 && c <= 0xd7af) ||
           (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f);
}

static bool
is_wordc(uint32_t c)
{
    if(c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return c >= 0xc0 && !is_cjk(c) && !(c >= 0x2000 && c <= 0x2bff) &&
           !(c >= 0x3000 && c <= 0x303f) && !(c >= 0xfe30 && c <= 0xff65);
}

/* A Latin-script word w[0..n) (off[] its code point offsets, k of them, off[k] == n): the word,
 * and its 3..5 character n-grams with boundary marks. */
static void
word_feats(struct feats *f, const uint8_t *w, size_t n, const size_t *off, size_t k)
{
    uint8_t pad[4 * WORD_MAX + 2];
    size_t po[WORD_MAX + 3];
    bool digit = false;

    if(k > WORD_MAX)
        return;
    for(size_t i = 0; i < n; i++)
        digit = digit || (w[i] >= '0' && w[i] <= '9');
    feat_add(f, 'w', w, n);
    if(digit)
        return; /* amounts and ids: the word alone */
    pad[0] = '<';
    memcpy(pad + 1, w, n);
    pad[n + 1] = '>';
    po[0] = 0;
    for(size_t i = 0; i <= k; i++)
        po[i + 1] = off[i] + 1;
    po[k + 2] = n + 2;
    for(size_t g = 3; g <= 5; g++) {
        for(size_t i = 0; i + g <= k + 2; i++)
            feat_add(f, (uint8_t)('0' + g), pad + po[i], po[i + g] - po[i]);
    }
    sodium_memzero(pad, sizeof(pad)); /* a word of the ticket in clear */
}

static int
cmp_u16(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

    return (x > y) - (x < y);
}

/* n, or less so that s[0..result) ends at a code point boundary and is at most cap bytes. */
static size_t
utf8_cut(const char *s, size_t n, size_t cap)
{
    if(n <= cap)
        return n;
    while(cap > 0 && ((uint8_t)s[cap] & 0xc0) == 0x80)
        cap--;
    return cap;
}

static sd_err
feature_key(const struct sd_keyring *kr, uint8_t key[crypto_shorthash_siphash24_KEYBYTES])
{
    uint8_t b[SD_BIDX_BYTES];
    sd_err err;

    _Static_assert(SD_BIDX_BYTES == crypto_shorthash_siphash24_KEYBYTES, "key size");
    err = sd_bidx(kr, SD_BIDX_LEARN, KEY_LABEL, strlen(KEY_LABEL), b);
    memcpy(key, b, sizeof(b));
    sodium_memzero(b, sizeof(b));
    return err;
}

sd_err
sd_learn_features(const struct sd_keyring *kr, const char *subject, size_t slen, const char *body,
                  size_t blen, uint16_t *out, size_t *n)
{
    struct sd_buf text = SD_BUF_INIT;
    struct feats f = {.v = NULL, .n = 0};
    size_t off[WORD_MAX + 1], cjk[3], ncjk = 0, nw = 0, wstart = 0, i = 0, len;
    sd_err err = SD_OK;

    SD_CHECK_ARG(kr && out && n && (subject || slen == 0) && (body || blen == 0));
    *n = 0;
    /* Only the first SD_LEARN_MAX_TEXT folded bytes count: fold at most 4x that much input
     * (plenty for ordinary text; the cut bounds the work on long bodies). */
    slen = utf8_cut(subject, slen, 4 * SD_LEARN_MAX_TEXT);
    blen = utf8_cut(body, blen, 4 * SD_LEARN_MAX_TEXT);
    SD_TRY(sd_text_fold(&text, subject ? subject : "", slen));
    SD_TRY(sd_buf_append_byte(&text, ' '));
    SD_TRY(sd_text_fold(&text, body ? body : "", blen));
    if(text.len > SD_LEARN_MAX_TEXT) {
        /* Cut at a code point boundary. */
        size_t cut = SD_LEARN_MAX_TEXT;

        while(cut > 0 && (text.data[cut] & 0xc0) == 0x80)
            cut--;
        text.len = cut;
    }
    SD_TRY(sd_buf_append_byte(&text, ' '));
    f.v = malloc(RAW_MAX * sizeof(*f.v));
    SD_ENSURE(f.v, SD_E_NOMEM);
    SD_TRY(feature_key(kr, f.key));
    while(i < text.len) {
        const uint8_t *p = text.data + i;
        uint32_t c = cp_at(p, text.len - i, &len);
        bool wc = is_wordc(c);

        /* CJK and Hangul runs: the 1..3 grams ending here. */
        if(is_cjk(c)) {
            if(ncjk == 3) {
                cjk[0] = cjk[1];
                cjk[1] = cjk[2];
                ncjk = 2;
            }
            cjk[ncjk++] = i;
            for(size_t g = 1; g <= ncjk; g++)
                feat_add(&f, (uint8_t)('a' + g), text.data + cjk[ncjk - g],
                         i + len - cjk[ncjk - g]);
        } else {
            ncjk = 0;
        }
        if(wc) {
            if(nw == 0)
                wstart = i;
            if(nw <= WORD_MAX)
                off[nw] = i - wstart;
            nw++;
        } else if(nw) {
            if(nw <= WORD_MAX) {
                off[nw] = i - wstart;
                word_feats(&f, text.data + wstart, i - wstart, off, nw);
            }
            nw = 0;
        }
        i += len;
    }
    qsort(f.v, f.n, sizeof(*f.v), cmp_u16);
    for(size_t a = 0; a < f.n && *n < SD_LEARN_MAX_FEATURES; a++) {
        if(*n == 0 || out[*n - 1] != f.v[a])
            out[(*n)++] = f.v[a];
    }
out:
    sodium_memzero(f.key, sizeof(f.key));
    free(f.v);
    sd_buf_wipe_free(&text);
    return err;
}

/* ---- the counts ---- */

struct totals {
    uint32_t docs[NCLS];
    uint32_t feats[NCLS];
};

static sd_err
totals_get(struct sd_txn *t, struct totals *o)
{
    struct sd_val v;
    sd_err rc = sd_txn_get(t, SD_DB_LEARN, "t", 1, &v);

    memset(o, 0, sizeof(*o));
    if(rc == SD_E_NOTFOUND)
        return SD_OK;
    if(rc != SD_OK)
        return rc;
    if(v.n != TOTALS_BYTES)
        return SD_E_STORE;
    for(size_t c = 0; c < NCLS; c++) {
        o->docs[c] = sd_get_u32be(v.p + 4 * c);
        o->feats[c] = sd_get_u32be(v.p + 4 * (NCLS + c));
    }
    return SD_OK;
}

static sd_err
totals_put(struct sd_txn *t, const struct totals *o)
{
    uint8_t b[TOTALS_BYTES];

    for(size_t c = 0; c < NCLS; c++) {
        sd_put_u32be(b + 4 * c, o->docs[c]);
        sd_put_u32be(b + 4 * (NCLS + c), o->feats[c]);
    }
    return sd_txn_put(t, SD_DB_LEARN, "t", 1, b, sizeof(b));
}

static uint32_t
bump(uint32_t v, int sign, uint32_t by)
{
    if(sign > 0)
        return v > UINT32_MAX - by ? UINT32_MAX : v + by;
    return v < by ? 0 : v - by;
}

/* Add (sign 1) or take out (sign -1) one example's features f[0..n) labelled cat / prio. */
static sd_err
count(struct sd_txn *t, const uint16_t *f, size_t n, int cat, int prio, int sign)
{
    uint8_t *shard = NULL;
    struct totals tot;
    sd_err err = SD_OK;
    size_t i = 0;

    SD_TRY(totals_get(t, &tot));
    tot.docs[cat] = bump(tot.docs[cat], sign, 1);
    tot.docs[cls_prio(prio)] = bump(tot.docs[cls_prio(prio)], sign, 1);
    tot.feats[cat] = bump(tot.feats[cat], sign, (uint32_t)n);
    tot.feats[cls_prio(prio)] = bump(tot.feats[cls_prio(prio)], sign, (uint32_t)n);
    SD_TRY(totals_put(t, &tot));
    shard = malloc(SHARD_BYTES);
    SD_ENSURE(shard, SD_E_NOMEM);
    while(i < n) {
        uint16_t s = (uint16_t)(f[i] / SD_LEARN_SHARD);
        uint8_t k[3] = {'w', (uint8_t)(s >> 8), (uint8_t)s};
        struct sd_val v;
        sd_err rc = sd_txn_get(t, SD_DB_LEARN, k, sizeof(k), &v);

        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
        SD_ENSURE(rc == SD_E_NOTFOUND || v.n == SHARD_BYTES, SD_E_STORE);
        if(rc == SD_OK)
            memcpy(shard, v.p, SHARD_BYTES);
        else
            memset(shard, 0, SHARD_BYTES);
        for(; i < n && f[i] / SD_LEARN_SHARD == s; i++) {
            size_t row = (size_t)(f[i] % SD_LEARN_SHARD) * NCLS;
            uint32_t cl[2] = {(uint32_t)cat, cls_prio(prio)};

            for(int j = 0; j < 2; j++) {
                uint8_t *p = shard + 4 * (row + cl[j]);

                sd_put_u32be(p, bump(sd_get_u32be(p), sign, 1));
            }
        }
        SD_TRY(sd_txn_put(t, SD_DB_LEARN, k, sizeof(k), shard, SHARD_BYTES));
    }
out:
    free(shard);
    return err;
}

static void
ex_key(uint8_t k[17], uint64_t dkey, uint64_t ticket)
{
    k[0] = 'e';
    sd_put_u64be(k + 1, dkey);
    sd_put_u64be(k + 9, ticket);
}

/* Parse a stored example: its label and features (pointers into v). */
static sd_err
ex_parse(const struct sd_val *v, int *cat, int *prio, const uint8_t **f, size_t *n)
{
    if(v->n < EX_HEADER || v->p[0] != 1)
        return SD_E_STORE;
    *cat = v->p[1];
    *prio = v->p[2];
    *n = (size_t)v->p[4] << 8 | v->p[5];
    if(*cat >= SD_CAT_COUNT || *prio < 1 || *prio > 4 || v->n != EX_HEADER + 2 * *n ||
       *n > SD_LEARN_MAX_FEATURES)
        return SD_E_STORE;
    *f = v->p + EX_HEADER;
    return SD_OK;
}

/* Take the example stored under key k out of the counts and delete it (SD_E_NOTFOUND: none). */
static sd_err
ex_remove(struct sd_txn *t, const uint8_t k[17])
{
    uint16_t *f = NULL;
    const uint8_t *fp;
    struct sd_val v;
    int cat, prio;
    size_t n;
    sd_err err = SD_OK;

    SD_TRY(sd_txn_get(t, SD_DB_LEARN, k, 17, &v));
    SD_TRY(ex_parse(&v, &cat, &prio, &fp, &n));
    f = malloc((n ? n : 1) * sizeof(*f));
    SD_ENSURE(f, SD_E_NOMEM);
    for(size_t i = 0; i < n; i++)
        f[i] = (uint16_t)(fp[2 * i] << 8 | fp[2 * i + 1]);
    SD_TRY(count(t, f, n, cat, prio, -1));
    SD_TRY(sd_txn_del(t, SD_DB_LEARN, k, 17, NULL, 0));
out:
    free(f);
    return err;
}

sd_err
sd_learn_train_in(struct sd_txn *t, const struct sd_keyring *kr, uint64_t dkey, uint64_t ticket,
                  const char *subject, size_t slen, const char *body, size_t blen,
                  enum sd_category category, int priority)
{
    uint16_t *f = NULL;
    uint8_t *ex = NULL, k[17];
    size_t n = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(t && kr && category < SD_CAT_COUNT && priority >= 1 && priority <= 4);
    f = malloc(SD_LEARN_MAX_FEATURES * sizeof(*f));
    ex = malloc(EX_HEADER + 2 * SD_LEARN_MAX_FEATURES);
    SD_ENSURE(f && ex, SD_E_NOMEM);
    SD_TRY(sd_learn_features(kr, subject, slen, body, blen, f, &n));
    ex_key(k, dkey, ticket);
    rc = ex_remove(t, k);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_TRY(count(t, f, n, (int)category, priority, 1));
    ex[0] = 1;
    ex[1] = (uint8_t)category;
    ex[2] = (uint8_t)priority;
    ex[3] = 0;
    ex[4] = (uint8_t)(n >> 8);
    ex[5] = (uint8_t)n;
    for(size_t i = 0; i < n; i++) {
        ex[EX_HEADER + 2 * i] = (uint8_t)(f[i] >> 8);
        ex[EX_HEADER + 2 * i + 1] = (uint8_t)f[i];
    }
    SD_TRY(sd_txn_put(t, SD_DB_LEARN, k, sizeof(k), ex, EX_HEADER + 2 * n));
out:
    free(f);
    free(ex);
    return err;
}

sd_err
sd_learn_label_in(struct sd_txn *t, uint64_t dkey, uint64_t ticket, enum sd_category *category,
                  int *priority)
{
    const uint8_t *fp;
    uint8_t k[17];
    struct sd_val v;
    size_t n;
    int cat, prio;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && category && priority);
    ex_key(k, dkey, ticket);
    SD_TRY(sd_txn_get(t, SD_DB_LEARN, k, sizeof(k), &v));
    SD_TRY(ex_parse(&v, &cat, &prio, &fp, &n));
    *category = (enum sd_category)cat;
    *priority = prio;
out:
    return err;
}

sd_err
sd_learn_forget_in(struct sd_txn *t, uint64_t dkey, uint64_t *removed)
{
    struct sd_cursor *c = NULL;
    uint8_t from[9], k[17];
    struct sd_val key, v;
    uint64_t n = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(t);
    from[0] = 'e';
    sd_put_u64be(from + 1, dkey);
    for(;;) {
        /* Re-seek after each removal: the counts' writes move the cursor's pages. */
        SD_TRY(sd_cursor_open(t, SD_DB_LEARN, &c));
        key.p = from;
        key.n = sizeof(from);
        rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &key, &v);
        if(rc == SD_E_NOTFOUND || (rc == SD_OK && (key.n != 17 || memcmp(key.p, from, 9) != 0)))
            break;
        SD_TRY(rc);
        memcpy(k, key.p, sizeof(k));
        sd_cursor_close(c);
        c = NULL;
        SD_TRY(ex_remove(t, k));
        n++;
    }
    if(removed)
        *removed = n;
out:
    sd_cursor_close(c);
    return err;
}

sd_err
sd_learn_count(struct sd_txn *t, uint64_t *n)
{
    struct totals tot;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && n);
    SD_TRY(totals_get(t, &tot));
    *n = 0;
    for(size_t c = 0; c < SD_CAT_COUNT; c++)
        *n += tot.docs[c];
out:
    return err;
}

/* ---- the adjustment ---- */

/* How much more often than in all examples the text's features occur in the examples of class
 * c, among the classes [lo, hi): the mean over the text's n features of log(P(f | c) / P(f)),
 * with P the share of examples holding f (the counts are presence counts).
 * Features no example holds add 0, so a text unlike every example scores about 0 whatever
 * the class sizes; one like the examples of c scores high for c and below 0 for the others. */
static double
lift(const struct totals *tot, const uint32_t *cnt, size_t n, size_t c, size_t lo, size_t hi)
{
    double all_docs = 0, s = 0, p_all;

    for(size_t k = lo; k < hi; k++)
        all_docs += tot->docs[k];
    for(size_t i = 0; i < n; i++) {
        double all = 0;

        for(size_t k = lo; k < hi; k++)
            all += cnt[i * NCLS + k];
        /* Unseen, or in a large share of all examples (common words and characters of a
         * language, whose share follows the language mix of the classes, not the class). */
        if(all == 0 || all > fmax(COMMON_SHARE * all_docs, COMMON_MIN))
            continue;
        /* P(f | c) smoothed towards P(f) (m-estimate): a class with few examples neither
         * gains nor loses much from one feature. */
        p_all = all / all_docs;
        s += log((cnt[i * NCLS + c] + M_EST * p_all) / (tot->docs[c] + M_EST)) - log(p_all);
    }
    /* As a share of the most a feature can say for c, log(1 / P(c)): the same scale with two
     * classes or eight, with 10 examples or 10,000. */
    return s / (double)n / log(all_docs / fmax(tot->docs[c], 1.0));
}

/* Lift to a bounded score adjustment: nothing within +-LIFT_LOW (text as like the class as
 * any other), the full cap from LIFT_FULL on. */
static int
bounded(double l)
{
    double a = fmin(1.0, fmax(0.0, (fabs(l) - LIFT_LOW) / (LIFT_FULL - LIFT_LOW)));

    return (int)lround((l < 0 ? -1 : 1) * SD_LEARN_CAT_CAP * a);
}

/* Classes of [lo, hi) with SD_LEARN_MIN_CLASS examples. */
static size_t
qualified(const struct totals *tot, size_t lo, size_t hi)
{
    size_t k = 0;

    for(size_t c = lo; c < hi; c++)
        k += tot->docs[c] >= SD_LEARN_MIN_CLASS;
    return k;
}

sd_err
sd_learn_adjust(struct sd_txn *t, const struct sd_keyring *kr, const char *subject, size_t slen,
                const char *body, size_t blen, struct sd_triage_learned *out)
{
    uint16_t *f = NULL;
    uint32_t *cnt = NULL;
    struct totals tot;
    size_t n = 0, seen = 0;
    uint64_t examples = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(totals_get(t, &tot));
    for(size_t c = 0; c < SD_CAT_COUNT; c++)
        examples += tot.docs[c];
    out->examples = (unsigned)(examples > UINT32_MAX ? UINT32_MAX : examples);
    if(examples < SD_LEARN_MIN_EXAMPLES)
        goto out;
    f = malloc(SD_LEARN_MAX_FEATURES * sizeof(*f));
    cnt = calloc((size_t)SD_LEARN_MAX_FEATURES * NCLS, sizeof(*cnt));
    SD_ENSURE(f && cnt, SD_E_NOMEM);
    SD_TRY(sd_learn_features(kr, subject, slen, body, blen, f, &n));
    if(n == 0)
        goto out;
    for(size_t i = 0; i < n;) {
        uint16_t s = (uint16_t)(f[i] / SD_LEARN_SHARD);
        uint8_t key[3] = {'w', (uint8_t)(s >> 8), (uint8_t)s};
        struct sd_val v;
        sd_err rc = sd_txn_get(t, SD_DB_LEARN, key, sizeof(key), &v);

        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
        SD_ENSURE(rc == SD_E_NOTFOUND || v.n == SHARD_BYTES, SD_E_STORE);
        for(; i < n && f[i] / SD_LEARN_SHARD == s; i++) {
            bool any = false;

            for(size_t c = 0; rc == SD_OK && c < NCLS; c++) {
                cnt[i * NCLS + c] =
                    sd_get_u32be(v.p + 4 * ((size_t)(f[i] % SD_LEARN_SHARD) * NCLS + c));
                any = any || cnt[i * NCLS + c];
            }
            seen += any;
        }
    }
    out->coverage_pct = (unsigned)(100 * seen / n);
    if(qualified(&tot, 0, SD_CAT_COUNT) >= 2) {
        out->active = true;
        for(size_t c = 0; c < SD_CAT_COUNT; c++) {
            if(tot.docs[c] >= SD_LEARN_MIN_CLASS)
                out->cat[c] = bounded(lift(&tot, cnt, n, c, 0, SD_CAT_COUNT));
        }
    }
    if(qualified(&tot, SD_CAT_COUNT, NCLS) >= 2) {
        double best = -INFINITY, second = -INFINITY;
        size_t bp = 0;

        out->active = true;
        for(size_t c = SD_CAT_COUNT; c < NCLS; c++) {
            double l;

            if(tot.docs[c] < SD_LEARN_MIN_CLASS)
                continue;
            l = lift(&tot, cnt, n, c, SD_CAT_COUNT, NCLS);
            if(l > best) {
                second = best;
                best = l;
                bp = c;
            } else if(l > second) {
                second = l;
            }
        }
        out->prio_evidence = (int)lround(100 * best);
        if(best >= PRIO_LIFT && best - second >= PRIO_MARGIN)
            out->prio = (int)(bp - SD_CAT_COUNT + 1);
    }
out:
    free(f);
    free(cnt);
    return err;
}

/* ---- explanation ---- */

static const char *
prio_name(int p)
{
    static const char *const names[] = {"unknown", "P1", "P2", "P3", "P4"};

    return p >= 1 && p <= 4 ? names[p] : names[0];
}

static size_t
line(char (*lines)[SD_LEARN_EXPLAIN_LINE], size_t n, size_t cap, const char *s)
{
    if(n < cap)
        snprintf(lines[n], SD_LEARN_EXPLAIN_LINE, "%s", s);
    return n < cap ? n + 1 : n;
}

size_t
sd_learn_explain(const struct sd_triage_result *r, char (*lines)[SD_LEARN_EXPLAIN_LINE], size_t cap)
{
    char b[SD_LEARN_EXPLAIN_LINE];
    const struct sd_triage_learned *l = &r->learned;
    size_t n = 0, off;

    for(size_t i = 0; i < r->n_signals; i++) {
        snprintf(b, sizeof(b), "rule %s", r->signals[i]);
        n = line(lines, n, cap, b);
    }
    off = (size_t)snprintf(b, sizeof(b), "rule scores:");
    for(int c = 0; c < SD_CAT_COUNT && off < sizeof(b); c++) {
        if(r->rule_score[c])
            off += (size_t)snprintf(b + off, sizeof(b) - off, " %s=%d",
                                    sd_category_name((enum sd_category)c), r->rule_score[c]);
    }
    if(off < sizeof(b) && strcmp(b, "rule scores:") == 0)
        snprintf(b + off, sizeof(b) - off, " none");
    n = line(lines, n, cap, b);
    if(r->fund_safety || l->floor) {
        n = line(lines, n, cap,
                 r->fund_safety ? "learned: not applied (fund-safety floor: security P1)"
                                : "learned: not applied (fund-safety floor: the rules chose "
                                  "security or P1)");
    } else if(!l->active) {
        snprintf(b, sizeof(b), "learned: not applied (%u examples; needs %u, two classes of %u)",
                 l->examples, SD_LEARN_MIN_EXAMPLES, SD_LEARN_MIN_CLASS);
        n = line(lines, n, cap, b);
    } else {
        off = (size_t)snprintf(b, sizeof(b), "learned: examples=%u coverage=%u%%", l->examples,
                               l->coverage_pct);
        for(int c = 0; c < SD_CAT_COUNT && off < sizeof(b); c++) {
            if(l->cat[c])
                off += (size_t)snprintf(b + off, sizeof(b) - off, " %s%+d",
                                        sd_category_name((enum sd_category)c), l->cat[c]);
        }
        n = line(lines, n, cap, b);
        if(l->prio)
            snprintf(b, sizeof(b), "learned priority: %s (lift %.2f)", prio_name(l->prio),
                     l->prio_evidence / 100.0);
        else
            snprintf(b, sizeof(b), "learned priority: none");
        n = line(lines, n, cap, b);
    }
    if(r->model.fund > 0.0f) /* the shipped statistical model's part (src/tmodel) */
        n = line(lines, n, cap, sd_tmodel_explain(&r->model, b, sizeof(b)));
    snprintf(b, sizeof(b), "decision: %s %s (the rules' priority for it: %s)%s",
             sd_category_name(r->category), prio_name(r->priority), prio_name(r->rule_priority),
             r->fund_safety ? " fund_safety" : "");
    return line(lines, n, cap, b);
}
