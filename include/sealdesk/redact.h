/* Secret redaction on ticket intake: seed phrases, private keys, 2FA codes, card numbers.
 *
 * Customers paste secrets they must never send to support. Before a subject, body or comment
 * is stored, sd_redact() replaces each one with a fixed marker ("[REDACTED:seed_phrase]", ...)
 * and reports how many of each kind it found; the secret itself is never reported or logged.
 *
 * Detection runs on the folded text (sd_text_fold_map: the NFKC/lump/t2s fold triage uses,
 * case kept, zero-width and bidi characters removed, Cyrillic/Greek look-alikes mapped to
 * Latin), so fullwidth letters and digits, invisible characters between or inside the parts
 * of a secret and mixed-script spellings are seen as plain ASCII; each marker replaces the
 * original bytes its secret came from (whole code points, with the invisible characters
 * inside it).
 *
 * What counts (ASCII secrets after folding; any other character ends an ASCII token, so
 * "验证码123456" and "私钥<hex>" are seen, and a marker never starts or ends inside a
 * multi-byte char):
 *  - seed_phrase: >= 12 BIP-39 English words in a row (any case; separated by spaces,
 *    punctuation, 、，or list numbers "1." "2)"), allowing one typo in 12+ words or two in
 *    18+. A typo is a non-list word of 4-9 letters one edit from a list word or sharing its
 *    first four letters. No checksum check: typos and partial phrases are secrets too.
 *    Also: list words glued together ("abandonability", or split only by zero-width
 *    characters), and >= 12 list words interleaved with the same number (1 or 2) of other
 *    words between each ("legal and winner and thank ...").
 *  - private_key: 64 hex chars (optional 0x) unless the nearest context word in the 24
 *    chars before is txid/hash/address/交易/거래..., rather than key/私钥/개인키; WIF (51/52
 *    chars) and xprv-style keys (111 chars), only with a valid Base58Check checksum. Both
 *    also when written in groups of equal length (the last may be shorter) joined by spaces,
 *    '-', ':' or line breaks ("b3f96054 a733b237 ..."); grouped hex needs a letter a-f.
 *  - otp_code: a lone 6-digit number (or 6 digits in groups of at most 3: "4 8 2 9 1 3",
 *    "48 29 13", "482-913") within ~32 chars of code/2FA/OTP/
 *    authenticator/验证码/인증번호..., unless an order/订单/주문 word or '#' is closer before
 *    it, or it is an amount (currency sign or unit next to it).
 *  - card_number: 13-19 digits, ungrouped or grouped 4-4-4-4(-1..3), 4-4-4-(1..3), 4-6-5
 *    (groups joined by 1-3 spaces, a line break, or one of - . _ / with spaces around),
 *    with a known scheme prefix and length (Visa, Mastercard, Amex, Discover, UnionPay, JCB
 *    3528-3589) and a valid Luhn digit; not after '+' (phone) or inside a decimal.
 *  - private_key also: a 64-byte Base58 keypair (Solana-style, 86-88 chars) whose second half
 *    is the Ed25519 public key of its first half (a transaction signature of the same shape
 *    is not).
 *  - totp_secret: a 2FA (TOTP) secret, Base32 (A-Z 2-7) of 16-32 chars in one case. Alone:
 *    upper case with >= 2 digits and >= 3 letter/digit changes; after a key/secret/2FA word
 *    (within ~32 chars: secret, key, 2fa, otp, authenticator, 密钥, 秘钥, 验证码, 시크릿, ...)
 *    also lower case with a digit, or in groups of 4 (4-8 groups joined by one space or '-';
 *    the last may be shorter) with a digit.
 *  - backup_codes: 2FA backup/recovery codes after a backup-code word (backup code(s),
 *    recovery codes, 备用码, 备份码, 恢复码, 백업 코드, 복구 코드) with no id word (uid, order,
 *    账号, ...) between: a run of codes of 4-12 ASCII letters/digits with a digit each
 *    (list numbers "1." between them allowed), one code of 6+ chars or at least two codes;
 *    the whole run is one marker.
 *
 * The labelled corpus tests/data/redact_corpus.jsonl (and its held-out part) lists the
 * disguises and the look-alikes that must stay. */
#ifndef SEALDESK_REDACT_H
#define SEALDESK_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "sealdesk/buf.h"
#include "sealdesk/err.h"

/* Largest input sd_redact() accepts: 256 KiB. */
#define SD_REDACT_MAX ((size_t)256 * 1024)

enum sd_redact_kind {
    SD_REDACT_SEED_PHRASE,
    SD_REDACT_PRIVATE_KEY,
    SD_REDACT_OTP_CODE,
    SD_REDACT_CARD_NUMBER,
    SD_REDACT_TOTP_SECRET,
    SD_REDACT_BACKUP_CODES,
    SD_REDACT_KIND_COUNT
};

/* How many secrets of each kind were replaced (one per marker written). */
struct sd_redact_report {
    unsigned count[SD_REDACT_KIND_COUNT];
};

/* Stable lower-case name of a kind: "seed_phrase", "private_key", "otp_code", "card_number",
 * "totp_secret", "backup_codes"; "unknown" for anything else. Static string, never NULL. Thread-safe. */
const char *sd_redact_kind_name(enum sd_redact_kind k);

/* Copy the UTF-8 text in[0..n) to the end of `out` (appended, then NUL-terminated; the NUL is
 * not counted in out->len) with every detected secret replaced by "[REDACTED:<kind name>]".
 * rep is zeroed first, then rep->count[k] gets the number of markers of kind k written.
 * Text outside the secrets is copied byte for byte; markers never split a multi-byte char.
 *
 * Returns SD_OK; SD_E_INVALID if out or rep is NULL or in is NULL with n > 0; SD_E_LIMIT if
 * n > SD_REDACT_MAX (or out would grow past SD_BUF_MAX); SD_E_NOMEM; SD_E_INTERNAL if the
 * embedded BIP-39 list is malformed. On error out is left as it was (any bytes appended are
 * wiped) and rep is all zero.
 *
 * Ownership: `in` is borrowed and not modified (wiping it is the caller's job); `out` stays
 * the caller's. No secret is copied anywhere but into scratch that is wiped with
 * sodium_memzero before it is released. Runs in time linear in n.
 * Thread-safe: the word list is parsed once (pthread_once); calls share no mutable state. */
sd_err sd_redact(struct sd_buf *out, const char *in, size_t n, struct sd_redact_report *rep);

/* true if rep counts at least one secret of any kind. rep must not be NULL. Thread-safe. */
bool sd_redact_any(const struct sd_redact_report *rep);

#endif
