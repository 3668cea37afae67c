/* UTF-8 validation and match-folding (NFKC + case fold via utf8proc, traditional -> simplified
 * Chinese via OpenCC). Used by text/triage.c to match keyword rules and by anything that
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

    if(!p)
        return; /* an empty buffer */
    while(i + 3 <= n) {
        const uint8_t *lead = memchr(p + i, from[0], n - 2 - i); /* most text has no 0xE5 */

        if(!lead)
            break;
        i = (size_t)(lead - p);
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

#define ASCII_ONES  UINT64_C(0x0101010101010101)
#define ASCII_HIGHS UINT64_C(0x8080808080808080)

/* Eight ASCII bytes (each below 0x80) with A-Z lower-cased. Per byte b: b + 0x3F has its high
 * bit set iff b >= 'A', b + 0x25 iff b > 'Z' (no carry leaves a byte below 0x80); the bytes
 * where the two differ are the capitals, and 0x80 >> 2 is the 0x20 that lower-cases them. */
static uint64_t
ascii_lower8(uint64_t w)
{
    uint64_t caps = ((w + ASCII_ONES * 0x3F) ^ (w + ASCII_ONES * 0x25)) & ASCII_HIGHS;

    return w | caps >> 2;
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
        utf8proc_ssize_t k;
        uint64_t w;

        /* Eight printable ASCII bytes (0x20..0x7E) at once: most ticket text. A byte below 0x20
         * leaves its high bit set in w - 0x20.. (and not in w), a byte above 0x7E sets it in
         * w + 0x01.. or in w itself; neither test misses one, so a word that passes is all
         * printable. A word that fails goes byte by byte. */
        if(n - pos >= sizeof(w)) {
            memcpy(&w, p + pos, sizeof(w));
            if(!((((w - ASCII_ONES * 0x20) & ~w) | (w + ASCII_ONES) | w) & ASCII_HIGHS)) {
                pos += sizeof(w);
                continue;
            }
        }
        if(p[pos] >= 0x20 && p[pos] < 0x7F) { /* printable ASCII: most ticket text */
            pos++;
            continue;
        }
        k = utf8proc_iterate(p + pos, (utf8proc_ssize_t)(n - pos), &cp);
        /* utf8proc_iterate rejects overlong forms, surrogates and values past U+10FFFF. */
        if(k <= 0 || !cp_allowed(cp))
            return false;
        pos += (size_t)k;
    }
    return true;
}

/* Call pred on each code point of s[0..n); the first true result (or invalid UTF-8, reported as
 * `bad`) ends the walk. Returns whether pred held for some code point. */
static bool
any_cp(const char *s, size_t n, bool (*pred)(utf8proc_int32_t), bool bad)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t pos = 0;

    if(n == 0)
        return false;
    if(!s || n > (size_t)PTRDIFF_MAX)
        return bad;
    while(pos < n) {
        utf8proc_int32_t cp = p[pos];
        utf8proc_ssize_t k = 1;

        /* ASCII: the code point utf8proc_iterate would give, without the call */
        if(p[pos] >= 0x80)
            k = utf8proc_iterate(p + pos, (utf8proc_ssize_t)(n - pos), &cp);
        if(k <= 0)
            return bad;
        if(pred(cp))
            return true;
        pos += (size_t)k;
    }
    return false;
}

static bool
cp_bidi(utf8proc_int32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

static bool
cp_invisible(utf8proc_int32_t cp)
{
    const utf8proc_property_t *pr = utf8proc_get_property(cp);

    return cp_bidi(cp) || pr->category == UTF8PROC_CATEGORY_CF || pr->ignorable;
}

static bool
cp_visible(utf8proc_int32_t cp)
{
    const utf8proc_property_t *pr = utf8proc_get_property(cp);

    if(cp_invisible(cp) || cp == 0x115F || cp == 0x1160 || cp == 0x2800 || cp == 0x3164 ||
       cp == 0xFFA0)
        return false;
    switch(pr->category) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CN:
        return false;
    default:
        return true;
    }
}

bool
sd_text_has_bidi(const char *s, size_t n)
{
    return any_cp(s, n, cp_bidi, true);
}

bool
sd_text_has_invisible(const char *s, size_t n)
{
    return any_cp(s, n, cp_invisible, true);
}

bool
sd_text_blank(const char *s, size_t n)
{
    return !any_cp(s, n, cp_visible, true);
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
        uint64_t w;

        /* eight ASCII bytes at once (most ticket text): each would be stepped over below */
        if(n - i >= sizeof(w)) {
            memcpy(&w, p + i, sizeof(w));
            if(!(w & ASCII_HIGHS)) {
                i += sizeof(w);
                continue;
            }
        }
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

/* Fold one segment p[0..n) of valid UTF-8 (see sd_text_fold) and append it to out. */
static sd_err
fold_segment(struct sd_buf *out, const uint8_t *p, size_t n)
{
    sd_err err = SD_OK;
    utf8proc_uint8_t *nf = NULL;
    utf8proc_ssize_t nflen;
    char *conv = NULL;
    size_t convlen = 0;
    opencc_t od;

    nflen = utf8proc_map(p, (utf8proc_ssize_t)n, &nf,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                             UTF8PROC_LUMP | UTF8PROC_IGNORE);
    SD_ENSURE(nflen >= 0, nflen == UTF8PROC_ERROR_NOMEM ? SD_E_NOMEM : SD_E_INVALID);
    od = nflen > 0 && may_convert(nf, (size_t)nflen) ? t2s_get() : (opencc_t)-1;
    if(od != (opencc_t)-1) {
        conv = opencc_convert_utf8(od, (const char *)nf, (size_t)nflen);
        SD_ENSURE(conv, SD_E_NOMEM);
        convlen = strlen(conv);
        SD_TRY(sd_buf_append(out, conv, convlen));
    } else if(nflen > 0) {
        SD_TRY(sd_buf_append(out, nf, (size_t)nflen));
    }
out:
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

/* The text is folded in segments cut between two ASCII characters: no ASCII character
 * composes with its neighbours under NFKC, case folding is per code point and OpenCC's
 * traditional-to-simplified phrases hold no two ASCII characters in a row, so the
 * concatenation of the segments' folds is the fold of the whole. ASCII runs (all but the
 * last character before non-ASCII text, which may take combining marks) are lower-cased in
 * place; only the rest goes through utf8proc and, when it holds Han, OpenCC. */
sd_err
sd_text_fold(struct sd_buf *out, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    sd_err err = SD_OK;
    size_t oldlen = 0;
    size_t i = 0;

    SD_CHECK_ARG(out);
    oldlen = out->len;
    SD_ENSURE(n <= SD_TEXT_MAX, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(s, n));
    SD_TRY(sd_buf_reserve(out, n + 1));
    while(i < n) {
        size_t j = i;

        while(j < n && p[j] < 0x80)
            j++;
        if(j < n && j > i)
            j--; /* the ASCII character before non-ASCII text folds with it */
        if(j > i) {
            size_t k = i;

            SD_TRY(sd_buf_reserve(out, j - i + 1));
            for(; k + sizeof(uint64_t) <= j; k += sizeof(uint64_t)) {
                uint64_t w;

                memcpy(&w, p + k, sizeof(w));
                w = ascii_lower8(w);
                memcpy(out->data + out->len, &w, sizeof(w));
                out->len += sizeof(w);
            }
            for(; k < j; k++)
                out->data[out->len++] = (p[k] >= 'A' && p[k] <= 'Z') ? (uint8_t)(p[k] + 32) : p[k];
            i = j;
            continue;
        }
        /* non-ASCII segment: up to the first two ASCII characters in a row */
        j = i + 1;
        while(j < n && !(p[j - 1] < 0x80 && p[j] < 0x80))
            j++;
        /* j < n: p[j - 1] and p[j] are ASCII; the cut falls between them */
        SD_TRY(fold_segment(out, p + i, j - i));
        i = j;
    }
    if(out->data) /* else nothing was appended (an empty sd_buf has len 0) */
        unify_zhang(out->data + oldlen, out->len - oldlen);
    SD_TRY(sd_buf_terminate(out));
out:
    if(err != SD_OK && out) {
        if(out->data)
            sodium_memzero(out->data + oldlen, out->len - oldlen);
        out->len = oldlen;
    }
    return err;
}

/* ---- fold with an offset map ----------------------------------------------------------- */

#define FOLD_OPTS \
    (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_LUMP | UTF8PROC_IGNORE)
#define CLUSTER_CP_MAX 32 /* a base and at most 31 marks fold together; longer runs are cut */
#define CLUSTER_STACK  64

/* Latin look-alikes in Cyrillic and Greek (lower and upper case) -> the ASCII letter. */
static const struct {
    uint16_t cp;
    char c;
} g_skeleton[] = {
    {0x0391, 'A'}, {0x0392, 'B'}, {0x0395, 'E'}, {0x0396, 'Z'}, {0x0397, 'H'}, {0x0399, 'I'},
    {0x039A, 'K'}, {0x039C, 'M'}, {0x039D, 'N'}, {0x039F, 'O'}, {0x03A1, 'P'}, {0x03A4, 'T'},
    {0x03A5, 'Y'}, {0x03A7, 'X'}, {0x03B1, 'a'}, {0x03B5, 'e'}, {0x03B9, 'i'}, {0x03BA, 'k'},
    {0x03BD, 'v'}, {0x03BF, 'o'}, {0x03C1, 'p'}, {0x03C4, 't'}, {0x03C5, 'u'}, {0x03C7, 'x'},
    {0x03F2, 'c'}, {0x03F3, 'j'}, {0x0405, 'S'}, {0x0406, 'I'}, {0x0408, 'J'}, {0x0410, 'A'},
    {0x0412, 'B'}, {0x0415, 'E'}, {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'},
    {0x0420, 'P'}, {0x0421, 'C'}, {0x0422, 'T'}, {0x0423, 'Y'}, {0x0425, 'X'}, {0x0430, 'a'},
    {0x0432, 'b'}, {0x0435, 'e'}, {0x043A, 'k'}, {0x043C, 'm'}, {0x043D, 'h'}, {0x043E, 'o'},
    {0x0440, 'p'}, {0x0441, 'c'}, {0x0442, 't'}, {0x0443, 'y'}, {0x0445, 'x'}, {0x0455, 's'},
    {0x0456, 'i'}, {0x0458, 'j'}, {0x0461, 'w'}, {0x04AE, 'Y'}, {0x04AF, 'y'}, {0x04BB, 'h'},
    {0x04C0, 'I'}, {0x04CF, 'l'}, {0x0501, 'd'}, {0x051B, 'q'}, {0x051D, 'w'}, {0x0131, 'i'},
    {0x0261, 'g'}, {0x0251, 'a'}, {0x025B, 'e'}, {0x0269, 'i'}, {0x028B, 'u'},
};

static utf8proc_int32_t
skeleton(utf8proc_int32_t cp)
{
    size_t lo = 0;
    size_t hi = sizeof(g_skeleton) / sizeof(g_skeleton[0]);

    if(cp < 0x0131 || cp > 0x051D)
        return cp;
    while(lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if(g_skeleton[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if(lo < sizeof(g_skeleton) / sizeof(g_skeleton[0]) && g_skeleton[lo].cp == cp)
        return (utf8proc_int32_t)g_skeleton[lo].c;
    return cp;
}

/* Append folded bytes p[0..n) with every byte mapped to src [s, e). */
static sd_err
emit_mapped(struct sd_buf *out, struct sd_buf *map, const void *p, size_t n, size_t s, size_t e)
{
    sd_err err = SD_OK;
    struct sd_text_src src = {(uint32_t)s, (uint32_t)e};
    struct sd_text_src *m;

    SD_TRY(sd_buf_append(out, p, n));
    SD_TRY(sd_buf_reserve(map, n * sizeof(src)));
    m = (struct sd_text_src *)(void *)(map->data + map->len);
    for(size_t i = 0; i < n; i++)
        m[i] = src;
    map->len += n * sizeof(src);
out:
    return err;
}

/* Fold one cluster in[s, e) (valid UTF-8) and append it. */
static sd_err
fold_cluster(struct sd_buf *out, struct sd_buf *map, const uint8_t *in, size_t s, size_t e,
             unsigned opts)
{
    utf8proc_int32_t stack[CLUSTER_STACK];
    utf8proc_int32_t *buf = stack;
    utf8proc_option_t o = FOLD_OPTS | ((opts & SD_FOLD_KEEP_CASE) ? 0 : UTF8PROC_CASEFOLD);
    utf8proc_ssize_t k;
    sd_err err = SD_OK;

    k = utf8proc_decompose(in + s, (utf8proc_ssize_t)(e - s), buf, CLUSTER_STACK, o);
    if(k > CLUSTER_STACK) {
        buf = calloc((size_t)k, sizeof(*buf));
        SD_ENSURE(buf, SD_E_NOMEM);
        k = utf8proc_decompose(in + s, (utf8proc_ssize_t)(e - s), buf, k, o);
    }
    if(k < 0) { /* cannot happen for valid UTF-8: copy the bytes through */
        err = emit_mapped(out, map, in + s, e - s, s, e);
        goto out;
    }
    k = utf8proc_normalize_utf32(buf, k, o);
    SD_ENSURE(k >= 0, SD_E_INTERNAL);
    for(utf8proc_ssize_t i = 0; i < k; i++) {
        utf8proc_uint8_t enc[4];
        utf8proc_int32_t cp = (opts & SD_FOLD_SKELETON) ? skeleton(buf[i]) : buf[i];
        utf8proc_ssize_t l = utf8proc_encode_char(cp, enc);

        if(!(opts & SD_FOLD_KEEP_CASE) && cp >= 'A' && cp <= 'Z')
            enc[0] = (utf8proc_uint8_t)(cp + 32); /* skeleton upper case -> lower */
        SD_TRY(emit_mapped(out, map, enc, (size_t)l, s, e));
    }
out:
    sodium_memzero(stack, sizeof(stack));
    if(buf != stack) {
        sodium_memzero(buf, (size_t)(k > 0 ? k : 0) * sizeof(*buf));
        free(buf);
    }
    return err;
}

/* Decode the code point at p[pos..n): its length, or 0 for an invalid byte. */
static size_t
cp_at(const uint8_t *p, size_t n, size_t pos, utf8proc_int32_t *cp)
{
    utf8proc_ssize_t k = utf8proc_iterate(p + pos, (utf8proc_ssize_t)(n - pos), cp);

    return k > 0 ? (size_t)k : 0;
}

/* Traditional -> simplified on the folded text out[o0..) when it maps code point to code
 * point: the map stays per code point. Skipped otherwise (and for text with NUL or invalid
 * UTF-8, which OpenCC does not take). */
static sd_err
t2s_mapped(struct sd_buf *out, struct sd_buf *map, size_t o0, size_t m0)
{
    const uint8_t *f = out->data + o0;
    size_t fn = out->len - o0;
    struct sd_buf nout = SD_BUF_INIT;
    struct sd_buf nmap = SD_BUF_INIT;
    char *conv = NULL;
    size_t convlen = 0;
    size_t a = 0;
    size_t b = 0;
    opencc_t od;
    sd_err err = SD_OK;

    if(fn == 0 || memchr(f, 0, fn) || !may_convert(f, fn))
        return SD_OK;
    for(size_t i = 0; i < fn;) {
        utf8proc_int32_t cp;
        size_t k = cp_at(f, fn, i, &cp);

        if(!k)
            return SD_OK;
        i += k;
    }
    od = t2s_get();
    if(od == (opencc_t)-1)
        return SD_OK;
    conv = opencc_convert_utf8(od, (const char *)f, fn);
    SD_ENSURE(conv, SD_E_NOMEM);
    convlen = strlen(conv);
    /* walk both in step: code point i of conv takes the source of code point i of f */
    while(a < fn && b < convlen) {
        utf8proc_int32_t ca;
        utf8proc_int32_t cb;
        size_t ka = cp_at(f, fn, a, &ca);
        size_t kb = cp_at((const uint8_t *)conv, convlen, b, &cb);
        const struct sd_text_src *src =
            (const struct sd_text_src *)(const void *)(map->data + m0) + a;

        if(!ka || !kb)
            goto out; /* leave the unconverted text */
        SD_TRY(emit_mapped(&nout, &nmap, conv + b, kb, src->s, src->e));
        a += ka;
        b += kb;
    }
    if(a != fn || b != convlen)
        goto out;
    out->len = o0;
    map->len = m0;
    SD_TRY(sd_buf_append(out, nout.data, nout.len));
    SD_TRY(sd_buf_append(map, nmap.data, nmap.len));
out:
    if(conv) {
        sodium_memzero(conv, convlen);
        opencc_convert_utf8_free(conv);
    }
    sd_buf_wipe_free(&nout);
    sd_buf_wipe_free(&nmap);
    return err;
}

sd_err
sd_text_fold_map(struct sd_buf *out, struct sd_buf *map, const char *s, size_t n, unsigned opts)
{
    const uint8_t *in = (const uint8_t *)s;
    size_t o0 = 0;
    size_t m0 = 0;
    size_t pos = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && map && (s || n == 0));
    o0 = out->len;
    m0 = map->len;
    SD_ENSURE(n <= SD_TEXT_MAX, SD_E_LIMIT);
    /* most text folds to about its own length: reserve once */
    SD_TRY(sd_buf_reserve(out, n + 16));
    SD_TRY(sd_buf_reserve(map, (n + 16) * sizeof(struct sd_text_src)));
    while(pos < n) {
        utf8proc_int32_t cp;
        size_t k;
        size_t e;
        size_t ncp = 1;

        if(in[pos] < 0x80 && (pos + 1 == n || in[pos + 1] < 0x80)) {
            /* A run of ASCII characters, each followed by ASCII or the end (the last one before
             * non-ASCII text may take combining marks: the cluster path below), one byte each. */
            size_t end = pos + 1;
            struct sd_text_src *m;
            uint8_t *o;
            bool lower = !(opts & SD_FOLD_KEEP_CASE);

            for(uint64_t w; n - end >= sizeof(w); end += sizeof(w)) {
                memcpy(&w, in + end, sizeof(w));
                if(w & ASCII_HIGHS)
                    break; /* the bytes below find the first non-ASCII one */
            }
            while(end < n && in[end] < 0x80)
                end++;
            if(end < n)
                end--;
            SD_TRY(sd_buf_reserve(out, end - pos + 1));
            SD_TRY(sd_buf_reserve(map, (end - pos) * sizeof(*m)));
            /* through locals: a store through out->data could alias out->len */
            o = out->data + out->len;
            m = (struct sd_text_src *)(void *)(map->data + map->len);
            for(size_t i = pos; i < end; i++) {
                uint8_t c = in[i];

                if(lower && c >= 'A' && c <= 'Z')
                    c = (uint8_t)(c + 32);
                *o++ = c;
                m->s = (uint32_t)i;
                m->e = (uint32_t)(i + 1);
                m++;
            }
            out->len += end - pos;
            map->len += (end - pos) * sizeof(*m);
            pos = end;
            continue;
        }
        k = cp_at(in, n, pos, &cp);
        if(!k) {
            SD_TRY(emit_mapped(out, map, in + pos, 1, pos, pos + 1));
            pos++;
            continue;
        }
        /* the cluster: this code point and the combining marks after it */
        e = pos + k;
        while(e < n && ncp < CLUSTER_CP_MAX) {
            size_t k2 = cp_at(in, n, e, &cp);

            if(!k2 || utf8proc_get_property(cp)->combining_class == 0)
                break;
            e += k2;
            ncp++;
        }
        SD_TRY(fold_cluster(out, map, in, pos, e, opts));
        pos = e;
    }
    SD_TRY(t2s_mapped(out, map, o0, m0));
    unify_zhang(out->data ? out->data + o0 : NULL, out->len - o0);
    SD_TRY(sd_buf_terminate(out));
out:
    if(err != SD_OK && out && map) {
        if(out->data)
            sodium_memzero(out->data + o0, out->len - o0);
        out->len = o0;
        map->len = m0;
    }
    return err;
}

enum sd_text_class
sd_text_cclass(int32_t cp)
{
    if((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
        return SD_TC_WORD;
    if(cp < 0x80)
        return SD_TC_SEP;
    if((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
       (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x2ffff))
        return SD_TC_HAN;
    if((cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x1100 && cp <= 0x11ff) ||
       (cp >= 0x3130 && cp <= 0x318f))
        return SD_TC_HANGUL;
    if(cp >= 0x3040 && cp <= 0x30ff)
        return SD_TC_KANA;
    switch(utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
        return SD_TC_WORD;
    default:
        return SD_TC_SEP;
    }
}
