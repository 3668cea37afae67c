// Every page of the console: its hash route, nav label, the roles that see it. The server
// authorizes every call again; this table only keeps the navigation honest. One file per page
// under src/pages/, each exporting its component.
import type { ComponentType } from "preact";
import type { Role } from "../lib/app";
import { AdminPage } from "./admin";
import { ApprovalsPage } from "./approvals";
import { AuditPage } from "./audit";
import { DashboardPage } from "./dashboard";
import { IncidentsPage } from "./incidents";
import { KbPage } from "./kb";
import { RoutingPage } from "./routing";
import { SettingsPage } from "./settings";
import { TicketPage } from "./ticket";
import { WorkListPage } from "./worklist";

export interface PageProps {
  arg: string; // what follows the page id in the hash ("#/ticket/42" -> "42")
}

export interface PageDef {
  id: string;
  nav?: string; // i18n key; absent = reached by link only
  roles: readonly Role[];
  component: ComponentType<PageProps>;
}

export const PAGES: readonly PageDef[] = [
  { id: "tickets", nav: "nav.tickets", roles: ["agent", "supervisor"], component: WorkListPage },
  { id: "ticket", roles: ["agent", "supervisor", "compliance"], component: TicketPage },
  { id: "dashboard", nav: "nav.dashboard", roles: ["supervisor", "compliance", "auditor"],
    component: DashboardPage },
  { id: "approvals", nav: "nav.approvals", roles: ["supervisor", "compliance", "security_admin"],
    component: ApprovalsPage },
  { id: "incidents", nav: "nav.incidents", roles: ["supervisor"], component: IncidentsPage },
  { id: "kb", nav: "nav.kb", roles: ["supervisor"], component: KbPage },
  { id: "routing", nav: "nav.routing", roles: ["supervisor"], component: RoutingPage },
  { id: "audit", nav: "nav.audit", roles: ["compliance", "auditor"], component: AuditPage },
  { id: "admin", nav: "nav.admin", roles: ["security_admin"], component: AdminPage },
  { id: "settings", nav: "nav.settings",
    roles: ["agent", "supervisor", "compliance", "security_admin", "auditor"],
    component: SettingsPage },
];

/* The first page a user lands on after login. */
export function homeFor(roles: readonly string[]): string {
  const first = PAGES.find((p) => p.nav && p.roles.some((r) => roles.includes(r)));
  return first ? first.id : "settings";
}
