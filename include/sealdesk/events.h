/* sealdesk events: the back-office event feed (issue 15 "Back office: an event feed").
 *
 * An append-only table with a monotonically increasing offset (1, 2, ...): executed remedies
 * with their instruction, emergency freezes, executed unfreezes and crypto-shredding requests,
 * each written IN THE SAME TXN as the change it reports (sd_events_append_in), so an event
 * exists exactly when its change committed. The back office pulls pages with sd_events_read and
 * acknowledges with sd_events_ack; the acknowledged offset of each consumer is stored durably,
 * never goes backwards, and a read without an explicit offset starts right after it, so no
 * event is lost and none is delivered twice past the acknowledged offset.
 *
 * Store: table feed (store.h SD_DB_FEED): 'e' | u64 offset -> FeedEvent
 * (proto/channels.proto), 'a' | consumer name -> u64 acknowledged offset.
 * Policy: "events.read" / "events.ack" (authz.h SD_OP_EVENTS_READ / _ACK). Reads decrypt the
 * instruction's destination UID (a PII read, audited "events.read"); acks are audited
 * "events.ack". */
#ifndef SEALDESK_EVENTS_H
#define SEALDESK_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/crypto.h"
#include "sealdesk/actor.h"
#include "sealdesk/desk.h"
#include "sealdesk/tickets.h"
#include "sealdesk/err.h"
#include "sealdesk/store.h"

#define SD_EVENTS_PAGE_MAX     1000 /* events per read */
#define SD_EVENTS_PAGE_DEFAULT 100  /* max 0 */
#define SD_EVENTS_DETAIL_MAX   255  /* non-PII detail text */
#define SD_EVENTS_SEALED_MAX   512  /* sealed instruction PII */
/* from_offset of sd_events_read: start after the consumer's acknowledged offset. */
#define SD_EVENTS_FROM_ACKED   0

/* Stored kinds: never renumber. */
enum sd_feed_kind {
    SD_FEED_REMEDY_EXECUTED = 1, /* ref = remedy id; detail kind/asset/amount; uid sealed */
    SD_FEED_FREEZE,              /* ref = freeze id */
    SD_FEED_UNFREEZE,            /* ref = freeze id; detail names the unfreeze remedy */
    SD_FEED_SHRED_REQUESTED,     /* a customer was crypto-shredded: erase them downstream */
    SD_FEED_KIND_COUNT
};
const char *sd_feed_kind_name(enum sd_feed_kind k);

/* An event to append. detail: non-PII "key=value ..." text (<= SD_EVENTS_DETAIL_MAX). sealed
 * (may be NULL): PII of the instruction, already sealed by the caller with
 * sd_field_seal(dk, seal_id, seal_field, ...) under the customer's data key; the reader opens
 * it with the data key the sealed bytes name. customer_bidx (may be NULL): the UID's blind
 * index. */
struct sd_feed_new {
    enum sd_feed_kind kind;
    uint64_t ticket_id, ref_id;
    const uint8_t *customer_bidx;
    const char *detail;
    const uint8_t *sealed;
    size_t sealed_len;
    uint64_t seal_id;
    uint32_t seal_field;
};
/* Append e inside write txn t (the change's own txn); *offset (may be NULL) gets its offset.
 * The caller's audit entry covers it. SD_E_INVALID / SD_E_LIMIT for a bad event. */
sd_err sd_events_append_in(struct sd_txn *t, const struct sd_actor *a, const struct sd_feed_new *e,
                           uint64_t *offset);

struct sd_feed_event {
    uint64_t offset, at;
    enum sd_feed_kind kind;
    char actor[SD_MAX_AGENT + 1];
    uint64_t ticket_id, ref_id;
    char customer[2 * SD_BIDX_BYTES + 1]; /* hex blind index of the UID ("" unknown) */
    char detail[SD_EVENTS_DETAIL_MAX + 1];
    bool has_uid;  /* the instruction names a destination UID */
    bool shredded; /* ... but its data key is erased: uid is "" */
    char uid[SD_MAX_UID + 1];
};
struct sd_feed_page {
    struct sd_feed_event *events; /* malloc'ed; wiped and freed by sd_feed_page_clear */
    size_t n;
    uint64_t next_offset; /* pass as from_offset to continue (last offset + 1) */
    bool more;            /* events past this page exist */
    uint64_t acked;       /* the consumer's acknowledged offset (0: none) */
};
void sd_feed_page_clear(struct sd_feed_page *p);

/* Up to max (0: SD_EVENTS_PAGE_DEFAULT, at most SD_EVENTS_PAGE_MAX) events with offset >=
 * from_offset, oldest first; from_offset SD_EVENTS_FROM_ACKED starts after the acknowledged
 * offset of the consumer named by the actor. Policy "events.read". Audited "events.read"
 * (target "feed:<first>-<last>") in the same txn that decrypts. SD_E_LIMIT max too large. */
sd_err sd_events_read(struct sd_desk *d, const struct sd_actor *a, uint64_t from_offset, size_t max,
                      struct sd_feed_page *out);
/* The same for a named consumer (NULL or "": the actor's name). */
sd_err sd_events_read_consumer(struct sd_desk *d, const struct sd_actor *a, const char *consumer,
                               uint64_t from_offset, size_t max, struct sd_feed_page *out);
/* Store consumer's (NULL or "": the actor's name; agent-name syntax) acknowledged offset.
 * Acknowledging the stored offset again is SD_OK (idempotent); a lower one SD_E_PRECONDITION
 * (never backwards); one past the last event SD_E_INVALID. Policy "events.ack", audited. */
sd_err sd_events_ack(struct sd_desk *d, const struct sd_actor *a, const char *consumer,
                     uint64_t offset);
/* The consumer's acknowledged offset (0: none) and the last offset (0: empty feed). Read
 * only, no PII. */
sd_err sd_events_position(struct sd_desk *d, const char *consumer, uint64_t *acked, uint64_t *last);

#endif
