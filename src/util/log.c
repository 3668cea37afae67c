/* The logger of STYLE.md section 7: one line per event, fixed keys, ids and codes only. */
#include <stdarg.h>
#include <stdio.h>

#include "sealdesk/clock.h"
#include "sealdesk/log.h"

static enum sd_log_level max_level = SD_LOG_INFO;

void
sd_log_set_level(enum sd_log_level lvl)
{
    max_level = lvl;
}

void
sd_log(enum sd_log_level lvl, const char *event, const char *fmt, ...)
{
    static const char *names[] = {"error", "warn", "info", "debug"};
    char ts[32];
    char msg[512];
    va_list ap;

    if(lvl > max_level)
        return;
    sd_time_format(ts, sizeof(ts), sd_clock_now());
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap); /* a longer message is cut: fine */
    va_end(ap);
    /* One fprintf call: stdio locks the stream, so lines from threads do not interleave. */
    fprintf(stderr, "ts=%s level=%s ev=%s %s\n", ts, names[lvl], event, msg);
}
