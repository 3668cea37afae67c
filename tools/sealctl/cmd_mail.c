/* sealctl verify-message --file MESSAGE.eml | --code C (issue 15): was this message really sent
 * by the desk, to whom (masked) and when, without showing its content. Offline: a file is
 * checked with the store's mail public keys, a code is looked up in the outbox (opens the
 * sealed recipient to mask it: audited). Online: the same through Intake/VerifyMessage, which
 * agents, supervisors, compliance and security admins may call as well as the intake identity.
 * Exit 0 genuine, 1 not (reason on stderr), 2 usage. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sealdesk/clock.h"
#include "sealdesk/desk_mail.h"
#include "sealdesk/outbox.h"
#include "sealdesk/store.h"
#include "intake.pb-c.h"

static const char usage[] = "verify-message --file MESSAGE.eml | --code XXXX-XXXX-XXXX-XXXX";

static sd_err
read_file(const char *path, uint8_t **out, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t got;

    *out = NULL;
    *n = 0;
    if(!f)
        return SD_E_NOTFOUND;
    buf = malloc(SD_OUTBOX_MAX_MESSAGE + 1);
    if(!buf) {
        (void)fclose(f);
        return SD_E_NOMEM;
    }
    got = fread(buf, 1, SD_OUTBOX_MAX_MESSAGE + 1, f);
    (void)fclose(f); /* read-only */
    if(got > SD_OUTBOX_MAX_MESSAGE) {
        free(buf);
        return SD_E_LIMIT;
    }
    *out = buf;
    *n = got;
    return SD_OK;
}

static int
emit(struct cli *c, const struct sd_outbox_verdict *v)
{
    json_t *o;
    char when[32];

    if(!v->valid) {
        fprintf(stderr, "NOT_VERIFIED: %s\n", v->why ? v->why : "not sent by this desk");
        if(c->json)
            (void)cli_emit(c,
                           json_pack("{s:b, s:s}", "verified", 0, "reason", v->why ? v->why : ""));
        return 1;
    }
    sd_time_format(when, sizeof(when), v->sent_at);
    o = json_pack("{s:b, s:s, s:s, s:s, s:i, s:s}", "verified", 1, "reference", v->ref, "to",
                  v->to_masked, "sent_at", when, "key_version", (json_int_t)v->key_version, "code",
                  v->code);
    if(o && v->state)
        json_object_set_new(o, "state", json_string(sd_outbox_state_name(v->state)));
    return cli_emit(c, o);
}

/* The command table parsed the options (verify_opts); exactly one of --file, --code. */
static int
parse(struct cli *c, int argc, char **argv, const char **file, const char **code)
{
    (void)argc;
    (void)argv;
    if(c->n_pos)
        return cli_usage(usage);
    *file = cli_get(c, "file");
    *code = cli_get(c, "code");
    if(!*file == !*code)
        return cli_usage(usage);
    return 0;
}

/* Read --file for either half: 0, or the exit status after the reason. */
static int
load(const char *file, uint8_t **buf, size_t *n)
{
    sd_err err = read_file(file, buf, n);

    if(err != SD_OK)
        return cli_fail(err, err == SD_E_LIMIT ? "verify-message: file over 256 KiB"
                                               : "verify-message: cannot read --file");
    return 0;
}

int
cmd_verify_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc,
                   char **argv)
{
    struct sd_outbox_verdict v;
    const char *file = NULL, *code = NULL;
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = parse(c, argc, argv, &file, &code);
    sd_err err;

    if(rc)
        return rc;
    if(code) {
        err = sd_desk_mail_verify_code(d, a, code, &v);
    } else {
        rc = load(file, &buf, &n);
        if(rc)
            return rc;
        err = sd_desk_mail_verify_message(d, buf, n, &v);
        free(buf);
    }
    if(err != SD_OK)
        return cli_fail(err, "verify-message");
    return emit(c, &v);
}

int
cmd_verify_online(struct cli *c, int argc, char **argv)
{
    Sealdesk__V1__IntakeVerifyRequest q = SEALDESK__V1__INTAKE_VERIFY_REQUEST__INIT;
    struct cli_reply r = CLI_REPLY(sealdesk__v1__intake_verify_result__descriptor);
    struct sd_outbox_verdict v;
    const char *file = NULL, *code = NULL;
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = parse(c, argc, argv, &file, &code);

    if(rc)
        return rc;
    if(file) {
        rc = load(file, &buf, &n);
        if(rc)
            return rc;
        q.message.data = buf;
        q.message.len = n;
    } else {
        q.code = (char *)code;
    }
    rc = cli_call(c, "/sealdesk.v1.Intake/VerifyMessage", &q.base, &r);
    free(buf);
    if(rc)
        return rc;
    {
        const Sealdesk__V1__IntakeVerifyResult *m = (const Sealdesk__V1__IntakeVerifyResult *)r.msg;

        memset(&v, 0, sizeof(v));
        v.valid = m->valid;
        v.why = m->reason && *m->reason ? m->reason : NULL;
        (void)snprintf(v.ref, sizeof(v.ref), "%s", m->reference ? m->reference : "");
        (void)snprintf(v.to_masked, sizeof(v.to_masked), "%s", m->to_masked ? m->to_masked : "");
        v.sent_at = m->sent_at;
        v.key_version = m->key_version;
        (void)snprintf(v.code, sizeof(v.code), "%s", m->code ? m->code : "");
        rc = emit(c, &v);
    }
    cli_reply_free(&r);
    return rc;
}
