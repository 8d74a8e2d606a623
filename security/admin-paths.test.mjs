// Issue 20 item 9 (DESIGN §5 "bad input gets a clear, typed error and changes nothing else"): an
// admin route whose path segment is not valid percent-encoding is the caller's mistake. It is
// answered 400 with the server's typed body `{ error: { code: 'invalid', message } }`, the server
// logs no failure (no stack trace), and nothing changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@confab/server';
import { fingerprint, startSecurityServer } from './helpers.mjs';

const ADMIN_TOKEN = 'admin-secret-for-malformed-paths';
/** A cut-off three-byte sequence, a lone '%', a non-hex escape and an encoded lone surrogate. */
const MALFORMED = ['%E0%A4%A', '%', '%ZZ', '%ED%A0%80'];
const ROUTES = [
  (segment) => `/api/admin/agents/${segment}/disable`,
  (segment) => `/api/admin/agents/${segment}/enable`,
  (segment) => `/api/admin/visitors/${segment}/revoke-sessions`,
];

describe('admin routes with malformed percent-encoding', () => {
  let t;
  const logged = [];
  before(async () => {
    // The server's log lines at error level (a request that failed inside the server is one).
    const logger = createLogger('error', { write: (line) => logged.push(JSON.parse(line)) });
    t = await startSecurityServer({ adminToken: ADMIN_TOKEN, logger });
  });
  after(async () => {
    await t?.close();
  });

  test('answer 400 with a typed error, log no failure and change nothing', async () => {
    const before = fingerprint(t.server);
    const tokensBefore = JSON.stringify(await t.server.storage.listAgentTokens());
    for (const route of ROUTES) {
      for (const segment of MALFORMED) {
        const path = route(segment);
        const response = await fetch(`${t.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        assert.equal(response.status, 400, `${path}: 400`);
        assert.match(response.headers.get('content-type'), /^application\/json/, `${path}: JSON`);
        const body = await response.json();
        assert.deepEqual(Object.keys(body), ['error'], `${path}: the error shape`);
        assert.equal(body.error.code, 'invalid', `${path}: typed`);
        assert.equal(typeof body.error.message, 'string', `${path}: says why`);
        assert.doesNotMatch(body.error.message, /URIError|at .*\.js/, `${path}: no stack in the body`);
      }
    }
    assert.deepEqual(
      logged.filter((line) => line.msg === 'request failed'),
      [],
      'no request failed on the server',
    );
    assert.deepEqual(fingerprint(t.server), before, 'nothing changed');
    assert.equal(JSON.stringify(await t.server.storage.listAgentTokens()), tokensBefore, 'no token changed');
  });
});
