/* Failed-login throttle: in-memory counters of failed logins per source address and per typed
 * name, with exponential back-off. Keys are SipHash-128 digests under a per-process random key
 * (no name or address is kept in clear); the tables have a fixed size and evict the oldest
 * entry, so an attacker who sprays names or addresses cannot grow memory. Used by
 * ops/access.c before any Argon2id work is spent on a login. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/authz.h"
#include "util/err_int.h"

#define TABLE_SLOTS 4096u /* per kind; a power of two */
#define PROBE       16u

struct slot {
    uint8_t key[crypto_shorthash_siphashx24_BYTES];
    bool used;
    unsigned fails;   /* in the current window */
    unsigned strikes; /* back-offs served; the next one is twice as long */
    uint64_t window_start;
    uint64_t blocked_until;
    uint64_t last_seen;
};

struct sd_throttle {
    pthread_mutex_t mu;
    struct sd_login_limits lim;
    uint8_t hkey[crypto_shorthash_siphashx24_KEYBYTES];
    struct slot *tab[2]; /* 0: sources, 1: names */
};

void
sd_login_limits_defaults(struct sd_login_limits *l)
{
    l->fails_per_source = 20;
    l->fails_per_name = 5;
    l->window_s = 60;
    l->backoff_max_s = 3600;
}

sd_err
sd_throttle_new(struct sd_throttle **out, const struct sd_login_limits *l)
{
    struct sd_throttle *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && l && l->fails_per_source >= 1 && l->fails_per_name >= 1 &&
                 l->window_s >= 1 && l->backoff_max_s >= l->window_s);
    *out = NULL;
    t = calloc(1, sizeof(*t));
    SD_ENSURE(t, SD_E_NOMEM);
    t->tab[0] = calloc(TABLE_SLOTS, sizeof(struct slot));
    t->tab[1] = calloc(TABLE_SLOTS, sizeof(struct slot));
    if(!t->tab[0] || !t->tab[1] || pthread_mutex_init(&t->mu, NULL) != 0) {
        free(t->tab[0]);
        free(t->tab[1]);
        free(t);
        t = NULL;
        SD_ENSURE(0, SD_E_NOMEM);
    }
    t->lim = *l;
    randombytes_buf(t->hkey, sizeof(t->hkey));
    *out = t;
out:
    return err;
}

void
sd_throttle_free(struct sd_throttle *t)
{
    if(!t)
        return;
    pthread_mutex_destroy(&t->mu);
    sodium_memzero(t->hkey, sizeof(t->hkey));
    free(t->tab[0]);
    free(t->tab[1]);
    free(t);
}

/* The slot of (kind, s): existing, else a free one, else the least recently seen in the probe
 * range (reset). Never NULL. */
static struct slot *
find(struct sd_throttle *t, int kind, const char *s, uint64_t now)
{
    uint8_t key[crypto_shorthash_siphashx24_BYTES];
    struct slot *tab = t->tab[kind];
    struct slot *victim = NULL;
    uint32_t h;

    crypto_shorthash_siphashx24(key, (const unsigned char *)s, strlen(s), t->hkey);
    memcpy(&h, key, sizeof(h));
    for(unsigned i = 0; i < PROBE; i++) {
        struct slot *e = &tab[(h + i) & (TABLE_SLOTS - 1)];

        if(e->used && sodium_memcmp(e->key, key, sizeof(key)) == 0)
            return e;
        if(!victim || (victim->used && (!e->used || e->last_seen < victim->last_seen)))
            victim = e;
    }
    memset(victim, 0, sizeof(*victim));
    memcpy(victim->key, key, sizeof(key));
    victim->used = true;
    victim->window_start = now;
    return victim;
}

/* Age an entry to now: a finished window forgets its failures; a long quiet spell (a full
 * maximum back-off after the last block) forgets the strikes. */
static void
age(const struct sd_throttle *t, struct slot *e, uint64_t now)
{
    if(now >= e->window_start + t->lim.window_s) {
        e->window_start = now;
        e->fails = 0;
    }
    if(e->strikes && e->blocked_until && now >= e->blocked_until + t->lim.backoff_max_s)
        e->strikes = 0;
    e->last_seen = now;
}

static bool
blocked(struct slot *e, uint64_t now, uint64_t *until)
{
    if(e->blocked_until > now) {
        if(e->blocked_until > *until)
            *until = e->blocked_until;
        return true;
    }
    return false;
}

sd_err
sd_throttle_check(struct sd_throttle *t, const char *source, const char *name, uint64_t now,
                  uint64_t *retry_at)
{
    uint64_t until = 0;
    bool limited = false;

    if(!t)
        return SD_OK;
    pthread_mutex_lock(&t->mu);
    if(source && *source) {
        struct slot *e = find(t, 0, source, now);

        age(t, e, now);
        limited |= blocked(e, now, &until);
    }
    if(name) {
        struct slot *e = find(t, 1, name, now);

        age(t, e, now);
        limited |= blocked(e, now, &until);
    }
    pthread_mutex_unlock(&t->mu);
    if(retry_at)
        *retry_at = until;
    return limited ? SD_E_LIMIT : SD_OK;
}

static void
fail_one(struct sd_throttle *t, struct slot *e, unsigned limit, uint64_t now)
{
    age(t, e, now);
    if(++e->fails < limit)
        return;
    /* Back off: one window, then twice as long each time, up to the maximum. */
    {
        uint64_t b = t->lim.window_s;

        for(unsigned i = 0; i < e->strikes && b < t->lim.backoff_max_s; i++)
            b *= 2;
        if(b > t->lim.backoff_max_s)
            b = t->lim.backoff_max_s;
        e->blocked_until = now + b;
    }
    e->strikes++;
    e->fails = 0;
    e->window_start = now;
}

void
sd_throttle_fail(struct sd_throttle *t, const char *source, const char *name, uint64_t now)
{
    if(!t)
        return;
    pthread_mutex_lock(&t->mu);
    if(source && *source)
        fail_one(t, find(t, 0, source, now), t->lim.fails_per_source, now);
    if(name)
        fail_one(t, find(t, 1, name, now), t->lim.fails_per_name, now);
    pthread_mutex_unlock(&t->mu);
}

void
sd_throttle_success(struct sd_throttle *t, const char *name, uint64_t now)
{
    struct slot *e;

    if(!t || !name)
        return;
    pthread_mutex_lock(&t->mu);
    e = find(t, 1, name, now);
    e->fails = 0;
    e->strikes = 0;
    e->blocked_until = 0;
    pthread_mutex_unlock(&t->mu);
}
