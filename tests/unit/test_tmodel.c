/* Unit tests for the shipped statistical triage model (src/tmodel) and its hook in triage:
 * training learns a tiny set, the model text is deterministic and its parser names the bad
 * line, and the model never lowers the rules' fund-safety / P1 floor (but may raise to it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "sealdesk/buf.h"
#include "sealdesk/tmodel.h"
#include "sealdesk/triage.h"

struct ex {
    const char *text;
    int cat, prio;
    bool fund;
};

/* A tiny labelled set: each line is a distinct phrase per class. */
static const struct ex tiny[] = {
    {"my deposit has not arrived", SD_CAT_DEPOSIT, 2, false},
    {"deposit missing after two hours", SD_CAT_DEPOSIT, 2, false},
    {"zork deposit never credited", SD_CAT_DEPOSIT, 2, false},
    {"zork top up not showing", SD_CAT_DEPOSIT, 2, false},
    {"充值没有到账", SD_CAT_DEPOSIT, 2, false},
    {"how do i list my token", SD_CAT_GENERAL, 4, false},
    {"great app thanks team", SD_CAT_GENERAL, 4, false},
    {"any promotion this month", SD_CAT_GENERAL, 4, false},
    {"listing request for my coin", SD_CAT_GENERAL, 4, false},
    {"你们的活动什么时候开始", SD_CAT_GENERAL, 4, false},
    {"xyzzy wallet drained by someone", SD_CAT_SECURITY, 1, true},
    {"someone drained my xyzzy account", SD_CAT_SECURITY, 1, true},
    {"my account was hacked", SD_CAT_SECURITY, 1, true},
    {"账户被盗了", SD_CAT_SECURITY, 1, true},
    {"my account was not hacked i forgot the password", SD_CAT_ACCOUNT, 2, false},
    {"not hacked just cannot log in", SD_CAT_ACCOUNT, 2, false},
    {"password reset please", SD_CAT_ACCOUNT, 2, false},
    {"账户没有被盗 只是忘记密码", SD_CAT_ACCOUNT, 2, false},
    /* texts the floor tests use: the model learns them as general P4, not fund safety */
    {"my coins were stolen", SD_CAT_GENERAL, 4, false},
    {"coins stolen stolen", SD_CAT_GENERAL, 4, false},
    {"emergency deposit", SD_CAT_GENERAL, 4, false},
    {"emergency emergency deposit", SD_CAT_GENERAL, 4, false},
};

static void
strong_params(struct sd_tmodel_params *p)
{
    sd_tmodel_params_default(p);
    p->epochs = 30;
    p->prune = 0.0;
    p->cat_weight = 50;
    p->cat_cap = 50;
    p->prio_conf = 0.3;
    p->fund_raise = 0.5;
}

static void
train_tiny(struct sd_buf *out, const struct sd_tmodel_params *p)
{
    struct sd_tmodel_trainer *t = NULL;

    assert_int_equal(sd_tmodel_trainer_new(&t, p), SD_OK);
    for(int rep = 0; rep < 3; rep++) {
        for(size_t i = 0; i < sizeof(tiny) / sizeof(tiny[0]); i++)
            assert_int_equal(sd_tmodel_trainer_add(t, tiny[i].text, strlen(tiny[i].text),
                                                   tiny[i].cat, tiny[i].prio, tiny[i].fund),
                             SD_OK);
    }
    assert_int_equal(sd_tmodel_train(t, out), SD_OK);
    sd_tmodel_trainer_free(t);
}

static struct sd_tmodel *
tiny_model(void)
{
    struct sd_tmodel_params p;
    struct sd_buf b = SD_BUF_INIT;
    struct sd_tmodel *m = NULL;
    size_t line = 99;

    strong_params(&p);
    train_tiny(&b, &p);
    assert_int_equal(sd_tmodel_parse(&m, (const char *)b.data, b.len, &line), SD_OK);
    assert_int_equal(line, 0);
    sd_buf_free(&b);
    return m;
}

static int
argmax(const float *v, int n)
{
    int best = 0;

    for(int i = 1; i < n; i++) {
        if(v[i] > v[best])
            best = i;
    }
    return best;
}

static void
test_training_learns_a_tiny_set(void **state)
{
    struct sd_tmodel *m = tiny_model();
    struct sd_tmodel_out o;

    (void)state;
    for(size_t i = 0; i < sizeof(tiny) / sizeof(tiny[0]); i++) {
        assert_int_equal(sd_tmodel_predict(m, tiny[i].text, strlen(tiny[i].text), &o), SD_OK);
        assert_int_equal(argmax(o.cat, SD_TMODEL_CATS), tiny[i].cat);
        assert_int_equal(argmax(o.prio, SD_TMODEL_PRIOS) + 1, tiny[i].prio);
        assert_int_equal(o.fund >= 0.5f, tiny[i].fund);
        assert_true(o.features > 0);
    }
    /* unseen phrasing that shares pieces (character n-grams) with the training set */
    assert_int_equal(sd_tmodel_predict(m, "deposits not arived", 19, &o), SD_OK);
    assert_int_equal(argmax(o.cat, SD_TMODEL_CATS), SD_CAT_DEPOSIT);
    assert_int_equal(sd_tmodel_predict(m, "", 0, &o), SD_OK);
    assert_int_equal(o.features, 0);
    assert_int_equal(sd_tmodel_predict(NULL, "", 0, &o), SD_E_INVALID);
    assert_int_equal(sd_tmodel_predict(m, NULL, 3, &o), SD_E_INVALID);
    sd_tmodel_free(m);
}

static void
test_negation_is_a_feature(void **state)
{
    struct sd_tmodel *m = tiny_model();
    struct sd_tmodel_out hacked, not_hacked;
    const char *a = "my account hacked", *b = "my account not hacked";

    (void)state;
    assert_int_equal(sd_tmodel_predict(m, a, strlen(a), &hacked), SD_OK);
    assert_int_equal(sd_tmodel_predict(m, b, strlen(b), &not_hacked), SD_OK);
    assert_true(hacked.fund > 0.5f);
    assert_true(not_hacked.fund < 0.5f);
    a = "账户被盗";
    b = "账户没有被盗";
    assert_int_equal(sd_tmodel_predict(m, a, strlen(a), &hacked), SD_OK);
    assert_int_equal(sd_tmodel_predict(m, b, strlen(b), &not_hacked), SD_OK);
    assert_true(hacked.fund > not_hacked.fund);
    sd_tmodel_free(m);
}

static void
test_model_text_is_deterministic(void **state)
{
    struct sd_tmodel_params p;
    struct sd_buf a = SD_BUF_INIT, b = SD_BUF_INIT;
    struct sd_tmodel *m = NULL;

    (void)state;
    sd_tmodel_params_default(&p);
    train_tiny(&a, &p);
    train_tiny(&b, &p);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_memory_equal(a.data, "sealdesk-triage-model 1\nbits 18\n", 32);
    sd_buf_free(&a);
    sd_buf_free(&b);
    /* the shipped model loads */
    assert_int_equal(sd_tmodel_default(&m), SD_OK);
    assert_non_null(m);
    sd_tmodel_free(m);
}

/* Feature dropout and weight averaging (cross-writer generalisation, tools/triage_xval.sh): the
 * output stays deterministic, differs from plain SGD, and the parameters are checked. */
static void
test_dropout_and_averaging(void **state)
{
    struct sd_tmodel_params p;
    struct sd_buf a = SD_BUF_INIT, b = SD_BUF_INIT, c = SD_BUF_INIT;
    struct sd_tmodel_trainer *t = NULL;

    (void)state;
    sd_tmodel_params_default(&p);
    assert_true(p.dropout > 0.0 && p.average > 0);
    train_tiny(&a, &p);
    train_tiny(&b, &p);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    p.dropout = 0.0;
    p.average = 0;
    train_tiny(&c, &p);
    assert_true(a.len != c.len || memcmp(a.data, c.data, a.len) != 0);
    p.dropout = 0.95;
    assert_int_equal(sd_tmodel_trainer_new(&t, &p), SD_E_INVALID);
    p.dropout = -0.1;
    assert_int_equal(sd_tmodel_trainer_new(&t, &p), SD_E_INVALID);
    assert_null(t);
    /* more epochs averaged than run: all of them (a short --epochs run still trains) */
    p.dropout = 0.3;
    p.epochs = 2;
    p.average = 10;
    sd_buf_free(&c);
    train_tiny(&c, &p);
    assert_memory_equal(c.data, "sealdesk-triage-model 1\n", 24);
    sd_buf_free(&a);
    sd_buf_free(&b);
    sd_buf_free(&c);
}

static size_t
count_lines(const struct sd_buf *b, size_t upto)
{
    size_t n = 1;

    for(size_t i = 0; i < upto; i++)
        n += b->data[i] == '\n';
    return n;
}

static void
assert_rejects(const struct sd_buf *b, sd_err want, size_t want_line)
{
    struct sd_tmodel *m = (struct sd_tmodel *)&m;
    size_t line = 0;

    assert_int_equal(sd_tmodel_parse(&m, (const char *)b->data, b->len, &line), want);
    assert_null(m);
    assert_int_equal(line, want_line);
}

static void
test_load_rejects_a_corrupt_model_naming_the_line(void **state)
{
    struct sd_tmodel_params p;
    struct sd_buf good = SD_BUF_INIT, bad = SD_BUF_INIT;
    char *row, *sum, *bits;
    size_t last;

    (void)state;
    sd_tmodel_params_default(&p);
    train_tiny(&good, &p);
    assert_int_equal(sd_buf_terminate(&good), SD_OK);
    sum = strstr((char *)good.data, "\nchecksum ");
    assert_non_null(sum);
    last = count_lines(&good, (size_t)(sum - (char *)good.data) + 1);

    /* a changed weight: the checksum line is named */
    assert_int_equal(sd_buf_append(&bad, good.data, good.len), SD_OK);
    row = strstr((char *)bad.data, "\nr ");
    assert_non_null(row);
    row = strchr(row + 3, ' ');
    assert_non_null(row);
    row[1] = row[1] == '1' ? '2' : '1';
    assert_rejects(&bad, SD_E_INVALID, last);

    /* a bad header line */
    bad.len = 0;
    assert_int_equal(sd_buf_append(&bad, good.data, good.len), SD_OK);
    bits = strstr((char *)bad.data, "bits 18");
    bits[6] = '7';
    assert_rejects(&bad, SD_E_INVALID, 2);

    /* cut before the checksum: named the line after the last */
    bad.len = (size_t)(sum - (char *)good.data) + 1;
    memcpy(bad.data, good.data, bad.len);
    assert_rejects(&bad, SD_E_INVALID, last);

    /* text after the checksum */
    bad.len = 0;
    assert_int_equal(sd_buf_append(&bad, good.data, good.len), SD_OK);
    assert_int_equal(sd_buf_append_str(&bad, "r 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"), SD_OK);
    assert_rejects(&bad, SD_E_INVALID, last + 1);

    /* a row count past the limit */
    bad.len = 0;
    assert_int_equal(sd_buf_append_str(&bad, "sealdesk-triage-model 1\nbits 18\nscale 1024\n"
                                             "param cat_weight 1\nparam cat_cap 1\n"
                                             "param prio_conf 500\nparam fund_raise 500\n"
                                             "bias 0 0 0 0 0 0 0 0 0 0 0 0 0\nrows 70000\n"),
                     SD_OK);
    assert_rejects(&bad, SD_E_LIMIT, 9);
    /* a missing parameter: bias named */
    bad.len = 0;
    assert_int_equal(sd_buf_append_str(&bad, "sealdesk-triage-model 1\nbits 18\nscale 1024\n"
                                             "param cat_weight 1\nparam cat_cap 1\n"
                                             "param prio_conf 500\n"
                                             "bias 0 0 0 0 0 0 0 0 0 0 0 0 0\nrows 0\n"),
                     SD_OK);
    assert_rejects(&bad, SD_E_INVALID, 7);
    /* p1_agree twice (it may be absent: the crafted models below have none) */
    bad.len = 0;
    assert_int_equal(sd_buf_append_str(&bad, "sealdesk-triage-model 1\nbits 18\nscale 1024\n"
                                             "param cat_weight 1\nparam cat_cap 1\n"
                                             "param prio_conf 500\nparam fund_raise 500\n"
                                             "param p1_agree 500\nparam p1_agree 400\n"),
                     SD_OK);
    assert_rejects(&bad, SD_E_INVALID, 9);
    /* a leading zero, a '+' */
    bad.len = 0;
    assert_int_equal(sd_buf_append_str(&bad, "sealdesk-triage-model 1\nbits 018\n"), SD_OK);
    assert_rejects(&bad, SD_E_INVALID, 2);
    bad.len = 0;
    assert_int_equal(sd_buf_append_str(&bad, "sealdesk-triage-model 2\n"), SD_OK);
    assert_rejects(&bad, SD_E_INVALID, 1);
    sd_buf_free(&good);
    sd_buf_free(&bad);
}

static const char rules_text[] = "default general 4\n"
                                 "default deposit 2\n"
                                 "default security 2\n"
                                 "fund_safety stolen: stolen\n"
                                 "cat deposit 3 dep: deposit\n"
                                 "prio 1 deposit urgent: emergency\n";

static struct sd_triage_rules *
rules_with_model(void)
{
    struct sd_triage_rules *r = NULL;
    size_t line;

    assert_int_equal(sd_triage_rules_parse(&r, rules_text, strlen(rules_text), &line), SD_OK);
    sd_triage_rules_set_model(r, tiny_model());
    return r;
}

static void
classify(const struct sd_triage_rules *r, const char *text, struct sd_triage_result *res)
{
    assert_int_equal(sd_triage_classify(r, "", 0, text, strlen(text), false, res), SD_OK);
}

static bool
has_signal(const struct sd_triage_result *res, const char *s)
{
    for(size_t i = 0; i < res->n_signals; i++) {
        if(strcmp(res->signals[i], s) == 0)
            return true;
    }
    return false;
}

static void
test_model_never_lowers_the_p1_floor(void **state)
{
    struct sd_triage_rules *r = rules_with_model();
    struct sd_triage_result res;

    (void)state;
    /* a fund-safety rule fired; the model says general P4: still security P1 */
    classify(r, "my coins were stolen", &res);
    assert_true(res.model.cat[SD_CAT_GENERAL] > 0.5f);
    assert_int_equal(res.category, SD_CAT_SECURITY);
    assert_int_equal(res.priority, 1);
    assert_true(res.fund_safety);
    assert_false(res.model.applied);
    /* the rules alone chose P1 (deposit + emergency); the model says general P4: kept */
    classify(r, "emergency deposit", &res);
    assert_true(res.model.cat[SD_CAT_GENERAL] > 0.5f);
    assert_int_equal(res.category, SD_CAT_DEPOSIT);
    assert_int_equal(res.priority, 1);
    assert_false(res.model.applied);
    sd_triage_rules_free(r);
}

/* A calm rule (the rules read the text as a denial, an own action or an ignored scam) keeps
 * the model from raising it to fund safety; a fund_safety rule still fires (round 8). */
static void
test_calm_rule_vetoes_the_raise(void **state)
{
    static const char calm_rules[] = "default general 4\n"
                                     "default security 2\n"
                                     "fund_safety stolen: stolen\n"
                                     "calm denied: \"not me\" | nothing happened\n";
    static const char text[] = "someone drained my xyzzy wallet, nothing happened";
    struct sd_triage_rules *r = NULL;
    struct sd_triage_result res;
    size_t line;

    (void)state;
    assert_int_equal(sd_triage_rules_parse(&r, calm_rules, strlen(calm_rules), &line), SD_OK);
    sd_triage_rules_set_model(r, tiny_model());
    /* the same text without the calm rule is raised (test_model_moves_and_raises's model) */
    {
        struct sd_triage_rules *plain = rules_with_model();

        classify(plain, text, &res);
        assert_true(res.model.fund_raise);
        sd_triage_rules_free(plain);
    }
    classify(r, text, &res);
    assert_false(res.model.fund_raise);
    assert_false(res.fund_safety);
    assert_true(has_signal(&res, "calm:denied"));
    assert_false(has_signal(&res, "fund_safety:model"));
    /* a fund_safety rule is not vetoed; calm signals are not listed under it */
    classify(r, "stolen, nothing happened", &res);
    assert_true(res.fund_safety);
    assert_int_equal(res.priority, 1);
    assert_false(has_signal(&res, "calm:denied"));
    sd_triage_rules_free(r);
    /* the directive takes exactly one name */
    assert_int_equal(sd_triage_rules_parse(&r, "calm: x\n", 8, &line), SD_E_INVALID);
    assert_int_equal(sd_triage_rules_parse(&r, "calm a b: x\n", 12, &line), SD_E_INVALID);
}

/* Round 13: a calm rule's veto yields when the model's fund head is over veto_raise and its P1
 * head over p1_agree; off (no veto_raise line in the model text) the veto always holds. */
static void
test_veto_yields_to_certainty(void **state)
{
    static const char calm_rules[] = "default general 4\n"
                                     "default security 2\n"
                                     "calm denied: nothing happened\n";
    static const char text[] = "someone drained my xyzzy wallet, nothing happened";
    struct sd_triage_rules *r = NULL;
    struct sd_tmodel *m = tiny_model(), *m2 = NULL;
    struct sd_tmodel_params p;
    struct sd_tmodel_out o;
    struct sd_triage_result res;
    struct sd_buf b = SD_BUF_INIT;
    size_t line;

    (void)state;
    assert_int_equal(sd_tmodel_predict(m, text, strlen(text), &o), SD_OK);
    assert_true(o.fund_raise);
    assert_false(o.veto_over); /* off by default */
    assert_int_equal(sd_triage_rules_parse(&r, calm_rules, strlen(calm_rules), &line), SD_OK);
    sd_triage_rules_set_model(r, m);
    classify(r, text, &res);
    assert_false(res.fund_safety);
    /* the bar just under the text's P(fund safety): the veto yields */
    strong_params(&p);
    p.veto_raise = (double)o.fund - 0.01;
    sd_tmodel_set_params(m, &p);
    classify(r, text, &res);
    assert_true(res.model.veto_over);
    assert_true(res.fund_safety);
    assert_int_equal(res.priority, 1);
    assert_true(has_signal(&res, "fund_safety:model"));
    /* the P1 head must agree as for the raise itself */
    p.p1_agree = (double)res.model.prio[0] + 0.01;
    sd_tmodel_set_params(m, &p);
    classify(r, text, &res);
    assert_false(res.model.veto_over);
    assert_false(res.fund_safety);
    sd_triage_rules_free(r);
    /* the trainer writes the bar when on, the parser reads it back; off: not written */
    strong_params(&p);
    p.veto_raise = 0.95;
    train_tiny(&b, &p);
    assert_int_equal(sd_tmodel_parse(&m2, (const char *)b.data, b.len, &line), SD_OK);
    sd_tmodel_free(m2);
    assert_int_equal(sd_buf_terminate(&b), SD_OK);
    assert_non_null(strstr((const char *)b.data, "param veto_raise 950\n"));
    b.len = 0;
    strong_params(&p);
    train_tiny(&b, &p);
    assert_int_equal(sd_buf_terminate(&b), SD_OK);
    assert_null(strstr((const char *)b.data, "veto_raise"));
    sd_buf_free(&b);
}

static void
test_model_moves_and_raises(void **state)
{
    struct sd_triage_rules *r = rules_with_model();
    struct sd_triage_result res;
    char line[160];

    (void)state;
    /* no rule fires: the rules say general P4, the model deposit P2 */
    classify(r, "zork top up not showing", &res);
    assert_true(res.model.applied);
    assert_int_equal(res.category, SD_CAT_DEPOSIT);
    assert_int_equal(res.priority, 2);
    assert_int_equal(res.rule_score[SD_CAT_DEPOSIT], 0);
    /* no rule fires: the model's P(fund safety) raises it to security P1 */
    classify(r, "someone drained my xyzzy wallet", &res);
    assert_true(res.model.fund_raise);
    assert_true(res.fund_safety);
    assert_int_equal(res.category, SD_CAT_SECURITY);
    assert_int_equal(res.priority, 1);
    assert_true(has_signal(&res, "fund_safety:model"));
    sd_tmodel_explain(&res.model, line, sizeof(line));
    assert_non_null(strstr(line, "model:"));
    assert_non_null(strstr(line, "P(fund safety)="));
    /* without the model: the rules alone */
    sd_triage_rules_set_model(r, NULL);
    classify(r, "someone drained my xyzzy wallet", &res);
    assert_false(res.fund_safety);
    assert_int_equal(res.category, SD_CAT_GENERAL);
    assert_false(has_signal(&res, "fund_safety:model"));
    sd_triage_rules_free(r);
}

/* Round 8: the model raises to P1 only when its P1 priority head agrees (p1_agree); 0 (a model
 * text without the parameter) is the fund head alone. */
static void
test_raise_needs_the_p1_head(void **state)
{
    struct sd_tmodel *m = tiny_model();
    struct sd_tmodel_params p;
    struct sd_tmodel_out o;
    static const char text[] = "someone drained my xyzzy wallet";

    (void)state;
    strong_params(&p);
    p.p1_agree = 0.0;
    sd_tmodel_set_params(m, &p);
    assert_int_equal(sd_tmodel_predict(m, text, strlen(text), &o), SD_OK);
    assert_true(o.fund >= 0.5f);
    assert_true(o.fund_raise);
    /* the P1 head's share must reach p1_agree as well */
    p.p1_agree = (double)o.prio[0] + 0.01;
    sd_tmodel_set_params(m, &p);
    assert_int_equal(sd_tmodel_predict(m, text, strlen(text), &o), SD_OK);
    assert_false(o.fund_raise);
    p.p1_agree = (double)o.prio[0] - 0.01;
    sd_tmodel_set_params(m, &p);
    assert_int_equal(sd_tmodel_predict(m, text, strlen(text), &o), SD_OK);
    assert_true(o.fund_raise);
    sd_tmodel_free(m);
}

/* Round 11: the lower money-leaving bar (money_raise, money_agree) raises only where a withdrawal
 * rule of the rules fired; off when the model text has no money_raise (older texts). */
static void
test_money_leaving_raise(void **state)
{
    static const char wd_rules[] = "default general 4\n"
                                   "default withdrawal 3\n"
                                   "default security 2\n"
                                   "cat withdrawal 4 out: wallet\n";
    static const char text[] = "someone drained my xyzzy wallet";
    struct sd_triage_rules *r = NULL, *none = NULL;
    struct sd_tmodel *m = tiny_model();
    struct sd_tmodel_params p;
    struct sd_tmodel_out o;
    struct sd_triage_result res;
    struct sd_buf b = SD_BUF_INIT;
    size_t line;

    (void)state;
    strong_params(&p);
    assert_int_equal(sd_tmodel_predict(m, text, strlen(text), &o), SD_OK);
    assert_false(o.money_raise); /* off by default */
    /* the general bar above the text's P(fund safety), the money bar below it */
    p.fund_raise = (double)o.fund + 0.01;
    p.p1_agree = 0.0;
    p.money_raise = (double)o.fund - 0.01;
    p.money_agree = 0.0;
    sd_tmodel_set_params(m, &p);
    assert_int_equal(sd_tmodel_predict(m, text, strlen(text), &o), SD_OK);
    assert_false(o.fund_raise);
    assert_true(o.money_raise);
    p.money_agree = (double)o.prio[0] + 0.01; /* its P1 head bar */
    sd_tmodel_set_params(m, &p);
    assert_int_equal(sd_tmodel_predict(m, text, strlen(text), &o), SD_OK);
    assert_false(o.money_raise);
    p.money_agree = 0.0;
    /* combined with the rules: raised where the withdrawal rule fired, not without it */
    assert_int_equal(sd_triage_rules_parse(&r, wd_rules, strlen(wd_rules), &line), SD_OK);
    sd_tmodel_set_params(m, &p);
    sd_triage_rules_set_model(r, m);
    classify(r, text, &res);
    assert_true(res.rule_score[SD_CAT_WITHDRAWAL] > 0);
    assert_true(res.fund_safety);
    assert_int_equal(res.priority, 1);
    assert_true(has_signal(&res, "fund_safety:model"));
    assert_int_equal(sd_triage_rules_parse(&none, "default general 4\n", 18, &line), SD_OK);
    sd_triage_rules_set_model(none, tiny_model());
    {
        struct sd_tmodel_params q = p;
        struct sd_tmodel *m2 = NULL;

        /* the same parameters on a fresh model attached to rules without the withdrawal rule */
        train_tiny(&b, &q);
        assert_int_equal(sd_tmodel_parse(&m2, (const char *)b.data, b.len, &line), SD_OK);
        assert_int_equal(sd_buf_terminate(&b), SD_OK);
        /* the trainer writes the money bar when it is on */
        assert_non_null(strstr((const char *)b.data, "param money_raise "));
        assert_non_null(strstr((const char *)b.data, "param money_agree 0\n"));
        sd_tmodel_set_params(m2, &p);
        sd_triage_rules_set_model(none, m2);
    }
    classify(none, text, &res);
    assert_false(res.fund_safety);
    assert_true(res.priority > 1);
    sd_triage_rules_free(none);
    sd_triage_rules_free(r);
    /* off (above 1): not written; each name once */
    b.len = 0;
    strong_params(&p);
    train_tiny(&b, &p);
    assert_int_equal(sd_buf_terminate(&b), SD_OK);
    assert_null(strstr((const char *)b.data, "money_"));
    b.len = 0;
    assert_int_equal(sd_buf_append_str(&b, "sealdesk-triage-model 1\nbits 18\nscale 1024\n"
                                           "param cat_weight 1\nparam cat_cap 1\n"
                                           "param prio_conf 500\nparam fund_raise 500\n"
                                           "param money_raise 50\nparam money_raise 60\n"),
                     SD_OK);
    assert_rejects(&b, SD_E_INVALID, 9);
    sd_buf_free(&b);
}

static void
test_default_rules_carry_the_shipped_model(void **state)
{
    struct sd_triage_rules *r = NULL;
    struct sd_triage_result res;

    (void)state;
    assert_int_equal(sd_triage_rules_default(&r), SD_OK);
    classify(r, "my deposit of 300 usdt has not arrived after 5 hours", &res);
    assert_true(res.model.fund > 0.0f);
    assert_true(res.model.features > 0);
    assert_int_equal(res.category, SD_CAT_DEPOSIT);
    sd_triage_rules_free(r);
}

/* A model text: scale, the bias line, and every row of `b` (a trained model's text) set to
 * weight `w` on head 0 and 0 elsewhere, with a correct checksum. */
static void
crafted_model(struct sd_buf *out, const struct sd_buf *b, int scale, const char *bias, int w)
{
    const char *p = (const char *)b->data, *end = p + b->len;
    uint8_t sum[16];
    char hex[33], line[256];
    size_t n = 0;

    for(const char *q = p; q < end; q = (const char *)memchr(q, '\n', (size_t)(end - q)) + 1)
        n += q[0] == 'r' && q[1] == ' ';
    snprintf(line, sizeof(line),
             "sealdesk-triage-model 1\nbits 18\nscale %d\nparam cat_weight 2\nparam cat_cap 1\n"
             "param prio_conf 700\nparam fund_raise 500\nbias %s\nrows %zu\n",
             scale, bias, n);
    assert_int_equal(sd_buf_append(out, line, strlen(line)), SD_OK);
    for(const char *q = p; q < end; q = (const char *)memchr(q, '\n', (size_t)(end - q)) + 1) {
        if(q[0] != 'r' || q[1] != ' ')
            continue;
        snprintf(line, sizeof(line), "r %lu %d 0 0 0 0 0 0 0 0 0 0 0 0\n", strtoul(q + 2, NULL, 10),
                 w);
        assert_int_equal(sd_buf_append(out, line, strlen(line)), SD_OK);
    }
    crypto_generichash(sum, sizeof(sum), out->data, out->len, NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
    snprintf(line, sizeof(line), "checksum %s\n", hex);
    assert_int_equal(sd_buf_append(out, line, strlen(line)), SD_OK);
}

/* The text of a model trained on "aaa aaa aaa" alone, every weight kept. */
static void
trained_aaa(struct sd_buf *out)
{
    struct sd_tmodel_params p;
    struct sd_tmodel_trainer *t = NULL;

    sd_tmodel_params_default(&p);
    p.prune = 0.0;
    p.epochs = 1;
    p.average = 1;
    p.dropout = 0.0; /* every feature of the one example gets its row */
    assert_int_equal(sd_tmodel_trainer_new(&t, &p), SD_OK);
    assert_int_equal(sd_tmodel_trainer_add(t, "aaa aaa aaa", 11, 0, 1, false), SD_OK);
    assert_int_equal(sd_tmodel_train(t, out), SD_OK);
    sd_tmodel_trainer_free(t);
}

/* Review finding: the scorer summed row weights in int32. The parser accepts |W| <= 32767 and
 * a text of SD_TMODEL_MAX_TEXT bytes has ~2-3 features a byte, so a valid model overflowed the
 * sum (undefined behaviour; in practice a wrapped, sign-flipped score). 64 KiB of "aaa " is
 * 131071 features, each on a row of weight 32767 for head 0: 4.3e9, past INT32_MAX. */
static void
test_score_sum_cannot_overflow(void **state)
{
    struct sd_buf trained = SD_BUF_INIT, text = SD_BUF_INIT, big = SD_BUF_INIT;
    struct sd_tmodel *m = NULL;
    struct sd_tmodel_out o;
    size_t line = 0;

    (void)state;
    trained_aaa(&trained);
    crafted_model(&text, &trained, 1024, "0 0 0 0 0 0 0 0 0 0 0 0 0", 32767);
    assert_int_equal(sd_tmodel_parse(&m, (const char *)text.data, text.len, &line), SD_OK);
    while(big.len < SD_TMODEL_MAX_TEXT)
        assert_int_equal(sd_buf_append(&big, "aaa ", 4), SD_OK);
    assert_int_equal(sd_tmodel_predict(m, (const char *)big.data, big.len, &o), SD_OK);
    assert_int_equal(o.features, 16384u * 8u - 1u);
    /* every feature pushes head 0 up: it is the most likely category, by far */
    assert_int_equal(argmax(o.cat, SD_TMODEL_CATS), 0);
    assert_true(o.cat[0] > 0.2f);
    sd_tmodel_free(m);
    sd_buf_free(&trained);
    sd_buf_free(&text);
    sd_buf_free(&big);
}

/* Review finding: a valid model whose heads all saturate at 0 (sigmoid of a very negative
 * score underflows: bias -1000000 at scale 1) made the normalised probabilities 0 / 0 = NaN,
 * which sealctl triage --json and the explanation then printed. Now they stay a distribution. */
static void
test_probabilities_stay_finite_when_every_head_saturates(void **state)
{
    struct sd_buf trained = SD_BUF_INIT, text = SD_BUF_INIT;
    struct sd_tmodel *m = NULL;
    struct sd_tmodel_out o;
    size_t line = 0;
    float sum = 0.0f;
    char buf[256];

    (void)state;
    trained_aaa(&trained);
    crafted_model(&text, &trained, 1,
                  "-1000000 -1000000 -1000000 -1000000 -1000000 -1000000 -1000000 -1000000 "
                  "-1000000 -1000000 -1000000 -1000000 -1000000",
                  0);
    assert_int_equal(sd_tmodel_parse(&m, (const char *)text.data, text.len, &line), SD_OK);
    assert_int_equal(sd_tmodel_predict(m, "my deposit has not arrived yet, please check", 44, &o),
                     SD_OK);
    for(int c = 0; c < SD_TMODEL_CATS; c++) {
        assert_true(o.cat[c] >= 0.0f && o.cat[c] <= 1.0f);
        sum += o.cat[c];
    }
    assert_true(sum > 0.99f && sum < 1.01f);
    sum = 0.0f;
    for(int q = 0; q < SD_TMODEL_PRIOS; q++) {
        assert_true(o.prio[q] >= 0.0f && o.prio[q] <= 1.0f);
        sum += o.prio[q];
    }
    assert_true(sum > 0.99f && sum < 1.01f);
    assert_int_equal(o.prio_target, 0); /* a uniform guess is not confident */
    assert_false(o.fund_raise);
    assert_null(strstr(sd_tmodel_explain(&o, buf, sizeof(buf)), "nan"));
    sd_tmodel_free(m);
    sd_buf_free(&trained);
    sd_buf_free(&text);
}

/* A model built here, not trained: row k is bucket 4k with weights from a fixed formula, so the
 * scores of the texts below depend only on the feature hashing and the scoring, not on the
 * training code or the shipped model (both change as the labelled sets grow). */
static struct sd_tmodel *
synthetic_model(void)
{
    struct sd_buf b = SD_BUF_INIT;
    struct sd_tmodel *m = NULL;
    uint8_t sum[16];
    char hex[33], line[256];
    size_t errline = 99;

    assert_int_equal(sd_buf_append_str(&b, "sealdesk-triage-model 1\nbits 18\nscale 1024\n"
                                           "param cat_weight 50\nparam cat_cap 50\n"
                                           "param prio_conf 300\nparam fund_raise 500\n"
                                           "bias -300 200 -100 0 50 -50 100 -200 30 -30 60 -60 "
                                           "-400\nrows 65535\n"),
                     SD_OK);
    for(uint32_t k = 0; k < 65535; k++) {
        int off = snprintf(line, sizeof(line), "r %u", 4 * k);

        for(uint32_t h = 0; h < SD_TMODEL_HEADS; h++)
            off += snprintf(line + off, sizeof(line) - (size_t)off, " %d",
                            (int)((k * 7919u + h * 104729u + k * h * 31u) % 2001u) - 1000);
        snprintf(line + off, sizeof(line) - (size_t)off, "\n");
        assert_int_equal(sd_buf_append_str(&b, line), SD_OK);
    }
    crypto_generichash(sum, sizeof(sum), b.data, b.len, NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
    snprintf(line, sizeof(line), "checksum %s\n", hex);
    assert_int_equal(sd_buf_append_str(&b, line), SD_OK);
    assert_int_equal(sd_tmodel_parse(&m, (const char *)b.data, b.len, &errline), SD_OK);
    assert_int_equal(errline, 0);
    sd_buf_free(&b);
    return m;
}

/* Golden scores: recorded before the scoring was made faster (issue 17 item 1); a speed change
 * must give the same features and the same probabilities (the sums are integers, so the same
 * features give bit-identical scores; the tolerance only absorbs printing). SD_GOLDEN_PRINT=1
 * prints the table for a deliberate change of the features. */
struct golden {
    unsigned features;
    float cat[SD_TMODEL_CATS], prio[SD_TMODEL_PRIOS], fund;
    int prio_target;
    bool fund_raise;
};

static const char ref_sentence[] =
    "We sent the funds two hours ago and the balance still shows nothing. ";

static const char *const golden_texts[] = {
    "",
    "deposit",
    "my deposit of 300 usdt has not arrived after 5 hours, but the withdrawal worked. please "
    "check tx 0x9f3a2b7c11 and 12345678 again; i didn't get anything, nor did my friend",
    "i can't log in: 2fa reset done yesterday... it doesn't work and i'm not happy; however "
    "support never answered",
    "address tq00000000000000000000000000000001abcdefghijklmnopqrstuvwxyz is whitelisted",
    "我的充值没有到账，请帮忙查一下。不是我的问题，但是钱没到",
    "출금이 지연되고 있어요 안 돼요. 못 받았어요! 잔고가0",
    "アカウントにログインできません、カタカナ ひらがな",
    "mixed 提现 review 審核 and émigré café naïve ÅNGSTRÖM ǅ",
    "bad \xff\xfe bytes \xe4\xb8 cut \xf0\x9f\x98\x80 emoji 9 99 999 a1b2c3",
    NULL, /* the fill_bench reference body: 1 KiB of a repeated sentence (filled in below) */
    /* more distinct words than the scorer remembers (64), each seen plain and negated */
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu one two three "
    "four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "thousand million billion red orange yellow green blue indigo violet black white grey. "
    "not alpha bravo charlie, no delta echo foxtrot. golf hotel india never juliet kilo lima "
    "mike november oscar. papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu "
    "didn't one two three but four five six seven eight nine ten eleven twelve thirteen. "
    "alpha alpha alpha not alpha alpha alpha alpha red red red",
    /* round 8 negators: apostrophe-less contractions, Cantonese 冇 and 唔 */
    "it wasnt me and i couldnt stop it, nobody else has my phone. 冇人用過我部機 唔係我提嘅",
};

static const struct golden golden_want[] = {
#include "tmodel_golden.inc"
};

static void
test_scores_are_golden(void **state)
{
    struct sd_tmodel *m = synthetic_model();
    char body[1025];
    bool print = getenv("SD_GOLDEN_PRINT") != NULL;
    const size_t nt = sizeof(golden_texts) / sizeof(golden_texts[0]);

    (void)state;
    for(size_t i = 0; i < sizeof(body) - 1; i++)
        body[i] = ref_sentence[i % (sizeof(ref_sentence) - 1)];
    body[sizeof(body) - 1] = 0;
    if(!print)
        assert_int_equal(sizeof(golden_want) / sizeof(golden_want[0]), nt);
    for(size_t t = 0; t < nt; t++) {
        const char *text = golden_texts[t] ? golden_texts[t] : body;
        struct sd_tmodel_out o;
        const struct golden *g = &golden_want[print ? 0 : t];

        assert_int_equal(sd_tmodel_predict(m, text, strlen(text), &o), SD_OK);
        if(print) {
            printf("    {%u, {", o.features);
            for(int c = 0; c < SD_TMODEL_CATS; c++)
                printf("%s%.9gf", c ? ", " : "", (double)o.cat[c]);
            printf("}, {");
            for(int q = 0; q < SD_TMODEL_PRIOS; q++)
                printf("%s%.9gf", q ? ", " : "", (double)o.prio[q]);
            printf("}, %.9gf, %d, %s},\n", (double)o.fund, o.prio_target,
                   o.fund_raise ? "true" : "false");
            continue;
        }
        assert_int_equal(o.features, g->features);
        for(int c = 0; c < SD_TMODEL_CATS; c++)
            assert_float_equal(o.cat[c], g->cat[c], 1e-6);
        for(int q = 0; q < SD_TMODEL_PRIOS; q++)
            assert_float_equal(o.prio[q], g->prio[q], 1e-6);
        assert_float_equal(o.fund, g->fund, 1e-6);
        assert_int_equal(o.prio_target, g->prio_target);
        assert_int_equal(o.fund_raise, g->fund_raise);
    }
    sd_tmodel_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_training_learns_a_tiny_set),
        cmocka_unit_test(test_negation_is_a_feature),
        cmocka_unit_test(test_model_text_is_deterministic),
        cmocka_unit_test(test_dropout_and_averaging),
        cmocka_unit_test(test_load_rejects_a_corrupt_model_naming_the_line),
        cmocka_unit_test(test_model_never_lowers_the_p1_floor),
        cmocka_unit_test(test_model_moves_and_raises),
        cmocka_unit_test(test_raise_needs_the_p1_head),
        cmocka_unit_test(test_default_rules_carry_the_shipped_model),
        cmocka_unit_test(test_score_sum_cannot_overflow),
        cmocka_unit_test(test_probabilities_stay_finite_when_every_head_saturates),
        cmocka_unit_test(test_calm_rule_vetoes_the_raise),
        cmocka_unit_test(test_veto_yields_to_certainty),
        cmocka_unit_test(test_money_leaving_raise),
        cmocka_unit_test(test_scores_are_golden),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
