/* Helpers shared by the routing and statistics unit tests (test_route.c, test_stats.c): the
 * operator, tickets, agent profiles, claims and the clock. */
#ifndef SD_TEST_ROUTE_HELPERS_H
#define SD_TEST_ROUTE_HELPERS_H

#include "test_helpers.h"

#include "sealdesk/route.h"

/* T0 is Monday 14:13:20 UTC; MON_10KST is Monday 01:00 UTC = 10:00 in Seoul. */
#define MON_00UTC (T0 - (14u * 3600 + 13 * 60 + 20))
#define MON_10KST (MON_00UTC + 3600)

static const struct sd_actor sys = {"ops", NULL, SD_ROLE_SYSTEM};

static inline uint64_t
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

static inline uint64_t
korean_withdrawal(struct sd_desk *d)
{
    return create(d, "출금 문의",
                  "어제 신청한 출금이 아직 지갑에 안 들어왔어요. 확인 부탁드립니다.",
                  SD_CAT_WITHDRAWAL, 3, false);
}

static inline void
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

static inline sd_err
claim(struct sd_desk *d, const char *agent, uint64_t *id)
{
    struct sd_ticket t;
    sd_err err = sd_queue_claim(d, &sys, agent, &t);

    if(err == SD_OK)
        *id = t.id;
    return err;
}

static inline void
at(uint64_t t)
{
    sd_clock_set(t);
}

#endif
