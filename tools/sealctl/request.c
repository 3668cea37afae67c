/* The checks a sealctl command's request passes before it runs offline or online: one copy for
 * both modes (the server checks values again; these give the same usage errors either way). */
#include <string.h>

#include "cli.h"

static int
ticket_find_req(const struct cli *c, struct ticket_req *q)
{
    static const struct {
        const char *opt;
        enum sd_field f;
    } keys[] = {{"customer-email", SD_F_CUSTOMER_EMAIL},
                {"customer-uid", SD_F_CUSTOMER_UID},
                {"customer-phone", SD_F_CUSTOMER_PHONE}};
    size_t given = 0;

    for(size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if(cli_has(c, keys[i].opt)) {
            given++;
            q->find_kind = keys[i].f;
            q->find_value = cli_get(c, keys[i].opt);
        }
    }
    if(given != 1)
        return cli_usage("ticket find needs exactly one of --customer-email, "
                         "--customer-uid, --customer-phone");
    return 0;
}

/* comment: --body [--internal] or --from-article K alone. */
static int
ticket_comment_req(const struct cli *c, struct ticket_req *q)
{
    if(cli_get(c, "from-article")) {
        if(cli_get(c, "body") || cli_has(c, "internal"))
            return cli_usage("ticket comment: --from-article takes no --body or --internal");
        if(!cli_parse_id(cli_get(c, "from-article"), &q->article))
            return cli_fail(SD_E_INVALID, "--from-article must be an article id");
        return 0;
    }
    if(!cli_get(c, "body"))
        return cli_usage("ticket comment needs --body or --from-article");
    return 0;
}

/* set: [--category C] [--priority P] (at least one) --reason R (1..500 characters). */
static int
ticket_set_req(const struct cli *c, struct ticket_req *q)
{
    const char *r = cli_get(c, "reason");
    enum sd_category cat = SD_CAT_GENERAL;
    size_t cps = 0;

    q->set_category = -1;
    if(!cli_get(c, "category") && !cli_get(c, "priority"))
        return cli_usage("ticket set needs --category or --priority (or both), and --reason");
    if(cli_get(c, "category")) {
        if(sd_category_parse(&cat, cli_get(c, "category")) != SD_OK)
            return cli_fail(SD_E_INVALID, "--category: unknown category");
        q->set_category = (int)cat;
    }
    if(cli_get(c, "priority") && sd_priority_parse(&q->set_priority, cli_get(c, "priority")))
        return cli_fail(SD_E_INVALID, "--priority: P1..P4");
    if(!r || !*r)
        return cli_fail(SD_E_INVALID, "--reason: required, 1..500 characters");
    for(const char *p = r; *p; p++)
        cps += ((unsigned char)*p & 0xc0) != 0x80;
    if(cps > SD_TRIAGE_REASON_MAX)
        return cli_fail(SD_E_LIMIT, "--reason: at most 500 characters");
    return 0;
}

int
cli_ticket_req(const struct cli *c, const char *sub, struct ticket_req *q)
{
    const char *v;

    memset(q, 0, sizeof(*q));
    q->sub = sub;
    if(strcmp(sub, "create") == 0) {
        if(!cli_get(c, "channel") || !cli_get(c, "subject") || !cli_get(c, "body"))
            return cli_usage("ticket create needs --channel, --subject and --body");
        return c->n_pos ? 2 : 0;
    }
    if(strcmp(sub, "search") == 0) {
        if(!cli_get(c, "text"))
            return cli_usage("ticket search needs --text");
        return c->n_pos ? 2 : 0;
    }
    if(strcmp(sub, "list") == 0 || strcmp(sub, "find") == 0) {
        if(c->n_pos)
            return 2;
        return sub[0] == 'f' ? ticket_find_req(c, q) : 0;
    }
    /* The rest take a ticket id. */
    if(c->n_pos != 1 || !cli_parse_id(c->pos[0], &q->id))
        return cli_usage("expected one ticket ID (a positive integer)");
    if(strcmp(sub, "status") == 0 && !cli_get(c, "to"))
        return cli_usage("ticket status needs --to");
    if(strcmp(sub, "assign") == 0 && !cli_get(c, "agent"))
        return cli_usage("ticket assign needs --agent");
    if(strcmp(sub, "comment") == 0)
        return ticket_comment_req(c, q);
    if(strcmp(sub, "set") == 0)
        return ticket_set_req(c, q);
    if(strcmp(sub, "rate") == 0) {
        v = cli_get(c, "csat");
        if(!v || strlen(v) != 1 || v[0] < '1' || v[0] > '5')
            return cli_fail(SD_E_INVALID, "--csat must be 1..5");
        q->csat = (unsigned)(v[0] - '0');
    }
    return 0;
}

const char *
cli_str(const struct cli *c, const char *name)
{
    const char *v = cli_get(c, name);

    return v ? v : "";
}

int
cli_refuse(sd_err err, const char *why, const char *what)
{
    if(!why)
        return cli_fail(err, what);
    (void)fprintf(stderr, "%s: %s\n", cli_status_name(err), why);
    return 1;
}
