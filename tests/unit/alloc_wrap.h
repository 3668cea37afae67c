/* Allocation counter of tests/unit/alloc_wrap.c (the --wrap=malloc,... fault injector). */
#ifndef SD_TEST_ALLOC_WRAP_H
#define SD_TEST_ALLOC_WRAP_H

#include <stdbool.h>

/* Allocations made through the wrappers since the process started. */
unsigned long alloc_wrap_count(void);
/* on: once the armed allocation has failed, every later one fails too (SQLite's "persistent"
 * malloc failure), until the next call; off: only the armed one fails. */
void alloc_wrap_persist(bool on);

#endif
