/* libFuzzer harness for the cluster log entry (src/cluster/cluster.c, brief V): arbitrary bytes
 * as an etcd log value. sd_cluster_entry_decode, the parser, is driven directly (the MAC check
 * in front of it would refuse almost every input, so fuzzing only through it would never reach
 * the parser); sd_cluster_entry_open, what a follower calls, is driven too, with a fixed master
 * key (seeds sealed under it reach its parser). Checks: open succeeds only for an input decode
 * accepts, with the same fields; a decoded entry sealed again gives back the input's bytes up
 * to the MAC, and checks under the same key and cluster name; its answers are SD_OK,
 * SD_E_INVALID, SD_E_CRYPTO or SD_E_PRECONDITION (format 1) and nothing else. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/cluster.h"
#include "sealdesk/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CLUSTER "fuzz"

/* master key 1..32: the valid seeds in tests/fuzz/corpus/cluster_entry are sealed under it */
static struct sd_keyring *kr;

static void
cleanup(void)
{
    sd_keyring_free(kr);
}

static void
keyring_once(void)
{
    uint8_t m[SD_KEY_BYTES];

    if(kr)
        return;
    for(size_t i = 0; i < sizeof(m); i++)
        m[i] = (uint8_t)(i + 1);
    if(sd_crypto_init() != SD_OK || sd_keyring_new(&kr, m) != SD_OK)
        abort();
    atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sd_cluster_entry d, o;
    sd_err derr, oerr;
    uint8_t *p = NULL;
    size_t n = 0;

    keyring_once();
    derr = sd_cluster_entry_decode(&d, data, size);
    if(derr != SD_OK && derr != SD_E_INVALID)
        abort();
    if(derr == SD_OK) {
        if(d.seq == 0 || d.ws != data + SD_CLUSTER_ENTRY_HDR ||
           SD_CLUSTER_ENTRY_HDR + d.wlen + SD_CLUSTER_ENTRY_MAC != size)
            abort();
        if(sd_cluster_entry_seal(kr, CLUSTER, &d, &p, &n) != SD_OK || n != size ||
           memcmp(p, data, size - SD_CLUSTER_ENTRY_MAC) != 0 ||
           sd_cluster_entry_open(kr, CLUSTER, &o, p, n) != SD_OK || o.seq != d.seq)
            abort();
        free(p);
    }
    oerr = sd_cluster_entry_open(kr, CLUSTER, &o, data, size);
    switch(oerr) {
    case SD_OK:
        if(derr != SD_OK || o.seq != d.seq || o.wlen != d.wlen || o.tree_size != d.tree_size ||
           memcmp(o.root, d.root, sizeof(o.root)) != 0)
            abort();
        break;
    case SD_E_INVALID:
    case SD_E_CRYPTO:
    case SD_E_PRECONDITION:
        break;
    default:
        abort();
    }
    return 0;
}
