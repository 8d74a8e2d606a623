import { expect } from '@open-wc/testing';
import { inOrderDelivery } from './in-order.js';
import { createMemoryBackend } from './memory.js';
import type { ServerFrame } from '../protocol/frames.js';

/** Resolves after `depth` timers, each set from the one before (the browser clamps the deepest to 4 ms). */
function nestedTimers(depth: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left ? setTimeout(() => step(left - 1), 0) : resolve());
    step(depth);
  });
}

/** A task of its own, outside any timer (nesting level 0). */
function freshTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

describe('in-order delivery (stand-ins of a socket)', () => {
  it('keeps the order given, from deep in nested timers and from a fresh task alike', async () => {
    const deliver = inOrderDelivery(1);
    const received: number[] = [];
    for (let round = 0; round < 20; round++) {
      await nestedTimers(6);
      deliver(() => received.push(round * 2));
      await freshTask();
      deliver(() => received.push(round * 2 + 1));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).to.deep.equal(Array.from({ length: 40 }, (_, index) => index));
  });

  it('waits the latency before the first delivery', async () => {
    const deliver = inOrderDelivery(30);
    const given = Date.now();
    const delivered = await new Promise<number>((resolve) => deliver(() => resolve(Date.now() - given)));
    expect(delivered).to.be.at.least(29);
  });

  it("the memory transport's frames arrive in the order sent: each command's events, then its ack, command by command", async () => {
    const memory = createMemoryBackend();
    await memory.backend.ready;
    const transport = memory.transport();
    const frames: ServerFrame[] = [];
    const online = new Promise<void>((resolve) =>
      transport.connect({ frame: (frame) => frames.push(frame), state: (state) => state === 'online' && resolve() }),
    );
    await online;
    transport.send({ v: 1, type: 'hello', token: '' });
    const ids: string[] = [];
    const command = (text: string) => {
      const id = `c${ids.length}`;
      ids.push(id);
      transport.send({ v: 1, type: 'command', id, command: { type: 'visitor.startChat', text } });
    };
    for (let round = 0; round < 10; round++) {
      await nestedTimers(6);
      command(`deep ${round}`);
      await freshTask();
      command(`fresh ${round}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(frames.slice(0, 2).map((frame) => frame.type)).to.deep.equal(['welcome', 'snapshot']);
    // Each command is answered (an ack, or a refusal: a visitor may start only so many chats), in
    // the order sent, and a command's events come before its ack.
    const answered = frames.flatMap((frame) => (frame.type === 'ack' || frame.type === 'error' ? [frame.id] : []));
    expect(answered).to.deep.equal(ids);
    const at = (match: (frame: ServerFrame) => boolean) => frames.findIndex(match);
    for (const frame of frames) {
      if (frame.type !== 'ack') continue;
      const events = at((each) => each.type === 'events' && each.events.some((event) => event.cause === frame.id));
      expect(events, `events of ${frame.id}`).to.be.within(0, frames.indexOf(frame));
    }
  });
});
