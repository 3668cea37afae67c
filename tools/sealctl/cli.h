/* sealctl internals shared by its files: option parsing, output and the error convention
 * (exit 0 ok, 1 refused/failed with "STATUS_NAME: reason" on stderr, 2 usage). */
#ifndef SEALCTL_CLI_H
#define SEALCTL_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "sealdesk/actor.h"
#include "sealdesk/buf.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"

#include "common/args.h"

#define CLI_MAX_POS 4

struct cli_command;
struct cli_sub;

struct cli {
    /* global options */
    bool json;
    bool offline;
    const char *data;
    const char *key_file;
    const char *pass_file; /* --passphrase-file: master key from a passphrase (offline) */
    const char *actor;
    const char *server; /* online mode: host:port */
    const char *ca;
    const char *cert; /* optional client certificate (mTLS) */
    const char *cert_key;
    const char *token; /* session token (Access issue) */
    /* the command, parsed once by cli_parse_command against its table entry (commands.c) */
    const struct cli_command *cmd;
    const struct cli_sub *sub;
    struct sd_arg_spec spec[SD_ARGS_MAX_SPEC]; /* the sub's options and --json */
    struct sd_args args;                       /* its options (cli_get, cli_has) */
    const char *pos[CLI_MAX_POS];
    size_t n_pos;
};

/* A positive decimal id (no sign, no spaces, fits u64). */
bool cli_parse_id(const char *s, uint64_t *out);
const char *cli_get(const struct cli *c, const char *name);
bool cli_has(const struct cli *c, const char *name);

/* The value of option name, or "" when it was not given (request fields of the online calls). */
const char *cli_str(const struct cli *c, const char *name);

/* `ticket SUB ...` checked once for both modes (request.c): the id, `find`'s one key, the
 * comment's source, the rating; 0 or the exit status after printing the reason. */
struct ticket_req {
    const char *sub;
    uint64_t id;
    enum sd_field find_kind; /* find */
    const char *find_value;
    uint64_t article; /* comment --from-article */
    unsigned csat;    /* rate */
    int set_category; /* set: enum sd_category, -1 keep */
    int set_priority; /* set: 1..4, 0 keep */
};
int cli_ticket_req(const struct cli *c, const char *sub, struct ticket_req *q);
/* ticket search (cmd_search.c), after cli_ticket_req checked --text. */
int cli_ticket_search_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a);
int cli_ticket_search_online(struct cli *c);

/* gRPC status name for an sd_err ("NOT_FOUND", ...). */
const char *cli_status_name(sd_err err);
/* Print "STATUS: what: reason" on stderr, return 1. */
int cli_fail(sd_err err, const char *what);
int cli_usage(const char *msg);
/* Print "STATUS: why" when the library said why (it names no PII), else as cli_fail; 1. */
int cli_refuse(sd_err err, const char *why, const char *what);

/* Output. */
json_t *json_ticket(const struct sd_ticket *t, bool full);
json_t *json_ticket_list(const struct sd_ticket_list *l);
json_t *json_stats(const struct sd_stats *s);
json_t *json_triage(const struct sd_triage_result *r);
/* Print a triage result; with --explain also its explanation lines (lines[0..n)). */
int cli_emit_triage(const struct cli *c, const struct sd_triage_result *r, char **lines, size_t n);
struct sd_user;
json_t *json_user(const struct sd_user *u);
json_t *json_new_user(const char *name, unsigned roles, const char *password, const char *uri);
/* Print j (steals the reference): JSON with --json, else key: value lines. */
int cli_emit(const struct cli *c, json_t *j);
/* Like cli_emit, but an array of flat objects prints as an aligned table in text mode (an
 * object one level down, such as a per-category map, gives one column per key). */
int cli_emit_table(const struct cli *c, json_t *j);

/* ---- online calls (online.c) ---- */
#include <protobuf-c/protobuf-c.h>

struct cli_reply {
    const ProtobufCMessageDescriptor *desc; /* expected reply type (unary) */
    ProtobufCMessage *msg;                  /* the unary reply, unpacked */
    struct sd_buf stream;                   /* concatenated ExportChunk data (streaming) */
    bool streaming;
    /* streaming: when set, the first message is unpacked as head_desc into head (the rest are
     * data chunks: field 1 bytes, as ExportChunk) */
    const ProtobufCMessageDescriptor *head_desc;
    ProtobufCMessage *head;
    bool quiet_notfound; /* NOT_FOUND returns 1 without printing (status tells) */
    int status;          /* the call's gRPC status (SD_GRPC_UNKNOWN when none came) */
};
#define CLI_REPLY(type_desc) \
    {                        \
        .desc = &(type_desc) \
    }
/* Connect, send req to method with the session token, collect the reply. On a non-OK status
 * prints "STATUS: message" on stderr and returns 1; 0 on success. */
int cli_call(struct cli *c, const char *method, const ProtobufCMessage *req, struct cli_reply *r);
void cli_reply_free(struct cli_reply *r);
/* How a unary reply prints: its type, its JSON (NULL when malformed: `bad` is printed), and
 * the printer (cli_emit_table: an array as a table in text mode). */
struct cli_view {
    const ProtobufCMessageDescriptor *desc;
    json_t *(*json)(const ProtobufCMessage *m);
    const char *bad;                             /* NULL: "malformed reply" */
    int (*emit)(const struct cli *c, json_t *j); /* NULL: cli_emit */
    sd_err bad_err;                              /* SD_OK: SD_E_INVALID */
};
/* cli_call, then print the reply through v; 0 or the exit status. */
int cli_call_view(struct cli *c, const char *method, const ProtobufCMessage *req,
                  const struct cli_view *v);

/* ---- the command table (commands.c) ---- */
struct sd_actor;
enum {
    CLI_OFFLINE = 1,
    CLI_ONLINE = 2
};
enum {
    CLI_NO_STORE = 1
}; /* offline without opening the store (init, triage) */

/* A command's handlers run the parsed request: argv holds only the subcommand word (argc 1), or
 * nothing (argc 0) for a command without one; options and positionals are in c. */
typedef int (*cli_offline_fn)(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                              char **argv);
typedef int (*cli_online_fn)(struct cli *c, int argc, char **argv);

struct cli_sub {
    const char *word;     /* "create"; NULL: the command's default (no subcommand word) */
    unsigned modes;       /* CLI_OFFLINE | CLI_ONLINE */
    const char *synopsis; /* one usage line */
    const struct sd_arg_spec *opts;
    size_t n_opts;
};

struct cli_command {
    const char *name; /* first word: "ticket", "kb", ... */
    unsigned flags;   /* CLI_NO_STORE */
    const struct cli_sub *subs;
    size_t n_subs;
    const char *bad_sub; /* usage message for a missing or unknown subcommand (NULL: sub's) */
    cli_offline_fn offline;
    cli_online_fn online;
};
extern const struct cli_command cli_commands[];
extern const size_t cli_commands_n;
const struct cli_command *cli_command_find(const char *name);
/* The entry for word in mode (CLI_OFFLINE/CLI_ONLINE), else the command's default; NULL. */
const struct cli_sub *cli_sub_find(const struct cli_command *cmd, const char *word, unsigned mode);
/* Usage and options (with their valid values) of one sub, or of all when only is NULL. */
void cli_command_help(FILE *f, const struct cli_command *cmd, const struct cli_sub *only);
/* Find the command of argv[0] and parse its options once into c; 0, or the exit status (help
 * printed: 0 with *done set). */
int cli_parse_command(struct cli *c, unsigned mode, int argc, char **argv, bool *done);

int cmd_init_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                     char **argv);
int cmd_ticket_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_ticket_online(struct cli *c, int argc, char **argv);
int cmd_queue_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                      char **argv);
int cmd_queue_online(struct cli *c, int argc, char **argv);
int cmd_sla_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                    char **argv);
int cmd_sla_online(struct cli *c, int argc, char **argv);
int cmd_stats_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                      char **argv);
int cmd_stats_online(struct cli *c, int argc, char **argv);
int cmd_triage_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_triage_online(struct cli *c, int argc, char **argv);
int cmd_audit_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                      char **argv);
int cmd_audit_online(struct cli *c, int argc, char **argv);
int cmd_user_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                     char **argv);
int cmd_user_online(struct cli *c, int argc, char **argv);
int cmd_login_online(struct cli *c, int argc, char **argv);
int cmd_logout_online(struct cli *c, int argc, char **argv);
/* remedy SUB ... and freeze (cmd_remedy.c: one request, two runners) */
int cmd_remedy_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_remedy_online(struct cli *c, int argc, char **argv);
/* user requests|approve|reject|roles|reset-totp (cmd_users.c); -1 for another subcommand */
int cmd_user_admin_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                           char **argv);
int cmd_user_admin_online(struct cli *c, int argc, char **argv);
/* customer get|set|tickets, attachment list|get, events read|ack (cmd_backoffice.c) */
int cmd_customer_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                         char **argv);
int cmd_customer_online(struct cli *c, int argc, char **argv);
int cmd_attachment_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                           char **argv);
int cmd_attachment_online(struct cli *c, int argc, char **argv);
int cmd_events_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_events_online(struct cli *c, int argc, char **argv);
/* backup and restore (cmd_backup.c; c->cmd->name tells which) */
int cmd_backup_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_backup_online(struct cli *c, int argc, char **argv);
/* desk features (cmd_kb.c, cmd_agent.c, cmd_route.c, cmd_incident.c) */
int cmd_kb_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                   char **argv);
int cmd_kb_online(struct cli *c, int argc, char **argv);
int cmd_agent_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                      char **argv);
int cmd_agent_online(struct cli *c, int argc, char **argv);
int cmd_route_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                      char **argv);
int cmd_route_online(struct cli *c, int argc, char **argv);
int cmd_incident_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                         char **argv);
int cmd_incident_online(struct cli *c, int argc, char **argv);
/* verify-message --file F | --code C (cmd_mail.c) */
int cmd_verify_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_verify_online(struct cli *c, int argc, char **argv);
/* `stats --by-agent|--by-day [--from T] [--to T] [--now T]` (cmd_agent.c) */
int cmd_stats_by_agent_offline(struct cli *c, struct sd_desk *d);
int cmd_stats_by_agent_online(struct cli *c);
int cmd_stats_by_day_offline(struct cli *c, struct sd_desk *d);
int cmd_stats_by_day_online(struct cli *c);

/* audit search (both halves) and audit pubkey online (cmd_audit.c) */
int cmd_audit_search_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a);
int cmd_audit_search_online(struct cli *c);
int cmd_audit_pubkey_online(struct cli *c);

/* Passwords never only from argv (secret.c): the command table declares --password-stdin and
 * --password-fd N; cli_secret_source picks the stream (fd N, stdin, or a prompt on the
 * terminal: *tty) or returns the usage exit status; cli_secret_read reads one line into out
 * (echo off on a terminal), 0 or 1 after printing the reason. The caller wipes out. */
int cli_secret_source(const struct cli *c, int *fd, bool *tty);
int cli_secret_read(int fd, bool tty, const char *prompt, char *out, size_t cap);
/* `user passwd`: the current and the new password, one line each from the chosen source (on
 * a terminal the new one twice). 0, or the exit status after printing the reason. */
int cli_passwd_read(const struct cli *c, char *old, char *new_pw, size_t cap);
/* Output of `user offboard` (json_out.c style): the user, and the requeued ticket ids. */
json_t *json_offboard(const char *name, const char *roles, bool disabled, const uint64_t *ids,
                      size_t n);

/* Open the desk on c->data with c's key file or passphrase file; 0, or the exit status after
 * printing the reason (offline.c). */
int cli_open_desk(const struct cli *c, struct sd_desk **d);
/* Run the parsed command (c->cmd, c->sub) offline on the store, or online over gRPC. */
int cli_run_offline(struct cli *c);
int cli_run_online(struct cli *c);

#endif
