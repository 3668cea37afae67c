/* sealbench verify: after a crash (server stopped), check a data dir against the file of
 * Creates that `sealbench load --acked` saw acknowledged: every one is present and its
 * subject decrypts to what was sent, and the queue index holds no ticket twice and nothing
 * that is missing. Reads run inside a store batch that is aborted: the checker leaves the
 * store (and its audit log) exactly as the crash left it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "sealdesk/actor.h"
#include "sealdesk/buf.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Queue entries: u8 priority | u64 due | u64 id. */
static int
check_queue(const char *data, size_t *nq)
{
    struct sd_store *s = NULL;
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    uint64_t *ids = NULL;
    size_t n = 0, cap = 0;
    struct sd_val k, v;
    int bad = 0;
    sd_err e;

    e = sd_store_open(&s, data, 0, 0);
    if(e == SD_OK)
        e = sd_txn_begin(s, false, &t);
    if(e == SD_OK)
        e = sd_cursor_open(t, SD_DB_QUEUE, &c);
    for(enum sd_cursor_op op = SD_CUR_FIRST; e == SD_OK; op = SD_CUR_NEXT) {
        memset(&k, 0, sizeof(k));
        e = sd_cursor_get(c, op, &k, &v);
        if(e != SD_OK)
            break;
        if(k.n != 17) {
            fprintf(stderr, "verify: queue key of %zu bytes\n", k.n);
            bad = 1;
            continue;
        }
        if(n == cap) {
            uint64_t *p = realloc(ids, (cap ? cap * 2 : 1024) * sizeof(*ids));

            if(!p) {
                e = SD_E_NOMEM;
                break;
            }
            ids = p;
            cap = cap ? cap * 2 : 1024;
        }
        ids[n] = sd_get_u64be(k.p + 9);
        if(sd_txn_get(t, SD_DB_TICKETS, k.p + 9, 8, &v) != SD_OK) {
            fprintf(stderr, "verify: queue names missing ticket %" PRIu64 "\n", ids[n]);
            bad = 1;
        }
        n++;
    }
    if(e != SD_E_NOTFOUND) {
        fprintf(stderr, "verify: reading the queue: %s\n", sd_err_str(e));
        bad = 1;
    }
    if(n)
        qsort(ids, n, sizeof(*ids), cmp_u64);
    for(size_t i = 1; i < n; i++) {
        if(ids[i] == ids[i - 1]) {
            fprintf(stderr, "verify: ticket %" PRIu64 " is queued twice\n", ids[i]);
            bad = 1;
        }
    }
    *nq = n;
    free(ids);
    sd_cursor_close(c);
    sd_txn_abort(t);
    sd_store_close(s);
    return bad;
}

int
sb_verify(const char *data, const char *acked, bool json)
{
    struct sd_desk_opts o = {.dir = data};
    struct sd_desk *d = NULL;
    struct sd_actor a = {.name = "sealbench", .roles = 1u << 15 /* SD_ROLE_SYSTEM */};
    FILE *f = NULL;
    size_t nq = 0, nacked = 0, missing = 0, wrong = 0;
    uint64_t id, nonce;
    int bad;
    sd_err e;

    bad = check_queue(data, &nq);
    e = sd_desk_open(&d, &o);
    if(e != SD_OK) {
        fprintf(stderr, "verify: cannot open %s: %s\n", data, sd_err_str(e));
        return 1;
    }
    f = fopen(acked, "r");
    if(!f) {
        fprintf(stderr, "verify: cannot read %s\n", acked);
        sd_desk_close(d);
        return 1;
    }
    (void)sd_store_batch_begin(NULL); /* the audited reads are discarded below */
    // NOLINTNEXTLINE(cert-err34-c): file written by sealbench load
    while(fscanf(f, "%" SCNu64 " %" SCNu64, &id, &nonce) == 2) {
        struct sd_ticket t;
        char want[64];

        nacked++;
        memset(&t, 0, sizeof(t));
        e = sd_ticket_get(d, &a, id, true, "crash test", &t);
        if(e != SD_OK) {
            if(missing++ < 5)
                fprintf(stderr, "verify: acknowledged ticket %" PRIu64 ": %s\n", id, sd_err_str(e));
            continue;
        }
        sb_nonce_subject(want, sizeof(want), nonce);
        if(!t.has[SD_F_SUBJECT] || !t.field[SD_F_SUBJECT].data ||
           strcmp((const char *)t.field[SD_F_SUBJECT].data, want) != 0) {
            if(wrong++ < 5)
                fprintf(stderr, "verify: ticket %" PRIu64 " has another subject\n", id);
        }
        sd_ticket_clear(&t);
    }
    sd_store_batch_abort();
    (void)fclose(f); /* read-only: nothing to flush */
    sd_desk_close(d);
    if(missing || wrong)
        bad = 1;
    if(json)
        printf("{\"acked\":%zu,\"missing\":%zu,\"wrong\":%zu,\"queued\":%zu,\"ok\":%s}\n", nacked,
               missing, wrong, nq, bad ? "false" : "true");
    else
        printf("verify: %zu acknowledged creates, %zu missing, %zu wrong, %zu queued: %s\n", nacked,
               missing, wrong, nq, bad ? "FAILED" : "OK");
    return bad;
}
