// Issue #16 in real Chromium: the session cookie is out of JavaScript's reach, the CSP blocks
// injected script, cross-origin calls are refused, logout ends the session server-side, every
// response carries the security headers, and no PII lands in storage, URLs or titles.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { grpcWebFrame, grpcWebParse, h2request, launchChromium, requirements, startDesk }
  from './harness.mjs';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
  "frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";
const HEADERS = {
  'content-security-policy': CSP,
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
const COOKIE = '__Host-sealdesk';
// A cheap call every role may make, with an empty request message.
const PROBE = '/sealdesk.v1.Tickets/List';
// The customer the test creates: none of this may show up in storage, URLs or titles.
const CUSTOMER = { email: 'lena.kowalczyk.pii@example.com', name: 'Lena Kowalczyk' };
const PII = [CUSTOMER.email, 'lena.kowalczyk', 'Kowalczyk', CUSTOMER.name];

function assertHeaders(headers, what, { noStore = false } = {}) {
  for (const [k, v] of Object.entries(HEADERS)) assert.equal(headers[k], v, `${what}: ${k}`);
  if (noStore) assert.equal(headers['cache-control'], 'no-store', `${what}: cache-control`);
}

// A gRPC-Web call from node (not a browser) with explicit headers.
async function nodeCall(desk, { cookie, origin, extra = {}, method = PROBE }) {
  const headers = { 'content-type': 'application/grpc-web+proto', ...extra };
  if (origin) headers.origin = origin;
  if (cookie) headers.cookie = `${COOKIE}=${cookie}`;
  const r = await h2request(desk, { method: 'POST', path: method, headers,
    body: grpcWebFrame() });
  const { trailers } = grpcWebParse(r.body);
  return { ...r, grpcStatus: trailers['grpc-status'] };
}

describe('console security', () => {
  let desk;
  let browser;
  let ticket;
  let n = 0;
  // a user of its own per test: the server takes each TOTP step of a user once, so logging one
  // user in again and again waits for fresh 30 s steps
  const agent = () => desk.addUser(`ana${++n}`, ['agent', 'supervisor']);

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `browser tests cannot run, missing: ${missing.join(', ')}`);
    desk = await startDesk();
    ticket = await desk.createTicket({ subject: 'Deposit not credited after 3 hours',
      body: 'I sent 0.2 BTC and it is not in my account', email: CUSTOMER.email,
      name: CUSTOMER.name, priority: 'P2' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await desk?.stop();
  });

  test('session cookie: __Host-, HttpOnly, Secure, SameSite=Strict, token never in JS',
    async () => {
      const context = await desk.newContext(browser);
      // The Login reply's body as the console's own JavaScript receives it, kept in the page:
      // Playwright cannot give a response body once the page has moved on (the console
      // changes its location right after login, which made reading it here racy).
      await context.addInitScript(() => {
        const orig = window.fetch;
        window.fetch = async (...args) => {
          const res = await orig(...args);
          const url = String(args[0] instanceof Request ? args[0].url : args[0]);
          if (url.endsWith('/sealdesk.v1.Auth/Login')) {
            window.__loginBody = Array.from(new Uint8Array(await res.clone().arrayBuffer()));
          }
          return res;
        };
      });
      const page = await context.newPage();
      await page.goto(desk.url);
      const loginReply = page.waitForResponse((r) => r.url().endsWith('/sealdesk.v1.Auth/Login'));
      await desk.login(page, await agent());
      const reply = await loginReply;
      const c = await desk.sessionCookie(context);
      assert.ok(c, 'a session cookie after login');
      assert.equal(c.httpOnly, true);
      assert.equal(c.secure, true);
      assert.equal(c.sameSite, 'Strict');
      assert.equal(c.path, '/');
      assert.match(c.value, /^[0-9a-f]{64}$/);
      const set = await reply.headerValue('set-cookie');
      assert.match(set, new RegExp(`^${COOKIE}=[0-9a-f]{64}; Path=/; Secure; HttpOnly; ` +
        'SameSite=Strict; Max-Age=[1-9][0-9]*$'));
      // The reply's token field is empty: the token is nowhere in the body JavaScript reads.
      await page.waitForFunction(() => Array.isArray(window.__loginBody));
      const body = Buffer.from(await page.evaluate(() => window.__loginBody));
      assert.equal(body.includes(Buffer.from(c.value)), false, 'token in the Login reply body');
      const { messages, trailers } = grpcWebParse(body);
      assert.equal(trailers['grpc-status'], '0');
      assert.equal(messages.length, 1);
      assert.notEqual(messages[0][0], 0x0a, 'LoginResponse.token (field 1) is empty');
      const jsCookie = await page.evaluate(() => document.cookie);
      assert.equal(jsCookie.includes(COOKIE), false, `document.cookie: ${jsCookie}`);
      assert.equal(jsCookie.includes(c.value), false);
      // the cookie works for a call from the page
      const probe = await desk.grpcWeb(page, PROBE.slice(1));
      assert.equal(probe.status, 200);
      assert.equal(probe.grpcStatus, 0, probe.grpcMessage);
      await context.close();
    });

  test('CSP blocks an injected inline script and handler; Trusted Types block innerHTML',
    async () => {
      const context = await desk.newContext(browser);
      const page = await context.newPage();
      // Runs before the page's own code (injected by the browser, not subject to the CSP).
      await page.addInitScript(() => {
        window.__violations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__violations.push(e.violatedDirective);
        });
      });
      // An attacker who gets markup into index.html: the server's headers stay as they are.
      await page.route(desk.url, async (route) => {
        const res = await desk.routeFetch(route);
        const html = res.body.toString('utf8').replace(/<head>/i, '<head>' +
          '<script>window.__pwned = "inline";</script>' +
          '<img src="data:," onload="window.__pwned = \'handler\'" alt="">');
        assert.notEqual(html, res.body.toString('utf8'), 'index.html has a <head>');
        await route.fulfill({ ...res, body: html });
      });
      await page.goto(desk.url);
      await page.getByLabel('User name').waitFor();
      const seen = await page.evaluate(() => ({ pwned: window.__pwned,
        violations: window.__violations }));
      assert.equal(seen.pwned, undefined, 'the injected script ran');
      assert.ok(seen.violations.some((d) => d.startsWith('script-src')),
        `violations: ${seen.violations}`);
      const blocked = await page.evaluate(() => {
        const div = document.createElement('div');
        try {
          div.innerHTML = '<img src="data:," onerror="window.__pwned=1">';
          return `assigned: ${div.innerHTML}`;
        } catch (e) {
          return e.name;
        }
      });
      assert.equal(blocked, 'TypeError', 'Trusted Types refuse a string for innerHTML');
      await context.close();
    });

  test('headers on /, an asset, a gRPC-Web call and an error', async () => {
    const context = await desk.newContext(browser);
    const page = await context.newPage();
    const responses = [];
    page.on('response', (r) => responses.push(r));
    const root = await page.goto(desk.url);
    assert.equal(root.status(), 200);
    assertHeaders(await root.allHeaders(), 'GET /', { noStore: true });
    await desk.login(page, await agent());
    await page.waitForLoadState('networkidle');
    const asset = responses.find((r) => /\.(js|css)$/.test(new URL(r.url()).pathname));
    assert.ok(asset, 'the console loads a script or style file');
    assert.equal(asset.status(), 200);
    assertHeaders(await asset.allHeaders(), `GET ${new URL(asset.url()).pathname}`);
    const rpc = responses.filter((r) => r.request().method() === 'POST' &&
      /^\/sealdesk\.v1\.\w+\/\w+$/.test(new URL(r.url()).pathname));
    assert.ok(rpc.length >= 2, 'the console made gRPC-Web calls');
    for (const r of rpc) {
      const h = await r.allHeaders();
      assert.equal(h['content-type'], 'application/grpc-web+proto');
      assertHeaders(h, `POST ${new URL(r.url()).pathname}`, { noStore: true });
    }
    const missing = await h2request(desk, { path: '/no-such-file.js' });
    assert.equal(missing.status, 404);
    assertHeaders(missing.headers, 'GET unknown path (404)');
    const text = await h2request(desk, { method: 'POST', path: PROBE, body: grpcWebFrame(),
      headers: { 'content-type': 'application/grpc-web-text', origin: desk.origin } });
    assert.equal(text.status, 415);
    assertHeaders(text.headers, 'grpc-web-text (415)');
    await context.close();
  });

  test('cross-origin calls with a stolen cookie are refused and do nothing', async () => {
    const context = await desk.newContext(browser);
    const page = await context.newPage();
    await desk.login(page, await agent());
    const stolen = (await desk.sessionCookie(context)).value;
    // control: from the right origin the cookie works from node too
    const ok = await nodeCall(desk, { cookie: stolen, origin: desk.origin });
    assert.equal(ok.status, 200);
    assert.equal(ok.grpcStatus, '0');
    const evil = await nodeCall(desk, { cookie: stolen, origin: 'https://evil.example' });
    assert.equal(evil.status, 403);
    assert.notEqual(evil.grpcStatus, '0');
    assertHeaders(evil.headers, 'cross-origin refusal (403)');
    const noOrigin = await nodeCall(desk, { cookie: stolen,
      extra: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(noOrigin.status, 403, 'no origin, sec-fetch-site cross-site');
    const http = await nodeCall(desk, { cookie: stolen,
      origin: `http://127.0.0.1:${desk.port}` });
    assert.equal(http.status, 403, 'same host over http is another origin');
    // a cross-origin Logout is not run: the session still works afterwards
    const out = await nodeCall(desk, { cookie: stolen, origin: 'https://evil.example',
      method: '/sealdesk.v1.Auth/Logout' });
    assert.equal(out.status, 403);
    assert.equal((await desk.grpcWeb(page, PROBE.slice(1))).grpcStatus, 0);
    // and from a page on another origin the browser sends no cookie at all (SameSite=Strict,
    // CORS); the call fails whichever way it is refused
    const other = await context.newPage();
    await other.goto('about:blank');
    const fromOther = await other.evaluate(async (url) => {
      try {
        const r = await fetch(url, { method: 'POST', credentials: 'include',
          headers: { 'content-type': 'application/grpc-web+proto' },
          body: new Uint8Array(5) });
        return `status ${r.status}`;
      } catch (e) {
        return 'blocked';
      }
    }, `${desk.origin}${PROBE}`);
    assert.notEqual(fromOther, 'status 200');
    await context.close();
  });

  test('after logout the old cookie is refused', async () => {
    const context = await desk.newContext(browser);
    const page = await context.newPage();
    await desk.login(page, await agent());
    const old = await desk.sessionCookie(context);
    const outReply = page.waitForResponse((r) => r.url().endsWith('/sealdesk.v1.Auth/Logout'));
    await page.getByRole('button', { name: 'Log out' }).click();
    const reply = await outReply;
    assert.equal(await reply.headerValue('set-cookie'),
      `${COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`);
    await page.getByLabel('User name').waitFor();
    assert.equal(await desk.sessionCookie(context), undefined, 'cookie cleared');
    // the old cookie put back into a fresh context: refused, the login form shows
    const again = await desk.newContext(browser);
    await again.addCookies([old]);
    const p2 = await again.newPage();
    await p2.goto(desk.url);
    const probe = await desk.grpcWeb(p2, PROBE.slice(1));
    assert.equal(probe.grpcStatus, 16, `old cookie: grpc-status ${probe.grpcStatus}`);
    await p2.getByLabel('User name').waitFor();
    const fromNode = await nodeCall(desk, { cookie: old.value, origin: desk.origin });
    assert.equal(fromNode.grpcStatus, '16');
    await again.close();
    await context.close();
  });

  test('no PII in localStorage, sessionStorage, URLs or titles', async () => {
    const context = await desk.newContext(browser);
    const page = await context.newPage();
    const urls = [];
    const titles = [];
    page.on('framenavigated', (f) => urls.push(f.url()));
    page.on('request', (r) => urls.push(r.url()));
    const note = async () => {
      titles.push(await page.title());
      urls.push(page.url());
    };
    await page.goto(desk.url);
    await note();
    await desk.login(page, await agent());
    await note();
    await page.goto(`${desk.origin}/#/tickets`);
    await page.getByRole('button', { name: 'Claim next' }).waitFor();
    await page.getByText('Deposit not credited after 3 hours').first().waitFor();
    await note();
    await page.getByRole('link', { name: `#${ticket}`, exact: true }).click();
    await page.waitForURL(new RegExp(`#/ticket/${ticket}$`));
    await page.getByRole('button', { name: 'Reply', exact: true }).waitFor();
    await note();
    // Unmask (reason given, audited) puts the plaintext on screen: it still must not be kept
    // in storage, the URL or the title.
    await page.getByRole('button', { name: 'Unmask', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').first().fill('customer on the phone');
    await dialog.getByRole('button', { name: 'Unmask', exact: true }).click();
    await page.getByText(CUSTOMER.email).first().waitFor();
    await note();
    await page.goto(`${desk.origin}/#/dashboard`);
    await page.waitForLoadState('networkidle');
    await note();
    const stored = await page.evaluate(() => {
      const dump = (s) => Array.from({ length: s.length }, (_, i) => [s.key(i),
        s.getItem(s.key(i))]);
      return JSON.stringify({ local: dump(localStorage), session: dump(sessionStorage),
        cookie: document.cookie, history: history.state });
    });
    const everything = [stored, ...urls, ...titles].join('\n');
    for (const p of PII) {
      assert.equal(everything.toLowerCase().includes(p.toLowerCase()), false,
        `"${p}" found in storage/URL/title`);
    }
    assert.ok(titles.length >= 4 && urls.some((u) => u.includes(`#/ticket/${ticket}`)));
    await context.close();
  });
});
