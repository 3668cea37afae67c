/* Cluster (issue 18) pieces that need no etcd: the log entry format and the option checks of
 * sd_cluster_start (a bad option is refused before anything starts or touches the store). The
 * election, fenced append and apply run against real etcd in tests/cluster/test_*.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sealdesk/cluster.h"
#include "sealdesk/store.h"

static void
test_entry_round_trip(void **state)
{
    static const uint8_t ws[] = "SDWS\x01 some ops";
    struct sd_cluster_entry e = {.seq = 42, .tree_size = 7, .ws = ws, .wlen = sizeof(ws)};
    struct sd_cluster_entry d;
    uint8_t *p = NULL;
    size_t n = 0;

    (void)state;
    for(int i = 0; i < 32; i++)
        e.root[i] = (uint8_t)(i * 7);
    assert_int_equal(sd_cluster_entry_encode(&e, &p, &n), SD_OK);
    assert_int_equal(n, SD_CLUSTER_ENTRY_HDR + sizeof(ws));
    assert_memory_equal(p, "SDLE\x01", 5);
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_OK);
    assert_int_equal(d.seq, 42);
    assert_int_equal(d.tree_size, 7);
    assert_memory_equal(d.root, e.root, 32);
    assert_int_equal(d.wlen, sizeof(ws));
    assert_memory_equal(d.ws, ws, sizeof(ws));
    free(p);
}

static void
test_entry_bad_input(void **state)
{
    struct sd_cluster_entry e = {.seq = 1, .tree_size = 1}, d;
    uint8_t *p = NULL, *big;
    size_t n = 0;

    (void)state;
    assert_int_equal(sd_cluster_entry_encode(&e, &p, &n), SD_OK);
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_OK);
    assert_int_equal(d.wlen, 0);
    assert_int_equal(sd_cluster_entry_decode(&d, p, n - 1), SD_E_INVALID); /* short */
    p[0] = 'X';
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_E_INVALID); /* magic */
    p[0] = 'S';
    p[4] = 2;
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_E_INVALID); /* version */
    p[4] = 1;
    p[56] = 9; /* wlen says 9 bytes follow, none do */
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_E_INVALID);
    p[56] = 0;
    p[12] = 0; /* seq 0 is no entry */
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_E_INVALID);
    free(p);
    /* a write set over the 1 MiB entry limit is refused, not truncated */
    big = calloc(1, SD_CLUSTER_ENTRY_MAX);
    assert_non_null(big);
    e.ws = big;
    e.wlen = SD_CLUSTER_ENTRY_MAX - SD_CLUSTER_ENTRY_HDR + 1;
    assert_int_equal(sd_cluster_entry_encode(&e, &p, &n), SD_E_LIMIT);
    e.wlen--;
    assert_int_equal(sd_cluster_entry_encode(&e, &p, &n), SD_OK);
    assert_int_equal(n, SD_CLUSTER_ENTRY_MAX);
    free(p);
    free(big);
}

static void
test_start_refuses_bad_options(void **state)
{
    char dir[] = "/tmp/sdcluster.XXXXXX", cmd[64];
    struct sd_store *s = NULL;
    struct sd_cluster *c = (struct sd_cluster *)1;
    struct sd_cluster_opts o = {.node_name = "n1",
                                .advertise = "127.0.0.1:7443",
                                .etcd = {"https://127.0.0.1:1", "/nonexistent/ca", "/x", "/y", 0}};

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(sd_store_open(&s, dir, SD_STORE_CREATE, 1 << 24), SD_OK);
    o.node_name = "n 1";
    assert_int_equal(sd_cluster_start(&c, s, &o), SD_E_INVALID);
    assert_null(c);
    o.node_name = "n1";
    o.cluster_name = "a/b";
    assert_int_equal(sd_cluster_start(&c, s, &o), SD_E_INVALID);
    o.cluster_name = NULL;
    o.advertise = "";
    assert_int_equal(sd_cluster_start(&c, s, &o), SD_E_INVALID);
    o.advertise = "127.0.0.1:7443";
    o.trim_s = SD_CLUSTER_TRIM_MAX + 1; /* cluster_trim_seconds over its limit */
    assert_int_equal(sd_cluster_start(&c, s, &o), SD_E_INVALID);
    assert_null(c);
    o.trim_s = 0;
    /* unreadable etcd files: refused by the etcd client, nothing started */
    assert_int_not_equal(sd_cluster_start(&c, s, &o), SD_OK);
    assert_null(c);
    sd_store_close(s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_round_trip),
        cmocka_unit_test(test_entry_bad_input),
        cmocka_unit_test(test_start_refuses_bad_options),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
