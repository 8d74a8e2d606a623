import type { Agent, Contact, Conversation, Feedback, Message, Settings } from '../model/model.js';
import {
  emptySnapshot,
  type ConfabEvent,
  type Snapshot,
  type TypingSignal,
  type ViewingSignal,
} from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';
import { defaultSettings } from './state.js';
import type { EngineState } from './state.js';
import { visitorOwns } from './visitor-commands.js';

/**
 * What each principal may see (DESIGN §1, R2). Agents see the team's whole inbox except what a
 * blocked visitor sent (T5, W3). A visitor sees their own conversations with every team-internal
 * field blanked, only the messages that went between them and the team, their own contact (as
 * they know it: not whether they are blocked, nor the team's notes on them), the team's names
 * and availability (W4), and the widget and bot settings. The system principal sees nothing.
 */

/** Messages a visitor may see: replies (their own suppressed ones too) and system notices. */
export function visibleToVisitor(message: Message): boolean {
  return message.kind === 'reply' || (message.kind === 'system' && message.authorType === 'system');
}

function isOwnRating(state: EngineState, feedback: Feedback, contactId: string): boolean {
  const conversation = feedback.conversationId ? state.conversations.get(feedback.conversationId) : undefined;
  return feedback.contactId === contactId && !!conversation && visitorOwns(conversation, contactId);
}

export function visitorConversation(conversation: Conversation, contactId: string): Conversation {
  const projected: Conversation = {
    ...conversation,
    assigneeId: null,
    contactId: conversation.contactId === contactId ? contactId : null,
    participantIds: [contactId],
    // lastActivityAt moves with comments too; the time of the latest inbound message does not.
    lastActivityAt: conversation.lastReceivedAt,
    ticketId: null,
    filtered: null,
    trashedAt: null,
    sentOnly: false,
    commentPreview: '',
    emailMessageIds: [],
  };
  // Labels are the team's way of sorting its work (issue 16).
  delete projected.labelIds;
  return projected;
}

export function visitorMessage(message: Message): Message {
  // A delivery error is the team's mail server talking: not for the visitor.
  const { suppressed: _suppressed, deliveryError: _deliveryError, ...rest } = message;
  // Only replies reach a visitor; a file on anything else (a comment, R2) never does, in any form.
  const projected = { ...rest, mentions: [], attachments: message.kind === 'reply' ? message.attachments : [] };
  // A blind copy is blind to the contact: their copy of the headers never lists it (issue 17).
  if (message.email?.bcc) {
    const { bcc: _bcc, ...email } = message.email;
    projected.email = email;
  }
  return projected;
}

export function visitorContact(contact: Contact): Contact {
  return {
    id: contact.id,
    name: contact.name,
    email: contact.email,
    verified: contact.verified,
    blocked: false,
    companyId: null,
    properties: {},
    createdAt: contact.createdAt,
  };
}

export function visitorAgent(agent: Agent): Agent {
  const projected: Agent = {
    id: agent.id,
    name: agent.name,
    email: '',
    availability: agent.availability,
    // A visitor learns nothing of the team's roles, invites or sign-ins.
    role: 'agent',
    invitePending: false,
    lastSeenAt: null,
    disabled: agent.disabled,
  };
  if (agent.avatarUrl !== undefined) projected.avatarUrl = agent.avatarUrl;
  return projected;
}

export function visitorSettings(settings: Settings): Settings {
  const defaults = defaultSettings();
  return {
    routing: defaults.routing,
    widget: { ...settings.widget },
    // The answers and the fallback stay with the team: a visitor gets an answer when they ask.
    bot: {
      enabled: settings.bot.enabled,
      greeting: settings.bot.greeting,
      quickReplies: [...settings.bot.quickReplies],
      handoverReply: settings.bot.handoverReply,
    },
    email: { roleAddresses: [], address: '' },
    ticketProperties: [],
    // Issue 17: the widget asks for ratings and tells the team's hours (its availability) itself.
    ...(settings.satisfaction ? { satisfaction: structuredClone(settings.satisfaction) } : {}),
    ...(settings.hours ? { hours: structuredClone(settings.hours) } : {}),
  };
}

function projectForVisitor(state: EngineState, contactId: string, event: ConfabEvent): ConfabEvent | null {
  switch (event.type) {
    case 'conversation.upserted':
      return visitorOwns(event.conversation, contactId)
        ? { type: 'conversation.upserted', conversation: visitorConversation(event.conversation, contactId) }
        : null;
    case 'message.upserted': {
      const conversation = state.conversations.get(event.message.conversationId);
      if (!conversation || !visitorOwns(conversation, contactId) || !visibleToVisitor(event.message)) return null;
      return { type: 'message.upserted', message: visitorMessage(event.message) };
    }
    case 'message.removed': {
      const conversation = state.conversations.get(event.conversationId);
      return conversation && visitorOwns(conversation, contactId) ? event : null;
    }
    case 'contact.upserted':
      return event.contact.id === contactId
        ? { type: 'contact.upserted', contact: visitorContact(event.contact) }
        : null;
    case 'agent.upserted':
      return { type: 'agent.upserted', agent: visitorAgent(event.agent) };
    case 'settings.updated':
      return { type: 'settings.updated', settings: visitorSettings(event.settings) };
    case 'feedback.upserted':
      // Issue 17: their own rating of a chat of theirs, so the widget stops asking (nobody else's).
      return isOwnRating(state, event.feedback, contactId) ? event : null;
    default:
      // Removals of conversations cannot be attributed once gone, so they are not sent (a visitor
      // must never learn ids of others' conversations); tickets, deals, companies, feedback,
      // views, mentions, routing and mail queues are the team's.
      return null;
  }
}

export function projectEventFor(state: EngineState, principal: Principal, event: ConfabEvent): ConfabEvent | null {
  switch (principal.kind) {
    case 'system':
      return null;
    case 'visitor':
      return projectForVisitor(state, principal.contactId, event);
    case 'agent':
      if (event.type === 'message.upserted' && event.message.suppressed) return null;
      if (event.type === 'mention.created' && event.agentId !== principal.agentId) return null;
      return event;
  }
}

export function snapshotForPrincipal(state: EngineState, principal: Principal, seq: number): Snapshot {
  if (principal.kind === 'system') return emptySnapshot(visitorSettings(defaultSettings()), seq);
  if (principal.kind === 'visitor') {
    const me = principal.contactId;
    const conversations: Conversation[] = [];
    const messages: Message[] = [];
    for (const conversation of state.conversations.values()) {
      if (!visitorOwns(conversation, me)) continue;
      conversations.push(visitorConversation(conversation, me));
      for (const message of state.messages.get(conversation.id) ?? []) {
        if (visibleToVisitor(message)) messages.push(visitorMessage(message));
      }
    }
    const contact = state.contacts.get(me);
    return {
      seq,
      conversations,
      messages,
      contacts: contact ? [visitorContact(contact)] : [],
      agents: [...state.agents.values()].map(visitorAgent),
      tickets: [],
      deals: [],
      companies: [],
      feedback: [...state.feedback.values()].filter((feedback) => isOwnRating(state, feedback, me)),
      settings: visitorSettings(state.settings),
      views: [],
    };
  }
  const messages: Message[] = [];
  for (const list of state.messages.values()) {
    for (const message of list) if (!message.suppressed) messages.push(message);
  }
  return {
    seq,
    conversations: [...state.conversations.values()],
    messages,
    contacts: [...state.contacts.values()],
    agents: [...state.agents.values()],
    tickets: [...state.tickets.values()],
    deals: [...state.deals.values()],
    companies: [...state.companies.values()],
    feedback: [...state.feedback.values()],
    settings: state.settings,
    // Saved views only, as in the state and in view.* events; built-in views are constants.
    views: [...state.views.values()],
  };
}

/**
 * What `receiver` may see of `sender` typing in a conversation, or null. Agents see visitors and
 * teammates type; a visitor sees the team type only in their own conversations; nothing a
 * blocked visitor does reaches anyone (T5, W3).
 */
export function projectTyping(
  state: EngineState,
  sender: Principal,
  receiver: Principal,
  conversationId: string,
  typing: boolean,
): TypingSignal | null {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) return null;
  if (sender.kind === 'visitor') {
    const contact = state.contacts.get(sender.contactId);
    if (!contact || contact.blocked || receiver.kind !== 'agent') return null;
    return { conversationId, who: 'contact', name: contact.name, typing };
  }
  if (sender.kind !== 'agent') return null;
  const name = state.agents.get(sender.agentId)?.name ?? '';
  if (receiver.kind === 'visitor')
    return visitorOwns(conversation, receiver.contactId) ? { conversationId, who: 'agent', name, typing } : null;
  const teammate = receiver.kind === 'agent' && receiver.agentId !== sender.agentId;
  return teammate ? { conversationId, who: 'agent', name, typing, agentId: sender.agentId } : null;
}

/** What `receiver` hears of an agent viewing a conversation: only other team members hear it. */
export function projectViewing(
  state: EngineState,
  sender: Principal,
  receiver: Principal,
  conversationId: string,
  viewing: boolean,
): ViewingSignal | null {
  if (sender.kind !== 'agent' || receiver.kind !== 'agent' || receiver.agentId === sender.agentId) return null;
  if (!state.conversations.has(conversationId)) return null;
  const name = state.agents.get(sender.agentId)?.name ?? '';
  return { conversationId, agentId: sender.agentId, name, viewing };
}
