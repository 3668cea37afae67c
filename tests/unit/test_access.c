/* Access (src/ops/access.c): login with lockout, throttling and TOTP replay protection, the
 * audit of failed logins, session expiry, idle timeout, logout and revocation, invalidating
 * every session, password changes, and offboarding (disable and requeue in one txn). */
#include "desk_helpers.h"
#include "auth_helpers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* ---- issue 13: nobody acts as somebody else ---- */

static const struct sd_actor wei = {"wei", NULL, SD_ROLE_AGENT};
static const struct sd_actor ag1 = {"ag1", NULL, SD_ROLE_AGENT};
static const struct sd_actor sup = {"sup", NULL, SD_ROLE_SUPERVISOR};

static void
test_offboard_disables_and_requeues_open_tickets_in_one_txn(void **state)
{
    struct fixture *f = *state;
    struct sd_ticket t;
    struct sd_user u;
    uint64_t a, b, c, before, *ids = NULL;
    size_t n = 0;

    people(f->d);
    a = create(f->d, "s", "b", SD_CAT_GENERAL, 1, NULL);
    b = create(f->d, "s", "b", SD_CAT_GENERAL, 2, NULL);
    c = create(f->d, "s", "b", SD_CAT_GENERAL, 3, NULL);
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_int_equal(sd_queue_claim(f->d, &wei, NULL, &t), SD_OK);
    assert_int_equal(sd_ticket_transition(f->d, &wei, b, SD_ST_WAITING_CUSTOMER, &t), SD_OK);
    assert_int_equal(sd_ticket_transition(f->d, &wei, c, SD_ST_RESOLVED, &t), SD_OK);
    assert_int_equal(queued(f->d), 0);
    assert_int_equal(sd_access_user_offboard(f->d, &agent, "nobody", &u, &ids, &n), SD_E_NOTFOUND);
    before = audit_size(f->d);
    assert_int_equal(sd_access_user_offboard(f->d, &agent, "wei", &u, &ids, &n), SD_OK);
    assert_true(u.disabled);
    assert_int_equal(n, 2);
    assert_true((ids[0] == a && ids[1] == b) || (ids[0] == b && ids[1] == a));
    free(ids);
    /* one entry per requeued ticket plus the offboarding itself */
    assert_int_equal(audit_size(f->d), before + 3);
    assert_int_equal(queued(f->d), 2);
    assert_int_equal(sd_ticket_get(f->d, &agent, b, false, NULL, &t), SD_OK);
    assert_string_equal(t.assignee, "");
    assert_int_equal(t.status, SD_ST_RECEIVED);
    assert_int_equal(t.events[t.n_events - 1].kind, SD_EV_ASSIGNED);
    sd_ticket_clear(&t);
    assert_int_equal(sd_ticket_get(f->d, &agent, c, false, NULL, &t), SD_OK);
    assert_string_equal(t.assignee, "wei"); /* resolved: history stays as it was */
    sd_ticket_clear(&t);
    /* the queue hands them to someone else, never back to the leaver */
    assert_int_equal(sd_queue_claim(f->d, &ag1, NULL, &t), SD_OK);
    assert_int_equal(t.id, a);
    assert_int_equal(sd_queue_claim(f->d, &sup, "wei", &t), SD_E_INVALID);
}

static void
test_login_totp_replay_and_lockout(void **state)
{
    struct fixture *f = *state;
    struct user u, wrong;
    char token[65];
    uint64_t exp;
    unsigned roles;
    struct sd_session s;

    add_user(f, "sam", SD_ROLE_SUPERVISOR, &u);
    assert_int_equal(login(f, "sam", &u, 0, token), SD_OK);
    assert_int_equal(strlen(token), 64);
    assert_int_equal(sd_access_session(f->d, token, NULL, &s), SD_OK);
    assert_string_equal(s.user, "sam");
    assert_int_equal(s.roles, SD_ROLE_SUPERVISOR);
    /* the same TOTP code twice: refused (replay) */
    assert_int_equal(login(f, "sam", &u, 0, token), SD_E_UNAUTH);
    /* a code one step ahead is in the window */
    assert_int_equal(login(f, "sam", &u, 1, token), SD_OK);
    /* a code two steps ahead is not */
    assert_int_equal(login(f, "sam", &u, 2, token), SD_E_UNAUTH);
    /* unknown user: same answer as a bad password */
    assert_int_equal(login(f, "nobody", &u, 0, token), SD_E_UNAUTH);

    /* 10 wrong passwords lock the user: then even the right password and a fresh code are
     * refused until the lock expires */
    add_user(f, "lee", SD_ROLE_SUPERVISOR, &u);
    {
        /* this case is about the account lock: a name throttle looser than it */
        struct sd_login_limits lim;

        sd_login_limits_defaults(&lim);
        lim.fails_per_name = 100;
        assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    }
    wrong = u;
    strcpy(wrong.password, "not-the-password");
    sd_clock_set(T0 + 600);
    for(int i = 0; i < SD_LOGIN_MAX_FAILS; i++)
        assert_int_equal(login(f, "lee", &wrong, 0, token), SD_E_UNAUTH);
    sd_clock_set(T0 + 660);
    /* locked: the same answer as a wrong password or an unknown name */
    assert_int_equal(login(f, "lee", &u, 0, token), SD_E_UNAUTH);
    sd_clock_set(T0 + 660 + SD_LOGIN_LOCK_SECONDS + 30);
    assert_int_equal(login(f, "lee", &u, 0, token), SD_OK);
    (void)exp;
    (void)roles;
}

static void
test_sessions_expire_idle_logout_and_revocation(void **state)
{
    struct fixture *f = *state;
    struct user u;
    char t1[65], t2[65];
    struct sd_session s;
    struct sd_actor a = {"ann", NULL, SD_ROLE_AGENT};
    struct sd_user info;

    add_user(f, "ann", SD_ROLE_AGENT, &u);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    /* idle: 29 min ok (and refreshed), then 31 min after the refresh: dead */
    sd_clock_set(T0 + 29 * 60);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
    sd_clock_set(T0 + 29 * 60 + 31 * 60);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    /* absolute expiry after 8 h even when active */
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    for(int m = 20; m < 8 * 60; m += 20) {
        sd_clock_set(T0 + 29 * 60 + 31 * 60 + (uint64_t)m * 60);
        assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
    }
    sd_clock_set(T0 + 60 * 60 + 8 * 3600);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    /* logout kills the token; replaying it fails */
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(sd_access_logout(f->d, &a, t1), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_access_logout(f->d, &a, t1), SD_E_UNAUTH);
    /* revocation and disabling kill every session */
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(login(f, "ann", &u, 0, t2), SD_OK);
    assert_int_equal(sd_access_user_revoke(f->d, &sys, "ann", &info), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_access_session(f->d, t2, NULL, &s), SD_E_UNAUTH);
    /* A login in the same second as the revocation gets a live session (it did not: sessions
     * were dead until a whole second after the revocation), and the revocation still holds
     * for the old ones. */
    assert_int_equal(login(f, "ann", &u, 0, t2), SD_OK);
    assert_int_equal(sd_access_session(f->d, t2, NULL, &s), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    sd_clock_set(sd_clock_now() + 5);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(sd_access_user_set_disabled(f->d, &sys, "ann", true, &info), SD_OK);
    assert_true(info.disabled);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_E_UNAUTH);
    /* malformed tokens */
    assert_int_equal(sd_access_session(f->d, "abc", NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_access_session(f->d, NULL, NULL, &s), SD_E_UNAUTH);
}
static void
test_invalidating_all_sessions_ends_every_session_and_is_audited(void **state)
{
    struct fixture *f = *state;
    struct user u, v;
    struct sd_session s;
    struct sd_txn *t;
    char t1[65], t2[65];
    uint64_t n = 0, before, after;

    add_user(f, "ann", SD_ROLE_AGENT, &u);
    add_user(f, "ben", SD_ROLE_AGENT, &v);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(login(f, "ben", &v, 0, t2), SD_OK);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_size(t, &before), SD_OK);
    sd_txn_abort(t);
    assert_int_equal(sd_access_sessions_invalidate(f->d, &sys, "restore", &n), SD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_access_session(f->d, t2, NULL, &s), SD_E_UNAUTH);
    assert_int_equal(sd_txn_begin(f->d->store, false, &t), SD_OK);
    assert_int_equal(sd_audit_size(t, &after), SD_OK);
    sd_txn_abort(t);
    assert_int_equal(after, before + 1);
    /* users are untouched: they log in again */
    sd_clock_set(sd_clock_now() + 31);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
}

static void
test_password_change_needs_the_old_one_follows_the_rules_and_ends_sessions(void **state)
{
    struct fixture *f = *state;
    struct user u;
    struct sd_session s;
    const char *why = NULL;
    char t1[65];

    add_user(f, "ann", SD_ROLE_AGENT, &u);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(
        sd_access_user_passwd(f->d, &sys, "ann", "wrong password", "a new passphrase", &why),
        SD_E_UNAUTH);
    assert_string_equal(why, "old_password: does not match");
    assert_int_equal(sd_access_user_passwd(f->d, &sys, "ann", u.password, "short", &why),
                     SD_E_INVALID);
    assert_string_equal(why, "new_password: 12 to 128 bytes");
    assert_int_equal(
        sd_access_user_passwd(f->d, &sys, "ann", u.password, "xx-ANN-password-xx", &why),
        SD_E_INVALID);
    assert_string_equal(why, "new_password: must not contain the user name");
    assert_int_equal(sd_access_user_passwd(f->d, &sys, "ann", u.password, u.password, &why),
                     SD_E_INVALID);
    assert_string_equal(why, "new_password: must differ from the old password");
    assert_int_equal(
        sd_access_user_passwd(f->d, &sys, "ann", u.password, "tab\there ok long", &why),
        SD_E_INVALID);
    assert_int_equal(
        sd_access_user_passwd(f->d, &sys, "ghost", u.password, "a new passphrase", &why),
        SD_E_NOTFOUND);
    /* nothing changed by the refusals: the session still works */
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
    assert_int_equal(sd_access_user_passwd(f->d, &sys, "ann", u.password, "a new passphrase", &why),
                     SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_E_UNAUTH);
    sd_clock_set(sd_clock_now() + 1);
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_E_UNAUTH);
    snprintf(u.password, sizeof(u.password), "a new passphrase");
    assert_int_equal(login(f, "ann", &u, 0, t1), SD_OK);
    assert_int_equal(sd_access_session(f->d, t1, NULL, &s), SD_OK);
}

/* ---- issue 13 items 11 and 12: login abuse ---- */

static bool
audit_has(struct fixture *f, const char *needle)
{
    struct sd_buf all = SD_BUF_INIT;
    bool found = false;

    assert_int_equal(sd_desk_audit_export_mem(f->d, &sys, 0, &all), SD_OK);
    for(size_t i = 0; i + strlen(needle) <= all.len && !found; i++)
        found = memcmp(all.data + i, needle, strlen(needle)) == 0;
    sd_buf_free(&all);
    return found;
}

static sd_err
login_from(struct fixture *f, const char *src, const char *name, const char *password)
{
    char token[65];
    uint64_t exp;
    unsigned roles;

    return sd_access_login_src(f->d, src, name, password, "", NULL, NULL, token, &exp, &roles);
}

static void
test_login_lock_is_cleared_when_it_expires(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct sd_user info;
    struct user u;
    char token[65];

    sd_login_limits_defaults(&lim);
    lim.fails_per_name = lim.fails_per_source = 1000; /* only the account lock here */
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    for(int i = 0; i < SD_LOGIN_MAX_FAILS; i++)
        assert_int_equal(login_from(f, NULL, "kim", "wrong"), SD_E_UNAUTH);
    assert_int_equal(login(f, "kim", &u, 0, token), SD_E_UNAUTH); /* locked */
    /* The lock expires; one more wrong password must not lock the account again at once
     * (it did: the counter stayed at 10, so one try per lock period kept it locked). */
    sd_clock_set(T0 + SD_LOGIN_LOCK_SECONDS + 1);
    assert_int_equal(login_from(f, NULL, "kim", "wrong"), SD_E_UNAUTH);
    {
        struct sd_txn *t;

        assert_int_equal(sd_txn_begin(sd_desk_store(f->d), false, &t), SD_OK);
        assert_int_equal(sd_user_get(t, "kim", &info), SD_OK);
        sd_txn_abort(t);
    }
    assert_int_equal(info.failed_logins, 1);
    assert_int_equal(info.locked_until, 0);
    assert_int_equal(login(f, "kim", &u, 0, token), SD_OK);
}

static void
test_login_unknown_locked_and_disabled_answer_alike(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct sd_user info;
    struct user u, v;

    sd_login_limits_defaults(&lim);
    lim.fails_per_name = lim.fails_per_source = 1000;
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    add_user(f, "dan", SD_ROLE_AGENT, &v);
    assert_int_equal(login_from(f, NULL, "nobody", "whatever"), SD_E_UNAUTH);
    for(int i = 0; i < SD_LOGIN_MAX_FAILS; i++)
        assert_int_equal(login_from(f, NULL, "kim", "wrong"), SD_E_UNAUTH);
    /* locked, right password: was SD_E_DENIED (PERMISSION_DENIED), a tell */
    assert_int_equal(login_from(f, NULL, "kim", u.password), SD_E_UNAUTH);
    /* disabled: right and wrong passwords answer the same (the right one said DENIED) */
    assert_int_equal(sd_access_user_set_disabled(f->d, &sys, "dan", true, &info), SD_OK);
    assert_int_equal(login_from(f, NULL, "dan", v.password), SD_E_UNAUTH);
    assert_int_equal(login_from(f, NULL, "dan", "wrong"), SD_E_UNAUTH);
}

static void
test_login_throttle_per_source_and_per_name(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct user u;
    char name[32];

    sd_login_limits_defaults(&lim);
    lim.fails_per_source = 6;
    lim.fails_per_name = 4;
    lim.window_s = 60;
    lim.backoff_max_s = 600;
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    /* per source: 6 failures with 6 different unknown names from one address ... */
    for(int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "ghost%d", i);
        assert_int_equal(login_from(f, "192.0.2.7", name, "pw"), SD_E_UNAUTH);
    }
    /* ... and that address backs off, even for a real user with the right password, before
     * any hash is spent; another address is not affected */
    assert_int_equal(login_from(f, "192.0.2.7", "kim", u.password), SD_E_LIMIT);
    assert_int_equal(login_from(f, "192.0.2.8", "kim", u.password), SD_OK);
    /* the back-off ends after one window; a second strike lasts two */
    sd_clock_set(T0 + 61);
    assert_int_equal(login_from(f, "192.0.2.7", "kim", u.password), SD_OK);
    for(int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "ghost%d", 10 + i);
        assert_int_equal(login_from(f, "192.0.2.7", name, "pw"), SD_E_UNAUTH);
    }
    sd_clock_set(T0 + 61 + 61);
    assert_int_equal(login_from(f, "192.0.2.7", "ghost99", "pw"), SD_E_LIMIT);
    sd_clock_set(T0 + 61 + 121);
    assert_int_equal(login_from(f, "192.0.2.7", "ghost99", "pw"), SD_E_UNAUTH);
    /* per name, across addresses: an unknown and an existing name behave the same */
    for(int i = 0; i < 4; i++) {
        snprintf(name, sizeof(name), "198.51.100.%d", i);
        assert_int_equal(login_from(f, name, "nobody", "pw"), SD_E_UNAUTH);
        assert_int_equal(login_from(f, name, "kim", "pw"), SD_E_UNAUTH);
    }
    assert_int_equal(login_from(f, "203.0.113.1", "nobody", "pw"), SD_E_LIMIT);
    assert_int_equal(login_from(f, "203.0.113.1", "kim", u.password), SD_E_LIMIT);
}

static void
test_login_failures_are_audited_per_window_with_hashed_unknown_names(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct user u;
    uint64_t before, after;
    char src[32];

    sd_login_limits_defaults(&lim);
    lim.fails_per_name = lim.fails_per_source = 1000;
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    before = audit_size(f->d);
    /* 30 failures: a password typed as the name, a real user's wrong passwords */
    for(int i = 0; i < 20; i++) {
        snprintf(src, sizeof(src), "192.0.2.%d", i);
        assert_int_equal(login_from(f, src, "Hunter2-Secret!", "x"), SD_E_UNAUTH);
    }
    for(int i = 0; i < 9; i++)
        assert_int_equal(login_from(f, "192.0.2.1", "kim", "wrong"), SD_E_UNAUTH);
    /* nothing written per attempt */
    assert_int_equal(audit_size(f->d), before);
    /* the window ends: the next login writes one record per label, with the count */
    sd_clock_set(T0 + 61);
    assert_int_equal(login_from(f, "192.0.2.1", "kim", u.password), SD_OK);
    after = audit_size(f->d);
    assert_int_equal(after, before + 3); /* unknown:<hash>, kim, auth.login */
    assert_false(audit_has(f, "Hunter2"));
    assert_true(audit_has(f, "unknown:"));
    assert_true(audit_has(f, "failures=20 "));
    assert_true(audit_has(f, "failures=9 "));
    /* a flood of distinct names stays bounded per window: 64 labels and one sum */
    after = audit_size(f->d);
    for(int i = 0; i < 70; i++) {
        snprintf(src, sizeof(src), "name%d", i);
        assert_int_equal(login_from(f, NULL, src, "x"), SD_E_UNAUTH);
    }
    assert_int_equal(sd_access_login_audit_flush(f->d), SD_OK);
    assert_int_equal(audit_size(f->d), after + 65);
    assert_true(audit_has(f, "labels over the per-window cap"));
}

struct flood {
    struct fixture *f;
    atomic_bool done;
};

static void *
flood_main(void *arg)
{
    struct flood *fl = arg;

    for(int i = 0; i < 4; i++)
        (void)login_from(fl->f, NULL, "nobody", "not a password");
    atomic_store(&fl->done, true);
    return NULL;
}

static uint64_t
mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
test_login_hash_runs_outside_the_write_txn(void **state)
{
    struct fixture *f = *state;
    struct sd_login_limits lim;
    struct sd_user info;
    struct flood fl;
    struct user u;
    pthread_t th;
    uint64_t t0, hash_us, sum = 0, n = 0;

    sd_login_limits_defaults(&lim);
    lim.fails_per_name = lim.fails_per_source = 1000;
    assert_int_equal(sd_access_set_login_limits(f->d, &lim, 60), SD_OK);
    add_user(f, "kim", SD_ROLE_AGENT, &u);
    t0 = mono_us();
    assert_false(sd_auth_password_verify(NULL, "not a password"));
    hash_us = mono_us() - t0;
    fl.f = f;
    atomic_init(&fl.done, false);
    assert_int_equal(pthread_create(&th, NULL, flood_main, &fl), 0);
    /* Cheap audited writes while unknown names log in: they must not wait for Argon2id
     * (before: every login held the write txn for a whole hash). */
    while(!atomic_load(&fl.done)) {
        t0 = mono_us();
        assert_int_equal(sd_access_user_set_disabled(f->d, &sys, "kim", false, &info), SD_OK);
        sum += mono_us() - t0;
        n++;
    }
    pthread_join(th, NULL);
    assert_true(n > 0);
    print_message("hash %llu us, %llu writes, mean write %llu us\n", (unsigned long long)hash_us,
                  (unsigned long long)n, (unsigned long long)(sum / n));
    assert_true(sum / n < hash_us / 5);
}

/* Issue 16: a user's own console preferences (Auth.Me / Auth.SetPreferences). */
static void
test_preferences_are_validated_stored_and_audited(void **state)
{
    struct fixture *f = *state;
    const char *field = NULL;
    struct sd_user u;
    uint64_t before;

    people(f->d);
    assert_int_equal(sd_access_me(f->d, &wei, &u), SD_OK);
    assert_string_equal(u.name, "wei");
    assert_int_equal(u.roles, SD_ROLE_AGENT);
    assert_string_equal(u.locale, ""); /* never set */
    assert_string_equal(u.time_zone, "");
    before = audit_size(f->d);
    /* bad input names the field and changes nothing */
    assert_int_equal(sd_access_set_prefs(f->d, &wei, "fr", "Asia/Seoul", &field, &u), SD_E_INVALID);
    assert_string_equal(field, "locale");
    assert_int_equal(sd_access_set_prefs(f->d, &wei, "", "", &field, &u), SD_E_INVALID);
    assert_string_equal(field, "locale");
    assert_int_equal(sd_access_set_prefs(f->d, &wei, "ko", "Mars/Olympus", &field, &u),
                     SD_E_INVALID);
    assert_string_equal(field, "time_zone");
    assert_int_equal(sd_access_set_prefs(f->d, &wei, "ko", "UTC+09:00", &field, &u), SD_E_INVALID);
    assert_string_equal(field, "time_zone");
    assert_int_equal(sd_access_set_prefs(f->d, &wei, "ko", "../../etc/passwd", &field, &u),
                     SD_E_INVALID);
    assert_string_equal(field, "time_zone");
    assert_int_equal(audit_size(f->d), before);
    assert_int_equal(sd_access_me(f->d, &wei, &u), SD_OK);
    assert_string_equal(u.locale, "");
    /* a good one is stored and audited in the same txn */
    assert_int_equal(sd_access_set_prefs(f->d, &wei, "ko", "Asia/Seoul", &field, &u), SD_OK);
    assert_null(field);
    assert_string_equal(u.locale, "ko");
    assert_string_equal(u.time_zone, "Asia/Seoul");
    assert_int_equal(audit_size(f->d), before + 1);
    assert_int_equal(sd_access_me(f->d, &wei, &u), SD_OK);
    assert_string_equal(u.locale, "ko");
    assert_string_equal(u.time_zone, "Asia/Seoul");
    /* "" is UTC; each user has their own */
    assert_int_equal(sd_access_set_prefs(f->d, &sup, "zh", "", &field, &u), SD_OK);
    assert_string_equal(u.time_zone, "");
    assert_int_equal(sd_access_me(f->d, &wei, &u), SD_OK);
    assert_string_equal(u.locale, "ko");
    /* the local operator is no user */
    assert_int_equal(sd_access_me(f->d, &agent, &u), SD_E_NOTFOUND);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
        T(test_offboard_disables_and_requeues_open_tickets_in_one_txn),
        T(test_preferences_are_validated_stored_and_audited),
        T(test_login_totp_replay_and_lockout),
        T(test_sessions_expire_idle_logout_and_revocation),
        T(test_invalidating_all_sessions_ends_every_session_and_is_audited),
        T(test_password_change_needs_the_old_one_follows_the_rules_and_ends_sessions),
        T(test_login_lock_is_cleared_when_it_expires),
        T(test_login_unknown_locked_and_disabled_answer_alike),
        T(test_login_throttle_per_source_and_per_name),
        T(test_login_failures_are_audited_per_window_with_hashed_unknown_names),
        T(test_login_hash_runs_outside_the_write_txn),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
