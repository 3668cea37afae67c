/* sealctl internals shared by its files: option parsing, output and the error convention
 * (exit 0 ok, 1 refused/failed with "STATUS_NAME: reason" on stderr, 2 usage). */
#ifndef SEALCTL_CLI_H
#define SEALCTL_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "sealdesk/desk.h"

#define CLI_MAX_OPTS 24
#define CLI_MAX_POS 4

struct cli_opt {
    const char *name; /* without the leading "--" */
    bool has_arg;
    const char *val;  /* set by cli_parse (borrowed from argv) */
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
    const char *server;   /* online mode: host:port */
    const char *ca;
    const char *cert;     /* optional client certificate (mTLS) */
    const char *cert_key;
    const char *token;    /* session token (Access issue) */
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
#define CLI_REPLY(type_desc) {.desc = &(type_desc)}
/* Connect, send req to method with the session token, collect the reply. On a non-OK status
 * prints "STATUS: message" on stderr and returns 1; 0 on success. */
int cli_call(struct cli *c, const char *method, const ProtobufCMessage *req,
             struct cli_reply *r);
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
/* `stats --by-agent [--from T] [--to T] [--now T]` (cmd_agent.c); argv after --by-agent. */
int cmd_stats_by_agent_offline(struct cli *c, struct sd_desk *d, int argc, char **argv);
int cmd_stats_by_agent_online(struct cli *c, int argc, char **argv);
int cmd_stats_by_day_offline(struct cli *c, struct sd_desk *d, int argc, char **argv);
int cmd_stats_by_day_online(struct cli *c, int argc, char **argv);

int cmd_offline(struct cli *c, int argc, char **argv);
int cmd_online(struct cli *c, int argc, char **argv);

#endif
