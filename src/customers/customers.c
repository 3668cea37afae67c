/* Customer profiles (customers.h): records keyed by the UID's blind index, email/phone aliases,
 * notes sealed under the customer's data key, the frozen flag kept by freeze/unfreeze, the
 * defaults a new ticket inherits and the delete of crypto-shredding. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "channels.pb-c.h"
#include "sealdesk/audit.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/customers.h"
#include "sealdesk/keystore.h"
#include "sealdesk/lang.h"
#include "sealdesk/text.h"
#include "tickets/desk_int.h"
#include "util/err_int.h"

#define PFX_PROFILE 'p'
#define PFX_EMAIL   'e'
#define PFX_PHONE   'h'
#define TARGET_MAX  (9 + 2 * SD_BIDX_BYTES + 1)
/* Sealed "uid\0email\0phone": identifiers are each at most 1 KiB as stored on tickets. */
#define IDS_MAX     (3 * 1024 + SD_FIELD_OVERHEAD)

/* A profile as stored, in plain C (validated on decode). */
struct prof {
    uint8_t uid[SD_BIDX_BYTES];
    uint8_t email[SD_BIDX_BYTES], phone[SD_BIDX_BYTES];
    bool has_email, has_phone;
    const char *lang; /* static */
    unsigned vip_tier;
    bool frozen;
    uint8_t *notes; /* sealed, malloc'ed */
    size_t notes_len;
    uint64_t data_key_id, created_at, updated_at;
    char updated_by[SD_MAX_AGENT + 1];
    uint32_t version;
    uint8_t *ids; /* sealed identifiers, malloc'ed (NULL: none kept) */
    size_t ids_len;
    uint64_t ids_key_id;
};

static void
prof_free(struct prof *p)
{
    free(p->notes);
    free(p->ids);
    sodium_memzero(p, sizeof(*p));
}

void
sd_customer_clear(struct sd_customer *c)
{
    if(!c)
        return;
    sd_buf_wipe_free(&c->notes);
    free(c->tickets);
    sodium_memzero(c, sizeof(*c));
}

static void
pkey(uint8_t k[1 + SD_BIDX_BYTES], char prefix, const uint8_t b[SD_BIDX_BYTES])
{
    k[0] = (uint8_t)prefix;
    memcpy(k + 1, b, SD_BIDX_BYTES);
}

static void
target_of(char out[TARGET_MAX], const uint8_t uid[SD_BIDX_BYTES])
{
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): sd_hex_encode ends it
    memcpy(out, "customer:", 9);
    sd_hex_encode(out + 9, uid, SD_BIDX_BYTES);
}

static bool
copy_bidx(uint8_t out[SD_BIDX_BYTES], const ProtobufCBinaryData *b, bool *has)
{
    *has = b->len == SD_BIDX_BYTES;
    if(*has)
        memcpy(out, b->data, SD_BIDX_BYTES);
    return b->len == 0 || b->len == SD_BIDX_BYTES;
}

static sd_err
prof_load(struct sd_txn *t, const uint8_t uid[SD_BIDX_BYTES], struct prof *p)
{
    Sealdesk__V1__CustomerProfile *m = NULL;
    uint8_t k[1 + SD_BIDX_BYTES];
    struct sd_val v;
    size_t n;
    sd_err err = SD_OK;

    memset(p, 0, sizeof(*p));
    pkey(k, PFX_PROFILE, uid);
    SD_TRY(sd_txn_get(t, SD_DB_PROFILES, k, sizeof(k), &v));
    m = sealdesk__v1__customer_profile__unpack(NULL, v.n, v.p);
    SD_ENSURE(m, SD_E_STORE);
    SD_ENSURE(m->uid_bidx.len == SD_BIDX_BYTES && memcmp(m->uid_bidx.data, uid, SD_BIDX_BYTES) == 0,
              SD_E_STORE);
    memcpy(p->uid, uid, SD_BIDX_BYTES);
    SD_ENSURE(copy_bidx(p->email, &m->email_bidx, &p->has_email), SD_E_STORE);
    SD_ENSURE(copy_bidx(p->phone, &m->phone_bidx, &p->has_phone), SD_E_STORE);
    p->lang = m->lang && m->lang[0] ? sd_lang_canon(m->lang) : "";
    SD_ENSURE(p->lang, SD_E_STORE);
    SD_ENSURE(m->vip_tier <= SD_CUSTOMER_MAX_VIP, SD_E_STORE);
    p->vip_tier = m->vip_tier;
    p->frozen = m->frozen;
    if(m->notes.len) {
        SD_ENSURE(m->notes.len <= SD_CUSTOMER_MAX_NOTES + SD_FIELD_OVERHEAD, SD_E_STORE);
        p->notes = malloc(m->notes.len);
        SD_ENSURE(p->notes, SD_E_NOMEM);
        memcpy(p->notes, m->notes.data, m->notes.len);
        p->notes_len = m->notes.len;
    }
    p->data_key_id = m->data_key_id;
    if(m->ids.len) {
        SD_ENSURE(m->ids.len <= IDS_MAX && m->ids_key_id, SD_E_STORE);
        p->ids = malloc(m->ids.len);
        SD_ENSURE(p->ids, SD_E_NOMEM);
        memcpy(p->ids, m->ids.data, m->ids.len);
        p->ids_len = m->ids.len;
        p->ids_key_id = m->ids_key_id;
    }
    p->created_at = m->created_at;
    p->updated_at = m->updated_at;
    n = m->updated_by ? strnlen(m->updated_by, sizeof(p->updated_by)) : 0;
    SD_ENSURE(n < sizeof(p->updated_by), SD_E_STORE);
    memcpy(p->updated_by, m->updated_by ? m->updated_by : "", n);
    p->version = m->version;
out:
    if(m)
        sealdesk__v1__customer_profile__free_unpacked(m, NULL);
    if(err != SD_OK)
        prof_free(p);
    return err;
}

static sd_err
prof_store(struct sd_txn *t, const struct prof *p, uint8_t digest[32])
{
    Sealdesk__V1__CustomerProfile m = SEALDESK__V1__CUSTOMER_PROFILE__INIT;
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[1 + SD_BIDX_BYTES];
    sd_err err = SD_OK;

    m.uid_bidx.data = (uint8_t *)p->uid;
    m.uid_bidx.len = SD_BIDX_BYTES;
    if(p->has_email) {
        m.email_bidx.data = (uint8_t *)p->email;
        m.email_bidx.len = SD_BIDX_BYTES;
    }
    if(p->has_phone) {
        m.phone_bidx.data = (uint8_t *)p->phone;
        m.phone_bidx.len = SD_BIDX_BYTES;
    }
    m.lang = (char *)p->lang;
    m.vip_tier = p->vip_tier;
    m.frozen = p->frozen;
    m.notes.data = p->notes;
    m.notes.len = p->notes_len;
    m.data_key_id = p->data_key_id;
    m.created_at = p->created_at;
    m.updated_at = p->updated_at;
    m.updated_by = (char *)p->updated_by;
    m.version = p->version;
    m.ids.data = p->ids;
    m.ids.len = p->ids_len;
    m.ids_key_id = p->ids_key_id;
    SD_TRY(sd_buf_reserve(&enc, sealdesk__v1__customer_profile__get_packed_size(&m)));
    enc.len = sealdesk__v1__customer_profile__pack(&m, enc.data);
    pkey(k, PFX_PROFILE, p->uid);
    SD_TRY(sd_txn_put(t, SD_DB_PROFILES, k, sizeof(k), enc.data, enc.len));
    sd_sha256(digest, enc.data, enc.len);
out:
    sd_buf_free(&enc);
    return err;
}

/* The uid blind index an alias (email/phone) names. */
static sd_err
alias_get(struct sd_txn *t, char prefix, const uint8_t b[SD_BIDX_BYTES], uint8_t uid[SD_BIDX_BYTES])
{
    uint8_t k[1 + SD_BIDX_BYTES];
    struct sd_val v;
    sd_err err;

    pkey(k, prefix, b);
    err = sd_txn_get(t, SD_DB_PROFILES, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    if(v.n != SD_BIDX_BYTES)
        return SD_E_STORE;
    memcpy(uid, v.p, SD_BIDX_BYTES);
    return SD_OK;
}

static sd_err
alias_del(struct sd_txn *t, char prefix, const uint8_t b[SD_BIDX_BYTES], uint64_t *removed)
{
    uint8_t k[1 + SD_BIDX_BYTES];
    sd_err err;

    pkey(k, prefix, b);
    err = sd_txn_del(t, SD_DB_PROFILES, k, sizeof(k), NULL, 0);
    if(err == SD_OK && removed)
        (*removed)++;
    return err == SD_E_NOTFOUND ? SD_OK : err;
}

/* Point alias (prefix, b) at uid; SD_E_CONFLICT when it names another customer. */
static sd_err
alias_put(struct sd_txn *t, char prefix, const uint8_t b[SD_BIDX_BYTES],
          const uint8_t uid[SD_BIDX_BYTES])
{
    uint8_t k[1 + SD_BIDX_BYTES], cur[SD_BIDX_BYTES];
    sd_err err = alias_get(t, prefix, b, cur);

    if(err == SD_OK)
        return memcmp(cur, uid, SD_BIDX_BYTES) == 0 ? SD_OK : SD_E_CONFLICT;
    if(err != SD_E_NOTFOUND)
        return err;
    pkey(k, prefix, b);
    return sd_txn_put(t, SD_DB_PROFILES, k, sizeof(k), uid, SD_BIDX_BYTES);
}

/* Replace a profile's email or phone alias with value's ("" drops it): *has and cur are the
 * profile's; *reason gets conflict when another customer already has that value. */
static sd_err
set_alias(struct sd_desk *d, struct sd_txn *t, enum sd_bidx_kind kind, char prefix,
          const char *value, const uint8_t uid[SD_BIDX_BYTES], bool *has,
          uint8_t cur[SD_BIDX_BYTES], const char *conflict, const char **reason)
{
    uint8_t b[SD_BIDX_BYTES];
    sd_err err = SD_OK;

    if(*has)
        SD_TRY(alias_del(t, prefix, cur, NULL));
    *has = value[0] != 0;
    if(*has) {
        SD_TRY(sd_bidx(d->kr, kind, value, strlen(value), b));
        err = alias_put(t, prefix, b, uid);
        if(err == SD_E_CONFLICT)
            *reason = conflict;
        SD_TRY(err);
        memcpy(cur, b, SD_BIDX_BYTES);
    }
out:
    return err;
}

static void
set_why(const char **why, const char *reason)
{
    if(why)
        *why = reason;
}

/* Open p's sealed identifiers into plain (NUL-separated, NUL-terminated) and point id[0..2] at
 * uid, email and phone ("" none). SD_E_NOTFOUND: p keeps none; SD_E_SHREDDED: key erased. */
static sd_err
ids_open(const struct sd_keyring *kr, struct sd_txn *t, const struct prof *p, struct sd_buf *plain,
         const char *id[3])
{
    struct sd_dkey *dk = NULL;
    size_t at = 0;
    sd_err err = SD_OK;

    SD_ENSURE(p->ids_len, SD_E_NOTFOUND);
    SD_TRY(sd_keys_dkey_open(t, kr, p->ids_key_id, &dk));
    SD_TRY(sd_field_open(plain, dk, p->ids_key_id, SD_F_CUSTOMER_IDS, p->ids, p->ids_len));
    SD_TRY(sd_buf_terminate(plain));
    for(int i = 0; i < 3; i++) {
        size_t n;

        SD_ENSURE(at <= plain->len, SD_E_STORE);
        id[i] = (const char *)plain->data + at;
        n = strnlen(id[i], plain->len - at);
        SD_ENSURE(i == 2 ? at + n == plain->len : at + n < plain->len, SD_E_STORE);
        at += n + 1;
    }
    SD_ENSURE(id[0][0], SD_E_STORE);
out:
    sd_dkey_free(dk);
    return err;
}

/* Seal uid, email and phone (NULL: "") into p under dk, replacing what p kept. */
static sd_err
ids_seal(struct prof *p, const struct sd_dkey *dk, const char *uid, const char *email,
         const char *phone)
{
    struct sd_buf plain = SD_BUF_INIT, sealed = SD_BUF_INIT;
    sd_err err = SD_OK;

    SD_TRY(sd_buf_append_str(&plain, uid));
    SD_TRY(sd_buf_append_byte(&plain, 0));
    SD_TRY(sd_buf_append_str(&plain, email ? email : ""));
    SD_TRY(sd_buf_append_byte(&plain, 0));
    SD_TRY(sd_buf_append_str(&plain, phone ? phone : ""));
    SD_ENSURE(plain.len + SD_FIELD_OVERHEAD <= IDS_MAX, SD_E_LIMIT);
    SD_TRY(sd_field_seal(&sealed, dk, sd_dkey_id(dk), SD_F_CUSTOMER_IDS, plain.data, plain.len));
    free(p->ids);
    p->ids_len = sealed.len;
    p->ids = sd_buf_steal(&sealed);
    p->ids_key_id = sd_dkey_id(dk);
    if(!p->ids) {
        p->ids_len = 0;
        p->ids_key_id = 0;
        err = SD_E_NOMEM;
    }
out:
    sd_buf_wipe_free(&plain);
    sd_buf_free(&sealed);
    return err;
}

static sd_err
audit(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const char *action,
      const uint8_t uid[SD_BIDX_BYTES], const uint8_t *digest, const char *reason)
{
    char target[TARGET_MAX];
    struct sd_audit_rec r = {.actor = a->name,
                             .action = action,
                             .target = target,
                             .request_id = a->request_id,
                             .reason = reason,
                             .digest = digest};

    target_of(target, uid);
    return sd_audit_append(t, d->kr, &r, NULL);
}

sd_err
sd_customer_vip_parse(unsigned *out, const char *s)
{
    if(!out || !s)
        return SD_E_INVALID;
    if(strcmp(s, "none") == 0) {
        *out = 0;
        return SD_OK;
    }
    if(strcmp(s, "vip") == 0) {
        *out = 1;
        return SD_OK;
    }
    if(strncmp(s, "vip", 3) == 0)
        s += 3;
    if(s[0] >= '0' && s[0] <= '0' + SD_CUSTOMER_MAX_VIP && s[1] == 0) {
        *out = (unsigned)(s[0] - '0');
        return SD_OK;
    }
    return SD_E_INVALID;
}

/* Check an upsert's input as ticket identifiers are checked (sd_ticket_check), plus the
 * profile's own fields. */
static sd_err
check_in(const struct sd_customer_in *in, const char **why)
{
    struct sd_ticket_new tn;
    const char *field = NULL, *reason = NULL;
    size_t n;
    sd_err err;

    if(!in) {
        set_why(why, "missing input");
        return SD_E_INVALID;
    }
    if(!in->uid || !in->uid[0]) {
        set_why(why, "uid: required");
        return SD_E_INVALID;
    }
    memset(&tn, 0, sizeof(tn));
    tn.channel = SD_CH_API;
    tn.category = -1;
    tn.field[SD_F_SUBJECT] = "x";
    tn.field[SD_F_BODY] = "x";
    tn.field[SD_F_CUSTOMER_UID] = in->uid;
    tn.field[SD_F_CUSTOMER_EMAIL] = in->email;
    tn.field[SD_F_CUSTOMER_PHONE] = in->phone;
    err = sd_ticket_check(&tn, &field, &reason);
    if(err != SD_OK) {
        if(field && strcmp(field, "customer_uid") == 0)
            set_why(why, "uid: invalid customer UID");
        else if(field && strcmp(field, "customer_email") == 0)
            set_why(why, "email: invalid email address");
        else
            set_why(why, "phone: invalid phone number");
        return err;
    }
    if(in->lang && in->lang[0] && !sd_lang_canon(in->lang)) {
        set_why(why, "lang: one of zh, zh-Hant, en, ko");
        return SD_E_INVALID;
    }
    if(in->vip_tier < -1 || in->vip_tier > SD_CUSTOMER_MAX_VIP) {
        set_why(why, "vip_tier: 0 (none) to 9");
        return SD_E_INVALID;
    }
    if(in->notes) {
        n = strnlen(in->notes, SD_CUSTOMER_MAX_NOTES + 1);
        if(n > SD_CUSTOMER_MAX_NOTES) {
            set_why(why, "notes: at most 4096 bytes");
            return SD_E_LIMIT;
        }
        if(!sd_text_valid(in->notes, n)) {
            set_why(why, "notes: not valid UTF-8 text");
            return SD_E_INVALID;
        }
    }
    return SD_OK;
}

static void
meta_out(struct sd_customer *out, const struct prof *p)
{
    sd_hex_encode(out->id, p->uid, SD_BIDX_BYTES);
    snprintf(out->lang, sizeof(out->lang), "%s", p->lang);
    out->vip_tier = p->vip_tier;
    out->frozen = p->frozen;
    out->has_notes = p->notes_len > 0;
    out->created_at = p->created_at;
    out->updated_at = p->updated_at;
    memcpy(out->updated_by, p->updated_by, sizeof(out->updated_by));
    out->version = p->version;
}

static sd_err
upsert(struct sd_desk *d, const struct sd_actor *a, const struct sd_customer_in *in, enum sd_op op,
       const char *action, struct sd_customer *out, const char **why)
{
    struct sd_txn *t = NULL;
    struct sd_dkey *dk = NULL;
    struct sd_buf sealed = SD_BUF_INIT;
    struct prof p;
    uint8_t uid[SD_BIDX_BYTES], digest[32];
    uint64_t now = sd_clock_now();
    const char *reason = NULL;
    bool existed;
    sd_err err = SD_OK;
    sd_err rc;

    memset(&p, 0, sizeof(p));
    if(out)
        memset(out, 0, sizeof(*out));
    SD_CHECK_ARG(d);
    SD_TRY(sd_actor_check(a));
    if(!sd_policy_allows(a->roles, op)) {
        reason = op == SD_OP_CUSTOMER_SYNC ? "customer sync is for the back-office service"
                                           : "customer profiles are edited by supervisors";
        SD_ENSURE(0, SD_E_DENIED);
    }
    err = check_in(in, &reason);
    SD_TRY(err);
    SD_TRY(sd_bidx(d->kr, SD_BIDX_UID, in->uid, strlen(in->uid), uid));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    rc = prof_load(t, uid, &p);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    existed = rc == SD_OK;
    if(!existed) {
        memcpy(p.uid, uid, SD_BIDX_BYTES);
        p.lang = "";
        p.created_at = now;
    }
    if(in->email)
        SD_TRY(set_alias(d, t, SD_BIDX_EMAIL, PFX_EMAIL, in->email, uid, &p.has_email, p.email,
                         "email: already the email of another customer", &reason));
    if(in->phone)
        SD_TRY(set_alias(d, t, SD_BIDX_PHONE, PFX_PHONE, in->phone, uid, &p.has_phone, p.phone,
                         "phone: already the phone of another customer", &reason));
    if(in->lang)
        p.lang = in->lang[0] ? sd_lang_canon(in->lang) : "";
    if(in->vip_tier >= 0)
        p.vip_tier = (unsigned)in->vip_tier;
    /* The identifiers, sealed, so a blind-index rotation can re-key the profile: the new
     * email/phone when given, else the ones kept before. */
    rc = sd_keys_customer_dkey(t, d->kr, uid, &dk);
    if(rc == SD_OK) {
        struct sd_buf old = SD_BUF_INIT;
        const char *id[3] = {NULL, NULL, NULL};

        rc = existed ? ids_open(d->kr, t, &p, &old, id) : SD_E_NOTFOUND;
        if(rc == SD_OK || rc == SD_E_NOTFOUND || rc == SD_E_SHREDDED)
            rc = ids_seal(&p, dk, in->uid, in->email ? in->email : id[1],
                          in->phone ? in->phone : id[2]);
        sd_buf_wipe_free(&old);
        SD_TRY(rc);
    } else if(rc != SD_E_SHREDDED) {
        SD_TRY(rc);
    }
    if(in->notes) {
        free(p.notes);
        p.notes = NULL;
        p.notes_len = 0;
        p.data_key_id = 0;
        if(in->notes[0]) {
            if(!dk) {
                reason = "the customer's data was crypto-shredded";
                SD_ENSURE(0, SD_E_SHREDDED);
            }
            SD_TRY(sd_field_seal(&sealed, dk, sd_dkey_id(dk), SD_F_CUSTOMER_NOTES,
                                 (const uint8_t *)in->notes, strlen(in->notes)));
            p.notes_len = sealed.len;
            p.notes = sd_buf_steal(&sealed);
            SD_ENSURE(p.notes, SD_E_NOMEM);
            p.data_key_id = sd_dkey_id(dk);
        }
    }
    p.updated_at = now;
    snprintf(p.updated_by, sizeof(p.updated_by), "%s", a->name);
    p.version++;
    SD_TRY(prof_store(t, &p, digest));
    SD_TRY(audit(d, t, a, action, uid, digest, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(out)
        meta_out(out, &p);
out:
    sd_txn_abort(t);
    sd_dkey_free(dk);
    sd_buf_free(&sealed);
    prof_free(&p);
    sodium_memzero(uid, sizeof(uid));
    if(err != SD_OK && !reason && err == SD_E_INVALID)
        reason = "invalid input";
    set_why(why, err == SD_OK ? NULL : reason);
    return err;
}

sd_err
sd_customers_upsert(struct sd_desk *d, const struct sd_actor *a, const struct sd_customer_in *in,
                    struct sd_customer *out, const char **why)
{
    return upsert(d, a, in, SD_OP_CUSTOMER_EDIT, "customer.upsert", out, why);
}

sd_err
sd_customers_sync(struct sd_desk *d, const struct sd_actor *a, const struct sd_customer_in *in,
                  struct sd_customer *out, const char **why)
{
    return upsert(d, a, in, SD_OP_CUSTOMER_SYNC, "customer.sync", out, why);
}

/* Ticket ids indexed under b into ids (sorted set of at most cap; *more when more). */
static sd_err
add_tickets(struct sd_txn *t, const uint8_t b[SD_BIDX_BYTES], uint64_t *ids, size_t *n, bool *more)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_TRY(sd_cursor_open(t, SD_DB_BY_CUSTOMER, &c));
    k.p = b;
    k.n = SD_BIDX_BYTES;
    for(rc = sd_cursor_get(c, SD_CUR_SET_KEY, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT_DUP, &k, &v)) {
        uint64_t id;
        size_t i;

        SD_ENSURE(v.n == 8, SD_E_STORE);
        id = sd_get_u64be(v.p);
        for(i = 0; i < *n && ids[i] < id; i++)
            ;
        if(i < *n && ids[i] == id)
            continue;
        if(*n == SD_CUSTOMER_MAX_TICKETS) {
            *more = true;
            if(i == *n)
                continue;
            (*n)--; /* keep the lowest ids: drop the greatest */
        }
        memmove(ids + i + 1, ids + i, (*n - i) * sizeof(*ids));
        ids[i] = id;
        (*n)++;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

static sd_err
collect_tickets(struct sd_txn *t, const uint8_t uid[SD_BIDX_BYTES], const struct prof *p,
                uint64_t **ids, size_t *n, bool *more)
{
    sd_err err = SD_OK;

    *ids = malloc(SD_CUSTOMER_MAX_TICKETS * sizeof(**ids));
    SD_ENSURE(*ids, SD_E_NOMEM);
    *n = 0;
    *more = false;
    SD_TRY(add_tickets(t, uid, *ids, n, more));
    if(p && p->has_email)
        SD_TRY(add_tickets(t, p->email, *ids, n, more));
    if(p && p->has_phone)
        SD_TRY(add_tickets(t, p->phone, *ids, n, more));
out:
    if(err != SD_OK || !*n) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return err;
}

static sd_err
may_read(const struct sd_actor *a, const char **reason)
{
    if(sd_policy_allows(a->roles, SD_OP_CUSTOMER_READ))
        return SD_OK;
    *reason = "customer lookups need supervisor, compliance or security_admin";
    return SD_E_DENIED;
}

/* Resolve (kind, value) to the UID blind index a profile is keyed by. */
static sd_err
resolve(struct sd_desk *d, struct sd_txn *t, enum sd_field kind, const char *value,
        uint8_t uid[SD_BIDX_BYTES], const char **reason)
{
    uint8_t b[SD_BIDX_BYTES];
    sd_err err;

    switch(kind) {
    case SD_F_CUSTOMER_UID:
        return sd_bidx(d->kr, SD_BIDX_UID, value, strlen(value), uid);
    case SD_F_CUSTOMER_EMAIL:
    case SD_F_CUSTOMER_PHONE:
        err = sd_bidx(d->kr, kind == SD_F_CUSTOMER_EMAIL ? SD_BIDX_EMAIL : SD_BIDX_PHONE, value,
                      strlen(value), b);
        if(err == SD_OK)
            err = alias_get(t, kind == SD_F_CUSTOMER_EMAIL ? PFX_EMAIL : PFX_PHONE, b, uid);
        sodium_memzero(b, sizeof(b));
        return err;
    default:
        *reason = "kind: uid, email or phone";
        return SD_E_INVALID;
    }
}

sd_err
sd_customers_get(struct sd_desk *d, const struct sd_actor *a, enum sd_field kind, const char *value,
                 bool notes, const char *reason_text, struct sd_customer *out, const char **why)
{
    struct sd_txn *t = NULL;
    struct sd_dkey *dk = NULL;
    struct sd_ticket_new tn;
    struct prof p;
    uint8_t uid[SD_BIDX_BYTES];
    const char *reason = NULL, *field = NULL;
    sd_err err = SD_OK;
    sd_err rc;

    memset(&p, 0, sizeof(p));
    SD_CHECK_ARG(d && out && value);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    SD_TRY(may_read(a, &reason));
    memset(&tn, 0, sizeof(tn));
    tn.channel = SD_CH_API;
    tn.category = -1;
    tn.field[SD_F_SUBJECT] = "x";
    tn.field[SD_F_BODY] = "x";
    if(kind == SD_F_CUSTOMER_UID || kind == SD_F_CUSTOMER_EMAIL || kind == SD_F_CUSTOMER_PHONE)
        tn.field[kind] = value;
    if(!value[0] || sd_ticket_check(&tn, &field, NULL) != SD_OK) {
        reason = kind == SD_F_CUSTOMER_EMAIL   ? "email: invalid email address"
                 : kind == SD_F_CUSTOMER_PHONE ? "phone: invalid phone number"
                                               : "uid: invalid customer UID";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(notes && (!reason_text || sd_text_blank(reason_text, strlen(reason_text)) ||
                 strnlen(reason_text, SD_MAX_REASON + 1) > SD_MAX_REASON ||
                 !sd_text_valid(reason_text, strlen(reason_text)))) {
        reason = "reason: reading a customer's notes needs a reason";
        SD_ENSURE(0, SD_E_INVALID);
    }
    SD_TRY(sd_txn_begin(d->store, true, &t));
    rc = resolve(d, t, kind, value, uid, &reason);
    if(rc == SD_E_NOTFOUND) {
        /* A lookup by an unknown email/phone is still a PII access: audited, then refused. */
        struct sd_audit_rec r = {.actor = a->name,
                                 .action = "customer.read",
                                 .target = "customer:unknown",
                                 .request_id = a->request_id};

        SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
        err = sd_txn_commit(t);
        t = NULL;
        SD_TRY(err);
        reason = "no such customer";
        SD_ENSURE(0, SD_E_NOTFOUND);
    }
    SD_TRY(rc);
    rc = prof_load(t, uid, &p);
    if(rc == SD_E_NOTFOUND) {
        SD_TRY(audit(d, t, a, "customer.read", uid, NULL, NULL));
        err = sd_txn_commit(t);
        t = NULL;
        SD_TRY(err);
        reason = "no such customer";
        SD_ENSURE(0, SD_E_NOTFOUND);
    }
    SD_TRY(rc);
    meta_out(out, &p);
    if(notes && p.notes_len) {
        rc = sd_keys_dkey_open(t, d->kr, p.data_key_id, &dk);
        if(rc == SD_E_SHREDDED)
            out->shredded = true;
        else
            SD_TRY(rc);
        if(dk) {
            SD_TRY(sd_field_open(&out->notes, dk, p.data_key_id, SD_F_CUSTOMER_NOTES, p.notes,
                                 p.notes_len));
            SD_TRY(sd_buf_terminate(&out->notes));
        }
    }
    SD_TRY(collect_tickets(t, uid, &p, &out->tickets, &out->n_tickets, &out->more_tickets));
    SD_TRY(audit(d, t, a, notes ? "customer.unmask" : "customer.read", uid, NULL,
                 notes ? reason_text : NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    sd_dkey_free(dk);
    prof_free(&p);
    sodium_memzero(uid, sizeof(uid));
    if(err != SD_OK && out)
        sd_customer_clear(out);
    set_why(why, err == SD_OK ? NULL : reason);
    return err;
}

sd_err
sd_customers_tickets(struct sd_desk *d, const struct sd_actor *a, const char *uid, uint64_t **ids,
                     size_t *n, bool *more, const char **why)
{
    struct sd_txn *t = NULL;
    struct prof p;
    uint8_t ub[SD_BIDX_BYTES];
    const char *reason = NULL;
    size_t len;
    sd_err err = SD_OK;
    sd_err rc;

    memset(&p, 0, sizeof(p));
    SD_CHECK_ARG(d && ids && n && more && uid);
    *ids = NULL;
    *n = 0;
    *more = false;
    SD_TRY(sd_actor_check(a));
    SD_TRY(may_read(a, &reason));
    len = strnlen(uid, SD_MAX_UID + 1);
    if(!len || len > SD_MAX_UID || !sd_text_valid(uid, len)) {
        reason = "uid: invalid customer UID";
        SD_ENSURE(0, len > SD_MAX_UID ? SD_E_LIMIT : SD_E_INVALID);
    }
    SD_TRY(sd_bidx(d->kr, SD_BIDX_UID, uid, len, ub));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    rc = prof_load(t, ub, &p);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_TRY(collect_tickets(t, ub, rc == SD_OK ? &p : NULL, ids, n, more));
    SD_TRY(audit(d, t, a, "customer.tickets", ub, NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    prof_free(&p);
    if(err != SD_OK && ids) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    set_why(why, err == SD_OK ? NULL : reason);
    return err;
}

sd_err
sd_customers_set_frozen_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                           const uint8_t uid_bidx[SD_BIDX_BYTES], const char *uid, size_t uid_len,
                           bool frozen)
{
    struct sd_dkey *dk = NULL;
    struct prof p;
    uint8_t digest[32];
    uint64_t now = sd_clock_now();
    sd_err err = SD_OK;
    sd_err rc;

    memset(&p, 0, sizeof(p));
    SD_CHECK_ARG(d && t && a && uid_bidx);
    rc = prof_load(t, uid_bidx, &p);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    if(rc == SD_E_NOTFOUND) {
        memcpy(p.uid, uid_bidx, SD_BIDX_BYTES);
        p.lang = "";
        p.created_at = now;
    }
    if(uid && uid_len && uid_len <= SD_MAX_UID && !p.ids_len && !p.has_email && !p.has_phone &&
       memchr(uid, 0, uid_len) == NULL) {
        char u[SD_MAX_UID + 1];

        memcpy(u, uid, uid_len);
        u[uid_len] = 0;
        rc = sd_keys_customer_dkey(t, d->kr, uid_bidx, &dk);
        if(rc == SD_OK)
            rc = ids_seal(&p, dk, u, NULL, NULL);
        sodium_memzero(u, sizeof(u));
        SD_ENSURE(rc == SD_OK || rc == SD_E_SHREDDED, rc); /* shredded: a flag, no identifiers */
    }
    p.frozen = frozen;
    p.updated_at = now;
    snprintf(p.updated_by, sizeof(p.updated_by), "%s", a->name);
    p.version++;
    SD_TRY(prof_store(t, &p, digest));
    SD_TRY(
        audit(d, t, a, frozen ? "customer.frozen" : "customer.unfrozen", uid_bidx, digest, NULL));
out:
    sd_dkey_free(dk);
    prof_free(&p);
    return err;
}

sd_err
sd_customers_defaults_in(struct sd_txn *t, const uint8_t *uid_bidx, const uint8_t *email_bidx,
                         const uint8_t *phone_bidx, bool *found, unsigned *vip_tier,
                         const char **lang)
{
    struct prof p;
    uint8_t uid[SD_BIDX_BYTES];
    bool have = false;
    sd_err err = SD_OK;
    sd_err rc;

    memset(&p, 0, sizeof(p));
    SD_CHECK_ARG(t && found && vip_tier && lang);
    *found = false;
    if(uid_bidx) {
        memcpy(uid, uid_bidx, SD_BIDX_BYTES);
        have = true;
    } else {
        rc = email_bidx ? alias_get(t, PFX_EMAIL, email_bidx, uid) : SD_E_NOTFOUND;
        if(rc == SD_E_NOTFOUND && phone_bidx)
            rc = alias_get(t, PFX_PHONE, phone_bidx, uid);
        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
        have = rc == SD_OK;
    }
    if(!have)
        goto out;
    rc = prof_load(t, uid, &p);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    if(rc == SD_OK) {
        *found = true;
        *vip_tier = p.vip_tier;
        *lang = p.lang;
    }
out:
    prof_free(&p);
    sodium_memzero(uid, sizeof(uid));
    return err;
}

sd_err
sd_customers_delete_in(struct sd_txn *t, const uint8_t uid_bidx[SD_BIDX_BYTES], uint64_t *removed)
{
    struct prof p;
    uint8_t k[1 + SD_BIDX_BYTES];
    sd_err err = SD_OK;
    sd_err rc;

    memset(&p, 0, sizeof(p));
    SD_CHECK_ARG(t && uid_bidx);
    rc = prof_load(t, uid_bidx, &p);
    if(rc == SD_E_NOTFOUND)
        goto out;
    SD_TRY(rc);
    if(p.has_email)
        SD_TRY(alias_del(t, PFX_EMAIL, p.email, removed));
    if(p.has_phone)
        SD_TRY(alias_del(t, PFX_PHONE, p.phone, removed));
    pkey(k, PFX_PROFILE, uid_bidx);
    SD_TRY(sd_txn_del(t, SD_DB_PROFILES, k, sizeof(k), NULL, 0));
    if(removed)
        (*removed)++;
out:
    prof_free(&p);
    return err;
}

sd_err
sd_customers_key_ids_in(struct sd_txn *t, const uint8_t uid_bidx[SD_BIDX_BYTES], uint64_t ids[2],
                        size_t *n)
{
    struct prof p;
    sd_err err = SD_OK;
    sd_err rc;

    memset(&p, 0, sizeof(p));
    SD_CHECK_ARG(t && uid_bidx && ids && n);
    *n = 0;
    rc = prof_load(t, uid_bidx, &p);
    if(rc == SD_E_NOTFOUND)
        goto out;
    SD_TRY(rc);
    if(p.data_key_id)
        ids[(*n)++] = p.data_key_id;
    if(p.ids_key_id && p.ids_key_id != p.data_key_id)
        ids[(*n)++] = p.ids_key_id;
out:
    prof_free(&p);
    return err;
}

/* The UID blind indexes of every profile (keys of 'p' entries), malloc'ed. */
static sd_err
profile_keys(struct sd_txn *t, uint8_t (**out)[SD_BIDX_BYTES], size_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint8_t start = PFX_PROFILE;
    size_t cap = 0;
    sd_err err = SD_OK;
    sd_err rc;

    *out = NULL;
    *n = 0;
    SD_TRY(sd_cursor_open(t, SD_DB_PROFILES, &c));
    k.p = &start;
    k.n = 1;
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        const uint8_t *kp = k.p;

        if(k.n < 1 || kp[0] != PFX_PROFILE)
            break;
        SD_ENSURE(k.n == 1 + SD_BIDX_BYTES, SD_E_STORE);
        if(*n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            uint8_t(*np)[SD_BIDX_BYTES] = realloc(*out, ncap * sizeof(*np));

            SD_ENSURE(np, SD_E_NOMEM);
            *out = np;
            cap = ncap;
        }
        memcpy((*out)[(*n)++], kp + 1, SD_BIDX_BYTES);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    if(err != SD_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return err;
}

/* Move one profile to the blind indexes of its identifiers under the current key. */
static sd_err
rekey_one(struct sd_desk *d, struct sd_txn *t, const uint8_t old[SD_BIDX_BYTES], bool *moved)
{
    struct sd_buf plain = SD_BUF_INIT;
    struct prof p;
    const char *id[3] = {NULL, NULL, NULL};
    uint8_t k[1 + SD_BIDX_BYTES], digest[32], kid[8];
    struct sd_val v;
    sd_err err = SD_OK;
    sd_err rc;

    memset(&p, 0, sizeof(p));
    *moved = false;
    SD_TRY(prof_load(t, old, &p));
    rc = ids_open(d->kr, t, &p, &plain, id);
    if(rc == SD_E_NOTFOUND || rc == SD_E_SHREDDED)
        goto out; /* nothing to re-key by: left as it is */
    SD_TRY(rc);
    pkey(k, PFX_PROFILE, old);
    SD_TRY(sd_txn_del(t, SD_DB_PROFILES, k, sizeof(k), NULL, 0));
    if(p.has_email)
        SD_TRY(alias_del(t, PFX_EMAIL, p.email, NULL));
    if(p.has_phone)
        SD_TRY(alias_del(t, PFX_PHONE, p.phone, NULL));
    SD_TRY(sd_bidx(d->kr, SD_BIDX_UID, id[0], strlen(id[0]), p.uid));
    p.has_email = id[1][0] != 0;
    p.has_phone = id[2][0] != 0;
    if(p.has_email) {
        SD_TRY(sd_bidx(d->kr, SD_BIDX_EMAIL, id[1], strlen(id[1]), p.email));
        pkey(k, PFX_EMAIL, p.email);
        SD_TRY(sd_txn_put(t, SD_DB_PROFILES, k, sizeof(k), p.uid, SD_BIDX_BYTES));
    }
    if(p.has_phone) {
        SD_TRY(sd_bidx(d->kr, SD_BIDX_PHONE, id[2], strlen(id[2]), p.phone));
        pkey(k, PFX_PHONE, p.phone);
        SD_TRY(sd_txn_put(t, SD_DB_PROFILES, k, sizeof(k), p.uid, SD_BIDX_BYTES));
    }
    SD_TRY(prof_store(t, &p, digest));
    /* The customer's data key stays theirs: the map was rebuilt from tickets only. */
    rc = sd_txn_get(t, SD_DB_CUSTOMERS, p.uid, SD_BIDX_BYTES, &v);
    if(rc == SD_E_NOTFOUND) {
        sd_put_u64be(kid, p.ids_key_id);
        rc = sd_txn_put(t, SD_DB_CUSTOMERS, p.uid, SD_BIDX_BYTES, kid, sizeof(kid));
    }
    SD_TRY(rc);
    *moved = true;
out:
    sd_buf_wipe_free(&plain);
    prof_free(&p);
    return err;
}

sd_err
sd_customers_rekey_in(struct sd_desk *d, struct sd_txn *t, uint64_t *rekeyed, uint64_t *kept)
{
    uint8_t(*keys)[SD_BIDX_BYTES] = NULL;
    size_t n = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && t && rekeyed && kept);
    *rekeyed = *kept = 0;
    SD_TRY(profile_keys(t, &keys, &n));
    for(size_t i = 0; i < n; i++) {
        bool moved = false;

        SD_TRY(rekey_one(d, t, keys[i], &moved));
        if(moved)
            (*rekeyed)++;
        else
            (*kept)++;
    }
out:
    free(keys);
    return err;
}
