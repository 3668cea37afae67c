/* Text into clean UTF-8: charset labels mapped to what senders really use, conversion with
 * glibc iconv, fallbacks when a label is wrong, and the cleaning every text field of a parsed
 * message goes through (no NUL, no control characters, LF line ends). Used by mail.c. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "mail/mail_int.h"
#include "util/err_int.h"

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid (overlong, surrogate, past
 * U+10FFFF, truncated); *cp gets the code point. */
static size_t
utf8_seq(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t v;

    if(c < 0x80) {
        *cp = c;
        return 1;
    }
    if(c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1Fu;
    } else if(c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0Fu;
    } else if(c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07u;
    } else {
        return 0;
    }
    if(n < len)
        return 0;
    for(size_t i = 1; i < len; i++) {
        if((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10FFFF ||
       (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static bool
utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    uint32_t cp;

    while(i < n) {
        size_t l = utf8_seq(s + i, n - i, &cp);

        if(!l)
            return false;
        i += l;
    }
    return true;
}

sd_err
sd_mail_clean(struct sd_buf *out, const uint8_t *s, size_t n, bool multiline)
{
    sd_err err = SD_OK;
    size_t i = 0;
    size_t start = out->len;
    bool first = true;

    SD_CHECK_ARG(s || n == 0);
    SD_TRY(sd_buf_reserve(out, n + 1));
    while(i < n) {
        uint32_t cp = 0;
        size_t l;
        size_t run = i;

        /* Runs of ordinary text are copied in one go. */
        while(run < n && s[run] >= 0x20 && s[run] < 0x7F)
            run++;
        if(run > i) {
            SD_TRY(sd_buf_append(out, s + i, run - i));
            i = run;
            first = false;
            continue;
        }
        l = utf8_seq(s + i, n - i, &cp);
        if(!l) {
            SD_TRY(sd_buf_append(out, "\xEF\xBF\xBD", 3)); /* U+FFFD */
            i++;
            first = false;
            continue;
        }
        if(cp == '\r') {
            /* CRLF and a lone CR both end a line. */
            if(i + 1 < n && s[i + 1] == '\n')
                i++;
            cp = '\n';
            l = 1;
        }
        if(cp == '\n' || cp == '\t') {
            SD_TRY(sd_buf_append_byte(out, multiline ? (uint8_t)cp : (uint8_t)' '));
        } else if(cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
                  (cp == 0xFEFF && first)) {
            /* NUL and other controls are dropped, the text goes on. */
        } else {
            SD_TRY(sd_buf_append(out, s + i, l));
        }
        first = false;
        i += l;
    }
    if(!multiline) {
        size_t b = start;
        size_t e = out->len;

        while(b < e && out->data[b] == ' ')
            b++;
        while(e > b && out->data[e - 1] == ' ')
            e--;
        memmove(out->data + start, out->data + b, e - b);
        out->len = start + (e - b);
    }
    SD_TRY(sd_buf_terminate(out));
out:
    return err;
}

/* The charset senders mean by a label (NULL: pass the label to iconv as it is). */
static const char *
canon_charset(const char *label)
{
    return sd_mail_charset_superset(label, strlen(label));
}

const char *
sd_mail_charset_superset(const char *label, size_t n)
{
    static const struct {
        const char *label;
        const char *cs;
    } map[] = {
        {"gb2312", "GB18030"},
        {"gbk", "GB18030"},
        {"x-gbk", "GB18030"},
        {"cp936", "GB18030"},
        {"gb18030", "GB18030"},
        {"euc-cn", "GB18030"},
        {"x-euc-cn", "GB18030"},
        {"csgb2312", "GB18030"},
        {"big5", "BIG5-HKSCS"},
        {"big-5", "BIG5-HKSCS"},
        {"x-big5", "BIG5-HKSCS"},
        {"cp950", "BIG5-HKSCS"},
        {"big5-hkscs", "BIG5-HKSCS"},
        {"euc-kr", "CP949"},
        {"ks_c_5601-1987", "CP949"},
        {"ks_c_5601", "CP949"},
        {"ksc5601", "CP949"},
        {"ksc_5601", "CP949"},
        {"cp949", "CP949"},
        {"uhc", "CP949"},
        {"x-windows-949", "CP949"},
        {"windows-949", "CP949"},
        {"korean", "CP949"},
        {"iso-2022-kr", "ISO-2022-KR"},
        {"csiso2022kr", "ISO-2022-KR"},
        {"utf-8", "UTF-8"},
        {"utf8", "UTF-8"},
        {"us-ascii", "UTF-8"},
        {"ascii", "UTF-8"},
        {"iso-8859-1", "WINDOWS-1252"},
        {"latin1", "WINDOWS-1252"},
        {"iso_8859-1", "WINDOWS-1252"},
    };

    for(size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if(strlen(map[i].label) == n && strncasecmp(label, map[i].label, n) == 0)
            return map[i].cs;
    return NULL;
}

/* Convert the whole of s with iconv from cs; false if the bytes do not fit cs (out unchanged). */
static bool
try_iconv(struct sd_buf *tmp, const uint8_t *s, size_t n, const char *cs)
{
    iconv_t cd;
    char *in = (char *)(uintptr_t)s;
    size_t inleft = n;
    bool ok = true;

    tmp->len = 0;
    if(strcmp(cs, "UTF-8") == 0) {
        if(!utf8_valid(s, n))
            return false;
        return sd_buf_append(tmp, s, n) == SD_OK;
    }
    cd = iconv_open("UTF-8", cs);
    if(cd == (iconv_t)-1)
        return false;
    while(ok) {
        size_t room;
        char *o;
        size_t r;

        if(sd_buf_reserve(tmp, inleft * 2 + 64) != SD_OK) {
            ok = false;
            break;
        }
        room = tmp->cap - tmp->len;
        o = (char *)tmp->data + tmp->len;
        r = iconv(cd, inleft ? &in : NULL, &inleft, &o, &room);
        tmp->len = (size_t)((uint8_t *)o - tmp->data);
        if(r != (size_t)-1) {
            if(inleft == 0)
                break; /* flushed the shift state on the NULL call below */
            continue;
        }
        if(errno != E2BIG)
            ok = false;
    }
    if(ok) {
        /* Flush a stateful decoder (ISO-2022-KR). */
        size_t room = tmp->cap - tmp->len;
        char *o = (char *)tmp->data + tmp->len;

        if(iconv(cd, NULL, NULL, &o, &room) == (size_t)-1)
            ok = false;
        else
            tmp->len = (size_t)((uint8_t *)o - tmp->data);
    }
    iconv_close(cd);
    return ok;
}

sd_err
sd_mail_to_utf8(struct sd_buf *out, const uint8_t *s, size_t n, const char *label,
                const char *const *hints, bool *fallback)
{
    static const char *const last[] = {"GB18030", "CP949", "BIG5-HKSCS"};
    sd_err err = SD_OK;
    struct sd_buf tmp = SD_BUF_INIT;
    const char *cs = NULL;
    bool ascii = true;

    SD_CHECK_ARG(out && (s || n == 0));
    for(size_t i = 0; i < n && ascii; i++)
        ascii = s[i] < 0x80 && s[i] != 0x1B; /* ESC: ISO-2022 shifts */
    if(ascii) {
        SD_TRY(sd_mail_clean(out, s, n, true));
        goto out;
    }
    if(label && *label) {
        cs = canon_charset(label);
        if(!cs)
            cs = label;
        if(try_iconv(&tmp, s, n, cs))
            goto done;
    }
    if(fallback && label && *label)
        *fallback = true;
    if(try_iconv(&tmp, s, n, "UTF-8"))
        goto done;
    if(fallback)
        *fallback = true;
    for(size_t i = 0; hints && hints[i]; i++) {
        const char *h = canon_charset(hints[i]);

        if(try_iconv(&tmp, s, n, h ? h : hints[i]))
            goto done;
    }
    for(size_t i = 0; i < sizeof(last) / sizeof(last[0]); i++)
        if(try_iconv(&tmp, s, n, last[i]))
            goto done;
    /* Nothing fits: every invalid byte becomes U+FFFD. */
    SD_TRY(sd_mail_clean(out, s, n, true));
    goto out;
done:
    SD_TRY(sd_mail_clean(out, tmp.data, tmp.len, true));
out:
    sd_buf_wipe_free(&tmp);
    return err;
}
