/* sealctl kb: knowledge base articles (add, edit, get, search, load) offline through the desk
 * library and online through the Knowledge service. Output: JSON objects/arrays via cli_emit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "desk.pb-c.h"
#include "sealdesk/actor.h"
#include "sealdesk/clock.h"
#include "sealdesk/kb.h"

#define STR_(x) #x
#define STR(x)  STR_(x) /* a limit's value in a message, from its macro */

static const char kb_usage[] =
    "kb add --lang L --title T --body B [--category C] [--tags a,b] [--translation-of ID] "
    "[--status S] [--ask TEXT]... | kb edit ID [--title T] [--body B] [--category C] "
    "[--tags a,b] [--status S] [--ask TEXT]... [--no-asks] | kb get ID [--version N] | "
    "kb search --text T [--lang L] [--limit N] | kb load --dir DIR";

static sd_err
parse_u64(uint64_t *out, const char *s)
{
    char *end;
    unsigned long long v;

    if(!s || !*s || *s == '-' || *s == '+')
        return SD_E_INVALID;
    errno = 0;
    v = strtoull(s, &end, 10);
    if(errno || *end)
        return SD_E_INVALID;
    *out = (uint64_t)v;
    return SD_OK;
}

/* Split "a,b" into tags (pointers into buf, which must hold a copy of s). */
static sd_err
split_csv(char *buf, const char **v, size_t cap, size_t *n)
{
    char *save = NULL;

    *n = 0;
    for(char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while(*tok == ' ')
            tok++;
        if(!*tok)
            continue;
        if(*n >= cap)
            return SD_E_LIMIT;
        v[(*n)++] = tok;
    }
    return SD_OK;
}

static json_t *
json_article(const struct sd_kb_article *a)
{
    json_t *o = json_object(), *tags = json_array(), *tr = json_object();
    char t[32];

    json_object_set_new(o, "id", json_integer((json_int_t)a->id));
    json_object_set_new(o, "lang", json_string(a->lang));
    json_object_set_new(o, "title", json_string(a->title));
    json_object_set_new(o, "category", json_string(sd_category_name(a->category)));
    for(size_t i = 0; i < a->n_tags; i++)
        json_array_append_new(tags, json_string(a->tags[i]));
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "status", json_string(sd_kb_status_name(a->status)));
    json_object_set_new(o, "version", json_integer(a->version));
    json_object_set_new(o, "author", json_string(a->author));
    sd_time_format(t, sizeof(t), a->updated_at);
    json_object_set_new(o, "updated_at", json_string(t));
    json_object_set_new(o, "uses", json_integer((json_int_t)a->uses));
    if(a->slug[0])
        json_object_set_new(o, "slug", json_string(a->slug));
    for(size_t i = 0; i < a->n_translations; i++)
        json_object_set_new(tr, a->translations[i].lang,
                            json_integer((json_int_t)a->translations[i].id));
    json_object_set_new(o, "translations", tr);
    json_object_set_new(o, "body", json_string(a->body));
    return o;
}

static json_t *
json_hit(uint64_t id, const char *lang, const char *title, double score, const char *snippet,
         const char *slug)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_integer((json_int_t)id));
    json_object_set_new(o, "lang", json_string(lang));
    json_object_set_new(o, "title", json_string(title));
    json_object_set_new(o, "score", json_real((double)(long long)(score * 1000 + 0.5) / 1000));
    json_object_set_new(o, "snippet", json_string(snippet));
    if(slug && slug[0])
        json_object_set_new(o, "slug", json_string(slug));
    return o;
}

/* --tags a,b split into tagv (tagbuf owns the copy: the caller frees it); 0 or the exit code. */
static int
split_tags(const struct cli *c, char **tagbuf, const char **tagv, size_t *ntags)
{
    *tagbuf = NULL;
    *ntags = 0;
    if(!cli_get(c, "tags"))
        return 0;
    *tagbuf = strdup(cli_get(c, "tags"));
    if(!*tagbuf || split_csv(*tagbuf, tagv, SD_KB_MAX_TAGS, ntags) != SD_OK) {
        free(*tagbuf);
        *tagbuf = NULL;
        return cli_fail(SD_E_LIMIT, "too many tags");
    }
    return 0;
}

static int
parse_limit(const struct cli *c, size_t *limit)
{
    uint64_t v = 5;

    if(cli_get(c, "limit") &&
       (parse_u64(&v, cli_get(c, "limit")) != SD_OK || v < 1 || v > SD_KB_MAX_LIMIT))
        return cli_fail(SD_E_INVALID, "--limit must be 1..50");
    *limit = (size_t)v;
    return 0;
}

/* --category and --status of add and edit (offline: the library takes the enums); *category
 * and *status are left alone when the option is absent. 0 or the exit code. */
static int
kb_enums(const struct cli *c, int *category, int *status)
{
    enum sd_category cat;
    enum sd_kb_status st;

    if(cli_get(c, "category")) {
        if(sd_category_parse(&cat, cli_get(c, "category")) != SD_OK)
            return cli_fail(SD_E_INVALID, "unknown category");
        *category = (int)cat;
    }
    if(cli_get(c, "status")) {
        if(sd_kb_status_parse(&st, cli_get(c, "status")) != SD_OK)
            return cli_fail(SD_E_INVALID, "status is draft, published or retired");
        *status = (int)st;
    }
    return 0;
}

/* {"key": n} */
static int
emit_number(struct cli *c, const char *key, uint64_t n)
{
    json_t *j = json_object();

    json_object_set_new(j, key, json_integer((json_int_t)n));
    return cli_emit(c, j);
}

/* A kb request checked once for both modes: tags split, the required options of each
 * subcommand, the article id of get/edit, --translation-of and --limit. */
struct kb_req {
    const char *tagv[SD_KB_MAX_TAGS];
    char *tagbuf; /* owns the tags' text */
    size_t ntags, limit;
    uint64_t id, translation_of;
    uint32_t version;                   /* get --version, 0: the current one */
    const char *askv[SD_ARGS_MAX_SEEN]; /* the --ask values (borrowed from argv) */
    size_t nasks;
    char asks[SD_KB_MAX_ASKS + 1]; /* askv joined and checked (sd_kb_asks_join) */
};

/* 0, or the exit code (nothing left to free). */
static int
kb_req(const struct cli *c, const char *sub, struct kb_req *q)
{
    int rc;

    memset(q, 0, sizeof(*q));
    if(strcmp(sub, "add") == 0 &&
       (!cli_get(c, "lang") || !cli_get(c, "title") || !cli_get(c, "body")))
        return cli_usage("kb add needs --lang, --title and --body");
    if(strcmp(sub, "search") == 0) {
        if(!cli_get(c, "text"))
            return cli_usage("kb search --text T [--lang L] [--limit N]");
        return parse_limit(c, &q->limit);
    }
    if(strcmp(sub, "load") == 0)
        return cli_get(c, "dir") ? 0 : cli_usage("kb load --dir DIR");
    if(strcmp(sub, "add") != 0 &&
       (c->n_pos != 1 || parse_u64(&q->id, c->pos[0]) != SD_OK || q->id == 0))
        return cli_usage(kb_usage); /* get, edit */
    if(strcmp(sub, "get") == 0 && cli_get(c, "version")) {
        uint64_t v;

        if(parse_u64(&v, cli_get(c, "version")) != SD_OK || v > UINT32_MAX)
            return cli_fail(SD_E_INVALID, "--version must be a number");
        q->version = (uint32_t)v;
    }
    if(strcmp(sub, "add") == 0 && cli_get(c, "translation-of") &&
       parse_u64(&q->translation_of, cli_get(c, "translation-of")) != SD_OK)
        return cli_fail(SD_E_INVALID, "--translation-of must be an article id");
    for(const char *v; q->nasks < SD_ARGS_MAX_SEEN && (v = sd_args_nth(&c->args, "ask", q->nasks));)
        q->askv[q->nasks++] = v;
    if(sd_kb_asks_join(q->asks, q->askv, q->nasks) != SD_OK)
        return cli_fail(SD_E_INVALID,
                        "--ask: each one line of text, 1.." STR(
                            SD_KB_MAX_ASK) " bytes, at most " STR(SD_KB_MAX_ASKS) " bytes in all");
    if(cli_has(c, "no-asks") && (strcmp(sub, "edit") != 0 || q->nasks))
        return cli_fail(SD_E_INVALID, "--no-asks: only with kb edit, and without --ask");
    rc = split_tags(c, &q->tagbuf, q->tagv, &q->ntags);
    return rc;
}

static int
kb_error(sd_err err, const char *what)
{
    if(err == SD_E_NOTFOUND)
        return cli_fail(err, "no such article");
    if(err == SD_E_CONFLICT)
        return cli_fail(err, "the topic already has an article in that language");
    return cli_fail(err, what);
}

int
cmd_kb_offline(struct cli *c, struct sd_desk *d, const struct sd_actor *a, int argc, char **argv)
{
    const char *sub = argc ? argv[0] : "";
    struct kb_req q;
    uint64_t id = 0;
    struct sd_kb_article art;
    sd_err err;
    int rc;

    rc = kb_req(c, sub, &q);
    if(rc)
        return rc;
    if(strcmp(sub, "add") == 0) {
        struct sd_kb_new in = {.category = -1};

        in.lang = cli_get(c, "lang");
        in.title = cli_get(c, "title");
        in.body = cli_get(c, "body");
        rc = kb_enums(c, &in.category, &in.status);
        if(rc)
            goto out;
        in.translation_of = q.translation_of;
        in.tags = q.tagv;
        in.n_tags = q.ntags;
        in.asks = q.asks;
        err = sd_kb_add(d, a, &in, &id);
        rc = err != SD_OK ? kb_error(err, "kb add") : emit_number(c, "id", id);
        goto out;
    }
    if(strcmp(sub, "search") == 0) {
        struct sd_kb_hit *hits = NULL;
        size_t limit, n = 0;
        json_t *arr;

        limit = q.limit; /* 1..50 (kb_req) */
        // NOLINTNEXTLINE(clang-analyzer-optin.portability.UnixAPI): limit >= 1 (parse_limit)
        hits = calloc(limit, sizeof(*hits));
        if(!hits) {
            rc = cli_fail(SD_E_NOMEM, "kb search");
            goto out;
        }
        err = sd_kb_search(d, cli_get(c, "text"), cli_get(c, "lang"), limit, hits, &n);
        if(err != SD_OK) {
            free(hits);
            rc = cli_fail(err, err == SD_E_INVALID ? "bad text or language (zh, zh-Hant, en, ko)"
                                                   : "kb search");
            goto out;
        }
        arr = json_array();
        for(size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_hit(hits[i].id, hits[i].lang, hits[i].title,
                                                hits[i].score, hits[i].snippet, hits[i].slug));
        free(hits);
        rc = cli_emit(c, arr);
        goto out;
    }
    if(strcmp(sub, "load") == 0) {
        size_t n = 0;

        err = sd_kb_load_dir(d, a, cli_get(c, "dir"), &n);
        rc = err != SD_OK ? cli_fail(err, "kb load") : emit_number(c, "loaded", n);
        goto out;
    }
    if(strcmp(sub, "get") == 0) {
        err = sd_kb_get(d, q.id, q.version, &art);
    } else {
        struct sd_kb_edit e = {.title = cli_get(c, "title"),
                               .body = cli_get(c, "body"),
                               .category = -1,
                               .tags = q.tagv,
                               .n_tags = q.ntags,
                               .set_tags = cli_has(c, "tags"),
                               .asks = q.asks,
                               .set_asks = q.nasks > 0 || cli_has(c, "no-asks")};

        rc = kb_enums(c, &e.category, &e.status);
        if(rc)
            goto out;
        err = sd_kb_edit(d, a, q.id, &e, &art);
    }
    if(err != SD_OK) {
        rc = kb_error(err, strcmp(sub, "get") == 0 ? "kb get" : "kb edit");
        goto out;
    }
    rc = cli_emit(c, json_article(&art));
    sd_kb_article_clear(&art);
out:
    free(q.tagbuf);
    return rc;
}

/* ---- online ---- */

static json_t *
pb_article(const ProtobufCMessage *m)
{
    const Sealdesk__V1__Article *a = (const Sealdesk__V1__Article *)m;
    json_t *o = json_object(), *tags = json_array(), *tr = json_object();

    json_object_set_new(o, "id", json_integer((json_int_t)a->id));
    json_object_set_new(o, "lang", json_string(a->lang));
    json_object_set_new(o, "title", json_string(a->title));
    json_object_set_new(o, "category", json_string(a->category));
    for(size_t i = 0; i < a->n_tags; i++)
        json_array_append_new(tags, json_string(a->tags[i]));
    json_object_set_new(o, "tags", tags);
    json_object_set_new(o, "status", json_string(a->status));
    json_object_set_new(o, "version", json_integer(a->version));
    json_object_set_new(o, "author", json_string(a->author));
    json_object_set_new(o, "updated_at", json_string(a->updated_at));
    json_object_set_new(o, "uses", json_integer((json_int_t)a->uses));
    if(a->slug[0])
        json_object_set_new(o, "slug", json_string(a->slug));
    for(size_t i = 0; i < a->n_translations; i++)
        json_object_set_new(tr, a->translations[i]->key,
                            json_integer((json_int_t)a->translations[i]->value));
    json_object_set_new(o, "translations", tr);
    json_object_set_new(o, "body", json_string(a->body));
    return o;
}

static json_t *
pb_article_id(const ProtobufCMessage *m)
{
    return json_pack("{s:I}", "id", (json_int_t)((const Sealdesk__V1__Article *)m)->id);
}

static json_t *
pb_hits(const ProtobufCMessage *m)
{
    const Sealdesk__V1__SearchResult *res = (const Sealdesk__V1__SearchResult *)m;
    json_t *arr = json_array();

    for(size_t i = 0; i < res->n_hits; i++)
        json_array_append_new(arr,
                              json_hit(res->hits[i]->id, res->hits[i]->lang, res->hits[i]->title,
                                       res->hits[i]->score, res->hits[i]->snippet, NULL));
    return arr;
}

static const struct cli_view article_view = {&sealdesk__v1__article__descriptor, pb_article, NULL,
                                             false, SD_OK};
static const struct cli_view article_id_view = {&sealdesk__v1__article__descriptor, pb_article_id,
                                                NULL, NULL, SD_OK};
static const struct cli_view hits_view = {&sealdesk__v1__search_result__descriptor, pb_hits, NULL,
                                          false, SD_OK};

static int
kb_online(struct cli *c, const char *sub, const struct kb_req *q)
{
    Sealdesk__V1__AddArticleRequest add = SEALDESK__V1__ADD_ARTICLE_REQUEST__INIT;
    Sealdesk__V1__SearchRequest search = SEALDESK__V1__SEARCH_REQUEST__INIT;
    Sealdesk__V1__GetArticleRequest get = SEALDESK__V1__GET_ARTICLE_REQUEST__INIT;
    Sealdesk__V1__EditArticleRequest edit = SEALDESK__V1__EDIT_ARTICLE_REQUEST__INIT;

    if(strcmp(sub, "add") == 0) {
        add.lang = (char *)cli_get(c, "lang");
        add.title = (char *)cli_get(c, "title");
        add.body = (char *)cli_get(c, "body");
        add.category = (char *)cli_str(c, "category");
        add.status = (char *)cli_str(c, "status");
        add.tags = (char **)q->tagv;
        add.n_tags = q->ntags;
        add.translation_of = q->translation_of;
        add.asks = (char **)q->askv;
        add.n_asks = q->nasks;
        return cli_call_view(c, "/sealdesk.v1.Knowledge/Add", &add.base, &article_id_view);
    }
    if(strcmp(sub, "search") == 0) {
        search.text = (char *)cli_get(c, "text");
        search.lang = (char *)cli_str(c, "lang");
        search.limit = (uint32_t)q->limit; /* 1..50 (kb_req) */
        return cli_call_view(c, "/sealdesk.v1.Knowledge/Search", &search.base, &hits_view);
    }
    if(strcmp(sub, "get") == 0) {
        get.id = q->id;
        get.version = q->version;
        return cli_call_view(c, "/sealdesk.v1.Knowledge/Get", &get.base, &article_view);
    }
    edit.id = q->id;
    edit.title = (char *)cli_str(c, "title");
    edit.body = (char *)cli_str(c, "body");
    edit.category = (char *)cli_str(c, "category");
    edit.status = (char *)cli_str(c, "status");
    edit.tags = (char **)q->tagv;
    edit.n_tags = q->ntags;
    edit.set_tags = cli_has(c, "tags");
    edit.asks = (char **)q->askv;
    edit.n_asks = q->nasks;
    edit.set_asks = q->nasks > 0 || cli_has(c, "no-asks");
    return cli_call_view(c, "/sealdesk.v1.Knowledge/Edit", &edit.base, &article_view);
}

int
cmd_kb_online(struct cli *c, int argc, char **argv)
{
    const char *sub = argc ? argv[0] : "";
    struct kb_req q;
    int rc = kb_req(c, sub, &q);

    if(rc)
        return rc;
    rc = kb_online(c, sub, &q);
    free(q.tagbuf);
    return rc;
}
