/* Text for sd_err codes. Neighbours: every module returns these codes; rpc/ maps them to
 * gRPC status names. */
#include "sealdesk/enum.h"
#include "sealdesk/err.h"

const char *
sd_err_str(sd_err err)
{
    switch(err) {
    case SD_OK:
        return "ok";
    case SD_E_INVALID:
        return "invalid argument";
    case SD_E_NOTFOUND:
        return "not found";
    case SD_E_DENIED:
        return "permission denied";
    case SD_E_UNAUTH:
        return "unauthenticated";
    case SD_E_PRECONDITION:
        return "failed precondition";
    case SD_E_LIMIT:
        return "limit exceeded";
    case SD_E_CONFLICT:
        return "conflict";
    case SD_E_CRYPTO:
        return "integrity check failed (tampered data or wrong key)";
    case SD_E_NOMEM:
        return "out of memory";
    case SD_E_IO:
        return "i/o error";
    case SD_E_STORE:
        return "store error";
    case SD_E_INTERNAL:
        return "internal error";
    case SD_E_EMPTY:
        return "empty";
    case SD_E_SHREDDED:
        return "data erased (crypto-shredded)";
    }
    return "unknown error";
}

static const char *const err_names[] = {
    [SD_OK] = "ok",
    [SD_E_INVALID] = "invalid",
    [SD_E_NOTFOUND] = "not_found",
    [SD_E_DENIED] = "denied",
    [SD_E_UNAUTH] = "unauthenticated",
    [SD_E_PRECONDITION] = "precondition",
    [SD_E_LIMIT] = "limit",
    [SD_E_CONFLICT] = "conflict",
    [SD_E_CRYPTO] = "crypto",
    [SD_E_NOMEM] = "nomem",
    [SD_E_IO] = "io",
    [SD_E_STORE] = "store",
    [SD_E_INTERNAL] = "internal",
    [SD_E_EMPTY] = "empty",
    [SD_E_SHREDDED] = "shredded",
};
_Static_assert(SD_ENUM_N(err_names) == SD_E_SHREDDED + 1, "a name for every sd_err");

const char *
sd_err_name(sd_err err)
{
    return sd_enum_name(err_names, SD_ENUM_N(err_names), (int)err);
}
