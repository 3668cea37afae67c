/* libFuzzer harness for src/mail: the input is parsed as a whole message (default limits and
 * tight ones), then wrapped as the text/html body of a minimal message (HTML reduction and
 * quoted-history trimming). A returned message must have every text field valid UTF-8
 * without NUL (sd_text_valid) and its helpers must agree with it; anything else aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/mail.h"
#include "sealdesk/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
need(bool c)
{
    if(!c)
        abort();
}

static void
need_text(const char *s)
{
    need(s != NULL);
    need(sd_text_valid(s, strlen(s)));
}

static void
check(const struct sd_mail *m)
{
    const char *ids[16];
    size_t n = 0;
    uint64_t id;

    need_text(m->from.addr);
    need_text(m->from.name);
    need_text(m->subject);
    need_text(m->message_id);
    need_text(m->in_reply_to);
    need_text(m->body);
    need_text(m->quoted);
    need_text(m->signature);
    need_text(m->bounce_message_id);
    need_text(m->return_path);
    need_text(m->list_id);
    for(size_t i = 0; i < m->n_references; i++)
        need_text(m->references[i]);
    for(size_t i = 0; i < m->n_to; i++)
        need_text(m->to[i].addr);
    for(size_t i = 0; i < m->n_cc; i++)
        need_text(m->cc[i].name);
    for(size_t i = 0; i < m->n_attachments; i++) {
        const struct sd_mail_attachment *a = &m->attachments[i];

        need_text(a->filename);
        need_text(a->sniffed_type);
        need(!strchr(a->filename, '/') && !strchr(a->filename, '\\'));
        need(a->data != NULL);
        (void)sd_mail_attachment_allowed(a, NULL);
    }
    need(sd_mail_refs(m, ids, 16, &n) == SD_OK && n <= 16);
    if(sd_mail_ticket_ref(m->subject, &id) == SD_OK)
        need(id > 0);
}

static void
one(const uint8_t *data, size_t size, const struct sd_mail_limits *lim)
{
    struct sd_mail *m = NULL;
    char why[256];
    sd_err err = sd_mail_parse(data, size, lim, &m, why, sizeof(why));

    if(err == SD_OK) {
        check(m);
    } else {
        need(m == NULL);
        need(why[0] != '\0');
    }
    sd_mail_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] = "From: f@example.com\nContent-Type: text/html; charset=utf-8\n\n";
    struct sd_mail_limits tight;
    uint8_t *wrapped;

    if(size > ((size_t)1 << 20))
        return 0;
    one(data, size, NULL);
    sd_mail_limits_default(&tight);
    tight.max_parts = 8;
    tight.max_depth = 3;
    tight.max_headers = 16;
    tight.max_references = 2;
    tight.max_text_bytes = 4096;
    tight.max_attachment_bytes = 1024;
    tight.max_filename_bytes = 8;
    one(data, size, &tight);
    wrapped = malloc(sizeof(head) - 1 + size + 1);
    if(!wrapped)
        return 0;
    memcpy(wrapped, head, sizeof(head) - 1);
    if(size)
        memcpy(wrapped + sizeof(head) - 1, data, size);
    one(wrapped, sizeof(head) - 1 + size, NULL);
    free(wrapped);
    return 0;
}
