/* Audit log: append in the same txn as the change, export, and offline verification naming the
 * first bad index for each kind of tampering (edit, delete, swap, forged append, truncation,
 * replaced checkpoint signature), on export files and on a copied store. */
#include "test_helpers.h"

#include "desk/desk_int.h"
#include "sealdesk/audit.h"
#include "sealdesk/store.h"

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_untouched_export_verifies_with_the_store_root),
        T(test_each_tampering_names_the_first_bad_index),
        T(test_truncation_below_trusted_checkpoint_is_detected),
        T(test_store_copy_verifies_and_detects_an_edited_entry),
        T(test_store_copy_each_tampering_names_the_first_bad_index),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
