/* Language tags of the desk: canonical tags, the one-byte codes stored in index postings and
 * queue entries, and detection from text (Hangul, Han simplified/traditional, else English). */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "sealdesk/buf.h"
#include "sealdesk/enum.h"
#include "sealdesk/lang.h"
#include "sealdesk/text.h"

static const char *const lang_codes[] = {NULL, "zh", "zh-Hant", "en", "ko"};

const char *
sd_lang_canon(const char *s)
{
    static const struct {
        const char *in, *out;
    } map[] = {
        {"zh", "zh"},           {"zh-Hans", "zh"},    {"zh-CN", "zh"},      {"zh-SG", "zh"},
        {"zh-Hant", "zh-Hant"}, {"zh-TW", "zh-Hant"}, {"zh-HK", "zh-Hant"}, {"en", "en"},
        {"ko", "ko"},           {"ko-KR", "ko"},
    };

    for(size_t i = 0; s && i < sizeof(map) / sizeof(map[0]); i++) {
        if(strcasecmp(s, map[i].in) == 0)
            return map[i].out;
    }
    return NULL;
}

uint8_t
sd_lang_code(const char *lang)
{
    int v = 0;

    if(sd_enum_parse(lang_codes, SD_ENUM_N(lang_codes), lang, &v) != SD_OK)
        return 0;
    return (uint8_t)v;
}

const char *
sd_lang_of_code(uint8_t c)
{
    return c >= 1 && c <= 4 ? lang_codes[c] : "";
}

const char *
sd_lang_detect(const char *text, size_t n)
{
    size_t han = 0, hangul = 0, latin = 0, i = 0;
    struct sd_buf hanbuf = SD_BUF_INIT, f = SD_BUF_INIT;
    bool trad = false;

    if(!text || !sd_text_valid(text, n))
        return "en";
    while(i < n) {
        unsigned char c = (unsigned char)text[i];
        size_t k;
        uint32_t cp = 0;

        if(c < 0x80) {
            /* an ASCII run at once, eight bytes a step (issue 17 item 1): only its letters
             * count. With the case bit set, a letter is a byte in 0x61..0x7a: adding 0x1f
             * carries it to 0x80 or above, adding 0x05 does not (no byte carries into the next:
             * every byte is below 0x80). */
            while(n - i >= 8) {
                uint64_t x, y, m;

                memcpy(&x, text + i, sizeof(x));
                if(x & UINT64_C(0x8080808080808080))
                    break;
                y = x | UINT64_C(0x2020202020202020);
                m = (y + UINT64_C(0x1f1f1f1f1f1f1f1f)) & ~(y + UINT64_C(0x0505050505050505)) &
                    UINT64_C(0x8080808080808080);
                latin += (size_t)(((m >> 7) * UINT64_C(0x0101010101010101)) >> 56);
                i += 8;
            }
            for(; i < n && (c = (unsigned char)text[i]) < 0x80; i++)
                latin += (unsigned)((c | 0x20) - 'a') < 26u;
            continue;
        }
        k = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        if(k > n - i)
            break;
        if(k == 3)
            cp = ((uint32_t)(c & 0x0f) << 12) | ((uint32_t)(text[i + 1] & 0x3f) << 6) |
                 (uint32_t)(text[i + 2] & 0x3f);
        if(cp >= 0xac00 && cp <= 0xd7a3) {
            hangul++;
        } else if(cp >= 0x4e00 && cp <= 0x9fff) {
            han++;
            if(hanbuf.len < 3 * 512)
                (void)sd_buf_append(&hanbuf, text + i, 3);
        }
        i += k;
    }
    if(hangul && hangul >= han) {
        sd_buf_free(&hanbuf);
        return "ko";
    }
    if(han && han * 6 >= latin) {
        /* traditional when t2s folding rewrites some Han character (帳 -> 账 is simplified
         * spelling too: 帐 also folds, so ignore that single character) */
        if(sd_text_fold(&f, (const char *)hanbuf.data, hanbuf.len) == SD_OK &&
           f.len == hanbuf.len) {
            for(size_t j = 0; j + 3 <= f.len; j += 3) {
                if(memcmp(f.data + j, hanbuf.data + j, 3) != 0 &&
                   memcmp(hanbuf.data + j, "\xe5\xb8\x90", 3) != 0)
                    trad = true;
            }
        }
        sd_buf_free(&f);
        sd_buf_free(&hanbuf);
        return trad ? "zh-Hant" : "zh";
    }
    sd_buf_free(&hanbuf);
    return "en";
}
