// Unit tests of console/src/audit/verify.ts (compiled by `npm run test:unit` into build-test/):
// RFC 6962 / RFC 9162 vectors and RFC 8032 Ed25519 vectors from ../shared/vectors, the
// checkpoint note exactly as src/audit/checkpoint.c writes it, and tampered inputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as v from '../build-test/audit/verify.js';

const vectorsDir =
  process.env.SD_VECTORS ?? new URL('../../../shared/vectors/', import.meta.url).pathname;
const rfc6962 = JSON.parse(readFileSync(`${vectorsDir}/rfc6962.json`, 'utf8'));
const ed25519 = JSON.parse(readFileSync(`${vectorsDir}/ed25519.json`, 'utf8'));

const hex = (s) => v.fromHex(s);
const flip = (b, i = 0, bit = 1) => {
  const c = new Uint8Array(b);
  c[i] ^= bit;
  return c;
};

// Reference RFC 6962 tree over leaf hashes (MTH and PATH of §2.1), for building test cases.
function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
async function mth(hashes) {
  if (hashes.length === 1) return hashes[0];
  const k = split(hashes.length);
  return v.nodeHash(await mth(hashes.slice(0, k)), await mth(hashes.slice(k)));
}
async function path(m, hashes) {
  if (hashes.length === 1) return [];
  const k = split(hashes.length);
  if (m < k) return [...(await path(m, hashes.slice(0, k))), await mth(hashes.slice(k))];
  return [...(await path(m - k, hashes.slice(k))), await mth(hashes.slice(0, k))];
}

const leaves = rfc6962.leaves.map(hex);

test('leaf and node hashes rebuild every RFC 6962 root (sizes 1..8)', async () => {
  const lh = await Promise.all(leaves.map(v.leafHash));
  for (let n = 1; n <= 8; n++) {
    assert.equal(v.toHex(await mth(lh.slice(0, n))), rfc6962.roots[String(n)], `size ${n}`);
  }
  assert.equal(v.toHex(await v.sha256(new Uint8Array(0))), rfc6962.roots['0']);
});

test('inclusion: every vector verifies and yields its root', async () => {
  for (const c of rfc6962.inclusion) {
    const lh = await v.leafHash(leaves[c.leaf_index]);
    assert.equal(v.toHex(lh), c.leaf_hash);
    const proof = c.proof.map(hex);
    const idx = BigInt(c.leaf_index);
    const size = BigInt(c.tree_size);
    assert.equal(v.toHex(await v.rootFromInclusion(idx, size, lh, proof)), c.root);
    assert.equal(await v.verifyInclusion(idx, size, lh, proof, hex(c.root)), true);
  }
});

test('inclusion: tampered proofs, indices, sizes and roots fail', async () => {
  for (const c of rfc6962.inclusion) {
    const lh = hex(c.leaf_hash);
    const proof = c.proof.map(hex);
    const idx = BigInt(c.leaf_index);
    const size = BigInt(c.tree_size);
    const root = hex(c.root);
    const label = `(${c.leaf_index},${c.tree_size})`;
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((p, j) => (j === i ? flip(p, 7) : p));
      assert.equal(await v.verifyInclusion(idx, size, lh, bad, root), false, `flip ${label}`);
    }
    assert.equal(await v.verifyInclusion(idx, size, flip(lh), proof, root), false, `leaf ${label}`);
    assert.equal(await v.verifyInclusion(idx, size, lh, proof, flip(root, 31)), false, label);
    assert.equal(await v.verifyInclusion(idx ^ 1n, size, lh, proof, root), false, `idx ${label}`);
    assert.equal(await v.verifyInclusion(size, size, lh, proof, root), false, `idx=size ${label}`);
    assert.equal(await v.verifyInclusion(idx, size * 2n + 1n, lh, proof, root), false, label);
    assert.equal(await v.verifyInclusion(idx, size, lh, [...proof, lh], root), false, label);
    if (proof.length > 0)
      assert.equal(await v.verifyInclusion(idx, size, lh, proof.slice(1), root), false, label);
  }
});

test('inclusion: every index of every tree up to 8 against the reference PATH', async () => {
  const lh = await Promise.all(leaves.map(v.leafHash));
  for (let n = 1; n <= 8; n++) {
    const root = hex(rfc6962.roots[String(n)]);
    for (let m = 0; m < n; m++) {
      const p = await path(m, lh.slice(0, n));
      assert.equal(await v.verifyInclusion(BigInt(m), BigInt(n), lh[m], p, root), true);
      if (n > 1) {
        const other = (m + 1) % n;
        assert.equal(await v.verifyInclusion(BigInt(other), BigInt(n), lh[m], p, root), false);
      }
    }
  }
});

test('inclusion: malformed input is refused naming the field', async () => {
  await assert.rejects(v.rootFromInclusion(0n, 1n, new Uint8Array(31), []), /leaf_hash/);
  await assert.rejects(v.rootFromInclusion(0n, 2n, new Uint8Array(32), [new Uint8Array(3)]), /proof\[0\]/);
  await assert.rejects(v.rootFromInclusion(-1n, 2n, new Uint8Array(32), []), /index/);
  await assert.rejects(v.rootFromInclusion(0n, 1n << 64n, new Uint8Array(32), []), /tree_size/);
  const long = Array.from({ length: 65 }, () => new Uint8Array(32));
  await assert.rejects(v.rootFromInclusion(0n, 2n, new Uint8Array(32), long), /proof/);
});

test('consistency: every vector verifies; tampered ones fail', async () => {
  for (const c of rfc6962.consistency) {
    const s1 = BigInt(c.size1);
    const s2 = BigInt(c.size2);
    const proof = c.proof.map(hex);
    const r1 = hex(c.root1);
    const r2 = hex(c.root2);
    const label = `(${c.size1},${c.size2})`;
    assert.equal(await v.verifyConsistency(s1, s2, proof, r1, r2), true, label);
    for (let i = 0; i < proof.length; i++) {
      const bad = proof.map((p, j) => (j === i ? flip(p, 0, 0x80) : p));
      assert.equal(await v.verifyConsistency(s1, s2, bad, r1, r2), false, `flip ${label}`);
    }
    assert.equal(await v.verifyConsistency(s1, s2, proof, flip(r1), r2), false, label);
    assert.equal(await v.verifyConsistency(s1, s2, proof, r1, flip(r2)), false, label);
    if (s1 !== s2) {
      assert.equal(await v.verifyConsistency(s1, s2, proof, r2, r1), false, `swap ${label}`);
      assert.equal(await v.verifyConsistency(s1, s2 * 2n + 1n, proof, r1, r2), false, label);
      assert.equal(await v.verifyConsistency(s2, s1, proof, r2, r1), false, label);
      assert.equal(await v.verifyConsistency(s1, s2, [], r1, r2), false, `empty ${label}`);
    } else {
      assert.equal(await v.verifyConsistency(s1, s2, [r1], r1, r2), false, label);
    }
  }
  const r0 = hex(rfc6962.roots['0']);
  assert.equal(await v.verifyConsistency(0n, 3n, [], r0, hex(rfc6962.roots['3'])), true);
});

test('ed25519: RFC 8032 vectors verify; flipped signature, message or key fail', async () => {
  assert.ok(ed25519.vectors.length >= 5);
  for (const t of ed25519.vectors) {
    const pk = hex(t.public_key);
    const sig = hex(t.signature);
    const msg = hex(t.message);
    assert.equal(await v.verifyEd25519(pk, sig, msg), true, t.name);
    assert.equal(await v.verifyEd25519(pk, flip(sig, 3), msg), false, `${t.name} sig`);
    assert.equal(await v.verifyEd25519(pk, flip(sig, 40), msg), false, `${t.name} sig S`);
    if (msg.length > 0)
      assert.equal(await v.verifyEd25519(pk, sig, flip(msg)), false, `${t.name} msg`);
    assert.equal(await v.verifyEd25519(pk, sig, Uint8Array.of(...msg, 0)), false, t.name);
    const other = hex(ed25519.vectors.find((o) => o !== t).public_key);
    assert.equal(await v.verifyEd25519(other, sig, msg), false, `${t.name} key`);
    assert.equal(await v.verifyEd25519(pk, sig.slice(0, 63), msg), false, `${t.name} short`);
  }
});

// ---------------------------------------------------------------------------------------------
// Checkpoint notes and signed checkpoints

const ROOT8 = rfc6962.roots['8'];

test('note: parses the text checkpoint.c writes, with and without next-key', () => {
  const text = `sealdesk checkpoint v1\n8\n${ROOT8}\n1764000000\n`;
  const n = v.parseCheckpointNote(text);
  assert.equal(n.size, 8n);
  assert.equal(v.toHex(n.root), ROOT8);
  assert.equal(n.time, 1764000000n);
  assert.equal(n.nextKey, undefined);
  assert.equal(v.formatCheckpointNote(n), text);

  const pk = ed25519.vectors[0].public_key;
  const h = `sealdesk checkpoint v1\n18446744073709551615\n${ROOT8}\n0\nnext-key ${pk}\n`;
  const hn = v.parseCheckpointNote(h);
  assert.equal(hn.size, 18446744073709551615n);
  assert.equal(hn.time, 0n);
  assert.equal(v.toHex(hn.nextKey), pk);
  assert.equal(v.formatCheckpointNote(hn), h);
});

test('note: anything checkpoint.c would not write is refused', () => {
  const good = `sealdesk checkpoint v1\n8\n${ROOT8}\n1764000000\n`;
  const pk = ed25519.vectors[0].public_key;
  const bad = [
    good.slice(0, -1), // no final newline
    good.replace(/\n/g, '\r\n'), // CRLF
    good.replace('v1', 'v2'),
    good.replace('\n8\n', '\n08\n'), // leading zero
    good.replace('\n8\n', '\n+8\n'),
    good.replace('\n8\n', '\n18446744073709551616\n'), // over uint64
    good.replace(ROOT8, ROOT8.toUpperCase()),
    good.replace(ROOT8, ROOT8.slice(2)),
    good + 'extra\n',
    good + `next-key ${pk.toUpperCase()}\n`,
    good + `next-key  ${pk}\n`,
    good + `next-key ${pk}\nnext-key ${pk}\n`,
    `sealdesk checkpoint v1\n8\n${ROOT8}\n`,
    '',
  ];
  for (const b of bad) {
    assert.throws(() => v.parseCheckpointNote(b), (e) => e.code === 'bad_note', JSON.stringify(b));
  }
});

async function newKey() {
  const kp = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const pk = new Uint8Array(await crypto.subtle.exportKey('raw', kp.publicKey));
  return { priv: kp.privateKey, pk };
}

async function signed(key, { size, root, time = 1764000000n, next }) {
  const note = v.formatCheckpointNote({ size, root, time, ...(next ? { nextKey: next } : {}) });
  const sig = new Uint8Array(
    await crypto.subtle.sign({ name: 'Ed25519' }, key.priv, new TextEncoder().encode(note)),
  );
  return {
    treeSize: size,
    root,
    time,
    signature: sig,
    publicKey: key.pk,
    note,
    nextPublicKey: next ?? new Uint8Array(0),
  };
}

test('checkpoint: verifies by its key; tampered fields, note, signature or key fail', async () => {
  const k = await newKey();
  const other = await newKey();
  const cp = await signed(k, { size: 8n, root: hex(ROOT8) });
  const n = await v.verifyCheckpoint(cp, k.pk);
  assert.equal(n.size, 8n);
  const code = (c) => (e) => e instanceof v.VerifyError && e.code === c;
  await assert.rejects(v.verifyCheckpoint(cp, other.pk), code('wrong_key'));
  await assert.rejects(v.verifyCheckpoint({ ...cp, treeSize: 9n }, k.pk), code('note_mismatch'));
  await assert.rejects(v.verifyCheckpoint({ ...cp, time: 1n }, k.pk), code('note_mismatch'));
  await assert.rejects(v.verifyCheckpoint({ ...cp, root: flip(cp.root) }, k.pk), code('note_mismatch'));
  await assert.rejects(
    v.verifyCheckpoint({ ...cp, nextPublicKey: other.pk }, k.pk),
    code('note_mismatch'),
  );
  await assert.rejects(v.verifyCheckpoint({ ...cp, signature: flip(cp.signature, 9) }, k.pk), code('bad_signature'));
  // The note and its fields changed together: only the signature catches it.
  const root7 = hex(rfc6962.roots['7']);
  const forged = {
    ...cp,
    treeSize: 7n,
    root: root7,
    note: v.formatCheckpointNote({ size: 7n, root: root7, time: cp.time }),
  };
  await assert.rejects(v.verifyCheckpoint(forged, k.pk), code('bad_signature'));
  // Signed by another key that claims to be this one.
  const imposter = await signed(other, { size: 8n, root: hex(ROOT8) });
  await assert.rejects(v.verifyCheckpoint({ ...imposter, publicKey: k.pk }, k.pk), code('bad_signature'));
});

test('chain: hand-offs lead from the first key to the current one; a break fails', async () => {
  const k1 = await newKey();
  const k2 = await newKey();
  const k3 = await newKey();
  const h1 = await signed(k1, { size: 3n, root: hex(rfc6962.roots['3']), next: k2.pk });
  const h2 = await signed(k2, { size: 5n, root: hex(rfc6962.roots['5']), next: k3.pk });

  const none = await v.verifyKeyChain(k1.pk, []);
  assert.equal(v.toHex(none.current), v.toHex(k1.pk));
  const c = await v.verifyKeyChain(k1.pk, [h1, h2]);
  assert.deepEqual(c.keys.map(v.toHex), [k1.pk, k2.pk, k3.pk].map(v.toHex));
  assert.equal(v.toHex(c.current), v.toHex(k3.pk));

  const code = (cd) => (e) => e instanceof v.VerifyError && e.code === cd;
  await assert.rejects(v.verifyKeyChain(k1.pk, [h2]), code('bad_chain')); // skips a key
  await assert.rejects(v.verifyKeyChain(k2.pk, [h1, h2]), code('bad_chain')); // wrong first key
  await assert.rejects(v.verifyKeyChain(k1.pk, [h2, h1]), code('bad_chain')); // wrong order
  const plain = await signed(k1, { size: 3n, root: hex(rfc6962.roots['3']) });
  await assert.rejects(v.verifyKeyChain(k1.pk, [plain]), code('bad_chain')); // no next key
  const back = await signed(k2, { size: 2n, root: hex(rfc6962.roots['2']), next: k3.pk });
  await assert.rejects(v.verifyKeyChain(k1.pk, [h1, back]), code('bad_chain')); // size goes back
  const badSig = { ...h2, signature: flip(h2.signature, 1) };
  await assert.rejects(v.verifyKeyChain(k1.pk, [h1, badSig]), code('bad_signature'));
  // The hand-off names k3 in its field but the signed note says k2: caught.
  await assert.rejects(v.verifyKeyChain(k1.pk, [{ ...h1, nextPublicKey: k3.pk }]), code('note_mismatch'));
});

test('entry: leaf -> proof -> signed root -> current key; every tamper is named', async () => {
  const lh = await Promise.all(leaves.map(v.leafHash));
  const k1 = await newKey();
  const k2 = await newKey();
  const handoff = await signed(k1, { size: 5n, root: hex(rfc6962.roots['5']), next: k2.pk });
  const cp = await signed(k2, { size: 8n, root: hex(ROOT8) });
  const proofFor = async (i) => ({
    index: BigInt(i),
    treeSize: 8n,
    leafHash: lh[i],
    proof: await path(i, lh),
    root: hex(ROOT8),
  });
  for (let i = 0; i < 8; i++) {
    const r = await v.verifyEntry({
      index: BigInt(i),
      leaf: leaves[i],
      proof: await proofFor(i),
      checkpoint: cp,
      firstKey: k1.pk,
      handoffs: [handoff],
    });
    assert.equal(v.toHex(r.root), ROOT8);
    assert.equal(r.fingerprint, v.toHex(await v.sha256(k2.pk)));
    assert.equal(r.chain.length, 2);
  }
  const base = {
    index: 5n,
    leaf: leaves[5],
    proof: await proofFor(5),
    checkpoint: cp,
    firstKey: k1.pk,
    handoffs: [handoff],
  };
  const code = (c) => (e) => e instanceof v.VerifyError && e.code === c;
  const bp = base.proof;
  // One byte flipped inside a proof hash.
  const flipped = { ...bp, proof: bp.proof.map((p, j) => (j === 1 ? flip(p, 17) : p)) };
  await assert.rejects(v.verifyEntry({ ...base, proof: flipped }), (e) => e.code === 'proof_mismatch' && /does not match/.test(e.message));
  // The entry's bytes changed (and the server's leaf_hash with them, or not).
  await assert.rejects(v.verifyEntry({ ...base, leaf: flip(leaves[5]) }), code('proof_mismatch'));
  await assert.rejects(
    v.verifyEntry({ ...base, leaf: flip(leaves[5]), proof: { ...bp, leafHash: new Uint8Array(0) } }),
    code('proof_mismatch'),
  );
  // Wrong index: a proof for 4 offered for 5, or the right proof claimed at another index.
  await assert.rejects(v.verifyEntry({ ...base, proof: await proofFor(4) }), code('proof_mismatch'));
  await assert.rejects(v.verifyEntry({ ...base, index: 4n, proof: { ...bp, index: 4n } }), code('proof_mismatch'));
  // Wrong root: the server's own root field is not trusted; a checkpoint with another root is.
  await assert.rejects(v.verifyEntry({ ...base, proof: { ...bp, treeSize: 7n } }), code('proof_mismatch'));
  const cp7 = await signed(k2, { size: 8n, root: hex(rfc6962.roots['7']) });
  await assert.rejects(v.verifyEntry({ ...base, checkpoint: cp7 }), code('proof_mismatch'));
  // Wrong key: the fresh checkpoint signed by the retired key, or by a stranger.
  const old = await signed(k1, { size: 8n, root: hex(ROOT8) });
  await assert.rejects(v.verifyEntry({ ...base, checkpoint: old }), code('wrong_key'));
  const stranger = await newKey();
  await assert.rejects(v.verifyEntry({ ...base, firstKey: stranger.pk }), code('bad_chain'));
  await assert.rejects(
    v.verifyEntry({ ...base, checkpoint: { ...cp, signature: flip(cp.signature, 60) } }),
    code('bad_signature'),
  );
  // Without the hand-off the chain stops at k1, and k2's checkpoint is refused.
  await assert.rejects(v.verifyEntry({ ...base, handoffs: [] }), code('wrong_key'));
});
