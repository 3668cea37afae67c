/* Statistics (src/tickets/agent_stats.c): per-agent and per-day figures against hand-computed
 * fixtures. */
#include "route_helpers.h"

#include "tickets/desk_int.h"

static void
test_agent_stats_match_a_hand_computed_fixture(void **state)
{
    struct fixture *f = *state;
    struct sd_agent_stats *st = NULL;
    struct sd_ticket t;
    uint64_t t1, t2, t3, t4, old;
    size_t n = 0;

    /* All P3: first response due in 4 h, resolution in 72 h. */
    at(T0 - 86400);
    old = create(f->d, "old", "before the window", SD_CAT_DEPOSIT, 3, false);
    assert_int_equal(sd_ticket_assign(f->d, &sys, old, "bob", &t), SD_OK);
    at(T0);
    t1 = create(f->d, "a", "one", SD_CAT_DEPOSIT, 3, false);
    t2 = create(f->d, "b", "two", SD_CAT_DEPOSIT, 3, false);
    t3 = create(f->d, "c", "three", SD_CAT_DEPOSIT, 3, false);
    t4 = create(f->d, "d", "four", SD_CAT_DEPOSIT, 3, false);
    create(f->d, "e", "unassigned", SD_CAT_DEPOSIT, 3, false);
    assert_int_equal(sd_ticket_assign(f->d, &sys, t1, "ann", &t), SD_OK);
    assert_int_equal(sd_ticket_assign(f->d, &sys, t2, "ann", &t), SD_OK);
    assert_int_equal(sd_ticket_assign(f->d, &sys, t3, "ann", &t), SD_OK);
    assert_int_equal(sd_ticket_assign(f->d, &sys, t4, "bob", &t), SD_OK);
    /* ann t1: response 600 s, resolved 3600 s, CSAT 5. */
    at(T0 + 600);
    assert_int_equal(sd_ticket_comment(f->d, &sys, t1, "hello", false, &t), SD_OK);
    at(T0 + 3600);
    assert_int_equal(sd_ticket_transition(f->d, &sys, t1, SD_ST_RESOLVED, &t), SD_OK);
    assert_int_equal(sd_ticket_rate(f->d, &sys, t1, 5, &t), SD_OK);
    /* bob t4: response 1200 s, open. */
    at(T0 + 1200);
    assert_int_equal(sd_ticket_comment(f->d, &sys, t4, "looking", false, &t), SD_OK);
    /* ann t2: response 18000 s (past 4 h: breach), resolved, reopened, resolved at 30000 s,
     * CSAT 3. */
    at(T0 + 18000);
    assert_int_equal(sd_ticket_comment(f->d, &sys, t2, "sorry", false, &t), SD_OK);
    at(T0 + 20000);
    assert_int_equal(sd_ticket_transition(f->d, &sys, t2, SD_ST_RESOLVED, &t), SD_OK);
    at(T0 + 21000);
    assert_int_equal(sd_ticket_transition(f->d, &sys, t2, SD_ST_REOPEN, &t), SD_OK);
    at(T0 + 30000);
    assert_int_equal(sd_ticket_transition(f->d, &sys, t2, SD_ST_RESOLVED, &t), SD_OK);
    assert_int_equal(sd_ticket_rate(f->d, &sys, t2, 3, &t), SD_OK);
    /* ann t3: never answered; at T0+40000 it is past its 4 h first-response due (breach). */
    assert_int_equal(sd_stats_by_agent(f->d, T0 - 10, 0, T0 + 40000, &st, &n), SD_OK);
    assert_int_equal(n, 2);
    assert_string_equal(st[0].agent, "ann");
    assert_int_equal(st[0].handled, 3);
    assert_int_equal(st[0].median_first_response, (600 + 18000) / 2);
    assert_int_equal(st[0].median_resolution, (3600 + 30000) / 2);
    assert_int_equal(st[0].sla_breaches, 2);
    assert_true(st[0].reopen_rate > 0.3333 && st[0].reopen_rate < 0.3334);
    assert_true(st[0].csat_average > 3.999 && st[0].csat_average < 4.001);
    assert_int_equal(st[0].csat_count, 2);
    assert_string_equal(st[1].agent, "bob"); /* the old ticket is outside the window */
    assert_int_equal(st[1].handled, 1);
    assert_int_equal(st[1].median_first_response, 1200);
    assert_int_equal(st[1].median_resolution, -1);
    assert_int_equal(st[1].sla_breaches, 0);
    assert_int_equal(st[1].csat_count, 0);
    free(st);
    /* Without the window bob also has the old ticket, never answered: one breach. */
    assert_int_equal(sd_stats_by_agent(f->d, 0, 0, T0 + 40000, &st, &n), SD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(st[1].handled, 2);
    assert_int_equal(st[1].sla_breaches, 1);
    free(st);
}

static void
test_day_stats_match_a_hand_computed_fixture(void **state)
{
    struct fixture *f = *state;
    struct sd_day_stats *st = NULL;
    struct sd_ticket_new in;
    struct sd_ticket t;
    size_t n = 0;
    /* day, channel, category */
    static const struct {
        uint64_t at;
        enum sd_channel ch;
        int cat;
    } rows[] = {
        {MON_00UTC + 10, SD_CH_CHAT, SD_CAT_DEPOSIT},
        {MON_00UTC + 86399, SD_CH_EMAIL, SD_CAT_DEPOSIT},
        {MON_00UTC + 3600, SD_CH_CHAT, SD_CAT_SECURITY},
        {MON_00UTC + 86400, SD_CH_WEB, SD_CAT_WITHDRAWAL}, /* Tuesday 00:00 */
        {MON_00UTC + 3 * 86400 + 5, SD_CH_PHONE, SD_CAT_GENERAL},
        {MON_00UTC - 1, SD_CH_CHAT, SD_CAT_DEPOSIT}, /* Sunday 23:59:59 */
    };

    for(size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        memset(&in, 0, sizeof(in));
        in.channel = rows[i].ch;
        in.field[SD_F_SUBJECT] = "s";
        in.field[SD_F_BODY] = "b";
        in.category = rows[i].cat;
        in.priority = 3;
        sd_clock_set(rows[i].at);
        assert_int_equal(sd_ticket_create(f->d, &sys, &in, &t), SD_OK);
    }
    assert_int_equal(sd_stats_by_day(f->d, 0, 0, &st, &n), SD_OK);
    assert_int_equal(n, 4);
    assert_int_equal(st[0].day, MON_00UTC - 86400);
    assert_int_equal(st[0].total, 1);
    assert_int_equal(st[1].day, MON_00UTC);
    assert_int_equal(st[1].total, 3);
    assert_int_equal(st[1].by_category[SD_CAT_DEPOSIT], 2);
    assert_int_equal(st[1].by_category[SD_CAT_SECURITY], 1);
    assert_int_equal(st[1].by_category[SD_CAT_WITHDRAWAL], 0);
    assert_int_equal(st[1].by_channel[SD_CH_CHAT], 2);
    assert_int_equal(st[1].by_channel[SD_CH_EMAIL], 1);
    assert_int_equal(st[2].day, MON_00UTC + 86400);
    assert_int_equal(st[2].by_channel[SD_CH_WEB], 1);
    assert_int_equal(st[2].by_category[SD_CAT_WITHDRAWAL], 1);
    assert_int_equal(st[3].day, MON_00UTC + 3 * 86400); /* Wednesday left out: no tickets */
    assert_int_equal(st[3].by_channel[SD_CH_PHONE], 1);
    free(st);
    /* [from, to): Monday only. */
    assert_int_equal(sd_stats_by_day(f->d, MON_00UTC, MON_00UTC + 86400, &st, &n), SD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(st[0].total, 3);
    free(st);
    assert_int_equal(sd_stats_by_day(f->d, MON_00UTC + 9 * 86400, 0, &st, &n), SD_OK);
    assert_int_equal(n, 0);
    assert_null(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_agent_stats_match_a_hand_computed_fixture),
        T(test_day_stats_match_a_hand_computed_fixture),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
