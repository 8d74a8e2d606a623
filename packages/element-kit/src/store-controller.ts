import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Readable } from '@confab/core';

/** How a controller decides that the selected value did not change (then it skips the update). */
export type Equality<S> = (a: S, b: S) => boolean;

/** Equal when both arrays hold the same items in the same order (by identity). */
export function shallowArrayEqual<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * The one way an element reads core state (DESIGN §3). It subscribes to a store while the host is
 * connected, re-selects on every change and asks the host to update only when the selected value
 * changed. The store may change (a client arrives by context, a query is replaced): the source
 * getter is read again before each update and the subscription follows it.
 *
 * Every update selects again from the source's current value: a replica tells of a batch at the
 * next frame, so what a source holds may have moved on since it last told (an update that showed
 * the told value would show an older timeline).
 *
 * @example
 * private readonly counts = new StoreController(this, () => this.client?.store.revision,
 *   () => this.views.map((v) => this.client!.store.count(v.id)), shallowArrayEqual);
 * render() { return html`${this.counts.value?.[0]}`; }
 */
export class StoreController<T, S = T> implements ReactiveController {
  private source: Readable<T> | undefined;
  private unsubscribe: (() => void) | undefined;
  private selected: S | undefined;
  private hasValue = false;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly getSource: () => Readable<T> | undefined,
    private readonly select: (value: T) => S = (value) => value as unknown as S,
    private readonly equals: Equality<S> = Object.is,
  ) {
    host.addController(this);
  }

  /** The selected value, or undefined while there is no source. */
  get value(): S | undefined {
    // Read through so that a source set during this update is seen at once.
    this.follow();
    return this.selected;
  }

  hostConnected(): void {
    this.connected = true;
    this.follow();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.detach();
  }

  hostUpdate(): void {
    this.follow();
    // `select` may read host properties (a conversation id), and the source may hold more than it told.
    if (this.source) this.reselect(this.source.get());
  }

  /** Re-reads the current value now (after the host changed what `select` depends on). */
  refresh(): void {
    if (this.source) this.reselect(this.source.get());
  }

  /** Selects from `value`; keeps the value object it has when the new one is equal. True when it changed. */
  private reselect(value: T): boolean {
    const selected = this.select(value);
    if (this.hasValue && this.equals(selected, this.selected as S)) return false;
    this.selected = selected;
    this.hasValue = true;
    return true;
  }

  private follow(): void {
    if (!this.connected) return;
    const next = this.getSource();
    if (next === this.source) return;
    this.detach();
    this.source = next;
    if (!next) {
      this.selected = undefined;
      this.hasValue = false;
      return;
    }
    this.selected = this.select(next.get());
    this.hasValue = true;
    this.unsubscribe = next.subscribe((value) => {
      if (this.reselect(value)) this.host.requestUpdate();
    });
  }

  private detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.source = undefined;
  }
}
