// Approvals inbox (maker-checker): pending and approved remedies with everything a checker must
// confirm, the destination in full only after the approver opens the item (Remedies.Review,
// audited server-side; cleared when they leave it), Approve, Reject (reason required), Execute
// for approved ones (one idempotency key per click), and the freeze reviews. The server enforces
// maker-checker; its refusal is shown as it is.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Remedy } from "../gen/remedies_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import "../i18n/supervisor";
import type { PageProps } from "./registry";

const FREEZE_KINDS = ["freeze_review", "account_unfreeze"];
const REASON_MAX = 500;

function approvalsText(r: Remedy): string {
  return `${r.approvals.length}/${r.quorum}`;
}

export function ApprovalsPage(_props: PageProps) {
  const { t, fmtTime, inbox, refreshInbox, announce, me } = useApp();
  const [items, setItems] = useState<Remedy[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [listError, setListError] = useState("");
  const [open, setOpen] = useState<bigint | null>(null);

  const load = useCallback(async () => {
    try {
      const [p, a] = await Promise.all([
        api.remedies.list({ state: "pending" }),
        api.remedies.list({ state: "approved" }),
      ]);
      setItems([...p.remedies, ...a.remedies].sort((x, y) => (x.id < y.id ? -1 : 1)));
      setListError("");
    } catch (e) {
      setListError(errorText(e));
    } finally {
      setLoaded(true);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load, inbox.approvals.length]);

  const money = items.filter((r) => !FREEZE_KINDS.includes(r.kind));
  const freezes = items.filter((r) => FREEZE_KINDS.includes(r.kind));
  const current = items.find((r) => r.id === open) ?? null;

  function table(list: Remedy[], caption: string) {
    return (
      <table class="appr-table">
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("appr.id")}</th>
            <th scope="col">{t("appr.kind")}</th>
            <th scope="col">{t("appr.amount")}</th>
            <th scope="col">{t("appr.approvals")}</th>
            <th scope="col">{t("appr.requester")}</th>
            <th scope="col">{t("appr.ticket")}</th>
            <th scope="col">{t("appr.state")}</th>
            <th scope="col"><span class="sr-only">{t("appr.open")}</span></th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr class={r.id === open ? "selected" : undefined} data-remedy={String(r.id)}>
              <td>
                {String(r.id)}
                {inbox.approvals.includes(r.id) && (
                  <span class="badge" title={t("appr.waitingForMe")}>
                    <span class="sr-only">{t("appr.waitingForMe")}</span>!
                  </span>
                )}
              </td>
              <td>{t(`rk.${r.kind}`)}</td>
              <td>{r.amount ? `${r.amount} ${r.asset}` : "—"}</td>
              <td>{approvalsText(r)}</td>
              <td>{r.requester}</td>
              <td>{r.ticketId > 0n ? <a href={`#/ticket/${r.ticketId}`}>#{String(r.ticketId)}</a> : "—"}</td>
              <td>{t(`rs.${r.state}`)}</td>
              <td>
                <button type="button" onClick={() => setOpen(r.id === open ? null : r.id)}
                  aria-expanded={r.id === open}
                  aria-label={t(r.id === open ? "appr.closeN" : "appr.openN", { id: String(r.id) })}>
                  {t(r.id === open ? "app.close" : "appr.open")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }

  return (
    <section aria-labelledby="appr-h" class="appr">
      <h1 id="appr-h">{t("nav.approvals")}</h1>
      <p class="muted">{t("appr.intro", { n: String(inbox.approvals.length) })}</p>
      <p role="alert" class="error">{listError && t("app.error", { msg: listError })}</p>
      <div class="toolbar">
        <button type="button" onClick={() => void load()}>{t("sup.refresh")}</button>
      </div>
      {loaded && (
        <>
          <h2>{t("appr.remedies")}</h2>
          {money.length === 0 ? <p>{t("appr.none")}</p> : table(money, t("appr.remedies"))}
          <h2>{t("appr.freezes")}</h2>
          {freezes.length === 0 ? <p>{t("appr.none")}</p> : table(freezes, t("appr.freezes"))}
        </>
      )}
      {current && (
        <RemedyDetail
          key={String(current.id)}
          remedy={current}
          self={me.user}
          fmtTime={fmtTime}
          onChanged={(r, msg) => {
            setItems((l) => l.map((x) => (x.id === r.id ? r : x)));
            announce(msg);
            refreshInbox();
          }}
          onClose={() => setOpen(null)}
        />
      )}
    </section>
  );
}

function RemedyDetail(p: {
  remedy: Remedy;
  self: string;
  fmtTime: (s: string) => string;
  onChanged: (r: Remedy, msg: string) => void;
  onClose: () => void;
}) {
  const { t } = useApp();
  const r = p.remedy;
  const [review, setReview] = useState<Remedy | null>(null);
  const [reviewError, setReviewError] = useState("");
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [reason, setReason] = useState("");
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // Opening the item asks for the destination (audited); leaving it forgets it.
  useEffect(() => {
    let live = true;
    heading.current?.focus();
    api.remedies
      .review({ id: r.id })
      .then((v) => live && setReview(v))
      .catch((e: unknown) => live && setReviewError(errorText(e)));
    return () => {
      live = false;
      setReview(null);
    };
  }, [r.id]);

  async function act(what: "approve" | "reject" | "execute") {
    setError("");
    setStatus("");
    setBusy(true);
    try {
      let out: Remedy;
      if (what === "approve") out = await api.remedies.approve({ id: r.id });
      else if (what === "reject") out = await api.remedies.reject({ id: r.id, reason: reason.trim() });
      else out = await api.remedies.execute({ id: r.id, idempotencyKey: crypto.randomUUID() });
      const msg = t(`appr.done.${what}`, { id: String(r.id), state: t(`rs.${out.state}`) });
      setStatus(msg);
      setRejecting(false);
      setReason("");
      p.onChanged(out, msg);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const mine = r.requester === p.self;
  return (
    <section class="card appr-detail" aria-labelledby="appr-detail-h">
      <h2 id="appr-detail-h" tabIndex={-1} ref={heading}>
        {t("appr.detail", { id: String(r.id) })}
      </h2>
      <dl class="appr-dl">
        <dt>{t("appr.kind")}</dt>
        <dd>{t(`rk.${r.kind}`)}</dd>
        <dt>{t("appr.asset")}</dt>
        <dd>{r.asset || "—"}</dd>
        <dt>{t("appr.amountOnly")}</dt>
        <dd>{r.amount || "—"}</dd>
        <dt>{t("appr.usdt")}</dt>
        <dd data-field="usdt">{r.amountUsdt || t("appr.usdtNone")}</dd>
        <dt>{t("appr.quorum")}</dt>
        <dd>{t("appr.quorumText", { q: String(r.quorum), n: String(r.approvalsNeeded) })}</dd>
        <dt>{t("appr.approvedBy")}</dt>
        <dd>
          {r.approvals.length === 0
            ? t("app.none")
            : r.approvals.map((a) => `${a.user} (${p.fmtTime(a.at)})`).join(", ")}
        </dd>
        <dt>{t("appr.requester")}</dt>
        <dd>{r.requester}{mine && ` (${t("appr.you")})`}</dd>
        <dt>{t("appr.justification")}</dt>
        <dd class="sup-prewrap">{r.justification}</dd>
        <dt>{t("appr.ticket")}</dt>
        <dd>{r.ticketId > 0n ? <a href={`#/ticket/${r.ticketId}`}>#{String(r.ticketId)}</a> : "—"}</dd>
        <dt>{t("appr.created")}</dt>
        <dd>{p.fmtTime(r.createdAt)}</dd>
        <dt>{t("appr.expires")}</dt>
        <dd>{r.expiresAt ? p.fmtTime(r.expiresAt) : t("appr.never")}</dd>
        <dt>{t("appr.destination")}</dt>
        <dd>
          {review ? (
            <>
              <span class="sup-mono" data-field="destination">{review.toUidUnmasked || "—"}</span>
              {" "}
              {review.destinationIsCustomer ? (
                <span class="ok">{t("appr.destCustomer")}</span>
              ) : (
                <span class="overdue">
                  {t("appr.destOther", { uid: review.customerUid || "—" })}
                </span>
              )}
            </>
          ) : (
            <>
              <span class="sup-mono">{r.toUid || "—"}</span>{" "}
              <span class="muted">
                {reviewError ? t("appr.reviewRefused", { msg: reviewError }) : t("app.loading")}
              </span>
            </>
          )}
        </dd>
        {r.destinationReason && (
          <>
            <dt>{t("appr.destReason")}</dt>
            <dd>{r.destinationReason}</dd>
          </>
        )}
      </dl>
      <div class="toolbar">
        {r.state === "pending" && (
          <>
            <button type="button" class="primary" disabled={busy} onClick={() => void act("approve")}>
              {t("appr.approve")}
            </button>
            <button type="button" disabled={busy} onClick={() => setRejecting(!rejecting)}
              aria-expanded={rejecting}>
              {t("appr.reject")}
            </button>
          </>
        )}
        {r.state === "approved" && r.kind !== "freeze_review" && (
          <button type="button" class="danger" disabled={busy} onClick={() => void act("execute")}>
            {t("appr.execute")}
          </button>
        )}
        <button type="button" onClick={p.onClose}>{t("app.close")}</button>
      </div>
      {rejecting && (
        <form class="stack" onSubmit={(e) => {
          e.preventDefault();
          if (!reason.trim()) {
            setError(t("appr.reasonRequired"));
            return;
          }
          void act("reject");
        }}>
          <label for="appr-reason">{t("appr.rejectReason")}</label>
          <textarea id="appr-reason" required maxLength={REASON_MAX} value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
          <button type="submit" class="danger" disabled={busy}>{t("appr.confirmReject")}</button>
        </form>
      )}
      <p role="alert" class="error" data-field="refusal">{error}</p>
      <p role="status" class="ok">{status}</p>
    </section>
  );
}
