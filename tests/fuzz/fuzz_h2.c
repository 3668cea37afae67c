/* libFuzzer harness for the HTTP/2 gRPC server session (src/rpc/h2.c) without TLS: the client
 * preface is fed first, then the input as raw frames in pieces whose sizes come from the first
 * input byte. Requests that reach "the handler" are answered by a dummy one (echo, streaming,
 * error with an odd message, unknown method) right after each piece, the way the event loop
 * answers completions, and every byte the session wants to send is drained. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_int.h"
#include "sealdesk/log.h"
#include "sealdesk/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct pending {
    struct sd_h2_job *head;
    size_t n;
};

static sd_err
submit(void *ctx, struct sd_h2_job *job)
{
    struct pending *p = ctx;

    if(p->n >= 8)
        return SD_E_LIMIT; /* exercises the "server busy" path */
    job->next = p->head;
    p->head = job;
    p->n++;
    return SD_OK;
}

static void
handler(void *app, struct sd_rpc_call *c)
{
    (void)app;
    if(strcmp(c->method, "/t.S/Echo") == 0) {
        if(sd_rpc_call_reply(c, c->req, c->req_len) == SD_OK)
            sd_rpc_call_status(c, SD_GRPC_OK, "%s", "");
        else
            sd_rpc_call_status(c, SD_GRPC_RESOURCE_EXHAUSTED, "no");
    } else if(strcmp(c->method, "/t.S/Stream") == 0) {
        for(int i = 0; i < 3; i++)
            (void)sd_rpc_call_reply(c, c->req, c->req_len);
        sd_rpc_call_status(c, SD_GRPC_OK, "%s", "");
    } else if(strcmp(c->method, "/t.S/Fail") == 0) {
        sd_rpc_call_status(c, SD_GRPC_INVALID_ARGUMENT, "bad %s", "100%\n\xe6\x9c\xaa");
    } else if(strcmp(c->method, "/t.S/NoStatus") == 0) {
        c->status = 99;
    } else {
        sd_rpc_call_status(c, SD_GRPC_UNIMPLEMENTED, "unknown method");
    }
}

static int
drain(struct sd_h2 *h, struct sd_buf *out)
{
    sd_err e;

    do {
        out->len = 0;
        e = sd_h2_send(h, out, 65536);
    } while(e == SD_OK && out->len > 0);
    return e == SD_OK ? 0 : -1;
}

static void
run_jobs(struct sd_h2 *h, struct pending *p)
{
    while(p->head) {
        struct sd_h2_job *j = p->head;

        p->head = j->next;
        p->n--;
        sd_h2_job_run(j, handler, NULL);
        sd_h2_complete(h, j);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pending p = {NULL, 0};
    struct sd_h2_opts o = {submit, &p, "CN=fuzz client", NULL, 1};
    struct sd_h2 *h = NULL;
    struct sd_buf out = SD_BUF_INIT;
    size_t chunk;
    size_t pos = 0;

    sd_log_set_level(SD_LOG_ERROR);
    if(size < 1)
        return 0;
    chunk = 1 + data[0] * 64u; /* 1 .. 16321 bytes per recv */
    data++;
    size--;
    if(sd_h2_new(&h, &o) != SD_OK)
        abort();
    if(sd_h2_recv(h, preface, sizeof(preface) - 1) != SD_OK)
        abort();
    while(pos < size) {
        size_t n = size - pos < chunk ? size - pos : chunk;

        if(sd_h2_recv(h, data + pos, n) != SD_OK)
            break;
        pos += n;
        run_jobs(h, &p);
        sd_h2_tick(h, sd_rpc_now_ms() + 3600u * 1000u); /* expire every deadline */
        if(drain(h, &out) != 0 || sd_h2_done(h))
            break;
    }
    run_jobs(h, &p);
    sd_h2_shutdown(h);
    (void)drain(h, &out);
    /* Jobs submitted but never answered (session gone) are freed by their holder. */
    while(p.head) {
        struct sd_h2_job *j = p.head;

        p.head = j->next;
        sd_h2_job_free(j);
    }
    sd_h2_free(h);
    sd_buf_free(&out);
    return 0;
}
