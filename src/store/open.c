/* Opening and closing a store handle: the shared flock on data.mdb that every handle holds,
 * and, for the first handle, finishing a purge (purge.c) a crash interrupted or a shred left
 * pending. The LMDB environment itself is env.c's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"
#include "util/err_int.h"

sd_err
sd_store_open(struct sd_store **out, const char *dir, unsigned flags, size_t map_bytes)
{
    struct sd_store *s = NULL;
    bool create = flags & SD_STORE_CREATE;
    bool rdonly = flags & SD_STORE_RDONLY;
    char path[4096];
    struct stat st;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && dir && !(create && rdonly));
    SD_ENSURE((size_t)snprintf(path, sizeof(path), "%s/data.mdb", dir) < sizeof(path),
              SD_E_INVALID);
    if(!create && stat(path, &st) != 0)
        return SD_E_NOTFOUND;
    s = calloc(1, sizeof(*s));
    SD_ENSURE(s, SD_E_NOMEM);
    s->lock_fd = -1;
    SD_TRY(sd_store_gate_init(s));
    s->dir = strdup(dir);
    SD_ENSURE(s->dir, SD_E_NOMEM);
    s->map_bytes = map_bytes ? map_bytes : SD_MAP_DEFAULT;
    s->rdonly = rdonly;
    s->create = create;
    /* Every handle holds a shared flock on data.mdb (an empty file is a new environment to
     * LMDB); the physical purge after a shred (purge.c) needs it exclusive. The first opener
     * finishes a purge a crash interrupted, or one a shred left pending. */
    s->lock_fd = open(path, (rdonly ? O_RDONLY : O_RDWR | O_CREAT) | O_CLOEXEC, 0600);
    SD_ENSURE(s->lock_fd >= 0, errno == ENOENT ? SD_E_NOTFOUND : SD_E_IO);
    if(flock(s->lock_fd, LOCK_EX | LOCK_NB) == 0) {
        SD_ENSURE((size_t)snprintf(path, sizeof(path), "%s/purge.mdb", dir) < sizeof(path),
                  SD_E_INVALID);
        /* A read-only opener cannot finish an interrupted purge (data.mdb may be half
         * written): the next writable open does. */
        SD_ENSURE(!rdonly || stat(path, &st) != 0, SD_E_PRECONDITION);
        SD_TRY(sd_store_purge_recover(s));
        SD_ENSURE(flock(s->lock_fd, LOCK_SH) == 0, SD_E_IO);
    } else {
        SD_ENSURE(flock(s->lock_fd, LOCK_SH) == 0, SD_E_IO);
    }
    if(!s->env)
        SD_TRY(sd_store_env_open(s));
    *out = s;
    s = NULL;
out:
    sd_store_close(s);
    return err;
}

void
sd_store_close(struct sd_store *s)
{
    if(!s)
        return;
    sd_store_env_close(s);
    if(s->lock_fd >= 0)
        close(s->lock_fd); /* drops the flock */
    sd_store_gate_destroy(s);
    free(s->dir);
    free(s);
}
