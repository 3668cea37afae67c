/* The keyring: master key, versioned KEKs, blind-index and audit signing keys, each in its own
 * sodium_malloc block kept PROT_NONE while idle. sd_key_use() is the only place that makes a
 * key readable; a per-key user count keeps concurrent users from re-protecting it under each
 * other. Data keys (dkey.c) are short-lived and wiped by sodium_free. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto_int.h"
#include "util/err_int.h"

struct gkey {
    uint8_t *p; /* sodium_malloc, PROT_NONE while users == 0 */
    size_t n;
    unsigned users;
};

struct sd_keyring {
    pthread_mutex_t mu;
    struct gkey master;
    struct gkey kek[SD_MAX_KEK_VERSIONS + 1]; /* by version; [0] unused */
    uint32_t kek_current;
    uint32_t kek_min;
    struct gkey bidx;
    struct gkey sign;                          /* Ed25519 secret key (seed || pk) */
    uint8_t sign_pk[SD_SIG_PK_BYTES];
};

sd_err
sd_crypto_init(void)
{
    return sodium_init() < 0 ? SD_E_CRYPTO : SD_OK;
}

void
sd_sha256(uint8_t out[32], const uint8_t *p, size_t n)
{
    crypto_hash_sha256(out, p, n);
}

static sd_err
gkey_set(struct gkey *g, const uint8_t *key, size_t n)
{
    if(g->p)
        return SD_E_CONFLICT;
    g->p = sodium_malloc(n);
    if(!g->p)
        return SD_E_NOMEM;
    memcpy(g->p, key, n);
    g->n = n;
    sodium_mprotect_noaccess(g->p);
    return SD_OK;
}

static void
gkey_clear(struct gkey *g)
{
    if(g->p) {
        sodium_mprotect_readwrite(g->p);
        sodium_free(g->p); /* wipes */
    }
    g->p = NULL;
    g->n = 0;
}

sd_err
sd_key_use(const struct sd_keyring *kr_c, enum sd_key_slot slot, uint32_t version,
           sd_key_fn fn, void *ctx)
{
    /* The user count and page protection are bookkeeping, not key state: the keyring stays
     * logically const for callers. */
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;
    struct gkey *g;
    sd_err err;

    switch(slot) {
    case SD_SLOT_MASTER: g = &kr->master; break;
    case SD_SLOT_BIDX: g = &kr->bidx; break;
    case SD_SLOT_SIGN: g = &kr->sign; break;
    case SD_SLOT_KEK:
        if(version == 0 || version > SD_MAX_KEK_VERSIONS || version < kr->kek_min)
            return SD_E_PRECONDITION;
        g = &kr->kek[version];
        break;
    default: return SD_E_INTERNAL;
    }
    if(!g->p)
        return SD_E_PRECONDITION;
    pthread_mutex_lock(&kr->mu);
    if(g->users++ == 0)
        sodium_mprotect_readonly(g->p);
    pthread_mutex_unlock(&kr->mu);
    err = fn(ctx, g->p, g->n);
    pthread_mutex_lock(&kr->mu);
    if(--g->users == 0)
        sodium_mprotect_noaccess(g->p);
    pthread_mutex_unlock(&kr->mu);
    return err;
}

sd_err
sd_wrap(struct sd_buf *out, const uint8_t kek[SD_KEY_BYTES], const uint8_t *key, size_t keylen,
        const uint8_t *ad, size_t adlen)
{
    uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    unsigned long long clen;
    sd_err err;

    err = sd_buf_reserve(out, 1 + sizeof(nonce) + keylen +
                                  crypto_aead_xchacha20poly1305_ietf_ABYTES);
    if(err != SD_OK)
        return err;
    randombytes_buf(nonce, sizeof(nonce));
    out->data[out->len] = 0x01;
    memcpy(out->data + out->len + 1, nonce, sizeof(nonce));
    crypto_aead_xchacha20poly1305_ietf_encrypt(out->data + out->len + 1 + sizeof(nonce), &clen,
                                               key, keylen, ad, adlen, NULL, nonce, kek);
    out->len += 1 + sizeof(nonce) + (size_t)clen;
    return SD_OK;
}

sd_err
sd_unwrap(uint8_t *key, size_t keylen, const uint8_t kek[SD_KEY_BYTES], const uint8_t *blob,
          size_t n, const uint8_t *ad, size_t adlen)
{
    const size_t npub = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

    if(n != 1 + npub + keylen + crypto_aead_xchacha20poly1305_ietf_ABYTES || blob[0] != 0x01)
        return SD_E_CRYPTO;
    if(crypto_aead_xchacha20poly1305_ietf_decrypt(key, NULL, NULL, blob + 1 + npub,
                                                  n - 1 - npub, ad, adlen, blob + 1, kek) != 0)
        return SD_E_CRYPTO;
    return SD_OK;
}

/* Associated data for a key wrapped by the master key or a KEK: label | version/id. */
static size_t
wrap_ad(uint8_t ad[48], const char *label, uint64_t id, uint32_t version)
{
    size_t n = strlen(label);

    memcpy(ad, label, n);
    sd_put_u64be(ad + n, id);
    sd_put_u32be(ad + n + 8, version);
    return n + 12;
}

sd_err
sd_master_key_file(uint8_t out[SD_KEY_BYTES], const char *path, bool create)
{
    char text[2 * SD_KEY_BYTES + 2];
    struct stat st;
    sd_err err = SD_OK;
    ssize_t got;
    int fd = -1;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if(fd < 0 && errno == ENOENT && create) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        SD_ENSURE(fd >= 0, SD_E_IO);
        randombytes_buf(out, SD_KEY_BYTES);
        sd_hex_encode(text, out, SD_KEY_BYTES);
        text[2 * SD_KEY_BYTES] = '\n';
        SD_ENSURE(write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1, SD_E_IO);
        SD_ENSURE(fsync(fd) == 0, SD_E_IO);
        goto out;
    }
    SD_ENSURE(fd >= 0, errno == ENOENT ? SD_E_NOTFOUND : SD_E_IO);
    SD_ENSURE(fstat(fd, &st) == 0, SD_E_IO);
    SD_ENSURE(S_ISREG(st.st_mode), SD_E_INVALID);
    SD_ENSURE((st.st_mode & 077) == 0, SD_E_DENIED);
    got = read(fd, text, sizeof(text));
    SD_ENSURE(got == (ssize_t)sizeof(text) - 1 || got == (ssize_t)sizeof(text) - 2, SD_E_INVALID);
    SD_TRY(sd_hex_decode(out, SD_KEY_BYTES, text, 2 * SD_KEY_BYTES));
out:
    if(err != SD_OK)
        sodium_memzero(out, SD_KEY_BYTES);
    sodium_memzero(text, sizeof(text));
    if(fd >= 0)
        close(fd);
    return err;
}

sd_err
sd_keyring_new(struct sd_keyring **out, const uint8_t master[SD_KEY_BYTES])
{
    struct sd_keyring *kr = calloc(1, sizeof(*kr));
    sd_err err;

    if(!kr)
        return SD_E_NOMEM;
    pthread_mutex_init(&kr->mu, NULL);
    kr->kek_min = 1;
    err = gkey_set(&kr->master, master, SD_KEY_BYTES);
    if(err != SD_OK) {
        sd_keyring_free(kr);
        return err;
    }
    *out = kr;
    return SD_OK;
}

void
sd_keyring_free(struct sd_keyring *kr)
{
    if(!kr)
        return;
    gkey_clear(&kr->master);
    for(size_t v = 0; v <= SD_MAX_KEK_VERSIONS; v++)
        gkey_clear(&kr->kek[v]);
    gkey_clear(&kr->bidx);
    gkey_clear(&kr->sign);
    pthread_mutex_destroy(&kr->mu);
    free(kr);
}

struct wrap_ctx {
    struct sd_buf *out;
    const uint8_t *key;
    size_t keylen;
    uint8_t *dst;
    const uint8_t *blob;
    size_t n;
    uint8_t ad[48];
    size_t adlen;
};

static sd_err
do_wrap(void *vctx, const uint8_t *kek, size_t len)
{
    struct wrap_ctx *c = vctx;

    (void)len;
    return sd_wrap(c->out, kek, c->key, c->keylen, c->ad, c->adlen);
}

static sd_err
do_unwrap(void *vctx, const uint8_t *kek, size_t len)
{
    struct wrap_ctx *c = vctx;

    (void)len;
    return sd_unwrap(c->dst, c->keylen, kek, c->blob, c->n, c->ad, c->adlen);
}

sd_err
sd_keyring_kek_create(struct sd_keyring *kr, uint32_t version, struct sd_buf *wrapped)
{
    uint8_t kek[SD_KEY_BYTES];
    struct wrap_ctx c = {.out = wrapped, .key = kek, .keylen = sizeof(kek)};
    sd_err err = SD_OK;

    SD_CHECK_ARG(version >= 1 && version <= SD_MAX_KEK_VERSIONS);
    SD_ENSURE(!kr->kek[version].p, SD_E_CONFLICT);
    crypto_aead_xchacha20poly1305_ietf_keygen(kek);
    c.adlen = wrap_ad(c.ad, "sealdesk/v1/kek", 0, version);
    SD_TRY(sd_key_use(kr, SD_SLOT_MASTER, 0, do_wrap, &c));
    SD_TRY(gkey_set(&kr->kek[version], kek, sizeof(kek)));
    if(version > kr->kek_current)
        kr->kek_current = version;
out:
    sodium_memzero(kek, sizeof(kek));
    return err;
}

sd_err
sd_keyring_kek_load(struct sd_keyring *kr, uint32_t version, const uint8_t *wrapped, size_t n)
{
    uint8_t kek[SD_KEY_BYTES];
    struct wrap_ctx c = {.dst = kek, .keylen = sizeof(kek), .blob = wrapped, .n = n};
    sd_err err = SD_OK;

    SD_CHECK_ARG(version >= 1 && version <= SD_MAX_KEK_VERSIONS);
    c.adlen = wrap_ad(c.ad, "sealdesk/v1/kek", 0, version);
    SD_TRY(sd_key_use(kr, SD_SLOT_MASTER, 0, do_unwrap, &c));
    SD_TRY(gkey_set(&kr->kek[version], kek, sizeof(kek)));
    if(version > kr->kek_current)
        kr->kek_current = version;
out:
    sodium_memzero(kek, sizeof(kek));
    return err;
}

uint32_t
sd_keyring_kek_current(const struct sd_keyring *kr)
{
    return kr->kek_current;
}

void
sd_keyring_set_min_version(struct sd_keyring *kr, uint32_t v)
{
    kr->kek_min = v ? v : 1;
}

static const char *
ikey_label(enum sd_instance_key kind)
{
    return kind == SD_IKEY_BIDX ? "sealdesk/v1/bidx" : "sealdesk/v1/audit";
}

static sd_err
ikey_install(struct sd_keyring *kr, enum sd_instance_key kind, const uint8_t seed[32],
             uint8_t pk[SD_SIG_PK_BYTES])
{
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    sd_err err;

    if(kind == SD_IKEY_BIDX)
        return gkey_set(&kr->bidx, seed, SD_KEY_BYTES);
    crypto_sign_seed_keypair(kr->sign_pk, sk, seed);
    if(pk)
        memcpy(pk, kr->sign_pk, SD_SIG_PK_BYTES);
    err = gkey_set(&kr->sign, sk, sizeof(sk));
    sodium_memzero(sk, sizeof(sk));
    return err;
}

sd_err
sd_keyring_ikey_create(struct sd_keyring *kr, enum sd_instance_key kind, uint32_t version,
                       struct sd_buf *wrapped, uint8_t pk[SD_SIG_PK_BYTES])
{
    uint8_t seed[SD_KEY_BYTES];
    struct wrap_ctx c = {.out = wrapped, .key = seed, .keylen = sizeof(seed)};
    sd_err err = SD_OK;

    SD_CHECK_ARG(kind == SD_IKEY_BIDX || kind == SD_IKEY_AUDIT_SIGN);
    randombytes_buf(seed, sizeof(seed));
    c.adlen = wrap_ad(c.ad, ikey_label(kind), 0, version);
    SD_TRY(sd_key_use(kr, SD_SLOT_MASTER, 0, do_wrap, &c));
    SD_TRY(ikey_install(kr, kind, seed, pk));
out:
    sodium_memzero(seed, sizeof(seed));
    return err;
}

sd_err
sd_keyring_ikey_load(struct sd_keyring *kr, enum sd_instance_key kind, uint32_t version,
                     const uint8_t *wrapped, size_t n)
{
    uint8_t seed[SD_KEY_BYTES];
    struct wrap_ctx c = {.dst = seed, .keylen = sizeof(seed), .blob = wrapped, .n = n};
    sd_err err = SD_OK;

    SD_CHECK_ARG(kind == SD_IKEY_BIDX || kind == SD_IKEY_AUDIT_SIGN);
    c.adlen = wrap_ad(c.ad, ikey_label(kind), 0, version);
    SD_TRY(sd_key_use(kr, SD_SLOT_MASTER, 0, do_unwrap, &c));
    SD_TRY(ikey_install(kr, kind, seed, NULL));
out:
    sodium_memzero(seed, sizeof(seed));
    return err;
}

/* ---- data keys ---- */

sd_err
sd_dkey_wrap(const struct sd_keyring *kr, struct sd_dkey *dk, struct sd_buf *wrapped)
{
    struct wrap_ctx c = {.out = wrapped, .key = dk->key, .keylen = SD_KEY_BYTES};
    uint32_t v = kr->kek_current;
    sd_err err;

    c.adlen = wrap_ad(c.ad, "sealdesk/v1/dk", dk->id, v);
    err = sd_key_use(kr, SD_SLOT_KEK, v, do_wrap, &c);
    if(err == SD_OK)
        dk->kek_version = v;
    return err;
}

sd_err
sd_dkey_create(const struct sd_keyring *kr, uint64_t id, struct sd_dkey **out,
               struct sd_buf *wrapped)
{
    struct sd_dkey *dk = sodium_malloc(sizeof(*dk));
    sd_err err;

    if(!dk)
        return SD_E_NOMEM;
    dk->id = id;
    crypto_aead_xchacha20poly1305_ietf_keygen(dk->key);
    err = sd_dkey_wrap(kr, dk, wrapped);
    if(err != SD_OK) {
        sodium_free(dk);
        return err;
    }
    *out = dk;
    return SD_OK;
}

sd_err
sd_dkey_open(const struct sd_keyring *kr, uint64_t id, uint32_t kek_version,
             const uint8_t *wrapped, size_t n, struct sd_dkey **out)
{
    struct sd_dkey *dk = sodium_malloc(sizeof(*dk));
    struct wrap_ctx c = {.keylen = SD_KEY_BYTES, .blob = wrapped, .n = n};
    sd_err err;

    if(!dk)
        return SD_E_NOMEM;
    dk->id = id;
    dk->kek_version = kek_version;
    c.dst = dk->key;
    c.adlen = wrap_ad(c.ad, "sealdesk/v1/dk", id, kek_version);
    err = sd_key_use(kr, SD_SLOT_KEK, kek_version, do_unwrap, &c);
    if(err != SD_OK) {
        sodium_free(dk);
        return err;
    }
    *out = dk;
    return SD_OK;
}

uint64_t
sd_dkey_id(const struct sd_dkey *dk)
{
    return dk->id;
}

uint32_t
sd_dkey_kek_version(const struct sd_dkey *dk)
{
    return dk->kek_version;
}

void
sd_dkey_free(struct sd_dkey *dk)
{
    if(dk)
        sodium_free(dk);
}

/* ---- signing ---- */

struct sign_ctx {
    uint8_t *sig;
    const uint8_t *msg;
    size_t n;
};

static sd_err
do_sign(void *vctx, const uint8_t *sk, size_t len)
{
    struct sign_ctx *c = vctx;

    (void)len;
    return crypto_sign_detached(c->sig, NULL, c->msg, c->n, sk) == 0 ? SD_OK : SD_E_CRYPTO;
}

sd_err
sd_sig_sign(const struct sd_keyring *kr, uint8_t sig[SD_SIG_BYTES], const uint8_t *msg,
            size_t n)
{
    struct sign_ctx c = {sig, msg, n};

    return sd_key_use(kr, SD_SLOT_SIGN, 0, do_sign, &c);
}

sd_err
sd_sig_public_key(const struct sd_keyring *kr, uint8_t pk[SD_SIG_PK_BYTES])
{
    if(!kr->sign.p)
        return SD_E_PRECONDITION;
    memcpy(pk, kr->sign_pk, SD_SIG_PK_BYTES);
    return SD_OK;
}

sd_err
sd_sig_verify(const uint8_t pk[SD_SIG_PK_BYTES], const uint8_t sig[SD_SIG_BYTES],
              const uint8_t *msg, size_t n)
{
    return crypto_sign_verify_detached(sig, msg, n, pk) == 0 ? SD_OK : SD_E_CRYPTO;
}
