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
#include "sealdesk/store.h"
#include "sealdesk.pb-c.h"

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

/* true when buf[0..n) holds needle. A hit is printed with its offset and a hex dump of the
 * 64 bytes around it (what a plaintext leak looks like, from a CI log). Needles must be long
 * enough not to match ciphertext by chance: whole names, 8 bytes or more (a 4-byte needle
 * matches ~1 MB of random bytes once in ~4000 runs). */
static inline bool
bytes_hold(const char *what, const uint8_t *buf, size_t n, const char *needle)
{
    const size_t nl = strlen(needle);
    const uint8_t *hit = nl ? memmem(buf, n, needle, nl) : NULL;
    size_t at, from, to;

    if(!hit)
        return false;
    at = (size_t)(hit - buf);
    from = at > 32 ? at - 32 : 0;
    to = from + 64 < n ? from + 64 : n;
    fprintf(stderr, "%s holds \"%s\" (%zu bytes) at offset %zu; bytes %zu..%zu:\n", what, needle,
            nl, at, from, to);
    for(size_t i = from; i < to; i += 16) {
        fprintf(stderr, "  %08zx ", i);
        for(size_t k = i; k < i + 16 && k < to; k++)
            fprintf(stderr, " %02x", buf[k]);
        fputc('\n', stderr);
    }
    return true;
}

/* true when dir's data.mdb holds needle anywhere (sealed data must never show there). */
static inline bool
store_holds(const char *dir, const char *needle)
{
    char path[128];
    FILE *fp;
    uint8_t *buf;
    long sz;
    bool hit;

    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    sz = ftell(fp);
    rewind(fp);
    buf = malloc((size_t)sz);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)sz, fp), (size_t)sz);
    fclose(fp);
    hit = bytes_hold(path, buf, (size_t)sz, needle);
    free(buf);
    return hit;
}

/* Audit entries whose action is `action` (NULL: every entry). */
static inline size_t
audit_count(struct sd_desk *d, const char *action)
{
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, v;
    size_t n = 0;
    sd_err rc;

    assert_int_equal(sd_txn_begin(sd_desk_store(d), false, &t), SD_OK);
    assert_int_equal(sd_cursor_open(t, SD_DB_AUDIT, &c), SD_OK);
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        Sealdesk__V1__AuditEntry *e = sealdesk__v1__audit_entry__unpack(NULL, v.n, v.p);

        assert_non_null(e);
        n += !action || strcmp(e->action, action) == 0;
        sealdesk__v1__audit_entry__free_unpacked(e, NULL);
    }
    sd_cursor_close(c);
    sd_txn_abort(t);
    return n;
}

#endif
