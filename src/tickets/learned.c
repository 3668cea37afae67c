/* The read side of the learned triage (issue 17 item 3) for the ticket layer: the model's
 * adjustment for a new ticket (ticket.c) and for a Triage call (desk.c). Uses the desk's store,
 * keyring and rules only, so it needs nothing else of this folder (set_triage.c writes). */
#include <string.h>

#include "sealdesk/learn.h"
#include "sealdesk/redact.h"
#include "sealdesk/text.h"
#include "tickets/desk_int.h"
#include "util/err_int.h"

sd_err
sd_desk_learned(struct sd_desk *d, const uint8_t *subj, size_t slen, const uint8_t *body,
                size_t blen, struct sd_triage_learned *out)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_learn_adjust(t, d->kr, (const char *)subj, slen, (const char *)body, blen, out));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_triage_learned(struct sd_desk *d, const char *text, size_t n, bool vip,
                       struct sd_triage_result *out)
{
    struct sd_buf clean = SD_BUF_INIT;
    struct sd_redact_report rep;
    struct sd_triage_learned learned;
    unsigned bits = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && (text || n == 0) && out);
    SD_ENSURE(n <= SD_TRIAGE_MAX_TEXT, SD_E_LIMIT);
    SD_CHECK_ARG(sd_text_valid(text, n));
    /* Secrets never reach the features: the same redacted text a new ticket is triaged on. */
    SD_TRY(sd_redact(&clean, text ? text : "", n, &rep));
    for(int k = 0; k < SD_REDACT_KIND_COUNT; k++) {
        if(rep.count[k])
            bits |= 1u << k;
    }
    SD_TRY(sd_desk_learned(d, NULL, 0, clean.data, clean.len, &learned));
    SD_TRY(sd_triage_classify_learned(d->rules, "", 0, (const char *)clean.data, clean.len, vip,
                                      bits, &learned, out));
out:
    sd_buf_wipe_free(&clean);
    return err;
}
