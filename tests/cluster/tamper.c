/* Test helper of tests/cluster/test_divergence.sh: rewrites the cluster log's newest entry
 * (log/<head>) in etcd with one bit of its audit root flipped, as an attacker with write access
 * to etcd could. Usage: cluster_tamper CLUSTER_NAME (ETCD_ENDPOINTS, ETCD_CA, ETCD_CERT,
 * ETCD_KEY from the environment). Prints the tampered seq. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/cluster.h"
#include "sealdesk/etcd.h"

int
main(int argc, char **argv)
{
    struct sd_etcd_opts o = {getenv("ETCD_ENDPOINTS"), getenv("ETCD_CA"), getenv("ETCD_CERT"),
                             getenv("ETCD_KEY"), 5000};
    struct sd_etcd *e = NULL;
    struct sd_etcd_kvs kvs = {0};
    char key[256], head[32];
    uint8_t *val = NULL;
    size_t n;
    int rc = 1;

    if(argc != 2 || sd_etcd_open(&e, &o) != SD_OK)
        return 2;
    snprintf(key, sizeof(key), "/sealdesk/%s/head", argv[1]);
    if(sd_etcd_range(e, key, strlen(key), NULL, 0, 1, &kvs) != SD_OK || kvs.n != 1 ||
       kvs.v[0].vlen >= sizeof(head))
        goto out;
    memcpy(head, kvs.v[0].val, kvs.v[0].vlen);
    head[kvs.v[0].vlen] = 0;
    sd_etcd_kvs_clear(&kvs);
    snprintf(key, sizeof(key), "/sealdesk/%s/log/%020" PRIu64, argv[1],
             (uint64_t)strtoull(head, NULL, 10));
    if(sd_etcd_range(e, key, strlen(key), NULL, 0, 1, &kvs) != SD_OK || kvs.n != 1 ||
       kvs.v[0].vlen < SD_CLUSTER_ENTRY_HDR)
        goto out;
    n = kvs.v[0].vlen;
    val = malloc(n);
    if(!val)
        goto out;
    memcpy(val, kvs.v[0].val, n);
    val[21] ^= 1; /* first byte of the root */
    if(sd_etcd_put(e, key, strlen(key), val, n, 0) != SD_OK)
        goto out;
    printf("%s\n", head);
    rc = 0;
out:
    free(val);
    sd_etcd_kvs_clear(&kvs);
    sd_etcd_close(e);
    return rc;
}
