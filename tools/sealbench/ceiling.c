/* sealbench ceiling: the physical limits of the disk under a data dir, measured the way the
 * store writes (durable LMDB commits, no NOSYNC): (a) txns/s with one 1 KiB put each, (b)
 * txns/s and puts/s with 64 such puts each, (c) fdatasync/s after a 4 KiB append. Works in a
 * scratch subdirectory that is removed afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>
#include <sodium.h>

#include "bench.h"

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Durable txns/s with `per` puts of 1 KiB each, for `seconds`. -1 on error. */
static double
lmdb_rate(const char *dir, unsigned per, unsigned seconds)
{
    MDB_env *env = NULL;
    MDB_dbi dbi;
    MDB_txn *txn = NULL;
    uint8_t val[1024];
    uint64_t key = 0, txns = 0;
    double t0, t = 0;
    int rc;

    randombytes_buf(val, sizeof(val));
    rc = mdb_env_create(&env);
    if(rc == 0)
        rc = mdb_env_set_mapsize(env, (size_t)4 << 30);
    if(rc == 0)
        rc = mdb_env_open(env, dir, MDB_NOTLS, 0600);
    if(rc == 0)
        rc = mdb_txn_begin(env, NULL, 0, &txn);
    if(rc == 0)
        rc = mdb_dbi_open(txn, NULL, 0, &dbi);
    if(rc == 0)
        rc = mdb_txn_commit(txn);
    txn = NULL;
    t0 = now_s();
    while(rc == 0 && (t = now_s() - t0) < seconds) {
        rc = mdb_txn_begin(env, NULL, 0, &txn);
        for(unsigned i = 0; rc == 0 && i < per; i++) {
            uint8_t k[8];
            MDB_val mk = {sizeof(k), k}, mv = {sizeof(val), val};

            key++;
            for(int b = 0; b < 8; b++)
                k[b] = (uint8_t)(key >> (56 - 8 * b));
            rc = mdb_put(txn, dbi, &mk, &mv, MDB_APPEND);
        }
        if(rc == 0)
            rc = mdb_txn_commit(txn);
        else
            mdb_txn_abort(txn);
        txn = NULL;
        txns++;
    }
    if(env)
        mdb_env_close(env);
    if(rc != 0) {
        fprintf(stderr, "sealbench: lmdb: %s\n", mdb_strerror(rc));
        return -1;
    }
    return (double)txns / t;
}

static double
fsync_rate(const char *path, unsigned seconds)
{
    uint8_t buf[4096];
    uint64_t n = 0;
    double t0, t = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0600);

    if(fd < 0)
        return -1;
    randombytes_buf(buf, sizeof(buf));
    t0 = now_s();
    while((t = now_s() - t0) < seconds) {
        if(write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) || fdatasync(fd) != 0) {
            close(fd);
            return -1;
        }
        n++;
    }
    close(fd);
    return (double)n / t;
}

static void
rm_scratch(const char *dir)
{
    static const char *const files[] = {"data.mdb", "lock.mdb", "append.bin"};
    char p[4096];

    for(size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        int w = snprintf(p, sizeof(p), "%s/%s", dir, files[i]);

        if(w < 0 || (size_t)w >= sizeof(p))
            continue; /* a cut path could name another file: never unlink it */
        unlink(p);
    }
    rmdir(dir);
}

static int
fresh(const char *dir)
{
    rm_scratch(dir);
    if(mkdir(dir, 0700) != 0) {
        fprintf(stderr, "sealbench: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return 0;
}

int
sb_ceiling(const char *dir, unsigned seconds, struct sb_ceiling *c)
{
    char scratch[4096], file[4200];
    int rc = 1;

    memset(c, 0, sizeof(*c));
    if((size_t)snprintf(scratch, sizeof(scratch), "%s/.sealbench-ceiling-%ld", dir,
                        (long)getpid()) >= sizeof(scratch))
        return 1;
    snprintf(file, sizeof(file), "%s/append.bin", scratch);
    if(fresh(scratch))
        return 1;
    c->txn1_per_s = lmdb_rate(scratch, 1, seconds);
    if(c->txn1_per_s < 0 || fresh(scratch))
        goto out;
    c->txn64_per_s = lmdb_rate(scratch, 64, seconds);
    if(c->txn64_per_s < 0 || fresh(scratch))
        goto out;
    c->put64_per_s = c->txn64_per_s * 64;
    c->fsync_per_s = fsync_rate(file, seconds);
    if(c->fsync_per_s < 0) {
        fprintf(stderr, "sealbench: append+fdatasync failed: %s\n", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    rm_scratch(scratch);
    return rc;
}
