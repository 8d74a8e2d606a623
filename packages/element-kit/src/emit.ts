/** The detail type of a `CustomEvent` type. */
export type DetailOf<E> = E extends CustomEvent<infer D> ? D : never;

/** A function that dispatches the events of one event map, checking names and details. */
export type Emit<M> = <K extends keyof M & string>(
  host: EventTarget,
  type: K,
  detail: DetailOf<M[K]>,
  cancelable?: boolean,
) => boolean;

/**
 * Makes the `emit` of an element package from its event map (names `confab-*`, values
 * `CustomEvent<Detail>`). Every event it dispatches bubbles and is composed (DESIGN §2), so a page
 * hears it through shadow roots. `emit` returns false when a listener cancelled the event (only
 * when `cancelable`).
 *
 * @example
 * interface ChatEvents { 'confab-message-sent': CustomEvent<{ text: string }> }
 * const emit = typedEmit<ChatEvents>();
 * emit(this, 'confab-message-sent', { text });
 */
export function typedEmit<M extends { [K in keyof M]: CustomEvent }>(): Emit<M> {
  return (host, type, detail, cancelable = false) =>
    host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
}
