// The agent's work list (#/tickets): every ticket the filters select, from Tickets.List in
// summary form (subject as stored, customer masked by the server). The first page renders at
// once, the rest loads in the background up to LOAD_CAP; the table shows PAGE_ROWS rows at a
// time so 10,000 open tickets stay fast. Arrow keys or j/k move the selection, Enter opens.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Ticket } from "../gen/sealdesk_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import { enumText } from "../lib/format";
import {
  type AssigneeFilter,
  CATEGORIES,
  DEFAULT_FILTERS,
  type Filters,
  matches,
  PRIORITIES,
  serverFilter,
  type Sort,
  type SortKey,
  sortTickets,
  STATUSES,
} from "../agent/model";
import { SlaText } from "../agent/sla";
import "../i18n/agent";
import type { PageProps } from "./registry";

const FIRST_FETCH = 200; // the first request: enough for the first screen
const NEXT_FETCH = 1000; // background pages (the server's maximum)
const LOAD_CAP = 20000; // stop loading here; the filters narrow the rest
const PAGE_ROWS = 200; // rows in the DOM at a time
const REFRESH_MS = 30000;

interface Column {
  key: SortKey;
  label: string;
}

export function WorkListPage(_props: PageProps) {
  const app = useApp();
  const { t, lang, me } = app;
  const [rows, setRows] = useState<Ticket[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [capped, setCapped] = useState(false);
  const [error, setError] = useState("");
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  const [sort, setSort] = useState<Sort>({ key: "default", desc: false });
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<bigint | null>(null);
  const [now, setNow] = useState(Date.now());
  const [claiming, setClaiming] = useState(false);
  const gen = useRef(0);
  const focusRow = useRef<bigint | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);

  const sf = serverFilter(filters, me.user);
  const sfKey = `${sf.status}|${sf.category}|${sf.assignee}`;

  /* Every page of the list for the server-side filters. A newer load makes an older one stop
   * (gen). `progressive`: show the first page as soon as it is in (first load, new filters);
   * a periodic refresh keeps the old rows until the whole new list is in. */
  const load = useCallback(
    async (progressive: boolean) => {
      const my = ++gen.current;
      const out: Ticket[] = [];
      let after = 0n;
      let first = true;
      setLoadingMore(true);
      try {
        for (;;) {
          const r = await api.tickets.list({
            ...sf,
            summary: true,
            limit: first ? FIRST_FETCH : NEXT_FETCH,
            after,
          });
          if (my !== gen.current) return;
          out.push(...r.tickets);
          if (first && progressive) {
            setRows(out.slice());
            setLoaded(true);
          }
          first = false;
          const last = r.tickets[r.tickets.length - 1];
          if (!r.more || !last || out.length >= LOAD_CAP) {
            setCapped(r.more && out.length >= LOAD_CAP);
            break;
          }
          after = r.next > 0n ? r.next : last.id;
        }
        setRows(out);
        setLoaded(true);
        setError("");
        setNow(Date.now());
      } catch (e) {
        if (my === gen.current) setError(t("app.error", { msg: errorText(e) }));
      } finally {
        if (my === gen.current) setLoadingMore(false);
      }
    },
    [sfKey, t], // sfKey stands for sf's three fields
  );

  useEffect(() => {
    setPage(0);
    void load(true);
  }, [load]);

  useEffect(() => {
    const id = window.setInterval(() => void load(false), REFRESH_MS);
    return () => {
      window.clearInterval(id);
      gen.current++; // a load in flight stops touching this unmounted page
    };
  }, [load]);

  /* The shell's inbox poll: a new P1 or a new assignment refreshes the list. */
  const inboxKey = `${app.inbox.assigned.join(",")}|${app.inbox.newP1.join(",")}`;
  const lastInbox = useRef(inboxKey);
  useEffect(() => {
    if (lastInbox.current === inboxKey) return;
    lastInbox.current = inboxKey;
    void load(false);
  }, [inboxKey, load]);

  const shown = useMemo(
    () => sortTickets(rows.filter((x) => matches(x, filters, me.user)), sort, now),
    [rows, filters, sort, now, me.user],
  );
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_ROWS));
  const curPage = Math.min(page, pages - 1);
  const visible = shown.slice(curPage * PAGE_ROWS, (curPage + 1) * PAGE_ROWS);

  function open(id: bigint) {
    app.navigate(`ticket/${id}`);
  }

  /* The key handler is registered once and reads the latest rows through this ref (keys can
   * come faster than Preact re-renders). */
  const live = useRef({ shown, selected, curPage });
  live.current = { shown, selected, curPage };

  function move(delta: number) {
    const cur = live.current;
    if (!cur.shown.length) return;
    let i = cur.selected === null ? -1 : cur.shown.findIndex((x) => x.id === cur.selected);
    if (i < 0) i = delta > 0 ? cur.curPage * PAGE_ROWS - 1 : cur.curPage * PAGE_ROWS + 1;
    const n = Math.max(0, Math.min(cur.shown.length - 1, i + delta));
    const row = cur.shown[n];
    if (!row) return;
    const p = Math.floor(n / PAGE_ROWS);
    live.current = { ...cur, selected: row.id, curPage: p };
    setSelected(row.id);
    setPage(p);
    const a = tableRef.current?.querySelector<HTMLAnchorElement>(`tr[data-id="${row.id}"] a`);
    if (a) a.focus();
    else focusRow.current = row.id; // on another page: focused once it is rendered
  }

  useLayoutEffect(() => {
    const id = focusRow.current;
    if (id === null) return;
    const a = tableRef.current?.querySelector<HTMLAnchorElement>(`tr[data-id="${id}"] a`);
    if (a) {
      focusRow.current = null;
      a.focus();
    }
  });

  /* j/k and the arrow keys anywhere on the page except in a form control; Enter opens the
   * selected row when focus is not on a control of its own. */
  const onKey = useRef<(e: KeyboardEvent) => void>(() => undefined);
  onKey.current = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const el = e.target as HTMLElement | null;
    const tag = el?.tagName ?? "";
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || el?.isContentEditable) return;
    if (el?.closest("dialog")) return;
    const inTable = !!el && !!tableRef.current?.contains(el);
    const sel = live.current.selected;
    if (e.key === "j" || (e.key === "ArrowDown" && inTable)) {
      e.preventDefault();
      move(1);
    } else if (e.key === "k" || (e.key === "ArrowUp" && inTable)) {
      e.preventDefault();
      move(-1);
    } else if (e.key === "Enter" && sel !== null && (tag === "BODY" || tag === "MAIN")) {
      e.preventDefault();
      open(sel);
    }
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => onKey.current(e);
    document.addEventListener("keydown", h);
    return () => document.removeEventListener("keydown", h);
  }, []);

  async function claimNext() {
    setClaiming(true);
    setError("");
    try {
      const tk = await api.tickets.claimNext({ agent: me.user });
      app.announce(t("agent.claimed", { id: String(tk.id) }));
      open(tk.id);
    } catch (e) {
      setError(t("agent.claimFailed", { msg: errorText(e) }));
    } finally {
      setClaiming(false);
    }
  }

  function setFilter<K extends keyof Filters>(k: K, v: Filters[K]) {
    setFilters((f) => ({ ...f, [k]: v }));
    setPage(0);
  }

  function sortBy(key: SortKey) {
    setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: false }));
    setPage(0);
  }

  const columns: Column[] = [
    { key: "id", label: t("agent.col.ref") },
    { key: "subject", label: t("agent.col.subject") },
    { key: "customer", label: t("agent.col.customer") },
    { key: "category", label: t("agent.col.category") },
    { key: "priority", label: t("agent.col.priority") },
    { key: "lang", label: t("agent.col.lang") },
    { key: "vip", label: t("agent.col.vip") },
    { key: "status", label: t("agent.col.status") },
    { key: "sla", label: t("agent.col.sla") },
  ];

  return (
    <section aria-labelledby="wl-h" class="worklist">
      <div class="wl-head">
        <h1 id="wl-h">{t("nav.tickets")}</h1>
        {app.hasRole("agent", "supervisor") && (
          <button type="button" class="primary" disabled={claiming} onClick={() => void claimNext()}>
            {t("agent.claimNext")}
          </button>
        )}
        <button type="button" onClick={() => void load(false)}>{t("agent.refresh")}</button>
      </div>
      <form class="toolbar" role="search" aria-label={t("agent.filters")}
        onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="wl-status">{t("agent.filter.status")}</label>
          <select id="wl-status" value={filters.status}
            onChange={(e) => setFilter("status", (e.currentTarget as HTMLSelectElement).value)}>
            <option value="open">{t("agent.filter.open")}</option>
            <option value="all">{t("agent.filter.all")}</option>
            {STATUSES.map((s) => <option value={s}>{enumText(lang, "status", s)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="wl-category">{t("agent.filter.category")}</label>
          <select id="wl-category" value={filters.category}
            onChange={(e) => setFilter("category", (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t("agent.filter.any")}</option>
            {CATEGORIES.map((c) => <option value={c}>{enumText(lang, "category", c)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="wl-priority">{t("agent.filter.priority")}</label>
          <select id="wl-priority" value={filters.priority}
            onChange={(e) => setFilter("priority", (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t("agent.filter.any")}</option>
            {PRIORITIES.map((p) => <option value={p}>{p}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="wl-assignee">{t("agent.filter.assignee")}</label>
          <select id="wl-assignee" value={filters.assignee}
            onChange={(e) =>
              setFilter("assignee", (e.currentTarget as HTMLSelectElement).value as AssigneeFilter)}>
            <option value="all">{t("agent.filter.all")}</option>
            <option value="me">{t("agent.filter.me")}</option>
            <option value="unassigned">{t("agent.filter.unassigned")}</option>
          </select>
        </div>
        <div class="field">
          <label for="wl-text">{t("agent.filter.text")}</label>
          <input id="wl-text" type="search" maxLength={200} value={filters.text}
            onInput={(e) => setFilter("text", (e.currentTarget as HTMLInputElement).value)} />
        </div>
      </form>
      <p role="alert" class="error">{error}</p>
      <p class="muted" role="status" aria-live="polite">
        {!loaded
          ? t("app.loading")
          : t("agent.count", { n: shown.length, total: rows.length })}
        {loaded && loadingMore ? ` ${t("agent.loadingMore")}` : ""}
        {capped ? ` ${t("agent.capped", { n: LOAD_CAP })}` : ""}
      </p>
      <p class="muted wl-keys">{t("agent.keys")}</p>
      <table ref={tableRef} class="wl-table" aria-labelledby="wl-h">
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort.key === c.key || (sort.key === "default" && c.key === "priority");
              return (
                <th scope="col"
                  aria-sort={active ? (sort.desc ? "descending" : "ascending") : undefined}>
                  <button type="button" class="th-sort" onClick={() => sortBy(c.key)}>
                    {c.label}
                    <span aria-hidden="true">{active ? (sort.desc ? " ▼" : " ▲") : ""}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {visible.map((x) => (
            <tr key={String(x.id)} data-id={String(x.id)}
              class={x.id === selected ? "selected" : undefined}
              onClick={() => setSelected(x.id)}>
              <td>
                <a href={`#/ticket/${x.id}`} onFocus={() => setSelected(x.id)}>#{String(x.id)}</a>
              </td>
              <td class="wl-subject">{x.subject}</td>
              <td>{x.customer}</td>
              <td>{enumText(lang, "category", x.category)}</td>
              <td class={`prio prio-${x.priority}`}>{x.priority}</td>
              <td>{x.lang}</td>
              <td>{x.vip ? t("agent.vip") : ""}</td>
              <td>{enumText(lang, "status", x.status)}</td>
              <td><SlaText ticket={x} now={now} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {loaded && shown.length === 0 && <p>{t("agent.empty")}</p>}
      {pages > 1 && (
        <nav class="pager" aria-label={t("agent.pages")}>
          <button type="button" disabled={curPage === 0} onClick={() => setPage(curPage - 1)}>
            {t("agent.prevPage")}
          </button>
          <span>
            {t("agent.pageOf", {
              from: curPage * PAGE_ROWS + 1,
              to: Math.min(shown.length, (curPage + 1) * PAGE_ROWS),
              n: shown.length,
            })}
          </span>
          <button type="button" disabled={curPage >= pages - 1} onClick={() => setPage(curPage + 1)}>
            {t("agent.nextPage")}
          </button>
        </nav>
      )}
    </section>
  );
}
