/* The purge gate: what lets a running sealdeskd (many threads, one store handle) purge the
 * store file at once after a shred (purge.c, sd_store_purge_online) instead of at its next
 * start.
 *
 * Every top-level txn passes the gate when it begins and leaves it when it ends: read txns of
 * any thread, write txns, and the group-commit writer's batch (txn.c; its children are inside
 * the batch and do not count again), and the few places that open LMDB txns directly
 * (keystore.c's free-page scrub, wset.c's digest, env.c's copy). The fast path is one atomic
 * add and one atomic load: a txn begins only when the gate is open, and the purge closes the
 * gate and then waits for the count of open txns to reach 0; both sides use sequentially
 * consistent atomics, so either the beginning txn sees the gate closed (and backs out) or the
 * purge sees its count (and waits for it).
 *
 * Closing is two steps. DRAINING: new txns wait, but a thread that already holds a txn may
 * begin another (a read inside a write, a child of the batch), or it would wait for itself.
 * CLOSED (the count reached 0 and stayed 0 after the state changed): nobody begins anything;
 * the env may be closed and reopened. A txn that waits does so at most SD_STORE_GATE_WAIT_MS
 * counted from the moment the gate closed, then gets SD_E_IO (the server answers UNAVAILABLE
 * with a retry hint, sd_store_gate_refused). Why a bounded wait and not an at-once refusal:
 * a purge is one pass over the live data (README: ~0.35 ms per ticket, so a few seconds for a
 * desk of ten thousand tickets); within the bound a caller sees a slower answer instead of an
 * error, and a purge that runs longer does not hold every worker thread and the writer queue
 * for its whole length: past the bound, calls are refused at once until it ends. */
#include <errno.h>
#include <time.h>

#include "store_int.h"
#include "util/err_int.h"

/* Top-level txns this thread holds, on any store (a thread that holds one may pass a
 * draining gate). A read txn handed to another thread (MDB_NOTLS) makes it inexact, which only
 * costs a longer drain: the CLOSED state does not trust it. */
static _Thread_local unsigned tl_depth;
/* The gate refused a txn on this thread since the last sd_store_gate_refused(). */
static _Thread_local bool tl_refused;

static uint64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct timespec
abs_mono(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};

    return ts;
}

sd_err
sd_store_gate_init(struct sd_store *s)
{
    pthread_condattr_t ca;
    bool cv;

    atomic_init(&s->gate_open, 0);
    atomic_init(&s->gate_state, SD_GATE_OPEN);
    atomic_init(&s->online_purge, false);
    if(pthread_mutex_init(&s->gate_mu, NULL) != 0)
        return SD_E_NOMEM;
    if(pthread_mutex_init(&s->purge_mu, NULL) != 0) {
        pthread_mutex_destroy(&s->gate_mu);
        return SD_E_NOMEM;
    }
    cv = pthread_condattr_init(&ca) == 0;
    if(cv) {
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        cv = pthread_cond_init(&s->gate_cv, &ca) == 0;
        pthread_condattr_destroy(&ca);
    }
    if(!cv) {
        pthread_mutex_destroy(&s->purge_mu);
        pthread_mutex_destroy(&s->gate_mu);
        return SD_E_NOMEM;
    }
    s->gate_ready = true;
    return SD_OK;
}

void
sd_store_gate_destroy(struct sd_store *s)
{
    if(!s->gate_ready)
        return;
    pthread_cond_destroy(&s->gate_cv);
    pthread_mutex_destroy(&s->purge_mu);
    pthread_mutex_destroy(&s->gate_mu);
    s->gate_ready = false;
}

/* Take one from the count; wake the purge when it reached 0 during a drain. */
static void
gate_dec(struct sd_store *s)
{
    if(atomic_fetch_sub(&s->gate_open, 1) == 1 && atomic_load(&s->gate_state) != SD_GATE_OPEN) {
        pthread_mutex_lock(&s->gate_mu);
        pthread_cond_broadcast(&s->gate_cv);
        pthread_mutex_unlock(&s->gate_mu);
    }
}

sd_err
sd_store_gate_enter(struct sd_store *s)
{
    for(;;) {
        int st;

        atomic_fetch_add(&s->gate_open, 1);
        st = atomic_load(&s->gate_state);
        if(st == SD_GATE_OPEN || (st == SD_GATE_DRAINING && tl_depth > 0))
            break;
        gate_dec(s);
        pthread_mutex_lock(&s->gate_mu);
        while(atomic_load(&s->gate_state) != SD_GATE_OPEN) {
            uint64_t until = s->gate_closed_ms + SD_STORE_GATE_WAIT_MS;
            struct timespec ts = abs_mono(until);

            if(mono_ms() >= until) {
                pthread_mutex_unlock(&s->gate_mu);
                tl_refused = true;
                return SD_E_IO;
            }
            (void)pthread_cond_timedwait(&s->gate_cv, &s->gate_mu, &ts);
        }
        pthread_mutex_unlock(&s->gate_mu);
    }
    /* A purge whose reopen failed leaves no environment: refuse instead of crashing. */
    if(!s->env) {
        gate_dec(s);
        return SD_E_STORE;
    }
    tl_depth++;
    return SD_OK;
}

void
sd_store_gate_leave(struct sd_store *s)
{
    if(tl_depth)
        tl_depth--;
    gate_dec(s);
}

sd_err
sd_store_gate_close(struct sd_store *s, unsigned wait_ms)
{
    uint64_t until;

    pthread_mutex_lock(&s->gate_mu);
    s->gate_closed_ms = mono_ms();
    until = s->gate_closed_ms + wait_ms;
    atomic_store(&s->gate_state, SD_GATE_DRAINING);
    for(;;) {
        struct timespec ts;

        if(atomic_load(&s->gate_open) == 0) {
            atomic_store(&s->gate_state, SD_GATE_CLOSED);
            /* A thread that saw DRAINING (and held a txn elsewhere) may have come in between
             * the load and the store: then drain again. */
            if(atomic_load(&s->gate_open) == 0)
                break;
            atomic_store(&s->gate_state, SD_GATE_DRAINING);
        }
        if(mono_ms() >= until) {
            atomic_store(&s->gate_state, SD_GATE_OPEN);
            pthread_cond_broadcast(&s->gate_cv);
            pthread_mutex_unlock(&s->gate_mu);
            return SD_E_LIMIT;
        }
        /* Woken when the count reaches 0; the 2 ms step also covers a wake-up lost to a
         * thread that saw the gate open just before it closed. */
        {
            uint64_t step = mono_ms() + 2u;

            ts = abs_mono(step < until ? step : until);
        }
        (void)pthread_cond_timedwait(&s->gate_cv, &s->gate_mu, &ts);
    }
    pthread_mutex_unlock(&s->gate_mu);
    return SD_OK;
}

void
sd_store_gate_reopen(struct sd_store *s)
{
    pthread_mutex_lock(&s->gate_mu);
    atomic_store(&s->gate_state, SD_GATE_OPEN);
    pthread_cond_broadcast(&s->gate_cv);
    pthread_mutex_unlock(&s->gate_mu);
}

bool
sd_store_gate_refused(void)
{
    bool r = tl_refused;

    tl_refused = false;
    return r;
}

void
sd_store_set_online_purge(struct sd_store *s, bool on)
{
    if(s)
        atomic_store(&s->online_purge, on);
}
