/* The HTTP side of the console contract (issue #16), as pure functions: the security headers,
 * gRPC-Web content types, the __Host-sealdesk session cookie (parse, build), the same-origin
 * rule and the gRPC-Web trailer frame. src/rpc/h2.c calls them; tests/fuzz/fuzz_web.c too. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/web.h"
#include "util/err_int.h"

// clang-format off: the exact header values of the contract, one per line
static const struct sd_web_header security_headers[SD_WEB_N_HEADERS] = {
    {"content-security-policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
     "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'"},
    {"strict-transport-security", "max-age=63072000; includeSubDomains"},
    {"x-content-type-options", "nosniff"},
    {"referrer-policy", "no-referrer"},
    {"cache-control", "no-store"},
    {"x-frame-options", "DENY"},
};
// clang-format on

const struct sd_web_header *
sd_web_security_headers(void)
{
    return security_headers;
}

static char
lower(char c)
{
    if(c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a'); // NOLINT(bugprone-narrowing-conversions): a-z fit a char
    return c;
}

/* v[0..n) starts with lit (ASCII case ignored) followed by the end, ';' or a space. */
static bool
type_is(const uint8_t *v, size_t n, const char *lit)
{
    size_t l = strlen(lit);

    if(n < l)
        return false;
    for(size_t i = 0; i < l; i++)
        if(lower((char)v[i]) != lit[i])
            return false;
    return n == l || v[l] == ';' || v[l] == ' ' || v[l] == '\t';
}

enum sd_web_ctype
sd_web_content_kind(const uint8_t *v, size_t n)
{
    if(!v)
        return SD_WEB_CT_OTHER;
    if(type_is(v, n, "application/grpc-web") || type_is(v, n, "application/grpc-web+proto"))
        return SD_WEB_CT_GRPC_WEB;
    if(type_is(v, n, "application/grpc-web-text") ||
       type_is(v, n, "application/grpc-web-text+proto"))
        return SD_WEB_CT_GRPC_WEB_TEXT;
    return SD_WEB_CT_OTHER;
}

static bool
token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

void
sd_web_cookie_init(struct sd_web_cookie *c)
{
    memset(c, 0, sizeof(*c));
}

void
sd_web_cookie_clear(struct sd_web_cookie *c)
{
    sodium_memzero(c, sizeof(*c));
}

static bool
is_ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* One "name=value" pair of a cookie header, spaces around it already trimmed. */
static void
cookie_pair(struct sd_web_cookie *c, const uint8_t *p, size_t n)
{
    static const char name[] = SD_WEB_COOKIE_NAME;
    const size_t nl = sizeof(name) - 1;
    const uint8_t *v;
    size_t vl;
    bool ok;

    /* The name is matched exactly (RFC 6265bis: cookie names are case-sensitive). */
    if(n < nl + 1 || memcmp(p, name, nl) != 0 || p[nl] != '=')
        return;
    c->seen++;
    v = p + nl + 1;
    vl = n - nl - 1;
    ok = vl >= SD_WEB_TOKEN_MIN && vl <= SD_WEB_TOKEN_MAX;
    for(size_t i = 0; ok && i < vl; i++)
        ok = token_char((char)v[i]);
    if(!ok || c->seen > 1) {
        c->bad = true;
        sodium_memzero(c->token, sizeof(c->token));
        c->len = 0;
        return;
    }
    memcpy(c->token, v, vl);
    c->token[vl] = 0;
    c->len = vl;
}

void
sd_web_cookie_feed(struct sd_web_cookie *c, const uint8_t *v, size_t n)
{
    size_t i = 0;

    if(!c || !v)
        return;
    while(i < n) {
        size_t start, end;

        while(i < n && (is_ows(v[i]) || v[i] == ';'))
            i++;
        start = i;
        while(i < n && v[i] != ';')
            i++;
        end = i;
        while(end > start && is_ows(v[end - 1]))
            end--;
        if(end > start)
            cookie_pair(c, v + start, end - start);
    }
}

const char *
sd_web_cookie_token(const struct sd_web_cookie *c)
{
    if(!c || c->bad || c->seen != 1 || c->len == 0)
        return NULL;
    return c->token;
}

sd_err
sd_web_set_cookie(char *out, size_t cap, const char *token, uint64_t max_age_s)
{
    size_t tl = token ? strlen(token) : 0;
    int n;

    if(!out || cap == 0)
        return SD_E_INVALID;
    out[0] = 0;
    if(tl > SD_WEB_TOKEN_MAX)
        return SD_E_INVALID;
    for(size_t i = 0; i < tl; i++)
        if(!token_char(token[i]))
            return SD_E_INVALID;
    n = snprintf(out, cap, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=%llu",
                 SD_WEB_COOKIE_NAME, tl ? token : "", (unsigned long long)max_age_s);
    if(n < 0 || (size_t)n >= cap) {
        sodium_memzero(out, cap);
        return SD_E_LIMIT;
    }
    return SD_OK;
}

bool
sd_web_same_origin(const char *origin, const char *authority, bool fetch_same_origin)
{
    static const char scheme[] = "https://";
    size_t ol, al;

    if(fetch_same_origin)
        return true;
    if(!origin || !authority || !authority[0])
        return false;
    ol = strlen(origin);
    al = strlen(authority);
    if(ol != sizeof(scheme) - 1 + al || strncmp(origin, scheme, sizeof(scheme) - 1) != 0)
        return false;
    for(size_t i = 0; i < al; i++)
        if(lower(origin[sizeof(scheme) - 1 + i]) != lower(authority[i]))
            return false;
    return true;
}

sd_err
sd_web_trailer_frame(struct sd_buf *out, int status, const char *message)
{
    sd_err err = SD_OK;
    char head[32];
    size_t ml = message ? strlen(message) : 0;
    size_t len;
    int hl;

    SD_CHECK_ARG(out && status >= 0 && status <= 16);
    for(size_t i = 0; i < ml; i++)
        SD_CHECK_ARG(message[i] >= 0x20 && message[i] < 0x7f);
    hl = snprintf(head, sizeof(head), "grpc-status:%d\r\ngrpc-message:", status);
    SD_ENSURE(hl > 0 && (size_t)hl < sizeof(head), SD_E_INTERNAL);
    SD_TRY(sd_size_add(&len, (size_t)hl, ml));
    SD_TRY(sd_size_add(&len, len, 2));
    SD_ENSURE(len <= UINT32_MAX, SD_E_LIMIT);
    SD_TRY(sd_buf_reserve(out, 5 + len));
    SD_TRY(sd_buf_append_byte(out, 0x80));
    SD_TRY(sd_buf_append_u32be(out, (uint32_t)len));
    SD_TRY(sd_buf_append(out, head, (size_t)hl));
    SD_TRY(sd_buf_append(out, message ? message : "", ml));
    SD_TRY(sd_buf_append(out, "\r\n", 2));
out:
    return err;
}
