/* sealctl: the agent/admin command line. Global options, then a command; `--offline --data DIR`
 * links the library directly (offline.c). Options and output formats are the interface the
 * checks and scripts use: keep them stable. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sealdesk/actor.h"
#include "common/args.h"
#include "sealdesk/crypto.h"
#include "sealdesk/rpc.h"
#include "sealdesk/version.h"

/* The usage text: global options, then every command's synopsis from the command table
 * (commands.c, the one place that knows the commands, so --help cannot fall behind it), then the
 * environment and the mode rule. */
static const char usage_head[] =
    "usage: sealctl [--offline --data DIR [--key-file F | --passphrase-file F]\n"
    "                [--actor NAME]]\n"
    "               [--server HOST:PORT[,HOST:PORT...] --ca F [--cert F --cert-key F]\n"
    "                [--token T]]\n"
    "               [--json] COMMAND   (`sealctl COMMAND --help`: its options and values)\n"
    "commands:\n";
static const char usage_tail[] =
    "environment: SEALDESK_DATA, SEALDESK_KEY_FILE, SEALDESK_PASSPHRASE_FILE,\n"
    "  SEALDESK_SERVER, SEALDESK_CA, SEALDESK_TOKEN stand in for --data, --key-file,\n"
    "  --passphrase-file, --server, --ca, --token\n"
    "mode: --server means online, --offline or --data offline (both: refused); else\n"
    "  online when SEALDESK_SERVER is set, offline otherwise\n"
    "exit status: 0 ok, 1 refused or failed (reason on stderr), 2 usage\n";

enum {
    USAGE_WIDTH = 92
};

/* One synopsis, folded at spaces to USAGE_WIDTH columns (continuations indented). */
static void
usage_line(FILE *f, const char *text, const char *tag)
{
    size_t col = 2, len = strlen(text);

    (void)fputs("  ", f);
    for(size_t i = 0; i < len;) {
        size_t w = strcspn(text + i, " ");

        if(col > 8 && col + 1 + w > USAGE_WIDTH) {
            (void)fputs("\n        ", f);
            col = 8;
        } else if(i > 0) {
            (void)fputc(' ', f);
            col++;
        }
        (void)fwrite(text + i, 1, w, f);
        col += w;
        i += w;
        while(i < len && text[i] == ' ')
            i++;
    }
    (void)fprintf(f, "%s\n", tag);
}

static void
usage_print(FILE *f)
{
    (void)fputs(usage_head, f);
    for(size_t i = 0; i < cli_commands_n; i++) {
        const struct cli_command *cmd = &cli_commands[i];

        for(size_t k = 0; k < cmd->n_subs; k++) {
            const struct cli_sub *s = &cmd->subs[k];

            usage_line(f, s->synopsis,
                       s->modes == CLI_ONLINE    ? "   (online)"
                       : s->modes == CLI_OFFLINE ? "   (offline)"
                                                 : "");
        }
    }
    (void)fputs(usage_tail, f);
}

/* (void) on usage and error text: a failed write to stdout/stderr has nowhere to be reported. */
int
cli_usage(const char *msg)
{
    if(msg)
        fprintf(stderr, "sealctl: %s\n", msg);
    usage_print(stderr);
    return 2;
}

const char *
cli_status_name(sd_err err)
{
    return sd_grpc_status_name(sd_grpc_status_from_err(err));
}

int
cli_fail(sd_err err, const char *what)
{
    if(err == SD_E_EMPTY)
        fprintf(stderr, "%s: %s\n", cli_status_name(err), what);
    else
        fprintf(stderr, "%s: %s: %s\n", cli_status_name(err), what, sd_err_str(err));
    return 1;
}

bool
cli_parse_id(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if(!s || !*s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if(errno || *end || v == 0)
        return false;
    *out = (uint64_t)v;
    return true;
}

int
cli_parse_command(struct cli *c, unsigned mode, int argc, char **argv, bool *done)
{
    const struct cli_command *cmd = cli_command_find(argv[0]);
    const char *word = argc > 1 ? argv[1] : NULL;
    const struct cli_sub *sub;
    size_t skip;

    *done = false;
    if(!cmd)
        return cli_usage(mode == CLI_ONLINE ? "unknown command (online mode)" : "unknown command");
    sub = cli_sub_find(cmd, word, mode);
    if(!sub) {
        char msg[64];

        for(int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
            if(strcmp(argv[i], "--help") == 0) {
                cli_command_help(stdout, cmd, NULL);
                *done = true;
                return fflush(stdout) == 0 ? 0 : 1;
            }
        }
        if(word || cmd->bad_sub)
            return cli_usage(cmd->bad_sub ? cmd->bad_sub : "unknown command (online mode)");
        (void)snprintf(msg, sizeof(msg), "%s needs a subcommand", cmd->name);
        return cli_usage(msg);
    }
    skip = sub->word ? 2 : 1;
    if(sub->n_opts >= SD_ARGS_MAX_SPEC)
        return cli_fail(SD_E_INTERNAL, "command table");
    for(size_t k = 0; k < sub->n_opts; k++)
        c->spec[k] = sub->opts[k];
    c->spec[sub->n_opts] = (struct sd_arg_spec){"json", SD_ARG_REPEAT, NULL, NULL};
    c->cmd = cmd;
    c->sub = sub;
    c->args = (struct sd_args){
        .tool = "sealctl", .spec = c->spec, .n_spec = sub->n_opts + 1, .max_pos = CLI_MAX_POS};
    if(sd_args_parse(&c->args, argc - (int)skip, argv + skip) != 0) {
        (void)fprintf(stderr, "usage: sealctl %s\n", sub->synopsis);
        return 2;
    }
    if(c->args.help) {
        cli_command_help(stdout, cmd, sub);
        *done = true;
        return fflush(stdout) == 0 ? 0 : 1;
    }
    c->json = c->json || sd_args_count(&c->args, "json") > 0;
    c->n_pos = c->args.n_pos;
    for(size_t i = 0; i < c->args.n_pos; i++)
        c->pos[i] = c->args.pos[i];
    return 0;
}

const char *
cli_get(const struct cli *c, const char *name)
{
    return sd_args_get(&c->args, name);
}

bool
cli_has(const struct cli *c, const char *name)
{
    return sd_args_count(&c->args, name) > 0;
}

int
main(int argc, char **argv)
{
    struct cli c;
    char actor[SD_MAX_AGENT + 1];
    bool server_flag = false, data_flag = false, done;
    unsigned mode;
    int i = 1, rc;
    {
        int meta_rc;

        /* `sealctl COMMAND [SUB] --help` is the command's own help (cli_parse_command) */
        if(argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage_print(stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
        }
        if(argc <= 2 && sd_tool_meta("sealctl", "", argc, argv, &meta_rc))
            return meta_rc;
    }

    memset(&c, 0, sizeof(c));
    if(sd_crypto_init() != SD_OK) {
        fprintf(stderr, "INTERNAL: libsodium failed to initialise\n");
        return 1;
    }
    {
        struct sd_globals g;

        if(sd_globals_parse("sealctl", argc, argv, true, &g) != 0)
            return cli_usage(NULL);
        if(g.help) {
            usage_print(stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
        }
        i = g.cmd;
        c.json = g.json;
        c.offline = g.offline_flag;
        data_flag = g.data_flag;
        server_flag = g.server_flag;
        c.data = g.data;
        c.key_file = g.key_file;
        c.pass_file = g.pass_file;
        c.actor = g.actor;
        c.server = g.server;
        c.ca = g.ca;
        c.cert = g.cert;
        c.cert_key = g.cert_key;
        c.token = g.token;
    }
    if(i >= argc)
        return cli_usage(NULL);
    if(!c.actor) {
        sd_actor_offline_name(actor, sizeof(actor));
        c.actor = actor;
    }
    /* One rule for every tool (issue 13): the command line decides before the environment.
     * --server means online, --offline or --data offline, both at once is refused; with
     * neither, SEALDESK_SERVER means online (even when SEALDESK_DATA is set too), else
     * offline. init is always local. */
    if(data_flag)
        c.offline = true;
    mode = !c.offline && c.server && strcmp(argv[i], "init") != 0 ? CLI_ONLINE : CLI_OFFLINE;
    rc = cli_parse_command(&c, mode, argc - i, argv + i, &done);
    if(rc || done)
        return rc;
    if(server_flag && (c.offline || data_flag))
        return cli_usage("ambiguous: --server means online, --offline/--data mean offline; "
                         "give one");
    if(server_flag && strcmp(argv[i], "init") == 0)
        return cli_usage("init is local: give --data DIR, not --server");
    if(mode == CLI_ONLINE)
        return cli_run_online(&c);
    if(strcmp(argv[i], "login") == 0 || strcmp(argv[i], "logout") == 0)
        return cli_usage("login and logout need --server (or SEALDESK_SERVER)");
    if(!c.data && strcmp(argv[i], "triage") != 0)
        return cli_usage("--data DIR (or SEALDESK_DATA) is required");
    return cli_run_offline(&c);
}
