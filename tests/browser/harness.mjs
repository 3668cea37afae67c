// Harness of the real-browser tests (issue #16): a real sealdeskd on a free port over TLS with
// the test CA of tests/integration/gen_certs.sh, a fresh data dir and master key made with
// `sealctl --offline init`, the console from $CONSOLE_DIR, users with TOTP, and Debian's
// /usr/bin/chromium driven by playwright-core (no browser download).
//
//   import { startDesk, launchChromium, totp } from './harness.mjs';
//   const desk = await startDesk();                 // sealdeskd up, desk.url = https://127.0.0.1:P
//   const ana = await desk.addUser('ana', ['agent']);   // { name, password, secret, roles }
//   const browser = await launchChromium();
//   const context = await desk.newContext(browser);     // ignoreHTTPSErrors, en-US
//   const page = await context.newPage();
//   await desk.login(page, ana);                    // through the labelled login form
//   const id = await desk.createTicket({ subject, body, email, name, priority });
//   await desk.sealctl('--json', 'ticket', 'get', String(id));   // online, as the harness admin
//   await desk.stop();
//
// Environment: SD_BIN (the build's tools dir, as tests/integration/lib.sh), CONSOLE_DIR (the
// built console, default <source>/console/dist), BUILD_DIR (screenshots go below it),
// CHROMIUM (default /usr/bin/chromium), SD_KEEP=1 keeps the work dir for a post-mortem.
import { spawn, execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = path.resolve(HERE, '..', '..');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SD_BIN = process.env.SD_BIN || path.join(SOURCE_DIR, 'build-asan', 'tools');
export const CONSOLE_DIR = process.env.CONSOLE_DIR || path.join(SOURCE_DIR, 'console', 'dist');
export const BUILD_DIR = process.env.BUILD_DIR || path.join(SOURCE_DIR, 'build-asan');

// Everything a browser test needs before it can run; a missing piece is a failure with the
// reason (never a silent pass): ctest reports it.
export function requirements() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (Debian chromium: tools/setup/deps.sh)`);
  for (const t of ['sealdeskd', 'sealctl']) {
    if (!existsSync(path.join(SD_BIN, t))) missing.push(`${path.join(SD_BIN, t)} (build it)`);
  }
  if (!existsSync(path.join(CONSOLE_DIR, 'index.html'))) {
    missing.push(`${CONSOLE_DIR}/index.html (make console)`);
  }
  return missing;
}

// ---- TOTP (RFC 6238 over RFC 4226), node:crypto only ----

export function base32Decode(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = s.toUpperCase().replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const v = abc.indexOf(ch);
    if (v < 0) throw new Error('totp: secret is not base32');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// HOTP of `counter` with `key` (a Buffer): `digits` decimal digits, HMAC `algorithm`.
export function hotp(key, counter, digits = 6, algorithm = 'sha1') {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const o = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(o) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

// The code an authenticator app shows for `secret` (base32, as in the otpauth:// URI, or a
// Buffer): time in seconds (default now), 30 s steps from T0 = 0, 6 digits, SHA-1.
export function totp(secret, { time = Date.now() / 1000, step = 30, digits = 6,
  algorithm = 'sha1' } = {}) {
  const key = Buffer.isBuffer(secret) ? secret : base32Decode(secret);
  return hotp(key, Math.floor(time / step), digits, algorithm);
}

// The secret of an otpauth:// URI.
export function totpSecret(uri) {
  return new URL(uri).searchParams.get('secret');
}

// ---- the desk ----

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`harness: timed out waiting for ${what}`);
    await sleep(50);
  }
}

// Start sealdeskd on a fresh desk. opts.consoleDir (default CONSOLE_DIR; null = none),
// opts.args (more sealdeskd flags), opts.seed(desk) runs offline before the server starts,
// opts.fillTickets = N starts from N tickets made by fill_bench (benchmarks).
export async function startDesk(opts = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'sdbrowser.'));
  const certs = path.join(work, 'certs');
  const data = path.join(work, 'data');
  const keyFile = path.join(work, 'master.key');
  await run('bash', [path.join(SOURCE_DIR, 'tests', 'integration', 'gen_certs.sh'), certs]);
  let desk;
  if (opts.fillTickets) {
    // a desk of N reference tickets (open, with PII), by tools/bench/fill_bench: its own
    // master key in the data dir
    await run(path.join(SD_BIN, 'fill_bench'), [data, String(opts.fillTickets), '512'],
      { maxBuffer: 1 << 20 });
    desk = new Desk(work, certs, data, path.join(data, 'master.key'));
  } else {
    desk = new Desk(work, certs, data, keyFile);
    await desk.offline('init');
  }
  desk.admin = await desk.addUser('harness_admin',
    ['agent', 'supervisor', 'compliance', 'security_admin']);
  if (opts.seed) await opts.seed(desk);
  const consoleDir = opts.consoleDir === undefined ? CONSOLE_DIR : opts.consoleDir;
  await desk.start([...(consoleDir ? ['--console-dir', consoleDir] : []),
    ...(opts.args || [])]);
  return desk;
}

class Desk {
  constructor(work, certs, data, keyFile) {
    this.work = work;
    this.certs = certs;
    this.ca = path.join(certs, 'ca.pem');
    this.data = data;
    this.keyFile = keyFile;
    this.users = new Map();
    this.lastStep = new Map(); // user -> last TOTP step used (the server takes each once)
    this.tokens = new Map(); // user -> sealctl session token
    this.proc = null;
    this.log = '';
  }

  async start(args) {
    this.log = '';
    const proc = spawn(path.join(SD_BIN, 'sealdeskd'), [
      '--listen', '127.0.0.1:0', '--cert', path.join(this.certs, 'server.pem'),
      '--key', path.join(this.certs, 'server.key'), '--data', this.data,
      '--key-file', this.keyFile, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => {
      if (this.log.length < 4 << 20) this.log += d;
    });
    const exited = new Promise((r) => proc.on('exit', (code, sig) => r(`${code ?? sig}`)));
    this.exited = exited;
    let gone = null;
    exited.then((c) => { gone = c; });
    this.port = await waitFor('sealdeskd to listen', () => {
      if (gone !== null) throw new Error(`sealdeskd exited (${gone}):\n${this.log}`);
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(this.log);
      return m ? Number(m[1]) : 0;
    }, 60000); // a sanitized start on a busy CI host (ctest -j) can pass 20 s
    this.origin = `https://127.0.0.1:${this.port}`;
    this.url = `${this.origin}/`;
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
      await this.exited;
      clearTimeout(t);
    }
    if (process.env.SD_KEEP !== '1') rmSync(this.work, { recursive: true, force: true });
    else console.error(`harness: kept ${this.work}`);
    // a sanitizer report from the server fails the test file that drove it
    const bad = /(ERROR: (Address|Leak)Sanitizer|runtime error:)[^\n]*/.exec(this.log);
    if (bad) throw new Error(`sealdeskd: ${bad[0]}\n${this.log.slice(-8000)}`);
  }

  // sealctl --offline on this desk (LMDB lets it share the data dir with the running server).
  async offline(...args) {
    const { stdout } = await run(path.join(SD_BIN, 'sealctl'),
      ['--offline', '--data', this.data, '--key-file', this.keyFile, ...args],
      { maxBuffer: 64 << 20 });
    return stdout;
  }

  // A new user with `roles` (strings) and TOTP, by the offline operator path (the local
  // operator holds every role, so no second approval is due). Returns { name, password,
  // secret (base32), roles }.
  async addUser(name, roles) {
    const out = JSON.parse(await this.offline('--json', 'user', 'add', '--name', name,
      '--role', roles.join(',')));
    const user = { name, password: out.password, secret: totpSecret(out.totp_uri), roles };
    this.users.set(name, user);
    return user;
  }

  // A TOTP code for `user` that the server has not taken yet: the server accepts steps
  // now-1..now+1, each once and in increasing order; waits for the next step when all three
  // are spent.
  async freshCode(user) {
    for (;;) {
      const now = Date.now() / 1000;
      const step = Math.floor(now / 30);
      const left = 30 - (now % 30);
      const last = this.lastStep.get(user.name) ?? -1;
      for (const s of [step - 1, step, step + 1]) {
        if (s <= last || (s === step - 1 && left < 8)) continue;
        this.lastStep.set(user.name, s);
        return totp(user.secret, { time: s * 30 });
      }
      await sleep(left * 1000 + 200);
    }
  }

  totp(secret) {
    return totp(secret);
  }

  // A sealctl session token for `user` (default the harness admin), cached.
  async token(user = this.admin) {
    if (this.tokens.has(user.name)) return this.tokens.get(user.name);
    const { stdout } = await run(path.join(SD_BIN, 'sealctl'), ['--server',
      `127.0.0.1:${this.port}`, '--ca', this.ca, 'login', '--name', user.name, '--password',
      user.password, '--totp', await this.freshCode(user)]);
    const tok = stdout.trim();
    this.tokens.set(user.name, tok);
    return tok;
  }

  // sealctl online as `user` (default the harness admin, who holds agent, supervisor,
  // compliance and security_admin): returns stdout; a refusal rejects with its stderr.
  async sealctlAs(user, ...args) {
    const env = { ...process.env, SEALDESK_TOKEN: await this.token(user) };
    try {
      const { stdout } = await run(path.join(SD_BIN, 'sealctl'), ['--server',
        `127.0.0.1:${this.port}`, '--ca', this.ca, ...args], { env, maxBuffer: 64 << 20 });
      return stdout;
    } catch (e) {
      throw new Error(`sealctl ${args.join(' ')}: ${e.stderr || e.message}`);
    }
  }

  async sealctl(...args) {
    return this.sealctlAs(this.admin, ...args);
  }

  // A ticket over TLS gRPC: t = { subject, body, email, name, phone, uid, priority, category,
  // channel (default web) }; returns its id.
  async createTicket(t) {
    const args = ['--json', 'ticket', 'create', '--channel', t.channel || 'web', '--subject',
      t.subject, '--body', t.body || t.subject];
    const opt = { name: 'customer-name', email: 'customer-email', phone: 'customer-phone',
      uid: 'customer-uid', priority: 'priority', category: 'category' };
    for (const [k, flag] of Object.entries(opt)) if (t[k]) args.push(`--${flag}`, t[k]);
    return Number(JSON.parse(await this.sealctl(...args)).id);
  }

  // A browser context for this desk: the test CA is not in Chromium's store, so certificate
  // errors are ignored for this context only; English unless opts.locale.
  async newContext(browser, opts = {}) {
    return browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US',
      timezoneId: 'UTC', ...opts });
  }

  // Log `user` in through the console's login form (fields labelled "User name", "Password",
  // "TOTP code", button "Log in"); resolves when the form is gone.
  async login(page, user) {
    if (!page.url().startsWith(this.origin)) await page.goto(this.url);
    await page.getByLabel('User name').fill(user.name);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByLabel('TOTP code').fill(await this.freshCode(user));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor({ state: 'detached',
      timeout: 15000 });
  }

  // A gRPC-Web call from inside `page` (same origin, the page's cookie): `method` as
  // "sealdesk.v1.Auth/Me", `msg` the encoded request (default empty). Returns { status,
  // headers, grpcStatus, grpcMessage, messages (arrays of bytes) }.
  async grpcWeb(page, method, msg = []) {
    const r = await page.evaluate(async ({ method, msg }) => {
      const body = new Uint8Array(5 + msg.length);
      new DataView(body.buffer).setUint32(1, msg.length);
      body.set(msg, 5);
      const res = await fetch(`/${method}`, { method: 'POST', body, credentials: 'same-origin',
        headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' } });
      return { status: res.status, headers: Object.fromEntries(res.headers.entries()),
        body: Array.from(new Uint8Array(await res.arrayBuffer())) };
    }, { method, msg: Array.from(msg) });
    const { messages, trailers } = grpcWebParse(Buffer.from(r.body));
    return { status: r.status, headers: r.headers, messages,
      grpcStatus: trailers['grpc-status'] === undefined ? undefined
        : Number(trailers['grpc-status']), grpcMessage: trailers['grpc-message'] };
  }

  // What page.route's route.fetch() would do, over HTTP/2: sealdeskd speaks only h2 (ALPN),
  // and Playwright's own fetch is HTTP/1.1. Sends the intercepted request (method, headers
  // with the cookie, body) from node; returns { status, headers (no pseudo-headers), body },
  // ready for route.fulfill() after a change:
  //   await page.route('**/sealdesk.v1.Audit/GetInclusionProof', async (route) => {
  //     const r = await desk.routeFetch(route);  /* change r.body */  await route.fulfill(r);
  //   });
  async routeFetch(route) {
    const req = route.request();
    const headers = {};
    for (const [k, v] of Object.entries(await req.allHeaders())) {
      if (!k.startsWith(':') && !['host', 'connection', 'content-length'].includes(k)) {
        headers[k] = v;
      }
    }
    const u = new URL(req.url());
    const r = await h2request(this, { method: req.method(), path: u.pathname + u.search,
      headers, body: req.postDataBuffer() ?? undefined });
    const out = {};
    for (const [k, v] of Object.entries(r.headers)) {
      if (!k.startsWith(':')) out[k] = Array.isArray(v) ? v.join('\n') : String(v);
    }
    return { status: r.status, headers: out, body: r.body };
  }

  // The session cookie of a context (undefined when none).
  async sessionCookie(context) {
    return (await context.cookies(this.url)).find((c) => c.name === '__Host-sealdesk');
  }
}

// axe-core in `page` (its context needs bypassCSP: true, only for this): the violations of
// impact serious or critical, as readable strings.
export async function axeSerious(page) {
  const { createRequire } = await import('node:module');
  const { readFileSync } = await import('node:fs');
  const src = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: src });
  }
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
      'best-practice'] } }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' '))
      .slice(0, 5).join(', ')})`);
}

// Switch the console's language with its "Language" control (a select, or a button that
// opens a menu), then wait until <html lang> follows.
export async function setLanguage(page, lang) {
  const names = { en: 'English', zh: '中文', ko: '한국어' };
  // the control may be labelled in the language on show: Language, 语言, 언어
  const label = /^(Language|语言|語言|언어)\b|^(Language|语言|語言|언어)$/;
  const ctl = page.getByLabel(label).or(page.getByRole('button', { name: label })).first();
  const tag = await ctl.evaluate((e) => e.tagName);
  if (tag === 'SELECT') {
    const values = await ctl.evaluate((e) => Array.from(e.options, (o) => o.value));
    const v = values.find((x) => x === lang || x.startsWith(`${lang}-`));
    await ctl.selectOption(v ?? { label: names[lang] });
  } else {
    await ctl.click();
    await page.getByRole('menuitem', { name: names[lang] }).or(page.getByRole('option',
      { name: names[lang] })).or(page.getByRole('button', { name: names[lang] })).first()
      .click();
  }
  await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang,
    { timeout: 10000 });
}

// Chromium from Debian, headless; the sandbox needs user namespaces, which containers and
// root often lack, so it is off (the tests only visit the desk they started).
export async function launchChromium(opts = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'], ...opts });
}

// A gRPC-Web request body: one length-prefixed message (flag 0, 4-byte big-endian length).
export function grpcWebFrame(msg = new Uint8Array(0)) {
  const b = Buffer.alloc(5 + msg.length);
  b.writeUInt32BE(msg.length, 1);
  Buffer.from(msg).copy(b, 5);
  return b;
}

// Split a gRPC-Web response body into { messages: [Buffer], trailers: {name: value} }.
export function grpcWebParse(body) {
  const buf = Buffer.from(body);
  const messages = [];
  const trailers = {};
  for (let i = 0; i + 5 <= buf.length;) {
    const flag = buf[i];
    const n = buf.readUInt32BE(i + 1);
    const part = buf.subarray(i + 5, i + 5 + n);
    i += 5 + n;
    if (flag & 0x80) {
      for (const line of part.toString('utf8').split('\r\n')) {
        const c = line.indexOf(':');
        if (c > 0) trailers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
    } else {
      messages.push(part);
    }
  }
  return { messages, trailers };
}

// An HTTP/2 request to the desk from node (not the browser): { status, headers, body }.
// Used for what a browser will not do, e.g. a forged origin with a stolen cookie.
export async function h2request(desk, { method = 'GET', path: p = '/', headers = {},
  body } = {}) {
  const http2 = await import('node:http2');
  const { readFileSync } = await import('node:fs');
  const client = http2.connect(desk.origin, { ca: readFileSync(desk.ca) });
  try {
    return await new Promise((resolve, reject) => {
      client.on('error', reject);
      const req = client.request({ ':method': method, ':path': p, ...headers });
      const chunks = [];
      let head = {};
      req.on('response', (h) => { head = h; });
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve({ status: Number(head[':status']), headers: head,
        body: Buffer.concat(chunks) }));
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    client.close();
  }
}
