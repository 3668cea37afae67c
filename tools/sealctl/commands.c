/* Every sealctl command in one table: its words, its options (with the valid values of the
 * enumerated ones, from the library's name tables) and how it runs offline (the library on
 * --data) and online (gRPC). main.c parses a command's options ONCE against this table with the
 * tools' shared parser (tools/common/args.h); the handlers only run the parsed request, and
 * `sealctl COMMAND [SUB] --help` prints the entry. */
#include <string.h>

#include "cli.h"
#include "sealdesk/authz.h"
#include "sealdesk/events.h"
#include "sealdesk/incident.h"
#include "sealdesk/kb.h"
#include "sealdesk/remedy.h"
#include "sealdesk/user_admin.h"

/* ---- valid values, from the name tables (a name the library does not know is skipped) ---- */

static const char *
known(const char *n)
{
    return n && strcmp(n, "unknown") != 0 ? n : NULL;
}

/* fn(i): the library's name of value i, NULL when it has none. */
#define NAME_FN(fn, lib, type)      \
    static const char *fn(int i)    \
    {                               \
        return known(lib((type)i)); \
    }
NAME_FN(channel_name, sd_channel_name, enum sd_channel)
NAME_FN(category_name, sd_category_name, enum sd_category)
NAME_FN(status_name, sd_status_name, enum sd_status)
/* `ticket status --to` also takes "reopen" (sd_status_parse: SD_ST_REOPEN). */
static const char *
status_to_name(int i)
{
    return i == SD_ST_COUNT ? "reopen" : status_name(i);
}

NAME_FN(priority_name, sd_priority_name, int)
static const char *
role_name(int i)
{
    const char *n = known(sd_role_name(1u << i));

    return n && (1u << i) != SD_ROLE_SYSTEM ? n : NULL;
}

static const char *
remedy_kind_name(int i)
{
    /* freeze_review is opened by `freeze`, never requested */
    return i == SD_RK_FREEZE_REVIEW ? NULL : known(sd_remedy_kind_name((enum sd_remedy_kind)i));
}

NAME_FN(remedy_state_name, sd_remedy_state_name, enum sd_remedy_state)
NAME_FN(uadm_state_name, sd_uadm_state_name, enum sd_uadm_state)
NAME_FN(kb_status_name, sd_kb_status_name, enum sd_kb_status)
NAME_FN(incident_status_name, sd_incident_status_name, enum sd_incident_status)
NAME_FN(event_kind_name, sd_event_kind_name, enum sd_event_kind)
static const struct sd_arg_enum channels = {channel_name, SD_CH_CHAT, SD_CH_COUNT - SD_CH_CHAT};
static const struct sd_arg_enum categories = {category_name, 0, SD_CAT_COUNT};
static const struct sd_arg_enum statuses = {status_name, SD_ST_RECEIVED,
                                            SD_ST_COUNT - SD_ST_RECEIVED};
static const struct sd_arg_enum status_targets = {status_to_name, SD_ST_RECEIVED,
                                                  SD_ST_COUNT - SD_ST_RECEIVED + 1};
static const struct sd_arg_enum priorities = {priority_name, 1, 8};
static const struct sd_arg_enum roles = {role_name, 0, 16};
static const struct sd_arg_enum remedy_kinds = {remedy_kind_name, 1, SD_RK_COUNT - 1};
static const struct sd_arg_enum remedy_states = {remedy_state_name, 1, SD_RS_COUNT - 1};
static const struct sd_arg_enum uadm_states = {uadm_state_name, 1, SD_UADM_STATE_COUNT - 1};
static const struct sd_arg_enum kb_statuses = {kb_status_name, 1, 8};
static const struct sd_arg_enum incident_statuses = {incident_status_name, 1, 8};
static const struct sd_arg_enum event_kinds = {event_kind_name, 1, SD_EV_COUNT - 1};
/* customer set: the languages a profile keeps (sd_lang_canon) and the VIP tiers */
static const char *
profile_lang_name(int i)
{
    static const char *const n[] = {"zh", "zh-Hant", "en", "ko"};

    return i >= 0 && i < 4 ? n[i] : NULL;
}

static const char *
vip_tier_name(int i)
{
    static const char *const n[] = {"none", "vip1", "vip2", "vip3", "vip4",
                                    "vip5", "vip6", "vip7", "vip8", "vip9"};

    return i >= 0 && i < 10 ? n[i] : NULL;
}

static const struct sd_arg_enum profile_langs = {profile_lang_name, 0, 4};
static const struct sd_arg_enum vip_tiers = {vip_tier_name, 0, 10};

/* ---- options ---- */

#define V(n, m)                  \
    {                            \
        n, SD_ARG_VALUE, m, NULL \
    }
#define E(n, m, e)               \
    {                            \
        n, SD_ARG_VALUE, m, &(e) \
    }
#define F(n)                       \
    {                              \
        n, SD_ARG_FLAG, NULL, NULL \
    }
#define SECRET  F("password-stdin"), V("password-fd", "N")
#define OPTS(a) a, sizeof(a) / sizeof((a)[0])
#define NO_OPTS NULL, 0

/* Option tables, packed by hand: one option per line would triple the file. */
// clang-format off
static const struct sd_arg_spec init_opts[] = {V("key-file", "F")};
static const struct sd_arg_spec create_opts[] = {
    E("channel", "C", channels), V("subject", "S"), V("body", "B"), V("customer-name", "N"),
    V("customer-email", "E"), V("customer-phone", "P"), V("customer-uid", "U"),
    V("national-id", "X"), V("wallets", "W"), V("ip", "IP"), E("category", "C", categories),
    E("priority", "P", priorities), F("vip"),
};
static const struct sd_arg_spec list_opts[] = {
    E("status", "S", statuses), E("category", "C", categories), V("assignee", "A"),
};
static const struct sd_arg_spec ticket_search_opts[] = {
    V("text", "T"), E("status", "S", statuses), E("category", "C", categories), V("limit", "1..200"),
};
static const struct sd_arg_spec find_opts[] = {
    V("customer-email", "E"), V("customer-uid", "U"), V("customer-phone", "P"),
};
static const struct sd_arg_spec get_opts[] = {F("unmask"), V("reason", "R")};
static const struct sd_arg_spec to_opts[] = {E("to", "S", status_targets)};
static const struct sd_arg_spec agent_opt[] = {V("agent", "A")};
static const struct sd_arg_spec comment_opts[] = {
    V("body", "B"), F("internal"), V("from-article", "K"),
};
static const struct sd_arg_spec rate_opts[] = {V("csat", "1..5")};
static const struct sd_arg_spec set_opts[] = {
    E("category", "C", categories), E("priority", "P", priorities), V("reason", "R")};
static const struct sd_arg_spec now_opt[] = {V("now", "RFC3339")};
static const struct sd_arg_spec range_opts[] = {V("from", "T"), V("to", "T"), V("now", "T")};
static const struct sd_arg_spec triage_opts[] = {V("text", "T"), F("vip"), F("explain")};
static const struct sd_arg_spec export_opts[] = {V("out", "FILE"), V("from", "I")};
static const struct sd_arg_spec search_opts[] = {
    V("actor", "A"), V("ticket", "ID"), E("kind", "K", event_kinds), V("since", "T"),
    V("until", "T"), V("limit", "N"), V("from", "I"),
};
static const struct sd_arg_spec name_opt[] = {V("name", "N")};
static const struct sd_arg_spec user_add_opts[] = {
    V("name", "N"), E("role", "R[,R...]", roles), F("no-totp"), V("cert-fingerprint", "HEX"),
};
static const struct sd_arg_spec passwd_offline_opts[] = {V("name", "N"), SECRET};
static const struct sd_arg_spec passwd_online_opts[] = {SECRET};
static const struct sd_arg_spec requests_opts[] = {E("state", "S", uadm_states)};
static const struct sd_arg_spec decide_opts[] = {V("request", "N"), V("reason", "R")};
static const struct sd_arg_spec user_roles_opts[] = {V("name", "N"), E("role", "R[,R...]", roles)};
static const struct sd_arg_spec login_opts[] = {
    V("name", "N"), V("password", "P"), SECRET, V("totp", "CODE"),
};
static const struct sd_arg_spec request_opts[] = {
    V("ticket", "ID"), E("kind", "K", remedy_kinds), V("asset", "A"), V("amount", "X"),
    V("to-uid", "U"), V("justification", "J"), V("destination-reason", "R"),
};
static const struct sd_arg_spec remedy_list_opts[] = {E("state", "S", remedy_states)};
static const struct sd_arg_spec reason_opt[] = {V("reason", "R")};
static const struct sd_arg_spec execute_opts[] = {V("idempotency-key", "K")};
static const struct sd_arg_spec freeze_opts[] = {
    V("customer-uid", "U"), V("ticket", "ID"), V("reason", "R"),
};
static const struct sd_arg_spec uid_opt[] = {V("uid", "U")};
static const struct sd_arg_spec customer_get_opts[] = {
    V("uid", "U"), V("email", "E"), V("phone", "P"), V("reason", "R"),
};
static const struct sd_arg_spec customer_set_opts[] = {
    V("uid", "U"), E("lang", "L", profile_langs), E("vip-tier", "N", vip_tiers), V("notes", "T"),
    V("email", "E"), V("phone", "P"),
};
static const struct sd_arg_spec attach_list_opts[] = {V("ticket", "ID"), V("reason", "R")};
static const struct sd_arg_spec attach_get_opts[] = {V("out", "FILE"), V("reason", "R")};
static const struct sd_arg_spec events_read_opts[] = {
    V("from", "OFFSET"), V("max", "1..1000"), V("consumer", "NAME"),
};
static const struct sd_arg_spec events_ack_opts[] = {V("offset", "N"), V("consumer", "NAME")};
static const struct sd_arg_spec kb_opts[] = {
    V("lang", "L"), V("title", "T"), V("body", "B"), E("category", "C", categories),
    V("tags", "a,b"), V("translation-of", "ID"), E("status", "S", kb_statuses), V("text", "T"),
    V("limit", "1..50"), V("version", "N"), V("dir", "DIR"),
    {"ask", SD_ARG_VALUE | SD_ARG_REPEAT, "TEXT", NULL}, F("no-asks"),
};
static const struct sd_arg_spec out_opt[] = {V("out", "DIR")};
static const struct sd_arg_spec verify_opts[] = {V("file", "MESSAGE.eml"), V("code", "XXXX-XXXX-XXXX-XXXX")};
static const struct sd_arg_spec restore_opts[] = {V("to", "NEW_DATA_DIR")};
static const struct sd_arg_spec agent_opts[] = {
    V("name", "A"), V("langs", "zh,en"), V("categories", "C,C"), F("vip"),
    {"shift", SD_ARG_VALUE | SD_ARG_REPEAT, "SPEC", NULL}, V("now", "T"), V("from", "T"),
    V("to", "T"), F("on"), F("off"),
};
static const struct sd_arg_spec incident_opts[] = {
    V("title", "T"), E("category", "C", categories), V("match", "a,b"), V("ticket", "T"),
    V("body", "B"), F("resolve-tickets"), E("status", "S", incident_statuses),
};
// clang-format on

/* ---- commands ---- */

#define BOTH (CLI_OFFLINE | CLI_ONLINE)
#define SUB(mode, word, synopsis, opts) \
    {                                   \
        word, mode, synopsis, opts      \
    }

static const struct cli_sub init_subs[] = {
    SUB(CLI_OFFLINE, NULL, "init [--key-file F]", OPTS(init_opts))};
static const struct cli_sub ticket_subs[] = {
    SUB(BOTH, "create",
        "ticket create --channel C --subject S --body B [--customer-name N] [--customer-email E] "
        "[--customer-phone P] [--customer-uid U] [--national-id X] [--wallets W] [--ip IP] "
        "[--category C] [--priority P] [--vip]",
        OPTS(create_opts)),
    SUB(BOTH, "get", "ticket get ID [--unmask] [--reason R]", OPTS(get_opts)),
    SUB(BOTH, "list", "ticket list [--status S] [--category C] [--assignee A]", OPTS(list_opts)),
    SUB(BOTH, "status", "ticket status ID --to S", OPTS(to_opts)),
    SUB(BOTH, "assign", "ticket assign ID --agent A", OPTS(agent_opt)),
    SUB(BOTH, "comment", "ticket comment ID --body B [--internal] | --from-article K",
        OPTS(comment_opts)),
    SUB(BOTH, "rate", "ticket rate ID --csat N", OPTS(rate_opts)),
    SUB(BOTH, "set", "ticket set ID [--category C] [--priority P] --reason R", OPTS(set_opts)),
    SUB(BOTH, "find", "ticket find --customer-email E | --customer-uid U | --customer-phone P",
        OPTS(find_opts)),
    SUB(BOTH, "search",
        "ticket search --text T [--status S] [--category C] [--limit N]   (every word must "
        "match; newest first, 50 by default)",
        OPTS(ticket_search_opts)),
};
static const struct cli_sub queue_subs[] = {
    SUB(BOTH, "claim",
        "queue claim [--agent A]   (default: yourself; another agent needs a supervisor)",
        OPTS(agent_opt))};
static const struct cli_sub sla_subs[] = {
    SUB(BOTH, "overdue", "sla overdue [--now RFC3339]", OPTS(now_opt))};
static const struct cli_sub stats_subs[] = {
    SUB(BOTH, "--by-agent", "stats --by-agent [--from T] [--to T] [--now T]", OPTS(range_opts)),
    SUB(BOTH, "--by-day", "stats --by-day [--from T] [--to T]", OPTS(range_opts)),
    SUB(BOTH, NULL, "stats [--now RFC3339]", OPTS(now_opt)),
};
static const struct cli_sub triage_subs[] = {
    SUB(BOTH, NULL, "triage --text T [--vip] [--explain]", OPTS(triage_opts))};
static const struct cli_sub audit_subs[] = {
    SUB(BOTH, "export", "audit export --out FILE [--from I]", OPTS(export_opts)),
    SUB(BOTH, "pubkey", "audit pubkey", NO_OPTS),
    SUB(BOTH, "search",
        "audit search [--actor A] [--ticket ID] [--kind K] [--since T] [--until T] [--limit N] "
        "[--from I]",
        OPTS(search_opts)),
};
static const struct cli_sub user_subs[] = {
    SUB(BOTH, "add", "user add --name N --role R[,R...] [--no-totp] [--cert-fingerprint HEX]",
        OPTS(user_add_opts)),
    SUB(BOTH, "disable", "user disable --name N", OPTS(name_opt)),
    SUB(BOTH, "enable", "user enable --name N", OPTS(name_opt)),
    SUB(BOTH, "revoke", "user revoke --name N", OPTS(name_opt)),
    SUB(BOTH, "offboard",
        "user offboard --name N   (disable, end sessions, open tickets back to the queue)",
        OPTS(name_opt)),
    SUB(BOTH, "list", "user list", NO_OPTS),
    SUB(CLI_OFFLINE, "passwd", "user passwd --name N [--password-stdin | --password-fd N]",
        OPTS(passwd_offline_opts)),
    SUB(CLI_ONLINE, "passwd", "user passwd [--password-stdin | --password-fd N]  (your own)",
        OPTS(passwd_online_opts)),
    SUB(BOTH, "requests", "user requests [--state S]", OPTS(requests_opts)),
    SUB(BOTH, "approve", "user approve --request N", OPTS(decide_opts)),
    SUB(BOTH, "reject", "user reject --request N --reason R", OPTS(decide_opts)),
    SUB(BOTH, "roles", "user roles --name N --role R[,R...]", OPTS(user_roles_opts)),
    SUB(BOTH, "reset-totp", "user reset-totp --name N", OPTS(user_roles_opts)),
};
static const struct cli_sub login_subs[] = {
    SUB(CLI_ONLINE, NULL,
        "login --name N [--password-stdin | --password-fd N] [--totp CODE]   (prints the "
        "session token; the password is prompted for without echo on a terminal)",
        OPTS(login_opts))};
static const struct cli_sub logout_subs[] = {SUB(CLI_ONLINE, NULL, "logout", NO_OPTS)};
static const struct cli_sub remedy_subs[] = {
    SUB(BOTH, "request",
        "remedy request --ticket ID --kind K [--asset A --amount X] [--to-uid U "
        "--destination-reason R] --justification J",
        OPTS(request_opts)),
    SUB(BOTH, "approve", "remedy approve ID", NO_OPTS),
    SUB(BOTH, "get", "remedy get ID", NO_OPTS),
    SUB(BOTH, "review", "remedy review ID", NO_OPTS),
    SUB(BOTH, "reject", "remedy reject ID --reason R", OPTS(reason_opt)),
    SUB(BOTH, "execute", "remedy execute ID --idempotency-key K", OPTS(execute_opts)),
    SUB(BOTH, "list", "remedy list [--state S]", OPTS(remedy_list_opts)),
};
static const struct cli_sub freeze_subs[] = {
    SUB(BOTH, NULL, "freeze --customer-uid U --ticket ID --reason R", OPTS(freeze_opts))};
static const struct cli_sub customer_subs[] = {
    SUB(BOTH, "get",
        "customer get --uid U | --email E | --phone P [--reason R]   (freeze status and "
        "profile; --reason shows the notes)",
        OPTS(customer_get_opts)),
    SUB(BOTH, "set",
        "customer set --uid U [--lang L] [--vip-tier N] [--notes T] [--email E] [--phone P]",
        OPTS(customer_set_opts)),
    SUB(BOTH, "tickets", "customer tickets --uid U", OPTS(uid_opt)),
};
static const struct cli_sub attachment_subs[] = {
    SUB(BOTH, "list", "attachment list --ticket ID [--reason R]   (--reason: filenames)",
        OPTS(attach_list_opts)),
    SUB(BOTH, "get", "attachment get ID --out FILE --reason R   (new file, mode 0600)",
        OPTS(attach_get_opts)),
};
static const struct cli_sub events_subs[] = {
    SUB(BOTH, "read", "events read [--from OFFSET] [--max N] [--consumer NAME]",
        OPTS(events_read_opts)),
    SUB(BOTH, "ack", "events ack --offset N [--consumer NAME]", OPTS(events_ack_opts)),
};
static const struct cli_sub kb_subs[] = {
    SUB(BOTH, "add",
        "kb add --lang L --title T --body B [--category C] [--tags a,b] "
        "[--translation-of ID] [--status S] [--ask TEXT]...",
        OPTS(kb_opts)),
    SUB(BOTH, "edit",
        "kb edit ID [--title T] [--body B] [--category C] [--tags a,b] "
        "[--status S] [--version N] [--ask TEXT]... [--no-asks]   (--ask replaces the ask "
        "lines, --no-asks removes them)",
        OPTS(kb_opts)),
    SUB(BOTH, "get", "kb get ID [--lang L]", OPTS(kb_opts)),
    SUB(BOTH, "search", "kb search --text T [--lang L] [--category C] [--limit 1..50]",
        OPTS(kb_opts)),
    SUB(CLI_OFFLINE, "load", "kb load --dir DIR", OPTS(kb_opts)),
};
static const struct cli_sub verify_subs[] = {
    SUB(BOTH, NULL, "verify-message --file MESSAGE.eml | --code XXXX-XXXX-XXXX-XXXX",
        OPTS(verify_opts))};
static const struct cli_sub backup_subs[] = {
    SUB(BOTH, NULL, "backup --out DIR   (offline, --data DATA_DIR)", OPTS(out_opt))};
static const struct cli_sub restore_subs[] = {SUB(
    BOTH, NULL, "restore --to NEW_DATA_DIR   (offline, --data BACKUP_DIR)", OPTS(restore_opts))};
static const struct cli_sub agent_subs[] = {
    SUB(BOTH, "set",
        "agent set --name A [--langs zh,en] [--categories C,C] [--vip] "
        "[--shift \"Mon-Fri 09:00-18:00 Asia/Seoul\"]...",
        OPTS(agent_opts)),
    SUB(BOTH, "override", "agent override --name A --from T --to T --on|--off", OPTS(agent_opts)),
    SUB(BOTH, "list", "agent list [--now T]", OPTS(agent_opts)),
    SUB(BOTH, "duty", "agent duty [--now T]", OPTS(agent_opts)),
};
static const struct cli_sub route_subs[] = {
    SUB(BOTH, "auto", "route auto [--now RFC3339]", OPTS(now_opt))};
static const struct cli_sub incident_subs[] = {
    SUB(BOTH, "open", "incident open --title T [--category C] [--match a,b]", OPTS(incident_opts)),
    SUB(BOTH, "link", "incident link ID --ticket T", OPTS(incident_opts)),
    SUB(BOTH, "confirm", "incident confirm ID --ticket T", OPTS(incident_opts)),
    SUB(BOTH, "unlink", "incident unlink ID --ticket T", OPTS(incident_opts)),
    SUB(BOTH, "update", "incident update ID --body B", OPTS(incident_opts)),
    SUB(BOTH, "resolve", "incident resolve ID [--resolve-tickets]", OPTS(incident_opts)),
    SUB(BOTH, "get", "incident get ID", OPTS(incident_opts)),
    SUB(BOTH, "list", "incident list [--status S]", OPTS(incident_opts)),
};

#define CMD(name, flags, subs, bad_sub, off, on)                              \
    {                                                                         \
        name, flags, subs, sizeof(subs) / sizeof((subs)[0]), bad_sub, off, on \
    }

const struct cli_command cli_commands[] = {
    CMD("init", CLI_NO_STORE, init_subs, NULL, cmd_init_offline, NULL),
    CMD("ticket", 0, ticket_subs, "unknown ticket command", cmd_ticket_offline, cmd_ticket_online),
    CMD("queue", 0, queue_subs, "queue claim [--agent A]", cmd_queue_offline, cmd_queue_online),
    CMD("sla", 0, sla_subs, "sla overdue [--now RFC3339]", cmd_sla_offline, cmd_sla_online),
    CMD("stats", 0, stats_subs, NULL, cmd_stats_offline, cmd_stats_online),
    CMD("triage", CLI_NO_STORE, triage_subs, NULL, cmd_triage_offline, cmd_triage_online),
    CMD("audit", 0, audit_subs,
        "audit export --out FILE [--from I] | audit pubkey | audit search ...", cmd_audit_offline,
        cmd_audit_online),
    CMD("user", 0, user_subs,
        "user add|disable|enable|revoke|list|requests|approve|reject|roles|reset-totp",
        cmd_user_offline, cmd_user_online),
    CMD("login", 0, login_subs, NULL, NULL, cmd_login_online),
    CMD("logout", 0, logout_subs, NULL, NULL, cmd_logout_online),
    CMD("remedy", 0, remedy_subs, "remedy request|approve|reject|execute|get|review|list",
        cmd_remedy_offline, cmd_remedy_online),
    CMD("freeze", 0, freeze_subs, NULL, cmd_remedy_offline, cmd_remedy_online),
    CMD("customer", 0, customer_subs, "customer get|set|tickets ...", cmd_customer_offline,
        cmd_customer_online),
    CMD("attachment", 0, attachment_subs, "attachment list|get ...", cmd_attachment_offline,
        cmd_attachment_online),
    CMD("events", 0, events_subs, "events read|ack ...", cmd_events_offline, cmd_events_online),
    CMD("kb", 0, kb_subs, "kb add|edit|get|search|load ...", cmd_kb_offline, cmd_kb_online),
    CMD("backup", 0, backup_subs, NULL, cmd_backup_offline, cmd_backup_online),
    CMD("restore", 0, restore_subs, NULL, cmd_backup_offline, cmd_backup_online),
    CMD("agent", 0, agent_subs, "agent set|override|list|duty ...", cmd_agent_offline,
        cmd_agent_online),
    CMD("route", 0, route_subs, "route auto [--now RFC3339]", cmd_route_offline, cmd_route_online),
    CMD("incident", 0, incident_subs,
        "incident open|link|confirm|unlink|update|resolve|get|list ...", cmd_incident_offline,
        cmd_incident_online),
    CMD("verify-message", 0, verify_subs, NULL, cmd_verify_offline, cmd_verify_online),
};
const size_t cli_commands_n = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct cli_command *
cli_command_find(const char *name)
{
    for(size_t i = 0; i < cli_commands_n; i++) {
        if(strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    }
    return NULL;
}

const struct cli_sub *
cli_sub_find(const struct cli_command *cmd, const char *word, unsigned mode)
{
    const struct cli_sub *fallback = NULL;

    for(size_t i = 0; i < cmd->n_subs; i++) {
        const struct cli_sub *s = &cmd->subs[i];

        if(!(s->modes & mode))
            continue;
        if(!s->word)
            fallback = s;
        else if(word && strcmp(s->word, word) == 0)
            return s;
    }
    return fallback;
}

void
cli_command_help(FILE *f, const struct cli_command *cmd, const struct cli_sub *only)
{
    for(size_t i = 0; i < cmd->n_subs; i++) {
        const struct cli_sub *s = &cmd->subs[i];

        if(only && s != only)
            continue;
        (void)fprintf(f, "usage: sealctl [global options] %s%s\n", s->synopsis,
                      s->modes == CLI_ONLINE    ? "   (online)"
                      : s->modes == CLI_OFFLINE ? "   (offline)"
                                                : "");
        sd_args_help(f, s->opts, s->n_opts);
    }
}
