/* Incidents: open with match terms, auto-link on intake (folded text, so full-width and
 * traditional Chinese match too; whole words and terms only; the incident's category), links
 * suggested until an agent confirms them, manual link, confirm and unlink on the ticket's
 * timeline, an update that reaches every confirmed linked open ticket exactly once, resolve
 * with linked tickets, get with links and list. */
#include "test_helpers.h"

#include "incident/incident_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/incident.h"
#include "sealdesk/tickets.h"

static const struct sd_actor sys = {"ops", NULL, SD_ROLE_SYSTEM};

static uint64_t
create_in(struct sd_desk *d, int category, const char *subject, const char *body)
{
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.field[SD_F_SUBJECT] = subject;
    in.field[SD_F_BODY] = body;
    in.category = category;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    return t.id;
}

static uint64_t
create(struct sd_desk *d, const char *subject, const char *body)
{
    return create_in(d, SD_CAT_WITHDRAWAL, subject, body);
}

/* Incident events on ticket id, their details joined by "|". */
static void
incident_events(struct sd_desk *d, uint64_t id, char *out, size_t cap)
{
    struct sd_ticket t;
    size_t off = 0;

    out[0] = 0;
    assert_int_equal(sd_ticket_get(d, &sys, id, false, NULL, &t), SD_OK);
    for(size_t i = 0; i < t.n_events; i++) {
        if(t.events[i].kind != SD_EV_INCIDENT)
            continue;
        assert_string_equal(sd_event_kind_name(t.events[i].kind), "incident");
        off += (size_t)snprintf(out + off, cap - off, "%s%s", off ? "|" : "", t.events[i].detail);
    }
    sd_ticket_clear(&t);
}

/* Public comments on ticket id whose text is body. */
static int
replies(struct sd_desk *d, uint64_t id, const char *body)
{
    struct sd_ticket t;
    int n = 0;

    assert_int_equal(sd_ticket_get(d, &sys, id, false, NULL, &t), SD_OK);
    for(size_t i = 0; i < t.n_events; i++) {
        if(t.events[i].kind == SD_EV_COMMENT && !t.events[i].internal && t.events[i].has_body &&
           strcmp((const char *)t.events[i].body.data, body) == 0)
            n++;
    }
    sd_ticket_clear(&t);
    return n;
}

static void
test_update_reaches_every_linked_open_ticket_exactly_once(void **state)
{
    struct fixture *f = *state;
    struct sd_incident inc, got;
    struct sd_ticket t;
    const char *msg = "We found the cause of the delay; withdrawals resume within the hour.";
    uint64_t a, b, c, manual, closed, other;

    assert_int_equal(sd_incident_open(f->d, &sys, "BTC withdrawals delayed", SD_CAT_WITHDRAWAL,
                                      "withdrawal delay, 提幣延遲", &inc),
                     SD_OK);
    assert_int_equal(inc.n_match, 2);
    assert_int_equal(inc.status, SD_INC_OPEN);
    a = create(f->d, "Withdrawal delay", "my BTC is not here yet");
    b = create(f->d, "where is my BTC", "ＷＩＴＨＤＲＡＷＡＬ ＤＥＬＡＹ again?"); /* full-width */
    c = create(f->d, "提币延迟", "我的比特币还没到");                              /* simplified */
    closed = create(f->d, "withdrawal delay", "it arrived, thanks");
    other = create(f->d, "password reset", "I cannot log in");
    manual = create(f->d, "BTC stuck", "sent two hours ago, nothing");
    assert_int_equal(sd_incident_get(f->d, inc.id, &got), SD_OK);
    assert_int_equal(got.linked, 4); /* a, b, c, closed: not other, not manual */
    assert_int_equal(got.suggested, 4);
    assert_int_equal(sd_incident_link(f->d, &sys, inc.id, manual, &got), SD_OK);
    assert_int_equal(got.linked, 5);
    assert_int_equal(got.suggested, 4);
    /* An agent checked them: the automatic matches become confirmed links. */
    assert_int_equal(sd_incident_confirm(f->d, &sys, inc.id, a, &got), SD_OK);
    assert_int_equal(sd_incident_confirm(f->d, &sys, inc.id, b, &got), SD_OK);
    assert_int_equal(sd_incident_confirm(f->d, &sys, inc.id, c, &got), SD_OK);
    assert_int_equal(sd_incident_confirm(f->d, &sys, inc.id, closed, &got), SD_OK);
    assert_int_equal(got.suggested, 0);
    assert_int_equal(sd_incident_confirm(f->d, &sys, inc.id, manual, &got), SD_E_CONFLICT);
    assert_int_equal(sd_incident_link(f->d, &sys, inc.id, manual, &got), SD_E_CONFLICT);
    assert_int_equal(sd_incident_link(f->d, &sys, inc.id, 999, &got), SD_E_NOTFOUND);
    assert_int_equal(sd_ticket_transition(f->d, &sys, closed, SD_ST_RESOLVED, &t), SD_OK);

    assert_int_equal(sd_incident_update(f->d, &sys, inc.id, msg, &got), SD_OK);
    assert_int_equal(got.replied, 4);
    assert_int_equal(got.updates, 1);
    assert_int_equal(replies(f->d, a, msg), 1);
    assert_int_equal(replies(f->d, b, msg), 1);
    assert_int_equal(replies(f->d, c, msg), 1);
    assert_int_equal(replies(f->d, manual, msg), 1);
    assert_int_equal(replies(f->d, closed, msg), 0);
    assert_int_equal(replies(f->d, other, msg), 0);

    assert_int_equal(sd_incident_resolve(f->d, &sys, inc.id, true, &got), SD_OK);
    assert_int_equal(got.status, SD_INC_RESOLVED);
    assert_int_equal(got.resolved_tickets, 4);
    assert_int_equal(sd_ticket_get(f->d, &sys, a, false, NULL, &t), SD_OK);
    assert_int_equal(t.status, SD_ST_RESOLVED);
    sd_ticket_clear(&t);
    assert_int_equal(sd_incident_update(f->d, &sys, inc.id, msg, &got), SD_E_PRECONDITION);
    /* A resolved incident no longer links new tickets. */
    create(f->d, "withdrawal delay", "again");
    assert_int_equal(sd_incident_get(f->d, inc.id, &got), SD_OK);
    assert_int_equal(got.linked, 5);
}

static void
test_bad_incident_input_is_refused(void **state)
{
    struct fixture *f = *state;
    struct sd_incident inc;

    assert_int_equal(sd_incident_open(f->d, &sys, "", SD_CAT_GENERAL, NULL, &inc), SD_E_INVALID);
    assert_int_equal(sd_incident_open(f->d, &sys, "t", SD_CAT_COUNT, "ab", &inc), SD_E_INVALID);
    assert_int_equal(sd_incident_open(f->d, &sys, "t", -2, "ab", &inc), SD_E_INVALID);
    assert_int_equal(sd_incident_open(f->d, &sys, "t", SD_CAT_GENERAL, "a", &inc),
                     SD_E_INVALID); /* one-byte term would match everything */
    assert_int_equal(sd_incident_get(f->d, 42, &inc), SD_E_NOTFOUND);
    assert_int_equal(sd_incident_open(f->d, &sys, "no terms", SD_CAT_GENERAL, "", &inc), SD_OK);
    assert_int_equal(sd_incident_update(f->d, &sys, inc.id, "", &inc), SD_E_INVALID);
}

static void
test_terms_match_whole_words_and_whole_terms(void **state)
{
    (void)state;
    /* The report: "eth" inside "something" and "whether". */
    assert_false(sd_incident_term_matches("something is wrong", 18, "eth"));
    assert_false(sd_incident_term_matches("whether i can", 13, "eth"));
    assert_false(sd_incident_term_matches("ethereum", 8, "eth"));
    assert_false(sd_incident_term_matches("eth2 staking", 12, "eth"));
    assert_true(sd_incident_term_matches("my eth is late", 14, "eth"));
    assert_true(sd_incident_term_matches("eth", 3, "eth"));
    assert_true(sd_incident_term_matches("(eth), again", 12, "eth"));
    assert_true(sd_incident_term_matches("x eth-usdt", 10, "eth"));
    assert_false(sd_incident_term_matches("méth", strlen("méth"), "eth")); /* é is a letter */
    /* A later occurrence can match when the first one is inside a word. */
    assert_true(sd_incident_term_matches("something about eth", 19, "eth"));
    /* Phrases: the edges count, inner spaces are part of the term. */
    assert_true(sd_incident_term_matches("node resync soon", 16, "node resync"));
    assert_false(sd_incident_term_matches("anode resyncing", 15, "node resync"));
    /* Han: whole term, no word boundaries needed; next to Latin letters is a boundary. */
    const char *zh = "我的提现一直在审核中";
    assert_true(sd_incident_term_matches(zh, strlen(zh), "提现"));
    assert_false(sd_incident_term_matches(zh, strlen(zh), "提现延迟"));
    const char *mix = "提现eth到账";
    assert_true(sd_incident_term_matches(mix, strlen(mix), "eth"));
    /* Hangul: a term starts a word; particles may follow it. */
    const char *ko = "이더리움을 보냈어요";
    assert_true(sd_incident_term_matches(ko, strlen(ko), "이더리움"));
    assert_false(sd_incident_term_matches(ko, strlen(ko), "리움"));
    assert_false(sd_incident_term_matches("et", 2, "eth"));
    assert_false(sd_incident_term_matches("abc", 3, ""));
}

static void
test_autolink_respects_words_and_category(void **state)
{
    struct fixture *f = *state;
    struct sd_incident inc, any, got;
    uint64_t word, inside, deposit, general;
    char ev[256];

    assert_int_equal(
        sd_incident_open(f->d, &sys, "ETH node resync", SD_CAT_WITHDRAWAL, "eth", &inc), SD_OK);
    inside = create(f->d, "Something is wrong", "Whether I can withdraw, nobody knows");
    word = create(f->d, "ETH withdrawal stuck", "sent 2 ETH an hour ago");
    deposit = create_in(f->d, SD_CAT_DEPOSIT, "ETH deposit missing", "my ETH deposit");
    assert_int_equal(sd_incident_get(f->d, inc.id, &got), SD_OK);
    assert_int_equal(got.linked, 1); /* only `word`: not inside a word, not a deposit */
    incident_events(f->d, inside, ev, sizeof(ev));
    assert_string_equal(ev, "");
    incident_events(f->d, deposit, ev, sizeof(ev));
    assert_string_equal(ev, "");
    snprintf(got.title, sizeof(got.title), "link incident=%llu suggested",
             (unsigned long long)inc.id);
    incident_events(f->d, word, ev, sizeof(ev));
    assert_string_equal(ev, got.title);

    /* An incident without a category links tickets of every category. */
    assert_int_equal(sd_incident_open(f->d, &sys, "All ETH", -1, "eth", &any), SD_OK);
    assert_true(any.any_category);
    general = create_in(f->d, SD_CAT_DEPOSIT, "ETH?", "eth");
    assert_int_equal(sd_incident_get(f->d, any.id, &got), SD_OK);
    assert_int_equal(got.linked, 1);
    assert_int_equal(sd_incident_get(f->d, inc.id, &got), SD_OK);
    assert_int_equal(got.linked, 1); /* still only `word` */
    (void)general;
}

static void
test_suggested_link_gets_no_reply_until_confirmed(void **state)
{
    struct fixture *f = *state;
    struct sd_incident inc, got;
    struct sd_ticket t;
    const struct sd_actor ag = {"wei", NULL, SD_ROLE_AGENT};
    const struct sd_actor other = {"ana", NULL, SD_ROLE_AGENT};
    const char *msg = "node resync 60% done";
    uint64_t id;

    assert_int_equal(sd_incident_open(f->d, &sys, "ETH node", SD_CAT_WITHDRAWAL, "eth", &inc),
                     SD_OK);
    id = create(f->d, "ETH withdrawal", "where is my eth");
    assert_int_equal(sd_incident_update(f->d, &sys, inc.id, msg, &got), SD_OK);
    assert_int_equal(got.replied, 0);
    assert_int_equal(got.suggested, 1);
    assert_int_equal(replies(f->d, id, msg), 0);
    /* An agent takes the ticket and confirms the link; another agent may not. */
    assert_int_equal(sd_ticket_assign(f->d, &sys, id, "wei", &t), SD_OK);
    assert_int_equal(sd_incident_confirm(f->d, &other, inc.id, id, &got), SD_E_DENIED);
    assert_int_equal(sd_incident_unlink(f->d, &other, inc.id, id, &got), SD_E_DENIED);
    assert_int_equal(sd_incident_confirm(f->d, &ag, inc.id, id, &got), SD_OK);
    assert_int_equal(got.suggested, 0);
    assert_int_equal(sd_incident_update(f->d, &sys, inc.id, msg, &got), SD_OK);
    assert_int_equal(got.replied, 1);
    assert_int_equal(replies(f->d, id, msg), 1);
}

static void
test_resolve_leaves_suggested_tickets_open(void **state)
{
    struct fixture *f = *state;
    struct sd_incident inc, got;
    struct sd_ticket t;
    uint64_t id;

    assert_int_equal(sd_incident_open(f->d, &sys, "ETH node", SD_CAT_WITHDRAWAL, "eth", &inc),
                     SD_OK);
    id = create(f->d, "ETH withdrawal", "where is my eth");
    assert_int_equal(sd_incident_resolve(f->d, &sys, inc.id, true, &got), SD_OK);
    assert_int_equal(got.resolved_tickets, 0);
    assert_int_equal(sd_ticket_get(f->d, &sys, id, false, NULL, &t), SD_OK);
    assert_int_equal(t.status, SD_ST_RECEIVED);
    sd_ticket_clear(&t);
}

static void
test_link_confirm_unlink_on_the_timeline(void **state)
{
    struct fixture *f = *state;
    struct sd_incident inc, got;
    struct sd_incident_link *links = NULL;
    size_t n = 0;
    char ev[256], want[256];
    uint64_t id, auto_id;
    unsigned long long i;

    assert_int_equal(sd_incident_open(f->d, &sys, "Login outage", SD_CAT_ACCOUNT, "login", &inc),
                     SD_OK);
    i = (unsigned long long)inc.id;
    id = create(f->d, "password", "cannot sign in");
    auto_id = create_in(f->d, SD_CAT_ACCOUNT, "login fails", "login page spins");
    assert_int_equal(sd_incident_link(f->d, &sys, inc.id, id, &got), SD_OK);
    assert_int_equal(sd_incident_confirm(f->d, &sys, inc.id, auto_id, &got), SD_OK);
    assert_int_equal(got.linked, 2);
    assert_int_equal(sd_incident_get_links(f->d, inc.id, &got, &links, &n), SD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(links[0].ticket, id);
    assert_true(links[0].confirmed);
    assert_int_equal(links[1].ticket, auto_id);
    assert_true(links[1].confirmed);
    free(links);
    assert_int_equal(sd_incident_unlink(f->d, &sys, inc.id, id, &got), SD_OK);
    assert_int_equal(got.linked, 1);
    assert_int_equal(sd_incident_unlink(f->d, &sys, inc.id, id, &got), SD_E_NOTFOUND);
    assert_int_equal(sd_incident_confirm(f->d, &sys, inc.id, id, &got), SD_E_NOTFOUND);
    assert_int_equal(sd_incident_unlink(f->d, &sys, 99, id, &got), SD_E_NOTFOUND);
    incident_events(f->d, id, ev, sizeof(ev));
    snprintf(want, sizeof(want), "link incident=%llu|unlink incident=%llu", i, i);
    assert_string_equal(ev, want);
    incident_events(f->d, auto_id, ev, sizeof(ev));
    snprintf(want, sizeof(want), "link incident=%llu suggested|confirm incident=%llu", i, i);
    assert_string_equal(ev, want);
    /* Unlink is allowed after resolve (correcting the record); link and confirm are not. */
    assert_int_equal(sd_incident_resolve(f->d, &sys, inc.id, false, &got), SD_OK);
    assert_int_equal(sd_incident_link(f->d, &sys, inc.id, id, &got), SD_E_PRECONDITION);
    assert_int_equal(sd_incident_unlink(f->d, &sys, inc.id, auto_id, &got), SD_OK);
    assert_int_equal(got.linked, 0);
}

static void
test_list_and_get(void **state)
{
    struct fixture *f = *state;
    struct sd_incident a, b, got, *all = NULL;
    size_t n = 0;
    bool truncated = true;

    assert_int_equal(sd_incident_list(f->d, 0, &all, &n, &truncated), SD_OK);
    assert_int_equal(n, 0);
    assert_null(all);
    assert_false(truncated);
    assert_int_equal(sd_incident_open(f->d, &sys, "first", SD_CAT_DEPOSIT, "x1", &a), SD_OK);
    assert_int_equal(sd_incident_open(f->d, &sys, "second", -1, NULL, &b), SD_OK);
    assert_int_equal(sd_incident_resolve(f->d, &sys, a.id, false, &got), SD_OK);
    assert_int_equal(sd_incident_list(f->d, 0, &all, &n, &truncated), SD_OK);
    assert_int_equal(n, 2);
    assert_string_equal(all[0].title, "first");
    assert_int_equal(all[0].status, SD_INC_RESOLVED);
    assert_string_equal(all[1].title, "second");
    assert_true(all[1].any_category);
    free(all);
    assert_int_equal(sd_incident_list(f->d, SD_INC_OPEN, &all, &n, &truncated), SD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(all[0].id, b.id);
    free(all);
    assert_int_equal(sd_incident_list(f->d, 7, &all, &n, &truncated), SD_E_INVALID);
    assert_int_equal(sd_incident_get(f->d, a.id, &got), SD_OK);
    assert_string_equal(got.title, "first");
    assert_int_equal(got.category, SD_CAT_DEPOSIT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_update_reaches_every_linked_open_ticket_exactly_once,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bad_incident_input_is_refused, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test(test_terms_match_whole_words_and_whole_terms),
        cmocka_unit_test_setup_teardown(test_autolink_respects_words_and_category, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_suggested_link_gets_no_reply_until_confirmed,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_resolve_leaves_suggested_tickets_open, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_link_confirm_unlink_on_the_timeline, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_list_and_get, fixture_setup, fixture_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
