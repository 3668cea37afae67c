// The supervisor's console pages in real Chromium (issue #16): the dashboard's numbers come
// from the server and refresh every 30 s; incidents are opened, linked, updated and resolved;
// KB articles are added and edited with versions (and an edit that started from an older
// version is refused before it overwrites); agent profiles and shift overrides are saved; no
// serious or critical axe finding on any of the five pages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeSerious, launchChromium, requirements, startDesk } from './harness.mjs';

describe('supervisor pages', () => {
  let desk;
  let browser;
  let sup;
  let page;
  let context;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `browser tests cannot run, missing: ${missing.join(', ')}`);
    desk = await startDesk();
    sup = await desk.addUser('sofia', ['supervisor']);
    await desk.addUser('ana', ['agent']);
    browser = await launchChromium();
    context = await desk.newContext(browser);
    page = await context.newPage();
    await desk.login(page, sup);
  });

  after(async () => {
    await browser?.close();
    await desk?.stop();
  });

  const go = async (route, heading) => {
    await page.goto(`${desk.origin}/#/${route}`);
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };
  const json = async (...args) => JSON.parse(await desk.sealctl('--json', ...args));

  test('dashboard: queue per priority, on duty, charts with text alternatives, 30 s refresh',
    async () => {
      for (const p of ['P1', 'P1', 'P3']) {
        await desk.createTicket({ subject: `withdrawal stuck ${p}`, body: 'withdrawal pending',
          priority: p, channel: 'email' });
      }
      await desk.sealctl('agent', 'set', '--name', 'ana', '--langs', 'en',
        '--shift', 'Daily 00:00-23:59 UTC');
      await page.clock.install();
      await go('dashboard', 'Dashboard');
      const queue = page.locator('table.dash-queue');
      const p1 = queue.getByRole('row', { name: /^P1/ });
      await p1.waitFor();
      assert.deepEqual(await p1.locator('td').allInnerTexts(), ['2', '0']);
      assert.deepEqual(await queue.getByRole('row', { name: /^P3/ }).locator('td')
        .allInnerTexts(), ['1', '0']);
      assert.match(await page.getByRole('heading', { name: /Agents on duty now: 1/ })
        .innerText(), /1/);
      assert.equal(await page.locator('.dash-agents li').innerText(), 'ana');
      // Each chart is an image named by its <title>, with the numbers in a hidden table.
      const chart = page.getByRole('img', { name: 'Open and overdue tickets by priority' });
      assert.equal(await chart.count(), 1);
      assert.equal(await page.getByRole('img', { name: 'New tickets per day by channel' })
        .count(), 1);
      const hidden = page.getByRole('table', { name: 'New tickets per day by channel' });
      assert.match(await hidden.innerText(), /Day\s+Email\s+\S+\s+3$/);
      // A new P1 shows after the next 30-second refresh, not before.
      await desk.createTicket({ subject: 'withdrawal stuck again', priority: 'P1' });
      await page.clock.fastForward(5000);
      assert.deepEqual(await p1.locator('td').allInnerTexts(), ['2', '0']);
      await page.clock.fastForward(26000);
      await page.waitForFunction(() => document.querySelector('table.dash-queue tbody tr td')
        ?.textContent === '3');
    });

  test('dashboard for compliance: the statistics, without the supervisors\' duty view',
    async () => {
      const cleo = await desk.addUser('cleo', ['compliance']);
      const ctx = await desk.newContext(browser);
      const p = await ctx.newPage();
      await desk.login(p, cleo);
      await p.goto(`${desk.origin}/#/dashboard`);
      await p.locator('table.dash-queue').getByRole('row', { name: /^P1/ }).waitFor();
      assert.equal((await p.locator('main [role="alert"]').first().innerText()).trim(), '');
      assert.equal(await p.getByRole('heading', { name: /Agents on duty/ }).count(), 0);
      await ctx.close();
    });

  test('incidents: open, link a ticket, post one update, resolve', async () => {
    const ticket = await desk.createTicket({ subject: 'TRX withdrawal delayed',
      body: 'my TRX withdrawal is late', email: 'cust.inc@example.com' });
    await go('incidents', 'Incidents');
    await page.getByLabel('Title').fill('TRX withdrawals delayed');
    await page.getByLabel('Category').selectOption('withdrawal');
    await page.getByLabel('Match terms').fill('TRX');
    await page.getByRole('button', { name: 'Open incident' }).click();
    const detail = page.locator('.inc-detail');
    await detail.getByRole('heading', { name: /TRX withdrawals delayed/ }).waitFor();
    const id = Number(/Incident (\d+)/.exec(await detail.getByRole('heading').first()
      .innerText())[1]);
    await detail.getByLabel('Ticket number to link').fill(String(ticket));
    await detail.getByRole('button', { name: 'Link ticket', exact: true }).click();
    await detail.getByRole('link', { name: `#${ticket}` }).waitFor();
    await detail.getByLabel('Update for every linked ticket')
      .fill('The TRX network is congested; withdrawals will arrive within 2 hours.');
    await detail.getByRole('button', { name: 'Post update' }).click();
    await detail.getByRole('status').filter({ hasText: 'Update posted to 1 tickets.' }).waitFor();
    // Bad input: the server's message, nothing changed.
    await detail.getByLabel('Ticket number to link').fill('99999');
    await detail.getByRole('button', { name: 'Link ticket', exact: true }).click();
    await detail.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
    await detail.getByLabel('Also resolve the linked tickets').check();
    await detail.getByRole('button', { name: 'Resolve incident' }).click();
    await detail.getByRole('status').filter({ hasText: `Incident ${id} resolved.` }).waitFor();
    const inc = await json('incident', 'get', String(id));
    assert.equal(inc.status, 'resolved');
    assert.equal(inc.updates, 1);
    assert.deepEqual(inc.links.map((l) => [l.ticket, l.state]), [[ticket, 'confirmed']]);
    const t = await json('ticket', 'get', String(ticket));
    assert.equal(t.status, 'resolved');
  });

  test('knowledge base: add, edit with versions, stale edit refused', async () => {
    await go('kb', 'Knowledge base');
    await page.getByRole('button', { name: 'New article' }).click();
    const form = page.locator('form.card');
    await form.getByLabel('Language').selectOption('en');
    await form.getByLabel('Title').fill('How long a TRX withdrawal takes');
    await form.getByLabel('Text (Markdown)').fill('Usually under 10 minutes.');
    await form.getByLabel('Category').selectOption('withdrawal');
    await form.getByLabel('Tags (comma-separated)').fill('trx, withdrawal');
    await form.getByRole('button', { name: 'Save' }).click();
    const art = page.locator('article.kb-article');
    await art.getByText(/version 1, by sofia/).waitFor();
    const id = Number(/Article (\d+)/.exec(await art.getByText(/version 1/).innerText())[1]);

    await art.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: `Editing article ${id} (from version 1)` }).waitFor();
    await page.getByLabel('Title').fill('How long a TRX withdrawal usually takes');
    await page.getByRole('button', { name: 'Save' }).click();
    await art.getByText(/version 2, by sofia/).waitFor();
    assert.equal(await art.getByRole('heading').innerText(),
      'How long a TRX withdrawal usually takes');
    // Earlier versions stay readable.
    await art.getByLabel('Version').selectOption('1');
    await art.getByRole('heading', { name: 'How long a TRX withdrawal takes' }).waitFor();
    await art.getByText('You are looking at version 1, not the current one.').waitFor();
    await art.getByLabel('Version').selectOption('2');

    // Someone else saves version 3 while this editor is open on version 2.
    await art.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Title').fill('My stale title');
    await desk.sealctl('kb', 'edit', String(id), '--title', 'Edited by the harness admin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('form.card [role="alert"]')
      .filter({ hasText: 'you started from version 2, but harness_admin saved version 3' })
      .waitFor();
    const now = await json('kb', 'get', String(id));
    assert.equal(now.version, 3);
    assert.equal(now.title, 'Edited by the harness admin');

    // Search finds it.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByLabel('Search articles').fill('TRX withdrawal');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Search results' })
      .getByRole('button', { name: 'Edited by the harness admin' }).waitFor();
  });

  test('routing: agent profile with a shift window in its zone, shift override', async () => {
    await go('routing', 'Routing & shifts');
    await page.getByRole('button', { name: 'Add agent profile' }).click();
    const form = page.locator('form.rt-form');
    await form.getByLabel('Agent').fill('ana');
    await form.getByLabel('Languages').fill('ko,en');
    await form.getByLabel('Deposit').check();
    await form.getByLabel('Handles VIP customers').check();
    await form.getByLabel('Days').selectOption('Mon-Fri');
    await form.getByLabel('From').fill('09:00');
    await form.getByLabel('Until').fill('18:00');
    await form.getByLabel('Time zone').selectOption('Asia/Seoul');
    await form.getByRole('button', { name: 'Add window' }).click();
    assert.equal(await form.getByLabel('Shifts').inputValue(), 'Mon-Fri 09:00-18:00 Asia/Seoul');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const row = page.locator('tr[data-agent="ana"]');
    assert.match(await row.innerText(), /Asia\/Seoul/);
    let agents = await json('agent', 'list');
    let ana = agents.find((a) => a.name === 'ana');
    assert.deepEqual([...ana.langs].sort(), ['en', 'ko']);
    assert.deepEqual(ana.categories, ['deposit']);
    assert.equal(ana.vip, true);

    // Bad input names the field; nothing changes.
    await row.getByRole('button', { name: 'Edit agent ana' }).click();
    await page.locator('form.rt-form').getByLabel('Languages').fill('klingon');
    await page.locator('form.rt-form').getByRole('button', { name: 'Save' }).click();
    await page.locator('form.rt-form [role="alert"]').filter({ hasText: /langs/ }).waitFor();
    await page.locator('form.rt-form').getByRole('button', { name: 'Cancel' }).click();

    // Override: off shift for the next two hours (times in the user's zone, UTC here).
    await row.getByRole('button', { name: 'Override shift: ana' }).click();
    const o = page.locator('form.rt-form');
    const fmt = (d) => d.toISOString().slice(0, 16);
    await o.getByLabel('From').fill(fmt(new Date(Date.now() + 3600_000)));
    await o.getByLabel('Until').fill(fmt(new Date(Date.now() + 3 * 3600_000)));
    await o.getByLabel('Off shift').check();
    await o.getByRole('button', { name: 'Save' }).click();
    await o.waitFor({ state: 'detached' });
    await row.getByText(/ off/).waitFor();
    agents = await json('agent', 'list');
    ana = agents.find((a) => a.name === 'ana');
    assert.equal(ana.overrides.length, 1);
    assert.match(ana.overrides[0], / ?off$/);
    // The on-duty matrix has a row per language.
    await page.getByRole('table', { name: /On duty now/ }).getByRole('rowheader', { name: 'ko' })
      .waitFor();
  });

  test('no serious or critical accessibility finding on the five pages', async () => {
    const ctx = await desk.newContext(browser, { bypassCSP: true }); // axe is injected
    const p = await ctx.newPage();
    await desk.login(p, sup);
    for (const [route, heading] of [['dashboard', 'Dashboard'], ['approvals', 'Approvals'],
      ['incidents', 'Incidents'], ['kb', 'Knowledge base'], ['routing', 'Routing & shifts']]) {
      await p.goto(`${desk.origin}/#/${route}`);
      await p.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await p.waitForTimeout(500);
      assert.deepEqual(await axeSerious(p), [], route);
    }
    await ctx.close();
  });
});
