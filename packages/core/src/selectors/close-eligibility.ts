import { closeEligibility, type CloseEligibility } from '../engine/agent-commands.js';
import type { ConversationId } from '../model/model.js';
import type { Readable } from '../store/readable.js';
import type { InboxStore } from '../store/types.js';

/**
 * Whether a conversation may be marked closed (T11), as a store: computed by the engine's own
 * rule from the local replica, told again when the conversation changes and when `until` passes.
 * `now` is the backend's clock as this page knows it (a test's memory backend: `memory.now`).
 *
 * @example
 * const eligibility = closeEligibilityOf(client.store, conversationId);
 * eligibility.subscribe((value) => (closeButton.disabled = !value.allowed));
 */
export function closeEligibilityOf(
  store: InboxStore,
  conversationId: ConversationId,
  now: () => number = Date.now,
): Readable<CloseEligibility> {
  const compute = (): CloseEligibility => {
    const conversation = store.conversation(conversationId);
    return conversation ? closeEligibility(conversation, now()) : { allowed: true };
  };
  const listeners = new Set<(value: CloseEligibility) => void>();
  let value = compute();
  let stopWatching = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;

  function refresh() {
    const next = compute();
    const same = next.allowed ? value.allowed : !value.allowed && value.until === next.until;
    value = next;
    // Time alone lifts T11: look again when `until` passes.
    clearTimeout(timer);
    if (!next.allowed) timer = setTimeout(refresh, Math.max(0, next.until - now()));
    if (!same) for (const listener of [...listeners]) listener(value);
  }

  return {
    get: () => (listeners.size ? value : compute()),
    subscribe(listener) {
      if (!listeners.size) {
        stopWatching = store.revision.subscribe(refresh);
        value = compute();
        refresh();
      }
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size) return;
        stopWatching();
        clearTimeout(timer);
      };
    },
  };
}
