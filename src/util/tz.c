/* Time zones from the system tz database: a small TZif (RFC 8536) reader for version 2+
 * files (64-bit transition times; version 1 files use their 32-bit block) and the POSIX TZ
 * rule of the footer ("GMT0BST,M3.5.0/1,M10.5.0") for times after the last transition, with
 * a process-wide cache of loaded zones. Fixed "UTC+HH:MM" offsets need no file. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/tz.h"
#include "util/err_int.h"

struct rule_time {
    int month, week, wday; /* Mm.w.d */
    int32_t secs;          /* local time of day of the change, default 02:00 */
};

struct zone {
    char name[SD_TZ_NAME_MAX + 1];
    size_t n_trans;
    int64_t *trans; /* transition times, ascending */
    uint8_t *idx;   /* type after each transition */
    size_t n_types;
    int32_t *utoff; /* by type */
    uint8_t *isdst;
    int32_t first_std; /* offset before the first transition */
    bool has_rule;     /* footer rule usable after the last transition */
    int32_t std_off, dst_off;
    bool has_dst;
    struct rule_time start, end;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct zone *cache[SD_TZ_MAX_CACHED];
static size_t n_cache;

static int
two(const char *s)
{
    if(s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

bool
sd_tz_fixed(const char *zone, int32_t *off_sec)
{
    int h, m;

    if(!zone)
        return false;
    if(strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0 || strcmp(zone, "GMT") == 0) {
        *off_sec = 0;
        return true;
    }
    if(strncmp(zone, "UTC", 3) != 0 || (zone[3] != '+' && zone[3] != '-') || strlen(zone) != 9 ||
       zone[6] != ':')
        return false;
    h = two(zone + 4);
    m = two(zone + 7);
    if(h < 0 || m < 0 || h > 14 || m > 59 || (h == 14 && m))
        return false;
    *off_sec = (zone[3] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return true;
}

static bool
name_ok(const char *z)
{
    size_t n = strnlen(z, SD_TZ_NAME_MAX + 1);

    if(n == 0 || n > SD_TZ_NAME_MAX || z[0] == '/' || z[0] == '.' || strstr(z, "..") ||
       strstr(z, "//"))
        return false;
    for(size_t i = 0; i < n; i++) {
        char c = z[i];

        if(!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '/' || c == '_' || c == '+' || c == '-'))
            return false;
    }
    return true;
}

/* ---- POSIX TZ footer ---- */

/* Zone abbreviation: letters, or <...>. */
static const char *
skip_name(const char *p)
{
    if(*p == '<') {
        const char *e = strchr(p, '>');

        return e && e - p >= 4 ? e + 1 : NULL;
    }
    const char *b = p;

    while((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - b >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] -> seconds; hours up to max_h. */
static const char *
parse_hms(const char *p, int max_h, int32_t *out)
{
    int sign = 1;
    long h = 0, m = 0, s = 0;

    if(*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if(*p < '0' || *p > '9')
        return NULL;
    while(*p >= '0' && *p <= '9' && h <= 999)
        h = h * 10 + (*p++ - '0');
    if(*p == ':') {
        p++;
        if(two(p) < 0)
            return NULL;
        m = two(p);
        p += 2;
        if(*p == ':') {
            p++;
            if(two(p) < 0)
                return NULL;
            s = two(p);
            p += 2;
        }
    }
    if(h > max_h || m > 59 || s > 59)
        return NULL;
    *out = (int32_t)(sign * (h * 3600 + m * 60 + s));
    return p;
}

/* ",Mm.w.d[/time]" */
static const char *
parse_rule_time(const char *p, struct rule_time *r)
{
    char *e;
    long v;

    if(*p++ != ',' || *p++ != 'M')
        return NULL; /* Jn and n forms: not used by tzdata zones; treated as no rule */
    v = strtol(p, &e, 10);
    if(e == p || v < 1 || v > 12 || *e != '.')
        return NULL;
    r->month = (int)v;
    p = e + 1;
    v = strtol(p, &e, 10);
    if(e == p || v < 1 || v > 5 || *e != '.')
        return NULL;
    r->week = (int)v;
    p = e + 1;
    v = strtol(p, &e, 10);
    if(e == p || v < 0 || v > 6)
        return NULL;
    r->wday = (int)v;
    p = e;
    r->secs = 7200;
    if(*p == '/')
        p = parse_hms(p + 1, 167, &r->secs);
    return p;
}

/* "STDoffset[DST[offset][,start[/time],end[/time]]]"; POSIX offsets are west of UTC. */
static bool
parse_footer(struct zone *z, const char *s)
{
    const char *p = skip_name(s);
    int32_t off;

    if(!p || !(p = parse_hms(p, 24, &off)))
        return false;
    z->std_off = -off;
    z->has_dst = false;
    if(*p == 0)
        return true;
    if(!(p = skip_name(p)))
        return false;
    z->dst_off = z->std_off + 3600;
    if(*p && *p != ',') {
        if(!(p = parse_hms(p, 24, &off)))
            return false;
        z->dst_off = -off;
    }
    if(!(p = parse_rule_time(p, &z->start)) || !(p = parse_rule_time(p, &z->end)) || *p)
        return false;
    z->has_dst = true;
    return true;
}

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int
year_of(int64_t t)
{
    int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;

    return (int)(yoe + era * 400 + (m <= 2));
}

static bool
leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds since the epoch (as if local were UTC) of rule r in year y. */
static int64_t
rule_local(int y, const struct rule_time *r)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t first = days_from_civil(y, (unsigned)r->month, 1);
    int wd_first = (int)(((first % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    int dim = mdays[r->month - 1] + (r->month == 2 && leap(y));
    int day = 1 + (r->wday - wd_first + 7) % 7 + (r->week - 1) * 7;

    while(day > dim)
        day -= 7;
    return (first + day - 1) * 86400 + r->secs;
}

static int32_t
rule_offset(const struct zone *z, int64_t t)
{
    int y;
    int64_t start, end;

    if(!z->has_dst)
        return z->std_off;
    y = year_of(t + z->std_off);
    start = rule_local(y, &z->start) - z->std_off; /* written in standard time */
    end = rule_local(y, &z->end) - z->dst_off;     /* written in daylight time */
    if(start < end)
        return t >= start && t < end ? z->dst_off : z->std_off;
    return t >= end && t < start ? z->std_off : z->dst_off; /* southern hemisphere */
}

/* ---- TZif ---- */

static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct hdr {
    uint32_t isut, isstd, leap, time, type, chars;
};

static bool
read_hdr(const uint8_t *p, size_t n, struct hdr *h)
{
    if(n < 44 || memcmp(p, "TZif", 4) != 0)
        return false;
    h->isut = be32(p + 20);
    h->isstd = be32(p + 24);
    h->leap = be32(p + 28);
    h->time = be32(p + 32);
    h->type = be32(p + 36);
    h->chars = be32(p + 40);
    return h->type >= 1 && h->type <= 256 && h->time <= 100000 && h->leap <= 10000 &&
           h->chars <= 65536 && h->isut <= h->type && h->isstd <= h->type;
}

static size_t
block_len(const struct hdr *h, size_t tsize)
{
    return h->time * tsize + h->time + h->type * 6 + h->chars + h->leap * (tsize + 4) + h->isstd +
           h->isut;
}

static sd_err
parse_tzif(struct zone *z, const uint8_t *p, size_t n)
{
    struct hdr h;
    size_t tsize = 4, len;
    const uint8_t *b;
    sd_err err = SD_OK;

    SD_ENSURE(read_hdr(p, n, &h), SD_E_STORE);
    len = block_len(&h, 4);
    SD_ENSURE(44 + len <= n, SD_E_STORE);
    if(p[4] >= '2') {
        p += 44 + len;
        n -= 44 + len;
        SD_ENSURE(read_hdr(p, n, &h), SD_E_STORE);
        tsize = 8;
        len = block_len(&h, 8);
        SD_ENSURE(44 + len <= n, SD_E_STORE);
    }
    b = p + 44;
    z->n_trans = h.time;
    z->n_types = h.type;
    z->trans = calloc(h.time + 1, sizeof(*z->trans));
    z->idx = calloc(h.time + 1, 1);
    z->utoff = calloc(h.type, sizeof(*z->utoff));
    z->isdst = calloc(h.type, 1);
    SD_ENSURE(z->trans && z->idx && z->utoff && z->isdst, SD_E_NOMEM);
    for(size_t i = 0; i < h.time; i++) {
        z->trans[i] = tsize == 8 ? be64(b + i * 8) : (int32_t)be32(b + i * 4);
        SD_ENSURE(i == 0 || z->trans[i] > z->trans[i - 1], SD_E_STORE);
    }
    b += h.time * tsize;
    for(size_t i = 0; i < h.time; i++) {
        SD_ENSURE(b[i] < h.type, SD_E_STORE);
        z->idx[i] = b[i];
    }
    b += h.time;
    z->first_std = INT32_MIN;
    for(size_t i = 0; i < h.type; i++) {
        int32_t off = (int32_t)be32(b + i * 6);

        SD_ENSURE(off > -26 * 3600 && off < 26 * 3600, SD_E_STORE);
        z->utoff[i] = off;
        z->isdst[i] = b[i * 6 + 4] ? 1 : 0;
        if(!z->isdst[i] && z->first_std == INT32_MIN)
            z->first_std = off;
    }
    if(z->first_std == INT32_MIN)
        z->first_std = z->utoff[0];
    if(tsize == 8) {
        const uint8_t *f = p + 44 + len, *end = p + n, *nl;
        char footer[128];

        if(f < end && *f == '\n' && (nl = memchr(f + 1, '\n', (size_t)(end - f - 1))) &&
           (size_t)(nl - f - 1) < sizeof(footer)) {
            memcpy(footer, f + 1, (size_t)(nl - f - 1));
            footer[nl - f - 1] = 0;
            z->has_rule = footer[0] && parse_footer(z, footer);
        }
    }
out:
    return err;
}

static void
zone_free(struct zone *z)
{
    if(!z)
        return;
    free(z->trans);
    free(z->idx);
    free(z->utoff);
    free(z->isdst);
    free(z);
}

static sd_err
zone_load(const char *name, struct zone **out)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    struct zone *z = NULL;
    uint8_t *buf = NULL;
    size_t n = 0;
    FILE *f = NULL;
    sd_err err = SD_OK;

    if(!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    SD_ENSURE((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path),
              SD_E_INVALID);
    f = fopen(path, "rbe");
    SD_ENSURE(f, errno == ENOENT || errno == ENOTDIR || errno == EISDIR ? SD_E_NOTFOUND : SD_E_IO);
    buf = malloc(SD_TZ_FILE_MAX + 1);
    SD_ENSURE(buf, SD_E_NOMEM);
    n = fread(buf, 1, SD_TZ_FILE_MAX + 1, f);
    /* a directory opens on some systems and reads nothing */
    SD_ENSURE(n > 0 && n <= SD_TZ_FILE_MAX && !ferror(f), n == 0 ? SD_E_NOTFOUND : SD_E_STORE);
    z = calloc(1, sizeof(*z));
    SD_ENSURE(z, SD_E_NOMEM);
    snprintf(z->name, sizeof(z->name), "%s", name);
    err = parse_tzif(z, buf, n);
    if(err == SD_E_STORE && (n < 4 || memcmp(buf, "TZif", 4) != 0))
        err = SD_E_NOTFOUND; /* not a zone file (e.g. zone.tab) */
    SD_TRY(err);
    *out = z;
    z = NULL;
out:
    zone_free(z);
    free(buf);
    if(f)
        (void)fclose(f); /* opened read-only: nothing to lose */
    return err;
}

static int32_t
zone_offset(const struct zone *z, int64_t t)
{
    size_t lo = 0, hi = z->n_trans;

    if(z->n_trans == 0)
        return z->has_rule ? rule_offset(z, t) : z->utoff[0];
    if(t < z->trans[0])
        return z->first_std;
    if(t >= z->trans[z->n_trans - 1] && z->has_rule)
        return rule_offset(z, t);
    while(hi - lo > 1) { /* last transition <= t */
        size_t mid = lo + (hi - lo) / 2;

        if(z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->utoff[z->idx[lo]];
}

sd_err
sd_tz_parse_offset(const uint8_t *p, size_t n, int64_t t, int32_t *off_sec)
{
    struct zone *z = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG((p || n == 0) && off_sec && n <= SD_TZ_FILE_MAX);
    z = calloc(1, sizeof(*z));
    SD_ENSURE(z, SD_E_NOMEM);
    SD_TRY(parse_tzif(z, p, n));
    *off_sec = zone_offset(z, t);
out:
    zone_free(z);
    return err;
}

sd_err
sd_tz_offset(const char *zone, int64_t t, int32_t *off_sec)
{
    struct zone *z = NULL;
    sd_err err = SD_OK;

    if(!zone || !off_sec)
        return SD_E_INVALID;
    if(sd_tz_fixed(zone, off_sec))
        return SD_OK;
    if(strncmp(zone, "UTC+", 4) == 0 || strncmp(zone, "UTC-", 4) == 0)
        return SD_E_INVALID; /* a malformed fixed offset, not a file name */
    if(!name_ok(zone))
        return SD_E_INVALID;
    pthread_mutex_lock(&cache_lock);
    for(size_t i = 0; i < n_cache; i++) {
        if(strcmp(cache[i]->name, zone) == 0) {
            z = cache[i];
            break;
        }
    }
    if(!z) {
        err = n_cache < SD_TZ_MAX_CACHED ? zone_load(zone, &z) : SD_E_LIMIT;
        if(err == SD_OK)
            cache[n_cache++] = z; /* kept for the life of the process */
    }
    if(err == SD_OK)
        *off_sec = zone_offset(z, t);
    pthread_mutex_unlock(&cache_lock);
    return err;
}
