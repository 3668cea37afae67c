/* One text pipeline per ticket: redaction, one fold, one triage scan, language; the result is
 * shared by the ticket code (see textpipe.h). */
#include <string.h>

#include <sodium.h>

#include "sealdesk/lang.h"
#include "sealdesk/text.h"
#include "sealdesk/textpipe.h"
#include "util/err_int.h"

static unsigned
report_bits(const struct sd_redact_report *r)
{
    unsigned bits = 0;

    for(int k = 0; k < SD_REDACT_KIND_COUNT; k++) {
        if(r->count[k])
            bits |= 1u << k;
    }
    return bits;
}

void
sd_textpipe_free(struct sd_textpipe *p)
{
    if(!p)
        return;
    sd_buf_wipe_free(&p->subj);
    sd_buf_wipe_free(&p->body);
    sd_buf_wipe_free(&p->both);
    sd_buf_wipe_free(&p->folded);
    sd_buf_wipe_free(&p->qfold);
    sodium_memzero(p, sizeof(*p));
}

size_t
sd_textpipe_query_len(const uint8_t *text, size_t n)
{
    size_t len = n;

    if(len > SD_TEXTPIPE_QUERY) {
        len = SD_TEXTPIPE_QUERY;
        while(len && (text[len] & 0xC0) == 0x80)
            len--;
    }
    return len;
}

/* The last point j in (0, m] of s that falls between two ASCII characters (s[j - 1] and s[j],
 * j < n), or 0: sd_text_fold's segments may be cut there (text.c), so the fold of s[0..j) is a
 * prefix of the fold of s and of the fold of s[0..m). */
static size_t
ascii_cut(const uint8_t *s, size_t n, size_t m)
{
    if(!n)
        return 0;
    for(size_t j = m < n ? m : n - 1; j > 0; j--) {
        if(s[j - 1] < 0x80 && s[j] < 0x80)
            return j;
    }
    return 0;
}

sd_err
sd_textpipe_run(struct sd_textpipe *p, const struct sd_triage_rules *r, const char *subject,
                size_t slen, const char *body, size_t blen, bool vip)
{
    size_t fs, fj = 0, qlen, bm = 0, bj = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(p);
    sd_textpipe_free(p);
    SD_CHECK_ARG(r && (subject || slen == 0) && (body || blen == 0));
    SD_ENSURE(slen <= SD_REDACT_MAX && blen <= SD_REDACT_MAX, SD_E_LIMIT);
    /* validated once: redaction accepts any bytes, the fold below does not check again */
    SD_CHECK_ARG(sd_text_valid(subject, slen) && sd_text_valid(body, blen));
    SD_TRY(sd_redact(&p->subj, subject, slen, &p->rs));
    SD_TRY(sd_redact(&p->body, body, blen, &p->rb));
    p->secrets = report_bits(&p->rs) | report_bits(&p->rb);
    SD_TRY(sd_buf_terminate(&p->subj));
    SD_TRY(sd_buf_terminate(&p->body));
    /* as sd_triage_classify_found on the redacted parts (markers can outgrow short secrets) */
    SD_ENSURE(p->subj.len <= SD_TRIAGE_MAX_TEXT && p->body.len <= SD_TRIAGE_MAX_TEXT - p->subj.len,
              SD_E_LIMIT);
    /* the fold triage matches: each part folded once, joined with a blank */
    SD_TRY(sd_text_fold(&p->folded, (const char *)p->subj.data, p->subj.len));
    fs = p->folded.len;
    SD_TRY(sd_buf_append_byte(&p->folded, ' '));
    SD_TRY(sd_buf_append(&p->both, p->subj.data, p->subj.len));
    SD_TRY(sd_buf_append(&p->both, "\n", 1));
    SD_TRY(sd_buf_append(&p->both, p->body.data, p->body.len));
    SD_TRY(sd_buf_terminate(&p->both));
    /* The KB query is `both` cut at qlen: when the cut falls in the body at bm, the body is
     * folded in two parts at an ASCII pair at or before bm (the same fold), so the query's fold
     * is the subject's, a newline (folded as itself, joining nothing across it, like the
     * search terms' blank above), the first part and the fold of the few bytes to bm. */
    qlen = sd_textpipe_query_len(p->both.data, p->both.len);
    if(qlen > p->subj.len && qlen < p->both.len) {
        bm = qlen - p->subj.len - 1;
        bj = ascii_cut(p->body.data, p->body.len, bm);
    }
    if(bj) {
        SD_TRY(sd_text_fold(&p->folded, (const char *)p->body.data, bj));
        fj = p->folded.len;
        SD_TRY(sd_text_fold(&p->folded, (const char *)p->body.data + bj, p->body.len - bj));
    } else {
        SD_TRY(sd_text_fold(&p->folded, (const char *)p->body.data, p->body.len));
    }
    if(qlen <= p->subj.len || (qlen < p->both.len && !bj)) {
        /* cut in the subject, or no ASCII pair in the body before the cut: fold the query */
        SD_TRY(sd_text_fold(&p->qfold, (const char *)p->both.data, qlen));
    } else {
        SD_TRY(sd_buf_append(&p->qfold, p->folded.data, fs));
        SD_TRY(sd_buf_append_byte(&p->qfold, '\n'));
        if(bj) {
            SD_TRY(sd_buf_append(&p->qfold, p->folded.data + fs + 1, fj - fs - 1));
            SD_TRY(sd_text_fold(&p->qfold, (const char *)p->body.data + bj, bm - bj));
        } else {
            SD_TRY(sd_buf_append(&p->qfold, p->folded.data + fs + 1, p->folded.len - fs - 1));
        }
    }
    SD_TRY(sd_buf_terminate(&p->qfold));
    SD_TRY(sd_triage_classify_folded(r, (const char *)p->folded.data, p->folded.len, vip,
                                     p->secrets, &p->tr));
    p->lang = sd_lang_detect((const char *)p->both.data, p->both.len);
out:
    if(err != SD_OK)
        sd_textpipe_free(p);
    return err;
}
