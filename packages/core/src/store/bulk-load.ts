import { applyEvent, compareMessages } from '../engine/apply.js';
import type { EngineState } from '../engine/state.js';
import type { Contact, Conversation, Message } from '../model/model.js';
import type { ConfabEvent, Snapshot } from '../protocol/events.js';
import { loadSnapshot } from './load-snapshot.js';

/**
 * One empty list for every message without mentions, attachments or copies, and every
 * conversation without participants, email ids or labels (records are never changed in place).
 */
const NONE: never[] = Object.freeze([]) as never[];

/**
 * `loadSnapshot` for the agent's replica of a large inbox (loaded in slices: slices.ts), with the
 * same result. Messages, most of
 * a snapshot, are grouped per conversation first: a thread that arrives in order and without
 * repeats is taken as it is, in an array of exactly its length (a thread grown one upsert at a
 * time carries spare room), its empty mention and attachment lists shared. Any other thread goes
 * through the engine message by message.
 */
export function loadSnapshotInBulk(state: EngineState, snapshot: Snapshot): void {
  for (const _ of loadSnapshotInSteps(state, snapshot));
}

/** Records loaded between two yields of `loadSnapshotInSteps`: a few milliseconds of work. */
const STEP = 2000;

/**
 * `loadSnapshotInBulk` as steps: it yields every few thousand records, so that a caller can spread
 * a large snapshot over several tasks (the state is whole only once the steps are done).
 */
export function* loadSnapshotInSteps(state: EngineState, snapshot: Snapshot): Generator<void, void, undefined> {
  loadSnapshot(state, {
    ...snapshot,
    contacts: [],
    conversations: [],
    tickets: [],
    deals: [],
    feedback: [],
    messages: [],
  });
  // The same order as loadSnapshot's (views, agents and companies are few and went above).
  // Names repeat (first and last names): one string per name, not one per contact.
  const names = new Map<string, string>();
  // Most mail goes to one address (the team's): one frozen list of it for all those messages.
  const recipients = new Map<string, string[]>();
  const lists: Array<[readonly unknown[], (record: never) => ConfabEvent]> = [
    [
      snapshot.contacts,
      (contact: Contact) => {
        contact.name = shared(names, contact.name);
        return { type: 'contact.upserted', contact };
      },
    ],
    [
      snapshot.conversations,
      (conversation: Conversation) => {
        if (conversation.participantIds.length === 0) conversation.participantIds = NONE;
        if (conversation.emailMessageIds.length === 0) conversation.emailMessageIds = NONE;
        if (conversation.labelIds?.length === 0) conversation.labelIds = NONE;
        return { type: 'conversation.upserted', conversation };
      },
    ],
    [snapshot.tickets, (ticket) => ({ type: 'ticket.upserted', ticket })],
    [snapshot.deals, (deal) => ({ type: 'deal.upserted', deal })],
    [snapshot.feedback, (feedback) => ({ type: 'feedback.upserted', feedback })],
  ];
  for (const [records, eventOf] of lists) {
    for (let i = 0; i < records.length; i++) {
      applyEvent(state, eventOf(records[i] as never));
      if (i % STEP === STEP - 1) yield;
    }
  }
  const threads = new Map<string, Message[]>();
  for (let i = 0; i < snapshot.messages.length; i++) {
    const message = snapshot.messages[i];
    const thread = threads.get(message.conversationId);
    if (thread) thread.push(message);
    else threads.set(message.conversationId, [message]);
    if (i % (STEP * 4) === STEP * 4 - 1) yield;
  }
  let done = 0;
  for (const [conversationId, thread] of threads) {
    if (done++ % STEP === STEP - 1) yield;
    const ids = new Set<string>();
    // In order, every id once: upserting it message by message would give the same list.
    const ready = thread.every(
      (message, i) =>
        (i === 0 || compareMessages(thread[i - 1], message) < 0) && !ids.has(message.id) && ids.add(message.id),
    );
    const conversation = state.conversations.get(conversationId);
    if (!ready) {
      // Set now all the same: the map keeps the order in which threads first appear.
      state.messages.set(conversationId, []);
      for (const message of thread) applyEvent(state, { type: 'message.upserted', message });
    } else {
      for (const message of thread) {
        if (message.mentions.length === 0) message.mentions = NONE;
        if (message.attachments.length === 0) message.attachments = NONE;
        if (conversation !== undefined) shareFields(conversation, message, recipients);
      }
      state.messages.set(conversationId, thread.length === 1 ? thread : thread.slice());
    }
    if (conversation !== undefined) sharePreviews(conversation, state.messages.get(conversationId)!);
  }
}

/**
 * A message's conversation id and email subject are its conversation's, and a `to` list of one
 * address that of the first message to it: one value for all (every field of a parsed snapshot is
 * a value of its own). Equal values only: nothing changes.
 */
function shareFields(conversation: Conversation, message: Message, recipients: Map<string, string[]>): void {
  if (message.conversationId === conversation.id) message.conversationId = conversation.id;
  const email = message.email;
  if (email === undefined) return;
  if (email.subject === conversation.subject) email.subject = conversation.subject;
  if (email.cc.length === 0) email.cc = NONE;
  if (email.to.length !== 1) return;
  const known = recipients.get(email.to[0]);
  if (known === undefined) recipients.set(email.to[0], Object.freeze(email.to) as string[]);
  else email.to = known;
}

/** The one string of this value in `strings` (the value itself the first time). */
function shared(strings: Map<string, string>, value: string): string {
  const known = strings.get(value);
  if (known !== undefined) return known;
  strings.set(value, value);
  return value;
}

/**
 * A list preview is nearly always the latest message's whole text (L2: short texts are not cut):
 * the conversation then keeps that string rather than an equal copy of it (~15 MB at 100k).
 */
function sharePreviews(conversation: Conversation, thread: readonly Message[]): void {
  let reply = false;
  let comment = false;
  for (let i = thread.length - 1; i >= 0 && !(reply && comment); i--) {
    const { kind, text } = thread[i];
    if (kind === 'reply' && !reply) {
      reply = true;
      if (conversation.preview === text) conversation.preview = text;
    } else if (kind === 'comment' && !comment) {
      comment = true;
      if (conversation.commentPreview === text) conversation.commentPreview = text;
    }
  }
}
