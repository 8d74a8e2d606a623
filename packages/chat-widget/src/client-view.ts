import { visitorSelectors, type Conversation, type Readable, type VisitorClient } from '@confab/core';
import type { Availability, ConfabState } from './boot.js';
import type { NewMessages } from './new-messages.js';

/** A message from the team, as the page hears of it (a `message-received` event, the closed window's announcement). */
export interface TeamMessageView {
  id: string;
  conversationId: string;
  text: string;
  createdAt: number;
  author: 'agent' | 'bot';
  /** The agent's name, or null (a bot, or an agent the replica does not know). */
  authorName: string | null;
}

/**
 * What the widget shows of a visitor client outside the chat window — the launcher's badge, the
 * team colour, `getState()` and the page's events — as plain data. The page reads it from its own
 * client, or receives it from the background worker (background.ts), which runs the client of a
 * returning visitor off the page's main thread until the chat opens.
 */
export interface ClientView {
  /** State is there to show (the client's `status.ready`). */
  ready: boolean;
  connection: ConfabState['connection'];
  /** The visitor's contact id, once the server said who they are. */
  contactId: string | null;
  identity: ConfabState['identity'];
  /**
   * When the newest team message was written (0: none). The messages themselves are not part of
   * the view: a long history would cost the page its copy on every change.
   */
  lastTeamMessageAt: number;
  /** The visitor's chats: their statuses tell when one closed. */
  threads: readonly Pick<Conversation, 'id' | 'status'>[];
  availability: Availability;
  unread: number;
  /** The team's widget colour (settings). */
  color: string;
}

/** The view of `client`, whose unread count is `unread` (core's selector over what the visitor saw). */
export function viewOf(client: VisitorClient, unread: Readable<number>): ClientView {
  const selectors = visitorSelectors(client);
  const status = client.status.get();
  const contact = selectors.contact.get();
  const teamMessages = selectors.teamMessages.get();
  return {
    ready: status.ready,
    connection: client.connection.get(),
    contactId: status.principal?.kind === 'visitor' ? status.principal.contactId : null,
    identity:
      contact && (contact.email || contact.verified)
        ? { email: contact.email, name: contact.name, verified: contact.verified }
        : null,
    lastTeamMessageAt: teamMessages.at(-1)?.createdAt ?? 0,
    threads: selectors.threads.get().map(({ id, status }) => ({ id, status })),
    availability: selectors.availability.get(),
    unread: unread.get(),
    color: selectors.settings.get().widget.color,
  };
}

/**
 * The team messages of `client` that arrived since `news` last looked (core's `teamMessages`
 * selector, oldest first), as the page hears of them.
 */
export function arrivedMessages(client: VisitorClient, news: NewMessages): TeamMessageView[] {
  return news.take(visitorSelectors(client).teamMessages.get(), client.status.get().ready).map((message) => ({
    id: message.id,
    conversationId: message.conversationId,
    text: message.text,
    createdAt: message.createdAt,
    author: message.authorType === 'bot' ? 'bot' : 'agent',
    authorName: message.authorType === 'bot' ? null : (client.store.agentName(message.authorId) ?? null),
  }));
}

/**
 * Subscribes `listener` to every change of `client` that can change its view (once per microtask,
 * however many selectors changed). Returns the unsubscribe function.
 */
export function watchView(client: VisitorClient, unread: Readable<number>, listener: () => void): () => void {
  const selectors = visitorSelectors(client);
  let queued = false;
  const queue = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      listener();
    });
  };
  // Selectors tell of replies at once, also in a background tab (where no frames come): a site's
  // listeners (a title that flashes "1 new message") hear of them there too.
  const stops = [
    ...[selectors.teamMessages, selectors.threads, selectors.availability, selectors.contact, selectors.settings].map(
      (selector) => selector.subscribe(queue),
    ),
    unread.subscribe(queue),
    client.status.subscribe(queue),
    client.connection.subscribe(queue),
  ];
  return () => stops.forEach((stop) => stop());
}
