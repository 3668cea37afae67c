/* Shared fixtures for unit tests: a fresh data dir per test and a fixed clock. */
#ifndef SD_TEST_HELPERS_H
#define SD_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/crypto.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/desk.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/queue.h"
#include "sealdesk/sla.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/err.h"

#define T0 1790000000u /* 2026-09-21T14:13:20Z */

struct fixture {
    char dir[64];
    struct sd_desk *d;
    struct sd_desk_opts o;
};

static inline void
rm_rf(const char *dir)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if(system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", dir);
}

static inline int
fixture_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    assert_int_equal(sd_crypto_init(), SD_OK);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sdtest.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->o.dir = f->dir;
    sd_clock_set(T0);
    assert_int_equal(sd_desk_init(&f->o), SD_OK);
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    *state = f;
    return 0;
}

static inline int
fixture_teardown(void **state)
{
    struct fixture *f = *state;

    sd_desk_close(f->d);
    rm_rf(f->dir);
    free(f);
    sd_clock_set(0);
    return 0;
}

#endif
