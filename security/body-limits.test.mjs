// Issue 20 (body limits): the server README states the request body limits the server enforces,
// taken from one place (`BODY_LIMITS`), and the server holds them: a body one byte over is refused
// with a typed 413, a body at the limit is read (and judged on its content).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BODY_LIMITS } from '@confab/server';
import { DEMO_INGEST_TOKEN, startSecurityServer } from './helpers.mjs';

const UNITS = { KiB: 1024, MiB: 1024 * 1024 };

describe('request body limits', () => {
  let t;
  before(async () => {
    t = await startSecurityServer();
  });
  after(async () => {
    await t?.close();
  });

  test('the server README states BODY_LIMITS', () => {
    const readme = readFileSync(new URL('../packages/server/README.md', import.meta.url), 'utf8');
    const match =
      /size-limited \(413; email ([\d.]+) (KiB|MiB) as JSON, ([\d.]+) (KiB|MiB) raw,\s+others ([\d.]+) (KiB|MiB)/.exec(
        readme,
      );
    assert.ok(match, 'the README states the limits');
    assert.equal(Number(match[1]) * UNITS[match[2]], BODY_LIMITS.email, 'email');
    assert.equal(Number(match[3]) * UNITS[match[4]], BODY_LIMITS.rawEmail, 'raw email');
    assert.equal(Number(match[5]) * UNITS[match[6]], BODY_LIMITS.json, 'others');
  });

  /** Posts a JSON body of exactly `size` bytes (a JSON string of filler). */
  async function post(path, size) {
    const body = `"${'x'.repeat(size - 2)}"`;
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_INGEST_TOKEN}` },
      body,
    });
    return { status: response.status, body: await response.json() };
  }

  for (const [path, limit] of [
    ['/api/channels/email/inbound', () => BODY_LIMITS.email],
    ['/api/channels/forms/submit', () => BODY_LIMITS.json],
  ]) {
    test(`${path}: one byte over the limit is a typed 413, the limit itself is read`, async () => {
      const over = await post(path, limit() + 1);
      assert.equal(over.status, 413);
      assert.equal(over.body.error.code, 'too-large');
      const at = await post(path, limit());
      assert.equal(at.status, 400, 'read, then refused for what it says (not an object)');
      assert.equal(at.body.error.code, 'invalid');
    });
  }
});
