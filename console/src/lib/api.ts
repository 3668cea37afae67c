// One gRPC-Web transport to the server that served this page, and a typed client per service.
// The session travels in the __Host-sealdesk cookie (HttpOnly): this code never sees a token.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { Attachments, Customers } from "../gen/backoffice_pb";
import { Incidents, Knowledge, Routing } from "../gen/desk_pb";
import { Keys } from "../gen/keys_pb";
import { Remedies } from "../gen/remedies_pb";
import { Admin, Audit, Auth, Tickets } from "../gen/sealdesk_pb";

const transport = createGrpcWebTransport({
  baseUrl: window.location.origin,
  useBinaryFormat: true,
  fetch: (input, init) => fetch(input, { ...init, credentials: "same-origin", cache: "no-store" }),
});

export const api = {
  auth: createClient(Auth, transport),
  tickets: createClient(Tickets, transport),
  audit: createClient(Audit, transport),
  admin: createClient(Admin, transport),
  remedies: createClient(Remedies, transport),
  keys: createClient(Keys, transport),
  knowledge: createClient(Knowledge, transport),
  routing: createClient(Routing, transport),
  incidents: createClient(Incidents, transport),
  customers: createClient(Customers, transport),
  attachments: createClient(Attachments, transport),
};
export type Api = typeof api;

/* The server's own message (it names the field at fault), never a stack. */
export function errorText(e: unknown): string {
  if (e instanceof ConnectError) return e.rawMessage || Code[e.code];
  if (e instanceof Error) return e.message;
  return String(e);
}

export function isUnauthenticated(e: unknown): boolean {
  return e instanceof ConnectError && e.code === Code.Unauthenticated;
}
