/* Test helper of tests/integration/test_backoffice.sh: adds one file as an attachment to a
 * ticket through the library (attachments arrive by mail and Intake, which have their own
 * tools), on a data dir a running server may share. Prints the attachment id and its state.
 * usage: attach_seed DATA_DIR TICKET_ID FILE TYPE NAME; exit 0 kept or refused, 1 error. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "sealdesk/actor.h"
#include "sealdesk/attach.h"
#include "sealdesk/authz.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/err.h"

int
main(int argc, char **argv)
{
    struct sd_desk_opts o = {0};
    struct sd_actor a = {"attach-seed", NULL, SD_ROLE_SYSTEM};
    struct sd_desk *d = NULL;
    struct sd_attach_in in = {0};
    struct sd_attach_result res = {0};
    static uint8_t buf[SD_ATTACH_MAX_FILE + 1];
    const char *why = NULL;
    FILE *f;
    sd_err err;

    if(argc != 6 || sd_crypto_init() != SD_OK)
        return 2;
    f = fopen(argv[3], "rb");
    if(!f)
        return 1;
    in.len = fread(buf, 1, sizeof(buf), f);
    (void)fclose(f);
    in.data = buf;
    in.type = argv[4];
    in.filename = argv[5];
    o.dir = argv[1];
    if(sd_desk_open(&d, &o) != SD_OK)
        return 1;
    err = sd_attach_add(d, &a, strtoull(argv[2], NULL, 10), NULL, &in, 1, &res, &why);
    sd_desk_close(d);
    if(err != SD_OK) {
        fprintf(stderr, "attach_seed: %s%s%s\n", sd_err_str(err), why ? ": " : "", why ? why : "");
        return 1;
    }
    printf("%" PRIu64 " %s\n", res.id, res.state == SD_ATTACH_KEPT ? "kept" : "refused");
    return 0;
}
