/* libFuzzer harness for sd_redact (src/text/redact.c): arbitrary bytes in, and the output must
 * be NUL-terminated, carry every counted marker, and be no longer than the input plus the
 * markers written. Inputs over SD_REDACT_MAX must fail with SD_E_LIMIT and count nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Occurrences of needle in hay[0..n). */
static size_t
count_occurrences(const uint8_t *hay, size_t n, const char *needle)
{
    size_t nl = strlen(needle);
    size_t c = 0;
    size_t i;

    for(i = 0; i + nl <= n; i++) {
        if(memcmp(hay + i, needle, nl) == 0)
            c++;
    }
    return c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct sd_buf out = SD_BUF_INIT;
    struct sd_redact_report rep;
    size_t markers = 0;
    size_t k;
    sd_err err;

    if(!ready) {
        if(sodium_init() < 0)
            abort();
        ready = 1;
    }
    err = sd_redact(&out, (const char *)data, size, &rep);
    if(size > SD_REDACT_MAX) {
        if(err != SD_E_LIMIT || sd_redact_any(&rep) || out.len != 0)
            abort();
        sd_buf_free(&out);
        return 0;
    }
    if(err != SD_OK || !out.data || out.data[out.len] != 0)
        abort();
    for(k = 0; k < SD_REDACT_KIND_COUNT; k++) {
        char marker[64];
        size_t ml;

        ml = strlen("[REDACTED:]") + strlen(sd_redact_kind_name((enum sd_redact_kind)k));
        if(ml >= sizeof(marker))
            abort();
        memcpy(marker, "[REDACTED:", 10);
        memcpy(marker + 10, sd_redact_kind_name((enum sd_redact_kind)k), ml - 11);
        marker[ml - 1] = ']';
        marker[ml] = 0;
        /* The input may contain marker text itself, so at least count[k] occurrences. */
        if(count_occurrences(out.data, out.len, marker) < rep.count[k])
            abort();
        markers += (size_t)rep.count[k] * ml;
    }
    if(out.len > size + markers)
        abort();
    /* Nothing detected means the text is copied byte for byte. */
    if(!sd_redact_any(&rep) && (out.len != size || (size && memcmp(out.data, data, size))))
        abort();
    sd_buf_wipe_free(&out);
    return 0;
}
