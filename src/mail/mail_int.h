/* Private helpers of the mail layer: text cleaning and charset conversion (charset.c), HTML
 * reduced to text (html.c), quoted history and signature trimming (trim.c), libmagic (sniff.c).
 * Every function appends to a caller-owned struct sd_buf and leaves it NUL-terminated. */
#ifndef SEALDESK_MAIL_INT_H
#define SEALDESK_MAIL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

/* Append s[0..n) to out as valid UTF-8 that sd_text_valid accepts: invalid sequences become
 * U+FFFD, NUL and control characters are dropped (never ending the text), CRLF and lone CR
 * become LF, a leading BOM goes. multiline false: tab and LF become a space and the result is
 * trimmed of surrounding white space. */
sd_err sd_mail_clean(struct sd_buf *out, const uint8_t *s, size_t n, bool multiline);

/* The charset senders really use for the label label[0..n) (GB2312 and GBK -> GB18030,
 * EUC-KR and ks_c_5601-1987 -> CP949, Big5 -> BIG5-HKSCS, US-ASCII -> UTF-8, ...), a static
 * iconv name; NULL for a label not in the table. */
const char *sd_mail_charset_superset(const char *label, size_t n);

/* Convert s[0..n) from the declared charset label (may be NULL or "") to clean multi-line
 * UTF-8 appended to out. Labels are mapped to the superset the senders really use (GB2312
 * and GBK -> GB18030, EUC-KR and ks_c_5601-1987 -> CP949, Big5 -> BIG5-HKSCS). When the
 * bytes do not fit the label, UTF-8, then each hint (NULL-terminated list of labels seen
 * elsewhere in the message, may be NULL), then GB18030, CP949 and Big5 are tried, and as a
 * last resort invalid bytes become U+FFFD; *fallback is set then. Never fails on content. */
sd_err sd_mail_to_utf8(struct sd_buf *out, const uint8_t *s, size_t n, const char *label,
                       const char *const *hints, bool *fallback);

/* Reduce HTML (UTF-8, clean) to text appended to out: script, style, head and comments
 * dropped, images and link targets dropped (link text kept), entities decoded, block
 * elements end lines, blockquote lines prefixed "> ". */
sd_err sd_mail_html_text(struct sd_buf *out, const char *html, size_t n);

/* Split clean text into the new text (body), the quoted history (quoted) and the signature
 * or mobile footer (sig), each appended NUL-terminated to its buffer. */
sd_err sd_mail_trim(struct sd_buf *body, struct sd_buf *quoted, struct sd_buf *sig,
                    const char *text, size_t n);

/* libmagic MAGIC_MIME_TYPE of data[0..n) copied into out (cap bytes, NUL-terminated);
 * "application/octet-stream" when libmagic is unavailable. The magic database is loaded once
 * per process; calls are serialised by a mutex (a magic_t is not thread-safe). */
void sd_mail_sniff(char *out, size_t cap, const uint8_t *data, size_t n);

#endif
