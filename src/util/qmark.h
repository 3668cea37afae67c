/* Quoted-history and mobile-footer markers of e-mail, and the line helpers that find them:
 * shared by src/mail/trim.c (cuts history off a mail body before a ticket is made) and
 * src/text/tstruct.c (triage's view of text that arrived uncut). Internal to src/.
 *
 * Every marker is written once in folded form (sd_text_fold: lower case, NFKC half-width,
 * simplified Chinese), so a line is matched on its folded text: "ORIGINAL MESSAGE",
 * "寄件者：" and "轉寄的郵件" need no entries of their own. */
#ifndef SD_UTIL_QMARK_H
#define SD_UTIL_QMARK_H

#include <stdbool.h>
#include <stddef.h>

#include "sealdesk/err.h"

/* One line of a text: s[0..n) is what markers are matched on (folded, without leading blanks
 * and trailing blanks/CR), raw[0..rawn) the line as written (without its '\n'). */
struct sd_qline {
    const char *s;
    size_t n;
    const char *raw;
    size_t rawn;
};

/* Drop blanks (space, tab) before and blanks and a CR after l->s[0..n). */
void sd_qline_strip(struct sd_qline *l);

/* Split text[0..n) at '\n' into a new array *out of *count lines (a last line without '\n'
 * counts; "" gives none): raw[0..rawn) the line, s[0..n) the same stripped (sd_qline_strip).
 * The lines point into text. Caller frees *out; on error *out is NULL. SD_E_NOMEM. */
sd_err sd_qline_split(struct sd_qline **out, size_t *count, const char *text, size_t n);

/* Byte comparisons of l->s with the NUL-terminated p (folded text needs no case folding). */
bool sd_qline_starts(const struct sd_qline *l, const char *p);
bool sd_qline_ends(const struct sd_qline *l, const char *p);
bool sd_qline_has(const struct sd_qline *l, const char *p);
/* Any of the NULL-terminated list. */
bool sd_qline_any_start(const struct sd_qline *l, const char *const *list);
bool sd_qline_any_has(const struct sd_qline *l, const char *const *list);

/* Where quoted history starts in ls[0..n): the first attribution ("on ... wrote:",
 * "... 写道:", "... 작성:"), "original message" separator (line under 80 bytes) or From/Sent/To
 * header block (looks at most 6 lines ahead), with a rule line ("-----") just above it; n if
 * none. A forward marker stops the search (a forwarded message is read whole): *fwd is its
 * line, n if none. Linear in n. */
size_t sd_qmark_history(const struct sd_qline *ls, size_t n, size_t *fwd);

/* A mobile footer line: at most 60 bytes, "sent from my ...", "发自我的 ...", "... 에서 보냄". */
bool sd_qmark_footer(const struct sd_qline *l);

#endif
