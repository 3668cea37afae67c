/* Key operations (ops/keyops.c, store/keystore.c lifecycle, crypto/keyring.c adoption):
 * rotation while another handle writes, rewrap with resume, retire, crypto-shredding checked
 * by an attacker holding the data dir and the master key, remaster, blind-index rotation. */
#include "test_helpers.h"

#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/crypto_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/audit.h"
#include "sealdesk/desk.h"
#include "sealdesk/triage.h"
#include "sealdesk/keyops.h"
#include "sealdesk/stats.h"
#include "sealdesk/store.h"
#include "sealdesk/tickets.h"

static const struct sd_actor sys = {"offline:test", NULL, SD_ROLE_SYSTEM};

static uint64_t
mk(struct sd_desk *d, const char *uid, const char *email, const char *name, const char *body)
{
    struct sd_ticket_new in;
    struct sd_ticket t;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_EMAIL;
    in.category = -1;
    in.field[SD_F_SUBJECT] = "withdrawal stuck";
    in.field[SD_F_BODY] = body;
    in.field[SD_F_CUSTOMER_UID] = uid;
    in.field[SD_F_CUSTOMER_EMAIL] = email;
    in.field[SD_F_CUSTOMER_NAME] = name;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    return t.id;
}

static struct sd_key_status *
status(struct sd_desk *d)
{
    struct sd_key_status *s = malloc(sizeof(*s));

    assert_non_null(s);
    assert_int_equal(sd_keyops_status(d, s), SD_OK);
    return s;
}

/* Unmasked read: returns the customer name field (caller frees). */
static char *
read_name(struct sd_desk *d, uint64_t id, bool *shredded)
{
    struct sd_ticket t;
    char *s;

    assert_int_equal(sd_ticket_get(d, &sys, id, true, "test", &t), SD_OK);
    *shredded = t.shredded;
    s = strdup((const char *)t.field[SD_F_CUSTOMER_NAME].data);
    sd_ticket_clear(&t);
    return s;
}

static void
reopen(struct fixture *f)
{
    sd_desk_close(f->d);
    f->d = NULL;
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
}

static void
verify_audit(struct fixture *f)
{
    struct sd_audit_verifier v;
    struct sd_store *s = NULL;

    sd_desk_close(f->d);
    f->d = NULL;
    assert_int_equal(sd_store_open(&s, f->dir, SD_STORE_RDONLY, 0), SD_OK);
    assert_int_equal(sd_audit_verify_store(&v, s, NULL, NULL), SD_OK);
    sd_store_close(s);
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
}

static void
test_rotate_new_writes_use_new_kek_old_keys_stay_readable(void **state)
{
    struct fixture *f = *state;
    struct sd_key_status *s;
    uint32_t v = 0;
    uint64_t a, b;
    bool sh;
    char *n;

    a = mk(f->d, "U-1", "a@example.com", "Alice Old", "help");
    assert_int_equal(sd_keyops_rotate(f->d, &sys, &v), SD_OK);
    assert_int_equal(v, 2);
    b = mk(f->d, "U-2", "b@example.com", "Bob New", "help");
    s = status(f->d);
    assert_int_equal(s->info.kek_latest, 2);
    assert_int_equal(s->info.kek[1].data_keys, 1);
    assert_int_equal(s->info.kek[2].data_keys, 1);
    assert_true(s->info.last_rotation >= T0);
    free(s);
    n = read_name(f->d, a, &sh);
    assert_string_equal(n, "Alice Old");
    free(n);
    n = read_name(f->d, b, &sh);
    assert_string_equal(n, "Bob New");
    free(n);
}

/* A second handle on the same data dir stands in for the running server: it must pick up
 * the KEK that "sealkey rotate" made, for new writes at once, and follow retirement. */
static void
test_other_handle_follows_rotation_and_retire(void **state)
{
    struct fixture *f = *state;
    struct sd_desk *server = NULL;
    struct sd_key_status *s;
    struct sd_rewrap_progress p;
    uint32_t v;
    uint64_t a, b;
    bool sh;
    char *n;

    assert_int_equal(sd_desk_open(&server, &f->o), SD_OK);
    a = mk(server, "U-1", NULL, "Old Key", "x");
    assert_int_equal(sd_keyops_rotate(f->d, &sys, &v), SD_OK);
    b = mk(server, "U-2", NULL, "New Key", "x");
    s = status(f->d);
    assert_int_equal(s->info.kek[2].data_keys, 1);
    assert_int_equal(s->info.kek[1].data_keys, 1);
    free(s);
    assert_int_equal(sd_keyops_retire(f->d, &sys, 2), SD_E_PRECONDITION);
    assert_int_equal(sd_keyops_rewrap(f->d, &sys, 10, 0, &p), SD_OK);
    assert_true(p.done);
    assert_int_equal(p.rewrapped, 1);
    assert_int_equal(sd_keyops_retire(f->d, &sys, 2), SD_OK);
    assert_int_equal(sd_keyops_retire(f->d, &sys, 2), SD_E_INVALID);
    assert_int_equal(sd_keyops_retire(f->d, &sys, 3), SD_E_PRECONDITION);
    n = read_name(server, a, &sh);
    assert_string_equal(n, "Old Key");
    free(n);
    n = read_name(server, b, &sh);
    assert_string_equal(n, "New Key");
    free(n);
    s = status(server);
    assert_int_equal(s->info.kek_min, 2);
    free(s);
    sd_desk_close(server);
}

static void
test_rewrap_resumes_after_interruption(void **state)
{
    struct fixture *f = *state;
    struct sd_rewrap_progress p;
    struct sd_key_status *s;
    uint64_t ids[10];
    uint32_t v;
    char uid[16];
    uint64_t tickets, bad;

    for(int i = 0; i < 10; i++) {
        snprintf(uid, sizeof(uid), "U-%d", i);
        ids[i] = mk(f->d, uid, NULL, "Name", "body");
    }
    assert_int_equal(sd_keyops_rotate(f->d, &sys, &v), SD_OK);
    assert_int_equal(sd_keyops_rewrap(f->d, &sys, 3, 2, &p), SD_OK);
    assert_false(p.done);
    assert_int_equal(p.rewrapped, 6);
    s = status(f->d);
    assert_int_equal(s->rewrap_target, 2);
    assert_int_equal(s->info.kek[1].data_keys, 4);
    free(s);
    reopen(f); /* as after a crash: only meta says where to go on */
    assert_int_equal(sd_keyops_rewrap(f->d, &sys, 3, 0, &p), SD_OK);
    assert_true(p.resumed);
    assert_true(p.done);
    assert_int_equal(p.rewrapped, 4);
    s = status(f->d);
    assert_int_equal(s->info.kek[1].data_keys, 0);
    assert_int_equal(s->info.kek[2].data_keys, 10);
    assert_int_equal(s->rewrap_target, 0);
    free(s);
    assert_int_equal(sd_keyops_check(f->d, &sys, &tickets, &bad), SD_OK);
    assert_int_equal(tickets, 10);
    assert_int_equal(bad, 0);
    assert_int_equal(sd_keyops_rewrap(f->d, &sys, 0, 0, &p), SD_E_INVALID);
    (void)ids;
    verify_audit(f);
}

/* ---- shredding, seen by an attacker with data.mdb and the master key ---- */

static uint8_t *
slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *p;
    long len;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    len = ftell(fp);
    assert_true(len > 0);
    rewind(fp);
    p = malloc((size_t)len);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return p;
}

static size_t
ad_of(uint8_t ad[48], const char *label, uint64_t id, uint32_t version)
{
    size_t n = strlen(label);

    memcpy(ad, label, n);
    sd_put_u64be(ad + n, id);
    sd_put_u32be(ad + n + 8, version);
    return n + 12;
}

/* Try every position of the file as a wrapped key: every KEK the master key opens, then every
 * data key of ids[0..n) any of those KEKs opens. Returns how many data keys were recovered. */
static int
attack_ids(const char *dir, const uint64_t *ids, size_t nids)
{
    char path[128];
    uint8_t master[SD_KEY_BYTES], keks[16][SD_KEY_BYTES], dk[SD_KEY_BYTES], ad[48];
    size_t n, nk = 0, adn;
    uint8_t *file;
    int found = 0;

    snprintf(path, sizeof(path), "%s/master.key", dir);
    assert_int_equal(sd_master_key_file(master, path, false), SD_OK);
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    file = slurp(path, &n);
    for(size_t off = 0; off + SD_WRAP_BYTES <= n; off++) {
        if(file[off] != 0x01)
            continue;
        for(uint32_t v = 1; v <= 4 && nk < 16; v++) {
            adn = ad_of(ad, "sealdesk/v1/kek", 0, v);
            if(sd_unwrap(keks[nk], SD_KEY_BYTES, master, file + off, SD_WRAP_BYTES, ad, adn) ==
               SD_OK)
                nk++;
        }
    }
    assert_true(nk >= 1);
    for(size_t off = 0; off + SD_WRAP_BYTES <= n; off++) {
        if(file[off] != 0x01)
            continue;
        for(size_t k = 0; k < nk; k++) {
            for(uint32_t v = 1; v <= 4; v++) {
                for(size_t i = 0; i < nids; i++) {
                    adn = ad_of(ad, "sealdesk/v1/dk", ids[i], v);
                    if(sd_unwrap(dk, SD_KEY_BYTES, keks[k], file + off, SD_WRAP_BYTES, ad, adn) ==
                       SD_OK)
                        found++;
                }
            }
        }
    }
    sodium_memzero(master, sizeof(master));
    sodium_memzero(keks, sizeof(keks));
    sodium_memzero(dk, sizeof(dk));
    free(file);
    return found;
}

static int
attack(const char *dir, uint64_t dkid)
{
    return attack_ids(dir, &dkid, 1);
}

static bool
file_has(const char *dir, const char *name, const char *needle)
{
    char path[128];
    size_t n;
    uint8_t *p;
    bool hit;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    p = slurp(path, &n);
    hit = bytes_hold(path, p, n, needle);
    free(p);
    return hit;
}

static void
test_shred_erases_customer_pii_everywhere(void **state)
{
    struct fixture *f = *state;
    struct sd_shred_result r;
    struct sd_ticket t;
    struct sd_ticket_list l;
    struct sd_stats st;
    struct sd_key_status *s;
    uint64_t a1, a2, a3, other;
    uint32_t v;
    bool sh;
    char *n;

    /* An offline tool's desk (one thread): the shred purges the store file at once. */
    f->o.exclusive = true;
    reopen(f);
    a1 = mk(f->d, "VICTIM-77", "victim@example.com", "Zelda Victimova", "my seed is lost");
    assert_int_equal(sd_ticket_comment(f->d, &sys, a1, "called Zelda back", false, NULL), SD_OK);
    /* A rotation in between: the customer's key has been wrapped under two KEKs. */
    assert_int_equal(sd_keyops_rotate(f->d, &sys, &v), SD_OK);
    a2 = mk(f->d, "VICTIM-77", NULL, "Zelda Victimova", "second ticket");
    a3 = mk(f->d, NULL, "victim@example.com", "Zelda V.", "email only ticket");
    other = mk(f->d, "OTHER-1", "other@example.com", "Olga Other", "unrelated");
    {
        struct sd_rewrap_progress p;

        assert_int_equal(sd_keyops_rewrap(f->d, &sys, 1, 0, &p), SD_OK);
    }
    /* Positive control: before shredding the attacker does recover the key (id 1). */
    sd_desk_close(f->d);
    f->d = NULL;
    assert_true(attack(f->dir, 1) > 0);
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);

    assert_int_equal(sd_keyops_shred(f->d, &sys, "VICTIM-77", "", &r), SD_E_INVALID);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "NOBODY", "gdpr", &r), SD_E_NOTFOUND);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "VICTIM-77", "GDPR erasure #12", &r), SD_OK);
    assert_int_equal(r.data_keys, 2); /* uid key and the email-only key */
    assert_int_equal(r.tickets, 3);
    assert_true(r.index_entries >= 5);
    assert_true(r.pages_scrubbed > 0);
    assert_true(r.purged);
    /* At once, before any reopen: nothing in data.mdb unwraps the erased keys. */
    sd_desk_close(f->d);
    f->d = NULL;
    assert_int_equal(attack(f->dir, 1), 0);
    assert_int_equal(attack(f->dir, 2), 0);
    assert_true(attack(f->dir, 3) > 0);
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "VICTIM-77", "again", &r), SD_E_NOTFOUND);

    /* Reads show the marker, metadata stays, other customers are untouched. */
    assert_int_equal(sd_ticket_get(f->d, &sys, a1, true, "check", &t), SD_OK);
    assert_true(t.shredded);
    assert_string_equal((const char *)t.field[SD_F_CUSTOMER_NAME].data, "[shredded]");
    assert_string_equal((const char *)t.field[SD_F_BODY].data, "[shredded]");
    assert_int_equal(t.channel, SD_CH_EMAIL);
    assert_true(t.n_events >= 3);
    for(size_t i = 0; i < t.n_events; i++) {
        if(t.events[i].has_body)
            assert_string_equal((const char *)t.events[i].body.data, "[shredded]");
    }
    sd_ticket_clear(&t);
    n = read_name(f->d, a2, &sh);
    assert_true(sh);
    free(n);
    n = read_name(f->d, a3, &sh);
    assert_true(sh);
    free(n);
    n = read_name(f->d, other, &sh);
    assert_false(sh);
    assert_string_equal(n, "Olga Other");
    free(n);
    assert_int_equal(sd_ticket_find(f->d, &sys, SD_F_CUSTOMER_UID, "VICTIM-77", &l), SD_OK);
    assert_int_equal(l.n, 0);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_find(f->d, &sys, SD_F_CUSTOMER_EMAIL, "victim@example.com", &l),
                     SD_OK);
    assert_int_equal(l.n, 0);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_find(f->d, &sys, SD_F_CUSTOMER_UID, "OTHER-1", &l), SD_OK);
    assert_int_equal(l.n, 1);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_stats(f->d, T0, &st), SD_OK);
    assert_int_equal(st.total, 4);
    s = status(f->d);
    assert_int_equal(s->info.shredded, 2);
    assert_int_equal(s->info.data_keys, 1); /* only Olga's key is left */
    free(s);
    /* A new ticket of the same UID gets a fresh key and is readable again. */
    n = read_name(f->d, mk(f->d, "VICTIM-77", NULL, "Zelda Again", "x"), &sh);
    assert_string_equal(n, "Zelda Again");
    free(n);

    verify_audit(f);
    sd_desk_close(f->d);
    f->d = NULL;
    /* Whole names and phrases: a short needle can match ciphertext by chance. */
    assert_false(file_has(f->dir, "data.mdb", "Zelda Victimova"));
    assert_false(file_has(f->dir, "data.mdb", "Zelda V."));
    assert_false(file_has(f->dir, "data.mdb", "called Zelda back"));
    assert_false(file_has(f->dir, "data.mdb", "Zelda Again"));
    assert_false(file_has(f->dir, "data.mdb", "victim@example.com"));
    assert_int_equal(attack(f->dir, 1), 0);
    assert_int_equal(attack(f->dir, 2), 0);
    assert_true(attack(f->dir, 3) > 0); /* Olga's key is still there (control) */
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
}

static size_t
search_hits(struct sd_desk *d, const char *text)
{
    struct sd_ticket_query q = {.text = text, .category = -1};
    struct sd_ticket_list l;
    size_t n;

    assert_int_equal(sd_ticket_search(d, &sys, &q, &l, NULL), SD_OK);
    n = l.n;
    sd_ticket_list_clear(&l);
    return n;
}

/* The same attack on a busy desk (many customers, tickets in three languages, comments, search
 * postings, rotations and rewraps), shredded on a shared desk as sealdeskd does: the purge
 * waits while another handle has the store open and runs at the next open that has the store
 * to itself. So much page churn that stale copies in live pages cannot be missed by luck. */
static void
test_shred_busy_desk_purged_when_store_is_free(void **state)
{
    static const char *const bodies[] = {
        "withdrawal of usdt stuck for hours, please check txid",
        "我的提现一直显示处理中，已经三个小时了",
        "출금이 계속 대기 중이에요 확인 부탁드립니다",
    };
    enum {
        CUSTOMERS = 120,
        EVERY = 8
    }; /* every 8th customer is shredded: 15 of them */
    struct fixture *f = *state;
    struct sd_shred_result r;
    struct sd_desk *other = NULL;
    struct sd_rewrap_progress p;
    char uid[32], mail[64], name[64], body[256];
    uint64_t vkeys[CUSTOMERS / EVERY], kept[CUSTOMERS];
    size_t nv = 0, nk = 0;
    uint32_t v;
    bool pending, purged;

    /* Customer i has data key i + 1 (one key per UID, made at its first ticket). */
    for(int i = 0; i < CUSTOMERS; i++) {
        bool victim = i % EVERY == 3;
        uint64_t id;

        snprintf(uid, sizeof(uid), "%s-%03d", victim ? "VICTIM" : "CUST", i);
        snprintf(mail, sizeof(mail), "c%03d@example.com", i);
        snprintf(name, sizeof(name), "%s%03d", victim ? "Zora Quellwasser" : "Customer", i);
        if(victim)
            snprintf(body, sizeof(body), "zorapalooza %s 蓝鲸钱包 콩나물지갑", bodies[i % 3]);
        else
            snprintf(body, sizeof(body), "%s ref%03d", bodies[i % 3], i);
        id = mk(f->d, uid, mail, name, body);
        assert_int_equal(sd_ticket_comment(f->d, &sys, id,
                                           victim ? "called Zora back, zorapalooza confirmed"
                                                  : "agent note: checked the chain",
                                           false, NULL),
                         SD_OK);
        if(victim)
            vkeys[nv++] = (uint64_t)i + 1;
        else
            kept[nk++] = (uint64_t)i + 1;
        if(i % 40 == 39 && i < CUSTOMERS - 1) { /* KEK versions 2 and 3, every key rewrapped */
            assert_int_equal(sd_keyops_rotate(f->d, &sys, &v), SD_OK);
            assert_int_equal(sd_keyops_rewrap(f->d, &sys, 50, 0, &p), SD_OK);
        }
    }
    assert_int_equal(search_hits(f->d, "zorapalooza"), nv);
    assert_int_equal(search_hits(f->d, "蓝鲸钱包"), nv);
    assert_int_equal(search_hits(f->d, "콩나물지갑"), nv);
    assert_int_equal(search_hits(f->d, "ref007"), 1);

    /* Shared desk, and another handle open: the shreds commit, the purge waits. */
    assert_int_equal(sd_desk_open(&other, &f->o), SD_OK);
    for(size_t i = 0; i < nv; i++) {
        snprintf(uid, sizeof(uid), "VICTIM-%03" PRIu64, vkeys[i] - 1);
        assert_int_equal(sd_keyops_shred(f->d, &sys, uid, "erasure", &r), SD_OK);
        assert_int_equal(r.tickets, 1);
        assert_false(r.purged);
    }
    assert_int_equal(sd_store_purge_pending(sd_desk_store(f->d), &pending), SD_OK);
    assert_true(pending);
    /* Postings are gone at once; everyone else's stay. */
    assert_int_equal(search_hits(f->d, "zorapalooza"), 0);
    assert_int_equal(search_hits(f->d, "蓝鲸钱包"), 0);
    assert_int_equal(search_hits(f->d, "콩나물지갑"), 0);
    assert_int_equal(search_hits(f->d, "ref007"), 1);
    assert_true(search_hits(f->d, "usdt txid") > 10);
    /* The desk's owner may ask for it: refused while the other handle is open. */
    assert_int_equal(sd_store_purge(sd_desk_store(f->d), &purged), SD_OK);
    assert_false(purged);
    sd_desk_close(other);
    other = NULL;
    /* Like sealdeskd: closed, then opened again with the store to itself. */
    reopen(f);
    assert_int_equal(sd_store_purge_pending(sd_desk_store(f->d), &pending), SD_OK);
    assert_false(pending);
    assert_int_equal(sd_store_purge(sd_desk_store(f->d), &purged), SD_OK);
    assert_false(purged); /* nothing pending */
    assert_int_equal(search_hits(f->d, "zorapalooza"), 0);
    assert_int_equal(search_hits(f->d, "ref007"), 1);
    assert_true(search_hits(f->d, "출금이") > 10);
    verify_audit(f);
    sd_desk_close(f->d);
    f->d = NULL;
    /* Whole names and phrases: "Zora" alone once matched ~950 KB of ciphertext by chance. */
    assert_false(file_has(f->dir, "data.mdb", "Zora Quellwasser"));
    assert_false(file_has(f->dir, "data.mdb", "called Zora back"));
    assert_false(file_has(f->dir, "data.mdb", "zorapalooza"));
    assert_int_equal(attack_ids(f->dir, vkeys, nv), 0);
    /* Control: kept customers' keys are found (the first, a middle and the last one). */
    {
        uint64_t ctl[3] = {kept[0], kept[nk / 2], kept[nk - 1]};

        assert_int_equal(attack_ids(f->dir, ctl, 3), 3);
    }
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
}

/* A purge a crash interrupted after its copy became durable: data.mdb may be half
 * overwritten; the next writable open finishes from purge.mdb, a read-only one refuses. */
static void
test_purge_resumes_after_crash(void **state)
{
    struct fixture *f = *state;
    struct sd_store *s = NULL;
    char tmp[64], from[160], to[160];
    uint8_t junk[8192];
    uint64_t id;
    bool sh;
    char *n;
    FILE *fp;

    id = mk(f->d, "U-5", "u5@example.com", "Kept Customer", "kept body");
    sd_desk_close(f->d);
    f->d = NULL;
    snprintf(tmp, sizeof(tmp), "/tmp/sdpurge.XXXXXX");
    assert_non_null(mkdtemp(tmp));
    assert_int_equal(sd_store_open(&s, f->dir, 0, 0), SD_OK);
    assert_int_equal(sd_store_copy(s, tmp), SD_OK);
    sd_store_close(s);
    s = NULL;
    snprintf(from, sizeof(from), "%s/data.mdb", tmp);
    snprintf(to, sizeof(to), "%s/purge.mdb", f->dir);
    assert_int_equal(rename(from, to), 0);
    rm_rf(tmp);
    snprintf(from, sizeof(from), "%s/data.mdb", f->dir);
    memset(junk, 0xAA, sizeof(junk));
    fp = fopen(from, "r+b");
    assert_non_null(fp);
    assert_int_equal(fwrite(junk, 1, sizeof(junk), fp), sizeof(junk));
    fclose(fp);
    assert_int_equal(sd_store_open(&s, f->dir, SD_STORE_RDONLY, 0), SD_E_PRECONDITION);
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    assert_int_equal(access(to, F_OK), -1);
    n = read_name(f->d, id, &sh);
    assert_false(sh);
    assert_string_equal(n, "Kept Customer");
    free(n);
    verify_audit(f);
}

static void
test_remaster_with_key_file(void **state)
{
    struct fixture *f = *state;
    uint8_t m2[SD_KEY_BYTES];
    char path[96];
    struct sd_desk *d2 = NULL;
    struct sd_desk_opts o;
    uint64_t id;
    bool sh;
    char *n;

    id = mk(f->d, "U-9", NULL, "Remaster Me", "x");
    snprintf(path, sizeof(path), "%s/new.key", f->dir);
    assert_int_equal(sd_master_key_file(m2, path, true), SD_OK);
    assert_int_equal(sd_keyops_remaster(f->d, &sys, m2, NULL), SD_OK);
    sodium_memzero(m2, sizeof(m2));
    sd_desk_close(f->d);
    f->d = NULL;
    assert_int_equal(sd_desk_open(&d2, &f->o), SD_E_CRYPTO); /* old master.key */
    o = f->o;
    o.key_file = path;
    assert_int_equal(sd_desk_open(&d2, &o), SD_OK);
    n = read_name(d2, id, &sh);
    assert_string_equal(n, "Remaster Me");
    free(n);
    sd_desk_close(d2);
    {
        char mk_path[96];

        snprintf(mk_path, sizeof(mk_path), "%s/master.key", f->dir);
        assert_int_equal(rename(path, mk_path), 0);
    }
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
}

static void
test_remaster_with_passphrase(void **state)
{
    struct fixture *f = *state;
    uint8_t m2[SD_KEY_BYTES], salt[SD_PWHASH_SALT_BYTES];
    static const char pass[] = "correct horse battery staple";
    struct sd_desk *d2 = NULL;
    uint64_t id;
    bool sh;
    char *n;

    id = mk(f->d, "U-8", NULL, "Pass Phrase", "x");
    randombytes_buf(salt, sizeof(salt));
    assert_int_equal(sd_master_key_passphrase(m2, pass, strlen(pass), salt), SD_OK);
    assert_int_equal(sd_keyops_remaster(f->d, &sys, m2, salt), SD_OK);
    sodium_memzero(m2, sizeof(m2));
    sd_desk_close(f->d);
    f->d = NULL;
    assert_int_equal(sd_keyops_desk_open_passphrase(&d2, &f->o, "wrong", 5), SD_E_CRYPTO);
    assert_int_equal(sd_keyops_desk_open_passphrase(&d2, &f->o, pass, strlen(pass)), SD_OK);
    n = read_name(d2, id, &sh);
    assert_string_equal(n, "Pass Phrase");
    free(n);
    /* a named rules file (sd_desk_opts.rules_file) is used, as by sd_desk_open: the
     * passphrase open loaded the built-in rules instead */
    sd_desk_close(d2);
    d2 = NULL;
    {
        struct sd_desk_opts o = f->o;
        char rules[512];
        struct sd_triage_result res;
        FILE *fp;

        (void)snprintf(rules, sizeof(rules), "%s/named.rules", f->o.dir);
        o.rules_file = rules;
        assert_int_equal(sd_keyops_desk_open_passphrase(&d2, &o, pass, strlen(pass)),
                         SD_E_NOTFOUND);
        fp = fopen(rules, "w");
        assert_non_null(fp);
        assert_true(fputs("cat trading 3 t: arrived\n", fp) >= 0);
        assert_int_equal(fclose(fp), 0);
        assert_int_equal(sd_keyops_desk_open_passphrase(&d2, &o, pass, strlen(pass)), SD_OK);
        assert_int_equal(sd_desk_triage(d2, "my deposit has not arrived", 26, false, &res), SD_OK);
        assert_int_equal(res.category, SD_CAT_TRADING);
        assert_int_equal(unlink(rules), 0);
    }
    f->d = d2;
}

static void
test_bidx_rotation_reindexes_lookups(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket_list l;
    struct sd_key_status *s;
    uint32_t v;
    uint64_t n, id;
    bool sh;
    char *nm;

    mk(f->d, "U-1", "one@example.com", "One", "x");
    mk(f->d, NULL, "one@example.com", "One", "y");
    mk(f->d, "U-2", "two@example.com", "Two", "z");
    assert_int_equal(sd_keyops_bidx_rotate(f->d, &sys, &v, &n), SD_OK);
    assert_int_equal(v, 2);
    assert_int_equal(n, 3);
    s = status(f->d);
    assert_int_equal(s->info.bidx_version, 2);
    free(s);
    reopen(f);
    assert_int_equal(sd_ticket_find(f->d, &sys, SD_F_CUSTOMER_EMAIL, "ONE@example.com", &l), SD_OK);
    assert_int_equal(l.n, 2);
    sd_ticket_list_clear(&l);
    assert_int_equal(sd_ticket_find(f->d, &sys, SD_F_CUSTOMER_UID, "U-2", &l), SD_OK);
    assert_int_equal(l.n, 1);
    sd_ticket_list_clear(&l);
    /* The customer map follows: the same UID reuses its data key, so shred still finds it. */
    id = mk(f->d, "U-2", NULL, "Two again", "w");
    s = status(f->d);
    assert_int_equal(s->info.data_keys, 3);
    free(s);
    nm = read_name(f->d, id, &sh);
    assert_string_equal(nm, "Two again");
    free(nm);
    verify_audit(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rotate_new_writes_use_new_kek_old_keys_stay_readable,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_other_handle_follows_rotation_and_retire,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rewrap_resumes_after_interruption, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_shred_erases_customer_pii_everywhere, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_shred_busy_desk_purged_when_store_is_free,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_purge_resumes_after_crash, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_remaster_with_key_file, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_remaster_with_passphrase, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bidx_rotation_reindexes_lookups, fixture_setup,
                                        fixture_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
