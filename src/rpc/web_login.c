/* Auth/Login over gRPC-Web (issue #16): the session token leaves in an HttpOnly cookie, never
 * in the reply, so the console's JavaScript never sees it. h2.c calls this on a Login reply
 * of a gRPC-Web stream before framing it; the native gRPC reply is untouched. */
#include <string.h>

#include <sodium.h>

#include "rpc/rpc_int.h"
#include "sealdesk.pb-c.h"
#include "sealdesk/authz.h"
#include "sealdesk/web.h"
#include "util/err_int.h"

sd_err
sd_rpc_web_login_reply(struct sd_rpc_call *c, char *cookie, size_t cap)
{
    sd_err err = SD_OK;
    Sealdesk__V1__LoginResponse *r = NULL;
    struct sd_buf packed = SD_BUF_INIT;
    size_t n;

    SD_CHECK_ARG(c && cookie && cap);
    cookie[0] = 0;
    SD_ENSURE(c->n_msgs == 1, SD_E_INTERNAL);
    r = sealdesk__v1__login_response__unpack(NULL, c->msgs[0].len, c->msgs[0].data);
    SD_ENSURE(r, SD_E_INTERNAL);
    SD_ENSURE(r->token && r->token[0], SD_E_INTERNAL);
    SD_TRY(sd_web_set_cookie(cookie, cap, r->token, SD_SESSION_TTL));
    /* The reply keeps user, roles and expires_at; its token field is sent empty. */
    sodium_memzero(r->token, strlen(r->token));
    r->token[0] = 0;
    n = sealdesk__v1__login_response__get_packed_size(r);
    SD_TRY(sd_buf_reserve(&packed, n ? n : 1));
    packed.len = sealdesk__v1__login_response__pack(r, packed.data);
    SD_ENSURE(packed.len == n, SD_E_INTERNAL);
    /* Swap the wiped old message for the new one. */
    sd_buf_wipe_free(&c->msgs[0]);
    c->msgs[0] = packed;
    packed = (struct sd_buf)SD_BUF_INIT;
out:
    if(err != SD_OK)
        sodium_memzero(cookie, cap);
    if(r) {
        if(r->token)
            sodium_memzero(r->token, strlen(r->token));
        sealdesk__v1__login_response__free_unpacked(r, NULL);
    }
    sd_buf_wipe_free(&packed);
    return err;
}
