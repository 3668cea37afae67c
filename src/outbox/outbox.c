/* The outbox record (issue 15): enqueue inside the caller's txn (validate, seal with the
 * customer's data key, sign with the mail key, index by due time and by verification code,
 * audit), the sender's state machine (lease, recover, mark with backoff) and reads. Rendering
 * the RFC 5322 message is render.c; checking a received one is verify.c. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "outbox.pb-c.h"
#include "outbox_int.h"
#include "sealdesk/audit.h"
#include "sealdesk/keystore.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

static const char *const state_names[] = {
    [SD_OUTBOX_QUEUED] = "queued",   [SD_OUTBOX_DELIVERED] = "delivered",
    [SD_OUTBOX_BOUNCED] = "bounced", [SD_OUTBOX_FAILED] = "failed",
    [SD_OUTBOX_SENDING] = "sending",
};
static const char *const kind_names[] = {
    [SD_OUTBOX_REPLY] = "reply",
    [SD_OUTBOX_INCIDENT] = "incident",
    [SD_OUTBOX_ACK] = "ack",
    [SD_OUTBOX_CSAT] = "csat",
};

const char *
sd_outbox_state_name(int state)
{
    return state >= SD_OUTBOX_QUEUED && state <= SD_OUTBOX_SENDING ? state_names[state] : "unknown";
}

const char *
sd_outbox_kind_name(int kind)
{
    return kind >= SD_OUTBOX_REPLY && kind <= SD_OUTBOX_CSAT ? kind_names[kind] : "unknown";
}

void
sd_outbox_ref(char *out, size_t cap, uint64_t ticket_id)
{
    snprintf(out, cap, "SD-%06" PRIu64, ticket_id);
}

/* ---- keys of the outbox table ---- */

void
sd_outbox_key_rec(uint8_t k[9], uint64_t id)
{
    k[0] = 'm';
    sd_put_u64be(k + 1, id);
}

static void
key_due(uint8_t k[17], uint64_t due, uint64_t id)
{
    k[0] = 'd';
    sd_put_u64be(k + 1, due);
    sd_put_u64be(k + 9, id);
}

void
sd_outbox_key_code(uint8_t k[1 + SD_OUTBOX_CODE_BYTES], const uint8_t code[SD_OUTBOX_CODE_BYTES])
{
    k[0] = 'c';
    memcpy(k + 1, code, SD_OUTBOX_CODE_BYTES);
}

/* ---- record I/O ---- */

sd_err
sd_outbox_load(struct sd_txn *t, uint64_t id, Sealdesk__V1__OutboxRecord **out)
{
    uint8_t k[9];
    struct sd_val v;
    sd_err err = SD_OK;

    sd_outbox_key_rec(k, id);
    SD_TRY(sd_txn_get(t, SD_DB_OUTBOX, k, sizeof(k), &v));
    *out = sealdesk__v1__outbox_record__unpack(NULL, v.n, v.p);
    SD_ENSURE(*out, SD_E_STORE);
out:
    return err;
}

static sd_err
store_rec(struct sd_txn *t, const Sealdesk__V1__OutboxRecord *r, uint8_t digest[32])
{
    size_t n = sealdesk__v1__outbox_record__get_packed_size(r);
    uint8_t *buf = malloc(n ? n : 1);
    uint8_t k[9];
    sd_err err = SD_OK;

    SD_ENSURE(buf, SD_E_NOMEM);
    sealdesk__v1__outbox_record__pack(r, buf);
    sd_outbox_key_rec(k, r->id);
    SD_TRY(sd_txn_put(t, SD_DB_OUTBOX, k, sizeof(k), buf, n));
    if(digest)
        sd_sha256(digest, buf, n);
out:
    free(buf);
    return err;
}

static sd_err
due_put(struct sd_txn *t, uint64_t due, uint64_t id)
{
    uint8_t k[17];

    key_due(k, due, id);
    return sd_txn_put(t, SD_DB_OUTBOX, k, sizeof(k), "", 0);
}

static sd_err
due_del(struct sd_txn *t, uint64_t due, uint64_t id)
{
    uint8_t k[17];
    sd_err err;

    key_due(k, due, id);
    err = sd_txn_del(t, SD_DB_OUTBOX, k, sizeof(k), NULL, 0);
    return err == SD_E_NOTFOUND ? SD_OK : err;
}

static sd_err
audit(struct sd_txn *t, const struct sd_keyring *kr, const char *actor, const char *action,
      const Sealdesk__V1__OutboxRecord *r, const uint8_t digest[32])
{
    char target[32], reason[48];
    struct sd_audit_rec a;

    snprintf(target, sizeof(target), "t%" PRIu64, r->ticket_id);
    snprintf(reason, sizeof(reason), "mail=%" PRIu64, r->id);
    memset(&a, 0, sizeof(a));
    a.actor = actor;
    a.action = action;
    a.target = target;
    a.reason = reason;
    a.digest = digest;
    return sd_audit_append(t, kr, &a, NULL);
}

/* ---- signing ---- */

void
sd_outbox_code_text(char out[SD_OUTBOX_CODE_CHARS + 1], const uint8_t code[SD_OUTBOX_CODE_BYTES])
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t o = 0;
    unsigned bits = 0, acc = 0, nch = 0;

    for(size_t i = 0; i < SD_OUTBOX_CODE_BYTES; i++) {
        acc = (acc << 8) | code[i];
        bits += 8;
        while(bits >= 5) {
            if(nch && nch % 4 == 0)
                out[o++] = '-';
            out[o++] = b32[(acc >> (bits - 5)) & 31u];
            bits -= 5;
            nch++;
        }
    }
    out[o] = 0;
}

sd_err
sd_outbox_code_parse(uint8_t code[SD_OUTBOX_CODE_BYTES], const char *s)
{
    unsigned acc = 0, bits = 0;
    size_t o = 0, nch = 0;

    if(!s || strlen(s) > 64)
        return SD_E_INVALID;
    for(; *s; s++) {
        int c = (unsigned char)*s;
        unsigned v;

        if(c == '-' || c == ' ')
            continue;
        if(c >= 'a' && c <= 'z')
            c -= 32;
        if(c >= 'A' && c <= 'Z')
            v = (unsigned)(c - 'A');
        else if(c >= '2' && c <= '7')
            v = (unsigned)(c - '2' + 26);
        else
            return SD_E_INVALID;
        if(++nch > 16)
            return SD_E_INVALID;
        acc = (acc << 5) | v;
        bits += 5;
        if(bits >= 8) {
            code[o++] = (uint8_t)(acc >> (bits - 8));
            bits -= 8;
        }
    }
    return nch == 16 && o == SD_OUTBOX_CODE_BYTES ? SD_OK : SD_E_INVALID;
}

void
sd_outbox_code_of(uint8_t code[SD_OUTBOX_CODE_BYTES], const uint8_t sig[SD_SIG_BYTES])
{
    uint8_t h[32];

    sd_sha256(h, sig, SD_SIG_BYTES);
    memcpy(code, h, SD_OUTBOX_CODE_BYTES);
}

sd_err
sd_outbox_statement(struct sd_buf *out, const char *ref, const char *to, size_t to_len,
                    const uint8_t body_sha[32], uint64_t sent_at, const char *message_id)
{
    char hex[65], num[24];
    sd_err err = SD_OK;

    sd_hex_encode(hex, body_sha, 32);
    snprintf(num, sizeof(num), "%" PRIu64, sent_at);
    SD_TRY(sd_buf_append_str(out, "sealdesk-mail/v1\n"));
    SD_TRY(sd_buf_append_str(out, ref));
    SD_TRY(sd_buf_append_byte(out, '\n'));
    for(size_t i = 0; i < to_len; i++) {
        char c = to[i];

        SD_TRY(sd_buf_append_byte(out, (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c)));
    }
    SD_TRY(sd_buf_append_byte(out, '\n'));
    SD_TRY(sd_buf_append_str(out, hex));
    SD_TRY(sd_buf_append_byte(out, '\n'));
    SD_TRY(sd_buf_append_str(out, num));
    SD_TRY(sd_buf_append_byte(out, '\n'));
    SD_TRY(sd_buf_append_str(out, message_id));
    SD_TRY(sd_buf_append_byte(out, '\n'));
out:
    return err;
}

/* ---- validation ---- */

bool
sd_outbox_addr_ok(const char *s, size_t n)
{
    const char *at;

    if(n == 0 || n > SD_OUTBOX_MAX_TO)
        return false;
    at = memchr(s, '@', n);
    if(!at || at == s || at == s + n - 1 || memchr(at + 1, '@', (size_t)(s + n - at - 1)))
        return false;
    for(size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        /* ASCII only (no SMTPUTF8), nothing that could end a header or a command. */
        if(c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
            return false;
    }
    return true;
}

/* CRLF line endings (the canonical form of text/plain): lone LF or CR become CRLF. */
static sd_err
canon_crlf(struct sd_buf *out, const char *s, size_t n)
{
    sd_err err = SD_OK;

    for(size_t i = 0; i < n; i++) {
        if(s[i] == '\r') {
            SD_TRY(sd_buf_append(out, "\r\n", 2));
            if(i + 1 < n && s[i + 1] == '\n')
                i++;
        } else if(s[i] == '\n') {
            SD_TRY(sd_buf_append(out, "\r\n", 2));
        } else {
            SD_TRY(sd_buf_append_byte(out, (uint8_t)s[i]));
        }
    }
    if(out->len < 2 || memcmp(out->data + out->len - 2, "\r\n", 2) != 0)
        SD_TRY(sd_buf_append(out, "\r\n", 2));
out:
    return err;
}

static sd_err
check_msg(const struct sd_outbox_msg *m, const char **field)
{
    size_t n;

    *field = "ticket_id";
    if(!m->ticket_id || !m->dk)
        return SD_E_INVALID;
    *field = "kind";
    if(m->kind < SD_OUTBOX_REPLY || m->kind > SD_OUTBOX_CSAT)
        return SD_E_INVALID;
    *field = "to";
    if(!m->to || !sd_outbox_addr_ok(m->to, strnlen(m->to, SD_OUTBOX_MAX_TO + 1)))
        return SD_E_INVALID;
    *field = "subject";
    if(!m->subject)
        return SD_E_INVALID;
    n = strnlen(m->subject, SD_OUTBOX_MAX_SUBJECT + 1);
    if(n > SD_OUTBOX_MAX_SUBJECT)
        return SD_E_LIMIT;
    if(n == 0 || !sd_text_valid(m->subject, n) || memchr(m->subject, '\n', n) ||
       memchr(m->subject, '\r', n))
        return SD_E_INVALID;
    *field = "body";
    if(!m->body)
        return SD_E_INVALID;
    n = strnlen(m->body, SD_OUTBOX_MAX_BODY + 1);
    if(n > SD_OUTBOX_MAX_BODY)
        return SD_E_LIMIT;
    if(!sd_text_valid(m->body, n))
        return SD_E_INVALID;
    *field = "lang";
    if(m->lang && (strlen(m->lang) > 16 || !sd_text_valid(m->lang, strlen(m->lang))))
        return SD_E_INVALID;
    *field = NULL;
    return SD_OK;
}

static sd_err
domain(struct sd_txn *t, char *out, size_t cap)
{
    struct sd_val v;
    sd_err err = sd_meta_get(t, "mail_domain", &v);

    if(err == SD_E_NOTFOUND || (err == SD_OK && (v.n == 0 || v.n >= cap))) {
        snprintf(out, cap, "sealdesk.invalid");
        return SD_OK;
    }
    if(err != SD_OK)
        return err;
    memcpy(out, v.p, v.n);
    out[v.n] = 0;
    return SD_OK;
}

sd_err
sd_outbox_set_domain(struct sd_txn *t, const char *d)
{
    size_t n = d ? strlen(d) : 0;

    if(n == 0 || n > 200)
        return SD_E_INVALID;
    for(size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];

        if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '.'))
            return SD_E_INVALID;
    }
    return sd_meta_put(t, "mail_domain", d, n);
}

/* Sealed fields: the "ticket id" of the associated data is the record id with the top bit
 * set (no ticket has one), so an outbox ciphertext never opens as a ticket field or another
 * record's. */
uint64_t
sd_outbox_seal_id(uint64_t id)
{
    return id | (UINT64_C(1) << 63);
}

sd_err
sd_outbox_enqueue_in(struct sd_txn *t, const struct sd_keyring *kr, const char *actor,
                     const struct sd_outbox_msg *m, uint64_t now, uint64_t *id_out,
                     const char **field)
{
    Sealdesk__V1__OutboxRecord r = SEALDESK__V1__OUTBOX_RECORD__INIT;
    struct sd_buf body = SD_BUF_INIT, stmt = SD_BUF_INIT;
    struct sd_buf s_to = SD_BUF_INIT, s_subj = SD_BUF_INIT, s_body = SD_BUF_INIT;
    uint8_t sha[32], sig[SD_SIG_BYTES], code[SD_OUTBOX_CODE_BYTES], ck[1 + SD_OUTBOX_CODE_BYTES];
    uint8_t digest[32], idb[8], rnd[8];
    char ref[24], dom[208], msgid[300], rhex[17];
    const char *dummy = NULL;
    uint64_t id = 0;
    uint32_t kv = 0;
    sd_err err = SD_OK;

    if(!field)
        field = &dummy;
    *field = NULL;
    SD_CHECK_ARG(t && kr && actor && m);
    SD_TRY(check_msg(m, field));
    SD_TRY(sd_keys_mail_sync(t, kr));
    kv = sd_keyring_mail_version(kr);
    SD_ENSURE(kv > 0, SD_E_PRECONDITION);
    SD_TRY(sd_meta_next(t, "outbox_next", &id));
    SD_TRY(domain(t, dom, sizeof(dom)));
    sd_outbox_ref(ref, sizeof(ref), m->ticket_id);
    randombytes_buf(rnd, sizeof(rnd));
    sd_hex_encode(rhex, rnd, sizeof(rnd));
    snprintf(msgid, sizeof(msgid), "<%s.%" PRIu64 ".%s@%s>", ref, id, rhex, dom);

    SD_TRY(canon_crlf(&body, m->body, strlen(m->body)));
    sd_sha256(sha, body.data, body.len);
    SD_TRY(sd_outbox_statement(&stmt, ref, m->to, strlen(m->to), sha, now, msgid));
    SD_TRY(sd_mail_sign(kr, sig, stmt.data, stmt.len));
    sd_outbox_code_of(code, sig);

    SD_TRY(sd_field_seal(&s_to, m->dk, sd_outbox_seal_id(id), SD_OUTBOX_F_TO,
                         (const uint8_t *)m->to, strlen(m->to)));
    SD_TRY(sd_field_seal(&s_subj, m->dk, sd_outbox_seal_id(id), SD_OUTBOX_F_SUBJECT,
                         (const uint8_t *)m->subject, strlen(m->subject)));
    SD_TRY(sd_field_seal(&s_body, m->dk, sd_outbox_seal_id(id), SD_OUTBOX_F_BODY, body.data,
                         body.len));
    r.id = id;
    r.ticket_id = m->ticket_id;
    r.data_key_id = sd_dkey_id(m->dk);
    r.kind = (uint32_t)m->kind;
    r.lang = (char *)(m->lang ? m->lang : "");
    r.message_id = msgid;
    r.created_at = now;
    r.attempts = 0;
    r.next_try_at = now;
    r.state = SD_OUTBOX_QUEUED;
    r.recipient.data = s_to.data;
    r.recipient.len = s_to.len;
    r.subject.data = s_subj.data;
    r.subject.len = s_subj.len;
    r.body.data = s_body.data;
    r.body.len = s_body.len;
    r.key_version = kv;
    r.signature.data = sig;
    r.signature.len = sizeof(sig);
    r.body_sha256.data = sha;
    r.body_sha256.len = sizeof(sha);
    r.auto_submitted = m->kind == SD_OUTBOX_ACK || m->kind == SD_OUTBOX_CSAT;
    SD_TRY(store_rec(t, &r, digest));
    SD_TRY(due_put(t, now, id));
    sd_outbox_key_code(ck, code);
    sd_put_u64be(idb, id);
    SD_TRY(sd_txn_put_new(t, SD_DB_OUTBOX, ck, sizeof(ck), idb, sizeof(idb)));
    SD_TRY(audit(t, kr, actor, "outbox.enqueue", &r, digest));
    if(id_out)
        *id_out = id;
out:
    sd_buf_wipe_free(&body);
    sd_buf_wipe_free(&stmt);
    sd_buf_free(&s_to);
    sd_buf_free(&s_subj);
    sd_buf_free(&s_body);
    return err;
}

/* ---- reads ---- */

void
sd_outbox_info_of(struct sd_outbox_info *o, const Sealdesk__V1__OutboxRecord *r)
{
    memset(o, 0, sizeof(*o));
    o->id = r->id;
    o->ticket_id = r->ticket_id;
    o->created_at = r->created_at;
    o->next_try_at = r->next_try_at;
    o->done_at = r->done_at;
    o->kind = (int)r->kind;
    o->state = (int)r->state;
    o->attempts = r->attempts;
    o->last_code = r->last_code;
    o->key_version = r->key_version;
    snprintf(o->message_id, sizeof(o->message_id), "%s", r->message_id ? r->message_id : "");
    if(r->signature.len == SD_SIG_BYTES) {
        uint8_t code[SD_OUTBOX_CODE_BYTES];

        sd_outbox_code_of(code, r->signature.data);
        sd_outbox_code_text(o->code, code);
    }
}

sd_err
sd_outbox_get(struct sd_txn *t, uint64_t id, struct sd_outbox_info *out)
{
    Sealdesk__V1__OutboxRecord *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && out);
    SD_TRY(sd_outbox_load(t, id, &r));
    sd_outbox_info_of(out, r);
out:
    if(r)
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
    return err;
}

/* The Message-ID of record N is "<SD-000123.N.RANDOM@domain>" (fixed at enqueue): the record
 * id in it is the index, and the whole id must equal the stored one, so neither a reference
 * nor a guessed id finds a record (the 64-bit random part is unknown to an outsider). */
sd_err
sd_outbox_by_message_id(struct sd_txn *t, const char *msgid, struct sd_outbox_info *out)
{
    Sealdesk__V1__OutboxRecord *r = NULL;
    const char *p, *stored;
    size_t n, sn;
    uint64_t id = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && msgid && out);
    n = strnlen(msgid, 300);
    SD_ENSURE(n < 300, SD_E_NOTFOUND);
    if(n >= 2 && msgid[0] == '<' && msgid[n - 1] == '>') {
        msgid++;
        n -= 2;
    }
    SD_ENSURE(n > 3 && strncmp(msgid, "SD-", 3) == 0, SD_E_NOTFOUND);
    p = memchr(msgid, '.', n);
    SD_ENSURE(p && p + 1 < msgid + n, SD_E_NOTFOUND);
    for(p++; p < msgid + n && *p >= '0' && *p <= '9'; p++) {
        SD_ENSURE(id <= (UINT64_MAX - 9) / 10, SD_E_NOTFOUND);
        id = id * 10 + (uint64_t)(*p - '0');
    }
    SD_ENSURE(id > 0 && p < msgid + n && *p == '.', SD_E_NOTFOUND);
    err = sd_outbox_load(t, id, &r);
    SD_ENSURE(err != SD_E_NOTFOUND, SD_E_NOTFOUND);
    SD_TRY(err);
    stored = r->message_id ? r->message_id : "";
    sn = strlen(stored);
    if(sn >= 2 && stored[0] == '<' && stored[sn - 1] == '>') {
        stored++;
        sn -= 2;
    }
    /* Domains compare without case (GMime lower-cases nothing, MTAs may). */
    SD_ENSURE(sn == n, SD_E_NOTFOUND);
    p = memchr(stored, '@', sn);
    SD_ENSURE(p, SD_E_NOTFOUND);
    SD_ENSURE(memcmp(stored, msgid, (size_t)(p - stored)) == 0, SD_E_NOTFOUND);
    SD_ENSURE(strncasecmp(p, msgid + (p - stored), sn - (size_t)(p - stored)) == 0, SD_E_NOTFOUND);
    sd_outbox_info_of(out, r);
out:
    if(r)
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_outbox_due(struct sd_txn *t, uint64_t now, uint64_t *ids, size_t max, size_t *n)
{
    struct sd_cursor *c = NULL;
    uint8_t first[1] = {'d'};
    struct sd_val k, v;
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(t && ids && n);
    *n = 0;
    SD_TRY(sd_cursor_open(t, SD_DB_OUTBOX, &c));
    k.p = first;
    k.n = 1;
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK && *n < max;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        if(k.n != 17 || k.p[0] != 'd' || sd_get_u64be(k.p + 1) > now)
            break;
        ids[(*n)++] = sd_get_u64be(k.p + 9);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

sd_err
sd_outbox_counts(struct sd_txn *t, uint64_t counts[6])
{
    struct sd_cursor *c = NULL;
    uint8_t first[1] = {'m'};
    struct sd_val k, v;
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(t && counts);
    memset(counts, 0, 6 * sizeof(counts[0]));
    SD_TRY(sd_cursor_open(t, SD_DB_OUTBOX, &c));
    k.p = first;
    k.n = 1;
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        Sealdesk__V1__OutboxRecord *r;

        if(k.n != 9 || k.p[0] != 'm')
            break;
        r = sealdesk__v1__outbox_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(r, SD_E_STORE);
        if(r->state >= 1 && r->state <= 5)
            counts[r->state]++;
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

/* ---- the sender's state machine ---- */

uint64_t
sd_outbox_backoff(unsigned attempts, double jitter)
{
    double s = SD_OUTBOX_BACKOFF_BASE;

    for(unsigned i = 1; i < attempts && s < SD_OUTBOX_BACKOFF_MAX; i++)
        s *= 2;
    if(s > SD_OUTBOX_BACKOFF_MAX)
        s = SD_OUTBOX_BACKOFF_MAX;
    if(jitter < 0 || jitter >= 1 || isnan(jitter))
        jitter = 0.5;
    s *= 0.75 + 0.5 * jitter;
    return s < 1 ? 1 : (uint64_t)s;
}

sd_err
sd_outbox_lease_in(struct sd_txn *t, uint64_t id, uint64_t now)
{
    Sealdesk__V1__OutboxRecord *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(t);
    SD_TRY(sd_outbox_load(t, id, &r));
    SD_ENSURE(r->state == SD_OUTBOX_QUEUED || r->state == SD_OUTBOX_SENDING, SD_E_PRECONDITION);
    SD_TRY(due_del(t, r->next_try_at, id));
    r->attempts++;
    r->state = SD_OUTBOX_SENDING;
    r->next_try_at = now + SD_OUTBOX_LEASE_S;
    SD_TRY(due_put(t, r->next_try_at, id));
    SD_TRY(store_rec(t, r, NULL));
out:
    if(r)
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_outbox_recover_in(struct sd_txn *t, uint64_t now, size_t *n)
{
    struct sd_cursor *c = NULL;
    uint8_t first[1] = {'m'};
    struct sd_val k, v;
    uint64_t *ids = NULL;
    size_t cnt = 0, cap = 0;
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(t && n);
    *n = 0;
    /* Startup only: one pass over the records for the ones a crashed process had in flight. */
    SD_TRY(sd_cursor_open(t, SD_DB_OUTBOX, &c));
    k.p = first;
    k.n = 1;
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        Sealdesk__V1__OutboxRecord *r;
        bool sending;

        if(k.n != 9 || k.p[0] != 'm')
            break;
        r = sealdesk__v1__outbox_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(r, SD_E_STORE);
        sending = r->state == SD_OUTBOX_SENDING;
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
        if(!sending)
            continue;
        if(cnt == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            uint64_t *p = realloc(ids, ncap * sizeof(*p));

            SD_ENSURE(p, SD_E_NOMEM);
            ids = p;
            cap = ncap;
        }
        ids[cnt++] = sd_get_u64be(k.p + 1);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    for(size_t i = 0; i < cnt; i++) {
        Sealdesk__V1__OutboxRecord *r = NULL;

        SD_TRY(sd_outbox_load(t, ids[i], &r));
        err = due_del(t, r->next_try_at, r->id);
        if(err == SD_OK) {
            r->state = SD_OUTBOX_QUEUED;
            r->next_try_at = now;
            err = due_put(t, now, r->id);
        }
        if(err == SD_OK)
            err = store_rec(t, r, NULL);
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
        SD_TRY(err);
    }
    *n = cnt;
out:
    sd_cursor_close(c);
    free(ids);
    return err;
}

sd_err
sd_outbox_mark_in(struct sd_txn *t, const struct sd_keyring *kr, const char *actor, uint64_t id,
                  enum sd_outbox_outcome outcome, unsigned smtp_code, uint64_t now, double jitter,
                  struct sd_outbox_info *info)
{
    Sealdesk__V1__OutboxRecord *r = NULL;
    const char *action = NULL;
    uint8_t digest[32];
    sd_err err = SD_OK;

    SD_CHECK_ARG(t && kr && actor);
    SD_TRY(sd_outbox_load(t, id, &r));
    if(outcome == SD_OUTBOX_BOUNCE) {
        SD_ENSURE(r->state == SD_OUTBOX_DELIVERED || r->state == SD_OUTBOX_SENDING ||
                      r->state == SD_OUTBOX_QUEUED,
                  SD_E_PRECONDITION);
    } else {
        SD_ENSURE(r->state == SD_OUTBOX_QUEUED || r->state == SD_OUTBOX_SENDING, SD_E_PRECONDITION);
    }
    if(r->state == SD_OUTBOX_QUEUED || r->state == SD_OUTBOX_SENDING)
        SD_TRY(due_del(t, r->next_try_at, id));
    r->last_code = smtp_code;
    switch(outcome) {
    case SD_OUTBOX_OK:
        r->state = SD_OUTBOX_DELIVERED;
        action = "outbox.delivered";
        break;
    case SD_OUTBOX_TEMPFAIL:
        if(r->attempts >= SD_OUTBOX_MAX_ATTEMPTS) {
            r->state = SD_OUTBOX_FAILED;
            action = "outbox.failed";
            break;
        }
        r->state = SD_OUTBOX_QUEUED;
        r->next_try_at = now + sd_outbox_backoff(r->attempts ? r->attempts : 1, jitter);
        SD_TRY(due_put(t, r->next_try_at, id));
        action = "outbox.retry";
        break;
    case SD_OUTBOX_PERMFAIL:
    case SD_OUTBOX_SHREDDED:
        r->state = SD_OUTBOX_FAILED;
        action = "outbox.failed";
        break;
    case SD_OUTBOX_BOUNCE:
        r->state = SD_OUTBOX_BOUNCED;
        action = "outbox.bounced";
        break;
    default:
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(r->state != SD_OUTBOX_QUEUED)
        r->done_at = now;
    SD_TRY(store_rec(t, r, digest));
    SD_TRY(audit(t, kr, actor, action, r, digest));
    if(info)
        sd_outbox_info_of(info, r);
out:
    if(r)
        sealdesk__v1__outbox_record__free_unpacked(r, NULL);
    return err;
}
