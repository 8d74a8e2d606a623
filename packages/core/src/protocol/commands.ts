import type {
  AgentId,
  AgentRole,
  Attachment,
  CannedResponse,
  Availability,
  ContactId,
  ConversationFilter,
  ConversationId,
  LabelId,
  MessageId,
  Settings,
  TicketId,
} from '../model/model.js';

/**
 * Everything a principal can ask of the inbox. Each command names the SPEC rule it serves.
 * The engine answers a command with events, or refuses it with a {@link ConfabError}.
 */

// ---- Agent commands -------------------------------------------------------------------------

/** T2: assign to an agent, or unassign with `assigneeId: null`. */
export interface AssignCommand {
  type: 'conversation.assign';
  conversationId: ConversationId;
  assigneeId: AgentId | null;
}
/** T8 / L3: close or reopen one or many conversations. T11 may refuse closing a bot conversation. */
export interface SetStatusCommand {
  type: 'conversation.setStatus';
  conversationIds: ConversationId[];
  status: 'open' | 'closed';
}
/** V11 / L3 / T4: move to Trash. */
export interface TrashCommand {
  type: 'conversation.trash';
  conversationIds: ConversationId[];
}
/** V11: bring back from Trash. */
export interface RestoreCommand {
  type: 'conversation.restore';
  conversationIds: ConversationId[];
}
/** V11: remove for good (only from Trash). */
export interface DeleteForeverCommand {
  type: 'conversation.deleteForever';
  conversationIds: ConversationId[];
}
/** T5: block the conversation's sender; the conversation moves to Filtered. */
export interface BlockSenderCommand {
  type: 'conversation.blockSender';
  conversationId: ConversationId;
}
/** T5: unblock a contact; their conversations leave Filtered and future ones show again. */
export interface UnblockContactCommand {
  type: 'contact.unblock';
  contactId: ContactId;
}
/** T6: filter this thread as spam (only this one). */
export interface MarkSpamCommand {
  type: 'conversation.markSpam';
  conversationId: ConversationId;
}
/** V10: take a conversation out of Filtered ("not spam", or a role-address mail that matters). */
export interface UnfilterCommand {
  type: 'conversation.unfilter';
  conversationId: ConversationId;
}
/** R1 / T9: reply to the contact (chat live, or an email). */
export interface ReplyCommand {
  type: 'message.reply';
  conversationId: ConversationId;
  /** May be blank when the message carries attachments. */
  text: string;
  attachments?: Attachment[];
  /** Email replies only: more addresses to copy, openly (Cc) or blind (Bcc). */
  cc?: string[];
  bcc?: string[];
}
/** R1: internal comment; `@name` mentions notify those agents. Never reaches the contact (R2). */
export interface CommentCommand {
  type: 'message.comment';
  conversationId: ConversationId;
  text: string;
  mentions: AgentId[];
  attachments?: Attachment[];
}
/** C1: a new outbound email; the conversation sits in Sent until answered (V12). */
export interface ComposeEmailCommand {
  type: 'email.compose';
  to: string;
  cc?: string[];
  /** Blind copies: in the SMTP envelope, never in a header. */
  bcc?: string[];
  subject: string;
  text: string;
  /** Issue 16: files uploaded for this email; they go out as MIME parts. */
  attachments?: Attachment[];
}
/** T7: forward an email conversation's most recent email to another address. */
export interface ForwardCommand {
  type: 'conversation.forward';
  conversationId: ConversationId;
  to: string;
  note?: string;
}
/** T4: email a copy of the transcript (never with comments, R2). */
export interface SendTranscriptCommand {
  type: 'conversation.sendTranscript';
  conversationId: ConversationId;
  to: string;
}
/** Send an outbound message (email, Messenger) again after its delivery failed; the thread offers it with the reason. */
export interface ResendMessageCommand {
  type: 'message.resend';
  conversationId: ConversationId;
  messageId: MessageId;
}
/** A1: detach the contact from the thread. */
export interface DetachContactCommand {
  type: 'conversation.detachContact';
  conversationId: ConversationId;
}
/**
 * An inbound message over an unauthenticated channel was filed under a verified contact (its From
 * or form field named their address): a team member confirms it is from them. Refused (rule
 * `sender-check`) for a message that needs no confirming.
 */
export interface ConfirmSenderCommand {
  type: 'message.confirmSender';
  conversationId: ConversationId;
  messageId: MessageId;
}
/**
 * The same kind of message, taken out of the verified contact's records: it moves to a new
 * conversation of a new, unverified contact with the sender's address. Result: `conversationId`,
 * `contactId`. Refused (rule `sender-check`) like ConfirmSenderCommand.
 */
export interface SplitSenderCommand {
  type: 'message.splitSender';
  conversationId: ConversationId;
  messageId: MessageId;
}
/**
 * An address in the Cc of inbound mail becomes a participant, copied on the team's replies. Inbound
 * mail never does that by itself. Refused (rule `cc-check`) for an address not waiting for it.
 */
export interface CopyOnRepliesCommand {
  type: 'conversation.copyOnReplies';
  conversationId: ConversationId;
  address: string;
}
/** A2: create a ticket for a conversation (V8). */
export interface CreateTicketCommand {
  type: 'ticket.create';
  conversationId: ConversationId;
  name: string;
  properties?: Record<string, string>;
}
/** A2: edit a ticket's name or properties. */
export interface UpdateTicketCommand {
  type: 'ticket.update';
  ticketId: TicketId;
  name?: string;
  properties?: Record<string, string>;
}
/** A3: edit a contact's name, email or properties. */
export interface UpdateContactCommand {
  type: 'contact.update';
  contactId: ContactId;
  name?: string;
  email?: string;
  properties?: Record<string, string>;
}
/** A7: create a deal from a conversation. */
export interface CreateDealCommand {
  type: 'deal.create';
  conversationId: ConversationId;
  name: string;
  amount: number;
  currency: string;
  stage?: string;
}
/** S1: the signed-in agent is available or away. */
export interface SetAvailabilityCommand {
  type: 'agent.setAvailability';
  availability: Availability;
}
/** The signed-in agent's own signature under their outbound email ('' removes it). */
export interface SetSignatureCommand {
  type: 'agent.setSignature';
  signature: string;
}
/** I1: change team settings (a deep-partial patch). Admins only. */
export interface UpdateSettingsCommand {
  type: 'settings.update';
  patch: SettingsPatch;
}
// ---- Team commands (an admin, or the system principal for the server's admin API) -----------

/**
 * Invite a teammate. Result: `agentId`. The new agent is pending (away, not assignable) until
 * `agent.activate`. Refused `invalid` for a non-address, and by rule `email-taken` when an agent
 * already has that address.
 */
export interface InviteAgentCommand {
  type: 'agent.invite';
  email: string;
  name: string;
  role: AgentRole;
}
/** Make an agent an admin or an agent. Refused by rule `last-admin` for the last active admin. */
export interface SetAgentRoleCommand {
  type: 'agent.setRole';
  agentId: AgentId;
  role: AgentRole;
}
/**
 * Disable an agent: no sign-in, no routing, not assignable; their conversations stay theirs until
 * reassigned. Refused by rule `last-admin` for the last active admin.
 */
export interface DisableAgentCommand {
  type: 'agent.disable';
  agentId: AgentId;
}
export interface EnableAgentCommand {
  type: 'agent.enable';
  agentId: AgentId;
}

/** Save a named view (a filter). */
export interface SaveViewCommand {
  type: 'view.save';
  name: string;
  filter: ConversationFilter;
}
export interface DeleteViewCommand {
  type: 'view.delete';
  viewId: string;
}
/** Give a saved view another name; built-in views keep theirs. */
export interface RenameViewCommand {
  type: 'view.rename';
  viewId: string;
  name: string;
}
/** Typing indicator, either side. Ephemeral: not stored, not sequenced. */
export interface TypingCommand {
  type: 'typing';
  conversationId: ConversationId;
  typing: boolean;
}

/**
 * A team member has a conversation open (collision: "Ben is viewing"), or no longer. Agents only,
 * and only other agents hear it. Ephemeral like typing; the sender repeats it while it holds.
 */
export interface ViewingCommand {
  type: 'viewing';
  conversationId: ConversationId;
  viewing: boolean;
}

/** Commands that are relayed, never stored or sequenced. */
export type SignalCommand = TypingCommand | ViewingCommand;

export function isSignalCommand(command: { type: string }): command is SignalCommand {
  return command.type === 'typing' || command.type === 'viewing';
}

// ---- Visitor commands -----------------------------------------------------------------------

/** W1: a visitor starts a chat. Repeating the command id makes one conversation, not two. */
export interface StartChatCommand {
  type: 'visitor.startChat';
  text: string;
  attachments?: Attachment[];
}
/** A visitor writes in one of their own conversations. */
export interface VisitorMessageCommand {
  type: 'visitor.message';
  conversationId: ConversationId;
  text: string;
  attachments?: Attachment[];
}
/** W5: the visitor asks for a person; the bot hands over to routing (G1). */
export interface RequestHumanCommand {
  type: 'visitor.requestHuman';
  conversationId: ConversationId;
}
/**
 * Issue 17: the visitor rates a closed chat of theirs from 1 to 5, with an optional comment. Once:
 * a second rating is refused (`already-rated`), so the note the team read stays what was said.
 */
export interface RateCommand {
  type: 'visitor.rate';
  conversationId: ConversationId;
  score: number;
  comment?: string;
}
/** Pre-chat form or "leave your email" when the team is away (S2). Unverified. */
export interface SetVisitorProfileCommand {
  type: 'visitor.setProfile';
  name?: string;
  email?: string;
}

// ---- Channel ingestion (system principal; the server's HTTP endpoints issue these) -----------

/**
 * Issue 17 / G1: the team just opened (business hours); the server gives it at each opening, and
 * the chats that came in while closed are routed as if they had just arrived.
 */
export interface RouteWaitingCommand {
  type: 'routing.routeWaiting';
}

/**
 * T11: the visitor typed in a bot conversation. Typing itself is a signal (never stored); the
 * backend gives this at most once per conversation and typing window, so the quiet time counts it.
 */
export interface VisitorTypedCommand {
  type: 'visitor.typed';
  conversationId: ConversationId;
}

export interface InboundEmailCommand {
  type: 'inbound.email';
  from: string;
  fromName?: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  messageId: string;
  inReplyTo?: string;
  date?: number;
  /** The sender marked the mail as bulk / promotional (List-Unsubscribe, Precedence: bulk). */
  promotional?: boolean;
}
export interface InboundMessengerCommand {
  type: 'inbound.messenger';
  /** The person's page-scoped id (PSID). */
  senderId: string;
  /** The Facebook page written to: kept on a new contact (`messengerPageId`), whose replies go out through it. */
  pageId?: string;
  senderName?: string;
  text: string;
  mid: string;
  timestamp?: number;
}
export interface InboundFormCommand {
  type: 'inbound.form';
  formId: string;
  fields: Record<string, string>;
}

/** A new visitor: the backend creates their contact on first contact. Result: `contactId`. */
export interface CreateVisitorCommand {
  type: 'visitor.create';
  name?: string;
}
/**
 * The site vouched for this visitor's identity with a signed token (the backend checked it).
 * Result: `contactId`, which is an existing verified contact with that email when there is one.
 * Only verified identities merge; `visitor.setProfile` never does.
 */
export interface VerifyVisitorCommand {
  type: 'visitor.verify';
  contactId: string;
  email: string;
  name?: string;
}

/** An active agent, created by the server (admin API, `confab-server create-agent`). Result: `agentId`. */
export interface CreateAgentCommand {
  type: 'agent.create';
  email: string;
  name: string;
  role: AgentRole;
}
/** The invitee set a password: the agent is no longer pending. */
export interface ActivateAgentCommand {
  type: 'agent.activate';
  agentId: AgentId;
}
/** The agent signed in: `lastSeenAt` becomes the engine's clock. */
export interface AgentSignedInCommand {
  type: 'agent.signedIn';
  agentId: AgentId;
}

/** Issue 16 (admins): a team label. Result: `labelId`. */
export interface CreateLabelCommand {
  type: 'label.create';
  name: string;
  /** A hex colour, `#rgb` or `#rrggbb`. */
  color: string;
}
/** Issue 16 (admins): rename or recolour a label. */
export interface UpdateLabelCommand {
  type: 'label.update';
  labelId: LabelId;
  name?: string;
  color?: string;
}
/** Issue 16 (admins): delete a label; it leaves every conversation that had it. */
export interface DeleteLabelCommand {
  type: 'label.delete';
  labelId: LabelId;
}
/** Issue 16 / L3: put a label on one or many conversations. */
export interface AddLabelCommand {
  type: 'conversation.addLabel';
  conversationIds: ConversationId[];
  labelId: LabelId;
}
/** Issue 16 / L3: take a label off one or many conversations. */
export interface RemoveLabelCommand {
  type: 'conversation.removeLabel';
  conversationIds: ConversationId[];
  labelId: LabelId;
}

export type LabelCommand =
  CreateLabelCommand | UpdateLabelCommand | DeleteLabelCommand | AddLabelCommand | RemoveLabelCommand;

export type TeamCommand = InviteAgentCommand | SetAgentRoleCommand | DisableAgentCommand | EnableAgentCommand;

export type AgentCommand =
  | AssignCommand
  | SetStatusCommand
  | TrashCommand
  | RestoreCommand
  | DeleteForeverCommand
  | BlockSenderCommand
  | UnblockContactCommand
  | MarkSpamCommand
  | UnfilterCommand
  | ReplyCommand
  | CommentCommand
  | ComposeEmailCommand
  | ForwardCommand
  | SendTranscriptCommand
  | ResendMessageCommand
  | DetachContactCommand
  | ConfirmSenderCommand
  | SplitSenderCommand
  | CopyOnRepliesCommand
  | CreateTicketCommand
  | UpdateTicketCommand
  | UpdateContactCommand
  | CreateDealCommand
  | SetAvailabilityCommand
  | SetSignatureCommand
  | UpdateSettingsCommand
  | SaveViewCommand
  | DeleteViewCommand
  | RenameViewCommand
  | LabelCommand
  | TeamCommand
  | TypingCommand
  | ViewingCommand;

export type VisitorCommand =
  | StartChatCommand
  | VisitorMessageCommand
  | RequestHumanCommand
  | RateCommand
  | SetVisitorProfileCommand
  | TypingCommand;

export type SystemCommand =
  | InboundEmailCommand
  | InboundMessengerCommand
  | InboundFormCommand
  | CreateVisitorCommand
  | VerifyVisitorCommand
  | CreateAgentCommand
  | ActivateAgentCommand
  | AgentSignedInCommand
  | RouteWaitingCommand
  | VisitorTypedCommand
  | TeamCommand;

export type Command = AgentCommand | VisitorCommand | SystemCommand;
export type CommandType = Command['type'];

export type SettingsPatch = {
  [K in Exclude<keyof Settings, 'cannedResponses' | 'labels'>]?: Partial<Settings[K]>;
} & {
  /** Replaces the whole list; shortcuts must be unique. */
  cannedResponses?: CannedResponse[];
};
