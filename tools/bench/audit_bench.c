/* Audit benchmark (not a test): append cost per entry (batched txns and one durable txn per
 * entry), export size, and offline verification speed of the exported log.
 * usage: audit_bench DIR [ENTRIES]   (DIR must not exist; default 1,000,000 entries) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sealdesk/audit.h"
#include "sealdesk/crypto.h"
#include "sealdesk/keystore.h"
#include "sealdesk/store.h"
#include "bench.h"

static double
cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
    uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
    const uint64_t batch = 1000, durable = 2000;
    uint8_t master[32], digest[32];
    struct sd_keyring *kr;
    struct sd_store *s;
    struct sd_txn *t;
    struct sd_audit_verifier *v = calloc(1, sizeof(*v));
    struct sd_audit_rec r = {.actor = "bench-agent-42",
                             .action = "ticket.create",
                             .target = "t123456",
                             .request_id = "req-0123456789abcdef",
                             .digest = digest};
    char path[1024];
    double t0, t1, c0, c1;
    FILE *f;
    struct stat st;

    if(!v || argc < 2 || sd_crypto_init() != SD_OK || mkdir(argv[1], 0700) != 0) {
        fprintf(stderr, "usage: audit_bench NEW_DIR [ENTRIES]\n");
        free(v);
        return 2;
    }
    memset(master, 7, sizeof(master));
    memset(digest, 0xab, sizeof(digest));
    CHECK(sd_store_open(&s, argv[1], SD_STORE_CREATE, (size_t)64 << 30));
    CHECK(sd_keyring_new(&kr, master));
    CHECK(sd_txn_begin(s, true, &t));
    CHECK(sd_keys_init(t, kr));
    CHECK(sd_txn_commit(t));

    /* durable: one txn (fsync) per entry, like one ticket operation */
    t0 = now_s();
    for(uint64_t i = 0; i < durable; i++) {
        CHECK(sd_txn_begin(s, true, &t));
        CHECK(sd_audit_append(t, kr, &r, NULL));
        CHECK(sd_txn_commit(t));
    }
    t1 = now_s();
    printf("append, one durable txn per entry: %.1f us/entry (%.0f entries/s), %" PRIu64
           " entries\n",
           (t1 - t0) / (double)durable * 1e6, (double)durable / (t1 - t0), durable);

    /* batched: the append work itself, amortising the fsync over `batch` entries */
    t0 = now_s();
    c0 = cpu_s();
    for(uint64_t i = durable; i < n; i += batch) {
        CHECK(sd_txn_begin(s, true, &t));
        for(uint64_t k = 0; k < batch && i + k < n; k++)
            CHECK(sd_audit_append(t, kr, &r, NULL));
        CHECK(sd_txn_commit(t));
    }
    t1 = now_s();
    c1 = cpu_s();
    printf("append, %" PRIu64 " entries per txn: %.2f us/entry wall, %.2f us/entry CPU, "
           "%" PRIu64 " entries\n",
           batch, (t1 - t0) / (double)(n - durable) * 1e6, (c1 - c0) / (double)(n - durable) * 1e6,
           n - durable);

    snprintf(path, sizeof(path), "%s/export.log", argv[1]);
    f = fopen(path, "wb");
    CHECK(f ? SD_OK : SD_E_IO);
    CHECK(sd_txn_begin(s, true, &t));
    CHECK(sd_audit_checkpoint(t, kr, NULL));
    CHECK(sd_audit_export(t, f, 0, NULL));
    CHECK(sd_txn_commit(t));
    CHECK(fclose(f) == 0 ? SD_OK : SD_E_IO); /* a short export would skew the figures below */
    stat(path, &st);
    printf("export: %" PRIu64 " entries, %.1f MiB (%.0f bytes/entry)\n", n,
           (double)st.st_size / 1048576.0, (double)st.st_size / (double)n);

    f = fopen(path, "rb");
    t0 = now_s();
    c0 = cpu_s();
    CHECK(sd_audit_verify_file(v, f, NULL, NULL));
    t1 = now_s();
    c1 = cpu_s();
    (void)fclose(f); /* read-only: nothing to flush */
    printf("verify: %" PRIu64 " entries, %" PRIu64 " checkpoints in %.2f s wall, %.2f s CPU: "
           "%.0f entries/s\n",
           v->next, v->checkpoints, t1 - t0, c1 - c0, (double)v->next / (t1 - t0));
    free(v);
    sd_keyring_free(kr);
    sd_store_close(s);
    return 0;
}
