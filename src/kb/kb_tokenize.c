/* Knowledge base tokeniser: character bigrams for Han/Hangul/kana runs and lightly stemmed
 * Latin words over sd_text_fold'ed text, network names as one term (kb_int.h). Used by the
 * index (kb_index.c) and the lexicon and query expansion (kb_lexicon.c). */
#include <string.h>

#include <utf8proc.h>

#include "kb_int.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

/* ---- tokeniser ---- */

/* English stop words, sorted in strcmp order (is_stop searches them; test_kb_stop_words). */
static const char *const stop_words[] = {
    "a",      "am",    "an",     "and",  "are",   "as",     "at",   "be",    "been",  "but",  "by",
    "can",    "could", "do",     "doe",  "for",   "from",   "ha",   "have",  "hello", "hi",   "i",
    "if",     "in",    "is",     "it",   "just",  "me",     "my",   "of",    "on",    "or",   "our",
    "please", "pls",   "should", "so",   "thank", "thanks", "that", "the",   "there", "they", "thi",
    "to",     "wa",    "we",     "what", "when",  "will",   "with", "would", "you",   "your",
};

/* Compare the word w[0..n) with the NUL-terminated s as strcmp would order them. */
static int
word_cmp(const char *w, size_t n, const char *s)
{
    size_t i = 0;

    for(; i < n && s[i]; i++) {
        if(w[i] != s[i])
            return (unsigned char)w[i] < (unsigned char)s[i] ? -1 : 1;
    }
    if(i < n)
        return 1;
    return s[i] ? -1 : 0;
}

static bool
is_stop(const char *w, size_t n)
{
    size_t lo = 0, hi = sizeof(stop_words) / sizeof(stop_words[0]);

    if(n == 0 || n > 6)
        return false;
    while(lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = word_cmp(w, n, stop_words[mid]);

        if(c == 0)
            return true;
        if(c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

static bool
ends(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);

    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

static bool
all_ascii_alpha(const char *w, size_t n)
{
    for(size_t i = 0; i < n; i++) {
        if(w[i] < 'a' || w[i] > 'z')
            return false;
    }
    return true;
}

/* Light English stemmer (plural and -ing/-ed/-ly forms); applied the same way to articles and
 * queries, so it only needs to be consistent, not linguistically exact. */
static size_t
stem(char *w, size_t n)
{
    if(!all_ascii_alpha(w, n) || n < 4)
        return n;
    if(ends(w, n, "ies") && n > 4) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if(ends(w, n, "sses"))
        return n - 2;
    if(ends(w, n, "ing") && n > 5)
        n -= 3;
    else if(ends(w, n, "ied") && n > 4) {
        w[n - 3] = 'y';
        return n - 2;
    } else if(ends(w, n, "ed") && n > 4)
        n -= 2; // NOLINT(bugprone-branch-clone): one suffix per branch, easier to read
    else if(ends(w, n, "ly") && n > 5)
        n -= 2;
    else if(w[n - 1] == 's' && !ends(w, n, "ss") && !ends(w, n, "us") && !ends(w, n, "is"))
        n -= 1;
    /* "withdrawal" vs "withdraw", "verification" vs "verify" stay distinct; trailing 'e'
     * is dropped so "delete"/"deleting" meet. */
    if(n > 4 && w[n - 1] == 'e')
        n--;
    return n;
}

/* Network names are one term however they are written: "TRC-20", "trc 20", "TRC20" -> "trc20". */
static const char *const net_prefixes[] = {"trc", "bep", "erc", "brc", "spl", "omni"};

static bool
is_net_prefix(const char *w, size_t n)
{
    for(size_t i = 0; i < sizeof(net_prefixes) / sizeof(net_prefixes[0]); i++) {
        if(strlen(net_prefixes[i]) == n && memcmp(net_prefixes[i], w, n) == 0)
            return true;
    }
    return false;
}

static sd_err
emit_word(char *w, size_t n, sd_kb_term_fn fn, void *ctx)
{
    if(n == 0)
        return SD_OK;
    if(n > SD_KB_TERM_MAX)
        n = SD_KB_TERM_MAX;
    n = stem(w, n);
    if(is_stop(w, n))
        return SD_OK;
    return fn(ctx, w, n);
}

static sd_err
tokenize(const char *s, size_t n, bool folded, sd_kb_term_fn fn, void *ctx)
{
    struct sd_buf f = SD_BUF_INIT;
    char word[SD_KB_TERM_MAX + 8];
    size_t wn = 0;
    const uint8_t *prev = NULL; /* previous CJK character of the current run */
    size_t prev_n = 0;
    enum sd_text_class prev_c = SD_TC_SEP;
    bool run_emitted = false;
    sd_err err = SD_OK;
    size_t i = 0, len;
    const uint8_t *data;

    SD_CHECK_ARG(fn && (s || n == 0));
    if(folded) {
        data = (const uint8_t *)s; /* read in place: no copy */
        len = n;
    } else {
        SD_TRY(sd_text_fold(&f, s, n));
        data = f.data;
        len = f.len;
    }
    while(i < len) {
        utf8proc_int32_t cp = data[i];
        utf8proc_ssize_t k = 1; /* ASCII is read as it is */
        enum sd_text_class c;

        if(cp >= 0x80)
            k = utf8proc_iterate(data + i, (utf8proc_ssize_t)(len - i), &cp);
        SD_ENSURE(k > 0, SD_E_INVALID);
        c = sd_text_cclass(cp);
        if(c == SD_TC_SEP && wn && (cp == '-' || cp == ' ' || cp == '_') && i + 1 < len &&
           data[i + 1] >= '0' && data[i + 1] <= '9' && is_net_prefix(word, wn)) {
            i++; /* "trc-20": the separator is dropped, the digits join the word */
            continue;
        }
        if(c != SD_TC_WORD && wn) {
            SD_TRY(emit_word(word, wn, fn, ctx));
            wn = 0;
        }
        if(c == SD_TC_HAN || c == SD_TC_HANGUL || c == SD_TC_KANA) {
            if(prev && prev_c == c) {
                char bg[8];

                memcpy(bg, prev, prev_n);
                memcpy(bg + prev_n, data + i, (size_t)k);
                SD_TRY(fn(ctx, bg, prev_n + (size_t)k));
                run_emitted = true;
            } else {
                if(prev && !run_emitted)
                    SD_TRY(fn(ctx, (const char *)prev, prev_n));
                run_emitted = false;
            }
            prev = data + i;
            prev_n = (size_t)k;
            prev_c = c;
        } else {
            if(prev && !run_emitted)
                SD_TRY(fn(ctx, (const char *)prev, prev_n));
            prev = NULL;
            run_emitted = false;
            prev_c = SD_TC_SEP;
            if(c == SD_TC_WORD && wn + (size_t)k <= SD_KB_TERM_MAX) {
                // NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): i < len: data is set
                memcpy(word + wn, data + i, (size_t)k);
                wn += (size_t)k;
                /* the rest of an ASCII word at once: for each such byte the steps above only
                 * append it (no CJK run is open, no separator, no word to end) */
                while(i + 1 < len && wn < SD_KB_TERM_MAX &&
                      ((data[i + 1] >= 'a' && data[i + 1] <= 'z') ||
                       (data[i + 1] >= '0' && data[i + 1] <= '9')))
                    word[wn++] = (char)data[++i];
            }
        }
        i += (size_t)k;
    }
    if(wn)
        SD_TRY(emit_word(word, wn, fn, ctx));
    if(prev && !run_emitted)
        SD_TRY(fn(ctx, (const char *)prev, prev_n));
out:
    sd_buf_wipe_free(&f); /* a ticket's text when a query is tokenised */
    return err;
}

sd_err
sd_kb_tokenize(const char *s, size_t n, sd_kb_term_fn fn, void *ctx)
{
    return tokenize(s, n, false, fn, ctx);
}

sd_err
sd_kb_tokenize_folded(const char *s, size_t n, sd_kb_term_fn fn, void *ctx)
{
    return tokenize(s, n, true, fn, ctx);
}
