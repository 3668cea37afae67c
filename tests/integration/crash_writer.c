/* Crash-test writer: creates and claims tickets in a loop in one process until it is killed,
 * so SIGKILL lands inside write txns. usage: crash_writer DATA_DIR [unique]
 * With "unique" every ticket has its own customer, hence its own data key (key tests). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/queue.h"
#include "sealdesk/tickets.h"

int
main(int argc, char **argv)
{
    struct sd_desk_opts o = {0};
    struct sd_actor a = {"crash-writer", NULL, SD_ROLE_SYSTEM};
    struct sd_desk *d = NULL;
    struct sd_ticket_new in;
    struct sd_ticket t;

    char uid[32];
    bool unique = argc == 3 && strcmp(argv[2], "unique") == 0;

    if((argc != 2 && !unique) || sd_crypto_init() != SD_OK)
        return 2;
    o.dir = argv[1];
    if(sd_desk_open(&d, &o) != SD_OK)
        return 1;
    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_CHAT;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "crash";
    in.field[SD_F_BODY] = "deposit not credited";
    in.field[SD_F_CUSTOMER_EMAIL] = "crash@example.com";
    for(uint64_t i = 1;; i++) {
        if(unique) {
            snprintf(uid, sizeof(uid), "CW-%llu", (unsigned long long)i);
            in.field[SD_F_CUSTOMER_UID] = uid;
        }
        if(sd_ticket_create(d, &a, &in, &t) != SD_OK)
            return 1;
        if(t.id % 3 == 0 && sd_queue_claim(d, &a, "agent", &t) != SD_OK)
            return 1;
    }
}
