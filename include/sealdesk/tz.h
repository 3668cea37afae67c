/* sealdesk time zones: UTC offsets at a moment from the system tz database (tzdata: TZif
 * files under $TZDIR, default /usr/share/zoneinfo, including the POSIX TZ rule at their end
 * for times past the last listed transition), so zones with daylight saving time
 * ("Europe/London", "America/New_York") give the offset in force at that moment. Fixed
 * offsets are written "UTC+09:00" / "UTC-05:30" ("UTC" alone is +00:00).
 *
 * Zones are read once per process and kept (at most SD_TZ_MAX_CACHED distinct names); every
 * function is thread-safe. */
#ifndef SEALDESK_TZ_H
#define SEALDESK_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"

#define SD_TZ_NAME_MAX   64  /* bytes of a zone name */
#define SD_TZ_MAX_CACHED 256 /* distinct zones loaded per process */
#define SD_TZ_FILE_MAX   (256 * 1024)

/* Offset (seconds east of UTC) of zone at Unix time t.
 * SD_E_INVALID: not a zone name (empty, too long, characters outside [A-Za-z0-9/_+-], "..",
 *               a malformed "UTC+HH:MM");
 * SD_E_NOTFOUND: no such zone in the tz database (or tzdata is not installed);
 * SD_E_STORE: the zone's file is malformed; SD_E_LIMIT: too many distinct zones. */
sd_err sd_tz_offset(const char *zone, int64_t t, int32_t *off_sec);
/* Parse the TZif bytes p[0..n) (what sd_tz_offset reads from a zone file; the fuzz harness
 * feeds it directly) and give the offset at t. SD_E_STORE for malformed bytes, SD_E_INVALID
 * past SD_TZ_FILE_MAX. Nothing is cached. */
sd_err sd_tz_parse_offset(const uint8_t *p, size_t n, int64_t t, int32_t *off_sec);
/* true (and *off_sec) when zone is a fixed offset: "UTC", "UTC+HH:MM", "UTC-HH:MM". */
bool sd_tz_fixed(const char *zone, int32_t *off_sec);

#endif
