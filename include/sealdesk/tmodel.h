/* The shipped statistical triage model (issue #17): one-vs-rest logistic regression (L2) over
 * hashed features of folded ticket text (sd_text_fold output): Latin words, word bigrams and
 * 3..5-character n-grams within words, Han/Hangul/kana character 1..3-grams, with a negator
 * ("not", "didn't", 不, 没, 안, ...) marking the words or characters after it (NOT_word).
 *
 * The feature hash is UNKEYED on purpose: the model is trained on the public labelled sets
 * shipped with the code (data/triage/, tools/triage_train), never on customer text, so its
 * weights reveal nothing about any customer. (src/learn, which learns from the desk's own
 * corrections, keeps its keyed hash.) data/triage.model is embedded at build; `make
 * triage-model` regenerates it and ctest model.up_to_date checks that it did not drift.
 *
 * Heads: 8 categories (enum sd_category order), 4 priorities (P1..P4), 1 fund safety. */
#ifndef SEALDESK_TMODEL_H
#define SEALDESK_TMODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

#define SD_TMODEL_CATS  8
#define SD_TMODEL_PRIOS 4
#define SD_TMODEL_HEADS (SD_TMODEL_CATS + SD_TMODEL_PRIOS + 1) /* the last: fund safety */

/* Limits of the model format; exceeding one fails the parse with SD_E_LIMIT. */
#define SD_TMODEL_MAX_BYTES ((size_t)8 << 20) /* whole model text */
#define SD_TMODEL_MAX_LINE  512               /* bytes per line */
#define SD_TMODEL_MAX_ROWS  65535             /* weight rows (hashed features kept) */
#define SD_TMODEL_BITS      18                /* feature buckets: 1 << SD_TMODEL_BITS */

/* Largest folded text sd_tmodel_predict reads; longer text is cut there (a prefix). */
#define SD_TMODEL_MAX_TEXT ((size_t)64 * 1024)

/* A loaded model: opaque, immutable, safe to share between threads. */
struct sd_tmodel;

/* What the model says about one text, and the bounded part it adds to the rules. */
struct sd_tmodel_out {
    float cat[SD_TMODEL_CATS];   /* per-category probability (normalised, sums to 1) */
    float prio[SD_TMODEL_PRIOS]; /* per-priority probability (normalised), [0] = P1 */
    float fund;                  /* P(fund safety) */
    int cat_adj[SD_TMODEL_CATS]; /* term added to each category's rule score, bounded */
    int prio_target;             /* 2..4 when confident (the rules' priority moves to it), 0 */
    bool fund_raise;             /* P(fund safety) over the model's threshold: security P1 */
    bool money_raise;            /* over the lower money-leaving bar (money_raise, money_agree):
                                    sd_triage_classify raises only when its rules read money
                                    leaving (a withdrawal rule fired) */
    bool veto_over;              /* over the veto bar (veto_raise, with p1_agree): a calm or
                                    question rule does not hold the raise back (round 13) */
    bool applied;                /* set by the caller: the category term was used */
    unsigned features;           /* features hashed */
};

/* Parse a model text (the data/triage.model format, documented in src/tmodel/tmodel.c).
 * text[0..len) is borrowed. On success *out is new (free with sd_tmodel_free) and *errline is
 * 0; on failure *out is NULL and *errline (if not NULL) the 1-based line of the first bad line
 * (0 when not tied to a line): SD_E_INVALID (syntax, bad checksum: the checksum line's number),
 * SD_E_LIMIT, SD_E_NOMEM. */
sd_err sd_tmodel_parse(struct sd_tmodel **out, const char *text, size_t len, size_t *errline);

/* The model compiled into the library from data/triage.model; each call a new object. */
sd_err sd_tmodel_default(struct sd_tmodel **out);

/* NULL is a no-op. */
void sd_tmodel_free(struct sd_tmodel *m);

/* Score folded[0..flen) (sd_text_fold output; at most SD_TMODEL_MAX_TEXT bytes are read).
 * Fills *out (including the bounded adjustment of the model's parameters; none for a text of
 * fewer than 8 features, e.g. a lone word or address). No allocation.
 * SD_E_INVALID if m or out is NULL or folded is NULL with flen > 0. */
sd_err sd_tmodel_predict(const struct sd_tmodel *m, const char *folded, size_t flen,
                         struct sd_tmodel_out *out);

/* One explanation line ("model: account=0.12 ... P(fund safety)=0.03 ...") into buf[0..cap),
 * NUL-terminated, truncated to fit. Returns buf. */
const char *sd_tmodel_explain(const struct sd_tmodel_out *o, char *buf, size_t cap);

/* ---- training (tools/triage_train) ---- */

/* Training and combination parameters; sd_tmodel_params_default fills the shipped values.
 * The combination ones are written into the model text and read back by the parser. */
struct sd_tmodel_params {
    unsigned epochs;    /* passes of SGD over the examples */
    double rate;        /* learning rate */
    double l2;          /* L2 penalty */
    double fund_pos;    /* weight of a fund-safety positive (recall first) */
    double fund_neg;    /* weight of a fund-safety negative of category security or account:
                          the alarming non-P1 tickets (ignored phishing, lost 2FA alone, own
                          logins) the model confuses with theft */
    double prune;       /* weights below this (absolute) are dropped from the model */
    double dropout;     /* share of an example's features left out at each step (0..0.9) */
    unsigned average;   /* the model is the mean of the weights after the last N epochs (all
                          when fewer; 0: the last epoch's) */
    int cat_weight;     /* category term: round(cat_weight * (2p - 1)), p the category's
                           normalised probability (round 11) */
    int cat_cap;        /* |category term| <= cat_cap */
    double prio_conf;   /* priority probability needed to move the rules' priority */
    double fund_raise;  /* P(fund safety) needed to raise to security P1 */
    double p1_agree;    /* and the P1 priority head's (normalised) probability needed with it */
    double money_raise; /* the same bar for a text the rules read as money leaving (round 11);
                           above 1: off */
    double money_agree; /* and its P1 head bar */
    double veto_raise;  /* P(fund safety) over which (with the P1 head over p1_agree) a fired
                           calm or security-question rule no longer vetoes the raise (round
                           13); above 1: off */
};

void sd_tmodel_params_default(struct sd_tmodel_params *p);

/* Replace the combination parameters of a loaded model (cat_weight, cat_cap, prio_conf,
 * fund_raise, p1_agree, money_raise, money_agree, veto_raise of p; for tuning: tools/triage_train --eval). Not while it scores. */
void sd_tmodel_set_params(struct sd_tmodel *m, const struct sd_tmodel_params *p);

struct sd_tmodel_trainer;

/* New trainer (free with sd_tmodel_trainer_free). SD_E_INVALID for a NULL argument or a
 * dropout outside 0..0.9. */
sd_err sd_tmodel_trainer_new(struct sd_tmodel_trainer **out, const struct sd_tmodel_params *p);
/* Add one example: folded text, category 0..7, priority 1..4, fund-safety label (security
 * P1). SD_E_INVALID for a label out of range, SD_E_LIMIT past 100,000 examples. */
sd_err sd_tmodel_trainer_add(struct sd_tmodel_trainer *t, const char *folded, size_t flen, int cat,
                             int prio, bool fund);
/* Train (deterministic: same examples in the same order, same model text) and append the
 * model text to out. */
sd_err sd_tmodel_train(struct sd_tmodel_trainer *t, struct sd_buf *out);
void sd_tmodel_trainer_free(struct sd_tmodel_trainer *t);

#endif
