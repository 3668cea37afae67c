/* Access (src/ops/access.c): offboarding a user disables them and requeues their open
 * tickets in one txn. */
#include "desk_helpers.h"

/* ---- issue 13: nobody acts as somebody else ---- */

static const struct sd_actor wei = {"wei", NULL, SD_ROLE_AGENT};
static const struct sd_actor ag1 = {"ag1", NULL, SD_ROLE_AGENT};
static const struct sd_actor sup = {"sup", NULL, SD_ROLE_SUPERVISOR};

static void
test_offboard_disables_and_requeues_open_tickets_in_one_txn(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    struct sd_user u;
    uint64_t a, b, c, before, *ids = NULL;
    size_t n = 0;

    people(f->d);
    a = create(f->d, "s", "b", SD_CAT_GENERAL, 1, NULL);
    b = create(f->d, "s", "b", SD_CAT_GENERAL, 2, NULL);
    c = create(f->d, "s", "b", SD_CAT_GENERAL, 3, NULL);
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_int_equal(sd_ticket_transition(f->d, &wei, b, SD_ST_WAITING_CUSTOMER, &t), SD_OK);
    assert_int_equal(sd_ticket_transition(f->d, &wei, c, SD_ST_RESOLVED, &t), SD_OK);
    assert_int_equal(queued(f->d), 0);
    assert_int_equal(sd_desk_user_offboard(f->d, &agent, "nobody", &u, &ids, &n), SD_E_NOTFOUND);
    before = audit_size(f->d);
    assert_int_equal(sd_desk_user_offboard(f->d, &agent, "wei", &u, &ids, &n), SD_OK);
    assert_true(u.disabled);
    assert_int_equal(n, 2);
    assert_true((ids[0] == a && ids[1] == b) || (ids[0] == b && ids[1] == a));
    free(ids);
    /* one entry per requeued ticket plus the offboarding itself */
    assert_int_equal(audit_size(f->d), before + 3);
    assert_int_equal(queued(f->d), 2);
    assert_int_equal(sd_ticket_get(f->d, &agent, b, false, NULL, &t), SD_OK);
    assert_string_equal(t.assignee, "");
    assert_int_equal(t.status, SD_ST_RECEIVED);
    assert_int_equal(t.events[t.n_events - 1].kind, SD_EV_ASSIGNED);
    sd_ticket_clear(&t);
    assert_int_equal(sd_ticket_get(f->d, &agent, c, false, NULL, &t), SD_OK);
    assert_string_equal(t.assignee, "wei"); /* resolved: history stays as it was */
    sd_ticket_clear(&t);
    /* the queue hands them to someone else, never back to the leaver */
    assert_int_equal(sd_queue_claim(f->d, &ag1, NULL, &t), SD_OK);
    assert_int_equal(t.id, a);
    assert_int_equal(sd_queue_claim(f->d, &sup, "wei", &t), SD_E_INVALID);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_offboard_disables_and_requeues_open_tickets_in_one_txn),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
