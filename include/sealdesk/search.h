/* sealdesk search: the encrypted full-text index of tickets (issue #17 item 5).
 *
 * Text (subject, body, comments, customer messages) is folded with sd_text_fold (NFKC, case
 * fold, traditional -> simplified Chinese) and cut into terms: Latin-script words and numbers
 * (2..64 bytes, English stop words dropped), bigrams of adjacent Han characters and of adjacent
 * Hangul syllables (so a Korean particle glued to a word does not hide it), and a lone Han or
 * Hangul character as a unigram. Each term is stored only as a keyed hash (sd_bidx_search_terms:
 * BLAKE2b-128 under the search key) in table SD_DB_SEARCH: hash -> UINT64_MAX - ticket id
 * (dupsort), written in the txn of the ticket or comment. No term is stored in clear.
 * A query is tokenised the same way and every one of its terms must match (AND); posting lists
 * are intersected by leapfrogging (each list is sought to the largest candidate), newest ticket
 * first. The ticket layer (sd_ticket_search) filters the hits by status, category and the
 * caller's access rules. All functions are thread-safe (each works in the caller's txn). */
#ifndef SEALDESK_SEARCH_H
#define SEALDESK_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/crypto.h"
#include "sealdesk/err.h"
#include "sealdesk/store.h"
#include "sealdesk/text.h"

#define SD_SEARCH_TERM_MAX  64   /* bytes of one word term (longer words are cut) */
#define SD_SEARCH_DOC_TERMS 8192 /* distinct terms indexed per ticket (the rest ignored) */
#define SD_SEARCH_QUERY_MAX 512  /* bytes of a query */
#define SD_SEARCH_QUERY_TERMS \
    16 /* words of a query, a CJK run counting as one (more:
                                        SD_E_LIMIT) */
#define SD_SEARCH_QUERY_KEYS \
    48                              /* distinct terms (bigrams included) of a query: the
                                        posting lists it walks at once (more: SD_E_LIMIT) */
#define SD_SEARCH_LIMIT      50     /* results by default */
#define SD_SEARCH_LIMIT_MAX  200    /* results at most */
#define SD_SEARCH_SCAN_MAX   100000 /* candidates a query examines at most */
/* Folded bytes the tokeniser takes: the fold of a text of at most SD_TEXT_MAX bytes can be
 * longer than the text (NFKC turns U+FDFA, 3 bytes, into 33), and a comment or ticket of an
 * allowed size must never be refused for it. 32 x covers the largest expansion. */
#define SD_SEARCH_FOLDED_MAX (32 * SD_TEXT_MAX)

/* Called once per term occurrence; term is folded UTF-8 (not NUL-terminated), borrowed. A
 * non-SD_OK return stops the tokeniser and is returned. */
typedef sd_err (*sd_search_term_fn)(void *ctx, const char *term, size_t n);

/* Tokenise s[0..n) (valid UTF-8, at most SD_TEXT_MAX bytes) as described above. Terms may
 * repeat. SD_E_INVALID for invalid UTF-8, SD_E_LIMIT if too long (its fold may be longer than
 * SD_TEXT_MAX: that is fine). */
sd_err sd_search_tokenize(const char *s, size_t n, sd_search_term_fn fn, void *ctx);
/* The same on text that is already sd_text_fold output (f[0..n), at most SD_SEARCH_FOLDED_MAX):
 * sd_search_tokenize(s) is sd_search_tokenize_folded(sd_text_fold(s)). The one text pipeline's
 * fold of a new ticket (textpipe.h) feeds it, so the ticket text is folded once. SD_E_INVALID
 * for invalid UTF-8, SD_E_LIMIT if too long. */
sd_err sd_search_tokenize_folded(const char *f, size_t n, sd_search_term_fn fn, void *ctx);

/* A set of hashed terms: sorted, distinct. Caller owns; init with {0}, free with _clear. */
struct sd_search_terms {
    uint8_t (*h)[SD_BIDX_BYTES];
    size_t n, cap;
    size_t max; /* 0: SD_SEARCH_DOC_TERMS */
};
void sd_search_terms_clear(struct sd_search_terms *ts);
/* Add the terms of s[0..n) hashed under kr's search key (terms past ts->max are dropped).
 * *added (may be NULL) gets the number of terms that s gave. */
sd_err sd_search_terms_add(struct sd_search_terms *ts, const struct sd_keyring *kr, const char *s,
                           size_t n, size_t *added);
/* The same for folded text f[0..n) (sd_search_tokenize_folded). Each distinct term is hashed
 * once whatever its repeats (the keyed hash is most of the cost). */
sd_err sd_search_terms_add_folded(struct sd_search_terms *ts, const struct sd_keyring *kr,
                                  const char *f, size_t n, size_t *added);

/* Inside write txn t: add (put) or remove (del) the postings of ticket id for every term of ts.
 * del counts the postings it removed in *removed (may be NULL). */
sd_err sd_search_put_in(struct sd_txn *t, uint64_t id, const struct sd_search_terms *ts);
sd_err sd_search_del_in(struct sd_txn *t, uint64_t id, const struct sd_search_terms *ts,
                        uint64_t *removed);
/* Tokenise, hash and put in one call (ticket create, comment). */
sd_err sd_search_index_in(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id, const char *s,
                          size_t n);
/* The same for folded text f[0..n) (ticket create: the text pipeline's fold). */
sd_err sd_search_index_folded_in(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id,
                                 const char *f, size_t n);
/* Remove every posting (search key rotation rebuilds the index). */
sd_err sd_search_clear_in(struct sd_txn *t);

/* Called for each ticket id holding every query term, newest first; set *stop to end. */
typedef sd_err (*sd_search_hit_fn)(void *ctx, uint64_t id, bool *stop);
/* Query q[0..n) in txn t (read or write). SD_E_INVALID: not valid text or no term in it;
 * SD_E_LIMIT: longer than SD_SEARCH_QUERY_MAX, more than SD_SEARCH_QUERY_TERMS words (a Latin
 * word, or a run of Han/Hangul/kana characters, is one word) or more than SD_SEARCH_QUERY_KEYS
 * distinct terms (a CJK run of K characters makes K-1 bigrams: a Chinese run of at most
 * SD_SEARCH_QUERY_KEYS + 1 characters is searchable). At most
 * max_scan candidates (0: SD_SEARCH_SCAN_MAX) are handed to fn; *truncated (may be NULL) tells
 * whether more were left. digest (may be NULL, 32 bytes) gets SHA-256 of the sorted keyed term
 * hashes: a keyed digest of the query for the audit entry, never the text. */
sd_err sd_search_query_in(struct sd_txn *t, const struct sd_keyring *kr, const char *q, size_t n,
                          size_t max_scan, sd_search_hit_fn fn, void *ctx, bool *truncated,
                          uint8_t digest[32]);

#endif
