/* The structure of an e-mail, intake form or phone note, for triage (issue 17 item 2): which
 * lines are the customer's new words and which are quoted history, a signature, a mobile
 * footer, a legal disclaimer or the category the customer picked on a form (often wrong).
 * Internal to src/text (the one triage entry point runs it on the folded text). */
#ifndef SD_TEXT_TSTRUCT_H
#define SD_TEXT_TSTRUCT_H

#include <stddef.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

/* Append to out the lines of folded[0..n) (sd_text_fold output: lower case, NFKC, simplified
 * Chinese) that triage should read, joined by '\n', NUL-terminated:
 * - quoted reply history is left out (a '>' line; from an attribution "on ... wrote:",
 *   "... 写道:", "... 작성:", an "original message" separator or a From/Sent/To header block
 *   to the end), unless the new part is short or points below: then it is the subject;
 * - a forwarded message is kept whole (the customer sent it to be read; as src/mail/trim.c);
 * - a signature ("--" line), a mobile footer ("sent from my ...", "发自我的 ...",
 *   "... 에서 보냄") and a legal disclaimer line (two or more disclaimer markers) go, never the
 *   first line with content;
 * - a form's customer-chosen category line ("category (chosen by customer): x",
 *   "问题类型(客户自选): x", "문의 유형(고객 선택): x") goes: it is often wrong.
 * Text without any of these comes out unchanged. Returns SD_OK; SD_E_INVALID if out is NULL or
 * folded is NULL with n > 0; SD_E_NOMEM. On error out->len is restored. Bounded: linear in n
 * (a header block looks at most 6 lines ahead); no limit besides out's (SD_BUF_MAX). */
sd_err sd_tstruct_view(struct sd_buf *out, const char *folded, size_t n);

#endif
