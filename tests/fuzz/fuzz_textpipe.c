/* libFuzzer harness for the one text pipeline (src/text/textpipe.c) and the segmented fold
 * (sd_text_fold): the input, split at the first NUL into subject and body (first byte's low
 * bit picks VIP), must give through sd_textpipe_run exactly what the per-feature calls give
 * (sd_redact, sd_triage_classify_found, sd_lang_detect), and sd_text_fold of each valid part
 * must equal the whole-text fold (utf8proc NFKC_Casefold + lump + ignorables, OpenCC t2s,
 * 帐 -> 账). Build: clang -fsanitize=fuzzer,address,undefined (CMake SD_FUZZ=ON). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <opencc/opencc.h>
#include <sodium.h>
#include <utf8proc.h>

#include "sealdesk/lang.h"
#include "sealdesk/redact.h"
#include "sealdesk/text.h"
#include "sealdesk/textpipe.h"
#include "sealdesk/triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sd_triage_rules *rules;
static opencc_t od = (opencc_t)-1;

static void
check_fold(const char *s, size_t n)
{
    struct sd_buf f = SD_BUF_INIT;
    utf8proc_uint8_t *nf = NULL;
    utf8proc_ssize_t k;
    char *conv;
    size_t cl;

    if(!sd_text_valid(s, n) || n == 0)
        return;
    if(sd_text_fold(&f, s, n) != SD_OK)
        abort();
    k = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &nf,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                         UTF8PROC_LUMP | UTF8PROC_IGNORE);
    if(k < 0)
        abort();
    conv = opencc_convert_utf8(od, (const char *)nf, (size_t)k);
    if(!conv)
        abort();
    cl = strlen(conv);
    for(char *z = conv; (z = strstr(z, "\xe5\xb8\x90")) != NULL; z += 3)
        memcpy(z, "\xe8\xb4\xa6", 3);
    if(f.len != cl || memcmp(f.data, conv, cl) != 0)
        abort();
    opencc_convert_utf8_free(conv);
    free(nf);
    sd_buf_free(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sd_textpipe tp = SD_TEXTPIPE_INIT;
    struct sd_buf rs = SD_BUF_INIT, rb = SD_BUF_INIT, both = SD_BUF_INIT;
    struct sd_redact_report reps, repb;
    struct sd_triage_result tr;
    const uint8_t *nul = memchr(data, 0, size);
    const char *subj = (const char *)data, *body = "";
    size_t slen = size, blen = 0;
    bool vip = size > 0 && (data[0] & 1);
    unsigned secrets = 0;
    sd_err e1, e2 = SD_OK;

    if(!rules) {
        if(sodium_init() < 0 || sd_triage_rules_default(&rules) != SD_OK)
            abort();
        od = opencc_open("t2s.json");
        if(od == (opencc_t)-1)
            abort();
    }
    if(nul) {
        slen = (size_t)(nul - data);
        body = (const char *)nul + 1;
        blen = size - slen - 1;
    }
    check_fold(subj, slen);
    check_fold(body, blen);
    e1 = sd_textpipe_run(&tp, rules, subj, slen, body, blen, vip);
    if(!sd_text_valid(subj, slen) || !sd_text_valid(body, blen)) {
        if(e1 != SD_E_INVALID || tp.subj.data || tp.folded.data)
            abort();
        return 0;
    }
    if(sd_redact(&rs, subj, slen, &reps) != SD_OK || sd_redact(&rb, body, blen, &repb) != SD_OK)
        abort();
    for(int k = 0; k < SD_REDACT_KIND_COUNT; k++)
        secrets |= (reps.count[k] || repb.count[k]) ? 1u << k : 0;
    e2 = sd_triage_classify_found(rules, (const char *)rs.data, rs.len, (const char *)rb.data,
                                  rb.len, vip, secrets, &tr);
    if(e1 != e2)
        abort();
    if(e1 == SD_OK) {
        if(sd_buf_append(&both, rs.data, rs.len) != SD_OK ||
           sd_buf_append(&both, "\n", 1) != SD_OK || sd_buf_append(&both, rb.data, rb.len) != SD_OK)
            abort();
        if(tp.both.len != both.len || memcmp(tp.both.data, both.data, both.len) != 0 ||
           memcmp(&tp.rs, &reps, sizeof(reps)) != 0 || memcmp(&tp.rb, &repb, sizeof(repb)) != 0 ||
           tp.secrets != secrets || memcmp(&tp.tr, &tr, sizeof(tr)) != 0 ||
           strcmp(tp.lang, sd_lang_detect((const char *)both.data, both.len)) != 0)
            abort();
    }
    sd_textpipe_free(&tp);
    sd_buf_free(&rs);
    sd_buf_free(&rb);
    sd_buf_free(&both);
    return 0;
}
