/* The composition of the desk: sd_desk_init, sd_desk_open and sd_desk_close put the layers
 * together. The ticket core (src/tickets) knows nothing above it; here the knowledge base seeds
 * a new store, the remedy policy and the login guard are made, and kb and incidents are
 * plugged into the ticket layer through the hooks of struct sd_desk (desk_int.h). */
#include "incident/incident_int.h"
#include "kb/kb_int.h"
#include "ops_int.h"
#include "sealdesk/access.h"
#include "sealdesk/authz.h"
#include "sealdesk/customers.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/log.h"
#include "sealdesk/remedy.h"
#include "tickets/desk_int.h"
#include "util/err_int.h"

void
sd_ops_wire(struct sd_desk *d)
{
    d->hooks.kb_search = sd_kb_search_txn;
    d->hooks.kb_use = sd_kb_use_txn;
    d->hooks.kb_slug = sd_kb_slug_txn;
    d->hooks.kb_suggest = sd_kb_suggest_folded_txn;
    d->hooks.kb_use_for = sd_kb_use_for_txn;
    d->hooks.incident_find = sd_incident_autolink_find;
    d->hooks.incident_store = sd_incident_autolink_store;
    d->hooks.customer_defaults = sd_customers_defaults_in;
}

sd_err
sd_desk_init(const struct sd_desk_opts *o)
{
    return sd_desk_init_core(o, sd_kb_seed);
}

sd_err
sd_desk_open(struct sd_desk **out, const struct sd_desk_opts *o)
{
    struct sd_desk *d = NULL;
    sd_err err = SD_OK;

    SD_TRY(sd_desk_open_core(&d, o));
    {
        size_t line = 0;
        const char *why = NULL;

        err = sd_remedy_policy_load(&d->remedy_policy, o->dir, &line, &why);
        if(err != SD_OK)
            sd_log(SD_LOG_ERROR, "remedy_policy_invalid", "line=%zu", line);
        SD_TRY(err);
    }
    {
        char where[160];

        err = sd_kb_lexicon_load(o->dir, where, sizeof(where));
        if(err != SD_OK)
            sd_log(SD_LOG_ERROR, "kb_lexicon_invalid", "at=\"%s\"", where);
        SD_TRY(err);
        err = sd_kb_products_load(o->dir, where, sizeof(where));
        if(err != SD_OK)
            sd_log(SD_LOG_ERROR, "kb_products_invalid", "at=\"%s\"", where);
        SD_TRY(err);
    }
    {
        struct sd_login_limits lim;

        sd_login_limits_defaults(&lim);
        SD_TRY(sd_login_guard_new(&d->login, &lim, 60));
    }
    sd_ops_wire(d);
    *out = d;
    d = NULL;
out:
    sd_desk_close(d);
    return err;
}

void
sd_desk_close(struct sd_desk *d)
{
    if(!d)
        return;
    if(d->login && sd_access_login_audit_flush(d) != SD_OK)
        sd_log(SD_LOG_ERROR, "login_audit_lost", "reason=flush_failed");
    sd_login_guard_free(d->login);
    d->login = NULL;
    sd_remedy_policy_free(d->remedy_policy);
    d->remedy_policy = NULL;
    sd_desk_close_core(d);
    sd_kb_cache_release();
}
