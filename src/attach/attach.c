/* Attachments (attach.h): chunked, sealed under the ticket's customer data key, outside the
 * ticket record; metadata with the sealed filename; type allow-list and size limits; list and
 * audited download. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "channels.pb-c.h"
#include "sealdesk/attach.h"
#include "sealdesk/audit.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/keystore.h"
#include "sealdesk/text.h"
#include "tickets/desk_int.h"
#include "util/err_int.h"

#define PFX_META   'm'
#define PFX_TICKET 't'

static const char *const allowed_types[] = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
};

static const char reason_type[] = "type not allowed";
static const char reason_size[] = "file over the size limit";
static const char reason_message[] = "message over the attachment size limit";

void
sd_attach_limits_default(struct sd_attach_limits *l)
{
    l->max_file = SD_ATTACH_MAX_FILE;
    l->max_message = SD_ATTACH_MAX_MESSAGE;
}

sd_err
sd_attach_limits_check(const struct sd_attach_limits *l)
{
    if(!l || !l->max_file || l->max_file > SD_ATTACH_LIMIT_CEILING ||
       l->max_message < l->max_file || l->max_message > SD_ATTACH_LIMIT_CEILING)
        return SD_E_INVALID;
    return SD_OK;
}

bool
sd_attach_type_allowed(const char *type)
{
    for(size_t i = 0; type && i < sizeof(allowed_types) / sizeof(allowed_types[0]); i++) {
        if(strcmp(type, allowed_types[i]) == 0)
            return true;
    }
    return false;
}

void
sd_attach_list_clear(struct sd_attach_list *l)
{
    if(!l)
        return;
    if(l->items) {
        sodium_memzero(l->items, l->n * sizeof(*l->items));
        free(l->items);
    }
    memset(l, 0, sizeof(*l));
}

static void
mkey(uint8_t k[9], uint64_t id)
{
    k[0] = PFX_META;
    sd_put_u64be(k + 1, id);
}

static void
tkey(uint8_t k[17], uint64_t ticket, uint64_t id)
{
    k[0] = PFX_TICKET;
    sd_put_u64be(k + 1, ticket);
    sd_put_u64be(k + 9, id);
}

static void
ckey(uint8_t k[12], uint64_t id, uint32_t chunk)
{
    sd_put_u64be(k, id);
    sd_put_u32be(k + 8, chunk);
}

/* A MIME type as libmagic gives it: type/subtype of [a-z0-9.+-], no parameters. */
static bool
type_ok(const char *s)
{
    size_t n, slash = 0;

    if(!s)
        return false;
    n = strnlen(s, SD_ATTACH_MAX_TYPE + 1);
    if(n < 3 || n > SD_ATTACH_MAX_TYPE)
        return false;
    for(size_t i = 0; i < n; i++) {
        char c = s[i];

        if(c == '/') {
            if(slash || i == 0 || i == n - 1)
                return false;
            slash = i;
        } else if(!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(".+-_", c))) {
            return false;
        }
    }
    return slash != 0;
}

static sd_err
check_files(const struct sd_attach_in *files, size_t n, const char **why)
{
    if(n > SD_ATTACH_MAX_FILES) {
        *why = "files: at most 32 per message";
        return SD_E_LIMIT;
    }
    if(n && !files) {
        *why = "files: missing";
        return SD_E_INVALID;
    }
    for(size_t i = 0; i < n; i++) {
        const char *f = files[i].filename;
        size_t fl = f ? strnlen(f, SD_ATTACH_MAX_FILENAME + 1) : 0;

        if(!type_ok(files[i].type)) {
            *why = "type: a MIME type (type/subtype, lower case, no parameters)";
            return SD_E_INVALID;
        }
        if(fl > SD_ATTACH_MAX_FILENAME) {
            *why = "filename: at most 255 bytes";
            return SD_E_LIMIT;
        }
        if(fl && (!sd_text_valid(f, fl) || sd_text_blank(f, fl))) {
            *why = "filename: not valid UTF-8 text";
            return SD_E_INVALID;
        }
        if(files[i].len && !files[i].data) {
            *why = "data: missing";
            return SD_E_INVALID;
        }
        if(files[i].len > SD_ATTACH_LIMIT_CEILING) {
            *why = "data: file over the size limit";
            return SD_E_LIMIT;
        }
    }
    return SD_OK;
}

static sd_err
meta_put(struct sd_txn *t, const Sealdesk__V1__AttachmentMeta *m, uint8_t digest[32])
{
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[9];
    sd_err err = SD_OK;

    SD_TRY(sd_buf_reserve(&enc, sealdesk__v1__attachment_meta__get_packed_size(m)));
    enc.len = sealdesk__v1__attachment_meta__pack(m, enc.data);
    mkey(k, m->id);
    SD_TRY(sd_txn_put_new(t, SD_DB_ATTACH, k, sizeof(k), enc.data, enc.len));
    if(digest)
        sd_sha256(digest, enc.data, enc.len);
out:
    sd_buf_free(&enc);
    return err;
}

/* Seal and store one file's chunks. */
static sd_err
put_chunks(struct sd_txn *t, const struct sd_dkey *dk, uint64_t id, const uint8_t *p, size_t n,
           uint32_t *chunks)
{
    struct sd_buf sealed = SD_BUF_INIT;
    uint8_t k[12];
    uint32_t c = 0;
    sd_err err = SD_OK;

    for(size_t off = 0; off < n; off += SD_ATTACH_CHUNK, c++) {
        size_t len = n - off < SD_ATTACH_CHUNK ? n - off : SD_ATTACH_CHUNK;

        sd_buf_reset(&sealed);
        SD_TRY(sd_field_seal(&sealed, dk, id, SD_F_ATTACH_CHUNK_BASE + c, p + off, len));
        ckey(k, id, c);
        SD_TRY(sd_txn_put_new(t, SD_DB_ATTACH_DATA, k, sizeof(k), sealed.data, sealed.len));
    }
    *chunks = c;
out:
    sd_buf_free(&sealed);
    return err;
}

sd_err
sd_attach_add_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, uint64_t ticket_id,
                 const struct sd_attach_limits *lim, const struct sd_attach_in *files, size_t n,
                 struct sd_attach_result *res, const char **why)
{
    struct sd_attach_limits def;
    struct sd_dkey *dk = NULL;
    struct sd_buf name = SD_BUF_INIT;
    sd_trec *r = NULL;
    crypto_hash_sha256_state all;
    uint8_t digest[32], sum[32], tk[17];
    char detail[160], hex[65];
    const char *reason = NULL;
    size_t kept = 0;
    uint64_t now = sd_clock_now();
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && t && sd_txn_is_write(t) && (res || !n));
    SD_TRY(sd_actor_check(a));
    if(!lim) {
        sd_attach_limits_default(&def);
        lim = &def;
    }
    if(sd_attach_limits_check(lim) != SD_OK) {
        reason = "limits: invalid attachment limits";
        SD_ENSURE(0, SD_E_INVALID);
    }
    SD_TRY(check_files(files, n, &reason));
    err = sd_trec_load(t, ticket_id, &r);
    if(err == SD_E_NOTFOUND)
        reason = "ticket not found";
    SD_TRY(err);
    SD_TRY(sd_ticket_may_touch(a, r));
    err = sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk);
    if(err == SD_E_SHREDDED)
        reason = "the customer's data was crypto-shredded";
    SD_TRY(err);
    crypto_hash_sha256_init(&all);
    for(size_t i = 0; i < n; i++) {
        Sealdesk__V1__AttachmentMeta m = SEALDESK__V1__ATTACHMENT_META__INIT;
        const struct sd_attach_in *f = &files[i];
        uint32_t chunks = 0;

        memset(&res[i], 0, sizeof(res[i]));
        SD_TRY(sd_meta_next(t, "next_attachment", &m.id));
        m.ticket_id = ticket_id;
        m.type = (char *)f->type;
        m.size = f->len;
        sd_sha256(sum, f->data ? f->data : (const uint8_t *)"", f->len);
        m.sha256.data = sum;
        m.sha256.len = sizeof(sum);
        m.created_at = now;
        m.data_key_id = sd_dkey_id(dk);
        m.added_by = (char *)a->name;
        sd_buf_reset(&name);
        if(f->filename && f->filename[0]) {
            SD_TRY(sd_field_seal(&name, dk, m.id, SD_F_ATTACH_NAME, (const uint8_t *)f->filename,
                                 strlen(f->filename)));
            m.filename.data = name.data;
            m.filename.len = name.len;
        }
        res[i].id = m.id;
        if(!sd_attach_type_allowed(f->type))
            res[i].reason = reason_type;
        else if(f->len > lim->max_file)
            res[i].reason = reason_size;
        else if(f->len > lim->max_message - kept)
            res[i].reason = reason_message;
        if(res[i].reason) {
            res[i].state = SD_ATTACH_REFUSED;
            m.reason = (char *)res[i].reason;
        } else {
            res[i].state = SD_ATTACH_KEPT;
            SD_TRY(put_chunks(t, dk, m.id, f->data, f->len, &chunks));
            kept += f->len;
        }
        m.state = (uint32_t)res[i].state;
        m.chunks = chunks;
        SD_TRY(meta_put(t, &m, digest));
        crypto_hash_sha256_update(&all, digest, sizeof(digest));
        tkey(tk, ticket_id, m.id);
        SD_TRY(sd_txn_put_new(t, SD_DB_ATTACH, tk, sizeof(tk), "", 0));
        sd_hex_encode(hex, sum, 8);
        if(res[i].state == SD_ATTACH_KEPT)
            snprintf(detail, sizeof(detail),
                     "attachment=%" PRIu64 " type=%.60s size=%zu sha256=%.16s", m.id, f->type,
                     f->len, hex);
        else
            snprintf(detail, sizeof(detail), "attachment=%" PRIu64 " type=%.60s size=%zu: %s", m.id,
                     f->type, f->len, res[i].reason);
        r->updated_at = now;
        SD_TRY(sd_event_add(t, r, a->name,
                            res[i].state == SD_ATTACH_KEPT ? SD_EV_ATTACHMENT
                                                           : SD_EV_ATTACHMENT_REFUSED,
                            0, 0, NULL, false, detail));
    }
    if(n) {
        SD_TRY(sd_trec_store(t, r, digest));
        crypto_hash_sha256_update(&all, digest, sizeof(digest));
        crypto_hash_sha256_final(&all, digest);
        SD_TRY(sd_desk_audit(d, t, a, "attachment.add", ticket_id, digest, NULL));
    }
out:
    sd_dkey_free(dk);
    sd_buf_free(&name);
    sd_trec_free(r);
    if(why)
        *why = err == SD_OK ? NULL : reason;
    return err;
}

sd_err
sd_attach_add(struct sd_desk *d, const struct sd_actor *a, uint64_t ticket_id,
              const struct sd_attach_limits *lim, const struct sd_attach_in *files, size_t n,
              struct sd_attach_result *res, const char **why)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_attach_add_in(d, t, a, ticket_id, lim, files, n, res, why));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

/* Decode a metadata record into out (no filename); *m_out (may be NULL) keeps the record. */
static sd_err
meta_load(struct sd_txn *t, uint64_t id, struct sd_attachment *out,
          Sealdesk__V1__AttachmentMeta **m_out)
{
    Sealdesk__V1__AttachmentMeta *m = NULL;
    uint8_t k[9];
    struct sd_val v;
    sd_err err = SD_OK;

    memset(out, 0, sizeof(*out));
    mkey(k, id);
    SD_TRY(sd_txn_get(t, SD_DB_ATTACH, k, sizeof(k), &v));
    m = sealdesk__v1__attachment_meta__unpack(NULL, v.n, v.p);
    SD_ENSURE(m && m->id == id && m->sha256.len == 32, SD_E_STORE);
    SD_ENSURE(m->state == SD_ATTACH_KEPT || m->state == SD_ATTACH_REFUSED, SD_E_STORE);
    SD_ENSURE(m->type && strlen(m->type) <= SD_ATTACH_MAX_TYPE, SD_E_STORE);
    out->id = id;
    out->ticket_id = m->ticket_id;
    out->size = m->size;
    out->created_at = m->created_at;
    out->state = (enum sd_attach_state)m->state;
    snprintf(out->type, sizeof(out->type), "%s", m->type);
    sd_hex_encode(out->sha256, m->sha256.data, 32);
    snprintf(out->reason, sizeof(out->reason), "%s", m->reason ? m->reason : "");
    snprintf(out->added_by, sizeof(out->added_by), "%s", m->added_by ? m->added_by : "");
    out->has_filename = m->filename.len > 0;
    if(m_out) {
        *m_out = m;
        m = NULL;
    }
out:
    if(m)
        sealdesk__v1__attachment_meta__free_unpacked(m, NULL);
    return err;
}

/* Open the sealed filename of m into out->filename (shredded: out->shredded). */
static sd_err
open_name(struct sd_desk *d, struct sd_txn *t, const Sealdesk__V1__AttachmentMeta *m,
          struct sd_attachment *out)
{
    struct sd_dkey *dk = NULL;
    struct sd_buf plain = SD_BUF_INIT;
    sd_err err = SD_OK;
    sd_err rc;

    if(!m->filename.len)
        return SD_OK;
    rc = sd_keys_dkey_open(t, d->kr, m->data_key_id, &dk);
    if(rc == SD_E_SHREDDED) {
        out->shredded = true;
        goto out;
    }
    SD_TRY(rc);
    SD_TRY(sd_field_open(&plain, dk, m->id, SD_F_ATTACH_NAME, m->filename.data, m->filename.len));
    SD_ENSURE(plain.len <= SD_ATTACH_MAX_FILENAME, SD_E_STORE);
    memcpy(out->filename, plain.data, plain.len);
    out->filename[plain.len] = 0;
out:
    sd_dkey_free(dk);
    sd_buf_wipe_free(&plain);
    return err;
}

static bool
reason_ok(const char *reason)
{
    size_t n = reason ? strnlen(reason, SD_ATTACH_MAX_REASON + 1) : 0;

    return n && n <= SD_ATTACH_MAX_REASON && sd_text_valid(reason, n) && !sd_text_blank(reason, n);
}

sd_err
sd_attach_list(struct sd_desk *d, const struct sd_actor *a, uint64_t ticket_id, bool unmask,
               const char *reason, struct sd_attach_list *out)
{
    Sealdesk__V1__AttachmentMeta *m = NULL;
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    sd_trec *r = NULL;
    struct sd_val k, v;
    uint8_t tk[17];
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_ENSURE(sd_policy_allows(a->roles, SD_OP_TICKET_GET), SD_E_DENIED);
    SD_CHECK_ARG(!reason || strnlen(reason, SD_MAX_REASON + 1) <= SD_MAX_REASON);
    SD_CHECK_ARG(!reason || sd_text_valid(reason, strlen(reason)));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_trec_load(t, ticket_id, &r));
    SD_TRY(sd_ticket_may_touch(a, r));
    if(unmask) {
        SD_ENSURE(sd_policy_allows(a->roles, SD_OP_TICKET_UNMASK), SD_E_DENIED);
        SD_TRY(sd_ticket_may_unmask(t, a, r, reason));
    }
    out->items = calloc(SD_ATTACH_MAX_LIST, sizeof(*out->items));
    SD_ENSURE(out->items, SD_E_NOMEM);
    SD_TRY(sd_cursor_open(t, SD_DB_ATTACH, &c));
    tkey(tk, ticket_id, 0);
    k.p = tk;
    k.n = sizeof(tk);
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        if(k.n != sizeof(tk) || k.p[0] != PFX_TICKET || sd_get_u64be(k.p + 1) != ticket_id)
            break;
        if(out->n == SD_ATTACH_MAX_LIST) {
            out->more = true;
            break;
        }
        SD_TRY(meta_load(t, sd_get_u64be(k.p + 9), &out->items[out->n], unmask ? &m : NULL));
        if(unmask) {
            SD_TRY(open_name(d, t, m, &out->items[out->n]));
            sealdesk__v1__attachment_meta__free_unpacked(m, NULL);
            m = NULL;
        }
        out->n++;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c); /* before the commit, which frees a write txn's cursors */
    c = NULL;
    SD_TRY(sd_desk_audit(d, t, a, unmask ? "attachment.unmask" : "attachment.list", ticket_id, NULL,
                         reason));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(m)
        sealdesk__v1__attachment_meta__free_unpacked(m, NULL);
    sd_cursor_close(c);
    sd_txn_abort(t);
    sd_trec_free(r);
    if(err != SD_OK)
        sd_attach_list_clear(out);
    return err;
}

sd_err
sd_attach_read(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *reason,
               struct sd_buf *out, struct sd_attachment *info)
{
    Sealdesk__V1__AttachmentMeta *m = NULL;
    struct sd_attachment meta;
    struct sd_txn *t = NULL;
    struct sd_dkey *dk = NULL;
    sd_trec *r = NULL;
    struct sd_val v;
    uint8_t k[12], sum[32];
    char target[32], why[SD_ATTACH_MAX_REASON + 64];
    size_t start = out ? out->len : 0;
    sd_err err = SD_OK;

    memset(&meta, 0, sizeof(meta));
    SD_CHECK_ARG(d && out);
    SD_TRY(sd_actor_check(a));
    SD_ENSURE(sd_policy_allows(a->roles, SD_OP_ATTACH_READ), SD_E_DENIED);
    SD_CHECK_ARG((a->roles & SD_ROLE_SYSTEM) || reason_ok(reason));
    SD_CHECK_ARG(!reason || reason_ok(reason));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(meta_load(t, id, &meta, &m));
    SD_TRY(sd_trec_load(t, meta.ticket_id, &r));
    SD_TRY(sd_ticket_may_touch(a, r));
    SD_TRY(sd_ticket_may_unmask(t, a, r, reason));
    SD_ENSURE(meta.state == SD_ATTACH_KEPT, SD_E_PRECONDITION);
    SD_TRY(sd_keys_dkey_open(t, d->kr, m->data_key_id, &dk));
    SD_ENSURE(m->chunks == (m->size + SD_ATTACH_CHUNK - 1) / SD_ATTACH_CHUNK, SD_E_STORE);
    for(uint32_t c = 0; c < m->chunks; c++) {
        ckey(k, id, c);
        SD_TRY(sd_txn_get(t, SD_DB_ATTACH_DATA, k, sizeof(k), &v));
        SD_TRY(sd_field_open(out, dk, id, SD_F_ATTACH_CHUNK_BASE + c, v.p, v.n));
    }
    SD_ENSURE(out->len - start == m->size, SD_E_CRYPTO);
    sd_sha256(sum, out->data ? out->data + start : (const uint8_t *)"", m->size);
    SD_ENSURE(sodium_memcmp(sum, m->sha256.data, 32) == 0, SD_E_CRYPTO);
    SD_TRY(open_name(d, t, m, &meta));
    snprintf(target, sizeof(target), "a%" PRIu64, id);
    snprintf(why, sizeof(why), "ticket=%" PRIu64 "; %s", meta.ticket_id, reason ? reason : "");
    {
        struct sd_audit_rec ar = {.actor = a->name,
                                  .action = "attachment.read",
                                  .target = target,
                                  .request_id = a->request_id,
                                  .reason = why,
                                  .digest = m->sha256.data};

        SD_TRY(sd_audit_append(t, d->kr, &ar, NULL));
    }
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(info)
        *info = meta;
out:
    if(m)
        sealdesk__v1__attachment_meta__free_unpacked(m, NULL);
    sd_txn_abort(t);
    sd_dkey_free(dk);
    sd_trec_free(r);
    sodium_memzero(&meta, sizeof(meta));
    if(err != SD_OK && out && out->len > start) {
        sodium_memzero(out->data + start, out->len - start);
        out->len = start;
    }
    return err;
}
