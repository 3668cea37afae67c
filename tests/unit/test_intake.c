/* Intake (issue 15): idempotent creation with an acknowledgement, customer messages (waiting ->
 * in_progress, reopen window, a linked new ticket after it), e-mail threading by In-Reply-To
 * and by subject reference only for the ticket's own customer, Message-ID dedupe, auto-replies
 * and bounces, VIP inherited from the profile, sealed attachments, public status, CSAT by
 * reply keyword, and the intake role's place in the policy table. */
#include "test_helpers.h"

#include "sealdesk/customers.h"
#include "sealdesk/desk_mail.h"
#include "sealdesk/intake.h"
#include "sealdesk/outbox.h"
#include "sealdesk/server.h"
#include "tickets/desk_int.h"

static const struct sd_actor sys = {"alice", NULL, SD_ROLE_SYSTEM};
static const struct sd_actor gw = {"intake-gw", NULL, SD_ROLE_INTAKE};

static size_t
n_tickets(struct sd_desk *d)
{
    struct sd_ticket_filter f = {.status = 0, .category = -1, .assignee = NULL};
    struct sd_ticket_list l;
    size_t n;

    assert_int_equal(sd_ticket_list(d, &f, &l), SD_OK);
    n = l.n;
    sd_ticket_list_clear(&l);
    return n;
}

static uint64_t
n_mail(struct sd_desk *d)
{
    uint64_t c[6], s = 0;

    assert_int_equal(sd_desk_mail_counts(d, c), SD_OK);
    for(int i = 1; i < 6; i++)
        s += c[i];
    return s;
}

static size_t
n_events(struct sd_desk *d, uint64_t id, enum sd_event_kind k)
{
    struct sd_ticket t;
    size_t n = 0;

    assert_int_equal(sd_ticket_get(d, &sys, id, false, NULL, &t), SD_OK);
    for(size_t i = 0; i < t.n_events; i++)
        n += t.events[i].kind == k;
    sd_ticket_clear(&t);
    return n;
}

static struct sd_ticket
meta(struct sd_desk *d, uint64_t id)
{
    struct sd_ticket t;

    assert_int_equal(sd_ticket_get(d, &sys, id, false, NULL, &t), SD_OK);
    return t;
}

static int
status_of(struct sd_desk *d, uint64_t id)
{
    struct sd_ticket t = meta(d, id);
    int s = (int)t.status;

    sd_ticket_clear(&t);
    return s;
}

static uint64_t
create(struct sd_desk *d, const char *key, const char *uid, const char *email, const char *body,
       struct sd_intake_ref *r)
{
    struct sd_intake_new in;

    memset(&in, 0, sizeof(in));
    in.idempotency_key = key;
    in.channel = SD_CH_CHAT;
    in.sender_id = "chat-session-77";
    in.cust.uid = uid;
    in.cust.email = email;
    in.subject = "提现一直在审核中";
    in.body = body;
    assert_int_equal(sd_intake_create(d, &gw, &in, NULL, r, NULL), SD_OK);
    return r->ticket_id;
}

static struct sd_intake_mail
mail(const char *msgid, const char *from, const char *subject, const char *body)
{
    struct sd_intake_mail m;

    memset(&m, 0, sizeof(m));
    m.message_id = msgid;
    m.from_addr = from;
    m.subject = subject;
    m.body = body;
    return m;
}

static struct sd_intake_mail_result
submit(struct sd_desk *d, const struct sd_intake_mail *m)
{
    struct sd_intake_mail_result r;

    assert_int_equal(sd_intake_mail(d, &gw, m, NULL, &r, NULL), SD_OK);
    return r;
}

/* The Message-ID of the newest outbox record of ticket id. */
static void
last_msgid(struct sd_desk *d, uint64_t ticket, char *out, size_t cap)
{
    struct sd_outbox_info info;
    bool found = false;

    for(uint64_t i = 1;; i++) {
        if(sd_desk_mail_get(d, i, &info) != SD_OK)
            break;
        if(info.ticket_id == ticket) {
            snprintf(out, cap, "%s", info.message_id);
            found = true;
        }
    }
    assert_true(found);
}

static void
test_intake_create_is_idempotent_and_acknowledged(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_ref a, b;
    struct sd_intake_new bad;
    const char *why = NULL;

    create(f->d, "web-form-1", "U100", "kim@example.com", "0.35 ETH withdrawal pending", &a);
    assert_true(a.created);
    assert_true(a.acknowledged);
    assert_string_equal(a.ref, "SD-000001");
    create(f->d, "web-form-1", "U100", "kim@example.com", "0.35 ETH withdrawal pending", &b);
    assert_false(b.created);
    assert_false(b.acknowledged);
    assert_int_equal(b.ticket_id, a.ticket_id);
    assert_int_equal(n_tickets(f->d), 1);
    assert_int_equal(n_mail(f->d), 1); /* one acknowledgement */
    /* the chat session id is a sealed internal note, not an identifier */
    assert_int_equal(n_events(f->d, a.ticket_id, SD_EV_COMMENT), 1);
    /* bad input names the field and changes nothing */
    memset(&bad, 0, sizeof(bad));
    bad.channel = SD_CH_CHAT;
    bad.body = "x";
    assert_int_equal(sd_intake_create(f->d, &gw, &bad, NULL, &b, &why), SD_E_INVALID);
    assert_string_equal(why, "idempotency_key");
    bad.idempotency_key = "k2";
    bad.cust.email = "not-an-address";
    assert_int_equal(sd_intake_create(f->d, &gw, &bad, NULL, &b, &why), SD_E_INVALID);
    assert_string_equal(why, "customer_email");
    assert_int_equal(n_tickets(f->d), 1);
}

static void
test_intake_mail_threads_by_in_reply_to_and_subject_reference(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_mail m = mail("a1@mail.example", "kim@example.com", "提现一直在审核中",
                                   "我的提现已经等了二十个小时");
    struct sd_intake_mail_result r1, r2, r3;
    struct sd_ticket t;
    char msgid[160], subj[64];

    m.lang = "zh";
    r1 = submit(f->d, &m);
    assert_int_equal(r1.outcome, SD_INTAKE_NEW_TICKET);
    assert_true(r1.acknowledged);
    t = meta(f->d, r1.ticket_id);
    assert_string_equal(t.lang, "zh");
    sd_ticket_clear(&t);
    /* the agent answers: the reply's Message-ID is known to the desk */
    assert_int_equal(sd_ticket_comment(f->d, &sys, r1.ticket_id, "我们正在核查", false, &t), SD_OK);
    sd_ticket_clear(&t);
    last_msgid(f->d, r1.ticket_id, msgid, sizeof(msgid));
    m = mail("a2@mail.example", "kim@example.com", "Re: something else", "还是没有到账");
    m.in_reply_to = msgid;
    r2 = submit(f->d, &m);
    assert_int_equal(r2.outcome, SD_INTAKE_ADDED);
    assert_int_equal(r2.ticket_id, r1.ticket_id);
    assert_false(r2.acknowledged);
    /* the subject reference alone also threads (sender case differs: addresses fold) */
    snprintf(subj, sizeof(subj), "Re: [%s] 提现", r1.ref);
    m = mail("a3@mail.example", "Kim@Example.com", subj, "补充截图");
    r3 = submit(f->d, &m);
    assert_int_equal(r3.outcome, SD_INTAKE_ADDED);
    assert_int_equal(r3.ticket_id, r1.ticket_id);
    assert_int_equal(n_events(f->d, r1.ticket_id, SD_EV_CUSTOMER_MESSAGE), 2);
    assert_int_equal(n_tickets(f->d), 1);
}

static void
test_intake_forged_reference_opens_a_new_ticket(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_mail m =
        mail("b1@mail.example", "kim@example.com", "deposit missing", "my USDT deposit is missing");
    struct sd_intake_mail_result r1, r2, r3;
    char subj[64], msgid[160];
    struct sd_ticket t;

    r1 = submit(f->d, &m);
    assert_int_equal(sd_ticket_comment(f->d, &sys, r1.ticket_id, "checking", false, &t), SD_OK);
    sd_ticket_clear(&t);
    last_msgid(f->d, r1.ticket_id, msgid, sizeof(msgid));
    snprintf(subj, sizeof(subj), "Re: [%s] deposit missing", r1.ref);
    m = mail("b2@mail.example", "mallory@evil.example", subj, "send the funds to me instead");
    m.in_reply_to = msgid; /* even with the desk's own Message-ID */
    r2 = submit(f->d, &m);
    assert_int_equal(r2.outcome, SD_INTAKE_NEW_TICKET);
    assert_int_not_equal(r2.ticket_id, r1.ticket_id);
    assert_int_equal(n_events(f->d, r1.ticket_id, SD_EV_CUSTOMER_MESSAGE), 0);
    /* a made-up desk Message-ID threads nothing either */
    m = mail("b3@mail.example", "kim@example.com", "hello", "again");
    m.in_reply_to = "SD-000001.1.0000000000000000@sealdesk.invalid";
    r3 = submit(f->d, &m);
    assert_int_equal(r3.outcome, SD_INTAKE_NEW_TICKET);
    assert_int_equal(n_tickets(f->d), 3);
}

static void
test_intake_duplicate_message_id_stores_nothing_twice(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_mail m =
        mail("dup@mail.example", "kim@example.com", "2FA reset", "please reset my 2FA");
    struct sd_intake_mail_result r1, r2;
    char subj[64];

    r1 = submit(f->d, &m);
    r2 = submit(f->d, &m);
    assert_int_equal(r1.outcome, SD_INTAKE_NEW_TICKET);
    assert_int_equal(r2.outcome, SD_INTAKE_DUPLICATE);
    assert_int_equal(r2.ticket_id, r1.ticket_id);
    assert_int_equal(n_tickets(f->d), 1);
    assert_int_equal(n_mail(f->d), 1);
    /* a duplicated follow-up adds one message, not two */
    snprintf(subj, sizeof(subj), "Re: [%s]", r1.ref);
    m = mail("dup2@mail.example", "kim@example.com", subj, "still locked out");
    assert_int_equal(submit(f->d, &m).outcome, SD_INTAKE_ADDED);
    assert_int_equal(submit(f->d, &m).outcome, SD_INTAKE_DUPLICATE);
    assert_int_equal(n_events(f->d, r1.ticket_id, SD_EV_CUSTOMER_MESSAGE), 1);
}

static void
test_intake_message_moves_waiting_to_in_progress_and_reopens_within_window(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_message msg;
    struct sd_intake_ref a, r;
    struct sd_ticket t;
    uint64_t id = create(f->d, "chat-9", "U200", "lee@example.com", "where is my deposit", &a);

    assert_int_equal(sd_ticket_transition(f->d, &sys, id, SD_ST_WAITING_CUSTOMER, &t), SD_OK);
    memset(&msg, 0, sizeof(msg));
    msg.idempotency_key = "chat-9-m1";
    msg.ticket_id = id;
    msg.cust.uid = "U200";
    msg.body = "here is the TXID";
    assert_int_equal(sd_intake_add_message(f->d, &gw, &msg, NULL, &r, NULL), SD_OK);
    assert_int_equal(r.ticket_id, id);
    assert_false(r.created);
    assert_int_equal(status_of(f->d, id), SD_ST_IN_PROGRESS);
    /* the same key twice: one message */
    assert_int_equal(sd_intake_add_message(f->d, &gw, &msg, NULL, &r, NULL), SD_OK);
    assert_int_equal(n_events(f->d, id, SD_EV_CUSTOMER_MESSAGE), 1);
    /* another customer's id: not found, nothing added */
    msg.idempotency_key = "chat-9-m2";
    msg.cust.uid = "U999";
    assert_int_equal(sd_intake_add_message(f->d, &gw, &msg, NULL, &r, NULL), SD_E_NOTFOUND);
    msg.cust.uid = NULL;
    msg.cust.email = "other@example.com";
    assert_int_equal(sd_intake_add_message(f->d, &gw, &msg, NULL, &r, NULL), SD_E_NOTFOUND);
    assert_int_equal(n_events(f->d, id, SD_EV_CUSTOMER_MESSAGE), 1);

    /* resolved, then a message within the window reopens it */
    assert_int_equal(sd_ticket_transition(f->d, &sys, id, SD_ST_RESOLVED, &t), SD_OK);
    sd_clock_set(T0 + 13 * 86400);
    msg.cust.email = "lee@example.com";
    msg.idempotency_key = "chat-9-m3";
    assert_int_equal(sd_intake_add_message(f->d, &gw, &msg, NULL, &r, NULL), SD_OK);
    assert_int_equal(r.ticket_id, id);
    t = meta(f->d, id);
    assert_int_equal(t.status, SD_ST_IN_PROGRESS);
    assert_int_equal(t.reopen_count, 1);
    sd_ticket_clear(&t);
    /* resolved again; after the window a NEW ticket links the old one */
    assert_int_equal(sd_ticket_transition(f->d, &sys, id, SD_ST_RESOLVED, &t), SD_OK);
    sd_clock_set(T0 + 13 * 86400 + (SD_INTAKE_REOPEN_DAYS + 1) * 86400ull);
    msg.idempotency_key = "chat-9-m4";
    assert_int_equal(sd_intake_add_message(f->d, &gw, &msg, NULL, &r, NULL), SD_OK);
    assert_true(r.created);
    assert_int_not_equal(r.ticket_id, id);
    assert_int_equal(status_of(f->d, id), SD_ST_RESOLVED);
    assert_int_equal(n_events(f->d, id, SD_EV_LINKED), 1);
    assert_int_equal(n_events(f->d, r.ticket_id, SD_EV_LINKED), 1);
    /* the window is configurable */
    assert_int_equal(sd_intake_set_reopen_days(SD_INTAKE_MAX_REOPEN_DAYS + 1), SD_E_INVALID);
    assert_int_equal(sd_intake_reopen_days(), SD_INTAKE_REOPEN_DAYS);
}

static void
test_intake_auto_reply_makes_no_ticket_and_no_ack(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_mail m =
        mail("ooo@mail.example", "kim@example.com", "Out of office", "I am away until Monday");
    struct sd_intake_mail_result r;
    uint64_t c[4];

    m.cls = SD_INTAKE_MAIL_AUTO_REPLY;
    r = submit(f->d, &m);
    assert_int_equal(r.outcome, SD_INTAKE_IGNORED);
    assert_int_equal(r.ticket_id, 0);
    m.message_id = "list@mail.example";
    m.cls = SD_INTAKE_MAIL_BULK;
    assert_int_equal(submit(f->d, &m).outcome, SD_INTAKE_IGNORED);
    assert_int_equal(n_tickets(f->d), 0);
    assert_int_equal(n_mail(f->d), 0);
    assert_int_equal(sd_intake_counts(f->d, c), SD_OK);
    assert_int_equal(c[0], 1);
    assert_int_equal(c[1], 1);
    /* mailer-daemon gets a ticket (a person may write from it) but never an ack */
    m = mail("md@mail.example", "MAILER-DAEMON@mx.example", "hello", "text");
    r = submit(f->d, &m);
    assert_int_equal(r.outcome, SD_INTAKE_NEW_TICKET);
    assert_false(r.acknowledged);
    assert_int_equal(n_mail(f->d), 0);
}

static void
test_intake_bounce_marks_the_desk_message_bounced(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_mail m = mail("c1@mail.example", "gone@example.com", "help", "help me");
    struct sd_intake_mail_result r1, r2;
    struct sd_outbox_info info;
    uint64_t ids[4];
    size_t n = 0;
    char msgid[160];

    r1 = submit(f->d, &m);
    assert_true(r1.acknowledged);
    assert_int_equal(sd_desk_mail_take(f->d, sd_clock_now(), ids, 4, &n), SD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sd_desk_mail_outcome(f->d, ids[0], SD_OUTBOX_OK, 250, 0, &info), SD_OK);
    last_msgid(f->d, r1.ticket_id, msgid, sizeof(msgid));
    m = mail("c2@mail.example", "", "Undelivered Mail Returned to Sender", "");
    m.cls = SD_INTAKE_MAIL_BOUNCE;
    m.bounce_message_id = msgid + 1; /* as the parser gives it: without <> */
    ((char *)m.bounce_message_id)[strlen(m.bounce_message_id) - 1] = 0;
    r2 = submit(f->d, &m);
    assert_int_equal(r2.outcome, SD_INTAKE_BOUNCE);
    assert_int_equal(r2.ticket_id, r1.ticket_id);
    assert_int_equal(sd_desk_mail_get(f->d, ids[0], &info), SD_OK);
    assert_int_equal(info.state, SD_OUTBOX_BOUNCED);
    assert_int_equal(n_events(f->d, r1.ticket_id, SD_EV_MAIL_BOUNCED), 1);
    assert_int_equal(n_tickets(f->d), 1);
    assert_int_equal(n_mail(f->d), 1); /* no ack to a bounce */
}

static void
test_intake_vip_and_language_inherited_from_profile(void **state)
{
    struct fixture *f = *state;
    struct sd_customer_in ci;
    struct sd_intake_ref r;
    struct sd_ticket t;
    const char *why = NULL;

    memset(&ci, 0, sizeof(ci));
    ci.uid = "U777";
    ci.lang = "ko";
    ci.vip_tier = 3;
    assert_int_equal(sd_customers_upsert(f->d, &sys, &ci, NULL, &why), SD_OK);
    create(f->d, "vip-1", "U777", "vip@example.com", "withdrawal is late", &r);
    t = meta(f->d, r.ticket_id);
    assert_true(t.vip);
    assert_string_equal(t.lang, "ko");
    sd_ticket_clear(&t);
}


static void
test_intake_attachment_is_sealed_in_the_store(void **state)
{
    struct fixture *f = *state;
    static const char marker[] = "SCREENSHOT-MARKER-5f3a9c";
    uint8_t png[256];
    struct sd_attach_in files[2];
    struct sd_intake_mail m =
        mail("att@mail.example", "kim@example.com", "截图", "见附件 PLAINBODY-MARKER-77");
    struct sd_intake_mail_result r;

    memset(png, 'x', sizeof(png));
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    memcpy(png + 40, marker, sizeof(marker) - 1);
    files[0].data = png;
    files[0].len = sizeof(png);
    files[0].type = "image/png";
    files[0].filename = "FILENAME-MARKER-31.png";
    files[1].data = (const uint8_t *)"MZ...";
    files[1].len = 5;
    files[1].type = "application/x-dosexec";
    files[1].filename = "run.exe";
    m.files = files;
    m.n_files = 2;
    r = submit(f->d, &m);
    assert_int_equal(r.kept, 1);
    assert_int_equal(r.refused, 1);
    assert_int_equal(n_events(f->d, r.ticket_id, SD_EV_ATTACHMENT), 1);
    assert_int_equal(n_events(f->d, r.ticket_id, SD_EV_ATTACHMENT_REFUSED), 1);
    sd_desk_close(f->d);
    f->d = NULL;
    assert_false(store_holds(f->dir, marker));
    assert_false(store_holds(f->dir, "FILENAME-MARKER-31"));
    assert_false(store_holds(f->dir, "PLAINBODY-MARKER-77"));
    assert_false(store_holds(f->dir, "kim@example.com"));
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
}

static void
test_intake_status_shows_public_replies_to_the_customer_only(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_customer me = {"U300", NULL, NULL}, other = {"U301", NULL, NULL};
    struct sd_intake_status s;
    struct sd_intake_ref r;
    struct sd_ticket t;
    uint64_t id = create(f->d, "st-1", "U300", NULL, "card payment failed", &r);

    assert_false(r.acknowledged); /* no address: nothing to send */
    assert_int_equal(sd_ticket_comment(f->d, &sys, id, "INTERNAL-NOTE-1", true, &t), SD_OK);
    assert_int_equal(sd_ticket_comment(f->d, &sys, id, "We are on it", false, &t), SD_OK);
    assert_int_equal(sd_intake_status(f->d, &gw, id, &other, &s), SD_E_NOTFOUND);
    assert_int_equal(sd_intake_status(f->d, &gw, id + 100, &me, &s), SD_E_NOTFOUND);
    assert_int_equal(sd_intake_status(f->d, &gw, id, &me, &s), SD_OK);
    assert_int_equal(s.status, SD_ST_RECEIVED);
    assert_string_equal(s.ref, "SD-000001");
    assert_int_equal(s.n_replies, 1);
    assert_string_equal((const char *)s.replies[0].body.data, "We are on it");
    sd_intake_status_clear(&s);
}

static void
test_intake_csat_by_reply_keyword_and_rate_call(void **state)
{
    struct fixture *f = *state;
    struct sd_intake_mail m =
        mail("r1@mail.example", "kim@example.com", "login issue", "cannot log in");
    struct sd_intake_mail_result r1, r2;
    struct sd_intake_customer me = {NULL, "kim@example.com", NULL};
    struct sd_intake_ref ref;
    struct sd_ticket t;
    char subj[64];

    r1 = submit(f->d, &m);
    /* not resolved: the rate call is refused */
    assert_int_equal(sd_intake_rate(f->d, &gw, r1.ticket_id, &me, 5, &ref), SD_E_PRECONDITION);
    assert_int_equal(sd_ticket_transition(f->d, &sys, r1.ticket_id, SD_ST_RESOLVED, &t), SD_OK);
    snprintf(subj, sizeof(subj), "Re: [%s] 请为本次服务评分", r1.ref);
    m = mail("r2@mail.example", "kim@example.com", subj, "CSAT 4\n\nthanks");
    r2 = submit(f->d, &m);
    assert_int_equal(r2.outcome, SD_INTAKE_ADDED);
    t = meta(f->d, r1.ticket_id);
    assert_int_equal(t.csat, 4);
    assert_int_equal(t.status, SD_ST_RESOLVED); /* a rating does not reopen */
    sd_ticket_clear(&t);
    assert_int_equal(sd_intake_rate(f->d, &gw, r1.ticket_id, &me, 5, &ref), SD_E_CONFLICT);
    /* a second keyword reply neither changes the rating nor reopens the ticket */
    m = mail("r3@mail.example", "kim@example.com", subj, "CSAT 1");
    assert_int_equal(submit(f->d, &m).outcome, SD_INTAKE_ADDED);
    t = meta(f->d, r1.ticket_id);
    assert_int_equal(t.csat, 4);
    assert_int_equal(t.status, SD_ST_RESOLVED);
    sd_ticket_clear(&t);
}

/* sealdeskd's config key reopen_window_days: default 14, 0..365. */
static void
test_intake_reopen_window_config_key(void **state)
{
    struct sd_server_config c;

    (void)state;
    sd_server_config_defaults(&c);
    assert_int_equal(c.reopen_window_days, 14);
    assert_int_equal(sd_server_config_set(&c, "reopen_window_days", "30"), SD_OK);
    assert_int_equal(c.reopen_window_days, 30);
    assert_int_equal(sd_server_config_set(&c, "reopen_window_days", "366"), SD_E_INVALID);
    assert_int_equal(sd_server_config_set(&c, "reopen_window_days", "x"), SD_E_INVALID);
    assert_int_equal(c.reopen_window_days, 30);
}

static void
test_intake_role_may_only_call_intake(void **state)
{
    unsigned r;

    (void)state;
    for(int op = 0; op < SD_OP_COUNT; op++) {
        bool intake_op = op >= SD_OP_INTAKE_CREATE && op <= SD_OP_INTAKE_VERIFY;

        assert_int_equal(sd_policy_allows(SD_ROLE_INTAKE, (enum sd_op)op), intake_op);
        /* Verifying a desk message (masked recipient and time only) is open to the desk's
         * human roles too; no human role may speak as a customer. */
        if(intake_op && op == SD_OP_INTAKE_VERIFY) {
            assert_true(sd_policy_allows(SD_ROLE_AGENT, (enum sd_op)op));
            assert_false(sd_policy_allows(SD_ROLE_AUDITOR | SD_ROLE_BACKOFFICE, (enum sd_op)op));
        } else if(intake_op) {
            assert_false(sd_policy_allows(SD_ROLES_USER_MASK & ~SD_ROLE_INTAKE, (enum sd_op)op));
            assert_true(sd_policy_allows(SD_ROLE_SYSTEM, (enum sd_op)op));
        }
    }
    assert_int_equal(sd_roles_parse(&r, "intake"), SD_OK);
    assert_int_equal(r, SD_ROLE_INTAKE);
    assert_false(sd_roles_need_totp(SD_ROLE_INTAKE));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_intake_create_is_idempotent_and_acknowledged),
        T(test_intake_mail_threads_by_in_reply_to_and_subject_reference),
        T(test_intake_forged_reference_opens_a_new_ticket),
        T(test_intake_duplicate_message_id_stores_nothing_twice),
        T(test_intake_message_moves_waiting_to_in_progress_and_reopens_within_window),
        T(test_intake_auto_reply_makes_no_ticket_and_no_ack),
        T(test_intake_bounce_marks_the_desk_message_bounced),
        T(test_intake_vip_and_language_inherited_from_profile),
        T(test_intake_attachment_is_sealed_in_the_store),
        T(test_intake_status_shows_public_replies_to_the_customer_only),
        T(test_intake_csat_by_reply_keyword_and_rate_call),
        T(test_intake_role_may_only_call_intake),
        T(test_intake_reopen_window_config_key),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
