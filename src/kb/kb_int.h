/* Private to src/kb: knowledge base records (article.c), tokeniser and index (kb_index.c) and
 * articles (kb.c); ticket.c reaches search and --from-article through the desk hooks. */
#ifndef SEALDESK_KB_INT_H
#define SEALDESK_KB_INT_H

#include "desk.pb-c.h"
#include "sealdesk/kb.h"
#include "sealdesk/store.h"

typedef Sealdesk__V1__ArticleRecord sd_arec;

#define SD_KB_TERM_MAX 40 /* bytes of one index term (longer words are cut) */

/* Field of a term occurrence (title, tags and asks are boosted in ranking). */
enum sd_kb_field {
    SD_KB_F_TITLE,
    SD_KB_F_TAGS,
    SD_KB_F_BODY,
    SD_KB_F_ASKS, /* how customers ask for the article (sd_kb_new.asks) */
    SD_KB_F_COUNT
};

/* Called once per term occurrence; term is not NUL-terminated. Return non-OK to stop. */
typedef sd_err (*sd_kb_term_fn)(void *ctx, const char *term, size_t n);

/* Tokenise s[0..n) (any UTF-8 that passes sd_text_valid): folds it, then emits character
 * bigrams of Han/Hangul/kana runs (a one-character run is emitted alone) and lower-cased,
 * lightly stemmed Latin words and numbers (English stop words dropped). */
sd_err sd_kb_tokenize(const char *s, size_t n, sd_kb_term_fn fn, void *ctx);
/* The same over text already folded by sd_text_fold (the lexicon and query paths). */
sd_err sd_kb_tokenize_folded(const char *s, size_t n, sd_kb_term_fn fn, void *ctx);

/* ---- query expansion (kb_lexicon.c) ----
 * A query is a list of slots (one per query word, or per phrase found in a synonym set), each
 * with alternatives (the word itself, its synonyms, its near spellings), each a list of terms
 * with a weight: a document scores the best alternative of each slot. */
#define SD_KB_MAX_SLOTS     64
#define SD_KB_MAX_ALTS      12
#define SD_KB_MAX_ALT_TERMS 6
struct sd_kb_qalt {
    uint8_t nt;
    double w; /* 1 for the customer's own words, less for synonyms and near spellings */
    char t[SD_KB_MAX_ALT_TERMS][SD_KB_TERM_MAX + 1];
};
struct sd_kb_qslot {
    uint8_t na;
    bool syn; /* found in a synonym set */
    /* ranking weight: 1 for a word of the question's sentence(s), SD_KB_STORY_W for one said
     * only in the story before it (the fit rule reads the unweighted score) */
    double rw;
    /* a plain Han bigram that overlaps the bigram before (SD_KB_HJ_LEFT) or after
     * (SD_KB_HJ_RIGHT) it in its run; lnb, rnb: those neighbours' slots + 1 (0: none, a stop
     * word). score_query drops such a bigram the index does not know when every neighbour it
     * overlaps is known: it straddles two words ("开户要" -> 户要) */
    uint8_t hj, lnb, rnb;
    struct sd_kb_qalt a[SD_KB_MAX_ALTS];
};
#define SD_KB_HJ_LEFT  1
#define SD_KB_HJ_RIGHT 2
struct sd_kb_query {
    size_t n;
    bool other; /* names another service (stop.txt "other"): kb.h SD_KB_FIT_OTHER */
    struct sd_kb_qslot s[SD_KB_MAX_SLOTS];
};
#define SD_KB_SYN_WEIGHT   0.9
/* A query of two or more sentences whose question is one of them (a question mark, question
 * words or endings, a request; else the last sentence): the other sentences' words rank at
 * this weight (data/kb/README.md, round 13 brief K) */
#define SD_KB_STORY_W      0.5
#define SD_KB_QUESTION_MIN 2 /* searchable words the question needs to weigh apart */

/* Typo distance of query word w (lower-case a-z, stemmed) to an indexed or lexicon word v: the
 * optimal string alignment distance to v or v with an ending the stemmer removes (s, e, ed,
 * ing); a four-letter w only matches a four-letter v by one swap, and a second edit in a w of
 * SD_KB_NEAR_KEEP_FIRST letters or fewer must keep its first letter and reach a word (no
 * ending) as long as w or longer. max + 1 when farther than
 * max or not a-z words of 4+ (w) and 3+ (v) letters. */
size_t sd_kb_near_dist(const char *w, const char *v, size_t max);

/* The edits a typo of a query word of wn letters may hold: 1 up to SD_KB_NEAR_ONE letters, 2
 * beyond: two-letter typos of six- to eight-letter words ("paswrod", "rigester", "secruty") were
 * refused or ranked by their other words before. */
#define SD_KB_NEAR_ONE        5
#define SD_KB_NEAR_KEEP_FIRST 8
static inline size_t
sd_kb_near_max(size_t wn)
{
    return wn <= SD_KB_NEAR_ONE ? 1 : 2;
}

/* True when the NUL-terminated s is all lower-case a-z (true for ""). */
bool sd_kb_all_az(const char *s);

/* Typo of a synonym: when the one-word slot s (a word the index does not know) is within
 * sd_kb_near_max edits of a one-word Latin entry of the lexicon (sd_kb_near_dist,
 * the nearest, first in file order), s becomes that entry's set: the entry at weight w1 or w2 by
 * the distance, the set's other entries at SD_KB_SYN_WEIGHT times it. True when it did. */
bool sd_kb_query_near(struct sd_kb_qslot *s, double w1, double w2);

/* Fold text[0..n), drop the stop pieces and Korean endings of the current lexicon, tokenise and
 * group the terms into slots with their synonyms: q->n slots, each with na alternatives of nt
 * terms set (q is not cleared as a whole: read only what these counts cover). */
sd_err sd_kb_query_build(const char *text, size_t n, struct sd_kb_query *q);
/* The same with text's fold already made: folded[0..flen) must be sd_text_fold(text, n) (the
 * ticket pipeline's, textpipe.h); NULL: fold text here. */
sd_err sd_kb_query_build_folded(const char *text, size_t n, const char *folded, size_t flen,
                                struct sd_kb_query *q);

/* Record access in a txn. _load: SD_E_NOTFOUND; free with sd_arec_free. */
sd_err sd_arec_load(struct sd_txn *t, uint64_t id, sd_arec **out);
void sd_arec_free(sd_arec *r);
sd_err sd_arec_store(struct sd_txn *t, const sd_arec *r, uint8_t digest[32]);
/* Keep the current version of r under 'v'|id|version (SD_E_CONFLICT if already kept). */
sd_err sd_arec_keep_version(struct sd_txn *t, const sd_arec *r);
/* Key 'g'|group|id of a translation group member. */
void sd_kb_gkey(uint8_t k[17], uint64_t group, uint64_t id);
/* The ids of group's members, in order: up to cap in ids, *n their count. */
sd_err sd_kb_group_members(struct sd_txn *t, uint64_t group, uint64_t *ids, size_t cap, size_t *n);

/* Index maintenance in write txn t: add or remove every posting of r (published articles
 * only; others are a no-op) and keep the document count, total length and df current. */
sd_err sd_kb_index_add(struct sd_txn *t, const sd_arec *r);
sd_err sd_kb_index_remove(struct sd_txn *t, const sd_arec *r);

/* The search's process caches (kb_index.c: frequencies, near spellings and postings under
 * the index's generation): the postings arena emptied, every cache started over by the next
 * query. sd_desk_close calls it; safe while other desks of the process search. */
void sd_kb_cache_release(void);
/* Tests: the postings cache may hold at most bytes (0: none kept, every list read from the
 * store; capped at its built-in limit), from the next query on. Returns the previous limit. */
size_t sd_kb_postings_cache_limit(size_t bytes);
/* Read DIR/kb/NAME, at most SD_KB_LEX_MAX_FILE bytes, into *out (malloc'd; the caller frees
 * it), *found = true. dir NULL or the file absent: *out NULL, *found false (the loader uses its
 * built-in copy). An error names the file in where ("NAME:0: why"). The lexicon's and the
 * product glossary's loaders share it (kb_lexicon.c). */
sd_err sd_kb_data_read(const char *dir, const char *name, char **out, size_t *n, bool *found,
                       char *where, size_t cap);
/* Product families (kb_products.c) a text names: at most SD_KB_NAMED_MAX, from its first
 * SD_KB_NAMED_TERMS terms. */
#define SD_KB_NAMED_MAX   8
#define SD_KB_NAMED_TERMS 256
struct sd_kb_named {
    size_t n;
    uint16_t fam[SD_KB_NAMED_MAX];
};
/* The families folded[0..n) (sd_text_fold output) names, in *out. */
sd_err sd_kb_products_named(const char *folded, size_t n, struct sd_kb_named *out);
/* Drop from nm the families article r mentions (title, asks, tags, body): what is left is
 * named by the question and absent from the article. */
sd_err sd_kb_products_unmentioned(const sd_arec *r, struct sd_kb_named *nm);
/* Whether the best article's evidence clears the fit minimum + SD_KB_FIT_PRODUCT (sd_kb_fits). */
bool sd_kb_fits_product(double tcov, double score_n, bool other, uint8_t lang);
/* *out: the question text[0..tlen) (folded[0..flen) its fold, NULL: folded here) names a
 * product family article best does not mention (kb.h SD_KB_FIT_PRODUCT). */
sd_err sd_kb_products_about_else(struct sd_txn *t, const char *text, size_t tlen,
                                 const char *folded, size_t flen, uint64_t best, bool *out);

/* The fit minimum of a query in language code lang (sd_lang_code): SD_KB_FIT_MIN_ZH for zh and
 * zh-Hant, else SD_KB_FIT_MIN; SD_KB_FIT_MIN + SD_KB_FIT_OTHER in every language for a query
 * naming another service (kb.h). Inline here: kb_index.c and kb_products.c both use it, and a
 * definition in either would link the two objects both ways (check.object_cycles). */
static inline double
sd_kb_fit_min(uint8_t lang, bool other)
{
    /* SD_KB_FIT_OTHER was chosen on top of SD_KB_FIT_MIN in every language; codes of
     * sealdesk/lang.h: 1 zh, 2 zh-Hant */
    if(other)
        return SD_KB_FIT_MIN + SD_KB_FIT_OTHER;
    return lang == 1 || lang == 2 ? SD_KB_FIT_MIN_ZH : SD_KB_FIT_MIN;
}
/* "Nothing fits" decision (kb.h SD_KB_FIT_MIN) for the best-ranked article: tcov its title and
 * tag coverage (share of the query's informative weight), score_n its score / idf_max, lang the
 * query's language code. */
bool sd_kb_fits(double tcov, double score_n, bool other, uint8_t lang);

/* Search inside any txn (see sd_kb_search); snippets false leaves every hit's snippet "" (it
 * is the costly part of a hit). */
sd_err sd_kb_search_txn(struct sd_txn *t, const char *text, size_t tlen, const char *lang,
                        size_t limit, bool snippets, struct sd_kb_hit *out, size_t *n);

/* sd_kb_search_txn for a ticket of category (-1: none): learned boosts apply (kb.h). */
sd_err sd_kb_suggest_txn(struct sd_txn *t, const char *text, size_t tlen, const char *lang,
                         int category, size_t limit, bool snippets, struct sd_kb_hit *out,
                         size_t *n);
/* sd_kb_suggest_txn with text's fold already made (folded[0..flen) = sd_text_fold(text, tlen),
 * borrowed; NULL: folded here), so a new ticket's text is not folded twice. */
sd_err sd_kb_suggest_folded_txn(struct sd_txn *t, const char *text, size_t tlen, const char *folded,
                                size_t flen, const char *lang, int category, size_t limit,
                                bool snippets, struct sd_kb_hit *out, size_t *n);

/* Learning from use (kb.h SD_KB_LEARN_*), key 'u' | u8 category | u64 group in SD_DB_KB ->
 * u32 weight * 1000 | u32 day of the last use (now: Unix seconds). _weight: decayed to now (0 when none);
 * _add: one more use, capped, in write txn t; _boost: the additive boost of a weight for a
 * query whose best score is top. */
sd_err sd_kb_learn_weight(struct sd_txn *t, int category, uint64_t group, uint64_t now, double *w);
sd_err sd_kb_learn_add(struct sd_txn *t, int category, uint64_t group, uint64_t now);
double sd_kb_learn_boost(double weight, double top);
/* sd_kb_learn_add counting ticket (0: none, every call counts) at most once per topic: a
 * marker 't'|u64 ticket|u64 group -> "" in SD_DB_KB, written in the same txn (kb_index.c).
 * *counted (may be NULL): whether the weight moved. */
sd_err sd_kb_learn_add_for(struct sd_txn *t, int category, uint64_t group, uint64_t ticket,
                           uint64_t now, bool *counted);

/* The article of r's translation group in lang (*out = id), or SD_E_NOTFOUND. */
sd_err sd_kb_group_find(struct sd_txn *t, uint64_t group, const char *lang, uint64_t *out);

/* The published article with this slug in lang, else its English one (*out = id), or
 * SD_E_NOTFOUND: the fixed guidance the desk puts first for a kind of ticket. */
sd_err sd_kb_slug_txn(struct sd_txn *t, const char *slug, const char *lang, uint64_t *out);

/* Load the built-in starter set (kb/ of the source tree, embedded in kb_starter.c) in write
 * txn t. Called by sd_desk_init (ops/init.c) inside its txn: the "store.init" entry covers it. */
sd_err sd_kb_seed(struct sd_txn *t, uint64_t now);

/* Text to post from article id for a ticket in lang (see sd_kb_use), counting the use, in
 * write txn t. *text malloc'ed. */
sd_err sd_kb_use_txn(struct sd_txn *t, uint64_t id, const char *lang, char **text,
                     uint64_t *used_id);
/* The same, learning that the article served ticket `ticket` of category (-1: nothing
 * learned). A ticket counts once per topic (sd_kb_learn_add_for); ticket 0 (no ticket, e.g.
 * sd_kb_use_for) counts every call. */
sd_err sd_kb_use_for_txn(struct sd_txn *t, uint64_t id, const char *lang, int category,
                         uint64_t ticket, char **text, uint64_t *used_id);


/* Parse one article file (kb/README.md format) and add it in txn t by slug grouping. *added
 * false when the slug already exists in that language. */
sd_err sd_kb_add_file_txn(struct sd_txn *t, const char *actor, const char *text, size_t n,
                          uint64_t now, bool *added);

#endif
