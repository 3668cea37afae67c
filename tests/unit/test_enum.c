/* Unit tests for util/enum.c (sd_enum_name / sd_enum_parse) and the name/parse pairs built on
 * it: every name of every enum parses back to its value, out-of-range values and gaps read
 * "unknown", unknown or NULL names are SD_E_INVALID and leave the output untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sealdesk/authz.h"
#include "sealdesk/enum.h"
#include "sealdesk/err.h"
#include "sealdesk/incident.h"
#include "sealdesk/kb.h"
#include "sealdesk/lang.h"
#include "sealdesk/redact.h"
#include "sealdesk/remedy.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"
#include "sealdesk/user_admin.h"

enum color {
    COLOR_RED = 1,
    COLOR_GREEN = 2,
    COLOR_BLUE = 4, /* 3 is a gap */
    COLOR_COUNT
};
static const char *const color_names[] = {
    [COLOR_RED] = "red",
    [COLOR_GREEN] = "green",
    [COLOR_BLUE] = "blue",
};

static void
test_enum_name_reads_the_table_and_unknown_outside_it(void **state)
{
    (void)state;
    assert_int_equal(SD_ENUM_N(color_names), COLOR_COUNT);
    assert_string_equal(sd_enum_name(color_names, SD_ENUM_N(color_names), COLOR_RED), "red");
    assert_string_equal(sd_enum_name(color_names, SD_ENUM_N(color_names), COLOR_BLUE), "blue");
    assert_string_equal(sd_enum_name(color_names, SD_ENUM_N(color_names), 0), "unknown");
    assert_string_equal(sd_enum_name(color_names, SD_ENUM_N(color_names), 3), "unknown");
    assert_string_equal(sd_enum_name(color_names, SD_ENUM_N(color_names), 5), "unknown");
    assert_string_equal(sd_enum_name(color_names, SD_ENUM_N(color_names), -1), "unknown");
    assert_string_equal(sd_enum_name(NULL, 0, 1), "unknown");
}

static void
test_enum_parse_finds_names_and_refuses_the_rest(void **state)
{
    int v = 42;

    (void)state;
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), "green", &v), SD_OK);
    assert_int_equal(v, COLOR_GREEN);
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), "blue", &v), SD_OK);
    assert_int_equal(v, COLOR_BLUE);
    v = 42;
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), "Blue", &v), SD_E_INVALID);
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), "blu", &v), SD_E_INVALID);
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), "blues", &v), SD_E_INVALID);
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), "", &v), SD_E_INVALID);
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), "unknown", &v),
                     SD_E_INVALID);
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), NULL, &v), SD_E_INVALID);
    assert_int_equal(sd_enum_parse(color_names, SD_ENUM_N(color_names), "red", NULL), SD_E_INVALID);
    assert_int_equal(v, 42); /* untouched by every refusal */
}

static void
test_enum_parse_n_matches_exact_lengths(void **state)
{
    const char *csv = "green,red";
    int v = 42;

    (void)state;
    assert_int_equal(sd_enum_parse_n(color_names, SD_ENUM_N(color_names), csv, 5, &v), SD_OK);
    assert_int_equal(v, COLOR_GREEN);
    assert_int_equal(sd_enum_parse_n(color_names, SD_ENUM_N(color_names), csv + 6, 3, &v), SD_OK);
    assert_int_equal(v, COLOR_RED);
    v = 42;
    assert_int_equal(sd_enum_parse_n(color_names, SD_ENUM_N(color_names), csv, 4, &v),
                     SD_E_INVALID);
    assert_int_equal(sd_enum_parse_n(color_names, SD_ENUM_N(color_names), csv, 6, &v),
                     SD_E_INVALID);
    assert_int_equal(sd_enum_parse_n(color_names, SD_ENUM_N(color_names), csv, 0, &v),
                     SD_E_INVALID);
    assert_int_equal(v, 42);
}

/* Every value from first to count-1 has a name that parses back to it; the values around the
 * range are "unknown". */
#define ROUND_TRIP(type, first, count, name_fn, parse_fn)           \
    do {                                                            \
        for(int i_ = (first); i_ < (count); i_++) {                 \
            type back_ = (type)0;                                   \
            const char *n_ = name_fn((type)i_);                     \
            assert_string_not_equal(n_, "unknown");                 \
            assert_int_equal(parse_fn(&back_, n_), SD_OK);          \
            assert_int_equal((int)back_, i_);                       \
        }                                                           \
        assert_string_equal(name_fn((type)(count)), "unknown");     \
        assert_string_equal(name_fn((type)((first)-1)), "unknown"); \
    } while(0)

static void
test_desk_enums_round_trip(void **state)
{
    enum sd_channel ch = SD_CH_WEB;
    enum sd_category cat = SD_CAT_GENERAL;
    int st = 0, p = 0;

    (void)state;
    ROUND_TRIP(enum sd_channel, SD_CH_CHAT, SD_CH_COUNT, sd_channel_name, sd_channel_parse);
    ROUND_TRIP(enum sd_category, 0, SD_CAT_COUNT, sd_category_name, sd_category_parse);
    ROUND_TRIP(enum sd_kb_status, SD_KB_DRAFT, SD_KB_RETIRED + 1, sd_kb_status_name,
               sd_kb_status_parse);
    ROUND_TRIP(enum sd_remedy_kind, SD_RK_COMPENSATION, SD_RK_COUNT, sd_remedy_kind_name,
               sd_remedy_kind_parse);
    ROUND_TRIP(enum sd_remedy_state, SD_RS_PENDING, SD_RS_COUNT, sd_remedy_state_name,
               sd_remedy_state_parse);
    ROUND_TRIP(enum sd_uadm_state, SD_UADM_PENDING, SD_UADM_STATE_COUNT, sd_uadm_state_name,
               sd_uadm_state_parse);
    assert_string_equal(sd_channel_name(SD_CH_EMAIL), "email");
    assert_string_equal(sd_category_name(SD_CAT_WITHDRAWAL), "withdrawal");
    assert_string_equal(sd_remedy_kind_name(SD_RK_THIRD_PARTY_PAYOUT), "third_party_payout");
    assert_int_equal(sd_channel_parse(&ch, "fax"), SD_E_INVALID);
    assert_int_equal(sd_channel_parse(&ch, NULL), SD_E_INVALID);
    assert_int_equal(ch, SD_CH_WEB);
    assert_int_equal(sd_category_parse(&cat, "Deposit"), SD_E_INVALID);
    assert_int_equal(cat, SD_CAT_GENERAL);

    /* Statuses: names and "reopen"; the name of every status parses back. */
    for(int i = SD_ST_RECEIVED; i < SD_ST_COUNT; i++) {
        assert_int_equal(sd_status_parse(&st, sd_status_name((enum sd_status)i)), SD_OK);
        assert_int_equal(st, i);
    }
    assert_int_equal(sd_status_parse(&st, "reopen"), SD_OK);
    assert_int_equal(st, SD_ST_REOPEN);
    assert_int_equal(sd_status_parse(&st, "open"), SD_E_INVALID);
    assert_string_equal(sd_status_name((enum sd_status)SD_ST_REOPEN), "unknown");
    assert_string_equal(sd_status_name(SD_ST_WAITING_CUSTOMER), "waiting_customer");

    /* Priorities: "P1".."P4", "p2", "3"; names P1..P4. */
    assert_int_equal(sd_priority_parse(&p, "P1"), SD_OK);
    assert_int_equal(p, 1);
    assert_int_equal(sd_priority_parse(&p, "p2"), SD_OK);
    assert_int_equal(p, 2);
    assert_int_equal(sd_priority_parse(&p, "4"), SD_OK);
    assert_int_equal(p, 4);
    p = 9;
    assert_int_equal(sd_priority_parse(&p, "P5"), SD_E_INVALID);
    assert_int_equal(sd_priority_parse(&p, "P0"), SD_E_INVALID);
    assert_int_equal(sd_priority_parse(&p, "P"), SD_E_INVALID);
    assert_int_equal(sd_priority_parse(&p, "PP1"), SD_E_INVALID);
    assert_int_equal(sd_priority_parse(&p, "P12"), SD_E_INVALID);
    assert_int_equal(sd_priority_parse(&p, NULL), SD_E_INVALID);
    assert_int_equal(p, 9);
    assert_string_equal(sd_priority_name(3), "P3");
    assert_string_equal(sd_priority_name(0), "unknown");
    assert_string_equal(sd_priority_name(5), "unknown");
}

static void
test_name_only_enums_name_every_value(void **state)
{
    (void)state;
    for(int i = SD_F_CUSTOMER_NAME; i < SD_F_COUNT; i++)
        assert_string_not_equal(sd_field_name((enum sd_field)i), "unknown");
    assert_string_equal(sd_field_name(SD_F_CUSTOMER_EMAIL), "customer_email");
    assert_string_equal(sd_field_name(SD_F_COUNT), "unknown");
    for(int i = SD_EV_CREATED; i < SD_EV_COUNT; i++)
        assert_string_not_equal(sd_event_kind_name((enum sd_event_kind)i), "unknown");
    assert_string_equal(sd_event_kind_name(SD_EV_INCIDENT), "incident");
    assert_string_equal(sd_event_kind_name((enum sd_event_kind)0), "unknown");
    for(int i = 0; i < SD_REDACT_KIND_COUNT; i++)
        assert_string_not_equal(sd_redact_kind_name((enum sd_redact_kind)i), "unknown");
    assert_string_equal(sd_redact_kind_name(SD_REDACT_KIND_COUNT), "unknown");
    assert_string_equal(sd_incident_status_name(SD_INC_OPEN), "open");
    assert_string_equal(sd_incident_status_name(SD_INC_RESOLVED), "resolved");
    assert_string_equal(sd_incident_status_name((enum sd_incident_status)0), "unknown");
    assert_string_equal(sd_uadm_kind_name(SD_UADM_RESET_TOTP), "reset_totp");
    assert_string_equal(sd_uadm_kind_name(SD_UADM_KIND_COUNT), "unknown");
    assert_string_equal(sd_stats_group_key(SD_SG_STATUS), "by_status");
    assert_string_equal(sd_stats_group_key(SD_SG_CHANNEL), "by_channel");
    assert_string_equal(sd_stats_group_key(SD_SG_COUNT), "unknown");
    assert_string_equal(sd_err_name(SD_OK), "ok");
    assert_string_equal(sd_err_name(SD_E_NOTFOUND), "not_found");
    assert_string_equal(sd_err_name(SD_E_SHREDDED), "shredded");
    assert_string_equal(sd_err_name((sd_err)(SD_E_SHREDDED + 1)), "unknown");
}

static void
test_lang_codes_round_trip(void **state)
{
    (void)state;
    for(uint8_t c = 1; c <= 4; c++)
        assert_int_equal(sd_lang_code(sd_lang_of_code(c)), c);
    assert_int_equal(sd_lang_code("zh-Hant"), 2);
    assert_int_equal(sd_lang_code("ko"), 4);
    assert_int_equal(sd_lang_code("fr"), 0);
    assert_int_equal(sd_lang_code("ZH"), 0);
    assert_int_equal(sd_lang_code(""), 0);
    assert_int_equal(sd_lang_code(NULL), 0);
    assert_string_equal(sd_lang_of_code(0), "");
    assert_string_equal(sd_lang_of_code(5), "");
}

static void
test_roles_parse_each_name_of_a_list(void **state)
{
    unsigned mask = 0;

    (void)state;
    assert_int_equal(sd_roles_parse(&mask, "agent,supervisor"), SD_OK);
    assert_int_equal(mask, SD_ROLE_AGENT | SD_ROLE_SUPERVISOR);
    assert_int_equal(sd_roles_parse(&mask, "auditor,auditor"), SD_OK);
    assert_int_equal(mask, SD_ROLE_AUDITOR);
    assert_int_equal(sd_roles_parse(&mask, "agent,"), SD_OK);
    assert_int_equal(mask, SD_ROLE_AGENT);
    assert_int_equal(sd_roles_parse(&mask, "agent,,auditor"), SD_E_INVALID);
    assert_int_equal(sd_roles_parse(&mask, "agen"), SD_E_INVALID);
    assert_int_equal(sd_roles_parse(&mask, "agents"), SD_E_INVALID);
    assert_int_equal(sd_roles_parse(&mask, "system"), SD_E_INVALID);
    assert_int_equal(sd_roles_parse(&mask, ""), SD_E_INVALID);
    assert_string_equal(sd_role_name(SD_ROLE_SUPERVISOR), "supervisor");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_name_reads_the_table_and_unknown_outside_it),
        cmocka_unit_test(test_enum_parse_finds_names_and_refuses_the_rest),
        cmocka_unit_test(test_enum_parse_n_matches_exact_lengths),
        cmocka_unit_test(test_desk_enums_round_trip),
        cmocka_unit_test(test_name_only_enums_name_every_value),
        cmocka_unit_test(test_lang_codes_round_trip),
        cmocka_unit_test(test_roles_parse_each_name_of_a_list),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
