/**
 * The inbox's data model (SPEC.md). Plain, serialisable objects: every value here can cross the
 * wire as JSON and be stored as it is. Times are epoch milliseconds.
 */

export type ConversationId = string;
export type MessageId = string;
export type ContactId = string;
export type AgentId = string;
export type TicketId = string;

/** Where a conversation came in (SPEC V4–V7). */
export type Channel = 'email' | 'chat' | 'messenger' | 'form';
export const CHANNELS: readonly Channel[] = ['email', 'chat', 'messenger', 'form'];

export type ConversationStatus = 'open' | 'closed';

/** Why a conversation sits in Filtered (SPEC V10). */
export type FilteredReason = 'blocked' | 'spam' | 'role-address' | 'promotional';

/**
 * Bot state of a conversation (SPEC V9, T11, W5).
 * - `none`: no bot took part.
 * - `active`: the bot is handling it; the visitor has not reached the hand-over step.
 * - `handed-over`: the visitor asked for a person; routing took over.
 */
export type BotState = 'none' | 'active' | 'handed-over';

export interface Conversation {
  id: ConversationId;
  channel: Channel;
  status: ConversationStatus;
  /** The owning agent, or null when unassigned (SPEC V2, V3, T2). */
  assigneeId: AgentId | null;
  /** The contact who started it; null after the contact was detached (SPEC A1). */
  contactId: ContactId | null;
  /** Every contact taking part (email cc, forwarded replies); L2.1 shows its length. */
  participantIds: ContactId[];
  /** Email subject, or a form's name; empty for chats. */
  subject: string;
  startedAt: number;
  /** Time of the most recent inbound message; the list's sort key (SPEC L1). */
  lastReceivedAt: number;
  /** Time of the latest message of any kind (the date filter F2 uses it). */
  lastActivityAt: number;
  /** Time the visitor last did something (message, typing); the T11 clock. */
  lastVisitorActivityAt: number;
  /** True while the latest reply-kind message is inbound (SPEC L2.2). */
  needsReply: boolean;
  ticketId: TicketId | null;
  filtered: FilteredReason | null;
  /** Set when the conversation was moved to Trash (SPEC V11). */
  trashedAt: number | null;
  /** Outbound email with no reply yet (SPEC V12, C1). */
  sentOnly: boolean;
  bot: BotState;
  /** Preview of the latest reply-kind message (SPEC L2.3). */
  preview: string;
  /** Preview of the latest comment (SPEC L2.6); never sent to a visitor (R2). */
  commentPreview: string;
  messageCount: number;
  /** Email Message-IDs in this thread, so inbound replies find it. */
  emailMessageIds: string[];
  /** The team's labels on it, in the order applied (issue 16). Absent when none; never sent to a visitor. */
  labelIds?: LabelId[];
}

export type LabelId = string;

/** A team label (issue 16): admins keep them in the settings, agents apply them to conversations. */
export interface Label {
  id: LabelId;
  name: string;
  /** A hex colour (`#1a7f37`); the chip's text colour is chosen against it (`labelInk`). */
  color: string;
}

/**
 * What an agent did to a conversation, recorded in its thread as a dated note with who did it
 * (issue 16). The team sees it; a visitor never does.
 */
export type Activity =
  | { type: 'assigned'; assigneeId: AgentId | null }
  | { type: 'closed' | 'reopened' | 'blocked' | 'spam' | 'trashed' | 'restored' }
  | { type: 'labelAdded' | 'labelRemoved'; labelId: LabelId; name: string }
  /** Written by the visitor (issue 17): their rating of the closed chat. */
  | { type: 'rated'; score: number; comment: string };

/** `reply` goes between contact and team; `comment` is internal (R1, R2); `system` records an action. */
export type MessageKind = 'reply' | 'comment' | 'system';
export type Direction = 'inbound' | 'outbound';
export type AuthorType = 'contact' | 'agent' | 'bot' | 'system';

/** Outbound email delivery: `queued` until an SMTP server accepted it; never reported sent before. */
export type DeliveryState = 'queued' | 'sent' | 'failed';

export interface EmailFields {
  from: string;
  to: string[];
  cc: string[];
  /**
   * Blind copies an agent added (issue 17): in the SMTP envelope only, never in a header. The team
   * sees them on its own message; a visitor's projection never carries them.
   */
  bcc?: string[];
  subject: string;
  messageId: string;
  inReplyTo?: string;
  html?: string;
}

/**
 * A file a message carries: a reference to what was uploaded (`POST /api/files`), never its bytes.
 * The server fills `name`, `type` and `size` from what it stored, whatever the sender claimed.
 */
export interface Attachment {
  /** The file's id (`fil_…`); the server serves it at `/api/files/{id}` to those who may see the message. */
  id: string;
  /** Sanitised file name. */
  name: string;
  /** Media type, one of the allowlist (e.g. `image/png`, `application/pdf`). */
  type: string;
  /** Bytes. */
  size: number;
}

export interface Message {
  id: MessageId;
  conversationId: ConversationId;
  kind: MessageKind;
  direction: Direction;
  authorType: AuthorType;
  /** Agent or contact id; empty for system messages. */
  authorId: string;
  text: string;
  createdAt: number;
  /** Agents mentioned in a comment (R1). */
  mentions: AgentId[];
  email?: EmailFields;
  attachments: Attachment[];
  delivery?: DeliveryState;
  /** Why the last delivery attempt failed (the SMTP server's answer), while queued again or failed. */
  deliveryError?: string;
  /** Quick-reply buttons offered by a bot message (W5). */
  quickReplies?: string[];
  /** Sent by a blocked visitor: kept for the visitor, never delivered to agents (T5, W3). */
  suppressed?: boolean;
  /**
   * A team member confirmed that this message, which came over a channel that proves nothing of
   * its sender (email, form, Messenger), is from the verified contact it was filed under.
   */
  senderConfirmed?: boolean;
  /** On a team-only system note: the action it records (issue 16). */
  activity?: Activity;
}

export type Availability = 'available' | 'away';

/** `admin` manages the team and the settings (I1); `agent` works the inbox. */
export type AgentRole = 'admin' | 'agent';
export const AGENT_ROLES: readonly AgentRole[] = ['admin', 'agent'];

export interface Agent {
  id: AgentId;
  name: string;
  /** Unique in the team, compared as `emailKey` does. */
  email: string;
  availability: Availability;
  avatarUrl?: string;
  role: AgentRole;
  /**
   * Invited, and the invitee has not set a password yet: never routed to, never assignable, away.
   */
  invitePending: boolean;
  /** When the agent last signed in (engine clock), or null when they never did. */
  lastSeenAt: number | null;
  /**
   * A disabled agent can no longer sign in, is never routed to or assigned; conversations already
   * theirs stay theirs until someone reassigns them.
   */
  disabled: boolean;
  /**
   * Set by the agent themself (`agent.setSignature`): added below their outbound email (replies and
   * compose), never to chat, Messenger or comments. Team-only: a visitor's projection leaves it out.
   */
  signature?: string;
}

export interface Contact {
  id: ContactId;
  name: string;
  email: string;
  /** Set when the site vouched for this identity with a signed token. */
  verified: boolean;
  /**
   * The email was typed by the visitor (pre-chat form, "leave your email") and nobody confirmed
   * it: it is shown, but never matches inbound mail or another contact, so typing someone else's
   * address gives a visitor nothing of theirs (W1, DESIGN §5).
   */
  emailSelfReported?: boolean;
  blocked: boolean;
  companyId: string | null;
  /** Free-form properties shown and edited in the About panel (A3). */
  properties: Record<string, string>;
  createdAt: number;
}

export interface Ticket {
  id: TicketId;
  name: string;
  contactId: ContactId | null;
  conversationId: ConversationId | null;
  properties: Record<string, string>;
  createdAt: number;
}

export interface Company {
  id: string;
  name: string;
  domain: string;
  properties: Record<string, string>;
}

export interface Deal {
  id: string;
  name: string;
  amount: number;
  currency: string;
  stage: string;
  contactId: ContactId | null;
  conversationId: ConversationId | null;
  createdAt: number;
}

export type FeedbackKind = 'loyalty' | 'support' | 'satisfaction';

export interface Feedback {
  id: string;
  contactId: ContactId;
  kind: FeedbackKind;
  score: number;
  comment: string;
  submittedAt: number;
  /** The chat a visitor rated (issue 17); absent for feedback the host provides. */
  conversationId?: ConversationId;
}

export type RoutingMode = 'round-robin' | 'least-open' | 'off';

/** Team settings (SPEC I1). */
export interface Settings {
  routing: { mode: RoutingMode };
  widget: {
    title: string;
    welcome: string;
    color: string;
    awayMessage: string;
  };
  bot: {
    enabled: boolean;
    greeting: string;
    quickReplies: string[];
    /** The quick reply that hands the visitor over to a person (W5). */
    handoverReply: string;
    /** Answers by keyword, first match wins (W5). Absent in settings stored before them. */
    answers?: BotAnswer[];
    /** What the bot says when no answer matches (it then offers the hand-over). Absent: DEFAULT_BOT_FALLBACK. */
    fallback?: string;
  };
  email: {
    /** Local parts treated as role-based senders (V10): `info` matches `info@any.domain`. */
    roleAddresses: string[];
    /** The team's own address, used as From on outbound mail. */
    address: string;
  };
  /** Properties of a ticket shown in the About panel (A2). */
  ticketProperties: string[];
  /** Team snippets agents insert with `/` in the reply editor (issue 16). Absent in settings stored before them. */
  cannedResponses?: CannedResponse[];
  /** Team labels (issue 16), changed with the `label.*` commands. Absent in settings stored before them. */
  labels?: Label[];
  /** The widget's rating after a closed chat (issue 17). Absent in settings stored before it: off. */
  satisfaction?: SatisfactionSettings;
  /** Business hours (issue 17). Absent in settings stored before them: always open. */
  hours?: BusinessHours;
}

/**
 * After a chat is closed, the widget asks the visitor for a rating from 1 to 5 and a comment
 * (`visitor.rate`). An empty question is worded by the widget in the visitor's language.
 */
export interface SatisfactionSettings {
  enabled: boolean;
  question: { en: string; nl: string };
}

/** From an opening minute up to a closing minute on one day, `"HH:MM"` (the close may be `"24:00"`). */
export interface OpeningRange {
  open: string;
  close: string;
}

/**
 * When the team is open, in an IANA time zone (S2, G1). Outside them the widget shows the away
 * text and new chats wait unassigned until the next opening (engine/hours.ts).
 */
export interface BusinessHours {
  enabled: boolean;
  timeZone: string;
  /** Seven days, Monday first; a day without ranges is closed. */
  week: OpeningRange[][];
}

/**
 * One of the bot's answers (W5): given when a visitor's message contains one of its keywords (whole
 * words; case, accents and punctuation ignored; any language the team writes them in).
 */
export interface BotAnswer {
  keywords: string[];
  text: string;
  /** Whether the answer also offers the hand-over reply as a quick reply. */
  offerHandover: boolean;
}

/**
 * A team snippet: typing `/` and its shortcut in the reply editor inserts its text in the inbox's
 * language (the other language when that one is empty), with `{{contact.name}}` and
 * `{{agent.name}}` filled in.
 */
export interface CannedResponse {
  /** Unique in the team: lowercase letters, digits and dashes. */
  shortcut: string;
  title: string;
  text: { en: string; nl: string };
}

/**
 * A filter over conversations (SPEC F2 and the views V1–V12). Every field narrows; an absent field
 * does not. Views are data: a built-in view is a name plus one of these, as a saved view is.
 */
export interface ConversationFilter {
  /**
   * Which part of the inbox: `inbox` (not filtered, not trashed, not sent-only), `filtered` (V10),
   * `trash` (V11), `sent` (V12). Default `inbox`.
   */
  scope?: 'inbox' | 'filtered' | 'trash' | 'sent';
  status?: ConversationStatus;
  channels?: Channel[];
  /** `me` is the signed-in agent; `nobody` is unassigned; otherwise an agent id. */
  assignee?: 'me' | 'nobody' | AgentId;
  hasTicket?: boolean;
  /** true: only conversations a bot is still handling (V9); false: none of those (V3). */
  botHandling?: boolean;
  /** Inclusive range over `lastActivityAt`. */
  activityFrom?: number;
  activityTo?: number;
  /**
   * Activity within a period up to now, evaluated when a query is made (`resolveFilter`), so that a
   * saved "last 7 days" stays the last 7 days.
   */
  activityWithin?: ActivityPeriod;
  /** Only conversations that have every one of these labels. */
  labels?: LabelId[];
}

/** The date presets of the filter menu (F2). */
export type ActivityPeriod = '24h' | '7d' | '30d';
export const ACTIVITY_PERIODS: Readonly<Record<ActivityPeriod, number>> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export interface View {
  id: string;
  name: string;
  filter: ConversationFilter;
  /** Built-in views (V1–V12) cannot be changed or deleted. */
  builtIn: boolean;
}

/** Host-provided records shown in the About panel (SPEC A). */
export interface ContactRecords {
  company: Company | null;
  deals: Deal[];
  feedback: Feedback[];
  tickets: Ticket[];
  otherConversations: ConversationId[];
}
