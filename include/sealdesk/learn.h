/* Triage that learns from the desk (issue 17 item 3): a small naive Bayes model over HASHED
 * features of a ticket's folded text, trained by the corrections agents and supervisors make
 * (sd_ticket_set_triage), that adjusts the rule scores of sd_triage_classify. The evidence for
 * a class is the mean over the text's features of log(P(f | class) / P(f)) (presence counts,
 * P(f | class) smoothed towards P(f); features in over 10% of all examples skipped): about 0
 * for text unlike the examples, so the model only speaks for phrasing the desk has corrected.
 * It maps to at most +-SD_LEARN_CAT_CAP per category score and a priority one level away.
 *
 * Features: word and 3..5 character n-grams of Latin-script words, 1..3 character n-grams of
 * CJK and Hangul runs, of sd_text_fold'ed (already redacted) text. Each is reduced to a bucket
 * id in [0, SD_LEARN_DIM) by a keyed SipHash whose key comes from the keyring (blind-index key,
 * kind SD_BIDX_LEARN): the store holds bucket ids and counts only, never text. The key follows
 * the blind-index key, so `bidx-rotate` hashes every example again (sd_learn_label_in).
 *
 * LMDB table SD_DB_LEARN:
 *   'e' | u64 data key id | u64 ticket id -> one example: u8 version | u8 category | u8 priority
 *                                           | u8 0 | u16 n | u16 bucket[n] (sorted, distinct)
 *   'w' | u16 shard -> counts of SD_LEARN_SHARD buckets x (SD_CAT_COUNT + 4) classes (u32 each)
 *   't' -> u32 docs[SD_CAT_COUNT + 4] | u32 features[SD_CAT_COUNT + 4] (totals per class)
 * Examples are keyed by the ticket's customer data key, so a shred (sd_learn_forget_in) finds
 * and removes them with a prefix scan; the counts are updated in the same txn. */
#ifndef SEALDESK_LEARN_H
#define SEALDESK_LEARN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"
#include "sealdesk/triage.h"

struct sd_txn;
struct sd_keyring;

#define SD_LEARN_DIM          32768u /* hashed feature buckets */
#define SD_LEARN_SHARD        256u   /* buckets per stored shard */
#define SD_LEARN_MAX_FEATURES 1024u  /* distinct buckets kept per example */
#define SD_LEARN_MAX_TEXT     8192u  /* folded bytes of a ticket looked at */
#define SD_LEARN_MIN_EXAMPLES 6u     /* no adjustment before this many examples in all */
#define SD_LEARN_MIN_CLASS    2u     /* a class counts once it has this many examples */
/* |learned adjustment| of one category's rule score: twice the shipped model's category cap
 * (3 since round 11; was 4 against 2), so the desk's own corrections outvote it as before */
#define SD_LEARN_CAT_CAP      6
#define SD_LEARN_EXPLAIN_LINE 160u /* bytes of one explanation line, NUL included */
#define SD_LEARN_EXPLAIN_MAX  24u  /* explanation lines */

/* The learned adjustment for subject[0..slen) + body[0..blen) (UTF-8, redacted), read in txn t
 * (read or write), with the feature key from kr. out is fully written: all zero (active false)
 * while the model has fewer than SD_LEARN_MIN_EXAMPLES examples or fewer than two classes with
 * SD_LEARN_MIN_CLASS each. SD_E_INVALID for bad arguments or invalid UTF-8, SD_E_STORE. */
sd_err sd_learn_adjust(struct sd_txn *t, const struct sd_keyring *kr, const char *subject,
                       size_t slen, const char *body, size_t blen, struct sd_triage_learned *out);

/* Inside write txn t: ticket `ticket` (customer data key `dkey`) is now labelled category /
 * priority (1..4): its previous example (if any) is taken out of the counts, the new one
 * (features of subject + body) put in. SD_E_INVALID for bad arguments. */
sd_err sd_learn_train_in(struct sd_txn *t, const struct sd_keyring *kr, uint64_t dkey,
                         uint64_t ticket, const char *subject, size_t slen, const char *body,
                         size_t blen, enum sd_category category, int priority);

/* The label of the example stored for ticket `ticket` under data key `dkey`, read in txn t:
 * SD_OK with *category and *priority, SD_E_NOTFOUND when there is none, SD_E_STORE for a bad
 * record. bidx-rotate uses it to hash the example again under the new feature key
 * (sd_learn_train_in with the same label takes the old buckets out of the counts). */
sd_err sd_learn_label_in(struct sd_txn *t, uint64_t dkey, uint64_t ticket,
                         enum sd_category *category, int *priority);

/* Inside write txn t: remove every example stored under data key `dkey` from the table and
 * the counts (a customer shred). *removed (may be NULL) gets how many. */
sd_err sd_learn_forget_in(struct sd_txn *t, uint64_t dkey, uint64_t *removed);

/* Number of stored examples (SD_OK, 0 when none). */
sd_err sd_learn_count(struct sd_txn *t, uint64_t *n);

/* The hashed features of a text (exposed for tests): sorted distinct bucket ids into
 * out[0..*n), at most SD_LEARN_MAX_FEATURES. */
sd_err sd_learn_features(const struct sd_keyring *kr, const char *subject, size_t slen,
                         const char *body, size_t blen, uint16_t *out, size_t *n);

/* Human-readable explanation of r (rules fired with the per-category rule scores, the learned
 * adjustments, the final decision): up to cap lines of SD_LEARN_EXPLAIN_LINE bytes into
 * lines; returns the count. No ticket text: rule names, category names and numbers only. */
size_t sd_learn_explain(const struct sd_triage_result *r, char (*lines)[SD_LEARN_EXPLAIN_LINE],
                        size_t cap);

#endif
