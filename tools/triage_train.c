/* triage_train: train the shipped statistical triage model (src/tmodel, sealdesk/tmodel.h) from
 * labelled JSON Lines sets (../shared/data/TRIAGE.md format) and write data/triage.model.
 *
 * usage: triage_train [--out FILE] [OPTIONS] TRAIN.jsonl ...
 *        triage_train --eval VAL.jsonl [--eval ...] [--grid] [OPTIONS] TRAIN.jsonl ...
 * OPTIONS: --epochs N --rate X --l2 X --fund-pos X --fund-neg X --dropout X --average N --prune X
 *          --view (train on the mail view triage reads) --augment MASK (up to 4: one surface variant
 *          of each text per flag; 1 no punctuation, 2 unspaced CJK, 4 a Latin typo, 8 a greeting
 *          and sign-off, 16 a plain copy) (training) and --cat-weight N --cat-cap N --prio-conf X --fund-raise X --p1-agree X --money-raise X --money-agree X --veto-raise X (combination
 *          with the rules); defaults are the shipped values (sd_tmodel_params_default). Output is deterministic: the same
 *          files in the same order give the same bytes (`make triage-model`; ctest
 *          model.up_to_date compares the committed model with a fresh run).
 * --verbose (with --eval) prints each P1 miss and P1 false positive on stderr: tuning sets only;
 * --verbose-prio also every other priority error (gold -> got, the rules' and the model's);
 * --verbose-cat every category error of the rules + model pass (gold -> got, the rules' and the
 * model's category, who was wrong: "model", "rules" or "both"), tuning sets only too.
 * tools/triage_xval.sh runs --eval leaving out one writer's sets at a time (cross-writer).
 * --eval trains on the TRAIN files only, then classifies each VAL file with the default rules
 * alone and with the rules plus the fresh model (exactly what `sealctl triage --text` does with
 * subject "\n" body) and prints category / priority accuracy, P1 recall and P1 false positives
 * for both; --grid repeats that over a grid of combination parameters (cross-validation).
 * --rules FILE evaluates with those rules (an older commit's data/triage.rules: the rules
 * before they had seen a writer, data/triage/README.md "Round 11, brief F") instead of the
 * default ones; --p1-grid repeats the rules+model pass over a grid of the P1 raise thresholds
 * (fund_raise x p1_agree) and prints each point per file: the recall / false-P1 curve.
 * --dump FILE writes one line of numbers per --eval ticket (no text): file index, gold
 * priority, the priority without the model's raise, whether the raise may fire (no rule
 * fund-safety signal, no veto, enough text), P(fund safety), the P1 head, the gold category,
 * the category without the raise and the rules' score per category, then after a '|' whether
 * the rules alone chose fund safety, whether the model's category term applied, the category
 * and raise with the given parameters and the model's 8 category probabilities: for
 * simulating raise and category-combination mechanisms offline (tuning sets only, never held
 * out).
 * --model FILE (with --eval) evaluates a model an earlier run wrote with --out instead of training
 * one (training files, if given, are ignored): a blind fold's model is trained once and several
 * rules files are judged against it (data/triage/README.md "Round 12, brief Q").
 * Each line must be an object with string "subject", "body", "category" (a TRIAGE.md category)
 * and "priority" ("P1".."P4"); a bad line stops the run naming the file, line and field. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/buf.h"
#include "sealdesk/text.h"
#include "sealdesk/tmodel.h"
#include "sealdesk/triage.h"
#include "sealdesk/version.h"
#include "text/tstruct.h"

#define USAGE                                                                              \
    "usage: triage_train [--out FILE] [--eval VAL.jsonl]... [--grid] [--verbose] "         \
    "[--verbose-prio] [--verbose-cat]\n"                                                   \
    "       [--epochs N] [--rate X] [--l2 X] [--fund-pos X] [--fund-neg X] [--dropout X] " \
    "[--average N] "                                                                       \
    "[--prune X]\n"                                                                        \
    "       [--view] [--augment MASK]... [--cat-weight N] [--cat-cap N]\n"                 \
    "       [--prio-conf X] [--fund-raise X] [--p1-agree X] [--money-raise X]\n"           \
    "       [--money-agree X] [--veto-raise X] [--rules FILE] [--p1-grid]\n"               \
    "       [--dump FILE] [--model FILE] TRAIN.jsonl...\n"

/* per list (training, --eval): 38 training files in round 9, 71 in round 12 */
#define MAX_FILES   128
#define STR_(x)     #x
#define STR(x)      STR_(x) /* a limit's value in a message, from its macro */
#define MAX_TICKETS 20000
#define MAX_LINE    (64 * 1024)
#define MAX_AUG     4                  /* --augment variants per training text */
#define MAX_MODEL   (16 * 1024 * 1024) /* --model file size (data/triage.model: ~4.1 MB) */

struct ticket {
    char *text; /* subject "\n" body */
    int cat, prio;
    int rules_cat; /* the rules-alone pass's category (--verbose-cat), -1 before it ran */
};

struct set {
    const char *path;
    struct ticket *t;
    size_t n;
};

static int
fail(const char *path, size_t line, const char *what)
{
    fprintf(stderr, "triage_train: %s:%zu: %s\n", path, line, what);
    return 1;
}

static int
read_set(const char *path, struct set *s)
{
    FILE *f = fopen(path, "rb");
    char *line = malloc(MAX_LINE + 2);
    size_t no = 0;
    int rc = 0;

    s->path = path;
    s->t = calloc(MAX_TICKETS, sizeof(*s->t));
    s->n = 0;
    if(!f || !line || !s->t) {
        rc = fail(path, 0, f ? "out of memory" : "cannot open");
        goto out;
    }
    while(fgets(line, MAX_LINE + 2, f)) {
        json_error_t je;
        json_t *o;
        const char *sub, *body, *cat, *pri;
        size_t len = strlen(line);
        enum sd_category c;

        no++;
        if(len > MAX_LINE) {
            rc = fail(path, no, "line longer than 65536 bytes");
            goto out;
        }
        if(len <= 1)
            continue;
        if(s->n == MAX_TICKETS) {
            rc = fail(path, no, "more than 20000 tickets");
            goto out;
        }
        o = json_loads(line, JSON_REJECT_DUPLICATES, &je);
        if(!o || !json_is_object(o)) {
            json_decref(o);
            rc = fail(path, no, "not a JSON object");
            goto out;
        }
        sub = json_string_value(json_object_get(o, "subject"));
        body = json_string_value(json_object_get(o, "body"));
        cat = json_string_value(json_object_get(o, "category"));
        pri = json_string_value(json_object_get(o, "priority"));
        if(!sub || !body) {
            json_decref(o);
            rc = fail(path, no,
                      sub ? "\"body\": missing or not a string"
                          : "\"subject\": missing or not a string");
            goto out;
        }
        if(!cat || sd_category_parse(&c, cat) != SD_OK) {
            json_decref(o);
            rc = fail(path, no, "\"category\": not a TRIAGE.md category");
            goto out;
        }
        if(!pri || strlen(pri) != 2 || pri[0] != 'P' || pri[1] < '1' || pri[1] > '4') {
            json_decref(o);
            rc = fail(path, no, "\"priority\": not P1..P4");
            goto out;
        }
        s->t[s->n].cat = (int)c;
        s->t[s->n].prio = pri[1] - '0';
        s->t[s->n].rules_cat = -1;
        s->t[s->n].text = malloc(strlen(sub) + strlen(body) + 2);
        if(!s->t[s->n].text) {
            json_decref(o);
            rc = fail(path, no, "out of memory");
            goto out;
        }
        sprintf(s->t[s->n].text, "%s\n%s", sub, body);
        s->n++;
        json_decref(o);
    }
out:
    free(line);
    if(f)
        (void)fclose(f); /* read only: nothing to lose */
    if(rc) {             /* nothing kept on failure */
        for(size_t i = 0; s->t && i < s->n; i++)
            free(s->t[i].text);
        free(s->t);
        s->t = NULL;
        s->n = 0;
    }
    return rc;
}

/* The folded text sd_triage_classify builds for subject "" and body text. */
static int
fold(struct sd_buf *b, const char *text)
{
    b->len = 0;
    if(sd_buf_append_byte(b, ' ') != SD_OK || sd_text_fold(b, text, strlen(text)) != SD_OK)
        return 1;
    return 0;
}

/* ---- augmentation (round 10): surface variants the unseen writers use ----------------------
 * Each training text is also added once in a variant of its surface (same labels): the writers
 * the model has not seen drop punctuation, drop the spaces of Korean, mistype a letter of a
 * Latin word and wrap the ticket in greetings and sign-offs. The variant is drawn from a fixed
 * xorshift stream (deterministic: the same files give the same model). Folded text in and out
 * (lower case, simplified Chinese: sd_text_fold already maps case and traditional forms). */
enum {
    AUG_NOPUNCT = 1, /* sentence punctuation becomes a blank */
    AUG_UNSPACE = 2, /* the blank between two Hangul or two Han characters goes */
    AUG_TYPO = 4,    /* a letter of a Latin word of 4+ letters dropped, doubled or swapped */
    AUG_WRAP = 8,    /* a greeting before and a sign-off after, in the text's script */
};

static uint64_t
aug_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The code point at s[*i..n) (folded text is valid UTF-8; a bad byte is returned as itself). */
static int32_t
aug_cp(const uint8_t *s, size_t n, size_t *i)
{
    uint8_t c = s[*i];
    size_t len = c >= 0xc2 && c < 0xe0   ? 2
                 : c >= 0xe0 && c < 0xf0 ? 3
                 : c >= 0xf0 && c < 0xf5 ? 4
                                         : 1;
    int32_t cp;

    if(len == 1 || *i + len > n) {
        (*i)++;
        return c;
    }
    cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
    for(size_t k = 1; k < len; k++)
        cp = (cp << 6) | (s[*i + k] & 0x3f);
    *i += len;
    return cp;
}

static bool
aug_punct(int32_t cp)
{
    return cp == '.' || cp == ',' || cp == ';' || cp == '!' || cp == '?' || cp == ':' ||
           cp == 0x3002 || cp == 0xff0c || cp == 0xff1b || cp == 0xff01 || cp == 0xff1f ||
           cp == 0x3001 || cp == 0xff1a;
}

static bool
aug_cjk(int32_t cp)
{
    enum sd_text_class c = cp >= 0x80 ? sd_text_cclass(cp) : SD_TC_SEP;

    return c == SD_TC_HAN || c == SD_TC_HANGUL;
}

/* Greetings and sign-offs (folded: lower case, simplified), by script. */
static const char *const wrap_open[3][4] = {
    {"hi there, ", "hello support team\n", "good morning. ", "hey "},
    {"你好,", "客服您好\n", "在吗 ", "您好,打扰一下。"},
    {"안녕하세요 ", "고객센터님 안녕하세요\n", "저기요 ", "수고하십니다. "},
};
static const char *const wrap_close[3][4] = {
    {" thanks", "\nthank you in advance\nregards", " pls help asap", "\nbest, sent from my phone"},
    {" 谢谢", "\n麻烦尽快处理,谢谢", " 急", "\n辛苦了"},
    {" 감사합니다", "\n빠른 답변 부탁드립니다", " ㅠㅠ", "\n수고하세요"},
};

/* Append to out a variant of folded s[0..n): the kinds of mask, each drawn with probability
 * 1/2 (at least one). Returns 0, or 1 when out cannot grow. */
static int
augment(struct sd_buf *out, const uint8_t *s, size_t n, unsigned mask, uint64_t *rng)
{
    unsigned kinds = 0;
    size_t han = 0, hangul = 0, wstart = 0;
    int script;
    bool in_word = false;

    for(int tries = 0; kinds == 0 && tries < 16; tries++)
        kinds = (unsigned)aug_rand(rng) & mask;
    if(kinds == 0)
        kinds = mask;
    for(size_t i = 0; i < n;) {
        int32_t cp = aug_cp(s, n, &i);
        enum sd_text_class c = cp >= 0x80 ? sd_text_cclass(cp) : SD_TC_SEP;

        han += c == SD_TC_HAN;
        hangul += c == SD_TC_HANGUL;
    }
    script = hangul > 0 && hangul >= han ? 2 : han > 0 ? 1 : 0;
    out->len = 0;
    if((kinds & AUG_WRAP) && sd_buf_append_str(out, wrap_open[script][aug_rand(rng) % 4]) != SD_OK)
        return 1;
    for(size_t i = 0, prev = 0; i < n;) {
        size_t at = i;
        int32_t cp = aug_cp(s, n, &i);
        bool letter = (cp >= 'a' && cp <= 'z');

        if(in_word && !letter) {
            /* a Latin word out[wstart..len) just ended: maybe a typo inside it */
            size_t wl = out->len - wstart;

            if((kinds & AUG_TYPO) && wl >= 4 && aug_rand(rng) % 3 == 0) {
                size_t k = wstart + 1 + (size_t)(aug_rand(rng) % (wl - 2));
                uint8_t *d = out->data;

                switch(aug_rand(rng) % 3) {
                case 0: /* drop */
                    memmove(d + k, d + k + 1, out->len - k - 1);
                    out->len--;
                    break;
                case 1: /* double */
                    if(sd_buf_append_byte(out, d[out->len - 1]) != SD_OK)
                        return 1;
                    d = out->data;
                    memmove(d + k + 1, d + k, out->len - k - 1);
                    break;
                default: { /* swap with the next */
                    uint8_t t = d[k];

                    d[k] = d[k + 1];
                    d[k + 1] = t;
                    break;
                }
                }
            }
            in_word = false;
        }
        if(letter && !in_word) {
            in_word = true;
            wstart = out->len;
        }
        if((kinds & AUG_NOPUNCT) && aug_punct(cp)) {
            if(sd_buf_append_byte(out, ' ') != SD_OK)
                return 1;
            prev = at;
            continue;
        }
        if((kinds & AUG_UNSPACE) && cp == ' ' && prev < at && i < n) {
            size_t p = prev, q = i;
            int32_t a = aug_cp(s, n, &p), b = aug_cp(s, n, &q);

            if(aug_cjk(a) && aug_cjk(b))
                continue;
        }
        if(sd_buf_append(out, s + at, i - at) != SD_OK)
            return 1;
        prev = at;
    }
    if((kinds & AUG_WRAP) && sd_buf_append_str(out, wrap_close[script][aug_rand(rng) % 4]) != SD_OK)
        return 1;
    return 0;
}

struct score {
    size_t n, cat, prio, p1, p1_hit, p1_fp;
};

/* --verbose: every P1 miss and P1 false positive on stderr (tuning sets only: never a
 * held-out set, data/triage/README.md); --verbose-prio: also every other priority error, with
 * the gold and chosen category and the rules' own priority */
static bool verbose, verbose_prio, verbose_cat;
static const char *pass_label = "rules"; /* which pass --verbose-prio prints */

/* --verbose-cat, rules + model pass: every category error with who was wrong: "model" (the
 * rules alone had it right and the model's term moved it, or its P1 raise made it security),
 * "rules" (the model's top category was right and the rules' score held), "both" */
static void
print_cat_error(const struct ticket *t, const struct sd_triage_result *res)
{
    int top = 0;
    const char *who;
    char line[301];
    size_t k = 0;

    for(; k < sizeof(line) - 1 && t->text[k]; k++) { /* one line a ticket */
        char ch = t->text[k];

        line[k] = ch;
        if(ch == '\n' || ch == '\r')
            line[k] = ' ';
    }
    line[k] = '\0';
    for(int c = 1; c < SD_TMODEL_CATS; c++)
        if(res->model.cat[c] > res->model.cat[top])
            top = c;
    if(t->rules_cat == t->cat)
        who = "model";
    else if(top == t->cat)
        who = "rules";
    else
        who = "both";
    fprintf(stderr, "CAT %s %s -> %s rules=%s model=%s(%.2f) raise=%d: %.300s\n", who,
            sd_category_name((enum sd_category)t->cat), sd_category_name(res->category),
            t->rules_cat >= 0 ? sd_category_name((enum sd_category)t->rules_cat) : "?",
            sd_category_name((enum sd_category)top), (double)res->model.cat[top],
            (int)res->model.fund_raise, line);
}

static void
classify_set(const struct sd_triage_rules *r, const struct set *s, struct score *sc)
{
    bool model_pass = strcmp(pass_label, "model") == 0;

    memset(sc, 0, sizeof(*sc));
    for(size_t i = 0; i < s->n; i++) {
        struct sd_triage_result res;
        struct ticket *t = &s->t[i];

        if(sd_triage_classify(r, "", 0, t->text, strlen(t->text), false, &res) != SD_OK)
            continue;
        if(!model_pass)
            t->rules_cat = (int)res.category;
        else if(verbose_cat && (int)res.category != t->cat)
            print_cat_error(t, &res);
        sc->n++;
        sc->cat += (int)res.category == t->cat;
        sc->prio += res.priority == t->prio;
        sc->p1 += t->prio == 1;
        sc->p1_hit += t->prio == 1 && res.priority == 1;
        sc->p1_fp += t->prio != 1 && res.priority == 1;
        if(verbose && (t->prio == 1) != (res.priority == 1))
            fprintf(stderr, "%s %s: P%d -> P%d rules=P%d raise=%d fund=%.2f: %.300s\n",
                    t->prio == 1 ? "P1_MISS" : "P1_FP", pass_label, t->prio, res.priority,
                    res.rule_priority, (int)res.model.fund_raise, (double)res.model.fund, t->text);
        else if(verbose_prio && t->prio != 1 && res.priority != 1 && res.priority != t->prio)
            fprintf(stderr, "PRIO %s: P%d -> P%d rules=P%d model=P%d %s -> %s: %.300s\n",
                    pass_label, t->prio, res.priority, res.rule_priority, res.model.prio_target,
                    sd_category_name((enum sd_category)t->cat), sd_category_name(res.category),
                    t->text);
    }
}

/* --rules FILE: read and parse a rules file into *out (no model attached) */
static int
load_rules(const char *path, struct sd_triage_rules **out)
{
    size_t errline = 0;
    char what[160];
    sd_err err = sd_triage_rules_load_file(out, path, &errline);

    if(err == SD_OK)
        return 0;
    if(err == SD_E_NOTFOUND || err == SD_E_IO)
        return fail(path, 0, err == SD_E_IO ? "cannot open or read" : "no such file");
    if(err == SD_E_INVALID)
        return fail(path, errline, "cannot parse the rules");
    (void)snprintf(what, sizeof(what),
                   "%s (file at most %zu bytes; other limits: sealdesk/triage.h)", sd_err_str(err),
                   SD_TRIAGE_RULES_MAX_BYTES);
    return fail(path, errline, err == SD_E_LIMIT ? what : sd_err_str(err));
}

/* --model FILE: read a model text (at most MAX_MODEL bytes; a blind fold's model written by an
 * earlier --out run) into *out; sd_tmodel_parse checks it when the evaluation loads it */
static int
load_model(const char *path, struct sd_buf *out)
{
    FILE *f = fopen(path, "rb");
    int rc = 0;

    if(!f)
        return fail(path, 0, "cannot open");
    if(sd_buf_reserve(out, MAX_MODEL + 1) != SD_OK) {
        rc = fail(path, 0, "out of memory");
        goto out;
    }
    out->len = fread(out->data, 1, MAX_MODEL + 1, f);
    if(ferror(f) || out->len > MAX_MODEL)
        rc = fail(path, 0, ferror(f) ? "cannot read" : "model file larger than 16 MiB");
out:
    (void)fclose(f); /* read only: nothing to flush */
    return rc;
}

static bool
has_signal(const struct sd_triage_result *res, const char *name)
{
    for(size_t k = 0; k < res->n_signals && k < SD_TRIAGE_MAX_SIGNALS; k++)
        if(strcmp(res->signals[k], name) == 0)
            return true;
    return false;
}

/* --dump: two passes per ticket, the raise never allowed (the priority without it) and always
 * allowed (thresholds 0: fund_safety:model fires exactly when nothing vetoes it) */
static int
dump_set(const struct sd_triage_rules *r, struct sd_tmodel *m, const struct sd_tmodel_params *p,
         const struct set *ev, size_t nev, const char *path)
{
    struct sd_tmodel_params q = *p;
    FILE *o = fopen(path, "w");
    int rc = 0;

    q.money_raise = 2.0; /* off: the raise below is the general one at 0 or never */
    q.veto_raise = 2.0;  /* off: a vetoed ticket never raises in the two passes below */
    if(!o)
        return fail(path, 0, "cannot write");
    for(size_t f = 0; f < nev; f++)
        for(size_t i = 0; i < ev[f].n; i++) {
            struct sd_triage_result no, any, act;
            const struct ticket *t = &ev[f].t[i];

            q.fund_raise = 1.01;
            q.p1_agree = 1.01;
            sd_tmodel_set_params(m, &q);
            if(sd_triage_classify(r, "", 0, t->text, strlen(t->text), false, &no) != SD_OK)
                continue;
            q.fund_raise = 0.0;
            q.p1_agree = 0.0;
            sd_tmodel_set_params(m, &q);
            if(sd_triage_classify(r, "", 0, t->text, strlen(t->text), false, &any) != SD_OK)
                continue;
            sd_tmodel_set_params(m, p); /* the shipped parameters */
            if(sd_triage_classify(r, "", 0, t->text, strlen(t->text), false, &act) != SD_OK)
                continue;
            fprintf(o, "%zu %d %d %d %.4f %.4f %d %d", f, t->prio, no.priority,
                    has_signal(&any, "fund_safety:model") ? 1 : 0, (double)any.model.fund,
                    (double)any.model.prio[0], t->cat, (int)no.category);
            for(size_t c = 0; c < SD_CAT_COUNT; c++)
                fprintf(o, " %d", any.rule_score[c]);
            /* round 12: the rest to simulate the category combination offline: whether the
             * rules alone chose fund safety, whether the model's term applied, the shipped
             * parameters' category and raise, and the model's normalised category probabilities */
            fprintf(o, " | %d %d %d %d", no.fund_safety ? 1 : 0, no.model.applied ? 1 : 0,
                    (int)act.category, act.model.fund_raise ? 1 : 0);
            for(size_t c = 0; c < SD_TMODEL_CATS; c++)
                fprintf(o, " %.4f", (double)no.model.cat[c]);
            (void)fputc('\n', o); /* a failed write shows in ferror below */
        }
    sd_tmodel_set_params(m, p);
    rc = ferror(o) ? 1 : 0; /* both checked: a write error, then the flush */
    if(fclose(o) != 0 || rc)
        rc = fail(path, 0, "cannot write");
    return rc;
}

static void
print_score(const char *label, const char *path, const struct score *s)
{
    printf("%-12s %-40s n=%-4zu category=%.3f priority=%.3f p1_recall=%.3f p1_fp=%zu p1=%zu/%zu\n",
           label, path, s->n, s->n ? (double)s->cat / (double)s->n : 0.0,
           s->n ? (double)s->prio / (double)s->n : 0.0,
           s->p1 ? (double)s->p1_hit / (double)s->p1 : 1.0, s->p1_fp, s->p1_hit, s->p1);
}

static int
num_opt(const char *name, const char *v, double lo, double hi, double *out)
{
    char *end;
    double x;

    if(!v)
        return fail(name, 0, "needs a value");
    x = strtod(v, &end);
    /* written so that NaN fails too (every comparison with it is false), and "" (no digits) */
    if(end == v || *end || !(x >= lo && x <= hi))
        return fail(name, 0, "value out of range");
    *out = x;
    return 0;
}

int
main(int argc, char **argv)
{
    struct sd_tmodel_params p;
    struct set train[MAX_FILES], eval[MAX_FILES];
    size_t ntrain = 0, neval = 0;
    const char *outpath = NULL, *rules_path = NULL, *dump_path = NULL, *model_path = NULL;
    bool grid = false, p1_grid = false;
    struct sd_tmodel_trainer *tr = NULL;
    struct sd_buf model = SD_BUF_INIT, folded = SD_BUF_INIT, viewb = SD_BUF_INIT, aug = SD_BUF_INIT;
    unsigned aug_mask[MAX_AUG] = {0};
    size_t naug = 0;
    bool view_train = false;
    uint64_t aug_rng = 0x9e3779b97f4a7c15ULL;
    int rc = 1;

    if(sd_tool_meta("triage_train", USAGE, argc, argv, &rc))
        return rc;
    sd_tmodel_params_default(&p);
    for(int i = 1; i < argc && argv[i]; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;

        if(strcmp(a, "--out") == 0 && v) {
            outpath = v;
        } else if(strcmp(a, "--eval") == 0 && v) {
            if(neval == MAX_FILES) {
                fail(v, 0, "too many --eval files (at most " STR(MAX_FILES) ")");
                goto out;
            }
            if(read_set(v, &eval[neval]))
                goto out;
            neval++;
        } else if(strcmp(a, "--grid") == 0) {
            grid = true;
            continue;
        } else if(strcmp(a, "--p1-grid") == 0) {
            p1_grid = true;
            continue;
        } else if(strcmp(a, "--rules") == 0 && v) {
            rules_path = v;
        } else if(strcmp(a, "--dump") == 0 && v) {
            dump_path = v;
        } else if(strcmp(a, "--model") == 0 && v) {
            model_path = v;
        } else if(strcmp(a, "--view") == 0) {
            view_train = true;
            continue;
        } else if(strcmp(a, "--augment") == 0) {
            if(naug == MAX_AUG) {
                fail(a, 0, "at most " STR(MAX_AUG) " --augment variants");
                goto out;
            }
            if(num_opt(a, v, 1, 31, &x))
                goto out;
            aug_mask[naug++] = (unsigned)x;
        } else if(strcmp(a, "--verbose") == 0) {
            verbose = true;
            continue;
        } else if(strcmp(a, "--verbose-prio") == 0) {
            verbose = verbose_prio = true;
            continue;
        } else if(strcmp(a, "--verbose-cat") == 0) {
            verbose_cat = true;
            continue;
        } else if(strcmp(a, "--epochs") == 0) {
            if(num_opt(a, v, 1, 200, &x))
                goto out;
            p.epochs = (unsigned)x;
        } else if(strcmp(a, "--rate") == 0) {
            if(num_opt(a, v, 1e-6, 100, &p.rate))
                goto out;
        } else if(strcmp(a, "--l2") == 0) {
            if(num_opt(a, v, 0, 1, &p.l2))
                goto out;
        } else if(strcmp(a, "--fund-pos") == 0) {
            if(num_opt(a, v, 0.1, 100, &p.fund_pos))
                goto out;
        } else if(strcmp(a, "--fund-neg") == 0) {
            if(num_opt(a, v, 0.1, 100, &p.fund_neg))
                goto out;
        } else if(strcmp(a, "--dropout") == 0) {
            if(num_opt(a, v, 0, 0.9, &p.dropout))
                goto out;
        } else if(strcmp(a, "--average") == 0) {
            if(num_opt(a, v, 0, 200, &x))
                goto out;
            p.average = (unsigned)x;
        } else if(strcmp(a, "--prune") == 0) {
            if(num_opt(a, v, 0, 10, &p.prune))
                goto out;
        } else if(strcmp(a, "--cat-weight") == 0) {
            if(num_opt(a, v, 0, 100, &x))
                goto out;
            p.cat_weight = (int)x;
        } else if(strcmp(a, "--cat-cap") == 0) {
            if(num_opt(a, v, 0, 100, &x))
                goto out;
            p.cat_cap = (int)x;
        } else if(strcmp(a, "--prio-conf") == 0) {
            if(num_opt(a, v, 0, 1, &p.prio_conf))
                goto out;
        } else if(strcmp(a, "--fund-raise") == 0) {
            if(num_opt(a, v, 0, 1, &p.fund_raise))
                goto out;
        } else if(strcmp(a, "--p1-agree") == 0) {
            if(num_opt(a, v, 0, 1, &p.p1_agree))
                goto out;
        } else if(strcmp(a, "--money-raise") == 0) {
            if(num_opt(a, v, 0, 2, &p.money_raise))
                goto out;
        } else if(strcmp(a, "--money-agree") == 0) {
            if(num_opt(a, v, 0, 1, &p.money_agree))
                goto out;
        } else if(strcmp(a, "--veto-raise") == 0) {
            if(num_opt(a, v, 0, 2, &p.veto_raise))
                goto out;
        } else if(a[0] == '-') {
            {
                fail(a, 0, "unknown option (see --help)");
                goto out;
            }
        } else {
            if(ntrain == MAX_FILES) {
                fail(a, 0, "too many training files (at most " STR(MAX_FILES) ")");
                goto out;
            }
            if(read_set(a, &train[ntrain]))
                goto out;
            ntrain++;
            continue;
        }
        i++;
    }
    if(model_path && neval == 0) {
        fail("triage_train", 0, "--model evaluates a saved model: it needs --eval");
        goto out;
    }
    if(ntrain == 0 && !model_path) {
        fail("triage_train", 0, "no training files (see --help)");
        goto out;
    }
    if(model_path) {
        /* --model FILE: evaluate a saved model (no training; training files are ignored) */
        if(load_model(model_path, &model) != 0)
            goto out;
    } else {
        if(sd_tmodel_trainer_new(&tr, &p) != SD_OK) {
            fail("triage_train", 0, "cannot start training (out of memory or a bad parameter)");
            goto out;
        }
        for(size_t f = 0; f < ntrain; f++) {
            for(size_t i = 0; i < train[f].n; i++) {
                const struct ticket *t = &train[f].t[i];

                bool fund = t->cat == SD_CAT_SECURITY && t->prio == 1;

                if(fold(&folded, t->text) ||
                   (view_train &&
                    (sd_tstruct_view(&viewb, (const char *)folded.data, folded.len) != SD_OK ||
                     (folded.len = 0, sd_buf_append(&folded, viewb.data, viewb.len) != SD_OK)))) {
                    fail(train[f].path, i + 1, "cannot fold the example");
                    goto out;
                }
                viewb.len = 0;
                if(sd_tmodel_trainer_add(tr, (const char *)folded.data, folded.len, t->cat, t->prio,
                                         fund) != SD_OK) {
                    fail(train[f].path, i + 1, "cannot add the example");
                    goto out;
                }
                for(size_t k = 0; k < naug; k++) {
                    if(augment(&aug, folded.data, folded.len, aug_mask[k], &aug_rng) ||
                       sd_tmodel_trainer_add(tr, (const char *)aug.data, aug.len, t->cat, t->prio,
                                             fund) != SD_OK) {
                        fail(train[f].path, i + 1, "cannot add a variant of the example");
                        goto out;
                    }
                }
            }
        }
        sd_err terr = sd_tmodel_train(tr, &model);

        if(terr == SD_E_LIMIT) {
            fail("triage_train", 0,
                 "training failed: more than SD_TMODEL_MAX_ROWS weight rows kept (raise --prune)");
            goto out;
        }
        if(terr != SD_OK) {
            fail("triage_train", 0, "training failed");
            goto out;
        }
    }
    if(neval == 0) {
        FILE *o = outpath ? fopen(outpath, "wb") : stdout;

        if(!o || fwrite(model.data, 1, model.len, o) != model.len || (outpath && fclose(o) != 0)) {
            fail(outpath ? outpath : "stdout", 0, "cannot write");
            goto out;
        }
        rc = 0;
        goto out;
    }
    {
        struct sd_triage_rules *r = NULL;
        struct sd_tmodel *m = NULL;
        size_t line = 0;
        static const int weights[] = {2, 3, 4, 6, 8};
        static const double confs[] = {0.5, 0.6, 0.7, 1.01};
        static const double raises[] = {0.4, 0.5, 0.6, 0.7, 1.01};
        static const double p1_raises[] = {0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5};
        static const double p1_agrees[] = {0.0, 0.2, 0.3, 0.4, 0.5, 0.6};

        if(rules_path && load_rules(rules_path, &r) != 0)
            goto out;
        if(!rules_path && sd_triage_rules_default(&r) != SD_OK) {
            fail("triage_train", 0, "cannot load the default rules");
            goto out;
        }
        if(sd_tmodel_parse(&m, (const char *)model.data, model.len, &line) != SD_OK) {
            sd_triage_rules_free(r);
            fail("triage_train", line, "cannot load the rules or the fresh model");
            goto out;
        }
        sd_triage_rules_set_model(r, NULL);
        for(size_t f = 0; f < neval; f++) {
            struct score s;

            classify_set(r, &eval[f], &s);
            print_score("rules", eval[f].path, &s);
        }
        sd_triage_rules_set_model(r, m);
        pass_label = "model";
        if(!grid && !p1_grid) {
            sd_tmodel_set_params(m, &p);
            for(size_t f = 0; f < neval; f++) {
                struct score s;

                classify_set(r, &eval[f], &s);
                print_score("rules+model", eval[f].path, &s);
            }
        }
        if(dump_path && dump_set(r, m, &p, eval, neval, dump_path) != 0) {
            sd_triage_rules_free(r);
            goto out;
        }
        /* --p1-grid: the P1 raise thresholds, every other parameter as given */
        for(size_t a = 0; p1_grid && a < sizeof(p1_raises) / sizeof(p1_raises[0]); a++)
            for(size_t b = 0; b < sizeof(p1_agrees) / sizeof(p1_agrees[0]); b++) {
                char label[48];

                p.fund_raise = p1_raises[a];
                p.p1_agree = p1_agrees[b];
                sd_tmodel_set_params(m, &p);
                (void)snprintf(label, sizeof(label), "p1grid %.2f %.2f", p1_raises[a],
                               p1_agrees[b]);
                for(size_t f = 0; f < neval; f++) {
                    struct score s;

                    classify_set(r, &eval[f], &s);
                    print_score(label, eval[f].path, &s);
                }
            }
        for(size_t a = 0; grid && a < sizeof(weights) / sizeof(weights[0]); a++)
            for(int b = 0; b < 2; b++)
                for(size_t c = 0; c < sizeof(confs) / sizeof(confs[0]); c++)
                    for(size_t d = 0; d < sizeof(raises) / sizeof(raises[0]); d++) {
                        struct score tot = {0};

                        p.cat_weight = weights[a];
                        p.cat_cap = b ? weights[a] : (weights[a] + 1) / 2;
                        p.prio_conf = confs[c];
                        p.fund_raise = raises[d];
                        sd_tmodel_set_params(m, &p);
                        for(size_t f = 0; f < neval; f++) {
                            struct score s;

                            classify_set(r, &eval[f], &s);
                            tot.n += s.n;
                            tot.cat += s.cat;
                            tot.prio += s.prio;
                            tot.p1 += s.p1;
                            tot.p1_hit += s.p1_hit;
                            tot.p1_fp += s.p1_fp;
                        }
                        printf("grid w=%d cap=%d conf=%.2f raise=%.2f ", p.cat_weight, p.cat_cap,
                               confs[c], raises[d]);
                        print_score("", "all", &tot);
                    }
        sd_triage_rules_free(r);
        rc = 0;
    }
out:
    for(size_t f = 0; f < ntrain + neval; f++) {
        struct set *st = f < ntrain ? &train[f] : &eval[f - ntrain];

        for(size_t i = 0; i < st->n; i++)
            free(st->t[i].text);
        free(st->t);
    }
    sd_tmodel_trainer_free(tr);
    sd_buf_free(&model);
    sd_buf_wipe_free(&folded);
    sd_buf_wipe_free(&viewb);
    sd_buf_wipe_free(&aug);
    return rc;
}
