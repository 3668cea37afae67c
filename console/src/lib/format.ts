// Display helpers: times in the user's zone and language, enum names, SLA countdowns.
import { hasKey, type Lang, translate } from "../i18n/core";

const LOCALES: Record<Lang, string> = { en: "en-GB", zh: "zh-CN", ko: "ko-KR" };

export function formatTime(rfc3339: string, lang: Lang, timeZone: string): string {
  if (!rfc3339) return "";
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return new Intl.DateTimeFormat(LOCALES[lang], {
    timeZone: timeZone || "UTC",
    dateStyle: "medium",
    timeStyle: "short",
  }).format(d);
}

export function enumText(lang: Lang, kind: string, value: string): string {
  const key = `enum.${kind}.${value}`;
  return hasKey(lang, key) || hasKey("en", key) ? translate(lang, key) : value;
}

/* Seconds until an RFC 3339 deadline (negative when overdue), or null when there is none. */
export function secondsLeft(rfc3339: string, now: number = Date.now()): number | null {
  if (!rfc3339) return null;
  const t = new Date(rfc3339).getTime();
  return Number.isNaN(t) ? null : Math.round((t - now) / 1000);
}

export function formatDuration(seconds: number): string {
  const s = Math.abs(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text = h >= 48 ? `${Math.floor(h / 24)}d ${h % 24}h` : `${h}h ${String(m).padStart(2, "0")}m`;
  return seconds < 0 ? `-${text}` : text;
}

export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return intl.supportedValuesOf ? ["UTC", ...intl.supportedValuesOf("timeZone")] : ["UTC"];
}
