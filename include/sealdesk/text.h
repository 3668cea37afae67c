/* Text validation and normalisation for matching (triage rules, search).
 *
 * Text in sealdesk is UTF-8. sd_text_fold produces a canonical form in which full-width and
 * half-width, upper and lower case, and traditional and simplified Chinese compare equal, so
 * keyword rules are written once. Both functions are thread-safe. */
#ifndef SEALDESK_TEXT_H
#define SEALDESK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
 * (so "didn’t" matches "didn't"), and default-ignorable code points (zero-width spaces and
 * joiners, bidi controls, soft hyphens) are removed; then traditional -> simplified Chinese
 * with OpenCC "t2s.json", and the variant 帐 is unified to 账 (t2s yields 帐户 for 帳戶; simplified writers use both).
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

/* The class of code point cp for tokenisers (KB and search cut folded text the same way):
 * ASCII letters/digits and other letters, digits and combining marks are WORD, Han (CJK
 * unified + extensions + compatibility), Hangul (syllables and jamo) and kana their own
 * class (bigrammed by the callers), everything else SEP. */
enum sd_text_class {
    SD_TC_SEP,
    SD_TC_WORD,
    SD_TC_HAN,
    SD_TC_HANGUL,
    SD_TC_KANA
};
enum sd_text_class sd_text_cclass(int32_t cp);

/* Where one byte of folded text came from: the input bytes [s, e) of the code point (or the
 * cluster of a base and its combining marks) that produced it. Always on code point
 * boundaries of the input, so a span mapped back never splits a UTF-8 sequence. */
struct sd_text_src {
    uint32_t s, e;
};

/* Options of sd_text_fold_map. */
enum {
    SD_FOLD_KEEP_CASE = 1, /* no case folding (Base58 keys are case-sensitive) */
    SD_FOLD_SKELETON = 2,  /* also map Cyrillic/Greek letters that look Latin ("а" U+0430)
                              to the ASCII letter they imitate */
};

/* The fold of sd_text_fold (NFKC, case fold unless SD_FOLD_KEEP_CASE, lump, traditional ->
 * simplified) plus removal of default-ignorable code points (zero-width spaces and joiners,
 * bidi controls, soft hyphens), applied cluster by cluster (a base code point with its
 * combining marks) so that every output byte can be traced back: out gets the folded text
 * (appended after out->len, NUL-terminated) and map gets one struct sd_text_src per folded
 * byte (appended likewise, map->len grows by sizeof(struct sd_text_src) per byte).
 * Unlike sd_text_fold it accepts any bytes: an invalid UTF-8 byte, NUL or control character
 * is copied through unchanged as its own unit. The Chinese step runs only when it keeps the
 * number of code points (it is then a per-character mapping); otherwise it is skipped.
 *
 * Returns SD_OK; SD_E_INVALID if out or map is NULL or s is NULL with n > 0; SD_E_LIMIT if
 * n > SD_TEXT_MAX or a buffer would grow past SD_BUF_MAX; SD_E_NOMEM. On error out->len and
 * map->len are restored. Scratch copies are wiped. Thread-safe for distinct buffers. */
sd_err sd_text_fold_map(struct sd_buf *out, struct sd_buf *map, const char *s, size_t n,
                        unsigned opts);

#endif
