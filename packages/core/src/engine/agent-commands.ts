import type { Activity, Conversation, EmailFields } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ConfabError, ruleError } from '../protocol/errors.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { Decision } from './decision.js';
import { emailKey, latestEmail, outboundMessageId, prefixedSubject } from './email.js';
import { mergeProperties, newConversation, newMessage, withIds, withMessage } from './records.js';
import { isAssignable } from './team.js';
import { spamApplies } from './channel-rules.js';
import { activityNote } from './activity.js';
import { extraRecipients, repliesByEmail, withSignature } from './email-reply.js';

type Result = Record<string, string> | void;

/** T11: how long a visitor must have been quiet before a bot conversation may be closed. */
export const BOT_CLOSE_IDLE_MS = 30 * 60 * 1000;

/** Whether a conversation may be marked closed now; if not, the rule that forbids it and until when. */
export type CloseEligibility = { allowed: true } | { allowed: false; rule: 'T11'; until: number };

/**
 * T11: a conversation the bot still handles may be closed only once the visitor has been quiet for
 * BOT_CLOSE_IDLE_MS; any other conversation may be closed. `now` is the backend's clock.
 *
 * @example
 * const eligibility = closeEligibility(conversation, Date.now());
 * if (!eligibility.allowed) showUntil(eligibility.until);
 */
export function closeEligibility(conversation: Conversation, now: number): CloseEligibility {
  if (conversation.bot !== 'active') return { allowed: true };
  const until = conversation.lastVisitorActivityAt + BOT_CLOSE_IDLE_MS;
  return now >= until ? { allowed: true } : { allowed: false, rule: 'T11', until };
}

export function upserted(conversation: Conversation): ConfabEvent {
  return { type: 'conversation.upserted', conversation };
}

/**
 * Applies `change` to each conversation of a bulk command (L3), noting `activity` in each changed
 * thread. All or nothing: the first id that is missing or refused refuses the whole command, and
 * its message names that id. `change` returns null when the conversation is already as asked.
 */
function bulk(
  decision: Decision,
  ids: readonly string[],
  activity: Activity,
  change: (conversation: Conversation) => Conversation | null,
): void {
  const changed: Conversation[] = [];
  for (const id of new Set(ids)) {
    const next = change(decision.conversation(id));
    if (next) changed.push(next);
  }
  for (const next of changed) decision.emit(upserted(next), activityNote(decision, next.id, activity));
}

function isBlockedChat(decision: Decision, conversation: Conversation): boolean {
  if (conversation.channel !== 'chat') return false;
  const contact = conversation.contactId === null ? undefined : decision.state.contacts.get(conversation.contactId);
  return conversation.filtered === 'blocked' || contact?.blocked === true;
}

/** To: the latest inbound sender, else the contact; Cc: the other participants (never the team). */
function replyRecipients(decision: Decision, conversation: Conversation): { to: string; cc: string[] } {
  const lastInbound = latestEmail(decision.messagesOf(conversation.id), 'inbound');
  const contactEmail =
    conversation.contactId === null ? '' : (decision.state.contacts.get(conversation.contactId)?.email ?? '');
  const to = emailKey(lastInbound?.email?.from ?? contactEmail);
  if (to === '')
    throw ruleError('R1', 'no-email-address', `Conversation ${conversation.id} has no email address to reply to`);
  const team = emailKey(decision.state.settings.email.address);
  const cc: string[] = [];
  for (const participantId of conversation.participantIds) {
    const participant = decision.state.contacts.get(participantId);
    // An address a visitor merely typed is never copied on the team's mail.
    const address = participant && !participant.emailSelfReported ? emailKey(participant.email) : '';
    if (address !== '' && address !== to && address !== team && !cc.includes(address)) cc.push(address);
  }
  return { to, cc };
}

export const agentHandlers = {
  viewing(decision: Decision, command: C.ViewingCommand): Result {
    // Ephemeral: the backend relays it to the other agents. The engine only checks the conversation exists.
    decision.conversation(command.conversationId);
  },

  'conversation.assign'(decision: Decision, command: C.AssignCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    if (command.assigneeId !== null) {
      const agent = decision.state.agents.get(command.assigneeId);
      if (!agent) throw new ConfabError('not-found', `No team member ${command.assigneeId}`);
      if (agent.disabled)
        throw ruleError('T2', 'member-disabled', `${agent.name} is disabled and cannot be assigned conversations`, {
          name: agent.name,
        });
      if (!isAssignable(agent))
        throw ruleError(
          'T2',
          'member-invited',
          `${agent.name} has not accepted their invitation yet and cannot be assigned conversations`,
          { name: agent.name },
        );
    }
    if (conversation.assigneeId === command.assigneeId) return;
    const next: Conversation = { ...conversation, assigneeId: command.assigneeId };
    // A person took it over: the bot stops answering (W5) and the conversation leaves Bots for
    // good (V9: "never, or not yet, assigned"); unassigning later puts it in Unassigned.
    if (command.assigneeId !== null && conversation.bot === 'active') next.bot = 'handed-over';
    decision.emit(
      upserted(next),
      activityNote(decision, conversation.id, { type: 'assigned', assigneeId: command.assigneeId }),
    );
  },

  'conversation.setStatus'(decision: Decision, command: C.SetStatusCommand): Result {
    const activity: Activity = { type: command.status === 'closed' ? 'closed' : 'reopened' };
    bulk(decision, command.conversationIds, activity, (conversation) => {
      if (conversation.status === command.status) return null;
      const eligibility = closeEligibility(conversation, decision.now);
      if (command.status === 'closed' && !eligibility.allowed) {
        const minutes = Math.ceil((eligibility.until - decision.now) / 60_000);
        throw ruleError(
          'T11',
          'bot-quiet-time',
          `Conversation ${conversation.id} is still with the bot: it can be closed after ${BOT_CLOSE_IDLE_MS / 60_000} minutes without visitor activity (${minutes} min to go)`,
          { minutes, quietMinutes: BOT_CLOSE_IDLE_MS / 60_000 },
        );
      }
      return { ...conversation, status: command.status };
    });
  },

  'conversation.trash'(decision: Decision, command: C.TrashCommand): Result {
    bulk(decision, command.conversationIds, { type: 'trashed' }, (conversation) =>
      conversation.trashedAt !== null ? null : { ...conversation, trashedAt: decision.now },
    );
  },

  'conversation.restore'(decision: Decision, command: C.RestoreCommand): Result {
    bulk(decision, command.conversationIds, { type: 'restored' }, (conversation) =>
      conversation.trashedAt === null ? null : { ...conversation, trashedAt: null },
    );
  },

  'conversation.blockSender'(decision: Decision, command: C.BlockSenderCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    if (conversation.contactId === null)
      throw ruleError('T5', 'no-contact-to-block', `Conversation ${conversation.id} has no contact to block`);
    const contact = decision.contact(conversation.contactId);
    if (!contact.blocked) decision.emit({ type: 'contact.upserted', contact: { ...contact, blocked: true } });
    // Conversations filtered for another reason (spam, role address) keep it: unblocking later
    // must not bring those back.
    for (const other of decision.state.conversations.values()) {
      if (other.contactId === contact.id && other.filtered === null)
        decision.emit(upserted({ ...other, filtered: 'blocked' }));
    }
    // Noted in the thread the agent blocked from, whatever else the block moved.
    if (!contact.blocked) decision.emit(activityNote(decision, conversation.id, { type: 'blocked' }));
  },

  'contact.unblock'(decision: Decision, command: C.UnblockContactCommand): Result {
    const contact = decision.contact(command.contactId);
    if (contact.blocked) decision.emit({ type: 'contact.upserted', contact: { ...contact, blocked: false } });
    // Suppressed chat messages stay suppressed: they were never delivered, and delivering them
    // now would rewrite the thread's history.
    for (const other of decision.state.conversations.values()) {
      if (other.contactId === contact.id && other.filtered === 'blocked')
        decision.emit(upserted({ ...other, filtered: null }));
    }
  },

  'conversation.markSpam'(decision: Decision, command: C.MarkSpamCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    if (!spamApplies(conversation))
      throw ruleError('T6', 'spam-email-only', 'Only email conversations can be marked as spam');
    if (conversation.filtered === 'spam') return;
    decision.emit(
      upserted({ ...conversation, filtered: 'spam' }),
      activityNote(decision, conversation.id, { type: 'spam' }),
    );
  },

  'conversation.unfilter'(decision: Decision, command: C.UnfilterCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    if (conversation.filtered === 'blocked') {
      throw ruleError(
        'T5',
        'sender-blocked',
        'This conversation is filtered because its sender is blocked: unblock the contact instead',
      );
    }
    if (conversation.filtered === null) return;
    // Spam from a sender who is also blocked stays in Filtered, now for the block (T5).
    const contact = conversation.contactId === null ? undefined : decision.state.contacts.get(conversation.contactId);
    decision.emit(upserted({ ...conversation, filtered: contact?.blocked ? 'blocked' : null }));
  },

  'message.reply'(decision: Decision, command: C.ReplyCommand): Result {
    let conversation = decision.conversation(command.conversationId);
    if (conversation.trashedAt !== null)
      throw ruleError('V11', 'in-trash', 'This conversation is in Trash: restore it before replying');
    // Nothing the blocked visitor sends reaches the team (W3), so a reply would answer nothing:
    // unblock first.
    if (isBlockedChat(decision, conversation))
      throw ruleError('T5', 'visitor-blocked', 'This visitor is blocked: unblock them to reply');
    const messageId = decision.newId();
    const message = newMessage({
      id: messageId,
      conversationId: conversation.id,
      kind: 'reply',
      direction: 'outbound',
      authorType: 'agent',
      authorId: decision.agent.id,
      text: command.text,
      createdAt: decision.now,
      ...(command.attachments ? { attachments: command.attachments } : {}),
    });
    const queued: ConfabEvent[] = [];
    const byEmail = repliesByEmail(decision.state, conversation);
    if (!byEmail && (command.cc?.length || command.bcc?.length))
      throw ruleError('R1', 'recipients-email-only', 'Cc and Bcc go with email replies only');
    if (byEmail) {
      const { to, cc: participants } = replyRecipients(decision, conversation);
      const team = decision.state.settings.email.address;
      const cc = [...participants, ...extraRecipients('R1', command.cc, [to, team, ...participants])];
      const bcc = extraRecipients('R1', command.bcc, [to, team, ...cc]);
      const previous = latestEmail(decision.messagesOf(conversation.id));
      const email: EmailFields = {
        from: decision.state.settings.email.address,
        to: [to],
        cc,
        ...(bcc.length ? { bcc } : {}),
        subject: prefixedSubject('Re', conversation.subject),
        messageId: outboundMessageId(messageId),
      };
      if (previous?.email) email.inReplyTo = previous.email.messageId;
      // What the contact receives is what the thread shows: the signature is part of the text.
      message.text = withSignature(command.text, decision.agent.signature);
      message.email = email;
      message.delivery = 'queued';
      // Those copied openly take part from now on: the next reply copies them again, as Reply all does.
      const added = cc.slice(participants.length).map((address) => decision.contactForEmail(address).id);
      if (added.length) conversation = { ...conversation, participantIds: withIds(conversation.participantIds, added) };
      // The event names the To recipients; the mailer takes Cc, Message-ID and In-Reply-To from
      // the message's email fields.
      queued.push({
        type: 'email.queued',
        messageId,
        conversationId: conversation.id,
        to: [to],
        subject: email.subject,
        text: message.text,
        purpose: 'reply',
      });
    }
    decision.emit(upserted(withMessage(conversation, message)), { type: 'message.upserted', message }, ...queued);
    return { messageId };
  },

  'message.comment'(decision: Decision, command: C.CommentCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    const mentions = [...new Set(command.mentions)];
    mentions.forEach((agentId, index) => {
      if (!decision.state.agents.has(agentId)) {
        throw new ConfabError('invalid', `mentions.${index}: no team member ${agentId}`, { path: `mentions.${index}` });
      }
    });
    const messageId = decision.newId();
    const message = newMessage({
      id: messageId,
      conversationId: conversation.id,
      kind: 'comment',
      direction: 'outbound',
      authorType: 'agent',
      authorId: decision.agent.id,
      text: command.text,
      createdAt: decision.now,
      mentions,
      ...(command.attachments ? { attachments: command.attachments } : {}),
    });
    decision.emit(upserted(withMessage(conversation, message)), { type: 'message.upserted', message });
    for (const agentId of mentions) {
      decision.emit({ type: 'mention.created', agentId, conversationId: conversation.id, messageId });
    }
    return { messageId };
  },

  'email.compose'(decision: Decision, command: C.ComposeEmailCommand): Result {
    const team = emailKey(decision.state.settings.email.address);
    const recipient = decision.contactForEmail(command.to);
    const ccAddresses = extraRecipients('C1', command.cc, [recipient.email, team]);
    const bcc = extraRecipients('C1', command.bcc, [recipient.email, team, ...ccAddresses]);
    const text = withSignature(command.text, decision.agent.signature);
    const ccContacts = ccAddresses.map((address) => decision.contactForEmail(address));
    const conversationId = decision.newId();
    const messageId = decision.newId();
    const base = newConversation({
      id: conversationId,
      channel: 'email',
      contactId: recipient.id,
      participantIds: withIds(
        [recipient.id],
        ccContacts.map((contact) => contact.id),
      ),
      subject: command.subject.trim(),
      now: decision.now,
    });
    // Unowned, like any new inbound thread: the answer arrives in All and Unassigned (V12, issue 6),
    // where routing rules or a teammate pick it up.
    const conversation: Conversation = { ...base, sentOnly: true };
    const email: EmailFields = {
      from: decision.state.settings.email.address,
      to: [recipient.email],
      cc: ccAddresses,
      ...(bcc.length ? { bcc } : {}),
      subject: command.subject.trim(),
      messageId: outboundMessageId(messageId),
    };
    const message = newMessage({
      id: messageId,
      conversationId,
      kind: 'reply',
      direction: 'outbound',
      authorType: 'agent',
      authorId: decision.agent.id,
      text,
      createdAt: decision.now,
      email,
      ...(command.attachments ? { attachments: command.attachments } : {}),
      delivery: 'queued',
    });
    decision.emit(
      upserted(withMessage(conversation, message)),
      { type: 'message.upserted', message },
      {
        type: 'email.queued',
        messageId,
        conversationId,
        to: [recipient.email],
        subject: email.subject,
        text,
        purpose: 'compose',
      },
    );
    return { conversationId, messageId };
  },

  'conversation.detachContact'(decision: Decision, command: C.DetachContactCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    if (conversation.contactId === null) return;
    const contactId = conversation.contactId;
    decision.emit(
      upserted({
        ...conversation,
        contactId: null,
        participantIds: conversation.participantIds.filter((id) => id !== contactId),
      }),
    );
  },

  'ticket.create'(decision: Decision, command: C.CreateTicketCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    if (conversation.ticketId !== null)
      throw ruleError('A2', 'ticket-exists', `Conversation ${conversation.id} already has a ticket`);
    const ticketId = decision.newId();
    decision.emit(
      {
        type: 'ticket.upserted',
        ticket: {
          id: ticketId,
          name: command.name.trim(),
          contactId: conversation.contactId,
          conversationId: conversation.id,
          properties: mergeProperties({}, command.properties ?? {}),
          createdAt: decision.now,
        },
      },
      upserted({ ...conversation, ticketId }),
    );
    return { ticketId };
  },

  'agent.setAvailability'(decision: Decision, command: C.SetAvailabilityCommand): Result {
    const agent = decision.agent;
    if (agent.availability === command.availability) return;
    decision.emit({ type: 'agent.upserted', agent: { ...agent, availability: command.availability } });
  },

  /** Each agent keeps their own signature on their record (issue 17); '' removes it. */
  'agent.setSignature'(decision: Decision, command: C.SetSignatureCommand): Result {
    const { signature: _previous, ...agent } = decision.agent;
    const signature = command.signature.trim();
    if ((decision.agent.signature ?? '') === signature) return;
    decision.emit({ type: 'agent.upserted', agent: signature ? { ...agent, signature } : agent });
  },
};
