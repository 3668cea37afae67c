// Remedy request on a ticket (Remedies.Request): kind, asset, amount, destination UID,
// justification, and for a third-party payout the reason another account is paid. The server
// checks every field and the two-person rule; this form only shows what it answers.
import { useState } from "preact/hooks";
import type { Remedy } from "../gen/remedies_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";

// Requestable kinds (freeze_review is opened by a freeze, not requested).
export const REMEDY_KINDS = ["compensation", "fee_refund", "manual_deposit_credit",
  "withdrawal_release", "account_unfreeze", "third_party_payout"];

export function RemedyForm(props: { ticketId: bigint; onDone: () => void }) {
  const { t } = useApp();
  const [kind, setKind] = useState(REMEDY_KINDS[0] ?? "compensation");
  const [asset, setAsset] = useState("");
  const [amount, setAmount] = useState("");
  const [toUid, setToUid] = useState("");
  const [justification, setJustification] = useState("");
  const [destReason, setDestReason] = useState("");
  const [error, setError] = useState("");
  const [done, setDone] = useState<Remedy | null>(null);
  const [busy, setBusy] = useState(false);
  const noAmount = kind === "account_unfreeze";
  const third = kind === "third_party_payout";

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    setDone(null);
    try {
      const r = await api.remedies.request({
        ticketId: props.ticketId,
        kind,
        asset: noAmount ? "" : asset.trim(),
        amount: noAmount ? "" : amount.trim(),
        toUid: toUid.trim(),
        justification: justification.trim(),
        destinationReason: third ? destReason.trim() : "",
      });
      setDone(r);
      setAmount("");
      setJustification("");
      setDestReason("");
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="stack remedy-form" onSubmit={submit} aria-labelledby="remedy-h">
      <h2 id="remedy-h">{t("agent.remedy.title")}</h2>
      <label for="remedy-kind">{t("agent.remedy.kind")}</label>
      <select id="remedy-kind" value={kind}
        onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}>
        {REMEDY_KINDS.map((k) => <option value={k}>{t(`agent.remedy.kind.${k}`)}</option>)}
      </select>
      {!noAmount && (
        <>
          <label for="remedy-asset">{t("agent.remedy.asset")}</label>
          <input id="remedy-asset" required maxLength={16} value={asset} autocomplete="off"
            onInput={(e) => setAsset((e.currentTarget as HTMLInputElement).value)} />
          <label for="remedy-amount">{t("agent.remedy.amount")}</label>
          <input id="remedy-amount" required maxLength={40} inputMode="decimal" value={amount}
            pattern="[0-9]+(\.[0-9]+)?" autocomplete="off"
            onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)} />
        </>
      )}
      <label for="remedy-to">{t("agent.remedy.toUid")}</label>
      <input id="remedy-to" required={third} maxLength={128} value={toUid} autocomplete="off"
        aria-describedby="remedy-to-hint"
        onInput={(e) => setToUid((e.currentTarget as HTMLInputElement).value)} />
      <p id="remedy-to-hint" class="muted">{t("agent.remedy.toUidHint")}</p>
      {third && (
        <>
          <label for="remedy-dest-reason">{t("agent.remedy.destReason")}</label>
          <input id="remedy-dest-reason" required maxLength={512} value={destReason}
            onInput={(e) => setDestReason((e.currentTarget as HTMLInputElement).value)} />
        </>
      )}
      <label for="remedy-just">{t("agent.remedy.justification")}</label>
      <textarea id="remedy-just" required maxLength={512} value={justification}
        onInput={(e) => setJustification((e.currentTarget as HTMLTextAreaElement).value)} />
      <button type="submit" disabled={busy}>{t("agent.remedy.submit")}</button>
      <p role="alert" class="error">{error}</p>
      <p role="status">
        {done
          ? t("agent.remedy.done", {
              id: String(done.id),
              state: done.state,
              n: done.approvalsNeeded,
            })
          : ""}
      </p>
    </form>
  );
}
