/* sealctl backup / restore: a consistent, compacting LMDB copy (mdb_env_copy2 under one read
 * txn, so safe while sealdeskd writes) of the data dir, then the audit log of the copy is
 * verified. Only data.mdb is written: PII in it is ciphertext, keys in it are wrapped, and the
 * master key file is never copied (keep it apart from backups). The copy runs in a forked
 * child with its own LMDB environment, because this process already has the desk open and
 * LMDB forbids opening one environment twice in a process. A restore ends every session in
 * the restored store (one audited txn) and says so. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/audit.h"
#include "sealdesk/authz.h"
#include "sealdesk/desk.h"
#include "sealdesk/store.h"

/* In the child: copy from -> to, verify the copy's audit log. Exit code = sd_err. */
static int
child_copy(const char *from, const char *to)
{
    struct sd_store *s = NULL;
    struct sd_audit_verifier *v = NULL;
    char path[4096];
    sd_err err;

    err = sd_store_open(&s, from, SD_STORE_RDONLY, 0);
    if(err == SD_OK)
        err = sd_store_copy(s, to);
    sd_store_close(s);
    s = NULL;
    if(err == SD_OK && (size_t)snprintf(path, sizeof(path), "%s/data.mdb", to) < sizeof(path) &&
       chmod(path, 0600) != 0)
        err = SD_E_IO; /* the copy is created under the umask: owner-only, like the store */
    if(err == SD_OK)
        err = sd_store_open(&s, to, SD_STORE_RDONLY, 0);
    if(err == SD_OK) {
        v = calloc(1, sizeof(*v));
        err = v ? sd_audit_verify_store(v, s, NULL, NULL) : SD_E_NOMEM;
    }
    sd_store_close(s);
    free(v);
    return (int)err;
}

/* Fork, copy, wait. SD_E_CONFLICT when `to` already holds a store. */
static sd_err
copy_store(const char *from, const char *to)
{
    char path[4096];
    struct stat st;
    pid_t pid;
    int status = 0;

    if((size_t)snprintf(path, sizeof(path), "%s/data.mdb", to) >= sizeof(path))
        return SD_E_INVALID;
    if(stat(path, &st) == 0)
        return SD_E_CONFLICT;
    if(mkdir(to, 0700) != 0 && errno != EEXIST)
        return SD_E_IO;
    (void)fflush(NULL); /* the child _exits: only orders output */
    pid = fork();
    if(pid < 0)
        return SD_E_NOMEM;
    if(pid == 0)
        _exit(child_copy(from, to));
    while(waitpid(pid, &status, 0) < 0) {
        if(errno != EINTR)
            return SD_E_INTERNAL;
    }
    if(!WIFEXITED(status))
        return SD_E_INTERNAL;
    if(WEXITSTATUS(status) != SD_OK)
        unlink(path); /* never leave a half or unverified copy behind */
    return (sd_err)WEXITSTATUS(status);
}

/* A restored store starts with no session at all: a backup holds sessions that were valid
 * when it was taken, some revoked since, and the store cannot tell which (issue 13). */
static int
end_sessions(struct cli *c, const char *to, const struct sd_actor *a, uint64_t *n)
{
    struct cli at = *c;
    struct sd_desk *d = NULL;
    int rc;
    sd_err err;

    at.data = to;
    rc = cli_open_desk(&at, &d);
    if(rc)
        return rc;
    err = sd_access_sessions_invalidate(d, a, "restore", n);
    sd_desk_close(d);
    if(err != SD_OK)
        return cli_fail(err, "restore: invalidate the sessions of the restored store");
    return 0;
}

static int
emit(struct cli *c, const char *dir, bool restore, uint64_t sessions)
{
    char path[4096];
    struct stat st;
    json_t *j = json_object();

    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    json_object_set_new(j, "dir", json_string(dir));
    json_object_set_new(j, "bytes", json_integer(stat(path, &st) == 0 ? st.st_size : -1));
    json_object_set_new(j, "audit", json_string("verified"));
    json_object_set_new(j, "master_key", json_string("not included"));
    if(restore) {
        json_object_set_new(j, "sessions_invalidated", json_integer((json_int_t)sessions));
        json_object_set_new(j, "note",
                            json_string("every session ended: everyone logs in "
                                        "again"));
    }
    return cli_emit(c, j);
}

static int
run(struct cli *c, const char *data, bool restore)
{
    struct sd_actor a = {c->actor, NULL, SD_ROLE_SYSTEM};
    uint64_t sessions = 0;
    const char *to;
    int rc;
    sd_err err;

    if(c->n_pos)
        return cli_usage(restore ? "restore --to NEW_DATA_DIR (from the backup given as --data)"
                                 : "backup --out DIR");
    to = cli_get(c, restore ? "to" : "out");
    if(!to || !data)
        return cli_usage(restore ? "restore needs --data BACKUP_DIR and --to NEW_DATA_DIR"
                                 : "backup needs --data DIR and --out DIR");
    err = copy_store(data, to);
    if(err == SD_E_CONFLICT)
        return cli_fail(err, restore ? "restore: the target already holds a store"
                                     : "backup: the output dir already holds a store");
    if(err == SD_E_CRYPTO)
        return cli_fail(err, "backup: the copy's audit log does not verify");
    if(err != SD_OK)
        return cli_fail(err, restore ? "restore" : "backup");
    if(restore) {
        rc = end_sessions(c, to, &a, &sessions);
        if(rc) {
            char path[4096];

            /* never leave a restored store whose old sessions still work */
            snprintf(path, sizeof(path), "%s/data.mdb", to);
            unlink(path);
            snprintf(path, sizeof(path), "%s/lock.mdb", to);
            unlink(path);
            return rc;
        }
    }
    return emit(c, to, restore, sessions);
}

/* backup and restore, offline or online: the same copy of the data dir (a server does not
 * stream its store; the copy is consistent while the server writes). */
int
cmd_backup_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                   char **argv)
{
    (void)d, (void)a, (void)argc, (void)argv;
    return run(c, c->data, strcmp(c->cmd->name, "restore") == 0);
}

int
cmd_backup_online(struct cli *c, int argc, char **argv)
{
    return cmd_backup_offline(c, NULL, NULL, argc, argv);
}
