/* sealdesk customers: a profile record per customer (issue 15 "Customers as records"), keyed by
 * the blind index of the customer UID and findable by the blind index of their email or phone.
 * It holds the customer's language, VIP tier, frozen flag (set by sd_freeze, cleared by an
 * executed account_unfreeze), notes sealed under the customer's data key, and times; the
 * customer's tickets are the by_customer index entries of their identifiers.
 *
 * Store: table customer_profiles (store.h SD_DB_PROFILES): 'p' | uid bidx -> CustomerProfile
 * (proto/channels.proto), 'e' | email bidx and 'h' | phone bidx -> uid bidx.
 *
 * Every change and every read is one write txn with its audit entry (target
 * "customer:<uid blind index hex>", never an identifier); notes are decrypted only for a read
 * that asks for them with a reason ("customer.unmask"). Errors carry no PII: *why (may be NULL)
 * gets a static reason naming the field. A struct sd_desk may be shared between threads. */
#ifndef SEALDESK_CUSTOMERS_H
#define SEALDESK_CUSTOMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/buf.h"
#include "sealdesk/crypto.h"
#include "sealdesk/actor.h"
#include "sealdesk/desk.h"
#include "sealdesk/tickets.h"
#include "sealdesk/err.h"
#include "sealdesk/store.h"

#define SD_CUSTOMER_MAX_NOTES   4096 /* bytes of notes (UTF-8) */
#define SD_CUSTOMER_MAX_VIP     9    /* VIP tiers: 0 none, 1..9 = vip1..vip9 */
#define SD_CUSTOMER_MAX_TICKETS 1000 /* ticket ids returned with a profile */
/* Field id of the sealed notes (bound into the AEAD associated data with the data key id). */
#define SD_F_CUSTOMER_NOTES     0x3fff0010u
/* Field id of the sealed identifiers (uid, email, phone) the blind-index rotation re-keys by. */
#define SD_F_CUSTOMER_IDS       0x3fff0011u

struct sd_customer {
    char id[2 * SD_BIDX_BYTES + 1]; /* hex blind index of the UID: names the customer, no PII */
    char lang[8];                   /* "" unknown */
    unsigned vip_tier;              /* 0 none */
    bool frozen;
    bool has_notes;
    bool shredded;       /* notes present but the data key is erased */
    struct sd_buf notes; /* clear notes, NUL-terminated, only when asked (wiped by _clear) */
    uint64_t created_at, updated_at;
    char updated_by[SD_MAX_AGENT + 1];
    uint32_t version;
    uint64_t *tickets; /* malloc'ed ticket ids, ascending (NULL when n_tickets is 0) */
    size_t n_tickets;
    bool more_tickets; /* more than SD_CUSTOMER_MAX_TICKETS */
};
/* Wipe and free what a profile holds; the struct is zeroed. */
void sd_customer_clear(struct sd_customer *c);

/* An upsert. uid is required (it keys the profile); every other member NULL (-1 for vip_tier)
 * keeps the stored value, "" clears it. email/phone are checked as ticket identifiers are. */
struct sd_customer_in {
    const char *uid;
    const char *email;
    const char *phone;
    const char *lang; /* sd_lang_canon tags: zh, zh-Hant (zh-TW, zh-HK), en, ko */
    int vip_tier;     /* 0..SD_CUSTOMER_MAX_VIP, -1 unchanged */
    const char *notes;
};

/* Parse "none", "vip", "vip1".."vip9" (or "0".."9") to a tier. */
sd_err sd_customer_vip_parse(unsigned *out, const char *s);

/* Create or update a profile: sd_customers_upsert for supervisors (policy "customer.edit",
 * audited "customer.upsert"), sd_customers_sync for the back-office sync service identity
 * (policy "customer.sync", audited "customer.sync"; today the local operator only). An email or
 * phone already naming another customer is SD_E_CONFLICT. *out (may be NULL) gets the stored
 * profile without notes and tickets. */
sd_err sd_customers_upsert(struct sd_desk *d, const struct sd_actor *a,
                           const struct sd_customer_in *in, struct sd_customer *out,
                           const char **why);
sd_err sd_customers_sync(struct sd_desk *d, const struct sd_actor *a,
                         const struct sd_customer_in *in, struct sd_customer *out,
                         const char **why);

/* Read the profile of the customer whose identifier `kind` (SD_F_CUSTOMER_UID, _EMAIL or
 * _PHONE) is value. Policy "customer.read" (supervisor, compliance, security_admin). With
 * notes, the notes are decrypted: a PII read that needs a reason, audited "customer.unmask";
 * otherwise "customer.read". out->tickets lists the customer's tickets. SD_E_NOTFOUND no
 * profile (also audited: a lookup is a PII access). Free with sd_customer_clear. */
sd_err sd_customers_get(struct sd_desk *d, const struct sd_actor *a, enum sd_field kind,
                        const char *value, bool notes, const char *reason, struct sd_customer *out,
                        const char **why);
/* The customer's ticket ids (by UID, and the email and phone of the profile), ascending, at
 * most SD_CUSTOMER_MAX_TICKETS (*more when cut). *ids malloc'ed (free(); NULL when *n is 0).
 * Same policy and audit as sd_customers_get ("customer.tickets"). Works without a profile. */
sd_err sd_customers_tickets(struct sd_desk *d, const struct sd_actor *a, const char *uid,
                            uint64_t **ids, size_t *n, bool *more, const char **why);

/* ---- calls made inside other modules' write txns ---- */

/* Set the frozen flag of the customer with UID blind index uid_bidx (creating a bare profile
 * when there is none), audited "customer.frozen" / "customer.unfrozen" in t. Called by
 * sd_freeze and by an executed account_unfreeze. uid (uid_len bytes, the UID uid_bidx was
 * computed from; may be NULL) is sealed into a profile that does not keep its identifiers yet,
 * so a blind-index rotation can re-key it. */
sd_err sd_customers_set_frozen_in(struct sd_desk *d, struct sd_txn *t, const struct sd_actor *a,
                                  const uint8_t uid_bidx[SD_BIDX_BYTES], const char *uid,
                                  size_t uid_len, bool frozen);
/* What a new ticket inherits: the profile found by uid, else email, else phone blind index
 * (each may be NULL). *found false (and nothing set) when there is none. *lang static. */
sd_err sd_customers_defaults_in(struct sd_txn *t, const uint8_t *uid_bidx,
                                const uint8_t *email_bidx, const uint8_t *phone_bidx, bool *found,
                                unsigned *vip_tier, const char **lang);
/* Delete the profile of uid_bidx and its email/phone aliases (crypto-shredding: its notes are
 * sealed under the erased key). *removed counts deleted entries. SD_OK when there is none. */
sd_err sd_customers_delete_in(struct sd_txn *t, const uint8_t uid_bidx[SD_BIDX_BYTES],
                              uint64_t *removed);
/* The data key ids the profile of uid_bidx seals under (notes, identifiers): *n (0..2) of them
 * into ids, for crypto-shredding. *n 0 without a profile. */
sd_err sd_customers_key_ids_in(struct sd_txn *t, const uint8_t uid_bidx[SD_BIDX_BYTES],
                               uint64_t ids[2], size_t *n);
/* Blind-index key rotation (sd_keyops_bidx_rotate), inside its txn and after the new key is in
 * place: every profile that keeps its identifiers is moved to the new blind index of its UID,
 * with its email/phone aliases, and the customer map names its data key again when no ticket
 * did. *rekeyed counts moved profiles, *kept those left under the old index (no identifiers
 * kept, or their data key is erased: they cannot be found either way). */
sd_err sd_customers_rekey_in(struct sd_desk *d, struct sd_txn *t, uint64_t *rekeyed,
                             uint64_t *kept);

#endif
