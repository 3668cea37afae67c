/* sealdesk desk context: one open data directory (store, keyring, triage rules) that every
 * desk operation runs against (tickets.h, queue.h, sla.h, stats.h, access.h, desk_audit.h and
 * the kb, routing, remedy, incident and key-operation headers). Every mutating call and every
 * PII read is one write txn that also appends its audit entry.
 *
 * A struct sd_desk may be used from several threads at once; each call opens its own txn. */
#ifndef SEALDESK_DESK_H
#define SEALDESK_DESK_H

#include <stdbool.h>
#include <stddef.h>

#include "sealdesk/err.h"

struct sd_desk;
struct sd_store;
struct sd_triage_result;
struct sd_triage_rules;

struct sd_desk_opts {
    const char *dir;        /* data directory (created 0700 by init) */
    const char *key_file;   /* master key file; NULL: "<dir>/master.key" */
    const char *rules_file; /* triage rules; NULL: "<dir>/triage.rules" if present, else the
                               built-in default */
    size_t map_bytes;       /* 0: default */
    bool exclusive;         /* one thread uses this desk (offline tools): a shred purges the
                               store file at once (store.h sd_store_purge) instead of at the
                               next open. Never for sealdeskd's shared desk. */
};

/* Create a new store with fresh keys (master key file created 0600 if absent).
 * SD_E_CONFLICT if the store is already initialised. */
sd_err sd_desk_init(const struct sd_desk_opts *o);
/* Open an initialised store. SD_E_NOTFOUND: no store; SD_E_CRYPTO: wrong master key;
 * SD_E_PRECONDITION: newer schema. Free with sd_desk_close. */
sd_err sd_desk_open(struct sd_desk **out, const struct sd_desk_opts *o);
void sd_desk_close(struct sd_desk *d);
/* The desk's store (for read txns of tools and metrics, and group-commit batches); owned by
 * the desk, valid until sd_desk_close. */
struct sd_store *sd_desk_store(struct sd_desk *d);

/* Triage rules for data dir `dir`: <dir>/triage.rules when present, else the built-in
 * default (also when dir is NULL). Caller frees with sd_triage_rules_free. */
sd_err sd_desk_rules_load(struct sd_triage_rules **out, const char *dir);
/* Triage text without storing anything (uses the desk's rules). */
sd_err sd_desk_triage(struct sd_desk *d, const char *text, size_t n, bool vip,
                      struct sd_triage_result *out);

/* Key memory under load: keep long-lived keys readable until idle for grace_ms (0: re-protect
 * at once, the default), and re-protect the idle ones when sd_desk_keys_idle is called. */
void sd_desk_set_key_grace(struct sd_desk *d, unsigned grace_ms);
void sd_desk_keys_idle(struct sd_desk *d);

#endif
