/* Customer profiles (issue 15 "Customers as records"): upsert by supervisors and by the
 * back-office sync identity, lookup by UID / email / phone blind index, sealed notes read only
 * with a reason, field limits with nothing changed, a known customer's new ticket inheriting VIP
 * and language, the frozen flag kept by freeze and an executed unfreeze, the customer's tickets,
 * shredding deleting the profile, and no identifier in the audit log or the store. */
#include "test_helpers.h"

#include "sealdesk.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/customers.h"
#include "sealdesk/keyops.h"
#include "sealdesk/remedy.h"
#include "sealdesk/store.h"
#include "tickets/desk_int.h"

static const struct sd_actor sys = {"operator", NULL, SD_ROLE_SYSTEM};
static const struct sd_actor agent = {"alice", NULL, SD_ROLE_AGENT};
static const struct sd_actor bob = {"bob", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor cora = {"cora", NULL, SD_ROLE_COMPLIANCE};
static const struct sd_actor sam = {"sam", NULL, SD_ROLE_SECURITY_ADMIN};

static struct sd_customer_in
cin(const char *uid)
{
    struct sd_customer_in in;

    memset(&in, 0, sizeof(in));
    in.uid = uid;
    in.vip_tier = -1;
    return in;
}

static uint64_t
ticket_full(struct sd_desk *d, const char *uid, const char *email, bool vip, int category,
            struct sd_ticket *out)
{
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t id;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_EMAIL;
    in.field[SD_F_SUBJECT] = "Deposit not credited";
    in.field[SD_F_BODY] = "My USDT deposit from yesterday is still not in my account";
    in.field[SD_F_CUSTOMER_UID] = uid;
    in.field[SD_F_CUSTOMER_EMAIL] = email;
    in.category = category;
    in.vip = vip;
    assert_int_equal(sd_ticket_create(d, &agent, &in, &t), SD_OK);
    id = t.id;
    if(out)
        *out = t;
    else
        sd_ticket_clear(&t);
    return id;
}

/* Audit entries with this action; *pii set when any field holds needle. */
static size_t
count_audit(struct sd_desk *d, const char *action, const char *needle, bool *pii)
{
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, v;
    size_t n = 0;
    sd_err rc;

    assert_int_equal(sd_txn_begin(sd_desk_store(d), false, &t), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_AUDIT, &c), SD_OK);
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        Sealdesk__V1__AuditEntry *e = sealdesk__v1__audit_entry__unpack(NULL, v.n, v.p);

        assert_non_null(e);
        if(strcmp(e->action, action) == 0)
            n++;
        if(pii && needle && memmem(v.p, v.n, needle, strlen(needle)))
            *pii = true;
        sealdesk__v1__audit_entry__free_unpacked(e, NULL);
    }
    sd_cursor_close(c);
    sd_txn_abort(t);
    return n;
}

static void
test_customers_upsert_get_by_uid_email_phone_and_notes_need_a_reason(void **state)
{
    struct fixture *f = *state;
    struct sd_customer_in in = cin("UID-42");
    struct sd_customer c;
    const char *why = NULL;
    bool pii = false;

    in.email = "kim@example.com";
    in.phone = "+82 10 1234 5678";
    in.lang = "ko";
    in.vip_tier = 2;
    in.notes = "Prefers phone calls; NOTES-MARKER-7731";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, &c, &why), SD_OK);
    assert_null(why);
    assert_int_equal(c.vip_tier, 2);
    assert_string_equal(c.lang, "ko");
    assert_true(c.has_notes);
    assert_int_equal(c.version, 1);
    assert_string_equal(c.updated_by, "bob");
    assert_int_equal(c.created_at, T0);
    sd_customer_clear(&c);

    /* found by each identifier; notes stay sealed without a reason */
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_EMAIL, "KIM@example.com", false, NULL, &c, &why),
        SD_OK);
    assert_string_equal(c.lang, "ko");
    assert_true(c.has_notes);
    assert_int_equal(c.notes.len, 0);
    assert_int_equal(strlen(c.id), 32);
    sd_customer_clear(&c);
    assert_int_equal(
        sd_customers_get(f->d, &cora, SD_F_CUSTOMER_PHONE, "+821012345678", false, NULL, &c, &why),
        SD_OK);
    assert_int_equal(c.vip_tier, 2);
    sd_customer_clear(&c);
    assert_int_equal(
        sd_customers_get(f->d, &sam, SD_F_CUSTOMER_UID, "UID-42", true, NULL, &c, &why),
        SD_E_INVALID);
    assert_string_equal(why, "reason: reading a customer's notes needs a reason");
    assert_int_equal(sd_customers_get(f->d, &sam, SD_F_CUSTOMER_UID, "UID-42", true,
                                      "customer on the phone", &c, &why),
                     SD_OK);
    assert_string_equal((const char *)c.notes.data, "Prefers phone calls; NOTES-MARKER-7731");
    sd_customer_clear(&c);

    /* agents may not look customers up; unknown customers are NOT_FOUND (and audited) */
    assert_int_equal(
        sd_customers_get(f->d, &agent, SD_F_CUSTOMER_UID, "UID-42", false, NULL, &c, &why),
        SD_E_DENIED);
    assert_int_equal(sd_customers_get(f->d, &bob, SD_F_CUSTOMER_EMAIL, "nobody@example.com", false,
                                      NULL, &c, &why),
                     SD_E_NOTFOUND);

    /* a partial update keeps what it does not name */
    in = cin("UID-42");
    in.vip_tier = 0;
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, &c, &why), SD_OK);
    assert_int_equal(c.vip_tier, 0);
    assert_string_equal(c.lang, "ko");
    assert_true(c.has_notes);
    assert_int_equal(c.version, 2);
    sd_customer_clear(&c);

    assert_int_equal(count_audit(f->d, "customer.upsert", NULL, NULL), 2);
    assert_int_equal(count_audit(f->d, "customer.unmask", NULL, NULL), 1);
    assert_int_equal(count_audit(f->d, "customer.read", NULL, NULL), 3);
    /* no identifier or note in the audit log, none in the store file */
    count_audit(f->d, "customer.read", "kim@example.com", &pii);
    count_audit(f->d, "customer.read", "UID-42", &pii);
    count_audit(f->d, "customer.read", "NOTES-MARKER", &pii);
    assert_false(pii);
    sd_desk_close(f->d);
    f->d = NULL;
    assert_false(store_holds(f->dir, "NOTES-MARKER-7731"));
    assert_false(store_holds(f->dir, "kim@example.com"));
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
}

static void
test_customers_bad_input_names_the_field_and_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct sd_customer_in in = cin("UID-7");
    struct sd_customer c;
    const char *why = NULL;
    char notes[SD_CUSTOMER_MAX_NOTES + 2];

    in.lang = "en";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_OK);

    in = cin("UID-7");
    in.email = "not an email";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "email: invalid email address");
    in = cin("UID-7");
    in.lang = "fr";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "lang: one of zh, zh-Hant, en, ko");
    in = cin("UID-7");
    in.vip_tier = 10;
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "vip_tier: 0 (none) to 9");
    in = cin("UID-7");
    memset(notes, 'n', sizeof(notes) - 1);
    notes[sizeof(notes) - 1] = 0;
    in.notes = notes;
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_E_LIMIT);
    assert_string_equal(why, "notes: at most 4096 bytes");
    in = cin("");
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "uid: required");
    in = cin("UID-7");
    in.phone = "call me maybe";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "phone: invalid phone number");

    /* an email of another customer is a conflict, and nothing of the call is stored */
    in = cin("UID-8");
    in.email = "shared@example.com";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_OK);
    in = cin("UID-7");
    in.email = "shared@example.com";
    in.vip_tier = 3;
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_E_CONFLICT);
    assert_string_equal(why, "email: already the email of another customer");

    /* roles: agents and compliance do not edit; sync is the service identity's */
    in = cin("UID-7");
    in.vip_tier = 1;
    assert_int_equal(sd_customers_upsert(f->d, &agent, &in, NULL, &why), SD_E_DENIED);
    assert_int_equal(sd_customers_upsert(f->d, &cora, &in, NULL, &why), SD_E_DENIED);
    assert_int_equal(sd_customers_sync(f->d, &bob, &in, NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "customer sync is for the back-office service");

    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-7", false, NULL, &c, &why), SD_OK);
    assert_int_equal(c.version, 1);
    assert_int_equal(c.vip_tier, 0);
    assert_string_equal(c.lang, "en");
    sd_customer_clear(&c);

    assert_int_equal(sd_customers_sync(f->d, &sys, &in, &c, &why), SD_OK);
    assert_int_equal(c.vip_tier, 1);
    sd_customer_clear(&c);
    assert_int_equal(count_audit(f->d, "customer.sync", NULL, NULL), 1);
}

static void
test_customers_new_ticket_inherits_vip_and_language(void **state)
{
    struct fixture *f = *state;
    struct sd_customer_in in = cin("UID-VIP-1");
    struct sd_ticket t;
    bool raised = false;
    const char *why;

    /* before the profile exists: no VIP */
    ticket_full(f->d, "UID-VIP-1", NULL, false, -1, &t);
    assert_false(t.vip);
    assert_string_equal(t.lang, "en");
    sd_ticket_clear(&t);

    in.email = "vip@example.com";
    in.vip_tier = 3;
    in.lang = "zh";
    assert_int_equal(sd_customers_sync(f->d, &sys, &in, NULL, &why), SD_OK);

    /* a follow-up by UID: VIP and language inherited, the rules' priority raised */
    ticket_full(f->d, "UID-VIP-1", NULL, false, -1, &t);
    assert_true(t.vip);
    assert_string_equal(t.lang, "zh");
    for(size_t i = 0; i < t.n_signals; i++)
        raised |= strcmp(t.signals[i], "vip_raise") == 0;
    assert_true(raised);
    sd_ticket_clear(&t);
    /* by email alone */
    ticket_full(f->d, NULL, "VIP@example.com", false, SD_CAT_DEPOSIT, &t);
    assert_true(t.vip);
    assert_string_equal(t.lang, "zh");
    sd_ticket_clear(&t);
    /* someone else: nothing inherited */
    ticket_full(f->d, "UID-OTHER", "other@example.com", false, -1, &t);
    assert_false(t.vip);
    assert_string_equal(t.lang, "en");
    sd_ticket_clear(&t);
}

static void
test_customers_frozen_by_freeze_and_cleared_by_executed_unfreeze(void **state)
{
    struct fixture *f = *state;
    struct sd_customer c;
    struct sd_remedy v;
    const char *why = NULL;
    uint64_t tid = ticket_full(f->d, "UID-FRZ", NULL, false, SD_CAT_SECURITY, NULL);
    struct sd_remedy_new un = {
        tid, SD_RK_ACCOUNT_UNFREEZE, NULL, NULL, NULL, "identity verified by video call", NULL};

    /* no profile yet: the freeze creates a bare one */
    assert_int_equal(sd_freeze(f->d, &sam, "UID-FRZ", tid, "account takeover", NULL, &why), SD_OK);
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-FRZ", false, NULL, &c, &why), SD_OK);
    assert_true(c.frozen);
    assert_string_equal(c.updated_by, "sam");
    assert_int_equal(c.n_tickets, 1);
    sd_customer_clear(&c);
    assert_int_equal(count_audit(f->d, "customer.frozen", NULL, NULL), 1);

    assert_int_equal(sd_remedy_request(f->d, &bob, &un, &v, &why), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &cora, v.id, NULL, &why), SD_OK);
    /* approved once: still frozen */
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-FRZ", false, NULL, &c, &why), SD_OK);
    assert_true(c.frozen);
    sd_customer_clear(&c);
    assert_int_equal(sd_remedy_approve(f->d, &sam, v.id, NULL, &why), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, v.id, "unfreeze-1", NULL, &why), SD_OK);
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-FRZ", false, NULL, &c, &why), SD_OK);
    assert_false(c.frozen);
    sd_customer_clear(&c);
    assert_int_equal(count_audit(f->d, "customer.unfrozen", NULL, NULL), 1);
}

static void
test_customers_ticket_list_spans_uid_email_and_phone(void **state)
{
    struct fixture *f = *state;
    struct sd_customer_in in = cin("UID-LIST");
    struct sd_customer c;
    uint64_t *ids = NULL;
    size_t n = 0;
    bool more = true;
    const char *why;
    uint64_t a, b;

    a = ticket_full(f->d, "UID-LIST", NULL, false, -1, NULL);
    ticket_full(f->d, "UID-ELSE", NULL, false, -1, NULL);
    b = ticket_full(f->d, NULL, "list@example.com", false, -1, NULL);
    in.email = "list@example.com";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_OK);
    assert_int_equal(sd_customers_tickets(f->d, &bob, "UID-LIST", &ids, &n, &more, &why), SD_OK);
    assert_int_equal(n, 2);
    assert_false(more);
    assert_int_equal(ids[0], a);
    assert_int_equal(ids[1], b);
    free(ids);
    assert_int_equal(sd_customers_tickets(f->d, &agent, "UID-LIST", &ids, &n, &more, &why),
                     SD_E_DENIED);
    assert_int_equal(
        sd_customers_get(f->d, &cora, SD_F_CUSTOMER_UID, "UID-LIST", false, NULL, &c, &why), SD_OK);
    assert_int_equal(c.n_tickets, 2);
    sd_customer_clear(&c);
    assert_int_equal(count_audit(f->d, "customer.tickets", NULL, NULL), 1);
}

static void
test_customers_shred_deletes_profile_and_aliases(void **state)
{
    struct fixture *f = *state;
    struct sd_customer_in in = cin("UID-GONE");
    struct sd_customer c;
    struct sd_shred_result r;
    const char *why;

    ticket_full(f->d, "UID-GONE", NULL, false, -1, NULL);
    in.email = "gone@example.com";
    in.notes = "sealed under the erased key";
    in.vip_tier = 1;
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_OK);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "UID-GONE", "GDPR erasure", &r), SD_OK);
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-GONE", false, NULL, &c, &why),
        SD_E_NOTFOUND);
    assert_int_equal(sd_customers_get(f->d, &bob, SD_F_CUSTOMER_EMAIL, "gone@example.com", false,
                                      NULL, &c, &why),
                     SD_E_NOTFOUND);
    /* a new ticket from the same address inherits nothing any more */
    {
        struct sd_ticket t;

        ticket_full(f->d, NULL, "gone@example.com", false, -1, &t);
        assert_false(t.vip);
        sd_ticket_clear(&t);
    }
}

/* Blind-index rotation re-keys profiles and their aliases (sg's gap): a profile set by a
 * supervisor (uid, email, phone, notes; no ticket at all) and a bare profile made by a freeze
 * are found by every identifier afterwards, notes intact, and a new ticket by the email still
 * inherits VIP and language. Without the re-key they were unfindable. */
static void
test_customers_bidx_rotation_rekeys_profiles_and_aliases(void **state)
{
    struct fixture *f = *state;
    struct sd_customer_in in = cin("UID-ROT");
    struct sd_customer c;
    struct sd_ticket t;
    const char *why = NULL;
    uint64_t reindexed = 0;
    uint32_t version = 0;
    uint64_t tid = ticket_full(f->d, "UID-ROTFRZ", NULL, false, SD_CAT_SECURITY, NULL);

    in.email = "rot@example.com";
    in.phone = "+821012345678";
    in.lang = "ko";
    in.vip_tier = 4;
    in.notes = "call after 18:00 KST";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_OK);
    in = cin("UID-ROT");
    in.vip_tier = 5; /* a later upsert without email/phone keeps them (sealed again) */
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_OK);
    assert_int_equal(sd_freeze(f->d, &sam, "UID-ROTFRZ", tid, "takeover", NULL, &why), SD_OK);
    assert_false(store_holds(f->dir, "rot@example.com"));
    assert_false(store_holds(f->dir, "UID-ROTFRZ"));

    assert_int_equal(sd_keyops_bidx_rotate(f->d, &sys, &version, &reindexed), SD_OK);
    assert_int_equal(version, 2);
    assert_int_equal(count_audit(f->d, "key.bidx_rotate", NULL, NULL), 1);

    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-ROT", true, "phone call", &c, &why),
        SD_OK);
    assert_int_equal(c.vip_tier, 5);
    assert_string_equal(c.lang, "ko");
    assert_string_equal((const char *)c.notes.data, "call after 18:00 KST");
    sd_customer_clear(&c);
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_EMAIL, "rot@example.com", false, NULL, &c, &why),
        SD_OK);
    assert_int_equal(c.vip_tier, 5);
    sd_customer_clear(&c);
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_PHONE, "+821012345678", false, NULL, &c, &why),
        SD_OK);
    sd_customer_clear(&c);
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-ROTFRZ", false, NULL, &c, &why),
        SD_OK);
    assert_true(c.frozen);
    assert_int_equal(c.n_tickets, 1);
    sd_customer_clear(&c);
    ticket_full(f->d, NULL, "rot@example.com", false, -1, &t);
    assert_true(t.vip);
    assert_string_equal(t.lang, "ko");
    sd_ticket_clear(&t);
    /* still one customer: the upsert refuses the email for someone else */
    in = cin("UID-OTHER");
    in.email = "rot@example.com";
    assert_int_equal(sd_customers_upsert(f->d, &bob, &in, NULL, &why), SD_E_CONFLICT);
    /* and shredding after the rotation still finds the profile and its key */
    {
        struct sd_shred_result r;

        assert_int_equal(sd_keyops_shred(f->d, &sys, "UID-ROT", "erasure", &r), SD_OK);
        assert_true(r.data_keys >= 1);
        assert_int_equal(sd_customers_get(f->d, &bob, SD_F_CUSTOMER_EMAIL, "rot@example.com", false,
                                          NULL, &c, &why),
                         SD_E_NOTFOUND);
    }
}

/* Shredding a customer who has only a bare profile (a frozen flag: no data key, no ticket)
 * deletes the profile instead of answering NOTFOUND and leaving it. */
static void
test_customers_shred_of_a_bare_profile_deletes_it(void **state)
{
    struct fixture *f = *state;
    struct sd_txn *t = NULL;
    struct sd_customer c;
    struct sd_shred_result r;
    uint8_t b[SD_BIDX_BYTES];
    const char *why = NULL;

    assert_int_equal(sd_bidx(f->d->kr, SD_BIDX_UID, "UID-BARE", 8, b), SD_OK);
    assert_int_equal(sd_txn_begin(sd_desk_store(f->d), true, &t), SD_OK);
    assert_int_equal(sd_customers_set_frozen_in(f->d, t, &sys, b, NULL, 0, true), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-BARE", false, NULL, &c, &why), SD_OK);
    assert_true(c.frozen);
    sd_customer_clear(&c);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "UID-BARE", "erasure", &r), SD_OK);
    assert_int_equal(r.data_keys, 0);
    assert_int_equal(r.index_entries, 1);
    assert_int_equal(
        sd_customers_get(f->d, &bob, SD_F_CUSTOMER_UID, "UID-BARE", false, NULL, &c, &why),
        SD_E_NOTFOUND);
    /* nothing left: a second shred is NOTFOUND */
    assert_int_equal(sd_keyops_shred(f->d, &sys, "UID-BARE", "erasure", &r), SD_E_NOTFOUND);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "UID-NEVER", "erasure", &r), SD_E_NOTFOUND);
}

static void
test_customers_vip_parse(void **state)
{
    unsigned v;

    (void)state;
    assert_int_equal(sd_customer_vip_parse(&v, "none"), SD_OK);
    assert_int_equal(v, 0);
    assert_int_equal(sd_customer_vip_parse(&v, "vip"), SD_OK);
    assert_int_equal(v, 1);
    assert_int_equal(sd_customer_vip_parse(&v, "vip3"), SD_OK);
    assert_int_equal(v, 3);
    assert_int_equal(sd_customer_vip_parse(&v, "9"), SD_OK);
    assert_int_equal(v, 9);
    assert_int_equal(sd_customer_vip_parse(&v, "vip10"), SD_E_INVALID);
    assert_int_equal(sd_customer_vip_parse(&v, "gold"), SD_E_INVALID);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_customers_upsert_get_by_uid_email_phone_and_notes_need_a_reason),
        T(test_customers_bad_input_names_the_field_and_changes_nothing),
        T(test_customers_new_ticket_inherits_vip_and_language),
        T(test_customers_frozen_by_freeze_and_cleared_by_executed_unfreeze),
        T(test_customers_ticket_list_spans_uid_email_and_phone),
        T(test_customers_shred_deletes_profile_and_aliases),
        T(test_customers_bidx_rotation_rekeys_profiles_and_aliases),
        T(test_customers_shred_of_a_bare_profile_deletes_it),
        cmocka_unit_test(test_customers_vip_parse),
    };

    assert_int_equal(sd_crypto_init(), SD_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
