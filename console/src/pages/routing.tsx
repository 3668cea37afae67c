// Routing & shifts: every agent's skills (languages, categories, VIP), shift windows with their
// time zones and overrides, who is on shift now; set an agent's profile, override a shift
// (on or off for a window), and the on-duty view (language x category -> agents).
import { useCallback, useEffect, useState } from "preact/hooks";
import { create } from "@bufbuild/protobuf";
import { type AgentInfo, AgentInfoSchema, type DutyView } from "../gen/desk_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import { enumText, timeZones } from "../lib/format";
import { CATEGORIES, localToRfc3339 } from "../supervisor/util";
import "../i18n/supervisor";
import type { PageProps } from "./registry";

const DAY_SETS = ["Mon-Fri", "Daily", "Sat-Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export function RoutingPage(_props: PageProps) {
  const { t, lang } = useApp();
  const [agents, setAgents] = useState<AgentInfo[]>([]);
  const [duty, setDuty] = useState<DutyView | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<AgentInfo | null>(null);
  const [overriding, setOverriding] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [a, d] = await Promise.all([api.routing.listAgents({}), api.routing.duty({})]);
      setAgents(a.agents);
      setDuty(d);
      setError("");
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const saved = (a: AgentInfo) => {
    setAgents((l) => {
      const i = l.findIndex((x) => x.name === a.name);
      return i < 0 ? [...l, a].sort((x, y) => x.name.localeCompare(y.name)) : l.map((x) => (x.name === a.name ? a : x));
    });
    setEditing(null);
    setOverriding(null);
    void load();
  };

  return (
    <section aria-labelledby="rt-h" class="rt">
      <h1 id="rt-h">{t("nav.routing")}</h1>
      <p role="alert" class="error">{error && t("app.error", { msg: error })}</p>
      <div class="toolbar">
        <button type="button" onClick={() => void load()}>{t("sup.refresh")}</button>
        <button type="button" onClick={() => { setOverriding(null); setEditing(create(AgentInfoSchema, {})); }}>
          {t("rt.add")}
        </button>
      </div>
      <h2>{t("rt.agents")}</h2>
      {agents.length === 0 ? (
        <p>{t("rt.noAgents")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("rt.name")}</th>
              <th scope="col">{t("rt.langs")}</th>
              <th scope="col">{t("rt.categories")}</th>
              <th scope="col">{t("rt.vip")}</th>
              <th scope="col">{t("rt.shifts")}</th>
              <th scope="col">{t("rt.overrides")}</th>
              <th scope="col">{t("rt.onShift")}</th>
              <th scope="col"><span class="sr-only">{t("inc.actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr data-agent={a.name}>
                <th scope="row">{a.name}</th>
                <td>{a.langs.join(", ") || t("rt.every")}</td>
                <td>{a.categories.map((c) => enumText(lang, "category", c)).join(", ") || t("rt.every")}</td>
                <td>{a.vip ? t("rt.yes") : t("rt.no")}</td>
                <td>{a.shifts.join("; ") || t("rt.always")}</td>
                <td>{a.overrides.join("; ") || "—"}</td>
                <td class={a.onShift ? "ok" : "muted"}>{a.onShift ? t("rt.yes") : t("rt.no")}</td>
                <td>
                  <button type="button" aria-label={t("rt.editN", { name: a.name })}
                    onClick={() => { setOverriding(null); setEditing(a); }}>{t("rt.edit")}</button>{" "}
                  <button type="button" aria-label={t("rt.overrideN", { name: a.name })}
                    onClick={() => { setEditing(null); setOverriding(a.name); }}>{t("rt.override")}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && <AgentForm key={editing.name || "+"} agent={editing} onSaved={saved} onCancel={() => setEditing(null)} />}
      {overriding && <OverrideForm key={overriding} name={overriding} onSaved={saved} onCancel={() => setOverriding(null)} />}
      <h2>{t("rt.duty")}</h2>
      {!duty || duty.cells.length === 0 ? (
        <p>{t("dash.nobody")}</p>
      ) : (
        <DutyMatrix duty={duty} />
      )}
    </section>
  );
}

function AgentForm(p: { agent: AgentInfo; onSaved: (a: AgentInfo) => void; onCancel: () => void }) {
  const { t, lang, me } = useApp();
  const a = p.agent;
  const [name, setName] = useState(a.name);
  const [langs, setLangs] = useState(a.langs.join(","));
  const [cats, setCats] = useState<string[]>(a.categories);
  const [vip, setVip] = useState(a.vip);
  const [shift, setShift] = useState(a.shifts.join("; "));
  const [days, setDays] = useState("Mon-Fri");
  const [from, setFrom] = useState("09:00");
  const [to, setTo] = useState("18:00");
  const [zone, setZone] = useState(me.timeZone || "UTC");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  function addWindow() {
    const w = `${days} ${from}-${to} ${zone}`;
    setShift((s) => (s.trim() ? `${s.trim()}; ${w}` : w));
  }

  async function save(e: Event) {
    e.preventDefault();
    setError("");
    setBusy(true);
    try {
      p.onSaved(await api.routing.setAgent({
        name: name.trim(), langs: langs.replace(/\s+/g, ""), categories: cats.join(","), vip,
        shift: shift.trim(),
      }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card stack rt-form" onSubmit={save} aria-labelledby="rt-f-h">
      <h2 id="rt-f-h">{a.name ? t("rt.editN", { name: a.name }) : t("rt.add")}</h2>
      <label for="rt-name">{t("rt.name")}</label>
      <input id="rt-name" required maxLength={64} value={name} readOnly={!!a.name}
        onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      <label for="rt-langs">{t("rt.langs")}</label>
      <input id="rt-langs" maxLength={100} value={langs} aria-describedby="rt-langs-hint"
        onInput={(e) => setLangs((e.currentTarget as HTMLInputElement).value)} />
      <span id="rt-langs-hint" class="muted">{t("rt.langsHint")}</span>
      <fieldset>
        <legend>{t("rt.categories")}</legend>
        {CATEGORIES.map((c) => (
          <label class="sup-inline">
            <input type="checkbox" checked={cats.includes(c)}
              onChange={(e) => {
                const on = (e.currentTarget as HTMLInputElement).checked;
                setCats((l) => (on ? [...l, c] : l.filter((x) => x !== c)));
              }} />
            {enumText(lang, "category", c)}
          </label>
        ))}
        <span class="muted">{t("rt.catsHint")}</span>
      </fieldset>
      <label class="sup-inline">
        <input type="checkbox" checked={vip} onChange={(e) => setVip((e.currentTarget as HTMLInputElement).checked)} />
        {t("rt.vipLong")}
      </label>
      <label for="rt-shift">{t("rt.shifts")}</label>
      <input id="rt-shift" maxLength={500} value={shift} aria-describedby="rt-shift-hint"
        onInput={(e) => setShift((e.currentTarget as HTMLInputElement).value)} />
      <span id="rt-shift-hint" class="muted">{t("rt.shiftHint")}</span>
      <fieldset class="toolbar">
        <legend>{t("rt.window")}</legend>
        <label>
          {t("rt.days")}
          <select value={days} onChange={(e) => setDays((e.currentTarget as HTMLSelectElement).value)}>
            {DAY_SETS.map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          {t("rt.start")}
          <input type="time" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          {t("rt.end")}
          <input type="time" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          {t("app.timeZone")}
          <select value={zone} onChange={(e) => setZone((e.currentTarget as HTMLSelectElement).value)}>
            {timeZones().map((z) => (
              <option value={z}>{z}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={addWindow}>{t("rt.addWindow")}</button>
      </fieldset>
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{t("app.save")}</button>
        <button type="button" onClick={p.onCancel}>{t("app.cancel")}</button>
      </div>
      <p role="alert" class="error">{error}</p>
    </form>
  );
}

function OverrideForm(p: { name: string; onSaved: (a: AgentInfo) => void; onCancel: () => void }) {
  const { t, me } = useApp();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [on, setOn] = useState(true);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function save(e: Event) {
    e.preventDefault();
    setError("");
    const f = localToRfc3339(from, me.timeZone);
    const u = localToRfc3339(to, me.timeZone);
    if (!f || !u) {
      setError(t("rt.badWindow"));
      return;
    }
    setBusy(true);
    try {
      p.onSaved(await api.routing.overrideShift({ name: p.name, from: f, to: u, on }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card stack rt-form" onSubmit={save} aria-labelledby="rt-o-h">
      <h2 id="rt-o-h">{t("rt.overrideN", { name: p.name })}</h2>
      <p class="muted">{t("rt.overrideZone", { zone: me.timeZone || "UTC" })}</p>
      <label for="rt-o-from">{t("rt.from")}</label>
      <input id="rt-o-from" type="datetime-local" required value={from}
        onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
      <label for="rt-o-to">{t("rt.to")}</label>
      <input id="rt-o-to" type="datetime-local" required value={to}
        onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
      <fieldset>
        <legend>{t("rt.overrideKind")}</legend>
        <label class="sup-inline">
          <input type="radio" name="rt-o-on" checked={on} onChange={() => setOn(true)} />
          {t("rt.forceOn")}
        </label>
        <label class="sup-inline">
          <input type="radio" name="rt-o-on" checked={!on} onChange={() => setOn(false)} />
          {t("rt.forceOff")}
        </label>
      </fieldset>
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{t("app.save")}</button>
        <button type="button" onClick={p.onCancel}>{t("app.cancel")}</button>
      </div>
      <p role="alert" class="error">{error}</p>
    </form>
  );
}

/* The on-duty view as a matrix: one row per language, one column per category. */
function DutyMatrix(p: { duty: DutyView }) {
  const { t, lang } = useApp();
  const langs = [...new Set(p.duty.cells.map((c) => c.lang))];
  const cats = [...new Set(p.duty.cells.map((c) => c.category))];
  const cell = (l: string, c: string) => p.duty.cells.find((x) => x.lang === l && x.category === c);
  return (
    <table class="rt-duty">
      <caption class="sr-only">{t("rt.duty")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("rt.lang")}</th>
          {cats.map((c) => (
            <th scope="col">{c ? enumText(lang, "category", c) : t("rt.every")}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {langs.map((l) => (
          <tr>
            <th scope="row">{l || t("rt.every")}</th>
            {cats.map((c) => {
              const agents = cell(l, c)?.agents ?? [];
              return agents.length === 0 ? (
                <td class="uncovered">{t("rt.uncovered")}</td>
              ) : (
                <td>{agents.join(", ")}</td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
