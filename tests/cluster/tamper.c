/* Test helper of tests/cluster/test_divergence.sh: rewrites the cluster log's newest entry
 * (log/<head>) in etcd, as someone with write access to etcd could. Prints the entry's seq.
 *   cluster_tamper CLUSTER record SAVE   flips one byte of the first tickets-table record's
 *                                        value in the write set (put or append) (audit leaves, root and MAC
 *                                        untouched: only the MAC can tell); the original
 *                                        entry is saved to SAVE
 *   cluster_tamper CLUSTER restore SAVE  puts the saved entry back
 *   cluster_tamper CLUSTER root KEYFILE  flips one bit of the audit root and seals the entry
 *                                        again with the MAC key of master key file KEYFILE (a
 *                                        leader that holds the key but got the root wrong:
 *                                        the root check must still catch it)
 * ETCD_ENDPOINTS, ETCD_CA, ETCD_CERT, ETCD_KEY from the environment. Exit 0, 1 (failed), 2
 * (usage). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/cluster.h"
#include "sealdesk/crypto.h"
#include "sealdesk/etcd.h"
#include "sealdesk/store.h"
#include "sealdesk/wset.h"

static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Flip the last byte of the first SD_DB_TICKETS put in the write set; false if none. */
static bool
flip_ticket_record(uint8_t *ws, size_t n)
{
    size_t off = SD_WSET_HEADER;

    while(off + 6 <= n) {
        uint8_t op = ws[off], db = ws[off + 1];
        uint32_t klen = be32(ws + off + 2), vlen;

        if(off + 6 + klen + 4 > n)
            return false;
        vlen = be32(ws + off + 6 + klen);
        if(off + 10 + klen + vlen > n)
            return false;
        if(db == SD_DB_TICKETS && vlen > 0 &&
           (op == SD_WS_PUT || op == SD_WS_PUT_NEW || op == SD_WS_APPEND)) {
            ws[off + 10 + klen + vlen - 1] ^= 0x01;
            return true;
        }
        off += 10 + (size_t)klen + vlen;
    }
    return false;
}

static bool
file_put(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(p, 1, n, f) == n;

    return (f && fclose(f) == 0) && ok;
}

static uint8_t *
file_get(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = f ? malloc(SD_CLUSTER_ENTRY_MAX) : NULL;

    *n = p ? fread(p, 1, SD_CLUSTER_ENTRY_MAX, f) : 0;
    if(f)
        (void)fclose(f);
    return p;
}

/* Seal e's entry again (root changed) with the key file's MAC key into val (same size). */
static bool
reseal(const char *cluster, const char *keyfile, uint8_t *val, size_t n)
{
    uint8_t master[SD_KEY_BYTES], *p = NULL;
    struct sd_keyring *kr = NULL;
    struct sd_cluster_entry e;
    size_t m = 0;
    bool ok = false;

    if(sd_master_key_file(master, keyfile, false) != SD_OK)
        return false;
    if(sd_keyring_new(&kr, master) != SD_OK)
        goto out;
    if(sd_cluster_entry_open(kr, cluster, &e, val, n) != SD_OK)
        goto out; /* not an entry this key sealed */
    e.root[0] ^= 1;
    if(sd_cluster_entry_seal(kr, cluster, &e, &p, &m) != SD_OK || m != n)
        goto out;
    memcpy(val, p, n);
    ok = true;
out:
    free(p);
    sd_keyring_free(kr);
    sodium_memzero(master, sizeof(master));
    return ok;
}

int
main(int argc, char **argv)
{
    struct sd_etcd_opts o = {getenv("ETCD_ENDPOINTS"), getenv("ETCD_CA"), getenv("ETCD_CERT"),
                             getenv("ETCD_KEY"), 5000};
    struct sd_etcd *e = NULL;
    struct sd_etcd_kvs kvs = {0};
    char key[256], head[32];
    const char *mode = argc == 4 ? argv[2] : "";
    uint8_t *val = NULL;
    size_t n = 0;
    int rc = 1;

    if(argc != 4 || (strcmp(mode, "record") && strcmp(mode, "restore") && strcmp(mode, "root")))
        return 2;
    if(sd_crypto_init() != SD_OK || sd_etcd_open(&e, &o) != SD_OK)
        return 1;
    snprintf(key, sizeof(key), "/sealdesk/%s/head", argv[1]);
    if(sd_etcd_range(e, key, strlen(key), NULL, 0, 1, &kvs) != SD_OK || kvs.n != 1 ||
       kvs.v[0].vlen >= sizeof(head))
        goto out;
    memcpy(head, kvs.v[0].val, kvs.v[0].vlen);
    head[kvs.v[0].vlen] = 0;
    sd_etcd_kvs_clear(&kvs);
    snprintf(key, sizeof(key), "/sealdesk/%s/log/%020" PRIu64, argv[1],
             (uint64_t)strtoull(head, NULL, 10));
    if(strcmp(mode, "restore") == 0) {
        val = file_get(argv[3], &n);
        if(!val || n < SD_CLUSTER_ENTRY_HDR)
            goto out;
    } else {
        if(sd_etcd_range(e, key, strlen(key), NULL, 0, 1, &kvs) != SD_OK || kvs.n != 1 ||
           kvs.v[0].vlen < SD_CLUSTER_ENTRY_HDR + SD_CLUSTER_ENTRY_MAC)
            goto out;
        n = kvs.v[0].vlen;
        val = malloc(n);
        if(!val)
            goto out;
        memcpy(val, kvs.v[0].val, n);
        if(strcmp(mode, "record") == 0) {
            if(!file_put(argv[3], val, n) ||
               !flip_ticket_record(val + SD_CLUSTER_ENTRY_HDR,
                                   n - SD_CLUSTER_ENTRY_HDR - SD_CLUSTER_ENTRY_MAC)) {
                fprintf(stderr, "cluster_tamper: no tickets record in entry %s\n", head);
                goto out;
            }
        } else if(!reseal(argv[1], argv[3], val, n)) {
            fprintf(stderr, "cluster_tamper: cannot seal entry %s again\n", head);
            goto out;
        }
    }
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
