/* Allocation fault injection for tests/unit/test_allocfail.c. That executable is linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,
 * --wrap=sodium_malloc, so every such call made by code linked into it (our static libraries
 * and the test) lands here; calls made inside shared libraries (libsodium, LMDB, protobuf-c,
 * libc itself) are not wrapped. Each wrapper counts the allocation and fails it with NULL /
 * ENOMEM when sd_alloc_test_fail_after() armed this one (and, in persistent mode, every one
 * after it until alloc_wrap_persist() is called again). */
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_wrap.h"
#include "sealdesk/store.h"

#if defined(__SANITIZE_ADDRESS__)
#define SD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SD_ASAN 1
#endif
#endif
#ifdef SD_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__real_sodium_malloc(size_t n);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void *__wrap_sodium_malloc(size_t n);

static _Atomic unsigned long allocs;
static _Atomic bool persist, failing;

void
alloc_wrap_persist(bool on)
{
    atomic_store(&persist, on);
    atomic_store(&failing, false);
}

unsigned long
alloc_wrap_count(void)
{
    return atomic_load(&allocs);
}

static bool
fail_now(void)
{
    atomic_fetch_add(&allocs, 1);
    if(atomic_load(&failing)) {
        errno = ENOMEM;
        return true;
    }
    if(!sd_alloc_test_should_fail())
        return false;
    if(atomic_load(&persist))
        atomic_store(&failing, true);
#ifdef SD_ASAN
    /* SD_ALLOC_TRACE=1: where the failed allocation was made (to find who mishandled it). */
    if(getenv("SD_ALLOC_TRACE"))
        __sanitizer_print_stack_trace();
#endif
    errno = ENOMEM;
    return true;
}

void *
__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t m, size_t n)
{
    return fail_now() ? NULL : __real_calloc(m, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
    return fail_now() ? NULL : __real_strndup(s, n);
}

void *
__wrap_sodium_malloc(size_t n)
{
    return fail_now() ? NULL : __real_sodium_malloc(n);
}
