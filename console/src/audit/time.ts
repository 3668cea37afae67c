// Wall-clock times in the user's IANA time zone <-> RFC 3339 UTC, for the audit search's time
// range: the officer types "2026-12-03T09:00" meaning 09:00 in their own zone (Auth.Me
// time_zone, "" = UTC), and Audit.Search takes RFC 3339. Intl only, no time-zone tables.

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/* Milliseconds the zone is ahead of UTC at instant `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0,
    p.second ?? 0);
  return wall - Math.floor(ms / 1000) * 1000;
}

/* "YYYY-MM-DDTHH:MM[:SS]" (an <input type="datetime-local"> value) read in `timeZone` -> RFC 3339
 * UTC ("2026-12-03T01:00:00Z"). "" stays "" (unbounded). Throws naming `field` when malformed or
 * the zone is unknown. A wall time skipped by a DST jump maps to the instant after the jump. */
export function localToUtc(local: string, timeZone: string, field = "time"): string {
  if (local === "") return "";
  const m = LOCAL.exec(local);
  if (!m) throw new Error(`${field}: expected YYYY-MM-DDTHH:MM`);
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as number[];
  const guess = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
  const back = new Date(guess);
  if (back.getUTCMonth() !== (mo ?? 1) - 1 || back.getUTCDate() !== d || (h ?? 0) > 23)
    throw new Error(`${field}: no such date`);
  const tz = timeZone || "UTC";
  let off: number;
  try {
    off = offsetAt(guess, tz);
  } catch {
    throw new Error(`${field}: unknown time zone`);
  }
  let t = guess - off;
  const off2 = offsetAt(t, tz);
  // Across a DST change the offset at the result may differ from the guess's; take it when it
  // maps back to the same wall time (otherwise the wall time fell in a gap: keep the later one).
  if (off2 !== off && offsetAt(guess - off2, tz) === off2) t = guess - off2;
  return new Date(t).toISOString().replace(/\.000Z$/, "Z");
}

/* RFC 3339 -> "YYYY-MM-DDTHH:MM" in `timeZone`, for putting a range back into the inputs. */
export function utcToLocal(rfc3339: string, timeZone: string): string {
  if (rfc3339 === "") return "";
  const ms = new Date(rfc3339).getTime();
  if (Number.isNaN(ms)) return "";
  const w = new Date(ms + offsetAt(ms, timeZone || "UTC"));
  return w.toISOString().slice(0, 16);
}
