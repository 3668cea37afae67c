// One "Verify" click of the audit view: fetch what the proof needs from the server and check it
// in this browser (verify.ts). The server is trusted for nothing but the first audit key, whose
// fingerprint the page shows so the officer compares it with the one they hold.
//
//   Audit.GetCheckpoint{fresh:true}   a checkpoint of the tree now, signed by the current key
//   Audit.GetPublicKey                the first audit key (the chain's anchor)
//   Audit.Checkpoints                 the key hand-offs, first key to current
//   Audit.GetInclusionProof           entry `index` in the tree of the checkpoint's size
import type { Client } from "@connectrpc/connect";
import type { Audit } from "../gen/sealdesk_pb";
import { type EntryVerification, verifyEntry, VerifyError } from "./verify";

export type CheckOutcome =
  | { ok: true; result: EntryVerification }
  | { ok: false; reason: FailReason; detail: string };

/* i18n keys of the failures the page names (audit.fail.<reason>). */
export type FailReason = "proof" | "signature" | "chain" | "note" | "input" | "server";

function reasonOf(e: VerifyError): FailReason {
  switch (e.code) {
    case "proof_mismatch":
      return "proof";
    case "bad_signature":
    case "wrong_key":
      return "signature";
    case "bad_chain":
      return "chain";
    case "bad_note":
    case "note_mismatch":
      return "note";
    default:
      return "input";
  }
}

export async function checkEntry(
  audit: Client<typeof Audit>,
  index: bigint,
  leaf: Uint8Array,
): Promise<CheckOutcome> {
  let got;
  try {
    const checkpoint = await audit.getCheckpoint({ fresh: true });
    const [keys, handoffs, proof] = await Promise.all([
      audit.getPublicKey({}),
      audit.checkpoints({}),
      audit.getInclusionProof({ index, treeSize: checkpoint.treeSize }),
    ]);
    got = { checkpoint, keys, handoffs, proof };
  } catch (e) {
    return { ok: false, reason: "server", detail: e instanceof Error ? e.message : String(e) };
  }
  const firstKey = got.keys.firstPublicKey.length ? got.keys.firstPublicKey : got.keys.publicKey;
  try {
    const result = await verifyEntry({
      index,
      leaf,
      proof: got.proof,
      checkpoint: got.checkpoint,
      firstKey,
      handoffs: got.handoffs.checkpoints,
    });
    return { ok: true, result };
  } catch (e) {
    if (e instanceof VerifyError) return { ok: false, reason: reasonOf(e), detail: e.message };
    return { ok: false, reason: "input", detail: e instanceof Error ? e.message : String(e) };
  }
}
