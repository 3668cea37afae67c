/* The search tokeniser: folded text cut into word terms and CJK bigrams (search.h). Index and
 * query use the same function, so it only has to be consistent, not linguistically exact. */
#include <string.h>

#include <sodium.h>
#include <utf8proc.h>

#include "sealdesk/buf.h"
#include "sealdesk/search.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

/* Very common English words: in nearly every ticket, they would only make long posting lists.
 * Grouped by length (2..6 bytes; longer words are never stop words) and concatenated, so a word
 * is compared only with the stop words of its own length (it was a strlen and a compare against
 * all 45 words for every word of every ticket). */
static const char *const stop_by_len[7] = {
    NULL,
    NULL,
    "anasatbebydoheifinisitmemynoofonorsotoweamhi",
    "andarebutforhasnotthewasyouour",
    "fromhavethatthiswerewillwithyourthey",
    "thankhello",
    "pleasethanks",
};

static bool
is_stop(const char *w, size_t n)
{
    const char *l;

    if(n >= sizeof(stop_by_len) / sizeof(stop_by_len[0]) || !(l = stop_by_len[n]))
        return false;
    for(; *l; l += n) {
        if(l[0] == w[0] && memcmp(l, w, n) == 0)
            return true;
    }
    return false;
}

/* A word term: at least 2 bytes (a lone Latin letter or digit says nothing), no stop word. */
static sd_err
emit_word(const char *w, size_t n, sd_search_term_fn fn, void *ctx)
{
    if(n < 2 || is_stop(w, n))
        return SD_OK;
    return fn(ctx, w, n);
}

sd_err
sd_search_tokenize(const char *s, size_t n, sd_search_term_fn fn, void *ctx)
{
    struct sd_buf f = SD_BUF_INIT;
    sd_err err = SD_OK;

    SD_CHECK_ARG(fn && (s || n == 0));
    SD_TRY(sd_text_fold(&f, s, n));
    if(f.data) /* else nothing folded: no term */
        err = sd_search_tokenize_folded((const char *)f.data, f.len, fn, ctx);
out:
    sd_buf_wipe_free(&f);
    return err;
}

sd_err
sd_search_tokenize_folded(const char *fs, size_t fn_len, sd_search_term_fn fn, void *ctx)
{
    const uint8_t *f = (const uint8_t *)fs;
    char word[SD_SEARCH_TERM_MAX + 8];
    size_t wn = 0;
    const uint8_t *prev = NULL; /* previous character of the current CJK run */
    size_t prev_n = 0, run = 0;
    enum sd_text_class prev_c = SD_TC_SEP;
    sd_err err = SD_OK;
    size_t i = 0;

    SD_CHECK_ARG(fn && (fs || fn_len == 0));
    SD_ENSURE(fn_len <= SD_SEARCH_FOLDED_MAX, SD_E_LIMIT);
    while(i <= fn_len) {
        utf8proc_int32_t cp = ' ';
        utf8proc_ssize_t k = 1;
        enum sd_text_class c = SD_TC_SEP;

        if(i < fn_len) {
            if(f[i] < 0x80) {
                /* ASCII: what utf8proc_iterate and sd_text_cclass give, without the calls */
                cp = f[i];
                c = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ? SD_TC_WORD : SD_TC_SEP;
            } else {
                k = utf8proc_iterate(f + i, (utf8proc_ssize_t)(fn_len - i), &cp);
                SD_ENSURE(k > 0, SD_E_INVALID);
                c = sd_text_cclass(cp);
            }
        }
        if(c != SD_TC_WORD && wn) {
            SD_TRY(emit_word(word, wn, fn, ctx));
            wn = 0;
        }
        if(prev && c != prev_c) {
            /* A run of one CJK character: the character alone. */
            if(run == 1)
                SD_TRY(fn(ctx, (const char *)prev, prev_n));
            prev = NULL;
            run = 0;
        }
        if(c == SD_TC_HAN || c == SD_TC_HANGUL || c == SD_TC_KANA) {
            if(prev) {
                char bg[8];

                memcpy(bg, prev, prev_n);
                memcpy(bg + prev_n, f + i, (size_t)k);
                err = fn(ctx, bg, prev_n + (size_t)k);
                sodium_memzero(bg, sizeof(bg));
                SD_TRY(err);
            }
            prev = f + i;
            prev_n = (size_t)k;
            prev_c = c;
            run++;
        } else if(c == SD_TC_WORD) {
            prev_c = SD_TC_WORD;
            if(wn + (size_t)k <= SD_SEARCH_TERM_MAX) {
                memcpy(word + wn, f + i, (size_t)k);
                wn += (size_t)k;
            }
            if(k == 1) {
                /* the rest of an ASCII word at once: each letter or digit would only be
                 * appended by the loop above (no CJK run to end, the same class) */
                while(i + 1 < fn_len && ((f[i + 1] >= 'a' && f[i + 1] <= 'z') ||
                                         (f[i + 1] >= '0' && f[i + 1] <= '9'))) {
                    i++;
                    if(wn < SD_SEARCH_TERM_MAX)
                        word[wn++] = (char)f[i];
                }
            }
        } else {
            prev_c = SD_TC_SEP;
        }
        i += (size_t)k;
    }
out:
    sodium_memzero(word, sizeof(word));
    return err;
}
