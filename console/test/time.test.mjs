// Unit tests of console/src/audit/time.ts: the audit search's time range, typed in the user's
// IANA zone, to RFC 3339 UTC and back (including DST edges).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { localToUtc, utcToLocal } from '../build-test/audit/time.js';

test('local wall time in a zone -> RFC 3339 UTC', () => {
  assert.equal(localToUtc('2026-12-03T09:00', ''), '2026-12-03T09:00:00Z');
  assert.equal(localToUtc('2026-12-03T09:00', 'UTC'), '2026-12-03T09:00:00Z');
  assert.equal(localToUtc('2026-12-03T09:00', 'Asia/Shanghai'), '2026-12-03T01:00:00Z');
  assert.equal(localToUtc('2026-12-03T09:00:30', 'Asia/Seoul'), '2026-12-03T00:00:30Z');
  assert.equal(localToUtc('2026-01-01T00:30', 'Asia/Seoul'), '2025-12-31T15:30:00Z');
  // Summer and winter time in one zone.
  assert.equal(localToUtc('2026-07-01T12:00', 'Europe/Berlin'), '2026-07-01T10:00:00Z');
  assert.equal(localToUtc('2026-01-15T12:00', 'Europe/Berlin'), '2026-01-15T11:00:00Z');
  assert.equal(localToUtc('2026-03-08T01:30', 'America/New_York'), '2026-03-08T06:30:00Z');
  assert.equal(localToUtc('2026-03-08T03:30', 'America/New_York'), '2026-03-08T07:30:00Z');
  // 02:30 does not exist that night: the instant after the jump.
  assert.equal(localToUtc('2026-03-08T02:30', 'America/New_York'), '2026-03-08T07:30:00Z');
  assert.equal(localToUtc('', 'Asia/Seoul'), '');
});

test('malformed times and unknown zones are refused naming the field', () => {
  assert.throws(() => localToUtc('2026-12-03 09:00', 'UTC', 'since'), /since/);
  assert.throws(() => localToUtc('2026-02-30T09:00', 'UTC', 'until'), /until: no such date/);
  assert.throws(() => localToUtc('2026-12-03T25:00', 'UTC', 'since'), /since/);
  assert.throws(() => localToUtc('2026-12-03T09:00', 'Mars/Olympus', 'since'), /since: unknown/);
});

test('RFC 3339 -> wall time in a zone, the inverse of localToUtc', () => {
  assert.equal(utcToLocal('2026-12-03T01:00:00Z', 'Asia/Shanghai'), '2026-12-03T09:00');
  assert.equal(utcToLocal('2026-07-01T10:00:00Z', 'Europe/Berlin'), '2026-07-01T12:00');
  for (const tz of ['UTC', 'Asia/Seoul', 'America/Los_Angeles', 'Australia/Adelaide']) {
    const local = '2026-10-04T17:45';
    assert.equal(utcToLocal(localToUtc(local, tz), tz), local, tz);
  }
});
