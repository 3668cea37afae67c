// "Unmask": a modal dialog asking for the reason (required, labelled), then Tickets.Get with
// unmask. The caller keeps the values in its own component state only (never in a store, a URL
// or Web Storage), so they vanish when the ticket view unmounts.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";

const MAX_REASON = 512; // SD_MAX_REASON

export function UnmaskDialog(props: {
  ticketId: bigint;
  open: boolean;
  onClose: () => void;
  onUnmasked: (pii: Record<string, string>) => void;
}) {
  const { t } = useApp();
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);

  async function submit(e: Event) {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t("agent.unmask.reasonRequired"));
      return;
    }
    setBusy(true);
    setError("");
    try {
      const r = await api.tickets.get({ id: props.ticketId, unmask: true, reason: reason.trim() });
      props.onUnmasked({ ...r.pii });
      setReason("");
      props.onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} class="unmask-dialog" aria-labelledby="unmask-h"
      onClose={() => props.onClose()}>
      <form onSubmit={submit} class="stack" method="dialog">
        <h2 id="unmask-h">{t("agent.unmask.title")}</h2>
        <p>{t("agent.unmask.explain")}</p>
        <label for="unmask-reason">{t("agent.unmask.reason")}</label>
        <textarea id="unmask-reason" required maxLength={MAX_REASON} value={reason}
          onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
        <p role="alert" class="error">{error}</p>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>{t("agent.unmask.confirm")}</button>
          <button type="button" onClick={() => props.onClose()}>{t("app.cancel")}</button>
        </div>
      </form>
    </dialog>
  );
}
