// Supervisor dashboard: queue depth and overdue tickets per priority (Tickets.Stats), agents on
// duty (Routing.Duty), intake per day by category and by channel (Routing.DayStats, last 14
// days), CSAT and median first-response / resolution times. Refreshed every 30 s.
import { useCallback, useEffect, useState } from "preact/hooks";
import type { DayStatsRow, DutyView } from "../gen/desk_pb";
import type { TicketStats } from "../gen/sealdesk_pb";
import { api, errorText } from "../lib/api";
import { useApp } from "../lib/app";
import { enumText, formatDuration } from "../lib/format";
import { Chart, mapValues } from "../supervisor/chart";
import "../i18n/supervisor";
import type { PageProps } from "./registry";

const REFRESH_MS = 30_000;
const DAYS = 14;
const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;

interface Data {
  stats: TicketStats;
  duty: DutyView | null; // null: not allowed for the caller's roles
  days: DayStatsRow[] | null;
  at: Date;
}

/* Keys that occur in any row's map, sorted, so every day has the same series. */
function keysOf(rows: DayStatsRow[], pick: (r: DayStatsRow) => { [k: string]: bigint }): string[] {
  const s = new Set<string>();
  for (const r of rows) for (const [k, v] of Object.entries(pick(r))) if (v > 0n) s.add(k);
  return [...s].sort();
}

export function DashboardPage(_props: PageProps) {
  const { t, lang, fmtTime } = useApp();
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState("");

  // Each part on its own: Routing.Duty is for supervisors only, while compliance and auditors
  // see the statistics; a refused part is left out, a failed statistics call is the error.
  const load = useCallback(async () => {
    const from = new Date(Date.now() - (DAYS - 1) * 86400_000);
    from.setUTCHours(0, 0, 0, 0);
    const [stats, duty, days] = await Promise.allSettled([
      api.tickets.stats({}),
      api.routing.duty({}),
      api.routing.dayStats({ from: from.toISOString().replace(/\.\d+Z$/, "Z") }),
    ]);
    if (stats.status === "rejected") {
      setError(errorText(stats.reason));
      return;
    }
    setData({
      stats: stats.value,
      duty: duty.status === "fulfilled" ? duty.value : null,
      days: days.status === "fulfilled" ? days.value.rows : null,
      at: new Date(),
    });
    setError("");
  }, []);

  useEffect(() => {
    void load();
    const id = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(id);
  }, [load]);

  const onDuty = data?.duty ? [...new Set(data.duty.cells.flatMap((c) => c.agents))].sort() : [];
  const days = data?.days ?? [];
  const median = (s: bigint) => (s < 0n ? t("sup.noData") : formatDuration(Number(s)));
  const cats = keysOf(days, (r) => r.byCategory);
  const chans = keysOf(days, (r) => r.byChannel);
  const dayLabels = days.map((r) => r.day.slice(5));

  return (
    <section aria-labelledby="dash-h" class="dash">
      <h1 id="dash-h">{t("nav.dashboard")}</h1>
      <p role="alert" class="error">{error && t("app.error", { msg: error })}</p>
      {!data ? (
        !error && <p>{t("app.loading")}</p>
      ) : (
        <>
          <p class="muted" aria-live="off">
            {t("dash.updated", { time: fmtTime(data.at.toISOString()) })}
          </p>
          <div class="dash-tiles">
            <div class="dash-tile">
              <span class="dash-label">{t("dash.csat")}</span>
              <span class="dash-value" data-testid="csat">
                {data.stats.csatCount > 0n ? data.stats.csatAverage.toFixed(2) : t("sup.noData")}
              </span>
              <span class="muted">{t("dash.csatCount", { n: String(data.stats.csatCount) })}</span>
            </div>
            <div class="dash-tile">
              <span class="dash-label">{t("dash.firstResponse")}</span>
              <span class="dash-value">{median(data.stats.medianFirstResponseSeconds)}</span>
            </div>
            <div class="dash-tile">
              <span class="dash-label">{t("dash.resolution")}</span>
              <span class="dash-value">{median(data.stats.medianResolutionSeconds)}</span>
            </div>
            <div class="dash-tile">
              <span class="dash-label">{t("dash.breaches")}</span>
              <span class="dash-value">{String(data.stats.slaBreaches)}</span>
            </div>
          </div>

          <h2>{t("dash.queue")}</h2>
          <div class="grid2">
            <Chart
              kind="bar"
              title={t("dash.queueChart")}
              labelHeader={t("sup.priority")}
              labels={[...PRIORITIES]}
              empty={t("sup.noData")}
              series={[
                { name: t("dash.open"), values: mapValues(data.stats.openByPriority, PRIORITIES) },
                {
                  name: t("dash.overdue"),
                  values: mapValues(data.stats.overdueByPriority, PRIORITIES),
                },
              ]}
            />
            <table class="dash-queue">
              <thead>
                <tr>
                  <th scope="col">{t("sup.priority")}</th>
                  <th scope="col">{t("dash.open")}</th>
                  <th scope="col">{t("dash.overdue")}</th>
                </tr>
              </thead>
              <tbody>
                {PRIORITIES.map((p) => {
                  const over = data.stats.overdueByPriority[p] ?? 0n;
                  return (
                    <tr>
                      <th scope="row">{p}</th>
                      <td>{String(data.stats.openByPriority[p] ?? 0n)}</td>
                      <td class={over > 0n ? "overdue" : undefined}>{String(over)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>

          {data.duty && (
            <>
              <h2>{t("dash.onDuty", { n: String(onDuty.length) })}</h2>
              {onDuty.length === 0 ? (
                <p>{t("dash.nobody")}</p>
              ) : (
                <ul class="dash-agents">
                  {onDuty.map((a) => (
                    <li>{a}</li>
                  ))}
                </ul>
              )}
            </>
          )}

          {data.days && (
          <>
          <h2>{t("dash.intake", { n: String(DAYS) })}</h2>
          <div class="grid2 grid-even">
            <Chart
              kind="line"
              title={t("dash.byCategory")}
              labelHeader={t("sup.day")}
              labels={dayLabels}
              empty={t("sup.noData")}
              series={cats.map((c) => ({
                name: enumText(lang, "category", c),
                values: days.map((r) => Number(r.byCategory[c] ?? 0n)),
              }))}
            />
            <Chart
              kind="line"
              title={t("dash.byChannel")}
              labelHeader={t("sup.day")}
              labels={dayLabels}
              empty={t("sup.noData")}
              series={chans.map((c) => ({
                name: enumText(lang, "channel", c),
                values: days.map((r) => Number(r.byChannel[c] ?? 0n)),
              }))}
            />
          </div>
          </>
          )}
        </>
      )}
    </section>
  );
}
