// Maker-checker in real Chromium (issue #16, supervisor console): a supervisor (maker) requests
// a 5,000 USDT compensation (quorum 2 under data/remedy.policy: "quorum * 1000 2"); in their own
// browser context the approvals page shows the server's refusal when they try to approve it;
// two other supervisors, each in another context, open it (the full destination appears only
// once opened, and is gone after closing) and approve; one executes it; the maker's stale page
// then presses Execute with a new idempotency key and the server's refusal shows: it is
// executed once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchChromium, requirements, startDesk } from './harness.mjs';

const UID = 'UID778899';

describe('approvals: maker-checker across browser contexts', () => {
  let desk;
  let browser;
  let maker;
  let checkers;
  let ticket;
  let remedy;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `browser tests cannot run, missing: ${missing.join(', ')}`);
    desk = await startDesk();
    maker = await desk.addUser('mia', ['supervisor']);
    checkers = [await desk.addUser('chen', ['supervisor']),
      await desk.addUser('kim', ['supervisor'])];
    ticket = await desk.createTicket({ subject: 'Withdrawal fee charged twice',
      body: 'The withdrawal fee was taken twice from my account', uid: UID });
    const r = JSON.parse(await desk.sealctlAs(maker, '--json', 'remedy', 'request', '--ticket',
      String(ticket), '--kind', 'compensation', '--asset', 'USDT', '--amount', '5000',
      '--to-uid', UID, '--justification', 'double fee, 5000 USDT goodwill'));
    remedy = r.id;
    assert.equal(r.state, 'pending');
    assert.equal(r.quorum, 2, 'a 5000 USDT compensation needs two approvals');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await desk?.stop();
  });

  async function approvalsPage(user) {
    const context = await desk.newContext(browser);
    const page = await context.newPage();
    await desk.login(page, user);
    await page.goto(`${desk.origin}/#/approvals`);
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    return { context, page };
  }

  async function openRemedy(page) {
    const open = page.getByRole('button', { name: `Open remedy ${remedy}` });
    await open.click();
    await page.getByRole('heading', { name: `Remedy ${remedy}` }).waitFor();
  }

  const get = async () => JSON.parse(await desk.sealctl('--json', 'remedy', 'get',
    String(remedy)));

  test('the maker cannot approve their own remedy; the server refusal is shown', async () => {
    const { context, page } = await approvalsPage(maker);
    const row = page.locator(`tr[data-remedy="${remedy}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /Compensation/);
    assert.match(await row.innerText(), /5000 USDT/);
    assert.match(await row.innerText(), /0\/2/);
    await openRemedy(page);
    const detail = page.locator('.appr-detail');
    // What the checker must confirm is all there.
    assert.match(await detail.innerText(), /5000\.000000/, 'USDT value');
    assert.match(await detail.innerText(), /2 approvals needed, 2 still missing/);
    assert.match(await detail.innerText(), /double fee, 5000 USDT goodwill/);
    assert.equal(await detail.getByRole('link', { name: `#${ticket}` }).getAttribute('href'),
      `#/ticket/${ticket}`);
    // Review (the unmasked destination) is refused to the requester: the masked UID stays.
    await detail.getByText('the requester cannot approve their own remedy').first().waitFor();
    assert.doesNotMatch(await detail.innerText(), new RegExp(UID));
    await detail.getByRole('button', { name: 'Approve' }).click();
    const alert = detail.locator('[data-field="refusal"]');
    await alert.filter({ hasText: /\S/ }).waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.equal((await alert.innerText()).trim(),
      'the requester cannot approve their own remedy');
    const r = await get();
    assert.equal(r.state, 'pending');
    assert.equal(r.approvals.length, 0, 'the refused approval did not count');
    await context.close();
  });

  test('two other supervisors approve in their own contexts, it executes once', async () => {
    const stale = await approvalsPage(maker); // stays open while the checkers act

    // First checker: sees the item waiting for them, opens it (destination in full), approves.
    const a = await approvalsPage(checkers[0]);
    const row = a.page.locator(`tr[data-remedy="${remedy}"]`);
    await row.getByText('Waiting for your approval').waitFor();
    await openRemedy(a.page);
    const dest = a.page.locator('[data-field="destination"]');
    await dest.waitFor();
    assert.equal(await dest.innerText(), UID, 'the opened item shows the destination in full');
    assert.match(await a.page.locator('.appr-detail').innerText(),
      /This is the ticket's own customer/);
    await a.page.getByRole('button', { name: 'Approve' }).click();
    await a.page.locator('.appr-detail').getByRole('status').filter({ hasText: `Remedy ${remedy} approved; now Pending` })
      .waitFor();
    // Leaving the item forgets the destination.
    await a.page.locator('.appr-detail').getByRole('button', { name: 'Close' }).click();
    await a.page.locator('.appr-detail').waitFor({ state: 'detached' });
    assert.equal(await a.page.getByText(UID).count(), 0, 'destination cleared after leaving');
    // Approving twice is refused by the server and shown as is.
    await openRemedy(a.page);
    await a.page.getByRole('button', { name: 'Approve' }).click();
    await a.page.locator('[data-field="refusal"]').filter({ hasText: /\S/ }).waitFor();
    let r = await get();
    assert.equal(r.state, 'pending');
    assert.deepEqual(r.approvals.map((x) => x.user), ['chen']);

    // Second checker in a third context: approval completes the quorum, then Execute.
    const b = await approvalsPage(checkers[1]);
    await openRemedy(b.page);
    await b.page.locator('[data-field="destination"]').waitFor();
    await b.page.getByRole('button', { name: 'Approve' }).click();
    await b.page.locator('.appr-detail').getByRole('status').filter({ hasText: `Remedy ${remedy} approved; now Approved` })
      .waitFor();
    r = await get();
    assert.equal(r.state, 'approved');
    // The maker's page, already open, refreshes now and sees Execute on the approved item.
    await stale.page.getByRole('button', { name: 'Refresh' }).click();
    await openRemedy(stale.page);
    const staleExecute = stale.page.getByRole('button', { name: 'Execute' });
    await staleExecute.waitFor();

    await b.page.getByRole('button', { name: 'Execute' }).click();
    await b.page.locator('.appr-detail').getByRole('status').filter({ hasText: `Remedy ${remedy} executed; now Executed` })
      .waitFor();
    const done = await get();
    assert.equal(done.state, 'executed');
    assert.equal(done.executed_by, 'kim');
    assert.match(done.idempotency_key, /^[0-9a-f-]{36}$/, 'the key of the click (a UUID)');
    assert.equal(await b.page.getByRole('button', { name: 'Execute' }).count(), 0,
      'no Execute button once executed');

    // A second Execute (the maker's stale page: a new click, a new key) does not execute again.
    await staleExecute.click();
    const refusal = stale.page.locator('[data-field="refusal"]');
    await refusal.filter({ hasText: /\S/ }).waitFor();
    assert.match(await refusal.innerText(), /already executed/);
    const again = await get();
    assert.equal(again.state, 'executed');
    assert.equal(again.executed_at, done.executed_at, 'executed once');
    assert.equal(again.executed_by, 'kim');
    assert.equal(again.idempotency_key, done.idempotency_key);
    // Once executed it leaves the inbox.
    await b.page.getByRole('button', { name: 'Refresh' }).click();
    await b.page.locator(`tr[data-remedy="${remedy}"]`).waitFor({ state: 'detached' });
    for (const c of [stale, a, b]) await c.context.close();
  });
});
