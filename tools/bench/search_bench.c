/* Encrypted search benchmark (not a test; issue #17 item 5): builds the search index of N
 * synthetic tickets (a third each zh, en and ko, words drawn with a Zipf law from generated
 * vocabularies: ~28 terms a ticket) in DIR through src/search, 50,000 tickets per txn,
 * then times Q two-word queries (both words of one language, Zipf-drawn: common words included)
 * each in its own read txn, the first 50 hits newest first, as Tickets/Search asks the index.
 * Prints the build rate, the index size (data.mdb, postings) and p50/p99/max query latency.
 * With FULL > 0 it also creates FULL real tickets through the desk library in DIR/full and
 * times sd_ticket_search (filters, access rule, subject decryption and the durable audit txn).
 * usage: search_bench DIR [TICKETS] [QUERIES] [FULL]   (defaults 1000000, 2000, 0; an
 * existing DIR from an earlier run is queried again without building) */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/buf.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/search.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"
#include "bench.h"

#define VOCAB  20000
#define COMMIT 50000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static size_t
utf8_put(char *out, uint32_t cp)
{
    if(cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if(cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

/* Three vocabularies of VOCAB words each: en (4-9 letters), zh (2-3 Han characters out of
 * 2,500), ko (2-4 Hangul syllables out of 1,000). */
static char vocab[3][VOCAB][16];
static double cdf[VOCAB];

static void
make_vocab(void)
{
    double sum = 0;

    for(int w = 0; w < VOCAB; w++) {
        size_t len = 4 + next() % 6, o = 0;

        for(size_t i = 0; i < len; i++)
            vocab[1][w][i] = (char)('a' + next() % 26);
        len = 2 + next() % 2;
        for(size_t i = 0; i < len; i++)
            o += utf8_put(vocab[0][w] + o, (uint32_t)(0x4e00 + next() % 2500));
        o = 0;
        len = 2 + next() % 3;
        for(size_t i = 0; i < len; i++)
            o += utf8_put(vocab[2][w] + o, (uint32_t)(0xac00 + (next() % 1000) * 11));
    }
    for(int r = 0; r < VOCAB; r++) {
        sum += 1.0 / (r + 1);
        cdf[r] = sum;
    }
    for(int r = 0; r < VOCAB; r++)
        cdf[r] /= sum;
}

static const char *
zipf_word(int lang)
{
    double u = (double)(next() >> 11) / 9007199254740992.0;
    size_t lo = 0, hi = VOCAB - 1;

    while(lo < hi) {
        size_t mid = (lo + hi) / 2;

        if(cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return vocab[lang][lo];
}

/* A ticket's text: 20 words (zh and ko: separated by punctuation / spaces). */
static size_t
make_text(char *out, size_t cap, int lang)
{
    size_t o = 0;

    for(int i = 0; i < 20; i++) {
        const char *w = zipf_word(lang);
        size_t n = strlen(w);

        if(o + n + 4 >= cap)
            break;
        memcpy(out + o, w, n);
        o += n;
        if(lang == 0 && i % 3 == 2)
            o += utf8_put(out + o, 0xff0c); /* full-width comma between some zh words */
        else
            out[o++] = ' ';
    }
    out[o] = 0;
    return o;
}

struct hits {
    size_t n;
};

static sd_err
on_hit(void *ctx, uint64_t id, bool *stop)
{
    struct hits *h = ctx;

    (void)id;
    *stop = ++h->n >= SD_SEARCH_LIMIT;
    return SD_OK;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
report(const char *what, double *lat, size_t q, double hits)
{
    qsort(lat, q, sizeof(*lat), cmp_double);
    printf("%s: %zu two-word queries, p50 %.3f ms, p99 %.3f ms, max %.3f ms, %.1f hits on "
           "average\n",
           what, q, lat[q / 2] * 1e3, lat[(q * 99) / 100] * 1e3, lat[q - 1] * 1e3,
           hits / (double)q);
}

static void
full_path(const char *dir, unsigned long n, unsigned long q)
{
    const struct sd_actor sys = {"bench", NULL, SD_ROLE_SYSTEM};
    struct sd_desk_opts o = {0};
    struct sd_desk *d = NULL;
    char text[1024], query[64];
    double *lat = calloc(q, sizeof(double)), hits = 0, t0;

    if(!lat)
        exit(1);
    o.dir = dir;
    CHECK(sd_desk_init(&o));
    CHECK(sd_desk_open(&d, &o));
    sd_desk_set_key_grace(d, 200); /* as sealdeskd */
    t0 = now_s();
    for(unsigned long i = 0; i < n;) {
        CHECK(sd_store_batch_begin(sd_desk_store(d)));
        for(unsigned long k = 0; k < 512 && i < n; k++, i++) {
            struct sd_ticket_new in;
            struct sd_ticket t;

            memset(&in, 0, sizeof(in));
            make_text(text, sizeof(text), (int)(i % 3));
            in.channel = SD_CH_WEB;
            in.field[SD_F_SUBJECT] = "synthetic";
            in.field[SD_F_BODY] = text;
            in.category = (int)(i % SD_CAT_COUNT);
            in.priority = 3;
            CHECK(sd_ticket_create(d, &sys, &in, &t));
        }
        CHECK(sd_store_batch_commit());
    }
    printf("full: created %lu tickets in %.1f s\n", n, now_s() - t0);
    for(unsigned long i = 0; i < q; i++) {
        int lang = (int)(i % 3);
        struct sd_ticket_query sq = {.text = query, .category = -1};
        struct sd_ticket_list l;
        double s;

        snprintf(query, sizeof(query), "%s %s", zipf_word(lang), zipf_word(lang));
        s = now_s();
        CHECK(sd_ticket_search(d, &sys, &sq, &l, NULL));
        lat[i] = now_s() - s;
        hits += (double)l.n;
        sd_ticket_list_clear(&l);
    }
    report("full (sd_ticket_search: filter, subject, audited durable txn)", lat, q, hits);
    sd_desk_set_key_grace(d, 0);
    sd_desk_close(d);
    free(lat);
}

int
main(int argc, char **argv)
{
    unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    unsigned long q = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000;
    unsigned long full = argc > 4 ? strtoul(argv[4], NULL, 10) : 0;
    uint8_t master[SD_KEY_BYTES], pk[SD_SIG_PK_BYTES];
    struct sd_buf wrapped = SD_BUF_INIT;
    struct sd_keyring *kr = NULL;
    struct sd_store *s = NULL;
    char text[1024], query[64], path[4096];
    uint64_t postings = 0;
    double *lat, t0, t1, hits = 0;
    struct stat st;
    bool reuse = false;

    if(argc < 2 || n == 0 || q == 0) {
        fprintf(stderr, "usage: search_bench DIR [TICKETS] [QUERIES] [FULL]\n");
        return 2;
    }
    CHECK(sd_crypto_init());
    if(mkdir(argv[1], 0700) != 0) {
        if(errno != EEXIST) {
            perror(argv[1]);
            return 1;
        }
        reuse = true; /* the index of an earlier run (same key: the master is not random) */
    }
    lat = calloc(q, sizeof(double));
    if(!lat)
        return 1;
    for(size_t i = 0; i < sizeof(master); i++)
        master[i] = (uint8_t)(next() & 0xff);
    CHECK(sd_keyring_new(&kr, master));
    snprintf(path, sizeof(path), "%s/bidx.wrapped", argv[1]);
    if(reuse) {
        /* the index key of the run that built it, wrapped under the (fixed) master key */
        uint8_t w[256];
        FILE *fp = fopen(path, "rb");
        size_t wn = fp ? fread(w, 1, sizeof(w), fp) : 0;

        if(fp)
            (void)fclose(fp);
        CHECK(sd_keyring_ikey_load(kr, SD_IKEY_BIDX, 1, w, wn));
    } else {
        FILE *fp;

        CHECK(sd_keyring_ikey_create(kr, SD_IKEY_BIDX, 1, &wrapped, pk));
        fp = fopen(path, "wb");
        if(!fp || fwrite(wrapped.data, 1, wrapped.len, fp) != wrapped.len || fclose(fp) != 0) {
            perror(path);
            return 1;
        }
    }
    sd_keyring_set_grace(kr, 200);
    CHECK(sd_store_open(&s, argv[1], SD_STORE_CREATE, (size_t)64 << 30));
    make_vocab();
    t0 = now_s();
    for(unsigned long i = 1; !reuse && i <= n;) {
        struct sd_txn *t = NULL;

        CHECK(sd_txn_begin(s, true, &t));
        for(unsigned long k = 0; k < COMMIT && i <= n; k++, i++) {
            struct sd_search_terms ts = {0};
            size_t len = make_text(text, sizeof(text), (int)(i % 3));

            CHECK(sd_search_terms_add(&ts, kr, text, len, NULL));
            CHECK(sd_search_put_in(t, i, &ts));
            postings += ts.n;
            sd_search_terms_clear(&ts);
        }
        CHECK(sd_txn_commit(t));
    }
    t1 = now_s();
    snprintf(path, sizeof(path), "%s/data.mdb", argv[1]);
    if(stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if(reuse)
        printf("reusing the index in %s\n", argv[1]);
    else
        printf("indexed %lu tickets in %.1f s (%.0f tickets/s), %" PRIu64 " postings (%.1f per "
               "ticket)\n",
               n, t1 - t0, (double)n / (t1 - t0), postings, (double)postings / (double)n);
    printf("index size: data.mdb %.1f MiB on disk, %.1f bytes per ticket\n",
           (double)st.st_blocks * 512.0 / 1048576.0, (double)st.st_blocks * 512.0 / (double)n);
    for(unsigned long i = 0; i < q; i++) {
        int lang = (int)(i % 3);
        struct hits h = {0};
        struct sd_txn *t = NULL;
        double st0;

        snprintf(query, sizeof(query), "%s %s", zipf_word(lang), zipf_word(lang));
        st0 = now_s();
        CHECK(sd_txn_begin(s, false, &t));
        CHECK(sd_search_query_in(t, kr, query, strlen(query), 0, on_hit, &h, NULL, NULL));
        sd_txn_abort(t);
        lat[i] = now_s() - st0;
        hits += (double)h.n;
    }
    report("index (sd_search_query_in, first 50 hits)", lat, q, hits);
    sd_store_close(s);
    sd_keyring_free(kr);
    sd_buf_free(&wrapped);
    free(lat);
    if(full) {
        snprintf(path, sizeof(path), "%s/full", argv[1]);
        full_path(path, full, q);
    }
    return 0;
}
