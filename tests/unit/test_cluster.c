/* Cluster (issue 18) pieces that need no etcd: the log entry format and the option checks of
 * sd_cluster_start (a bad option is refused before anything starts or touches the store), and
 * the entry MAC (every entry authenticated under a key derived from the master key). The
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

#include <sodium.h>

#include "sealdesk/cluster.h"
#include "sealdesk/crypto.h"
#include "sealdesk/store.h"

static const uint8_t master_a[SD_KEY_BYTES] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                               12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                               23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static struct sd_keyring *
keyring(uint8_t first)
{
    uint8_t m[SD_KEY_BYTES];
    struct sd_keyring *kr = NULL;

    memcpy(m, master_a, sizeof(m));
    m[0] = first;
    assert_int_equal(sd_crypto_init(), SD_OK);
    assert_int_equal(sd_keyring_new(&kr, m), SD_OK);
    return kr;
}

static void
sample(struct sd_cluster_entry *e)
{
    static const uint8_t ws[] = "SDWS\x01 some ops";

    memset(e, 0, sizeof(*e));
    e->seq = 42;
    e->tree_size = 7;
    e->ws = ws;
    e->wlen = sizeof(ws);
    for(int i = 0; i < 32; i++)
        e->root[i] = (uint8_t)(i * 7);
}

static void
test_entry_round_trip(void **state)
{
    struct sd_keyring *kr = keyring(1);
    struct sd_cluster_entry e, d;
    uint8_t *p = NULL;
    size_t n = 0;

    (void)state;
    sample(&e);
    assert_int_equal(sd_cluster_entry_seal(kr, "east", &e, &p, &n), SD_OK);
    assert_int_equal(n, SD_CLUSTER_ENTRY_HDR + e.wlen + SD_CLUSTER_ENTRY_MAC);
    assert_memory_equal(p, "SDLE\x02", 5);
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, n), SD_OK);
    assert_int_equal(d.seq, 42);
    assert_int_equal(d.tree_size, 7);
    assert_memory_equal(d.root, e.root, 32);
    assert_int_equal(d.wlen, e.wlen);
    assert_memory_equal(d.ws, e.ws, e.wlen);
    free(p);
    sd_keyring_free(kr);
}

/* The MAC is BLAKE2b-256 keyed with BLAKE2b-256(key = master, "sealdesk/v1/cluster-log-mac")
 * over u8 len(cluster) | cluster | entry up to the MAC: recomputed here with libsodium alone. */
static void
test_entry_mac_known_answer(void **state)
{
    static const char label[] = "sealdesk/v1/cluster-log-mac";
    struct sd_keyring *kr = keyring(1), *kr2 = keyring(1);
    struct sd_cluster_entry e;
    uint8_t *p = NULL, *p2 = NULL, m[SD_KEY_BYTES], k[32], mac[32], len = 4;
    crypto_generichash_state st;
    size_t n = 0, n2 = 0;

    (void)state;
    sample(&e);
    assert_int_equal(sd_cluster_entry_seal(kr, "east", &e, &p, &n), SD_OK);
    memcpy(m, master_a, sizeof(m));
    m[0] = 1;
    assert_int_equal(crypto_generichash(k, 32, (const uint8_t *)label, sizeof(label) - 1, m, 32),
                     0);
    assert_int_equal(crypto_generichash_init(&st, k, 32, 32), 0);
    crypto_generichash_update(&st, &len, 1);
    crypto_generichash_update(&st, (const uint8_t *)"east", 4);
    crypto_generichash_update(&st, p, n - 32);
    crypto_generichash_final(&st, mac, 32);
    assert_memory_equal(p + n - 32, mac, 32);
    /* a keyed hash under the master key itself is not it: the key is a subkey */
    assert_int_equal(crypto_generichash(k, 32, p, n - 32, m, 32), 0);
    assert_memory_not_equal(p + n - 32, k, 32);
    /* every node derives the same key from the same master key */
    assert_int_equal(sd_cluster_entry_seal(kr2, "east", &e, &p2, &n2), SD_OK);
    assert_int_equal(n2, n);
    assert_memory_equal(p2, p, n);
    free(p);
    free(p2);
    sd_keyring_free(kr);
    sd_keyring_free(kr2);
}

/* One flipped bit anywhere (magic, version, seq, size, root, length, write set, MAC) is
 * refused by the MAC, and nothing is decoded into the caller's entry. */
static void
test_entry_bit_flip_refused(void **state)
{
    struct sd_keyring *kr = keyring(1);
    struct sd_cluster_entry e, d, zero;
    uint8_t *p = NULL;
    size_t n = 0;

    (void)state;
    sample(&e);
    assert_int_equal(sd_cluster_entry_seal(kr, "east", &e, &p, &n), SD_OK);
    memset(&zero, 0xA5, sizeof(zero));
    for(size_t i = 0; i < n * 8; i++) {
        p[i / 8] ^= (uint8_t)(1u << (i % 8));
        d = zero;
        assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, n), SD_E_CRYPTO);
        assert_memory_equal(&d, &zero, sizeof(d));
        p[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, n), SD_OK);
    /* the parser alone (what the fuzz harness drives) does not look at the MAC */
    p[n - 1] ^= 1;
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_OK);
    free(p);
    sd_keyring_free(kr);
}

/* An entry of another cluster (same master key) or sealed under another master key. */
static void
test_entry_other_cluster_refused(void **state)
{
    struct sd_keyring *kr = keyring(1), *other = keyring(2);
    struct sd_cluster_entry e, d;
    uint8_t *p = NULL;
    size_t n = 0;

    (void)state;
    sample(&e);
    assert_int_equal(sd_cluster_entry_seal(kr, "east", &e, &p, &n), SD_OK);
    assert_int_equal(sd_cluster_entry_open(kr, "west", &d, p, n), SD_E_CRYPTO);
    assert_int_equal(sd_cluster_entry_open(kr, "eas", &d, p, n), SD_E_CRYPTO);
    assert_int_equal(sd_cluster_entry_open(other, "east", &d, p, n), SD_E_CRYPTO);
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, n), SD_OK);
    free(p);
    sd_keyring_free(kr);
    sd_keyring_free(other);
}

/* No downgrade: a format-1 entry (no MAC) is refused as such, and so is an entry whose MAC
 * was cut off or whose version byte was set back to 1. */
static void
test_entry_without_mac_refused(void **state)
{
    struct sd_keyring *kr = keyring(1);
    struct sd_cluster_entry e, d;
    uint8_t *p = NULL, v1[SD_CLUSTER_ENTRY_HDR + 64];
    size_t n = 0, n1;

    (void)state;
    sample(&e);
    assert_int_equal(sd_cluster_entry_seal(kr, "east", &e, &p, &n), SD_OK);
    /* the same entry as format 1 wrote it: version 1, no MAC */
    n1 = n - SD_CLUSTER_ENTRY_MAC;
    assert_true(n1 <= sizeof(v1));
    memcpy(v1, p, n1);
    v1[4] = 1;
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, v1, n1), SD_E_PRECONDITION);
    /* a format-1 entry with an empty write set (shorter than any MAC'd entry) */
    v1[56] = 0;
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, v1, SD_CLUSTER_ENTRY_HDR),
                     SD_E_PRECONDITION);
    assert_int_equal(sd_cluster_entry_decode(&d, v1, n1), SD_E_INVALID);
    /* format 2 with its MAC cut off */
    assert_int_not_equal(sd_cluster_entry_open(kr, "east", &d, p, n - SD_CLUSTER_ENTRY_MAC), SD_OK);
    /* format 2 with the version byte set back to 1 (the MAC kept) */
    p[4] = 1;
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, n), SD_E_PRECONDITION);
    /* too short for anything */
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, 3), SD_E_INVALID);
    free(p);
    sd_keyring_free(kr);
}

static void
test_entry_bad_input(void **state)
{
    struct sd_keyring *kr = keyring(1);
    struct sd_cluster_entry e = {.seq = 1, .tree_size = 1}, d;
    uint8_t *p = NULL, *big;
    size_t n = 0;

    (void)state;
    assert_int_equal(sd_cluster_entry_seal(kr, "east", &e, &p, &n), SD_OK);
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, n), SD_OK);
    assert_int_equal(d.wlen, 0);
    assert_int_equal(sd_cluster_entry_decode(&d, p, n - 1), SD_E_INVALID); /* short */
    p[0] = 'X';
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_E_INVALID); /* magic */
    p[0] = 'S';
    p[4] = 3;
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_E_INVALID); /* version */
    p[4] = 2;
    p[56] = 9; /* wlen says 9 bytes follow, none do */
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_E_INVALID);
    p[56] = 0;
    p[12] = 0; /* seq 0 is no entry */
    assert_int_equal(sd_cluster_entry_decode(&d, p, n), SD_E_INVALID);
    free(p);
    /* no keyring or cluster name: refused */
    assert_int_equal(sd_cluster_entry_seal(NULL, "east", &e, &p, &n), SD_E_INVALID);
    assert_int_equal(sd_cluster_entry_seal(kr, "", &e, &p, &n), SD_E_INVALID);
    /* a write set over the 1 MiB entry limit is refused, not truncated */
    big = calloc(1, SD_CLUSTER_ENTRY_MAX);
    assert_non_null(big);
    e.ws = big;
    e.wlen = SD_CLUSTER_ENTRY_MAX - SD_CLUSTER_ENTRY_HDR - SD_CLUSTER_ENTRY_MAC + 1;
    assert_int_equal(sd_cluster_entry_seal(kr, "east", &e, &p, &n), SD_E_LIMIT);
    e.wlen--;
    assert_int_equal(sd_cluster_entry_seal(kr, "east", &e, &p, &n), SD_OK);
    assert_int_equal(n, SD_CLUSTER_ENTRY_MAX);
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, n), SD_OK);
    assert_int_equal(sd_cluster_entry_open(kr, "east", &d, p, n + 1), SD_E_INVALID);
    free(p);
    free(big);
    sd_keyring_free(kr);
}

static void
test_start_refuses_bad_options(void **state)
{
    char dir[] = "/tmp/sdcluster.XXXXXX", cmd[64];
    struct sd_store *s = NULL;
    struct sd_cluster *c = (struct sd_cluster *)1;
    struct sd_keyring *kr;
    struct sd_cluster_opts o = {.node_name = "n1",
                                .advertise = "127.0.0.1:7443",
                                .etcd = {"https://127.0.0.1:1", "/nonexistent/ca", "/x", "/y", 0}};

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(sd_store_open(&s, dir, SD_STORE_CREATE, 1 << 24), SD_OK);
    kr = keyring(1);
    o.keyring = kr;
    o.node_name = "n 1";
    assert_int_equal(sd_cluster_start(&c, s, &o), SD_E_INVALID);
    assert_null(c);
    o.node_name = "n1";
    o.keyring = NULL; /* no key to seal the log with */
    assert_int_equal(sd_cluster_start(&c, s, &o), SD_E_INVALID);
    assert_null(c);
    o.keyring = kr;
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
    {
        /* a test hold file path over its limit is refused, not cut to another path */
        char longp[SD_CLUSTER_PATH_MAX + 2];

        memset(longp, 'a', sizeof(longp) - 1);
        longp[sizeof(longp) - 1] = 0;
        o.test_append_hold_file = longp;
        assert_int_equal(sd_cluster_start(&c, s, &o), SD_E_INVALID);
        assert_null(c);
        o.test_append_hold_file = NULL;
    }
    /* unreadable etcd files: refused by the etcd client, nothing started */
    assert_int_not_equal(sd_cluster_start(&c, s, &o), SD_OK);
    assert_null(c);
    sd_store_close(s);
    sd_keyring_free(kr);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_round_trip),
        cmocka_unit_test(test_entry_mac_known_answer),
        cmocka_unit_test(test_entry_bit_flip_refused),
        cmocka_unit_test(test_entry_other_cluster_refused),
        cmocka_unit_test(test_entry_without_mac_refused),
        cmocka_unit_test(test_entry_bad_input),
        cmocka_unit_test(test_start_refuses_bad_options),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
