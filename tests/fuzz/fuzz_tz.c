/* libFuzzer harness for util/tz.c: the input is read as a TZif file (header, transition
 * blocks, the POSIX TZ rule footer) and asked for the offset at a few moments, including past
 * the last transition where the footer rule applies. Offsets must stay within +-26 h. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sealdesk/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t at[] = {INT64_MIN / 2, -1,           0, 1711846800, 1798761600,
                                 2366841600,    INT64_MAX / 2};
    int32_t off;

    for(size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        if(sd_tz_parse_offset(data, size, at[i], &off) != SD_OK)
            return 0;
        if(off < -26 * 3600 || off > 26 * 3600)
            abort();
    }
    return 0;
}
