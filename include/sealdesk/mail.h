/* Inbound e-mail parsing (issue #15, "Email in"): one RFC 5322 message in, one struct sd_mail
 * out, every text field valid UTF-8 (sd_text_valid holds: NUL and control characters dropped,
 * CRLF turned into LF), MIME parsed by GMime 3, attachments typed by content with libmagic.
 *
 * The layer is pure parsing: it stores nothing, seals nothing and knows no ticket. The mail
 * gate and the threading logic build on it: sd_mail_parse, then sd_mail_refs (Message-IDs
 * the message refers to) and sd_mail_ticket_ref (the [SD-000123] subject reference) to find
 * the ticket, class to decide whether a ticket and an acknowledgement are due, body for the
 * ticket, quoted and signature (to be sealed, never shown as the customer's words), and
 * attachments filtered by sd_mail_attachment_allowed.
 *
 * Every string of struct sd_mail holds customer data: never log it. sd_mail_free wipes it.
 * Thread-safety: sd_mail_parse may run on several threads at once (GMime is initialised once,
 * libmagic's single handle is serialised by a mutex). */
#ifndef SEALDESK_MAIL_H
#define SEALDESK_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"

/* Limits on one message; sd_mail_limits_default fills the defaults named here. A message over
 * a limit is refused (SD_E_LIMIT) with the limit named in why; nothing is returned. */
struct sd_mail_limits {
    size_t max_message_bytes;    /* the raw message, 25 MiB */
    size_t max_attachment_bytes; /* one decoded attachment, 10 MiB */
    size_t max_parts;            /* MIME parts of every kind, nested ones included, 100 */
    size_t max_headers;          /* header fields of the top-level message, 500 */
    size_t max_depth;            /* multipart / message nesting, 8 */
    size_t max_references;       /* References kept (the first and the last N-1), 32 */
    size_t max_received;         /* more Received fields than this: class loop, 25 */
    size_t max_text_bytes;       /* the UTF-8 body and quoted text each, 1 MiB */
    size_t max_filename_bytes;   /* an attachment's file name, 255 (cut on a code point) */
};

enum sd_mail_class {
    SD_MAIL_NORMAL = 0, /* a person wrote it: ticket material */
    SD_MAIL_AUTO_REPLY, /* Auto-Submitted other than "no", X-Autoreply, X-Autorespond, ... */
    SD_MAIL_BULK,       /* Precedence bulk/list/junk, List-Id, List-Unsubscribe */
    SD_MAIL_BOUNCE,     /* a delivery status notification (see bounce_message_id) */
    SD_MAIL_LOOP,       /* our own X-Sealdesk-Loop marker, or too many Received fields */
};

/* The header field the desk adds to every message it sends; a message carrying it came back. */
#define SD_MAIL_LOOP_HEADER "X-Sealdesk-Loop"

struct sd_mail_addr {
    char *addr; /* "local@domain" (domain lower-cased); "" only in a bounce without one */
    char *name; /* display name, RFC 2047 decoded; "" when absent */
};

struct sd_mail_attachment {
    char *filename;      /* RFC 2231/2047 decoded, directory part stripped; "" when none */
    char *declared_type; /* "type/subtype" from Content-Type, lower case */
    char *sniffed_type;  /* libmagic MAGIC_MIME_TYPE of the decoded bytes */
    char *content_id;    /* without <>; "" when none (inline images of HTML mail) */
    bool is_inline;      /* Content-Disposition inline, or an image part with a Content-ID */
    uint8_t *data;       /* decoded bytes (base64 / quoted-printable undone) */
    size_t len;
};

struct sd_mail {
    enum sd_mail_class cls;
    struct sd_mail_addr from; /* the checked, usable sender */
    struct sd_mail_addr *to;  /* n_to entries */
    size_t n_to;
    struct sd_mail_addr *cc; /* n_cc entries */
    size_t n_cc;
    char *subject;     /* RFC 2047 decoded; "" when absent */
    int64_t date;      /* Date as Unix seconds, 0 when absent or unreadable */
    char *message_id;  /* without <>; "" when absent */
    char *in_reply_to; /* without <>; "" when absent */
    char **references; /* n_references ids without <>, oldest first (bounded, see limits) */
    size_t n_references;
    char *auto_submitted; /* raw values of these fields, "" when absent */
    char *precedence;
    char *list_id;
    char *return_path;       /* the address, without <> */
    size_t n_received;       /* Received fields counted */
    char *bounce_message_id; /* class bounce: Message-ID of the returned message, "" if none */
    char *body;              /* the customer's new text: quoted history and signature removed */
    char *quoted;            /* the quoted history removed from body ("" when none) */
    char *signature;         /* the signature / mobile footer removed from body ("" when none) */
    bool body_from_html;     /* body was reduced from text/html (no text/plain alternative) */
    bool charset_fallback;   /* a declared charset did not fit its bytes; another one was used */
    struct sd_mail_attachment *attachments; /* n_attachments entries, in message order */
    size_t n_attachments;
};

/* Fill *lim with the defaults above. */
void sd_mail_limits_default(struct sd_mail_limits *lim);

/* Parse msg[0..len) (one RFC 5322 message, LF or CRLF line ends). lim may be NULL (defaults).
 * On SD_OK *out is a new message the caller frees with sd_mail_free. On error *out is NULL
 * and why (if why_cap > 0) holds a NUL-terminated reason naming the field or limit, in
 * English, without any text of the message (safe to log and to print on a tool's stderr):
 *   SD_E_LIMIT    message, attachment, parts, headers or nesting over its limit
 *   SD_E_INVALID  no usable sender (From missing, unparsable, or not local@domain), or
 *                 msg NULL / out NULL
 *   SD_E_NOMEM    allocation failed
 * Both refusals are permanent (the mail gate exits 65, EX_DATAERR, with why on stderr).
 * A damaged body (missing closing boundary, bad base64, a wrong charset label) is not an
 * error: what can be read is returned. A class bounce message is returned even without a
 * usable sender (from.addr may then be ""): the desk needs bounce_message_id.
 * GMime 3.2.13 drops the rest of a header after adjacent B-encoded words whose first ends in
 * '=' padding (GMime issue 133, fixed in 3.2.14): such words in header blocks (the message's
 * and each part's, so file names too) are rewritten as Q words of the same bytes before GMime
 * parses the message. msg is borrowed for the call. Thread-safe. */
sd_err sd_mail_parse(const uint8_t *msg, size_t len, const struct sd_mail_limits *lim,
                     struct sd_mail **out, char *why, size_t why_cap);

/* Wipe every string and attachment of m, then free it. NULL is a no-op. */
void sd_mail_free(struct sd_mail *m);

/* "normal", "auto_reply", "bulk", "bounce", "loop"; static. */
const char *sd_mail_class_name(enum sd_mail_class cls);

/* The Message-IDs m refers to, for threading: In-Reply-To, then References newest first, then
 * (bounces) the returned message's id; each once. Up to cap borrowed pointers (they live as
 * long as m) go to ids; *n gets the count stored. Returns SD_OK, SD_E_INVALID on NULL args. */
sd_err sd_mail_refs(const struct sd_mail *m, const char **ids, size_t cap, size_t *n);

/* The ticket reference "[SD-<digits>]" in subject (the first one, 1..18 digits, brackets
 * required, case-sensitive prefix; full-width brackets 【SD-123】 accepted too). SD_OK with
 * *id set, SD_E_NOTFOUND if there is none or it is 0, SD_E_INVALID on NULL args. */
sd_err sd_mail_ticket_ref(const char *subject, uint64_t *id);

/* The attachment allow-list, on the type sniffed from the bytes: image/png, image/jpeg,
 * image/gif, image/webp, application/pdf, and text/plain when it was declared text/plain or
 * application/octet-stream (a message or script sent as text is not kept). True if allowed;
 * otherwise false and *why (if not NULL) points at a static reason for the timeline, e.g.
 * "attachment type not allowed: archives and programs are refused" (never the file name). */
bool sd_mail_attachment_allowed(const struct sd_mail_attachment *a, const char **why);

#endif
