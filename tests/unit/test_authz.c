/* Authorization (src/authz): TOTP against the RFC 4226/6238 vectors, base32, which roles need
 * TOTP, the role x RPC matrix over every method of the dispatch table, unmask rules and rate
 * limit, compliance notes. */
#include "auth_helpers.h"

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

/* Expected matrix, written independently of authz/policy.c: which roles may call each RPC.
 * A = agent, S = supervisor, C = compliance, X = security_admin, U = auditor, I = intake (the
 * service identity: Intake only), B = backoffice (service identity: event feed and profile
 * sync), * = anyone authenticated, P = public (no session). */
static const struct {
    const char *path;
    const char *who;
} expected[] = {
    {"/sealdesk.v1.Tickets/Create", "AS"},
    {"/sealdesk.v1.Tickets/Get", "ASC"},
    {"/sealdesk.v1.Tickets/List", "ASC"},
    {"/sealdesk.v1.Tickets/Find", "ASC"},
    {"/sealdesk.v1.Tickets/Search", "ASC"},
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
    {"/sealdesk.v1.Auth/Logout", "ASCXUB"},
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
    {"/sealdesk.v1.Auth/ChangePassword", "ASCXUB"},
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
    {"/sealdesk.v1.Keys/RotateMailKey", "X"},
    {"/sealdesk.v1.Customers/Get", "SCX"},
    {"/sealdesk.v1.Customers/Upsert", "S"},
    {"/sealdesk.v1.Customers/Sync", "B"},
    {"/sealdesk.v1.Customers/ListTickets", "SCX"},
    {"/sealdesk.v1.Attachments/List", "ASC"},
    {"/sealdesk.v1.Attachments/Download", "ASC"},
    {"/sealdesk.v1.Events/Read", "CXB"},
    {"/sealdesk.v1.Events/Ack", "CXB"},
    {"/sealdesk.v1.Intake/CreateTicket", "I"},
    {"/sealdesk.v1.Intake/AddMessage", "I"},
    {"/sealdesk.v1.Intake/SubmitMail", "I"},
    {"/sealdesk.v1.Intake/GetStatus", "I"},
    {"/sealdesk.v1.Intake/SuggestArticles", "I"},
    {"/sealdesk.v1.Intake/RateTicket", "I"},
    {"/sealdesk.v1.Intake/VerifyMessage", "ASCXI"},
    {"/sealdesk.v1.Auth/Me", "ASCXU"},
    {"/sealdesk.v1.Auth/SetPreferences", "ASCXU"},
    {"/sealdesk.v1.Tickets/Related", "ASC"},
    {"/sealdesk.v1.Tickets/Inbox", "ASC"},
    {"/sealdesk.v1.Audit/Checkpoints", "CXU"},
    {"/sealdesk.v1.Tickets/SetTriage", "AS"},
};

static void
test_every_rpc_times_every_role(void **state)
{
    struct fixture *f = *state;
    static const char letters[] = "ASCXUIB";
    static const unsigned bits[] = {SD_ROLE_AGENT,          SD_ROLE_SUPERVISOR, SD_ROLE_COMPLIANCE,
                                    SD_ROLE_SECURITY_ADMIN, SD_ROLE_AUDITOR,    SD_ROLE_INTAKE,
                                    SD_ROLE_BACKOFFICE};
    char tokens[7][65];
    char name[16];
    size_t covered = 0;

    for(int r = 0; r < 7; r++) {
        struct user u;

        snprintf(name, sizeof(name), "role%d", r);
        add_user(f, name, bits[r], &u);
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
        for(int r = -1; r < 7; r++) {
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
    assert_true(covered >= 29);
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totp_matches_rfc_vectors),
        cmocka_unit_test(test_base32_round_trip),
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_roles_need_totp_and_names_are_checked),
        T(test_unmask_needs_reason_role_or_assignment_and_is_rate_limited),
        T(test_every_rpc_times_every_role),
        T(test_compliance_adds_internal_notes_only),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
