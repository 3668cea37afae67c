/* Unit tests of the etcd client's pure parts (src/etcd): the endpoint list parser and the
 * option checks of sd_etcd_open. The client against a real cluster: tests/cluster. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "etcd/etcd_int.h"
#include "sealdesk/etcd.h"

static char out[SD_ETCD_MAX_ENDPOINTS][SD_ETCD_MAX_TARGET + 1];

static sd_err
parse(const char *s, size_t *n)
{
    return sd_etcd_parse_endpoints(s, strlen(s), out, n);
}

static void
test_endpoints_ok(void **state)
{
    size_t n = 0;

    (void)state;
    assert_int_equal(parse("https://127.0.0.1:2379", &n), SD_OK);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "127.0.0.1:2379");
    assert_int_equal(parse("https://[::1]:2379/,https://etcd-1.example.com:65535", &n), SD_OK);
    assert_int_equal(n, 2);
    assert_string_equal(out[0], "[::1]:2379");
    assert_string_equal(out[1], "etcd-1.example.com:65535");
    assert_int_equal(parse("https://a:1,https://a:2,https://a:3,https://a:4,https://a:5,"
                           "https://a:6,https://a:7",
                           &n),
                     SD_OK);
    assert_int_equal(n, 7);
    assert_string_equal(out[6], "a:7");
}

static void
test_endpoints_bad(void **state)
{
    static const char *const bad[] = {
        "",
        "127.0.0.1:2379",           /* no scheme */
        "http://127.0.0.1:2379",    /* plain HTTP: never */
        "https://127.0.0.1",        /* no port */
        "https://127.0.0.1:",       /* empty port */
        "https://127.0.0.1:0",      /* port 0 */
        "https://127.0.0.1:65536",  /* port too big */
        "https://127.0.0.1:123456", /* too many digits */
        "https://:2379",            /* no host */
        "https://[]:2379",          /* empty IPv6 */
        "https://[::1:2379",        /* unclosed bracket */
        "https://::1:2379",         /* bare IPv6 */
        "https://a b:2379",         /* blank */
        "https://a:1,",             /* empty item */
        ",https://a:1",             /* empty item */
        "https://a:1,,https://b:2", /* empty item */
        "https://user@a:1",         /* userinfo */
        "https://a:1/path",         /* a path */
        ("https://a:1,https://a:2,https://a:3,https://a:4,https://a:5,https://a:6,https://a:7,"
         "https://a:8"), /* 8 endpoints */
    };
    size_t n;
    size_t i;

    (void)state;
    for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if(parse(bad[i], &n) != SD_E_INVALID)
            fail_msg("accepted: \"%s\"", bad[i]);
    }
    /* An embedded NUL ends nothing: it is a bad character. */
    assert_int_equal(sd_etcd_parse_endpoints("https://a\0b:1", 13, out, &n), SD_E_INVALID);
    /* Never past len: "https://a:1" cut before its port. */
    assert_int_equal(sd_etcd_parse_endpoints("https://a:1", 10, out, &n), SD_E_INVALID);
}

static void
test_open_options(void **state)
{
    struct sd_etcd_opts o = {"https://127.0.0.1:1", SD_SOURCE_DIR "/CMakeLists.txt",
                             SD_SOURCE_DIR "/CMakeLists.txt", SD_SOURCE_DIR "/CMakeLists.txt", 0};
    struct sd_etcd *e = NULL;
    char why[128];

    (void)state;
    /* Lazy: opening connects to nothing. */
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_OK);
    assert_string_equal(sd_etcd_endpoint(e), "127.0.0.1:1");
    sd_etcd_close(e);
    e = NULL;
    o.endpoints = "https://127.0.0.1";
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_INVALID);
    assert_null(e);
    assert_string_equal(why, "endpoints: invalid argument");
    o.endpoints = "https://127.0.0.1:1";
    o.key = "";
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_INVALID);
    assert_non_null(strstr(why, "key"));
    o.key = "/nonexistent/etcd.key";
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_IO);
    assert_non_null(strstr(why, "key"));
    o.key = o.ca;
    o.timeout_ms = 3600u * 1000u;
    assert_int_equal(sd_etcd_open_why(&e, &o, why, sizeof(why)), SD_E_INVALID);
    assert_non_null(strstr(why, "timeout_ms"));
    /* Calls against a port nobody listens on: SD_E_IO with the endpoint in the reason. */
    o.timeout_ms = 1000;
    assert_int_equal(sd_etcd_open(&e, &o), SD_OK);
    {
        int64_t id = 0;

        assert_int_equal(sd_etcd_lease_grant(e, 5, &id), SD_E_IO);
        assert_non_null(strstr(sd_etcd_why(e), "127.0.0.1:1"));
    }
    sd_etcd_close(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_endpoints_ok),
        cmocka_unit_test(test_endpoints_bad),
        cmocka_unit_test(test_open_options),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
