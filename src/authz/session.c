/* Sessions: 256-bit random tokens handed to the client once; the `sessions` table is keyed by
 * SHA-256 of the token, so a copy of the store yields no usable token. Absolute expiry 8 h,
 * idle expiry 30 min, revocation per user (the user's session_epoch), optional binding to the mTLS
 * client certificate the session was opened with. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "authz_int.h"
#include "util/err_int.h"

#define SESSION_REC_MAX 1024
#define TOUCH_EVERY     60

static sd_err
token_key(uint8_t key[32], const char *token)
{
    uint8_t raw[SD_TOKEN_BYTES];
    size_t n = token ? strnlen(token, SD_TOKEN_HEX + 1) : 0;

    if(n != SD_TOKEN_HEX || sd_hex_decode(raw, sizeof(raw), token, n) != SD_OK)
        return SD_E_UNAUTH;
    sd_sha256(key, raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
    return SD_OK;
}

static sd_err
put_session(struct sd_txn *t, const uint8_t key[32], const Sealdesk__V1__SessionRecord *s)
{
    uint8_t buf[SESSION_REC_MAX];
    size_t n = sealdesk__v1__session_record__get_packed_size(s);

    if(n > sizeof(buf))
        return SD_E_LIMIT;
    sealdesk__v1__session_record__pack(s, buf);
    return sd_txn_put(t, SD_DB_SESSIONS, key, 32, buf, n);
}

sd_err
sd_session_create(struct sd_txn *t, const char *user, const char *cert_fingerprint, uint64_t now,
                  char token[SD_TOKEN_HEX + 1], uint64_t *expires_at)
{
    Sealdesk__V1__SessionRecord s = SEALDESK__V1__SESSION_RECORD__INIT;
    Sealdesk__V1__UserRecord *u = NULL;
    uint8_t raw[SD_TOKEN_BYTES], key[32];
    sd_err err;

    err = sd_urec_load(t, user, &u);
    if(err != SD_OK)
        return err;
    s.user_epoch = u->session_epoch;
    sealdesk__v1__user_record__free_unpacked(u, NULL);
    randombytes_buf(raw, sizeof(raw));
    sd_sha256(key, raw, sizeof(raw));
    s.user = (char *)user;
    s.created_at = now;
    s.expires_at = now + SD_SESSION_TTL;
    s.last_seen = now;
    s.cert_fingerprint = (char *)(cert_fingerprint ? cert_fingerprint : "");
    err = put_session(t, key, &s);
    if(err == SD_OK) {
        sd_hex_encode(token, raw, sizeof(raw));
        *expires_at = s.expires_at;
    }
    sodium_memzero(raw, sizeof(raw));
    return err;
}

sd_err
sd_auth_check(struct sd_txn *t, const char *token, const char *cert_fingerprint, uint64_t now,
              struct sd_session *out)
{
    Sealdesk__V1__SessionRecord *s = NULL;
    Sealdesk__V1__UserRecord *u = NULL;
    uint8_t key[32];
    struct sd_val v;
    sd_err err = SD_OK;

    SD_TRY(token_key(key, token));
    SD_ENSURE(sd_txn_get(t, SD_DB_SESSIONS, key, sizeof(key), &v) == SD_OK, SD_E_UNAUTH);
    s = sealdesk__v1__session_record__unpack(NULL, v.n, v.p);
    SD_ENSURE(s, SD_E_STORE);
    SD_ENSURE(now < s->expires_at && now <= s->last_seen + SD_SESSION_IDLE, SD_E_UNAUTH);
    if(s->cert_fingerprint[0])
        SD_ENSURE(cert_fingerprint && strlen(cert_fingerprint) == 64 &&
                      sodium_memcmp(cert_fingerprint, s->cert_fingerprint, 64) == 0,
                  SD_E_UNAUTH);
    SD_ENSURE(sd_urec_load(t, s->user, &u) == SD_OK, SD_E_UNAUTH);
    SD_ENSURE(!u->disabled && s->user_epoch == u->session_epoch, SD_E_UNAUTH);
    /* A session from before epochs existed (epoch 0 on both sides) still obeys the old
     * whole-second revocation time. */
    SD_ENSURE(s->user_epoch > 0 || s->created_at >= u->sessions_valid_after, SD_E_UNAUTH);
    memset(out, 0, sizeof(*out));
    snprintf(out->user, sizeof(out->user), "%s", u->name);
    out->roles = u->roles & SD_ROLES_USER_MASK;
    out->expires_at = s->expires_at;
    out->last_seen = s->last_seen;
out:
    if(s)
        sealdesk__v1__session_record__free_unpacked(s, NULL);
    if(u)
        sealdesk__v1__user_record__free_unpacked(u, NULL);
    return err;
}

sd_err
sd_auth_touch(struct sd_txn *t, const char *token, uint64_t now)
{
    Sealdesk__V1__SessionRecord *s = NULL;
    uint8_t key[32];
    struct sd_val v;
    sd_err err = SD_OK;

    SD_TRY(token_key(key, token));
    SD_ENSURE(sd_txn_get(t, SD_DB_SESSIONS, key, sizeof(key), &v) == SD_OK, SD_E_UNAUTH);
    s = sealdesk__v1__session_record__unpack(NULL, v.n, v.p);
    SD_ENSURE(s, SD_E_STORE);
    if(now >= s->last_seen + TOUCH_EVERY) {
        s->last_seen = now;
        SD_TRY(put_session(t, key, s));
    }
out:
    if(s)
        sealdesk__v1__session_record__free_unpacked(s, NULL);
    return err;
}

sd_err
sd_auth_logout(struct sd_txn *t, const char *token)
{
    uint8_t key[32];
    sd_err err = token_key(key, token);

    if(err != SD_OK)
        return err;
    err = sd_txn_del(t, SD_DB_SESSIONS, key, sizeof(key), NULL, 0);
    return err == SD_E_NOTFOUND ? SD_E_UNAUTH : err;
}

sd_err
sd_session_purge_all(struct sd_txn *t, uint64_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    *n = 0;
    SD_TRY(sd_cursor_open(t, SD_DB_SESSIONS, &c));
    /* Always the first pair: deleting while walking forward is then trivially correct. */
    while((rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v)) == SD_OK) {
        SD_TRY(sd_cursor_del(c));
        (*n)++;
    }
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}
