// Security-admin console: users (Admin.ListUsers; add, roles and TOTP reset are maker-checker
// requests another security admin approves), pending user requests (approve shows the new
// password / TOTP URI once; reject with a reason; the server refuses the maker's own approval
// and its message is shown), key status with rewrap progress (Keys.Status), audit key rotation
// and crypto-shredding of a customer, each destructive step behind a confirm dialog.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { KeyStatus } from "../gen/keys_pb";
import type { UserInfo, UserRequestInfo } from "../gen/sealdesk_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import "../i18n/admin";
import type { PageProps } from "./registry";

const ROLES = ["agent", "supervisor", "compliance", "security_admin", "auditor"] as const;
const MAX_NAME = 64;
const MAX_REASON = 512;
const MAX_UID = 128;

interface Confirm {
  title: string;
  body: string;
  action: string;
  run: () => Promise<void>;
}

export function AdminPage(_props: PageProps) {
  const app = useApp();
  const { t } = app;
  const [users, setUsers] = useState<UserInfo[]>([]);
  const [requests, setRequests] = useState<UserRequestInfo[]>([]);
  const [keys, setKeys] = useState<KeyStatus | null>(null);
  const [msg, setMsg] = useState("");
  const [error, setError] = useState("");
  const [secret, setSecret] = useState<UserRequestInfo | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);

  async function refresh() {
    try {
      const [u, r, k] = await Promise.all([
        api.admin.listUsers({}),
        api.admin.listUserRequests({ state: "pending" }),
        api.keys.status({}),
      ]);
      setUsers(u.users);
      setRequests(r.requests);
      setKeys(k);
    } catch (e) {
      setError(t("app.error", { msg: errorText(e) }));
    }
  }

  useEffect(() => {
    void refresh();
  }, []);

  /* Runs one call; its result text goes to the live region, a refusal to the alert. */
  async function act(what: () => Promise<string>) {
    setError("");
    setMsg("");
    try {
      const text = await what();
      setMsg(text);
      app.announce(text);
    } catch (e) {
      setError(t("app.error", { msg: errorText(e) }));
    }
    await refresh();
  }

  const ask = (c: Confirm) => setConfirm(c);

  return (
    <section aria-labelledby="admin-h">
      <h1 id="admin-h">{t("admin.title")}</h1>
      <p class="error" role="alert">{error}</p>
      <p role="status" aria-live="polite" class="ok">{msg}</p>
      {secret && <SecretPanel info={secret} onDone={() => setSecret(null)} />}

      <UsersSection users={users} act={act} ask={ask} />
      <RequestsSection requests={requests} act={act} onSecret={setSecret} />
      <KeysSection keys={keys} act={act} ask={ask} />
      <ShredSection act={act} ask={ask} />

      {confirm && (
        <ConfirmDialog
          c={confirm}
          onClose={() => setConfirm(null)}
          onConfirm={() => {
            const c = confirm;
            setConfirm(null);
            void c.run();
          }}
        />
      )}
    </section>
  );
}

type Act = (what: () => Promise<string>) => Promise<void>;
type Ask = (c: Confirm) => void;

function RoleBoxes(props: { idPrefix: string; value: string[]; onChange: (r: string[]) => void }) {
  const { t } = useApp();
  return (
    <fieldset class="roles">
      <legend>{t("admin.roles")}</legend>
      {ROLES.map((r) => (
        <label key={r}>
          <input type="checkbox" id={`${props.idPrefix}-${r}`} checked={props.value.includes(r)}
            onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              props.onChange(on ? [...props.value, r] : props.value.filter((x) => x !== r));
            }} />
          {t(`admin.role.${r}`)}
        </label>
      ))}
    </fieldset>
  );
}

function UsersSection(props: { users: UserInfo[]; act: Act; ask: Ask }) {
  const app = useApp();
  const { t } = app;
  const [name, setName] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const [editing, setEditing] = useState<{ name: string; roles: string[] } | null>(null);

  function add(e: Event) {
    e.preventDefault();
    const n = name.trim();
    void props.act(async () => {
      const r = await api.admin.addUser({ name: n, roles: roles.join(",") });
      setName("");
      setRoles([]);
      return t("admin.requested", { id: String(r.requestId), what: t("admin.kind.add"), name: r.name });
    });
  }

  return (
    <section aria-labelledby="users-h">
      <h2 id="users-h">{t("admin.users")}</h2>
      <table aria-labelledby="users-h">
        <thead>
          <tr>
            <th scope="col">{t("admin.name")}</th>
            <th scope="col">{t("admin.roles")}</th>
            <th scope="col">{t("admin.state")}</th>
            <th scope="col">{t("admin.totp")}</th>
            <th scope="col">{t("admin.created")}</th>
            <th scope="col">{t("admin.failedLogins")}</th>
            <th scope="col">{t("admin.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr key={u.name}>
              <th scope="row">{u.name}</th>
              <td>{u.roles.split(",").filter(Boolean).map((r) => t(`admin.role.${r}`)).join(", ")}</td>
              <td>
                {u.disabled ? t("admin.disabled") : t("admin.enabled")}
                {u.lockedUntil && <span class="muted"> {t("admin.lockedUntil", { time: app.fmtTime(u.lockedUntil) })}</span>}
              </td>
              <td>{u.totp ? t("admin.yes") : t("admin.no")}</td>
              <td>{app.fmtTime(u.createdAt)}</td>
              <td>{u.failedLogins}</td>
              <td class="actions">
                {u.disabled ? (
                  <button type="button" aria-label={t("admin.enableUser", { name: u.name })}
                    onClick={() => void props.act(async () => {
                      await api.admin.setUserDisabled({ name: u.name, disabled: false });
                      return t("admin.done.enabled", { name: u.name });
                    })}>{t("admin.enable")}</button>
                ) : (
                  <button type="button" aria-label={t("admin.disableUser", { name: u.name })}
                    onClick={() => props.ask({
                      title: t("admin.disable"),
                      body: t("admin.confirm.disable", { name: u.name }),
                      action: t("admin.disable"),
                      run: () => props.act(async () => {
                        await api.admin.setUserDisabled({ name: u.name, disabled: true });
                        return t("admin.done.disabled", { name: u.name });
                      }),
                    })}>{t("admin.disable")}</button>
                )}
                <button type="button" aria-label={t("admin.rolesOf", { name: u.name })}
                  onClick={() => setEditing({ name: u.name, roles: u.roles.split(",").filter(Boolean) })}>
                  {t("admin.roles")}
                </button>
                <button type="button" aria-label={t("admin.resetTotpOf", { name: u.name })}
                  onClick={() => props.ask({
                    title: t("admin.resetTotp"),
                    body: t("admin.confirm.resetTotp", { name: u.name }),
                    action: t("admin.resetTotp"),
                    run: () => props.act(async () => {
                      const r = await api.admin.resetTotp({ name: u.name });
                      return t("admin.requested", { id: String(r.id), what: t("admin.kind.reset_totp"), name: u.name });
                    }),
                  })}>{t("admin.resetTotp")}</button>
                <button type="button" aria-label={t("admin.revokeOf", { name: u.name })}
                  onClick={() => void props.act(async () => {
                    await api.admin.revokeSessions({ name: u.name });
                    return t("admin.done.revoked", { name: u.name });
                  })}>{t("admin.revoke")}</button>
                <button type="button" class="danger" aria-label={t("admin.offboardOf", { name: u.name })}
                  onClick={() => props.ask({
                    title: t("admin.offboard"),
                    body: t("admin.confirm.offboard", { name: u.name }),
                    action: t("admin.offboard"),
                    run: () => props.act(async () => {
                      const r = await api.admin.offboardUser({ name: u.name });
                      return t("admin.done.offboarded", { name: u.name, n: r.requeued.length });
                    }),
                  })}>{t("admin.offboard")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {editing && (
        <form class="card stack" aria-labelledby="roles-h" onSubmit={(e) => {
          e.preventDefault();
          const ed = editing;
          setEditing(null);
          void props.act(async () => {
            const r = await api.admin.setUserRoles({ name: ed.name, roles: ed.roles.join(",") });
            return t("admin.requested", { id: String(r.id), what: t("admin.kind.roles"), name: ed.name });
          });
        }}>
          <h3 id="roles-h">{t("admin.rolesOf", { name: editing.name })}</h3>
          <RoleBoxes idPrefix="edit-role" value={editing.roles}
            onChange={(r) => setEditing({ ...editing, roles: r })} />
          <div class="toolbar">
            <button type="submit" class="primary">{t("admin.requestChange")}</button>
            <button type="button" onClick={() => setEditing(null)}>{t("app.cancel")}</button>
          </div>
        </form>
      )}

      <form class="card stack" aria-labelledby="add-h" onSubmit={add}>
        <h3 id="add-h">{t("admin.addUser")}</h3>
        <label for="add-name">{t("admin.name")}</label>
        <input id="add-name" required maxLength={MAX_NAME} autocomplete="off" value={name}
          pattern="[A-Za-z0-9._\-]+"
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        <RoleBoxes idPrefix="add-role" value={roles} onChange={setRoles} />
        <p class="muted">{t("admin.addHint")}</p>
        <button type="submit" class="primary">{t("admin.requestAdd")}</button>
      </form>
    </section>
  );
}

function RequestsSection(props: {
  requests: UserRequestInfo[];
  act: Act;
  onSecret: (r: UserRequestInfo) => void;
}) {
  const app = useApp();
  const { t } = app;
  const [rejecting, setRejecting] = useState<bigint | null>(null);
  const [reason, setReason] = useState("");

  return (
    <section aria-labelledby="req-h">
      <h2 id="req-h">{t("admin.requests")}</h2>
      {props.requests.length === 0 ? (
        <p>{t("admin.noRequests")}</p>
      ) : (
        <table aria-labelledby="req-h">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("admin.kind")}</th>
              <th scope="col">{t("admin.name")}</th>
              <th scope="col">{t("admin.roles")}</th>
              <th scope="col">{t("admin.requester")}</th>
              <th scope="col">{t("admin.requestedAt")}</th>
              <th scope="col">{t("admin.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {props.requests.map((r) => (
              <tr key={String(r.id)}>
                <td>{String(r.id)}</td>
                <td>{t(`admin.kind.${r.kind}`)}</td>
                <td>{r.name}</td>
                <td>{r.roles}</td>
                <td>{r.requester}</td>
                <td>{app.fmtTime(r.requestedAt)}</td>
                <td class="actions">
                  <button type="button" class="primary"
                    aria-label={t("admin.approveReq", { id: String(r.id) })}
                    onClick={() => void props.act(async () => {
                      const done = await api.admin.approveUserRequest({ id: r.id });
                      if (done.password || done.totpUri) props.onSecret(done);
                      return t("admin.done.approved", { id: String(r.id) });
                    })}>{t("admin.approve")}</button>
                  <button type="button" aria-label={t("admin.rejectReq", { id: String(r.id) })}
                    onClick={() => {
                      setRejecting(r.id);
                      setReason("");
                    }}>{t("admin.reject")}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rejecting !== null && (
        <form class="card stack" aria-labelledby="rej-h" onSubmit={(e) => {
          e.preventDefault();
          const id = rejecting;
          setRejecting(null);
          void props.act(async () => {
            await api.admin.rejectUserRequest({ id, reason: reason.trim() });
            return t("admin.done.rejected", { id: String(id) });
          });
        }}>
          <h3 id="rej-h">{t("admin.rejectReq", { id: String(rejecting) })}</h3>
          <label for="rej-reason">{t("app.reason")}</label>
          <input id="rej-reason" required maxLength={MAX_REASON} value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
          <div class="toolbar">
            <button type="submit" class="danger">{t("admin.reject")}</button>
            <button type="button" onClick={() => setRejecting(null)}>{t("app.cancel")}</button>
          </div>
        </form>
      )}
    </section>
  );
}

/* The new password and TOTP URI of an approved add (or TOTP reset), shown once: they live only
 * in this component's props and are dropped when the admin closes it. */
function SecretPanel(props: { info: UserRequestInfo; onDone: () => void }) {
  const { t } = useApp();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="card stack secret" role="region" aria-labelledby="secret-h" tabIndex={-1} ref={ref}>
      <h2 id="secret-h">{t("admin.secretTitle", { name: props.info.name })}</h2>
      <p>{t("admin.secretOnce")}</p>
      {props.info.password && (
        <>
          <span class="label">{t("admin.password")}</span>
          <code class="secret-value" aria-label={t("admin.password")}>{props.info.password}</code>
        </>
      )}
      {props.info.totpUri && (
        <>
          <span class="label">{t("admin.totpUri")}</span>
          <code class="secret-value" aria-label={t("admin.totpUri")}>{props.info.totpUri}</code>
        </>
      )}
      <button type="button" class="primary" onClick={props.onDone}>{t("admin.secretDone")}</button>
    </div>
  );
}

function KeysSection(props: { keys: KeyStatus | null; act: Act; ask: Ask }) {
  const app = useApp();
  const { t } = app;
  const [reason, setReason] = useState("");
  const k = props.keys;
  if (!k) return null;
  const current = k.versions.find((v) => v.version === k.currentVersion);
  const onCurrent = current ? current.dataKeys : 0n;
  const pct = k.dataKeys > 0n ? Number((onCurrent * 1000n) / k.dataKeys) / 10 : 100;

  return (
    <section aria-labelledby="keys-h">
      <h2 id="keys-h">{t("admin.keys")}</h2>
      <dl class="facts">
        <dt>{t("admin.kekCurrent")}</dt>
        <dd>k{k.currentVersion}</dd>
        <dt>{t("admin.minDecrypt")}</dt>
        <dd>k{k.minDecryptionVersion}</dd>
        <dt>{t("admin.dataKeys")}</dt>
        <dd>{String(k.dataKeys)} ({t("admin.shredded", { n: String(k.dataKeysShredded) })})</dd>
        <dt>{t("admin.lastRotation")}</dt>
        <dd>{k.lastRotation ? app.fmtTime(k.lastRotation) : t("app.none")}</dd>
        <dt>{t("admin.rewrap")}</dt>
        <dd>
          <progress max={100} value={pct} aria-label={t("admin.rewrap")}>{pct}%</progress>{" "}
          {t("admin.rewrapProgress", {
            done: String(onCurrent),
            total: String(k.dataKeys),
            version: k.currentVersion,
          })}{" "}
          {k.rewrapInProgress ? t("admin.rewrapRunning") : ""}
        </dd>
        <dt>{t("admin.bidx")}</dt>
        <dd>{k.blindIndexVersion}</dd>
        <dt>{t("admin.auditKey")}</dt>
        <dd>v{k.auditKeyVersion} <code>{k.auditKeyFingerprint}</code></dd>
      </dl>
      <table aria-label={t("admin.kekVersions")}>
        <thead>
          <tr>
            <th scope="col">{t("admin.version")}</th>
            <th scope="col">{t("admin.dataKeys")}</th>
            <th scope="col">{t("admin.created")}</th>
            <th scope="col">{t("admin.state")}</th>
          </tr>
        </thead>
        <tbody>
          {k.versions.map((v) => (
            <tr key={v.version}>
              <td>k{v.version}</td>
              <td>{String(v.dataKeys)}</td>
              <td>{app.fmtTime(v.createdAt)}</td>
              <td>{v.retired ? t("admin.retired") : v.version === k.currentVersion ? t("admin.current") : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table aria-label={t("admin.auditKeys")}>
        <thead>
          <tr>
            <th scope="col">{t("admin.version")}</th>
            <th scope="col">{t("admin.fingerprint")}</th>
            <th scope="col">{t("admin.fromSize")}</th>
            <th scope="col">{t("admin.created")}</th>
          </tr>
        </thead>
        <tbody>
          {k.auditKeys.map((a) => (
            <tr key={a.version}>
              <td>v{a.version}{a.current ? ` (${t("admin.current")})` : ""}</td>
              <td><code>{a.fingerprint}</code></td>
              <td>{String(a.fromTreeSize)}</td>
              <td>{app.fmtTime(a.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="toolbar" aria-labelledby="rot-h" onSubmit={(e) => {
        e.preventDefault();
        const why = reason.trim();
        props.ask({
          title: t("admin.rotateAudit"),
          body: t("admin.confirm.rotateAudit"),
          action: t("admin.rotateAudit"),
          run: () => props.act(async () => {
            const r = await api.keys.rotateAuditKey({ reason: why });
            setReason("");
            return t("admin.done.rotated", {
              version: r.version,
              fp: r.fingerprint,
              size: String(r.handoffTreeSize),
            });
          }),
        });
      }}>
        <h3 id="rot-h" class="sr-only">{t("admin.rotateAudit")}</h3>
        <label>
          {t("app.reason")}
          <input maxLength={MAX_REASON} value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t("admin.rotateAudit")}</button>
      </form>
    </section>
  );
}

function ShredSection(props: { act: Act; ask: Ask }) {
  const { t } = useApp();
  const [uid, setUid] = useState("");
  const [reason, setReason] = useState("");
  return (
    <section aria-labelledby="shred-h">
      <h2 id="shred-h">{t("admin.shred")}</h2>
      <p class="muted">{t("admin.shredHint")}</p>
      <form class="stack card" onSubmit={(e) => {
        e.preventDefault();
        const u = uid.trim();
        const why = reason.trim();
        props.ask({
          title: t("admin.shred"),
          body: t("admin.confirm.shred"),
          action: t("admin.shredNow"),
          run: () => props.act(async () => {
            const r = await api.keys.shred({ customerUid: u, reason: why });
            setUid("");
            setReason("");
            return t("admin.done.shredded", {
              keys: String(r.dataKeys),
              tickets: String(r.tickets),
            });
          }),
        });
      }}>
        <label for="shred-uid">{t("admin.customerUid")}</label>
        <input id="shred-uid" required maxLength={MAX_UID} autocomplete="off" value={uid}
          onInput={(e) => setUid((e.currentTarget as HTMLInputElement).value)} />
        <label for="shred-reason">{t("app.reason")}</label>
        <input id="shred-reason" required maxLength={MAX_REASON} autocomplete="off" value={reason}
          onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="danger">{t("admin.shredNow")}</button>
      </form>
    </section>
  );
}

function ConfirmDialog(props: { c: Confirm; onClose: () => void; onConfirm: () => void }) {
  const { t } = useApp();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="confirm-h" aria-describedby="confirm-b"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}>
      <h2 id="confirm-h">{props.c.title}</h2>
      <p id="confirm-b">{props.c.body}</p>
      <DialogButtons>
        <button type="button" class="danger" onClick={props.onConfirm}>{props.c.action}</button>
        <button type="button" autoFocus onClick={props.onClose}>{t("app.cancel")}</button>
      </DialogButtons>
    </dialog>
  );
}

function DialogButtons(props: { children: ComponentChildren }) {
  return <div class="toolbar">{props.children}</div>;
}
