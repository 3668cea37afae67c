/* Unit tests for src/rpc/h2.c's per-method request limit (issue 15 "big mail over gRPC"): an
 * in-memory nghttp2 client talks to an sd_h2 server session, no TLS. The session asks the
 * method's limit once the headers are in: a 5 MiB request to a large method arrives whole
 * (through the 1 MiB stream window, so WINDOW_UPDATEs are granted as bytes are consumed) and
 * is held against the process budget until its job is freed; 1.5 MiB to a 1 MiB method is
 * still RESOURCE_EXHAUSTED; over the budget (intake-memory-mb) is RESOURCE_EXHAUSTED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <nghttp2/nghttp2.h>

#include "rpc/rpc_int.h"
#include "sealdesk/rpc.h"

#define MIB ((size_t)1 << 20)

/* What the "server" saw and the "client" got back. */
struct result {
    int submitted; /* jobs handed to submit */
    size_t req_len;
    size_t req_mem;  /* the job's reservation */
    size_t held_job; /* sd_rpc_req_mem_held() while the job was alive */
    int status;      /* grpc-status from the answer, -1 none */
    struct sd_buf body;
    size_t off;
    struct sd_h2 *h;
};

static size_t
limits(const char *path)
{
    return strcmp(path, "/t.S/Big") == 0 ? SD_RPC_MAX_REQ_LARGE : SD_RPC_MAX_MSG;
}

static sd_err
submit(void *ctx, struct sd_h2_job *job)
{
    struct result *r = ctx;

    r->submitted++;
    r->req_len = job->req.len;
    r->req_mem = job->req_mem;
    r->held_job = sd_rpc_req_mem_held();
    /* Answer it like a handler would, so the client sees a status. */
    sd_rpc_call_status(&job->call, SD_GRPC_OK, "%s", "");
    sd_h2_complete(r->h, job);
    return SD_OK;
}

static ssize_t
client_read(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t cap, uint32_t *flags,
            nghttp2_data_source *src, void *user)
{
    struct result *r = src->ptr;
    size_t left = r->body.len - r->off;
    size_t n = left < cap ? left : cap;

    (void)ng;
    (void)id;
    (void)user;
    memcpy(buf, r->body.data + r->off, n);
    r->off += n;
    if(r->off == r->body.len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

static int
client_header(nghttp2_session *ng, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
              const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
    struct result *r = user;

    (void)ng;
    (void)frame;
    (void)flags;
    if(namelen == 11 && memcmp(name, "grpc-status", 11) == 0 && valuelen < 8) {
        char v[8];

        memcpy(v, value, valuelen);
        v[valuelen] = 0;
        r->status = atoi(v);
    }
    return 0;
}

/* One call of body_len message bytes to path; max_req NULL: the session's default. */
static void
call(struct result *r, const char *path, size_t body_len, size_t (*max_req)(const char *))
{
    struct sd_h2_opts o;
    nghttp2_session_callbacks *cbs = NULL;
    nghttp2_session *cl = NULL;
    struct sd_buf out = SD_BUF_INIT;
    uint8_t *msg = calloc(1, body_len ? body_len : 1);
    nghttp2_nv hdr[] = {
        {(uint8_t *)":method", (uint8_t *)"POST", 7, 4, 0},
        {(uint8_t *)":scheme", (uint8_t *)"https", 7, 5, 0},
        {(uint8_t *)":path", (uint8_t *)path, 5, strlen(path), 0},
        {(uint8_t *)":authority", (uint8_t *)"t", 10, 1, 0},
        {(uint8_t *)"content-type", (uint8_t *)"application/grpc", 12, 16, 0},
        {(uint8_t *)"te", (uint8_t *)"trailers", 2, 8, 0},
    };
    nghttp2_data_provider prd;

    memset(r, 0, sizeof(*r));
    r->status = -1;
    assert_non_null(msg);
    assert_int_equal(sd_grpc_frame(&r->body, msg, body_len), SD_OK);
    free(msg);
    memset(&o, 0, sizeof(o));
    o.submit = submit;
    o.ctx = r;
    o.conn_id = 1;
    o.max_req = max_req;
    assert_int_equal(sd_h2_new(&r->h, &o), SD_OK);
    assert_int_equal(nghttp2_session_callbacks_new(&cbs), 0);
    nghttp2_session_callbacks_set_on_header_callback(cbs, client_header);
    assert_int_equal(nghttp2_session_client_new(&cl, cbs, r), 0);
    assert_int_equal(nghttp2_submit_settings(cl, NGHTTP2_FLAG_NONE, NULL, 0), 0);
    prd.source.ptr = r;
    prd.read_callback = client_read;
    assert_true(nghttp2_submit_request(cl, NULL, hdr, sizeof(hdr) / sizeof(hdr[0]), &prd, NULL) >
                0);
    for(int rounds = 0; rounds < 100000; rounds++) {
        const uint8_t *p = NULL;
        ssize_t n;
        bool moved = false;

        while((n = nghttp2_session_mem_send(cl, &p)) > 0) {
            moved = true;
            if(sd_h2_recv(r->h, p, (size_t)n) != SD_OK)
                break;
        }
        out.len = 0;
        assert_int_equal(sd_h2_send(r->h, &out, 1 << 20), SD_OK);
        if(out.len) {
            moved = true;
            assert_true(nghttp2_session_mem_recv(cl, out.data, out.len) >= 0);
        }
        if(!moved || r->status >= 0)
            break;
    }
    nghttp2_session_del(cl);
    nghttp2_session_callbacks_del(cbs);
    sd_h2_free(r->h);
    sd_buf_free(&r->body);
    sd_buf_free(&out);
}

static void
test_large_method_takes_5_mib_through_window_updates_and_holds_the_budget(void **state)
{
    struct result r;

    (void)state;
    sd_rpc_req_mem_set_limit(128 * MIB);
    call(&r, "/t.S/Big", 5 * MIB, limits);
    assert_int_equal(r.status, SD_GRPC_OK);
    assert_int_equal(r.submitted, 1);
    assert_int_equal(r.req_len, 5 * MIB);
    /* the body (with its 5-byte prefix) was held while the job lived, and is released */
    assert_int_equal(r.req_mem, 5 * MIB + 5);
    assert_int_equal(r.held_job, 5 * MIB + 5);
    assert_int_equal(sd_rpc_req_mem_held(), 0);
}

static void
test_small_method_still_refuses_1_5_mib(void **state)
{
    struct result r;

    (void)state;
    call(&r, "/t.S/Small", MIB + MIB / 2, limits);
    assert_int_equal(r.status, SD_GRPC_RESOURCE_EXHAUSTED);
    assert_int_equal(r.submitted, 0);
    /* a small method's body is never charged to the large-request budget */
    assert_int_equal(sd_rpc_req_mem_held(), 0);
    /* exactly the 1 MiB limit still passes */
    call(&r, "/t.S/Small", SD_RPC_MAX_MSG, limits);
    assert_int_equal(r.status, SD_GRPC_OK);
    assert_int_equal(r.req_len, SD_RPC_MAX_MSG);
    assert_int_equal(r.req_mem, 0);
}

static void
test_without_a_limit_table_every_method_keeps_1_mib(void **state)
{
    struct result r;

    (void)state;
    call(&r, "/t.S/Big", MIB + MIB / 2, NULL);
    assert_int_equal(r.status, SD_GRPC_RESOURCE_EXHAUSTED);
    assert_int_equal(r.submitted, 0);
}

static void
test_large_method_over_its_own_limit_is_refused(void **state)
{
    struct result r;

    (void)state;
    sd_rpc_req_mem_set_limit(0);
    call(&r, "/t.S/Big", SD_RPC_MAX_REQ_LARGE + 1, limits);
    assert_int_equal(r.status, SD_GRPC_RESOURCE_EXHAUSTED);
    assert_int_equal(r.submitted, 0);
    assert_int_equal(sd_rpc_req_mem_held(), 0);
    sd_rpc_req_mem_set_limit(128 * MIB);
}

static void
test_over_the_process_budget_is_resource_exhausted_and_releases_all(void **state)
{
    struct result r;

    (void)state;
    sd_rpc_req_mem_set_limit(2 * MIB);
    call(&r, "/t.S/Big", 5 * MIB, limits);
    assert_int_equal(r.status, SD_GRPC_RESOURCE_EXHAUSTED);
    assert_int_equal(r.submitted, 0);
    assert_int_equal(sd_rpc_req_mem_held(), 0);
    /* under the budget it goes through */
    call(&r, "/t.S/Big", MIB + MIB / 2, limits);
    assert_int_equal(r.status, SD_GRPC_OK);
    assert_int_equal(r.req_len, MIB + MIB / 2);
    assert_int_equal(sd_rpc_req_mem_held(), 0);
    sd_rpc_req_mem_set_limit(128 * MIB);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_method_takes_5_mib_through_window_updates_and_holds_the_budget),
        cmocka_unit_test(test_small_method_still_refuses_1_5_mib),
        cmocka_unit_test(test_without_a_limit_table_every_method_keeps_1_mib),
        cmocka_unit_test(test_large_method_over_its_own_limit_is_refused),
        cmocka_unit_test(test_over_the_process_budget_is_resource_exhausted_and_releases_all),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
