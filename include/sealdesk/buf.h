/* Growable byte buffers and a bounds-checked reader for untrusted bytes.
 *
 * struct sd_buf owns its storage: data is heap memory (or NULL when cap == 0) released by
 * sd_buf_free(), or by sd_buf_wipe_free() when it held a secret. struct sd_reader borrows the
 * bytes it reads; they must outlive it. Neither is thread-safe. */
#ifndef SEALDESK_BUF_H
#define SEALDESK_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"

/* Hard ceiling on any single buffer, far above every protocol limit: growth past it fails
 * with SD_E_LIMIT rather than asking the allocator for absurd sizes. */
#define SD_BUF_MAX ((size_t)256 << 20)

struct sd_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
};

#define SD_BUF_INIT \
    {               \
        NULL, 0, 0  \
    }

/* Ensure room for `extra` more bytes. SD_E_LIMIT past SD_BUF_MAX, SD_E_NOMEM. */
sd_err sd_buf_reserve(struct sd_buf *b, size_t extra);
sd_err sd_buf_append(struct sd_buf *b, const void *p, size_t n);
sd_err sd_buf_append_str(struct sd_buf *b, const char *s);
sd_err sd_buf_append_byte(struct sd_buf *b, uint8_t c);
sd_err sd_buf_append_u32be(struct sd_buf *b, uint32_t v);
sd_err sd_buf_append_u64be(struct sd_buf *b, uint64_t v);
/* Keep data NUL-terminated past len (the NUL is not counted); for text buffers. */
sd_err sd_buf_terminate(struct sd_buf *b);
/* Take ownership of the bytes: returns data (caller frees with free()) and resets b. */
uint8_t *sd_buf_steal(struct sd_buf *b);
void sd_buf_reset(struct sd_buf *b);
/* Release storage; the struct is left as SD_BUF_INIT. */
void sd_buf_free(struct sd_buf *b);
/* sodium_memzero the whole capacity, then release. Use for every secret or decrypted PII. */
void sd_buf_wipe_free(struct sd_buf *b);

/* Reader over borrowed bytes. Every read fails with SD_E_INVALID instead of over-reading and
 * leaves pos unchanged on failure. */
struct sd_reader {
    const uint8_t *p;
    size_t len;
    size_t pos;
};

void sd_rd_init(struct sd_reader *r, const void *p, size_t len);
size_t sd_rd_left(const struct sd_reader *r);
sd_err sd_rd_u8(struct sd_reader *r, uint8_t *v);
sd_err sd_rd_u32be(struct sd_reader *r, uint32_t *v);
sd_err sd_rd_u64be(struct sd_reader *r, uint64_t *v);
/* Point *out at the next n bytes (borrowed from the reader's input) and skip them. */
sd_err sd_rd_bytes(struct sd_reader *r, const uint8_t **out, size_t n);

/* Big-endian helpers for fixed-width keys. */
void sd_put_u32be(uint8_t out[4], uint32_t v);
void sd_put_u64be(uint8_t out[8], uint64_t v);
uint32_t sd_get_u32be(const uint8_t in[4]);
uint64_t sd_get_u64be(const uint8_t in[8]);

/* Checked size arithmetic: SD_E_LIMIT on overflow. */
sd_err sd_size_add(size_t *out, size_t a, size_t b);
sd_err sd_size_mul(size_t *out, size_t a, size_t b);

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void sd_hex_encode(char *out, const uint8_t *in, size_t n);
/* Decode exactly n bytes from 2n hex chars; SD_E_INVALID on bad length or digit. */
sd_err sd_hex_decode(uint8_t *out, size_t n, const char *hex, size_t hexlen);

#endif
