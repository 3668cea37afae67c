/* Remedies: maker-checker approval of fund-affecting actions (request, approve, reject,
 * execute), the policy file that sets quorum, approver roles, expiry and asset rates, and the
 * one-person emergency freeze that opens a mandatory review. Records live in the remedies table
 * ('R' | id remedy, 'I' | id back-office instruction, 'F' | id freeze); each write is one txn
 * with its audit entry. Neighbours: ticket.c (tickets and their data keys), authz (users). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/enum.h"
#include "sealdesk/customers.h"
#include "sealdesk/events.h"
#include "sealdesk/keystore.h"
#include "sealdesk/mask.h"
#include "sealdesk/redact.h"
#include "sealdesk/remedy.h"
#include "sealdesk/text.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"

/* data/remedy.policy, embedded by the build (cmake/embed.cmake). */
extern const unsigned char sd_default_remedy_policy[];
extern const size_t sd_default_remedy_policy_len;

#define POLICY_MAX_BYTES      ((size_t)64 * 1024)
#define POLICY_MAX_LINE       256
#define POLICY_MAX_RULES      128
#define POLICY_MAX_RATES      512
#define POLICY_MAX_WORDS      4
#define EXPIRY_DEFAULT        86400u
#define EXPIRY_MIN            300u
#define EXPIRY_MAX            ((uint64_t)30 * 86400)
#define COOLOFF_DEFAULT       ((uint64_t)30 * 86400)
#define COOLOFF_MAX           ((uint64_t)366 * 86400)
#define THRESHOLD_INT_DIGITS  12 /* USDT, 6 decimals: micro units stay below 1e18 */
#define THRESHOLD_FRAC_DIGITS 6
#define RATE_INT_DIGITS       10 /* USDT per unit, 8 decimals: 1e-8 units stay below 1e18 */
#define RATE_FRAC_DIGITS      8
#define REC_MAX               ((size_t)64 * 1024)
#define UID_SEALED_MAX        (SD_MAX_UID + SD_FIELD_OVERHEAD)

/* 'C' | blind index (17 bytes) -> u64 id of the freeze in force on that customer account. */
enum {
    PFX_CUSTOMER = 'C',
    PFX_FREEZE = 'F',
    PFX_INSTRUCTION = 'I',
    PFX_REMEDY = 'R'
};

__extension__ typedef unsigned __int128 u128;

typedef Sealdesk__V1__RemedyRecord sd_rrec_pb;

/* ---- names ---- */

static const char *const kind_names[SD_RK_COUNT] = {
    [SD_RK_COMPENSATION] = "compensation",
    [SD_RK_FEE_REFUND] = "fee_refund",
    [SD_RK_MANUAL_DEPOSIT_CREDIT] = "manual_deposit_credit",
    [SD_RK_WITHDRAWAL_RELEASE] = "withdrawal_release",
    [SD_RK_ACCOUNT_UNFREEZE] = "account_unfreeze",
    [SD_RK_FREEZE_REVIEW] = "freeze_review",
    [SD_RK_THIRD_PARTY_PAYOUT] = "third_party_payout",
};
static const char *const state_names[SD_RS_COUNT] = {
    [SD_RS_PENDING] = "pending",   [SD_RS_APPROVED] = "approved", [SD_RS_EXECUTED] = "executed",
    [SD_RS_REJECTED] = "rejected", [SD_RS_EXPIRED] = "expired",
};

bool
sd_remedy_kind_moves_funds(enum sd_remedy_kind k)
{
    return k >= SD_RK_COMPENSATION && k < SD_RK_COUNT && k != SD_RK_ACCOUNT_UNFREEZE &&
           k != SD_RK_FREEZE_REVIEW;
}

const char *
sd_remedy_kind_name(enum sd_remedy_kind k)
{
    return sd_enum_name(kind_names, SD_ENUM_N(kind_names), (int)k);
}

sd_err
sd_remedy_kind_parse(enum sd_remedy_kind *out, const char *s)
{
    int v = 0;

    if(sd_enum_parse(kind_names, SD_ENUM_N(kind_names), s, &v) != SD_OK)
        return SD_E_INVALID;
    *out = (enum sd_remedy_kind)v;
    return SD_OK;
}

const char *
sd_remedy_state_name(enum sd_remedy_state s)
{
    return sd_enum_name(state_names, SD_ENUM_N(state_names), (int)s);
}

sd_err
sd_remedy_state_parse(enum sd_remedy_state *out, const char *s)
{
    int v = 0;

    if(sd_enum_parse(state_names, SD_ENUM_N(state_names), s, &v) != SD_OK)
        return SD_E_INVALID;
    *out = (enum sd_remedy_state)v;
    return SD_OK;
}

/* ---- decimals and assets ---- */

/* [0-9]+ ('.' [0-9]+)? over s[0..n): no sign, exponent or spaces; no leading zero unless the
 * integer part is "0"; at most max_int integer digits and max_frac decimals. *ip gets the
 * integer part and *frac the decimals scaled to 10^max_frac. max_int <= 18 and max_frac <= 9
 * keep both within uint64_t. */
static bool
parse_decimal(const char *s, size_t n, unsigned max_int, unsigned max_frac, uint64_t *ip,
              uint64_t *frac)
{
    size_t i = 0;
    unsigned ni = 0, nf = 0;
    uint64_t a = 0, f = 0;

    while(i < n && s[i] >= '0' && s[i] <= '9') {
        if(++ni > max_int)
            return false;
        a = a * 10u + (uint64_t)(s[i] - '0');
        i++;
    }
    if(ni == 0 || (ni > 1 && s[0] == '0'))
        return false;
    if(i < n) {
        if(s[i] != '.')
            return false;
        i++;
        while(i < n && s[i] >= '0' && s[i] <= '9') {
            if(++nf > max_frac)
                return false;
            f = f * 10u + (uint64_t)(s[i] - '0');
            i++;
        }
        if(nf == 0 || i != n)
            return false;
    }
    for(; nf < max_frac; nf++)
        f *= 10u;
    *ip = a;
    *frac = f;
    return true;
}

sd_err
sd_remedy_amount_parse(const char *s, uint64_t *int_part, uint32_t *frac_e8)
{
    uint64_t ip, fr;
    size_t n;

    if(!s)
        return SD_E_INVALID;
    n = strnlen(s, SD_REMEDY_MAX_AMOUNT + 1);
    if(n > SD_REMEDY_MAX_AMOUNT ||
       !parse_decimal(s, n, SD_REMEDY_MAX_INT_DIGITS, SD_REMEDY_MAX_FRAC_DIGITS, &ip, &fr) ||
       (ip == 0 && fr == 0))
        return SD_E_INVALID;
    if(int_part)
        *int_part = ip;
    if(frac_e8)
        *frac_e8 = (uint32_t)fr;
    return SD_OK;
}

/* Upper-case copy of an asset symbol (1..16 of [A-Za-z0-9]) into out. */
static bool
asset_norm(char out[SD_REMEDY_MAX_ASSET + 1], const char *s, size_t n)
{
    if(!s || n == 0 || n > SD_REMEDY_MAX_ASSET)
        return false;
    for(size_t i = 0; i < n; i++) {
        char c = s[i];

        if(c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if(!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
        out[i] = c;
    }
    out[n] = 0;
    return true;
}

/* amount (1e-8 units) x rate (1e-8 USDT per unit) in micro-USDT, rounded up: the threshold
 * comparison errs towards more approvals. Saturates: a value past uint64_t is just "huge". */
static uint64_t
usdt_micro(uint64_t ip, uint64_t frac_e8, uint64_t rate_e8)
{
    u128 amount = (u128)ip * 100000000u + frac_e8;
    u128 prod, micro;

    if(__builtin_mul_overflow(amount, (u128)rate_e8, &prod))
        return UINT64_MAX;
    micro = prod / 10000000000u + (prod % 10000000000u != 0);
    return micro > UINT64_MAX ? UINT64_MAX : (uint64_t)micro;
}

/* ---- policy ---- */

struct qrule {
    int kind;           /* 0: "*" */
    uint64_t threshold; /* micro-USDT */
    unsigned count;
};

struct rate {
    char asset[SD_REMEDY_MAX_ASSET + 1];
    uint64_t e8; /* 1e-8 USDT per unit */
};

struct sd_remedy_policy {
    uint64_t expiry;
    bool have_expiry;
    uint64_t cooloff;
    bool have_cooloff;
    unsigned approvers[SD_RK_COUNT];
    unsigned fixed[SD_RK_COUNT]; /* quorum of the kinds without an amount */
    size_t n_rules;
    struct qrule rules[POLICY_MAX_RULES];
    size_t n_rates;
    struct rate rates[POLICY_MAX_RATES];
};

void
sd_remedy_policy_free(struct sd_remedy_policy *p)
{
    free(p);
}

static bool
word_is(const char *w, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(w, lit, n) == 0;
}

/* Kind name or "*" (kind 0) in w[0..n). */
static bool
policy_kind(const char *w, size_t n, int *kind)
{
    if(word_is(w, n, "*")) {
        *kind = 0;
        return true;
    }
    for(int i = SD_RK_COMPENSATION; i < SD_RK_COUNT; i++) {
        if(word_is(w, n, kind_names[i])) {
            *kind = i;
            return true;
        }
    }
    return false;
}

struct pline {
    const char *w[POLICY_MAX_WORDS];
    size_t n[POLICY_MAX_WORDS];
    size_t nw;
};

/* One directive; *why names the problem on failure. */
static sd_err
policy_line(struct sd_remedy_policy *p, const struct pline *l, const char **why)
{
    uint64_t ip, fr;
    int kind;

    if(word_is(l->w[0], l->n[0], "expiry")) {
        if(l->nw != 2 || !parse_decimal(l->w[1], l->n[1], 7, 0, &ip, &fr) || ip < EXPIRY_MIN ||
           ip > EXPIRY_MAX) {
            *why = "expiry needs whole seconds between 300 and 2592000";
            return SD_E_INVALID;
        }
        if(p->have_expiry) {
            *why = "expiry given twice";
            return SD_E_INVALID;
        }
        p->expiry = ip;
        p->have_expiry = true;
        return SD_OK;
    }
    if(word_is(l->w[0], l->n[0], "creator_cooloff")) {
        if(l->nw != 2 || !parse_decimal(l->w[1], l->n[1], 8, 0, &ip, &fr) || ip > COOLOFF_MAX) {
            *why = "creator_cooloff needs whole seconds between 0 and 31622400";
            return SD_E_INVALID;
        }
        if(p->have_cooloff) {
            *why = "creator_cooloff given twice";
            return SD_E_INVALID;
        }
        p->cooloff = ip;
        p->have_cooloff = true;
        return SD_OK;
    }
    if(word_is(l->w[0], l->n[0], "quorum")) {
        struct qrule r;

        if(l->nw != 4 || !policy_kind(l->w[1], l->n[1], &kind)) {
            *why = "quorum needs: quorum KIND|* THRESHOLD COUNT";
            return SD_E_INVALID;
        }
        if(!parse_decimal(l->w[2], l->n[2], THRESHOLD_INT_DIGITS, THRESHOLD_FRAC_DIGITS, &ip,
                          &fr)) {
            *why = "bad quorum threshold (USDT, up to 12 digits and 6 decimals)";
            return SD_E_INVALID;
        }
        if(kind && !sd_remedy_kind_moves_funds((enum sd_remedy_kind)kind)) {
            *why = "quorum rules are for fund-moving kinds; use: fixed KIND COUNT";
            return SD_E_INVALID;
        }
        r.kind = kind;
        r.threshold = ip * 1000000u + fr;
        if(!parse_decimal(l->w[3], l->n[3], 1, 0, &ip, &fr) || ip < 1 ||
           ip > SD_REMEDY_MAX_QUORUM) {
            *why = "quorum count must be 1 to 5";
            return SD_E_INVALID;
        }
        r.count = (unsigned)ip;
        for(size_t i = 0; i < p->n_rules; i++) {
            if(p->rules[i].kind == r.kind && p->rules[i].threshold == r.threshold) {
                *why = "quorum rule for this kind and threshold given twice";
                return SD_E_INVALID;
            }
        }
        if(p->n_rules == POLICY_MAX_RULES) {
            *why = "too many quorum rules";
            return SD_E_LIMIT;
        }
        p->rules[p->n_rules++] = r;
        return SD_OK;
    }
    if(word_is(l->w[0], l->n[0], "fixed")) {
        if(l->nw != 3 || !policy_kind(l->w[1], l->n[1], &kind) || kind == 0 ||
           sd_remedy_kind_moves_funds((enum sd_remedy_kind)kind)) {
            *why = "fixed needs: fixed KIND COUNT, KIND account_unfreeze or freeze_review";
            return SD_E_INVALID;
        }
        if(!parse_decimal(l->w[2], l->n[2], 1, 0, &ip, &fr) || ip < 1 ||
           ip > SD_REMEDY_MAX_QUORUM) {
            *why = "quorum count must be 1 to 5";
            return SD_E_INVALID;
        }
        if(p->fixed[kind]) {
            *why = "fixed quorum for this kind given twice";
            return SD_E_INVALID;
        }
        p->fixed[kind] = (unsigned)ip;
        return SD_OK;
    }
    if(word_is(l->w[0], l->n[0], "approver")) {
        char csv[POLICY_MAX_LINE];
        unsigned mask;

        if(l->nw != 3 || !policy_kind(l->w[1], l->n[1], &kind) || kind == 0) {
            *why = "approver needs: approver KIND ROLE[,ROLE...]";
            return SD_E_INVALID;
        }
        memcpy(csv, l->w[2], l->n[2]);
        csv[l->n[2]] = 0;
        if(sd_roles_parse(&mask, csv) != SD_OK) {
            *why = "unknown role name";
            return SD_E_INVALID;
        }
        for(unsigned bit = 1; bit <= SD_ROLES_USER_MASK; bit <<= 1) {
            if((mask & bit) && !sd_policy_allows(bit, SD_OP_REMEDY_APPROVE)) {
                *why = "role may not approve remedies (role table)";
                return SD_E_INVALID;
            }
        }
        if(p->approvers[kind]) {
            *why = "approver line for this kind given twice";
            return SD_E_INVALID;
        }
        p->approvers[kind] = mask;
        return SD_OK;
    }
    if(word_is(l->w[0], l->n[0], "rate")) {
        struct rate r;

        if(l->nw != 3 || !asset_norm(r.asset, l->w[1], l->n[1])) {
            *why = "rate needs: rate ASSET USDT_PER_UNIT (asset 1-16 letters or digits)";
            return SD_E_INVALID;
        }
        if(!parse_decimal(l->w[2], l->n[2], RATE_INT_DIGITS, RATE_FRAC_DIGITS, &ip, &fr) ||
           (ip == 0 && fr == 0)) {
            *why = "bad rate (> 0, up to 10 digits and 8 decimals)";
            return SD_E_INVALID;
        }
        r.e8 = ip * 100000000u + fr;
        for(size_t i = 0; i < p->n_rates; i++) {
            if(strcmp(p->rates[i].asset, r.asset) == 0) {
                *why = "rate for this asset given twice";
                return SD_E_INVALID;
            }
        }
        if(p->n_rates == POLICY_MAX_RATES) {
            *why = "too many rates";
            return SD_E_LIMIT;
        }
        p->rates[p->n_rates++] = r;
        return SD_OK;
    }
    *why = "unknown directive (expiry, creator_cooloff, quorum, fixed, approver, rate)";
    return SD_E_INVALID;
}

/* Split s[0..n) (comment already cut) into words; false past POLICY_MAX_WORDS. */
static bool
split_words(const char *s, size_t n, struct pline *l)
{
    size_t i = 0;

    l->nw = 0;
    while(i < n) {
        size_t j;

        while(i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if(i == n)
            break;
        j = i;
        while(j < n && s[j] != ' ' && s[j] != '\t')
            j++;
        if(l->nw == POLICY_MAX_WORDS)
            return false;
        l->w[l->nw] = s + i;
        l->n[l->nw++] = j - i;
        i = j;
    }
    return true;
}

sd_err
sd_remedy_policy_parse(struct sd_remedy_policy **out, const char *text, size_t n, size_t *errline,
                       const char **why)
{
    struct sd_remedy_policy *p = NULL;
    const char *reason = NULL;
    size_t pos = 0, line = 0;
    bool have_base = false;
    sd_err err = SD_OK;

    if(errline)
        *errline = 0;
    SD_CHECK_ARG(out && (text || n == 0));
    *out = NULL;
    if(n > POLICY_MAX_BYTES) {
        reason = "policy file larger than 64 KiB";
        SD_ENSURE(0, SD_E_LIMIT);
    }
    p = calloc(1, sizeof(*p));
    SD_ENSURE(p, SD_E_NOMEM);
    while(pos < n) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - s) : n - pos;
        struct pline l;

        line++;
        pos += len + (nl ? 1 : 0);
        if(len > POLICY_MAX_LINE) {
            reason = "line longer than 256 bytes";
            SD_ENSURE(0, SD_E_LIMIT);
        }
        if(len && s[len - 1] == '\r')
            len--;
        for(size_t i = 0; i < len; i++) {
            if(s[i] == '#') {
                len = i;
                break;
            }
            if(!(s[i] == '\t' || (s[i] >= 0x20 && s[i] <= 0x7e))) {
                reason = "control or non-ASCII character";
                SD_ENSURE(0, SD_E_INVALID);
            }
        }
        if(!split_words(s, len, &l)) {
            reason = "too many words";
            SD_ENSURE(0, SD_E_INVALID);
        }
        if(l.nw == 0)
            continue;
        SD_TRY(policy_line(p, &l, &reason));
    }
    line = 0; /* whole-file checks from here */
    for(size_t i = 0; i < p->n_rules; i++)
        have_base |= p->rules[i].kind == 0 && p->rules[i].threshold == 0;
    if(!have_base) {
        reason = "missing base rule \"quorum * 0 N\"";
        SD_ENSURE(0, SD_E_INVALID);
    }
    for(int k = SD_RK_COMPENSATION; k < SD_RK_COUNT; k++) {
        if(!p->approvers[k]) {
            reason = "missing approver line for a kind";
            SD_ENSURE(0, SD_E_INVALID);
        }
    }
    if(!p->have_expiry)
        p->expiry = EXPIRY_DEFAULT;
    if(!p->have_cooloff)
        p->cooloff = COOLOFF_DEFAULT;
    for(int k = SD_RK_COMPENSATION; k < SD_RK_COUNT; k++) {
        /* A kind without an amount and without a fixed line: the highest "*" count. */
        if(sd_remedy_kind_moves_funds((enum sd_remedy_kind)k) || p->fixed[k])
            continue;
        for(size_t i = 0; i < p->n_rules; i++) {
            if(p->rules[i].kind == 0 && p->rules[i].count > p->fixed[k])
                p->fixed[k] = p->rules[i].count;
        }
    }
    *out = p;
    p = NULL;
out:
    if(err != SD_OK) {
        if(errline)
            *errline = line;
        if(why)
            *why = reason ? reason : sd_err_str(err);
    }
    free(p);
    return err;
}

sd_err
sd_remedy_policy_default(struct sd_remedy_policy **out)
{
    return sd_remedy_policy_parse(out, (const char *)sd_default_remedy_policy,
                                  sd_default_remedy_policy_len, NULL, NULL);
}

sd_err
sd_remedy_policy_load(struct sd_remedy_policy **out, const char *dir, size_t *errline,
                      const char **why)
{
    char path[4096];
    char *text = NULL;
    FILE *f = NULL;
    size_t n;
    int w;
    sd_err err = SD_OK;

    if(errline)
        *errline = 0;
    if(why)
        *why = NULL;
    SD_CHECK_ARG(out);
    *out = NULL;
    if(!dir) {
        SD_TRY(sd_remedy_policy_default(out));
        goto out;
    }
    w = snprintf(path, sizeof(path), "%s/remedy.policy", dir);
    SD_CHECK_ARG(w > 0 && (size_t)w < sizeof(path));
    f = fopen(path, "rb");
    if(!f) {
        SD_ENSURE(errno == ENOENT, SD_E_IO);
        SD_TRY(sd_remedy_policy_default(out));
        goto out;
    }
    text = malloc(POLICY_MAX_BYTES + 1);
    SD_ENSURE(text, SD_E_NOMEM);
    n = fread(text, 1, POLICY_MAX_BYTES + 1, f);
    SD_ENSURE(!ferror(f), SD_E_IO);
    SD_TRY(sd_remedy_policy_parse(out, text, n, errline, why)); /* sets *why itself */
out:
    if(err != SD_OK && why && !*why)
        *why = sd_err_str(err);
    free(text);
    if(f)
        (void)fclose(f); /* read-only: nothing to flush */
    return err;
}

uint64_t
sd_remedy_policy_expiry(const struct sd_remedy_policy *p)
{
    return p->expiry;
}

uint64_t
sd_remedy_policy_cooloff(const struct sd_remedy_policy *p)
{
    return p->cooloff;
}

unsigned
sd_remedy_policy_approvers(const struct sd_remedy_policy *p, enum sd_remedy_kind k)
{
    return k >= SD_RK_COMPENSATION && k < SD_RK_COUNT ? p->approvers[k] : 0;
}

sd_err
sd_remedy_policy_value(const struct sd_remedy_policy *p, const char *asset, const char *amount,
                       uint64_t *usdt, bool *priced)
{
    char sym[SD_REMEDY_MAX_ASSET + 1];
    uint64_t ip;
    uint32_t fr;
    sd_err err;

    *usdt = 0;
    *priced = false;
    if(!asset || !asset_norm(sym, asset, strnlen(asset, SD_REMEDY_MAX_ASSET + 1)))
        return SD_E_INVALID;
    err = sd_remedy_amount_parse(amount, &ip, &fr);
    if(err != SD_OK)
        return err;
    for(size_t i = 0; i < p->n_rates; i++) {
        if(strcmp(p->rates[i].asset, sym) == 0) {
            *usdt = usdt_micro(ip, fr, p->rates[i].e8);
            *priced = true;
            break;
        }
    }
    return SD_OK;
}

unsigned
sd_remedy_policy_quorum(const struct sd_remedy_policy *p, enum sd_remedy_kind k, bool priced,
                        uint64_t usdt)
{
    const struct qrule *best = NULL;
    unsigned most = 0;

    if(!sd_remedy_kind_moves_funds(k))
        return k >= SD_RK_COMPENSATION && k < SD_RK_COUNT ? p->fixed[k] : SD_REMEDY_MAX_QUORUM;
    for(size_t i = 0; i < p->n_rules; i++) {
        const struct qrule *r = &p->rules[i];

        if(r->kind == 0 || r->kind == (int)k)
            most = r->count > most ? r->count : most;
    }
    if(!priced)
        return k == SD_RK_THIRD_PARTY_PAYOUT && most < SD_REMEDY_MAX_QUORUM ? most + 1 : most;
    /* Most specific first: the kind's own rules, then "*" (which always has a 0 rule). */
    for(int pass = 0; pass < 2 && !best; pass++) {
        int want = pass == 0 ? (int)k : 0;

        for(size_t i = 0; i < p->n_rules; i++) {
            const struct qrule *r = &p->rules[i];

            if(r->kind == want && r->threshold <= usdt && (!best || r->threshold > best->threshold))
                best = r;
        }
    }
    if(k == SD_RK_THIRD_PARTY_PAYOUT) {
        /* Paying another account always takes more people than paying the customer would,
         * whatever the policy file says: at least one above the "*" rule and at least 2. */
        unsigned q = best ? best->count : SD_REMEDY_MAX_QUORUM;
        const struct qrule *sb = NULL;

        for(size_t i = 0; i < p->n_rules; i++) {
            const struct qrule *r = &p->rules[i];

            if(r->kind == 0 && r->threshold <= usdt && (!sb || r->threshold > sb->threshold))
                sb = r;
        }
        if(sb && q <= sb->count)
            q = sb->count + 1;
        if(q < 2)
            q = 2;
        return q > SD_REMEDY_MAX_QUORUM ? SD_REMEDY_MAX_QUORUM : q;
    }
    return best ? best->count : SD_REMEDY_MAX_QUORUM;
}

/* Until struct sd_desk carries the policy sd_desk_open loaded (see the note to the lead), the
 * built-in default is parsed once per process and kept for its lifetime. */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static struct sd_remedy_policy *default_policy;

static void
load_default_policy(void)
{
    if(sd_remedy_policy_default(&default_policy) != SD_OK)
        default_policy = NULL;
}

static const struct sd_remedy_policy *
desk_policy(struct sd_desk *d)
{
    if(d->remedy_policy)
        return d->remedy_policy;
    pthread_once(&default_once, load_default_policy);
    return default_policy;
}

/* ---- records ---- */

/* A remedy as stored, in plain C: everything is validated on decode, so the logic below never
 * touches protobuf-c memory. */
struct rrec {
    uint64_t id, ticket_id;
    unsigned kind, state, quorum;
    char asset[SD_REMEDY_MAX_ASSET + 1];
    char amount[SD_REMEDY_MAX_AMOUNT + 1];
    uint64_t usdt_micro;
    bool priced;
    uint8_t uid[UID_SEALED_MAX]; /* sealed destination UID */
    size_t uid_len;
    char justification[SD_MAX_REASON + 1];
    char requester[SD_MAX_AGENT + 1];
    size_t n_approvals;
    struct sd_remedy_approval approvals[SD_REMEDY_MAX_APPROVALS];
    uint64_t created_at, expires_at, executed_at, freeze_id;
    char rejected_by[SD_MAX_AGENT + 1];
    char reject_reason[SD_MAX_REASON + 1];
    char executed_by[SD_MAX_AGENT + 1];
    char idem[SD_REMEDY_MAX_IDEMPOTENCY + 1];
    bool dest_is_customer;
    char dest_reason[SD_MAX_REASON + 1];
};

static void
rkey(uint8_t k[9], uint8_t prefix, uint64_t id)
{
    k[0] = prefix;
    sd_put_u64be(k + 1, id);
}

/* Bounded copy of a stored string; false if it does not fit (a corrupt record). */
static bool
copy_in(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strnlen(src, cap) : 0;

    if(n >= cap)
        return false;
    memcpy(dst, src ? src : "", n);
    dst[n] = 0;
    return true;
}

/* Copy a string we produced ourselves (always fits: sizes are limited on input). */
static void
copy_out(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);

    memcpy(dst, src, n);
    dst[n] = 0;
}

static sd_err
rrec_decode(struct rrec *r, const uint8_t *p, size_t n)
{
    sd_rrec_pb *m = sealdesk__v1__remedy_record__unpack(NULL, n, p);
    sd_err err = SD_OK;

    memset(r, 0, sizeof(*r));
    SD_ENSURE(m, SD_E_STORE);
    SD_ENSURE(m->kind >= SD_RK_COMPENSATION && m->kind < SD_RK_COUNT, SD_E_STORE);
    SD_ENSURE(m->state >= SD_RS_PENDING && m->state < SD_RS_COUNT, SD_E_STORE);
    SD_ENSURE(m->quorum >= 1 && m->quorum <= SD_REMEDY_MAX_QUORUM, SD_E_STORE);
    SD_ENSURE(m->n_approvals <= SD_REMEDY_MAX_APPROVALS, SD_E_STORE);
    SD_ENSURE(m->to_uid.len <= UID_SEALED_MAX, SD_E_STORE);
    r->id = m->id;
    r->ticket_id = m->ticket_id;
    r->kind = m->kind;
    r->state = m->state;
    r->quorum = m->quorum;
    r->usdt_micro = m->amount_usdt_micro;
    r->priced = m->priced;
    if(m->to_uid.len)
        memcpy(r->uid, m->to_uid.data, m->to_uid.len);
    r->uid_len = m->to_uid.len;
    r->created_at = m->created_at;
    r->expires_at = m->expires_at;
    r->executed_at = m->executed_at;
    r->freeze_id = m->freeze_id;
    SD_ENSURE(copy_in(r->asset, sizeof(r->asset), m->asset) &&
                  copy_in(r->amount, sizeof(r->amount), m->amount) &&
                  copy_in(r->justification, sizeof(r->justification), m->justification) &&
                  copy_in(r->requester, sizeof(r->requester), m->requester) &&
                  copy_in(r->rejected_by, sizeof(r->rejected_by), m->rejected_by) &&
                  copy_in(r->reject_reason, sizeof(r->reject_reason), m->reject_reason) &&
                  copy_in(r->executed_by, sizeof(r->executed_by), m->executed_by) &&
                  copy_in(r->idem, sizeof(r->idem), m->idempotency_key) &&
                  copy_in(r->dest_reason, sizeof(r->dest_reason), m->destination_reason),
              SD_E_STORE);
    r->dest_is_customer = m->dest_is_customer;
    for(size_t i = 0; i < m->n_approvals; i++) {
        SD_ENSURE(m->approvals[i], SD_E_STORE);
        SD_ENSURE(
            copy_in(r->approvals[i].user, sizeof(r->approvals[i].user), m->approvals[i]->user),
            SD_E_STORE);
        r->approvals[i].at = m->approvals[i]->at;
    }
    r->n_approvals = m->n_approvals;
out:
    if(m)
        sealdesk__v1__remedy_record__free_unpacked(m, NULL);
    return err;
}

static sd_err
rrec_encode(struct sd_buf *out, struct rrec *r)
{
    sd_rrec_pb m = SEALDESK__V1__REMEDY_RECORD__INIT;
    Sealdesk__V1__RemedyApproval ap[SD_REMEDY_MAX_APPROVALS];
    Sealdesk__V1__RemedyApproval *app[SD_REMEDY_MAX_APPROVALS];
    size_t n;
    sd_err err = SD_OK;

    m.id = r->id;
    m.ticket_id = r->ticket_id;
    m.kind = r->kind;
    m.asset = r->asset;
    m.amount = r->amount;
    m.amount_usdt_micro = r->usdt_micro;
    m.priced = r->priced;
    m.to_uid.data = r->uid;
    m.to_uid.len = r->uid_len;
    m.justification = r->justification;
    m.requester = r->requester;
    m.state = r->state;
    m.quorum = r->quorum;
    for(size_t i = 0; i < r->n_approvals; i++) {
        sealdesk__v1__remedy_approval__init(&ap[i]);
        ap[i].user = r->approvals[i].user;
        ap[i].at = r->approvals[i].at;
        app[i] = &ap[i];
    }
    m.n_approvals = r->n_approvals;
    m.approvals = app;
    m.created_at = r->created_at;
    m.expires_at = r->expires_at;
    m.rejected_by = r->rejected_by;
    m.reject_reason = r->reject_reason;
    m.executed_at = r->executed_at;
    m.executed_by = r->executed_by;
    m.idempotency_key = r->idem;
    m.freeze_id = r->freeze_id;
    m.dest_is_customer = r->dest_is_customer;
    m.destination_reason = r->dest_reason;
    n = sealdesk__v1__remedy_record__get_packed_size(&m);
    SD_ENSURE(n <= REC_MAX, SD_E_LIMIT);
    sd_buf_reset(out);
    SD_TRY(sd_buf_reserve(out, n));
    out->len = sealdesk__v1__remedy_record__pack(&m, out->data);
out:
    return err;
}

static sd_err
rrec_load(struct sd_txn *t, uint64_t id, struct rrec *r)
{
    uint8_t k[9];
    struct sd_val v;
    sd_err err;

    rkey(k, PFX_REMEDY, id);
    err = sd_txn_get(t, SD_DB_REMEDIES, k, sizeof(k), &v);
    if(err != SD_OK)
        return err;
    err = rrec_decode(r, v.p, v.n);
    if(err == SD_OK && r->id != id)
        err = SD_E_STORE;
    return err;
}

/* Store r under 'R' | id (and, for an execution, the same bytes under 'I' | id, which must
 * not exist yet); digest gets SHA-256 of the stored bytes. */
static sd_err
rrec_store(struct sd_txn *t, struct rrec *r, bool instruction, uint8_t digest[32])
{
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[9];
    sd_err err = SD_OK;

    SD_TRY(rrec_encode(&enc, r));
    rkey(k, PFX_REMEDY, r->id);
    SD_TRY(sd_txn_put(t, SD_DB_REMEDIES, k, sizeof(k), enc.data, enc.len));
    if(instruction) {
        rkey(k, PFX_INSTRUCTION, r->id);
        SD_TRY(sd_txn_put_new(t, SD_DB_REMEDIES, k, sizeof(k), enc.data, enc.len));
    }
    sd_sha256(digest, enc.data, enc.len);
out:
    sd_buf_free(&enc);
    return err;
}

/* ---- people ---- */

/* Users-table view of a person: *exists false for names the table does not know. */
static sd_err
lookup_user(struct sd_txn *t, const char *name, struct sd_user *u, bool *exists)
{
    sd_err err = sd_user_get(t, sd_actor_person(name), u);

    *exists = err == SD_OK;
    return err == SD_E_NOTFOUND ? SD_OK : err;
}

/* True if `of` names `who` as its maker: the person who asked for or approved the account. */
static bool
made_by(const struct sd_user *of, const char *who)
{
    return (of->created_by[0] && sd_actor_same_person(of->created_by, who)) ||
           (of->approved_by[0] && sd_actor_same_person(of->approved_by, who));
}

/* Creator rule: an approver does not count for a remedy requested by someone they made, or
 * who made them, while that account is younger than the policy's creator_cooloff at `at`. */
static sd_err
creator_related(struct sd_txn *t, const struct sd_remedy_policy *pol, const char *approver,
                const char *requester, uint64_t at, bool *related)
{
    struct sd_user ua, ur;
    bool ea, er;
    sd_err err = SD_OK;

    *related = false;
    SD_TRY(lookup_user(t, approver, &ua, &ea));
    SD_TRY(lookup_user(t, requester, &ur, &er));
    if(er && made_by(&ur, approver) && at < ur.created_at + pol->cooloff)
        *related = true;
    if(ea && made_by(&ua, requester) && at < ua.created_at + pol->cooloff)
        *related = true;
out:
    return err;
}

/* An approval given before its user was last disabled never counts again. */
static bool
void_by_disable(const struct sd_user *u, const struct sd_remedy_approval *ap)
{
    return u->disabled_at && ap->at <= u->disabled_at;
}

/* Approvals of r that count now (distinct people, not the requester; users in the table must be
 * enabled and still hold an approving role for the kind). out may be NULL. */
static sd_err
count_approvals(struct sd_txn *t, const struct sd_remedy_policy *pol, const struct rrec *r,
                struct sd_remedy_approval *out, size_t *n, size_t *n_void)
{
    unsigned roles = pol->approvers[r->kind];
    sd_err err = SD_OK;

    *n = 0;
    *n_void = 0;
    for(size_t i = 0; i < r->n_approvals; i++) {
        const struct sd_remedy_approval *ap = &r->approvals[i];
        struct sd_user u;
        bool exists, ok = !sd_actor_same_person(ap->user, r->requester);

        for(size_t j = 0; j < i && ok; j++)
            ok = !sd_actor_same_person(ap->user, r->approvals[j].user);
        if(ok) {
            SD_TRY(lookup_user(t, ap->user, &u, &exists));
            ok = !exists || (!u.disabled && (u.roles & roles) && !void_by_disable(&u, ap));
        }
        if(ok) {
            bool related;

            SD_TRY(creator_related(t, pol, ap->user, r->requester, ap->at, &related));
            ok = !related;
        }
        if(!ok) {
            (*n_void)++;
            continue;
        }
        if(out)
            out[*n] = *ap;
        (*n)++;
    }
out:
    return err;
}

/* ---- views ---- */

static enum sd_remedy_state
effective_state(const struct rrec *r, size_t counted, uint64_t now)
{
    if(r->state == SD_RS_EXECUTED || r->state == SD_RS_REJECTED || r->state == SD_RS_EXPIRED)
        return (enum sd_remedy_state)r->state;
    if(r->expires_at && now >= r->expires_at)
        return SD_RS_EXPIRED;
    return counted >= r->quorum ? SD_RS_APPROVED : SD_RS_PENDING;
}

static sd_err
mask_uid(char out[SD_REMEDY_MASKED_UID], const char *v, size_t n)
{
    struct sd_buf m = SD_BUF_INIT;
    sd_err err = SD_OK;

    SD_TRY(sd_mask(&m, SD_F_CUSTOMER_UID, v, n));
    SD_ENSURE(m.len < SD_REMEDY_MASKED_UID, SD_E_INTERNAL);
    memcpy(out, m.data, m.len);
    out[m.len] = 0;
out:
    sd_buf_free(&m);
    return err;
}

/* The masked destination UID of r: from `plain` when the caller has it, else decrypted. */
static sd_err
view_uid(struct sd_desk *d, struct sd_txn *t, const struct rrec *r, const char *plain,
         char out[SD_REMEDY_MASKED_UID])
{
    struct sd_buf pt = SD_BUF_INIT;
    struct sd_dkey *dk = NULL;
    uint64_t dkid;
    sd_err err = SD_OK;

    out[0] = 0;
    if(plain) {
        SD_TRY(mask_uid(out, plain, strlen(plain)));
        goto out;
    }
    if(!r->uid_len)
        goto out;
    SD_TRY(sd_field_key_id(&dkid, r->uid, r->uid_len));
    err = sd_keys_dkey_open(t, d->kr, dkid, &dk);
    if(err == SD_E_SHREDDED) {
        copy_out(out, SD_REMEDY_MASKED_UID, "[shredded]");
        err = SD_OK;
        goto out;
    }
    SD_TRY(err);
    SD_TRY(sd_field_open(&pt, dk, r->ticket_id, SD_F_REMEDY_UID_BASE + (uint32_t)r->id, r->uid,
                         r->uid_len));
    SD_TRY(mask_uid(out, (const char *)pt.data, pt.len));
out:
    sd_buf_wipe_free(&pt);
    sd_dkey_free(dk);
    return err;
}

static sd_err
make_view(struct sd_desk *d, struct sd_txn *t, const struct sd_remedy_policy *pol,
          const struct rrec *r, const char *plain_uid, uint64_t now, struct sd_remedy *v)
{
    sd_err err = SD_OK;

    memset(v, 0, sizeof(*v));
    v->id = r->id;
    v->ticket_id = r->ticket_id;
    v->kind = (enum sd_remedy_kind)r->kind;
    copy_out(v->asset, sizeof(v->asset), r->asset);
    copy_out(v->amount, sizeof(v->amount), r->amount);
    v->amount_usdt_micro = r->usdt_micro;
    v->priced = r->priced;
    copy_out(v->justification, sizeof(v->justification), r->justification);
    copy_out(v->requester, sizeof(v->requester), r->requester);
    v->quorum = r->quorum;
    v->created_at = r->created_at;
    v->expires_at = r->expires_at;
    v->executed_at = r->executed_at;
    copy_out(v->executed_by, sizeof(v->executed_by), r->executed_by);
    copy_out(v->rejected_by, sizeof(v->rejected_by), r->rejected_by);
    copy_out(v->reject_reason, sizeof(v->reject_reason), r->reject_reason);
    copy_out(v->idempotency_key, sizeof(v->idempotency_key), r->idem);
    v->freeze_id = r->freeze_id;
    v->dest_is_customer = r->dest_is_customer;
    copy_out(v->destination_reason, sizeof(v->destination_reason), r->dest_reason);
    SD_TRY(count_approvals(t, pol, r, v->approvals, &v->n_approvals, &v->n_void));
    v->state = effective_state(r, v->n_approvals, now);
    if(v->state == SD_RS_PENDING)
        v->approvals_needed = r->quorum - (unsigned)v->n_approvals;
    SD_TRY(view_uid(d, t, r, plain_uid, v->to_uid_masked));
out:
    return err;
}

/* ---- input checks: each refusal comes with a stable reason ---- */

static void
set_why(const char **why, sd_err err, const char *reason)
{
    if(why)
        *why = err == SD_OK ? NULL : reason ? reason : sd_err_str(err);
}

/* An optional string argument that was not given (NULL or ""). */
static bool
blank(const char *s)
{
    return !s || !s[0];
}

/* Destination / frozen account UID: 1..SD_MAX_UID printable ASCII without spaces. */
static bool
uid_ok(const char *s)
{
    size_t n = s ? strnlen(s, SD_MAX_UID + 1) : 0;

    if(n == 0 || n > SD_MAX_UID)
        return false;
    for(size_t i = 0; i < n; i++) {
        if(s[i] < 0x21 || s[i] > 0x7e)
            return false;
    }
    return true;
}

/* Free text kept in the clear (justification, reasons): required, bounded, valid text and free
 * of secrets (refused rather than redacted, so what was approved is what was written). */
static sd_err
check_text(const char *s, bool justification, const char **reason)
{
    struct sd_buf scratch = SD_BUF_INIT;
    struct sd_redact_report rep;
    size_t n = s ? strnlen(s, SD_MAX_REASON + 1) : 0;
    sd_err err = SD_OK;

    if(n == 0) {
        *reason = justification ? "a justification is required" : "a reason is required";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(n > SD_MAX_REASON) {
        *reason =
            justification ? "justification longer than 512 bytes" : "reason longer than 512 bytes";
        SD_ENSURE(0, SD_E_LIMIT);
    }
    if(!sd_text_valid(s, n)) {
        *reason = "text is not valid UTF-8 or has control characters";
        SD_ENSURE(0, SD_E_INVALID);
    }
    SD_TRY(sd_redact(&scratch, s, n, &rep));
    if(sd_redact_any(&rep)) {
        *reason = "text contains a secret (seed phrase, private key, 2FA code or card number)";
        SD_ENSURE(0, SD_E_INVALID);
    }
out:
    sd_buf_wipe_free(&scratch);
    return err;
}

static sd_err
audit_target(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const char *action,
             const char *target, const uint8_t *digest, const char *reason)
{
    struct sd_audit_rec r = {.actor = a->name,
                             .action = action,
                             .target = target,
                             .request_id = a->request_id,
                             .reason = reason,
                             .digest = digest};

    return sd_audit_append(t, d->kr, &r, NULL);
}

static sd_err
audit_remedy(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const char *action,
             uint64_t id, const uint8_t *digest, const char *reason)
{
    char target[32];

    snprintf(target, sizeof(target), "r%" PRIu64, id);
    return audit_target(d, t, a, action, target, digest, reason);
}

/* Seal the UID for remedy `id` on ticket `tr` under the ticket's customer data key. */
static sd_err
seal_uid(struct sd_desk *d, struct sd_txn *t, const sd_trec *tr, uint64_t id, const char *uid,
         struct rrec *r, const char **reason)
{
    struct sd_buf sealed = SD_BUF_INIT;
    struct sd_dkey *dk = NULL;
    sd_err err = SD_OK;

    err = sd_keys_dkey_open(t, d->kr, tr->data_key_id, &dk);
    if(err == SD_E_SHREDDED)
        *reason = "the customer's data was crypto-shredded";
    SD_TRY(err);
    SD_TRY(sd_field_seal(&sealed, dk, tr->id, SD_F_REMEDY_UID_BASE + (uint32_t)id,
                         (const uint8_t *)uid, strlen(uid)));
    SD_ENSURE(sealed.len <= sizeof(r->uid), SD_E_INTERNAL);
    memcpy(r->uid, sealed.data, sealed.len);
    r->uid_len = sealed.len;
out:
    sd_dkey_free(dk);
    sd_buf_free(&sealed);
    return err;
}

static sd_err
load_ticket(struct sd_txn *t, uint64_t id, sd_trec **tr, const char **reason)
{
    sd_err err = sd_trec_load(t, id, tr);

    if(err == SD_E_NOTFOUND)
        *reason = "ticket not found";
    return err;
}

/* Object-level rule matching ticket.c: an agent (without a wider role) acts only on tickets
 * that are theirs or still unassigned. */
static bool
may_request_on(const struct sd_actor *a, const sd_trec *tr)
{
    if(a->roles & (SD_ROLE_SUPERVISOR | SD_ROLE_COMPLIANCE | SD_ROLE_SYSTEM))
        return true;
    return !tr->assignee || tr->assignee[0] == 0 || strcmp(tr->assignee, a->name) == 0;
}

/* The ticket's customer UID in the clear into out (NUL-terminated; empty when the ticket has
 * none). The caller wipes it. */
static sd_err
ticket_customer_uid(struct sd_desk *d, struct sd_txn *t, const sd_trec *tr, struct sd_buf *out,
                    const char **reason)
{
    struct sd_dkey *dk = NULL;
    const uint8_t *p;
    size_t n;
    sd_err err = SD_OK;

    sd_buf_reset(out);
    sd_trec_field(tr, SD_F_CUSTOMER_UID, &p, &n);
    if(n) {
        err = sd_keys_dkey_open(t, d->kr, tr->data_key_id, &dk);
        if(err == SD_E_SHREDDED)
            *reason = "the customer's data was crypto-shredded";
        SD_TRY(err);
        SD_TRY(sd_field_open(out, dk, tr->id, SD_F_CUSTOMER_UID, p, n));
    }
    SD_TRY(sd_buf_terminate(out));
out:
    sd_dkey_free(dk);
    return err;
}

static bool
uid_equal(const char *a, const struct sd_buf *b)
{
    size_t n = strlen(a);

    return n == b->len && memcmp(a, b->data, n) == 0;
}

/* Where a new remedy pays (or, for account_unfreeze, which account it unfreezes): fund-moving
 * kinds pay the ticket's own customer and nobody else; third_party_payout pays the to_uid it
 * names; account_unfreeze names an account, by default the ticket's customer. */
static sd_err
pick_destination(const struct sd_remedy_new *in, const struct sd_buf *cust, const char **dest,
                 bool *is_customer, const char **reason)
{
    const char *c = cust->len ? (const char *)cust->data : NULL;

    if(in->kind == SD_RK_THIRD_PARTY_PAYOUT) {
        *dest = in->to_uid;
        *is_customer = c && uid_equal(in->to_uid, cust);
        return SD_OK;
    }
    if(!blank(in->to_uid)) {
        if(in->kind == SD_RK_ACCOUNT_UNFREEZE) {
            *dest = in->to_uid;
            *is_customer = c && uid_equal(in->to_uid, cust);
            return SD_OK;
        }
        if(!c || !uid_equal(in->to_uid, cust)) {
            *reason = "to_uid: a fund-moving remedy pays the ticket's own customer; another "
                      "account needs kind third_party_payout with a destination reason";
            return SD_E_INVALID;
        }
    }
    if(!c) {
        *reason = in->kind == SD_RK_ACCOUNT_UNFREEZE
                      ? "the ticket has no customer UID: name the frozen account in to_uid"
                      : "the ticket has no customer UID: a fund-moving remedy pays the "
                        "ticket's own customer";
        return SD_E_PRECONDITION;
    }
    *dest = c;
    *is_customer = true;
    return SD_OK;
}

/* ---- the ticket's timeline ---- */

/* Append a remedy/freeze event to ticket ticket_id's timeline in txn t. detail carries ids,
 * kinds, amounts and counts only: never a UID or free text. */
static sd_err
ticket_note(struct sd_txn *t, uint64_t ticket_id, const char *actor, enum sd_event_kind kind,
            uint64_t now, const char *detail)
{
    sd_trec *tr = NULL;
    uint8_t digest[32];
    sd_err err = SD_OK;

    SD_TRY(sd_trec_load(t, ticket_id, &tr));
    tr->updated_at = now;
    SD_TRY(sd_event_add(t, tr, actor, kind, 0, 0, NULL, false, detail));
    SD_TRY(sd_trec_store(t, tr, digest));
out:
    sd_trec_free(tr);
    return err;
}

/* ---- freezes in force ---- */

static const char frozen_reason[] =
    "the customer's account is frozen by an emergency freeze: fund-moving remedies are refused "
    "until an approved account_unfreeze is executed (sealctl customer get --uid shows it)";

static void
ckey(uint8_t k[1 + SD_BIDX_BYTES], const uint8_t bidx[SD_BIDX_BYTES])
{
    k[0] = PFX_CUSTOMER;
    memcpy(k + 1, bidx, SD_BIDX_BYTES);
}

/* Audit target naming an account by its blind index: "customer:<hex>" (never the UID). */
#define CUSTOMER_TARGET_MAX (16 + 2 * SD_BIDX_BYTES + 1)
static void
customer_target(char out[CUSTOMER_TARGET_MAX], const uint8_t bidx[SD_BIDX_BYTES])
{
    snprintf(out, CUSTOMER_TARGET_MAX, "customer:");
    sd_hex_encode(out + 9, bidx, SD_BIDX_BYTES);
}

/* The freeze in force on the account with this blind index; 0 when none. */
static sd_err
active_freeze(struct sd_txn *t, const uint8_t bidx[SD_BIDX_BYTES], uint64_t *freeze_id)
{
    uint8_t k[1 + SD_BIDX_BYTES];
    struct sd_val v;
    sd_err err;

    *freeze_id = 0;
    ckey(k, bidx);
    err = sd_txn_get(t, SD_DB_REMEDIES, k, sizeof(k), &v);
    if(err == SD_E_NOTFOUND)
        return SD_OK;
    if(err != SD_OK)
        return err;
    if(v.n != 8)
        return SD_E_STORE;
    *freeze_id = sd_get_u64be(v.p);
    return SD_OK;
}

static sd_err
uid_freeze(struct sd_desk *d, struct sd_txn *t, const char *uid, size_t n, uint64_t *freeze_id,
           uint8_t bidx[SD_BIDX_BYTES])
{
    sd_err err = sd_bidx(d->kr, SD_BIDX_UID, uid, n, bidx);

    if(err == SD_OK)
        err = active_freeze(t, bidx, freeze_id);
    return err;
}

/* r's destination in the clear (NUL-terminated), wiped by the caller. */
static sd_err
rrec_plain_uid(struct sd_desk *d, struct sd_txn *t, const struct rrec *r, struct sd_buf *out)
{
    struct sd_dkey *dk = NULL;
    uint64_t dkid;
    sd_err err = SD_OK;

    sd_buf_reset(out);
    if(r->uid_len) {
        SD_TRY(sd_field_key_id(&dkid, r->uid, r->uid_len));
        SD_TRY(sd_keys_dkey_open(t, d->kr, dkid, &dk));
        SD_TRY(sd_field_open(out, dk, r->ticket_id, SD_F_REMEDY_UID_BASE + (uint32_t)r->id, r->uid,
                             r->uid_len));
    }
    SD_TRY(sd_buf_terminate(out));
out:
    sd_dkey_free(dk);
    return err;
}

/* A fund-moving remedy whose destination or ticket customer is frozen may not go on. */
static sd_err
check_not_frozen(struct sd_desk *d, struct sd_txn *t, const struct rrec *r, const char **reason)
{
    struct sd_buf dest = SD_BUF_INIT, cust = SD_BUF_INIT;
    uint8_t bidx[SD_BIDX_BYTES];
    sd_trec *tr = NULL;
    uint64_t fid = 0;
    sd_err err = SD_OK;

    if(!sd_remedy_kind_moves_funds((enum sd_remedy_kind)r->kind))
        return SD_OK;
    SD_TRY(rrec_plain_uid(d, t, r, &dest));
    if(dest.len)
        SD_TRY(uid_freeze(d, t, (const char *)dest.data, dest.len, &fid, bidx));
    if(!fid) {
        SD_TRY(load_ticket(t, r->ticket_id, &tr, reason));
        SD_TRY(ticket_customer_uid(d, t, tr, &cust, reason));
        if(cust.len)
            SD_TRY(uid_freeze(d, t, (const char *)cust.data, cust.len, &fid, bidx));
    }
    if(fid) {
        *reason = frozen_reason;
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
out:
    sodium_memzero(bidx, sizeof(bidx));
    sd_buf_wipe_free(&dest);
    sd_buf_wipe_free(&cust);
    sd_trec_free(tr);
    return err;
}

/* ---- request ---- */

sd_err
sd_remedy_request(struct sd_desk *d, const struct sd_actor *a, const struct sd_remedy_new *in,
                  struct sd_remedy *out, const char **why)
{
    const struct sd_remedy_policy *pol = NULL;
    struct rrec r;
    struct sd_remedy v;
    struct sd_txn *t = NULL;
    sd_trec *tr = NULL;
    const char *reason = NULL;
    const char *dest = NULL;
    struct sd_buf cust = SD_BUF_INIT;
    uint8_t digest[32], bidx[SD_BIDX_BYTES];
    uint64_t fid = 0;
    uint64_t now = sd_clock_now();
    sd_err err = SD_OK;

    memset(&r, 0, sizeof(r));
    SD_CHECK_ARG(d && in);
    SD_TRY(sd_actor_check(a));
    pol = desk_policy(d);
    SD_ENSURE(pol, SD_E_INTERNAL);
    if(in->kind == SD_RK_FREEZE_REVIEW) {
        reason = "freeze reviews are opened by an emergency freeze";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(!(in->kind >= SD_RK_COMPENSATION && in->kind < SD_RK_COUNT)) {
        reason = "unknown remedy kind";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(!sd_remedy_kind_moves_funds(in->kind)) {
        /* Nothing is paid: no amount, and the quorum is the policy's fixed one. */
        if(!blank(in->asset) || !blank(in->amount)) {
            reason = "asset, amount: account_unfreeze takes no asset or amount";
            SD_ENSURE(0, SD_E_INVALID);
        }
    } else {
        if(blank(in->asset) ||
           !asset_norm(r.asset, in->asset, strnlen(in->asset, SD_REMEDY_MAX_ASSET + 1))) {
            reason = "asset: 1 to 16 letters or digits";
            SD_ENSURE(0, SD_E_INVALID);
        }
        if(sd_remedy_amount_parse(in->amount, NULL, NULL) != SD_OK) {
            reason = "amount: a decimal above 0 with at most 18 digits and 8 decimals";
            SD_ENSURE(0, SD_E_INVALID);
        }
    }
    if(!blank(in->to_uid) && !uid_ok(in->to_uid)) {
        reason = "to_uid: 1 to 128 printable ASCII characters without spaces";
        SD_ENSURE(0, SD_E_INVALID);
    }
    if(in->kind == SD_RK_THIRD_PARTY_PAYOUT) {
        if(blank(in->to_uid)) {
            reason = "to_uid: third_party_payout needs the destination account UID";
            SD_ENSURE(0, SD_E_INVALID);
        }
        if(check_text(in->destination_reason, false, &reason) != SD_OK) {
            reason = "destination_reason: third_party_payout needs a stated reason (1 to 512 "
                     "bytes of text, no secrets)";
            SD_ENSURE(0, SD_E_INVALID);
        }
        copy_out(r.dest_reason, sizeof(r.dest_reason), in->destination_reason);
    } else if(!blank(in->destination_reason)) {
        reason = "destination_reason: only third_party_payout pays another account";
        SD_ENSURE(0, SD_E_INVALID);
    }
    SD_TRY(check_text(in->justification, true, &reason));
    if(sd_remedy_kind_moves_funds(in->kind)) {
        copy_out(r.amount, sizeof(r.amount), in->amount);
        SD_TRY(sd_remedy_policy_value(pol, r.asset, r.amount, &r.usdt_micro, &r.priced));
        if(!r.priced) {
            /* Priced at the top tier by accident is not safe enough: refuse instead. */
            reason = "asset: unknown asset (no rate in remedy.policy)";
            SD_ENSURE(0, SD_E_INVALID);
        }
    } else {
        r.priced = true; /* worth 0: the fixed quorum applies */
    }
    r.kind = (unsigned)in->kind;
    r.quorum = sd_remedy_policy_quorum(pol, in->kind, r.priced, r.usdt_micro);
    r.state = SD_RS_PENDING;
    r.ticket_id = in->ticket_id;
    r.created_at = now;
    r.expires_at = now + pol->expiry;
    copy_out(r.justification, sizeof(r.justification), in->justification);
    copy_out(r.requester, sizeof(r.requester), a->name);

    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(load_ticket(t, in->ticket_id, &tr, &reason));
    if(!may_request_on(a, tr)) {
        reason = "agents request remedies only on their own or unassigned tickets";
        SD_ENSURE(0, SD_E_DENIED);
    }
    SD_TRY(ticket_customer_uid(d, t, tr, &cust, &reason));
    SD_TRY(pick_destination(in, &cust, &dest, &r.dest_is_customer, &reason));
    SD_TRY(uid_freeze(d, t, dest, strlen(dest), &fid, bidx));
    if(!fid && cust.len && sd_remedy_kind_moves_funds(in->kind))
        SD_TRY(uid_freeze(d, t, (const char *)cust.data, cust.len, &fid, bidx));
    if(in->kind == SD_RK_ACCOUNT_UNFREEZE && !fid) {
        reason = "the account is not frozen: nothing to unfreeze";
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    if(fid && sd_remedy_kind_moves_funds(in->kind)) {
        reason = frozen_reason;
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    SD_TRY(sd_meta_next(t, "next_remedy", &r.id));
    SD_TRY(seal_uid(d, t, tr, r.id, dest, &r, &reason));
    SD_TRY(rrec_store(t, &r, false, digest));
    SD_TRY(audit_remedy(d, t, a, "remedy.request", r.id, digest, NULL));
    {
        char note[160];

        if(sd_remedy_kind_moves_funds(in->kind))
            snprintf(note, sizeof(note), "request r%" PRIu64 " %s %s %s, quorum %u%s", r.id,
                     sd_remedy_kind_name(in->kind), r.amount, r.asset, r.quorum,
                     r.dest_is_customer ? "" : ", to another account");
        else
            snprintf(note, sizeof(note), "request r%" PRIu64 " %s, quorum %u", r.id,
                     sd_remedy_kind_name(in->kind), r.quorum);
        SD_TRY(ticket_note(t, r.ticket_id, a->name, SD_EV_REMEDY, now, note));
    }
    SD_TRY(make_view(d, t, pol, &r, dest, now, &v));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(out)
        *out = v;
out:
    sd_txn_abort(t);
    sd_buf_wipe_free(&cust);
    sd_trec_free(tr);
    set_why(why, err, reason);
    return err;
}

/* ---- approve / reject / execute: one txn shape ---- */

struct act {
    struct sd_desk *d;
    struct sd_txn *t;
    const struct sd_actor *a;
    const struct sd_remedy_policy *pol;
    uint64_t now;
    const char *arg;    /* reject reason or idempotency key */
    const char *action; /* audit action on success */
    const char *audit_reason;
    bool instruction; /* also write the back-office instruction */
    bool expired;     /* refused because it expired just now: persist that */
    bool replay;      /* execute replayed with the original key: answer, write nothing */
    bool no_store;    /* the remedy is unchanged: audit only (review) */
    uint64_t freeze_ticket, freeze_id; /* an unfreeze executed: the freeze it lifted */
    bool unmask; /* the answer carries the destination in the clear (review) */
};

typedef sd_err (*act_fn)(struct act *c, struct rrec *r, const char **reason);

/* Refuse unless r is still open: not final and not past its expiry (which is noted in c). */
static sd_err
check_open(struct act *c, struct rrec *r, const char **reason)
{
    switch(r->state) {
    case SD_RS_EXECUTED:
        *reason = "remedy already executed";
        return SD_E_PRECONDITION;
    case SD_RS_REJECTED:
        *reason = "remedy was rejected";
        return SD_E_PRECONDITION;
    case SD_RS_EXPIRED:
        *reason = "remedy expired";
        return SD_E_PRECONDITION;
    default:
        break;
    }
    if(r->expires_at && c->now >= r->expires_at) {
        r->state = SD_RS_EXPIRED;
        c->expired = true;
        *reason = "remedy expired";
        return SD_E_PRECONDITION;
    }
    return SD_OK;
}

/* The checker's identity rules shared by approve and reject. */
static sd_err
check_checker(struct act *c, const struct rrec *r, bool approving, const char **reason)
{
    unsigned roles = c->pol->approvers[r->kind];
    struct sd_user u;
    bool exists;
    sd_err err = SD_OK;

    memset(&u, 0, sizeof(u));
    if(sd_actor_same_person(c->a->name, r->requester)) {
        *reason = approving ? "the requester cannot approve their own remedy"
                            : "the requester cannot reject their own remedy";
        SD_ENSURE(0, SD_E_DENIED);
    }
    SD_TRY(lookup_user(c->t, c->a->name, &u, &exists));
    if(exists && u.disabled) {
        *reason = "the approver's account is disabled";
        SD_ENSURE(0, SD_E_DENIED);
    }
    if(!(c->a->roles & (roles | SD_ROLE_SYSTEM)) || (exists && !(u.roles & roles))) {
        *reason = "the approver does not hold an approving role for this remedy kind";
        SD_ENSURE(0, SD_E_DENIED);
    }
    if(approving) {
        bool related;

        SD_TRY(creator_related(c->t, c->pol, c->a->name, r->requester, c->now, &related));
        if(related) {
            *reason = "the approver made the requester's account, or was made by them, within "
                      "the creator cool-off";
            SD_ENSURE(0, SD_E_DENIED);
        }
    }
out:
    return err;
}

static sd_err
do_approve(struct act *c, struct rrec *r, const char **reason)
{
    size_t counted, n_void;
    sd_err err = SD_OK;

    SD_TRY(check_checker(c, r, true, reason));
    SD_TRY(check_open(c, r, reason));
    SD_TRY(check_not_frozen(c->d, c->t, r, reason));
    for(size_t i = 0; i < r->n_approvals; i++) {
        struct sd_user u;
        bool exists;

        if(!sd_actor_same_person(c->a->name, r->approvals[i].user))
            continue;
        SD_TRY(lookup_user(c->t, c->a->name, &u, &exists));
        if(exists && void_by_disable(&u, &r->approvals[i])) {
            /* Re-enabled since: the old approval stays void; this one is a new decision. */
            r->approvals[i].at = c->now;
            goto counted;
        }
        *reason = "already approved by this approver";
        SD_ENSURE(0, SD_E_CONFLICT);
    }
    if(r->n_approvals == SD_REMEDY_MAX_APPROVALS) {
        *reason = "too many approvals";
        SD_ENSURE(0, SD_E_LIMIT);
    }
    copy_out(r->approvals[r->n_approvals].user, sizeof(r->approvals[0].user), c->a->name);
    r->approvals[r->n_approvals++].at = c->now;
counted:
    SD_TRY(count_approvals(c->t, c->pol, r, NULL, &counted, &n_void));
    if(counted >= r->quorum) {
        r->state = SD_RS_APPROVED;
        if(r->kind == SD_RK_FREEZE_REVIEW) {
            /* A review has nothing to execute: its approval closes it. */
            r->state = SD_RS_EXECUTED;
            r->executed_at = c->now;
            copy_out(r->executed_by, sizeof(r->executed_by), c->a->name);
        }
    }
    c->action = "remedy.approve";
out:
    return err;
}

static sd_err
do_reject(struct act *c, struct rrec *r, const char **reason)
{
    sd_err err = SD_OK;

    SD_TRY(check_checker(c, r, false, reason));
    SD_TRY(check_open(c, r, reason));
    r->state = SD_RS_REJECTED;
    copy_out(r->rejected_by, sizeof(r->rejected_by), c->a->name);
    copy_out(r->reject_reason, sizeof(r->reject_reason), c->arg);
    c->action = "remedy.reject";
    c->audit_reason = c->arg;
out:
    return err;
}

static sd_err freeze_load(struct sd_txn *t, uint64_t id, Sealdesk__V1__FreezeRecord **out);
static sd_err freeze_put(struct sd_txn *t, const Sealdesk__V1__FreezeRecord *m, uint8_t digest[32]);

/* An approved account_unfreeze is executed: the freeze in force on its account ends. */
static sd_err
lift_freeze(struct act *c, const struct rrec *r, const char **reason)
{
    Sealdesk__V1__FreezeRecord *m = NULL;
    struct sd_buf uid = SD_BUF_INIT;
    uint8_t bidx[SD_BIDX_BYTES], k[1 + SD_BIDX_BYTES], digest[32];
    char target[CUSTOMER_TARGET_MAX];
    uint64_t fid = 0;
    sd_err err = SD_OK;

    SD_TRY(rrec_plain_uid(c->d, c->t, r, &uid));
    SD_TRY(uid_freeze(c->d, c->t, (const char *)uid.data, uid.len, &fid, bidx));
    if(!fid) {
        *reason = "the account is not frozen any more: nothing to unfreeze";
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    ckey(k, bidx);
    SD_TRY(sd_txn_del(c->t, SD_DB_REMEDIES, k, sizeof(k), NULL, 0));
    SD_TRY(freeze_load(c->t, fid, &m));
    m->lifted_at = c->now;
    m->lifted_by = (char *)c->a->name;
    m->unfreeze_remedy_id = r->id;
    SD_TRY(freeze_put(c->t, m, digest));
    m->lifted_by = NULL; /* borrowed: not freed by free_unpacked */
    customer_target(target, bidx);
    SD_TRY(audit_target(c->d, c->t, c->a, "account.unfreeze", target, digest, NULL));
    /* The profile's flag and the back-office feed change in the same txn (issue 15). */
    SD_TRY(
        sd_customers_set_frozen_in(c->d, c->t, c->a, bidx, (const char *)uid.data, uid.len, false));
    {
        char detail[64];
        struct sd_feed_new e = {.kind = SD_FEED_UNFREEZE,
                                .ticket_id = m->ticket_id,
                                .ref_id = fid,
                                .customer_bidx = bidx,
                                .detail = detail};

        snprintf(detail, sizeof(detail), "unfreeze_remedy=%" PRIu64, r->id);
        SD_TRY(sd_events_append_in(c->t, c->a, &e, NULL));
    }
    c->freeze_ticket = m->ticket_id;
    c->freeze_id = fid;
out:
    if(m) {
        if(m->lifted_by == c->a->name)
            m->lifted_by = NULL;
        sealdesk__v1__freeze_record__free_unpacked(m, NULL);
    }
    sodium_memzero(bidx, sizeof(bidx));
    sodium_memzero(k, sizeof(k));
    sd_buf_wipe_free(&uid);
    return err;
}

static sd_err
do_execute(struct act *c, struct rrec *r, const char **reason)
{
    size_t counted, n_void;
    sd_err err = SD_OK;

    if(r->state == SD_RS_EXECUTED && r->kind != SD_RK_FREEZE_REVIEW) {
        /* Idempotent: the same key gets the original result; another key is a second
         * execution and is refused. Keys are not secrets: a plain compare is fine. */
        if(strcmp(r->idem, c->arg) == 0) {
            c->replay = true;
            goto out;
        }
        *reason = "remedy already executed with another idempotency key";
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    SD_TRY(check_open(c, r, reason));
    if(r->kind == SD_RK_FREEZE_REVIEW) {
        *reason = "a freeze review is closed by approval, not executed";
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    SD_TRY(count_approvals(c->t, c->pol, r, NULL, &counted, &n_void));
    if(counted < r->quorum) {
        *reason = "quorum not met";
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    SD_TRY(check_not_frozen(c->d, c->t, r, reason));
    if(r->kind == SD_RK_ACCOUNT_UNFREEZE)
        SD_TRY(lift_freeze(c, r, reason));
    r->state = SD_RS_EXECUTED;
    r->executed_at = c->now;
    copy_out(r->executed_by, sizeof(r->executed_by), c->a->name);
    copy_out(r->idem, sizeof(r->idem), c->arg);
    c->action = "remedy.execute";
    c->instruction = true;
out:
    return err;
}

static sd_err
do_review(struct act *c, struct rrec *r, const char **reason)
{
    struct sd_user u;
    bool exists;
    sd_err err = SD_OK;

    SD_TRY(check_checker(c, r, true, reason));
    SD_TRY(lookup_user(c->t, c->a->name, &u, &exists));
    if(exists) {
        err = sd_auth_unmask_charge(c->t, sd_actor_person(c->a->name), c->now);
        if(err == SD_E_LIMIT)
            *reason = "unmask limit reached (50 per hour)";
        SD_TRY(err);
    }
    c->action = "remedy.review";
    c->audit_reason = "destination and the ticket's customer UID shown unmasked";
    c->no_store = true;
    c->unmask = true;
out:
    return err;
}

/* Decrypt r's destination and its ticket's customer UID into v (the approver's view). */
static sd_err
fill_unmasked(struct sd_desk *d, struct sd_txn *t, const struct rrec *r, struct sd_remedy *v)
{
    struct sd_buf pt = SD_BUF_INIT, cust = SD_BUF_INIT;
    struct sd_dkey *dk = NULL;
    sd_trec *tr = NULL;
    const char *ignored = NULL;
    uint64_t dkid;
    sd_err err = SD_OK;

    if(r->uid_len) {
        SD_TRY(sd_field_key_id(&dkid, r->uid, r->uid_len));
        err = sd_keys_dkey_open(t, d->kr, dkid, &dk);
        if(err == SD_E_SHREDDED) {
            copy_out(v->to_uid, sizeof(v->to_uid), "[shredded]");
        } else {
            SD_TRY(err);
            SD_TRY(sd_field_open(&pt, dk, r->ticket_id, SD_F_REMEDY_UID_BASE + (uint32_t)r->id,
                                 r->uid, r->uid_len));
            SD_ENSURE(pt.len < sizeof(v->to_uid), SD_E_STORE);
            memcpy(v->to_uid, pt.data, pt.len);
            v->to_uid[pt.len] = 0;
        }
    }
    SD_TRY(sd_trec_load(t, r->ticket_id, &tr));
    err = ticket_customer_uid(d, t, tr, &cust, &ignored);
    if(err == SD_E_SHREDDED) {
        copy_out(v->customer_uid, sizeof(v->customer_uid), "[shredded]");
        err = SD_OK;
    } else {
        SD_TRY(err);
        SD_ENSURE(cust.len < sizeof(v->customer_uid), SD_E_STORE);
        memcpy(v->customer_uid, cust.data, cust.len);
        v->customer_uid[cust.len] = 0;
    }
    v->unmasked = true;
out:
    sd_buf_wipe_free(&pt);
    sd_buf_wipe_free(&cust);
    sd_dkey_free(dk);
    sd_trec_free(tr);
    return err;
}

/* The executed remedy's instruction on the back-office feed, in the execution's txn: kind,
 * asset and amount in the clear (no PII), the destination UID as sealed in the remedy. */
static sd_err
feed_instruction(struct act *c, const struct rrec *r, const char **reason)
{
    struct sd_buf dest = SD_BUF_INIT;
    uint8_t bidx[SD_BIDX_BYTES];
    char detail[SD_EVENTS_DETAIL_MAX + 1];
    struct sd_feed_new e = {.kind = SD_FEED_REMEDY_EXECUTED,
                            .ticket_id = r->ticket_id,
                            .ref_id = r->id,
                            .detail = detail,
                            .sealed = r->uid,
                            .sealed_len = r->uid_len,
                            .seal_id = r->ticket_id,
                            .seal_field = SD_F_REMEDY_UID_BASE + (uint32_t)r->id};
    sd_err err = SD_OK;

    snprintf(detail, sizeof(detail), "kind=%s asset=%s amount=%s destination=%s idempotency=%s",
             sd_remedy_kind_name((enum sd_remedy_kind)r->kind), r->asset[0] ? r->asset : "-",
             r->amount[0] ? r->amount : "-", r->dest_is_customer ? "customer" : "third_party",
             r->idem);
    err = rrec_plain_uid(c->d, c->t, r, &dest);
    if(err == SD_E_SHREDDED)
        *reason = "the customer's data was crypto-shredded";
    SD_TRY(err);
    if(dest.len) {
        SD_TRY(sd_bidx(c->d->kr, SD_BIDX_UID, (const char *)dest.data, dest.len, bidx));
        e.customer_bidx = bidx;
    }
    SD_TRY(sd_events_append_in(c->t, c->a, &e, NULL));
out:
    sodium_memzero(bidx, sizeof(bidx));
    sd_buf_wipe_free(&dest);
    return err;
}

static sd_err
act_run(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *arg, act_fn fn,
        struct sd_remedy *out, const char **why)
{
    struct act c;
    struct rrec r;
    struct sd_remedy v;
    const char *reason = NULL;
    uint8_t digest[32];
    sd_err err = SD_OK;

    memset(&c, 0, sizeof(c));
    SD_CHECK_ARG(d);
    SD_TRY(sd_actor_check(a));
    c.d = d;
    c.a = a;
    c.arg = arg;
    c.now = sd_clock_now();
    c.pol = desk_policy(d);
    SD_ENSURE(c.pol, SD_E_INTERNAL);
    SD_TRY(sd_txn_begin(d->store, true, &c.t));
    err = rrec_load(c.t, id, &r);
    if(err == SD_E_NOTFOUND)
        reason = "remedy not found";
    SD_TRY(err);
    err = fn(&c, &r, &reason);
    if(err != SD_OK && c.expired) {
        /* The refusal stands, but the expiry it found is persisted and audited now. */
        sd_err rc = rrec_store(c.t, &r, false, digest);

        if(rc == SD_OK)
            rc = audit_remedy(d, c.t, a, "remedy.expire", id, digest, NULL);
        if(rc == SD_OK) {
            char note[64];

            snprintf(note, sizeof(note), "expire r%" PRIu64, id);
            rc = ticket_note(c.t, r.ticket_id, a->name, SD_EV_REMEDY, c.now, note);
        }
        if(rc == SD_OK)
            rc = sd_txn_commit(c.t);
        else
            sd_txn_abort(c.t);
        c.t = NULL;
        if(rc != SD_OK) {
            err = rc;
            reason = NULL;
        }
        goto out;
    }
    SD_TRY(err);
    if(c.replay) {
        SD_TRY(make_view(d, c.t, c.pol, &r, NULL, c.now, &v));
        if(out)
            *out = v;
        goto out; /* nothing written: the txn is aborted below */
    }
    if(!c.no_store) {
        err = rrec_store(c.t, &r, c.instruction, digest);
        if(err == SD_E_CONFLICT && c.instruction) {
            /* An instruction without an executed record cannot happen; never write a
             * second. */
            reason = "remedy already executed";
            err = SD_E_PRECONDITION;
        }
        SD_TRY(err);
        if(c.instruction)
            SD_TRY(feed_instruction(&c, &r, &reason));
    }
    SD_TRY(audit_remedy(d, c.t, a, c.action, id, c.no_store ? NULL : digest, c.audit_reason));
    SD_TRY(make_view(d, c.t, c.pol, &r, NULL, c.now, &v));
    if(!c.no_store) {
        char note[160];
        const char *verb = c.action + 7; /* "remedy.<verb>" */

        if(strcmp(c.action, "remedy.approve") == 0)
            snprintf(note, sizeof(note), "approve r%" PRIu64 " (%zu of %u)%s", id, v.n_approvals,
                     r.quorum,
                     r.kind == SD_RK_FREEZE_REVIEW && r.state == SD_RS_EXECUTED
                         ? ": freeze review closed"
                         : "");
        else
            snprintf(note, sizeof(note), "%s r%" PRIu64, verb, id);
        SD_TRY(ticket_note(c.t, r.ticket_id, a->name, SD_EV_REMEDY, c.now, note));
        if(c.freeze_id) {
            snprintf(note, sizeof(note), "unfreeze f%" PRIu64 " by r%" PRIu64, c.freeze_id, id);
            SD_TRY(ticket_note(c.t, r.ticket_id, a->name, SD_EV_UNFREEZE, c.now, note));
            if(c.freeze_ticket && c.freeze_ticket != r.ticket_id)
                SD_TRY(ticket_note(c.t, c.freeze_ticket, a->name, SD_EV_UNFREEZE, c.now, note));
        }
    }
    if(c.unmask)
        SD_TRY(fill_unmasked(d, c.t, &r, &v));
    err = sd_txn_commit(c.t);
    c.t = NULL;
    SD_TRY(err);
    if(out)
        *out = v;
out:
    sodium_memzero(&v, sizeof(v));
    sd_txn_abort(c.t);
    set_why(why, err, reason);
    return err;
}

sd_err
sd_remedy_approve(struct sd_desk *d, const struct sd_actor *a, uint64_t id, struct sd_remedy *out,
                  const char **why)
{
    return act_run(d, a, id, NULL, do_approve, out, why);
}

sd_err
sd_remedy_reject(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *reason,
                 struct sd_remedy *out, const char **why)
{
    const char *bad = NULL;
    sd_err err = check_text(reason, false, &bad);

    if(err != SD_OK) {
        set_why(why, err, bad);
        return err;
    }
    return act_run(d, a, id, reason, do_reject, out, why);
}

sd_err
sd_remedy_execute(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                  const char *idempotency_key, struct sd_remedy *out, const char **why)
{
    size_t n = idempotency_key ? strnlen(idempotency_key, SD_REMEDY_MAX_IDEMPOTENCY + 1) : 0;
    bool ok = n >= 1 && n <= SD_REMEDY_MAX_IDEMPOTENCY;

    for(size_t i = 0; ok && i < n; i++)
        ok = idempotency_key[i] >= 0x20 && idempotency_key[i] <= 0x7e;
    if(!ok) {
        set_why(why, SD_E_INVALID, "idempotency key must be 1 to 64 printable ASCII characters");
        return SD_E_INVALID;
    }
    return act_run(d, a, id, idempotency_key, do_execute, out, why);
}

sd_err
sd_remedy_review(struct sd_desk *d, const struct sd_actor *a, uint64_t id, struct sd_remedy *out,
                 const char **why)
{
    return act_run(d, a, id, NULL, do_review, out, why);
}

/* ---- reads ---- */

sd_err
sd_remedy_get(struct sd_desk *d, const struct sd_actor *a, uint64_t id, struct sd_remedy *out,
              const char **why)
{
    const struct sd_remedy_policy *pol;
    struct sd_txn *t = NULL;
    struct rrec r;
    const char *reason = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    SD_TRY(sd_actor_check(a));
    pol = desk_policy(d);
    SD_ENSURE(pol, SD_E_INTERNAL);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    err = rrec_load(t, id, &r);
    if(err == SD_E_NOTFOUND)
        reason = "remedy not found";
    SD_TRY(err);
    SD_TRY(make_view(d, t, pol, &r, NULL, sd_clock_now(), out));
out:
    sd_txn_abort(t);
    if(err != SD_OK && out)
        memset(out, 0, sizeof(*out));
    set_why(why, err, reason);
    return err;
}

sd_err
sd_remedy_approvable(struct sd_desk *d, const struct sd_actor *a, uint64_t *ids, size_t cap,
                     size_t *n, bool *more)
{
    struct act c = {0};
    struct sd_cursor *cur = NULL;
    struct sd_val k, v;
    struct rrec r;
    struct sd_remedy view;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && n && more && (ids || !cap));
    *n = 0;
    *more = false;
    SD_TRY(sd_actor_check(a));
    c.d = d;
    c.a = a;
    c.pol = desk_policy(d);
    c.now = sd_clock_now();
    SD_ENSURE(c.pol, SD_E_INTERNAL);
    SD_TRY(sd_txn_begin(d->store, false, &c.t));
    SD_TRY(sd_cursor_open(c.t, SD_DB_REMEDIES, &cur));
    /* oldest first: the remedy waiting longest comes first */
    k.p = (const uint8_t *)"R";
    k.n = 1;
    for(rc = sd_cursor_get(cur, SD_CUR_SET_RANGE, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(cur, SD_CUR_NEXT, &k, &v)) {
        const char *why = NULL;
        bool mine = false;

        if(k.n != 9 || k.p[0] != PFX_REMEDY)
            break;
        SD_TRY(rrec_decode(&r, v.p, v.n));
        SD_TRY(make_view(d, c.t, c.pol, &r, NULL, c.now, &view));
        if(view.state != SD_RS_PENDING)
            continue;
        /* sd_remedy_approve's rules, read-only: not the requester's own, an approving role
         * for the kind, an enabled account, no creator tie, the account not frozen */
        err = check_checker(&c, &r, true, &why);
        if(err == SD_OK)
            err = check_not_frozen(d, c.t, &r, &why);
        if(err == SD_E_DENIED || err == SD_E_PRECONDITION) {
            err = SD_OK;
            continue;
        }
        SD_TRY(err);
        /* one approval per person: an approval of theirs that still counts */
        for(size_t i = 0; i < view.n_approvals; i++)
            mine = mine || sd_actor_same_person(a->name, view.approvals[i].user);
        if(mine)
            continue;
        if(*n == cap) {
            *more = true;
            break;
        }
        ids[(*n)++] = r.id;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(cur);
    sd_txn_abort(c.t);
    return err;
}

void
sd_remedy_list_clear(struct sd_remedy_list *l)
{
    if(!l)
        return;
    free(l->items);
    memset(l, 0, sizeof(*l));
}

sd_err
sd_remedy_list(struct sd_desk *d, const struct sd_actor *a, int state, struct sd_remedy_list *out,
               const char **why)
{
    const struct sd_remedy_policy *pol;
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    struct rrec r;
    struct sd_remedy view;
    size_t cap = 0;
    uint64_t now = sd_clock_now();
    const char *reason = NULL;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    if(!(state == 0 || (state >= SD_RS_PENDING && state < SD_RS_COUNT))) {
        reason = "unknown remedy state";
        SD_ENSURE(0, SD_E_INVALID);
    }
    pol = desk_policy(d);
    SD_ENSURE(pol, SD_E_INTERNAL);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_cursor_open(t, SD_DB_REMEDIES, &c));
    /* 'R' is the highest prefix in the table: walk back from the end, newest first. */
    for(rc = sd_cursor_get(c, SD_CUR_LAST, &k, &v); rc == SD_OK;
        rc = sd_cursor_get(c, SD_CUR_PREV, &k, &v)) {
        if(k.n != 9 || k.p[0] != PFX_REMEDY)
            break;
        SD_TRY(rrec_decode(&r, v.p, v.n));
        SD_ENSURE(r.id == sd_get_u64be(k.p + 1), SD_E_STORE);
        SD_TRY(make_view(d, t, pol, &r, NULL, now, &view));
        if(state && (int)view.state != state)
            continue;
        if(out->n == SD_REMEDY_MAX_LIST) {
            out->truncated = true;
            break;
        }
        if(out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sd_remedy *p = realloc(out->items, ncap * sizeof(*p));

            SD_ENSURE(p, SD_E_NOMEM);
            out->items = p;
            cap = ncap;
        }
        out->items[out->n++] = view;
    }
    SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
out:
    sd_cursor_close(c);
    sd_txn_abort(t);
    if(err != SD_OK && out)
        sd_remedy_list_clear(out);
    set_why(why, err, reason);
    return err;
}

/* ---- emergency freeze ---- */

static sd_err
freeze_store(struct sd_txn *t, uint64_t id, const uint8_t bidx[SD_BIDX_BYTES],
             const struct rrec *review, uint8_t digest[32])
{
    Sealdesk__V1__FreezeRecord m = SEALDESK__V1__FREEZE_RECORD__INIT;
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[9];
    sd_err err = SD_OK;

    m.id = id;
    m.customer_bidx.data = (uint8_t *)bidx;
    m.customer_bidx.len = SD_BIDX_BYTES;
    m.customer_uid.data = (uint8_t *)review->uid;
    m.customer_uid.len = review->uid_len;
    m.ticket_id = review->ticket_id;
    m.by = (char *)review->requester;
    m.reason = (char *)review->justification;
    m.at = review->created_at;
    m.review_id = review->id;
    SD_TRY(sd_buf_reserve(&enc, sealdesk__v1__freeze_record__get_packed_size(&m)));
    enc.len = sealdesk__v1__freeze_record__pack(&m, enc.data);
    rkey(k, PFX_FREEZE, id);
    SD_TRY(sd_txn_put_new(t, SD_DB_REMEDIES, k, sizeof(k), enc.data, enc.len));
    sd_sha256(digest, enc.data, enc.len);
out:
    sd_buf_free(&enc);
    return err;
}

static sd_err
freeze_load(struct sd_txn *t, uint64_t id, Sealdesk__V1__FreezeRecord **out)
{
    uint8_t k[9];
    struct sd_val v;
    sd_err err;

    rkey(k, PFX_FREEZE, id);
    err = sd_txn_get(t, SD_DB_REMEDIES, k, sizeof(k), &v);
    if(err != SD_OK)
        return err == SD_E_NOTFOUND ? SD_E_STORE : err;
    *out = sealdesk__v1__freeze_record__unpack(NULL, v.n, v.p);
    return *out && (*out)->id == id ? SD_OK : SD_E_STORE;
}

static sd_err
freeze_put(struct sd_txn *t, const Sealdesk__V1__FreezeRecord *m, uint8_t digest[32])
{
    struct sd_buf enc = SD_BUF_INIT;
    uint8_t k[9];
    sd_err err = SD_OK;

    SD_TRY(sd_buf_reserve(&enc, sealdesk__v1__freeze_record__get_packed_size(m)));
    enc.len = sealdesk__v1__freeze_record__pack(m, enc.data);
    rkey(k, PFX_FREEZE, m->id);
    SD_TRY(sd_txn_put(t, SD_DB_REMEDIES, k, sizeof(k), enc.data, enc.len));
    sd_sha256(digest, enc.data, enc.len);
out:
    sd_buf_free(&enc);
    return err;
}

sd_err
sd_customer_get(struct sd_desk *d, const struct sd_actor *a, const char *uid,
                struct sd_customer_status *out, const char **why)
{
    Sealdesk__V1__FreezeRecord *m = NULL;
    const struct sd_remedy_policy *pol;
    struct sd_txn *t = NULL;
    struct rrec r;
    struct sd_remedy v;
    const char *reason = NULL;
    uint8_t bidx[SD_BIDX_BYTES];
    char target[CUSTOMER_TARGET_MAX];
    uint64_t fid = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_actor_check(a));
    if(!(a->roles &
         (SD_ROLE_SUPERVISOR | SD_ROLE_COMPLIANCE | SD_ROLE_SECURITY_ADMIN | SD_ROLE_SYSTEM))) {
        reason = "customer lookups need supervisor, compliance or security_admin";
        SD_ENSURE(0, SD_E_DENIED);
    }
    if(!uid_ok(uid)) {
        reason = "uid: 1 to 128 printable ASCII characters without spaces";
        SD_ENSURE(0, SD_E_INVALID);
    }
    pol = desk_policy(d);
    SD_ENSURE(pol, SD_E_INTERNAL);
    SD_TRY(mask_uid(out->uid_masked, uid, strlen(uid)));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(uid_freeze(d, t, uid, strlen(uid), &fid, bidx));
    if(fid) {
        SD_TRY(freeze_load(t, fid, &m));
        out->frozen = true;
        out->freeze_id = fid;
        out->frozen_at = m->at;
        out->ticket_id = m->ticket_id;
        out->review_id = m->review_id;
        copy_out(out->frozen_by, sizeof(out->frozen_by), m->by ? m->by : "");
        copy_out(out->reason, sizeof(out->reason), m->reason ? m->reason : "");
        if(rrec_load(t, m->review_id, &r) == SD_OK) {
            SD_TRY(make_view(d, t, pol, &r, NULL, sd_clock_now(), &v));
            out->review_state = v.state;
        }
    }
    customer_target(target, bidx);
    SD_TRY(audit_target(d, t, a, "customer.read", target, NULL, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    if(m)
        sealdesk__v1__freeze_record__free_unpacked(m, NULL);
    sodium_memzero(bidx, sizeof(bidx));
    sd_txn_abort(t);
    if(err != SD_OK && out)
        memset(out, 0, sizeof(*out));
    set_why(why, err, reason);
    return err;
}

sd_err
sd_freeze(struct sd_desk *d, const struct sd_actor *a, const char *customer_uid, uint64_t ticket_id,
          const char *reason_text, struct sd_remedy *out_review, const char **why)
{
    const struct sd_remedy_policy *pol = NULL;
    struct rrec r;
    struct sd_remedy v;
    struct sd_txn *t = NULL;
    sd_trec *tr = NULL;
    const char *reason = NULL;
    uint8_t bidx[SD_BIDX_BYTES], digest[32];
    char target[CUSTOMER_TARGET_MAX];
    uint64_t now = sd_clock_now(), freeze_id;
    sd_err err = SD_OK;

    memset(&r, 0, sizeof(r));
    SD_CHECK_ARG(d);
    SD_TRY(sd_actor_check(a));
    if(!(a->roles & (SD_ROLE_SECURITY_ADMIN | SD_ROLE_SUPERVISOR | SD_ROLE_SYSTEM))) {
        reason = "an emergency freeze needs security_admin or supervisor";
        SD_ENSURE(0, SD_E_DENIED);
    }
    if(!uid_ok(customer_uid)) {
        reason = "invalid customer account UID";
        SD_ENSURE(0, SD_E_INVALID);
    }
    SD_TRY(check_text(reason_text, false, &reason));
    pol = desk_policy(d);
    SD_ENSURE(pol, SD_E_INTERNAL);
    SD_TRY(sd_bidx(d->kr, SD_BIDX_UID, customer_uid, strlen(customer_uid), bidx));

    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(load_ticket(t, ticket_id, &tr, &reason));
    if(tr->category != SD_CAT_SECURITY) {
        reason = "an emergency freeze needs a security ticket";
        SD_ENSURE(0, SD_E_PRECONDITION);
    }
    SD_TRY(sd_meta_next(t, "next_freeze", &freeze_id));
    SD_TRY(sd_meta_next(t, "next_remedy", &r.id));
    SD_TRY(seal_uid(d, t, tr, r.id, customer_uid, &r, &reason));
    r.ticket_id = ticket_id;
    r.kind = SD_RK_FREEZE_REVIEW;
    r.state = SD_RS_PENDING;
    r.priced = true; /* worth 0: the review quorum is the policy's base for the kind */
    r.quorum = sd_remedy_policy_quorum(pol, SD_RK_FREEZE_REVIEW, true, 0);
    r.created_at = now;
    r.expires_at = 0; /* a mandatory review does not lapse */
    r.freeze_id = freeze_id;
    copy_out(r.justification, sizeof(r.justification), reason_text);
    copy_out(r.requester, sizeof(r.requester), a->name);

    SD_TRY(freeze_store(t, freeze_id, bidx, &r, digest));
    {
        uint8_t ck[1 + SD_BIDX_BYTES], fv[8];

        ckey(ck, bidx);
        sd_put_u64be(fv, freeze_id);
        SD_TRY(sd_txn_put(t, SD_DB_REMEDIES, ck, sizeof(ck), fv, sizeof(fv)));
    }
    customer_target(target, bidx);
    SD_TRY(audit_target(d, t, a, "account.freeze", target, digest, reason_text));
    SD_TRY(sd_customers_set_frozen_in(d, t, a, bidx, customer_uid, strlen(customer_uid), true));
    {
        char detail[64];
        struct sd_feed_new e = {.kind = SD_FEED_FREEZE,
                                .ticket_id = ticket_id,
                                .ref_id = freeze_id,
                                .customer_bidx = bidx,
                                .detail = detail};

        snprintf(detail, sizeof(detail), "review=%" PRIu64, r.id);
        SD_TRY(sd_events_append_in(t, a, &e, NULL));
    }
    SD_TRY(rrec_store(t, &r, false, digest));
    SD_TRY(audit_remedy(d, t, a, "remedy.request", r.id, digest, NULL));
    {
        char note[96];

        snprintf(note, sizeof(note), "freeze f%" PRIu64 ", review r%" PRIu64, freeze_id, r.id);
        SD_TRY(ticket_note(t, ticket_id, a->name, SD_EV_FREEZE, now, note));
    }
    SD_TRY(make_view(d, t, pol, &r, customer_uid, now, &v));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(out_review)
        *out_review = v;
out:
    sodium_memzero(bidx, sizeof(bidx));
    sd_txn_abort(t);
    sd_trec_free(tr);
    set_why(why, err, reason);
    return err;
}
