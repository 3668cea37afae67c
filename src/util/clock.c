/* sd_clock: the library's only source of wall-clock time, with a test override. RFC 3339
 * formatting and parsing for the tools' --now and JSON output. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sealdesk/clock.h"

static _Atomic uint64_t fixed_now;

uint64_t
sd_clock_now(void)
{
    uint64_t f = atomic_load(&fixed_now);
    struct timespec ts;

    if(f)
        return f;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec > 0 ? (uint64_t)ts.tv_sec : 0;
}

void
sd_clock_set(uint64_t t)
{
    atomic_store(&fixed_now, t);
}

static _Atomic uint64_t fixed_mono_ms;

uint64_t
sd_clock_mono_ms(void)
{
    uint64_t f = atomic_load(&fixed_mono_ms);
    struct timespec ts;

    if(f)
        return f;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void
sd_clock_set_mono_ms(uint64_t ms)
{
    atomic_store(&fixed_mono_ms, ms);
}

void
sd_time_format(char *out, size_t outlen, uint64_t t)
{
    struct tm tm;
    time_t tt = (time_t)t;

    if(!outlen)
        return;
    out[0] = 0;
    if(!t || !gmtime_r(&tt, &tm))
        return;
    if(strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = 0; /* did not fit: strftime leaves the buffer unterminated */
}

static int
digits(const char *s, int n)
{
    int v = 0;

    for(int i = 0; i < n; i++) {
        if(s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

sd_err
sd_time_parse(uint64_t *out, const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    int y, mo, d, h, mi, se, off = 0;
    const char *p;
    int64_t t;

    if(n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
       s[13] != ':' || s[16] != ':')
        return SD_E_INVALID;
    y = digits(s, 4);
    mo = digits(s + 5, 2);
    d = digits(s + 8, 2);
    h = digits(s + 11, 2);
    mi = digits(s + 14, 2);
    se = digits(s + 17, 2);
    if(y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h < 0 || h > 23 || mi < 0 ||
       mi > 59 || se < 0 || se > 60)
        return SD_E_INVALID;
    p = s + 19;
    if(*p == '.') {
        p++;
        if(*p < '0' || *p > '9')
            return SD_E_INVALID;
        while(*p >= '0' && *p <= '9')
            p++;
    }
    if((*p == 'Z' || *p == 'z') && p[1] == 0) {
        off = 0;
    } else if((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);

        if(oh < 0 || oh > 23 || om < 0 || om > 59)
            return SD_E_INVALID;
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
    } else {
        return SD_E_INVALID;
    }
    t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    if(t <= 0)
        return SD_E_INVALID;
    *out = (uint64_t)t;
    return SD_OK;
}
