/* Allocation counter of tests/unit/alloc_wrap.c (the --wrap=malloc,... fault injector). */
#ifndef SD_TEST_ALLOC_WRAP_H
#define SD_TEST_ALLOC_WRAP_H

#include <stdbool.h>

/* Allocations made through the wrappers since the process started. */
unsigned long alloc_wrap_count(void);

#endif
