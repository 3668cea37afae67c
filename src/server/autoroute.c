/* Continuous routing for sealdeskd: a thread that runs sd_route_auto every `seconds`, so open
 * tickets reach the least-loaded fit agent on shift without anyone typing `route auto`. Each
 * pass is one write txn with its audit entries (routing/route.c); the log line carries counts
 * only (no ticket ids, no names). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/err.h"
#include "sealdesk/log.h"
#include "sealdesk/route.h"
#include "sealdesk/server.h"
#include "util/err_int.h"

struct sd_autoroute {
    struct sd_desk *d;
    unsigned seconds;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled by stop */
    bool stop;
    uint64_t passes, assigned; /* guarded by mu */
};

static void
one_pass(struct sd_autoroute *r)
{
    const struct sd_actor system = {"system:autoroute", NULL, SD_ROLE_SYSTEM};
    struct sd_route_assignment *out = NULL;
    size_t n = 0, fallback = 0;
    sd_err err = sd_route_auto(r->d, &system, sd_clock_now(), &out, &n);

    if(err != SD_OK) {
        sd_log(SD_LOG_WARN, "route_auto", "error=%s", sd_err_str(err));
        return;
    }
    for(size_t i = 0; i < n; i++)
        fallback += out[i].fallback;
    free(out);
    if(n)
        sd_log(SD_LOG_INFO, "route_auto", "assigned=%zu fallback=%zu", n, fallback);
    pthread_mutex_lock(&r->mu);
    r->passes++;
    r->assigned += n;
    pthread_mutex_unlock(&r->mu);
}

static void *
autoroute_main(void *arg)
{
    struct sd_autoroute *r = arg;
    struct timespec until;

    pthread_mutex_lock(&r->mu);
    while(!r->stop) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)r->seconds;
        while(!r->stop && pthread_cond_timedwait(&r->cv, &r->mu, &until) != ETIMEDOUT)
            ;
        if(r->stop)
            break;
        pthread_mutex_unlock(&r->mu);
        one_pass(r);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

sd_err
sd_autoroute_start(struct sd_autoroute **out, struct sd_desk *d, unsigned seconds)
{
    struct sd_autoroute *r = NULL;
    pthread_condattr_t ca;
    bool cv = false, mu = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && d && seconds >= 1 && seconds <= 86400);
    *out = NULL;
    r = calloc(1, sizeof(*r));
    SD_ENSURE(r, SD_E_NOMEM);
    r->d = d;
    r->seconds = seconds;
    SD_ENSURE(pthread_mutex_init(&r->mu, NULL) == 0, SD_E_NOMEM);
    mu = true;
    SD_ENSURE(pthread_condattr_init(&ca) == 0, SD_E_NOMEM);
    /* The waits' deadlines are CLOCK_MONOTONIC times: a condvar on another clock would see
     * them long past and spin. */
    cv =
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&r->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    SD_ENSURE(cv, SD_E_NOMEM);
    SD_ENSURE(pthread_create(&r->thread, NULL, autoroute_main, r) == 0, SD_E_NOMEM);
    *out = r;
    r = NULL;
out:
    if(r) {
        if(cv)
            pthread_cond_destroy(&r->cv);
        if(mu)
            pthread_mutex_destroy(&r->mu);
        free(r);
    }
    return err;
}

void
sd_autoroute_counts(struct sd_autoroute *r, uint64_t *passes, uint64_t *assigned)
{
    pthread_mutex_lock(&r->mu);
    *passes = r->passes;
    *assigned = r->assigned;
    pthread_mutex_unlock(&r->mu);
}

void
sd_autoroute_stop(struct sd_autoroute *r)
{
    if(!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}
