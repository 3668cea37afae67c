// Issue #16, U3: the compliance audit view verifies inclusion proofs in the browser. A
// compliance officer searches the log, clicks "Verify" on an entry and sees "Verified" (leaf ->
// inclusion proof -> signed checkpoint root -> Ed25519 signature by the audit key, reached from
// the first key through the hand-off after an audit key rotation). When the proof reply is
// tampered on the wire (one byte flipped inside a proof hash) the page reports the failure.
// The export downloads a file that sealaudit verifies offline.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { axeSerious, launchChromium, requirements, SD_BIN, startDesk } from './harness.mjs';

const run = promisify(execFile);

// Flip one byte inside the first proof hash (InclusionProof field 4, `repeated bytes proof`) of
// a gRPC-Web reply body: frame header (flag, 4-byte length), then protobuf fields.
function flipProofByte(body) {
  const b = Buffer.from(body);
  assert.equal(b[0], 0, 'first frame is a message');
  const end = 5 + b.readUInt32BE(1);
  let i = 5;
  const varint = () => {
    let v = 0n;
    for (let s = 0n; ; s += 7n) {
      const x = b[i++];
      v |= BigInt(x & 0x7f) << s;
      if (!(x & 0x80)) return v;
    }
  };
  while (i < end) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) {
      varint();
    } else if (wire === 2) {
      const n = Number(varint());
      if (field === 4 && n === 32) {
        b[i + 13] ^= 0x01;
        return b;
      }
      i += n;
    } else {
      throw new Error(`unexpected wire type ${wire}`);
    }
  }
  throw new Error('no proof hash in the reply (tree too small?)');
}

describe('console audit view: in-browser proof verification', () => {
  let desk;
  let browser;
  let context;
  let page;
  let cora;

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `browser tests cannot run, missing: ${missing.join(', ')}`);
    desk = await startDesk();
    cora = await desk.addUser('cora', ['compliance']);
    for (let i = 0; i < 3; i++) {
      await desk.createTicket({ subject: `Deposit missing ${i}`, body: 'USDT deposit not credited',
        email: `audit${i}@example.com`, priority: 'P2' });
    }
    // A second audit key: the fresh checkpoint is then signed by a key the browser reaches
    // only through the hand-off checkpoint (Audit.Checkpoints).
    await run(path.join(SD_BIN, 'sealkey'), ['--server', `127.0.0.1:${desk.port}`, '--ca',
      desk.ca, '--token', await desk.token(), 'audit-rotate', '--reason', 'browser test']);
    await desk.createTicket({ subject: 'Login problem', body: '2FA lost', email: 'a3@example.com' });
    browser = await launchChromium();
    context = await desk.newContext(browser, { acceptDownloads: true });
    page = await context.newPage();
    await desk.login(page, cora);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await desk?.stop();
  });

  const status = () => page.locator('#audit-status');
  // The live region names the entry once its check has finished, either way.
  const settled = (index) => page.waitForFunction((i) => new RegExp(
    `^(Verified: entry ${i} |Verification failed for entry ${i}:)`).test(
    document.getElementById('audit-status')?.textContent ?? ''), index);

  async function search(actor = '') {
    await page.goto(`${desk.origin}/#/audit`);
    await page.getByLabel('Actor').fill(actor);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('table', { name: 'Audit entries' }).waitFor();
  }

  test('search lists the log; Verify proves an entry against the signed, chained root', async () => {
    await search('harness_admin');
    const rows = page.getByRole('table', { name: 'Audit entries' }).locator('tbody tr');
    assert.ok((await rows.count()) >= 4, 'the admin\'s entries are listed');
    for (const actor of await rows.locator('td:nth-child(3)').allTextContents()) {
      assert.equal(actor, 'harness_admin');
    }
    const verify = page.getByRole('button', { name: /^Verify entry \d+$/ });
    // An early entry (before the key rotation) and the last one (after it).
    for (const b of [verify.nth(1), verify.last()]) {
      const label = await b.getAttribute('aria-label');
      const index = /\d+/.exec(label)[0];
      await b.click();
      await settled(index);
      assert.match(await status().textContent(), new RegExp(`^Verified: entry ${index} is in`));
      const chain = page.getByRole('heading', { name: /^Verified/ }).locator('..');
      // The chain shows both audit keys, first to current.
      assert.equal(await chain.locator('ol li code').count(), 2);
      // The fingerprints shown are those of the server's first and current audit keys.
      const keys = JSON.parse(await desk.sealctl('--json', 'audit', 'pubkey'));
      const fp = (hex) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
      assert.notEqual(keys.public_key, keys.first_public_key);
      assert.equal(await chain.locator('dd > code').nth(1).textContent(), fp(keys.public_key));
      assert.deepEqual(await chain.locator('ol li code').allTextContents(),
        [fp(keys.first_public_key), fp(keys.public_key)]);
    }
  });

  test('a proof reply with one flipped byte is reported as a failure', async () => {
    await search();
    let tampered = 0;
    await page.route('**/sealdesk.v1.Audit/GetInclusionProof', async (route) => {
      const r = await desk.routeFetch(route);
      r.body = flipProofByte(r.body);
      tampered++;
      await route.fulfill(r);
    });
    const b = page.getByRole('button', { name: /^Verify entry \d+$/ }).nth(2);
    const index = /\d+/.exec(await b.getAttribute('aria-label'))[0];
    await b.click();
    await settled(index);
    assert.equal(tampered, 1, 'the proof went through the tampering route');
    assert.equal(await status().textContent(),
      `Verification failed for entry ${index}: proof does not match`);
    assert.equal(await page.getByText('Failed', { exact: true }).count(), 1);

    // The real reply verifies again.
    await page.unroute('**/sealdesk.v1.Audit/GetInclusionProof');
    await b.click();
    await page.waitForFunction(() => /^Verified/.test(
      document.getElementById('audit-status')?.textContent ?? ''));
  });

  test('export downloads the log and sealaudit verifies it', async () => {
    await search();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export the audit log' }).click(),
    ]);
    const file = path.join(desk.work, 'export.log');
    await download.saveAs(file);
    assert.match(download.suggestedFilename(), /^sealdesk-audit-\d{4}-\d{2}-\d{2}\.log$/);
    assert.ok(readFileSync(file).length > 0);
    const keys = JSON.parse(await desk.sealctl('--json', 'audit', 'pubkey'));
    const pk = path.join(desk.work, 'first.pub');
    writeFileSync(pk, `${keys.first_public_key}\n`);
    const { stdout } = await run(path.join(SD_BIN, 'sealaudit'), ['verify', '--log', file,
      '--pubkey', pk]);
    assert.match(stdout.trim().split('\n').pop(), /^OK entries=\d+ root=[0-9a-f]{64}$/);
  });

  test('results and a verified proof: no serious axe violations', async () => {
    // bypassCSP only in this context, so that axe-core can be injected
    const ctx = await desk.newContext(browser, { bypassCSP: true });
    try {
      page = await ctx.newPage();
      await desk.login(page, cora);
      await search();
      const b = page.getByRole('button', { name: /^Verify entry \d+$/ }).first();
      await b.click();
      await settled(/\d+/.exec(await b.getAttribute('aria-label'))[0]);
      const v = await axeSerious(page);
      assert.deepEqual(v, [], `audit view: serious/critical axe violations:\n${v.join('\n')}`);
    } finally {
      await ctx.close();
    }
  });
});
