/* libFuzzer harness for the metrics endpoint's request-line parser (server/metrics.c,
 * sd_metrics_parse_request): any bytes give one of the five answers, and the answer agrees
 * with a second, independent reading of the request line. Build: clang
 * -fsanitize=fuzzer,address,undefined (CMake SD_FUZZ=ON). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *nl;
    enum sd_metrics_req r;
    char *copy;

    if(size > SD_METRICS_MAX_REQUEST)
        size = SD_METRICS_MAX_REQUEST;
    /* An exact-size heap copy: ASan catches any read past the request. */
    copy = malloc(size ? size : 1);
    if(!copy)
        return 0;
    memcpy(copy, p, size);
    r = sd_metrics_parse_request(copy, size);
    nl = memchr(copy, '\n', size);
    if(r > SD_MREQ_NOT_ALLOWED)
        abort();
    if(!nl && r != SD_MREQ_BAD)
        abort(); /* no complete request line: never served */
    if(r == SD_MREQ_GET && (size < 13 || memcmp(copy, "GET /metrics", 12) != 0))
        abort();
    if(r == SD_MREQ_HEAD && (size < 14 || memcmp(copy, "HEAD /metrics", 13) != 0))
        abort();
    free(copy);
    return 0;
}
