/* sealbench: load generator and disk ceiling for sealdeskd. `load` drives a running server
 * over TLS gRPC (127.0.0.1 only), `ceiling` measures raw durable LMDB and fdatasync rates on
 * the data dir's disk, `compare` runs both in one go and prints Create/s as a ratio of the
 * 64-puts-per-txn ceiling, `verify` checks a data dir after a crash test. Bounded in time. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/endpoints.h"
#include "sealdesk/version.h"
#include "bench.h"

static const char usage[] =
    "usage: sealbench load --target 127.0.0.1:PORT --ca F [--token T] [--conns C]\n"
    "                 [--streams S] [--seconds D] [--mix create=W,get=W,claim=W,list=W]\n"
    "                 [--prefill N] [--server-pid PID] [--acked FILE] [--json]\n"
    "       sealbench ceiling --data DIR [--seconds D] [--json]\n"
    "       sealbench compare --data DIR --target 127.0.0.1:PORT --ca F [--token T]\n"
    "                 [--conns C] [--streams S] [--seconds D] [--server-pid PID] [--json]\n"
    "       sealbench verify --data DIR --acked FILE [--json]\n"
    "  --token defaults to $SEALDESK_TOKEN (a session of a user with the agent role)\n"
    "  defaults: 64 conns x 1 stream, 10 s, mix create=1; ceiling 3 s per measurement\n"
    "  load --target may list a cluster's nodes (127.0.0.1:P1,127.0.0.1:P2,...): each\n"
    "  connection follows a follower's leader hint and moves on from a dead node\n";

/* (void) on usage and error text: a failed write to stdout/stderr has nowhere to be reported. */
static int
bad_usage(const char *why)
{
    if(why)
        fprintf(stderr, "sealbench: %s\n", why);
    (void)fputs(usage, stderr);
    return 2;
}

static int
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    unsigned long v;

    if(!s || !*s || *s == '-')
        return -1;
    v = strtoul(s, &end, 10);
    if(*end || v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int
parse_mix(const char *s, unsigned mix[SB_NOPS])
{
    char buf[256];
    char *save = NULL;
    unsigned sum = 0;

    if(strlen(s) >= sizeof(buf))
        return -1;
    memcpy(buf, s, strlen(s) + 1);
    memset(mix, 0, SB_NOPS * sizeof(*mix));
    for(char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int k = -1;

        if(!eq)
            return -1;
        *eq = 0;
        for(int i = 0; i < SB_NOPS; i++) {
            if(strcmp(tok, sb_op_name((enum sb_op)i)) == 0)
                k = i;
        }
        if(k < 0 || parse_uint(eq + 1, 0, 1000, &mix[k]) != 0)
            return -1;
        sum += mix[k];
    }
    return sum ? 0 : -1;
}

/* Only the loopback address: a benchmark must never load someone else's server. A cluster
 * (issue 18): up to 7 such endpoints, comma-separated; the load follows the leader. */
static int
target_ok(const char *t)
{
    struct sd_endpoints eps;
    char why[128];

    if(!t || sd_endpoints_parse(&eps, t, "--target", why, sizeof(why)) != SD_OK)
        return 0;
    for(size_t i = 0; i < eps.n; i++) {
        if(strncmp(eps.ep[i], "127.0.0.1:", 10) != 0 || strchr(eps.ep[i] + 10, ':'))
            return 0;
    }
    return 1;
}

static void
print_ceiling(const struct sb_ceiling *c, const char *dir, bool json)
{
    if(json) {
        printf("{\"dir\":\"%s\",\"txn1_per_s\":%.1f,\"txn64_per_s\":%.1f,\"put64_per_s\":%.1f,"
               "\"fsync_per_s\":%.1f}\n",
               dir, c->txn1_per_s, c->txn64_per_s, c->put64_per_s, c->fsync_per_s);
        return;
    }
    printf("ceiling on %s:\n", dir);
    printf("  (a) LMDB durable txns/s, 1 x 1 KiB put each:   %10.1f\n", c->txn1_per_s);
    printf("  (b) LMDB durable txns/s, 64 x 1 KiB puts each: %10.1f  (%.1f puts/s)\n",
           c->txn64_per_s, c->put64_per_s);
    printf("  (c) fdatasync/s of a 4 KiB append:             %10.1f\n", c->fsync_per_s);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"target", required_argument, NULL, 't'},
        {"ca", required_argument, NULL, 'a'},
        {"token", required_argument, NULL, 'T'},
        {"conns", required_argument, NULL, 'c'},
        {"streams", required_argument, NULL, 's'},
        {"seconds", required_argument, NULL, 'd'},
        {"mix", required_argument, NULL, 'm'},
        {"prefill", required_argument, NULL, 'p'},
        {"server-pid", required_argument, NULL, 'P'},
        {"acked", required_argument, NULL, 'A'},
        {"data", required_argument, NULL, 'D'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sb_load_opts o = {.conns = 64, .streams = 1, .seconds = 10, .mix = {1, 0, 0, 0}};
    struct sb_load_result r;
    struct sb_ceiling cl;
    const char *cmd, *data = NULL;
    unsigned seconds_set = 0, pid = 0;
    int opt;
    {
        int meta_rc;

        if(sd_tool_meta("sealbench", usage, argc, argv, &meta_rc))
            return meta_rc;
    }

    if(argc < 2)
        return bad_usage(NULL);
    cmd = argv[1];
    if(strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        (void)fputs(usage, stdout);
        return 0;
    }
    optind = 2;
    while((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch(opt) {
        case 't':
            o.target = optarg;
            break;
        case 'a':
            o.ca_file = optarg;
            break;
        case 'T':
            o.token = optarg;
            break;
        case 'c':
            if(parse_uint(optarg, 1, SB_MAX_CONNS, &o.conns))
                return bad_usage("--conns is 1..256");
            break;
        case 's':
            if(parse_uint(optarg, 1, SB_MAX_STREAMS, &o.streams))
                return bad_usage("--streams is 1..100");
            break;
        case 'd':
            if(parse_uint(optarg, 1, SB_MAX_SECONDS, &o.seconds))
                return bad_usage("--seconds is 1..3600");
            seconds_set = 1;
            break;
        case 'm':
            if(parse_mix(optarg, o.mix))
                return bad_usage("bad --mix");
            break;
        case 'p':
            if(parse_uint(optarg, 0, 10000000, &o.prefill))
                return bad_usage("--prefill is 0..10000000");
            break;
        case 'P':
            if(parse_uint(optarg, 1, 1u << 22, &pid))
                return bad_usage("bad --server-pid");
            o.server_pid = (long)pid;
            break;
        case 'A':
            o.acked = optarg;
            break;
        case 'D':
            data = optarg;
            break;
        case 'j':
            o.json = true;
            break;
        case 'h':
            (void)fputs(usage, stdout);
            return 0;
        default:
            return bad_usage(NULL);
        }
    }
    if(optind != argc)
        return bad_usage("unexpected argument");
    if(sodium_init() < 0) {
        (void)fputs("sealbench: libsodium initialisation failed\n", stderr);
        return 1;
    }
    if(strcmp(cmd, "ceiling") == 0) {
        if(!data)
            return bad_usage("ceiling needs --data");
        if(sb_ceiling(data, seconds_set ? o.seconds : 3, &cl) != 0)
            return 1;
        print_ceiling(&cl, data, o.json);
        return 0;
    }
    if(strcmp(cmd, "verify") == 0) {
        if(!data || !o.acked)
            return bad_usage("verify needs --data and --acked");
        return sb_verify(data, o.acked, o.json);
    }
    if(strcmp(cmd, "load") != 0 && strcmp(cmd, "compare") != 0)
        return bad_usage("unknown command");
    if(!o.token)
        o.token = getenv("SEALDESK_TOKEN");
    if(!target_ok(o.target) || !o.ca_file || !o.token)
        return bad_usage("load needs --target 127.0.0.1:PORT, --ca and a token");
    if(strcmp(cmd, "compare") == 0) {
        double ratio;

        if(!data)
            return bad_usage("compare needs --data (a dir on the server's disk)");
        if(sb_ceiling(data, 3, &cl) != 0)
            return 1;
        memset(o.mix, 0, sizeof(o.mix));
        o.mix[SB_CREATE] = 1;
        if(sb_load(&o, &r) != 0)
            return 1;
        ratio = cl.put64_per_s > 0 ? r.ops_per_s[SB_CREATE] / cl.put64_per_s : 0;
        if(o.json) {
            printf("{\"ceiling\":");
            print_ceiling(&cl, data, true);
            printf(",\"load\":");
            sb_load_print(stdout, &o, &r);
            printf(",\"create_vs_b\":%.4f}\n", ratio);
        } else {
            print_ceiling(&cl, data, false);
            sb_load_print(stdout, &o, &r);
            /* (b) read two ways: per durable txn (the unit: one Create is one
             * operation) and per 1 KiB put (a Create writes ~15 records, so this is far
             * stricter). Both are printed; the README reports both. */
            printf("compare: Create %.1f/s = %.1f%% of ceiling (b) %.1f txns/s; "
                   "%.1f%% of (b) %.1f puts/s; %.1f%% of (a) %.1f txns/s; p99 %.3f ms\n",
                   r.ops_per_s[SB_CREATE],
                   cl.txn64_per_s > 0 ? 100 * r.ops_per_s[SB_CREATE] / cl.txn64_per_s : 0,
                   cl.txn64_per_s, 100 * ratio, cl.put64_per_s,
                   cl.txn1_per_s > 0 ? 100 * r.ops_per_s[SB_CREATE] / cl.txn1_per_s : 0,
                   cl.txn1_per_s, r.p99_ms[SB_CREATE]);
        }
        return r.failed[SB_CREATE] ? 1 : 0;
    }
    if(sb_load(&o, &r) != 0)
        return 1;
    sb_load_print(stdout, &o, &r);
    for(int k = 0; k < SB_NOPS; k++) {
        if(r.failed[k])
            return 1;
    }
    return 0;
}
