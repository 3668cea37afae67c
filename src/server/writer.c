/* Group-commit writer: one thread runs queued write closures inside one LMDB batch txn (each
 * closure's own write txn is a nested child, store.h "Group commit"), commits the batch with
 * one fsync, then calls every closure's done callback with the commit result. Also the
 * sealdesk method routing (which calls go to the writer). Crypto still runs inside the child
 * txns where the desk does it there (e.g. field sealing needs the ticket id from the txn). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sealdesk/log.h"
#include "sealdesk/server.h"
#include "sealdesk/store.h"
#include "sealdesk/wset.h"
#include "util/err_int.h"

/* Cluster (issue 18): a batch whose write set reached this many bytes is closed, so that with
 * closures of ordinary size the batch's log entry stays under the 1 MiB entry limit
 * (cluster.h SD_CLUSTER_ENTRY_MAX). Capture off (one node): the set is empty, no effect. */
#define BATCH_WSET_SOFT ((size_t)512 << 10)

struct item {
    sd_writer_run_fn run;
    sd_writer_done_fn done;
    void *ctx;
    struct item *next;
};

struct sd_writer {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    struct item *head, *tail;
    size_t qlen;
    bool quit;
    unsigned max_batch;
    unsigned max_us;
    struct sd_writer_stats st; /* guarded by mu */
};

static uint64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static unsigned
bucket(uint64_t v, uint64_t first)
{
    unsigned i = 0;

    while(i + 1 < SD_WRITER_HIST && v > first)
        first *= 2, i++;
    return i;
}

/* Wait for an item until abs_us (0: forever). Called and returns with mu held. */
static struct item *
take(struct sd_writer *w, uint64_t abs_us)
{
    struct item *it;

    while(!w->head && !w->quit) {
        if(abs_us) {
            struct timespec ts;

            if(now_us() >= abs_us)
                break;
            clock_gettime(CLOCK_REALTIME, &ts);
            {
                uint64_t left = abs_us - now_us();
                uint64_t ns = (uint64_t)ts.tv_nsec + (left % 1000000u) * 1000u;

                ts.tv_sec += (time_t)(left / 1000000u + ns / 1000000000u);
                ts.tv_nsec = (long)(ns % 1000000000u);
            }
            pthread_cond_timedwait(&w->cv, &w->mu, &ts);
        } else {
            pthread_cond_wait(&w->cv, &w->mu);
        }
    }
    it = w->head;
    if(it) {
        w->head = it->next;
        if(!w->head)
            w->tail = NULL;
        w->qlen--;
    }
    return it;
}

static void *
writer_main(void *arg)
{
    struct sd_writer *w = arg;

    pthread_mutex_lock(&w->mu);
    for(;;) {
        struct item *batch = NULL, **tailp = &batch;
        struct item *it = take(w, 0);
        unsigned n = 0;
        uint64_t t0, t1, tb;
        sd_err err;

        if(!it)
            break; /* quit and nothing queued */
        /* Cannot fail: this thread is never in batching mode here. */
        (void)sd_store_batch_begin(NULL);
        tb = now_us();
        while(it) {
            pthread_mutex_unlock(&w->mu);
            it->run(it->ctx);
            *tailp = it;
            tailp = &it->next;
            it->next = NULL;
            n++;
            pthread_mutex_lock(&w->mu);
            if(n >= w->max_batch)
                break;
            {
                const uint8_t *ws = NULL;
                size_t wlen = 0;

                if(sd_store_batch_wset(&ws, &wlen) == SD_OK && wlen >= BATCH_WSET_SOFT)
                    break;
            }
            it = take(w, w->max_us ? now_us() + w->max_us : 1); /* 1: do not wait */
        }
        pthread_mutex_unlock(&w->mu);
        t0 = now_us();
        err = sd_store_batch_commit();
        t1 = now_us();
        while(batch) {
            it = batch;
            batch = it->next;
            it->done(it->ctx, err);
            free(it);
        }
        pthread_mutex_lock(&w->mu);
        w->st.batches++;
        w->st.ops += n;
        if(err != SD_OK)
            w->st.failed_batches++;
        w->st.batch_le[bucket(n, 1)]++;
        w->st.commit_us_le[bucket(t1 - t0, 100)]++;
        w->st.commit_us_sum += t1 - t0;
        pthread_mutex_unlock(&w->mu);
        sd_log(err == SD_OK ? SD_LOG_DEBUG : SD_LOG_ERROR, "group_commit",
               "ops=%u run_us=%llu commit_us=%llu result=%s", n, (unsigned long long)(t0 - tb),
               (unsigned long long)(t1 - t0), sd_err_str(err));
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

sd_err
sd_writer_new(struct sd_writer **out, unsigned max_batch, unsigned max_us)
{
    sd_err err = SD_OK;
    struct sd_writer *w = NULL;
    bool mu = false, cv = false;
    pthread_condattr_t ca;

    SD_CHECK_ARG(out && max_batch >= 1 && max_batch <= SD_WRITER_MAX_QUEUE && max_us <= 1000000u);
    *out = NULL;
    w = calloc(1, sizeof(*w));
    SD_ENSURE(w, SD_E_NOMEM);
    w->max_batch = max_batch;
    w->max_us = max_us;
    SD_ENSURE(pthread_mutex_init(&w->mu, NULL) == 0, SD_E_NOMEM);
    mu = true;
    SD_ENSURE(pthread_condattr_init(&ca) == 0, SD_E_NOMEM);
    cv = pthread_cond_init(&w->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    SD_ENSURE(cv, SD_E_NOMEM);
    SD_ENSURE(pthread_create(&w->thread, NULL, writer_main, w) == 0, SD_E_NOMEM);
    *out = w;
    w = NULL;
out:
    if(w) {
        if(cv)
            pthread_cond_destroy(&w->cv);
        if(mu)
            pthread_mutex_destroy(&w->mu);
        free(w);
    }
    return err;
}

sd_err
sd_writer_submit(struct sd_writer *w, sd_writer_run_fn run, sd_writer_done_fn done, void *ctx)
{
    struct item *it;

    if(!w || !run || !done)
        return SD_E_INVALID;
    it = malloc(sizeof(*it));
    if(!it)
        return SD_E_NOMEM;
    it->run = run;
    it->done = done;
    it->ctx = ctx;
    it->next = NULL;
    pthread_mutex_lock(&w->mu);
    if(w->quit || w->qlen >= SD_WRITER_MAX_QUEUE) {
        sd_err err = w->quit ? SD_E_PRECONDITION : SD_E_LIMIT;

        pthread_mutex_unlock(&w->mu);
        free(it);
        return err;
    }
    if(w->tail)
        w->tail->next = it;
    else
        w->head = it;
    w->tail = it;
    w->qlen++;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return SD_OK;
}

void
sd_writer_free(struct sd_writer *w)
{
    if(!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

void
sd_writer_stats(struct sd_writer *w, struct sd_writer_stats *out)
{
    pthread_mutex_lock(&w->mu);
    *out = w->st;
    out->queued = w->qlen;
    pthread_mutex_unlock(&w->mu);
}

bool
sd_writer_route_sealdesk(const char *method)
{
    static const char prefix[] = "/sealdesk.v1.Tickets/";
    static const char *const reads[] = {"List", "Overdue", "Stats", "Triage"};

    if(!method || strncmp(method, prefix, sizeof(prefix) - 1) != 0)
        return false;
    method += sizeof(prefix) - 1;
    for(size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        if(strcmp(method, reads[i]) == 0)
            return false;
    }
    return true;
}
