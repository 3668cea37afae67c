/* Users: Argon2id password hashes (libsodium crypto_pwhash_str), TOTP secrets sealed like PII
 * under a users data key, lockout after repeated failures, per-user unmask rate limit. Table
 * `users`: name -> UserRecord. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/keystore.h"
#include "sealdesk/text.h"
#include "sealdesk/tz.h"
#include "authz_int.h"
#include "util/err_int.h"

/* Field id of a TOTP secret in the associated data; the "ticket id" slot holds the user id. */
#define FIELD_TOTP        0x30000u
#define TOTP_SECRET_BYTES 20
/* Interactive limits: ~0.1 s and 64 MiB per hash on this hardware; logins stay responsive. */
#define PW_OPS            crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEM            crypto_pwhash_MEMLIMIT_INTERACTIVE

static void
to_user(struct sd_user *u, const Sealdesk__V1__UserRecord *r)
{
    memset(u, 0, sizeof(*u));
    u->id = r->id;
    snprintf(u->name, sizeof(u->name), "%s", r->name);
    u->roles = r->roles & SD_ROLES_USER_MASK;
    u->disabled = r->disabled;
    u->totp = r->totp_secret.len > 0;
    u->failed_logins = r->failed_logins;
    u->locked_until = r->locked_until;
    u->created_at = r->created_at;
    snprintf(u->cert_fingerprint, sizeof(u->cert_fingerprint), "%s", r->cert_fingerprint);
    snprintf(u->created_by, sizeof(u->created_by), "%s", r->created_by ? r->created_by : "");
    snprintf(u->approved_by, sizeof(u->approved_by), "%s", r->approved_by ? r->approved_by : "");
    u->disabled_at = r->disabled_at;
    snprintf(u->locale, sizeof(u->locale), "%s", r->locale ? r->locale : "");
    snprintf(u->time_zone, sizeof(u->time_zone), "%s", r->time_zone ? r->time_zone : "");
}

/* The data key that seals every user's TOTP secret (created on first use). */
static sd_err
users_dkey(struct sd_txn *t, const struct sd_keyring *kr, struct sd_dkey **dk)
{
    uint64_t id;
    sd_err err = sd_meta_get_u64(t, "users_dkey", &id);

    if(err != SD_OK)
        return err;
    if(id)
        return sd_keys_dkey_open(t, kr, id, dk);
    err = sd_keys_customer_dkey(t, kr, NULL, dk);
    if(err == SD_OK)
        err = sd_meta_put_u64(t, "users_dkey", sd_dkey_id(*dk));
    return err;
}

sd_err
sd_user_add(struct sd_txn *t, const struct sd_keyring *kr, const char *name, unsigned roles,
            bool no_totp, const char *cert_fingerprint, char password[SD_PASSWORD_MAX + 1],
            char totp_uri[256])
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    Sealdesk__V1__UserRecord r = SEALDESK__V1__USER_RECORD__INIT;
    char hash[crypto_pwhash_STRBYTES];
    uint8_t secret[TOTP_SECRET_BYTES];
    char b32[64];
    struct sd_buf sealed = SD_BUF_INIT;
    struct sd_dkey *dk = NULL;
    struct sd_val v;
    sd_err err = SD_OK;

    password[0] = 0;
    totp_uri[0] = 0;
    SD_CHECK_ARG(sd_user_name_ok(name));
    SD_CHECK_ARG(roles && !(roles & ~SD_ROLES_USER_MASK));
    SD_CHECK_ARG(!(no_totp && sd_roles_need_totp(roles)));
    SD_CHECK_ARG(!cert_fingerprint || strlen(cert_fingerprint) == 64);
    SD_ENSURE(sd_txn_get(t, SD_DB_USERS, name, strlen(name), &v) == SD_E_NOTFOUND, SD_E_CONFLICT);
    for(int i = 0; i < 20; i++)
        password[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    password[20] = 0;
    SD_ENSURE(crypto_pwhash_str(hash, password, 20, PW_OPS, PW_MEM) == 0, SD_E_NOMEM);
    SD_TRY(sd_meta_next(t, "next_user", &r.id));
    r.name = (char *)name;
    r.roles = roles;
    r.password_hash = hash;
    r.created_at = sd_clock_now();
    r.cert_fingerprint = (char *)(cert_fingerprint ? cert_fingerprint : "");
    if(!no_totp) {
        randombytes_buf(secret, sizeof(secret));
        SD_TRY(users_dkey(t, kr, &dk));
        SD_TRY(sd_field_seal(&sealed, dk, r.id, FIELD_TOTP, secret, sizeof(secret)));
        r.totp_secret.data = sealed.data;
        r.totp_secret.len = sealed.len;
        SD_TRY(sd_base32_encode(b32, sizeof(b32), secret, sizeof(secret)));
        snprintf(totp_uri, 256,
                 "otpauth://totp/sealdesk:%s?secret=%s&issuer=sealdesk&algorithm=SHA1&digits=6"
                 "&period=30",
                 name, b32);
    }
    SD_TRY(sd_urec_store(t, &r));
out:
    if(err != SD_OK) {
        sodium_memzero(password, SD_PASSWORD_MAX + 1);
        sodium_memzero(totp_uri, 256);
    }
    sodium_memzero(secret, sizeof(secret));
    sodium_memzero(b32, sizeof(b32));
    sodium_memzero(hash, sizeof(hash));
    sd_dkey_free(dk);
    sd_buf_free(&sealed);
    return err;
}

sd_err
sd_user_get(struct sd_txn *t, const char *name, struct sd_user *out)
{
    Sealdesk__V1__UserRecord *r = NULL;
    sd_err err = sd_urec_load(t, name, &r);

    if(err == SD_OK)
        to_user(out, r);
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_user_set_disabled(struct sd_txn *t, const char *name, bool disabled)
{
    Sealdesk__V1__UserRecord *r = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_urec_load(t, name, &r));
    r->disabled = disabled;
    if(disabled) {
        sd_urec_end_sessions(r, sd_clock_now());
        r->disabled_at = sd_clock_now();
    }
    SD_TRY(sd_urec_store(t, r));
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_user_set_roles(struct sd_txn *t, const char *name, unsigned roles)
{
    Sealdesk__V1__UserRecord *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(roles && !(roles & ~SD_ROLES_USER_MASK));
    SD_TRY(sd_urec_load(t, name, &r));
    SD_ENSURE(r->totp_secret.len || !sd_roles_need_totp(roles), SD_E_INVALID);
    r->roles = roles;
    SD_TRY(sd_urec_store(t, r));
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_user_reset_totp(struct sd_txn *t, const struct sd_keyring *kr, const char *name,
                   char totp_uri[256])
{
    Sealdesk__V1__UserRecord *r = NULL;
    uint8_t secret[TOTP_SECRET_BYTES];
    char b32[64];
    struct sd_buf sealed = SD_BUF_INIT;
    struct sd_dkey *dk = NULL;
    ProtobufCBinaryData old = {0, NULL};
    sd_err err = SD_OK;

    totp_uri[0] = 0;
    SD_TRY(sd_urec_load(t, name, &r));
    randombytes_buf(secret, sizeof(secret));
    SD_TRY(users_dkey(t, kr, &dk));
    SD_TRY(sd_field_seal(&sealed, dk, r->id, FIELD_TOTP, secret, sizeof(secret)));
    SD_TRY(sd_base32_encode(b32, sizeof(b32), secret, sizeof(secret)));
    snprintf(totp_uri, 256,
             "otpauth://totp/sealdesk:%s?secret=%s&issuer=sealdesk&algorithm=SHA1&digits=6"
             "&period=30",
             r->name, b32);
    old = r->totp_secret;
    r->totp_secret.data = sealed.data;
    r->totp_secret.len = sealed.len;
    r->last_totp_step = 0;
    sd_urec_end_sessions(r, sd_clock_now());
    err = sd_urec_store(t, r);
    r->totp_secret = old; /* borrowed: put the unpacked one back before free_unpacked */
out:
    if(err != SD_OK)
        sodium_memzero(totp_uri, 256);
    sodium_memzero(secret, sizeof(secret));
    sodium_memzero(b32, sizeof(b32));
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    sd_dkey_free(dk);
    sd_buf_free(&sealed);
    return err;
}

sd_err
sd_user_set_creator(struct sd_txn *t, const char *name, const char *created_by,
                    const char *approved_by)
{
    Sealdesk__V1__UserRecord *r = NULL;
    char *old_c, *old_a;
    sd_err err = SD_OK;

    SD_CHECK_ARG(created_by && strlen(created_by) < SD_USER_NAME_MAX + 16 &&
                 (!approved_by || strlen(approved_by) < SD_USER_NAME_MAX + 16));
    SD_TRY(sd_urec_load(t, name, &r));
    old_c = r->created_by;
    old_a = r->approved_by;
    r->created_by = (char *)created_by;
    r->approved_by = (char *)(approved_by ? approved_by : "");
    err = sd_urec_store(t, r);
    r->created_by = old_c; /* borrowed pointers out before free_unpacked */
    r->approved_by = old_a;
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

_Static_assert(SD_USER_TZ_MAX == SD_TZ_NAME_MAX, "a user's zone is any zone name");

sd_err
sd_user_prefs_check(const char *locale, const char *time_zone, const char **field)
{
    static const char *const locales[] = {"en", "zh", "ko"};
    bool locale_ok = false;
    int32_t off;

    if(field)
        *field = "locale";
    for(size_t i = 0; locale && i < sizeof(locales) / sizeof(locales[0]); i++)
        locale_ok = locale_ok || strcmp(locale, locales[i]) == 0;
    if(!locale_ok)
        return SD_E_INVALID;
    if(field)
        *field = "time_zone";
    if(!time_zone)
        return SD_E_INVALID;
    if(time_zone[0] == 0 || strcmp(time_zone, "UTC") == 0)
        return SD_OK;
    /* "UTC+09:00" is sd_tz's own notation, not an IANA name a browser knows */
    if(sd_tz_fixed(time_zone, &off) ||
       sd_tz_offset(time_zone, (int64_t)sd_clock_now(), &off) != SD_OK)
        return SD_E_INVALID;
    return SD_OK;
}

sd_err
sd_user_set_prefs(struct sd_txn *t, const char *name, const char *locale, const char *time_zone,
                  const char **field)
{
    Sealdesk__V1__UserRecord *r = NULL;
    char *old_l, *old_z;
    sd_err err = SD_OK;

    SD_TRY(sd_user_prefs_check(locale, time_zone, field));
    if(field)
        *field = NULL;
    SD_TRY(sd_urec_load(t, name, &r));
    old_l = r->locale;
    old_z = r->time_zone;
    r->locale = (char *)locale;
    r->time_zone = (char *)time_zone;
    err = sd_urec_store(t, r);
    r->locale = old_l; /* borrowed pointers out before free_unpacked */
    r->time_zone = old_z;
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_user_revoke_sessions(struct sd_txn *t, const char *name, uint64_t now)
{
    Sealdesk__V1__UserRecord *r = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_urec_load(t, name, &r));
    sd_urec_end_sessions(r, now);
    SD_TRY(sd_urec_store(t, r));
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_user_list(struct sd_txn *t, struct sd_user **out, size_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    size_t cap = 0;
    sd_err err = SD_OK;
    sd_err rc;

    *out = NULL;
    *n = 0;
    SD_TRY(sd_cursor_open(t, SD_DB_USERS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        Sealdesk__V1__UserRecord *r = sealdesk__v1__user_record__unpack(NULL, v.n, v.p);

        SD_ENSURE(r, SD_E_STORE);
        if(*n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sd_user *p = realloc(*out, ncap * sizeof(*p));

            if(!p) {
                sealdesk__v1__user_record__free_unpacked(r, NULL);
                SD_ENSURE(0, SD_E_NOMEM);
            }
            *out = p;
            cap = ncap;
        }
        to_user(&(*out)[(*n)++], r);
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    }
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
out:
    if(err != SD_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    sd_cursor_close(c);
    return err;
}

sd_err
sd_auth_unmask_charge(struct sd_txn *t, const char *user, uint64_t now)
{
    Sealdesk__V1__UserRecord *r = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_urec_load(t, user, &r));
    if(now >= r->unmask_window_start + 3600) {
        r->unmask_window_start = now;
        r->unmask_count = 0;
    }
    SD_ENSURE(r->unmask_count < SD_UNMASK_PER_HOUR, SD_E_LIMIT);
    r->unmask_count++;
    SD_TRY(sd_urec_store(t, r));
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

/* ---- password change ---- */

/* A real Argon2id string to verify against when the user does not exist, so the time taken
 * does not reveal which names exist. Made once per process. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
    if(crypto_pwhash_str(dummy_hash, "not a password", 14, PW_OPS, PW_MEM) != 0)
        dummy_hash[0] = 0;
}

_Static_assert(SD_PWHASH_BYTES == crypto_pwhash_STRBYTES, "hash string size");

sd_err
sd_password_rules(const char *name, const char *old, const char *pw, const char **why)
{
    size_t n = pw ? strnlen(pw, SD_PASSWORD_MAX + 1) : 0;
    size_t nl = name ? strlen(name) : 0;

    *why = NULL;
    if(n < SD_PASSWORD_MIN || n > SD_PASSWORD_MAX) {
        *why = "new_password: 12 to 128 bytes";
        return SD_E_INVALID;
    }
    for(size_t i = 0; i < n; i++) {
        if((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
            *why = "new_password: no control characters";
            return SD_E_INVALID;
        }
    }
    if(!sd_text_valid(pw, n)) {
        *why = "new_password: not valid UTF-8";
        return SD_E_INVALID;
    }
    for(size_t i = 0; nl && i + nl <= n; i++) {
        if(strncasecmp(pw + i, name, nl) == 0) {
            *why = "new_password: must not contain the user name";
            return SD_E_INVALID;
        }
    }
    if(old && strlen(old) == n && sodium_memcmp(old, pw, n) == 0) {
        *why = "new_password: must differ from the old password";
        return SD_E_INVALID;
    }
    return SD_OK;
}

sd_err
sd_password_hash(char out[SD_PWHASH_BYTES], const char *pw)
{
    return crypto_pwhash_str(out, pw, strlen(pw), PW_OPS, PW_MEM) == 0 ? SD_OK : SD_E_NOMEM;
}

bool
sd_password_verify(const char *hash, const char *pw)
{
    pthread_once(&dummy_once, dummy_init);
    if(!hash || !hash[0]) {
        /* same work as a real check, so timing says nothing */
        bool same = dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw)) == 0;

        (void)same;
        return false;
    }
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

sd_err
sd_user_password_get(struct sd_txn *t, const char *name, char out[SD_PWHASH_BYTES])
{
    Sealdesk__V1__UserRecord *r = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_urec_load(t, name, &r));
    SD_ENSURE(strlen(r->password_hash) < SD_PWHASH_BYTES, SD_E_STORE);
    snprintf(out, SD_PWHASH_BYTES, "%s", r->password_hash);
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_user_password_set(struct sd_txn *t, const char *name, const char *expect_hash,
                     const char *new_hash, uint64_t now)
{
    Sealdesk__V1__UserRecord *r = NULL;
    char *old = NULL;
    size_t n = strlen(expect_hash);
    sd_err err = SD_OK;

    SD_TRY(sd_urec_load(t, name, &r));
    SD_ENSURE(strlen(r->password_hash) == n && sodium_memcmp(r->password_hash, expect_hash, n) == 0,
              SD_E_CONFLICT);
    old = r->password_hash;
    r->password_hash = (char *)new_hash;
    sd_urec_end_sessions(r, now);
    err = sd_urec_store(t, r);
    r->password_hash = old; /* free_unpacked frees what it allocated */
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

/* ---- login and TOTP ---- */

/* Verify a 6-digit code against steps now-1..now+1, each usable once. */
static bool
totp_ok(const uint8_t *secret, size_t n, const char *code, uint64_t now, uint64_t *last_step)
{
    uint64_t step = now / 30;
    bool ok = false;
    uint64_t hit = 0;

    if(!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
        return false;
    for(uint64_t s = step - 1; s <= step + 1; s++) {
        char want[8];

        snprintf(want, sizeof(want), "%06u", sd_totp_code(secret, n, s, 6));
        /* constant-time compare; keep looping so timing does not reveal the step */
        if(sodium_memcmp(want, code, 6) == 0 && s > *last_step && !ok) {
            ok = true;
            hit = s;
        }
        sodium_memzero(want, sizeof(want));
    }
    if(ok)
        *last_step = hit;
    return ok;
}

bool
sd_auth_password_verify(const char *hash, const char *password)
{
    size_t n = password ? strnlen(password, SD_PASSWORD_MAX + 1) : 0;

    if(!hash || !hash[0] || !password || n > SD_PASSWORD_MAX) {
        pthread_once(&dummy_once, dummy_init);
        /* Same work as a real check; the result does not matter: unknown users never log in. */
        if(dummy_hash[0] && password && n <= SD_PASSWORD_MAX &&
           crypto_pwhash_str_verify(dummy_hash, password, n) == 0)
            return false; /* (a match means nothing here) */
        return false;
    }
    return crypto_pwhash_str_verify(hash, password, n) == 0;
}

sd_err
sd_auth_password_hash(struct sd_txn *t, const char *name, char hash[SD_PWHASH_MAX])
{
    Sealdesk__V1__UserRecord *r = NULL;
    sd_err err = SD_OK;

    hash[0] = 0;
    SD_TRY(sd_urec_load(t, name, &r));
    SD_ENSURE(r->password_hash && strlen(r->password_hash) < SD_PWHASH_MAX, SD_E_STORE);
    memcpy(hash, r->password_hash, strlen(r->password_hash) + 1);
out:
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_auth_login_finish(struct sd_txn *t, const struct sd_keyring *kr, const char *name,
                     const char *checked_hash, bool password_ok, const char *totp_code,
                     const char *cert_fingerprint, uint64_t now, char token[SD_TOKEN_HEX + 1],
                     uint64_t *expires_at, enum sd_login_outcome *why)
{
    Sealdesk__V1__UserRecord *r = NULL;
    struct sd_dkey *dk = NULL;
    struct sd_buf secret = SD_BUF_INIT;
    enum sd_login_outcome o = SD_LOGIN_BAD;
    bool good = password_ok;
    bool dirty = false;
    sd_err err = SD_OK;
    sd_err rc;

    token[0] = 0;
    rc = sd_urec_load(t, name, &r);
    if(rc == SD_E_NOTFOUND) {
        o = SD_LOGIN_UNKNOWN;
        SD_ENSURE(0, SD_E_UNAUTH);
    }
    SD_TRY(rc);
    /* The password was checked against this hash outside the txn; if it changed meanwhile the
     * check says nothing about the current password. */
    if(!checked_hash || !r->password_hash || strcmp(checked_hash, r->password_hash) != 0)
        good = false;
    /* A lock that has expired is gone, and so are the failures that set it: otherwise one
     * wrong password per lock period would keep the account locked for ever. */
    if(r->locked_until && r->locked_until <= now) {
        r->locked_until = 0;
        r->failed_logins = 0;
        dirty = true;
    }
    if(r->locked_until > now) {
        /* Locked: the same answer as a bad password, whatever was typed; not counted. */
        o = SD_LOGIN_LOCKED;
        good = false;
    } else if(r->disabled) {
        /* Disabled: never reveal whether the password was right; not counted. */
        o = SD_LOGIN_DISABLED;
        good = false;
    } else {
        if(good && r->totp_secret.len) {
            SD_TRY(users_dkey(t, kr, &dk));
            SD_TRY(sd_field_open(&secret, dk, r->id, FIELD_TOTP, r->totp_secret.data,
                                 r->totp_secret.len));
            good = totp_ok(secret.data, secret.len, totp_code, now, &r->last_totp_step);
        }
        if(good && r->cert_fingerprint[0])
            good = cert_fingerprint && strlen(cert_fingerprint) == 64 &&
                   sodium_memcmp(cert_fingerprint, r->cert_fingerprint, 64) == 0;
        if(!good) {
            r->failed_logins++;
            if(r->failed_logins >= SD_LOGIN_MAX_FAILS)
                r->locked_until = now + SD_LOGIN_LOCK_SECONDS;
            dirty = true;
        }
    }
    if(!good) {
        if(dirty)
            SD_TRY(sd_urec_store(t, r));
        SD_ENSURE(0, SD_E_UNAUTH);
    }
    o = SD_LOGIN_OK;
    r->failed_logins = 0;
    r->locked_until = 0;
    SD_TRY(sd_urec_store(t, r));
    SD_TRY(sd_session_create(t, r->name, cert_fingerprint, now, token, expires_at));
out:
    if(why)
        *why = err == SD_OK ? SD_LOGIN_OK : o;
    sd_buf_wipe_free(&secret);
    sd_dkey_free(dk);
    if(r)
        sealdesk__v1__user_record__free_unpacked(r, NULL);
    return err;
}

sd_err
sd_auth_login(struct sd_txn *t, const struct sd_keyring *kr, const char *name, const char *password,
              const char *totp_code, const char *cert_fingerprint, uint64_t now,
              char token[SD_TOKEN_HEX + 1], uint64_t *expires_at)
{
    char hash[SD_PWHASH_MAX];
    bool good;
    sd_err err = SD_OK;
    sd_err rc;

    token[0] = 0;
    SD_CHECK_ARG(password && strnlen(password, SD_PASSWORD_MAX + 1) <= SD_PASSWORD_MAX);
    rc = sd_auth_password_hash(t, name, hash);
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    good = sd_auth_password_verify(rc == SD_OK ? hash : NULL, password);
    SD_ENSURE(rc == SD_OK, SD_E_UNAUTH);
    SD_TRY(sd_auth_login_finish(t, kr, name, hash, good, totp_code, cert_fingerprint, now, token,
                                expires_at, NULL));
out:
    sodium_memzero(hash, sizeof(hash));
    return err;
}
