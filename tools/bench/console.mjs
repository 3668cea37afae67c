#!/usr/bin/env node
// Console benchmark (issue #16), on a desk of its own (tests/browser/harness.mjs):
//   1. the size of console/dist, raw and gzipped (what a browser downloads on a cold start);
//   2. gRPC-Web calls per second from the browser path: a Chromium page, logged in with the
//      session cookie, runs --conns concurrent fetch loops of one small call (Auth.Me) for
//      --seconds;
//   3. time to first render of the work list with --tickets open tickets (the desk is filled
//      by fill_bench before the start: reference tickets, 1 KiB body, PII, a public reply):
//      from navigation start to the first table row visible, measured in the page
//      (performance.now() when the row appears), --runs times.
//
//   node tools/bench/console.mjs [--sd-bin build/tools] [--console-dir console/dist]
//       [--conns 8] [--seconds 10] [--tickets 10000] [--runs 3] [--method sealdesk.v1.Auth/Me]
//       [--json]
// Needs `make build` (or any build's tools dir), `make console`, and tests/browser's
// node_modules (tools/setup/deps.sh) and /usr/bin/chromium.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const USAGE = 'usage: console.mjs [--sd-bin DIR] [--console-dir DIR] [--conns N] ' +
  '[--seconds S] [--tickets N] [--runs N] [--method PKG.Service/Method] [--json]';
const opt = { 'sd-bin': path.join(ROOT, 'build', 'tools'), 'console-dir':
  path.join(ROOT, 'console', 'dist'), conns: '8', seconds: '10', tickets: '10000', runs: '3',
  method: 'sealdesk.v1.Auth/Me', json: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const k = argv[i].replace(/^--/, '');
  if (argv[i] === '--help') {
    console.log(USAGE);
    process.exit(0);
  }
  if (!(k in opt) || !argv[i].startsWith('--')) {
    console.error(USAGE);
    process.exit(2);
  }
  if (k === 'json') opt.json = true;
  else if (i + 1 < argv.length) opt[k] = argv[++i];
  else {
    console.error(`${argv[i]} needs a value\n${USAGE}`);
    process.exit(2);
  }
}
const num = (k, lo, hi) => {
  const v = Number(opt[k]);
  if (!Number.isInteger(v) || v < lo || v > hi) {
    console.error(`--${k} is ${lo}..${hi}`);
    process.exit(2);
  }
  return v;
};
const conns = num('conns', 1, 256);
const seconds = num('seconds', 1, 600);
const tickets = num('tickets', 1, 1000000);
const runs = num('runs', 1, 20);
if (!/^[A-Za-z0-9_.]+\/[A-Za-z0-9_]+$/.test(opt.method)) {
  console.error('--method is package.Service/Method');
  process.exit(2);
}
// the harness reads these when it is loaded
process.env.SD_BIN = path.resolve(opt['sd-bin']);
process.env.CONSOLE_DIR = path.resolve(opt['console-dir']);
const { launchChromium, requirements, startDesk } =
  await import('../../tests/browser/harness.mjs');

function bundleSize(dir) {
  let raw = 0;
  let gz = 0;
  let files = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !p.endsWith('.map')) {
        const b = readFileSync(p);
        raw += b.length;
        gz += gzipSync(b, { level: 9 }).length;
        files++;
      }
    }
  };
  walk(dir);
  return { files, raw_bytes: raw, gzip_bytes: gz };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const missing = requirements();
if (missing.length) {
  console.error(`console bench: missing ${missing.join(', ')}`);
  process.exit(1);
}
const result = { bundle: bundleSize(process.env.CONSOLE_DIR), conns, seconds };
const t0 = Date.now();
const desk = await startDesk({ fillTickets: tickets });
result.seed = { tickets, seconds: (Date.now() - t0) / 1000 };
let browser;
try {
  const user = await desk.addUser('bench', ['agent', 'supervisor']);
  browser = await launchChromium();
  const context = await desk.newContext(browser);
  const page = await context.newPage();
  await desk.login(page, user);

  // 2. calls per second over gRPC-Web from the page (cookie session, same origin)
  const calls = await page.evaluate(async ({ method, conns: n, seconds: s }) => {
    const body = new Uint8Array(5); // an empty request message
    const end = performance.now() + s * 1000;
    let ok = 0;
    let failed = 0;
    let last = '';
    const lat = [];
    const loop = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const r = await fetch(`/${method}`, { method: 'POST', body,
            headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' } });
          const b = new Uint8Array(await r.arrayBuffer());
          const text = new TextDecoder().decode(b);
          if (r.status === 200 && /grpc-status:\s*0\r\n/.test(text)) {
            ok++;
            lat.push(performance.now() - t0);
          } else {
            failed++;
            last = `${r.status} ${text.replace(/[^\x20-\x7e]/g, ' ').trim().slice(-80)}`;
          }
        } catch (e) {
          failed++;
          last = String(e);
        }
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: n }, loop));
    const el = (performance.now() - t) / 1000;
    lat.sort((a, b) => a - b);
    return { ok, failed, last, elapsed_s: el, calls_per_s: ok / el,
      p50_ms: lat[Math.floor(lat.length / 2)] ?? 0, p99_ms: lat[Math.floor(lat.length * 0.99)] ?? 0 };
  }, { method: opt.method, conns, seconds });
  result.grpc_web = { method: opt.method, ...calls };

  // 3. the work list's first row, on the desk fill_bench filled before the start
  await page.addInitScript(() => {
    // the moment a data row (a row holding cells, not only headers) is first in the DOM
    const seen = () => document.querySelector(
      '[role=row] [role=cell], [role=row] [role=gridcell], tbody tr td');
    const mo = new MutationObserver(() => {
      if (!window.__firstRow && seen()) {
        window.__firstRow = performance.now();
        mo.disconnect();
      }
    });
    mo.observe(document, { childList: true, subtree: true });
  });
  try {
    const times = [];
    for (let i = 0; i < runs; i++) {
      await page.goto('about:blank');
      const t0 = Date.now();
      await page.goto(`${desk.origin}/#/tickets`);
      const row = page.getByRole('row').filter({ has: page.getByRole('cell') }).first();
      await row.waitFor({ state: 'visible', timeout: 120000 });
      const inPage = await page.evaluate(() => window.__firstRow ?? null);
      times.push({ in_page_ms: inPage, wall_ms: Date.now() - t0 });
    }
    result.first_row = { open_tickets: tickets, runs: times,
      median_ms: median(times.map((x) => x.in_page_ms ?? x.wall_ms)) };
  } catch (e) {
    result.first_row = { open_tickets: tickets, error: e.message.split('\n')[0] };
  }
  await context.close();
} finally {
  await browser?.close();
  await desk.stop();
}

if (opt.json) {
  console.log(JSON.stringify(result));
} else {
  const b = result.bundle;
  const g = result.grpc_web;
  console.log(`console bundle: ${b.files} files, ${(b.raw_bytes / 1024).toFixed(1)} KiB, ` +
    `${(b.gzip_bytes / 1024).toFixed(1)} KiB gzipped (level 9, without source maps)`);
  console.log(`gRPC-Web ${g.method} from Chromium: ${g.calls_per_s.toFixed(0)} calls/s ` +
    `(${conns} fetch loops, ${g.elapsed_s.toFixed(1)} s, ok ${g.ok}, failed ${g.failed}` +
    `${g.failed ? `, last: ${g.last}` : ''}), p50 ${g.p50_ms.toFixed(2)} ms, ` +
    `p99 ${g.p99_ms.toFixed(2)} ms`);
  if (result.seed) {
    console.log(`desk of ${result.seed.tickets} open tickets (fill_bench) ready in ` +
      `${result.seed.seconds.toFixed(1)} s`);
  }
  const f = result.first_row;
  if (f.error) console.log(`work list first row: not measured: ${f.error}`);
  else console.log(`work list first row with ${f.open_tickets} open tickets: median ` +
    `${f.median_ms.toFixed(0)} ms from navigation (runs: ${f.runs.map((r) =>
      `${r.in_page_ms === null ? '?' : r.in_page_ms.toFixed(0)}/${r.wall_ms}`).join(', ')} ms ` +
    'in page/wall)');
}
if (result.grpc_web.ok === 0 || result.first_row.error) process.exit(1);
