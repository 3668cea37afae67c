/* libFuzzer harness for the web console's parsing surface (src/web, issue #16). The first
 * byte picks the target: 0 cookie headers (the rest split on '\n' into several `cookie`
 * values), 1 the same-origin rule (origin '\n' authority), 2 the static table lookup, 3 the
 * content-type classifier and the trailer frame encoder, anything else the HTTP/2 session
 * with a console table (raw frames after the client preface: GET/HEAD, gRPC-Web with cookies,
 * origins and content types, answered by a dummy handler). Each target checks its own
 * invariants and aborts when one breaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rpc/rpc_int.h"
#include "sealdesk/log.h"
#include "sealdesk/rpc.h"
#include "sealdesk/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
static struct sd_web_files *files;

/* A small console table, made once per process in a scratch directory. */
static const struct sd_web_files *
table(void)
{
    char dir[] = "/tmp/sdfuzzweb.XXXXXX";
    char p[64];
    FILE *f;

    if(files)
        return files;
    if(!mkdtemp(dir))
        abort();
    snprintf(p, sizeof(p), "%s/index.html", dir);
    f = fopen(p, "w");
    if(!f || fputs("<!doctype html>", f) < 0 || fclose(f) != 0)
        abort();
    snprintf(p, sizeof(p), "%s/app.js", dir);
    f = fopen(p, "w");
    if(!f || fputs("x", f) < 0 || fclose(f) != 0)
        abort();
    if(sd_web_files_load(&files, dir, NULL, 0) != SD_OK || sd_web_files_count(files) != 2)
        abort();
    snprintf(p, sizeof(p), "%s/index.html", dir);
    (void)unlink(p);
    snprintf(p, sizeof(p), "%s/app.js", dir);
    (void)unlink(p);
    (void)rmdir(dir);
    return files; /* lives for the process, like sealdeskd's */
}

static void
fuzz_cookie(const uint8_t *d, size_t n)
{
    struct sd_web_cookie c;
    const char *tok;
    char sc[SD_WEB_SET_COOKIE_MAX];
    size_t start = 0;

    sd_web_cookie_init(&c);
    for(size_t i = 0; i <= n; i++)
        if(i == n || d[i] == '\n') {
            sd_web_cookie_feed(&c, d + start, i - start);
            start = i + 1;
        }
    tok = sd_web_cookie_token(&c);
    if(tok) {
        size_t l = strlen(tok);

        if(l < SD_WEB_TOKEN_MIN || l > SD_WEB_TOKEN_MAX || c.seen != 1)
            abort();
        /* whatever a request may carry as a token is fit to be sent back in set-cookie */
        if(sd_web_set_cookie(sc, sizeof(sc), tok, 1) != SD_OK)
            abort();
    }
    sd_web_cookie_clear(&c);
}

static void
fuzz_origin(const uint8_t *d, size_t n)
{
    char *s = malloc(n + 1);
    char *nl;

    if(!s)
        abort();
    memcpy(s, d, n);
    s[n] = 0;
    nl = strchr(s, '\n');
    if(nl) {
        *nl = 0;
        /* same origin implies origin is "https://" + something */
        if(sd_web_same_origin(s, nl + 1, false) && strncmp(s, "https://", 8) != 0)
            abort();
    } else if(sd_web_same_origin(s, NULL, false)) {
        abort();
    }
    free(s);
}

static void
fuzz_lookup(const uint8_t *d, size_t n)
{
    const struct sd_web_file *f = sd_web_files_find(table(), (const char *)d, n);

    if(!f)
        return;
    /* found: the exact path, or "/" for the index */
    if(!(n == 1 && d[0] == '/') && (strlen(f->path) != n || memcmp(f->path, d, n) != 0))
        abort();
}

static void
fuzz_frame(const uint8_t *d, size_t n)
{
    struct sd_buf b = SD_BUF_INIT;
    char *msg = malloc(n + 1);
    bool printable = true;

    if(!msg)
        abort();
    (void)sd_web_content_kind(d, n);
    memcpy(msg, d, n);
    msg[n] = 0;
    for(size_t i = 0; i < strlen(msg); i++)
        printable &= msg[i] >= 0x20 && msg[i] < 0x7f;
    if((sd_web_trailer_frame(&b, n % 17, msg) == SD_OK) != printable)
        abort();
    if(printable && (b.data[0] != 0x80 || sd_get_u32be(b.data + 1) != b.len - 5))
        abort();
    sd_buf_free(&b);
    free(msg);
}

struct pending {
    struct sd_h2_job *head;
    size_t n;
};

static sd_err
submit(void *ctx, struct sd_h2_job *job)
{
    struct pending *p = ctx;

    if(p->n >= 8)
        return SD_E_LIMIT;
    job->next = p->head;
    p->head = job;
    p->n++;
    return SD_OK;
}

/* Echo, a Login reply with a token (rewritten into the cookie), or UNAUTHENTICATED. */
static void
handler(void *app, struct sd_rpc_call *c)
{
    /* LoginResponse{token="0123456789abcdef0123", user="u"} */
    static const uint8_t login[] = {0x0a, 20,  '0', '1', '2',  '3', '4', '5', '6',
                                    '7',  '8', '9', 'a', 'b',  'c', 'd', 'e', 'f',
                                    '0',  '1', '2', '3', 0x1a, 1,   'u'};

    (void)app;
    if(strcmp(c->method, "/sealdesk.v1.Auth/Login") == 0) {
        (void)sd_rpc_call_reply(c, login, sizeof(login));
        sd_rpc_call_status(c, SD_GRPC_OK, "%s", "");
    } else if(!c->authorization) {
        sd_rpc_call_status(c, SD_GRPC_UNAUTHENTICATED, "missing, expired or revoked session");
    } else if(sd_rpc_call_reply(c, c->req, c->req_len) == SD_OK) {
        sd_rpc_call_status(c, SD_GRPC_OK, "%s", "");
    } else {
        sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED, "no");
    }
}

static int
drain(struct sd_h2 *h, struct sd_buf *out)
{
    sd_err e;

    do {
        out->len = 0;
        e = sd_h2_send(h, out, 65536);
    } while(e == SD_OK && out->len > 0);
    return e == SD_OK ? 0 : -1;
}

static void
run_jobs(struct sd_h2 *h, struct pending *p)
{
    while(p->head) {
        struct sd_h2_job *j = p->head;

        p->head = j->next;
        p->n--;
        sd_h2_job_run(j, handler, NULL);
        sd_h2_complete(h, j);
    }
}

static void
fuzz_session(const uint8_t *d, size_t n)
{
    struct pending p = {NULL, 0};
    struct sd_h2_opts o;
    struct sd_h2 *h = NULL;
    struct sd_buf out = SD_BUF_INIT;
    size_t pos = 0, chunk = 4096;

    memset(&o, 0, sizeof(o));
    o.submit = submit;
    o.ctx = &p;
    o.conn_id = 1;
    o.files = table();
    if(sd_h2_new(&h, &o) != SD_OK || sd_h2_recv(h, preface, sizeof(preface) - 1) != SD_OK)
        abort();
    while(pos < n) {
        size_t k = n - pos < chunk ? n - pos : chunk;

        if(sd_h2_recv(h, d + pos, k) != SD_OK)
            break;
        pos += k;
        run_jobs(h, &p);
        if(drain(h, &out) != 0 || sd_h2_done(h))
            break;
    }
    run_jobs(h, &p);
    sd_h2_shutdown(h);
    (void)drain(h, &out);
    while(p.head) {
        struct sd_h2_job *j = p.head;

        p.head = j->next;
        sd_h2_job_free(j);
    }
    sd_h2_free(h);
    sd_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sd_log_set_level(SD_LOG_ERROR);
    if(size < 1)
        return 0;
    switch(data[0]) {
    case 0:
        fuzz_cookie(data + 1, size - 1);
        break;
    case 1:
        fuzz_origin(data + 1, size - 1);
        break;
    case 2:
        fuzz_lookup(data + 1, size - 1);
        break;
    case 3:
        fuzz_frame(data + 1, size - 1);
        break;
    default:
        fuzz_session(data + 1, size - 1);
        break;
    }
    return 0;
}
