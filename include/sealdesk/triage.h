/* Rule-based ticket triage: category and priority from ticket text (zh, en, ko, mixed).
 *
 * Rules are plain text (format documented at the top of data/triage.rules) and are matched
 * against sd_text_fold'ed text, so full-width, case and traditional Chinese need no extra rules.
 * Matching is one Aho-Corasick pass over the text: linear in the text length, no backtracking.
 * Fund-safety signals force security + P1 (DESIGN.md, "Triage"). */
#ifndef SEALDESK_TRIAGE_H
#define SEALDESK_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "sealdesk/err.h"
#include "sealdesk/tmodel.h"

/* Enum order is fixed: other modules store and compare these values. */
enum sd_category {
    SD_CAT_ACCOUNT,
    SD_CAT_DEPOSIT,
    SD_CAT_WITHDRAWAL,
    SD_CAT_TRADING,
    SD_CAT_SECURITY,
    SD_CAT_TECHNICAL,
    SD_CAT_COMPLIANCE,
    SD_CAT_GENERAL,
    SD_CAT_COUNT
};

/* Limits of the rules format; exceeding one fails the parse with SD_E_LIMIT. */
#define SD_TRIAGE_RULES_MAX_BYTES   ((size_t)1 << 20) /* whole rules text */
#define SD_TRIAGE_MAX_LINE          8192              /* bytes per line */
#define SD_TRIAGE_MAX_RULES         1024              /* cat + prio + fund_safety rules */
#define SD_TRIAGE_MAX_SETS          512               /* named sets */
#define SD_TRIAGE_MAX_SET_SIZE      1024              /* literals in one set (after @includes) */
#define SD_TRIAGE_MAX_LITERALS      16384             /* distinct literals in all rules */
#define SD_TRIAGE_MAX_LITERAL_BYTES 96                /* one literal, after folding */
#define SD_TRIAGE_MAX_TERMS         256               /* "|" alternatives in one rule */
#define SD_TRIAGE_MAX_PARTS         6                 /* "&" parts in one alternative */
#define SD_TRIAGE_MAX_NEAR          200               /* largest N in "A ~N B", in characters */
#define SD_TRIAGE_MAX_NAME          32                /* rule and set names, bytes */

/* Largest subject + body accepted by sd_triage_classify, bytes. */
#define SD_TRIAGE_MAX_TEXT ((size_t)256 * 1024)

/* priority is an int 1..4 (P1..P4, 1 = most urgent) */

/* Lower-case name ("account", "deposit", ...); static storage. "unknown" if c is out of range. */
const char *sd_category_name(enum sd_category c);

/* Parse a lower-case category name (NUL-terminated s). SD_E_INVALID if s is NULL or unknown. */
sd_err sd_category_parse(enum sd_category *out, const char *s);

/* Compiled rules: opaque, immutable after load, safe to share between threads. */
struct sd_triage_rules;

/* Parse rules text text[0..len) (the data/triage.rules format; need not be NUL-terminated).
 * On success *out is a new object the caller frees with sd_triage_rules_free, and *errline (if
 * errline is not NULL) is 0. On failure *out is NULL and *errline is the 1-based line number of
 * the first bad line (0 if the failure is not tied to a line):
 * SD_E_INVALID for a malformed line (bad syntax, unknown category, undefined @set, invalid
 * UTF-8, ...), SD_E_LIMIT when a limit above is exceeded, SD_E_NOMEM. text is borrowed. */
sd_err sd_triage_rules_parse(struct sd_triage_rules **out, const char *text, size_t len,
                             size_t *errline);

/* Read and parse the rules file at path (data/triage.rules format, at most
 * SD_TRIAGE_RULES_MAX_BYTES bytes). No model is attached. Same ownership and *errline as
 * sd_triage_rules_parse; besides its errors: SD_E_NOTFOUND when path does not exist, SD_E_IO
 * when it cannot be opened or read, SD_E_LIMIT when the file is larger than the limit. */
sd_err sd_triage_rules_load_file(struct sd_triage_rules **out, const char *path, size_t *errline);

/* Parse the default rules compiled into the library from data/triage.rules. Same ownership
 * as sd_triage_rules_parse; each call returns a new object. */
sd_err sd_triage_rules_default(struct sd_triage_rules **out);

/* Attach the statistical model m (sealdesk/tmodel.h; r takes ownership, NULL detaches; a model
 * attached before is freed). sd_triage_rules_default attaches the shipped one; parsed rules
 * have none. Not while a classification runs on r. */
void sd_triage_rules_set_model(struct sd_triage_rules *r, struct sd_tmodel *m);

/* Free rules; NULL is a no-op. No classification may be running on r. */
void sd_triage_rules_free(struct sd_triage_rules *r);

#define SD_TRIAGE_MAX_SIGNALS 16

/* What the model trained by the desk's corrections (src/learn, sd_learn_adjust) adds to the
 * rules. Never applied when a fund-safety signal fired or when the rules alone choose security
 * or P1: P1/security from the rules stays P1/security. */
struct sd_triage_learned {
    bool active;           /* false: the model had too few examples, nothing is applied */
    int cat[SD_CAT_COUNT]; /* added to each category's rule score (bounded by src/learn) */
    int prio;              /* 1..4 the model's priority, 0 none: the rules' priority moves one
                              level towards it, and a P1 of the rules is never lowered */
    unsigned examples;     /* examples the model holds */
    unsigned coverage_pct; /* share of the text's features the model has seen, 0..100 */
    int prio_evidence;     /* the evidence for prio (relative lift, hundredths) */
    bool floor;            /* set by classify: a fund-safety signal, or the rules' own choice of
                              security or P1, kept the model out */
};

struct sd_triage_result {
    enum sd_category category;
    int priority;     /* 1..4 after the VIP raise */
    bool fund_safety; /* a fund-safety signal fired: forces security + P1 */
    size_t n_signals;
    /* Names of the rules that fired, NUL-terminated, in this order: fund-safety rules
     * ("fund_safety:<name>"), rules for the chosen category ("cat:<category>:<name>"),
     * priority rules that applied ("prio:<1-4>:<name>"), rules for other categories, and
     * "vip_raise" last when VIP raised the priority. Truncated to SD_TRIAGE_MAX_SIGNALS
     * ("vip_raise" is always kept). Rule names come from the rules text, never ticket text. */
    char signals[SD_TRIAGE_MAX_SIGNALS][48];
    /* For explanations (sealctl triage --explain): the rules' own score per category, the
     * rules' priority before the model and the VIP raise, and the learned part applied. */
    int rule_score[SD_CAT_COUNT];
    int rule_priority;
    struct sd_triage_learned learned;
    /* The statistical model's view and part (model.applied: its category term and priority
     * were used; model.fund_raise: it raised the ticket to security P1, "fund_safety:model").
     * All zero when the rules have no model. */
    struct sd_tmodel_out model;
};

/* Classify subject[0..slen) + body[0..blen) (UTF-8; either may be empty and then may be NULL).
 * Fund-safety rule fired, or a seed phrase or private key pasted -> security, P1. Otherwise the category with the highest positive
 * summed weight of its fired "cat" rules (ties broken by the rules' "tiebreak" order), or
 * general when none is positive; the priority is the most urgent fired "prio" rule whose scope
 * includes that category, else the category's "default". vip raises the priority one level
 * (P4->P3 ..., P1 stays P1). Empty text gives general with general's default (P4 in the
 * default rules). Redaction markers ("[REDACTED:kind]", see redact.h) are ignored.
 * Returns SD_OK; SD_E_INVALID if r or out is NULL or either text fails sd_text_valid;
 * SD_E_LIMIT if slen + blen > SD_TRIAGE_MAX_TEXT; SD_E_NOMEM. *out is fully written on SD_OK.
 * Thread-safe: r is only read; scratch memory is per call and wiped (ticket text is PII). */
sd_err sd_triage_classify(const struct sd_triage_rules *r, const char *subject, size_t slen,
                          const char *body, size_t blen, bool vip, struct sd_triage_result *out);

/* The same, for text the caller has already redacted (sd_redact): `secrets` has bit
 * (1u << enum sd_redact_kind) set for each kind of secret the redactor removed from it.
 * sd_triage_classify finds them itself by running the redactor over its input (scratch copy,
 * wiped). A seed phrase or a private key forces security P1 ("fund_safety:pasted_secret"
 * first among the signals): whoever saw it can move the funds now. */
sd_err sd_triage_classify_found(const struct sd_triage_rules *r, const char *subject, size_t slen,
                                const char *body, size_t blen, bool vip, unsigned secrets,
                                struct sd_triage_result *out);

/* The same on text already folded by the caller: folded[0..flen) must be
 * sd_text_fold(subject) " " sd_text_fold(body) (what sd_triage_classify_found builds itself;
 * the one text pipeline, textpipe.h, folds once and shares it). Neither validated nor folded
 * again here. SD_E_INVALID if r or out is NULL or folded is NULL with flen > 0; SD_E_LIMIT if
 * flen > 2 * SD_TRIAGE_MAX_TEXT; SD_E_NOMEM. folded is borrowed, not modified. */
sd_err sd_triage_classify_folded(const struct sd_triage_rules *r, const char *folded, size_t flen,
                                 bool vip, unsigned secrets, struct sd_triage_result *out);
/* sd_triage_classify_found with the model's adjustment (NULL or inactive: the rules alone). */
sd_err sd_triage_classify_learned(const struct sd_triage_rules *r, const char *subject, size_t slen,
                                  const char *body, size_t blen, bool vip, unsigned secrets,
                                  const struct sd_triage_learned *learned,
                                  struct sd_triage_result *out);
/* sd_triage_classify_folded with the model's adjustment (the one text pipeline's folded text). */
sd_err sd_triage_classify_folded_learned(const struct sd_triage_rules *r, const char *folded,
                                         size_t flen, bool vip, unsigned secrets,
                                         const struct sd_triage_learned *learned,
                                         struct sd_triage_result *out);

#endif
