/* The KB search lexicon: synonym sets per language and the stop pieces and Korean endings of
 * queries, parsed from data/kb/ files (built in, or <data>/kb/ where present), and the query
 * expansion that uses them (sd_kb_query_build). One lexicon serves the process; it is replaced
 * whole under a write lock when a desk opens with its own files. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <utf8proc.h>

#include "kb_int.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

#define ENTRY_MAX    128 /* bytes of one synonym entry or stop piece */
#define QUERY_TOKENS 256

/* Built in from data/kb/ (CMakeLists.txt sd_embed). */
extern const unsigned char sd_kb_syn_zh[], sd_kb_syn_en[], sd_kb_syn_ko[], sd_kb_stop[];
extern const size_t sd_kb_syn_zh_len, sd_kb_syn_en_len, sd_kb_syn_ko_len, sd_kb_stop_len;

struct lex_entry {
    uint8_t nt;
    char t[SD_KB_MAX_ALT_TERMS][SD_KB_TERM_MAX + 1];
};

struct lex_set {
    uint32_t first, n;
};

enum stop_kind {
    STOP_PIECE,  /* removed wherever it occurs */
    STOP_SUFFIX, /* stripped from the end of a Hangul word */
    STOP_WORD,   /* a query word (after stemming) that says nothing about the topic */
    STOP_OTHER   /* the name of another service (exchange, bank, payment app): flags the query */
};

struct lex_stop {
    char s[ENTRY_MAX + 1];
    uint8_t n;
    uint8_t kind;
};

/* A term of the lexicon's hash table (built once when a lexicon is loaded, lex_index): the
 * entries whose first term it is (ord[start..start + count), in entry order) and whether it is
 * a query stop word. key points into the lexicon (an entry's first term or a stop word). */
struct lex_term {
    uint32_t h;
    uint32_t start, count;
    bool stopword;
    uint16_t oth1;   /* the first "other" name starting with this term: index + 1, 0 none */
    const char *key; /* NULL: free slot */
};

#define SUFFIX_BUCKETS 64

struct sd_kb_lexicon {
    struct lex_entry *e;
    size_t ne, cape;
    struct lex_set *sets;
    size_t ns;
    struct lex_stop *stops;
    size_t nst;
    /* lookup tables (lex_index) */
    struct lex_term *terms; /* open addressing, tcap slots (a power of two) */
    size_t tcap;
    uint32_t *ord;                            /* entry indices grouped by first term */
    uint32_t *eset;                           /* set of each entry */
    uint16_t pbkt[257], *pord;                /* pieces by first byte, in stops order */
    uint16_t sbkt[SUFFIX_BUCKETS + 1], *sord; /* suffixes by last syllable, stops order */
    struct lex_entry *oth;                    /* the "other" names as query terms, noth */
    uint16_t *oth_next; /* the next name with the same first term: index + 1, 0 none */
    size_t noth;
    uint32_t *latin;   /* one-word a-z entries (typo candidates, sd_kb_query_near), nlatin */
    uint8_t *latin_n;  /* their lengths */
    uint32_t *latin_m; /* their letters, one bit each (a-z) */
    size_t nlatin;
};

sd_err
sd_kb_lexicon_new(struct sd_kb_lexicon **out)
{
    struct sd_kb_lexicon *l = calloc(1, sizeof(*l));

    if(!l)
        return SD_E_NOMEM;
    l->sets = calloc(SD_KB_LEX_MAX_SETS, sizeof(*l->sets));
    l->stops = calloc(SD_KB_LEX_MAX_STOPS, sizeof(*l->stops));
    if(!l->sets || !l->stops) {
        sd_kb_lexicon_free(l);
        return SD_E_NOMEM;
    }
    *out = l;
    return SD_OK;
}

void
sd_kb_lexicon_free(struct sd_kb_lexicon *l)
{
    if(!l)
        return;
    free(l->e);
    free(l->sets);
    free(l->stops);
    free(l->terms);
    free(l->ord);
    free(l->eset);
    free(l->pord);
    free(l->sord);
    free(l->oth);
    free(l->oth_next);
    free(l->latin);
    free(l->latin_n);
    free(l->latin_m);
    free(l);
}

static void
trim(const char **s, size_t *n)
{
    while(*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while(*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* Fold s[0..n) into dst (NUL-terminated, cap bytes). */
static sd_err
fold_into(char *dst, size_t cap, const char *s, size_t n, const char **why)
{
    struct sd_buf f = SD_BUF_INIT;
    sd_err err = SD_OK;

    if(!sd_text_valid(s, n)) {
        *why = "not valid UTF-8 text";
        return SD_E_INVALID;
    }
    SD_TRY(sd_text_fold(&f, s, n));
    if(f.len == 0 || f.len >= cap) {
        *why = f.len ? "entry too long" : "empty entry";
        err = f.len ? SD_E_LIMIT : SD_E_INVALID;
        goto out;
    }
    memcpy(dst, f.data, f.len);
    dst[f.len] = 0;
out:
    sd_buf_free(&f);
    return err;
}

static sd_err
entry_push(void *ctx, const char *term, size_t n)
{
    struct lex_entry *e = ctx;

    if(e->nt >= SD_KB_MAX_ALT_TERMS || n > SD_KB_TERM_MAX)
        return SD_E_LIMIT;
    memcpy(e->t[e->nt], term, n);
    e->t[e->nt][n] = 0;
    e->nt++;
    return SD_OK;
}

static void drop_pieces_slow(const struct sd_kb_lexicon *l, char *s);
static uint32_t letters(const char *s, size_t n);
static void drop_suffixes(const struct sd_kb_lexicon *l, char *s, size_t n);

static sd_err
add_entry(struct sd_kb_lexicon *l, const char *s, size_t n, const char **why)
{
    char folded[ENTRY_MAX + 1], blanked[ENTRY_MAX + 1];
    struct lex_entry e;
    sd_err err;

    memset(&e, 0, sizeof(e));
    err = fold_into(folded, sizeof(folded), s, n, why);
    if(err != SD_OK)
        return err;
    /* The query's stop pieces and Hangul endings are blanked before its terms meet the
     * entries, so an entry is blanked the same way (the stop file loads first): "收多少钱" must
     * meet "收 钱", "모르는 기기" "모르 기기". An entry that is all stop pieces keeps its words
     * (it can never match, as before). */
    memcpy(blanked, folded, sizeof(blanked));
    drop_pieces_slow(l, blanked);
    drop_suffixes(l, blanked, strlen(blanked));
    err = sd_kb_tokenize_folded(blanked, strlen(blanked), entry_push, &e);
    if(err == SD_OK && !e.nt)
        err = sd_kb_tokenize_folded(folded, strlen(folded), entry_push, &e);
    if(err == SD_E_LIMIT)
        *why = "entry has too many words";
    if(err != SD_OK)
        return err;
    if(!e.nt) {
        *why = "entry has no searchable word";
        return SD_E_INVALID;
    }
    if(l->ne == l->cape) {
        size_t ncap = l->cape ? l->cape * 2 : 256;
        struct lex_entry *p = realloc(l->e, ncap * sizeof(*p));

        if(!p)
            return SD_E_NOMEM;
        l->e = p;
        l->cape = ncap;
    }
    l->e[l->ne++] = e;
    return SD_OK;
}

static sd_err
syn_line(struct sd_kb_lexicon *l, const char *s, size_t n, const char **why)
{
    size_t first = l->ne, count = 0;
    sd_err err = SD_OK;

    if(l->ns >= SD_KB_LEX_MAX_SETS) {
        *why = "too many synonym sets";
        return SD_E_LIMIT;
    }
    while(n) {
        const char *c = memchr(s, ',', n);
        size_t k = c ? (size_t)(c - s) : n;
        const char *v = s;
        size_t vn = k;

        trim(&v, &vn);
        if(!vn) {
            *why = "empty entry";
            return SD_E_INVALID;
        }
        if(count == SD_KB_LEX_MAX_SET) {
            *why = "too many entries in one set";
            return SD_E_LIMIT;
        }
        err = add_entry(l, v, vn, why);
        if(err != SD_OK)
            return err;
        count++;
        s += k;
        n -= k;
        if(n) {
            s++;
            n--;
            if(!n) {
                *why = "empty entry";
                return SD_E_INVALID;
            }
        }
    }
    if(count < 2) {
        *why = "a set needs at least two entries";
        return SD_E_INVALID;
    }
    l->sets[l->ns].first = (uint32_t)first;
    l->sets[l->ns].n = (uint32_t)count;
    l->ns++;
    return SD_OK;
}

static sd_err
stop_line(struct sd_kb_lexicon *l, const char *s, size_t n, const char **why)
{
    static const struct {
        const char *kw;
        enum stop_kind kind;
    } kinds[] = {{"piece ", STOP_PIECE},
                 {"suffix ", STOP_SUFFIX},
                 {"word ", STOP_WORD},
                 {"other ", STOP_OTHER}};
    const size_t nkinds = sizeof(kinds) / sizeof(kinds[0]);
    struct lex_stop *st;
    size_t k = 0;
    sd_err err;

    while(k < nkinds &&
          !(n > strlen(kinds[k].kw) && memcmp(s, kinds[k].kw, strlen(kinds[k].kw)) == 0))
        k++;
    if(k == nkinds) {
        *why = "expected \"piece TEXT\", \"suffix TEXT\", \"word TEXT\" or \"other TEXT\"";
        return SD_E_INVALID;
    }
    s += strlen(kinds[k].kw);
    n -= strlen(kinds[k].kw);
    trim(&s, &n);
    if(l->nst >= SD_KB_LEX_MAX_STOPS) {
        *why = "too many stop pieces";
        return SD_E_LIMIT;
    }
    st = &l->stops[l->nst];
    err = fold_into(st->s, sizeof(st->s), s, n, why);
    if(err != SD_OK)
        return err;
    /* a service's name may be two words ("cash app"); pieces, suffixes and words are one */
    for(const char *p = st->s; *p && kinds[k].kind != STOP_OTHER; p++) {
        if(*p == ' ') {
            *why = "a stop piece is one word";
            return SD_E_INVALID;
        }
    }
    st->n = (uint8_t)strlen(st->s);
    st->kind = (uint8_t)kinds[k].kind;
    if(st->kind == STOP_OTHER) {
        struct lex_entry e;

        /* matched on the query's terms (lex_index tokenizes it again): it must make some */
        memset(&e, 0, sizeof(e));
        err = sd_kb_tokenize_folded(st->s, st->n, entry_push, &e);
        if(err != SD_OK || e.nt == 0) {
            *why = "a service's name is 1 to 6 searchable words";
            return err == SD_OK || err == SD_E_LIMIT ? SD_E_INVALID : err;
        }
    }
    if(st->kind == STOP_WORD) {
        struct lex_entry e;

        /* compared with query terms: keep the stemmed form */
        memset(&e, 0, sizeof(e));
        err = sd_kb_tokenize_folded(st->s, st->n, entry_push, &e);
        if(err != SD_OK || e.nt != 1) {
            *why = "a stop word is one searchable word";
            return err == SD_OK || err == SD_E_LIMIT ? SD_E_INVALID : err;
        }
        memcpy(st->s, e.t[0], sizeof(e.t[0]));
        st->n = (uint8_t)strlen(st->s);
    }
    l->nst++;
    return SD_OK;
}

static int
stop_cmp(const void *a, const void *b)
{
    const struct lex_stop *x = a, *y = b;

    if(x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->s, y->s);
}

sd_err
sd_kb_lexicon_add(struct sd_kb_lexicon *l, bool stop, const char *text, size_t n, size_t *errline,
                  const char **why)
{
    size_t ne, ns, nst, line = 0;
    const char *p = text, *end = text + n;
    sd_err err = SD_OK;

    if(!l || (!text && n) || !errline || !why)
        return SD_E_INVALID;
    *errline = 0;
    *why = NULL;
    if(n == 0)
        return SD_OK; /* an empty file adds nothing (and text may be NULL) */
    ne = l->ne;
    ns = l->ns;
    nst = l->nst;
    if(n > SD_KB_LEX_MAX_FILE) {
        *why = "file too large";
        return SD_E_LIMIT;
    }
    while(p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t ln = e ? (size_t)(e - p) : (size_t)(end - p);
        const char *s = p;

        line++;
        p = e ? e + 1 : end;
        if(ln > SD_KB_LEX_MAX_LINE) {
            *why = "line too long";
            err = SD_E_LIMIT;
            break;
        }
        trim(&s, &ln);
        if(!ln || *s == '#')
            continue;
        err = stop ? stop_line(l, s, ln, why) : syn_line(l, s, ln, why);
        if(err != SD_OK)
            break;
    }
    if(err != SD_OK) {
        *errline = line;
        if(!*why)
            *why = "out of memory";
        l->ne = ne;
        l->ns = ns;
        l->nst = nst;
        return err;
    }
    qsort(l->stops, l->nst, sizeof(l->stops[0]), stop_cmp);
    return SD_OK;
}

/* ---- lookup tables ---- */

/* FNV-1a of s[0..n). */
static uint32_t
term_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;

    for(size_t i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

/* The slot of key (hash h) in l's term table: its own, or the free one it would take. */
static struct lex_term *
term_slot(const struct sd_kb_lexicon *l, const char *key, uint32_t h)
{
    size_t i = h & (l->tcap - 1);

    while(l->terms[i].key && (l->terms[i].h != h || strcmp(l->terms[i].key, key) != 0))
        i = (i + 1) & (l->tcap - 1);
    return &l->terms[i];
}

static struct lex_term *
term_add(struct sd_kb_lexicon *l, const char *key)
{
    uint32_t h = term_hash(key, strlen(key));
    struct lex_term *t = term_slot(l, key, h);

    if(!t->key) {
        t->key = key;
        t->h = h;
    }
    return t;
}

static size_t
suffix_bucket(const char *last3)
{
    return term_hash(last3, 3) & (SUFFIX_BUCKETS - 1);
}

/* Build the lookup tables of a complete lexicon: the query path (sd_kb_query_build) then does
 * one hash lookup per query term instead of a scan of every synonym entry and stop word, and
 * finds stop pieces and suffixes by their first byte or last syllable. */
static sd_err
lex_index(struct sd_kb_lexicon *l)
{
    size_t run = 0, np = 0, nsf = 0;

    l->tcap = 64;
    while(l->tcap < 2 * (l->ne + l->nst) + 1)
        l->tcap *= 2;
    l->terms = calloc(l->tcap, sizeof(*l->terms));
    l->ord = calloc(l->ne + 1, sizeof(*l->ord));
    l->eset = calloc(l->ne + 1, sizeof(*l->eset));
    l->pord = calloc(l->nst + 1, sizeof(*l->pord));
    l->sord = calloc(l->nst + 1, sizeof(*l->sord));
    l->oth = calloc(l->nst + 1, sizeof(*l->oth));
    l->oth_next = calloc(l->nst + 1, sizeof(*l->oth_next));
    if(!l->terms || !l->ord || !l->eset || !l->pord || !l->sord || !l->oth || !l->oth_next)
        return SD_E_NOMEM;
    for(size_t si = 0; si < l->ns; si++) {
        for(uint32_t k = 0; k < l->sets[si].n; k++)
            l->eset[l->sets[si].first + k] = (uint32_t)si;
    }
    for(size_t i = 0; i < l->ne; i++)
        term_add(l, l->e[i].t[0])->count++;
    for(size_t k = 0; k < l->nst; k++) {
        if(l->stops[k].kind == STOP_WORD)
            term_add(l, l->stops[k].s)->stopword = true;
        if(l->stops[k].kind == STOP_OTHER) {
            struct lex_entry *e = &l->oth[l->noth];
            struct lex_term *lt;
            sd_err err = sd_kb_tokenize_folded(l->stops[k].s, l->stops[k].n, entry_push, e);

            if(err != SD_OK || e->nt == 0) /* stop_line checked it */
                return err != SD_OK ? err : SD_E_INVALID;
            lt = term_add(l, e->t[0]);
            l->oth_next[l->noth] = lt->oth1;
            lt->oth1 = (uint16_t)++l->noth;
        }
    }
    for(size_t i = 0; i < l->tcap; i++) {
        l->terms[i].start = (uint32_t)run;
        run += l->terms[i].count;
        l->terms[i].count = 0;
    }
    for(size_t i = 0; i < l->ne; i++) {
        struct lex_term *t =
            term_slot(l, l->e[i].t[0], term_hash(l->e[i].t[0], strlen(l->e[i].t[0])));

        l->ord[t->start + t->count++] = (uint32_t)i;
    }
    /* pieces by first byte and suffixes by last three bytes, each list in stops order (longest
     * first): a suffix of fewer than three bytes cannot end a Hangul word (3-byte syllables) */
    for(size_t b = 0; b < 256; b++) {
        l->pbkt[b] = (uint16_t)np;
        for(size_t k = 0; k < l->nst; k++) {
            if(l->stops[k].kind == STOP_PIECE && (uint8_t)l->stops[k].s[0] == b)
                l->pord[np++] = (uint16_t)k;
        }
    }
    l->pbkt[256] = (uint16_t)np;
    for(size_t b = 0; b < SUFFIX_BUCKETS; b++) {
        l->sbkt[b] = (uint16_t)nsf;
        for(size_t k = 0; k < l->nst; k++) {
            const struct lex_stop *st = &l->stops[k];

            if(st->kind == STOP_SUFFIX && st->n >= 3 && suffix_bucket(st->s + st->n - 3) == b)
                l->sord[nsf++] = (uint16_t)k;
        }
    }
    l->sbkt[SUFFIX_BUCKETS] = (uint16_t)nsf;
    l->latin = calloc(l->ne + 1, sizeof(*l->latin));
    l->latin_n = calloc(l->ne + 1, sizeof(*l->latin_n));
    l->latin_m = calloc(l->ne + 1, sizeof(*l->latin_m));
    if(!l->latin || !l->latin_n || !l->latin_m)
        return SD_E_NOMEM;
    for(size_t i = 0; i < l->ne; i++) {
        const char *t = l->e[i].t[0];
        size_t n = strlen(t);
        bool az = n >= 3;

        for(size_t k = 0; k < n && az; k++)
            az = t[k] >= 'a' && t[k] <= 'z';
        if(l->e[i].nt == 1 && az) {
            l->latin[l->nlatin] = (uint32_t)i;
            l->latin_m[l->nlatin] = letters(t, n);
            l->latin_n[l->nlatin++] = (uint8_t)n;
        }
    }
    return SD_OK;
}

/* ---- the process-wide lexicon ---- */

static pthread_rwlock_t lex_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct sd_kb_lexicon *lex_cur;

static const struct lex_file {
    const char *name;
    bool stop;
    const unsigned char *data;
    const size_t *len;
} lex_files[] = {
    {"stop.txt", true, sd_kb_stop, &sd_kb_stop_len}, /* first: entries are blanked by it */
    {"synonyms.zh.txt", false, sd_kb_syn_zh, &sd_kb_syn_zh_len},
    {"synonyms.en.txt", false, sd_kb_syn_en, &sd_kb_syn_en_len},
    {"synonyms.ko.txt", false, sd_kb_syn_ko, &sd_kb_syn_ko_len},
};

sd_err
sd_kb_data_read(const char *dir, const char *name, char **out, size_t *n, bool *found, char *where,
                size_t cap)
{
    char path[4096];
    FILE *f = NULL;
    sd_err err = SD_OK;
    int k;

    *out = NULL;
    *n = 0;
    *found = false;
    if(!dir)
        return SD_OK;
    k = snprintf(path, sizeof(path), "%s/kb/%s", dir, name);
    SD_ENSURE(k > 0 && (size_t)k < sizeof(path), SD_E_INVALID);
    f = fopen(path, "rb");
    if(!f)
        return SD_OK; /* absent: the built-in copy */
    *found = true;
    *out = malloc(SD_KB_LEX_MAX_FILE + 1);
    SD_ENSURE(*out, SD_E_NOMEM);
    *n = fread(*out, 1, SD_KB_LEX_MAX_FILE + 1, f);
    SD_ENSURE(!ferror(f), SD_E_IO);
    SD_ENSURE(*n <= SD_KB_LEX_MAX_FILE, SD_E_LIMIT);
out:
    if(f)
        (void)fclose(f); /* read-only: nothing to flush */
    if(err != SD_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
        if(where && cap)
            snprintf(where, cap, "%s:0: %s", name,
                     err == SD_E_LIMIT     ? "file too large"
                     : err == SD_E_INVALID ? "path too long"
                                           : "cannot read");
    }
    return err;
}

sd_err
sd_kb_lexicon_load(const char *dir, char *where, size_t cap)
{
    struct sd_kb_lexicon *l = NULL, *old;
    char *text = NULL;
    size_t line = 0;
    const char *why = "cannot read";
    sd_err err = SD_OK;

    if(where && cap)
        where[0] = 0;
    SD_TRY(sd_kb_lexicon_new(&l));
    for(size_t i = 0; i < sizeof(lex_files) / sizeof(lex_files[0]); i++) {
        const struct lex_file *lf = &lex_files[i];
        size_t n = 0;
        bool found = false;

        SD_TRY(sd_kb_data_read(dir, lf->name, &text, &n, &found, where, cap));
        if(found)
            err = sd_kb_lexicon_add(l, lf->stop, text, n, &line, &why);
        else
            err = sd_kb_lexicon_add(l, lf->stop, (const char *)lf->data, *lf->len, &line, &why);
        free(text);
        text = NULL;
        if(err != SD_OK) {
            if(where && cap)
                snprintf(where, cap, "%s%s:%zu: %s", found ? "" : "(built-in) ", lf->name, line,
                         why);
            goto out;
        }
    }
    SD_TRY(lex_index(l));
    pthread_rwlock_wrlock(&lex_lock);
    old = lex_cur;
    lex_cur = l;
    pthread_rwlock_unlock(&lex_lock);
    l = old;
out:
    free(text);
    sd_kb_lexicon_free(l);
    return err;
}


/* ---- typo distance (sd_kb_near_dist: the lexicon here, the index's vocabulary in kb_index.c) ---- */

/* Optimal string alignment distance of a and b (adjacent swaps cost 1), or max + 1 once it
 * exceeds max. */
static size_t
osa(const char *a, size_t an, const char *b, size_t bn, size_t max)
{
    size_t d[SD_KB_TERM_MAX + 1][SD_KB_TERM_MAX + 1];
    const size_t inf = max + 1; /* anything farther than max is "too far" */

    if(an > SD_KB_TERM_MAX || bn > SD_KB_TERM_MAX)
        return max + 1;
    if((an > bn ? an - bn : bn - an) > max)
        return max + 1;
    /* Banded: only cells within max of the diagonal can lead to a distance <= max, so row i
     * computes columns i - max .. i + max; the cells just outside the band read as inf. */
    for(size_t j = 0; j <= bn && j <= max + 1; j++)
        d[0][j] = j;
    if(max + 2 <= bn)
        d[0][max + 2] = inf;
    for(size_t i = 1; i <= an; i++) {
        size_t row_min = SIZE_MAX, jlo = i > max ? i - max : 1, jhi = i + max < bn ? i + max : bn;

        d[i][jlo - 1] = jlo == 1 ? i : inf;
        for(size_t j = jlo; j <= jhi; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;

            if(d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if(d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if(i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
               d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if(v < row_min)
                row_min = v;
        }
        if(jhi + 1 <= bn)
            d[i][jhi + 1] = inf;
        if(row_min > max)
            return max + 1;
    }
    return d[an][bn] > max ? max + 1 : d[an][bn];
}

bool
sd_kb_all_az(const char *s)
{
    for(; *s; s++) {
        if(*s < 'a' || *s > 'z')
            return false;
    }
    return true;
}

/* Same letters, in another order (a four-letter word's only allowed typo is a swap). */
static bool
same_letters(const char *a, const char *b, size_t n)
{
    unsigned cnt[26] = {0};

    for(size_t i = 0; i < n; i++) {
        cnt[a[i] - 'a']++;
        cnt[b[i] - 'a']--;
    }
    for(size_t i = 0; i < 26; i++) {
        if(cnt[i])
            return false;
    }
    return true;
}

/* The set of letters of a-z word s[0..n), one bit each. */
static uint32_t
letters(const char *s, size_t n)
{
    uint32_t m = 0;

    for(size_t i = 0; i < n; i++) {
        unsigned c = (unsigned)(unsigned char)s[i] - 'a';

        if(c < 26) /* the callers pass a-z words (sd_kb_all_az): a guard, not a filter */
            m |= 1u << c;
    }
    return m;
}

/* The letters sd_kb_near_dist's endings add. */
#define END_LETTERS                                                                          \
    ((1u << ('s' - 'a')) | (1u << ('e' - 'a')) | (1u << ('d' - 'a')) | (1u << ('i' - 'a')) | \
     (1u << ('n' - 'a')) | (1u << ('g' - 'a')))

size_t
sd_kb_near_dist(const char *w, const char *v, size_t max)
{
    /* The query word is stemmed as typed: a typo can hide its ending from the stemmer
     * ("crashng", "delisetd"), so v also meets w with the endings the stemmer removes. */
    static const char *const endings[] = {"", "s", "e", "ed", "ing"};
    size_t wn = strlen(w), vn = strlen(v), best = max + 1;
    char buf[SD_KB_TERM_MAX + 4];
    uint32_t mw, mv;

    /* lengths first (the endings add 0 to 3 letters): most words are rejected here */
    if(wn < 4 || vn < 3 || wn > SD_KB_TERM_MAX || vn > SD_KB_TERM_MAX || wn + max < vn ||
       wn > vn + 3 + max || (wn == 4 && vn != 4) || !sd_kb_all_az(w) || !sd_kb_all_az(v))
        return max + 1;
    if(wn == 4) /* a short word: only two letters swapped */
        return osa(w, wn, v, vn, 1) == 1 && same_letters(w, v, 4) ? 1 : max + 1;
    mw = letters(w, wn);
    mv = letters(v, vn);
    memcpy(buf, v, vn + 1); /* v with its NUL (vn <= SD_KB_TERM_MAX) */
    for(size_t k = 0; k < sizeof(endings) / sizeof(endings[0]); k++) {
        size_t en = strlen(endings[k]), d;
        uint32_t mb = mv | letters(endings[k], en);

        if(wn + max < vn + en || wn > vn + en + max)
            continue; /* lengths too far apart for this ending */
        /* each letter of one word missing from the other costs an edit (a swap moves none) */
        if((size_t)__builtin_popcount(mw & ~mb) > max || (size_t)__builtin_popcount(mb & ~mw) > max)
            continue;
        memcpy(buf + vn, endings[k], en);
        d = osa(w, wn, buf, vn + en, max);
        /* two edits in a short word reach many real words ("quokka" -> "quota"): the
         * customer's first letter stays, no letter is dropped from what was typed and no
         * ending is added */
        if(d == 2 && wn <= SD_KB_NEAR_KEEP_FIRST && (w[0] != v[0] || vn < wn || en > 0))
            continue;
        if(d < best)
            best = d;
    }
    return best;
}

/* ---- query expansion ---- */

static bool
is_hangul(utf8proc_int32_t cp)
{
    return cp >= 0xac00 && cp <= 0xd7a3;
}

/* Blank (with spaces) every stop piece in s, longest pieces first: each piece blanks its
 * occurrences left to right, skipping those a longer piece already blanked. */
static void
drop_pieces_slow(const struct sd_kb_lexicon *l, char *s)
{
    for(size_t i = 0; i < l->nst; i++) {
        char *p;

        if(l->stops[i].kind != STOP_PIECE)
            continue;
        while((p = strstr(s, l->stops[i].s)))
            memset(p, ' ', l->stops[i].n);
    }
}

#define PIECE_HITS 64

/* The same in one pass over s[0..n): the occurrences of every piece are found by first byte;
 * when none overlaps another the order of blanking does not matter (a blank never makes a
 * piece, which has no space) and all are blanked; otherwise, or past PIECE_HITS occurrences,
 * drop_pieces_slow decides. */
static void
drop_pieces(const struct sd_kb_lexicon *l, char *s, size_t n)
{
    uint32_t at[PIECE_HITS];
    uint16_t len[PIECE_HITS];
    size_t nh = 0, end = 0;

    for(size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)s[i];

        for(uint16_t k = l->pbkt[b]; k < l->pbkt[b + 1]; k++) {
            const struct lex_stop *st = &l->stops[l->pord[k]];

            if(st->n > n - i || memcmp(s + i, st->s, st->n) != 0)
                continue;
            if(i < end || nh == PIECE_HITS) {
                drop_pieces_slow(l, s);
                return;
            }
            at[nh] = (uint32_t)i;
            len[nh++] = st->n;
            end = i + st->n;
        }
    }
    for(size_t h = 0; h < nh; h++)
        memset(s + at[h], ' ', len[h]);
}

/* The suffixes that may end a Hangul run whose last three bytes are at last3, in stops order
 * (longest first): l->stops[ord ? ord[j] : j] for j in [*lo, *hi). Once lex_index built its
 * tables (l->sord), the run's bucket; while the lexicon loads (a synonym entry, stop.txt read
 * first), every stop, whose kind the caller checks. */
static const uint16_t *
suffix_candidates(const struct sd_kb_lexicon *l, const char *last3, size_t *lo, size_t *hi)
{
    size_t b;

    if(!l->sord) {
        *lo = 0;
        *hi = l->nst;
        return NULL;
    }
    b = suffix_bucket(last3);
    *lo = l->sbkt[b];
    *hi = l->sbkt[b + 1];
    return l->sord;
}

/* Strip Korean endings and particles from the end of each Hangul run of s[0..n) (up to two,
 * longest first), keeping at least two syllables. */
static void
drop_suffixes(const struct sd_kb_lexicon *l, char *s, size_t n)
{
    size_t i = 0;

    while(i < n) {
        size_t start = i, syll = 0;
        utf8proc_int32_t cp;
        utf8proc_ssize_t k;

        if((uint8_t)s[i] < 0x80) {
            i++; /* not Hangul: ASCII needs no decoding */
            continue;
        }

        while(i < n) {
            k = utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if(k <= 0 || !is_hangul(cp))
                break;
            i += (size_t)k;
            syll++;
        }
        for(int round = 0; round < 2 && syll > 2; round++) {
            size_t lo, hi;
            const uint16_t *ord = suffix_candidates(l, s + i - 3, &lo, &hi);
            bool cut = false;

            for(size_t j = lo; j < hi && !cut; j++) {
                const struct lex_stop *st = &l->stops[ord ? ord[j] : j];
                size_t rest = i - start;

                /* suffixes are whole syllables (3 bytes each): keep 2 syllables (6 bytes) */
                if(st->kind != STOP_SUFFIX || (size_t)st->n + 6 > rest ||
                   memcmp(s + i - st->n, st->s, st->n) != 0)
                    continue;
                memset(s + i - st->n, ' ', st->n);
                i -= st->n;
                syll -= st->n / 3;
                cut = true;
            }
            if(!cut)
                break;
        }
        if(i == start) {
            k = utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            i += k > 0 ? (size_t)k : 1;
        } else {
            /* skip the blanked tail */
            while(i < n && s[i] == ' ')
                i++;
        }
    }
}

struct qtoks {
    char t[QUERY_TOKENS][SD_KB_TERM_MAX + 1];
    uint32_t h[QUERY_TOKENS];
    bool ask[QUERY_TOKENS];   /* said in a question sentence (query_sentences) */
    bool hb[QUERY_TOKENS];    /* a Han bigram */
    bool hleft[QUERY_TOKENS]; /* a Han bigram overlapping the token before it */
    size_t n;
};

struct qtok_ctx {
    struct qtoks *q;
    const struct sd_kb_lexicon *l;
    bool ask; /* the sentence being tokenised is a question */
};

/* Two CJK unified ideographs (U+4E00..U+9FFF: lead bytes e4..e9), as the tokeniser's
 * bigrams of a Han run. */
static bool
han_bigram(const char *t, size_t n)
{
    const uint8_t *p = (const uint8_t *)t;

    return n == 6 && p[0] >= 0xe4 && p[0] <= 0xe9 && p[3] >= 0xe4 && p[3] <= 0xe9;
}

static sd_err
qtok_push(void *ctx, const char *term, size_t n)
{
    struct qtok_ctx *c = ctx;
    struct qtoks *q = c->q;

    if(q->n >= QUERY_TOKENS)
        return SD_OK;

    memcpy(q->t[q->n], term, n);
    q->t[q->n][n] = 0;
    q->h[q->n] = term_hash(term, n);
    q->ask[q->n] = c->ask;
    q->hb[q->n] = han_bigram(term, n);
    q->hleft[q->n] =
        q->hb[q->n] && q->n > 0 && q->hb[q->n - 1] && memcmp(q->t[q->n - 1] + 3, term, 3) == 0;
    q->n++;
    return SD_OK;
}

/* Whether entry e continues at the query's term i: every caller found e by its first term, the
 * query's term i (the lexicon's hash table), so the comparison starts at the second. */
static bool
entry_at(const struct lex_entry *e, const struct qtoks *q, size_t i)
{
    if(i + e->nt > q->n)
        return false;
    for(size_t k = 1; k < e->nt; k++) {
        if(strcmp(e->t[k], q->t[i + k]) != 0)
            return false;
    }
    return true;
}

static void
alt_set(struct sd_kb_qalt *a, const struct lex_entry *e, double w)
{
    a->nt = e->nt;
    a->w = w;
    memcpy(a->t, e->t, sizeof(a->t));
}

/* The entries of set si other than entry skip (and those already in s) as alternatives of s at
 * the synonym weight, while there is room. */
static void
add_set(const struct sd_kb_lexicon *l, size_t si, size_t skip, struct sd_kb_qslot *s)
{
    const struct lex_set *ls = &l->sets[si];

    for(uint32_t k = 0; k < ls->n && s->na < SD_KB_MAX_ALTS; k++) {
        const struct lex_entry *e = &l->e[ls->first + k];
        bool have = false;

        if(ls->first + k == skip)
            continue;
        for(size_t a = 0; a < s->na && !have; a++)
            have = s->a[a].nt == e->nt && memcmp(s->a[a].t, e->t, sizeof(e->t)) == 0;
        if(!have)
            alt_set(&s->a[s->na++], e, SD_KB_SYN_WEIGHT);
    }
}

/* Whether the query's terms from i on spell an "other" name (a Latin name as its words, a
 * Chinese or Korean one as its bigrams); lt: the lexicon's entry for term i. */
static bool
names_other(const struct sd_kb_lexicon *l, const struct lex_term *lt, const struct qtoks *t,
            size_t i)
{
    for(uint16_t k = lt->oth1; k; k = l->oth_next[k - 1]) {
        if(entry_at(&l->oth[k - 1], t, i))
            return true;
    }
    return false;
}

#define SEEN_CAP 128                   /* > 2 * SD_KB_MAX_SLOTS */
#define USED_CAP (4 * SD_KB_MAX_SLOTS) /* room for one set per slot left, and extras */

/* Group the terms of t into slots: at each position the longest synonym entry starting there
 * (the first in file order among equals) makes a slot of its set, once per set; any other term
 * a slot of its own, once per term, unless it is a query stop word. */
static void
build_slots(const struct sd_kb_lexicon *l, const struct qtoks *t, struct sd_kb_query *q)
{
    size_t i = 0;
    uint32_t used_sets[USED_CAP]; /* sets already in a slot */
    uint8_t used_slot[USED_CAP];  /* ... and that slot's index */
    size_t nused = 0;
    /* the plain-word slots so far by term hash: slot index + 1, 0 free */
    uint8_t seen[SEEN_CAP];
    uint8_t tslot[QUERY_TOKENS];    /* each token's slot + 1, 0: none (a stop word) */
    uint16_t made[SD_KB_MAX_SLOTS]; /* the token each plain slot was made of, UINT16_MAX: none */

    _Static_assert(SD_KB_MAX_SLOTS < 255 && SEEN_CAP >= 2 * SD_KB_MAX_SLOTS, "seen table");
    memset(seen, 0, sizeof(seen));
    memset(tslot, 0, sizeof(tslot));
    memset(made, 0xff, sizeof(made));
    _Static_assert(QUERY_TOKENS < UINT16_MAX, "made");
    while(i < t->n && q->n < SD_KB_MAX_SLOTS) {
        size_t best = SIZE_MAX, best_set = 0, h;
        struct sd_kb_qslot *s = &q->s[q->n];
        const struct lex_term *lt = l ? term_slot(l, t->t[i], t->h[i]) : NULL;
        bool dup = false;

        s->na = 0;
        s->syn = false;
        s->rw = t->ask[i] ? 1.0 : SD_KB_STORY_W;
        s->hj = s->lnb = s->rnb = 0;
        if(lt && !lt->key)
            lt = NULL;
        for(uint32_t c = 0; lt && c < lt->count; c++) {
            uint32_t ei = l->ord[lt->start + c];
            const struct lex_entry *e = &l->e[ei];

            if((best == SIZE_MAX || e->nt > l->e[best].nt) && entry_at(e, t, i)) {
                best = ei;
                best_set = l->eset[ei];
            }
        }
        if(best != SIZE_MAX) {
            for(size_t u = 0; u < nused && !dup; u++) {
                if(used_sets[u] == best_set) {
                    dup = true; /* said again: the slot weighs as its question-most saying */
                    if(q->s[used_slot[u]].rw < s->rw)
                        q->s[used_slot[u]].rw = s->rw;
                }
            }
            for(size_t k = 0; !dup && k < l->e[best].nt; k++)
                tslot[i + k] = (uint8_t)(q->n + 1);
            if(!dup) {
                used_slot[nused] = (uint8_t)q->n;
                used_sets[nused++] = (uint32_t)best_set;
                s->syn = true;
                alt_set(&s->a[s->na++], &l->e[best], 1.0);
                add_set(l, best_set, best, s);
                /* the same words in other sets (another language's set, a second sense):
                 * their entries join this slot, in file order, while there is room */
                for(uint32_t c = 0; c < lt->count && nused + SD_KB_MAX_SLOTS < USED_CAP; c++) {
                    uint32_t ei = l->ord[lt->start + c];
                    bool seen_set = false;

                    if(l->e[ei].nt != l->e[best].nt || !entry_at(&l->e[ei], t, i))
                        continue;
                    for(size_t u = 0; u < nused; u++)
                        seen_set |= used_sets[u] == l->eset[ei];
                    if(seen_set)
                        continue;
                    used_slot[nused] = (uint8_t)q->n;
                    used_sets[nused++] = l->eset[ei];
                    add_set(l, l->eset[ei], ei, s);
                }
                q->n++;
            }
            i += l->e[best].nt;
            continue;
        }
        for(h = t->h[i] & (SEEN_CAP - 1); seen[h]; h = (h + 1) & (SEEN_CAP - 1)) {
            if(strcmp(q->s[seen[h] - 1].a[0].t[0], t->t[i]) == 0) {
                dup = true;
                tslot[i] = seen[h];
                if(q->s[seen[h] - 1].rw < s->rw)
                    q->s[seen[h] - 1].rw = s->rw;
                break;
            }
        }
        /* another service named here (a rare term: the names are scanned only then) */
        if(lt && lt->oth1 && !q->other)
            q->other = names_other(l, lt, t, i);
        /* a query stop word counts only inside a synonym phrase ("get rid of") */
        dup |= lt && lt->stopword;
        if(!dup) {
            s->na = 1;
            s->a[0].nt = 1;
            s->a[0].w = 1.0;
            memcpy(s->a[0].t[0], t->t[i], strlen(t->t[i]) + 1);
            seen[h] = (uint8_t)(q->n + 1);
            tslot[i] = seen[h];
            made[q->n] = (uint16_t)i;
            q->n++;
        }
        i++;
    }
    /* the Han bigrams' overlapping neighbours, once every token has its slot */
    for(size_t k = 0; k < q->n; k++) {
        size_t j = made[k];

        if(made[k] == UINT16_MAX)
            continue;
        if(t->hleft[j]) {
            q->s[k].hj |= SD_KB_HJ_LEFT;
            q->s[k].lnb = tslot[j - 1];
        }
        if(j + 1 < t->n && t->hleft[j + 1]) {
            q->s[k].hj |= SD_KB_HJ_RIGHT;
            q->s[k].rnb = tslot[j + 1];
        }
    }
}

bool
sd_kb_query_near(struct sd_kb_qslot *s, double w1, double w2)
{
    char w[SD_KB_TERM_MAX + 1];
    size_t max, best = SIZE_MAX, bestd, wn;
    uint32_t mw;
    const struct sd_kb_lexicon *l;

    memcpy(w, s->a[0].t[0], sizeof(w));
    w[SD_KB_TERM_MAX] = 0;
    max = sd_kb_near_max(strlen(w));
    bestd = max + 1;
    pthread_rwlock_rdlock(&lex_lock);
    l = lex_cur;
    wn = strlen(w);
    mw = sd_kb_all_az(w) ? letters(w, wn) : 0;
    for(size_t j = 0; l && mw && j < l->nlatin && bestd > 1; j++) {
        size_t d, vn = l->latin_n[j];
        uint32_t miss = mw & ~(l->latin_m[j] | END_LETTERS);

        if(wn + max < vn || wn > vn + 3 + max)
            continue; /* sd_kb_near_dist's first test, without the call */
        /* each letter of w that neither v nor an ending has costs an edit (a four-letter
         * word may only swap two letters: the same letters) */
        if((size_t)__builtin_popcount(miss) > max || (wn == 4 && mw != l->latin_m[j]))
            continue;
        d = sd_kb_near_dist(w, l->e[l->latin[j]].t[0], max);
        if(d < bestd) {
            bestd = d;
            best = l->latin[j];
        }
    }
    if(best != SIZE_MAX) {
        double wt = bestd == 1 ? w1 : w2;
        size_t a0;

        s->na = 0;
        s->syn = true;
        alt_set(&s->a[s->na++], &l->e[best], wt);
        a0 = s->na;
        add_set(l, l->eset[best], best, s);
        for(size_t a = a0; a < s->na; a++)
            s->a[a].w = SD_KB_SYN_WEIGHT * wt;
    }
    pthread_rwlock_unlock(&lex_lock);
    return best != SIZE_MAX;
}

/* ---- the question among a story's sentences ----
 * A customer often tells what happened first and asks last ("I sent USDT yesterday, waited
 * three hours, support said ... how do I get my money back?"): the story's words (deposit,
 * hours, support) outranked the question's. The query is cut into sentences; those that ask
 * (a question mark, question words or endings, a request) or else the last one are the
 * question, and words said only in the others rank at SD_KB_STORY_W. */
#define QUERY_SENTS 32

struct qsent {
    size_t start, end; /* bytes of the fold */
    bool ask;
};

/* Bytes of the sentence end mark at s[i] (the fold: NFKC made full-width marks ASCII), 0 if
 * none. A '.' ends a sentence only when no letter or digit follows ("0.08", "site.com"). */
static size_t
sent_mark(const char *s, size_t i, size_t n)
{
    char ch = s[i];

    if(ch == '?' || ch == '!' || ch == ';' || ch == '\n')
        return 1;
    if(ch == '.')
        return i + 1 < n && ((s[i + 1] >= 'a' && s[i + 1] <= 'z') ||
                             (s[i + 1] >= '0' && s[i + 1] <= '9'))
                   ? 0
                   : 1;
    if(i + 3 <= n && memcmp(s + i, "\xe3\x80\x82", 3) == 0) /* 。 */
        return 3;
    return 0;
}

/* Pieces that make a sentence a question or a request, in the fold (zh-Hant folded to
 * simplified; Latin pieces are matched as words). */
struct ask_piece {
    const char *s;
    size_t n;
};
#define AP(x)            \
    {                    \
        x, sizeof(x) - 1 \
    }
static const struct ask_piece ask_pieces[] = {
    AP("how"),    AP("what"),      AP("why"),      AP("where"),  AP("when"),     AP("which"),
    AP("can i"),  AP("can you"),   AP("could"),    AP("should"), AP("is there"), AP("is it"),
    AP("is my"),  AP("are there"), AP("do i"),     AP("do you"), AP("does"),     AP("did"),
    AP("will"),   AP("would"),     AP("please"),   AP("pls"),    AP("help"),     AP("any way"),
    AP("anyway"), AP("吗"),        AP("么"),       AP("如何"),   AP("哪"),       AP("多久"),
    AP("多少"),   AP("能不能"),    AP("可不可以"), AP("是不是"), AP("有没有"),   AP("呢"),
    AP("请问"),   AP("请"),        AP("帮我"),     AP("求"),     AP("咩"),       AP("点算"),
    AP("点样"),   AP("点解"),      AP("几时"),     AP("边度"),   AP("得唔得"),   AP("어떻게"),
    AP("왜"),     AP("언제"),      AP("어디"),     AP("뭐"),     AP("무엇"),     AP("무슨"),
    AP("얼마"),   AP("나요"),      AP("까요"),     AP("니까"),   AP("는지"),     AP("가요"),
    AP("죠"),     AP("주세요"),    AP("알려"),     AP("방법"),   AP("할까"),     AP("될까"),
    AP("되나"),   AP("하나"),
};
#undef AP

static bool
az(char ch)
{
    return ch >= 'a' && ch <= 'z';
}

#define N_ASK (sizeof(ask_pieces) / sizeof(ask_pieces[0]))
/* ask_pieces by first byte: ask_ord[ask_first[b] .. ask_first[b + 1]) (ask_index, once) */
static uint8_t ask_ord[N_ASK];
static uint8_t ask_first[257];
static pthread_once_t ask_once = PTHREAD_ONCE_INIT;

/* bytes that may start a piece or a sentence end mark: the scans skip the rest at once */
static bool ask_start[256], mark_start[256];

static void
ask_index(void)
{
    size_t k = 0;

    for(const char *m = "?!;.\n\xe3"; *m; m++)
        mark_start[(uint8_t)*m] = true;

    _Static_assert(N_ASK < 256, "ask_ord");
    for(size_t b = 0; b < 256; b++) {
        ask_first[b] = (uint8_t)k;
        for(size_t j = 0; j < N_ASK; j++) {
            if((uint8_t)ask_pieces[j].s[0] == b)
                ask_ord[k++] = (uint8_t)j;
        }
    }
    ask_first[256] = (uint8_t)k;
    for(size_t b = 0; b < 256; b++)
        ask_start[b] = b == '?' || ask_first[b + 1] > ask_first[b];
}

/* Whether s[0..n) asks: a question mark or an ask_pieces entry. Only a word's first letter or
 * a multi-byte character's lead byte can start a piece, and only the pieces of that first byte
 * are compared (a ticket's body is read once per query). */
static bool
sent_asks(const char *s, size_t n)
{
    for(size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)s[i];

        if(!ask_start[b])
            continue;
        if(b == '?')
            return true;
        if(b < 0x80 && i > 0 && az(s[i - 1]))
            continue; /* a Latin piece starts a word */
        for(size_t k = ask_first[b]; k < ask_first[b + 1]; k++) {
            const struct ask_piece *p = &ask_pieces[ask_ord[k]];

            /* every piece has 3 bytes or more: the second is compared first */
            if(p->n <= n - i && p->s[1] == s[i + 1] && memcmp(s + i, p->s, p->n) == 0 &&
               (b >= 0x80 || i + p->n == n || !az(s[i + p->n])))
                return true;
        }
    }
    return false;
}

/* Cut the fold s[0..n) into at most QUERY_SENTS sentences (the last takes the rest) and mark
 * the question: the asking sentences, or the last one with a letter when none asks; one
 * sentence, or every one asking, marks all. Returns the count. */
static size_t
query_sentences(const char *s, size_t n, struct qsent *v)
{
    size_t ns = 0, start = 0, nask = 0, last = SIZE_MAX;

    pthread_once(&ask_once, ask_index);
    for(size_t i = 0; i < n; i++) {
        size_t m;

        if(!mark_start[(uint8_t)s[i]] || !(m = sent_mark(s, i, n)))
            continue;
        if(ns + 1 < QUERY_SENTS) {
            v[ns].start = start;
            v[ns++].end = i + m;
            start = i + m;
        }
        i += m - 1;
    }
    if(start < n || ns == 0) {
        v[ns].start = start;
        v[ns++].end = n;
    }
    for(size_t k = 0; k < ns; k++) {
        bool word = false;

        for(size_t i = v[k].start; i < v[k].end && !word; i++)
            word = (s[i] >= 'a' && s[i] <= 'z') || (unsigned char)s[i] >= 0x80;
        v[k].ask = word && sent_asks(s + v[k].start, v[k].end - v[k].start);
        nask += v[k].ask;
        if(word)
            last = k;
    }
    if(nask == 0 && last != SIZE_MAX)
        v[last].ask = true;
    if(ns == 1 || nask == ns) {
        for(size_t k = 0; k < ns; k++)
            v[k].ask = true;
    }
    return ns;
}

sd_err
sd_kb_query_build(const char *text, size_t n, struct sd_kb_query *q)
{
    return sd_kb_query_build_folded(text, n, NULL, 0, q);
}

sd_err
sd_kb_query_build_folded(const char *text, size_t n, const char *folded, size_t flen,
                         struct sd_kb_query *q)
{
    struct sd_buf f = SD_BUF_INIT;
    struct qtoks *t = NULL;
    struct qsent sents[QUERY_SENTS];
    size_t ns;
    size_t nasked = 0;
    bool locked = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(q && (text || !n) && (folded || !flen));
    q->n = 0; /* slots are set as they are made: no clearing of the whole (large) query */
    q->other = false;
    /* a process that opened no desk (tools, tests) gets the built-in lexicon on first use;
     * its failure (memory) is the search's */
    pthread_rwlock_rdlock(&lex_lock);
    locked = lex_cur != NULL;
    pthread_rwlock_unlock(&lex_lock);
    if(!locked)
        SD_TRY(sd_kb_lexicon_load(NULL, NULL, 0));
    locked = false;
    if(folded) /* the caller's fold of text (a copy: the stop pieces are cut out in place) */
        SD_TRY(sd_buf_append(&f, folded, flen));
    else
        SD_TRY(sd_text_fold(&f, text, n));
    SD_TRY(sd_buf_append(&f, "", 1)); /* NUL for strstr */
    t = malloc(sizeof(*t));
    SD_ENSURE(t, SD_E_NOMEM);
    t->n = 0;
    /* the sentences are read before the stop pieces go (question words are among them); the
     * pieces are blanked with spaces, so the sentences' bounds stay */
    ns = query_sentences((const char *)f.data, f.len - 1, sents);
    pthread_rwlock_rdlock(&lex_lock);
    locked = true;
    if(lex_cur) {
        drop_pieces(lex_cur, (char *)f.data, f.len - 1);
        drop_suffixes(lex_cur, (char *)f.data, f.len - 1);
    }
    for(size_t k = 0; k < ns; k++) {
        struct qtok_ctx qc = {t, lex_cur, sents[k].ask};

        SD_TRY(sd_kb_tokenize_folded((const char *)f.data + sents[k].start,
                                     sents[k].end - sents[k].start, qtok_push, &qc));
    }
    build_slots(lex_cur, t, q);
    /* a question of fewer than SD_KB_QUESTION_MIN searchable words ("what do I do now?",
     * "Recoverable?"): the story says what it is about */
    for(size_t i = 0; i < q->n; i++)
        nasked += q->s[i].rw >= 1.0;
    for(size_t i = 0; nasked < SD_KB_QUESTION_MIN && i < q->n; i++)
        q->s[i].rw = 1.0;
out:
    if(locked)
        pthread_rwlock_unlock(&lex_lock);
    /* the ticket's words (redacted, but names and stories stay): wiped like the pipeline's own */
    if(t)
        sodium_memzero(t->t, t->n * sizeof(t->t[0]));
    free(t);
    sd_buf_wipe_free(&f);
    return err;
}
