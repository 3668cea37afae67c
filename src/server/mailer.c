/* The outbox sender of sealdeskd (issue 15): a thread that takes due outbox records (leased in
 * one txn), renders each (src/outbox/render.c) and hands it to the configured relay over SMTP
 * with libcurl, then records the outcome (delivered, retry with backoff, failed) with its
 * audit entry and timeline event. The guarantee is at-least-once with the same Message-ID: a
 * crash after the relay's 250 and before the `delivered` commit re-sends the same bytes after
 * restart (sd_desk_mail_start). Logs carry record ids and SMTP codes, never addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "sealdesk/clock.h"
#include "sealdesk/desk_mail.h"
#include "sealdesk/log.h"
#include "sealdesk/server.h"
#include "util/err_int.h"

#define BATCH           16
#define IDLE_WAIT_MS    500
#define CONNECT_TIMEOUT 10L
#define SEND_TIMEOUT    60L

struct sd_mailer {
    struct sd_desk *d;
    char url[300];
    char from[256];
    char from_path[260]; /* "<from>" */
    unsigned tls;
    CURL *curl;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    uint64_t delivered, failed, retried; /* guarded by mu */
};

struct reader {
    const uint8_t *p;
    size_t n, off;
};

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
    struct reader *r = ud;
    size_t room = size * nitems, k = r->n - r->off;

    if(k > room)
        k = room;
    memcpy(buf, r->p + r->off, k);
    r->off += k;
    return k;
}

/* host:port (host may be [v6]) -> host, port; false when malformed. */
static bool
split_hostport(const char *s, char *host, size_t cap, unsigned *port)
{
    const char *colon;
    char *end;
    unsigned long p;
    size_t hl;

    if(s[0] == '[') {
        const char *rb = strchr(s, ']');

        if(!rb || rb[1] != ':')
            return false;
        hl = (size_t)(rb - s - 1);
        if(hl == 0 || hl >= cap)
            return false;
        memcpy(host, s + 1, hl);
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if(!colon)
            return false;
        hl = (size_t)(colon - s);
        if(hl == 0 || hl >= cap || memchr(s, ':', hl))
            return false;
        memcpy(host, s, hl);
    }
    host[hl] = 0;
    for(size_t i = 0; i < hl; i++) {
        unsigned char c = (unsigned char)host[i];

        if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '.' || c == ':'))
            return false;
    }
    errno = 0;
    p = strtoul(colon + 1, &end, 10);
    if(errno || *end || p == 0 || p > 65535 || colon[1] < '0' || colon[1] > '9')
        return false;
    *port = (unsigned)p;
    return true;
}

static bool
is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;

    if(strcmp(host, "localhost") == 0)
        return true;
    if(inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if(inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

sd_err
sd_mailer_check(const char *smtp, unsigned tls)
{
    char host[256];
    unsigned port;

    if(!smtp || !split_hostport(smtp, host, sizeof(host), &port))
        return SD_E_INVALID;
    if(tls > SD_SMTP_TLS_OFF)
        return SD_E_INVALID;
    /* Clear text only to a relay on this machine. */
    if(tls == SD_SMTP_TLS_OFF && !is_loopback(host))
        return SD_E_DENIED;
    return SD_OK;
}

/* One message over the (reused) connection. *code gets the relay's last reply code. */
static CURLcode
send_one(struct sd_mailer *m, const struct sd_outbox_rendered *r, long *code)
{
    struct curl_slist *rcpt = NULL;
    struct reader rd = {r->msg.data, r->msg.len, 0};
    char path[SD_OUTBOX_MAX_TO + 3];
    CURLcode rc;

    snprintf(path, sizeof(path), "<%s>", r->rcpt);
    rcpt = curl_slist_append(NULL, path);
    sodium_memzero(path, sizeof(path));
    if(!rcpt)
        return CURLE_OUT_OF_MEMORY;
    curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(m->curl, CURLOPT_READDATA, &rd);
    curl_easy_setopt(m->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->msg.len);
    rc = curl_easy_perform(m->curl);
    *code = 0;
    curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, code);
    curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, NULL);
    curl_slist_free_all(rcpt);
    return rc;
}

static void
deliver(struct sd_mailer *m, uint64_t id)
{
    struct sd_outbox_rendered r;
    struct sd_outbox_info info;
    enum sd_outbox_outcome o;
    double jitter = (double)randombytes_uniform(1000) / 1000.0;
    long code = 0;
    CURLcode rc = CURLE_OK;
    sd_err err = sd_desk_mail_render(m->d, id, m->from, &r);

    if(err == SD_E_SHREDDED) {
        o = SD_OUTBOX_SHREDDED;
    } else if(err != SD_OK) {
        sd_log(SD_LOG_WARN, "mail_render", "mail=%llu error=%s", (unsigned long long)id,
               sd_err_str(err));
        o = SD_OUTBOX_TEMPFAIL;
    } else {
        rc = send_one(m, &r, &code);
        sd_outbox_rendered_clear(&r);
        if(rc == CURLE_OK)
            o = SD_OUTBOX_OK;
        else if(code >= 500 && code < 600)
            o = SD_OUTBOX_PERMFAIL;
        else
            o = SD_OUTBOX_TEMPFAIL;
        if(rc != CURLE_OK)
            sd_log(SD_LOG_WARN, "mail_send", "mail=%llu smtp=%ld curl=%d", (unsigned long long)id,
                   code, (int)rc);
    }
    err = sd_desk_mail_outcome(m->d, id, o, code > 0 && code < 1000 ? (unsigned)code : 0, jitter,
                               &info);
    if(err != SD_OK) {
        /* The record stays leased; it is retried when the lease ends (same Message-ID). */
        sd_log(SD_LOG_WARN, "mail_outcome", "mail=%llu error=%s", (unsigned long long)id,
               sd_err_str(err));
        return;
    }
    pthread_mutex_lock(&m->mu);
    if(info.state == SD_OUTBOX_DELIVERED)
        m->delivered++;
    else if(info.state == SD_OUTBOX_FAILED)
        m->failed++;
    else
        m->retried++;
    pthread_mutex_unlock(&m->mu);
}

static void *
mailer_main(void *arg)
{
    struct sd_mailer *m = arg;

    for(;;) {
        uint64_t ids[BATCH];
        size_t n = 0;
        sd_err err;

        pthread_mutex_lock(&m->mu);
        if(m->stop) {
            pthread_mutex_unlock(&m->mu);
            break;
        }
        pthread_mutex_unlock(&m->mu);
        err = sd_desk_mail_take(m->d, sd_clock_now(), ids, BATCH, &n);
        if(err != SD_OK)
            sd_log(SD_LOG_WARN, "mail_take", "error=%s", sd_err_str(err));
        for(size_t i = 0; i < n; i++)
            deliver(m, ids[i]);
        if(n == 0 || err != SD_OK) {
            struct timespec until;

            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_nsec += IDLE_WAIT_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_mutex_lock(&m->mu);
            while(!m->stop && pthread_cond_timedwait(&m->cv, &m->mu, &until) != ETIMEDOUT)
                ;
            pthread_mutex_unlock(&m->mu);
        }
    }
    return NULL;
}

sd_err
sd_mailer_start(struct sd_mailer **out, struct sd_desk *d, const char *smtp, const char *from,
                unsigned tls)
{
    struct sd_mailer *m = NULL;
    pthread_condattr_t ca;
    char host[256];
    unsigned port = 0;
    const char *at;
    size_t recovered = 0;
    bool mu = false, cv = false;
    sd_err err = SD_OK;

    SD_CHECK_ARG(out && d && smtp && from);
    *out = NULL;
    SD_TRY(sd_mailer_check(smtp, tls));
    SD_CHECK_ARG(split_hostport(smtp, host, sizeof(host), &port));
    SD_CHECK_ARG(sd_outbox_addr_ok(from, strlen(from)) && strlen(from) < 250);
    at = strchr(from, '@');
    SD_ENSURE(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, SD_E_INTERNAL);
    m = calloc(1, sizeof(*m));
    SD_ENSURE(m, SD_E_NOMEM);
    m->d = d;
    m->tls = tls;
    snprintf(m->from, sizeof(m->from), "%s", from);
    snprintf(m->from_path, sizeof(m->from_path), "<%s>", from);
    snprintf(m->url, sizeof(m->url), strchr(host, ':') ? "smtp://[%s]:%u" : "smtp://%s:%u", host,
             port);
    /* Message-IDs of new records use the sender's domain; crashed attempts become due. */
    SD_TRY(sd_desk_mail_start(d, at + 1, &recovered));
    if(recovered)
        sd_log(SD_LOG_INFO, "mail_recover", "in_flight=%zu", recovered);
    m->curl = curl_easy_init();
    SD_ENSURE(m->curl, SD_E_NOMEM);
    curl_easy_setopt(m->curl, CURLOPT_URL, m->url);
    curl_easy_setopt(m->curl, CURLOPT_MAIL_FROM, m->from_path);
    curl_easy_setopt(m->curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(m->curl, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(m->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
    curl_easy_setopt(m->curl, CURLOPT_TIMEOUT, SEND_TIMEOUT);
    curl_easy_setopt(m->curl, CURLOPT_PROTOCOLS_STR, "smtp");
    curl_easy_setopt(m->curl, CURLOPT_USE_SSL,
                     tls == SD_SMTP_TLS_REQUIRED ? (long)CURLUSESSL_ALL
                     : tls == SD_SMTP_TLS_OFF    ? (long)CURLUSESSL_NONE
                                                 : (long)CURLUSESSL_TRY);
    SD_ENSURE(pthread_mutex_init(&m->mu, NULL) == 0, SD_E_NOMEM);
    mu = true;
    SD_ENSURE(pthread_condattr_init(&ca) == 0, SD_E_NOMEM);
    /* The waits' deadlines are CLOCK_MONOTONIC times: a condvar on another clock would see
     * them long past and spin. */
    cv =
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&m->cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    SD_ENSURE(cv, SD_E_NOMEM);
    SD_ENSURE(pthread_create(&m->thread, NULL, mailer_main, m) == 0, SD_E_NOMEM);
    *out = m;
    m = NULL;
out:
    if(m) {
        if(cv)
            pthread_cond_destroy(&m->cv);
        if(mu)
            pthread_mutex_destroy(&m->mu);
        if(m->curl)
            curl_easy_cleanup(m->curl);
        free(m);
    }
    return err;
}

void
sd_mailer_counts(struct sd_mailer *m, uint64_t *delivered, uint64_t *failed, uint64_t *retried)
{
    pthread_mutex_lock(&m->mu);
    *delivered = m->delivered;
    *failed = m->failed;
    *retried = m->retried;
    pthread_mutex_unlock(&m->mu);
}

void
sd_mailer_stop(struct sd_mailer *m)
{
    if(!m)
        return;
    pthread_mutex_lock(&m->mu);
    m->stop = true;
    pthread_cond_signal(&m->cv);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->thread, NULL);
    pthread_cond_destroy(&m->cv);
    pthread_mutex_destroy(&m->mu);
    curl_easy_cleanup(m->curl);
    free(m);
}
