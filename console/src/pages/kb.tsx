// Knowledge base: search (BM25 on the server), view an article and any earlier version, add a
// new article (or a translation of one), edit with versions. Edit sends the version the editor
// started from (`expected_version`): the server refuses to overwrite a newer one in its write
// txn; the page also reads the article first to name who saved in between.
import { useEffect, useState } from "preact/hooks";
import type { Article, SearchHit } from "../gen/desk_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import { enumText } from "../lib/format";
import { CATEGORIES, KB_LANGS, parseId } from "../supervisor/util";
import "../i18n/supervisor";
import type { PageProps } from "./registry";

const STATUSES = ["published", "draft", "retired"] as const;
const TITLE_MAX = 200;
const BODY_MAX = 64 * 1024;
const QUERY_MAX = 200;

type Mode = { kind: "view"; id: bigint } | { kind: "add"; translationOf: bigint | null } | {
  kind: "edit";
  article: Article;
} | null;

function tagsOf(s: string): string[] {
  return s.split(",").map((x) => x.trim()).filter(Boolean);
}

export function KbPage(props: PageProps) {
  const { t } = useApp();
  const [q, setQ] = useState("");
  const [qLang, setQLang] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState("");
  const start = parseId(props.arg);
  const [mode, setMode] = useState<Mode>(start !== null ? { kind: "view", id: start } : null);

  async function search(e: Event) {
    e.preventDefault();
    setError("");
    try {
      const r = await api.knowledge.search({ text: q.trim(), lang: qLang, limit: 20 });
      setHits(r.hits);
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section aria-labelledby="kb-h" class="kb">
      <h1 id="kb-h">{t("nav.kb")}</h1>
      <form class="toolbar" role="search" onSubmit={search}>
        <label>
          {t("kb.query")}
          <input type="search" required maxLength={QUERY_MAX} value={q}
            onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          {t("kb.lang")}
          <select value={qLang} onChange={(e) => setQLang((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t("kb.anyLang")}</option>
            {KB_LANGS.map((l) => (
              <option value={l}>{l}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">{t("kb.search")}</button>
        <button type="button" onClick={() => setMode({ kind: "add", translationOf: null })}>
          {t("kb.add")}
        </button>
      </form>
      <p role="alert" class="error">{error && t("app.error", { msg: error })}</p>
      <div class="grid2">
        <div>
          {hits !== null && (hits.length === 0 ? (
            <p>{t("kb.noHits")}</p>
          ) : (
            <ol class="kb-hits" aria-label={t("kb.results")}>
              {hits.map((h) => (
                <li>
                  <button type="button" class="sup-link" onClick={() => setMode({ kind: "view", id: h.id })}>
                    {h.title}
                  </button>{" "}
                  <span class="muted">#{String(h.id)} · {h.lang}</span>
                  <p class="kb-snippet">{h.snippet}</p>
                </li>
              ))}
            </ol>
          ))}
        </div>
        <div>
          {mode?.kind === "view" && (
            <ArticleView key={String(mode.id)} id={mode.id}
              onEdit={(a) => setMode({ kind: "edit", article: a })}
              onTranslate={(a) => setMode({ kind: "add", translationOf: a.id })}
              onOpen={(id) => setMode({ kind: "view", id })} />
          )}
          {(mode?.kind === "add" || mode?.kind === "edit") && (
            <ArticleForm key={mode.kind === "edit" ? `e${mode.article.id}` : `a${mode.translationOf}`}
              mode={mode}
              onDone={(a) => setMode({ kind: "view", id: a.id })}
              onCancel={() => setMode(mode.kind === "edit" ? { kind: "view", id: mode.article.id } : null)} />
          )}
        </div>
      </div>
    </section>
  );
}

function ArticleView(p: {
  id: bigint;
  onEdit: (a: Article) => void;
  onTranslate: (a: Article) => void;
  onOpen: (id: bigint) => void;
}) {
  const { t, lang, fmtTime } = useApp();
  const [current, setCurrent] = useState<Article | null>(null);
  const [shown, setShown] = useState<Article | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    api.knowledge
      .get({ id: p.id, version: 0 })
      .then((a) => {
        setCurrent(a);
        setShown(a);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [p.id]);

  async function pick(v: number) {
    setError("");
    try {
      setShown(await api.knowledge.get({ id: p.id, version: v }));
    } catch (e) {
      setError(errorText(e));
    }
  }

  if (!current || !shown)
    return <p role="alert" class="error">{error || t("app.loading")}</p>;
  const versions = Array.from({ length: current.version }, (_, i) => current.version - i);
  const old = shown.version !== current.version;
  return (
    <article class="card kb-article" aria-labelledby="kb-a-h" lang={shown.lang}>
      <h2 id="kb-a-h">{shown.title}</h2>
      <p class="muted" lang={lang}>
        {t("kb.meta", {
          id: String(shown.id),
          version: String(shown.version),
          author: shown.author,
          time: fmtTime(shown.updatedAt),
        })}
        {" · "}
        {enumText(lang, "category", shown.category)} · {t(`kb.st.${shown.status}`)}
        {shown.tags.length > 0 && ` · ${shown.tags.join(", ")}`}
      </p>
      <div class="toolbar" lang={lang}>
        <label>
          {t("kb.version")}
          <select value={String(shown.version)}
            onChange={(e) => void pick(Number((e.currentTarget as HTMLSelectElement).value))}>
            {versions.map((v) => (
              <option value={String(v)}>
                {v === current.version ? t("kb.versionCurrent", { v: String(v) }) : t("kb.versionN", { v: String(v) })}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => p.onEdit(current)}>{t("kb.edit")}</button>
        <button type="button" onClick={() => p.onTranslate(current)}>{t("kb.translate")}</button>
      </div>
      {old && <p class="sup-warn" lang={lang}>{t("kb.oldVersion", { v: String(shown.version) })}</p>}
      <pre class="kb-body">{shown.body}</pre>
      {Object.keys(current.translations).length > 0 && (
        <p lang={lang}>
          {t("kb.translations")}{" "}
          {Object.entries(current.translations).map(([l, id]) => (
            <button type="button" class="sup-link" onClick={() => p.onOpen(id)}>{l} #{String(id)}</button>
          ))}
        </p>
      )}
      <p role="alert" class="error" lang={lang}>{error}</p>
    </article>
  );
}

function ArticleForm(p: {
  mode: { kind: "add"; translationOf: bigint | null } | { kind: "edit"; article: Article };
  onDone: (a: Article) => void;
  onCancel: () => void;
}) {
  const { t, lang, announce } = useApp();
  const a = p.mode.kind === "edit" ? p.mode.article : null;
  const [aLang, setALang] = useState(a?.lang ?? "en");
  const [title, setTitle] = useState(a?.title ?? "");
  const [body, setBody] = useState(a?.body ?? "");
  const [category, setCategory] = useState(a?.category ?? "general");
  const [tags, setTags] = useState(a ? a.tags.join(", ") : "");
  const [status, setStatus] = useState(a?.status ?? "published");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function save(e: Event) {
    e.preventDefault();
    setError("");
    setBusy(true);
    try {
      let out: Article;
      if (a) {
        const now = await api.knowledge.get({ id: a.id, version: 0 });
        if (now.version !== a.version) {
          setError(t("kb.conflict", { mine: String(a.version), now: String(now.version), who: now.author }));
          return;
        }
        // The server checks it again in its write txn (a save between the read and this call).
        out = await api.knowledge.edit({
          expectedVersion: a.version,
          id: a.id,
          title: title.trim() === a.title ? "" : title.trim(),
          body: body === a.body ? "" : body,
          category: category === a.category ? "" : category,
          tags: tagsOf(tags),
          setTags: tagsOf(tags).join(",") !== a.tags.join(","),
          status: status === a.status ? "" : status,
        });
      } else {
        out = await api.knowledge.add({
          lang: aLang,
          title: title.trim(),
          body,
          category,
          tags: tagsOf(tags),
          translationOf: p.mode.kind === "add" && p.mode.translationOf ? p.mode.translationOf : 0n,
          status,
        });
      }
      announce(t("kb.saved", { id: String(out.id), v: String(out.version) }));
      p.onDone(out);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card stack" onSubmit={save} aria-labelledby="kb-f-h">
      <h2 id="kb-f-h">
        {a
          ? t("kb.editing", { id: String(a.id), v: String(a.version) })
          : p.mode.kind === "add" && p.mode.translationOf
            ? t("kb.addTranslation", { id: String(p.mode.translationOf) })
            : t("kb.add")}
      </h2>
      {!a && (
        <>
          <label for="kb-f-lang">{t("kb.lang")}</label>
          <select id="kb-f-lang" value={aLang} onChange={(e) => setALang((e.currentTarget as HTMLSelectElement).value)}>
            {KB_LANGS.map((l) => (
              <option value={l}>{l}</option>
            ))}
          </select>
        </>
      )}
      <label for="kb-f-title">{t("kb.title")}</label>
      <input id="kb-f-title" required maxLength={TITLE_MAX} value={title}
        onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
      <label for="kb-f-body">{t("kb.body")}</label>
      <textarea id="kb-f-body" required maxLength={BODY_MAX} value={body} class="kb-edit"
        onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />
      <label for="kb-f-cat">{t("kb.category")}</label>
      <select id="kb-f-cat" value={category} onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value)}>
        {CATEGORIES.map((c) => (
          <option value={c}>{enumText(lang, "category", c)}</option>
        ))}
      </select>
      <label for="kb-f-tags">{t("kb.tags")}</label>
      <input id="kb-f-tags" maxLength={500} value={tags}
        onInput={(e) => setTags((e.currentTarget as HTMLInputElement).value)} />
      <label for="kb-f-status">{t("kb.status")}</label>
      <select id="kb-f-status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}>
        {STATUSES.map((s) => (
          <option value={s}>{t(`kb.st.${s}`)}</option>
        ))}
      </select>
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>{t("app.save")}</button>
        <button type="button" onClick={p.onCancel}>{t("app.cancel")}</button>
      </div>
      <p role="alert" class="error">{error}</p>
    </form>
  );
}
