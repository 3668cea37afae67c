// The harness's TOTP (node:crypto) against the RFC 4226 / RFC 6238 vectors in
// ../shared/vectors/totp.json, and against the code the desk itself accepts (sealctl login).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SOURCE_DIR, base32Decode, hotp, totp, totpSecret } from './harness.mjs';

const vectors = JSON.parse(readFileSync(path.join(SOURCE_DIR, '..', 'shared', 'vectors',
  'totp.json'), 'utf8'));

test('RFC 4226 Appendix D HOTP vectors', () => {
  const key = Buffer.from(vectors.hotp.secret_hex, 'hex');
  assert.ok(vectors.hotp.vectors.length >= 10);
  for (const v of vectors.hotp.vectors) assert.equal(hotp(key, v.count, 6), v.hotp);
});

test('RFC 6238 Appendix B TOTP vectors (SHA-1, SHA-256, SHA-512, 8 digits)', () => {
  let n = 0;
  for (const alg of ['sha1', 'sha256', 'sha512']) {
    const key = Buffer.from(vectors.totp.seeds_hex[alg.toUpperCase()], 'hex');
    for (const v of vectors.totp[alg]) {
      assert.equal(totp(key, { time: v.time, digits: 8, algorithm: alg }), v.totp,
        `${alg} at ${v.time}`);
      n++;
    }
  }
  assert.equal(n, 18);
});

test('base32 secrets as in otpauth:// URIs', () => {
  // "12345678901234567890" in RFC 4648 base32
  const b32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.deepEqual(base32Decode(b32), Buffer.from('12345678901234567890'));
  assert.equal(totpSecret(`otpauth://totp/sealdesk:ana?secret=${b32}&issuer=sealdesk`), b32);
  assert.equal(totp(b32, { time: 59 }), '287082');
  assert.throws(() => base32Decode('not base32!'), /base32/);
});

test('the desk takes the harness codes: three logins of one user in a row', async () => {
  const { startDesk } = await import('./harness.mjs');
  const desk = await startDesk({ consoleDir: null });
  try {
    const sup = await desk.addUser('tia', ['supervisor']);
    for (let i = 0; i < 3; i++) {
      desk.tokens.delete('tia');
      assert.match(await desk.token(sup), /^[0-9a-f]{64}$/);
    }
    const id = await desk.createTicket({ subject: 'harness smoke', body: 'deposit missing',
      email: 'smoke@example.com', priority: 'P2' });
    assert.ok(id > 0);
    const t = JSON.parse(await desk.sealctlAs(sup, '--json', 'ticket', 'get', String(id)));
    assert.equal(t.subject, 'harness smoke');
  } finally {
    await desk.stop();
  }
});
