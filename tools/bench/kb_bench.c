/* Knowledge base benchmark (not a test): index update cost per article (bulk load in one txn,
 * and one durable txn per article as `kb add` does) and `kb search` latency percentiles over a
 * collection of N synthetic articles in zh, en and ko built from the starter set.
 * usage: kb_bench DIR [ARTICLES] [SEARCHES]   (DIR must not exist; defaults 10000 and 2000) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sealdesk/actor.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/kb.h"
#include "bench.h"

static int
dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static const char *const queries[] = {
    "withdrawal pending for hours",
    "提现一直没到账",
    "출금이 안돼요",
    "lost my 2fa phone",
    "谷歌验证器丢失",
    "OTP 초기화",
    "deposit not credited USDT",
    "充值未到账 TRC20",
    "입금 반영 안됨",
    "KYC rejected selfie",
    "实名认证失败",
    "신분증 인증 거절",
    "futures liquidation margin",
    "合约爆仓",
    "선물 청산",
    "api key rate limit 429",
    "手续费多少",
    "수수료 얼마",
    "account hacked freeze",
    "账户被盗",
    "해킹 의심",
};

/* Body of a synthetic article: lines of random starter articles plus a unique code. */
static void
synth(FILE *f, size_t i, unsigned *seed)
{
    const char *langs[3] = {"en", "zh", "ko"};
    const char *cats[8] = {"account",  "deposit",   "withdrawal", "trading",
                           "security", "technical", "compliance", "general"};
    const struct sd_kb_file *src = &sd_kb_starter[(size_t)rand_r(seed) % sd_kb_starter_n];
    const char *body = strstr(src->text + 3, "---\n");

    fprintf(f,
            "---\nslug: bench-%zu\nlang: %s\ncategory: %s\ntags: code%zu, bench\n"
            "title: Bench article %zu case %u\n---\n",
            i, langs[i % 3], cats[(size_t)rand_r(seed) % 8], i, i, (unsigned)rand_r(seed));
    (void)fputs(body ? body + 4 : "", f); /* sticky: main checks ferror before fclose */
    fprintf(f, "\nReference case %zu-%u.\n", i, (unsigned)rand_r(seed) % 100000);
}

int
main(int argc, char **argv)
{
    struct sd_desk_opts o = {0};
    struct sd_desk *d = NULL;
    struct sd_actor a = {.name = "bench", .roles = 1u << 15};
    size_t n_art = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 10000;
    size_t n_search = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 2000;
    size_t n_single = 200, loaded = 0;
    char srcdir[4096], path[4200];
    unsigned seed = 42;
    double t0, t1, *lat;
    struct sd_kb_hit hits[10];

    if(argc < 2) {
        fprintf(stderr, "usage: kb_bench DIR [ARTICLES] [SEARCHES]\n");
        return 2;
    }
    CHECK(sd_crypto_init());
    if(mkdir(argv[1], 0700) != 0) {
        perror(argv[1]);
        return 1;
    }
    snprintf(srcdir, sizeof(srcdir), "%s/articles", argv[1]);
    mkdir(srcdir, 0700);
    for(size_t i = 0; i < n_art; i++) {
        FILE *f;

        snprintf(path, sizeof(path), "%s/bench-%06zu.md", srcdir, i);
        f = fopen(path, "w");
        if(!f) {
            perror(path);
            return 1;
        }
        synth(f, i, &seed);
        int werr = ferror(f); /* before fclose, which must run either way */

        if(fclose(f) != 0 || werr) {
            perror(path);
            return 1;
        }
    }
    snprintf(path, sizeof(path), "%s/store", argv[1]);
    o.dir = path;
    CHECK(sd_desk_init(&o));
    CHECK(sd_desk_open(&d, &o));

    t0 = now_s();
    CHECK(sd_kb_load_dir(d, &a, srcdir, &loaded));
    t1 = now_s();
    printf("bulk load: %zu articles in %.2f s, %.1f us per article (one txn)\n", loaded, t1 - t0,
           (t1 - t0) * 1e6 / (double)(loaded ? loaded : 1));

    t0 = now_s();
    for(size_t i = 0; i < n_single; i++) {
        char title[64];
        struct sd_kb_new in = {.lang = i % 2 ? "en" : "ko",
                               .title = title,
                               .category = -1,
                               .body = "Withdrawals to a new address are reviewed for your "
                                       "safety. 출금 심사는 보통 2시간 이내입니다."};
        uint64_t id;

        snprintf(title, sizeof(title), "Single add %zu", i);
        CHECK(sd_kb_add(d, &a, &in, &id));
    }
    t1 = now_s();
    printf("kb add: %zu articles, %.2f ms per article (durable txn incl. index + audit)\n",
           n_single, (t1 - t0) * 1e3 / (double)n_single);

    lat = calloc(n_search, sizeof(*lat));
    if(!lat)
        return 1;
    for(size_t i = 0; i < n_search; i++) {
        const char *q = queries[i % (sizeof(queries) / sizeof(queries[0]))];
        size_t n = 0;

        t0 = now_s();
        CHECK(sd_kb_search(d, q, NULL, 5, hits, &n));
        lat[i] = (now_s() - t0) * 1e3;
    }
    qsort(lat, n_search, sizeof(*lat), dbl_cmp);
    printf("kb search over %zu articles: %zu queries, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, "
           "max %.3f ms\n",
           loaded + n_single + sd_kb_starter_n, n_search, lat[n_search / 2], lat[n_search * 9 / 10],
           lat[n_search * 99 / 100], lat[n_search - 1]);
    free(lat);
    sd_desk_close(d);
    return 0;
}
