// Password + TOTP login. The server answers with the session in an HttpOnly cookie; the form
// fields are cleared as soon as the call returns.
import { useState } from "preact/hooks";
import { api, errorText } from "../lib/api";
import type { Lang, Vars } from "../i18n/core";
import { translate } from "../i18n/core";

export function LoginPage(props: { lang: Lang; onLang: (l: Lang) => void; onDone: () => void }) {
  const t = (k: string, v?: Vars) => translate(props.lang, k, v);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await api.auth.login({ name, password, totp });
      setPassword("");
      setTotp("");
      props.onDone();
    } catch (err) {
      setPassword("");
      setTotp("");
      setError(t("login.failed", { msg: errorText(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="login">
      <form onSubmit={submit} class="card stack" aria-labelledby="login-h">
        <h1 id="login-h">{t("login.title")}</h1>
        <label for="login-user">{t("login.user")}</label>
        <input id="login-user" name="username" autocomplete="username" required maxLength={64}
          value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        <label for="login-password">{t("login.password")}</label>
        <input id="login-password" type="password" autocomplete="current-password" required
          maxLength={1024} value={password}
          onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
        <label for="login-totp">{t("login.totp")}</label>
        <input id="login-totp" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6,8}"
          maxLength={8} value={totp}
          onInput={(e) => setTotp((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" disabled={busy}>{t("login.submit")}</button>
        <p role="alert" class="error">{error}</p>
        <LangPicker lang={props.lang} onLang={props.onLang} label={t("app.language")} />
      </form>
    </main>
  );
}

export function LangPicker(props: { lang: Lang; onLang: (l: Lang) => void; label: string }) {
  return (
    <div class="lang-picker">
      <label for="lang-pick">{props.label}</label>
      <select id="lang-pick" value={props.lang}
        onChange={(e) => props.onLang((e.currentTarget as HTMLSelectElement).value as Lang)}>
        <option value="en" lang="en">English</option>
        <option value="zh" lang="zh">中文</option>
        <option value="ko" lang="ko">한국어</option>
      </select>
    </div>
  );
}
