/* libFuzzer harness for the triage model parser and scorer (src/tmodel, format at the top of
 * src/tmodel/tmodel.c): any bytes, read as a model text, either load or are refused with a
 * line number inside the text (0 only for the whole-text limit); a loaded model scores a
 * fixed text. The same bytes are also scored as ticket text (any bytes, invalid UTF-8 too) by
 * a small model, with every probability in [0, 1]. And the bytes are parsed once more with a
 * correct checksum line appended: the checksum stops almost every mutated model at its last
 * line, so without this the scorer never met a model the fuzzer made (extreme biases,
 * weights, scales); such a model scores the fixed text and the bytes themselves. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/tmodel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct sd_tmodel_out *o)
{
    for(int c = 0; c < SD_TMODEL_CATS; c++) {
        if(!(o->cat[c] >= 0.0f && o->cat[c] <= 1.0f))
            abort();
    }
    for(int q = 0; q < SD_TMODEL_PRIOS; q++) {
        if(!(o->prio[q] >= 0.0f && o->prio[q] <= 1.0f))
            abort();
    }
    if(!(o->fund >= 0.0f && o->fund <= 1.0f))
        abort();
    if(o->prio_target != 0 && (o->prio_target < 2 || o->prio_target > 4))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sd_tmodel *small;
    struct sd_tmodel *m = NULL;
    struct sd_tmodel_out o;
    size_t line = 0, lines = 1, line2 = 0;
    sd_err err;

    if(!small) {
        static const char *const texts[] = {"deposit not arrived", "account hacked 被盗",
                                            "해킹 당했어요", "not hacked, forgot password"};
        struct sd_tmodel_params p;
        struct sd_tmodel_trainer *t = NULL;
        struct sd_buf b = SD_BUF_INIT;

        sd_tmodel_params_default(&p);
        p.prune = 0.0;
        if(sd_tmodel_trainer_new(&t, &p) != SD_OK)
            abort();
        for(int i = 0; i < 4; i++) {
            if(sd_tmodel_trainer_add(t, texts[i], strlen(texts[i]), i, 1 + i, i == 1) != SD_OK)
                abort();
        }
        if(sd_tmodel_train(t, &b) != SD_OK ||
           sd_tmodel_parse(&small, (const char *)b.data, b.len, &line) != SD_OK)
            abort();
        sd_tmodel_trainer_free(t);
        sd_buf_free(&b);
    }
    for(size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    err = sd_tmodel_parse(&m, (const char *)data, size, &line);
    if(err == SD_OK) {
        if(!m || line != 0)
            abort();
        if(sd_tmodel_predict(m, "my deposit 没有到账", 22, &o) != SD_OK)
            abort();
        check(&o);
        sd_tmodel_free(m);
    } else if(m || err == SD_E_INVALID ? (line == 0 || line > lines + 1) : false) {
        abort();
    }
    if(sd_tmodel_predict(small, (const char *)data, size, &o) != SD_OK)
        abort();
    check(&o);
    if(size <= SD_TMODEL_MAX_BYTES - 64) {
        /* data, '\n' unless it ends with one, "checksum HEX\n": the checksum always matches */
        struct sd_buf b = SD_BUF_INIT;
        uint8_t sum[16];
        char line[48];

        if(sd_buf_append(&b, data, size) != SD_OK ||
           (size && data[size - 1] != '\n' && sd_buf_append(&b, "\n", 1) != SD_OK))
            abort();
        crypto_generichash(sum, sizeof(sum), b.data, b.len, NULL, 0);
        memcpy(line, "checksum ", 9);
        sodium_bin2hex(line + 9, 33, sum, sizeof(sum));
        line[41] = '\n';
        if(sd_buf_append(&b, line, 42) != SD_OK)
            abort();
        if(sd_tmodel_parse(&m, (const char *)b.data, b.len, &line2) == SD_OK) {
            if(sd_tmodel_predict(m, "my deposit 没有到账", 22, &o) != SD_OK)
                abort();
            check(&o);
            if(sd_tmodel_predict(m, (const char *)data, size, &o) != SD_OK)
                abort();
            check(&o);
            sd_tmodel_free(m);
        } else if(m) {
            abort();
        }
        sd_buf_free(&b);
    }
    return 0;
}
