/* Physical purge after a crypto-shred (SECURITY.md "Shredding erases, physically"): the store
 * file is rewritten so that it holds the live records and nothing else.
 *
 * Why deleting a wrapped key is not enough: LMDB (0.9.x, the system library) keeps the buffers
 * of pages a txn wrote in a per-environment pool (env->me_dpages) and hands them out again
 * WITHOUT zeroing them; only a freshly malloc'd single page is zero-filled after its header.
 * mdb_page_copy/touch copy only the used parts of a page (below mp_lower, above mp_upper), and
 * a one-page overflow value fills only its own length. So the free gap of any branch or leaf
 * page, and the tail of any one-page overflow page, written later by the same process holds
 * whatever page that buffer held before - for example an older `keys` page with a wrapped data
 * key. Those bytes sit in LIVE pages of unrelated tables, where neither deleting the record,
 * nor rewriting the keys table, nor zeroing the free list reaches them (test_keyops shows it).
 *
 * The purge: a new environment, opened in this process (so its page pool starts empty and every
 * buffer it ever uses was zero-filled by LMDB or holds a page of the NEW file), receives every
 * record of every table through mdb_put, read from a txn of the old environment. Every byte of
 * the new file is therefore LMDB's structure, a live key or value, zeros, or a copy of one of
 * those made while building the new file - never a byte of a deleted record. The new file
 * ("purge.mdb", made durable and renamed into place first, so a crash leaves either nothing or
 * a complete copy) is then written OVER data.mdb in place (same inode: the old blocks are
 * overwritten, not just unlinked), the old tail zero-filled and cut, and purge.mdb removed.
 * Why this holds without trusting LMDB's internals: it relies only on LMDB writing into the
 * file nothing but bytes of its own buffers of THIS env and of the values it is given (mdb_put
 * copies mv_size bytes), and on malloc'd memory that LMDB does not fill never reaching the
 * file uninitialised (it zero-fills a fresh page; a multi-page value fills all but the last
 * page, which it zero-fills). However LMDB pools, copies or skips gaps, the pool of the new env
 * only ever saw the new file. If a future LMDB broke that, test_keyops' attack (every byte
 * offset of data.mdb tried as a wrapped key with the master key) fails.
 * The result depends on nothing but the live records: no per-node secret, so every node of a
 * future cluster that replays the same write sets can purge on its own.
 *
 * Exclusivity: every handle holds a shared flock on data.mdb (open.c); the purge needs it
 * exclusive, so it runs only when no other handle of any process has the store open. Otherwise
 * the meta flag "purge_pending" stays set and the next open that gets the lock finishes the
 * job (sealdeskd also retries on a timer, src/server/purger.c).
 *
 * Within one process: an offline tool owns its handle (sd_store_purge). sealdeskd's handle is
 * used by every thread, so sd_store_purge_online first closes the purge gate (gate.c): new
 * txns wait, the open ones end (bounded), then the same copy / close / overwrite / reopen runs
 * with no txn open, and the gate opens again. The handle, its lock and its table handles stay
 * the same struct (the dbis are reopened in the same order by env.c). A crash during it is the
 * offline purge's crash: the next open finishes it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "sealdesk/log.h"
#include "store_int.h"
#include "util/err_int.h"

#define PURGE_PENDING     "purge_pending"
#define PURGE_CHUNK       ((size_t)1 << 20)
#define PURGE_TXN_RECORDS 100000u

static int
path_of(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);

    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static sd_err
fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if(fd < 0)
        return SD_E_IO;
    rc = fsync(fd);
    close(fd);
    return rc == 0 ? SD_OK : SD_E_IO;
}

/* Copy every record of table i from txn `from` into the fresh env of *to with append flags
 * (the source cursor walks in key and duplicate order), committing every PURGE_TXN_RECORDS so
 * the dirty pages of one txn stay bounded (a new txn reuses buffers that held pages of the new
 * file only). *n gets the records copied. */
static sd_err
copy_table(MDB_txn *from, MDB_dbi sdbi, MDB_txn **to, MDB_dbi ddbi, unsigned flags, size_t *n)
{
    MDB_cursor *cur = NULL;
    MDB_val k, v;
    unsigned put = (flags & MDB_DUPSORT) ? MDB_APPENDDUP : MDB_APPEND;
    int rc;
    sd_err err = SD_OK;

    *n = 0;
    SD_TRY(sd_store_err(mdb_cursor_open(from, sdbi, &cur)));
    for(rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == MDB_SUCCESS;
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        SD_TRY(sd_store_err(mdb_put(*to, ddbi, &k, &v, put)));
        if(++(*n) % PURGE_TXN_RECORDS == 0) {
            MDB_env *env = mdb_txn_env(*to);

            rc = mdb_txn_commit(*to);
            *to = NULL;
            SD_TRY(sd_store_err(rc));
            SD_TRY(sd_store_err(mdb_txn_begin(env, NULL, 0, to)));
        }
    }
    SD_ENSURE(rc == MDB_NOTFOUND, sd_store_err(rc));
out:
    if(cur)
        mdb_cursor_close(cur);
    return err;
}

/* Build <dir>/purge.mdb: every table of s, read in one txn, without "purge_pending". */
static sd_err
build_copy(struct sd_store *s, const char *tmp, const char *done)
{
    MDB_env *env = NULL;
    MDB_txn *from = NULL, *to = NULL;
    MDB_stat st;
    MDB_dbi main_dbi, ddbi;
    MDB_val k = {sizeof(PURGE_PENDING) - 1, PURGE_PENDING};
    char lock[4300];
    size_t n, total = 0;
    int rc, fd = -1;
    sd_err err = SD_OK;

    SD_ENSURE((size_t)snprintf(lock, sizeof(lock), "%s-lock", tmp) < sizeof(lock), SD_E_INVALID);
    unlink(tmp);
    unlink(lock);
    SD_TRY(sd_store_err(mdb_txn_begin(s->env, NULL, MDB_RDONLY, &from)));
    /* Only our tables are copied: refuse a main table holding anything else. */
    SD_TRY(sd_store_err(mdb_dbi_open(from, NULL, 0, &main_dbi)));
    SD_TRY(sd_store_err(mdb_stat(from, main_dbi, &st)));
    SD_ENSURE(st.ms_entries == SD_DB_COUNT, SD_E_STORE);
    SD_TRY(sd_store_err(mdb_env_create(&env)));
    SD_TRY(sd_store_err(mdb_env_set_maxdbs(env, SD_DB_COUNT + 4)));
    SD_TRY(sd_store_err(mdb_env_set_mapsize(env, s->map_bytes)));
    /* NOSYNC: one explicit sync at the end; the file is not in use until it is renamed. Never
     * MDB_NOMEMINIT: the copy's guarantee (no byte of a deleted record) rests on LMDB zeroing
     * the pages it mallocs, the page pool of this new environment starting empty. */
    SD_TRY(sd_store_err(mdb_env_open(env, tmp, MDB_NOSUBDIR | MDB_NOSYNC | MDB_NOTLS, 0600)));
    SD_TRY(sd_store_err(mdb_txn_begin(env, NULL, 0, &to)));
    for(int i = 0; i < SD_DB_COUNT; i++) {
        unsigned flags;

        SD_TRY(sd_store_err(mdb_dbi_flags(from, s->dbi[i], &flags)));
        SD_TRY(sd_store_err(mdb_dbi_open(to, sd_store_table_name(i), flags | MDB_CREATE, &ddbi)));
        SD_TRY(copy_table(from, s->dbi[i], &to, ddbi, flags, &n));
        total += n;
        if(i == SD_DB_META) {
            rc = mdb_del(to, ddbi, &k, NULL);
            SD_ENSURE(rc == MDB_SUCCESS || rc == MDB_NOTFOUND, sd_store_err(rc));
        }
    }
    rc = mdb_txn_commit(to);
    to = NULL;
    SD_TRY(sd_store_err(rc));
    SD_TRY(sd_store_err(mdb_env_sync(env, 1)));
    mdb_env_close(env);
    env = NULL;
    fd = open(tmp, O_RDONLY | O_CLOEXEC);
    SD_ENSURE(fd >= 0 && fsync(fd) == 0, SD_E_IO);
    SD_ENSURE(rename(tmp, done) == 0, SD_E_IO);
    SD_TRY(fsync_dir(s->dir));
    unlink(lock);
    sd_log(SD_LOG_INFO, "store_purge_copy", "records=%zu", total);
out:
    if(fd >= 0)
        close(fd);
    if(to)
        mdb_txn_abort(to);
    if(env)
        mdb_env_close(env);
    if(from)
        mdb_txn_abort(from);
    if(err != SD_OK) {
        unlink(tmp);
        unlink(lock);
    }
    return err;
}

/* Write <dir>/purge.mdb over <dir>/data.mdb in place, zero the old tail, cut it, remove the
 * copy. Idempotent: a crash anywhere leaves purge.mdb complete, and this runs again. No env
 * may be open on the directory. */
static sd_err
overwrite(const char *dir)
{
    char data[4200], done[4200];
    uint8_t *buf = NULL;
    int in = -1, out = -1;
    struct stat st;
    off_t pos = 0, old_len;
    sd_err err = SD_OK;

    SD_ENSURE(path_of(data, sizeof(data), dir, "data.mdb") == 0, SD_E_INVALID);
    SD_ENSURE(path_of(done, sizeof(done), dir, "purge.mdb") == 0, SD_E_INVALID);
    buf = malloc(PURGE_CHUNK);
    SD_ENSURE(buf, SD_E_NOMEM);
    in = open(done, O_RDONLY | O_CLOEXEC);
    SD_ENSURE(in >= 0, SD_E_IO);
    out = open(data, O_RDWR | O_CLOEXEC);
    SD_ENSURE(out >= 0 && fstat(out, &st) == 0, SD_E_IO);
    old_len = st.st_size;
    for(;;) {
        ssize_t r = read(in, buf, PURGE_CHUNK);

        if(r < 0 && errno == EINTR)
            continue;
        SD_ENSURE(r >= 0, SD_E_IO);
        if(r == 0)
            break;
        SD_ENSURE(pwrite(out, buf, (size_t)r, pos) == r, SD_E_IO);
        pos += r;
    }
    /* The old file's tail beyond the new length held old pages too: zeros, then cut. */
    memset(buf, 0, PURGE_CHUNK);
    for(off_t z = pos; z < old_len;) {
        size_t len = (size_t)(old_len - z) < PURGE_CHUNK ? (size_t)(old_len - z) : PURGE_CHUNK;

        SD_ENSURE(pwrite(out, buf, len, z) == (ssize_t)len, SD_E_IO);
        z += (off_t)len;
    }
    SD_ENSURE(fsync(out) == 0, SD_E_IO);
    SD_ENSURE(ftruncate(out, pos) == 0 && fsync(out) == 0, SD_E_IO);
    close(in);
    in = -1;
    SD_ENSURE(unlink(done) == 0, SD_E_IO);
    SD_TRY(fsync_dir(dir));
out:
    if(in >= 0)
        close(in);
    if(out >= 0)
        close(out);
    free(buf);
    return err;
}

sd_err
sd_store_purge_mark(struct sd_txn *t)
{
    if(!t || !t->write)
        return SD_E_INVALID;
    return sd_meta_put_u64(t, PURGE_PENDING, 1);
}

sd_err
sd_store_purge_pending(struct sd_store *s, bool *pending)
{
    struct sd_txn *t = NULL;
    uint64_t v = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(s && pending);
    SD_TRY(sd_txn_begin(s, false, &t));
    SD_TRY(sd_meta_get_u64(t, PURGE_PENDING, &v));
    *pending = v != 0;
out:
    sd_txn_abort(t);
    return err;
}

/* "": no test hold. Set before any purge runs (sealdeskd: before the purger thread starts). */
static char test_hold[SD_STORE_HOLD_PATH_MAX + 1];

sd_err
sd_store_test_purge_hold(const char *path)
{
    size_t n;

    if(!path)
        return SD_E_INVALID;
    n = strlen(path);
    if(n > SD_STORE_HOLD_PATH_MAX)
        return SD_E_INVALID;
    memcpy(test_hold, path, n + 1);
    return SD_OK;
}

/* With the exclusive lock held and s->env open: copy, close, overwrite, reopen. */
static sd_err
purge_locked(struct sd_store *s)
{
    char tmp[4200], done[4200];
    sd_err err = SD_OK;

    SD_ENSURE(path_of(tmp, sizeof(tmp), s->dir, "purge.tmp") == 0, SD_E_INVALID);
    SD_ENSURE(path_of(done, sizeof(done), s->dir, "purge.mdb") == 0, SD_E_INVALID);
    SD_TRY(build_copy(s, tmp, done));
    if(test_hold[0] && access(test_hold, F_OK) == 0) {
        /* test hook: a long purge, between the durable copy and the overwrite, held while
         * the file exists (the test kills the process or removes the file: an event, not a
         * time a slow host may outlast); at most SD_STORE_HOLD_MAX_MS */
        const struct timespec ts = {0, 10 * 1000000L};

        sd_log(SD_LOG_INFO, "store_purge_test_hold", "held=yes");
        for(unsigned ms = 0; ms < SD_STORE_HOLD_MAX_MS && access(test_hold, F_OK) == 0; ms += 10)
            nanosleep(&ts, NULL);
    }
    /* Close the env: its page pool (the stale buffers) goes with it. */
    sd_store_env_close(s);
    SD_TRY(overwrite(s->dir));
out:
    if(!s->env) {
        sd_err rc = sd_store_env_open(s);

        if(err == SD_OK)
            err = rc;
    }
    return err;
}

/* flock(2) does not turn a shared lock into an exclusive one atomically: on Linux a refused
 * LOCK_EX | LOCK_NB has already dropped our shared lock (fs/locks.c flock_lock_inode). Take it
 * back. *moved: it was not free at once, so another opener held it exclusively in between (and
 * may have purged the file under our open env): the caller must reopen the env. */
static sd_err
relock_shared(struct sd_store *s, bool *moved)
{
    *moved = false;
    if(flock(s->lock_fd, LOCK_SH | LOCK_NB) == 0)
        return SD_OK;
    *moved = true;
    return flock(s->lock_fd, LOCK_SH) == 0 ? SD_OK : SD_E_IO;
}

static uint64_t
mono_ms_of(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * 1000u + (uint64_t)ts->tv_nsec / 1000000u;
}

/* Close and reopen s->env (no txn open on it). */
static sd_err
env_reopen(struct sd_store *s)
{
    sd_store_env_close(s);
    return sd_store_env_open(s);
}

sd_err
sd_store_purge(struct sd_store *s, bool *purged)
{
    bool pending = false, moved = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(s && purged && s->lock_fd >= 0);
    *purged = false;
    if(s->rdonly)
        return SD_OK;
    SD_TRY(sd_store_purge_pending(s, &pending));
    if(!pending)
        return SD_OK;
    /* Another handle (this process or another) has the store open: leave it pending. */
    if(flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        sd_log(SD_LOG_WARN, "store_purge_pending", "reason=store_in_use");
        SD_TRY(relock_shared(s, &moved));
        if(moved)
            SD_TRY(env_reopen(s));
        return SD_OK;
    }
    err = purge_locked(s);
    if(flock(s->lock_fd, LOCK_SH) != 0 && err == SD_OK)
        err = SD_E_IO;
    SD_TRY(err);
    *purged = true;
out:
    return err;
}

sd_err
sd_store_purge_recover(struct sd_store *s)
{
    char tmp[4200], done[4200], lock[4300];
    struct stat st;
    bool pending = false;
    sd_err err = SD_OK;

    SD_ENSURE(path_of(tmp, sizeof(tmp), s->dir, "purge.tmp") == 0, SD_E_INVALID);
    SD_ENSURE(path_of(done, sizeof(done), s->dir, "purge.mdb") == 0, SD_E_INVALID);
    /* Called by env.c with the exclusive lock and no env open. A half-built copy is dropped;
     * a complete one is finished (the copy is the store as of the shred, purged). */
    if(stat(done, &st) == 0) {
        sd_log(SD_LOG_WARN, "store_purge_resume", "step=overwrite");
        SD_TRY(overwrite(s->dir));
    }
    unlink(tmp);
    SD_ENSURE((size_t)snprintf(lock, sizeof(lock), "%s-lock", tmp) < sizeof(lock), SD_E_INVALID);
    unlink(lock);
    if(s->rdonly)
        return SD_OK;
    SD_TRY(sd_store_env_open(s));
    SD_TRY(sd_store_purge_pending(s, &pending));
    if(pending) {
        sd_log(SD_LOG_WARN, "store_purge_resume", "step=copy");
        SD_TRY(purge_locked(s));
    }
out:
    return err;
}

sd_err
sd_store_purge_online(struct sd_store *s, bool *purged)
{
    struct timespec t0, t1;
    bool pending = false, moved = false;
    const char *why = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(s && purged && s->lock_fd >= 0);
    *purged = false;
    if(s->rdonly)
        return SD_OK;
    /* Off (shred_purge = restart): the next start purges. Checked first: nothing here may
     * allocate then, after the caller's committed shred (test_allocfail). */
    if(!atomic_load(&s->online_purge)) {
        sd_log(SD_LOG_WARN, "store_purge", "done=pending reason=restart");
        return SD_OK;
    }
    pthread_mutex_lock(&s->purge_mu);
    err = sd_store_purge_pending(s, &pending);
    if(err != SD_OK || !pending) {
        /* Not pending: a purge ran after the caller's shred committed (the flag is set in the
         * shred's txn and cleared only by a purge, which copies with every txn ended). */
        *purged = err == SD_OK;
        goto out;
    }
    /* A drain gave up lately: no new pause of every thread before the back-off ends. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if(s->purge_busy && mono_ms_of(&t0) < s->purge_not_before_ms) {
        why = "backoff";
        goto out;
    }
    /* Another process holds the store: leave it pending (sealdeskd retries on a timer). */
    if(flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        why = "store_in_use";
        err = relock_shared(s, &moved);
        if(err == SD_OK && moved) {
            /* Someone had it exclusively in between: our env may map a rewritten file. */
            err = sd_store_gate_close(s, SD_STORE_DRAIN_MS);
            if(err == SD_OK) {
                err = env_reopen(s);
                sd_store_gate_reopen(s);
            }
        }
        goto out;
    }
    /* Quiesce: new txns wait (gate.c), the open ones end. A txn that outlives the bound (a
     * long export) keeps the purge pending for the next try. */
    if(sd_store_gate_close(s, SD_STORE_DRAIN_MS) != SD_OK) {
        unsigned shift = s->purge_busy < 6 ? s->purge_busy : 6;
        uint64_t wait = (uint64_t)SD_STORE_PURGE_BACKOFF_MS << shift;

        why = "busy";
        s->purge_busy++;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        s->purge_not_before_ms =
            mono_ms_of(&t1) +
            (wait < SD_STORE_PURGE_BACKOFF_MAX_MS ? wait : SD_STORE_PURGE_BACKOFF_MAX_MS);
        if(flock(s->lock_fd, LOCK_SH) != 0)
            err = SD_E_IO;
        goto out;
    }
    s->purge_busy = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    err = purge_locked(s);
    if(flock(s->lock_fd, LOCK_SH) != 0 && err == SD_OK)
        err = SD_E_IO;
    sd_store_gate_reopen(s);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if(err == SD_OK) {
        *purged = true;
        sd_log(SD_LOG_INFO, "store_purge", "done=yes pause_ms=%lld",
               (long long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    }
out:
    if(why)
        sd_log(SD_LOG_WARN, "store_purge", "done=pending reason=%s", why);
    else if(err != SD_OK)
        sd_log(SD_LOG_ERROR, "store_purge", "done=pending error=%s", sd_err_str(err));
    pthread_mutex_unlock(&s->purge_mu);
    return err;
}
