/* Desk-level audit operations that need the keyring: export with a fresh checkpoint, and the
 * audited search compliance and auditors use to read the log by actor, ticket, kind and time. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/keystore.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

_Static_assert(SD_AUDIT_FIELD_MAX == SD_AUDIT_TEXT_MAX, "hit fields hold any stored text");
_Static_assert(SD_MAX_REASON == SD_AUDIT_REASON_MAX, "hit reason holds any stored reason");

sd_err
sd_desk_audit_export(struct sd_desk *d, const struct sd_actor *a, const char *path, uint64_t from,
                     uint64_t *n)
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
    r = (struct sd_audit_rec){
        .actor = a->name, .action = "audit.export", .target = "audit", .request_id = a->request_id};
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
    r = (struct sd_audit_rec){
        .actor = a->name, .action = "audit.export", .target = "audit", .request_id = a->request_id};
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
    r = (struct sd_audit_rec){.actor = a->name,
                              .action = "audit.checkpoint",
                              .target = "audit",
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

sd_err
sd_desk_audit_pks(struct sd_desk *d, uint8_t current[32], uint8_t first[32])
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && current && first);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_keys_audit_pk(t, current));
    SD_TRY(sd_keys_audit_pk_at(t, 0, first));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_desk_audit_handoffs(struct sd_desk *d, struct sd_checkpoint *out, size_t *n)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out && n);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_audit_handoffs(t, out, SD_MAX_AUDIT_KEY_VERSIONS, n));
out:
    sd_txn_abort(t);
    return err;
}

/* A filter string: absent, or valid text within max bytes. */
static bool
filter_ok(const char *s, size_t max)
{
    size_t n;

    if(!s)
        return true;
    n = strnlen(s, max + 1);
    return n <= max && sd_text_valid(s, n);
}

static bool
kind_matches(const char *kind, const char *action)
{
    size_t n = strlen(kind);

    if(n >= 2 && kind[n - 2] == '.' && kind[n - 1] == '*')
        return strncmp(action, kind, n - 1) == 0;
    if(strcmp(action, kind) == 0)
        return true;
    /* a family name alone: "ticket" matches "ticket.read" */
    return !strchr(kind, '.') && strncmp(action, kind, n) == 0 && action[n] == '.';
}

/* "ticket=<id>" as a whole token of reason (incident links, remedies name tickets so). */
static bool
reason_names_ticket(const char *reason, const char *tok)
{
    size_t n = strlen(tok);

    for(const char *p = strstr(reason, tok); p; p = strstr(p + 1, tok)) {
        if((p == reason || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
            return true;
    }
    return false;
}

static bool
entry_matches(const struct sd_audit_query *q, const Sealdesk__V1__AuditEntry *e, const char *target,
              const char *tok)
{
    if(q->actor && q->actor[0] && strcmp(e->actor, q->actor) != 0)
        return false;
    if(q->kind && q->kind[0] && !kind_matches(q->kind, e->action))
        return false;
    if(q->since && e->time < q->since)
        return false;
    if(q->until && e->time >= q->until)
        return false;
    if(q->ticket && strcmp(e->target, target) != 0 && !reason_names_ticket(e->reason, tok))
        return false;
    return true;
}

static void
copy_field(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* The search's filters as its audit reason (names, ids and times only: no PII). */
static void
search_reason(char *out, size_t cap, const struct sd_audit_query *q, size_t limit)
{
    char since[32] = "", until[32] = "";

    sd_time_format(since, sizeof(since), q->since);
    sd_time_format(until, sizeof(until), q->until);
    snprintf(
        out, cap,
        "actor=%.64s kind=%.64s ticket=%" PRIu64 " since=%s until=%s from=%" PRIu64 " limit=%zu",
        q->actor ? q->actor : "", q->kind ? q->kind : "", q->ticket, since, until, q->from, limit);
}

sd_err
sd_desk_audit_search(struct sd_desk *d, const struct sd_actor *a, const struct sd_audit_query *q,
                     struct sd_audit_hit **out, size_t *n, uint64_t *next, bool *more)
{
    Sealdesk__V1__AuditEntry *e = NULL;
    struct sd_audit_hit *hits = NULL;
    struct sd_audit_rec r;
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint8_t start[8];
    char target[32], tok[40], reason[SD_AUDIT_REASON_MAX + 1];
    size_t limit, cnt = 0, scanned = 0;
    uint64_t at;
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(d && q && out && n && next && more);
    *out = NULL;
    *n = 0;
    *more = false;
    *next = q->from;
    SD_TRY(sd_actor_check(a));
    SD_CHECK_ARG(filter_ok(q->actor, SD_MAX_AGENT) && filter_ok(q->kind, SD_AUDIT_TEXT_MAX));
    SD_CHECK_ARG(!q->since || !q->until || q->since < q->until);
    SD_CHECK_ARG(q->limit <= SD_AUDIT_SEARCH_MAX);
    limit = q->limit ? q->limit : SD_AUDIT_SEARCH_DEFAULT;
    hits = calloc(limit, sizeof(*hits));
    SD_ENSURE(hits, SD_E_NOMEM);
    snprintf(target, sizeof(target), "t%" PRIu64, q->ticket);
    snprintf(tok, sizeof(tok), "ticket=%" PRIu64, q->ticket);
    /* The scan reads no PII and runs in a read txn, so the writer is not held; the entry
     * that records the search is appended afterwards, and nothing is returned without it. */
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_AUDIT, &c));
    sd_put_u64be(start, q->from);
    k.p = start;
    k.n = sizeof(start);
    at = q->from;
    for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(k.n == 8, SD_E_STORE);
        at = sd_get_u64be(k.p);
        if(cnt == limit || scanned == SD_AUDIT_SEARCH_SCAN) {
            *more = true;
            break;
        }
        scanned++;
        e = sealdesk__v1__audit_entry__unpack(NULL, v.n, v.p);
        SD_ENSURE(e, SD_E_STORE);
        if(entry_matches(q, e, target, tok)) {
            struct sd_audit_hit *h = &hits[cnt++];

            h->index = e->index;
            h->time = e->time;
            copy_field(h->actor, sizeof(h->actor), e->actor);
            copy_field(h->action, sizeof(h->action), e->action);
            copy_field(h->target, sizeof(h->target), e->target);
            copy_field(h->request_id, sizeof(h->request_id), e->request_id);
            copy_field(h->reason, sizeof(h->reason), e->reason);
            SD_ENSURE(v.n <= sizeof(h->leaf), SD_E_STORE);
            memcpy(h->leaf, v.p, v.n);
            h->leaf_len = v.n;
        }
        sealdesk__v1__audit_entry__free_unpacked(e, NULL);
        e = NULL;
        at++;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    sd_cursor_close(c);
    c = NULL;
    sd_txn_abort(t);
    t = NULL;

    search_reason(reason, sizeof(reason), q, limit);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    r = (struct sd_audit_rec){.actor = a->name,
                              .action = "audit.search",
                              .target = "audit",
                              .request_id = a->request_id,
                              .reason = reason};
    SD_TRY(sd_audit_append(t, d->kr, &r, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    *next = at;
    *n = cnt;
    if(cnt) {
        *out = hits;
        hits = NULL;
    }
out:
    if(e)
        sealdesk__v1__audit_entry__free_unpacked(e, NULL);
    free(hits);
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}
