/* The customer's new words apart from what they quote: quoted history (attribution lines in
 * zh/en/ko, "original message" separators, Outlook header blocks, '>' lines) goes to quoted,
 * a signature ("-- " line) or a mobile footer goes to sig. A forwarded message is kept whole:
 * after a forward marker nothing more is cut, the customer sent it to be read. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/mail_int.h"
#include "util/err_int.h"

struct line {
    const char *s; /* without leading white space */
    size_t n;      /* without trailing white space */
    const char *raw;
    size_t rawn;
};

static bool
starts(const struct line *l, const char *p)
{
    size_t n = strlen(p);

    return l->n >= n && strncasecmp(l->s, p, n) == 0;
}

static bool
ends(const struct line *l, const char *p)
{
    size_t n = strlen(p);

    return l->n >= n && memcmp(l->s + l->n - n, p, n) == 0;
}

static bool
has(const struct line *l, const char *p)
{
    return l->n && memmem(l->s, l->n, p, strlen(p)) != NULL;
}

static bool
any_start(const struct line *l, const char *const *list)
{
    for(size_t i = 0; list[i]; i++)
        if(starts(l, list[i]))
            return true;
    return false;
}

static bool
any_has(const struct line *l, const char *const *list)
{
    for(size_t i = 0; list[i]; i++)
        if(has(l, list[i]))
            return true;
    return false;
}

static const char *const from_labels[] = {
    "From:",   "*From:*",  "From :",     "发件人:",   "发件人：",
    "寄件者:", "寄件者：", "보낸 사람:", "보낸사람:", NULL};
static const char *const block_labels[] = {
    "Sent:",      "Date:",      "To:",   "Subject:", "Cc:",      "*Sent:*", "*To:*", "发送时间",
    "收件人",     "主题",       "日期",  "抄送",     "寄件日期", "收件者",  "主旨",  "副本",
    "보낸 날짜:", "받는 사람:", "제목:", "날짜:",    "참조:",    NULL};
static const char *const separators[] = {"原始邮件",  "原始郵件",    "Original Message",
                                         "원본 메일", "원본 메시지", "Reply above this line",
                                         NULL};
static const char *const forwards[] = {"Forwarded message",
                                       "Begin forwarded message",
                                       "转发的邮件",
                                       "轉寄的郵件",
                                       "转发邮件",
                                       "전달된 메시지",
                                       "전달된 메일",
                                       "-----Forwarded",
                                       NULL};
static const char *const footers[] = {"Sent from my",
                                      "Sent from Mail for",
                                      "Get Outlook for",
                                      "Sent from Outlook",
                                      "Sent from Yahoo",
                                      "Sent via ",
                                      "发自我的",
                                      "從我的",
                                      "从我的iPhone",
                                      "从我的 iPhone",
                                      "从我的Android",
                                      "发自网易邮箱",
                                      "來自我的",
                                      "发自我的iPhone",
                                      NULL};

/* An attribution line: "On <date>, <name> wrote:" (possibly wrapped on the next line),
 * "在 ...，张三 <a@b> 写道：", "2024년 3월 1일 ... 님이 작성:". */
static bool
attribution(const struct line *l, const struct line *next)
{
    if(starts(l, "On ") && (ends(l, "wrote:") || (next && ends(next, "wrote:"))))
        return true;
    if(ends(l, "wrote:") && (has(l, "@") || has(l, "<")))
        return true;
    if(ends(l, "写道：") || ends(l, "写道:") || ends(l, "寫道：") || ends(l, "寫道:"))
        return true;
    if(ends(l, "작성:") || ends(l, "작성："))
        return true;
    return false;
}

static bool
header_block(const struct line *ls, size_t n, size_t i)
{
    size_t seen = 0;

    if(!any_start(&ls[i], from_labels))
        return false;
    for(size_t k = i + 1; k < n && k <= i + 6; k++)
        if(any_start(&ls[k], block_labels))
            seen++;
    return seen >= 2 || (seen >= 1 && !starts(&ls[i], "From"));
}

static bool
rule_line(const struct line *l)
{
    if(l->n < 5)
        return false;
    for(size_t i = 0; i < l->n; i++)
        if(l->s[i] != '_' && l->s[i] != '-' && l->s[i] != '=')
            return false;
    return true;
}

static sd_err
emit(struct sd_buf *b, const struct line *l)
{
    sd_err err = SD_OK;

    SD_TRY(sd_buf_append(b, l->raw, l->rawn));
    SD_TRY(sd_buf_append_byte(b, '\n'));
out:
    return err;
}

/* Drop trailing white space and blank lines, then NUL-terminate. */
static sd_err
finish(struct sd_buf *b, size_t start)
{
    while(b->len > start && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' ' ||
                             b->data[b->len - 1] == '\t'))
        b->len--;
    return sd_buf_terminate(b);
}

sd_err
sd_mail_trim(struct sd_buf *body, struct sd_buf *quoted, struct sd_buf *sig, const char *text,
             size_t n)
{
    sd_err err = SD_OK;
    struct line *ls = NULL;
    size_t nl = 0;
    size_t cap = 0;
    size_t cut;
    size_t sigat;
    size_t b0 = 0;
    size_t q0 = 0;
    size_t s0 = 0;
    size_t i = 0;

    SD_CHECK_ARG(body && quoted && sig && (text || n == 0));
    b0 = body->len;
    q0 = quoted->len;
    s0 = sig->len;
    while(i < n) {
        const char *e = memchr(text + i, '\n', n - i);
        size_t end = e ? (size_t)(e - text) : n;
        struct line l;

        if(nl == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct line *nls = realloc(ls, ncap * sizeof(*ls));

            SD_ENSURE(nls, SD_E_NOMEM);
            ls = nls;
            cap = ncap;
        }
        l.raw = text + i;
        l.rawn = end - i;
        l.s = l.raw;
        l.n = l.rawn;
        while(l.n && (*l.s == ' ' || *l.s == '\t')) {
            l.s++;
            l.n--;
        }
        while(l.n && (l.s[l.n - 1] == ' ' || l.s[l.n - 1] == '\t'))
            l.n--;
        ls[nl++] = l;
        i = end + 1;
    }

    /* The first marker of quoted history; after a forward marker nothing is cut. */
    cut = nl;
    for(size_t k = 0; k < nl; k++) {
        const struct line *next = k + 1 < nl ? &ls[k + 1] : NULL;

        if(any_has(&ls[k], forwards))
            break;
        if(attribution(&ls[k], next) || (ls[k].n < 80 && any_has(&ls[k], separators)) ||
           header_block(ls, nl, k)) {
            cut = k;
            if(cut > 0 && rule_line(&ls[cut - 1]))
                cut--;
            break;
        }
    }

    /* A signature: the "-- " line, or a mobile footer among the last three text lines. */
    sigat = cut;
    for(size_t k = 0; k < cut; k++) {
        if((ls[k].rawn == 3 && memcmp(ls[k].raw, "-- ", 3) == 0) ||
           (ls[k].rawn == 2 && memcmp(ls[k].raw, "--", 2) == 0)) {
            sigat = k;
            break;
        }
    }
    if(sigat == cut) {
        size_t seen = 0;

        for(size_t k = cut; k-- > 0 && seen < 3;) {
            if(!ls[k].n)
                continue;
            seen++;
            if(ls[k].n <= 60 &&
               (any_start(&ls[k], footers) || ends(&ls[k], "에서 보냄") ||
                ends(&ls[k], "에서 보냈습니다.") || ends(&ls[k], "에서 보냈습니다")))
                sigat = k;
        }
    }

    for(size_t k = 0; k < sigat; k++) {
        if(ls[k].n && ls[k].s[0] == '>')
            SD_TRY(emit(quoted, &ls[k]));
        else
            SD_TRY(emit(body, &ls[k]));
    }
    for(size_t k = sigat; k < cut; k++)
        SD_TRY(emit(sig, &ls[k]));
    for(size_t k = cut; k < nl; k++)
        SD_TRY(emit(quoted, &ls[k]));
    /* Leading blank lines of the body go too. */
    {
        size_t k = b0;

        while(k < body->len && (body->data[k] == '\n' || body->data[k] == ' '))
            k++;
        if(k > b0) {
            memmove(body->data + b0, body->data + k, body->len - k);
            body->len -= k - b0;
        }
    }
    SD_TRY(finish(body, b0));
    SD_TRY(finish(quoted, q0));
    SD_TRY(finish(sig, s0));
out:
    free(ls);
    return err;
}
