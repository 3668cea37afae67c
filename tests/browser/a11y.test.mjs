// Issue #16: axe-core finds no serious or critical violation on the login page, the work
// list, a ticket, the dashboard and the audit view; the controls tests and screen readers
// rely on have their accessible names.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeSerious, launchChromium, requirements, startDesk } from './harness.mjs';

describe('console accessibility', () => {
  let desk;
  let browser;
  let context;
  let page;
  let lee;
  let ticket;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `browser tests cannot run, missing: ${missing.join(', ')}`);
    desk = await startDesk();
    lee = await desk.addUser('lee', ['agent', 'supervisor', 'compliance']);
    ticket = await desk.createTicket({ subject: 'Withdrawal stuck in review', body:
      'My 0.35 ETH withdrawal has been pending for 20 hours', email: 'jo.a11y@example.com',
      priority: 'P1', category: 'withdrawal' });
    await desk.createTicket({ subject: '提现一直在审核中', body: '0.35 ETH 提现 20 小时未到账',
      email: 'wang.a11y@example.com', priority: 'P2' });
    await desk.createTicket({ subject: '입금이 반영되지 않았어요', body: '입금이 3시간째 안 들어옵니다',
      email: 'kim.a11y@example.com', priority: 'P3' });
    browser = await launchChromium();
    // bypassCSP only here, so that axe-core can be injected into the page
    context = await desk.newContext(browser, { bypassCSP: true });
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await desk?.stop();
  });

  const clean = async (what) => {
    const v = await axeSerious(page);
    assert.deepEqual(v, [], `${what}: serious/critical axe violations:\n${v.join('\n')}`);
  };

  test('login page: labelled fields, no serious violations', async () => {
    await page.goto(desk.url);
    // The app renders the form after its first Auth.Me answer: wait for it, then count.
    await page.getByLabel('User name').first().waitFor();
    for (const label of ['User name', 'TOTP code']) {
      assert.equal(await page.getByLabel(label).count(), 1, `field labelled "${label}"`);
    }
    assert.equal(await page.getByLabel('Password', { exact: true }).count(), 1);
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('type'),
      'password');
    assert.equal(await page.getByRole('button', { name: 'Log in' }).count(), 1);
    assert.match(await page.evaluate(() => document.documentElement.lang), /^en/);
    await clean('login page');
    await desk.login(page, lee);
  });

  test('work list: "Claim next", no serious violations', async () => {
    await page.goto(`${desk.origin}/#/tickets`);
    await page.getByRole('button', { name: 'Claim next' }).waitFor();
    await page.getByText('Withdrawal stuck in review').first().waitFor();
    await clean('work list');
  });

  test('ticket view: no serious violations', async () => {
    await page.goto(`${desk.origin}/#/ticket/${ticket}`);
    await page.getByText('Withdrawal stuck in review').first().waitFor();
    await page.getByRole('button', { name: 'Reply' }).first().waitFor();
    await clean('ticket view');
  });

  test('dashboard: no serious violations', async () => {
    await page.goto(`${desk.origin}/#/dashboard`);
    await page.waitForLoadState('networkidle');
    await page.getByRole('heading').first().waitFor();
    await clean('dashboard');
  });

  test('audit view: no serious violations', async () => {
    await page.goto(`${desk.origin}/#/audit`);
    await page.getByRole('heading').first().waitFor();
    await page.waitForLoadState('networkidle');
    await clean('audit view');
  });
});
