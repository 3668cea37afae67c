/* The etcd endpoint list: "https://h1:2379,https://h2:2379" -> "h1:2379", "h2:2379". */
#include <stdbool.h>
#include <string.h>

#include "etcd_int.h"

static bool
name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '-';
}

static bool
v6_char(char ch)
{
    return (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') || (ch >= '0' && ch <= '9') ||
           ch == ':' || ch == '.';
}

/* One item p[0..len): "https://" host ":" port ["/"]. */
static sd_err
parse_one(const char *p, size_t len, char *out, size_t cap)
{
    static const char scheme[] = "https://";
    const size_t sl = sizeof(scheme) - 1;
    size_t i;
    size_t h0;
    size_t h1;
    size_t port = 0;
    size_t digits = 0;

    if(len > 0 && p[len - 1] == '/')
        len--;
    if(len <= sl || memcmp(p, scheme, sl) != 0)
        return SD_E_INVALID;
    i = sl;
    h0 = i;
    if(p[i] == '[') {
        i++;
        while(i < len && v6_char(p[i]))
            i++;
        if(i >= len || p[i] != ']' || i == h0 + 1)
            return SD_E_INVALID;
        i++;
    } else {
        while(i < len && name_char(p[i]))
            i++;
        if(i == h0)
            return SD_E_INVALID;
    }
    h1 = i;
    if(i >= len || p[i] != ':')
        return SD_E_INVALID;
    for(i++; i < len; i++) {
        if(p[i] < '0' || p[i] > '9' || ++digits > 5)
            return SD_E_INVALID;
        port = port * 10 + (size_t)(p[i] - '0');
    }
    if(digits == 0 || port == 0 || port > 65535)
        return SD_E_INVALID;
    if(len - h0 > cap - 1 || h1 - h0 > 253 + 2)
        return SD_E_INVALID;
    memcpy(out, p + h0, len - h0);
    out[len - h0] = '\0';
    return SD_OK;
}

sd_err
sd_etcd_parse_endpoints(const char *s, size_t len,
                        char out[SD_ETCD_MAX_ENDPOINTS][SD_ETCD_MAX_TARGET + 1], size_t *n)
{
    size_t start = 0;
    size_t i;
    sd_err err;

    if(!s || !n || len == 0 || len > SD_ETCD_MAX_ENDPOINTS_LEN)
        return SD_E_INVALID;
    *n = 0;
    for(i = 0; i <= len; i++) {
        if(i < len && s[i] != ',')
            continue;
        if(*n == SD_ETCD_MAX_ENDPOINTS)
            return SD_E_INVALID;
        err = parse_one(s + start, i - start, out[*n], SD_ETCD_MAX_TARGET + 1);
        if(err != SD_OK)
            return err;
        (*n)++;
        start = i + 1;
    }
    return *n > 0 ? SD_OK : SD_E_INVALID;
}
