// Tiny SVG charts for the supervisor pages: grouped bars and lines. Each chart is an <svg
// role="img"> named by its <title>, followed by a visually hidden table with the same numbers
// for screen readers. Geometry goes into SVG attributes and colours into classes (the CSP
// allows no inline style).
import { useId } from "preact/hooks";

export interface Series {
  name: string;
  values: number[]; // one per label
}

export interface ChartProps {
  title: string;
  labels: string[]; // x axis
  series: Series[];
  labelHeader: string; // first column of the hidden table
  kind: "bar" | "line";
  empty: string; // shown when there is nothing to draw
}

const W = 560;
const H = 220;
const PAD_L = 40;
const PAD_B = 28;
const PAD_T = 10;
const PAD_R = 10;

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

export function Chart(p: ChartProps) {
  const id = useId();
  const max = niceMax(Math.max(0, ...p.series.flatMap((s) => s.values)));
  const plotW = W - PAD_L - PAD_R;
  const plotH = H - PAD_T - PAD_B;
  const n = Math.max(1, p.labels.length);
  const band = plotW / n;
  const y = (v: number) => PAD_T + plotH - (v / max) * plotH;
  const nothing = p.labels.length === 0 || p.series.length === 0;
  const every = Math.max(1, Math.ceil(p.labels.length / 10)); // at most ~10 axis labels

  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-t`}
        class="chart-svg"
      >
        <title id={`${id}-t`}>{p.title}</title>
        <line class="chart-axis" x1={PAD_L} y1={PAD_T + plotH} x2={W - PAD_R} y2={PAD_T + plotH} />
        <line class="chart-axis" x1={PAD_L} y1={PAD_T} x2={PAD_L} y2={PAD_T + plotH} />
        {[0, max / 2, max].map((v) => (
          <text class="chart-tick" x={PAD_L - 4} y={y(v) + 4} text-anchor="end">
            {Number.isInteger(v) ? String(v) : v.toFixed(1)}
          </text>
        ))}
        {p.labels.map((l, i) =>
          i % every === 0 ? (
            <text class="chart-tick" x={PAD_L + band * (i + 0.5)} y={H - 8} text-anchor="middle">
              {l}
            </text>
          ) : null,
        )}
        {p.kind === "bar"
          ? p.series.map((s, si) =>
              s.values.map((v, i) => {
                const bw = (band * 0.8) / p.series.length;
                const x = PAD_L + band * i + band * 0.1 + bw * si;
                return (
                  <rect class={`chart-s${si % 6}`} x={x} y={y(v)} width={Math.max(1, bw - 1)}
                    height={Math.max(0, PAD_T + plotH - y(v))} />
                );
              }),
            )
          : p.series.map((s, si) => (
              <g class={`chart-s${si % 6}`}>
                <polyline
                  class="chart-line"
                  fill="none"
                  points={s.values.map((v, i) => `${PAD_L + band * (i + 0.5)},${y(v)}`).join(" ")}
                />
                {s.values.map((v, i) => (
                  <circle cx={PAD_L + band * (i + 0.5)} cy={y(v)} r={3} />
                ))}
              </g>
            ))}
        {nothing && (
          <text class="chart-tick" x={W / 2} y={H / 2} text-anchor="middle">{p.empty}</text>
        )}
      </svg>
      {p.series.length > 0 && (
        <ul class="chart-legend" aria-hidden="true">
          {p.series.map((s, si) => (
            <li>
              <svg class="chart-key" viewBox="0 0 10 10">
                <rect class={`chart-s${si % 6}`} width={10} height={10} />
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
      )}
      <table class="sr-only">
        <caption>{p.title}</caption>
        <thead>
          <tr>
            <th scope="col">{p.labelHeader}</th>
            {p.series.map((s) => (
              <th scope="col">{s.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.labels.map((l, i) => (
            <tr>
              <th scope="row">{l}</th>
              {p.series.map((s) => (
                <td>{String(s.values[i] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/* bigint counts from a proto map, as numbers in the order of keys. */
export function mapValues(m: { [k: string]: bigint }, keys: readonly string[]): number[] {
  return keys.map((k) => Number(m[k] ?? 0n));
}
