/* Knowledge base search: the tokeniser (bigrams for Han/Hangul, words for Latin script, over
 * sd_text_fold'ed text), the LMDB inverted index (term -> 16-byte postings, document
 * frequencies, collection size in meta) maintained in the article's own txn, and BM25F ranking
 * with title/tag boosts, language preference and one hit per translation group. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tickets/desk_int.h"
#include "kb_int.h"
#include "sealdesk/clock.h"
#include "sealdesk/lang.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

/* Field weights of BM25F. The asks (how customers ask, sd_kb_new.asks) weigh as a body word
 * and the body half as much as before round 9: an article whose body mentions most topics
 * (deposit-not-credited, account-hacked) no longer wins on its body alone. A word matched only
 * in the asks counts in the coverage, not in the title coverage (data/kb/README.md, round 9:
 * chosen on the tuning parts). */
#define POSTING_BYTES   16
#define W_TITLE         3
#define W_TAGS          2
#define W_ASKS          1
#define W_BODY          0.5
#define BM25_K1         1.2
#define BM25_B          0.75
#define MAX_QUERY_TERMS 128
#define MAX_DOC_TERMS   65536 /* term occurrences indexed per article */
#define MAX_SCAN        20000 /* postings read per query term */
#define COMMON_FRACTION 0.5   /* terms in more than half of a large collection are skipped */
#define COMMON_MIN_DOCS 200
#define KB_GEN_META     "kb_gen" /* meta: the index's generation, KB_GEN_BYTES random bytes */
#define KB_GEN_BYTES    16

/* Natural logarithm for x > 0 without libm (the library does not link it): x = m * 2^e with
 * m in [1, 2), ln m = 2 atanh((m - 1) / (m + 1)) by its series (|z| <= 1/3, 12 terms). */
static double
ln(double x)
{
    uint64_t bits;
    int e;
    double m, z, z2, term, sum = 0;

    if(!(x > 0))
        return 0;
    memcpy(&bits, &x, sizeof(bits));
    e = (int)((bits >> 52) & 0x7ff) - 1023;
    bits = (bits & ~(0x7ffull << 52)) | (1023ull << 52);
    memcpy(&m, &bits, sizeof(m));
    z = (m - 1) / (m + 1);
    z2 = z * z;
    term = z;
    for(int k = 1; k < 26; k += 2) {
        sum += term / k;
        term *= z2;
    }
    return 2 * sum + e * 0.69314718055994530942;
}

/* ---- document terms ---- */

struct dterm {
    char t[SD_KB_TERM_MAX + 1];
    uint8_t n;
    uint8_t field;
};

struct dterms {
    struct dterm *v;
    size_t n, cap;
    size_t n_asks; /* of n, the asks field's terms (not in the document length) */
    uint8_t field;
};

static sd_err
dterm_push(void *ctx, const char *term, size_t n)
{
    struct dterms *d = ctx;

    if(n > SD_KB_TERM_MAX)
        return SD_E_INTERNAL;
    if(d->n >= MAX_DOC_TERMS)
        return SD_OK; /* the rest of a huge article is not indexed */
    if(d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 256;
        struct dterm *p = realloc(d->v, ncap * sizeof(*p));

        if(!p)
            return SD_E_NOMEM;
        d->v = p;
        d->cap = ncap;
    }
    memcpy(d->v[d->n].t, term, n);
    d->v[d->n].t[n] = 0;
    d->v[d->n].n = (uint8_t)n;
    d->v[d->n].field = d->field;
    d->n++;
    d->n_asks += d->field == SD_KB_F_ASKS;
    return SD_OK;
}

static int
dterm_cmp(const void *a, const void *b)
{
    const struct dterm *x = a, *y = b;
    int c = strcmp(x->t, y->t);

    return c ? c : (int)x->field - (int)y->field;
}

static sd_err
doc_terms(const sd_arec *r, struct dterms *d)
{
    sd_err err = SD_OK;

    d->field = SD_KB_F_TITLE;
    SD_TRY(sd_kb_tokenize(r->title, strlen(r->title), dterm_push, d));
    d->field = SD_KB_F_TAGS;
    for(size_t i = 0; i < r->n_tags; i++)
        SD_TRY(sd_kb_tokenize(r->tags[i], strlen(r->tags[i]), dterm_push, d));
    /* before the body: a body over MAX_DOC_TERMS does not push the asks out */
    d->field = SD_KB_F_ASKS;
    if(r->asks)
        SD_TRY(sd_kb_tokenize(r->asks, strlen(r->asks), dterm_push, d));
    d->field = SD_KB_F_BODY;
    SD_TRY(sd_kb_tokenize(r->body, strlen(r->body), dterm_push, d));
    if(d->n)
        qsort(d->v, d->n, sizeof(d->v[0]), dterm_cmp);
out:
    return err;
}

static uint16_t
sat16(size_t v)
{
    return v > 0xffff ? 0xffff : (uint16_t)v;
}

/* The document length of BM25: title, tags and body terms (the asks are a field of their own,
 * so writing more of them does not make the article's other fields weigh less). */
static uint16_t
doc_len(const struct dterms *d)
{
    return sat16(d->n - d->n_asks);
}

static uint8_t
sat8(size_t v)
{
    return v > 0xff ? 0xff : (uint8_t)v;
}

/* Visit each distinct term of the sorted list with its posting bytes. */
typedef sd_err (*posting_fn)(struct sd_txn *t, const char *term, size_t n,
                             const uint8_t posting[POSTING_BYTES]);

static sd_err
each_posting(struct sd_txn *t, const sd_arec *r, const struct dterms *d, posting_fn fn)
{
    uint8_t lang = sd_lang_code(r->lang);
    uint16_t dl = doc_len(d);
    sd_err err = SD_OK;
    size_t i = 0;

    while(i < d->n) {
        size_t tf[SD_KB_F_COUNT] = {0};
        size_t j = i;
        uint8_t p[POSTING_BYTES];

        while(j < d->n && strcmp(d->v[j].t, d->v[i].t) == 0) {
            tf[d->v[j].field]++;
            j++;
        }
        /* u64 id | u8 language | u8 tf title | u8 tf tags | u8 tf asks (0 in an index written
         * before the asks: its articles have none) | u16 tf body | u16 document length */
        memset(p, 0, sizeof(p));
        sd_put_u64be(p, r->id);
        p[8] = lang;
        p[9] = sat8(tf[SD_KB_F_TITLE]);
        p[10] = sat8(tf[SD_KB_F_TAGS]);
        p[11] = sat8(tf[SD_KB_F_ASKS]);
        p[12] = (uint8_t)(sat16(tf[SD_KB_F_BODY]) >> 8);
        p[13] = (uint8_t)sat16(tf[SD_KB_F_BODY]);
        p[14] = (uint8_t)(dl >> 8);
        p[15] = (uint8_t)dl;
        SD_TRY(fn(t, d->v[i].t, d->v[i].n, p));
        i = j;
    }
out:
    return err;
}

static void
df_key(uint8_t *k, size_t *kn, const char *term, size_t n)
{
    k[0] = 'd';
    memcpy(k + 1, term, n);
    *kn = n + 1;
}

static sd_err
df_add(struct sd_txn *t, const char *term, size_t n, int delta)
{
    uint8_t k[SD_KB_TERM_MAX + 1], v[4];
    size_t kn;
    struct sd_val cur;
    uint32_t df = 0;
    sd_err err;

    df_key(k, &kn, term, n);
    err = sd_txn_get(t, SD_DB_KB, k, kn, &cur);
    if(err == SD_OK && cur.n == 4)
        df = sd_get_u32be(cur.p);
    else if(err != SD_E_NOTFOUND && err != SD_OK)
        return err;
    if(delta < 0) {
        if(df <= 1)
            return err == SD_OK ? sd_txn_del(t, SD_DB_KB, k, kn, NULL, 0) : SD_OK;
        df--;
    } else {
        df++;
    }
    sd_put_u32be(v, df);
    return sd_txn_put(t, SD_DB_KB, k, kn, v, sizeof(v));
}

static sd_err
posting_put(struct sd_txn *t, const char *term, size_t n, const uint8_t p[POSTING_BYTES])
{
    sd_err err = sd_txn_put(t, SD_DB_KB_POSTINGS, term, n, p, POSTING_BYTES);

    return err != SD_OK ? err : df_add(t, term, n, 1);
}

static sd_err
posting_del(struct sd_txn *t, const char *term, size_t n, const uint8_t p[POSTING_BYTES])
{
    sd_err err = sd_txn_del(t, SD_DB_KB_POSTINGS, term, n, p, POSTING_BYTES);

    if(err == SD_E_NOTFOUND)
        return SD_OK; /* tolerate an index built by an older tokeniser */
    return err != SD_OK ? err : df_add(t, term, n, -1);
}

static sd_err
index_change(struct sd_txn *t, const sd_arec *r, bool add)
{
    struct dterms d = {0};
    uint64_t docs, total;
    sd_err err = SD_OK;

    if(r->status != SD_KB_PUBLISHED)
        return SD_OK;
    {
        /* a new generation with every change of the postings, frequencies or collection size,
         * in the same txn and before any of them (the search's caches, below): even a change
         * that fails half-way in a txn its caller goes on using leaves the old generation's
         * state untouched */
        uint8_t gen[KB_GEN_BYTES];

        randombytes_buf(gen, sizeof(gen));
        SD_TRY(sd_meta_put(t, KB_GEN_META, gen, sizeof(gen)));
    }
    SD_TRY(doc_terms(r, &d));
    SD_TRY(each_posting(t, r, &d, add ? posting_put : posting_del));
    SD_TRY(sd_meta_get_u64(t, "kb_docs", &docs));
    SD_TRY(sd_meta_get_u64(t, "kb_terms", &total));
    if(add) {
        docs++;
        total += doc_len(&d);
    } else {
        docs = docs ? docs - 1 : 0;
        total = total >= doc_len(&d) ? total - doc_len(&d) : 0;
    }
    SD_TRY(sd_meta_put_u64(t, "kb_docs", docs));
    SD_TRY(sd_meta_put_u64(t, "kb_terms", total));
out:
    free(d.v);
    return err;
}

sd_err
sd_kb_index_add(struct sd_txn *t, const sd_arec *r)
{
    return index_change(t, r, true);
}

sd_err
sd_kb_index_remove(struct sd_txn *t, const sd_arec *r)
{
    return index_change(t, r, false);
}

/* ---- search ---- */

/* The query terms a snippet looks for (every alternative's terms). */
struct qterms {
    char t[MAX_QUERY_TERMS][SD_KB_TERM_MAX + 1];
    size_t n;
};

static void
qterm_push(struct qterms *q, const char *term)
{
    for(size_t i = 0; i < q->n; i++) {
        if(strcmp(q->t[i], term) == 0)
            return;
    }
    if(q->n < MAX_QUERY_TERMS)
        memcpy(q->t[q->n++], term, strlen(term) + 1);
}

struct cand {
    uint64_t id;
    double score, cov, tcov; /* tcov: coverage by title and tags alone */
    uint8_t lang;
    uint16_t hits; /* term postings matched */
    /* best alternative of the slot being scored: the slot's score and coverage are the best
     * alternative's (cur_slot is the slot index + 1, 0 = none yet) */
    uint16_t cur_slot, cur_alt;
    double a_score, a_cov, s_score, s_cov, a_tcov, s_tcov;
    double rscore; /* score with each slot at its ranking weight (sd_kb_qslot.rw) */
};

/* Open-addressing map id -> candidate. */
struct cmap {
    struct cand *v;
    size_t cap, n;
};

static sd_err
cmap_get(struct cmap *m, uint64_t id, struct cand **out)
{
    size_t h;

    if((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64; /* grows with the matches: no large clear */
        /* calloc: the zero ids mark free slots (the rest is cleared when a candidate takes a
         * slot, below) and the static analyser sees every slot initialised */
        struct cand *nv = calloc(ncap, sizeof(*nv));

        if(!nv)
            return SD_E_NOMEM;
        for(size_t i = 0; i < m->cap; i++) {
            if(!m->v[i].id)
                continue;
            h = (size_t)(m->v[i].id * 0x9e3779b97f4a7c15ull) & (ncap - 1);
            while(nv[h].id)
                h = (h + 1) & (ncap - 1);
            nv[h] = m->v[i];
        }
        free(m->v);
        m->v = nv;
        m->cap = ncap;
    }
    h = (size_t)(id * 0x9e3779b97f4a7c15ull) & (m->cap - 1);
    while(m->v[h].id && m->v[h].id != id)
        h = (h + 1) & (m->cap - 1);
    if(!m->v[h].id) {
        memset(&m->v[h], 0, sizeof(m->v[h]));
        m->v[h].id = id;
        m->n++;
    }
    *out = &m->v[h];
    return SD_OK;
}

static int
cand_cmp(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;

    if(x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->id < y->id ? -1 : x->id > y->id;
}

#define TOPK 64

/* Move the k best candidates of v[0..n) to the front (quickselect on score, any order). */
static void
select_top(struct cand *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n;

    while(k > 0 && k < n && hi - lo > 1) {
        struct cand pivot = v[lo + (hi - lo) / 2], tmp;
        size_t i = lo, j = hi - 1;

        while(i <= j) {
            while(cand_cmp(&v[i], &pivot) < 0)
                i++;
            while(cand_cmp(&v[j], &pivot) > 0)
                j--;
            if(i <= j) {
                tmp = v[i];
                v[i] = v[j];
                v[j] = tmp;
                i++;
                if(j == 0)
                    break;
                j--;
            }
        }
        /* [lo, j] <= pivot <= [i, hi) in rank order */
        if(k <= j + 1 && j + 1 > lo)
            hi = j + 1;
        else if(k >= i)
            lo = i;
        else
            break;
    }
}

static double
lang_factor(uint8_t doc, uint8_t pref)
{
    if(!pref || doc == pref)
        return 1.0;
    if((doc == 1 && pref == 2) || (doc == 2 && pref == 1))
        return 0.9;
    return 0.6;
}

/* Weight in the coverage of a query word the index does not know: a Latin word counts as much
 * as the rarest indexed term (the articles do not talk about it); a CJK bigram half as much
 * (bigrams across word boundaries are noise, not meaning). */
#define UNKNOWN_WORD 1.0
#define UNKNOWN_CJK  0.5
/* ranking: BM25 times (COORD_BASE + coverage) times (1 + TITLE_BOOST * title coverage) */
#define COORD_BASE   0.5
#define TITLE_BOOST  1.0
#define TYPO_W1      0.8 /* near spelling, edit distance 1 */
#define TYPO_W2      0.65
#define TYPO_ALTS    4
#define VOCAB_SCAN   200000 /* index terms read looking for near spellings */

/* ---- document frequencies cache ----
 * Every query reads the collection size and the document frequency of each of its terms (46
 * reads for the reference ticket, most of them the same words ticket after ticket). The
 * process keeps the frequencies it read, keyed by the index's generation: KB_GEN_BYTES random
 * bytes that index_change writes in the same txn as every change of a posting, a frequency or
 * the collection size, before it (and nothing else writes them). A generation thus names one
 * state of the index: a txn that changed it and aborted (or a child txn of a group commit that
 * rolled back) leaves its generation behind it, never to be read again, and a cluster
 * follower applies the leader's generation with the leader's frequencies (the same write
 * set). A query uses the cache only when the generation its own txn reads equals the cache's,
 * so what it gets is what its txn would read; an index written before generations existed
 * (no kb_gen) is read from the store until its first article change. Only terms the index
 * knows (df > 0) are kept: the vocabulary of the articles, never a customer's other words.
 * Bounded: DFC_FILL terms, then later terms are read from the store.
 * A known term's postings are kept with its frequency, under the same generation (every
 * change of a posting is an index_change, which writes a new one): the suggestion for each
 * new ticket read and decoded the same lists from LMDB. They sit in one arena of at most
 * PC_BYTES (static: zero pages cost no memory until written, and no allocation can fail
 * half-way; reused by the next generation, emptied by sd_kb_cache_release); a term with more than PC_TERM_POSTINGS postings, or one that no
 * longer fits, is read from the store as before. A hit is copied out under the lock and
 * scored outside it, in the order the store holds them: the same scores either way. */
#define DFC_SLOTS        4096 /* power of two */
#define DFC_FILL         3072
#define PC_BYTES         ((size_t)1 << 20) /* postings kept per process (65,536) */
#define PC_TERM_POSTINGS 1024              /* longer lists are read from the store */
struct dfc_slot {
    uint32_t df;
    uint32_t pc_off; /* postings in the arena: bytes from its start */
    uint32_t pc_n;   /* and their count, when pc */
    bool pc;
    uint8_t n; /* term bytes, 0 = empty */
    char t[SD_KB_TERM_MAX];
};
#define NSC_SLOTS 512 /* power of two */
#define NSC_FILL  384
#define NSC_HASH  16
struct nsc_slot {
    bool used;
    uint8_t h[NSC_HASH]; /* keyed hash of the word */
    uint8_t na;          /* alternatives found, in the order the scan added them */
    double w[TYPO_ALTS];
    char t[TYPO_ALTS][SD_KB_TERM_MAX + 1];
};
static struct {
    pthread_mutex_t mu;
    bool valid;
    uint8_t gen[KB_GEN_BYTES];
    uint64_t docs, total; /* kb_docs, kb_terms of that generation */
    size_t used;
    struct dfc_slot s[DFC_SLOTS];
    size_t pc_used;  /* bytes of it holding this generation's postings */
    size_t pc_limit; /* bytes it may use: PC_BYTES, less for tests (sd_kb_postings_cache_limit) */
    /* near spellings (add_near_spellings) of query words the index does not know, under the
     * same generation: the scan of the vocabulary depends on the word and the vocabulary
     * alone. A word is kept as its keyed hash (nsc_key, random per process), never as text;
     * its alternatives are index words. */
    bool nsc_keyed;
    uint8_t nsc_key[crypto_generichash_KEYBYTES];
    size_t nsc_used;
    struct nsc_slot nsc[NSC_SLOTS];
} dfc = {.mu = PTHREAD_MUTEX_INITIALIZER, .pc_limit = PC_BYTES};
static uint8_t pc_arena[PC_BYTES]; /* the postings kept (dfc.pc_used bytes), under dfc.mu */

static size_t
dfc_hash(const char *t, size_t n)
{
    uint32_t h = 2166136261u;

    for(size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)t[i]) * 16777619u;
    return h & (DFC_SLOTS - 1);
}

/* The slot of term t[0..n) in the cache, or the empty slot it would take. Locked. */
static struct dfc_slot *
dfc_find(const char *t, size_t n)
{
    size_t h = dfc_hash(t, n);

    for(;;) { /* the fill bound keeps an empty slot */
        struct dfc_slot *e = &dfc.s[h];

        if(!e->n || (e->n == n && memcmp(e->t, t, n) == 0))
            return e;
        h = (h + 1) & (DFC_SLOTS - 1);
    }
}

struct qctx {
    struct sd_txn *t;
    struct sd_cursor *post; /* one postings cursor for every term of the query (score_term) */
    double n_docs, avgdl, idf_max;
    uint8_t pref;
    bool cached; /* the txn's index has a generation: gen */
    uint8_t gen[KB_GEN_BYTES];
    uint8_t *pbuf; /* one term's postings (PC_TERM_POSTINGS), from the cache or to keep;
                    * NULL: none kept or read from the cache */
    double rw;     /* ranking weight of the slot being scored */
    struct cmap m;
};

/* The collection size of c's txn (kb_docs, kb_terms); reads the generation, and starts the
 * cache over when the txn's differs from the cache's. */
static sd_err
collection(struct qctx *c, uint64_t *docs, uint64_t *total)
{
    struct sd_val v;
    sd_err err = SD_OK, rc;

    rc = sd_meta_get(c->t, KB_GEN_META, &v);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    c->cached = rc == SD_OK && v.n == KB_GEN_BYTES;
    if(c->cached) {
        memcpy(c->gen, v.p, KB_GEN_BYTES);
        pthread_mutex_lock(&dfc.mu);
        if(dfc.valid && memcmp(dfc.gen, c->gen, KB_GEN_BYTES) == 0) {
            *docs = dfc.docs;
            *total = dfc.total;
            pthread_mutex_unlock(&dfc.mu);
            return SD_OK;
        }
        pthread_mutex_unlock(&dfc.mu);
    }
    SD_TRY(sd_meta_get_u64(c->t, "kb_docs", docs));
    SD_TRY(sd_meta_get_u64(c->t, "kb_terms", total));
    if(c->cached) {
        pthread_mutex_lock(&dfc.mu);
        memset(dfc.s, 0, sizeof(dfc.s));
        dfc.used = 0;
        memset(dfc.nsc, 0, sizeof(dfc.nsc));
        dfc.nsc_used = 0;
        dfc.pc_used = 0; /* the slots' pc flags went with them */
        memcpy(dfc.gen, c->gen, KB_GEN_BYTES);
        dfc.docs = *docs;
        dfc.total = *total;
        dfc.valid = true;
        pthread_mutex_unlock(&dfc.mu);
    }
out:
    return err;
}

/* df of term (0 when the index does not know it). */
static sd_err
term_df(const struct qctx *c, const char *term, double *df)
{
    uint8_t k[SD_KB_TERM_MAX + 1];
    size_t kn, n = strlen(term);
    struct sd_val v;
    uint32_t got;
    sd_err rc;

    *df = 0;
    if(n > SD_KB_TERM_MAX)
        return SD_OK; /* no such index term (df_key would not fit it) */
    if(c->cached && n > 0) {
        bool hit = false;

        pthread_mutex_lock(&dfc.mu);
        if(dfc.valid && memcmp(dfc.gen, c->gen, KB_GEN_BYTES) == 0) {
            const struct dfc_slot *e = dfc_find(term, n);

            hit = e->n != 0;
            got = e->df;
        }
        pthread_mutex_unlock(&dfc.mu);
        if(hit) {
            *df = got;
            return SD_OK;
        }
    }
    df_key(k, &kn, term, n);
    rc = sd_txn_get(c->t, SD_DB_KB, k, kn, &v);
    if(rc == SD_E_NOTFOUND)
        return SD_OK;
    if(rc != SD_OK)
        return rc;
    if(v.n != 4)
        return SD_E_STORE;
    got = sd_get_u32be(v.p);
    *df = got;
    if(c->cached && n > 0 && got > 0) {
        pthread_mutex_lock(&dfc.mu);
        if(dfc.valid && memcmp(dfc.gen, c->gen, KB_GEN_BYTES) == 0 && dfc.used < DFC_FILL) {
            struct dfc_slot *e = dfc_find(term, n);

            if(!e->n) {
                memcpy(e->t, term, n);
                e->n = (uint8_t)n;
                e->df = got;
                dfc.used++;
            }
        }
        pthread_mutex_unlock(&dfc.mu);
    }
    return SD_OK;
}

static double
idf_of(const struct qctx *c, double df)
{
    return ln(1.0 + (c->n_docs - df + 0.5) / (df + 0.5));
}

static bool
latin(const char *term)
{
    return (unsigned char)term[0] < 0x80;
}

/* Weight of a term in the coverage: its idf, or the unknown-term weight. */
static double
cov_weight(const struct qctx *c, const char *term, double df)
{
    if(df > 0)
        return idf_of(c, df);
    return c->idf_max * (latin(term) ? UNKNOWN_WORD : UNKNOWN_CJK);
}

/* Add one posting p (POSTING_BYTES) of a term of alternative (slot, alt) to its document. */
static sd_err
score_posting(struct qctx *c, const uint8_t *p, double idf, uint16_t slot, uint16_t alt, double w,
              double cw)
{
    struct cand *cd;
    double tf, dl, s;
    sd_err err = SD_OK;

    tf = W_TITLE * p[9] + W_TAGS * p[10] + W_ASKS * p[11] + W_BODY * (double)((p[12] << 8) | p[13]);
    dl = (double)((p[14] << 8) | p[15]);
    s = idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * dl / c->avgdl));
    SD_TRY(cmap_get(&c->m, sd_get_u64be(p), &cd));
    cd->lang = p[8];
    if(cd->cur_slot != slot + 1) {
        cd->cur_slot = (uint16_t)(slot + 1);
        cd->cur_alt = alt;
        cd->a_score = cd->a_cov = cd->s_score = cd->s_cov = cd->a_tcov = cd->s_tcov = 0;
    } else if(cd->cur_alt != alt) {
        cd->cur_alt = alt;
        cd->a_score = cd->a_cov = cd->a_tcov = 0;
    }
    if(p[9] || p[10])
        cd->a_tcov += cw * w;
    if(cd->a_tcov > cd->s_tcov) {
        cd->tcov += cd->a_tcov - cd->s_tcov;
        cd->s_tcov = cd->a_tcov;
    }
    cd->a_score += s * w * lang_factor(p[8], c->pref);
    cd->a_cov += cw * w;
    if(cd->a_score > cd->s_score) {
        cd->score += cd->a_score - cd->s_score;
        cd->rscore += c->rw * (cd->a_score - cd->s_score);
        cd->s_score = cd->a_score;
    }
    if(cd->a_cov > cd->s_cov) {
        cd->cov += cd->a_cov - cd->s_cov;
        cd->s_cov = cd->a_cov;
    }
    cd->hits++;
out:
    return err;
}

/* Score np postings p[0..np * POSTING_BYTES) of one term (score_term). */
static sd_err
score_postings(struct qctx *c, const uint8_t *p, size_t np, double idf, uint16_t slot, uint16_t alt,
               double w, double cw)
{
    sd_err err = SD_OK;

    for(size_t i = 0; i < np; i++)
        SD_TRY(score_posting(c, p + i * POSTING_BYTES, idf, slot, alt, w, cw));
out:
    return err;
}

/* The kept postings of term[0..n) of c's generation, copied to c->pbuf: true and *np their
 * count if the cache has them. */
static bool
pc_get(struct qctx *c, const char *term, size_t n, size_t *np)
{
    bool hit = false;

    if(!c->cached || !c->pbuf || n == 0 || n > SD_KB_TERM_MAX)
        return false;
    pthread_mutex_lock(&dfc.mu);
    if(dfc.valid && memcmp(dfc.gen, c->gen, KB_GEN_BYTES) == 0) {
        const struct dfc_slot *e = dfc_find(term, n);

        hit = e->n != 0 && e->pc;
        if(hit) {
            *np = e->pc_n;
            memcpy(c->pbuf, pc_arena + e->pc_off, (size_t)e->pc_n * POSTING_BYTES);
        }
    }
    pthread_mutex_unlock(&dfc.mu);
    return hit;
}

/* Keep term[0..n)'s whole list (c->pbuf, np postings) under c's generation, if its frequency
 * is kept (term_df) and the arena has room. */
static void
pc_put(const struct qctx *c, const char *term, size_t n, size_t np)
{
    size_t bytes = np * POSTING_BYTES;

    if(np == 0 || np > PC_TERM_POSTINGS)
        return;
    pthread_mutex_lock(&dfc.mu);
    if(dfc.valid && memcmp(dfc.gen, c->gen, KB_GEN_BYTES) == 0 && dfc.pc_used <= dfc.pc_limit &&
       bytes <= dfc.pc_limit - dfc.pc_used) {
        struct dfc_slot *e = dfc_find(term, n);

        if(e->n && !e->pc) {
            memcpy(pc_arena + dfc.pc_used, c->pbuf, bytes);
            e->pc_off = (uint32_t)dfc.pc_used;
            e->pc_n = (uint32_t)np;
            e->pc = true;
            dfc.pc_used += bytes;
        }
    }
    pthread_mutex_unlock(&dfc.mu);
}

void
sd_kb_cache_release(void)
{
    pthread_mutex_lock(&dfc.mu);
    dfc.pc_used = 0;
    dfc.valid = false; /* the next query starts every cache over (collection) */
    pthread_mutex_unlock(&dfc.mu);
}

size_t
sd_kb_postings_cache_limit(size_t bytes)
{
    size_t old;

    pthread_mutex_lock(&dfc.mu);
    old = dfc.pc_limit;
    dfc.pc_limit = bytes < PC_BYTES ? bytes : PC_BYTES;
    dfc.pc_used = 0;
    dfc.valid = false; /* kept postings start over under the new limit */
    pthread_mutex_unlock(&dfc.mu);
    return old;
}

/* Score the postings of one term of alternative (slot, alt): per document the alternative's
 * sum, the slot keeps its best alternative. idf: idf_of(c, df), which the caller has (read
 * only when df > 0); cw: the term's share of the slot's coverage. The postings come from the
 * cache of c's generation, else from the store (DUPFIXED) a page of them at a time, in order,
 * the first MAX_SCAN; a list of up to PC_TERM_POSTINGS read whole is then kept. */
static sd_err
score_term(struct qctx *c, const char *term, double df, double idf, uint16_t slot, uint16_t alt,
           double w, double cw)
{
    size_t scanned = 0, np, n = strlen(term);
    bool keep;
    struct sd_cursor *cur = NULL;
    struct sd_val key, v;
    sd_err err = SD_OK, rc;

    _Static_assert(PC_TERM_POSTINGS < MAX_SCAN, "a kept list is a whole list");
    _Static_assert(PC_BYTES <= UINT32_MAX, "arena offsets are u32");
    if(df <= 0 || (c->n_docs >= COMMON_MIN_DOCS && df > c->n_docs * COMMON_FRACTION))
        return SD_OK;
    if(pc_get(c, term, n, &np))
        return score_postings(c, c->pbuf, np, idf, slot, alt, w, cw);
    /* worth keeping: a short list (df, of the same txn, is its length) of this generation */
    keep = c->cached && n > 0 && n <= SD_KB_TERM_MAX && df <= PC_TERM_POSTINGS && c->pbuf;
    if(!c->post)
        SD_TRY(sd_cursor_open(c->t, SD_DB_KB_POSTINGS, &c->post));
    cur = c->post;
    key.p = (const uint8_t *)term;
    key.n = n;
    rc = sd_cursor_get(cur, SD_CUR_SET_KEY, &key, &v);
    if(rc == SD_OK)
        rc = sd_cursor_get(cur, SD_CUR_GET_MULTIPLE, &key, &v);
    while(rc == SD_OK && scanned < MAX_SCAN) {
        size_t page;

        SD_ENSURE(v.n > 0 && v.n % POSTING_BYTES == 0, SD_E_STORE);
        page = v.n / POSTING_BYTES;
        if(page > MAX_SCAN - scanned)
            page = MAX_SCAN - scanned;
        if(keep && page <= PC_TERM_POSTINGS - scanned)
            memcpy(c->pbuf + scanned * POSTING_BYTES, v.p, page * POSTING_BYTES);
        else
            keep = false; /* longer than its frequency said: read, not kept */
        SD_TRY(score_postings(c, v.p, page, idf, slot, alt, w, cw));
        scanned += page;
        if(scanned < MAX_SCAN)
            rc = sd_cursor_get(cur, SD_CUR_NEXT_MULTIPLE, &key, &v);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    if(keep && rc == SD_E_NOTFOUND)
        pc_put(c, term, n, scanned);
out:
    return err; /* the cursor is the query's (closed by sd_kb_suggest_txn) */
}

/* The keyed hash of query word w, and its slot in the near-spelling cache (or the empty slot
 * it would take). Locked; the key is made on first use. */
static struct nsc_slot *
nsc_find(const char *w, uint8_t h[NSC_HASH])
{
    size_t i;

    if(!dfc.nsc_keyed) {
        crypto_generichash_keygen(dfc.nsc_key);
        dfc.nsc_keyed = true;
    }
    crypto_generichash(h, NSC_HASH, (const unsigned char *)w, strlen(w), dfc.nsc_key,
                       sizeof(dfc.nsc_key));
    for(i = sd_get_u32be(h) & (NSC_SLOTS - 1);; i = (i + 1) & (NSC_SLOTS - 1)) {
        if(!dfc.nsc[i].used || memcmp(dfc.nsc[i].h, h, NSC_HASH) == 0)
            return &dfc.nsc[i]; /* the fill bound keeps an empty slot */
    }
}

/* The cached near spellings of slot s's word, appended as the scan would have: true if the
 * cache of c's generation had them. */
static bool
nsc_get(const struct qctx *c, struct sd_kb_qslot *s)
{
    uint8_t h[NSC_HASH];
    bool hit = false;

    if(!c->cached)
        return false;
    pthread_mutex_lock(&dfc.mu);
    if(dfc.valid && memcmp(dfc.gen, c->gen, KB_GEN_BYTES) == 0) {
        const struct nsc_slot *e = nsc_find(s->a[0].t[0], h);

        hit = e->used;
        for(size_t k = 0; hit && k < e->na; k++) {
            struct sd_kb_qalt *a = &s->a[s->na++];

            memset(a, 0, sizeof(*a));
            a->nt = 1;
            a->w = e->w[k];
            memcpy(a->t[0], e->t[k], sizeof(a->t[0]));
        }
    }
    pthread_mutex_unlock(&dfc.mu);
    sodium_memzero(h, sizeof(h));
    return hit;
}

/* Keep what the scan found for slot s (its alternatives after the word itself). */
static void
nsc_put(const struct qctx *c, const struct sd_kb_qslot *s)
{
    uint8_t h[NSC_HASH];

    if(!c->cached)
        return;
    pthread_mutex_lock(&dfc.mu);
    if(dfc.valid && memcmp(dfc.gen, c->gen, KB_GEN_BYTES) == 0 && dfc.nsc_used < NSC_FILL) {
        struct nsc_slot *e = nsc_find(s->a[0].t[0], h);

        if(!e->used && s->na >= 1 && s->na <= 1 + TYPO_ALTS) {
            e->used = true;
            memcpy(e->h, h, NSC_HASH);
            e->na = (uint8_t)(s->na - 1);
            for(size_t k = 1; k < s->na; k++) {
                e->w[k - 1] = s->a[k].w;
                memcpy(e->t[k - 1], s->a[k].t[0], sizeof(e->t[0]));
            }
            dfc.nsc_used++;
        }
    }
    pthread_mutex_unlock(&dfc.mu);
    sodium_memzero(h, sizeof(h));
}

/* Typo tolerance: a Latin word of 4+ letters the index does not know is first matched against
 * the synonym lexicon (a misspelt "withdraw" searches the withdrawal set, sd_kb_query_near;
 * four letters: a swap only); else a word of 5+ letters gets the index's words within
 * sd_kb_near_max edits (1 for five letters, 2 longer; kb_int.h) as alternatives, weighted below
 * the word itself. One scan of the vocabulary serves every such word of the query. */
static sd_err
add_near_spellings(struct qctx *c, struct sd_kb_query *q)
{
    bool want[SD_KB_MAX_SLOTS] = {false};
    size_t nwant = 0, scanned = 0;
    struct sd_cursor *cur = NULL;
    struct sd_val key, v;
    uint8_t start[2] = {'d', 'a'};
    sd_err err = SD_OK, rc;

    for(size_t i = 0; i < q->n; i++) {
        const char *w = q->s[i].a[0].t[0];
        double df;

        want[i] = false;
        if(q->s[i].syn || q->s[i].na != 1 || q->s[i].a[0].nt != 1 || strlen(w) < 4 ||
           !sd_kb_all_az(w))
            continue;
        SD_TRY(term_df(c, w, &df));
        if(df > 0 || sd_kb_query_near(&q->s[i], TYPO_W1, TYPO_W2))
            continue;
        /* the index's words: for 5+ letters (a swapped four-letter word is looked for in the
         * lexicon only, not worth a scan of the vocabulary); what an earlier query's scan found
         * for the same word and vocabulary needs none */
        want[i] = strlen(w) >= 5 && !nsc_get(c, &q->s[i]);
        nwant += want[i];
    }
    if(!nwant)
        return SD_OK;
    SD_TRY(sd_cursor_open(c->t, SD_DB_KB, &cur));
    key.p = start;
    key.n = sizeof(start);
    for(rc = sd_cursor_get(cur, SD_CUR_SET_RANGE, &key, &v);
        rc == SD_OK && scanned < VOCAB_SCAN && key.n > 1 && key.p[0] == 'd' && key.p[1] >= 'a' &&
        key.p[1] <= 'z';
        rc = sd_cursor_get(cur, SD_CUR_NEXT, &key, &v), scanned++) {
        const char *term = (const char *)key.p + 1;
        size_t tn = key.n - 1;
        char tbuf[SD_KB_TERM_MAX + 1];

        for(size_t i = 0; i < q->n; i++) {
            struct sd_kb_qslot *s = &q->s[i];
            size_t wn, max, d;
            double w;

            if(!want[i])
                continue;
            wn = strlen(s->a[0].t[0]);
            max = sd_kb_near_max(wn);
            if(tn > SD_KB_TERM_MAX || tn < 3 || wn + max < tn || wn > tn + 3 + max)
                continue; /* also sd_kb_near_dist's length test, without the copy and call */
            memcpy(tbuf, term, tn);
            tbuf[tn] = 0;
            d = sd_kb_near_dist(s->a[0].t[0], tbuf, max);
            if(d > max)
                continue;
            w = d == 1 ? TYPO_W1 : TYPO_W2;
            if(s->na < 1 + TYPO_ALTS) {
                struct sd_kb_qalt *a = &s->a[s->na++];

                memset(a, 0, sizeof(*a));
                a->nt = 1;
                a->w = w;
                memcpy(a->t[0], term, tn);
            } else {
                /* keep the nearest: replace a farther one */
                for(size_t k = 1; k < s->na; k++) {
                    if(s->a[k].w < w) {
                        memset(s->a[k].t[0], 0, sizeof(s->a[k].t[0]));
                        memcpy(s->a[k].t[0], term, tn);
                        s->a[k].w = w;
                        break;
                    }
                }
            }
        }
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    for(size_t i = 0; i < q->n; i++) {
        if(want[i])
            nsc_put(c, &q->s[i]);
    }
out:
    sd_cursor_close(cur);
    return err;
}

/* Whether slot s of q holds a word the index knows (a synonym set counts as known). */
static sd_err
slot_known(const struct qctx *c, const struct sd_kb_query *q, size_t s, bool *known)
{
    double df = 0;
    sd_err err = SD_OK;

    *known = q->s[s].syn;
    if(!*known && q->s[s].na > 0 && q->s[s].a[0].nt > 0) {
        SD_TRY(term_df(c, q->s[s].a[0].t[0], &df));
        *known = df > 0;
    }
out:
    return err;
}

/* Whether slot i of q is a Han bigram the index does not know (df) that straddles two words
 * the index knows: every bigram of its run it overlaps is known ("开户要": 户要 after 开户; "币不
 * 见": 币不 between 比特币's 特币 and 不见). Such a bigram is a junction, not a word the articles
 * lack: it counts in neither the score nor the coverage. */
static sd_err
junction(const struct qctx *c, const struct sd_kb_query *q, size_t i, double df, bool *out)
{
    const struct sd_kb_qslot *s = &q->s[i];
    bool kl = true, kr = true;
    sd_err err = SD_OK;

    *out = false;
    /* a question naming another service keeps them: SD_KB_FIT_OTHER was set on coverage
     * that counted them ("币安的合约手续费是多少" stays refused) */
    if(!s->hj || s->syn || df > 0 || q->other)
        goto out;
    if(s->hj & SD_KB_HJ_LEFT) {
        kl = false;
        if(s->lnb)
            SD_TRY(slot_known(c, q, s->lnb - 1U, &kl));
    }
    if(kl && (s->hj & SD_KB_HJ_RIGHT)) {
        kr = false;
        if(s->rnb)
            SD_TRY(slot_known(c, q, s->rnb - 1U, &kr));
    }
    *out = kl && kr;
out:
    return err;
}

/* Score every slot of q; *total gets the query's informative weight (the coverage's
 * denominator). */
static sd_err
score_query(struct qctx *c, const struct sd_kb_query *q, double *total)
{
    sd_err err = SD_OK;

    *total = 0;
    for(size_t i = 0; i < q->n; i++) {
        const struct sd_kb_qslot *s = &q->s[i];
        double ws = 0, dfs[SD_KB_MAX_ALTS][SD_KB_MAX_ALT_TERMS] = {{0}},
               cws[SD_KB_MAX_ALTS][SD_KB_MAX_ALT_TERMS] = {{0}}, alt_w[SD_KB_MAX_ALTS] = {0};

        /* a word weighs its idf; a synonym group what its most informative entry weighs per
         * term (the customer's own word may be one the articles never use). Each term's
         * weight (its idf where the index knows it) is worked out once: ln is not cheap. */
        for(size_t a = 0; a < s->na; a++) {
            double sum = 0;

            for(size_t k = 0; k < s->a[a].nt; k++) {
                SD_TRY(term_df(c, s->a[a].t[k], &dfs[a][k]));
                cws[a][k] = cov_weight(c, s->a[a].t[k], dfs[a][k]);
                sum += cws[a][k];
            }
            alt_w[a] = sum;
            if(a == 0 || (s->syn && sum / s->a[a].nt > ws))
                ws = a == 0 && !s->syn ? sum : sum / s->a[a].nt;
        }
        if(s->hj && s->na == 1 && s->a[0].nt == 1) {
            bool skip;

            SD_TRY(junction(c, q, i, dfs[0][0], &skip));
            if(skip)
                continue;
        }
        *total += ws;
        c->rw = s->rw;
        for(size_t a = 0; a < s->na; a++) {
            for(size_t k = 0; k < s->a[a].nt; k++) {
                double cw = alt_w[a] > 0 ? ws * cws[a][k] / alt_w[a] : 0;

                /* with df > 0 the weight is idf_of(c, df) */
                SD_TRY(score_term(c, s->a[a].t[k], dfs[a][k], cws[a][k], (uint16_t)i, (uint16_t)a,
                                  s->a[a].w, cw));
            }
        }
    }
out:
    return err;
}

/* ---- learning from use: 'u' | u8 category | u64 group -> u32 weight * 1000 | u32 day ---- */

static void
learn_key(uint8_t k[10], int category, uint64_t group)
{
    k[0] = 'u';
    k[1] = (uint8_t)category;
    sd_put_u64be(k + 2, group);
}

/* w * 2^(-days / half-life), by squaring the daily factor (no libm). */
static double
decay(double w, uint64_t days)
{
    double f = 0.977160301; /* 2^(-1/30) */

    _Static_assert(SD_KB_LEARN_HALF_LIFE_DAYS == 30, "daily factor is 2^(-1/30)");
    if(days > 3650)
        return 0;
    while(days) {
        if(days & 1)
            w *= f;
        f *= f;
        days >>= 1;
    }
    return w;
}

static uint32_t
today(uint64_t now)
{
    return (uint32_t)(now / 86400u);
}

sd_err
sd_kb_learn_weight(struct sd_txn *t, int category, uint64_t group, uint64_t now, double *w)
{
    uint8_t k[10];
    struct sd_val v;
    uint32_t day, d0;
    sd_err rc;

    *w = 0;
    if(category < 0 || category > 255)
        return SD_OK;
    learn_key(k, category, group);
    rc = sd_txn_get(t, SD_DB_KB, k, sizeof(k), &v);
    if(rc == SD_E_NOTFOUND)
        return SD_OK;
    if(rc != SD_OK)
        return rc;
    if(v.n != 8)
        return SD_E_STORE;
    d0 = sd_get_u32be(v.p + 4);
    day = today(now);
    *w = decay(sd_get_u32be(v.p) / 1000.0, day > d0 ? day - d0 : 0);
    return SD_OK;
}

sd_err
sd_kb_learn_add(struct sd_txn *t, int category, uint64_t group, uint64_t now)
{
    uint8_t k[10], v[8];
    double w;
    sd_err err = SD_OK;

    if(category < 0 || category > 255)
        return SD_OK;
    SD_TRY(sd_kb_learn_weight(t, category, group, now, &w));
    w += 1;
    if(w > SD_KB_LEARN_MAX_WEIGHT)
        w = SD_KB_LEARN_MAX_WEIGHT;
    learn_key(k, category, group);
    sd_put_u32be(v, (uint32_t)(w * 1000.0 + 0.5));
    sd_put_u32be(v + 4, today(now));
    SD_TRY(sd_txn_put(t, SD_DB_KB, k, sizeof(k), v, sizeof(v)));
out:
    return err;
}

/* One vote per ticket: 't' | u64 ticket | u64 group -> "" marks that the ticket's use of the
 * topic was learned. Without it one ticket could pump a topic to its cap by sending the same
 * article again and again (SD_KB_LEARN_CAP / SD_KB_LEARN_STEP sends); with it, moving the boost
 * takes that many distinct tickets. Keyed by the topic (group), not the article, so sending the
 * topic's translation counts as the same vote, and not by category, so re-triaging the ticket
 * does not earn it a second one. The marker holds a ticket id and a group id only, no customer
 * data (the ticket's own "public article=N" comment event records the same non-PII fact), so a
 * shred has nothing to remove here; tickets are never deleted, so neither are markers: one
 * 17-byte key per (ticket, topic) actually sent, bounded by the ticket's own comments. */
static void
vote_key(uint8_t k[17], uint64_t ticket, uint64_t group)
{
    k[0] = 't';
    sd_put_u64be(k + 1, ticket);
    sd_put_u64be(k + 9, group);
}

sd_err
sd_kb_learn_add_for(struct sd_txn *t, int category, uint64_t group, uint64_t ticket, uint64_t now,
                    bool *counted)
{
    uint8_t k[17];
    struct sd_val v;
    sd_err rc, err = SD_OK;

    if(counted)
        *counted = false;
    if(category < 0 || category > 255)
        return SD_OK;
    if(ticket) {
        vote_key(k, ticket, group);
        rc = sd_txn_get(t, SD_DB_KB, k, sizeof(k), &v);
        if(rc == SD_OK)
            return SD_OK; /* this ticket already voted for this topic */
        SD_ENSURE(rc == SD_E_NOTFOUND, rc);
        SD_TRY(sd_txn_put(t, SD_DB_KB, k, sizeof(k), "", 0));
    }
    SD_TRY(sd_kb_learn_add(t, category, group, now));
    if(counted)
        *counted = true;
out:
    return err;
}

double
sd_kb_learn_boost(double weight, double top)
{
    double b = weight * SD_KB_LEARN_STEP;

    return (b > SD_KB_LEARN_CAP ? SD_KB_LEARN_CAP : b) * top;
}

static void
copy_cut(char *dst, size_t cap, const char *src, size_t n)
{
    /* cut at a UTF-8 character boundary */
    if(n >= cap) {
        n = cap - 1;
        while(n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = 0;
}

static bool
marker(const char *s, size_t sn)
{
    return *s == '#' || *s == '-' || *s == '*' || *s == ' ' || *s == '>' ||
           (*s >= '0' && *s <= '9' && sn > 1 && s[1] == '.') ||
           (*s == '.' && sn > 1 && s[1] == ' ');
}

static size_t
count_lines(const char *s, size_t n)
{
    size_t k = 1;

    for(size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* sd_text_fold of a body for the snippet, with a shortcut: ASCII text folds to its lower case
 * (NFKC and traditional-to-simplified change no ASCII), without the converters. NUL-terminated
 * either way. */
static sd_err
fold_body(struct sd_buf *f, const char *body, size_t bn)
{
    sd_err err = SD_OK;
    size_t i;

    for(i = 0; i < bn && (unsigned char)body[i] < 0x80; i++)
        ;
    if(i < bn)
        return sd_text_fold(f, body, bn);
    SD_TRY(sd_buf_append(f, body, bn));
    SD_TRY(sd_buf_terminate(f));
    for(i = 0; i < bn; i++) {
        if(f->data[i] >= 'A' && f->data[i] <= 'Z')
            f->data[i] = (uint8_t)(f->data[i] - 'A' + 'a');
    }
out:
    return err;
}

/* Best line of the body for the query: the one containing most query terms (after folding),
 * with Markdown markers stripped. The body is folded once; folding keeps line breaks, so line
 * k of the folded text is line k of the body (checked; else the first line is used). A failed
 * fold (no memory) is an error, not another snippet. */
static sd_err
make_snippet(char *out, size_t cap, const char *body, const struct qterms *q)
{
    struct sd_buf f = SD_BUF_INIT;
    size_t bn = strlen(body), best_line = 0, line = 0;
    int best_hits = -1;
    const char *p, *best = NULL;
    size_t best_n = 0;
    sd_err err = fold_body(&f, body, bn);

    if(err == SD_E_NOMEM) {
        sd_buf_free(&f);
        return err;
    }
    if(err == SD_OK && count_lines((const char *)f.data, f.len) == count_lines(body, bn)) {
        char *fp = (char *)f.data;

        while(fp) {
            char *e = strchr(fp, '\n');
            int hits = 0;

            if(e)
                *e = 0;
            if(*fp) {
                for(size_t i = 0; i < q->n; i++)
                    hits += strstr(fp, q->t[i]) != NULL;
                if(hits > best_hits) {
                    best_hits = hits;
                    best_line = line;
                }
            }
            fp = e ? e + 1 : NULL;
            line++;
        }
    }
    sd_buf_free(&f);
    p = body;
    for(line = 0; *p; line++) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *s = p;
        size_t sn = n;

        while(sn && marker(s, sn)) {
            s++;
            sn--;
        }
        if(sn && (!best || line == best_line)) {
            best = s;
            best_n = sn;
            if(line >= best_line)
                break;
        }
        p = e ? e + 1 : p + n;
    }
    if(!best) {
        out[0] = 0;
        return SD_OK;
    }
    copy_cut(out, cap, best, best_n);
    {
        size_t w = 0;

        for(size_t r = 0; out[r]; r++) {
            if(out[r] != '*' && out[r] != '`')
                out[w++] = out[r];
        }
        out[w] = 0;
    }
    return SD_OK;
}

static sd_err
hit_from(struct sd_kb_hit *h, const sd_arec *r, double score, const struct qterms *q)
{
    memset(h, 0, sizeof(*h));
    h->id = r->id;
    snprintf(h->lang, sizeof(h->lang), "%s", r->lang);
    copy_cut(h->title, sizeof(h->title), r->title, strlen(r->title));
    snprintf(h->slug, sizeof(h->slug), "%s", r->slug ? r->slug : "");
    h->score = score;
    if(q) /* NULL: the caller needs no snippet (ticket intake suggestions) */
        return make_snippet(h->snippet, sizeof(h->snippet), r->body, q);
    return SD_OK;
}

#define LEARN_TOP 16 /* candidates a learned boost may reach */

/* Whether anything was learned for category (one key with its prefix). */
static sd_err
learned_any(struct sd_txn *t, int category, bool *any)
{
    uint8_t k[10];
    struct sd_cursor *cur = NULL;
    struct sd_val key, v;
    sd_err err = SD_OK, rc;

    *any = false;
    learn_key(k, category, 0);
    SD_TRY(sd_cursor_open(t, SD_DB_KB, &cur));
    key.p = k;
    key.n = sizeof(k);
    rc = sd_cursor_get(cur, SD_CUR_SET_RANGE, &key, &v);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    *any = rc == SD_OK && key.n == sizeof(k) && memcmp(key.p, k, 2) == 0;
out:
    sd_cursor_close(cur);
    return err;
}

/* Learned boosts for the best candidates (list sorted, nl of them), then sorted again. */
static sd_err
apply_learning(struct sd_txn *t, int category, struct cand *list, size_t nl)
{
    uint64_t now = sd_clock_now();
    size_t k = nl < LEARN_TOP ? nl : LEARN_TOP;
    double top = nl ? list[0].score : 0;
    sd_arec *r = NULL;
    bool any;
    sd_err err = SD_OK;

    if(category < 0 || category > 255)
        return SD_OK;
    SD_TRY(learned_any(t, category, &any));
    if(!any)
        goto out; /* no article read for nothing */
    for(size_t i = 0; i < k; i++) {
        double w;

        SD_TRY(sd_arec_load(t, list[i].id, &r));
        SD_TRY(sd_kb_learn_weight(t, category, r->group_id, now, &w));
        list[i].score += sd_kb_learn_boost(w, top);
        sd_arec_free(r);
        r = NULL;
    }
    qsort(list, k, sizeof(*list), cand_cmp);
out:
    sd_arec_free(r);
    return err;
}

bool
sd_kb_fits(double tcov, double score_n, bool other, uint8_t lang)
{
    return SD_KB_FIT_TITLE_W * tcov + score_n >= sd_kb_fit_min(lang, other);
}

sd_err
sd_kb_search_txn(struct sd_txn *t, const char *text, size_t tlen, const char *lang, size_t limit,
                 bool snippets, struct sd_kb_hit *out, size_t *n)
{
    return sd_kb_suggest_txn(t, text, tlen, lang, -1, limit, snippets, out, n);
}

sd_err
sd_kb_suggest_txn(struct sd_txn *t, const char *text, size_t tlen, const char *lang, int category,
                  size_t limit, bool snippets, struct sd_kb_hit *out, size_t *n)
{
    return sd_kb_suggest_folded_txn(t, text, tlen, NULL, 0, lang, category, limit, snippets, out,
                                    n);
}

sd_err
sd_kb_suggest_folded_txn(struct sd_txn *t, const char *text, size_t tlen, const char *folded,
                         size_t flen, const char *lang, int category, size_t limit, bool snippets,
                         struct sd_kb_hit *out, size_t *n)
{
    struct qterms *qt = NULL;
    struct sd_kb_query *q = NULL;
    struct qctx c = {0};
    struct cand *list = NULL;
    uint64_t groups[SD_KB_MAX_LIMIT];
    sd_arec *r = NULL, *alt = NULL;
    uint64_t docs, total;
    size_t nl = 0, ng = 0, nsorted;
    double qweight, best_score = 0, best_tcov = 0, best_rank = 0;
    uint64_t best_id = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && out && n && limit >= 1 && limit <= SD_KB_MAX_LIMIT);
    *n = 0;
    SD_ENSURE(tlen <= SD_KB_MAX_QUERY, SD_E_LIMIT);
    SD_CHECK_ARG(text && sd_text_valid(text, tlen));
    if(!lang)
        lang = sd_lang_detect(text, tlen);
    c.pref = sd_lang_code(lang);
    SD_CHECK_ARG(c.pref);
    c.t = t;
    q = malloc(sizeof(*q));
    qt = snippets ? malloc(sizeof(*qt)) : NULL; /* the terms a snippet looks for */
    SD_ENSURE(q && (qt || !snippets), SD_E_NOMEM);
    if(qt)
        qt->n = 0;
    SD_TRY(sd_kb_query_build_folded(text, tlen, folded, flen, q));
    SD_TRY(collection(&c, &docs, &total));
    if(!docs || !q->n)
        goto out;
    if(c.cached) { /* a failed allocation fails the query, like every other (test_allocfail) */
        c.pbuf = malloc((size_t)PC_TERM_POSTINGS * POSTING_BYTES);
        SD_ENSURE(c.pbuf, SD_E_NOMEM);
    }
    c.n_docs = (double)docs;
    c.avgdl = (double)total / (double)docs;
    c.idf_max = idf_of(&c, 0);
    SD_TRY(add_near_spellings(&c, q));
    for(size_t i = 0; qt && i < q->n; i++) {
        for(size_t a = 0; a < q->s[i].na; a++) {
            for(size_t k = 0; k < q->s[i].a[a].nt; k++)
                qterm_push(qt, q->s[i].a[a].t[k]);
        }
    }
    SD_TRY(score_query(&c, q, &qweight));
    if(!c.m.n || qweight <= 0)
        goto out;
    list = malloc(c.m.n * sizeof(*list));
    SD_ENSURE(list, SD_E_NOMEM);
    for(size_t i = 0; i < c.m.cap; i++) {
        if(c.m.v[i].id) {
            list[nl] = c.m.v[i];
            list[nl].cov /= qweight;
            list[nl].tcov /= qweight;
            /* coordination: favour documents that match more of the query */
            double coord = (COORD_BASE + list[nl].cov) * (1 + TITLE_BOOST * list[nl].tcov);

            /* the fit rule weighs the whole text (a story is evidence the question is in
             * scope); the ranking weighs the question's words above the story's */
            list[nl].score *= coord;
            if(list[nl].score > best_score) {
                best_score = list[nl].score;
                best_tcov = list[nl].tcov;
            }
            list[nl].score = list[nl].rscore * coord;
            if(list[nl].score > best_rank ||
               (list[nl].score == best_rank && list[nl].id < best_id)) {
                best_rank = list[nl].score;
                best_id = list[nl].id;
            }
            nl++;
        }
    }
    /* Nothing fits: the best article's evidence (title/tag coverage, normalised score) is
     * too weak for the question (kb.h SD_KB_FIT_MIN). */
    if(!sd_kb_fits(best_tcov, best_score / c.idf_max, q->other, c.pref))
        goto out;
    /* ... or it asks about a product the best article does not mention (kb_products.c) */
    if(!sd_kb_fits_product(best_tcov, best_score / c.idf_max, q->other, c.pref)) {
        bool about_else;

        SD_TRY(sd_kb_products_about_else(t, text, tlen, folded, flen, best_id, &about_else));
        if(about_else)
            goto out;
    }
    /* Only the head of the ranking is needed: partial selection of the best TOPK, sorted;
     * the full sort runs only when deduplication by topic exhausts them. */
    nsorted = nl < TOPK ? nl : TOPK;
    select_top(list, nl, nsorted);
    qsort(list, nsorted, sizeof(*list), cand_cmp);
    if(category >= 0)
        SD_TRY(apply_learning(t, category, list, nsorted));
    for(size_t i = 0; i < nl && *n < limit; i++) {
        if(i == nsorted) {
            qsort(list + nsorted, nl - nsorted, sizeof(*list), cand_cmp);
            nsorted = nl;
        }
        uint64_t alt_id;
        bool seen = false;

        SD_TRY(sd_arec_load(t, list[i].id, &r));
        for(size_t g = 0; g < ng; g++)
            seen |= groups[g] == r->group_id;
        if(!seen && r->status == SD_KB_PUBLISHED) {
            groups[ng++] = r->group_id;
            /* prefer the topic's article in the wanted language; only "there is none" falls
             * back to this one (a failed read is an error, not a different answer) */
            if(sd_lang_code(r->lang) != c.pref) {
                sd_err rc = sd_kb_group_find(t, r->group_id, lang, &alt_id);

                SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
                if(rc == SD_OK)
                    SD_TRY(sd_arec_load(t, alt_id, &alt));
            }
            SD_TRY(hit_from(&out[*n], alt && alt->status == SD_KB_PUBLISHED ? alt : r,
                            list[i].score, qt));
            (*n)++;
            sd_arec_free(alt);
            alt = NULL;
        }
        sd_arec_free(r);
        r = NULL;
    }
out:
    sd_arec_free(r);
    sd_arec_free(alt);
    free(list);
    sd_cursor_close(c.post);
    free(c.pbuf);
    free(c.m.v);
    free(qt);
    free(q);
    return err;
}
