/* The three helper macros of STYLE.md section 4. A function that uses them declares
 * `sd_err err = SD_OK;` and has exactly one `out:` label. */
#ifndef SEALDESK_ERR_INT_H
#define SEALDESK_ERR_INT_H

#include "sealdesk/err.h"

#define SD_TRY(expr)     \
    do {                 \
        err = (expr);    \
        if(err != SD_OK) \
            goto out;    \
    } while(0)

#define SD_ENSURE(cond, code) \
    do {                      \
        if(!(cond)) {         \
            err = (code);     \
            goto out;         \
        }                     \
    } while(0)

#define SD_CHECK_ARG(cond) SD_ENSURE(cond, SD_E_INVALID)

#endif
