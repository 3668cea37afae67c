/* Display masks for PII: enough to recognise a customer on a call ("a***@example.com",
 * "+82******5678"), never enough to contact or impersonate them. Subject and body are not
 * masked (they are the ticket; secrets were redacted on intake). */
#include <string.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"
#include "sealdesk/mask.h"
#include "sealdesk/tickets.h"

/* Length of the UTF-8 sequence starting at s[0] (1 for invalid lead bytes). */
static size_t
u8len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t l = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

    return l <= n ? l : n;
}

static sd_err
stars(struct sd_buf *out, size_t k)
{
    sd_err err = SD_OK;

    for(size_t i = 0; i < k && err == SD_OK; i++)
        err = sd_buf_append_byte(out, '*');
    return err;
}

static sd_err
mask_email(struct sd_buf *out, const char *v, size_t n)
{
    const char *at = memchr(v, '@', n);
    sd_err err;

    if(!at || at == v)
        return sd_buf_append_str(out, "***");
    err = sd_buf_append(out, v, u8len(v, (size_t)(at - v)));
    if(err == SD_OK)
        err = sd_buf_append_str(out, "***");
    if(err == SD_OK)
        err = sd_buf_append(out, at, (size_t)(v + n - at));
    return err;
}

static sd_err
mask_phone(struct sd_buf *out, const char *v, size_t n)
{
    size_t digits = 0, seen = 0;
    sd_err err = SD_OK;

    for(size_t i = 0; i < n; i++)
        digits += v[i] >= '0' && v[i] <= '9';
    /* Keep '+', the first two digits (country code) and the last four. */
    for(size_t i = 0; i < n && err == SD_OK; i++) {
        if(v[i] == '+') {
            err = sd_buf_append_byte(out, '+');
        } else if(v[i] >= '0' && v[i] <= '9') {
            bool keep = digits > 8 && (seen < 2 || seen >= digits - 4);

            err = sd_buf_append_byte(out, keep ? (uint8_t)v[i] : '*');
            seen++;
        }
    }
    return err;
}

/* Keep `head` and `tail` bytes of an ASCII-ish identifier when it is long enough. */
static sd_err
mask_ends(struct sd_buf *out, const char *v, size_t n, size_t head, size_t tail)
{
    sd_err err;

    if(n <= head + tail + 2)
        return sd_buf_append_str(out, "***");
    err = sd_buf_append(out, v, head);
    if(err == SD_OK)
        err = stars(out, 3);
    if(err == SD_OK)
        err = sd_buf_append(out, v + n - tail, tail);
    return err;
}

static sd_err
mask_wallets(struct sd_buf *out, const char *v, size_t n)
{
    size_t i = 0;
    bool first = true;
    sd_err err = SD_OK;

    while(i < n && err == SD_OK) {
        size_t j = i;

        while(j < n && v[j] != ',' && v[j] != ' ' && v[j] != '\n' && v[j] != ';')
            j++;
        if(j > i) {
            if(!first)
                err = sd_buf_append_byte(out, ',');
            if(err == SD_OK)
                err = mask_ends(out, v + i, j - i, 4, 4);
            first = false;
        }
        i = j + 1;
    }
    return err;
}

static sd_err
mask_ip(struct sd_buf *out, const char *v, size_t n)
{
    const char *dot = memchr(v, '.', n);
    const char *colon = memchr(v, ':', n);
    sd_err err;

    if(dot && !colon) {
        const char *dot2 = memchr(dot + 1, '.', (size_t)(v + n - dot - 1));

        if(!dot2)
            return sd_buf_append_str(out, "***");
        err = sd_buf_append(out, v, (size_t)(dot2 - v));
        return err == SD_OK ? sd_buf_append_str(out, ".*.*") : err;
    }
    if(colon) {
        err = sd_buf_append(out, v, (size_t)(colon - v));
        return err == SD_OK ? sd_buf_append_str(out, ":*") : err;
    }
    return sd_buf_append_str(out, "***");
}

sd_err
sd_mask(struct sd_buf *out, enum sd_field f, const char *v, size_t n)
{
    sd_err err;

    if(!n)
        return SD_OK;
    switch(f) {
    case SD_F_CUSTOMER_EMAIL:
        return mask_email(out, v, n);
    case SD_F_CUSTOMER_PHONE:
        return mask_phone(out, v, n);
    case SD_F_CUSTOMER_NAME:
        err = sd_buf_append(out, v, u8len(v, n));
        return err == SD_OK ? sd_buf_append_str(out, "***") : err;
    case SD_F_CUSTOMER_UID:
        return mask_ends(out, v, n, 2, 2);
    case SD_F_NATIONAL_ID:
        return mask_ends(out, v, n, 0, 4);
    case SD_F_WALLETS:
        return mask_wallets(out, v, n);
    case SD_F_IP_ADDRESS:
        return mask_ip(out, v, n);
    case SD_F_SUBJECT:
    case SD_F_BODY:
        return sd_buf_append(out, v, n);
    default:
        return SD_E_INVALID;
    }
}
