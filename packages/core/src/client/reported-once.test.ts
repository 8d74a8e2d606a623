import { expect } from '@open-wc/testing';
import { createInboxClient, createVisitorClient } from './client.js';
import { createMemoryBackend } from '../transport/memory.js';
import { createMemoryPersistence } from '../persistence/persistence.js';
import type { ConfabError } from '../protocol/errors.js';
import type { Message } from '../model/model.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';

// Two client bugs an integrator found with the memory transport (issue 21, item 7): each event
// a host listens to must happen once, for the cause it names.

async function until(check: () => boolean, what: string, timeoutMs = 5000) {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets every frame and timer already under way land (the memory transport delivers on macrotasks). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('what the client reports, once', () => {
  it('a refused token fires one `error` event, with the code `unauthenticated`', async () => {
    const memory = createMemoryBackend();
    await memory.backend.ready;
    const client = createInboxClient({
      transport: memory.transport(),
      token: 'not-a-token',
      persistence: createMemoryPersistence(),
    });
    const errors: ConfabError[] = [];
    client.on('error', (error) => errors.push(error));
    await until(() => errors.length > 0, 'the refusal');
    await until(() => client.connection.get() === 'offline', 'the link to end');
    await settle();
    expect(errors.map((error) => error.code)).to.deep.equal(['unauthenticated']);
    expect(client.status.get().error?.code).to.equal('unauthenticated');
    await client.close();
  });

  it("a visitor's own message whose ack was lost with the link is not reported as a `message` after the resume", async () => {
    const memory = createMemoryBackend({ latencyMs: 1 });
    await memory.backend.ready;
    const link = memory.transport();
    const visitor = createVisitorClient({ transport: link, persistence: createMemoryPersistence() });
    const arrived: Message[] = [];
    visitor.on('message', (message) => arrived.push(message));
    const { conversationId } = await visitor.send({ type: 'visitor.startChat', text: 'hello' });
    await settle();
    arrived.length = 0;

    link.hold();
    const sent = visitor.send({ type: 'visitor.message', conversationId: conversationId!, text: 'mine, ack lost' });
    const commandId = visitor.pending.get().at(-1)!.id;
    // The server committed it: its ack is held in flight; the link drops and takes the ack along.
    await until(() => link.held().some((frame) => frame.type === 'ack' && frame.id === commandId), 'the ack');
    link.goOffline();
    link.release();
    link.goOnline();
    await sent;
    await settle();
    expect(arrived.map((message) => message.text)).to.deep.equal([]);
    await visitor.close();
  });

  it('a hello in another protocol version is answered unsupported-version and the link ends (4426): no retry', async () => {
    const memory = createMemoryBackend();
    await memory.backend.ready;
    const link = memory.transport();
    const frames: ServerFrame[] = [];
    const states: string[] = [];
    link.connect({ frame: (frame) => frames.push(frame), state: (state) => states.push(state) });
    await until(() => states.includes('online'), 'the link');
    link.send({ v: 2, type: 'hello', token: '' } as unknown as ClientFrame);
    await until(() => states.at(-1) === 'offline', 'the link to end');
    await settle();
    expect(frames.map((frame) => (frame.type === 'error' ? frame.error.code : frame.type))).to.deep.equal([
      'unsupported-version',
    ]);
    expect(states).to.deep.equal(['connecting', 'online', 'offline']);
    expect(memory.backend.openLinks).to.equal(0);
  });
});
