/* Tests of the gRPC client (src/rpc/client.c) against a stock python grpcio server and a few
 * hand-made misbehaving HTTP/2 peers, all run by tests/integration/client_peer.py (started
 * here with /usr/bin/python3, which has Debian's grpcio; skipped with a message without it). */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "sealdesk/endpoints.h"
#include "sealdesk/rpc.h"

#define PYTHON "/usr/bin/python3"
#define PEER   SD_SOURCE_DIR "/tests/integration/client_peer.py"
#define MIB    (1024 * 1024)

static struct {
    pid_t pid;
    int in_fd; /* peer's stdin: closing it stops the peer */
    int port, mtls, noalpn, tls12, rst, goaway, http404, nostatus;
    char dir[256];
    char ca[300], other_ca[300], cert[300], key[300];
} peer = {.pid = -1, .in_fd = -1};

static const char *const token_md[] = {"authorization", "Bearer test-token", NULL};

/* ---- peer process ---- */

static int
port_of(const char *line, const char *key)
{
    char pat[32];
    const char *p;

    snprintf(pat, sizeof(pat), " %s=", key);
    p = strstr(line, pat);
    return p ? atoi(p + strlen(pat)) : 0;
}

static int
peer_start(void **state)
{
    int in[2], outp[2];
    char line[1024];
    size_t n = 0;
    const char *d;

    (void)state;
    if(pipe(in) != 0 || pipe(outp) != 0)
        return -1;
    peer.pid = fork();
    if(peer.pid < 0)
        return -1;
    if(peer.pid == 0) {
        dup2(in[0], 0);
        dup2(outp[1], 1);
        close(in[1]);
        close(outp[0]);
        setenv("SD_SOURCE_DIR", SD_SOURCE_DIR, 1);
        execl(PYTHON, PYTHON, PEER, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    peer.in_fd = in[1];
    /* Read the READY line (certs + protoc + two servers take a second or two). */
    while(n < sizeof(line) - 1) {
        struct pollfd pfd = {.fd = outp[0], .events = POLLIN, .revents = 0};
        ssize_t r;

        if(poll(&pfd, 1, 30000) <= 0)
            break;
        r = read(outp[0], line + n, 1);
        if(r <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(outp[0]);
    if(strncmp(line, "READY ", 6) != 0) {
        fprintf(stderr, "client_peer.py did not start: '%s'\n", line);
        return -1;
    }
    peer.port = port_of(line, "port");
    peer.mtls = port_of(line, "mtls");
    peer.noalpn = port_of(line, "noalpn");
    peer.tls12 = port_of(line, "tls12");
    peer.rst = port_of(line, "rst");
    peer.goaway = port_of(line, "goaway");
    peer.http404 = port_of(line, "http404");
    peer.nostatus = port_of(line, "nostatus");
    d = strstr(line, " dir=");
    if(!d || !peer.port || !peer.mtls || !peer.nostatus)
        return -1;
    snprintf(peer.dir, sizeof(peer.dir), "%s", d + 5);
    snprintf(peer.ca, sizeof(peer.ca), "%s/ca.pem", peer.dir);
    snprintf(peer.other_ca, sizeof(peer.other_ca), "%s/other-ca.pem", peer.dir);
    snprintf(peer.cert, sizeof(peer.cert), "%s/client.pem", peer.dir);
    snprintf(peer.key, sizeof(peer.key), "%s/client.key", peer.dir);
    return 0;
}

static int
peer_stop(void **state)
{
    int i;

    (void)state;
    if(peer.in_fd >= 0)
        close(peer.in_fd);
    for(i = 0; i < 50 && peer.pid > 0; i++) {
        if(waitpid(peer.pid, NULL, WNOHANG) == peer.pid)
            return 0;
        usleep(100000);
    }
    if(peer.pid > 0) {
        kill(peer.pid, SIGTERM);
        waitpid(peer.pid, NULL, 0);
    }
    return 0;
}

static bool
peer_available(void)
{
    if(access(PYTHON, X_OK) != 0)
        return false;
    return system(PYTHON " -c 'import grpc, grpc_tools, google.protobuf' 2>/dev/null") == 0;
}

/* ---- helpers ---- */

static sd_err
connect_to(struct sd_grpc_client **c, int port, const char *ca, const char *name, bool mtls,
           char *why, size_t whycap)
{
    char target[64];
    struct sd_grpc_client_opts o = {0};

    snprintf(target, sizeof(target), "127.0.0.1:%d", port);
    o.target = target;
    o.ca_file = ca;
    o.server_name = name;
    if(mtls) {
        o.cert_file = peer.cert;
        o.key_file = peer.key;
    }
    return sd_grpc_client_connect_why(c, &o, why, whycap);
}

static struct sd_grpc_client *
must_connect(int port)
{
    struct sd_grpc_client *c = NULL;
    char why[256];
    sd_err err = connect_to(&c, port, peer.ca, NULL, false, why, sizeof(why));

    if(err != SD_OK)
        fprintf(stderr, "connect: %s: %s\n", sd_err_name(err), why);
    assert_int_equal(err, SD_OK);
    return c;
}

/* Collected response messages. */
struct msgs {
    size_t n;
    uint8_t first[64];
    size_t first_len;
    size_t lens[8];
    char text[8][32];
    sd_err fail_with; /* returned from on_msg when set */
};

static sd_err
collect(void *ctx, const uint8_t *p, size_t n)
{
    struct msgs *m = ctx;

    if(m->fail_with != SD_OK)
        return m->fail_with;
    if(m->n == 0) {
        m->first_len = n;
        memcpy(m->first, p, n < sizeof(m->first) ? n : sizeof(m->first));
    }
    if(m->n < 8) {
        m->lens[m->n] = n;
        /* ExportChunk {bytes data = 1}: 0x0a, length, bytes (short ones only) */
        if(n >= 2 && n < 30 && p[0] == 0x0a && p[1] == n - 2)
            memcpy(m->text[m->n], p + 2, n - 2);
    }
    m->n++;
    return SD_OK;
}

static sd_err
call(struct sd_grpc_client *c, const char *method, const char *const *md, const uint8_t *req,
     size_t n, struct msgs *m, int *status, char *msg, size_t cap)
{
    return sd_grpc_client_call(c, method, md, req, n, collect, m, status, msg, cap);
}

static uint64_t
ms_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- tests: calls against grpcio ---- */

static void
test_unary_check_returns_serving_bytes(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        call(c, "/grpc.health.v1.Health/Check", NULL, NULL, 0, &m, &status, msg, sizeof(msg)),
        SD_OK);
    assert_int_equal(status, SD_GRPC_OK);
    assert_string_equal(msg, "");
    assert_int_equal(m.n, 1);
    assert_int_equal(m.first_len, 2);
    assert_memory_equal(m.first, "\x08\x01", 2); /* status: SERVING */
    sd_grpc_client_close(c);
}

static void
test_unary_request_bytes_reach_server(void **state)
{
    static const uint8_t req[] = {0x0a, 4, 'n', 'o', 'p', 'e'}; /* service: "nope" */
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(call(c, "/grpc.health.v1.Health/Check", NULL, req, sizeof(req), &m, &status,
                          msg, sizeof(msg)),
                     SD_OK);
    assert_int_equal(status, SD_GRPC_NOT_FOUND);
    assert_string_equal(msg, "unknown service");
    assert_int_equal(m.n, 0);
    sd_grpc_client_close(c);
}

static void
test_server_streaming_delivers_three_chunks_in_order(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        call(c, "/sealdesk.v1.Audit/Export", NULL, NULL, 0, &m, &status, msg, sizeof(msg)), SD_OK);
    assert_int_equal(status, SD_GRPC_OK);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.text[0], "chunk-0");
    assert_string_equal(m.text[1], "chunk-1");
    assert_string_equal(m.text[2], "chunk-2");
    sd_grpc_client_close(c);
}

static void
test_non_ok_status_message_is_percent_decoded(void **state)
{
    static const uint8_t req[] = {0x08, 42}; /* id: 42 */
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(call(c, "/sealdesk.v1.Tickets/Get", token_md, req, sizeof(req), &m, &status,
                          msg, sizeof(msg)),
                     SD_OK);
    assert_int_equal(status, SD_GRPC_NOT_FOUND);
    assert_string_equal(msg, "ticket 42 not found: 100% gone (50%2F50) "
                             "\xe5\xb7\xa5\xe5\x8d\x95 done");
    assert_int_equal(m.n, 0);
    sd_grpc_client_close(c);
}

static void
test_missing_token_metadata_is_unauthenticated(void **state)
{
    static const char *const wrong_md[] = {"authorization", "Bearer nope", "x-request-id", "r-1",
                                           NULL};
    static const uint8_t req[] = {0x08, 42};
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        call(c, "/sealdesk.v1.Tickets/Get", NULL, req, sizeof(req), &m, &status, msg, sizeof(msg)),
        SD_OK);
    assert_int_equal(status, SD_GRPC_UNAUTHENTICATED);
    assert_int_equal(call(c, "/sealdesk.v1.Tickets/Get", wrong_md, req, sizeof(req), &m, &status,
                          msg, sizeof(msg)),
                     SD_OK);
    assert_int_equal(status, SD_GRPC_UNAUTHENTICATED);
    assert_string_equal(msg, "missing or bad token");
    sd_grpc_client_close(c);
}

static void
test_unknown_method_is_unimplemented(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        call(c, "/sealdesk.v1.Nope/Nothing", NULL, NULL, 0, &m, &status, msg, sizeof(msg)), SD_OK);
    assert_int_equal(status, SD_GRPC_UNIMPLEMENTED);
    sd_grpc_client_close(c);
}

static void
test_message_of_exactly_1mib_is_accepted(void **state)
{
    static const uint8_t req[] = {0x08, 1}; /* from: 1 */
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        call(c, "/sealdesk.v1.Audit/Export", NULL, req, sizeof(req), &m, &status, msg, sizeof(msg)),
        SD_OK);
    assert_int_equal(status, SD_GRPC_OK);
    assert_int_equal(m.n, 2);
    assert_int_equal(m.lens[0], MIB);
    assert_string_equal(m.text[1], "tail");
    sd_grpc_client_close(c);
}

static void
test_message_over_1mib_is_limit_error_and_connection_survives(void **state)
{
    static const uint8_t req[] = {0x08, 2}; /* from: 2 */
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        call(c, "/sealdesk.v1.Audit/Export", NULL, req, sizeof(req), &m, &status, msg, sizeof(msg)),
        SD_E_LIMIT);
    assert_int_equal(m.n, 0);
    assert_non_null(strstr(msg, "1 MiB"));
    memset(&m, 0, sizeof(m));
    assert_int_equal(
        call(c, "/grpc.health.v1.Health/Check", NULL, NULL, 0, &m, &status, msg, sizeof(msg)),
        SD_OK);
    assert_int_equal(status, SD_GRPC_OK);
    sd_grpc_client_close(c);
}

static void
test_on_msg_error_cancels_call_only(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {.fail_with = SD_E_DENIED};
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        call(c, "/sealdesk.v1.Audit/Export", NULL, NULL, 0, &m, &status, msg, sizeof(msg)),
        SD_E_DENIED);
    m.fail_with = SD_OK;
    assert_int_equal(
        call(c, "/sealdesk.v1.Audit/Export", NULL, NULL, 0, &m, &status, msg, sizeof(msg)), SD_OK);
    assert_int_equal(m.n, 3);
    sd_grpc_client_close(c);
}

static void
test_local_deadline_gives_deadline_exceeded(void **state)
{
    static const uint8_t slow[] = {0x0a, 4, 's', 'l', 'o', 'w'};
    struct sd_grpc_client *c = must_connect(peer.port);
    struct msgs m = {0};
    char msg[256];
    int status = -1;
    uint64_t t0;

    (void)state;
    assert_int_equal(sd_grpc_client_set_timeout(c, SD_GRPC_CLIENT_MAX_TIMEOUT_MS + 1),
                     SD_E_INVALID);
    assert_int_equal(sd_grpc_client_set_timeout(c, 200), SD_OK);
    t0 = ms_now();
    assert_int_equal(call(c, "/grpc.health.v1.Health/Check", NULL, slow, sizeof(slow), &m, &status,
                          msg, sizeof(msg)),
                     SD_OK);
    assert_int_equal(status, SD_GRPC_DEADLINE_EXCEEDED);
    assert_true(ms_now() - t0 < 1500);
    /* The connection stays usable. */
    assert_int_equal(sd_grpc_client_set_timeout(c, 0), SD_OK);
    assert_int_equal(
        call(c, "/grpc.health.v1.Health/Check", NULL, NULL, 0, &m, &status, msg, sizeof(msg)),
        SD_OK);
    assert_int_equal(status, SD_GRPC_OK);
    sd_grpc_client_close(c);
}

static void
test_bad_method_metadata_or_size_is_refused_before_sending(void **state)
{
    static const char *const upper[] = {"Authorization", "x", NULL};
    static const char *const newline[] = {"authorization", "Bearer a\nb", NULL};
    static const char *const reserved[] = {"grpc-timeout", "1S", NULL};
    static const char *const odd[] = {"x-a", NULL};
    struct sd_grpc_client *c = must_connect(peer.port);
    uint8_t *big = calloc(1, SD_RPC_MAX_REQ_LARGE + 1); /* the client's send limit, + 1 */
    char msg[256];
    int status = -1;

    (void)state;
    assert_non_null(big);
    assert_int_equal(sd_grpc_client_call(c, "grpc.health.v1.Health/Check", NULL, NULL, 0, NULL,
                                         NULL, &status, msg, sizeof(msg)),
                     SD_E_INVALID);
    assert_int_equal(
        sd_grpc_client_call(c, "/a b", NULL, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_INVALID);
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", upper, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_INVALID);
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", newline, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_INVALID);
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", reserved, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_INVALID);
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", odd, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_INVALID);
    assert_int_equal(sd_grpc_client_call(c, "/x/y", NULL, big, SD_RPC_MAX_REQ_LARGE + 1, NULL, NULL,
                                         &status, msg, sizeof(msg)),
                     SD_E_LIMIT);
    assert_int_equal(sd_grpc_client_pending(c), 0);
    assert_int_equal(sd_grpc_client_poll(c, -1), SD_E_INVALID);
    free(big);
    sd_grpc_client_close(c);
}

static void
test_many_sequential_calls_reuse_one_connection(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.port);
    char msg[256];
    int i;

    (void)state;
    for(i = 0; i < 300; i++) {
        struct msgs m = {0};
        int status = -1;

        assert_int_equal(call(c,
                              i % 3 ? "/grpc.health.v1.Health/Check" : "/sealdesk.v1.Audit/Export",
                              token_md, NULL, 0, &m, &status, msg, sizeof(msg)),
                         SD_OK);
        assert_int_equal(status, SD_GRPC_OK);
        assert_int_equal(m.n, i % 3 ? 1 : 3);
    }
    assert_int_equal(sd_grpc_client_in_flight(c), 0);
    sd_grpc_client_close(c);
}

/* ---- tests: async API ---- */

struct async_run {
    struct sd_grpc_client *c;
    int done, ok, wrong, errors;
    int to_chain; /* calls still to start from on_done */
    struct msgs m[64];
    int next_slot;
};

static struct async_run *the_run;

static void
count_done(void *ctx, sd_err err, int status, const char *message)
{
    struct msgs *m = ctx;

    (void)message;
    the_run->done++;
    if(err != SD_OK)
        the_run->errors++;
    else if(status == SD_GRPC_OK && m->n == 1 && m->first_len == 2 &&
            memcmp(m->first, "\x08\x01", 2) == 0)
        the_run->ok++;
    else
        the_run->wrong++;
    if(the_run->to_chain > 0) {
        int s = the_run->next_slot++ % 64;

        the_run->to_chain--;
        memset(&the_run->m[s], 0, sizeof(the_run->m[s]));
        assert_int_equal(sd_grpc_client_start(the_run->c, "/grpc.health.v1.Health/Check", NULL,
                                              NULL, 0, collect, count_done, &the_run->m[s]),
                         SD_OK);
    }
}

static void
test_async_50_concurrent_calls_respect_max_streams(void **state)
{
    static const uint8_t busy[] = {0x0a, 4, 'b', 'u', 's', 'y'};
    static struct async_run r;
    size_t max_seen = 0;
    int i;

    (void)state;
    memset(&r, 0, sizeof(r));
    the_run = &r;
    r.c = must_connect(peer.port);
    assert_int_equal(sd_grpc_client_max_streams(r.c), 10); /* the peer's setting */
    for(i = 0; i < 50; i++)
        assert_int_equal(sd_grpc_client_start(r.c, "/grpc.health.v1.Health/Check", token_md, busy,
                                              sizeof(busy), collect, count_done, &r.m[i]),
                         SD_OK);
    assert_int_equal(sd_grpc_client_pending(r.c), 50);
    while(sd_grpc_client_pending(r.c) > 0) {
        size_t f = sd_grpc_client_in_flight(r.c);

        if(f > max_seen)
            max_seen = f;
        assert_int_equal(sd_grpc_client_poll(r.c, 1000), SD_OK);
    }
    assert_int_equal(r.done, 50);
    assert_int_equal(r.ok, 50);
    assert_int_equal(max_seen, 10);
    sd_grpc_client_close(r.c);
}

static void
test_on_done_can_start_the_next_call(void **state)
{
    static struct async_run r;
    int i;

    (void)state;
    memset(&r, 0, sizeof(r));
    the_run = &r;
    r.c = must_connect(peer.port);
    r.to_chain = 40;
    r.next_slot = 4;
    for(i = 0; i < 4; i++)
        assert_int_equal(sd_grpc_client_start(r.c, "/grpc.health.v1.Health/Check", NULL, NULL, 0,
                                              collect, count_done, &r.m[i]),
                         SD_OK);
    while(sd_grpc_client_pending(r.c) > 0)
        assert_int_equal(sd_grpc_client_poll(r.c, 1000), SD_OK);
    assert_int_equal(r.done, 44);
    assert_int_equal(r.ok, 44);
    sd_grpc_client_close(r.c);
}

static void
test_close_completes_pending_calls(void **state)
{
    static struct async_run r;
    int i;

    (void)state;
    memset(&r, 0, sizeof(r));
    the_run = &r;
    r.c = must_connect(peer.port);
    for(i = 0; i < 5; i++)
        assert_int_equal(sd_grpc_client_start(r.c, "/grpc.health.v1.Health/Check", token_md, NULL,
                                              0, collect, count_done, &r.m[i]),
                         SD_OK);
    sd_grpc_client_close(r.c);
    assert_int_equal(r.done, 5);
    assert_int_equal(r.errors, 5);
}

/* ---- tests: TLS and connection failures ---- */

static void
test_wrong_ca_fails_verification(void **state)
{
    struct sd_grpc_client *c = NULL;
    char why[256];

    (void)state;
    assert_int_equal(connect_to(&c, peer.port, peer.other_ca, NULL, false, why, sizeof(why)),
                     SD_E_CRYPTO);
    assert_null(c);
    assert_non_null(strstr(why, "certificate verify failed"));
}

static void
test_server_name_is_verified(void **state)
{
    struct sd_grpc_client *c = NULL;
    char why[256];

    (void)state;
    assert_int_equal(connect_to(&c, peer.port, peer.ca, "wrong.example", false, why, sizeof(why)),
                     SD_E_CRYPTO);
    assert_non_null(strstr(why, "certificate verify failed"));
    assert_int_equal(connect_to(&c, peer.port, peer.ca, "127.0.0.2", false, why, sizeof(why)),
                     SD_E_CRYPTO);
    assert_int_equal(connect_to(&c, peer.port, peer.ca, "localhost", false, why, sizeof(why)),
                     SD_OK);
    sd_grpc_client_close(c);
}

static void
test_unreachable_server_is_io_error(void **state)
{
    struct sd_grpc_client *c = NULL;
    struct sd_grpc_client_opts o = {.target = "127.0.0.1:1", .ca_file = peer.ca};
    struct sd_grpc_client_opts bad = {.target = "no-port", .ca_file = peer.ca};
    char why[256];

    (void)state;
    assert_int_equal(sd_grpc_client_connect_why(&c, &o, why, sizeof(why)), SD_E_IO);
    assert_non_null(strstr(why, "refused"));
    assert_int_equal(sd_grpc_client_connect_why(&c, &bad, why, sizeof(why)), SD_E_INVALID);
    assert_null(c);
}

static void
test_server_without_alpn_h2_is_refused(void **state)
{
    struct sd_grpc_client *c = NULL;
    char why[256];

    (void)state;
    assert_int_equal(connect_to(&c, peer.noalpn, peer.ca, NULL, false, why, sizeof(why)), SD_E_IO);
    assert_non_null(strstr(why, "ALPN"));
}

static void
test_tls12_only_server_is_refused(void **state)
{
    struct sd_grpc_client *c = NULL;
    char why[256];

    (void)state;
    assert_int_equal(connect_to(&c, peer.tls12, peer.ca, NULL, false, why, sizeof(why)),
                     SD_E_CRYPTO);
    assert_non_null(strstr(why, "TLS handshake failed"));
}

static void
test_mtls_needs_client_certificate(void **state)
{
    struct sd_grpc_client *c = NULL;
    char why[256];
    char msg[256];
    int status = -1;

    (void)state;
    /* grpcio closes without sending its alert; a server that sends one gives SD_E_CRYPTO. */
    assert_int_equal(connect_to(&c, peer.mtls, peer.ca, NULL, false, why, sizeof(why)), SD_E_IO);
    assert_non_null(strstr(why, "client certificate"));
    assert_null(c);
    assert_int_equal(connect_to(&c, peer.mtls, peer.ca, NULL, true, why, sizeof(why)), SD_OK);
    assert_int_equal(sd_grpc_client_call(c, "/grpc.health.v1.Health/Check", NULL, NULL, 0, NULL,
                                         NULL, &status, msg, sizeof(msg)),
                     SD_OK);
    assert_int_equal(status, SD_GRPC_OK);
    sd_grpc_client_close(c);
}

/* ---- tests: misbehaving HTTP/2 peers ---- */

static void
test_rst_stream_without_status_is_transport_error(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.rst);
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", token_md, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_IO);
    assert_int_equal(status, SD_GRPC_UNKNOWN);
    assert_non_null(strstr(msg, "reset"));
    assert_null(strstr(msg, "test-token"));
    /* Only the stream died: the next call gets its own reset. */
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", NULL, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_IO);
    sd_grpc_client_close(c);
}

static void
test_goaway_fails_call_and_connection(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.goaway);
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", NULL, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_IO);
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", NULL, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_IO);
    assert_non_null(strstr(msg, "GOAWAY"));
    sd_grpc_client_close(c);
}

static void
test_http_404_maps_to_unimplemented(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.http404);
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", NULL, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_OK);
    assert_int_equal(status, SD_GRPC_UNIMPLEMENTED);
    assert_string_equal(msg, "HTTP status 404");
    sd_grpc_client_close(c);
}

static void
test_response_without_grpc_status_is_transport_error(void **state)
{
    struct sd_grpc_client *c = must_connect(peer.nostatus);
    char msg[256];
    int status = -1;

    (void)state;
    assert_int_equal(
        sd_grpc_client_call(c, "/x/y", NULL, NULL, 0, NULL, NULL, &status, msg, sizeof(msg)),
        SD_E_IO);
    assert_string_equal(msg, "response ended without grpc-status");
    sd_grpc_client_close(c);
}

/* ---- endpoint lists and leader hints (src/client/endpoints.c, issue 18) ---- */

static void
test_endpoints_parse_list_of_three(void **state)
{
    struct sd_endpoints e;
    char why[128] = "";

    (void)state;
    assert_int_equal(sd_endpoints_parse(&e, "127.0.0.1:7001,h2.example:443,[::1]:65535", "--server",
                                        why, sizeof(why)),
                     SD_OK);
    assert_int_equal(e.n, 3);
    assert_string_equal(e.ep[0], "127.0.0.1:7001");
    assert_string_equal(e.ep[1], "h2.example:443");
    assert_string_equal(e.ep[2], "[::1]:65535");
    assert_int_equal(sd_endpoints_parse(&e, "a:1", NULL, why, sizeof(why)), SD_OK);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.ep[0], "a:1");
}

static void
test_endpoints_parse_refuses_bad_lists_naming_the_flag(void **state)
{
    static const struct {
        const char *list;
        sd_err err;
        const char *why;
    } bad[] = {
        {"", SD_E_INVALID, "--server: no endpoint"},
        {"a:1,", SD_E_INVALID, "--server: empty endpoint in the list"},
        {",a:1", SD_E_INVALID, "--server: empty endpoint in the list"},
        {"a:1,,b:2", SD_E_INVALID, "--server: empty endpoint in the list"},
        {"secret-host", SD_E_INVALID, "--server: endpoint 1 has no port (host:port)"},
        {"a:1,:2", SD_E_INVALID, "--server: endpoint 2 has no host"},
        {"a:0", SD_E_INVALID, "--server: endpoint 1 has a bad port (1..65535)"},
        {"a:65536", SD_E_INVALID, "--server: endpoint 1 has a bad port (1..65535)"},
        {"a:", SD_E_INVALID, "--server: endpoint 1 has a bad port (1..65535)"},
        {"a:+80", SD_E_INVALID, "--server: endpoint 1 has a bad port (1..65535)"},
        {"a:123456", SD_E_INVALID, "--server: endpoint 1 has a bad port (1..65535)"},
        {"a b:1", SD_E_INVALID, "--server: endpoint 1 has a character that is not allowed"},
        {"a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8", SD_E_LIMIT, "--server: at most 7 endpoints"},
    };
    struct sd_endpoints e;
    char why[128], big[SD_ENDPOINTS_MAX_LEN + 2], host[SD_ENDPOINT_MAX + 8];

    (void)state;
    for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why[0] = 0;
        e.n = 5;
        assert_int_equal(sd_endpoints_parse(&e, bad[i].list, "--server", why, sizeof(why)),
                         bad[i].err);
        assert_string_equal(why, bad[i].why);
        assert_int_equal(e.n, 0);
    }
    assert_int_equal(
        sd_endpoints_parse(&e, "a:1,b:2,c:3,d:4,e:5,f:6,g:7", "--server", why, sizeof(why)), SD_OK);
    assert_int_equal(e.n, SD_ENDPOINTS_MAX);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    assert_int_equal(sd_endpoints_parse(&e, big, "--target", why, sizeof(why)), SD_E_LIMIT);
    assert_string_equal(why, "--target: list too long");
    memset(host, 'h', sizeof(host));
    memcpy(host + sizeof(host) - 6, ":4430", 6);
    assert_int_equal(sd_endpoints_parse(&e, host, "--server", why, sizeof(why)), SD_E_INVALID);
    assert_string_equal(why, "--server: endpoint 1 is too long");
}

static void
test_endpoints_leader_hint(void **state)
{
    char out[64] = "untouched";

    (void)state;
    assert_true(
        sd_endpoints_leader_hint("not the leader: leader=n2 127.0.0.1:7002", out, sizeof(out)));
    assert_string_equal(out, "127.0.0.1:7002");
    assert_true(
        sd_endpoints_leader_hint("commit failed: leader=n3 h3:443; retry", out, sizeof(out)));
    assert_string_equal(out, "h3:443");
    strcpy(out, "untouched");
    assert_false(sd_endpoints_leader_hint("not the leader: leader=unknown", out, sizeof(out)));
    assert_false(sd_endpoints_leader_hint("leader=unknown 127.0.0.1:1", out, sizeof(out)));
    assert_false(sd_endpoints_leader_hint("no hint here", out, sizeof(out)));
    assert_false(sd_endpoints_leader_hint("leader=n1", out, sizeof(out)));
    assert_false(sd_endpoints_leader_hint("leader=n1 ", out, sizeof(out)));
    assert_false(sd_endpoints_leader_hint("leader=n1 nohostport", out, sizeof(out)));
    assert_false(sd_endpoints_leader_hint("leader=n1 h:99999", out, sizeof(out)));
    assert_false(sd_endpoints_leader_hint("leader=n1 127.0.0.1:7002", out, 8)); /* too long */
    assert_false(sd_endpoints_leader_hint(NULL, out, sizeof(out)));
    assert_string_equal(out, "untouched");
}

static void
test_follow_goes_to_leader_else_next_and_wraps(void **state)
{
    struct sd_endpoints e;
    struct sd_follow f;

    (void)state;
    assert_int_equal(sd_endpoints_parse(&e, "a:1,b:2,c:3", NULL, NULL, 0), SD_OK);
    sd_follow_init(&f, &e);
    assert_string_equal(f.target, "a:1");
    assert_false(sd_follow_next(&f, "leader=n3 c:3"));
    assert_string_equal(f.target, "c:3"); /* the hint */
    assert_false(sd_follow_next(&f, NULL));
    assert_string_equal(f.target, "b:2"); /* the list goes on from the last list endpoint */
    assert_false(sd_follow_next(&f, "leader=unknown"));
    assert_string_equal(f.target, "c:3");
    assert_true(sd_follow_next(&f, "leader=unknown")); /* wrapped: every endpoint tried */
    assert_string_equal(f.target, "a:1");
}

/* A node that lost its lead may still name itself: the hint is not followed back to the
 * endpoint that just answered (else every hop goes there; CI saw test_pause fail so). */
static void
test_follow_skips_a_hint_naming_the_endpoint_that_answered(void **state)
{
    struct sd_endpoints e;
    struct sd_follow f;

    (void)state;
    assert_int_equal(sd_endpoints_parse(&e, "a:1,b:2,c:3", NULL, NULL, 0), SD_OK);
    sd_follow_init(&f, &e);
    assert_false(sd_follow_next(&f, "not the leader; leader=n1 a:1"));
    assert_string_equal(f.target, "b:2");
    assert_false(sd_follow_next(&f, "not the leader; leader=n1 a:1"));
    assert_string_equal(f.target, "a:1"); /* a hint elsewhere is followed */
    assert_false(sd_follow_next(&f, "not the leader; leader=n1 a:1"));
    assert_string_equal(f.target, "c:3"); /* the list goes on from b:2 */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unary_check_returns_serving_bytes),
        cmocka_unit_test(test_unary_request_bytes_reach_server),
        cmocka_unit_test(test_server_streaming_delivers_three_chunks_in_order),
        cmocka_unit_test(test_non_ok_status_message_is_percent_decoded),
        cmocka_unit_test(test_missing_token_metadata_is_unauthenticated),
        cmocka_unit_test(test_unknown_method_is_unimplemented),
        cmocka_unit_test(test_message_of_exactly_1mib_is_accepted),
        cmocka_unit_test(test_message_over_1mib_is_limit_error_and_connection_survives),
        cmocka_unit_test(test_on_msg_error_cancels_call_only),
        cmocka_unit_test(test_local_deadline_gives_deadline_exceeded),
        cmocka_unit_test(test_bad_method_metadata_or_size_is_refused_before_sending),
        cmocka_unit_test(test_many_sequential_calls_reuse_one_connection),
        cmocka_unit_test(test_async_50_concurrent_calls_respect_max_streams),
        cmocka_unit_test(test_on_done_can_start_the_next_call),
        cmocka_unit_test(test_close_completes_pending_calls),
        cmocka_unit_test(test_wrong_ca_fails_verification),
        cmocka_unit_test(test_server_name_is_verified),
        cmocka_unit_test(test_unreachable_server_is_io_error),
        cmocka_unit_test(test_server_without_alpn_h2_is_refused),
        cmocka_unit_test(test_tls12_only_server_is_refused),
        cmocka_unit_test(test_mtls_needs_client_certificate),
        cmocka_unit_test(test_rst_stream_without_status_is_transport_error),
        cmocka_unit_test(test_goaway_fails_call_and_connection),
        cmocka_unit_test(test_http_404_maps_to_unimplemented),
        cmocka_unit_test(test_response_without_grpc_status_is_transport_error),
    };

    static const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_endpoints_parse_list_of_three),
        cmocka_unit_test(test_endpoints_parse_refuses_bad_lists_naming_the_flag),
        cmocka_unit_test(test_endpoints_leader_hint),
        cmocka_unit_test(test_follow_goes_to_leader_else_next_and_wraps),
        cmocka_unit_test(test_follow_skips_a_hint_naming_the_endpoint_that_answered),
    };

    if(cmocka_run_group_tests_name("endpoints", pure, NULL, NULL) != 0)
        return 1;
    if(!peer_available()) {
        printf("SKIP test_client: %s with grpcio/grpc_tools/protobuf is not available\n", PYTHON);
        return 0;
    }
    return cmocka_run_group_tests(tests, peer_start, peer_stop);
}
