/* The `users` table: one UserRecord (protobuf) per user name. Storage only, below both the
 * user operations (users.c) and the sessions (session.c), which each need it. */
#include <stdbool.h>
#include <string.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/authz.h"
#include "authz_int.h"
#include "util/err_int.h"

#define USER_REC_MAX 4096

bool
sd_user_name_ok(const char *s)
{
    size_t n = s ? strnlen(s, SD_USER_NAME_MAX + 1) : 0;

    if(n == 0 || n > SD_USER_NAME_MAX)
        return false;
    for(size_t i = 0; i < n; i++) {
        char c = s[i];

        if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '-' || c == '@'))
            return false;
    }
    return true;
}

sd_err
sd_urec_load(struct sd_txn *t, const char *name, Sealdesk__V1__UserRecord **out)
{
    struct sd_val v;
    sd_err err;

    if(!sd_user_name_ok(name))
        return SD_E_NOTFOUND;
    err = sd_txn_get(t, SD_DB_USERS, name, strlen(name), &v);
    if(err != SD_OK)
        return err;
    *out = sealdesk__v1__user_record__unpack(NULL, v.n, v.p);
    return *out ? SD_OK : SD_E_STORE;
}

sd_err
sd_urec_store(struct sd_txn *t, const Sealdesk__V1__UserRecord *r)
{
    uint8_t buf[USER_REC_MAX];
    size_t n = sealdesk__v1__user_record__get_packed_size(r);

    if(n > sizeof(buf))
        return SD_E_LIMIT;
    sealdesk__v1__user_record__pack(r, buf);
    return sd_txn_put(t, SD_DB_USERS, r->name, strlen(r->name), buf, n);
}

void
sd_urec_end_sessions(Sealdesk__V1__UserRecord *r, uint64_t now)
{
    r->session_epoch++;
    r->sessions_valid_after = now + 1; /* whole seconds: sessions of this second die too */
}
