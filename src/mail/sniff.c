/* Attachments typed by their bytes (libmagic MAGIC_MIME_TYPE), not by what the sender
 * declared, and the allow-list the desk keeps. One magic handle per process, loaded on first
 * use (pthread_once) and never closed; libmagic handles are not thread-safe, so every lookup
 * holds a mutex (a lookup of a few KiB takes microseconds; the bench shows the cost). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <magic.h>

#include "mail/mail_int.h"
#include "sealdesk/mail.h"

static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_handle;

static void
magic_init(void)
{
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR);

    if(m && magic_load(m, NULL) != 0) {
        magic_close(m);
        m = NULL;
    }
    magic_handle = m;
}

void
sd_mail_sniff(char *out, size_t cap, const uint8_t *data, size_t n)
{
    const char *t = NULL;

    pthread_once(&magic_once, magic_init);
    pthread_mutex_lock(&magic_lock);
    if(magic_handle)
        t = magic_buffer(magic_handle, data, n);
    (void)snprintf(out, cap, "%s", t ? t : "application/octet-stream");
    pthread_mutex_unlock(&magic_lock);
}

bool
sd_mail_attachment_allowed(const struct sd_mail_attachment *a, const char **why)
{
    static const char *const images[] = {"image/png", "image/jpeg", "image/gif", "image/webp"};
    const char *t;

    if(why)
        *why = NULL;
    if(!a || !a->sniffed_type) {
        if(why)
            *why = "attachment: no type";
        return false;
    }
    t = a->sniffed_type;
    for(size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
        if(strcmp(t, images[i]) == 0)
            return true;
    if(strcmp(t, "application/pdf") == 0)
        return true;
    if(strcmp(t, "text/plain") == 0) {
        /* Text the sender declared as something else (a message, a script) is not kept. */
        const char *d = a->declared_type ? a->declared_type : "";

        if(strcmp(d, "text/plain") == 0 || strcmp(d, "application/octet-stream") == 0)
            return true;
        if(why)
            *why = "attachment type not allowed: text declared as another type";
        return false;
    }
    if(why) {
        if(strncmp(t, "image/", 6) == 0)
            *why = "attachment type not allowed: only png, jpeg, gif and webp images are kept";
        else if(strstr(t, "zip") || strstr(t, "x-dosexec") || strstr(t, "executable") ||
                strstr(t, "x-sh") || strstr(t, "javascript") || strstr(t, "x-msdownload"))
            *why = "attachment type not allowed: archives and programs are refused";
        else
            *why = "attachment type not allowed: only images, PDF and plain text are kept";
    }
    return false;
}
