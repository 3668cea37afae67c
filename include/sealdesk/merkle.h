/* RFC 6962 / RFC 9162 Merkle tree over the audit log (DESIGN.md "Audit log"), SHA-256.
 *
 * leaf hash = SHA-256(0x00 || entry), node hash = SHA-256(0x01 || left || right). The tree is
 * kept as the hashes of its *perfect* subtrees: node(level, index) is the root of leaves
 * [index * 2^level, (index + 1) * 2^level); level 0 holds the leaf hashes. This module is
 * storage-agnostic: it reads nodes through an sd_merkle_get_fn and reports new ones through an
 * sd_merkle_put_fn. Every tree operation touches O(log n) stored nodes and never recurses
 * over leaves. No function keeps state between calls; thread-safety is the callbacks'. */
#ifndef SEALDESK_MERKLE_H
#define SEALDESK_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "sealdesk/err.h"

#define SD_HASH_BYTES       32
/* Hashes in any proof for trees of at most SD_MERKLE_MAX_SIZE leaves: an inclusion proof has
 * at most 63, a consistency proof at most 64 (63 siblings + the seed node). */
#define SD_MERKLE_MAX_PROOF 64
/* Largest tree the proof generators and sd_merkle_append accept (2^63 leaves). */
#define SD_MERKLE_MAX_SIZE  ((uint64_t)1 << 63)

/* Fetch stored perfect-subtree hash node(level, index) into out; SD_E_NOTFOUND if absent.
 * Any other error is passed back unchanged by the function that called it. */
typedef sd_err (*sd_merkle_get_fn)(void *ctx, unsigned level, uint64_t index,
                                   uint8_t out[SD_HASH_BYTES]);
/* Store node(level, index) = h (h is borrowed for the duration of the call). */
typedef sd_err (*sd_merkle_put_fn)(void *ctx, unsigned level, uint64_t index,
                                   const uint8_t h[SD_HASH_BYTES]);

/* out = SHA-256(0x00 || entry[0..len)). entry may be NULL when len == 0. Cannot fail. */
void sd_merkle_leaf_hash(uint8_t out[SD_HASH_BYTES], const uint8_t *entry, size_t len);
/* out = SHA-256(0x01 || l || r). out may alias l or r. Cannot fail. */
void sd_merkle_node_hash(uint8_t out[SD_HASH_BYTES], const uint8_t l[SD_HASH_BYTES],
                         const uint8_t r[SD_HASH_BYTES]);

/* Append leaf number `size` (the tree had `size` leaves) with leaf hash lh: puts node(0, size)
 * and then each parent node(l, (size + 1) / 2^l - 1) that the new leaf completes, lowest level
 * first; reads only the left siblings it needs (at most 63 gets, at most 64 puts). All gets
 * happen before the first put, so a get error leaves the store untouched; a put error may
 * leave some nodes written (run it inside a txn and abort on error). SD_E_INVALID for NULL
 * get/put/lh, SD_E_LIMIT when size >= SD_MERKLE_MAX_SIZE, else the callbacks' errors (a get
 * returning SD_E_NOTFOUND here means the store lacks a node it should hold). */
sd_err sd_merkle_append(void *ctx, sd_merkle_get_fn get, sd_merkle_put_fn put, uint64_t size,
                        const uint8_t lh[SD_HASH_BYTES]);

/* Root MTH(D[0:size]) of the first `size` leaves; size may be smaller than the stored tree.
 * size 0 gives SHA-256("") without calling get. Reads at most 64 nodes. SD_E_INVALID for NULL
 * get/out, SD_E_NOTFOUND (from get) when the store holds fewer than `size` leaves. */
sd_err sd_merkle_root(void *ctx, sd_merkle_get_fn get, uint64_t size, uint8_t out[SD_HASH_BYTES]);

/* RFC 6962 2.1.1 PATH(index, D[0:size]): the audit path of leaf `index`, leaf-to-root order,
 * written to out[0 .. *n_out) (out has room for SD_MERKLE_MAX_PROOF hashes; caller owns it).
 * SD_E_INVALID for NULL pointers or index >= size, SD_E_LIMIT for size > SD_MERKLE_MAX_SIZE,
 * else get's errors; on error *n_out is 0 and out's contents are unspecified. */
sd_err sd_merkle_inclusion_proof(void *ctx, sd_merkle_get_fn get, uint64_t index, uint64_t size,
                                 uint8_t out[][SD_HASH_BYTES], size_t *n_out);
/* RFC 6962 2.1.2 PROOF(m, D[0:n]) that the tree of size m is a prefix of the tree of size n,
 * same output convention; m == n gives an empty proof. SD_E_INVALID for NULL pointers,
 * m == 0 or m > n, SD_E_LIMIT for n > SD_MERKLE_MAX_SIZE, else get's errors. */
sd_err sd_merkle_consistency_proof(void *ctx, sd_merkle_get_fn get, uint64_t m, uint64_t n,
                                   uint8_t out[][SD_HASH_BYTES], size_t *n_out);

/* ISO C before C23 will not convert uint8_t (*)[32] to const uint8_t (*)[32] implicitly
 * (-Wpedantic errors), so pass a writable proof array to the verifiers through this view. */
#define SD_MERKLE_CPROOF(p) ((const uint8_t(*)[SD_HASH_BYTES])(p))

/* RFC 9162 2.1.3.2: SD_OK when proof[0 .. n) proves leaf_hash is leaf `index` of the tree of
 * `size` leaves with root `root`, else SD_E_CRYPTO (also for index >= size or n greater than
 * SD_MERKLE_MAX_PROOF). SD_E_INVALID for NULL leaf_hash/root, or NULL proof with n > 0.
 * Pure function of its (borrowed) arguments; thread-safe. */
sd_err sd_merkle_verify_inclusion(const uint8_t leaf_hash[SD_HASH_BYTES], uint64_t index,
                                  uint64_t size, const uint8_t proof[][SD_HASH_BYTES], size_t n,
                                  const uint8_t root[SD_HASH_BYTES]);
/* RFC 9162 2.1.4.2: SD_OK when proof[0 .. np) proves the tree of size m with root root_m is a
 * prefix of the tree of size n with root root_n, else SD_E_CRYPTO. m == n needs an empty proof
 * and equal roots. m == 0 or m > n is always SD_E_CRYPTO (no such proof exists; a caller that
 * trusts the empty tree special-cases it). SD_E_INVALID for NULL roots, or NULL proof with
 * np > 0. Pure function; thread-safe. */
sd_err sd_merkle_verify_consistency(uint64_t m, uint64_t n, const uint8_t root_m[SD_HASH_BYTES],
                                    const uint8_t root_n[SD_HASH_BYTES],
                                    const uint8_t proof[][SD_HASH_BYTES], size_t np);

/* Compact in-memory tree builder for verifiers that stream entries (sealaudit): keeps the
 * O(log n) stack of perfect subtree roots ("compact range"); stack[l] is meaningful when bit l
 * of size is set. The caller owns the struct (stack or heap) and may copy it; no cleanup. */
struct sd_merkle_stream {
    uint64_t size;
    uint8_t stack[64][SD_HASH_BYTES];
};

/* Reset s to the empty tree. */
void sd_merkle_stream_init(struct sd_merkle_stream *s);
/* Add the next leaf hash. At most UINT64_MAX leaves: pushing past that aborts (a broken
 * invariant: no caller can hash 2^64 entries). */
void sd_merkle_stream_push(struct sd_merkle_stream *s, const uint8_t lh[SD_HASH_BYTES]);
/* out = root of the leaves pushed so far (SHA-256("") when none). */
void sd_merkle_stream_root(const struct sd_merkle_stream *s, uint8_t out[SD_HASH_BYTES]);

#endif
