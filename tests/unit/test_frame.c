/* Unit tests for src/rpc/frame.c: gRPC message framing round trips, incremental decoding fed
 * in pieces, the size limit enforced before a body arrives, compressed/bad flags, truncation,
 * grpc-timeout parsing and grpc-message percent-encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc/rpc_int.h"
#include "sealdesk/rpc.h"

static void
expect_msg(struct sd_grpc_reader *r, const void *want, size_t want_len)
{
    const uint8_t *m = NULL;
    size_t n = 12345;

    assert_int_equal(sd_grpc_reader_next(r, &m, &n), SD_OK);
    assert_int_equal(n, want_len);
    if(want_len)
        assert_memory_equal(m, want, want_len);
}

static void
test_frame_writes_flag_and_big_endian_length(void **state)
{
    struct sd_buf b = SD_BUF_INIT;
    static const uint8_t want[] = {0, 0, 0, 0, 3, 'a', 'b', 'c'};

    (void)state;
    assert_int_equal(sd_grpc_frame(&b, (const uint8_t *)"abc", 3), SD_OK);
    assert_int_equal(b.len, sizeof(want));
    assert_memory_equal(b.data, want, sizeof(want));
    assert_int_equal(sd_grpc_frame(&b, NULL, 0), SD_OK);
    assert_int_equal(b.len, sizeof(want) + 5);
    assert_int_equal(sd_grpc_frame(NULL, NULL, 0), SD_E_INVALID);
    sd_buf_free(&b);
}

static void
test_reader_round_trips_several_messages(void **state)
{
    struct sd_buf b = SD_BUF_INIT;
    struct sd_grpc_reader r;
    uint8_t big[1000];
    const uint8_t *m;
    size_t n;

    (void)state;
    for(size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    assert_int_equal(sd_grpc_frame(&b, (const uint8_t *)"hello", 5), SD_OK);
    assert_int_equal(sd_grpc_frame(&b, NULL, 0), SD_OK);
    assert_int_equal(sd_grpc_frame(&b, big, sizeof(big)), SD_OK);
    sd_grpc_reader_init(&r, 4096);
    assert_int_equal(sd_grpc_reader_feed(&r, b.data, b.len), SD_OK);
    expect_msg(&r, "hello", 5);
    expect_msg(&r, "", 0);
    expect_msg(&r, big, sizeof(big));
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_E_EMPTY);
    assert_int_equal(r.buf.len, 0);
    sd_grpc_reader_clear(&r);
    assert_null(r.buf.data);
    sd_buf_free(&b);
}

static void
test_reader_message_stays_valid_while_rest_is_buffered(void **state)
{
    struct sd_buf b = SD_BUF_INIT;
    struct sd_grpc_reader r;
    const uint8_t *m;
    size_t n;

    (void)state;
    assert_int_equal(sd_grpc_frame(&b, (const uint8_t *)"first message", 13), SD_OK);
    assert_int_equal(sd_grpc_frame(&b, (const uint8_t *)"2nd", 3), SD_OK);
    sd_grpc_reader_init(&r, 64);
    /* Feed the first message and half of the second's prefix. */
    assert_int_equal(sd_grpc_reader_feed(&r, b.data, 18 + 2), SD_OK);
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_OK);
    assert_int_equal(n, 13);
    assert_memory_equal(m, "first message", 13);
    assert_int_equal(r.buf.len, 2);
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_E_EMPTY);
    assert_int_equal(sd_grpc_reader_feed(&r, b.data + 20, b.len - 20), SD_OK);
    expect_msg(&r, "2nd", 3);
    sd_grpc_reader_clear(&r);
    sd_buf_free(&b);
}

static void
test_reader_accepts_byte_by_byte_feeds(void **state)
{
    struct sd_buf b = SD_BUF_INIT;
    struct sd_grpc_reader r;
    const uint8_t *m;
    size_t n;
    size_t got = 0;
    size_t ends[2];

    (void)state;
    assert_int_equal(sd_grpc_frame(&b, (const uint8_t *)"split me", 8), SD_OK);
    ends[0] = b.len;
    assert_int_equal(sd_grpc_frame(&b, (const uint8_t *)"and me", 6), SD_OK);
    ends[1] = b.len;
    sd_grpc_reader_init(&r, 16);
    for(size_t i = 0; i < b.len; i++) {
        sd_err e;

        assert_int_equal(sd_grpc_reader_feed(&r, b.data + i, 1), SD_OK);
        e = sd_grpc_reader_next(&r, &m, &n);
        if(i + 1 == ends[got]) {
            /* A message appears exactly when its last byte arrives. */
            assert_int_equal(e, SD_OK);
            if(got == 0)
                assert_memory_equal(m, "split me", 8);
            else
                assert_memory_equal(m, "and me", 6);
            got++;
        } else {
            assert_int_equal(e, SD_E_EMPTY);
        }
    }
    assert_int_equal(got, 2);
    sd_grpc_reader_clear(&r);
    sd_buf_free(&b);
}

static void
test_reader_refuses_oversize_length_before_body(void **state)
{
    static const uint8_t prefix[] = {0, 0, 0x20, 0, 0}; /* 2 MiB declared */
    struct sd_grpc_reader r;
    const uint8_t *m;
    size_t n;

    (void)state;
    sd_grpc_reader_init(&r, SD_RPC_MAX_MSG);
    assert_int_equal(sd_grpc_reader_feed(&r, prefix, 4), SD_OK);
    /* The fifth byte completes the prefix: refused at once, no body needed. */
    assert_int_equal(sd_grpc_reader_feed(&r, prefix + 4, 1), SD_E_LIMIT);
    /* A refused feed changes nothing. */
    assert_int_equal(r.buf.len, 4);
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_E_EMPTY);
    sd_grpc_reader_clear(&r);
}

static void
test_reader_accepts_exactly_max_and_refuses_max_plus_one(void **state)
{
    uint8_t pfx[5] = {0, 0, 0, 0, 100};
    struct sd_grpc_reader r;

    (void)state;
    sd_grpc_reader_init(&r, 100);
    assert_int_equal(sd_grpc_reader_feed(&r, pfx, 5), SD_OK);
    sd_grpc_reader_clear(&r);
    pfx[4] = 101;
    sd_grpc_reader_init(&r, 100);
    assert_int_equal(sd_grpc_reader_feed(&r, pfx, 5), SD_E_LIMIT);
    sd_grpc_reader_clear(&r);
}

static void
test_reader_refuses_oversize_second_message_at_its_prefix(void **state)
{
    struct sd_buf b = SD_BUF_INIT;
    static const uint8_t big_prefix[] = {0, 0x7f, 0xff, 0xff, 0xff};
    struct sd_grpc_reader r;

    (void)state;
    assert_int_equal(sd_grpc_frame(&b, (const uint8_t *)"ok", 2), SD_OK);
    assert_int_equal(sd_buf_append(&b, big_prefix, sizeof(big_prefix)), SD_OK);
    sd_grpc_reader_init(&r, 1024);
    assert_int_equal(sd_grpc_reader_feed(&r, b.data, b.len), SD_E_LIMIT);
    sd_grpc_reader_clear(&r);
    sd_buf_free(&b);
}

static void
test_reader_rejects_compressed_and_unknown_flags(void **state)
{
    static const uint8_t compressed[] = {1, 0, 0, 0, 1, 'x'};
    static const uint8_t bad_flag[] = {0x80, 0, 0, 0, 0};
    struct sd_grpc_reader r;
    const uint8_t *m;
    size_t n;

    (void)state;
    sd_grpc_reader_init(&r, 16);
    assert_int_equal(sd_grpc_reader_feed(&r, compressed, sizeof(compressed)), SD_OK);
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_E_INVALID);
    sd_grpc_reader_clear(&r);
    sd_grpc_reader_init(&r, 16);
    assert_int_equal(sd_grpc_reader_feed(&r, bad_flag, sizeof(bad_flag)), SD_OK);
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_E_INVALID);
    sd_grpc_reader_clear(&r);
}

static void
test_reader_reports_truncated_message_as_empty(void **state)
{
    static const uint8_t three_of_prefix[] = {0, 0, 0};
    static const uint8_t short_body[] = {0, 0, 0, 0, 4, 'a', 'b'};
    struct sd_grpc_reader r;
    const uint8_t *m;
    size_t n;

    (void)state;
    sd_grpc_reader_init(&r, 16);
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_E_EMPTY);
    assert_int_equal(sd_grpc_reader_feed(&r, three_of_prefix, 3), SD_OK);
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_E_EMPTY);
    sd_grpc_reader_clear(&r);
    sd_grpc_reader_init(&r, 16);
    assert_int_equal(sd_grpc_reader_feed(&r, short_body, sizeof(short_body)), SD_OK);
    assert_int_equal(sd_grpc_reader_next(&r, &m, &n), SD_E_EMPTY);
    assert_int_equal(r.buf.len, sizeof(short_body));
    sd_grpc_reader_clear(&r);
}

static void
expect_timeout(const char *v, uint64_t want)
{
    uint64_t ms = 0;

    assert_int_equal(sd_grpc_timeout_parse(v, &ms), SD_OK);
    assert_int_equal(ms, want);
}

static void
test_timeout_parses_every_unit(void **state)
{
    (void)state;
    expect_timeout("2H", 7200000u);
    expect_timeout("3M", 180000u);
    expect_timeout("5S", 5000u);
    expect_timeout("100m", 100u);
    expect_timeout("0m", 0u);
    expect_timeout("1500u", 2u); /* 1.5 ms rounds up */
    expect_timeout("1000u", 1u);
    expect_timeout("1n", 1u); /* never rounds down to "already expired" */
    expect_timeout("2000000n", 2u);
    expect_timeout("99999999H", 99999999ull * 3600000u);
    expect_timeout("00000001S", 1000u);
}

static void
test_timeout_rejects_bad_values(void **state)
{
    static const char *bad[] = {
        "",    "m",   "1",   "1x",  "1h",  "123456789m", "-1m",
        "+1m", "1mm", " 1m", "1 m", "1m ", "1.5S",       "0x10m",
    };
    uint64_t ms = 77;

    (void)state;
    for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sd_grpc_timeout_parse(bad[i], &ms), SD_E_INVALID);
        assert_int_equal(ms, 77);
    }
    assert_int_equal(sd_grpc_timeout_parse(NULL, &ms), SD_E_INVALID);
    assert_int_equal(sd_grpc_timeout_parse("1m", NULL), SD_E_INVALID);
}

static void
test_percent_encode_escapes_percent_controls_and_non_ascii(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(sd_grpc_percent_encode(out, sizeof(out), "plain text ~!"), SD_OK);
    assert_string_equal(out, "plain text ~!");
    assert_int_equal(sd_grpc_percent_encode(out, sizeof(out), "50% done\n"), SD_OK);
    assert_string_equal(out, "50%25 done%0A");
    assert_int_equal(sd_grpc_percent_encode(out, sizeof(out), "\xe6\x9c\xaa"), SD_OK);
    assert_string_equal(out, "%E6%9C%AA");
    assert_int_equal(sd_grpc_percent_encode(out, 4, "abc"), SD_OK);
    assert_string_equal(out, "abc");
    assert_int_equal(sd_grpc_percent_encode(out, 3, "abc"), SD_E_LIMIT);
    assert_string_equal(out, "");
    assert_int_equal(sd_grpc_percent_encode(out, 5, "a\x01"), SD_OK);
    assert_int_equal(sd_grpc_percent_encode(out, 4, "a\x01"), SD_E_LIMIT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_writes_flag_and_big_endian_length),
        cmocka_unit_test(test_reader_round_trips_several_messages),
        cmocka_unit_test(test_reader_message_stays_valid_while_rest_is_buffered),
        cmocka_unit_test(test_reader_accepts_byte_by_byte_feeds),
        cmocka_unit_test(test_reader_refuses_oversize_length_before_body),
        cmocka_unit_test(test_reader_accepts_exactly_max_and_refuses_max_plus_one),
        cmocka_unit_test(test_reader_refuses_oversize_second_message_at_its_prefix),
        cmocka_unit_test(test_reader_rejects_compressed_and_unknown_flags),
        cmocka_unit_test(test_reader_reports_truncated_message_as_empty),
        cmocka_unit_test(test_timeout_parses_every_unit),
        cmocka_unit_test(test_timeout_rejects_bad_values),
        cmocka_unit_test(test_percent_encode_escapes_percent_controls_and_non_ascii),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
