/* Desk-level key operations (keyops.h): each wraps the keystore primitives of store/keystore.c
 * in one write txn with its audit entry. Shredding also walks tickets and blind indexes (it
 * needs ticket records, hence the desk layer) and scrubs freed pages after it commits; rewrap
 * keeps its resume point in meta ("rewrap_target", "rewrap_next") in each batch's txn. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "tickets/desk_int.h"
#include "ops_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/desk.h"
#include "sealdesk/customers.h"
#include "sealdesk/events.h"
#include "sealdesk/keyops.h"
#include "sealdesk/learn.h"
#include "sealdesk/log.h"
#include "sealdesk/search.h"
#include "sealdesk/text.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"
#include "util/err_int.h"

#define SHRED_MAX_TICKETS 100000
#define SHRED_MAX_KEYS    4096

const struct sd_keyring *
sd_keyops_keyring(struct sd_desk *d)
{
    return d ? d->kr : NULL;
}

static sd_err
audit_key(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const char *action,
          const char *target, const uint8_t *digest, const char *reason)
{
    struct sd_audit_rec r;

    r.actor = a->name;
    r.action = action;
    r.target = target;
    r.request_id = a->request_id;
    r.reason = reason;
    r.digest = digest;
    return sd_audit_append(t, d->kr, &r, NULL);
}

sd_err
sd_keyops_passphrase_read(const char *path, char **out, size_t *n)
{
    struct stat st;
    char *p = NULL;
    size_t got;
    FILE *f = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(path && out && n);
    *out = NULL;
    f = fopen(path, "rbe");
    SD_ENSURE(f, errno == ENOENT ? SD_E_NOTFOUND : SD_E_IO);
    SD_ENSURE(fstat(fileno(f), &st) == 0, SD_E_IO);
    SD_ENSURE(S_ISREG(st.st_mode), SD_E_INVALID);
    SD_ENSURE((st.st_mode & 077) == 0, SD_E_DENIED);
    p = sodium_malloc(SD_PASSPHRASE_MAX + 2);
    SD_ENSURE(p, SD_E_NOMEM);
    got = fread(p, 1, SD_PASSPHRASE_MAX + 1, f);
    SD_ENSURE(!ferror(f), SD_E_IO);
    p[got] = 0;
    got = strcspn(p, "\r\n");
    SD_ENSURE(got <= SD_PASSPHRASE_MAX, SD_E_LIMIT);
    SD_ENSURE(got > 0, SD_E_INVALID);
    p[got] = 0;
    *out = p;
    *n = got;
    p = NULL;
out:
    if(f)
        (void)fclose(f); /* read-only: nothing to flush */
    sd_keyops_passphrase_free(p);
    return err;
}

void
sd_keyops_passphrase_free(char *p)
{
    if(p)
        sodium_free(p); /* wipes before it unmaps */
}

sd_err
sd_keyops_desk_open_passphrase_file(struct sd_desk **out, const struct sd_desk_opts *o,
                                    const char *path)
{
    char *pass = NULL;
    size_t n = 0;
    sd_err err = SD_OK;

    SD_TRY(sd_keyops_passphrase_read(path, &pass, &n));
    SD_TRY(sd_keyops_desk_open_passphrase(out, o, pass, n));
out:
    sd_keyops_passphrase_free(pass);
    return err;
}

sd_err
sd_keyops_desk_open_passphrase(struct sd_desk **out, const struct sd_desk_opts *o, const char *pass,
                               size_t n)
{
    uint8_t master[SD_KEY_BYTES], salt[SD_PWHASH_SALT_BYTES];
    struct sd_desk *d = NULL;
    struct sd_txn *t = NULL;
    struct sd_val v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(out && o && o->dir && pass);
    d = calloc(1, sizeof(*d));
    SD_ENSURE(d, SD_E_NOMEM);
    SD_TRY(sd_store_open(&d->store, o->dir, 0, o->map_bytes));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    rc = sd_meta_get(t, "master_salt", &v);
    SD_ENSURE(rc != SD_E_NOTFOUND, SD_E_PRECONDITION);
    SD_TRY(rc);
    SD_ENSURE(v.n == sizeof(salt), SD_E_STORE);
    memcpy(salt, v.p, sizeof(salt));
    SD_TRY(sd_master_key_passphrase(master, pass, n, salt));
    SD_TRY(sd_keyring_new(&d->kr, master));
    SD_TRY(sd_keys_load(t, d->kr));
    if(o->rules_file) /* as sd_desk_open: a named rules file must load (it was ignored) */
        SD_TRY(sd_triage_rules_load_file(&d->rules, o->rules_file, NULL));
    else
        SD_TRY(sd_desk_rules_load(&d->rules, o->dir));
    sd_ops_wire(d);
    *out = d;
    d = NULL;
out:
    sodium_memzero(master, sizeof(master));
    sd_txn_abort(t);
    sd_desk_close(d);
    return err;
}

sd_err
sd_keyops_rotate(struct sd_desk *d, const struct sd_actor *a, uint32_t *version)
{
    struct sd_txn *t = NULL;
    char target[32];
    uint32_t created = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && version);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_keys_kek_rotate(t, d->kr, version));
    created = *version;
    snprintf(target, sizeof(target), "kek:v%" PRIu32, *version);
    SD_TRY(audit_key(d, t, a, "key.rotate", target, NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    if(err == SD_OK)
        sd_log(SD_LOG_INFO, "key_rotate", "kek_version=%" PRIu32, *version);
out:
    sd_txn_abort(t);
    if(err != SD_OK && created)
        sd_keyring_kek_drop(d->kr, created); /* not stored: no data key may be wrapped by it */
    return err;
}

/* One rewrap batch in its own txn. */
static sd_err
rewrap_step(struct sd_desk *d, const struct sd_actor *a, size_t batch, struct sd_rewrap_progress *p)
{
    struct sd_txn *t = NULL;
    uint64_t target, next, nn;
    size_t n = 0;
    uint32_t cur;
    char tgt[32];
    sd_err err = SD_OK;

    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_keys_sync(t, d->kr));
    cur = sd_keyring_kek_current(d->kr);
    SD_TRY(sd_meta_get_u64(t, "rewrap_target", &target));
    SD_TRY(sd_meta_get_u64(t, "rewrap_next", &next));
    if(target != cur) {
        next = 0; /* a newer rotation restarts the scan */
    } else if(p->batches == 0 && next > 0) {
        p->resumed = true;
    }
    SD_TRY(sd_keys_rewrap(t, d->kr, next, batch, &nn, &n));
    SD_TRY(sd_meta_put_u64(t, "rewrap_target", nn ? cur : 0));
    SD_TRY(sd_meta_put_u64(t, "rewrap_next", nn));
    snprintf(tgt, sizeof(tgt), "kek:v%" PRIu32, cur);
    if(!nn)
        SD_TRY(audit_key(d, t, a, "key.rewrap.done", tgt, NULL, NULL));
    else if(n)
        SD_TRY(audit_key(d, t, a, "key.rewrap", tgt, NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    p->target = cur;
    p->rewrapped += n;
    p->batches++;
    p->done = nn == 0;
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_keyops_rewrap(struct sd_desk *d, const struct sd_actor *a, size_t batch, uint64_t max_batches,
                 struct sd_rewrap_progress *out)
{
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out && batch >= 1 && batch <= SD_KEYS_REWRAP_MAX);
    SD_TRY(sd_actor_check(a));
    memset(out, 0, sizeof(*out));
    while(!out->done && (max_batches == 0 || out->batches < max_batches))
        SD_TRY(rewrap_step(d, a, batch, out));
out:
    return err;
}

sd_err
sd_keyops_retire(struct sd_desk *d, const struct sd_actor *a, uint32_t below)
{
    struct sd_keys_info *info = NULL;
    struct sd_txn *t = NULL;
    char target[32];
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && below >= 1 && below <= SD_MAX_KEK_VERSIONS);
    SD_TRY(sd_actor_check(a));
    info = malloc(sizeof(*info));
    SD_ENSURE(info, SD_E_NOMEM);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_keys_sync(t, d->kr));
    SD_TRY(sd_keys_info(t, info));
    SD_ENSURE(below <= info->kek_latest, SD_E_PRECONDITION);
    SD_ENSURE(below > info->kek_min, SD_E_INVALID);
    /* Refused while anything still depends on a version being retired. */
    for(uint32_t v = 1; v < below; v++)
        SD_ENSURE(info->kek[v].data_keys == 0, SD_E_PRECONDITION);
    SD_TRY(sd_meta_put_u64(t, "kek_min_version", below));
    snprintf(target, sizeof(target), "kek:v%" PRIu32, below);
    SD_TRY(audit_key(d, t, a, "key.retire", target, NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    sd_keyring_raise_min_version(d->kr, below);
out:
    sd_txn_abort(t);
    free(info);
    return err;
}

sd_err
sd_keyops_status(struct sd_desk *d, struct sd_key_status *out)
{
    struct sd_txn *t = NULL;
    uint8_t h[32];
    uint64_t u;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_keys_info(t, &out->info));
    SD_TRY(sd_meta_get_u64(t, "rewrap_target", &u));
    out->rewrap_target = (uint32_t)u;
    SD_TRY(sd_meta_get_u64(t, "rewrap_next", &out->rewrap_next));
    sd_sha256(h, out->info.audit_pk, sizeof(out->info.audit_pk));
    sd_hex_encode(out->audit_fingerprint, h, sizeof(h));
    SD_TRY(sd_keys_audit_chain(t, out->audit_keys, SD_MAX_AUDIT_KEY_VERSIONS, &out->n_audit_keys));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_keyops_audit_rotate(struct sd_desk *d, const struct sd_actor *a, const char *reason,
                       struct sd_audit_rotation *out)
{
    struct sd_audit_rec r;
    struct sd_checkpoint cp;
    struct sd_txn *t = NULL;
    size_t n;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    if(reason) {
        n = strnlen(reason, SD_MAX_REASON + 1);
        SD_ENSURE(n <= SD_MAX_REASON, SD_E_LIMIT);
        SD_CHECK_ARG(sd_text_valid(reason, n));
    }
    r = (struct sd_audit_rec){.actor = a->name,
                              .action = "key.audit_rotate",
                              .request_id = a->request_id,
                              .reason = reason};
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_audit_key_rotate(t, d->kr, &r, &out->version, &cp));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    out->handoff_size = cp.size;
    memcpy(out->pk, cp.next_pk, SD_SIG_PK_BYTES);
    sd_sig_fingerprint(out->fingerprint, out->pk);
    sd_log(SD_LOG_INFO, "key_audit_rotate", "audit_key_version=%" PRIu32 " handoff_size=%" PRIu64,
           out->version, out->handoff_size);
out:
    sd_txn_abort(t);
    return err;
}

/* ---- shred ---- */

/* The physical purge of the store file (store.h): at once on a desk one thread owns; on a
 * shared desk (sealdeskd) at once too, with every other thread paused around it
 * (sd_store_purge_online), unless the store is in use by another process or sealdeskd runs
 * with `shred_purge = restart`: then at the next open that has the store to itself
 * (sealdeskd also retries on a timer, server/purger.c). */
static sd_err
purge_if_exclusive(struct sd_desk *d, bool *purged)
{
    sd_err err;

    *purged = false;
    if(!d->exclusive) {
        /* The erasure has committed: a purge that fails now (it logs ev=store_purge
         * done=pending error=...) stays pending for the retry thread; the call succeeded. */
        if(sd_store_purge_online(d->store, purged) != SD_OK)
            *purged = false;
        return SD_OK;
    }
    err = sd_store_purge(d->store, purged);
    if(err == SD_OK)
        sd_log(SD_LOG_INFO, "store_purge", "done=%s", *purged ? "yes" : "pending");
    return err;
}

struct idset {
    uint64_t *v;
    size_t n, cap, max;
};

static sd_err
idset_add(struct idset *s, uint64_t id)
{
    for(size_t i = 0; i < s->n; i++) {
        if(s->v[i] == id)
            return SD_OK;
    }
    if(s->n == s->max)
        return SD_E_LIMIT;
    if(s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 16;
        uint64_t *p = realloc(s->v, ncap * sizeof(*p));

        if(!p)
            return SD_E_NOMEM;
        s->v = p;
        s->cap = ncap;
    }
    s->v[s->n++] = id;
    return SD_OK;
}

static bool
idset_has(const struct idset *s, uint64_t id)
{
    for(size_t i = 0; i < s->n; i++) {
        if(s->v[i] == id)
            return true;
    }
    return false;
}

/* Ticket ids indexed under blind index b. */
static sd_err
tickets_of(struct sd_txn *t, const uint8_t b[SD_BIDX_BYTES], struct idset *out)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_TRY(sd_cursor_open(t, SD_DB_BY_CUSTOMER, &c));
    k.p = b;
    k.n = SD_BIDX_BYTES;
    for(rc = sd_cursor_get(c, SD_CUR_SET_KEY, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT_DUP, &k, &v)) {
        SD_ENSURE(v.n == 8, SD_E_STORE);
        SD_TRY(idset_add(out, sd_get_u64be(v.p)));
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

/* The blind indexes of a ticket's identifiers (decrypted with dk); n_out of them. */
static sd_err
ticket_bidx(struct sd_desk *d, const sd_trec *r, const struct sd_dkey *dk,
            uint8_t out[3][SD_BIDX_BYTES], bool has[3])
{
    static const enum sd_field fields[3] = {SD_F_CUSTOMER_UID, SD_F_CUSTOMER_EMAIL,
                                            SD_F_CUSTOMER_PHONE};
    static const enum sd_bidx_kind kinds[3] = {SD_BIDX_UID, SD_BIDX_EMAIL, SD_BIDX_PHONE};
    struct sd_buf plain = SD_BUF_INIT;
    sd_err err = SD_OK;

    for(int i = 0; i < 3; i++) {
        const uint8_t *p;
        size_t n;

        has[i] = false;
        sd_trec_field(r, fields[i], &p, &n);
        if(!n || !dk)
            continue;
        SD_TRY(sd_field_open(&plain, dk, r->id, (uint32_t)fields[i], p, n));
        SD_TRY(sd_bidx(d->kr, kinds[i], (const char *)plain.data, plain.len, out[i]));
        has[i] = true;
        sd_buf_wipe_free(&plain);
    }
out:
    sd_buf_wipe_free(&plain);
    return err;
}

static sd_err
del_pair(struct sd_txn *t, enum sd_db db, const uint8_t *k, size_t kn, const void *v, size_t vn,
         uint64_t *count)
{
    sd_err rc = sd_txn_del(t, db, k, kn, v, vn);

    if(rc == SD_OK)
        (*count)++;
    return rc == SD_E_NOTFOUND ? SD_OK : rc;
}

/* The shred txn proper: collect, unindex, erase. */
static sd_err
shred_in(struct sd_desk *d, struct sd_txn *t, const uint8_t cb[SD_BIDX_BYTES], struct idset *keys,
         struct sd_shred_result *res)
{
    struct idset tickets = {.max = SHRED_MAX_TICKETS};
    struct idset more = {.max = SHRED_MAX_TICKETS};
    struct sd_dkey *dk = NULL;
    sd_trec *r = NULL;
    uint8_t bx[3][SD_BIDX_BYTES], idb[8];
    bool has[3];
    struct sd_val v;
    uint64_t pkeys[2], prof_removed = 0, postings = 0;
    size_t npk = 0;
    sd_err err = SD_OK;
    sd_err rc;

    rc = sd_txn_get(t, SD_DB_CUSTOMERS, cb, SD_BIDX_BYTES, &v);
    if(rc == SD_OK) {
        SD_ENSURE(v.n == 8, SD_E_STORE);
        SD_TRY(idset_add(keys, sd_get_u64be(v.p)));
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    /* The keys the profile seals its notes and identifiers under are the customer's too. */
    SD_TRY(sd_customers_key_ids_in(t, cb, pkeys, &npk));
    for(size_t i = 0; i < npk; i++)
        SD_TRY(idset_add(keys, pkeys[i]));
    SD_TRY(tickets_of(t, cb, &tickets));
    /* Tickets without a UID that share an email or phone with the customer's tickets belong to
     * the same customer (their key is keyed by that email/phone): one level of expansion. */
    for(size_t i = 0; i < tickets.n; i++) {
        SD_TRY(sd_trec_load(t, tickets.v[i], &r));
        rc = sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk);
        SD_ENSURE(rc == SD_OK || rc == SD_E_SHREDDED, rc);
        SD_TRY(idset_add(keys, r->data_key_id));
        SD_TRY(ticket_bidx(d, r, dk, bx, has));
        for(int j = 1; j < 3; j++) {
            if(!has[j])
                continue;
            rc = sd_txn_get(t, SD_DB_CUSTOMERS, bx[j], SD_BIDX_BYTES, &v);
            if(rc == SD_OK && v.n == 8)
                SD_TRY(idset_add(keys, sd_get_u64be(v.p)));
            SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
            SD_TRY(tickets_of(t, bx[j], &more));
        }
        sd_dkey_free(dk);
        dk = NULL;
        sd_trec_free(r);
        r = NULL;
    }
    for(size_t i = 0; i < more.n; i++) {
        const uint8_t *p;
        size_t n;

        if(idset_has(&tickets, more.v[i]))
            continue;
        SD_TRY(sd_trec_load(t, more.v[i], &r));
        sd_trec_field(r, SD_F_CUSTOMER_UID, &p, &n);
        if(!n) {
            SD_TRY(idset_add(&tickets, more.v[i]));
            SD_TRY(idset_add(keys, r->data_key_id));
        }
        sd_trec_free(r);
        r = NULL;
    }
    /* The customer's profile goes too: its notes and identifiers are sealed under the erased
     * keys, and its email/phone aliases would still name the customer (issue 15). A bare
     * profile (a freeze flag, no data key, no ticket) is all there is to shred. */
    SD_TRY(sd_customers_delete_in(t, cb, &prof_removed));
    res->index_entries += prof_removed;
    SD_ENSURE(keys->n > 0 || tickets.n > 0 || prof_removed > 0, SD_E_NOTFOUND);
    /* Remove every blind-index entry of these tickets and the customer map entries. */
    for(size_t i = 0; i < tickets.n; i++) {
        SD_TRY(sd_trec_load(t, tickets.v[i], &r));
        rc = sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk);
        SD_ENSURE(rc == SD_OK || rc == SD_E_SHREDDED, rc);
        SD_TRY(ticket_bidx(d, r, dk, bx, has));
        /* The search postings go too: read through the key before it is erased (a ticket
         * shredded before has none left). */
        if(dk)
            SD_TRY(sd_ticket_search_unindex_in(d, t, r, dk, &postings));
        sd_put_u64be(idb, r->id);
        for(int j = 0; j < 3; j++) {
            if(!has[j])
                continue;
            SD_TRY(del_pair(t, SD_DB_BY_CUSTOMER, bx[j], SD_BIDX_BYTES, idb, sizeof(idb),
                            &res->index_entries));
            SD_TRY(
                del_pair(t, SD_DB_CUSTOMERS, bx[j], SD_BIDX_BYTES, NULL, 0, &res->index_entries));
        }
        sd_dkey_free(dk);
        dk = NULL;
        sd_trec_free(r);
        r = NULL;
    }
    SD_TRY(del_pair(t, SD_DB_BY_CUSTOMER, cb, SD_BIDX_BYTES, NULL, 0, &res->index_entries));
    SD_TRY(del_pair(t, SD_DB_CUSTOMERS, cb, SD_BIDX_BYTES, NULL, 0, &res->index_entries));
    /* The customer's learned-triage examples go with their keys (learn.h). */
    for(size_t i = 0; i < keys->n; i++)
        SD_TRY(sd_learn_forget_in(t, keys->v[i], NULL));
    for(size_t i = 0; i < keys->n; i++) {
        rc = sd_keys_dkey_erase(t, keys->v[i]);
        if(rc == SD_OK)
            res->data_keys++;
        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    }
    SD_ENSURE(res->data_keys > 0 || prof_removed > 0, SD_E_NOTFOUND); /* nothing left */
    SD_TRY(sd_keys_rebuild(t));
    /* Deleting is not erasing: stale copies of the erased keys and postings can sit in the
     * free gaps of LIVE pages of any table (LMDB reuses page buffers unzeroed, purge.c). The
     * store file is rewritten from the live records after this txn; flagged here, in the same
     * txn, so a crash before the purge cannot drop it (the next open finishes it). */
    SD_TRY(sd_store_purge_mark(t));
    res->tickets = tickets.n;
    sd_log(SD_LOG_INFO, "key_shred_search", "postings=%" PRIu64, postings);
out:
    sd_dkey_free(dk);
    sd_trec_free(r);
    free(tickets.v);
    free(more.v);
    return err;
}

sd_err
sd_keyops_shred(struct sd_desk *d, const struct sd_actor *a, const char *customer_uid,
                const char *reason, struct sd_shred_result *out)
{
    struct idset keys = {.max = SHRED_MAX_KEYS};
    struct sd_txn *t = NULL;
    uint8_t cb[SD_BIDX_BYTES], digest[32];
    char target[16 + 2 * SD_BIDX_BYTES];
    size_t n;
    uint64_t pages;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && customer_uid && reason && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    n = strnlen(customer_uid, SD_MAX_UID + 1);
    SD_ENSURE(n <= SD_MAX_UID, SD_E_LIMIT);
    SD_CHECK_ARG(n > 0 && sd_text_valid(customer_uid, n));
    n = strnlen(reason, SD_MAX_REASON + 1);
    SD_ENSURE(n <= SD_MAX_REASON, SD_E_LIMIT);
    SD_CHECK_ARG(n > 0 && sd_text_valid(reason, n));
    SD_TRY(sd_bidx(d->kr, SD_BIDX_UID, customer_uid, strlen(customer_uid), cb));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(shred_in(d, t, cb, &keys, out));
    /* The digest names the erased key ids, so the log says what was destroyed. */
    sd_sha256(digest, (const uint8_t *)keys.v, keys.n * sizeof(uint64_t));
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): sd_hex_encode ends it
    memcpy(target, "customer:", 9);
    sd_hex_encode(target + 9, cb, SD_BIDX_BYTES);
    SD_TRY(audit_key(d, t, a, "key.shred", target, digest, reason));
    {
        /* The back office erases the customer downstream too: the request is on the feed. */
        char detail[96];
        struct sd_feed_new e = {
            .kind = SD_FEED_SHRED_REQUESTED, .customer_bidx = cb, .detail = detail};

        snprintf(detail, sizeof(detail), "data_keys=%" PRIu64 " tickets=%" PRIu64, out->data_keys,
                 out->tickets);
        SD_TRY(sd_events_append_in(t, a, &e, NULL));
    }
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    sd_log(SD_LOG_INFO, "key_shred", "data_keys=%" PRIu64 " tickets=%" PRIu64, out->data_keys,
           out->tickets);
    /* Twice: the first pass frees the pages the shred txn replaced only after it commits.
     * The free list alone is not the whole story (see sd_store_purge); while the purge waits
     * (a shared desk: sealdeskd), zeroed free pages at least keep the old keys page copies
     * from being handed out again. */
    for(int i = 0; i < 2; i++) {
        SD_TRY(sd_keys_scrub_free_pages(d->store, &pages));
        out->pages_scrubbed += pages;
    }
    SD_TRY(purge_if_exclusive(d, &out->purged));
out:
    sd_txn_abort(t);
    free(keys.v);
    return err;
}

/* ---- remaster, blind-index rotation, check ---- */

sd_err
sd_keyops_remaster(struct sd_desk *d, const struct sd_actor *a,
                   const uint8_t new_master[SD_KEY_BYTES], const uint8_t salt[SD_PWHASH_SALT_BYTES])
{
    struct sd_txn *t = NULL;
    size_t n = 0;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && new_master);
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_keys_remaster(t, d->kr, new_master, &n));
    if(salt) {
        SD_TRY(sd_meta_put(t, "master_salt", salt, SD_PWHASH_SALT_BYTES));
    } else {
        rc = sd_txn_del(t, SD_DB_META, "master_salt", strlen("master_salt"), NULL, 0);
        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    }
    SD_TRY(
        audit_key(d, t, a, "key.remaster", salt ? "master:passphrase" : "master:file", NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    if(err == SD_OK)
        sd_log(SD_LOG_INFO, "key_remaster", "keys=%zu", n);
out:
    sd_txn_abort(t);
    return err;
}

/* Delete every entry of a table. */
static sd_err
clear_table(struct sd_txn *t, enum sd_db db)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_TRY(sd_cursor_open(t, db, &c));
    while((rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v)) == SD_OK)
        SD_TRY(sd_cursor_del(c));
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

/* Ticket ids, in order. */
static sd_err
all_tickets(struct sd_txn *t, struct idset *out)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_err err = SD_OK;
    sd_err rc;

    SD_TRY(sd_cursor_open(t, SD_DB_TICKETS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(k.n == 8, SD_E_STORE);
        /* Appending in key order: no duplicate check needed. */
        if(out->n == out->cap) {
            size_t ncap = out->cap ? out->cap * 2 : 64;
            uint64_t *p = realloc(out->v, ncap * sizeof(*p));

            SD_ENSURE(p, SD_E_NOMEM);
            out->v = p;
            out->cap = ncap;
        }
        out->v[out->n++] = sd_get_u64be(k.p);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    return err;
}

sd_err
sd_keyops_bidx_rotate(struct sd_desk *d, const struct sd_actor *a, uint32_t *version,
                      uint64_t *reindexed)
{
    struct idset ids = {0};
    struct sd_txn *t = NULL;
    struct sd_dkey *dk = NULL;
    sd_trec *r = NULL;
    uint8_t bx[3][SD_BIDX_BYTES], idb[8], kid[8];
    bool has[3], rotated = false;
    uint64_t profiles = 0, kept = 0;
    char target[32], why[96];
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && version && reindexed);
    SD_TRY(sd_actor_check(a));
    *reindexed = 0;
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_keys_ikey_rotate(t, d->kr, SD_KK_BIDX, version, NULL));
    rotated = true;
    SD_TRY(sd_keys_rebuild(t)); /* no copy of the old index key left in a live page */
    SD_TRY(clear_table(t, SD_DB_BY_CUSTOMER));
    SD_TRY(clear_table(t, SD_DB_CUSTOMERS));
    /* The search key derives from the index key: every posting is written again below. */
    SD_TRY(sd_search_clear_in(t));
    SD_TRY(all_tickets(t, &ids));
    for(size_t i = 0; i < ids.n; i++) {
        SD_TRY(sd_trec_load(t, ids.v[i], &r));
        rc = sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk);
        SD_ENSURE(rc == SD_OK || rc == SD_E_SHREDDED, rc);
        if(dk) {
            SD_TRY(ticket_bidx(d, r, dk, bx, has));
            sd_put_u64be(idb, r->id);
            sd_put_u64be(kid, r->data_key_id);
            for(int j = 0; j < 3; j++) {
                if(!has[j])
                    continue;
                SD_TRY(sd_txn_put(t, SD_DB_BY_CUSTOMER, bx[j], SD_BIDX_BYTES, idb, sizeof(idb)));
            }
            SD_TRY(sd_ticket_search_reindex_in(d, t, r, dk));
            /* The learned-triage feature key derives from the index key too (learn.h). */
            SD_TRY(sd_ticket_learn_rehash_in(d, t, r, dk));
            /* The customer map keys by uid, else email, else phone, as ticket create does. */
            for(int j = 0; j < 3; j++) {
                if(has[j]) {
                    SD_TRY(sd_txn_put(t, SD_DB_CUSTOMERS, bx[j], SD_BIDX_BYTES, kid, sizeof(kid)));
                    break;
                }
            }
            (*reindexed)++;
        }
        sd_dkey_free(dk);
        dk = NULL;
        sd_trec_free(r);
        r = NULL;
    }
    /* Customer profiles and their email/phone aliases move to the new index too (issue 15):
     * they keep their identifiers sealed under the customer's data key. */
    SD_TRY(sd_customers_rekey_in(d, t, &profiles, &kept));
    snprintf(target, sizeof(target), "bidx:v%" PRIu32, *version);
    snprintf(why, sizeof(why), "tickets=%" PRIu64 " profiles=%" PRIu64 " profiles_kept=%" PRIu64,
             *reindexed, profiles, kept);
    SD_TRY(audit_key(d, t, a, "key.bidx_rotate", target, NULL, why));
    SD_TRY(sd_store_purge_mark(t)); /* old postings and the old index key: see shred */
    err = sd_txn_commit(t);
    t = NULL;
    /* The keyring follows the store: the new key if the txn committed, else the old one. */
    sd_keyring_ikey_rotate_end(d->kr, err == SD_OK);
    rotated = false;
    SD_TRY(err);
    for(int i = 0; i < 2; i++) {
        uint64_t pages;

        SD_TRY(sd_keys_scrub_free_pages(d->store, &pages));
    }
    {
        bool purged;

        SD_TRY(purge_if_exclusive(d, &purged));
    }
out:
    sd_txn_abort(t);
    if(rotated)
        sd_keyring_ikey_rotate_end(d->kr, false);
    sd_dkey_free(dk);
    sd_trec_free(r);
    free(ids.v);
    return err;
}

sd_err
sd_keyops_check(struct sd_desk *d, const struct sd_actor *a, uint64_t *tickets, uint64_t *bad)
{
    struct idset ids = {0};
    struct sd_buf plain = SD_BUF_INIT;
    struct sd_txn *t = NULL;
    struct sd_dkey *dk = NULL;
    sd_trec *r = NULL;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && tickets && bad);
    SD_TRY(sd_actor_check(a));
    *tickets = *bad = 0;
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(all_tickets(t, &ids));
    for(size_t i = 0; i < ids.n; i++) {
        SD_TRY(sd_trec_load(t, ids.v[i], &r));
        rc = sd_keys_dkey_open(t, d->kr, r->data_key_id, &dk);
        if(rc != SD_OK && rc != SD_E_SHREDDED)
            (*bad)++;
        for(int f = SD_F_CUSTOMER_NAME; dk && f < SD_F_COUNT; f++) {
            const uint8_t *p;
            size_t n;

            sd_trec_field(r, (enum sd_field)f, &p, &n);
            if(n && sd_field_open(&plain, dk, r->id, (uint32_t)f, p, n) != SD_OK)
                (*bad)++;
            sd_buf_wipe_free(&plain);
        }
        (*tickets)++;
        sd_dkey_free(dk);
        dk = NULL;
        sd_trec_free(r);
        r = NULL;
    }
    SD_TRY(audit_key(d, t, a, "key.check", "", NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    sd_dkey_free(dk);
    sd_trec_free(r);
    sd_buf_wipe_free(&plain);
    free(ids.v);
    return err;
}
