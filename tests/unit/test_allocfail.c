/* Allocation failure, SQLite style: each desk operation is run with its 1st, 2nd, 3rd, ...
 * heap allocation failing (tests/unit/alloc_wrap.c, armed by sd_alloc_test_fail_after) until it
 * gets through. Every failing run must return an error (never crash), leak nothing (LeakSanitizer
 * in the ASan build, valgrind in the Release one) and leave the store unchanged: a digest of
 * every pair of every LMDB table is the same before and after. */
#include "test_helpers.h"

#include <sodium.h>

#include "alloc_wrap.h"
#include "tickets/desk_int.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/desk_audit.h"
#include "sealdesk/incident.h"
#include "sealdesk/kb.h"
#include "sealdesk/keyops.h"
#include "sealdesk/remedy.h"
#include "sealdesk/queue.h"
#include "sealdesk/route.h"
#include "sealdesk/stats.h"
#include "sealdesk/tickets.h"
#include "sealdesk/store.h"
#include "sealdesk/user_admin.h"

#if defined(__SANITIZE_ADDRESS__)
#define SD_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SD_LSAN 1
#endif
#endif
#ifdef SD_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#define MAX_TRIES 5000u

static const struct sd_actor sys = {"offline:root", NULL, SD_ROLE_SYSTEM};
static const struct sd_actor wei = {"wei", NULL, SD_ROLE_AGENT};
static const struct sd_actor bob = {"bob", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor carol = {"carol", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor sa1 = {"sa1", NULL, SD_ROLE_SECURITY_ADMIN};
static const struct sd_actor sa2 = {"sa2", NULL, SD_ROLE_SECURITY_ADMIN};

/* What the operations create for the ones after them. */
struct ids {
    uint64_t ticket, other, queued, security, remedy, remedy2, kb, incident, uadm, uadm2;
    char password[SD_PASSWORD_MAX + 1];
};

/* SHA-256 over every (table, key, value) of the store, in cursor order, and over what the
 * desk's keyring holds beside it: the current KEK version (new data keys are wrapped by it) and
 * the blind index of a probe (so the blind-index key). A failed operation changes none of
 * them. (The audit signing key is left out: the keyring adopts a committed rotation at the
 * next checkpoint, whichever operation writes it.) */
static void
store_digest(struct sd_desk *d, uint8_t out[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256_state h;
    uint8_t probe[SD_BIDX_BYTES], kek[4];
    struct sd_txn *t;

    crypto_hash_sha256_init(&h);
    sd_put_u32be(kek, sd_keyring_kek_current(d->kr));
    assert_int_equal(sd_bidx(d->kr, SD_BIDX_EMAIL, "probe@example.com", 17, probe), SD_OK);
    crypto_hash_sha256_update(&h, kek, sizeof(kek));
    crypto_hash_sha256_update(&h, probe, sizeof(probe));
    assert_int_equal(sd_txn_begin(d->store, false, &t), SD_OK);
    for(int db = 0; db < SD_DB_COUNT; db++) {
        struct sd_cursor *c;
        struct sd_val k, v;
        uint8_t len[16];
        sd_err rc;

        assert_int_equal(sd_cursor_open(t, (enum sd_db)db, &c), SD_OK);
        for(rc = sd_cursor_get(c, SD_CUR_FIRST, &k, &v); rc == SD_OK;
            rc = sd_cursor_get(c, SD_CUR_NEXT, &k, &v)) {
            sd_put_u64be(len, (uint64_t)db << 32 | k.n);
            sd_put_u64be(len + 8, v.n);
            crypto_hash_sha256_update(&h, len, sizeof(len));
            crypto_hash_sha256_update(&h, k.p, k.n);
            crypto_hash_sha256_update(&h, v.p, v.n);
        }
        assert_int_equal(rc, SD_E_NOTFOUND);
        sd_cursor_close(c);
    }
    sd_txn_abort(t);
    crypto_hash_sha256_final(&h, out);
}

/* ---- the operations: each returns the library's answer and frees what it got ---- */

static sd_err
new_ticket_in(struct sd_desk *d, const char *email, int category, uint64_t *id)
{
    struct sd_ticket_new in;
    struct sd_ticket t;
    sd_err err;

    memset(&in, 0, sizeof(in));
    memset(&t, 0, sizeof(t));
    in.channel = SD_CH_EMAIL;
    in.category = category;
    in.field[SD_F_SUBJECT] = "deposit missing";
    in.field[SD_F_BODY] = "my USDT deposit is not credited, seed abandon ability able about "
                          "above absent absorb abstract absurd abuse access accident";
    in.field[SD_F_CUSTOMER_NAME] = "Alice Example";
    in.field[SD_F_CUSTOMER_EMAIL] = email;
    in.field[SD_F_CUSTOMER_UID] = "UID-100200300";
    in.field[SD_F_IP_ADDRESS] = "203.0.113.7";
    err = sd_ticket_create(d, &sys, &in, &t);
    if(err == SD_OK)
        *id = t.id;
    sd_ticket_clear(&t);
    return err;
}

static sd_err
new_ticket(struct sd_desk *d, const char *email, uint64_t *id)
{
    return new_ticket_in(d, email, SD_CAT_DEPOSIT, id);
}

static sd_err
op_user_add(struct sd_desk *d, struct ids *s)
{
    char uri[256];

    return sd_access_user_add(d, &sys, "wei", SD_ROLE_AGENT, true, NULL, s->password, uri);
}

static sd_err
op_ticket_create(struct sd_desk *d, struct ids *s)
{
    return new_ticket(d, "alice@example.com", &s->ticket);
}

#define TICKET_OP(name, call)                            \
    static sd_err name(struct sd_desk *d, struct ids *s) \
    {                                                    \
        struct sd_ticket t;                              \
        sd_err err;                                      \
                                                         \
        (void)s;                                         \
        memset(&t, 0, sizeof(t));                        \
        err = (call);                                    \
        sd_ticket_clear(&t);                             \
        return err;                                      \
    }
TICKET_OP(op_ticket_comment, sd_ticket_comment(d, &sys, s->ticket, "we are on it", false, &t))
TICKET_OP(op_ticket_note, sd_ticket_comment(d, &sys, s->ticket, "code 123456 from sms", true, &t))
TICKET_OP(op_ticket_get_unmasked, sd_ticket_get(d, &sys, s->ticket, true, "customer called", &t))
TICKET_OP(op_ticket_assign, sd_ticket_assign(d, &sys, s->other, "wei", &t))
TICKET_OP(op_queue_claim, sd_queue_claim(d, &wei, NULL, &t))
TICKET_OP(op_ticket_status, sd_ticket_transition(d, &sys, s->ticket, SD_ST_RESOLVED, &t))
TICKET_OP(op_ticket_rate, sd_ticket_rate(d, &sys, s->ticket, 4, &t))

static sd_err
op_ticket_create_other(struct sd_desk *d, struct ids *s)
{
    return new_ticket(d, "bob@example.com", &s->other);
}

static sd_err
op_ticket_create_queued(struct sd_desk *d, struct ids *s)
{
    return new_ticket(d, "carol@example.com", &s->queued);
}

static sd_err
op_ticket_create_security(struct sd_desk *d, struct ids *s)
{
    return new_ticket_in(d, "dave@example.com", SD_CAT_SECURITY, &s->security);
}

TICKET_OP(op_ticket_comment_article, sd_ticket_comment_article(d, &sys, s->other, s->kb, &t))

static sd_err
op_ticket_list(struct sd_desk *d, struct ids *s)
{
    struct sd_ticket_filter flt = {.category = -1};
    struct sd_ticket_list l;
    sd_err err;

    (void)s;
    memset(&l, 0, sizeof(l));
    err = sd_ticket_list(d, &flt, &l);
    sd_ticket_list_clear(&l);
    return err;
}

static sd_err
op_stats(struct sd_desk *d, struct ids *s)
{
    struct sd_stats st;

    (void)s;
    return sd_stats(d, T0 + 3600, &st);
}

static sd_err
op_kb_search(struct sd_desk *d, struct ids *s)
{
    struct sd_kb_hit hits[5];
    size_t n;

    (void)s;
    return sd_kb_search(d, "deposit confirmations", "en", 5, hits, &n);
}

static sd_err
op_ticket_find(struct sd_desk *d, struct ids *s)
{
    struct sd_ticket_list l;
    sd_err err;

    (void)s;
    memset(&l, 0, sizeof(l));
    err = sd_ticket_find(d, &wei, SD_F_CUSTOMER_EMAIL, "bob@example.com", &l);
    sd_ticket_list_clear(&l);
    return err;
}

static sd_err
op_kb_add(struct sd_desk *d, struct ids *s)
{
    static const char *const tags[] = {"deposit", "usdt"};
    struct sd_kb_new in = {"en",
                           "Where is my deposit",
                           "Deposits need **12 confirmations** before they are credited.",
                           SD_CAT_DEPOSIT,
                           tags,
                           2,
                           0,
                           0,
                           "where-is-my-deposit",
                           "my coins never showed up\nbalance still zero"};

    return sd_kb_add(d, &sys, &in, &s->kb);
}

static sd_err
op_kb_edit(struct sd_desk *d, struct ids *s)
{
    struct sd_kb_edit e = {.title = "Where is my USDT deposit",
                           .body = "Deposits need 20 confirmations.",
                           .category = -1};
    struct sd_kb_article a;
    sd_err err;

    memset(&a, 0, sizeof(a));
    err = sd_kb_edit(d, &sys, s->kb, &e, &a);
    sd_kb_article_clear(&a);
    return err;
}

static sd_err
op_remedy_request(struct sd_desk *d, struct ids *s)
{
    struct sd_remedy_new in = {
        s->other, SD_RK_COMPENSATION, "USDT", "10", NULL, "goodwill for a delayed deposit", NULL};
    struct sd_remedy r;
    sd_err err;

    err = sd_remedy_request(d, &bob, &in, &r, NULL);
    if(err == SD_OK)
        s->remedy = r.id;
    return err;
}

static sd_err
op_remedy_request2(struct sd_desk *d, struct ids *s)
{
    struct sd_remedy_new in = {s->other, SD_RK_FEE_REFUND,    "USDT", "1",
                               NULL,     "fee charged twice", NULL};
    struct sd_remedy r;
    sd_err err;

    err = sd_remedy_request(d, &bob, &in, &r, NULL);
    if(err == SD_OK)
        s->remedy2 = r.id;
    return err;
}

static sd_err
op_remedy_reject(struct sd_desk *d, struct ids *s)
{
    return sd_remedy_reject(d, &carol, s->remedy2, "already refunded", NULL, NULL);
}

static sd_err
op_freeze(struct sd_desk *d, struct ids *s)
{
    return sd_freeze(d, &sa1, "UID-100200300", s->security, "account takeover", NULL, NULL);
}

static sd_err
op_remedy_approve(struct sd_desk *d, struct ids *s)
{
    return sd_remedy_approve(d, &carol, s->remedy, NULL, NULL);
}

static sd_err
op_remedy_execute(struct sd_desk *d, struct ids *s)
{
    return sd_remedy_execute(d, &bob, s->remedy, "idem-1", NULL, NULL);
}

static sd_err
op_uadm_request(struct sd_desk *d, struct ids *s)
{
    struct sd_uadm_new in = {SD_UADM_ADD, "ag2", SD_ROLE_AGENT, false, NULL};
    char pw[SD_PASSWORD_MAX + 1], uri[256];
    struct sd_uadm u;
    sd_err err;

    err = sd_uadm_request(d, &sa1, &in, &u, pw, uri, NULL);
    if(err == SD_OK)
        s->uadm = u.id;
    return err;
}

static sd_err
op_uadm_approve(struct sd_desk *d, struct ids *s)
{
    char pw[SD_PASSWORD_MAX + 1], uri[256];
    struct sd_uadm u;

    return sd_uadm_approve(d, &sa2, s->uadm, &u, pw, uri, NULL);
}

static sd_err
op_uadm_request2(struct sd_desk *d, struct ids *s)
{
    struct sd_uadm_new in = {SD_UADM_ADD, "ag3", SD_ROLE_AGENT, false, NULL};
    char pw[SD_PASSWORD_MAX + 1], uri[256];
    struct sd_uadm u;
    sd_err err;

    err = sd_uadm_request(d, &sa1, &in, &u, pw, uri, NULL);
    if(err == SD_OK)
        s->uadm2 = u.id;
    return err;
}

static sd_err
op_uadm_reject(struct sd_desk *d, struct ids *s)
{
    struct sd_uadm u;

    return sd_uadm_reject(d, &sa2, s->uadm2, "not needed", &u, NULL);
}

static sd_err
op_login(struct sd_desk *d, struct ids *s)
{
    char token[65];
    uint64_t expires;
    unsigned roles;

    return sd_access_login(d, "wei", s->password, NULL, NULL, NULL, token, &expires, &roles);
}

static sd_err
op_sessions_invalidate(struct sd_desk *d, struct ids *s)
{
    uint64_t n;

    (void)s;
    return sd_access_sessions_invalidate(d, &sa1, "incident response", &n);
}

static sd_err
op_user_disable(struct sd_desk *d, struct ids *s)
{
    struct sd_user u;

    (void)s;
    return sd_access_user_set_disabled(d, &sys, "ag2", true, &u);
}

static sd_err
op_incident_open(struct sd_desk *d, struct ids *s)
{
    struct sd_incident i;
    sd_err err;

    err = sd_incident_open(d, &sys, "USDT deposits delayed", SD_CAT_DEPOSIT, "usdt, deposit", &i);
    if(err == SD_OK)
        s->incident = i.id;
    return err;
}

static sd_err
op_incident_link(struct sd_desk *d, struct ids *s)
{
    struct sd_incident i;

    return sd_incident_link(d, &sys, s->incident, s->queued, &i);
}

static sd_err
op_incident_update(struct sd_desk *d, struct ids *s)
{
    struct sd_incident i;

    return sd_incident_update(d, &sys, s->incident, "The chain is congested, funds are safe.", &i);
}

static sd_err
op_incident_resolve(struct sd_desk *d, struct ids *s)
{
    struct sd_incident i;

    return sd_incident_resolve(d, &sys, s->incident, true, &i);
}

static sd_err
op_agent_override(struct sd_desk *d, struct ids *s)
{
    struct sd_shift_override o = {T0 + 3600, T0 + 7200, false};

    (void)s;
    return sd_agent_override(d, &sys, "wei", &o, T0, NULL);
}

static sd_err
op_route_auto(struct sd_desk *d, struct ids *s)
{
    struct sd_route_assignment *out = NULL;
    size_t n = 0;
    sd_err err;

    (void)s;
    err = sd_route_auto(d, &sys, T0 + 3 * 3600, &out, &n);
    free(out);
    return err;
}

static sd_err
op_agent_set(struct sd_desk *d, struct ids *s)
{
    struct sd_agent_profile p;

    (void)s;
    memset(&p, 0, sizeof(p));
    snprintf(p.name, sizeof(p.name), "wei");
    p.n_langs = 1;
    snprintf(p.langs[0], sizeof(p.langs[0]), "en");
    return sd_agent_set(d, &sys, &p);
}

static sd_err
op_key_rotate(struct sd_desk *d, struct ids *s)
{
    uint32_t v;

    (void)s;
    return sd_keyops_rotate(d, &sys, &v);
}

static sd_err
op_key_rewrap(struct sd_desk *d, struct ids *s)
{
    struct sd_rewrap_progress p;

    (void)s;
    memset(&p, 0, sizeof(p));
    return sd_keyops_rewrap(d, &sys, 2, 0, &p);
}

static sd_err
op_key_retire(struct sd_desk *d, struct ids *s)
{
    (void)s;
    return sd_keyops_retire(d, &sys, 2);
}

static sd_err
op_audit_rotate(struct sd_desk *d, struct ids *s)
{
    struct sd_audit_rotation r;

    (void)s;
    return sd_keyops_audit_rotate(d, &sys, "yearly rotation", &r);
}

static sd_err
op_audit_export(struct sd_desk *d, struct ids *s)
{
    struct sd_buf b = SD_BUF_INIT;
    sd_err err;

    (void)s;
    err = sd_desk_audit_export_mem(d, &sys, 0, &b);
    sd_buf_free(&b);
    return err;
}

static sd_err
op_bidx_rotate(struct sd_desk *d, struct ids *s)
{
    uint32_t v;
    uint64_t n;

    (void)s;
    return sd_keyops_bidx_rotate(d, &sys, &v, &n);
}

static sd_err
op_audit_checkpoint(struct sd_desk *d, struct ids *s)
{
    struct sd_checkpoint cp;

    (void)s;
    return sd_desk_audit_checkpoint(d, &sys, true, &cp);
}

static sd_err
op_user_offboard(struct sd_desk *d, struct ids *s)
{
    uint64_t *ids = NULL;
    struct sd_user u;
    size_t n = 0;
    sd_err err;

    (void)s;
    err = sd_access_user_offboard(d, &sys, "wei", &u, &ids, &n);
    free(ids);
    return err;
}

static sd_err
op_key_shred(struct sd_desk *d, struct ids *s)
{
    struct sd_shred_result r;

    (void)s;
    return sd_keyops_shred(d, &sys, "UID-100200300", "customer asked to be forgotten", &r);
}

struct op {
    const char *name;
    sd_err (*run)(struct sd_desk *d, struct ids *s);
};

/* In order: each may use what the ones before it made. */
static const struct op ops[] = {
    {"user.add", op_user_add},
    {"login", op_login},
    {"ticket.create", op_ticket_create},
    {"ticket.create (2)", op_ticket_create_other},
    {"ticket.create (3)", op_ticket_create_queued},
    {"ticket.create (security)", op_ticket_create_security},
    {"ticket.comment", op_ticket_comment},
    {"ticket.comment internal", op_ticket_note},
    {"ticket.get unmasked", op_ticket_get_unmasked},
    {"ticket.assign", op_ticket_assign},
    {"ticket.find", op_ticket_find},
    {"ticket.list", op_ticket_list},
    {"kb.add", op_kb_add},
    {"kb.edit", op_kb_edit},
    {"kb.search", op_kb_search},
    {"ticket.comment article", op_ticket_comment_article},
    {"remedy.request", op_remedy_request},
    {"remedy.approve", op_remedy_approve},
    {"remedy.execute", op_remedy_execute},
    {"remedy.request (2)", op_remedy_request2},
    {"remedy.reject", op_remedy_reject},
    {"account.freeze", op_freeze},
    {"uadm.request", op_uadm_request},
    {"uadm.approve", op_uadm_approve},
    {"uadm.request (2)", op_uadm_request2},
    {"uadm.reject", op_uadm_reject},
    {"user.disable", op_user_disable},
    {"sessions.invalidate", op_sessions_invalidate},
    {"incident.open", op_incident_open},
    {"incident.link", op_incident_link},
    {"incident.update", op_incident_update},
    {"agent.set", op_agent_set},
    {"agent.override", op_agent_override},
    {"queue.claim", op_queue_claim},
    {"route.auto", op_route_auto},
    {"incident.resolve", op_incident_resolve},
    {"ticket.status", op_ticket_status},
    {"ticket.rate", op_ticket_rate},
    {"stats", op_stats},
    {"key.rotate", op_key_rotate},
    {"key.rewrap", op_key_rewrap},
    {"key.retire", op_key_retire},
    {"key.bidx_rotate", op_bidx_rotate},
    {"audit.checkpoint", op_audit_checkpoint},
    {"audit.rotate", op_audit_rotate},
    {"audit.export", op_audit_export},
    {"user.offboard", op_user_offboard},
    {"key.shred", op_key_shred},
};

static void
bootstrap(struct sd_desk *d, const char *name, unsigned roles)
{
    char pw[SD_PASSWORD_MAX + 1], uri[256];

    assert_int_equal(sd_access_user_add(d, &sys, name, roles, false, NULL, pw, uri), SD_OK);
}

static void
test_every_failed_allocation_fails_cleanly_and_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct ids s;
    unsigned long points = 0;

    memset(&s, 0, sizeof(s));
    bootstrap(f->d, "sa1", SD_ROLE_SECURITY_ADMIN);
    bootstrap(f->d, "sa2", SD_ROLE_SECURITY_ADMIN);
    for(size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        uint8_t before[crypto_hash_sha256_BYTES], after[crypto_hash_sha256_BYTES];
        unsigned n;

        store_digest(f->d, before);
        for(n = 1;; n++) {
            /* The nth allocation fails alone, then with every one after it (cleanup code
             * that allocates must cope too). */
            for(int persist = 0; persist < 2; persist++) {
                unsigned long base = alloc_wrap_count();
                bool fired;
                sd_err err;

                assert_true(n < MAX_TRIES);
                alloc_wrap_persist(persist);
                sd_alloc_test_fail_after(n);
                err = ops[i].run(f->d, &s);
                sd_alloc_test_fail_after(0);
                alloc_wrap_persist(false);
                fired = alloc_wrap_count() - base >= n;
                if(err == SD_OK) {
                    if(fired)
                        fail_msg("%s: allocation %u failed%s, yet the operation reported success",
                                 ops[i].name, n, persist ? " (and all after)" : "");
                    assert_int_equal(persist, 0);
                    goto done;
                }
                if(!fired)
                    fail_msg("%s: failed with %s without an allocation failing", ops[i].name,
                             sd_err_name(err));
                store_digest(f->d, after);
                if(memcmp(before, after, sizeof(before)) != 0)
                    fail_msg("%s: allocation %u failed%s (%s) and the store or keyring changed",
                             ops[i].name, n, persist ? " (and all after)" : "", sd_err_name(err));
            }
        }
    done:
#ifdef SD_LSAN
        if(__lsan_do_recoverable_leak_check() != 0)
            fail_msg("%s: leaked on a failed allocation", ops[i].name);
#endif
        print_message("%-24s %u allocations failed one at a time\n", ops[i].name, n - 1);
        points += n - 1;
    }
    print_message("%zu operations, %lu allocation points\n", sizeof(ops) / sizeof(ops[0]), points);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_every_failed_allocation_fails_cleanly_and_changes_nothing, fixture_setup,
            fixture_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
