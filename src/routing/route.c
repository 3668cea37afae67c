/* Routing: agent profiles (skills and weekly shifts in local wall-clock time of a tz
 * database zone or a fixed UTC offset) stored as AgentRecord in SD_DB_AGENTS, the
 * fit/on-shift predicates, the pick used by sd_queue_claim (queue.c) inside its write txn,
 * and route auto (least-loaded fit agent on shift). Offsets come from util/tz.c at the moment
 * judged, so daylight saving time moves a shift with the agent's clock. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "desk.pb-c.h"
#include "route_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/lang.h"
#include "sealdesk/route.h"
#include "sealdesk/tickets.h"
#include "sealdesk/tz.h"
#include "util/err_int.h"

#define AGENT_REC_MAX (16 * 1024)

static const char *const day_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/* Two decimal digits at s, or -1. */
static int
two_digits(const char *s)
{
    if(!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "HH:MM" (exactly five bytes at s) -> minutes; max is the largest accepted value. */
static sd_err
parse_hhmm(const char *s, uint32_t max, uint32_t *out)
{
    int h = two_digits(s), m;

    if(h < 0 || s[2] != ':')
        return SD_E_INVALID;
    m = two_digits(s + 3);
    if(m < 0 || m > 59 || h > 24)
        return SD_E_INVALID;
    *out = (uint32_t)(h * 60 + m);
    return *out <= max ? SD_OK : SD_E_INVALID;
}

sd_err
sd_route_zone_offset(const char *zone, uint64_t at, int32_t *off_min)
{
    int32_t off;
    sd_err err;

    if(!zone || !off_min)
        return SD_E_INVALID;
    err = sd_tz_offset(zone, (int64_t)at, &off);
    if(err != SD_OK)
        return err == SD_E_NOTFOUND ? SD_E_INVALID : err;
    *off_min = off / 60;
    return SD_OK;
}

/* Offset in minutes of window w at now: from the tz database, else (tzdata gone since the
 * profile was set) the offset stored when it was. */
static int32_t
window_offset(const struct sd_shift *w, uint64_t now)
{
    int32_t off;

    return sd_route_zone_offset(w->zone, now, &off) == SD_OK ? off : w->utc_offset_min;
}

static int
day_index(const char *s, size_t n)
{
    for(int i = 0; i < 7; i++) {
        if(n == 3 && strncasecmp(s, day_names[i], 3) == 0)
            return i;
    }
    return -1;
}

/* "Mon-Fri", "Mon,Wed,Fri", "Fri-Mon", "Daily" -> day bits. */
static sd_err
parse_days(const char *s, size_t n, uint32_t *days)
{
    size_t i = 0;

    *days = 0;
    if(n == 5 && strncasecmp(s, "Daily", 5) == 0) {
        *days = 0x7f;
        return SD_OK;
    }
    while(i < n) {
        size_t e = i;
        int a, b;

        while(e < n && s[e] != ',')
            e++;
        if(e - i == 7 && s[i + 3] == '-') {
            a = day_index(s + i, 3);
            b = day_index(s + i + 4, 3);
        } else {
            a = b = day_index(s + i, e - i);
        }
        if(a < 0 || b < 0)
            return SD_E_INVALID;
        for(int d = a;; d = (d + 1) % 7) {
            *days |= 1u << d;
            if(d == b)
                break;
        }
        i = e + 1;
    }
    return *days ? SD_OK : SD_E_INVALID;
}

#define WHY(...) (why ? (void)snprintf(why, why_cap, __VA_ARGS__) : (void)0)

/* One window "DAYS HH:MM-HH:MM [ZONE]" of length n at s, the k-th (1-based) of its spec;
 * on error why (may be NULL) names the part that is wrong. */
static sd_err
parse_window(const char *s, size_t n, size_t k, struct sd_shift *w, char *why, size_t why_cap)
{
    char buf[128];
    char *tok[4], *save = NULL, *p;
    size_t nt = 0;
    sd_err err = SD_OK;

    if(n >= sizeof(buf)) {
        WHY("window %zu: longer than %zu bytes", k, sizeof(buf) - 1);
        return SD_E_INVALID;
    }
    memcpy(buf, s, n);
    buf[n] = 0;
    for(p = strtok_r(buf, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
        if(nt == 4)
            break;
        tok[nt++] = p;
    }
    if(nt != 2 && nt != 3) {
        WHY("window %zu: expected \"DAYS HH:MM-HH:MM [ZONE]\"", k);
        return SD_E_INVALID;
    }
    memset(w, 0, sizeof(*w));
    if(parse_days(tok[0], strlen(tok[0]), &w->days) != SD_OK) {
        WHY("window %zu: bad days \"%.32s\" (Mon..Sun, Mon-Fri, Mon,Wed or Daily)", k, tok[0]);
        return SD_E_INVALID;
    }
    if(strlen(tok[1]) != 11 || tok[1][5] != '-' ||
       parse_hhmm(tok[1], 23 * 60 + 59, &w->start_min) != SD_OK ||
       parse_hhmm(tok[1] + 6, 24 * 60, &w->end_min) != SD_OK) {
        WHY("window %zu: bad times \"%.32s\" (HH:MM-HH:MM, end may be 24:00)", k, tok[1]);
        return SD_E_INVALID;
    }
    if(w->start_min == w->end_min) {
        WHY("window %zu: start and end are the same time", k);
        return SD_E_INVALID;
    }
    if(w->end_min == 24 * 60)
        w->end_min = 0; /* "until midnight": a window that ends where the next day starts */
    if(nt == 3 && strlen(tok[2]) >= sizeof(w->zone)) {
        WHY("window %zu: time zone name longer than %zu bytes", k, sizeof(w->zone) - 1);
        return SD_E_INVALID;
    }
    snprintf(w->zone, sizeof(w->zone), "%s", nt == 3 ? tok[2] : "UTC");
    err = sd_route_zone_offset(w->zone, sd_clock_now(), &w->utc_offset_min);
    if(err != SD_OK)
        WHY("window %zu: unknown time zone \"%.40s\" (a tz database name such as "
            "Europe/London, or UTC+HH:MM)",
            k, w->zone);
    return err;
}

sd_err
sd_route_parse_shifts_why(const char *spec, struct sd_agent_profile *p, char *why, size_t why_cap)
{
    size_t len, i = 0, k = 0;
    sd_err err = SD_OK;

    if(why && why_cap)
        why[0] = 0;
    SD_CHECK_ARG(spec && p);
    len = strnlen(spec, SD_ROUTE_MAX_SPEC + 1);
    if(len > SD_ROUTE_MAX_SPEC) {
        WHY("longer than %d bytes", SD_ROUTE_MAX_SPEC);
        return SD_E_LIMIT;
    }
    while(i < len) {
        size_t e = i, b, z;

        while(e < len && spec[e] != ';')
            e++;
        b = i;
        z = e;
        while(b < z && isspace((unsigned char)spec[b]))
            b++;
        while(z > b && isspace((unsigned char)spec[z - 1]))
            z--;
        if(z > b) {
            k++;
            if(p->n_shifts >= SD_ROUTE_MAX_SHIFTS) {
                WHY("more than %d windows", SD_ROUTE_MAX_SHIFTS);
                return SD_E_LIMIT;
            }
            SD_TRY(parse_window(spec + b, z - b, k, &p->shifts[p->n_shifts], why, why_cap));
            p->n_shifts++;
        }
        i = e + 1;
    }
out:
    return err;
}

sd_err
sd_route_parse_shifts(const char *spec, struct sd_agent_profile *p)
{
    return sd_route_parse_shifts_why(spec, p, NULL, 0);
}

sd_err
sd_route_parse_langs(const char *csv, struct sd_agent_profile *p)
{
    char tag[16];
    size_t i = 0, len;
    sd_err err = SD_OK;

    SD_CHECK_ARG(p);
    p->n_langs = 0;
    if(!csv)
        goto out;
    len = strnlen(csv, SD_ROUTE_MAX_SPEC + 1);
    SD_ENSURE(len <= SD_ROUTE_MAX_SPEC, SD_E_LIMIT);
    while(i < len) {
        size_t e = i;
        const char *canon;
        bool dup = false;

        while(e < len && csv[e] != ',')
            e++;
        SD_ENSURE(e - i > 0 && e - i < sizeof(tag), SD_E_INVALID);
        memcpy(tag, csv + i, e - i);
        tag[e - i] = 0;
        canon = sd_lang_canon(tag);
        SD_ENSURE(canon, SD_E_INVALID);
        for(size_t k = 0; k < p->n_langs; k++)
            dup = dup || strcmp(p->langs[k], canon) == 0;
        if(!dup) {
            SD_ENSURE(p->n_langs < SD_ROUTE_MAX_LANGS, SD_E_LIMIT);
            snprintf(p->langs[p->n_langs++], sizeof(p->langs[0]), "%s", canon);
        }
        i = e + 1;
    }
out:
    return err;
}

sd_err
sd_route_parse_categories(const char *csv, struct sd_agent_profile *p)
{
    char name[32];
    size_t i = 0, len;
    sd_err err = SD_OK;

    SD_CHECK_ARG(p);
    p->categories = 0;
    if(!csv)
        goto out;
    len = strnlen(csv, SD_ROUTE_MAX_SPEC + 1);
    SD_ENSURE(len <= SD_ROUTE_MAX_SPEC, SD_E_LIMIT);
    while(i < len) {
        size_t e = i;
        enum sd_category c;

        while(e < len && csv[e] != ',')
            e++;
        SD_ENSURE(e - i > 0 && e - i < sizeof(name), SD_E_INVALID);
        memcpy(name, csv + i, e - i);
        name[e - i] = 0;
        SD_TRY(sd_category_parse(&c, name));
        p->categories |= 1u << c;
        i = e + 1;
    }
out:
    return err;
}

void
sd_route_shift_format(char *out, size_t cap, const struct sd_shift *s)
{
    char days[32] = "";
    size_t off = 0;
    uint32_t end = s->end_min ? s->end_min : 24 * 60;

    for(int d = 0; d < 7; d++) {
        if(s->days & (1u << d))
            off += (size_t)snprintf(days + off, sizeof(days) - off, "%s%s", off ? "," : "",
                                    day_names[d]);
    }
    snprintf(out, cap, "%s %02u:%02u-%02u:%02u %s", days, s->start_min / 60, s->start_min % 60,
             end / 60, end % 60, s->zone);
}

void
sd_route_override_format(char *out, size_t cap, const struct sd_shift_override *o)
{
    char from[32], to[32];

    sd_time_format(from, sizeof(from), o->from);
    sd_time_format(to, sizeof(to), o->to);
    snprintf(out, cap, "%s/%s %s", from, to, o->on ? "on" : "off");
}

static bool
window_on(const struct sd_shift *w, uint64_t now)
{
    int64_t local = (int64_t)now + (int64_t)window_offset(w, now) * 60;
    int64_t day, min;
    int wd, prev;

    if(local < 0)
        return false;
    day = local / 86400;
    min = (local % 86400) / 60;
    wd = (int)((day + 3) % 7); /* 1970-01-01 was a Thursday; 0 = Monday */
    prev = (wd + 6) % 7;
    if(w->start_min < w->end_min)
        return (w->days & (1u << wd)) && min >= w->start_min && min < w->end_min;
    /* wraps past midnight (end_min 0 = until midnight) */
    return ((w->days & (1u << wd)) && min >= w->start_min) ||
           ((w->days & (1u << prev)) && min < w->end_min);
}

bool
sd_agent_on_shift(const struct sd_agent_profile *p, uint64_t now)
{
    if(!p)
        return false;
    for(size_t i = p->n_overrides; i-- > 0;) {
        if(i < SD_ROUTE_MAX_OVERRIDES && now >= p->overrides[i].from && now < p->overrides[i].to)
            return p->overrides[i].on;
    }
    if(p->n_shifts == 0)
        return true;
    for(size_t i = 0; i < p->n_shifts && i < SD_ROUTE_MAX_SHIFTS; i++) {
        if(window_on(&p->shifts[i], now))
            return true;
    }
    return false;
}

static bool
same_lang(const char *agent, const char *ticket)
{
    /* Chinese agents read both scripts. */
    if(strncmp(agent, "zh", 2) == 0 && strncmp(ticket, "zh", 2) == 0)
        return true;
    return strcmp(agent, ticket) == 0;
}

bool
sd_agent_fits(const struct sd_agent_profile *p, const char *lang, enum sd_category cat, bool vip)
{
    bool lang_ok = !lang || !*lang || p->n_langs == 0;

    if(vip && !p->vip)
        return false;
    if(p->categories && (cat >= SD_CAT_COUNT || !(p->categories & (1u << cat))))
        return false;
    for(size_t i = 0; !lang_ok && i < p->n_langs && i < SD_ROUTE_MAX_LANGS; i++)
        lang_ok = same_lang(p->langs[i], lang);
    return lang_ok;
}

uint64_t
sd_route_wait(int priority)
{
    switch(priority) {
    case 1:
        return 2 * 60;
    case 2:
        return 10 * 60;
    case 3:
        return 30 * 60;
    default:
        return 2 * 3600;
    }
}

/* ---- storage ---- */

static sd_err
prof_from_pb(const Sealdesk__V1__AgentRecord *pb, struct sd_agent_profile *p)
{
    sd_err err = SD_OK;

    memset(p, 0, sizeof(*p));
    SD_ENSURE(sd_agent_name_ok(pb->name), SD_E_STORE);
    SD_ENSURE(pb->n_langs <= SD_ROUTE_MAX_LANGS && pb->n_shifts <= SD_ROUTE_MAX_SHIFTS &&
                  pb->n_overrides <= SD_ROUTE_MAX_OVERRIDES,
              SD_E_STORE);
    snprintf(p->name, sizeof(p->name), "%s", pb->name);
    for(size_t i = 0; i < pb->n_langs; i++) {
        SD_ENSURE(strlen(pb->langs[i]) < sizeof(p->langs[0]), SD_E_STORE);
        snprintf(p->langs[i], sizeof(p->langs[0]), "%s", pb->langs[i]);
    }
    p->n_langs = pb->n_langs;
    p->categories = pb->categories;
    p->vip = pb->vip;
    for(size_t i = 0; i < pb->n_shifts; i++) {
        const Sealdesk__V1__ShiftWindow *w = pb->shifts[i];

        SD_ENSURE(w->start_min < 24 * 60 && w->end_min < 24 * 60 && w->days <= 0x7f, SD_E_STORE);
        p->shifts[i].days = w->days;
        p->shifts[i].start_min = w->start_min;
        p->shifts[i].end_min = w->end_min;
        p->shifts[i].utc_offset_min = w->utc_offset_min;
        snprintf(p->shifts[i].zone, sizeof(p->shifts[i].zone), "%s", w->zone);
    }
    p->n_shifts = pb->n_shifts;
    for(size_t i = 0; i < pb->n_overrides; i++) {
        SD_ENSURE(pb->overrides[i]->from < pb->overrides[i]->to, SD_E_STORE);
        p->overrides[i].from = pb->overrides[i]->from;
        p->overrides[i].to = pb->overrides[i]->to;
        p->overrides[i].on = pb->overrides[i]->on;
    }
    p->n_overrides = pb->n_overrides;
    p->updated_at = pb->updated_at;
out:
    return err;
}

static sd_err
prof_decode(const struct sd_val *v, struct sd_agent_profile *p)
{
    Sealdesk__V1__AgentRecord *pb;
    sd_err err;

    pb = sealdesk__v1__agent_record__unpack(NULL, v->n, v->p);
    if(!pb)
        return SD_E_STORE;
    err = prof_from_pb(pb, p);
    sealdesk__v1__agent_record__free_unpacked(pb, NULL);
    return err;
}

static sd_err
prof_load(struct sd_txn *t, const char *name, struct sd_agent_profile *p)
{
    struct sd_val v;
    sd_err err = SD_OK;

    SD_TRY(sd_txn_get(t, SD_DB_AGENTS, name, strlen(name), &v));
    SD_TRY(prof_decode(&v, p));
out:
    return err;
}

/* Every profile of the store (by name), malloc'ed into *out. */
static sd_err
prof_load_all(struct sd_txn *t, struct sd_agent_profile **out, size_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_agent_profile *arr = NULL;
    struct sd_val k, v;
    size_t cap = 0, cnt = 0;
    sd_err err = SD_OK, rc;

    SD_TRY(sd_cursor_open(t, SD_DB_AGENTS, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(cnt < SD_ROUTE_MAX_AGENTS, SD_E_LIMIT);
        if(cnt == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            struct sd_agent_profile *np = realloc(arr, ncap * sizeof(*np));

            SD_ENSURE(np, SD_E_NOMEM);
            arr = np;
            cap = ncap;
        }
        SD_TRY(prof_decode(&v, &arr[cnt]));
        cnt++;
    }
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    *out = arr;
    *n = cnt;
    arr = NULL;
out:
    free(arr);
    sd_cursor_close(c);
    return err;
}

/* Validate p and pack it as an AgentRecord into enc (cleared first). */
static sd_err
prof_encode(const struct sd_agent_profile *p, struct sd_buf *enc)
{
    Sealdesk__V1__AgentRecord rec = SEALDESK__V1__AGENT_RECORD__INIT;
    Sealdesk__V1__ShiftWindow win[SD_ROUTE_MAX_SHIFTS], *winp[SD_ROUTE_MAX_SHIFTS];
    Sealdesk__V1__ShiftOverride ovr[SD_ROUTE_MAX_OVERRIDES], *ovrp[SD_ROUTE_MAX_OVERRIDES];
    char *langs[SD_ROUTE_MAX_LANGS];
    int32_t off, fixed;
    size_t n;
    sd_err err = SD_OK;

    SD_CHECK_ARG(sd_agent_name_ok(p->name));
    SD_CHECK_ARG(p->n_langs <= SD_ROUTE_MAX_LANGS && p->n_shifts <= SD_ROUTE_MAX_SHIFTS &&
                 p->n_overrides <= SD_ROUTE_MAX_OVERRIDES);
    SD_CHECK_ARG(p->categories < (1u << SD_CAT_COUNT));
    for(size_t i = 0; i < p->n_langs; i++) {
        SD_CHECK_ARG(sd_lang_canon(p->langs[i]) &&
                     strcmp(sd_lang_canon(p->langs[i]), p->langs[i]) == 0);
        langs[i] = (char *)p->langs[i];
    }
    for(size_t i = 0; i < p->n_shifts; i++) {
        const struct sd_shift *s = &p->shifts[i];

        SD_CHECK_ARG(s->days && s->days <= 0x7f && s->start_min < 24 * 60 && s->end_min < 24 * 60 &&
                     (s->start_min != s->end_min || s->start_min == 0)); /* 0-0: all day */
        /* A fixed zone's offset is its name's; a tz zone's stored offset is only the
         * fallback of window_offset. */
        SD_CHECK_ARG(memchr(s->zone, 0, sizeof(s->zone)) &&
                     sd_route_zone_offset(s->zone, sd_clock_now(), &off) == SD_OK &&
                     (!sd_tz_fixed(s->zone, &fixed) || fixed / 60 == s->utc_offset_min));
        sealdesk__v1__shift_window__init(&win[i]);
        win[i].days = s->days;
        win[i].start_min = s->start_min;
        win[i].end_min = s->end_min;
        win[i].utc_offset_min = s->utc_offset_min;
        win[i].zone = (char *)s->zone;
        winp[i] = &win[i];
    }
    for(size_t i = 0; i < p->n_overrides; i++) {
        SD_CHECK_ARG(p->overrides[i].from < p->overrides[i].to);
        sealdesk__v1__shift_override__init(&ovr[i]);
        ovr[i].from = p->overrides[i].from;
        ovr[i].to = p->overrides[i].to;
        ovr[i].on = p->overrides[i].on;
        ovrp[i] = &ovr[i];
    }
    rec.name = (char *)p->name;
    rec.langs = langs;
    rec.n_langs = p->n_langs;
    rec.categories = p->categories;
    rec.vip = p->vip;
    rec.shifts = winp;
    rec.n_shifts = p->n_shifts;
    rec.overrides = ovrp;
    rec.n_overrides = p->n_overrides;
    rec.updated_at = p->updated_at;
    n = sealdesk__v1__agent_record__get_packed_size(&rec);
    SD_ENSURE(n <= AGENT_REC_MAX, SD_E_LIMIT);
    enc->len = 0;
    SD_TRY(sd_buf_reserve(enc, n));
    enc->len = sealdesk__v1__agent_record__pack(&rec, enc->data);
out:
    return err;
}

/* Store p (already validated by prof_encode) in write txn t with its audit entry. */
static sd_err
prof_store(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
           const struct sd_agent_profile *p, const char *action)
{
    struct sd_buf enc = SD_BUF_INIT;
    struct sd_audit_rec ar = {0};
    char target[SD_MAX_AGENT + 8];
    uint8_t digest[32];
    sd_err err = SD_OK;

    SD_TRY(prof_encode(p, &enc));
    sd_sha256(digest, enc.data, enc.len);
    SD_TRY(sd_txn_put(t, SD_DB_AGENTS, p->name, strlen(p->name), enc.data, enc.len));
    snprintf(target, sizeof(target), "agent:%s", p->name);
    ar.actor = a->name;
    ar.action = action;
    ar.target = target;
    ar.request_id = a->request_id;
    ar.digest = digest;
    SD_TRY(sd_audit_append(t, d->kr, &ar, NULL));
out:
    sd_buf_free(&enc);
    return err;
}

sd_err
sd_agent_set(struct sd_desk *d, const struct sd_actor *a, const struct sd_agent_profile *p)
{
    struct sd_agent_profile *np = NULL, *old = NULL;
    struct sd_buf enc = SD_BUF_INIT;
    struct sd_txn *t = NULL;
    sd_err err = SD_OK, rc;

    SD_CHECK_ARG(d && p);
    SD_TRY(sd_actor_check(a));
    np = malloc(sizeof(*np));
    old = malloc(sizeof(*old));
    SD_ENSURE(np && old, SD_E_NOMEM);
    *np = *p;
    np->n_overrides = 0;
    np->updated_at = sd_clock_now();
    SD_TRY(prof_encode(np, &enc)); /* refuse bad input before taking the write lock */
    SD_TRY(sd_txn_begin(d->store, true, &t));
    rc = prof_load(t, p->name, old);
    if(rc == SD_OK) {
        np->n_overrides = old->n_overrides;
        memcpy(np->overrides, old->overrides, sizeof(np->overrides));
    } else {
        SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    }
    SD_TRY(prof_store(d, t, a, np, "agent.set"));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    sd_buf_free(&enc);
    free(np);
    free(old);
    return err;
}

sd_err
sd_agent_override(struct sd_desk *d, const struct sd_actor *a, const char *name,
                  const struct sd_shift_override *o, uint64_t now, struct sd_agent_profile *out)
{
    struct sd_agent_profile *p = NULL;
    struct sd_txn *t = NULL;
    size_t w = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && o && sd_agent_name_ok(name));
    SD_TRY(sd_actor_check(a));
    SD_CHECK_ARG(o->from < o->to && o->to > now &&
                 o->to - o->from <= SD_ROUTE_MAX_OVERRIDE_SECONDS);
    p = malloc(sizeof(*p));
    SD_ENSURE(p, SD_E_NOMEM);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(prof_load(t, name, p));
    for(size_t i = 0; i < p->n_overrides; i++) {
        if(p->overrides[i].to > now)
            p->overrides[w++] = p->overrides[i];
    }
    p->n_overrides = w;
    SD_ENSURE(p->n_overrides < SD_ROUTE_MAX_OVERRIDES, SD_E_LIMIT);
    p->overrides[p->n_overrides++] = *o;
    p->updated_at = sd_clock_now();
    SD_TRY(prof_store(d, t, a, p, "agent.override"));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(out)
        *out = *p;
out:
    sd_txn_abort(t);
    free(p);
    return err;
}

sd_err
sd_agent_get(struct sd_desk *d, const char *name, struct sd_agent_profile *out)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out && sd_agent_name_ok(name));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(prof_load(t, name, out));
out:
    sd_txn_abort(t);
    return err;
}

sd_err
sd_agent_list(struct sd_desk *d, struct sd_agent_profile **out, size_t *n)
{
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out && n);
    *out = NULL;
    *n = 0;
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(prof_load_all(t, out, n));
out:
    sd_txn_abort(t);
    return err;
}

/* ---- routing decisions ---- */

/* Does any on-shift profile fit ticket r? */
static bool
anyone_fits(const struct sd_agent_profile *all, size_t n, uint64_t now,
            const struct sd_queue_facts *q)
{
    for(size_t i = 0; i < n; i++) {
        if(sd_agent_on_shift(&all[i], now) && sd_agent_fits(&all[i], q->lang, q->category, q->vip))
            return true;
    }
    return false;
}

static bool
waited(const struct sd_queue_facts *q, int priority, uint64_t now)
{
    return now >= q->created_at && now - q->created_at >= sd_route_wait(priority);
}

static void
facts_of_rec(const sd_trec *r, struct sd_queue_facts *q)
{
    uint8_t v[SD_QUEUE_VAL_BYTES];

    sd_queue_val(v, r);
    (void)sd_queue_val_read(v, sizeof(v), q); /* always well-formed */
}

/* The routing facts of queue entry (k, v): from the value, or from the ticket record for
 * entries older than the value layout. */
static sd_err
queue_facts(struct sd_txn *t, const struct sd_val *k, const struct sd_val *v,
            struct sd_queue_facts *q)
{
    sd_trec *r = NULL;
    sd_err err = SD_OK;

    if(sd_queue_val_read(v->p, v->n, q))
        return SD_OK;
    SD_TRY(sd_trec_load(t, sd_get_u64be((const uint8_t *)k->p + 9), &r));
    facts_of_rec(r, q);
out:
    sd_trec_free(r);
    return err;
}

/* Up to cap queued ticket ids, most urgent first. */
static sd_err
queue_ids(struct sd_txn *t, uint64_t **ids, size_t *n)
{
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint64_t *arr = NULL;
    size_t cap = 0, cnt = 0;
    sd_err err = SD_OK, rc;

    SD_TRY(sd_cursor_open(t, SD_DB_QUEUE, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK && cnt < SD_MAX_LIST;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        SD_ENSURE(k.n == 17, SD_E_STORE);
        if(cnt == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            uint64_t *np = realloc(arr, ncap * sizeof(*np));

            SD_ENSURE(np, SD_E_NOMEM);
            arr = np;
            cap = ncap;
        }
        arr[cnt++] = sd_get_u64be((const uint8_t *)k.p + 9);
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    *ids = arr;
    *n = cnt;
    arr = NULL;
out:
    free(arr);
    sd_cursor_close(c);
    return err;
}

sd_err
sd_route_pick(struct sd_txn *t, const char *agent, uint64_t now, bool *has_profile, uint64_t *id)
{
    struct sd_agent_profile me, *all = NULL;
    struct sd_cursor *c = NULL;
    struct sd_queue_facts q;
    struct sd_val k, v;
    size_t n_all = 0;
    bool loaded_all = false;
    sd_err err = SD_OK, rc;

    *has_profile = false;
    rc = prof_load(t, agent, &me);
    if(rc == SD_E_NOTFOUND)
        goto out;
    SD_TRY(rc);
    *has_profile = true;
    SD_ENSURE(sd_agent_on_shift(&me, now), SD_E_EMPTY);
    /* Most urgent first; the facts come from the queue values (no record is loaded). */
    SD_TRY(sd_cursor_open(t, SD_DB_QUEUE, &c));
    for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
        bool take;

        SD_ENSURE(k.n == 17, SD_E_STORE);
        SD_TRY(queue_facts(t, &k, &v, &q));
        take = sd_agent_fits(&me, q.lang, q.category, q.vip);
        if(!take && waited(&q, ((const uint8_t *)k.p)[0], now)) {
            if(!loaded_all) {
                SD_TRY(prof_load_all(t, &all, &n_all));
                loaded_all = true;
            }
            take = !anyone_fits(all, n_all, now, &q);
        }
        if(take) {
            *id = sd_get_u64be((const uint8_t *)k.p + 9);
            goto out;
        }
    }
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    err = SD_E_EMPTY;
out:
    sd_cursor_close(c);
    free(all);
    return err;
}

/* Open tickets (in progress, waiting) per profile into load[]. */
static sd_err
count_loads(struct sd_txn *t, const struct sd_agent_profile *all, size_t n, uint64_t *load)
{
    static const uint8_t open_st[2] = {SD_ST_IN_PROGRESS, SD_ST_WAITING_CUSTOMER};
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    sd_trec *r = NULL;
    sd_err err = SD_OK, rc;

    SD_TRY(sd_cursor_open(t, SD_DB_BY_STATUS, &c));
    for(size_t s = 0; s < 2; s++) {
        uint8_t start[9] = {open_st[s]};

        k.p = start;
        k.n = sizeof(start);
        for(rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
            rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
            if(k.n != 9 || ((const uint8_t *)k.p)[0] != open_st[s])
                break;
            SD_TRY(sd_trec_load(t, sd_get_u64be((const uint8_t *)k.p + 1), &r));
            for(size_t i = 0; i < n; i++) {
                if(r->assignee && strcmp(r->assignee, all[i].name) == 0)
                    load[i]++;
            }
            sd_trec_free(r);
            r = NULL;
        }
        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    }
out:
    sd_trec_free(r);
    sd_cursor_close(c);
    return err;
}

/* Least-loaded on-shift profile that fits r (any on-shift one when !need_fit); -1 none. */
static long
least_loaded(const struct sd_agent_profile *all, const uint64_t *load, size_t n, uint64_t now,
             const sd_trec *r, bool need_fit)
{
    long best = -1;

    for(size_t i = 0; i < n; i++) {
        if(!sd_agent_on_shift(&all[i], now))
            continue;
        if(need_fit && !sd_agent_fits(&all[i], r->lang, (enum sd_category)r->category, r->vip))
            continue;
        if(best < 0 || load[i] < load[best])
            best = (long)i;
    }
    return best;
}

sd_err
sd_route_auto(struct sd_desk *d, const struct sd_actor *a, uint64_t now,
              struct sd_route_assignment **out, size_t *n)
{
    struct sd_agent_profile *all = NULL;
    struct sd_route_assignment *res = NULL;
    uint64_t *load = NULL, *ids = NULL;
    size_t n_all = 0, n_ids = 0, cnt = 0;
    struct sd_queue_facts q;
    struct sd_txn *t = NULL;
    sd_trec *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out && n);
    *out = NULL;
    *n = 0;
    SD_TRY(sd_actor_check(a));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(prof_load_all(t, &all, &n_all));
    if(n_all == 0)
        goto done;
    load = calloc(n_all, sizeof(*load));
    SD_ENSURE(load, SD_E_NOMEM);
    SD_TRY(count_loads(t, all, n_all, load));
    SD_TRY(queue_ids(t, &ids, &n_ids));
    if(n_ids) {
        res = calloc(n_ids, sizeof(*res));
        SD_ENSURE(res, SD_E_NOMEM);
    }
    for(size_t i = 0; i < n_ids; i++) {
        long best;
        bool fallback = false;

        SD_TRY(sd_trec_load(t, ids[i], &r));
        facts_of_rec(r, &q);
        best = least_loaded(all, load, n_all, now, r, true);
        if(best < 0 && waited(&q, (int)r->priority, now)) {
            best = least_loaded(all, load, n_all, now, r, false);
            fallback = true;
        }
        sd_trec_free(r);
        r = NULL;
        if(best < 0)
            continue;
        SD_TRY(sd_ticket_claim_in(d, t, a, ids[i], all[best].name,
                                  fallback ? "route.fallback" : "route.assign", NULL));
        load[best]++;
        res[cnt].ticket_id = ids[i];
        res[cnt].fallback = fallback;
        snprintf(res[cnt].agent, sizeof(res[cnt].agent), "%s", all[best].name);
        cnt++;
    }
done:
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(cnt) {
        *out = res;
        *n = cnt;
        res = NULL;
    }
out:
    sd_trec_free(r);
    sd_txn_abort(t);
    free(all);
    free(load);
    free(ids);
    free(res);
    return err;
}
