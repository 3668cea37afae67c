/* mail_bench: messages/s through sd_mail_parse for a typical ~20 KiB customer message
 * (multipart/alternative zh text + HTML, a quoted reply, a small PNG screenshot). A figure for
 * the README, not a test. Usage: mail_bench [SECONDS] [FILE.eml]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sealdesk/buf.h"
#include "sealdesk/mail.h"

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sd_err
build(struct sd_buf *b)
{
    static const char png[] =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJ"
        "RU5ErkJggg==";
    sd_err rc = SD_OK;

    rc = rc != SD_OK ? rc
                     : sd_buf_append_str(
                           b, "From: =?UTF-8?B?5byg5Lyf?= <zhang.wei@example.com>\r\n"
                              "To: support@desk.example\r\n"
                              "Subject: =?UTF-8?B?5o+Q546w5pyq5Yiw6LSm?= [SD-000123]\r\n"
                              "Date: Tue, 5 Mar 2024 10:00:00 +0800\r\n"
                              "Message-ID: <bench-1@example.com>\r\n"
                              "In-Reply-To: <sd-123-1@desk.example>\r\n"
                              "References: <sd-123-1@desk.example>\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: multipart/mixed; boundary=\"M\"\r\n\r\n"
                              "--M\r\nContent-Type: multipart/alternative; boundary=\"A\"\r\n\r\n"
                              "--A\r\nContent-Type: text/plain; charset=utf-8\r\n"
                              "Content-Transfer-Encoding: 8bit\r\n\r\n");
    for(int i = 0; i < 75; i++)
        rc = rc != SD_OK
                 ? rc
                 : sd_buf_append_str(
                       b,
                       "您好，我的 USDT 提现已经 20 个小时还没有到账，TXID 是 "
                       "0x3f5a9c1e7b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a。\r\n");
    rc = rc != SD_OK
             ? rc
             : sd_buf_append_str(
                   b, "\r\n在 2024年3月5日 09:00，Support <support@desk.example> 写道：\r\n");
    for(int i = 0; i < 40; i++)
        rc = rc != SD_OK ? rc : sd_buf_append_str(b, "> 我们正在核实您的提现，请耐心等待。\r\n");
    rc = rc != SD_OK ? rc
                     : sd_buf_append_str(
                           b, "--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body>");
    for(int i = 0; i < 75; i++)
        rc =
            rc != SD_OK
                ? rc
                : sd_buf_append_str(b, "<p>您好，我的 USDT 提现已经 20 个小时还没有到账。</p>\r\n");
    rc |=
        sd_buf_append_str(b, "</body></html>\r\n--A--\r\n--M\r\nContent-Type: image/png; "
                             "name=\"shot.png\"\r\nContent-Disposition: attachment; "
                             "filename=\"shot.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    rc = rc != SD_OK ? rc : sd_buf_append_str(b, png);
    rc = rc != SD_OK ? rc : sd_buf_append_str(b, "\r\n--M--\r\n");
    return rc;
}

int
main(int argc, char **argv)
{
    double secs = argc > 1 ? strtod(argv[1], NULL) : 3.0;
    struct sd_buf msg = SD_BUF_INIT;
    double t0, t;
    size_t n = 0;

    if(argc > 2) {
        FILE *f = fopen(argv[2], "rb");
        char chunk[65536];
        size_t r;

        if(!f)
            return 2;
        while((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
            sd_buf_append(&msg, chunk, r);
        (void)fclose(f);
    } else if(build(&msg) != SD_OK) {
        return 1;
    }
    t0 = now();
    do {
        struct sd_mail *m = NULL;
        char why[256];

        if(sd_mail_parse(msg.data, msg.len, NULL, &m, why, sizeof(why)) != SD_OK) {
            (void)fprintf(stderr, "mail_bench: refused: %s\n", why);
            return 1;
        }
        sd_mail_free(m);
        n++;
        t = now();
    } while(t - t0 < secs);
    printf("mail_bench: %zu-byte message, %zu parses in %.2f s: %.0f messages/s, %.1f us each\n",
           msg.len, n, t - t0, (double)n / (t - t0), (t - t0) / (double)n * 1e6);
    sd_buf_free(&msg);
    return 0;
}
