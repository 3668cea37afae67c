/* RPC dispatch (src/rpc): Audit/Export answers held in memory count against one process-wide
 * budget; the back-office services (dispatch_backoffice.c) check the request's shape, naming
 * the field, and pass the session's actor to the library. */
#include "auth_helpers.h"

#include "backoffice.pb-c.h"
#include "desk.pb-c.h"
#include "sealdesk/kb.h"
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

/* A refusal of the request's shape: the call answers INVALID_ARGUMENT naming field ("vip:")
 * in its message (NULL: any message), and nothing was written (the audit log, where every
 * change is recorded, has as many entries as before). */
static void
expect_refused(struct fixture *f, const char *method, const ProtobufCMessage *m, const char *auth,
               uint8_t *buf, const char *field)
{
    struct sd_rpc_call c;
    size_t entries = audit_count(f->d, NULL);

    call(f, &c, method, m, auth, buf);
    assert_int_equal(c.status, SD_GRPC_INVALID_ARGUMENT);
    if(field)
        assert_non_null(strstr(c.message, field));
    sd_rpc_call_clear(&c);
    assert_int_equal(audit_count(f->d, NULL), entries);
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
        expect_refused(f, "/sealdesk.v1.Customers/Upsert", &m.base, auth_s, buf, "vip:");
        m.vip = "";
        m.clear = clear_bad;
        m.n_clear = 1;
        expect_refused(f, "/sealdesk.v1.Customers/Upsert", &m.base, auth_s, buf, "clear:");
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
        expect_refused(f, "/sealdesk.v1.Customers/Get", &m.base, auth_c, buf, NULL);
        m.email = "";
        call(f, &c, "/sealdesk.v1.Customers/Get", &m.base, auth_c, buf);
        assert_int_equal(c.status, SD_GRPC_OK);
        sd_rpc_call_clear(&c);
    }
    {
        Sealdesk__V1__EventsReadRequest m = SEALDESK__V1__EVENTS_READ_REQUEST__INIT;

        m.max = SD_EVENTS_PAGE_MAX + 1;
        expect_refused(f, "/sealdesk.v1.Events/Read", &m.base, auth_c, buf, "max:");
    }
    {
        Sealdesk__V1__AttachmentDownloadRequest m = SEALDESK__V1__ATTACHMENT_DOWNLOAD_REQUEST__INIT;

        m.id = 1;
        expect_refused(f, "/sealdesk.v1.Attachments/Download", &m.base, auth_s, buf, "reason:");
    }
}

/* The top hit's id of a KB search for text (0: none). */
static uint64_t
kb_top(struct sd_desk *d, const char *text)
{
    struct sd_kb_hit hits[3];
    size_t n = 0;

    assert_int_equal(sd_kb_search(d, text, "en", 3, hits, &n), SD_OK);
    return n ? hits[0].id : 0;
}

/* Knowledge/Add and Edit take an article's "ask" lines (asks, set_asks) under the rule of a
 * file's "ask:" lines, naming the field when refused; they are indexed and audited. */
static void
test_kb_asks_over_rpc(void **state)
{
    struct fixture *f = *state;
    struct sd_rpc_call c;
    struct user sup;
    char tok[65], auth[80], long_ask[SD_KB_MAX_ASK + 2], padded_ask[SD_KB_MAX_ASKS + 8];
    uint8_t buf[8192]; /* holds padded_ask packed */
    char *asks[] = {"  my qwplmz coins never showed up  ", "where did the qwplmz drop go"};
    char *empty[] = {"fine", " "};
    char *newline[] = {"one\ntwo"};
    char *too_long[] = {long_ask};
    char *padded[] = {padded_ask};
    char *fresh[] = {"blorfnik reward missing"};
    Sealdesk__V1__AddArticleRequest add = SEALDESK__V1__ADD_ARTICLE_REQUEST__INIT;
    Sealdesk__V1__EditArticleRequest edit = SEALDESK__V1__EDIT_ARTICLE_REQUEST__INIT;
    Sealdesk__V1__Article *art;
    uint64_t id;
    size_t adds = audit_count(f->d, "kb.add"), edits = audit_count(f->d, "kb.edit");

    memset(long_ask, 'a', SD_KB_MAX_ASK + 1);
    long_ask[SD_KB_MAX_ASK + 1] = 0;
    /* "q", more blanks than SD_KB_MAX_ASKS, "z": too long as sent (it was cut to "q") */
    memset(padded_ask, ' ', sizeof(padded_ask));
    padded_ask[0] = 'q';
    padded_ask[sizeof(padded_ask) - 2] = 'z';
    padded_ask[sizeof(padded_ask) - 1] = 0;
    add_user(f, "sup", SD_ROLE_SUPERVISOR, &sup);
    assert_int_equal(login(f, "sup", &sup, 0, tok), SD_OK);
    snprintf(auth, sizeof(auth), "Bearer %s", tok);

    add.lang = "en";
    add.title = "Airdrop credits";
    add.body = "Airdropped tokens are credited within 24 hours of the snapshot.";
    add.asks = empty;
    add.n_asks = 2;
    expect_refused(f, "/sealdesk.v1.Knowledge/Add", &add.base, auth, buf, "asks:");
    add.asks = too_long;
    add.n_asks = 1;
    expect_refused(f, "/sealdesk.v1.Knowledge/Add", &add.base, auth, buf, "asks:");
    add.asks = padded;
    expect_refused(f, "/sealdesk.v1.Knowledge/Add", &add.base, auth, buf, "asks:");
    assert_int_equal(audit_count(f->d, "kb.add"), adds); /* nothing was added */
    assert_int_equal(kb_top(f->d, "qwplmz coins"), 0);

    add.asks = asks;
    add.n_asks = 2;
    call(f, &c, "/sealdesk.v1.Knowledge/Add", &add.base, auth, buf);
    assert_int_equal(c.status, SD_GRPC_OK);
    art = sealdesk__v1__article__unpack(NULL, c.msgs[0].len, c.msgs[0].data);
    assert_non_null(art);
    id = art->id;
    sealdesk__v1__article__free_unpacked(art, NULL);
    sd_rpc_call_clear(&c);
    assert_int_equal(audit_count(f->d, "kb.add"), adds + 1);
    assert_int_equal(kb_top(f->d, "qwplmz coins never showed up"), id); /* only in the asks */

    edit.id = id;
    edit.asks = newline;
    edit.n_asks = 1;
    edit.set_asks = true;
    expect_refused(f, "/sealdesk.v1.Knowledge/Edit", &edit.base, auth, buf, "asks:");
    edit.asks = fresh;
    call(f, &c, "/sealdesk.v1.Knowledge/Edit", &edit.base, auth, buf);
    assert_int_equal(c.status, SD_GRPC_OK);
    sd_rpc_call_clear(&c);
    assert_int_equal(audit_count(f->d, "kb.edit"), edits + 1);
    assert_int_equal(kb_top(f->d, "blorfnik reward missing"), id);
    assert_int_equal(kb_top(f->d, "qwplmz"), 0); /* replaced */
    /* Without set_asks an edit keeps them. */
    edit.asks = NULL;
    edit.n_asks = 0;
    edit.set_asks = false;
    edit.title = "Airdrop credits and snapshots";
    call(f, &c, "/sealdesk.v1.Knowledge/Edit", &edit.base, auth, buf);
    assert_int_equal(c.status, SD_GRPC_OK);
    sd_rpc_call_clear(&c);
    assert_int_equal(kb_top(f->d, "blorfnik reward missing"), id);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_export_memory_is_bounded_for_the_whole_process),
        T(test_backoffice_requests_are_checked_and_run_as_the_session_actor),
        T(test_kb_asks_over_rpc),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
