/* Private to src/store. */
#ifndef SEALDESK_STORE_INT_H
#define SEALDESK_STORE_INT_H

#include <stdio.h>

#include <lmdb.h>

#include "sealdesk/buf.h"
#include "sealdesk/store.h"

#define SD_MAP_DEFAULT ((size_t)16 << 30)

struct sd_store {
    MDB_env *env;
    MDB_dbi dbi[SD_DB_COUNT];
    bool rdonly;
};

struct sd_txn {
    struct sd_store *s;
    MDB_txn *txn;
    bool write;
    bool child; /* a nested child of this thread's group-commit batch (txn.c) */
};

struct sd_cursor {
    MDB_cursor *cur;
};

/* Fault injection: true when the armed countdown reaches this call. */
bool sd_store_should_fail(void);

#endif
