import type { Transport } from '@confab/core';
import type { PristineGlobals } from './boot.js';

/**
 * Old libraries on a host page patch globals: Prototype.js adds `Array.prototype.toJSON` (which
 * makes `JSON.stringify([1])` a string), others replace `JSON.stringify` or array methods. The
 * loader captured the originals; `guard(fn)` puts them back for the duration of one synchronous
 * call of ours (the page cannot run in between) and restores the page's versions after.
 */
export type Guard = <T>(work: () => T) => T;

const nativeWithoutToJSON = [Array.prototype, String.prototype, Number.prototype, Boolean.prototype, Object.prototype];

export function createGuard(pristine: PristineGlobals): Guard {
  const arrayPrototype = Array.prototype as unknown as Record<string, unknown>;
  const arrayNames = Object.keys(pristine.arrayMethods).filter((name) => name !== 'toJSON');
  return (work) => {
    const saved: Array<[target: object, key: string, descriptor: PropertyDescriptor | undefined]> = [];
    const swap = (target: object, key: string, value: unknown) => {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (descriptor ? descriptor.value === value : value === undefined) return;
      try {
        if (value === undefined) delete (target as Record<string, unknown>)[key];
        else Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
        saved.push([target, key, descriptor]);
      } catch {
        // A frozen or non-configurable patch: nothing we can do, and nothing to restore.
      }
    };
    swap(JSON, 'stringify', pristine.stringify);
    swap(JSON, 'parse', pristine.parse);
    for (const prototype of nativeWithoutToJSON) swap(prototype, 'toJSON', undefined);
    for (const name of arrayNames)
      if (arrayPrototype[name] !== pristine.arrayMethods[name].value)
        swap(arrayPrototype, name, pristine.arrayMethods[name].value);
    try {
      return work();
    } finally {
      for (let i = saved.length - 1; i >= 0; i--) {
        const [target, key, descriptor] = saved[i];
        if (descriptor) Object.defineProperty(target, key, descriptor);
        else delete (target as Record<string, unknown>)[key];
      }
    }
  };
}

/**
 * The WebSocket class beneath a page's wrappers. Analytics and session-replay scripts that load
 * before the widget replace `window.WebSocket` with a subclass, a wrapper function or a Proxy that
 * logs, and sometimes rewrites, every frame. Each of those still leads to the class it wraps:
 * through `prototype.constructor` (wrapper functions and Proxies share the real prototype) or the
 * prototype's parent (subclasses). We follow that chain down to the class whose parent is no
 * socket any more (the browser's WebSocket, whose parent is EventTarget). The page keeps its patch.
 */
export function unwrapWebSocket(found: typeof WebSocket): typeof WebSocket {
  let current = found;
  // Bounded: a page could build a cycle of constructors.
  for (let depth = 0; depth < 20; depth++) {
    const prototype = readPrototype(current);
    const shared = prototype && readConstructor(prototype);
    const parent = prototype && readConstructor(Object.getPrototypeOf(prototype) as object | null);
    const next = shared !== current && isSocketClass(shared) ? shared : isSocketClass(parent) ? parent : null;
    if (!next || next === current) return current;
    current = next;
  }
  return current;
}

function readPrototype(value: unknown): object | null {
  try {
    const prototype = (value as { prototype?: unknown }).prototype;
    return typeof prototype === 'object' && prototype !== null ? prototype : null;
  } catch {
    return null; // A getter or Proxy trap that throws.
  }
}

function readConstructor(prototype: object | null): unknown {
  if (!prototype) return null;
  try {
    return (prototype as { constructor?: unknown }).constructor;
  } catch {
    return null;
  }
}

function isSocketClass(value: unknown): value is typeof WebSocket {
  const prototype = typeof value === 'function' ? readPrototype(value) : null;
  const socket = prototype as Partial<WebSocket> | null;
  return !!socket && typeof socket.send === 'function' && typeof socket.close === 'function';
}

/**
 * The WebSocket the loader found, unwrapped from the page's wrappers ({@link unwrapWebSocket}),
 * with message handlers run under the guard (the transport parses frames in its `onmessage`).
 * `send` and the `onmessage` accessor are the ones the class had when the chat started: a
 * session-replay script the page loads later may patch them on the prototype, and they stay
 * patched for the page's own sockets.
 */
export function guardedWebSocket(Base: typeof WebSocket, guard: Guard): typeof WebSocket {
  const Socket = unwrapWebSocket(Base);
  const send = Socket.prototype.send;
  const onmessage = findAccessor(Socket.prototype, 'onmessage');
  return class GuardedWebSocket extends Socket {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      send.call(this, data);
    }
    override set onmessage(handler: ((this: WebSocket, event: MessageEvent) => unknown) | null) {
      const guarded = handler && ((event: MessageEvent) => guard(() => handler.call(this, event)));
      if (onmessage?.set) onmessage.set.call(this, guarded);
      else super.onmessage = guarded;
    }
    override get onmessage() {
      return onmessage?.get ? (onmessage.get.call(this) as WebSocket['onmessage']) : super.onmessage;
    }
  };
}

function findAccessor(prototype: object | null, key: string): PropertyDescriptor | undefined {
  for (let depth = 0; prototype && depth < 20; depth++) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (descriptor) return descriptor.set ? descriptor : undefined;
    prototype = Object.getPrototypeOf(prototype) as object | null;
  }
  return undefined;
}

/** Every frame in and out of the client passes the guard (serialising, parsing, applying). */
export function guardedTransport(inner: Transport, guard: Guard): Transport {
  return {
    connect: (listener) =>
      guard(() =>
        inner.connect({
          frame: (frame) => guard(() => listener.frame(frame)),
          state: (state) => guard(() => listener.state(state)),
        }),
      ),
    send: (frame) => guard(() => inner.send(frame)),
    disconnect: () => guard(() => inner.disconnect()),
  };
}

/**
 * Defines `element` under `preferred`, or under `preferred-2`, `-3`… when the page already took
 * that name for something else (an old copy, or an unrelated element). Returns the name used.
 */
export function defineElement(
  preferred: string,
  element: CustomElementConstructor,
  define: CustomElementRegistry['define'] = customElements.define,
): string {
  for (let attempt = 1; attempt <= 50; attempt++) {
    const name = attempt === 1 ? preferred : `${preferred}-${attempt}`;
    const existing = customElements.get(name);
    if (existing === element) return name;
    if (!existing) {
      try {
        define.call(customElements, name, element);
        return name;
      } catch {
        // This class is already registered under another name: find which.
      }
    }
  }
  throw new Error(`Confab: could not define <${preferred}>`);
}
