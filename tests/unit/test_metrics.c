/* Metrics (src/server/metrics.c): exact counter and histogram text, labels only from the
 * dispatch table, HELP/TYPE for every family, queue depth / overdue / audit size from a real
 * desk, writer figures while a writer is attached, and the HTTP endpoint (200, 404, 405, 431,
 * loopback only). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_helpers.h"
#include "sealdesk/intake.h"

#include <time.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/audit.h"
#include "sealdesk/metrics.h"
#include "sealdesk/rpc.h"
#include "sealdesk/server.h"
#include "sealdesk/tickets.h"

static const char create_path[] = "/sealdesk.v1.Tickets/Create";

static char *
render(struct sd_desk *d, uint64_t now)
{
    struct sd_buf b = SD_BUF_INIT;

    assert_int_equal(sd_metrics_render(&b, d, now), SD_OK);
    assert_int_equal(sd_buf_terminate(&b), SD_OK);
    return (char *)sd_buf_steal(&b);
}

/* The value of the sample line that starts with `series ` (name and labels), or -1. */
static long long
sample(const char *text, const char *series)
{
    size_t n = strlen(series);

    for(const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if(strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtoll(p + n + 1, NULL, 10);
    }
    return -1;
}

static void
test_metrics_counts_calls_by_method_and_code(void **state)
{
    char *t;

    (void)state;
    sd_metrics_reset();
    sd_metrics_call(create_path, SD_GRPC_OK, 800);
    sd_metrics_call(create_path, SD_GRPC_OK, 900);
    sd_metrics_call(create_path, SD_GRPC_NOT_FOUND, 30);
    sd_metrics_call(create_path, 99, 2000000000u); /* bad status counts as UNKNOWN */
    t = render(NULL, 0);
    assert_int_equal(sample(t, "sealdesk_rpc_requests_total{service=\"sealdesk.v1.Tickets\","
                               "method=\"Create\",code=\"OK\"}"),
                     2);
    assert_int_equal(sample(t, "sealdesk_rpc_requests_total{service=\"sealdesk.v1.Tickets\","
                               "method=\"Create\",code=\"NOT_FOUND\"}"),
                     1);
    assert_int_equal(sample(t, "sealdesk_rpc_requests_total{service=\"sealdesk.v1.Tickets\","
                               "method=\"Create\",code=\"UNKNOWN\"}"),
                     1);
    /* Codes never used have no series. */
    assert_int_equal(sample(t, "sealdesk_rpc_requests_total{service=\"sealdesk.v1.Tickets\","
                               "method=\"Create\",code=\"INTERNAL\"}"),
                     -1);
    /* Cumulative buckets: 30us <= 0.5ms; 800us, 900us <= 1ms; 2000s only in +Inf. */
    assert_int_equal(sample(t, "sealdesk_rpc_duration_seconds_bucket{service=\"sealdesk.v1."
                               "Tickets\",method=\"Create\",le=\"0.0005\"}"),
                     1);
    assert_int_equal(sample(t, "sealdesk_rpc_duration_seconds_bucket{service=\"sealdesk.v1."
                               "Tickets\",method=\"Create\",le=\"0.001\"}"),
                     3);
    assert_int_equal(sample(t, "sealdesk_rpc_duration_seconds_bucket{service=\"sealdesk.v1."
                               "Tickets\",method=\"Create\",le=\"10\"}"),
                     3);
    assert_int_equal(sample(t, "sealdesk_rpc_duration_seconds_bucket{service=\"sealdesk.v1."
                               "Tickets\",method=\"Create\",le=\"+Inf\"}"),
                     4);
    assert_int_equal(sample(t, "sealdesk_rpc_duration_seconds_count{service=\"sealdesk.v1."
                               "Tickets\",method=\"Create\"}"),
                     4);
    assert_non_null(strstr(t, "sealdesk_rpc_duration_seconds_sum{service=\"sealdesk.v1.Tickets"
                              "\",method=\"Create\"} 2000.001730\n"));
    /* Methods never called have no histogram. */
    assert_null(strstr(t, "method=\"Get\""));
    free(t);
}

static void
test_metrics_unknown_path_never_becomes_a_label(void **state)
{
    char *t;

    (void)state;
    sd_metrics_reset();
    sd_metrics_call("/evil.Svc/x\"}\nfake_metric 1", SD_GRPC_UNIMPLEMENTED, 5);
    sd_metrics_call(NULL, SD_GRPC_UNIMPLEMENTED, 5);
    t = render(NULL, 0);
    assert_int_equal(sample(t, "sealdesk_rpc_requests_total{service=\"unknown\",method=\""
                               "unknown\",code=\"UNIMPLEMENTED\"}"),
                     2);
    assert_null(strstr(t, "evil"));
    assert_null(strstr(t, "fake_metric"));
    free(t);
}

/* Every sample's family has a TYPE line before it; histogram suffixes belong to it. */
static void
test_metrics_every_family_has_help_and_type(void **state)
{
    char *t;
    size_t samples = 0;

    (void)state;
    sd_metrics_reset();
    sd_metrics_call(create_path, SD_GRPC_OK, 1);
    sd_metrics_set_conns(3);
    sd_metrics_set_memlock(true);
    t = render(NULL, 0);
    for(char *line = t; *line; line = strchr(line, '\n') + 1) {
        char fam[128];
        char want[160];
        size_t n = strcspn(line, "{ ");
        char *nl = strchr(line, '\n');

        assert_non_null(nl); /* every line ends in \n */
        if(line[0] == '#')
            continue;
        samples++;
        assert_true(n < sizeof(fam));
        memcpy(fam, line, n);
        fam[n] = 0;
        for(const char *suf = "_bucket\0_sum\0_count\0"; *suf; suf += strlen(suf) + 1) {
            size_t sl = strlen(suf);

            if(n > sl && strcmp(fam + n - sl, suf) == 0) {
                snprintf(want, sizeof(want), "# TYPE %.*s histogram\n", (int)(n - sl), fam);
                if(strstr(t, want)) {
                    fam[n - sl] = 0;
                    break;
                }
            }
        }
        snprintf(want, sizeof(want), "# TYPE %s ", fam);
        assert_non_null(strstr(t, want));
        assert_true(strstr(t, want) < line);
        snprintf(want, sizeof(want), "# HELP %s ", fam);
        assert_non_null(strstr(t, want));
    }
    assert_true(samples >= 5);
    assert_int_equal(sample(t, "sealdesk_open_connections"), 3);
    assert_int_equal(sample(t, "sealdesk_memory_locked"), 1);
    assert_true(sample(t, "process_resident_memory_bytes") > 0);
    free(t);
}

static uint64_t
create(struct sd_desk *d, int prio, const char *subject, const char *email)
{
    static const struct sd_actor sys = {"alice", NULL, SD_ROLE_SYSTEM};
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_EMAIL;
    in.field[SD_F_SUBJECT] = subject;
    in.field[SD_F_BODY] = "please help with my account";
    in.field[SD_F_CUSTOMER_EMAIL] = email;
    in.category = SD_CAT_ACCOUNT;
    in.priority = prio;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    return t.id;
}

static void
test_metrics_queue_depth_overdue_and_audit_size_from_the_store(void **state)
{
    struct fixture *f = *state;
    struct sd_txn *txn;
    uint64_t audit = 0;
    char *t;

    sd_metrics_reset();
    create(f->d, 1, "zebra-subject-1", "zed@example.com");
    create(f->d, 1, "zebra-subject-2", "zed@example.com");
    create(f->d, 3, "zebra-subject-3", "yak@example.com");
    assert_int_equal(sd_txn_begin(f->d->store, false, &txn), SD_OK);
    assert_int_equal(sd_audit_size(txn, &audit), SD_OK);
    sd_txn_abort(txn);

    t = render(f->d, T0);
    assert_int_equal(sample(t, "sealdesk_store_up"), 1);
    assert_int_equal(sample(t, "sealdesk_queue_depth{priority=\"P1\"}"), 2);
    assert_int_equal(sample(t, "sealdesk_queue_depth{priority=\"P2\"}"), 0);
    assert_int_equal(sample(t, "sealdesk_queue_depth{priority=\"P3\"}"), 1);
    assert_int_equal(sample(t, "sealdesk_queue_depth{priority=\"P4\"}"), 0);
    assert_int_equal(sample(t, "sealdesk_queue_overdue{priority=\"P1\"}"), 0);
    assert_int_equal(sample(t, "sealdesk_queue_scan_truncated"), 0);
    assert_int_equal(sample(t, "sealdesk_audit_entries"), (long long)audit);
    assert_true(audit >= 3);
    assert_int_equal(sample(t, "sealdesk_mail_ignored_total{class=\"auto_reply\"}"), 0);
    assert_int_equal(sample(t, "sealdesk_mail_bounces_total"), 0);
    free(t);
    {
        static const struct sd_actor gw = {"intake-gw", NULL, SD_ROLE_INTAKE};
        struct sd_intake_mail m = {.message_id = "ooo-1@mail.example",
                                   .from_addr = "kim@example.com",
                                   .subject = "Out of office",
                                   .body = "away until Monday",
                                   .cls = SD_INTAKE_MAIL_AUTO_REPLY};
        struct sd_intake_mail_result r;

        assert_int_equal(sd_intake_mail(f->d, &gw, &m, NULL, &r, NULL), SD_OK);
        m.message_id = "list-1@mail.example";
        m.cls = SD_INTAKE_MAIL_BULK;
        assert_int_equal(sd_intake_mail(f->d, &gw, &m, NULL, &r, NULL), SD_OK);
        m.message_id = "list-2@mail.example";
        assert_int_equal(sd_intake_mail(f->d, &gw, &m, NULL, &r, NULL), SD_OK);
    }
    t = render(f->d, T0);
    assert_int_equal(sample(t, "sealdesk_mail_ignored_total{class=\"auto_reply\"}"), 1);
    assert_int_equal(sample(t, "sealdesk_mail_ignored_total{class=\"bulk\"}"), 2);
    assert_int_equal(sample(t, "sealdesk_mail_ignored_total{class=\"loop\"}"), 0);
    /* No PII or ids in the text. */
    assert_null(strstr(t, "zebra"));
    assert_null(strstr(t, "example.com"));
    free(t);

    /* 16 minutes later the P1 tickets missed their 15-minute first response; P3 has 4 h. */
    t = render(f->d, T0 + 16 * 60);
    assert_int_equal(sample(t, "sealdesk_queue_overdue{priority=\"P1\"}"), 2);
    assert_int_equal(sample(t, "sealdesk_queue_overdue{priority=\"P3\"}"), 0);
    free(t);
    t = render(f->d, T0 + 5 * 3600);
    assert_int_equal(sample(t, "sealdesk_queue_overdue{priority=\"P3\"}"), 1);
    free(t);
}

static void
noop_run(void *ctx)
{
    (void)ctx;
}

static void
noop_done(void *ctx, sd_err commit)
{
    (void)ctx;
    (void)commit;
}

static void
test_metrics_writer_series_only_while_attached(void **state)
{
    struct sd_writer *w = NULL;
    char *t;

    (void)state;
    t = render(NULL, 0);
    assert_null(strstr(t, "sealdesk_commit_batch_size"));
    free(t);
    assert_int_equal(sd_writer_new(&w, 8, 0), SD_OK);
    sd_metrics_writer_attach(w);
    t = render(NULL, 0);
    assert_int_equal(sample(t, "sealdesk_commit_batch_size_bucket{le=\"+Inf\"}"),
                     sample(t, "sealdesk_commit_batch_size_count"));
    assert_int_equal(sample(t, "sealdesk_commit_failed_total"), 0);
    assert_non_null(strstr(t, "sealdesk_commit_duration_seconds_bucket{le=\"0.000100\"} "));
    free(t);
    /* Writer with no store work: its closures still count as a batch. */
    assert_int_equal(sd_writer_submit(w, noop_run, noop_done, NULL), SD_OK);
    sd_metrics_writer_detach(w);
    sd_writer_free(w);
    t = render(NULL, 0);
    assert_null(strstr(t, "sealdesk_commit_batch_size"));
    free(t);
}

/* One HTTP exchange with the endpoint: send req, read until close, return the answer. */
static char *
http(int port, const char *req, size_t n)
{
    struct sockaddr_in sa;
    struct sd_buf b = SD_BUF_INIT;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    uint8_t chunk[4096];
    ssize_t r;

    assert_true(fd >= 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    (void)send(fd, req, n, MSG_NOSIGNAL);
    while((r = recv(fd, chunk, sizeof(chunk), 0)) > 0)
        assert_int_equal(sd_buf_append(&b, chunk, (size_t)r), SD_OK);
    close(fd);
    assert_int_equal(sd_buf_terminate(&b), SD_OK);
    if(!b.data)
        return strdup("");
    return (char *)sd_buf_steal(&b);
}

static void
test_metrics_http_endpoint_answers_get_metrics_only(void **state)
{
    struct sd_metrics *m = NULL;
    char big[SD_METRICS_MAX_REQUEST + 1000];
    char *a;
    int port;

    (void)state;
    sd_metrics_reset();
    sd_metrics_call(create_path, SD_GRPC_OK, 1);
    assert_int_equal(sd_metrics_new(&m, "127.0.0.1:0", NULL), SD_OK);
    port = sd_metrics_port(m);
    assert_true(port > 0);

    a = http(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 35);
    assert_int_equal(strncmp(a, "HTTP/1.1 200 OK\r\n", 17), 0);
    assert_non_null(strstr(a, "Content-Type: text/plain; version=0.0.4"));
    assert_non_null(strstr(a, "code=\"OK\"} 1\n"));
    free(a);
    a = http(port, "GET /metrics?x=1 HTTP/1.0\r\n\r\n", 29);
    assert_int_equal(strncmp(a, "HTTP/1.1 200 OK\r\n", 17), 0);
    free(a);
    a = http(port, "GET / HTTP/1.1\r\n\r\n", 18);
    assert_int_equal(strncmp(a, "HTTP/1.1 404 ", 13), 0);
    free(a);
    a = http(port, "GET /metricsx HTTP/1.1\r\n\r\n", 26);
    assert_int_equal(strncmp(a, "HTTP/1.1 404 ", 13), 0);
    free(a);
    a = http(port, "POST /metrics HTTP/1.1\r\n\r\n", 26);
    assert_int_equal(strncmp(a, "HTTP/1.1 405 ", 13), 0);
    free(a);
    a = http(port, "garbage\r\n\r\n", 11);
    assert_int_equal(strncmp(a, "HTTP/1.1 400 ", 13), 0);
    free(a);
    /* A head that never ends within 8 KiB is refused; the endpoint keeps serving. */
    memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
    memset(big + 26, 'a', sizeof(big) - 26);
    a = http(port, big, sizeof(big));
    assert_true(a[0] == 0 || strncmp(a, "HTTP/1.1 431 ", 13) == 0);
    free(a);
    a = http(port, "GET /metrics HTTP/1.1\r\n\r\n", 25);
    assert_int_equal(strncmp(a, "HTTP/1.1 200 OK\r\n", 17), 0);
    free(a);
    sd_metrics_free(m);
}

static void
test_metrics_endpoint_refuses_non_loopback_and_bad_addresses(void **state)
{
    struct sd_metrics *m = NULL;
    sd_err e;

    (void)state;
    assert_int_equal(sd_metrics_new(&m, "0.0.0.0:0", NULL), SD_E_DENIED);
    assert_null(m);
    assert_int_equal(sd_metrics_new(&m, "[::]:0", NULL), SD_E_DENIED);
    assert_int_equal(sd_metrics_new(&m, "10.1.2.3:9464", NULL), SD_E_DENIED);
    assert_int_equal(sd_metrics_new(&m, "localhost:9464", NULL), SD_E_INVALID); /* numeric */
    assert_int_equal(sd_metrics_new(&m, "127.0.0.1", NULL), SD_E_INVALID);
    assert_int_equal(sd_metrics_new(&m, "127.0.0.1:99999", NULL), SD_E_INVALID);
    assert_int_equal(sd_metrics_new(&m, "127.0.0.1:x", NULL), SD_E_INVALID);
    e = sd_metrics_new(&m, "[::1]:0", NULL); /* loopback v6: fine where IPv6 exists */
    assert_true(e == SD_OK || e == SD_E_IO);
    sd_metrics_free(m);
}

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Issue 13 item 13: clients that connect and send nothing (or dribble) must not hold up a
 * scrape. The endpoint served one connection at a time, each silent one for the whole read
 * timeout: 12 of them delayed a scrape by 12 x 2 s. */
static void
test_metrics_slow_clients_do_not_block_a_scrape(void **state)
{
    struct sd_metrics *m = NULL;
    struct sockaddr_in sa;
    int silent[12];
    uint64_t t0, took;
    char *a;

    (void)state;
    assert_int_equal(sd_metrics_new(&m, "127.0.0.1:0", NULL), SD_OK);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)sd_metrics_port(m));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for(size_t i = 0; i < sizeof(silent) / sizeof(silent[0]); i++) {
        silent[i] = socket(AF_INET, SOCK_STREAM, 0);
        assert_true(silent[i] >= 0);
        assert_int_equal(connect(silent[i], (struct sockaddr *)&sa, sizeof(sa)), 0);
        (void)send(silent[i], "GET /met", 8, MSG_NOSIGNAL); /* and nothing more */
    }
    t0 = now_ms();
    a = http(sd_metrics_port(m), "GET /metrics HTTP/1.1\r\n\r\n", 25);
    took = now_ms() - t0;
    assert_int_equal(strncmp(a, "HTTP/1.1 200 OK\r\n", 17), 0);
    free(a);
    print_message("scrape with 12 silent clients: %llu ms\n", (unsigned long long)took);
    assert_true(took < 1000);
    for(size_t i = 0; i < sizeof(silent) / sizeof(silent[0]); i++)
        close(silent[i]);
    sd_metrics_free(m);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_counts_calls_by_method_and_code),
        cmocka_unit_test(test_metrics_unknown_path_never_becomes_a_label),
        cmocka_unit_test(test_metrics_every_family_has_help_and_type),
        cmocka_unit_test_setup_teardown(
            test_metrics_queue_depth_overdue_and_audit_size_from_the_store, fixture_setup,
            fixture_teardown),
        cmocka_unit_test(test_metrics_writer_series_only_while_attached),
        cmocka_unit_test(test_metrics_http_endpoint_answers_get_metrics_only),
        cmocka_unit_test(test_metrics_endpoint_refuses_non_loopback_and_bad_addresses),
        cmocka_unit_test(test_metrics_slow_clients_do_not_block_a_scrape),
    };

    assert_int_equal(sd_crypto_init(), SD_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
