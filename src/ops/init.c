/* The composition of the desk: sd_desk_init and sd_desk_open put the layers together. The
 * core (tickets) knows nothing above it; here the knowledge base seeds a new store and is
 * plugged into the ticket layer through the hooks of struct sd_desk (desk_int.h). */
#include "desk/desk_int.h"
#include "kb/kb_int.h"
#include "ops_int.h"
#include "sealdesk/desk.h"

void
sd_ops_wire(struct sd_desk *d)
{
    d->hooks.kb_search = sd_kb_search_txn;
    d->hooks.kb_use = sd_kb_use_txn;
}

sd_err
sd_desk_init(const struct sd_desk_opts *o)
{
    return sd_desk_init_core(o, sd_kb_seed);
}

sd_err
sd_desk_open(struct sd_desk **out, const struct sd_desk_opts *o)
{
    sd_err err = sd_desk_open_core(out, o);

    if(err != SD_OK)
        return err;
    sd_ops_wire(*out);
    return SD_OK;
}
