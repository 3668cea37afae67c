/* Table-driven enum names (sealdesk/enum.h): every name/parse pair of the library goes through
 * these, so a bound check or a NULL gap is handled once. */
#include <limits.h>
#include <string.h>

#include "sealdesk/enum.h"
#include "sealdesk/err.h"

const char *
sd_enum_name(const char *const *table, size_t n, int v)
{
    if(!table || v < 0 || (size_t)v >= n || !table[v])
        return "unknown";
    return table[v];
}

sd_err
sd_enum_parse_n(const char *const *table, size_t n, const char *s, size_t len, int *out)
{
    if(!table || !s || !out)
        return SD_E_INVALID;
    for(size_t i = 0; i < n && i <= INT_MAX; i++) {
        if(table[i] && strlen(table[i]) == len && memcmp(table[i], s, len) == 0) {
            *out = (int)i;
            return SD_OK;
        }
    }
    return SD_E_INVALID;
}

sd_err
sd_enum_parse(const char *const *table, size_t n, const char *s, int *out)
{
    if(!s)
        return SD_E_INVALID;
    return sd_enum_parse_n(table, n, s, strlen(s), out);
}
