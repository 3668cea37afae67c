/* sealdeskd: the sealdesk gRPC server. Reads the config file and flags (flags win), turns off
 * core dumps, locks its memory out of swap when allowed, opens the desk, serves
 * sd_rpc_dispatch over src/server (and Prometheus metrics when asked) until SIGTERM/SIGINT,
 * then finishes in-flight calls and closes the desk. Exit 0 after a graceful stop, 1 when
 * start-up fails (one-line reason on stderr), 2 on a usage error. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "sealdesk/access.h"
#include "sealdesk/authz.h"
#include "sealdesk/cluster.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/keyops.h"
#include "sealdesk/log.h"
#include "sealdesk/metrics.h"
#include "sealdesk/rpc.h"
#include "sealdesk/attach.h"
#include "sealdesk/intake.h"
#include "sealdesk/server.h"
#include "sealdesk/store.h"
#include "sealdesk/version.h"
#include "sealdesk/web.h"

static const char usage[] =
    "usage: sealdeskd [--config FILE] [--listen ADDR:PORT] [--cert F] [--key F]\n"
    "                 [--client-ca F] [--require-client-cert] [--workers N]\n"
    "                 [--data DIR] [--key-file F | --passphrase-file F]\n"
    "                 [--group-commit-max N]\n"
    "                 [--group-commit-us US] [--metrics ADDR:PORT]\n"
    "                 [--route-auto-seconds N] [--LIMIT-KEY N ...]\n"
    "  --config FILE          `key = value` lines (listen, cert, key, client-ca,\n"
    "                         require-client-cert, workers, max-conns, idle-timeout-ms,\n"
    "                         data, key-file, passphrase-file, metrics,\n"
    "                         route-auto-seconds); flags\n"
    "                         override the file\n"
    "  --listen ADDR:PORT     default 127.0.0.1:7443; port 0 picks a free port;\n"
    "                         a non-loopback address needs --require-client-cert\n"
    "  --cert F / --key F     server certificate chain and private key (PEM)\n"
    "  --client-ca F          verify client certificates against this CA (mTLS)\n"
    "  --require-client-cert  refuse clients without a valid certificate\n"
    "  --workers N            threads running calls (default 4)\n"
    "  --data DIR             sealdesk data directory (from `sealctl --offline init`)\n"
    "  --key-file F           master key file (default DIR/master.key)\n"
    "  --passphrase-file F    derive the master key from this file's first line (mode\n"
    "                         0600; after `sealkey remaster --passphrase-file`)\n"
    "  --group-commit-max N   ticket writes per LMDB commit (default 64; 0: one commit\n"
    "                         per call, no writer thread)\n"
    "  --group-commit-us US   wait up to US microseconds for more writes before a\n"
    "                         commit (default 0)\n"
    "  --metrics ADDR:PORT    serve Prometheus metrics (GET /metrics, plain HTTP) on a\n"
    "                         loopback address, e.g. 127.0.0.1:9464; port 0 picks one\n"
    "  --route-auto-seconds N assign queued tickets to the least-loaded fit agent on\n"
    "                         shift every N seconds (`route auto`; default 0 = off)\n"
    "  --console-dir DIR      serve the web console's files from DIR (read once at\n"
    "                         start-up; config key console_dir) and gRPC-Web on the port\n"
    "  abuse limits (flags or config keys, see README): --max-conns N (1024),\n"
    "  --max-conns-per-source N (64), --conn-reserve N (32), --idle-timeout-ms N,\n"
    "  --login-workers N (1), --login-queue N (64), --login-fails-per-source N (20),\n"
    "  --login-fails-per-name N (5), --login-window-s N (60), --login-backoff-max-s N\n"
    "  (3600), --login-audit-window-s N (60), --export-memory-mb N (256),\n"
    "  --metrics-max-conns N (16), --metrics-read-timeout-ms N (1000)\n"
    "  --intake-memory-mb N   large request bodies (mail with attachments, up to 26 MiB\n"
    "                         each) in flight, whole server (128); over: RESOURCE_EXHAUSTED\n"
    "  --attachment-max-file-mb N (10), --attachment-max-message-mb N (25): attachment\n"
    "                         limits of intake (a file over them is refused, with the\n"
    "                         reason on the ticket's timeline)\n"
    "  --shred-purge now|restart (shred_purge)\n"
    "  config key reopen_window_days N (14, 0..365): a customer message reopens a resolved\n"
    "                         ticket within N days, later it opens a linked new ticket\n"
    "  --smtp HOST:PORT       deliver the outbox to this relay (config `smtp`; none: mail\n"
    "                         stays queued); --mail-from ADDR (`mail_from`); --smtp-tls\n"
    "                         required|opportunistic|off (`smtp_tls`; off: loopback only)\n"
    "prints `sealdeskd metrics on HOST:PORT` (with --metrics), then\n"
    "`sealdeskd listening on HOST:PORT` on stderr once serving;\n"
    "  --cluster [etcd]       a cluster node (README): --etcd_endpoints URLS --etcd_ca F\n"
    "                         --etcd_cert F --etcd_key F --node_name N [--cluster_name C]\n"
    "                         [--advertise HOST:PORT] [--cluster_trim_seconds N] (same\n"
    "                         config keys; the leader trims the etcd log every N s, 10)\n"
    "SIGTERM or SIGINT stops it gracefully. exit: 0 stopped, 1 start-up failed, 2 usage,\n"
    "3 cluster divergence or log trimmed past this node\n";

static struct sd_server *volatile g_server;

#define KEY_GRACE_MS  200
#define PURGE_RETRY_S 2 /* a purge kept pending (store in use, busy) is tried this often */

static struct sd_desk *g_idle_desk;
static atomic_bool g_idle_stop;

/* Re-protects idle key pages every KEY_GRACE_MS / 2. */
static void *
key_idle_main(void *arg)
{
    struct timespec ts = {0, (long)KEY_GRACE_MS / 2 * 1000000L};

    (void)arg;
    while(!atomic_load(&g_idle_stop)) {
        nanosleep(&ts, NULL);
        sd_desk_keys_idle(g_idle_desk);
        /* Failed-login records of a finished window reach the audit log without waiting for
         * the next login. */
        if(sd_access_login_audit_tick(g_idle_desk) != SD_OK)
            sd_log(SD_LOG_WARN, "login_audit_flush", "reason=store");
    }
    return NULL;
}

static void
on_signal(int sig)
{
    struct sd_server *s = g_server;

    (void)sig;
    if(s)
        sd_server_stop(s); /* async-signal-safe */
}

/* Cluster (issue 18): a follower serves these reads from its own store; every other call goes
 * to the leader (most calls write: a PII read appends to the audit log). */
static bool
follower_may_serve(const char *method)
{
    static const char *const local[] = {
        "/grpc.health.v1.Health/Check", "/sealdesk.v1.Tickets/List",
        "/sealdesk.v1.Tickets/Overdue", "/sealdesk.v1.Tickets/Stats",
        "/sealdesk.v1.Tickets/Triage",
    };

    for(size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
        if(method && strcmp(method, local[i]) == 0)
            return true;
    }
    return false;
}

static bool
cluster_gate(void *arg, const char *method, char *msg, size_t cap)
{
    struct sd_cluster *c = arg;
    char hint[512];

    if(sd_cluster_is_leader(c) || follower_may_serve(method))
        return true;
    sd_cluster_leader_hint(c, hint, sizeof(hint));
    snprintf(msg, cap, "not the leader; %s", hint);
    return false;
}

static atomic_bool g_cluster_failed;

/* Divergence: stop serving at once; main exits 3. */
static void
cluster_fatal(void *arg)
{
    struct sd_server *s = arg;

    atomic_store(&g_cluster_failed, true);
    sd_server_stop(s);
}

/* Validate the cluster keys and start the node (a follower until it wins). 0 or exit status. */
static int
cluster_start(struct sd_cluster **out, struct sd_server_config *cfg, struct sd_desk *desk,
              struct sd_server *srv)
{
    struct sd_cluster_opts co;
    char adv[sizeof(cfg->advertise)];
    const char *colon;
    sd_err err;
    static const char *const need[] = {"etcd_endpoints", "etcd_ca", "etcd_cert", "etcd_key",
                                       "node_name"};
    const char *have[] = {cfg->etcd_endpoints, cfg->etcd_ca, cfg->etcd_cert, cfg->etcd_key,
                          cfg->node_name};

    for(size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        if(!have[i][0]) {
            fprintf(stderr, "sealdeskd: cluster = etcd needs %s\n", need[i]);
            return 2;
        }
    }
    if(cfg->advertise[0]) {
        snprintf(adv, sizeof(adv), "%s", cfg->advertise);
    } else {
        colon = cfg->listen[0] == '[' ? strchr(cfg->listen, ']') + 1 : strrchr(cfg->listen, ':');
        snprintf(adv, sizeof(adv), "%.*s:%d", (int)(colon - cfg->listen), cfg->listen,
                 sd_server_port(srv));
    }
    memset(&co, 0, sizeof(co));
    co.cluster_name = cfg->cluster_name[0] ? cfg->cluster_name : "sealdesk";
    co.node_name = cfg->node_name;
    co.advertise = adv;
    co.etcd.endpoints = cfg->etcd_endpoints;
    co.etcd.ca = cfg->etcd_ca;
    co.etcd.cert = cfg->etcd_cert;
    co.etcd.key = cfg->etcd_key;
    co.trim_s = cfg->cluster_trim_seconds;
    co.keyring = sd_keyops_keyring(desk); /* its cluster log MAC key seals every entry */
    co.on_fatal = cluster_fatal;
    /* test hook only (tests/cluster/test_pause.sh): a batch held before its append while the
     * file exists (a longer path: sd_cluster_start refuses it) */
    co.test_append_hold_file = getenv("SEALDESK_TEST_APPEND_HOLD_FILE");
    co.fatal_arg = srv;
    err = sd_cluster_start(out, sd_desk_store(desk), &co);
    if(err != SD_OK) {
        fprintf(stderr,
                "sealdeskd: cannot start the cluster node (etcd_endpoints, etcd_ca, "
                "etcd_cert, etcd_key): %s\n",
                sd_err_str(err));
        return 1;
    }
    fprintf(stderr, "sealdeskd cluster node %s advertises %s\n", cfg->node_name, adv);
    return 0;
}

static int
fail(const char *what, sd_err err)
{
    fprintf(stderr, "sealdeskd: %s: %s\n", what, sd_err_str(err));
    return 1;
}

/* Is CAP_IPC_LOCK in our effective set (/proc/self/status CapEff, bit 14)? */
static bool
have_cap_ipc_lock(void)
{
    char line[256];
    unsigned long long eff = 0;
    bool found = false;
    FILE *f = fopen("/proc/self/status", "re");

    if(!f)
        return false;
    while(!found && fgets(line, sizeof(line), f))
        // NOLINTNEXTLINE(cert-err34-c): kernel-written /proc number
        found = sscanf(line, "CapEff: %llx", &eff) == 1;
    (void)fclose(f); /* read-only: nothing to flush */
    return found && (eff >> 14) & 1u;
}

/* Keep every page of this process out of swap: keys, decrypted fields, session tokens, TLS
 * state. MCL_ONFAULT locks pages as they are touched, so reserved address space (thread
 * stacks, malloc arenas) costs nothing until used. Only when nothing can be refused for it
 * later: with a finite RLIMIT_MEMLOCK and no CAP_IPC_LOCK, MCL_FUTURE would make every mmap
 * past the limit fail (the 16 GiB LMDB map first, then malloc), so then we warn and go on
 * unlocked; long-lived keys are still mlock'ed by libsodium. Returns whether it locked. */
static bool
lock_memory(void)
{
    struct rlimit rl;

    if(getrlimit(RLIMIT_MEMLOCK, &rl) != 0 ||
       (rl.rlim_cur != RLIM_INFINITY && !have_cap_ipc_lock())) {
        sd_log(SD_LOG_WARN, "mlock_skipped",
               "reason=rlimit_memlock_finite hint=LimitMEMLOCK=infinity_or_CAP_IPC_LOCK");
        return false;
    }
    if(mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0) {
        sd_log(SD_LOG_WARN, "mlock_skipped", "reason=mlockall errno=%d", errno);
        return false;
    }
    return true;
}

/* The LMDB map holds only stored (encrypted) data: unlock it so the database is not pinned in
 * RAM. Finds the mapping of DIR/data.mdb in /proc/self/maps. */
static void
unlock_store_map(const char *dir)
{
    char real[PATH_MAX];
    char want[PATH_MAX + 16];
    char line[PATH_MAX + 256];
    FILE *f;

    if(!realpath(dir, real))
        return;
    snprintf(want, sizeof(want), "%s/data.mdb", real);
    f = fopen("/proc/self/maps", "re");
    if(!f)
        return;
    while(fgets(line, sizeof(line), f)) {
        unsigned long long lo, hi;
        const char *path = strchr(line, '/');
        size_t n;

        // NOLINTNEXTLINE(cert-err34-c): kernel-written /proc/self/maps
        if(!path || sscanf(line, "%llx-%llx", &lo, &hi) != 2 || hi <= lo)
            continue;
        n = strcspn(path, "\n");
        if(n == strlen(want) && strncmp(path, want, n) == 0 &&
           munlock((void *)(uintptr_t)lo, (size_t)(hi - lo)) != 0)
            sd_log(SD_LOG_WARN, "munlock_store", "errno=%d", errno);
    }
    (void)fclose(f); /* read-only: nothing to flush */
}

/* Flags are collected first so that --config, wherever it appears, is applied before them. */
struct flag {
    const char *key;
    const char *value;
};

/* The command line: --config and the flags, collected so that --config, wherever it appears,
 * is applied before them. -1 to go on, else the exit status (usage printed). */
static const struct option opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"listen", required_argument, NULL, 'l'},
    {"cert", required_argument, NULL, 'C'},
    {"key", required_argument, NULL, 'K'},
    {"client-ca", required_argument, NULL, 'a'},
    {"require-client-cert", no_argument, NULL, 'r'},
    {"workers", required_argument, NULL, 'w'},
    {"data", required_argument, NULL, 'd'},
    {"key-file", required_argument, NULL, 'k'},
    {"passphrase-file", required_argument, NULL, 'P'},
    {"group-commit-max", required_argument, NULL, 'g'},
    {"group-commit-us", required_argument, NULL, 'u'},
    {"metrics", required_argument, NULL, 'm'},
    {"route-auto-seconds", required_argument, NULL, 'R'},
    /* limits: the flag is the config key (val >= 256 = take the key from the name) */
    {"max-conns", required_argument, NULL, 256},
    {"max-conns-per-source", required_argument, NULL, 256},
    {"conn-reserve", required_argument, NULL, 256},
    {"idle-timeout-ms", required_argument, NULL, 256},
    {"login-workers", required_argument, NULL, 256},
    {"login-queue", required_argument, NULL, 256},
    {"login-fails-per-source", required_argument, NULL, 256},
    {"login-fails-per-name", required_argument, NULL, 256},
    {"login-window-s", required_argument, NULL, 256},
    {"login-backoff-max-s", required_argument, NULL, 256},
    {"login-audit-window-s", required_argument, NULL, 256},
    {"export-memory-mb", required_argument, NULL, 256},
    {"metrics-max-conns", required_argument, NULL, 256},
    {"intake-memory-mb", required_argument, NULL, 256},
    {"attachment-max-file-mb", required_argument, NULL, 256},
    {"attachment-max-message-mb", required_argument, NULL, 256},
    {"metrics-read-timeout-ms", required_argument, NULL, 256},
    {"smtp", required_argument, NULL, 256},
    {"mail-from", required_argument, NULL, 256},
    {"smtp-tls", required_argument, NULL, 256},
    {"console-dir", required_argument, NULL, 256},
    {"shred-purge", required_argument, NULL, 256},
    /* cluster (issue 18): the names (underscores), and the same with dashes */
    {"cluster", optional_argument, NULL, 'X'},
    {"etcd_endpoints", required_argument, NULL, 256},
    {"etcd-endpoints", required_argument, NULL, 256},
    {"etcd_ca", required_argument, NULL, 256},
    {"etcd-ca", required_argument, NULL, 256},
    {"etcd_cert", required_argument, NULL, 256},
    {"etcd-cert", required_argument, NULL, 256},
    {"etcd_key", required_argument, NULL, 256},
    {"etcd-key", required_argument, NULL, 256},
    {"node_name", required_argument, NULL, 256},
    {"node-name", required_argument, NULL, 256},
    {"cluster_name", required_argument, NULL, 256},
    {"cluster-name", required_argument, NULL, 256},
    {"cluster_trim_seconds", required_argument, NULL, 256},
    {"cluster-trim-seconds", required_argument, NULL, 256},
    {"advertise", required_argument, NULL, 256},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int
collect_flags(int argc, char **argv, const char **config, struct flag *flags, size_t cap,
              size_t *nflags)
{
    int opt, li = 0;

    while((opt = getopt_long(argc, argv, "", opts, &li)) != -1) {
        const char *key = NULL;

        switch(opt) {
        case 256:
            key = opts[li].name;
            break;
        case 'c':
            *config = optarg;
            continue;
        case 'X':
            /* --cluster alone means etcd; --cluster etcd|none and --cluster=etcd work too */
            key = "cluster";
            if(!optarg && optind < argc &&
               (strcmp(argv[optind], "etcd") == 0 || strcmp(argv[optind], "none") == 0))
                optarg = argv[optind++];
            break;
        case 'l':
            key = "listen";
            break;
        case 'C':
            key = "cert";
            break;
        case 'K':
            key = "key";
            break;
        case 'a':
            key = "client-ca";
            break;
        case 'r':
            key = "require-client-cert";
            break;
        case 'w':
            key = "workers";
            break;
        case 'd':
            key = "data";
            break;
        case 'k':
            key = "key-file";
            break;
        case 'P':
            key = "passphrase-file";
            break;
        case 'g':
            key = "group-commit-max";
            break;
        case 'u':
            key = "group-commit-us";
            break;
        case 'm':
            key = "metrics";
            break;
        case 'R':
            key = "route-auto-seconds";
            break;
        case 'h':
            (void)fputs(usage, stdout);
            return 0; /* --help */
        default:
            (void)fputs(usage, stderr);
            return 2;
        }
        if(*nflags == cap) {
            (void)fputs("sealdeskd: too many options\n", stderr);
            return 2;
        }
        flags[*nflags].key = key;
        flags[*nflags].value = opt == 'r' ? "true" : opt == 'X' && !optarg ? "etcd" : optarg;
        (*nflags)++;
    }
    if(optind != argc) {
        fprintf(stderr, "sealdeskd: unexpected argument '%s'\n", argv[optind]);
        (void)fputs(usage, stderr);
        return 2;
    }

    return -1;
}

/* The key on line `line` of the config file, for an error that names it ("?" if unreadable). */
static const char *
line_key(const char *path, unsigned line)
{
    static char k[128];
    char buf[2048];
    FILE *f = fopen(path, "r");
    unsigned n = 0;

    snprintf(k, sizeof(k), "?");
    if(!f)
        return k;
    while(fgets(buf, sizeof(buf), f)) {
        if(++n == line) {
            size_t a = strspn(buf, " \t"), b = strcspn(buf + a, " \t=\r\n");

            snprintf(k, sizeof(k), "%.*s", (int)(b < 64 ? b : 64), buf + a);
            break;
        }
    }
    (void)fclose(f); /* read-only */
    return k;
}

/* Defaults, then the config file, then the flags. 0, or the exit status (reason printed). */
static int
configure(struct sd_server_config *cfg, const char *config, const struct flag *flags, size_t nflags)
{
    sd_err err;

    sd_server_config_defaults(cfg);
    if(config) {
        unsigned line = 0;

        err = sd_server_config_load(cfg, config, &line);
        if(err != SD_OK) {
            if(line)
                fprintf(stderr, "sealdeskd: %s line %u (%s): %s\n", config, line,
                        line_key(config, line), sd_err_str(err));
            else
                fprintf(stderr, "sealdeskd: %s: %s\n", config, sd_err_str(err));
            return 1;
        }
    }
    for(size_t i = 0; i < nflags; i++) {
        if(sd_server_config_set(cfg, flags[i].key, flags[i].value) != SD_OK) {
            fprintf(stderr, "sealdeskd: bad value for --%s\n", flags[i].key);
            return 2;
        }
    }
    return 0;
}

/* (void) on usage and error text: a failed write to stdout/stderr has nowhere to be reported. */
int
main(int argc, char **argv)
{
    struct flag flags[48];
    size_t nflags = 0;
    const char *config = NULL;
    struct sd_server_config cfg;
    struct sd_desk_opts dopts;
    struct sd_desk *desk = NULL;
    pthread_t idle_thread;
    bool idle_started = false;
    struct sd_server *srv = NULL;
    struct sd_metrics *metrics = NULL;
    struct sd_autoroute *autoroute = NULL;
    struct sd_mailer *mailer = NULL;
    struct sd_web_files *web = NULL;
    struct sd_cluster *cluster = NULL;
    struct sd_purger *purger = NULL;
    bool locked;
    struct rlimit no_core = {0, 0};
    struct sigaction sa;
    char host[128];
    const char *colon;
    sd_err err;
    int rc = 1;
    {
        int meta_rc;

        if(sd_tool_meta("sealdeskd", usage, argc, argv, &meta_rc))
            return meta_rc;
    }

    rc = collect_flags(argc, argv, &config, flags, sizeof(flags) / sizeof(flags[0]), &nflags);
    if(rc >= 0)
        return rc;

    /* Secrets live in this process: no core files, no ptrace by other users' tools. */
    if(setrlimit(RLIMIT_CORE, &no_core) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        (void)fputs("sealdeskd: cannot disable core dumps\n", stderr);
        return 1;
    }
    if(sd_crypto_init() != SD_OK) {
        (void)fputs("sealdeskd: libsodium initialisation failed\n", stderr);
        return 1;
    }

    rc = configure(&cfg, config, flags, nflags);
    if(rc != 0)
        return rc;
    rc = 1;
    if(!cfg.data[0] || !cfg.cert_file[0] || !cfg.key_file[0]) {
        (void)fputs("sealdeskd: --data, --cert and --key are required\n", stderr);
        return 1;
    }
    if(cfg.require_client_cert && !cfg.client_ca_file[0]) {
        (void)fputs("sealdeskd: --require-client-cert needs --client-ca\n", stderr);
        return 1;
    }

    /* Before the desk opens: the master key file is read into memory that is already locked. */
    locked = lock_memory();
    sd_metrics_set_memlock(locked);

    memset(&dopts, 0, sizeof(dopts));
    dopts.dir = cfg.data;
    dopts.key_file = cfg.key_path[0] ? cfg.key_path : NULL;
    if(cfg.pass_path[0] && cfg.key_path[0]) {
        (void)fputs("sealdeskd: give --key-file or --passphrase-file, not both\n", stderr);
        return 2;
    }
    if(cfg.pass_path[0])
        err = sd_keyops_desk_open_passphrase_file(&desk, &dopts, cfg.pass_path);
    else
        err = sd_desk_open(&desk, &dopts);
    if(err != SD_OK)
        return fail("cannot open the data directory", err);
    if(locked)
        unlock_store_map(cfg.data);

    err = sd_server_new(&srv, &cfg, sd_rpc_dispatch, desk);
    if(err != SD_OK) {
        if(err == SD_E_DENIED)
            (void)fputs("sealdeskd: refusing a non-loopback listen address without "
                        "--require-client-cert\n",
                        stderr);
        else if(err == SD_E_CRYPTO)
            (void)fputs("sealdeskd: unusable certificate, key or client CA\n", stderr);
        else if(err == SD_E_IO)
            fprintf(stderr, "sealdeskd: cannot listen on %s\n", cfg.listen);
        else
            fail("cannot start the server", err);
        goto out;
    }

    sd_server_set_route(srv, sd_writer_route_sealdesk);
    sd_server_set_prepare(srv, sd_rpc_prepare);
    sd_server_set_slow(srv, sd_server_route_slow_sealdesk);
    sd_rpc_mem_set_limit((size_t)cfg.export_memory_mb << 20);
    sd_server_set_max_req(srv, sd_rpc_method_max_req);
    if(cfg.console_dir[0]) {
        char why[256];

        /* Read once: a request never touches the file system. */
        err = sd_web_files_load(&web, cfg.console_dir, why, sizeof(why));
        if(err != SD_OK) {
            fprintf(stderr, "sealdeskd: %s\n", why[0] ? why : sd_err_str(err));
            goto out;
        }
        sd_server_set_web_files(srv, web);
        fprintf(stderr, "sealdeskd console: %zu files\n", sd_web_files_count(web));
    }
    sd_rpc_req_mem_set_limit((size_t)cfg.intake_memory_mb << 20);
    {
        struct sd_attach_limits al;

        sd_attach_limits_default(&al);
        al.max_file = (size_t)cfg.attachment_max_file_mb << 20;
        al.max_message = (size_t)cfg.attachment_max_message_mb << 20;
        if(sd_intake_set_attach_limits(&al) != SD_OK) {
            (void)fputs("sealdeskd: attachment-max-message-mb must be at least "
                        "attachment-max-file-mb\n",
                        stderr);
            goto out;
        }
    }
    {
        struct sd_login_limits lim;

        lim.fails_per_source = cfg.login_fails_per_source;
        lim.fails_per_name = cfg.login_fails_per_name;
        lim.window_s = cfg.login_window_s;
        lim.backoff_max_s = cfg.login_backoff_max_s;
        err = sd_access_set_login_limits(desk, &lim, cfg.login_audit_window_s);
        if(err != SD_OK) {
            (void)fputs("sealdeskd: bad login limits (login-backoff-max-s must be at least "
                        "login-window-s)\n",
                        stderr);
            goto out;
        }
    }
    if(cfg.cluster == SD_CLUSTER_ETCD) {
        int crc = cluster_start(&cluster, &cfg, desk, srv);

        if(crc != 0) {
            rc = crc;
            goto out;
        }
        sd_server_set_gate(srv, cluster_gate, cluster);
    }
    g_server = srv;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    if(cfg.metrics[0]) {
        struct sd_metrics_opts mo = {cfg.metrics_max_conns, cfg.metrics_read_timeout_ms};

        err = sd_metrics_new_opts(&metrics, cfg.metrics, desk, &mo);
        if(err != SD_OK) {
            if(err == SD_E_DENIED)
                (void)fputs("sealdeskd: refusing a non-loopback metrics address (the endpoint "
                            "has no authentication)\n",
                            stderr);
            else if(err == SD_E_IO)
                fprintf(stderr, "sealdeskd: cannot listen on %s for metrics\n", cfg.metrics);
            else
                fail("bad metrics address", err);
            goto out;
        }
        colon = cfg.metrics[0] == '[' ? strchr(cfg.metrics, ']') + 1 : strrchr(cfg.metrics, ':');
        snprintf(host, sizeof(host), "%.*s", (int)(colon - cfg.metrics), cfg.metrics);
        fprintf(stderr, "sealdeskd metrics on %s:%d\n", host, sd_metrics_port(metrics));
    }
    colon = cfg.listen[0] == '[' ? strchr(cfg.listen, ']') + 1 : strrchr(cfg.listen, ':');
    snprintf(host, sizeof(host), "%.*s", (int)(colon - cfg.listen), cfg.listen);
    fprintf(stderr, "sealdeskd listening on %s:%d\n", host, sd_server_port(srv));
    (void)fflush(stderr);

    (void)sd_intake_set_reopen_days(cfg.reopen_window_days); /* checked by the config parser */
    if(cfg.route_auto_s) {
        err = sd_autoroute_start(&autoroute, desk, cfg.route_auto_s);
        if(err != SD_OK) {
            fail("cannot start continuous routing", err);
            goto out;
        }
    }
    if(cfg.smtp[0]) {
        if(!cfg.mail_from[0]) {
            (void)fputs("sealdeskd: smtp needs mail_from\n", stderr);
            goto out;
        }
        err = sd_mailer_start(&mailer, desk, cfg.smtp, cfg.mail_from, cfg.smtp_tls);
        if(err != SD_OK) {
            fail(err == SD_E_DENIED ? "smtp_tls = off is for a loopback relay only"
                                    : "cannot start the mail sender",
                 err);
            goto out;
        }
    }
    if(cfg.shred_purge == SD_SHRED_PURGE_NOW) {
        /* A shred purges data.mdb at once, every other call paused around it (store.h
         * sd_store_purge_online); one kept pending is retried every PURGE_RETRY_S. */
        const char *hold = getenv("SEALDESK_TEST_PURGE_HOLD_FILE"); /* test hook only */

        if(hold && sd_store_test_purge_hold(hold) != SD_OK) {
            (void)fputs("sealdeskd: SEALDESK_TEST_PURGE_HOLD_FILE is too long\n", stderr);
            goto out;
        }
        sd_store_set_online_purge(sd_desk_store(desk), true);
        err = sd_purger_start(&purger, sd_desk_store(desk), PURGE_RETRY_S);
        if(err != SD_OK) {
            fail("cannot start the purge retries", err);
            goto out;
        }
    }
    /* Keys stay readable while in use and go back to PROT_NONE after KEY_GRACE_MS idle. */
    sd_desk_set_key_grace(desk, KEY_GRACE_MS);
    g_idle_desk = desk;
    idle_started = pthread_create(&idle_thread, NULL, key_idle_main, NULL) == 0;
    err = sd_server_run(srv);
    if(err != SD_OK) {
        fail("server stopped on an error", err);
        goto out;
    }
    rc = atomic_load(&g_cluster_failed) ? 3 : 0;
out:
    if(idle_started) {
        atomic_store(&g_idle_stop, true);
        pthread_join(idle_thread, NULL);
    }
    sd_autoroute_stop(autoroute); /* waits for a pass in progress */
    sd_mailer_stop(mailer);       /* after the message in flight */
    sd_metrics_free(metrics);     /* before the desk: scrapes read its store */
    if(desk)
        sd_desk_set_key_grace(desk, 0);
    g_server = NULL;
    sd_server_free(srv);
    sd_purger_stop(purger);   /* after the server: a purge in progress ends first */
    sd_cluster_stop(cluster); /* after the server: no write may commit without the hook */
    sd_web_files_free(web);   /* after the server: its connections borrow the table */
    sd_desk_close(desk);
    return rc;
}
