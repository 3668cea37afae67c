/* sealdesk authz: users (Argon2id passwords, TOTP), sessions (random tokens stored as hashes),
 * roles and the one policy table that says which role may call what.
 *
 * Functions taking a struct sd_txn run inside the caller's txn (write txns for anything that
 * changes state); the caller appends the audit entry in the same txn. */
#ifndef SEALDESK_AUTHZ_H
#define SEALDESK_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealdesk/crypto.h"
#include "sealdesk/store.h"

enum sd_role {
    SD_ROLE_AGENT = 1u << 0,
    SD_ROLE_SUPERVISOR = 1u << 1,
    SD_ROLE_COMPLIANCE = 1u << 2,
    SD_ROLE_SECURITY_ADMIN = 1u << 3,
    SD_ROLE_AUDITOR = 1u << 4,
    /* A service identity (issue 15): sealmailgate and the exchange's chat/web/social/phone
     * front-ends. It may call the Intake service and nothing else (policy.c). */
    SD_ROLE_INTAKE = 1u << 5,
    /* The back-office service identity (issue 15): reads and acknowledges the event feed and
     * syncs customer profiles; nothing else. */
    SD_ROLE_BACKOFFICE = 1u << 6,
    /* Not a user role: the local operator of `sealctl --offline` and the server itself. */
    SD_ROLE_SYSTEM = 1u << 15,
};
#define SD_ROLES_USER_MASK 0x7fu
#define SD_ROLES_COUNT     7 /* user roles: bits 0..6 */

/* "agent", "supervisor", ... for one bit (static). */
const char *sd_role_name(unsigned bit);
/* "agent,supervisor" -> mask. SD_E_INVALID for an unknown or empty name. */
sd_err sd_roles_parse(unsigned *mask, const char *csv);
/* Comma-separated names of mask into out. */
void sd_roles_format(char *out, size_t cap, unsigned mask);

#define SD_USER_NAME_MAX      64
#define SD_PASSWORD_MAX       128
#define SD_TOKEN_BYTES        32 /* 256-bit session tokens */
#define SD_TOKEN_HEX          (2 * SD_TOKEN_BYTES)
#define SD_SESSION_TTL        (8 * 3600) /* absolute expiry */
#define SD_SESSION_IDLE       (30 * 60)  /* idle expiry */
#define SD_LOGIN_MAX_FAILS    10         /* then locked */
#define SD_LOGIN_LOCK_SECONDS (15 * 60)
#define SD_UNMASK_PER_HOUR    50

#define SD_LOCALE_MAX  2  /* bytes of a console locale ("en", "zh", "ko") */
#define SD_USER_TZ_MAX 64 /* bytes of a time zone name (SD_TZ_NAME_MAX) */

struct sd_user {
    uint64_t id;
    char name[SD_USER_NAME_MAX + 1];
    unsigned roles;
    bool disabled;
    bool totp;
    unsigned failed_logins;
    uint64_t locked_until;
    uint64_t created_at;
    char cert_fingerprint[65];
    char created_by[SD_USER_NAME_MAX + 16];  /* who requested (or, offline, made) the user */
    char approved_by[SD_USER_NAME_MAX + 16]; /* the second security admin; "" offline */
    uint64_t disabled_at;                    /* last disable; 0 never */
    char locale[SD_LOCALE_MAX + 1];          /* console language: "en", "zh", "ko"; "" unset */
    char time_zone[SD_USER_TZ_MAX + 1];      /* IANA zone name; "" = UTC */
};

/* Passwords (Argon2id strings of crypto_pwhash_str). A new password: 12 to SD_PASSWORD_MAX
 * bytes of UTF-8 without control characters, not containing the user name (any case), not the
 * old password. */
#define SD_PASSWORD_MIN 12
#define SD_PWHASH_BYTES 128
/* SD_OK, or SD_E_INVALID with *why (static text naming the field) for a password the rules
 * refuse. old may be NULL. */
sd_err sd_password_rules(const char *name, const char *old, const char *pw, const char **why);
/* Argon2id hash of pw into out (SD_E_NOMEM when the memory limit cannot be had). Slow (~0.1
 * s): keep it out of write txns. */
sd_err sd_password_hash(char out[SD_PWHASH_BYTES], const char *pw);
/* true when pw matches hash (constant work); false too for an empty hash. */
bool sd_password_verify(const char *hash, const char *pw);
/* The stored hash of user name (SD_E_NOTFOUND). */
sd_err sd_user_password_get(struct sd_txn *t, const char *name, char out[SD_PWHASH_BYTES]);
/* Replace the hash of name with new_hash if it is still expect_hash (SD_E_CONFLICT when it
 * changed meanwhile) and end every session of the user created at or before now. */
sd_err sd_user_password_set(struct sd_txn *t, const char *name, const char *expect_hash,
                            const char *new_hash, uint64_t now);

/* Roles that must use TOTP (supervisor, compliance, security_admin). */
bool sd_roles_need_totp(unsigned roles);

/* Create a user with a generated password (20 chars, printed once) and, unless no_totp, a
 * TOTP secret (sealed like PII). password gets the password, totp_uri the otpauth:// URI ("" if
 * none); both must be wiped by the caller. SD_E_CONFLICT: name taken; SD_E_INVALID: bad name
 * or roles, or no_totp for a role that needs TOTP. */
sd_err sd_user_add(struct sd_txn *t, const struct sd_keyring *kr, const char *name, unsigned roles,
                   bool no_totp, const char *cert_fingerprint, char password[SD_PASSWORD_MAX + 1],
                   char totp_uri[256]);
sd_err sd_user_get(struct sd_txn *t, const char *name, struct sd_user *out);
/* Replace the roles of user `name` (SD_E_INVALID: empty or unknown bits, or a role that needs
 * TOTP for a user without it). */
sd_err sd_user_set_roles(struct sd_txn *t, const char *name, unsigned roles);
/* New TOTP secret for user `name` (sealed like sd_user_add's); totp_uri gets the otpauth://
 * URI (wiped by the caller). Every session of the user is revoked. */
sd_err sd_user_reset_totp(struct sd_txn *t, const struct sd_keyring *kr, const char *name,
                          char totp_uri[256]);
/* Record who made user `name` (created_by, approved_by: actor names; approved_by may be NULL). */
sd_err sd_user_set_creator(struct sd_txn *t, const char *name, const char *created_by,
                           const char *approved_by);
/* The console preferences a user sets for themselves: locale one of "en", "zh", "ko" (the
 * console's languages) and time_zone "" (UTC) or a zone of the tz database (sd_tz_offset; a
 * fixed "UTC+HH:MM" is no IANA name and is refused, "UTC" itself is fine). SD_OK, or
 * SD_E_INVALID with *field (may be NULL) "locale" or "time_zone". Touches nothing. */
sd_err sd_user_prefs_check(const char *locale, const char *time_zone, const char **field);
/* Store them for user `name` after sd_user_prefs_check (same errors; SD_E_NOTFOUND). */
sd_err sd_user_set_prefs(struct sd_txn *t, const char *name, const char *locale,
                         const char *time_zone, const char **field);
/* Disable (true) or enable; disabling also revokes every session and stamps disabled_at, so the
 * user's earlier remedy approvals stop counting for good (re-enabling does not revive them). */
sd_err sd_user_set_disabled(struct sd_txn *t, const char *name, bool disabled);
/* Revoke all sessions of a user. */
sd_err sd_user_revoke_sessions(struct sd_txn *t, const char *name, uint64_t now);
/* List users (metadata only). *out is malloc'ed (free()). */
sd_err sd_user_list(struct sd_txn *t, struct sd_user **out, size_t *n);

/* Login: password (Argon2id verify), TOTP when the user has it (RFC 6238, SHA-1, 30 s, 6
 * digits, +-1 step, each step usable once), optional certificate binding. On success writes a
 * session and returns the token (hex) and expiry. Failures count towards the lockout; after
 * SD_LOGIN_MAX_FAILS the user is locked for SD_LOGIN_LOCK_SECONDS, and a lock that has expired
 * is cleared together with its failure count. Returns SD_E_UNAUTH for every refusal: bad
 * credential, unknown name, locked or disabled user look the same to the caller (a locked or
 * disabled user is refused whatever password was typed). The caller commits the txn either way
 * (the failure counter must persist) and audits. This runs Argon2id inside t: servers use the
 * three steps below instead, which keep the hash out of the write txn. */
sd_err sd_auth_login(struct sd_txn *t, const struct sd_keyring *kr, const char *name,
                     const char *password, const char *totp_code, const char *cert_fingerprint,
                     uint64_t now, char token[SD_TOKEN_HEX + 1], uint64_t *expires_at);

/* Why a login ended as it did: for the audit record only, never for the caller. */
enum sd_login_outcome {
    SD_LOGIN_OK,
    SD_LOGIN_BAD,     /* wrong password, TOTP or certificate */
    SD_LOGIN_UNKNOWN, /* no such user (or a malformed name) */
    SD_LOGIN_LOCKED,
    SD_LOGIN_DISABLED,
    SD_LOGIN_THROTTLED, /* refused by the failed-login throttle before any check */
};
#define SD_PWHASH_MAX 128 /* crypto_pwhash_STRBYTES */
/* Step 1 (read txn): copy name's stored password hash into hash. SD_E_NOTFOUND if unknown. */
sd_err sd_auth_password_hash(struct sd_txn *t, const char *name, char hash[SD_PWHASH_MAX]);
/* Step 2 (no txn; slow: Argon2id): true if password matches hash. With hash NULL or "" (an
 * unknown user) does the same work against a dummy hash and returns false. Thread-safe. */
bool sd_auth_password_verify(const char *hash, const char *password);
/* Step 3 (write txn, fast): everything but the hash, as sd_auth_login. checked_hash is the hash
 * step 2 verified against (a password changed in between makes the login fail); password_ok
 * its result. *why (may be NULL) gets the outcome for the audit record. */
sd_err sd_auth_login_finish(struct sd_txn *t, const struct sd_keyring *kr, const char *name,
                            const char *checked_hash, bool password_ok, const char *totp_code,
                            const char *cert_fingerprint, uint64_t now,
                            char token[SD_TOKEN_HEX + 1], uint64_t *expires_at,
                            enum sd_login_outcome *why);

/* ---- failed-login throttle (throttle.c): in memory, per process ----
 * Failed logins are counted per source address and per typed name (existing or not: the answer
 * must not reveal which names exist) in fixed windows. A key that reaches its limit within a
 * window is refused for one window, then twice as long at each further strike, up to
 * backoff_max_s; a quiet spell of backoff_max_s after the last block forgets the strikes. Keys
 * are stored as keyed SipHash digests in fixed-size tables (oldest entry evicted): memory is
 * bounded whatever is sprayed. All functions are thread-safe; a NULL throttle allows all. */
struct sd_login_limits {
    unsigned fails_per_source; /* failed logins per source address per window (default 20) */
    unsigned fails_per_name;   /* failed logins per typed name per window (default 5) */
    unsigned window_s;         /* window length in seconds (default 60) */
    unsigned backoff_max_s;    /* longest back-off (default 3600; >= window_s) */
};
void sd_login_limits_defaults(struct sd_login_limits *l);
struct sd_throttle;
/* SD_E_INVALID for limits of 0 or backoff_max_s < window_s; SD_E_NOMEM. */
sd_err sd_throttle_new(struct sd_throttle **out, const struct sd_login_limits *l);
void sd_throttle_free(struct sd_throttle *t);
/* SD_E_LIMIT if source (NULL or "": not counted) or name is backing off at now; *retry_at (may
 * be NULL) gets the time the longer back-off ends. */
sd_err sd_throttle_check(struct sd_throttle *t, const char *source, const char *name, uint64_t now,
                         uint64_t *retry_at);
/* Count one failed login for source and name. */
void sd_throttle_fail(struct sd_throttle *t, const char *source, const char *name, uint64_t now);
/* A successful login clears the name's failures and strikes (not the source's). */
void sd_throttle_success(struct sd_throttle *t, const char *name, uint64_t now);

struct sd_session {
    char user[SD_USER_NAME_MAX + 1];
    unsigned roles;
    uint64_t expires_at;
    uint64_t last_seen;
};
/* Check a token: SD_E_UNAUTH if unknown, expired, idle too long, revoked, user disabled, or
 * bound to another certificate. Read txn is enough; sd_auth_touch refreshes last_seen. */
sd_err sd_auth_check(struct sd_txn *t, const char *token, const char *cert_fingerprint,
                     uint64_t now, struct sd_session *out);
/* Refresh idle time (write txn); cheap no-op when touched within the last minute. */
sd_err sd_auth_touch(struct sd_txn *t, const char *token, uint64_t now);
sd_err sd_auth_logout(struct sd_txn *t, const char *token);
/* Delete every session of every user (after a restore: a backup must not bring revoked
 * sessions back). *n gets how many there were. Write txn. */
sd_err sd_session_purge_all(struct sd_txn *t, uint64_t *n);

/* Unmask rate limit: counts one unmask for user; SD_E_LIMIT past SD_UNMASK_PER_HOUR. */
sd_err sd_auth_unmask_charge(struct sd_txn *t, const char *user, uint64_t now);

/* TOTP (RFC 6238) and base32 (RFC 4648), exposed for tests and tools. */
uint32_t sd_totp_code(const uint8_t *secret, size_t n, uint64_t counter, unsigned digits);
sd_err sd_base32_encode(char *out, size_t cap, const uint8_t *in, size_t n);
sd_err sd_base32_decode(uint8_t *out, size_t cap, size_t *n, const char *in);

/* ---- policy: the role x operation matrix, one table ---- */
enum sd_op {
    SD_OP_TICKET_CREATE,
    SD_OP_TICKET_GET,
    SD_OP_TICKET_UNMASK,
    SD_OP_TICKET_LIST,
    SD_OP_TICKET_FIND,
    SD_OP_TICKET_TRANSITION,
    SD_OP_TICKET_ASSIGN,
    SD_OP_TICKET_COMMENT,
    SD_OP_TICKET_RATE,
    SD_OP_QUEUE_CLAIM,
    SD_OP_SLA_OVERDUE,
    SD_OP_STATS,
    SD_OP_TRIAGE,
    SD_OP_AUDIT_READ,
    SD_OP_AUDIT_EXPORT,
    SD_OP_REMEDY_REQUEST,
    SD_OP_REMEDY_APPROVE,
    SD_OP_REMEDY_READ,
    SD_OP_REMEDY_EXECUTE,
    SD_OP_FREEZE,
    SD_OP_USER_ADMIN,
    SD_OP_KEY_ADMIN,
    SD_OP_SESSION, /* logout, whoami: any authenticated user */
    SD_OP_KB_READ,
    SD_OP_KB_EDIT,
    SD_OP_ROUTING,
    SD_OP_INCIDENT,
    SD_OP_INCIDENT_LINK,
    SD_OP_KEY_AUDIT_ROTATE, /* Keys/RotateAuditKey: security_admin */
    SD_OP_CUSTOMER_READ,    /* Remedies/GetCustomer: freeze status of an account */
    SD_OP_INCIDENT_READ,    /* Incidents/Get, List */
    SD_OP_AUDIT_SEARCH,     /* Audit/Search: compliance, auditor */
    SD_OP_CUSTOMER_EDIT,    /* customer profile upsert (src/customers): supervisor */
    SD_OP_CUSTOMER_SYNC,    /* back-office profile sync: the backoffice service identity */
    SD_OP_ATTACH_READ,      /* attachment download: the ticket-unmask rule applies on top */
    SD_OP_EVENTS_READ,      /* back-office event feed read (src/events) */
    SD_OP_EVENTS_ACK,       /* back-office event feed acknowledgement */
    /* The Intake service (issue 15): the intake identity only (and the local operator). */
    SD_OP_INTAKE_CREATE,  /* CreateTicket */
    SD_OP_INTAKE_MESSAGE, /* AddMessage */
    SD_OP_INTAKE_MAIL,    /* SubmitMail */
    SD_OP_INTAKE_STATUS,  /* GetStatus */
    SD_OP_INTAKE_SUGGEST, /* SuggestArticles */
    SD_OP_INTAKE_RATE,    /* RateTicket */
    SD_OP_INTAKE_VERIFY,  /* VerifyMessage */
    /* Auth/Me, Auth/SetPreferences (issue 16): a person's own account and console settings;
     * every human role, not the service identities. */
    SD_OP_SELF,
    SD_OP_TICKET_SET_TRIAGE, /* correct category/priority (issue 17); fund-safety: sd_ticket_set_triage */
    SD_OP_COUNT
};
const char *sd_op_name(enum sd_op op);
/* true if any role in `roles` may perform op (SD_ROLE_SYSTEM may do everything). */
bool sd_policy_allows(unsigned roles, enum sd_op op);

/* true when s is a well-formed user name: 1..SD_USER_NAME_MAX of [A-Za-z0-9._@-]. */
bool sd_user_name_ok(const char *s);

#endif
