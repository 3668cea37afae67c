// The agent's console in real Chromium (issue #16, U1): log in with password + TOTP, the work
// list shows tickets created over gRPC (sealctl) with masked customers in priority order,
// j/k + Enter open a row, "Claim next" opens the most urgent ticket, reply and internal note
// land in the timeline, "Unmask" asks for a reason and the read is in the audit log (searched
// as a compliance user), the unmasked value is gone from the DOM after leaving the ticket, and
// "Resolve" (one of Ticket.transitions) resolves it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeSerious, launchChromium, requirements, setLanguage, startDesk } from './harness.mjs';

let desk;
let browser;

before(async () => {
  const missing = requirements();
  if (missing.length) throw new Error(`browser test cannot run, missing: ${missing.join('; ')}`);
  desk = await startDesk();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await desk?.stop();
});

// The ids in the work list's first column, top to bottom.
async function listedIds(page) {
  return page.locator('table.wl-table tbody tr').evaluateAll((rows) =>
    rows.map((r) => Number(r.getAttribute('data-id'))));
}

async function waitHash(page, hash) {
  await page.waitForFunction((h) => window.location.hash === h, hash, { timeout: 15000 });
}

test('agent: work list, keyboard, claim next, reply, note, unmask audited, resolve', async () => {
  const ana = await desk.addUser('ana', ['agent']);
  const carl = await desk.addUser('carl', ['compliance']);
  const p2 = await desk.createTicket({ subject: 'Withdrawal pending for 20 hours',
    body: '0.35 ETH withdrawal still pending', email: 'kim.lee@example.com', name: 'Kim Lee',
    priority: 'P2', category: 'withdrawal' });
  const p1 = await desk.createTicket({ subject: 'Deposit not credited',
    body: 'My USDT deposit is missing', email: 'jo.park@example.com', uid: 'U77881234',
    priority: 'P1', category: 'deposit' });
  const p3 = await desk.createTicket({ subject: 'How do I change my nickname',
    body: 'where is the setting', email: 'lee.min@example.com', priority: 'P3',
    category: 'account' });

  const context = await desk.newContext(browser);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await desk.login(page, ana);
  await page.goto(`${desk.url}#/tickets`);

  // The work list: every ticket, default order priority then SLA left, customers masked.
  await page.getByRole('heading', { name: 'Work list', level: 1 }).waitFor();
  await page.locator(`table.wl-table tr[data-id="${p3}"]`).waitFor();
  assert.deepEqual(await listedIds(page), [p1, p2, p3]);
  const rowText = await page.locator(`tr[data-id="${p2}"]`).innerText();
  assert.match(rowText, /Withdrawal pending for 20 hours/);
  assert.match(rowText, /P2/);
  assert.doesNotMatch(await page.locator('table.wl-table').innerText(),
    /kim\.lee@|jo\.park@|Kim Lee/, 'customer PII is masked in the list');
  for (const name of ['Reference', 'Subject', 'Customer', 'Category', 'Priority', 'Language',
    'VIP', 'Status', 'SLA time left']) {
    await page.getByRole('columnheader', { name }).waitFor();
  }

  // Sort by reference (click the header): ascending ids.
  await page.getByRole('button', { name: 'Reference', exact: true }).click();
  assert.deepEqual(await listedIds(page), [p2, p1, p3]);
  await page.getByRole('button', { name: 'Priority', exact: true }).click();
  assert.deepEqual(await listedIds(page), [p1, p2, p3]);

  // Filters: priority P3 only, then the text filter on the subject.
  await page.getByLabel('Priority', { exact: true }).selectOption('P3');
  assert.deepEqual(await listedIds(page), [p3]);
  await page.getByLabel('Priority', { exact: true }).selectOption('');
  await page.getByLabel('Subject or reference').fill('deposit');
  assert.deepEqual(await listedIds(page), [p1]);
  await page.getByLabel('Subject or reference').fill('');
  assert.deepEqual(await listedIds(page), [p1, p2, p3]);

  // Keyboard: j moves the selection down (focus follows), k up, Enter opens.
  await page.locator('main').focus();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), `#${p2}`);
  assert.equal(await page.locator('tr.selected').getAttribute('data-id'), String(p2));
  await page.keyboard.press('Enter');
  await waitHash(page, `#/ticket/${p2}`);
  await page.getByRole('heading', { level: 1, name: /Withdrawal pending for 20 hours/ }).waitFor();
  await page.goto(`${desk.url}#/tickets`);
  await page.locator(`table.wl-table tr[data-id="${p3}"]`).waitFor();

  // Claim next: the P1 ticket, assigned to ana, opened.
  await page.getByRole('button', { name: 'Claim next', exact: true }).click();
  await waitHash(page, `#/ticket/${p1}`);
  await page.getByRole('heading', { level: 1, name: /Deposit not credited/ }).waitFor();
  const facts = page.locator('dl.facts');
  await facts.getByText('ana', { exact: true }).waitFor();
  const claimed = JSON.parse(await desk.sealctl('--json', 'ticket', 'get', String(p1)));
  assert.equal(claimed.assignee, 'ana');

  // Reply (public) and internal note: both in the timeline, the note marked.
  await page.getByLabel('Message', { exact: true }).fill('We are checking the deposit now.');
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  await page.locator('.timeline .tl-body', { hasText: 'We are checking the deposit now.' })
    .waitFor();
  await page.getByLabel('Message', { exact: true }).fill('chain shows 2 confirmations');
  await page.getByRole('button', { name: 'Internal note', exact: true }).click();
  const note = page.locator('.timeline li', { hasText: 'chain shows 2 confirmations' });
  await note.waitFor();
  assert.match(await note.innerText(), /Internal note/);
  const { timeline } = JSON.parse(await desk.sealctl('--json', 'ticket', 'get', String(p1)));
  const byBody = (b) => timeline.find((e) => e.kind === 'comment' && e.body === b);
  assert.equal(byBody('We are checking the deposit now.')?.internal, false);
  assert.equal(byBody('chain shows 2 confirmations')?.internal, true);

  // Unmask: masked first; the dialog needs a reason; the read is audited.
  const email = page.locator('dd[data-field="customer_email"]');
  assert.doesNotMatch(await email.innerText(), /jo\.park@example\.com/);
  await page.getByRole('button', { name: 'Unmask', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Unmask customer data' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Unmask', exact: true }).click(); // empty reason
  assert.ok(await dialog.isVisible(), 'an empty reason does not unmask');
  assert.doesNotMatch(await email.innerText(), /jo\.park@example\.com/);
  await dialog.getByLabel('Reason for unmasking').fill('customer on the phone, verify email');
  await dialog.getByRole('button', { name: 'Unmask', exact: true }).click();
  await page.locator('dd[data-field="customer_email"]', { hasText: 'jo.park@example.com' })
    .waitFor();
  await dialog.waitFor({ state: 'hidden' });

  const audit = JSON.parse(await desk.sealctlAs(carl, '--json', 'audit', 'search', '--kind',
    'ticket.unmask', '--ticket', String(p1)));
  const reads = audit.entries.filter((e) => e.actor === 'ana');
  assert.equal(reads.length, 1, JSON.stringify(audit));
  assert.equal(reads[0].reason, 'customer on the phone, verify email');

  // Nothing of it in storage, the title or the URL; leaving the ticket drops it from the DOM.
  const leaks = await page.evaluate(() => JSON.stringify([Object.entries(localStorage),
    Object.entries(sessionStorage), document.title, window.location.href]));
  assert.doesNotMatch(leaks, /jo\.park|U77881234/);
  await page.getByRole('link', { name: 'Work list' }).click();
  await waitHash(page, '#/tickets');
  await page.locator(`table.wl-table tr[data-id="${p1}"]`).waitFor();
  assert.doesNotMatch(await page.content(), /jo\.park@example\.com|U77881234/);
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: /Deposit not credited/ }).waitFor();
  await page.locator('dd[data-field="customer_email"]').waitFor();
  assert.doesNotMatch(await page.content(), /jo\.park@example\.com|U77881234/,
    'back on the ticket, the fields are masked again');

  // Status: only the transitions the server allows are offered; Resolve resolves.
  await page.getByRole('button', { name: 'Resolve', exact: true }).click();
  await facts.getByText('Resolved', { exact: true }).waitFor();
  const resolved = JSON.parse(await desk.sealctl('--json', 'ticket', 'get', String(p1)));
  assert.equal(resolved.status, 'resolved');
  await page.getByRole('button', { name: 'Reopen', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Resolve', exact: true }).count(), 0);

  assert.deepEqual(errors, []);
  await context.close();
});

test('agent: remedy request from the ticket view, refused input named', async () => {
  const bo = await desk.addUser('bo', ['agent']);
  const id = await desk.createTicket({ subject: 'Fee charged twice', body: 'double fee',
    email: 'sam.choi@example.com', uid: 'U55501234', priority: 'P3', category: 'trading' });
  await desk.sealctl('ticket', 'assign', String(id), '--agent', 'bo');
  const context = await desk.newContext(browser);
  const page = await context.newPage();
  await desk.login(page, bo);
  await page.goto(`${desk.url}#/ticket/${id}`);
  await page.getByRole('heading', { level: 1, name: /Fee charged twice/ }).waitFor();

  const form = page.locator('form.remedy-form');
  await form.getByLabel('Kind').selectOption('fee_refund');
  await form.getByLabel('Asset').fill('USDT');
  await form.getByLabel('Amount').fill('12.5');
  await form.getByLabel('Destination UID').fill('U99999999'); // not the customer: refused
  await form.getByLabel('Justification').fill('fee charged twice on order 8812');
  await form.getByRole('button', { name: 'Request remedy' }).click();
  await form.getByRole('alert').filter({ hasText: /to_uid/ }).waitFor();

  await form.getByLabel('Destination UID').fill('');
  await form.getByRole('button', { name: 'Request remedy' }).click();
  await form.getByRole('status').filter({ hasText: /Remedy #\d+ requested: pending/ }).waitFor();
  const list = JSON.parse(await desk.sealctl('--json', 'remedy', 'list'));
  const mine = (list.remedies ?? list).filter((r) => Number(r.ticket_id) === id);
  assert.equal(mine.length, 1, JSON.stringify(list));
  assert.equal(mine[0].kind, 'fee_refund');
  assert.equal(mine[0].requester, 'bo');
  await context.close();
});

test('supervisor: Assign lists agents and assigns; pages pass axe; zh strings', async () => {
  const sue = await desk.addUser('sue', ['supervisor']);
  await desk.addUser('dan', ['agent']);
  await desk.addUser('eve', ['agent']);
  // Routing profiles: eve handles security tickets, dan only deposits (listed after eve).
  await desk.sealctl('agent', 'set', '--name', 'dan', '--langs', 'en', '--categories', 'deposit');
  await desk.sealctl('agent', 'set', '--name', 'eve', '--langs', 'en', '--categories', 'security');
  const id = await desk.createTicket({ subject: 'Cannot log in after 2FA reset',
    body: 'locked out', email: 'yu.na@example.com', priority: 'P2', category: 'security' });
  // axe needs its script in the page: this context only bypasses the CSP for it.
  const context = await desk.newContext(browser, { bypassCSP: true });
  const page = await context.newPage();
  await desk.login(page, sue);
  await page.goto(`${desk.url}#/tickets`);
  await page.locator(`table.wl-table tr[data-id="${id}"]`).waitFor();
  assert.deepEqual(await axeSerious(page), [], 'work list');

  await page.goto(`${desk.url}#/ticket/${id}`);
  await page.getByRole('heading', { level: 1, name: /Cannot log in after 2FA reset/ }).waitFor();
  const pick = page.getByLabel('Assign to');
  await pick.locator('option[value="dan"]').waitFor({ state: 'attached' });
  const order = await pick.locator('option').evaluateAll((o) => o.map((x) => x.value));
  assert.deepEqual(order.filter((v) => v === 'dan' || v === 'eve'), ['eve', 'dan'],
    'skilled in the category first');
  assert.deepEqual(await axeSerious(page), [], 'ticket view');
  await pick.selectOption('dan');
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await page.locator('dl.facts').getByText('dan', { exact: true }).waitFor();
  const t = JSON.parse(await desk.sealctl('--json', 'ticket', 'get', String(id)));
  assert.equal(t.assignee, 'dan');
  await page.getByRole('button', { name: 'Unmask', exact: true }).click();
  await page.getByRole('dialog').waitFor();
  assert.deepEqual(await axeSerious(page), [], 'unmask dialog');
  await page.getByRole('button', { name: 'Cancel' }).click();

  await setLanguage(page, 'zh');
  await page.getByRole('heading', { name: '客户信息' }).waitFor();
  await page.goto(`${desk.url}#/tickets`);
  await page.getByRole('button', { name: '领取下一个' }).waitFor();
  await page.getByRole('columnheader', { name: 'SLA 剩余时间' }).waitFor();
  await context.close();
});
