/* Store: create/open, schema refusal, corrupt environment, counters, fault injection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sealdesk/buf.h"
#include "sealdesk/store.h"
#include "sealdesk/wset.h"

static char dir[64];

static int
setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/sdstore.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void
test_open_missing_store_is_notfound(void **state)
{
    struct sd_store *s = NULL;

    (void)state;
    assert_int_equal(sd_store_open(&s, dir, 0, 0), SD_E_NOTFOUND);
    assert_int_equal(sd_store_open(&s, "/nonexistent/dir", 0, 0), SD_E_NOTFOUND);
}

static void
test_counters_and_put_new(void **state)
{
    struct sd_store *s;
    struct sd_txn *t;
    struct sd_val v;
    uint64_t id;

    (void)state;
    assert_int_equal(sd_store_open(&s, dir, SD_STORE_CREATE, 1 << 24), SD_OK);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_int_equal(sd_meta_next(t, "c", &id), SD_OK);
    assert_int_equal(id, 1);
    assert_int_equal(sd_meta_next(t, "c", &id), SD_OK);
    assert_int_equal(id, 2);
    assert_int_equal(sd_txn_put_new(t, SD_DB_TICKETS, "k", 1, "v", 1), SD_OK);
    assert_int_equal(sd_txn_put_new(t, SD_DB_TICKETS, "k", 1, "w", 1), SD_E_CONFLICT);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(sd_txn_begin(s, false, &t), SD_OK);
    assert_int_equal(sd_txn_get(t, SD_DB_TICKETS, "k", 1, &v), SD_OK);
    assert_memory_equal(v.p, "v", 1);
    assert_int_equal(sd_txn_get(t, SD_DB_TICKETS, "x", 1, &v), SD_E_NOTFOUND);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "y", 1, "v", 1), SD_E_INTERNAL);
    sd_txn_abort(t);
    sd_store_close(s);
}

static void
test_newer_schema_is_refused(void **state)
{
    struct sd_store *s;
    struct sd_txn *t;
    uint8_t v[4];

    (void)state;
    assert_int_equal(sd_store_open(&s, dir, SD_STORE_CREATE, 1 << 24), SD_OK);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    sd_put_u32be(v, SD_SCHEMA_VERSION + 1);
    assert_int_equal(sd_meta_put(t, "schema", v, sizeof(v)), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    sd_store_close(s);
    assert_int_equal(sd_store_open(&s, dir, 0, 1 << 24), SD_E_PRECONDITION);
}

static void
test_corrupt_environment_is_refused(void **state)
{
    struct sd_store *s;
    char path[128];
    FILE *f;

    (void)state;
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    f = fopen(path, "wb");
    for(int i = 0; i < 8192; i++)
        fputc(i * 7 + 3, f);
    fclose(f);
    assert_int_equal(sd_store_open(&s, dir, 0, 1 << 24), SD_E_STORE);
}

static void
test_injected_write_failure_rolls_back(void **state)
{
    struct sd_store *s;
    struct sd_txn *t;
    struct sd_val v;
    sd_err err;

    (void)state;
    assert_int_equal(sd_store_open(&s, dir, SD_STORE_CREATE, 1 << 24), SD_OK);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    sd_store_test_fail_after(2);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "a", 1, "1", 1), SD_OK);
    err = sd_txn_put(t, SD_DB_TICKETS, "b", 1, "2", 1);
    assert_int_equal(err, SD_E_STORE);
    sd_txn_abort(t);
    sd_store_test_fail_after(0);
    assert_int_equal(sd_txn_begin(s, false, &t), SD_OK);
    assert_int_equal(sd_txn_get(t, SD_DB_TICKETS, "a", 1, &v), SD_E_NOTFOUND);
    sd_txn_abort(t);
    sd_store_close(s);
}

/* Cluster commit hook (issue 18): runs once before each top-level write commit (plain txn or
 * group-commit batch, never a child), may write into the txn, and its error aborts it all. */
struct hook_rec {
    unsigned calls;
    sd_err answer;
    size_t wlen; /* the write set the last call saw */
};

static sd_err
hook_fn(void *arg, struct sd_txn *t, const uint8_t *ws, size_t len)
{
    struct hook_rec *h = arg;

    h->calls++;
    assert_true(sd_txn_is_write(t));
    assert_non_null(ws);
    h->wlen = len;
    if(h->answer == SD_OK)
        assert_int_equal(sd_txn_put(t, SD_DB_META, "hooked", 6, "1", 1), SD_OK);
    return h->answer;
}

static void
test_commit_hook(void **state)
{
    struct sd_store *s = NULL;
    struct sd_txn *t = NULL;
    struct sd_val v;
    struct hook_rec h = {0, SD_OK, 0};

    (void)state;
    assert_int_equal(sd_store_open(&s, dir, SD_STORE_CREATE, 1 << 24), SD_OK);
    sd_store_set_commit_hook(s, hook_fn, &h);
    sd_store_set_capture(s, true);
    /* a plain write txn: the hook's own put commits with it */
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "a", 1, "x", 1), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(h.calls, 1);
    assert_true(h.wlen > 5); /* the put of "a" */
    /* read txns never call it */
    assert_int_equal(sd_txn_begin(s, false, &t), SD_OK);
    assert_int_equal(sd_txn_get(t, SD_DB_META, "hooked", 6, &v), SD_OK);
    sd_txn_abort(t);
    assert_int_equal(h.calls, 1);
    /* a batch: two children, one hook call at the batch commit */
    assert_int_equal(sd_store_batch_begin(s), SD_OK);
    for(int i = 0; i < 2; i++) {
        assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
        assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, i ? "c" : "b", 1, "x", 1), SD_OK);
        assert_int_equal(sd_txn_commit(t), SD_OK);
    }
    assert_int_equal(h.calls, 1);
    h.wlen = 0;
    assert_int_equal(sd_store_batch_commit(), SD_OK);
    assert_int_equal(h.calls, 2);
    assert_true(h.wlen > 5 + 2 * 10); /* both children's puts reach the hook */
    /* a refusing hook: the txn and the batch are aborted with its error, nothing stays */
    h.answer = SD_E_IO;
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "d", 1, "x", 1), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_E_IO);
    assert_int_equal(sd_store_batch_begin(s), SD_OK);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_TICKETS, "e", 1, "x", 1), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(sd_store_batch_commit(), SD_E_IO);
    assert_int_equal(h.calls, 4);
    sd_store_set_commit_hook(s, NULL, NULL);
    assert_int_equal(sd_txn_begin(s, false, &t), SD_OK);
    assert_int_equal(sd_txn_get(t, SD_DB_TICKETS, "c", 1, &v), SD_OK);
    assert_int_equal(sd_txn_get(t, SD_DB_TICKETS, "d", 1, &v), SD_E_NOTFOUND);
    assert_int_equal(sd_txn_get(t, SD_DB_TICKETS, "e", 1, &v), SD_E_NOTFOUND);
    sd_txn_abort(t);
    sd_store_close(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_open_missing_store_is_notfound),    T(test_counters_and_put_new),
        T(test_newer_schema_is_refused),           T(test_corrupt_environment_is_refused),
        T(test_injected_write_failure_rolls_back), T(test_commit_hook),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
