import { commandIdOf, isPendingRecord, startedConversation } from '../client/pending-ids.js';
import type { PendingCommand, VisitorClient } from '../client/types.js';
import { isOpenAt } from '../engine/hours.js';
import { isRoutable } from '../engine/routing.js';
import { ratingOf, ratingRefusal } from '../engine/satisfaction.js';
import type { Agent, Attachment, Contact, Conversation, Feedback, Message, Settings } from '../model/model.js';
import type { PickedFile } from '../files/uploads.js';
import type { Readable } from '../store/readable.js';
import { sameItems, select } from './select.js';

/** Where one of the visitor's own messages is on its way to the team. */
export type Delivery = 'queued' | 'sending' | 'sent' | 'failed';

/** S2 / W4: someone could be routed the chat; `unknown` until the team's state arrived. */
export type TeamAvailability = 'available' | 'away' | 'unknown';

/** One line of a conversation as the visitor sees it. */
export interface TimelineItem {
  /** Stable across renders: the message id, or `outbox:<command id>` for a text only the outbox holds. */
  key: string;
  text: string;
  createdAt: number;
  authorType: Message['authorType'];
  authorId: string;
  /** Written by the visitor. */
  own: boolean;
  /** A bot's offered answers (W5); empty for other messages. */
  quickReplies: readonly string[];
  /** The message's files (issue 16); for one in the outbox, those already uploaded. */
  attachments: readonly Attachment[];
  /** Files the message waits for in the outbox (picked offline): not uploaded yet. */
  waitingFiles: readonly PickedFile[];
  /** For the visitor's own messages: confirmed (`sent`), in the outbox, or refused. Null for the team's. */
  delivery: Delivery | null;
  /** The outbox command behind a message the server has not confirmed yet (for "Try again"). */
  commandId: string | null;
}

/**
 * Issue 17: whether the widget asks for a rating of a conversation (`ask`: closed, ratings on, not
 * rated yet), shows it was rated (`rated`), or neither (`none`); with the team's question.
 */
export interface RatingPrompt {
  state: 'ask' | 'rated' | 'none';
  /** The team's question per language; '' where the widget words it. */
  question: { en: string; nl: string };
}

/** Which conversation a timeline shows: a confirmed or drawn one, or a chat being started. */
export interface TimelineTarget {
  conversationId: string | null;
  /** A `visitor.startChat` in the outbox: its conversation, once drawn or confirmed, and its text. */
  startCommandId: string | null;
}

export interface Timeline {
  /** The conversation shown (for a chat being started: the one its command drew or created). */
  conversation: Conversation | undefined;
  items: readonly TimelineItem[];
}

/** Everything the widget shows that is derived from a visitor client, one instance per client. */
export interface VisitorSelectors {
  /** A conversation's messages with delivery states, including outbox texts not drawn yet. */
  timeline(target: TimelineTarget): Readable<Timeline>;
  /** The visitor's chats, in the list's order (L1: most recently received message first). */
  readonly threads: Readable<readonly Conversation[]>;
  /** Every agent and bot reply the visitor was sent, oldest first. */
  readonly teamMessages: Readable<readonly Message[]>;
  /** Agent and bot replies per conversation. */
  readonly teamMessageCounts: Readable<ReadonlyMap<string, number>>;
  /** Replies the visitor has not seen: `seen` holds, per conversation, how many they had seen. */
  unread(seen: Readable<Readonly<Record<string, number>>>): Readable<number>;
  /** S2 / W4: someone could be routed the chat now (routable agents, within business hours). */
  readonly availability: Readable<TeamAvailability>;
  /** Issue 17: whether to ask the visitor to rate a conversation of theirs. */
  rating(conversationId: string | null): Readable<RatingPrompt>;
  /** The visitor's own contact record. */
  readonly contact: Readable<Contact | null>;
  /** The team's settings the visitor sees (widget texts and colour, the bot's). */
  readonly settings: Readable<Settings>;
}

const cache = new WeakMap<VisitorClient, VisitorSelectors>();

/**
 * The visitor selectors of `client` (the same instances for every caller, so a value is computed
 * once however many elements show it).
 *
 * @example
 * const { availability } = visitorSelectors(client);
 * availability.subscribe((value) => (status.textContent = value));
 */
export function visitorSelectors(client: VisitorClient): VisitorSelectors {
  let selectors = cache.get(client);
  if (!selectors) cache.set(client, (selectors = createVisitorSelectors(client)));
  return selectors;
}

function createVisitorSelectors(client: VisitorClient): VisitorSelectors {
  const state = client.store.state;
  // The revision waits for a frame (or 250 ms in a hidden tab); events tell at once, which keeps
  // a site's listeners (a title that flashes "1 new message") current in a background tab.
  const applied: Readable<unknown> = {
    get: () => undefined,
    subscribe(listener) {
      const stops = [client.on('event', () => listener(undefined)), client.on('resync', () => listener(undefined))];
      return () => stops.forEach((stop) => stop());
    },
  };
  const replica = [client.store.revision, client.status, applied];

  const threads = select(
    replica,
    () => [...state.conversations.values()],
    (...conversations) => conversations.filter((conversation) => conversation.channel === 'chat').sort(newestChatFirst),
    sameItems,
  );

  const teamMessages = select(
    replica,
    () => [...state.messages.values()].flat(),
    (...messages) => messages.filter(isFromTeam).sort((a, b) => a.createdAt - b.createdAt),
    sameItems,
  );

  const teamMessageCounts = select(
    [teamMessages],
    (): [readonly Message[]] => [teamMessages.get()],
    (messages) => {
      const counts = new Map<string, number>();
      for (const message of messages) counts.set(message.conversationId, (counts.get(message.conversationId) ?? 0) + 1);
      return counts;
    },
  );

  // Business hours open and close with no event: the minute is one more source.
  const minute = minuteClock();
  const availability = select(
    [...replica, minute],
    (): [boolean, boolean, ...Agent[]] => [
      client.status.get().ready,
      isOpenAt(state.settings.hours, minute.get()),
      ...state.agents.values(),
    ],
    (ready, open, ...agents): TeamAvailability =>
      !ready ? 'unknown' : open && agents.some(isRoutable) ? 'available' : 'away',
  );

  const ratings = new Map<string | null, Readable<RatingPrompt>>();
  const NO_RATING: RatingPrompt = { state: 'none', question: { en: '', nl: '' } };
  function rating(conversationId: string | null): Readable<RatingPrompt> {
    let found = ratings.get(conversationId);
    if (!found)
      ratings.set(
        conversationId,
        (found = select(
          replica,
          () => {
            const conversation = conversationId ? state.conversations.get(conversationId) : undefined;
            return [conversation, state.settings, conversation && ratingOf(state, conversation.id)] as [
              Conversation | undefined,
              Settings,
              Feedback | undefined,
            ];
          },
          (conversation, settings, rated): RatingPrompt => {
            if (!conversation || !settings.satisfaction?.enabled) return NO_RATING;
            const ask = !ratingRefusal(state, conversation);
            return { state: rated ? 'rated' : ask ? 'ask' : 'none', question: settings.satisfaction.question };
          },
          (a, b) => a.state === b.state && a.question === b.question,
        )),
      );
    return found;
  }

  const contact = select(
    replica,
    () => {
      const principal = client.status.get().principal;
      const record = principal?.kind === 'visitor' ? (state.contacts.get(principal.contactId) ?? null) : null;
      return [record] as [Contact | null];
    },
    (record) => record,
  );

  const settings = select(
    replica,
    (): [Settings] => [state.settings],
    (value) => value,
  );

  const timelines = new Map<string, Readable<Timeline>>();
  function timeline(target: TimelineTarget): Readable<Timeline> {
    const key = `${target.conversationId} ${target.startCommandId}`;
    let found = timelines.get(key);
    if (!found) timelines.set(key, (found = timelineOf(client, [...replica, client.pending], target)));
    return found;
  }

  return {
    timeline,
    threads,
    teamMessages,
    teamMessageCounts,
    unread: (seen) =>
      select(
        [teamMessageCounts, seen],
        (): [ReadonlyMap<string, number>, Readonly<Record<string, number>>] => [teamMessageCounts.get(), seen.get()],
        (counts, seenCounts) => {
          let unread = 0;
          for (const [conversationId, count] of counts)
            unread += Math.max(0, count - (seenCounts[conversationId] ?? 0));
          return unread;
        },
      ),
    availability,
    rating,
    contact,
    settings,
  };
}

/** The current time, told at each minute's turn while anyone listens. */
function minuteClock(): Readable<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<(now: number) => void>();
  const tick = () => {
    timer = setTimeout(
      () => {
        for (const listener of [...listeners]) listener(Date.now());
        tick();
      },
      60_000 - (Date.now() % 60_000),
    );
    // In Node (a server or a test holding a visitor client) the clock alone keeps no process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  return {
    get: () => Date.now(),
    subscribe(listener) {
      if (!listeners.size) tick();
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (!listeners.size) clearTimeout(timer);
      };
    },
  };
}

/**
 * L1's order (most recently received message first). On a tie, unlike the inbox's tie-break, the
 * later chat comes first: ids are time-ordered, and a visitor who starts a chat within the same
 * millisecond as their last message must see the new one on top.
 */
function newestChatFirst(a: Conversation, b: Conversation): number {
  return b.lastReceivedAt - a.lastReceivedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** An agent's or a bot's reply the server confirmed (not an optimistic drawing). */
function isFromTeam(message: Message): boolean {
  return message.kind === 'reply' && message.direction === 'outbound' && !isPendingRecord(message.id);
}

function timelineOf(client: VisitorClient, sources: readonly Readable<unknown>[], target: TimelineTarget) {
  const state = client.store.state;
  return select(
    sources,
    () => {
      const pending = client.pending.get();
      const conversation = target.conversationId
        ? state.conversations.get(target.conversationId)
        : target.startCommandId
          ? conversationOfStart(client, pending, target.startCommandId)
          : undefined;
      const id = conversation?.id ?? target.conversationId;
      const messages = id ? (state.messages.get(id) ?? []) : [];
      return [pending, conversation, ...messages] as [
        readonly PendingCommand[],
        Conversation | undefined,
        ...Message[],
      ];
    },
    (pending: readonly PendingCommand[], conversation: Conversation | undefined, ...messages: Message[]): Timeline => ({
      conversation,
      items: timelineItems(pending, conversation?.id ?? target.conversationId, target.startCommandId, messages),
    }),
    (a, b) =>
      a.conversation === b.conversation &&
      a.items.length === b.items.length &&
      a.items.every((item, at) => sameItem(item, b.items[at]!)),
  );
}

function sameItem(a: TimelineItem, b: TimelineItem): boolean {
  return (
    a.key === b.key &&
    a.text === b.text &&
    a.createdAt === b.createdAt &&
    a.authorId === b.authorId &&
    a.delivery === b.delivery &&
    a.commandId === b.commandId &&
    sameItems(a.quickReplies, b.quickReplies) &&
    sameItems(a.attachments, b.attachments) &&
    sameItems(a.waitingFiles, b.waitingFiles)
  );
}

/**
 * The conversation a pending `visitor.startChat` stands for: the one it drew early, or, once its
 * effects arrived before its ack, the confirmed one it created.
 */
function conversationOfStart(
  client: VisitorClient,
  pending: readonly PendingCommand[],
  commandId: string,
): Conversation | undefined {
  for (const conversation of client.store.state.conversations.values())
    if (commandIdOf(conversation.id) === commandId) return conversation;
  for (const id of pending.find((entry) => entry.id === commandId)?.committed?.created ?? []) {
    const conversation = client.store.conversation(id);
    if (conversation) return conversation;
  }
  return undefined;
}

/**
 * The replies of one conversation with delivery states, then what the outbox holds for it that the
 * replica could not draw (a first message before the server ever answered, a refused one).
 */
function timelineItems(
  pending: readonly PendingCommand[],
  conversationId: string | null,
  startCommandId: string | null,
  messages: readonly Message[],
): TimelineItem[] {
  const byCommand = new Map(pending.map((entry) => [entry.id, entry]));
  // Which pending command a record stands for: drawn early by it, or created by its committed effects.
  const byRecord = new Map<string, string>();
  for (const entry of pending) for (const id of entry.committed?.created ?? []) byRecord.set(id, entry.id);
  const items: TimelineItem[] = [];
  const drawn = new Set<string>();
  for (const message of messages) {
    if (message.kind !== 'reply') continue;
    const commandId = commandIdOf(message.id) ?? byRecord.get(message.id) ?? null;
    if (commandId) drawn.add(commandId);
    const own = message.direction === 'inbound';
    const entry = commandId ? byCommand.get(commandId) : undefined;
    items.push({
      key: message.id,
      text: message.text,
      createdAt: message.createdAt,
      authorType: message.authorType,
      authorId: message.authorId,
      own,
      quickReplies: message.quickReplies ?? [],
      attachments: message.attachments,
      waitingFiles: entry?.files ?? [],
      // Queued, sending or failed while in the outbox; sent once confirmed (its ack may be on its way).
      delivery: own ? (entry && !entry.committed ? entry.state : 'sent') : null,
      commandId,
    });
  }
  for (const entry of pending) {
    // Drawn from the replica, or its effects are confirmed records there (maybe elsewhere).
    if (drawn.has(entry.id) || entry.committed) continue;
    const command = entry.command;
    // A message written before its chat was confirmed names the conversation its start creates.
    const belongs =
      (command.type === 'visitor.message' &&
        (command.conversationId === conversationId ||
          (startCommandId !== null && command.conversationId === startedConversation(startCommandId)))) ||
      (command.type === 'visitor.startChat' && entry.id === startCommandId);
    if (!belongs || !('text' in command)) continue;
    items.push({
      key: `outbox:${entry.id}`,
      text: command.text,
      createdAt: entry.createdAt,
      authorType: 'contact',
      authorId: '',
      own: true,
      quickReplies: [],
      attachments: ('attachments' in command && command.attachments) || [],
      waitingFiles: entry.files ?? [],
      delivery: entry.state,
      commandId: entry.id,
    });
  }
  return items;
}

/** The conversations that were open in `before` and are closed in `after` (two values of `threads`). */
export function closedSince(
  before: readonly Pick<Conversation, 'id' | 'status'>[],
  after: readonly Pick<Conversation, 'id' | 'status'>[],
): string[] {
  const wasOpen = new Set(before.filter((conversation) => conversation.status === 'open').map((c) => c.id));
  return after
    .filter((conversation) => conversation.status === 'closed' && wasOpen.has(conversation.id))
    .map((c) => c.id);
}
