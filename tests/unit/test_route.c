/* Routing (src/routing): shift and zone parsing, skill- and shift-aware claim (fit agents
 * first, fallback after the per-priority wait, off-shift agents get SD_E_EMPTY, agents without
 * a profile claim as before), route auto's least-loaded assignment, 64 concurrent claims,
 * one-off overrides and shifts across daylight saving time. */
#include "route_helpers.h"

#include <pthread.h>

#include "tickets/desk_int.h"
#include "sealdesk/tz.h"

static void
test_shift_spec_parses_days_times_and_zones(void **state)
{
    struct sd_agent_profile p;
    struct fixture *f = *state;
    int32_t off;
    char buf[96];

    memset(&p, 0, sizeof(p));
    assert_int_equal(
        sd_route_parse_shifts("Mon-Fri 09:00-18:00 Asia/Seoul; Sat,Sun 22:00-02:00 UTC-05:30", &p),
        SD_OK);
    assert_int_equal(p.n_shifts, 2);
    assert_int_equal(p.shifts[0].days, 0x1f);
    assert_int_equal(p.shifts[0].start_min, 540);
    assert_int_equal(p.shifts[0].end_min, 1080);
    assert_int_equal(p.shifts[0].utc_offset_min, 540);
    assert_int_equal(p.shifts[1].days, 0x60);
    assert_int_equal(p.shifts[1].utc_offset_min, -330);
    sd_route_shift_format(buf, sizeof(buf), &p.shifts[0]);
    assert_string_equal(buf, "Mon,Tue,Wed,Thu,Fri 09:00-18:00 Asia/Seoul");
    /* Monday 10:00 KST on; Monday 23:13 KST (T0) off; Saturday 10:00 KST off. */
    assert_true(sd_agent_on_shift(&p, MON_10KST));
    assert_false(sd_agent_on_shift(&p, T0));
    /* Only the wrapping window: at UTC-05:30, Sunday 01:00 is inside Saturday's 22:00-02:00,
     * Monday 01:00 inside Sunday's, Saturday 23:00 inside; Monday 03:00 and Saturday 03:00
     * (no Friday window) are not. */
    p.shifts[0] = p.shifts[1];
    p.n_shifts = 1;
    assert_true(sd_agent_on_shift(&p, MON_00UTC - 86400 + 1 * 3600 + 330 * 60));
    assert_true(sd_agent_on_shift(&p, MON_00UTC + 1 * 3600 + 330 * 60));
    assert_true(sd_agent_on_shift(&p, MON_00UTC - 2 * 86400 + 23 * 3600 + 330 * 60));
    assert_false(sd_agent_on_shift(&p, MON_00UTC + 3 * 3600 + 330 * 60));
    assert_false(sd_agent_on_shift(&p, MON_00UTC - 2 * 86400 + 3 * 3600 + 330 * 60));

    assert_int_equal(sd_route_zone_offset("Asia/Shanghai", T0, &off), SD_OK);
    assert_int_equal(off, 480);
    assert_int_equal(sd_route_zone_offset("UTC+09:00", T0, &off), SD_OK);
    assert_int_equal(off, 540);
    assert_int_equal(sd_route_zone_offset("Europe/London", T0, &off), SD_OK); /* BST */
    assert_int_equal(off, 60);
    assert_int_equal(sd_route_zone_offset("UTC+9", T0, &off), SD_E_INVALID);
    assert_int_equal(sd_route_zone_offset("../etc/passwd", T0, &off), SD_E_INVALID);
    assert_int_equal(sd_route_zone_offset("Europe/Londn", T0, &off), SD_E_INVALID);
    memset(&p, 0, sizeof(p));
    assert_int_equal(sd_route_parse_shifts("Mon-Fri 09:00-09:00 UTC", &p), SD_E_INVALID);
    assert_int_equal(sd_route_parse_shifts("Daily 00:00-24:00 UTC", &p), SD_OK);
    assert_true(sd_agent_on_shift(&p, T0));
    snprintf(p.name, sizeof(p.name), "allday");
    assert_int_equal(sd_agent_set(f->d, &sys, &p), SD_OK);
    memset(&p, 0, sizeof(p));
    assert_int_equal(sd_route_parse_shifts("Mon-Fry 09:00-18:00 UTC", &p), SD_E_INVALID);
    assert_int_equal(sd_route_parse_shifts("Mon 25:00-26:00 UTC", &p), SD_E_INVALID);
    assert_int_equal(sd_route_parse_shifts("Mon 09:00-18:00 Mars/Olympus", &p), SD_E_INVALID);
    assert_int_equal(sd_route_parse_langs("zh,xx", &p), SD_E_INVALID);
    assert_int_equal(sd_route_parse_categories("deposit,nope", &p), SD_E_INVALID);
}

static void
test_korean_withdrawal_is_claimed_only_by_a_fit_on_shift_agent(void **state)
{
    struct fixture *f = *state;
    struct sd_agent_profile got;
    uint64_t id, tid;

    set_agent(f->d, "kim", "ko", "withdrawal", false, "Mon-Fri 09:00-18:00 Asia/Seoul");
    set_agent(f->d, "li", "zh,en", "deposit,withdrawal", false,
              "Mon-Fri 09:00-18:00 Asia/Shanghai");
    set_agent(f->d, "park", "ko", "deposit", false, "Mon-Fri 09:00-18:00 Asia/Seoul");
    set_agent(f->d, "night", "ko", "withdrawal", false, "Mon-Fri 20:00-23:00 Asia/Seoul");
    assert_int_equal(sd_agent_get(f->d, "kim", &got), SD_OK);
    assert_string_equal(got.langs[0], "ko");
    assert_int_equal(got.categories, 1u << SD_CAT_WITHDRAWAL);
    sd_clock_set(MON_10KST);
    id = korean_withdrawal(f->d);
    assert_int_equal(claim(f->d, "li", &tid), SD_E_EMPTY);    /* wrong language */
    assert_int_equal(claim(f->d, "park", &tid), SD_E_EMPTY);  /* wrong category */
    assert_int_equal(claim(f->d, "night", &tid), SD_E_EMPTY); /* off shift */
    /* Long past the P3 wait, li still may not take it: kim fits and is on shift. */
    sd_clock_set(MON_10KST + 3 * 3600);
    assert_int_equal(claim(f->d, "li", &tid), SD_E_EMPTY);
    assert_int_equal(claim(f->d, "kim", &tid), SD_OK);
    assert_int_equal(tid, id);
    assert_int_equal(claim(f->d, "kim", &tid), SD_E_EMPTY);
}

static void
test_ticket_nobody_fits_falls_back_after_the_priority_wait(void **state)
{
    struct fixture *f = *state;
    uint64_t id, tid;

    set_agent(f->d, "li", "zh,en", "", false, "Mon-Fri 09:00-18:00 Asia/Shanghai");
    set_agent(f->d, "kim", "ko", "withdrawal", false, "Mon-Fri 20:00-23:00 Asia/Seoul");
    sd_clock_set(MON_10KST);
    id = korean_withdrawal(f->d); /* P3: 30 minutes */
    assert_int_equal(sd_route_wait(3), 30 * 60);
    assert_int_equal(claim(f->d, "li", &tid), SD_E_EMPTY);
    sd_clock_set(MON_10KST + 30 * 60 - 1);
    assert_int_equal(claim(f->d, "li", &tid), SD_E_EMPTY);
    sd_clock_set(MON_10KST + 30 * 60);
    assert_int_equal(claim(f->d, "li", &tid), SD_OK);
    assert_int_equal(tid, id);
}

static void
test_agent_off_shift_gets_queue_empty_and_no_profile_claims_as_before(void **state)
{
    struct fixture *f = *state;
    uint64_t a, b, tid;

    set_agent(f->d, "kim", "ko", "withdrawal", false, "Mon-Fri 09:00-18:00 Asia/Seoul");
    sd_clock_set(T0); /* Monday 23:13 in Seoul */
    a = korean_withdrawal(f->d);
    b = create(f->d, "deposit missing", "my deposit is not credited", SD_CAT_DEPOSIT, 4, false);
    assert_int_equal(claim(f->d, "kim", &tid), SD_E_EMPTY);
    assert_int_equal(claim(f->d, "bob", &tid), SD_OK); /* no profile: queue head */
    assert_int_equal(tid, a);
    assert_int_equal(claim(f->d, "bob", &tid), SD_OK);
    assert_int_equal(tid, b);
}

static void
test_vip_ticket_needs_the_vip_skill(void **state)
{
    struct fixture *f = *state;
    uint64_t normal, vip, tid;

    set_agent(f->d, "ann", "en", "", false, NULL);
    set_agent(f->d, "vic", "en", "", true, NULL);
    vip = create(f->d, "Withdrawal stuck", "My withdrawal has been pending for a day",
                 SD_CAT_WITHDRAWAL, 2, true);
    normal = create(f->d, "Deposit", "My deposit is missing", SD_CAT_DEPOSIT, 4, false);
    assert_int_equal(claim(f->d, "ann", &tid), SD_OK);
    assert_int_equal(tid, normal); /* skips the more urgent vip ticket */
    assert_int_equal(claim(f->d, "vic", &tid), SD_OK);
    assert_int_equal(tid, vip);
}

static void
test_route_auto_assigns_least_loaded_fit_agent_on_shift(void **state)
{
    struct fixture *f = *state;
    struct sd_route_assignment *as = NULL;
    size_t n = 0, to_kim = 0, to_lee = 0;
    uint64_t zh, tid;

    set_agent(f->d, "kim", "ko", "withdrawal", false, "Mon-Fri 09:00-18:00 Asia/Seoul");
    set_agent(f->d, "lee", "ko", "", false, "Mon-Fri 09:00-18:00 Asia/Seoul");
    set_agent(f->d, "off", "ko,zh", "", false, "Sat 09:00-18:00 Asia/Seoul");
    sd_clock_set(MON_10KST);
    for(int i = 0; i < 4; i++)
        korean_withdrawal(f->d);
    zh = create(f->d, "充值没到账", "我昨天的充值还没有到账，请帮忙查一下", SD_CAT_DEPOSIT, 3,
                false);
    assert_int_equal(sd_route_auto(f->d, &sys, MON_10KST, &as, &n), SD_OK);
    assert_int_equal(n, 4); /* the Chinese ticket waits: nobody on shift reads Chinese */
    for(size_t i = 0; i < n; i++) {
        assert_false(as[i].fallback);
        to_kim += strcmp(as[i].agent, "kim") == 0;
        to_lee += strcmp(as[i].agent, "lee") == 0;
    }
    assert_int_equal(to_kim, 2);
    assert_int_equal(to_lee, 2);
    free(as);
    /* After the P3 wait the Chinese ticket falls back to an on-shift agent. */
    assert_int_equal(sd_route_auto(f->d, &sys, MON_10KST + 31 * 60, &as, &n), SD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(as[0].ticket_id, zh);
    assert_true(as[0].fallback);
    assert_string_not_equal(as[0].agent, "off");
    free(as);
    assert_int_equal(claim(f->d, "bob", &tid), SD_E_EMPTY);
}

#define CLAIMERS 64
#define TICKETS  48

struct claimer {
    struct sd_desk *d;
    char name[16];
    uint64_t got[TICKETS];
    size_t n;
    sd_err last;
};

static void *
claim_worker(void *arg)
{
    struct claimer *c = arg;
    struct sd_actor a = {c->name, NULL, SD_ROLE_SYSTEM};
    struct sd_ticket t;

    for(;;) {
        c->last = sd_queue_claim(c->d, &a, c->name, &t);
        if(c->last != SD_OK || c->n == TICKETS)
            break;
        c->got[c->n++] = t.id;
    }
    return NULL;
}

static void
test_64_concurrent_routed_claims_never_double_assign(void **state)
{
    struct fixture *f = *state;
    static struct claimer cl[CLAIMERS];
    pthread_t th[CLAIMERS];
    uint8_t seen[TICKETS + 1] = {0};
    size_t total = 0;

    sd_clock_set(MON_10KST);
    for(int i = 0; i < TICKETS; i++) {
        uint64_t id = i % 2
                          ? korean_withdrawal(f->d)
                          : create(f->d, "deposit", "my deposit is late", SD_CAT_DEPOSIT, 3, false);
        assert_true(id >= 1 && id <= TICKETS);
    }
    for(int i = 0; i < CLAIMERS; i++) {
        memset(&cl[i], 0, sizeof(cl[i]));
        cl[i].d = f->d;
        snprintf(cl[i].name, sizeof(cl[i].name), "agent%d", i);
        if(i % 3 == 0)
            set_agent(f->d, cl[i].name, "ko", "withdrawal", false,
                      "Mon-Fri 09:00-18:00 Asia/Seoul");
        else if(i % 3 == 1)
            set_agent(f->d, cl[i].name, "en", "deposit", false, NULL);
        /* i % 3 == 2: no profile */
    }
    for(int i = 0; i < CLAIMERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, claim_worker, &cl[i]), 0);
    for(int i = 0; i < CLAIMERS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for(int i = 0; i < CLAIMERS; i++) {
        assert_int_equal(cl[i].last, SD_E_EMPTY);
        for(size_t k = 0; k < cl[i].n; k++) {
            assert_true(cl[i].got[k] >= 1 && cl[i].got[k] <= TICKETS);
            assert_int_equal(seen[cl[i].got[k]], 0);
            seen[cl[i].got[k]] = 1;
            total++;
        }
    }
    assert_int_equal(total, TICKETS);
}

static void
test_one_off_overrides_beat_the_weekly_shift_and_survive_agent_set(void **state)
{
    struct fixture *f = *state;
    struct sd_shift_override leave = {MON_10KST - 3600, MON_10KST + 8 * 3600, false};
    struct sd_shift_override extra = {MON_00UTC + 5 * 86400, MON_00UTC + 6 * 86400, true};
    struct sd_agent_profile p;
    uint64_t id, tid;

    set_agent(f->d, "kim", "ko", "withdrawal", false, "Mon-Fri 09:00-18:00 Asia/Seoul");
    sd_clock_set(MON_00UTC);
    /* Override for an agent without a profile, reversed or too long windows: refused. */
    assert_int_equal(sd_agent_override(f->d, &sys, "nobody", &leave, MON_00UTC, NULL),
                     SD_E_NOTFOUND);
    {
        struct sd_shift_override bad = {MON_10KST, MON_10KST, false};
        struct sd_shift_override longer = {MON_10KST, MON_10KST + 32 * 86400, false};

        assert_int_equal(sd_agent_override(f->d, &sys, "kim", &bad, MON_00UTC, NULL), SD_E_INVALID);
        assert_int_equal(sd_agent_override(f->d, &sys, "kim", &longer, MON_00UTC, NULL),
                         SD_E_INVALID);
    }
    assert_int_equal(sd_agent_override(f->d, &sys, "kim", &leave, MON_00UTC, &p), SD_OK);
    assert_int_equal(p.n_overrides, 1);
    /* Replacing skills and weekly shifts keeps the override. */
    set_agent(f->d, "kim", "ko,en", "withdrawal", false, "Mon-Fri 09:00-18:00 Asia/Seoul");
    assert_int_equal(sd_agent_get(f->d, "kim", &p), SD_OK);
    assert_int_equal(p.n_overrides, 1);
    assert_int_equal(p.overrides[0].from, leave.from);
    /* Monday 10:00 Seoul is inside the weekly shift, but kim is on leave. */
    sd_clock_set(MON_10KST);
    assert_false(sd_agent_on_shift(&p, MON_10KST));
    id = korean_withdrawal(f->d);
    assert_int_equal(claim(f->d, "kim", &tid), SD_E_EMPTY);
    sd_clock_set(MON_10KST + 8 * 3600); /* leave over, 18:00 Seoul: shift over too */
    assert_false(sd_agent_on_shift(&p, MON_10KST + 8 * 3600));
    assert_false(sd_agent_on_shift(&p, MON_10KST + 7 * 3600 + 59 * 60 + 59));
    sd_clock_set(MON_10KST + 86400); /* Tuesday 10:00 Seoul: back on shift */
    assert_int_equal(claim(f->d, "kim", &tid), SD_OK);
    assert_int_equal(tid, id);
    /* An extra Saturday (UTC) shift; the leave has ended by then and is dropped. */
    assert_int_equal(sd_agent_override(f->d, &sys, "kim", &extra, MON_10KST + 86400, &p), SD_OK);
    assert_int_equal(p.n_overrides, 1);
    assert_true(p.overrides[0].on);
    assert_true(sd_agent_on_shift(&p, MON_00UTC + 5 * 86400 + 3600));
    assert_false(sd_agent_on_shift(&p, MON_00UTC + 6 * 86400 + 3600)); /* Sunday */
    /* The table is bounded. */
    for(unsigned i = 1; i < SD_ROUTE_MAX_OVERRIDES; i++) {
        struct sd_shift_override o = {MON_00UTC + 8 * 86400 + i * 3600,
                                      MON_00UTC + 8 * 86400 + i * 3600 + 60, false};

        assert_int_equal(sd_agent_override(f->d, &sys, "kim", &o, MON_10KST + 86400, NULL), SD_OK);
    }
    assert_int_equal(sd_agent_override(f->d, &sys, "kim", &extra, MON_10KST + 86400, NULL),
                     SD_E_LIMIT);
}


/* Queue entries carry the routing facts; entries written before (empty values) still route
 * by loading the record. */
static void
test_claim_reads_routing_facts_from_the_queue_and_old_entries_still_route(void **state)
{
    struct fixture *f = *state;
    struct sd_queue_facts q;
    struct sd_cursor *c = NULL;
    struct sd_txn *t = NULL;
    struct sd_val k, v;
    uint8_t key[17];
    uint64_t id, tid;

    set_agent(f->d, "kim", "ko", "withdrawal", false, NULL);
    set_agent(f->d, "lee", "en", "", false, NULL);
    sd_clock_set(MON_10KST);
    id = korean_withdrawal(f->d);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_QUEUE, &c), SD_OK);
    assert_int_equal(sd_cursor_get(c, SD_CUR_FIRST, &k, &v), SD_OK);
    assert_int_equal(sd_get_u64be((const uint8_t *)k.p + 9), id);
    assert_true(sd_queue_val_read(v.p, v.n, &q));
    assert_string_equal(q.lang, "ko");
    assert_int_equal(q.category, SD_CAT_WITHDRAWAL);
    assert_false(q.vip);
    assert_int_equal(q.created_at, MON_10KST);
    memcpy(key, k.p, sizeof(key));
    sd_cursor_close(c);
    sd_txn_abort(t);
    /* Rewrite the entry the old way (empty value). */
    assert_int_equal(sd_txn_begin(f->d->store, true, &t), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_QUEUE, key, sizeof(key), "", 0), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(claim(f->d, "lee", &tid), SD_E_EMPTY); /* not fit, no wait passed */
    assert_int_equal(claim(f->d, "kim", &tid), SD_OK);
    assert_int_equal(tid, id);
}

/* Item 21: shifts in zones with daylight saving time, from the tz database. */
#define FRI_27MAR26_0830Z 1774600200u /* London GMT (UTC+0) until Sun 29 Mar 01:00Z */
#define MON_30MAR26_0800Z 1774857600u /* London BST (UTC+1) */
#define BST_START_2026    1774746000u /* 2026-03-29T01:00:00Z */
#define BST_END_2026      1792890000u /* 2026-10-25T01:00:00Z */

static void
test_london_shift_moves_with_bst_and_fixed_offset_does_not(void **state)
{
    struct fixture *f = *state;
    struct sd_agent_profile p, q, got;
    char why[160];

    memset(&p, 0, sizeof(p));
    assert_int_equal(
        sd_route_parse_shifts_why("Mon-Fri 09:00-17:00 Europe/London", &p, why, sizeof(why)),
        SD_OK);
    memset(&q, 0, sizeof(q));
    assert_int_equal(sd_route_parse_shifts("Mon-Fri 09:00-17:00 UTC+01:00", &q), SD_OK);
    /* Friday before the change: London is on GMT, 08:30Z is 08:30 local (off), 09:00Z on;
     * at UTC+01:00 08:30Z is already 09:30 (on). */
    assert_false(sd_agent_on_shift(&p, FRI_27MAR26_0830Z));
    assert_true(sd_agent_on_shift(&p, FRI_27MAR26_0830Z + 1800));
    assert_true(sd_agent_on_shift(&q, FRI_27MAR26_0830Z));
    /* Monday after: London is on BST, 08:00Z is 09:00 local (on), 07:59Z off, 16:00Z is
     * 17:00 (off); the fixed zone agrees now. */
    assert_true(sd_agent_on_shift(&p, MON_30MAR26_0800Z));
    assert_false(sd_agent_on_shift(&p, MON_30MAR26_0800Z - 60));
    assert_false(sd_agent_on_shift(&p, MON_30MAR26_0800Z + 8 * 3600));
    assert_true(sd_agent_on_shift(&p, MON_30MAR26_0800Z + 8 * 3600 - 60));
    assert_true(sd_agent_on_shift(&q, MON_30MAR26_0800Z));
    assert_false(sd_agent_on_shift(&q, MON_30MAR26_0800Z - 60));
    /* Stored and read back, the zone still decides. */
    snprintf(p.name, sizeof(p.name), "lon");
    assert_int_equal(sd_agent_set(f->d, &sys, &p), SD_OK);
    assert_int_equal(sd_agent_get(f->d, "lon", &got), SD_OK);
    assert_string_equal(got.shifts[0].zone, "Europe/London");
    assert_false(sd_agent_on_shift(&got, FRI_27MAR26_0830Z));
    assert_true(sd_agent_on_shift(&got, MON_30MAR26_0800Z));

    /* Errors name the part that is wrong. */
    memset(&p, 0, sizeof(p));
    assert_int_equal(sd_route_parse_shifts_why("Mon 09:00-17:00 UTC; Tue 09:00-17:00 "
                                               "Europe/Londn",
                                               &p, why, sizeof(why)),
                     SD_E_INVALID);
    assert_non_null(strstr(why, "window 2: unknown time zone \"Europe/Londn\""));
    memset(&p, 0, sizeof(p));
    assert_int_equal(sd_route_parse_shifts_why("Mon-Fry 09:00-17:00 UTC", &p, why, sizeof(why)),
                     SD_E_INVALID);
    assert_non_null(strstr(why, "window 1: bad days \"Mon-Fry\""));
    memset(&p, 0, sizeof(p));
    assert_int_equal(sd_route_parse_shifts_why("Mon 09:00-25:00", &p, why, sizeof(why)),
                     SD_E_INVALID);
    assert_non_null(strstr(why, "window 1: bad times \"09:00-25:00\""));
    memset(&p, 0, sizeof(p));
    assert_int_equal(sd_route_parse_shifts_why("Mon", &p, why, sizeof(why)), SD_E_INVALID);
    assert_non_null(strstr(why, "window 1: expected"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_shift_spec_parses_days_times_and_zones),
        T(test_korean_withdrawal_is_claimed_only_by_a_fit_on_shift_agent),
        T(test_ticket_nobody_fits_falls_back_after_the_priority_wait),
        T(test_agent_off_shift_gets_queue_empty_and_no_profile_claims_as_before),
        T(test_vip_ticket_needs_the_vip_skill),
        T(test_route_auto_assigns_least_loaded_fit_agent_on_shift),
        T(test_64_concurrent_routed_claims_never_double_assign),
        T(test_one_off_overrides_beat_the_weekly_shift_and_survive_agent_set),
        T(test_claim_reads_routing_facts_from_the_queue_and_old_entries_still_route),
        T(test_london_shift_moves_with_bst_and_fixed_offset_does_not),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
