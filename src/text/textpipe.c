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
    sodium_memzero(p, sizeof(*p));
}

sd_err
sd_textpipe_run(struct sd_textpipe *p, const struct sd_triage_rules *r, const char *subject,
                size_t slen, const char *body, size_t blen, bool vip)
{
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
    SD_TRY(sd_buf_append_byte(&p->folded, ' '));
    SD_TRY(sd_text_fold(&p->folded, (const char *)p->body.data, p->body.len));
    SD_TRY(sd_triage_classify_folded(r, (const char *)p->folded.data, p->folded.len, vip,
                                     p->secrets, &p->tr));
    SD_TRY(sd_buf_append(&p->both, p->subj.data, p->subj.len));
    SD_TRY(sd_buf_append(&p->both, "\n", 1));
    SD_TRY(sd_buf_append(&p->both, p->body.data, p->body.len));
    SD_TRY(sd_buf_terminate(&p->both));
    p->lang = sd_lang_detect((const char *)p->both.data, p->both.len);
out:
    if(err != SD_OK)
        sd_textpipe_free(p);
    return err;
}
