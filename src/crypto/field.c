/* Field encryption: one XChaCha20-Poly1305 ciphertext per PII field, bound by its associated
 * data to ticket, field, data key and KEK version (DESIGN.md "Keys and encryption"). The data
 * key comes from keyring.c's sd_dkey_open/create; the store persists the sealed bytes. */
#include <string.h>

#include <sodium.h>

#include "crypto_int.h"
#include "util/err_int.h"

#define FIELD_VERSION 0x01
#define NPUB          crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define HDR           (1 + 8 + 4 + NPUB)

static const char ad_label[] = "sealdesk/v1";

static void
field_ad(uint8_t ad[sizeof(ad_label) - 1 + 24], uint64_t ticket_id, uint32_t field_id,
         uint64_t dkey_id, uint32_t kek_version)
{
    size_t n = sizeof(ad_label) - 1;

    memcpy(ad, ad_label, n);
    sd_put_u64be(ad + n, ticket_id);
    sd_put_u32be(ad + n + 8, field_id);
    sd_put_u64be(ad + n + 12, dkey_id);
    sd_put_u32be(ad + n + 20, kek_version);
}

sd_err
sd_field_seal(struct sd_buf *out, const struct sd_dkey *dk, uint64_t ticket_id, uint32_t field_id,
              const uint8_t *pt, size_t n)
{
    uint8_t ad[sizeof(ad_label) - 1 + 24];
    unsigned long long clen;
    uint8_t *p;
    size_t total;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && dk && (pt || n == 0));
    SD_TRY(sd_size_add(&total, n, SD_FIELD_OVERHEAD));
    SD_TRY(sd_buf_reserve(out, total));
    p = out->data + out->len;
    p[0] = FIELD_VERSION;
    sd_put_u64be(p + 1, dk->id);
    sd_put_u32be(p + 9, dk->kek_version);
    randombytes_buf(p + 13, NPUB);
    field_ad(ad, ticket_id, field_id, dk->id, dk->kek_version);
    crypto_aead_xchacha20poly1305_ietf_encrypt(p + HDR, &clen, pt, n, ad, sizeof(ad), NULL, p + 13,
                                               dk->key);
    out->len += HDR + (size_t)clen;
out:
    return err;
}

sd_err
sd_field_key_id(uint64_t *dkey_id, const uint8_t *sealed, size_t n)
{
    if(!sealed || n < SD_FIELD_OVERHEAD || sealed[0] != FIELD_VERSION)
        return SD_E_INVALID;
    *dkey_id = sd_get_u64be(sealed + 1);
    return SD_OK;
}

sd_err
sd_field_open(struct sd_buf *out, const struct sd_dkey *dk, uint64_t ticket_id, uint32_t field_id,
              const uint8_t *sealed, size_t n)
{
    uint8_t ad[sizeof(ad_label) - 1 + 24];
    uint64_t kid;
    size_t ptlen;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && dk);
    /* A malformed or foreign-key field is reported as an integrity failure: it is stored data
     * that does not authenticate, whatever the reason. */
    SD_ENSURE(sd_field_key_id(&kid, sealed, n) == SD_OK, SD_E_CRYPTO);
    SD_ENSURE(kid == dk->id, SD_E_CRYPTO);
    field_ad(ad, ticket_id, field_id, kid, sd_get_u32be(sealed + 9));
    ptlen = n - SD_FIELD_OVERHEAD;
    SD_TRY(sd_buf_reserve(out, ptlen));
    if(crypto_aead_xchacha20poly1305_ietf_decrypt(out->data + out->len, NULL, NULL, sealed + HDR,
                                                  n - HDR, ad, sizeof(ad), sealed + 13,
                                                  dk->key) != 0) {
        sodium_memzero(out->data + out->len, ptlen);
        err = SD_E_CRYPTO;
        goto out;
    }
    out->len += ptlen;
    SD_TRY(sd_buf_terminate(out));
out:
    return err;
}
