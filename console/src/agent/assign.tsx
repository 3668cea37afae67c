// Supervisors: assign the ticket to an agent (Tickets.Assign). Agents come from
// Routing.ListAgents; the ones on duty for the ticket's language and category (Routing.Duty)
// come first, then on shift and skilled in the category, then the rest.
import { useEffect, useState } from "preact/hooks";
import type { AgentInfo } from "../gen/desk_pb";
import type { Ticket } from "../gen/sealdesk_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";

export interface RankedAgent {
  name: string;
  onShift: boolean;
  skilled: boolean;
  onDuty: boolean;
}

export function rankAgents(agents: readonly AgentInfo[], duty: ReadonlySet<string>,
  category: string): RankedAgent[] {
  const r = agents.map((a) => ({
    name: a.name,
    onShift: a.onShift,
    skilled: a.categories.length === 0 || a.categories.includes(category),
    onDuty: duty.has(a.name),
  }));
  const score = (a: RankedAgent) =>
    (a.onDuty ? 0 : 4) + (a.onShift && a.skilled ? 0 : 2) + (a.onShift ? 0 : 1);
  return r.sort((a, b) => score(a) - score(b) || a.name.localeCompare(b.name));
}

export function AssignControl(props: { ticket: Ticket; onDone: () => void }) {
  const { t } = useApp();
  const [agents, setAgents] = useState<RankedAgent[]>([]);
  const [pick, setPick] = useState(props.ticket.assignee);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const { category, lang } = props.ticket;

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const [list, duty] = await Promise.all([api.routing.listAgents({}), api.routing.duty({})]);
        const onDuty = new Set<string>();
        for (const c of duty.cells)
          if (c.category === category && (c.lang === lang || !lang))
            for (const a of c.agents) onDuty.add(a);
        if (live) setAgents(rankAgents(list.agents, onDuty, category));
      } catch (e) {
        if (live) setError(errorText(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [category, lang]);

  async function submit(e: Event) {
    e.preventDefault();
    if (!pick) return;
    setBusy(true);
    setError("");
    try {
      await api.tickets.assign({ id: props.ticket.id, agent: pick });
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  function note(a: RankedAgent): string {
    const bits: string[] = [];
    if (a.onDuty) bits.push(t("agent.assign.onDuty"));
    else if (a.onShift) bits.push(t("agent.assign.onShift"));
    else bits.push(t("agent.assign.offShift"));
    if (!a.skilled) bits.push(t("agent.assign.otherSkills"));
    return bits.join(", ");
  }

  return (
    <form class="assign row" onSubmit={submit}>
      <label for="assign-agent">{t("agent.assign.label")}</label>
      <select id="assign-agent" value={pick}
        onChange={(e) => setPick((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">{t("agent.assign.choose")}</option>
        {agents.map((a) => (
          <option value={a.name}>{`${a.name} (${note(a)})`}</option>
        ))}
      </select>
      <button type="submit" disabled={busy || !pick}>{t("agent.assign.submit")}</button>
      <p role="alert" class="error">{error}</p>
    </form>
  );
}
