import { expect } from '@open-wc/testing';
import { transportConformanceChecks } from './conformance.js';
import { memoryTarget } from './memory-target.test-util.js';
import type { ServerFrame } from '../protocol/frames.js';
import type { Transport, TransportListener } from '../transport/transport.js';

/**
 * The suite must catch broken transports (issue 21, item 5): each mutant below wraps the memory
 * transport with one bug an adapter could have, and must fail at least one check.
 */
type Mutation = (inner: Transport) => Transport;

/** Passes everything through, except what `wrap` changes on the way to the listener. */
function onTheWayIn(wrap: (listener: TransportListener) => TransportListener): Mutation {
  return (inner) => ({ ...inner, connect: (listener) => inner.connect(wrap(listener)) });
}

const MUTANTS: Record<string, Mutation> = {
  'delivers every frame twice': onTheWayIn((listener) => ({
    ...listener,
    frame(frame) {
      listener.frame(frame);
      listener.frame(frame);
    },
  })),
  'swaps each pair of frames': onTheWayIn((listener) => {
    let waiting: { frame: ServerFrame; timer: ReturnType<typeof setTimeout> } | null = null;
    return {
      ...listener,
      frame(frame) {
        if (!waiting) {
          waiting = { frame, timer: setTimeout(() => ((waiting = null), listener.frame(frame)), 30) };
          return;
        }
        clearTimeout(waiting.timer);
        const first = waiting.frame;
        waiting = null;
        listener.frame(frame);
        listener.frame(first);
      },
    };
  }),
  'drops every fourth frame': onTheWayIn((listener) => {
    let count = 0;
    return { ...listener, frame: (frame) => void ((count += 1) % 4 !== 0 && listener.frame(frame)) };
  }),
  'never reports offline': onTheWayIn((listener) => ({
    ...listener,
    state: (state) => void (state !== 'offline' && listener.state(state)),
  })),
  'reports online twice': onTheWayIn((listener) => ({
    ...listener,
    state(state) {
      listener.state(state);
      if (state === 'online') listener.state(state);
    },
  })),
  'does nothing on disconnect()': (inner) => ({ ...inner, disconnect: () => undefined }),
};

describe('the conformance suite against broken transports', () => {
  for (const [name, mutation] of Object.entries(MUTANTS)) {
    it(`fails a transport that ${name}`, async function () {
      this.timeout(120_000);
      const failed: string[] = [];
      for (const check of transportConformanceChecks(() => memoryTarget(mutation), { timeoutMs: 1000 })) {
        try {
          await check.run();
        } catch {
          failed.push(check.name);
        }
      }
      console.log(`mutant "${name}": failed ${failed.length} checks: ${failed.join('; ')}`);
      expect(failed.length, `no check caught a transport that ${name}`).to.be.greaterThan(0);
    });
  }
});
