/* RPC dispatch (src/rpc): Audit/Export answers held in memory count against one process-wide
 * budget; the back-office services (dispatch_backoffice.c) check the request's shape, naming
 * the field, and pass the session's actor to the library. */
#include "auth_helpers.h"

#include "backoffice.pb-c.h"
#include "sealdesk/events.h"
#include "sealdesk/rpc.h"

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

/* Call method with message m as the session of token; the reply stays in c. */
static void
call(struct fixture *f, struct sd_rpc_call *c, const char *method, const ProtobufCMessage *m,
     const char *auth, uint8_t *buf)
{
    memset(c, 0, sizeof(*c));
    c->method = method;
    c->req_len = protobuf_c_message_pack(m, buf);
    c->req = buf;
    c->authorization = auth;
    sd_rpc_dispatch(f->d, c);
}

static void
test_backoffice_requests_are_checked_and_run_as_the_session_actor(void **state)
{
    struct fixture *f = *state;
    struct sd_rpc_call c;
    struct user sup, cmp;
    char tok[65], auth_s[80], auth_c[80];
    uint8_t buf[1024];
    char *clear_bad[] = {"vip"};

    add_user(f, "sup", SD_ROLE_SUPERVISOR, &sup);
    add_user(f, "cmp", SD_ROLE_COMPLIANCE, &cmp);
    assert_int_equal(login(f, "sup", &sup, 0, tok), SD_OK);
    snprintf(auth_s, sizeof(auth_s), "Bearer %s", tok);
    assert_int_equal(login(f, "cmp", &cmp, 0, tok), SD_OK);
    snprintf(auth_c, sizeof(auth_c), "Bearer %s", tok);
    {
        Sealdesk__V1__CustomerUpsertRequest m = SEALDESK__V1__CUSTOMER_UPSERT_REQUEST__INIT;
        Sealdesk__V1__CustomerProfileView *p;

        m.uid = "UID-RPC1";
        m.vip = "vip2";
        m.lang = "zh-TW";
        call(f, &c, "/sealdesk.v1.Customers/Upsert", &m.base, auth_s, buf);
        assert_int_equal(c.status, SD_GRPC_OK);
        p = sealdesk__v1__customer_profile_view__unpack(NULL, c.msgs[0].len, c.msgs[0].data);
        assert_non_null(p);
        assert_string_equal(p->updated_by, "sup"); /* the session's user, not the server */
        assert_int_equal(p->vip_tier, 2);
        assert_string_equal(p->lang, "zh-Hant");
        sealdesk__v1__customer_profile_view__free_unpacked(p, NULL);
        sd_rpc_call_clear(&c);
        m.vip = "gold";
        call(f, &c, "/sealdesk.v1.Customers/Upsert", &m.base, auth_s, buf);
        assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
        assert_non_null(strstr(c.message, "vip:"));
        sd_rpc_call_clear(&c);
        m.vip = "";
        m.clear = clear_bad;
        m.n_clear = 1;
        call(f, &c, "/sealdesk.v1.Customers/Upsert", &m.base, auth_s, buf);
        assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
        assert_non_null(strstr(c.message, "clear:"));
        sd_rpc_call_clear(&c);
        /* compliance reads profiles but does not edit them */
        m.clear = NULL;
        m.n_clear = 0;
        call(f, &c, "/sealdesk.v1.Customers/Upsert", &m.base, auth_c, buf);
        assert_int_equal(c.status, SD_GRPC_PERMISSION_DENIED);
        sd_rpc_call_clear(&c);
    }
    {
        Sealdesk__V1__CustomerGetRequest m = SEALDESK__V1__CUSTOMER_GET_REQUEST__INIT;

        m.uid = "UID-RPC1";
        m.email = "a@example.com";
        call(f, &c, "/sealdesk.v1.Customers/Get", &m.base, auth_c, buf);
        assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
        sd_rpc_call_clear(&c);
        m.email = "";
        call(f, &c, "/sealdesk.v1.Customers/Get", &m.base, auth_c, buf);
        assert_int_equal(c.status, SD_GRPC_OK);
        sd_rpc_call_clear(&c);
    }
    {
        Sealdesk__V1__EventsReadRequest m = SEALDESK__V1__EVENTS_READ_REQUEST__INIT;

        m.max = SD_EVENTS_PAGE_MAX + 1;
        call(f, &c, "/sealdesk.v1.Events/Read", &m.base, auth_c, buf);
        assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
        assert_non_null(strstr(c.message, "max:"));
        sd_rpc_call_clear(&c);
    }
    {
        Sealdesk__V1__AttachmentDownloadRequest m = SEALDESK__V1__ATTACHMENT_DOWNLOAD_REQUEST__INIT;

        m.id = 1;
        call(f, &c, "/sealdesk.v1.Attachments/Download", &m.base, auth_s, buf);
        assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
        assert_non_null(strstr(c.message, "reason:"));
        sd_rpc_call_clear(&c);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_export_memory_is_bounded_for_the_whole_process),
        T(test_backoffice_requests_are_checked_and_run_as_the_session_actor),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
