// One ticket (#/ticket/<id>): header, the whole timeline, masked customer fields with an audited
// "Unmask" (reason required; the values live in this component's state only and are gone when
// it unmounts), reply or internal note, suggested KB articles, status changes the server allows
// (Ticket.transitions), the customer's other tickets, a remedy request and, for supervisors,
// assignment.
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Article } from "../gen/desk_pb";
import type { Event as TicketEvent, Ticket } from "../gen/sealdesk_pb";
import { AssignControl } from "../agent/assign";
import { RemedyForm } from "../agent/remedy";
import { SlaText } from "../agent/sla";
import { UnmaskDialog } from "../agent/unmask";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import { enumText } from "../lib/format";
import "../i18n/agent";
import { hasKey } from "../i18n/core";
import type { PageProps } from "./registry";

// Customer fields in Ticket.pii, in display order (subject and body are shown as the message).
const PII_FIELDS = ["customer_name", "customer_email", "customer_phone", "customer_uid",
  "national_id", "wallets", "ip_address"];
const MAX_COMMENT = 65536; // SD_MAX_COMMENT
const MAX_SUGGESTED = 5;

function parseId(arg: string): bigint | null {
  return /^[1-9][0-9]{0,19}$/.test(arg) ? BigInt(arg) : null;
}

function TimelineItem(props: { ev: TicketEvent }) {
  const { t, lang, fmtTime } = useApp();
  const ev = props.ev;
  const cls = `tl-item tl-${ev.kind}${ev.internal ? " tl-internal" : ""}`;
  return (
    <li class={cls}>
      <div class="tl-meta">
        <strong>{hasKey("en", `agent.ev.${ev.kind}`) ? t(`agent.ev.${ev.kind}`) : ev.kind}</strong>
        {ev.internal && <span class="tag internal">{t("agent.internal")}</span>}
        <span>{ev.actor || t("agent.system")}</span>
        <time dateTime={ev.at}>{fmtTime(ev.at)}</time>
      </div>
      {(ev.fromStatus || ev.toStatus) && (
        <p class="tl-status">
          {t("agent.statusChange", {
            from: ev.fromStatus ? enumText(lang, "status", ev.fromStatus) : "—",
            to: ev.toStatus ? enumText(lang, "status", ev.toStatus) : "—",
          })}
        </p>
      )}
      {ev.detail && <p class="tl-detail">{ev.detail}</p>}
      {ev.hasBody && <p class="tl-body">{ev.body}</p>}
    </li>
  );
}

/* Suggested articles in the ticket's language (the translation when there is one), each with
 * "Insert", which posts it as a public reply (Tickets.Comment from_article). */
function Suggestions(props: { ticket: Ticket; canReply: boolean; onPosted: () => void }) {
  const { t } = useApp();
  const [arts, setArts] = useState<Article[]>([]);
  const [error, setError] = useState("");
  const ids = props.ticket.suggestedArticles.slice(0, MAX_SUGGESTED);
  const idKey = ids.join(",");
  const want = props.ticket.lang;

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const out: Article[] = [];
        for (const id of ids) {
          let a = await api.knowledge.get({ id });
          const tr = want && a.lang !== want ? a.translations[want] : undefined;
          if (tr) a = await api.knowledge.get({ id: tr });
          if (!out.some((x) => x.id === a.id)) out.push(a);
        }
        if (live) setArts(out);
      } catch (e) {
        if (live) setError(errorText(e));
      }
    })();
    return () => {
      live = false;
    };
    // idKey stands for ids
  }, [idKey, want]);

  async function insert(a: Article) {
    setError("");
    try {
      await api.tickets.comment({ id: props.ticket.id, body: "", internal: false,
        fromArticle: a.id });
      props.onPosted();
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <section class="panel" aria-labelledby="kb-h">
      <h2 id="kb-h">{t("agent.suggested")}</h2>
      {ids.length === 0 && <p class="muted">{t("app.none")}</p>}
      <ul class="plain">
        {arts.map((a) => (
          <li lang={a.lang}>
            <strong>{a.title}</strong>
            <p class="muted kb-snippet">{a.body.slice(0, 200)}</p>
            {props.canReply && (
              <button type="button" onClick={() => void insert(a)}
                aria-label={t("agent.insertArticle", { title: a.title })}>
                {t("agent.insert")}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p role="alert" class="error">{error}</p>
    </section>
  );
}

function Related(props: { id: bigint; stamp: number }) {
  const { t, lang, fmtTime } = useApp();
  const [list, setList] = useState<Ticket[] | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    let live = true;
    api.tickets
      .related({ id: props.id })
      .then((r) => live && setList(r.tickets))
      .catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [props.id, props.stamp]);

  return (
    <section class="panel" aria-labelledby="related-h">
      <h2 id="related-h">{t("agent.related")}</h2>
      {list && list.length === 0 && <p class="muted">{t("app.none")}</p>}
      {list && list.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("agent.col.ref")}</th>
              <th scope="col">{t("agent.col.subject")}</th>
              <th scope="col">{t("agent.col.status")}</th>
              <th scope="col">{t("agent.created")}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((x) => (
              <tr>
                <td><a href={`#/ticket/${x.id}`}>#{String(x.id)}</a></td>
                <td>{x.subject}</td>
                <td>{enumText(lang, "status", x.status)}</td>
                <td>{fmtTime(x.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p role="alert" class="error">{error}</p>
    </section>
  );
}

export function TicketPage(props: PageProps) {
  const app = useApp();
  const { t, lang } = app;
  const id = parseId(props.arg);
  const [tk, setTk] = useState<Ticket | null>(null);
  const [error, setError] = useState("");
  const [actionError, setActionError] = useState("");
  // Unmasked customer fields: this component's state only, cleared on unmount.
  const [unmasked, setUnmasked] = useState<Record<string, string> | null>(null);
  const [askReason, setAskReason] = useState(false);
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [stamp, setStamp] = useState(0);
  const [now, setNow] = useState(Date.now());
  const canWork = app.hasRole("agent", "supervisor");
  const canComment = canWork || app.hasRole("compliance");

  const reload = useCallback(async () => {
    if (id === null) return;
    try {
      const r = await api.tickets.get({ id });
      setTk(r);
      setError("");
      setNow(Date.now());
      setStamp((s) => s + 1);
    } catch (e) {
      setError(errorText(e));
    }
  }, [id]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    const tick = window.setInterval(() => setNow(Date.now()), 30000);
    return () => {
      window.clearInterval(tick);
      setUnmasked(null);
    };
  }, []);

  if (id === null) return <p role="alert">{t("agent.badId")}</p>;
  if (!tk)
    return error ? (
      <p role="alert" class="error">{t("app.error", { msg: error })}</p>
    ) : (
      <p>{t("app.loading")}</p>
    );

  const subject = tk.pii["subject"] ?? tk.subject;

  async function act(fn: () => Promise<unknown>) {
    setBusy(true);
    setActionError("");
    try {
      await fn();
      await reload();
      return true;
    } catch (e) {
      setActionError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function comment(internal: boolean) {
    if (!body.trim()) {
      setActionError(t("agent.bodyRequired"));
      return;
    }
    const ok = await act(() => api.tickets.comment({ id: tk!.id, body, internal }));
    if (ok) {
      setBody("");
      app.announce(t(internal ? "agent.noteAdded" : "agent.replySent"));
    }
  }

  function transitionLabel(to: string): string {
    const k = `agent.to.${to}`;
    return hasKey("en", k) ? t(k) : enumText(lang, "status", to);
  }

  const shownPii = PII_FIELDS.filter((f) => f in tk.pii);

  return (
    <article class="ticket-view" aria-labelledby="tk-h">
      <header class="tk-head">
        <h1 id="tk-h">
          <span class="muted">#{String(tk.id)}</span> {subject}
        </h1>
        <dl class="facts">
          <div><dt>{t("agent.col.status")}</dt><dd>{enumText(lang, "status", tk.status)}</dd></div>
          <div><dt>{t("agent.col.priority")}</dt><dd>{tk.priority}</dd></div>
          <div>
            <dt>{t("agent.col.category")}</dt><dd>{enumText(lang, "category", tk.category)}</dd>
          </div>
          <div><dt>{t("agent.channel")}</dt><dd>{enumText(lang, "channel", tk.channel)}</dd></div>
          <div><dt>{t("agent.col.vip")}</dt><dd>{tk.vip ? t("agent.yes") : t("agent.no")}</dd></div>
          <div><dt>{t("agent.col.sla")}</dt><dd><SlaText ticket={tk} now={now} /></dd></div>
          <div><dt>{t("agent.assignee")}</dt><dd>{tk.assignee || t("agent.unassigned")}</dd></div>
          <div><dt>{t("agent.col.lang")}</dt><dd>{tk.lang || "—"}</dd></div>
        </dl>
        {canWork && tk.transitions.length > 0 && (
          <div class="row" role="group" aria-label={t("agent.changeStatus")}>
            {tk.transitions.map((to) => (
              <button type="button" disabled={busy}
                onClick={() => void act(() => api.tickets.transition({ id: tk.id, to }))}>
                {transitionLabel(to)}
              </button>
            ))}
          </div>
        )}
        {app.hasRole("supervisor") && <AssignControl ticket={tk} onDone={() => void reload()} />}
        <p role="alert" class="error">{actionError}</p>
      </header>
      <div class="grid2">
        <div>
          <section class="panel" aria-labelledby="msg-h">
            <h2 id="msg-h">{t("agent.message")}</h2>
            <p class="tl-body" lang={tk.lang || undefined}>{tk.pii["body"] ?? ""}</p>
          </section>
          <section class="panel" aria-labelledby="tl-h">
            <h2 id="tl-h">{t("agent.timeline")}</h2>
            <ol class="timeline">
              {tk.timeline.map((ev) => <TimelineItem key={ev.seq} ev={ev} />)}
            </ol>
          </section>
          {canComment && (
            <form class="panel stack" aria-labelledby="reply-h" onSubmit={(e) => e.preventDefault()}>
              <h2 id="reply-h">{t("agent.replyTitle")}</h2>
              <label for="reply-body">{t("agent.replyBody")}</label>
              <textarea id="reply-body" maxLength={MAX_COMMENT} value={body}
                onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />
              <div class="row">
                {canWork && (
                  <button type="button" class="primary" disabled={busy}
                    onClick={() => void comment(false)}>
                    {t("agent.reply")}
                  </button>
                )}
                <button type="button" disabled={busy} onClick={() => void comment(true)}>
                  {t("agent.internalNote")}
                </button>
              </div>
            </form>
          )}
        </div>
        <div>
          <section class="panel" aria-labelledby="cust-h">
            <h2 id="cust-h">{t("agent.customer")}</h2>
            {tk.shredded && <p class="muted">{t("agent.shredded")}</p>}
            {shownPii.length === 0 ? (
              <p class="muted">{t("app.none")}</p>
            ) : (
              <dl class="pii">
                {shownPii.map((f) => (
                  <div>
                    <dt>{t(`agent.pii.${f}`)}</dt>
                    <dd data-field={f} class={unmasked ? "unmasked" : undefined}>
                      {unmasked?.[f] ?? tk.pii[f]}
                    </dd>
                  </div>
                ))}
              </dl>
            )}
            {shownPii.length > 0 && !tk.shredded && (
              unmasked ? (
                <button type="button" onClick={() => setUnmasked(null)}>{t("agent.hide")}</button>
              ) : (
                <button type="button" onClick={() => setAskReason(true)}>{t("agent.unmask")}</button>
              )
            )}
          </section>
          <Suggestions ticket={tk} canReply={canWork} onPosted={() => void reload()} />
          <Related id={tk.id} stamp={stamp} />
          {canWork && <RemedyForm ticketId={tk.id} onDone={() => void reload()} />}
        </div>
      </div>
      <UnmaskDialog ticketId={tk.id} open={askReason} onClose={() => setAskReason(false)}
        onUnmasked={(pii) => setUnmasked(pii)} />
    </article>
  );
}
