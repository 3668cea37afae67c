/* sealdesk web: the pure parts of serving the browser console (issue #16) on the gRPC port.
 *
 * The static file table (a directory read once at start-up, so a request never touches the
 * file system), the security headers every HTTP response carries, the session cookie (parse
 * the request's `cookie` headers, build `set-cookie`), the same-origin check of gRPC-Web calls
 * and the gRPC-Web trailer frame. No I/O but sd_web_files_load; src/rpc/h2.c uses the rest. */
#ifndef SEALDESK_WEB_H
#define SEALDESK_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

/* Limits of the static file table. */
#define SD_WEB_MAX_FILES       512
#define SD_WEB_MAX_FILE_BYTES  ((size_t)8 << 20)
#define SD_WEB_MAX_TOTAL_BYTES ((size_t)32 << 20)
#define SD_WEB_MAX_PATH        255 /* "/dir/name.ext", the leading slash included */
#define SD_WEB_MAX_DEPTH       8   /* directory levels below console_dir */

/* The session cookie: name, and the longest token value accepted from a request. */
#define SD_WEB_COOKIE_NAME    "__Host-sealdesk"
#define SD_WEB_TOKEN_MIN      16
#define SD_WEB_TOKEN_MAX      128
/* Room for the longest set-cookie value sd_web_set_cookie builds (NUL included). */
#define SD_WEB_SET_COOKIE_MAX (SD_WEB_TOKEN_MAX + 96)

/* ---- static files ---- */

/* One served file. Everything is owned by the table and lives as long as it. */
struct sd_web_file {
    const char *path;         /* "/index.html": leading slash, [A-Za-z0-9._-/] */
    const char *content_type; /* static string, e.g. "text/html; charset=utf-8" */
    const uint8_t *data;
    size_t len;
};

struct sd_web_files;

/* Read every servable file under dir (recursively, at most SD_WEB_MAX_DEPTH levels) into a new
 * table. Served: regular files (symbolic links are not followed, anything else is skipped)
 * whose every path component is [A-Za-z0-9._-], does not start with '.' and holds no "..",
 * with a known extension (sd_web_content_type). Others are skipped with a warn log line (no
 * names logged). SD_E_LIMIT past SD_WEB_MAX_FILES files, SD_WEB_MAX_FILE_BYTES in one file or
 * SD_WEB_MAX_TOTAL_BYTES in all; SD_E_NOTFOUND when dir cannot be opened; SD_E_IO on a read
 * error; SD_E_NOMEM. On error why (may be NULL) gets a one-line reason without file contents.
 * The caller owns *out and frees it with sd_web_files_free. The table is read-only afterwards:
 * any number of threads may look up at once. */
sd_err sd_web_files_load(struct sd_web_files **out, const char *dir, char *why, size_t whycap);
/* NULL is a no-op. */
void sd_web_files_free(struct sd_web_files *f);
size_t sd_web_files_count(const struct sd_web_files *f);
/* The file at the exact request path (path[0..len), no query string), "/" meaning
 * "/index.html"; NULL when f is NULL or there is no such file. Borrowed from f. */
const struct sd_web_file *sd_web_files_find(const struct sd_web_files *f, const char *path,
                                            size_t len);
/* Content type served for a file name by its extension (html, js, mjs, css, svg, png, woff2,
 * json, txt, ico, map), or NULL when the extension is not served. Static. */
const char *sd_web_content_type(const char *name);

/* ---- headers ---- */

struct sd_web_header {
    const char *name; /* lower case, static */
    const char *value;
};
#define SD_WEB_N_HEADERS 6
/* The security headers every HTTP response carries (content-security-policy,
 * strict-transport-security, x-content-type-options, referrer-policy, cache-control: no-store,
 * x-frame-options), SD_WEB_N_HEADERS of them, in a static array. */
const struct sd_web_header *sd_web_security_headers(void);

/* What a request's content-type asks for. */
enum sd_web_ctype {
    SD_WEB_CT_OTHER = 0,        /* not gRPC-Web (native gRPC is told apart by h2.c) */
    SD_WEB_CT_GRPC_WEB = 1,     /* application/grpc-web or application/grpc-web+proto */
    SD_WEB_CT_GRPC_WEB_TEXT = 2 /* application/grpc-web-text[+proto]: refused (415) */
};
/* Classify a content-type value (parameters after ';' ignored, type case-insensitive). */
enum sd_web_ctype sd_web_content_kind(const uint8_t *v, size_t n);

/* ---- session cookie ---- */

/* Collects __Host-sealdesk over all `cookie` headers of one request (HTTP/2 may split them).
 * Holds the token, a secret: end with sd_web_cookie_clear. */
struct sd_web_cookie {
    char token[SD_WEB_TOKEN_MAX + 1];
    size_t len;
    unsigned seen; /* occurrences of the name */
    bool bad;      /* an occurrence had an empty, over-long or non-[A-Za-z0-9_-] value */
};
void sd_web_cookie_init(struct sd_web_cookie *c);
/* Parse one `cookie` header value ("a=b; __Host-sealdesk=tok; c=d"). Other cookies are
 * ignored; malformed pairs without '=' too. */
void sd_web_cookie_feed(struct sd_web_cookie *c, const uint8_t *v, size_t n);
/* The token when __Host-sealdesk occurred exactly once with a valid value, else NULL (absent,
 * duplicated or malformed: no session). Borrowed from c. */
const char *sd_web_cookie_token(const struct sd_web_cookie *c);
/* Wipe the token. */
void sd_web_cookie_clear(struct sd_web_cookie *c);

/* The set-cookie value "__Host-sealdesk=<token>; Path=/; Secure; HttpOnly; SameSite=Strict;
 * Max-Age=<max_age_s>" into out (NUL-terminated). token NULL or "" with max_age_s 0 builds the
 * value that ends the cookie. SD_E_INVALID for a token outside the cookie charset or over
 * SD_WEB_TOKEN_MAX, SD_E_LIMIT when cap is too small (out is then ""). out holds a secret. */
sd_err sd_web_set_cookie(char *out, size_t cap, const char *token, uint64_t max_age_s);

/* ---- same origin ---- */

/* A gRPC-Web call is same-origin when origin equals "https://" + authority (ASCII case
 * ignored) or the browser said `sec-fetch-site: same-origin`. origin/authority may be NULL
 * (absent header). */
bool sd_web_same_origin(const char *origin, const char *authority, bool fetch_same_origin);

/* ---- gRPC-Web framing ---- */

/* Append the final gRPC-Web frame: flag byte 0x80, 4-byte big-endian length, then
 * "grpc-status:<status>\r\ngrpc-message:<message>\r\n". message must already be
 * percent-encoded (printable ASCII, no CR/LF): SD_E_INVALID otherwise, or for a status outside
 * 0..16. SD_E_NOMEM / SD_E_LIMIT from the buffer. */
sd_err sd_web_trailer_frame(struct sd_buf *out, int status, const char *message);

#endif
