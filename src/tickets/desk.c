/* Desk context: init (directory, master key, schema, keys, first audit entry), open and
 * close, enum names, actor validation and the audit shorthand used by ticket.c and query.c. */
#include <errno.h>
#include <pwd.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "tickets/desk_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/desk.h"
#include "sealdesk/enum.h"
#include "sealdesk/keystore.h"
#include "sealdesk/log.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"


static sd_err load_rules(struct sd_desk *d, const struct sd_desk_opts *o);

static const char *const channel_names[] = {
    [SD_CH_CHAT] = "chat",   [SD_CH_EMAIL] = "email",   [SD_CH_WEB] = "web",
    [SD_CH_PHONE] = "phone", [SD_CH_SOCIAL] = "social", [SD_CH_API] = "api",
};
static const char *const status_names[] = {
    [SD_ST_RECEIVED] = "received",
    [SD_ST_IN_PROGRESS] = "in_progress",
    [SD_ST_WAITING_CUSTOMER] = "waiting_customer",
    [SD_ST_RESOLVED] = "resolved",
    [SD_ST_ARCHIVED] = "archived",
};
static const char *const field_names[] = {
    [SD_F_CUSTOMER_NAME] = "customer_name",
    [SD_F_CUSTOMER_EMAIL] = "customer_email",
    [SD_F_CUSTOMER_PHONE] = "customer_phone",
    [SD_F_CUSTOMER_UID] = "customer_uid",
    [SD_F_NATIONAL_ID] = "national_id",
    [SD_F_WALLETS] = "wallets",
    [SD_F_IP_ADDRESS] = "ip_address",
    [SD_F_SUBJECT] = "subject",
    [SD_F_BODY] = "body",
};
static const char *const event_names[] = {
    [SD_EV_CREATED] = "created",
    [SD_EV_TRIAGED] = "triaged",
    [SD_EV_REDACTED] = "redacted",
    [SD_EV_CLAIMED] = "claimed",
    [SD_EV_ASSIGNED] = "assigned",
    [SD_EV_STATUS] = "status",
    [SD_EV_COMMENT] = "comment",
    [SD_EV_RATED] = "rated",
    [SD_EV_REOPENED] = "reopened",
    [SD_EV_SUGGESTED] = "suggested",
    [SD_EV_REMEDY] = "remedy",
    [SD_EV_FREEZE] = "freeze",
    [SD_EV_UNFREEZE] = "unfreeze",
    [SD_EV_INCIDENT] = "incident",
    [SD_EV_ATTACHMENT] = "attachment",
    [SD_EV_ATTACHMENT_REFUSED] = "attachment_refused",
    [SD_EV_MAIL_DELIVERED] = "mail_delivered",
    [SD_EV_MAIL_FAILED] = "mail_failed",
    [SD_EV_MAIL_BOUNCED] = "mail_bounced",
    [SD_EV_CUSTOMER_MESSAGE] = "customer_message",
    [SD_EV_LINKED] = "linked",
    [SD_EV_TRIAGE_CORRECTED] = "triage_corrected",
};

_Static_assert(SD_ENUM_N(channel_names) == SD_CH_COUNT && SD_ENUM_N(status_names) == SD_ST_COUNT &&
                   SD_ENUM_N(field_names) == SD_F_COUNT && SD_ENUM_N(event_names) == SD_EV_COUNT,
               "a name for every value");

static const char *const priority_names[] = {[1] = "P1", [2] = "P2", [3] = "P3", [4] = "P4"};
static const char *const priority_digits[] = {[1] = "1", [2] = "2", [3] = "3", [4] = "4"};

const char *
sd_channel_name(enum sd_channel c)
{
    return sd_enum_name(channel_names, SD_ENUM_N(channel_names), (int)c);
}

sd_err
sd_channel_parse(enum sd_channel *out, const char *s)
{
    int v = 0;

    if(sd_enum_parse(channel_names, SD_ENUM_N(channel_names), s, &v) != SD_OK)
        return SD_E_INVALID;
    *out = (enum sd_channel)v;
    return SD_OK;
}

const char *
sd_status_name(enum sd_status s)
{
    return sd_enum_name(status_names, SD_ENUM_N(status_names), (int)s);
}

sd_err
sd_status_parse(int *out, const char *s)
{
    if(s && strcmp(s, "reopen") == 0) {
        *out = SD_ST_REOPEN;
        return SD_OK;
    }
    return sd_enum_parse(status_names, SD_ENUM_N(status_names), s, out);
}

const char *
sd_field_name(enum sd_field f)
{
    return sd_enum_name(field_names, SD_ENUM_N(field_names), (int)f);
}

const char *
sd_event_kind_name(enum sd_event_kind k)
{
    return sd_enum_name(event_names, SD_ENUM_N(event_names), (int)k);
}

sd_err
sd_priority_parse(int *out, const char *s)
{
    if(!s)
        return SD_E_INVALID;
    if(s[0] == 'P' || s[0] == 'p')
        s++;
    return sd_enum_parse(priority_digits, SD_ENUM_N(priority_digits), s, out);
}

const char *
sd_priority_name(int p)
{
    return sd_enum_name(priority_names, SD_ENUM_N(priority_names), p);
}

const char *
sd_stats_group_key(enum sd_stats_group g)
{
    static const char *const keys[SD_SG_COUNT] = {"by_status", "by_category", "by_priority",
                                                  "by_channel"};

    return sd_enum_name(keys, SD_ENUM_N(keys), (int)g);
}

_Static_assert(SD_CAT_COUNT <= SD_STATS_GROUP_MAX && SD_ST_COUNT - 1 <= SD_STATS_GROUP_MAX &&
                   SD_CH_COUNT - 1 <= SD_STATS_GROUP_MAX,
               "SD_STATS_GROUP_MAX");

size_t
sd_stats_group(const struct sd_stats *s, enum sd_stats_group g, struct sd_count *out)
{
    size_t n = 0;

    switch(g) {
    case SD_SG_STATUS:
        for(int i = SD_ST_RECEIVED; i < SD_ST_COUNT; i++)
            out[n++] = (struct sd_count){status_names[i], s->by_status[i]};
        break;
    case SD_SG_CATEGORY:
        for(int i = 0; i < SD_CAT_COUNT; i++)
            out[n++] = (struct sd_count){sd_category_name((enum sd_category)i), s->by_category[i]};
        break;
    case SD_SG_PRIORITY:
        for(int i = 1; i <= 4; i++)
            out[n++] = (struct sd_count){sd_priority_name(i), s->by_priority[i]};
        break;
    case SD_SG_CHANNEL:
        for(int i = SD_CH_CHAT; i < SD_CH_COUNT; i++)
            out[n++] = (struct sd_count){channel_names[i], s->by_channel[i]};
        break;
    default:
        break;
    }
    return n;
}

void
sd_actor_offline_name(char *out, size_t cap)
{
    struct passwd *pw = getpwuid(getuid());
    const char *login = pw && pw->pw_name ? pw->pw_name : "unknown";
    size_t n;

    snprintf(out, cap, "offline:%s", login);
    n = strlen(out);
    for(size_t i = 0; i < n; i++) {
        char ch = out[i];

        if(!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             strchr("._@:-", ch)))
            out[i] = '_';
    }
}

bool
sd_agent_name_ok(const char *s)
{
    size_t n;

    if(!s)
        return false;
    n = strnlen(s, SD_MAX_AGENT + 1);
    if(n == 0 || n > SD_MAX_AGENT)
        return false;
    for(size_t i = 0; i < n; i++) {
        char c = s[i];

        if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '@' || c == ':' || c == '-'))
            return false;
    }
    return true;
}

const char *
sd_actor_person(const char *name)
{
    return strncasecmp(name, "offline:", 8) == 0 ? name + 8 : name;
}

bool
sd_actor_same_person(const char *a, const char *b)
{
    return strcasecmp(sd_actor_person(a), sd_actor_person(b)) == 0;
}

sd_err
sd_actor_check(const struct sd_actor *a)
{
    if(!a || !sd_agent_name_ok(a->name))
        return SD_E_INVALID;
    if(a->request_id && strnlen(a->request_id, SD_AUDIT_TEXT_MAX + 1) > SD_AUDIT_TEXT_MAX)
        return SD_E_INVALID;
    return SD_OK;
}

sd_err
sd_desk_audit(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a, const char *action,
              uint64_t ticket_id, const uint8_t *digest, const char *reason)
{
    char target[32];
    struct sd_audit_rec r;

    snprintf(target, sizeof(target), "t%" PRIu64, ticket_id);
    r.actor = a->name;
    r.action = action;
    r.target = ticket_id ? target : "";
    r.request_id = a->request_id;
    r.reason = reason;
    r.digest = digest;
    return sd_audit_append(t, d->kr, &r, NULL);
}

static sd_err
path_join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);

    return n < 0 || (size_t)n >= cap ? SD_E_INVALID : SD_OK;
}

static sd_err
load_master(const struct sd_desk_opts *o, bool create, uint8_t master[SD_KEY_BYTES])
{
    char path[4096];
    sd_err err;

    if(o->key_file)
        return sd_master_key_file(master, o->key_file, create);
    err = path_join(path, sizeof(path), o->dir, "master.key");
    if(err != SD_OK)
        return err;
    return sd_master_key_file(master, path, create);
}

sd_err
sd_desk_rules_load(struct sd_triage_rules **out, const char *dir)
{
    struct sd_desk_opts o = {.dir = dir};
    struct sd_desk d = {0};
    sd_err err;

    if(!dir)
        return sd_triage_rules_default(out);
    err = load_rules(&d, &o);
    *out = d.rules;
    return err;
}

static sd_err
load_rules(struct sd_desk *d, const struct sd_desk_opts *o)
{
    char path[4096];
    size_t errline = 0;
    sd_err err = SD_OK;

    if(o->rules_file)
        SD_ENSURE(strlen(o->rules_file) < sizeof(path), SD_E_INVALID);
    if(o->rules_file)
        memcpy(path, o->rules_file, strlen(o->rules_file) + 1);
    else
        SD_TRY(path_join(path, sizeof(path), o->dir, "triage.rules"));
    err = sd_triage_rules_load_file(&d->rules, path, &errline);
    /* no <dir>/triage.rules: the built-in rules; a named file must exist */
    if(err == SD_E_NOTFOUND && !o->rules_file)
        err = sd_triage_rules_default(&d->rules);
    else if(err != SD_OK) /* the operator's file and line (no ticket data) */
        sd_log(SD_LOG_ERROR, "triage_rules", "file=%s line=%zu err=%s", path, errline,
               sd_err_name(err));
out:
    return err;
}

sd_err
sd_desk_init_core(const struct sd_desk_opts *o, sd_desk_seed_fn seed)
{
    uint8_t master[SD_KEY_BYTES];
    struct sd_store *s = NULL;
    struct sd_keyring *kr = NULL;
    struct sd_txn *t = NULL;
    struct sd_audit_rec r = {.actor = "system", .action = "store.init", .target = ""};
    sd_err err = SD_OK;

    SD_CHECK_ARG(o && o->dir);
    SD_ENSURE(mkdir(o->dir, 0700) == 0 || errno == EEXIST, SD_E_IO);
    SD_TRY(load_master(o, true, master));
    SD_TRY(sd_store_open(&s, o->dir, SD_STORE_CREATE, o->map_bytes));
    SD_TRY(sd_keyring_new(&kr, master));
    SD_TRY(sd_txn_begin(s, true, &t));
    SD_TRY(sd_keys_init(t, kr));
    if(seed)
        SD_TRY(seed(t, sd_clock_now())); /* starter articles, covered by store.init */
    SD_TRY(sd_audit_append(t, kr, &r, NULL));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sodium_memzero(master, sizeof(master));
    sd_txn_abort(t);
    sd_keyring_free(kr);
    sd_store_close(s);
    return err;
}

sd_err
sd_desk_open_core(struct sd_desk **out, const struct sd_desk_opts *o)
{
    uint8_t master[SD_KEY_BYTES];
    struct sd_desk *d = NULL;
    struct sd_txn *t = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && o && o->dir);
    d = calloc(1, sizeof(*d));
    SD_ENSURE(d, SD_E_NOMEM);
    d->exclusive = o->exclusive;
    SD_TRY(sd_store_open(&d->store, o->dir, 0, o->map_bytes));
    SD_TRY(load_master(o, false, master));
    SD_TRY(sd_keyring_new(&d->kr, master));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_keys_load(t, d->kr));
    SD_TRY(load_rules(d, o));
    *out = d;
    d = NULL;
out:
    sodium_memzero(master, sizeof(master));
    sd_txn_abort(t);
    sd_desk_close_core(d);
    return err;
}

struct sd_store *
sd_desk_store(struct sd_desk *d)
{
    return d ? d->store : NULL;
}

void
sd_desk_close_core(struct sd_desk *d)
{
    if(!d)
        return;
    sd_triage_rules_free(d->rules);
    sd_keyring_free(d->kr);
    sd_store_close(d->store);
    free(d);
}

void
sd_desk_set_key_grace(struct sd_desk *d, unsigned grace_ms)
{
    sd_keyring_set_grace(d->kr, grace_ms);
}

void
sd_desk_keys_idle(struct sd_desk *d)
{
    sd_keyring_idle(d->kr);
}

sd_err
sd_desk_triage(struct sd_desk *d, const char *text, size_t n, bool vip,
               struct sd_triage_result *out)
{
    /* The rules and what the desk's corrections taught (set_triage.c). */
    return sd_desk_triage_learned(d, text, n, vip, out);
}
