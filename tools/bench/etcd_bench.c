/* etcd_bench: latency of the cluster log's fenced append (issue 18) against a running etcd:
 * Txn(compare head VALUE == previous seq AND leader CREATE == the leader key's create revision)
 * -> put log/<seq as 20 digits> (the value) and put head. Prints p50, p99, max and the
 * appends per second of one client doing them one after another.
 *
 *   etcd_bench --endpoints URLS --ca F --cert F --key F [--count N] [--size BYTES]
 *              [--prefix P]
 * tools/bench/etcd_bench.sh starts a 3-member TLS cluster on loopback and runs it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sealdesk/etcd.h"

#define MAX_COUNT 100000
#define MAX_SIZE  (1024 * 1024)

static uint64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

static int
usage(void)
{
    (void)fprintf(stderr, "usage: etcd_bench --endpoints URLS --ca F --cert F --key F [--count N] "
                          "[--size BYTES] [--prefix P]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    struct sd_etcd_opts o = {0};
    struct sd_etcd *e = NULL;
    struct sd_etcd_kvs l = {0};
    const char *prefix = "/sealdesk-bench/";
    long count = 500;
    long size = 16384;
    uint64_t *lat = NULL;
    uint8_t *val = NULL;
    char head_key[256], leader_key[256], log_key[300], prev[32], next[32];
    int64_t leader_create;
    uint64_t t_all;
    size_t p50;
    size_t p99;
    bool ok = false;
    int rc = 1;
    int i;

    for(i = 1; i + 1 < argc; i += 2) {
        if(!strcmp(argv[i], "--endpoints"))
            o.endpoints = argv[i + 1];
        else if(!strcmp(argv[i], "--ca"))
            o.ca = argv[i + 1];
        else if(!strcmp(argv[i], "--cert"))
            o.cert = argv[i + 1];
        else if(!strcmp(argv[i], "--key"))
            o.key = argv[i + 1];
        else if(!strcmp(argv[i], "--count"))
            count = strtol(argv[i + 1], NULL, 10);
        else if(!strcmp(argv[i], "--size"))
            size = strtol(argv[i + 1], NULL, 10);
        else if(!strcmp(argv[i], "--prefix"))
            prefix = argv[i + 1];
        else
            return usage();
    }
    if(i != argc || !o.endpoints || count < 1 || count > MAX_COUNT || size < 0 || size > MAX_SIZE ||
       strlen(prefix) > 200)
        return usage();
    if(sd_etcd_open(&e, &o) != SD_OK)
        return 1;
    lat = calloc((size_t)count, sizeof(*lat));
    val = malloc((size_t)size + 1);
    if(!lat || !val)
        goto out;
    memset(val, 'v', (size_t)size);
    (void)snprintf(head_key, sizeof(head_key), "%shead", prefix);
    (void)snprintf(leader_key, sizeof(leader_key), "%sleader", prefix);
    /* A fresh leader key and head 0, as a leader that just won. */
    if(sd_etcd_delete(e, prefix, strlen(prefix), NULL, 0, NULL) != SD_OK ||
       sd_etcd_put(e, leader_key, strlen(leader_key), "bench", 5, 0) != SD_OK ||
       sd_etcd_put(e, head_key, strlen(head_key), "0", 1, 0) != SD_OK ||
       sd_etcd_range(e, leader_key, strlen(leader_key), NULL, 0, 0, &l) != SD_OK || l.n != 1) {
        (void)fprintf(stderr, "etcd_bench: set-up failed: %s\n", sd_etcd_why(e));
        goto out;
    }
    leader_create = l.v[0].create_rev;
    t_all = now_us();
    for(i = 0; i < count; i++) {
        struct sd_etcd_cmp c[2] = {
            {.key = head_key,
             .klen = strlen(head_key),
             .target = SD_ETCD_T_VALUE,
             .result = SD_ETCD_EQ,
             .val = prev},
            {.key = leader_key,
             .klen = strlen(leader_key),
             .target = SD_ETCD_T_CREATE,
             .result = SD_ETCD_EQ,
             .num = leader_create},
        };
        struct sd_etcd_op op[2];
        uint64_t t0;
        sd_err err;

        (void)snprintf(prev, sizeof(prev), "%d", i);
        (void)snprintf(next, sizeof(next), "%d", i + 1);
        c[0].vlen = strlen(prev);
        (void)snprintf(log_key, sizeof(log_key), "%slog/%020d", prefix, i + 1);
        op[0] = (struct sd_etcd_op){.kind = SD_ETCD_OP_PUT,
                                    .key = log_key,
                                    .klen = strlen(log_key),
                                    .val = val,
                                    .vlen = (size_t)size};
        op[1] = (struct sd_etcd_op){.kind = SD_ETCD_OP_PUT,
                                    .key = head_key,
                                    .klen = strlen(head_key),
                                    .val = next,
                                    .vlen = strlen(next)};
        t0 = now_us();
        err = sd_etcd_txn(e, c, 2, op, 2, NULL, 0, &ok, NULL);
        lat[i] = now_us() - t0;
        if(err != SD_OK || !ok) {
            (void)fprintf(stderr, "etcd_bench: append %d: %s\n", i + 1,
                          err != SD_OK ? sd_etcd_why(e) : "fenced");
            goto out;
        }
    }
    t_all = now_us() - t_all;
    qsort(lat, (size_t)count, sizeof(*lat), cmp_u64);
    p50 = (size_t)count / 2;
    p99 = (size_t)count * 99 / 100; /* < count for count >= 1 */
    printf("fenced append, %ld bytes, %ld appends: p50 %.2f ms, p99 %.2f ms, max %.2f ms, "
           "%.0f appends/s (one client, sequential)\n",
           size, count, (double)lat[p50] / 1000.0, (double)lat[p99] / 1000.0,
           (double)lat[count - 1] / 1000.0, (double)count * 1e6 / (double)t_all);
    (void)sd_etcd_delete(e, prefix, strlen(prefix), NULL, 0, NULL);
    rc = 0;
out:
    sd_etcd_kvs_clear(&l);
    free(lat);
    free(val);
    sd_etcd_close(e);
    return rc;
}
