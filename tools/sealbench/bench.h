/* sealbench internals shared by main.c, load.c, ceiling.c and verify.c. */
#ifndef SEALBENCH_BENCH_H
#define SEALBENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SB_MAX_CONNS   256
#define SB_MAX_STREAMS 100
#define SB_MAX_SECONDS 3600
#define SB_BODY_BYTES  1024

enum sb_op {
    SB_CREATE,
    SB_GET,
    SB_CLAIM,
    SB_LIST,
    SB_NOPS
};

struct sb_load_opts {
    const char *target; /* 127.0.0.1:PORT only */
    const char *ca_file;
    const char *token; /* session token (agent role) */
    unsigned conns, streams, seconds;
    unsigned mix[SB_NOPS]; /* weights */
    unsigned prefill;      /* Creates before the timed run (targets for Get) */
    long server_pid;       /* 0: no CPU/RSS figures */
    const char *acked;     /* file: one "id nonce" line per acknowledged Create */
    bool json;
};

struct sb_load_result {
    uint64_t ok[SB_NOPS], failed[SB_NOPS], empty[SB_NOPS];
    double ops_per_s[SB_NOPS], p50_ms[SB_NOPS], p99_ms[SB_NOPS], p999_ms[SB_NOPS];
    double total_ops_per_s, elapsed_s;
    double server_cpu_s; /* -1 when unknown */
    long server_rss_kib; /* -1 when unknown */
};

struct sb_ceiling {
    double txn1_per_s;  /* (a) one 1 KiB put per durable txn */
    double txn64_per_s; /* (b) txns/s with 64 puts each */
    double put64_per_s; /* (b) puts/s */
    double fsync_per_s; /* (c) 4 KiB append + fdatasync */
};

/* Run the load; 0 on success (figures in *r), 1 on a setup failure (reason on stderr). */
int sb_load(const struct sb_load_opts *o, struct sb_load_result *r);
void sb_load_print(FILE *f, const struct sb_load_opts *o, const struct sb_load_result *r);
/* Measure the disk under dir (a scratch subdirectory is made and removed). 0 or 1. */
int sb_ceiling(const char *dir, unsigned seconds, struct sb_ceiling *c);
/* The subject a Create with this nonce carries (letters only: triage/redaction leave it). */
void sb_nonce_subject(char *out, size_t cap, uint64_t nonce);
/* Offline checks after a crash: acked file against the data dir. 0 ok, 1 failed. */
int sb_verify(const char *data, const char *acked, bool json);

const char *sb_op_name(enum sb_op op);

#endif
