/* The customer's new words apart from what they quote: quoted history (attribution lines in
 * zh/en/ko, "original message" separators, Outlook header blocks, '>' lines) goes to quoted,
 * a signature ("-- " line) or a mobile footer goes to sig. A forwarded message is kept whole:
 * after a forward marker nothing more is cut, the customer sent it to be read. The markers and
 * line helpers are src/util/qmark.c's (shared with triage's src/text/tstruct.c): lines are
 * matched on their sd_text_fold form, so case, full-width forms and traditional Chinese need
 * no markers of their own. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/mail_int.h"
#include "sealdesk/text.h"
#include "util/err_int.h"
#include "util/qmark.h"

/* Point every line's s at its folded form (the markers are folded): folded into fold, one
 * line after another, fo[k] where line k starts there. A line sd_text_fold refuses (a control
 * character, longer than SD_TEXT_MAX) is matched as written. fold is wiped by the caller. */
static sd_err
fold_lines(struct sd_qline *ls, size_t nl, struct sd_buf *fold)
{
    sd_err err = SD_OK;
    size_t *fo = calloc(nl + 1, sizeof(*fo));

    SD_ENSURE(fo, SD_E_NOMEM);
    for(size_t k = 0; k < nl; k++) {
        sd_err e;

        fo[k] = fold->len;
        e = sd_text_fold(fold, ls[k].raw, ls[k].rawn);
        if(e == SD_E_INVALID || e == SD_E_LIMIT)
            e = sd_buf_append(fold, ls[k].raw, ls[k].rawn);
        SD_TRY(e);
    }
    fo[nl] = fold->len;
    for(size_t k = 0; k < nl; k++) {
        ls[k].s = fold->data ? (const char *)fold->data + fo[k] : "";
        ls[k].n = fo[k + 1] - fo[k];
        sd_qline_strip(&ls[k]); /* blanks (and a CR) around a line are not matched */
    }
out:
    free(fo);
    return err;
}

static sd_err
emit(struct sd_buf *b, const struct sd_qline *l)
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
    struct sd_qline *ls = NULL;
    struct sd_buf fold = SD_BUF_INIT;
    size_t nl = 0;
    size_t cut;
    size_t fwd;
    size_t sigat;
    size_t b0 = 0;
    size_t q0 = 0;
    size_t s0 = 0;

    SD_CHECK_ARG(body && quoted && sig && (text || n == 0));
    b0 = body->len;
    q0 = quoted->len;
    s0 = sig->len;
    SD_TRY(sd_qline_split(&ls, &nl, text, n));
    SD_TRY(fold_lines(ls, nl, &fold));

    /* The first marker of quoted history; after a forward marker nothing is cut. */
    cut = sd_qmark_history(ls, nl, &fwd);
    SD_ENSURE(cut <= nl && fwd <= nl, SD_E_INVALID); /* as qmark.h says (for the analyzer) */

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
            if(sd_qmark_footer(&ls[k]))
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
    sd_buf_wipe_free(&fold);
    free(ls);
    return err;
}
