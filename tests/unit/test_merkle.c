/* Unit tests for audit/merkle.c: RFC 6962 roots, inclusion and consistency proofs and their
 * RFC 9162 verifiers. Known answers come from ../shared/vectors/rfc6962.json, which was taken
 * from transparency-dev/merkle at commit 417fb0c314750d94e53942e9f92e79b6d35915db
 * (testonly/constants.go, testdata/{inclusion,consistency}/N/happy-path.json). The rest is a
 * randomized cross-check against a naive recursive transcription of RFC 6962 section 2.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "sealdesk/buf.h"
#include "sealdesk/merkle.h"

#define VECTORS SD_SOURCE_DIR "/../shared/vectors/rfc6962.json"
#define MAX_VEC 32
#define CROSS_N 300

typedef uint8_t hash_t[SD_HASH_BYTES];

/* ---- in-memory node store: level l holds node(l, 0 .. cnt[l]) ---- */

struct memtree {
    uint8_t *lv[64];
    uint64_t cnt[64];
    uint64_t cap[64];
    size_t gets;
    size_t puts;
    sd_err fail_get; /* when not SD_OK every get returns it */
};

static sd_err
mem_get(void *ctx, unsigned level, uint64_t index, uint8_t out[SD_HASH_BYTES])
{
    struct memtree *t = ctx;

    assert_true(level < 64);
    t->gets++;
    if(t->fail_get != SD_OK)
        return t->fail_get;
    if(index >= t->cnt[level])
        return SD_E_NOTFOUND;
    memcpy(out, t->lv[level] + index * SD_HASH_BYTES, SD_HASH_BYTES);
    return SD_OK;
}

/* Append-only: a node written twice or out of order fails the test that did it. */
static sd_err
mem_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[SD_HASH_BYTES])
{
    struct memtree *t = ctx;

    assert_true(level < 64);
    assert_int_equal(index, t->cnt[level]);
    if(t->cnt[level] == t->cap[level]) {
        t->cap[level] = t->cap[level] ? 2 * t->cap[level] : 16;
        t->lv[level] = realloc(t->lv[level], t->cap[level] * SD_HASH_BYTES);
        assert_non_null(t->lv[level]);
    }
    memcpy(t->lv[level] + index * SD_HASH_BYTES, h, SD_HASH_BYTES);
    t->cnt[level]++;
    t->puts++;
    return SD_OK;
}

static void
mem_free(struct memtree *t)
{
    for(int l = 0; l < 64; l++)
        free(t->lv[l]);
    memset(t, 0, sizeof(*t));
}

/* ---- naive RFC 6962 2.1 recursion over an array of leaf hashes, memoised by range ---- */

struct naive {
    hash_t *lh;
    size_t n;
    hash_t *memo; /* memo[lo * (n + 1) + hi] */
    uint8_t *have;
};

static size_t
split_k(size_t n) /* largest power of two < n, n >= 2 */
{
    size_t k = 1;

    while(k * 2 < n)
        k *= 2;
    return k;
}

static void
naive_mth(struct naive *nv, size_t lo, size_t hi, uint8_t out[SD_HASH_BYTES])
{
    size_t slot = lo * (nv->n + 1) + hi;
    hash_t l, r;

    if(nv->have[slot]) {
        memcpy(out, nv->memo[slot], SD_HASH_BYTES);
        return;
    }
    if(hi == lo) {
        crypto_hash_sha256(out, NULL, 0);
    } else if(hi - lo == 1) {
        memcpy(out, nv->lh[lo], SD_HASH_BYTES);
    } else {
        size_t k = split_k(hi - lo);

        naive_mth(nv, lo, lo + k, l);
        naive_mth(nv, lo + k, hi, r);
        sd_merkle_node_hash(out, l, r);
    }
    memcpy(nv->memo[slot], out, SD_HASH_BYTES);
    nv->have[slot] = 1;
}

/* PATH(m, D[lo:hi]) appended to out in RFC order (leaf first). */
static void
naive_path(struct naive *nv, size_t m, size_t lo, size_t hi, hash_t *out, size_t *cnt)
{
    size_t n = hi - lo;
    size_t k;

    if(n == 1)
        return;
    k = split_k(n);
    if(m < k) {
        naive_path(nv, m, lo, lo + k, out, cnt);
        naive_mth(nv, lo + k, hi, out[(*cnt)++]);
    } else {
        naive_path(nv, m - k, lo + k, hi, out, cnt);
        naive_mth(nv, lo, lo + k, out[(*cnt)++]);
    }
}

/* SUBPROOF(m, D[lo:hi], b). */
static void
naive_subproof(struct naive *nv, size_t m, size_t lo, size_t hi, int b, hash_t *out, size_t *cnt)
{
    size_t n = hi - lo;
    size_t k;

    if(m == n) {
        if(!b)
            naive_mth(nv, lo, hi, out[(*cnt)++]);
        return;
    }
    k = split_k(n);
    if(m <= k) {
        naive_subproof(nv, m, lo, lo + k, b, out, cnt);
        naive_mth(nv, lo + k, hi, out[(*cnt)++]);
    } else {
        naive_subproof(nv, m - k, lo + k, hi, 0, out, cnt);
        naive_mth(nv, lo, lo + k, out[(*cnt)++]);
    }
}

/* ---- the known-answer vectors ---- */

struct incl_vec {
    uint64_t index, size;
    hash_t leaf, root;
    hash_t proof[SD_MERKLE_MAX_PROOF];
    size_t n;
};

struct cons_vec {
    uint64_t m, n;
    hash_t root_m, root_n;
    hash_t proof[SD_MERKLE_MAX_PROOF];
    size_t np;
};

static struct {
    size_t n_leaves;
    uint8_t leaf[MAX_VEC][64];
    size_t leaf_len[MAX_VEC];
    hash_t roots[MAX_VEC];
    size_t n_roots;
    struct incl_vec incl[MAX_VEC];
    size_t n_incl;
    struct cons_vec cons[MAX_VEC];
    size_t n_cons;
} V;

static void
hex32(uint8_t out[SD_HASH_BYTES], json_t *s)
{
    assert_true(json_is_string(s));
    assert_int_equal(sd_hex_decode(out, SD_HASH_BYTES, json_string_value(s), json_string_length(s)),
                     SD_OK);
}

static size_t
hex_proof(hash_t *out, json_t *arr)
{
    size_t i;
    json_t *v;

    assert_true(json_is_array(arr));
    assert_true(json_array_size(arr) <= SD_MERKLE_MAX_PROOF);
    json_array_foreach(arr, i, v) hex32(out[i], v);
    return json_array_size(arr);
}

static int
load_vectors(void **state)
{
    json_error_t jerr;
    json_t *root = json_load_file(VECTORS, 0, &jerr);
    json_t *v, *roots;
    size_t i;

    (void)state;
    if(sodium_init() < 0 || !root) {
        print_error("cannot load %s: %s\n", VECTORS, root ? "" : jerr.text);
        return -1;
    }
    json_array_foreach(json_object_get(root, "leaves"), i, v)
    {
        size_t len = json_string_length(v) / 2;

        assert_true(i < MAX_VEC && len <= sizeof(V.leaf[0]));
        assert_int_equal(sd_hex_decode(V.leaf[i], len, json_string_value(v), json_string_length(v)),
                         SD_OK);
        V.leaf_len[i] = len;
        V.n_leaves = i + 1;
    }
    roots = json_object_get(root, "roots");
    V.n_roots = json_object_size(roots);
    assert_true(V.n_roots == V.n_leaves + 1);
    for(i = 0; i < V.n_roots; i++) {
        char key[24];

        snprintf(key, sizeof(key), "%zu", i);
        hex32(V.roots[i], json_object_get(roots, key));
    }
    json_array_foreach(json_object_get(root, "inclusion"), i, v)
    {
        struct incl_vec *c = &V.incl[i];

        assert_true(i < MAX_VEC);
        c->index = json_integer_value(json_object_get(v, "leaf_index"));
        c->size = json_integer_value(json_object_get(v, "tree_size"));
        hex32(c->leaf, json_object_get(v, "leaf_hash"));
        hex32(c->root, json_object_get(v, "root"));
        c->n = hex_proof(c->proof, json_object_get(v, "proof"));
        V.n_incl = i + 1;
    }
    json_array_foreach(json_object_get(root, "consistency"), i, v)
    {
        struct cons_vec *c = &V.cons[i];

        assert_true(i < MAX_VEC);
        c->m = json_integer_value(json_object_get(v, "size1"));
        c->n = json_integer_value(json_object_get(v, "size2"));
        hex32(c->root_m, json_object_get(v, "root1"));
        hex32(c->root_n, json_object_get(v, "root2"));
        c->np = hex_proof(c->proof, json_object_get(v, "proof"));
        V.n_cons = i + 1;
    }
    json_decref(root);
    /* Guard against a silently empty or truncated file. */
    if(V.n_leaves != 8 || V.n_incl < 5 || V.n_cons < 5)
        return -1;
    return 0;
}

/* Tree of the 8 vector leaves. */
static void
build_vector_tree(struct memtree *t)
{
    memset(t, 0, sizeof(*t));
    for(size_t i = 0; i < V.n_leaves; i++) {
        hash_t lh;

        sd_merkle_leaf_hash(lh, V.leaf[i], V.leaf_len[i]);
        assert_int_equal(sd_merkle_append(t, mem_get, mem_put, i, lh), SD_OK);
    }
}

static void
flip(uint8_t h[SD_HASH_BYTES], size_t bit)
{
    h[(bit / 8) % SD_HASH_BYTES] ^= (uint8_t)(1u << (bit % 8));
}

/* ---- known answers ---- */

static void
test_roots_match_vectors_for_sizes_0_to_8(void **state)
{
    struct memtree t;
    struct sd_merkle_stream s;
    hash_t root;

    (void)state;
    build_vector_tree(&t);
    sd_merkle_stream_init(&s);
    for(size_t n = 0; n < V.n_roots; n++) {
        assert_int_equal(sd_merkle_root(&t, mem_get, n, root), SD_OK);
        assert_memory_equal(root, V.roots[n], SD_HASH_BYTES);
        sd_merkle_stream_root(&s, root);
        assert_memory_equal(root, V.roots[n], SD_HASH_BYTES);
        if(n < V.n_leaves) {
            hash_t lh;

            sd_merkle_leaf_hash(lh, V.leaf[n], V.leaf_len[n]);
            sd_merkle_stream_push(&s, lh);
        }
    }
    mem_free(&t);
}

static void
test_inclusion_proofs_match_vectors_and_verify(void **state)
{
    struct memtree t;
    hash_t proof[SD_MERKLE_MAX_PROOF];
    hash_t lh;
    size_t n;

    (void)state;
    build_vector_tree(&t);
    for(size_t i = 0; i < V.n_incl; i++) {
        const struct incl_vec *c = &V.incl[i];

        sd_merkle_leaf_hash(lh, V.leaf[c->index], V.leaf_len[c->index]);
        assert_memory_equal(lh, c->leaf, SD_HASH_BYTES);
        assert_int_equal(sd_merkle_inclusion_proof(&t, mem_get, c->index, c->size, proof, &n),
                         SD_OK);
        assert_int_equal(n, c->n);
        if(n)
            assert_memory_equal(proof, c->proof, n * SD_HASH_BYTES);
        assert_int_equal(sd_merkle_verify_inclusion(c->leaf, c->index, c->size,
                                                    SD_MERKLE_CPROOF(c->proof), c->n, c->root),
                         SD_OK);
    }
    mem_free(&t);
}

static void
test_consistency_proofs_match_vectors_and_verify(void **state)
{
    struct memtree t;
    hash_t proof[SD_MERKLE_MAX_PROOF];
    size_t n;

    (void)state;
    build_vector_tree(&t);
    for(size_t i = 0; i < V.n_cons; i++) {
        const struct cons_vec *c = &V.cons[i];

        assert_int_equal(sd_merkle_consistency_proof(&t, mem_get, c->m, c->n, proof, &n), SD_OK);
        assert_int_equal(n, c->np);
        if(n)
            assert_memory_equal(proof, c->proof, n * SD_HASH_BYTES);
        assert_int_equal(sd_merkle_verify_consistency(c->m, c->n, c->root_m, c->root_n,
                                                      SD_MERKLE_CPROOF(c->proof), c->np),
                         SD_OK);
    }
    mem_free(&t);
}

/* ---- tampering ---- */

static void
test_inclusion_verify_rejects_tampering(void **state)
{
    hash_t p[SD_MERKLE_MAX_PROOF + 1];
    hash_t leaf, root;

    (void)state;
    for(size_t i = 0; i < V.n_incl; i++) {
        const struct incl_vec *c = &V.incl[i];

        /* A flipped bit anywhere: each proof hash, the leaf, the root. */
        for(size_t j = 0; j < c->n; j++) {
            for(size_t bit = 0; bit < 8 * SD_HASH_BYTES; bit += 37) {
                memcpy(p, c->proof, sizeof(c->proof));
                flip(p[j], bit);
                assert_int_equal(sd_merkle_verify_inclusion(c->leaf, c->index, c->size,
                                                            SD_MERKLE_CPROOF(p), c->n, c->root),
                                 SD_E_CRYPTO);
            }
        }
        memcpy(leaf, c->leaf, SD_HASH_BYTES);
        flip(leaf, 255);
        assert_int_equal(sd_merkle_verify_inclusion(leaf, c->index, c->size,
                                                    SD_MERKLE_CPROOF(c->proof), c->n, c->root),
                         SD_E_CRYPTO);
        memcpy(root, c->root, SD_HASH_BYTES);
        flip(root, 0);
        assert_int_equal(sd_merkle_verify_inclusion(c->leaf, c->index, c->size,
                                                    SD_MERKLE_CPROOF(c->proof), c->n, root),
                         SD_E_CRYPTO);
        /* Every other index of the same tree. */
        for(uint64_t idx = 0; idx < c->size; idx++) {
            if(idx == c->index)
                continue;
            assert_int_equal(sd_merkle_verify_inclusion(c->leaf, idx, c->size,
                                                        SD_MERKLE_CPROOF(c->proof), c->n, c->root),
                             SD_E_CRYPTO);
        }
        /* Out-of-range index, and a size whose path has another length (a size with the same
         * path shape can pass: the signed checkpoint binds root to size, not the proof). */
        assert_int_equal(sd_merkle_verify_inclusion(c->leaf, c->size, c->size,
                                                    SD_MERKLE_CPROOF(c->proof), c->n, c->root),
                         SD_E_CRYPTO);
        assert_int_equal(sd_merkle_verify_inclusion(c->leaf, c->index, 2 * c->size,
                                                    SD_MERKLE_CPROOF(c->proof), c->n, c->root),
                         SD_E_CRYPTO);
        /* Truncated and extended proofs. */
        if(c->n > 0) {
            assert_int_equal(sd_merkle_verify_inclusion(c->leaf, c->index, c->size,
                                                        SD_MERKLE_CPROOF(c->proof), c->n - 1,
                                                        c->root),
                             SD_E_CRYPTO);
            assert_int_equal(sd_merkle_verify_inclusion(c->leaf, c->index, c->size,
                                                        SD_MERKLE_CPROOF(c->proof + 1), c->n - 1,
                                                        c->root),
                             SD_E_CRYPTO);
        }
        memcpy(p, c->proof, sizeof(c->proof));
        memcpy(p[c->n], c->root, SD_HASH_BYTES);
        assert_int_equal(sd_merkle_verify_inclusion(c->leaf, c->index, c->size, SD_MERKLE_CPROOF(p),
                                                    c->n + 1, c->root),
                         SD_E_CRYPTO);
    }
}

static void
test_consistency_verify_rejects_tampering(void **state)
{
    hash_t p[SD_MERKLE_MAX_PROOF + 1];
    hash_t r1, r2;

    (void)state;
    for(size_t i = 0; i < V.n_cons; i++) {
        const struct cons_vec *c = &V.cons[i];

        for(size_t j = 0; j < c->np; j++) {
            for(size_t bit = 0; bit < 8 * SD_HASH_BYTES; bit += 37) {
                memcpy(p, c->proof, sizeof(c->proof));
                flip(p[j], bit);
                assert_int_equal(sd_merkle_verify_consistency(c->m, c->n, c->root_m, c->root_n,
                                                              SD_MERKLE_CPROOF(p), c->np),
                                 SD_E_CRYPTO);
            }
        }
        memcpy(r1, c->root_m, SD_HASH_BYTES);
        flip(r1, 100);
        assert_int_equal(sd_merkle_verify_consistency(c->m, c->n, r1, c->root_n,
                                                      SD_MERKLE_CPROOF(c->proof), c->np),
                         SD_E_CRYPTO);
        memcpy(r2, c->root_n, SD_HASH_BYTES);
        flip(r2, 7);
        assert_int_equal(sd_merkle_verify_consistency(c->m, c->n, c->root_m, r2,
                                                      SD_MERKLE_CPROOF(c->proof), c->np),
                         SD_E_CRYPTO);
        /* Wrong sizes: every other m of the same n, and a new size of another depth. */
        for(uint64_t m = 0; m <= c->n + 1; m++) {
            if(m == c->m)
                continue;
            assert_int_equal(sd_merkle_verify_consistency(m, c->n, c->root_m, c->root_n,
                                                          SD_MERKLE_CPROOF(c->proof), c->np),
                             SD_E_CRYPTO);
        }
        assert_int_equal(sd_merkle_verify_consistency(c->m, 2 * c->n, c->root_m, c->root_n,
                                                      SD_MERKLE_CPROOF(c->proof), c->np),
                         SD_E_CRYPTO);
        if(c->np > 0) {
            assert_int_equal(sd_merkle_verify_consistency(c->m, c->n, c->root_m, c->root_n,
                                                          SD_MERKLE_CPROOF(c->proof), c->np - 1),
                             SD_E_CRYPTO);
            assert_int_equal(sd_merkle_verify_consistency(c->m, c->n, c->root_m, c->root_n,
                                                          SD_MERKLE_CPROOF(c->proof + 1),
                                                          c->np - 1),
                             SD_E_CRYPTO);
        }
        memcpy(p, c->proof, sizeof(c->proof));
        memcpy(p[c->np], c->root_n, SD_HASH_BYTES);
        assert_int_equal(sd_merkle_verify_consistency(c->m, c->n, c->root_m, c->root_n,
                                                      SD_MERKLE_CPROOF(p), c->np + 1),
                         SD_E_CRYPTO);
    }
}

/* ---- arguments and limits ---- */

static void
test_proof_generators_reject_bad_ranges(void **state)
{
    struct memtree t;
    hash_t p[SD_MERKLE_MAX_PROOF];
    hash_t lh = {0};
    size_t n = 99;

    (void)state;
    build_vector_tree(&t);
    assert_int_equal(sd_merkle_inclusion_proof(&t, mem_get, 8, 8, p, &n), SD_E_INVALID);
    assert_int_equal(n, 0);
    assert_int_equal(sd_merkle_inclusion_proof(&t, mem_get, 0, 0, p, &n), SD_E_INVALID);
    assert_int_equal(sd_merkle_inclusion_proof(NULL, NULL, 0, 1, p, &n), SD_E_INVALID);
    assert_int_equal(sd_merkle_inclusion_proof(&t, mem_get, 0, 1, NULL, &n), SD_E_INVALID);
    assert_int_equal(sd_merkle_inclusion_proof(&t, mem_get, 0, 1, p, NULL), SD_E_INVALID);
    assert_int_equal(sd_merkle_inclusion_proof(&t, mem_get, 0, SD_MERKLE_MAX_SIZE + 1, p, &n),
                     SD_E_LIMIT);
    n = 99;
    assert_int_equal(sd_merkle_consistency_proof(&t, mem_get, 0, 8, p, &n), SD_E_INVALID);
    assert_int_equal(n, 0);
    assert_int_equal(sd_merkle_consistency_proof(&t, mem_get, 5, 4, p, &n), SD_E_INVALID);
    assert_int_equal(sd_merkle_consistency_proof(&t, mem_get, 1, SD_MERKLE_MAX_SIZE + 1, p, &n),
                     SD_E_LIMIT);
    assert_int_equal(sd_merkle_consistency_proof(&t, mem_get, 8, 8, p, &n), SD_OK);
    assert_int_equal(n, 0);
    /* Sizes beyond the stored tree report the store's answer. */
    assert_int_equal(sd_merkle_inclusion_proof(&t, mem_get, 0, 9, p, &n), SD_E_NOTFOUND);
    assert_int_equal(sd_merkle_consistency_proof(&t, mem_get, 3, 9, p, &n), SD_E_NOTFOUND);
    assert_int_equal(sd_merkle_root(&t, mem_get, 9, lh), SD_E_NOTFOUND);
    assert_int_equal(sd_merkle_root(&t, NULL, 1, lh), SD_E_INVALID);
    assert_int_equal(sd_merkle_append(&t, mem_get, mem_put, SD_MERKLE_MAX_SIZE, lh), SD_E_LIMIT);
    assert_int_equal(sd_merkle_append(&t, mem_get, NULL, 8, lh), SD_E_INVALID);
    assert_int_equal(t.cnt[0], 8);
    mem_free(&t);
}

static void
test_verifiers_reject_impossible_sizes(void **state)
{
    const struct incl_vec *c = &V.incl[1];
    hash_t big[SD_MERKLE_MAX_PROOF + 1] = {{0}};
    hash_t r;

    (void)state;
    sd_merkle_stream_root(&(struct sd_merkle_stream){0}, r); /* empty root */
    assert_int_equal(sd_merkle_verify_inclusion(c->leaf, 0, 0, NULL, 0, c->leaf), SD_E_CRYPTO);
    assert_int_equal(
        sd_merkle_verify_inclusion(c->leaf, 5, 3, SD_MERKLE_CPROOF(c->proof), c->n, c->root),
        SD_E_CRYPTO);
    assert_int_equal(sd_merkle_verify_inclusion(c->leaf, 0, UINT64_MAX, SD_MERKLE_CPROOF(big),
                                                SD_MERKLE_MAX_PROOF + 1, c->root),
                     SD_E_CRYPTO);
    assert_int_equal(sd_merkle_verify_inclusion(NULL, 0, 1, NULL, 0, c->root), SD_E_INVALID);
    assert_int_equal(sd_merkle_verify_inclusion(c->leaf, 0, 2, NULL, 1, c->root), SD_E_INVALID);
    /* A single-leaf tree needs no proof; its root is the leaf hash. */
    assert_int_equal(sd_merkle_verify_inclusion(c->leaf, 0, 1, NULL, 0, c->leaf), SD_OK);
    assert_int_equal(sd_merkle_verify_consistency(0, 0, r, r, NULL, 0), SD_E_CRYPTO);
    assert_int_equal(sd_merkle_verify_consistency(0, 8, r, V.roots[8], NULL, 0), SD_E_CRYPTO);
    assert_int_equal(sd_merkle_verify_consistency(3, 2, V.roots[3], V.roots[2], NULL, 0),
                     SD_E_CRYPTO);
    assert_int_equal(sd_merkle_verify_consistency(3, 3, V.roots[3], V.roots[3], NULL, 0), SD_OK);
    assert_int_equal(sd_merkle_verify_consistency(3, 3, V.roots[3], V.roots[4], NULL, 0),
                     SD_E_CRYPTO);
    assert_int_equal(
        sd_merkle_verify_consistency(3, 3, V.roots[3], V.roots[3], SD_MERKLE_CPROOF(big), 1),
        SD_E_CRYPTO);
    assert_int_equal(sd_merkle_verify_consistency(3, 4, V.roots[3], V.roots[4], NULL, 0),
                     SD_E_CRYPTO);
    assert_int_equal(sd_merkle_verify_consistency(1, 8, NULL, V.roots[8], NULL, 0), SD_E_INVALID);
    assert_int_equal(sd_merkle_verify_consistency(1, UINT64_MAX, V.roots[1], V.roots[8],
                                                  SD_MERKLE_CPROOF(big), SD_MERKLE_MAX_PROOF + 1),
                     SD_E_CRYPTO);
}

/* ---- store behaviour ---- */

static void
test_append_get_failure_writes_nothing(void **state)
{
    struct memtree t;
    hash_t lh = {1};

    (void)state;
    /* Leaf 7 completes node(1,3), node(2,1), node(3,0): three gets before any put. */
    memset(&t, 0, sizeof(t));
    for(uint64_t i = 0; i < 7; i++)
        assert_int_equal(sd_merkle_append(&t, mem_get, mem_put, i, lh), SD_OK);
    t.fail_get = SD_E_STORE;
    t.puts = 0;
    assert_int_equal(sd_merkle_append(&t, mem_get, mem_put, 7, lh), SD_E_STORE);
    assert_int_equal(t.puts, 0);
    assert_int_equal(t.cnt[0], 7);
    t.fail_get = SD_OK;
    t.gets = 0;
    assert_int_equal(sd_merkle_append(&t, mem_get, mem_put, 7, lh), SD_OK);
    assert_int_equal(t.gets, 3);
    assert_int_equal(t.puts, 4);
    assert_int_equal(t.cnt[3], 1);
    mem_free(&t);
}

static unsigned
bitlen(uint64_t x)
{
    unsigned b = 0;

    while(x) {
        b++;
        x >>= 1;
    }
    return b;
}

/* Random entries; every prefix size 1..CROSS_N checked against the naive RFC recursion:
 * roots, all inclusion proofs, all consistency proofs (m <= n), byte for byte, each verifying,
 * each reading O(log n) nodes. */
static void
test_random_trees_match_naive_rfc6962(void **state)
{
    static hash_t lh[CROSS_N];
    hash_t got[SD_MERKLE_MAX_PROOF], want[SD_MERKLE_MAX_PROOF];
    hash_t root, sroot, nroot, mroot;
    struct memtree t;
    struct sd_merkle_stream s;
    struct naive nv = {lh, CROSS_N, NULL, NULL};
    size_t ng, nw;

    (void)state;
    nv.memo = calloc((CROSS_N + 1) * (CROSS_N + 1), sizeof(hash_t));
    nv.have = calloc((CROSS_N + 1) * (CROSS_N + 1), 1);
    assert_true(nv.memo && nv.have);
    memset(&t, 0, sizeof(t));
    sd_merkle_stream_init(&s);
    for(size_t i = 0; i < CROSS_N; i++) {
        uint8_t entry[200];
        size_t len = randombytes_uniform(sizeof(entry) + 1);

        randombytes_buf(entry, len);
        sd_merkle_leaf_hash(lh[i], entry, len);
        t.gets = 0;
        assert_int_equal(sd_merkle_append(&t, mem_get, mem_put, i, lh[i]), SD_OK);
        assert_true(t.gets < 64);
        sd_merkle_stream_push(&s, lh[i]);
        assert_int_equal(sd_merkle_root(&t, mem_get, i + 1, root), SD_OK);
        naive_mth(&nv, 0, i + 1, nroot);
        assert_memory_equal(root, nroot, SD_HASH_BYTES);
        sd_merkle_stream_root(&s, sroot);
        assert_memory_equal(sroot, nroot, SD_HASH_BYTES);
    }
    for(size_t n = 1; n <= CROSS_N; n++) {
        size_t bound = 2 * bitlen(n) + 2;

        naive_mth(&nv, 0, n, nroot);
        assert_int_equal(sd_merkle_root(&t, mem_get, n, root), SD_OK);
        assert_memory_equal(root, nroot, SD_HASH_BYTES);
        for(size_t idx = 0; idx < n; idx++) {
            nw = 0;
            naive_path(&nv, idx, 0, n, want, &nw);
            t.gets = 0;
            assert_int_equal(sd_merkle_inclusion_proof(&t, mem_get, idx, n, got, &ng), SD_OK);
            assert_true(t.gets <= bound);
            assert_int_equal(ng, nw);
            if(ng)
                assert_memory_equal(got, want, ng * SD_HASH_BYTES);
            assert_int_equal(
                sd_merkle_verify_inclusion(lh[idx], idx, n, SD_MERKLE_CPROOF(got), ng, root),
                SD_OK);
        }
        for(size_t m = 1; m <= n; m++) {
            nw = 0;
            if(m < n)
                naive_subproof(&nv, m, 0, n, 1, want, &nw);
            naive_mth(&nv, 0, m, mroot);
            t.gets = 0;
            assert_int_equal(sd_merkle_consistency_proof(&t, mem_get, m, n, got, &ng), SD_OK);
            assert_true(t.gets <= bound + 1);
            assert_int_equal(ng, nw);
            if(ng)
                assert_memory_equal(got, want, ng * SD_HASH_BYTES);
            assert_int_equal(
                sd_merkle_verify_consistency(m, n, mroot, root, SD_MERKLE_CPROOF(got), ng), SD_OK);
        }
    }
    free(nv.memo);
    free(nv.have);
    mem_free(&t);
}

/* ---- trees of up to 2^63 leaves, all leaves equal, so node(l, i) is h[l] for every i and
 * the store can be virtual. Checks limits, proof lengths and O(log n) reads at full scale. */

struct uniform {
    uint64_t size;
    hash_t h[64];
    size_t gets;
    size_t puts;
};

static sd_err
uni_get(void *ctx, unsigned level, uint64_t index, uint8_t out[SD_HASH_BYTES])
{
    struct uniform *u = ctx;

    assert_true(level < 64);
    u->gets++;
    if(index >= (u->size >> level))
        return SD_E_NOTFOUND;
    memcpy(out, u->h[level], SD_HASH_BYTES);
    return SD_OK;
}

static void
test_huge_trees_give_short_verifying_proofs(void **state)
{
    static const uint64_t sizes[] = {
        SD_MERKLE_MAX_SIZE,          SD_MERKLE_MAX_SIZE - 1, ((uint64_t)1 << 62) + 12345,
        3 * ((uint64_t)1 << 61) + 7, 0x5555555555555555ull,  1000003,
    };
    struct uniform u;
    hash_t p[SD_MERKLE_MAX_PROOF];
    hash_t root, mroot;
    size_t np, longest = 0;

    (void)state;
    sd_merkle_leaf_hash(u.h[0], (const uint8_t *)"x", 1);
    for(int l = 1; l < 64; l++)
        sd_merkle_node_hash(u.h[l], u.h[l - 1], u.h[l - 1]);
    for(size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        uint64_t n = sizes[si];
        const uint64_t idx[] = {0, 1, n / 2, n - 2, n - 1};
        const uint64_t ms[] = {1, 2, 3, n / 3, n - 2, n - 1, n};

        u.size = n;
        u.gets = 0;
        assert_int_equal(sd_merkle_root(&u, uni_get, n, root), SD_OK);
        assert_true(u.gets <= 64);
        for(size_t k = 0; k < 5; k++) {
            u.gets = 0;
            assert_int_equal(sd_merkle_inclusion_proof(&u, uni_get, idx[k], n, p, &np), SD_OK);
            assert_true(np <= 63);
            assert_true(u.gets <= 2 * 64);
            assert_int_equal(
                sd_merkle_verify_inclusion(u.h[0], idx[k], n, SD_MERKLE_CPROOF(p), np, root),
                SD_OK);
        }
        for(size_t k = 0; k < 7; k++) {
            u.gets = 0;
            assert_int_equal(sd_merkle_consistency_proof(&u, uni_get, ms[k], n, p, &np), SD_OK);
            assert_true(np <= SD_MERKLE_MAX_PROOF);
            assert_true(u.gets <= 2 * 64 + 1);
            longest = np > longest ? np : longest;
            assert_int_equal(sd_merkle_root(&u, uni_get, ms[k], mroot), SD_OK);
            assert_int_equal(
                sd_merkle_verify_consistency(ms[k], n, mroot, root, SD_MERKLE_CPROOF(p), np),
                SD_OK);
        }
    }
    /* 2^63 - 1 -> 2^63 is the longest possible consistency proof. */
    assert_int_equal(longest, SD_MERKLE_MAX_PROOF);
}

static sd_err
uni_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[SD_HASH_BYTES])
{
    struct uniform *u = ctx;

    assert_true(level < 64);
    assert_int_equal(index, u->size >> level);
    assert_memory_equal(h, u->h[level], SD_HASH_BYTES);
    u->puts++;
    return SD_OK;
}

static void
test_append_of_last_leaf_completes_every_level(void **state)
{
    struct uniform u;

    (void)state;
    sd_merkle_leaf_hash(u.h[0], (const uint8_t *)"x", 1);
    for(int l = 1; l < 64; l++)
        sd_merkle_node_hash(u.h[l], u.h[l - 1], u.h[l - 1]);
    u.size = SD_MERKLE_MAX_SIZE - 1;
    u.gets = 0;
    u.puts = 0;
    assert_int_equal(sd_merkle_append(&u, uni_get, uni_put, u.size, u.h[0]), SD_OK);
    /* 63 gets of left siblings, 64 puts: node(0, 2^63-1) .. node(63, 0). */
    assert_int_equal(u.gets, 63);
    assert_int_equal(u.puts, 64);
}

static void
test_stream_root_equals_stored_root(void **state)
{
    struct memtree t;
    struct sd_merkle_stream s;
    hash_t a, b, lh;

    (void)state;
    memset(&t, 0, sizeof(t));
    sd_merkle_stream_init(&s);
    for(uint64_t i = 0; i < 1100; i++) {
        uint8_t e[8];

        sd_put_u64be(e, i);
        sd_merkle_leaf_hash(lh, e, sizeof(e));
        assert_int_equal(sd_merkle_append(&t, mem_get, mem_put, i, lh), SD_OK);
        sd_merkle_stream_push(&s, lh);
        assert_int_equal(s.size, i + 1);
        assert_int_equal(sd_merkle_root(&t, mem_get, i + 1, a), SD_OK);
        sd_merkle_stream_root(&s, b);
        assert_memory_equal(a, b, SD_HASH_BYTES);
    }
    mem_free(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roots_match_vectors_for_sizes_0_to_8),
        cmocka_unit_test(test_inclusion_proofs_match_vectors_and_verify),
        cmocka_unit_test(test_consistency_proofs_match_vectors_and_verify),
        cmocka_unit_test(test_inclusion_verify_rejects_tampering),
        cmocka_unit_test(test_consistency_verify_rejects_tampering),
        cmocka_unit_test(test_proof_generators_reject_bad_ranges),
        cmocka_unit_test(test_verifiers_reject_impossible_sizes),
        cmocka_unit_test(test_append_get_failure_writes_nothing),
        cmocka_unit_test(test_random_trees_match_naive_rfc6962),
        cmocka_unit_test(test_huge_trees_give_short_verifying_proofs),
        cmocka_unit_test(test_append_of_last_leaf_completes_every_level),
        cmocka_unit_test(test_stream_root_equals_stored_root),
    };

    return cmocka_run_group_tests(tests, load_vectors, NULL);
}
