/* Server configuration: the cluster keys of issue 18 (config file and flags share them). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sealdesk/server.h"

static void
test_cluster_defaults_to_none(void **state)
{
    struct sd_server_config c;

    (void)state;
    sd_server_config_defaults(&c);
    assert_int_equal(c.cluster, SD_CLUSTER_NONE);
    assert_string_equal(c.etcd_endpoints, "");
    assert_string_equal(c.node_name, "");
    assert_int_equal(c.cluster_trim_seconds, 10);
}

static void
test_cluster_trim_seconds(void **state)
{
    struct sd_server_config c;

    (void)state;
    sd_server_config_defaults(&c);
    assert_int_equal(sd_server_config_set(&c, "cluster_trim_seconds", "1"), SD_OK);
    assert_int_equal(c.cluster_trim_seconds, 1);
    assert_int_equal(sd_server_config_set(&c, "cluster-trim-seconds", "86400"), SD_OK);
    assert_int_equal(c.cluster_trim_seconds, 86400);
    /* out of 1..86400 or not a number: refused, the value unchanged */
    assert_int_equal(sd_server_config_set(&c, "cluster_trim_seconds", "0"), SD_E_INVALID);
    assert_int_equal(sd_server_config_set(&c, "cluster_trim_seconds", "86401"), SD_E_INVALID);
    assert_int_equal(sd_server_config_set(&c, "cluster_trim_seconds", "ten"), SD_E_INVALID);
    assert_int_equal(c.cluster_trim_seconds, 86400);
}

static void
test_cluster_keys(void **state)
{
    struct sd_server_config c;

    (void)state;
    sd_server_config_defaults(&c);
    assert_int_equal(sd_server_config_set(&c, "cluster", "etcd"), SD_OK);
    assert_int_equal(c.cluster, SD_CLUSTER_ETCD);
    assert_int_equal(sd_server_config_set(&c, "etcd_endpoints", "https://h1:2379,https://h2:2379"),
                     SD_OK);
    assert_string_equal(c.etcd_endpoints, "https://h1:2379,https://h2:2379");
    assert_int_equal(sd_server_config_set(&c, "etcd_ca", "/ca.pem"), SD_OK);
    assert_int_equal(sd_server_config_set(&c, "etcd_cert", "/c.pem"), SD_OK);
    assert_int_equal(sd_server_config_set(&c, "etcd-key", "/k.pem"), SD_OK);
    assert_string_equal(c.etcd_ca, "/ca.pem");
    assert_string_equal(c.etcd_cert, "/c.pem");
    assert_string_equal(c.etcd_key, "/k.pem");
    assert_int_equal(sd_server_config_set(&c, "node_name", "n1"), SD_OK);
    assert_int_equal(sd_server_config_set(&c, "cluster_name", "desk-prod"), SD_OK);
    assert_int_equal(sd_server_config_set(&c, "advertise", "10.0.0.1:7443"), SD_OK);
    assert_string_equal(c.node_name, "n1");
    assert_string_equal(c.cluster_name, "desk-prod");
    assert_string_equal(c.advertise, "10.0.0.1:7443");
    assert_int_equal(sd_server_config_set(&c, "cluster", "none"), SD_OK);
    assert_int_equal(c.cluster, SD_CLUSTER_NONE);
}

static void
test_cluster_bad_values(void **state)
{
    struct sd_server_config c;
    char longname[80];

    (void)state;
    sd_server_config_defaults(&c);
    assert_int_equal(sd_server_config_set(&c, "cluster", "raft"), SD_E_INVALID);
    assert_int_equal(sd_server_config_set(&c, "node_name", "n 1"), SD_E_INVALID);
    assert_int_equal(sd_server_config_set(&c, "node_name", "n/1"), SD_E_INVALID);
    assert_int_equal(sd_server_config_set(&c, "node_name", ""), SD_E_INVALID);
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    assert_int_equal(sd_server_config_set(&c, "cluster_name", longname), SD_E_LIMIT);
    assert_int_equal(sd_server_config_set(&c, "advertise", "a b"), SD_E_INVALID);
    assert_int_equal(c.cluster, SD_CLUSTER_NONE);
    assert_string_equal(c.node_name, "");
    assert_string_equal(c.cluster_name, "");
}

static void
test_cluster_keys_in_file(void **state)
{
    struct sd_server_config c;
    char path[] = "/tmp/sdcfg.XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    unsigned line = 0;

    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("# cluster\ncluster = etcd\netcd_endpoints = https://127.0.0.1:2379\n"
          "node_name = n2\nnode_name = bad name\n",
          f);
    fclose(f);
    sd_server_config_defaults(&c);
    assert_int_equal(sd_server_config_load(&c, path, &line), SD_E_INVALID);
    assert_int_equal(line, 5);
    assert_int_equal(c.cluster, SD_CLUSTER_ETCD);
    assert_string_equal(c.node_name, "n2");
    unlink(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cluster_defaults_to_none), cmocka_unit_test(test_cluster_keys),
        cmocka_unit_test(test_cluster_trim_seconds),     cmocka_unit_test(test_cluster_bad_values),
        cmocka_unit_test(test_cluster_keys_in_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
