/* Tickets (src/tickets): intake, triage override, the status machine, SLA and overdue,
 * comments, CSAT, blind-index find (and who may find whom), masking, statistics, redaction,
 * assignment rules, and the store never holding plaintext PII or returning tampered data. */
#include "desk_helpers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tickets/desk_int.h"
#include "sealdesk/access.h"
#include "sealdesk/actor.h"
#include "sealdesk/audit.h"
#include "sealdesk/desk.h"
#include "sealdesk/queue.h"
#include "sealdesk/redact.h"
#include "sealdesk/sla.h"
#include "sealdesk/stats.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"
#include "sealdesk/triage.h"

static void
test_create_returns_triaged_metadata_and_sla(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_CHAT;
    in.field[SD_F_SUBJECT] = "Withdrawal I did NOT make";
    in.field[SD_F_BODY] = "Someone withdrew 2,400 USDT from my account, I did not make this "
                          "withdrawal. My account was hacked, please freeze it";
    in.category = -1;
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_OK);
    assert_int_equal(t.id, 1);
    assert_int_equal(t.category, SD_CAT_SECURITY);
    assert_int_equal(t.priority, 1);
    assert_int_equal(t.status, SD_ST_RECEIVED);
    assert_int_equal(t.sla_first_response_due, T0 + 15 * 60);
    assert_int_equal(t.sla_resolution_due, T0 + 4 * 3600);
    assert_true(t.n_signals > 0);
}

static void
test_prepare_writes_nothing_and_create_prepared_matches_create(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_prep *p = NULL, *q = NULL;
    struct sd_ticket_new in;
    struct sd_ticket a, b, g;
    uint64_t before;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.field[SD_F_SUBJECT] = "提现一直在审核中";
    in.field[SD_F_BODY] = "我的USDT提现已经审核两个小时了 my seed is abandon abandon abandon "
                          "abandon abandon abandon abandon abandon abandon abandon abandon about";
    in.field[SD_F_CUSTOMER_EMAIL] = "prep@example.com";
    in.category = -1;
    before = audit_size(f->d);
    assert_int_equal(sd_ticket_prepare(f->d, &in, &p), SD_OK);
    assert_int_equal(sd_ticket_prepare(f->d, &in, &q), SD_OK);
    assert_int_equal(audit_size(f->d), before); /* no write, no id taken */
    sd_ticket_prep_free(q);                     /* a dropped preparation changes nothing */
    assert_int_equal(sd_ticket_create_prepared(f->d, &agent, p, &a), SD_OK);
    sd_ticket_prep_free(p);
    assert_int_equal(a.id, 1);
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &b), SD_OK);
    assert_int_equal(b.id, 2);
    /* Same triage, language, redaction and suggestions either way. */
    assert_int_equal(a.category, b.category);
    assert_int_equal(a.priority, b.priority);
    assert_string_equal(a.lang, "zh");
    assert_string_equal(a.lang, b.lang);
    assert_int_equal(a.redaction_flags, b.redaction_flags);
    assert_true(a.redaction_flags & (1u << SD_REDACT_SEED_PHRASE));
    assert_int_equal(a.n_suggested, b.n_suggested);
    assert_true(a.n_suggested >= 1);
    assert_memory_equal(a.suggested, b.suggested, a.n_suggested * sizeof(uint64_t));
    assert_int_equal(audit_size(f->d), before + 2);
    /* The prepared ticket is the customer's like any other: found by email, fields open. */
    assert_int_equal(sd_ticket_get(f->d, &agent, 1, true, "test", &g), SD_OK);
    assert_string_equal((const char *)g.field[SD_F_CUSTOMER_EMAIL].data, "prep@example.com");
    assert_null(strstr((const char *)g.field[SD_F_BODY].data, "abandon abandon"));
    sd_ticket_clear(&g);
    /* Bad input is refused by the prepare step. */
    in.channel = 0;
    assert_int_equal(sd_ticket_prepare(f->d, &in, &p), SD_E_INVALID);
    assert_null(p);
}

static void
test_create_rejects_bad_input(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_new in;
    struct sd_ticket t;
    char *big = malloc(SD_MAX_BODY + 2);
    uint64_t before = audit_size(f->d);

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "s";
    in.field[SD_F_BODY] = "\xc3\x28 invalid utf-8";
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_E_INVALID);
    in.field[SD_F_BODY] = "ok";
    in.field[SD_F_CUSTOMER_EMAIL] = "not-an-email";
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_E_INVALID);
    in.field[SD_F_CUSTOMER_EMAIL] = NULL;
    in.field[SD_F_IP_ADDRESS] = "300.1.2.3";
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_E_INVALID);
    in.field[SD_F_IP_ADDRESS] = NULL;
    in.priority = 5;
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_E_INVALID);
    in.priority = 0;
    memset(big, 'a', SD_MAX_BODY + 1);
    big[SD_MAX_BODY + 1] = 0;
    in.field[SD_F_BODY] = big;
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_E_LIMIT);
    in.field[SD_F_BODY] = "";
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_E_INVALID);
    {
        const char *field = NULL;
        const char *why = NULL;

        /* sd_ticket_check names the first bad input, without its value */
        assert_int_equal(sd_ticket_check(&in, &field, &why), SD_E_INVALID);
        assert_string_equal(field, "body");
        in.field[SD_F_BODY] = "ok";
        in.field[SD_F_CUSTOMER_EMAIL] = "not-an-email";
        assert_int_equal(sd_ticket_check(&in, &field, &why), SD_E_INVALID);
        assert_string_equal(field, "customer_email");
        assert_null(strstr(why, "not-an-email"));
        in.field[SD_F_CUSTOMER_EMAIL] = "alice\xe2\x80\xae@example.com"; /* U+202E */
        assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_E_INVALID);
        assert_int_equal(sd_ticket_check(&in, &field, &why), SD_E_INVALID);
        assert_string_equal(field, "customer_email");
        in.field[SD_F_CUSTOMER_EMAIL] = "alice\xe2\x80\x8b@example.com"; /* U+200B */
        assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_E_INVALID);
        in.field[SD_F_CUSTOMER_EMAIL] = NULL;
        in.field[SD_F_CUSTOMER_UID] = "U1\xe2\x81\xa6"
                                      "23"; /* U+2066 */
        assert_int_equal(sd_ticket_check(&in, &field, &why), SD_E_INVALID);
        assert_string_equal(field, "customer_uid");
        in.field[SD_F_CUSTOMER_UID] = NULL;
        in.field[SD_F_CUSTOMER_NAME] = "Bob\xe2\x80\xae"
                                       "evil";
        assert_int_equal(sd_ticket_check(&in, &field, &why), SD_E_INVALID);
        assert_string_equal(field, "customer_name");
        in.field[SD_F_CUSTOMER_NAME] = NULL;
        in.field[SD_F_SUBJECT] = "\xe2\x80\xab"
                                 "RTL subject\xe2\x80\xac"; /* free text */
        assert_int_equal(sd_ticket_check(&in, &field, &why), SD_OK);
        in.field[SD_F_SUBJECT] = "s";
        in.field[SD_F_BODY] = "";
    }
    struct sd_actor bad = {"eve ; rm", NULL, SD_ROLE_SYSTEM};

    in.field[SD_F_BODY] = "ok";
    assert_int_equal(sd_ticket_create(f->d, &bad, &in, &t), SD_E_INVALID);
    /* Nothing was written: no audit entries, no tickets. */
    assert_int_equal(audit_size(f->d), before);
    struct sd_ticket_filter flt = {.category = -1};
    struct sd_ticket_list l;

    assert_int_equal(sd_ticket_list(f->d, &flt, &l), SD_OK);
    assert_int_equal(l.n, 0);
    sd_ticket_list_clear(&l);
    free(big);
}

static void
test_status_machine_allows_only_legal_transitions(void **state)
{
    struct fixture *f = *state;
    /* legal[from][to] for to in received..archived, reopen */
    static const int legal[6][7] = {
        [SD_ST_RECEIVED] = {0, 0, 1, 1, 1, 0, 0},
        [SD_ST_IN_PROGRESS] = {0, 0, 0, 1, 1, 0, 0},
        [SD_ST_WAITING_CUSTOMER] = {0, 0, 1, 0, 1, 0, 0},
        [SD_ST_RESOLVED] = {0, 0, 0, 0, 0, 1, 1},
        [SD_ST_ARCHIVED] = {0, 0, 0, 0, 0, 0, 0},
    };
    static const int path[6][3] = {
        /* how to reach each status from a new ticket */
        [SD_ST_RECEIVED] = {0},
        [SD_ST_IN_PROGRESS] = {SD_ST_IN_PROGRESS},
        [SD_ST_WAITING_CUSTOMER] = {SD_ST_WAITING_CUSTOMER},
        [SD_ST_RESOLVED] = {SD_ST_RESOLVED},
        [SD_ST_ARCHIVED] = {SD_ST_RESOLVED, SD_ST_ARCHIVED},
    };
    struct sd_ticket t;

    for(int from = SD_ST_RECEIVED; from < SD_ST_COUNT; from++) {
        for(int k = 1; k <= 6; k++) {
            int to = k == 6 ? SD_ST_REOPEN : k;
            uint64_t id = create(f->d, "s", "b", SD_CAT_GENERAL, 4, NULL);
            sd_err want = legal[from][k] ? SD_OK : SD_E_PRECONDITION;

            for(int s = 0; s < 3 && path[from][s]; s++)
                assert_int_equal(sd_ticket_transition(f->d, &agent, id, path[from][s], &t), SD_OK);
            assert_int_equal(sd_ticket_transition(f->d, &agent, id, to, &t), want);
            if(want == SD_OK && to == SD_ST_REOPEN) {
                assert_int_equal(t.status, SD_ST_IN_PROGRESS);
                assert_int_equal(t.reopen_count, 1);
                assert_int_equal(t.resolved_at, 0);
            }
        }
    }
    assert_int_equal(sd_ticket_transition(f->d, &agent, 9999, SD_ST_RESOLVED, &t), SD_E_NOTFOUND);
    assert_int_equal(sd_ticket_transition(f->d, &agent, 1, 42, &t), SD_E_INVALID);
}

static void
test_sla_overdue_and_first_response(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_list l;
    struct sd_ticket t;
    uint64_t p1 = create(f->d, "s", "b", SD_CAT_SECURITY, 1, NULL);
    uint64_t p4 = create(f->d, "s", "b", SD_CAT_GENERAL, 4, NULL);

    assert_int_equal(sd_sla_overdue(f->d, T0 + 15 * 60, &l), SD_OK);
    assert_int_equal(l.n, 0);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_sla_overdue(f->d, T0 + 15 * 60 + 1, &l), SD_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].id, p1);
    sd_ticket_list_clear(&l);
    /* A public reply is the first response; an internal note is not. */
    sd_clock_set(T0 + 60);
    assert_int_equal(sd_ticket_comment(f->d, &agent, p1, "note", true, &t), SD_OK);
    assert_int_equal(t.first_response_at, 0);
    assert_int_equal(sd_ticket_comment(f->d, &agent, p1, "we are on it", false, &t), SD_OK);
    assert_int_equal(t.first_response_at, T0 + 60);
    assert_int_equal(sd_sla_overdue(f->d, T0 + 15 * 60 + 1, &l), SD_OK);
    assert_int_equal(l.n, 0);
    sd_ticket_list_clear(&l);
    /* Past resolution due (4 h) the P1 is overdue again; P4 only after 24 h. */
    assert_int_equal(sd_sla_overdue(f->d, T0 + 4 * 3600 + 1, &l), SD_OK);
    assert_int_equal(l.n, 1);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_sla_overdue(f->d, T0 + 24 * 3600 + 1, &l), SD_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[1].id, p4);
    sd_ticket_list_clear(&l);
}

static void
test_csat_only_once_and_only_when_resolved(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    uint64_t id = create(f->d, "s", "b", SD_CAT_GENERAL, 3, NULL);

    assert_int_equal(sd_ticket_rate(f->d, &agent, id, 5, &t), SD_E_PRECONDITION);
    assert_int_equal(sd_ticket_transition(f->d, &agent, id, SD_ST_RESOLVED, &t), SD_OK);
    assert_int_equal(sd_ticket_rate(f->d, &agent, id, 0, &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_rate(f->d, &agent, id, 6, &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_rate(f->d, &agent, id, 4, &t), SD_OK);
    assert_int_equal(t.csat, 4);
    assert_int_equal(sd_ticket_rate(f->d, &agent, id, 5, &t), SD_E_CONFLICT);
}

static void
test_get_masks_pii_unless_unmasked_and_audits_reads(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t before;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_EMAIL;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "deposit missing";
    in.field[SD_F_BODY] = "my USDT deposit is not credited";
    in.field[SD_F_CUSTOMER_NAME] = "Alice Example";
    in.field[SD_F_CUSTOMER_EMAIL] = "alice@example.com";
    in.field[SD_F_CUSTOMER_PHONE] = "+82 10-1234-5678";
    in.field[SD_F_CUSTOMER_UID] = "UID99887766";
    in.field[SD_F_IP_ADDRESS] = "203.0.113.7";
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_OK);
    before = audit_size(f->d);
    assert_int_equal(sd_ticket_get(f->d, &agent, t.id, false, NULL, &t), SD_OK);
    assert_string_equal((char *)t.field[SD_F_CUSTOMER_EMAIL].data, "a***@example.com");
    assert_string_equal((char *)t.field[SD_F_CUSTOMER_PHONE].data, "+82******5678");
    assert_string_equal((char *)t.field[SD_F_CUSTOMER_NAME].data, "A***");
    assert_string_equal((char *)t.field[SD_F_CUSTOMER_UID].data, "UI***66");
    assert_string_equal((char *)t.field[SD_F_IP_ADDRESS].data, "203.0.*.*");
    assert_string_equal((char *)t.field[SD_F_BODY].data, "my USDT deposit is not credited");
    assert_false(t.has[SD_F_NATIONAL_ID]);
    assert_true(t.n_events >= 2);
    assert_int_equal(t.events[0].kind, SD_EV_CREATED);
    uint64_t id = t.id;

    sd_ticket_clear(&t);
    assert_int_equal(audit_size(f->d), before + 1);
    assert_int_equal(sd_ticket_get(f->d, &agent, id, true, "customer called", &t), SD_OK);
    assert_string_equal((char *)t.field[SD_F_CUSTOMER_EMAIL].data, "alice@example.com");
    assert_string_equal((char *)t.field[SD_F_CUSTOMER_PHONE].data, "+82 10-1234-5678");
    sd_ticket_clear(&t);
    assert_int_equal(audit_size(f->d), before + 2);
    assert_int_equal(sd_ticket_get(f->d, &agent, 777, false, NULL, &t), SD_E_NOTFOUND);
    {
        /* a person's unmask needs a reason with something visible in it */
        static const struct sd_actor sup = {"sven", NULL, SD_ROLE_SUPERVISOR};
        static const char *const blank[] = {
            "   ",          "\xe2\x80\x8b\xe2\x80\x8b", "\xe3\x80\x80\xe2\x80\x8d", "\t\n",
            "\xe3\x85\xa4", "\xe2\x80\xae\xe2\x80\xac",
        };

        for(size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
            assert_int_equal(sd_ticket_get(f->d, &sup, id, true, blank[i], &t), SD_E_INVALID);
            sd_ticket_clear(&t);
        }
        assert_int_equal(audit_size(f->d), before + 2); /* refused: nothing read, nothing logged */
    }
}

static void
test_find_by_blind_index_normalises(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_new in;
    struct sd_ticket_list l;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_PHONE;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "s";
    in.field[SD_F_BODY] = "b";
    in.field[SD_F_CUSTOMER_EMAIL] = "Bob.Smith@Example.COM";
    in.field[SD_F_CUSTOMER_PHONE] = "+1 (555) 010-9999";
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_OK);
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_OK);
    create(f->d, "s", "b", -1, 0, "other@example.com");
    assert_int_equal(
        sd_ticket_find(f->d, &agent, SD_F_CUSTOMER_EMAIL, " bob.smith@example.com", &l), SD_OK);
    assert_int_equal(l.n, 2);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_find(f->d, &agent, SD_F_CUSTOMER_PHONE, "0015550109999", &l), SD_OK);
    assert_int_equal(l.n, 2);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_find(f->d, &agent, SD_F_CUSTOMER_UID, "nobody", &l), SD_OK);
    assert_int_equal(l.n, 0);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_find(f->d, &agent, SD_F_SUBJECT, "x", &l), SD_E_INVALID);
}

static void
test_no_plaintext_pii_in_data_file(void **state)
{
    struct fixture *f = *state;
    static const char *const pii[SD_F_COUNT] = {
        [SD_F_CUSTOMER_NAME] = "Zelda Quarterhorse", [SD_F_CUSTOMER_EMAIL] = "zq@pii.example",
        [SD_F_CUSTOMER_PHONE] = "+8613912345678",    [SD_F_CUSTOMER_UID] = "UIDSECRET4242",
        [SD_F_NATIONAL_ID] = "NATID770099",          [SD_F_WALLETS] = "TWALLETPLAINTEXT9",
        [SD_F_IP_ADDRESS] = "198.51.100.77",         [SD_F_SUBJECT] = "SUBJECTPLAINTEXT",
        [SD_F_BODY] = "BODYPLAINTEXT deposit",
    };
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.category = -1;
    for(int i = SD_F_CUSTOMER_NAME; i < SD_F_COUNT; i++)
        in.field[i] = pii[i];
    assert_int_equal(sd_ticket_create(f->d, &agent, &in, &t), SD_OK);
    assert_int_equal(sd_ticket_comment(f->d, &agent, t.id, "COMMENTPLAINTEXT", false, &t), SD_OK);
    assert_int_equal(sd_ticket_get(f->d, &agent, t.id, true, "check", &t), SD_OK);
    sd_ticket_clear(&t);
    sd_desk_close(f->d); /* flush nothing pending; files are what they are */
    f->d = NULL;
    for(int i = SD_F_CUSTOMER_NAME; i < SD_F_COUNT; i++)
        assert_false(store_holds(f->dir, pii[i]));
    assert_false(store_holds(f->dir, "COMMENTPLAINTEXT"));
    assert_false(store_holds(f->dir, "Quarterhorse"));
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
}

/* Rewrite the stored record of ticket id through fn, bypassing the desk. */
static void
poke_record(struct sd_desk *d, uint64_t id, void (*fn)(sd_trec *r, void *ctx), void *ctx)
{
    struct sd_txn *t;
    sd_trec *r;

    assert_int_equal(sd_txn_begin(d->store, true, &t), SD_OK);
    assert_int_equal(sd_trec_load(t, id, &r), SD_OK);
    fn(r, ctx);
    assert_int_equal(sd_trec_store(t, r, NULL), SD_OK);
    sd_trec_free(r);
    assert_int_equal(sd_txn_commit(t), SD_OK);
}

static void
flip_body_bit(sd_trec *r, void *ctx)
{
    size_t at = *(size_t *)ctx;

    assert_true(r->body.len > at);
    r->body.data[at] ^= 0x01;
}

static void
test_any_flipped_bit_in_a_field_fails_the_read(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    uint64_t id = create(f->d, "s", "the body text", SD_CAT_GENERAL, 3, "c@example.com");
    size_t len;
    struct sd_txn *tx;
    sd_trec *r;

    assert_int_equal(sd_txn_begin(f->d->store, false, &tx), SD_OK);
    assert_int_equal(sd_trec_load(tx, id, &r), SD_OK);
    len = r->body.len;
    sd_trec_free(r);
    sd_txn_abort(tx);
    for(size_t at = 0; at < len; at++) {
        uint64_t before = audit_size(f->d);

        poke_record(f->d, id, flip_body_bit, &at);
        assert_int_equal(sd_ticket_get(f->d, &agent, id, false, NULL, &t), SD_E_CRYPTO);
        assert_int_equal(t.n_events, 0); /* nothing returned */
        assert_int_equal(audit_size(f->d), before);
        poke_record(f->d, id, flip_body_bit, &at); /* flip back */
    }
    assert_int_equal(sd_ticket_get(f->d, &agent, id, false, NULL, &t), SD_OK);
    sd_ticket_clear(&t);
}

struct swap_ctx {
    uint8_t *data;
    size_t len;
};

static void
take_subject(sd_trec *r, void *ctx)
{
    struct swap_ctx *s = ctx;

    s->data = malloc(r->subject.len);
    memcpy(s->data, r->subject.data, r->subject.len);
    s->len = r->subject.len;
}

static void
put_subject_as_body(sd_trec *r, void *ctx)
{
    struct swap_ctx *s = ctx;

    free(r->body.data);
    r->body.data = s->data;
    r->body.len = s->len;
}

static void
put_subject(sd_trec *r, void *ctx)
{
    struct swap_ctx *s = ctx;

    free(r->subject.data);
    r->subject.data = s->data;
    r->subject.len = s->len;
}

static void
test_ciphertext_moved_between_fields_or_tickets_fails(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    struct swap_ctx s;
    /* Same customer, so the same data key: only the associated data can tell. */
    uint64_t a = create(f->d, "subject A", "body A", SD_CAT_GENERAL, 3, "same@example.com");
    uint64_t b = create(f->d, "subject B", "body B", SD_CAT_GENERAL, 3, "same@example.com");

    poke_record(f->d, a, take_subject, &s);
    poke_record(f->d, a, put_subject_as_body, &s);
    assert_int_equal(sd_ticket_get(f->d, &agent, a, false, NULL, &t), SD_E_CRYPTO);
    poke_record(f->d, b, take_subject, &s);
    poke_record(f->d, a, put_subject, &s);
    assert_int_equal(sd_ticket_get(f->d, &agent, a, false, NULL, &t), SD_E_CRYPTO);
    assert_int_equal(sd_ticket_get(f->d, &agent, b, false, NULL, &t), SD_OK);
    sd_ticket_clear(&t);
}

static void
test_secrets_are_redacted_before_storage(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    uint64_t id = create(f->d, "help",
                         "my seed is abandon ability able about above absent absorb abstract "
                         "absurd abuse access accident please help",
                         -1, 0, NULL);
    bool found_event = false;

    assert_int_equal(sd_ticket_get(f->d, &agent, id, true, "check", &t), SD_OK);
    assert_non_null(strstr((char *)t.field[SD_F_BODY].data, "[REDACTED:seed_phrase]"));
    assert_null(strstr((char *)t.field[SD_F_BODY].data, "abstract"));
    assert_true(t.redaction_flags & (1u << SD_REDACT_SEED_PHRASE));
    for(size_t i = 0; i < t.n_events; i++)
        found_event |= t.events[i].kind == SD_EV_REDACTED;
    assert_true(found_event);
    sd_ticket_clear(&t);
    assert_int_equal(
        sd_ticket_comment(f->d, &agent, id, "code 123456 from google authenticator", false, &t),
        SD_OK);
    assert_true(t.redaction_flags & (1u << SD_REDACT_OTP_CODE));
    assert_int_equal(sd_ticket_get(f->d, &agent, id, false, NULL, &t), SD_OK);
    assert_null(strstr((char *)t.events[t.n_events - 2].body.data, "123456"));
    sd_ticket_clear(&t);
}

static void
test_stats_match_hand_computed_fixture(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    struct sd_stats s;
    uint64_t a, b, c;

    a = create(f->d, "s", "b", SD_CAT_DEPOSIT, 2, NULL);    /* created T0 */
    b = create(f->d, "s", "b", SD_CAT_WITHDRAWAL, 2, NULL); /* created T0 */
    c = create(f->d, "s", "b", SD_CAT_DEPOSIT, 4, NULL);    /* created T0, stays open */
    sd_clock_set(T0 + 600);
    assert_int_equal(sd_ticket_comment(f->d, &agent, a, "hi", false, &t), SD_OK); /* fr 600 */
    sd_clock_set(T0 + 1800);
    assert_int_equal(sd_ticket_transition(f->d, &agent, a, SD_ST_RESOLVED, &t), SD_OK);
    sd_clock_set(T0 + 7200); /* b: fr 7200 > 1h due */
    assert_int_equal(sd_ticket_transition(f->d, &agent, b, SD_ST_RESOLVED, &t), SD_OK);
    assert_int_equal(sd_ticket_rate(f->d, &agent, a, 5, &t), SD_OK);
    assert_int_equal(sd_ticket_rate(f->d, &agent, b, 2, &t), SD_OK);
    assert_int_equal(sd_stats(f->d, T0 + 7200, &s), SD_OK);
    assert_int_equal(s.total, 3);
    assert_int_equal(s.by_status[SD_ST_RESOLVED], 2);
    assert_int_equal(s.by_status[SD_ST_RECEIVED], 1);
    assert_int_equal(s.by_category[SD_CAT_DEPOSIT], 2);
    assert_int_equal(s.by_priority[2], 2);
    assert_int_equal(s.by_channel[SD_CH_EMAIL], 3);
    assert_int_equal(s.n_first_response, 2);
    assert_int_equal(s.median_first_response, 600); /* {600, 7200}: lower middle */
    assert_int_equal(s.n_resolved, 2);
    assert_int_equal(s.median_resolution, 1800); /* {1800, 7200} */
    assert_int_equal(s.sla_breaches, 1);         /* b missed 1 h first response */
    assert_int_equal(s.csat_count, 2);
    assert_true(s.csat_average > 3.49 && s.csat_average < 3.51);
    (void)c;
}

static void
test_failed_write_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t before = audit_size(f->d);
    sd_err err;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_WEB;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "s";
    in.field[SD_F_BODY] = "b";
    in.field[SD_F_CUSTOMER_EMAIL] = "fail@example.com";
    /* Fail the 1st, 2nd, ... LMDB write until the create gets through. */
    for(unsigned n = 1;; n++) {
        sd_store_test_fail_after(n);
        err = sd_ticket_create(f->d, &agent, &in, &t);
        sd_store_test_fail_after(0);
        if(err == SD_OK)
            break;
        assert_int_equal(err, SD_E_STORE);
        assert_int_equal(audit_size(f->d), before);
        assert_true(n < 200);
    }
    assert_int_equal(t.id, 1); /* every failed attempt rolled back its id too */
    assert_int_equal(audit_size(f->d), before + 1);
}
/* ---- issue 13: nobody acts as somebody else ---- */

static const struct sd_actor wei = {"wei", NULL, SD_ROLE_AGENT};
static const struct sd_actor ag1 = {"ag1", NULL, SD_ROLE_AGENT};
static const struct sd_actor sup = {"sup", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor comp = {"comp", NULL, SD_ROLE_COMPLIANCE};

static void
test_assign_only_to_existing_enabled_agents(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    uint64_t id;

    people(f->d);
    id = create(f->d, "s", "b", SD_CAT_GENERAL, 2, NULL);
    assert_int_equal(sd_ticket_assign(f->d, &sup, id, "ghost_agent", &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_assign(f->d, &sup, id, "gone", &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_assign(f->d, &sup, id, "comp", &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_assign(f->d, &sup, id, "sup", &t), SD_E_INVALID);
    assert_int_equal(queued(f->d), 1); /* still in the queue, unassigned */
    assert_int_equal(sd_ticket_assign(f->d, &sup, id, "ag1", &t), SD_OK);
    assert_string_equal(t.assignee, "ag1");
    /* the local operator may name a non-user (routing profiles), never a disabled agent */
    assert_int_equal(sd_ticket_assign(f->d, &agent, id, "gone", &t), SD_E_INVALID);
    assert_int_equal(sd_ticket_assign(f->d, &agent, id, "profile_only", &t), SD_OK);
}

static void
test_status_change_needs_the_assignee_or_a_supervisor(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    uint64_t head, p4;

    people(f->d);
    head = create(f->d, "s", "b", SD_CAT_GENERAL, 1, "head@example.com");
    p4 = create(f->d, "s", "b", SD_CAT_GENERAL, 4, "p4@example.com");
    /* taking a queued ticket out of order by changing its status */
    assert_int_equal(sd_ticket_transition(f->d, &wei, p4, SD_ST_IN_PROGRESS, &t), SD_E_DENIED);
    assert_int_equal(sd_ticket_get(f->d, &wei, p4, true, "call", &t), SD_E_DENIED);
    /* resolving an unassigned queued ticket */
    assert_int_equal(sd_ticket_transition(f->d, &wei, head, SD_ST_RESOLVED, &t), SD_E_DENIED);
    assert_int_equal(queued(f->d), 2);
    /* the assignee works their own ticket; a colleague cannot */
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_int_equal(t.id, head);
    assert_int_equal(sd_ticket_transition(f->d, &ag1, head, SD_ST_RESOLVED, &t), SD_E_DENIED);
    assert_int_equal(sd_ticket_transition(f->d, &wei, head, SD_ST_WAITING_CUSTOMER, &t), SD_OK);
    /* a supervisor may take one out of order */
    assert_int_equal(sd_ticket_transition(f->d, &sup, p4, SD_ST_IN_PROGRESS, &t), SD_OK);
    assert_string_equal(t.assignee, "sup");
    assert_int_equal(sd_ticket_transition(f->d, &sup, head, SD_ST_RESOLVED, &t), SD_OK);
}

static void
test_agent_finds_only_customers_of_their_tickets(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_list l;
    struct sd_ticket t;
    uint64_t before;

    people(f->d);
    create(f->d, "s", "b", SD_CAT_GENERAL, 1, "mine@example.com");
    create(f->d, "s", "b", SD_CAT_GENERAL, 4, "mine@example.com");
    create(f->d, "s", "b", SD_CAT_GENERAL, 4, "other@example.com");
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    /* the customer of an assigned ticket: all their tickets, metadata only, audited */
    before = audit_size(f->d);
    assert_int_equal(sd_ticket_find(f->d, &wei, SD_F_CUSTOMER_EMAIL, "mine@example.com", &l),
                     SD_OK);
    assert_int_equal(l.n, 2);
    assert_false(l.items[0].has[SD_F_CUSTOMER_EMAIL]);
    sd_ticket_list_clear(&l);
    assert_int_equal(audit_size(f->d), before + 1);
    /* an arbitrary customer, or one with no tickets: refused alike, the attempt audited */
    assert_int_equal(sd_ticket_find(f->d, &wei, SD_F_CUSTOMER_EMAIL, "other@example.com", &l),
                     SD_E_DENIED);
    assert_int_equal(l.n, 0);
    assert_int_equal(sd_ticket_find(f->d, &wei, SD_F_CUSTOMER_EMAIL, "nobody@example.com", &l),
                     SD_E_DENIED);
    assert_int_equal(sd_ticket_find(f->d, &ag1, SD_F_CUSTOMER_EMAIL, "mine@example.com", &l),
                     SD_E_DENIED);
    assert_int_equal(audit_size(f->d), before + 4);
    /* supervisors and compliance keep the general find */
    assert_int_equal(sd_ticket_find(f->d, &sup, SD_F_CUSTOMER_EMAIL, "other@example.com", &l),
                     SD_OK);
    assert_int_equal(l.n, 1);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_find(f->d, &comp, SD_F_CUSTOMER_EMAIL, "other@example.com", &l),
                     SD_OK);
    assert_int_equal(l.n, 1);
    sd_ticket_list_clear(&l);
}

/* ---- issue 16: list paging, summary form, related tickets, inbox, transitions ---- */

static void
list_ids(struct sd_desk *d, const struct sd_ticket_filter *flt, uint64_t *ids, size_t *n,
         bool *more, uint64_t *next)
{
    struct sd_ticket_list l;

    assert_int_equal(sd_ticket_list(d, flt, &l), SD_OK);
    for(size_t i = 0; i < l.n; i++)
        ids[i] = l.items[i].id;
    *n = l.n;
    *more = l.more;
    *next = l.next;
    sd_ticket_list_clear(&l);
}

static void
test_list_pages_by_id_with_limit_and_after(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_filter flt = {.category = -1, .limit = 2};
    struct sd_ticket_list l;
    struct sd_ticket t;
    uint64_t ids[8], next;
    size_t n;
    bool more;

    people(f->d);
    for(int i = 0; i < 5; i++)
        create(f->d, "Deposit missing", "my deposit is missing", SD_CAT_DEPOSIT, 3, NULL);
    list_ids(f->d, &flt, ids, &n, &more, &next);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 2);
    assert_true(more);
    assert_int_equal(next, 2);
    flt.after = next;
    list_ids(f->d, &flt, ids, &n, &more, &next);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 3);
    assert_int_equal(ids[1], 4);
    assert_true(more);
    flt.after = next;
    list_ids(f->d, &flt, ids, &n, &more, &next);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 5);
    assert_false(more);
    assert_int_equal(next, 5);
    /* the status index pages the same way */
    flt =
        (struct sd_ticket_filter){.status = SD_ST_RECEIVED, .category = -1, .limit = 3, .after = 1};
    list_ids(f->d, &flt, ids, &n, &more, &next);
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], 2);
    assert_int_equal(ids[2], 4);
    assert_true(more);
    /* and the assignee index */
    assert_int_equal(sd_ticket_assign(f->d, &agent, 2, "wei", &t), SD_OK);
    assert_int_equal(sd_ticket_assign(f->d, &agent, 4, "wei", &t), SD_OK);
    assert_int_equal(sd_ticket_assign(f->d, &agent, 5, "wei", &t), SD_OK);
    flt = (struct sd_ticket_filter){.category = -1, .assignee = "wei", .limit = 1, .after = 2};
    list_ids(f->d, &flt, ids, &n, &more, &next);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 4);
    assert_true(more);
    flt.limit = 0;
    list_ids(f->d, &flt, ids, &n, &more, &next);
    assert_int_equal(n, 2);
    assert_false(more);
    flt.limit = SD_MAX_LIST + 1;
    assert_int_equal(sd_ticket_list(f->d, &flt, &l), SD_E_INVALID);
}

/* A ticket with only a customer name, for the summary's fallback. */
static uint64_t
create_named(struct sd_desk *d, const char *name)
{
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_CHAT;
    in.field[SD_F_SUBJECT] = "Login problem";
    in.field[SD_F_BODY] = "I cannot log in";
    in.field[SD_F_CUSTOMER_NAME] = name;
    in.category = SD_CAT_ACCOUNT;
    in.priority = 3;
    assert_int_equal(sd_ticket_create(d, &agent, &in, &t), SD_OK);
    return t.id;
}

static void
test_summary_masks_the_customer_for_tickets_the_caller_may_open(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_filter flt = {.category = -1};
    struct sd_ticket_list l;
    struct sd_ticket t;
    uint64_t before;

    people(f->d);
    create(f->d, "Withdrawal pending", "my withdrawal is pending", SD_CAT_WITHDRAWAL, 2,
           "kim.seoyeon@example.com");
    create(f->d, "Other agent's ticket", "text", SD_CAT_DEPOSIT, 3, "lee@example.com");
    create_named(f->d, "Zhang Wei");
    assert_int_equal(sd_ticket_assign(f->d, &agent, 2, "ag1", &t), SD_OK);
    before = audit_size(f->d);
    assert_int_equal(sd_ticket_list(f->d, &flt, &l), SD_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(sd_ticket_list_summarize(f->d, &wei, &l), SD_OK);
    /* 1: unassigned, the agent may open it: subject as stored, e-mail masked */
    assert_true(l.items[0].summary);
    assert_true(l.items[0].has[SD_F_SUBJECT]);
    assert_string_equal((const char *)l.items[0].field[SD_F_SUBJECT].data, "Withdrawal pending");
    assert_true(l.items[0].has[SD_F_CUSTOMER_EMAIL]);
    assert_null(strstr((const char *)l.items[0].field[SD_F_CUSTOMER_EMAIL].data, "kim.seoyeon"));
    assert_non_null(strstr((const char *)l.items[0].field[SD_F_CUSTOMER_EMAIL].data, "***"));
    assert_false(l.items[0].has[SD_F_CUSTOMER_NAME]);
    assert_false(l.items[0].has[SD_F_BODY]);
    /* 2: another agent's ticket: listed (as Tickets.List shows it), no subject, no customer */
    assert_true(l.items[1].summary);
    assert_false(l.items[1].has[SD_F_SUBJECT]);
    assert_false(l.items[1].has[SD_F_CUSTOMER_EMAIL]);
    /* 3: no e-mail: the masked name */
    assert_true(l.items[2].has[SD_F_CUSTOMER_NAME]);
    assert_null(strstr((const char *)l.items[2].field[SD_F_CUSTOMER_NAME].data, "Zhang Wei"));
    assert_int_equal(audit_size(f->d), before); /* nothing unmasked: no entry */
    sd_ticket_list_clear(&l);
    /* a supervisor sees every ticket's summary */
    assert_int_equal(sd_ticket_list(f->d, &flt, &l), SD_OK);
    assert_int_equal(sd_ticket_list_summarize(f->d, &sup, &l), SD_OK);
    assert_true(l.items[1].has[SD_F_SUBJECT]);
    assert_null(strstr((const char *)l.items[1].field[SD_F_CUSTOMER_EMAIL].data, "lee@"));
    sd_ticket_list_clear(&l);
}

static void
test_related_lists_the_same_customers_other_tickets(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_list l;
    struct sd_ticket t;
    uint64_t before;

    people(f->d);
    create(f->d, "First", "body one", SD_CAT_DEPOSIT, 3, "same@example.com");
    create(f->d, "Someone else", "body two", SD_CAT_DEPOSIT, 3, "other@example.com");
    create(f->d, "Second", "body three", SD_CAT_WITHDRAWAL, 2, "same@example.com");
    create(f->d, "Third", "body four", SD_CAT_ACCOUNT, 3, "same@example.com");
    assert_int_equal(sd_ticket_assign(f->d, &agent, 4, "ag1", &t), SD_OK);
    before = audit_size(f->d);
    assert_int_equal(sd_ticket_related(f->d, &wei, 1, &l), SD_OK);
    assert_int_equal(l.n, 2); /* 3 and 4, not 1 itself, not the other customer's 2 */
    assert_int_equal(l.items[0].id, 3);
    assert_int_equal(l.items[1].id, 4);
    assert_false(l.more);
    assert_string_equal((const char *)l.items[0].field[SD_F_SUBJECT].data, "Second");
    assert_null(strstr((const char *)l.items[0].field[SD_F_CUSTOMER_EMAIL].data, "same@"));
    assert_false(l.items[1].has[SD_F_SUBJECT]);     /* ag1's ticket: metadata only for wei */
    assert_int_equal(audit_size(f->d), before + 1); /* "ticket.related" */
    sd_ticket_list_clear(&l);
    /* the Get rule: not another agent's ticket */
    assert_int_equal(sd_ticket_related(f->d, &wei, 4, &l), SD_E_DENIED);
    assert_int_equal(l.n, 0);
    assert_int_equal(sd_ticket_related(f->d, &wei, 99, &l), SD_E_NOTFOUND);
    assert_int_equal(audit_size(f->d), before + 1);
    assert_int_equal(sd_ticket_related(f->d, &agent, 2, &l), SD_OK);
    assert_int_equal(l.n, 0);
    sd_ticket_list_clear(&l);
}

static void
test_inbox_holds_new_p1_and_my_open_tickets(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_inbox in;
    struct sd_ticket t;

    people(f->d);
    create(f->d, "Account hacked", "freeze it", SD_CAT_SECURITY, 1, "p1@example.com"); /* 1 */
    create(f->d, "Deposit", "missing", SD_CAT_DEPOSIT, 3, NULL);                       /* 2 */
    create(f->d, "Hacked again", "help", SD_CAT_SECURITY, 1, NULL);                    /* 3 */
    create(f->d, "Mine", "assigned", SD_CAT_DEPOSIT, 2, NULL);                         /* 4 */
    create(f->d, "Done P1", "resolved", SD_CAT_SECURITY, 1, NULL);                     /* 5 */
    assert_int_equal(sd_ticket_assign(f->d, &agent, 4, "wei", &t), SD_OK);
    assert_int_equal(sd_ticket_assign(f->d, &agent, 5, "wei", &t), SD_OK);
    assert_int_equal(sd_ticket_transition(f->d, &agent, 5, SD_ST_RESOLVED, &t), SD_OK);
    assert_int_equal(sd_ticket_inbox(f->d, &wei, 0, &in), SD_OK);
    assert_int_equal(in.new_p1.n, 2); /* 5 is resolved: not open */
    assert_int_equal(in.new_p1.items[0].id, 1);
    assert_int_equal(in.new_p1.items[1].id, 3);
    assert_true(in.new_p1.items[0].summary);
    assert_string_equal((const char *)in.new_p1.items[0].field[SD_F_SUBJECT].data,
                        "Account hacked");
    assert_null(strstr((const char *)in.new_p1.items[0].field[SD_F_CUSTOMER_EMAIL].data, "p1@"));
    assert_int_equal(in.assigned.n, 1);
    assert_int_equal(in.assigned.items[0].id, 4);
    assert_int_equal(in.max_p1, 3);
    sd_ticket_inbox_clear(&in);
    /* polling on from max_p1: nothing new until a new P1 arrives */
    assert_int_equal(sd_ticket_inbox(f->d, &wei, 3, &in), SD_OK);
    assert_int_equal(in.new_p1.n, 0);
    assert_int_equal(in.max_p1, 3);
    sd_ticket_inbox_clear(&in);
    create(f->d, "New P1", "urgent", SD_CAT_SECURITY, 1, NULL); /* 6 */
    assert_int_equal(sd_ticket_inbox(f->d, &wei, 3, &in), SD_OK);
    assert_int_equal(in.new_p1.n, 1);
    assert_int_equal(in.new_p1.items[0].id, 6);
    assert_int_equal(in.max_p1, 6);
    sd_ticket_inbox_clear(&in);
}

static bool
has_target(const struct sd_ticket *t, int to)
{
    for(size_t i = 0; i < t->n_transitions; i++) {
        if(t->transitions[i] == to)
            return true;
    }
    return false;
}

static void
test_get_lists_the_transitions_the_caller_may_make(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;

    people(f->d);
    create(f->d, "Deposit", "missing", SD_CAT_DEPOSIT, 3, NULL);
    assert_int_equal(sd_ticket_get(f->d, &sup, 1, false, NULL, &t), SD_OK);
    assert_int_equal(t.n_transitions, 3);
    assert_true(has_target(&t, SD_ST_IN_PROGRESS));
    assert_true(has_target(&t, SD_ST_WAITING_CUSTOMER));
    assert_true(has_target(&t, SD_ST_RESOLVED));
    sd_ticket_clear(&t);
    /* an agent works only their own ticket (a queued one is claimed, not moved) */
    assert_int_equal(sd_ticket_get(f->d, &wei, 1, false, NULL, &t), SD_OK);
    assert_int_equal(t.n_transitions, 0);
    sd_ticket_clear(&t);
    assert_int_equal(sd_ticket_assign(f->d, &agent, 1, "wei", &t), SD_OK);
    assert_int_equal(sd_ticket_transition(f->d, &wei, 1, SD_ST_RESOLVED, &t), SD_OK);
    assert_int_equal(sd_ticket_get(f->d, &wei, 1, false, NULL, &t), SD_OK);
    assert_int_equal(t.n_transitions, 2);
    assert_true(has_target(&t, SD_ST_ARCHIVED));
    assert_true(has_target(&t, SD_ST_REOPEN));
    sd_ticket_clear(&t);
    /* compliance reads tickets but moves none */
    assert_int_equal(sd_ticket_get(f->d, &comp, 1, false, NULL, &t), SD_OK);
    assert_int_equal(t.n_transitions, 0);
    sd_ticket_clear(&t);
}

static void
test_stats_count_open_and_overdue_by_priority(void **state)
{
    struct fixture *f = *state;
    struct sd_stats s;
    struct sd_ticket t;

    create(f->d, "Hacked", "freeze", SD_CAT_SECURITY, 1, NULL);
    create(f->d, "Hacked 2", "freeze", SD_CAT_SECURITY, 1, NULL);
    create(f->d, "Deposit", "missing", SD_CAT_DEPOSIT, 2, NULL);
    create(f->d, "Question", "fees", SD_CAT_GENERAL, 4, NULL);
    assert_int_equal(sd_ticket_transition(f->d, &agent, 4, SD_ST_RESOLVED, &t), SD_OK);
    /* 20 minutes on: both P1 missed their 15-minute first response; P2 has an hour */
    assert_int_equal(sd_stats(f->d, T0 + 20 * 60, &s), SD_OK);
    assert_int_equal(s.open_by_priority[1], 2);
    assert_int_equal(s.open_by_priority[2], 1);
    assert_int_equal(s.open_by_priority[4], 0); /* resolved */
    assert_int_equal(s.overdue_by_priority[1], 2);
    assert_int_equal(s.overdue_by_priority[2], 0);
    assert_int_equal(sd_stats(f->d, T0 + 2 * 3600, &s), SD_OK);
    assert_int_equal(s.overdue_by_priority[2], 1);
    assert_int_equal(s.overdue_by_priority[4], 0);
}

/* A comment changes none of the ticket's index entries: they stay (not removed and put
 * again, mutate_core); one that does change them (a transition) still moves them. */
static void
test_comment_keeps_the_queue_status_and_assignee_entries(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_filter by_wei = {.category = -1, .assignee = "wei"};
    struct sd_ticket_filter open = {.status = SD_ST_IN_PROGRESS, .category = -1};
    struct sd_ticket_list l;
    struct sd_ticket t;
    uint64_t a, b;

    people(f->d);
    a = create(f->d, "s", "b", SD_CAT_GENERAL, 1, "a@example.com");
    b = create(f->d, "s", "b", SD_CAT_GENERAL, 4, "b@example.com");
    assert_int_equal(sd_ticket_comment(f->d, &agent, a, "we are on it", false, &t), SD_OK);
    assert_int_equal(sd_ticket_comment(f->d, &agent, b, "internal", true, &t), SD_OK);
    assert_int_equal(queued(f->d), 2);
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK); /* the queue's P1 first */
    assert_int_equal(t.id, a);
    assert_int_equal(sd_ticket_comment(f->d, &wei, a, "checking", false, &t), SD_OK);
    assert_int_equal(queued(f->d), 1);
    assert_int_equal(sd_ticket_list(f->d, &by_wei, &l), SD_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].id, a);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_list(f->d, &open, &l), SD_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.items[0].id, a);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_transition(f->d, &wei, a, SD_ST_WAITING_CUSTOMER, &t), SD_OK);
    assert_int_equal(sd_ticket_comment(f->d, &wei, a, "any news?", false, &t), SD_OK);
    assert_int_equal(sd_ticket_list(f->d, &open, &l), SD_OK);
    assert_int_equal(l.n, 0);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_int_equal(t.id, b);
    assert_int_equal(queued(f->d), 0);
}

/* sd_desk_rules_load (sealdeskd, sealctl offline): no <dir>/triage.rules is the built-in rules;
 * one that exists is used, and one that cannot be read is an error, not the built-in rules
 * or an empty rule set (a directory in its place read as no rules at all before). */
static void
test_desk_rules_file_used_or_refused(void **state)
{
    char dir[] = "/tmp/sd_desk_rules_XXXXXX";
    char path[sizeof(dir) + 16];
    struct sd_triage_rules *r = NULL;
    struct sd_triage_result res;
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    (void)snprintf(path, sizeof(path), "%s/triage.rules", dir);
    assert_int_equal(sd_desk_rules_load(&r, dir), SD_OK); /* none: the built-in rules */
    assert_int_equal(sd_triage_classify(r, "", 0, "my deposit has not arrived", 26, false, &res),
                     SD_OK);
    assert_int_equal(res.category, SD_CAT_DEPOSIT);
    sd_triage_rules_free(r);
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_true(fputs("cat trading 3 t: arrived\n", fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(sd_desk_rules_load(&r, dir), SD_OK); /* the file's rules */
    assert_int_equal(sd_triage_classify(r, "", 0, "my deposit has not arrived", 26, false, &res),
                     SD_OK);
    assert_int_equal(res.category, SD_CAT_TRADING);
    sd_triage_rules_free(r);
    r = NULL;
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0); /* exists, cannot be read as a file */
    assert_int_equal(sd_desk_rules_load(&r, dir), SD_E_IO);
    assert_null(r);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_create_returns_triaged_metadata_and_sla),
        cmocka_unit_test(test_desk_rules_file_used_or_refused),
        T(test_list_pages_by_id_with_limit_and_after),
        T(test_summary_masks_the_customer_for_tickets_the_caller_may_open),
        T(test_related_lists_the_same_customers_other_tickets),
        T(test_inbox_holds_new_p1_and_my_open_tickets),
        T(test_get_lists_the_transitions_the_caller_may_make),
        T(test_stats_count_open_and_overdue_by_priority),
        T(test_prepare_writes_nothing_and_create_prepared_matches_create),
        T(test_create_rejects_bad_input),
        T(test_status_machine_allows_only_legal_transitions),
        T(test_sla_overdue_and_first_response),
        T(test_comment_keeps_the_queue_status_and_assignee_entries),
        T(test_csat_only_once_and_only_when_resolved),
        T(test_get_masks_pii_unless_unmasked_and_audits_reads),
        T(test_find_by_blind_index_normalises),
        T(test_no_plaintext_pii_in_data_file),
        T(test_any_flipped_bit_in_a_field_fails_the_read),
        T(test_ciphertext_moved_between_fields_or_tickets_fails),
        T(test_secrets_are_redacted_before_storage),
        T(test_stats_match_hand_computed_fixture),
        T(test_failed_write_changes_nothing),
        T(test_assign_only_to_existing_enabled_agents),
        T(test_status_change_needs_the_assignee_or_a_supervisor),
        T(test_agent_finds_only_customers_of_their_tickets),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
