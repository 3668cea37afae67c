/* Purge retries for sealdeskd: a thread that, every `seconds`, asks the store whether a purge
 * is pending (one read txn) and if so runs the online purge (store.h sd_store_purge_online).
 * The shred's own call purges at once; this covers a purge another process kept pending (it
 * held the store: the purge needs it exclusively), a drain that gave up on a long txn, and a
 * cluster follower, which applies the leader's shred from the log and purges its own file. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "sealdesk/log.h"
#include "sealdesk/server.h"
#include "sealdesk/store.h"
#include "util/err_int.h"

struct sd_purger {
    struct sd_store *s;
    unsigned seconds;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled by stop */
    bool stop;
    uint64_t tries, purged; /* guarded by mu */
};

static void
one_try(struct sd_purger *p)
{
    bool pending = false, purged = false;
    sd_err err = sd_store_purge_pending(p->s, &pending);

    if(err != SD_OK || !pending)
        return; /* a refused read (a purge in progress) is the next tick's */
    err = sd_store_purge_online(p->s, &purged); /* logs ev=store_purge */
    pthread_mutex_lock(&p->mu);
    p->tries++;
    p->purged += purged;
    pthread_mutex_unlock(&p->mu);
    (void)err;
}

static void *
purger_main(void *arg)
{
    struct sd_purger *p = arg;
    struct timespec until;

    pthread_mutex_lock(&p->mu);
    while(!p->stop) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)p->seconds;
        while(!p->stop && pthread_cond_timedwait(&p->cv, &p->mu, &until) != ETIMEDOUT)
            ;
        if(p->stop)
            break;
        pthread_mutex_unlock(&p->mu);
        one_try(p);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

sd_err
sd_purger_start(struct sd_purger **out, struct sd_store *s, unsigned seconds)
{
    struct sd_purger *p = NULL;
    pthread_condattr_t ca;
    bool cv = false, mu = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && s && seconds >= 1 && seconds <= 86400);
    *out = NULL;
    p = calloc(1, sizeof(*p));
    SD_ENSURE(p, SD_E_NOMEM);
    p->s = s;
    p->seconds = seconds;
    SD_ENSURE(pthread_mutex_init(&p->mu, NULL) == 0, SD_E_NOMEM);
    mu = true;
    SD_ENSURE(pthread_condattr_init(&ca) == 0, SD_E_NOMEM);
    /* The waits' deadlines are CLOCK_MONOTONIC times: a condvar on another clock would see
     * them long past and spin. */
    cv =
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&p->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    SD_ENSURE(cv, SD_E_NOMEM);
    SD_ENSURE(pthread_create(&p->thread, NULL, purger_main, p) == 0, SD_E_NOMEM);
    *out = p;
    p = NULL;
out:
    if(p) {
        if(cv)
            pthread_cond_destroy(&p->cv);
        if(mu)
            pthread_mutex_destroy(&p->mu);
        free(p);
    }
    return err;
}

void
sd_purger_counts(struct sd_purger *p, uint64_t *tries, uint64_t *purged)
{
    pthread_mutex_lock(&p->mu);
    *tries = p->tries;
    *purged = p->purged;
    pthread_mutex_unlock(&p->mu);
}

void
sd_purger_stop(struct sd_purger *p)
{
    if(!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
