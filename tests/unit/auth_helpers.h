/* Helpers shared by the unit tests that log people in (test_authz.c, test_access.c,
 * test_rpc.c): the local operator, users with their password and TOTP URI, and a login with
 * the code their authenticator shows. */
#ifndef SD_TEST_AUTH_HELPERS_H
#define SD_TEST_AUTH_HELPERS_H

#include "test_helpers.h"

#include "sealdesk/access.h"
#include "sealdesk/authz.h"

static const struct sd_actor sys = {"admin", NULL, SD_ROLE_SYSTEM};

/* TOTP code for user `uri` at time now (what the user's authenticator shows). */
static inline void
totp_now(char out[7], const char *uri, uint64_t now, int offset)
{
    const char *s = strstr(uri, "secret=");
    char b32[64];
    uint8_t key[40];
    size_t n = 0, len;

    assert_non_null(s);
    s += 7;
    len = strcspn(s, "&");
    memcpy(b32, s, len);
    b32[len] = 0;
    assert_int_equal(sd_base32_decode(key, sizeof(key), &n, b32), SD_OK);
    snprintf(out, 7, "%06u", sd_totp_code(key, n, (uint64_t)((int64_t)(now / 30) + offset), 6));
}

struct user {
    char password[129];
    char uri[256];
};

static inline void
add_user(struct fixture *f, const char *name, unsigned roles, struct user *u)
{
    assert_int_equal(sd_access_user_add(f->d, &sys, name, roles, !sd_roles_need_totp(roles), NULL,
                                        u->password, u->uri),
                     SD_OK);
}

static inline sd_err
login(struct fixture *f, const char *name, const struct user *u, int offset, char token[65])
{
    char code[7] = "";
    uint64_t exp;
    unsigned roles;

    if(u->uri[0])
        totp_now(code, u->uri, sd_clock_now(), offset);
    return sd_access_login(f->d, name, u->password, code, NULL, NULL, token, &exp, &roles);
}

#endif
