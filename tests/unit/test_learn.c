/* Learned triage (issue 17 item 3): corrections train the hashed naive Bayes model, which
 * moves ambiguous tickets but never lowers the fund-safety floor; shredding a customer removes
 * their examples; the stored features hold no text; the correction's rules (who, what). */
#include "desk_helpers.h"

#include "sealdesk/authz.h"
#include "sealdesk/keyops.h"
#include "sealdesk/learn.h"

static const struct sd_actor sys = {"op", NULL, SD_ROLE_SYSTEM};
static const struct sd_actor sup = {"sup", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor wei = {"wei", NULL, SD_ROLE_AGENT};
static const struct sd_actor comp = {"comp", NULL, SD_ROLE_COMPLIANCE};

static uint64_t
create_for(struct sd_desk *d, const char *subject, const char *body, const char *uid)
{
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_CHAT;
    in.field[SD_F_SUBJECT] = subject;
    in.field[SD_F_BODY] = body;
    in.field[SD_F_CUSTOMER_UID] = uid;
    in.category = -1;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    return t.id;
}

static uint64_t
examples(struct sd_desk *d)
{
    struct sd_txn *t;
    uint64_t n;

    assert_int_equal(sd_txn_begin(sd_desk_store(d), false, &t), SD_OK);
    assert_int_equal(sd_learn_count(t, &n), SD_OK);
    sd_txn_abort(t);
    return n;
}

static void
set(struct sd_desk *d, const struct sd_actor *a, uint64_t id, int cat, int prio, sd_err want)
{
    struct sd_ticket t;

    assert_int_equal(sd_ticket_set_triage(d, a, id, cat, prio, "agent knows better", &t), want);
}

/* Text no rule scores (the rules alone: general P4; the shipped model may call it technical). */
static const char *crash[] = {
    "the screen goes white on the market tab",     "market tab screen turns white every time",
    "the market tab goes white on my screen",      "opening the market tab the screen turns white",
    "the market tab screen is white, please look", "white screen again when I open the market tab",
};
static const char *promo[] = {
    "where is the referral bonus voucher from the campaign",
    "referral campaign voucher never arrived",
    "my campaign voucher bonus is missing from the referral page",
    "the referral voucher of the campaign is not in my rewards",
};

static void
train_crash_and_promo(struct sd_desk *d)
{
    for(size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
        set(d, &sys, create_for(d, "help", crash[i], "U-CRASH"), SD_CAT_TRADING, 2, SD_OK);
    for(size_t i = 0; i < sizeof(promo) / sizeof(promo[0]); i++)
        set(d, &sys, create_for(d, "hi", promo[i], "U-PROMO"), SD_CAT_GENERAL, 4, SD_OK);
}

static void
test_training_moves_an_ambiguous_case(void **state)
{
    struct fixture *f = *state;
    const char *probe = "the screen goes white again on the market tab";
    struct sd_triage_result r;
    char lines[SD_LEARN_EXPLAIN_MAX][SD_LEARN_EXPLAIN_LINE];
    size_t n;
    bool saw = false;
    int cat0, prio0;

    /* The shipped rules and model decide first (a white screen: general or technical, never
     * trading P2); the agents' corrections then move it. */
    assert_int_equal(sd_desk_triage(f->d, probe, strlen(probe), false, &r), SD_OK);
    cat0 = r.category;
    prio0 = r.priority;
    assert_int_not_equal(cat0, SD_CAT_TRADING);
    assert_true(prio0 >= 3);
    assert_false(r.learned.active);
    /* Below the minimum number of examples nothing changes. */
    set(f->d, &sys, create_for(f->d, "help", crash[0], "U-CRASH"), SD_CAT_TRADING, 2, SD_OK);
    assert_int_equal(sd_desk_triage(f->d, probe, strlen(probe), false, &r), SD_OK);
    assert_int_equal(r.category, cat0);
    assert_int_equal(r.priority, prio0);
    assert_false(r.learned.active);
    train_crash_and_promo(f->d);
    assert_int_equal(examples(f->d), 11);
    assert_int_equal(sd_desk_triage(f->d, probe, strlen(probe), false, &r), SD_OK);
    assert_true(r.learned.active);
    assert_int_equal(r.category, SD_CAT_TRADING);
    assert_int_equal(r.rule_priority, 3); /* trading's default */
    assert_int_equal(r.learned.prio, 2);
    assert_int_equal(r.priority, 2); /* one level towards the learned priority at most */
    assert_true(r.learned.cat[SD_CAT_TRADING] > 0 &&
                r.learned.cat[SD_CAT_TRADING] <= SD_LEARN_CAT_CAP);
    assert_true(r.learned.cat[SD_CAT_GENERAL] < 0);
    /* A new ticket is triaged the same way; a text about the other class goes there. */
    {
        struct sd_ticket t;

        assert_int_equal(
            sd_ticket_get(f->d, &sys, create_for(f->d, "x", probe, "U-NEW"), false, NULL, &t),
            SD_OK);
        assert_int_equal(t.category, SD_CAT_TRADING);
        sd_ticket_clear(&t);
    }
    n = sd_learn_explain(&r, lines, SD_LEARN_EXPLAIN_MAX);
    for(size_t i = 0; i < n; i++)
        saw = saw || strstr(lines[i], "learned: examples=11") != NULL;
    assert_true(saw);
    assert_non_null(strstr(lines[n - 1], "decision: trading P2"));
}

static void
test_floor_holds_under_a_flood(void **state)
{
    struct fixture *f = *state;
    const char *fund = "someone logged into my account and withdrew all my BTC";
    const char *sec = "I got a phishing email pretending to be you";
    struct sd_triage_result r, before;
    uint64_t id;

    assert_int_equal(sd_desk_triage(f->d, fund, strlen(fund), false, &r), SD_OK);
    assert_true(r.fund_safety);
    assert_int_equal(sd_desk_triage(f->d, sec, strlen(sec), false, &before), SD_OK);
    /* 40 corrections say texts like these are general P4 (and a few say trading). */
    for(int i = 0; i < 40; i++) {
        id = create_for(f->d, "x", i % 2 ? fund : sec, i % 4 == 3 ? "U-B" : "U-A");
        set(f->d, &sys, id, i % 5 == 4 ? SD_CAT_TRADING : SD_CAT_GENERAL, 4, SD_OK);
    }
    assert_int_equal(sd_desk_triage(f->d, fund, strlen(fund), false, &r), SD_OK);
    assert_true(r.fund_safety);
    assert_int_equal(r.category, SD_CAT_SECURITY);
    assert_int_equal(r.priority, 1);
    assert_false(r.learned.active); /* not applied at all */
    assert_true(r.learned.floor);
    /* A security rule keeps its category, whatever the model says. */
    assert_int_equal(sd_desk_triage(f->d, sec, strlen(sec), false, &r), SD_OK);
    assert_int_equal(before.category, SD_CAT_SECURITY);
    assert_int_equal(r.category, SD_CAT_SECURITY);
    assert_true(r.learned.floor);
    /* And a new fund-safety ticket is still security P1. */
    {
        struct sd_ticket t;

        assert_int_equal(
            sd_ticket_get(f->d, &sys, create_for(f->d, "x", fund, "U-C"), false, NULL, &t), SD_OK);
        assert_int_equal(t.category, SD_CAT_SECURITY);
        assert_int_equal(t.priority, 1);
        sd_ticket_clear(&t);
    }
}

/* No example row ('e' key) is left in the learn table, and every count in it is back to zero. */
static void
assert_learn_counts_zero(struct sd_desk *d)
{
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, v;
    sd_err rc;

    assert_int_equal(sd_txn_begin(sd_desk_store(d), false, &t), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_LEARN, &c), SD_OK);
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        assert_int_not_equal(k.p[0], 'e');
        for(size_t i = 0; i < v.n; i++)
            assert_int_equal(v.p[i], 0);
    }
    sd_cursor_close(c);
    sd_txn_abort(t);
}

static void
test_shred_removes_examples(void **state)
{
    struct fixture *f = *state;
    struct sd_shred_result sr;

    train_crash_and_promo(f->d);
    assert_int_equal(examples(f->d), 10);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "U-CRASH", "erasure request", &sr), SD_OK);
    assert_int_equal(examples(f->d), 4); /* the promo customer's stay */
    assert_int_equal(sd_keyops_shred(f->d, &sys, "U-PROMO", "erasure request", &sr), SD_OK);
    assert_int_equal(examples(f->d), 0);
    assert_learn_counts_zero(f->d);
}

/* The buckets of the example stored for ticket id (u16 big-endian from the record). */
static size_t
stored_buckets(struct sd_desk *d, uint64_t id, uint16_t *out)
{
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, v;
    size_t n = 0;
    bool found = false;
    sd_err rc;

    assert_int_equal(sd_txn_begin(sd_desk_store(d), false, &t), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_LEARN, &c), SD_OK);
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        if(k.n != 17 || k.p[0] != 'e' || sd_get_u64be(k.p + 9) != id)
            continue;
        n = (size_t)v.p[4] << 8 | v.p[5];
        assert_true(n <= SD_LEARN_MAX_FEATURES && v.n == 6 + 2 * n);
        for(size_t i = 0; i < n; i++)
            out[i] = (uint16_t)(v.p[6 + 2 * i] << 8 | v.p[7 + 2 * i]);
        found = true;
    }
    sd_cursor_close(c);
    sd_txn_abort(t);
    assert_true(found);
    return n;
}

/* The feature key derives from the blind-index key: bidx-rotate hashes every stored example
 * again under the new key (labels kept), so the model still speaks for what it learned, and
 * no example keeps buckets of a key that is gone. */
static void
test_bidx_rotate_rehashes_examples(void **state)
{
    struct fixture *f = *state;
    const char *probe = "the screen goes white again on the market tab";
    uint16_t got[SD_LEARN_MAX_FEATURES], want[SD_LEARN_MAX_FEATURES];
    struct sd_triage_result r;
    size_t ng, nw;
    uint32_t version;
    uint64_t reindexed;

    train_crash_and_promo(f->d); /* ticket 1: "help" / crash[0], trading P2 */
    ng = stored_buckets(f->d, 1, got);
    assert_int_equal(sd_learn_features(f->d->kr, "help", 4, crash[0], strlen(crash[0]), want, &nw),
                     SD_OK);
    assert_int_equal(ng, nw);
    assert_memory_equal(got, want, nw * sizeof(want[0]));
    assert_int_equal(sd_keyops_bidx_rotate(f->d, &sys, &version, &reindexed), SD_OK);
    assert_int_equal(examples(f->d), 10);
    ng = stored_buckets(f->d, 1, got);
    assert_int_equal(sd_learn_features(f->d->kr, "help", 4, crash[0], strlen(crash[0]), want, &nw),
                     SD_OK);
    assert_int_equal(ng, nw);
    assert_memory_equal(got, want, nw * sizeof(want[0]));
    /* and the model still moves the probe as it did under the old key */
    assert_int_equal(sd_desk_triage(f->d, probe, strlen(probe), false, &r), SD_OK);
    assert_true(r.learned.active);
    assert_int_equal(r.category, SD_CAT_TRADING);
    assert_int_equal(r.learned.prio, 2);
    /* a shred after the rotation still takes every count back out */
    {
        struct sd_shred_result sr;

        assert_int_equal(sd_keyops_shred(f->d, &sys, "U-CRASH", "erasure request", &sr), SD_OK);
        assert_int_equal(sd_keyops_shred(f->d, &sys, "U-PROMO", "erasure request", &sr), SD_OK);
        assert_int_equal(examples(f->d), 0);
    }
    /* every count is back to zero: the rehash moved each example's counts, none doubled */
    assert_learn_counts_zero(f->d);
}

/* Every 4-byte piece of text must be absent from every key and value of the learn table. */
static void
test_features_are_not_reversible(void **state)
{
    struct fixture *f = *state;
    const char *texts[] = {"withdrawal pending for twenty hours, txid missing",
                           "提现一直在审核中，已经二十个小时了",
                           "출금이 스무 시간째 대기 중이에요"};
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, v;
    sd_err rc;
    size_t rows = 0;

    for(size_t i = 0; i < 3; i++)
        set(f->d, &sys, create_for(f->d, "subject line words", texts[i], "U-X"), SD_CAT_WITHDRAWAL,
            3, SD_OK);
    assert_int_equal(sd_txn_begin(sd_desk_store(f->d), false, &t), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_LEARN, &c), SD_OK);
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        rows++;
        for(size_t i = 0; i < 3; i++) {
            for(size_t j = 0; j + 4 <= strlen(texts[i]); j++) {
                assert_null(memmem(v.p, v.n, texts[i] + j, 4));
                assert_null(memmem(k.p, k.n, texts[i] + j, 4));
            }
        }
    }
    assert_true(rows >= 4); /* 3 examples, totals, shards */
    sd_cursor_close(c);
    sd_txn_abort(t);
    assert_false(store_holds(f->dir, "zebrafish"));
    assert_false(store_holds(f->dir, "quokka"));
    assert_false(store_holds(f->dir, "蝴蝶兰"));
    assert_false(store_holds(f->dir, "고양이"));
}

static void
test_features_keyed_and_cjk(void **state)
{
    struct fixture *f = *state;
    uint16_t a[SD_LEARN_MAX_FEATURES], b[SD_LEARN_MAX_FEATURES];
    size_t na, nb;

    assert_int_equal(sd_learn_features(f->d->kr, "", 0, "提现", strlen("提现"), a, &na), SD_OK);
    assert_int_equal(na, 3); /* 提, 现, 提现 */
    assert_int_equal(sd_learn_features(f->d->kr, "", 0, "提现", strlen("提现"), b, &nb), SD_OK);
    assert_int_equal(nb, na);
    assert_memory_equal(a, b, na * sizeof(a[0]));
    /* Case and width fold to the same features. */
    assert_int_equal(sd_learn_features(f->d->kr, "", 0, "Pending", 7, a, &na), SD_OK);
    assert_int_equal(
        sd_learn_features(f->d->kr, "", 0, "ＰＥＮＤＩＮＧ", strlen("ＰＥＮＤＩＮＧ"), b, &nb),
        SD_OK);
    assert_int_equal(nb, na);
    assert_memory_equal(a, b, na * sizeof(a[0]));
    assert_true(na > 5); /* word + 3..5-grams */
    assert_int_equal(sd_learn_features(f->d->kr, "", 0, "bad\xc3", 4, a, &na), SD_E_INVALID);
}

static void
test_set_triage_rules(void **state)
{
    struct fixture *f = *state;
    const char *fund = "someone logged into my account and withdrew all my BTC";
    char long_reason[600];
    struct sd_ticket t;
    uint64_t p1, plain, audit0;

    people(f->d);
    p1 = create_for(f->d, "x", fund, "U-1");
    plain = create_for(f->d, "x", "question about fees", "U-2");
    /* Compliance may not correct triage; agents and supervisors may. */
    assert_false(sd_policy_allows(SD_ROLE_COMPLIANCE, SD_OP_TICKET_SET_TRIAGE));
    assert_true(sd_policy_allows(SD_ROLE_AGENT, SD_OP_TICKET_SET_TRIAGE));
    assert_true(sd_policy_allows(SD_ROLE_SUPERVISOR, SD_OP_TICKET_SET_TRIAGE));
    set(f->d, &comp, plain, SD_CAT_TRADING, 0, SD_E_DENIED);
    /* An agent may not lower P1 nor move a security ticket elsewhere; may raise. */
    set(f->d, &wei, p1, -1, 2, SD_E_DENIED);
    set(f->d, &wei, p1, SD_CAT_GENERAL, 0, SD_E_DENIED);
    set(f->d, &wei, plain, -1, 1, SD_OK);
    set(f->d, &wei, plain, -1, 3, SD_E_DENIED); /* now P1: lowering needs a supervisor */
    set(f->d, &sup, p1, SD_CAT_ACCOUNT, 3, SD_OK);
    assert_int_equal(sd_ticket_get(f->d, &sys, p1, false, NULL, &t), SD_OK);
    assert_int_equal(t.category, SD_CAT_ACCOUNT);
    assert_int_equal(t.priority, 3);
    {
        bool ev = false;

        for(size_t i = 0; i < t.n_events; i++) {
            if(t.events[i].kind == SD_EV_TRIAGE_CORRECTED &&
               strstr(t.events[i].detail, "category=security->account priority=P1->P3"))
                ev = true;
        }
        assert_true(ev);
    }
    sd_ticket_clear(&t);
    /* Bad input: nothing changes, not even the audit log. */
    audit0 = audit_size(f->d);
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, plain, -1, 0, "r", &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, plain, -1, 5, "r", &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, plain, 99, 0, "r", &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, plain, 1, 0, "", &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, plain, 1, 0, NULL, &t), SD_E_INVALID);
    memset(long_reason, 'x', 501);
    long_reason[501] = 0;
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, plain, 1, 0, long_reason, &t), SD_E_LIMIT);
    long_reason[500] = 0;
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, 999, 1, 0, "r", &t), SD_E_NOTFOUND);
    assert_int_equal(audit_size(f->d), audit0);
    /* One write: record, event, audit entry and example together. */
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, plain, 1, 0, long_reason, &t), SD_OK);
    assert_int_equal(audit_size(f->d), audit0 + 1);
    assert_int_equal(examples(f->d), 2); /* one per ticket: plain's was replaced */
    /* A failed write leaves nothing behind. */
    sd_store_test_fail_after(3);
    assert_int_equal(sd_ticket_set_triage(f->d, &sys, plain, 2, 0, "again", &t), SD_E_STORE);
    sd_store_test_fail_after(0);
    assert_int_equal(audit_size(f->d), audit0 + 1);
    assert_int_equal(sd_ticket_get(f->d, &sys, plain, false, NULL, &t), SD_OK);
    assert_int_equal(t.category, 1);
    sd_ticket_clear(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_training_moves_an_ambiguous_case, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_floor_holds_under_a_flood, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_shred_removes_examples, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bidx_rotate_rehashes_examples, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_features_are_not_reversible, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_features_keyed_and_cjk, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_set_triage_rules, fixture_setup, fixture_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
