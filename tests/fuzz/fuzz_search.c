/* libFuzzer harness for the search tokeniser (src/search/tokenize.c): arbitrary bytes in. Valid
 * text up to SD_TEXT_MAX must tokenise; invalid UTF-8 must be refused with SD_E_INVALID. Every
 * term is non-empty valid UTF-8 of at most SD_SEARCH_TERM_MAX bytes, and a second run gives the
 * same terms (index and query must agree). Ticket create tokenises the text pipeline's fold
 * (subject and body folded apart, joined by a blank) where a query folds subject "\n" body as
 * one text: with the input cut in two at a character, both must give the same terms. Folded
 * input taken as is (sd_search_tokenize_folded) is refused when it is not UTF-8, never read past. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/buf.h"
#include "sealdesk/search.h"
#include "sealdesk/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc {
    size_t n;
    uint64_t h;
};

static sd_err
term(void *ctx, const char *t, size_t n)
{
    struct acc *a = ctx;

    if(n == 0 || n > SD_SEARCH_TERM_MAX || !sd_text_valid(t, n))
        abort();
    a->n++;
    for(size_t i = 0; i < n; i++)
        a->h = (a->h ^ (uint8_t)t[i]) * 0x100000001b3ull;
    return SD_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct acc a = {0, 0xcbf29ce484222325ull}, b = {0, 0xcbf29ce484222325ull};
    sd_err err, err2;

    if(!ready) {
        if(sodium_init() < 0)
            abort();
        ready = 1;
    }
    err = sd_search_tokenize((const char *)data, size, term, &a);
    if(sd_text_valid((const char *)data, size) && size <= SD_TEXT_MAX && err != SD_OK)
        abort();
    if(!sd_text_valid((const char *)data, size) && err == SD_OK)
        abort();
    err2 = sd_search_tokenize((const char *)data, size, term, &b);
    if(err2 != err || (err == SD_OK && (a.n != b.n || a.h != b.h)))
        abort();
    /* arbitrary bytes as folded text: valid UTF-8 tokenises, anything else is refused */
    b.n = 0;
    err2 = sd_search_tokenize_folded((const char *)data, size, term, &b);
    if(size <= SD_TEXT_MAX && err2 != SD_OK && err2 != SD_E_INVALID)
        abort();
    if(err == SD_OK && size > 0 && size < SD_TEXT_MAX) {
        /* the create path: fold(subject) " " fold(body) against subject "\n" body */
        size_t cut = data[0] % size;
        struct sd_buf joined = SD_BUF_INIT, f = SD_BUF_INIT;

        while(cut > 0 && (data[cut] & 0xC0) == 0x80)
            cut--;
        a = (struct acc){0, 0xcbf29ce484222325ull};
        b = a;
        if(sd_buf_append(&joined, data, cut) != SD_OK || sd_buf_append(&joined, "\n", 1) != SD_OK ||
           sd_buf_append(&joined, data + cut, size - cut) != SD_OK ||
           sd_text_fold(&f, (const char *)data, cut) != SD_OK ||
           sd_buf_append_byte(&f, ' ') != SD_OK ||
           sd_text_fold(&f, (const char *)data + cut, size - cut) != SD_OK)
            abort();
        if(sd_search_tokenize((const char *)joined.data, joined.len, term, &a) != SD_OK ||
           sd_search_tokenize_folded((const char *)f.data, f.len, term, &b) != SD_OK ||
           a.n != b.n || a.h != b.h)
            abort();
        sd_buf_free(&joined);
        sd_buf_free(&f);
    }
    return 0;
}
