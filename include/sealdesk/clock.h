/* Wall-clock time for the library. Tests set a fixed time instead of sleeping.
 * Times are Unix seconds (uint64_t) throughout sealdesk. */
#ifndef SEALDESK_CLOCK_H
#define SEALDESK_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"

/* Current time in Unix seconds, or the value set by sd_clock_set(). Thread-safe. */
uint64_t sd_clock_now(void);
/* Freeze the clock at t (t == 0 returns to the real clock). For tests and --now. */
void sd_clock_set(uint64_t t);
/* Monotonic milliseconds (CLOCK_MONOTONIC) for intervals such as the keyring's grace period,
 * or the value set by sd_clock_set_mono_ms(). Thread-safe. */
uint64_t sd_clock_mono_ms(void);
/* Freeze the monotonic clock at ms (0 returns to the real one), so a test moves time forward
 * instead of sleeping. */
void sd_clock_set_mono_ms(uint64_t ms);

/* "2026-11-25T06:44:26Z" into out (at least 21 bytes). t == 0 gives "". */
void sd_time_format(char *out, size_t outlen, uint64_t t);
/* Parse RFC 3339 "YYYY-MM-DDTHH:MM:SS" with "Z" or "+HH:MM"/"-HH:MM", optional fraction
 * (ignored). SD_E_INVALID on anything else. */
sd_err sd_time_parse(uint64_t *out, const char *s);

#endif
