/* Allocation failure, SQLite style: each desk operation is run with its 1st, 2nd, 3rd, ...
 * heap allocation failing (tests/unit/alloc_wrap.c, armed by sd_alloc_test_fail_after) until it
 * gets through. Every failing run must return an error (never crash), leak nothing (LeakSanitizer
 * in the ASan build, valgrind in the Release one) and leave the store unchanged: a digest of
 * every pair of every LMDB table is the same before and after. */
#include "test_helpers.h"

#include <sodium.h>

#include "alloc_wrap.h"
#include "tickets/desk_int.h"
#include "sealdesk/incident.h"
#include "sealdesk/kb.h"
#include "sealdesk/keyops.h"
#include "sealdesk/remedy.h"
#include "sealdesk/route.h"
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
    uint64_t ticket, other, queued, remedy, kb, incident, uadm;
};

/* SHA-256 over every (table, key, value) of the store, in cursor order, and over what the
 * desk's keyring caches of it: the current KEK version, the blind index of a probe (so the
 * blind-index key) and the audit public key. A failed operation changes none of them. */
static void
store_digest(struct sd_desk *d, uint8_t out[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256_state h;
    uint8_t probe[SD_BIDX_BYTES], pk[SD_SIG_PK_BYTES], kek[4];
    struct sd_txn *t;

    crypto_hash_sha256_init(&h);
    sd_put_u32be(kek, sd_keyring_kek_current(d->kr));
    assert_int_equal(sd_bidx(d->kr, SD_BIDX_EMAIL, "probe@example.com", 17, probe), SD_OK);
    assert_int_equal(sd_sig_public_key(d->kr, pk), SD_OK);
    crypto_hash_sha256_update(&h, kek, sizeof(kek));
    crypto_hash_sha256_update(&h, probe, sizeof(probe));
    crypto_hash_sha256_update(&h, pk, sizeof(pk));
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
new_ticket(struct sd_desk *d, const char *email, uint64_t *id)
{
    struct sd_ticket_new in;
    struct sd_ticket t;
    sd_err err;

    memset(&in, 0, sizeof(in));
    memset(&t, 0, sizeof(t));
    in.channel = SD_CH_EMAIL;
    in.category = SD_CAT_DEPOSIT;
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
op_user_add(struct sd_desk *d, struct ids *s)
{
    char pw[SD_PASSWORD_MAX + 1], uri[256];

    (void)s;
    return sd_desk_user_add(d, &sys, "wei", SD_ROLE_AGENT, true, NULL, pw, uri);
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
                           "where-is-my-deposit"};

    return sd_kb_add(d, &sys, &in, &s->kb);
}

static sd_err
op_kb_edit(struct sd_desk *d, struct ids *s)
{
    struct sd_kb_edit e = {
        "Where is my USDT deposit", "Deposits need 20 confirmations.", -1, NULL, 0, false, 0};
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
    err = sd_desk_user_offboard(d, &sys, "wei", &u, &ids, &n);
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
    {"ticket.create", op_ticket_create},
    {"ticket.create (2)", op_ticket_create_other},
    {"ticket.create (3)", op_ticket_create_queued},
    {"ticket.comment", op_ticket_comment},
    {"ticket.comment internal", op_ticket_note},
    {"ticket.get unmasked", op_ticket_get_unmasked},
    {"ticket.assign", op_ticket_assign},
    {"ticket.find", op_ticket_find},
    {"kb.add", op_kb_add},
    {"kb.edit", op_kb_edit},
    {"remedy.request", op_remedy_request},
    {"remedy.approve", op_remedy_approve},
    {"remedy.execute", op_remedy_execute},
    {"uadm.request", op_uadm_request},
    {"uadm.approve", op_uadm_approve},
    {"incident.open", op_incident_open},
    {"incident.link", op_incident_link},
    {"incident.update", op_incident_update},
    {"agent.set", op_agent_set},
    {"queue.claim", op_queue_claim},
    {"ticket.status", op_ticket_status},
    {"ticket.rate", op_ticket_rate},
    {"key.rotate", op_key_rotate},
    {"key.bidx_rotate", op_bidx_rotate},
    {"audit.checkpoint", op_audit_checkpoint},
    {"user.offboard", op_user_offboard},
    {"key.shred", op_key_shred},
};

static void
bootstrap(struct sd_desk *d, const char *name, unsigned roles)
{
    char pw[SD_PASSWORD_MAX + 1], uri[256];

    assert_int_equal(sd_desk_user_add(d, &sys, name, roles, false, NULL, pw, uri), SD_OK);
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
            unsigned long base = alloc_wrap_count();
            bool fired;
            sd_err err;

            assert_true(n < MAX_TRIES);
            sd_alloc_test_fail_after(n);
            err = ops[i].run(f->d, &s);
            sd_alloc_test_fail_after(0);
            fired = alloc_wrap_count() - base >= n;
            if(err == SD_OK) {
                if(fired)
                    fail_msg("%s: allocation %u failed, yet the operation reported success",
                             ops[i].name, n);
                break;
            }
            if(!fired)
                fail_msg("%s: failed with %s without an allocation failing", ops[i].name,
                         sd_err_name(err));
            store_digest(f->d, after);
            if(memcmp(before, after, sizeof(before)) != 0)
                fail_msg("%s: allocation %u failed (%s) and the store or keyring changed",
                         ops[i].name, n, sd_err_name(err));
        }
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
