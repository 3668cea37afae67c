/* The back-office event feed (issue 15): executed remedies with their instruction (the
 * destination UID decrypted for the reader), freezes, unfreezes and shredding requests written
 * in the same txn as the change (a refused or failed change writes none), cursor-paged reads,
 * acknowledgements that are durable, idempotent and never go backwards, reads after the
 * acknowledged offset, the policy rows and the audit entries. */
#include "test_helpers.h"

#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/events.h"
#include "sealdesk/keyops.h"
#include "sealdesk/remedy.h"
#include "sealdesk/store.h"

static const struct sd_actor sys = {"operator", NULL, SD_ROLE_SYSTEM};
static const struct sd_actor agent = {"alice", NULL, SD_ROLE_AGENT};
static const struct sd_actor bob = {"bob", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor carol = {"carol", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor cora = {"cora", NULL, SD_ROLE_COMPLIANCE};
static const struct sd_actor sam = {"sam", NULL, SD_ROLE_SECURITY_ADMIN};
static const struct sd_actor backoffice = {"backoffice", NULL, SD_ROLE_COMPLIANCE};

static uint64_t
ticket(struct sd_desk *d, const char *uid, int category)
{
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t id;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.field[SD_F_SUBJECT] = "Missing funds";
    in.field[SD_F_BODY] = "My deposit has not arrived";
    in.field[SD_F_CUSTOMER_UID] = uid;
    in.category = category;
    in.priority = 2;
    assert_int_equal(sd_ticket_create(d, &agent, &in, &t), SD_OK);
    id = t.id;
    sd_ticket_clear(&t);
    return id;
}

/* A compensation of 10 USDT on tid, approved by carol and executed by bob with key idem. */
static uint64_t
compensate(struct sd_desk *d, uint64_t tid, const char *idem, sd_err expect)
{
    struct sd_remedy_new in = {tid,  SD_RK_COMPENSATION, "USDT", "10",
                               NULL, "delayed deposit",  NULL};
    struct sd_remedy v;
    const char *why = NULL;

    assert_int_equal(sd_remedy_request(d, &bob, &in, &v, &why), SD_OK);
    assert_int_equal(sd_remedy_approve(d, &carol, v.id, NULL, &why), SD_OK);
    assert_int_equal(sd_remedy_execute(d, &bob, v.id, idem, NULL, &why), expect);
    return v.id;
}

static void
test_events_remedy_freeze_unfreeze_and_shred_reach_the_feed(void **state)
{
    struct fixture *f = *state;
    struct sd_feed_page p;
    struct sd_shred_result sr;
    struct sd_remedy v;
    const char *why = NULL;
    uint64_t tid = ticket(f->d, "UID-300400", SD_CAT_DEPOSIT);
    uint64_t sec = ticket(f->d, "UID-300400", SD_CAT_SECURITY);
    uint64_t rid;
    struct sd_remedy_new un = {sec, SD_RK_ACCOUNT_UNFREEZE, NULL, NULL, NULL, "verified", NULL};

    rid = compensate(f->d, tid, "pay-1", SD_OK);
    assert_int_equal(sd_freeze(f->d, &sam, "UID-300400", sec, "takeover", NULL, &why), SD_OK);
    assert_int_equal(sd_remedy_request(f->d, &bob, &un, &v, &why), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &cora, v.id, NULL, &why), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &sam, v.id, NULL, &why), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, v.id, "unfreeze-1", NULL, &why), SD_OK);

    assert_int_equal(sd_events_read(f->d, &backoffice, 1, 0, &p), SD_OK);
    assert_int_equal(p.n, 4);
    assert_false(p.more);
    assert_int_equal(p.next_offset, 5);
    /* 1: the executed compensation with its instruction and destination */
    assert_int_equal(p.events[0].offset, 1);
    assert_int_equal(p.events[0].kind, SD_FEED_REMEDY_EXECUTED);
    assert_string_equal(sd_feed_kind_name(p.events[0].kind), "remedy_executed");
    assert_int_equal(p.events[0].ref_id, rid);
    assert_int_equal(p.events[0].ticket_id, tid);
    assert_string_equal(p.events[0].actor, "bob");
    assert_string_equal(p.events[0].detail, "kind=compensation asset=USDT amount=10 "
                                            "destination=customer idempotency=pay-1");
    assert_true(p.events[0].has_uid);
    assert_string_equal(p.events[0].uid, "UID-300400");
    assert_int_equal(strlen(p.events[0].customer), 32);
    /* 2: the freeze; 3: the unfreeze; 4: the unfreeze remedy's own instruction */
    assert_int_equal(p.events[1].kind, SD_FEED_FREEZE);
    assert_int_equal(p.events[1].ref_id, 1);
    assert_int_equal(p.events[1].ticket_id, sec);
    assert_string_equal(p.events[1].customer, p.events[0].customer);
    assert_false(p.events[1].has_uid);
    assert_int_equal(p.events[2].kind, SD_FEED_UNFREEZE);
    assert_int_equal(p.events[3].kind, SD_FEED_REMEDY_EXECUTED);
    assert_int_equal(p.events[3].ref_id, v.id);
    sd_feed_page_clear(&p);

    /* a replayed execution writes no second event */
    assert_int_equal(sd_remedy_execute(f->d, &bob, rid, "pay-1", NULL, &why), SD_OK);
    /* shredding: a request on the feed; the instruction's UID is unreadable afterwards */
    assert_int_equal(sd_keyops_shred(f->d, &sys, "UID-300400", "GDPR erasure", &sr), SD_OK);
    assert_int_equal(sd_events_read(f->d, &backoffice, 1, 0, &p), SD_OK);
    assert_int_equal(p.n, 5);
    assert_int_equal(p.events[4].kind, SD_FEED_SHRED_REQUESTED);
    assert_string_equal(p.events[4].customer, p.events[0].customer);
    assert_true(p.events[0].has_uid);
    assert_true(p.events[0].shredded);
    assert_string_equal(p.events[0].uid, "");
    sd_feed_page_clear(&p);
    assert_int_equal(audit_count(f->d, "events.read"), 2);
}

static void
test_events_refused_or_failed_changes_write_no_event(void **state)
{
    struct fixture *f = *state;
    struct sd_feed_page p;
    const char *why = NULL;
    uint64_t tid = ticket(f->d, "UID-1", SD_CAT_DEPOSIT);
    struct sd_remedy_new in = {tid, SD_RK_COMPENSATION, "USDT", "10", NULL, "goodwill", NULL};
    struct sd_remedy v;

    /* quorum not met: refused, no event */
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, v.id, "k", NULL, &why), SD_E_PRECONDITION);
    /* a write of the execution's txn fails: the txn aborts, no event either */
    assert_int_equal(sd_remedy_approve(f->d, &carol, v.id, NULL, &why), SD_OK);
    sd_store_test_fail_after(1);
    assert_int_not_equal(sd_remedy_execute(f->d, &bob, v.id, "k", NULL, &why), SD_OK);
    sd_store_test_fail_after(0);
    assert_int_equal(sd_events_read(f->d, &backoffice, 1, 0, &p), SD_OK);
    assert_int_equal(p.n, 0);
    assert_int_equal(p.next_offset, 1);
    sd_feed_page_clear(&p);
    /* then it succeeds, exactly once */
    assert_int_equal(sd_remedy_execute(f->d, &bob, v.id, "k", NULL, &why), SD_OK);
    assert_int_equal(sd_events_read(f->d, &backoffice, 1, 0, &p), SD_OK);
    assert_int_equal(p.n, 1);
    sd_feed_page_clear(&p);
}

static void
test_events_paging_and_acks_never_lose_or_repeat(void **state)
{
    struct fixture *f = *state;
    struct sd_feed_page p;
    uint64_t tid = ticket(f->d, "UID-2", SD_CAT_DEPOSIT);
    uint64_t acked, last;
    char idem[16];

    for(int i = 0; i < 5; i++) {
        snprintf(idem, sizeof(idem), "k%d", i);
        compensate(f->d, tid, idem, SD_OK);
    }
    /* pages of two from the start (nothing acknowledged yet) */
    assert_int_equal(sd_events_read(f->d, &backoffice, SD_EVENTS_FROM_ACKED, 2, &p), SD_OK);
    assert_int_equal(p.n, 2);
    assert_true(p.more);
    assert_int_equal(p.acked, 0);
    assert_int_equal(p.events[0].offset, 1);
    assert_int_equal(p.events[1].offset, 2);
    assert_int_equal(p.next_offset, 3);
    sd_feed_page_clear(&p);
    /* not acknowledged: read again from the ack, the same events come back (never lost) */
    assert_int_equal(sd_events_read(f->d, &backoffice, SD_EVENTS_FROM_ACKED, 2, &p), SD_OK);
    assert_int_equal(p.events[0].offset, 1);
    sd_feed_page_clear(&p);
    assert_int_equal(sd_events_ack(f->d, &backoffice, NULL, 2), SD_OK);
    assert_int_equal(sd_events_ack(f->d, &backoffice, NULL, 2), SD_OK); /* idempotent */
    assert_int_equal(sd_events_ack(f->d, &backoffice, NULL, 1), SD_E_PRECONDITION);
    assert_int_equal(sd_events_ack(f->d, &backoffice, NULL, 6), SD_E_INVALID);
    /* durable: after a reopen the next read starts after the acknowledged offset */
    sd_desk_close(f->d);
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    assert_int_equal(sd_events_position(f->d, "backoffice", &acked, &last), SD_OK);
    assert_int_equal(acked, 2);
    assert_int_equal(last, 5);
    assert_int_equal(sd_events_read(f->d, &backoffice, SD_EVENTS_FROM_ACKED, 0, &p), SD_OK);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.acked, 2);
    assert_int_equal(p.events[0].offset, 3);
    assert_int_equal(p.events[2].offset, 5);
    assert_false(p.more);
    sd_feed_page_clear(&p);
    assert_int_equal(sd_events_ack(f->d, &backoffice, NULL, 5), SD_OK);
    assert_int_equal(sd_events_read(f->d, &backoffice, SD_EVENTS_FROM_ACKED, 0, &p), SD_OK);
    assert_int_equal(p.n, 0);
    assert_int_equal(p.next_offset, 6);
    sd_feed_page_clear(&p);
    /* a second consumer keeps its own position */
    assert_int_equal(sd_events_read_consumer(f->d, &backoffice, "ledger-sync", 0, 0, &p), SD_OK);
    assert_int_equal(p.n, 5);
    sd_feed_page_clear(&p);
    assert_int_equal(sd_events_ack(f->d, &backoffice, "ledger-sync", 4), SD_OK);
    assert_int_equal(sd_events_position(f->d, "ledger-sync", &acked, &last), SD_OK);
    assert_int_equal(acked, 4);
    assert_int_equal(audit_count(f->d, "events.ack"), 3);
    /* limits and names */
    assert_int_equal(sd_events_read(f->d, &backoffice, 1, SD_EVENTS_PAGE_MAX + 1, &p), SD_E_LIMIT);
    assert_int_equal(sd_events_ack(f->d, &backoffice, "bad name!", 1), SD_E_INVALID);
}

static void
test_events_policy_rows(void **state)
{
    struct fixture *f = *state;
    struct sd_feed_page p;

    assert_int_equal(sd_events_read(f->d, &agent, 1, 0, &p), SD_E_DENIED);
    assert_int_equal(sd_events_read(f->d, &bob, 1, 0, &p), SD_E_DENIED);
    assert_int_equal(sd_events_ack(f->d, &bob, NULL, 0), SD_E_DENIED);
    assert_int_equal(sd_events_read(f->d, &sam, 1, 0, &p), SD_OK);
    sd_feed_page_clear(&p);
    assert_int_equal(sd_events_read(f->d, &cora, 1, 0, &p), SD_OK);
    sd_feed_page_clear(&p);
    assert_true(sd_policy_allows(SD_ROLE_COMPLIANCE, SD_OP_EVENTS_READ));
    assert_false(sd_policy_allows(SD_ROLE_AUDITOR, SD_OP_EVENTS_READ));
    assert_string_equal(sd_op_name(SD_OP_EVENTS_ACK), "events.ack");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_events_remedy_freeze_unfreeze_and_shred_reach_the_feed),
        T(test_events_refused_or_failed_changes_write_no_event),
        T(test_events_paging_and_acks_never_lose_or_repeat),
        T(test_events_policy_rows),
    };

    assert_int_equal(sd_crypto_init(), SD_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
