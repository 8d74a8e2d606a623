import { expect } from '@open-wc/testing';
import { createVisitorClient } from './client.js';
import { createMemoryBackend, type MemoryBackend } from '../transport/memory.js';
import { openPersistence } from '../persistence/persistence.js';
import type { VisitorClient } from './types.js';
import type { ConfabError } from '../protocol/errors.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function namespace() {
  return `identity-${Math.random().toString(36).slice(2)}`;
}

const base64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** A token in the server's format (an HS256 JWT, `header.payload.signature`); the memory backend maps it. */
function identityToken(email: string, issue = 1): string {
  const payload = base64url({ email, aud: 'memory', iat: issue, exp: issue + 3600 });
  return `${base64url({ alg: 'HS256', typ: 'JWT' })}.${payload}.signature-${issue}`;
}

/** Everything stored under a namespace, as the next page would find it. */
async function stored(ns: string): Promise<Record<string, unknown>> {
  const storage = await openPersistence(ns);
  try {
    return Object.fromEntries(await storage.entries(`${ns}:`));
  } finally {
    storage.close?.();
  }
}

describe('switching identity on one browser (issue 7 item 12)', () => {
  const ann = identityToken('ann@example.com');
  const annAgain = identityToken('ann@example.com', 2);
  const bob = identityToken('bob@example.com');
  let memory: MemoryBackend;
  const clients: VisitorClient[] = [];
  const track = (client: VisitorClient) => {
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    memory = createMemoryBackend({
      startTime: T0,
      identities: {
        [ann]: { email: 'ann@example.com', name: 'Ann' },
        [annAgain]: { email: 'ann@example.com', name: 'Ann' },
        [bob]: { email: 'bob@example.com', name: 'Bob' },
      },
    });
    await memory.backend.ready;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  const allServerTexts = () => [...memory.backend.state.messages.values()].flat().map((message) => message.text);

  /** Ann signs in, chats, leaves a draft and a message queued offline, and closes the page. */
  async function annLeavesTraces(ns: string) {
    const transport = memory.transport();
    const page = track(createVisitorClient({ transport, namespace: ns, identity: ann }));
    await until(() => page.status.get().ready, 'Ann ready');
    const { conversationId } = await page.send({ type: 'visitor.startChat', text: 'ann-private-1' });
    page.drafts.set(conversationId, 'ann-draft');
    transport.goOffline();
    await until(() => page.connection.get() === 'offline', 'offline');
    void page.send({ type: 'visitor.message', conversationId, text: 'ann-queued-offline' }).catch(() => undefined);
    // A command queued offline saves the replica at once; the page stays open that long.
    await until(async () => `${ns}:visitor:snapshot` in (await stored(ns)), 'the snapshot saved');
    await page.close();
    const principal = page.status.get().principal!;
    const texts = JSON.stringify(await stored(ns));
    expect(texts).to.contain('ann-queued-offline');
    expect(texts).to.contain('ann-draft');
    return { conversationId, contactId: principal.kind === 'visitor' ? principal.contactId : '' };
  }

  /** Fails the test if the client ever shows anything of Ann, from its first moment on. */
  function watchForAnn(client: VisitorClient, annConversation: string) {
    const seen: string[] = [];
    const check = () => {
      if (client.store.state.conversations.has(annConversation)) seen.push('a conversation of Ann');
      const texts = JSON.stringify([...client.store.state.messages.values()]);
      if (texts.includes('ann-')) seen.push('a message of Ann');
      if (client.drafts.get(annConversation)) seen.push('a draft of Ann');
      if (JSON.stringify(client.pending.get()).includes('ann-')) seen.push('a pending command of Ann');
    };
    check();
    const stops = [client.store.revision.subscribe(check), client.status.subscribe(check)];
    return {
      seen,
      stop: () => stops.forEach((stop) => stop()),
    };
  }

  it('W2 another person signing in starts from nothing: no replica, outbox, draft, session or snapshot of the one before, not for a moment, and the queued message is never sent', async () => {
    const ns = namespace();
    const before = await annLeavesTraces(ns);

    const page = track(createVisitorClient({ transport: memory.transport(), namespace: ns, identity: bob }));
    const watch = watchForAnn(page, before.conversationId);
    await until(() => page.status.get().ready, 'Bob ready');
    await page.send({ type: 'visitor.startChat', text: 'bob-1' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    watch.stop();
    expect(watch.seen, 'what Bob saw of Ann').to.deep.equal([]);

    const principal = page.status.get().principal!;
    const bobId = principal.kind === 'visitor' ? principal.contactId : '';
    expect(bobId).to.not.equal(before.contactId);
    expect(memory.backend.state.contacts.get(bobId)?.email).to.equal('bob@example.com');
    expect(memory.backend.state.contacts.get(before.contactId)?.email, 'Ann stays Ann').to.equal('ann@example.com');
    expect(allServerTexts(), 'Ann’s queued message was never sent').to.not.include('ann-queued-offline');
    const left = JSON.stringify(await stored(ns));
    expect(left).to.not.contain('ann-');
    expect(left).to.contain('bob@example.com');
  });

  it('W2 the same person with a fresh identity token keeps their history, draft and queued message (sent once)', async () => {
    const ns = namespace();
    const before = await annLeavesTraces(ns);
    const offline = memory.transport();
    offline.goOffline();
    const page = track(createVisitorClient({ transport: offline, namespace: ns, identity: annAgain }));
    await until(() => page.status.get().ready, 'shown from the saved snapshot, before any connection');
    expect(page.store.state.conversations.has(before.conversationId)).to.equal(true);
    expect(page.drafts.get(before.conversationId)).to.equal('ann-draft');
    offline.goOnline();
    await until(() => page.pending.get().length === 0 && allServerTexts().includes('ann-queued-offline'), 'sent');
    expect(allServerTexts().filter((text) => text === 'ann-queued-offline')).to.have.length(1);
    expect(page.status.get().principal).to.deep.equal({ kind: 'visitor', contactId: before.contactId });
  });

  it('W2 forget() signs out: session, outbox, drafts and snapshot are deleted, queued commands reject and are never sent; the next page is a new anonymous visitor', async () => {
    const ns = namespace();
    const transport = memory.transport();
    const page = track(createVisitorClient({ transport, namespace: ns, identity: ann }));
    await until(() => page.status.get().ready, 'ready');
    const { conversationId } = await page.send({ type: 'visitor.startChat', text: 'ann-before-sign-out' });
    page.drafts.set(conversationId, 'ann-draft');
    transport.goOffline();
    await until(() => page.connection.get() === 'offline', 'offline');
    const queued = page.send({ type: 'visitor.message', conversationId, text: 'ann-queued' });
    await page.forget();
    const refusal = (await queued.catch((error: ConfabError) => error)) as ConfabError;
    expect(refusal.code).to.equal('offline');
    expect(page.store.state.conversations.size).to.equal(0);
    expect(page.pending.get()).to.deep.equal([]);
    expect(await stored(ns)).to.deep.equal({});

    transport.goOnline();
    const next = track(createVisitorClient({ transport: memory.transport(), namespace: ns }));
    await until(() => next.status.get().ready, 'the next page ready');
    const principal = next.status.get().principal!;
    expect(principal).to.not.deep.equal(page.status.get().principal);
    expect(next.store.state.conversations.size).to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(allServerTexts()).to.not.include('ann-queued');
  });

  it('W2 data stored before identities were remembered: when the welcome names another verified person, the replica empties at once and the queued commands are dropped, never sent', async () => {
    const ns = namespace();
    const before = await annLeavesTraces(ns);
    // As an older version stored it: no record of whose identity the data is.
    const storage = await openPersistence(ns);
    await storage.del(`${ns}:visitor:identity`);
    storage.close?.();

    const page = track(createVisitorClient({ transport: memory.transport(), namespace: ns, identity: bob }));
    await until(() => {
      const who = page.status.get().principal;
      return who?.kind === 'visitor' && who.contactId !== before.contactId;
    }, 'welcomed as Bob');
    const watch = watchForAnn(page, before.conversationId);
    await until(() => page.status.get().ready, 'Bob’s snapshot');
    await new Promise((resolve) => setTimeout(resolve, 200));
    watch.stop();
    expect(watch.seen, 'what Bob saw of Ann after the welcome').to.deep.equal([]);
    expect(allServerTexts()).to.not.include('ann-queued-offline');
    expect(memory.backend.state.contacts.get(before.contactId)?.email).to.equal('ann@example.com');
  });
});
