/* Desk-level audit operations that need the keyring: export with a fresh checkpoint. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
