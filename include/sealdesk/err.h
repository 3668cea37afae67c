/* sealdesk error codes: one enum for the whole library.
 *
 * Every fallible function returns sd_err, SD_OK == 0, and passes results through
 * out-parameters. The codes are few on purpose so rpc/ maps them 1:1 to gRPC status. */
#ifndef SEALDESK_ERR_H
#define SEALDESK_ERR_H

typedef enum sd_err {
    SD_OK = 0,
    SD_E_INVALID,      /* bad argument or malformed input   -> INVALID_ARGUMENT */
    SD_E_NOTFOUND,     /* no such object                    -> NOT_FOUND */
    SD_E_DENIED,       /* not allowed for this caller       -> PERMISSION_DENIED */
    SD_E_UNAUTH,       /* no or bad credentials             -> UNAUTHENTICATED */
    SD_E_PRECONDITION, /* object not in a state that allows it -> FAILED_PRECONDITION */
    SD_E_LIMIT,        /* size, rate or quota exceeded      -> RESOURCE_EXHAUSTED */
    SD_E_CONFLICT,     /* already exists / already done     -> ALREADY_EXISTS */
    SD_E_CRYPTO,       /* decryption or verification failed -> DATA_LOSS */
    SD_E_NOMEM,        /* allocation failed                 -> RESOURCE_EXHAUSTED */
    SD_E_IO,           /* file system error                 -> UNAVAILABLE */
    SD_E_STORE,        /* LMDB error or corrupt store       -> INTERNAL */
    SD_E_INTERNAL,     /* broken invariant                  -> INTERNAL */
    SD_E_EMPTY,        /* nothing to return (queue empty)   -> NOT_FOUND */
    SD_E_SHREDDED,     /* data key erased (crypto-shredded) -> FAILED_PRECONDITION */
} sd_err;

/* Static, never NULL, never contains user data. */
const char *sd_err_str(sd_err err);

/* Stable lower-case name ("invalid", "not_found", ...), for JSON output. */
const char *sd_err_name(sd_err err);

#endif
