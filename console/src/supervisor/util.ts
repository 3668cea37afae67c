// Small helpers shared by the supervisor pages.

export const CATEGORIES = ["account", "deposit", "withdrawal", "trading", "security", "technical",
  "compliance", "general"] as const;

export const KB_LANGS = ["en", "zh", "zh-Hant", "ko"] as const;

/* A positive decimal id ("42", " 42 ", "#42"), or null. */
export function parseId(s: string): bigint | null {
  const m = /^\s*#?(\d{1,19})\s*$/.exec(s);
  if (!m || !m[1]) return null;
  const v = BigInt(m[1]);
  return v > 0n ? v : null;
}

/* Minutes east of UTC of IANA zone tz ("" = UTC) at instant ms. */
function offsetMin(tz: string, ms: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz || "UTC", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(ms));
  const n = (k: string) => Number(parts.find((p) => p.type === k)?.value ?? 0);
  const asUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/* A datetime-local value ("2026-12-03T10:00") read as wall time in the user's zone tz, as
 * RFC 3339 UTC ("" when it does not parse). */
export function localToRfc3339(v: string, tz: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v);
  if (!m) return "";
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let ms = wall - offsetMin(tz, wall) * 60000;
  ms = wall - offsetMin(tz, ms) * 60000; // once more, for a wall time near a DST change
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}
