import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VisitorClient } from '@confab/core';

/**
 * Keeps an element current with a visitor client: subscribes to the client's stores while the
 * element is connected, and asks for an update when one of them changed (the store's revision
 * already batches per animation frame).
 */
export class VisitorController implements ReactiveController {
  private client: VisitorClient | null = null;
  private unsubscribers: Array<() => void> = [];
  private connected = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Follows another client (or none). */
  watch(client: VisitorClient | null) {
    if (client === this.client) return;
    this.unsubscribe();
    this.client = client;
    if (this.connected) this.subscribe();
  }

  hostConnected() {
    this.connected = true;
    this.subscribe();
  }

  hostDisconnected() {
    this.connected = false;
    this.unsubscribe();
  }

  private subscribe() {
    const client = this.client;
    if (!client) return;
    const update = () => this.host.requestUpdate();
    this.unsubscribers = [
      client.store.revision.subscribe(update),
      client.pending.subscribe(update),
      client.typing.subscribe(update),
      client.connection.subscribe(update),
      client.status.subscribe(update),
      client.stopped.subscribe(update),
      client.contact.subscribe(update),
      // The store's revision waits for an animation frame, which hidden tabs never get; events
      // keep the window (and what it announces) current in a background tab too.
      client.on('event', update),
      client.on('resync', update),
    ];
  }

  private unsubscribe() {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }
}
