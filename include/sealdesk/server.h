/* sealdesk server runtime: listener, epoll event loop, worker threads, limits, graceful
 * shutdown. It serves any sd_rpc_handler_fn; sealdeskd passes sd_rpc_dispatch and a desk. */
#ifndef SEALDESK_SERVER_H
#define SEALDESK_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "sealdesk/err.h"
#include "sealdesk/rpc.h"

struct sd_srv_config {
    char listen[128];          /* "127.0.0.1:7443"; port 0 picks a free port */
    char cert_file[1024];      /* server certificate chain, PEM */
    char key_file[1024];       /* its private key, PEM */
    char client_ca_file[1024]; /* mTLS: CA for client certificates ("" = no mTLS) */
    bool require_client_cert;  /* refuse clients without a valid certificate */
    unsigned workers;          /* worker threads for store work (default 4) */
    unsigned max_conns;        /* concurrent connections (default 1024) */
    unsigned idle_timeout_ms;  /* close idle connections (default SD_RPC_IDLE_TIMEOUT_MS) */
    char data[1024];           /* data dir (used by sealdeskd, not by the runtime) */
    char key_path[1024];       /* master key file (sealdeskd) */
};

/* Defaults, then `key = value` lines from path (# comments). SD_E_INVALID with *line set for a
 * bad line; unknown keys are errors. */
void sd_srv_config_defaults(struct sd_srv_config *c);
sd_err sd_srv_config_load(struct sd_srv_config *c, const char *path, unsigned *line);
/* Set one key (used for flags and the file alike). */
sd_err sd_srv_config_set(struct sd_srv_config *c, const char *key, const char *value);

struct sd_server;
/* Bind and listen. Refuses (SD_E_DENIED) a non-loopback address unless client certificates are
 * required. SD_E_CRYPTO for unusable cert/key, SD_E_IO when the address cannot be bound. */
sd_err sd_server_new(struct sd_server **out, const struct sd_srv_config *c,
                     sd_rpc_handler_fn handler, void *app);
/* The bound port (useful with port 0). */
int sd_server_port(const struct sd_server *s);
/* Serve until sd_server_stop: then stop accepting, finish in-flight calls, return. */
sd_err sd_server_run(struct sd_server *s);
/* Async-signal-safe. */
void sd_server_stop(struct sd_server *s);
void sd_server_free(struct sd_server *s);

#endif
