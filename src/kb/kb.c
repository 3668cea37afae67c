/* Knowledge base articles: validation, add/edit with version history (records and groups:
 * article.c), reads, the article file format of kb/ (loader and built-in starter set) and posting an
 * article into a ticket. Each change is one write txn with its index update and audit entry. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <protobuf-c/protobuf-c.h>

#include "tickets/desk_int.h"
#include "kb_int.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/enum.h"
#include "sealdesk/lang.h"
#include "sealdesk/text.h"
#include "util/err_int.h"

#define KB_FILE_MAX      (64 * 1024)
#define KB_DIR_MAX_FILES 10000

static const char *const status_names[] = {
    [SD_KB_DRAFT] = "draft", [SD_KB_PUBLISHED] = "published", [SD_KB_RETIRED] = "retired"};

const char *
sd_kb_status_name(enum sd_kb_status s)
{
    return sd_enum_name(status_names, SD_ENUM_N(status_names), (int)s);
}

sd_err
sd_kb_status_parse(enum sd_kb_status *out, const char *s)
{
    int v = 0;

    if(sd_enum_parse(status_names, SD_ENUM_N(status_names), s, &v) != SD_OK)
        return SD_E_INVALID;
    *out = (enum sd_kb_status)v;
    return SD_OK;
}

void
sd_kb_article_clear(struct sd_kb_article *a)
{
    if(!a)
        return;
    free(a->title);
    free(a->body);
    memset(a, 0, sizeof(*a));
}


static void
skey(uint8_t *k, size_t *kn, const char *slug, const char *lang)
{
    size_t n = strlen(slug);

    k[0] = 's';
    memcpy(k + 1, slug, n);
    k[1 + n] = 0;
    k[2 + n] = sd_lang_code(lang);
    *kn = n + 3;
}

/* ---- validation ---- */

static sd_err
check_text(const char *s, size_t max, bool required)
{
    size_t n;

    if(!s)
        return required ? SD_E_INVALID : SD_OK;
    n = strnlen(s, max + 1);
    if(n > max)
        return SD_E_LIMIT;
    if((required && n == 0) || !sd_text_valid(s, n))
        return SD_E_INVALID;
    return SD_OK;
}

static sd_err
check_tags(const char *const *tags, size_t n)
{
    if(n > SD_KB_MAX_TAGS)
        return SD_E_LIMIT;
    for(size_t i = 0; i < n; i++) {
        sd_err err = check_text(tags[i], SD_KB_MAX_TAG, true);

        if(err != SD_OK)
            return err;
        for(const char *p = tags[i]; *p; p++) {
            if((unsigned char)*p < 0x80 && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                                             *p == '-' || *p == ' ' || *p == '_'))
                return SD_E_INVALID;
        }
    }
    return SD_OK;
}

static bool
slug_ok(const char *s)
{
    size_t n = s ? strnlen(s, SD_KB_MAX_SLUG + 1) : 0;

    if(n == 0 || n > SD_KB_MAX_SLUG)
        return false;
    for(size_t i = 0; i < n; i++) {
        if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    }
    return true;
}

static sd_err
audit_kb(struct sd_txn *t, const struct sd_keyring *kr, const struct sd_actor *a,
         const char *action, uint64_t id, const uint8_t *digest)
{
    char target[32];
    struct sd_audit_rec r = {.actor = a->name,
                             .action = action,
                             .target = target,
                             .request_id = a->request_id,
                             .digest = digest};

    snprintf(target, sizeof(target), "kb%" PRIu64, id);
    return sd_audit_append(t, kr, &r, NULL);
}

/* Add in txn t (validated input). */
static sd_err
add_txn(struct sd_txn *t, const char *author, const struct sd_kb_new *in, uint64_t now,
        uint64_t *id, uint8_t digest[32])
{
    sd_arec r = SEALDESK__V1__ARTICLE_RECORD__INIT;
    sd_arec *base = NULL;
    uint64_t members[8];
    uint8_t gk[17], sk[SD_KB_MAX_SLUG + 3];
    size_t nm = 0, skn;
    const char *lang = sd_lang_canon(in->lang);
    sd_err err = SD_OK;

    SD_CHECK_ARG(lang);
    SD_TRY(sd_meta_next(t, "next_article", &r.id));
    r.group_id = r.id;
    if(in->translation_of) {
        SD_TRY(sd_arec_load(t, in->translation_of, &base));
        r.group_id = base->group_id;
        SD_TRY(sd_kb_group_members(t, r.group_id, members, 8, &nm));
        SD_ENSURE(nm < SD_KB_MAX_LANGS, SD_E_LIMIT);
        SD_ENSURE(sd_kb_group_find(t, r.group_id, lang, &members[0]) == SD_E_NOTFOUND,
                  SD_E_CONFLICT);
    }
    r.lang = (char *)lang;
    r.title = (char *)in->title;
    r.body = (char *)in->body;
    r.category = (uint32_t)(in->category < 0 ? SD_CAT_GENERAL : in->category);
    r.tags = (char **)in->tags;
    r.n_tags = in->n_tags;
    r.status = (uint32_t)(in->status ? in->status : SD_KB_PUBLISHED);
    r.version = 1;
    r.author = (char *)author;
    r.created_at = r.updated_at = now;
    r.slug = (char *)(in->slug ? in->slug : "");
    r.asks = (char *)(in->asks ? in->asks : "");
    if(in->slug) {
        struct sd_val v;
        uint8_t idb[8];

        skey(sk, &skn, in->slug, lang);
        SD_ENSURE(sd_txn_get(t, SD_DB_KB, sk, skn, &v) == SD_E_NOTFOUND, SD_E_CONFLICT);
        sd_put_u64be(idb, r.id);
        SD_TRY(sd_txn_put(t, SD_DB_KB, sk, skn, idb, sizeof(idb)));
    }
    sd_kb_gkey(gk, r.group_id, r.id);
    SD_TRY(sd_txn_put(t, SD_DB_KB, gk, sizeof(gk), "", 0));
    SD_TRY(sd_arec_store(t, &r, digest));
    SD_TRY(sd_kb_index_add(t, &r));
    *id = r.id;
out:
    sd_arec_free(base);
    return err;
}

/* Stored asks: valid text within SD_KB_MAX_ASKS, each '\n'-separated line 1..SD_KB_MAX_ASK
 * bytes (what add_ask makes of a file's or a caller's lines). NULL is none. */
static sd_err
check_asks(const char *asks)
{
    sd_err err = SD_OK;
    const char *p = asks;

    SD_TRY(check_text(asks, SD_KB_MAX_ASKS, false));
    while(p && *p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);

        SD_CHECK_ARG(n > 0);
        SD_ENSURE(n <= SD_KB_MAX_ASK, SD_E_LIMIT);
        p = e ? e + 1 : NULL;
        SD_CHECK_ARG(!p || *p); /* no empty last line */
    }
out:
    return err;
}

static sd_err
check_new(const struct sd_kb_new *in)
{
    sd_err err = SD_OK;

    SD_CHECK_ARG(in && sd_lang_canon(in->lang));
    SD_TRY(check_text(in->title, SD_KB_MAX_TITLE, true));
    SD_TRY(check_text(in->body, SD_KB_MAX_BODY, true));
    SD_CHECK_ARG(in->category >= -1 && in->category < SD_CAT_COUNT);
    SD_CHECK_ARG(in->status == 0 || (in->status >= SD_KB_DRAFT && in->status <= SD_KB_RETIRED));
    SD_CHECK_ARG(!in->n_tags || in->tags);
    SD_TRY(check_tags(in->tags, in->n_tags));
    SD_CHECK_ARG(!in->slug || slug_ok(in->slug));
    SD_TRY(check_asks(in->asks));
out:
    return err;
}

sd_err
sd_kb_add(struct sd_desk *d, const struct sd_actor *a, const struct sd_kb_new *in, uint64_t *id)
{
    struct sd_txn *t = NULL;
    uint8_t digest[32];
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && id);
    SD_TRY(sd_actor_check(a));
    SD_TRY(check_new(in));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(add_txn(t, a->name, in, sd_clock_now(), id, digest));
    SD_TRY(audit_kb(t, d->kr, a, "kb.add", *id, digest));
    err = sd_txn_commit(t);
    t = NULL;
out:
    sd_txn_abort(t);
    return err;
}

static sd_err
to_article(struct sd_txn *t, const sd_arec *r, struct sd_kb_article *out)
{
    uint64_t ids[8];
    size_t n;
    sd_arec *m = NULL;
    sd_err err = SD_OK;

    memset(out, 0, sizeof(*out));
    out->id = r->id;
    out->group_id = r->group_id;
    out->created_at = r->created_at;
    out->updated_at = r->updated_at;
    out->uses = r->uses;
    snprintf(out->lang, sizeof(out->lang), "%s", r->lang);
    out->title = strdup(r->title);
    out->body = strdup(r->body);
    SD_ENSURE(out->title && out->body, SD_E_NOMEM);
    out->category = r->category < SD_CAT_COUNT ? (enum sd_category)r->category : SD_CAT_GENERAL;
    for(size_t i = 0; i < r->n_tags && i < SD_KB_MAX_TAGS; i++)
        snprintf(out->tags[out->n_tags++], SD_KB_MAX_TAG + 1, "%s", r->tags[i]);
    out->status = (enum sd_kb_status)r->status;
    out->version = r->version;
    snprintf(out->author, sizeof(out->author), "%s", r->author);
    snprintf(out->slug, sizeof(out->slug), "%s", r->slug);
    SD_TRY(sd_kb_group_members(t, r->group_id, ids, 8, &n));
    for(size_t i = 0; i < n && out->n_translations < SD_KB_MAX_LANGS; i++) {
        if(ids[i] == r->id)
            continue;
        SD_TRY(sd_arec_load(t, ids[i], &m));
        snprintf(out->translations[out->n_translations].lang, 8, "%s", m->lang);
        out->translations[out->n_translations++].id = ids[i];
        sd_arec_free(m);
        m = NULL;
    }
out:
    sd_arec_free(m);
    if(err != SD_OK)
        sd_kb_article_clear(out);
    return err;
}

sd_err
sd_kb_edit(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const struct sd_kb_edit *e,
           struct sd_kb_article *out)
{
    struct sd_txn *t = NULL;
    sd_arec *r = NULL;
    sd_arec nr;
    uint8_t digest[32];
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && e);
    SD_TRY(sd_actor_check(a));
    SD_TRY(check_text(e->title, SD_KB_MAX_TITLE, false));
    SD_TRY(check_text(e->body, SD_KB_MAX_BODY, false));
    SD_CHECK_ARG(!e->title || e->title[0]);
    SD_CHECK_ARG(!e->body || e->body[0]);
    SD_CHECK_ARG(e->category >= -1 && e->category < SD_CAT_COUNT);
    SD_CHECK_ARG(e->status == 0 || (e->status >= SD_KB_DRAFT && e->status <= SD_KB_RETIRED));
    SD_CHECK_ARG(!e->n_tags || e->tags);
    SD_TRY(check_tags(e->tags, e->n_tags));
    SD_TRY(check_asks(e->asks));
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_arec_load(t, id, &r));
    /* Checked in the write txn: two editors of one version cannot both save. */
    SD_ENSURE(!e->expected_version || r->version == e->expected_version, SD_E_PRECONDITION);
    SD_TRY(sd_kb_index_remove(t, r));
    SD_TRY(sd_arec_keep_version(t, r));
    /* The new version borrows the old record's strings where unchanged. */
    nr = *r;
    if(e->title)
        nr.title = (char *)e->title;
    if(e->body)
        nr.body = (char *)e->body;
    if(e->category >= 0)
        nr.category = (uint32_t)e->category;
    if(e->set_tags) {
        nr.tags = (char **)e->tags;
        nr.n_tags = e->n_tags;
    }
    if(e->status)
        nr.status = (uint32_t)e->status;
    if(e->set_asks)
        nr.asks = (char *)(e->asks ? e->asks : "");
    SD_ENSURE(nr.version < UINT32_MAX, SD_E_LIMIT);
    nr.version++;
    nr.author = (char *)a->name;
    nr.updated_at = sd_clock_now();
    SD_TRY(sd_arec_store(t, &nr, digest));
    SD_TRY(sd_kb_index_add(t, &nr));
    SD_TRY(audit_kb(t, d->kr, a, "kb.edit", id, digest));
    if(out)
        SD_TRY(to_article(t, &nr, out));
    err = sd_txn_commit(t);
    t = NULL;
    if(err != SD_OK && out)
        sd_kb_article_clear(out);
out:
    sd_txn_abort(t);
    sd_arec_free(r);
    return err;
}

sd_err
sd_kb_get(struct sd_desk *d, uint64_t id, uint32_t version, struct sd_kb_article *out)
{
    struct sd_txn *t = NULL;
    sd_arec *r = NULL;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && out);
    memset(out, 0, sizeof(*out));
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_arec_load(t, id, &r));
    if(version && version != r->version) {
        uint8_t k[13];
        struct sd_val v;

        SD_ENSURE(version < r->version, SD_E_NOTFOUND);
        k[0] = 'v';
        sd_put_u64be(k + 1, id);
        sd_put_u32be(k + 9, version);
        SD_TRY(sd_txn_get(t, SD_DB_KB, k, sizeof(k), &v));
        sd_arec_free(r);
        r = sealdesk__v1__article_record__unpack(NULL, v.n, v.p);
        SD_ENSURE(r, SD_E_STORE);
    }
    SD_TRY(to_article(t, r, out));
out:
    sd_arec_free(r);
    sd_txn_abort(t);
    return err;
}

sd_err
sd_kb_search(struct sd_desk *d, const char *text, const char *lang, size_t limit,
             struct sd_kb_hit *out, size_t *n)
{
    return sd_kb_search_for(d, text, lang, -1, limit, out, n);
}

sd_err
sd_kb_search_for(struct sd_desk *d, const char *text, const char *lang, int category, size_t limit,
                 struct sd_kb_hit *out, size_t *n)
{
    struct sd_txn *t = NULL;
    const char *l = NULL;
    size_t tn;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && text && n);
    *n = 0;
    SD_CHECK_ARG(category >= -1 && category < SD_CAT_COUNT);
    if(lang) {
        l = sd_lang_canon(lang);
        SD_CHECK_ARG(l);
    }
    tn = strnlen(text, SD_KB_MAX_QUERY + 1);
    SD_ENSURE(tn <= SD_KB_MAX_QUERY, SD_E_LIMIT);
    SD_TRY(sd_txn_begin(d->store, false, &t));
    SD_TRY(sd_kb_suggest_txn(t, text, tn, l, category, limit, true, out, n));
out:
    sd_txn_abort(t);
    return err;
}

/* ---- article files ----
 *
 * "---" line, then "key: value" header lines (slug, lang, title, category, tags, status, and
 * any number of "ask" lines, kept in order), "---" line, then the Markdown body. */

struct kb_file {
    char slug[SD_KB_MAX_SLUG + 1];
    char lang[16];
    char title[SD_KB_MAX_TITLE + 1];
    char category[32];
    char status[16];
    char tagbuf[SD_KB_MAX_TAGS * (SD_KB_MAX_TAG + 2)];
    const char *tags[SD_KB_MAX_TAGS];
    size_t n_tags;
    char asks[SD_KB_MAX_ASKS + 1]; /* the "ask" lines joined by '\n' */
    size_t asks_n;
    const char *body;
    size_t body_n;
};

static void
trim(const char **s, size_t *n)
{
    while(*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while(*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

static sd_err
set_field(char *dst, size_t cap, const char *v, size_t n)
{
    if(n >= cap)
        return SD_E_LIMIT;
    memcpy(dst, v, n);
    dst[n] = 0;
    return SD_OK;
}

static sd_err
split_tags(struct kb_file *f, const char *v, size_t n)
{
    size_t off = 0;
    sd_err err = SD_OK;

    while(n) {
        const char *c = memchr(v, ',', n);
        size_t k = c ? (size_t)(c - v) : n;
        const char *s = v;
        size_t sn = k;

        trim(&s, &sn);
        if(sn) {
            SD_ENSURE(f->n_tags < SD_KB_MAX_TAGS && sn <= SD_KB_MAX_TAG, SD_E_LIMIT);
            memcpy(f->tagbuf + off, s, sn);
            f->tagbuf[off + sn] = 0;
            f->tags[f->n_tags++] = f->tagbuf + off;
            off += sn + 1;
        }
        v += k;
        n -= k;
        if(n) {
            v++;
            n--;
        }
    }
out:
    return err;
}

/* Append one "ask" line v[0..n) (blanks around it dropped; non-empty, one line, valid text, at
 * most SD_KB_MAX_ASK bytes) to asks[0..*len), '\n'-separated, within SD_KB_MAX_ASKS bytes. */
static sd_err
add_ask(char asks[SD_KB_MAX_ASKS + 1], size_t *len, const char *v, size_t n)
{
    size_t need;

    trim(&v, &n);
    if(n == 0 || memchr(v, '\n', n) || !sd_text_valid(v, n))
        return SD_E_INVALID;
    need = n + (*len ? 1 : 0);
    if(n > SD_KB_MAX_ASK || need > SD_KB_MAX_ASKS - *len)
        return SD_E_LIMIT;
    if(*len)
        asks[(*len)++] = '\n';
    memcpy(asks + *len, v, n);
    *len += n;
    asks[*len] = 0;
    return SD_OK;
}

sd_err
sd_kb_asks_join(char out[SD_KB_MAX_ASKS + 1], const char *const *asks, size_t n)
{
    sd_err err = SD_OK;
    size_t len = 0;

    SD_CHECK_ARG(out && (asks || n == 0));
    out[0] = 0;
    for(size_t i = 0; i < n; i++) {
        size_t an;

        SD_CHECK_ARG(asks[i]);
        /* measured whole before blanks are trimmed: a longer line is refused, not cut to
         * its first SD_KB_MAX_ASKS bytes ("a", 5000 blanks, "b" is not the ask "a") */
        an = strnlen(asks[i], SD_KB_MAX_ASKS + 1);
        SD_ENSURE(an <= SD_KB_MAX_ASKS, SD_E_LIMIT);
        SD_TRY(add_ask(out, &len, asks[i], an));
    }
out:
    return err;
}

static sd_err
parse_file(struct kb_file *f, const char *text, size_t n)
{
    const char *p = text, *end = text + n;
    bool header = false;
    sd_err err = SD_OK;

    memset(f, 0, sizeof(*f));
    SD_CHECK_ARG(n <= KB_FILE_MAX && sd_text_valid(text, n));
    while(p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t ln = e ? (size_t)(e - p) : (size_t)(end - p);
        const char *line = p, *colon;
        size_t kn, vn;

        p = e ? e + 1 : end;
        trim(&line, &ln);
        if(ln == 3 && memcmp(line, "---", 3) == 0) {
            if(header) {
                f->body = p;
                f->body_n = (size_t)(end - p);
                break;
            }
            header = true;
            continue;
        }
        if(!header) {
            SD_ENSURE(ln == 0, SD_E_INVALID);
            continue;
        }
        colon = memchr(line, ':', ln);
        SD_ENSURE(colon, SD_E_INVALID);
        kn = (size_t)(colon - line);
        {
            const char *v = colon + 1;

            vn = ln - kn - 1;
            trim(&v, &vn);
#define KEY(s) (kn == strlen(s) && memcmp(line, s, kn) == 0)
            if(KEY("slug"))
                SD_TRY(set_field(f->slug, sizeof(f->slug), v, vn));
            else if(KEY("lang"))
                SD_TRY(set_field(f->lang, sizeof(f->lang), v, vn));
            else if(KEY("title"))
                SD_TRY(set_field(f->title, sizeof(f->title), v, vn));
            else if(KEY("category"))
                SD_TRY(set_field(f->category, sizeof(f->category), v, vn));
            else if(KEY("status"))
                SD_TRY(set_field(f->status, sizeof(f->status), v, vn));
            else if(KEY("tags"))
                SD_TRY(split_tags(f, v, vn));
            else if(KEY("ask"))
                SD_TRY(add_ask(f->asks, &f->asks_n, v, vn));
            else
                SD_ENSURE(false, SD_E_INVALID);
#undef KEY
        }
    }
    SD_ENSURE(f->body && f->slug[0] && f->lang[0] && f->title[0], SD_E_INVALID);
    while(f->body_n && (f->body[0] == '\n' || f->body[0] == '\r'))
        f->body++, f->body_n--;
    while(f->body_n && (f->body[f->body_n - 1] == '\n' || f->body[f->body_n - 1] == '\r'))
        f->body_n--;
out:
    return err;
}

sd_err
sd_kb_add_file_txn(struct sd_txn *t, const char *actor, const char *text, size_t n, uint64_t now,
                   bool *added)
{
    struct kb_file *f = NULL;
    struct sd_kb_new in = {.category = -1};
    enum sd_category cat;
    enum sd_kb_status st;
    uint8_t sk[SD_KB_MAX_SLUG + 3], digest[32];
    size_t skn;
    struct sd_cursor *c = NULL;
    struct sd_val k, v;
    char *body = NULL;
    uint64_t id;
    sd_err err = SD_OK, rc;

    *added = false;
    f = malloc(sizeof(*f));
    SD_ENSURE(f, SD_E_NOMEM);
    SD_TRY(parse_file(f, text, n));
    in.lang = sd_lang_canon(f->lang);
    SD_CHECK_ARG(in.lang && slug_ok(f->slug));
    body = strndup(f->body, f->body_n);
    SD_ENSURE(body, SD_E_NOMEM);
    in.title = f->title;
    in.body = body;
    in.slug = f->slug;
    in.tags = f->tags;
    in.n_tags = f->n_tags;
    in.asks = f->asks_n ? f->asks : NULL;
    if(f->category[0]) {
        SD_TRY(sd_category_parse(&cat, f->category));
        in.category = (int)cat;
    }
    if(f->status[0]) {
        SD_TRY(sd_kb_status_parse(&st, f->status));
        in.status = (int)st;
    }
    SD_TRY(check_new(&in));
    skey(sk, &skn, f->slug, in.lang);
    rc = sd_txn_get(t, SD_DB_KB, sk, skn, &v);
    if(rc == SD_OK)
        goto out; /* already loaded */
    SD_ENSURE(rc == SD_E_NOTFOUND, rc);
    /* another language of the same slug: join its group */
    SD_TRY(sd_cursor_open(t, SD_DB_KB, &c));
    skey(sk, &skn, f->slug, "");
    k.p = sk;
    k.n = skn - 1;
    rc = sd_cursor_get(c, SD_CUR_SET_RANGE, &k, &v);
    if(rc == SD_OK && k.n == skn && memcmp(k.p, sk, skn - 1) == 0 && v.n == 8)
        in.translation_of = sd_get_u64be(v.p);
    else
        SD_ENSURE(rc == SD_OK || rc == SD_E_NOTFOUND, rc);
    SD_TRY(add_txn(t, actor, &in, now, &id, digest));
    *added = true;
out:
    sd_cursor_close(c);
    free(body);
    free(f);
    return err;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static sd_err
read_file(const char *path, struct sd_buf *out)
{
    FILE *fp = fopen(path, "rb");
    sd_err err = SD_OK;
    size_t n;

    SD_ENSURE(fp, SD_E_IO);
    SD_TRY(sd_buf_reserve(out, KB_FILE_MAX + 1));
    n = fread(out->data, 1, KB_FILE_MAX + 1, fp);
    SD_ENSURE(!ferror(fp), SD_E_IO);
    SD_ENSURE(n <= KB_FILE_MAX, SD_E_LIMIT);
    out->len = n;
out:
    if(fp)
        (void)fclose(fp); /* read-only: nothing to flush */
    return err;
}

sd_err
sd_kb_load_dir(struct sd_desk *d, const struct sd_actor *a, const char *dir, size_t *n)
{
    DIR *dp = NULL;
    struct dirent *de;
    char **names = NULL, path[4096];
    size_t nn = 0, added = 0;
    struct sd_buf buf = SD_BUF_INIT;
    struct sd_txn *t = NULL;
    uint64_t now = sd_clock_now();
    char target[32];
    struct sd_audit_rec ar = {.action = "kb.load", .target = "kb"};
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && dir);
    SD_TRY(sd_actor_check(a));
    dp = opendir(dir);
    SD_ENSURE(dp, SD_E_NOTFOUND);
    names = calloc(KB_DIR_MAX_FILES, sizeof(*names));
    SD_ENSURE(names, SD_E_NOMEM);
    while((de = readdir(dp))) {
        size_t ln = strlen(de->d_name);

        if(ln < 4 || strcmp(de->d_name + ln - 3, ".md") != 0 ||
           strcmp(de->d_name, "README.md") == 0)
            continue;
        SD_ENSURE(nn < KB_DIR_MAX_FILES, SD_E_LIMIT);
        names[nn] = strdup(de->d_name);
        SD_ENSURE(names[nn], SD_E_NOMEM);
        nn++;
    }
    qsort(names, nn, sizeof(*names), name_cmp);
    SD_TRY(sd_txn_begin(d->store, true, &t));
    for(size_t i = 0; i < nn; i++) {
        bool ok;

        SD_ENSURE((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) < sizeof(path),
                  SD_E_INVALID);
        SD_TRY(read_file(path, &buf));
        SD_TRY(sd_kb_add_file_txn(t, a->name, (const char *)buf.data, buf.len, now, &ok));
        added += ok;
    }
    snprintf(target, sizeof(target), "kb:%zu", added);
    ar.actor = a->name;
    ar.target = target;
    ar.request_id = a->request_id;
    SD_TRY(sd_audit_append(t, d->kr, &ar, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(n)
        *n = added;
out:
    sd_txn_abort(t);
    sd_buf_free(&buf);
    for(size_t i = 0; names && i < nn; i++)
        free(names[i]);
    free(names);
    if(dp)
        closedir(dp);
    return err;
}

sd_err
sd_kb_seed(struct sd_txn *t, uint64_t now)
{
    sd_err err = SD_OK;

    for(size_t i = 0; i < sd_kb_starter_n; i++) {
        bool ok;

        SD_TRY(sd_kb_add_file_txn(t, "system", sd_kb_starter[i].text, strlen(sd_kb_starter[i].text),
                                  now, &ok));
    }
out:
    return err;
}

sd_err
sd_kb_slug_txn(struct sd_txn *t, const char *slug, const char *lang, uint64_t *out)
{
    const char *langs[2] = {lang && lang[0] ? lang : "en", "en"};
    uint8_t k[SD_KB_MAX_SLUG + 3];
    sd_arec *r = NULL;
    size_t kn;
    sd_err err = SD_E_NOTFOUND;

    SD_CHECK_ARG(t && slug && out && slug_ok(slug));
    for(size_t i = 0; i < 2 && err == SD_E_NOTFOUND; i++) {
        struct sd_val v;

        skey(k, &kn, slug, langs[i]);
        err = sd_txn_get(t, SD_DB_KB, k, kn, &v);
        if(err != SD_OK)
            continue;
        SD_ENSURE(v.n == 8, SD_E_STORE);
        SD_TRY(sd_arec_load(t, sd_get_u64be(v.p), &r));
        if(r->status != SD_KB_PUBLISHED)
            err = SD_E_NOTFOUND;
        else
            *out = r->id;
        sd_arec_free(r);
        r = NULL;
    }
out:
    sd_arec_free(r);
    return err;
}

sd_err
sd_kb_use_txn(struct sd_txn *t, uint64_t id, const char *lang, char **text, uint64_t *used_id)
{
    return sd_kb_use_for_txn(t, id, lang, -1, 0, text, used_id);
}

sd_err
sd_kb_use_for_txn(struct sd_txn *t, uint64_t id, const char *lang, int category, uint64_t ticket,
                  char **text, uint64_t *used_id)
{
    sd_arec *r = NULL, *alt = NULL, *use;
    uint64_t alt_id;
    size_t tn, bn;
    sd_err err = SD_OK;

    *text = NULL;
    SD_TRY(sd_arec_load(t, id, &r));
    use = r;
    if(lang && strcmp(r->lang, lang) != 0 &&
       sd_kb_group_find(t, r->group_id, lang, &alt_id) == SD_OK) {
        SD_TRY(sd_arec_load(t, alt_id, &alt));
        if(alt->status == SD_KB_PUBLISHED)
            use = alt;
    }
    SD_ENSURE(use->status == SD_KB_PUBLISHED, SD_E_PRECONDITION);
    tn = strlen(use->title);
    bn = strlen(use->body);
    *text = malloc(tn + bn + 3);
    SD_ENSURE(*text, SD_E_NOMEM);
    memcpy(*text, use->title, tn);
    memcpy(*text + tn, "\n\n", 2);
    memcpy(*text + tn + 2, use->body, bn + 1);
    use->uses++;
    SD_TRY(sd_arec_store(t, use, NULL));
    SD_TRY(sd_kb_learn_add_for(t, category, use->group_id, ticket, sd_clock_now(), NULL));
    if(used_id)
        *used_id = use->id;
out:
    if(err != SD_OK) {
        free(*text);
        *text = NULL;
    }
    sd_arec_free(r);
    sd_arec_free(alt);
    return err;
}

sd_err
sd_kb_use(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *lang, char **text,
          uint64_t *used_id)
{
    return sd_kb_use_for(d, a, id, lang, -1, text, used_id);
}

sd_err
sd_kb_use_for(struct sd_desk *d, const struct sd_actor *a, uint64_t id, const char *lang,
              int category, char **text, uint64_t *used_id)
{
    struct sd_txn *t = NULL;
    uint64_t used = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(d && text);
    *text = NULL;
    SD_CHECK_ARG(category >= -1 && category < SD_CAT_COUNT);
    SD_TRY(sd_actor_check(a));
    if(lang) {
        lang = sd_lang_canon(lang);
        SD_CHECK_ARG(lang);
    }
    SD_TRY(sd_txn_begin(d->store, true, &t));
    SD_TRY(sd_kb_use_for_txn(t, id, lang, category, 0, text, &used));
    SD_TRY(audit_kb(t, d->kr, a, "kb.use", used, NULL));
    err = sd_txn_commit(t);
    t = NULL;
    SD_TRY(err);
    if(used_id)
        *used_id = used;
out:
    if(err != SD_OK) {
        free(*text);
        *text = NULL;
    }
    sd_txn_abort(t);
    return err;
}
