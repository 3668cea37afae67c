/* Remedies: maker-checker rules (self-approval, approver roles, double approval, quorum from
 * amount thresholds and the unknown-asset fail-safe), expiry, exactly-once execution with one
 * back-office instruction, rejection, disabled approvers, the emergency freeze and its review,
 * input validation, the policy parser, and the destination UID never stored in the clear. */
#include "test_helpers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/desk.h"
#include "sealdesk/remedy.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"

static const struct sd_actor agent = {"alice", NULL, SD_ROLE_AGENT};
static const struct sd_actor bob = {"bob", NULL, SD_ROLE_SUPERVISOR};     /* requester */
static const struct sd_actor carol = {"carol", NULL, SD_ROLE_SUPERVISOR}; /* checker */
static const struct sd_actor dave = {"dave", NULL, SD_ROLE_SUPERVISOR};   /* checker */
static const struct sd_actor cora = {"cora", NULL, SD_ROLE_COMPLIANCE};
static const struct sd_actor sam = {"sam", NULL, SD_ROLE_SECURITY_ADMIN};

static uint64_t
ticket(struct sd_desk *d, int category)
{
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t id;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.field[SD_F_SUBJECT] = "Missing funds";
    in.field[SD_F_BODY] = "My deposit has not arrived";
    in.field[SD_F_CUSTOMER_UID] = "UID-100200300";
    in.category = category;
    in.priority = 2;
    assert_int_equal(sd_ticket_create(d, &agent, &in, &t), SD_OK);
    id = t.id;
    sd_ticket_clear(&t);
    return id;
}

static sd_err
request_full(struct sd_desk *d, const struct sd_actor *a, uint64_t tid, enum sd_remedy_kind kind,
             const char *asset, const char *amount, const char *uid, struct sd_remedy *out,
             const char **why)
{
    struct sd_remedy_new in = {tid, kind, asset, amount, uid, "goodwill for a delayed deposit",
                               NULL};

    return sd_remedy_request(d, a, &in, out, why);
}

/* Request as bob; asserts success and returns the id. */
static uint64_t
request(struct sd_desk *d, uint64_t tid, enum sd_remedy_kind kind, const char *asset,
        const char *amount, struct sd_remedy *out)
{
    struct sd_remedy v;
    const char *why = "unset";

    assert_int_equal(request_full(d, &bob, tid, kind, asset, amount, NULL, &v, &why), SD_OK);
    assert_null(why);
    if(out)
        *out = v;
    return v.id;
}

static const char frozen_reason_text[] =
    "the customer's account is frozen by an emergency freeze: fund-moving remedies are refused "
    "until an approved account_unfreeze is executed (sealctl customer get --uid shows it)";

/* Emergency freeze of account uid from a new security ticket (as sam). */
static void
freeze_uid(struct sd_desk *d, const char *uid)
{
    assert_int_equal(
        sd_freeze(d, &sam, uid, ticket(d, SD_CAT_SECURITY), "account takeover", NULL, NULL), SD_OK);
}

static enum sd_remedy_state
state_of(struct sd_desk *d, uint64_t id)
{
    struct sd_remedy v;

    assert_int_equal(sd_remedy_get(d, &agent, id, &v, NULL), SD_OK);
    return v.state;
}

/* Entries in the remedies table with key prefix p. */
static size_t
count_prefix(struct sd_desk *d, uint8_t p)
{
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, v;
    size_t n = 0;
    sd_err rc;

    assert_int_equal(sd_txn_begin(d->store, false, &t), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_REMEDIES, &c), SD_OK);
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v))
        n += k.n == 9 && k.p[0] == p;
    assert_int_equal(rc, SD_E_NOTFOUND);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return n;
}

/* Audit entries with this action (and target prefix, when given). */
static size_t
count_audit(struct sd_desk *d, const char *action, const char *target)
{
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, v;
    size_t n = 0;
    sd_err rc;

    assert_int_equal(sd_txn_begin(d->store, false, &t), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_AUDIT, &c), SD_OK);
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        Sealdesk__V1__AuditEntry *e = sealdesk__v1__audit_entry__unpack(NULL, v.n, v.p);

        assert_non_null(e);
        if(strcmp(e->action, action) == 0 &&
           (!target || strncmp(e->target, target, strlen(target)) == 0))
            n++;
        sealdesk__v1__audit_entry__free_unpacked(e, NULL);
    }
    sd_cursor_close(c);
    sd_txn_abort(t);
    return n;
}

static void
add_user(struct sd_desk *d, const char *name, unsigned roles)
{
    struct sd_txn *t;
    char pw[SD_PASSWORD_MAX + 1], uri[256];

    assert_int_equal(sd_txn_begin(d->store, true, &t), SD_OK);
    assert_int_equal(sd_user_add(t, d->kr, name, roles, false, NULL, pw, uri), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
}

static void
set_disabled(struct sd_desk *d, const char *name, bool disabled)
{
    struct sd_txn *t;

    assert_int_equal(sd_txn_begin(d->store, true, &t), SD_OK);
    assert_int_equal(sd_user_set_disabled(t, name, disabled), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
}

/* ---- tests ---- */

static void
test_remedy_request_is_pending_with_quorum_and_masked_uid(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    struct sd_remedy v;

    request(f->d, tid, SD_RK_COMPENSATION, "usdt", "25.5", &v);
    assert_int_equal(v.id, 1);
    assert_int_equal(v.ticket_id, tid);
    assert_int_equal(v.kind, SD_RK_COMPENSATION);
    assert_string_equal(v.asset, "USDT");
    assert_string_equal(v.amount, "25.5");
    assert_true(v.priced);
    assert_int_equal(v.amount_usdt_micro, 25500000);
    assert_int_equal(v.state, SD_RS_PENDING);
    assert_int_equal(v.quorum, 1);
    assert_int_equal(v.approvals_needed, 1);
    assert_int_equal(v.n_approvals, 0);
    assert_string_equal(v.to_uid_masked, "UI***00");
    assert_string_equal(v.requester, "bob");
    assert_int_equal(v.created_at, T0);
    assert_int_equal(v.expires_at, T0 + 86400);
    assert_int_equal(count_audit(f->d, "remedy.request", "r1"), 1);

    /* get decrypts and masks the stored form the same way */
    assert_int_equal(sd_remedy_get(f->d, &agent, v.id, &v, NULL), SD_OK);
    assert_string_equal(v.to_uid_masked, "UI***00");
    assert_string_equal(sd_remedy_state_name(v.state), "pending");
}

/* #13 item 1: a fee_refund to "UIMALLORY02" on a ticket of another customer was approved from
 * a masked view and executed. */
static void
test_remedy_pays_the_ticket_customer_and_approvers_see_it_unmasked(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    struct sd_remedy_new in = {tid,           SD_RK_FEE_REFUND,        "USDT", "10",
                               "UIMALLORY02", "refund the double fee", NULL};
    struct sd_ticket_new tn;
    struct sd_ticket t;
    const char *why = NULL;
    struct sd_remedy v;
    uint64_t id, other;

    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_E_INVALID);
    assert_string_equal(why, "to_uid: a fund-moving remedy pays the ticket's own customer; "
                             "another account needs kind third_party_payout with a "
                             "destination reason");
    in.kind = SD_RK_WITHDRAWAL_RELEASE;
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_E_INVALID);
    assert_int_equal(count_prefix(f->d, 'R'), 0);

    /* no to_uid, or the customer's own UID: pays the ticket's customer */
    in.kind = SD_RK_FEE_REFUND;
    in.to_uid = NULL;
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_OK);
    assert_true(v.dest_is_customer);
    assert_string_equal(v.to_uid_masked, "UI***00");
    assert_false(v.unmasked);
    id = v.id;
    in.to_uid = "UID-100200300";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_OK);
    assert_true(v.dest_is_customer);
    in.destination_reason = "pay my friend";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_E_INVALID);
    assert_string_equal(why, "destination_reason: only third_party_payout pays another account");

    /* another account: its own kind, a stated reason, a higher quorum */
    in.kind = SD_RK_THIRD_PARTY_PAYOUT;
    in.to_uid = "UIMALLORY02";
    in.destination_reason = NULL;
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_E_INVALID);
    assert_string_equal(why, "destination_reason: third_party_payout needs a stated reason (1 "
                             "to 512 bytes of text, no secrets)");
    in.to_uid = NULL;
    in.destination_reason = "customer's business account";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_E_INVALID);
    assert_string_equal(why, "to_uid: third_party_payout needs the destination account UID");
    in.to_uid = "UIMALLORY02";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_OK);
    other = v.id;
    assert_false(v.dest_is_customer);
    assert_int_equal(v.quorum, 2); /* 10 USDT: "*" says 1 */
    assert_string_equal(v.destination_reason, "customer's business account");
    assert_string_equal(v.to_uid_masked, "UI***02");

    /* approvers see the destination unmasked beside the ticket's customer, audited */
    assert_int_equal(sd_remedy_review(f->d, &agent, other, &v, &why), SD_E_DENIED);
    assert_int_equal(sd_remedy_review(f->d, &bob, other, &v, &why), SD_E_DENIED);
    assert_int_equal(count_audit(f->d, "remedy.review", NULL), 0);
    assert_int_equal(sd_remedy_review(f->d, &carol, other, &v, &why), SD_OK);
    assert_true(v.unmasked);
    assert_string_equal(v.to_uid, "UIMALLORY02");
    assert_string_equal(v.customer_uid, "UID-100200300");
    assert_false(v.dest_is_customer);
    assert_int_equal(count_audit(f->d, "remedy.review", "r3"), 1);
    assert_int_equal(sd_remedy_review(f->d, &carol, id, &v, &why), SD_OK);
    assert_string_equal(v.to_uid, "UID-100200300");
    assert_string_equal(v.customer_uid, "UID-100200300");
    assert_true(v.dest_is_customer);
    /* get stays masked */
    assert_int_equal(sd_remedy_get(f->d, &carol, other, &v, NULL), SD_OK);
    assert_false(v.unmasked);
    assert_string_equal(v.to_uid, "");

    /* a ticket without a customer UID has nobody to pay */
    memset(&tn, 0, sizeof(tn));
    tn.channel = SD_CH_WEB;
    tn.field[SD_F_SUBJECT] = "fee";
    tn.field[SD_F_BODY] = "charged twice";
    tn.category = SD_CAT_DEPOSIT;
    assert_int_equal(sd_ticket_create(f->d, &agent, &tn, &t), SD_OK);
    in.ticket_id = t.id;
    sd_ticket_clear(&t);
    in.kind = SD_RK_COMPENSATION;
    in.to_uid = NULL;
    in.destination_reason = NULL;
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "the ticket has no customer UID: a fund-moving remedy pays the "
                             "ticket's own customer");
}

static void
test_remedy_rejects_self_approval(void **state)
{
    struct fixture *f = *state;
    uint64_t id =
        request(f->d, ticket(f->d, SD_CAT_DEPOSIT), SD_RK_COMPENSATION, "USDT", "10", NULL);
    const struct sd_actor other_spelling = {"offline:BOB", NULL, SD_ROLE_SUPERVISOR};
    const struct sd_actor system_bob = {"bob", NULL, SD_ROLE_SYSTEM};
    size_t before = count_audit(f->d, "remedy.approve", NULL);
    const char *why = NULL;

    assert_int_equal(sd_remedy_approve(f->d, &bob, id, NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "the requester cannot approve their own remedy");
    assert_int_equal(sd_remedy_approve(f->d, &other_spelling, id, NULL, &why), SD_E_DENIED);
    assert_int_equal(sd_remedy_approve(f->d, &system_bob, id, NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "the requester cannot approve their own remedy");
    assert_int_equal(state_of(f->d, id), SD_RS_PENDING);
    assert_int_equal(count_audit(f->d, "remedy.approve", NULL), before);
}

static void
test_remedy_rejects_approver_without_role(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    uint64_t id = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "10", NULL);
    uint64_t unfreeze;
    const struct sd_actor sys = {"operator", NULL, SD_ROLE_SYSTEM};
    const char *why = NULL;
    struct sd_remedy v;

    freeze_uid(f->d, "UID-FROZEN-1");
    assert_int_equal(
        request_full(f->d, &bob, tid, SD_RK_ACCOUNT_UNFREEZE, NULL, NULL, "UID-FROZEN-1", &v, NULL),
        SD_OK);
    unfreeze = v.id;

    assert_int_equal(sd_remedy_approve(f->d, &agent, id, NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "the approver does not hold an approving role for this remedy kind");
    /* compensation is approved by supervisors only; account_unfreeze by security/compliance */
    assert_int_equal(sd_remedy_approve(f->d, &cora, id, NULL, &why), SD_E_DENIED);
    assert_int_equal(sd_remedy_approve(f->d, &carol, unfreeze, NULL, &why), SD_E_DENIED);
    assert_int_equal(state_of(f->d, id), SD_RS_PENDING);
    assert_int_equal(sd_remedy_approve(f->d, &cora, unfreeze, &v, &why), SD_OK);
    assert_null(why);
    assert_int_equal(v.state, SD_RS_PENDING); /* fixed quorum 2 */
    assert_int_equal(sd_remedy_approve(f->d, &sam, unfreeze, &v, &why), SD_OK);
    assert_int_equal(v.state, SD_RS_APPROVED);
    /* the local operator may approve anything it did not request */
    assert_int_equal(sd_remedy_approve(f->d, &sys, id, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_APPROVED);
}

static void
test_remedy_approving_twice_is_a_conflict(void **state)
{
    struct fixture *f = *state;
    uint64_t id =
        request(f->d, ticket(f->d, SD_CAT_DEPOSIT), SD_RK_COMPENSATION, "USDT", "5000", NULL);
    const struct sd_actor carol_again = {"Carol", NULL, SD_ROLE_SUPERVISOR};
    const char *why = NULL;
    struct sd_remedy v;

    assert_int_equal(sd_remedy_approve(f->d, &carol, id, &v, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &carol, id, NULL, &why), SD_E_CONFLICT);
    assert_string_equal(why, "already approved by this approver");
    assert_int_equal(sd_remedy_approve(f->d, &carol_again, id, NULL, NULL), SD_E_CONFLICT);
    assert_int_equal(sd_remedy_get(f->d, &agent, id, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_PENDING);
    assert_int_equal(v.n_approvals, 1);
    assert_int_equal(v.approvals_needed, 1);
    assert_string_equal(v.approvals[0].user, "carol");
    assert_int_equal(v.approvals[0].at, T0);
}

static void
test_remedy_one_approval_on_two_quorum_does_not_execute(void **state)
{
    struct fixture *f = *state;
    uint64_t id =
        request(f->d, ticket(f->d, SD_CAT_DEPOSIT), SD_RK_COMPENSATION, "USDT", "5000", NULL);
    const char *why = NULL;
    struct sd_remedy v;

    assert_int_equal(sd_remedy_approve(f->d, &carol, id, &v, NULL), SD_OK);
    assert_int_equal(v.quorum, 2);
    assert_int_equal(v.state, SD_RS_PENDING);
    assert_int_equal(v.approvals_needed, 1);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "exec-1", NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "quorum not met");
    assert_int_equal(count_prefix(f->d, 'I'), 0);
    assert_int_equal(state_of(f->d, id), SD_RS_PENDING);

    assert_int_equal(sd_remedy_approve(f->d, &dave, id, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_APPROVED);
    assert_int_equal(v.approvals_needed, 0);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "exec-1", &v, &why), SD_OK);
    assert_int_equal(v.state, SD_RS_EXECUTED);
    assert_int_equal(count_prefix(f->d, 'I'), 1);
}

static void
test_remedy_quorum_follows_amount_thresholds(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    struct sd_remedy v;

    request(f->d, tid, SD_RK_COMPENSATION, "USDT", "999.999999", &v);
    assert_int_equal(v.quorum, 1);
    request(f->d, tid, SD_RK_COMPENSATION, "USDT", "1000", &v);
    assert_int_equal(v.quorum, 2);
    assert_int_equal(v.amount_usdt_micro, 1000000000);
    request(f->d, tid, SD_RK_FEE_REFUND, "BTC", "0.01", &v); /* 600 USDT */
    assert_int_equal(v.quorum, 1);
    assert_int_equal(v.amount_usdt_micro, 600000000);
    request(f->d, tid, SD_RK_FEE_REFUND, "btc", "0.02", &v); /* 1200 USDT */
    assert_int_equal(v.quorum, 2);
    /* rounding goes up: 1e-8 BTC is 0.0006 USDT = 600 micro */
    request(f->d, tid, SD_RK_FEE_REFUND, "BTC", "0.00000001", &v);
    assert_int_equal(v.amount_usdt_micro, 600);
    /* the kind's own rule: manual deposit credits always need two */
    request(f->d, tid, SD_RK_MANUAL_DEPOSIT_CREDIT, "USDT", "1", &v);
    assert_int_equal(v.quorum, 2);
    /* 18 integer digits of BTC saturate instead of wrapping */
    request(f->d, tid, SD_RK_COMPENSATION, "BTC", "999999999999999999.99999999", &v);
    assert_int_equal(v.amount_usdt_micro, UINT64_MAX);
    assert_int_equal(v.quorum, 2);
}

/* #13 item 4: an unknown asset was priced at the top tier by accident; account_unfreeze took
 * an amount and a tiny one gave quorum 1. */
static void
test_remedy_unknown_asset_refused_and_unfreeze_has_fixed_quorum(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    size_t before = count_prefix(f->d, 'R');
    const char *why = NULL;
    struct sd_remedy v;

    assert_int_equal(
        request_full(f->d, &bob, tid, SD_RK_COMPENSATION, "NOPECOIN", "0.001", NULL, &v, &why),
        SD_E_INVALID);
    assert_string_equal(why, "asset: unknown asset (no rate in remedy.policy)");
    assert_int_equal(
        request_full(f->d, &bob, tid, SD_RK_ACCOUNT_UNFREEZE, "USDT", "0.00000001", NULL, &v, &why),
        SD_E_INVALID);
    assert_string_equal(why, "asset, amount: account_unfreeze takes no asset or amount");
    assert_int_equal(
        request_full(f->d, &bob, tid, SD_RK_ACCOUNT_UNFREEZE, NULL, "1", NULL, &v, &why),
        SD_E_INVALID);
    assert_int_equal(request_full(f->d, &bob, tid, SD_RK_COMPENSATION, NULL, "1", NULL, &v, &why),
                     SD_E_INVALID);
    assert_string_equal(why, "asset: 1 to 16 letters or digits");
    assert_int_equal(count_prefix(f->d, 'R'), before);

    assert_int_equal(
        request_full(f->d, &bob, tid, SD_RK_ACCOUNT_UNFREEZE, NULL, NULL, NULL, &v, &why),
        SD_E_PRECONDITION);
    assert_string_equal(why, "the account is not frozen: nothing to unfreeze");
    freeze_uid(f->d, "UID-100200300");
    request(f->d, tid, SD_RK_ACCOUNT_UNFREEZE, NULL, "", &v);
    assert_int_equal(v.quorum, 2); /* "fixed account_unfreeze 2" in the default policy */
    assert_string_equal(v.asset, "");
    assert_string_equal(v.amount, "");
    assert_int_equal(v.amount_usdt_micro, 0);
}

/* #13 item 3: after a freeze of a hacked account, a withdrawal_release to it was requested,
 * approved and executed with no warning. */
static void
test_remedy_freeze_blocks_fund_moving_remedies_until_an_approved_unfreeze(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    uint64_t approved = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "10", NULL);
    uint64_t pending = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "5000", NULL);
    struct sd_remedy_new other = {
        0,          SD_RK_THIRD_PARTY_PAYOUT,       "USDT", "5", "UID-100200300",
        "goodwill", "the customer's second account"};
    struct sd_ticket_new tn;
    struct sd_ticket t;
    struct sd_customer_status cs;
    const char *why = NULL;
    struct sd_remedy v;
    uint64_t unfreeze;

    assert_int_equal(sd_remedy_approve(f->d, &carol, approved, NULL, NULL), SD_OK);
    assert_int_equal(sd_customer_get(f->d, &carol, "UID-100200300", &cs, &why), SD_OK);
    assert_false(cs.frozen);
    freeze_uid(f->d, "UID-100200300");

    assert_int_equal(
        request_full(f->d, &bob, tid, SD_RK_WITHDRAWAL_RELEASE, "BTC", "10", NULL, &v, &why),
        SD_E_PRECONDITION);
    assert_string_equal(why, "the customer's account is frozen by an emergency freeze: "
                             "fund-moving remedies are refused until an approved "
                             "account_unfreeze is executed (sealctl customer get --uid shows "
                             "it)");
    /* paying the frozen account from another customer's ticket is refused too */
    memset(&tn, 0, sizeof(tn));
    tn.channel = SD_CH_WEB;
    tn.field[SD_F_SUBJECT] = "refund";
    tn.field[SD_F_BODY] = "please refund";
    tn.field[SD_F_CUSTOMER_UID] = "UID-555";
    tn.category = SD_CAT_DEPOSIT;
    assert_int_equal(sd_ticket_create(f->d, &agent, &tn, &t), SD_OK);
    other.ticket_id = t.id;
    sd_ticket_clear(&t);
    assert_int_equal(sd_remedy_request(f->d, &bob, &other, &v, &why), SD_E_PRECONDITION);
    assert_string_equal(why, frozen_reason_text);
    /* remedies requested before the freeze stop too */
    assert_int_equal(sd_remedy_execute(f->d, &bob, approved, "k1", NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, frozen_reason_text);
    assert_int_equal(sd_remedy_approve(f->d, &carol, pending, NULL, &why), SD_E_PRECONDITION);
    assert_int_equal(count_prefix(f->d, 'I'), 0);

    /* customer get shows it (audited); agents may not look customers up */
    assert_int_equal(sd_customer_get(f->d, &agent, "UID-100200300", &cs, &why), SD_E_DENIED);
    assert_int_equal(sd_customer_get(f->d, &carol, "UID 1", &cs, &why), SD_E_INVALID);
    assert_int_equal(sd_customer_get(f->d, &carol, "UID-100200300", &cs, &why), SD_OK);
    assert_true(cs.frozen);
    assert_int_equal(cs.freeze_id, 1);
    assert_string_equal(cs.frozen_by, "sam");
    assert_string_equal(cs.reason, "account takeover");
    assert_string_equal(cs.uid_masked, "UI***00");
    assert_int_equal(cs.review_state, SD_RS_PENDING);
    assert_int_equal(count_audit(f->d, "customer.read", "customer:"), 2);

    /* an approved account_unfreeze lifts it */
    request(f->d, tid, SD_RK_ACCOUNT_UNFREEZE, NULL, NULL, &v);
    unfreeze = v.id;
    assert_int_equal(sd_remedy_approve(f->d, &cora, unfreeze, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, unfreeze, "u1", NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "quorum not met");
    assert_true(cs.frozen);
    assert_int_equal(sd_remedy_approve(f->d, &sam, unfreeze, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, unfreeze, "u1", &v, &why), SD_OK);
    assert_int_equal(v.state, SD_RS_EXECUTED);
    assert_int_equal(count_audit(f->d, "account.unfreeze", "customer:"), 1);
    assert_int_equal(sd_customer_get(f->d, &sam, "UID-100200300", &cs, &why), SD_OK);
    assert_false(cs.frozen);
    assert_int_equal(sd_remedy_execute(f->d, &bob, approved, "k1", &v, &why), SD_OK);
    assert_int_equal(v.state, SD_RS_EXECUTED);
    assert_int_equal(
        request_full(f->d, &bob, tid, SD_RK_ACCOUNT_UNFREEZE, NULL, NULL, NULL, &v, &why),
        SD_E_PRECONDITION);
}

/* The remedy and freeze events of ticket tid, "kind detail" joined by "; ". */
static void
timeline(struct sd_desk *d, uint64_t tid, char *out, size_t cap)
{
    const struct sd_actor sys = {"operator", NULL, SD_ROLE_SYSTEM};
    struct sd_ticket t;
    size_t off = 0;

    out[0] = 0;
    assert_int_equal(sd_ticket_get(d, &sys, tid, false, NULL, &t), SD_OK);
    for(size_t i = 0; i < t.n_events; i++) {
        const struct sd_event *e = &t.events[i];

        if(e->kind != SD_EV_REMEDY && e->kind != SD_EV_FREEZE && e->kind != SD_EV_UNFREEZE)
            continue;
        off += (size_t)snprintf(out + off, cap - off, "%s%s %s %s", off ? "; " : "",
                                sd_event_kind_name(e->kind), e->actor, e->detail);
        assert_true(off < cap);
    }
    sd_ticket_clear(&t);
}

/* #13 item 18 (remedy part): a ticket's timeline shows freeze and unfreeze, each remedy
 * request, approval, rejection and execution, with ids and amounts but no UID. */
static void
test_remedy_steps_and_freezes_appear_on_the_ticket_timeline(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_SECURITY);
    uint64_t a = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "5000", NULL);
    uint64_t b = request(f->d, tid, SD_RK_FEE_REFUND, "USDT", "3", NULL);
    uint64_t u;
    char tl[2048];
    struct sd_remedy v;

    assert_int_equal(sd_remedy_approve(f->d, &carol, a, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &dave, a, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, a, "k", NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, a, "k", NULL, NULL), SD_OK); /* replay */
    assert_int_equal(sd_remedy_reject(f->d, &carol, b, "duplicate", NULL, NULL), SD_OK);
    assert_int_equal(sd_freeze(f->d, &sam, "UID-100200300", tid, "takeover", &v, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &carol, v.id, NULL, NULL), SD_OK);
    u = request(f->d, tid, SD_RK_ACCOUNT_UNFREEZE, NULL, NULL, NULL);
    assert_int_equal(sd_remedy_approve(f->d, &cora, u, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &sam, u, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, u, "u", NULL, NULL), SD_OK);
    timeline(f->d, tid, tl, sizeof(tl));
    assert_string_equal(tl, "remedy bob request r1 compensation 5000 USDT, quorum 2; "
                            "remedy bob request r2 fee_refund 3 USDT, quorum 1; "
                            "remedy carol approve r1 (1 of 2); "
                            "remedy dave approve r1 (2 of 2); "
                            "remedy bob execute r1; "
                            "remedy carol reject r2; "
                            "freeze sam freeze f1, review r3; "
                            "remedy carol approve r3 (1 of 1): freeze review closed; "
                            "remedy bob request r4 account_unfreeze, quorum 2; "
                            "remedy cora approve r4 (1 of 2); "
                            "remedy sam approve r4 (2 of 2); "
                            "remedy bob execute r4; "
                            "unfreeze bob unfreeze f1 by r4");
    assert_null(strstr(tl, "UID"));
}

static void
test_remedy_expiry_refuses_approve_and_execute_and_shows_expired(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    uint64_t approved = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "10", NULL);
    uint64_t pending = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "5000", NULL);
    const char *why = NULL;
    struct sd_remedy v;

    assert_int_equal(sd_remedy_approve(f->d, &carol, approved, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_APPROVED);
    assert_int_equal(sd_remedy_approve(f->d, &carol, pending, &v, NULL), SD_OK);

    sd_clock_set(T0 + 86400 - 1); /* still open one second before */
    assert_int_equal(state_of(f->d, approved), SD_RS_APPROVED);
    sd_clock_set(T0 + 86400);
    /* reads show it at once, without writing */
    assert_int_equal(state_of(f->d, approved), SD_RS_EXPIRED);
    assert_int_equal(state_of(f->d, pending), SD_RS_EXPIRED);
    assert_int_equal(count_audit(f->d, "remedy.expire", NULL), 0);

    assert_int_equal(sd_remedy_execute(f->d, &bob, approved, "k", NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "remedy expired");
    assert_int_equal(sd_remedy_approve(f->d, &dave, pending, NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "remedy expired");
    /* the expiry was persisted and audited once per remedy, by the first write */
    assert_int_equal(count_audit(f->d, "remedy.expire", "r1"), 1);
    assert_int_equal(count_audit(f->d, "remedy.expire", "r2"), 1);
    assert_int_equal(sd_remedy_execute(f->d, &bob, approved, "k", NULL, &why), SD_E_PRECONDITION);
    assert_int_equal(count_audit(f->d, "remedy.expire", NULL), 2);
    assert_int_equal(count_prefix(f->d, 'I'), 0);

    /* expired stays expired, even if the clock went back */
    sd_clock_set(T0 + 10);
    assert_int_equal(sd_remedy_get(f->d, &agent, approved, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_EXPIRED);
    assert_int_equal(v.approvals_needed, 0);
}

static void
test_remedy_execute_replay_is_idempotent_and_one_instruction(void **state)
{
    struct fixture *f = *state;
    uint64_t id =
        request(f->d, ticket(f->d, SD_CAT_DEPOSIT), SD_RK_COMPENSATION, "USDT", "10", NULL);
    const char *why = NULL;
    struct sd_remedy v;
    struct sd_txn *t;
    struct sd_val iv, rv;
    uint8_t k[9];

    assert_int_equal(sd_remedy_approve(f->d, &carol, id, NULL, NULL), SD_OK);
    sd_clock_set(T0 + 60);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "idem-42", &v, &why), SD_OK);
    assert_null(why);
    assert_int_equal(v.state, SD_RS_EXECUTED);
    assert_int_equal(v.executed_at, T0 + 60);
    assert_string_equal(v.executed_by, "bob");
    assert_string_equal(v.idempotency_key, "idem-42");

    /* a replay with the same key answers with the original result and writes nothing */
    sd_clock_set(T0 + 120);
    memset(&v, 0, sizeof(v));
    why = "unset";
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "idem-42", &v, &why), SD_OK);
    assert_null(why);
    assert_int_equal(v.state, SD_RS_EXECUTED);
    assert_int_equal(v.executed_at, T0 + 60);
    assert_string_equal(v.executed_by, "bob");
    assert_string_equal(v.idempotency_key, "idem-42");
    assert_int_equal(sd_remedy_execute(f->d, &carol, id, "another-key", NULL, &why),
                     SD_E_PRECONDITION);
    assert_string_equal(why, "remedy already executed with another idempotency key");
    assert_int_equal(count_prefix(f->d, 'I'), 1);
    assert_int_equal(count_audit(f->d, "remedy.execute", NULL), 1);

    /* the instruction is the executed record, byte for byte */
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    k[0] = 'I';
    sd_put_u64be(k + 1, id);
    assert_int_equal(sd_txn_get(t, SD_DB_REMEDIES, k, sizeof(k), &iv), SD_OK);
    k[0] = 'R';
    assert_int_equal(sd_txn_get(t, SD_DB_REMEDIES, k, sizeof(k), &rv), SD_OK);
    assert_int_equal(iv.n, rv.n);
    assert_memory_equal(iv.p, rv.p, iv.n);
    sd_txn_abort(t);

    /* executed is final for approvals too */
    assert_int_equal(sd_remedy_approve(f->d, &dave, id, NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "remedy already executed");
}

static void
test_remedy_execute_rejects_bad_idempotency_key(void **state)
{
    struct fixture *f = *state;
    uint64_t id =
        request(f->d, ticket(f->d, SD_CAT_DEPOSIT), SD_RK_COMPENSATION, "USDT", "10", NULL);
    char long_key[SD_REMEDY_MAX_IDEMPOTENCY + 2];
    const char *why = NULL;

    memset(long_key, 'k', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = 0;
    assert_int_equal(sd_remedy_approve(f->d, &carol, id, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "", NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "idempotency key must be 1 to 64 printable ASCII characters");
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, NULL, NULL, NULL), SD_E_INVALID);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, long_key, NULL, NULL), SD_E_INVALID);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "a\nb", NULL, NULL), SD_E_INVALID);
    long_key[SD_REMEDY_MAX_IDEMPOTENCY] = 0; /* exactly 64 is fine */
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, long_key, NULL, NULL), SD_OK);
}

static void
test_remedy_reject_closes_it(void **state)
{
    struct fixture *f = *state;
    uint64_t id =
        request(f->d, ticket(f->d, SD_CAT_DEPOSIT), SD_RK_COMPENSATION, "USDT", "10", NULL);
    const char *why = NULL;
    struct sd_remedy v;

    assert_int_equal(sd_remedy_reject(f->d, &carol, id, "", NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "a reason is required");
    assert_int_equal(sd_remedy_reject(f->d, &bob, id, "changed my mind", NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "the requester cannot reject their own remedy");
    assert_int_equal(sd_remedy_reject(f->d, &agent, id, "no", NULL, &why), SD_E_DENIED);
    assert_int_equal(sd_remedy_reject(f->d, &carol, id, "duplicate of r0", &v, &why), SD_OK);
    assert_int_equal(v.state, SD_RS_REJECTED);
    assert_string_equal(v.rejected_by, "carol");
    assert_string_equal(v.reject_reason, "duplicate of r0");
    assert_int_equal(count_audit(f->d, "remedy.reject", "r1"), 1);

    assert_int_equal(sd_remedy_approve(f->d, &dave, id, NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "remedy was rejected");
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "k", NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "remedy was rejected");
    assert_int_equal(sd_remedy_reject(f->d, &dave, id, "again", NULL, NULL), SD_E_PRECONDITION);
    assert_int_equal(state_of(f->d, id), SD_RS_REJECTED);
}

static void
test_remedy_disabled_approver_stops_counting(void **state)
{
    struct fixture *f = *state;
    uint64_t id =
        request(f->d, ticket(f->d, SD_CAT_DEPOSIT), SD_RK_COMPENSATION, "USDT", "5000", NULL);
    const char *why = NULL;
    struct sd_remedy v;

    add_user(f->d, "carol", SD_ROLE_SUPERVISOR);
    add_user(f->d, "dave", SD_ROLE_SUPERVISOR);
    assert_int_equal(sd_remedy_approve(f->d, &carol, id, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &dave, id, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_APPROVED);

    set_disabled(f->d, "dave", true);
    assert_int_equal(sd_remedy_get(f->d, &agent, id, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_PENDING);
    assert_int_equal(v.n_approvals, 1);
    assert_string_equal(v.approvals[0].user, "carol");
    assert_int_equal(v.n_void, 1);
    assert_int_equal(v.approvals_needed, 1);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "k1", NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "quorum not met");
    assert_int_equal(count_prefix(f->d, 'I'), 0);
    /* a disabled user cannot approve either */
    assert_int_equal(sd_remedy_approve(f->d, &dave, id, NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "the approver's account is disabled");

    /* #13 item 2: re-enabling does not bring the old approval back ... */
    set_disabled(f->d, "dave", false);
    assert_int_equal(state_of(f->d, id), SD_RS_PENDING);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "k1", NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "quorum not met");
    /* ... only a new decision counts */
    sd_clock_set(T0 + 5);
    assert_int_equal(sd_remedy_approve(f->d, &dave, id, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_APPROVED);
    assert_int_equal(v.n_approvals, 2);
    assert_int_equal(sd_remedy_approve(f->d, &dave, id, NULL, &why), SD_E_CONFLICT);
    assert_int_equal(sd_remedy_execute(f->d, &bob, id, "k1", &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_EXECUTED);
}

/* #13 item 2: a security admin made an agent and a second admin, requested as the agent and
 * approved as both. The maker of an account and the account do not count for each other. */
static void
test_remedy_creator_and_created_do_not_count_within_cooloff(void **state)
{
    struct fixture *f = *state;
    const struct sd_actor mal = {"mal", NULL, SD_ROLE_SECURITY_ADMIN};
    const struct sd_actor kim = {"kim", NULL, SD_ROLE_SECURITY_ADMIN};
    const struct sd_actor ag = {"ag", NULL, SD_ROLE_AGENT};
    const struct sd_actor boss = {"boss", NULL, SD_ROLE_SUPERVISOR};
    const struct sd_actor sup2 = {"sup2", NULL, SD_ROLE_SUPERVISOR};
    uint64_t tid = ticket(f->d, SD_CAT_WITHDRAWAL);
    struct sd_txn *t;
    const char *why = NULL;
    struct sd_remedy v;
    uint64_t id, comp;

    add_user(f->d, "mal", SD_ROLE_SECURITY_ADMIN);
    add_user(f->d, "kim", SD_ROLE_SECURITY_ADMIN);
    add_user(f->d, "ag", SD_ROLE_AGENT);
    add_user(f->d, "boss", SD_ROLE_SUPERVISOR);
    add_user(f->d, "sup2", SD_ROLE_SUPERVISOR);
    add_user(f->d, "carol", SD_ROLE_SUPERVISOR);
    assert_int_equal(sd_txn_begin(f->d->store, true, &t), SD_OK);
    assert_int_equal(sd_user_set_creator(t, "ag", "mal", "kim"), SD_OK);
    assert_int_equal(sd_user_set_creator(t, "sup2", "offline:Boss", NULL), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);

    assert_int_equal(
        request_full(f->d, &ag, tid, SD_RK_WITHDRAWAL_RELEASE, "BTC", "10", NULL, &v, NULL), SD_OK);
    id = v.id;
    assert_int_equal(v.quorum, 2);
    assert_int_equal(sd_remedy_approve(f->d, &mal, id, NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "the approver made the requester's account, or was made by them, "
                             "within the creator cool-off");
    assert_int_equal(sd_remedy_approve(f->d, &kim, id, NULL, &why), SD_E_DENIED); /* approver */
    assert_int_equal(sd_remedy_approve(f->d, &carol, id, &v, NULL), SD_OK);
    assert_int_equal(v.approvals_needed, 1);

    /* the other direction: the requester made the approver's account */
    assert_int_equal(
        request_full(f->d, &boss, tid, SD_RK_COMPENSATION, "USDT", "10", NULL, &v, NULL), SD_OK);
    comp = v.id;
    assert_int_equal(sd_remedy_approve(f->d, &sup2, comp, NULL, &why), SD_E_DENIED);

    /* after the cool-off the relation no longer matters */
    sd_clock_set(T0 + sd_remedy_policy_cooloff(f->d->remedy_policy));
    assert_int_equal(
        request_full(f->d, &boss, tid, SD_RK_COMPENSATION, "USDT", "10", NULL, &v, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &sup2, v.id, &v, NULL), SD_OK);
    assert_int_equal(v.state, SD_RS_APPROVED);
}

static void
test_remedy_user_without_role_in_table_is_refused(void **state)
{
    struct fixture *f = *state;
    uint64_t id =
        request(f->d, ticket(f->d, SD_CAT_DEPOSIT), SD_RK_COMPENSATION, "USDT", "10", NULL);
    /* claims supervisor, but the users table says agent */
    const struct sd_actor eve = {"offline:eve", NULL, SD_ROLE_SUPERVISOR | SD_ROLE_SYSTEM};
    const char *why = NULL;

    add_user(f->d, "eve", SD_ROLE_AGENT);
    assert_int_equal(sd_remedy_approve(f->d, &eve, id, NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "the approver does not hold an approving role for this remedy kind");
}

static void
test_remedy_freeze_opens_review_the_freezer_cannot_approve(void **state)
{
    struct fixture *f = *state;
    uint64_t sec_ticket = ticket(f->d, SD_CAT_SECURITY);
    uint64_t other = ticket(f->d, SD_CAT_DEPOSIT);
    const char *why = NULL;
    struct sd_remedy v;

    assert_int_equal(sd_freeze(f->d, &agent, "UID-100200300", sec_ticket, "takeover", NULL, &why),
                     SD_E_DENIED);
    assert_string_equal(why, "an emergency freeze needs security_admin or supervisor");
    assert_int_equal(sd_freeze(f->d, &sam, "UID-100200300", other, "takeover", NULL, &why),
                     SD_E_PRECONDITION);
    assert_string_equal(why, "an emergency freeze needs a security ticket");
    assert_int_equal(sd_freeze(f->d, &sam, "UID-100200300", 999, "takeover", NULL, &why),
                     SD_E_NOTFOUND);
    assert_string_equal(why, "ticket not found");
    assert_int_equal(sd_freeze(f->d, &sam, "UID-100200300", sec_ticket, "", NULL, &why),
                     SD_E_INVALID);
    assert_int_equal(count_prefix(f->d, 'F'), 0);

    assert_int_equal(sd_freeze(f->d, &sam, "UID-100200300", sec_ticket,
                               "account takeover reported, withdrawals in progress", &v, &why),
                     SD_OK);
    assert_null(why);
    assert_int_equal(v.kind, SD_RK_FREEZE_REVIEW);
    assert_int_equal(v.state, SD_RS_PENDING);
    assert_int_equal(v.quorum, 1);
    assert_int_equal(v.freeze_id, 1);
    assert_int_equal(v.expires_at, 0);
    assert_string_equal(v.to_uid_masked, "UI***00");
    assert_string_equal(v.requester, "sam");
    assert_int_equal(count_prefix(f->d, 'F'), 1);
    assert_int_equal(count_audit(f->d, "account.freeze", "customer:"), 1);
    assert_int_equal(count_audit(f->d, "remedy.request", NULL), 1);

    /* the review is mandatory: it never lapses, and one person cannot close it */
    sd_clock_set(T0 + 90 * 86400);
    assert_int_equal(state_of(f->d, v.id), SD_RS_PENDING);
    assert_int_equal(sd_remedy_approve(f->d, &sam, v.id, NULL, &why), SD_E_DENIED);
    assert_string_equal(why, "the requester cannot approve their own remedy");
    assert_int_equal(sd_remedy_reject(f->d, &sam, v.id, "fine", NULL, &why), SD_E_DENIED);
    assert_int_equal(sd_remedy_approve(f->d, &cora, v.id, NULL, &why), SD_E_DENIED);
    assert_int_equal(sd_remedy_execute(f->d, &sam, v.id, "k", NULL, &why), SD_E_PRECONDITION);

    /* a second person's approval closes it */
    assert_int_equal(sd_remedy_approve(f->d, &carol, v.id, &v, &why), SD_OK);
    assert_int_equal(v.state, SD_RS_EXECUTED);
    assert_string_equal(v.executed_by, "carol");
    assert_int_equal(count_prefix(f->d, 'I'), 0);
    assert_int_equal(sd_remedy_execute(f->d, &carol, v.id, "k", NULL, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "remedy already executed");
    /* freeze reviews are not requested directly */
    assert_int_equal(request_full(f->d, &bob, sec_ticket, SD_RK_FREEZE_REVIEW, "USDT", "1",
                                  "UID1234", NULL, &why),
                     SD_E_INVALID);
    assert_string_equal(why, "freeze reviews are opened by an emergency freeze");
}

static void
test_remedy_request_rejects_bad_input(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    static const char *const bad[] = {
        "-1", "1e5", "0",  "1.123456789", "1234567890123456789", "",   "1.",   ".5",
        "01", " 1",  "1 ", "1,000",       "0.00000000",          "+1", "0x10", "1.2.3",
        "１",
    };
    static const char *const good[] = {"123456789012345678.12345678", "0.00000001", "0.5", "7"};
    struct sd_remedy_new in = {tid, SD_RK_COMPENSATION, "USDT", "1", NULL, "because", NULL};
    char big[SD_MAX_REASON + 2];
    const char *why = NULL;

    for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        assert_int_equal(
            request_full(f->d, &bob, tid, SD_RK_COMPENSATION, "USDT", bad[i], NULL, NULL, &why),
            SD_E_INVALID);
        assert_string_equal(why, "amount: a decimal above 0 with at most 18 digits "
                                 "and 8 decimals");
        assert_int_equal(sd_remedy_amount_parse(bad[i], NULL, NULL), SD_E_INVALID);
    }
    assert_int_equal(
        request_full(f->d, &bob, tid, SD_RK_COMPENSATION, "USDT", NULL, NULL, NULL, &why),
        SD_E_INVALID);
    for(size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(sd_remedy_amount_parse(good[i], NULL, NULL), SD_OK);
    assert_int_equal(count_prefix(f->d, 'R'), 0);

    in.asset = "US DT";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "asset: 1 to 16 letters or digits");
    in.asset = "ABCDEFGHIJKLMNOPQ";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    in.asset = "USDT";
    in.to_uid = "UID 1";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "to_uid: 1 to 128 printable ASCII characters without spaces");
    in.to_uid = NULL;
    in.justification = "";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "a justification is required");
    memset(big, 'j', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    in.justification = big;
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_LIMIT);
    in.justification = "customer pasted abandon ability able about above absent absorb "
                       "abstract absurd abuse access accident as proof";
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "text contains a secret (seed phrase, private key, 2FA code or "
                             "card number)");
    in.justification = "ok";
    in.kind = (enum sd_remedy_kind)0;
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    assert_string_equal(why, "unknown remedy kind");
    in.kind = SD_RK_COUNT;
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_INVALID);
    in.kind = SD_RK_FEE_REFUND;
    in.ticket_id = 999;
    assert_int_equal(sd_remedy_request(f->d, &bob, &in, NULL, &why), SD_E_NOTFOUND);
    assert_string_equal(why, "ticket not found");
    assert_int_equal(count_prefix(f->d, 'R'), 0);
    assert_int_equal(count_audit(f->d, "remedy.request", NULL), 0);

    assert_int_equal(sd_remedy_approve(f->d, &carol, 42, NULL, &why), SD_E_NOTFOUND);
    assert_string_equal(why, "remedy not found");
    assert_int_equal(sd_remedy_get(f->d, &carol, 42, &(struct sd_remedy){0}, &why), SD_E_NOTFOUND);
    assert_string_equal(why, "remedy not found");
}

static void
test_remedy_agent_requests_only_on_own_or_unassigned_tickets(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    const char *why = NULL;
    struct sd_ticket t;
    struct sd_remedy v;

    assert_int_equal(request_full(f->d, &agent, tid, SD_RK_FEE_REFUND, "USDT", "3", NULL, &v, &why),
                     SD_OK);              /* unassigned */
    add_user(f->d, "zed", SD_ROLE_AGENT); /* tickets go only to enabled agents (issue 13) */
    add_user(f->d, "alice", SD_ROLE_AGENT);
    assert_int_equal(sd_ticket_assign(f->d, &bob, tid, "zed", &t), SD_OK);
    assert_int_equal(request_full(f->d, &agent, tid, SD_RK_FEE_REFUND, "USDT", "3", NULL, &v, &why),
                     SD_E_DENIED);
    assert_string_equal(why, "agents request remedies only on their own or unassigned tickets");
    assert_int_equal(sd_ticket_assign(f->d, &bob, tid, "alice", &t), SD_OK);
    assert_int_equal(request_full(f->d, &agent, tid, SD_RK_FEE_REFUND, "USDT", "3", NULL, &v, &why),
                     SD_OK);
    assert_int_equal(count_prefix(f->d, 'R'), 2);
}

static void
test_remedy_list_filters_by_effective_state(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT);
    uint64_t a = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "1", NULL);
    uint64_t b = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "2", NULL);
    uint64_t c = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "3", NULL);
    struct sd_remedy_list l;

    assert_int_equal(sd_remedy_approve(f->d, &carol, b, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_reject(f->d, &carol, c, "no", NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_list(f->d, &agent, 0, &l, NULL), SD_OK);
    assert_int_equal(l.n, 3);
    assert_false(l.truncated);
    assert_int_equal(l.items[0].id, c); /* newest first */
    assert_int_equal(l.items[2].id, a);
    sd_remedy_list_clear(&l);
    assert_int_equal(sd_remedy_list(f->d, &agent, SD_RS_APPROVED, &l, NULL), SD_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].id, b);
    sd_remedy_list_clear(&l);
    assert_int_equal(sd_remedy_list(f->d, &agent, SD_RS_PENDING, &l, NULL), SD_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].id, a);
    sd_remedy_list_clear(&l);
    sd_clock_set(T0 + 2 * 86400);
    assert_int_equal(sd_remedy_list(f->d, &agent, SD_RS_EXPIRED, &l, NULL), SD_OK);
    assert_int_equal(l.n, 2);
    sd_remedy_list_clear(&l);
    assert_int_equal(sd_remedy_list(f->d, &agent, 99, &l, NULL), SD_E_INVALID);
}

/* True if needle occurs in any file of the data dir. */
static bool
store_contains(const char *dir, const char *needle)
{
    char path[128];
    bool found = false;
    const char *files[] = {"data.mdb", "lock.mdb"};

    for(size_t i = 0; i < 2 && !found; i++) {
        struct stat st;
        char *buf;
        int fd;

        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        fd = open(path, O_RDONLY);
        if(fd < 0)
            continue;
        assert_int_equal(fstat(fd, &st), 0);
        buf = malloc((size_t)st.st_size + 1);
        assert_non_null(buf);
        assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
        close(fd);
        found = bytes_hold(path, (const uint8_t *)buf, (size_t)st.st_size, needle);
        free(buf);
    }
    return found;
}

static void
test_remedy_to_uid_never_stored_in_plaintext(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_SECURITY);
    struct sd_remedy v;
    struct sd_remedy_new in = {tid,
                               SD_RK_THIRD_PARTY_PAYOUT,
                               "ETH",
                               "1.5",
                               "DEST-ZQXW-7741-PLAIN",
                               "goodwill for a delayed deposit",
                               "customer asked to pay their business account"};

    assert_int_equal(sd_remedy_request(f->d, &bob, &in, &v, NULL), SD_OK);
    assert_string_equal(v.to_uid_masked, "DE***IN");
    assert_int_equal(v.quorum, 3); /* 4500 USDT, another account: one above "*" */
    assert_int_equal(sd_remedy_approve(f->d, &cora, v.id, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &dave, v.id, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &carol, v.id, NULL, NULL), SD_OK);
    assert_int_equal(sd_remedy_execute(f->d, &bob, v.id, "x", NULL, NULL), SD_OK);
    assert_int_equal(sd_freeze(f->d, &sam, "FROZEN-QQPL-9903-PLAIN", tid, "takeover", &v, NULL),
                     SD_OK);
    assert_string_equal(v.to_uid_masked, "FR***IN");
    sd_desk_close(f->d);
    f->d = NULL;
    assert_false(store_contains(f->dir, "DEST-ZQXW-7741-PLAIN"));
    assert_false(store_contains(f->dir, "ZQXW-7741"));
    assert_false(store_contains(f->dir, "FROZEN-QQPL-9903-PLAIN"));
    assert_false(store_contains(f->dir, "QQPL-9903"));
    /* the check can fail: the justification is stored in the clear and is found */
    assert_true(store_contains(f->dir, "goodwill for a delayed deposit"));
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    assert_int_equal(sd_remedy_get(f->d, &agent, 1, &v, NULL), SD_OK);
    assert_string_equal(v.to_uid_masked, "DE***IN");
}

static void
test_remedy_policy_parse_and_errors(void **state)
{
    struct sd_remedy_policy *p = NULL;
    size_t line = 99;
    const char *why = NULL;
    uint64_t usdt;
    bool priced;
    static const char good[] = "# test policy\n"
                               "expiry 3600\n"
                               "quorum * 0 1   # base\n"
                               "quorum * 1000 2\n"
                               "quorum compensation 0 1\r\n"
                               "quorum compensation 50000.5 3\n"
                               "\t\n"
                               "approver compensation supervisor\n"
                               "approver fee_refund supervisor,compliance\n"
                               "approver manual_deposit_credit supervisor\n"
                               "approver withdrawal_release supervisor\n"
                               "approver account_unfreeze security_admin\n"
                               "approver freeze_review security_admin\n"
                               "approver third_party_payout supervisor\n"
                               "rate usdt 1\n"
                               "fixed account_unfreeze 3\n"
                               "rate SHIB 0.00001\n";
    struct {
        const char *text;
        size_t line;
        sd_err err;
    } bad[] = {
        {"quorum * 0 1\nfrobnicate 1\n", 2, SD_E_INVALID},
        {"quorum * 0 6\n", 1, SD_E_INVALID},
        {"quorum * 0 0\n", 1, SD_E_INVALID},
        {"quorum * -1 1\n", 1, SD_E_INVALID},
        {"quorum nosuchkind 0 1\n", 1, SD_E_INVALID},
        {"quorum * 0 1\nquorum * 0 2\n", 2, SD_E_INVALID},
        {"quorum * 0 1 extra words\n", 1, SD_E_INVALID},
        {"quorum * 5 1\n", 0, SD_E_INVALID}, /* no base rule */
        {"quorum * 0 1\napprover compensation agent\n", 2, SD_E_INVALID},
        {"quorum * 0 1\napprover compensation wizard\n", 2, SD_E_INVALID},
        {"quorum * 0 1\napprover * supervisor\n", 2, SD_E_INVALID},
        {"quorum * 0 1\napprover compensation supervisor\n", 0, SD_E_INVALID}, /* kinds */
        {"rate BTC 0\n", 1, SD_E_INVALID},
        {"rate BTC 1\nrate btc 2\n", 2, SD_E_INVALID},
        {"rate B-C 1\n", 1, SD_E_INVALID},
        {"expiry 10\n", 1, SD_E_INVALID},
        {"expiry 3600\nexpiry 3600\n", 2, SD_E_INVALID},
        {"quorum * 0 1\nrate BTC 6\xc3\xa9\n", 2, SD_E_INVALID},
        {"quorum * 0 1\nquorum account_unfreeze 0 1\n", 2, SD_E_INVALID},
        {"quorum * 0 1\nfixed compensation 1\n", 2, SD_E_INVALID},
        {"quorum * 0 1\nfixed account_unfreeze 6\n", 2, SD_E_INVALID},
        {"quorum * 0 1\nfixed account_unfreeze 2\nfixed account_unfreeze 3\n", 3, SD_E_INVALID},
    };
    char longline[400];

    (void)state;
    assert_int_equal(sd_remedy_policy_parse(&p, good, strlen(good), &line, &why), SD_OK);
    assert_int_equal(sd_remedy_policy_expiry(p), 3600);
    assert_int_equal(sd_remedy_policy_approvers(p, SD_RK_FEE_REFUND),
                     SD_ROLE_SUPERVISOR | SD_ROLE_COMPLIANCE);
    /* the kind's own rules win where one applies ... */
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_COMPENSATION, true, 5000000000u), 1);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_COMPENSATION, true, 50000500000u), 3);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_COMPENSATION, true, 50000499999u), 1);
    /* ... other kinds use "*" */
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_FEE_REFUND, true, 999999999u), 1);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_FEE_REFUND, true, 1000000000u), 2);
    /* unpriced: highest rule for the kind or "*" */
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_COMPENSATION, false, 0), 3);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_FEE_REFUND, false, 0), 2);
    /* kinds without an amount: the fixed line, else the highest "*" count; never the value */
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_ACCOUNT_UNFREEZE, true, 1), 3);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_ACCOUNT_UNFREEZE, true, UINT64_MAX), 3);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_FREEZE_REVIEW, true, 0), 2);
    assert_int_equal(sd_remedy_policy_value(p, "shib", "1000000", &usdt, &priced), SD_OK);
    assert_true(priced);
    assert_int_equal(usdt, 10000000); /* 10 USDT */
    assert_int_equal(sd_remedy_policy_value(p, "BTC", "1", &usdt, &priced), SD_OK);
    assert_false(priced);
    assert_int_equal(sd_remedy_policy_value(p, "BTC", "1e3", &usdt, &priced), SD_E_INVALID);
    sd_remedy_policy_free(p);

    for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p = NULL;
        line = 99;
        why = NULL;
        assert_int_equal(sd_remedy_policy_parse(&p, bad[i].text, strlen(bad[i].text), &line, &why),
                         bad[i].err);
        assert_null(p);
        assert_int_equal(line, bad[i].line);
        assert_non_null(why);
    }
    memset(longline, 'x', sizeof(longline));
    memcpy(longline, "quorum * 0 1\n#", 14);
    assert_int_equal(sd_remedy_policy_parse(&p, longline, sizeof(longline), &line, &why),
                     SD_E_LIMIT);
    assert_int_equal(line, 2);
    assert_string_equal(why, "line longer than 256 bytes");

    /* the shipped default parses and says what DESIGN.md says */
    assert_int_equal(sd_remedy_policy_default(&p), SD_OK);
    assert_int_equal(sd_remedy_policy_expiry(p), 86400);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_COMPENSATION, true, 999999999u), 1);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_COMPENSATION, true, 1000000000u), 2);
    assert_int_equal(sd_remedy_policy_approvers(p, SD_RK_FREEZE_REVIEW),
                     SD_ROLE_SECURITY_ADMIN | SD_ROLE_SUPERVISOR);
    sd_remedy_policy_free(p);
}

static void
test_remedy_policy_load_prefers_data_dir_file(void **state)
{
    struct fixture *f = *state;
    struct sd_remedy_policy *p = NULL;
    char path[128];
    size_t line = 0;
    const char *why = NULL;
    FILE *fp;

    assert_int_equal(sd_remedy_policy_load(&p, f->dir, &line, &why), SD_OK); /* default */
    assert_int_equal(sd_remedy_policy_expiry(p), 86400);
    sd_remedy_policy_free(p);
    snprintf(path, sizeof(path), "%s/remedy.policy", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("expiry 600\nquorum * 0 2\n", fp);
    fclose(fp);
    assert_int_equal(sd_remedy_policy_load(&p, f->dir, &line, &why), SD_E_INVALID);
    assert_int_equal(line, 0);
    assert_string_equal(why, "missing approver line for a kind");
    fp = fopen(path, "a");
    assert_non_null(fp);
    fputs("approver compensation supervisor\napprover fee_refund supervisor\n"
          "approver manual_deposit_credit supervisor\napprover withdrawal_release supervisor\n"
          "approver account_unfreeze supervisor\napprover freeze_review supervisor\n"
          "approver third_party_payout supervisor\n",
          fp);
    fclose(fp);
    assert_int_equal(sd_remedy_policy_load(&p, f->dir, &line, &why), SD_OK);
    assert_int_equal(sd_remedy_policy_expiry(p), 600);
    assert_int_equal(sd_remedy_policy_quorum(p, SD_RK_FEE_REFUND, true, 1), 2);
    sd_remedy_policy_free(p);
}

static void
test_remedy_names_round_trip(void **state)
{
    enum sd_remedy_kind k;
    enum sd_remedy_state s;

    (void)state;
    for(int i = SD_RK_COMPENSATION; i < SD_RK_COUNT; i++) {
        assert_int_equal(sd_remedy_kind_parse(&k, sd_remedy_kind_name((enum sd_remedy_kind)i)),
                         SD_OK);
        assert_int_equal(k, i);
    }
    for(int i = SD_RS_PENDING; i < SD_RS_COUNT; i++) {
        assert_int_equal(sd_remedy_state_parse(&s, sd_remedy_state_name((enum sd_remedy_state)i)),
                         SD_OK);
        assert_int_equal(s, i);
    }
    assert_string_equal(sd_remedy_kind_name(SD_RK_MANUAL_DEPOSIT_CREDIT), "manual_deposit_credit");
    assert_int_equal(sd_remedy_kind_parse(&k, "refund"), SD_E_INVALID);
    assert_int_equal(sd_remedy_state_parse(&s, NULL), SD_E_INVALID);
    assert_string_equal(sd_remedy_state_name((enum sd_remedy_state)0), "unknown");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

/* Issue 16: the inbox's approvals are the pending remedies a checker may approve now. */
static size_t
approvable(struct sd_desk *d, const struct sd_actor *a, uint64_t *ids)
{
    size_t n = 0;
    bool more = true;

    assert_int_equal(sd_remedy_approvable(d, a, ids, 8, &n, &more), SD_OK);
    assert_false(more);
    return n;
}

static void
test_remedy_approvable_follows_the_maker_checker_rules(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, SD_CAT_DEPOSIT), ids[8], r1, r2, r3;
    struct sd_remedy v;
    const char *why = NULL;
    size_t n = 0;
    bool more = false;

    r1 = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "50", NULL);   /* quorum 1 */
    r2 = request(f->d, tid, SD_RK_COMPENSATION, "USDT", "5000", NULL); /* quorum 2 */
    assert_int_equal(
        request_full(f->d, &carol, tid, SD_RK_COMPENSATION, "USDT", "20", NULL, &v, &why), SD_OK);
    r3 = v.id;
    /* never one's own request */
    assert_int_equal(approvable(f->d, &carol, ids), 2);
    assert_int_equal(ids[0], r1);
    assert_int_equal(ids[1], r2);
    assert_int_equal(approvable(f->d, &bob, ids), 1);
    assert_int_equal(ids[0], r3);
    /* one approval per person; approved ones are no longer pending */
    assert_int_equal(sd_remedy_approve(f->d, &carol, r2, &v, NULL), SD_OK);
    assert_int_equal(sd_remedy_approve(f->d, &carol, r1, &v, NULL), SD_OK);
    assert_int_equal(approvable(f->d, &carol, ids), 0);
    assert_int_equal(approvable(f->d, &dave, ids), 2);
    assert_int_equal(ids[0], r2);
    assert_int_equal(ids[1], r3);
    /* a role that may not approve the kind sees none */
    assert_int_equal(approvable(f->d, &agent, ids), 0);
    /* the answer is bounded */
    assert_int_equal(sd_remedy_approvable(f->d, &dave, ids, 1, &n, &more), SD_OK);
    assert_int_equal(n, 1);
    assert_true(more);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_remedy_request_is_pending_with_quorum_and_masked_uid),
        T(test_remedy_approvable_follows_the_maker_checker_rules),
        T(test_remedy_pays_the_ticket_customer_and_approvers_see_it_unmasked),
        T(test_remedy_rejects_self_approval),
        T(test_remedy_rejects_approver_without_role),
        T(test_remedy_approving_twice_is_a_conflict),
        T(test_remedy_one_approval_on_two_quorum_does_not_execute),
        T(test_remedy_quorum_follows_amount_thresholds),
        T(test_remedy_unknown_asset_refused_and_unfreeze_has_fixed_quorum),
        T(test_remedy_steps_and_freezes_appear_on_the_ticket_timeline),
        T(test_remedy_freeze_blocks_fund_moving_remedies_until_an_approved_unfreeze),
        T(test_remedy_expiry_refuses_approve_and_execute_and_shows_expired),
        T(test_remedy_execute_replay_is_idempotent_and_one_instruction),
        T(test_remedy_execute_rejects_bad_idempotency_key),
        T(test_remedy_reject_closes_it),
        T(test_remedy_disabled_approver_stops_counting),
        T(test_remedy_user_without_role_in_table_is_refused),
        T(test_remedy_creator_and_created_do_not_count_within_cooloff),
        T(test_remedy_freeze_opens_review_the_freezer_cannot_approve),
        T(test_remedy_request_rejects_bad_input),
        T(test_remedy_agent_requests_only_on_own_or_unassigned_tickets),
        T(test_remedy_list_filters_by_effective_state),
        T(test_remedy_to_uid_never_stored_in_plaintext),
        cmocka_unit_test(test_remedy_policy_parse_and_errors),
        T(test_remedy_policy_load_prefers_data_dir_file),
        cmocka_unit_test(test_remedy_names_round_trip),
    };

    assert_int_equal(sd_crypto_init(), SD_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
