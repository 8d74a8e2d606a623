// Issue 20 item 10 (DESIGN §5 "bad input gets a clear, typed error and changes nothing else"): an
// identity token correctly signed by the site but naming something that is not an email address is
// a bad identity token like any other — refused out loud (`unauthenticated`), the hello goes on
// without a verified identity, and no contact is made for it. It used to fail the hello half-way:
// no welcome, a socket with no principal, and a contact created for a visitor who never got it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DEMO_IDENTITY, createIdentityToken } from '@confab/server';
import { connect, fingerprint, openPeer, startSecurityServer } from './helpers.mjs';

/** Signs like a site's backend would with any JWT library, without createIdentityToken's own checks. */
function signedIdentity(email) {
  const nowS = Math.floor(Date.now() / 1000);
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ email, aud: DEMO_IDENTITY.audience, iat: nowS, exp: nowS + 600 })}`;
  return `${input}.${createHmac('sha256', DEMO_IDENTITY.secret).update(input).digest('base64url')}`;
}

const NOT_EMAILS = ['not-an-email', 'a@b', 'x y@example.com', '<script>@example.com', '@example.com'];

describe('identity tokens whose email is not an email address', () => {
  let t;
  before(async () => {
    t = await startSecurityServer();
  });
  after(async () => {
    await t?.close();
  });

  /** Says hello with `identity`; resolves with the frames up to the snapshot (or what came instead). */
  async function hello(token, identity) {
    const peer = openPeer(t.wsUrl);
    await peer.opened;
    peer.send({ v: 1, type: 'hello', token, identity });
    const welcome = await peer.next(
      (f) => f.type === 'welcome' || (f.type === 'error' && f.error.code !== 'unauthenticated'),
      {
        what: 'welcome',
      },
    );
    assert.equal(welcome.type, 'welcome', `the hello goes on: ${JSON.stringify(welcome)}`);
    await peer.next((f) => f.type === 'snapshot', { from: 0, what: 'snapshot' });
    const refusal = peer.frames.find((f) => f.type === 'error');
    assert.equal(refusal?.error.code, 'unauthenticated', 'the identity is refused out loud');
    return { peer, welcome };
  }

  test('a returning visitor keeps their session, unverified, and nothing changes', async () => {
    const visitor = await connect(t.wsUrl, '');
    const contactId = visitor.welcome.principal.contactId;
    visitor.close();
    for (const email of NOT_EMAILS) {
      const before = fingerprint(t.server);
      const { peer, welcome } = await hello(visitor.token, signedIdentity(email));
      assert.deepEqual(welcome.principal, { kind: 'visitor', contactId }, `${email}: the same visitor`);
      assert.equal(welcome.sessionToken, undefined, `${email}: no new session`);
      assert.ok(await peer.alive(), `${email}: the socket is usable`);
      assert.deepEqual(fingerprint(t.server), before, `${email}: nothing changed`);
      peer.close();
    }
  });

  test('a new visitor gets an anonymous session like any visitor, and no other contact is made', async () => {
    for (const email of NOT_EMAILS) {
      const contactsBefore = new Set(t.server.backend.state.contacts.keys());
      const { peer, welcome } = await hello('', signedIdentity(email));
      assert.equal(welcome.principal.kind, 'visitor');
      assert.ok(welcome.sessionToken, `${email}: a session for the new visitor`);
      const added = [...t.server.backend.state.contacts.keys()].filter((id) => !contactsBefore.has(id));
      assert.deepEqual(added, [welcome.principal.contactId], `${email}: the one new contact is the visitor's`);
      assert.equal(t.server.backend.state.contacts.get(added[0]).email, '', `${email}: not taken as an email`);
      const ack = await peer.command(`start-${NOT_EMAILS.indexOf(email)}`, { type: 'visitor.startChat', text: 'hi' });
      assert.equal(ack.type, 'ack', `${email}: the visitor can chat`);
      peer.close();
    }
  });

  test("the demo site's sign-in answers one with a typed 400", async () => {
    for (const email of NOT_EMAILS) {
      const response = await fetch(`${t.url}/api/demo/identity`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
      assert.equal(response.status, 400, email);
      assert.deepEqual((await response.json()).error.code, 'invalid', email);
    }
  });

  // What an address is stays the server's rule (the engine's): @confab/identity signs without
  // restating it, so a site backend in any language meets the same refusal.
  test('one signed by createIdentityToken is refused like any other', async () => {
    const visitor = await connect(t.wsUrl, '');
    visitor.close();
    for (const email of NOT_EMAILS) {
      const token = await createIdentityToken({ email }, DEMO_IDENTITY.secret, { audience: DEMO_IDENTITY.audience });
      const before = fingerprint(t.server);
      const { peer, welcome } = await hello(visitor.token, token);
      assert.equal(welcome.principal.contactId, visitor.welcome.principal.contactId, `${email}: the same visitor`);
      assert.deepEqual(fingerprint(t.server), before, `${email}: nothing changed`);
      peer.close();
    }
  });
});
