/* sealdesk remedies: fund-affecting actions under two-person control (maker-checker) and the
 * one-person emergency account freeze (DESIGN.md "Remedies").
 *
 * A remedy is requested by one person, approved by a quorum of other people holding the
 * approving role for its kind, and executed exactly once, which appends an instruction for the
 * exchange's back office (the store moves no funds). Quorum, approver roles, expiry and asset
 * rates come from a policy file (data/remedy.policy documents the format). Every write is one
 * LMDB txn with its audit entry (target "r<id>").
 *
 * Refusals: every desk call takes `const char **why` (may be NULL). On failure *why is set to a
 * static, stable, PII-free sentence ("the requester cannot approve their own remedy"), suitable
 * after the gRPC status name; for errors without a specific reason it is sd_err_str(err). On
 * success *why is NULL. All calls are thread-safe (each opens its own txn). */
#ifndef SEALDESK_REMEDY_H
#define SEALDESK_REMEDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/actor.h"
#include "sealdesk/err.h"
#include "sealdesk/tickets.h"

struct sd_desk;

#define SD_REMEDY_MAX_ASSET       16 /* asset symbol: 1..16 of [A-Za-z0-9], stored upper */
#define SD_REMEDY_MAX_INT_DIGITS  18 /* amount: up to 18 integer digits ... */
#define SD_REMEDY_MAX_FRAC_DIGITS 8  /* ... and 8 decimals, > 0 */
#define SD_REMEDY_MAX_AMOUNT      (SD_REMEDY_MAX_INT_DIGITS + 1 + SD_REMEDY_MAX_FRAC_DIGITS)
#define SD_REMEDY_MAX_APPROVALS   8     /* stored approvals per remedy */
#define SD_REMEDY_MAX_QUORUM      5     /* largest quorum a policy may ask for */
#define SD_REMEDY_MAX_IDEMPOTENCY 64    /* idempotency key: 1..64 printable ASCII */
#define SD_REMEDY_MAX_LIST        10000 /* remedies returned by one list call */
#define SD_REMEDY_MASKED_UID      16    /* room for a masked UID ("ab***yz") */
/* Sealed field id of a remedy's destination UID in the ticket's data key (ticket id in AD). */
#define SD_F_REMEDY_UID_BASE      0x20000u

enum sd_remedy_kind {
    SD_RK_COMPENSATION = 1,
    SD_RK_FEE_REFUND,
    SD_RK_MANUAL_DEPOSIT_CREDIT,
    SD_RK_WITHDRAWAL_RELEASE,
    SD_RK_ACCOUNT_UNFREEZE,
    SD_RK_FREEZE_REVIEW,      /* opened by sd_freeze only; approval closes it (state executed) */
    SD_RK_THIRD_PARTY_PAYOUT, /* pays an account other than the ticket's customer: needs a
                                 destination reason and a quorum above the "*" rules' */
    SD_RK_COUNT
};

enum sd_remedy_state {
    SD_RS_PENDING = 1, /* waiting for approvals */
    SD_RS_APPROVED,    /* quorum met, not yet executed */
    SD_RS_EXECUTED,    /* instruction written (freeze review: closed) */
    SD_RS_REJECTED,
    SD_RS_EXPIRED,
    SD_RS_COUNT
};

/* Names ("compensation", "pending", ...): static, "unknown" when out of range. Parsers return
 * SD_E_INVALID for NULL or an unknown name. */
const char *sd_remedy_kind_name(enum sd_remedy_kind k);
/* true for the kinds that pay money (they carry an asset and amount and pay the ticket's
 * customer); false for account_unfreeze, freeze_review and out-of-range values. */
bool sd_remedy_kind_moves_funds(enum sd_remedy_kind k);
sd_err sd_remedy_kind_parse(enum sd_remedy_kind *out, const char *s);
const char *sd_remedy_state_name(enum sd_remedy_state s);
sd_err sd_remedy_state_parse(enum sd_remedy_state *out, const char *s);

/* ---- policy ---- */

struct sd_remedy_policy;

/* Parse policy text (format in data/remedy.policy). text need not be NUL-terminated. On
 * SD_E_INVALID or SD_E_LIMIT, *errline (may be NULL) gets the 1-based line (0: whole file)
 * and *why (may be NULL) a static description. Caller frees *out with sd_remedy_policy_free.
 * The policy is immutable after parsing and may be shared by any number of threads. */
sd_err sd_remedy_policy_parse(struct sd_remedy_policy **out, const char *text, size_t n,
                              size_t *errline, const char **why);
/* The built-in default (the embedded data/remedy.policy). Caller frees. */
sd_err sd_remedy_policy_default(struct sd_remedy_policy **out);
/* "<dir>/remedy.policy" when that file exists, else the built-in default (also when dir is
 * NULL). SD_E_IO when the file exists but cannot be read; parse errors as above. Caller
 * frees. */
sd_err sd_remedy_policy_load(struct sd_remedy_policy **out, const char *dir, size_t *errline,
                             const char **why);
void sd_remedy_policy_free(struct sd_remedy_policy *p);

/* Seconds a remedy stays open for approval and execution. */
uint64_t sd_remedy_policy_expiry(const struct sd_remedy_policy *p);
/* Creator cool-off in seconds ("creator_cooloff", default 30 days): while a user account is
 * younger than this, its maker (who requested or approved it) and the user do not count
 * towards the quorum of each other's remedies. */
uint64_t sd_remedy_policy_cooloff(const struct sd_remedy_policy *p);
/* Role bits (enum sd_role) that may approve kind k; 0 for an out-of-range kind. */
unsigned sd_remedy_policy_approvers(const struct sd_remedy_policy *p, enum sd_remedy_kind k);
/* USDT-equivalent of `amount` of `asset` in micro-USDT (rounded up, saturating at UINT64_MAX).
 * *priced is false, and *usdt_micro 0, when the policy has no rate for the asset.
 * SD_E_INVALID for a malformed asset or amount (see sd_remedy_amount_parse). */
sd_err sd_remedy_policy_value(const struct sd_remedy_policy *p, const char *asset,
                              const char *amount, uint64_t *usdt_micro, bool *priced);
/* Approvals needed for kind k worth usdt_micro: the kind's own rules if one applies, else the
 * "*" rules; the rule with the highest threshold at or below the value. Unpriced (priced
 * false): the highest quorum of any rule for the kind or "*" (fail safe). Kinds without an
 * amount (account_unfreeze, freeze_review) have the policy's fixed quorum whatever the
 * value ("fixed KIND COUNT"; without such a line the highest "*" count). */
unsigned sd_remedy_policy_quorum(const struct sd_remedy_policy *p, enum sd_remedy_kind k,
                                 bool priced, uint64_t usdt_micro);

/* Validate a decimal amount: integer part "0" or [1-9][0-9]* (at most 18 digits), optional '.'
 * and 1..8 decimals, no sign, exponent or spaces, value > 0. *int_part and *frac_e8 (the
 * decimals in 1e-8 units; either may be NULL) get the value. SD_E_INVALID otherwise. */
sd_err sd_remedy_amount_parse(const char *s, uint64_t *int_part, uint32_t *frac_e8);

/* ---- remedies ---- */

struct sd_remedy_approval {
    char user[SD_MAX_AGENT + 1];
    uint64_t at;
};

/* A remedy as shown to callers: no plaintext PII (the destination UID is masked, keeping its
 * first 2 and last 2 characters). Plain data: no clear function needed. */
struct sd_remedy {
    uint64_t id, ticket_id;
    enum sd_remedy_kind kind;
    char asset[SD_REMEDY_MAX_ASSET + 1];
    char amount[SD_REMEDY_MAX_AMOUNT + 1];
    uint64_t amount_usdt_micro; /* 0 when !priced */
    bool priced;
    char to_uid_masked[SD_REMEDY_MASKED_UID]; /* "[shredded]" after crypto-shredding */
    char justification[SD_MAX_REASON + 1];
    char requester[SD_MAX_AGENT + 1];
    enum sd_remedy_state state; /* effective now: expiry and void approvals applied */
    unsigned quorum;
    unsigned approvals_needed; /* remaining; 0 unless pending */
    size_t n_approvals;        /* approvals that count now */
    struct sd_remedy_approval approvals[SD_REMEDY_MAX_APPROVALS];
    size_t n_void;                   /* stored approvals that no longer count (disabled user, role
                                   revoked) */
    uint64_t created_at, expires_at; /* expires_at 0: never (freeze reviews) */
    uint64_t executed_at;
    char executed_by[SD_MAX_AGENT + 1];
    char rejected_by[SD_MAX_AGENT + 1];
    char reject_reason[SD_MAX_REASON + 1];
    char idempotency_key[SD_REMEDY_MAX_IDEMPOTENCY + 1];
    uint64_t freeze_id;                         /* freeze reviews: the freeze reviewed */
    bool dest_is_customer;                      /* the destination is the ticket's customer UID */
    char destination_reason[SD_MAX_REASON + 1]; /* third_party_payout */
    /* Only after sd_remedy_review (PII: wipe the struct with sodium_memzero when done): */
    bool unmasked;
    char to_uid[SD_MAX_UID + 1];       /* the destination, in the clear */
    char customer_uid[SD_MAX_UID + 1]; /* the ticket's customer UID, in the clear ("" none) */
};

struct sd_remedy_list {
    struct sd_remedy *items; /* newest first */
    size_t n;
    bool truncated; /* more than SD_REMEDY_MAX_LIST matched */
};
void sd_remedy_list_clear(struct sd_remedy_list *l);

struct sd_remedy_new {
    uint64_t ticket_id;
    enum sd_remedy_kind kind;       /* any but SD_RK_FREEZE_REVIEW */
    const char *asset;              /* fund-moving kinds: an asset with a rate in the policy
                                  (else SD_E_INVALID); account_unfreeze: NULL or "" */
    const char *amount;             /* sd_remedy_amount_parse; account_unfreeze: NULL or "" */
    const char *to_uid;             /* destination account UID: 1..SD_MAX_UID printable ASCII, no
                                  spaces. PII: sealed under the ticket's customer data key.
                                  Fund-moving kinds pay the ticket's customer: NULL/"" or that
                                  very UID; third_party_payout: required (another account);
                                  account_unfreeze: the frozen account, default the ticket's
                                  customer */
    const char *justification;      /* 1..SD_MAX_REASON bytes of valid text, no secrets */
    const char *destination_reason; /* third_party_payout: required, like justification;
                                       other kinds: NULL or "" */
};

/* Who counts as an approver: approvals are matched to people by name, case-insensitively and
 * with an "offline:" prefix ignored, so no one approves their own request under another
 * spelling. An approval counts while its user is enabled, was not disabled after giving it
 * (re-enabling does not revive it; the user may approve again), still holds an approving role
 * for the kind in the users table, and neither made the requester's account nor was made by
 * the requester within the creator cool-off; a name absent from the users table (the offline
 * operator, the system) counts as it was given, since such an actor already controls the data
 * dir. */

/* Request a remedy on ticket in->ticket_id. Quorum and expiry are fixed from the policy now.
 * The destination of a fund-moving kind is the ticket's sealed customer UID: a different
 * to_uid is SD_E_INVALID ("to_uid: ..."), a ticket without a customer UID SD_E_PRECONDITION.
 * SD_E_INVALID bad input (the reason names the field); SD_E_NOTFOUND no such ticket;
 * SD_E_DENIED an agent (without supervisor or compliance) on a ticket assigned to someone
 * else; SD_E_SHREDDED the ticket's customer data key was erased. *out (may be NULL) gets the
 * new remedy (state pending). */
sd_err sd_remedy_request(struct sd_desk *d, const struct sd_actor *a,
                         const struct sd_remedy_new *in, struct sd_remedy *out, const char **why);

/* Approve as actor a. SD_E_DENIED: a requested it, lacks an approving role for the kind, or is
 * a disabled user; SD_E_CONFLICT: a already approved; SD_E_PRECONDITION: executed, rejected or
 * expired (an expiry found here is persisted and audited as "remedy.expire" even though the
 * call fails); SD_E_LIMIT: SD_REMEDY_MAX_APPROVALS reached; SD_E_NOTFOUND. Reaching quorum
 * makes it approved; for a freeze review it makes it executed (closed). */
sd_err sd_remedy_approve(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                         struct sd_remedy *out, const char **why);

/* Reject with a reason (1..SD_MAX_REASON, no secrets): final. Needs an approving role for the
 * kind; the requester cannot reject (SD_E_DENIED); SD_E_PRECONDITION when already final. */
sd_err sd_remedy_reject(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                        const char *reason, struct sd_remedy *out, const char **why);

/* Execute: only when approved now (quorum of approvals that still count, not expired). Stores
 * the idempotency key and writes the back-office instruction (remedies table 'I' | id, a copy
 * of the executed RemedyRecord) exactly once. A replay with the key of the execution returns
 * SD_OK and the executed remedy as it is (nothing written, no second instruction); another key
 * after execution is SD_E_PRECONDITION "remedy already executed with another idempotency key".
 * Other refusals (SD_E_PRECONDITION): "quorum not met", "remedy expired" (persisted as above),
 * "remedy was rejected"; SD_E_INVALID bad key. Freeze reviews close by approval and are never
 * executed. */
sd_err sd_remedy_execute(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                         const char *idempotency_key, struct sd_remedy *out, const char **why);

/* The approver's view: like sd_remedy_get, plus the destination and the ticket's customer UID
 * unmasked side by side (out->unmasked, out->to_uid, out->customer_uid; wipe them). Only for
 * users who may approve the kind (SD_E_DENIED otherwise, the requester included); audited as
 * "remedy.review" and charged to the actor's unmask limit (SD_E_LIMIT past it). */
sd_err sd_remedy_review(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                        struct sd_remedy *out, const char **why);

/* Read one remedy (read txn; nothing is written, expiry is shown but not persisted). */
sd_err sd_remedy_get(struct sd_desk *d, const struct sd_actor *a, uint64_t id,
                     struct sd_remedy *out, const char **why);
/* Remedies newest first, optionally only those whose effective state is `state` (0: any).
 * *out owned by the caller (sd_remedy_list_clear). */
sd_err sd_remedy_list(struct sd_desk *d, const struct sd_actor *a, int state,
                      struct sd_remedy_list *out, const char **why);

/* The pending remedies actor a may approve now (issue 16: the console's inbox), oldest
 * first: sd_remedy_approve's rules applied without writing (not their own request, an
 * approving role for the kind, an enabled account, no creator tie, the account not frozen)
 * and no approval of theirs that still counts. Writes at most cap ids, *n how many, *more
 * when more were left out. Read-only. */
sd_err sd_remedy_approvable(struct sd_desk *d, const struct sd_actor *a, uint64_t *ids, size_t cap,
                            size_t *n, bool *more);

/* Emergency freeze of customer account `customer_uid` from security ticket `ticket_id`: one
 * person, immediate. Until an approved account_unfreeze for the account is executed, every
 * fund-moving remedy whose destination or ticket customer is that account is refused at
 * request, approval and execution (SD_E_PRECONDITION "... frozen by an emergency freeze
 * ..."). Allowed for security_admin, supervisor or system (else SD_E_DENIED); the ticket must
 * exist (SD_E_NOTFOUND) and be category security (SD_E_PRECONDITION); reason
 * 1..SD_MAX_REASON, no secrets. Writes the freeze record (remedies table 'F' | id: the UID's
 * blind index and sealed form, ticket, who, reason, time) and opens a freeze_review remedy,
 * which never expires and which the freezer cannot approve; *out_review (may be NULL) gets it.
 * Audited as "account.freeze" (target "customer:<blind index hex>") and "remedy.request". */
sd_err sd_freeze(struct sd_desk *d, const struct sd_actor *a, const char *customer_uid,
                 uint64_t ticket_id, const char *reason, struct sd_remedy *out_review,
                 const char **why);

/* Freeze status of a customer account, for `customer get`. No plaintext PII. */
struct sd_customer_status {
    char uid_masked[SD_REMEDY_MASKED_UID];
    bool frozen; /* an emergency freeze no approved unfreeze has lifted */
    uint64_t freeze_id, frozen_at, ticket_id, review_id;
    enum sd_remedy_state review_state; /* of the freeze review (executed: closed) */
    char frozen_by[SD_MAX_AGENT + 1];
    char reason[SD_MAX_REASON + 1];
};

/* The freeze status of account `uid` (looked up by its blind index). Supervisor, compliance,
 * security_admin or system (SD_E_DENIED otherwise); SD_E_INVALID bad UID. Audited as
 * "customer.read" (target "customer:<blind index hex>"). */
sd_err sd_customer_get(struct sd_desk *d, const struct sd_actor *a, const char *uid,
                       struct sd_customer_status *out, const char **why);

#endif
