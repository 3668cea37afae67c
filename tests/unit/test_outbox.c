/* Outbox (issue 15): records written in the txn of the change that causes them, sealed with
 * the customer's key (shredding makes them unreadable), the sender's state machine (lease,
 * backoff, final states with timeline events, crash recovery with the same Message-ID), the
 * rendered message and its verification (one changed byte is rejected), mail key rotation. */
#include "test_helpers.h"

#include "sealdesk/audit.h"
#include "sealdesk/desk_mail.h"
#include "sealdesk/keyops.h"
#include "sealdesk/keystore.h"
#include "sealdesk/outbox.h"
#include "tickets/desk_int.h"

static const struct sd_actor sys = {"alice", NULL, SD_ROLE_SYSTEM};

static uint64_t
mk(struct sd_desk *d, const char *uid, const char *email, const char *subject, const char *body)
{
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_EMAIL;
    in.field[SD_F_SUBJECT] = subject;
    in.field[SD_F_BODY] = body;
    in.field[SD_F_CUSTOMER_EMAIL] = email;
    in.field[SD_F_CUSTOMER_UID] = uid;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    return t.id;
}

static uint64_t
n_state(struct sd_desk *d, int state)
{
    uint64_t c[6];

    assert_int_equal(sd_desk_mail_counts(d, c), SD_OK);
    return c[state];
}

static uint64_t
n_total(struct sd_desk *d)
{
    uint64_t c[6], s = 0;

    assert_int_equal(sd_desk_mail_counts(d, c), SD_OK);
    for(int i = 1; i < 6; i++)
        s += c[i];
    return s;
}

/* The one due record (asserts there is exactly one) taken for sending. */
static uint64_t
take_one(struct sd_desk *d)
{
    uint64_t ids[8];
    size_t n = 0;

    assert_int_equal(sd_desk_mail_take(d, sd_clock_now(), ids, 8, &n), SD_OK);
    assert_int_equal(n, 1);
    return ids[0];
}

static bool
has_event(struct sd_desk *d, uint64_t ticket, enum sd_event_kind k)
{
    struct sd_ticket t;
    bool found = false;

    assert_int_equal(sd_ticket_get(d, &sys, ticket, false, NULL, &t), SD_OK);
    for(size_t i = 0; i < t.n_events; i++)
        found |= t.events[i].kind == k;
    sd_ticket_clear(&t);
    return found;
}


static void
test_outbox_public_reply_enqueues_in_the_same_txn(void **state)
{
    struct fixture *f = *state;
    uint64_t a = mk(f->d, NULL, "alice@desk.test", "withdrawal stuck", "0.3 ETH pending");
    uint64_t b = mk(f->d, NULL, NULL, "no email", "phone only");
    struct sd_txn *t;

    assert_int_equal(n_total(f->d), 0);
    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "internal note", true, NULL), SD_OK);
    assert_int_equal(n_total(f->d), 0); /* internal: nothing to the customer */
    assert_int_equal(sd_ticket_comment(f->d, &sys, b, "we are checking", false, NULL), SD_OK);
    assert_int_equal(n_total(f->d), 0); /* no address */
    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "we are checking", false, NULL), SD_OK);
    assert_int_equal(n_state(f->d, SD_OUTBOX_QUEUED), 1);
    /* An aborted change leaves no mail behind. */
    assert_int_equal(sd_txn_begin(f->d->store, true, &t), SD_OK);
    assert_int_equal(sd_ticket_comment_in(f->d, t, &sys, a, "update", false), SD_OK);
    sd_txn_abort(t);
    assert_int_equal(n_total(f->d), 1);
    /* A failing change (archived ticket) enqueues nothing either. */
    assert_int_equal(sd_ticket_transition(f->d, &sys, a, SD_ST_RESOLVED, NULL), SD_OK);
    assert_int_equal(n_total(f->d), 2); /* + the CSAT survey */
    assert_int_equal(sd_ticket_transition(f->d, &sys, a, SD_ST_ARCHIVED, NULL), SD_OK);
    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "late", false, NULL), SD_E_PRECONDITION);
    assert_int_equal(n_total(f->d), 2);
    /* Recipient, subject and body are sealed: not in the file. */
    assert_false(store_holds(f->dir, "alice@desk.test"));
    assert_false(store_holds(f->dir, "we are checking"));
}

static void
test_outbox_message_renders_and_verifies_and_rejects_a_changed_byte(void **state)
{
    struct fixture *f = *state;
    uint64_t a = mk(f->d, NULL, "Alice@Desk.test", "提现一直在审核中", "0.35 ETH 提现 20 小时");
    struct sd_outbox_rendered r;
    struct sd_outbox_verdict v;
    struct sd_outbox_info info;
    const char *msg, *body;
    uint64_t id;

    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "我们正在核查链上记录。", false, NULL),
                     SD_OK);
    id = take_one(f->d);
    assert_int_equal(sd_desk_mail_render(f->d, id, "bad from", &r), SD_E_INVALID);
    assert_int_equal(sd_desk_mail_render(f->d, id, "support@desk.test", &r), SD_OK);
    assert_int_equal(sd_buf_terminate(&r.msg), SD_OK);
    msg = (const char *)r.msg.data;
    assert_string_equal(r.rcpt, "Alice@Desk.test");
    assert_non_null(strstr(msg, "\r\nSubject: Re: [SD-000001] =?UTF-8?B?"));
    assert_non_null(strstr(msg, "\r\nX-Sealdesk-Verify: v=1; r=SD-000001; k=1; t=1790000000"));
    assert_non_null(strstr(msg, "Date: Mon, 21 Sep 2026 14:13:20 +0000\r\n"));
    assert_non_null(strstr(msg, "Content-Transfer-Encoding: base64\r\n"));
    assert_null(strstr(msg, "Auto-Submitted")); /* an agent's reply is not automatic */
    assert_null(strstr(msg, "X-Sealdesk-Loop"));
    assert_int_equal(sd_desk_mail_get(f->d, id, &info), SD_OK);
    assert_non_null(strstr(msg, info.message_id));
    assert_int_equal(strlen(info.code), SD_OUTBOX_CODE_CHARS);

    assert_int_equal(sd_desk_mail_verify_message(f->d, r.msg.data, r.msg.len, &v), SD_OK);
    assert_true(v.valid);
    assert_string_equal(v.ref, "SD-000001");
    assert_string_equal(v.to_masked, "A***@Desk.test");
    assert_int_equal(v.sent_at, T0);
    assert_string_equal(v.code, info.code);
    /* One byte of the body changed (a base64 letter): rejected. */
    body = strstr(msg, "\r\n\r\n") + 4;
    r.msg.data[body - msg + 10] ^= 0x01;
    assert_int_equal(sd_desk_mail_verify_message(f->d, r.msg.data, r.msg.len, &v), SD_OK);
    assert_false(v.valid);
    assert_non_null(v.why);
    r.msg.data[body - msg + 10] ^= 0x01;
    /* Another recipient in To: rejected. */
    {
        char *to = strstr((char *)r.msg.data, "To: Alice");

        to[4] = 'B';
        assert_int_equal(sd_desk_mail_verify_message(f->d, r.msg.data, r.msg.len, &v), SD_OK);
        assert_false(v.valid);
        to[4] = 'A';
    }
    assert_int_equal(sd_desk_mail_verify_message(f->d, r.msg.data, r.msg.len, &v), SD_OK);
    assert_true(v.valid);
    /* The code alone: found, masked recipient, audited. */
    assert_int_equal(sd_desk_mail_verify_code(f->d, &sys, info.code, &v), SD_OK);
    assert_true(v.valid);
    assert_string_equal(v.to_masked, "A***@Desk.test");
    assert_int_equal(sd_desk_mail_verify_code(f->d, &sys, "AAAA-AAAA-AAAA-AAAA", &v), SD_OK);
    assert_false(v.valid);
    assert_int_equal(sd_desk_mail_verify_code(f->d, &sys, "not a code", &v), SD_OK);
    assert_false(v.valid);
    sd_outbox_rendered_clear(&r);
}

static void
test_outbox_csat_on_resolve_in_the_customers_language(void **state)
{
    struct fixture *f = *state;
    uint64_t a = mk(f->d, NULL, "kim@desk.test", "출금이 안 돼요", "출금 대기 중입니다");
    struct sd_outbox_rendered r;
    struct sd_outbox_info info;
    uint64_t id;

    assert_int_equal(sd_ticket_transition(f->d, &sys, a, SD_ST_RESOLVED, NULL), SD_OK);
    id = take_one(f->d);
    assert_int_equal(sd_desk_mail_get(f->d, id, &info), SD_OK);
    assert_int_equal(info.kind, SD_OUTBOX_CSAT);
    assert_int_equal(sd_desk_mail_render(f->d, id, "support@desk.test", &r), SD_OK);
    assert_int_equal(sd_buf_terminate(&r.msg), SD_OK);
    assert_non_null(strstr((char *)r.msg.data, "Auto-Submitted: auto-replied\r\n"));
    assert_non_null(strstr((char *)r.msg.data, "\r\nX-Sealdesk-Loop: SD-"));
    assert_non_null(strstr((char *)r.msg.data, "Subject: [SD-000001] =?UTF-8?B?"));
    assert_non_null(strstr((char *)r.msg.data, "Content-Language: ko"));
    sd_outbox_rendered_clear(&r);
}

static void
test_outbox_state_machine_backoff_final_states_and_timeline(void **state)
{
    struct fixture *f = *state;
    uint64_t a = mk(f->d, NULL, "alice@desk.test", "s", "b");
    struct sd_outbox_info info;
    uint64_t id, ids[4];
    size_t n;

    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "one", false, NULL), SD_OK);
    id = take_one(f->d);
    assert_int_equal(sd_desk_mail_get(f->d, id, &info), SD_OK);
    assert_int_equal(info.state, SD_OUTBOX_SENDING);
    assert_int_equal(info.attempts, 1);
    /* Leased: not taken again meanwhile. */
    assert_int_equal(sd_desk_mail_take(f->d, T0, ids, 4, &n), SD_OK);
    assert_int_equal(n, 0);
    /* 4xx: back in the queue after the backoff, no timeline event. */
    assert_int_equal(sd_desk_mail_outcome(f->d, id, SD_OUTBOX_TEMPFAIL, 451, 0.5, &info), SD_OK);
    assert_int_equal(info.state, SD_OUTBOX_QUEUED);
    assert_int_equal(info.next_try_at, T0 + SD_OUTBOX_BACKOFF_BASE);
    assert_int_equal(sd_desk_mail_take(f->d, T0 + 29, ids, 4, &n), SD_OK);
    assert_int_equal(n, 0);
    assert_false(has_event(f->d, a, SD_EV_MAIL_FAILED));
    sd_clock_set(T0 + 30);
    id = take_one(f->d);
    assert_int_equal(sd_desk_mail_outcome(f->d, id, SD_OUTBOX_OK, 250, 0.5, &info), SD_OK);
    assert_int_equal(info.state, SD_OUTBOX_DELIVERED);
    assert_int_equal(info.attempts, 2);
    assert_true(has_event(f->d, a, SD_EV_MAIL_DELIVERED));
    /* A delivered record is final: another outcome is refused. */
    assert_int_equal(sd_desk_mail_outcome(f->d, id, SD_OUTBOX_OK, 250, 0.5, NULL),
                     SD_E_PRECONDITION);
    /* A bounce of a delivered message marks it bounced on the timeline. */
    assert_int_equal(sd_desk_mail_outcome(f->d, id, SD_OUTBOX_BOUNCE, 550, 0.5, &info), SD_OK);
    assert_int_equal(info.state, SD_OUTBOX_BOUNCED);
    assert_true(has_event(f->d, a, SD_EV_MAIL_BOUNCED));
    /* 5xx: failed at once. */
    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "two", false, NULL), SD_OK);
    id = take_one(f->d);
    assert_int_equal(sd_desk_mail_outcome(f->d, id, SD_OUTBOX_PERMFAIL, 550, 0.5, &info), SD_OK);
    assert_int_equal(info.state, SD_OUTBOX_FAILED);
    assert_true(has_event(f->d, a, SD_EV_MAIL_FAILED));
}

static void
test_outbox_gives_up_after_max_attempts_and_backoff_is_bounded(void **state)
{
    struct fixture *f = *state;
    uint64_t a = mk(f->d, NULL, "alice@desk.test", "s", "b");
    struct sd_outbox_info info;
    uint64_t now = T0;

    assert_int_equal(sd_outbox_backoff(1, 0.5), 30);
    assert_int_equal(sd_outbox_backoff(2, 0.5), 60);
    assert_int_equal(sd_outbox_backoff(30, 0.5), SD_OUTBOX_BACKOFF_MAX);
    assert_true(sd_outbox_backoff(30, 0.999) <= SD_OUTBOX_BACKOFF_MAX * 5 / 4);
    assert_true(sd_outbox_backoff(1, 0.0) >= 22);
    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "one", false, NULL), SD_OK);
    for(unsigned i = 1; i <= SD_OUTBOX_MAX_ATTEMPTS; i++) {
        uint64_t id;

        sd_clock_set(now);
        id = take_one(f->d);
        assert_int_equal(sd_desk_mail_outcome(f->d, id, SD_OUTBOX_TEMPFAIL, 421, 0.5, &info),
                         SD_OK);
        now = info.next_try_at > now ? info.next_try_at : now + 1;
    }
    assert_int_equal(info.state, SD_OUTBOX_FAILED);
    assert_true(has_event(f->d, a, SD_EV_MAIL_FAILED));
}

static void
test_outbox_recover_resends_with_the_same_message_id(void **state)
{
    struct fixture *f = *state;
    uint64_t a = mk(f->d, NULL, "alice@desk.test", "s", "b");
    struct sd_outbox_info before, after;
    uint64_t id;
    size_t n = 0;

    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "one", false, NULL), SD_OK);
    id = take_one(f->d); /* ... and the process dies mid-send */
    assert_int_equal(sd_desk_mail_get(f->d, id, &before), SD_OK);
    sd_desk_close(f->d);
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    assert_int_equal(sd_desk_mail_start(f->d, "desk.test", &n), SD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(take_one(f->d), id);
    assert_int_equal(sd_desk_mail_get(f->d, id, &after), SD_OK);
    assert_string_equal(after.message_id, before.message_id);
    assert_string_equal(after.code, before.code);
    assert_int_equal(after.attempts, 2);
    /* The domain applies to new records. */
    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "two", false, NULL), SD_OK);
    assert_int_equal(sd_desk_mail_get(f->d, id + 1, &after), SD_OK);
    assert_non_null(strstr(after.message_id, "@desk.test>"));
    assert_non_null(strstr(before.message_id, "@sealdesk.invalid>"));
}

static void
test_outbox_shredding_the_customer_makes_queued_mail_unreadable(void **state)
{
    struct fixture *f = *state;
    uint64_t a = mk(f->d, "VICTIM-1", "victim@desk.test", "s", "b");
    struct sd_shred_result sr;
    struct sd_outbox_rendered r;
    struct sd_outbox_info info;
    struct sd_outbox_verdict v;
    uint64_t id;

    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "reply", false, NULL), SD_OK);
    assert_int_equal(sd_desk_mail_get(f->d, 1, &info), SD_OK);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "VICTIM-1", "erasure", &sr), SD_OK);
    id = take_one(f->d);
    assert_int_equal(sd_desk_mail_render(f->d, id, "support@desk.test", &r), SD_E_SHREDDED);
    assert_int_equal(sd_desk_mail_outcome(f->d, id, SD_OUTBOX_SHREDDED, 0, 0.5, &info), SD_OK);
    assert_int_equal(info.state, SD_OUTBOX_FAILED);
    /* The desk still knows it sent that code, not to whom. */
    assert_int_equal(sd_desk_mail_verify_code(f->d, &sys, info.code, &v), SD_OK);
    assert_true(v.valid);
    assert_string_equal(v.to_masked, "(erased)");
}

static void
test_outbox_bad_input_names_the_field_and_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct sd_outbox_msg m;
    struct sd_dkey *dk = NULL;
    struct sd_txn *t;
    const char *field = NULL;
    uint64_t before = 0, after = 0, next = 0;

    assert_int_equal(sd_txn_begin(f->d->store, true, &t), SD_OK);
    assert_int_equal(sd_keys_customer_dkey(t, f->d->kr, NULL, &dk), SD_OK);
    assert_int_equal(sd_audit_size(t, &before), SD_OK);
    memset(&m, 0, sizeof(m));
    m.ticket_id = 1;
    m.dk = dk;
    m.kind = SD_OUTBOX_ACK;
    m.to = "a b@desk.test";
    m.subject = "[SD-000001] received";
    m.body = "hello";
    assert_int_equal(sd_outbox_enqueue_in(t, f->d->kr, "x", &m, T0, NULL, &field), SD_E_INVALID);
    assert_string_equal(field, "to");
    m.to = "a@desk.test\r\nBcc: evil@x";
    assert_int_equal(sd_outbox_enqueue_in(t, f->d->kr, "x", &m, T0, NULL, &field), SD_E_INVALID);
    assert_string_equal(field, "to");
    m.to = "a@desk.test";
    m.subject = "x\r\nBcc: evil@x";
    assert_int_equal(sd_outbox_enqueue_in(t, f->d->kr, "x", &m, T0, NULL, &field), SD_E_INVALID);
    assert_string_equal(field, "subject");
    m.subject = "ok";
    m.body = "\x01";
    assert_int_equal(sd_outbox_enqueue_in(t, f->d->kr, "x", &m, T0, NULL, &field), SD_E_INVALID);
    assert_string_equal(field, "body");
    assert_int_equal(sd_meta_get_u64(t, "outbox_next", &next), SD_OK);
    assert_int_equal(next, 0);
    assert_int_equal(sd_audit_size(t, &after), SD_OK);
    assert_int_equal(after, before);
    /* A good one: audited, no PII in the entry (the caller's actor and the ticket only). */
    m.body = "hello";
    assert_int_equal(sd_outbox_enqueue_in(t, f->d->kr, "x", &m, T0, &next, &field), SD_OK);
    assert_int_equal(next, 1);
    assert_int_equal(sd_audit_size(t, &after), SD_OK);
    assert_int_equal(after, before + 1);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    sd_dkey_free(dk);
}

static void
test_outbox_mail_key_rotation_keeps_old_messages_verifiable(void **state)
{
    struct fixture *f = *state;
    uint64_t a = mk(f->d, NULL, "alice@desk.test", "s", "b");
    const struct sd_actor agent = {"bob", NULL, SD_ROLE_AGENT};
    struct sd_outbox_rendered r1, r2;
    struct sd_outbox_verdict v;
    uint32_t ver = 0;

    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "one", false, NULL), SD_OK);
    assert_int_equal(sd_desk_mail_render(f->d, 1, "support@desk.test", &r1), SD_OK);
    assert_int_equal(sd_desk_mail_rotate_key(f->d, &agent, &ver), SD_E_DENIED);
    assert_int_equal(sd_desk_mail_rotate_key(f->d, &sys, &ver), SD_OK);
    assert_int_equal(ver, 2);
    assert_int_equal(sd_ticket_comment(f->d, &sys, a, "two", false, NULL), SD_OK);
    assert_int_equal(sd_desk_mail_render(f->d, 2, "support@desk.test", &r2), SD_OK);
    assert_int_equal(sd_buf_terminate(&r2.msg), SD_OK);
    assert_non_null(strstr((char *)r2.msg.data, "; k=2;"));
    assert_int_equal(sd_desk_mail_verify_message(f->d, r1.msg.data, r1.msg.len, &v), SD_OK);
    assert_true(v.valid);
    assert_int_equal(v.key_version, 1);
    assert_int_equal(sd_desk_mail_verify_message(f->d, r2.msg.data, r2.msg.len, &v), SD_OK);
    assert_true(v.valid);
    assert_int_equal(v.key_version, 2);
    /* The mail key is not the audit key. */
    {
        struct sd_txn *t;
        uint8_t mpk[32], apk[32];

        assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
        assert_int_equal(sd_keys_mail_pk(t, 1, mpk, NULL), SD_OK);
        assert_int_equal(sd_keys_audit_pk(t, apk), SD_OK);
        assert_memory_not_equal(mpk, apk, 32);
        sd_txn_abort(t);
    }
    sd_outbox_rendered_clear(&r1);
    sd_outbox_rendered_clear(&r2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_outbox_public_reply_enqueues_in_the_same_txn),
        T(test_outbox_message_renders_and_verifies_and_rejects_a_changed_byte),
        T(test_outbox_csat_on_resolve_in_the_customers_language),
        T(test_outbox_state_machine_backoff_final_states_and_timeline),
        T(test_outbox_gives_up_after_max_attempts_and_backoff_is_bounded),
        T(test_outbox_recover_resends_with_the_same_message_id),
        T(test_outbox_shredding_the_customer_makes_queued_mail_unreadable),
        T(test_outbox_bad_input_names_the_field_and_changes_nothing),
        T(test_outbox_mail_key_rotation_keeps_old_messages_verifiable),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
