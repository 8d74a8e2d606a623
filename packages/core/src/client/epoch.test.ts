import { expect } from '@open-wc/testing';
import { createInboxClient } from './client.js';
import { createMemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence } from '../persistence/persistence.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { demoSeed } from '../testing/demo-data.js';

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('epochs (issue 19): a resume names the history its numbers count in', () => {
  it('the hello that resumes carries the epoch of the last welcome, in memory and after a reload', async () => {
    const memory = createMemoryBackend({ seed: demoSeed(Date.now()) });
    await memory.backend.ready;
    const persistence = createMemoryPersistence();
    const sent: ClientFrame[] = [];
    const welcomes: ServerFrame[] = [];
    const transport = memory.transport();
    const recorded = {
      ...transport,
      connect: (listener: Parameters<typeof transport.connect>[0]) =>
        transport.connect({
          ...listener,
          frame: (frame) => {
            if (frame.type === 'welcome') welcomes.push(frame);
            listener.frame(frame);
          },
        }),
      send: (frame: ClientFrame) => {
        sent.push(frame);
        transport.send(frame);
      },
    };
    const token = memory.agentToken('agent-ann');
    const client = createInboxClient({ transport: recorded, token, persistence });
    await until(() => client.status.get().ready, 'ready');
    const epoch = (welcomes[0] as { epoch: string }).epoch;
    expect(epoch).to.be.a('string').and.not.equal('');

    transport.goOffline();
    transport.goOnline();
    await until(() => welcomes.length === 2, 'the second welcome');
    const resumed = sent.filter((frame) => frame.type === 'hello').at(-1) as { resumeFrom?: number; epoch?: string };
    expect(resumed.resumeFrom).to.be.a('number');
    expect(resumed.epoch).to.equal(epoch);

    // A reload resumes from the saved replica, and names its epoch too.
    const saved = async () =>
      (await persistence.entries<{ snapshot?: unknown; epoch?: string }>('')).some(
        ([, value]) => value?.epoch === epoch,
      );
    for (let waited = 0; !(await saved()); waited += 50) {
      if (waited > 10_000) throw new Error('the replica was never saved');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.close();
    const again = createInboxClient({ transport: recorded, token, persistence });
    await until(() => welcomes.length === 3, 'the welcome after a reload');
    const reloaded = sent.filter((frame) => frame.type === 'hello').at(-1) as { resumeFrom?: number; epoch?: string };
    expect(reloaded.resumeFrom).to.be.a('number');
    expect(reloaded.epoch).to.equal(epoch);
    await again.close();
  });
});
