/* Cluster (issue 18): several sealdeskd nodes, each with its own LMDB, share one fenced commit
 * log in etcd. One node leads (an etcd lease holds the `leader` key); before any top-level
 * write txn of its store commits, the commit hook appends the txn's write set (wset.h) to the
 * log with one etcd Txn that holds only while the log head and the leader key are unchanged,
 * then stores the log position (applied_seq) in the same LMDB txn. Followers refuse writes,
 * apply the log in order (one LMDB txn per entry), recompute the audit root and stop loudly
 * when it differs from the leader's. Keys under /sealdesk/<cluster_name>/: `leader`, `head`,
 * `log/<seq, 20 digits>`, `applied/<node_name>` (bound to the node's lease).
 * Trim: the leader, at most every trim_s seconds, reads every `applied/<node>` and deletes the
 * log entries all of them applied one period ago and now (one DeleteRange, fenced; the last
 * entry always stays), then compacts etcd at that revision. A node that is down longer than its lease no longer holds
 * the log back; when it returns and its next entry is gone it stops (exit 3) and must rejoin
 * from a peer's copy. */
#ifndef SEALDESK_CLUSTER_H
#define SEALDESK_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"
#include "sealdesk/etcd.h"
#include "sealdesk/store.h"

#define SD_CLUSTER_ENTRY_MAX   ((size_t)1 << 20) /* one log entry, header and MAC included */
#define SD_CLUSTER_ENTRY_HDR   (4 + 1 + 8 + 8 + 32 + 4)
#define SD_CLUSTER_ENTRY_MAC   32  /* SD_CLOG_MAC_BYTES, after the write set */
#define SD_CLUSTER_ENTRY_VER   2   /* 1: no MAC (refused since) */
#define SD_CLUSTER_NAME_MAX    64  /* cluster_name, node_name: [A-Za-z0-9._-] */
#define SD_CLUSTER_URL_MAX     256 /* advertise */
#define SD_CLUSTER_DEFAULT_TTL 3   /* lease seconds */
#define SD_CLUSTER_TRIM_DEF    10  /* cluster_trim_seconds */
#define SD_CLUSTER_PATH_MAX    255 /* test_append_hold_file */
#define SD_CLUSTER_TRIM_MAX    86400
#define SD_CLUSTER_HOLD_MAX    60000 /* ms: test_append_hold_file holds at most */

/* A decoded log entry: ws borrows the decoded buffer. */
struct sd_cluster_entry {
    uint64_t seq, tree_size;
    uint8_t root[32];
    const uint8_t *ws;
    size_t wlen;
};

struct sd_keyring;

/* entry = "SDLE", u8 version 2, u64 seq, u64 tree_size, root[32], u32 wlen, write set, mac[32]
 * (big-endian). mac = sd_clog_mac (crypto.h: BLAKE2b-256 under the cluster log MAC key derived
 * from the master key) over the cluster name and every byte before it, from the magic to the
 * end of the write set: seq, root and every record are authenticated, and an entry of another
 * cluster, or moved to another seq, never checks.
 * seal: encodes and MACs; *out malloc'd (caller frees), SD_E_LIMIT over SD_CLUSTER_ENTRY_MAX.
 * open: what a follower calls: checks the MAC BEFORE it parses anything, then decodes.
 *   SD_E_CRYPTO: MAC mismatch (tampered, another cluster, another master key);
 *   SD_E_PRECONDITION: a format-1 entry, which has no MAC (refused: no downgrade);
 *   SD_E_INVALID: too short or long for an entry, or (MAC correct) a malformed one.
 * decode: the parser alone (the MAC bytes are not checked; for open and the fuzz harness):
 *   SD_E_INVALID for a bad magic, version or length, or seq 0. */
sd_err sd_cluster_entry_seal(const struct sd_keyring *kr, const char *cluster,
                             const struct sd_cluster_entry *e, uint8_t **out, size_t *n);
sd_err sd_cluster_entry_open(const struct sd_keyring *kr, const char *cluster,
                             struct sd_cluster_entry *e, const uint8_t *p, size_t n);
sd_err sd_cluster_entry_decode(struct sd_cluster_entry *e, const uint8_t *p, size_t n);

struct sd_cluster_opts {
    const char *cluster_name; /* default "sealdesk" */
    const char *node_name;    /* required, unique in the cluster */
    const char *advertise;    /* this node's client URL ("host:port"), for the leader hint */
    struct sd_etcd_opts etcd; /* endpoints, ca, cert, key (each thread opens its own) */
    /* required: the desk's keyring (its cluster log MAC key seals and checks every entry);
     * borrowed, must outlive the cluster */
    const struct sd_keyring *keyring;
    unsigned ttl_s;  /* lease ttl, 0 = SD_CLUSTER_DEFAULT_TTL (keepalive every ttl/3) */
    unsigned trim_s; /* leader trims the log at most this often, 0 = SD_CLUSTER_TRIM_DEF */
    /* Called once (from a cluster thread) when the node must stop: divergence (an entry's MAC
     * does not check, an entry has no MAC, the log's root differs from the one recomputed
     * here), or its next log entry was trimmed. The reason is logged. */
    void (*on_fatal)(void *arg);
    void *fatal_arg;
    /* Test hook: while this file exists, the leader's commit hook holds a batch after it
     * checked its lease and before the fenced append (a batch in flight when the process is
     * paused), at most SD_CLUSTER_HOLD_MAX; NULL in production (sealdeskd:
     * environment SEALDESK_TEST_APPEND_HOLD_FILE). Copied; at most SD_CLUSTER_PATH_MAX bytes. */
    const char *test_append_hold_file;
};

struct sd_cluster;
/* Installs the commit hook on s (the store must outlive the cluster) and starts the lease and
 * apply threads: the node starts as a follower, catches up and campaigns. SD_E_INVALID naming
 * the bad option in the log (node_name, cluster_name, advertise, keyring, etcd_*). */
sd_err sd_cluster_start(struct sd_cluster **out, struct sd_store *s,
                        const struct sd_cluster_opts *o);
/* True while this node holds the lease, has applied the whole log and takes writes. */
bool sd_cluster_is_leader(struct sd_cluster *c);
/* "leader=<node_name> <url>" as last read from etcd, or "leader=unknown". */
void sd_cluster_leader_hint(struct sd_cluster *c, char *buf, size_t cap);
/* True after a divergence (or a log trimmed past this node's applied seq) stopped it. */
bool sd_cluster_failed(struct sd_cluster *c);
/* The last seq applied (or appended) by this node. */
uint64_t sd_cluster_applied(struct sd_cluster *c);
/* Steps down, stops the threads, removes the hook, revokes the lease. NULL is a no-op. */
void sd_cluster_stop(struct sd_cluster *c);

#endif
