import { expect } from '@open-wc/testing';
import { createLinkTransport, type LinkEvents } from './link-transport.js';
import type { ConnectionState } from './transport.js';
import type { ServerFrame } from '../protocol/frames.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A wire whose links open and then end at once (a backend that drops every link it takes). */
function flakyWire() {
  const opened: LinkEvents[] = [];
  const open = (events: LinkEvents) => {
    opened.push(events);
    setTimeout(() => {
      events.opened();
      setTimeout(() => events.closed(), 0);
    }, 0);
    return { send: () => undefined, close: () => undefined };
  };
  return { opened, open };
}

describe('createLinkTransport (the adapter kit)', () => {
  it('backs off when each link fails at once: no reconnect loop', async () => {
    const wire = flakyWire();
    const transport = createLinkTransport(wire.open, { initialDelayMs: 20, maxDelayMs: 5000 });
    transport.connect({ frame: () => undefined, state: () => undefined });
    await sleep(1000);
    transport.disconnect();
    // Backoff ceilings 20, 40, 80, … ms: at most a dozen links in a second; a loop makes hundreds.
    expect(wire.opened.length).to.be.within(2, 12);
  });

  it('after a fatal close it reports one error, stops, and starts again on connect()', async () => {
    const links: LinkEvents[] = [];
    const states: ConnectionState[] = [];
    const frames: ServerFrame[] = [];
    const transport = createLinkTransport((events) => {
      links.push(events);
      setTimeout(() => events.opened(), 0);
      return { send: () => undefined, close: () => undefined };
    });
    const listener = {
      frame: (frame: ServerFrame) => frames.push(frame),
      state: (state: ConnectionState) => states.push(state),
    };
    transport.connect(listener);
    await sleep(20);
    links[0].received(JSON.stringify({ v: 1, type: 'error', error: { code: 'unauthenticated', message: 'no' } }));
    links[0].closed(4401, 'no');
    await sleep(100);
    expect(links.length).to.equal(1);
    expect(frames.map((frame) => frame.type)).to.deep.equal(['error']);
    expect(states).to.deep.equal(['connecting', 'online', 'offline']);
    transport.connect(listener);
    await sleep(20);
    expect(links.length).to.equal(2);
    expect(states.at(-1)).to.equal('online');
    transport.disconnect();
  });

  it('drops junk, takes JSON text and parsed frames alike, and ignores reports about a replaced link', async () => {
    const links: LinkEvents[] = [];
    const frames: ServerFrame[] = [];
    const transport = createLinkTransport(
      (events) => {
        links.push(events);
        setTimeout(() => events.opened(), 0);
        return { send: () => undefined, close: () => undefined };
      },
      { initialDelayMs: 1 },
    );
    transport.connect({ frame: (frame) => frames.push(frame), state: () => undefined });
    await sleep(20);
    for (const junk of [
      '{',
      '42',
      'null',
      JSON.stringify({ v: 2, type: 'ack' }),
      JSON.stringify({ v: 1, type: 'nope' }),
    ])
      links[0].received(junk);
    links[0].received({ v: 1, type: 'pong' });
    links[0].received({
      v: 1,
      type: 'typing',
      signal: { conversationId: 'c', who: 'a', kind: 'agent', name: 'A', at: 1 },
    });
    links[0].closed(1006);
    await sleep(50);
    links[0].received(JSON.stringify({ v: 1, type: 'typing', signal: {} }));
    expect(frames.map((frame) => frame.type)).to.deep.equal(['typing']);
    expect(links.length).to.equal(2);
    transport.disconnect();
  });
});
