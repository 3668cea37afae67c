/* Key memory (src/crypto/keymem.c): blocks come zeroed from MADV_DONTDUMP pages (checked in
 * /proc/self/smaps), are wiped when freed, slots are reused, bad sizes are refused, and a
 * double free aborts instead of corrupting the pool. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/keymem.h"

/* The VmFlags line of the mapping that holds p (from /proc/self/smaps), or "" if none. */
static void
vm_flags(const void *p, char *out, size_t cap)
{
    char line[512];
    bool inside = false;
    FILE *f = fopen("/proc/self/smaps", "r");

    out[0] = 0;
    assert_non_null(f);
    while(fgets(line, sizeof(line), f)) {
        unsigned long long lo, hi;

        if(sscanf(line, "%llx-%llx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
            continue;
        }
        if(inside && strncmp(line, "VmFlags:", 8) == 0) {
            size_t n = strlen(line + 8);

            n = n < cap ? n : cap - 1;
            memcpy(out, line + 8, n);
            out[n] = 0;
            break;
        }
    }
    fclose(f);
}

static bool
has_flag(const char *flags, const char *f)
{
    char pat[8];

    snprintf(pat, sizeof(pat), " %s", f);
    return strstr(flags, pat) != NULL;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;

    for(size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static void
test_keymem_small_block_is_zeroed_and_not_dumpable(void **state)
{
    uint8_t *k = sd_keymem_calloc(48);
    char flags[256];

    (void)state;
    assert_non_null(k);
    assert_true(all_zero(k, SD_KEYMEM_SLOT));
    assert_int_equal((uintptr_t)k % SD_KEYMEM_SLOT, 0);
    vm_flags(k, flags, sizeof(flags));
    assert_true(has_flag(flags, "dd")); /* MADV_DONTDUMP */
    sd_keymem_free(k, 48);
}

static void
test_keymem_free_wipes_and_slot_is_reused(void **state)
{
    uint8_t *a = sd_keymem_calloc(32);
    uint8_t *b;
    size_t used0, used1, chunks;
    bool locked;

    (void)state;
    assert_non_null(a);
    sd_keymem_stats(&used0, &chunks, &locked);
    assert_true(used0 >= 1);
    assert_true(chunks >= 1);
    memset(a, 0xA5, 32);
    sd_keymem_free(a, 32);
    sd_keymem_stats(&used1, NULL, NULL);
    assert_int_equal(used1, used0 - 1);
    /* The slot is still mapped (pool memory): it must hold no trace of the key. */
    assert_true(all_zero(a + sizeof(void *), SD_KEYMEM_SLOT - sizeof(void *)));
    b = sd_keymem_calloc(32);
    assert_ptr_equal(b, a); /* LIFO free list */
    assert_true(all_zero(b, SD_KEYMEM_SLOT));
    sd_keymem_free(b, 32);
}

static void
test_keymem_large_block_has_own_pages(void **state)
{
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    uint8_t *p = sd_keymem_calloc(ps + 100);
    char flags[256];

    (void)state;
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % ps, 0);
    assert_true(all_zero(p, ps + 100));
    vm_flags(p, flags, sizeof(flags));
    assert_true(has_flag(flags, "dd"));
    memset(p, 0x5A, ps + 100);
    sd_keymem_free(p, ps + 100);
}

static void
test_keymem_refuses_bad_sizes(void **state)
{
    (void)state;
    assert_null(sd_keymem_calloc(0));
    assert_null(sd_keymem_calloc(SD_KEYMEM_MAX_BLOCK + 1));
    sd_keymem_free(NULL, 32); /* no-op */
}

static void
test_keymem_pool_grows_past_one_chunk(void **state)
{
    const size_t n = SD_KEYMEM_CHUNK / SD_KEYMEM_SLOT + 10;
    uint8_t **v = calloc(n, sizeof(*v));
    size_t chunks = 0;

    (void)state;
    assert_non_null(v);
    for(size_t i = 0; i < n; i++) {
        v[i] = sd_keymem_calloc(SD_KEYMEM_SLOT);
        assert_non_null(v[i]);
        v[i][0] = 1;
    }
    sd_keymem_stats(NULL, &chunks, NULL);
    assert_true(chunks >= 2);
    for(size_t i = 0; i < n; i++)
        sd_keymem_free(v[i], SD_KEYMEM_SLOT);
    free(v);
}

/* Run fn in a child; true when it died of SIGABRT. */
static bool
child_aborts(void (*fn)(void))
{
    pid_t pid = fork();
    int st = 0;

    assert_true(pid >= 0);
    if(pid == 0) {
        signal(SIGABRT, SIG_DFL);
        fn();
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

static void
double_free(void)
{
    uint8_t *k = sd_keymem_calloc(16);

    sd_keymem_free(k, 16);
    sd_keymem_free(k, 16);
}

static void
foreign_free(void)
{
    static uint8_t not_ours[64];

    sd_keymem_free(not_ours, 16);
}

static void
test_keymem_double_or_foreign_free_aborts(void **state)
{
    (void)state;
    assert_true(child_aborts(double_free));
    assert_true(child_aborts(foreign_free));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keymem_small_block_is_zeroed_and_not_dumpable),
        cmocka_unit_test(test_keymem_free_wipes_and_slot_is_reused),
        cmocka_unit_test(test_keymem_large_block_has_own_pages),
        cmocka_unit_test(test_keymem_refuses_bad_sizes),
        cmocka_unit_test(test_keymem_pool_grows_past_one_chunk),
        cmocka_unit_test(test_keymem_double_or_foreign_free_aborts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
