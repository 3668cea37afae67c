/* The cluster log MAC (crypto.h sd_clog_mac): keyed BLAKE2b-256 under the cluster log MAC key
 * (keyring.c derives it from the master key), made readable only for the span of one MAC. */
#include <string.h>

#include <sodium.h>

#include "crypto_int.h"
#include "util/err_int.h"

struct clog_ctx {
    const char *cluster;
    size_t clen;
    const uint8_t *msg;
    size_t n;
    uint8_t *out;
};

static sd_err
do_clog(void *ctx, const uint8_t *key, size_t keylen)
{
    struct clog_ctx *c = ctx;
    crypto_generichash_state st;
    uint8_t len = (uint8_t)c->clen;
    sd_err err = SD_OK;

    SD_ENSURE(crypto_generichash_init(&st, key, keylen, SD_CLOG_MAC_BYTES) == 0, SD_E_CRYPTO);
    crypto_generichash_update(&st, &len, 1);
    crypto_generichash_update(&st, (const uint8_t *)c->cluster, c->clen);
    crypto_generichash_update(&st, c->msg, c->n);
    crypto_generichash_final(&st, c->out, SD_CLOG_MAC_BYTES);
out:
    sodium_memzero(&st, sizeof(st)); /* the state holds the key's schedule */
    return err;
}

sd_err
sd_clog_mac(const struct sd_keyring *kr, uint8_t out[SD_CLOG_MAC_BYTES], const char *cluster,
            const uint8_t *msg, size_t n)
{
    sd_err err = SD_OK;
    struct clog_ctx c = {cluster, 0, msg, n, out};

    SD_CHECK_ARG(kr && out && cluster && (msg || !n));
    c.clen = strlen(cluster);
    SD_ENSURE(c.clen > 0 && c.clen <= 255, SD_E_INVALID);
    SD_TRY(sd_key_use(kr, SD_SLOT_CLOG, 0, do_clog, &c));
out:
    return err;
}

sd_err
sd_clog_mac_verify(const struct sd_keyring *kr, const uint8_t mac[SD_CLOG_MAC_BYTES],
                   const char *cluster, const uint8_t *msg, size_t n)
{
    sd_err err = SD_OK;
    uint8_t want[SD_CLOG_MAC_BYTES];

    SD_CHECK_ARG(mac);
    SD_TRY(sd_clog_mac(kr, want, cluster, msg, n));
    SD_ENSURE(sodium_memcmp(want, mac, SD_CLOG_MAC_BYTES) == 0, SD_E_CRYPTO);
out:
    sodium_memzero(want, sizeof(want));
    return err;
}
