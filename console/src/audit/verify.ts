// In-browser verification of the audit log's proofs. Pure TypeScript over WebCrypto only (no
// other dependency), so the compliance officer's browser checks what the server claims:
//
//   leaf bytes (AuditRecord.leaf) -> RFC 6962 leaf hash -> inclusion proof (RFC 9162 §2.1.3.2)
//   -> root -> the root in the signed checkpoint note -> Ed25519 signature by the audit key
//   -> that key reached from the first audit key through the hand-off checkpoints.
//
// The checkpoint note is the exact text src/audit/checkpoint.c signs:
//
//   sealdesk checkpoint v1\n
//   <tree size, decimal>\n
//   <root, lower-case hex>\n
//   <time, Unix seconds, decimal>\n
//   next-key <next public key, lower-case hex>\n     (key hand-off checkpoints only)
//
// Sizes and indices are bigint (protobuf uint64 in @bufbuild/protobuf v2). Every function that
// checks something returns a result or throws VerifyError with a stable `code`; nothing here
// touches the DOM or the network.

export const HASH_BYTES = 32;
export const ED25519_PK_BYTES = 32;
export const ED25519_SIG_BYTES = 64;
/** Longest proof a tree of 2^64 leaves can need; anything longer is refused unread. */
export const MAX_PROOF_HASHES = 64;
/** Longest note checkpoint.c writes (header, 20-digit size and time, root, next-key line). */
export const MAX_NOTE_CHARS = 256;
const U64_MAX = (1n << 64n) - 1n;

export type VerifyCode =
  | 'bad_input' // a field has the wrong length or range
  | 'proof_mismatch' // the proof does not lead from the leaf (or old root) to the root
  | 'bad_note' // the checkpoint note is not the text checkpoint.c writes
  | 'note_mismatch' // the note and the checkpoint's fields disagree
  | 'bad_signature' // the Ed25519 signature does not verify
  | 'wrong_key' // signed by a key other than the one the chain leads to
  | 'bad_chain'; // the hand-off checkpoints do not chain from the first key

export class VerifyError extends Error {
  readonly code: VerifyCode;
  constructor(code: VerifyCode, message: string) {
    super(message);
    this.name = 'VerifyError';
    this.code = code;
  }
}

function fail(code: VerifyCode, message: string): never {
  throw new VerifyError(code, message);
}

// ---------------------------------------------------------------------------------------------
// Bytes

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Lower- or upper-case hex to bytes; throws bad_input naming `field` otherwise. */
export function fromHex(s: string, field = 'hex'): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) fail('bad_input', `${field}: not hex`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Equality of two byte strings without an early exit (the values are public, but cheap). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return d === 0;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function checkHash(h: Uint8Array, field: string): void {
  if (h.length !== HASH_BYTES) fail('bad_input', `${field}: must be ${HASH_BYTES} bytes`);
}

function checkU64(v: bigint, field: string): void {
  if (v < 0n || v > U64_MAX) fail('bad_input', `${field}: out of range`);
}

// ---------------------------------------------------------------------------------------------
// RFC 6962 hashing

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  // A fresh copy: WebCrypto wants an ArrayBuffer-backed view, and the caller's may be shared.
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(data)));
}

/** RFC 6962 leaf hash: SHA-256(0x00 || leaf). */
export async function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(Uint8Array.of(0), leaf));
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
export async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(Uint8Array.of(1), left, right));
}

// ---------------------------------------------------------------------------------------------
// Inclusion (RFC 9162 §2.1.3.2)

/** The root an inclusion proof leads to from `leaf` (a leaf hash) at `index` in a tree of
 *  `size` leaves; throws proof_mismatch when the proof has the wrong shape for that position. */
export async function rootFromInclusion(
  index: bigint,
  size: bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Uint8Array> {
  checkU64(index, 'index');
  checkU64(size, 'tree_size');
  checkHash(leaf, 'leaf_hash');
  if (proof.length > MAX_PROOF_HASHES) fail('bad_input', 'proof: too many hashes');
  proof.forEach((p, i) => checkHash(p, `proof[${i}]`));
  if (index >= size) fail('proof_mismatch', 'index is not below tree_size');
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) fail('proof_mismatch', 'proof is longer than the path');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) fail('proof_mismatch', 'proof is shorter than the path');
  return r;
}

/** True when `proof` shows leaf hash `leaf` at `index` in the tree of `size` with `root`. */
export async function verifyInclusion(
  index: bigint,
  size: bigint,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  checkHash(root, 'root');
  try {
    return bytesEqual(await rootFromInclusion(index, size, leaf, proof), root);
  } catch (e) {
    if (e instanceof VerifyError && e.code === 'proof_mismatch') return false;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Consistency (RFC 9162 §2.1.4.2)

/** True when `proof` shows the tree of `size1` with `root1` is a prefix of the tree of `size2`
 *  with `root2`. Equal sizes need an empty proof and equal roots; size1 = 0 an empty proof. */
export async function verifyConsistency(
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<boolean> {
  checkU64(size1, 'from_size');
  checkU64(size2, 'to_size');
  checkHash(root1, 'from_root');
  checkHash(root2, 'to_root');
  if (proof.length > MAX_PROOF_HASHES) fail('bad_input', 'proof: too many hashes');
  proof.forEach((p, i) => checkHash(p, `proof[${i}]`));
  if (size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (size1 === 0n) return proof.length === 0;
  if (proof.length === 0) return false;

  // 1. When size1 is a power of two, its root is the first node of the path.
  const path = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : [...proof];
  // 2-3.
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // 4.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // 5.
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 6.
  return sn === 0n && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}

// ---------------------------------------------------------------------------------------------
// Checkpoint notes

export interface CheckpointNote {
  size: bigint;
  root: Uint8Array;
  time: bigint;
  /** Only on key hand-off checkpoints: the next audit public key. */
  nextKey?: Uint8Array;
}

const NOTE_HEADER = 'sealdesk checkpoint v1';
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/; // as printf("%" PRIu64) writes it: no sign, no padding
const HEX64 = /^[0-9a-f]{64}$/; // sd_hex_encode writes lower case

function parseU64(s: string, field: string): bigint {
  if (!DECIMAL.test(s)) fail('bad_note', `note: ${field} is not a decimal number`);
  const v = BigInt(s);
  if (v > U64_MAX) fail('bad_note', `note: ${field} is out of range`);
  return v;
}

/** Parses a note exactly as checkpoint.c writes it; anything else (a missing or extra line,
 *  upper-case hex, leading zeros, CR) throws bad_note. */
export function parseCheckpointNote(text: string): CheckpointNote {
  if (text.length > MAX_NOTE_CHARS) fail('bad_note', 'note: too long');
  if (!text.endsWith('\n')) fail('bad_note', 'note: must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== 4 && lines.length !== 5) fail('bad_note', 'note: wrong number of lines');
  const [header, size, root, time, next] = lines as [string, string, string, string, string?];
  if (header !== NOTE_HEADER) fail('bad_note', 'note: unknown header');
  const out: CheckpointNote = {
    size: parseU64(size, 'tree size'),
    root: HEX64.test(root) ? fromHex(root) : fail('bad_note', 'note: root is not 64 hex digits'),
    time: parseU64(time, 'time'),
  };
  if (next !== undefined) {
    const m = /^next-key ([0-9a-f]{64})$/.exec(next);
    if (!m || m[1] === undefined) fail('bad_note', 'note: bad next-key line');
    out.nextKey = fromHex(m[1]);
  }
  return out;
}

/** The note text for `n`, byte for byte what checkpoint.c signs. */
export function formatCheckpointNote(n: CheckpointNote): string {
  checkU64(n.size, 'tree_size');
  checkU64(n.time, 'time');
  checkHash(n.root, 'root');
  let s = `${NOTE_HEADER}\n${n.size}\n${toHex(n.root)}\n${n.time}\n`;
  if (n.nextKey !== undefined) {
    if (n.nextKey.length !== ED25519_PK_BYTES) fail('bad_input', 'next_public_key: 32 bytes');
    s += `next-key ${toHex(n.nextKey)}\n`;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Ed25519

/** True when `sig` is a valid Ed25519 signature by `publicKey` over `message`. */
export async function verifyEd25519(
  publicKey: Uint8Array,
  sig: Uint8Array,
  message: Uint8Array,
): Promise<boolean> {
  if (publicKey.length !== ED25519_PK_BYTES) fail('bad_input', 'public_key: must be 32 bytes');
  if (sig.length !== ED25519_SIG_BYTES) return false;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(publicKey),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
  } catch {
    return false; // not a point on the curve
  }
  return crypto.subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(sig), new Uint8Array(message));
}

/** The key fingerprint `sealkey status` shows: SHA-256 of the public key, lower-case hex. */
export async function keyFingerprint(publicKey: Uint8Array): Promise<string> {
  return toHex(await sha256(publicKey));
}

// ---------------------------------------------------------------------------------------------
// Signed checkpoints and the key chain

/** The fields of sealdesk.v1.SignedCheckpoint the checks need (the generated type fits). */
export interface SignedCheckpointLike {
  treeSize: bigint;
  root: Uint8Array;
  time: bigint;
  signature: Uint8Array;
  publicKey: Uint8Array;
  note: string;
  nextPublicKey?: Uint8Array;
}

/** Checks one signed checkpoint against the key `key`: it names that key, its note parses,
 *  agrees with its fields, and the signature over the note verifies. Returns the parsed note. */
export async function verifyCheckpoint(
  cp: SignedCheckpointLike,
  key: Uint8Array,
): Promise<CheckpointNote> {
  const note = parseCheckpointNote(cp.note);
  if (note.size !== cp.treeSize) fail('note_mismatch', 'note: tree size differs from tree_size');
  if (note.time !== cp.time) fail('note_mismatch', 'note: time differs from time');
  if (!bytesEqual(note.root, cp.root)) fail('note_mismatch', 'note: root differs from root');
  const next = cp.nextPublicKey ?? new Uint8Array(0);
  if (note.nextKey === undefined ? next.length !== 0 : !bytesEqual(note.nextKey, next))
    fail('note_mismatch', 'note: next-key differs from next_public_key');
  if (!bytesEqual(cp.publicKey, key)) fail('wrong_key', 'checkpoint is not signed by the expected key');
  const msg = new TextEncoder().encode(cp.note);
  if (!(await verifyEd25519(key, cp.signature, msg))) fail('bad_signature', 'bad signature');
  return note;
}

export interface ChainResult {
  /** Every audit key in order, first to current. */
  keys: Uint8Array[];
  /** The key that signs checkpoints now: the last hand-off's next key (or the first key). */
  current: Uint8Array;
}

/** Walks Audit.Checkpoints (hand-offs, oldest first) from `firstKey`: each hand-off must be
 *  signed by the key the previous one named as next (the first by `firstKey`), carry a next
 *  key, and not go back in tree size. Throws bad_chain (or the checkpoint's own error). */
export async function verifyKeyChain(
  firstKey: Uint8Array,
  handoffs: readonly SignedCheckpointLike[],
): Promise<ChainResult> {
  if (firstKey.length !== ED25519_PK_BYTES) fail('bad_input', 'first_public_key: must be 32 bytes');
  const keys = [firstKey];
  let key = firstKey;
  let size = 0n;
  for (const [i, cp] of handoffs.entries()) {
    if (!bytesEqual(cp.publicKey, key))
      fail('bad_chain', `checkpoint ${i}: not signed by the key the chain leads to`);
    let note: CheckpointNote;
    try {
      note = await verifyCheckpoint(cp, key);
    } catch (e) {
      if (e instanceof VerifyError) fail(e.code, `checkpoint ${i}: ${e.message}`);
      throw e;
    }
    if (note.nextKey === undefined) fail('bad_chain', `checkpoint ${i}: not a key hand-off`);
    if (note.size < size) fail('bad_chain', `checkpoint ${i}: tree size goes back`);
    size = note.size;
    key = note.nextKey;
    keys.push(key);
  }
  return { keys, current: key };
}

// ---------------------------------------------------------------------------------------------
// The whole check for one audit entry

export interface InclusionProofLike {
  index: bigint;
  treeSize: bigint;
  leafHash: Uint8Array;
  proof: Uint8Array[];
  root: Uint8Array;
}

export interface EntryVerification {
  index: bigint;
  treeSize: bigint;
  root: Uint8Array;
  /** Fingerprint of the key that signed the checkpoint. */
  fingerprint: string;
  /** Fingerprints of the chain, first key to current. */
  chain: string[];
}

/** Checks audit entry `leaf` (AuditRecord.leaf) at `index`: its leaf hash, the inclusion proof
 *  up to the root of the signed checkpoint `cp` (fresh, from Audit.GetCheckpoint), the note's
 *  root, and the signature by the current audit key reached from `firstKey` through
 *  `handoffs`. Nothing the server says is trusted beyond `firstKey`: the proof's own leaf_hash
 *  and root are compared, not used. Throws VerifyError. */
export async function verifyEntry(args: {
  index: bigint;
  leaf: Uint8Array;
  proof: InclusionProofLike;
  checkpoint: SignedCheckpointLike;
  firstKey: Uint8Array;
  handoffs: readonly SignedCheckpointLike[];
}): Promise<EntryVerification> {
  const { index, leaf, proof, checkpoint: cp } = args;
  const chain = await verifyKeyChain(args.firstKey, args.handoffs);
  const note = await verifyCheckpoint(cp, chain.current);
  if (proof.index !== index) fail('proof_mismatch', 'proof is for another index');
  if (proof.treeSize !== note.size) fail('proof_mismatch', 'proof is for another tree size');
  const lh = await leafHash(leaf);
  if (proof.leafHash.length !== 0 && !bytesEqual(proof.leafHash, lh))
    fail('proof_mismatch', 'leaf hash differs from the entry');
  const root = await rootFromInclusion(index, note.size, lh, proof.proof);
  if (!bytesEqual(root, note.root)) fail('proof_mismatch', 'proof does not match');
  return {
    index,
    treeSize: note.size,
    root,
    fingerprint: await keyFingerprint(chain.current),
    chain: await Promise.all(chain.keys.map(keyFingerprint)),
  };
}
