import { expect } from '@open-wc/testing';
import { typedEmit } from './emit.js';

interface TestEvents {
  'confab-said': CustomEvent<{ text: string }>;
}

describe('typed emit', () => {
  it('dispatches a bubbling, composed event that a page hears through a shadow root', () => {
    const host = document.createElement('div');
    const inner = document.createElement('span');
    host.attachShadow({ mode: 'open' }).append(inner);
    document.body.append(host);
    const heard: unknown[] = [];
    const listener = (event: Event) => heard.push((event as CustomEvent).detail);
    document.addEventListener('confab-said', listener);
    try {
      const emit = typedEmit<TestEvents>();
      expect(emit(inner, 'confab-said', { text: 'hi' })).to.equal(true);
      expect(heard).to.deep.equal([{ text: 'hi' }]);
    } finally {
      document.removeEventListener('confab-said', listener);
      host.remove();
    }
  });

  it('reports a cancelled event when it was cancelable', () => {
    const host = document.createElement('div');
    host.addEventListener('confab-said', (event) => event.preventDefault());
    const emit = typedEmit<TestEvents>();
    expect(emit(host, 'confab-said', { text: 'hi' }, true)).to.equal(false);
    expect(emit(host, 'confab-said', { text: 'hi' })).to.equal(true);
  });
});
