/* libFuzzer harness for etcd/endpoints.c: the input is an etcd endpoint list option
 * ("https://h1:2379,https://h2:2379"). Accepted lists must give 1..7 NUL-terminated
 * "host:port" targets of bounded length, each ending in a port 1..65535, never read past size
 * (the input is not NUL-terminated). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etcd/etcd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[SD_ETCD_MAX_ENDPOINTS][SD_ETCD_MAX_TARGET + 1];
    size_t n = 0;

    if(sd_etcd_parse_endpoints((const char *)data, size, out, &n) != SD_OK)
        return 0;
    if(n == 0 || n > SD_ETCD_MAX_ENDPOINTS)
        abort();
    for(size_t i = 0; i < n; i++) {
        size_t len = strnlen(out[i], sizeof(out[i]));
        const char *colon = strrchr(out[i], ':');
        long port;

        if(len == sizeof(out[i]) || !colon || colon == out[i])
            abort();
        port = strtol(colon + 1, NULL, 10);
        if(port < 1 || port > 65535)
            abort();
    }
    return 0;
}
