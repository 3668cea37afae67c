/* Key memory kept out of core dumps and swap (keymem.h). Small blocks (data keys) come from a
 * pool of 64-byte slots in 64 KiB chunks: each chunk is one anonymous mapping, madvise'd
 * MADV_DONTDUMP | MADV_WIPEONFORK and mlock'ed once, so a data key costs a mutex and a wipe,
 * not the four system calls and TLB flush of a sodium_malloc block (see keyring.c). Larger
 * blocks get their own mapping. Everything is wiped with sodium_memzero before reuse/unmap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pthread.h>
#include <sodium.h>

#include "keymem.h"

struct slot {
    struct slot *next; /* while free; the rest of the slot is zero */
};

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *g_chunks[SD_KEYMEM_MAX_CHUNKS];
static size_t g_nchunks;
static struct slot *g_free;
static size_t g_used;
/* One bit per slot, set while handed out: a double or foreign free aborts instead of
 * corrupting the free list. */
static uint8_t g_inuse[SD_KEYMEM_MAX_CHUNKS * (SD_KEYMEM_CHUNK / SD_KEYMEM_SLOT) / 8];
static bool g_all_locked = true;

static size_t
page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);

    return p > 0 ? (size_t)p : 4096u;
}

/* A fresh mapping of len bytes (a multiple of the page size), not dumped, not inherited,
 * locked when allowed. NULL on failure. */
static void *
map_secret(size_t len, bool *locked)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if(p == MAP_FAILED)
        return NULL;
    /* DONTDUMP is the point of this module: without it the block is useless, so fail. */
    if(madvise(p, len, MADV_DONTDUMP) != 0) {
        munmap(p, len);
        return NULL;
    }
#ifdef MADV_WIPEONFORK
    (void)madvise(p, len, MADV_WIPEONFORK); /* Linux >= 4.14; a child sees zeros */
#endif
    *locked = mlock(p, len) == 0; /* RLIMIT_MEMLOCK may refuse: then mlockall or nothing */
    return p;
}

static void
unmap_secret(void *p, size_t len)
{
    sodium_memzero(p, len);
    munlock(p, len);
    munmap(p, len);
}

/* Map one more chunk and thread its slots onto the free list. Called with g_mu held. */
static bool
grow(void)
{
    bool locked = false;
    uint8_t *c;

    if(g_nchunks == SD_KEYMEM_MAX_CHUNKS)
        return false;
    c = map_secret(SD_KEYMEM_CHUNK, &locked);
    if(!c)
        return false;
    g_all_locked &= locked;
    g_chunks[g_nchunks++] = c;
    for(size_t off = SD_KEYMEM_CHUNK; off > 0; off -= SD_KEYMEM_SLOT) {
        struct slot *s = (struct slot *)(void *)(c + off - SD_KEYMEM_SLOT);

        s->next = g_free;
        g_free = s;
    }
    return true;
}

/* Index of the slot starting at p, or SIZE_MAX when p is not one. Called with g_mu held. */
static size_t
slot_index(const void *p)
{
    const size_t per_chunk = SD_KEYMEM_CHUNK / SD_KEYMEM_SLOT;
    uintptr_t a = (uintptr_t)p;

    for(size_t i = 0; i < g_nchunks; i++) {
        uintptr_t c = (uintptr_t)g_chunks[i];

        if(a >= c && a < c + SD_KEYMEM_CHUNK)
            return (a - c) % SD_KEYMEM_SLOT == 0 ? i * per_chunk + (a - c) / SD_KEYMEM_SLOT
                                                 : SIZE_MAX;
    }
    return SIZE_MAX;
}

void *
sd_keymem_calloc(size_t n)
{
    struct slot *s = NULL;

    if(n == 0 || n > SD_KEYMEM_MAX_BLOCK)
        return NULL;
    if(n > SD_KEYMEM_SLOT) {
        size_t ps = page_size();
        bool locked = false;

        return map_secret((n + ps - 1) / ps * ps, &locked); /* mmap memory is zero */
    }
    pthread_mutex_lock(&g_mu);
    if(g_free || grow()) {
        size_t i;

        s = g_free;
        g_free = s->next;
        s->next = NULL; /* the slot was wiped on free: now all of it is zero */
        i = slot_index(s);
        g_inuse[i / 8] |= (uint8_t)(1u << (i % 8));
        g_used++;
    }
    pthread_mutex_unlock(&g_mu);
    return s;
}


void
sd_keymem_free(void *p, size_t n)
{
    struct slot *s = p;
    size_t i;

    if(!p)
        return;
    if(n == 0 || n > SD_KEYMEM_MAX_BLOCK)
        abort(); /* not a size sd_keymem_calloc accepts: the caller's invariant is broken */
    if(n > SD_KEYMEM_SLOT) {
        size_t ps = page_size();

        if((uintptr_t)p % ps != 0)
            abort();
        unmap_secret(p, (n + ps - 1) / ps * ps);
        return;
    }
    pthread_mutex_lock(&g_mu);
    i = slot_index(p);
    if(i == SIZE_MAX || !(g_inuse[i / 8] & (1u << (i % 8)))) {
        pthread_mutex_unlock(&g_mu);
        abort(); /* not ours, or freed twice */
    }
    g_inuse[i / 8] &= (uint8_t) ~(1u << (i % 8));
    sodium_memzero(p, SD_KEYMEM_SLOT);
    s->next = g_free;
    g_free = s;
    g_used--;
    pthread_mutex_unlock(&g_mu);
}

void
sd_keymem_stats(size_t *slots_used, size_t *chunks, bool *all_locked)
{
    pthread_mutex_lock(&g_mu);
    if(slots_used)
        *slots_used = g_used;
    if(chunks)
        *chunks = g_nchunks;
    if(all_locked)
        *all_locked = g_all_locked;
    pthread_mutex_unlock(&g_mu);
}
