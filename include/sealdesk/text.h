/* Text validation and normalisation for matching (triage rules, search).
 *
 * Text in sealdesk is UTF-8. sd_text_fold produces a canonical form in which full-width and
 * half-width, upper and lower case, and traditional and simplified Chinese compare equal, so
 * keyword rules are written once. Both functions are thread-safe. */
#ifndef SEALDESK_TEXT_H
#define SEALDESK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

/* Largest input sd_text_fold accepts, in bytes. */
#define SD_TEXT_MAX ((size_t)256 * 1024)

/* True if s[0..n) is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF),
 * contains no NUL and no C0 (U+0000..U+001F) or C1 (U+0080..U+009F) control character other
 * than \t \n \r. n == 0 is valid. s may be NULL only when n == 0. Thread-safe, no allocation. */
bool sd_text_valid(const char *s, size_t n);

/* Invisible-character checks on valid UTF-8 s[0..n) (s may be NULL when n == 0; invalid UTF-8
 * counts as "has" / "not blank"). Thread-safe, no allocation.
 * sd_text_has_bidi: any bidirectional formatting control (U+061C, U+200E/F, U+202A..U+202E,
 * U+2066..U+2069), which can make an identifier display as something else.
 * sd_text_has_invisible: any format (Cf) or default-ignorable code point, which includes the
 * bidi controls, zero-width spaces and joiners, the BOM and the soft hyphen.
 * sd_text_blank: true if nothing visible is left: every code point is white space (Unicode
 * Z*, \t \n \r \v \f, U+0085), a control, a format or default-ignorable code point, or a
 * blank-looking filler (U+115F, U+1160, U+2800, U+3164, U+FFA0). n == 0 is blank. */
bool sd_text_has_bidi(const char *s, size_t n);
bool sd_text_has_invisible(const char *s, size_t n);
bool sd_text_blank(const char *s, size_t n);

/* Normalise s[0..n) for matching and append the result to out, NUL-terminated
 * (sd_buf_terminate; the NUL is not counted in out->len).
 *
 * Steps: NFKC + Unicode case folding (utf8proc; NFKC also maps full-width forms to half-width),
 * plus utf8proc "lump" so typographic quotes, dashes and spaces become their ASCII forms
 * (so "didn’t" matches "didn't"); then traditional -> simplified Chinese with OpenCC "t2s.json",
 * and the variant 帐 is unified to 账 (t2s yields 帐户 for 帳戶; simplified writers use both).
 * The OpenCC converter is opened once per process on first use (pthread_once) and kept for the
 * life of the process (never closed; it is shared read-only by all threads). If OpenCC cannot
 * open its configuration the Chinese step is skipped for the whole process, not reported as an
 * error. Korean and other scripts pass through NFKC unchanged.
 *
 * Returns SD_OK; SD_E_INVALID unless sd_text_valid(s, n); SD_E_LIMIT if n > SD_TEXT_MAX or out
 * would grow past SD_BUF_MAX; SD_E_NOMEM. On error out->len is unchanged (bytes past it may have
 * been overwritten). Intermediate copies are wiped (tickets carry PII). out is the caller's;
 * s is borrowed for the call. Thread-safe for distinct out buffers. */
sd_err sd_text_fold(struct sd_buf *out, const char *s, size_t n);

#endif
