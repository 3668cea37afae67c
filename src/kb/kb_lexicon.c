/* The KB search lexicon: synonym sets per language and the stop pieces and Korean endings of
 * queries, parsed from data/kb/ files (built in, or <data>/kb/ where present), and the query
 * expansion that uses them (sd_kb_query_build). One lexicon serves the process; it is replaced
 * whole under a write lock when a desk opens with its own files. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    STOP_WORD    /* a query word (after stemming) that says nothing about the topic */
};

struct lex_stop {
    char s[ENTRY_MAX + 1];
    uint8_t n;
    uint8_t kind;
};

struct sd_kb_lexicon {
    struct lex_entry *e;
    size_t ne, cape;
    struct lex_set *sets;
    size_t ns;
    struct lex_stop *stops;
    size_t nst;
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

static sd_err
add_entry(struct sd_kb_lexicon *l, const char *s, size_t n, const char **why)
{
    char folded[ENTRY_MAX + 1];
    struct lex_entry e;
    sd_err err;

    memset(&e, 0, sizeof(e));
    err = fold_into(folded, sizeof(folded), s, n, why);
    if(err != SD_OK)
        return err;
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
    } kinds[] = {{"piece ", STOP_PIECE}, {"suffix ", STOP_SUFFIX}, {"word ", STOP_WORD}};
    struct lex_stop *st;
    size_t k = 0;
    sd_err err;

    while(k < 3 && !(n > strlen(kinds[k].kw) && memcmp(s, kinds[k].kw, strlen(kinds[k].kw)) == 0))
        k++;
    if(k == 3) {
        *why = "expected \"piece TEXT\", \"suffix TEXT\" or \"word TEXT\"";
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
    for(const char *p = st->s; *p; p++) {
        if(*p == ' ') {
            *why = "a stop piece is one word";
            return SD_E_INVALID;
        }
    }
    st->n = (uint8_t)strlen(st->s);
    st->kind = (uint8_t)kinds[k].kind;
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

/* ---- the process-wide lexicon ---- */

static pthread_rwlock_t lex_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct sd_kb_lexicon *lex_cur;

static const struct lex_file {
    const char *name;
    bool stop;
    const unsigned char *data;
    const size_t *len;
} lex_files[] = {
    {"synonyms.zh.txt", false, sd_kb_syn_zh, &sd_kb_syn_zh_len},
    {"synonyms.en.txt", false, sd_kb_syn_en, &sd_kb_syn_en_len},
    {"synonyms.ko.txt", false, sd_kb_syn_ko, &sd_kb_syn_ko_len},
    {"stop.txt", true, sd_kb_stop, &sd_kb_stop_len},
};

static sd_err
read_small(const char *path, char **out, size_t *n, bool *found)
{
    FILE *f = fopen(path, "rb");
    sd_err err = SD_OK;

    *out = NULL;
    *found = f != NULL;
    if(!f)
        return SD_OK;
    *out = malloc(SD_KB_LEX_MAX_FILE + 1);
    SD_ENSURE(*out, SD_E_NOMEM);
    *n = fread(*out, 1, SD_KB_LEX_MAX_FILE + 1, f);
    SD_ENSURE(!ferror(f), SD_E_IO);
    SD_ENSURE(*n <= SD_KB_LEX_MAX_FILE, SD_E_LIMIT);
out:
    (void)fclose(f); /* read-only: nothing to flush */
    if(err != SD_OK) {
        free(*out);
        *out = NULL;
    }
    return err;
}

sd_err
sd_kb_lexicon_load(const char *dir, char *where, size_t cap)
{
    struct sd_kb_lexicon *l = NULL, *old;
    char path[4096], *text = NULL;
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

        if(dir) {
            int k = snprintf(path, sizeof(path), "%s/kb/%s", dir, lf->name);

            SD_ENSURE(k > 0 && (size_t)k < sizeof(path), SD_E_INVALID);
            err = read_small(path, &text, &n, &found);
            if(err != SD_OK) {
                line = 0;
                why = err == SD_E_LIMIT ? "file too large" : "cannot read";
                if(where && cap)
                    snprintf(where, cap, "%s:%zu: %s", lf->name, line, why);
                goto out;
            }
        }
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


/* ---- query expansion ---- */

static bool
is_hangul(utf8proc_int32_t cp)
{
    return cp >= 0xac00 && cp <= 0xd7a3;
}

/* Blank (with spaces) every stop piece in s, longest pieces first. */
static void
drop_pieces(const struct sd_kb_lexicon *l, char *s)
{
    for(size_t i = 0; i < l->nst; i++) {
        char *p;

        if(l->stops[i].kind != STOP_PIECE)
            continue;
        while((p = strstr(s, l->stops[i].s)))
            memset(p, ' ', l->stops[i].n);
    }
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

        while(i < n) {
            k = utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if(k <= 0 || !is_hangul(cp))
                break;
            i += (size_t)k;
            syll++;
        }
        for(int round = 0; round < 2 && syll > 2; round++) {
            bool cut = false;

            for(size_t j = 0; j < l->nst && !cut; j++) {
                const struct lex_stop *st = &l->stops[j];
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
    size_t n;
};

struct qtok_ctx {
    struct qtoks *q;
    const struct sd_kb_lexicon *l;
};

static sd_err
qtok_push(void *ctx, const char *term, size_t n)
{
    struct qtok_ctx *c = ctx;
    struct qtoks *q = c->q;

    if(q->n >= QUERY_TOKENS)
        return SD_OK;

    memcpy(q->t[q->n], term, n);
    q->t[q->n][n] = 0;
    q->n++;
    return SD_OK;
}

static bool
entry_at(const struct lex_entry *e, const struct qtoks *q, size_t i)
{
    if(i + e->nt > q->n)
        return false;
    for(size_t k = 0; k < e->nt; k++) {
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

static void
build_slots(const struct sd_kb_lexicon *l, const struct qtoks *t, struct sd_kb_query *q)
{
    size_t i = 0;
    uint32_t used_sets[SD_KB_MAX_SLOTS];
    size_t nused = 0;

    while(i < t->n && q->n < SD_KB_MAX_SLOTS) {
        size_t best = SIZE_MAX, best_set = 0;
        struct sd_kb_qslot *s = &q->s[q->n];
        bool dup = false;

        for(size_t si = 0; l && si < l->ns; si++) {
            for(uint32_t k = 0; k < l->sets[si].n; k++) {
                const struct lex_entry *e = &l->e[l->sets[si].first + k];

                if((best == SIZE_MAX || e->nt > l->e[best].nt) && entry_at(e, t, i)) {
                    best = l->sets[si].first + k;
                    best_set = si;
                }
            }
        }
        if(best != SIZE_MAX) {
            for(size_t u = 0; u < nused; u++)
                dup |= used_sets[u] == best_set;
            if(!dup) {
                const struct lex_set *ls = &l->sets[best_set];

                used_sets[nused++] = (uint32_t)best_set;
                s->syn = true;
                alt_set(&s->a[s->na++], &l->e[best], 1.0);
                for(uint32_t k = 0; k < ls->n && s->na < SD_KB_MAX_ALTS; k++) {
                    if(ls->first + k != best)
                        alt_set(&s->a[s->na++], &l->e[ls->first + k], SD_KB_SYN_WEIGHT);
                }
                q->n++;
            }
            i += l->e[best].nt;
            continue;
        }
        for(size_t u = 0; u < q->n; u++) {
            dup |= !q->s[u].syn && strcmp(q->s[u].a[0].t[0], t->t[i]) == 0;
        }
        /* a query stop word counts only inside a synonym phrase ("get rid of") */
        for(size_t k = 0; l && k < l->nst && !dup; k++) {
            dup |= l->stops[k].kind == STOP_WORD && strcmp(l->stops[k].s, t->t[i]) == 0;
        }
        if(!dup) {
            s->na = 1;
            s->a[0].nt = 1;
            s->a[0].w = 1.0;
            memcpy(s->a[0].t[0], t->t[i], sizeof(s->a[0].t[0]));
            q->n++;
        }
        i++;
    }
}

sd_err
sd_kb_query_build(const char *text, size_t n, struct sd_kb_query *q)
{
    struct sd_buf f = SD_BUF_INIT;
    struct qtoks *t = NULL;
    bool locked = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(q && (text || !n));
    memset(q, 0, sizeof(*q));
    /* a process that opened no desk (tools, tests) gets the built-in lexicon on first use;
     * its failure (memory) is the search's */
    pthread_rwlock_rdlock(&lex_lock);
    locked = lex_cur != NULL;
    pthread_rwlock_unlock(&lex_lock);
    if(!locked)
        SD_TRY(sd_kb_lexicon_load(NULL, NULL, 0));
    locked = false;
    SD_TRY(sd_text_fold(&f, text, n));
    SD_TRY(sd_buf_append(&f, "", 1)); /* NUL for strstr */
    t = calloc(1, sizeof(*t));
    SD_ENSURE(t, SD_E_NOMEM);
    pthread_rwlock_rdlock(&lex_lock);
    locked = true;
    if(lex_cur) {
        drop_pieces(lex_cur, (char *)f.data);
        drop_suffixes(lex_cur, (char *)f.data, f.len - 1);
    }
    {
        struct qtok_ctx qc = {t, lex_cur};

        SD_TRY(sd_kb_tokenize_folded((const char *)f.data, f.len - 1, qtok_push, &qc));
    }
    build_slots(lex_cur, t, q);
out:
    if(locked)
        pthread_rwlock_unlock(&lex_lock);
    free(t);
    sd_buf_free(&f);
    return err;
}
