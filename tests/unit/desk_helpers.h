/* Helpers shared by the desk-level unit tests (test_tickets.c, test_queue.c, test_access.c):
 * the local operator actor, ticket intake in one call, the audit tree size, the issue-13 staff
 * and the queue length. */
#ifndef SD_TEST_DESK_HELPERS_H
#define SD_TEST_DESK_HELPERS_H

#include "test_helpers.h"

#include "tickets/desk_int.h"
#include "sealdesk/audit.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/queue.h"
#include "sealdesk/sla.h"
#include "sealdesk/stats.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"

static const struct sd_actor agent = {"alice", NULL, SD_ROLE_SYSTEM};

static inline uint64_t
create(struct sd_desk *d, const char *subject, const char *body, int cat, int prio,
       const char *email)
{
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_EMAIL;
    in.field[SD_F_SUBJECT] = subject;
    in.field[SD_F_BODY] = body;
    in.field[SD_F_CUSTOMER_EMAIL] = email;
    in.category = cat;
    in.priority = prio;
    assert_int_equal(sd_ticket_create(d, &agent, &in, &t), SD_OK);
    return t.id;
}

static inline uint64_t
audit_size(struct sd_desk *d)
{
    struct sd_txn *t;
    uint64_t n;

    assert_int_equal(sd_txn_begin(d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_size(t, &n), SD_OK);
    sd_txn_abort(t);
    return n;
}

static inline void
people(struct sd_desk *d)
{
    static const struct {
        const char *name;
        unsigned roles;
    } u[] = {{"wei", SD_ROLE_AGENT},
             {"ag1", SD_ROLE_AGENT},
             {"sup", SD_ROLE_SUPERVISOR},
             {"comp", SD_ROLE_COMPLIANCE},
             {"gone", SD_ROLE_AGENT}};
    char pw[129], uri[256];
    struct sd_user info;

    for(size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        assert_int_equal(sd_access_user_add(d, &agent, u[i].name, u[i].roles,
                                            !sd_roles_need_totp(u[i].roles), NULL, pw, uri),
                         SD_OK);
    assert_int_equal(sd_access_user_set_disabled(d, &agent, "gone", true, &info), SD_OK);
}

static inline size_t
queued(struct sd_desk *d)
{
    struct sd_ticket_filter f = {.status = SD_ST_RECEIVED, .category = -1};
    struct sd_ticket_list l;
    size_t n;

    assert_int_equal(sd_ticket_list(d, &f, &l), SD_OK);
    n = l.n;
    sd_ticket_list_clear(&l);
    return n;
}

#endif
