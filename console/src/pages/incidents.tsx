// Incidents: list (open / resolved / all), open a new one, and on the selected incident link a
// ticket, confirm or unlink a suggested link, post one update to every linked ticket, resolve
// (optionally resolving the linked tickets). proto/desk.proto Incidents.
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Incident } from "../gen/desk_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import { enumText } from "../lib/format";
import { CATEGORIES, parseId } from "../supervisor/util";
import "../i18n/supervisor";
import type { PageProps } from "./registry";

const TITLE_MAX = 200;
const MATCH_MAX = 500;
const BODY_MAX = 4000;

export function IncidentsPage(props: PageProps) {
  const { t, lang, fmtTime, announce } = useApp();
  const [filter, setFilter] = useState("open");
  const [list, setList] = useState<Incident[]>([]);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState("");
  const [sel, setSel] = useState<bigint | null>(parseId(props.arg));
  const [title, setTitle] = useState("");
  const [category, setCategory] = useState("");
  const [match, setMatch] = useState("");

  const load = useCallback(async () => {
    try {
      const r = await api.incidents.list({ status: filter });
      setList(r.incidents);
      setTruncated(r.truncated);
      setError("");
    } catch (e) {
      setError(errorText(e));
    }
  }, [filter]);

  useEffect(() => {
    void load();
  }, [load]);

  async function openIncident(e: Event) {
    e.preventDefault();
    setError("");
    try {
      const inc = await api.incidents.open({ title: title.trim(), category, match: match.trim() });
      setTitle("");
      setMatch("");
      announce(t("inc.opened", { id: String(inc.id) }));
      setSel(inc.id);
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section aria-labelledby="inc-h" class="inc">
      <h1 id="inc-h">{t("nav.incidents")}</h1>
      <p role="alert" class="error">{error && t("app.error", { msg: error })}</p>
      <div class="grid2">
        <div>
          <div class="toolbar">
            <label>
              {t("inc.show")}
              <select value={filter} onChange={(e) => setFilter((e.currentTarget as HTMLSelectElement).value)}>
                <option value="open">{t("inc.st.open")}</option>
                <option value="resolved">{t("inc.st.resolved")}</option>
                <option value="">{t("inc.all")}</option>
              </select>
            </label>
            <button type="button" onClick={() => void load()}>{t("sup.refresh")}</button>
          </div>
          {list.length === 0 ? (
            <p>{t("inc.none")}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("inc.id")}</th>
                  <th scope="col">{t("inc.title")}</th>
                  <th scope="col">{t("inc.category")}</th>
                  <th scope="col">{t("inc.status")}</th>
                  <th scope="col">{t("inc.linked")}</th>
                  <th scope="col">{t("inc.created")}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((i) => (
                  <tr class={i.id === sel ? "selected" : undefined}>
                    <td>{String(i.id)}</td>
                    <td>
                      <button type="button" class="sup-link" onClick={() => setSel(i.id)}
                        aria-pressed={i.id === sel}>
                        {i.title}
                      </button>
                    </td>
                    <td>{i.category ? enumText(lang, "category", i.category) : t("inc.anyCategory")}</td>
                    <td>{t(`inc.st.${i.status}`)}</td>
                    <td>
                      {String(i.linked)}
                      {i.suggested > 0n && (
                        <span class="muted"> ({t("inc.suggestedN", { n: String(i.suggested) })})</span>
                      )}
                    </td>
                    <td>{fmtTime(i.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {truncated && <p class="muted">{t("inc.truncated")}</p>}
        </div>
        <form class="card stack" onSubmit={openIncident} aria-labelledby="inc-open-h">
          <h2 id="inc-open-h">{t("inc.openNew")}</h2>
          <label for="inc-title">{t("inc.title")}</label>
          <input id="inc-title" required maxLength={TITLE_MAX} value={title}
            onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
          <label for="inc-cat">{t("inc.category")}</label>
          <select id="inc-cat" value={category}
            onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t("inc.anyCategory")}</option>
            {CATEGORIES.map((c) => (
              <option value={c}>{enumText(lang, "category", c)}</option>
            ))}
          </select>
          <label for="inc-match">{t("inc.match")}</label>
          <input id="inc-match" maxLength={MATCH_MAX} value={match} aria-describedby="inc-match-hint"
            onInput={(e) => setMatch((e.currentTarget as HTMLInputElement).value)} />
          <span id="inc-match-hint" class="muted">{t("inc.matchHint")}</span>
          <button type="submit" class="primary">{t("inc.openBtn")}</button>
        </form>
      </div>
      {sel !== null && (
        <IncidentDetail key={String(sel)} id={sel} onChanged={() => void load()}
          onClose={() => setSel(null)} />
      )}
    </section>
  );
}

function IncidentDetail(p: { id: bigint; onChanged: () => void; onClose: () => void }) {
  const { t, lang, fmtTime, announce } = useApp();
  const [inc, setInc] = useState<Incident | null>(null);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const [ticket, setTicket] = useState("");
  const [body, setBody] = useState("");
  const [resolveTickets, setResolveTickets] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.incidents
      .get({ id: p.id })
      .then(setInc)
      .catch((e: unknown) => setError(errorText(e)));
  }, [p.id]);

  async function run(f: () => Promise<Incident>, msgKey: string) {
    setBusy(true);
    setError("");
    setStatus("");
    try {
      const out = await f();
      // Link/Update/Resolve answer without the link list: read it again.
      setInc(await api.incidents.get({ id: out.id }));
      const msg = t(msgKey, { id: String(out.id), n: String(out.replied) });
      setStatus(msg);
      announce(msg);
      p.onChanged();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  if (!inc)
    return (
      <section class="card">
        <p role="alert" class="error">{error}</p>
        {!error && <p>{t("app.loading")}</p>}
      </section>
    );
  const open = inc.status === "open";
  return (
    <section class="card inc-detail" aria-labelledby="inc-d-h">
      <h2 id="inc-d-h">{t("inc.detail", { id: String(inc.id), title: inc.title })}</h2>
      <dl class="appr-dl">
        <dt>{t("inc.status")}</dt>
        <dd>{t(`inc.st.${inc.status}`)}</dd>
        <dt>{t("inc.category")}</dt>
        <dd>{inc.category ? enumText(lang, "category", inc.category) : t("inc.anyCategory")}</dd>
        <dt>{t("inc.match")}</dt>
        <dd>{inc.match.join(", ") || "—"}</dd>
        <dt>{t("inc.created")}</dt>
        <dd>{fmtTime(inc.createdAt)}</dd>
        {inc.resolvedAt && (
          <>
            <dt>{t("inc.resolvedAt")}</dt>
            <dd>{fmtTime(inc.resolvedAt)}</dd>
          </>
        )}
        <dt>{t("inc.updates")}</dt>
        <dd>{t("inc.updatesText", { n: String(inc.updates), replied: String(inc.replied) })}</dd>
      </dl>
      <h3>{t("inc.links")}</h3>
      {inc.links.length === 0 ? (
        <p>{t("inc.noLinks")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("inc.ticket")}</th>
              <th scope="col">{t("inc.linkState")}</th>
              <th scope="col"><span class="sr-only">{t("inc.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {inc.links.map((l) => (
              <tr>
                <td><a href={`#/ticket/${l.ticket}`}>#{String(l.ticket)}</a></td>
                <td>{t(`inc.ls.${l.state}`)}</td>
                <td>
                  {open && l.state === "suggested" && (
                    <button type="button" disabled={busy}
                      aria-label={t("inc.confirmN", { id: String(l.ticket) })}
                      onClick={() => void run(() => api.incidents.confirm({ id: inc.id, ticket: l.ticket }), "inc.confirmed")}>
                      {t("inc.confirm")}
                    </button>
                  )}{" "}
                  {open && (
                    <button type="button" disabled={busy}
                      aria-label={t("inc.unlinkN", { id: String(l.ticket) })}
                      onClick={() => void run(() => api.incidents.unlink({ id: inc.id, ticket: l.ticket }), "inc.unlinked")}>
                      {t("inc.unlink")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <div class="grid2 grid-even">
          <form class="stack" onSubmit={(e) => {
            e.preventDefault();
            const id = parseId(ticket);
            if (id === null) {
              setError(t("inc.badTicket"));
              return;
            }
            void run(() => api.incidents.link({ id: inc.id, ticket: id }), "inc.linkedMsg").then(
              (ok) => ok && setTicket(""));
          }}>
            <label for="inc-link">{t("inc.linkTicket")}</label>
            <input id="inc-link" inputMode="numeric" maxLength={20} value={ticket}
              onInput={(e) => setTicket((e.currentTarget as HTMLInputElement).value)} />
            <button type="submit" disabled={busy}>{t("inc.link")}</button>
          </form>
          <form class="stack" onSubmit={(e) => {
            e.preventDefault();
            void run(() => api.incidents.update({ id: inc.id, body: body.trim() }), "inc.posted").then(
              (ok) => ok && setBody(""));
          }}>
            <label for="inc-body">{t("inc.update")}</label>
            <textarea id="inc-body" required maxLength={BODY_MAX} value={body}
              aria-describedby="inc-body-hint"
              onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />
            <span id="inc-body-hint" class="muted">{t("inc.updateHint")}</span>
            <button type="submit" disabled={busy}>{t("inc.post")}</button>
          </form>
        </div>
      )}
      {open && (
        <div class="toolbar">
          <label class="sup-inline">
            <input type="checkbox" checked={resolveTickets}
              onChange={(e) => setResolveTickets((e.currentTarget as HTMLInputElement).checked)} />
            {t("inc.resolveTickets")}
          </label>
          <button type="button" class="danger" disabled={busy}
            onClick={() => void run(() => api.incidents.resolve({ id: inc.id, resolveTickets }), "inc.resolvedMsg")}>
            {t("inc.resolve")}
          </button>
        </div>
      )}
      <p role="alert" class="error">{error}</p>
      <p role="status" class="ok">{status}</p>
      <button type="button" onClick={p.onClose}>{t("app.close")}</button>
    </section>
  );
}
