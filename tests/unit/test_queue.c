/* Queue (src/routing/queue.c): claim order by priority then due time, the atomic claim,
 * worked tickets leaving the queue, and who may claim for whom. */
#include "desk_helpers.h"

static void
test_queue_claims_by_priority_then_due_time(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    uint64_t p3, p1a, p2, p1b;

    p3 = create(f->d, "q", "how do fees work", SD_CAT_GENERAL, 3, NULL);
    sd_clock_set(T0 + 10);
    p1a = create(f->d, "q", "x", SD_CAT_SECURITY, 1, NULL);
    p2 = create(f->d, "q", "x", SD_CAT_DEPOSIT, 2, NULL);
    sd_clock_set(T0 + 20);
    p1b = create(f->d, "q", "x", SD_CAT_WITHDRAWAL, 1, NULL);
    assert_int_equal(sd_queue_claim(f->d, &agent, "bob", &t), SD_OK);
    assert_int_equal(t.id, p1a);
    assert_int_equal(t.status, SD_ST_IN_PROGRESS);
    assert_string_equal(t.assignee, "bob");
    assert_int_equal(sd_queue_claim(f->d, &agent, "bob", &t), SD_OK);
    assert_int_equal(t.id, p1b);
    assert_int_equal(sd_queue_claim(f->d, &agent, "carol", &t), SD_OK);
    assert_int_equal(t.id, p2);
    assert_int_equal(sd_queue_claim(f->d, &agent, "carol", &t), SD_OK);
    assert_int_equal(t.id, p3);
    assert_int_equal(sd_queue_claim(f->d, &agent, "carol", &t), SD_E_EMPTY);
    assert_int_equal(sd_queue_claim(f->d, &agent, "bad name!", &t), SD_E_INVALID);

    struct sd_ticket_filter flt = {.category = -1, .assignee = "bob"};
    struct sd_ticket_list l;

    assert_int_equal(sd_ticket_list(f->d, &flt, &l), SD_OK);
    assert_int_equal(l.n, 2);
    sd_ticket_list_clear(&l);
}

static void
test_working_a_ticket_takes_it_off_the_queue(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    uint64_t id = create(f->d, "s", "b", SD_CAT_GENERAL, 2, NULL);

    assert_int_equal(sd_ticket_transition(f->d, &agent, id, SD_ST_IN_PROGRESS, &t), SD_OK);
    assert_string_equal(t.assignee, "alice");
    assert_int_equal(sd_queue_claim(f->d, &agent, "bob", &t), SD_E_EMPTY);
    id = create(f->d, "s", "b", SD_CAT_GENERAL, 2, NULL);
    assert_int_equal(sd_ticket_assign(f->d, &agent, id, "dave", &t), SD_OK);
    assert_int_equal(sd_queue_claim(f->d, &agent, "bob", &t), SD_E_EMPTY);
}
/* ---- issue 13: nobody acts as somebody else ---- */

static const struct sd_actor wei = {"wei", NULL, SD_ROLE_AGENT};
static const struct sd_actor sup = {"sup", NULL, SD_ROLE_SUPERVISOR};

static void
test_claim_only_for_yourself_unless_supervisor(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    uint64_t before;

    people(f->d);
    create(f->d, "s", "b", SD_CAT_GENERAL, 2, NULL);
    create(f->d, "s", "b", SD_CAT_GENERAL, 3, NULL);
    create(f->d, "s", "b", SD_CAT_GENERAL, 4, NULL);
    before = audit_size(f->d);
    /* an agent names a ghost or a colleague: refused, nothing taken, nothing written */
    assert_int_equal(sd_queue_claim(f->d, &wei, "ghost_agent", &t), SD_E_DENIED);
    assert_int_equal(sd_queue_claim(f->d, &wei, "ag1", &t), SD_E_DENIED);
    assert_int_equal(queued(f->d), 3);
    assert_int_equal(audit_size(f->d), before);
    /* --agent defaults to the caller */
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_string_equal(t.assignee, "wei");
    assert_int_equal(sd_queue_claim(f->d, &wei, "wei", &t), SD_OK);
    assert_string_equal(t.assignee, "wei");
    /* a supervisor may claim for someone else, but only for an enabled agent */
    assert_int_equal(sd_queue_claim(f->d, &sup, "ghost_agent", &t), SD_E_INVALID);
    assert_int_equal(sd_queue_claim(f->d, &sup, "gone", &t), SD_E_INVALID);
    assert_int_equal(sd_queue_claim(f->d, &sup, "comp", &t), SD_E_INVALID);
    assert_int_equal(queued(f->d), 1);
    assert_int_equal(sd_queue_claim(f->d, &sup, "ag1", &t), SD_OK);
    assert_string_equal(t.assignee, "ag1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_queue_claims_by_priority_then_due_time),
        T(test_working_a_ticket_takes_it_off_the_queue),
        T(test_claim_only_for_yourself_unless_supervisor),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
