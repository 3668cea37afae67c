/* libFuzzer harness for the Merkle proof verifiers (audit/merkle.c): arbitrary bytes become
 * (flags, index|m, size|n, hash1, hash2, proof[]) fed to sd_merkle_verify_inclusion and
 * sd_merkle_verify_consistency, which must never crash. With flag bit 0 the sizes are folded
 * into a real 300-leaf tree and the verdict is checked: a proof may only be accepted when it is
 * byte for byte the one sd_merkle_*_proof generates (RFC 6962 proofs are unique). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sealdesk/buf.h"
#include "sealdesk/merkle.h"

#define TREE_N      300
#define TREE_LEVELS 9 /* 2^8 <= TREE_N < 2^9 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t nodes[TREE_LEVELS][TREE_N][SD_HASH_BYTES];
static uint64_t counts[TREE_LEVELS];

static sd_err
tree_get(void *ctx, unsigned level, uint64_t index, uint8_t out[SD_HASH_BYTES])
{
    (void)ctx;
    if(level >= TREE_LEVELS || index >= counts[level])
        return SD_E_NOTFOUND;
    memcpy(out, nodes[level][index], SD_HASH_BYTES);
    return SD_OK;
}

static sd_err
tree_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[SD_HASH_BYTES])
{
    (void)ctx;
    if(level >= TREE_LEVELS || index != counts[level])
        abort();
    memcpy(nodes[level][index], h, SD_HASH_BYTES);
    counts[level]++;
    return SD_OK;
}

static void
tree_build_once(void)
{
    static int built;
    uint8_t e[8], lh[SD_HASH_BYTES];

    if(built)
        return;
    if(sodium_init() < 0)
        abort();
    for(uint64_t i = 0; i < TREE_N; i++) {
        sd_put_u64be(e, i);
        sd_merkle_leaf_hash(lh, e, sizeof(e));
        if(sd_merkle_append(NULL, tree_get, tree_put, i, lh) != SD_OK)
            abort();
    }
    built = 1;
}

/* Accepted proofs on the real tree must be the generated ones, for the real hashes. */
static void
check_real_tree(uint64_t a, uint64_t b, const uint8_t h1[SD_HASH_BYTES],
                const uint8_t proof[][SD_HASH_BYTES], size_t np)
{
    uint8_t want[SD_MERKLE_MAX_PROOF][SD_HASH_BYTES];
    uint8_t root[SD_HASH_BYTES], root_m[SD_HASH_BYTES], leaf[SD_HASH_BYTES];
    uint64_t n = b % TREE_N + 1;
    uint64_t i = a % n;
    uint64_t m = a % n + 1;
    size_t nw;

    if(sd_merkle_root(NULL, tree_get, n, root) != SD_OK)
        abort();
    if(tree_get(NULL, 0, i, leaf) != SD_OK)
        abort();
    if(sd_merkle_inclusion_proof(NULL, tree_get, i, n, want, &nw) != SD_OK)
        abort();
    if(sd_merkle_verify_inclusion(leaf, i, n, SD_MERKLE_CPROOF(want), nw, root) != SD_OK)
        abort();
    if(sd_merkle_verify_inclusion(h1, i, n, proof, np, root) == SD_OK &&
       (np != nw || sodium_memcmp(h1, leaf, SD_HASH_BYTES) != 0 ||
        (np && memcmp(proof, want, np * SD_HASH_BYTES) != 0)))
        abort();

    if(sd_merkle_root(NULL, tree_get, m, root_m) != SD_OK)
        abort();
    if(sd_merkle_consistency_proof(NULL, tree_get, m, n, want, &nw) != SD_OK)
        abort();
    if(sd_merkle_verify_consistency(m, n, root_m, root, SD_MERKLE_CPROOF(want), nw) != SD_OK)
        abort();
    if(sd_merkle_verify_consistency(m, n, h1, root, proof, np) == SD_OK &&
       (np != nw || sodium_memcmp(h1, root_m, SD_HASH_BYTES) != 0 ||
        (np && memcmp(proof, want, np * SD_HASH_BYTES) != 0)))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* One more than the verifiers accept, so the length limit is exercised too. */
    static uint8_t proof[SD_MERKLE_MAX_PROOF + 1][SD_HASH_BYTES];
    struct sd_reader r;
    const uint8_t *h1, *h2, *rest;
    uint64_t a, b;
    uint8_t flags;
    size_t np;

    tree_build_once();
    sd_rd_init(&r, data, size);
    if(sd_rd_u8(&r, &flags) != SD_OK || sd_rd_u64be(&r, &a) != SD_OK ||
       sd_rd_u64be(&r, &b) != SD_OK || sd_rd_bytes(&r, &h1, SD_HASH_BYTES) != SD_OK ||
       sd_rd_bytes(&r, &h2, SD_HASH_BYTES) != SD_OK)
        return 0;
    np = sd_rd_left(&r) / SD_HASH_BYTES;
    if(np > SD_MERKLE_MAX_PROOF + 1)
        np = SD_MERKLE_MAX_PROOF + 1;
    if(sd_rd_bytes(&r, &rest, np * SD_HASH_BYTES) != SD_OK)
        return 0;
    if(np)
        memcpy(proof, rest, np * SD_HASH_BYTES);

    /* Results are not predictable from random bytes; only memory safety and termination. */
    (void)sd_merkle_verify_inclusion(h1, a, b, SD_MERKLE_CPROOF(proof), np, h2);
    (void)sd_merkle_verify_consistency(a, b, h1, h2, SD_MERKLE_CPROOF(proof), np);
    if(flags & 1)
        check_real_tree(a, b, h1, SD_MERKLE_CPROOF(proof), np);
    return 0;
}
