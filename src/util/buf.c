/* Growable byte buffers (sd_buf), bounded reader (sd_reader), big-endian and hex helpers.
 * Every parser above util/ reads untrusted bytes only through sd_reader. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/buf.h"

sd_err
sd_size_add(size_t *out, size_t a, size_t b)
{
    if(__builtin_add_overflow(a, b, out))
        return SD_E_LIMIT;
    return SD_OK;
}

sd_err
sd_size_mul(size_t *out, size_t a, size_t b)
{
    if(__builtin_mul_overflow(a, b, out))
        return SD_E_LIMIT;
    return SD_OK;
}

sd_err
sd_buf_reserve(struct sd_buf *b, size_t extra)
{
    size_t need;
    size_t cap;
    uint8_t *p;

    /* +1 keeps room for sd_buf_terminate without another growth. */
    if(sd_size_add(&need, b->len, extra) != SD_OK || need >= SD_BUF_MAX)
        return SD_E_LIMIT;
    if(need + 1 <= b->cap)
        return SD_OK;
    cap = b->cap ? b->cap : 64;
    while(cap < need + 1)
        cap *= 2;
    if(cap > SD_BUF_MAX)
        cap = SD_BUF_MAX;
    p = malloc(cap);
    if(!p)
        return SD_E_NOMEM;
    /* Copy and wipe instead of realloc: the old block may have held a secret. */
    if(b->len)
        memcpy(p, b->data, b->len);
    if(b->data) {
        sodium_memzero(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return SD_OK;
}

sd_err
sd_buf_append(struct sd_buf *b, const void *p, size_t n)
{
    sd_err err;

    if(n == 0)
        return SD_OK;
    /* room for n bytes and the terminator: sd_buf_reserve would do nothing (cap is at most
     * SD_BUF_MAX, so len + n is below it); the text pipeline appends small records often */
    if(b->cap > b->len && n < b->cap - b->len) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        return SD_OK;
    }
    err = sd_buf_reserve(b, n);
    if(err != SD_OK)
        return err;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return SD_OK;
}

sd_err
sd_buf_append_str(struct sd_buf *b, const char *s)
{
    return sd_buf_append(b, s, strlen(s));
}

sd_err
sd_buf_append_byte(struct sd_buf *b, uint8_t c)
{
    return sd_buf_append(b, &c, 1);
}

sd_err
sd_buf_append_u32be(struct sd_buf *b, uint32_t v)
{
    uint8_t x[4];

    sd_put_u32be(x, v);
    return sd_buf_append(b, x, sizeof(x));
}

sd_err
sd_buf_append_u64be(struct sd_buf *b, uint64_t v)
{
    uint8_t x[8];

    sd_put_u64be(x, v);
    return sd_buf_append(b, x, sizeof(x));
}

sd_err
sd_buf_terminate(struct sd_buf *b)
{
    sd_err err = sd_buf_reserve(b, 0);

    if(err != SD_OK)
        return err;
    b->data[b->len] = 0;
    return SD_OK;
}

uint8_t *
sd_buf_steal(struct sd_buf *b)
{
    uint8_t *p = b->data;

    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void
sd_buf_reset(struct sd_buf *b)
{
    if(b->data)
        sodium_memzero(b->data, b->len);
    b->len = 0;
}

void
sd_buf_free(struct sd_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void
sd_buf_wipe_free(struct sd_buf *b)
{
    if(b->data)
        sodium_memzero(b->data, b->cap);
    sd_buf_free(b);
}

void
sd_rd_init(struct sd_reader *r, const void *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
    r->pos = 0;
}

size_t
sd_rd_left(const struct sd_reader *r)
{
    return r->len - r->pos;
}

sd_err
sd_rd_bytes(struct sd_reader *r, const uint8_t **out, size_t n)
{
    if(n > sd_rd_left(r))
        return SD_E_INVALID;
    *out = r->p + r->pos;
    r->pos += n;
    return SD_OK;
}

sd_err
sd_rd_u8(struct sd_reader *r, uint8_t *v)
{
    const uint8_t *p;

    if(sd_rd_bytes(r, &p, 1) != SD_OK)
        return SD_E_INVALID;
    *v = p[0];
    return SD_OK;
}

sd_err
sd_rd_u32be(struct sd_reader *r, uint32_t *v)
{
    const uint8_t *p;

    if(sd_rd_bytes(r, &p, 4) != SD_OK)
        return SD_E_INVALID;
    *v = sd_get_u32be(p);
    return SD_OK;
}

sd_err
sd_rd_u64be(struct sd_reader *r, uint64_t *v)
{
    const uint8_t *p;

    if(sd_rd_bytes(r, &p, 8) != SD_OK)
        return SD_E_INVALID;
    *v = sd_get_u64be(p);
    return SD_OK;
}

void
sd_put_u32be(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

void
sd_put_u64be(uint8_t out[8], uint64_t v)
{
    sd_put_u32be(out, (uint32_t)(v >> 32));
    sd_put_u32be(out + 4, (uint32_t)v);
}

uint32_t
sd_get_u32be(const uint8_t in[4])
{
    return ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) | ((uint32_t)in[2] << 8) |
           (uint32_t)in[3];
}

uint64_t
sd_get_u64be(const uint8_t in[8])
{
    return ((uint64_t)sd_get_u32be(in) << 32) | sd_get_u32be(in + 4);
}

void
sd_hex_encode(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for(i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

static int
hexval(char c)
{
    if(c >= '0' && c <= '9')
        return c - '0';
    if(c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if(c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

sd_err
sd_hex_decode(uint8_t *out, size_t n, const char *hex, size_t hexlen)
{
    size_t i;

    if(hexlen != 2 * n)
        return SD_E_INVALID;
    for(i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]);
        int lo = hexval(hex[2 * i + 1]);

        if(hi < 0 || lo < 0)
            return SD_E_INVALID;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return SD_OK;
}
