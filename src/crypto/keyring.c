/* The keyring: master key, versioned KEKs, blind-index and audit signing keys, each in its own
 * sodium_malloc block kept PROT_NONE while idle. sd_key_use() is the only place that makes a
 * key readable; a per-key user count keeps concurrent users from re-protecting it under each
 * other. Data keys are short-lived keymem slots wiped on free (see dkey_alloc). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto_int.h"
#include "keymem.h"
#include "sealdesk/clock.h"
#include "util/err_int.h"

static const char *ikey_label(enum sd_instance_key kind);

struct gkey {
    uint8_t *p; /* sodium_malloc, PROT_NONE while idle (see grace_ms) */
    size_t n;
    unsigned users;
    bool readable;        /* pages currently PROT_READ */
    uint64_t released_ms; /* when the last user let go (grace mode) */
};

struct sd_keyring {
    pthread_mutex_t mu;
    pthread_cond_t idle_cv; /* signalled when a key's last user lets go and someone waits */
    unsigned swap_waiters;  /* sd_keyring_sign_adopt calls waiting for the signing key */
    struct gkey master;
    struct gkey kek[SD_MAX_KEK_VERSIONS + 1]; /* by version; [0] unused */
    uint32_t kek_current;
    uint32_t kek_min;
    struct gkey bidx;
    struct gkey sign; /* Ed25519 secret key (seed || pk) */
    /* The key an instance-key rotation replaced, kept until its store txn has committed
     * (sd_keyring_ikey_rotate_end puts it back if it did not). kind 0: none. */
    struct {
        enum sd_instance_key kind;
        struct gkey key;
        uint8_t sign_pk[SD_SIG_PK_BYTES];
        uint32_t sign_version;
    } rot_prev;
    uint8_t sign_pk[SD_SIG_PK_BYTES];
    uint32_t sign_version; /* store version of `sign` (0: none) */
    struct gkey mail;      /* Ed25519 mail signing key (seed || pk), separate from `sign` */
    uint8_t mail_pk[SD_SIG_PK_BYTES];
    uint32_t mail_version; /* store version of `mail` (0: none) */
    struct gkey clog;      /* cluster log MAC key: derived from the master key at _new */
    /* 0: re-protect a key as soon as its last user is done. >0 (a server under load): keep it
     * readable until it has been idle that long; sd_keyring_idle() re-protects. Each mprotect
     * of a multi-threaded process flushes every CPU's TLB: doing four per ticket operation cost
     * most of the server's time. */
    uint64_t grace_ms;
};

sd_err
sd_crypto_init(void)
{
    return sodium_init() < 0 ? SD_E_CRYPTO : SD_OK;
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

/* Make g readable for the span of fn; with min_check, a KEK below the minimum version is
 * refused (checked under the lock: another thread may raise the minimum). */
static sd_err
gkey_use(struct sd_keyring *kr, struct gkey *g, uint32_t version, bool min_check, sd_key_fn fn,
         void *ctx)
{
    sd_err err;

    /* KEKs may be adopted by another thread (online rotation): read the slot under the lock. */
    pthread_mutex_lock(&kr->mu);
    if(!g->p || (min_check && version < kr->kek_min)) {
        pthread_mutex_unlock(&kr->mu);
        return SD_E_PRECONDITION;
    }
    if(g->users++ == 0 && !g->readable) {
        sodium_mprotect_readonly(g->p);
        g->readable = true;
    }
    pthread_mutex_unlock(&kr->mu);
    err = fn(ctx, g->p, g->n);
    pthread_mutex_lock(&kr->mu);
    if(--g->users == 0) {
        if(kr->grace_ms) {
            g->released_ms = sd_clock_mono_ms();
        } else {
            sodium_mprotect_noaccess(g->p);
            g->readable = false;
        }
        if(kr->swap_waiters)
            pthread_cond_broadcast(&kr->idle_cv);
    }
    pthread_mutex_unlock(&kr->mu);
    return err;
}

static void
gkey_idle(struct gkey *g, uint64_t now, uint64_t grace)
{
    if(g->p && g->readable && g->users == 0 && now >= g->released_ms + grace) {
        sodium_mprotect_noaccess(g->p);
        g->readable = false;
    }
}

void
sd_keyring_set_grace(struct sd_keyring *kr, unsigned ms)
{
    pthread_mutex_lock(&kr->mu);
    kr->grace_ms = ms;
    pthread_mutex_unlock(&kr->mu);
    sd_keyring_idle(kr);
}

unsigned
sd_keyring_readable(const struct sd_keyring *kr_c)
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;
    unsigned n;

    pthread_mutex_lock(&kr->mu);
    n = kr->master.readable + kr->bidx.readable + kr->sign.readable + kr->rot_prev.key.readable +
        kr->clog.readable;
    for(size_t v = 1; v <= SD_MAX_KEK_VERSIONS; v++)
        n += kr->kek[v].readable;
    pthread_mutex_unlock(&kr->mu);
    return n;
}

void
sd_keyring_idle(struct sd_keyring *kr)
{
    uint64_t now = sd_clock_mono_ms();

    pthread_mutex_lock(&kr->mu);
    gkey_idle(&kr->master, now, kr->grace_ms);
    for(size_t v = 1; v <= SD_MAX_KEK_VERSIONS; v++)
        gkey_idle(&kr->kek[v], now, kr->grace_ms);
    gkey_idle(&kr->bidx, now, kr->grace_ms);
    gkey_idle(&kr->sign, now, kr->grace_ms);
    gkey_idle(&kr->mail, now, kr->grace_ms);
    gkey_idle(&kr->clog, now, kr->grace_ms);
    gkey_idle(&kr->rot_prev.key, now, kr->grace_ms);
    pthread_mutex_unlock(&kr->mu);
}

static struct gkey *
slot_key(struct sd_keyring *kr, enum sd_key_slot slot, uint32_t version)
{
    switch(slot) {
    case SD_SLOT_MASTER:
        return &kr->master;
    case SD_SLOT_BIDX:
        return &kr->bidx;
    case SD_SLOT_SIGN:
        return &kr->sign;
    case SD_SLOT_MAIL:
        return &kr->mail;
    case SD_SLOT_CLOG:
        return &kr->clog;
    case SD_SLOT_KEK:
        return version == 0 || version > SD_MAX_KEK_VERSIONS ? NULL : &kr->kek[version];
    default:
        return NULL;
    }
}

sd_err
sd_key_use(const struct sd_keyring *kr_c, enum sd_key_slot slot, uint32_t version, sd_key_fn fn,
           void *ctx)
{
    /* The user count and page protection are bookkeeping, not key state: the keyring stays
     * logically const for callers. */
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;
    struct gkey *g = slot_key(kr, slot, version);

    if(!g)
        return slot == SD_SLOT_KEK ? SD_E_PRECONDITION : SD_E_INTERNAL;
    return gkey_use(kr, g, version, slot == SD_SLOT_KEK, fn, ctx);
}

sd_err
sd_wrap(struct sd_buf *out, const uint8_t kek[SD_KEY_BYTES], const uint8_t *key, size_t keylen,
        const uint8_t *ad, size_t adlen)
{
    uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
    unsigned long long clen;
    sd_err err;

    err =
        sd_buf_reserve(out, 1 + sizeof(nonce) + keylen + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    if(err != SD_OK)
        return err;
    randombytes_buf(nonce, sizeof(nonce));
    out->data[out->len] = 0x01;
    memcpy(out->data + out->len + 1, nonce, sizeof(nonce));
    crypto_aead_xchacha20poly1305_ietf_encrypt(out->data + out->len + 1 + sizeof(nonce), &clen, key,
                                               keylen, ad, adlen, NULL, nonce, kek);
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
    if(crypto_aead_xchacha20poly1305_ietf_decrypt(key, NULL, NULL, blob + 1 + npub, n - 1 - npub,
                                                  ad, adlen, blob + 1, kek) != 0)
        return SD_E_CRYPTO;
    return SD_OK;
}

/* Associated data for a key wrapped by the master key or a KEK: label | version/id. Labels
 * are the fixed strings of this file; one too long for ad[] is a broken invariant. */
static size_t
wrap_ad(uint8_t ad[48], const char *label, uint64_t id, uint32_t version)
{
    size_t n = strlen(label);

    if(n > 48 - 12)
        abort();
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): ad is binary AD, not a string
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
sd_master_key_passphrase(uint8_t out[SD_KEY_BYTES], const char *pass, size_t n,
                         const uint8_t salt[SD_PWHASH_SALT_BYTES])
{
    if(!pass || n < 1 || n > 4096)
        return SD_E_INVALID;
    if(crypto_pwhash(out, SD_KEY_BYTES, pass, n, salt, crypto_pwhash_OPSLIMIT_MODERATE,
                     crypto_pwhash_MEMLIMIT_MODERATE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return SD_E_NOMEM;
    return SD_OK;
}

/* The cluster log MAC key: keyed BLAKE2b-256 of a fixed label under the master key, so every
 * node holding the master key derives the same key and etcd never sees it. A new master key
 * (remaster) gives a new one: every node of a cluster must be remastered together. */
#define CLOG_LABEL "sealdesk/v1/cluster-log-mac"

static sd_err
clog_derive(struct gkey *g, const uint8_t master[SD_KEY_BYTES])
{
    uint8_t k[SD_KEY_BYTES];
    sd_err err = SD_E_CRYPTO;

    if(crypto_generichash(k, sizeof(k), (const uint8_t *)CLOG_LABEL, sizeof(CLOG_LABEL) - 1, master,
                          SD_KEY_BYTES) == 0)
        err = gkey_set(g, k, sizeof(k));
    sodium_memzero(k, sizeof(k));
    return err;
}

sd_err
sd_keyring_new(struct sd_keyring **out, const uint8_t master[SD_KEY_BYTES])
{
    struct sd_keyring *kr = calloc(1, sizeof(*kr));
    sd_err err;

    if(!kr)
        return SD_E_NOMEM;
    if(pthread_mutex_init(&kr->mu, NULL) != 0) {
        free(kr);
        return SD_E_NOMEM;
    }
    if(pthread_cond_init(&kr->idle_cv, NULL) != 0) {
        pthread_mutex_destroy(&kr->mu);
        free(kr);
        return SD_E_NOMEM;
    }
    kr->kek_min = 1;
    err = gkey_set(&kr->master, master, SD_KEY_BYTES);
    if(err == SD_OK)
        err = clog_derive(&kr->clog, master);
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
    gkey_clear(&kr->mail);
    gkey_clear(&kr->clog);
    gkey_clear(&kr->rot_prev.key);
    pthread_cond_destroy(&kr->idle_cv);
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
    SD_ENSURE(!sd_keyring_kek_has(kr, version), SD_E_CONFLICT);
    crypto_aead_xchacha20poly1305_ietf_keygen(kek);
    c.adlen = wrap_ad(c.ad, "sealdesk/v1/kek", 0, version);
    SD_TRY(sd_key_use(kr, SD_SLOT_MASTER, 0, do_wrap, &c));
    pthread_mutex_lock(&kr->mu);
    err = gkey_set(&kr->kek[version], kek, sizeof(kek));
    if(err == SD_OK && version > kr->kek_current)
        kr->kek_current = version;
    pthread_mutex_unlock(&kr->mu);
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
    pthread_mutex_lock(&kr->mu);
    err = gkey_set(&kr->kek[version], kek, sizeof(kek));
    if(err == SD_OK && version > kr->kek_current)
        kr->kek_current = version;
    pthread_mutex_unlock(&kr->mu);
out:
    sodium_memzero(kek, sizeof(kek));
    return err;
}

sd_err
sd_keyring_kek_adopt(const struct sd_keyring *kr_c, uint32_t version, const uint8_t *wrapped,
                     size_t n)
{
    /* The set of loaded KEKs is a cache of the store's `keys` table: adding one that another
     * process created does not change what the keyring means, so callers hold it const. */
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;

    if(sd_keyring_kek_has(kr, version))
        return SD_OK;
    {
        sd_err err = sd_keyring_kek_load(kr, version, wrapped, n);

        return err == SD_E_CONFLICT ? SD_OK : err; /* another thread won the race */
    }
}

void
sd_keyring_kek_drop(struct sd_keyring *kr, uint32_t version)
{
    if(version == 0 || version > SD_MAX_KEK_VERSIONS)
        return;
    pthread_mutex_lock(&kr->mu);
    gkey_clear(&kr->kek[version]);
    while(kr->kek_current > 0 && !kr->kek[kr->kek_current].p)
        kr->kek_current--;
    pthread_mutex_unlock(&kr->mu);
}

bool
sd_keyring_kek_has(const struct sd_keyring *kr_c, uint32_t version)
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;
    bool has;

    if(version == 0 || version > SD_MAX_KEK_VERSIONS)
        return false;
    pthread_mutex_lock(&kr->mu);
    has = kr->kek[version].p != NULL;
    pthread_mutex_unlock(&kr->mu);
    return has;
}

uint32_t
sd_keyring_kek_current(const struct sd_keyring *kr_c)
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;
    uint32_t v;

    pthread_mutex_lock(&kr->mu);
    v = kr->kek_current;
    pthread_mutex_unlock(&kr->mu);
    return v;
}

uint32_t
sd_keyring_min_version(const struct sd_keyring *kr_c)
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;
    uint32_t v;

    pthread_mutex_lock(&kr->mu);
    v = kr->kek_min;
    pthread_mutex_unlock(&kr->mu);
    return v;
}

void
sd_keyring_set_min_version(struct sd_keyring *kr, uint32_t v)
{
    pthread_mutex_lock(&kr->mu);
    kr->kek_min = v ? v : 1;
    pthread_mutex_unlock(&kr->mu);
}

void
sd_keyring_raise_min_version(const struct sd_keyring *kr_c, uint32_t v)
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;

    pthread_mutex_lock(&kr->mu);
    if(v > kr->kek_min)
        kr->kek_min = v;
    pthread_mutex_unlock(&kr->mu);
}

/* ---- remaster: re-wrap loaded keys under a new master key ---- */

struct rewrap_ctx {
    struct sd_buf *out;
    const uint8_t *new_master;
    uint8_t ad[48];
    size_t adlen;
};

static sd_err
do_rewrap_master(void *vctx, const uint8_t *key, size_t len)
{
    struct rewrap_ctx *c = vctx;

    return sd_wrap(c->out, c->new_master, key, len < SD_KEY_BYTES ? len : SD_KEY_BYTES, c->ad,
                   c->adlen);
}

sd_err
sd_keyring_kek_rewrap_master(const struct sd_keyring *kr, uint32_t version,
                             const uint8_t new_master[SD_KEY_BYTES], struct sd_buf *wrapped)
{
    struct rewrap_ctx c = {.out = wrapped, .new_master = new_master};

    if(version == 0 || version > SD_MAX_KEK_VERSIONS)
        return SD_E_INVALID;
    c.adlen = wrap_ad(c.ad, "sealdesk/v1/kek", 0, version);
    /* No retired-version check: a retired KEK is still re-wrapped (kept, never used). */
    return gkey_use((struct sd_keyring *)kr, &((struct sd_keyring *)kr)->kek[version], version,
                    false, do_rewrap_master, &c);
}

sd_err
sd_keyring_ikey_rewrap_master(const struct sd_keyring *kr, enum sd_instance_key kind,
                              uint32_t version, const uint8_t new_master[SD_KEY_BYTES],
                              struct sd_buf *wrapped)
{
    struct rewrap_ctx c = {.out = wrapped, .new_master = new_master};

    if(kind != SD_IKEY_BIDX && kind != SD_IKEY_AUDIT_SIGN)
        return SD_E_INVALID;
    c.adlen = wrap_ad(c.ad, ikey_label(kind), 0, version);
    /* The signing slot holds seed || pk: the first 32 bytes are the seed that was wrapped. */
    return sd_key_use(kr, kind == SD_IKEY_BIDX ? SD_SLOT_BIDX : SD_SLOT_SIGN, 0, do_rewrap_master,
                      &c);
}

static const char *
ikey_label(enum sd_instance_key kind)
{
    return kind == SD_IKEY_BIDX ? "sealdesk/v1/bidx" : "sealdesk/v1/audit";
}

static sd_err
ikey_install(struct sd_keyring *kr, enum sd_instance_key kind, uint32_t version,
             const uint8_t seed[32], uint8_t pk[SD_SIG_PK_BYTES])
{
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    sd_err err;

    if(kind == SD_IKEY_BIDX)
        return gkey_set(&kr->bidx, seed, SD_KEY_BYTES);
    crypto_sign_seed_keypair(kr->sign_pk, sk, seed);
    if(pk)
        memcpy(pk, kr->sign_pk, SD_SIG_PK_BYTES);
    err = gkey_set(&kr->sign, sk, sizeof(sk));
    if(err == SD_OK)
        kr->sign_version = version;
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
    SD_TRY(ikey_install(kr, kind, version, seed, pk));
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
    SD_TRY(ikey_install(kr, kind, version, seed, NULL));
out:
    sodium_memzero(seed, sizeof(seed));
    return err;
}

sd_err
sd_keyring_ikey_rotate(struct sd_keyring *kr, enum sd_instance_key kind, uint32_t version,
                       struct sd_buf *wrapped, uint8_t pk[SD_SIG_PK_BYTES])
{
    struct gkey *slot;
    sd_err err;

    if(kind != SD_IKEY_BIDX && kind != SD_IKEY_AUDIT_SIGN)
        return SD_E_INVALID;
    if(kr->rot_prev.kind)
        return SD_E_PRECONDITION; /* the last rotation was not ended */
    slot = kind == SD_IKEY_BIDX ? &kr->bidx : &kr->sign;
    /* Move the old key aside so a failure, here or in the caller's txn, can put it back. */
    kr->rot_prev.kind = kind;
    kr->rot_prev.key = *slot;
    memcpy(kr->rot_prev.sign_pk, kr->sign_pk, sizeof(kr->sign_pk));
    kr->rot_prev.sign_version = kr->sign_version;
    memset(slot, 0, sizeof(*slot));
    err = sd_keyring_ikey_create(kr, kind, version, wrapped, pk);
    if(err != SD_OK)
        sd_keyring_ikey_rotate_end(kr, false);
    return err;
}

void
sd_keyring_ikey_rotate_end(struct sd_keyring *kr, bool committed)
{
    struct gkey *slot;

    if(!kr->rot_prev.kind)
        return;
    slot = kr->rot_prev.kind == SD_IKEY_BIDX ? &kr->bidx : &kr->sign;
    if(committed) {
        gkey_clear(&kr->rot_prev.key);
    } else {
        gkey_clear(slot);
        *slot = kr->rot_prev.key;
        memcpy(kr->sign_pk, kr->rot_prev.sign_pk, sizeof(kr->sign_pk));
        kr->sign_version = kr->rot_prev.sign_version;
    }
    memset(&kr->rot_prev, 0, sizeof(kr->rot_prev));
}

/* ---- data keys ---- */

sd_err
sd_dkey_wrap(const struct sd_keyring *kr, struct sd_dkey *dk, struct sd_buf *wrapped)
{
    struct wrap_ctx c = {.out = wrapped, .key = dk->key, .keylen = SD_KEY_BYTES};
    uint32_t v = sd_keyring_kek_current(kr);
    sd_err err;

    c.adlen = wrap_ad(c.ad, "sealdesk/v1/dk", dk->id, v);
    err = sd_key_use(kr, SD_SLOT_KEK, v, do_wrap, &c);
    if(err == SD_OK)
        dk->kek_version = v;
    return err;
}

/* Data keys live for one operation. They are keymem slots (MADV_DONTDUMP pages, mlock'ed
 * when allowed, wiped on free; keymem.c) rather than sodium_malloc blocks: the guard pages,
 * mlock and mprotect of sodium_malloc cost four syscalls and a cross-CPU TLB flush per ticket
 * operation, about 40% of the server's CPU under load (sealbench). Long-lived keys (master,
 * KEKs, index and signing keys) keep the guarded, PROT_NONE-when-idle memory. */
static struct sd_dkey *
dkey_alloc(void)
{
    _Static_assert(sizeof(struct sd_dkey) <= SD_KEYMEM_SLOT, "a data key fits a keymem slot");
    return sd_keymem_calloc(sizeof(struct sd_dkey));
}

sd_err
sd_dkey_create(const struct sd_keyring *kr, uint64_t id, struct sd_dkey **out,
               struct sd_buf *wrapped)
{
    struct sd_dkey *dk = dkey_alloc();
    sd_err err;

    if(!dk)
        return SD_E_NOMEM;
    dk->id = id;
    crypto_aead_xchacha20poly1305_ietf_keygen(dk->key);
    err = sd_dkey_wrap(kr, dk, wrapped);
    if(err != SD_OK) {
        sd_dkey_free(dk);
        return err;
    }
    *out = dk;
    return SD_OK;
}

sd_err
sd_dkey_open(const struct sd_keyring *kr, uint64_t id, uint32_t kek_version, const uint8_t *wrapped,
             size_t n, struct sd_dkey **out)
{
    struct sd_dkey *dk = dkey_alloc();
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
        sd_dkey_free(dk);
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
    sd_keymem_free(dk, sizeof(*dk)); /* wipes; NULL is a no-op */
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
sd_sig_sign(const struct sd_keyring *kr, uint8_t sig[SD_SIG_BYTES], const uint8_t *msg, size_t n)
{
    struct sign_ctx c = {sig, msg, n};

    return sd_key_use(kr, SD_SLOT_SIGN, 0, do_sign, &c);
}

sd_err
sd_sig_public_key(const struct sd_keyring *kr_c, uint8_t pk[SD_SIG_PK_BYTES])
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;
    sd_err err = SD_OK;

    /* sd_keyring_sign_adopt may replace the key from another thread: read under the lock. */
    pthread_mutex_lock(&kr->mu);
    if(!kr->sign.p)
        err = SD_E_PRECONDITION;
    else
        memcpy(pk, kr->sign_pk, SD_SIG_PK_BYTES);
    pthread_mutex_unlock(&kr->mu);
    return err;
}

/* ---- Ed25519 signing keys: the audit key and the mail key share one shape ---- */

/* A fresh seed wrapped under the master key with label/version in the AD; *pk its public key. */
static sd_err
sig_new(const struct sd_keyring *kr, const char *label, uint32_t version, struct sd_buf *wrapped,
        uint8_t pk[SD_SIG_PK_BYTES])
{
    uint8_t seed[SD_KEY_BYTES], sk[crypto_sign_SECRETKEYBYTES];
    struct wrap_ctx c = {.out = wrapped, .key = seed, .keylen = sizeof(seed)};
    sd_err err = SD_OK;

    SD_CHECK_ARG(kr && wrapped && pk && version >= 1);
    randombytes_buf(seed, sizeof(seed));
    c.adlen = wrap_ad(c.ad, label, 0, version);
    SD_TRY(sd_key_use(kr, SD_SLOT_MASTER, 0, do_wrap, &c));
    crypto_sign_seed_keypair(pk, sk, seed);
out:
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(sk, sizeof(sk));
    return err;
}

/* Unwrap a stored seed, check it gives pk, and make it the key of slot (with slot_pk and
 * slot_version), swapping only while nobody signs: a signer reads the slot's pointer outside
 * the lock. */
static sd_err
sig_adopt(struct sd_keyring *kr, const char *label, uint32_t version, const uint8_t *wrapped,
          size_t n, const uint8_t pk[SD_SIG_PK_BYTES], struct gkey *slot, uint8_t *slot_pk,
          uint32_t *slot_version)
{
    uint8_t seed[SD_KEY_BYTES], sk[crypto_sign_SECRETKEYBYTES], got[SD_SIG_PK_BYTES];
    struct wrap_ctx c = {.dst = seed, .keylen = sizeof(seed), .blob = wrapped, .n = n};
    struct gkey fresh, old;
    sd_err err = SD_OK;

    memset(&fresh, 0, sizeof(fresh));
    memset(&old, 0, sizeof(old));
    memset(sk, 0, sizeof(sk));
    SD_CHECK_ARG(kr && wrapped && pk && version >= 1);
    c.adlen = wrap_ad(c.ad, label, 0, version);
    SD_TRY(sd_key_use(kr, SD_SLOT_MASTER, 0, do_unwrap, &c));
    crypto_sign_seed_keypair(got, sk, seed);
    SD_ENSURE(sodium_memcmp(got, pk, SD_SIG_PK_BYTES) == 0, SD_E_CRYPTO);
    SD_TRY(gkey_set(&fresh, sk, sizeof(sk)));
    pthread_mutex_lock(&kr->mu);
    kr->swap_waiters++;
    while(slot->users > 0)
        pthread_cond_wait(&kr->idle_cv, &kr->mu);
    kr->swap_waiters--;
    old = *slot;
    *slot = fresh;
    memcpy(slot_pk, got, SD_SIG_PK_BYTES);
    *slot_version = version;
    pthread_mutex_unlock(&kr->mu);
    memset(&fresh, 0, sizeof(fresh)); /* now owned by the keyring */
out:
    gkey_clear(&old);
    gkey_clear(&fresh);
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(sk, sizeof(sk));
    return err;
}

/* The store version of a slot's key, 0 when the slot is empty. */
static uint32_t
sig_version(const struct sd_keyring *kr_c, const struct gkey *slot, const uint32_t *version)
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;
    uint32_t v;

    pthread_mutex_lock(&kr->mu);
    v = slot->p ? *version : 0;
    pthread_mutex_unlock(&kr->mu);
    return v;
}

/* ---- audit signing key rotation ---- */

sd_err
sd_keyring_sign_new(const struct sd_keyring *kr, uint32_t version, struct sd_buf *wrapped,
                    uint8_t pk[SD_SIG_PK_BYTES])
{
    return sig_new(kr, ikey_label(SD_IKEY_AUDIT_SIGN), version, wrapped, pk);
}

sd_err
sd_keyring_sign_adopt(const struct sd_keyring *kr_c, uint32_t version, const uint8_t *wrapped,
                      size_t n, const uint8_t pk[SD_SIG_PK_BYTES])
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;

    return sig_adopt(kr, ikey_label(SD_IKEY_AUDIT_SIGN), version, wrapped, n, pk, &kr->sign,
                     kr->sign_pk, &kr->sign_version);
}

uint32_t
sd_keyring_sign_version(const struct sd_keyring *kr)
{
    return sig_version(kr, &kr->sign, &kr->sign_version);
}

/* ---- mail signing key (outbound verification codes; outbox/mailkey.c stores it) ---- */

#define MAIL_LABEL "sealdesk/v1/mail"

sd_err
sd_keyring_mail_new(const struct sd_keyring *kr, uint32_t version, struct sd_buf *wrapped,
                    uint8_t pk[SD_SIG_PK_BYTES])
{
    return sig_new(kr, MAIL_LABEL, version, wrapped, pk);
}

sd_err
sd_keyring_mail_adopt(const struct sd_keyring *kr_c, uint32_t version, const uint8_t *wrapped,
                      size_t n, const uint8_t pk[SD_SIG_PK_BYTES])
{
    struct sd_keyring *kr = (struct sd_keyring *)kr_c;

    return sig_adopt(kr, MAIL_LABEL, version, wrapped, n, pk, &kr->mail, kr->mail_pk,
                     &kr->mail_version);
}

uint32_t
sd_keyring_mail_version(const struct sd_keyring *kr)
{
    return sig_version(kr, &kr->mail, &kr->mail_version);
}

sd_err
sd_mail_sign(const struct sd_keyring *kr, uint8_t sig[SD_SIG_BYTES], const uint8_t *msg, size_t n)
{
    struct sign_ctx c = {sig, msg, n};

    return sd_key_use(kr, SD_SLOT_MAIL, 0, do_sign, &c);
}

sd_err
sd_keyring_mail_rewrap_master(const struct sd_keyring *kr, const uint8_t new_master[SD_KEY_BYTES],
                              struct sd_buf *wrapped)
{
    struct rewrap_ctx c = {.out = wrapped, .new_master = new_master};

    c.adlen = wrap_ad(c.ad, MAIL_LABEL, 0, sd_keyring_mail_version(kr));
    /* The slot holds seed || pk: the first 32 bytes are the seed that was wrapped. */
    return sd_key_use(kr, SD_SLOT_MAIL, 0, do_rewrap_master, &c);
}
