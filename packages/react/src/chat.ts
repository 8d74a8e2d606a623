// The visitor chat window as a React component. A separate entry (`@confab/react/chat`), so an
// inbox app does not load the widget and a site with the chat alone does not load the inbox.
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { ConfabChat as ChatElement, type ConfabChatEventDetails } from '@confab/chat-widget';
import '@confab/chat-widget/define.js';

function event<K extends keyof ConfabChatEventDetails>(name: K): EventName<CustomEvent<ConfabChatEventDetails[K]>> {
  return name as EventName<CustomEvent<ConfabChatEventDetails[K]>>;
}

/**
 * The visitor's chat window (`<confab-chat>`) for a page that builds its own embedding; most sites
 * use the script tag instead.
 * @example <ConfabChat client={visitorClient} inline onMessageSent={(e) => track(e.detail.conversationId)} />
 */
export const ConfabChat = createComponent({
  react: React,
  tagName: 'confab-chat',
  elementClass: ChatElement,
  displayName: 'ConfabChat',
  events: {
    onCloseRequest: event('confab-close-request'),
    onMessageSent: event('confab-message-sent'),
    onConversationStarted: event('confab-conversation-started'),
    onConversationChange: event('confab-conversation-change'),
  },
});

export { useStore } from './use-store.js';
