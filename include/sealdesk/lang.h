/* Language tags: canonical names, stored codes and detection (src/text/lang.c). Every
 * returned string has static storage; all functions are thread-safe. */
#ifndef SEALDESK_LANG_H
#define SEALDESK_LANG_H

#include <stddef.h>
#include <stdint.h>

/* Canonical language tag for s: "zh" (also "zh-Hans", "zh-CN"), "zh-Hant" (also "zh-TW",
 * "zh-HK"), "en", "ko". NULL when s is not one of them. Static storage. */
const char *sd_lang_canon(const char *s);
/* Guess the language of UTF-8 text: "ko" when Hangul dominates, "zh-Hant" / "zh" for Han text
 * (traditional when folding changes it), else "en". Never NULL. Thread-safe. */
const char *sd_lang_detect(const char *text, size_t n);
/* Language code stored in postings and queue entries: 1 zh, 2 zh-Hant, 3 en, 4 ko (0 for
 * anything else). */
uint8_t sd_lang_code(const char *lang);
/* Tag of code c (static storage), "" when c is not a code. */
const char *sd_lang_of_code(uint8_t c);

#endif
