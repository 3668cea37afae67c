// Compliance / auditor view of the audit log: search (Audit.Search, times entered and shown in
// the user's zone, paging with next/more), per entry "Verify" (the inclusion proof, the signed
// checkpoint and the audit key chain checked in this browser: src/audit/), and export
// (Audit.Export stream -> a downloaded file for sealaudit).
import { useRef, useState } from "preact/hooks";
import { checkEntry, type CheckOutcome } from "../audit/check";
import { localToUtc } from "../audit/time";
import type { AuditRecord } from "../gen/sealdesk_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import "../i18n/audit";
import type { PageProps } from "./registry";

const PAGE_SIZE = 100;
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;
const MAX_TEXT = 128;

interface Query {
  actor: string;
  ticket: string;
  kind: string;
  since: string; // datetime-local, in the user's zone
  until: string;
}

const EMPTY: Query = { actor: "", ticket: "", kind: "", since: "", until: "" };

interface Page {
  from: bigint;
  entries: AuditRecord[];
  next: bigint;
  more: boolean;
}

export function AuditPage(_props: PageProps) {
  const app = useApp();
  const { t } = app;
  const tz = app.me.timeZone || "UTC";
  const [q, setQ] = useState<Query>(EMPTY);
  const [page, setPage] = useState<Page | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [checks, setChecks] = useState<Map<bigint, CheckOutcome | "busy">>(new Map());
  const [detail, setDetail] = useState<{ index: bigint; outcome: CheckOutcome } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportMsg, setExportMsg] = useState("");
  const searched = useRef<Query>(EMPTY);

  async function load(query: Query, from: bigint) {
    setError("");
    let ticket = 0n;
    let since = "";
    let until = "";
    try {
      if (query.ticket.trim() !== "") {
        if (!/^[0-9]{1,19}$/.test(query.ticket.trim())) throw new Error(t("audit.badTicket"));
        ticket = BigInt(query.ticket.trim());
      }
      since = localToUtc(query.since, app.me.timeZone, "since");
      until = localToUtc(query.until, app.me.timeZone, "until");
    } catch (e) {
      setError(errorText(e));
      return;
    }
    setBusy(true);
    try {
      const r = await api.audit.search({
        actor: query.actor.trim(),
        ticket,
        kind: query.kind.trim(),
        since,
        until,
        limit: PAGE_SIZE,
        from,
      });
      searched.current = query;
      setPage({ from, entries: r.entries, next: r.next, more: r.more });
      setChecks(new Map());
      setDetail(null);
      setStatus(t("audit.count", { n: r.entries.length, from: String(from) }));
    } catch (e) {
      setError(t("app.error", { msg: errorText(e) }));
    } finally {
      setBusy(false);
    }
  }

  async function verify(rec: AuditRecord) {
    setChecks((m) => new Map(m).set(rec.index, "busy"));
    setStatus(t("audit.verifying", { index: String(rec.index) }));
    const outcome = await checkEntry(api.audit, rec.index, rec.leaf);
    setChecks((m) => new Map(m).set(rec.index, outcome));
    setDetail({ index: rec.index, outcome });
    if (outcome.ok) {
      setStatus(t("audit.verified", {
        index: String(rec.index),
        size: String(outcome.result.treeSize),
      }));
    } else {
      setStatus(t("audit.failed", {
        index: String(rec.index),
        why: t(`audit.fail.${outcome.reason}`),
      }));
    }
  }

  async function exportLog() {
    setExporting(true);
    setExportMsg(t("audit.exporting"));
    const parts: BlobPart[] = [];
    let total = 0;
    try {
      for await (const chunk of api.audit.export({ from: 0n })) {
        total += chunk.data.length;
        if (total > MAX_EXPORT_BYTES) {
          setExportMsg(t("audit.exportTooBig"));
          return;
        }
        parts.push(new Uint8Array(chunk.data));
      }
      const file = `sealdesk-audit-${new Date().toISOString().slice(0, 10)}.log`;
      const url = URL.createObjectURL(new Blob(parts, { type: "application/octet-stream" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = file;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setExportMsg(t("audit.exported", { bytes: total, file }));
    } catch (e) {
      setExportMsg(t("app.error", { msg: errorText(e) }));
    } finally {
      setExporting(false);
    }
  }

  const field = (k: keyof Query) => ({
    value: q[k],
    onInput: (e: Event) => setQ({ ...q, [k]: (e.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section aria-labelledby="audit-h">
      <h1 id="audit-h">{t("audit.title")}</h1>
      <form
        class="toolbar"
        aria-label={t("audit.filters")}
        onSubmit={(e) => {
          e.preventDefault();
          void load(q, 0n);
        }}
      >
        <label>
          {t("audit.actor")}
          <input name="actor" maxLength={64} autocomplete="off" {...field("actor")} />
        </label>
        <label>
          {t("audit.ticket")}
          <input name="ticket" inputMode="numeric" maxLength={19} autocomplete="off" {...field("ticket")} />
        </label>
        <label>
          {t("audit.kind")}
          <input name="kind" maxLength={MAX_TEXT} autocomplete="off" title={t("audit.kindHint")}
            placeholder="ticket.*" {...field("kind")} />
        </label>
        <label>
          {t("audit.since", { tz })}
          <input name="since" type="datetime-local" {...field("since")} />
        </label>
        <label>
          {t("audit.until", { tz })}
          <input name="until" type="datetime-local" {...field("until")} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("audit.searching") : t("audit.search")}
        </button>
        <button type="button" disabled={exporting} onClick={() => void exportLog()}>
          {t("audit.export")}
        </button>
      </form>
      <p class="error" role="alert">{error}</p>
      <p role="status" aria-live="polite" id="audit-status">{status}</p>
      <p role="status" aria-live="polite">{exportMsg}</p>
      {page && (
        <>
          {page.entries.length === 0 ? (
            <p>{t("audit.noEntries")}</p>
          ) : (
            <table aria-label={t("audit.results")}>
              <thead>
                <tr>
                  <th scope="col">{t("audit.index")}</th>
                  <th scope="col">{t("audit.time")}</th>
                  <th scope="col">{t("audit.actor")}</th>
                  <th scope="col">{t("audit.action")}</th>
                  <th scope="col">{t("audit.target")}</th>
                  <th scope="col">{t("audit.reason")}</th>
                  <th scope="col">{t("audit.proof")}</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((r) => {
                  const c = checks.get(r.index);
                  return (
                    <tr key={String(r.index)}>
                      <td>{String(r.index)}</td>
                      <td><time dateTime={r.time}>{app.fmtTime(r.time)}</time></td>
                      <td>{r.actor}</td>
                      <td><code>{r.action}</code></td>
                      <td>{r.target}</td>
                      <td>{r.reason}</td>
                      <td>
                        <button type="button" disabled={c === "busy"}
                          aria-label={t("audit.verifyEntry", { index: String(r.index) })}
                          onClick={() => void verify(r)}>
                          {t("audit.verify")}
                        </button>{" "}
                        {c && c !== "busy" && (
                          <span class={c.ok ? "ok" : "error"}>
                            {c.ok ? t("audit.verifiedShort") : t("audit.failedShort")}
                          </span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <div class="toolbar">
            {page.from > 0n && (
              <button type="button" disabled={busy} onClick={() => void load(searched.current, 0n)}>
                {t("audit.first")}
              </button>
            )}
            {page.more && (
              <button type="button" disabled={busy}
                onClick={() => void load(searched.current, page.next)}>
                {t("audit.next")}
              </button>
            )}
            {page.more && <span class="muted">{t("audit.moreHint")}</span>}
          </div>
        </>
      )}
      {detail && <ProofDetail index={detail.index} outcome={detail.outcome} />}
    </section>
  );
}

function ProofDetail(props: { index: bigint; outcome: CheckOutcome }) {
  const { t } = useApp();
  const o = props.outcome;
  if (!o.ok) {
    return (
      <div class="card" aria-labelledby="proof-h">
        <h2 id="proof-h" class="error">
          {t("audit.failed", { index: String(props.index), why: t(`audit.fail.${o.reason}`) })}
        </h2>
        <p class="muted"><code>{o.detail}</code></p>
      </div>
    );
  }
  const r = o.result;
  const hex = Array.from(r.root, (b) => b.toString(16).padStart(2, "0")).join("");
  return (
    <div class="card" aria-labelledby="proof-h">
      <h2 id="proof-h" class="ok">
        {t("audit.verified", { index: String(props.index), size: String(r.treeSize) })}
      </h2>
      <dl>
        <dt>{t("audit.root")}</dt>
        <dd><code>{hex}</code></dd>
        <dt>{t("audit.key")}</dt>
        <dd><code>{r.fingerprint}</code></dd>
        <dt>{t("audit.chain")}</dt>
        <dd>
          {r.chain.length === 1 ? (
            <span>{t("audit.chainOne")}</span>
          ) : (
            <ol>{r.chain.map((f) => <li><code>{f}</code></li>)}</ol>
          )}
          <p class="muted">{t("audit.compareKey")}</p>
        </dd>
      </dl>
    </div>
  );
}
