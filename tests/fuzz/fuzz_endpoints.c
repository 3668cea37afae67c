/* libFuzzer harness for src/client/endpoints.c (issue 18): the input is split at its first
 * NUL byte into a --server list and a follower's UNAVAILABLE message. An accepted list gives
 * 1..SD_ENDPOINTS_MAX NUL-terminated "host:port" endpoints with a port 1..65535; a leader hint
 * is a NUL-terminated endpoint that fits the buffer; following never leaves target empty. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/endpoints.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_endpoint(const char *ep, size_t cap)
{
    size_t len = strnlen(ep, cap);
    const char *colon;
    long port;

    if(len == cap || len == 0)
        abort();
    colon = strrchr(ep, ':');
    if(!colon || colon == ep)
        abort();
    port = strtol(colon + 1, NULL, 10);
    if(port < 1 || port > 65535)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 2), why[96], hint[32];
    const char *msg;
    struct sd_endpoints e;
    struct sd_follow f;

    if(!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    s[size + 1] = 0;
    msg = s + strlen(s) + 1; /* "" when the input has no NUL */
    if(sd_endpoints_parse(&e, s, "--server", why, sizeof(why)) == SD_OK) {
        if(e.n == 0 || e.n > SD_ENDPOINTS_MAX)
            abort();
        for(size_t i = 0; i < e.n; i++)
            check_endpoint(e.ep[i], sizeof(e.ep[i]));
        sd_follow_init(&f, &e);
        for(size_t i = 0; i < 2 * SD_ENDPOINTS_MAX; i++) {
            (void)sd_follow_next(&f, (i & 1) ? msg : NULL);
            check_endpoint(f.target, sizeof(f.target));
        }
    } else if(e.n != 0 || strnlen(why, sizeof(why)) == 0 || strncmp(why, "--server: ", 10)) {
        abort();
    }
    if(sd_endpoints_leader_hint(msg, hint, sizeof(hint)))
        check_endpoint(hint, sizeof(hint));
    free(s);
    return 0;
}
