/* Text for sd_err codes. Neighbours: every module returns these codes; rpc/ maps them to
 * gRPC status names. */
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

const char *
sd_err_name(sd_err err)
{
    switch(err) {
    case SD_OK:
        return "ok";
    case SD_E_INVALID:
        return "invalid";
    case SD_E_NOTFOUND:
        return "not_found";
    case SD_E_DENIED:
        return "denied";
    case SD_E_UNAUTH:
        return "unauthenticated";
    case SD_E_PRECONDITION:
        return "precondition";
    case SD_E_LIMIT:
        return "limit";
    case SD_E_CONFLICT:
        return "conflict";
    case SD_E_CRYPTO:
        return "crypto";
    case SD_E_NOMEM:
        return "nomem";
    case SD_E_IO:
        return "io";
    case SD_E_STORE:
        return "store";
    case SD_E_INTERNAL:
        return "internal";
    case SD_E_EMPTY:
        return "empty";
    case SD_E_SHREDDED:
        return "shredded";
    }
    return "unknown";
}
