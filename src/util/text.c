/* UTF-8 validation and match-folding (NFKC + case fold via utf8proc, traditional -> simplified
 * Chinese via OpenCC). Used by desk/triage.c to match keyword rules and by anything that
 * compares free text. The OpenCC converter is a process-wide singleton opened with pthread_once
 * and never closed; OpenCC documents its conversion calls as thread-safe. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>
#include <sodium.h>
#include <utf8proc.h>

#include "sealdesk/text.h"
#include "util/err_int.h"

static pthread_once_t t2s_once = PTHREAD_ONCE_INIT;
static opencc_t t2s_handle = (opencc_t)-1;

static void
t2s_open(void)
{
    /* opencc_open returns (opencc_t)-1 on failure; we then skip the step for good. */
    t2s_handle = opencc_open("t2s.json");
}

static opencc_t
t2s_get(void)
{
    pthread_once(&t2s_once, t2s_open);
    return t2s_handle;
}

/* OpenCC's t2s maps 帳 to 帐, but in money contexts simplified writers use 账 (账户, 到账) and
 * also write 帐户; fold both to 账 so one rule matches all three spellings. Same UTF-8 length. */
static void
unify_zhang(uint8_t *p, size_t n)
{
    static const uint8_t from[3] = {0xe5, 0xb8, 0x90}; /* U+5E10 帐 */
    static const uint8_t to[3] = {0xe8, 0xb4, 0xa6};   /* U+8D26 账 */
    size_t i = 0;

    while(i + 3 <= n) {
        if(memcmp(p + i, from, 3) == 0) {
            memcpy(p + i, to, 3);
            i += 3;
        } else {
            i++;
        }
    }
}

static bool
cp_allowed(utf8proc_int32_t cp)
{
    if(cp == '\t' || cp == '\n' || cp == '\r')
        return true;
    if(cp < 0x20 || (cp >= 0x80 && cp <= 0x9f))
        return false;
    return utf8proc_codepoint_valid(cp);
}

bool
sd_text_valid(const char *s, size_t n)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t pos = 0;

    if(n == 0)
        return true;
    if(!s || n > (size_t)PTRDIFF_MAX)
        return false;
    while(pos < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + pos, (utf8proc_ssize_t)(n - pos), &cp);

        /* utf8proc_iterate rejects overlong forms, surrogates and values past U+10FFFF. */
        if(k <= 0 || !cp_allowed(cp))
            return false;
        pos += (size_t)k;
    }
    return true;
}

/* Does valid UTF-8 p[0..n) hold a code point OpenCC's traditional-to-simplified tables can
 * change: CJK radicals, punctuation and ideographs (U+2E80..U+9FFF), compatibility ideographs
 * and forms (U+F900..U+FAFF, U+FE30..U+FE4F) or anything above the BMP? Latin and Hangul text
 * skips the converter, which is most of the cost of folding it. */
static bool
may_convert(const uint8_t *p, size_t n)
{
    for(size_t i = 0; i < n;) {
        uint8_t b = p[i];

        if(b < 0x80) {
            i++;
        } else if(b < 0xE0) {
            i += 2; /* U+0080..U+07FF */
        } else if(b < 0xF0) {
            uint32_t cp;

            if(n - i < 3)
                return true; /* cut sequence: cannot happen for valid input */
            cp = (uint32_t)(b & 0x0F) << 12 | (uint32_t)(p[i + 1] & 0x3F) << 6 |
                 (uint32_t)(p[i + 2] & 0x3F);
            if((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
               (cp >= 0xFE30 && cp <= 0xFE4F))
                return true;
            i += 3;
        } else {
            return true;
        }
    }
    return false;
}

sd_err
sd_text_fold(struct sd_buf *out, const char *s, size_t n)
{
    sd_err err = SD_OK;
    utf8proc_uint8_t *nf = NULL;
    utf8proc_ssize_t nflen = 0;
    char *conv = NULL;
    size_t convlen = 0;
    size_t oldlen = 0;
    opencc_t od;

    SD_CHECK_ARG(out);
    oldlen = out->len;
    SD_ENSURE(n <= SD_TEXT_MAX, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(s, n));
    if(n > 0) {
        nflen = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &nf,
                             UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT
                                 | UTF8PROC_CASEFOLD | UTF8PROC_LUMP);
        SD_ENSURE(nflen >= 0, nflen == UTF8PROC_ERROR_NOMEM ? SD_E_NOMEM : SD_E_INVALID);
    }
    od = nflen > 0 && may_convert(nf, (size_t)nflen) ? t2s_get() : (opencc_t)-1;
    if(od != (opencc_t)-1) {
        conv = opencc_convert_utf8(od, (const char *)nf, (size_t)nflen);
        SD_ENSURE(conv, SD_E_NOMEM);
        convlen = strlen(conv);
        SD_TRY(sd_buf_append(out, conv, convlen));
    } else if(nflen > 0) {
        SD_TRY(sd_buf_append(out, nf, (size_t)nflen));
    }
    if(out->data) /* else nothing was appended (an empty sd_buf has len 0) */
        unify_zhang(out->data + oldlen, out->len - oldlen);
    SD_TRY(sd_buf_terminate(out));
out:
    if(err != SD_OK && out)
        out->len = oldlen;
    if(nf) {
        if(nflen > 0)
            sodium_memzero(nf, (size_t)nflen);
        free(nf);
    }
    if(conv) {
        sodium_memzero(conv, convlen);
        opencc_convert_utf8_free(conv);
    }
    return err;
}
