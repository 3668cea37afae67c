/* Access: the role x RPC matrix over every method of the dispatch table, TOTP against the
 * RFC 4226/6238 vectors, login with lockout and TOTP replay protection, session expiry, idle
 * timeout, logout and revocation, disabled users, unmask rules and rate limit. */
#include "test_helpers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <jansson.h>

#include "tickets/desk_int.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/audit.h"
#include "sealdesk/authz.h"
#include "sealdesk/desk.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/queue.h"
#include "sealdesk/rpc.h"
#include "sealdesk/tickets.h"

static const struct sd_actor sys = {"admin", NULL, SD_ROLE_SYSTEM};

/* TOTP code for user `uri` at time now (what the user's authenticator shows). */
static void
totp_now(char out[7], const char *uri, uint64_t now, int offset)
{
    const char *s = strstr(uri, "secret=");
    char b32[64];
    uint8_t key[40];
    size_t n = 0, len;

    assert_non_null(s);
    s += 7;
    len = strcspn(s, "&");
    memcpy(b32, s, len);
    b32[len] = 0;
    assert_int_equal(sd_base32_decode(key, sizeof(key), &n, b32), SD_OK);
    snprintf(out, 7, "%06u", sd_totp_code(key, n, (uint64_t)((int64_t)(now / 30) + offset), 6));
}

struct user {
    char password[129];
    char uri[256];
};

static void
add_user(struct fixture *f, const char *name, unsigned roles, struct user *u)
{
    assert_int_equal(sd_access_user_add(f->d, &sys, name, roles, !sd_roles_need_totp(roles), NULL,
                                        u->password, u->uri),
                     SD_OK);
}

static sd_err
login(struct fixture *f, const char *name, const struct user *u, int offset, char token[65])
{
    char code[7] = "";
    uint64_t exp;
    unsigned roles;

    if(u->uri[0])
        totp_now(code, u->uri, sd_clock_now(), offset);
    return sd_access_login(f->d, name, u->password, code, NULL, NULL, token, &exp, &roles);
}

static void
test_totp_matches_rfc_vectors(void **state)
{
    json_error_t jerr;
    json_t *root = json_load_file(SD_SOURCE_DIR "/../shared/vectors/totp.json", 0, &jerr);
    const char *seed = "12345678901234567890"; /* RFC 4226/6238 SHA-1 seed */
    json_t *v;
    size_t i;

    (void)state;
    assert_non_null(root);
    json_array_foreach(json_object_get(json_object_get(root, "hotp"), "vectors"), i, v)
    {
        char want[8];

        snprintf(want, sizeof(want), "%06u",
                 sd_totp_code((const uint8_t *)seed, 20,
                              (uint64_t)json_integer_value(json_object_get(v, "count")), 6));
        assert_string_equal(want, json_string_value(json_object_get(v, "hotp")));
    }
    assert_int_equal(i, 10);
    json_array_foreach(json_object_get(json_object_get(root, "totp"), "sha1"), i, v)
    {
        char want[10];
        uint64_t t = (uint64_t)json_integer_value(json_object_get(v, "time"));

        snprintf(want, sizeof(want), "%08u", sd_totp_code((const uint8_t *)seed, 20, t / 30, 8));
        assert_string_equal(want, json_string_value(json_object_get(v, "totp")));
    }
    assert_int_equal(i, 6);
    json_decref(root);
}

static void
test_base32_round_trip(void **state)
{
    uint8_t in[20], out[40];
    char text[64];
    size_t n;

    (void)state;
    for(int i = 0; i < 20; i++)
        in[i] = (uint8_t)(i * 37 + 1);
    assert_int_equal(sd_base32_encode(text, sizeof(text), in, sizeof(in)), SD_OK);
    assert_int_equal(strlen(text), 32);
    assert_int_equal(sd_base32_decode(out, sizeof(out), &n, text), SD_OK);
    assert_int_equal(n, 20);
    assert_memory_equal(in, out, 20);
    assert_int_equal(sd_base32_decode(out, sizeof(out), &n, "ABC1"), SD_E_INVALID);
}

static void
test_roles_need_totp_and_names_are_checked(void **state)
{
    struct fixture *f = *state;
    char pw[129], uri[256];

    assert_int_equal(sd_access_user_add(f->d, &sys, "sup", SD_ROLE_SUPERVISOR, true, NULL, pw, uri),
                     SD_E_INVALID);
    assert_int_equal(sd_access_user_add(f->d, &sys, "bad name", SD_ROLE_AGENT, true, NULL, pw, uri),
                     SD_E_INVALID);
    assert_int_equal(sd_access_user_add(f->d, &sys, "a1", SD_ROLE_AGENT, true, NULL, pw, uri),
                     SD_OK);
    assert_int_equal(strlen(pw), 20);
    assert_string_equal(uri, "");
    assert_int_equal(sd_access_user_add(f->d, &sys, "a1", SD_ROLE_AGENT, true, NULL, pw, uri),
                     SD_E_CONFLICT);
    assert_int_equal(sd_access_user_add(f->d, &sys, "s1", SD_ROLE_SUPERVISOR, false, NULL, pw, uri),
                     SD_OK);
    assert_non_null(strstr(uri, "otpauth://totp/sealdesk:s1?secret="));
}

static void
test_login_totp_replay_and_lockout(void **state)
{
    struct fixture *f = *state;
    struct user u, wrong;
    char token[65];
    uint64_t exp;
    unsigned roles;
    struct sd_session s;

    add_user(f, "sam", SD_ROLE_SUPERVISOR, &u);
    assert_int_equal(login(f, "sam", &u, 0, token), SD_OK);
    assert_int_equal(strlen(token), 64);
    assert_int_equal(sd_access_session(f->d, token, NULL, &s), SD_OK);
    assert_string_equal(s.user, "sam");
    assert_int_equal(s.roles, SD_ROLE_SUPERVISOR);
    /* the same TOTP code twice: refused (replay) */
    assert_int_equal(login(f, "sam", &u, 0, token), SD_E_UNAUTH);
    /* a code one step ahead is in the window */
    assert_int_equal(login(f, "sam", &u, 1, token), SD_OK);
    /* a code two steps ahead is not */
    assert_int_equal(login(f, "sam", &u, 2, token), SD_E_UNAUTH);
    /* unknown user: same answer as a bad password */
    assert_int_equal(login(f, "nobody", &u, 0, token), SD_E_UNAUTH);

    /* 10 wrong passwords lock the user: then even the right password and a fresh code are
     * refused until the lock expires */
    add_user(f, "lee", SD_ROLE_SUPERVISOR, &u);
    {
        /* this case is about the account lock: a name throttle looser than it */
        struct sd_login_limits lim;

        sd_login_limits_defaults(&lim);
        lim.fails_per_name = 100;
        assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    }
    wrong = u;
    strcpy(wrong.password, "not-the-password");
    sd_clock_set(T0 + 600);
    for(int i = 0; i < SD_LOGIN_MAX_FAILS; i++)
        assert_int_equal(login(f, "lee", &wrong, 0, token), SD_E_UNAUTH);
    sd_clock_set(T0 + 660);
    /* locked: the same answer as a wrong password or an unknown name */
    assert_int_equal(login(f, "lee", &u, 0, token), SD_E_UNAUTH);
    sd_clock_set(T0 + 660 + SD_LOGIN_LOCK_SECONDS + 30);
    assert_int_equal(login(f, "lee", &u, 0, token), SD_OK);
    (void)exp;
    (void)roles;
}

static void
test_sessions_expire_idle_logout_and_revocation(void **state)
{
    struct fixture *f = *state;
    struct user u;
    char t1[65], t2[65];
    struct sd_session s;
    struct sd_actor a = {"ann", NULL, SD_ROLE_AGENT};
    struct sd_user info;

    add_user(f, "ann", SD_ROLE_AGENT, &u);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    /* idle: 29 min ok (and refreshed), then 31 min after the refresh: dead */
    sd_clock_set(T0 + 29 * 60);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
    sd_clock_set(T0 + 29 * 60 + 31 * 60);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    /* absolute expiry after 8 h even when active */
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    for(int m = 20; m < 8 * 60; m += 20) {
        sd_clock_set(T0 + 29 * 60 + 31 * 60 + (uint64_t)m * 60);
        assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
    }
    sd_clock_set(T0 + 60 * 60 + 8 * 3600);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    /* logout kills the token; replaying it fails */
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(sd_access_logout(f->d, &a, t1), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_access_logout(f->d, &a, t1), SD_E_UNAUTH);
    /* revocation and disabling kill every session */
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(login(f, "ann", &u, 0, t2), SD_OK);
    assert_int_equal(sd_access_user_revoke(f->d, &sys, "ann", &info), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_access_session(f->d, t2, NULL, &s), SD_E_UNAUTH);
    /* A login in the same second as the revocation gets a live session (it did not: sessions
     * were dead until a whole second after the revocation), and the revocation still holds
     * for the old ones. */
    assert_int_equal(login(f, "ann", &u, 0, t2), SD_OK);
    assert_int_equal(sd_access_session(f->d, t2, NULL, &s), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    sd_clock_set(sd_clock_now() + 5);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(sd_access_user_set_disabled(f->d, &sys, "ann", true, &info), SD_OK);
    assert_true(info.disabled);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_E_UNAUTH);
    /* malformed tokens */
    assert_int_equal(sd_access_session(f->d, "abc", NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_access_session(f->d, NULL, NULL, &s), SD_E_UNAUTH);
}

static void
test_unmask_needs_reason_role_or_assignment_and_is_rate_limited(void **state)
{
    struct fixture *f = *state;
    struct user u;
    struct sd_actor agent = {"agnes", NULL, SD_ROLE_AGENT};
    struct sd_actor other = {"otto", NULL, SD_ROLE_AGENT};
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t id;

    add_user(f, "agnes", SD_ROLE_AGENT, &u);
    add_user(f, "otto", SD_ROLE_AGENT, &u);
    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_CHAT;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "s";
    in.field[SD_F_BODY] = "deposit missing";
    in.field[SD_F_CUSTOMER_EMAIL] = "c@example.com";
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_OK);
    id = t.id;
    /* not yet assigned: agents may read it masked, not unmask it */
    assert_int_equal(sd_ticket_get(f->d, &agent, id, true, "call", &t), SD_E_DENIED);
    assert_int_equal(sd_queue_claim(f->d, &agent, "agnes", &t), SD_OK);
    assert_int_equal(sd_ticket_get(f->d, &agent, id, true, NULL, &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_get(f->d, &agent, id, true, "", &t), SD_E_INVALID);
    /* another agent cannot even read it now */
    assert_int_equal(sd_ticket_get(f->d, &other, id, false, NULL, &t), SD_E_DENIED);
    assert_int_equal(sd_ticket_comment(f->d, &other, id, "hi", false, &t), SD_E_DENIED);
    for(int i = 0; i < SD_UNMASK_PER_HOUR; i++) {
        assert_int_equal(sd_ticket_get(f->d, &agent, id, true, "customer call", &t), SD_OK);
        sd_ticket_clear(&t);
    }
    assert_int_equal(sd_ticket_get(f->d, &agent, id, true, "customer call", &t), SD_E_LIMIT);
    sd_clock_set(T0 + 3601);
    assert_int_equal(sd_ticket_get(f->d, &agent, id, true, "customer call", &t), SD_OK);
    assert_string_equal((char *)t.field[SD_F_CUSTOMER_EMAIL].data, "c@example.com");
    sd_ticket_clear(&t);
}

static void
test_invalidating_all_sessions_ends_every_session_and_is_audited(void **state)
{
    struct fixture *f = *state;
    struct user u, v;
    struct sd_session s;
    struct sd_txn *t;
    char t1[65], t2[65];
    uint64_t n = 0, before, after;

    add_user(f, "ann", SD_ROLE_AGENT, &u);
    add_user(f, "ben", SD_ROLE_AGENT, &v);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(login(f, "ben", &v, 0, t2), SD_OK);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_size(t, &before), SD_OK);
    sd_txn_abort(t);
    assert_int_equal(sd_access_sessions_invalidate(f->d, &sys, "restore", &n), SD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_access_session(f->d, t2, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_size(t, &after), SD_OK);
    sd_txn_abort(t);
    assert_int_equal(after, before + 1);
    /* users are untouched: they log in again */
    sd_clock_set(sd_clock_now() + 31);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
}

static void
test_password_change_needs_the_old_one_follows_the_rules_and_ends_sessions(void **state)
{
    struct fixture *f = *state;
    struct user u;
    struct sd_session s;
    const char *why = NULL;
    char t1[65];

    add_user(f, "ann", SD_ROLE_AGENT, &u);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(
        sd_access_user_passwd(f->d, &sys, "ann", "wrong password", "a new passphrase", &why),
        SD_E_UNAUTH);
    assert_string_equal(why, "old_password: does not match");
    assert_int_equal(sd_access_user_passwd(f->d, &sys, "ann", u.password, "short", &why),
                     SD_E_INVALID);
    assert_string_equal(why, "new_password: 12 to 128 bytes");
    assert_int_equal(
        sd_access_user_passwd(f->d, &sys, "ann", u.password, "xx-ANN-password-xx", &why),
        SD_E_INVALID);
    assert_string_equal(why, "new_password: must not contain the user name");
    assert_int_equal(sd_access_user_passwd(f->d, &sys, "ann", u.password, u.password, &why),
                     SD_E_INVALID);
    assert_string_equal(why, "new_password: must differ from the old password");
    assert_int_equal(
        sd_access_user_passwd(f->d, &sys, "ann", u.password, "tab\there ok long", &why),
        SD_E_INVALID);
    assert_int_equal(
        sd_access_user_passwd(f->d, &sys, "ghost", u.password, "a new passphrase", &why),
        SD_E_NOTFOUND);
    /* nothing changed by the refusals: the session still works */
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
    assert_int_equal(sd_access_user_passwd(f->d, &sys, "ann", u.password, "a new passphrase", &why),
                     SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    sd_clock_set(sd_clock_now() + 1);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_E_UNAUTH);
    snprintf(u.password, sizeof(u.password), "a new passphrase");
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
}

/* Expected matrix, written independently of authz/policy.c: which roles may call each RPC.
 * A = agent, S = supervisor, C = compliance, X = security_admin, U = auditor, * = anyone
 * authenticated, P = public (no session). */
static const struct {
    const char *path;
    const char *who;
} expected[] = {
    {"/sealdesk.v1.Tickets/Create", "AS"},
    {"/sealdesk.v1.Tickets/Get", "ASC"},
    {"/sealdesk.v1.Tickets/List", "ASC"},
    {"/sealdesk.v1.Tickets/Find", "ASC"},
    {"/sealdesk.v1.Tickets/Transition", "AS"},
    {"/sealdesk.v1.Tickets/Assign", "S"},
    {"/sealdesk.v1.Tickets/Comment", "ASC"},
    {"/sealdesk.v1.Tickets/Rate", "AS"},
    {"/sealdesk.v1.Tickets/ClaimNext", "AS"},
    {"/sealdesk.v1.Tickets/Overdue", "AS"},
    {"/sealdesk.v1.Tickets/Stats", "SCU"},
    {"/sealdesk.v1.Tickets/Triage", "AS"},
    {"/sealdesk.v1.Audit/GetCheckpoint", "CXU"},
    {"/sealdesk.v1.Audit/GetInclusionProof", "CXU"},
    {"/sealdesk.v1.Audit/GetConsistencyProof", "CXU"},
    {"/sealdesk.v1.Audit/Export", "CU"},
    {"/sealdesk.v1.Audit/Search", "CU"},
    {"/sealdesk.v1.Audit/GetPublicKey", "CXU"},
    {"/sealdesk.v1.Auth/Login", "P"},
    {"/sealdesk.v1.Auth/Logout", "*"},
    {"/sealdesk.v1.Admin/AddUser", "X"},
    {"/sealdesk.v1.Admin/SetUserDisabled", "X"},
    {"/sealdesk.v1.Admin/RevokeSessions", "X"},
    {"/sealdesk.v1.Admin/ListUsers", "X"},
    {"/sealdesk.v1.Admin/SetUserRoles", "X"},
    {"/sealdesk.v1.Admin/ResetTotp", "X"},
    {"/sealdesk.v1.Admin/ListUserRequests", "X"},
    {"/sealdesk.v1.Admin/ApproveUserRequest", "X"},
    {"/sealdesk.v1.Admin/RejectUserRequest", "X"},
    {"/sealdesk.v1.Admin/OffboardUser", "X"},
    {"/sealdesk.v1.Auth/ChangePassword", "*"},
    {"/sealdesk.v1.Remedies/Request", "AS"},
    {"/sealdesk.v1.Remedies/Approve", "SCX"},
    {"/sealdesk.v1.Remedies/Reject", "SCX"},
    {"/sealdesk.v1.Remedies/Get", "ASCXU"},
    {"/sealdesk.v1.Remedies/List", "ASCXU"},
    {"/sealdesk.v1.Remedies/Execute", "AS"},
    {"/sealdesk.v1.Remedies/Freeze", "SX"},
    {"/sealdesk.v1.Remedies/Review", "SCX"},
    {"/sealdesk.v1.Remedies/GetCustomer", "SCX"},
    {"/grpc.health.v1.Health/Check", "P"},
    {"/sealdesk.v1.Keys/Status", "X"},
    {"/sealdesk.v1.Keys/Shred", "X"},
    {"/sealdesk.v1.Keys/RotateAuditKey", "X"},
    {"/sealdesk.v1.Knowledge/Add", "S"},
    {"/sealdesk.v1.Knowledge/Edit", "S"},
    {"/sealdesk.v1.Knowledge/Get", "ASC"},
    {"/sealdesk.v1.Knowledge/Search", "ASC"},
    {"/sealdesk.v1.Routing/SetAgent", "S"},
    {"/sealdesk.v1.Routing/ListAgents", "S"},
    {"/sealdesk.v1.Routing/AutoRoute", "S"},
    {"/sealdesk.v1.Routing/Duty", "S"},
    {"/sealdesk.v1.Routing/AgentStats", "SCU"},
    {"/sealdesk.v1.Routing/DayStats", "SCU"},
    {"/sealdesk.v1.Routing/OverrideShift", "S"},
    {"/sealdesk.v1.Incidents/Open", "S"},
    {"/sealdesk.v1.Incidents/Link", "AS"},
    {"/sealdesk.v1.Incidents/Update", "S"},
    {"/sealdesk.v1.Incidents/Resolve", "S"},
    {"/sealdesk.v1.Incidents/Unlink", "AS"},
    {"/sealdesk.v1.Incidents/Confirm", "AS"},
    {"/sealdesk.v1.Incidents/Get", "ASC"},
    {"/sealdesk.v1.Incidents/List", "ASC"},
};

static void
test_every_rpc_times_every_role(void **state)
{
    struct fixture *f = *state;
    static const char letters[] = "ASCXU";
    char tokens[5][65];
    char name[16];
    size_t covered = 0;

    for(int r = 0; r < 5; r++) {
        struct user u;

        snprintf(name, sizeof(name), "role%d", r);
        add_user(f, name, 1u << r, &u);
        assert_int_equal(login(f, name, &u, 0, tokens[r]), SD_OK);
    }
    for(size_t i = 0; sd_rpc_method_path(i); i++) {
        const char *path = sd_rpc_method_path(i);
        const char *who = NULL;

        for(size_t k = 0; k < sizeof(expected) / sizeof(expected[0]); k++) {
            if(strcmp(expected[k].path, path) == 0)
                who = expected[k].who;
        }
        if(!who)
            fail_msg("RPC %s has no row in the expected matrix", path);
        covered++;
        for(int r = -1; r < 5; r++) {
            struct sd_rpc_call c;
            char auth[80];
            bool allow;

            memset(&c, 0, sizeof(c));
            c.method = path;
            c.req = (const uint8_t *)"";
            c.req_len = 0;
            if(r >= 0) {
                snprintf(auth, sizeof(auth), "Bearer %s", tokens[r]);
                c.authorization = auth;
            }
            if(strcmp(path, "/sealdesk.v1.Auth/Logout") == 0)
                continue; /* would end the session; covered by the session test */
            sd_rpc_dispatch(f->d, &c);
            if(strcmp(who, "P") == 0)
                allow = true;
            else if(r < 0)
                allow = false;
            else
                allow = strcmp(who, "*") == 0 || strchr(who, letters[r]);
            if(r < 0 && strcmp(who, "P") != 0)
                assert_int_equal(c.status, SD_GRPC_UNAUTHENTICATED);
            else if(allow && strcmp(who, "P") == 0)
                assert_int_not_equal(c.status, SD_GRPC_PERMISSION_DENIED);
            else if(allow &&
                    (c.status == SD_GRPC_PERMISSION_DENIED || c.status == SD_GRPC_UNAUTHENTICATED))
                fail_msg("%s as %c: status %d, expected to be allowed", path, letters[r], c.status);
            else if(!allow && c.status != SD_GRPC_PERMISSION_DENIED)
                fail_msg("%s as %c: status %d, expected PERMISSION_DENIED", path, letters[r],
                         c.status);
            sd_rpc_call_clear(&c);
        }
    }
    assert_true(covered >= 22);
}

/* Compliance may add internal notes to any ticket, never public replies (item 20). */
static void
test_compliance_adds_internal_notes_only(void **state)
{
    struct fixture *f = *state;
    struct sd_actor agent = {"agnes", NULL, SD_ROLE_AGENT};
    struct sd_actor comp = {"carla", NULL, SD_ROLE_COMPLIANCE};
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t id;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_CHAT;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "s";
    in.field[SD_F_BODY] = "deposit missing";
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_OK);
    id = t.id;
    assert_true(sd_policy_allows(SD_ROLE_COMPLIANCE, SD_OP_TICKET_COMMENT));
    assert_int_equal(sd_ticket_comment(f->d, &comp, id, "KYC hold noted", true, &t), SD_OK);
    assert_int_equal(sd_ticket_comment(f->d, &comp, id, "hello customer", false, &t), SD_E_DENIED);
    assert_int_equal(sd_ticket_comment_article(f->d, &comp, id, 1, &t), SD_E_DENIED);
    assert_int_equal(sd_ticket_get(f->d, &comp, id, false, NULL, &t), SD_OK);
    assert_int_equal(t.events[t.n_events - 1].kind, SD_EV_COMMENT);
    assert_true(t.events[t.n_events - 1].internal);
    assert_string_equal(t.events[t.n_events - 1].actor, "carla");
    assert_int_equal(t.first_response_at, 0); /* a note is not a response */
    sd_ticket_clear(&t);
    /* auditors still may not comment at all */
    assert_false(sd_policy_allows(SD_ROLE_AUDITOR, SD_OP_TICKET_COMMENT));
}

/* ---- issue 13 items 11 and 12: login abuse ---- */

static uint64_t
audit_size(struct fixture *f)
{
    struct sd_txn *t;
    uint64_t n = 0;

    assert_int_equal(sd_txn_begin(sd_desk_store(f->d), false, &t), SD_OK);
    assert_int_equal(sd_audit_size(t, &n), SD_OK);
    sd_txn_abort(t);
    return n;
}

static bool
audit_has(struct fixture *f, const char *needle)
{
    struct sd_buf all = SD_BUF_INIT;
    bool found = false;

    assert_int_equal(sd_desk_audit_export_mem(f->d, &sys, 0, &all), SD_OK);
    for(size_t i = 0; i + strlen(needle) <= all.len && !found; i++)
        found = memcmp(all.data + i, needle, strlen(needle)) == 0;
    sd_buf_free(&all);
    return found;
}

static sd_err
login_from(struct fixture *f, const char *src, const char *name, const char *password)
{
    char token[65];
    uint64_t exp;
    unsigned roles;

    return sd_access_login_src(f->d, src, name, password, "", NULL, NULL, token, &exp, &roles);
}

static void
test_login_lock_is_cleared_when_it_expires(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct sd_user info;
    struct user u;
    char token[65];

    sd_login_limits_defaults(&lim);
    lim.fails_per_name = lim.fails_per_source = 1000; /* only the account lock here */
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    for(int i = 0; i < SD_LOGIN_MAX_FAILS; i++)
        assert_int_equal(login_from(f, NULL, "kim", "wrong"), SD_E_UNAUTH);
    assert_int_equal(login(f, "kim", &u, 0, token), SD_E_UNAUTH); /* locked */
    /* The lock expires; one more wrong password must not lock the account again at once
     * (it did: the counter stayed at 10, so one try per lock period kept it locked). */
    sd_clock_set(T0 + SD_LOGIN_LOCK_SECONDS + 1);
    assert_int_equal(login_from(f, NULL, "kim", "wrong"), SD_E_UNAUTH);
    {
        struct sd_txn *t;

        assert_int_equal(sd_txn_begin(sd_desk_store(f->d), false, &t), SD_OK);
        assert_int_equal(sd_user_get(t, "kim", &info), SD_OK);
        sd_txn_abort(t);
    }
    assert_int_equal(info.failed_logins, 1);
    assert_int_equal(info.locked_until, 0);
    assert_int_equal(login(f, "kim", &u, 0, token), SD_OK);
}

static void
test_login_unknown_locked_and_disabled_answer_alike(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct sd_user info;
    struct user u, v;

    sd_login_limits_defaults(&lim);
    lim.fails_per_name = lim.fails_per_source = 1000;
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    add_user(f, "dan", SD_ROLE_AGENT, &v);
    assert_int_equal(login_from(f, NULL, "nobody", "whatever"), SD_E_UNAUTH);
    for(int i = 0; i < SD_LOGIN_MAX_FAILS; i++)
        assert_int_equal(login_from(f, NULL, "kim", "wrong"), SD_E_UNAUTH);
    /* locked, right password: was SD_E_DENIED (PERMISSION_DENIED), a tell */
    assert_int_equal(login_from(f, NULL, "kim", u.password), SD_E_UNAUTH);
    /* disabled: right and wrong passwords answer the same (the right one said DENIED) */
    assert_int_equal(sd_access_user_set_disabled(f->d, &sys, "dan", true, &info), SD_OK);
    assert_int_equal(login_from(f, NULL, "dan", v.password), SD_E_UNAUTH);
    assert_int_equal(login_from(f, NULL, "dan", "wrong"), SD_E_UNAUTH);
}

static void
test_login_throttle_per_source_and_per_name(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct user u;
    char name[32];

    sd_login_limits_defaults(&lim);
    lim.fails_per_source = 6;
    lim.fails_per_name = 4;
    lim.window_s = 60;
    lim.backoff_max_s = 600;
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    /* per source: 6 failures with 6 different unknown names from one address ... */
    for(int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "ghost%d", i);
        assert_int_equal(login_from(f, "192.0.2.7", name, "pw"), SD_E_UNAUTH);
    }
    /* ... and that address backs off, even for a real user with the right password, before
     * any hash is spent; another address is not affected */
    assert_int_equal(login_from(f, "192.0.2.7", "kim", u.password), SD_E_LIMIT);
    assert_int_equal(login_from(f, "192.0.2.8", "kim", u.password), SD_OK);
    /* the back-off ends after one window; a second strike lasts two */
    sd_clock_set(T0 + 61);
    assert_int_equal(login_from(f, "192.0.2.7", "kim", u.password), SD_OK);
    for(int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "ghost%d", 10 + i);
        assert_int_equal(login_from(f, "192.0.2.7", name, "pw"), SD_E_UNAUTH);
    }
    sd_clock_set(T0 + 61 + 61);
    assert_int_equal(login_from(f, "192.0.2.7", "ghost99", "pw"), SD_E_LIMIT);
    sd_clock_set(T0 + 61 + 121);
    assert_int_equal(login_from(f, "192.0.2.7", "ghost99", "pw"), SD_E_UNAUTH);
    /* per name, across addresses: an unknown and an existing name behave the same */
    for(int i = 0; i < 4; i++) {
        snprintf(name, sizeof(name), "198.51.100.%d", i);
        assert_int_equal(login_from(f, name, "nobody", "pw"), SD_E_UNAUTH);
        assert_int_equal(login_from(f, name, "kim", "pw"), SD_E_UNAUTH);
    }
    assert_int_equal(login_from(f, "203.0.113.1", "nobody", "pw"), SD_E_LIMIT);
    assert_int_equal(login_from(f, "203.0.113.1", "kim", u.password), SD_E_LIMIT);
}

static void
test_login_failures_are_audited_per_window_with_hashed_unknown_names(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct user u;
    uint64_t before, after;
    char src[32];

    sd_login_limits_defaults(&lim);
    lim.fails_per_name = lim.fails_per_source = 1000;
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    before = audit_size(f);
    /* 30 failures: a password typed as the name, a real user's wrong passwords */
    for(int i = 0; i < 20; i++) {
        snprintf(src, sizeof(src), "192.0.2.%d", i);
        assert_int_equal(login_from(f, src, "Hunter2-Secret!", "x"), SD_E_UNAUTH);
    }
    for(int i = 0; i < 9; i++)
        assert_int_equal(login_from(f, "192.0.2.1", "kim", "wrong"), SD_E_UNAUTH);
    /* nothing written per attempt */
    assert_int_equal(audit_size(f), before);
    /* the window ends: the next login writes one record per label, with the count */
    sd_clock_set(T0 + 61);
    assert_int_equal(login_from(f, "192.0.2.1", "kim", u.password), SD_OK);
    after = audit_size(f);
    assert_int_equal(after, before + 3); /* unknown:<hash>, kim, auth.login */
    assert_false(audit_has(f, "Hunter2"));
    assert_true(audit_has(f, "unknown:"));
    assert_true(audit_has(f, "failures=20 "));
    assert_true(audit_has(f, "failures=9 "));
    /* a flood of distinct names stays bounded per window: 64 labels and one sum */
    after = audit_size(f);
    for(int i = 0; i < 70; i++) {
        snprintf(src, sizeof(src), "name%d", i);
        assert_int_equal(login_from(f, NULL, src, "x"), SD_E_UNAUTH);
    }
    assert_int_equal(sd_access_login_audit_flush(f->d), SD_OK);
    assert_int_equal(audit_size(f), after + 65);
    assert_true(audit_has(f, "labels over the per-window cap"));
}

struct flood {
    struct fixture *f;
    atomic_bool done;
};

static void *
flood_main(void *arg)
{
    struct flood *fl = arg;

    for(int i = 0; i < 4; i++)
        (void)login_from(fl->f, NULL, "nobody", "not a password");
    atomic_store(&fl->done, true);
    return NULL;
}

static uint64_t
mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
test_login_hash_runs_outside_the_write_txn(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct sd_user info;
    struct flood fl;
    struct user u;
    pthread_t th;
    uint64_t t0, hash_us, sum = 0, n = 0;

    sd_login_limits_defaults(&lim);
    lim.fails_per_name = lim.fails_per_source = 1000;
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    t0 = mono_us();
    assert_false(sd_auth_password_verify(NULL, "not a password"));
    hash_us = mono_us() - t0;
    fl.f = f;
    atomic_init(&fl.done, false);
    assert_int_equal(pthread_create(&th, NULL, flood_main, &fl), 0);
    /* Cheap audited writes while unknown names log in: they must not wait for Argon2id
     * (before: every login held the write txn for a whole hash). */
    while(!atomic_load(&fl.done)) {
        t0 = mono_us();
        assert_int_equal(sd_access_user_set_disabled(f->d, &sys, "kim", false, &info), SD_OK);
        sum += mono_us() - t0;
        n++;
    }
    pthread_join(th, NULL);
    assert_true(n > 0);
    print_message("hash %llu us, %llu writes, mean write %llu us\n", (unsigned long long)hash_us,
                  (unsigned long long)n, (unsigned long long)(sum / n));
    assert_true(sum / n < hash_us / 5);
}

/* Issue 13 item 13: Audit/Export answers wait in memory until the client reads them; the
 * process holds at most the export budget (export-memory-mb) across all of them. Before, 30
 * stalled exports held 30 copies of the log. */
static void
test_export_memory_is_bounded_for_the_whole_process(void **state)
{
    struct fixture *f = *state;
    struct sd_rpc_call c1, c2;
    struct user u;
    char token[65], auth[80];
    size_t held;

    add_user(f, "aud", SD_ROLE_COMPLIANCE, &u);
    assert_int_equal(login(f, "aud", &u, 0, token), SD_OK);
    snprintf(auth, sizeof(auth), "Bearer %s", token);
    memset(&c1, 0, sizeof(c1));
    c1.method = "/sealdesk.v1.Audit/Export";
    c1.req = (const uint8_t *)"";
    c1.authorization = auth;
    c2 = c1;
    /* the first export fits the budget and holds it until its answer is gone */
    sd_rpc_mem_set_limit(64 * 1024);
    sd_rpc_dispatch(f->d, &c1);
    assert_int_equal(c1.status, SD_GRPC_OK);
    held = sd_rpc_mem_held();
    assert_true(held > 0 && held == c1.mem_reserved);
    /* a second one while the first is still held: over the budget, refused */
    sd_rpc_mem_set_limit(held + held / 2);
    sd_rpc_dispatch(f->d, &c2);
    assert_int_equal(c2.status, SD_GRPC_RESOURCE_EXHAUSTED);
    assert_int_equal(sd_rpc_mem_held(), held);
    sd_rpc_call_clear(&c2);
    /* once the first answer is gone, the next export is served */
    sd_rpc_call_clear(&c1);
    assert_int_equal(sd_rpc_mem_held(), 0);
    memset(&c2, 0, sizeof(c2));
    c2.method = "/sealdesk.v1.Audit/Export";
    c2.req = (const uint8_t *)"";
    c2.authorization = auth;
    sd_rpc_mem_set_limit(4 * held);
    sd_rpc_dispatch(f->d, &c2);
    assert_int_equal(c2.status, SD_GRPC_OK);
    sd_rpc_call_clear(&c2);
    sd_rpc_mem_set_limit(0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totp_matches_rfc_vectors),
        cmocka_unit_test(test_base32_round_trip),
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_roles_need_totp_and_names_are_checked),
        T(test_login_totp_replay_and_lockout),
        T(test_sessions_expire_idle_logout_and_revocation),
        T(test_unmask_needs_reason_role_or_assignment_and_is_rate_limited),
        T(test_invalidating_all_sessions_ends_every_session_and_is_audited),
        T(test_password_change_needs_the_old_one_follows_the_rules_and_ends_sessions),
        T(test_every_rpc_times_every_role),
        T(test_compliance_adds_internal_notes_only),
        T(test_login_lock_is_cleared_when_it_expires),
        T(test_login_unknown_locked_and_disabled_answer_alike),
        T(test_login_throttle_per_source_and_per_name),
        T(test_login_failures_are_audited_per_window_with_hashed_unknown_names),
        T(test_login_hash_runs_outside_the_write_txn),
        T(test_export_memory_is_bounded_for_the_whole_process),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
