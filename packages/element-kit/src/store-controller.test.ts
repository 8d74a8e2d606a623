import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { writable, type Readable, type Writable } from '@confab/core';
import { StoreController } from './store-controller.js';

interface Pair {
  a: number;
  b: number;
}

/** A host that renders only `a` of a store and counts its renders. */
class CountingHost extends LitElement {
  store: Writable<Pair> | undefined;
  renders = 0;
  readonly selected = new StoreController(
    this,
    () => this.store,
    (value) => value.a,
  );
  override render() {
    this.renders += 1;
    return html`${this.selected.value}`;
  }
}
customElements.define('store-controller-test-host', CountingHost);

/** A host that renders a number from a source whose value may move on before it tells (a replica). */
class LiveHost extends LitElement {
  source: Readable<number> | undefined;
  readonly shown = new StoreController(this, () => this.source);
  override render() {
    return html`${this.shown.value}`;
  }
}
customElements.define('store-controller-live-host', LiveHost);

function listenerCount(store: Writable<Pair>): { count: number; store: Writable<Pair> } {
  // Wraps subscribe to count live subscriptions.
  const counter = { count: 0, store };
  const subscribe = store.subscribe.bind(store);
  store.subscribe = (listener) => {
    counter.count += 1;
    const stop = subscribe(listener);
    return () => {
      counter.count -= 1;
      stop();
    };
  };
  return counter;
}

describe('StoreController', () => {
  it('F3 the store controller subscribes while connected, unsubscribes when disconnected, and updates only when the selected value changed', async () => {
    const store = writable<Pair>({ a: 1, b: 1 });
    const subscriptions = listenerCount(store);
    const host = document.createElement('store-controller-test-host') as CountingHost;
    host.store = store;
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    wrapper.append(host);
    await host.updateComplete;
    expect(subscriptions.count).to.equal(1);
    expect(host.shadowRoot!.textContent).to.equal('1');
    const renders = host.renders;

    store.set({ a: 1, b: 2 }); // `b` is not selected: no update
    await host.updateComplete;
    expect(host.renders).to.equal(renders);

    store.set({ a: 5, b: 2 });
    await host.updateComplete;
    expect(host.renders).to.equal(renders + 1);
    expect(host.shadowRoot!.textContent).to.equal('5');

    host.remove();
    expect(subscriptions.count).to.equal(0);
    wrapper.append(host);
    await host.updateComplete;
    expect(subscriptions.count).to.equal(1);
    host.remove();
  });

  it('F3 the store controller follows a new source (a client arriving later) and drops the old subscription', async () => {
    const first = writable<Pair>({ a: 1, b: 0 });
    const second = writable<Pair>({ a: 2, b: 0 });
    const firstSubscriptions = listenerCount(first);
    const host = await fixture<CountingHost>(html`<store-controller-test-host></store-controller-test-host>`);
    expect(host.selected.value).to.equal(undefined);
    host.store = first;
    host.requestUpdate();
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.equal('1');
    host.store = second;
    host.requestUpdate();
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.equal('2');
    expect(firstSubscriptions.count).to.equal(0);
    second.set({ a: 3, b: 0 });
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.equal('3');
  });

  it('renders what its source holds at the update, also when the source changed again after telling', async () => {
    // Like a replica: the value changes at once, the news of it comes later (the next frame).
    let current = 1;
    const news = writable(0);
    const source: Readable<number> = {
      get: () => current,
      subscribe: (listener) => news.subscribe(() => listener(current)),
    };
    const host = await fixture<LiveHost>(html`<store-controller-live-host></store-controller-live-host>`);
    host.source = source;
    host.requestUpdate();
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.equal('1');

    current = 2;
    news.set(1); // told 2; the host's update is pending
    current = 3; // moved on in the same task, news to come
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.equal('3');
    host.remove();
  });
});
