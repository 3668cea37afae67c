// The user's own language and time zone, stored server-side (Auth.SetPreferences).
import { useState } from "preact/hooks";
import { errorText } from "../lib/api";
import { useApp } from "../lib/app";
import { timeZones } from "../lib/format";
import { isLang, LANGS } from "../i18n/core";
import type { PageProps } from "./registry";

const LANG_NAMES = { en: "English", zh: "中文", ko: "한국어" } as const;

export function SettingsPage(_props: PageProps) {
  const app = useApp();
  const [tz, setTz] = useState(app.me.timeZone || "UTC");
  const [msg, setMsg] = useState("");

  async function save(e: Event) {
    e.preventDefault();
    try {
      await app.setTimeZone(tz === "UTC" ? "" : tz);
      setMsg(app.t("settings.saved"));
    } catch (err) {
      setMsg(app.t("app.error", { msg: errorText(err) }));
    }
  }

  return (
    <section aria-labelledby="settings-h">
      <h1 id="settings-h">{app.t("nav.settings")}</h1>
      <form onSubmit={save} class="stack">
        <label for="settings-lang">{app.t("app.language")}</label>
        <select
          id="settings-lang"
          value={app.lang}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            if (isLang(v)) void app.setLang(v);
          }}
        >
          {LANGS.map((l) => (
            <option value={l} lang={l}>{LANG_NAMES[l]}</option>
          ))}
        </select>
        <label for="settings-tz">{app.t("app.timeZone")}</label>
        <select id="settings-tz" value={tz} onChange={(e) => setTz((e.currentTarget as HTMLSelectElement).value)}>
          {timeZones().map((z) => (
            <option value={z}>{z}</option>
          ))}
        </select>
        <button type="submit">{app.t("app.save")}</button>
        <p role="status">{msg}</p>
      </form>
    </section>
  );
}
