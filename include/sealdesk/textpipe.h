/* One text pipeline per ticket (issue 17 item 1): the subject and body of a new ticket are
 * validated, redacted, folded once (NFKC + case fold + lump + traditional -> simplified,
 * sd_text_fold) and matched once against the triage rules' Aho-Corasick automaton (built when
 * the rules load); the one result is shared by redaction, triage, language detection and the
 * KB suggestion (which searches `both` cut at SD_TEXTPIPE_QUERY bytes: its fold, `qfold`, is
 * put together from the pipeline's fold), so no stage validates, folds or scans the text again.
 *
 * sd_textpipe_run gives exactly what the separate calls give: sd_redact on the subject and on
 * the body, sd_triage_classify_found on the redacted parts with the secrets found, and
 * sd_lang_detect on the redacted subject "\n" body, sd_text_fold on `both` cut at
 * SD_TEXTPIPE_QUERY bytes (tests/unit/test_textpipe.c checks it on every labelled set in the
 * repo). All functions are thread-safe for distinct results. */
#ifndef SEALDESK_TEXTPIPE_H
#define SEALDESK_TEXTPIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"
#include "sealdesk/redact.h"
#include "sealdesk/triage.h"

/* The KB suggestion searches the first SD_TEXTPIPE_QUERY bytes of `both` (cut back to a UTF-8
 * boundary: sd_textpipe_query_len). */
#define SD_TEXTPIPE_QUERY 512

struct sd_textpipe {
    struct sd_buf subj, body; /* redacted subject and body (NUL-terminated) */
    struct sd_buf both;       /* redacted subject "\n" body: language, KB suggestion */
    struct sd_buf folded;     /* sd_text_fold(subj) " " sd_text_fold(body): triage */
    struct sd_buf qfold;      /* sd_text_fold of both cut for the KB (sd_textpipe_query_len) */
    struct sd_redact_report rs, rb; /* secrets replaced in the subject / the body */
    unsigned secrets;               /* bit (1u << enum sd_redact_kind) per kind found in either */
    struct sd_triage_result tr;     /* triage of the redacted text */
    const char *lang;               /* sd_lang_detect(both): static string, never NULL after run */
};

#define SD_TEXTPIPE_INIT                                                                       \
    {                                                                                          \
        SD_BUF_INIT, SD_BUF_INIT, SD_BUF_INIT, SD_BUF_INIT, SD_BUF_INIT, {{0}}, {{0}}, 0, {0}, \
            NULL                                                                               \
    }

/* Run the pipeline on subject[0..slen) and body[0..blen) (UTF-8; either may be empty and then
 * NULL) with rules r; vip raises the priority as in sd_triage_classify. p must be
 * SD_TEXTPIPE_INIT or freed with sd_textpipe_free; it is filled on SD_OK.
 * Returns SD_OK; SD_E_INVALID if r or p is NULL, a text is NULL with a length, or either text
 * fails sd_text_valid; SD_E_LIMIT if slen or blen > SD_REDACT_MAX or the redacted
 * subject + body > SD_TRIAGE_MAX_TEXT; SD_E_NOMEM. On error p holds nothing (its buffers are wiped and freed).
 * Ownership: texts and r are borrowed; p's buffers are the caller's (sd_textpipe_free). */
sd_err sd_textpipe_run(struct sd_textpipe *p, const struct sd_triage_rules *r, const char *subject,
                       size_t slen, const char *body, size_t blen, bool vip);

/* Length of the KB suggestion's query in text[0..n): n, or at most SD_TEXTPIPE_QUERY cut back to
 * the start of a UTF-8 sequence. */
size_t sd_textpipe_query_len(const uint8_t *text, size_t n);

/* Wipe (ticket text is PII) and free p's buffers and reset p to SD_TEXTPIPE_INIT. NULL is a
 * no-op. */
void sd_textpipe_free(struct sd_textpipe *p);

#endif
