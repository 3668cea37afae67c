/* The KB's product glossary (data/kb/products.{en,zh,ko}.txt, built in, or <data>/kb/ where
 * present): one family a line of what a crypto exchange offers (products, order types, earn and
 * loan products, payment rails, networks and coins, account types, developer features). A
 * question naming a family its best article does not mention asks about something the desk
 * has no article for (kb.h SD_KB_FIT_PRODUCT). One glossary serves the process; it is replaced
 * whole under a write lock when a desk opens with its own files. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_int.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

#define PROD_MAX_ENTRIES 4096          /* entries of one glossary */
#define PROD_TERMS       8             /* terms of one entry */
#define PROD_GAP         1             /* terms allowed between two of an entry's terms */
#define PROD_ART_TERMS   (64u * 1024u) /* terms of an article scanned (more are not read) */

/* Built in from data/kb/ (CMakeLists.txt sd_embed). */
extern const unsigned char sd_kb_prod_zh[], sd_kb_prod_en[], sd_kb_prod_ko[];
extern const size_t sd_kb_prod_zh_len, sd_kb_prod_en_len, sd_kb_prod_ko_len;

struct prod_entry {
    uint16_t fam;
    uint8_t nt;
    char t[PROD_TERMS][SD_KB_TERM_MAX + 1];
};

struct sd_kb_products {
    struct prod_entry *e; /* sorted by first term (prod_index) */
    size_t ne;
    size_t nfam;
};

/* Terms of one text, in order (tokeniser callback). */
struct prod_terms {
    char (*t)[SD_KB_TERM_MAX + 1];
    size_t n, cap;
    bool full;
};

static sd_err
terms_push(void *ctx, const char *term, size_t n)
{
    struct prod_terms *pt = ctx;

    if(pt->n == pt->cap) {
        pt->full = true;
        return SD_OK; /* the rest is not read: a limit, not an error */
    }
    if(n > SD_KB_TERM_MAX)
        n = SD_KB_TERM_MAX;
    memcpy(pt->t[pt->n], term, n);
    pt->t[pt->n][n] = 0;
    pt->n++;
    return SD_OK;
}

static void
prod_free(struct sd_kb_products *p)
{
    if(!p)
        return;
    free(p->e);
    free(p);
}

static int
entry_cmp(const void *a, const void *b)
{
    const struct prod_entry *x = a, *y = b;
    int c = strcmp(x->t[0], y->t[0]);

    if(c)
        return c;
    return (x->fam > y->fam) - (x->fam < y->fam);
}

/* Add one entry (text[0..n), a phrase of the current line) to family fam. */
static sd_err
add_entry(struct sd_kb_products *p, uint16_t fam, const char *s, size_t n, const char **why)
{
    char one[PROD_TERMS + 1][SD_KB_TERM_MAX + 1];
    struct prod_terms pt = {one, 0, PROD_TERMS + 1, false};
    struct prod_entry *e;
    sd_err err = SD_OK;

    if(!n)
        return SD_OK;
    if(!sd_text_valid(s, n)) { /* the tokeniser's precondition */
        *why = "not valid UTF-8 text";
        return SD_E_INVALID;
    }
    err = sd_kb_tokenize(s, n, terms_push, &pt);
    if(err != SD_OK) {
        *why = "invalid text";
        return err;
    }
    if(pt.n > PROD_TERMS) {
        *why = "entry has too many words";
        return SD_E_LIMIT;
    }
    if(!pt.n)
        return SD_OK; /* only stop words: names nothing */
    if(p->ne == PROD_MAX_ENTRIES) {
        *why = "too many entries";
        return SD_E_LIMIT;
    }
    e = &p->e[p->ne++];
    memset(e, 0, sizeof(*e));
    e->fam = fam;
    e->nt = (uint8_t)pt.n;
    memcpy(e->t, one, pt.n * sizeof(one[0]));
    return SD_OK;
}

/* Parse one glossary file: '#' comments, blank lines, else a family of comma-separated
 * entries (both ',' and the full-width '，'). */
static sd_err
prod_add(struct sd_kb_products *p, const char *text, size_t n, size_t *line, const char **why)
{
    size_t i = 0;

    *line = 0;
    while(i < n) {
        size_t e = i, start;
        bool any = false;

        while(e < n && text[e] != '\n')
            e++;
        (*line)++;
        if(e - i > SD_KB_LEX_MAX_LINE) {
            *why = "line too long";
            return SD_E_LIMIT;
        }
        if(e > i && text[i] != '#') {
            if(p->nfam == UINT16_MAX) {
                *why = "too many families";
                return SD_E_LIMIT;
            }
            start = i;
            for(size_t k = i; k <= e; k++) {
                bool fw = k + 2 < e && memcmp(text + k, "\xef\xbc\x8c", 3) == 0;

                if(k == e || text[k] == ',' || fw) {
                    size_t m0 = p->ne;
                    sd_err err = add_entry(p, (uint16_t)p->nfam, text + start, k - start, why);

                    if(err != SD_OK)
                        return err;
                    any |= p->ne > m0;
                    start = k + (fw ? 3 : 1);
                    if(fw)
                        k += 2;
                }
            }
            if(any)
                p->nfam++;
        }
        i = e + 1;
    }
    return SD_OK;
}

/* ---- the process-wide glossary ---- */

static pthread_rwlock_t prod_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct sd_kb_products *prod_cur;

static const struct prod_file {
    const char *name;
    const unsigned char *data;
    const size_t *len;
} prod_files[] = {
    {"products.zh.txt", sd_kb_prod_zh, &sd_kb_prod_zh_len},
    {"products.en.txt", sd_kb_prod_en, &sd_kb_prod_en_len},
    {"products.ko.txt", sd_kb_prod_ko, &sd_kb_prod_ko_len},
};

sd_err
sd_kb_products_load(const char *dir, char *where, size_t cap)
{
    struct sd_kb_products *p = NULL, *old;
    char *text = NULL;
    size_t line = 0;
    const char *why = "cannot read";
    sd_err err = SD_OK;

    if(where && cap)
        where[0] = 0;
    p = calloc(1, sizeof(*p));
    SD_ENSURE(p, SD_E_NOMEM);
    p->e = malloc(PROD_MAX_ENTRIES * sizeof(*p->e));
    SD_ENSURE(p->e, SD_E_NOMEM);
    for(size_t i = 0; i < sizeof(prod_files) / sizeof(prod_files[0]); i++) {
        const struct prod_file *pf = &prod_files[i];
        size_t n = 0;
        bool found = false;

        SD_TRY(sd_kb_data_read(dir, pf->name, &text, &n, &found, where, cap));
        if(found)
            err = prod_add(p, text, n, &line, &why);
        else
            err = prod_add(p, (const char *)pf->data, *pf->len, &line, &why);
        free(text);
        text = NULL;
        if(err != SD_OK) {
            if(where && cap)
                snprintf(where, cap, "%s%s:%zu: %s", found ? "" : "(built-in) ", pf->name, line,
                         why);
            goto out;
        }
    }
    qsort(p->e, p->ne, sizeof(*p->e), entry_cmp);
    pthread_rwlock_wrlock(&prod_lock);
    old = prod_cur;
    prod_cur = p;
    pthread_rwlock_unlock(&prod_lock);
    p = old;
out:
    free(text);
    prod_free(p);
    return err;
}

/* The first entry whose first term is t, or p->ne. */
static size_t
first_of(const struct sd_kb_products *p, const char *t)
{
    size_t lo = 0, hi = p->ne;

    while(lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if(strcmp(p->e[mid].t[0], t) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->ne && strcmp(p->e[lo].t[0], t) == 0 ? lo : p->ne;
}

/* Whether entry e occurs at term i of pt: its terms in order, each at most PROD_GAP terms
 * after the one before (a Hangul phrase written without its space, a dropped word). */
static bool
entry_at(const struct prod_entry *e, const struct prod_terms *pt, size_t i)
{
    size_t at = i;

    for(size_t k = 1; k < e->nt; k++) {
        bool hit = false;

        for(size_t g = 1; g <= PROD_GAP + 1 && at + g < pt->n; g++) {
            if(strcmp(pt->t[at + g], e->t[k]) == 0) {
                at += g;
                hit = true;
                break;
            }
        }
        if(!hit)
            return false;
    }
    return true;
}

/* Call fn for every family named in pt (once per occurrence). */
static void
scan(const struct sd_kb_products *p, const struct prod_terms *pt,
     void (*fn)(void *ctx, uint16_t fam), void *ctx)
{
    for(size_t i = 0; i < pt->n; i++) {
        for(size_t j = first_of(p, pt->t[i]); j < p->ne && strcmp(p->e[j].t[0], pt->t[i]) == 0;
            j++) {
            if(entry_at(&p->e[j], pt, i))
                fn(ctx, p->e[j].fam);
        }
    }
}

static void
named_add(void *ctx, uint16_t fam)
{
    struct sd_kb_named *nm = ctx;

    for(size_t i = 0; i < nm->n; i++) {
        if(nm->fam[i] == fam)
            return;
    }
    if(nm->n < SD_KB_NAMED_MAX)
        nm->fam[nm->n++] = fam;
}

static void
mention_clear(void *ctx, uint16_t fam)
{
    struct sd_kb_named *nm = ctx;

    for(size_t i = 0; i < nm->n; i++) {
        if(nm->fam[i] == fam) {
            nm->fam[i] = nm->fam[--nm->n];
            return;
        }
    }
}

/* Take the process glossary (loading the built-in one on first use) under its read lock. */
static sd_err
prod_acquire(const struct sd_kb_products **p)
{
    bool have;

    pthread_rwlock_rdlock(&prod_lock);
    have = prod_cur != NULL;
    pthread_rwlock_unlock(&prod_lock);
    if(!have) {
        sd_err err = sd_kb_products_load(NULL, NULL, 0);

        if(err != SD_OK)
            return err;
    }
    pthread_rwlock_rdlock(&prod_lock);
    *p = prod_cur;
    return SD_OK;
}

sd_err
sd_kb_products_named(const char *folded, size_t n, struct sd_kb_named *out)
{
    char buf[SD_KB_NAMED_TERMS][SD_KB_TERM_MAX + 1];
    struct prod_terms pt = {buf, 0, SD_KB_NAMED_TERMS, false};
    const struct sd_kb_products *p = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && (folded || !n));
    out->n = 0;
    SD_TRY(sd_kb_tokenize_folded(folded, n, terms_push, &pt));
    SD_TRY(prod_acquire(&p));
    scan(p, &pt, named_add, out);
    pthread_rwlock_unlock(&prod_lock);
out:
    return err;
}

/* Append the terms of s (any field of an article) to pt. */
static sd_err
article_field(struct prod_terms *pt, const char *s)
{
    if(!s || !*s || pt->full)
        return SD_OK;
    return sd_kb_tokenize(s, strlen(s), terms_push, pt);
}

sd_err
sd_kb_products_unmentioned(const sd_arec *r, struct sd_kb_named *nm)
{
    struct prod_terms pt = {NULL, 0, PROD_ART_TERMS, false};
    const struct sd_kb_products *p = NULL;
    size_t len;
    sd_err err = SD_OK;

    SD_CHECK_ARG(r && nm && nm->n <= SD_KB_NAMED_MAX);
    if(!nm->n)
        return SD_OK;
    /* an article has at most about one term per two bytes of its text; the cap bounds it */
    len = strlen(r->title ? r->title : "") + strlen(r->body ? r->body : "") +
          strlen(r->asks ? r->asks : "") + 1;
    for(size_t i = 0; i < r->n_tags; i++)
        len += strlen(r->tags[i]) + 1;
    if(len < pt.cap)
        pt.cap = len;
    pt.t = malloc(pt.cap * sizeof(*pt.t));
    SD_ENSURE(pt.t, SD_E_NOMEM);
    SD_TRY(article_field(&pt, r->title));
    SD_TRY(article_field(&pt, r->asks));
    for(size_t i = 0; i < r->n_tags; i++)
        SD_TRY(article_field(&pt, r->tags[i]));
    SD_TRY(article_field(&pt, r->body));
    SD_TRY(prod_acquire(&p));
    scan(p, &pt, mention_clear, nm);
    pthread_rwlock_unlock(&prod_lock);
out:
    free(pt.t);
    return err;
}

bool
sd_kb_fits_product(double tcov, double score_n, bool other, uint8_t lang)
{
    return SD_KB_FIT_TITLE_W * tcov + score_n >= sd_kb_fit_min(lang, other) + SD_KB_FIT_PRODUCT;
}

sd_err
sd_kb_products_about_else(struct sd_txn *t, const char *text, size_t tlen, const char *folded,
                          size_t flen, uint64_t best, bool *out)
{
    struct sd_buf f = SD_BUF_INIT;
    struct sd_kb_named nm;
    sd_arec *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && out && (text || !tlen) && (folded || !flen));
    *out = false;
    if(!folded) {
        SD_TRY(sd_text_fold(&f, text, tlen));
        folded = (const char *)f.data;
        flen = f.len;
    }
    SD_TRY(sd_kb_products_named(folded, flen, &nm));
    if(!nm.n)
        goto out;
    SD_TRY(sd_arec_load(t, best, &r));
    SD_TRY(sd_kb_products_unmentioned(r, &nm));
    *out = nm.n > 0;
out:
    sd_arec_free(r);
    sd_buf_wipe_free(&f); /* the ticket's folded text */
    return err;
}
