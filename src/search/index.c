/* The search index: hashed term sets, postings in SD_DB_SEARCH written and removed in the
 * caller's txn, and the leapfrog intersection of a query's posting lists (search.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <utf8proc.h>

#include "sealdesk/buf.h"
#include "sealdesk/search.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

void
sd_search_terms_clear(struct sd_search_terms *ts)
{
    if(!ts)
        return;
    free(ts->h);
    ts->h = NULL;
    ts->n = ts->cap = 0;
}

/* Terms packed as u8 length | bytes, for one call of sd_bidx_search_terms, each distinct term
 * once: a ticket repeats its words (the reference ticket's 150 words are 11 distinct terms), and
 * hashing a repeat only to drop it in uniq() was most of the keyed hashing. The set is an open
 * addressing table of offsets into b (slot = offset + 1, 0 = empty), on the stack up to
 * PACK_STACK_SLOTS; its hashes are of plaintext terms, so it is wiped like b. */
#define PACK_STACK_SLOTS 512

struct pack {
    struct sd_buf b;
    size_t n;   /* distinct terms in b */
    size_t occ; /* terms the tokeniser gave, repeats included */
    uint32_t *slot;
    size_t nslot; /* a power of two */
    uint32_t stack_slot[PACK_STACK_SLOTS];
};

static void
pack_init(struct pack *p)
{
    p->b = (struct sd_buf)SD_BUF_INIT;
    p->n = p->occ = 0;
    p->slot = p->stack_slot;
    p->nslot = PACK_STACK_SLOTS;
    memset(p->stack_slot, 0, sizeof(p->stack_slot));
}

static void
pack_free(struct pack *p)
{
    sd_buf_wipe_free(&p->b);
    sodium_memzero(p->slot, p->nslot * sizeof(p->slot[0]));
    if(p->slot != p->stack_slot)
        free(p->slot);
    p->slot = NULL;
}

static uint32_t
term_hash(const uint8_t *t, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a: only spreads the table, never leaves this process */

    for(size_t i = 0; i < n; i++)
        h = (h ^ t[i]) * 16777619u;
    return h;
}

/* Slot of term t[0..n) in table slot[0..nslot) over the packed terms data: its own, or the
 * empty one where it would go. */
static uint32_t *
slot_find(const uint8_t *data, uint32_t *slot, size_t nslot, const uint8_t *t, size_t n)
{
    size_t mask = nslot - 1;

    for(size_t i = term_hash(t, n) & mask;; i = (i + 1) & mask) {
        uint32_t *s = &slot[i];
        const uint8_t *e;

        if(!*s)
            return s;
        e = data + *s - 1;
        if(e[0] == n && memcmp(e + 1, t, n) == 0)
            return s;
    }
}

/* Double the table (kept under half full). */
static sd_err
pack_grow(struct pack *p)
{
    size_t nslot;
    uint32_t *slot;

    if(p->nslot > SIZE_MAX / 2 / sizeof(uint32_t))
        return SD_E_LIMIT;
    nslot = p->nslot * 2;
    slot = calloc(nslot, sizeof(uint32_t));
    if(!slot)
        return SD_E_NOMEM;
    for(size_t i = 0; i < p->nslot; i++) {
        if(p->slot[i]) {
            const uint8_t *e = p->b.data + p->slot[i] - 1;

            *slot_find(p->b.data, slot, nslot, e + 1, e[0]) = p->slot[i];
        }
    }
    sodium_memzero(p->slot, p->nslot * sizeof(p->slot[0]));
    if(p->slot != p->stack_slot)
        free(p->slot);
    p->slot = slot;
    p->nslot = nslot;
    return SD_OK;
}

static sd_err
pack_term(void *ctx, const char *term, size_t n)
{
    struct pack *p = ctx;
    uint8_t len = (uint8_t)(n > 255 ? 255 : n);
    uint32_t *s;
    size_t off = p->b.len;
    sd_err err = SD_OK;

    p->occ++;
    if(*slot_find(p->b.data, p->slot, p->nslot, (const uint8_t *)term, len))
        return SD_OK; /* a repeat: hashed once */
    /* offsets fit the slots: a folded text is at most SD_SEARCH_FOLDED_MAX bytes, each term at
     * most 256 */
    SD_ENSURE(off < UINT32_MAX - 256, SD_E_LIMIT);
    SD_TRY(sd_buf_append_byte(&p->b, len));
    SD_TRY(sd_buf_append(&p->b, term, len));
    if((p->n + 1) * 2 > p->nslot)
        SD_TRY(pack_grow(p));
    s = slot_find(p->b.data, p->slot, p->nslot, (const uint8_t *)term, len);
    *s = (uint32_t)off + 1;
    p->n++;
out:
    if(err != SD_OK)
        p->b.len = off;
    return err;
}

static int
hash_cmp(const void *a, const void *b)
{
    return memcmp(a, b, SD_BIDX_BYTES);
}

/* Sort and drop duplicates. */
static void
uniq(struct sd_search_terms *ts)
{
    size_t w = 0;

    if(ts->n < 2)
        return;
    qsort(ts->h, ts->n, SD_BIDX_BYTES, hash_cmp);
    for(size_t r = 1; r < ts->n; r++) {
        if(memcmp(ts->h[r], ts->h[w], SD_BIDX_BYTES) != 0)
            memcpy(ts->h[++w], ts->h[r], SD_BIDX_BYTES);
    }
    ts->n = w + 1;
}

/* Hash the distinct terms of p into ts (sorted, distinct, at most its max). */
static sd_err
terms_merge(struct sd_search_terms *ts, const struct sd_keyring *kr, const struct pack *p)
{
    size_t max, need;
    sd_err err = SD_OK;

    max = ts->max ? ts->max : SD_SEARCH_DOC_TERMS;
    if(!p->n)
        goto out;
    SD_ENSURE(!__builtin_add_overflow(ts->n, p->n, &need), SD_E_LIMIT);
    if(need > ts->cap) {
        uint8_t(*h)[SD_BIDX_BYTES] = realloc(ts->h, need * SD_BIDX_BYTES);

        SD_ENSURE(h, SD_E_NOMEM);
        ts->h = h;
        ts->cap = need;
    }
    SD_TRY(sd_bidx_search_terms(kr, p->b.data, p->b.len, p->n, ts->h + ts->n));
    ts->n = need;
    uniq(ts);
    if(ts->n > max)
        ts->n = max; /* the rest of a very long text is not searchable */
out:
    return err;
}

sd_err
sd_search_terms_add(struct sd_search_terms *ts, const struct sd_keyring *kr, const char *s,
                    size_t n, size_t *added)
{
    struct pack p;
    sd_err err = SD_OK;

    pack_init(&p);
    SD_CHECK_ARG(ts && kr && (s || n == 0));
    SD_TRY(sd_search_tokenize(s, n, pack_term, &p));
    if(added)
        *added = p.occ;
    SD_TRY(terms_merge(ts, kr, &p));
out:
    pack_free(&p);
    return err;
}

sd_err
sd_search_terms_add_folded(struct sd_search_terms *ts, const struct sd_keyring *kr, const char *f,
                           size_t n, size_t *added)
{
    struct pack p;
    sd_err err = SD_OK;

    pack_init(&p);
    SD_CHECK_ARG(ts && kr && (f || n == 0));
    SD_TRY(sd_search_tokenize_folded(f, n, pack_term, &p));
    if(added)
        *added = p.occ;
    SD_TRY(terms_merge(ts, kr, &p));
out:
    pack_free(&p);
    return err;
}

static void
posting_val(uint8_t v[8], uint64_t id)
{
    sd_put_u64be(v, UINT64_MAX - id);
}

sd_err
sd_search_put_in(struct sd_txn *t, uint64_t id, const struct sd_search_terms *ts)
{
    uint8_t v[8];
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && ts && id);
    posting_val(v, id);
    /* Late: in a group-commit child the postings go into the batch txn once the child has
     * merged; ~18 pairs per ticket in as many posting lists made the child copy (and LMDB zero)
     * most of the pages a create touched (README "Figures"). */
    for(size_t i = 0; i < ts->n; i++)
        SD_TRY(sd_txn_put_late(t, SD_DB_SEARCH, ts->h[i], SD_BIDX_BYTES, v, sizeof(v)));
out:
    return err;
}

sd_err
sd_search_del_in(struct sd_txn *t, uint64_t id, const struct sd_search_terms *ts, uint64_t *removed)
{
    uint8_t v[8];
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && ts && id);
    posting_val(v, id);
    for(size_t i = 0; i < ts->n; i++) {
        sd_err rc = sd_txn_del(t, SD_DB_SEARCH, ts->h[i], SD_BIDX_BYTES, v, sizeof(v));

        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
        if(rc == SD_OK && removed)
            (*removed)++;
    }
out:
    return err;
}

sd_err
sd_search_index_in(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id, const char *s,
                   size_t n)
{
    struct sd_search_terms ts = {0};
    sd_err err = SD_OK;

    SD_TRY(sd_search_terms_add(&ts, kr, s, n, NULL));
    SD_TRY(sd_search_put_in(t, id, &ts));
out:
    sd_search_terms_clear(&ts);
    return err;
}

sd_err
sd_search_index_folded_in(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id, const char *f,
                          size_t n)
{
    struct sd_search_terms ts = {0};
    sd_err err = SD_OK;

    SD_TRY(sd_search_terms_add_folded(&ts, kr, f, n, NULL));
    SD_TRY(sd_search_put_in(t, id, &ts));
out:
    sd_search_terms_clear(&ts);
    return err;
}

sd_err
sd_search_clear_in(struct sd_txn *t)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(t);
    SD_TRY(sd_cursor_open(t, SD_DB_SEARCH, &c));
    while((rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v)) == SD_OK)
        SD_TRY(sd_cursor_del(c));
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

/* Position cursor c on term h's first posting >= cand (inverted id); *got gets it. */
static sd_err
seek(struct sd_cursor *c, const uint8_t h[SD_BIDX_BYTES], uint64_t cand, uint64_t *got)
{
    uint8_t vb[8];
    struct sd_val k = {h, SD_BIDX_BYTES}, v;
    sd_err err;

    sd_put_u64be(vb, cand);
    v.p = vb;
    v.n = sizeof(vb);
    err = sd_cursor_get(c, SD_CUR_GET_BOTH_RANGE, &k, &v);
    if(err != SD_OK)
        return err;
    if(v.n != 8)
        return SD_E_STORE;
    *got = sd_get_u64be(v.p);
    return SD_OK;
}

/* What a query's user wrote, for SD_SEARCH_QUERY_TERMS: each word term once (a repeated word
 * is one), each run of CJK characters once, however many bigrams it makes (those are bounded
 * by SD_SEARCH_QUERY_KEYS instead). A run is seen in the term stream as a lone character or a
 * chain of bigrams, each starting with the character the one before ended with; two runs
 * separated by a space that chain that way ("ab bc") count as one, which only loosens the word
 * count, never the key bound. */
struct query_words {
    char w[SD_SEARCH_QUERY_TERMS][SD_SEARCH_TERM_MAX]; /* distinct word terms */
    uint8_t wn[SD_SEARCH_QUERY_TERMS];
    size_t nw;    /* distinct words */
    size_t runs;  /* CJK runs */
    char last[4]; /* last character of the previous term if it was a CJK bigram */
    size_t last_n;
};

static bool
cjk_at(const char *s, size_t n, size_t *k)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t r = utf8proc_iterate((const uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    enum sd_text_class c;

    if(r <= 0)
        return false;
    *k = (size_t)r;
    c = sd_text_cclass(cp);
    return c == SD_TC_HAN || c == SD_TC_HANGUL || c == SD_TC_KANA;
}

static sd_err
count_word(void *ctx, const char *term, size_t n)
{
    struct query_words *q = ctx;
    size_t k = 0;
    bool chained;

    if(n && cjk_at(term, n, &k)) {
        chained = k < n && q->last_n == k && memcmp(q->last, term, k) == 0;
        if(!chained && ++q->runs + q->nw > SD_SEARCH_QUERY_TERMS)
            return SD_E_LIMIT;
        q->last_n = 0;
        if(k < n && n - k <= sizeof(q->last)) { /* a bigram: the next one may chain on */
            memcpy(q->last, term + k, n - k);
            q->last_n = n - k;
        }
        return SD_OK;
    }
    q->last_n = 0;
    if(n > SD_SEARCH_TERM_MAX)
        n = SD_SEARCH_TERM_MAX; /* emit_word cuts words already */
    for(size_t i = 0; i < q->nw; i++) {
        if(q->wn[i] == n && memcmp(q->w[i], term, n) == 0)
            return SD_OK;
    }
    if(q->nw + q->runs >= SD_SEARCH_QUERY_TERMS)
        return SD_E_LIMIT;
    memcpy(q->w[q->nw], term, n);
    q->wn[q->nw++] = (uint8_t)n;
    return SD_OK;
}

sd_err
sd_search_query_in(struct sd_txn *t, const struct sd_keyring *kr, const char *q, size_t n,
                   size_t max_scan, sd_search_hit_fn fn, void *ctx, bool *truncated,
                   uint8_t digest[32])
{
    struct sd_search_terms ts = {.max = SD_SEARCH_QUERY_KEYS + 1};
    struct sd_cursor *cur[SD_SEARCH_QUERY_KEYS];
    struct query_words qw;
    size_t ncur = 0, scanned = 0;
    uint64_t cand = 0;
    bool stop = false;
    sd_err err = SD_OK;

    memset(cur, 0, sizeof(cur));
    memset(&qw, 0, sizeof(qw));
    SD_CHECK_ARG(t && kr && q && fn);
    if(truncated)
        *truncated = false;
    SD_ENSURE(n <= SD_SEARCH_QUERY_MAX, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(q, n));
    SD_TRY(sd_search_tokenize(q, n, count_word, &qw));
    SD_TRY(sd_search_terms_add(&ts, kr, q, n, NULL));
    SD_CHECK_ARG(ts.n > 0);
    SD_ENSURE(ts.n <= SD_SEARCH_QUERY_KEYS, SD_E_LIMIT);
    if(digest)
        sd_sha256(digest, (const uint8_t *)ts.h, ts.n * SD_BIDX_BYTES);
    max_scan = max_scan ? max_scan : SD_SEARCH_SCAN_MAX;
    for(size_t i = 0; i < ts.n; i++) {
        SD_TRY(sd_cursor_open(t, SD_DB_SEARCH, &cur[i]));
        ncur++;
    }
    /* Leapfrog: seek every list to the candidate; a list past it raises the candidate. When a
     * round moves nothing, every list holds the candidate. */
    while(!stop) {
        bool moved = false;

        for(size_t i = 0; i < ncur; i++) {
            uint64_t got;
            sd_err rc = seek(cur[i], ts.h[i], cand, &got);

            if(rc == SD_E_NOTFOUND)
                goto out;
            SD_TRY(rc);
            if(got != cand) {
                cand = got;
                moved = true;
            }
        }
        if(moved)
            continue;
        if(scanned == max_scan) {
            if(truncated)
                *truncated = true;
            break;
        }
        scanned++;
        SD_TRY(fn(ctx, UINT64_MAX - cand, &stop));
        if(cand == UINT64_MAX)
            break;
        cand++;
    }
out:
    for(size_t i = 0; i < ncur; i++)
        sd_cursor_close(cur[i]);
    sodium_memzero(&qw, sizeof(qw)); /* the query's words, in clear */
    sd_search_terms_clear(&ts);
    return err;
}
