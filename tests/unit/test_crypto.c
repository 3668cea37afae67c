/* Crypto core: master key file handling, KEK wrapping, field AEAD with its associated data,
 * blind-index normalisation, and Ed25519 against the RFC 8032 vectors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>

#include "sealdesk/clock.h"
#include "sealdesk/crypto.h"

struct kf {
    struct sd_keyring *kr;
    struct sd_dkey *dk;
    struct sd_buf kek_wrapped;
    uint8_t master[SD_KEY_BYTES];
};

static int
setup(void **state)
{
    struct kf *k = calloc(1, sizeof(*k));
    struct sd_buf w = SD_BUF_INIT;

    assert_int_equal(sd_crypto_init(), SD_OK);
    randombytes_buf(k->master, sizeof(k->master));
    assert_int_equal(sd_keyring_new(&k->kr, k->master), SD_OK);
    assert_int_equal(sd_keyring_kek_create(k->kr, 1, &k->kek_wrapped), SD_OK);
    assert_int_equal(sd_keyring_ikey_create(k->kr, SD_IKEY_BIDX, 1, &w, NULL), SD_OK);
    sd_buf_free(&w);
    assert_int_equal(sd_keyring_ikey_create(k->kr, SD_IKEY_AUDIT_SIGN, 1, &w, NULL), SD_OK);
    sd_buf_free(&w);
    assert_int_equal(sd_dkey_create(k->kr, 7, &k->dk, &w), SD_OK);
    sd_buf_free(&w);
    *state = k;
    return 0;
}

static int
teardown(void **state)
{
    struct kf *k = *state;

    sd_dkey_free(k->dk);
    sd_keyring_free(k->kr);
    sd_buf_free(&k->kek_wrapped);
    free(k);
    return 0;
}

static void
test_field_roundtrip(void **state)
{
    struct kf *k = *state;
    struct sd_buf s = SD_BUF_INIT, p = SD_BUF_INIT;
    const char *msg = "alice@example.com";

    assert_int_equal(sd_field_seal(&s, k->dk, 42, 2, (const uint8_t *)msg, strlen(msg)), SD_OK);
    assert_int_equal(s.len, strlen(msg) + SD_FIELD_OVERHEAD);
    assert_null(memmem(s.data, s.len, msg, strlen(msg)));
    assert_int_equal(sd_field_open(&p, k->dk, 42, 2, s.data, s.len), SD_OK);
    assert_int_equal(p.len, strlen(msg));
    assert_memory_equal(p.data, msg, p.len);
    sd_buf_wipe_free(&p);
    sd_buf_free(&s);
}

static void
test_field_detects_every_single_bit_flip(void **state)
{
    struct kf *k = *state;
    struct sd_buf s = SD_BUF_INIT, p = SD_BUF_INIT;

    assert_int_equal(sd_field_seal(&s, k->dk, 1, 9, (const uint8_t *)"body", 4), SD_OK);
    for(size_t i = 0; i < s.len; i++) {
        for(int bit = 0; bit < 8; bit++) {
            s.data[i] ^= (uint8_t)(1 << bit);
            assert_int_equal(sd_field_open(&p, k->dk, 1, 9, s.data, s.len), SD_E_CRYPTO);
            assert_int_equal(p.len, 0);
            s.data[i] ^= (uint8_t)(1 << bit);
        }
    }
    assert_int_equal(sd_field_open(&p, k->dk, 1, 9, s.data, s.len - 1), SD_E_CRYPTO);
    assert_int_equal(sd_field_open(&p, k->dk, 1, 9, s.data, 3), SD_E_CRYPTO);
    sd_buf_free(&p);
    sd_buf_free(&s);
}

static void
test_field_bound_to_ticket_field_and_key(void **state)
{
    struct kf *k = *state;
    struct sd_buf s = SD_BUF_INIT, p = SD_BUF_INIT, w = SD_BUF_INIT;
    struct sd_dkey *other = NULL;

    assert_int_equal(sd_field_seal(&s, k->dk, 5, 8, (const uint8_t *)"x", 1), SD_OK);
    assert_int_equal(sd_field_open(&p, k->dk, 6, 8, s.data, s.len), SD_E_CRYPTO);
    assert_int_equal(sd_field_open(&p, k->dk, 5, 9, s.data, s.len), SD_E_CRYPTO);
    assert_int_equal(sd_dkey_create(k->kr, 8, &other, &w), SD_OK);
    assert_int_equal(sd_field_open(&p, other, 5, 8, s.data, s.len), SD_E_CRYPTO);
    assert_int_equal(p.len, 0);
    sd_buf_free(&p);
    sd_dkey_free(other);
    sd_buf_free(&w);
    sd_buf_free(&s);
}

static void
test_data_key_unwrap_checks_id_and_kek(void **state)
{
    struct kf *k = *state;
    struct sd_buf w = SD_BUF_INIT;
    struct sd_dkey *dk = NULL, *back = NULL;

    assert_int_equal(sd_dkey_create(k->kr, 11, &dk, &w), SD_OK);
    assert_int_equal(sd_dkey_kek_version(dk), 1);
    assert_int_equal(sd_dkey_open(k->kr, 11, 1, w.data, w.len, &back), SD_OK);
    sd_dkey_free(back);
    assert_int_equal(sd_dkey_open(k->kr, 12, 1, w.data, w.len, &back), SD_E_CRYPTO);
    assert_int_equal(sd_dkey_open(k->kr, 11, 2, w.data, w.len, &back), SD_E_PRECONDITION);
    w.data[w.len - 1] ^= 1;
    assert_int_equal(sd_dkey_open(k->kr, 11, 1, w.data, w.len, &back), SD_E_CRYPTO);
    sd_dkey_free(dk);
    sd_buf_free(&w);
}

static void
test_kek_unwrap_needs_the_right_master(void **state)
{
    struct kf *k = *state;
    struct sd_keyring *kr2 = NULL;
    uint8_t m2[SD_KEY_BYTES];

    memcpy(m2, k->master, sizeof(m2));
    assert_int_equal(sd_keyring_new(&kr2, m2), SD_OK);
    assert_int_equal(sd_keyring_kek_load(kr2, 1, k->kek_wrapped.data, k->kek_wrapped.len), SD_OK);
    assert_int_equal(sd_keyring_kek_load(kr2, 1, k->kek_wrapped.data, k->kek_wrapped.len),
                     SD_E_CONFLICT);
    sd_keyring_free(kr2);
    m2[0] ^= 1;
    assert_int_equal(sd_keyring_new(&kr2, m2), SD_OK);
    assert_int_equal(sd_keyring_kek_load(kr2, 1, k->kek_wrapped.data, k->kek_wrapped.len),
                     SD_E_CRYPTO);
    /* wrapped for version 1, presented as version 2: associated data differs */
    assert_int_equal(sd_keyring_kek_load(kr2, 2, k->kek_wrapped.data, k->kek_wrapped.len),
                     SD_E_CRYPTO);
    sd_keyring_free(kr2);
}

static void
test_master_key_file_created_private_and_refused_when_open(void **state)
{
    char dir[] = "/tmp/sdkey.XXXXXX";
    char path[64];
    uint8_t a[SD_KEY_BYTES], b[SD_KEY_BYTES];
    struct stat st;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/master.key", dir);
    assert_int_equal(sd_master_key_file(a, path, false), SD_E_NOTFOUND);
    assert_int_equal(sd_master_key_file(a, path, true), SD_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(sd_master_key_file(b, path, false), SD_OK);
    assert_memory_equal(a, b, sizeof(a));
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(sd_master_key_file(b, path, false), SD_E_DENIED);
    assert_int_equal(chmod(path, 0600), 0);
    FILE *f = fopen(path, "w");

    fputs("zz\n", f);
    fclose(f);
    assert_int_equal(sd_master_key_file(b, path, false), SD_E_INVALID);
    unlink(path);
    rmdir(dir);
}

static void
test_blind_index_normalises_and_separates_kinds(void **state)
{
    struct kf *k = *state;
    uint8_t a[SD_BIDX_BYTES], b[SD_BIDX_BYTES];

    assert_int_equal(sd_bidx(k->kr, SD_BIDX_EMAIL, "Alice@Example.com ", 18, a), SD_OK);
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_EMAIL, "alice@example.com", 17, b), SD_OK);
    assert_memory_equal(a, b, sizeof(a));
    /* full-width letters fold too (NFKC) */
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_EMAIL, "\xef\xbd\x81lice@example.com", 19, b), SD_OK);
    assert_memory_equal(a, b, sizeof(a));
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_UID, "alice@example.com", 17, b), SD_OK);
    assert_memory_not_equal(a, b, sizeof(a));
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_PHONE, "+82 10-1234-5678", 16, a), SD_OK);
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_PHONE, "008210(1234)5678", 16, b), SD_OK);
    assert_memory_equal(a, b, sizeof(a));
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_PHONE, "call me", 7, b), SD_E_INVALID);
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_UID, "   ", 3, b), SD_E_INVALID);
    /* case-sensitive uid */
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_UID, "AbC", 3, a), SD_OK);
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_UID, "abc", 3, b), SD_OK);
    assert_memory_not_equal(a, b, sizeof(a));
}

static void
test_ed25519_rfc8032_vectors_verify(void **state)
{
    /* RFC 8032 section 7.1 vectors, cross-checked against C2SP/wycheproof (see the file's
     * "source" field and ../shared/vectors/README.md). */
    json_error_t jerr;
    json_t *root = json_load_file(SD_SOURCE_DIR "/../shared/vectors/ed25519.json", 0, &jerr);
    json_t *v;
    size_t i;

    (void)state;
    assert_non_null(root);
    json_array_foreach(json_object_get(root, "vectors"), i, v)
    {
        const char *pkh = json_string_value(json_object_get(v, "public_key"));
        const char *sigh = json_string_value(json_object_get(v, "signature"));
        const char *msgh = json_string_value(json_object_get(v, "message"));
        const char *skh = json_string_value(json_object_get(v, "secret_key"));
        uint8_t pk[32], sig[64], seed[32], sk[64], pk2[32], sig2[64];
        size_t mlen = strlen(msgh) / 2;
        uint8_t *msg = malloc(mlen + 1);

        assert_int_equal(sd_hex_decode(pk, 32, pkh, strlen(pkh)), SD_OK);
        assert_int_equal(sd_hex_decode(sig, 64, sigh, strlen(sigh)), SD_OK);
        assert_int_equal(sd_hex_decode(seed, 32, skh, strlen(skh)), SD_OK);
        assert_int_equal(sd_hex_decode(msg, mlen, msgh, strlen(msgh)), SD_OK);
        assert_int_equal(sd_sig_verify(pk, sig, msg, mlen), SD_OK);
        /* the same library call the keyring uses reproduces the signature */
        crypto_sign_seed_keypair(pk2, sk, seed);
        assert_memory_equal(pk, pk2, 32);
        crypto_sign_detached(sig2, NULL, msg, mlen, sk);
        assert_memory_equal(sig, sig2, 64);
        sig[10] ^= 4;
        assert_int_equal(sd_sig_verify(pk, sig, msg, mlen), SD_E_CRYPTO);
        free(msg);
    }
    assert_int_equal(i, 5);
    json_decref(root);
}

static void
test_audit_signing_key_signs_verifiably(void **state)
{
    struct kf *k = *state;
    uint8_t pk[SD_SIG_PK_BYTES], sig[SD_SIG_BYTES];

    assert_int_equal(sd_sig_public_key(k->kr, pk), SD_OK);
    assert_int_equal(sd_sig_sign(k->kr, sig, (const uint8_t *)"note", 4), SD_OK);
    assert_int_equal(sd_sig_verify(pk, sig, (const uint8_t *)"note", 4), SD_OK);
    assert_int_equal(sd_sig_verify(pk, sig, (const uint8_t *)"nope", 4), SD_E_CRYPTO);
}

static void
test_grace_mode_keeps_keys_usable_and_idle_reprotects(void **state)
{
    struct kf *k = *state;
    struct sd_buf w = SD_BUF_INIT;
    struct sd_dkey *dk = NULL;
    uint8_t sig[SD_SIG_BYTES], pk[SD_SIG_PK_BYTES];

    /* With a grace period keys stay readable between uses; sd_keyring_idle re-protects them
     * once idle. Either way every use must still work (a PROT_NONE page would crash here).
     * Time moves by sd_clock_set_mono_ms, not by sleeping. */
    sd_clock_set_mono_ms(1000);
    sd_keyring_set_grace(k->kr, 50);
    assert_int_equal(sd_keyring_readable(k->kr), 0);
    for(int i = 0; i < 20; i++) {
        assert_int_equal(sd_dkey_create(k->kr, 100 + (uint64_t)i, &dk, &w), SD_OK);
        sd_dkey_free(dk);
        sd_buf_reset(&w);
    }
    assert_true(sd_keyring_readable(k->kr) > 0); /* kept readable for the grace period */
    sd_clock_set_mono_ms(1000 + 49);
    sd_keyring_idle(k->kr);
    assert_true(sd_keyring_readable(k->kr) > 0); /* not idle long enough yet */
    sd_clock_set_mono_ms(1000 + 60);
    sd_keyring_idle(k->kr);
    assert_int_equal(sd_keyring_readable(k->kr), 0);
    assert_int_equal(sd_sig_sign(k->kr, sig, (const uint8_t *)"m", 1), SD_OK);
    assert_int_equal(sd_sig_public_key(k->kr, pk), SD_OK);
    assert_int_equal(sd_sig_verify(pk, sig, (const uint8_t *)"m", 1), SD_OK);
    sd_keyring_set_grace(k->kr, 0);
    assert_int_equal(sd_keyring_readable(k->kr), 0); /* no grace: protected again at once */
    assert_int_equal(sd_dkey_create(k->kr, 200, &dk, &w), SD_OK);
    assert_int_equal(sd_keyring_readable(k->kr), 0);
    sd_dkey_free(dk);
    sd_buf_free(&w);
    sd_clock_set_mono_ms(0);
}

/* A rotation whose store txn does not commit is undone in the keyring too: the KEK it made is
 * dropped (new data keys use the previous one again) and the old blind-index key comes back. */
static void
test_uncommitted_rotations_are_undone_in_the_keyring(void **state)
{
    struct kf *k = *state;
    struct sd_buf w = SD_BUF_INIT;
    struct sd_dkey *dk = NULL;
    uint8_t b1[SD_BIDX_BYTES], b2[SD_BIDX_BYTES], b3[SD_BIDX_BYTES];

    assert_int_equal(sd_keyring_kek_create(k->kr, 2, &w), SD_OK);
    assert_int_equal(sd_keyring_kek_current(k->kr), 2);
    sd_keyring_kek_drop(k->kr, 2);
    assert_int_equal(sd_keyring_kek_current(k->kr), 1);
    assert_false(sd_keyring_kek_has(k->kr, 2));
    assert_true(sd_keyring_kek_has(k->kr, 1));
    sd_buf_reset(&w);
    assert_int_equal(sd_dkey_create(k->kr, 8, &dk, &w), SD_OK);
    assert_int_equal(sd_dkey_kek_version(dk), 1);
    sd_dkey_free(dk);
    sd_buf_reset(&w);
    sd_keyring_kek_drop(k->kr, 5); /* not loaded: nothing happens */
    assert_int_equal(sd_keyring_kek_current(k->kr), 1);

    assert_int_equal(sd_bidx(k->kr, SD_BIDX_EMAIL, "a@example.com", 13, b1), SD_OK);
    assert_int_equal(sd_keyring_ikey_rotate(k->kr, SD_IKEY_BIDX, 2, &w, NULL), SD_OK);
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_EMAIL, "a@example.com", 13, b2), SD_OK);
    assert_memory_not_equal(b1, b2, sizeof(b1));
    /* a second rotation before the first has ended is refused */
    assert_int_equal(sd_keyring_ikey_rotate(k->kr, SD_IKEY_BIDX, 3, &w, NULL), SD_E_PRECONDITION);
    sd_keyring_ikey_rotate_end(k->kr, false);
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_EMAIL, "a@example.com", 13, b2), SD_OK);
    assert_memory_equal(b1, b2, sizeof(b1));
    assert_int_equal(sd_keyring_ikey_rotate(k->kr, SD_IKEY_BIDX, 2, &w, NULL), SD_OK);
    sd_keyring_ikey_rotate_end(k->kr, true);
    sd_keyring_ikey_rotate_end(k->kr, false); /* nothing pending: no-op */
    assert_int_equal(sd_bidx(k->kr, SD_BIDX_EMAIL, "a@example.com", 13, b3), SD_OK);
    assert_memory_not_equal(b1, b3, sizeof(b1));
    sd_buf_free(&w);
}

/* sd_sha256 takes EVP for larger inputs (the ticket record digests of every create): the same
 * digest as libsodium's on every length around and past the switch, and the FIPS 180-2 "abc"
 * and one-million-'a' vectors. */
static void
test_sha256_same_digest_on_every_path(void **state)
{
    static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                    0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                    0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    static const uint8_t mil[32] = {0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92,
                                    0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
                                    0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
                                    0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0};
    uint8_t *buf = malloc(1000000), a[32], b[32];

    (void)state;
    assert_non_null(buf);
    for(size_t i = 0; i < 1000000; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    for(size_t n = 0; n < 2100; n += (n < 300 ? 1 : 37)) {
        sd_sha256(a, buf, n);
        crypto_hash_sha256(b, buf, n);
        assert_memory_equal(a, b, 32);
    }
    sd_sha256(a, (const uint8_t *)"abc", 3);
    assert_memory_equal(a, abc, 32);
    memset(buf, 'a', 1000000);
    sd_sha256(a, buf, 1000000);
    assert_memory_equal(a, mil, 32);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_same_digest_on_every_path),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_field_roundtrip),
        T(test_field_detects_every_single_bit_flip),
        T(test_field_bound_to_ticket_field_and_key),
        T(test_data_key_unwrap_checks_id_and_kek),
        T(test_kek_unwrap_needs_the_right_master),
        T(test_master_key_file_created_private_and_refused_when_open),
        T(test_blind_index_normalises_and_separates_kinds),
        T(test_ed25519_rfc8032_vectors_verify),
        T(test_audit_signing_key_signs_verifiably),
        T(test_grace_mode_keeps_keys_usable_and_idle_reprotects),
        T(test_uncommitted_rotations_are_undone_in_the_keyring),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
