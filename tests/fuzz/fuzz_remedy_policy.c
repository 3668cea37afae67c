/* libFuzzer harness for the remedy policy parser (desk/remedy.c, format in data/remedy.policy):
 * any text either parses into a policy whose answers stay in range or is refused with a line
 * number inside the text. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sealdesk/remedy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sd_remedy_policy *p = NULL;
    const char *why = NULL;
    size_t line = 0, lines = 1;
    sd_err err = sd_remedy_policy_parse(&p, (const char *)data, size, &line, &why);

    for(size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if(err != SD_OK) {
        if(p || !why || line > lines)
            abort();
        return 0;
    }
    if(!p)
        abort();
    for(int k = SD_RK_COMPENSATION; k < SD_RK_COUNT; k++) {
        uint64_t v = 0;
        bool priced = false;
        unsigned q;

        (void)sd_remedy_policy_value(p, "BTC", "1.5", &v, &priced);
        q = sd_remedy_policy_quorum(p, (enum sd_remedy_kind)k, priced, v);
        if(q > SD_REMEDY_MAX_QUORUM)
            abort();
    }
    sd_remedy_policy_free(p);
    return 0;
}
