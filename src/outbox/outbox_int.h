/* Private to src/outbox: record keys, the signed statement and the short code, shared by
 * outbox.c (enqueue, state machine), render.c (the message) and verify.c (the check). */
#ifndef SEALDESK_OUTBOX_INT_H
#define SEALDESK_OUTBOX_INT_H

#include "outbox.pb-c.h"
#include "sealdesk/outbox.h"

#define SD_OUTBOX_CODE_BYTES 10 /* 80 bits: 16 base32 characters */

/* Field ids of the sealed fields (associated data; see sd_outbox_seal_id). */
enum {
    SD_OUTBOX_F_TO = 1,
    SD_OUTBOX_F_SUBJECT = 2,
    SD_OUTBOX_F_BODY = 3
};
uint64_t sd_outbox_seal_id(uint64_t id);

void sd_outbox_key_rec(uint8_t k[9], uint64_t id);
void sd_outbox_key_code(uint8_t k[1 + SD_OUTBOX_CODE_BYTES],
                        const uint8_t code[SD_OUTBOX_CODE_BYTES]);
/* Load record id (SD_E_NOTFOUND); free with sealdesk__v1__outbox_record__free_unpacked. */
sd_err sd_outbox_load(struct sd_txn *t, uint64_t id, Sealdesk__V1__OutboxRecord **out);
void sd_outbox_info_of(struct sd_outbox_info *o, const Sealdesk__V1__OutboxRecord *r);

/* The bytes the mail key signs: "sealdesk-mail/v1\n" ref "\n" lower-case recipient "\n"
 * hex SHA-256 of the body "\n" time "\n" Message-ID "\n". */
sd_err sd_outbox_statement(struct sd_buf *out, const char *ref, const char *to, size_t to_len,
                           const uint8_t body_sha[32], uint64_t sent_at, const char *message_id);
/* The short code: the first 10 bytes of SHA-256(signature), shown as XXXX-XXXX-XXXX-XXXX. */
void sd_outbox_code_of(uint8_t code[SD_OUTBOX_CODE_BYTES], const uint8_t sig[SD_SIG_BYTES]);
void sd_outbox_code_text(char out[SD_OUTBOX_CODE_CHARS + 1],
                         const uint8_t code[SD_OUTBOX_CODE_BYTES]);
sd_err sd_outbox_code_parse(uint8_t code[SD_OUTBOX_CODE_BYTES], const char *s);
/* The footer appended to the body (CRLF lines), naming the code. */
sd_err sd_outbox_footer(struct sd_buf *out, const char *code_text);

#endif
