/* Endpoint lists and leader hints (issue 18): the one implementation sealctl, sealbench and
 * sealmailgate use to follow a cluster's leader. See include/sealdesk/endpoints.h. */
#include <stdio.h>
#include <string.h>

#include "sealdesk/endpoints.h"

/* One "host:port" of n bytes at p: printable ASCII host without space or comma, ':' and a
 * decimal port 1..65535. */
static bool
endpoint_ok(const char *p, size_t n, const char **reason)
{
    const char *colon = NULL;
    unsigned long port = 0;
    size_t digits;

    if(n > SD_ENDPOINT_MAX) {
        *reason = "is too long";
        return false;
    }
    for(size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];

        if(ch <= 0x20 || ch >= 0x7f || ch == ',') {
            *reason = "has a character that is not allowed";
            return false;
        }
        if(ch == ':')
            colon = p + i;
    }
    if(!colon) {
        *reason = "has no port (host:port)";
        return false;
    }
    if(colon == p) {
        *reason = "has no host";
        return false;
    }
    digits = n - (size_t)(colon + 1 - p);
    if(digits == 0 || digits > 5) {
        *reason = "has a bad port (1..65535)";
        return false;
    }
    for(size_t i = 0; i < digits; i++) {
        char ch = colon[1 + i];

        if(ch < '0' || ch > '9') {
            *reason = "has a bad port (1..65535)";
            return false;
        }
        port = port * 10 + (unsigned long)(ch - '0');
    }
    if(port < 1 || port > 65535) {
        *reason = "has a bad port (1..65535)";
        return false;
    }
    return true;
}

sd_err
sd_endpoints_parse(struct sd_endpoints *out, const char *list, const char *flag, char *why,
                   size_t whycap)
{
    const char *p = list, *reason = NULL;
    size_t len, k = 0;
    sd_err err = SD_E_INVALID;

    if(!flag)
        flag = "--server";
    out->n = 0;
    if(!list || !*list) {
        reason = "no endpoint";
        goto out;
    }
    len = strnlen(list, SD_ENDPOINTS_MAX_LEN + 1);
    if(len > SD_ENDPOINTS_MAX_LEN) {
        err = SD_E_LIMIT;
        reason = "list too long";
        goto out;
    }
    for(;;) {
        size_t n = strcspn(p, ",");

        if(k == SD_ENDPOINTS_MAX) {
            err = SD_E_LIMIT;
            reason = "at most 7 endpoints";
            goto out;
        }
        if(n == 0) {
            reason = "empty endpoint in the list";
            goto out;
        }
        if(!endpoint_ok(p, n, &reason)) {
            if(why && whycap)
                snprintf(why, whycap, "%s: endpoint %zu %s", flag, k + 1, reason);
            out->n = 0;
            return SD_E_INVALID;
        }
        memcpy(out->ep[k], p, n);
        out->ep[k][n] = 0;
        k++;
        p += n;
        if(!*p)
            break;
        p++; /* the comma; a trailing one gives an empty endpoint above */
    }
    out->n = k;
    return SD_OK;
out:
    out->n = 0;
    if(why && whycap)
        snprintf(why, whycap, "%s: %s", flag, reason);
    return err;
}

bool
sd_endpoints_leader_hint(const char *msg, char *out, size_t cap)
{
    const char *p, *addr, *reason = NULL;
    size_t n;

    if(!msg || !out || cap == 0)
        return false;
    p = strstr(msg, "leader=");
    if(!p || strncmp(p, "leader=unknown", 14) == 0)
        return false;
    addr = strchr(p, ' ');
    if(!addr)
        return false;
    addr++;
    n = strcspn(addr, " ;,");
    if(n == 0 || n >= cap || !endpoint_ok(addr, n, &reason))
        return false;
    memcpy(out, addr, n);
    out[n] = 0;
    return true;
}

void
sd_follow_init(struct sd_follow *f, const struct sd_endpoints *eps)
{
    f->eps = eps;
    f->next = 0;
    snprintf(f->target, sizeof(f->target), "%s", eps->n ? eps->ep[0] : "");
}

bool
sd_follow_next(struct sd_follow *f, const char *unavailable_msg)
{
    char hint[SD_ENDPOINT_MAX + 1];

    /* follow a hint, unless it names the endpoint that just answered (a node that lost its
     * lead may still name itself: going back there would spend every hop on it) */
    if(unavailable_msg && sd_endpoints_leader_hint(unavailable_msg, hint, sizeof(hint)) &&
       strcmp(hint, f->target) != 0) {
        memcpy(f->target, hint, sizeof(hint));
        return false;
    }
    if(f->eps->n == 0)
        return true;
    f->next = (f->next + 1) % f->eps->n;
    snprintf(f->target, sizeof(f->target), "%s", f->eps->ep[f->next]);
    return f->next == 0;
}
