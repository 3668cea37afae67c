/* text/html reduced to the text a person reads, for mail without a text/plain alternative.
 * Not a DOM: a tag scanner that drops script, style, head, comments and images (a tracking
 * pixel leaves nothing), keeps link text but never the URL, decodes entities, ends lines at
 * block elements and prefixes blockquote lines with "> " so trim.c sees them as quoted. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/mail_int.h"
#include "util/err_int.h"

struct html_out {
    struct sd_buf *b;
    int quote;     /* blockquote depth */
    bool bol;      /* at the beginning of a line */
    bool space;    /* a space is pending */
    size_t blanks; /* newlines emitted in a row */
};

/* End the line: a block boundary only when text is on the line (force: <br>, always). */
static sd_err
put_nl(struct html_out *o, bool force)
{
    o->space = false;
    if(!force && o->bol)
        return SD_OK;
    if(o->blanks >= 2)
        return SD_OK;
    o->blanks++;
    o->bol = true;
    return sd_buf_append_byte(o->b, '\n');
}

static sd_err
put_text(struct html_out *o, const char *s, size_t n)
{
    sd_err err = SD_OK;

    if(o->bol) {
        for(int i = 0; i < o->quote && i < 8; i++)
            SD_TRY(sd_buf_append(o->b, "> ", 2));
        o->bol = false;
    } else if(o->space) {
        SD_TRY(sd_buf_append_byte(o->b, ' '));
    }
    o->space = false;
    o->blanks = 0;
    SD_TRY(sd_buf_append(o->b, s, n));
out:
    return err;
}

static sd_err
put_cp(struct html_out *o, unsigned long cp)
{
    char u[4];
    size_t n;

    if(cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if(cp == 0xA0 || cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
        if(!o->bol)
            o->space = true;
        return SD_OK;
    }
    if(cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if(cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if(cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return put_text(o, u, n);
}

/* Decode the entity at s (s[0] == '&'); returns bytes consumed, 0 if not an entity. */
static size_t
entity(const char *s, size_t n, unsigned long *cp)
{
    static const struct {
        const char *name;
        unsigned long cp;
    } named[] = {
        {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
        {"apos", '\''},     {"nbsp", 0xA0},    {"copy", 0xA9},    {"reg", 0xAE},
        {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"lsquo", 0x2018},
        {"rsquo", 0x2019},  {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"middot", 0xB7},
        {"yen", 0xA5},      {"euro", 0x20AC},  {"bull", 0x2022},  {"times", 0xD7},
        {"zwnj", 0x200C},   {"zwj", 0x200D},   {"shy", 0xAD},     {"emsp", 0x2003},
    };
    size_t i = 1;

    if(n > 2 && s[1] == '#') {
        unsigned long v = 0;
        bool hex = n > 3 && (s[2] == 'x' || s[2] == 'X');
        size_t digits = 0;

        i = hex ? 3 : 2;
        while(i < n && digits < 8 &&
              (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
            int d = isdigit((unsigned char)s[i]) ? s[i] - '0'
                                                 : (tolower((unsigned char)s[i]) - 'a' + 10);

            v = v * (hex ? 16u : 10u) + (unsigned long)d;
            i++;
            digits++;
        }
        if(!digits)
            return 0;
        if(i < n && s[i] == ';')
            i++;
        *cp = v;
        return i;
    }
    while(i < n && i < 10 && isalnum((unsigned char)s[i]))
        i++;
    for(size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
        size_t l = strlen(named[k].name);

        if(i - 1 == l && strncmp(s + 1, named[k].name, l) == 0) {
            *cp = named[k].cp;
            return i < n && s[i] == ';' ? i + 1 : i;
        }
    }
    return 0;
}

static bool
tag_is(const char *name, size_t n, const char *const *list)
{
    for(size_t i = 0; list[i]; i++)
        if(strlen(list[i]) == n && strncasecmp(name, list[i], n) == 0)
            return true;
    return false;
}

/* Find the end of the element whose content is skipped (</script>, </style>, </head>). */
static size_t
skip_to_close(const char *s, size_t n, size_t i, const char *name, size_t nl)
{
    while(i + 2 + nl <= n) {
        if(s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, name, nl) == 0) {
            const char *gt = memchr(s + i, '>', n - i);

            return gt ? (size_t)(gt - s) + 1 : n;
        }
        i++;
    }
    return n;
}

sd_err
sd_mail_html_text(struct sd_buf *out, const char *s, size_t n)
{
    static const char *const block[] = {"p",      "div", "tr",  "li",      "h1",      "h2",
                                        "h3",     "h4",  "h5",  "h6",      "table",   "ul",
                                        "ol",     "hr",  "pre", "section", "article", "header",
                                        "footer", "dl",  "dt",  "dd",      "address", "center",
                                        "title",  "td",  "th",  NULL};
    static const char *const skipped[] = {"script", "style",  "head",   "noscript", "template",
                                          "svg",    "object", "iframe", NULL};
    sd_err err = SD_OK;
    struct html_out o = {out, 0, true, false, 0};
    size_t i = 0;

    SD_CHECK_ARG(out && (s || n == 0));
    while(i < n) {
        char c = s[i];

        if(c == '<') {
            size_t j = i + 1;
            bool close = false;
            size_t nb;
            const char *gt;

            if(n - i >= 4 && strncmp(s + i, "<!--", 4) == 0) {
                const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);

                i = e ? (size_t)(e - s) + 3 : n;
                continue;
            }
            if(j < n && s[j] == '/') {
                close = true;
                j++;
            }
            nb = j;
            while(j < n && (isalnum((unsigned char)s[j]) || s[j] == '-' || s[j] == ':'))
                j++;
            if(j == nb && !(j < n && (s[j] == '!' || s[j] == '?'))) {
                /* A lone '<' is text. */
                SD_TRY(put_text(&o, "<", 1));
                i++;
                continue;
            }
            gt = memchr(s + j, '>', n - j);
            if(!gt)
                break; /* an unclosed tag ends the text */
            if(!close && tag_is(s + nb, j - nb, skipped)) {
                char name[16];
                size_t nl = j - nb < sizeof(name) ? j - nb : sizeof(name) - 1;

                memcpy(name, s + nb, nl);
                name[nl] = '\0';
                i = gt[-1] == '/' ? (size_t)(gt - s) + 1
                                  : skip_to_close(s, n, (size_t)(gt - s) + 1, name, nl);
                continue;
            }
            if(j - nb == 10 && strncasecmp(s + nb, "blockquote", 10) == 0) {
                SD_TRY(put_nl(&o, false));
                if(close && o.quote > 0)
                    o.quote--;
                else if(!close)
                    o.quote++;
                o.bol = true;
            } else if(j - nb == 2 && strncasecmp(s + nb, "br", 2) == 0) {
                SD_TRY(put_nl(&o, true));
            } else if(tag_is(s + nb, j - nb, block)) {
                SD_TRY(put_nl(&o, false));
            }
            /* img, a, span, font...: the tag goes, with every attribute (URLs included). */
            i = (size_t)(gt - s) + 1;
            continue;
        }
        if(c == '&') {
            unsigned long cp = 0;
            size_t l = entity(s + i, n - i, &cp);

            if(l) {
                SD_TRY(put_cp(&o, cp));
                i += l;
                continue;
            }
        }
        if(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if(!o.bol)
                o.space = true;
            i++;
            continue;
        }
        {
            size_t k = i + 1;

            while(k < n && s[k] != '<' && s[k] != '&' && s[k] != ' ' && s[k] != '\t' &&
                  s[k] != '\n' && s[k] != '\r' && s[k] != '\f')
                k++;
            SD_TRY(put_text(&o, s + i, k - i));
            i = k;
        }
    }
    SD_TRY(sd_buf_terminate(out));
out:
    return err;
}
