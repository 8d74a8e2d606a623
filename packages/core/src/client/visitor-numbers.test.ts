import { expect } from '@open-wc/testing';
import { createVisitorClient } from './client.js';
import { createMemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence } from '../persistence/persistence.js';
import type { ClientFrame } from '../protocol/frames.js';
import type { Transport } from '../transport/transport.js';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000) {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A transport that keeps the hellos it carries. */
function recording(inner: Transport, hellos: ClientFrame[]): Transport {
  return {
    connect: (listener) => inner.connect(listener),
    send(frame) {
      if (frame.type === 'hello') hellos.push(frame);
      inner.send(frame);
    },
    disconnect: () => inner.disconnect(),
  };
}

const KEY = 'numbers:visitor:snapshot';

describe('visitor client: its own stream’s numbers (issue 20 item 4)', () => {
  it('resumes from a snapshot it stored with its own numbers, but never from one that holds a workspace number', async () => {
    const memory = createMemoryBackend();
    const persistence = createMemoryPersistence();
    const first = createVisitorClient({ transport: memory.transport(), persistence, namespace: 'numbers' });
    await first.send({ type: 'visitor.startChat', text: 'Hello' });
    await until(
      async () => (await persistence.get<{ ownNumbers?: true }>(KEY))?.ownNumbers === true,
      'a stored snapshot',
    );
    await first.close();

    const hellos: ClientFrame[] = [];
    const second = createVisitorClient({
      transport: recording(memory.transport(), hellos),
      persistence,
      namespace: 'numbers',
    });
    await until(() => hellos.length > 0, 'a hello');
    expect(hellos[0]).to.have.property('resumeFrom');
    await second.close();

    // A snapshot stored before visitors had numbers of their own.
    const stored = (await persistence.get<{ ownNumbers?: true; snapshot: { seq: number } }>(KEY))!;
    delete stored.ownNumbers;
    stored.snapshot.seq = 9_999;
    await persistence.set(KEY, stored);
    hellos.length = 0;
    const third = createVisitorClient({
      transport: recording(memory.transport(), hellos),
      persistence,
      namespace: 'numbers',
    });
    await until(() => hellos.length > 0, 'a hello');
    expect(hellos[0]).to.not.have.property('resumeFrom');
    await until(() => third.status.get().ready, 'ready from a fresh snapshot');
    await third.close();
  });
});
