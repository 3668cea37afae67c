/* Reading passwords without argv (issue 13): a command line is visible to every local user in
 * /proc/PID/cmdline, so sealctl takes passwords from a prompt on the terminal (echo off), from
 * stdin (--password-stdin) or from a file descriptor (--password-fd N), one per line. Read
 * byte by byte, so several secrets can follow each other on one stream. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "sealdesk/authz.h"

/* One line from fd (without the newline, a trailing '\r' dropped). false on an empty stream,
 * a read error or a line too long for cap. */
static bool
read_line(int fd, char *out, size_t cap)
{
    size_t n = 0;
    bool any = false;

    for(;;) {
        char ch;
        ssize_t r = read(fd, &ch, 1);

        if(r < 0 && errno == EINTR)
            continue;
        if(r <= 0)
            break;
        any = true;
        if(ch == '\n')
            break;
        if(n + 1 >= cap) {
            sodium_memzero(out, cap);
            return false;
        }
        out[n++] = ch;
    }
    if(n && out[n - 1] == '\r')
        n--;
    out[n] = 0;
    return any && n > 0;
}

int
cli_secret_source(const struct cli *c, int *fd, bool *tty)
{
    const char *v = cli_get(c, "password-fd");

    *tty = false;
    if(v && cli_has(c, "password-stdin"))
        return cli_usage("give one of --password-stdin and --password-fd");
    if(v) {
        char *end;
        long n;

        errno = 0;
        n = strtol(v, &end, 10);
        if(errno || *end || end == v || n < 0 || n > 1024 || fcntl((int)n, F_GETFD) < 0)
            return cli_usage("--password-fd needs an open file descriptor number");
        *fd = (int)n;
        return 0;
    }
    if(cli_has(c, "password-stdin")) {
        *fd = STDIN_FILENO;
        return 0;
    }
    if(!isatty(STDIN_FILENO))
        return cli_usage("no terminal to prompt on: use --password-stdin or --password-fd N");
    *fd = STDIN_FILENO;
    *tty = true;
    return 0;
}

int
cli_secret_read(int fd, bool tty, const char *prompt, char *out, size_t cap)
{
    struct termios old, quiet;
    bool ok, echo_off = false;

    if(tty) {
        (void)fprintf(stderr, "%s", prompt); /* a prompt that fails to show is still asked */
        (void)fflush(stderr);
        if(tcgetattr(fd, &old) == 0) {
            quiet = old;
            quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
            echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
        }
    }
    ok = read_line(fd, out, cap);
    if(echo_off) {
        (void)tcsetattr(fd, TCSAFLUSH, &old); /* nothing better to do if echo stays off */
        (void)fputc('\n', stderr);
    }
    if(!ok) {
        sodium_memzero(out, cap);
        fprintf(stderr,
                "INVALID_ARGUMENT: %s: no password read (one line, at most %zu "
                "bytes)\n",
                prompt, cap - 1);
        return 1;
    }
    return 0;
}

int
cli_passwd_read(const struct cli *c, char *old, char *new_pw, size_t cap)
{
    char again[SD_PASSWORD_MAX + 2];
    bool tty = false;
    int rc, fd = -1;

    rc = cli_secret_source(c, &fd, &tty);
    if(rc)
        return rc;
    rc = cli_secret_read(fd, tty, "Current password: ", old, cap);
    if(!rc)
        rc = cli_secret_read(fd, tty, "New password: ", new_pw, cap);
    if(!rc && tty) {
        rc = cli_secret_read(fd, tty, "New password again: ", again, sizeof(again));
        if(!rc && strcmp(again, new_pw) != 0) {
            fprintf(stderr, "INVALID_ARGUMENT: new_password: the two entries differ\n");
            rc = 1;
        }
        sodium_memzero(again, sizeof(again));
    }
    if(rc) {
        sodium_memzero(old, cap);
        sodium_memzero(new_pw, cap);
    }
    return rc;
}
