/* sealmailgate (issue 15 "Email in"): the program an MTA runs per message (Postfix pipe(8),
 * procmail, fetchmail --mda). It reads ONE RFC 5322 message on stdin (bounded), parses it with
 * src/mail (GMime; charsets, HTML, quoted history, attachments typed by libmagic) and delivers
 * it as the intake identity: online over TLS gRPC (Intake/SubmitMail) or offline on the data
 * directory (src/intake directly, as the local operator).
 *
 * Exit codes follow sysexits(3) so the MTA does the right thing:
 *   0  EX_OK        delivered (also a duplicate delivery and an ignored auto-reply/bulk/loop)
 *   64 EX_USAGE     bad command line
 *   65 EX_DATAERR   a message that can never be accepted (reason on stderr, never its text)
 *   70 EX_SOFTWARE  an internal error
 *   75 EX_TEMPFAIL  server unreachable, busy, UNAVAILABLE, RESOURCE_EXHAUSTED, deadline, or
 *                   any other refusal that a retry or an operator may fix (the MTA keeps the
 *                   message and retries)
 * Nothing of the message (addresses, subject, text) is ever printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "common/args.h"
#include "intake.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/attach.h"
#include "sealdesk/authz.h"
#include "sealdesk/crypto.h"
#include "sealdesk/desk.h"
#include "sealdesk/endpoints.h"
#include "sealdesk/intake.h"
#include "sealdesk/log.h"
#include "sealdesk/mail.h"
#include "sealdesk/rpc.h"
#include "sealdesk/tickets.h"
#include "sealdesk/version.h"

#define EX_OK_       0
#define EX_USAGE_    64
#define EX_DATAERR_  65
#define EX_SOFTWARE_ 70
#define EX_TEMPFAIL_ 75

#define CALL_TIMEOUT_MS 60000u
/* Cluster (issue 18): attempts over the --server list, and the pause once every endpoint of
 * the list was tried (an election in progress), as sealctl. */
#define MAX_HOPS        12
#define HOP_PAUSE_MS    300

static const char usage[] =
    "usage: sealmailgate --server HOST:PORT[,...] --ca F [--cert F --cert-key F] --token T\n"
    "       sealmailgate --offline --data DIR [--key-file F]\n"
    "Reads one RFC 5322 message on stdin and delivers it to sealdesk as the intake identity.\n"
    "  --server HOST:PORT[,HOST:PORT...]  sealdeskd (TLS gRPC, Intake/SubmitMail); a cluster's\n"
    "                       nodes (1..7): follows the leader; SEALDESK_SERVER\n"
    "  --ca F               CA of the server certificate; SEALDESK_CA\n"
    "  --cert F --cert-key F  client certificate (mTLS) the token is bound to\n"
    "  --token T            session token of a user with role intake; SEALDESK_TOKEN\n"
    "  --offline --data DIR [--key-file F]  deliver into the data directory directly\n"
    "  --max-message-mb N   refuse (65) a message over N MiB (default 25, 1..64)\n"
    "Exit: 0 delivered (duplicates and ignored auto-replies too), 64 usage, 65 message can\n"
    "never be accepted (reason on stderr), 70 internal error, 75 try again later.\n";

static const struct sd_arg_spec spec[] = {
    {"server", SD_ARG_VALUE, "HOST:PORT", NULL}, {"ca", SD_ARG_VALUE, "F", NULL},
    {"cert", SD_ARG_VALUE, "F", NULL},           {"cert-key", SD_ARG_VALUE, "F", NULL},
    {"token", SD_ARG_VALUE, "T", NULL},          {"offline", SD_ARG_FLAG, NULL, NULL},
    {"data", SD_ARG_VALUE, "DIR", NULL},         {"key-file", SD_ARG_VALUE, "F", NULL},
    {"max-message-mb", SD_ARG_VALUE, "N", NULL},
};

static const char *
opt_env(const struct sd_args *a, const char *name, const char *env)
{
    const char *v = sd_args_get(a, name);

    return v ? v : getenv(env);
}

/* stdin, at most max bytes: 0, or EX_DATAERR_ over the limit, EX_TEMPFAIL_ on a read error. */
static int
read_all(uint8_t **out, size_t *n, size_t max)
{
    size_t cap = 64 * 1024, len = 0;
    uint8_t *buf = malloc(cap);

    *out = NULL;
    *n = 0;
    if(!buf)
        return EX_TEMPFAIL_;
    for(;;) {
        size_t got;

        if(len == cap) {
            size_t ncap = cap * 2;
            uint8_t *p;

            if(cap > max)
                break;
            p = realloc(buf, ncap);
            if(!p) {
                free(buf);
                return EX_TEMPFAIL_;
            }
            buf = p;
            cap = ncap;
        }
        got = fread(buf + len, 1, cap - len, stdin);
        len += got;
        if(got == 0)
            break;
    }
    if(ferror(stdin)) {
        sodium_memzero(buf, len);
        free(buf);
        fprintf(stderr, "sealmailgate: cannot read the message on stdin\n");
        return EX_TEMPFAIL_;
    }
    if(len > max) {
        sodium_memzero(buf, len);
        free(buf);
        fprintf(stderr, "sealmailgate: message over the %zu-byte limit\n", max);
        return EX_DATAERR_;
    }
    *out = buf;
    *n = len;
    return 0;
}

/* The sniffed type the desk should see: the parser's allow-list refuses what it refuses (the
 * desk then records the refusal without bytes). */
static const char *
file_type(const struct sd_mail_attachment *at)
{
    return sd_mail_attachment_allowed(at, NULL) ? at->sniffed_type : "application/octet-stream";
}

/* What can never fit a ticket: refused here with 65 rather than retried. */
static int
check_fits(const struct sd_mail *m)
{
    if(strlen(m->subject) > SD_MAX_SUBJECT) {
        fprintf(stderr, "sealmailgate: subject over the %d-byte limit\n", SD_MAX_SUBJECT);
        return EX_DATAERR_;
    }
    if(strlen(m->body) > SD_MAX_BODY) {
        fprintf(stderr, "sealmailgate: body over the %d-byte limit\n", SD_MAX_BODY);
        return EX_DATAERR_;
    }
    if(m->n_attachments > SD_ATTACH_MAX_FILES) {
        fprintf(stderr, "sealmailgate: more than %d attachments\n", SD_ATTACH_MAX_FILES);
        return EX_DATAERR_;
    }
    if(m->cls == SD_MAIL_NORMAL && !m->from.addr[0]) {
        fprintf(stderr, "sealmailgate: no usable sender address\n");
        return EX_DATAERR_;
    }
    return 0;
}

static const char *const outcome_names[] = {"",          "new_ticket", "added",
                                            "duplicate", "ignored",    "bounce"};

static void
report(unsigned outcome, const char *ref)
{
    printf("sealmailgate: %s%s%s\n", outcome < 6 ? outcome_names[outcome] : "delivered",
           ref && ref[0] ? " " : "", ref ? ref : "");
}

static int
exit_of_err(sd_err err)
{
    switch(err) {
    case SD_OK:
        return EX_OK_;
    case SD_E_INVALID:
    case SD_E_LIMIT:
        return EX_DATAERR_;
    case SD_E_NOMEM:
    case SD_E_IO:
    case SD_E_STORE:
    case SD_E_CONFLICT:
        return EX_TEMPFAIL_;
    default:
        return EX_SOFTWARE_;
    }
}

/* ---- offline ---- */

static int
deliver_offline(const char *dir, const char *key_file, const struct sd_mail *m)
{
    struct sd_desk_opts o = {.dir = dir, .key_file = key_file};
    struct sd_desk *d = NULL;
    struct sd_actor a = {"offline:sealmailgate", NULL, SD_ROLE_SYSTEM | SD_ROLE_INTAKE};
    struct sd_intake_mail im;
    struct sd_intake_mail_result r;
    struct sd_attach_in *files = NULL;
    const char *why = NULL;
    sd_err err;
    int rc;

    memset(&im, 0, sizeof(im));
    err = sd_desk_open(&d, &o);
    if(err != SD_OK) {
        fprintf(stderr, "sealmailgate: cannot open the data directory: %s\n", sd_err_str(err));
        return EX_TEMPFAIL_;
    }
    if(m->n_attachments) {
        files = calloc(m->n_attachments, sizeof(*files));
        if(!files) {
            sd_desk_close(d);
            return EX_TEMPFAIL_;
        }
    }
    for(size_t i = 0; i < m->n_attachments; i++) {
        files[i].data = m->attachments[i].data;
        files[i].len = m->attachments[i].len;
        files[i].type = file_type(&m->attachments[i]);
        files[i].filename = m->attachments[i].filename;
    }
    im.message_id = m->message_id;
    im.from_addr = m->from.addr;
    im.from_name = m->from.name;
    im.subject = m->subject;
    im.in_reply_to = m->in_reply_to;
    im.refs = (const char *const *)m->references;
    im.n_refs = m->n_references;
    im.cls = (unsigned)m->cls;
    im.bounce_message_id = m->bounce_message_id;
    im.body = m->body;
    im.quoted = m->quoted;
    im.files = files;
    im.n_files = m->n_attachments;
    err = sd_intake_mail(d, &a, &im, NULL, &r, &why);
    rc = exit_of_err(err);
    if(err != SD_OK)
        fprintf(stderr, "sealmailgate: refused: %s%s%s\n", sd_err_str(err), why ? ": " : "",
                why ? why : "");
    else
        report((unsigned)r.outcome, r.ref);
    free(files);
    sd_desk_close(d);
    return rc;
}

/* ---- online ---- */

static sd_err
on_msg(void *ctx, const uint8_t *p, size_t n)
{
    Sealdesk__V1__IntakeMailResult **out = ctx;

    if(*out)
        return SD_E_INVALID;
    *out = sealdesk__v1__intake_mail_result__unpack(NULL, n, p);
    return *out ? SD_OK : SD_E_INVALID;
}

static int
exit_of_status(int status)
{
    switch(status) {
    case SD_GRPC_OK:
        return EX_OK_;
    case SD_GRPC_INVALID_ARGUMENT:
    case SD_GRPC_FAILED_PRECONDITION:
    case SD_GRPC_OUT_OF_RANGE:
        return EX_DATAERR_;
    default: /* unavailable, busy, deadline, auth/config problems: keep it and retry */
        return EX_TEMPFAIL_;
    }
}

/* One attempt at target: connect, then SubmitMail. *sent: the connection was made, so the
 * request may have reached the server. */
static sd_err
submit_once(const struct sd_grpc_client_opts *base, const char *target, const char *const *md,
            const uint8_t *req, size_t n, Sealdesk__V1__IntakeMailResult **res, int *status,
            char *msg, size_t cap, bool *sent)
{
    struct sd_grpc_client_opts o = *base;
    struct sd_grpc_client *c = NULL;
    sd_err err;

    o.target = target;
    *sent = false;
    msg[0] = 0;
    *status = SD_GRPC_UNKNOWN;
    err = sd_grpc_client_connect_why(&c, &o, msg, cap);
    if(err != SD_OK)
        return err;
    *sent = true;
    (void)sd_grpc_client_set_timeout(c, CALL_TIMEOUT_MS);
    err = sd_grpc_client_call(c, "/sealdesk.v1.Intake/SubmitMail", md, req, n, on_msg, res, status,
                              msg, cap);
    sd_grpc_client_close(c);
    return err;
}

static int
deliver_online(const struct sd_grpc_client_opts *o, const struct sd_endpoints *eps,
               const char *token, const struct sd_mail *m)
{
    Sealdesk__V1__IntakeMailRequest q = SEALDESK__V1__INTAKE_MAIL_REQUEST__INIT;
    Sealdesk__V1__IntakeAttachment *att = NULL, **atp = NULL;
    Sealdesk__V1__IntakeMailResult *res = NULL;
    struct sd_follow fl;
    uint8_t *req = NULL;
    size_t n = 0;
    char auth[16 + SD_TOKEN_HEX], msg[256];
    bool sent = false;
    const char *md[3] = {"authorization", auth, NULL};
    int status = SD_GRPC_UNKNOWN, rc = EX_SOFTWARE_;
    sd_err err;

    if(strlen(token) > SD_TOKEN_HEX) {
        fprintf(stderr, "sealmailgate: --token is too long\n");
        return EX_USAGE_;
    }
    snprintf(auth, sizeof(auth), "Bearer %s", token);
    if(m->n_attachments) {
        att = calloc(m->n_attachments, sizeof(*att));
        // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of message pointers
        atp = calloc(m->n_attachments, sizeof(*atp));
        if(!att || !atp) {
            rc = EX_TEMPFAIL_;
            goto out;
        }
    }
    for(size_t i = 0; i < m->n_attachments; i++) {
        sealdesk__v1__intake_attachment__init(&att[i]);
        att[i].filename = m->attachments[i].filename;
        att[i].declared_type = m->attachments[i].declared_type;
        att[i].sniffed_type = (char *)file_type(&m->attachments[i]);
        att[i].data.data = m->attachments[i].data;
        att[i].data.len = m->attachments[i].len;
        atp[i] = &att[i];
    }
    q.message_id = m->message_id;
    q.from_addr = m->from.addr;
    q.from_name = m->from.name;
    q.subject = m->subject;
    q.in_reply_to = m->in_reply_to;
    q.references = m->references;
    q.n_references = m->n_references;
    q.mail_class = (uint32_t)m->cls;
    q.bounce_message_id = m->bounce_message_id;
    q.body = m->body;
    q.quoted = (char *)""; /* the history is not sent: the desk drops it (intake.c) */
    q.attachments = atp;
    q.n_attachments = m->n_attachments;
    n = sealdesk__v1__intake_mail_request__get_packed_size(&q);
    if(n > SD_RPC_MAX_REQ_LARGE) {
        fprintf(stderr,
                "sealmailgate: message with attachments over the server's %d-byte "
                "request limit\n",
                SD_RPC_MAX_REQ_LARGE);
        rc = EX_DATAERR_;
        goto out;
    }
    req = malloc(n ? n : 1);
    if(!req) {
        rc = EX_TEMPFAIL_;
        goto out;
    }
    sealdesk__v1__intake_mail_request__pack(&q, req);
    /* Walk the --server list (issue 18). The mail is sent again only when the last attempt
     * ran nothing on the server: the endpoint was unreachable (no connection, nothing sent),
     * or a node answered UNAVAILABLE with no reply message: a follower refuses a write at the
     * gate before running it, and a leader that lost its commit answers UNAVAILABLE for a
     * batch that is not in the log (it never appears). Even a repeat that did run is
     * harmless: SubmitMail is idempotent by the mail's Message-ID (src/intake/intake.c looks
     * the key up in the same LMDB txn and answers DUPLICATE, nothing stored twice). Once any
     * part of an answer arrived, or the connection broke after the request was sent, the
     * call is never repeated here: exit 75 and the MTA retries later. */
    sd_follow_init(&fl, eps);
    for(unsigned hop = 0;; hop++) {
        err = submit_once(o, fl.target, md, req, n, &res, &status, msg, sizeof(msg), &sent);
        if(res || hop + 1 >= MAX_HOPS || eps->n == 1)
            break;
        if(sent && (err != SD_OK || status != SD_GRPC_UNAVAILABLE))
            break;
        if(sd_follow_next(&fl, sent ? msg : NULL)) {
            struct timespec ts = {0, HOP_PAUSE_MS * 1000000L};

            nanosleep(&ts, NULL);
        }
    }
    if(err != SD_OK && !sent) {
        fprintf(stderr, "sealmailgate: cannot reach the server: %s\n", msg);
        rc = EX_TEMPFAIL_;
        goto out;
    }
    if(err != SD_OK) {
        fprintf(stderr, "sealmailgate: call failed: %s\n", msg);
        rc = EX_TEMPFAIL_;
        goto out;
    }
    rc = exit_of_status(status);
    if(status != SD_GRPC_OK) {
        fprintf(stderr, "sealmailgate: server refused (status %d): %s\n", status, msg);
        goto out;
    }
    if(!res) {
        fprintf(stderr, "sealmailgate: empty answer from the server\n");
        rc = EX_TEMPFAIL_;
        goto out;
    }
    report(res->outcome, res->reference);
out:
    if(res)
        sealdesk__v1__intake_mail_result__free_unpacked(res, NULL);
    if(req)
        sodium_memzero(req, n);
    free(req);
    free(att);
    free(atp);
    sodium_memzero(auth, sizeof(auth));
    return rc;
}

int
main(int argc, char **argv)
{
    static const struct rlimit nocore = {0, 0};
    struct sd_args a = {.tool = "sealmailgate",
                        .spec = spec,
                        .n_spec = sizeof(spec) / sizeof(spec[0]),
                        .max_pos = 0};
    struct sd_mail_limits lim;
    struct sd_mail *m = NULL;
    uint8_t *raw = NULL;
    size_t n = 0;
    char why[256];
    const char *server, *ca, *token, *cert, *cert_key, *data;
    struct sd_endpoints eps = {.n = 0};
    bool offline;
    int rc;
    sd_err err;

    if(sd_tool_meta("sealmailgate", usage, argc, argv, &rc))
        return rc;
    if(sd_args_parse(&a, argc - 1, argv + 1) != 0)
        return EX_USAGE_;
    if(a.help) {
        (void)fputs(usage, stdout);
        return EX_OK_;
    }
    /* Customer data passes through this process: no core dumps. */
    setrlimit(RLIMIT_CORE, &nocore);
    prctl(PR_SET_DUMPABLE, 0);
    sd_log_set_level(SD_LOG_ERROR);
    offline = sd_args_count(&a, "offline") > 0;
    data = opt_env(&a, "data", "SEALDESK_DATA");
    server = sd_args_get(&a, "server");
    ca = opt_env(&a, "ca", "SEALDESK_CA");
    token = opt_env(&a, "token", "SEALDESK_TOKEN");
    cert = sd_args_get(&a, "cert");
    cert_key = sd_args_get(&a, "cert-key");
    if(offline && server) {
        fprintf(stderr, "sealmailgate: --server and --offline exclude each other\n");
        return EX_USAGE_;
    }
    if(!offline && !server)
        server = getenv("SEALDESK_SERVER");
    if(offline ? !data : (!server || !ca)) {
        fprintf(stderr, "sealmailgate: need --offline --data DIR, or --server and --ca\n%s", usage);
        return EX_USAGE_;
    }
    if(!offline && (!cert) != (!cert_key)) {
        fprintf(stderr, "sealmailgate: --cert and --cert-key go together\n");
        return EX_USAGE_;
    }
    if(!offline && sd_endpoints_parse(&eps, server, "--server", why, sizeof(why)) != SD_OK) {
        fprintf(stderr, "sealmailgate: %s\n", why);
        return EX_USAGE_;
    }
    if(!offline && !token) {
        fprintf(stderr, "sealmailgate: --token is required (a client certificate binds it)\n");
        return EX_USAGE_;
    }
    if(sd_crypto_init() != SD_OK) {
        fprintf(stderr, "sealmailgate: libsodium failed to initialise\n");
        return EX_SOFTWARE_;
    }
    sd_mail_limits_default(&lim);
    if(sd_args_get(&a, "max-message-mb")) {
        const char *v = sd_args_get(&a, "max-message-mb");
        char *end = NULL;
        unsigned long mb = strtoul(v, &end, 10);

        if(!*v || *end || *v < '0' || *v > '9' || mb < 1 || mb > 64) {
            fprintf(stderr, "sealmailgate: --max-message-mb must be 1..64\n");
            return EX_USAGE_;
        }
        lim.max_message_bytes = (size_t)mb << 20;
    }
    rc = read_all(&raw, &n, lim.max_message_bytes);
    if(rc != 0)
        return rc;
    err = sd_mail_parse(raw, n, &lim, &m, why, sizeof(why));
    sodium_memzero(raw, n);
    free(raw);
    if(err != SD_OK) {
        fprintf(stderr, "sealmailgate: refused: %s\n", why);
        return err == SD_E_NOMEM ? EX_TEMPFAIL_ : EX_DATAERR_;
    }
    rc = check_fits(m);
    if(rc == 0) {
        if(offline) {
            rc = deliver_offline(data, opt_env(&a, "key-file", "SEALDESK_KEY_FILE"), m);
        } else {
            struct sd_grpc_client_opts o = {server, ca, cert, cert_key, NULL};

            rc = deliver_online(&o, &eps, token, m);
        }
    }
    sd_mail_free(m);
    return rc;
}
