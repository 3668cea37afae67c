/* gRPC length-prefixed message framing (1 flag byte, 4-byte big-endian length), the
 * grpc-timeout header parser and grpc-message percent-encoding. Pure byte handling: h2.c feeds
 * request bodies in here and frames replies with it; nothing here knows about sockets. */
#include <string.h>
#include <time.h>

#include "rpc/rpc_int.h"
#include "util/err_int.h"

#define PREFIX_BYTES 5

uint64_t
sd_rpc_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t
sd_rpc_now_ms(void)
{
    return sd_rpc_now_us() / 1000u;
}

void
sd_grpc_reader_init(struct sd_grpc_reader *r, size_t max_msg)
{
    r->buf = (struct sd_buf)SD_BUF_INIT;
    r->max_msg = max_msg;
}

void
sd_grpc_reader_clear(struct sd_grpc_reader *r)
{
    /* Request messages carry PII; the capacity also holds the last message handed out. */
    sd_buf_wipe_free(&r->buf);
}

/* Walk the prefixes that are complete in the buffer; SD_E_LIMIT on the first oversize one. */
static sd_err
check_prefixes(const struct sd_grpc_reader *r)
{
    size_t pos = 0;

    while(r->buf.len - pos >= PREFIX_BYTES) {
        size_t n = sd_get_u32be(r->buf.data + pos + 1);

        if(n > r->max_msg)
            return SD_E_LIMIT;
        /* n <= max_msg and pos <= len, so this cannot overflow. */
        if(r->buf.len - pos - PREFIX_BYTES < n)
            break;
        pos += PREFIX_BYTES + n;
    }
    return SD_OK;
}

sd_err
sd_grpc_reader_feed(struct sd_grpc_reader *r, const uint8_t *p, size_t n)
{
    sd_err err = SD_OK;
    size_t old = 0;

    SD_CHECK_ARG(r && (p || n == 0));
    old = r->buf.len;
    SD_TRY(sd_buf_append(&r->buf, p, n));
    SD_TRY(check_prefixes(r));
out:
    /* A refused feed leaves the reader as it was. */
    if(err != SD_OK && r)
        r->buf.len = old;
    return err;
}

/* In-place reversal, used to rotate the buffer without allocating. */
static void
reverse(uint8_t *p, size_t n)
{
    for(size_t i = 0, j = n; i + 1 < j; i++, j--) {
        uint8_t t = p[i];

        p[i] = p[j - 1];
        p[j - 1] = t;
    }
}

sd_err
sd_grpc_reader_next(struct sd_grpc_reader *r, const uint8_t **msg, size_t *len)
{
    sd_err err = SD_OK;
    size_t n;
    size_t whole;
    size_t rest;
    uint8_t flag;

    SD_CHECK_ARG(r && msg && len);
    SD_ENSURE(r->buf.len >= PREFIX_BYTES, SD_E_EMPTY);
    flag = r->buf.data[0];
    n = sd_get_u32be(r->buf.data + 1);
    /* 1 = compressed: we announce no grpc-encoding, so no peer may send one. */
    SD_ENSURE(flag == 0, SD_E_INVALID);
    SD_ENSURE(n <= r->max_msg, SD_E_LIMIT);
    SD_ENSURE(r->buf.len - PREFIX_BYTES >= n, SD_E_EMPTY);
    whole = PREFIX_BYTES + n;
    rest = r->buf.len - whole;
    /* Rotate [prefix msg][rest] into [rest][prefix msg] and shrink len to rest: the message
     * stays readable past len until the next feed or next call, without a copy or a field. */
    if(rest) {
        reverse(r->buf.data, whole);
        reverse(r->buf.data + whole, rest);
        reverse(r->buf.data, r->buf.len);
    }
    r->buf.len = rest;
    *msg = r->buf.data + rest + PREFIX_BYTES;
    *len = n;
out:
    return err;
}

sd_err
sd_grpc_frame(struct sd_buf *out, const uint8_t *msg, size_t n)
{
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && (msg || n == 0));
    SD_ENSURE(n <= UINT32_MAX, SD_E_LIMIT);
    SD_TRY(sd_buf_reserve(out, PREFIX_BYTES + n));
    SD_TRY(sd_buf_append_byte(out, 0));
    SD_TRY(sd_buf_append_u32be(out, (uint32_t)n));
    SD_TRY(sd_buf_append(out, msg, n));
out:
    return err;
}

sd_err
sd_grpc_timeout_parse(const char *v, uint64_t *ms)
{
    sd_err err = SD_OK;
    uint64_t x = 0;
    size_t i = 0;

    SD_CHECK_ARG(v && ms);
    /* TimeoutValue = 1*8 digits, then exactly one TimeoutUnit (gRPC PROTOCOL-HTTP2). */
    for(; v[i] >= '0' && v[i] <= '9'; i++) {
        SD_CHECK_ARG(i < 8);
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    SD_CHECK_ARG(i > 0 && v[i] != 0 && v[i + 1] == 0);
    switch(v[i]) {
    case 'H':
        x *= 3600000u;
        break;
    case 'M':
        x *= 60000u;
        break;
    case 'S':
        x *= 1000u;
        break;
    case 'm':
        break;
    /* Round sub-millisecond units up: a short deadline must not become "none" or earlier. */
    case 'u':
        x = (x + 999u) / 1000u;
        break;
    case 'n':
        x = (x + 999999u) / 1000000u;
        break;
    default:
        err = SD_E_INVALID;
        goto out;
    }
    *ms = x;
out:
    return err;
}

sd_err
sd_grpc_percent_encode(char *out, size_t cap, const char *in)
{
    static const char hex[] = "0123456789ABCDEF";
    sd_err err = SD_OK;
    size_t o = 0;

    SD_CHECK_ARG(out && cap > 0 && in);
    for(const unsigned char *p = (const unsigned char *)in; *p; p++) {
        bool plain = *p >= 0x20 && *p <= 0x7e && *p != '%';

        SD_ENSURE(cap - o > (plain ? 1u : 3u), SD_E_LIMIT);
        if(plain) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = 0;
out:
    if(err == SD_E_LIMIT)
        out[0] = 0;
    return err;
}
