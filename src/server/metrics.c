/* Prometheus metrics (metrics.h): lock-free call counters indexed by the dispatch table
 * (src/rpc/dispatch.c, read once through sd_rpc_method_path), writer figures from writer.c,
 * queue depth / overdue / audit size read from the desk's store in one read txn per scrape,
 * and a minimal HTTP/1.1 endpoint on its own thread. server.c feeds the counters; sealdeskd
 * starts the endpoint. Nothing here ever formats a byte that came from a client. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sealdesk/audit.h"
#include "sealdesk/buf.h"
#include "sealdesk/clock.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/intake.h"
#include "sealdesk/log.h"
#include "sealdesk/metrics.h"
#include "sealdesk/rpc.h"
#include "sealdesk/server.h"
#include "sealdesk/store.h"
#include "util/err_int.h"

#define NSTATUS        17                     /* gRPC codes 0..16 */
#define UNKNOWN_METHOD SD_METRICS_MAX_METHODS /* the slot for paths outside the table */

/* Latency bucket bounds in microseconds and as Prometheus `le` text (seconds). */
static const uint64_t lat_le_us[] = {500,    1000,   2500,   5000,    10000,   25000,   50000,
                                     100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
static const char *const lat_le_txt[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01",
                                         "0.025",  "0.05",  "0.1",    "0.25",  "0.5",
                                         "1",      "2.5",   "5",      "10"};
#define NLAT (sizeof(lat_le_us) / sizeof(lat_le_us[0]))

/* ---- the method table, fixed at first use ---- */

struct method_name {
    const char *path; /* static, from the dispatch table */
    int svc_len;      /* "sealdesk.v1.Tickets" = path[1 .. 1+svc_len) */
    const char *name; /* "Create" */
};

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static struct method_name g_methods[SD_METRICS_MAX_METHODS];
static size_t g_nmethods;
static uint16_t g_sorted[SD_METRICS_MAX_METHODS]; /* method ids in strcmp order of path */

/* Counters. Histogram buckets are not cumulative here (the last one is +Inf); the renderer
 * adds them up. Relaxed atomics: each value is exact, a scrape is not a snapshot. */
static _Atomic uint64_t g_calls[SD_METRICS_MAX_METHODS + 1][NSTATUS];
static _Atomic uint64_t g_lat[SD_METRICS_MAX_METHODS + 1][NLAT + 1];
static _Atomic uint64_t g_lat_sum_us[SD_METRICS_MAX_METHODS + 1];
static _Atomic uint64_t g_conns;
static _Atomic uint64_t g_conn_refused;

void
sd_metrics_conn_refused(void)
{
    atomic_fetch_add(&g_conn_refused, 1);
}
static atomic_int g_memlock = -1; /* -1: not reported */

static pthread_mutex_t g_writer_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sd_writer *g_writer;

static int
cmp_method(const void *a, const void *b)
{
    return strcmp(g_methods[*(const uint16_t *)a].path, g_methods[*(const uint16_t *)b].path);
}

static void
init_methods(void)
{
    for(size_t i = 0; i < SD_METRICS_MAX_METHODS; i++) {
        const char *p = sd_rpc_method_path(i);
        const char *slash;

        if(!p)
            break;
        slash = strrchr(p, '/');
        /* Table paths are "/service/Method"; anything else would be a table bug: skip it
         * (its calls are counted as unknown) rather than emit a malformed label. */
        if(p[0] != '/' || !slash || slash == p || strlen(slash) < 2 || slash - p - 1 > 200)
            continue;
        g_methods[g_nmethods].path = p;
        g_methods[g_nmethods].svc_len = (int)(slash - p - 1);
        g_methods[g_nmethods].name = slash + 1;
        g_sorted[g_nmethods] = (uint16_t)g_nmethods;
        g_nmethods++;
    }
    qsort(g_sorted, g_nmethods, sizeof(g_sorted[0]), cmp_method);
}

/* Method id of a ":path", or UNKNOWN_METHOD. Binary search, no allocation. */
static size_t
method_id(const char *path)
{
    size_t lo = 0, hi;

    pthread_once(&g_once, init_methods);
    hi = g_nmethods;
    if(!path)
        return UNKNOWN_METHOD;
    while(lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(path, g_methods[g_sorted[mid]].path);

        if(c == 0)
            return g_sorted[mid];
        if(c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return UNKNOWN_METHOD;
}

void
sd_metrics_call(const char *method, int status, uint64_t latency_us)
{
    size_t m = method_id(method);
    size_t b = 0;

    if(status < 0 || status >= NSTATUS)
        status = SD_GRPC_UNKNOWN;
    while(b < NLAT && latency_us > lat_le_us[b])
        b++;
    atomic_fetch_add_explicit(&g_calls[m][status], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&g_lat[m][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&g_lat_sum_us[m], latency_us, memory_order_relaxed);
}

void
sd_metrics_set_conns(size_t n)
{
    atomic_store_explicit(&g_conns, (uint64_t)n, memory_order_relaxed);
}

void
sd_metrics_set_memlock(bool locked)
{
    atomic_store(&g_memlock, locked ? 1 : 0);
}

void
sd_metrics_writer_attach(struct sd_writer *w)
{
    pthread_mutex_lock(&g_writer_mu);
    g_writer = w;
    pthread_mutex_unlock(&g_writer_mu);
}

void
sd_metrics_writer_detach(struct sd_writer *w)
{
    pthread_mutex_lock(&g_writer_mu);
    if(g_writer == w)
        g_writer = NULL;
    pthread_mutex_unlock(&g_writer_mu);
}

void
sd_metrics_reset(void)
{
    for(size_t m = 0; m <= SD_METRICS_MAX_METHODS; m++) {
        for(size_t s = 0; s < NSTATUS; s++)
            atomic_store(&g_calls[m][s], 0);
        for(size_t b = 0; b <= NLAT; b++)
            atomic_store(&g_lat[m][b], 0);
        atomic_store(&g_lat_sum_us[m], 0);
    }
    atomic_store(&g_conns, 0);
    atomic_store(&g_memlock, -1);
}

/* ---- exposition text ---- */

static sd_err appendf(struct sd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static sd_err
appendf(struct sd_buf *b, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if(n < 0 || (size_t)n >= sizeof(line))
        return SD_E_INTERNAL; /* every line we format is short: a longer one is a bug */
    return sd_buf_append(b, line, (size_t)n);
}

static sd_err
header(struct sd_buf *b, const char *name, const char *type, const char *help)
{
    return appendf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* `service="...",method="..."` of method id m (names from the table; validated at init to
 * the characters a path may hold, none of which needs escaping except by a table bug). */
static sd_err
labels(struct sd_buf *b, size_t m)
{
    const struct method_name *n;
    sd_err err = SD_OK;

    if(m == UNKNOWN_METHOD)
        return sd_buf_append_str(b, "service=\"unknown\",method=\"unknown\"");
    n = &g_methods[m];
    SD_TRY(sd_buf_append_str(b, "service=\""));
    for(int i = 0; i < n->svc_len; i++) {
        char c = n->path[1 + i];

        if(c == '"' || c == '\\' || c == '\n')
            c = '_';
        SD_TRY(sd_buf_append_byte(b, (uint8_t)c));
    }
    SD_TRY(sd_buf_append_str(b, "\",method=\""));
    for(const char *p = n->name; *p; p++)
        SD_TRY(sd_buf_append_byte(b, (uint8_t)(*p == '"' || *p == '\\' || *p == '\n' ? '_' : *p)));
    SD_TRY(sd_buf_append_byte(b, '"'));
out:
    return err;
}

static sd_err
render_calls(struct sd_buf *b)
{
    sd_err err = SD_OK;

    pthread_once(&g_once, init_methods);
    SD_TRY(header(b, "sealdesk_rpc_requests_total", "counter",
                  "gRPC calls answered, by method and status code (series appear at first "
                  "use)."));
    for(size_t m = 0; m <= SD_METRICS_MAX_METHODS; m++) {
        if(m >= g_nmethods && m != UNKNOWN_METHOD)
            continue;
        for(int s = 0; s < NSTATUS; s++) {
            uint64_t v = atomic_load_explicit(&g_calls[m][s], memory_order_relaxed);

            if(!v)
                continue;
            SD_TRY(sd_buf_append_str(b, "sealdesk_rpc_requests_total{"));
            SD_TRY(labels(b, m));
            SD_TRY(
                appendf(b, ",code=\"%s\"} %llu\n", sd_grpc_status_name(s), (unsigned long long)v));
        }
    }
    SD_TRY(header(b, "sealdesk_rpc_duration_seconds", "histogram",
                  "Time from a complete request to its answer, by method."));
    for(size_t m = 0; m <= SD_METRICS_MAX_METHODS; m++) {
        uint64_t cum = 0;
        uint64_t sum;

        if(m >= g_nmethods && m != UNKNOWN_METHOD)
            continue;
        for(size_t i = 0; i <= NLAT; i++)
            cum += atomic_load_explicit(&g_lat[m][i], memory_order_relaxed);
        if(!cum)
            continue;
        cum = 0;
        for(size_t i = 0; i <= NLAT; i++) {
            cum += atomic_load_explicit(&g_lat[m][i], memory_order_relaxed);
            SD_TRY(sd_buf_append_str(b, "sealdesk_rpc_duration_seconds_bucket{"));
            SD_TRY(labels(b, m));
            SD_TRY(appendf(b, ",le=\"%s\"} %llu\n", i < NLAT ? lat_le_txt[i] : "+Inf",
                           (unsigned long long)cum));
        }
        sum = atomic_load_explicit(&g_lat_sum_us[m], memory_order_relaxed);
        SD_TRY(sd_buf_append_str(b, "sealdesk_rpc_duration_seconds_sum{"));
        SD_TRY(labels(b, m));
        SD_TRY(appendf(b, "} %llu.%06llu\n", (unsigned long long)(sum / 1000000u),
                       (unsigned long long)(sum % 1000000u)));
        SD_TRY(sd_buf_append_str(b, "sealdesk_rpc_duration_seconds_count{"));
        SD_TRY(labels(b, m));
        SD_TRY(appendf(b, "} %llu\n", (unsigned long long)cum));
    }
out:
    return err;
}

/* One histogram from the writer's SD_WRITER_HIST buckets: bucket i holds values <= first*2^i,
 * the last one everything above too, so it is rendered as +Inf only. us: the values are
 * microseconds, shown in seconds. */
static sd_err
render_hist(struct sd_buf *b, const char *name, const uint64_t *le, uint64_t first, bool us,
            uint64_t sum)
{
    sd_err err = SD_OK;
    uint64_t cum = 0;
    uint64_t bound = first;

    for(size_t i = 0; i < SD_WRITER_HIST; i++) {
        cum += le[i];
        if(i + 1 == SD_WRITER_HIST)
            SD_TRY(appendf(b, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum));
        else if(us)
            SD_TRY(appendf(b, "%s_bucket{le=\"%llu.%06llu\"} %llu\n", name,
                           (unsigned long long)(bound / 1000000u),
                           (unsigned long long)(bound % 1000000u), (unsigned long long)cum));
        else
            SD_TRY(appendf(b, "%s_bucket{le=\"%llu\"} %llu\n", name, (unsigned long long)bound,
                           (unsigned long long)cum));
        bound *= 2;
    }
    if(us)
        SD_TRY(appendf(b, "%s_sum %llu.%06llu\n", name, (unsigned long long)(sum / 1000000u),
                       (unsigned long long)(sum % 1000000u)));
    else
        SD_TRY(appendf(b, "%s_sum %llu\n", name, (unsigned long long)sum));
    SD_TRY(appendf(b, "%s_count %llu\n", name, (unsigned long long)cum));
out:
    return err;
}

static sd_err
render_writer(struct sd_buf *b)
{
    struct sd_writer_stats st;
    bool have = false;
    sd_err err = SD_OK;

    /* Held while reading: sd_metrics_writer_detach waits, so the writer is alive. */
    pthread_mutex_lock(&g_writer_mu);
    if(g_writer) {
        sd_writer_stats(g_writer, &st);
        have = true;
    }
    pthread_mutex_unlock(&g_writer_mu);
    if(!have)
        return SD_OK; /* group commit off (group-commit-max 0): no writer series */
    SD_TRY(header(b, "sealdesk_commit_batch_size", "histogram",
                  "Write calls per group commit (one LMDB txn, one fsync)."));
    SD_TRY(render_hist(b, "sealdesk_commit_batch_size", st.batch_le, 1, false, st.ops));
    SD_TRY(header(b, "sealdesk_commit_duration_seconds", "histogram",
                  "Time of each group commit (LMDB commit including fsync)."));
    SD_TRY(render_hist(b, "sealdesk_commit_duration_seconds", st.commit_us_le, 100, true,
                       st.commit_us_sum));
    SD_TRY(header(b, "sealdesk_commit_failed_total", "counter",
                  "Group commits that failed (every call in them was answered UNAVAILABLE)."));
    SD_TRY(
        appendf(b, "sealdesk_commit_failed_total %llu\n", (unsigned long long)st.failed_batches));
    SD_TRY(header(b, "sealdesk_writer_queue_length", "gauge",
                  "Write calls waiting for the group-commit writer."));
    SD_TRY(appendf(b, "sealdesk_writer_queue_length %llu\n", (unsigned long long)st.queued));
out:
    return err;
}

struct store_figures {
    uint64_t depth[5], overdue[5]; /* by priority 1..4 */
    uint64_t audit_size;
    bool truncated;
};

/* Walk the queue (u8 priority | u64 first-response due | u64 id) in one read txn: per
 * priority, entries and entries whose due time has passed. */
static sd_err
read_store(struct sd_desk *d, uint64_t now, struct store_figures *f)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint64_t walked = 0;
    sd_err err = SD_OK;
    sd_err rc;

    memset(f, 0, sizeof(*f));
    SD_TRY(sd_txn_begin(sd_desk_store(d), false, &t));
    SD_TRY(sd_audit_size(t, &f->audit_size));
    SD_TRY(sd_cursor_open(t, SD_DB_QUEUE, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        if(walked++ == SD_METRICS_QUEUE_SCAN_MAX) {
            f->truncated = true;
            break;
        }
        if(k.n != 17 || k.p[0] < 1 || k.p[0] > 4)
            continue;
        f->depth[k.p[0]]++;
        if(now > sd_get_u64be(k.p + 1))
            f->overdue[k.p[0]]++;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    if(t)
        sd_txn_abort(t);
    return err;
}

/* Inbound mail that made no ticket (src/intake keeps the counts in the store, so they survive
 * restarts): auto-replies, bulk mail and loops by class, and bounces of the desk's own mail. */
static sd_err
render_mail_counts(struct sd_buf *b, struct sd_desk *d)
{
    static const char *const cls[3] = {"auto_reply", "bulk", "loop"};
    uint64_t c[4];
    sd_err err = sd_intake_counts(d, c);

    if(err != SD_OK)
        return SD_OK; /* the store figures above say whether the store could be read */
    SD_TRY(header(b, "sealdesk_mail_ignored_total", "counter",
                  "Inbound mail that made no ticket and no acknowledgement, by class."));
    for(int i = 0; i < 3; i++)
        SD_TRY(appendf(b, "sealdesk_mail_ignored_total{class=\"%s\"} %llu\n", cls[i],
                       (unsigned long long)c[i]));
    SD_TRY(header(b, "sealdesk_mail_bounces_total", "counter",
                  "Bounces of the desk's own messages recorded on their tickets."));
    SD_TRY(appendf(b, "sealdesk_mail_bounces_total %llu\n", (unsigned long long)c[3]));
out:
    return err;
}

static sd_err
render_store(struct sd_buf *b, struct sd_desk *d, uint64_t now)
{
    struct store_figures f;
    sd_err err = SD_OK;
    sd_err rs = read_store(d, now, &f);

    SD_TRY(header(b, "sealdesk_store_up", "gauge",
                  "1 when this scrape could read the store (queue and audit figures below)."));
    SD_TRY(appendf(b, "sealdesk_store_up %d\n", rs == SD_OK));
    if(rs != SD_OK) {
        sd_log(SD_LOG_WARN, "metrics_store", "err=%s", sd_err_name(rs));
        goto out;
    }
    SD_TRY(header(b, "sealdesk_queue_depth", "gauge",
                  "Open, unassigned tickets waiting in the queue, by priority."));
    for(int p = 1; p <= 4; p++)
        SD_TRY(appendf(b, "sealdesk_queue_depth{priority=\"P%d\"} %llu\n", p,
                       (unsigned long long)f.depth[p]));
    SD_TRY(header(b, "sealdesk_queue_overdue", "gauge",
                  "Queued tickets past their first-response due time, by priority."));
    for(int p = 1; p <= 4; p++)
        SD_TRY(appendf(b, "sealdesk_queue_overdue{priority=\"P%d\"} %llu\n", p,
                       (unsigned long long)f.overdue[p]));
    SD_TRY(header(b, "sealdesk_queue_scan_truncated", "gauge",
                  "1 when the queue had more entries than one scrape walks (figures partial)."));
    SD_TRY(appendf(b, "sealdesk_queue_scan_truncated %d\n", f.truncated));
    SD_TRY(header(b, "sealdesk_audit_entries", "gauge", "Entries in the audit log."));
    SD_TRY(appendf(b, "sealdesk_audit_entries %llu\n", (unsigned long long)f.audit_size));
    SD_TRY(render_mail_counts(b, d));
out:
    return err;
}

/* Resident set size from /proc/self/statm (pages), or 0 when unreadable. */
static uint64_t
rss_bytes(void)
{
    char text[128];
    char *p;
    char *end = NULL;
    unsigned long long res;
    long ps = sysconf(_SC_PAGESIZE);
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if(fd < 0)
        return 0;
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if(n <= 0 || ps <= 0)
        return 0;
    text[n] = 0;
    /* "size resident shared ...": skip the first decimal field, parse the second. */
    p = strchr(text, ' ');
    if(!p || p[1] < '0' || p[1] > '9')
        return 0;
    errno = 0;
    res = strtoull(p + 1, &end, 10);
    if(errno || end == p + 1)
        return 0;
    return (uint64_t)res * (uint64_t)ps;
}

sd_err
sd_metrics_render(struct sd_buf *out, struct sd_desk *desk, uint64_t now)
{
    sd_err err = SD_OK;
    int ml = atomic_load(&g_memlock);

    SD_CHECK_ARG(out);
    SD_TRY(render_calls(out));
    SD_TRY(render_writer(out));
    if(desk)
        SD_TRY(render_store(out, desk, now));
    SD_TRY(header(out, "sealdesk_open_connections", "gauge", "Client connections open now."));
    SD_TRY(appendf(out, "sealdesk_open_connections %llu\n",
                   (unsigned long long)atomic_load_explicit(&g_conns, memory_order_relaxed)));
    SD_TRY(header(out, "sealdesk_connections_refused_total", "counter",
                  "Connections closed at accept by a limit (total, per source, reserve)."));
    SD_TRY(appendf(out, "sealdesk_connections_refused_total %llu\n",
                   (unsigned long long)atomic_load(&g_conn_refused)));
    if(ml >= 0) {
        SD_TRY(header(out, "sealdesk_memory_locked", "gauge",
                      "1 when the process memory is locked (mlockall): keys cannot be swapped."));
        SD_TRY(appendf(out, "sealdesk_memory_locked %d\n", ml));
    }
    SD_TRY(header(out, "process_resident_memory_bytes", "gauge", "Resident memory size."));
    SD_TRY(appendf(out, "process_resident_memory_bytes %llu\n", (unsigned long long)rss_bytes()));
out:
    return err;
}

/* ---- the HTTP endpoint ---- */

struct sd_metrics {
    int lfd;
    int stopfd;
    int port;
    struct sd_desk *desk;
    struct sd_metrics_opts o;
    pthread_t *threads; /* o.max_conns of them, each accepts and serves one connection */
    unsigned started;
};


static uint64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Wait for fd to be ready for `events` until deadline_ms. false on timeout, stop or error. */
static bool
wait_fd(const struct sd_metrics *m, int fd, short events, uint64_t deadline_ms)
{
    for(;;) {
        struct pollfd p[2] = {{fd, events, 0}, {m->stopfd, POLLIN, 0}};
        uint64_t now = mono_ms();
        int n;

        if(now >= deadline_ms)
            return false;
        n = poll(p, 2, (int)(deadline_ms - now));
        if(n < 0 && errno == EINTR)
            continue;
        if(n <= 0 || p[1].revents)
            return false;
        return (p[0].revents & (events | POLLHUP | POLLERR)) != 0;
    }
}

static void
send_all(const struct sd_metrics *m, int fd, const uint8_t *p, size_t n, uint64_t deadline_ms)
{
    while(n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

        if(w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if(w < 0 && errno == EINTR)
            continue;
        if(w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
           wait_fd(m, fd, POLLOUT, deadline_ms))
            continue;
        return; /* peer gone or too slow: drop the answer */
    }
}

/* Answer with a short status and no body worth parsing. */
static void
send_status(const struct sd_metrics *m, int fd, const char *status, const char *extra)
{
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: %zu\r\n%sConnection: close\r\n\r\n%s\n",
                     status, strlen(status) + 1, extra, status);

    if(n > 0 && (size_t)n < sizeof(head))
        send_all(m, fd, (const uint8_t *)head, (size_t)n, mono_ms() + SD_METRICS_WRITE_TIMEOUT_MS);
}

/* After an error answer the client may still be sending: read a little so close() does not
 * turn into a reset that discards our answer before the client reads it. */
static void
linger_drain(const struct sd_metrics *m, int fd)
{
    uint8_t sink[4096];
    uint64_t deadline = mono_ms() + 200;

    shutdown(fd, SHUT_WR);
    for(int i = 0; i < 64 && wait_fd(m, fd, POLLIN, deadline); i++) {
        if(recv(fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
            break;
    }
}

static void
serve_metrics(struct sd_metrics *m, int fd, bool head_only)
{
    struct sd_buf body = SD_BUF_INIT;
    struct sd_buf resp = SD_BUF_INIT;
    uint64_t t0 = mono_ms();
    char hdr[256];
    int n;

    if(sd_metrics_render(&body, m->desk, sd_clock_now()) != SD_OK) {
        send_status(m, fd, "500 Internal Server Error", "");
        goto out;
    }
    n = snprintf(hdr, sizeof(hdr),
                 "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                 body.len);
    if(n <= 0 || (size_t)n >= sizeof(hdr) || sd_buf_append(&resp, hdr, (size_t)n) != SD_OK ||
       (!head_only && sd_buf_append(&resp, body.data, body.len) != SD_OK)) {
        send_status(m, fd, "500 Internal Server Error", "");
        goto out;
    }
    send_all(m, fd, resp.data, resp.len, mono_ms() + SD_METRICS_WRITE_TIMEOUT_MS);
    sd_log(SD_LOG_DEBUG, "metrics_scrape", "bytes=%zu ms=%llu", body.len,
           (unsigned long long)(mono_ms() - t0));
out:
    sd_buf_free(&body);
    sd_buf_free(&resp);
}

/* End of the request head, or NULL. */
static const char *
head_end(const char *p, size_t n)
{
    for(size_t i = 0; i + 1 < n; i++) {
        if(p[i] == '\n' && p[i + 1] == '\n')
            return p + i;
        if(i + 3 < n && memcmp(p + i, "\r\n\r\n", 4) == 0)
            return p + i;
    }
    return NULL;
}

enum sd_metrics_req
sd_metrics_parse_request(const char *req, size_t n)
{
    const char *sp1, *sp2, *eol;
    size_t tlen;

    if(!req)
        return SD_MREQ_BAD;
    eol = memchr(req, '\n', n);
    if(!eol)
        return SD_MREQ_BAD;
    n = (size_t)(eol - req); /* the request line only */
    sp1 = memchr(req, ' ', n);
    sp2 = sp1 ? memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - req)) : NULL;
    if(!sp2 || (size_t)(eol - (sp2 + 1)) < 7 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
        return SD_MREQ_BAD;
    tlen = (size_t)(sp2 - sp1 - 1);
    /* The path, without a query string (Prometheus sends none, but allows one). */
    for(size_t i = 0; i < tlen; i++) {
        if(sp1[1 + i] == '?') {
            tlen = i;
            break;
        }
    }
    if(!(tlen == 8 && memcmp(sp1 + 1, "/metrics", 8) == 0))
        return SD_MREQ_NOT_FOUND;
    if(sp1 - req == 3 && memcmp(req, "GET", 3) == 0)
        return SD_MREQ_GET;
    if(sp1 - req == 4 && memcmp(req, "HEAD", 4) == 0)
        return SD_MREQ_HEAD;
    return SD_MREQ_NOT_ALLOWED;
}

/* One connection, one request. Only the request line is looked at. Each wait for bytes
 * lasts at most o.read_timeout_ms, the whole head at most SD_METRICS_READ_TIMEOUT_MS. */
static void
serve_conn(struct sd_metrics *m, int fd)
{
    char req[SD_METRICS_MAX_REQUEST + 1];
    size_t got = 0;
    uint64_t head_deadline = mono_ms() + SD_METRICS_READ_TIMEOUT_MS;

    while(!head_end(req, got)) {
        ssize_t r;

        if(got == SD_METRICS_MAX_REQUEST) {
            sd_log(SD_LOG_WARN, "metrics_refused", "reason=request_too_large");
            send_status(m, fd, "431 Request Header Fields Too Large", "");
            linger_drain(m, fd);
            return;
        }
        r = recv(fd, req + got, SD_METRICS_MAX_REQUEST - got, MSG_DONTWAIT);
        if(r > 0) {
            got += (size_t)r;
            continue;
        }
        if(r == 0)
            return; /* closed before a complete request */
        if(errno == EINTR)
            continue;
        if(errno != EAGAIN && errno != EWOULDBLOCK)
            return;
        if(!wait_fd(m, fd, POLLIN,
                    mono_ms() + m->o.read_timeout_ms < head_deadline
                        ? mono_ms() + m->o.read_timeout_ms
                        : head_deadline)) {
            sd_log(SD_LOG_WARN, "metrics_refused", "reason=read_timeout");
            return;
        }
    }
    switch(sd_metrics_parse_request(req, got)) {
    case SD_MREQ_GET:
        serve_metrics(m, fd, false);
        break;
    case SD_MREQ_HEAD:
        serve_metrics(m, fd, true);
        break;
    case SD_MREQ_NOT_FOUND:
        send_status(m, fd, "404 Not Found", "");
        linger_drain(m, fd);
        return;
    case SD_MREQ_NOT_ALLOWED:
        send_status(m, fd, "405 Method Not Allowed", "Allow: GET, HEAD\r\n");
        linger_drain(m, fd);
        return;
    default:
        send_status(m, fd, "400 Bad Request", "");
        linger_drain(m, fd);
        return;
    }
    shutdown(fd, SHUT_WR);
}

static void *
metrics_main(void *arg)
{
    struct sd_metrics *m = arg;

    for(;;) {
        struct pollfd p[2] = {{m->lfd, POLLIN, 0}, {m->stopfd, POLLIN, 0}};
        int fd;

        if(poll(p, 2, -1) < 0) {
            if(errno == EINTR)
                continue;
            sd_log(SD_LOG_ERROR, "metrics_poll", "errno=%d", errno);
            break;
        }
        if(p[1].revents)
            break;
        fd = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if(fd < 0) {
            if(errno == EMFILE || errno == ENFILE) {
                struct timespec ts = {0, 100000000L}; /* let descriptors free up */

                nanosleep(&ts, NULL);
            }
            continue;
        }
        serve_conn(m, fd);
        close(fd);
    }
    return NULL;
}

sd_err
sd_metrics_new(struct sd_metrics **out, const char *addr, struct sd_desk *desk)
{
    struct sd_metrics_opts o = {16, 1000};

    return sd_metrics_new_opts(out, addr, desk, &o);
}

sd_err
sd_metrics_new_opts(struct sd_metrics **out, const char *addr, struct sd_desk *desk,
                    const struct sd_metrics_opts *o)
{
    sd_err err = SD_OK;
    struct sd_metrics *m = NULL;
    sigset_t all, old;

    SD_CHECK_ARG(out && addr && strnlen(addr, 128) < 128);
    SD_CHECK_ARG(o && o->max_conns >= 1 && o->max_conns <= 1024 && o->read_timeout_ms >= 10);
    *out = NULL;
    m = calloc(1, sizeof(*m));
    SD_ENSURE(m, SD_E_NOMEM);
    m->o = *o;
    m->threads = calloc(o->max_conns, sizeof(*m->threads));
    SD_ENSURE(m->threads, SD_E_NOMEM);
    m->lfd = -1;
    m->desk = desk;
    m->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    SD_ENSURE(m->stopfd >= 0, SD_E_IO);
    /* Unauthenticated endpoint: loopback only, whatever the operator wrote. */
    SD_TRY(sd_listen_tcp(addr, SD_LISTEN_LOOPBACK_ONLY | SD_LISTEN_NUMERIC_HOST, 128, &m->lfd,
                         &m->port));
    pthread_once(&g_once, init_methods); /* build the table before the first call races */
    /* The endpoint thread takes no signals: SIGTERM/SIGINT stay with the server's loop. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    /* Several connections at once: slow or silent clients hold one thread each for at most
     * the read timeout, and a scrape still finds a free one. */
    while(m->started < o->max_conns &&
          pthread_create(&m->threads[m->started], NULL, metrics_main, m) == 0)
        m->started++;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    SD_ENSURE(m->started == o->max_conns, SD_E_NOMEM);
    sd_log(SD_LOG_INFO, "metrics_start", "port=%d", m->port);
    *out = m;
    m = NULL;
out:
    sd_metrics_free(m);
    return err;
}

int
sd_metrics_port(const struct sd_metrics *m)
{
    return m->port;
}

void
sd_metrics_free(struct sd_metrics *m)
{
    const uint64_t one = 1;

    if(!m)
        return;
    if(m->started) {
        /* The eventfd stays readable (no thread reads it): every thread sees the stop. */
        if(write(m->stopfd, &one, sizeof(one)) < 0)
            sd_log(SD_LOG_WARN, "metrics_stop", "errno=%d", errno);
        for(unsigned i = 0; i < m->started; i++)
            pthread_join(m->threads[i], NULL);
    }
    free(m->threads);
    if(m->lfd >= 0)
        close(m->lfd);
    if(m->stopfd >= 0)
        close(m->stopfd);
    free(m);
}
