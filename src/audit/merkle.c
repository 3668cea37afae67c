/* RFC 6962 Merkle tree arithmetic over stored perfect subtrees (node(level, index)), the
 * proof generators of RFC 6962 2.1.1/2.1.2 and the verifiers of RFC 9162 2.1.3.2/2.1.4.2.
 * Storage comes through callbacks: audit/log.c backs them with the audit_nodes LMDB table,
 * the tests with an array. The proofs are built bottom-up from node indices (the approach of
 * transparency-dev/merkle), so no function walks leaves or recurses. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/crypto.h"
#include "sealdesk/merkle.h"
#include "util/err_int.h"

#define LEVELS 64

void
sd_merkle_leaf_hash(uint8_t out[SD_HASH_BYTES], const uint8_t *entry, size_t len)
{
    static const uint8_t prefix = 0x00;

    sd_sha256_parts(out, &prefix, 1, entry, len, NULL, 0);
}

void
sd_merkle_node_hash(uint8_t out[SD_HASH_BYTES], const uint8_t l[SD_HASH_BYTES],
                    const uint8_t r[SD_HASH_BYTES])
{
    uint8_t in[1 + 2 * SD_HASH_BYTES];

    /* Copy first so out may alias l or r. */
    in[0] = 0x01;
    memcpy(in + 1, l, SD_HASH_BYTES);
    memcpy(in + 1 + SD_HASH_BYTES, r, SD_HASH_BYTES);
    sd_sha256_parts(out, in, sizeof(in), NULL, 0, NULL, 0);
}

static void
empty_root(uint8_t out[SD_HASH_BYTES])
{
    sd_sha256_parts(out, NULL, 0, NULL, 0, NULL, 0);
}

/* Number of significant bits of x (0 for 0). */
static unsigned
bit_len(uint64_t x)
{
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0u;
}

/* MTH(D[lo:hi]) for 0 <= lo < hi where lo is a multiple of the largest power of two <= hi-lo,
 * which every subtree of the RFC 6962 recursion satisfies. Such a range is the perfect
 * subtrees given by the binary digits of hi-lo, largest first, and its hash is their
 * right fold; walking the digits lowest first reads them right to left. <= 64 gets. */
static sd_err
range_hash(void *ctx, sd_merkle_get_fn get, uint64_t lo, uint64_t hi, uint8_t out[SD_HASH_BYTES])
{
    uint8_t node[SD_HASH_BYTES];
    uint64_t width = hi - lo;
    uint64_t pos = hi;
    bool first = true;
    sd_err err = SD_OK;

    SD_ENSURE(lo < hi, SD_E_INTERNAL);
    /* lo < hi above, so width >= 1 and bit_len(width) >= 1 (the analyzer misses it). */
    // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult)
    SD_ENSURE((lo & (((uint64_t)1 << (bit_len(width) - 1)) - 1)) == 0, SD_E_INTERNAL);
    for(unsigned l = 0; l < LEVELS; l++) {
        if(!((width >> l) & 1))
            continue;
        pos -= (uint64_t)1 << l;
        SD_TRY(get(ctx, l, pos >> l, node));
        if(first)
            memcpy(out, node, SD_HASH_BYTES);
        else
            sd_merkle_node_hash(out, node, out);
        first = false;
    }
out:
    return err;
}

/* The siblings, at levels >= lstart and lowest first, on the path from leaf `index` to the
 * root of the tree of `size` leaves (index < size), appended to out[*cnt ..]. Below level
 * `inner` the path of index and the path of the last leaf differ, so every level has a
 * sibling: a stored node, except at level inner-1 where the right sibling holds the last
 * leaf and may be incomplete (then its hash is a range_hash). From level `inner` up the path
 * runs along the right border: a left sibling exists where index has a 1 bit, and a 0 bit is
 * a node whose right child is empty, which RFC 6962 skips. */
static sd_err
path_siblings(void *ctx, sd_merkle_get_fn get, uint64_t index, uint64_t size, unsigned lstart,
              uint8_t out[][SD_HASH_BYTES], size_t *cnt)
{
    unsigned inner = bit_len(index ^ (size - 1));
    sd_err err = SD_OK;

    for(unsigned l = lstart; l < LEVELS; l++) {
        uint64_t sib = (index >> l) ^ 1;

        if(l >= inner && !((index >> l) & 1))
            continue;
        SD_ENSURE(*cnt < SD_MERKLE_MAX_PROOF, SD_E_INTERNAL);
        if(sib < (size >> l))
            SD_TRY(get(ctx, l, sib, out[*cnt])); /* complete: (sib + 1) << l <= size */
        else
            SD_TRY(range_hash(ctx, get, sib << l, size, out[*cnt]));
        (*cnt)++;
    }
out:
    return err;
}

sd_err
sd_merkle_append(void *ctx, sd_merkle_get_fn get, sd_merkle_put_fn put, uint64_t size,
                 const uint8_t lh[SD_HASH_BYTES])
{
    uint8_t nodes[LEVELS][SD_HASH_BYTES];
    uint8_t sib[SD_HASH_BYTES];
    unsigned top = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(get && put && lh);
    SD_ENSURE(size < SD_MERKLE_MAX_SIZE, SD_E_LIMIT);
    /* Leaf `size` completes node(l+1, .) for each trailing 1 bit l of size, whose left half
     * is the stored node(l, (size >> l) - 1). Compute everything, then write. */
    memcpy(nodes[0], lh, SD_HASH_BYTES);
    while((size >> top) & 1) {
        SD_TRY(get(ctx, top, (size >> top) - 1, sib));
        sd_merkle_node_hash(nodes[top + 1], sib, nodes[top]);
        top++;
    }
    for(unsigned l = 0; l <= top; l++)
        SD_TRY(put(ctx, l, size >> l, nodes[l]));
out:
    return err;
}

sd_err
sd_merkle_root(void *ctx, sd_merkle_get_fn get, uint64_t size, uint8_t out[SD_HASH_BYTES])
{
    sd_err err = SD_OK;

    SD_CHECK_ARG(get && out);
    if(size == 0)
        empty_root(out);
    else
        SD_TRY(range_hash(ctx, get, 0, size, out));
out:
    return err;
}

sd_err
sd_merkle_inclusion_proof(void *ctx, sd_merkle_get_fn get, uint64_t index, uint64_t size,
                          uint8_t out[][SD_HASH_BYTES], size_t *n_out)
{
    size_t cnt = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(n_out);
    *n_out = 0;
    SD_CHECK_ARG(get && out && index < size);
    SD_ENSURE(size <= SD_MERKLE_MAX_SIZE, SD_E_LIMIT);
    SD_TRY(path_siblings(ctx, get, index, size, 0, out, &cnt));
    *n_out = cnt;
out:
    return err;
}

sd_err
sd_merkle_consistency_proof(void *ctx, sd_merkle_get_fn get, uint64_t m, uint64_t n,
                            uint8_t out[][SD_HASH_BYTES], size_t *n_out)
{
    unsigned level;
    uint64_t index;
    size_t cnt = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(n_out);
    *n_out = 0;
    SD_CHECK_ARG(get && out && m > 0 && m <= n);
    SD_ENSURE(n <= SD_MERKLE_MAX_SIZE, SD_E_LIMIT);
    if(m == n)
        goto out;
    /* The old tree's right-most perfect subtree node(level, index) ends at leaf m-1 and is
     * where RFC 6962 SUBPROOF stops. It leads the proof unless it is the whole old tree (m a
     * power of two: the verifier has it as root_m); then come its siblings in the new tree,
     * which are the leaf m-1 path from `level` up. */
    level = (unsigned)__builtin_ctzll(m);
    index = (m - 1) >> level;
    if(index != 0) {
        SD_TRY(get(ctx, level, index, out[0]));
        cnt = 1;
    }
    SD_TRY(path_siblings(ctx, get, m - 1, n, level, out, &cnt));
    *n_out = cnt;
out:
    return err;
}

/* Right-shift fn and sn together until fn's lowest bit is set or fn is 0 (RFC 9162). */
static void
shift_to_odd(uint64_t *fn, uint64_t *sn)
{
    while(*fn && !(*fn & 1)) {
        *fn >>= 1;
        *sn >>= 1;
    }
}

sd_err
sd_merkle_verify_inclusion(const uint8_t leaf_hash[SD_HASH_BYTES], uint64_t index, uint64_t size,
                           const uint8_t proof[][SD_HASH_BYTES], size_t n,
                           const uint8_t root[SD_HASH_BYTES])
{
    uint8_t r[SD_HASH_BYTES];
    uint64_t fn = index;
    uint64_t sn;
    sd_err err = SD_OK;

    SD_CHECK_ARG(leaf_hash && root && (proof || n == 0));
    SD_ENSURE(index < size && n <= SD_MERKLE_MAX_PROOF, SD_E_CRYPTO);
    sn = size - 1;
    memcpy(r, leaf_hash, SD_HASH_BYTES);
    for(size_t i = 0; i < n; i++) {
        SD_ENSURE(sn != 0, SD_E_CRYPTO);
        if((fn & 1) || fn == sn) {
            sd_merkle_node_hash(r, proof[i], r);
            shift_to_odd(&fn, &sn);
        } else {
            sd_merkle_node_hash(r, r, proof[i]);
        }
        fn >>= 1;
        sn >>= 1;
    }
    SD_ENSURE(sn == 0 && crypto_verify_32(r, root) == 0, SD_E_CRYPTO);
out:
    return err;
}

sd_err
sd_merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t root_m[SD_HASH_BYTES],
                             const uint8_t root_n[SD_HASH_BYTES],
                             const uint8_t proof[][SD_HASH_BYTES], size_t np)
{
    uint8_t fr[SD_HASH_BYTES];
    uint8_t sr[SD_HASH_BYTES];
    uint64_t fn, sn;
    size_t i = 0;
    sd_err err = SD_OK;

    SD_CHECK_ARG(root_m && root_n && (proof || np == 0));
    SD_ENSURE(m > 0 && m <= n && np <= SD_MERKLE_MAX_PROOF, SD_E_CRYPTO);
    if(m == n) {
        SD_ENSURE(np == 0 && crypto_verify_32(root_m, root_n) == 0, SD_E_CRYPTO);
        goto out;
    }
    SD_ENSURE(np > 0, SD_E_CRYPTO);
    /* A power-of-two m has root_m as the implicit first proof element. */
    if((m & (m - 1)) == 0) {
        memcpy(fr, root_m, SD_HASH_BYTES);
    } else {
        memcpy(fr, proof[0], SD_HASH_BYTES);
        i = 1;
    }
    memcpy(sr, fr, SD_HASH_BYTES);
    fn = m - 1;
    sn = n - 1;
    while(fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for(; i < np; i++) {
        SD_ENSURE(sn != 0, SD_E_CRYPTO);
        if((fn & 1) || fn == sn) {
            sd_merkle_node_hash(fr, proof[i], fr);
            sd_merkle_node_hash(sr, proof[i], sr);
            shift_to_odd(&fn, &sn);
        } else {
            sd_merkle_node_hash(sr, sr, proof[i]);
        }
        fn >>= 1;
        sn >>= 1;
    }
    SD_ENSURE(sn == 0, SD_E_CRYPTO);
    SD_ENSURE(crypto_verify_32(fr, root_m) == 0, SD_E_CRYPTO);
    SD_ENSURE(crypto_verify_32(sr, root_n) == 0, SD_E_CRYPTO);
out:
    return err;
}

void
sd_merkle_stream_init(struct sd_merkle_stream *s)
{
    memset(s, 0, sizeof(*s));
}

void
sd_merkle_stream_push(struct sd_merkle_stream *s, const uint8_t lh[SD_HASH_BYTES])
{
    uint8_t h[SD_HASH_BYTES];
    unsigned l = 0;

    if(s->size == UINT64_MAX)
        abort();
    /* Binary increment: each carry merges two equal perfect subtrees. */
    memcpy(h, lh, SD_HASH_BYTES);
    while((s->size >> l) & 1) {
        sd_merkle_node_hash(h, s->stack[l], h);
        l++;
    }
    memcpy(s->stack[l], h, SD_HASH_BYTES);
    s->size++;
}

void
sd_merkle_stream_root(const struct sd_merkle_stream *s, uint8_t out[SD_HASH_BYTES])
{
    bool first = true;

    if(s->size == 0) {
        empty_root(out);
        return;
    }
    for(unsigned l = 0; l < LEVELS; l++) {
        if(!((s->size >> l) & 1))
            continue;
        if(first)
            memcpy(out, s->stack[l], SD_HASH_BYTES);
        else
            sd_merkle_node_hash(out, s->stack[l], out);
        first = false;
    }
}
