/* Audit log: append in the same txn as the change, export, and offline verification naming the
 * first bad index for each kind of tampering (edit, delete, swap, forged append, truncation,
 * replaced checkpoint signature), on export files and on a copied store; audit-key rotation
 * (hand-off chain followed from the first key, re-signed or forged hand-offs rejected). */
#include "test_helpers.h"

#include <sodium.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/audit.h"
#include "sealdesk/desk.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/keyops.h"
#include "sealdesk/keystore.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"

#define N_TICKETS 40

struct rec {
    uint8_t type;
    uint32_t len;
    uint8_t *p;
};

struct file {
    uint8_t magic[8];
    struct rec r[4096];
    size_t n;
};

static const struct sd_actor actor = {"auditor-test", NULL, SD_ROLE_SYSTEM};

static void
read_file(const char *path, struct file *f)
{
    FILE *fp = fopen(path, "rb");
    uint8_t hdr[5];

    assert_non_null(fp);
    f->n = 0;
    assert_int_equal(fread(f->magic, 1, 8, fp), 8);
    while(fread(hdr, 1, 5, fp) == 5) {
        struct rec *r = &f->r[f->n++];

        r->type = hdr[0];
        r->len = sd_get_u32be(hdr + 1);
        r->p = malloc(r->len ? r->len : 1);
        assert_int_equal(fread(r->p, 1, r->len, fp), r->len);
    }
    fclose(fp);
}

static void
write_file(const char *path, const struct file *f)
{
    FILE *fp = fopen(path, "wb");
    uint8_t hdr[5];

    fwrite(f->magic, 1, 8, fp);
    for(size_t i = 0; i < f->n; i++) {
        hdr[0] = f->r[i].type;
        sd_put_u32be(hdr + 1, f->r[i].len);
        fwrite(hdr, 1, 5, fp);
        fwrite(f->r[i].p, 1, f->r[i].len, fp);
    }
    fclose(fp);
}

static void
free_file(struct file *f)
{
    for(size_t i = 0; i < f->n; i++)
        free(f->r[i].p);
    f->n = 0;
}

/* Position in f->r of entry number k (0-based among entries). */
static size_t
entry_pos(const struct file *f, size_t k)
{
    for(size_t i = 0; i < f->n; i++) {
        if(f->r[i].type == SD_AREC_ENTRY && k-- == 0)
            return i;
    }
    fail();
    return 0;
}

static sd_err
verify_path(const char *path, struct sd_audit_verifier *v, const struct sd_checkpoint *trusted)
{
    FILE *fp = fopen(path, "rb");
    sd_err err;

    assert_non_null(fp);
    err = sd_audit_verify_file(v, fp, NULL, trusted);
    fclose(fp);
    return err;
}

static void
make_log(struct fixture *f, char *out, size_t cap, uint64_t *entries)
{
    struct sd_ticket t;
    struct sd_ticket_new in;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_CHAT;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "s";
    in.field[SD_F_BODY] = "deposit not credited";
    for(int i = 0; i < N_TICKETS; i++) {
        sd_clock_set(T0 + (uint64_t)i * 7);
        assert_int_equal(sd_ticket_create(f->d, &actor, &in, &t), SD_OK);
    }
    snprintf(out, cap, "%s/export.log", f->dir);
    assert_int_equal(sd_desk_audit_export(f->d, &actor, out, 0, entries), SD_OK);
}

static void
test_untouched_export_verifies_with_the_store_root(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    char path[128];
    uint64_t n;
    uint8_t root[32];
    struct sd_txn *t;

    make_log(f, path, sizeof(path), &n);
    assert_int_equal(n, N_TICKETS + 2); /* init + creates + the export itself */
    assert_int_equal(verify_path(path, &v, NULL), SD_OK);
    assert_int_equal(v.next, n);
    assert_true(v.checkpoints >= 1);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_root(t, n, root), SD_OK);
    sd_txn_abort(t);
    assert_memory_equal(root, v.root, 32);
    /* exporting again to an existing path is refused */
    assert_int_equal(sd_desk_audit_export(f->d, &actor, path, 0, &n), SD_E_CONFLICT);
}

static void
test_each_tampering_names_the_first_bad_index(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    char path[128], bad[200];
    struct file *file = calloc(1, sizeof(*file));
    uint64_t n;
    size_t p, q;
    struct rec tmp;

    make_log(f, path, sizeof(path), &n);
    snprintf(bad, sizeof(bad), "%s.bad", path);

    /* edit one byte inside entries at several positions of several entries */
    for(size_t k = 1; k + 1 < n; k += 9) {
        read_file(path, file);
        p = entry_pos(file, k);
        for(uint32_t at = 0; at < file->r[p].len; at += 5) {
            file->r[p].p[at] ^= 0x20;
            write_file(bad, file);
            file->r[p].p[at] ^= 0x20;
            memset(&v, 0, sizeof(v));
            assert_int_equal(verify_path(bad, &v, NULL), SD_E_CRYPTO);
            if(v.first_bad != k)
                fprintf(stderr, "entry %zu byte %u: first_bad=%llu reason=%s\n", k, at,
                        (unsigned long long)v.first_bad, v.reason);
            assert_int_equal(v.first_bad, k);
        }
        free_file(file);
    }

    /* delete entry 7 */
    read_file(path, file);
    p = entry_pos(file, 7);
    free(file->r[p].p);
    memmove(&file->r[p], &file->r[p + 1], (file->n - p - 1) * sizeof(file->r[0]));
    file->n--;
    write_file(bad, file);
    assert_int_equal(verify_path(bad, &v, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, 7);
    free_file(file);

    /* swap entries 12 and 13 */
    read_file(path, file);
    p = entry_pos(file, 12);
    q = entry_pos(file, 13);
    tmp = file->r[p];
    file->r[p] = file->r[q];
    file->r[q] = tmp;
    write_file(bad, file);
    assert_int_equal(verify_path(bad, &v, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, 12);
    free_file(file);

    /* append a forged entry (a copy of the last, re-chained properly) before END */
    read_file(path, file);
    p = entry_pos(file, n - 1);
    {
        Sealdesk__V1__AuditEntry *e =
            sealdesk__v1__audit_entry__unpack(NULL, file->r[p].len, file->r[p].p);
        uint8_t lh[32];
        struct rec forged;

        uint8_t *orig = e->prev_hash.data;

        sd_merkle_leaf_hash(lh, file->r[p].p, file->r[p].len);
        e->index = n;
        e->prev_hash.data = lh;
        forged.type = SD_AREC_ENTRY;
        forged.len = (uint32_t)sealdesk__v1__audit_entry__get_packed_size(e);
        forged.p = malloc(forged.len);
        sealdesk__v1__audit_entry__pack(e, forged.p);
        e->prev_hash.data = orig;
        sealdesk__v1__audit_entry__free_unpacked(e, NULL);
        /* insert just before END, and fix END's count so only crypto can tell */
        file->r[file->n] = file->r[file->n - 1];
        file->r[file->n - 1] = forged;
        file->n++;
        sd_put_u64be(file->r[file->n - 1].p, n + 1);
    }
    write_file(bad, file);
    assert_int_equal(verify_path(bad, &v, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, n);
    free_file(file);

    /* replace a checkpoint signature */
    read_file(path, file);
    for(p = file->n; p-- > 0;) {
        if(file->r[p].type == SD_AREC_CHECKPOINT)
            break;
    }
    file->r[p].p[file->r[p].len - 40] ^= 0xff; /* inside signature or key: either fails */
    write_file(bad, file);
    assert_int_equal(verify_path(bad, &v, NULL), SD_E_CRYPTO);
    assert_non_null(strstr(v.reason, "checkpoint"));
    free_file(file);
    free(file);
}

static void
test_truncation_below_trusted_checkpoint_is_detected(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    struct sd_checkpoint trusted;
    char path[128], path2[160], bad[200];
    struct file *file = calloc(1, sizeof(*file));
    uint64_t n, n2;
    struct sd_txn *t;
    size_t keep = 10, p;

    make_log(f, path, sizeof(path), &n);
    /* trusted: the checkpoint made by the export */
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_latest_checkpoint(t, &trusted), SD_OK);
    sd_txn_abort(t);
    assert_int_equal(trusted.size, n);
    /* the log grows: a later export proves consistency with the trusted one */
    snprintf(path2, sizeof(path2), "%s/export2.log", f->dir);
    assert_int_equal(sd_desk_audit_export(f->d, &actor, path2, 0, &n2), SD_OK);
    assert_int_equal(n2, n + 1);
    assert_int_equal(verify_path(path2, &v, &trusted), SD_OK);

    /* drop everything after entry `keep` and every checkpoint: self-consistent, but short */
    read_file(path2, file);
    p = entry_pos(file, keep);
    for(size_t i = p; i < file->n; i++)
        free(file->r[i].p);
    file->n = p;
    for(size_t i = 0; i < file->n; i++) {
        if(file->r[i].type == SD_AREC_CHECKPOINT) {
            free(file->r[i].p);
            memmove(&file->r[i], &file->r[i + 1], (file->n - i - 1) * sizeof(file->r[0]));
            file->n--;
            i--;
        }
    }
    snprintf(bad, sizeof(bad), "%s.trunc", path2);
    write_file(bad, file);
    assert_int_equal(verify_path(bad, &v, &trusted), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, keep);
    free_file(file);
    free(file);
}

/* Every byte of every checkpoint counts: flipping any bit pattern in any byte of a checkpoint
 * record (including its embedded public_key), adding a key_id or an unknown field, or a
 * trusted checkpoint naming another public key, is refused. */
static void
test_every_checkpoint_field_is_verified(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    char path[128], bad[200];
    struct file *file = calloc(1, sizeof(*file));
    struct sd_checkpoint trusted;
    struct sd_txn *t;
    uint64_t n;
    size_t ncp = 0;
    static const uint8_t flips[] = {0x01, 0x80, 0xff};

    make_log(f, path, sizeof(path), &n);
    snprintf(bad, sizeof(bad), "%s.bad", path);
    read_file(path, file);
    for(size_t p = 0; p < file->n; p++) {
        if(file->r[p].type != SD_AREC_CHECKPOINT)
            continue;
        ncp++;
        for(uint32_t at = 0; at < file->r[p].len; at++) {
            for(size_t k = 0; k < sizeof(flips); k++) {
                file->r[p].p[at] ^= flips[k];
                write_file(bad, file);
                file->r[p].p[at] ^= flips[k];
                memset(&v, 0, sizeof(v));
                if(verify_path(bad, &v, NULL) != SD_E_CRYPTO)
                    fprintf(stderr, "checkpoint %zu byte %u ^ 0x%02x accepted\n", p, at, flips[k]);
                assert_int_equal(verify_path(bad, &v, NULL), SD_E_CRYPTO);
            }
        }
        /* extra fields after the record: key_id (field 4) and an unknown field 15 */
        {
            static const uint8_t extra[][10] = {
                {0x22, 0x08, 1, 2, 3, 4, 5, 6, 7, 8},
                {0x78, 0x01},
            };
            static const size_t extra_len[] = {10, 2};
            uint8_t *orig = file->r[p].p;
            uint32_t olen = file->r[p].len;

            for(size_t k = 0; k < 2; k++) {
                file->r[p].p = malloc(olen + extra_len[k]);
                memcpy(file->r[p].p, orig, olen);
                memcpy(file->r[p].p + olen, extra[k], extra_len[k]);
                file->r[p].len = olen + (uint32_t)extra_len[k];
                write_file(bad, file);
                free(file->r[p].p);
                memset(&v, 0, sizeof(v));
                assert_int_equal(verify_path(bad, &v, NULL), SD_E_CRYPTO);
                assert_non_null(strstr(v.reason, "checkpoint"));
            }
            file->r[p].p = orig;
            file->r[p].len = olen;
        }
    }
    assert_true(ncp >= 1);
    free_file(file);
    free(file);

    /* a trusted checkpoint is verified whole too: its public_key must be the signing key */
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_latest_checkpoint(t, &trusted), SD_OK);
    sd_txn_abort(t);
    memset(&v, 0, sizeof(v));
    assert_int_equal(verify_path(path, &v, &trusted), SD_OK);
    trusted.pk[7] ^= 0x10;
    memset(&v, 0, sizeof(v));
    assert_int_not_equal(verify_path(path, &v, &trusted), SD_OK);
}

static void
test_store_copy_verifies_and_detects_an_edited_entry(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    struct sd_store *s;
    struct sd_txn *t;
    struct sd_val val;
    char path[128], copy[128];
    uint8_t key[8], *buf;
    uint64_t n;

    make_log(f, path, sizeof(path), &n);
    snprintf(copy, sizeof(copy), "%s/copy", f->dir);
    assert_int_equal(mkdir(copy, 0700), 0);
    assert_int_equal(sd_store_copy(f->d->store, copy), SD_OK);
    assert_int_equal(sd_store_open(&s, copy, SD_STORE_RDONLY, 0), SD_OK);
    assert_int_equal(sd_audit_verify_store(&v, s, NULL, NULL), SD_OK);
    assert_int_equal(v.next, n);
    sd_store_close(s);
    /* edit entry 5 in the copy */
    assert_int_equal(sd_store_open(&s, copy, 0, 0), SD_OK);
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    sd_put_u64be(key, 5);
    assert_int_equal(sd_txn_get(t, SD_DB_AUDIT, key, 8, &val), SD_OK);
    buf = malloc(val.n);
    memcpy(buf, val.p, val.n);
    buf[val.n / 2] ^= 1;
    assert_int_equal(sd_txn_put(t, SD_DB_AUDIT, key, 8, buf, val.n), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    free(buf);
    memset(&v, 0, sizeof(v));
    assert_int_equal(sd_audit_verify_store(&v, s, NULL, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, 5);
    sd_store_close(s);
}

/* A writable copy of the fixture's store in <dir>/<name>. */
static struct sd_store *
copy_store(struct fixture *f, const char *name)
{
    struct sd_store *s;
    char copy[160];

    snprintf(copy, sizeof(copy), "%s/%s", f->dir, name);
    assert_int_equal(mkdir(copy, 0700), 0);
    assert_int_equal(sd_store_copy(f->d->store, copy), SD_OK);
    assert_int_equal(sd_store_open(&s, copy, 0, 0), SD_OK);
    return s;
}

static void
entry_key(uint8_t k[8], uint64_t i)
{
    sd_put_u64be(k, i);
}

static sd_err
verify_copy(struct sd_store *s, struct sd_audit_verifier *v, const struct sd_checkpoint *tr)
{
    memset(v, 0, sizeof(*v));
    return sd_audit_verify_store(v, s, NULL, tr);
}

static void
test_store_copy_each_tampering_names_the_first_bad_index(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    struct sd_checkpoint trusted;
    struct sd_store *s;
    struct sd_txn *t;
    struct sd_val a, b;
    uint8_t k1[8], k2[8], *ba, *bb;
    char path[128];
    uint64_t n;

    make_log(f, path, sizeof(path), &n);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_latest_checkpoint(t, &trusted), SD_OK);
    sd_txn_abort(t);

    /* delete entry 7 */
    s = copy_store(f, "del");
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    entry_key(k1, 7);
    assert_int_equal(sd_txn_del(t, SD_DB_AUDIT, k1, 8, NULL, 0), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(verify_copy(s, &v, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, 7);
    sd_store_close(s);

    /* swap entries 12 and 13 */
    s = copy_store(f, "swap");
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    entry_key(k1, 12);
    entry_key(k2, 13);
    assert_int_equal(sd_txn_get(t, SD_DB_AUDIT, k1, 8, &a), SD_OK);
    assert_int_equal(sd_txn_get(t, SD_DB_AUDIT, k2, 8, &b), SD_OK);
    ba = malloc(a.n);
    bb = malloc(b.n);
    memcpy(ba, a.p, a.n);
    memcpy(bb, b.p, b.n);
    assert_int_equal(sd_txn_put(t, SD_DB_AUDIT, k1, 8, bb, b.n), SD_OK);
    assert_int_equal(sd_txn_put(t, SD_DB_AUDIT, k2, 8, ba, a.n), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    free(ba);
    free(bb);
    assert_int_equal(verify_copy(s, &v, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, 12);
    sd_store_close(s);

    /* append a forged entry after the last one (a copy of it, renumbered) */
    s = copy_store(f, "forge");
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    entry_key(k1, n - 1);
    entry_key(k2, n);
    assert_int_equal(sd_txn_get(t, SD_DB_AUDIT, k1, 8, &a), SD_OK);
    {
        Sealdesk__V1__AuditEntry *e = sealdesk__v1__audit_entry__unpack(NULL, a.n, a.p);
        uint8_t lh[32], *orig, buf[1024];
        size_t len;

        assert_non_null(e);
        sd_merkle_leaf_hash(lh, a.p, a.n);
        orig = e->prev_hash.data;
        e->prev_hash.data = lh;
        e->index = n;
        len = sealdesk__v1__audit_entry__pack(e, buf);
        e->prev_hash.data = orig;
        sealdesk__v1__audit_entry__free_unpacked(e, NULL);
        assert_int_equal(sd_txn_put(t, SD_DB_AUDIT, k2, 8, buf, len), SD_OK);
    }
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(verify_copy(s, &v, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, n);
    sd_store_close(s);

    /* truncate: drop the last 5 entries, every checkpoint past them, and fix the counters so
     * the copy is self-consistent; only the trusted checkpoint can tell */
    s = copy_store(f, "trunc");
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    for(uint64_t i = n - 5; i < n; i++) {
        entry_key(k1, i);
        assert_int_equal(sd_txn_del(t, SD_DB_AUDIT, k1, 8, NULL, 0), SD_OK);
    }
    for(uint64_t sz = n - 4; sz <= n; sz++) {
        entry_key(k1, sz);
        (void)sd_txn_del(t, SD_DB_CHECKPOINTS, k1, 8, NULL, 0);
    }
    entry_key(k1, n - 6);
    assert_int_equal(sd_txn_get(t, SD_DB_AUDIT, k1, 8, &a), SD_OK);
    {
        uint8_t lh[32];

        sd_merkle_leaf_hash(lh, a.p, a.n);
        assert_int_equal(sd_meta_put(t, "audit_last_hash", lh, 32), SD_OK);
    }
    assert_int_equal(sd_meta_put_u64(t, "audit_size", n - 5), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(verify_copy(s, &v, &trusted), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, n - 5);
    sd_store_close(s);

    /* replace a checkpoint signature */
    s = copy_store(f, "sig");
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    entry_key(k1, trusted.size);
    assert_int_equal(sd_txn_get(t, SD_DB_CHECKPOINTS, k1, 8, &a), SD_OK);
    ba = malloc(a.n);
    memcpy(ba, a.p, a.n);
    ba[a.n - 40] ^= 0x55; /* inside the signature (the public key is the last 34 bytes) */
    assert_int_equal(sd_txn_put(t, SD_DB_CHECKPOINTS, k1, 8, ba, a.n), SD_OK);
    free(ba);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(verify_copy(s, &v, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, trusted.size - 1);
    assert_non_null(strstr(v.reason, "checkpoint"));
    sd_store_close(s);
}

/* ---- audit-key rotation ---- */

static void
add_tickets(struct fixture *f, int n, uint64_t t0)
{
    struct sd_ticket t;
    struct sd_ticket_new in;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_CHAT;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "s";
    in.field[SD_F_BODY] = "withdrawal stuck";
    for(int i = 0; i < n; i++) {
        sd_clock_set(t0 + (uint64_t)i * 7);
        assert_int_equal(sd_ticket_create(f->d, &actor, &in, &t), SD_OK);
    }
}

/* A keyring loaded from the fixture's store now (it keeps this audit key: like a server that
 * has not written since a rotation, or a copy of the retired key for forging tests). */
static struct sd_keyring *
load_keyring(struct fixture *f)
{
    struct sd_keyring *kr;
    struct sd_txn *t;
    uint8_t master[SD_KEY_BYTES];
    char path[128];

    snprintf(path, sizeof(path), "%s/master.key", f->dir);
    assert_int_equal(sd_master_key_file(master, path, false), SD_OK);
    assert_int_equal(sd_keyring_new(&kr, master), SD_OK);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_keys_load(t, kr), SD_OK);
    sd_txn_abort(t);
    return kr;
}

static const uint8_t *
pk_of(const struct sd_keyring *kr, uint8_t pk[32])
{
    assert_int_equal(sd_sig_public_key(kr, pk), SD_OK);
    return pk;
}

struct rotated {
    uint8_t first[32]; /* the key before any rotation */
    struct sd_audit_rotation r1, r2;
    struct sd_keyring *old_kr; /* holds the first key's secret */
    uint64_t n;                /* entries exported */
};

/* Entries, rotate, entries, rotate, entries, export from 0 to `path`. */
static void
make_rotated_log(struct fixture *f, char *path, size_t cap, struct rotated *out)
{
    memset(out, 0, sizeof(*out));
    assert_int_equal(sd_desk_audit_pk(f->d, out->first), SD_OK);
    out->old_kr = load_keyring(f);
    add_tickets(f, 6, T0);
    assert_int_equal(sd_keyops_audit_rotate(f->d, &actor, "yearly rotation", &out->r1), SD_OK);
    add_tickets(f, 5, T0 + 100);
    assert_int_equal(sd_keyops_audit_rotate(f->d, &actor, NULL, &out->r2), SD_OK);
    add_tickets(f, 4, T0 + 200);
    snprintf(path, cap, "%s/rotated.log", f->dir);
    assert_int_equal(sd_desk_audit_export(f->d, &actor, path, 0, &out->n), SD_OK);
}

static sd_err
verify_with(const char *path, struct sd_audit_verifier *v, const uint8_t *pk)
{
    FILE *fp = fopen(path, "rb");
    sd_err err;

    assert_non_null(fp);
    memset(v, 0, sizeof(*v));
    err = sd_audit_verify_file(v, fp, pk, NULL);
    fclose(fp);
    return err;
}

/* Index in file->r of the checkpoint of tree size `size`. */
static size_t
checkpoint_pos(const struct file *file, uint64_t size)
{
    struct sd_checkpoint cp;

    for(size_t i = 0; i < file->n; i++) {
        if(file->r[i].type == SD_AREC_CHECKPOINT &&
           sd_checkpoint_decode(&cp, file->r[i].p, file->r[i].len) == SD_OK && cp.size == size)
            return i;
    }
    fail();
    return 0;
}

/* Replace record r (a checkpoint) by cp, re-signed with kr unless kr is NULL. */
static void
rewrite_checkpoint(struct rec *r, struct sd_checkpoint *cp, const struct sd_keyring *kr)
{
    Sealdesk__V1__Checkpoint m = SEALDESK__V1__CHECKPOINT__INIT;
    struct sd_buf note = SD_BUF_INIT;

    if(kr) {
        assert_int_equal(sd_checkpoint_note(&note, cp), SD_OK);
        assert_int_equal(sd_sig_sign(kr, cp->sig, note.data, note.len), SD_OK);
        assert_int_equal(sd_sig_public_key(kr, cp->pk), SD_OK);
        sd_buf_free(&note);
    }
    m.tree_size = cp->size;
    m.root.data = cp->root;
    m.root.len = 32;
    m.time = cp->time;
    m.signature.data = cp->sig;
    m.signature.len = 64;
    m.public_key.data = cp->pk;
    m.public_key.len = 32;
    if(cp->has_next) {
        m.next_public_key.data = cp->next_pk;
        m.next_public_key.len = 32;
    }
    free(r->p);
    r->len = (uint32_t)sealdesk__v1__checkpoint__get_packed_size(&m);
    r->p = malloc(r->len);
    sealdesk__v1__checkpoint__pack(&m, r->p);
}

static void
test_checkpoint_note_without_next_key_is_unchanged(void **state)
{
    struct sd_checkpoint cp;
    struct sd_buf note = SD_BUF_INIT;
    char expect[256];

    (void)state;
    memset(&cp, 0, sizeof(cp));
    cp.size = 42;
    cp.time = T0;
    memset(cp.root, 0xab, 32);
    assert_int_equal(sd_checkpoint_note(&note, &cp), SD_OK);
    snprintf(expect, sizeof(expect), "sealdesk checkpoint v1\n42\n%s\n%u\n",
             "abababababababababababababababababababababababababababababababab", T0);
    assert_int_equal(note.len, strlen(expect));
    assert_memory_equal(note.data, expect, note.len);
    sd_buf_free(&note);
    cp.has_next = true;
    memset(cp.next_pk, 0x01, 32);
    assert_int_equal(sd_checkpoint_note(&note, &cp), SD_OK);
    strcat(expect, "next-key 0101010101010101010101010101010101010101010101010101010101010101\n");
    assert_int_equal(note.len, strlen(expect));
    assert_memory_equal(note.data, expect, note.len);
    sd_buf_free(&note);
}

static void
test_rotated_log_verifies_with_only_the_first_key(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    struct sd_key_status *st = calloc(1, sizeof(*st));
    struct rotated rt;
    struct sd_store *s;
    uint8_t cur[32];
    char path[128], path2[160];
    uint64_t n2;

    make_rotated_log(f, path, sizeof(path), &rt);
    assert_int_equal(rt.r1.version, 2);
    assert_int_equal(rt.r2.version, 3);
    assert_true(rt.r1.handoff_size > 6 && rt.r2.handoff_size > rt.r1.handoff_size + 5);
    assert_int_equal(sd_desk_audit_pk(f->d, cur), SD_OK);
    assert_memory_equal(cur, rt.r2.pk, 32);

    /* the export: only the first key is trusted; the verifier follows both hand-offs */
    assert_int_equal(verify_with(path, &v, rt.first), SD_OK);
    assert_int_equal(v.next, rt.n);
    assert_int_equal(v.n_keys, 3);
    assert_memory_equal(v.keys[0], rt.first, 32);
    assert_memory_equal(v.keys[1], rt.r1.pk, 32);
    assert_memory_equal(v.keys[2], rt.r2.pk, 32);
    assert_int_equal(v.key_from[1], rt.r1.handoff_size);
    assert_int_equal(v.key_from[2], rt.r2.handoff_size);
    /* the current key is not where a full export starts */
    assert_int_equal(verify_with(path, &v, cur), SD_E_CRYPTO);
    assert_string_equal(v.reason, "public_key_mismatch");

    /* a partial export starts with the key in effect at `from` */
    snprintf(path2, sizeof(path2), "%s/tail.log", f->dir);
    assert_int_equal(sd_desk_audit_export(f->d, &actor, path2, rt.r1.handoff_size, &n2), SD_OK);
    assert_int_equal(verify_with(path2, &v, rt.r1.pk), SD_OK);
    assert_int_equal(v.n_keys, 2);
    assert_memory_equal(v.keys[1], rt.r2.pk, 32);

    /* the store: starts at its first key, must end at its current one */
    s = copy_store(f, "rot");
    memset(&v, 0, sizeof(v));
    assert_int_equal(sd_audit_verify_store(&v, s, NULL, NULL), SD_OK);
    assert_int_equal(v.n_keys, 3);
    memset(&v, 0, sizeof(v));
    assert_int_equal(sd_audit_verify_store(&v, s, rt.first, NULL), SD_OK);
    memset(&v, 0, sizeof(v));
    assert_int_equal(sd_audit_verify_store(&v, s, cur, NULL), SD_E_CRYPTO);
    assert_string_equal(v.reason, "public_key_mismatch");
    sd_store_close(s);

    /* status lists the chain; the fingerprint is the current key's */
    assert_int_equal(sd_keyops_status(f->d, st), SD_OK);
    assert_int_equal(st->info.audit_version, 3);
    assert_int_equal(st->n_audit_keys, 3);
    assert_memory_equal(st->audit_keys[0].pk, rt.first, 32);
    assert_int_equal(st->audit_keys[0].from_size, 0);
    assert_false(st->audit_keys[0].current);
    assert_int_equal(st->audit_keys[1].version, 2);
    assert_int_equal(st->audit_keys[1].from_size, rt.r1.handoff_size);
    assert_true(st->audit_keys[2].current);
    assert_string_equal(st->audit_fingerprint, rt.r2.fingerprint);
    free(st);
    sd_keyring_free(rt.old_kr);
}

static void
test_rotation_is_one_audited_txn_and_the_old_secret_is_gone(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_rotation r;
    struct sd_checkpoint cp;
    struct sd_keyring *server;
    struct sd_txn *t;
    struct sd_val v;
    uint8_t k[13] = {SD_KK_AUDIT_SIGN}, pk[32];
    uint64_t size;
    uint32_t ver;

    add_tickets(f, 3, T0);
    server = load_keyring(f); /* a second process that loaded the keys before the rotation */
    assert_int_equal(sd_keyops_audit_rotate(f->d, &actor, "compromise drill", &r), SD_OK);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    /* the hand-off is the latest checkpoint, covers the audit entry, names the new key */
    assert_int_equal(sd_audit_size(t, &size), SD_OK);
    assert_int_equal(r.handoff_size, size);
    assert_int_equal(sd_audit_latest_checkpoint(t, &cp), SD_OK);
    assert_int_equal(cp.size, size);
    assert_true(cp.has_next);
    assert_memory_equal(cp.next_pk, r.pk, 32);
    assert_int_equal(sd_checkpoint_verify(&cp, pk_of(server, pk)), SD_OK);
    /* the old secret record is erased, its public half kept */
    sd_put_u32be(k + 9, 1);
    assert_int_equal(sd_txn_get(t, SD_DB_KEYS, k, 13, &v), SD_E_NOTFOUND);
    k[0] = SD_KK_AUDIT_PUB;
    assert_int_equal(sd_txn_get(t, SD_DB_KEYS, k, 13, &v), SD_OK);
    sd_txn_abort(t);

    /* the other process still holds v1; its next checkpoint (in a write txn) adopts v2 */
    assert_int_equal(sd_keyring_sign_version(server), 1);
    assert_int_equal(sd_txn_begin(f->d->store, true, &t), SD_OK);
    assert_int_equal(sd_audit_checkpoint(t, server, &cp), SD_OK);
    /* same size as the hand-off: the hand-off is kept, not replaced by a new-key checkpoint */
    assert_true(cp.has_next);
    assert_int_equal(sd_keyring_sign_version(server), 1);
    {
        struct sd_audit_rec rec = {.actor = "t", .action = "test.after"};

        assert_int_equal(sd_audit_append(t, server, &rec, NULL), SD_OK);
    }
    assert_int_equal(sd_audit_checkpoint(t, server, &cp), SD_OK);
    assert_false(cp.has_next);
    assert_memory_equal(cp.pk, r.pk, 32);
    assert_int_equal(sd_checkpoint_verify(&cp, r.pk), SD_OK);
    assert_int_equal(sd_keyring_sign_version(server), 2);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    /* an audit key cannot be swapped without a hand-off */
    assert_int_equal(sd_txn_begin(f->d->store, true, &t), SD_OK);
    assert_int_equal(sd_keys_ikey_rotate(t, f->d->kr, SD_KK_AUDIT_SIGN, &ver, pk), SD_E_INVALID);
    sd_txn_abort(t);
    sd_keyring_free(server);
}

static void
test_checkpoint_after_handoff_signed_by_old_key_is_rejected(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    struct file *file = calloc(1, sizeof(*file));
    struct sd_checkpoint cp, hand;
    struct rotated rt;
    char path[128], bad[160];
    size_t p;

    make_rotated_log(f, path, sizeof(path), &rt);
    snprintf(bad, sizeof(bad), "%s.bad", path);
    /* the first checkpoint after the first hand-off, re-signed with the retired first key */
    read_file(path, file);
    p = checkpoint_pos(file, rt.r1.handoff_size);
    for(p++; file->r[p].type != SD_AREC_CHECKPOINT; p++)
        ;
    assert_int_equal(sd_checkpoint_decode(&cp, file->r[p].p, file->r[p].len), SD_OK);
    assert_true(cp.size > rt.r1.handoff_size && cp.size < rt.r2.handoff_size);
    rewrite_checkpoint(&file->r[p], &cp, rt.old_kr);
    write_file(bad, file);
    assert_int_equal(verify_with(bad, &v, rt.first), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, cp.size - 1);
    assert_string_equal(v.reason, "checkpoint_signed_by_retired_key");
    free_file(file);

    /* a checkpoint before the first hand-off, signed by the (new) current key */
    read_file(path, file);
    for(p = 0; file->r[p].type != SD_AREC_CHECKPOINT; p++)
        ;
    assert_int_equal(sd_checkpoint_decode(&cp, file->r[p].p, file->r[p].len), SD_OK);
    assert_true(cp.size < rt.r1.handoff_size);
    rewrite_checkpoint(&file->r[p], &cp, f->d->kr); /* adopted v3 at the export */
    write_file(bad, file);
    assert_int_equal(verify_with(bad, &v, rt.first), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, cp.size - 1);
    assert_string_equal(v.reason, "checkpoint_signed_by_unannounced_key");
    free_file(file);

    /* a forged hand-off: next key swapped after signing */
    read_file(path, file);
    p = checkpoint_pos(file, rt.r2.handoff_size);
    assert_int_equal(sd_checkpoint_decode(&hand, file->r[p].p, file->r[p].len), SD_OK);
    assert_true(hand.has_next);
    hand.next_pk[5] ^= 0x40;
    rewrite_checkpoint(&file->r[p], &hand, NULL);
    write_file(bad, file);
    assert_int_equal(verify_with(bad, &v, rt.first), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, rt.r2.handoff_size - 1);
    assert_string_equal(v.reason, "bad_checkpoint_signature");
    free_file(file);

    /* a hand-off stripped of its next key: the following checkpoints no longer verify */
    read_file(path, file);
    p = checkpoint_pos(file, rt.r2.handoff_size);
    assert_int_equal(sd_checkpoint_decode(&hand, file->r[p].p, file->r[p].len), SD_OK);
    hand.has_next = false;
    rewrite_checkpoint(&file->r[p], &hand, NULL);
    write_file(bad, file);
    assert_int_equal(verify_with(bad, &v, rt.first), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, rt.r2.handoff_size - 1);
    free_file(file);
    free(file);
    sd_keyring_free(rt.old_kr);
}

static void
test_store_checkpoint_after_handoff_signed_by_old_key_is_rejected(void **state)
{
    struct fixture *f = *state;
    struct sd_audit_verifier v;
    struct sd_checkpoint cp;
    struct sd_store *s;
    struct sd_txn *t;
    struct sd_cursor *c;
    struct sd_val k, val;
    struct rec r = {0};
    struct rotated rt;
    uint8_t key[8];
    char path[128];

    make_rotated_log(f, path, sizeof(path), &rt);
    s = copy_store(f, "oldsig");
    assert_int_equal(sd_txn_begin(s, true, &t), SD_OK);
    /* the first checkpoint above the second hand-off */
    sd_put_u64be(key, rt.r2.handoff_size + 1);
    k.p = key;
    k.n = 8;
    assert_int_equal(sd_cursor_open(t, SD_DB_CHECKPOINTS, &c), SD_OK);
    assert_int_equal(sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &val), SD_OK);
    assert_int_equal(sd_checkpoint_decode(&cp, val.p, val.n), SD_OK);
    sd_cursor_close(c);
    rewrite_checkpoint(&r, &cp, rt.old_kr);
    sd_put_u64be(key, cp.size);
    assert_int_equal(sd_txn_put(t, SD_DB_CHECKPOINTS, key, 8, r.p, r.len), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    free(r.p);
    memset(&v, 0, sizeof(v));
    assert_int_equal(sd_audit_verify_store(&v, s, rt.first, NULL), SD_E_CRYPTO);
    assert_int_equal(v.first_bad, cp.size - 1);
    assert_string_equal(v.reason, "checkpoint_signed_by_retired_key");
    sd_store_close(s);
    sd_keyring_free(rt.old_kr);
}

static void
test_rotated_store_without_data_keys_reopens_and_remasters(void **state)
{
    struct fixture *f = *state;
    struct sd_key_status *st = calloc(1, sizeof(*st));
    struct sd_audit_rotation r;
    struct sd_audit_verifier v;
    struct sd_checkpoint cp;
    uint8_t m[SD_KEY_BYTES];
    char kf[128];

    assert_int_equal(sd_keyops_audit_rotate(f->d, &actor, NULL, &r), SD_OK);
    assert_int_equal(sd_keyops_status(f->d, st), SD_OK);
    assert_int_equal(st->info.data_keys, 0); /* the retired key record sorts where they would */
    /* reopen: the retired audit public key is not a key to load */
    sd_desk_close(f->d);
    f->d = NULL;
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    /* remaster re-wraps the secrets only; the retired public half needs nothing */
    snprintf(kf, sizeof(kf), "%s/new.key", f->dir);
    assert_int_equal(sd_master_key_file(m, kf, true), SD_OK);
    assert_int_equal(sd_keyops_remaster(f->d, &actor, m, NULL), SD_OK);
    sd_desk_close(f->d);
    f->d = NULL;
    f->o.key_file = kf;
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    assert_int_equal(sd_desk_audit_checkpoint(f->d, &actor, true, &cp), SD_OK);
    assert_int_equal(sd_checkpoint_verify(&cp, r.pk), SD_OK);
    memset(&v, 0, sizeof(v));
    assert_int_equal(sd_audit_verify_store(&v, f->d->store, NULL, NULL), SD_OK);
    assert_int_equal(v.n_keys, 2);
    assert_int_equal(sd_keyops_status(f->d, st), SD_OK);
    assert_int_equal(st->n_audit_keys, 2);
    sodium_memzero(m, sizeof(m));
    free(st);
}

/* Audit search (item 20): filters by actor, ticket (target or "ticket=N" in the reason),
 * kind (action or family) and time range, pages with from/next, refuses bad filters, and is
 * itself audited. */
static void
test_audit_search_filters_pages_and_is_audited(void **state)
{
    struct fixture *f = *state;
    const struct sd_actor ana = {"ana", NULL, SD_ROLE_SYSTEM};
    const struct sd_actor bo = {"bo", NULL, SD_ROLE_SYSTEM};
    const struct sd_actor comp = {"cleo", NULL, SD_ROLE_COMPLIANCE};
    struct sd_ticket_new in;
    struct sd_ticket t;
    struct sd_audit_query q;
    struct sd_audit_hit *h = NULL;
    size_t n = 0;
    uint64_t next = 0, size0 = 0, size1 = 0;
    bool more = true;
    struct sd_txn *tx = NULL;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "s";
    in.field[SD_F_BODY] = "b";
    sd_clock_set(T0 + 100);
    assert_int_equal(sd_ticket_create(f->d, &ana, &in, &t), SD_OK); /* t1 */
    sd_clock_set(T0 + 200);
    assert_int_equal(sd_ticket_create(f->d, &bo, &in, &t), SD_OK); /* t2 */
    sd_clock_set(T0 + 300);
    assert_int_equal(sd_ticket_get(f->d, &bo, 1, true, "customer call", &t), SD_OK);
    sd_ticket_clear(&t);

    memset(&q, 0, sizeof(q));
    q.actor = "bo";
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 2);
    assert_false(more);
    assert_string_equal(h[0].action, "ticket.create");
    assert_string_equal(h[0].target, "t2");
    assert_int_equal(h[0].time, T0 + 200);
    assert_string_equal(h[1].action, "ticket.unmask");
    assert_string_equal(h[1].reason, "customer call");
    free(h);

    memset(&q, 0, sizeof(q));
    q.ticket = 1;
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 2); /* create by ana, unmask by bo: not t2 */
    assert_string_equal(h[0].actor, "ana");
    assert_string_equal(h[1].actor, "bo");
    free(h);

    memset(&q, 0, sizeof(q));
    q.kind = "ticket.unmask";
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 1);
    free(h);
    q.kind = "ticket";
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 3);
    free(h);
    q.kind = "ticket.*";
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 3);
    free(h);
    q.kind = "ticket.un"; /* not a family: no prefix match */
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 0);
    assert_null(h);

    memset(&q, 0, sizeof(q));
    q.since = T0 + 200;
    q.until = T0 + 300;
    q.kind = "ticket";
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].target, "t2");
    free(h);

    /* Paging: one at a time over the three ticket entries. */
    memset(&q, 0, sizeof(q));
    q.kind = "ticket";
    q.limit = 1;
    for(int i = 0; i < 3; i++) {
        assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
        assert_int_equal(n, 1);
        assert_true(next > q.from);
        free(h);
        q.from = next;
    }
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 0);

    /* Bad filters change nothing. */
    assert_int_equal(sd_txn_begin(sd_desk_store(f->d), false, &tx), SD_OK);
    assert_int_equal(sd_audit_size(tx, &size0), SD_OK);
    sd_txn_abort(tx);
    memset(&q, 0, sizeof(q));
    q.limit = SD_AUDIT_SEARCH_MAX + 1;
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_E_INVALID);
    q.limit = 0;
    q.since = T0 + 5;
    q.until = T0 + 5;
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_E_INVALID);
    q.since = q.until = 0;
    q.actor = "bad\x01name";
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_E_INVALID);
    assert_int_equal(sd_txn_begin(sd_desk_store(f->d), false, &tx), SD_OK);
    assert_int_equal(sd_audit_size(tx, &size1), SD_OK);
    sd_txn_abort(tx);
    assert_int_equal(size1, size0);

    /* Every search ran above is on record, with its filters and who searched. */
    memset(&q, 0, sizeof(q));
    q.kind = "audit.search";
    q.actor = "cleo";
    q.limit = SD_AUDIT_SEARCH_MAX;
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 11);
    assert_string_equal(h[0].reason, "actor=bo kind= ticket=0 since= until= from=0 limit=100");
    free(h);
}

/* The current and the first audit key, as `sealctl audit pubkey` shows them online. */
static void
test_audit_pks_gives_current_and_first_key(void **state)
{
    struct fixture *f = *state;
    uint8_t cur[32], first[32], pk[32];

    assert_int_equal(sd_desk_audit_pks(f->d, cur, first), SD_OK);
    assert_int_equal(sd_desk_audit_pk(f->d, pk), SD_OK);
    assert_memory_equal(cur, pk, 32);
    assert_memory_equal(first, pk, 32); /* no rotation yet */
}

/* Issue 16: the console lists the key hand-offs, oldest first, each signed by the key before
 * it and naming the next, so a browser walks from the first key to the current one. */
static void
test_handoffs_lead_from_the_first_key_to_the_current_one(void **state)
{
    struct fixture *f = *state;
    struct sd_checkpoint *cps = calloc(SD_MAX_AUDIT_KEY_VERSIONS, sizeof(*cps));
    uint8_t cur[32], first[32];
    char path[128];
    struct rotated rt;
    size_t n = 99;

    assert_non_null(cps);
    assert_int_equal(sd_desk_audit_handoffs(f->d, cps, &n), SD_OK);
    assert_int_equal(n, 0); /* no rotation yet */
    make_rotated_log(f, path, sizeof(path), &rt);
    assert_int_equal(sd_desk_audit_handoffs(f->d, cps, &n), SD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sd_desk_audit_pks(f->d, cur, first), SD_OK);
    assert_int_equal(cps[0].size, rt.r1.handoff_size);
    assert_int_equal(cps[1].size, rt.r2.handoff_size);
    assert_true(cps[0].has_next && cps[1].has_next);
    assert_memory_equal(cps[0].pk, first, 32);
    assert_int_equal(sd_checkpoint_verify(&cps[0], first), SD_OK);
    assert_memory_equal(cps[0].next_pk, rt.r1.pk, 32);
    assert_int_equal(sd_checkpoint_verify(&cps[1], cps[0].next_pk), SD_OK);
    assert_memory_equal(cps[1].next_pk, cur, 32);
    sd_keyring_free(rt.old_kr);
    remove(path);
    free(cps);
}

/* Issue 16: a search hit carries the entry's stored bytes: their RFC 6962 leaf hash is the
 * one the inclusion proof proves. */
static void
test_search_hit_leaf_is_the_merkle_leaf(void **state)
{
    struct fixture *f = *state;
    const struct sd_actor comp = {"cleo", NULL, SD_ROLE_COMPLIANCE};
    uint8_t proof[SD_MERKLE_MAX_PROOF][32], leaf[32], root[32], mine[32];
    struct sd_audit_query q;
    struct sd_audit_hit *h = NULL;
    uint64_t next = 0, size = 0;
    size_t n = 0, np = 0;
    bool more = true;

    add_tickets(f, 3, T0);
    memset(&q, 0, sizeof(q));
    q.kind = "ticket.create";
    assert_int_equal(sd_desk_audit_search(f->d, &comp, &q, &h, &n, &next, &more), SD_OK);
    assert_int_equal(n, 3);
    for(size_t i = 0; i < n; i++) {
        assert_true(h[i].leaf_len > 0);
        sd_merkle_leaf_hash(mine, h[i].leaf, h[i].leaf_len);
        size = 0;
        assert_int_equal(sd_desk_audit_inclusion(f->d, h[i].index, &size, proof, &np, leaf, root),
                         SD_OK);
        assert_memory_equal(mine, leaf, 32);
        assert_int_equal(sd_merkle_verify_inclusion(mine, h[i].index, size,
                                                    (const uint8_t(*)[32])proof, np, root),
                         SD_OK);
    }
    free(h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_untouched_export_verifies_with_the_store_root),
        T(test_handoffs_lead_from_the_first_key_to_the_current_one),
        T(test_search_hit_leaf_is_the_merkle_leaf),
        T(test_each_tampering_names_the_first_bad_index),
        T(test_truncation_below_trusted_checkpoint_is_detected),
        T(test_every_checkpoint_field_is_verified),
        T(test_store_copy_verifies_and_detects_an_edited_entry),
        T(test_store_copy_each_tampering_names_the_first_bad_index),
        T(test_checkpoint_note_without_next_key_is_unchanged),
        T(test_rotated_log_verifies_with_only_the_first_key),
        T(test_rotation_is_one_audited_txn_and_the_old_secret_is_gone),
        T(test_checkpoint_after_handoff_signed_by_old_key_is_rejected),
        T(test_store_checkpoint_after_handoff_signed_by_old_key_is_rejected),
        T(test_rotated_store_without_data_keys_reopens_and_remasters),
        T(test_audit_search_filters_pages_and_is_audited),
        T(test_audit_pks_gives_current_and_first_key),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
