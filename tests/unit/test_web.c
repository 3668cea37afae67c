/* Unit tests for src/web (issue #16: the console's static file table, security headers, the
 * __Host-sealdesk cookie, the same-origin rule, the gRPC-Web trailer frame), for the Login
 * reply rewrite (src/rpc/web_login.c), and for the web side of src/rpc/h2.c through an
 * in-memory nghttp2 client (no TLS): GET of a file, 404s, 403 cross-origin with nothing
 * submitted, 415 for grpc-web-text, a gRPC-Web call authenticated by the cookie whose answer
 * ends with the 0x80 trailer frame and no HTTP/2 trailers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <nghttp2/nghttp2.h>

#include "rpc/rpc_int.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/authz.h"
#include "sealdesk/rpc.h"
#include "sealdesk/web.h"

#define TOK64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- a scratch console directory ---- */

static char dir[64];

static void
put(const char *rel, const char *text)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A file of n bytes (sparse: cheap to make, read as zeros). */
static void
put_size(const char *rel, off_t n)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), n), 0);
    assert_int_equal(fclose(f), 0);
}

static void
mkd(const char *rel)
{
    char p[256];

    snprintf(p, sizeof(p), "%s/%s", dir, rel);
    assert_int_equal(mkdir(p, 0700), 0);
}

static int
dir_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/sdweb.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int
dir_teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- static files ---- */

static void
test_files_load_serves_safe_regular_files_only(void **state)
{
    struct sd_web_files *f = NULL;
    const struct sd_web_file *x;
    char p[256], target[256], why[128];

    (void)state;
    put("index.html", "<!doctype html>");
    mkd("assets");
    put("assets/app.js", "console.log(1)");
    put("assets/app.css", "body{}");
    put(".hidden.js", "x");  /* dot file */
    put("bad name.js", "x"); /* outside the charset */
    put("a..b.js", "x");     /* ".." in a name */
    put("tool.exe", "x");    /* type not served */
    mkd(".git");
    put(".git/config.txt", "x"); /* dot directory */
    snprintf(target, sizeof(target), "%s/index.html", dir);
    snprintf(p, sizeof(p), "%s/link.html", dir);
    assert_int_equal(symlink(target, p), 0); /* symlinks are not followed */
    snprintf(p, sizeof(p), "%s/pipe.txt", dir);
    assert_int_equal(mkfifo(p, 0600), 0); /* not a regular file */

    assert_int_equal(sd_web_files_load(&f, dir, why, sizeof(why)), SD_OK);
    assert_int_equal(sd_web_files_count(f), 3);
    x = sd_web_files_find(f, "/", 1);
    assert_non_null(x);
    assert_string_equal(x->path, "/index.html");
    assert_string_equal(x->content_type, "text/html; charset=utf-8");
    assert_int_equal(x->len, strlen("<!doctype html>"));
    assert_memory_equal(x->data, "<!doctype html>", x->len);
    x = sd_web_files_find(f, "/assets/app.js", strlen("/assets/app.js"));
    assert_non_null(x);
    assert_string_equal(x->content_type, "text/javascript; charset=utf-8");
    assert_non_null(sd_web_files_find(f, "/assets/app.css", 15));
    /* exact paths only */
    assert_null(sd_web_files_find(f, "/assets", 7));
    assert_null(sd_web_files_find(f, "/assets/", 8));
    assert_null(sd_web_files_find(f, "/index.html/", 12));
    assert_null(sd_web_files_find(f, "/INDEX.HTML", 11));
    assert_null(sd_web_files_find(f, "/assets/../index.html", 21));
    assert_null(sd_web_files_find(f, "/link.html", 10));
    assert_null(sd_web_files_find(f, "/.hidden.js", 11));
    assert_null(sd_web_files_find(f, "/pipe.txt", 9));
    assert_null(sd_web_files_find(f, "/index.html\0x", 13)); /* NUL inside */
    /* a prefix of the path is not the file */
    assert_non_null(sd_web_files_find(f, "/index.html?x", 11));
    sd_web_files_free(f);
    assert_null(sd_web_files_find(NULL, "/", 1));
}

static void
test_files_load_refuses_past_the_limits(void **state)
{
    struct sd_web_files *f = NULL;
    char why[128];

    (void)state;
    /* one file over 8 MiB */
    put_size("big.js", (off_t)SD_WEB_MAX_FILE_BYTES + 1);
    assert_int_equal(sd_web_files_load(&f, dir, why, sizeof(why)), SD_E_LIMIT);
    assert_null(f);
    assert_non_null(strstr(why, "MiB"));
    /* exactly 8 MiB is fine */
    put_size("big.js", (off_t)SD_WEB_MAX_FILE_BYTES);
    assert_int_equal(sd_web_files_load(&f, dir, why, sizeof(why)), SD_OK);
    sd_web_files_free(f);
    /* over 32 MiB in all */
    put_size("b2.js", (off_t)SD_WEB_MAX_FILE_BYTES);
    put_size("b3.js", (off_t)SD_WEB_MAX_FILE_BYTES);
    put_size("b4.js", (off_t)SD_WEB_MAX_FILE_BYTES);
    put_size("b5.js", 1);
    f = NULL;
    assert_int_equal(sd_web_files_load(&f, dir, why, sizeof(why)), SD_E_LIMIT);
    assert_non_null(strstr(why, "in all"));
    assert_null(f);
}

static void
test_files_load_refuses_more_than_512_files(void **state)
{
    struct sd_web_files *f = NULL;
    char why[128], name[32];

    (void)state;
    for(int i = 0; i < SD_WEB_MAX_FILES; i++) {
        snprintf(name, sizeof(name), "f%d.txt", i);
        put(name, "x");
    }
    assert_int_equal(sd_web_files_load(&f, dir, why, sizeof(why)), SD_OK);
    assert_int_equal(sd_web_files_count(f), SD_WEB_MAX_FILES);
    sd_web_files_free(f);
    put("one-more.txt", "x");
    f = NULL;
    assert_int_equal(sd_web_files_load(&f, dir, why, sizeof(why)), SD_E_LIMIT);
    assert_non_null(strstr(why, "512"));
}

static void
test_files_load_missing_dir_is_notfound(void **state)
{
    struct sd_web_files *f = NULL;
    char why[128];

    (void)state;
    assert_int_equal(sd_web_files_load(&f, "/nonexistent/sealdesk-console", why, sizeof(why)),
                     SD_E_NOTFOUND);
    assert_null(f);
    assert_non_null(strstr(why, "console_dir"));
    assert_int_equal(sd_web_files_load(&f, "", why, sizeof(why)), SD_E_INVALID);
}

static void
test_content_types_by_extension(void **state)
{
    (void)state;
    assert_string_equal(sd_web_content_type("a.html"), "text/html; charset=utf-8");
    assert_string_equal(sd_web_content_type("a.mjs"), "text/javascript; charset=utf-8");
    assert_string_equal(sd_web_content_type("a.svg"), "image/svg+xml");
    assert_string_equal(sd_web_content_type("a.png"), "image/png");
    assert_string_equal(sd_web_content_type("a.woff2"), "font/woff2");
    assert_string_equal(sd_web_content_type("a.json"), "application/json");
    assert_string_equal(sd_web_content_type("a.js.map"), "application/json");
    assert_string_equal(sd_web_content_type("a.ico"), "image/x-icon");
    assert_string_equal(sd_web_content_type("a.txt"), "text/plain; charset=utf-8");
    assert_null(sd_web_content_type("a.exe"));
    assert_null(sd_web_content_type("Makefile"));
    assert_null(sd_web_content_type("a.HTML")); /* exact, lower case */
}

/* ---- headers, content types ---- */

static void
test_security_headers_are_the_contract(void **state)
{
    const struct sd_web_header *h = sd_web_security_headers();

    (void)state;
    assert_string_equal(h[0].name, "content-security-policy");
    assert_string_equal(h[0].value,
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src "
                        "'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                        "form-action 'self'; frame-ancestors 'none'; require-trusted-types-for "
                        "'script'; trusted-types 'none'");
    assert_string_equal(h[1].name, "strict-transport-security");
    assert_string_equal(h[1].value, "max-age=63072000; includeSubDomains");
    assert_string_equal(h[2].name, "x-content-type-options");
    assert_string_equal(h[2].value, "nosniff");
    assert_string_equal(h[3].name, "referrer-policy");
    assert_string_equal(h[3].value, "no-referrer");
    assert_string_equal(h[4].name, "cache-control");
    assert_string_equal(h[4].value, "no-store");
    assert_string_equal(h[5].name, "x-frame-options");
    assert_string_equal(h[5].value, "DENY");
}

#define KIND(s) sd_web_content_kind((const uint8_t *)(s), strlen(s))

static void
test_content_kind_tells_grpc_web_apart(void **state)
{
    (void)state;
    assert_int_equal(KIND("application/grpc-web"), SD_WEB_CT_GRPC_WEB);
    assert_int_equal(KIND("application/grpc-web+proto"), SD_WEB_CT_GRPC_WEB);
    assert_int_equal(KIND("Application/GRPC-Web+proto; charset=x"), SD_WEB_CT_GRPC_WEB);
    assert_int_equal(KIND("application/grpc-web-text"), SD_WEB_CT_GRPC_WEB_TEXT);
    assert_int_equal(KIND("application/grpc-web-text+proto"), SD_WEB_CT_GRPC_WEB_TEXT);
    assert_int_equal(KIND("application/grpc"), SD_WEB_CT_OTHER);
    assert_int_equal(KIND("application/grpc+proto"), SD_WEB_CT_OTHER);
    assert_int_equal(KIND("application/grpc-webx"), SD_WEB_CT_OTHER);
    assert_int_equal(KIND("application/grpc-web+json"), SD_WEB_CT_OTHER);
    assert_int_equal(KIND(""), SD_WEB_CT_OTHER);
}

/* ---- cookie ---- */

static const char *
cookie_of(struct sd_web_cookie *c, const char *a, const char *b)
{
    sd_web_cookie_init(c);
    sd_web_cookie_feed(c, (const uint8_t *)a, strlen(a));
    if(b)
        sd_web_cookie_feed(c, (const uint8_t *)b, strlen(b));
    return sd_web_cookie_token(c);
}

static void
test_cookie_finds_the_session_among_others(void **state)
{
    struct sd_web_cookie c;

    (void)state;
    assert_string_equal(cookie_of(&c, "__Host-sealdesk=" TOK64, NULL), TOK64);
    assert_string_equal(cookie_of(&c, "theme=dark; __Host-sealdesk=" TOK64 "; lang=zh", NULL),
                        TOK64);
    assert_string_equal(cookie_of(&c, "  __Host-sealdesk=" TOK64 " ;", NULL), TOK64);
    /* HTTP/2 may split cookies over several headers */
    assert_string_equal(cookie_of(&c, "theme=dark", "__Host-sealdesk=" TOK64), TOK64);
    /* base64url tokens fit the charset too */
    assert_string_equal(cookie_of(&c, "__Host-sealdesk=AbC_-0123456789xyz", NULL),
                        "AbC_-0123456789xyz");
    sd_web_cookie_clear(&c);
    assert_int_equal(c.token[0], 0);
    assert_null(sd_web_cookie_token(&c));
}

static void
test_cookie_refuses_duplicates_and_bad_values(void **state)
{
    struct sd_web_cookie c;
    char longv[SD_WEB_TOKEN_MAX + 40];

    (void)state;
    assert_null(cookie_of(&c, "", NULL));
    assert_null(cookie_of(&c, "theme=dark", NULL));
    /* duplicate, in one header or across two, same value or not */
    assert_null(cookie_of(&c, "__Host-sealdesk=" TOK64 "; __Host-sealdesk=" TOK64, NULL));
    assert_null(cookie_of(&c, "__Host-sealdesk=" TOK64, "__Host-sealdesk=ffffffffffffffffff"));
    /* a duplicate also wipes the first token */
    assert_int_equal(c.token[0], 0);
    /* bad values */
    assert_null(cookie_of(&c, "__Host-sealdesk=", NULL));
    assert_null(cookie_of(&c, "__Host-sealdesk=short", NULL));
    assert_null(cookie_of(&c, "__Host-sealdesk=\"" TOK64 "\"", NULL));
    assert_null(cookie_of(&c, "__Host-sealdesk=" TOK64 "%00", NULL));
    assert_null(cookie_of(&c, "__Host-sealdesk=0123456789abcdef 0123", NULL));
    memset(longv, 0, sizeof(longv));
    strcpy(longv, "__Host-sealdesk=");
    memset(longv + strlen(longv), 'a', SD_WEB_TOKEN_MAX + 1);
    assert_null(cookie_of(&c, longv, NULL));
    /* a good one next to a bad one of the same name: no session */
    assert_null(cookie_of(&c, "__Host-sealdesk=bad!value!here!!", "__Host-sealdesk=" TOK64));
    /* other names: case matters, prefixes do not match */
    assert_null(cookie_of(&c, "__host-sealdesk=" TOK64, NULL));
    assert_null(cookie_of(&c, "__Host-sealdeskx=" TOK64, NULL));
    assert_null(cookie_of(&c, "x__Host-sealdesk=" TOK64, NULL));
    assert_null(cookie_of(&c, "__Host-sealdesk " TOK64, NULL));
    sd_web_cookie_clear(&c);
}

static void
test_set_cookie_has_every_attribute(void **state)
{
    char out[SD_WEB_SET_COOKIE_MAX], small[40];

    (void)state;
    assert_int_equal(sd_web_set_cookie(out, sizeof(out), TOK64, SD_SESSION_TTL), SD_OK);
    assert_string_equal(out, "__Host-sealdesk=" TOK64
                             "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=28800");
    assert_int_equal(sd_web_set_cookie(out, sizeof(out), NULL, 0), SD_OK);
    assert_string_equal(out, "__Host-sealdesk=; Path=/; Secure; HttpOnly; SameSite=Strict; "
                             "Max-Age=0");
    assert_int_equal(sd_web_set_cookie(out, sizeof(out), "a;b", 1), SD_E_INVALID);
    assert_int_equal(sd_web_set_cookie(out, sizeof(out), "a\r\nx: y", 1), SD_E_INVALID);
    assert_string_equal(out, "");
    assert_int_equal(sd_web_set_cookie(small, sizeof(small), TOK64, 1), SD_E_LIMIT);
    assert_string_equal(small, "");
}

static void
test_same_origin_rule(void **state)
{
    (void)state;
    assert_true(sd_web_same_origin("https://127.0.0.1:7443", "127.0.0.1:7443", false));
    assert_true(sd_web_same_origin("https://Desk.Example", "desk.example", false));
    assert_true(sd_web_same_origin(NULL, NULL, true)); /* sec-fetch-site: same-origin */
    assert_false(sd_web_same_origin("http://127.0.0.1:7443", "127.0.0.1:7443", false));
    assert_false(sd_web_same_origin("https://evil.example", "127.0.0.1:7443", false));
    assert_false(sd_web_same_origin("https://127.0.0.1:7443.evil", "127.0.0.1:7443", false));
    assert_false(sd_web_same_origin("https://127.0.0.1:744", "127.0.0.1:7443", false));
    assert_false(sd_web_same_origin("https://127.0.0.1", "127.0.0.1:7443", false));
    assert_false(sd_web_same_origin("null", "127.0.0.1:7443", false));
    assert_false(sd_web_same_origin(NULL, "127.0.0.1:7443", false));
    assert_false(sd_web_same_origin("https://", "", false));
    assert_false(sd_web_same_origin("https://x", NULL, false));
}

static void
test_trailer_frame_bytes(void **state)
{
    struct sd_buf b = SD_BUF_INIT;
    static const char want[] = "grpc-status:16\r\ngrpc-message:no%20session\r\n";

    (void)state;
    assert_int_equal(sd_web_trailer_frame(&b, 16, "no%20session"), SD_OK);
    assert_int_equal(b.len, 5 + strlen(want));
    assert_int_equal(b.data[0], 0x80);
    assert_int_equal(sd_get_u32be(b.data + 1), strlen(want));
    assert_memory_equal(b.data + 5, want, strlen(want));
    b.len = 0;
    assert_int_equal(sd_web_trailer_frame(&b, 0, ""), SD_OK);
    assert_memory_equal(b.data + 5, "grpc-status:0\r\ngrpc-message:\r\n", b.len - 5);
    b.len = 0;
    assert_int_equal(sd_web_trailer_frame(&b, 17, ""), SD_E_INVALID);
    assert_int_equal(sd_web_trailer_frame(&b, -1, ""), SD_E_INVALID);
    assert_int_equal(sd_web_trailer_frame(&b, 3, "a\r\nset-cookie: x"), SD_E_INVALID);
    assert_int_equal(b.len, 0);
    sd_buf_free(&b);
}

/* ---- Login reply rewrite ---- */

static void
test_login_reply_moves_the_token_into_the_cookie(void **state)
{
    Sealdesk__V1__LoginResponse pb = SEALDESK__V1__LOGIN_RESPONSE__INIT, *back;
    struct sd_rpc_call c;
    uint8_t buf[256];
    size_t n;
    char cookie[SD_WEB_SET_COOKIE_MAX];

    (void)state;
    memset(&c, 0, sizeof(c));
    pb.token = (char *)TOK64;
    pb.expires_at = (char *)"2026-01-01T08:00:00Z";
    pb.user = (char *)"wei";
    pb.roles = (char *)"agent";
    n = sealdesk__v1__login_response__pack(&pb, buf);
    assert_int_equal(sd_rpc_call_reply(&c, buf, n), SD_OK);
    assert_int_equal(sd_rpc_web_login_reply(&c, cookie, sizeof(cookie)), SD_OK);
    assert_string_equal(cookie, "__Host-sealdesk=" TOK64
                                "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=28800");
    assert_int_equal(c.n_msgs, 1);
    assert_null(memmem(c.msgs[0].data, c.msgs[0].len, TOK64, 64));
    back = sealdesk__v1__login_response__unpack(NULL, c.msgs[0].len, c.msgs[0].data);
    assert_non_null(back);
    assert_string_equal(back->token, "");
    assert_string_equal(back->user, "wei");
    assert_string_equal(back->roles, "agent");
    assert_string_equal(back->expires_at, "2026-01-01T08:00:00Z");
    sealdesk__v1__login_response__free_unpacked(back, NULL);
    /* a reply without a token (or not one message) is an internal error, no cookie */
    assert_int_equal(sd_rpc_web_login_reply(&c, cookie, sizeof(cookie)), SD_E_INTERNAL);
    assert_string_equal(cookie, "");
    sd_rpc_call_clear(&c);
    assert_int_equal(sd_rpc_web_login_reply(&c, cookie, sizeof(cookie)), SD_E_INTERNAL);
}

/* ---- h2 with an in-memory client ---- */

struct res {
    struct sd_h2 *h;
    int submitted;
    char auth[128]; /* authorization the job carried */
    int http;       /* :status */
    bool trailers;  /* HTTP/2 trailers seen (there must be none for gRPC-Web) */
    bool ended;
    char ctype[64];
    char cookie[SD_WEB_SET_COOKIE_MAX];
    int n_sec; /* security headers seen */
    struct sd_buf body;
    const uint8_t *req;
    size_t req_len, req_off;
    int reply_status;
};

static sd_err
submit(void *ctx, struct sd_h2_job *job)
{
    struct res *r = ctx;
    static const uint8_t msg[] = {0x0a, 0x01, 'x'};

    r->submitted++;
    snprintf(r->auth, sizeof(r->auth), "%s", job->authorization ? job->authorization : "");
    if(r->reply_status == SD_GRPC_OK)
        assert_int_equal(sd_rpc_call_reply(&job->call, msg, sizeof(msg)), SD_OK);
    sd_rpc_call_status(&job->call, r->reply_status, "%s", r->reply_status ? "no session" : "");
    sd_h2_complete(r->h, job);
    return SD_OK;
}

static ssize_t
cl_read(nghttp2_session *ng, int32_t id, uint8_t *buf, size_t cap, uint32_t *flags,
        nghttp2_data_source *src, void *user)
{
    struct res *r = src->ptr;
    size_t n = r->req_len - r->req_off < cap ? r->req_len - r->req_off : cap;

    (void)ng;
    (void)id;
    (void)user;
    memcpy(buf, r->req + r->req_off, n);
    r->req_off += n;
    if(r->req_off == r->req_len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

static int
cl_header(nghttp2_session *ng, const nghttp2_frame *frame, const uint8_t *name, size_t nl,
          const uint8_t *value, size_t vl, uint8_t flags, void *user)
{
    struct res *r = user;
    const struct sd_web_header *sec = sd_web_security_headers();

    (void)ng;
    (void)flags;
    if(frame->headers.cat == NGHTTP2_HCAT_HEADERS) {
        r->trailers = true;
        return 0;
    }
    if(nl == 7 && memcmp(name, ":status", 7) == 0)
        r->http = atoi((const char *)value); /* nghttp2 NUL-terminates values */
    else if(nl == 12 && memcmp(name, "content-type", 12) == 0)
        snprintf(r->ctype, sizeof(r->ctype), "%.*s", (int)vl, value);
    else if(nl == 10 && memcmp(name, "set-cookie", 10) == 0)
        snprintf(r->cookie, sizeof(r->cookie), "%.*s", (int)vl, value);
    for(size_t i = 0; i < SD_WEB_N_HEADERS; i++)
        if(strlen(sec[i].name) == nl && memcmp(name, sec[i].name, nl) == 0 &&
           strlen(sec[i].value) == vl && memcmp(value, sec[i].value, vl) == 0)
            r->n_sec++;
    return 0;
}

static int
cl_data(nghttp2_session *ng, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *user)
{
    struct res *r = user;

    (void)ng;
    (void)flags;
    (void)id;
    assert_int_equal(sd_buf_append(&r->body, data, len), SD_OK);
    return 0;
}

static int
cl_close(nghttp2_session *ng, int32_t id, uint32_t code, void *user)
{
    struct res *r = user;

    (void)ng;
    (void)id;
    (void)code;
    r->ended = true;
    return 0;
}

/* One request: method, path, content-type (NULL: none), extra header pairs, body (NULL: none);
 * files NULL: no console_dir. */
static void
h2_req(struct res *r, const struct sd_web_files *files, const char *method, const char *path,
       const char *ctype, const char *const *extra, const uint8_t *body, size_t body_len)
{
    struct sd_h2_opts o;
    nghttp2_session_callbacks *cbs = NULL;
    nghttp2_session *cl = NULL;
    struct sd_buf out = SD_BUF_INIT;
    nghttp2_nv hdr[16];
    size_t n = 0;
    nghttp2_data_provider prd;
    int reply_status = r->reply_status;

#define NV(a, b) \
    (nghttp2_nv){(uint8_t *)(a), (uint8_t *)(b), strlen(a), strlen(b), NGHTTP2_NV_FLAG_NONE}
    memset(r, 0, sizeof(*r));
    r->reply_status = reply_status;
    hdr[n++] = NV(":method", method);
    hdr[n++] = NV(":scheme", "https");
    hdr[n++] = NV(":path", path);
    hdr[n++] = NV(":authority", "desk.example:7443");
    if(ctype)
        hdr[n++] = NV("content-type", ctype);
    for(size_t i = 0; extra && extra[i]; i += 2)
        hdr[n++] = NV(extra[i], extra[i + 1]);
    memset(&o, 0, sizeof(o));
    o.submit = submit;
    o.ctx = r;
    o.conn_id = 1;
    o.files = files;
    assert_int_equal(sd_h2_new(&r->h, &o), SD_OK);
    assert_int_equal(nghttp2_session_callbacks_new(&cbs), 0);
    nghttp2_session_callbacks_set_on_header_callback(cbs, cl_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, cl_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, cl_close);
    assert_int_equal(nghttp2_session_client_new(&cl, cbs, r), 0);
    assert_int_equal(nghttp2_submit_settings(cl, NGHTTP2_FLAG_NONE, NULL, 0), 0);
    r->req = body;
    r->req_len = body_len;
    prd.source.ptr = r;
    prd.read_callback = cl_read;
    assert_true(nghttp2_submit_request(cl, NULL, hdr, n, body ? &prd : NULL, NULL) > 0);
    for(int rounds = 0; rounds < 1000 && !r->ended; rounds++) {
        const uint8_t *p = NULL;
        ssize_t k;
        bool moved = false;

        while((k = nghttp2_session_mem_send(cl, &p)) > 0) {
            moved = true;
            assert_int_equal(sd_h2_recv(r->h, p, (size_t)k), SD_OK);
        }
        out.len = 0;
        assert_int_equal(sd_h2_send(r->h, &out, 1 << 20), SD_OK);
        if(out.len) {
            moved = true;
            assert_true(nghttp2_session_mem_recv(cl, out.data, out.len) >= 0);
        }
        if(!moved)
            break;
    }
    nghttp2_session_del(cl);
    nghttp2_session_callbacks_del(cbs);
    sd_h2_free(r->h);
    sd_buf_free(&out);
#undef NV
}

static const uint8_t empty_req[5] = {0, 0, 0, 0, 0};

static void
test_h2_get_serves_files_with_security_headers(void **state)
{
    struct sd_web_files *f = NULL;
    struct res r = {0};

    (void)state;
    put("index.html", "<p>hi</p>");
    assert_int_equal(sd_web_files_load(&f, dir, NULL, 0), SD_OK);
    h2_req(&r, f, "GET", "/", NULL, NULL, NULL, 0);
    assert_int_equal(r.http, 200);
    assert_string_equal(r.ctype, "text/html; charset=utf-8");
    assert_int_equal(r.n_sec, SD_WEB_N_HEADERS);
    assert_int_equal(r.body.len, 9);
    assert_memory_equal(r.body.data, "<p>hi</p>", 9);
    assert_int_equal(r.submitted, 0);
    sd_buf_free(&r.body);
    h2_req(&r, f, "HEAD", "/index.html?x=1", NULL, NULL, NULL, 0);
    assert_int_equal(r.http, 200);
    assert_int_equal(r.body.len, 0);
    sd_buf_free(&r.body);
    h2_req(&r, f, "GET", "/missing.js", NULL, NULL, NULL, 0);
    assert_int_equal(r.http, 404);
    assert_int_equal(r.n_sec, SD_WEB_N_HEADERS);
    sd_buf_free(&r.body);
    h2_req(&r, f, "PUT", "/", NULL, NULL, NULL, 0);
    assert_int_equal(r.http, 405);
    assert_int_equal(r.n_sec, SD_WEB_N_HEADERS);
    sd_buf_free(&r.body);
    /* no console_dir */
    h2_req(&r, NULL, "GET", "/", NULL, NULL, NULL, 0);
    assert_int_equal(r.http, 404);
    assert_non_null(memmem(r.body.data, r.body.len, "console not configured", 22));
    sd_buf_free(&r.body);
    sd_web_files_free(f);
}

static void
test_h2_grpc_web_refuses_cross_origin_and_text_before_dispatch(void **state)
{
    struct res r = {0};
    const char *const evil[] = {"origin", "https://evil.example", "cookie",
                                "__Host-sealdesk=" TOK64, NULL};
    const char *const same[] = {"origin", "https://desk.example:7443", NULL};

    (void)state;
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Auth/Logout", "application/grpc-web+proto", evil,
           empty_req, sizeof(empty_req));
    assert_int_equal(r.http, 403);
    assert_int_equal(r.submitted, 0);
    assert_int_equal(r.n_sec, SD_WEB_N_HEADERS);
    sd_buf_free(&r.body);
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Auth/Logout", "application/grpc-web+proto", NULL,
           empty_req, sizeof(empty_req));
    assert_int_equal(r.http, 403); /* neither origin nor sec-fetch-site */
    assert_int_equal(r.submitted, 0);
    sd_buf_free(&r.body);
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Tickets/List", "application/grpc-web-text", same,
           empty_req, sizeof(empty_req));
    assert_int_equal(r.http, 415);
    assert_int_equal(r.submitted, 0);
    sd_buf_free(&r.body);
}

static void
test_h2_grpc_web_call_uses_the_cookie_and_ends_with_the_trailer_frame(void **state)
{
    struct res r = {0};
    const char *const ck[] = {"origin", "https://desk.example:7443", "cookie", "a=b",
                              "cookie", "__Host-sealdesk=" TOK64,    NULL};
    const char *const sfs[] = {"sec-fetch-site", "same-origin", NULL};
    static const char trailer[] = "grpc-status:0\r\ngrpc-message:\r\n";
    const char *const logout[] = {"sec-fetch-site", "same-origin", "cookie",
                                  "__Host-sealdesk=" TOK64, NULL};

    (void)state;
    r.reply_status = SD_GRPC_OK;
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Tickets/List", "application/grpc-web+proto", ck,
           empty_req, sizeof(empty_req));
    assert_int_equal(r.http, 200);
    assert_int_equal(r.submitted, 1);
    assert_string_equal(r.auth, "Bearer " TOK64);
    assert_string_equal(r.ctype, "application/grpc-web+proto");
    assert_int_equal(r.n_sec, SD_WEB_N_HEADERS);
    assert_false(r.trailers);
    assert_string_equal(r.cookie, "");
    /* one message frame (flag 0), then the trailer frame (flag 0x80) */
    assert_int_equal(r.body.len, 5 + 3 + 5 + strlen(trailer));
    assert_int_equal(r.body.data[0], 0);
    assert_int_equal(sd_get_u32be(r.body.data + 1), 3);
    assert_int_equal(r.body.data[8], 0x80);
    assert_memory_equal(r.body.data + 13, trailer, strlen(trailer));
    sd_buf_free(&r.body);

    /* no cookie: the job carries no authorization; an early refusal is a trailer frame too */
    r.reply_status = SD_GRPC_UNAUTHENTICATED;
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Tickets/List", "application/grpc-web", sfs, empty_req,
           sizeof(empty_req));
    assert_int_equal(r.submitted, 1);
    assert_string_equal(r.auth, "");
    assert_int_equal(r.body.data[0], 0x80);
    assert_non_null(memmem(r.body.data, r.body.len, "grpc-status:16\r\n", 16));
    sd_buf_free(&r.body);
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Tickets/List", "application/grpc-web", sfs, NULL, 0);
    assert_int_equal(r.submitted, 0); /* no request message */
    assert_int_equal(r.http, 200);
    assert_false(r.trailers);
    assert_non_null(memmem(r.body.data, r.body.len, "grpc-status:3\r\n", 15));
    sd_buf_free(&r.body);

    /* Logout expires the cookie */
    r.reply_status = SD_GRPC_OK;
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Auth/Logout", "application/grpc-web", logout, empty_req,
           sizeof(empty_req));
    assert_string_equal(r.cookie, "__Host-sealdesk=; Path=/; Secure; HttpOnly; SameSite=Strict; "
                                  "Max-Age=0");
    sd_buf_free(&r.body);
}

static void
test_h2_native_grpc_gets_security_headers_and_keeps_trailers(void **state)
{
    struct res r = {0};
    const char *const te[] = {"te", "trailers", NULL};

    (void)state;
    r.reply_status = SD_GRPC_OK;
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Tickets/List", "application/grpc", te, empty_req,
           sizeof(empty_req));
    assert_int_equal(r.http, 200);
    assert_int_equal(r.submitted, 1);
    assert_true(r.trailers);
    assert_int_equal(r.n_sec, SD_WEB_N_HEADERS);
    sd_buf_free(&r.body);
    /* without te: trailers the native check still refuses it */
    h2_req(&r, NULL, "POST", "/sealdesk.v1.Tickets/List", "application/grpc", NULL, empty_req,
           sizeof(empty_req));
    assert_int_equal(r.submitted, 0);
    sd_buf_free(&r.body);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_load_serves_safe_regular_files_only, dir_setup,
                                        dir_teardown),
        cmocka_unit_test_setup_teardown(test_files_load_refuses_past_the_limits, dir_setup,
                                        dir_teardown),
        cmocka_unit_test_setup_teardown(test_files_load_refuses_more_than_512_files, dir_setup,
                                        dir_teardown),
        cmocka_unit_test(test_files_load_missing_dir_is_notfound),
        cmocka_unit_test(test_content_types_by_extension),
        cmocka_unit_test(test_security_headers_are_the_contract),
        cmocka_unit_test(test_content_kind_tells_grpc_web_apart),
        cmocka_unit_test(test_cookie_finds_the_session_among_others),
        cmocka_unit_test(test_cookie_refuses_duplicates_and_bad_values),
        cmocka_unit_test(test_set_cookie_has_every_attribute),
        cmocka_unit_test(test_same_origin_rule),
        cmocka_unit_test(test_trailer_frame_bytes),
        cmocka_unit_test(test_login_reply_moves_the_token_into_the_cookie),
        cmocka_unit_test_setup_teardown(test_h2_get_serves_files_with_security_headers, dir_setup,
                                        dir_teardown),
        cmocka_unit_test(test_h2_grpc_web_refuses_cross_origin_and_text_before_dispatch),
        cmocka_unit_test(test_h2_grpc_web_call_uses_the_cookie_and_ends_with_the_trailer_frame),
        cmocka_unit_test(test_h2_native_grpc_gets_security_headers_and_keeps_trailers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
