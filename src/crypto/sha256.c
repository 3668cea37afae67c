/* SHA-256 for the audit tree: OpenSSL's EVP implementation, which uses the CPU's SHA
 * extensions (libsodium's portable SHA-256 is 4-5x slower and dominated sealaudit's verify
 * time). One EVP_MD_CTX per thread, created on first use and freed at thread exit. sd_sha256
 * hashes small inputs such as key fingerprints with libsodium (no EVP set-up cost) and larger
 * ones (a ticket record's digest for its audit entry: two per created ticket, 0.19 M
 * instructions of libsodium's) with EVP. Same function, same digest. */
#include <pthread.h>
#include <stdlib.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "sealdesk/crypto.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t ctx_key;
static EVP_MD *sha256_md;

static void
ctx_free(void *p)
{
    EVP_MD_CTX_free(p);
}

static void
init_once(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    if(!sha256_md || pthread_key_create(&ctx_key, ctx_free) != 0)
        abort(); /* no SHA-256 means no audit log: a broken installation, not bad input */
}

void
sd_sha256_parts(uint8_t out[32], const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                const uint8_t *c, size_t clen)
{
    EVP_MD_CTX *ctx;

    pthread_once(&once, init_once);
    ctx = pthread_getspecific(ctx_key);
    if(!ctx) {
        ctx = EVP_MD_CTX_new();
        if(!ctx || pthread_setspecific(ctx_key, ctx) != 0)
            abort();
    }
    if(EVP_DigestInit_ex2(ctx, sha256_md, NULL) != 1 ||
       (alen && EVP_DigestUpdate(ctx, a, alen) != 1) ||
       (blen && EVP_DigestUpdate(ctx, b, blen) != 1) ||
       (clen && EVP_DigestUpdate(ctx, c, clen) != 1) || EVP_DigestFinal_ex(ctx, out, NULL) != 1)
        abort();
}

/* Inputs from this size on go through EVP (measured: below it the set-up dominates). */
#define SHA256_EVP_MIN 256

void
sd_sha256(uint8_t out[32], const uint8_t *p, size_t n)
{
    if(n >= SHA256_EVP_MIN)
        sd_sha256_parts(out, p, n, NULL, 0, NULL, 0);
    else
        crypto_hash_sha256(out, p, n);
}
