/* Is this message really from the desk? A received message is checked with the store's mail
 * public keys alone: the X-Sealdesk-Verify signature over (reference, recipient, SHA-256 of the
 * body, time, Message-ID), the footer code, the reference in the subject. A code alone is
 * looked up in the outbox (and the record's signature checked again). Neither shows content:
 * only the reference, the masked recipient and the time. Every input is untrusted: bounded
 * scans, no allocation beyond the message size. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "outbox_int.h"
#include "sealdesk/audit.h"
#include "sealdesk/mask.h"
#include "sealdesk/tickets.h"
#include "sealdesk/keystore.h"
#include "util/err_int.h"

/* One header value (unfolded, trimmed) of name; *count how many there were. */
struct hdr {
    char value[1024];
    unsigned count;
};

static void
trim_copy(char *dst, size_t cap, const char *s, size_t n)
{
    size_t o = 0;

    while(n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    for(size_t i = 0; i < n && o + 1 < cap; i++) {
        if(s[i] == '\r' || s[i] == '\n')
            continue; /* unfolding: the line break goes, the whitespace after it stays */
        dst[o++] = s[i];
    }
    dst[o] = 0;
}

/* Headers end at the first empty line; *body_off is where the body starts. */
static bool
find_header(const char *m, size_t hlen, const char *name, struct hdr *h)
{
    size_t nl = strlen(name);

    h->count = 0;
    h->value[0] = 0;
    for(size_t i = 0; i < hlen;) {
        size_t e = i, vend;

        /* A field runs to the end of its line and every continuation line. */
        while(e < hlen) {
            const char *lf = memchr(m + e, '\n', hlen - e);

            e = lf ? (size_t)(lf - m) + 1 : hlen;
            if(e >= hlen || (m[e] != ' ' && m[e] != '\t'))
                break;
        }
        if(e - i > nl && m[i + nl] == ':' && strncasecmp(m + i, name, nl) == 0) {
            vend = e;
            h->count++;
            trim_copy(h->value, sizeof(h->value), m + i + nl + 1, vend - (i + nl + 1));
        }
        i = e;
    }
    return h->count == 1;
}

/* Value of `key=` in a "k=v; k=v" list (spaces removed) into out. */
static bool
param(const char *list, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    const char *p = list;

    while(*p) {
        const char *e;
        size_t n;

        while(*p == ' ' || *p == '\t' || *p == ';')
            p++;
        e = strchr(p, ';');
        if(!e)
            e = p + strlen(p);
        if((size_t)(e - p) > kl && p[kl] == '=' && strncmp(p, key, kl) == 0) {
            size_t o = 0;

            n = (size_t)(e - p) - kl - 1;
            for(size_t i = 0; i < n; i++) {
                char c = p[kl + 1 + i];

                if(c == ' ' || c == '\t')
                    continue;
                if(o + 1 >= cap)
                    return false;
                out[o++] = c;
            }
            out[o] = 0;
            return o > 0;
        }
        p = e;
    }
    return false;
}

static bool
parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;

    if(!s[0] || s[0] < '0' || s[0] > '9')
        return false;
    x = strtoull(s, &end, 10);
    if(*end)
        return false;
    *v = x;
    return true;
}

static void
mask_to(struct sd_outbox_verdict *v, const char *to, size_t n)
{
    struct sd_buf m = SD_BUF_INIT;

    if(sd_mask(&m, SD_F_CUSTOMER_EMAIL, to, n) == SD_OK && m.len < sizeof(v->to_masked)) {
        memcpy(v->to_masked, m.data, m.len);
        v->to_masked[m.len] = 0;
    } else {
        snprintf(v->to_masked, sizeof(v->to_masked), "(hidden)");
    }
    sd_buf_wipe_free(&m);
}

static sd_err
check_sig(struct sd_txn *t, uint32_t kv, const char *ref, const char *to, size_t to_len,
          const uint8_t sha[32], uint64_t sent_at, const char *msgid, const uint8_t *sig, bool *ok)
{
    struct sd_buf stmt = SD_BUF_INIT;
    uint8_t pk[SD_SIG_PK_BYTES];
    sd_err err = SD_OK;

    *ok = false;
    err = sd_keys_mail_pk(t, kv, pk, NULL);
    if(err == SD_E_NOTFOUND || err == SD_E_INVALID) {
        err = SD_OK; /* no such key version: not ours */
        goto out;
    }
    SD_TRY(err);
    SD_TRY(sd_outbox_statement(&stmt, ref, to, to_len, sha, sent_at, msgid));
    *ok = sd_sig_verify(pk, sig, stmt.data, stmt.len) == SD_OK;
out:
    sd_buf_wipe_free(&stmt);
    return err;
}

#define FAIL(reason)       \
    do {                   \
        v->why = (reason); \
        goto out;          \
    } while(0)

sd_err
sd_outbox_verify_message(struct sd_txn *t, const uint8_t *eml, size_t n,
                         struct sd_outbox_verdict *v)
{
    const char *m = (const char *)eml;
    struct hdr *h = NULL;
    char ref[24], kbuf[16], tbuf[24], cbuf[32], sbuf[128], to[SD_OUTBOX_MAX_TO + 1];
    char msgid[1024], expect_code[SD_OUTBOX_CODE_CHARS + 1], pat[32];
    uint8_t sig[SD_SIG_BYTES], code[SD_OUTBOX_CODE_BYTES], sha[32];
    struct sd_buf body = SD_BUF_INIT, foot = SD_BUF_INIT;
    size_t hlen = 0, boff = 0, siglen = 0, to_len, blen;
    uint64_t kv = 0, sent = 0;
    bool ok = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && v && (eml || n == 0));
    memset(v, 0, sizeof(*v));
    v->why = "not a message sent by this desk";
    SD_ENSURE(n <= SD_OUTBOX_MAX_MESSAGE, SD_E_LIMIT);
    h = malloc(sizeof(*h));
    SD_ENSURE(h, SD_E_NOMEM);
    /* The header block ends at the first empty line (LF or CRLF: a mailbox stores either). */
    for(size_t i = 0; i + 1 < n; i++) {
        if(m[i] == '\n' &&
           (m[i + 1] == '\n' || (i + 2 < n && m[i + 1] == '\r' && m[i + 2] == '\n'))) {
            hlen = i + 1;
            boff = i + (m[i + 1] == '\n' ? 2 : 3);
            break;
        }
    }
    if(!hlen)
        FAIL("no header/body separator");
    if(!find_header(m, hlen, "X-Sealdesk-Verify", h))
        FAIL("no single X-Sealdesk-Verify header");
    if(!param(h->value, "v", kbuf, sizeof(kbuf)) || strcmp(kbuf, "1") != 0)
        FAIL("unknown X-Sealdesk-Verify version");
    if(!param(h->value, "r", ref, sizeof(ref)) || !param(h->value, "k", kbuf, sizeof(kbuf)) ||
       !param(h->value, "t", tbuf, sizeof(tbuf)) || !param(h->value, "c", cbuf, sizeof(cbuf)) ||
       !param(h->value, "s", sbuf, sizeof(sbuf)))
        FAIL("X-Sealdesk-Verify lacks a field");
    if(!parse_u64(kbuf, &kv) || kv == 0 || kv > UINT32_MAX || !parse_u64(tbuf, &sent))
        FAIL("X-Sealdesk-Verify has a bad number");
    if(sodium_base642bin(sig, sizeof(sig), sbuf, strlen(sbuf), NULL, &siglen, NULL,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
       siglen != sizeof(sig))
        FAIL("X-Sealdesk-Verify has a bad signature field");
    sd_outbox_code_of(code, sig);
    sd_outbox_code_text(expect_code, code);
    if(strcmp(cbuf, expect_code) != 0)
        FAIL("the code does not match the signature");
    /* The reference must be the subject's. */
    if(!find_header(m, hlen, "Subject", h))
        FAIL("no single Subject header");
    snprintf(pat, sizeof(pat), "[%s]", ref);
    if(!strstr(h->value, pat))
        FAIL("the subject does not carry the signed reference");
    if(!find_header(m, hlen, "Message-ID", h))
        FAIL("no single Message-ID header");
    snprintf(msgid, sizeof(msgid), "%s", h->value);
    if(!find_header(m, hlen, "To", h))
        FAIL("no single To header");
    {
        const char *p = h->value, *e;

        if(*p == '<') {
            p++;
            e = strchr(p, '>');
            if(!e || e[1])
                FAIL("the To header is not one address");
        } else {
            e = p + strlen(p);
        }
        to_len = (size_t)(e - p);
        if(!sd_outbox_addr_ok(p, to_len))
            FAIL("the To header is not one address");
        memcpy(to, p, to_len);
        to[to_len] = 0;
    }
    if(!find_header(m, hlen, "Content-Transfer-Encoding", h) || strcasecmp(h->value, "base64") != 0)
        FAIL("the body is not base64 as the desk sends it");
    /* Body: base64 lines; anything but the alphabet and line breaks is a change. */
    blen = n - boff;
    SD_TRY(sd_buf_reserve(&body, blen / 4 * 3 + 3));
    if(sodium_base642bin(body.data, blen / 4 * 3 + 3, m + boff, blen, "\r\n", &body.len, NULL,
                         sodium_base64_VARIANT_ORIGINAL) != 0)
        FAIL("the body is not valid base64");
    SD_TRY(sd_outbox_footer(&foot, expect_code));
    if(body.len < foot.len || memcmp(body.data + body.len - foot.len, foot.data, foot.len) != 0)
        FAIL("the verification footer was changed");
    sd_sha256(sha, body.data, body.len - foot.len);
    SD_TRY(check_sig(t, (uint32_t)kv, ref, to, to_len, sha, sent, msgid, sig, &ok));
    if(!ok)
        FAIL("the signature does not match: the message was changed or not sent by this desk");
    v->valid = true;
    v->why = NULL;
    snprintf(v->ref, sizeof(v->ref), "%s", ref);
    mask_to(v, to, to_len);
    v->sent_at = sent;
    v->key_version = (uint32_t)kv;
    snprintf(v->code, sizeof(v->code), "%s", expect_code);
out:
    if(h)
        sodium_memzero(h, sizeof(*h));
    free(h);
    sodium_memzero(to, sizeof(to));
    sd_buf_wipe_free(&body);
    sd_buf_free(&foot);
    return err;
}

sd_err
sd_outbox_verify_code(struct sd_txn *t, const struct sd_keyring *kr, const char *actor,
                      const char *code_s, struct sd_outbox_verdict *v)
{
    Sealdesk__V1__OutboxRecord *r = NULL;
    struct sd_dkey *dk = NULL;
    struct sd_buf to = SD_BUF_INIT;
    uint8_t code[SD_OUTBOX_CODE_BYTES], ck[1 + SD_OUTBOX_CODE_BYTES];
    char target[32], reason[48];
    struct sd_audit_rec a;
    struct sd_val val;
    bool ok = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr && actor && v);
    memset(v, 0, sizeof(*v));
    v->why = "unknown code";
    if(sd_outbox_code_parse(code, code_s) != SD_OK) {
        v->why = "not a code (16 letters and digits 2-7, dashes optional)";
        goto out;
    }
    sd_outbox_key_code(ck, code);
    err = sd_txn_get(t, SD_DB_OUTBOX, ck, sizeof(ck), &val);
    if(err == SD_E_NOTFOUND) {
        err = SD_OK;
        goto out;
    }
    SD_TRY(err);
    SD_ENSURE(val.n == 8, SD_E_STORE);
    SD_TRY(sd_outbox_load(t, sd_get_u64be(val.p), &r));
    SD_ENSURE(r->signature.len == SD_SIG_BYTES && r->body_sha256.len == 32, SD_E_STORE);
    sd_outbox_ref(v->ref, sizeof(v->ref), r->ticket_id);
    err = sd_keys_dkey_open(t, kr, r->data_key_id, &dk);
    if(err == SD_E_SHREDDED) {
        /* The customer was erased: the desk still knows it sent the message, not to whom. */
        err = SD_OK;
        snprintf(v->to_masked, sizeof(v->to_masked), "(erased)");
        ok = true;
    } else {
        SD_TRY(err);
        SD_TRY(sd_field_open(&to, dk, sd_outbox_seal_id(r->id), SD_OUTBOX_F_TO, r->recipient.data,
                             r->recipient.len));
        SD_TRY(check_sig(t, r->key_version, v->ref, (const char *)to.data, to.len,
                         r->body_sha256.data, r->created_at, r->message_id, r->signature.data,
                         &ok));
        mask_to(v, (const char *)to.data, to.len);
    }
    if(!ok) {
        v->why = "the stored record does not verify";
        goto out;
    }
    v->valid = true;
    v->why = NULL;
    v->sent_at = r->created_at;
    v->key_version = r->key_version;
    v->state = (int)r->state;
    sd_outbox_code_text(v->code, code);
    /* The masked recipient is a read of sealed data: audited. */
    snprintf(target, sizeof(target), "t%" PRIu64, r->ticket_id);
    snprintf(reason, sizeof(reason), "mail=%" PRIu64, r->id);
    memset(&a, 0, sizeof(a));
    a.actor = actor;
    a.action = "outbox.verify";
    a.target = target;
    a.reason = reason;
    if(sd_txn_is_write(t))
        SD_TRY(sd_audit_append(t, kr, &a, NULL));
out:
    if(r)
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
    sd_dkey_free(dk);
    sd_buf_wipe_free(&to);
    return err;
}
