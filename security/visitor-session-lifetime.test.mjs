// Issue 20 item 5 (DESIGN §5). A visitor session token (`cfv_…`) used to live forever: one copied
// from an abandoned browser years ago still opened that visitor's conversations. Sessions now end
// 30 days after their last use and 400 days after they began (CONFAB_VISITOR_SESSION_IDLE_DAYS /
// _MAX_DAYS); an ended session's hello is refused as unauthenticated (4401). Time moves through the
// server's test clock and old timestamps written into the store — nothing waits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createVisitorClient, createWebSocketTransport } from '@confab/core';
import { optionsFromEnv } from '@confab/server';
import { newVisitorWithChat, openPeer, startSecurityServer } from './helpers.mjs';

const DAY = 24 * 60 * 60 * 1000;

/** A hello with `token`: 'welcome', or the refusal's code and the close code. */
async function helloWith(wsUrl, token) {
  const peer = openPeer(wsUrl);
  await peer.opened;
  peer.send({ v: 1, type: 'hello', token });
  const answer = await peer.next((f) => f.type === 'welcome' || f.type === 'error', { from: 0, what: 'welcome' });
  if (answer.type === 'welcome') {
    peer.close();
    return 'welcome';
  }
  return `${answer.error.code} ${(await peer.whenClosed()).code}`;
}

describe('visitor sessions end when idle or old', () => {
  let t;
  const advance = async (ms) =>
    fetch(`${t.url}/api/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: ms }),
    });
  before(async () => {
    t = await startSecurityServer({ testClock: true });
  });
  after(async () => {
    await t?.close();
  });

  test('a session unused for more than 30 days is refused with 4401', async () => {
    const { peer } = await newVisitorWithChat(t.wsUrl, 'hello');
    peer.close();
    await advance(30 * DAY - 60_000);
    assert.equal(await helloWith(t.wsUrl, peer.token), 'welcome', 'a day short of the limit it still resumes');
    await advance(30 * DAY + 60_000);
    assert.equal(await helloWith(t.wsUrl, peer.token), 'unauthenticated 4401');
  });

  test('each use starts the idle lifetime again, but no session outlives 400 days', async () => {
    const { peer } = await newVisitorWithChat(t.wsUrl, 'hello');
    peer.close();
    let days = 0;
    while (days + 29 <= 400) {
      await advance(29 * DAY);
      days += 29;
      assert.equal(await helloWith(t.wsUrl, peer.token), 'welcome', `day ${days}`);
    }
    await advance(29 * DAY);
    assert.equal(await helloWith(t.wsUrl, peer.token), 'unauthenticated 4401', `day ${days + 29}`);
  });

  test('a session stored before lifetimes existed counts from its creation', async () => {
    const { peer } = await newVisitorWithChat(t.wsUrl, 'hello');
    peer.close();
    const now = (await (await fetch(`${t.url}/api/test/clock`)).json()).now;
    const fresh = (await newVisitorWithChat(t.wsUrl, 'hi')).peer;
    fresh.close();
    // What an older server left: no last use, created 401 and 10 days ago.
    const db = new Database(join(t.dataDir, 'confab.sqlite'));
    const contactOf = (p) => p.welcome.principal.contactId;
    db.prepare('UPDATE visitor_sessions SET created_at = ?, last_used_at = NULL WHERE contact_id = ?').run(
      now - 401 * DAY,
      contactOf(peer),
    );
    db.prepare('UPDATE visitor_sessions SET created_at = ?, last_used_at = NULL WHERE contact_id = ?').run(
      now - 10 * DAY,
      contactOf(fresh),
    );
    db.close();
    assert.equal(await helloWith(t.wsUrl, peer.token), 'unauthenticated 4401');
    assert.equal(await helloWith(t.wsUrl, fresh.token), 'welcome');
  });

  test('the visitor client whose session ended starts over as a new visitor and can chat', async () => {
    const { peer, conversationId } = await newVisitorWithChat(t.wsUrl, 'hello');
    peer.close();
    await advance(31 * DAY);
    const client = createVisitorClient({
      transport: createWebSocketTransport({ url: t.wsUrl, WebSocket }),
      token: peer.token,
    });
    try {
      // Resolves on the welcome of the new session (the old one is refused with 4401 first).
      const principal = await new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no new session: ${JSON.stringify(client.status.get())}`)),
          5000,
        );
        const stop = client.status.subscribe((status) => {
          if (!status.principal) return;
          clearTimeout(timer);
          queueMicrotask(() => stop());
          resolve(status.principal);
        });
      });
      assert.equal(principal.kind, 'visitor');
      assert.notEqual(principal.contactId, peer.welcome.principal.contactId);
      const started = await client.send({ type: 'visitor.startChat', text: 'back again' });
      assert.notEqual(started.conversationId, conversationId);
      assert.ok(!client.store.state.conversations.has(conversationId), "nothing of the old session's chat");
    } finally {
      await client.close();
    }
  });
});

test('the lifetimes are set in days by environment and checked at start', () => {
  const options = optionsFromEnv(
    { CONFAB_VISITOR_SESSION_IDLE_DAYS: '7', CONFAB_VISITOR_SESSION_MAX_DAYS: '90' },
    { demo: false },
  );
  assert.deepEqual(options.visitorSessionLifetime, { idleMs: 7 * DAY, absoluteMs: 90 * DAY });
  for (const env of [
    { CONFAB_VISITOR_SESSION_IDLE_DAYS: '0' },
    { CONFAB_VISITOR_SESSION_IDLE_DAYS: 'thirty' },
    { CONFAB_VISITOR_SESSION_MAX_DAYS: '-1' },
    { CONFAB_VISITOR_SESSION_IDLE_DAYS: '500' },
  ])
    assert.throws(() => optionsFromEnv(env, { demo: false }), /CONFAB_VISITOR_SESSION/, JSON.stringify(env));
});
