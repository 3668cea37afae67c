/* The cost of the cluster log entry MAC (README "Running a cluster" figures): ns per MAC and
 * per constant-time check of a 16 KiB entry (sd_clog_mac, sd_clog_mac_verify: what the
 * leader's seal and a follower's open add per entry), with the keyring as sealdeskd runs it
 * (key grace period on: the key stays readable between uses) and with grace 0 (two mprotect
 * calls per use). Usage: cluster_macbench [BYTES [ROUNDS]] (default 16384, 20000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sealdesk/crypto.h"

static double
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
run(const struct sd_keyring *kr, const char *what, const uint8_t *msg, size_t n, long rounds)
{
    uint8_t mac[SD_CLOG_MAC_BYTES];
    double t0, t1, t2;

    t0 = now_ns();
    for(long i = 0; i < rounds; i++)
        if(sd_clog_mac(kr, mac, "sealdesk", msg, n) != SD_OK)
            return 1;
    t1 = now_ns();
    for(long i = 0; i < rounds; i++)
        if(sd_clog_mac_verify(kr, mac, "sealdesk", msg, n) != SD_OK)
            return 1;
    t2 = now_ns();
    printf("%s: %zu-byte entry: MAC %.0f ns, check %.0f ns (%.0f MB/s)\n", what, n,
           (t1 - t0) / (double)rounds, (t2 - t1) / (double)rounds,
           (double)n * (double)rounds / ((t1 - t0) / 1e3));
    return 0;
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 16384;
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
    uint8_t master[SD_KEY_BYTES] = {1};
    struct sd_keyring *kr = NULL;
    uint8_t *msg = calloc(1, n ? n : 1);
    int rc = 1;

    if(!msg || rounds <= 0 || sd_crypto_init() != SD_OK || sd_keyring_new(&kr, master) != SD_OK)
        goto out;
    for(size_t i = 0; i < n; i++)
        msg[i] = (uint8_t)(i * 31);
    sd_keyring_set_grace(kr, 1000); /* as sealdeskd */
    if(run(kr, "grace on (sealdeskd)", msg, n, rounds) != 0)
        goto out;
    sd_keyring_set_grace(kr, 0);
    if(run(kr, "grace 0 (mprotect per use)", msg, n, rounds) != 0)
        goto out;
    rc = 0;
out:
    sd_keyring_free(kr);
    free(msg);
    return rc;
}
