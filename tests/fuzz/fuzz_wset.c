/* libFuzzer harness for sd_wset_apply (src/store/wset.c), the parser of write sets a follower
 * receives from the cluster log: arbitrary bytes are replayed into a write txn of a real store
 * (a temporary directory for the process, seeded with a few keys in every table so deletes
 * and PUT_NEW conflicts are reachable), which is then aborted. Checks: the answer is SD_OK, a
 * refusal of the input (SD_E_INVALID with a reason and an offset inside the input) or a
 * replay refusal from the store (SD_E_CONFLICT, SD_E_NOTFOUND, SD_E_STORE for a value LMDB
 * will not take, SD_E_LIMIT); the store's content is unchanged after the abort. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/crypto.h"
#include "sealdesk/store.h"
#include "sealdesk/wset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sd_store *store;
static uint8_t digest0[32];
static char dir[64];

static void
cleanup(void)
{
    char cmd[96];

    sd_store_close(store);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if(system(cmd) != 0)
        fprintf(stderr, "fuzz_wset: cleanup of %s failed\n", dir);
}

static void
open_store(void)
{
    struct sd_txn *t;
    char k[2] = {'k', 0};

    if(store)
        return;
    if(sd_crypto_init() != SD_OK)
        abort();
    snprintf(dir, sizeof(dir), "/tmp/sdfuzzwset.XXXXXX");
    if(!mkdtemp(dir) || sd_store_open(&store, dir, SD_STORE_CREATE, (size_t)1 << 30) != SD_OK)
        abort();
    atexit(cleanup);
    if(sd_txn_begin(store, true, &t) != SD_OK)
        abort();
    for(int db = 0; db < SD_DB_COUNT; db++) {
        for(char c = 'a'; c <= 'c'; c++) {
            k[1] = c;
            if(sd_txn_put(t, (enum sd_db)db, k, 2, "vvvvvvvv", 8) != SD_OK)
                abort();
        }
    }
    if(sd_txn_commit(t) != SD_OK || sd_store_digest(store, digest0) != SD_OK)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sd_txn *t;
    uint8_t d[32];
    sd_err err;

    open_store();
    if(sd_txn_begin(store, true, &t) != SD_OK)
        abort();
    err = sd_wset_apply(t, data, size);
    switch(err) {
    case SD_OK:
        break;
    case SD_E_INVALID:
        if(sd_wset_why()[0] == '\0' || sd_wset_bad_offset() > size)
            abort();
        break;
    case SD_E_CONFLICT:
    case SD_E_NOTFOUND:
    case SD_E_STORE:
    case SD_E_LIMIT:
        if(sd_wset_why()[0] == '\0' || sd_wset_bad_offset() >= size)
            abort();
        break;
    default:
        abort();
    }
    sd_txn_abort(t);
    if(sd_store_digest(store, d) != SD_OK || memcmp(d, digest0, sizeof(d)) != 0)
        abort();
    return 0;
}
