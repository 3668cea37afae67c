/* sealdesk attachments (issue 15 "Attachments"): screenshots, TXID proofs, bank slips and KYC
 * documents of a ticket, stored OUTSIDE the ticket record.
 *
 * Bytes are cut into SD_ATTACH_CHUNK chunks, each sealed (XChaCha20-Poly1305, crypto.h field
 * sealing) under the ticket's customer data key with associated data binding the attachment
 * id and the chunk number, so chunks cannot be swapped between attachments or positions, and
 * crypto-shredding the customer makes them unreadable. A metadata record per attachment keeps
 * the ticket, the filename (sealed: filenames are PII), the sniffed type, size, SHA-256 of the
 * content, time and state (kept / refused with a static reason). Only allow-listed types are
 * kept (image/png, image/jpeg, image/gif, image/webp, application/pdf, text/plain); others and
 * files over the limits are refused: no bytes stored, metadata kept, timeline event
 * `attachment_refused` with the reason.
 *
 * Store: table attachments (store.h SD_DB_ATTACH): 'm' | u64 id -> AttachmentMeta
 * (proto/channels.proto), 't' | u64 ticket | u64 id -> ""; table attachment_chunks
 * (SD_DB_ATTACH_DATA): u64 id | u32 chunk -> sealed chunk. */
#ifndef SEALDESK_ATTACH_H
#define SEALDESK_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/actor.h"
#include "sealdesk/desk.h"
#include "sealdesk/tickets.h"
#include "sealdesk/err.h"
#include "sealdesk/store.h"

#define SD_ATTACH_CHUNK         (256 * 1024)        /* plaintext bytes per sealed chunk */
#define SD_ATTACH_MAX_FILE      (10u * 1024 * 1024) /* default limit per file */
#define SD_ATTACH_MAX_MESSAGE   (25u * 1024 * 1024) /* default limit per add call */
#define SD_ATTACH_MAX_FILES     32                  /* files per add call */
#define SD_ATTACH_LIMIT_CEILING (64u * 1024 * 1024) /* no configured limit may exceed it */
#define SD_ATTACH_MAX_FILENAME  255                 /* bytes of UTF-8 */
#define SD_ATTACH_MAX_TYPE      127                 /* bytes of a MIME type */
#define SD_ATTACH_MAX_LIST      1000                /* attachments listed per ticket */
#define SD_ATTACH_MAX_REASON    400                 /* the reason of a download */
/* Field ids bound into the associated data (with the attachment id in the id slot). */
#define SD_F_ATTACH_NAME        0x3fff0020u
#define SD_F_ATTACH_CHUNK_BASE  0x40000000u

/* Limits, filled from the config file by the server (keys attachment_max_file,
 * attachment_max_message, when they are wired); sd_attach_limits_default gives the defaults. */
struct sd_attach_limits {
    size_t max_file;    /* bytes per file, 1..SD_ATTACH_LIMIT_CEILING */
    size_t max_message; /* bytes kept per add call, max_file..SD_ATTACH_LIMIT_CEILING */
};
void sd_attach_limits_default(struct sd_attach_limits *l);
/* SD_E_INVALID when a limit is 0, above SD_ATTACH_LIMIT_CEILING or max_message < max_file. */
sd_err sd_attach_limits_check(const struct sd_attach_limits *l);
/* true for the allow-listed types (exact, lower-case MIME type without parameters). */
bool sd_attach_type_allowed(const char *type);

enum sd_attach_state {
    SD_ATTACH_KEPT = 1,
    SD_ATTACH_REFUSED = 2
};

/* One file to add, as the mail parser or Intake hands it over: the bytes, the type sniffed
 * from the content (libmagic; never the sender's claim) and the sender's filename. */
struct sd_attach_in {
    const uint8_t *data;
    size_t len;
    const char *type;     /* e.g. "image/png"; required, <= SD_ATTACH_MAX_TYPE */
    const char *filename; /* NULL or "" none; <= SD_ATTACH_MAX_FILENAME, UTF-8 */
};
struct sd_attach_result {
    uint64_t id;
    enum sd_attach_state state;
    const char *reason; /* static, no PII; NULL when kept */
};

/* Add n files to ticket ticket_id inside the caller's write txn t (so a ticket create or a
 * customer message and its attachments commit together). Each file is kept or refused (type
 * not allowed, over max_file, or past max_message of what this call keeps); res[i] (room for
 * n) tells which. Appends a timeline event per file and one audit entry "attachment.add"
 * (target "t<ticket>"). lim NULL: the defaults. The actor must be allowed to act on the
 * ticket (sd_ticket_may_touch). Errors (nothing added; the caller aborts t): SD_E_INVALID bad
 * input (*why names the field: "type", "filename", "data"), SD_E_LIMIT more than
 * SD_ATTACH_MAX_FILES, SD_E_NOTFOUND no ticket, SD_E_SHREDDED the customer's key is erased,
 * SD_E_DENIED. */
sd_err sd_attach_add_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                        uint64_t ticket_id, const struct sd_attach_limits *lim,
                        const struct sd_attach_in *files, size_t n, struct sd_attach_result *res,
                        const char **why);
/* The same in a write txn of its own. */
sd_err sd_attach_add(struct sd_desk *d, const struct sd_actor *a, uint64_t ticket_id,
                     const struct sd_attach_limits *lim, const struct sd_attach_in *files, size_t n,
                     struct sd_attach_result *res, const char **why);

struct sd_attachment {
    uint64_t id, ticket_id, size, created_at;
    enum sd_attach_state state;
    char type[SD_ATTACH_MAX_TYPE + 1];
    char sha256[65]; /* hex of the content */
    char reason[64]; /* refusals */
    char added_by[SD_MAX_AGENT + 1];
    bool has_filename;
    bool shredded;                             /* the filename's key is erased */
    char filename[SD_ATTACH_MAX_FILENAME + 1]; /* only with unmask, else "" */
};
struct sd_attach_list {
    struct sd_attachment *items; /* malloc'ed; wiped and freed by sd_attach_list_clear */
    size_t n;
    bool more; /* more than SD_ATTACH_MAX_LIST */
};
void sd_attach_list_clear(struct sd_attach_list *l);

/* The attachments of a ticket, oldest first. Same access as reading the ticket (policy
 * "ticket.get", agents their own or queued tickets); filenames only with unmask, under the
 * ticket-unmask rule (a reason, the assignee/supervisor/compliance, the hourly limit).
 * Audited "attachment.list" or "attachment.unmask" (target "t<ticket>"). */
sd_err sd_attach_list(struct sd_desk *d, const struct sd_actor *a, uint64_t ticket_id, bool unmask,
                      const char *reason, struct sd_attach_list *out);
/* Download: the content of a kept attachment into out (appended; the caller wipes it with
 * sd_buf_wipe_free), *info (may be NULL) its metadata with the filename. An audited PII read
 * (policy "attachment.read" and the ticket-unmask rule, reason required), "attachment.read"
 * with target "a<id>" and "ticket=<id>" in the reason. SD_E_NOTFOUND, SD_E_PRECONDITION a
 * refused attachment (no bytes), SD_E_SHREDDED key erased, SD_E_CRYPTO a chunk fails to
 * authenticate or the content does not match its SHA-256 (nothing returned). */
sd_err sd_attach_read(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *reason,
                      struct sd_buf *out, struct sd_attachment *info);

#endif
