/* sealdesk enum names: the one shape behind every name/parse pair of an enum (sd_channel_name /
 * sd_channel_parse, sd_status_*, sd_category_*, sd_remedy_kind_*, ...). A table is a static
 * array of names indexed by value, written with designated initialisers; a NULL entry (such as
 * index 0 of an enum that starts at 1) is a value without a name. */
#ifndef SEALDESK_ENUM_H
#define SEALDESK_ENUM_H

#include <stddef.h>

#include "sealdesk/err.h"

/* Entries of a name table (an array, not a pointer). */
#define SD_ENUM_N(table) (sizeof(table) / sizeof((table)[0]))

/* The name of value v in table (n entries): a static string from the table, or "unknown" when v
 * is negative, >= n or a NULL entry. Never NULL. */
const char *sd_enum_name(const char *const *table, size_t n, int v);
/* The value whose name is s (exact, case-sensitive): *out set and SD_OK; SD_E_INVALID when s is
 * NULL or names nothing (*out untouched). */
sd_err sd_enum_parse(const char *const *table, size_t n, const char *s, int *out);
/* The same for the len bytes at s (need not be NUL-terminated). */
sd_err sd_enum_parse_n(const char *const *table, size_t n, const char *s, size_t len, int *out);

#endif
