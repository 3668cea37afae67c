/* Unit tests for the shared request/reply shape of src/rpc (dispatch.c, reply.c): every row of
 * the method table names the request type its service declares, the unpack step refuses a NUL
 * (naming the field, nested too), a malformed body and an oversized one, a secret request is
 * wiped, and the list/answer helpers build what protobuf-c packs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backoffice.pb-c.h"
#include "desk.pb-c.h"
#include "health.pb-c.h"
#include "intake.pb-c.h"
#include "keys.pb-c.h"
#include "remedies.pb-c.h"
#include "rpc/dispatch_int.h"
#include "sealdesk.pb-c.h"

static const ProtobufCServiceDescriptor *const services[] = {
    &sealdesk__v1__tickets__descriptor,   &sealdesk__v1__audit__descriptor,
    &sealdesk__v1__auth__descriptor,      &sealdesk__v1__admin__descriptor,
    &sealdesk__v1__knowledge__descriptor, &sealdesk__v1__routing__descriptor,
    &sealdesk__v1__incidents__descriptor, &sealdesk__v1__keys__descriptor,
    &sealdesk__v1__remedies__descriptor,  &grpc__health__v1__health__descriptor,
    &sealdesk__v1__customers__descriptor, &sealdesk__v1__attachments__descriptor,
    &sealdesk__v1__events__descriptor,    &sealdesk__v1__intake__descriptor,
};

/* The proto's input type of "/package.Service/Method", or NULL. */
static const ProtobufCMessageDescriptor *
proto_input(const char *path)
{
    const char *slash = strrchr(path, '/');

    for(size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        size_t sl = strlen(services[i]->name);
        const ProtobufCMethodDescriptor *m;

        if((size_t)(slash - path - 1) != sl || memcmp(services[i]->name, path + 1, sl) != 0)
            continue;
        m = protobuf_c_service_descriptor_get_method_by_name(services[i], slash + 1);
        return m ? m->input : NULL;
    }
    return NULL;
}

static void
test_every_method_row_names_the_proto_request_type(void **state)
{
    size_t n = 0, proto_methods = 0;

    (void)state;
    for(size_t i = 0; sd_rpc_method_at(i); i++) {
        const struct sd_rpc_method *m = sd_rpc_method_at(i);

        if(proto_input(m->path) != m->in)
            fail_msg("%s: table request type %s, proto says another", m->path, m->in->name);
        assert_non_null(m->fn);
        assert_ptr_equal(sd_rpc_method_find(m->path), m);
        assert_string_equal(sd_rpc_method_path(i), m->path);
        n++;
    }
    for(size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
        proto_methods += services[i]->n_methods;
    assert_int_equal(n, proto_methods); /* every RPC of the protos has its row */
    assert_null(sd_rpc_method_find("/sealdesk.v1.Tickets/Nope"));
}

static ProtobufCMessage *
unpack(const char *path, const uint8_t *p, size_t n, struct sd_rpc_call *c)
{
    memset(c, 0, sizeof(*c));
    c->method = path;
    c->req = p;
    c->req_len = n;
    c->status = SD_GRPC_UNKNOWN;
    return sd_rpc_unpack(sd_rpc_method_find(path), c);
}

static void
test_unpack_refuses_nul_naming_the_field_and_malformed_bodies(void **state)
{
    struct sd_rpc_call c;
    Sealdesk__V1__LoginRequest lr = SEALDESK__V1__LOGIN_REQUEST__INIT;
    uint8_t buf[256];
    size_t n;
    ProtobufCMessage *m;
    /* LoginRequest.password (field 2) holding a NUL */
    static const uint8_t nul[] = {0x0a, 0x01, 'a', 0x12, 0x03, 'p', 0x00, 'w'};
    static const uint8_t cut[] = {0x0a, 0x10, 'a'};
    /* field number 0 as a non-minimal varint tag (fuzz_rpc_request found it): protobuf-c
     * keeps it as an unknown field and then refuses its own re-packing of it */
    static const uint8_t zero[] = {0x80, 0x00, 0x0d};

    (void)state;
    assert_null(unpack("/sealdesk.v1.Auth/Login", nul, sizeof(nul), &c));
    assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
    assert_string_equal(c.message, "password: must not contain a NUL character");

    assert_null(unpack("/sealdesk.v1.Auth/Login", cut, sizeof(cut), &c));
    assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
    assert_string_equal(c.message, "malformed request message");
    assert_null(unpack("/sealdesk.v1.Auth/Login", zero, sizeof(zero), &c));
    assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
    assert_string_equal(c.message, "malformed request message");

    lr.name = "alice";
    lr.password = "secret-pass";
    n = sealdesk__v1__login_request__pack(&lr, buf);
    m = unpack("/sealdesk.v1.Auth/Login", buf, n, &c);
    assert_non_null(m);
    assert_int_equal(c.status, SD_GRPC_UNKNOWN);
    assert_string_equal(((Sealdesk__V1__LoginRequest *)m)->password, "secret-pass");
    sd_rpc_request_free(sd_rpc_method_find("/sealdesk.v1.Auth/Login"), m);

    c.req_len = SD_RPC_MAX_MSG + 1; /* never read: refused on its size */
    assert_null(sd_rpc_unpack(sd_rpc_method_find("/sealdesk.v1.Auth/Login"), &c));
    assert_int_equal(c.status, SD_GRPC_RESOURCE_EXHAUSTED);
}

static void
test_wipe_clears_every_string_and_the_secret_flag_is_set(void **state)
{
    Sealdesk__V1__LoginRequest lr = SEALDESK__V1__LOGIN_REQUEST__INIT;
    Sealdesk__V1__LoginRequest *r;
    struct sd_rpc_call c;
    uint8_t buf[256];
    size_t n;

    (void)state;
    lr.name = "alice";
    lr.password = "secret-pass";
    n = sealdesk__v1__login_request__pack(&lr, buf);
    r = (Sealdesk__V1__LoginRequest *)unpack("/sealdesk.v1.Auth/Login", buf, n, &c);
    assert_non_null(r);
    sd_rpc_request_wipe(&r->base);
    assert_int_equal(r->password[0], 0);
    assert_int_equal(r->password[10], 0);
    assert_int_equal(r->name[0], 0);
    sd_rpc_request_free(NULL, &r->base);
    /* the methods whose requests carry passwords or customer PII are wiped on free */
    assert_true(sd_rpc_method_find("/sealdesk.v1.Auth/Login")->flags & SD_RPC_SECRET);
    assert_true(sd_rpc_method_find("/sealdesk.v1.Auth/ChangePassword")->flags & SD_RPC_SECRET);
    assert_true(sd_rpc_method_find("/sealdesk.v1.Tickets/Create")->flags & SD_RPC_SECRET);
    /* ticket text in clear before redaction or hashing: a comment's body, a search's words, the
     * text triaged, a correction's reason */
    assert_true(sd_rpc_method_find("/sealdesk.v1.Tickets/Comment")->flags & SD_RPC_SECRET);
    assert_true(sd_rpc_method_find("/sealdesk.v1.Tickets/Search")->flags & SD_RPC_SECRET);
    assert_true(sd_rpc_method_find("/sealdesk.v1.Tickets/Triage")->flags & SD_RPC_SECRET);
    assert_true(sd_rpc_method_find("/sealdesk.v1.Tickets/SetTriage")->flags & SD_RPC_SECRET);
}

static sd_err
hit_item(struct sd_arena *a, void *pb, const void *src, size_t i)
{
    Sealdesk__V1__SearchHit *h = pb;

    (void)a;
    h->id = ((const uint64_t *)src)[i];
    return h->id == 99 ? SD_E_NOMEM : SD_OK;
}

static void
test_list_builds_items_and_stops_on_error(void **state)
{
    Sealdesk__V1__SearchResult pb = SEALDESK__V1__SEARCH_RESULT__INIT;
    Sealdesk__V1__SearchResult *back;
    struct sd_arena a = {0};
    uint64_t ids[3] = {7, 8, 9}, bad[2] = {1, 99};
    uint8_t buf[256];
    sd_err err = SD_OK;
    size_t n;

    (void)state;
    pb.hits =
        sd_rpc_list(&a, &sealdesk__v1__search_hit__descriptor, 3, hit_item, ids, &pb.n_hits, &err);
    assert_int_equal(err, SD_OK);
    assert_int_equal(pb.n_hits, 3);
    n = sealdesk__v1__search_result__pack(&pb, buf);
    back = sealdesk__v1__search_result__unpack(NULL, n, buf);
    assert_non_null(back);
    assert_int_equal(back->n_hits, 3);
    assert_int_equal(back->hits[2]->id, 9);
    sealdesk__v1__search_result__free_unpacked(back, NULL);

    assert_null(sd_rpc_list(&a, &sealdesk__v1__search_hit__descriptor, 2, hit_item, bad, &n, &err));
    assert_int_equal(err, SD_E_NOMEM);
    /* an error on entry: nothing built, the error kept */
    err = SD_E_NOTFOUND;
    assert_null(sd_rpc_list(&a, &sealdesk__v1__search_hit__descriptor, 3, hit_item, ids, &n, &err));
    assert_int_equal(err, SD_E_NOTFOUND);
    assert_int_equal(n, 0);
    sd_arena_free(&a);
}

static void
test_answer_and_refuse_map_errors(void **state)
{
    Sealdesk__V1__SearchResult pb = SEALDESK__V1__SEARCH_RESULT__INIT;
    struct sd_rpc_call c;

    (void)state;
    memset(&c, 0, sizeof(c));
    sd_rpc_answer(&c, SD_E_NOTFOUND, &pb.base, "get");
    assert_int_equal(c.status, SD_GRPC_NOT_FOUND);
    assert_string_equal(c.message, "get: not found");
    sd_rpc_refuse(&c, SD_E_DENIED, "the requester cannot approve their own remedy", "approve");
    assert_int_equal(c.status, SD_GRPC_PERMISSION_DENIED);
    assert_string_equal(c.message, "the requester cannot approve their own remedy");
    sd_rpc_refuse(&c, SD_E_DENIED, NULL, NULL);
    assert_string_equal(c.message, sd_err_str(SD_E_DENIED));
    sd_rpc_answer(&c, SD_OK, &pb.base, "get");
    assert_int_equal(c.status, SD_GRPC_OK);
    assert_int_equal(c.n_msgs, 1);
    sd_rpc_call_clear(&c);
}

/* A method's own text for a library error keeps the status sd_err maps to; other errors and
 * success fall through to the caller's reply. */
static void
test_explain_keeps_the_mapped_status_with_the_methods_text(void **state)
{
    static const struct sd_rpc_why why[] = {{SD_E_CONFLICT, "ticket already rated"},
                                            {SD_E_PRECONDITION, "only resolved tickets"}};
    struct sd_rpc_call c;

    (void)state;
    memset(&c, 0, sizeof(c));
    assert_true(SD_RPC_EXPLAIN(&c, SD_E_CONFLICT, why));
    assert_int_equal(c.status, SD_GRPC_ALREADY_EXISTS);
    assert_string_equal(c.message, "ticket already rated");
    assert_true(SD_RPC_EXPLAIN(&c, SD_E_PRECONDITION, why));
    assert_int_equal(c.status, SD_GRPC_FAILED_PRECONDITION);
    assert_string_equal(c.message, "only resolved tickets");
    memset(&c, 0, sizeof(c));
    assert_false(SD_RPC_EXPLAIN(&c, SD_E_DENIED, why));
    assert_false(SD_RPC_EXPLAIN(&c, SD_OK, why));
    assert_int_equal(c.status, 0);
    assert_string_equal(c.message, "");
    sd_rpc_call_clear(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_method_row_names_the_proto_request_type),
        cmocka_unit_test(test_unpack_refuses_nul_naming_the_field_and_malformed_bodies),
        cmocka_unit_test(test_wipe_clears_every_string_and_the_secret_flag_is_set),
        cmocka_unit_test(test_list_builds_items_and_stops_on_error),
        cmocka_unit_test(test_answer_and_refuse_map_errors),
        cmocka_unit_test(test_explain_keeps_the_mapped_status_with_the_methods_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
