/* Routing: shift and zone parsing, skill- and shift-aware claim (fit agents first, fallback
 * after the per-priority wait, off-shift agents get SD_E_EMPTY, agents without a profile
 * claim as before), route auto's least-loaded assignment, 64 concurrent claims and the
 * per-agent statistics against a hand-computed fixture. */
#include "test_helpers.h"

#include <pthread.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/buf.h"
#include "sealdesk/err.h"
#include "sealdesk/queue.h"
#include "sealdesk/route.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"
#include "sealdesk/tz.h"

/* T0 is Monday 14:13:20 UTC; MON_10KST is Monday 01:00 UTC = 10:00 in Seoul. */
#define MON_00UTC (T0 - (14u * 3600 + 13 * 60 + 20))
#define MON_10KST (MON_00UTC + 3600)

static const struct sd_actor sys = {"ops", NULL, SD_ROLE_SYSTEM};

static uint64_t
create(struct sd_desk *d, const char *subject, const char *body, int cat, int prio, bool vip)
{
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.field[SD_F_SUBJECT] = subject;
    in.field[SD_F_BODY] = body;
    in.category = cat;
    in.priority = prio;
    in.vip = vip;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    return t.id;
}

static uint64_t
korean_withdrawal(struct sd_desk *d)
{
    return create(d, "출금 문의",
                  "어제 신청한 출금이 아직 지갑에 안 들어왔어요. 확인 부탁드립니다.",
                  SD_CAT_WITHDRAWAL, 3, false);
}

static void
set_agent(struct sd_desk *d, const char *name, const char *langs, const char *cats, bool vip,
          const char *shift)
{
    struct sd_agent_profile p;

    memset(&p, 0, sizeof(p));
    snprintf(p.name, sizeof(p.name), "%s", name);
    assert_int_equal(sd_route_parse_langs(langs, &p), SD_OK);
    assert_int_equal(sd_route_parse_categories(cats, &p), SD_OK);
    p.vip = vip;
    if(shift)
        assert_int_equal(sd_route_parse_shifts(shift, &p), SD_OK);
    assert_int_equal(sd_agent_set(d, &sys, &p), SD_OK);
}

static sd_err
claim(struct sd_desk *d, const char *agent, uint64_t *id)
{
    struct sd_ticket t;
    sd_err err = sd_queue_claim(d, &sys, agent, &t);

    if(err == SD_OK)
        *id = t.id;
    return err;
}

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
at(uint64_t t)
{
    sd_clock_set(t);
}

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
test_tz_offsets_follow_daylight_saving_time(void **state)
{
    int32_t off;

    (void)state;
    /* Europe/London across both 2026 changes, to the second. */
    assert_int_equal(sd_tz_offset("Europe/London", BST_START_2026 - 1, &off), SD_OK);
    assert_int_equal(off, 0);
    assert_int_equal(sd_tz_offset("Europe/London", BST_START_2026, &off), SD_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(sd_tz_offset("Europe/London", BST_END_2026 - 1, &off), SD_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(sd_tz_offset("Europe/London", BST_END_2026, &off), SD_OK);
    assert_int_equal(off, 0);
    /* Past the file's transitions, the POSIX rule at its end decides (2045). */
    assert_int_equal(sd_tz_offset("Europe/London", 2374102800 - 1, &off), SD_OK);
    assert_int_equal(off, 0);
    assert_int_equal(sd_tz_offset("Europe/London", 2374102800, &off), SD_OK);
    assert_int_equal(off, 3600);
    /* Southern hemisphere: Sydney's summer spans the new year. */
    assert_int_equal(sd_tz_offset("Australia/Sydney", 2374675200 - 1, &off), SD_OK);
    assert_int_equal(off, 39600);
    assert_int_equal(sd_tz_offset("Australia/Sydney", 2374675200, &off), SD_OK);
    assert_int_equal(off, 36000);
    assert_int_equal(sd_tz_offset("Australia/Sydney", 2383732800, &off), SD_OK);
    assert_int_equal(off, 36000);
    assert_int_equal(sd_tz_offset("Australia/Sydney", 2390400000, &off), SD_OK);
    assert_int_equal(off, 39600);
    assert_int_equal(sd_tz_offset("America/New_York", 1784116800, &off), SD_OK);
    assert_int_equal(off, -4 * 3600);
    assert_int_equal(sd_tz_offset("America/New_York", 1768478400, &off), SD_OK);
    assert_int_equal(off, -5 * 3600);
    /* Fixed offsets and bad names. */
    assert_int_equal(sd_tz_offset("UTC-05:30", BST_START_2026, &off), SD_OK);
    assert_int_equal(off, -(5 * 3600 + 1800));
    assert_int_equal(sd_tz_offset("UTC+15:00", 0, &off), SD_E_INVALID);
    assert_int_equal(sd_tz_offset("", 0, &off), SD_E_INVALID);
    assert_int_equal(sd_tz_offset("/etc/passwd", 0, &off), SD_E_INVALID);
    assert_int_equal(sd_tz_offset("Europe/../../etc/passwd", 0, &off), SD_E_INVALID);
    assert_int_equal(sd_tz_offset("Mars/Olympus", 0, &off), SD_E_NOTFOUND);
    assert_int_equal(sd_tz_offset("Europe", 0, &off), SD_E_NOTFOUND);      /* a directory */
    assert_int_equal(sd_tz_offset("zone.tab", 0, &off), SD_E_INVALID);     /* no dots */
    assert_int_equal(sd_tz_offset("leapseconds", 0, &off), SD_E_NOTFOUND); /* not a TZif */
}

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
        cmocka_unit_test(test_tz_offsets_follow_daylight_saving_time),
        cmocka_unit_test_setup_teardown(test_london_shift_moves_with_bst_and_fixed_offset_does_not,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_shift_spec_parses_days_times_and_zones, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_korean_withdrawal_is_claimed_only_by_a_fit_on_shift_agent, fixture_setup,
            fixture_teardown),
        cmocka_unit_test_setup_teardown(test_ticket_nobody_fits_falls_back_after_the_priority_wait,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_agent_off_shift_gets_queue_empty_and_no_profile_claims_as_before, fixture_setup,
            fixture_teardown),
        cmocka_unit_test_setup_teardown(test_vip_ticket_needs_the_vip_skill, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_route_auto_assigns_least_loaded_fit_agent_on_shift,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_64_concurrent_routed_claims_never_double_assign,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_one_off_overrides_beat_the_weekly_shift_and_survive_agent_set, fixture_setup,
            fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_claim_reads_routing_facts_from_the_queue_and_old_entries_still_route,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_day_stats_match_a_hand_computed_fixture, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_agent_stats_match_a_hand_computed_fixture,
                                        fixture_setup, fixture_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
