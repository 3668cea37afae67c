/* User administration under maker-checker (#13 items 2 and 8): creating users, changing roles
 * and resetting TOTP are asked for by one security admin and carried out only on another's
 * approval; the local operator bootstraps directly. */
#include "test_helpers.h"

#include "tickets/desk_int.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/store.h"
#include "sealdesk/user_admin.h"

static const struct sd_actor sys = {"offline:root", NULL, SD_ROLE_SYSTEM};
static const struct sd_actor sa1 = {"sa1", NULL, SD_ROLE_SECURITY_ADMIN};
static const struct sd_actor sa2 = {"sa2", NULL, SD_ROLE_SECURITY_ADMIN};
static const struct sd_actor sa3 = {"sa3", NULL, SD_ROLE_SECURITY_ADMIN};
static const struct sd_actor agent = {"ag", NULL, SD_ROLE_AGENT};

static void
bootstrap(struct sd_desk *d, const char *name, unsigned roles)
{
    char pw[SD_PASSWORD_MAX + 1], uri[256];

    assert_int_equal(sd_access_user_add(d, &sys, name, roles, false, NULL, pw, uri), SD_OK);
}

static bool
get_user(struct sd_desk *d, const char *name, struct sd_user *u)
{
    struct sd_txn *t;
    sd_err err;

    assert_int_equal(sd_txn_begin(d->store, false, &t), SD_OK);
    err = sd_user_get(t, name, u);
    sd_txn_abort(t);
    assert_true(err == SD_OK || err == SD_E_NOTFOUND);
    return err == SD_OK;
}

static void
test_user_add_online_needs_a_second_security_admin(void **state)
{
    struct fixture *f = *state;
    struct sd_uadm_new in = {SD_UADM_ADD, "ag", SD_ROLE_AGENT, false, NULL};
    char pw[SD_PASSWORD_MAX + 1], uri[256];
    const char *why = NULL;
    struct sd_uadm u;
    struct sd_user usr;

    bootstrap(f->d, "sa1", SD_ROLE_SECURITY_ADMIN);
    bootstrap(f->d, "sa2", SD_ROLE_SECURITY_ADMIN);
    assert_true(get_user(f->d, "sa1", &usr));
    assert_string_equal(usr.created_by, "offline:root");

    /* a security admin cannot create a user directly any more */
    assert_int_equal(sd_access_user_add(f->d, &sa1, "ag", SD_ROLE_AGENT, true, NULL, pw, uri),
                     SD_E_DENIED);
    assert_int_equal(sd_uadm_request(f->d, &agent, &in, &u, pw, uri, &why), SD_E_DENIED);
    assert_int_equal(sd_uadm_request(f->d, &sa1, &in, &u, pw, uri, &why), SD_OK);
    assert_int_equal(u.state, SD_UADM_PENDING);
    assert_string_equal(pw, "");
    assert_false(get_user(f->d, "ag", &usr));
    assert_int_equal(sd_uadm_approve(f->d, &sa1, u.id, &u, pw, uri, &why), SD_E_DENIED);
    assert_string_equal(why, "the requester cannot approve their own user request");
    assert_int_equal(
        sd_uadm_approve(f->d, &(struct sd_actor){"OFFLINE:SA1", NULL, SD_ROLE_SECURITY_ADMIN}, u.id,
                        &u, pw, uri, &why),
        SD_E_DENIED);
    assert_false(get_user(f->d, "ag", &usr));

    assert_int_equal(sd_uadm_approve(f->d, &sa2, 1, &u, pw, uri, &why), SD_OK);
    assert_int_equal(u.state, SD_UADM_DONE);
    assert_string_equal(u.decided_by, "sa2");
    assert_int_equal(strlen(pw), 20); /* handed to the approver, once */
    assert_true(strncmp(uri, "otpauth://totp/sealdesk:ag?", 27) == 0);
    assert_true(get_user(f->d, "ag", &usr));
    assert_int_equal(usr.roles, SD_ROLE_AGENT);
    assert_string_equal(usr.created_by, "sa1");
    assert_string_equal(usr.approved_by, "sa2");
    assert_int_equal(audit_count(f->d, "user.request"), 1);
    assert_int_equal(audit_count(f->d, "user.approve"), 1);
    assert_int_equal(audit_count(f->d, "user.add"), 3); /* two bootstraps and this one */

    assert_int_equal(sd_uadm_approve(f->d, &sa2, 1, &u, pw, uri, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "user request already decided");
    assert_int_equal(sd_uadm_request(f->d, &sa1, &in, &u, pw, uri, &why), SD_E_CONFLICT);
    assert_string_equal(why, "user exists");
    in.name = "bad name";
    assert_int_equal(sd_uadm_request(f->d, &sa1, &in, &u, pw, uri, &why), SD_E_INVALID);
    assert_string_equal(why, "name: 1 to 64 of letters, digits, '.', '_', '-', '@'");
    in.name = "sup9";
    in.roles = SD_ROLE_SUPERVISOR;
    in.no_totp = true;
    assert_int_equal(sd_uadm_request(f->d, &sa1, &in, &u, pw, uri, &why), SD_E_INVALID);
    assert_string_equal(why, "no_totp: supervisor, compliance and security_admin need TOTP");
}

static void
test_user_roles_and_totp_reset_need_another_admin(void **state)
{
    struct fixture *f = *state;
    struct sd_uadm_new roles = {SD_UADM_ROLES, "ag", SD_ROLE_AGENT | SD_ROLE_SUPERVISOR, false,
                                NULL};
    struct sd_uadm_new reset = {SD_UADM_RESET_TOTP, "sa2", 0, false, NULL};
    char pw[SD_PASSWORD_MAX + 1], uri[256];
    const char *why = NULL;
    struct sd_uadm u, *items = NULL;
    struct sd_user usr;
    size_t n = 0;

    bootstrap(f->d, "sa1", SD_ROLE_SECURITY_ADMIN);
    bootstrap(f->d, "sa2", SD_ROLE_SECURITY_ADMIN);
    bootstrap(f->d, "sa3", SD_ROLE_SECURITY_ADMIN);
    bootstrap(f->d, "ag", SD_ROLE_AGENT);

    assert_int_equal(sd_uadm_request(f->d, &sa1, &roles, &u, pw, uri, &why), SD_OK);
    assert_true(get_user(f->d, "ag", &usr));
    assert_int_equal(usr.roles, SD_ROLE_AGENT); /* not yet */
    assert_int_equal(sd_uadm_approve(f->d, &sa2, u.id, &u, pw, uri, &why), SD_OK);
    assert_true(get_user(f->d, "ag", &usr));
    assert_int_equal(usr.roles, SD_ROLE_AGENT | SD_ROLE_SUPERVISOR);
    assert_int_equal(audit_count(f->d, "user.roles"), 1);

    /* sa2's own TOTP: sa2 may not approve the change to their own account */
    assert_int_equal(sd_uadm_request(f->d, &sa1, &reset, &u, pw, uri, &why), SD_OK);
    assert_int_equal(sd_uadm_approve(f->d, &sa2, u.id, NULL, pw, uri, &why), SD_E_DENIED);
    assert_string_equal(why, "nobody approves a change to their own account");
    assert_int_equal(sd_uadm_approve(f->d, &sa3, u.id, &u, pw, uri, &why), SD_OK);
    assert_true(strncmp(uri, "otpauth://totp/sealdesk:sa2?", 28) == 0);
    assert_string_equal(pw, "");
    assert_int_equal(audit_count(f->d, "user.reset_totp"), 1);

    /* reject; the requester may withdraw their own */
    assert_int_equal(sd_uadm_request(f->d, &sa1, &roles, &u, pw, uri, &why), SD_OK);
    assert_int_equal(sd_uadm_reject(f->d, &sa2, u.id, "", &u, &why), SD_E_INVALID);
    assert_int_equal(sd_uadm_reject(f->d, &sa2, u.id, "not agreed with the team lead", &u, &why),
                     SD_OK);
    assert_int_equal(u.state, SD_UADM_REJECTED);
    assert_int_equal(sd_uadm_request(f->d, &sa1, &roles, &u, pw, uri, &why), SD_OK);
    assert_int_equal(sd_uadm_reject(f->d, &sa1, u.id, "typo", &u, &why), SD_OK);

    /* a request lapses after 24 h */
    assert_int_equal(sd_uadm_request(f->d, &sa1, &roles, &u, pw, uri, &why), SD_OK);
    sd_clock_set(T0 + SD_UADM_EXPIRY);
    assert_int_equal(sd_uadm_approve(f->d, &sa2, u.id, NULL, pw, uri, &why), SD_E_PRECONDITION);
    assert_string_equal(why, "user request expired");
    assert_int_equal(sd_uadm_list(f->d, &sa2, SD_UADM_EXPIRED, &items, &n, &why), SD_OK);
    assert_int_equal(n, 1);
    free(items);
    assert_int_equal(sd_uadm_list(f->d, &sa2, 0, &items, &n, &why), SD_OK);
    assert_int_equal(n, 5);
    assert_int_equal(items[0].id, 5); /* newest first */
    free(items);
    assert_int_equal(sd_uadm_list(f->d, &agent, 0, &items, &n, &why), SD_E_DENIED);

    /* the local operator's own requests are carried out at once */
    assert_int_equal(sd_uadm_request(f->d, &sys, &reset, &u, pw, uri, &why), SD_OK);
    assert_int_equal(u.state, SD_UADM_DONE);
    assert_true(uri[0] != 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_user_add_online_needs_a_second_security_admin),
        T(test_user_roles_and_totp_reset_need_another_admin),
    };

    assert_int_equal(sd_crypto_init(), SD_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
