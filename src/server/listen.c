/* TCP listeners for the RPC server and the metrics endpoint: "host:port" / "[v6]:port"
 * parsing, the loopback rule and bind/listen, in one place (server.h sd_listen_tcp). */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sealdesk/server.h"
#include "util/err_int.h"

static bool
addr_is_loopback(const struct sockaddr *sa)
{
    if(sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if(sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        const uint8_t *b = in6->sin6_addr.s6_addr;

        if(IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127;
    }
    return false;
}

/* "host:port" or "[v6]:port" into its parts; the port is 1-5 digits, at most 65535. */
static sd_err
split_addr(const char *addr, char *host, size_t hcap, char *port, size_t pcap)
{
    sd_err err = SD_OK;
    const char *colon;
    const char *h = addr;
    size_t hl, pl;

    if(addr[0] == '[') {
        const char *rb = strchr(addr, ']');

        SD_CHECK_ARG(rb && rb[1] == ':');
        h = addr + 1;
        hl = (size_t)(rb - h);
        colon = rb + 1;
    } else {
        colon = strrchr(addr, ':');
        SD_CHECK_ARG(colon);
        hl = (size_t)(colon - addr);
    }
    pl = strlen(colon + 1);
    SD_CHECK_ARG(hl > 0 && hl < hcap && pl > 0 && pl < pcap && pl <= 5);
    for(const char *p = colon + 1; *p; p++)
        SD_CHECK_ARG(*p >= '0' && *p <= '9');
    memcpy(host, h, hl);
    host[hl] = 0;
    memcpy(port, colon + 1, pl + 1);
    SD_CHECK_ARG(strtoul(port, NULL, 10) <= 65535); /* 1..5 digits, checked above */
out:
    return err;
}

sd_err
sd_listen_tcp(const char *addr, unsigned flags, int backlog, int *fd_out, int *port_out)
{
    sd_err err = SD_OK;
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[128];
    char port[8];
    int one = 1, lfd = -1;

    SD_CHECK_ARG(addr && fd_out && port_out);
    SD_TRY(split_addr(addr, host, sizeof(host), port, sizeof(port)));
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if(flags & SD_LISTEN_NUMERIC_HOST)
        hints.ai_flags |= AI_NUMERICHOST;
    SD_ENSURE(getaddrinfo(host, port, &hints, &res) == 0 && res, SD_E_INVALID);
    if(flags & SD_LISTEN_LOOPBACK_ONLY) {
        for(struct addrinfo *ai = res; ai; ai = ai->ai_next)
            SD_ENSURE(addr_is_loopback(ai->ai_addr), SD_E_DENIED);
    }
    err = SD_E_IO;
    for(struct addrinfo *ai = res; ai && lfd < 0; ai = ai->ai_next) {
        int fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);

        if(fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if(bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
            close(fd);
            continue;
        }
        lfd = fd;
        err = SD_OK;
    }
    SD_TRY(err);
    SD_ENSURE(getsockname(lfd, (struct sockaddr *)&ss, &len) == 0, SD_E_IO);
    /* getsockname above filled ss; the analyzer has no model of it. */
    // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult)
    *port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port
                                               : ((struct sockaddr_in *)(void *)&ss)->sin_port);
    *fd_out = lfd;
    lfd = -1;
out:
    if(lfd >= 0)
        close(lfd);
    if(res)
        freeaddrinfo(res);
    return err;
}
