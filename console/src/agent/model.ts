// The agent's work list as data: which SLA deadline counts, open/closed, filters and sort order.
// Pure functions (no Preact, no API) so the page stays a thin view over them.
import type { Ticket } from "../gen/sealdesk_pb";
import { secondsLeft } from "../lib/format";

export const CLOSED = new Set(["resolved", "archived"]);
export const STATUSES = ["received", "in_progress", "waiting_customer", "resolved", "archived"];
export const CATEGORIES = ["account", "deposit", "withdrawal", "trading", "security", "technical",
  "compliance", "general"];
export const PRIORITIES = ["P1", "P2", "P3", "P4"];

export function isOpen(t: Ticket): boolean {
  return !CLOSED.has(t.status);
}

/* The deadline that counts now: first response while there is none, else resolution; none on a
 * closed ticket. */
export function slaDue(t: Ticket): string {
  if (!isOpen(t)) return "";
  return t.firstResponseAt ? t.slaResolutionDue : t.slaFirstResponseDue;
}

export function slaLeft(t: Ticket, now: number): number | null {
  return secondsLeft(slaDue(t), now);
}

export type StatusFilter = "open" | "all" | string; // or one status name
export type AssigneeFilter = "me" | "unassigned" | "all";

export interface Filters {
  status: StatusFilter;
  category: string; // "" = any
  priority: string; // "" = any
  assignee: AssigneeFilter;
  text: string;
}

export const DEFAULT_FILTERS: Filters = {
  status: "open",
  category: "",
  priority: "",
  assignee: "all",
  text: "",
};

/* What the server filters (Tickets.List fields); the rest is filtered here. */
export function serverFilter(f: Filters, me: string): { status: string; category: string;
  assignee: string } {
  return {
    status: f.status === "open" || f.status === "all" ? "" : f.status,
    category: f.category,
    assignee: f.assignee === "me" ? me : "",
  };
}

export function matches(t: Ticket, f: Filters, me: string): boolean {
  if (f.status === "open" && !isOpen(t)) return false;
  if (f.status !== "open" && f.status !== "all" && t.status !== f.status) return false;
  if (f.category && t.category !== f.category) return false;
  if (f.priority && t.priority !== f.priority) return false;
  if (f.assignee === "me" && t.assignee !== me) return false;
  if (f.assignee === "unassigned" && t.assignee !== "") return false;
  const q = f.text.trim().toLowerCase();
  if (q) {
    const ref = q.replace(/^#/, "");
    const byRef = /^\d+$/.test(ref) && String(t.id).startsWith(ref);
    if (!byRef && !t.subject.toLowerCase().includes(q)) return false;
  }
  return true;
}

export type SortKey = "default" | "id" | "subject" | "customer" | "category" | "priority" |
  "lang" | "vip" | "status" | "sla";

export interface Sort {
  key: SortKey;
  desc: boolean;
}

function prioRank(p: string): number {
  const i = PRIORITIES.indexOf(p);
  return i < 0 ? 99 : i;
}

/* No deadline sorts after every deadline. */
function slaRank(t: Ticket, now: number): number {
  const s = slaLeft(t, now);
  return s === null ? Number.MAX_SAFE_INTEGER : s;
}

function cmpId(a: Ticket, b: Ticket): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function cmpText(a: string, b: string): number {
  return a.localeCompare(b);
}

export function compare(key: SortKey, a: Ticket, b: Ticket, now: number): number {
  switch (key) {
    case "id":
      return cmpId(a, b);
    case "subject":
      return cmpText(a.subject, b.subject);
    case "customer":
      return cmpText(a.customer, b.customer);
    case "category":
      return cmpText(a.category, b.category);
    case "priority":
      return prioRank(a.priority) - prioRank(b.priority);
    case "lang":
      return cmpText(a.lang, b.lang);
    case "vip":
      return Number(b.vip) - Number(a.vip);
    case "status":
      return STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status);
    case "sla":
      return slaRank(a, now) - slaRank(b, now);
    case "default":
      return prioRank(a.priority) - prioRank(b.priority) || slaRank(a, now) - slaRank(b, now);
  }
}

/* A new sorted array; ties broken by id so the order is stable across refreshes. */
export function sortTickets(list: readonly Ticket[], s: Sort, now: number): Ticket[] {
  const dir = s.desc ? -1 : 1;
  return [...list].sort((a, b) => dir * compare(s.key, a, b, now) || cmpId(a, b));
}
