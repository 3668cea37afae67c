/* libFuzzer harness for src/text/triage.c: the input is parsed as a rules file and, split at the
 * first NUL byte into subject and body, classified with the default rules (first byte's low
 * bit picks VIP). Build: clang -fsanitize=fuzzer,address,undefined (CMake SD_FUZZ=ON). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sd_triage_rules *defaults;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sd_triage_rules *r = NULL;
    struct sd_triage_result res;
    size_t line = 0;
    const uint8_t *nul;
    const char *subj = (const char *)data;
    const char *body = "";
    size_t slen = size;
    size_t blen = 0;
    sd_err err;

    if(!defaults && sd_triage_rules_default(&defaults) != SD_OK)
        abort(); /* the embedded rules must always parse */

    err = sd_triage_rules_parse(&r, (const char *)data, size, &line);
    if(err == SD_OK) {
        if(!r || line != 0)
            abort();
        /* Classify the rules text with itself too: exercises user-written automata. */
        if(sd_triage_classify(r, "", 0, (const char *)data, size, false, &res) == SD_OK &&
           (res.priority < 1 || res.priority > 4 || res.n_signals > SD_TRIAGE_MAX_SIGNALS))
            abort();
        sd_triage_rules_free(r);
    } else if(r) {
        abort();
    }

    nul = memchr(data, 0, size);
    if(nul) {
        slen = (size_t)(nul - data);
        body = (const char *)nul + 1;
        blen = size - slen - 1;
    }
    err = sd_triage_classify(defaults, subj, slen, body, blen, size > 0 && (data[0] & 1), &res);
    if(err == SD_OK) {
        if(res.priority < 1 || res.priority > 4 || (unsigned)res.category >= SD_CAT_COUNT ||
           res.n_signals > SD_TRIAGE_MAX_SIGNALS)
            abort();
        if(res.fund_safety && (res.category != SD_CAT_SECURITY || res.priority != 1))
            abort();
        for(size_t i = 0; i < res.n_signals; i++) {
            if(!memchr(res.signals[i], 0, sizeof(res.signals[i])))
                abort();
        }
    } else if(err != SD_E_INVALID && err != SD_E_LIMIT) {
        abort();
    }
    return 0;
}
