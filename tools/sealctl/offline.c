/* sealctl commands in offline mode: each parses its options, calls the desk library on the
 * data dir directly and emits the result through json_out.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli.h"
#include "sealdesk/authz.h"
#include "sealdesk/clock.h"
#include "sealdesk/keyops.h"
#include "sealdesk/keystore.h"
#include "sealdesk/learn.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/desk.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/queue.h"
#include "sealdesk/sla.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"

#define AGENT_RULE "must name an existing, enabled user with the agent role"

static struct sd_desk_opts
desk_opts(const struct cli *c)
{
    /* One thread: a shred purges the store file at once (store.h sd_store_purge). */
    struct sd_desk_opts o = {.dir = c->data, .key_file = c->key_file, .exclusive = true};

    return o;
}

int
cli_open_desk(const struct cli *c, struct sd_desk **d)
{
    struct sd_desk_opts o = desk_opts(c);
    char *pass = NULL;
    size_t n = 0;
    sd_err err;

    if(c->pass_file) {
        err = sd_keyops_passphrase_read(c->pass_file, &pass, &n);
        if(err != SD_OK)
            return cli_fail(err, "passphrase file (its first line; mode 0600)");
        err = sd_keyops_desk_open_passphrase(d, &o, pass, n);
        sd_keyops_passphrase_free(pass);
        if(err == SD_E_PRECONDITION)
            return cli_fail(err, "this store's master key is a key file, not a passphrase");
    } else {
        err = sd_desk_open(d, &o);
    }
    if(err == SD_E_NOTFOUND)
        return cli_fail(err, "no sealdesk store in the data dir (run init)");
    if(err == SD_E_PRECONDITION)
        return cli_fail(err, "store schema is newer than this sealctl");
    if(err == SD_E_CRYPTO)
        return cli_fail(err, "cannot unwrap keys with this master key");
    if(err != SD_OK)
        return cli_fail(err, "open store");
    return 0;
}

int
cmd_init_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    struct sd_desk_opts o;
    sd_err err;

    (void)d, (void)a, (void)argc, (void)argv;
    if(cli_get(c, "key-file"))
        c->key_file = cli_get(c, "key-file");
    o = desk_opts(c);
    err = sd_desk_init(&o);
    if(err == SD_E_CONFLICT)
        return cli_fail(err, "store already initialised");
    if(err == SD_E_DENIED)
        return cli_fail(err, "master key file must not be readable by group or others");
    if(err != SD_OK)
        return cli_fail(err, "init");
    json_t *j = json_object();

    json_object_set_new(j, "initialized", json_true());
    json_object_set_new(j, "data", json_string(c->data));
    return cli_emit(c, j);
}

static const struct {
    const char *opt;
    enum sd_field f;
} field_opts[] = {
    {"customer-name", SD_F_CUSTOMER_NAME},
    {"customer-email", SD_F_CUSTOMER_EMAIL},
    {"customer-phone", SD_F_CUSTOMER_PHONE},
    {"customer-uid", SD_F_CUSTOMER_UID},
    {"national-id", SD_F_NATIONAL_ID},
    {"wallets", SD_F_WALLETS},
    {"ip", SD_F_IP_ADDRESS},
    {"subject", SD_F_SUBJECT},
    {"body", SD_F_BODY},
};

static int
ticket_create(struct cli *c, struct sd_desk *d, const struct sd_actor *a)
{
    struct sd_ticket_new in;
    struct sd_ticket t;
    sd_err err;

    memset(&in, 0, sizeof(in));
    if(sd_channel_parse(&in.channel, cli_get(c, "channel")) != SD_OK)
        return cli_fail(SD_E_INVALID, "unknown channel");
    for(size_t i = 0; i < sizeof(field_opts) / sizeof(field_opts[0]); i++)
        in.field[field_opts[i].f] = cli_get(c, field_opts[i].opt);
    in.category = -1;
    if(cli_get(c, "category")) {
        enum sd_category ec;

        if(sd_category_parse(&ec, cli_get(c, "category")) != SD_OK)
            return cli_fail(SD_E_INVALID, "unknown category");
        in.category = (int)ec;
    }
    if(cli_get(c, "priority") && sd_priority_parse(&in.priority, cli_get(c, "priority")) != SD_OK)
        return cli_fail(SD_E_INVALID, "priority must be P1..P4");
    in.vip = cli_has(c, "vip");
    {
        const char *field;
        const char *why;
        char opt[32];
        char what[160];

        /* name the bad option (never its value): customer_email -> --customer-email */
        err = sd_ticket_check(&in, &field, &why);
        if(err != SD_OK) {
            snprintf(opt, sizeof(opt), "%s", field ? field : "?");
            for(char *q = opt; *q; q++) {
                if(*q == '_')
                    *q = '-';
            }
            snprintf(what, sizeof(what), "ticket create: --%s: %s", opt, why ? why : "invalid");
            return cli_fail(err, what);
        }
    }
    err = sd_ticket_create(d, a, &in, &t);
    if(err != SD_OK)
        return cli_fail(err, "ticket create");
    return cli_emit(c, json_ticket(&t, false));
}

static int
emit_ticket(struct cli *c, sd_err err, struct sd_ticket *t, const char *what)
{
    int rc;

    if(err == SD_E_NOTFOUND)
        return cli_fail(err, "no such ticket");
    if(err == SD_E_PRECONDITION)
        return cli_fail(err, "not allowed in the ticket's current status");
    if(err != SD_OK)
        return cli_fail(err, what);
    rc = cli_emit(c, json_ticket(t, false));
    sd_ticket_clear(t);
    return rc;
}

static int
emit_list(struct cli *c, sd_err err, struct sd_ticket_list *l, const char *what)
{
    json_t *j;

    if(err != SD_OK)
        return cli_fail(err, what);
    j = json_ticket_list(l);
    sd_ticket_list_clear(l);
    return cli_emit(c, j);
}

static int
ticket_list(struct cli *c, struct sd_desk *d)
{
    struct sd_ticket_filter f = {.category = -1};
    struct sd_ticket_list l;
    enum sd_category ec;

    if(cli_get(c, "status") &&
       (sd_status_parse(&f.status, cli_get(c, "status")) != SD_OK || f.status == SD_ST_REOPEN))
        return cli_fail(SD_E_INVALID, "unknown status");
    if(cli_get(c, "category")) {
        if(sd_category_parse(&ec, cli_get(c, "category")) != SD_OK)
            return cli_fail(SD_E_INVALID, "unknown category");
        f.category = (int)ec;
    }
    f.assignee = cli_get(c, "assignee");
    return emit_list(c, sd_ticket_list(d, &f, &l), &l, "ticket list");
}

int
cmd_ticket_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                   char **argv)
{
    struct ticket_req q;
    struct sd_ticket t;
    struct sd_ticket_list l;
    int to, rc = cli_ticket_req(c, argv[0], &q);
    sd_err err;

    (void)argc;
    memset(&t, 0, sizeof(t));
    if(rc)
        return rc;
    if(strcmp(q.sub, "create") == 0)
        return ticket_create(c, d, a);
    if(strcmp(q.sub, "list") == 0)
        return ticket_list(c, d);
    if(strcmp(q.sub, "search") == 0)
        return cli_ticket_search_offline(c, d, a);
    if(strcmp(q.sub, "find") == 0)
        return emit_list(c, sd_ticket_find(d, a, q.find_kind, q.find_value, &l), &l, "ticket find");
    if(strcmp(q.sub, "get") == 0) {
        err = sd_ticket_get(d, a, q.id, cli_has(c, "unmask"), cli_get(c, "reason"), &t);
        if(err == SD_E_CRYPTO)
            return cli_fail(err, "ticket data failed its integrity check");
        if(err != SD_OK)
            return emit_ticket(c, err, &t, "ticket get");
        rc = cli_emit(c, json_ticket(&t, true));
        sd_ticket_clear(&t);
        return rc;
    }
    if(strcmp(q.sub, "status") == 0) {
        if(sd_status_parse(&to, cli_get(c, "to")) != SD_OK)
            return cli_fail(SD_E_INVALID, "unknown status");
        err = sd_ticket_transition(d, a, q.id, to, &t);
        if(err == SD_E_PRECONDITION)
            return cli_fail(err, "illegal status transition");
        return emit_ticket(c, err, &t, "ticket status");
    }
    if(strcmp(q.sub, "assign") == 0) {
        err = sd_ticket_assign(d, a, q.id, cli_get(c, "agent"), &t);
        if(err == SD_E_INVALID)
            return cli_fail(err, "--agent: " AGENT_RULE);
        return emit_ticket(c, err, &t, "ticket assign");
    }
    if(strcmp(q.sub, "comment") == 0) {
        err = q.article
                  ? sd_ticket_comment_article(d, a, q.id, q.article, &t)
                  : sd_ticket_comment(d, a, q.id, cli_get(c, "body"), cli_has(c, "internal"), &t);
        return emit_ticket(c, err, &t, "ticket comment");
    }
    if(strcmp(q.sub, "set") == 0) {
        err = sd_ticket_set_triage(d, a, q.id, q.set_category, q.set_priority, cli_get(c, "reason"),
                                   &t);
        if(err == SD_E_INVALID || err == SD_E_LIMIT)
            return cli_fail(err, "--reason: 1..500 characters of text");
        return emit_ticket(c, err, &t, "ticket set");
    }
    err = sd_ticket_rate(d, a, q.id, q.csat, &t); /* rate */
    if(err == SD_E_CONFLICT)
        return cli_fail(err, "ticket already rated");
    if(err == SD_E_PRECONDITION)
        return cli_fail(err, "only resolved tickets can be rated");
    return emit_ticket(c, err, &t, "ticket rate");
}

static int
parse_now(const struct cli *c, uint64_t *now)
{
    *now = sd_clock_now();
    if(cli_get(c, "now") && sd_time_parse(now, cli_get(c, "now")) != SD_OK)
        return cli_fail(SD_E_INVALID, "--now must be RFC 3339, e.g. 2026-11-25T08:00:00Z");
    return 0;
}

int
cmd_audit_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    uint8_t pk[32];
    char hex[65];
    uint64_t from = 0, n = 0;
    sd_err err;

    if(argc >= 1 && strcmp(argv[0], "pubkey") == 0) {
        uint8_t first[32];
        struct sd_txn *t = NULL;

        err = sd_desk_audit_pk(d, pk);
        if(err != SD_OK)
            return cli_fail(err, "audit pubkey");
        /* The first key starts a verification of the whole log (sealaudit --pubkey); the
         * current one signs new checkpoints. They differ after `sealkey audit-rotate`. */
        err = sd_txn_begin(sd_desk_store(d), false, &t);
        if(err == SD_OK)
            err = sd_keys_audit_pk_at(t, 0, first);
        sd_txn_abort(t);
        if(err != SD_OK)
            return cli_fail(err, "audit pubkey");
        sd_hex_encode(hex, pk, 32);
        json_t *j = json_object();

        json_object_set_new(j, "public_key", json_string(hex));
        sd_hex_encode(hex, first, 32);
        json_object_set_new(j, "first_public_key", json_string(hex));
        sd_hex_encode(hex, pk, 32);
        if(c->json)
            return cli_emit(c, j);
        json_decref(j);
        puts(hex);
        return 0;
    }
    if(argc >= 1 && strcmp(argv[0], "search") == 0)
        return cmd_audit_search_offline(c, d, a);
    if(!cli_get(c, "out") || c->n_pos)
        return cli_usage("audit export --out FILE [--from I]");
    if(cli_get(c, "from")) {
        char *end;

        errno = 0;
        from = strtoull(cli_get(c, "from"), &end, 10);
        if(errno || *end || cli_get(c, "from")[0] == '-')
            return cli_fail(SD_E_INVALID, "--from must be an entry index");
    }
    err = sd_desk_audit_export(d, a, cli_get(c, "out"), from, &n);
    if(err == SD_E_CONFLICT)
        return cli_fail(err, "output file exists");
    if(err != SD_OK)
        return cli_fail(err, "audit export");
    json_t *j = json_object();

    json_object_set_new(j, "out", json_string(cli_get(c, "out")));
    json_object_set_new(j, "from", json_integer((json_int_t)from));
    json_object_set_new(j, "entries", json_integer((json_int_t)n));
    return cli_emit(c, j);
}

json_t *
json_user(const struct sd_user *u)
{
    json_t *o = json_object();
    char roles[96], t[32];

    sd_roles_format(roles, sizeof(roles), u->roles);
    json_object_set_new(o, "name", json_string(u->name));
    json_object_set_new(o, "roles", json_string(roles));
    json_object_set_new(o, "disabled", json_boolean(u->disabled));
    json_object_set_new(o, "totp", json_boolean(u->totp));
    json_object_set_new(o, "failed_logins", json_integer(u->failed_logins));
    sd_time_format(t, sizeof(t), u->locked_until);
    json_object_set_new(o, "locked_until", t[0] ? json_string(t) : json_null());
    return o;
}

json_t *
json_new_user(const char *name, unsigned roles, const char *password, const char *uri)
{
    json_t *o = json_object();
    char r[96];

    sd_roles_format(r, sizeof(r), roles);
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "roles", json_string(r));
    json_object_set_new(o, "password", json_string(password));
    json_object_set_new(o, "totp_uri", uri[0] ? json_string(uri) : json_null());
    return o;
}

int
cmd_user_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    const char *sub = argc ? argv[0] : "";
    struct sd_user u;
    int rc;
    sd_err err;
    int ua = cmd_user_admin_offline(c, d, a, argc, argv);

    if(ua >= 0)
        return ua; /* requests, approve, reject, roles, reset-totp (maker-checker) */
    if(strcmp(sub, "list") == 0) {
        struct sd_user *users = NULL;
        size_t n = 0;
        json_t *arr;

        err = sd_access_user_list(d, &users, &n);
        if(err != SD_OK)
            return cli_fail(err, "user list");
        arr = json_array();
        for(size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_user(&users[i]));
        free(users);
        return cli_emit(c, arr);
    }
    if(strcmp(sub, "add") == 0) {
        char password[SD_PASSWORD_MAX + 1], uri[256];
        unsigned roles;

        if(!cli_get(c, "name") || !cli_get(c, "role"))
            return cli_usage("user add --name N --role R[,R...] [--no-totp] "
                             "[--cert-fingerprint HEX]");
        if(sd_roles_parse(&roles, cli_get(c, "role")) != SD_OK)
            return cli_fail(SD_E_INVALID, "roles are agent, supervisor, compliance, "
                                          "security_admin, auditor");
        err = sd_access_user_add(d, a, cli_get(c, "name"), roles, cli_has(c, "no-totp"),
                                 cli_get(c, "cert-fingerprint"), password, uri);
        if(err == SD_E_CONFLICT) {
            fprintf(stderr, "%s: user add: a user named %s already exists\n", cli_status_name(err),
                    cli_get(c, "name"));
            return 1;
        }
        if(err == SD_E_INVALID)
            return cli_fail(err, "bad name or fingerprint, or --no-totp for a role that "
                                 "needs TOTP (supervisor, compliance, security_admin)");
        if(err != SD_OK)
            return cli_fail(err, "user add");
        rc = cli_emit(c, json_new_user(cli_get(c, "name"), roles, password, uri));
        sodium_memzero(password, sizeof(password));
        sodium_memzero(uri, sizeof(uri));
        return rc;
    }
    if(!cli_get(c, "name"))
        return cli_usage("user add|disable|enable|revoke|offboard|passwd|list --name N");
    if(strcmp(sub, "passwd") == 0) {
        char old[SD_PASSWORD_MAX + 2], pw[SD_PASSWORD_MAX + 2];
        const char *why = NULL;

        rc = cli_passwd_read(c, old, pw, sizeof(old));
        if(rc)
            return rc;
        err = sd_access_user_passwd(d, a, cli_get(c, "name"), old, pw, &why);
        sodium_memzero(old, sizeof(old));
        sodium_memzero(pw, sizeof(pw));
        if(err == SD_E_NOTFOUND)
            return cli_fail(err, "no such user");
        if(err == SD_E_UNAUTH || err == SD_E_INVALID) {
            fprintf(stderr, "INVALID_ARGUMENT: user passwd: %s\n",
                    why ? why : "old_password or new_password: malformed");
            return 1;
        }
        if(err != SD_OK)
            return cli_fail(err, "user passwd");
        return cli_emit(c, json_pack("{s:s,s:b}", "user", cli_get(c, "name"), "sessions_ended", 1));
    }
    if(strcmp(sub, "offboard") == 0) {
        uint64_t *ids = NULL;
        size_t n = 0;
        char roles[96];

        err = sd_access_user_offboard(d, a, cli_get(c, "name"), &u, &ids, &n);
        if(err == SD_E_NOTFOUND)
            return cli_fail(err, "no such user");
        if(err != SD_OK)
            return cli_fail(err, "user offboard");
        sd_roles_format(roles, sizeof(roles), u.roles);
        rc = cli_emit(c, json_offboard(u.name, roles, u.disabled, ids, n));
        free(ids);
        return rc;
    }
    if(strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
        err = sd_access_user_set_disabled(d, a, cli_get(c, "name"), sub[0] == 'd', &u);
    else if(strcmp(sub, "revoke") == 0)
        err = sd_access_user_revoke(d, a, cli_get(c, "name"), &u);
    else
        return cli_usage("user add|disable|enable|revoke|list|requests|approve|reject|roles|"
                         "reset-totp");
    if(err == SD_E_NOTFOUND)
        return cli_fail(err, "no such user");
    if(err != SD_OK)
        return cli_fail(err, "user");
    return cli_emit(c, json_user(&u));
}

/* Triage needs no keys: rules come from <data>/triage.rules when present, else the built-in
 * default, so it also runs without a store. With a store in --data, what the desk's
 * corrections taught applies too (as online). */
int
cmd_triage_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                   char **argv)
{
    struct sd_triage_rules *rules = NULL;
    struct sd_triage_result r;
    char lines[SD_LEARN_EXPLAIN_MAX][SD_LEARN_EXPLAIN_LINE];
    char *lp[SD_LEARN_EXPLAIN_MAX];
    char path[4096];
    struct stat st;
    const char *text;
    size_t n;
    sd_err err;
    int rc;

    (void)d, (void)a, (void)argc, (void)argv;
    if(!cli_get(c, "text") || c->n_pos)
        return cli_usage("triage --text T [--vip] [--explain]");
    text = cli_get(c, "text");
    if(c->data && (size_t)snprintf(path, sizeof(path), "%s/data.mdb", c->data) < sizeof(path) &&
       stat(path, &st) == 0) {
        rc = cli_open_desk(c, &d);
        if(rc)
            return rc;
        err = sd_desk_triage(d, text, strlen(text), cli_has(c, "vip"), &r);
        sd_desk_close(d);
    } else {
        err = sd_desk_rules_load(&rules, c->data);
        if(err != SD_OK)
            return cli_fail(err, "load triage rules");
        err = sd_triage_classify(rules, "", 0, text, strlen(text), cli_has(c, "vip"), &r);
        sd_triage_rules_free(rules);
    }
    if(err != SD_OK)
        return cli_fail(err, "triage");
    n = sd_learn_explain(&r, lines, SD_LEARN_EXPLAIN_MAX);
    for(size_t i = 0; i < n; i++)
        lp[i] = lines[i];
    return cli_emit_triage(c, &r, lp, n);
}

int
cmd_queue_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    struct sd_ticket t;
    sd_err err = sd_queue_claim(d, a, cli_get(c, "agent"), &t);

    (void)argc, (void)argv;
    return err == SD_E_EMPTY     ? cli_fail(err, "queue empty")
           : err == SD_E_INVALID ? cli_fail(err, "--agent: " AGENT_RULE)
                                 : emit_ticket(c, err, &t, "queue claim");
}

int
cmd_sla_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    struct sd_ticket_list l;
    uint64_t now;
    int rc = parse_now(c, &now);

    (void)a, (void)argc, (void)argv;
    if(rc)
        return rc;
    return emit_list(c, sd_sla_overdue(d, now, &l), &l, "sla overdue");
}

int
cmd_stats_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    struct sd_stats s;
    uint64_t now;
    sd_err err;
    int rc;

    (void)a;
    if(argc && strcmp(argv[0], "--by-agent") == 0)
        return cmd_stats_by_agent_offline(c, d);
    if(argc && strcmp(argv[0], "--by-day") == 0)
        return cmd_stats_by_day_offline(c, d);
    rc = parse_now(c, &now);
    if(rc)
        return rc;
    err = sd_stats(d, now, &s);
    return err != SD_OK ? cli_fail(err, "stats") : cli_emit(c, json_stats(&s));
}

int
cli_run_offline(struct cli *c)
{
    struct sd_desk *d = NULL;
    struct sd_actor a = {.name = c->actor, .roles = SD_ROLE_SYSTEM};
    struct rlimit no_core = {0, 0};
    char *word[1] = {(char *)c->sub->word};
    int rc;

    /* The master key and decrypted PII pass through this process (as in sealdeskd and
     * sealkey): no core files, no ptrace or /proc reads by other users' tools. */
    if(setrlimit(RLIMIT_CORE, &no_core) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return cli_fail(SD_E_INTERNAL, "cannot disable core dumps");
    if(!c->cmd->offline)
        return cli_usage("unknown command");
    if(!(c->cmd->flags & CLI_NO_STORE)) {
        rc = cli_open_desk(c, &d);
        if(rc)
            return rc;
    }
    rc = c->cmd->offline(c, d, &a, word[0] ? 1 : 0, word);
    sd_desk_close(d);
    return rc;
}
