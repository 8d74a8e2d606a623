/**
 * @confab/core — the headless core of Confab: model, protocol, the live replica, clients and
 * transports. No rendering, no DOM: runs in browsers, workers and Node.
 *
 * Every name is listed (no `export *`): each one is a semver promise, added on purpose.
 */
export {
  type Agent,
  AGENT_ROLES,
  type AgentId,
  type AgentRole,
  type Attachment,
  type AuthorType,
  type Availability,
  type BotState,
  type Channel,
  CHANNELS,
  ACTIVITY_PERIODS,
  type Activity,
  type ActivityPeriod,
  type Label,
  type LabelId,
  type Company,
  type BotAnswer,
  type CannedResponse,
  type Contact,
  type ContactId,
  type Conversation,
  type ConversationFilter,
  type ConversationId,
  type ConversationStatus,
  type Deal,
  type DeliveryState,
  type Direction,
  type EmailFields,
  type Feedback,
  type FeedbackKind,
  type FilteredReason,
  type Message,
  type MessageId,
  type MessageKind,
  type RoutingMode,
  type Settings,
  type SatisfactionSettings,
  type BusinessHours,
  type OpeningRange,
  type Ticket,
  type TicketId,
  type View,
} from './model/model.js';
export {
  type ActivateAgentCommand,
  type AgentCommand,
  type AgentSignedInCommand,
  type AssignCommand,
  type BlockSenderCommand,
  type Command,
  type CommandType,
  type CommentCommand,
  type ComposeEmailCommand,
  type ConfirmSenderCommand,
  type CopyOnRepliesCommand,
  type CreateAgentCommand,
  type CreateDealCommand,
  type CreateTicketCommand,
  type CreateVisitorCommand,
  type DeleteForeverCommand,
  type DeleteViewCommand,
  type RenameViewCommand,
  type DetachContactCommand,
  type DisableAgentCommand,
  type EnableAgentCommand,
  type ForwardCommand,
  type InboundEmailCommand,
  type InboundFormCommand,
  type InboundMessengerCommand,
  type InviteAgentCommand,
  type MarkSpamCommand,
  type ReplyCommand,
  type RequestHumanCommand,
  type RateCommand,
  type RouteWaitingCommand,
  type ResendMessageCommand,
  type RestoreCommand,
  type SaveViewCommand,
  type SendTranscriptCommand,
  type SetAgentRoleCommand,
  type SetAvailabilityCommand,
  type SetStatusCommand,
  type SettingsPatch,
  type SetVisitorProfileCommand,
  type SplitSenderCommand,
  type StartChatCommand,
  type SystemCommand,
  type TeamCommand,
  type TrashCommand,
  type SignalCommand,
  type TypingCommand,
  type UnblockContactCommand,
  type UnfilterCommand,
  type UpdateContactCommand,
  type UpdateSettingsCommand,
  type UpdateTicketCommand,
  type VerifyVisitorCommand,
  type VisitorCommand,
  type ViewingCommand,
  type VisitorMessageCommand,
} from './protocol/commands.js';
export {
  type ConfabEvent,
  emptySnapshot,
  type EventType,
  type SequencedEvent,
  type Snapshot,
  type TypingSignal,
  type ViewingSignal,
} from './protocol/events.js';
export {
  ConfabError,
  type ErrorCode,
  type ErrorPayload,
  FATAL_ERROR_CODES,
  type FatalErrorCode,
  isFatalError,
  type RefusalParams,
  type RefusalReason,
  ruleError,
} from './protocol/errors.js';
export {
  type AckFrame,
  type ClientFrame,
  type CommandFrame,
  type CommittedCommand,
  type ErrorFrame,
  type EventsFrame,
  type HelloFrame,
  MAX_FRAME_LENGTH,
  MAX_HELLO_PENDING,
  MAX_HTML_LENGTH,
  MAX_SHORT_LENGTH,
  MAX_TEXT_LENGTH,
  type PingFrame,
  type PongFrame,
  type Principal,
  PROTOCOL_VERSION,
  type ServerFrame,
  type SnapshotFrame,
  type TypingFrame,
  type ViewingFrame,
  type WelcomeFrame,
} from './protocol/frames.js';
export { type ConnectionState, type Transport, type TransportListener } from './transport/transport.js';
export { type Readable, writable, type Writable } from './store/readable.js';
export {
  type ConversationQuery,
  type InboxStore,
  type LiveQuery,
  type QueryResult,
  type ReplicaStore,
} from './store/types.js';
export {
  allAgents,
  companyById,
  contactById,
  contactRecords,
  messagesOf,
  ticketById,
  type ContactRecords,
  type ReplicaSelector,
} from './store/replica-selectors.js';
export {
  BUILT_IN_VIEWS,
  matchesFilter,
  narrowFilter,
  resolveFilter,
  customDateRange,
  dateInputValue,
  compareConversations,
  scopeOf,
  isBotHandling,
} from './engine/views.js';
export { emailKey } from './engine/email.js';
export { botFallback, isHandoverReply } from './engine/bot.js';
export { isRoutable, routableAgents } from './engine/routing.js';
export { isOpenAt, nextHoursChange } from './engine/hours.js';
export { chatsWaitingForOpening } from './engine/hours-commands.js';
export { businessHours, ratingOf, ratingRefusal, satisfactionSettings } from './engine/satisfaction.js';
export { senderNotVerified, uncopiedCcAddresses, isUnauthenticatedChannel } from './engine/sender-trust.js';
export { messageNotice, agentNotification, type MessageNotice, type AgentNotification } from './engine/notices.js';
export {
  TEAM_RULES,
  assignableAgents,
  assigneeOptions,
  canManageTeam,
  isActiveAdmin,
  isAssignable,
  isLastActiveAdmin,
  memberState,
  teamMembers,
  type AssigneeOption,
  type MemberState,
  type TeamMember,
} from './engine/team.js';
export {
  type Client,
  type ClientEvents,
  type ClientOptions,
  type ClientStatus,
  type Drafts,
  type DraftField,
  type InboxClient,
  type PendingCommand,
  type VisitorClient,
  type VisitorClientOptions,
} from './client/types.js';
export {
  createInboxClient,
  createVisitorClient,
  isPendingRecord,
  commandIdOf,
  startedConversation,
  PENDING_ID_PREFIX,
} from './client/client.js';
export {
  createMemoryPersistence,
  databaseName,
  openPersistence,
  type Persistence,
  resilient,
} from './persistence/persistence.js';
export { createWebSocketTransport, type WebSocketTransportOptions } from './transport/websocket.js';
export {
  createLinkTransport,
  type Link,
  type LinkEvents,
  type LinkTransportOptions,
  type OpenLink,
  parseServerFrame,
} from './transport/link-transport.js';
export { CLOSE_CODES, closeCodeOf, errorOfClose, isFatalClose } from './protocol/close-codes.js';
export {
  createMemoryBackend,
  type MemoryBackend,
  type MemoryBackendOptions,
  type MemoryTransport,
} from './transport/memory.js';
export { createInboxStore, type InboxStoreOptions, type LocalInboxStore, normalizeSearchText } from './store/store.js';
export { createVisitorStore, type LocalReplicaStore } from './store/visitor-store.js';
export {
  visitorSelectors,
  closedSince,
  type Delivery,
  type TeamAvailability,
  type RatingPrompt,
  type Timeline,
  type TimelineItem,
  type TimelineTarget,
  type VisitorSelectors,
} from './selectors/visitor.js';
export { select, sameItems } from './selectors/select.js';
export {
  composedText,
  isEmailAddress,
  MAX_ARRAY_LENGTH,
  MAX_ATTACHMENTS,
  FILE_ID_PATTERN,
  MAX_RECORD_KEYS,
  MAX_SIGNATURE_LENGTH,
  validateClientFrame,
  validateCommand,
  wellFormedText,
} from './protocol/validate.js';
export { unbrokenRunPieces, LONGEST_UNBROKEN_RUN } from './text/graphemes.js';
export { safeUrl, linkRuns, type TextRun } from './text/links.js';
export { mentionedIds, mentionSuggestions, type Mentionable } from './text/mentions.js';
export { closeEligibility, type CloseEligibility } from './engine/agent-commands.js';
export { closeEligibilityOf } from './selectors/close-eligibility.js';
export { replyBlocker, spamApplies, MESSENGER_MAX_TEXT } from './engine/channel-rules.js';
export { latestMessageAt, teammatesRepliedAfter } from './engine/collision.js';
export { emailReplyOf, withSignature } from './engine/email-reply.js';
export { cannedResponsesMatching, cannedResponseText, CANNED_RESPONSE_MATCHES } from './engine/canned-responses.js';
export { createTypingNotice, type TypingNotice } from './client/typing.js';
export { createViewingNotice, type ViewingNotice } from './client/viewing.js';
export {
  ATTACHMENT_TYPES,
  INLINE_IMAGE_TYPES,
  DEFAULT_UPLOAD_MAX_BYTES,
  attachmentRefusal,
  attachmentViews,
  fileUrl,
  formatFileSize,
  type AttachmentView,
} from './files/attachments.js';
export {
  createUploads,
  httpUploadSender,
  UploadError,
  type PickedFile,
  type Upload,
  type UploadErrorCode,
  type Uploads,
  type UploadSender,
} from './files/uploads.js';
export { LABEL_PALETTE, labelInk, labelsOf, labelStates, labelUseCount, teamLabels } from './engine/labels.js';
export { activityNoteOf, type ActivityNote } from './selectors/activity.js';
