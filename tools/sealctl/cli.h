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

#define CLI_MAX_OPTS 24
#define CLI_MAX_POS  4

struct cli_opt {
    const char *name; /* without the leading "--" */
    bool has_arg;
    const char *val; /* set by cli_parse (borrowed from argv) */
    bool set;
};

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
    /* the command's options and positionals */
    struct cli_opt opts[CLI_MAX_OPTS];
    size_t n_opts;
    const char *pos[CLI_MAX_POS];
    size_t n_pos;
};

/* Declare the options a command takes, then parse argv. Returns false (after printing a usage
 * line) on unknown options or missing values. */
void cli_want(struct cli *c, const char *name, bool has_arg);
/* A positive decimal id (no sign, no spaces, fits u64). */
bool cli_parse_id(const char *s, uint64_t *out);
/* Declare the options of `ticket SUB ID ...` (get, status, assign, comment, rate), shared by
 * the offline and online paths; false for an unknown SUB. */
bool cli_ticket_want(struct cli *c, const char *sub);
bool cli_parse(struct cli *c, int argc, char **argv);
const char *cli_get(const struct cli *c, const char *name);
bool cli_has(const struct cli *c, const char *name);

/* gRPC status name for an sd_err ("NOT_FOUND", ...). */
const char *cli_status_name(sd_err err);
/* Print "STATUS: what: reason" on stderr, return 1. */
int cli_fail(sd_err err, const char *what);
int cli_usage(const char *msg);

/* Output. */
json_t *json_ticket(const struct sd_ticket *t, bool full);
json_t *json_ticket_list(const struct sd_ticket_list *l);
json_t *json_stats(const struct sd_stats *s);
json_t *json_triage(const struct sd_triage_result *r);
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
};
#define CLI_REPLY(type_desc) \
    {                        \
        .desc = &(type_desc) \
    }
/* Connect, send req to method with the session token, collect the reply. On a non-OK status
 * prints "STATUS: message" on stderr and returns 1; 0 on success. */
int cli_call(struct cli *c, const char *method, const ProtobufCMessage *req, struct cli_reply *r);
void cli_reply_free(struct cli_reply *r);

/* ---- commands of later services: one file each, listed in commands.c ---- */
struct sd_actor;
struct cli_command {
    const char *name; /* first word: "kb", "agent", "incident", ... */
    int (*offline)(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                   char **argv);
    int (*online)(struct cli *c, int argc, char **argv);
};
int cmd_remedy_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_remedy_online(struct cli *c, int argc, char **argv);
int cmd_freeze_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_freeze_online(struct cli *c, int argc, char **argv);
/* user requests|approve|reject|roles|reset-totp (cmd_users.c); -1 for another subcommand */
int cmd_user_admin_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                           char **argv);
int cmd_user_admin_online(struct cli *c, int argc, char **argv);
/* customer get --uid U: freeze status (cmd_remedy.c) */
int cmd_customer_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                         char **argv);
int cmd_customer_online(struct cli *c, int argc, char **argv);
/* backup / restore (cmd_backup.c) */
int cmd_backup_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_backup_online(struct cli *c, int argc, char **argv);
int cmd_restore_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                        char **argv);
int cmd_restore_online(struct cli *c, int argc, char **argv);
extern const struct cli_command cli_commands[];
extern const size_t cli_commands_n;
const struct cli_command *cli_command_find(const char *name);

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
/* verify-message --file F | --code C (cmd_mail.c, issue 15) */
int cmd_verify_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                       char **argv);
int cmd_verify_online(struct cli *c, int argc, char **argv);
/* `stats --by-agent [--from T] [--to T] [--now T]` (cmd_agent.c); argv after --by-agent. */
int cmd_stats_by_agent_offline(struct cli *c, struct sd_desk *d, int argc, char **argv);
int cmd_stats_by_agent_online(struct cli *c, int argc, char **argv);
int cmd_stats_by_day_offline(struct cli *c, struct sd_desk *d, int argc, char **argv);
int cmd_stats_by_day_online(struct cli *c, int argc, char **argv);

/* audit search (both halves) and audit pubkey online (cmd_audit.c); argv after the
 * sub-command word. */
int cmd_audit_search_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                             char **argv);
int cmd_audit_search_online(struct cli *c, int argc, char **argv);
int cmd_audit_pubkey_online(struct cli *c, int argc, char **argv);

/* Passwords never only from argv (secret.c): cli_secret_want declares --password-stdin and
 * --password-fd N; cli_secret_source picks the stream (fd N, stdin, or a prompt on the
 * terminal: *tty) or returns the usage exit status; cli_secret_read reads one line into out
 * (echo off on a terminal), 0 or 1 after printing the reason. The caller wipes out. */
void cli_secret_want(struct cli *c);
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
int cmd_offline(struct cli *c, int argc, char **argv);
int cmd_online(struct cli *c, int argc, char **argv);

#endif
