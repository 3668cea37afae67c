// The shell: who is signed in (Auth.Me), hash routing over the page registry, the nav for the
// user's roles, language and time zone (kept server-side), and the 5-second inbox poll that
// raises an alert for new P1 tickets, new assignments and approvals waiting.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, errorText, isUnauthenticated } from "./lib/api";
import { AppCtx, type AppState, type InboxSnapshot, type Me, type Role } from "./lib/app";
import { formatTime } from "./lib/format";
import { isLang, type Lang, translate, type Vars } from "./i18n/core";
import { LangPicker, LoginPage } from "./pages/login";
import { homeFor, PAGES } from "./pages/registry";

const POLL_MS = 5000;
const EMPTY_INBOX: InboxSnapshot = { assigned: [], approvals: [], newP1: [] };

function browserLang(): Lang {
  const l = (navigator.language || "en").slice(0, 2).toLowerCase();
  return isLang(l) ? l : "en";
}

function parseHash(): { id: string; arg: string } {
  const h = window.location.hash.replace(/^#\/?/, "");
  const i = h.indexOf("/");
  return i < 0 ? { id: h, arg: "" } : { id: h.slice(0, i), arg: h.slice(i + 1) };
}

function useHash() {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const on = () => setRoute(parseHash());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

interface Alert {
  key: string;
  text: string;
  href: string;
}

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [checked, setChecked] = useState(false);
  const [lang, setLangState] = useState<Lang>(browserLang);
  const [inbox, setInbox] = useState<InboxSnapshot>(EMPTY_INBOX);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [polite, setPolite] = useState("");
  const route = useHash();
  const afterP1 = useRef<bigint | null>(null);
  const knownAssigned = useRef<Set<bigint> | null>(null);

  const loadMe = useCallback(async () => {
    try {
      const r = await api.auth.me({});
      setMe({ user: r.user, roles: r.roles.split(",").filter(Boolean), timeZone: r.timeZone });
      if (isLang(r.locale)) setLangState(r.locale);
    } catch (e) {
      if (!isUnauthenticated(e)) console.warn("sealdesk: session check failed:", errorText(e));
      setMe(null);
    } finally {
      setChecked(true);
    }
  }, []);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const t = useCallback((k: string, v?: Vars) => translate(lang, k, v), [lang]);

  const poll = useCallback(async () => {
    if (!me) return;
    try {
      const r = await api.tickets.inbox({ afterP1: afterP1.current ?? 0n });
      const fresh: Alert[] = [];
      if (afterP1.current !== null) {
        for (const tk of r.newP1)
          fresh.push({
            key: `p1-${tk.id}`,
            text: translate(lang, "app.p1Alert", { id: String(tk.id), category: tk.category }),
            href: `#/ticket/${tk.id}`,
          });
      }
      afterP1.current = r.maxP1 > (afterP1.current ?? 0n) ? r.maxP1 : (afterP1.current ?? 0n);
      const ids = r.assigned.map((x) => x.id);
      if (knownAssigned.current) {
        for (const id of ids)
          if (!knownAssigned.current.has(id))
            setPolite(translate(lang, "app.assignedAlert", { id: String(id) }));
      }
      knownAssigned.current = new Set(ids);
      setInbox((old) => ({
        assigned: ids,
        approvals: r.approvals,
        newP1: [...old.newP1, ...r.newP1.map((x) => x.id)].slice(-50),
      }));
      if (fresh.length) setAlerts((a) => [...a, ...fresh].slice(-5));
    } catch (e) {
      if (isUnauthenticated(e)) setMe(null);
    }
  }, [me, lang]);

  useEffect(() => {
    if (!me) return undefined;
    void poll();
    const id = window.setInterval(() => void poll(), POLL_MS);
    return () => window.clearInterval(id);
  }, [me, poll]);

  const state: AppState | null = useMemo(() => {
    if (!me) return null;
    return {
      me,
      lang,
      t,
      setLang: async (l: Lang) => {
        setLangState(l);
        const r = await api.auth.setPreferences({ locale: l, timeZone: me.timeZone });
        setMe({ ...me, timeZone: r.timeZone });
      },
      setTimeZone: async (tz: string) => {
        const r = await api.auth.setPreferences({ locale: lang, timeZone: tz });
        setMe({ ...me, timeZone: r.timeZone });
      },
      fmtTime: (s: string) => formatTime(s, lang, me.timeZone),
      hasRole: (...roles: Role[]) => roles.some((r) => me.roles.includes(r)),
      inbox,
      refreshInbox: () => void poll(),
      announce: setPolite,
      navigate: (r: string) => {
        window.location.hash = `#/${r}`;
      },
    };
  }, [me, lang, t, inbox, poll]);

  if (!checked) return <p class="loading">{t("app.loading")}</p>;
  if (!me || !state)
    return <LoginPage lang={lang} onLang={setLangState} onDone={() => void loadMe()} />;

  const pageId = route.id || homeFor(me.roles);
  const page = PAGES.find((p) => p.id === pageId);
  const allowed = page && page.roles.some((r) => me.roles.includes(r));
  const Page = page?.component;

  async function logout() {
    try {
      await api.auth.logout({});
    } finally {
      afterP1.current = null;
      knownAssigned.current = null;
      setInbox(EMPTY_INBOX);
      setAlerts([]);
      setMe(null);
      window.location.hash = "";
    }
  }

  return (
    <AppCtx.Provider value={state}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        {t("app.skip")}
      </a>
      <header class="top">
        <span class="brand">{t("app.name")}</span>
        <nav aria-label={t("app.nav")}>
          <ul>
            {PAGES.filter((p) => p.nav && p.roles.some((r) => me.roles.includes(r))).map((p) => (
              <li>
                <a href={`#/${p.id}`} aria-current={p.id === pageId ? "page" : undefined}>
                  {t(p.nav ?? p.id)}
                  {p.id === "approvals" && inbox.approvals.length > 0 && (
                    <span class="badge">{inbox.approvals.length}</span>
                  )}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">{t("app.signedInAs", { user: me.user })}</span>
        <LangPicker lang={lang} onLang={(l) => void state.setLang(l)} label={t("app.language")} />
        <button type="button" onClick={() => void logout()}>{t("login.logout")}</button>
      </header>
      <div class="alerts" role="alert" aria-live="assertive">
        {alerts.map((a) => (
          <div class="alert p1" key={a.key}>
            <a href={a.href}>{a.text}</a>
            <button type="button" onClick={() => setAlerts((l) => l.filter((x) => x.key !== a.key))}>
              {t("app.dismiss")}
            </button>
          </div>
        ))}
      </div>
      <div class="sr-only" role="status" aria-live="polite">{polite}</div>
      <main id="main" tabIndex={-1}>
        {!page || !Page ? (
          <p>{t("app.notFound")}</p>
        ) : !allowed ? (
          <p>{t("app.forbidden")}</p>
        ) : (
          <Page key={`${pageId}/${route.arg}`} arg={route.arg} />
        )}
      </main>
    </AppCtx.Provider>
  );
}

