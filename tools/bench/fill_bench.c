/* Store fill benchmark (not a test): creates N tickets of the reference shape (1 KiB
 * body, 5 customer PII fields, three events: created, triaged and one public reply, plus the
 * `suggested` event when the KB has matches) through the desk library, COMMIT tickets per
 * durable txn (the group-commit batch of sealdeskd), and prints the create rate and the store
 * size per ticket.
 * The data dir it leaves is used for the 1M-ticket start-up and RSS measurements (README).
 * usage: fill_bench [--map-mb MB] DIR [TICKETS] [COMMIT]
 *        [capture]   (DIR must not exist; defaults 100000 and 512; map 65536 MiB). `capture`
 *        turns write-set capture on (wset.h, issue 18) and also prints the bytes of write set
 *        per ticket (each batch's set, as a cluster leader would ship it). A small --map-mb (e.g.
 *        256 for 2,000 tickets) lets it run under `valgrind --tool=callgrind`, which cannot
 *        reserve a 64 GiB map; instructions per create = the difference of the totals of two
 *        runs over the difference of their ticket counts (the desk's start-up cancels out). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sealdesk/actor.h"
#include "sealdesk/authz.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"
#include "sealdesk/wset.h"
#include "bench.h"

static const char *const subjects[] = {
    "USDT deposit not credited",     "提现一直在审核中",       "출금이 지연되고 있어요",
    "Cannot log in after 2FA reset", "KYC documents rejected", "Order filled at wrong price",
};

int
main(int argc, char **argv)
{
    const struct sd_actor sys = {"bench", NULL, SD_ROLE_SYSTEM};
    struct sd_desk_opts o = {0};
    struct sd_desk *d = NULL;
    char body[1025], uid[32], email[64], phone[32], name[32], wallet[64];
    unsigned long n, commit, map_mb = 65536;
    unsigned long long ws_bytes = 0;
    int capture;
    struct stat st;
    char path[4096];
    double t0, t1;

    if(argc > 2 && strcmp(argv[1], "--map-mb") == 0) {
        map_mb = strtoul(argv[2], NULL, 10);
        argc -= 2;
        argv += 2;
    }
    n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    commit = argc > 3 ? strtoul(argv[3], NULL, 10) : 512;
    capture = argc > 4 && strcmp(argv[4], "capture") == 0;
    if(argc < 2 || argv[1][0] == '-' || n == 0 || commit == 0 || commit > 4096 || map_mb < 16 ||
       map_mb > ((unsigned long)1 << 20)) {
        fprintf(stderr,
                "usage: fill_bench [--map-mb 16..1048576] DIR [TICKETS] [COMMIT] [capture]\n");
        return 2;
    }
    CHECK(sd_crypto_init());
    o.dir = argv[1];
    o.map_bytes = (size_t)map_mb << 20;
    CHECK(sd_desk_init(&o));
    CHECK(sd_desk_open(&d, &o));
    sd_store_set_capture(sd_desk_store(d), capture);
    sd_desk_set_key_grace(d, 200); /* as sealdeskd: no mprotect per key use under load */
    for(size_t i = 0; i < sizeof(body) - 1; i++)
        body[i] = "We sent the funds two hours ago and the balance still shows nothing. "[i % 69];
    body[sizeof(body) - 1] = 0;
    t0 = now_s();
    for(unsigned long i = 0; i < n;) {
        CHECK(sd_store_batch_begin(sd_desk_store(d)));
        for(unsigned long k = 0; k < commit && i < n; k++, i++) {
            struct sd_ticket_new in;
            struct sd_ticket t;

            memset(&in, 0, sizeof(in));
            snprintf(uid, sizeof(uid), "U%08lu", i);
            snprintf(email, sizeof(email), "user%lu@example.com", i);
            snprintf(phone, sizeof(phone), "+8210%08lu", i % 100000000);
            snprintf(name, sizeof(name), "Customer %lu", i);
            snprintf(wallet, sizeof(wallet), "TQ%032lu", i);
            in.channel = SD_CH_CHAT + (enum sd_channel)(i % 5);
            in.field[SD_F_SUBJECT] = subjects[i % 6];
            in.field[SD_F_BODY] = body;
            in.field[SD_F_CUSTOMER_UID] = uid;
            in.field[SD_F_CUSTOMER_EMAIL] = email;
            in.field[SD_F_CUSTOMER_PHONE] = phone;
            in.field[SD_F_CUSTOMER_NAME] = name;
            in.field[SD_F_WALLETS] = wallet;
            in.category = -1;
            CHECK(sd_ticket_create(d, &sys, &in, &t));
            CHECK(sd_ticket_comment(d, &sys, t.id, "We are checking with the chain team.", false,
                                    &t));
        }
        if(capture) {
            const uint8_t *ws;
            size_t wlen;

            CHECK(sd_store_batch_wset(&ws, &wlen));
            ws_bytes += wlen;
        }
        CHECK(sd_store_batch_commit());
    }
    t1 = now_s();
    sd_desk_set_key_grace(d, 0);
    sd_desk_close(d);
    snprintf(path, sizeof(path), "%s/data.mdb", argv[1]);
    if(stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    printf("created %lu tickets in %.1f s: %.0f tickets/s (create + comment, %lu per "
           "durable txn)\n",
           n, t1 - t0, (double)n / (t1 - t0), commit);
    printf("data.mdb %.1f MiB allocated on disk, %.0f bytes per ticket (incl. audit entries, "
           "Merkle nodes, indexes, KB)\n",
           (double)st.st_blocks * 512.0 / 1048576.0, (double)st.st_blocks * 512.0 / (double)n);
    if(capture)
        printf("write sets: %llu bytes, %.0f bytes per ticket (create + comment)\n", ws_bytes,
               (double)ws_bytes / (double)n);
    return 0;
}
