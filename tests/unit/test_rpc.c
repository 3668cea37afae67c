/* RPC dispatch (src/rpc): Audit/Export answers held in memory count against one process-wide
 * budget. */
#include "auth_helpers.h"

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


int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_export_memory_is_bounded_for_the_whole_process),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
