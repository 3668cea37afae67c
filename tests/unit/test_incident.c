/* Incidents: open with match terms, auto-link on intake (folded text, so full-width and
 * traditional Chinese match too), manual link, an update that reaches every linked open
 * ticket exactly once, resolve with linked tickets. */
#include "test_helpers.h"

#include "sealdesk/incident.h"

static const struct sd_actor sys = {"ops", NULL, SD_ROLE_SYSTEM};

static uint64_t
create(struct sd_desk *d, const char *subject, const char *body)
{
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.field[SD_F_SUBJECT] = subject;
    in.field[SD_F_BODY] = body;
    in.category = -1;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    return t.id;
}

/* Public comments on ticket id whose text is body. */
static int
replies(struct sd_desk *d, uint64_t id, const char *body)
{
    struct sd_ticket t;
    int n = 0;

    assert_int_equal(sd_ticket_get(d, &sys, id, false, NULL, &t), SD_OK);
    for(size_t i = 0; i < t.n_events; i++) {
        if(t.events[i].kind == SD_EV_COMMENT && !t.events[i].internal &&
           t.events[i].has_body && strcmp((const char *)t.events[i].body.data, body) == 0)
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
    c = create(f->d, "提币延迟", "我的比特币还没到");                           /* simplified */
    closed = create(f->d, "withdrawal delay", "it arrived, thanks");
    other = create(f->d, "password reset", "I cannot log in");
    manual = create(f->d, "BTC stuck", "sent two hours ago, nothing");
    assert_int_equal(sd_incident_get(f->d, inc.id, &got), SD_OK);
    assert_int_equal(got.linked, 4); /* a, b, c, closed: not other, not manual */
    assert_int_equal(sd_incident_link(f->d, &sys, inc.id, manual, &got), SD_OK);
    assert_int_equal(got.linked, 5);
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

    assert_int_equal(sd_incident_open(f->d, &sys, "", SD_CAT_GENERAL, NULL, &inc),
                     SD_E_INVALID);
    assert_int_equal(sd_incident_open(f->d, &sys, "t", SD_CAT_GENERAL, "a", &inc),
                     SD_E_INVALID); /* one-byte term would match everything */
    assert_int_equal(sd_incident_get(f->d, 42, &inc), SD_E_NOTFOUND);
    assert_int_equal(sd_incident_open(f->d, &sys, "no terms", SD_CAT_GENERAL, "", &inc),
                     SD_OK);
    assert_int_equal(sd_incident_update(f->d, &sys, inc.id, "", &inc), SD_E_INVALID);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_update_reaches_every_linked_open_ticket_exactly_once,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bad_incident_input_is_refused, fixture_setup,
                                        fixture_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
