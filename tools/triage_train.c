/* triage_train: train the shipped statistical triage model (src/tmodel, sealdesk/tmodel.h) from
 * labelled JSON Lines sets (../shared/data/TRIAGE.md format) and write data/triage.model.
 *
 * usage: triage_train [--out FILE] [OPTIONS] TRAIN.jsonl ...
 *        triage_train --eval VAL.jsonl [--eval ...] [--grid] [OPTIONS] TRAIN.jsonl ...
 * OPTIONS: --epochs N --rate X --l2 X --fund-pos X --fund-neg X --dropout X --average N --prune X
 *          (training) and --cat-weight N --cat-cap N --prio-conf X --fund-raise X --p1-agree X (combination
 *          with the rules); defaults are the shipped values (sd_tmodel_params_default). Output is deterministic: the same
 *          files in the same order give the same bytes (`make triage-model`; ctest
 *          model.up_to_date compares the committed model with a fresh run).
 * --verbose (with --eval) prints each P1 miss and P1 false positive on stderr: tuning sets only.
 * tools/triage_xval.sh runs --eval leaving out one writer's sets at a time (cross-writer).
 * --eval trains on the TRAIN files only, then classifies each VAL file with the default rules
 * alone and with the rules plus the fresh model (exactly what `sealctl triage --text` does with
 * subject "\n" body) and prints category / priority accuracy, P1 recall and P1 false positives
 * for both; --grid repeats that over a grid of combination parameters (cross-validation).
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

#define USAGE                                                                                    \
    "usage: triage_train [--out FILE] [--eval VAL.jsonl]... [--grid] [--verbose] [--epochs N]\n" \
    "       [--rate X] [--l2 X] [--fund-pos X] [--fund-neg X] [--dropout X] [--average N] "      \
    "[--prune X]\n"                                                                              \
    "       [--cat-weight N] [--cat-cap N]\n"                                                    \
    "       [--prio-conf X] [--fund-raise X] [--p1-agree X] TRAIN.jsonl...\n"

#define MAX_FILES   64 /* per list (training, --eval): 38 training files in round 9 */
#define STR_(x)     #x
#define STR(x)      STR_(x) /* a limit's value in a message, from its macro */
#define MAX_TICKETS 20000
#define MAX_LINE    (64 * 1024)

struct ticket {
    char *text; /* subject "\n" body */
    int cat, prio;
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

struct score {
    size_t n, cat, prio, p1, p1_hit, p1_fp;
};

/* --verbose: every P1 miss and P1 false positive on stderr (tuning sets only: never a
 * held-out set, data/triage/README.md) */
static bool verbose;

static void
classify_set(const struct sd_triage_rules *r, const struct set *s, struct score *sc)
{
    memset(sc, 0, sizeof(*sc));
    for(size_t i = 0; i < s->n; i++) {
        struct sd_triage_result res;
        const struct ticket *t = &s->t[i];

        if(sd_triage_classify(r, "", 0, t->text, strlen(t->text), false, &res) != SD_OK)
            continue;
        sc->n++;
        sc->cat += (int)res.category == t->cat;
        sc->prio += res.priority == t->prio;
        sc->p1 += t->prio == 1;
        sc->p1_hit += t->prio == 1 && res.priority == 1;
        sc->p1_fp += t->prio != 1 && res.priority == 1;
        if(verbose && (t->prio == 1) != (res.priority == 1))
            fprintf(stderr, "%s: P%d -> P%d fund=%.2f: %.300s\n",
                    t->prio == 1 ? "P1_MISS" : "P1_FP", t->prio, res.priority,
                    (double)res.model.fund, t->text);
    }
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
    const char *outpath = NULL;
    bool grid = false;
    struct sd_tmodel_trainer *tr = NULL;
    struct sd_buf model = SD_BUF_INIT, folded = SD_BUF_INIT;
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
        } else if(strcmp(a, "--verbose") == 0) {
            verbose = true;
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
    if(ntrain == 0) {
        fail("triage_train", 0, "no training files (see --help)");
        goto out;
    }
    if(sd_tmodel_trainer_new(&tr, &p) != SD_OK) {
        fail("triage_train", 0, "cannot start training (out of memory or a bad parameter)");
        goto out;
    }
    for(size_t f = 0; f < ntrain; f++) {
        for(size_t i = 0; i < train[f].n; i++) {
            const struct ticket *t = &train[f].t[i];

            if(fold(&folded, t->text) ||
               sd_tmodel_trainer_add(tr, (const char *)folded.data, folded.len, t->cat, t->prio,
                                     t->cat == SD_CAT_SECURITY && t->prio == 1) != SD_OK) {
                fail(train[f].path, i + 1, "cannot add the example");
                goto out;
            }
        }
    }
    if(sd_tmodel_train(tr, &model) != SD_OK) {
        fail("triage_train", 0, "training failed");
        goto out;
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

        if(sd_triage_rules_default(&r) != SD_OK ||
           sd_tmodel_parse(&m, (const char *)model.data, model.len, &line) != SD_OK) {
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
        if(!grid) {
            sd_tmodel_set_params(m, &p);
            for(size_t f = 0; f < neval; f++) {
                struct score s;

                classify_set(r, &eval[f], &s);
                print_score("rules+model", eval[f].path, &s);
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
    return rc;
}
