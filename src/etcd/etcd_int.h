/* src/etcd private: the endpoint list parser (also the fuzz harness's entry point). */
#ifndef SD_ETCD_INT_H
#define SD_ETCD_INT_H
#include <stddef.h>

#include "sealdesk/err.h"

#define SD_ETCD_MAX_ENDPOINTS     7
#define SD_ETCD_MAX_TARGET        300  /* "host:port" as sd_grpc_client takes it */
#define SD_ETCD_MAX_ENDPOINTS_LEN 2400 /* the whole option */

/* Parses len bytes of "https://h1:2379,https://h2:2379" (1..SD_ETCD_MAX_ENDPOINTS items, no
 * blanks; host a name of [A-Za-z0-9.-], an IPv4 address or a bracketed IPv6 address; port
 * 1..65535; an optional trailing "/") into NUL-terminated "host:port" targets. SD_E_INVALID
 * for anything else (out and *n are then unspecified), never reads past len. */
sd_err sd_etcd_parse_endpoints(const char *s, size_t len,
                               char out[SD_ETCD_MAX_ENDPOINTS][SD_ETCD_MAX_TARGET + 1], size_t *n);

#endif
