/* Quoted-history and footer markers of e-mail (qmark.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/err_int.h"
#include "util/qmark.h"

void
sd_qline_strip(struct sd_qline *l)
{
    while(l->n && (*l->s == ' ' || *l->s == '\t')) {
        l->s++;
        l->n--;
    }
    while(l->n && (l->s[l->n - 1] == ' ' || l->s[l->n - 1] == '\t' || l->s[l->n - 1] == '\r'))
        l->n--;
}

sd_err
sd_qline_split(struct sd_qline **out, size_t *count, const char *text, size_t n)
{
    sd_err err = SD_OK;
    struct sd_qline *ls = NULL;
    size_t nl = 0;
    size_t cap = 0;
    size_t i = 0;

    SD_CHECK_ARG(out && count && (text || n == 0));
    *out = NULL;
    *count = 0;
    while(i < n) {
        const char *e = memchr(text + i, '\n', n - i);
        size_t end = e ? (size_t)(e - text) : n;
        struct sd_qline l;

        if(nl == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct sd_qline *nls;

            SD_ENSURE(ncap <= SIZE_MAX / sizeof(*ls), SD_E_NOMEM);
            nls = realloc(ls, ncap * sizeof(*ls));
            SD_ENSURE(nls, SD_E_NOMEM);
            ls = nls;
            cap = ncap;
        }
        l.raw = text + i;
        l.rawn = end - i;
        l.s = l.raw;
        l.n = l.rawn;
        sd_qline_strip(&l);
        ls[nl++] = l;
        i = end + 1;
    }
    *out = ls;
    *count = nl;
    ls = NULL;
out:
    free(ls);
    return err;
}

bool
sd_qline_starts(const struct sd_qline *l, const char *p)
{
    size_t n = strlen(p);

    return l->n >= n && memcmp(l->s, p, n) == 0;
}

bool
sd_qline_ends(const struct sd_qline *l, const char *p)
{
    size_t n = strlen(p);

    return l->n >= n && memcmp(l->s + l->n - n, p, n) == 0;
}

bool
sd_qline_has(const struct sd_qline *l, const char *p)
{
    return l->n && memmem(l->s, l->n, p, strlen(p)) != NULL;
}

bool
sd_qline_any_start(const struct sd_qline *l, const char *const *list)
{
    for(size_t i = 0; list[i]; i++)
        if(sd_qline_starts(l, list[i]))
            return true;
    return false;
}

bool
sd_qline_any_has(const struct sd_qline *l, const char *const *list)
{
    for(size_t i = 0; list[i]; i++)
        if(sd_qline_has(l, list[i]))
            return true;
    return false;
}

/* All markers are in folded form (sd_text_fold). */
static const char *const from_labels[] = {
    "from:", "*from:*", "from :", "发件人:", "寄件者:", "보낸 사람:", "보낸사람:", NULL};
static const char *const block_labels[] = {
    "sent:",      "date:",     "to:",        "subject:", "cc:",      "*sent:*", "*to:*", "发送时间",
    "收件人",     "主题",      "日期",       "抄送",     "寄件日期", "收件者",  "主旨",  "副本",
    "보낸 날짜:", "보낸날짜:", "받는 사람:", "제목:",    "날짜:",    "참조:",   NULL};
static const char *const separators[] = {"原始邮件",    "original message",      "원본 메일",
                                         "원본 메시지", "reply above this line", NULL};
static const char *const forwards[] = {"forwarded message",
                                       "begin forwarded message",
                                       "转发的邮件",
                                       "转寄的邮件",
                                       "转发邮件",
                                       "전달된 메시지",
                                       "전달된 메일",
                                       "-----forwarded",
                                       NULL};
static const char *const footers[] = {"sent from my",
                                      "sent from mail for",
                                      "get outlook for",
                                      "sent from outlook",
                                      "sent from yahoo",
                                      "sent via ",
                                      "发自我的",
                                      "从我的",
                                      "来自我的",
                                      "发自网易",
                                      NULL};

/* "on <date>, <name> wrote:" (maybe wrapped), "在 ... 写道:", "... 님이 작성:". */
static bool
attribution(const struct sd_qline *l, const struct sd_qline *next)
{
    if(sd_qline_starts(l, "on ") &&
       (sd_qline_ends(l, "wrote:") || (next && sd_qline_ends(next, "wrote:"))))
        return true;
    if(sd_qline_ends(l, "wrote:") && (sd_qline_has(l, "@") || sd_qline_has(l, "<")))
        return true;
    return sd_qline_ends(l, "写道:") || sd_qline_ends(l, "작성:");
}

static bool
header_block(const struct sd_qline *ls, size_t n, size_t i)
{
    size_t seen = 0;

    if(!sd_qline_any_start(&ls[i], from_labels))
        return false;
    for(size_t k = i + 1; k < n && k <= i + 6; k++)
        if(sd_qline_any_start(&ls[k], block_labels))
            seen++;
    return seen >= 2 || (seen >= 1 && !sd_qline_starts(&ls[i], "from"));
}

static bool
rule_line(const struct sd_qline *l)
{
    if(l->n < 5)
        return false;
    for(size_t i = 0; i < l->n; i++)
        if(l->s[i] != '_' && l->s[i] != '-' && l->s[i] != '=')
            return false;
    return true;
}

size_t
sd_qmark_history(const struct sd_qline *ls, size_t n, size_t *fwd)
{
    *fwd = n;
    for(size_t k = 0; k < n; k++) {
        if(sd_qline_any_has(&ls[k], forwards)) {
            *fwd = k;
            return n;
        }
        if(attribution(&ls[k], k + 1 < n ? &ls[k + 1] : NULL) ||
           (ls[k].n < 80 && sd_qline_any_has(&ls[k], separators)) || header_block(ls, n, k))
            return k > 0 && rule_line(&ls[k - 1]) ? k - 1 : k;
    }
    return n;
}

bool
sd_qmark_footer(const struct sd_qline *l)
{
    return l->n <= 60 &&
           (sd_qline_any_start(l, footers) || sd_qline_ends(l, "에서 보냄") ||
            sd_qline_ends(l, "에서 보냈습니다.") || sd_qline_ends(l, "에서 보냈습니다"));
}
