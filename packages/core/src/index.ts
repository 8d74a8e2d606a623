/**
 * @confab/core — the headless core of Confab: model, protocol, the live replica, clients and
 * transports. No rendering, no DOM: runs in browsers, workers and Node.
 */
export * from './model/model.js';
export * from './protocol/commands.js';
export * from './protocol/events.js';
export * from './protocol/errors.js';
export * from './protocol/frames.js';
export * from './transport/transport.js';
export * from './store/readable.js';
export * from './store/types.js';
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
  compareConversations,
  scopeOf,
  isBotHandling,
} from './engine/views.js';
export { emailKey } from './engine/email.js';
export { isHandoverReply } from './engine/bot.js';
export { isRoutable } from './engine/routing.js';
export { senderNotVerified, uncopiedCcAddresses, isUnauthenticatedChannel } from './engine/sender-trust.js';
export { messageNotice, type MessageNotice } from './engine/notices.js';
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
export * from './client/types.js';
export {
  createInboxClient,
  createVisitorClient,
  isPendingRecord,
  commandIdOf,
  startedConversation,
  PENDING_ID_PREFIX,
} from './client/client.js';
export * from './persistence/persistence.js';
export { createWebSocketTransport, type WebSocketTransportOptions } from './transport/websocket.js';
export * from './transport/link-transport.js';
export * from './protocol/close-codes.js';
export {
  createMemoryBackend,
  type MemoryBackend,
  type MemoryBackendOptions,
  type MemoryTransport,
} from './transport/memory.js';
export * from './store/store.js';
export { createVisitorStore, type LocalReplicaStore } from './store/visitor-store.js';
export {
  visitorSelectors,
  closedSince,
  type Delivery,
  type TeamAvailability,
  type Timeline,
  type TimelineItem,
  type TimelineTarget,
  type VisitorSelectors,
} from './selectors/visitor.js';
export { select, sameItems } from './selectors/select.js';
export * from './protocol/validate.js';
export { unbrokenRunPieces, LONGEST_UNBROKEN_RUN } from './text/graphemes.js';
export { safeUrl, linkRuns, type TextRun } from './text/links.js';
export { mentionedIds, type Mentionable } from './text/mentions.js';
export { closeEligibility, type CloseEligibility } from './engine/agent-commands.js';
export { closeEligibilityOf } from './selectors/close-eligibility.js';
export { createTypingNotice, type TypingNotice } from './client/typing.js';
