// Translation tables: every area registers its own en/zh/ko strings (src/i18n/<area>.ts), so
// pages can be added without editing one shared dictionary. Missing keys fall back to English,
// then to the key itself (visible in review, never a crash).
export type Lang = "en" | "zh" | "ko";
export const LANGS: readonly Lang[] = ["en", "zh", "ko"];
export type Dict = Record<string, string>;

const dicts: Record<Lang, Dict> = { en: {}, zh: {}, ko: {} };

export function register(tables: Partial<Record<Lang, Dict>>): void {
  for (const l of LANGS) Object.assign(dicts[l], tables[l] ?? {});
}

export function isLang(s: string): s is Lang {
  return (LANGS as readonly string[]).includes(s);
}

export type Vars = Record<string, string | number>;

export function translate(lang: Lang, key: string, vars?: Vars): string {
  const s = dicts[lang][key] ?? dicts.en[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function hasKey(lang: Lang, key: string): boolean {
  return key in dicts[lang];
}
