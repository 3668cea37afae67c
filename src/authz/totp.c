/* RFC 6238 TOTP over RFC 4226 HOTP (HMAC-SHA-1 from OpenSSL; libsodium has no SHA-1), and
 * RFC 4648 base32 for otpauth:// URIs. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "sealdesk/authz.h"

uint32_t
sd_totp_code(const uint8_t *secret, size_t n, uint64_t counter, unsigned digits)
{
    uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
    unsigned maclen = 0, off;
    uint32_t bin, mod = 1;

    sd_put_u64be(msg, counter);
    if(!HMAC(EVP_sha1(), secret, (int)n, msg, sizeof(msg), mac, &maclen) || maclen < 20)
        return UINT32_MAX; /* never a valid code */
    off = mac[maclen - 1] & 0x0f;
    bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
          ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
    for(unsigned i = 0; i < digits && i < 9; i++)
        mod *= 10;
    sodium_memzero(mac, sizeof(mac));
    return bin % mod;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

sd_err
sd_base32_encode(char *out, size_t cap, const uint8_t *in, size_t n)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;

    for(size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while(bits >= 5) {
            if(o + 1 >= cap)
                return SD_E_LIMIT;
            out[o++] = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if(bits > 0) {
        if(o + 1 >= cap)
            return SD_E_LIMIT;
        out[o++] = b32[(acc << (5 - bits)) & 31];
    }
    out[o] = 0;
    return SD_OK;
}

sd_err
sd_base32_decode(uint8_t *out, size_t cap, size_t *n, const char *in)
{
    uint32_t acc = 0;
    int bits = 0;

    *n = 0;
    for(; *in && *in != '='; in++) {
        const char *p;
        char ch = *in;

        if(ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        p = strchr(b32, ch);
        if(!p || !ch)
            return SD_E_INVALID;
        acc = (acc << 5) | (uint32_t)(p - b32);
        bits += 5;
        if(bits >= 8) {
            if(*n >= cap)
                return SD_E_LIMIT;
            out[(*n)++] = (uint8_t)(acc >> (bits - 8));
            bits -= 8;
        }
    }
    return SD_OK;
}
