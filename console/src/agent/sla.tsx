// SLA time left as text: the deadline that counts (model.ts slaDue), "Overdue by ..." in words
// and not by colour alone.
import type { Ticket } from "../gen/sealdesk_pb";
import { useApp } from "../lib/app";
import { formatDuration } from "../lib/format";
import { slaLeft } from "./model";

export function SlaText(props: { ticket: Ticket; now: number }) {
  const { t } = useApp();
  const s = slaLeft(props.ticket, props.now);
  if (s === null) return <span class="muted">—</span>;
  if (s < 0) return <span class="overdue">{t("agent.overdueBy", { d: formatDuration(-s) })}</span>;
  return <span>{formatDuration(s)}</span>;
}
