/* sealdesk knowledge base: multilingual help articles (zh, zh-Hant, en, ko) with version
 * history and translation groups, and their BM25 search over an inverted index kept in LMDB.
 *
 * Articles are not PII: they are stored in plaintext. Every change is one write txn that
 * updates the article, its old version, the index and appends the audit entry together.
 * Search tokenises sd_text_fold'ed text: character bigrams for Han and Hangul, words and
 * numbers for Latin script. All functions are thread-safe (each call has its own txn). */
#ifndef SEALDESK_KB_H
#define SEALDESK_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/err.h"
#include "sealdesk/triage.h"

struct sd_desk;

/* Input limits (bytes unless said otherwise). Longer input is refused with SD_E_LIMIT. */
#define SD_KB_MAX_TITLE   256
#define SD_KB_MAX_BODY    (32 * 1024)
#define SD_KB_MAX_TAGS    16
#define SD_KB_MAX_TAG     48
#define SD_KB_MAX_SLUG    63
#define SD_KB_MAX_ASKS    4096 /* the "asks" lines of an article, newline-separated */
#define SD_KB_MAX_ASK     200  /* one "ask:" line of an article file */
#define SD_KB_MAX_LANGS   4    /* zh, zh-Hant, en, ko: one article per language per group */
#define SD_KB_MAX_QUERY   4096 /* search text */
#define SD_KB_MAX_LIMIT   50   /* hits returned by one search */
#define SD_KB_SNIPPET     200  /* snippet bytes (UTF-8, cut on a character boundary) */
#define SD_KB_MAX_SUGGEST 3

enum sd_kb_status {
    SD_KB_DRAFT = 1,
    SD_KB_PUBLISHED,
    SD_KB_RETIRED
};

/* "draft", "published", "retired"; "unknown" out of range. Static storage. */
const char *sd_kb_status_name(enum sd_kb_status s);
sd_err sd_kb_status_parse(enum sd_kb_status *out, const char *s);
struct sd_kb_link {
    char lang[8];
    uint64_t id;
};

struct sd_kb_article {
    uint64_t id, group_id, created_at, updated_at, uses;
    char lang[8];
    char *title; /* malloc'ed, NUL-terminated */
    char *body;  /* malloc'ed, NUL-terminated Markdown */
    enum sd_category category;
    size_t n_tags;
    char tags[SD_KB_MAX_TAGS][SD_KB_MAX_TAG + 1];
    enum sd_kb_status status;
    uint32_t version;
    char author[SD_MAX_AGENT + 1];
    char slug[SD_KB_MAX_SLUG + 1];
    size_t n_translations; /* other articles of the group (not this one) */
    struct sd_kb_link translations[SD_KB_MAX_LANGS];
};
/* Free what an article holds; the struct is zeroed. NULL is a no-op. */
void sd_kb_article_clear(struct sd_kb_article *a);

struct sd_kb_new {
    const char *lang;        /* required; see sd_lang_canon */
    const char *title;       /* required, non-empty */
    const char *body;        /* required, non-empty */
    int category;            /* enum sd_category, or -1 for general */
    const char *const *tags; /* n_tags tags ([a-z0-9 -] and any non-ASCII letters) */
    size_t n_tags;
    uint64_t translation_of; /* 0, or an article of the same topic in another language */
    int status;              /* enum sd_kb_status, 0 = published */
    const char *slug;        /* may be NULL */
    /* may be NULL: how customers ask for the article (symptoms, their words for its concepts),
     * lines separated by '\n'; searched as its own field, never shown (kb/README.md) */
    const char *asks;
};

/* Join n "ask" lines (how customers ask for an article) into out, '\n'-separated and
 * NUL-terminated, by the rule of an article file's "ask:" lines (kb/README.md): blanks around
 * each line are dropped; SD_E_INVALID for a line that is empty, holds a newline or is not valid
 * text (sd_text_valid); SD_E_LIMIT for a line over SD_KB_MAX_ASK bytes once trimmed, over
 * SD_KB_MAX_ASKS bytes before (a long run of blanks is refused, not cut), or SD_KB_MAX_ASKS
 * bytes in all. out is "" when n == 0; on error it holds the lines before the bad one. For
 * the callers that take asks one by one (sealctl --ask, the Knowledge RPCs). */
sd_err sd_kb_asks_join(char out[SD_KB_MAX_ASKS + 1], const char *const *asks, size_t n);

/* Add an article (version 1). SD_E_INVALID bad input; SD_E_LIMIT over a limit;
 * SD_E_NOTFOUND translation_of does not exist; SD_E_CONFLICT its group already has an article
 * in this language. *id gets the new id. Audited as "kb.add". */
sd_err sd_kb_add(struct sd_desk *d, const struct sd_actor *a, const struct sd_kb_new *in,
                 uint64_t *id);

struct sd_kb_edit {
    const char *title; /* NULL = unchanged */
    const char *body;  /* NULL = unchanged */
    int category;      /* -1 = unchanged */
    const char *const *tags;
    size_t n_tags;
    bool set_tags;             /* replace the tags with tags[0..n_tags) */
    int status;                /* 0 = unchanged */
    uint32_t expected_version; /* 0 = any; else SD_E_PRECONDITION unless it is the current one */
    const char *asks;          /* with set_asks: the new "ask" lines ('\n'-separated; NULL
                                  or "" removes them), as sd_kb_new's asks */
    bool set_asks;
};
/* Edit: the current version is kept in the history, the version number goes up by one and
 * the index follows. out (may be NULL) gets the new version. Audited as "kb.edit". */
sd_err sd_kb_edit(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                  const struct sd_kb_edit *e, struct sd_kb_article *out);

/* Read article id at `version` (0 = current). Free out with sd_kb_article_clear.
 * SD_E_NOTFOUND. Not audited (articles are public help text). */
sd_err sd_kb_get(struct sd_desk *d, uint64_t id, uint32_t version, struct sd_kb_article *out);

/* Fields in reading order; reordering would save 8 bytes of ~600. */
// NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding)
struct sd_kb_hit {
    uint64_t id;
    char lang[8];
    char title[SD_KB_MAX_TITLE + 1];
    char slug[SD_KB_MAX_SLUG + 1];
    double score;
    char snippet[SD_KB_SNIPPET + 1];
};

/* BM25 search over published articles: title and tags weigh more than the body; results in
 * `lang` (NULL: the query's detected language) rank first, other languages follow, and one
 * topic (translation group) appears once, in the preferred language where it exists.
 * out has room for `limit` (1..SD_KB_MAX_LIMIT) hits; *n gets how many were written, best
 * first. SD_E_INVALID bad text or lang; SD_E_LIMIT text over SD_KB_MAX_QUERY. */
sd_err sd_kb_search(struct sd_desk *d, const char *text, const char *lang, size_t limit,
                    struct sd_kb_hit *out, size_t *n);

/* Like sd_kb_search, for a ticket of `category` (enum sd_category, -1: none): articles agents
 * sent (sd_kb_use_for) for tickets of that category rank higher, by a capped, decaying boost
 * (SD_KB_LEARN_*). Same errors as sd_kb_search. */
sd_err sd_kb_search_for(struct sd_desk *d, const char *text, const char *lang, int category,
                        size_t limit, struct sd_kb_hit *out, size_t *n);

/* Learning from use: each article posted into a ticket of a category adds 1 to the weight of
 * its topic for that category, once per ticket and topic (a ticket sending it again, or its
 * translation, adds nothing: one ticket cannot pump a topic to the cap); the weight halves every SD_KB_LEARN_HALF_LIFE_DAYS days and
 * never exceeds SD_KB_LEARN_MAX_WEIGHT. A topic's boost in a search for that category is
 * min(weight * SD_KB_LEARN_STEP, SD_KB_LEARN_CAP) times the query's best relevance score,
 * added to its own score, and only for articles the query matched. */
#define SD_KB_LEARN_HALF_LIFE_DAYS 30
#define SD_KB_LEARN_MAX_WEIGHT     50.0
#define SD_KB_LEARN_STEP           0.03
#define SD_KB_LEARN_CAP            0.25

/* "Nothing fits": a search returns nothing unless its best-ranked article has enough evidence,
 *   SD_KB_FIT_TITLE_W * title coverage + best score / idf_max >= SD_KB_FIT_MIN
 * where title coverage is the share of the query's informative weight (idf of each query word
 * or synonym group, the best alternative counted) that the article's title and tags match, and
 * the score (BM25 with coordination) is divided by the idf of a term no document has, so that it
 * reads as "how many rare query terms the article matches, weighted". A raw coverage threshold
 * rejected long questions with filler words and accepted near-topic ones (other exchanges,
 * taxes) that only share body words. Chosen on kb_train, kb_dev3 and the train halves of
 * kb_unanswerable and kb_unanswerable3 (README "KB search quality"); checked again in round 7
 * with kb_dev4 (data/kb/README.md: the answered-vs-unanswerable trade-off). Round 9: 1.8 -> 2.2
 * with the articles' asks (kb/README.md), which raise every article's evidence for customers'
 * words: at 2.2 more unanswerable tuning questions get nothing than at 1.8 without the asks. */
#define SD_KB_FIT_TITLE_W 2.0
#define SD_KB_FIT_MIN     2.2
/* The same for a Chinese query (zh, zh-Hant): its Han bigrams split a word the articles use into
 * pieces they do not (开户要 -> 户要), each a share of the query's weight no article matches, so
 * an answerable Chinese question reads less fit than an English or Korean one of the same
 * evidence. Chosen in round 14 leaving one tuning set out (data/kb/README.md, brief K): every
 * fold chose 2.1 for zh (zh-Hant 2.0, within one question of 2.1) under "no fewer unanswerable
 * questions refused and no lower recall@1 on the other sets"; en and ko kept 2.2. A question
 * naming another service still needs SD_KB_FIT_MIN + SD_KB_FIT_OTHER (chosen together). */
#define SD_KB_FIT_MIN_ZH  2.1
/* A question that names another service (another exchange or broker, a bank or payment app:
 * data/kb/stop.txt "other" lines) needs SD_KB_FIT_OTHER more: such questions are most often
 * about that service ("kraken's withdrawal fee", "can I pay with paypal") and share the
 * articles' words, while a question of ours that names one ("sent from binance, not arrived")
 * usually matches its article well. Chosen in round 8 on the tuning data (kb_train, kb_dev3-5
 * tuning parts and their unanswerable sets): 1, 1.5, 2, 3 and 5 were tried, 2 kept
 * (data/kb/README.md, the trade-off table). */
#define SD_KB_FIT_OTHER   2.0
/* A question that names a product family of data/kb/products.*.txt (staking, options, a card,
 * SEPA, a coin) its best article does not mention asks about something the desk has no article
 * for: it needs SD_KB_FIT_PRODUCT more (chosen leaving one tuning set out, data/kb/README.md
 * round 12 brief K3: 1.0; round 14 brief K, after round 13's junction bigrams raised the fit of
 * such questions: 1.5, chosen by eight folds of nine). */
#define SD_KB_FIT_PRODUCT 1.5

/* ---- lexicon: synonym sets and stop pieces (data/kb/, format in data/kb/README.md) ---- */
struct sd_kb_lexicon;
#define SD_KB_LEX_MAX_FILE  (256 * 1024)
#define SD_KB_LEX_MAX_LINE  1024
#define SD_KB_LEX_MAX_SETS  4096 /* synonym sets of one lexicon */
#define SD_KB_LEX_MAX_SET   24   /* entries of one set */
#define SD_KB_LEX_MAX_STOPS 2048 /* pieces and suffixes */
/* An empty lexicon; free with sd_kb_lexicon_free (NULL is a no-op). */
sd_err sd_kb_lexicon_new(struct sd_kb_lexicon **out);
void sd_kb_lexicon_free(struct sd_kb_lexicon *l);
/* Add the lines of one file: `stop` true for the stop file ("piece X" / "suffix X" lines),
 * false for a synonym file ("a, b, c" lines). On a bad line SD_E_INVALID (SD_E_LIMIT over a
 * limit), *errline (1-based) gets its number, *why a static reason, and l is unchanged. */
sd_err sd_kb_lexicon_add(struct sd_kb_lexicon *l, bool stop, const char *text, size_t n,
                         size_t *errline, const char **why);
/* The lexicon searches use from now on, process-wide: <dir>/kb/synonyms.{zh,en,ko}.txt and
 * <dir>/kb/stop.txt where they exist, the built-in data/kb files otherwise (dir NULL: all
 * built-in). A bad file leaves the current lexicon in place: SD_E_INVALID/SD_E_LIMIT with
 * where (may be NULL, cap bytes) set to "file:line: reason". Called when the desk opens. */
sd_err sd_kb_lexicon_load(const char *dir, char *where, size_t cap);
/* The same for the product glossary (data/kb/products.{zh,en,ko}.txt, kb.h SD_KB_FIT_PRODUCT). */
sd_err sd_kb_products_load(const char *dir, char *where, size_t cap);

/* Load every "*.md" article file of dir (format in kb/README.md), linking files with the same
 * slug as translations. Articles whose slug already exists in that language are skipped.
 * One txn, one audit entry "kb.load". *n (may be NULL) gets the number added. */
sd_err sd_kb_load_dir(struct sd_desk *d, const struct sd_actor *a, const char *dir, size_t *n);

/* The text to post from article id into a ticket written in `lang`: the group's article in
 * that language if there is one, else id itself. Counts one use of the article posted.
 * *text is malloc'ed ("title\n\nbody"), caller frees. Audited as "kb.use". */
sd_err sd_kb_use(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *lang,
                 char **text, uint64_t *used_id);

/* sd_kb_use that also teaches the search (see SD_KB_LEARN_*): the topic's weight for
 * `category` (enum sd_category; -1: nothing learned) grows in the same txn. */
sd_err sd_kb_use_for(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *lang,
                     int category, char **text, uint64_t *used_id);

/* The starter set `init` loads: every kb/ article, embedded at build time
 * (cmake/kb_embed.cmake). name is the file name ("account-close.en.md"), text its
 * NUL-terminated contents; static storage, sorted by name. */
struct sd_kb_file {
    const char *name;
    const char *text;
};
extern const struct sd_kb_file sd_kb_starter[];
extern const size_t sd_kb_starter_n;

#endif
