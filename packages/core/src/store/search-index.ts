/**
 * The store's search (F1) as one lazily loaded part: the word index, and which slots' text it
 * must read again. The store loads this module with `import()` on first need (an agent's reset, a
 * search), so that the first paint of an inbox does not wait for it.
 */
import type { EngineState } from '../engine/state.js';
import type { Conversation, Message } from '../model/model.js';
import { foldSearchText } from './search.js';
import { WordIndex } from './word-index.js';

/** What the search index reads of the store. */
export interface SearchHost {
  readonly state: EngineState;
  /** The conversation a slot holds (undefined: an empty slot). */
  record(slot: number): Conversation | undefined;
  /** R2: comments are for agents only; a visitor's store never searches them. */
  searchesComments(): boolean;
}

export class SearchIndex {
  private readonly words = new WordIndex();
  /** Slots whose text must be built again from the state. */
  private readonly dirty = new Set<number>();
  /** Text of new messages, per slot not in `dirty`: added without reading the rest again. */
  private readonly appended = new Map<number, string>();

  constructor(private host: SearchHost) {}

  /** Serves another store from now on (a reset in slices builds the index for a replica aside). */
  moveTo(host: SearchHost): void {
    this.host = host;
  }

  /** Slots still to be indexed from scratch. */
  get backlog(): number {
    return this.dirty.size;
  }

  /** The slot's text inputs changed (contacts, subject, a message edited or removed). */
  markText(slot: number): void {
    this.dirty.add(slot);
    this.appended.delete(slot);
  }

  /** A message was added to the slot's thread. */
  messageAdded(slot: number, message: Message): void {
    if (this.dirty.has(slot) || !this.searchable(message)) return;
    const earlier = this.appended.get(slot);
    this.appended.set(slot, earlier === undefined ? message.text : `${earlier} ${message.text}`);
  }

  /** The slot's conversation is gone; the slot may be handed out again. */
  forget(slot: number): void {
    this.words.setText(slot, '');
    this.dirty.delete(slot);
    this.appended.delete(slot);
  }

  /** Indexes new messages' text, and the text of up to `limit` slots whose inputs changed. */
  update(limit: number): void {
    for (const [slot, text] of this.appended) this.words.addText(slot, foldSearchText(text));
    this.appended.clear();
    let done = 0;
    for (const slot of this.dirty) {
      if (done++ >= limit) break;
      this.dirty.delete(slot);
      const record = this.host.record(slot);
      if (record !== undefined) this.words.setText(slot, foldSearchText(this.textOf(record)));
    }
  }

  /** A bitset of the slots whose text contains every term; the index must be current. */
  matching(terms: readonly string[]): Uint32Array {
    return this.words.matching(terms);
  }

  /** Whether the slot's text contains every term; the index must be current. */
  slotMatches(slot: number, terms: readonly string[]): boolean {
    return this.words.slotMatches(slot, terms);
  }

  /** What a conversation's search covers: its contacts' names and addresses, subject, messages. */
  private textOf(record: Conversation): string {
    const { contacts, messages } = this.host.state;
    let text = '';
    const contactIds = [record.contactId, ...record.participantIds];
    contactIds.forEach((contactId, at) => {
      // Each contact once: the contact is often a participant too.
      const contact = contactIds.indexOf(contactId) === at && contactId !== null ? contacts.get(contactId) : undefined;
      if (contact !== undefined) text += `${contact.name} ${contact.email} `;
    });
    text += record.subject;
    for (const message of messages.get(record.id) ?? []) if (this.searchable(message)) text += ` ${message.text}`;
    return text;
  }

  private searchable(message: Message): boolean {
    return message.kind === 'reply' || (message.kind === 'comment' && this.host.searchesComments());
  }
}
