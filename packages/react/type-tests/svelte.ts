// Type test (scripts/element-types.test.mjs): each `@ts-expect-error` line must be an error, and
// everything else must compile. What svelte-check reads: svelteHTML.IntrinsicElements.
import type {} from '@confab/react/svelte';

type Thread = svelteHTML.IntrinsicElements['confab-thread'];
type Chat = svelteHTML.IntrinsicElements['confab-chat'];

export const correct: Thread = {
  conversationId: 'c1',
  class: 'wide',
  'onconfab-open-record': (event) => event.detail.id.trim(),
  'on:confab-open-record': (event) => event.detail.type,
};
export const chat: Chat = { open: true, 'onconfab-conversation-change': (event) => event.detail.conversationId };
// @ts-expect-error conversationId is a string
export const wrongPropType: Thread = { conversationId: 42 };
// @ts-expect-error the thread has no such property
export const unknownProp: Thread = { conversationID: 'c1' };
export const wrongHandler: Thread = {
  // @ts-expect-error a record's event carries a record, not a conversation
  'onconfab-open-record': (event: CustomEvent<{ conversationId: string }>) => event,
};
// @ts-expect-error the chat fires no such event
export const unknownEvent: Chat = { 'onconfab-open-record': () => undefined };
