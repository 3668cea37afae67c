/* The queue claim: an agent takes the ticket routing picks for them (route.c), else the head
 * of the queue, in one write txn (the hand-over itself is ticket.c's sd_ticket_claim_in). */
#include <stdbool.h>
#include <string.h>

#include "route_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/buf.h"
#include "sealdesk/clock.h"
#include "sealdesk/queue.h"
#include "sealdesk/tickets.h"
#include "util/err_int.h"

sd_err
sd_queue_claim(struct sd_desk *d, const struct sd_actor *a, const char *agent,
               struct sd_ticket *out)
{
    struct sd_txn *t = NULL;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    uint64_t id;
    bool routed;
    sd_err err = SD_OK;
    sd_err rc;

    SD_CHECK_ARG(d);
    SD_TRY(sd_actor_check(a));
    /* An agent claims for themselves (the default); another name needs a supervisor. */
    if(!agent || !*agent)
        agent = a->name;
    SD_CHECK_ARG(sd_agent_name_ok(agent));
    SD_ENSURE(strcmp(agent, a->name) == 0 || (a->roles & (SD_ROLE_SUPERVISOR | SD_ROLE_SYSTEM)),
              SD_E_DENIED);
    /* LMDB admits one writer at a time across threads and processes: the head of the queue
     * read in this txn cannot be handed to anyone else before it commits. */
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_ticket_assignee_ok(t, a, agent, true));
    /* An agent with a routing profile gets the first ticket they fit (route.c). */
    SD_TRY(sd_route_pick(t, agent, sd_clock_now(), &routed, &id));
    if(!routed) {
        SD_TRY(sd_cursor_open(t, SD_DB_QUEUE, &c));
        rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v);
        SD_ENSURE(rc != SD_E_NOTFOUND, SD_E_EMPTY);
        SD_TRY(rc);
        SD_ENSURE(k.n == 17, SD_E_STORE);
        id = sd_get_u64be(k.p + 9);
        sd_cursor_close(c);
        c = NULL;
    }
    SD_TRY(sd_ticket_claim_in(d, t, a, id, agent, "queue.claim", out));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_cursor_close(c);
    sd_txn_abort(t);
    return err;
}
