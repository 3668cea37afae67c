/* Rendering an outbox record as the RFC 5322 message the sender hands to the relay: the same
 * bytes on every attempt (Date and Message-ID come from the record), UTF-8 text/plain in
 * base64 with the verification footer, RFC 2047 encoded words for a non-ASCII subject. The
 * result holds PII and is wiped on clear. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "outbox_int.h"
#include "sealdesk/keystore.h"
#include "sealdesk/mail.h" /* SD_MAIL_LOOP_HEADER only: outbox does not link src/mail */
#include "util/err_int.h"

#define ENC_CHUNK 45 /* input bytes per encoded word: 60 base64 chars, 72 with the wrapper */

sd_err
sd_outbox_footer(struct sd_buf *out, const char *code_text)
{
    sd_err err = SD_OK;

    SD_TRY(sd_buf_append_str(out, "\r\n-- \r\nSealdesk verification code: "));
    SD_TRY(sd_buf_append_str(out, code_text));
    SD_TRY(sd_buf_append_str(out, "\r\n"));
out:
    return err;
}

static sd_err
b64(struct sd_buf *out, const uint8_t *p, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    sd_err err = SD_OK;

    SD_TRY(sd_buf_reserve(out, cap));
    sodium_bin2base64((char *)out->data + out->len, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
    out->len += cap - 1;
out:
    return err;
}

/* Length of the longest prefix of s[0..n) of at most max bytes that ends on a UTF-8 boundary. */
static size_t
utf8_cut(const uint8_t *s, size_t n, size_t max)
{
    size_t k;

    if(n <= max)
        return n;
    k = max;
    while(k > 0 && (s[k] & 0xC0) == 0x80)
        k--;
    return k ? k : max;
}

static bool
printable_ascii(const char *s, size_t n)
{
    for(size_t i = 0; i < n; i++) {
        if((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return false;
    }
    return true;
}

/* "Subject: " + the leading ASCII words as they are (so the ticket reference stays greppable)
 * + the rest as B encoded words, folded. */
static sd_err
subject_header(struct sd_buf *out, const char *s, size_t n)
{
    size_t plain = 0;
    sd_err err = SD_OK;

    /* The longest prefix of whole printable-ASCII words (up to 200 bytes). */
    for(size_t i = 0; i <= n && i <= 200; i++) {
        if(i == n || s[i] == ' ') {
            if(!printable_ascii(s, i))
                break;
            plain = i;
        }
    }
    if(plain == n && n <= 200) {
        SD_TRY(sd_buf_append_str(out, "Subject: "));
        SD_TRY(sd_buf_append(out, s, n));
        SD_TRY(sd_buf_append(out, "\r\n", 2));
        goto out;
    }
    SD_TRY(sd_buf_append_str(out, "Subject: "));
    SD_TRY(sd_buf_append(out, s, plain));
    if(plain < n && s[plain] == ' ')
        plain++; /* the space between the plain words and the encoded words is a separator */
    /* The first encoded word stays on the line of the plain words (under the 998 limit);
     * each further one is folded onto a line of its own. */
    for(size_t i = plain, w = 0; i < n; w++) {
        size_t k = utf8_cut((const uint8_t *)s + i, n - i, ENC_CHUNK);

        if(w > 0)
            SD_TRY(sd_buf_append(out, "\r\n ", 3));
        else if(plain > 0)
            SD_TRY(sd_buf_append_byte(out, ' '));
        SD_TRY(sd_buf_append_str(out, "=?UTF-8?B?"));
        SD_TRY(b64(out, (const uint8_t *)s + i, k));
        SD_TRY(sd_buf_append_str(out, "?="));
        i += k;
    }
    SD_TRY(sd_buf_append(out, "\r\n", 2));
out:
    return err;
}

static sd_err
header(struct sd_buf *out, const char *name, const char *value)
{
    sd_err err = SD_OK;

    SD_TRY(sd_buf_append_str(out, name));
    SD_TRY(sd_buf_append_str(out, ": "));
    SD_TRY(sd_buf_append_str(out, value));
    SD_TRY(sd_buf_append(out, "\r\n", 2));
out:
    return err;
}

sd_err
sd_outbox_render(struct sd_txn *t, const struct sd_keyring *kr, uint64_t id, const char *from,
                 struct sd_outbox_rendered *out)
{
    Sealdesk__V1__OutboxRecord *r = NULL;
    struct sd_dkey *dk = NULL;
    struct sd_buf to = SD_BUF_INIT, subj = SD_BUF_INIT, body = SD_BUF_INIT, enc = SD_BUF_INIT;
    uint8_t code[SD_OUTBOX_CODE_BYTES];
    char code_text[SD_OUTBOX_CODE_CHARS + 1], date[64], ref[24], line[256];
    char sig64[sodium_base64_ENCODED_LEN(SD_SIG_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    struct tm tm;
    time_t tt;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr && from && out);
    memset(out, 0, sizeof(*out));
    SD_CHECK_ARG(sd_outbox_addr_ok(from, strlen(from)));
    SD_TRY(sd_outbox_load(t, id, &r));
    SD_ENSURE(r->signature.len == SD_SIG_BYTES && r->message_id, SD_E_STORE);
    SD_TRY(sd_keys_dkey_open(t, kr, r->data_key_id, &dk));
    SD_TRY(sd_field_open(&to, dk, sd_outbox_seal_id(id), SD_OUTBOX_F_TO, r->recipient.data,
                         r->recipient.len));
    SD_TRY(sd_field_open(&subj, dk, sd_outbox_seal_id(id), SD_OUTBOX_F_SUBJECT, r->subject.data,
                         r->subject.len));
    SD_TRY(sd_field_open(&body, dk, sd_outbox_seal_id(id), SD_OUTBOX_F_BODY, r->body.data,
                         r->body.len));
    SD_ENSURE(to.len <= SD_OUTBOX_MAX_TO && sd_outbox_addr_ok((const char *)to.data, to.len),
              SD_E_STORE);
    memcpy(out->rcpt, to.data, to.len);
    out->rcpt[to.len] = 0;
    out->ticket_id = r->ticket_id;

    sd_outbox_code_of(code, r->signature.data);
    sd_outbox_code_text(code_text, code);
    sd_outbox_ref(ref, sizeof(ref), r->ticket_id);
    tt = (time_t)r->created_at;
    SD_ENSURE(gmtime_r(&tt, &tm), SD_E_STORE);
    SD_ENSURE(strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm) > 0, SD_E_STORE);
    sodium_bin2base64(sig64, sizeof(sig64), r->signature.data, SD_SIG_BYTES,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);

    SD_TRY(header(&out->msg, "Date", date));
    SD_TRY(header(&out->msg, "From", from));
    SD_TRY(header(&out->msg, "To", out->rcpt));
    SD_TRY(subject_header(&out->msg, (const char *)subj.data, subj.len));
    SD_TRY(header(&out->msg, "Message-ID", r->message_id));
    if(r->auto_submitted) {
        SD_TRY(header(&out->msg, "Auto-Submitted", "auto-replied"));
        /* An acknowledgement or survey that comes back (a forwarding rule, a desk that ignores
         * Auto-Submitted) is classed `loop` by src/mail and makes no ticket and no new ack. */
        SD_TRY(header(&out->msg, SD_MAIL_LOOP_HEADER, ref));
    }
    SD_TRY(header(&out->msg, "X-Sealdesk-Ticket", ref));
    snprintf(line, sizeof(line), "v=1; r=%s; k=%" PRIu32 "; t=%" PRIu64 "; c=%s;\r\n s=%s", ref,
             r->key_version, r->created_at, code_text, sig64);
    SD_TRY(header(&out->msg, "X-Sealdesk-Verify", line));
    if(r->lang && r->lang[0])
        SD_TRY(header(&out->msg, "Content-Language", r->lang));
    SD_TRY(header(&out->msg, "MIME-Version", "1.0"));
    SD_TRY(header(&out->msg, "Content-Type", "text/plain; charset=UTF-8"));
    SD_TRY(header(&out->msg, "Content-Transfer-Encoding", "base64"));
    SD_TRY(sd_buf_append(&out->msg, "\r\n", 2));
    /* Body: the signed text, then the footer, base64 in 76-character lines. */
    SD_TRY(sd_outbox_footer(&body, code_text));
    SD_TRY(b64(&enc, body.data, body.len));
    for(size_t i = 0; i < enc.len; i += 76) {
        size_t k = enc.len - i < 76 ? enc.len - i : 76;

        SD_TRY(sd_buf_append(&out->msg, enc.data + i, k));
        SD_TRY(sd_buf_append(&out->msg, "\r\n", 2));
    }
out:
    if(err != SD_OK)
        sd_outbox_rendered_clear(out);
    if(r)
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
    sd_dkey_free(dk);
    sd_buf_wipe_free(&to);
    sd_buf_wipe_free(&subj);
    sd_buf_wipe_free(&body);
    sd_buf_wipe_free(&enc);
    return err;
}

void
sd_outbox_rendered_clear(struct sd_outbox_rendered *r)
{
    if(!r)
        return;
    sd_buf_wipe_free(&r->msg);
    sodium_memzero(r->rcpt, sizeof(r->rcpt));
    r->ticket_id = 0;
}
