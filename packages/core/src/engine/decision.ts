import type { Agent, Contact, Conversation, Message } from '../model/model.js';
import { ConfabError } from '../protocol/errors.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import { idsOf, type EngineState } from './state.js';
import { newContact } from './records.js';
import { emailKey } from './email.js';

/**
 * One command being decided: read-only state, the clock, the id source and the events so far.
 * Handlers read records through it (so a refusal reads the same way everywhere) and emit events.
 */
export class Decision {
  readonly events: ConfabEvent[] = [];
  /** Contacts created during this decision, so two cc lines with one address make one contact. */
  private readonly createdContacts: Contact[] = [];

  constructor(
    readonly state: EngineState,
    readonly principal: Principal,
    readonly now: number,
    readonly newId: () => string,
  ) {}

  emit(...events: ConfabEvent[]): void {
    this.events.push(...events);
  }

  /** The signed-in agent (only called for agent commands, which execute checked). */
  get agent(): Agent {
    if (this.principal.kind !== 'agent') throw new ConfabError('forbidden', 'Only a team member can do this');
    return this.state.agents.get(this.principal.agentId)!;
  }

  conversation(id: string): Conversation {
    const conversation = this.state.conversations.get(id);
    if (!conversation) throw new ConfabError('not-found', `No conversation ${id}`);
    return conversation;
  }

  contact(id: string): Contact {
    const contact = this.state.contacts.get(id);
    if (!contact) throw new ConfabError('not-found', `No contact ${id}`);
    return contact;
  }

  messagesOf(conversationId: string): readonly Message[] {
    return this.state.messages.get(conversationId) ?? [];
  }

  /**
   * Contacts with this address (compared as `emailKey` does), verified ones first, then in creation order. An
   * address a visitor merely typed never matches: it proves nothing.
   */
  contactsByEmail(address: string): Contact[] {
    const wanted = emailKey(address);
    if (wanted === '') return [];
    const found: Contact[] = [];
    for (const id of idsOf(this.state.contactIdsByEmail.get(wanted))) {
      const contact = this.state.contacts.get(id);
      if (contact && !contact.emailSelfReported) found.push(contact);
    }
    for (const contact of this.createdContacts) if (contact.email === wanted) found.push(contact);
    return found.sort((a, b) => Number(b.verified) - Number(a.verified));
  }

  /** The contact for an address, created (and emitted) when there is none. */
  contactForEmail(address: string, name?: string): Contact {
    const existing = this.contactsByEmail(address)[0];
    if (existing) return existing;
    const email = emailKey(address);
    const contact = newContact({ id: this.newId(), name: name?.trim() || email.split('@')[0]!, email, now: this.now });
    this.createdContacts.push(contact);
    this.emit({ type: 'contact.upserted', contact });
    return contact;
  }

  /** A blocked sender's address stays blocked whichever of its contacts was blocked (T5). */
  isBlockedAddress(address: string): boolean {
    return this.contactsByEmail(address).some((contact) => contact.blocked);
  }
}
