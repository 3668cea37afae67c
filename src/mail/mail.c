/* sd_mail_parse: one RFC 5322 message into struct sd_mail (include/sealdesk/mail.h). GMime 3
 * parses the MIME structure, headers, encoded words and transfer encodings; this file walks
 * the tree within the limits, picks the body (text/plain before text/html), collects
 * attachments, finds the returned Message-ID of a bounce and classifies the message.
 * Neighbours: charset.c (to UTF-8), html.c, trim.c (quoted history), sniff.c (libmagic). */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include <sodium.h>

#include "mail/mail_int.h"
#include "sealdesk/mail.h"
#include "util/err_int.h"

#define MAIL_MAX_ID    255 /* bytes kept of a Message-ID */
#define MAIL_MAX_FIELD 998 /* bytes kept of a one-line field (RFC 5322 line limit) */
#define MAIL_MAX_ADDRS 100 /* To / Cc entries kept */
#define MAIL_MAX_HINTS 8   /* charset labels remembered for the fallback */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void
gmime_init(void)
{
    g_mime_init();
}

void
sd_mail_limits_default(struct sd_mail_limits *lim)
{
    lim->max_message_bytes = (size_t)25 << 20;
    lim->max_attachment_bytes = (size_t)10 << 20;
    lim->max_parts = 100;
    lim->max_headers = 500;
    lim->max_depth = 8;
    lim->max_references = 32;
    lim->max_received = 25;
    lim->max_text_bytes = (size_t)1 << 20;
    lim->max_filename_bytes = 255;
}

const char *
sd_mail_class_name(enum sd_mail_class cls)
{
    switch(cls) {
    case SD_MAIL_NORMAL:
        return "normal";
    case SD_MAIL_AUTO_REPLY:
        return "auto_reply";
    case SD_MAIL_BULK:
        return "bulk";
    case SD_MAIL_BOUNCE:
        return "bounce";
    case SD_MAIL_LOOP:
        return "loop";
    }
    return "unknown";
}

static void say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;

    if(!why || !cap || why[0])
        return; /* the first reason wins */
    va_start(ap, fmt);
    (void)vsnprintf(why, cap, fmt, ap);
    va_end(ap);
}

/* Cut s to at most max bytes on a code point boundary. */
static void
cut_utf8(struct sd_buf *b, size_t start, size_t max)
{
    if(b->len - start <= max)
        return;
    b->len = start + max;
    while(b->len > start && (b->data[b->len] & 0xC0) == 0x80)
        b->len--;
    b->data[b->len] = '\0';
}

/* *dst = a clean copy of s[0..n) (NULL s: ""), at most max bytes. */
static sd_err
set_str(char **dst, const char *s, size_t n, bool multiline, size_t max)
{
    sd_err err = SD_OK;
    struct sd_buf b = SD_BUF_INIT;

    SD_TRY(sd_mail_clean(&b, (const uint8_t *)(s ? s : ""), s ? n : 0, multiline));
    cut_utf8(&b, 0, max);
    SD_TRY(sd_buf_terminate(&b));
    free(*dst);
    *dst = (char *)sd_buf_steal(&b);
out:
    sd_buf_wipe_free(&b);
    return err;
}

static sd_err
set_cstr(char **dst, const char *s, size_t max)
{
    return set_str(dst, s, s ? strlen(s) : 0, false, max);
}

/* A message id without <> and white space. */
static sd_err
set_id(char **dst, const char *s)
{
    sd_err err = SD_OK;
    char *d = NULL;

    if(s) {
        d = g_mime_utils_decode_message_id(s);
        if(!d || !*d) {
            g_free(d);
            d = NULL;
        }
    }
    SD_TRY(set_cstr(dst, d, MAIL_MAX_ID));
out:
    g_free(d);
    return err;
}

/* ---- header pre-pass: NUL bytes and the GMime 3.2.13 encoded-word bug ---------------------- */

static bool
is_b64(uint8_t c)
{
    return isalnum(c) || c == '+' || c == '/' || c == '=';
}

/* If p[0..n) starts an encoded word "=?cs?B?payload?=" whose payload ends in '=' padding and
 * the next thing after folding white space is another encoded word, return the word's length
 * and the offsets of its charset and payload; else 0. This is the shape GMime 3.2.13 (issue
 * 133, fixed in 3.2.14) mishandles: it drops the text after such a pair. */
static size_t
padded_b_word(const uint8_t *p, size_t n, size_t *cs_len, size_t *pay_off, size_t *pay_len)
{
    size_t i = 2;
    size_t k;

    if(n < 8 || p[0] != '=' || p[1] != '?')
        return 0;
    while(i < n && i < 64 && p[i] != '?' && p[i] > ' ')
        i++;
    if(i >= n || p[i] != '?' || i == 2 || i + 2 >= n || (p[i + 1] | 0x20) != 'b' || p[i + 2] != '?')
        return 0;
    *cs_len = i - 2;
    *pay_off = i + 3;
    k = *pay_off;
    while(k < n && is_b64(p[k]))
        k++;
    if(k + 1 >= n || p[k] != '?' || p[k + 1] != '=' || k == *pay_off || p[k - 1] != '=')
        return 0;
    *pay_len = k - *pay_off;
    i = k + 2;
    while(i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if(i + 1 >= n || p[i] != '=' || p[i + 1] != '?')
        return 0;
    return k + 2;
}

/* End of the header block of msg (offset of the empty line, or len). */
static size_t
header_end(const uint8_t *msg, size_t len)
{
    for(size_t i = 0; i + 1 < len; i++) {
        if(msg[i] != '\n')
            continue;
        if(msg[i + 1] == '\n')
            return i + 1;
        if(msg[i + 1] == '\r' && i + 2 < len && msg[i + 2] == '\n')
            return i + 1;
    }
    return len;
}

/* Encoded-word labels GMime would hand to iconv as the narrower charset (Outlook's
 * ks_c_5601-1987 is CP949, not EUC-KR; GBK senders label GB2312): the superset to use, or
 * NULL. p points at "=?". *label_len gets the label's length. */
static const char *
label_fix(const uint8_t *p, size_t n, size_t *label_len)
{
    static const char *const narrow[] = {"GB18030", "CP949", "BIG5-HKSCS"};
    size_t k = 2;
    const char *sup;

    while(k < n && k < 42 && p[k] != '?' && p[k] != '*' && p[k] > ' ')
        k++;
    if(k >= n || p[k] != '?' || k == 2)
        return NULL;
    *label_len = k - 2;
    sup = sd_mail_charset_superset((const char *)p + 2, k - 2);
    if(!sup || (strlen(sup) == k - 2 && strncasecmp(sup, (const char *)p + 2, k - 2) == 0))
        return NULL;
    for(size_t i = 0; i < sizeof(narrow) / sizeof(narrow[0]); i++)
        if(strcmp(sup, narrow[i]) == 0)
            return sup;
    return NULL;
}

/* Where header blocks are, without parsing MIME: the top-level block up to its empty line,
 * and after any line starting "--" (a boundary) the lines up to the next empty line. Only
 * used to decide where the encoded-word repair applies; a body line that happens to start
 * with "--" costs nothing, the repair changes only the exact shape it looks for. */
struct hdr_scan {
    bool in_hdr;
    bool bol;
    bool dash1;
    bool dash2;
    bool blank;
};

static void
hdr_step(struct hdr_scan *h, uint8_t c)
{
    if(h->bol) {
        h->blank = c == '\n' || c == '\r';
        h->dash1 = c == '-';
        h->dash2 = false;
    } else if(h->dash1 && !h->dash2) {
        h->dash2 = c == '-';
        h->dash1 = h->dash2;
    }
    if(c != '\r' && c != '\n')
        h->blank = false;
    if(c == '\n') {
        if(h->in_hdr && h->blank)
            h->in_hdr = false;
        else if(!h->in_hdr && h->dash2)
            h->in_hdr = true;
        h->bol = true;
        h->blank = true;
        return;
    }
    h->bol = false;
}

/* Copy msg into out with its header blocks repaired: NULs of the top-level block dropped,
 * padded B words before another encoded word rewritten as Q words of the same bytes (which
 * GMime decodes right), narrow charset labels of encoded words replaced by the superset.
 * *need is false (and out untouched) when there is nothing to repair. The first
 * encoded-word charset is copied into hint (for the body's charset fallback). */
static sd_err
prep_headers(struct sd_buf *out, bool *need, const uint8_t *msg, size_t len, char *hint,
             size_t hint_cap)
{
    sd_err err = SD_OK;
    size_t he = header_end(msg, len);
    uint8_t *bin = NULL;
    struct hdr_scan h = {true, true, false, false, true};

    *need = false;
    for(size_t i = 0; i < len && !*need; i++) {
        size_t csl, po, pl, ll;
        bool ew = msg[i] == '=' && i + 1 < len && msg[i + 1] == '?';

        if(i < he && msg[i] == '\0')
            *need = true;
        if(ew && h.in_hdr &&
           (padded_b_word(msg + i, len - i, &csl, &po, &pl) || label_fix(msg + i, len - i, &ll)))
            *need = true;
        if(ew && i < he && !hint[0]) {
            size_t k = i + 2;

            while(k < he && k - i - 2 < hint_cap - 1 && msg[k] != '?' && msg[k] > ' ')
                k++;
            if(k < he && msg[k] == '?') {
                memcpy(hint, msg + i + 2, k - i - 2);
                hint[k - i - 2] = '\0';
            }
        }
        hdr_step(&h, msg[i]);
    }
    if(!*need)
        goto out;
    SD_TRY(sd_buf_reserve(out, len + 1));
    h = (struct hdr_scan){true, true, false, false, true};
    for(size_t i = 0; i < len;) {
        size_t csl = 0, po = 0, pl = 0, wl = 0, ll = 0;
        size_t binlen = 0;
        const char *sup = NULL;

        if(i < he && msg[i] == '\0') {
            i++;
            continue;
        }
        if(h.in_hdr && msg[i] == '=' && i + 1 < len && msg[i + 1] == '?') {
            wl = padded_b_word(msg + i, len - i, &csl, &po, &pl);
            sup = label_fix(msg + i, len - i, &ll);
        }
        if(!wl && sup) {
            SD_TRY(sd_buf_append(out, "=?", 2));
            SD_TRY(sd_buf_append_str(out, sup));
            i += 2 + ll; /* no newline inside: the line state is unchanged */
            h.bol = false;
            continue;
        }
        if(!wl) {
            SD_TRY(sd_buf_append_byte(out, msg[i]));
            hdr_step(&h, msg[i]);
            i++;
            continue;
        }
        free(bin);
        bin = malloc(pl);
        SD_ENSURE(bin, SD_E_NOMEM);
        h.bol = false;
        if(sodium_base642bin(bin, pl, (const char *)msg + i + po, pl, NULL, &binlen, NULL,
                             sodium_base64_VARIANT_ORIGINAL) != 0) {
            /* Not base64 after all: leave the word to GMime as it is. */
            SD_TRY(sd_buf_append(out, msg + i, wl));
            i += wl;
            continue;
        }
        SD_TRY(sd_buf_append(out, "=?", 2));
        if(sup)
            SD_TRY(sd_buf_append_str(out, sup));
        else
            SD_TRY(sd_buf_append(out, msg + i + 2, csl));
        SD_TRY(sd_buf_append(out, "?Q?", 3));
        for(size_t k = 0; k < binlen; k++) {
            char hx[4];

            (void)snprintf(hx, sizeof(hx), "=%02X", bin[k]);
            SD_TRY(sd_buf_append(out, hx, 3));
        }
        SD_TRY(sd_buf_append(out, "?=", 2));
        i += wl;
    }
out:
    free(bin);
    return err;
}

/* Lines that start a Content-Type field anywhere in msg: a cheap bound on the number of MIME
 * parts before GMime (which recurses into nested parts) sees the message. */
static size_t
count_content_types(const uint8_t *msg, size_t len)
{
    size_t n = 0;

    for(size_t i = 0; i + 13 < len; i++) {
        if((i == 0 || msg[i - 1] == '\n') && (msg[i] | 0x20) == 'c' &&
           strncasecmp((const char *)msg + i, "content-type", 12) == 0) {
            size_t k = i + 12;

            while(k < len && (msg[k] == ' ' || msg[k] == '\t'))
                k++;
            if(k < len && msg[k] == ':')
                n++;
        }
    }
    return n;
}

/* ---- addresses ------------------------------------------------------------------------------ */

static bool
addr_usable(const char *a)
{
    const char *at = strrchr(a, '@');
    size_t ll, dl;
    bool dot = false;

    if(!at || at == a || strchr(a, '@') != at)
        return false;
    ll = (size_t)(at - a);
    dl = strlen(at + 1);
    if(ll > 64 || dl == 0 || dl > 253 || a[0] == '.' || at[-1] == '.')
        return false;
    for(const char *p = a; p < at; p++) {
        unsigned char c = (unsigned char)*p;

        if(c <= ' ' || c == 0x7F || strchr("\"(),:;<>[\\]", c))
            return false;
    }
    for(const char *p = at + 1; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if(c == '.') {
            if(p == at + 1 || p[1] == '\0' || p[1] == '.')
                return false;
            dot = true;
        } else if(!(isalnum(c) || c == '-' || c >= 0x80)) {
            return false;
        }
    }
    return dot || strcasecmp(at + 1, "localhost") == 0;
}

static InternetAddressMailbox *
first_mailbox(InternetAddressList *l)
{
    int n = l ? internet_address_list_length(l) : 0;

    for(int i = 0; i < n; i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);

        if(INTERNET_ADDRESS_IS_MAILBOX(a))
            return INTERNET_ADDRESS_MAILBOX(a);
        if(INTERNET_ADDRESS_IS_GROUP(a)) {
            InternetAddressMailbox *m =
                first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));

            if(m)
                return m;
        }
    }
    return NULL;
}

static sd_err
set_addr(struct sd_mail_addr *d, InternetAddressMailbox *mb)
{
    sd_err err = SD_OK;
    const char *name = internet_address_get_name(INTERNET_ADDRESS(mb));
    char *at;

    SD_TRY(set_cstr(&d->addr, internet_address_mailbox_get_addr(mb), 320));
    SD_TRY(set_cstr(&d->name, name, MAIL_MAX_FIELD));
    at = strrchr(d->addr, '@');
    for(char *p = at; p && *p; p++)
        *p = (char)tolower((unsigned char)*p); /* the domain is case-insensitive */
out:
    return err;
}

static sd_err
add_addrs(struct sd_mail_addr **arr, size_t *n, InternetAddressList *l)
{
    sd_err err = SD_OK;
    int len = l ? internet_address_list_length(l) : 0;

    for(int i = 0; i < len && *n < MAIL_MAX_ADDRS; i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);

        if(INTERNET_ADDRESS_IS_GROUP(a)) {
            SD_TRY(
                add_addrs(arr, n, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a))));
            continue;
        }
        if(!INTERNET_ADDRESS_IS_MAILBOX(a))
            continue;
        {
            struct sd_mail_addr *na = realloc(*arr, (*n + 1) * sizeof(**arr));

            SD_ENSURE(na, SD_E_NOMEM);
            *arr = na;
            memset(&na[*n], 0, sizeof(na[*n]));
            (*n)++;
            SD_TRY(set_addr(&na[*n - 1], INTERNET_ADDRESS_MAILBOX(a)));
        }
    }
out:
    return err;
}

/* ---- the MIME walk -------------------------------------------------------------------------- */

struct walk {
    const struct sd_mail_limits *lim;
    struct sd_mail *m;
    size_t parts;
    bool report;          /* inside multipart/report */
    bool delivery_status; /* saw message/delivery-status */
    struct sd_buf plain;  /* text/plain parts, UTF-8 */
    struct sd_buf html;   /* text/html parts, UTF-8 */
    char hints[MAIL_MAX_HINTS][48];
    const char *hintv[MAIL_MAX_HINTS + 1];
    size_t nhints;
    char *why;
    size_t why_cap;
};

static void
add_hint(struct walk *w, const char *cs)
{
    if(!cs || !*cs || w->nhints >= MAIL_MAX_HINTS || strlen(cs) >= sizeof(w->hints[0]))
        return;
    for(size_t i = 0; i < w->nhints; i++)
        if(strcasecmp(w->hints[i], cs) == 0)
            return;
    (void)snprintf(w->hints[w->nhints], sizeof(w->hints[0]), "%s", cs);
    w->hintv[w->nhints] = w->hints[w->nhints];
    w->nhints++;
    w->hintv[w->nhints] = NULL;
}

/* The decoded content of a leaf part (transfer encoding undone; bad base64 is skipped by
 * GMime's decoder, never an error). */
static sd_err
part_bytes(GMimePart *p, struct sd_buf *out)
{
    sd_err err = SD_OK;
    GMimeDataWrapper *dw = g_mime_part_get_content(p);
    GMimeStream *ms;
    GByteArray *ba;

    if(!dw)
        return SD_OK;
    ms = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(dw, ms);
    ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
    if(ba && ba->len)
        err = sd_buf_append(out, ba->data, ba->len);
    if(ba)
        sodium_memzero(ba->data, ba->len);
    g_object_unref(ms);
    return err;
}

/* The id in a "Message-ID: <...>" line of text (returned headers of a bounce). */
static sd_err
find_message_id(char **dst, const uint8_t *s, size_t n)
{
    for(size_t i = 0; i + 11 < n; i++) {
        if((i == 0 || s[i - 1] == '\n') &&
           strncasecmp((const char *)s + i, "message-id:", 11) == 0) {
            size_t k = i + 11;
            size_t e;
            char tmp[MAIL_MAX_ID + 3];

            while(k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n'))
                k++;
            e = k;
            while(e < n && e - k < MAIL_MAX_ID + 2 && s[e] != '\r' && s[e] != '\n' && s[e] != '>')
                e++;
            if(e < n && s[e] == '>')
                e++;
            memcpy(tmp, s + k, e - k);
            tmp[e - k] = '\0';
            return set_id(dst, tmp);
        }
    }
    return SD_OK;
}

static sd_err
add_attachment(struct walk *w, const char *filename, const char *declared, struct sd_buf *bytes,
               bool is_inline, const char *cid)
{
    sd_err err = SD_OK;
    struct sd_mail *m = w->m;
    struct sd_mail_attachment *a;
    struct sd_mail_attachment *na;
    struct sd_buf fn = SD_BUF_INIT;
    char sniff[128];
    const char *base = filename ? filename : "";

    if(bytes->len > w->lim->max_attachment_bytes) {
        say(w->why, w->why_cap, "attachment %zu: %zu bytes, over the %zu-byte limit",
            m->n_attachments + 1, bytes->len, w->lim->max_attachment_bytes);
        SD_ENSURE(false, SD_E_LIMIT);
    }
    na = realloc(m->attachments, (m->n_attachments + 1) * sizeof(*na));
    SD_ENSURE(na, SD_E_NOMEM);
    m->attachments = na;
    a = &na[m->n_attachments++];
    memset(a, 0, sizeof(*a));
    /* The name without any directory part (either slash), never "." or "..". */
    for(const char *p = base; *p; p++)
        if(*p == '/' || *p == '\\')
            base = p + 1;
    SD_TRY(sd_mail_clean(&fn, (const uint8_t *)base, strlen(base), false));
    if(strcmp((char *)fn.data, ".") == 0 || strcmp((char *)fn.data, "..") == 0)
        fn.len = 0;
    cut_utf8(&fn, 0, w->lim->max_filename_bytes);
    SD_TRY(sd_buf_terminate(&fn));
    a->filename = (char *)sd_buf_steal(&fn);
    SD_TRY(set_cstr(&a->declared_type, declared, 127));
    for(char *p = a->declared_type; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    SD_TRY(set_id(&a->content_id, cid));
    a->is_inline = is_inline;
    sd_mail_sniff(sniff, sizeof(sniff), bytes->data ? bytes->data : (const uint8_t *)"",
                  bytes->len < ((size_t)1 << 20) ? bytes->len : ((size_t)1 << 20));
    SD_TRY(set_cstr(&a->sniffed_type, sniff, 127));
    a->len = bytes->len;
    a->data = sd_buf_steal(bytes);
    if(!a->data) {
        a->data = malloc(1);
        SD_ENSURE(a->data, SD_E_NOMEM);
    }
out:
    sd_buf_wipe_free(&fn);
    return err;
}

static sd_err walk(struct walk *w, GMimeObject *obj, size_t depth);

static sd_err
walk_text(struct walk *w, GMimePart *p, struct sd_buf *into)
{
    sd_err err = SD_OK;
    struct sd_buf raw = SD_BUF_INIT;
    const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(p), "charset");
    bool fb = false;

    add_hint(w, cs);
    SD_TRY(part_bytes(p, &raw));
    if(into->len)
        SD_TRY(sd_buf_append_byte(into, '\n'));
    SD_TRY(sd_mail_to_utf8(into, raw.data ? raw.data : (const uint8_t *)"", raw.len, cs, w->hintv,
                           &fb));
    if(fb)
        w->m->charset_fallback = true;
out:
    sd_buf_wipe_free(&raw);
    return err;
}

static bool
ct_is(GMimeContentType *ct, const char *type, const char *sub)
{
    return ct && g_mime_content_type_is_type(ct, type, sub);
}

static sd_err
walk_part(struct walk *w, GMimePart *p)
{
    sd_err err = SD_OK;
    GMimeObject *o = GMIME_OBJECT(p);
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    GMimeContentDisposition *cd = g_mime_object_get_content_disposition(o);
    const char *filename = g_mime_part_get_filename(p);
    bool attach = cd && g_mime_content_disposition_is_attachment(cd);
    struct sd_buf bytes = SD_BUF_INIT;
    char *declared = NULL;

    if(w->report && (ct_is(ct, "message", "delivery-status") ||
                     ct_is(ct, "message", "global-delivery-status"))) {
        w->delivery_status = true;
        goto out;
    }
    if(w->report &&
       (ct_is(ct, "text", "rfc822-headers") || ct_is(ct, "message", "global-headers"))) {
        SD_TRY(part_bytes(p, &bytes));
        if(!*w->m->bounce_message_id)
            SD_TRY(find_message_id(&w->m->bounce_message_id, bytes.data, bytes.len));
        goto out;
    }
    if(!attach && !filename && ct_is(ct, "text", "plain")) {
        SD_TRY(walk_text(w, p, &w->plain));
        goto out;
    }
    if(!attach && !filename && ct_is(ct, "text", "html")) {
        SD_TRY(walk_text(w, p, &w->html));
        goto out;
    }
    SD_TRY(part_bytes(p, &bytes));
    declared = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    SD_TRY(add_attachment(w, filename, declared ? declared : "application/octet-stream", &bytes,
                          !attach, g_mime_object_get_content_id(o)));
out:
    g_free(declared);
    sd_buf_wipe_free(&bytes);
    return err;
}

static sd_err
walk_message_part(struct walk *w, GMimeMessagePart *mp, size_t depth)
{
    sd_err err = SD_OK;
    GMimeMessage *inner = g_mime_message_part_get_message(mp);
    GMimeStream *ms = NULL;
    struct sd_buf bytes = SD_BUF_INIT;
    const char *fn;

    if(!inner)
        goto out;
    if(w->report) {
        /* The returned message of a bounce: its id is what the desk looks up. */
        if(!*w->m->bounce_message_id)
            SD_TRY(set_id(&w->m->bounce_message_id,
                          g_mime_object_get_header(GMIME_OBJECT(inner), "Message-ID")));
        goto out;
    }
    /* A message forwarded as an attachment is kept as one, whole (the allow-list refuses
     * it; its parts were bounded by the Content-Type count before parsing). */
    (void)depth;
    ms = g_mime_stream_mem_new();
    g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, ms);
    {
        GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));

        if(ba && ba->len)
            SD_TRY(sd_buf_append(&bytes, ba->data, ba->len));
    }
    fn = g_mime_object_get_content_disposition_parameter(GMIME_OBJECT(mp), "filename");
    SD_TRY(add_attachment(w, fn ? fn : "forwarded.eml", "message/rfc822", &bytes, false, NULL));
out:
    if(ms)
        g_object_unref(ms);
    sd_buf_wipe_free(&bytes);
    return err;
}

static sd_err
walk(struct walk *w, GMimeObject *obj, size_t depth)
{
    sd_err err = SD_OK;

    if(!obj)
        return SD_OK;
    if(++w->parts > w->lim->max_parts) {
        say(w->why, w->why_cap, "parts: more than %zu MIME parts", w->lim->max_parts);
        SD_ENSURE(false, SD_E_LIMIT);
    }
    if(depth > w->lim->max_depth) {
        say(w->why, w->why_cap, "nesting: MIME parts nested deeper than %zu levels",
            w->lim->max_depth);
        SD_ENSURE(false, SD_E_LIMIT);
    }
    if(GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        GMimeContentType *ct = g_mime_object_get_content_type(obj);
        int n = g_mime_multipart_get_count(mp);
        bool saved = w->report;

        if(ct_is(ct, "multipart", "alternative")) {
            /* text/plain first, then text/html, else the last (richest) alternative. */
            GMimeObject *pick = NULL;
            GMimeObject *html = NULL;

            for(int i = 0; i < n; i++) {
                GMimeObject *c = g_mime_multipart_get_part(mp, i);
                GMimeContentType *cct = g_mime_object_get_content_type(c);

                if(!pick && GMIME_IS_PART(c) && ct_is(cct, "text", "plain"))
                    pick = c;
                if(!html && ct_is(cct, "text", "html"))
                    html = c;
            }
            if(!pick)
                pick = html ? html : (n > 0 ? g_mime_multipart_get_part(mp, n - 1) : NULL);
            for(int i = 0; i < n; i++)
                add_hint(w, g_mime_object_get_content_type_parameter(
                                g_mime_multipart_get_part(mp, i), "charset"));
            SD_TRY(walk(w, pick, depth + 1));
            goto out;
        }
        if(ct_is(ct, "multipart", "report"))
            w->report = true;
        for(int i = 0; i < n; i++)
            add_hint(w, g_mime_object_get_content_type_parameter(g_mime_multipart_get_part(mp, i),
                                                                 "charset"));
        for(int i = 0; i < n; i++) {
            err = walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
            if(err != SD_OK)
                break;
        }
        w->report = saved;
        SD_TRY(err);
    } else if(GMIME_IS_MESSAGE_PART(obj)) {
        SD_TRY(walk_message_part(w, GMIME_MESSAGE_PART(obj), depth));
    } else if(GMIME_IS_PART(obj)) {
        SD_TRY(walk_part(w, GMIME_PART(obj)));
    }
    /* message/partial and anything else: counted, not kept. */
out:
    return err;
}

/* ---- classification ------------------------------------------------------------------------ */

static bool
has_header(GMimeObject *o, const char *name)
{
    return g_mime_object_get_header(o, name) != NULL;
}

static bool
value_is(const char *v, const char *word)
{
    size_t n = strlen(word);

    while(v && (*v == ' ' || *v == '\t'))
        v++;
    return v && strncasecmp(v, word, n) == 0 &&
           (v[n] == '\0' || v[n] == ';' || v[n] == ' ' || v[n] == '\t');
}

static bool
ooo_subject(const char *s)
{
    static const char *const words[] = {
        "out of office", "automatic reply", "auto-reply", "autoreply", "auto reply",
        "自动回复",      "自動回覆",        "自动答复",   "休假",      "부재중",
        "자동 응답",     "자동응답",        NULL};

    for(size_t i = 0; words[i]; i++)
        if(strcasestr(s, words[i]))
            return true;
    return false;
}

static enum sd_mail_class
classify(GMimeObject *o, const struct sd_mail *m, const struct sd_mail_limits *lim,
         bool delivery_status, bool report)
{
    const char *as = g_mime_object_get_header(o, "Auto-Submitted");
    const char *prec = m->precedence;
    const char *fa = m->from.addr ? m->from.addr : "";
    const char *at = strrchr(fa, '@');
    size_t ll = at ? (size_t)(at - fa) : 0;
    const char *rp = g_mime_object_get_header(o, "Return-Path");
    bool null_rp = rp && strstr(rp, "<>") != NULL;

    if(has_header(o, SD_MAIL_LOOP_HEADER) || m->n_received > lim->max_received)
        return SD_MAIL_LOOP;
    if(delivery_status || (report && *m->bounce_message_id) ||
       has_header(o, "X-Failed-Recipients") ||
       (at && ((ll == 13 && strncasecmp(fa, "mailer-daemon", 13) == 0) ||
               (ll == 10 && strncasecmp(fa, "postmaster", 10) == 0))))
        return SD_MAIL_BOUNCE;
    if((as && !value_is(as, "no")) || has_header(o, "X-Autoreply") ||
       has_header(o, "X-Autorespond") || has_header(o, "X-Autogenerated") ||
       value_is(prec, "auto_reply") ||
       (ooo_subject(m->subject) && (null_rp || has_header(o, "X-Auto-Response-Suppress"))))
        return SD_MAIL_AUTO_REPLY;
    if(value_is(prec, "bulk") || value_is(prec, "list") || value_is(prec, "junk") || *m->list_id ||
       has_header(o, "List-Unsubscribe"))
        return SD_MAIL_BULK;
    return SD_MAIL_NORMAL;
}

/* ---- raw 8-bit headers ------------------------------------------------------------------- */

/* The raw value of the top-level field name when it holds 8-bit bytes that are not UTF-8 and
 * no encoded word (a raw GBK or EUC-KR Subject, as some clients send); NULL otherwise. */
static const char *
raw_8bit(GMimeMessage *msg, const char *name)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
    const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
    bool high = false;

    if(!raw || strstr(raw, "=?"))
        return NULL;
    for(const char *p = raw; *p && !high; p++)
        high = (unsigned char)*p >= 0x80;
    if(!high || g_utf8_validate(raw, -1, NULL))
        return NULL;
    return raw;
}

/* GMime decodes raw 8-bit header text with a fixed fallback list (UTF-8, GB18030, CP949,
 * Big5), so raw EUC-KR came out as Chinese. Decoded again here with the charsets the body
 * declared tried first: the sender's client used one charset for both. */
static sd_err
redecode_8bit(struct sd_mail *m, GMimeMessage *msg, const char *const *hints)
{
    sd_err err = SD_OK;
    struct sd_buf b = SD_BUF_INIT;
    const char *raw;
    InternetAddressList *l = NULL;

    if(!hints || !hints[0])
        return SD_OK;
    raw = raw_8bit(msg, "Subject");
    if(raw) {
        SD_TRY(sd_mail_to_utf8(&b, (const uint8_t *)raw, strlen(raw), NULL, hints, NULL));
        SD_TRY(set_str(&m->subject, (const char *)b.data, b.len, false, MAIL_MAX_FIELD));
        sd_buf_reset(&b);
    }
    raw = raw_8bit(msg, "From");
    if(raw) {
        InternetAddressMailbox *mb;

        SD_TRY(sd_mail_to_utf8(&b, (const uint8_t *)raw, strlen(raw), NULL, hints, NULL));
        SD_TRY(sd_buf_terminate(&b));
        l = internet_address_list_parse(NULL, (const char *)b.data);
        mb = first_mailbox(l);
        if(mb)
            SD_TRY(set_cstr(&m->from.name, internet_address_get_name(INTERNET_ADDRESS(mb)),
                            MAIL_MAX_FIELD));
    }
out:
    if(l)
        g_object_unref(l);
    sd_buf_wipe_free(&b);
    return err;
}

/* ---- the whole message --------------------------------------------------------------------- */

static sd_err
read_headers(struct sd_mail *m, GMimeMessage *msg, const struct sd_mail_limits *lim, char *why,
             size_t why_cap)
{
    sd_err err = SD_OK;
    GMimeObject *o = GMIME_OBJECT(msg);
    GMimeHeaderList *hl = g_mime_object_get_header_list(o);
    int nh = hl ? g_mime_header_list_get_count(hl) : 0;
    GDateTime *dt = g_mime_message_get_date(msg);
    const char *refs = g_mime_object_get_header(o, "References");
    GMimeReferences *rl = NULL;

    if((size_t)nh > lim->max_headers) {
        say(why, why_cap, "headers: %d header fields, over the limit of %zu", nh, lim->max_headers);
        SD_ENSURE(false, SD_E_LIMIT);
    }
    for(int i = 0; i < nh; i++)
        if(strcasecmp(g_mime_header_get_name(g_mime_header_list_get_header_at(hl, i)),
                      "Received") == 0)
            m->n_received++;
    SD_TRY(set_cstr(&m->subject, g_mime_message_get_subject(msg), MAIL_MAX_FIELD));
    m->date = dt ? (int64_t)g_date_time_to_unix(dt) : 0;
    SD_TRY(set_id(&m->message_id, g_mime_object_get_header(o, "Message-ID")));
    SD_TRY(set_id(&m->in_reply_to, g_mime_object_get_header(o, "In-Reply-To")));
    SD_TRY(set_cstr(&m->auto_submitted, g_mime_object_get_header(o, "Auto-Submitted"), 200));
    SD_TRY(set_cstr(&m->precedence, g_mime_object_get_header(o, "Precedence"), 200));
    SD_TRY(set_cstr(&m->list_id, g_mime_object_get_header(o, "List-Id"), MAIL_MAX_FIELD));
    SD_TRY(set_id(&m->return_path, g_mime_object_get_header(o, "Return-Path")));
    SD_TRY(add_addrs(&m->to, &m->n_to, g_mime_message_get_to(msg)));
    SD_TRY(add_addrs(&m->cc, &m->n_cc, g_mime_message_get_cc(msg)));
    if(refs && lim->max_references > 0) {
        int n;
        size_t keep;

        rl = g_mime_references_parse(NULL, refs);
        n = rl ? g_mime_references_length(rl) : 0;
        keep = (size_t)n < lim->max_references ? (size_t)n : lim->max_references;
        if(keep) {
            m->references = calloc(keep, sizeof(char *));
            SD_ENSURE(m->references, SD_E_NOMEM);
        }
        /* The thread's root and the newest keep-1: the ones threading needs. */
        for(size_t k = 0; k < keep; k++) {
            int idx = k == 0 ? 0 : n - (int)(keep - k);

            SD_TRY(set_cstr(&m->references[k], g_mime_references_get_message_id(rl, idx),
                            MAIL_MAX_ID));
            m->n_references++;
        }
    }
out:
    if(rl)
        g_mime_references_free(rl);
    return err;
}

static sd_err
read_from(struct sd_mail *m, GMimeMessage *msg, char *why, size_t why_cap, bool *usable)
{
    sd_err err = SD_OK;
    InternetAddressList *fl = g_mime_message_get_from(msg);
    InternetAddressMailbox *mb = first_mailbox(fl);

    *usable = false;
    if(!g_mime_object_get_header(GMIME_OBJECT(msg), "From")) {
        say(why, why_cap, "from: missing");
    } else if(!mb) {
        say(why, why_cap, "from: no mailbox address in the field");
    } else {
        SD_TRY(set_addr(&m->from, mb));
        *usable = addr_usable(m->from.addr);
        if(!*usable)
            say(why, why_cap, "from: not a usable address (local@domain)");
    }
    if(!m->from.addr)
        SD_TRY(set_cstr(&m->from.addr, "", 1));
    if(!m->from.name)
        SD_TRY(set_cstr(&m->from.name, "", 1));
out:
    return err;
}

static sd_err
fill_empty(struct sd_mail *m)
{
    sd_err err = SD_OK;
    char **f[] = {&m->subject,    &m->message_id, &m->in_reply_to, &m->auto_submitted,
                  &m->precedence, &m->list_id,    &m->return_path, &m->bounce_message_id,
                  &m->body,       &m->quoted,     &m->signature};

    for(size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if(!*f[i])
            SD_TRY(set_cstr(f[i], "", 1));
out:
    return err;
}

sd_err
sd_mail_parse(const uint8_t *msg, size_t len, const struct sd_mail_limits *lim,
              struct sd_mail **out, char *why, size_t why_cap)
{
    sd_err err = SD_OK;
    struct sd_mail_limits dl;
    struct sd_mail *m = NULL;
    struct sd_buf fixed = SD_BUF_INIT;
    struct sd_buf text = SD_BUF_INIT;
    struct sd_buf body = SD_BUF_INIT;
    struct sd_buf quoted = SD_BUF_INIT;
    struct sd_buf sig = SD_BUF_INIT;
    struct walk w;
    bool need = false;
    bool usable = false;
    char hint[48] = "";
    GMimeStream *st = NULL;
    GMimeParser *parser = NULL;
    GMimeMessage *gm = NULL;
    GMimeParserOptions *po = NULL;
    static const char *fallbacks[] = {"utf-8", "gb18030", "cp949", "big5", NULL};

    memset(&w, 0, sizeof(w));
    if(why && why_cap)
        why[0] = '\0';
    if(out)
        *out = NULL;
    if(!out || (!msg && len)) {
        say(why, why_cap, "message: no input");
        SD_ENSURE(false, SD_E_INVALID);
    }
    if(!lim) {
        sd_mail_limits_default(&dl);
        lim = &dl;
    }
    if(len > lim->max_message_bytes) {
        say(why, why_cap, "message: %zu bytes, over the %zu-byte limit", len,
            lim->max_message_bytes);
        SD_ENSURE(false, SD_E_LIMIT);
    }
    if(count_content_types(msg, len) > lim->max_parts) {
        say(why, why_cap, "parts: more than %zu MIME parts", lim->max_parts);
        SD_ENSURE(false, SD_E_LIMIT);
    }
    pthread_once(&gmime_once, gmime_init);
    SD_TRY(prep_headers(&fixed, &need, msg ? msg : (const uint8_t *)"", len, hint, sizeof(hint)));
    m = calloc(1, sizeof(*m));
    SD_ENSURE(m, SD_E_NOMEM);

    st = need ? g_mime_stream_mem_new_with_buffer((const char *)fixed.data, fixed.len)
              : g_mime_stream_mem_new_with_buffer((const char *)(msg ? msg : (const uint8_t *)""),
                                                  len);
    parser = g_mime_parser_new_with_stream(st);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    po = g_mime_parser_options_new();
    g_mime_parser_options_set_fallback_charsets(po, fallbacks);
    g_mime_parser_options_set_rfc2047_compliance_mode(po, GMIME_RFC_COMPLIANCE_LOOSE);
    gm = g_mime_parser_construct_message(parser, po);
    if(!gm) {
        say(why, why_cap, "message: not an RFC 5322 message");
        SD_ENSURE(false, SD_E_INVALID);
    }
    SD_TRY(read_headers(m, gm, lim, why, why_cap));
    SD_TRY(read_from(m, gm, why, why_cap, &usable));
    SD_TRY(set_cstr(&m->bounce_message_id, "", 1));

    w.lim = lim;
    w.m = m;
    w.why = why;
    w.why_cap = why_cap;
    w.hintv[0] = NULL;
    add_hint(&w, hint);
    {
        GMimeObject *top = g_mime_message_get_mime_part(gm);
        GMimeContentType *ct = top ? g_mime_object_get_content_type(top) : NULL;

        w.report = ct_is(ct, "multipart", "report");
        SD_TRY(walk(&w, top, 0));
        w.report = ct_is(ct, "multipart", "report");
    }
    SD_TRY(redecode_8bit(m, gm, w.hintv));
    if(w.plain.len) {
        SD_TRY(sd_buf_append(&text, w.plain.data, w.plain.len));
    } else if(w.html.len) {
        SD_TRY(sd_mail_html_text(&text, (const char *)w.html.data, w.html.len));
        m->body_from_html = true;
    }
    SD_TRY(sd_mail_trim(&body, &quoted, &sig, text.data ? (const char *)text.data : "", text.len));
    if(body.len > lim->max_text_bytes) {
        say(why, why_cap, "body: %zu bytes of text, over the %zu-byte limit", body.len,
            lim->max_text_bytes);
        SD_ENSURE(false, SD_E_LIMIT);
    }
    /* History is secondary: cut to the limit (on a line end) rather than refuse the message. */
    if(quoted.len > lim->max_text_bytes) {
        cut_utf8(&quoted, 0, lim->max_text_bytes);
        while(quoted.len && quoted.data[quoted.len - 1] != '\n')
            quoted.len--;
        SD_TRY(sd_buf_terminate(&quoted));
    }
    SD_TRY(set_str(&m->body, (const char *)body.data, body.len, true, SIZE_MAX));
    SD_TRY(set_str(&m->quoted, (const char *)quoted.data, quoted.len, true, SIZE_MAX));
    SD_TRY(set_str(&m->signature, (const char *)sig.data, sig.len, true, MAIL_MAX_FIELD * 4));
    SD_TRY(fill_empty(m));
    m->cls = classify(GMIME_OBJECT(gm), m, lim, w.delivery_status, w.report);
    if(m->cls == SD_MAIL_BOUNCE && !*m->bounce_message_id)
        SD_TRY(find_message_id(&m->bounce_message_id, text.data, text.len));
    if(!usable && m->cls != SD_MAIL_BOUNCE) {
        say(why, why_cap, "from: no usable sender address");
        SD_ENSURE(false, SD_E_INVALID);
    }
    if(why && why_cap)
        why[0] = '\0';
    *out = m;
    m = NULL;
out:
    if(gm)
        g_object_unref(gm);
    if(parser)
        g_object_unref(parser);
    if(st)
        g_object_unref(st);
    if(po)
        g_mime_parser_options_free(po);
    sd_mail_free(m);
    sd_buf_wipe_free(&fixed);
    sd_buf_wipe_free(&text);
    sd_buf_wipe_free(&body);
    sd_buf_wipe_free(&quoted);
    sd_buf_wipe_free(&sig);
    sd_buf_wipe_free(&w.plain);
    sd_buf_wipe_free(&w.html);
    return err;
}

static void
wipe_str(char *s)
{
    if(s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

static void
free_addrs(struct sd_mail_addr *a, size_t n)
{
    for(size_t i = 0; a && i < n; i++) {
        wipe_str(a[i].addr);
        wipe_str(a[i].name);
    }
    free(a);
}

void
sd_mail_free(struct sd_mail *m)
{
    if(!m)
        return;
    wipe_str(m->from.addr);
    wipe_str(m->from.name);
    free_addrs(m->to, m->n_to);
    free_addrs(m->cc, m->n_cc);
    wipe_str(m->subject);
    wipe_str(m->message_id);
    wipe_str(m->in_reply_to);
    for(size_t i = 0; m->references && i < m->n_references; i++)
        wipe_str(m->references[i]);
    free(m->references);
    wipe_str(m->auto_submitted);
    wipe_str(m->precedence);
    wipe_str(m->list_id);
    wipe_str(m->return_path);
    wipe_str(m->bounce_message_id);
    wipe_str(m->body);
    wipe_str(m->quoted);
    wipe_str(m->signature);
    for(size_t i = 0; m->attachments && i < m->n_attachments; i++) {
        struct sd_mail_attachment *a = &m->attachments[i];

        wipe_str(a->filename);
        wipe_str(a->declared_type);
        wipe_str(a->sniffed_type);
        wipe_str(a->content_id);
        if(a->data)
            sodium_memzero(a->data, a->len);
        free(a->data);
    }
    free(m->attachments);
    sodium_memzero(m, sizeof(*m));
    free(m);
}

sd_err
sd_mail_refs(const struct sd_mail *m, const char **ids, size_t cap, size_t *n)
{
    size_t k = 0;
    const char *cand[3];

    if(!m || !n || (!ids && cap))
        return SD_E_INVALID;
    cand[0] = m->in_reply_to;
    cand[1] = NULL;
    cand[2] = m->bounce_message_id;
#define SD_ADD_ID(id)                             \
    do {                                          \
        const char *id_ = (id);                   \
        bool dup_ = !id_ || !*id_;                \
        for(size_t j_ = 0; !dup_ && j_ < k; j_++) \
            dup_ = strcmp(ids[j_], id_) == 0;     \
        if(!dup_ && k < cap)                      \
            ids[k++] = id_;                       \
    } while(0)
    SD_ADD_ID(cand[0]);
    for(size_t i = m->n_references; i-- > 0;)
        SD_ADD_ID(m->references[i]);
    SD_ADD_ID(cand[2]);
#undef SD_ADD_ID
    *n = k;
    return SD_OK;
}

sd_err
sd_mail_ticket_ref(const char *subject, uint64_t *id)
{
    if(!subject || !id)
        return SD_E_INVALID;
    for(const char *p = subject; *p; p++) {
        const char *q;
        size_t open = 0;
        uint64_t v = 0;
        size_t digits = 0;

        if(*p == '[')
            open = 1;
        else if(strncmp(p, "\xE3\x80\x90", 3) == 0) /* 【 */
            open = 3;
        if(!open || strncmp(p + open, "SD-", 3) != 0)
            continue;
        q = p + open + 3;
        while(isdigit((unsigned char)*q) && digits < 19) {
            v = v * 10 + (uint64_t)(*q - '0');
            q++;
            digits++;
        }
        if(digits == 0 || digits > 18)
            continue;
        if(!(*q == ']' || strncmp(q, "\xE3\x80\x91", 3) == 0)) /* 】 */
            continue;
        if(v == 0)
            continue;
        *id = v;
        return SD_OK;
    }
    return SD_E_NOTFOUND;
}
