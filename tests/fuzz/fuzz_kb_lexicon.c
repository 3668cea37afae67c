/* libFuzzer harness for the KB lexicon parser (kb/kb_lexicon.c, format in data/kb/README.md):
 * any text, read as a synonym file and as a stop file, either parses or is refused with a line
 * number inside the text and a reason, leaving the lexicon as it was. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sealdesk/kb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sd_kb_lexicon *l = NULL;
    size_t lines = 1;

    for(size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if(sd_kb_lexicon_new(&l) != SD_OK)
        abort();
    for(int stop = 0; stop < 2; stop++) {
        size_t line = 0;
        const char *why = NULL;
        sd_err err = sd_kb_lexicon_add(l, stop == 1, (const char *)data, size, &line, &why);

        if(err != SD_OK && err != SD_E_NOMEM && (!why || line > lines))
            abort();
        if(err == SD_OK && (why || line))
            abort();
    }
    sd_kb_lexicon_free(l);
    return 0;
}
