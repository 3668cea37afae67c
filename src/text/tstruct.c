/* Mail / form / phone-note structure for triage (tstruct.h). Works on folded text, so the
 * markers are written once in lower case, half-width, simplified form ("：" is ":", "寫道" is
 * "写道"). The quoted-history and footer markers are src/util/qmark.c's, which src/mail/trim.c
 * uses to cut the same history off e-mail bodies before a ticket is made; this pass also covers
 * what reaches triage uncut: intake forms, pasted threads, phone notes, mail trimmed by an older
 * desk. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text/tstruct.h"
#include "util/err_int.h"
#include "util/qmark.h"

enum {
    KEEP,
    DROP,
    QUOTED
};

/* A new part shorter than this (code points of content) is a pointer to what it quotes. */
#define THIN_NEW_PART 40

static size_t
count_has(const struct sd_qline *l, const char *const *list)
{
    size_t c = 0;

    for(size_t i = 0; list[i]; i++)
        c += sd_qline_has(l, list[i]);
    return c;
}

/* All markers are in folded form (sd_text_fold). Two or more of these on one line make it a
 * legal disclaimer. */
static const char *const disclaimer[] = {"confidential",
                                         "privileged",
                                         "intended recipient",
                                         "intended solely",
                                         "addressee",
                                         "disclaimer",
                                         "investment advice",
                                         "before printing",
                                         "notify the sender",
                                         "this e-mail",
                                         "this email",
                                         "this message",
                                         "免责声明",
                                         "保密",
                                         "误收",
                                         "本邮件",
                                         "此邮件",
                                         "收件人",
                                         "发件人",
                                         "法律声明",
                                         "기밀",
                                         "수신인",
                                         "수신자",
                                         "법적 고지",
                                         "무단",
                                         "본 메일",
                                         "본 이메일",
                                         "이 메일",
                                         "발신자",
                                         NULL};
/* The category a customer picked on a form, then up to 32 bytes ("(chosen by customer)"). */
static const char *const cat_labels[] = {
    "category", "issue type", "problem type", "request type", "topic",    "问题类型", "问题分类",
    "类别",     "分类",       "문의 유형",    "문의유형",     "카테고리", "분류",     NULL};
/* A closing line: the short lines after it are a signature (name, title, company). */
static const char *const closings[] = {
    "best",   "regards",   "kind regards", "best regards", "thanks",     "thank you",
    "cheers", "sincerely", "yours",        "many thanks",  "此致",       "顺祝",
    "顺颂",   "祝好",      "谢谢",         "감사합니다",   "고맙습니다", NULL};
/* The new part points at what it quotes. */
static const char *const below[] = {"below", "下面", "以下", "如下", "아래", NULL};

/* "category (chosen by customer): security": a label, at most 32 bytes, a colon, a value. */
static bool
category_line(const struct sd_qline *l)
{
    const char *c;

    if(l->n > 120 || !sd_qline_any_start(l, cat_labels))
        return false;
    c = memchr(l->s, ':', l->n < 48 ? l->n : 48);
    return c != NULL;
}

static bool
disclaimer_line(const struct sd_qline *l)
{
    return l->n > 30 && count_has(l, disclaimer) >= 2;
}

/* "... 드림" / "... 올림": a Korean name line signs off. */
static bool
signed_line(const struct sd_qline *l)
{
    return l->n <= 80 && (sd_qline_ends(l, "드림") || sd_qline_ends(l, "올림"));
}

/* A closing line ("best regards," "此致") with only a short signature after it: at most four
 * lines of content, each at most 60 bytes, up to end (the forward or the quoted history);
 * otherwise the customer goes on ("thanks!\nmy account was hacked" keeps every line). */
static bool
closing_line(const struct sd_qline *ls, size_t k, size_t end)
{
    size_t lines = 0;

    if(ls[k].n > 30 || !sd_qline_any_start(&ls[k], closings))
        return false;
    for(size_t i = k + 1; i < end; i++) {
        if(ls[i].n == 0 || disclaimer_line(&ls[i]) || sd_qmark_footer(&ls[i]))
            continue;
        if(ls[i].n > 60 || ++lines > 4)
            return false;
    }
    return true;
}

/* Code points of l that are not blanks or punctuation-free ASCII symbols (a rough size). */
static size_t
content_cps(const struct sd_qline *l)
{
    size_t c = 0;

    for(size_t i = 0; i < l->n; i++) {
        unsigned char b = (unsigned char)l->s[i];

        if((b & 0xC0) == 0x80 || b == ' ' || b == '\t' || b == '\r')
            continue;
        c++;
    }
    return c;
}

sd_err
sd_tstruct_view(struct sd_buf *out, const char *folded, size_t n)
{
    sd_err err = SD_OK;
    struct sd_qline *ls = NULL;
    unsigned char *mark = NULL;
    size_t nl = 0;
    size_t cut;
    size_t fwd;
    size_t first = SIZE_MAX; /* the first line with content */
    size_t o0 = 0;
    size_t fresh = 0; /* content code points of the new part */
    bool quoted = false;
    bool points = false;
    bool sig = false;

    SD_CHECK_ARG(out && (folded || n == 0));
    o0 = out->len;
    SD_TRY(sd_qline_split(&ls, &nl, folded ? folded : "", n));
    mark = calloc(nl + 1, 1);
    SD_ENSURE(mark, SD_E_NOMEM);

    /* Quoted history: from its first marker to the end; a forward stops the search. */
    cut = sd_qmark_history(ls, nl, &fwd);
    for(size_t k = 0; k < nl; k++) {
        if(k >= cut) {
            mark[k] = QUOTED;
            continue;
        }
        if(k > fwd) /* a forwarded message is read whole */
            continue;
        if(sig) {
            mark[k] = DROP;
        } else if(ls[k].n && ls[k].s[0] == '>') {
            mark[k] = QUOTED;
        } else if(ls[k].n) {
            bool later = first != SIZE_MAX; /* never the first line with content */
            bool dash = later && ls[k].n == 2 && memcmp(ls[k].s, "--", 2) == 0;

            if(dash || category_line(&ls[k]) ||
               (later &&
                (sd_qmark_footer(&ls[k]) || disclaimer_line(&ls[k]) || signed_line(&ls[k]))))
                mark[k] = DROP;
            sig = dash;
        }
        if(first != SIZE_MAX && mark[k] == KEEP && closing_line(ls, k, cut < fwd ? cut : fwd))
            sig = true; /* the closing itself stays: its words are harmless */
        if(ls[k].n && first == SIZE_MAX)
            first = k;
        if(mark[k] == QUOTED)
            quoted = true;
        else if(mark[k] == KEEP)
            fresh += content_cps(&ls[k]);
        if(k + 1 == fwd) /* the signature of the new part ends at the forward */
            sig = false;
    }
    /* Whether the new part points below matters only when there is a quote it would drop (the
     * test below): the marker search (five substring scans of each kept line the loop above
     * reached: before the cut, not past a forward) is skipped otherwise. mark[] is final here:
     * a line's mark is set only in its own step above. */
    if(quoted && fresh >= THIN_NEW_PART) {
        for(size_t k = 0; k < nl && k < cut && k <= fwd && !points; k++)
            points = mark[k] == KEEP && sd_qline_any_has(&ls[k], below);
    }
    /* A short new part ("what is this? I did not create it!") or one pointing below is about
     * what it quotes: read that too. */
    for(size_t k = 0; k < nl; k++) {
        if(mark[k] == DROP || (mark[k] == QUOTED && quoted && fresh >= THIN_NEW_PART && !points))
            continue;
        if(out->len > o0)
            SD_TRY(sd_buf_append_byte(out, '\n'));
        SD_TRY(sd_buf_append(out, ls[k].raw, ls[k].rawn));
    }
    SD_TRY(sd_buf_terminate(out));
out:
    if(err != SD_OK && out)
        out->len = o0;
    free(mark);
    free(ls);
    return err;
}
