// Issue 20 item 2: an address written with look-alike characters is another address. Lower-casing
// with full Unicode rules turned `Kevin@…` written with a Kelvin sign (U+212A) into the verified
// `kevin@…`, whose conversations the impostor then received. Addresses are compared through one
// function (core's emailKey): ASCII letters fold, nothing else changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdentityToken, DEMO_IDENTITY, DEMO_INGEST_TOKEN, NO_LIMITS } from '@confab/server';
import { agentToken, connect, startSecurityServer } from './helpers.mjs';

const KEVIN = { email: 'kevin@example.com', name: 'Kevin Verified', text: 'My order 4711 and my home address' };

/** Look-alikes of `kevin@example.com` (and one of `sam@…`), each a different address. */
const LOOK_ALIKES = {
  'Kelvin sign K (U+212A)': '\u212Aevin@example.com',
  'Kelvin sign, upper case rest': '\u212AEVIN@EXAMPLE.COM',
  'fullwidth k (U+FF4B)': '\uFF4Bevin@example.com',
  'fullwidth K (U+FF2B)': '\uFF2Bevin@example.com',
  'dotless i (U+0131)': 'kev\u0131n@example.com',
  'dotted capital I (U+0130)': 'KEV\u0130N@example.com',
  'long s (U+017F) for s': 'kevin@example.com'.replace('kevin', 'kevin\u017F'),
};

const identityFor = (email, name) =>
  createIdentityToken({ email, ...(name ? { name } : {}) }, DEMO_IDENTITY.secret, { audience: DEMO_IDENTITY.audience });

const textsOf = (peer) => peer.frames.map((frame) => JSON.stringify(frame));

describe('Look-alike addresses never merge identities (issue 20 item 2)', () => {
  let t;
  let kevin;

  before(async () => {
    t = await startSecurityServer({ limits: NO_LIMITS, httpLimits: { burst: 100_000, perSecond: 100_000 } });
    const peer = await connect(t.wsUrl, '', { identity: await identityFor(KEVIN.email, KEVIN.name) });
    await peer.command('kevin-start', { type: 'visitor.startChat', text: KEVIN.text });
    kevin = { peer, contactId: peer.welcome.principal.contactId };
    assert.equal(t.server.backend.state.contacts.get(kevin.contactId).verified, true);
  });

  after(async () => {
    kevin?.peer.close();
    await t?.close();
  });

  for (const [name, email] of Object.entries(LOOK_ALIKES)) {
    test(`an identity token for ${name} is another person: none of Kevin's conversations`, async () => {
      const impostor = await connect(t.wsUrl, '', { identity: await identityFor(email) });
      try {
        assert.notEqual(impostor.welcome.principal.contactId, kevin.contactId, `${name} signed in as Kevin`);
        for (const text of textsOf(impostor)) assert.ok(!text.includes(KEVIN.text), `${name} received Kevin's chat`);
        const contact = t.server.backend.state.contacts.get(impostor.welcome.principal.contactId);
        assert.equal(
          contact.email,
          email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()),
          'stored as written, ASCII folded',
        );
      } finally {
        impostor.close();
      }
    });
  }

  test('ASCII case still folds: KEVIN@EXAMPLE.COM signed by the site is Kevin', async () => {
    const same = await connect(t.wsUrl, '', { identity: await identityFor('KEVIN@Example.COM') });
    try {
      assert.equal(same.welcome.principal.contactId, kevin.contactId);
    } finally {
      same.close();
    }
  });

  test('an inbound email from a look-alike address starts its own conversation with its own contact', async () => {
    const agent = await connect(t.wsUrl, await agentToken(t.url));
    try {
      for (const email of Object.values(LOOK_ALIKES)) {
        const response = await fetch(`${t.url}/api/channels/email/inbound`, {
          method: 'POST',
          headers: { authorization: `Bearer ${DEMO_INGEST_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            from: email,
            to: ['support@team.example'],
            subject: 'Hi',
            text: `from ${email}`,
            messageId: `<${Math.random().toString(36).slice(2)}@look-alike.example>`,
          }),
        });
        assert.equal(response.status, 200, `${email}: ${await response.text()}`);
        const conversation = [...t.server.backend.state.conversations.values()].find((candidate) =>
          (t.server.backend.state.messages.get(candidate.id) ?? []).some((message) => message.text === `from ${email}`),
        );
        assert.ok(conversation, `${email}: the email is stored`);
        assert.notEqual(conversation.contactId, kevin.contactId, `${email} was filed under Kevin`);
      }
    } finally {
      agent.close();
    }
  });
});
