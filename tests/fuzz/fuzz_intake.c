/* libFuzzer harness for the Intake mail path (src/intake, sd_intake_mail) on a real store: the
 * first byte is the mail class, the rest NUL-separated fields (Message-ID, From, Subject,
 * In-Reply-To, one Reference, bounce Message-ID, body). Checks: the answer is SD_OK or a
 * refusal of the input (SD_E_INVALID, SD_E_LIMIT, SD_E_PRECONDITION), an outcome is one of the
 * five, and the same Message-ID delivered again is a DUPLICATE of the same ticket. The store
 * lives in a temporary directory for the process (removed at exit). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/authz.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sd_desk *desk;
static char dir[64];

static void
cleanup(void)
{
    char cmd[96];

    sd_desk_close(desk);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if(system(cmd) != 0)
        fprintf(stderr, "fuzz_intake: cleanup of %s failed\n", dir);
}

static void
open_desk(void)
{
    struct sd_desk_opts o = {NULL, NULL, NULL, 0};

    if(desk)
        return;
    if(sd_crypto_init() != SD_OK)
        abort();
    snprintf(dir, sizeof(dir), "/tmp/sdfuzzintake.XXXXXX");
    if(!mkdtemp(dir))
        abort();
    o.dir = dir;
    if(sd_desk_init(&o) != SD_OK || sd_desk_open(&desk, &o) != SD_OK)
        abort();
    atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct sd_actor gw = {"fuzz-gw", NULL, SD_ROLE_INTAKE};
    char *buf, *f[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    const char *refs[1];
    struct sd_intake_mail m;
    struct sd_intake_mail_result r, r2;
    size_t k = 0;
    sd_err err;

    if(size < 1 || size > 64 * 1024)
        return 0;
    open_desk();
    buf = calloc(1, size + 1);
    if(!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    f[k++] = buf;
    for(size_t i = 0; i + 1 < size && k < 7; i++) {
        if(buf[i] == 0)
            f[k++] = buf + i + 1;
    }
    memset(&m, 0, sizeof(m));
    m.cls = data[0] % 6; /* 5: an unknown class, refused */
    m.message_id = f[0];
    m.from_addr = f[1];
    m.subject = f[2];
    m.in_reply_to = f[3];
    refs[0] = f[4];
    m.refs = refs;
    m.n_refs = f[4] ? 1 : 0;
    m.bounce_message_id = f[5];
    m.body = f[6];
    err = sd_intake_mail(desk, &gw, &m, NULL, &r, NULL);
    if(err != SD_OK && err != SD_E_INVALID && err != SD_E_LIMIT && err != SD_E_PRECONDITION)
        abort();
    if(err == SD_OK) {
        if(r.outcome < SD_INTAKE_NEW_TICKET || r.outcome > SD_INTAKE_BOUNCE)
            abort();
        if(m.message_id && m.message_id[0]) {
            if(sd_intake_mail(desk, &gw, &m, NULL, &r2, NULL) != SD_OK ||
               r2.outcome != SD_INTAKE_DUPLICATE || r2.ticket_id != r.ticket_id)
                abort();
        }
    }
    free(buf);
    return 0;
}
