/* The tools' one argument parser (args.h). */
#include "common/args.h"

#include <stdlib.h>
#include <string.h>

/* Messages on stderr and help on f: (void), a failed write there has nowhere to be reported.
 * "TOOL: option --NAME WHAT" (never the value: it may be a secret). */
static int
args_err(const struct sd_args *a, const char *name, size_t len, const char *what)
{
    (void)fprintf(stderr, "%s: option --%.*s %s\n", a->tool, (int)len, name, what);
    return 2;
}

static size_t
find(const struct sd_args *a, const char *name, size_t len)
{
    for(size_t k = 0; k < a->n_spec; k++) {
        if(strlen(a->spec[k].name) == len && strncmp(a->spec[k].name, name, len) == 0)
            return k;
    }
    return a->n_spec;
}

/* One "--name[=value]" at argv[*i]; may take argv[*i + 1] as the value. */
static int
parse_opt(struct sd_args *a, int argc, char **argv, int *i)
{
    const char *name = argv[*i] + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    size_t k = find(a, name, len);
    const char *val = NULL;

    if(k == a->n_spec) {
        if(!eq && strcmp(name, "help") == 0) {
            a->help = true;
            return 0;
        }
        (void)fprintf(stderr, "%s: unknown option --%.*s\n", a->tool, (int)len, name);
        return 2;
    }
    if(!(a->spec[k].flags & SD_ARG_REPEAT) && sd_args_count(a, a->spec[k].name) > 0)
        return args_err(a, name, len, "given twice");
    if(a->spec[k].flags & SD_ARG_VALUE) {
        if(eq) {
            val = eq + 1;
        } else {
            if(*i + 1 >= argc)
                return args_err(a, name, len, "needs a value");
            val = argv[++*i];
        }
    } else if(eq) {
        return args_err(a, name, len, "takes no value");
    }
    if(a->n_seen >= SD_ARGS_MAX_SEEN)
        return args_err(a, name, len, "is one option too many");
    a->seen[a->n_seen].opt = k;
    a->seen[a->n_seen].val = val;
    a->n_seen++;
    return 0;
}

int
sd_args_parse(struct sd_args *a, int argc, char **argv)
{
    bool dashdash = false;
    size_t max_pos = a->max_pos < SD_ARGS_MAX_POS ? a->max_pos : SD_ARGS_MAX_POS;
    int rc;

    a->n_seen = 0;
    a->n_pos = 0;
    a->help = false;
    a->next = argc;
    for(int i = 0; i < argc; i++) {
        const char *s = argv[i];

        if(!s)
            break;
        if(!dashdash && strcmp(s, "--") == 0) {
            dashdash = true;
            continue;
        }
        if(!dashdash && strncmp(s, "--", 2) == 0) {
            rc = parse_opt(a, argc, argv, &i);
            if(rc)
                return rc;
            continue;
        }
        if(a->stop_at_pos) {
            a->next = i;
            return 0;
        }
        if(a->n_pos >= max_pos) {
            (void)fprintf(stderr, "%s: too many arguments\n", a->tool);
            return 2;
        }
        a->pos[a->n_pos++] = s;
    }
    return 0;
}

size_t
sd_args_count(const struct sd_args *a, const char *name)
{
    size_t n = 0;

    for(size_t i = 0; i < a->n_seen; i++)
        n += strcmp(a->spec[a->seen[i].opt].name, name) == 0;
    return n;
}

const char *
sd_args_nth(const struct sd_args *a, const char *name, size_t nth)
{
    for(size_t i = 0; i < a->n_seen; i++) {
        if(strcmp(a->spec[a->seen[i].opt].name, name) == 0 && nth-- == 0)
            return a->seen[i].val;
    }
    return NULL;
}

const char *
sd_args_get(const struct sd_args *a, const char *name)
{
    size_t n = sd_args_count(a, name);

    return n ? sd_args_nth(a, name, n - 1) : NULL;
}

bool
sd_arg_enum_has(const struct sd_arg_enum *e, const char *v)
{
    for(int i = e->first; v && i < e->first + e->count; i++) {
        const char *n = e->name(i);

        if(n && strcmp(n, v) == 0)
            return true;
    }
    return false;
}

void
sd_args_help(FILE *f, const struct sd_arg_spec *spec, size_t n_spec)
{
    for(size_t k = 0; k < n_spec; k++) {
        const struct sd_arg_spec *s = &spec[k];
        int w = fprintf(f, "  --%s", s->name);

        if(s->flags & SD_ARG_VALUE)
            w += fprintf(f, " %s", s->meta ? s->meta : "V");
        if(s->flags & SD_ARG_REPEAT)
            w += fprintf(f, " (repeatable)");
        if(s->values) {
            const char *sep = "";

            (void)fprintf(f, "%*s one of: ", w < 28 ? 28 - w : 1, "");
            for(int i = s->values->first; i < s->values->first + s->values->count; i++) {
                const char *n = s->values->name(i);

                if(n && *n) {
                    (void)fprintf(f, "%s%s", sep, n);
                    sep = ", ";
                }
            }
        }
        (void)fputc('\n', f);
    }
}

#define GLOBAL_VALUE(n, m)                       \
    {                                            \
        n, SD_ARG_VALUE | SD_ARG_REPEAT, m, NULL \
    }
static const struct sd_arg_spec global_opts[] = {
    {"json", SD_ARG_REPEAT, NULL, NULL},
    {"offline", SD_ARG_REPEAT, NULL, NULL},
    GLOBAL_VALUE("data", "DIR"),
    GLOBAL_VALUE("key-file", "F"),
    GLOBAL_VALUE("passphrase-file", "F"),
    GLOBAL_VALUE("actor", "NAME"),
    GLOBAL_VALUE("server", "HOST:PORT"),
    GLOBAL_VALUE("ca", "F"),
    GLOBAL_VALUE("cert", "F"),
    GLOBAL_VALUE("cert-key", "F"),
    GLOBAL_VALUE("token", "T"),
};

/* The option's value, else the environment variable's (env may be NULL). */
static const char *
opt_or_env(const struct sd_args *a, const char *name, const char *env)
{
    const char *v = sd_args_get(a, name);

    return v ? v : env ? getenv(env) : NULL;
}

int
sd_globals_parse(const char *tool, int argc, char **argv, bool env_pass, struct sd_globals *g)
{
    struct sd_args a = {.tool = tool,
                        .spec = global_opts,
                        .n_spec = sizeof(global_opts) / sizeof(global_opts[0]),
                        .stop_at_pos = true};
    int rc = sd_args_parse(&a, argc - 1, argv + 1);

    memset(g, 0, sizeof(*g));
    if(rc)
        return rc;
    g->help = a.help;
    g->cmd = a.next + 1;
    g->json = sd_args_count(&a, "json") > 0;
    g->offline_flag = sd_args_count(&a, "offline") > 0;
    g->data_flag = sd_args_count(&a, "data") > 0;
    g->server_flag = sd_args_count(&a, "server") > 0;
    g->data = opt_or_env(&a, "data", "SEALDESK_DATA");
    g->key_file = opt_or_env(&a, "key-file", "SEALDESK_KEY_FILE");
    g->pass_file = opt_or_env(&a, "passphrase-file", env_pass ? "SEALDESK_PASSPHRASE_FILE" : NULL);
    g->actor = opt_or_env(&a, "actor", NULL);
    g->server = opt_or_env(&a, "server", "SEALDESK_SERVER");
    g->ca = opt_or_env(&a, "ca", "SEALDESK_CA");
    g->cert = opt_or_env(&a, "cert", NULL);
    g->cert_key = opt_or_env(&a, "cert-key", NULL);
    g->token = opt_or_env(&a, "token", "SEALDESK_TOKEN");
    return 0;
}
