/* The command-line parser of sealctl, sealaudit and sealkey: long options with values
 * (`--name V` or `--name=V`), flags, options given more than once where the spec allows it,
 * `--` (everything after it is positional), positionals up to a limit, and `--help`. Errors name
 * the option ("TOOL: unknown option --x", "TOOL: option --x needs a value") and never echo a
 * value (it may be a secret or PII). The valid values of an enumerated option come from the
 * library's name tables (sd_channel_name, ...), so `COMMAND --help` never lists a stale copy.
 * Nothing is allocated: values are borrowed from argv. */
#ifndef SD_TOOLS_ARGS_H
#define SD_TOOLS_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SD_ARGS_MAX_SPEC 40 /* options one parse knows */
#define SD_ARGS_MAX_SEEN 64 /* option occurrences one parse keeps */
#define SD_ARGS_MAX_POS  8  /* positionals one parse keeps */

/* The valid values of an enumerated option: name(i) for i in [first, first + count); a NULL
 * name is skipped. */
struct sd_arg_enum {
    const char *(*name)(int i);
    int first;
    int count;
};

enum {
    SD_ARG_FLAG = 0,       /* --name, no value */
    SD_ARG_VALUE = 1 << 0, /* --name V or --name=V */
    SD_ARG_REPEAT = 1 << 1 /* may be given more than once (else "given twice" is an error) */
};

struct sd_arg_spec {
    const char *name;                 /* without the leading "--" */
    unsigned flags;                   /* SD_ARG_* */
    const char *meta;                 /* value placeholder in help ("C"); NULL: "V" */
    const struct sd_arg_enum *values; /* NULL, or the option's valid values (help) */
};

struct sd_args {
    /* in */
    const char *tool;               /* message prefix: "sealctl" */
    const struct sd_arg_spec *spec; /* borrowed, n_spec entries */
    size_t n_spec;
    size_t max_pos;   /* positionals allowed (<= SD_ARGS_MAX_POS) */
    bool stop_at_pos; /* stop at the first positional (a command word) */
    /* out */
    struct {
        size_t opt;      /* index into spec */
        const char *val; /* NULL for a flag */
    } seen[SD_ARGS_MAX_SEEN];
    size_t n_seen;
    const char *pos[SD_ARGS_MAX_POS];
    size_t n_pos;
    int next;  /* with stop_at_pos: index of the first argument not parsed */
    bool help; /* --help was given (and is not in spec) */
};

/* Parse argv[0..argc). 0 on success; 2 after printing "TOOL: reason" on stderr for an unknown
 * option, a missing value, a value given to a flag, an option given twice (no SD_ARG_REPEAT)
 * or too many positionals. a->tool, spec, n_spec, max_pos and stop_at_pos are read; the rest is
 * reset. */
int sd_args_parse(struct sd_args *a, int argc, char **argv);
/* The last value of option name (NULL if absent or a flag). */
const char *sd_args_get(const struct sd_args *a, const char *name);
/* How many times option name was given. */
size_t sd_args_count(const struct sd_args *a, const char *name);
/* The i-th value (0-based, in argv order) of a repeated option; NULL past the end. */
const char *sd_args_nth(const struct sd_args *a, const char *name, size_t i);
/* Print one help line per option of spec ("  --name V   one of: a, b, c") to f. */
void sd_args_help(FILE *f, const struct sd_arg_spec *spec, size_t n_spec);
/* True if v is one of e's names. */
bool sd_arg_enum_has(const struct sd_arg_enum *e, const char *v);

/* The global options of sealctl and sealkey, before the command word: --json, --offline,
 * --data DIR, --key-file F, --passphrase-file F, --actor NAME, --server HOST:PORT, --ca F,
 * --cert F, --cert-key F, --token T (the last given wins). SEALDESK_DATA, SEALDESK_KEY_FILE,
 * SEALDESK_SERVER, SEALDESK_CA, SEALDESK_TOKEN (and SEALDESK_PASSPHRASE_FILE with env_pass)
 * stand in for the options not given. The *_flag fields say what the command line gave, for the
 * tools' one mode rule. Values are borrowed from argv and the environment. */
struct sd_globals {
    const char *data, *key_file, *pass_file, *actor, *server, *ca, *cert, *cert_key, *token;
    bool json, offline_flag, data_flag, server_flag;
    bool help; /* --help before the command */
    int cmd;   /* argv index of the command word; argc when there is none */
};
/* 0, or 2 after printing the reason (see sd_args_parse). */
int sd_globals_parse(const char *tool, int argc, char **argv, bool env_pass, struct sd_globals *g);

#endif
