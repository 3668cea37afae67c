/* What the benchmarks in tools/bench share: CHECK (exit on an error, naming the line) and a
 * monotonic clock in seconds. Header-only: each bench is one file. */
#ifndef SD_TOOLS_BENCH_H
#define SD_TOOLS_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sealdesk/err.h"

#define CHECK(x)                                                                \
    do {                                                                        \
        sd_err e_ = (x);                                                        \
        if(e_ != SD_OK) {                                                       \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, sd_err_str(e_)); \
            exit(1);                                                            \
        }                                                                       \
    } while(0)

static inline double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
