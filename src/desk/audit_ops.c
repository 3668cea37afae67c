/* Desk-level audit operations that need the keyring: export with a fresh checkpoint. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "desk_int.h"
#include "sealdesk/keystore.h"
#include "util/err_int.h"

sd_err
sd_desk_audit_export(struct sd_desk *d, const struct sd_actor *a, const char *path,
                     uint64_t from, uint64_t *n)
{
    struct sd_audit_rec r;
    struct sd_txn *t = NULL;
    FILE *f = NULL;
    int fd = -1;
    bool created = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && path);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    /* Checkpoints on both sides of the export's own entry: every entry of the file, the last
     * one included, lies between two signed roots one entry apart or is pinned by the chain. */
    SD_TRY(sd_audit_checkpoint(t, d->kr, NULL));
    r = (struct sd_audit_rec){.actor = a->name, .action = "audit.export", .target = "audit",
                              .request_id = a->request_id};
    SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
    SD_TRY(sd_audit_checkpoint(t, d->kr, NULL));
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    SD_ENSURE(fd >= 0, errno == EEXIST ? SD_E_CONFLICT : SD_E_IO);
    created = true;
    f = fdopen(fd, "wb");
    SD_ENSURE(f, SD_E_IO);
    fd = -1;
    SD_TRY(sd_audit_export(t, f, from, n));
    SD_ENSURE(fsync(fileno(f)) == 0, SD_E_IO);
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(f && fclose(f) != 0 && err == SD_OK)
        err = SD_E_IO;
    if(fd >= 0)
        close(fd);
    if(err != SD_OK && created)
        unlink(path); /* no half-written export next to a rolled-back txn */
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_audit_pk(struct sd_desk *d, uint8_t pk[32])
{
    struct sd_txn *t = NULL;
    sd_err err;

    err = sd_txn_begin(d->store, false, &t);
    if(err != SD_OK)
        return err;
    err = sd_keys_audit_pk(t, pk);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_audit_export_mem(struct sd_desk *d, const struct sd_actor *a, uint64_t from,
                         struct sd_buf *out)
{
    struct sd_audit_rec r;
    struct sd_txn *t = NULL;
    char *mem = NULL;
    size_t memlen = 0;
    FILE *f = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_audit_checkpoint(t, d->kr, NULL));
    r = (struct sd_audit_rec){.actor = a->name, .action = "audit.export", .target = "audit",
                              .request_id = a->request_id};
    SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
    SD_TRY(sd_audit_checkpoint(t, d->kr, NULL));
    f = open_memstream(&mem, &memlen);
    SD_ENSURE(f, SD_E_NOMEM);
    SD_TRY(sd_audit_export(t, f, from, NULL));
    {
        /* fclose releases f even when it fails: forget it before checking, so `out` cannot
         * close it a second time. */
        int rc = fclose(f);

        f = NULL;
        SD_ENSURE(rc == 0, SD_E_NOMEM);
    }
    SD_TRY(sd_buf_append(out, mem, memlen));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(f)
        (void)fclose(f); /* already failing: the export is discarded */
    free(mem);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_audit_checkpoint(struct sd_desk *d, const struct sd_actor *a, bool fresh,
                         struct sd_checkpoint *out)
{
    struct sd_txn *t = NULL;
    struct sd_audit_rec r;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    if(!fresh) {
        SD_TRY(sd_txn_begin(d->store, false, &t));
        SD_TRY(sd_audit_latest_checkpoint(t, out));
        goto out;
    }
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    r = (struct sd_audit_rec){.actor = a->name, .action = "audit.checkpoint", .target = "audit",
                              .request_id = a->request_id};
    SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
    SD_TRY(sd_audit_checkpoint(t, d->kr, out));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_audit_inclusion(struct sd_desk *d, uint64_t index, uint64_t *size, uint8_t (*proof)[32],
                        size_t *np, uint8_t leaf[32], uint8_t root[32])
{
    struct sd_txn *t = NULL;
    uint64_t n;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && size && proof && np);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_audit_size(t, &n));
    if(*size == 0)
        *size = n;
    SD_TRY(sd_audit_inclusion_proof(t, index, *size, proof, np, leaf));
    SD_TRY(sd_audit_root(t, *size, root));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_audit_consistency(struct sd_desk *d, uint64_t m, uint64_t *n, uint8_t (*proof)[32],
                          size_t *np, uint8_t root_m[32], uint8_t root_n[32])
{
    struct sd_txn *t = NULL;
    uint64_t size;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && n && proof && np);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_audit_size(t, &size));
    if(*n == 0)
        *n = size;
    SD_TRY(sd_audit_consistency_proof(t, m, *n, proof, np));
    SD_TRY(sd_audit_root(t, m, root_m));
    SD_TRY(sd_audit_root(t, *n, root_n));
out:
    sd_txn_abort(t);
    return err;
}
