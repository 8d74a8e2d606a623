// Each line marked WRONG must be a type error (the test counts them): a type that decays to `any`
// would let it through. This file is checked by tsconfig.wrong.json only.
import type {} from '@confab/react/jsx';
import { ConfabInbox, ConfabThread, ConfabConversationList, useStore } from '@confab/react';
import { ConfabChat } from '@confab/react/chat';
import { createClient } from './client.js';

const client = createClient();

export const wrong = [
  <ConfabInbox client="token" />, // WRONG: client is an InboxClient, not a string
  <ConfabThread theme="blue" />, // WRONG: the theme is 'light' or 'dark'
  <ConfabConversationList onSelectConversation={(event) => event.detail.nope} />, // WRONG: no such detail field
  <ConfabInbox onOpenRecord={(event) => event.detail.type === 'invoice'} />, // WRONG: not a record type
  <ConfabChat onMessageSent={(event) => event.detail.text.toFixed()} />, // WRONG: text is a string
  <confab-inbox client={42} />, // WRONG: native tag, client is not a number
  <confab-thread onconfab-open-record={(event: CustomEvent<number>) => event} />, // WRONG: wrong detail type
  <confab-unknown-tag />, // WRONG: not a Confab tag
];

export const connection: 'online' = useStore(client.connection); // WRONG: the connection has more states
