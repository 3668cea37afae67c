/* Unit tests for util/text.c: UTF-8 validity rules and match folding (NFKC, case fold,
 * typographic lumping, traditional -> simplified Chinese). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sealdesk/text.h"

/* Fold s and compare the result with want. */
static void
assert_fold(const char *s, const char *want)
{
    struct sd_buf out = SD_BUF_INIT;

    assert_int_equal(sd_text_fold(&out, s, strlen(s)), SD_OK);
    assert_non_null(out.data);
    assert_int_equal(out.len, strlen(want));
    assert_string_equal((const char *)out.data, want);
    sd_buf_free(&out);
}

static void
test_valid_accepts_text_and_allowed_whitespace(void **state)
{
    (void)state;
    assert_true(sd_text_valid("", 0));
    assert_true(sd_text_valid(NULL, 0));
    assert_true(sd_text_valid("hello", 5));
    assert_true(sd_text_valid("a\tb\nc\r\n", 7));
    assert_true(sd_text_valid("提现 입금 😀", strlen("提现 입금 😀")));
    /* Largest code point and DEL (not C0/C1) are allowed. */
    assert_true(sd_text_valid("\xf4\x8f\xbf\xbf", 4));
    assert_true(sd_text_valid("\x7f", 1));
}

static void
test_valid_rejects_malformed_utf8(void **state)
{
    (void)state;
    assert_false(sd_text_valid("\x80", 1));             /* lone continuation */
    assert_false(sd_text_valid("\xc3", 1));             /* truncated 2-byte */
    assert_false(sd_text_valid("\xe6\x8f", 2));         /* truncated 3-byte */
    assert_false(sd_text_valid("ab\xff", 3));           /* never valid byte */
    assert_false(sd_text_valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(sd_text_valid("\xe0\x80\xaf", 3));     /* overlong '/', 3 bytes */
    assert_false(sd_text_valid("\xf0\x80\x80\xaf", 4)); /* overlong '/', 4 bytes */
    assert_false(sd_text_valid("\xed\xa0\x80", 3));     /* surrogate U+D800 */
    assert_false(sd_text_valid("\xed\xbf\xbf", 3));     /* surrogate U+DFFF */
    assert_false(sd_text_valid("\xf4\x90\x80\x80", 4)); /* U+110000 */
    assert_false(sd_text_valid(NULL, 1));
}

static void
test_valid_rejects_nul_and_control_characters(void **state)
{
    (void)state;
    assert_false(sd_text_valid("a\0b", 3));
    assert_false(sd_text_valid("\x01", 1));
    assert_false(sd_text_valid("bell\x07", 5));
    assert_false(sd_text_valid("esc\x1b[0m", 7));
    assert_false(sd_text_valid("\xc2\x85", 2)); /* U+0085 NEL, C1 */
    assert_false(sd_text_valid("\xc2\x9f", 2)); /* U+009F, C1 */
    assert_true(sd_text_valid("\xc2\xa0", 2));  /* U+00A0 is not a control */
}

static void
test_fold_maps_full_width_to_half_width(void **state)
{
    (void)state;
    assert_fold("ＡＢＣ１２３！", "abc123!");
    assert_fold("ＵＳＤＴ　ＴＲＣ２０", "usdt trc20");
}

static void
test_fold_case_folds(void **state)
{
    (void)state;
    assert_fold("HeLLo WORLD", "hello world");
    assert_fold("Straße", "strasse");
    assert_fold("ΣΊΣΥΦΟΣ", "σίσυφοσ");
}

static void
test_fold_lumps_typographic_punctuation(void **state)
{
    (void)state;
    assert_fold("didn\xe2\x80\x99t", "didn't"); /* U+2019 */
    assert_fold("a\xe2\x80\x94"
                "b",
                "a-b"); /* em dash */
}

static void
test_fold_leaves_korean_unchanged(void **state)
{
    (void)state;
    assert_fold("입금 미반영 출금 해킹", "입금 미반영 출금 해킹");
}

static void
test_fold_converts_traditional_to_simplified(void **state)
{
    (void)state;
    assert_fold("提現", "提现");
    assert_fold("帳戶", "账户");
    assert_fold("凍結", "冻结");
    assert_fold("帳號被盜 沒到帳", "账号被盗 没到账");
    /* Simplified input is stable, including the 帐 variant. */
    assert_fold("提现 账户 冻结 帐户", "提现 账户 冻结 账户");
}

static void
test_fold_appends_and_terminates(void **state)
{
    struct sd_buf out = SD_BUF_INIT;

    (void)state;
    assert_int_equal(sd_buf_append_str(&out, "x:"), SD_OK);
    assert_int_equal(sd_text_fold(&out, "ABC", 3), SD_OK);
    assert_int_equal(out.len, 5);
    assert_string_equal((const char *)out.data, "x:abc");
    assert_int_equal(sd_text_fold(&out, "", 0), SD_OK);
    assert_int_equal(out.len, 5);
    assert_int_equal(out.data[5], 0);
    sd_buf_free(&out);
}

static void
test_fold_rejects_invalid_text_without_changing_output(void **state)
{
    struct sd_buf out = SD_BUF_INIT;

    (void)state;
    assert_int_equal(sd_buf_append_str(&out, "keep"), SD_OK);
    assert_int_equal(sd_text_fold(&out, "ab\xc3", 3), SD_E_INVALID);
    assert_int_equal(sd_text_fold(&out, "a\0b", 3), SD_E_INVALID);
    assert_int_equal(sd_text_fold(&out, "\xed\xa0\x80", 3), SD_E_INVALID);
    assert_int_equal(sd_text_fold(NULL, "a", 1), SD_E_INVALID);
    assert_int_equal(out.len, 4);
    assert_memory_equal(out.data, "keep", 4);
    sd_buf_free(&out);
}

static void
test_fold_rejects_oversize_input(void **state)
{
    struct sd_buf out = SD_BUF_INIT;
    char *big = malloc(SD_TEXT_MAX + 1);

    (void)state;
    assert_non_null(big);
    memset(big, 'a', SD_TEXT_MAX + 1);
    assert_int_equal(sd_text_fold(&out, big, SD_TEXT_MAX + 1), SD_E_LIMIT);
    assert_int_equal(out.len, 0);
    assert_int_equal(sd_text_fold(&out, big, SD_TEXT_MAX), SD_OK);
    assert_int_equal(out.len, SD_TEXT_MAX);
    sd_buf_free(&out);
    free(big);
}

struct fold_job {
    int ok;
};

static void *
fold_worker(void *arg)
{
    struct fold_job *job = arg;

    job->ok = 1;
    for(int i = 0; i < 50; i++) {
        struct sd_buf out = SD_BUF_INIT;

        if(sd_text_fold(&out, "帳號被盜 ＨＡＣＫＥＤ", strlen("帳號被盜 ＨＡＣＫＥＤ")) != SD_OK ||
           strcmp((const char *)out.data, "账号被盗 hacked") != 0)
            job->ok = 0;
        sd_buf_free(&out);
    }
    return NULL;
}

static void
test_fold_is_thread_safe(void **state)
{
    pthread_t th[4];
    struct fold_job jobs[4];

    (void)state;
    for(int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, fold_worker, &jobs[i]), 0);
    for(int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].ok, 1);
    }
}

/* The code point walks take ASCII without utf8proc_iterate: every ASCII byte, alone and next
 * to a non-ASCII character, answers as utf8proc classifies it (space and controls are blank,
 * no ASCII character is invisible or a bidi control). */
static void
test_invisible_checks_on_every_ascii_byte(void **state)
{
    (void)state;
    for(int c = 0; c < 0x80; c++) {
        char one[1] = {(char)c};
        char mixed[4] = {(char)c, '\xc3', '\xa9', (char)c}; /* c é c */
        bool blank = c == ' ' || c < 0x20 || c == 0x7f;

        assert_int_equal(sd_text_blank(one, 1), blank);
        assert_false(sd_text_has_invisible(one, 1));
        assert_false(sd_text_has_bidi(one, 1));
        assert_false(sd_text_blank(mixed, 4));
        assert_false(sd_text_has_invisible(mixed, 4));
        assert_false(sd_text_has_bidi(mixed, 4));
    }
    assert_true(sd_text_has_bidi("ab\xe2\x80\xae"
                                 "cd",
                                 7));
    assert_true(sd_text_blank("  \t\xe3\x80\x80 ", 7)); /* ideographic space */
    assert_true(sd_text_has_bidi("ab\xff", 3));         /* invalid UTF-8 after ASCII: reported */
}

static void
test_invisible_checks_bidi_zero_width_and_blank(void **state)
{
    (void)state;
    assert_false(sd_text_has_bidi("alice@example.com", 17));
    assert_true(sd_text_has_bidi("alice\xe2\x80\xae@example.com", 20)); /* U+202E */
    assert_true(sd_text_has_bidi("\xe2\x81\xa6x", 4));                  /* U+2066 */
    assert_true(sd_text_has_bidi("a\xe2\x80\x8f", 4));                  /* U+200F */
    assert_false(sd_text_has_bidi("a\xe2\x80\x8b", 4));                 /* ZWSP: not bidi */
    assert_true(sd_text_has_invisible("a\xe2\x80\x8b", 4));             /* U+200B */
    assert_true(sd_text_has_invisible("a\xe2\x80\x8d", 4));             /* U+200D */
    assert_true(sd_text_has_invisible("\xef\xbb\xbf"
                                      "a",
                                      4)); /* BOM */
    assert_true(sd_text_has_invisible("a\xc2\xad"
                                      "b",
                                      4)); /* soft hyphen */
    assert_true(sd_text_has_invisible("a\xe2\x80\xae", 4));
    assert_false(sd_text_has_invisible("\xed\x95\x9c\xea\xb8\x80 name", 11));
    assert_true(sd_text_blank("", 0));
    assert_true(sd_text_blank("   \t\n", 6));
    assert_true(sd_text_blank("\xe2\x80\x8b\xe2\x80\x8c\xe2\x80\x8d", 9));
    assert_true(sd_text_blank("\xe3\x80\x80 \xc2\xa0", 6));    /* U+3000, NBSP */
    assert_true(sd_text_blank("\xe3\x85\xa4\xe2\xa0\x80", 6)); /* U+3164, U+2800 */
    assert_true(sd_text_blank("\xe2\x80\xae\xe2\x80\xac", 6));
    assert_false(sd_text_blank("  x  ", 5));
    assert_false(sd_text_blank("\xe2\x80\x8b\xe8\xb0\x83\xe6\x9f\xa5", 9)); /* ZWSP 调查 */
    assert_false(sd_text_blank("\xff", 1)); /* invalid UTF-8 is not "blank" (refused elsewhere) */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_accepts_text_and_allowed_whitespace),
        cmocka_unit_test(test_invisible_checks_on_every_ascii_byte),
        cmocka_unit_test(test_valid_rejects_malformed_utf8),
        cmocka_unit_test(test_valid_rejects_nul_and_control_characters),
        cmocka_unit_test(test_fold_maps_full_width_to_half_width),
        cmocka_unit_test(test_fold_case_folds),
        cmocka_unit_test(test_fold_lumps_typographic_punctuation),
        cmocka_unit_test(test_fold_leaves_korean_unchanged),
        cmocka_unit_test(test_fold_converts_traditional_to_simplified),
        cmocka_unit_test(test_fold_appends_and_terminates),
        cmocka_unit_test(test_fold_rejects_invalid_text_without_changing_output),
        cmocka_unit_test(test_fold_rejects_oversize_input),
        cmocka_unit_test(test_fold_is_thread_safe),
        cmocka_unit_test(test_invisible_checks_bidi_zero_width_and_blank),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
