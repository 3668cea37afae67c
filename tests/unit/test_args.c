/* Unit tests for tools/common/args.c: the one argument parser of sealctl, sealaudit and
 * sealkey (values, flags, --opt=value, repeats, --, positionals, --help, errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/args.h"

static const char *
colour_name(int i)
{
    static const char *const names[] = {"red", NULL, "green", "blue"};

    return names[i];
}

static const struct sd_arg_enum colours = {colour_name, 0, 4};
static const struct sd_arg_spec spec[] = {
    {"name", SD_ARG_VALUE, "N", NULL},
    {"vip", SD_ARG_FLAG, NULL, NULL},
    {"tag", SD_ARG_VALUE | SD_ARG_REPEAT, "T", NULL},
    {"colour", SD_ARG_VALUE, "C", &colours},
};

static int
parse(struct sd_args *a, size_t max_pos, bool stop, int argc, char **argv)
{
    *a = (struct sd_args){
        .tool = "t", .spec = spec, .n_spec = 4, .max_pos = max_pos, .stop_at_pos = stop};
    return sd_args_parse(a, argc, argv);
}

static void
test_values_flags_and_equals(void **state)
{
    char *argv[] = {"--name", "ann", "--vip", "--colour=blue", "42"};
    struct sd_args a;

    (void)state;
    assert_int_equal(parse(&a, 1, false, 5, argv), 0);
    assert_string_equal(sd_args_get(&a, "name"), "ann");
    assert_int_equal(sd_args_count(&a, "vip"), 1);
    assert_null(sd_args_get(&a, "vip"));
    assert_string_equal(sd_args_get(&a, "colour"), "blue");
    assert_null(sd_args_get(&a, "tag"));
    assert_int_equal(sd_args_count(&a, "tag"), 0);
    assert_int_equal(a.n_pos, 1);
    assert_string_equal(a.pos[0], "42");
    assert_false(a.help);
}

static void
test_repeat_keeps_every_value_in_order(void **state)
{
    char *argv[] = {"--tag", "a", "--tag=b", "--tag", "c"};
    struct sd_args a;

    (void)state;
    assert_int_equal(parse(&a, 0, false, 5, argv), 0);
    assert_int_equal(sd_args_count(&a, "tag"), 3);
    assert_string_equal(sd_args_nth(&a, "tag", 0), "a");
    assert_string_equal(sd_args_nth(&a, "tag", 1), "b");
    assert_string_equal(sd_args_nth(&a, "tag", 2), "c");
    assert_null(sd_args_nth(&a, "tag", 3));
    assert_string_equal(sd_args_get(&a, "tag"), "c");
}

static void
test_errors_exit_2(void **state)
{
    char *unknown[] = {"--bogus"};
    char *missing[] = {"--name"};
    char *twice[] = {"--name", "a", "--name", "b"};
    char *flag_value[] = {"--vip=yes"};
    char *too_many[] = {"x", "y"};
    struct sd_args a;

    (void)state;
    assert_int_equal(parse(&a, 1, false, 1, unknown), 2);
    assert_int_equal(parse(&a, 1, false, 1, missing), 2);
    assert_int_equal(parse(&a, 1, false, 4, twice), 2);
    assert_int_equal(parse(&a, 1, false, 1, flag_value), 2);
    assert_int_equal(parse(&a, 1, false, 2, too_many), 2);
}

static void
test_dashdash_ends_options(void **state)
{
    char *argv[] = {"--vip", "--", "--name", "-x"};
    struct sd_args a;

    (void)state;
    assert_int_equal(parse(&a, 2, false, 4, argv), 0);
    assert_int_equal(sd_args_count(&a, "vip"), 1);
    assert_null(sd_args_get(&a, "name"));
    assert_int_equal(a.n_pos, 2);
    assert_string_equal(a.pos[0], "--name");
    assert_string_equal(a.pos[1], "-x");
}

static void
test_value_may_look_like_an_option(void **state)
{
    char *argv[] = {"--name", "--vip"};
    struct sd_args a;

    (void)state;
    assert_int_equal(parse(&a, 0, false, 2, argv), 0);
    assert_string_equal(sd_args_get(&a, "name"), "--vip");
    assert_int_equal(sd_args_count(&a, "vip"), 0);
}

static void
test_stop_at_command_word(void **state)
{
    char *argv[] = {"--vip", "ticket", "--unknown-to-globals"};
    struct sd_args a;

    (void)state;
    assert_int_equal(parse(&a, 0, true, 3, argv), 0);
    assert_int_equal(a.next, 1);
    assert_int_equal(sd_args_count(&a, "vip"), 1);
}

static void
test_help_is_reported_not_an_error(void **state)
{
    char *argv[] = {"--name", "x", "--help"};
    struct sd_args a;

    (void)state;
    assert_int_equal(parse(&a, 0, false, 3, argv), 0);
    assert_true(a.help);
}

static void
test_help_lists_enum_values_from_the_table(void **state)
{
    char buf[1024] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

    (void)state;
    assert_non_null(f);
    sd_args_help(f, spec, 4);
    assert_int_equal(fclose(f), 0);
    assert_non_null(strstr(buf, "--name N"));
    assert_non_null(strstr(buf, "--tag T (repeatable)"));
    assert_non_null(strstr(buf, "one of: red, green, blue\n"));
    assert_true(sd_arg_enum_has(&colours, "green"));
    assert_false(sd_arg_enum_has(&colours, "purple"));
    assert_false(sd_arg_enum_has(&colours, NULL));
}

static void
test_globals_flags_over_environment(void **state)
{
    char *argv[] = {"tool", "--data", "/d", "--json", "--ca=/ca", "status", "--data", "x"};
    struct sd_globals g;

    (void)state;
    setenv("SEALDESK_DATA", "/env-data", 1);
    setenv("SEALDESK_SERVER", "h:1", 1);
    setenv("SEALDESK_PASSPHRASE_FILE", "/env-pass", 1);
    assert_int_equal(sd_globals_parse("t", 8, argv, false, &g), 0);
    assert_string_equal(g.data, "/d"); /* the command line wins */
    assert_true(g.data_flag);
    assert_string_equal(g.server, "h:1"); /* the environment stands in */
    assert_false(g.server_flag);
    assert_string_equal(g.ca, "/ca");
    assert_true(g.json);
    assert_null(g.pass_file); /* not read without env_pass */
    assert_int_equal(g.cmd, 5);
    assert_int_equal(sd_globals_parse("t", 8, argv, true, &g), 0);
    assert_string_equal(g.pass_file, "/env-pass");
    unsetenv("SEALDESK_DATA");
    unsetenv("SEALDESK_SERVER");
    unsetenv("SEALDESK_PASSPHRASE_FILE");
}

static void
test_globals_errors_and_help(void **state)
{
    char *bad[] = {"tool", "--bogus", "status"};
    char *missing[] = {"tool", "--data"};
    char *help[] = {"tool", "--help"};
    char *none[] = {"tool", "--offline"};
    struct sd_globals g;

    (void)state;
    assert_int_equal(sd_globals_parse("t", 3, bad, false, &g), 2);
    assert_int_equal(sd_globals_parse("t", 2, missing, false, &g), 2);
    assert_int_equal(sd_globals_parse("t", 2, help, false, &g), 0);
    assert_true(g.help);
    assert_int_equal(sd_globals_parse("t", 2, none, false, &g), 0);
    assert_true(g.offline_flag);
    assert_int_equal(g.cmd, 2); /* no command word */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_flags_and_equals),
        cmocka_unit_test(test_repeat_keeps_every_value_in_order),
        cmocka_unit_test(test_errors_exit_2),
        cmocka_unit_test(test_dashdash_ends_options),
        cmocka_unit_test(test_value_may_look_like_an_option),
        cmocka_unit_test(test_stop_at_command_word),
        cmocka_unit_test(test_help_is_reported_not_an_error),
        cmocka_unit_test(test_help_lists_enum_values_from_the_table),
        cmocka_unit_test(test_globals_flags_over_environment),
        cmocka_unit_test(test_globals_errors_and_help),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
