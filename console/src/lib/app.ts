// What every page gets from the shell (src/app.tsx): the signed-in user, translation, time
// formatting in the user's zone, the inbox poll and an announcer for the live regions.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Lang, Vars } from "../i18n/core";

export type Role = "agent" | "supervisor" | "compliance" | "security_admin" | "auditor";

export interface Me {
  user: string;
  roles: string[];
  timeZone: string; // IANA; "" = UTC
}

export interface InboxSnapshot {
  assigned: bigint[];      // open tickets assigned to me
  approvals: bigint[];     // pending remedies I may approve
  newP1: bigint[];         // P1 tickets that arrived since the page loaded
}

export interface AppState {
  me: Me;
  lang: Lang;
  t: (key: string, vars?: Vars) => string;
  setLang: (l: Lang) => Promise<void>;
  setTimeZone: (tz: string) => Promise<void>;
  fmtTime: (rfc3339: string) => string;
  hasRole: (...roles: Role[]) => boolean;
  inbox: InboxSnapshot;
  refreshInbox: () => void;
  announce: (msg: string) => void;
  navigate: (route: string) => void;
}

export const AppCtx = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(AppCtx);
  if (!s) throw new Error("useApp outside the shell");
  return s;
}
