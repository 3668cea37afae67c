/* Time zones (src/util/tz.c): UTC offsets across daylight saving changes, to the second. */
#include "test_helpers.h"

#include "sealdesk/tz.h"

#define FRI_27MAR26_0830Z 1774600200u /* London GMT (UTC+0) until Sun 29 Mar 01:00Z */
#define MON_30MAR26_0800Z 1774857600u /* London BST (UTC+1) */
#define BST_START_2026    1774746000u /* 2026-03-29T01:00:00Z */
#define BST_END_2026      1792890000u /* 2026-10-25T01:00:00Z */

static void
test_tz_offsets_follow_daylight_saving_time(void **state)
{
    int32_t off;

    (void)state;
    /* Europe/London across both 2026 changes, to the second. */
    assert_int_equal(sd_tz_offset("Europe/London", BST_START_2026 - 1, &off), SD_OK);
    assert_int_equal(off, 0);
    assert_int_equal(sd_tz_offset("Europe/London", BST_START_2026, &off), SD_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(sd_tz_offset("Europe/London", BST_END_2026 - 1, &off), SD_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(sd_tz_offset("Europe/London", BST_END_2026, &off), SD_OK);
    assert_int_equal(off, 0);
    /* Past the file's transitions, the POSIX rule at its end decides (2045). */
    assert_int_equal(sd_tz_offset("Europe/London", 2374102800 - 1, &off), SD_OK);
    assert_int_equal(off, 0);
    assert_int_equal(sd_tz_offset("Europe/London", 2374102800, &off), SD_OK);
    assert_int_equal(off, 3600);
    /* Southern hemisphere: Sydney's summer spans the new year. */
    assert_int_equal(sd_tz_offset("Australia/Sydney", 2374675200 - 1, &off), SD_OK);
    assert_int_equal(off, 39600);
    assert_int_equal(sd_tz_offset("Australia/Sydney", 2374675200, &off), SD_OK);
    assert_int_equal(off, 36000);
    assert_int_equal(sd_tz_offset("Australia/Sydney", 2383732800, &off), SD_OK);
    assert_int_equal(off, 36000);
    assert_int_equal(sd_tz_offset("Australia/Sydney", 2390400000, &off), SD_OK);
    assert_int_equal(off, 39600);
    assert_int_equal(sd_tz_offset("America/New_York", 1784116800, &off), SD_OK);
    assert_int_equal(off, -4 * 3600);
    assert_int_equal(sd_tz_offset("America/New_York", 1768478400, &off), SD_OK);
    assert_int_equal(off, -5 * 3600);
    /* Fixed offsets and bad names. */
    assert_int_equal(sd_tz_offset("UTC-05:30", BST_START_2026, &off), SD_OK);
    assert_int_equal(off, -(5 * 3600 + 1800));
    assert_int_equal(sd_tz_offset("UTC+15:00", 0, &off), SD_E_INVALID);
    assert_int_equal(sd_tz_offset("", 0, &off), SD_E_INVALID);
    assert_int_equal(sd_tz_offset("/etc/passwd", 0, &off), SD_E_INVALID);
    assert_int_equal(sd_tz_offset("Europe/../../etc/passwd", 0, &off), SD_E_INVALID);
    assert_int_equal(sd_tz_offset("Mars/Olympus", 0, &off), SD_E_NOTFOUND);
    assert_int_equal(sd_tz_offset("Europe", 0, &off), SD_E_NOTFOUND);      /* a directory */
    assert_int_equal(sd_tz_offset("zone.tab", 0, &off), SD_E_INVALID);     /* no dots */
    assert_int_equal(sd_tz_offset("leapseconds", 0, &off), SD_E_NOTFOUND); /* not a TZif */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tz_offsets_follow_daylight_saving_time),
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
