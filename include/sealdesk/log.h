/* One-line structured logging to stderr: `ts=... level=... ev=EVENT k=v ...`.
 * The API takes an event word and a preformatted k=v string of ids and codes only: never pass
 * PII or secrets (ticket ids, key versions and error names are fine). Thread-safe. */
#ifndef SEALDESK_LOG_H
#define SEALDESK_LOG_H

enum sd_log_level {
    SD_LOG_ERROR,
    SD_LOG_WARN,
    SD_LOG_INFO,
    SD_LOG_DEBUG
};

void sd_log_set_level(enum sd_log_level lvl);
void sd_log(enum sd_log_level lvl, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
