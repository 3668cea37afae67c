/* Attachments (issue 15): chunked and sealed outside the ticket record, the type allow-list
 * and size limits (refused: metadata kept, no bytes, `attachment_refused` on the timeline),
 * adding inside the caller's txn (abort: nothing), list without filenames unless unmasked,
 * audited download under the ticket-unmask rule, chunks that cannot be swapped, shredding that
 * makes them unreadable, no plaintext in data.mdb, and the store overhead per 1 MiB. */
#include "test_helpers.h"

#include <sodium.h>

#include "sealdesk.pb-c.h"
#include "sealdesk/attach.h"
#include "sealdesk/audit.h"
#include "sealdesk/keyops.h"
#include "sealdesk/store.h"
#include "tickets/desk_int.h"

static const struct sd_actor sys = {"operator", NULL, SD_ROLE_SYSTEM};
static const struct sd_actor alice = {"alice", NULL, SD_ROLE_AGENT};
static const struct sd_actor eve = {"eve", NULL, SD_ROLE_AGENT};
static const struct sd_actor bob = {"bob", NULL, SD_ROLE_SUPERVISOR};
static const struct sd_actor uma = {"uma", NULL, SD_ROLE_AUDITOR};

#define MARKER "ATTACH-PLAINTEXT-MARKER-5f3a"

static uint64_t
ticket(struct sd_desk *d, const char *uid)
{
    struct sd_ticket_new in;
    struct sd_ticket t;
    uint64_t id;

    memset(&in, 0, sizeof(in));
    in.channel = SD_CH_EMAIL;
    in.field[SD_F_SUBJECT] = "Withdrawal proof";
    in.field[SD_F_BODY] = "Screenshot of the TXID attached";
    in.field[SD_F_CUSTOMER_UID] = uid;
    in.category = SD_CAT_WITHDRAWAL;
    assert_int_equal(sd_ticket_create(d, &sys, &in, &t), SD_OK);
    id = t.id;
    sd_ticket_clear(&t);
    return id;
}

static void
add_user(struct sd_desk *d, const char *name, unsigned roles)
{
    struct sd_txn *t;
    char pw[SD_PASSWORD_MAX + 1], uri[256];

    assert_int_equal(sd_txn_begin(sd_desk_store(d), true, &t), SD_OK);
    assert_int_equal(sd_user_add(t, d->kr, name, roles, false, NULL, pw, uri), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
}

/* n bytes repeating the marker (text) */
static uint8_t *
marked(size_t n)
{
    uint8_t *p = malloc(n);

    assert_non_null(p);
    for(size_t i = 0; i < n; i++)
        p[i] = (uint8_t)MARKER[i % (sizeof(MARKER) - 1)];
    return p;
}

static off_t
mdb_size(const char *dir)
{
    char path[128];
    struct stat st;

    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* Timeline events of kind on ticket id, details joined by "|". */
static void
events_of(struct sd_desk *d, uint64_t id, enum sd_event_kind kind, char *out, size_t cap)
{
    struct sd_ticket t;
    size_t off = 0;

    out[0] = 0;
    assert_int_equal(sd_ticket_get(d, &sys, id, false, NULL, &t), SD_OK);
    for(size_t i = 0; i < t.n_events; i++) {
        if(t.events[i].kind == kind)
            off +=
                (size_t)snprintf(out + off, cap - off, "%s%s", off ? "|" : "", t.events[i].detail);
    }
    sd_ticket_clear(&t);
}

static void
test_attach_kept_and_refused_with_timeline_list_and_download(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, "UID-ATT-1");
    size_t big = 3 * SD_ATTACH_CHUNK + 1234; /* four chunks, the last partial */
    uint8_t *png = marked(big);
    const uint8_t exe[] = "MZ\x90\x00 not allowed";
    struct sd_attach_in in[2] = {
        {png, big, "image/png", "screenshot-" MARKER ".png"},
        {exe, sizeof(exe), "application/x-dosexec", "invoice.exe"},
    };
    struct sd_attach_result res[2];
    struct sd_attach_list l;
    struct sd_attachment info;
    struct sd_buf got = SD_BUF_INIT;
    char ev[512];
    const char *why = NULL;

    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, in, 2, res, &why), SD_OK);
    assert_int_equal(res[0].state, SD_ATTACH_KEPT);
    assert_null(res[0].reason);
    assert_int_equal(res[1].state, SD_ATTACH_REFUSED);
    assert_string_equal(res[1].reason, "type not allowed");

    events_of(f->d, tid, SD_EV_ATTACHMENT_REFUSED, ev, sizeof(ev));
    assert_string_equal(ev, "attachment=2 type=application/x-dosexec size=17: type not allowed");
    assert_string_equal(sd_event_kind_name(SD_EV_ATTACHMENT_REFUSED), "attachment_refused");
    events_of(f->d, tid, SD_EV_ATTACHMENT, ev, sizeof(ev));
    assert_non_null(strstr(ev, "attachment=1 type=image/png size=787666 sha256="));

    /* listed without filenames; with unmask (reason) they appear */
    assert_int_equal(sd_attach_list(f->d, &bob, tid, false, NULL, &l), SD_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.items[0].size, big);
    assert_string_equal(l.items[0].type, "image/png");
    assert_true(l.items[0].has_filename);
    assert_string_equal(l.items[0].filename, "");
    assert_int_equal(l.items[1].state, SD_ATTACH_REFUSED);
    assert_string_equal(l.items[1].reason, "type not allowed");
    sd_attach_list_clear(&l);
    assert_int_equal(sd_attach_list(f->d, &bob, tid, true, NULL, &l), SD_E_INVALID);
    assert_int_equal(sd_attach_list(f->d, &sys, tid, true, "checking the proof", &l), SD_OK);
    assert_string_equal(l.items[0].filename, "screenshot-" MARKER ".png");
    assert_string_equal(l.items[1].filename, "invoice.exe");
    sd_attach_list_clear(&l);

    /* download: the same bytes; refused ones have none */
    assert_int_equal(sd_attach_read(f->d, &sys, res[0].id, "verify TXID", &got, &info), SD_OK);
    assert_int_equal(got.len, big);
    assert_memory_equal(got.data, png, big);
    assert_string_equal(info.filename, "screenshot-" MARKER ".png");
    sd_buf_wipe_free(&got);
    assert_int_equal(sd_attach_read(f->d, &sys, res[1].id, "look", &got, NULL), SD_E_PRECONDITION);
    assert_int_equal(got.len, 0);
    assert_int_equal(sd_attach_read(f->d, &sys, 99, "look", &got, NULL), SD_E_NOTFOUND);
    assert_int_equal(audit_count(f->d, "attachment.add"), 1);
    assert_int_equal(audit_count(f->d, "attachment.read"), 1);
    assert_int_equal(audit_count(f->d, "attachment.list"), 1);
    assert_int_equal(audit_count(f->d, "attachment.unmask"), 1);

    /* neither the bytes nor the filename are in the store file in the clear */
    sd_desk_close(f->d);
    f->d = NULL;
    assert_false(store_holds(f->dir, MARKER));
    assert_false(store_holds(f->dir, "invoice.exe"));
    assert_int_equal(sd_desk_open(&f->d, &f->o), SD_OK);
    free(png);
}

static void
test_attach_limits_per_file_and_per_message(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, "UID-ATT-2");
    size_t nine = 9u * 1024 * 1024, eleven = SD_ATTACH_MAX_FILE + 1;
    uint8_t *p = calloc(1, eleven);
    struct sd_attach_in in[4] = {
        {p, eleven, "application/pdf", "too-big.pdf"},
        {p, nine, "application/pdf", "a.pdf"},
        {p, nine, "image/jpeg", "b.jpg"},
        {p, nine, "image/jpeg", "c.jpg"}, /* 27 MiB kept would pass 25 MiB */
    };
    struct sd_attach_result res[SD_ATTACH_MAX_FILES + 1];
    struct sd_attach_in many[SD_ATTACH_MAX_FILES + 1];
    struct sd_attach_limits lim = {1024, 2048};
    struct sd_attach_list l;
    const char *why = NULL;

    assert_non_null(p);
    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, in, 4, res, &why), SD_OK);
    assert_int_equal(res[0].state, SD_ATTACH_REFUSED);
    assert_string_equal(res[0].reason, "file over the size limit");
    assert_int_equal(res[1].state, SD_ATTACH_KEPT);
    assert_int_equal(res[2].state, SD_ATTACH_KEPT);
    assert_int_equal(res[3].state, SD_ATTACH_REFUSED);
    assert_string_equal(res[3].reason, "message over the attachment size limit");

    /* configured limits */
    in[0].len = 1500;
    assert_int_equal(sd_attach_add(f->d, &sys, tid, &lim, in, 1, res, &why), SD_OK);
    assert_int_equal(res[0].state, SD_ATTACH_REFUSED);
    lim.max_message = 10;
    assert_int_equal(sd_attach_add(f->d, &sys, tid, &lim, in, 1, res, &why), SD_E_INVALID);
    assert_string_equal(why, "limits: invalid attachment limits");

    /* bad input names the field and adds nothing */
    in[1].type = "Image/PNG; charset=x";
    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, in + 1, 1, res, &why), SD_E_INVALID);
    assert_string_equal(why, "type: a MIME type (type/subtype, lower case, no parameters)");
    in[1].type = "image/png";
    in[1].filename = "bad\xff.png";
    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, in + 1, 1, res, &why), SD_E_INVALID);
    assert_string_equal(why, "filename: not valid UTF-8 text");
    for(size_t i = 0; i <= SD_ATTACH_MAX_FILES; i++)
        many[i] = (struct sd_attach_in){p, 1, "text/plain", NULL};
    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, many, SD_ATTACH_MAX_FILES + 1, res, &why),
                     SD_E_LIMIT);
    assert_int_equal(sd_attach_add(f->d, &sys, 999, NULL, many, 1, res, &why), SD_E_NOTFOUND);
    assert_int_equal(sd_attach_list(f->d, &sys, tid, false, NULL, &l), SD_OK);
    assert_int_equal(l.n, 5);
    sd_attach_list_clear(&l);
    assert_true(sd_attach_type_allowed("image/webp"));
    assert_false(sd_attach_type_allowed("image/svg+xml"));
    free(p);
}

static void
test_attach_add_in_commits_with_the_callers_txn(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, "UID-ATT-3");
    const uint8_t txt[] = "TXID 0xabc";
    struct sd_attach_in in = {txt, sizeof(txt) - 1, "text/plain", "txid.txt"};
    struct sd_attach_result res;
    struct sd_attach_list l;
    struct sd_txn *t;

    assert_int_equal(sd_txn_begin(sd_desk_store(f->d), true, &t), SD_OK);
    assert_int_equal(sd_attach_add_in(f->d, t, &sys, tid, NULL, &in, 1, &res, NULL), SD_OK);
    sd_txn_abort(t); /* the caller's change failed: its attachments go with it */
    assert_int_equal(sd_attach_list(f->d, &sys, tid, false, NULL, &l), SD_OK);
    assert_int_equal(l.n, 0);
    sd_attach_list_clear(&l);
    assert_int_equal(sd_txn_begin(sd_desk_store(f->d), true, &t), SD_OK);
    assert_int_equal(sd_attach_add_in(f->d, t, &sys, tid, NULL, &in, 1, &res, NULL), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(sd_attach_list(f->d, &sys, tid, false, NULL, &l), SD_OK);
    assert_int_equal(l.n, 1);
    sd_attach_list_clear(&l);
}

static void
test_attach_download_follows_the_ticket_unmask_rule(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, "UID-ATT-4");
    const uint8_t pdf[] = "%PDF-1.4 bank slip";
    struct sd_attach_in in = {pdf, sizeof(pdf) - 1, "application/pdf", "slip.pdf"};
    struct sd_attach_result res;
    struct sd_attach_list l;
    struct sd_buf got = SD_BUF_INIT;
    struct sd_ticket t;

    add_user(f->d, "alice", SD_ROLE_AGENT);
    add_user(f->d, "eve", SD_ROLE_AGENT);
    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, &in, 1, &res, NULL), SD_OK);
    /* queued ticket: agents list it, nobody but the assignee/supervisor downloads */
    assert_int_equal(sd_attach_list(f->d, &eve, tid, false, NULL, &l), SD_OK);
    sd_attach_list_clear(&l);
    assert_int_equal(sd_attach_read(f->d, &eve, res.id, "curious", &got, NULL), SD_E_DENIED);
    assert_int_equal(sd_attach_read(f->d, &uma, res.id, "audit", &got, NULL), SD_E_DENIED);
    assert_int_equal(sd_ticket_assign(f->d, &sys, tid, "alice", &t), SD_OK);
    sd_ticket_clear(&t);
    assert_int_equal(sd_attach_list(f->d, &eve, tid, false, NULL, &l), SD_E_DENIED);
    assert_int_equal(sd_attach_read(f->d, &alice, res.id, NULL, &got, NULL), SD_E_INVALID);
    assert_int_equal(sd_attach_read(f->d, &alice, res.id, "   ", &got, NULL), SD_E_INVALID);
    assert_int_equal(sd_attach_read(f->d, &alice, res.id, "customer asked", &got, NULL), SD_OK);
    assert_int_equal(got.len, sizeof(pdf) - 1);
    sd_buf_wipe_free(&got);
    assert_int_equal(sd_attach_read(f->d, &bob, res.id, "second look", &got, NULL), SD_E_DENIED);
    add_user(f->d, "bob", SD_ROLE_SUPERVISOR);
    assert_int_equal(sd_attach_read(f->d, &bob, res.id, "second look", &got, NULL), SD_OK);
    sd_buf_wipe_free(&got);
    assert_int_equal(audit_count(f->d, "attachment.read"), 2);
}

static void
test_attach_swapped_chunks_and_shredding_make_it_unreadable(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, "UID-ATT-5");
    size_t n = 2 * SD_ATTACH_CHUNK;
    uint8_t *p = marked(n);
    struct sd_attach_in in = {p, n, "image/gif", "a.gif"};
    struct sd_attach_result res;
    struct sd_attach_list l;
    struct sd_shred_result sr;
    struct sd_buf got = SD_BUF_INIT, c0 = SD_BUF_INIT, c1 = SD_BUF_INIT;
    struct sd_txn *t;
    struct sd_val v;
    uint8_t k[12];

    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, &in, 1, &res, NULL), SD_OK);
    /* swap chunk 0 and 1 in the table: the AD binds the chunk number */
    assert_int_equal(sd_txn_begin(sd_desk_store(f->d), true, &t), SD_OK);
    for(uint32_t i = 0; i < 2; i++) {
        sd_put_u64be(k, res.id);
        sd_put_u32be(k + 8, i);
        assert_int_equal(sd_txn_get(t, SD_DB_ATTACH_DATA, k, sizeof(k), &v), SD_OK);
        assert_int_equal(sd_buf_append(i ? &c1 : &c0, v.p, v.n), SD_OK);
    }
    sd_put_u32be(k + 8, 0);
    assert_int_equal(sd_txn_put(t, SD_DB_ATTACH_DATA, k, sizeof(k), c1.data, c1.len), SD_OK);
    sd_put_u32be(k + 8, 1);
    assert_int_equal(sd_txn_put(t, SD_DB_ATTACH_DATA, k, sizeof(k), c0.data, c0.len), SD_OK);
    assert_int_equal(sd_txn_commit(t), SD_OK);
    assert_int_equal(sd_attach_read(f->d, &sys, res.id, "x", &got, NULL), SD_E_CRYPTO);
    assert_int_equal(got.len, 0);

    /* a good one, then shred the customer */
    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, &in, 1, &res, NULL), SD_OK);
    assert_int_equal(sd_attach_read(f->d, &sys, res.id, "x", &got, NULL), SD_OK);
    sd_buf_wipe_free(&got);
    assert_int_equal(sd_keyops_shred(f->d, &sys, "UID-ATT-5", "GDPR erasure", &sr), SD_OK);
    assert_int_equal(sd_attach_read(f->d, &sys, res.id, "x", &got, NULL), SD_E_SHREDDED);
    assert_int_equal(got.len, 0);
    assert_int_equal(sd_attach_list(f->d, &sys, tid, true, "after shred", &l), SD_OK);
    assert_int_equal(l.n, 2);
    assert_true(l.items[1].shredded);
    assert_string_equal(l.items[1].filename, "");
    sd_attach_list_clear(&l);
    /* nothing more can be attached to the shredded customer's ticket */
    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, &in, 1, &res, NULL), SD_E_SHREDDED);
    sd_buf_free(&c0);
    sd_buf_free(&c1);
    free(p);
}

/* The figure of the issue: growth of data.mdb per 1 MiB attachment (incompressible bytes). */
static void
test_attach_store_overhead_per_mib(void **state)
{
    struct fixture *f = *state;
    uint64_t tid = ticket(f->d, "UID-ATT-6");
    size_t mib = 1024 * 1024;
    uint8_t *p = malloc(mib);
    struct sd_attach_in in = {p, mib, "image/png", "shot.png"};
    struct sd_attach_result res;
    off_t before, after;
    const int rounds = 8;
    double per;

    assert_non_null(p);
    randombytes_buf(p, mib);
    /* warm up: the first write txns grow the file for the free list and meta pages */
    assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, &in, 1, &res, NULL), SD_OK);
    before = mdb_size(f->dir);
    for(int i = 0; i < rounds; i++)
        assert_int_equal(sd_attach_add(f->d, &sys, tid, NULL, &in, 1, &res, NULL), SD_OK);
    after = mdb_size(f->dir);
    per = (double)(after - before) / rounds;
    printf("attachment store growth: %.0f bytes of data.mdb per 1 MiB attachment "
           "(%.3f x; %d rounds)\n",
           per, per / (double)mib, rounds);
    assert_true(per >= (double)mib);
    assert_true(per < 1.15 * (double)mib);
    free(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_attach_kept_and_refused_with_timeline_list_and_download),
        T(test_attach_limits_per_file_and_per_message),
        T(test_attach_add_in_commits_with_the_callers_txn),
        T(test_attach_download_follows_the_ticket_unmask_rule),
        T(test_attach_swapped_chunks_and_shredding_make_it_unreadable),
        T(test_attach_store_overhead_per_mib),
    };

    assert_int_equal(sd_crypto_init(), SD_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
