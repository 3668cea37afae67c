// Issue #16, U3: the security-admin console (#/admin). Maker-checker for users: the maker's own
// approval is refused with the server's message, a second admin's approval shows the new
// user's password and TOTP URI once (and they log in with them); disable/enable behind a
// confirm dialog; key status matches the server; audit key rotation and shredding a customer
// go through a confirm dialog and report what the server did.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { axeSerious, launchChromium, requirements, startDesk, totpSecret } from './harness.mjs';

describe('console security administration', () => {
  let desk;
  let browser;
  let ctxSam;
  let ctxAdmin;
  let sam;
  let page;
  let requestId;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `browser tests cannot run, missing: ${missing.join(', ')}`);
    desk = await startDesk();
    sam = await desk.addUser('sam', ['security_admin']);
    await desk.createTicket({ subject: 'Close my account', body: 'please delete my data',
      uid: 'UID-SHRED-7', email: 'shred.me@example.com' });
    browser = await launchChromium();
    ctxSam = await desk.newContext(browser);
    page = await ctxSam.newPage();
    await desk.login(page, sam);
    await page.goto(`${desk.origin}/#/admin`);
    await page.getByRole('heading', { name: 'Security administration' }).waitFor();
  });

  after(async () => {
    await ctxAdmin?.close();
    await ctxSam?.close();
    await browser?.close();
    await desk?.stop();
  });

  const done = () => page.locator('section[aria-labelledby="admin-h"] > p[role="status"]');
  const alert = () => page.locator('section[aria-labelledby="admin-h"] > p[role="alert"]');

  test('users are listed; a new user is a request the maker cannot approve', async () => {
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('rowheader', { name: 'sam' }).waitFor();
    assert.equal(await users.getByRole('rowheader', { name: 'harness_admin' }).count(), 1);

    await page.getByLabel('Name', { exact: true }).fill('newbie');
    await page.getByRole('group', { name: 'Roles' }).getByLabel('Agent').check();
    await page.getByRole('button', { name: 'Request the new user' }).click();
    await page.waitForFunction(() => /^Request #\d+/.test(document.querySelector(
      'section[aria-labelledby="admin-h"] > p[role="status"]')?.textContent ?? ''));
    requestId = /#(\d+)/.exec(await done().textContent())[1];
    assert.equal(await done().textContent(),
      `Request #${requestId} (add user newbie) waits for another security admin.`);
    const reqs = page.getByRole('table', { name: 'Pending user requests' });
    await reqs.getByRole('cell', { name: 'newbie' }).waitFor();

    await page.getByRole('button', { name: `Approve request #${requestId}` }).click();
    await page.waitForFunction(() => (document.querySelector(
      'section[aria-labelledby="admin-h"] > p[role="alert"]')?.textContent ?? '') !== '');
    assert.match(await alert().textContent(), /^Error: /);
    assert.equal(await page.getByRole('region', { name: /^Credentials of/ }).count(), 0);
    assert.equal(await reqs.getByRole('cell', { name: 'newbie' }).count(), 1, 'still pending');
  });

  test('a second admin approves: the credentials are shown once and work', async () => {
    ctxAdmin = await desk.newContext(browser);
    const p2 = await ctxAdmin.newPage();
    await desk.login(p2, desk.admin);
    await p2.goto(`${desk.origin}/#/admin`);
    await p2.getByRole('button', { name: `Approve request #${requestId}` }).click();
    const panel = p2.getByRole('region', { name: 'Credentials of newbie' });
    await panel.waitFor();
    const password = await panel.getByLabel('Password').textContent();
    const uri = await panel.getByLabel('TOTP URI').textContent();
    assert.ok(password.length >= 12);
    assert.match(uri, /^otpauth:\/\/totp\//);
    await panel.getByRole('button', { name: /hide$/ }).click();
    assert.equal(await p2.getByRole('region', { name: 'Credentials of newbie' }).count(), 0);
    assert.equal(await p2.getByText(password).count(), 0, 'the password is gone from the page');

    const ctx3 = await desk.newContext(browser);
    const p3 = await ctx3.newPage();
    await desk.login(p3, { name: 'newbie', password, secret: totpSecret(uri) });
    assert.match(await p3.getByText(/^Signed in as newbie$/).textContent(), /newbie/);
    await ctx3.close();
  });

  test('disable asks first and takes effect; enable restores', async () => {
    await page.reload();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'newbie' }) });
    await row.waitFor();
    await page.getByRole('button', { name: 'Disable newbie' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await row.getByRole('cell', { name: 'Active' }).count(), 1, 'cancel changes nothing');
    await page.getByRole('button', { name: 'Disable newbie' }).click();
    await page.getByRole('dialog', { name: 'Disable' }).getByRole('button', { name: 'Disable' })
      .click();
    await row.getByRole('cell', { name: 'Disabled' }).waitFor();
    const listed = JSON.parse(await desk.sealctl('--json', 'user', 'list'));
    const u = (listed.users ?? listed).find((x) => x.name === 'newbie');
    assert.equal(u.disabled, true);
    await page.getByRole('button', { name: 'Enable newbie' }).click();
    await row.getByRole('cell', { name: 'Active' }).waitFor();
  });

  test('key status, audit key rotation and shredding, each confirmed', async () => {
    const keys = JSON.parse(await desk.sealctl('--json', 'audit', 'pubkey'));
    const fp = createHash('sha256').update(Buffer.from(keys.public_key, 'hex')).digest('hex');
    await page.getByText(fp).first().waitFor();

    await page.getByRole('button', { name: 'Rotate the audit key' }).click();
    await page.getByRole('dialog', { name: 'Rotate the audit key' })
      .getByRole('button', { name: 'Rotate the audit key' }).click();
    await page.waitForFunction(() => /^Audit key v2 is current/.test(document.querySelector(
      'section[aria-labelledby="admin-h"] > p[role="status"]')?.textContent ?? ''));
    const now = JSON.parse(await desk.sealctl('--json', 'audit', 'pubkey'));
    assert.notEqual(now.public_key, keys.public_key);
    const fp2 = createHash('sha256').update(Buffer.from(now.public_key, 'hex')).digest('hex');
    assert.match(await done().textContent(), new RegExp(fp2));

    await page.getByLabel('Customer UID').fill('UID-SHRED-7');
    await page.getByLabel('Reason', { exact: true }).last().fill('GDPR erasure request 7');
    await page.getByRole('button', { name: 'Shred', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Shred a customer' });
    await dialog.getByRole('button', { name: 'Shred', exact: true }).click();
    await page.waitForFunction(() => /^Shredded: 1 data key/.test(document.querySelector(
      'section[aria-labelledby="admin-h"] > p[role="status"]')?.textContent ?? ''));
  });

  test('the admin view and its confirm dialog: no serious axe violations', async () => {
    // bypassCSP only in this context, so that axe-core can be injected
    const ctx = await desk.newContext(browser, { bypassCSP: true });
    try {
      const p = await ctx.newPage();
      await desk.login(p, sam);
      await p.goto(`${desk.origin}/#/admin`);
      await p.getByRole('table', { name: 'Users' }).getByRole('rowheader', { name: 'sam' })
        .waitFor();
      let v = await axeSerious(p);
      assert.deepEqual(v, [], `admin view: serious/critical axe violations:\n${v.join('\n')}`);
      await p.getByRole('button', { name: 'Offboard newbie' }).click();
      await p.getByRole('dialog', { name: 'Offboard' }).waitFor();
      v = await axeSerious(p);
      assert.deepEqual(v, [], `confirm dialog: serious/critical axe violations:\n${v.join('\n')}`);
      await p.getByRole('dialog', { name: 'Offboard' }).getByRole('button', { name: 'Cancel' })
        .click();
    } finally {
      await ctx.close();
    }
  });
});
