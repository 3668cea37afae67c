/* Key memory that must never reach a core dump or swap: page-aligned anonymous mappings marked
 * MADV_DONTDUMP (and MADV_WIPEONFORK), mlock'ed when the limit allows, wiped before release.
 * Private to src/crypto (keyring.c allocates data keys here). Long-lived keys stay in
 * sodium_malloc blocks, which libsodium already marks MADV_DONTDUMP and mlocks. */
#ifndef SEALDESK_KEYMEM_H
#define SEALDESK_KEYMEM_H

#include <stdbool.h>
#include <stddef.h>

/* Blocks up to this size share pages: they come from a process-wide pool of fixed slots, so a
 * data key costs no system call (one mmap + madvise per SD_KEYMEM_CHUNK of slots). */
#define SD_KEYMEM_SLOT       64
#define SD_KEYMEM_CHUNK      ((size_t)64 << 10) /* bytes per pool chunk (1024 slots) */
#define SD_KEYMEM_MAX_CHUNKS 64                 /* pool cap: 64 chunks = 65536 slots, 4 MiB */
#define SD_KEYMEM_MAX_BLOCK  ((size_t)1 << 20)  /* largest block (own mapping above SLOT) */

/* A zeroed block of n bytes (1..SD_KEYMEM_MAX_BLOCK) in MADV_DONTDUMP pages; blocks of at
 * most SD_KEYMEM_SLOT bytes are SD_KEYMEM_SLOT-aligned slots, larger ones page-aligned.
 * NULL when n is 0 or too large, the pool is full or the system is out of memory. The caller
 * owns the block and gives it back with sd_keymem_free(p, n) (same n). mlock is best effort:
 * a failure (RLIMIT_MEMLOCK) does not fail the allocation. Thread-safe. */
void *sd_keymem_calloc(size_t n);

/* Wipe the block (sodium_memzero) and release it; n must be the size it was allocated with.
 * NULL is a no-op. A pointer that sd_keymem_calloc did not return aborts (broken invariant).
 * Thread-safe. */
void sd_keymem_free(void *p, size_t n);

/* Pool figures, for tests: slots handed out now, chunks mapped, and whether every chunk
 * mapped so far could be mlock'ed. Thread-safe. */
void sd_keymem_stats(size_t *slots_used, size_t *chunks, bool *all_locked);

#endif
